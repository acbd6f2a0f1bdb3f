//! Interrupt handling: SIGINT, SIGTERM or SIGHUP must never leave our lock behind (the reference
//! leaves it). A watcher thread records the signal, lets any in-flight atomic write finish (it
//! holds the critical-section mutex while writing), removes our lock if the file still carries our
//! id, and exits with 128 + the signal number. If the command completes first, the binary sees
//! the recorded signal and exits with the same status, so an interrupted run never reports 0.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The lock this process holds, if any: (path, lock id).
static HELD_LOCK: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);
/// Held for the duration of every write that must not be cut in half.
static CRITICAL: Mutex<()> = Mutex::new(());

fn held() -> MutexGuard<'static, Option<(PathBuf, String)>> {
    HELD_LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn remember_lock(path: &Path, id: &str) {
    *held() = Some((path.to_path_buf(), id.to_string()));
}

pub fn forget_lock() {
    *held() = None;
}

/// Enter a section a signal must not interrupt (a publish of state or of a blob).
pub fn critical_section() -> MutexGuard<'static, ()> {
    CRITICAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Install the watcher thread. Called once by the binary; library users opt in.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            RECEIVED.store(signal, Ordering::SeqCst);
            let _critical = critical_section();
            if let Some((path, id)) = held().take() {
                crate::state::lock::release_if_owned(&path, &id);
            }
            std::process::exit(128 + signal);
        }
    });
}

/// The exit status owed to a signal received so far (128 + its number), if any.
pub fn interrupted_status() -> Option<u8> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => u8::try_from(128 + signal).ok(),
    }
}
