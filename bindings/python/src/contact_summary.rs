//! The per-customer contact summary: every point of one customer scored,
//! the best email and phone, the last contact.

use crate::contact::{malformed, scoring_args};
use crate::convert::{from_data, to_object};
use crate::errors::{guard, to_py};
use crmkit::contact::score::{self, ContactPoint};
use pyo3::prelude::*;

/// Scores the points of one customer (a list of dicts) and summarizes
/// them: a dict `{"best_email", "best_phone", "last_contact_at",
/// "last_contact_channel", "scores"}`.
#[pyfunction]
#[pyo3(signature = (points, now, policy=None))]
fn summarize_contacts<'py>(
    py: Python<'py>,
    points: &Bound<'py, PyAny>,
    now: &str,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let points = points
            .try_iter()
            .map_err(|e| malformed(py, "points", e))?
            .enumerate()
            .map(|(i, item)| {
                let item = item?;
                from_data::<ContactPoint>(&format!("points[{i}]"), &item).map_err(|e| to_py(py, e))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let (now, policy) = scoring_args(py, now, policy)?;
        to_object(py, &score::score_customer(&points, &policy, now))
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(summarize_contacts, m)?)?;
    Ok(())
}
