//! Customer 360 for Python: the contact policy, a thread-safe store of
//! profiles fed with event dicts, and contact decisions (the GIL released
//! for batches).
//!
//! An event dict is read by [`to_value`], which walks it (no JSON text),
//! drops missing values (None, NaN, NaT), turns datetimes into RFC 3339
//! text and numpy scalars into numbers, and then into an [`Event`], whose
//! errors name the field. Results leave through [`crate::convert`].

use crate::convert::{from_object, to_object};
use crate::errors::{guard, to_py, wrong_type};
use crmkit::engagement::{Channel, Decision, Event, Policy, Purpose, Request, Store, follow};
use crmkit::error::InputError;
use crmkit::identity::index::FeedEvent;
use jiff::Timestamp;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyStore>()?;
    m.add_class::<PyDecision>()?;
    Ok(())
}

fn malformed(location: impl Into<String>, message: impl std::fmt::Display) -> crmkit::Error {
    InputError::Malformed {
        location: location.into(),
        message: message.to_string(),
    }
    .into()
}

/// `crmkit._time.to_text`, the one converter of Python times to RFC 3339
/// text (it refuses naive datetimes, naming the field).
fn time_to_text<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static TO_TEXT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = obj.py();
    let f = TO_TEXT.get_or_try_init(py, || {
        py.import("crmkit._time")?
            .getattr("to_text")
            .map(Bound::unbind)
    })?;
    f.bind(py).call1((obj, name))
}

/// Whether `obj` is a missing value: `None`, a float NaN, pandas `NaT` or
/// `NA` (the same rule as `crmkit._time.is_missing`).
fn is_missing(obj: &Bound<'_, PyAny>) -> bool {
    if obj.is_none() {
        return true;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    obj.get_type()
        .name()
        .is_ok_and(|n| n == "NaTType" || n == "NAType")
}

/// A serde value from a Python object; `None` for a missing value (see
/// [`is_missing`]). Takes str, bool, int, float, dicts with str keys,
/// lists and tuples; a datetime (anything with `isoformat`) becomes
/// RFC 3339 text through [`time_to_text`]; a numpy scalar is read through
/// `.item()`. `name` names the value in errors.
fn to_value(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<Value>> {
    let py = obj.py();
    if is_missing(obj) {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(Value::String(s.to_str()?.to_owned())));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Some(Value::Bool(b.is_true())));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Some(Value::from(i)));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Some(Value::from(u)));
        }
        return Err(to_py(py, malformed(name, "integer out of range")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return match Number::from_f64(f.value()) {
            Some(n) => Ok(Some(Value::Number(n))),
            None => Err(to_py(
                py,
                malformed(name, format!("{} is not a finite number", f.value())),
            )),
        };
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(k) => k.to_str()?.to_owned(),
                Err(_) => return Err(wrong_type(py, name, "a dict with str keys", &k)),
            };
            if let Some(v) = to_value(&v, &format!("{name}.{key}"))? {
                map.insert(key, v);
            }
        }
        return Ok(Some(Value::Object(map)));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_value(&item?, &format!("{name}[{i}]"))?.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(out)));
    }
    if obj.hasattr("isoformat")? {
        return to_value(&time_to_text(obj, name)?, name);
    }
    if obj.hasattr("item")? {
        let item = obj.call_method0("item")?;
        if !item.is(obj) && !item.get_type().is(obj.get_type()) {
            return to_value(&item, name);
        }
    }
    Err(wrong_type(
        py,
        name,
        "str, bool, int, float, an aware datetime, a list or a dict",
        obj,
    ))
}

/// Reads one event dict; `at` names it in errors (`event`, `events[3]`).
fn read_event(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<Event> {
    let py = obj.py();
    if !obj.is_instance_of::<PyDict>() {
        return Err(wrong_type(py, at, "an event dict", obj));
    }
    let value = to_value(obj, at)?.unwrap_or(Value::Null);
    serde_json::from_value::<Event>(value).map_err(|e| to_py(py, malformed(at, e)))
}

fn parse_now(now: Option<&str>) -> crmkit::Result<Timestamp> {
    match now {
        None => Ok(Timestamp::now()),
        Some(t) => t.parse::<Timestamp>().map_err(|e| {
            crmkit::Error::invalid_argument(
                "now",
                format!("an RFC 3339 time with an offset such as 2026-12-01T14:00:00+03:00, got {t:?} ({e})"),
            )
        }),
    }
}

/// A request from its parts; unknown names are errors naming the argument.
fn request(
    campaign: Option<String>,
    channel: Option<&str>,
    purpose: &str,
    time_zone: Option<String>,
) -> crmkit::Result<Request> {
    let mut r = Request::new(Purpose::parse(purpose)?);
    r.channel = channel.map(Channel::parse).transpose()?;
    r.campaign = campaign;
    r.time_zone = time_zone;
    Ok(r)
}

fn with_row(i: usize, e: crmkit::Error) -> crmkit::Error {
    match e {
        crmkit::Error::Input(InputError::InvalidArgument { name, expected }) => {
            crmkit::Error::invalid_argument(name, format!("row {i}: {expected}"))
        }
        other => other,
    }
}

/// A contact policy (immutable; shareable across threads).
#[pyclass(name = "EngagementPolicy", module = "crmkit.engagement", frozen)]
#[derive(Debug, Clone)]
pub struct PyPolicy {
    inner: Policy,
}

#[pymethods]
impl PyPolicy {
    /// Reads a policy given as text (`format`: "toml" or "json").
    #[staticmethod]
    #[pyo3(signature = (text, format="toml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<PyPolicy> {
        guard(py, || {
            let inner = match format {
                "toml" => Policy::from_toml(text),
                "json" => Policy::from_json(text),
                other => Err(crmkit::Error::invalid_argument(
                    "format",
                    format!("\"toml\" or \"json\", got {other:?}"),
                )),
            }
            .map_err(|e| to_py(py, e))?;
            Ok(PyPolicy { inner })
        })
    }

    /// The default policy (İYS-style defaults for Türkiye).
    #[staticmethod]
    fn default() -> PyPolicy {
        PyPolicy {
            inner: Policy::default(),
        }
    }

    /// Findings as `(code, message)` pairs, the policy's examples included.
    fn lint(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, String)>> {
        guard(py, || {
            Ok(py.detach(|| {
                self.inner
                    .lint()
                    .into_iter()
                    .map(|f| (f.code, f.message))
                    .collect()
            }))
        })
    }

    /// The policy as a dict (every field, defaults filled in).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_object(py, &self.inner)
    }

    /// The policy as JSON text, which `from_str(text, "json")` reads back.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| to_py(py, malformed("policy", e)))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyPolicy>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
}

/// One contact decision.
#[pyclass(name = "EngagementDecision", module = "crmkit.engagement", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyDecision {
    inner: Decision,
}

#[pymethods]
impl PyDecision {
    /// Whether the contact may be made.
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allowed
    }

    /// The channel: the one allowed, or the one requested (None when no
    /// channel was requested and none was allowed).
    #[getter]
    fn channel(&self) -> Option<&'static str> {
        self.inner.channel.map(Channel::as_str)
    }

    /// The contact point (address, number) to use; profiles keep no
    /// addresses, so this is always None.
    #[getter]
    fn point(&self) -> Option<String> {
        None
    }

    /// The reason codes, in order: customer reasons first, then channel
    /// reasons in the order the channels were tried.
    #[getter]
    fn reasons(&self) -> Vec<&'static str> {
        self.inner.codes()
    }

    /// Every reason as a dict: `code`, `channel` (or None) and `until`
    /// (RFC 3339 text of when it stops applying, or None).
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in &self.inner.reasons {
            let d = PyDict::new(py);
            d.set_item("code", r.code.as_str())?;
            d.set_item("channel", r.channel.map(Channel::as_str))?;
            d.set_item("until", r.until.map(|t| t.to_string()))?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The decision as a dict: `allowed`, `channel`, `point`, `reasons`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("allowed", self.allowed())?;
        d.set_item("channel", self.channel())?;
        d.set_item("point", self.point())?;
        d.set_item("reasons", self.reasons())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        // reason codes and channels are snake_case words: quoted as Python does
        let reasons: Vec<String> = self
            .inner
            .codes()
            .iter()
            .map(|c| format!("'{c}'"))
            .collect();
        format!(
            "Decision(allowed={}, channel={}, reasons=[{}])",
            if self.inner.allowed { "True" } else { "False" },
            self.inner
                .channel
                .map_or_else(|| "None".to_owned(), |c| format!("'{c}'")),
            reasons.join(", "),
        )
    }
}

/// A thread-safe store of customer profiles under one policy.
#[pyclass(name = "EngagementStore", module = "crmkit.engagement", frozen)]
#[derive(Debug)]
pub struct PyStore {
    inner: Store,
}

/// The columns of a batch of decisions: `allowed`, `channel`, `reasons`.
type DecisionColumns = (Vec<bool>, Vec<Option<&'static str>>, Vec<Vec<&'static str>>);

#[pymethods]
impl PyStore {
    /// An empty store deciding under `policy` (the default policy when None).
    #[new]
    #[pyo3(signature = (policy=None))]
    fn new(policy: Option<&Bound<'_, PyPolicy>>) -> PyStore {
        PyStore {
            inner: Store::new(policy.map(|p| p.get().inner.clone()).unwrap_or_default()),
        }
    }

    /// The policy.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: self.inner.policy().clone(),
        }
    }

    /// Folds one event dict into its customer's profile.
    fn apply(&self, py: Python<'_>, event: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let event = read_event(event, "event")?;
            self.inner.apply(&event);
            Ok(())
        })
    }

    /// Folds every event dict of an iterable, with the GIL released while
    /// folding. Every event is read first: on an error (naming
    /// `events[i]` and the field) nothing is applied. Returns the count.
    fn apply_many(&self, py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<usize> {
        guard(py, || {
            let mut read = Vec::new();
            for (i, e) in events.try_iter()?.enumerate() {
                read.push(read_event(&e?, &format!("events[{i}]"))?);
            }
            py.detach(|| {
                for e in &read {
                    self.inner.apply(e);
                }
            });
            Ok(read.len())
        })
    }

    /// Applies the identity events made of the identity index's feed
    /// events (dicts from `Index.events_since`) at `now` (RFC 3339 text;
    /// None is the current time). Returns how many were applied.
    #[pyo3(signature = (feed, now=None))]
    fn follow_index(
        &self,
        py: Python<'_>,
        feed: &Bound<'_, PyAny>,
        now: Option<&str>,
    ) -> PyResult<usize> {
        guard(py, || {
            let feed: Vec<FeedEvent> =
                from_object("feed", "a list of events from Index.events_since", feed)
                    .map_err(|e| to_py(py, e))?;
            let time = parse_now(now).map_err(|e| to_py(py, e))?;
            let events = follow::feed_events(&feed, time);
            for e in &events {
                self.inner.apply(e);
            }
            Ok(events.len())
        })
    }

    /// Decides on contacting `customer` at `now` (RFC 3339 text; None is
    /// the current time).
    #[pyo3(signature = (customer, campaign=None, channel=None, purpose="commercial", now=None, time_zone=None))]
    #[allow(clippy::too_many_arguments)]
    fn decide(
        &self,
        py: Python<'_>,
        customer: &str,
        campaign: Option<String>,
        channel: Option<&str>,
        purpose: &str,
        now: Option<&str>,
        time_zone: Option<String>,
    ) -> PyResult<PyDecision> {
        guard(py, || {
            let req = request(campaign, channel, purpose, time_zone).map_err(|e| to_py(py, e))?;
            let now = parse_now(now).map_err(|e| to_py(py, e))?;
            Ok(PyDecision {
                inner: self.inner.decide(customer, &req, now),
            })
        })
    }

    /// Decides on many row-aligned requests at one `now`, with the GIL
    /// released; returns the columns `(allowed, channel, reasons)`. A
    /// missing purpose is `commercial`.
    #[pyo3(signature = (customers, campaigns, channels, purposes, now=None))]
    fn decide_rows(
        &self,
        py: Python<'_>,
        customers: Vec<String>,
        campaigns: Vec<Option<String>>,
        channels: Vec<Option<String>>,
        purposes: Vec<Option<String>>,
        now: Option<&str>,
    ) -> PyResult<DecisionColumns> {
        guard(py, || {
            let n = customers.len();
            for (name, len) in [
                ("campaigns", campaigns.len()),
                ("channels", channels.len()),
                ("purposes", purposes.len()),
            ] {
                if len != n {
                    return Err(to_py(
                        py,
                        crmkit::Error::invalid_argument(
                            "customers",
                            format!("{n} rows, but `{name}` has {len}"),
                        ),
                    ));
                }
            }
            let now = parse_now(now).map_err(|e| to_py(py, e))?;
            let requests = campaigns
                .into_iter()
                .zip(&channels)
                .zip(&purposes)
                .enumerate()
                .map(|(i, ((campaign, channel), purpose))| {
                    request(
                        campaign,
                        channel.as_deref(),
                        purpose.as_deref().unwrap_or("commercial"),
                        None,
                    )
                    .map_err(|e| with_row(i, e))
                })
                .collect::<crmkit::Result<Vec<Request>>>()
                .map_err(|e| to_py(py, e))?;
            Ok(py.detach(|| {
                let mut allowed = Vec::with_capacity(n);
                let mut channel = Vec::with_capacity(n);
                let mut reasons = Vec::with_capacity(n);
                for (customer, req) in customers.iter().zip(&requests) {
                    let d = self.inner.decide(customer, req, now);
                    allowed.push(d.allowed);
                    channel.push(d.channel.map(Channel::as_str));
                    reasons.push(d.codes());
                }
                (allowed, channel, reasons)
            }))
        })
    }

    /// A copy of the customer's profile as a dict (times as RFC 3339
    /// text), or None for a customer without events.
    fn profile<'py>(&self, py: Python<'py>, customer: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(py, || match self.inner.profile(customer) {
            None => Ok(None),
            Some(p) => to_object(py, &p).map(Some),
        })
    }

    /// Every profile as versioned bytes.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(py, || {
            let bytes = py.detach(|| self.inner.snapshot());
            Ok(PyBytes::new(py, &bytes))
        })
    }

    /// Replaces every profile with those of a snapshot; on an error the
    /// store is unchanged.
    fn restore(&self, py: Python<'_>, data: &[u8]) -> PyResult<()> {
        guard(py, || {
            py.detach(|| self.inner.restore(data))
                .map_err(|e| to_py(py, e))
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}
