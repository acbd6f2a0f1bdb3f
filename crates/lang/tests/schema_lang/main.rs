//! The `.pg` schema language through its public API (`parse_schema` → `build_catalog`), against
//! `shared/spec/schema-language.md`: every construct, every rejection rule of §7 with its exact
//! text, the phase order of §1.3, the tricky cases of §10, syntax-error positions, the catalog
//! contents of §8.8/§9, a pretty-print round-trip property, fuzz regressions, and errors as data
//! (spans, rule ids, suggestions). One test binary, one module per topic; `support` holds the
//! shared helpers, `common` what the query tests share.

#[path = "../common/mod.rs"]
mod common;

mod annotations;
mod catalog;
mod constraints;
mod construction;
mod constructs;
mod example;
mod fuzz;
mod interfaces;
mod phases;
mod round_trip;
mod spans;
mod support;
mod syntax;
mod tricky;
