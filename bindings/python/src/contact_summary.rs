//! The per-customer contact summary: every point of one customer scored,
//! the best email and phone, the last contact.

use crate::contact::{malformed, scoring_args};
use crate::errors::guard;
use crmkit::contact::score::{self, ContactPoint};
use pyo3::prelude::*;

/// Scores the points of one customer (a JSON array) and summarizes them:
/// JSON `{"best_email", "best_phone", "last_contact_at",
/// "last_contact_channel", "scores"}`.
#[pyfunction]
#[pyo3(signature = (points_json, now, policy_json=None))]
fn summarize_contacts_json(
    py: Python<'_>,
    points_json: &str,
    now: &str,
    policy_json: Option<&str>,
) -> PyResult<String> {
    guard(py, || {
        let values: Vec<serde_json::Value> =
            serde_json::from_str(points_json).map_err(|e| malformed(py, "points", e))?;
        let points = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<ContactPoint>(v)
                    .map_err(|e| malformed(py, &format!("points[{i}]"), e))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let (now, policy) = scoring_args(py, now, policy_json)?;
        let customer = score::score_customer(&points, &policy, now);
        serde_json::to_string(&customer).map_err(|e| malformed(py, "summary", e))
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(summarize_contacts_json, m)?)?;
    Ok(())
}
