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
    /// Print the omnigraph man page (roff)
    Man,
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
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub lock: LockArgs,
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

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub show: Option<HistoryCommand>,
    #[command(flatten)]
    pub common: CommonArgs,
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
    },
}

#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Validate cluster.yaml and referenced schemas, queries, and policy files
    Validate(CommonArgs),
    /// Produce a read-only plan by diffing cluster.yaml against __cluster/state.json
    Plan(PlanArgs),
    /// Apply the config-only (query/policy) subset of the plan to the local cluster catalog. Graph/schema changes are deferred to a later stage
    Apply(ApplyArgs),
    /// Read the local JSON state ledger without scanning live graph resources
    Status(CommonArgs),
    /// Refresh existing local JSON state from declared graph observations
    Refresh(RefreshArgs),
    /// Import initial local JSON state from declared graph observations
    Import(SyncArgs),
    /// List the revisions of the state ledger, newest first, or show one (`history show REV`)
    History(HistoryArgs),
    /// Remove a held local JSON state lock after operator confirmation
    ForceUnlock {
        /// Exact lock id from cluster status or a state_lock_held diagnostic
        lock_id: String,
        #[command(flatten)]
        common: CommonArgs,
        /// Do not ask for confirmation on a terminal
        #[arg(long)]
        force: bool,
    },
}

impl ClusterCommand {
    /// The options every subcommand shares.
    pub fn common(&self) -> &CommonArgs {
        match self {
            ClusterCommand::Validate(c) | ClusterCommand::Status(c) => c,
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
        }
    }

    /// `--detailed-exitcode` (plan and apply).
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

/// The `omnigraph(1)` man page as roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    Ok(page)
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
