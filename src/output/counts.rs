//! The counts of a change list by action and by disposition, and what they say of an apply: the
//! words the rich view's summary lines and the Markdown report's headline share.

use crate::plan::{Change, Disposition};

#[derive(Default)]
pub(crate) struct Counts {
    total: usize,
    by_action: [usize; 3],
    by_disposition: [usize; 4],
}

impl Counts {
    pub(crate) fn of(changes: &[Change]) -> Self {
        let mut counts = Counts {
            total: changes.len(),
            ..Counts::default()
        };
        for change in changes {
            counts.by_action[change.operation as usize] += 1;
            if let Some(d) = change.disposition {
                counts.by_disposition[d as usize] += 1;
            }
        }
        counts
    }

    /// `1 create, 2 update, 0 delete`.
    pub(crate) fn actions(&self) -> String {
        let [create, update, delete] = self.by_action;
        format!("{create} create, {update} update, {delete} delete")
    }

    /// `1 to apply, 1 derived, 0 deferred, 2 blocked`, the `applied` ones called `applied_word`.
    pub(crate) fn dispositions(&self, applied_word: &str) -> String {
        let [applied, derived, deferred, blocked] = self.by_disposition;
        format!(
            "{applied} {applied_word}, {derived} derived, {deferred} deferred, {blocked} blocked"
        )
    }

    /// Deferred and blocked: what keeps an apply from converging.
    pub(crate) fn waiting(&self) -> usize {
        self.by_disposition[Disposition::Deferred as usize]
            + self.by_disposition[Disposition::Blocked as usize]
    }

    /// Whether an apply of these changes would converge, in words.
    pub(crate) fn convergence(&self) -> String {
        match (self.total, self.waiting()) {
            (0, _) => "nothing to do: the state matches the config".to_string(),
            (_, 0) => "apply would converge".to_string(),
            (_, n) => format!("apply would not converge ({n} change(s) wait)"),
        }
    }
}
