//! Every child process of the test suite runs under a deadline, with its outputs read while it
//! runs. A child writing to a pipe nobody reads blocks once the pipe is full (64 KiB of JSON), and
//! a child whose signal was lost may run for ever; either must fail its test with a clear message
//! instead of hanging CI until its time limit.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;
use wait_timeout::ChildExt;

/// How long any child may run. Generous: the slowest command of the suite (an apply of hundreds
/// of blobs against a local S3 server under injected faults) takes seconds, not minutes.
pub const DEADLINE: Duration = Duration::from_secs(180);

/// Run `command` to the end (stdin empty, stdout and stderr captured) within [`DEADLINE`];
/// `what` names it if it overruns.
pub fn output(command: &mut Command, what: &str) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    finish(child, what)
}

/// Wait for `child` within [`DEADLINE`], reading whatever outputs it pipes meanwhile.
pub fn finish(child: Child, what: &str) -> Output {
    finish_within(child, DEADLINE, what)
}

/// Wait for `child` within `deadline`, reading its piped outputs meanwhile. Past the deadline the
/// child is killed and the test fails, naming `what` and showing what the child wrote.
pub fn finish_within(mut child: Child, deadline: Duration, what: &str) -> Output {
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = wait_within(&mut child, deadline);
    let collect = |reader: Option<JoinHandle<Vec<u8>>>| {
        reader
            .map(|r| r.join().unwrap_or_default())
            .unwrap_or_default()
    };
    let (stdout, stderr) = (collect(stdout), collect(stderr));
    match status {
        Some(status) => Output {
            status,
            stdout,
            stderr,
        },
        None => panic!(
            "{what}: still running after {deadline:?}; killed it.\nstdout so far:\n{}\nstderr so far:\n{}",
            tail(&stdout),
            tail(&stderr)
        ),
    }
}

/// The exit status of `child` (whose outputs are not piped, or are read elsewhere) within
/// [`DEADLINE`]; the test fails naming `what` if it overruns.
pub fn status(child: &mut Child, what: &str) -> ExitStatus {
    wait_within(child, DEADLINE)
        .unwrap_or_else(|| panic!("{what}: still running after {DEADLINE:?}; killed it"))
}

/// The child's status, or `None` after killing it when `deadline` passed first. Woken as soon as
/// the child exits (the kill loops time runs by it), not at a polling interval.
fn wait_within(child: &mut Child, deadline: Duration) -> Option<ExitStatus> {
    match child.wait_timeout(deadline).expect("wait for a child") {
        Some(status) => Some(status),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// The last few KiB of an output, as text.
fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(4096);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}
