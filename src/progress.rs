//! Progress of long work (issue 18 §6: publishing or verifying thousands of blobs, seconds on
//! S3). The library never prints: it reports through a hook the binary fills in (a progress bar
//! on a terminal's stderr), like the lock-wait and confirm hooks of `ops::Hooks`.

/// One event of a task's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress<'a> {
    /// A task of `total` steps begins.
    Start { task: &'a str, total: u64 },
    /// `n` more steps are done.
    Advance(u64),
    /// The task is over (whether or not every step was counted).
    Finish,
}

/// Where progress goes: called from any thread of the work.
pub type Hook<'a> = &'a (dyn Fn(Progress<'_>) + Sync);

/// A task's progress reporter; does nothing without a hook.
#[derive(Clone, Copy, Default)]
pub struct Meter<'a>(pub Option<Hook<'a>>);

impl<'a> Meter<'a> {
    /// No one is watching.
    pub fn none() -> Self {
        Meter(None)
    }

    pub fn is_watched(&self) -> bool {
        self.0.is_some()
    }

    pub fn start(&self, task: &str, total: usize) {
        if let Some(hook) = self.0 {
            hook(Progress::Start {
                task,
                total: total as u64,
            });
        }
    }

    pub fn advance(&self, steps: usize) {
        if let Some(hook) = self.0 {
            hook(Progress::Advance(steps as u64));
        }
    }

    pub fn finish(&self) {
        if let Some(hook) = self.0 {
            hook(Progress::Finish);
        }
    }
}
