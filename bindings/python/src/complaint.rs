//! Complaint handling for Python: tracking numbers.

use crate::errors::{guard, to_py};
use crmkit::complaint::tracking;
use pyo3::prelude::*;

/// The tracking number of a sequence number.
#[pyfunction]
#[pyo3(signature = (sequence, prefix=None))]
fn tracking_number(py: Python<'_>, sequence: u64, prefix: Option<&str>) -> PyResult<String> {
    guard(py, || {
        tracking::tracking_number(sequence, prefix).map_err(|e| to_py(py, e))
    })
}

/// A validated tracking number, or why it is not valid.
type Checked = (Option<(String, u64, Option<String>)>, Option<String>);

/// `((canonical, sequence, prefix), None)` for a valid tracking number,
/// `(None, reason)` for an invalid one.
#[pyfunction]
#[pyo3(signature = (text, prefix=None))]
fn check_tracking_number(py: Python<'_>, text: &str, prefix: Option<&str>) -> PyResult<Checked> {
    guard(py, || {
        let checked = match prefix {
            Some(p) => tracking::validate_with_prefix(text, p),
            None => tracking::validate(text),
        };
        Ok(match checked {
            Ok(t) => (Some((t.canonical, t.sequence, t.prefix)), None),
            Err(e) => (None, Some(e.to_string())),
        })
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tracking_number, m)?)?;
    m.add_function(wrap_pyfunction!(check_tracking_number, m)?)?;
    Ok(())
}
