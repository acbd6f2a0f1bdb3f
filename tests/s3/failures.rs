//! Storage failures become the diagnostic of the step that met them, naming the object and what
//! the store said, on one line; exit 1; never a panic, never a half-written state.

use super::*;
use cluster_test_support::s3::Credentials;
use std::time::{Duration, Instant};

/// Run every stateful command; each must fail with exit 1, nothing on stderr, and the given
/// first error code, whose message contains every one of `needles`.
fn every_command_fails(cloud: &Cloud<'_>, needles: &[&str]) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for (args, code) in [
        (&["status"][..], "state_read_error"),
        (&["plan"][..], "state_lock_error"),
        (&["apply"][..], "state_lock_error"),
        (&["refresh"][..], "state_lock_error"),
        (&["import"][..], "state_lock_error"),
        (&["force-unlock", "held-lock"][..], "state_lock_read_error"),
    ] {
        let (exit, out) = cloud.json(args);
        let context = format!("{args:?}");
        assert_eq!(exit, 1, "{context}: {out}");
        assert_errors_within(&out, &[code], &context);
        let message = diag(&out, code)["message"].as_str().unwrap().to_string();
        for needle in needles {
            assert!(message.contains(needle), "{context}: {message}");
        }
        seen.push((args[0].to_string(), message));
    }
    assert!(!cloud.folder.exists("__cluster"));
    seen
}

#[test]
fn a_missing_bucket_is_a_failure_not_an_empty_store() {
    let server = S3Server::shared();
    let root = Root::new(server, "no-such-bucket-here", "team/a");
    let cloud = Cloud::new(Folder::standard(), root);
    let messages = every_command_fails(&cloud, &["s3://no-such-bucket-here/team/a/__cluster/"]);
    for (command, message) in messages {
        assert!(
            message.contains("bucket 'no-such-bucket-here' does not exist (NoSuchBucket"),
            "{command}: {message}"
        );
    }
    // Also with the lock off: the state read is what fails.
    let yaml = cloud.folder.read_string("cluster.yaml");
    cloud.folder.write(
        "cluster.yaml",
        yaml.replace("  lock: true\n", "  lock: false\n"),
    );
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 1, "{out}");
    assert_errors_within(&out, &["state_read_error"], "import");
}

#[test]
fn credentials_come_only_from_the_environment() {
    let server = S3Server::shared();
    let mut cloud = Cloud::new(Folder::standard(), Root::fresh(server));
    cloud
        .env
        .retain(|(k, _)| k != "AWS_ACCESS_KEY_ID" && k != "AWS_SECRET_ACCESS_KEY");
    every_command_fails(
        &cloud,
        &["no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"],
    );
    // One of the two is not enough either.
    cloud
        .env
        .push(("AWS_ACCESS_KEY_ID".into(), s3::ACCESS_KEY_ID.into()));
    let (code, out) = cloud.json(&["status"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.to_string().contains("no S3 credentials"));
    // Unusable settings are refused before any request (the client would panic on them).
    cloud
        .env
        .push(("AWS_SECRET_ACCESS_KEY".into(), s3::SECRET_ACCESS_KEY.into()));
    cloud.env.retain(|(k, _)| k != "AWS_ENDPOINT_URL");
    cloud
        .env
        .push(("AWS_ENDPOINT_URL".into(), "not a url".into()));
    every_command_fails(
        &cloud,
        &["AWS_ENDPOINT_URL 'not a url' is not an http:// or https:// URL"],
    );
    // Issue 17: a plain-http endpoint without AWS_ALLOW_HTTP says what to set.
    cloud
        .env
        .retain(|(k, _)| k != "AWS_ENDPOINT_URL" && k != "AWS_ALLOW_HTTP");
    let endpoint = server.endpoint();
    cloud
        .env
        .push(("AWS_ENDPOINT_URL".into(), endpoint.clone()));
    every_command_fails(
        &cloud,
        &[&format!(
            "AWS_ENDPOINT_URL '{endpoint}' is plain http; set AWS_ALLOW_HTTP=true to allow it"
        )],
    );
}

#[test]
fn wrong_credentials_and_denied_access() {
    let server = S3Server::start();
    let bucket = server.bucket();
    let admin = server.add_user("admin", true);
    let nobody = server.add_user("nobody", false);
    let root = Root::new(&server, &bucket, "team/a");
    root.upload_root("knowledge", "people-fresh.omni");
    server.require_auth(true);

    let mut cloud = Cloud::new(Folder::standard(), root);
    cloud.folder.write("people.pg", LIVE_PEOPLE_PG);
    let with = |cloud: &mut Cloud<'_>, creds: &Credentials| {
        cloud.env = cloud.root.server.env_with(creds);
    };
    with(
        &mut cloud,
        &Credentials {
            access_key_id: "AKIAUNKNOWNUNKNOWN00".into(),
            secret_access_key: "nope".into(),
        },
    );
    every_command_fails(&cloud, &["s3://", "InvalidAccessKeyId"]);
    with(
        &mut cloud,
        &Credentials {
            access_key_id: admin.access_key_id.clone(),
            secret_access_key: "wrong-secret".into(),
        },
    );
    every_command_fails(&cloud, &["s3://", "SignatureDoesNotMatch"]);
    with(&mut cloud, &nobody);
    every_command_fails(&cloud, &["s3://", "access denied (AccessDenied"]);

    with(&mut cloud, &admin);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = cloud.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    server.require_auth(false);
    check_invariants(&cloud, "after auth");
}

#[test]
fn a_stopped_server_fails_each_step_and_mid_run() {
    let mut server = S3Server::start();
    let bucket = server.bucket();
    let template = folder_with_queries(200);
    let root = Root::new(&server, &bucket, "team/a");
    root.upload_root("knowledge", "people-fresh.omni");
    let mut cloud = Cloud::new(copy_folder(&template), root);
    let (code, out) = cloud.json(&["import"]);
    assert_eq!(code, 0, "{out}");

    // Stopped while apply publishes its 202 blobs.
    let child = cloud.spawn("apply");
    let started = Instant::now();
    while cloud
        .root
        .objects()
        .iter()
        .filter(|o| o.starts_with("__cluster/resources/"))
        .count()
        < 20
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "apply never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // `cloud` borrows the server; rebuild it around the stop.
    let (folder, env) = (cloud.folder, cloud.env);
    server.stop();
    let out = child::finish(child, "apply against a stopped server");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "no panic, nothing on stderr"
    );
    assert_eq!(out.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(result["state_written"], false, "{result}");
    assert_errors_within(
        &result,
        &[
            "resource_payload_write_error",
            "state_read_error",
            "state_write_error",
        ],
        "apply",
    );
    assert!(
        result.to_string().contains("Connection refused"),
        "{result}"
    );

    // Every command against the stopped server, quickly.
    let port = server.port();
    cloud = Cloud {
        folder,
        root: Root::new(&server, &bucket, "team/a"),
        env,
    };
    let started = Instant::now();
    every_command_fails(&cloud, &["s3://", "Connection refused"]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    server.restart();
    assert_eq!(server.port(), port);
}

#[test]
fn a_silent_server_times_out() {
    let server = S3Server::start();
    let mut cloud = Cloud::new(Folder::standard(), Root::fresh(&server));
    cloud.env.push(("AWS_TIMEOUT".into(), "300ms".into()));
    server.pause();
    let started = Instant::now();
    let (code, out) = cloud.json(&["status"]);
    let took = started.elapsed();
    server.resume();
    assert_eq!(code, 1, "{out}");
    assert_errors_within(&out, &["state_read_error"], "status");
    assert!(out.to_string().contains("timed out"), "{out}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}
