//! Stored queries discovered from `.gq` files (issue 19) with the state on S3: the bundled
//! discovery example (a directory form and a list form) through every command on an `s3://`
//! root, planned as on disk, its blobs the discovered files, and a saved plan refused once a
//! file is added to a discovered directory.

use super::*;

#[test]
fn the_discovery_example_runs_on_s3_as_on_disk() {
    let server = S3Server::shared();
    let root = Root::fresh(server);
    root.upload_root("people", "people-fresh.omni");
    root.upload_root("org", "org-fresh.omni");
    let folder = Folder::example("discovery");
    folder.remove("graphs");
    let cloud = Cloud::new(folder, root);
    let local = Folder::example("discovery");

    let (code, out) = cloud.json(&["validate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["discovered"].as_array().map(Vec::len), Some(2));
    assert_eq!(local.json(&["import"]).0, 0);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let (_, mine) = local.json(&["plan"]);
    let (code, theirs) = cloud.json(&["plan"]);
    assert_eq!(code, 0, "{theirs}");
    assert_eq!(change_list(&theirs), change_list(&mine));
    assert_eq!(theirs["changes"].as_array().map(Vec::len), Some(9));

    let (code, out) = cloud.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    assert_eq!(out["applied_count"], 7);
    // Each query's blob is the whole file that declares it.
    for (graph, name, file) in [
        ("people", "find_person", "queries/people/directory.gq"),
        ("people", "adults", "queries/people/directory.gq"),
        ("people", "older_than", "queries/people/older_than.gq"),
        ("org", "employees_of", "queries/org/lookups.gq"),
        ("org", "person_by_name", "queries/org/lookups.gq"),
        ("org", "hire", "queries/org/changes/hire.gq"),
    ] {
        let bytes = cloud.folder.read(file);
        let blob = format!(
            "__cluster/resources/query/{graph}/{name}/{}.gq",
            sha256_hex(&bytes)
        );
        assert_eq!(cloud.root.get(&blob), Some(bytes), "{blob}");
    }
    let (code, out) = cloud.json(&["status"]);
    assert_eq!((code, codes(&out)), (0, Vec::<String>::new()), "{out}");
    let (code, out) = cloud.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");

    // Edit a discovered file and save the plan; a file added to the directory since makes it
    // stale; a fresh apply publishes both.
    let file = "queries/people/older_than.gq";
    let text = cloud.folder.read_string(file);
    cloud
        .folder
        .write(file, text.replace("limit 50", "limit 5"));
    let plan = cloud.folder.at("plan.json");
    let plan = plan.to_str().expect("utf8");
    let (code, out) = cloud.json(&["plan", "--out", plan]);
    assert_eq!(code, 0, "{out}");
    cloud.folder.write(
        "queries/people/youngest.gq",
        "query youngest() {\n  match { $p: Person }\n  return { $p.name, $p.age }\n  order { $p.age asc }\n  limit 1\n}\n",
    );
    let (code, out) = cloud.json(&["apply", "--plan", plan]);
    assert_eq!(
        (code, codes(&out)),
        (1, vec!["saved_plan_stale".to_string()])
    );
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &Value::Bool(true)), "{out}");
    assert_eq!(out["applied_count"], 2);
    let state = cloud.root.state();
    let resources = &state["applied_revision"]["resources"];
    let youngest = sha256_hex(&cloud.folder.read("queries/people/youngest.gq"));
    assert_eq!(
        resources["query.people.youngest"]["digest"],
        youngest.as_str()
    );
    assert!(cloud.root.exists(&format!(
        "__cluster/resources/query/people/youngest/{youngest}.gq"
    )));
    assert!(!cloud.folder.exists("__cluster"));
}
