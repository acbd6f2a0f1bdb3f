//! omnigraph-cluster: the `omnigraph cluster` control plane as a library; `src/main.rs` is the
//! thin binary. Read `ops` for the commands; every other module is one concern they share.
//!
//! Dependencies point one way: `output` (the object of any command, and its rendering) sits on
//! top of `ops`; `signals` → `state::lock` → `store` → `fsx`; `ops` → `desired` (`config`,
//! `lang`) → `addressed`, `address`; `plan`, `blobs` and `observe` sit between `ops` and `store`;
//! the ledger (`state`) and the differ (`plan`) know only the leaves. The store knows bytes and
//! names, never config, observations or languages. `glossary` (plan reasons, status conditions),
//! `progress` (the progress hook) and `textdiff` (the line diff) are leaves anyone may use.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod digest;
pub mod glossary;
/// The schema and query languages: a crate of their own (`crates/lang`), so they cannot know
/// about clusters; re-exported so callers read `lang::schema` and `lang::query`.
pub use omnigraph_lang as lang;
pub mod layout;
pub mod ops;
pub mod output;
pub mod progress;
pub mod runtime;
pub mod signals;
pub mod state;
/// Public for `benches/textdiff.rs`.
pub mod textdiff;

pub(crate) mod address;
pub(crate) mod addressed;
pub(crate) mod blobs;
pub(crate) mod desired;
pub(crate) mod discovery;
pub(crate) mod faults;
pub(crate) mod fsx;
pub(crate) mod observe;
pub(crate) mod par;
pub(crate) mod plan;
pub(crate) mod store;
