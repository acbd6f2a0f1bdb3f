//! Command-line surface (contract §1.1): clap derive definitions and help texts, plus the shell
//! completion script and man page rendered from them.

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "omnigraph",
    version,
    about = "OmniGraph command-line interface",
    disable_version_flag = true
)]
pub struct Cli {
    /// Print version
    #[arg(short = 'v', long = "version", action = clap::ArgAction::Version)]
    pub version: Option<bool>,
    /// Acting identity recorded in the history of apply, refresh and import (default: OMNIGRAPH_ACTOR, else user@host)
    #[arg(long = "as", global = true, value_name = "ACTOR")]
    pub actor: Option<String>,
    /// When to colour human output: only on a terminal (auto, honours NO_COLOR), always or never.
    /// JSON is never coloured
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: TopCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum TopCommand {
    /// Validate, plan, apply and observe an OmniGraph cluster configuration
    #[command(subcommand)]
    Cluster(ClusterCommand),
    /// Print a shell completion script for omnigraph
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man pages of omnigraph and of every subcommand (roff), or write them to a directory
    Man {
        /// Write one page per command (omnigraph.1, omnigraph-cluster-plan.1, …) into DIR instead of printing them all
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Cluster config directory containing cluster.yaml
    #[arg(long, default_value = ".")]
    pub config: PathBuf,
    /// Emit JSON instead of human text
    #[arg(long)]
    pub json: bool,
}

/// The environment variable that picks the human view where no `--format` is given (e.g.
/// `OMNIGRAPH_FORMAT=rich` for CI logs): `auto`, `plain` or `rich`.
pub const FORMAT_ENV: &str = "OMNIGRAPH_FORMAT";

/// How a command's human output is shown. (Plain comments on the values: documented values
/// would switch every `--help` to clap's long layout, and the reference's is the short one.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    // The rich view on a terminal, the plain text otherwise (or as OMNIGRAPH_FORMAT says)
    Auto,
    // The contract's plain text, exactly as piped output prints it
    Plain,
    // The rich view: diffs, reasons, drift and failures named, a summary line
    Rich,
}

/// How `plan` and `show-plan` show a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    // The rich view on a terminal, the plain text otherwise (or as OMNIGRAPH_FORMAT says)
    Auto,
    // The contract's plain text, exactly as piped output prints it
    Plain,
    // The rich view: diffs, reasons, blast radius, approval gates, a summary line
    Rich,
    // A deterministic Markdown report for a pull-request comment
    Markdown,
}

/// The picture `cluster graph` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    // Graphviz DOT (`dot -Tsvg`)
    Dot,
    // A Mermaid flowchart (renders in GitHub Markdown)
    Mermaid,
}

/// What a command was asked to print, before `auto` is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Auto,
    Plain,
    Rich,
    Markdown,
    Dot,
    Mermaid,
}

impl From<TextFormat> for Format {
    fn from(format: TextFormat) -> Self {
        match format {
            TextFormat::Auto => Format::Auto,
            TextFormat::Plain => Format::Plain,
            TextFormat::Rich => Format::Rich,
        }
    }
}

impl From<PlanFormat> for Format {
    fn from(format: PlanFormat) -> Self {
        match format {
            PlanFormat::Auto => Format::Auto,
            PlanFormat::Plain => Format::Plain,
            PlanFormat::Rich => Format::Rich,
            PlanFormat::Markdown => Format::Markdown,
        }
    }
}

/// `--format` of the commands with a human view.
#[derive(Debug, Clone, Args)]
pub struct ViewArgs {
    /// Human output: auto (rich on a terminal, plain otherwise; OMNIGRAPH_FORMAT overrides), plain or rich
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "json")]
    pub format: Option<TextFormat>,
}

/// Content diffs of `plan` and `apply`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// Show a content diff for each query or policy change (on by default in the rich view); with --json, each change gets a `diff` field
    #[arg(long)]
    pub diff: bool,
    /// Show every line of every diff (the text views stop after 40 lines of each)
    #[arg(long)]
    pub full_diff: bool,
}

/// Options of the commands that take the state lock.
#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    /// How long to wait for a held state lock before failing (e.g. 500ms, 30s, 2m, 1m30s); 0s fails at once
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub lock: LockArgs,
    /// Exit 2 when apply would change the ledger (a change applied or derived), 0 when it would not, 1 on error
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the plan to FILE for `cluster apply --plan FILE`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// --lock=false reads the state without taking the state lock and writes nothing, so a job
    /// with read-only access can plan (as Terraform's -lock=false)
    #[arg(
        long = "lock",
        value_name = "BOOL",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub take_lock: bool,
    /// Human output: auto (rich on a terminal, plain otherwise; OMNIGRAPH_FORMAT overrides), plain, rich, or markdown (a report for a pull request)
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "json")]
    pub format: Option<PlanFormat>,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub lock: LockArgs,
    /// Exit 0 when converged, 1 on error, 2 when ok but not converged
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Apply exactly the plan saved by `cluster plan --out FILE`; refused when the config or the state moved since
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Do not ask before deleting applied resources on a terminal
    #[arg(long)]
    pub auto_approve: bool,
    #[command(flatten)]
    pub view: ViewArgs,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub lock: LockArgs,
    #[command(flatten)]
    pub view: ViewArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ViewedArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub view: ViewArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ShowPlanArgs {
    /// A plan saved by `cluster plan --out FILE`
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Human output: auto (rich on a terminal, plain otherwise; OMNIGRAPH_FORMAT overrides), plain, rich, or markdown (a report for a pull request)
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "json")]
    pub format: Option<PlanFormat>,
}

#[derive(Debug, Clone, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub lock: LockArgs,
    /// The picture: dot (Graphviz DOT) or mermaid (a flowchart that renders in GitHub Markdown)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = GraphFormat::Dot, conflicts_with = "json")]
    pub format: GraphFormat,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List every address the state ledger records, with kind, status, a short digest and conditions (read-only, no lock)
    List(ViewedArgs),
    /// Show one recorded resource: digest, status, conditions, its catalog blob and payload, or its graph's last observation (read-only, no lock)
    Show {
        /// The resource's address, e.g. query.org.hire or graph.org
        address: String,
        #[command(flatten)]
        args: ViewedArgs,
    },
}

#[derive(Debug, Clone, Args)]
pub struct RefreshArgs {
    #[command(flatten)]
    pub sync: SyncArgs,
    /// Observe and verify as refresh does, then report what it would record (drift) instead of
    /// writing it; takes no lock and writes nothing
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: exit 0 when there is no drift, 2 when there is, 1 on error
    #[arg(long, requires = "dry_run")]
    pub detailed_exitcode: bool,
}

/// `history`'s own options belong to the listing: with `show`, only `show`'s are taken, so
/// `history --json show 2` is refused instead of quietly printing text.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub show: Option<HistoryCommand>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Show at most N revisions (the newest)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum HistoryCommand {
    /// Show one revision whole: who, when, how, and every change
    Show {
        /// The revision number
        revision: u64,
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        view: ViewArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Validate cluster.yaml and referenced schemas, queries, and policy files
    Validate(ViewedArgs),
    /// Produce a read-only plan by diffing cluster.yaml against __cluster/state.json
    Plan(PlanArgs),
    /// Apply the config-only (query/policy) subset of the plan to the cluster catalog (locally or on S3). Graph/schema changes are deferred to a later stage
    Apply(ApplyArgs),
    /// Read the JSON state ledger (locally or on S3) without scanning live graph resources
    Status(ViewedArgs),
    /// Refresh the existing state ledger from observations of the declared graph roots
    Refresh(RefreshArgs),
    /// Import the first state ledger from observations of the declared graph roots
    Import(SyncArgs),
    /// List the revisions of the state ledger, newest first, or show one (`history show REV`)
    History(HistoryArgs),
    /// Remove a held state lock after operator confirmation
    ForceUnlock {
        /// Exact lock id from cluster status or a state_lock_held diagnostic
        lock_id: String,
        #[command(flatten)]
        common: CommonArgs,
        /// Do not ask for confirmation on a terminal
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        view: ViewArgs,
    },
    /// Inspect the state ledger (read-only, takes no lock)
    #[command(subcommand)]
    State(StateCommand),
    /// Show a plan saved by `cluster plan --out FILE`
    ShowPlan(ShowPlanArgs),
    /// Print the dependency graph of the desired revision, each resource marked by its planned action and disposition
    Graph(GraphArgs),
}

impl ClusterCommand {
    /// The options every subcommand shares.
    pub fn common(&self) -> &CommonArgs {
        match self {
            ClusterCommand::Validate(a) | ClusterCommand::Status(a) => &a.common,
            ClusterCommand::Plan(a) => &a.common,
            ClusterCommand::Apply(a) => &a.common,
            ClusterCommand::Refresh(a) => &a.sync.common,
            ClusterCommand::Import(a) => &a.common,
            ClusterCommand::History(HistoryArgs {
                show: Some(HistoryCommand::Show { common, .. }),
                ..
            }) => common,
            ClusterCommand::History(a) => &a.common,
            ClusterCommand::ForceUnlock { common, .. } => common,
            ClusterCommand::State(StateCommand::List(a)) => &a.common,
            ClusterCommand::State(StateCommand::Show { args, .. }) => &args.common,
            ClusterCommand::ShowPlan(a) => &a.common,
            ClusterCommand::Graph(a) => &a.common,
        }
    }

    /// The output asked for with `--format` (`None`: not given).
    pub fn format(&self) -> Option<Format> {
        match self {
            ClusterCommand::Validate(a) | ClusterCommand::Status(a) => {
                a.view.format.map(Into::into)
            }
            ClusterCommand::Plan(a) => a.format.map(Into::into),
            ClusterCommand::Apply(a) => a.view.format.map(Into::into),
            ClusterCommand::Refresh(a) => a.sync.view.format.map(Into::into),
            ClusterCommand::Import(a) => a.view.format.map(Into::into),
            ClusterCommand::History(HistoryArgs {
                show: Some(HistoryCommand::Show { view, .. }),
                ..
            }) => view.format.map(Into::into),
            ClusterCommand::History(a) => a.view.format.map(Into::into),
            ClusterCommand::ForceUnlock { view, .. } => view.format.map(Into::into),
            ClusterCommand::State(StateCommand::List(a)) => a.view.format.map(Into::into),
            ClusterCommand::State(StateCommand::Show { args, .. }) => {
                args.view.format.map(Into::into)
            }
            ClusterCommand::ShowPlan(a) => a.format.map(Into::into),
            ClusterCommand::Graph(a) => Some(match a.format {
                GraphFormat::Dot => Format::Dot,
                GraphFormat::Mermaid => Format::Mermaid,
            }),
        }
    }

    /// `--diff` and `--full-diff` (plan and apply).
    pub fn diff(&self) -> Option<&DiffArgs> {
        match self {
            ClusterCommand::Plan(a) => Some(&a.diff),
            ClusterCommand::Apply(a) => Some(&a.diff),
            _ => None,
        }
    }

    /// `--detailed-exitcode` (plan, apply and refresh).
    pub fn detailed_exitcode(&self) -> bool {
        match self {
            ClusterCommand::Plan(a) => a.detailed_exitcode,
            ClusterCommand::Apply(a) => a.detailed_exitcode,
            ClusterCommand::Refresh(a) => a.detailed_exitcode,
            _ => false,
        }
    }

    /// `--auto-approve` (apply) or `--force` (force-unlock): never ask.
    pub fn pre_approved(&self) -> bool {
        match self {
            ClusterCommand::Apply(a) => a.auto_approve,
            ClusterCommand::ForceUnlock { force, .. } => *force,
            _ => false,
        }
    }

    /// `--lock-timeout` of the commands that take the lock; zero for the others.
    pub fn lock_timeout(&self) -> Duration {
        match self {
            ClusterCommand::Plan(a) => a.lock.lock_timeout,
            ClusterCommand::Apply(a) => a.lock.lock_timeout,
            ClusterCommand::Refresh(a) => a.sync.lock.lock_timeout,
            ClusterCommand::Import(a) => a.lock.lock_timeout,
            ClusterCommand::Graph(a) => a.lock.lock_timeout,
            _ => Duration::ZERO,
        }
    }
}

/// `30s`, `2m`, `500ms`, `1h`, `0`, or several of them run together, largest unit first
/// (`1m30s`, `1h5m`, `2s500ms`), as Go and Terraform write durations.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let invalid = || {
        format!(
            "invalid duration `{text}`: use whole numbers with units, e.g. 500ms, 30s, 2m, 1m30s, 1h"
        )
    };
    // A bare zero needs no unit.
    if !text.is_empty() && text.bytes().all(|b| b == b'0') {
        return Ok(Duration::ZERO);
    }
    const UNITS: [(&str, u64); 4] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];
    let mut rest = text;
    let mut total: u64 = 0;
    // Index into UNITS of the last unit seen: each must be smaller than the one before.
    let mut last: Option<usize> = None;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let value: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        let after = &rest[digits..];
        let letters = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let unit = UNITS
            .iter()
            .position(|(name, _)| *name == &after[..letters])
            .ok_or_else(invalid)?;
        if last.is_some_and(|previous| unit <= previous) {
            return Err(invalid());
        }
        last = Some(unit);
        total = value
            .checked_mul(UNITS[unit].1)
            .and_then(|millis| total.checked_add(millis))
            .ok_or_else(invalid)?;
        rest = &after[letters..];
    }
    last.map(|_| Duration::from_millis(total))
        .ok_or_else(invalid)
}

/// The completion script of `omnigraph` for `shell`.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "omnigraph", &mut script);
    script
}

/// Every man page: `omnigraph(1)`, then one per subcommand, depth first (`omnigraph-cluster(1)`,
/// `omnigraph-cluster-plan(1)`, …), so each page's SEE ALSO names a page that exists.
fn man_pages() -> Vec<clap_mangen::Man> {
    fn collect(command: clap::Command, pages: &mut Vec<clap_mangen::Man>) {
        let subcommands: Vec<clap::Command> = command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned()
            .collect();
        let source = format!("omnigraph {}", env!("CARGO_PKG_VERSION"));
        pages.push(clap_mangen::Man::new(command).source(source));
        for subcommand in subcommands {
            collect(subcommand, pages);
        }
    }
    let mut command = Cli::command().disable_help_subcommand(true);
    // Building names every subcommand `omnigraph-cluster-plan`, the name of its page.
    command.build();
    let mut pages = Vec::new();
    collect(command, &mut pages);
    pages
}

/// All man pages as one roff document (`omnigraph man | man -l -`).
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut document = Vec::new();
    for page in man_pages() {
        page.render(&mut document)?;
    }
    Ok(document)
}

/// Write every man page into `dir` (e.g. a `man1` directory); the paths written, one a line.
pub fn write_man_pages(dir: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut written = Vec::new();
    for page in man_pages() {
        let path = page.generate_to(dir)?;
        written.extend_from_slice(path.to_string_lossy().as_bytes());
        written.push(b'\n');
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h5m"), Ok(Duration::from_secs(3900)));
        assert_eq!(parse_duration("2s500ms"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("1h0m1s"), Ok(Duration::from_secs(3601)));
        for bad in [
            "30s1m",
            "1m1m",
            "1m 30s",
            "1m30",
            "ms",
            "",
            "s",
            "5",
            "1.5s",
            "-1s",
            "3d",
            "99999999999999999999h",
            "1 s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
