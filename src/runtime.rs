//! The outside world an operation depends on: the clock, lock/temp ids and the process id.
//! Operations take it as a parameter so tests can pin time and ids.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub struct Runtime {
    pub now: Box<dyn Fn() -> OffsetDateTime>,
    pub new_id: Box<dyn Fn() -> String>,
    pub pid: u32,
    /// `--as`: who runs the command, when given (see [`Runtime::actor`]).
    pub actor: Option<String>,
}

impl Runtime {
    /// The real clock, fresh ULIDs, this process's id and the actor of the environment.
    pub fn system() -> Self {
        Runtime {
            now: Box::new(OffsetDateTime::now_utc),
            new_id: Box::new(|| ulid::Ulid::new().to_string()),
            pid: std::process::id(),
            actor: None,
        }
    }

    /// Who runs the command, as the history records it: `--as`, else `OMNIGRAPH_ACTOR`, else
    /// `user@host` (blank values count as unset). Looked up only by a command that records.
    pub fn actor(&self) -> String {
        match self.actor.as_deref().filter(|a| !a.trim().is_empty()) {
            Some(actor) => actor.to_string(),
            None => default_actor(),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.now)()
    }

    pub fn new_id(&self) -> String {
        (self.new_id)()
    }

    /// Now as RFC 3339 text (§4.5).
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now())
    }
}

/// `OMNIGRAPH_ACTOR` when set and not blank, else `user@host` (the login name from `USER` or
/// `LOGNAME`, else the numeric uid; the host name from the system).
pub fn default_actor() -> String {
    let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(actor) = set("OMNIGRAPH_ACTOR") {
        return actor;
    }
    let user = set("USER")
        .or_else(|| set("LOGNAME"))
        .unwrap_or_else(login_name);
    format!("{user}@{}", host_name())
}

/// The name of this process's user in the password database, else `uid«N»`.
#[cfg(unix)]
fn login_name() -> String {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    // SAFETY: passwd is plain data (integers and pointers), for which all zeroes is valid.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, and the buffer's length is the one given;
    // `found` is either null or points at `entry`, whose strings live in `buffer`.
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if rc == 0 && !found.is_null() && !entry.pw_name.is_null() {
        // SAFETY: pw_name is a NUL-terminated string inside `buffer`, which is still alive.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        if let Ok(name) = name.to_str()
            && !name.is_empty()
        {
            return name.to_string();
        }
    }
    format!("uid{uid}")
}

#[cfg(not(unix))]
fn login_name() -> String {
    "unknown".to_string()
}

/// The system's host name, `localhost` when it cannot be had.
fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buffer = [0u8; 256];
        // SAFETY: the buffer is valid for its whole length, which is what gethostname is told.
        let rc = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
        if rc == 0 {
            let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
            if let Ok(name) = std::str::from_utf8(&buffer[..end])
                && !name.is_empty()
            {
                return name.to_string();
            }
        }
    }
    "localhost".to_string()
}

/// RFC 3339 rendering of the `time` crate, with the reference's fallback text.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// `delay` scaled by a factor in [0.75, 1.25) taken from the clock's nanoseconds, so processes
/// that started waiting together do not retry in lockstep (no RNG needed for that).
pub fn jittered(delay: std::time::Duration) -> std::time::Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    delay * (750 + nanos % 500) / 1000
}

/// Whole seconds from `created_at` to `now`, clamped at 0; `None` when `created_at` does not
/// parse as RFC 3339 (§4.5).
pub fn age_seconds(created_at: &str, now: OffsetDateTime) -> Option<u64> {
    let created = OffsetDateTime::parse(created_at, &Rfc3339).ok()?;
    let secs = (now - created).whole_seconds();
    Some(u64::try_from(secs).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn rfc3339_trims_fraction() {
        assert_eq!(
            rfc3339(datetime!(2026-01-02 03:04:05 UTC)),
            "2026-01-02T03:04:05Z"
        );
        assert_eq!(
            rfc3339(datetime!(2026-01-02 03:04:05.5 UTC)),
            "2026-01-02T03:04:05.5Z"
        );
        assert_eq!(
            rfc3339(datetime!(2026-01-02 03:04:05.123456789 UTC)),
            "2026-01-02T03:04:05.123456789Z"
        );
    }

    #[test]
    fn age_clamps_and_rejects_garbage() {
        let now = datetime!(1970-01-01 00:01:00.9 UTC);
        assert_eq!(age_seconds("1970-01-01T00:00:00Z", now), Some(60));
        assert_eq!(age_seconds("2000-01-01T00:00:00Z", now), Some(0));
        assert_eq!(age_seconds("1970-01-01T01:00:00+01:00", now), Some(60));
        assert_eq!(age_seconds("yesterday", now), None);
    }
}
