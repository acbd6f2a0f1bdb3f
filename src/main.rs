//! The `omnigraph` binary: parse argv, run one cluster operation, print, exit.

use clap::Parser;
use omnigraph_cluster::cli::{Cli, ClusterCommand, TopCommand};
use omnigraph_cluster::layout::Layout;
use omnigraph_cluster::ops::{self, Output, sync::SyncOperation};
use omnigraph_cluster::output;
use omnigraph_cluster::runtime::Runtime;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    omnigraph_cluster::signals::install();
    let runtime = Runtime::system();
    let TopCommand::Cluster(command) = cli.command;
    let (common, result) = match command {
        ClusterCommand::Validate(c) => {
            let out = Output::Validate(ops::validate::run(&Layout::new(&c.config)));
            (c, out)
        }
        ClusterCommand::Plan(c) => {
            let out = Output::Plan(ops::plan::run(&Layout::new(&c.config), &runtime));
            (c, out)
        }
        ClusterCommand::Apply(c) => {
            let out = Output::Apply(ops::apply::run(&Layout::new(&c.config), &runtime));
            (c, out)
        }
        ClusterCommand::Status(c) => {
            let out = Output::Status(ops::status::run(&Layout::new(&c.config), &runtime));
            (c, out)
        }
        ClusterCommand::Refresh(c) => {
            let layout = Layout::new(&c.config);
            let out = Output::Sync(ops::sync::run(&layout, &runtime, SyncOperation::Refresh));
            (c, out)
        }
        ClusterCommand::Import(c) => {
            let layout = Layout::new(&c.config);
            let out = Output::Sync(ops::sync::run(&layout, &runtime, SyncOperation::Import));
            (c, out)
        }
        ClusterCommand::ForceUnlock { lock_id, common } => {
            let layout = Layout::new(&common.config);
            let out = Output::Unlock(ops::unlock::run(&layout, &runtime, &lock_id));
            (common, out)
        }
    };
    // Interrupted while the command ran: it has finished cleanly (locks released), but the
    // operator asked us to stop, so report that instead of the result.
    if let Some(status) = omnigraph_cluster::signals::interrupted_status() {
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
