//! The optional `storage:` root of `cluster.yaml`: where the cluster's stored state lives (the
//! ledger, the lock, the payload blobs and the graph roots). Absent, it is the config folder.

use std::path::PathBuf;

/// A parsed storage root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageRoot {
    /// A directory: a plain path (relative to the config folder) or a `file://` URI.
    Local(PathBuf),
    /// `s3://bucket/prefix`: objects under `prefix/` in `bucket` (prefix without slashes at
    /// either end; empty for the bucket's top level). Only in builds with the object-store
    /// backend (the `s3` feature): other builds refuse such a root when parsing it.
    #[cfg(feature = "s3")]
    S3 { bucket: String, prefix: String },
}

/// Parse the text of `storage:`; `Err` carries the `invalid_storage_root` message, which never
/// shows credentials (see [`masked`]).
///
/// A value that starts like a URI (`scheme:`) must be one of the accepted forms exactly:
/// `s3://bucket/prefix` or `file:///abs/path`, schemes in lowercase. Anything else that looks
/// like a URI (`s3:/clusters`, `S3://b`, `gs://b`, `s3:bucket`) is refused rather than taken as
/// a local folder named `s3:`; a local folder with a colon in its name is written `./s3:x`.
pub fn parse(text: &str) -> Result<StorageRoot, String> {
    if text.trim().is_empty() {
        return Err(
            "storage must be a non-empty URI (e.g. s3://bucket/prefix) when provided".to_string(),
        );
    }
    let Some((scheme, after)) = split_scheme(text) else {
        return Ok(StorageRoot::Local(PathBuf::from(text)));
    };
    let shown = masked(text);
    let Some(rest) = after.strip_prefix("//") else {
        return Err(format!(
            "storage '{shown}' looks like a URI but is not one; accepted forms are s3://bucket/prefix, file:///abs/path or a path (write ./{shown} for a local folder of that name)"
        ));
    };
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return Err(format!(
            "storage '{shown}' carries credentials; remove them from cluster.yaml and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment"
        ));
    }
    match scheme {
        "file" if rest.starts_with('/') => Ok(StorageRoot::Local(PathBuf::from(rest))),
        "file" => Err(format!(
            "storage file:// URI must name an absolute path (file:///abs/path), got '{shown}'"
        )),
        "s3" => {
            let prefix = rest.get(authority.len() + 1..).unwrap_or("");
            if authority.is_empty() {
                return Err("storage s3:// URI must name a bucket".to_string());
            }
            s3_root(authority, prefix.trim_matches('/'))
        }
        _ => Err(format!(
            "storage URI scheme '{scheme}' is not supported; use a path, file:///abs/path or s3://bucket/prefix (schemes are lowercase)"
        )),
    }
}

/// `text` with the userinfo of a URI (`user:secret@` after `scheme://`, or after a mistyped
/// `scheme:` or `scheme:/`) replaced by `***@`, so a message can quote a storage value without
/// printing a secret into a CI log.
pub fn masked(text: &str) -> String {
    let Some((scheme, rest)) = split_scheme(text) else {
        return text.to_string();
    };
    let body = rest.trim_start_matches('/');
    let lead = &rest[..rest.len() - body.len()];
    let authority_end = body.find('/').unwrap_or(body.len());
    match body[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}:{lead}***{}", &body[at..]),
        None => text.to_string(),
    }
}

/// The one place that knows whether this build has the object-store backend.
#[cfg(feature = "s3")]
fn s3_root(bucket: &str, prefix: &str) -> Result<StorageRoot, String> {
    Ok(StorageRoot::S3 {
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
    })
}

#[cfg(not(feature = "s3"))]
fn s3_root(_bucket: &str, _prefix: &str) -> Result<StorageRoot, String> {
    Err("storage s3:// URIs need a build with the `s3` feature (on by default)".to_string())
}

/// `(scheme, rest)` when the text starts with a URI scheme (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`) and a colon; anything else is a path.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

#[cfg(all(test, feature = "s3"))]
mod tests {
    use super::*;

    fn s3(bucket: &str, prefix: &str) -> StorageRoot {
        StorageRoot::S3 {
            bucket: bucket.into(),
            prefix: prefix.into(),
        }
    }

    #[test]
    fn roots() {
        assert_eq!(parse("./state"), Ok(StorageRoot::Local("./state".into())));
        assert_eq!(parse("/abs"), Ok(StorageRoot::Local("/abs".into())));
        assert_eq!(
            parse("file:///abs/path"),
            Ok(StorageRoot::Local("/abs/path".into()))
        );
        assert_eq!(parse("s3://b/p/q/"), Ok(s3("b", "p/q")));
        assert_eq!(parse("s3://b"), Ok(s3("b", "")));
        assert_eq!(parse("s3://b/"), Ok(s3("b", "")));
        assert_eq!(parse("./a:b"), Ok(StorageRoot::Local("./a:b".into())));
        assert_eq!(
            parse("./s3:/clusters"),
            Ok(StorageRoot::Local("./s3:/clusters".into()))
        );
    }

    #[test]
    fn rejections_say_why() {
        assert_eq!(
            parse(" ").unwrap_err(),
            "storage must be a non-empty URI (e.g. s3://bucket/prefix) when provided"
        );
        assert_eq!(
            parse("s3://").unwrap_err(),
            "storage s3:// URI must name a bucket"
        );
        assert_eq!(
            parse("s3:///p").unwrap_err(),
            "storage s3:// URI must name a bucket"
        );
        assert_eq!(
            parse("gs://b/p").unwrap_err(),
            "storage URI scheme 'gs' is not supported; use a path, file:///abs/path or s3://bucket/prefix (schemes are lowercase)"
        );
        assert!(parse("file://relative").is_err());
    }

    /// Issue 17: anything that looks like a URI but is not an accepted one is refused, never
    /// taken as a local folder named `s3:`.
    #[test]
    fn near_uris_are_refused() {
        for text in [
            "s3:/clusters",
            "s3:bucket",
            "S3://b/p",
            "File:///abs",
            "gs://b",
            "a:b",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        assert_eq!(
            parse("s3:/clusters").unwrap_err(),
            "storage 's3:/clusters' looks like a URI but is not one; accepted forms are s3://bucket/prefix, file:///abs/path or a path (write ./s3:/clusters for a local folder of that name)"
        );
    }

    /// Credentials in the URI are refused and never echoed.
    #[test]
    fn credentials_are_refused_and_masked() {
        let err = parse("s3://AKIAEXAMPLE:s3cr3t@bucket/prefix").unwrap_err();
        assert!(
            !err.contains("s3cr3t") && !err.contains("AKIAEXAMPLE"),
            "{err}"
        );
        assert!(err.contains("s3://***@bucket/prefix"), "{err}");
        let err = parse("file://user:s3cr3t@host/x").unwrap_err();
        assert!(!err.contains("s3cr3t"), "{err}");
        assert_eq!(masked("s3://a:b@c/d@e"), "s3://***@c/d@e");
        assert_eq!(masked("s3://bucket/p@x"), "s3://bucket/p@x");
        assert_eq!(masked("./plain@dir"), "./plain@dir");
        let err = parse("s3:AKIAEXAMPLE:s3cr3t@bucket").unwrap_err();
        assert!(!err.contains("s3cr3t"), "{err}");
        assert_eq!(masked("s3:/k:s@b/p"), "s3:/***@b/p");
    }
}
