#![no_main]
//! Arbitrary bytes through the schema front end: nothing may panic, every error must carry its
//! prefix and point into the text, and any accepted schema must build (or refuse) a catalog and
//! survive a pretty-print round trip unchanged.

use libfuzzer_sys::fuzz_target;
use omnigraph_lang::schema::{SchemaError, build_catalog, parse_schema};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let points_into = |err: &SchemaError| {
        let span = err.span().expect("errors have a span");
        assert!(text.get(span.start..span.end).is_some(), "{err}: {span:?}");
    };
    match parse_schema(text) {
        Err(err) => {
            points_into(&err);
            let message = err.to_string();
            assert!(message.starts_with("parse error: "), "{message}");
            // Only syntax reports are ours to shape: a semantic text may end in a raw line break
            // (`unsupported escape sequence: \` + LF, schema-language.md §5.4).
            if let SchemaError::Syntax(report) = &err {
                assert!(report.message().contains("--> "), "{report}");
                assert!(!message.ends_with('\n'), "{message:?}");
            }
        }
        Ok(file) => {
            if let Err(err) = build_catalog(&file) {
                assert!(err.to_string().starts_with("catalog error: "));
                points_into(&err);
            }
            for decl in &file.declarations {
                let (name, span) = decl.name();
                assert_eq!(span.slice(text), name);
            }
            let printed = file.to_string();
            let again = parse_schema(&printed)
                .unwrap_or_else(|err| panic!("printed schema rejected: {err}\n{printed}"));
            assert!(again == file, "round trip changed the AST:\n{printed}");
        }
    }
});
