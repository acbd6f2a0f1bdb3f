//! The S3 backend on a large cluster: the perfgen folder (`shared/bench/perfgen.py`: 20 graphs ×
//! 250 stored queries, 20 policies — 5,060 resources) through the release binary, once with its
//! state on the local file system and once on a local S3 server (moto, started here by the test
//! harness). Prints each command's wall time on both and the ratio:
//!
//! ```text
//! cargo bench --bench s3
//! OMNIGRAPH_BIN=/path/to/other/omnigraph cargo bench --bench s3   # another build, same harness
//! ```
//!
//! Each graph gets a minimal root (`_schema.pg` equal to its declared schema and one manifest
//! version file: all that observation reads), so `import` records live graphs and the first
//! `apply` publishes all 5,020 query and policy blobs. moto is a single Python process that
//! serves a few hundred requests a second whatever the concurrency, so the S3 figures are an
//! upper bound for a real S3 endpoint, which serves a 32-request batch in parallel.

use cluster_test_support::s3::{self, S3Server};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/perfgen.rs"]
mod perfgen;
use perfgen::{SCHEMA, Shape};

/// The newest manifest version file of a root made by `init` (version 3, naming V2).
const MANIFEST: &str = "__manifest/_versions/18446744073709551612.manifest";

/// Write the perfgen config folder into `dir`; returns each graph's schema text.
fn generate(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    perfgen::generate(dir, Shape::DEFAULT)?;
    Ok((0..Shape::DEFAULT.graphs)
        .map(|g| {
            let gid = format!("g{g:03}");
            let schema = SCHEMA.replace("{g}", &gid);
            (gid, schema)
        })
        .collect())
}

/// CPU time (user + system) of this process's waited-for children so far, from
/// `/proc/self/stat` (Linux; zero elsewhere).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; cutime and cstime are the 16th and 17th
    // fields of the line, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(13).copied().unwrap_or(0) + fields.get(14).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// One command on one side: the release binary (or `OMNIGRAPH_BIN`, to measure another build
/// side by side), with exactly the given AWS_* environment.
fn run(config: &Path, cmd: &str, env: &[(String, String)]) -> Duration {
    let binary =
        std::env::var_os("OMNIGRAPH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_omnigraph").into());
    let mut command = Command::new(binary);
    command
        .args(["cluster", cmd, "--json", "--config"])
        .arg(config);
    for name in s3::stray_aws_vars() {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let started = Instant::now();
    let out = command.output().expect("run the omnigraph binary");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{cmd} failed on {}: {}{}",
        config.display(),
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .take(4000)
            .collect::<String>(),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// The median of `runs` runs of a command that changes nothing.
fn median(config: &Path, cmd: &str, env: &[(String, String)], runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| run(config, cmd, env)).collect();
    times.sort();
    times[runs / 2]
}

fn main() -> std::io::Result<()> {
    let server = S3Server::start();
    let bucket = server.bucket();
    let local = tempfile::tempdir()?;
    let cloud = tempfile::tempdir()?;
    let schemas = generate(local.path())?;
    generate(cloud.path())?;
    let yaml = std::fs::read_to_string(cloud.path().join("cluster.yaml"))?;
    std::fs::write(
        cloud.path().join("cluster.yaml"),
        yaml.replacen(
            "version: 1\n",
            &format!("version: 1\nstorage: s3://{bucket}/perf\n"),
            1,
        ),
    )?;
    for (gid, schema) in &schemas {
        let root = local.path().join(format!("graphs/{gid}.omni"));
        std::fs::create_dir_all(root.join("__manifest/_versions"))?;
        std::fs::write(root.join("_schema.pg"), schema)?;
        std::fs::write(root.join(MANIFEST), b"")?;
        let key = format!("perf/graphs/{gid}.omni");
        server.put(&bucket, &format!("{key}/_schema.pg"), schema.as_bytes());
        server.put(&bucket, &format!("{key}/{MANIFEST}"), b"");
    }
    let env = server.env();
    let shape = Shape::DEFAULT;
    println!(
        "perfgen folder: {} graphs, {} stored queries, {} policies ({} resources)",
        shape.graphs,
        shape.graphs * shape.queries,
        shape.policies,
        shape.resources()
    );
    println!(
        "{:<14} {:>11} {:>11} {:>7}   tool CPU on S3 (per run)",
        "command", "local disk", "S3 (moto)", "ratio"
    );
    let row = |name: &str, local: Duration, s3: Duration, cpu: Duration| {
        println!(
            "{name:<14} {:>8.0} ms {:>8.0} ms {:>6.1}x   {:>6.0} ms",
            local.as_secs_f64() * 1e3,
            s3.as_secs_f64() * 1e3,
            s3.as_secs_f64() / local.as_secs_f64(),
            cpu.as_secs_f64() * 1e3
        );
    };
    // Wall time on each side, and the tool's own CPU time per run on S3: what it does not
    // spend waiting for the server.
    let measure = |name: &str, cmd: &str, runs: usize| {
        let local_time = median(local.path(), cmd, &[], runs);
        let cpu_before = children_cpu();
        let s3_time = median(cloud.path(), cmd, &env, runs);
        let cpu = (children_cpu() - cpu_before) / runs as u32;
        row(name, local_time, s3_time, cpu);
    };
    measure("import", "import", 1);
    measure("first apply", "apply", 1);
    measure("no-op apply", "apply", 3);
    measure("status", "status", 3);
    measure("plan", "plan", 3);
    let blobs = server.list(&bucket, "perf/__cluster/resources/").len();
    println!("blobs in the bucket: {blobs}");
    Ok(())
}
