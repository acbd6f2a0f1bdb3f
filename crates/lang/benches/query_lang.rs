//! Query-language benchmark: parse + type-check 5,000 stored queries of the shapes
//! `shared/bench/perfgen.py` generates, against its schema, in memory (no I/O).
//!
//! Prints, for parse alone, type-check alone and both: the best and the mean time over the whole
//! set (the best is the figure to compare, since the mean also measures whatever else the machine
//! is doing), per-query cost, and the ratio to the 50 ms budget.
//! Run: `cargo bench --bench query_lang`.

use omnigraph_lang::query::{QueryDecl, parse_query, typecheck_query_decl};
use omnigraph_lang::schema::{build_catalog, parse_schema};
use std::time::{Duration, Instant};

// The perfgen folder is shared with the cluster benchmarks (benches/ at the repository root).
#[path = "../../../benches/support/perfgen.rs"]
mod perfgen;
use perfgen::{QUERY_SHAPES as SHAPES, SCHEMA};

const QUERIES: usize = 5_000;
const BUDGET: Duration = Duration::from_millis(50);

/// (best, mean) wall time of `runs` runs after one warm-up run.
fn time_of(runs: u32, mut f: impl FnMut()) -> (Duration, Duration) {
    f(); // warm up the allocator and caches
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        let start = Instant::now();
        f();
        let took = start.elapsed();
        best = best.min(took);
        total += took;
    }
    (best, total / runs)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let sources: Vec<(String, String)> = (0..QUERIES)
        .map(|q| {
            let name = format!("q{q:04}");
            let text = SHAPES[q % SHAPES.len()].replace("{n}", &name);
            (name, text)
        })
        .collect();
    let bytes: usize = sources.iter().map(|(_, t)| t.len()).sum();
    let catalog = match parse_schema(&SCHEMA.replace("{g}", "g000")).and_then(|s| build_catalog(&s))
    {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("the perfgen schema does not build a catalog: {e}");
            std::process::exit(1);
        }
    };

    // Correctness first: every query parses and type-checks.
    let decls: Vec<QueryDecl> = sources
        .iter()
        .map(|(name, text)| {
            let file = parse_query(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let decl = file
                .queries
                .into_iter()
                .find(|d| &d.name == name)
                .unwrap_or_else(|| panic!("{name}: no declaration"));
            if let Err(e) = typecheck_query_decl(&catalog, &decl) {
                panic!("{name}: {e}");
            }
            decl
        })
        .collect();
    println!(
        "{QUERIES} queries, {:.1} KiB of source, all parse and type-check",
        bytes as f64 / 1024.0
    );

    let runs = 30;
    let parse = time_of(runs, || {
        for (_, text) in &sources {
            std::hint::black_box(parse_query(text).ok());
        }
    });
    let check = time_of(runs, || {
        for decl in &decls {
            std::hint::black_box(typecheck_query_decl(&catalog, decl).ok());
        }
    });
    // What `cluster validate` does per query: parse the file, find the declaration, check it.
    let both = time_of(runs, || {
        for (name, text) in &sources {
            if let Ok(file) = parse_query(text)
                && let Some(decl) = file.queries.iter().find(|d| &d.name == name)
            {
                std::hint::black_box(typecheck_query_decl(&catalog, decl).ok());
            }
        }
    });
    let per_query = |d: Duration| d.as_secs_f64() * 1e6 / QUERIES as f64;
    for (label, (best, mean)) in [
        ("parse:             ", parse),
        ("type-check:        ", check),
        ("parse + type-check:", both),
    ] {
        println!(
            "{label} best {:>7.2} ms, mean {:>7.2} ms  ({:.2} µs/query)",
            ms(best),
            ms(mean),
            per_query(best)
        );
    }
    println!(
        "parse throughput: {:.1} MiB/s",
        bytes as f64 / (1024.0 * 1024.0) / parse.0.as_secs_f64()
    );
    println!(
        "ratio parse + type-check / {} ms budget: best {:.3}, mean {:.3}",
        BUDGET.as_millis(),
        both.0.as_secs_f64() / BUDGET.as_secs_f64(),
        both.1.as_secs_f64() / BUDGET.as_secs_f64()
    );
}
