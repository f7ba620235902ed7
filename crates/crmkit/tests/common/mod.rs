//! Shared helpers of the integration tests.

use serde_json::Value;
use std::path::PathBuf;

/// The rows of a JSONL file in ../shared/data/<dir>/, or `None` (with a
/// message) when the shared data sets are not next to the repository. Rows
/// that are not valid JSON for Rust (a lone UTF-16 surrogate cannot be a
/// Rust string, nor reach the library through C or Python) come back as
/// `Value::Null`.
pub fn shared_rows(dir: &str, name: &str) -> Option<Vec<Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(dir)
        .join(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipping: {} is not available (the shared data sets sit next to the repository)",
            path.display()
        );
        return None;
    };
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
            .collect(),
    )
}
