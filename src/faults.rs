//! Fault injection for the reliability tests, compiled in only with the `fault-injection` feature
//! (never in release builds; without the feature every function here is an empty inline).
//!
//! Points are named `«what»-«step»`, e.g. `state-before-rename`, `blob-after-rename`, `lock-held`.
//! - `OMNIGRAPH_FAULT_CRASH=<point>` aborts the process at that point (a precise crash window).
//! - `OMNIGRAPH_FAULT_IO=<point>` makes that I/O step fail with ENOSPC, as a full disk would.
//! - `OMNIGRAPH_FAULT_PAUSE=<point>` sleeps there for `OMNIGRAPH_FAULT_PAUSE_MS` (default 2000),
//!   so a test can deliver a signal while the process is inside a given window.

#[cfg(feature = "fault-injection")]
fn asked(var: &str, what: &str, step: &str) -> bool {
    std::env::var(var).is_ok_and(|p| p == format!("{what}-{step}"))
}

/// Abort at point `«what»-«step»` if the test asked for a crash there; pause if it asked for a
/// pause.
#[inline]
pub fn crash_point(what: &str, step: &str) {
    #[cfg(feature = "fault-injection")]
    {
        if asked("OMNIGRAPH_FAULT_CRASH", what, step) {
            std::process::abort();
        }
        if asked("OMNIGRAPH_FAULT_PAUSE", what, step) {
            let ms = std::env::var("OMNIGRAPH_FAULT_PAUSE_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(2000);
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    }
    let _ = (what, step);
}

/// Fail I/O step `«what»-«step»` if the test asked for an injected error there.
#[inline]
pub fn io_point(what: &str, step: &str) -> std::io::Result<()> {
    #[cfg(feature = "fault-injection")]
    if asked("OMNIGRAPH_FAULT_IO", what, step) {
        return Err(std::io::Error::from_raw_os_error(28));
    }
    let _ = (what, step);
    Ok(())
}
