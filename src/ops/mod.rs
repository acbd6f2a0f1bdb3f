//! One module per subcommand. Each takes the command's [`Context`] and returns a complete output
//! object, built once at the end; nothing prints here, and any lock is released before return.
//! The commands that read the ledger open through [`session`].

pub mod apply;
pub mod contents;
pub mod drift;
pub mod graph;
pub mod history;
pub mod plan;
pub mod saved_plan;
pub mod session;
pub mod show_plan;
pub mod state_view;
pub mod status;
pub mod sync;
pub mod unlock;
pub mod validate;

use crate::desired::Desired;
use crate::layout::{self, Layout};
use crate::progress::{self, Meter};
use crate::runtime::Runtime;
use crate::state::lock::{Patience, StateLockFile};
use serde::{Deserialize, Serialize};

/// What every command runs against: the config folder, the outside world (clock, ids, pid) and
/// the hooks through which it meets the operator.
pub struct Context<'a> {
    pub layout: &'a Layout,
    pub runtime: &'a Runtime,
    pub hooks: Hooks<'a>,
}

/// How a command meets people and other commands. The library never prints: the binary fills
/// these in (a stderr line while waiting for the lock, a `yes` prompt on a terminal).
pub struct Hooks<'a> {
    /// How long to wait for a held lock (`--lock-timeout`), and what to say when waiting starts.
    pub lock: Patience<'a>,
    /// Ask the operator to confirm; `None` when nobody is to be asked (not a terminal, `--force`,
    /// `--auto-approve`): the command then goes ahead as the reference does.
    pub confirm: Option<&'a dyn Fn(&Question<'_>) -> bool>,
    /// Where the progress of long blob work goes (a progress bar on a terminal); `None` when
    /// nobody watches (piped, `--json`).
    pub progress: Option<progress::Hook<'a>>,
}

impl Hooks<'static> {
    /// No waiting, no questions: the reference's behaviour.
    pub fn none() -> Self {
        Hooks {
            lock: Patience::none(),
            confirm: None,
            progress: None,
        }
    }
}

/// What a command asks the operator before it does something that cannot be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question<'q> {
    /// `force-unlock` is about to remove this lock (of this age in seconds, when known).
    RemoveLock {
        lock: &'q StateLockFile,
        age_seconds: Option<u64>,
    },
    /// `apply` is about to delete these applied resources.
    DeleteResources { addresses: &'q [String] },
}

impl<'a> Context<'a> {
    /// A context without hooks: no lock waiting, no prompts.
    pub fn new(layout: &'a Layout, runtime: &'a Runtime) -> Self {
        Context {
            layout,
            runtime,
            hooks: Hooks::none(),
        }
    }

    /// Ask `question` through the confirm hook; `true` (go ahead) when there is nobody to ask.
    pub fn confirmed(&self, question: &Question<'_>) -> bool {
        self.hooks.confirm.is_none_or(|ask| ask(question))
    }

    /// The progress reporter of this command's long work.
    pub fn meter(&self) -> Meter<'a> {
        Meter(self.hooks.progress)
    }

    /// `config_dir` of every output: `--config` as typed.
    pub fn config_dir(&self) -> String {
        layout::display(&self.layout.config_dir)
    }
}

/// `desired_revision` of plan/apply: `{}` when there is no raw config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DesiredRevision {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<String>,
}

impl DesiredRevision {
    pub fn of(desired: Option<&Desired>) -> Self {
        DesiredRevision {
            config_digest: desired.map(|d| d.config_digest.clone()),
        }
    }
}
