//! Rendering output objects: pretty JSON or the exact human lines of contract §9.

pub mod human;

use crate::ops::Output;

/// The full stdout text for `output`: JSON plus one newline, or the human lines.
pub fn render(output: &Output, json: bool) -> Result<String, serde_json::Error> {
    if json {
        let mut text = output.to_json()?;
        text.push('\n');
        Ok(text)
    } else {
        Ok(human::render(output))
    }
}
