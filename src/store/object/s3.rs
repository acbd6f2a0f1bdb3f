//! Amazon S3 and S3-compatible servers (MinIO, R2, RustFS, …): the client is configured only
//! from the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
//! `AWS_REGION` / `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`, …), never from
//! `cluster.yaml`, and S3's XML error replies are read down to their `<Code>` and `<Message>`.

use super::retry::Patience;
use super::{Connection, Provider};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::{BackoffConfig, ClientConfigKey, Error, ObjectStore, RetryConfig};
use std::sync::Arc;
use std::time::Duration;

/// Defaults for a command-line tool: fail within seconds rather than minutes. `AWS_CONNECT_TIMEOUT`
/// and `AWS_TIMEOUT` (any duration text such as `10s`) override the two timeouts; `AWS_TIMEOUT`
/// also bounds how long a command keeps trying a store that fails (`retry::Patience`).
const CONNECT_TIMEOUT: &str = "5s";
const REQUEST_TIMEOUT: &str = "30s";

/// The client retries nothing (`max_retries` 0): the backend tries every request again itself,
/// within `AWS_TIMEOUT`, and decides each ambiguous write by what is on the server
/// (`retry.rs`). Its own retries would hide answers and stretch the bound.
fn no_retries() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig::default(),
        max_retries: 0,
        retry_timeout: Duration::ZERO,
    }
}

pub(super) struct S3 {
    bucket: String,
}

impl S3 {
    pub(super) fn new(bucket: &str) -> Self {
        S3 {
            bucket: bucket.to_string(),
        }
    }
}

impl Provider for S3 {
    fn connect(&self) -> Result<Connection, String> {
        // An empty variable counts as unset.
        let env: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, v)| k.starts_with("AWS_") && !v.is_empty())
            .collect();
        check_settings(&self.bucket, &env)?;
        // TLS needs a process-wide crypto provider; an error means one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Our defaults first, so the environment can override them.
        let mut builder = AmazonS3Builder::new()
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                CONNECT_TIMEOUT,
            )
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::Timeout),
                REQUEST_TIMEOUT,
            );
        for (name, value) in &env {
            if let Ok(key) = name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(key, value);
            }
        }
        let builder = builder.with_bucket_name(&self.bucket);
        // The request timeout also bounds how long a command keeps trying a failing store.
        let timeout = builder
            .get_config_value(&AmazonS3ConfigKey::Client(ClientConfigKey::Timeout))
            .and_then(|text| humantime::parse_duration(&text).ok())
            .unwrap_or(Duration::from_secs(30));
        let client = builder
            .with_retry(no_retries())
            .build()
            .map(|store| Arc::new(store) as Arc<dyn ObjectStore>)
            .map_err(|err| format!("could not configure the S3 client: {}", one_line(&err)))?;
        Ok(Connection {
            client,
            patience: Patience::new(timeout),
        })
    }

    fn explain(&self, err: &Error) -> String {
        let pieces = chain(err);
        let text = pieces.join(": ");
        let reply = match (tag(&text, "Code"), tag(&text, "Message")) {
            (Some(code), Some(message)) => Some(format!("{code}: {message}")),
            (Some(code), None) => Some(code.to_string()),
            _ => None,
        };
        let what = match err {
            Error::NotFound { .. } if self.container_missing(err) => {
                format!("bucket '{}' does not exist", self.bucket)
            }
            Error::NotFound { .. } => "not found".to_string(),
            Error::PermissionDenied { .. } => "access denied".to_string(),
            Error::Unauthenticated { .. } => "not authenticated".to_string(),
            Error::AlreadyExists { .. } => "already exists".to_string(),
            Error::Precondition { .. } => "precondition failed".to_string(),
            _ => "request failed".to_string(),
        };
        if let Some(reply) = reply {
            return format!("{what} ({reply})");
        }
        // No reply from the server: the innermost causes say why (`tcp connect error: Connection
        // refused (os error 111)`), without the request line the outer layers repeat.
        let causes: Vec<&String> = pieces
            .iter()
            .skip(1)
            .filter(|p| !p.starts_with("Error performing "))
            .collect();
        let detail = match causes.as_slice() {
            [.., cause, last] if !last.contains(cause.as_str()) => format!("{cause}: {last}"),
            [.., last] => last.to_string(),
            [] => pieces[0].clone(),
        };
        let retries = text
            .split("after ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .filter(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
            .map(|n| format!(" (after {n} retries)"))
            .unwrap_or_default();
        format!("{what}: {}{retries}", one_line(&detail))
    }

    fn container_missing(&self, err: &Error) -> bool {
        matches!(err, Error::NotFound { .. })
            && tag(&chain(err).join(": "), "Code") == Some("NoSuchBucket")
    }
}

/// Refuse settings the client cannot use before it is built: it would ask the EC2 metadata
/// endpoint for credentials it was not given, and it panics on a URL or header it cannot form.
fn check_settings(bucket: &str, env: &[(String, String)]) -> Result<(), String> {
    let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let (Some(key_id), Some(_)) = (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) else {
        return Err(
            "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
             (and AWS_SESSION_TOKEN for temporary credentials) in the environment"
                .to_string(),
        );
    };
    let header_safe = |v: &str| v.bytes().all(|b| b.is_ascii_graphic());
    if !header_safe(key_id) {
        return Err("AWS_ACCESS_KEY_ID must be printable ASCII without spaces".to_string());
    }
    if get("AWS_SESSION_TOKEN").is_some_and(|t| !header_safe(t)) {
        return Err("AWS_SESSION_TOKEN must be printable ASCII without spaces".to_string());
    }
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(region) = get(name)
            && !region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "{name} '{region}' is not a region name (letters, digits and '-')"
            ));
        }
    }
    for name in ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"] {
        if let Some(endpoint) = get(name) {
            let parsed = reqwest::Url::parse(endpoint);
            let usable = parsed.as_ref().is_ok_and(|url| {
                matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
            });
            if !usable {
                return Err(format!(
                    "{name} '{endpoint}' is not an http:// or https:// URL"
                ));
            }
            // The client would refuse later with "URL scheme is not allowed"; say what to do.
            let allowed = get("AWS_ALLOW_HTTP").is_some_and(|v| {
                matches!(
                    v.to_ascii_lowercase().as_str(),
                    "1" | "true" | "on" | "yes" | "y"
                )
            });
            if parsed.is_ok_and(|url| url.scheme() == "http") && !allowed {
                return Err(format!(
                    "{name} '{endpoint}' is plain http; set AWS_ALLOW_HTTP=true to allow it (for a local MinIO or test server), or use https"
                ));
            }
        }
    }
    if bucket.is_empty()
        || !bucket
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Err(format!(
            "'{bucket}' is not a bucket name (letters, digits, '.', '-' and '_')"
        ));
    }
    Ok(())
}

/// The Display text of the error and of each of its sources, outermost first.
fn chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut pieces = vec![err.to_string()];
    let mut source = err.source();
    while let Some(inner) = source {
        pieces.push(inner.to_string());
        source = inner.source();
    }
    pieces
}

/// The text of the first `<name>…</name>` in an XML error reply.
fn tag<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find(&format!("</{name}>"))?;
    Some(text[start..start + len].trim())
}

/// Whitespace runs (newlines included) collapsed to one space: messages stay on one line.
fn one_line(text: &dyn std::fmt::Display) -> String {
    text.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_replies_are_read_to_code_and_message() {
        let reply = "Server returned non-2xx status code: 404 Not Found: <?xml version=\"1.0\"?>\n<Error>\n  <Code>NoSuchBucket</Code>\n  <Message>The specified bucket does not exist</Message>\n</Error>";
        assert_eq!(tag(reply, "Code"), Some("NoSuchBucket"));
        assert_eq!(
            tag(reply, "Message"),
            Some("The specified bucket does not exist")
        );
        assert_eq!(tag(reply, "Resource"), None);
        assert_eq!(one_line(&"a\n  b\tc "), "a b c");
    }
}
