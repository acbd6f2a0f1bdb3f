//! Issue 18 on `s3://`: content diffs read the applied side from the bucket, `state list|show`
//! read the ledger and the blobs there without taking the lock, refresh names a missing root by
//! its `s3://` place, and a long publish shows a progress bar on a terminal (never when piped).

use super::*;

/// A cloud cluster with a live root, imported and applied: everything recorded.
fn applied(server: &S3Server) -> Cloud<'_> {
    let root = Root::fresh(server);
    root.upload_root("knowledge", "people-fresh.omni");
    let folder = Folder::standard();
    folder.write("people.pg", LIVE_PEOPLE_PG);
    let cloud = Cloud::new(folder, root);
    assert_eq!(cloud.json(&["import"]).0, 0);
    assert_eq!(cloud.json(&["apply"]).0, 0);
    cloud
}

fn query_change(out: &Value) -> &Value {
    out["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["resource"] == "query.knowledge.find_person")
        .expect("query change")
}

#[test]
fn diffs_read_the_applied_payload_from_the_bucket() {
    let server = S3Server::shared();
    let cloud = applied(server);
    cloud.folder.write(
        "people.gq",
        PEOPLE_GQ.replace("return { $p.name, $p.age }", "return { $p.name }"),
    );
    let (code, out) = cloud.json(&["plan", "--diff"]);
    assert_eq!(code, 0, "{out}");
    let diff = &query_change(&out)["diff"];
    assert_eq!(diff["kind"], "text");
    assert_eq!(
        diff["old"],
        format!("{}/{}", cloud.root.uri(), query_blob_rel(QUERY_DIGEST))
    );
    assert!(
        diff["unified"]
            .as_str()
            .expect("unified")
            .contains("-  return { $p.name, $p.age }\n+  return { $p.name }\n")
    );
    let run = cloud.run(&["plan", "--format", "rich"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "      --- {}/__cluster/resources/query/",
            cloud.root.uri()
        )),
        "{}",
        run.stdout
    );
    // A blob gone from the bucket is said, not diffed.
    cloud.root.delete(&query_blob_rel(QUERY_DIGEST));
    let (_, out) = cloud.json(&["plan", "--diff"]);
    let diff = &query_change(&out)["diff"];
    assert_eq!(diff["kind"], "unavailable");
    assert!(diff["note"].as_str().expect("note").contains("is missing"));
}

#[test]
fn state_list_and_show_read_the_bucket_without_the_lock() {
    let server = S3Server::shared();
    let cloud = applied(server);
    cloud.root.put("__cluster/lock.json", HELD_LOCK);
    let objects = cloud.root.objects();
    let (code, out) = cloud.json(&["state", "list"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(listed_addresses(&out), F_ADDRESSES);
    let (code, out) = cloud.json(&["state", "show", "query.knowledge.find_person"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["payload"], PEOPLE_GQ);
    assert_eq!(
        out["blob"],
        format!("{}/{}", cloud.root.uri(), query_blob_rel(QUERY_DIGEST))
    );
    let (code, out) = cloud.json(&["state", "show", "graph.knowledge"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["observation"]["graph_uri"],
        format!("{}/graphs/knowledge.omni", cloud.root.uri())
    );
    let run = cloud.run(&["state", "list"]);
    assert!(
        run.stdout
            .contains("  query.knowledge.find_person  query   applied  f7f1ccd40aa4\n"),
        "{}",
        run.stdout
    );
    // Read-only: the bucket holds what it held, the foreign lock included.
    assert_eq!(cloud.root.objects(), objects);
    assert_eq!(
        cloud.root.get("__cluster/lock.json").as_deref(),
        Some(HELD_LOCK.as_bytes())
    );
}

#[test]
fn refresh_names_a_missing_root_by_its_place_in_the_bucket() {
    let server = S3Server::shared();
    let cloud = applied(server);
    for rel in cloud.root.objects() {
        if rel.starts_with("graphs/") {
            cloud.root.delete(&rel);
        }
    }
    let run = cloud.run(&["refresh", "--format", "rich"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains(&format!(
        "  knowledge missing {}/graphs/knowledge.omni\n      derived graph root is missing; graph.knowledge and schema.knowledge left the applied resources\n",
        cloud.root.uri()
    )), "{}", run.stdout);
    let run = cloud.run(&["status", "--format", "rich"]);
    assert!(
        run.stdout
            .contains("  graph.knowledge   drifted [graph_missing]"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_long_publish_shows_a_progress_bar_on_a_terminal_only() {
    let server = S3Server::shared();
    let root = Root::fresh(server);
    root.upload_root("knowledge", "people-fresh.omni");
    let cloud = Cloud::new(folder_with_queries(1500), root);
    assert_eq!(cloud.json(&["import"]).0, 0);
    let env: Vec<(&str, &str)> = cloud
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let run = pty_run(
        &cloud.folder.args(&["apply", "--format", "plain"]),
        "",
        &env,
    );
    assert_eq!(run.code, 0, "{}", run.screen);
    assert!(
        run.screen.contains("publishing payload blobs ["),
        "{}",
        &run.screen[..run.screen.len().min(2000)]
    );
    assert!(
        run.screen.contains("/1502 ("),
        "{}",
        &run.screen[..run.screen.len().min(2000)]
    );
    assert!(
        run.screen.contains("cluster apply: 1502 applied"),
        "{}",
        &run.screen[..run.screen.len().min(2000)]
    );
    // Piped, the same work prints nothing on stderr (verifying 1502 blobs under a watcher-less
    // status, too).
    let run = cloud.run(&["status"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}
