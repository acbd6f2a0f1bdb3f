//! What the two languages' test binaries share: checking that an error points where it should.
//! (Each binary includes this file: integration tests share code no other way.)

use omnigraph_lang::{ErrorDetail, Span};

/// Where `at` stands in `src`: its first occurrence, or with a leading `~` its last.
pub fn span_of(src: &str, at: &str) -> Span {
    let (text, found) = match at.strip_prefix('~') {
        Some(last) => (last, src.rfind(last)),
        None => (at, src.find(at)),
    };
    let start = found.unwrap_or_else(|| panic!("{text:?} not in {src:?}"));
    Span::new(start, start + text.len())
}

/// The error points at `at` in `src` (its text and its position, see [`span_of`]), has rule
/// `rule` and suggests `suggestion`.
#[track_caller]
pub fn points_at(
    error: &ErrorDetail,
    src: &str,
    at: &str,
    rule: Option<&str>,
    suggestion: Option<&str>,
) {
    let span = error.span().unwrap_or_else(|| panic!("no span: {error}"));
    assert_eq!(
        (span.slice(src), span),
        (at.trim_start_matches('~'), span_of(src, at)),
        "{error}\n{src}"
    );
    assert_eq!(error.rule(), rule, "{error}");
    assert_eq!(error.suggestion(), suggestion, "{error}");
}
