//! Scaling benchmark: every `omnigraph cluster` command, run through the release binary, on the
//! `shared/bench/perfgen.py` folder at 5,060 resources (20 graphs × 250 queries, 20 policies: the
//! perfgen defaults) and at 50,060 (20 graphs × 2,500 queries). Each graph has a live root at
//! `graphs/«G».omni`, copied from `fixtures/graph-roots/people-fresh.omni` with its
//! `_schema.pg` replaced by the graph's desired schema text, so `import` and `refresh` observe
//! live graphs whose schema matches and the first `apply` publishes every query and policy blob
//! (with the unmodified root every query would stay blocked behind a schema mismatch).
//!
//! Sequence per size: validate; plan (no state); import; plan (after import); first apply (before
//! each run the state is reset to the imported one and the catalog moved aside, then `sync`, so
//! every run publishes 5,020 / 50,020 fsynced blobs); no-op apply; status; refresh. Every command
//! runs as `omnigraph cluster «cmd» --json --config DIR` with stdout to `/dev/null` and must exit 0.
//!
//! Nothing is deleted until the end: on ext4, creating inodes within minutes of deleting many
//! others is slow (`recently_deleted` scans during inode allocation), which would bill one run
//! for the clean-up of the previous one. Old catalogs are renamed into a trash directory instead,
//! and every folder is removed after the last size, so leave a few minutes between two runs when
//! comparing first applies. Expect the first apply to vary a lot on a shared disk anyway: its cost
//! is almost all fsync latency.
//!
//! For each command and size it prints the median wall time, the median CPU time (user + sys:
//! steadier than wall time on a shared machine) and the largest peak RSS over the runs; then the
//! ratio of the largest size to the smallest. Wall time, CPU time and peak RSS all come from
//! `wait4(2)` on the child (its `rusage` is exact and per child, with no wrapper process inside
//! the timing; std exposes neither). Folders live on disk, under `«target»/scaling-bench/`, so
//! fsync costs are real; they are removed at the end.
//!
//! Run: `cargo bench --bench scaling` (a few minutes: the first apply at 50k alone fsyncs ~100k
//! times). Environment knobs:
//! - `OMNIGRAPH_SCALING_QUERIES=250,2500` — queries per graph, one folder per entry;
//! - `OMNIGRAPH_SCALING_GRAPHS=20`, `OMNIGRAPH_SCALING_POLICIES=20`;
//! - `OMNIGRAPH_SCALING_RUNS=3` — runs per command; `OMNIGRAPH_SCALING_APPLY_RUNS=1` — runs of
//!   the first apply (0 skips it, and the no-op apply then measures a first apply instead);
//! - `OMNIGRAPH_SCALING_COMMANDS=validate,plan,...` — time only these (setup steps still run);
//! - `OMNIGRAPH_SCALING_DIR=/path` — where the folders go (e.g. `/dev/shm` to take fsync out);
//! - `OMNIGRAPH_SCALING_KEEP=1` — keep the folders; `OMNIGRAPH_BIN=/path` — another binary.

#[path = "support/perfgen.rs"]
mod perfgen;

use perfgen::{SCHEMA, Shape};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The commands, in run order, with the label printed for each.
const STEPS: [(&str, &str); 8] = [
    ("validate", "validate"),
    ("plan", "plan (no state)"),
    ("import", "import"),
    ("plan", "plan (imported)"),
    ("apply", "apply (first)"),
    ("apply", "apply (no-op)"),
    ("status", "status"),
    ("refresh", "refresh"),
];

struct Settings {
    binary: PathBuf,
    scratch: PathBuf,
    sizes: Vec<Shape>,
    runs: usize,
    apply_runs: usize,
    only: Option<Vec<String>>,
    keep: bool,
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn settings() -> Settings {
    // Cargo builds the package's binaries for its benches and tells them where (same profile).
    let binary = std::env::var_os("OMNIGRAPH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_omnigraph")));
    // «target»/«profile»/omnigraph → «target»/scaling-bench: on disk, next to the build.
    let target = Path::new(env!("CARGO_BIN_EXE_omnigraph"))
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf();
    let scratch = std::env::var_os("OMNIGRAPH_SCALING_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("scaling-bench"));
    let graphs = env_usize("OMNIGRAPH_SCALING_GRAPHS", Shape::DEFAULT.graphs);
    let policies = env_usize("OMNIGRAPH_SCALING_POLICIES", Shape::DEFAULT.policies);
    let queries = std::env::var("OMNIGRAPH_SCALING_QUERIES").unwrap_or_else(|_| "250,2500".into());
    let sizes = queries
        .split(',')
        .map(|q| Shape {
            graphs,
            queries: q
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad OMNIGRAPH_SCALING_QUERIES entry {q:?}")),
            policies,
        })
        .collect();
    let only = std::env::var("OMNIGRAPH_SCALING_COMMANDS")
        .ok()
        .map(|list| list.split(',').map(|c| c.trim().to_string()).collect());
    Settings {
        binary,
        scratch,
        sizes,
        runs: env_usize("OMNIGRAPH_SCALING_RUNS", 3).max(1),
        apply_runs: env_usize("OMNIGRAPH_SCALING_APPLY_RUNS", 1),
        only,
        keep: std::env::var("OMNIGRAPH_SCALING_KEEP").is_ok_and(|v| v == "1"),
    }
}

/// One finished child: wall time, CPU time (user + sys), peak RSS in KiB when known, exit code.
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
    max_rss_kib: Option<u64>,
    code: Option<i32>,
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod reap {
    //! `wait4(2)`, declared here rather than through the `libc` crate (not a direct dependency).
    //! The layout is Linux's `struct rusage` on 64-bit targets: two `timeval`s of two `long`s,
    //! then fourteen `long`s, `ru_maxrss` (KiB) first.

    use std::time::Duration;

    #[repr(C)]
    #[derive(Default)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }

    #[repr(C)]
    #[derive(Default)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        maxrss: i64,
        rest: [i64; 13],
    }

    unsafe extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
    }

    /// Reap `pid`: (exit code or `None` when killed by a signal, CPU time, peak RSS in KiB).
    pub fn wait(pid: u32) -> std::io::Result<(Option<i32>, Duration, u64)> {
        let mut status = 0i32;
        let mut usage = Rusage::default();
        loop {
            // SAFETY: both pointers are to live, writable, correctly laid out locals; `pid` is our
            // own unreaped child, which std never waits for because we never call `wait` on it.
            let reaped = unsafe { wait4(pid as i32, &mut status, 0, &mut usage) };
            if reaped == pid as i32 {
                break;
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
        let code = (status & 0x7f == 0).then_some((status >> 8) & 0xff);
        let tv = |t: &Timeval| Duration::new(t.sec as u64, (t.usec * 1000) as u32);
        let cpu = tv(&usage.utime) + tv(&usage.stime);
        Ok((code, cpu, usage.maxrss as u64))
    }
}

/// Run `omnigraph cluster «cmd» --json --config «dir»` once, stdout to `/dev/null`.
fn run_once(binary: &Path, dir: &Path, cmd: &str) -> Sample {
    let mut command = Command::new(binary);
    command
        .args(["cluster", cmd, "--json", "--config"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    let started = Instant::now();
    // Reaped by `reap::wait` (wait4), which clippy cannot see.
    #[allow(clippy::zombie_processes)]
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", binary.display()));
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    {
        let (code, cpu, rss) = reap::wait(child.id()).expect("wait4");
        Sample {
            wall: started.elapsed(),
            cpu: Some(cpu),
            max_rss_kib: Some(rss),
            code,
        }
    }
    #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
    {
        let mut child = child;
        let status = child.wait().expect("wait");
        Sample {
            wall: started.elapsed(),
            cpu: None,
            max_rss_kib: None,
            code: status.code(),
        }
    }
}

/// Flush dirty pages (best effort) so a timed run does not pay for earlier writes.
fn sync_disk() {
    let _ = Command::new("sync").status();
}

/// perfgen's folder plus a live, schema-matching root per graph.
fn build_folder(dir: &Path, shape: Shape) {
    perfgen::generate(dir, shape).expect("generate folder");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/graph-roots/people-fresh.omni");
    for g in 0..shape.graphs {
        let gid = format!("g{g:03}");
        let root = dir.join(format!("graphs/{gid}.omni"));
        cluster_test_support::copy_dir(&fixture, &root);
        let schema = root.join("_schema.pg");
        // Fixture files may be read-only: replace rather than overwrite.
        let _ = std::fs::remove_file(&schema);
        std::fs::write(&schema, SCHEMA.replace("{g}", &gid)).expect("write _schema.pg");
    }
}

fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => count_files(&e.path()),
            Ok(_) => 1,
            Err(_) => 0,
        })
        .sum()
}

/// Figures of one command at one size.
struct Figure {
    runs: usize,
    wall: Duration,
    wall_min: Duration,
    wall_max: Duration,
    cpu: Option<Duration>,
    max_rss_kib: Option<u64>,
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    }
}

/// Run `cmd` `runs` times (calling `reset` before each, untimed) and summarise.
fn measure(
    s: &Settings,
    dir: &Path,
    cmd: &str,
    label: &str,
    runs: usize,
    mut reset: impl FnMut(),
) -> Figure {
    let mut samples = Vec::new();
    for _ in 0..runs {
        reset();
        let sample = run_once(&s.binary, dir, cmd);
        if sample.code != Some(0) {
            let out = Command::new(&s.binary)
                .args(["cluster", cmd, "--json", "--config"])
                .arg(dir)
                .output()
                .expect("re-run");
            panic!(
                "{label}: exit {:?}\n{}",
                sample.code,
                String::from_utf8_lossy(&out.stdout)
                    .chars()
                    .take(4000)
                    .collect::<String>()
            );
        }
        samples.push(sample);
    }
    let walls: Vec<Duration> = samples.iter().map(|x| x.wall).collect();
    let cpus: Option<Vec<Duration>> = samples.iter().map(|x| x.cpu).collect();
    Figure {
        runs,
        wall: median(walls.clone()),
        wall_min: walls.iter().copied().min().unwrap_or_default(),
        wall_max: walls.iter().copied().max().unwrap_or_default(),
        cpu: cpus.map(median),
        max_rss_kib: samples.iter().filter_map(|x| x.max_rss_kib).max(),
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

/// Run every step on one folder of the given shape, inside `scratch` (a directory of its own,
/// removed by the caller at the end); one figure per step (None when skipped).
fn bench_size(s: &Settings, scratch: &Path, nth: usize, shape: Shape) -> Vec<Option<Figure>> {
    let dir = scratch.join(format!("{nth}-q{}", shape.queries));
    let trash = scratch.join(format!("{nth}-trash"));
    std::fs::create_dir_all(&trash).expect("mkdir trash");
    let started = Instant::now();
    build_folder(&dir, shape);
    sync_disk();
    println!(
        "\n{} resources ({} graphs × {} queries, {} policies) in {} (built in {:.1} s)",
        shape.resources(),
        shape.graphs,
        shape.queries,
        shape.policies,
        dir.display(),
        started.elapsed().as_secs_f64()
    );

    let state_file = dir.join("__cluster/state.json");
    let lock_file = dir.join("__cluster/lock.json");
    let resources = dir.join("__cluster/resources");
    let mut imported: Option<Vec<u8>> = None;
    let mut figures = Vec::new();
    for (index, (cmd, label)) in STEPS.iter().enumerate() {
        let selected = s
            .only
            .as_ref()
            .is_none_or(|only| only.iter().any(|c| c == cmd || c == label));
        let wanted = if index == 4 { s.apply_runs } else { s.runs };
        let timed = selected && wanted > 0;
        // Import, and the first apply unless skipped, also run once untimed when not timed: the
        // steps after them need their result.
        let runs = match (timed, index) {
            (true, _) => wanted,
            (false, 2) => 1,
            (false, 4) => usize::from(s.apply_runs > 0),
            _ => 0,
        };
        if runs == 0 {
            figures.push(None);
            continue;
        }
        let figure = match index {
            2 => measure(s, &dir, cmd, label, runs, || {
                let _ = std::fs::remove_file(&state_file);
            }),
            4 => {
                let state = imported.clone().expect("imported state");
                let mut moved = 0;
                measure(s, &dir, cmd, label, runs, || {
                    if resources.exists() {
                        moved += 1;
                        std::fs::rename(&resources, trash.join(format!("resources-{moved}")))
                            .expect("move the catalog aside");
                    }
                    let _ = std::fs::remove_file(&lock_file);
                    std::fs::write(&state_file, &state).expect("reset state");
                    sync_disk();
                })
            }
            _ => measure(s, &dir, cmd, label, runs, || {}),
        };
        if index == 2 {
            imported = Some(std::fs::read(&state_file).expect("imported state.json"));
        }
        if index == 4 {
            let blobs = count_files(&resources);
            let expected = shape.graphs * shape.queries + shape.policies;
            assert_eq!(blobs, expected, "the first apply published {blobs} blobs");
        }
        if !timed {
            figures.push(None);
            continue;
        }
        println!(
            "  {label:<16} runs {:>2}  wall {} (min {}, max {})  cpu {}  peak RSS {}",
            figure.runs,
            secs(figure.wall),
            secs(figure.wall_min),
            secs(figure.wall_max),
            figure.cpu.map_or("n/a".into(), secs),
            mib(figure.max_rss_kib),
        );
        figures.push(Some(figure));
    }
    figures
}

fn main() {
    let s = settings();
    println!(
        "binary: {}\nscratch: {}\nruns: {} (first apply: {})",
        s.binary.display(),
        s.scratch.display(),
        s.runs,
        s.apply_runs
    );
    if !s.binary.is_file() {
        panic!(
            "{} does not exist: run `cargo bench --bench scaling` (which builds it) or set OMNIGRAPH_BIN",
            s.binary.display()
        );
    }
    std::fs::create_dir_all(&s.scratch).expect("mkdir scratch");
    let scratch = tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(&s.scratch)
        .expect("scratch folder");
    let results: Vec<(Shape, Vec<Option<Figure>>)> = s
        .sizes
        .iter()
        .enumerate()
        .map(|(nth, &shape)| (shape, bench_size(&s, scratch.path(), nth, shape)))
        .collect();
    if s.keep {
        println!("\nkept {}", scratch.keep().display());
    } else {
        drop(scratch);
        let _ = std::fs::remove_dir(&s.scratch); // only when empty
    }

    let (Some((small, first)), Some((large, last))) = (results.first(), results.last()) else {
        return;
    };
    if results.len() < 2 {
        return;
    }
    println!(
        "\n{:<16} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>8}",
        "command",
        format!("wall {}", small.resources()),
        format!("wall {}", large.resources()),
        "wall ×",
        "cpu ×",
        "RSS small",
        "RSS large",
        "RSS ×"
    );
    for (i, (_, label)) in STEPS.iter().enumerate() {
        let (Some(a), Some(b)) = (&first[i], &last[i]) else {
            continue;
        };
        let ratio = |x: Duration, y: Duration| format!("{:.1}", y.as_secs_f64() / x.as_secs_f64());
        let cpu = match (a.cpu, b.cpu) {
            (Some(x), Some(y)) => ratio(x, y),
            _ => "n/a".into(),
        };
        let rss = match (a.max_rss_kib, b.max_rss_kib) {
            (Some(x), Some(y)) => format!("{:.1}", y as f64 / x as f64),
            _ => "n/a".into(),
        };
        println!(
            "{label:<16} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>8}",
            secs(a.wall),
            secs(b.wall),
            ratio(a.wall, b.wall),
            cpu,
            mib(a.max_rss_kib).replace(" MiB", ""),
            mib(b.max_rss_kib).replace(" MiB", ""),
            rss
        );
    }
    println!(
        "(× = {} / {} resources; RSS in MiB; targets: wall × ≤ ~10, first apply ≤ 0.3 × 7.79 s at 5k)",
        large.resources(),
        small.resources()
    );
}
