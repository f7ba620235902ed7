//! Complaint routing for Python: a compiled rule set, one complaint as JSON
//! or many as columns (the GIL released while routing).

use crate::errors::{guard, to_py};
use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::intake::{Channel, Complaint};
use crmkit::complaint::routing::{Decision, RoutingState, RuleSet};
use jiff::Timestamp;
use pyo3::prelude::*;

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

fn parse_state(state: Option<&str>) -> crmkit::Result<RoutingState> {
    match state {
        None => Ok(RoutingState::default()),
        Some(s) => serde_json::from_str(s).map_err(|e| {
            bad(
                "state",
                format!("a dict with cursors, loads and unavailable ({e})"),
            )
        }),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    // the routing types serialize infallibly (string keys, finite numbers)
    serde_json::to_string(v).unwrap_or_default()
}

/// The columns of a batch of complaints, row-aligned.
type Strings = Vec<Option<String>>;

/// What `route_columns` returns, row-aligned: department, assignee,
/// category, priority, due (RFC 3339), fired rule ids, how assigned; and
/// the state after the last row as JSON.
type Routed = (
    Vec<String>,
    Vec<String>,
    Vec<Option<String>>,
    Vec<&'static str>,
    Vec<Option<String>>,
    Vec<Vec<String>>,
    Vec<&'static str>,
    String,
);

fn priority_name(p: crmkit::complaint::sla::Priority) -> &'static str {
    use crmkit::complaint::sla::Priority::*;
    match p {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

fn assigned_name(a: crmkit::complaint::routing::AssignedBy) -> &'static str {
    use crmkit::complaint::routing::AssignedBy::*;
    match a {
        Rule => "rule",
        Fixed => "fixed",
        RoundRobin => "round_robin",
        LeastLoaded => "least_loaded",
        Skills => "skills",
        Fallback => "fallback",
    }
}

fn channel_of(row: usize, name: &str) -> crmkit::Result<Channel> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        let known: Vec<String> = Channel::ALL
            .iter()
            .map(|c| to_json(c).trim_matches('"').to_owned())
            .collect();
        bad(
            "channel",
            format!("one of {} at row {row}, got {name:?}", known.join(", ")),
        )
    })
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

    /// Routes one complaint given as JSON; returns (decision JSON, state JSON).
    #[pyo3(signature = (complaint, state=None, now=None))]
    fn route_json(
        &self,
        py: Python<'_>,
        complaint: &str,
        state: Option<&str>,
        now: Option<&str>,
    ) -> PyResult<(String, String)> {
        guard(py, || {
            let run = || -> crmkit::Result<(String, String)> {
                let c: Complaint = serde_json::from_str(complaint)
                    .map_err(|e| bad("complaint", format!("a complaint record ({e})")))?;
                let mut st = parse_state(state)?;
                let d = self.inner.route(&c, &mut st, parse_now(now)?)?;
                Ok((to_json(&d), to_json(&st)))
            };
            run().map_err(|e| to_py(py, e))
        })
    }

    /// Routes many complaints given as row-aligned columns, the state
    /// carried from row to row, with the GIL released.
    #[pyo3(signature = (n, channel, category, product, segment, language, amount, customer_value, flags, received_at, ids, text, state=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn route_columns(
        &self,
        py: Python<'_>,
        n: usize,
        channel: Vec<String>,
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
        state: Option<&str>,
        now: Option<&str>,
    ) -> PyResult<Routed> {
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
            let run = || -> crmkit::Result<Routed> {
                let mut st = parse_state(state)?;
                let now = parse_now(now)?;
                let mut out: Routed = (
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    String::new(),
                );
                let mut last_channel: Option<(&str, Channel)> = None;
                let mut c = Complaint::new(Channel::Other, "");
                for i in 0..n {
                    c.channel = match last_channel {
                        Some((name, ch)) if name == channel[i] => ch,
                        _ => {
                            let ch = channel_of(i, &channel[i])?;
                            last_channel = Some((&channel[i], ch));
                            ch
                        }
                    };
                    c.category.clone_from(&category[i]);
                    c.product.clone_from(&product[i]);
                    c.segment.clone_from(&segment[i]);
                    c.language.clone_from(&language[i]);
                    // NaN is how pandas writes a missing number
                    c.amount = amount[i].filter(|v| !v.is_nan());
                    c.customer_value = customer_value[i].filter(|v| !v.is_nan());
                    match &flags[i] {
                        Some(f) => c.flags.clone_from(f),
                        None => c.flags.clear(),
                    }
                    c.id.clone_from(&ids[i]);
                    c.text.clear();
                    if let Some(t) = &text[i] {
                        c.text.push_str(t);
                    }
                    c.received_at = received_at[i]
                        .as_deref()
                        .map(|t| {
                            t.parse::<Timestamp>().map_err(|e| {
                                bad(
                                    "received_at",
                                    format!("an RFC 3339 time at row {i}, got {t:?} ({e})"),
                                )
                            })
                        })
                        .transpose()?;
                    let d: Decision = self.inner.route(&c, &mut st, now)?;
                    out.0.push(d.department);
                    out.1.push(d.assignee);
                    out.2.push(d.category);
                    out.3.push(priority_name(d.priority));
                    out.4.push(d.due.map(|t| t.to_string()));
                    out.5.push(d.fired);
                    out.6.push(assigned_name(d.assigned_by));
                }
                out.7 = to_json(&st);
                Ok(out)
            };
            py.detach(run).map_err(|e| to_py(py, e))
        })
    }

    /// The lint findings as JSON.
    fn lint_json(&self) -> String {
        to_json(&self.inner.lint())
    }

    /// Lints and runs the examples of the rule file; the report as JSON.
    fn check_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            self.inner
                .check()
                .map(|r| to_json(&r))
                .map_err(|e| to_py(py, e))
        })
    }

    /// The rule set as written, as JSON.
    fn source_json(&self) -> String {
        to_json(self.inner.source())
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
            "RuleSet(version={:?}, {} rules)",
            self.inner.version(),
            self.inner.source().rules.len()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRuleSet>()?;
    Ok(())
}
