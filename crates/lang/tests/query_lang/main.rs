//! The `.gq` query language through its public API: every type-checking rule of
//! query-language.md §8 (failing with the exact Display text, and passing), the tricky cases of
//! §9, post-parse rejections (§4.2), syntax-error reports, the AST shapes of §3, errors as data
//! (spans, rule ids, suggestions), and a property test over generated schemas and queries. One
//! test binary, one module per topic; `support` holds the shared helpers (and the
//! `fails!`/`passes!` tables, hence `macro_use` and its place first), `common` what the schema
//! tests share.

#[macro_use]
mod support;

#[path = "../common/mod.rs"]
mod common;

mod ast;
mod post_parse;
mod property;
mod rules;
mod spans;
mod syntax_reports;
mod tricky_syntax;
mod tricky_typecheck;
