//! Fault injection for the reliability tests, compiled in only with the `fault-injection` feature
//! (never in release builds; without the feature every function here is an empty inline).
//!
//! Points are named `«what»-«step»`, e.g. `state-before-rename`, `blob-after-rename`, `lock-held`.
//! - `OMNIGRAPH_FAULT_CRASH=<point>` aborts the process at that point (a precise crash window).
//! - `OMNIGRAPH_FAULT_IO=<point>` makes that I/O step fail with ENOSPC, as a full disk would.
//! - `OMNIGRAPH_FAULT_PAUSE=<point>` sleeps there for `OMNIGRAPH_FAULT_PAUSE_MS` (default 2000),
//!   so a test can deliver a signal while the process is inside a given window.
//! - `OMNIGRAPH_FAULT_HIT=<n>` makes the crash and the I/O error act only at the n-th time
//!   (1-based) the process reaches their point, instead of every time: e.g. one blob of a batch
//!   fails, or a crash lands in the third chunk of a batch.
//! - `OMNIGRAPH_FAULT_BLOB_CHUNK=<n>` sets how many blobs the local store publishes per chunk
//!   (`tuning`), so a test with a few hundred blobs can cross chunk boundaries.

#[cfg(feature = "fault-injection")]
fn asked(var: &str, what: &str, step: &str) -> bool {
    std::env::var(var).is_ok_and(|p| p == format!("{what}-{step}"))
}

/// Whether this hit of an asked point is one that acts: every hit, or only the
/// `OMNIGRAPH_FAULT_HIT`-th one (`hits` counts the hits of that kind of fault).
#[cfg(feature = "fault-injection")]
fn acts(hits: &std::sync::atomic::AtomicUsize) -> bool {
    let hit = hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    match std::env::var("OMNIGRAPH_FAULT_HIT") {
        Ok(n) => n.trim().parse::<usize>().is_ok_and(|n| n == hit),
        Err(_) => true,
    }
}

#[cfg(feature = "fault-injection")]
static CRASH_HITS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
#[cfg(feature = "fault-injection")]
static IO_HITS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Abort at point `«what»-«step»` if the test asked for a crash there; pause if it asked for a
/// pause.
#[inline]
pub fn crash_point(what: &str, step: &str) {
    #[cfg(feature = "fault-injection")]
    {
        if asked("OMNIGRAPH_FAULT_CRASH", what, step) && acts(&CRASH_HITS) {
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
    if asked("OMNIGRAPH_FAULT_IO", what, step) && acts(&IO_HITS) {
        return Err(std::io::Error::from_raw_os_error(28));
    }
    let _ = (what, step);
    Ok(())
}

/// A size the code normally fixes (`default`), overridden by `OMNIGRAPH_FAULT_«NAME»` in
/// fault-injection builds so tests can reach what only large inputs would (e.g. chunk
/// boundaries). Never below 1.
#[inline]
pub fn tuning(name: &str, default: usize) -> usize {
    #[cfg(feature = "fault-injection")]
    if let Some(n) = std::env::var(format!("OMNIGRAPH_FAULT_{name}"))
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return n.max(1);
    }
    let _ = name;
    default.max(1)
}
