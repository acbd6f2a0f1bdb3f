//! CLI tests: every scenario of contract §10 run through the real `omnigraph` binary, with JSON
//! and human output checked exactly and by insta snapshot, and the resulting `__cluster/` files
//! inspected. One test binary keeps build and link time down.

mod apply;
mod ci;
mod discovery;
mod drift;
mod flows;
mod history;
mod hostile;
mod inspect;
mod plan;
mod query_wiring;
mod repair;
mod rich;
mod source;
mod status;
mod storage;
mod sync;
mod terminal;
mod unchanged;
mod unlock;
mod validate;
