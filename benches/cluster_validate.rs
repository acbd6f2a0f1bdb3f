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
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "support/perfgen.rs"]
mod perfgen;
use perfgen::{QUERY_SHAPES, SCHEMA};

const GRAPHS: usize = 20;
const QUERIES: usize = 250;
const POLICIES: usize = 20;
const BUDGET: Duration = Duration::from_secs(1);

fn generate(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    let mut yaml = String::from("version: 1\nmetadata:\n  name: perf\ngraphs:\n");
    for g in 0..GRAPHS {
        let gid = format!("g{g:03}");
        let gdir = dir.join(&gid);
        std::fs::create_dir_all(&gdir)?;
        let schema = gdir.join("schema.pg");
        std::fs::write(&schema, SCHEMA.replace("{g}", &gid))?;
        files.push(schema);
        yaml.push_str(&format!(
            "  {gid}:\n    schema: ./{gid}/schema.pg\n    queries:\n"
        ));
        for q in 0..QUERIES {
            let name = format!("q{q:04}");
            let file = gdir.join(format!("{name}.gq"));
            std::fs::write(
                &file,
                QUERY_SHAPES[q % QUERY_SHAPES.len()].replace("{n}", &name),
            )?;
            files.push(file);
            yaml.push_str(&format!("      {name}:\n        file: ./{gid}/{name}.gq\n"));
        }
    }
    yaml.push_str("policies:\n");
    for p in 0..POLICIES {
        let file = dir.join(format!("p{p:02}.policy.yaml"));
        let rules: String = (0..50).map(|i| format!("  - allow: read-{i}\n")).collect();
        std::fs::write(&file, format!("rules:\n{rules}"))?;
        files.push(file);
        let target = if p == 0 {
            "cluster".to_string()
        } else {
            format!("g{:03}", p % GRAPHS)
        };
        yaml.push_str(&format!(
            "  p{p:02}:\n    file: ./p{p:02}.policy.yaml\n    applies_to: [{target}]\n"
        ));
    }
    let config = dir.join("cluster.yaml");
    std::fs::write(&config, yaml)?;
    files.push(config);
    Ok(files)
}

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
    let files = generate(dir.path())?;
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
