//! Issue 17 §7: the commands of `docs/ci.md`, in the recipe's order, against a real S3 server,
//! from separate checkouts of one config: the pull-request job plans with read-only access (the
//! proxy refuses every PUT, POST and DELETE with 403), the main-branch job hands its saved plan
//! to an apply job in another checkout, and the nightly job checks for drift.

use super::*;
use cluster_test_support::proxy::{Fault, Proxy, Rule};

/// A checkout of the config, reaching the shared root with `env`.
fn checkout<'a>(template: &Folder, root: &Root<'a>, env: Vec<(String, String)>) -> Cloud<'a> {
    let mut cloud = Cloud::new(
        copy_folder(template),
        Root::new(root.server, &root.bucket, &root.prefix),
    );
    cloud.env = env;
    cloud
}

/// `args` in `cloud`'s checkout, with the exit code and the output text.
fn step(cloud: &Cloud<'_>, args: &[&str]) -> (i32, String) {
    let run = cloud.run(args);
    assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    (run.code, run.stdout)
}

#[test]
fn the_ci_recipe_runs_from_separate_checkouts() {
    let server = S3Server::shared();
    let root = Root::fresh(server);
    root.upload_root("knowledge", "people-fresh.omni");
    let template = Folder::standard();
    template.write("people.pg", LIVE_PEOPLE_PG);
    let write = server.env();
    // Read-only credentials, as the recipe's plan and drift jobs have: every write refused.
    let proxy = Proxy::start(server);
    for method in ["PUT", "POST", "DELETE"] {
        proxy.inject(Rule::new(method, "", Fault::Status(403)).forever());
    }
    let read_only = proxy.env();

    // Someone bootstrapped the cluster (with write access).
    let admin = checkout(&template, &root, write.clone());
    assert_eq!(step(&admin, &["import"]).0, 0);

    // Pull request job: validate, plan without the lock, a readable summary.
    let pr = checkout(&template, &root, read_only.clone());
    assert_eq!(step(&pr, &["validate"]).0, 0);
    let plan_file = pr.folder.at("plan.json");
    let plan_path = plan_file.to_str().expect("utf8");
    let plan = [
        "plan",
        "--lock=false",
        "--detailed-exitcode",
        "--out",
        plan_path,
    ];
    let (code, text) = step(&pr, &plan);
    assert_eq!(code, 2, "changes to apply: {text}");
    assert!(text.contains("state_lock_disabled"), "{text}");
    let (code, summary) = step(&pr, &["show-plan", plan_path, "--format", "markdown"]);
    assert_eq!(code, 0, "{summary}");
    assert!(summary.starts_with('#'), "{summary}");
    // The lock a plan takes by default needs write access.
    let (code, refused) = step(&pr, &["plan", "--json"]);
    assert_eq!(code, 1);
    assert!(refused.contains("state_lock_error"), "{refused}");
    assert!(!root.exists("__cluster/lock.json"));

    // Main branch: the plan job's artifact applies in another checkout, after approval.
    let apply_job = checkout(&template, &root, write.clone());
    apply_job
        .folder
        .write("plan.json", pr.folder.read("plan.json"));
    let artifact = apply_job.folder.at("plan.json");
    let apply = [
        "--as",
        "octocat",
        "apply",
        "--plan",
        artifact.to_str().expect("utf8"),
        "--lock-timeout",
        "5m",
        "--json",
    ];
    let (code, applied) = step(&apply_job, &apply);
    assert_eq!(code, 0, "{applied}");
    let applied: Value = serde_json::from_str(&applied).expect("json");
    assert_eq!(applied["converged"], true, "{applied}");
    // The same artifact again: the state moved, so it is refused and nothing is applied.
    let (code, stale) = step(&apply_job, &apply);
    assert_eq!(code, 1);
    assert!(stale.contains("saved_plan_stale"), "{stale}");

    // The audit trail names who applied, in any checkout.
    let (_, history) = pr.json(&["history"]);
    check_history(&history, "after the recipe");
    assert_eq!(history["revisions"][0]["actor"], "octocat");
    assert_eq!(history["revisions"][0]["operation"], "apply");
    let (code, shown) = step(&pr, &["history", "show", "2"]);
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains("+++ s3://"),
        "diffs read from the bucket: {shown}"
    );

    // Nightly drift job, read-only: no drift, then a graph root gone.
    let nightly = checkout(&template, &root, read_only);
    let drift = [
        "refresh",
        "--dry-run",
        "--detailed-exitcode",
        "--format",
        "rich",
    ];
    let (code, report) = step(&nightly, &drift);
    assert_eq!(code, 0, "{report}");
    for object in root.objects() {
        if object.starts_with("graphs/knowledge.omni/") {
            root.delete(&object);
        }
    }
    let (code, report) = step(&nightly, &drift);
    assert_eq!(code, 2, "{report}");
    assert!(report.contains("graph.knowledge"), "{report}");
    // Nothing is left for apply to do: the plan gate is green.
    let (code, _) = step(&pr, &plan);
    assert_eq!(code, 0);
    check_invariants(&admin, "after the recipe");
}
