//! The `omnigraph` binary: parse argv, run one cluster operation, print, exit.

use clap::Parser;
use omnigraph_cluster::cli::{Cli, ClusterCommand, TopCommand};
use omnigraph_cluster::layout::Layout;
use omnigraph_cluster::ops::{self, Context, Output, sync::SyncOperation};
use omnigraph_cluster::runtime::Runtime;
use omnigraph_cluster::{output, signals};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    signals::install();
    let runtime = Runtime::system();
    let TopCommand::Cluster(command) = cli.command;
    let common = command.common().clone();
    let layout = Layout::new(&common.config);
    let context = Context {
        layout: &layout,
        runtime: &runtime,
    };
    let result = match &command {
        ClusterCommand::Validate(_) => Output::Validate(ops::validate::run(&context)),
        ClusterCommand::Plan(_) => Output::Plan(ops::plan::run(&context)),
        ClusterCommand::Apply(_) => Output::Apply(ops::apply::run(&context)),
        ClusterCommand::Status(_) => Output::Status(ops::status::run(&context)),
        ClusterCommand::Refresh(_) => {
            Output::Sync(ops::sync::run(&context, SyncOperation::Refresh))
        }
        ClusterCommand::Import(_) => Output::Sync(ops::sync::run(&context, SyncOperation::Import)),
        ClusterCommand::ForceUnlock { lock_id, .. } => {
            Output::Unlock(ops::unlock::run(&context, lock_id))
        }
    };
    // Interrupted while the command ran: it has finished cleanly (locks released), but the
    // operator asked us to stop, so report that instead of the result.
    if let Some(status) = signals::interrupted_status() {
        return ExitCode::from(status);
    }
    let text = match output::render(&result, common.json) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: could not encode output: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) must not turn into a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if result.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
