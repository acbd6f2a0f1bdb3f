//! A fault-injecting HTTP proxy for the S3 tests: it stands between the tool and the moto server
//! ([`crate::s3::S3Server`]) and, per rule, does to a request what real endpoints and networks do:
//!
//! ```ignore
//! let proxy = Proxy::start(server);
//! cmd.envs(proxy.env());                                   // the tool talks to the proxy
//! let conflict = proxy.inject(Rule::new("PUT", "__cluster/lock.json", Fault::Status(409)).times(2));
//! let lost = proxy.inject(Rule::new("PUT", "__cluster/state.json", Fault::LostAck));
//! let outage = proxy.inject(Rule::any(Fault::Status(503)).skip(40).forever());
//! … run the command …
//! assert_eq!(proxy.fired(conflict), 2);
//! ```
//!
//! A rule matches a method (or any) and a pattern: a substring of the request target (path and
//! query, e.g. `__cluster/resources/` or `list-type=2`) or, for a bulk delete (`POST ?delete`),
//! of its body, which names the keys. The first rule that matches a request and is not used up
//! decides it: the first `skip` matching requests pass untouched, the next `times` get the fault.
//! Requests no rule decides are forwarded untouched. Only std: one thread per connection, plain
//! HTTP/1.1 with keep-alive towards the tool, one HTTP/1.0 exchange per request towards moto.

use crate::s3::{self, S3Server};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What the proxy does to a request a rule picks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with S3's XML error reply for it, without forwarding: 409
    /// `ConditionalRequestConflict`, 412 `PreconditionFailed`, 403 `AccessDenied`, 500
    /// `InternalError`, 503 `SlowDown`.
    Status(u16),
    /// Forward the request and let the server carry it out, then close the connection without
    /// answering: a lost acknowledgement.
    LostAck,
    /// Reset the connection (RST) without forwarding the request.
    Reset,
    /// Wait this long, then forward.
    Latency(Duration),
}

/// Which requests get a fault, and how often.
#[derive(Clone, Debug)]
pub struct Rule {
    method: Option<String>,
    pattern: String,
    fault: Fault,
    skip: usize,
    /// `None`: every matching request from then on.
    times: Option<usize>,
}

impl Rule {
    /// `method` requests whose target (or bulk-delete body) contains `pattern`; once.
    pub fn new(method: &str, pattern: &str, fault: Fault) -> Rule {
        Rule {
            method: Some(method.to_string()),
            pattern: pattern.to_string(),
            fault,
            skip: 0,
            times: Some(1),
        }
    }

    /// Every request, whatever its method and key; once.
    pub fn any(fault: Fault) -> Rule {
        Rule {
            method: None,
            pattern: String::new(),
            fault,
            skip: 0,
            times: Some(1),
        }
    }

    /// The fault hits `n` matching requests.
    pub fn times(mut self, n: usize) -> Rule {
        self.times = Some(n);
        self
    }

    /// The fault hits every matching request from then on (an outage).
    pub fn forever(mut self) -> Rule {
        self.times = None;
        self
    }

    /// The first `n` matching requests pass untouched.
    pub fn skip(mut self, n: usize) -> Rule {
        self.skip = n;
        self
    }

    fn matches(&self, request: &Request) -> bool {
        self.method.as_ref().is_none_or(|m| *m == request.method)
            && (request.target.contains(&self.pattern)
                || (request.target.contains("?delete")
                    && String::from_utf8_lossy(&request.body).contains(&self.pattern)))
    }
}

/// The handle of an injected rule, to ask how often it fired.
#[derive(Clone, Copy, Debug)]
pub struct RuleId(usize);

struct Armed {
    rule: Rule,
    /// Matching requests seen, and faults dealt.
    seen: usize,
    fired: usize,
    active: bool,
}

struct Shared {
    upstream: u16,
    rules: Mutex<Vec<Armed>>,
    log: Mutex<Vec<String>>,
    requests: AtomicUsize,
    stop: AtomicBool,
}

impl Shared {
    fn rules(&self) -> MutexGuard<'_, Vec<Armed>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fault for `request`, counting it against the rule that decides it.
    fn pick(&self, request: &Request) -> Option<Fault> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let mut rules = self.rules();
        let armed = rules.iter_mut().find(|armed| {
            armed.active
                && armed.rule.times.is_none_or(|n| armed.fired < n)
                && armed.rule.matches(request)
        });
        let fault = armed.and_then(|armed| {
            armed.seen += 1;
            (armed.seen > armed.rule.skip).then(|| {
                armed.fired += 1;
                armed.rule.fault.clone()
            })
        });
        let what = fault
            .as_ref()
            .map_or_else(|| "forwarded".to_string(), |f| format!("{f:?}"));
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(format!("{} {} -> {what}", request.method, request.target));
        fault
    }
}

/// A running proxy in front of one moto server; stops accepting on drop.
pub struct Proxy {
    port: u16,
    server_env: Vec<(String, String)>,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Listen on a free port of 127.0.0.1 and forward to `server`.
    pub fn start(server: &S3Server) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fault proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared {
            upstream: server.port(),
            rules: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            requests: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let serving = Arc::clone(&accepting);
                std::thread::spawn(move || serve(client, &serving));
            }
        });
        Proxy {
            port,
            server_env: server.env(),
            shared,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's environment ([`S3Server::env`]) with the endpoint pointing here.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = self.server_env.clone();
        for (name, value) in &mut env {
            if name == "AWS_ENDPOINT_URL" {
                *value = self.endpoint();
            }
        }
        env
    }

    /// Add a rule after the existing ones.
    pub fn inject(&self, rule: Rule) -> RuleId {
        let mut rules = self.shared.rules();
        rules.push(Armed {
            rule,
            seen: 0,
            fired: 0,
            active: true,
        });
        RuleId(rules.len() - 1)
    }

    /// How many requests rule `id` dealt its fault to.
    pub fn fired(&self, id: RuleId) -> usize {
        self.shared.rules()[id.0].fired
    }

    /// Disarm every rule (the outage ends); their counts stay readable.
    pub fn clear(&self) {
        for armed in self.shared.rules().iter_mut() {
            armed.active = false;
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// One line per request received: method, target and what was done to it.
    pub fn log(&self) -> String {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .join("\n")
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One request as received from the tool.
struct Request {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the tool expects the connection to stay open after the reply.
    fn keep_alive(&self) -> bool {
        let close = self
            .header("Connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        self.version == "HTTP/1.1" && !close
    }
}

/// Serve one connection of the tool until it closes it or a fault ends it.
fn serve(client: TcpStream, shared: &Shared) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(120)));
    let Ok(mut reader) = client.try_clone().map(BufReader::new) else {
        return;
    };
    let mut client = client;
    while let Ok(Some(request)) = read_request(&mut reader) {
        let fault = shared.pick(&request);
        let reply = match fault {
            Some(Fault::Status(status)) => error_reply(&request, status),
            Some(Fault::Reset) => return reset(&client),
            Some(Fault::LostAck) => {
                let _ = forward(shared.upstream, &request);
                let _ = client.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Latency(delay)) => {
                std::thread::sleep(delay);
                forward(shared.upstream, &request)
            }
            None => forward(shared.upstream, &request),
        };
        let Ok(reply) = reply else {
            return reset(&client);
        };
        let keep = request.keep_alive();
        if client.write_all(&reply).is_err() || !keep {
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Close with a TCP reset (SO_LINGER 0), as a load balancer dropping the connection does.
fn reset(client: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on a socket this thread owns, with a correctly sized `linger`.
    unsafe {
        libc::setsockopt(
            client.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    // Dropping the last handle closes the socket, which now sends RST.
}

/// The next request on the connection; `None` when the tool closed it.
fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(std::io::Error::other(format!("bad request line {line:?}")));
    };
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
    };
    if request
        .header("Transfer-Encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        request.body = read_chunked(reader)?;
    } else if let Some(length) = request.header("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|_| std::io::Error::other("bad Content-Length"))?;
        request.body = vec![0; length];
        reader.read_exact(&mut request.body)?;
    }
    Ok(Some(request))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
            .map_err(|_| std::io::Error::other("bad chunk size"))?;
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// Send `request` to moto (HTTP/1.0, so the reply ends at EOF and is never chunked) and frame
/// its reply for the tool's HTTP/1.1 connection.
fn forward(upstream: u16, request: &Request) -> std::io::Result<Vec<u8>> {
    let hop = [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
    ];
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(name, _)| !hop.contains(&name.to_ascii_lowercase().as_str()))
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let (head, body) = s3::request_to(
        upstream,
        &request.method,
        &request.target,
        &headers,
        &request.body,
        Duration::from_secs(60),
    )
    .map_err(std::io::Error::other)?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = s3::status_of(status_line).unwrap_or(502);
    let rest = status_line.split_once(' ').map_or("", |(_, rest)| rest);
    let mut out = format!("HTTP/1.1 {rest}\r\n");
    let head_request = request.method == "HEAD";
    let bodiless = head_request || status == 204 || status == 304 || status < 200;
    for line in lines {
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        let hop = ["connection", "keep-alive", "transfer-encoding"];
        // A HEAD reply keeps the object's Content-Length; others get the body's.
        if hop.contains(&name.as_str()) || (name == "content-length" && !head_request) {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    if !bodiless {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    let mut framed = out.into_bytes();
    if !bodiless {
        framed.extend_from_slice(&body);
    }
    Ok(framed)
}

/// S3's reply for `status`, with its XML error body (none for HEAD).
fn error_reply(request: &Request, status: u16) -> std::io::Result<Vec<u8>> {
    let (reason, code, message) = match status {
        403 => ("Forbidden", "AccessDenied", "Access Denied"),
        409 => (
            "Conflict",
            "ConditionalRequestConflict",
            "A conflicting conditional operation is currently in progress against this resource. Please try again.",
        ),
        412 => (
            "Precondition Failed",
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
        ),
        500 => (
            "Internal Server Error",
            "InternalError",
            "We encountered an internal error. Please try again.",
        ),
        503 => ("Slow Down", "SlowDown", "Please reduce your request rate."),
        _ => (
            "Error",
            "InjectedFault",
            "A fault injected by the test proxy.",
        ),
    };
    let key = request.target.split('?').next().unwrap_or("");
    let body = if request.method == "HEAD" {
        String::new()
    } else {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><Resource>{key}</Resource><RequestId>FAULTPROXY</RequestId></Error>"
        )
    };
    Ok(format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nx-amz-request-id: FAULTPROXY\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes())
}
