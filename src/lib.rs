//! omnigraph-cluster: the `omnigraph cluster` control plane as a library; `src/main.rs` is the
//! thin binary. Read `ops` for the seven commands; every other module is one concern they share.
//!
//! Dependencies point one way: `signals` → `state::lock` → `store` → `fsx`; `ops` → `desired`
//! (`config`, `lang`) → `address`; `plan`, `blobs` and `observe` sit between `ops` and `store`.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod digest;
/// The schema and query languages: a crate of their own (`crates/lang`), so they cannot know
/// about clusters; re-exported so callers read `lang::schema` and `lang::query`.
pub use omnigraph_lang as lang;
pub mod layout;
pub mod ops;
pub mod output;
pub mod runtime;
pub mod signals;
pub mod state;

pub(crate) mod address;
pub(crate) mod blobs;
pub(crate) mod desired;
pub(crate) mod faults;
pub(crate) mod fsx;
pub(crate) mod observe;
pub(crate) mod par;
pub(crate) mod plan;
pub(crate) mod store;
