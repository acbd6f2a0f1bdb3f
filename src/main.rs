//! The `omnigraph` binary: parse argv, run one cluster operation, print, exit. The only place
//! that touches the terminal: it decides colour, answers the library's hooks (a stderr line while
//! waiting for the lock, `yes` prompts) and prints the result.

use clap::{CommandFactory, Parser};
use omnigraph_cluster::cli::{
    self, Cli, ClusterCommand, ColorWhen, FORMAT_ENV, Format, HistoryCommand, StateCommand,
    TopCommand,
};
use omnigraph_cluster::layout::Layout;
use omnigraph_cluster::ops::plan::PlanOptions;
use omnigraph_cluster::ops::sync::SyncOperation;
use omnigraph_cluster::ops::{self, Context, Hooks, Question, apply::ApplyOptions};
use omnigraph_cluster::output::{self, DiffDisplay, Output, View, human, human::Presentation};
use omnigraph_cluster::progress::Progress;
use omnigraph_cluster::runtime::Runtime;
use omnigraph_cluster::signals;
use omnigraph_cluster::state::lock::{LockWait, Patience};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        TopCommand::Cluster(command) => command,
        TopCommand::Completions { shell } => return emit(Ok(cli::completion_script(shell))),
        TopCommand::Man { dir: None } => return emit(cli::man_page()),
        TopCommand::Man { dir: Some(dir) } => return emit(cli::write_man_pages(&dir)),
    };
    signals::install();
    let runtime = Runtime {
        actor: cli.actor.clone(),
        ..Runtime::system()
    };
    let common = command.common().clone();
    let layout = Layout::new(&common.config);
    let presentation = presentation(cli.color, common.json, &layout);
    // JSON is the same document whatever the environment says of text views.
    let view = match common.json {
        true => View::Plain,
        false => view(command.format()).unwrap_or_else(|message| {
            Cli::command()
                .error(clap::error::ErrorKind::InvalidValue, message)
                .exit()
        }),
    };
    let flags = command.diff();
    let diffs = DiffDisplay {
        shown: flags.is_some_and(|f| f.diff) || matches!(view, View::Rich | View::Markdown),
        full: flags.is_some_and(|f| f.full_diff),
    };
    // Diffs cost reads of blobs and sources: made only when they will be shown.
    let want_diffs = flags.is_some()
        && if common.json {
            flags.is_some_and(|f| f.diff)
        } else {
            diffs.shown
        };
    let on_wait = |wait: &LockWait| {
        if std::io::stderr().is_terminal() {
            eprintln!("{}", human::lock_wait_line(wait));
        }
    };
    let prompt = |question: &Question<'_>| ask(question, &presentation);
    let bar = ProgressBar::default();
    let bar = |event: Progress<'_>| bar.show(event);
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let context = Context {
        layout: &layout,
        runtime: &runtime,
        hooks: Hooks {
            lock: Patience {
                timeout: command.lock_timeout(),
                on_wait: &on_wait,
            },
            confirm: (interactive && !command.pre_approved())
                .then_some(&prompt as &dyn Fn(&Question<'_>) -> bool),
            progress: (std::io::stderr().is_terminal() && !common.json)
                .then_some(&bar as &(dyn Fn(Progress<'_>) + Sync)),
        },
    };
    let result = dispatch(&command, &context, want_diffs, view);
    // Interrupted while the command ran: it has finished cleanly (locks released), but the
    // operator asked us to stop, so report that instead of the result.
    if let Some(status) = signals::interrupted_status() {
        return ExitCode::from(status);
    }
    if common.json {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        match output::write_json(&result, &mut stdout) {
            // A closed stdout (e.g. `| head`) must not turn into a panic or an error report.
            Err(err) if !err.is_io() => {
                eprintln!("error: could not encode output: {err}");
                return ExitCode::FAILURE;
            }
            _ => {}
        }
    } else {
        print(output::render_text(&result, view, &presentation, diffs).as_bytes());
    }
    ExitCode::from(result.exit_status(command.detailed_exitcode()))
}

fn dispatch(command: &ClusterCommand, context: &Context<'_>, diffs: bool, view: View) -> Output {
    match command {
        ClusterCommand::Validate(_) => Output::Validate(ops::validate::run(context)),
        ClusterCommand::Plan(args) => {
            let options = PlanOptions {
                out: args.out.clone(),
                lock: args.take_lock,
                diffs,
            };
            Output::Plan(ops::plan::run_with(context, &options))
        }
        ClusterCommand::Apply(args) => {
            let options = ApplyOptions {
                plan: args.plan.clone(),
                diffs,
                blast_radius: matches!(view, View::Rich | View::Markdown),
            };
            Output::Apply(ops::apply::run_with(context, &options))
        }
        ClusterCommand::Status(_) => Output::Status(ops::status::run(context)),
        ClusterCommand::Refresh(args) if args.dry_run => Output::Drift(ops::drift::run(context)),
        ClusterCommand::Refresh(_) => Output::Sync(ops::sync::run(context, SyncOperation::Refresh)),
        ClusterCommand::Import(_) => Output::Sync(ops::sync::run(context, SyncOperation::Import)),
        ClusterCommand::History(args) => match &args.show {
            Some(HistoryCommand::Show { revision, .. }) => {
                Output::Revision(ops::history::show(context, *revision))
            }
            None => Output::History(ops::history::run(context, args.limit)),
        },
        ClusterCommand::ForceUnlock { lock_id, .. } => {
            Output::Unlock(ops::unlock::run(context, lock_id))
        }
        ClusterCommand::State(StateCommand::List(_)) => {
            Output::StateList(ops::state_view::list(context))
        }
        ClusterCommand::State(StateCommand::Show { address, .. }) => {
            Output::StateShow(ops::state_view::show(context, address))
        }
        ClusterCommand::ShowPlan(args) => {
            Output::ShowPlan(ops::show_plan::run(context, &args.file))
        }
        ClusterCommand::Graph(_) => Output::Graph(ops::graph::run(context)),
    }
}

/// The text view: `--format` when given, else `OMNIGRAPH_FORMAT`, else the rich view on a
/// terminal and the plain text otherwise.
fn view(format: Option<Format>) -> Result<View, String> {
    Ok(match format {
        Some(Format::Plain) => View::Plain,
        Some(Format::Rich) => View::Rich,
        Some(Format::Markdown) => View::Markdown,
        Some(Format::Dot) => View::Dot,
        Some(Format::Mermaid) => View::Mermaid,
        Some(Format::Auto) | None => match std::env::var(FORMAT_ENV).as_deref() {
            Ok("rich") => View::Rich,
            Ok("plain") => View::Plain,
            Ok("auto" | "") | Err(std::env::VarError::NotPresent) => {
                match std::io::stdout().is_terminal() {
                    true => View::Rich,
                    false => View::Plain,
                }
            }
            Ok(other) => {
                return Err(format!(
                    "invalid value '{other}' for {FORMAT_ENV}: use auto, plain or rich"
                ));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!(
                    "{FORMAT_ENV} is not UTF-8: use auto, plain or rich"
                ));
            }
        },
    })
}

/// Colour and terminal hints only for human output; `auto` colours a terminal unless NO_COLOR
/// (or TERM=dumb, CLICOLOR=0) says otherwise. Piped output is never dressed unless asked.
fn presentation(color: ColorWhen, json: bool, layout: &Layout) -> Presentation {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            terminal && anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never
        }
    };
    let config_dir = std::path::absolute(&layout.config_dir).unwrap_or(layout.config_dir.clone());
    Presentation {
        color: color && !json,
        lock_hint_config: (terminal && !json)
            .then(|| std::fs::canonicalize(&config_dir).unwrap_or(config_dir))
            .map(|dir| dir.to_string_lossy().into_owned()),
    }
}

/// The progress bar of long blob work, on stderr (only ever given a terminal's). It stays hidden
/// for the first second of a task, so quick work never flashes a bar.
#[derive(Default)]
struct ProgressBar(std::sync::Mutex<Option<(indicatif::ProgressBar, std::time::Instant)>>);

impl ProgressBar {
    const DELAY: std::time::Duration = std::time::Duration::from_secs(1);

    fn show(&self, event: Progress<'_>) {
        let Ok(mut current) = self.0.lock() else {
            return;
        };
        match event {
            Progress::Start { task, total } => {
                let bar = indicatif::ProgressBar::with_draw_target(
                    Some(total),
                    indicatif::ProgressDrawTarget::hidden(),
                );
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} ({elapsed}, {eta} left)",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_message(task.to_string());
                *current = Some((bar, std::time::Instant::now()));
            }
            Progress::Advance(steps) => {
                if let Some((bar, started)) = current.as_ref() {
                    if bar.is_hidden() && started.elapsed() >= Self::DELAY {
                        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    }
                    bar.inc(steps);
                }
            }
            Progress::Finish => {
                if let Some((bar, _)) = current.take() {
                    bar.finish_and_clear();
                }
            }
        }
    }
}

/// Print the question, read one line: only `yes` goes ahead (end of input declines).
fn ask(question: &Question<'_>, presentation: &Presentation) -> bool {
    print(human::question_text(question, presentation).as_bytes());
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) => answer.trim() == "yes",
        Err(_) => false,
    }
}

fn print(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) must not turn into a panic.
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}

/// Print a generated document (completion script, man page).
fn emit(document: std::io::Result<Vec<u8>>) -> ExitCode {
    match document {
        Ok(bytes) => {
            print(&bytes);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
