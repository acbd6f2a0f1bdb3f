//! String-literal escapes, shared by the schema and query languages.

/// Decodes the inside of a string literal (without its quotes): `\" \\ \n \r \t`; any other
/// escape is an error `unsupported escape sequence: \X` (query-language.md §1.4 P3,
/// schema-language.md §5.4 A6 — the two languages agree).
pub(crate) fn decode(raw: &str) -> Result<String, String> {
    if !raw.contains('\\') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => return Err(format!("unsupported escape sequence: \\{other}")),
            // The grammar never leaves a lone trailing backslash inside a literal.
            None => return Err("unterminated escape sequence".to_owned()),
        }
    }
    Ok(out)
}
