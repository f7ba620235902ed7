//! Contact validity for Python: delivery outcome classification and the
//! validity score.

use crate::errors::{guard, to_py};
use crmkit::contact::email::{self, EmailAddress, EmailLists, EmailOptions};
use crmkit::contact::outcome::{self, Channel, Outcome};
use crmkit::contact::phone::{self, PhoneNumber};
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

/// A parsed email address.
#[pyclass(name = "EmailResult", module = "crmkit.contact", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyEmail {
    input: String,
    valid: bool,
    normalized: Option<String>,
    local_part: Option<String>,
    domain: Option<String>,
    ascii_domain: Option<String>,
    ascii_email: Option<String>,
    smtputf8: bool,
    display_name: Option<String>,
    dedup_key: Option<String>,
    kind: Option<&'static str>,
    suggestion: Option<String>,
    error: Option<&'static str>,
    message: Option<&'static str>,
}

impl From<EmailAddress> for PyEmail {
    fn from(e: EmailAddress) -> Self {
        PyEmail {
            input: e.input,
            valid: e.valid,
            normalized: e.normalized,
            local_part: e.local_part,
            domain: e.domain,
            ascii_domain: e.ascii_domain,
            ascii_email: e.ascii_email,
            smtputf8: e.smtputf8,
            display_name: e.display_name,
            dedup_key: e.dedup_key,
            kind: e.kind.map(|k| k.as_str()),
            suggestion: e.suggestion,
            error: e.error.map(|i| i.as_str()),
            message: e.error.map(|i| i.message()),
        }
    }
}

#[pymethods]
impl PyEmail {
    fn __repr__(&self) -> String {
        match self.error {
            None => format!(
                "EmailResult(valid=True, normalized={:?}, kind={:?}, dedup_key={:?}, suggestion={:?})",
                self.normalized.as_deref().unwrap_or(""),
                self.kind.unwrap_or(""),
                self.dedup_key.as_deref().unwrap_or(""),
                self.suggestion
            ),
            Some(e) => format!(
                "EmailResult(valid=False, error={e:?}, suggestion={:?})",
                self.suggestion
            ),
        }
    }

    fn __bool__(&self) -> bool {
        self.valid
    }
}

fn email_options(options: Option<&str>) -> Result<EmailOptions, String> {
    match options {
        None => Ok(EmailOptions::default()),
        Some(json) => serde_json::from_str(json).map_err(|e| e.to_string()),
    }
}

/// Parses one address (`options_json`: email-validator style options as JSON).
#[pyfunction]
#[pyo3(signature = (text, options_json=None))]
fn parse_email(py: Python<'_>, text: &str, options_json: Option<&str>) -> PyResult<PyEmail> {
    guard(py, || {
        let o = email_options(options_json).map_err(|e| malformed(py, "email options", e))?;
        Ok(PyEmail::from(email::parse_with(
            text,
            &o,
            EmailLists::builtin(),
        )))
    })
}

/// Maps `f` over `items` on up to `workers` threads (0: one per core);
/// batches under 4,096 items stay on the calling thread. Order is kept.
fn map_parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = match workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        w => w,
    }
    .min(items.len() / 4096)
    .max(1);
    if workers == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Parses many addresses with the GIL released (`None` parses as empty),
/// on `workers` threads.
#[pyfunction]
#[pyo3(signature = (texts, options_json=None, workers=0))]
fn parse_emails(
    py: Python<'_>,
    texts: Vec<Option<String>>,
    options_json: Option<&str>,
    workers: usize,
) -> PyResult<Vec<PyEmail>> {
    guard(py, || {
        let o = email_options(options_json).map_err(|e| malformed(py, "email options", e))?;
        Ok(py.detach(|| {
            map_parallel(&texts, workers, |t| {
                PyEmail::from(email::parse_with(
                    t.as_deref().unwrap_or(""),
                    &o,
                    EmailLists::builtin(),
                ))
            })
        }))
    })
}

/// A parsed phone number.
#[pyclass(name = "PhoneResult", module = "crmkit.contact", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyPhone {
    input: String,
    valid: bool,
    possible: bool,
    e164: Option<String>,
    region: Option<String>,
    country_code: Option<u32>,
    national_number: Option<String>,
    #[pyo3(name = "type")]
    phone_type: &'static str,
    national_format: Option<String>,
    international_format: Option<String>,
    extension: Option<String>,
    sms_capable: bool,
    multiple_numbers: bool,
    suggestion: Option<String>,
    error: Option<&'static str>,
}

impl From<PhoneNumber> for PyPhone {
    fn from(p: PhoneNumber) -> Self {
        PyPhone {
            input: p.input,
            valid: p.valid,
            possible: p.possible,
            e164: p.e164,
            region: p.region,
            country_code: p.country_code,
            national_number: p.national_number,
            phone_type: p.phone_type.as_str(),
            national_format: p.national_format,
            international_format: p.international_format,
            extension: p.extension,
            sms_capable: p.sms_capable,
            multiple_numbers: p.multiple_numbers,
            suggestion: p.suggestion,
            error: p.error.map(|e| e.as_str()),
        }
    }
}

#[pymethods]
impl PyPhone {
    fn __repr__(&self) -> String {
        format!(
            "PhoneResult(valid={}, e164={:?}, type={:?}, extension={:?}, error={:?})",
            if self.valid { "True" } else { "False" },
            self.e164,
            self.phone_type,
            self.extension,
            self.error
        )
    }

    fn __bool__(&self) -> bool {
        self.valid
    }
}

/// Parses one number with a default region.
#[pyfunction]
#[pyo3(signature = (text, region="TR"))]
fn parse_phone(py: Python<'_>, text: &str, region: &str) -> PyResult<PyPhone> {
    guard(py, || {
        let r = phone::region(region).map_err(|e| to_py(py, e))?;
        Ok(PyPhone::from(phone::parse_in(text, Some(r))))
    })
}

/// Parses many numbers with the GIL released (`None` parses as empty), on
/// `workers` threads.
#[pyfunction]
#[pyo3(signature = (texts, region="TR", workers=0))]
fn parse_phones(
    py: Python<'_>,
    texts: Vec<Option<String>>,
    region: &str,
    workers: usize,
) -> PyResult<Vec<PyPhone>> {
    guard(py, || {
        let r = phone::region(region).map_err(|e| to_py(py, e))?;
        Ok(py.detach(|| {
            map_parallel(&texts, workers, |t| {
                PyPhone::from(phone::parse_in(t.as_deref().unwrap_or(""), Some(r)))
            })
        }))
    })
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
    m.add_class::<PyEmail>()?;
    m.add_class::<PyPhone>()?;
    m.add_function(wrap_pyfunction!(parse_phone, m)?)?;
    m.add_function(wrap_pyfunction!(parse_phones, m)?)?;
    m.add_function(wrap_pyfunction!(parse_email, m)?)?;
    m.add_function(wrap_pyfunction!(parse_emails, m)?)?;
    m.add_function(wrap_pyfunction!(classify_outcome, m)?)?;
    m.add_function(wrap_pyfunction!(classify_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(score_contact_json, m)?)?;
    m.add_function(wrap_pyfunction!(default_policy_json, m)?)?;
    Ok(())
}
