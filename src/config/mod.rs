//! Loading `cluster.yaml`: the parse stage (§2.5.1) and the header checks (§2.5.4).
//! Building the desired revision from a parsed config lives in `crate::desired`.

pub mod raw;
pub mod scan;

pub use raw::{GraphConfig, PolicyConfig, QueryConfig, RawClusterConfig};

use crate::diagnostic::Diagnostic;
use crate::fsx;
use crate::layout::{self, Layout};

/// Parse stage: directory check, read, text scans, typed deserialisation. Returns the raw config
/// only when every step succeeded; problems are appended to `diagnostics`.
pub fn parse(layout: &Layout, diagnostics: &mut Vec<Diagnostic>) -> Option<RawClusterConfig> {
    if !layout.config_dir.is_dir() {
        diagnostics.push(Diagnostic::error(
            "config_dir_not_found",
            layout::display(&layout.config_dir),
            "`--config` must point at a directory containing cluster.yaml",
        ));
        return None;
    }
    let text = match fsx::read_text_bounded(&layout.config_file(), fsx::MAX_CONFIG_BYTES) {
        Ok(text) => text,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                "cluster_config_read_error",
                layout::CONFIG_FILE,
                format!("could not read cluster.yaml: {err}"),
            ));
            return None;
        }
    };
    parse_text(&text, diagnostics)
}

/// The text stages of parsing: scanner and reserved fields (both always run), then serde.
pub fn parse_text(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<RawClusterConfig> {
    let too_deep = scan::flow_nesting_exceeds(text, scan::MAX_FLOW_DEPTH);
    let mut scan_errors = scan::duplicate_keys(text);
    scan_errors.extend(scan::reserved_fields(text, too_deep.is_some()));
    if !scan_errors.is_empty() {
        diagnostics.extend(scan_errors);
        return None;
    }
    if let Some((line, column)) = too_deep {
        diagnostics.push(Diagnostic::error(
            "invalid_cluster_yaml",
            layout::CONFIG_FILE,
            format!(
                "could not parse cluster.yaml: flow collections nest deeper than {} levels at line {line} column {column}",
                scan::MAX_FLOW_DEPTH
            ),
        ));
        return None;
    }
    match serde_yaml::from_str::<RawClusterConfig>(text) {
        Ok(raw) => Some(raw),
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                "invalid_cluster_yaml",
                layout::CONFIG_FILE,
                format!("could not parse cluster.yaml: {err}"),
            ));
            None
        }
    }
}

/// Header checks (§2.5.4). Returns the `state.lock` setting (default `true`).
pub fn check_header(raw: &RawClusterConfig, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if raw.version != 1 {
        diagnostics.push(Diagnostic::error(
            "unsupported_cluster_config_version",
            "version",
            format!(
                "unsupported cluster config version {}; this build supports version 1",
                raw.version
            ),
        ));
    }
    if raw
        .metadata
        .name
        .as_deref()
        .is_some_and(|name| name.trim().is_empty())
    {
        diagnostics.push(Diagnostic::error(
            "empty_metadata_name",
            "metadata.name",
            "metadata.name must not be empty when provided",
        ));
    }
    if raw
        .state
        .backend
        .as_deref()
        .is_some_and(|backend| backend != "cluster")
    {
        diagnostics.push(Diagnostic::error(
            "unsupported_state_backend",
            "state.backend",
            "Stage 2C supports only omitted state.backend or `cluster`",
        ));
    }
    raw.state.lock.unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (Option<RawClusterConfig>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let raw = parse_text(text, &mut diagnostics);
        (raw, diagnostics)
    }

    #[test]
    fn unknown_field_text_matches_serde_yaml() {
        let (raw, diags) = parse_str("version: 1\ngraphs: {}\nwat: true\n");
        assert!(raw.is_none());
        assert_eq!(
            diags[0].message,
            "could not parse cluster.yaml: unknown field `wat`, expected one of `version`, `metadata`, `state`, `graphs`, `policies` at line 3 column 1"
        );
    }

    #[test]
    fn empty_values_act_as_defaults() {
        let (raw, diags) = parse_str("version: 1\ngraphs:\npolicies:\n");
        assert!(diags.is_empty(), "{diags:?}");
        let raw = raw.expect("parsed");
        assert!(raw.graphs.is_empty());
        assert_eq!(
            raw.digest_json(),
            r#"{"version":1,"metadata":{"name":null},"state":{"backend":null,"lock":null},"graphs":{},"policies":{}}"#
        );
    }

    #[test]
    fn scalar_accepted_as_path() {
        let (raw, diags) = parse_str("version: 1\ngraphs:\n  g:\n    schema: 123\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            raw.expect("parsed").graphs["g"].schema,
            std::path::PathBuf::from("123")
        );
    }

    #[test]
    fn header_checks_in_order() {
        let (raw, _) =
            parse_str("version: 2\nmetadata: {name: \"  \"}\nstate: {backend: s3, lock: false}\n");
        let mut diags = Vec::new();
        let lock = check_header(&raw.expect("parsed"), &mut diags);
        assert!(!lock);
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                "unsupported_cluster_config_version",
                "empty_metadata_name",
                "unsupported_state_backend"
            ]
        );
    }

    #[test]
    fn yaml_bomb_is_a_diagnostic() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 0..9u8 {
            let prev = (b'a' + i) as char;
            let next = (b'b' + i) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let (raw, diags) = parse_str(&bomb);
        assert!(raw.is_none());
        assert!(!diags.is_empty());
    }
}
