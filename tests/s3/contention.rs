//! Concurrent commands on one prefix: each succeeds or fails with `state_lock_held` /
//! `state_cas_mismatch` only, the state stays readable, and no update is lost, with and without
//! `state.lock` (the conditional PUT is the compare-and-swap).

use super::*;

const ROUNDS: usize = 3;
const MIX: [&str; 8] = [
    "apply", "refresh", "apply", "refresh", "apply", "refresh", "apply", "refresh",
];

/// How many of the outputs wrote state; every failure must be one of `allowed`.
fn writes(results: &[(String, Value)], allowed: &[&str], context: &str) -> u64 {
    let mut writes = 0;
    for (cmd, out) in results {
        assert_errors_within(out, allowed, &format!("{context}: {cmd}"));
        if out["ok"] == true {
            let wrote = cmd == "refresh" || out["state_written"] == true;
            writes += u64::from(wrote);
        }
    }
    writes
}

fn rounds(lock: bool) {
    let server = S3Server::shared();
    let bucket = server.bucket();
    let template = folder_with_queries(20);
    if !lock {
        let yaml = template.read_string("cluster.yaml");
        template.write(
            "cluster.yaml",
            yaml.replace("  lock: true\n", "  lock: false\n"),
        );
    }
    let allowed: &[&str] = if lock {
        &["state_lock_held", "state_cas_mismatch"]
    } else {
        &["state_cas_mismatch"]
    };
    let mut contended = 0;
    for round in 0..ROUNDS {
        let root = Root::new(server, &bucket, &format!("lock-{lock}/round-{round}"));
        root.upload_root("knowledge", "people-fresh.omni");
        let cloud = Cloud::new(copy_folder(&template), root);
        let (code, out) = cloud.json(&["import"]);
        assert_eq!(code, 0, "{out}");
        let before = cloud.root.state()["state_revision"].as_u64().unwrap();

        let children: Vec<_> = MIX.iter().map(|cmd| (cmd, cloud.spawn(cmd))).collect();
        let results: Vec<(String, Value)> = children
            .into_iter()
            .map(|(cmd, child)| {
                let out = child::finish(child, cmd);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(stderr.is_empty(), "{cmd}: {stderr}");
                let value: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
                (cmd.to_string(), value)
            })
            .collect();
        let context = format!("lock={lock} round {round}");
        let written = writes(&results, allowed, &context);
        contended += results.iter().filter(|(_, out)| out["ok"] == false).count();
        check_invariants(&cloud, &context);
        assert!(!cloud.root.exists("__cluster/lock.json"), "{context}");
        // No lost update: every successful write is one revision.
        let after = cloud.root.state()["state_revision"].as_u64().unwrap();
        assert_eq!(after, before + written, "{context}: {results:?}");
        // And the ledger still converges.
        let (code, out) = cloud.json(&["apply"]);
        assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    }
    eprintln!(
        "s3 contention lock={lock}: {contended} of {} commands lost a race",
        ROUNDS * MIX.len()
    );
    assert!(contended > 0, "lock={lock}: the commands never overlapped");
}

#[test]
fn eight_at_once_with_the_lock() {
    rounds(true);
}

#[test]
fn eight_at_once_without_the_lock_is_still_compare_and_swap() {
    rounds(false);
}

/// Eight imports at once create the first state exactly once (`If-None-Match: *`), with and
/// without the lock.
#[test]
fn concurrent_imports_create_state_once() {
    let server = S3Server::shared();
    let bucket = server.bucket();
    for lock in [true, false] {
        let template = Folder::standard();
        template.write("people.pg", LIVE_PEOPLE_PG);
        if !lock {
            let yaml = template.read_string("cluster.yaml");
            template.write(
                "cluster.yaml",
                yaml.replace("  lock: true\n", "  lock: false\n"),
            );
        }
        let root = Root::new(server, &bucket, &format!("imports-lock-{lock}"));
        root.upload_root("knowledge", "people-fresh.omni");
        let cloud = Cloud::new(template, root);
        let children: Vec<_> = (0..8).map(|_| cloud.spawn("import")).collect();
        let mut ok = 0;
        for child in children {
            let out = child::finish(child, "import");
            let value: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
            assert_errors_within(
                &value,
                &[
                    "state_lock_held",
                    "state_already_exists",
                    "state_cas_mismatch",
                ],
                &format!("import lock={lock}"),
            );
            ok += usize::from(value["ok"] == true);
        }
        assert_eq!(ok, 1, "lock={lock}");
        assert_eq!(cloud.root.state()["state_revision"], 1);
        assert!(!cloud.root.exists("__cluster/lock.json"));
        check_invariants(&cloud, &format!("imports lock={lock}"));
    }
}
