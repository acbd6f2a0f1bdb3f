//! omnigraph-cluster: the `omnigraph cluster` control plane as a library; `src/main.rs` is the
//! thin binary. Read `ops` for the seven commands; every other module is one concern they share.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod desired;
pub mod diagnostic;
pub mod digest;
pub mod faults;
pub mod fsx;
pub mod lang;
pub mod layout;
pub mod observe;
pub mod ops;
pub mod output;
pub mod par;
pub mod plan;
pub mod runtime;
pub mod signals;
pub mod state;
