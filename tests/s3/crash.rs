//! Interrupted `apply` on S3: a SIGKILL at any instant leaves a readable state whose every
//! digest has a blob that verifies, and at worst a stale lock that is reported with its holder
//! and cleared by `force-unlock`; SIGINT/SIGTERM/SIGHUP never leave our lock behind.

use super::*;
use std::time::{Duration, Instant};

const QUERIES: usize = 60;
const KILLS: usize = 10;
const SIGNALS: usize = 9;

/// A fresh prefix holding an imported cluster, ready for an `apply` that publishes 62 blobs.
fn imported<'a>(server: &'a S3Server, template: &Folder, bucket: &str, name: &str) -> Cloud<'a> {
    let root = Root::new(server, bucket, name);
    root.upload_root("knowledge", "people-fresh.omni");
    let cloud = Cloud::new(copy_folder(template), root);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    cloud
}

/// Report a stale lock with its holder, clear it with `force-unlock`, then converge.
fn recover(cloud: &Cloud<'_>, holder: u32, context: &str) {
    if let Some(bytes) = cloud.root.get("__cluster/lock.json") {
        let lock: Value = serde_json::from_slice(&bytes).expect("lock");
        let id = lock["lock_id"].as_str().expect("id");
        let (code, status) = cloud.json(&["status"]);
        assert_eq!(code, 0, "{context}: {status}");
        let obs = &status["state_observations"];
        assert_eq!(obs["locked"], true, "{context}");
        assert_eq!(obs["lock_id"], id, "{context}");
        assert_eq!(obs["lock_pid"], holder, "{context}");
        let (code, refused) = cloud.json(&["apply"]);
        assert_eq!(code, 1, "{context}: {refused}");
        assert!(
            diag(&refused, "state_lock_held")["message"]
                .as_str()
                .unwrap()
                .contains(&format!("force-unlock {id}")),
            "{context}"
        );
        let (code, out) = cloud.json(&["force-unlock", id]);
        assert_eq!(
            (code, &out["lock_removed"]),
            (0, &Value::Bool(true)),
            "{context}"
        );
    }
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!(code, 0, "{context}: {out}");
    assert_eq!(out["converged"], true, "{context}: {out}");
    check_invariants(cloud, context);
}

#[test]
fn sigkill_during_apply_leaves_a_readable_state() {
    let server = S3Server::shared();
    let bucket = server.bucket();
    let template = folder_with_queries(QUERIES);
    // Undisturbed runs tell how long an apply takes here; the shortest, because a run slowed
    // by a busy machine would put most kill points after the end of later, faster runs.
    let mut span = Duration::MAX;
    for probe in 0..3 {
        let cloud = imported(server, &template, &bucket, &format!("probe-{probe}"));
        let started = Instant::now();
        assert_eq!(cloud.json(&["apply"]).0, 0);
        span = span.min(started.elapsed());
    }

    let mut rng = Rng::seeded();
    let (mut rounds, mut interrupted, mut stale) = (0, 0, 0);
    // Kill points are random, so keep going (within bounds) until enough runs were cut short.
    while interrupted < KILLS / 2 && rounds < 3 * KILLS {
        let cloud = imported(server, &template, &bucket, &format!("kill-{rounds}"));
        let delay = Duration::from_micros(rng.below(span.as_micros() as u64));
        let mut child = cloud.spawn("apply");
        std::thread::sleep(delay);
        let _ = child.kill();
        let pid = child.id();
        let status = child::finish(child, "apply").status;
        interrupted += usize::from(!status.success());
        let context = format!("apply killed after {delay:?} of {span:?} (round {rounds})");
        check_invariants(&cloud, &context);
        let revision = cloud.root.state()["state_revision"].as_u64().unwrap();
        assert!(
            revision == 1 || revision == 2,
            "{context}: revision {revision}"
        );
        stale += usize::from(cloud.root.exists("__cluster/lock.json"));
        recover(&cloud, pid, &context);
        rounds += 1;
    }
    eprintln!(
        "s3 sigkill: {interrupted}/{rounds} applies interrupted, {stale} left a stale lock (apply takes {span:?})"
    );
    assert!(
        interrupted >= KILLS / 2,
        "only {interrupted}/{rounds} runs were interrupted"
    );
}

#[test]
fn signals_never_leave_our_lock_on_s3() {
    let server = S3Server::shared();
    let bucket = server.bucket();
    let template = folder_with_queries(QUERIES);
    let mut rng = Rng::seeded();
    let mut landed = 0;
    for round in 0..SIGNALS {
        let (signal, code) = [("INT", 130), ("TERM", 143), ("HUP", 129)][round % 3];
        let cloud = imported(server, &template, &bucket, &format!("signal-{round}"));
        let child = cloud.spawn("apply");
        // Wait for the lock, so the signal lands while the command holds it.
        let started = Instant::now();
        while !cloud.root.exists("__cluster/lock.json") && started.elapsed().as_secs() < 10 {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_micros(rng.below(100_000)));
        let _ = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status();
        let context = format!("apply SIG{signal} round {round}");
        let pid = child.id();
        let status = child::finish(child, &context).status;
        match status.code() {
            Some(0) => {}
            Some(c) if c == code => landed += 1,
            other => panic!("{context}: exit {other:?}"),
        }
        assert!(
            !cloud.root.exists("__cluster/lock.json"),
            "{context}: lock left behind"
        );
        check_invariants(&cloud, &context);
        recover(&cloud, pid, &context);
    }
    eprintln!("s3 signals: {landed}/{SIGNALS} landed while apply held the lock");
    assert!(landed > 0, "no signal arrived while a command ran");
}
