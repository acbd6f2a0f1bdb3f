//! cluster.yaml text stages: duplicate-key scanner, reserved fields, nesting bound, serde_yaml
//! into the raw structure, header checks and the digest JSON. Must never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use omnigraph_cluster::config;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut diagnostics = Vec::new();
        if let Some(raw) = config::parse_text(text, &mut diagnostics) {
            config::check_header(&raw, &mut diagnostics);
            let _ = raw.digest_json();
        }
    }
});
