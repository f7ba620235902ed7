//! Complaint routing for Python: a compiled rule set, one complaint as a
//! dict or many as columns (the GIL released while routing); the routing
//! state travels as a dict.

use crate::convert::{from_object, from_optional, to_object};
use crate::errors::{guard, to_py};
use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::intake::{Channel, Complaint};
use crmkit::complaint::routing::{Decision, RoutingState, RuleSet};
use jiff::Timestamp;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};

fn bad(name: &'static str, expected: String) -> crmkit::Error {
    crmkit::Error::invalid_argument(name, expected)
}

fn parse_now(now: Option<&str>) -> crmkit::Result<Option<Timestamp>> {
    now.map(|t| {
        t.parse::<Timestamp>().map_err(|e| {
            bad(
                "now",
                format!("an RFC 3339 time such as 2026-11-23T09:00:00Z, got {t:?} ({e})"),
            )
        })
    })
    .transpose()
}

fn parse_state(state: Option<&Bound<'_, PyAny>>) -> crmkit::Result<RoutingState> {
    let expected = "a dict with cursors, loads and unavailable";
    Ok(from_optional("state", expected, state)?.unwrap_or_default())
}

/// The columns of a batch of complaints, row-aligned.
type Strings = Vec<Option<String>>;

/// Python strings made once per distinct value, so a batch of decisions
/// shares them instead of allocating one per row.
#[derive(Default)]
struct Names {
    cache: std::collections::HashMap<String, Py<PyString>>,
}

impl Names {
    fn get(&mut self, py: Python<'_>, s: &str) -> Py<PyString> {
        if let Some(p) = self.cache.get(s) {
            return p.clone_ref(py);
        }
        let p = PyString::new(py, s).unbind();
        self.cache.insert(s.to_owned(), p.clone_ref(py));
        p
    }

    fn opt(&mut self, py: Python<'_>, s: Option<&str>) -> Option<Py<PyString>> {
        s.map(|s| self.get(py, s))
    }
}

/// The output fields, in the order `route_columns` returns them.
const FIELDS: [&str; 7] = [
    "department",
    "assignee",
    "category",
    "priority",
    "due",
    "fired",
    "assigned_by",
];

/// Decisions as row dicts (`rows = true`) or as one list per field, plus
/// the state dict.
fn decisions_out<'py>(
    py: Python<'py>,
    decisions: &[Decision],
    state: &RoutingState,
    rows: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let mut names = Names::default();
    let keys: Vec<Bound<'py, PyString>> = FIELDS.iter().map(|f| PyString::intern(py, f)).collect();
    let mut values = |d: &Decision| -> PyResult<[Py<PyAny>; 7]> {
        let fired: Vec<Py<PyString>> = d.fired.iter().map(|f| names.get(py, f)).collect();
        Ok([
            names.get(py, &d.department).into_any(),
            names.get(py, &d.assignee).into_any(),
            names
                .opt(py, d.category.as_deref())
                .map_or_else(|| py.None(), Py::into_any),
            names.get(py, d.priority.as_str()).into_any(),
            d.due
                .map(|t| t.to_string())
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            PyList::new(py, fired)?.into_any().unbind(),
            names.get(py, d.assigned_by.as_str()).into_any(),
        ])
    };
    let out = if rows {
        let list = PyList::empty(py);
        for d in decisions {
            let row = PyDict::new(py);
            for (k, v) in keys.iter().zip(values(d)?) {
                row.set_item(k, v)?;
            }
            list.append(row)?;
        }
        list.into_any()
    } else {
        let columns: Vec<Bound<'py, PyList>> = FIELDS.iter().map(|_| PyList::empty(py)).collect();
        for d in decisions {
            for (c, v) in columns.iter().zip(values(d)?) {
                c.append(v)?;
            }
        }
        let dict = PyDict::new(py);
        for (k, c) in keys.iter().zip(columns) {
            dict.set_item(k, c)?;
        }
        dict.into_any()
    };
    Ok((out, to_object(py, state)?))
}

/// Reads one row dict into `c` (reused between rows); errors name the row
/// and the field.
fn read_row<'py>(row: &Bound<'py, PyAny>, i: usize, c: &mut Complaint) -> PyResult<()> {
    let py = row.py();
    let row = row.cast::<PyDict>().map_err(|_| {
        to_py(
            py,
            bad(
                "complaints",
                format!(
                    "a dict at row {i}, got {}",
                    row.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ),
            ),
        )
    })?;
    let field = |key: &Bound<'py, PyString>| -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(row.get_item(key)?.filter(|v| !v.is_none() && !is_nan(v)))
    };
    let text = |name: &'static str, v: Option<Bound<'py, PyAny>>| -> PyResult<Option<String>> {
        v.map(|v| {
            v.extract::<String>().map_err(|_| {
                to_py(
                    py,
                    bad(name, format!("text or None at row {i}, got {}", repr(&v))),
                )
            })
        })
        .transpose()
    };
    let number = |name: &'static str, v: Option<Bound<'py, PyAny>>| -> PyResult<Option<f64>> {
        v.map(|v| {
            if v.is_instance_of::<PyBool>() || v.is_instance_of::<PyString>() {
                return Err(to_py(
                    py,
                    bad(
                        name,
                        format!("a number or None at row {i}, got {}", repr(&v)),
                    ),
                ));
            }
            v.extract::<f64>().map_err(|_| {
                to_py(
                    py,
                    bad(
                        name,
                        format!("a number or None at row {i}, got {}", repr(&v)),
                    ),
                )
            })
        })
        .transpose()
    };
    let channel = text("channel", field(pyo3::intern!(py, "channel"))?)?.ok_or_else(|| {
        to_py(
            py,
            bad(
                "channel",
                format!("a channel for every complaint; row {i} has none"),
            ),
        )
    })?;
    c.channel = Channel::parse_at(&channel, i).map_err(|e| to_py(py, e))?;
    c.id = text("id", field(pyo3::intern!(py, "id"))?)?;
    c.category = text("category", field(pyo3::intern!(py, "category"))?)?;
    c.product = text("product", field(pyo3::intern!(py, "product"))?)?;
    c.segment = text("segment", field(pyo3::intern!(py, "segment"))?)?;
    c.language = text("language", field(pyo3::intern!(py, "language"))?)?;
    c.text = text("text", field(pyo3::intern!(py, "text"))?)?.unwrap_or_default();
    c.amount = number("amount", field(pyo3::intern!(py, "amount"))?)?;
    c.customer_value = number(
        "customer_value",
        field(pyo3::intern!(py, "customer_value"))?,
    )?;
    c.flags.clear();
    if let Some(f) = field(pyo3::intern!(py, "flags"))? {
        if let Ok(one) = f.extract::<String>() {
            c.flags.push(one);
        } else {
            c.flags = f.extract::<Vec<String>>().map_err(|_| {
                to_py(
                    py,
                    bad(
                        "flags",
                        format!("a list of flag names at row {i}, got {}", repr(&f)),
                    ),
                )
            })?;
        }
    }
    c.attributes.clear();
    if let Some(a) = field(pyo3::intern!(py, "attributes"))? {
        c.attributes = a.extract().map_err(|_| {
            to_py(
                py,
                bad(
                    "attributes",
                    format!("a dict of text values at row {i}, got {}", repr(&a)),
                ),
            )
        })?;
    }
    c.received_at = match field(pyo3::intern!(py, "received_at"))? {
        None => None,
        Some(v) => {
            let t = if v.hasattr(pyo3::intern!(py, "isoformat"))? {
                v.call_method0(pyo3::intern!(py, "isoformat"))?
                    .extract::<String>()?
            } else {
                text("received_at", Some(v))?.unwrap_or_default()
            };
            Some(timestamp(i, &t).map_err(|e| to_py(py, e))?)
        }
    };
    Ok(())
}

fn is_nan(v: &Bound<'_, PyAny>) -> bool {
    v.is_instance_of::<PyFloat>() && v.extract::<f64>().is_ok_and(f64::is_nan)
}

fn repr(v: &Bound<'_, PyAny>) -> String {
    v.repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<unprintable>".into())
}

/// An RFC 3339 time with an offset. A time without one is refused rather
/// than guessed: a wrong zone would silently shift the due time.
fn timestamp(row: usize, t: &str) -> crmkit::Result<Timestamp> {
    t.parse::<Timestamp>().map_err(|_| {
        let expected = if t.parse::<jiff::civil::DateTime>().is_ok() {
            format!(
                "a time with a time zone at row {row}, got the naive time {t:?}; \
                 attach one (e.g. tzinfo=timezone.utc, or a Z or +03:00 suffix)"
            )
        } else {
            format!("an RFC 3339 time at row {row}, got {t:?}")
        };
        bad("received_at", expected)
    })
}

/// Refuses a `received_at` Arrow timestamp column without a time zone, for
/// the same reason as [`timestamp`].
fn check_zoned(batch: &arrow_array::RecordBatch) -> crmkit::Result<()> {
    let schema = batch.schema();
    let naive = schema
        .field_with_name("received_at")
        .is_ok_and(|f| matches!(f.data_type(), arrow_schema::DataType::Timestamp(_, None)));
    if naive {
        return Err(bad(
            "received_at",
            "a timestamp column with a time zone, got naive timestamps; attach one \
             (e.g. pandas tz_localize, polars dt.replace_time_zone)"
                .into(),
        ));
    }
    Ok(())
}

/// A compiled routing rule set (immutable; shareable across threads).
#[pyclass(name = "RuleSet", module = "crmkit.complaint", frozen)]
#[derive(Debug, Clone)]
pub struct PyRuleSet {
    inner: RuleSet,
}

#[pymethods]
impl PyRuleSet {
    /// Compiles a rule set given as text (`format`: "toml" or "json"), with
    /// an optional business calendar (TOML text) for due times.
    #[staticmethod]
    #[pyo3(signature = (text, format="toml", calendar=None))]
    fn from_str(
        py: Python<'_>,
        text: &str,
        format: &str,
        calendar: Option<&str>,
    ) -> PyResult<PyRuleSet> {
        guard(py, || {
            let compiled = match format {
                "toml" => RuleSet::from_toml(text),
                "json" => RuleSet::from_json(text),
                other => Err(bad(
                    "format",
                    format!("\"toml\" or \"json\", got {other:?}"),
                )),
            }
            .map_err(|e| to_py(py, e))?;
            let inner = match calendar {
                Some(c) => {
                    compiled.with_calendar(Calendar::from_toml(c).map_err(|e| to_py(py, e))?)
                }
                None => compiled,
            };
            Ok(PyRuleSet { inner })
        })
    }

    /// Routes one complaint given as a dict; returns (decision dict, state dict).
    #[pyo3(signature = (complaint, state=None, now=None))]
    fn route<'py>(
        &self,
        py: Python<'py>,
        complaint: &Bound<'py, PyAny>,
        state: Option<&Bound<'py, PyAny>>,
        now: Option<&str>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        guard(py, || {
            let run = || -> crmkit::Result<(Decision, RoutingState)> {
                let c: Complaint = from_object("complaint", "a complaint record", complaint)?;
                let mut st = parse_state(state)?;
                let d = self.inner.route(&c, &mut st, parse_now(now)?)?;
                Ok((d, st))
            };
            let (d, st) = run().map_err(|e| to_py(py, e))?;
            Ok((to_object(py, &d)?, to_object(py, &st)?))
        })
    }

    /// Routes many complaints given as row-aligned columns, the state
    /// carried from row to row, with the GIL released while routing.
    /// Returns (dict of output columns, state JSON).
    #[pyo3(signature = (n, channel, category, product, segment, language, amount, customer_value, flags, received_at, ids, text, state=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn route_columns<'py>(
        &self,
        py: Python<'py>,
        n: usize,
        channel: Vec<Option<String>>,
        category: Strings,
        product: Strings,
        segment: Strings,
        language: Strings,
        amount: Vec<Option<f64>>,
        customer_value: Vec<Option<f64>>,
        flags: Vec<Option<Vec<String>>>,
        received_at: Strings,
        ids: Strings,
        text: Strings,
        state: Option<&Bound<'py, PyAny>>,
        now: Option<&str>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        guard(py, || {
            for (name, len) in [
                ("channel", channel.len()),
                ("category", category.len()),
                ("product", product.len()),
                ("segment", segment.len()),
                ("language", language.len()),
                ("amount", amount.len()),
                ("customer_value", customer_value.len()),
                ("flags", flags.len()),
                ("received_at", received_at.len()),
                ("id", ids.len()),
                ("text", text.len()),
            ] {
                if len != n {
                    return Err(to_py(
                        py,
                        bad(name, format!("a column of {n} values, got {len}")),
                    ));
                }
            }
            let build = || -> crmkit::Result<Vec<Complaint>> {
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let name = channel[i].as_deref().ok_or_else(|| {
                        bad(
                            "channel",
                            format!("a channel for every complaint; row {i} has none"),
                        )
                    })?;
                    let ch = Channel::parse_at(name, i)?;
                    let mut c = Complaint::new(ch, text[i].as_deref().unwrap_or(""));
                    c.id.clone_from(&ids[i]);
                    c.category.clone_from(&category[i]);
                    c.product.clone_from(&product[i]);
                    c.segment.clone_from(&segment[i]);
                    c.language.clone_from(&language[i]);
                    // NaN is how pandas writes a missing number
                    c.amount = amount[i].filter(|v| !v.is_nan());
                    c.customer_value = customer_value[i].filter(|v| !v.is_nan());
                    if let Some(f) = &flags[i] {
                        c.flags.clone_from(f);
                    }
                    c.received_at = received_at[i]
                        .as_deref()
                        .map(|t| timestamp(i, t))
                        .transpose()?;
                    out.push(c);
                }
                Ok(out)
            };
            let complaints = py.detach(build).map_err(|e| to_py(py, e))?;
            self.route_all(py, &complaints, state, now, false)
        })
    }

    /// Routes a list of complaint dicts read directly (keys as in
    /// `route`), the state carried from row to row, with the GIL
    /// released while routing. Returns (list of decision dicts, state dict).
    #[pyo3(signature = (rows, state=None, now=None))]
    fn route_rows<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyList>,
        state: Option<&Bound<'py, PyAny>>,
        now: Option<&str>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        guard(py, || {
            let mut complaints = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                let mut c = Complaint::new(Channel::Other, "");
                read_row(&row, i, &mut c)?;
                complaints.push(c);
            }
            self.route_all(py, &complaints, state, now, true)
        })
    }

    /// Routes the rows of an Arrow table or record batch (any object with
    /// `__arrow_c_stream__` or `__arrow_c_array__`) in order, with the GIL
    /// released; returns (the decisions as an Arrow batch, state dict).
    #[pyo3(signature = (data, state=None, now=None))]
    fn route_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        state: Option<&Bound<'py, PyAny>>,
        now: Option<&str>,
    ) -> PyResult<(crate::arrow::ArrowResult, Bound<'py, PyAny>)> {
        guard(py, || {
            let batch = crate::arrow::batch(data, "complaints")?;
            let mut st = parse_state(state).map_err(|e| to_py(py, e))?;
            let run = || -> crmkit::Result<arrow_array::RecordBatch> {
                check_zoned(&batch)?;
                let now = parse_now(now)?;
                crmkit_arrow::routing::route(&self.inner, &batch, &mut st, now)
            };
            let out = py.detach(run).map_err(|e| to_py(py, e))?;
            Ok((crate::arrow::out(py, Ok(out))?, to_object(py, &st)?))
        })
    }

    /// The lint findings as a list of dicts.
    fn lint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_object(py, &self.inner.lint()))
    }

    /// Lints and runs the examples of the rule file; the report as a dict.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let report = self.inner.check().map_err(|e| to_py(py, e))?;
            to_object(py, &report)
        })
    }

    /// The rule set as written, as a dict.
    fn source<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_object(py, self.inner.source()))
    }

    /// Person → supervisor, for escalations.
    fn org_chart(&self) -> std::collections::BTreeMap<String, Option<String>> {
        self.inner.org_chart()
    }

    /// The rule set's version.
    #[getter]
    fn version(&self) -> String {
        self.inner.version().to_owned()
    }

    fn __repr__(&self) -> String {
        format!(
            "RuleSet(version={}, rules={})",
            crate::repr::text(self.inner.version()),
            self.inner.source().rules.len()
        )
    }
}

impl PyRuleSet {
    fn route_all<'py>(
        &self,
        py: Python<'py>,
        complaints: &[Complaint],
        state: Option<&Bound<'py, PyAny>>,
        now: Option<&str>,
        rows: bool,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let mut st = parse_state(state).map_err(|e| to_py(py, e))?;
        let run = || -> crmkit::Result<Vec<Decision>> {
            let now = parse_now(now)?;
            self.inner.route_batch(complaints, &mut st, now)
        };
        let decisions = py.detach(run).map_err(|e| to_py(py, e))?;
        decisions_out(py, &decisions, &st, rows)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRuleSet>()?;
    Ok(())
}
