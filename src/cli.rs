//! Command-line surface (contract §1.1): clap derive definitions and help texts.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    /// Acting identity (accepted for compatibility with the wider omnigraph CLI; ignored here)
    #[arg(long = "as", global = true, value_name = "ACTOR")]
    pub actor: Option<String>,
    #[command(subcommand)]
    pub command: TopCommand,
}

#[derive(Debug, Subcommand)]
pub enum TopCommand {
    /// Validate and plan read-only cluster configuration
    #[command(subcommand)]
    Cluster(ClusterCommand),
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

#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Validate cluster.yaml and referenced schemas, queries, and policy files
    Validate(CommonArgs),
    /// Produce a read-only plan by diffing cluster.yaml against __cluster/state.json
    Plan(CommonArgs),
    /// Apply the config-only (query/policy) subset of the plan to the local cluster catalog. Graph/schema changes are deferred to a later stage
    Apply(CommonArgs),
    /// Read the local JSON state ledger without scanning live graph resources
    Status(CommonArgs),
    /// Refresh existing local JSON state from declared graph observations
    Refresh(CommonArgs),
    /// Import initial local JSON state from declared graph observations
    Import(CommonArgs),
    /// Remove a held local JSON state lock after operator confirmation
    ForceUnlock {
        /// Exact lock id from cluster status or a state_lock_held diagnostic
        lock_id: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

impl ClusterCommand {
    /// The options every subcommand shares.
    pub fn common(&self) -> &CommonArgs {
        match self {
            ClusterCommand::Validate(c)
            | ClusterCommand::Plan(c)
            | ClusterCommand::Apply(c)
            | ClusterCommand::Status(c)
            | ClusterCommand::Refresh(c)
            | ClusterCommand::Import(c) => c,
            ClusterCommand::ForceUnlock { common, .. } => common,
        }
    }
}
