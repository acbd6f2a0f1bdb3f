//! Headline benchmark: `cluster validate` over a large generated config folder (the shape of
//! `shared/bench/perfgen.py`: 20 graphs × 250 queries = 5,000 stored queries, 20 policies).
//!
//! Prints the mean wall time of a whole validate (read + digest + parse + type-check), the I/O
//! floor (read + sha256 of the same files, nothing else), their ratio, and the ratio to a one-
//! second budget. Run: `cargo bench --bench cluster_validate`.

use omnigraph_cluster::digest::sha256_hex;
use omnigraph_cluster::layout::Layout;
use omnigraph_cluster::ops::{Context, validate};
use omnigraph_cluster::runtime::Runtime;
use std::time::{Duration, Instant};

#[path = "support/perfgen.rs"]
mod perfgen;
use perfgen::Shape;

const GRAPHS: usize = Shape::DEFAULT.graphs;
const QUERIES: usize = Shape::DEFAULT.queries;
const POLICIES: usize = Shape::DEFAULT.policies;
const BUDGET: Duration = Duration::from_secs(1);

fn mean_of(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache and allocator
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    start.elapsed() / runs as u32
}

fn main() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let files = perfgen::generate(dir.path(), Shape::DEFAULT)?;
    let layout = Layout::new(dir.path());
    let runtime = Runtime::system();
    let context = Context::new(&layout, &runtime);

    let check = validate::run(&context);
    let errors = check.diagnostics.iter().filter(|d| d.is_error()).count();
    println!(
        "folder: {GRAPHS} graphs, {} queries, {POLICIES} policies; validate ok={} ({errors} errors)",
        GRAPHS * QUERIES,
        check.ok
    );
    if let Some(first) = check.diagnostics.first() {
        println!(
            "first diagnostic: {} {}: {}",
            first.code, first.path, first.message
        );
    }

    let runs = 10;
    let floor = mean_of(runs, || {
        for file in &files {
            let bytes = std::fs::read(file).unwrap_or_default();
            std::hint::black_box(sha256_hex(&bytes));
        }
    });
    let full = mean_of(runs, || {
        std::hint::black_box(validate::run(&context));
    });
    println!(
        "I/O floor (read + sha256 of every file): {:>8.2} ms",
        floor.as_secs_f64() * 1e3
    );
    println!(
        "cluster validate (everything):          {:>8.2} ms",
        full.as_secs_f64() * 1e3
    );
    println!(
        "ratio validate / I/O floor: {:.2}x",
        full.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "ratio validate / {} ms budget: {:.3}",
        BUDGET.as_millis(),
        full.as_secs_f64() / BUDGET.as_secs_f64()
    );
    Ok(())
}
