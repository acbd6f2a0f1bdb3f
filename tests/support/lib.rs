//! Shared fixtures for the integration tests (`tests/cli`, `tests/reliability.rs`, …): the
//! contract's standard fixture F (§5.5) in a fresh temp folder, runners for the real binary, and
//! redaction for insta snapshots. A crate of its own, so every test binary takes what it needs
//! without `#[path]` includes or dead-code allowances.

pub mod child;
pub mod proxy;
pub mod s3;

pub use insta;

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const PEOPLE_PG: &str = "\nnode Person {\n  name: String @key\n  age: I32?\n}\n";
pub const PEOPLE_GQ: &str = "\nquery find_person($name: String) {\n  match { $p: Person { name: $name } }\n  return { $p.name, $p.age }\n}\n";
pub const POLICY: &str = "rules: []\n";

pub const SCHEMA_DIGEST: &str = "ab8674c2deeb33b15bd7a1f7d98acd8fdf6e5634230dc0349e3e2920475f26d6";
pub const QUERY_DIGEST: &str = "f7f1ccd40aa44f39a0d149d06e19ade31102e2dc45aa7c9009b99147f82aed43";
pub const POLICY_DIGEST: &str = "e0dfa70eb69d47fe9cb2be8a4fcd53e74cf7fe26fcbb1f06912b57a9c028e4e0";
pub const GRAPH_DIGEST: &str = "19e5610fde4e069bc42bf576cb1d49f3ea9e69b7c5a01b9f69d577a4a76109a9";
pub const CONFIG_DIGEST: &str = "a953c5895efd3a459f7031a2d7527b23c7c5c29d7fc30cd5d5e9b78dd374e60f";
pub const CONFIG_DIGEST_TEST: &str =
    "a683e5f43364e65271569d7c72d1409a2b2b9eabc58f2322f45aafdff3d02ef0";

/// The schema text of the real graph roots made from `people.pg` (F's schema without its
/// leading newline), and its digest.
pub const LIVE_PEOPLE_PG: &str = "node Person {\n  name: String @key\n  age: I32?\n}\n";
pub const LIVE_SCHEMA_DIGEST: &str =
    "1c7e42c6974e59bcb0b6c89e0ddf86186945ca3e1b1572d78e41fd6eb0327434";

pub const HELD_LOCK: &str = r#"{"version":1,"lock_id":"held-lock","operation":"plan","created_at":"1970-01-01T00:00:00Z","pid":123}"#;

pub fn cluster_yaml(name: &str) -> String {
    format!(
        "version: 1\nmetadata:\n  name: {name}\nstate:\n  backend: cluster\n  lock: true\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    queries:\n      find_person:\n        file: ./people.gq\npolicies:\n  base:\n    file: ./base.policy.yaml\n    applies_to: [knowledge]\n"
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The graph composite digest of §5.2, computed independently of the crate.
pub fn graph_digest(graph: &str, schema: &str, queries: &[(&str, &str)]) -> String {
    let mut sorted = queries.to_vec();
    sorted.sort();
    let mut input = format!("graph\0{graph}\0schema\0{schema}\0");
    for (name, digest) in sorted {
        input.push_str(&format!("query\0{name}\0{digest}\0"));
    }
    sha256_hex(input.as_bytes())
}

pub fn query_blob_rel(digest: &str) -> String {
    format!("__cluster/resources/query/knowledge/find_person/{digest}.gq")
}

pub fn policy_blob_rel(digest: &str) -> String {
    format!("__cluster/resources/policy/base/{digest}.yaml")
}

/// What one run of the binary printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The single JSON document of a `--json` run (S98: one pretty document, one `\n`, no stderr).
    pub fn json(&self) -> Value {
        assert!(self.stderr.is_empty(), "stderr: {}", self.stderr);
        assert!(self.stdout.ends_with("}\n"), "stdout: {}", self.stdout);
        assert!(!self.stdout.ends_with("\n\n"));
        let value: Value = serde_json::from_str(&self.stdout).expect("stdout is JSON");
        let pretty = serde_json::to_string_pretty(&value).expect("encode");
        assert_eq!(
            format!("{pretty}\n"),
            self.stdout,
            "not the 2-space pretty form"
        );
        value
    }
}

/// A config folder in a fresh temp directory.
pub struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    pub fn empty() -> Folder {
        Folder {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// An empty folder on a RAM file system where there is one (`/dev/shm`), for tests that
    /// write thousands of fsynced files; elsewhere the usual temp dir.
    pub fn scratch() -> Folder {
        let dir = tempfile::Builder::new()
            .tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .expect("tempdir");
        Folder { dir }
    }

    /// The standard fixture F of the contract (§5.5), `metadata.name: company-brain`.
    pub fn standard() -> Folder {
        Folder::named("company-brain")
    }

    /// F with one edit of its `cluster.yaml` (see [`Folder::edit_config`]).
    pub fn standard_edited(from: &str, to: &str) -> Folder {
        let folder = Folder::standard();
        folder.edit_config(from, to);
        folder
    }

    pub fn named(name: &str) -> Folder {
        let folder = Folder::empty();
        folder.write("people.pg", PEOPLE_PG);
        folder.write("people.gq", PEOPLE_GQ);
        folder.write("base.policy.yaml", POLICY);
        folder.write("cluster.yaml", cluster_yaml(name));
        folder
    }

    /// A copy of the bundled example `examples/«name»`, without any state.
    pub fn example(name: &str) -> Folder {
        let folder = Folder::empty();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples")
                .join(name),
            folder.path(),
        );
        let _ = std::fs::remove_dir_all(folder.at("__cluster"));
        folder
    }

    /// S45's result: F + applyable state, after one converging apply (revision 2, blobs written).
    pub fn applied() -> Folder {
        let folder = Folder::standard();
        folder.applyable_state();
        let (code, out) = folder.json(&["apply"]);
        assert_eq!(code, 0, "{out}");
        folder
    }

    /// F whose schema is the one the real `people-fresh` root was made from, with that root at
    /// `graphs/knowledge.omni`: the contract's "[graph]" fixture.
    pub fn live() -> Folder {
        let folder = Folder::standard();
        folder.write("people.pg", LIVE_PEOPLE_PG);
        folder.add_root("knowledge", "people-fresh.omni");
        folder
    }

    /// Replace `from` with `to` throughout `cluster.yaml`, which must contain it.
    pub fn edit_config(&self, from: &str, to: &str) {
        let text = self.read_string("cluster.yaml");
        assert!(text.contains(from), "cluster.yaml has no {from:?}");
        self.write("cluster.yaml", text.replace(from, to));
    }

    /// Copy a real graph root from `fixtures/graph-roots/` to `graphs/«graph».omni`.
    pub fn add_root(&self, graph: &str, fixture: &str) {
        let from = graph_root_fixture(fixture);
        copy_dir(&from, &self.path().join(format!("graphs/{graph}.omni")));
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn at(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.at(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, contents).expect("write");
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.at(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn read_string(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).expect("utf8")
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.at(rel).symlink_metadata().is_ok()
    }

    pub fn remove(&self, rel: &str) {
        let path = self.at(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("rmdir");
        } else {
            std::fs::remove_file(path).expect("rm");
        }
    }

    pub fn state(&self) -> Value {
        serde_json::from_slice(&self.read("__cluster/state.json")).expect("state JSON")
    }

    pub fn write_state(&self, json: &str) {
        self.write("__cluster/state.json", json);
    }

    /// "Applyable state" of §10: revision 1, `graph.knowledge = seed`, schema digest as desired.
    pub fn applyable_state(&self) {
        self.write_state(&format!(
            r#"{{"version":1,"state_revision":1,"applied_revision":{{"resources":{{"graph.knowledge":{{"digest":"seed"}},"schema.knowledge":{{"digest":"{SCHEMA_DIGEST}"}}}}}}}}"#
        ));
    }

    /// "Held lock" of §10, with the given operation.
    pub fn held_lock(&self, operation: &str) {
        self.write(
            "__cluster/lock.json",
            HELD_LOCK.replace("\"plan\"", &format!("\"{operation}\"")),
        );
    }

    /// `omnigraph cluster «args» --config «this folder»`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        let config = self.path().to_str().expect("utf8 temp path").to_string();
        all.push("--config");
        all.push(&config);
        run_in(None, &all)
    }

    /// [`Folder::run`] with `env` added to an environment without this process's `AWS_*`
    /// variables (see [`run_env`]).
    pub fn run_env(&self, args: &[&str], env: &[(String, String)]) -> Run {
        let config = self.path().to_str().expect("utf8 temp path").to_string();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", &config]);
        run_env(&all, env)
    }

    /// [`Folder::json`] with `env` (see [`Folder::run_env`]).
    pub fn json_env(&self, args: &[&str], env: &[(String, String)]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let run = self.run_env(&all, env);
        let value = run.json();
        (run.code, value)
    }

    /// Every file under this folder (relative, `/`-separated, sorted): what a command must not
    /// change when its storage root is elsewhere.
    pub fn files(&self) -> Vec<String> {
        files_under(self.path())
    }

    /// Put `storage: «root»` into `cluster.yaml`, right after `version: 1` (its first line, or
    /// the first after leading comments).
    pub fn set_storage(&self, root: &str) {
        let yaml = self.read_string("cluster.yaml");
        let after_comments = yaml.lines().find(|line| !line.starts_with('#'));
        assert_eq!(after_comments, Some("version: 1"), "{yaml}");
        self.write(
            "cluster.yaml",
            yaml.replacen("version: 1\n", &format!("version: 1\nstorage: {root}\n"), 1),
        );
    }

    /// `--json` run; returns the exit code and the document.
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let run = self.run(&all);
        let value = run.json();
        (run.code, value)
    }

    /// Human run; asserts nothing on stderr.
    pub fn human(&self, args: &[&str]) -> (i32, String) {
        let run = self.run(args);
        assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
        (run.code, run.stdout)
    }

    /// Text with this folder's path, ids, fresh timestamps and ages replaced by stable tokens.
    pub fn redact(&self, text: &str) -> String {
        text.replace(self.path().to_str().expect("utf8"), "[T]")
    }
}

/// The `omnigraph` binary under test.
pub fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("omnigraph")
}

/// `program` (the binary, or a wrapper that runs it) with the environment a test controls: none
/// of this process's `OMNIGRAPH_*`, colour or `AWS_*` settings reaches it, so a developer's
/// `OMNIGRAPH_FORMAT=rich` or a CI runner's credentials cannot change what the tests pin.
pub fn hermetic(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    for var in [
        "OMNIGRAPH_ACTOR",
        "OMNIGRAPH_FORMAT",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    for name in s3::stray_aws_vars() {
        cmd.env_remove(name);
    }
    cmd
}

impl Folder {
    /// `«args» --config «this folder»`, for runners that take the whole argument list.
    pub fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.push("--config");
        all.push(self.path().to_str().expect("utf8 temp path"));
        all
    }

    /// `omnigraph cluster «args» --config «this folder»` on a pseudo-terminal, typing `input`.
    pub fn pty(&self, args: &[&str], input: &str) -> PtyRun {
        pty_run(&self.args(args), input, &[])
    }
}

/// What one run on a pseudo-terminal showed. Stdin, stdout and stderr are all the terminal, so
/// `screen` holds everything written (and the echo of what was typed), with the terminal's
/// `\r\n` turned back into `\n`.
pub struct PtyRun {
    pub code: i32,
    pub screen: String,
}

/// `omnigraph cluster «args»` with a pseudo-terminal as stdin, stdout and stderr, as a person at
/// a terminal runs it (TERM=xterm, no NO_COLOR/CLICOLOR*/CI), plus `env`; `input` is typed at once
/// (the terminal buffers it until the program reads). Killed after 60 s so a prompt that waits
/// for input the test did not give fails instead of hanging.
pub fn pty_run(args: &[&str], input: &str, env: &[(&str, &str)]) -> PtyRun {
    pty_script(args, env, |terminal| terminal.type_text(input))
}

/// The person at the terminal in [`pty_script`]: sees what was printed so far, and types.
pub struct Terminal {
    input: std::fs::File,
    screen: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Terminal {
    /// Type `text` (the terminal buffers it until the program reads).
    pub fn type_text(&mut self, text: &str) {
        use std::io::Write;
        // A child that already exited closed the terminal; the test then sees what it printed.
        let _ = self.input.write_all(text.as_bytes());
    }

    /// Wait (up to 30 s) until `text` is on the screen.
    pub fn wait_for(&self, text: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let screen = self.screen.lock().expect("screen").clone();
            if String::from_utf8_lossy(&screen).contains(text) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`{text}` never appeared; the screen shows {:?}",
                String::from_utf8_lossy(&screen)
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// [`pty_run`], with `script` acting as the person at the terminal: it may wait for text, change
/// files and type whenever it likes while the command runs.
pub fn pty_script(
    args: &[&str],
    env: &[(&str, &str)],
    script: impl FnOnce(&mut Terminal),
) -> PtyRun {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two fresh descriptors into the out-parameters; null name, termios
    // and window size mean defaults.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened by openpty and are owned by nobody else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = hermetic(binary());
    // As a person at a terminal: not in CI (anstream colours any terminal under `CI`, even with
    // TERM=dumb).
    cmd.arg("cluster")
        .args(args)
        .env("TERM", "xterm")
        .env_remove("CI");
    cmd.envs(env.iter().copied());
    cmd.stdin(slave.try_clone().expect("dup"));
    cmd.stdout(slave.try_clone().expect("dup"));
    cmd.stderr(slave);
    let mut child = cmd.spawn().expect("spawn");
    // The command keeps its copies of the terminal until dropped; the reader sees the end of
    // output only once every copy outside the child is closed.
    drop(cmd);
    let input = std::fs::File::from(master);
    let mut reader = input.try_clone().expect("dup");
    let screen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let shown = std::sync::Arc::clone(&screen);
    let reading = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        // Linux reports EIO once the last descriptor of the terminal's other side is closed.
        while let Ok(n @ 1..) = reader.read(&mut chunk) {
            shown.lock().expect("screen").extend_from_slice(&chunk[..n]);
        }
    });
    script(&mut Terminal {
        input,
        screen: std::sync::Arc::clone(&screen),
    });
    let status = child::status(
        &mut child,
        &format!("{args:?} on a terminal (waiting for input?)"),
    );
    reading.join().expect("reader");
    let screen = screen.lock().expect("screen").clone();
    PtyRun {
        code: status.code().expect("exit code"),
        screen: String::from_utf8(screen)
            .expect("utf8")
            .replace("\r\n", "\n"),
    }
}

impl Folder {
    /// `omnigraph cluster «args» --config «this folder»` with the folder read-only to the
    /// command: every file and directory loses its write bits, and, when the tests run as root
    /// (which ignores them, as CI does), the command runs as `nobody` through `setpriv`. The
    /// modes are restored afterwards.
    pub fn run_read_only(&self, args: &[&str]) -> Run {
        set_modes(self.path(), 0o555, 0o444);
        let run = self.run_unprivileged(args);
        set_modes(self.path(), 0o755, 0o644);
        run
    }

    /// `omnigraph cluster «args» --config «this folder»` as a user whom file modes bind: as
    /// `nobody` through `setpriv` when the tests run as root (which ignores modes, as CI does).
    /// The folder must be readable by that user (see [`Folder::open_to_all`]).
    pub fn run_unprivileged(&self, args: &[&str]) -> Run {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let mut cmd = if unsafe { libc::geteuid() } == 0 {
            let mut cmd = hermetic("setpriv");
            cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(binary());
            cmd
        } else {
            hermetic(binary())
        };
        cmd.arg("cluster").args(self.args(args));
        Run::from(child::output(&mut cmd, &format!("unprivileged {args:?}")))
    }

    /// Every directory of the folder mode 755 and every file 644: readable (not writable) by
    /// any user, for [`Folder::run_unprivileged`].
    pub fn open_to_all(&self) {
        set_modes(self.path(), 0o755, 0o644);
    }

    /// Set the mode of one file or directory of the folder.
    pub fn chmod(&self, rel: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.at(rel), std::fs::Permissions::from_mode(mode))
            .expect("chmod");
    }
}

/// Give every directory under (and including) `root` mode `dirs` and every file mode `files`.
fn set_modes(root: &Path, dirs: u32, files: u32) {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(root).expect("stat");
    if meta.is_dir() {
        // Children first while the directory is still writable and listable.
        for entry in std::fs::read_dir(root).expect("list") {
            set_modes(&entry.expect("entry").path(), dirs, files);
        }
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(dirs)).expect("chmod");
    } else if meta.is_file() {
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(files)).expect("chmod");
    }
}

/// `omnigraph cluster «args»`, optionally from working directory `cwd`.
pub fn run_in(cwd: Option<&Path>, args: &[&str]) -> Run {
    let mut cmd = hermetic(binary());
    cmd.arg("cluster").args(args);
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    Run::from(child::output(
        &mut cmd,
        &format!("omnigraph cluster {args:?}"),
    ))
}

/// `omnigraph cluster «args»` with `env` set and every other `AWS_*` variable of this process
/// removed, so the child sees exactly the storage settings a test gives it.
pub fn run_env(args: &[&str], env: &[(String, String)]) -> Run {
    let mut cmd = hermetic(binary());
    cmd.arg("cluster").args(args);
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    Run::from(child::output(
        &mut cmd,
        &format!("omnigraph cluster {args:?}"),
    ))
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Self {
        Run {
            code: out.status.code().expect("exit code"),
            stdout: String::from_utf8(out.stdout).expect("utf8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf8 stderr"),
        }
    }
}

/// The root of a real graph-root fixture in `fixtures/graph-roots/`.
pub fn graph_root_fixture(fixture: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/graph-roots")
        .join(fixture)
}

/// Every file under `dir`, as paths relative to it (`/`-separated, sorted).
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Small deterministic RNG (xorshift64*) for the kill loops, seeded from
/// `OMNIGRAPH_RELIABILITY_SEED` or the clock; the seed is printed so a failure can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn seeded() -> Rng {
        let seed = std::env::var("OMNIGRAPH_RELIABILITY_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("reliability seed: {seed} (OMNIGRAPH_RELIABILITY_SEED to replay)");
        Rng(seed | 1)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// `text` with ULIDs, fresh timestamps, lock ages and CAS tokens replaced by the tokens the
/// snapshots use, for comparing two runs.
pub fn scrub(text: &str) -> String {
    let rules = [
        (r"\b[0-9A-HJKMNP-TV-Z]{26}\b", "[ULID]"),
        (r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[NOW]"),
        (
            r#""lock_age_seconds": \d+"#,
            r#""lock_age_seconds": "[AGE]""#,
        ),
        (r"age_seconds=\d+", "age_seconds=[AGE]"),
        (r#""lock_pid": \d+"#, r#""lock_pid": "[PID]""#),
        (r"pid=\d+", "pid=[PID]"),
        (r"sha256:[0-9a-f]{64}", "sha256:[CAS]"),
    ];
    rules
        .iter()
        .fold(text.to_string(), |text, (pattern, token)| {
            let re = regex::Regex::new(pattern).expect("pattern");
            re.replace_all(&text, *token).into_owned()
        })
}

/// Snapshot `text` after redacting the folder path, ULIDs, fresh timestamps, lock ages and CAS
/// tokens (the CAS is asserted against the file bytes separately where it matters).
#[macro_export]
macro_rules! snap {
    ($folder:expr, $name:expr, $text:expr) => {{
        let redacted = $folder.redact(&$text);
        $crate::insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            filters => vec![
                (r"\b[0-9A-HJKMNP-TV-Z]{26}\b", "[ULID]"),
                (r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[NOW]"),
                (r#""lock_age_seconds": \d+"#, r#""lock_age_seconds": "[AGE]""#),
                (r"age_seconds=\d+", "age_seconds=[AGE]"),
                (r"sha256:[0-9a-f]{64}", "sha256:[CAS]"),
            ],
        }, {
            $crate::insta::assert_snapshot!($name, redacted);
        });
    }};
}

/// Codes of the diagnostics in a JSON output, in order.
pub fn codes(out: &Value) -> Vec<String> {
    out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect()
}

/// The first diagnostic with `code`.
pub fn diag<'a>(out: &'a Value, code: &str) -> &'a Value {
    out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {}", out["diagnostics"]))
}

/// `resource → (operation, disposition, reason)` of a plan/apply change list, in order.
pub fn change_list(out: &Value) -> Vec<(String, String, String, String)> {
    out["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
            (s("resource"), s("operation"), s("disposition"), s("reason"))
        })
        .collect()
}

/// F's changes against a state that records none of its resources (S30, S50): the graph and
/// its schema are created later, so everything else waits for them.
pub fn fresh_changes() -> Vec<(String, String, String, String)> {
    vec![
        ch(
            "graph.knowledge",
            "create",
            "deferred",
            "apply_unsupported_kind",
        ),
        ch("policy.base", "create", "blocked", "dependency_missing"),
        ch(
            "query.knowledge.find_person",
            "create",
            "blocked",
            "dependency_missing",
        ),
        ch(
            "schema.knowledge",
            "create",
            "deferred",
            "apply_unsupported_kind",
        ),
    ]
}

/// F's four addresses, in address order: what `state list` shows of a ledger that records them.
pub const F_ADDRESSES: [&str; 4] = [
    "graph.knowledge",
    "policy.base",
    "query.knowledge.find_person",
    "schema.knowledge",
];

/// The addresses of `state list --json`'s `resources`, in order.
pub fn listed_addresses(out: &Value) -> Vec<&str> {
    out["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["address"].as_str().expect("address"))
        .collect()
}

/// Build the tuple `change_list` yields, for terse expectations.
pub fn ch(
    resource: &str,
    operation: &str,
    disposition: &str,
    reason: &str,
) -> (String, String, String, String) {
    (
        resource.to_string(),
        operation.to_string(),
        disposition.to_string(),
        reason.to_string(),
    )
}

/// Issue 17: the `history --json` output of a ledger only this tool wrote. Every revision from
/// the current one down to the first has exactly one confirmed record, newest first: no gap, and
/// nothing shown for a revision that was never published (a record written by a command killed
/// before its publish, or one that lost the compare-and-swap, is on no chain).
pub fn check_history(history: &Value, context: &str) {
    assert_eq!(history["ok"], true, "{context}: history failed: {history}");
    let diagnostics = history["diagnostics"].as_array().expect("diagnostics");
    let revisions: Vec<u64> = history["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| r["revision"].as_u64().expect("revision"))
        .collect();
    if history["state_observations"]["state_found"] != true {
        assert!(
            revisions.is_empty(),
            "{context}: history without state: {history}"
        );
        return;
    }
    assert!(diagnostics.is_empty(), "{context}: {history}");
    let current = history["state_observations"]["state_revision"]
        .as_u64()
        .expect("revision");
    let expected: Vec<u64> = (1..=current).rev().collect();
    assert_eq!(
        revisions, expected,
        "{context}: history has a gap: {history}"
    );
}

/// What every crash or interruption must leave in a store, read through `get` (a relative name
/// → its bytes, `None` when absent): a state that parses (or none), every recorded query/policy
/// digest backed by a blob with that digest, and a lock (if any) that parses.
pub fn check_ledger_invariants(get: impl Fn(&str) -> Option<Vec<u8>>, context: &str) {
    if let Some(bytes) = get("__cluster/state.json") {
        let state: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{context}: torn state.json: {e}"));
        assert_eq!(state["version"], 1, "{context}");
        let resources = state["applied_revision"]["resources"]
            .as_object()
            .unwrap_or_else(|| panic!("{context}: no resources map"));
        for (address, entry) in resources {
            let digest = entry["digest"].as_str().expect("digest");
            let blob = if let Some(rest) = address.strip_prefix("query.") {
                let (graph, name) = rest.split_once('.').expect("query address");
                format!("__cluster/resources/query/{graph}/{name}/{digest}.gq")
            } else if let Some(policy) = address.strip_prefix("policy.") {
                format!("__cluster/resources/policy/{policy}/{digest}.yaml")
            } else {
                continue;
            };
            let bytes = get(&blob).unwrap_or_else(|| panic!("{context}: {address} has no blob"));
            assert_eq!(
                sha256_hex(&bytes),
                digest,
                "{context}: {address} blob differs"
            );
        }
    }
    if let Some(bytes) = get("__cluster/lock.json") {
        let lock: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{context}: torn lock.json: {e}"));
        assert_eq!(lock["version"], 1, "{context}");
    }
}
