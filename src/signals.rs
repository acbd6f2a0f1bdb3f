//! Interrupt handling: SIGINT, SIGTERM or SIGHUP must never leave our lock behind (the reference
//! leaves it). A watcher thread records the signal, lets any in-flight publish finish (it holds
//! `fsx::critical_section` while writing), releases our lock if it still carries our id, and
//! exits with 128 + the signal number. If the command completes first, the binary sees the
//! recorded signal and exits with the same status, so an interrupted run never reports 0.
//!
//! This module sits on top of the ones it uses (signals → state::lock → store → fsx); nothing
//! below calls back into it.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Install the watcher thread. Called once by the binary; library users opt in.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            RECEIVED.store(signal, Ordering::SeqCst);
            let _critical = crate::fsx::critical_section();
            crate::state::lock::release_held();
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
