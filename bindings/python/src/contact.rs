//! Contact validity for Python: delivery outcome classification and the
//! validity score.

use crate::errors::{guard, to_py};
use crmkit::contact::outcome::{self, Channel, Outcome};
use crmkit::contact::score::{self, ContactPoint, Policy};
use crmkit::error::InputError;
use pyo3::prelude::*;

fn channel(py: Python<'_>, name: &str) -> PyResult<Channel> {
    Channel::parse(name).map_err(|e| to_py(py, e))
}

type OutcomeTuple = (
    &'static str,
    &'static str,
    Option<String>,
    Option<u16>,
    Option<String>,
    Option<u16>,
    bool,
);

fn tuple(o: Outcome) -> OutcomeTuple {
    (
        o.class.as_str(),
        o.reason.as_str(),
        o.enhanced_code,
        o.smtp_code,
        o.sms_state,
        o.gsm_error,
        o.long_term,
    )
}

/// (class, reason, enhanced_code, smtp_code, sms_state, gsm_error, long_term)
#[pyfunction]
#[pyo3(signature = (text, channel="email"))]
fn classify_outcome(py: Python<'_>, text: &str, channel: &str) -> PyResult<OutcomeTuple> {
    guard(py, || {
        let ch = self::channel(py, channel)?;
        Ok(tuple(outcome::classify(text, ch)))
    })
}

/// The same for a list of texts, with the GIL released.
#[pyfunction]
#[pyo3(signature = (texts, channel="email"))]
fn classify_outcomes(
    py: Python<'_>,
    texts: Vec<String>,
    channel: &str,
) -> PyResult<Vec<OutcomeTuple>> {
    guard(py, || {
        let ch = self::channel(py, channel)?;
        Ok(py.detach(|| {
            texts
                .iter()
                .map(|t| tuple(outcome::classify(t, ch)))
                .collect()
        }))
    })
}

fn malformed(py: Python<'_>, what: &str, e: impl std::fmt::Display) -> PyErr {
    to_py(
        py,
        InputError::Malformed {
            location: what.to_owned(),
            message: e.to_string(),
        }
        .into(),
    )
}

/// Scores a contact point given as JSON; returns the score as JSON.
#[pyfunction]
#[pyo3(signature = (point_json, now, policy_json=None))]
fn score_contact_json(
    py: Python<'_>,
    point_json: &str,
    now: &str,
    policy_json: Option<&str>,
) -> PyResult<String> {
    guard(py, || {
        let point: ContactPoint =
            serde_json::from_str(point_json).map_err(|e| malformed(py, "contact point", e))?;
        let now: jiff::Timestamp = now.parse().map_err(|e| malformed(py, "now", e))?;
        let policy = match policy_json {
            Some(p) => {
                let p: Policy = serde_json::from_str(p).map_err(|e| malformed(py, "policy", e))?;
                p.validate().map_err(|e| to_py(py, e))?;
                p
            }
            None => Policy::default(),
        };
        let s = score::score(&point, &policy, now);
        serde_json::to_string(&s).map_err(|e| malformed(py, "score", e))
    })
}

/// The default policy as JSON.
#[pyfunction]
fn default_policy_json() -> PyResult<String> {
    serde_json::to_string_pretty(&Policy::default())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(classify_outcome, m)?)?;
    m.add_function(wrap_pyfunction!(classify_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(score_contact_json, m)?)?;
    m.add_function(wrap_pyfunction!(default_policy_json, m)?)?;
    Ok(())
}
