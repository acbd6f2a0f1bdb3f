//! Rendering output objects: pretty JSON or the exact human lines of contract §9.

pub mod human;

use crate::ops::Output;
use std::io::Write;

/// Write `output` as pretty JSON (two-space indent) plus one newline. Streamed, because the
/// document of a large plan runs to tens of megabytes and need never exist whole in memory.
pub fn write_json(output: &Output, out: &mut impl Write) -> serde_json::Result<()> {
    output.write_json(&mut *out)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    out.flush().map_err(serde_json::Error::io)
}
