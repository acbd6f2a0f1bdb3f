//! The whole flow on `s3://` against the same flow on the local file system.

use super::*;
use std::process::Command;
use std::time::{Duration, Instant};

/// The two roots shown in outputs, and the two config digests (a config with `storage:` digests
/// differently), mapped to common tokens; then the volatile parts.
fn normalise(text: &str, folder: &Folder, root: &str, config_digest: &str) -> String {
    let text = text
        .replace(&format!("{root}/__cluster"), "[ROOT]/__cluster")
        .replace(&format!("{root}/graphs"), "[ROOT]/graphs")
        .replace(folder.path().to_str().expect("utf8"), "[T]")
        .replace(config_digest, "[CONFIG]");
    scrub(&text)
}

fn config_digest(out: &Value) -> String {
    out["desired_revision"]["config_digest"]
        .as_str()
        .expect("config digest")
        .to_string()
}

/// Every file under `dir`, relative and sorted.
fn files_under(folder: &Folder, dir: &str) -> Vec<String> {
    folder
        .files()
        .into_iter()
        .filter(|f| f.starts_with(&format!("{dir}/")))
        .collect()
}

#[test]
fn every_command_matches_the_local_run_and_stores_the_same_bytes() {
    let server = S3Server::shared();
    let local = Folder::live();
    let cloud = Cloud::live(Root::fresh(server));
    let config_before = cloud.folder.files();

    let (_, local_plan) = local.json(&["plan"]);
    let (_, cloud_plan) = cloud.json(&["plan"]);
    let local_digest = config_digest(&local_plan);
    let cloud_digest = config_digest(&cloud_plan);
    assert_ne!(local_digest, cloud_digest, "storage: is part of the config");
    let local_root = local.path().to_str().expect("utf8").to_string();
    let cloud_root = cloud.root.uri();

    // Each step on both sides; read-only steps also in human form.
    let steps: &[(&[&str], bool)] = &[
        (&["validate"], true),
        (&["status"], true),
        (&["refresh"], false),
        (&["import"], false),
        (&["import"], false),
        (&["plan"], true),
        (&["status"], true),
        (&["apply"], false),
        (&["apply"], false),
        (&["status"], true),
        (&["refresh"], false),
        (&["plan"], true),
        (&["force-unlock", "held-lock"], true),
    ];
    let compare = |args: &[&str], json: bool| {
        let mut all = args.to_vec();
        if json {
            all.push("--json");
        }
        let mine = local.run(&all);
        let theirs = cloud.run(&all);
        let context = format!("{all:?}");
        assert!(theirs.stderr.is_empty(), "{context}: {}", theirs.stderr);
        assert_eq!(theirs.code, mine.code, "{context}: {}", theirs.stdout);
        assert_eq!(
            normalise(&theirs.stdout, &cloud.folder, &cloud_root, &cloud_digest),
            normalise(&mine.stdout, &local, &local_root, &local_digest),
            "{context}"
        );
    };
    for (args, human_too) in steps {
        compare(args, true);
        if *human_too {
            compare(args, false);
        }
    }

    // A held lock: reported by plan and status, refused with the wrong id, cleared with the
    // right one, on both sides alike.
    local.held_lock("refresh");
    cloud.root.put(
        "__cluster/lock.json",
        HELD_LOCK.replace("\"plan\"", "\"refresh\""),
    );
    for (args, human_too) in [
        (&["plan"][..], true),
        (&["apply"][..], false),
        (&["status"][..], true),
        (&["force-unlock", "other-lock"][..], true),
        (&["force-unlock", "held-lock"][..], false),
        (&["plan"][..], false),
    ] {
        compare(args, true);
        if human_too && args[0] != "force-unlock" {
            compare(args, false);
        }
    }
    assert!(!cloud.root.exists("__cluster/lock.json"));

    // The objects are the local files, by name and by bytes (the state up to its root and
    // config digest, which it records).
    let objects = cloud.root.objects_under("__cluster");
    let theirs: Vec<(String, String)> = objects
        .iter()
        .map(|name| {
            let bytes = cloud.root.get(name).expect("object");
            comparable(name, &bytes, |text| {
                normalise(text, &cloud.folder, &cloud_root, &cloud_digest)
            })
        })
        .collect();
    let mine: Vec<(String, String)> = files_under(&local, "__cluster")
        .iter()
        .map(|name| {
            comparable(name, &local.read(name), |text| {
                normalise(text, &local, &local_root, &local_digest)
            })
        })
        .collect();
    assert_eq!(theirs, mine);
    assert!(objects.contains(&query_blob_rel(QUERY_DIGEST)));
    assert!(objects.contains(&policy_blob_rel(POLICY_DIGEST)));

    // Nothing was written into the config folder.
    assert_eq!(cloud.folder.files(), config_before);
    assert!(!cloud.folder.exists("__cluster"));
}

#[test]
fn blobs_are_verified_and_republished_on_s3() {
    let server = S3Server::shared();
    let cloud = Cloud::live(Root::fresh(server));
    assert_eq!(cloud.json(&["import"]).0, 0);
    assert_eq!(cloud.json(&["apply"]).0, 0);
    let blob = query_blob_rel(QUERY_DIGEST);

    cloud.root.put(&blob, "corrupted content");
    let (code, out) = cloud.json(&["status"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        diag(&out, "catalog_payload_mismatch")["message"]
            .as_str()
            .unwrap()
            .contains(&sha256_hex(b"corrupted content"))
    );
    cloud.root.delete(&blob);
    let (code, out) = cloud.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(codes(&out), ["catalog_payload_missing"]);
    assert_eq!(
        out["resource_statuses"]["query.knowledge.find_person"]["conditions"][0],
        "payload_missing"
    );
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    assert_eq!(
        cloud.root.get(&blob).as_deref(),
        Some(PEOPLE_GQ.as_bytes()),
        "republished"
    );
    let (code, out) = cloud.json(&["status"]);
    assert_eq!((code, codes(&out)), (0, Vec::<String>::new()), "{out}");
}

#[test]
fn an_empty_prefix_is_the_bucket_top_level() {
    let server = S3Server::shared();
    let cloud = Cloud::live(Root::new(server, &server.bucket(), ""));
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let bucket = &cloud.root.bucket;
    assert_eq!(
        out["state_observations"]["state_path"],
        format!("s3://{bucket}/__cluster/state.json")
    );
    assert_eq!(
        out["observations"]["graph.knowledge"]["graph_uri"],
        format!("s3://{bucket}/graphs/knowledge.omni")
    );
    assert_eq!(
        out["observations"]["graph.knowledge"]["manifest_version"],
        3
    );
    assert!(server.get(bucket, "__cluster/state.json").is_some());
}

#[test]
fn broken_graph_roots_are_observation_errors() {
    let server = S3Server::shared();
    let root = Root::fresh(server);
    // Something under the root, but no manifest: an observation error, not a missing root.
    root.put("graphs/knowledge.omni/_schema.pg", LIVE_PEOPLE_PG);
    let folder = Folder::standard();
    folder.write("people.pg", LIVE_PEOPLE_PG);
    let cloud = Cloud::new(folder, root);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(codes(&out), ["graph_observation_error"]);
    let observation = &out["observations"]["graph.knowledge"];
    assert_eq!(observation["exists"], true);
    let error = observation["error"].as_str().unwrap();
    assert!(
        error.contains("__manifest/_versions") && error.contains("s3://"),
        "{error}"
    );
    assert!(!cloud.root.exists("__cluster/state.json"));

    // An object named like the root is not a graph (the local "regular file" case).
    cloud.root.delete("graphs/knowledge.omni/_schema.pg");
    cloud.root.put("graphs/knowledge.omni", "not a graph");
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["observations"]["graph.knowledge"]["exists"], true);
}

/// Machine A imports; machine B (another config folder, same prefix) sees A's state, applies,
/// and while A holds the lock B is refused with A's lock id; afterwards each sees the other's
/// writes.
#[test]
fn two_machines_share_one_prefix() {
    let server = S3Server::shared();
    let root = Root::fresh(server);
    root.upload_root("knowledge", "people-fresh.omni");
    let template = folder_with_queries(150);
    let b_root = Root::new(server, &root.bucket, &root.prefix);
    let a = Cloud::new(copy_folder(&template), root);
    let b = Cloud::new(copy_folder(&template), b_root);

    let (code, imported) = a.json(&["import"]);
    assert_eq!(code, 0, "{imported}");
    let (code, seen) = b.json(&["status"]);
    assert_eq!(code, 0, "{seen}");
    assert_eq!(
        seen["state_observations"]["state_cas"],
        imported["state_observations"]["state_cas"]
    );
    assert_eq!(seen["state_observations"]["state_revision"], 1);

    // A applies (152 blobs take a while on moto); B is refused while A holds the lock.
    let child = a.spawn("apply");
    let started = Instant::now();
    while !a.root.exists("__cluster/lock.json") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "A never took the lock"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let pause = |sig: &str| {
        let ok = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig}");
    };
    pause("-STOP");
    let held: Value =
        serde_json::from_slice(&a.root.get("__cluster/lock.json").expect("lock")).unwrap();
    let (code, refused) = b.json(&["plan"]);
    pause("-CONT");
    assert_eq!(code, 1, "{refused}");
    assert_eq!(codes(&refused), ["state_lock_held"]);
    let obs = &refused["state_observations"];
    assert_eq!(obs["lock_id"], held["lock_id"]);
    assert_eq!(obs["lock_operation"], "apply");
    assert_eq!(obs["lock_pid"], child.id());
    let out = child::finish(child, "apply of machine A");
    let applied: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(applied["ok"], true, "{applied}");
    assert_eq!(applied["converged"], true);

    // B sees A's apply: nothing left to do, every blob verifies.
    let (code, plan) = b.json(&["plan"]);
    assert_eq!((code, plan["changes"].as_array().unwrap().len()), (0, 0));
    let (code, status) = b.json(&["status"]);
    assert_eq!((code, codes(&status)), (0, Vec::<String>::new()));
    assert_eq!(status["state_observations"]["state_revision"], 2);
    // B refreshes; A sees B's revision.
    assert_eq!(b.json(&["refresh"]).0, 0);
    let (_, status) = a.json(&["status"]);
    assert_eq!(status["state_observations"]["state_revision"], 3);
    assert!(!a.root.exists("__cluster/lock.json"));
    assert!(!a.folder.exists("__cluster") && !b.folder.exists("__cluster"));
}
