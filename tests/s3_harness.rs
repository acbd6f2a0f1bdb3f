//! The S3 test harness itself (tests/support/s3.rs): install, start, bucket and object helpers,
//! auth, pause, stop and restart of the local moto server.

use cluster_test_support::s3::S3Server;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn objects_round_trip_and_list_in_order() {
    let server = S3Server::shared();
    let bucket = server.bucket();

    assert_eq!(server.get(&bucket, "__cluster/state.json"), None);
    assert!(server.list(&bucket, "").is_empty());

    let body: Vec<u8> = (0..=255).collect();
    server.put(&bucket, "__cluster/state.json", &body);
    assert_eq!(server.get(&bucket, "__cluster/state.json"), Some(body));

    // Keys that need percent-encoding in the path and entity-decoding in the listing.
    let odd = "__cluster/resources/a b&c+<d>/é.gq";
    server.put(&bucket, odd, b"odd");
    assert_eq!(server.get(&bucket, odd).as_deref(), Some(&b"odd"[..]));
    for k in [
        "__cluster/lock.json",
        "graphs/g1/_versions/1",
        "graphs/g1/data/x",
    ] {
        server.put(&bucket, k, k.as_bytes());
    }
    assert_eq!(
        server.list(&bucket, "__cluster/"),
        ["__cluster/lock.json", odd, "__cluster/state.json"]
    );
    assert_eq!(
        server.list(&bucket, "graphs/g1"),
        ["graphs/g1/_versions/1", "graphs/g1/data/x"]
    );
    assert_eq!(
        server.list_in_pages(&bucket, "", 2),
        server.list(&bucket, "")
    );
    assert_eq!(server.list(&bucket, "").len(), 5);

    // An empty body stays empty, an overwrite replaces.
    server.put(&bucket, "__cluster/lock.json", b"");
    assert_eq!(server.get(&bucket, "__cluster/lock.json"), Some(vec![]));

    server.delete(&bucket, "__cluster/lock.json");
    server.delete(&bucket, "__cluster/lock.json"); // absent: fine, as in S3
    assert_eq!(server.get(&bucket, "__cluster/lock.json"), None);
    assert_eq!(server.list(&bucket, "__cluster/").len(), 2);
}

#[test]
fn env_points_a_child_at_the_server() {
    let server = S3Server::shared();
    let env: std::collections::HashMap<_, _> = server.env().into_iter().collect();
    assert_eq!(env["AWS_ENDPOINT_URL"], server.endpoint());
    assert_eq!(env["AWS_ALLOW_HTTP"], "true");
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert!(env.contains_key("AWS_ACCESS_KEY_ID") && env.contains_key("AWS_SECRET_ACCESS_KEY"));
    assert!(
        cluster_test_support::s3::stray_aws_vars()
            .iter()
            .all(|k| k.starts_with("AWS_"))
    );
}

#[test]
fn stop_refuses_connections_and_restart_serves_empty_buckets_again() {
    let started = Instant::now();
    let mut server = S3Server::start();
    let start_time = started.elapsed();
    let bucket = server.bucket();
    server.put(&bucket, "k", b"v");
    let port = server.port();

    server.stop();
    let refused = TcpStream::connect(("127.0.0.1", port));
    assert!(refused.is_err(), "a stopped server must refuse connections");

    let started = Instant::now();
    server.restart();
    eprintln!(
        "moto: start {start_time:.1?}, restart {:.1?}",
        started.elapsed()
    );
    assert_eq!(server.port(), port);
    assert_eq!(
        server.get(&bucket, "k"),
        None,
        "moto keeps nothing across a restart"
    );
    server.put(&bucket, "k", b"again");
    assert_eq!(server.get(&bucket, "k").as_deref(), Some(&b"again"[..]));
}

#[test]
fn pause_leaves_requests_unanswered_until_resume() {
    let server = S3Server::start();
    let bucket = server.bucket();
    server.pause();

    // The kernel still accepts the connection, but nothing answers.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    stream
        .write_all(format!("GET /{bucket}/k HTTP/1.0\r\n\r\n").as_bytes())
        .unwrap();
    let mut buf = [0u8; 1];
    let err = stream.read(&mut buf).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{err}"
    );

    server.resume();
    server.put(&bucket, "k", b"v");
    assert_eq!(server.get(&bucket, "k").as_deref(), Some(&b"v"[..]));
}

#[test]
fn require_auth_makes_moto_check_credentials() {
    let server = S3Server::start();
    let bucket = server.bucket();
    let admin = server.add_user("admin", true);
    let nobody = server.add_user("nobody", false);
    assert!(admin.access_key_id.starts_with("AKIA"), "{admin:?}");
    assert_ne!(admin.access_key_id, nobody.access_key_id);
    let env: std::collections::HashMap<_, _> = server.env_with(&admin).into_iter().collect();
    assert_eq!(env["AWS_SECRET_ACCESS_KEY"], admin.secret_access_key);

    server.require_auth(true);
    // The helpers' unsigned requests are now refused with moto's credential check.
    let refused =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.get(&bucket, "k")));
    let message = *refused.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.contains("403") && message.contains("InvalidAccessKeyId"),
        "{message}"
    );

    server.require_auth(false);
    assert_eq!(server.get(&bucket, "k"), None);
}
