//! The S3 test harness itself (tests/support/s3.rs): install, start, bucket and object helpers,
//! auth, pause, stop and restart of the local moto server; and the fault-injecting proxy in front
//! of it (tests/support/proxy.rs).

use cluster_test_support::proxy::{Fault, Proxy, Rule};
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

/// Each fault does what it says, to the requests its rule names, as often as it says; everything
/// else passes through untouched.
#[test]
fn the_proxy_forwards_and_injects_each_fault() {
    let server = S3Server::shared();
    let bucket = server.bucket();
    let proxy = Proxy::start(server);
    let path = |key: &str| format!("/{bucket}/{key}");
    let send = |method: &str, key: &str, body: &[u8]| {
        server.request_via(proxy.port(), method, &path(key), body)
    };

    // Untouched: the object lands and reads back through the proxy.
    assert_eq!(send("PUT", "a", b"one").map(|r| r.0), Ok(200));
    assert_eq!(send("GET", "a", b""), Ok((200, b"one".to_vec())));
    assert_eq!(server.get(&bucket, "a").as_deref(), Some(&b"one"[..]));

    // A status fault answers with S3's XML error, the named number of times, only for the
    // method and key of its rule; the request never reaches the server.
    let conflict = proxy.inject(Rule::new("PUT", "/b", Fault::Status(409)).times(2));
    for _ in 0..2 {
        let (status, body) = send("PUT", "b", b"two").expect("reply");
        let body = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 409, "{body}");
        assert!(
            body.contains("<Code>ConditionalRequestConflict</Code>"),
            "{body}"
        );
    }
    assert_eq!(server.get(&bucket, "b"), None);
    assert_eq!(
        send("GET", "a", b"").map(|r| r.0),
        Ok(200),
        "other keys pass"
    );
    assert_eq!(send("PUT", "b", b"two").map(|r| r.0), Ok(200), "used up");
    assert_eq!(proxy.fired(conflict), 2);
    let slow = proxy.inject(Rule::new("GET", "/b", Fault::Status(503)));
    let (status, body) = send("GET", "b", b"").expect("reply");
    assert_eq!(status, 503);
    assert!(String::from_utf8_lossy(&body).contains("<Code>SlowDown</Code>"));
    assert_eq!(proxy.fired(slow), 1);

    // A lost acknowledgement: the server carries the request out, the client gets no answer.
    proxy.inject(Rule::new("PUT", "/c", Fault::LostAck));
    let lost = send("PUT", "c", b"three");
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(server.get(&bucket, "c").as_deref(), Some(&b"three"[..]));

    // A reset before forwarding: no answer, and nothing done.
    proxy.inject(Rule::new("PUT", "/d", Fault::Reset));
    let reset = send("PUT", "d", b"four");
    assert!(reset.is_err(), "{reset:?}");
    assert_eq!(server.get(&bucket, "d"), None);

    // Latency: the answer comes, late.
    proxy.inject(Rule::new(
        "GET",
        "/a",
        Fault::Latency(Duration::from_millis(700)),
    ));
    let started = Instant::now();
    assert_eq!(send("GET", "a", b""), Ok((200, b"one".to_vec())));
    assert!(started.elapsed() >= Duration::from_millis(700));

    // An outage from the third request on, until it is cleared.
    let outage = proxy.inject(Rule::any(Fault::Status(500)).skip(2).forever());
    let statuses: Vec<u16> = (0..5)
        .map(|_| send("GET", "a", b"").expect("reply").0)
        .collect();
    assert_eq!(statuses, [200, 200, 500, 500, 500], "{}", proxy.log());
    proxy.clear();
    assert_eq!(send("GET", "a", b"").map(|r| r.0), Ok(200));
    assert_eq!(proxy.fired(outage), 3);
    assert!(proxy.requests() >= 16);
}

/// A bulk delete (`POST ?delete`) is matched by the keys in its body, and HTTP/1.1 clients keep
/// their connection across requests.
#[test]
fn the_proxy_matches_bulk_deletes_by_key_and_keeps_connections_alive() {
    let server = S3Server::shared();
    let bucket = server.bucket();
    server.put(&bucket, "team/a/__cluster/lock.json", b"{}");
    let proxy = Proxy::start(server);
    let lost = proxy.inject(Rule::new("POST", "__cluster/lock.json", Fault::LostAck));
    let body = "<Delete><Object><Key>team/a/__cluster/lock.json</Key></Object></Delete>";
    let deleted = server.request_via(
        proxy.port(),
        "POST",
        &format!("/{bucket}?delete"),
        body.as_bytes(),
    );
    assert!(deleted.is_err(), "{deleted:?}");
    assert_eq!(proxy.fired(lost), 1);
    assert_eq!(
        server.get(&bucket, "team/a/__cluster/lock.json"),
        None,
        "carried out"
    );

    // Two requests on one HTTP/1.1 connection, each framed by its Content-Length.
    server.put(&bucket, "k", b"value");
    let mut stream = TcpStream::connect(("127.0.0.1", proxy.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
    let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
    for _ in 0..2 {
        write!(
            stream,
            "GET /{bucket}/k HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\r\n"
        )
        .unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        assert_eq!(body, b"value");
    }
}
