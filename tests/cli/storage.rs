//! `storage:` as a local path or `file://` URI: the ledger, the lock, the blobs and the graph
//! roots all live under that root, and nothing is written into the config folder.

use cluster_test_support::*;
use serde_json::Value;

/// The live fixture with its graph root under `storage` instead of the config folder.
fn live_elsewhere(storage: &Folder, root: &str) -> Folder {
    let f = Folder::standard();
    f.write("people.pg", LIVE_PEOPLE_PG);
    storage.add_root("knowledge", "people-fresh.omni");
    f.set_storage(root);
    f
}

fn flow(storage: &Folder, f: &Folder) {
    let config_before = f.files();
    let at = |rel: &str| format!("{}/{rel}", storage.path().display());

    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["state_observations"]["state_path"],
        at("__cluster/state.json")
    );
    assert_eq!(
        out["state_observations"]["lock_path"],
        at("__cluster/lock.json")
    );
    assert_eq!(
        out["observations"]["graph.knowledge"]["graph_uri"],
        at("graphs/knowledge.omni")
    );
    assert_eq!(
        out["observations"]["graph.knowledge"]["manifest_version"],
        3
    );
    assert_eq!(
        out["resource_statuses"]["graph.knowledge"]["status"],
        "applied"
    );

    let (code, out) = f.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    assert_eq!(
        storage.read(&query_blob_rel(QUERY_DIGEST)),
        PEOPLE_GQ.as_bytes()
    );
    assert_eq!(
        storage.read(&policy_blob_rel(POLICY_DIGEST)),
        POLICY.as_bytes()
    );
    assert_eq!(storage.state()["state_revision"], 2);

    // A held lock in the storage root blocks, is reported, and is cleared there.
    storage.held_lock("apply");
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(codes(&out), ["state_lock_held"]);
    let (code, out) = f.json(&["status"]);
    assert_eq!(
        (code, &out["state_observations"]["lock_id"]),
        (0, &Value::from("held-lock"))
    );
    let (code, out) = f.json(&["force-unlock", "held-lock"]);
    assert_eq!(
        (code, &out["lock_removed"]),
        (0, &Value::Bool(true)),
        "{out}"
    );
    assert!(!storage.exists("__cluster/lock.json"));

    storage.remove(&query_blob_rel(QUERY_DIGEST));
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(
        (code, codes(&out)),
        (0, vec!["catalog_payload_missing".to_string()])
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    let (code, out) = f.json(&["status"]);
    assert_eq!((code, codes(&out)), (0, Vec::<String>::new()), "{out}");

    assert_eq!(
        f.files(),
        config_before,
        "nothing written into the config folder"
    );
    assert!(!f.exists("__cluster"));
}

#[test]
fn an_absolute_storage_path_holds_every_stored_byte() {
    let storage = Folder::empty();
    let f = live_elsewhere(&storage, storage.path().to_str().expect("utf8"));
    flow(&storage, &f);
}

#[test]
fn a_file_uri_storage_root_holds_every_stored_byte() {
    let storage = Folder::empty();
    let uri = format!("file://{}", storage.path().display());
    let f = live_elsewhere(&storage, &uri);
    flow(&storage, &f);
}

/// A relative path resolves against the config folder, as every path in cluster.yaml does.
#[test]
fn a_relative_storage_path_is_under_the_config_folder() {
    let f = Folder::live();
    f.set_storage("./state");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let config = f.path().display().to_string();
    assert_eq!(
        out["state_observations"]["state_path"],
        format!("{config}/./state/__cluster/state.json")
    );
    // The graph root is looked for under the storage root, where there is none.
    assert_eq!(out["observations"]["graph.knowledge"]["exists"], false);
    assert!(f.exists("state/__cluster/state.json"));
    assert!(!f.exists("__cluster"));
}

/// Local commands stay synchronous: run through the library in this process, none of them
/// starts the object-store runtime, whose worker threads are named `omnigraph-store`.
#[test]
fn local_commands_never_start_the_object_store_runtime() {
    use omnigraph_cluster::layout::Layout;
    use omnigraph_cluster::ops::{Context, apply, plan, status, sync};
    use omnigraph_cluster::runtime::Runtime;

    let f = Folder::live();
    let layout = Layout::new(f.path());
    let runtime = Runtime::system();
    let context = Context::new(&layout, &runtime);
    assert!(sync::run(&context, sync::SyncOperation::Import).ok);
    assert!(plan::run(&context).ok);
    assert!(apply::run(&context).ok);
    assert!(sync::run(&context, sync::SyncOperation::Refresh).ok);
    assert!(status::run(&context).ok);
    let threads: Vec<String> = std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .collect();
    assert!(!threads.is_empty());
    assert!(
        !threads.iter().any(|name| name.trim() == "omnigraph-store"),
        "{threads:?}"
    );
}

/// Issue 17: a value that looks like a URI but is not an accepted one is refused, where it used
/// to become a local folder named `s3:` holding the state; a folder of that name is written
/// `./s3:/clusters`.
#[test]
fn near_uris_are_refused_and_write_nothing() {
    for storage in [
        "s3:/clusters",
        "s3:bucket",
        "S3://bucket/p",
        "gs://bucket/p",
    ] {
        let f = Folder::standard();
        f.set_storage(storage);
        for command in ["validate", "plan", "import", "status"] {
            let (code, out) = f.json(&[command]);
            assert_eq!(code, 1, "{storage} {command}: {out}");
            let d = diag(&out, "invalid_storage_root");
            assert_eq!(d["path"], "storage");
            let message = d["message"].as_str().expect("message");
            assert!(message.contains("s3://bucket/prefix"), "{message}");
        }
        assert!(!f.exists("s3:"), "{storage}");
        assert!(!f.exists("__cluster"), "{storage}");
    }
    let f = Folder::standard();
    f.set_storage("./s3:/clusters");
    assert_eq!(f.json(&["import"]).0, 0);
    assert!(f.exists("s3:/clusters/__cluster/state.json"));
}

/// Credentials never belong in `storage:`: refused by every command, and no output shows them.
#[test]
fn credentials_in_the_storage_uri_are_refused_and_never_shown() {
    for storage in [
        "s3://AKIAEXAMPLE:s3cr3tKey@bucket/prefix",
        "s3:AKIAEXAMPLE:s3cr3tKey@bucket",
    ] {
        let f = Folder::standard();
        f.set_storage(storage);
        for command in ["validate", "plan", "apply", "status", "refresh", "import"] {
            for json in [true, false] {
                let mut args = vec![command];
                if json {
                    args.push("--json");
                }
                let run = f.run(&args);
                assert_eq!(run.code, 1, "{storage} {command}");
                for text in [&run.stdout, &run.stderr] {
                    assert!(!text.contains("s3cr3tKey"), "{command}: {text}");
                    assert!(!text.contains("AKIAEXAMPLE"), "{command}: {text}");
                }
                assert!(
                    run.stdout.contains("invalid_storage_root"),
                    "{}",
                    run.stdout
                );
            }
        }
    }
}
