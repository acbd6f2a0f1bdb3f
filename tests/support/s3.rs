//! Test support for the S3 backend: a throwaway S3-compatible server (moto, installed and run by
//! `scripts/s3-server`) on 127.0.0.1, plus plain-HTTP helpers to arrange and inspect buckets.
//!
//! ```ignore
//! let server = S3Server::start();            // or S3Server::shared() when no test stops it
//! let bucket = server.bucket();              // a fresh, uniquely named bucket
//! cmd.envs(server.env());                    // AWS_* for the child process
//! assert_eq!(server.get(&bucket, "__cluster/state.json"), Some(b"...".to_vec()));
//! ```
//!
//! Any failure to install or start the server panics with the reason: S3 tests fail, never skip.
//!
//! moto quirks worth knowing when writing tests:
//! - state is in memory only: `stop` + `restart` loses every object (`restart` re-creates the
//!   buckets made through this handle, empty);
//! - a request without an `Authorization` header is anonymous and gets 403 on objects, so the
//!   helpers send a well-formed but unsigned one, which moto accepts until `require_auth(true)`;
//! - a body sent as `application/x-www-form-urlencoded` is parsed as a form and stored empty, so
//!   object bodies go as `application/octet-stream`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The dummy credentials moto accepts while it does not check them.
pub const ACCESS_KEY_ID: &str = "testing";
pub const SECRET_ACCESS_KEY: &str = "testing";
pub const REGION: &str = "us-east-1";

/// How long the server may take to print that it listens (about 2 s on an idle machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Bound on each helper request, so a paused or wedged server fails the test instead of hanging.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// An access key of an IAM user made with [`S3Server::add_user`].
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// A running moto server; killed on drop.
pub struct S3Server {
    port: u16,
    process: Option<Process>,
    log: PathBuf,
    _dir: tempfile::TempDir,
    buckets: Mutex<Vec<String>>,
}

/// The watchdog shell and the server under it (see `WATCHDOG`).
struct Process {
    watchdog: Child,
    stdin: Option<ChildStdin>,
    server_pid: u32,
}

/// Runs the server under a small shell that kills it as soon as its stdin closes: when the
/// handle is stopped or dropped, and also when the test process dies without running
/// destructors (SIGKILL, abort, a `static` server), so no moto outlives the tests. The shell
/// exits when the server does, so a server that dies by itself is noticed.
/// `$0` is scripts/s3-server, `$1` the port (0 = any free one).
const WATCHDOG: &str = r#"
exec 3<&0
"$0" run 127.0.0.1 "$1" >&2 3<&- &
pid=$!
echo "$pid"
{ read -r _ <&3; kill -9 "$pid"; } 2>/dev/null &
wait "$pid"
"#;

/// The repository root: this support crate lives in `tests/support/`.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn script() -> PathBuf {
    repo_root().join("scripts/s3-server")
}

/// Installs moto once per test binary; the script itself serialises installs across binaries.
fn ensure_installed() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = INSTALLED.get_or_init(|| {
        let started = Instant::now();
        // A first install downloads from PyPI: minutes, not the usual child deadline.
        let child = Command::new(script())
            .arg("install")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", script().display()))?;
        let out = crate::child::finish_within(
            child,
            Duration::from_secs(15 * 60),
            "scripts/s3-server install",
        );
        if !out.status.success() {
            return Err(format!(
                "`scripts/s3-server install` failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if started.elapsed() > Duration::from_secs(2) {
            eprintln!("s3 support: moto installed in {:.1?}", started.elapsed());
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("the S3 tests need a local moto server and it could not be installed: {e}");
    }
}

impl S3Server {
    /// Installs moto if needed, starts it on a free port and waits until it answers.
    pub fn start() -> S3Server {
        ensure_installed();
        let dir = tempfile::tempdir().expect("temp dir for the s3 server log");
        let mut server = S3Server {
            port: 0,
            process: None,
            log: dir.path().join("moto.log"),
            _dir: dir,
            buckets: Mutex::new(Vec::new()),
        };
        server.launch(0);
        server
    }

    /// One server for the whole test binary, for tests that never stop, pause or `require_auth`
    /// it; give each test its own [`S3Server::bucket`].
    pub fn shared() -> &'static S3Server {
        static SHARED: OnceLock<S3Server> = OnceLock::new();
        SHARED.get_or_init(S3Server::start)
    }

    /// Spawns the server on `port` (0 = let it pick) and waits for it to listen.
    fn launch(&mut self, port: u16) {
        let started = Instant::now();
        let log = std::fs::File::create(&self.log).expect("create the s3 server log");
        let mut watchdog = Command::new("bash")
            .args(["-c", WATCHDOG])
            .arg(script())
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("spawn bash to run scripts/s3-server");
        let mut pid = String::new();
        BufReader::new(watchdog.stdout.take().unwrap())
            .read_line(&mut pid)
            .expect("read the s3 server pid");
        let server_pid = pid
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("scripts/s3-server did not start: {}", self.log_text()));
        self.process = Some(Process {
            stdin: watchdog.stdin.take(),
            watchdog,
            server_pid,
        });

        // Werkzeug prints " * Running on http://127.0.0.1:PORT" once the socket listens, with
        // the real port when asked for port 0: no free-port race between tests.
        self.port = loop {
            let text = self.log_text();
            if let Some(port) = text
                .split("Running on http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|digits| digits.parse().ok())
            {
                break port;
            }
            let exited = self.process.as_mut().unwrap().watchdog.try_wait();
            if matches!(exited, Ok(Some(_))) || started.elapsed() > START_TIMEOUT {
                self.kill();
                panic!("the moto S3 server did not start (port {port}); its output:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(25));
        };
        let (status, body) = self
            .request("GET", "/", &[], b"")
            .unwrap_or_else(|e| panic!("moto started but does not answer: {e}"));
        assert_eq!(status, 200, "moto: list buckets: {}", lossy(&body));
    }

    /// Kills the server and the watchdog and waits for both.
    fn kill(&mut self) {
        if let Some(mut p) = self.process.take() {
            drop(p.stdin.take()); // EOF: the watchdog kills -9 the server, reaps it and exits
            crate::child::status(&mut p.watchdog, "the S3 server's watchdog");
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment a child process needs to use this server with the dummy credentials.
    /// Children inherit the test's own AWS_* variables too: remove [`stray_aws_vars`] first
    /// (AWS_ENDPOINT_URL_S3 or AWS_PROFILE on a developer machine would otherwise win).
    pub fn env(&self) -> Vec<(String, String)> {
        self.env_with(&Credentials {
            access_key_id: ACCESS_KEY_ID.into(),
            secret_access_key: SECRET_ACCESS_KEY.into(),
        })
    }

    /// [`S3Server::env`] with other credentials (see [`S3Server::add_user`]).
    pub fn env_with(&self, creds: &Credentials) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", creds.access_key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.as_str()),
            ("AWS_REGION", REGION),
            ("AWS_ENDPOINT_URL", &self.endpoint()),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// Creates a bucket with a name unique to this test process.
    pub fn bucket(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.create_bucket(&name);
        name
    }

    pub fn create_bucket(&self, name: &str) {
        let (status, body) = self.must("PUT", &format!("/{name}"), &[], b"");
        assert_eq!(status, 200, "create bucket {name}: {}", lossy(&body));
        let mut buckets = self.buckets.lock().unwrap();
        if !buckets.iter().any(|b| b == name) {
            buckets.push(name.to_string());
        }
    }

    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let ct = [("Content-Type", "application/octet-stream")];
        let (status, body) = self.must("PUT", &object_path(bucket, key), &ct, bytes);
        assert_eq!(status, 200, "put {bucket}/{key}: {}", lossy(&body));
    }

    /// The object's bytes, or None if it does not exist.
    pub fn get(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        match self.must("GET", &object_path(bucket, key), &[], b"") {
            (200, body) => Some(body),
            (404, _) => None,
            (status, body) => panic!("get {bucket}/{key}: {status} {}", lossy(&body)),
        }
    }

    /// Deletes the object (absent is fine, as in S3).
    pub fn delete(&self, bucket: &str, key: &str) {
        let (status, body) = self.must("DELETE", &object_path(bucket, key), &[], b"");
        assert_eq!(status, 204, "delete {bucket}/{key}: {}", lossy(&body));
    }

    /// Every key under `prefix` (a plain string prefix, no delimiter), in S3's order (bytewise).
    pub fn list(&self, bucket: &str, prefix: &str) -> Vec<String> {
        self.list_in_pages(bucket, prefix, 1000)
    }

    /// [`S3Server::list`], fetched `page` keys per request (to test the paging).
    pub fn list_in_pages(&self, bucket: &str, prefix: &str, page: usize) -> Vec<String> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = format!(
                "/{bucket}?list-type=2&max-keys={page}&prefix={}",
                encode(prefix, false)
            );
            if let Some(t) = &token {
                query.push_str(&format!("&continuation-token={}", encode(t, false)));
            }
            let (status, body) = self.must("GET", &query, &[], b"");
            let xml = lossy(&body);
            assert_eq!(status, 200, "list {bucket}/{prefix}: {xml}");
            keys.extend(xml_values(&xml, "Key"));
            token = xml_values(&xml, "NextContinuationToken").into_iter().next();
            if token.is_none() {
                return keys;
            }
        }
    }

    /// Makes an IAM user with an access key; `allow_s3` attaches a policy allowing `s3:*`, else
    /// the user may do nothing (AccessDenied). Call before `require_auth(true)`.
    pub fn add_user(&self, name: &str, allow_s3: bool) -> Credentials {
        let iam = |params: &str| -> String {
            let body = format!("Version=2010-05-08&{params}");
            let ct = [("Content-Type", "application/x-www-form-urlencoded")];
            let (status, resp) = self.must_as("iam", "POST", "/", &ct, body.as_bytes());
            let text = lossy(&resp);
            assert_eq!(status, 200, "IAM {params}: {text}");
            text
        };
        iam(&format!("Action=CreateUser&UserName={name}"));
        if allow_s3 {
            let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
            iam(&format!(
                "Action=PutUserPolicy&UserName={name}&PolicyName=s3-all&PolicyDocument={}",
                encode(policy, false)
            ));
        }
        let key = iam(&format!("Action=CreateAccessKey&UserName={name}"));
        let value = |tag| {
            xml_values(&key, tag)
                .pop()
                .expect("access key in IAM response")
        };
        Credentials {
            access_key_id: value("AccessKeyId"),
            secret_access_key: value("SecretAccessKey"),
        }
    }

    /// With `true`, moto checks every request's signature, access key and IAM policy from now on
    /// (unknown key → InvalidAccessKeyId, bad secret → SignatureDoesNotMatch, no policy →
    /// AccessDenied; all 403). The unsigned helpers of this module then fail until `false`.
    pub fn require_auth(&self, on: bool) {
        let count: &[u8] = if on { b"0" } else { b"inf" };
        let ct = [("Content-Type", "text/plain")];
        let (status, body) = self.must("POST", "/moto-api/reset-auth", &ct, count);
        assert_eq!(status, 200, "moto reset-auth: {}", lossy(&body));
    }

    /// Kills the server: connections are refused until [`S3Server::restart`].
    pub fn stop(&mut self) {
        self.kill();
    }

    /// Starts a fresh server on the same port and re-creates the buckets made through this
    /// handle, empty (moto keeps nothing across a restart).
    pub fn restart(&mut self) {
        self.kill();
        self.launch(self.port);
        let buckets = self.buckets.lock().unwrap().clone();
        for b in buckets {
            self.create_bucket(&b);
        }
    }

    /// Freezes the server (SIGSTOP): connections are accepted but never answered, like a
    /// network that went silent. [`S3Server::resume`] undoes it.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, sig: &str) {
        let pid = self.process.as_ref().expect("server is stopped").server_pid;
        let ok = Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig} {pid} failed");
    }

    /// What the server printed (one line per request), for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn must(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        self.must_as("s3", method, target, headers, body)
    }

    fn must_as(
        &self,
        service: &str,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let auth = unsigned_auth(service);
        let mut all = vec![("Authorization", auth.as_str())];
        all.extend_from_slice(headers);
        self.request(method, target, &all, body)
            .unwrap_or_else(|e| panic!("{method} {target} to moto on port {}: {e}", self.port))
    }

    /// One request like the object helpers' (unsigned, body as octets) sent to `port` instead
    /// of the server's own, e.g. through a [`crate::proxy::Proxy`]; `Err` when no complete reply
    /// came back.
    pub fn request_via(
        &self,
        port: u16,
        method: &str,
        target: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let auth = unsigned_auth("s3");
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/octet-stream"),
        ];
        status_and_body(request_to(
            port,
            method,
            target,
            &headers,
            body,
            REQUEST_TIMEOUT,
        ))
    }

    /// One HTTP/1.0 exchange with the server.
    fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        status_and_body(request_to(
            self.port,
            method,
            target,
            headers,
            body,
            REQUEST_TIMEOUT,
        ))
    }
}

/// An `Authorization` header moto accepts while it checks nothing: it routes on the service named
/// in the credential scope and ignores the signature (a request with no Authorization at all is
/// anonymous).
fn unsigned_auth(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20250101/{REGION}/{service}/aws4_request, SignedHeaders=host, Signature=0"
    )
}

/// One HTTP/1.0 exchange with 127.0.0.1:`port` (so the reply is never chunked and ends at EOF),
/// each read and write bounded by `timeout`: the reply's status line and header lines (without
/// the blank line after them), and its body. `Host` is the server's unless `headers` name one;
/// `Content-Length` is the body's, so `headers` must not name one.
pub(crate) fn request_to(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> Result<(String, Vec<u8>), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| format!("timeout: {e}"))?;
    let mut head = format!("{method} {target} HTTP/1.0\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut reply = Vec::new();
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.shutdown(Shutdown::Write))
        .and_then(|()| stream.read_to_end(&mut reply).map(drop))
        .map_err(|e| format!("exchange: {e}"))?;
    let split = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("malformed reply: {}", lossy(&reply)))?;
    Ok((lossy(&reply[..split]), reply[split + 4..].to_vec()))
}

/// The status code of a reply's head (`HTTP/1.1 200 OK` …).
pub(crate) fn status_of(head: &str) -> Option<u16> {
    head.split_whitespace().nth(1)?.parse().ok()
}

/// A [`request_to`] reply as its status code and body.
fn status_and_body(reply: Result<(String, Vec<u8>), String>) -> Result<(u16, Vec<u8>), String> {
    let (head, body) = reply?;
    let status = status_of(&head).ok_or_else(|| format!("malformed status line: {head}"))?;
    Ok((status, body))
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Names of the AWS_* variables of this process's environment, to remove from a child's
/// environment before adding [`S3Server::env`].
pub fn stray_aws_vars() -> Vec<String> {
    std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| k.starts_with("AWS_"))
        .collect()
}

fn object_path(bucket: &str, key: &str) -> String {
    format!("/{bucket}/{}", encode(key, true))
}

/// Percent-encodes all but RFC 3986 unreserved characters (and `/` when `keep_slash`).
fn encode(s: &str, keep_slash: bool) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b'/' if keep_slash => "/".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text of every `<tag>…</tag>` in `xml`, entities decoded (enough for S3's replies).
fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split(&close).next())
        .map(unescape)
        .collect()
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').unwrap_or(0);
        let entity = &rest[1..end.max(1)];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
