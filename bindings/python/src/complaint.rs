//! Complaint handling for Python: tracking numbers, classifier, category
//! rules, business calendars, SLA policies, escalations and reports.

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
    m.add_class::<PyClassifier>()?;
    m.add_class::<PyCategoryRules>()?;
    m.add_class::<PyCalendar>()?;
    m.add_class::<PySlaPolicy>()?;
    m.add_function(wrap_pyfunction!(escalations_json, m)?)?;
    m.add_function(wrap_pyfunction!(due_times_json, m)?)?;
    m.add_function(wrap_pyfunction!(sla_state_json, m)?)?;
    m.add_function(wrap_pyfunction!(escalations_from_logs_json, m)?)?;
    m.add_function(wrap_pyfunction!(report_json, m)?)?;
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

    /// How the model was trained, as JSON: version, c (chosen by
    /// cross-validation when asked), cv_scores, stem, labels.
    fn report_json(&self) -> String {
        serde_json::to_string(&self.inner.report()).unwrap_or_default()
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

    /// The categorization of each text, as JSON (categories and flags with
    /// spans); `fields`, row-aligned, holds each complaint's fields as JSON
    /// (channel, product, segment, language, amount, attributes) for rules
    /// with field conditions.
    #[pyo3(signature = (texts, fields=None))]
    fn categorize_json(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        fields: Option<Vec<Option<String>>>,
    ) -> PyResult<Vec<String>> {
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
                    .map(|(i, j)| match j {
                        None => Ok(Fields::default()),
                        Some(j) => serde_json::from_str(j).map_err(|e| {
                            to_py(
                                py,
                                crmkit::Error::invalid_argument(
                                    "fields",
                                    format!(
                                        "a dict of channel, product, segment, language, amount, customer_value and attributes at row {i} ({e})"
                                    ),
                                ),
                            )
                        }),
                    })
                    .collect::<PyResult<_>>()?,
            };
            Ok(py.detach(|| {
                texts
                    .iter()
                    .zip(&fields)
                    .map(|(t, f)| {
                        serde_json::to_string(&self.inner.categorize_with(t, f)).unwrap_or_default()
                    })
                    .collect()
            }))
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

fn from_json<T: serde::de::DeserializeOwned>(
    name: &'static str,
    expected: &str,
    text: &str,
) -> crmkit::Result<T> {
    serde_json::from_str(text)
        .map_err(|e| crmkit::Error::invalid_argument(name, format!("{expected} ({e})")))
}

/// A JSON array of records; a bad record is an error naming its row.
fn rows<T: serde::de::DeserializeOwned>(
    name: &'static str,
    expected: &str,
    text: &str,
) -> crmkit::Result<Vec<T>> {
    let values: Vec<serde_json::Value> = from_json(name, "a list of dicts", text)?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value(v).map_err(|e| {
                crmkit::Error::invalid_argument(name, format!("{expected}; row {i}: {e}"))
            })
        })
        .collect()
}

fn to_json<T: serde::Serialize>(value: &T) -> crmkit::Result<String> {
    serde_json::to_string(value)
        .map_err(|e| crmkit::Error::invalid_argument("result", format!("serializable ({e})")))
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

    /// The policy as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || to_json(&self.inner).map_err(|e| to_py(py, e)))
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
            let p: crmkit::complaint::sla::Priority = from_json(
                "priority",
                "low, normal, high or urgent",
                &serde_json::Value::String(priority.to_owned()).to_string(),
            )
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

/// Escalations as JSON: `open` a JSON array of open complaints, `org` a
/// JSON object person -> supervisor or null, `now` RFC 3339.
#[pyfunction]
fn escalations_json(
    py: Python<'_>,
    open: &str,
    org: &str,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
    now: &str,
) -> PyResult<String> {
    guard(py, || {
        use crmkit::complaint::sla::{OpenComplaint, escalations};
        let run = || -> crmkit::Result<String> {
            let open: Vec<OpenComplaint> = rows("open", "open complaints", open)?;
            let org: std::collections::BTreeMap<String, Option<String>> =
                from_json("org", "a mapping person -> supervisor or None", org)?;
            let now = timestamp("now", now)?;
            to_json(&escalations(
                &open,
                &org,
                &policy.inner,
                &calendar.inner,
                now,
            )?)
        };
        py.detach(run).map_err(|e| to_py(py, e))
    })
}

/// Due times as JSON, one object per open complaint (`id`,
/// `first_response`, `update`, `resolution`).
#[pyfunction]
fn due_times_json(
    py: Python<'_>,
    open: &str,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
) -> PyResult<String> {
    guard(py, || {
        use crmkit::complaint::sla::{OpenComplaint, due_times};
        let run = || -> crmkit::Result<String> {
            let open: Vec<OpenComplaint> = rows("open", "open complaints", open)?;
            let mut out = Vec::with_capacity(open.len());
            for c in &open {
                let d = due_times(c, &policy.inner, &calendar.inner)?;
                out.push(
                    serde_json::json!({"id": c.id, "first_response": d.first_response,
                    "update": d.update, "resolution": d.resolution}),
                );
            }
            to_json(&out)
        };
        py.detach(run).map_err(|e| to_py(py, e))
    })
}

/// The SLA standing of one complaint as JSON: `events` a JSON array of
/// events (`at`, `kind` and the kind's fields), `now` RFC 3339.
#[pyfunction]
fn sla_state_json(
    py: Python<'_>,
    events: &str,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
    now: &str,
    warn_at: Vec<u32>,
) -> PyResult<String> {
    guard(py, || {
        use crmkit::complaint::sla::history::{ComplaintEvent, sla_state};
        let run = || -> crmkit::Result<String> {
            let events: Vec<ComplaintEvent> = rows("events", "complaint events", events)?;
            let now = timestamp("now", now)?;
            to_json(&sla_state(
                &events,
                &policy.inner,
                &calendar.inner,
                now,
                &warn_at,
            )?)
        };
        py.detach(run).map_err(|e| to_py(py, e))
    })
}

/// Escalations as JSON from an event table of many complaints (a JSON
/// array of events, each with its `complaint_id`), complaints in the order
/// they first appear.
#[pyfunction]
fn escalations_from_logs_json(
    py: Python<'_>,
    events: &str,
    org: &str,
    policy: &PySlaPolicy,
    calendar: &PyCalendar,
    now: &str,
) -> PyResult<String> {
    guard(py, || {
        use crmkit::complaint::sla::escalations_from_logs;
        use crmkit::complaint::sla::history::{ComplaintEvent, ComplaintLog};
        let run = || -> crmkit::Result<String> {
            let expected = "complaint events, each with a complaint_id";
            let mut values: Vec<serde_json::Value> = rows("events", expected, events)?;
            let mut logs: Vec<ComplaintLog> = Vec::new();
            let mut index = std::collections::HashMap::new();
            for (row, value) in values.iter_mut().enumerate() {
                let at_row = |what: String| {
                    crmkit::Error::invalid_argument(
                        "events",
                        format!("{expected}; row {row}: {what}"),
                    )
                };
                let id = match value.as_object_mut().and_then(|o| o.remove("complaint_id")) {
                    Some(serde_json::Value::String(id)) => id,
                    Some(other) => return Err(at_row(format!("complaint_id {other} is not text"))),
                    None => return Err(at_row("no complaint_id".into())),
                };
                let event: ComplaintEvent =
                    serde_json::from_value(value.take()).map_err(|e| at_row(e.to_string()))?;
                let i = *index.entry(id.clone()).or_insert_with(|| {
                    logs.push(ComplaintLog {
                        id,
                        events: Vec::new(),
                    });
                    logs.len() - 1
                });
                logs[i].events.push(event);
            }
            let org: std::collections::BTreeMap<String, Option<String>> =
                from_json("org", "a mapping person -> supervisor or None", org)?;
            let now = timestamp("now", now)?;
            to_json(&escalations_from_logs(
                &logs,
                &org,
                &policy.inner,
                &calendar.inner,
                now,
            )?)
        };
        py.detach(run).map_err(|e| to_py(py, e))
    })
}

/// The KPI report as JSON `{"rows": [...], "pareto": [...]}`.
#[pyfunction]
#[pyo3(signature = (complaints, by="first_department", calendar=None, now=None))]
fn report_json(
    py: Python<'_>,
    complaints: &str,
    by: &str,
    calendar: Option<&PyCalendar>,
    now: Option<&str>,
) -> PyResult<String> {
    guard(py, || {
        use crmkit::complaint::report::{GroupBy, Handled, pareto, report};
        let run = || -> crmkit::Result<String> {
            let handled: Vec<Handled> = rows("complaints", "handled complaints", complaints)?;
            let by: GroupBy = from_json(
                "by",
                "first_department, resolving_department, category, channel, month or all",
                &serde_json::Value::String(by.to_owned()).to_string(),
            )?;
            let now = now.map(|n| timestamp("now", n)).transpose()?;
            let rows = report(&handled, by, calendar.map(|c| &c.inner), now)?;
            let topics = pareto(&handled, |h| h.topic.clone().or_else(|| h.category.clone()));
            // a struct, not a JSON map, keeps the fields in their documented order
            #[derive(serde::Serialize)]
            struct Answer {
                rows: Vec<crmkit::complaint::report::ReportRow>,
                pareto: Vec<crmkit::complaint::report::ParetoRow>,
            }
            to_json(&Answer {
                rows,
                pareto: topics,
            })
        };
        py.detach(run).map_err(|e| to_py(py, e))
    })
}
