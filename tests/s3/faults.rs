//! The S3 backend under the faults real endpoints produce, injected by a proxy between the binary
//! and moto (`tests/support/proxy.rs`): 409 `ConditionalRequestConflict`, lost acknowledgements,
//! 503/500 bursts, connection resets, latency, 403 and an outage.
//!
//! Each transient fault is injected into one command on one prefix while the same command runs
//! fault-free on another prefix of the same bucket. The faulty run must exit 0, print what the
//! clean run printed, and leave byte for byte the ledger the clean run left (the root's name,
//! timestamps and ids aside), with every recorded blob verifying and no lock. Every rule must
//! have fired as often as it was told to, so no case passes by missing its fault.

use super::*;
use cluster_test_support::proxy::{Fault, Proxy, Rule, RuleId};
use std::time::{Duration, Instant};

/// Stored queries added to F: apply publishes this many blobs, plus F's own query and policy.
const QUERIES: usize = 4;
const LOCK: &str = "__cluster/lock.json";
const STATE: &str = "__cluster/state.json";
const BLOBS: &str = "__cluster/resources/";
const HISTORY: &str = "__cluster/history/";

/// One transient fault for one command: what is run fault-free first, the command, and the
/// rules, each with how often it must fire.
struct Case {
    before: &'static [&'static str],
    /// Place the contract's held lock (id `held-lock`) before the command.
    held_lock: bool,
    command: &'static [&'static str],
    rules: Vec<(Rule, usize)>,
}

/// `times` requests with `method` on keys containing `pattern` get `fault`.
fn on(method: &str, pattern: &str, fault: Fault, times: usize) -> (Rule, usize) {
    (Rule::new(method, pattern, fault).times(times), times)
}

/// Two clouds of one template on two prefixes of a fresh bucket: `clean` talks to moto,
/// `faulty` through the proxy.
fn pair<'a>(server: &'a S3Server, proxy: &Proxy, queries: usize) -> (Cloud<'a>, Cloud<'a>) {
    let template = folder_with_queries(queries);
    let bucket = server.bucket();
    let make = |prefix: &str| {
        let root = Root::new(server, &bucket, prefix);
        root.upload_root("knowledge", "people-fresh.omni");
        Cloud::new(copy_folder(&template), root)
    };
    let clean = make("clean");
    let mut faulty = make("faulty");
    faulty.env = proxy.env();
    (clean, faulty)
}

/// The config digest a cloud's state records (it covers the `storage:` line, so each root has
/// its own).
fn config_digest(cloud: &Cloud<'_>) -> Option<String> {
    let bytes = cloud.root.get(STATE)?;
    let state: Value = serde_json::from_slice(&bytes).ok()?;
    state["applied_revision"]["config_digest"]
        .as_str()
        .map(str::to_string)
}

/// `text` with what differs between the two clouds by construction replaced by tokens.
fn normalise(cloud: &Cloud<'_>, text: &str) -> String {
    let mut text = text
        .replace(&cloud.root.uri(), "[ROOT]")
        .replace(cloud.folder.path().to_str().expect("utf8"), "[T]");
    if let Some(digest) = config_digest(cloud) {
        text = text.replace(&digest, "[CONFIG]");
    }
    scrub(&text)
}

/// Every object under `__cluster/`, by name, normalised (see `comparable`).
fn ledger(cloud: &Cloud<'_>) -> Vec<(String, String)> {
    cloud
        .root
        .objects_under("__cluster")
        .into_iter()
        .map(|name| {
            let bytes = cloud.root.get(&name).expect("listed object");
            comparable(&name, &bytes, |text| normalise(cloud, text))
        })
        .collect()
}

fn with_json<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.push("--json");
    all
}

/// Run `case` on both clouds; the faulty run must be indistinguishable from the clean one.
fn transient(case: Case) {
    let server = S3Server::shared();
    let proxy = Proxy::start(server);
    let (clean, faulty) = pair(server, &proxy, QUERIES);
    for cloud in [&clean, &faulty] {
        for command in case.before {
            let (code, out) = cloud.json(&[command]);
            assert_eq!(code, 0, "{command}: {out}");
        }
        if case.held_lock {
            cloud.root.put(LOCK, HELD_LOCK);
        }
    }
    let args = with_json(case.command);
    let expected = clean.run(&args);
    assert_eq!(expected.code, 0, "clean run: {}", expected.stdout);
    let rules: Vec<(RuleId, usize)> = case
        .rules
        .into_iter()
        .map(|(rule, times)| (proxy.inject(rule), times))
        .collect();
    let got = faulty.run(&args);
    let context = format!("{:?}\nproxy log:\n{}", case.command, proxy.log());
    assert_eq!(got.code, 0, "{context}\n{}", got.stdout);
    assert!(got.stderr.is_empty(), "{context}\n{}", got.stderr);
    for (id, times) in rules {
        assert_eq!(proxy.fired(id), times, "{context}");
    }
    assert_eq!(
        normalise(&faulty, &got.stdout),
        normalise(&clean, &expected.stdout),
        "{context}"
    );
    assert_eq!(ledger(&faulty), ledger(&clean), "{context}");
    check_invariants(&faulty, &context);
    assert!(!faulty.root.exists(LOCK), "{context}: lock left behind");
}

const IMPORT: &[&str] = &["import"];
const APPLY: &[&str] = &["apply"];
const REFRESH: &[&str] = &["refresh"];
const STATUS: &[&str] = &["status"];
const FORCE_UNLOCK: &[&str] = &["force-unlock", "held-lock"];

/// `command` under `rules`, after what it needs: import first needs nothing, apply an imported
/// cluster, refresh and status an applied one, force-unlock a held lock.
fn under(command: &'static [&'static str], rules: Vec<(Rule, usize)>) {
    let (before, held_lock): (&'static [&'static str], bool) = match command[0] {
        "import" => (&[], false),
        "apply" => (IMPORT, false),
        "force-unlock" => (IMPORT, true),
        _ => (&["import", "apply"], false),
    };
    transient(Case {
        before,
        held_lock,
        command,
        rules,
    });
}

// 409 ConditionalRequestConflict: the write did nothing; it is tried again.

#[test]
fn apply_409_on_blob_creates() {
    under(APPLY, vec![on("PUT", BLOBS, Fault::Status(409), 3)]);
}

#[test]
fn apply_409_on_the_lock_create() {
    under(APPLY, vec![on("PUT", LOCK, Fault::Status(409), 2)]);
}

#[test]
fn apply_409_on_the_state_write() {
    under(APPLY, vec![on("PUT", STATE, Fault::Status(409), 5)]);
}

#[test]
fn import_409_on_the_lock_and_the_first_state() {
    under(
        IMPORT,
        vec![
            on("PUT", LOCK, Fault::Status(409), 2),
            on("PUT", STATE, Fault::Status(409), 2),
        ],
    );
}

#[test]
fn refresh_409_on_the_state_write() {
    under(REFRESH, vec![on("PUT", STATE, Fault::Status(409), 5)]);
}

#[test]
fn apply_409_on_the_history_record() {
    under(APPLY, vec![on("PUT", HISTORY, Fault::Status(409), 3)]);
}

// Lost acknowledgements: the server carried the request out, the answer never came.

#[test]
fn apply_lost_ack_of_the_history_record() {
    under(APPLY, vec![on("PUT", HISTORY, Fault::LostAck, 1)]);
}

#[test]
fn apply_lost_ack_of_blob_creates() {
    under(APPLY, vec![on("PUT", BLOBS, Fault::LostAck, 3)]);
}

#[test]
fn apply_lost_ack_of_the_state_write() {
    under(APPLY, vec![on("PUT", STATE, Fault::LostAck, 1)]);
}

#[test]
fn apply_lost_ack_of_the_lock_create_and_release() {
    under(
        APPLY,
        vec![
            on("PUT", LOCK, Fault::LostAck, 1),
            on("POST", LOCK, Fault::LostAck, 1),
        ],
    );
}

#[test]
fn import_lost_ack_of_the_first_state_and_the_lock() {
    under(
        IMPORT,
        vec![
            on("PUT", STATE, Fault::LostAck, 1),
            on("PUT", LOCK, Fault::LostAck, 1),
            on("POST", LOCK, Fault::LostAck, 1),
        ],
    );
}

#[test]
fn refresh_lost_ack_of_the_state_write() {
    under(REFRESH, vec![on("PUT", STATE, Fault::LostAck, 1)]);
}

#[test]
fn force_unlock_lost_ack_of_the_delete() {
    under(FORCE_UNLOCK, vec![on("POST", LOCK, Fault::LostAck, 1)]);
}

// 503 SlowDown and 500 InternalError bursts, longer than the client's own three retries.

#[test]
fn apply_503_burst_on_writes() {
    under(APPLY, vec![on("PUT", "", Fault::Status(503), 6)]);
}

#[test]
fn apply_500_burst_on_reads_and_writes() {
    under(
        APPLY,
        vec![
            on("GET", STATE, Fault::Status(500), 5),
            on("PUT", BLOBS, Fault::Status(500), 5),
        ],
    );
}

/// Listings are tried again like reads: a graph root is not an observation error, nor the
/// history empty, because of a burst.
#[test]
fn refresh_503_burst_on_the_graph_listings() {
    under(REFRESH, vec![on("GET", "graphs%2F", Fault::Status(503), 6)]);
}

#[test]
fn history_503_burst_on_its_listing_and_records() {
    under(
        &["history"],
        vec![
            on("GET", "history%2F", Fault::Status(503), 6),
            on("GET", HISTORY, Fault::Status(500), 4),
        ],
    );
}

#[test]
fn import_503_burst_on_reads_and_writes() {
    under(
        IMPORT,
        vec![
            on("GET", STATE, Fault::Status(503), 6),
            on("GET", "list-type=2", Fault::Status(503), 2),
            on("PUT", STATE, Fault::Status(503), 5),
        ],
    );
}

#[test]
fn refresh_503_burst_on_blob_reads() {
    under(REFRESH, vec![on("GET", BLOBS, Fault::Status(503), 6)]);
}

#[test]
fn status_503_and_500_bursts_on_reads() {
    under(
        STATUS,
        vec![
            on("GET", STATE, Fault::Status(503), 6),
            on("HEAD", LOCK, Fault::Status(500), 5),
            on("GET", BLOBS, Fault::Status(500), 5),
        ],
    );
}

#[test]
fn force_unlock_503_burst_on_the_read_and_the_delete() {
    under(
        FORCE_UNLOCK,
        vec![
            on("GET", LOCK, Fault::Status(503), 5),
            on("POST", LOCK, Fault::Status(503), 5),
        ],
    );
}

// A connection reset before the request is forwarded.

#[test]
fn apply_reset_before_forwarding_writes() {
    under(
        APPLY,
        vec![
            on("PUT", LOCK, Fault::Reset, 1),
            on("PUT", BLOBS, Fault::Reset, 2),
            on("PUT", STATE, Fault::Reset, 1),
            on("POST", LOCK, Fault::Reset, 1),
        ],
    );
}

#[test]
fn refresh_and_status_reset_before_forwarding_reads() {
    under(
        REFRESH,
        vec![
            on("GET", STATE, Fault::Reset, 2),
            on("GET", BLOBS, Fault::Reset, 2),
        ],
    );
    under(
        STATUS,
        vec![
            on("HEAD", LOCK, Fault::Reset, 2),
            on("GET", STATE, Fault::Reset, 2),
        ],
    );
}

#[test]
fn force_unlock_reset_before_forwarding_the_delete() {
    under(FORCE_UNLOCK, vec![on("POST", LOCK, Fault::Reset, 2)]);
}

// Seconds of latency.

#[test]
fn apply_and_status_with_seconds_of_latency() {
    let slow = Fault::Latency(Duration::from_secs(2));
    let started = Instant::now();
    under(
        APPLY,
        vec![
            on("PUT", LOCK, slow.clone(), 1),
            on("PUT", STATE, slow.clone(), 1),
        ],
    );
    under(STATUS, vec![on("GET", STATE, slow, 1)]);
    assert!(started.elapsed() >= Duration::from_secs(6));
}

/// `omnigraph cluster «cmd» --json --config … «extra»` in the background.
fn spawn(cloud: &Cloud<'_>, cmd: &str, extra: &[&str]) -> std::process::Child {
    let mut command = std::process::Command::new(binary());
    command
        .args(["cluster", cmd, "--json", "--config"])
        .arg(cloud.folder.path())
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for name in s3::stray_aws_vars() {
        command.env_remove(name);
    }
    command.envs(cloud.env.iter().map(|(k, v)| (k, v)));
    command.spawn().expect("spawn")
}

fn finished(child: std::process::Child) -> (i32, Value) {
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    let value = serde_json::from_slice(&out.stdout).expect("JSON output");
    (out.status.code().expect("exit code"), value)
}

/// Two appliers on one prefix, waiting for each other's lock, while conflicts and lost answers
/// hit the lock, the blobs and the state: both succeed, one apply's worth of revisions is
/// recorded, every blob verifies, and no lock is left.
#[test]
fn two_concurrent_appliers_under_conflicts() {
    let server = S3Server::shared();
    let proxy = Proxy::start(server);
    let (_, a) = pair(server, &proxy, 20);
    // A second machine: a copy of the config folder (its `storage:` already names the prefix).
    let b = Cloud {
        folder: copy_folder(&a.folder),
        root: Root::new(server, &a.root.bucket, &a.root.prefix),
        env: proxy.env(),
    };
    let (code, out) = a.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let rules = [
        on("PUT", LOCK, Fault::Status(409), 3),
        on("PUT", BLOBS, Fault::Status(409), 6),
        on("PUT", BLOBS, Fault::LostAck, 3),
        on("PUT", STATE, Fault::Status(409), 2),
        on("PUT", STATE, Fault::LostAck, 1),
        on("POST", LOCK, Fault::LostAck, 1),
    ];
    let ids: Vec<_> = rules
        .into_iter()
        .map(|(rule, times)| (proxy.inject(rule), times))
        .collect();
    let children = [
        spawn(&a, "apply", &["--lock-timeout", "60s"]),
        spawn(&b, "apply", &["--lock-timeout", "60s"]),
    ];
    let mut written = 0;
    for child in children {
        let (code, out) = finished(child);
        assert_eq!(code, 0, "{out}\n{}", proxy.log());
        written += u64::from(out["state_written"] == true);
    }
    for (id, times) in ids {
        assert_eq!(proxy.fired(id), times, "{}", proxy.log());
    }
    check_invariants(&a, "two appliers");
    assert!(!a.root.exists(LOCK), "lock left behind");
    assert_eq!(a.root.state()["state_revision"], 1 + written);
    let (code, plan) = b.json(&["plan"]);
    assert_eq!(code, 0, "{plan}");
    assert_eq!(plan["changes"].as_array().map(Vec::len), Some(0), "{plan}");
    let (code, status) = a.json(&["status"]);
    assert_eq!(
        (code, codes(&status)),
        (0, Vec::<String>::new()),
        "{status}"
    );
}

/// An outage (503 to every request) from the middle of an apply's blob batch on: apply gives up
/// within the bound (`AWS_TIMEOUT`), exit 1, naming the keys it could not write; nothing is
/// half-written, and the lock it could not release is reported with the `force-unlock` that
/// clears it once the store is back.
#[test]
fn an_outage_mid_apply_fails_within_the_bound() {
    let server = S3Server::shared();
    let proxy = Proxy::start(server);
    let (_, mut cloud) = pair(server, &proxy, 40);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    cloud.env.push(("AWS_TIMEOUT".into(), "2s".into()));
    // The lock, the state read and a few blobs get through.
    let outage = proxy.inject(Rule::any(Fault::Status(503)).skip(8).forever());
    let started = Instant::now();
    let (code, out) = cloud.json(&["apply"]);
    let took = started.elapsed();
    let context = format!("{out}\nproxy log:\n{}", proxy.log());
    assert_eq!(code, 1, "{context}");
    assert!(took < Duration::from_secs(12), "{took:?}: {context}");
    assert!(proxy.fired(outage) > 0);
    assert_eq!(out["state_written"], false, "{context}");
    assert_errors_within(&out, &["resource_payload_write_error"], "apply");
    let message = diag(&out, "resource_payload_write_error")["message"]
        .as_str()
        .unwrap()
        .to_string();
    let blobs = format!("{}/{BLOBS}", cloud.root.uri());
    assert!(
        message.contains(&blobs) && message.contains("SlowDown") && message.contains("gave up"),
        "{message}"
    );

    // The store is back: the lock apply could not release is there, and named.
    proxy.clear();
    let lock: Value = serde_json::from_slice(&cloud.root.get(LOCK).expect("lock left")).unwrap();
    let id = lock["lock_id"].as_str().unwrap();
    let release = diag(&out, "state_lock_release_error");
    assert_eq!(release["severity"], "warning");
    let text = release["message"].as_str().unwrap();
    assert!(
        text.contains(&format!("omnigraph cluster force-unlock {id}")) && text.contains("s3://"),
        "{text}"
    );
    check_invariants(&cloud, "after the outage");
    assert_eq!(cloud.root.state()["state_revision"], 1);
    let (code, out) = cloud.json(&["force-unlock", id]);
    assert_eq!(
        (code, &out["lock_removed"]),
        (0, &Value::Bool(true)),
        "{out}"
    );
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    check_invariants(&cloud, "after recovery");
}

/// A lock whose release keeps failing does not fail the command that held it: apply's state is
/// published (exit 0), and a warning names the lock and the `force-unlock` that clears it.
#[test]
fn a_lock_that_cannot_be_released_is_reported() {
    let server = S3Server::shared();
    let proxy = Proxy::start(server);
    let (_, mut cloud) = pair(server, &proxy, QUERIES);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    cloud.env.push(("AWS_TIMEOUT".into(), "1s".into()));
    let denied = proxy.inject(Rule::new("POST", LOCK, Fault::Status(503)).forever());
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert!(proxy.fired(denied) > 1);
    assert_eq!(out["state_written"], true);
    assert_eq!(codes(&out), ["state_lock_release_error"], "{out}");
    let lock: Value = serde_json::from_slice(&cloud.root.get(LOCK).expect("lock left")).unwrap();
    let id = lock["lock_id"].as_str().unwrap();
    assert_eq!(out["state_observations"]["acquired_lock_id"], id);
    let message = diag(&out, "state_lock_release_error")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.starts_with(&format!(
            "could not release state lock: {}/{LOCK}: request failed (SlowDown",
            cloud.root.uri()
        )) && message.ends_with(&format!(
            "run `omnigraph cluster force-unlock {id}` once no cluster operation is active"
        )),
        "{message}"
    );
    proxy.clear();
    let (code, out) = cloud.json(&["force-unlock", id]);
    assert_eq!(
        (code, &out["lock_removed"]),
        (0, &Value::Bool(true)),
        "{out}"
    );
    check_invariants(&cloud, "after force-unlock");
}

/// 403 on writes is not transient: apply stops at once with the blob's error naming its key,
/// publishes no state and releases its lock.
#[test]
fn access_denied_on_writes_fails_at_once() {
    let server = S3Server::shared();
    let proxy = Proxy::start(server);
    let (_, cloud) = pair(server, &proxy, QUERIES);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let denied = proxy.inject(Rule::new("PUT", BLOBS, Fault::Status(403)).forever());
    let started = Instant::now();
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!(code, 1, "{out}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        proxy.fired(denied),
        QUERIES + 2,
        "each blob once: {}",
        proxy.log()
    );
    assert_errors_within(&out, &["resource_payload_write_error"], "apply");
    let message = diag(&out, "resource_payload_write_error")["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains(&format!("{}/{BLOBS}", cloud.root.uri()))
            && message.contains("access denied (AccessDenied: Access Denied)"),
        "{message}"
    );
    assert_eq!(out["state_written"], false);
    assert!(!cloud.root.exists(LOCK));
    assert_eq!(cloud.root.state()["state_revision"], 1);
    check_invariants(&cloud, "403");
}
