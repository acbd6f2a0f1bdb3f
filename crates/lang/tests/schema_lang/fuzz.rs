//! Inputs found by fuzzing, kept with their verdicts.

use crate::support::*;

/// Inputs found by `cargo fuzz run schema` (fuzz/fuzz_targets/schema.rs), kept with their verdicts.
#[test]
fn fuzz_regressions() {
    // crash-be5364c0…: not a parser bug but a wrong harness assumption — a semantic message may
    // end in a raw line break, since `\` + LF is echoed as itself (§5.4), unlike §1.2's general
    // "messages never end with a newline".
    rejects_with(
        "node T @description(\"a\\\nb\") {}",
        "parse error: parse error: unsupported escape sequence: \\\n",
    );
}
