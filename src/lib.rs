//! omnigraph-cluster: the `omnigraph cluster` control plane as a library; `src/main.rs` is the
//! thin binary.

pub mod lang;
