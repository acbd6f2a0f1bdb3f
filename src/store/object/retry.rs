//! Requests that fail without settling anything: what a failure says about the store, whether
//! another attempt can change it, and how long a command keeps trying (its patience with the
//! store, bounded by the request timeout `AWS_TIMEOUT`).
//!
//! The backend's own loops use this, so that every attempt's answer reaches the code that decides
//! a conditional write by what is on the server (the client that sends those writes retries
//! nothing itself).

use object_store::Error;
use object_store::client::{HttpError, HttpErrorKind};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a failed request says about the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    /// 404: no such object (or bucket: the caller tells them apart).
    NotFound,
    /// 412 (or 304 to `If-None-Match`): a condition of the request did not hold.
    Precondition,
    /// 409 `ConditionalRequestConflict`: another conditional request on the key was in flight;
    /// this one did nothing, and AWS says to try again.
    Conflict,
    /// 5xx, 429, 408, or no complete answer (a reset, a timeout, a lost reply): the request may or
    /// may not have been carried out, and another attempt may succeed.
    Transient,
    /// Nothing accepted the connection (refused, no such host): the request was not sent.
    Unreachable,
    /// Any other answer (access denied, a bad request): another attempt would get the same.
    Final,
}

impl Failure {
    pub(super) fn of(err: &Error) -> Failure {
        match err {
            Error::NotFound { .. } => return Failure::NotFound,
            Error::Precondition { .. } | Error::NotModified { .. } => {
                return Failure::Precondition;
            }
            Error::PermissionDenied { .. } | Error::Unauthenticated { .. } => {
                return Failure::Final;
            }
            _ => {}
        }
        // `AlreadyExists` is a 409, or a 412 to `PutMode::Create`; `Generic` carries a status or a
        // transport error. The status is only in the text of a private error type.
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(error) = source {
            if let Some(http) = error.downcast_ref::<HttpError>() {
                return match http.kind() {
                    HttpErrorKind::Connect => Failure::Unreachable,
                    _ => Failure::Transient,
                };
            }
            let text = error.to_string();
            if let Some(status) = status_in(&text) {
                return Failure::of_status(status);
            }
            // A 200 whose body is an S3 error (`InternalError`, `SlowDown`).
            if text.contains("Server returned error response") {
                return Failure::Transient;
            }
            source = error.source();
        }
        Failure::Final
    }

    fn of_status(status: u16) -> Failure {
        match status {
            404 => Failure::NotFound,
            304 | 412 => Failure::Precondition,
            409 => Failure::Conflict,
            408 | 429 | 500..=599 => Failure::Transient,
            _ => Failure::Final,
        }
    }

    /// Whether the request got an answer from the store (as opposed to none at all).
    fn answered(self) -> bool {
        !matches!(self, Failure::Transient | Failure::Unreachable)
    }
}

/// The status in the text of a failed request: `… status code: 503 Service Unavailable: …`.
fn status_in(text: &str) -> Option<u16> {
    let rest = text.split("status code: ").nth(1)?;
    let digits = rest.get(..3)?;
    digits.parse().ok().filter(|s| (100..600).contains(s))
}

/// How long a command keeps trying, shared by every request of one backend: an operation gives
/// up when it has been failing for `bound`, or when the store as a whole has answered nothing for
/// `bound` (so in an outage a batch gives up once, not blob after blob).
pub(super) struct Patience {
    bound: Duration,
    /// Since when no request has been answered; cleared by any answer.
    failing_since: Mutex<Option<Instant>>,
}

impl Patience {
    pub(super) const fn new(bound: Duration) -> Self {
        Patience {
            bound,
            failing_since: Mutex::new(None),
        }
    }

    fn since(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.failing_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A request was answered: the store is there.
    pub(super) fn answered(&self) {
        *self.since() = None;
    }

    /// A request begun at `started` got no answer.
    fn unanswered(&self, started: Instant) {
        let mut since = self.since();
        if since.is_none_or(|t| started < t) {
            *since = Some(started);
        }
    }

    /// Whether an operation failing since `first` should stop now.
    fn exhausted(&self, first: Instant, now: Instant) -> bool {
        let over = |since: Instant| now.saturating_duration_since(since) >= self.bound;
        over(first) || self.since().is_some_and(over)
    }

    /// What is left of the bound for an operation failing since `first`.
    fn left(&self, first: Instant, now: Instant) -> Duration {
        self.bound
            .saturating_sub(now.saturating_duration_since(first))
    }
}

/// Backoff between attempts: from 50 ms, doubling, at most 1 s, each with ±25 % jitter.
const FIRST_DELAY: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_secs(1);

/// The attempts of one operation.
pub(super) struct Attempts<'p> {
    patience: &'p Patience,
    /// How often a connection refusal is tried again (the read client has retried it already).
    unreachable_retries: u32,
    unreachable: u32,
    first_failure: Option<Instant>,
    delay: Duration,
    made: u32,
    /// Whether the last `again` stopped because the patience ran out.
    out_of_patience: bool,
}

impl<'p> Attempts<'p> {
    pub(super) fn new(patience: &'p Patience, unreachable_retries: u32) -> Self {
        Attempts {
            patience,
            unreachable_retries,
            unreachable: 0,
            first_failure: None,
            delay: FIRST_DELAY,
            made: 0,
            out_of_patience: false,
        }
    }

    /// An attempt succeeded or was answered for good: the store is there.
    pub(super) fn answered(&self) {
        self.patience.answered();
    }

    /// An attempt begun at `started` failed with `failure`, and another one might do better:
    /// pause and return `true`, or `false` when the failure is not worth another attempt or the
    /// patience has run out.
    pub(super) async fn again(&mut self, failure: Failure, started: Instant) -> bool {
        self.made += 1;
        let first = *self.first_failure.get_or_insert(started);
        if failure.answered() {
            self.patience.answered();
        } else {
            self.patience.unanswered(started);
        }
        let worth = match failure {
            Failure::Transient | Failure::Conflict => true,
            Failure::Unreachable => {
                self.unreachable += 1;
                self.unreachable <= self.unreachable_retries
            }
            Failure::NotFound | Failure::Precondition | Failure::Final => false,
        };
        let now = Instant::now();
        if !worth {
            return false;
        }
        if self.patience.exhausted(first, now) {
            self.out_of_patience = true;
            return false;
        }
        let pause = crate::runtime::jittered(self.delay).min(self.patience.left(first, now));
        tokio::time::sleep(pause).await;
        self.delay = (self.delay * 2).min(MAX_DELAY);
        true
    }

    /// How the attempts ended, for the error text: ` (gave up after 7 attempts in 2.2 s:
    /// AWS_TIMEOUT is 2s)` when the patience ran out, ` (after 4 attempts in 0.4 s)` when more
    /// than one was made, else nothing.
    pub(super) fn summary(&self) -> String {
        let Some(first) = self.first_failure else {
            return String::new();
        };
        let took = first.elapsed().as_secs_f64();
        let attempts = match self.made {
            1 => "1 attempt".to_string(),
            n => format!("{n} attempts"),
        };
        if !self.out_of_patience {
            return match self.made {
                0 | 1 => String::new(),
                _ => format!(" (after {attempts} in {took:.1} s)"),
            };
        }
        let bound = humantime::format_duration(self.patience.bound);
        match *self.patience.since() {
            // The store, not this operation, ran out of time.
            Some(since) if since < first => format!(
                " (gave up after {attempts}: the store has answered nothing for {:.1} s, AWS_TIMEOUT is {bound})",
                since.elapsed().as_secs_f64()
            ),
            _ => format!(" (gave up after {attempts} in {took:.1} s: AWS_TIMEOUT is {bound})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Reply(&'static str);
    impl std::fmt::Display for Reply {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Reply {}

    fn generic(text: &'static str) -> Error {
        Error::Generic {
            store: "S3",
            source: Box::new(Reply(text)),
        }
    }

    #[test]
    fn failures_are_read_from_the_status() {
        let of = |text| Failure::of(&generic(text));
        assert_eq!(
            of(
                "Error performing PUT x in 1ms - Server returned non-2xx status code: 503 Service Unavailable: <Code>SlowDown</Code>"
            ),
            Failure::Transient
        );
        assert_eq!(
            of("Server returned non-2xx status code: 500 Internal Server Error: "),
            Failure::Transient
        );
        assert_eq!(
            of("Server returned non-2xx status code: 409 Conflict: "),
            Failure::Conflict
        );
        assert_eq!(
            of("Server returned non-2xx status code: 400 Bad Request: "),
            Failure::Final
        );
        assert_eq!(
            of("Server returned error response: <Error><Code>InternalError</Code></Error>"),
            Failure::Transient
        );
        assert_eq!(of("something else"), Failure::Final);
        let exists = Error::AlreadyExists {
            path: "k".into(),
            source: Box::new(Reply("status code: 409 Conflict")),
        };
        assert_eq!(Failure::of(&exists), Failure::Conflict);
        let refused = Error::AlreadyExists {
            path: "k".into(),
            source: Box::new(Reply("status code: 412 Precondition Failed")),
        };
        assert_eq!(Failure::of(&refused), Failure::Precondition);
        let connect = Error::Generic {
            store: "S3",
            source: Box::new(HttpError::new(HttpErrorKind::Connect, Reply("refused"))),
        };
        assert_eq!(Failure::of(&connect), Failure::Unreachable);
        let reset = Error::Generic {
            store: "S3",
            source: Box::new(HttpError::new(HttpErrorKind::Interrupted, Reply("reset"))),
        };
        assert_eq!(Failure::of(&reset), Failure::Transient);
    }

    #[test]
    fn patience_runs_out_per_operation_and_for_the_store() {
        let patience = Patience::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let later = |s| t0 + Duration::from_secs(s);
        assert!(!patience.exhausted(t0, later(9)));
        assert!(patience.exhausted(t0, later(10)));
        // The store has answered nothing since t0: an operation that began failing at 9 s
        // stops at 10 s too.
        patience.unanswered(t0);
        assert!(patience.exhausted(later(9), later(10)));
        // Any answer clears that.
        patience.answered();
        assert!(!patience.exhausted(later(9), later(10)));
        assert_eq!(patience.left(later(9), later(10)), Duration::from_secs(9));
    }

    #[test]
    fn final_answers_are_not_retried_and_refusals_only_so_often() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let patience = Patience::new(Duration::from_secs(10));
        runtime.block_on(async {
            let mut attempts = Attempts::new(&patience, 1);
            for answer in [Failure::Final, Failure::NotFound, Failure::Precondition] {
                assert!(!attempts.again(answer, Instant::now()).await);
            }
            let mut attempts = Attempts::new(&patience, 1);
            assert!(attempts.again(Failure::Unreachable, Instant::now()).await);
            assert!(!attempts.again(Failure::Unreachable, Instant::now()).await);
            assert!(attempts.summary().starts_with(" (after 2 attempts in "));
            let mut attempts = Attempts::new(&patience, 0);
            assert!(attempts.again(Failure::Conflict, Instant::now()).await);
            assert!(attempts.again(Failure::Transient, Instant::now()).await);
        });
        // Out of patience: the text says so and names the knob.
        let patience = Patience::new(Duration::from_millis(100));
        runtime.block_on(async {
            let mut attempts = Attempts::new(&patience, 0);
            let started = Instant::now();
            while attempts.again(Failure::Transient, started).await {}
            let text = attempts.summary();
            assert!(text.starts_with(" (gave up after "), "{text}");
            assert!(text.ends_with(" s: AWS_TIMEOUT is 100ms)"), "{text}");
            // A later operation finds the store silent since before it began.
            let mut later = Attempts::new(&patience, 0);
            assert!(!later.again(Failure::Transient, Instant::now()).await);
            let text = later.summary();
            assert!(
                text.starts_with(" (gave up after 1 attempt: the store has answered nothing for "),
                "{text}"
            );
        });
    }
}
