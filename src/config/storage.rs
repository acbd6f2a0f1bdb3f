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

/// Parse the text of `storage:`; `Err` carries the `invalid_storage_root` message.
pub fn parse(text: &str) -> Result<StorageRoot, String> {
    if text.trim().is_empty() {
        return Err(
            "storage must be a non-empty URI (e.g. s3://bucket/prefix) when provided".to_string(),
        );
    }
    let Some((scheme, rest)) = split_scheme(text) else {
        return Ok(StorageRoot::Local(PathBuf::from(text)));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "file" if rest.starts_with('/') => Ok(StorageRoot::Local(PathBuf::from(rest))),
        "file" => Err(format!(
            "storage file:// URI must name an absolute path (file:///abs/path), got '{text}'"
        )),
        "s3" => {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err("storage s3:// URI must name a bucket".to_string());
            }
            s3_root(bucket, prefix.trim_matches('/'))
        }
        _ => Err(format!(
            "storage URI scheme '{scheme}' is not supported; use a path, file:// or s3://"
        )),
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

/// `scheme://rest` when the text starts with a URI scheme (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`) followed by `://`; anything else is a path.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
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
        assert_eq!(parse("S3://b/"), Ok(s3("b", "")));
        assert_eq!(parse("a:b"), Ok(StorageRoot::Local("a:b".into())));
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
            "storage URI scheme 'gs' is not supported; use a path, file:// or s3://"
        );
        assert!(parse("file://relative").is_err());
    }
}
