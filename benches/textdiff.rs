//! The content diff of one large text (`src/textdiff.rs`): what building the unified hunks costs
//! on top of the search, and the memory of a search near `MAX_EDITS`.
//!
//! 1. A 400,000-line text with 2,000 lines replaced far apart (2,000 hunks, 4,000 edits: a search
//!    at the cap). Prints the median of `diff_lines` alone (the search) and of `unified` (search
//!    plus hunks) and their ratio: near 1 when the hunks are one pass over the edit script (it
//!    was about 3 when each hunk recounted the lines before it from the start).
//! 2. Two texts of 4,500 lines drawn from six words (3,874 edits): the peak RSS the search adds,
//!    from `/proc/self/status` (Linux only), run first so nothing else has raised the peak.
//!
//! Run: `cargo bench --bench textdiff` (a few seconds).

use omnigraph_cluster::textdiff::{diff_lines, lines, unified};
use std::time::{Duration, Instant};

/// The process's peak resident set (`VmHWM`), in KiB; `None` off Linux.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// A xorshift stream: the same texts on every run and machine.
fn words(count: usize, vocabulary: u64, state: &mut u64) -> String {
    (0..count)
        .map(|_| {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            format!("w{}\n", *state % vocabulary)
        })
        .collect()
}

fn main() {
    let mut state = 13;
    let (old, new) = (words(4_500, 6, &mut state), words(4_500, 6, &mut state));
    let before = peak_rss_kib();
    let diff = unified(&old, &new);
    match (before, peak_rss_kib()) {
        (Some(before), Some(after)) => println!(
            "search near the cap ({} edits): peak RSS {:.1} MiB -> {:.1} MiB (+{:.1} MiB)",
            diff.added + diff.removed,
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            after.saturating_sub(before) as f64 / 1024.0
        ),
        _ => println!("search near the cap: no peak RSS on this system"),
    }

    let (size, hunks) = (400_000, 2_000);
    let every = size / hunks;
    let old: String = (0..size).map(|i| format!("line {i}\n")).collect();
    let new: String = (0..size)
        .map(|i| match i % every == every / 2 {
            true => format!("changed {i}\n"),
            false => format!("line {i}\n"),
        })
        .collect();
    let (a, b) = (lines(&old), lines(&new));
    // Interleaved, so both medians see the same load on a shared machine.
    let (mut search, mut whole, mut shown) = (Vec::new(), Vec::new(), 0);
    for _ in 0..9 {
        search.push(timed(|| {
            std::hint::black_box(diff_lines(&a, &b));
        }));
        whole.push(timed(|| {
            shown = unified(&old, &new).hunks.matches("@@ -").count();
        }));
    }
    let (search, whole) = (median(search), median(whole));
    println!("{size} lines, {shown} hunks:");
    println!(
        "  search (diff_lines):      {:>8.1} ms",
        search.as_secs_f64() * 1e3
    );
    println!(
        "  search + hunks (unified): {:>8.1} ms",
        whole.as_secs_f64() * 1e3
    );
    println!(
        "  ratio unified / search: {:.2}x",
        whole.as_secs_f64() / search.as_secs_f64()
    );
}
