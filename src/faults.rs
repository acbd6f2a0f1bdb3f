//! Fault injection for the reliability tests, compiled only with the `fault-injection` feature
//! (never in release builds). `OMNIGRAPH_FAULT_CRASH=<point>` aborts the process at that point,
//! reaching a precise crash window; `OMNIGRAPH_FAULT_IO=<point>` makes that I/O step fail as a
//! full disk would (ENOSPC).

/// Abort the process here if the test asked for a crash at `point`.
#[inline]
pub fn crash_point(point: &str) {
    #[cfg(feature = "fault-injection")]
    if std::env::var("OMNIGRAPH_FAULT_CRASH").is_ok_and(|p| p == point) {
        std::process::abort();
    }
    let _ = point;
}

/// Fail this I/O step if the test asked for an injected error at `point`.
#[inline]
pub fn io_point(point: &str) -> std::io::Result<()> {
    #[cfg(feature = "fault-injection")]
    if std::env::var("OMNIGRAPH_FAULT_IO").is_ok_and(|p| p == point) {
        return Err(std::io::Error::from_raw_os_error(28));
    }
    let _ = point;
    Ok(())
}
