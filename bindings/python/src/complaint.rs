//! Complaint handling for Python: tracking numbers, classifier, category
//! rules, business calendars, SLA policies, escalations and reports.

use crate::convert::{from_object, from_text, rows, to_object};
use crate::errors::{guard, to_py};
use crmkit::complaint::tracking;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

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
    m.add_class::<PyClassifier>()?;
    m.add_class::<PyCategoryRules>()?;
    m.add_class::<PyCalendar>()?;
    m.add_class::<PySlaPolicy>()?;
    m.add_function(wrap_pyfunction!(escalations, m)?)?;
    m.add_function(wrap_pyfunction!(due_times, m)?)?;
    m.add_function(wrap_pyfunction!(sla_state, m)?)?;
    m.add_function(wrap_pyfunction!(escalations_from_logs, m)?)?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    m.add_function(wrap_pyfunction!(tracking_number, m)?)?;
    m.add_function(wrap_pyfunction!(check_tracking_number, m)?)?;
    Ok(())
}

/// What `explain` returns: the label (or none), the top labels with their
/// probabilities, and the n-grams that weighed most.
type Explanation = (Option<String>, Vec<(String, f64)>, Vec<(String, f64)>);

/// A trained complaint classifier (immutable; shareable across threads).
#[pyclass(name = "Classifier", module = "crmkit.complaint", frozen)]
#[derive(Debug, Clone)]
pub struct PyClassifier {
    inner: std::sync::Arc<crmkit::complaint::classifier::Classifier>,
}

/// The `class_weight` argument: None or "none", "balanced", or a dict of
/// label -> weight.
fn class_weight(
    value: Option<&Bound<'_, PyAny>>,
) -> crmkit::Result<crmkit::complaint::classifier::ClassWeight> {
    use crmkit::complaint::classifier::ClassWeight;
    let expected = "None, \"none\", \"balanced\" or a dict of label -> weight";
    let Some(value) = value else {
        return Ok(ClassWeight::None);
    };
    if value.is_none() {
        return Ok(ClassWeight::None);
    }
    if let Ok(name) = value.extract::<String>() {
        return match name.as_str() {
            "none" => Ok(ClassWeight::None),
            "balanced" => Ok(ClassWeight::Balanced),
            _ => Err(crmkit::Error::invalid_argument(
                "class_weight",
                format!("{expected}, got {name:?}"),
            )),
        };
    }
    value
        .extract::<std::collections::BTreeMap<String, f64>>()
        .map(ClassWeight::Explicit)
        .map_err(|_| crmkit::Error::invalid_argument("class_weight", expected))
}

#[pymethods]
impl PyClassifier {
    /// Trains on texts and labels (sequences of str), with the GIL released.
    #[staticmethod]
    #[pyo3(signature = (texts, labels, c=1.0, epochs=12, hash_bits=20, min_char_df=2, abstain_below=0.0, min_known=0.0, stem=None, class_weight=None, cv_folds=0, c_grid=None, seed=0))]
    #[allow(clippy::too_many_arguments)]
    fn train(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        c: f64,
        epochs: usize,
        hash_bits: u32,
        min_char_df: u32,
        abstain_below: f64,
        min_known: f64,
        stem: Option<&str>,
        class_weight: Option<&Bound<'_, PyAny>>,
        cv_folds: u32,
        c_grid: Option<Vec<f64>>,
        seed: u64,
    ) -> PyResult<PyClassifier> {
        guard(py, || {
            if !(0.0..=1.0).contains(&abstain_below) {
                return Err(to_py(
                    py,
                    crmkit::Error::invalid_argument(
                        "abstain_below",
                        format!("a probability from 0 to 1, got {abstain_below}"),
                    ),
                ));
            }
            if epochs == 0 {
                return Err(to_py(
                    py,
                    crmkit::Error::invalid_argument("epochs", "at least 1, got 0"),
                ));
            }
            use crmkit::complaint::classifier::{Stemmer, TrainOptions};
            let stem = match stem {
                None => Stemmer::None,
                Some(name) => Stemmer::from_name(name).ok_or_else(|| {
                    to_py(
                        py,
                        crmkit::Error::invalid_argument(
                            "stem",
                            format!("\"none\", \"turkish\" or \"english\", got {name:?}"),
                        ),
                    )
                })?,
            };
            let class_weight = self::class_weight(class_weight).map_err(|e| to_py(py, e))?;
            let defaults = TrainOptions::default();
            let o = TrainOptions {
                c,
                epochs,
                hash_bits,
                min_char_df,
                abstain_below,
                min_known,
                stem,
                class_weight,
                cv_folds,
                c_grid: c_grid.unwrap_or(defaults.c_grid),
                seed,
            };
            let model = py
                .detach(|| crmkit::complaint::classifier::Classifier::train(&texts, &labels, &o))
                .map_err(|e| to_py(py, e))?;
            Ok(PyClassifier {
                inner: std::sync::Arc::new(model),
            })
        })
    }

    /// One label per text, `None` where the model abstains.
    fn predict(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<Option<String>>> {
        guard(py, || {
            Ok(py.detach(|| texts.iter().map(|t| self.inner.predict(t).label).collect()))
        })
    }

    /// For each text, the label probabilities, most likely first.
    fn predict_proba(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
    ) -> PyResult<Vec<Vec<(String, f64)>>> {
        guard(py, || {
            Ok(py.detach(|| texts.iter().map(|t| self.inner.predict_proba(t)).collect()))
        })
    }

    /// For one text: (label or None, top five (label, probability), top features (n-gram, contribution)).
    fn explain(&self, py: Python<'_>, text: &str) -> PyResult<Explanation> {
        guard(py, || {
            let p = self.inner.predict(text);
            Ok((p.label, p.top, p.features))
        })
    }

    /// The labels, sorted.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.labels().to_vec()
    }

    /// How the model was trained, as a dict: version, c (chosen by
    /// cross-validation when asked), cv_scores, stem, labels.
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_object(py, &self.inner.report())
    }

    /// The model file's bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyBytes> {
        pyo3::types::PyBytes::new(py, &self.inner.save())
    }

    /// Reads a model from bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PyClassifier> {
        guard(py, || {
            let model =
                crmkit::complaint::classifier::Classifier::load(data).map_err(|e| to_py(py, e))?;
            Ok(PyClassifier {
                inner: std::sync::Arc::new(model),
            })
        })
    }

    fn __repr__(&self) -> String {
        let labels = self.inner.labels();
        let shown: Vec<String> = labels
            .iter()
            .take(5)
            .map(|l| crate::repr::text(l))
            .collect();
        let more = match labels.len().saturating_sub(shown.len()) {
            0 => String::new(),
            n => format!(", ... {n} more"),
        };
        format!("Classifier(labels=[{}{more}])", shown.join(", "))
    }
}

/// A compiled category rule set (immutable; shareable across threads).
#[pyclass(name = "CategoryRules", module = "crmkit.complaint", frozen)]
#[derive(Debug, Clone)]
pub struct PyCategoryRules {
    inner: crmkit::complaint::categorize::CategoryRules,
}

#[pymethods]
impl PyCategoryRules {
    fn __repr__(&self) -> String {
        let source = self.inner.source();
        format!(
            "CategoryRules(version={}, categories={})",
            crate::repr::text(&source.version),
            source.categories.len()
        )
    }

    /// Compiles a rule file given as text (`format`: "toml" or "json").
    #[staticmethod]
    #[pyo3(signature = (text, format="toml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<PyCategoryRules> {
        guard(py, || {
            use crmkit::complaint::categorize::CategoryRules;
            let compiled = match format {
                "toml" => CategoryRules::from_toml(text),
                "json" => CategoryRules::from_json(text),
                other => Err(crmkit::Error::invalid_argument(
                    "format",
                    format!("\"toml\" or \"json\", got {other:?}"),
                )),
            };
            Ok(PyCategoryRules {
                inner: compiled.map_err(|e| to_py(py, e))?,
            })
        })
    }

    /// The categorization of each text, as a dict (categories and flags
    /// with spans); `fields`, row-aligned, holds each complaint's fields as
    /// a dict or None (channel, product, segment, language, amount,
    /// attributes) for rules with field conditions.
    #[pyo3(signature = (texts, fields=None))]
    fn categorize<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        fields: Option<Vec<Bound<'py, PyAny>>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        use crmkit::complaint::categorize::Fields;
        guard(py, || {
            let fields: Vec<Fields> = match fields {
                None => vec![Fields::default(); texts.len()],
                Some(f) if f.len() != texts.len() => {
                    return Err(to_py(
                        py,
                        crmkit::Error::invalid_argument(
                            "fields",
                            format!("one entry per text ({}), got {}", texts.len(), f.len()),
                        ),
                    ));
                }
                Some(f) => f
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let expected = format!(
                            "a dict of channel, product, segment, language, amount, customer_value and attributes at row {i}"
                        );
                        crate::convert::from_optional("fields", &expected, Some(d))
                            .map(Option::unwrap_or_default)
                            .map_err(|e| to_py(py, e))
                    })
                    .collect::<PyResult<_>>()?,
            };
            let results: Vec<_> = py.detach(|| {
                texts
                    .iter()
                    .zip(&fields)
                    .map(|(t, f)| self.inner.categorize_with(t, f))
                    .collect()
            });
            results.iter().map(|r| to_object(py, r)).collect()
        })
    }
}

fn format_error(other: &str) -> crmkit::Error {
    crmkit::Error::invalid_argument("format", format!("\"toml\" or \"json\", got {other:?}"))
}

fn timestamp(name: &'static str, text: &str) -> crmkit::Result<jiff::Timestamp> {
    text.parse().map_err(|e| {
        crmkit::Error::invalid_argument(name, format!("an RFC 3339 time with an offset ({e})"))
    })
}

/// A business calendar: time zone, working hours, holidays and half days
/// (immutable; shareable across threads).
#[pyclass(name = "Calendar", module = "crmkit.complaint", frozen)]
#[derive(Debug, Clone)]
pub struct PyCalendar {
    inner: crmkit::complaint::calendar::Calendar,
}

#[pymethods]
impl PyCalendar {
    /// Reads a calendar given as text (`format`: "toml" or "json").
    #[staticmethod]
    #[pyo3(signature = (text, format="toml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<PyCalendar> {
        guard(py, || {
            use crmkit::complaint::calendar::Calendar;
            let c = match format {
                "toml" => Calendar::from_toml(text),
                "json" => Calendar::from_json(text),
                other => Err(format_error(other)),
            };
            Ok(PyCalendar {
                inner: c.map_err(|e| to_py(py, e))?,
            })
        })
    }

    /// Türkiye's official holidays 2026–2027, weekdays 09:00–18:00.
    #[staticmethod]
    fn turkey_2026_2027() -> PyCalendar {
        PyCalendar {
            inner: crmkit::complaint::calendar::Calendar::turkey_2026_2027(),
        }
    }

    /// The calendar's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// `start` (RFC 3339) plus `hours` of business time, as RFC 3339 UTC.
    fn add_business_hours(&self, py: Python<'_>, start: &str, hours: f64) -> PyResult<String> {
        guard(py, || {
            let run = || -> crmkit::Result<String> {
                if !(hours.is_finite() && (0.0..1e6).contains(&hours)) {
                    return Err(crmkit::Error::invalid_argument(
                        "hours",
                        format!("a number of hours from 0 to 1e6, got {hours}"),
                    ));
                }
                let start = timestamp("start", start)?;
                let d = jiff::SignedDuration::from_secs_f64(hours * 3600.0);
                Ok(self.inner.add_business_time(start, d)?.to_string())
            };
            run().map_err(|e| to_py(py, e))
        })
    }

    /// Business hours between two RFC 3339 times; an `end` before `start` is an error.
    fn business_hours_between(&self, py: Python<'_>, start: &str, end: &str) -> PyResult<f64> {
        guard(py, || {
            let run = || -> crmkit::Result<f64> {
                let (a, b) = (timestamp("start", start)?, timestamp("end", end)?);
                if b < a {
                    return Err(crmkit::Error::invalid_argument(
                        "end",
                        format!("a time not before `start`, got end {b} before start {a}"),
                    ));
                }
                Ok(self.inner.business_time_between(a, b)?.as_secs_f64() / 3600.0)
            };
            run().map_err(|e| to_py(py, e))
        })
    }

    fn __repr__(&self) -> String {
        format!("Calendar({})", crate::repr::text(self.inner.name()))
    }
}

/// A versioned SLA policy: targets per category and priority, and
/// escalation steps (immutable).
#[pyclass(name = "SlaPolicy", module = "crmkit.complaint", frozen)]
#[derive(Debug, Clone)]
pub struct PySlaPolicy {
    inner: crmkit::complaint::sla::SlaPolicy,
}

#[pymethods]
impl PySlaPolicy {
    /// Reads a policy given as text (`format`: "toml" or "json").
    #[staticmethod]
    #[pyo3(signature = (text, format="toml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<PySlaPolicy> {
        guard(py, || {
            use crmkit::complaint::sla::SlaPolicy;
            let p = match format {
                "toml" => SlaPolicy::from_toml(text),
                "json" => SlaPolicy::from_json(text),
                other => Err(format_error(other)),
            };
            Ok(PySlaPolicy {
                inner: p.map_err(|e| to_py(py, e))?,
            })
        })
    }

    /// The policy version.
    #[getter]
    fn version(&self) -> String {
        self.inner.version.clone()
    }

    /// The policy as JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            serde_json::to_string(&self.inner).map_err(|e| {
                to_py(
                    py,
                    crmkit::Error::invalid_argument("policy", format!("serializable ({e})")),
                )
            })
        })
    }

    /// The targets (first response, update, resolution hours; None when
    /// not tracked) of a category and priority.
    #[pyo3(signature = (category=None, priority="normal"))]
    fn targets(
        &self,
        py: Python<'_>,
        category: Option<&str>,
        priority: &str,
    ) -> PyResult<(Option<f64>, Option<f64>, Option<f64>)> {
        guard(py, || {
            let p: crmkit::complaint::sla::Priority =
                from_text("priority", "low, normal, high or urgent", priority)
                    .map_err(|e| to_py(py, e))?;
            let t = self.inner.targets(category, p);
            Ok((t.first_response_hours, t.update_hours, t.resolution_hours))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "SlaPolicy(version={})",
            crate::repr::text(&self.inner.version)
        )
    }
}

type Org = std::collections::BTreeMap<String, Option<String>>;

const ORG: &str = "a mapping person -> supervisor or None";

/// Escalations, one dict per (complaint, clock) past its first step: `open`
/// a list of open-complaint dicts, `org` a dict person -> supervisor or
/// None, `now` RFC 3339.
#[pyfunction]
fn escalations<'py>(
    py: Python<'py>,
    open: &Bound<'py, PyAny>,
    org: &Bound<'py, PyAny>,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
    now: &str,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        use crmkit::complaint::sla::{OpenComplaint, escalations};
        let read = || -> crmkit::Result<(Vec<OpenComplaint>, Org, jiff::Timestamp)> {
            Ok((
                rows("open", "open complaints", open)?,
                from_object("org", ORG, org)?,
                timestamp("now", now)?,
            ))
        };
        let (open, org, now) = read().map_err(|e| to_py(py, e))?;
        let out = py
            .detach(|| escalations(&open, &org, &policy.inner, &calendar.inner, now))
            .map_err(|e| to_py(py, e))?;
        to_object(py, &out)
    })
}

/// When each running clock of an open complaint is due.
#[derive(serde::Serialize)]
struct DueTimes {
    id: String,
    first_response: Option<jiff::Timestamp>,
    update: Option<jiff::Timestamp>,
    resolution: Option<jiff::Timestamp>,
}

/// Due times, one dict per open complaint (`id`, `first_response`,
/// `update`, `resolution`).
#[pyfunction]
fn due_times<'py>(
    py: Python<'py>,
    open: &Bound<'py, PyAny>,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        use crmkit::complaint::sla::{OpenComplaint, due_times};
        let open: Vec<OpenComplaint> =
            rows("open", "open complaints", open).map_err(|e| to_py(py, e))?;
        let run = || -> crmkit::Result<Vec<DueTimes>> {
            open.iter()
                .map(|c| {
                    let d = due_times(c, &policy.inner, &calendar.inner)?;
                    Ok(DueTimes {
                        id: c.id.clone(),
                        first_response: d.first_response,
                        update: d.update,
                        resolution: d.resolution,
                    })
                })
                .collect()
        };
        let out = py.detach(run).map_err(|e| to_py(py, e))?;
        to_object(py, &out)
    })
}

/// The SLA standing of one complaint as a dict: `events` a list of event
/// dicts (`at`, `kind` and the kind's fields), `now` RFC 3339.
#[pyfunction]
fn sla_state<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
    now: &str,
    warn_at: Vec<u32>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        use crmkit::complaint::sla::history::{ComplaintEvent, sla_state};
        let read = || -> crmkit::Result<(Vec<ComplaintEvent>, jiff::Timestamp)> {
            Ok((
                rows("events", "complaint events", events)?,
                timestamp("now", now)?,
            ))
        };
        let (events, now) = read().map_err(|e| to_py(py, e))?;
        let out = py
            .detach(|| sla_state(&events, &policy.inner, &calendar.inner, now, &warn_at))
            .map_err(|e| to_py(py, e))?;
        to_object(py, &out)
    })
}

/// The events of many complaints (dicts, each with its `complaint_id`) as
/// one log per complaint, in the order the complaints first appear.
fn logs(
    events: &Bound<'_, PyAny>,
) -> crmkit::Result<Vec<crmkit::complaint::sla::history::ComplaintLog>> {
    use crmkit::complaint::sla::history::ComplaintLog;
    const EXPECTED: &str = "complaint events, each with a complaint_id";
    let at_row = |row: usize, what: String| {
        crmkit::Error::invalid_argument("events", format!("{EXPECTED}; row {row}: {what}"))
    };
    let items = events
        .try_iter()
        .ok()
        .filter(|_| !events.is_instance_of::<PyString>() && !events.is_instance_of::<PyDict>())
        .ok_or_else(|| {
            crmkit::Error::invalid_argument("events", format!("a list of {EXPECTED}"))
        })?;
    let mut logs: Vec<ComplaintLog> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (row, item) in items.enumerate() {
        let item = item.map_err(|e| at_row(row, e.to_string()))?;
        let event = item
            .cast::<PyDict>()
            .map_err(|_| at_row(row, "not a dict".into()))?
            .copy()
            .map_err(|e| at_row(row, e.to_string()))?;
        let id = match event
            .get_item("complaint_id")
            .map_err(|e| at_row(row, e.to_string()))?
        {
            Some(id) => match id.extract::<String>() {
                Ok(id) => id,
                Err(_) => {
                    let shown = id.repr().map(|r| r.to_string()).unwrap_or_default();
                    return Err(at_row(row, format!("complaint_id {shown} is not text")));
                }
            },
            None => return Err(at_row(row, "no complaint_id".into())),
        };
        event
            .del_item("complaint_id")
            .map_err(|e| at_row(row, e.to_string()))?;
        let event =
            pythonize::depythonize(event.as_any()).map_err(|e| at_row(row, e.to_string()))?;
        let i = *index.entry(id.clone()).or_insert_with(|| {
            logs.push(ComplaintLog {
                id,
                events: Vec::new(),
            });
            logs.len() - 1
        });
        logs[i].events.push(event);
    }
    Ok(logs)
}

/// Escalations from an event list of many complaints (dicts, each with its
/// `complaint_id`), complaints in the order they first appear.
#[pyfunction]
fn escalations_from_logs<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    org: &Bound<'py, PyAny>,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
    now: &str,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        use crmkit::complaint::sla::escalations_from_logs;
        let read = || -> crmkit::Result<_> {
            Ok((
                logs(events)?,
                from_object::<Org>("org", ORG, org)?,
                timestamp("now", now)?,
            ))
        };
        let (logs, org, now) = read().map_err(|e| to_py(py, e))?;
        let out = py
            .detach(|| escalations_from_logs(&logs, &org, &policy.inner, &calendar.inner, now))
            .map_err(|e| to_py(py, e))?;
        to_object(py, &out)
    })
}

/// The KPI report as a dict `{"rows": [...], "pareto": [...]}`.
#[pyfunction]
#[pyo3(signature = (complaints, by="first_department", calendar=None, now=None))]
fn report<'py>(
    py: Python<'py>,
    complaints: &Bound<'py, PyAny>,
    by: &str,
    calendar: Option<&PyCalendar>,
    now: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        use crmkit::complaint::report::{GroupBy, Handled, ParetoRow, ReportRow, pareto, report};
        // a struct, not a map, keeps the fields in their documented order
        #[derive(serde::Serialize)]
        struct Answer {
            rows: Vec<ReportRow>,
            pareto: Vec<ParetoRow>,
        }
        let read = || -> crmkit::Result<(Vec<Handled>, GroupBy, Option<jiff::Timestamp>)> {
            Ok((
                rows("complaints", "handled complaints", complaints)?,
                from_text(
                    "by",
                    "first_department, resolving_department, category, channel, month or all",
                    by,
                )?,
                now.map(|n| timestamp("now", n)).transpose()?,
            ))
        };
        let (handled, by, now) = read().map_err(|e| to_py(py, e))?;
        let run = || -> crmkit::Result<Answer> {
            let rows = report(&handled, by, calendar.map(|c| &c.inner), now)?;
            let topics = pareto(&handled, |h| h.topic.clone().or_else(|| h.category.clone()));
            Ok(Answer {
                rows,
                pareto: topics,
            })
        };
        let out = py.detach(run).map_err(|e| to_py(py, e))?;
        to_object(py, &out)
    })
}
