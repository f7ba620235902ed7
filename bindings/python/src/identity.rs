//! Identity resolution for Python: batch resolution, golden records,
//! explanations, models and the online index. Tables arrive as column
//! names plus columns of optional strings (the Python layer converts pandas,
//! polars and pyarrow); settings and column maps arrive as dicts, structured
//! results leave as dicts and lists (see [`crate::convert`]). A model travels
//! as its JSON text, the form `Model.to_json` gives users.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use crate::convert::{from_optional, to_object};
use crate::errors::{guard, to_py};
use crmkit::Error;
use crmkit::identity::golden::{GoldenSettings, golden_records};
use crmkit::identity::index::{Index, carry_entity_ids};
use crmkit::identity::record::{ColumnMap, map_columns, records_from_columns};
use crmkit::identity::{
    Model, Progress, Record, Resolution, Settings, Stage, explain_records, resolve_labelled,
};
use pyo3::prelude::*;

type Columns = Vec<Vec<Option<String>>>;

/// How often a long run takes the GIL back to check for Ctrl-C.
const SIGNAL_CHECK_EVERY: Duration = Duration::from_millis(100);
/// How often the progress callback hears of a running stage.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// A model given as its JSON text (`Model.to_json`).
fn model(text: Option<&str>) -> crmkit::Result<Option<Model>> {
    text.map(|t| {
        serde_json::from_str(t)
            .map_err(|e| Error::invalid_argument("model", format!("valid model JSON: {e}")))
    })
    .transpose()
}

/// The column map argument: a dict with `id_column` and `columns`, or None.
fn column_map(map: Option<&Bound<'_, PyAny>>) -> crmkit::Result<ColumnMap> {
    let expected = "a dict with id_column and columns (column name -> field name)";
    Ok(from_optional("columns", expected, map)?.unwrap_or_default())
}

/// The golden-record settings argument: a dict or None.
fn golden_settings(settings: Option<&Bound<'_, PyAny>>) -> crmkit::Result<GoldenSettings> {
    let expected = "a dict of golden-record settings (rules, default_rule, source_priority)";
    Ok(from_optional("settings", expected, settings)?.unwrap_or_default())
}

fn records(names: &[String], columns: &Columns, map: &ColumnMap) -> crmkit::Result<Vec<Record>> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    records_from_columns(&names, columns, map)
}

fn one_record(
    names: &[String],
    values: Vec<Option<String>>,
    map: &ColumnMap,
) -> crmkit::Result<Record> {
    let cols: Columns = values.into_iter().map(|v| vec![v]).collect();
    Ok(records(names, &cols, map)?.remove(0))
}

/// A record to look up: like [`one_record`], but the id column may be
/// absent (a query is not stored, so it needs no id).
fn query_record(
    mut names: Vec<String>,
    mut values: Vec<Option<String>>,
    map: &ColumnMap,
) -> crmkit::Result<Record> {
    let id = map.id_column.clone().unwrap_or_else(|| "id".into());
    let mut with_id: Vec<&str> = names.iter().map(String::as_str).collect();
    with_id.push(&id);
    // exactly one id column once a placeholder is added: the record had none
    if map_columns(&with_id, map).is_ok() {
        names.push(id);
        values.push(Some("?".into()));
    }
    one_record(&names, values, map)
}

fn settings(settings: Option<&Bound<'_, PyAny>>, model: Option<&str>) -> crmkit::Result<Settings> {
    let expected = "a dict of settings (blocking, threshold, seed...)";
    let mut s: Settings = from_optional("settings", expected, settings)?.unwrap_or_default();
    if let Some(m) = self::model(model)? {
        s.model = Some(m);
    }
    Ok(s)
}

/// The result of a batch resolution.
#[pyclass(name = "Resolution", module = "crmkit.identity", frozen)]
#[derive(Debug)]
pub struct PyResolution {
    records: Vec<Record>,
    res: Resolution,
    /// The settings' link threshold, for the report's cluster statistics.
    threshold: f64,
}

#[pymethods]
impl PyResolution {
    /// Cluster id per record, in input order.
    fn cluster_ids(&self) -> Vec<String> {
        self.res
            .cluster_ids()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Record ids, in input order.
    fn ids(&self) -> Vec<String> {
        self.res.ids.clone()
    }

    /// The model as its JSON text (what `Model.to_json` gives users).
    fn model_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            serde_json::to_string(&self.res.model)
                .map_err(|e| to_py(py, Error::invalid_argument("model", e.to_string())))
        })
    }

    /// Blocking, cluster-size and clustering statistics as a dict.
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            #[derive(serde::Serialize)]
            struct Report<'a, B, R, T, C> {
                records: usize,
                clusters: usize,
                cluster_sizes: Vec<Vec<usize>>,
                blocking: &'a B,
                refused_merges: &'a R,
                household_links: usize,
                training: &'a T,
                largest_clusters: C,
            }
            to_object(
                py,
                &Report {
                    records: self.res.ids.len(),
                    clusters: self.res.cluster_count(),
                    // pairs as lists, as in every other result
                    cluster_sizes: self
                        .res
                        .size_histogram()
                        .into_iter()
                        .map(|(size, n)| vec![size, n])
                        .collect(),
                    blocking: &self.res.blocking,
                    refused_merges: &self.res.refused_merges,
                    household_links: self.res.households.len(),
                    training: &self.res.model.training,
                    largest_clusters: self.res.cluster_stats(self.threshold, 5),
                },
            )
        })
    }

    /// Scored pairs `(id_a, id_b, probability)` at or above `min_probability`.
    #[pyo3(signature = (min_probability=0.5))]
    fn pairs(&self, min_probability: f64) -> Vec<(String, String, f64)> {
        self.res
            .pairs
            .iter()
            .filter(|p| p.probability >= min_probability)
            .map(|p| {
                (
                    self.res.ids[p.a as usize].clone(),
                    self.res.ids[p.b as usize].clone(),
                    p.probability,
                )
            })
            .collect()
    }

    /// Household links `(id_a, id_b)`: same household, different people.
    fn households(&self) -> Vec<(String, String)> {
        self.res
            .households
            .iter()
            .map(|&(a, b)| {
                (
                    self.res.ids[a as usize].clone(),
                    self.res.ids[b as usize].clone(),
                )
            })
            .collect()
    }

    /// Explanation of two records by id, as a dict.
    fn explain<'py>(&self, py: Python<'py>, a: &str, b: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let find = |id: &str| {
                self.res.index_of(id).ok_or_else(|| {
                    to_py(
                        py,
                        Error::invalid_argument("id", format!("no record with id `{id}`")),
                    )
                })
            };
            let (ia, ib) = (find(a)?, find(b)?);
            to_object(py, &self.res.explain(ia, ib))
        })
    }

    /// Golden records of every cluster as a list of dicts.
    #[pyo3(signature = (settings=None))]
    fn golden<'py>(
        &self,
        py: Python<'py>,
        settings: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let s = golden_settings(settings).map_err(|e| to_py(py, e))?;
            let ids = self.res.cluster_ids();
            let g = py
                .detach(|| golden_records(&self.records, &ids, &s))
                .map_err(|e| to_py(py, e))?;
            to_object(py, &g)
        })
    }
}

/// Resolves a table given as column names and columns of optional strings.
#[pyfunction]
#[pyo3(signature = (names, columns, column_map=None, settings=None, model=None, labels=Vec::new(), groups=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn identity_resolve(
    py: Python<'_>,
    names: Vec<String>,
    columns: Columns,
    column_map: Option<&Bound<'_, PyAny>>,
    settings: Option<&Bound<'_, PyAny>>,
    model: Option<&str>,
    labels: Vec<(String, String)>,
    groups: Option<Vec<u32>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyResolution> {
    guard(py, || {
        let map = self::column_map(column_map).map_err(|e| to_py(py, e))?;
        let recs = records(&names, &columns, &map).map_err(|e| to_py(py, e))?;
        drop(columns);
        let s = self::settings(settings, model).map_err(|e| to_py(py, e))?;
        if let Some(g) = &groups
            && g.len() != recs.len()
        {
            return Err(to_py(
                py,
                Error::invalid_argument("groups", "one group per record"),
            ));
        }
        // the run reports from this thread between slices of parallel work:
        // the GIL is taken back there, at most every 100 ms, to pass new
        // stages on and to let Ctrl-C raise KeyboardInterrupt
        let mut interrupt = None;
        let mut stage: Option<Stage> = None;
        let mut checked = Instant::now();
        let mut told = Instant::now();
        let mut report = |p: Progress| {
            let new_stage = stage != Some(p.stage);
            // the callback hears of a stage's start and end, and at most
            // once a second in between
            let tell = progress.is_some()
                && (new_stage || p.done == p.total || told.elapsed() >= PROGRESS_EVERY);
            if !tell && checked.elapsed() < SIGNAL_CHECK_EVERY {
                return ControlFlow::Continue(());
            }
            stage = Some(p.stage);
            checked = Instant::now();
            Python::attach(|py| {
                if let Err(e) = py.check_signals() {
                    interrupt = Some(e);
                    return ControlFlow::Break(());
                }
                if let (true, Some(cb)) = (tell, &progress) {
                    told = Instant::now();
                    let args = (p.stage.as_str(), p.stage.unit(), p.done, p.total);
                    // a failing progress callback must not stop the work
                    let _ = cb.call1(py, args);
                }
                ControlFlow::Continue(())
            })
        };
        let res =
            py.detach(|| resolve_labelled(&recs, groups.as_deref(), &labels, &s, &mut report));
        let res = match (res, interrupt) {
            (Ok(res), _) => res,
            (Err(_), Some(interrupt)) => return Err(interrupt),
            (Err(e), None) => return Err(to_py(py, e)),
        };
        Ok(PyResolution {
            records: recs,
            res,
            threshold: s.threshold,
        })
    })
}

/// Golden records of a table whose clusters are known, as a list of dicts.
#[pyfunction]
#[pyo3(signature = (names, columns, cluster_ids, column_map=None, settings=None))]
fn identity_golden<'py>(
    py: Python<'py>,
    names: Vec<String>,
    columns: Columns,
    cluster_ids: Vec<String>,
    column_map: Option<&Bound<'py, PyAny>>,
    settings: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let read = || -> crmkit::Result<(Vec<Record>, GoldenSettings)> {
            let recs = records(&names, &columns, &self::column_map(column_map)?)?;
            Ok((recs, golden_settings(settings)?))
        };
        let (recs, s) = read().map_err(|e| to_py(py, e))?;
        let g = py
            .detach(|| golden_records(&recs, &cluster_ids, &s))
            .map_err(|e| to_py(py, e))?;
        to_object(py, &g)
    })
}

/// Explains two records (column names and one value each) with a model
/// (default: the documented defaults), as a dict.
#[pyfunction]
#[pyo3(signature = (names, a, b, model=None, country=None, column_map=None))]
fn identity_explain<'py>(
    py: Python<'py>,
    names: Vec<String>,
    a: Vec<Option<String>>,
    b: Vec<Option<String>>,
    model: Option<&str>,
    country: Option<&str>,
    column_map: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let run = || -> crmkit::Result<_> {
            let map = self::column_map(column_map)?;
            let ra = one_record(&names, a, &map)?;
            let rb = one_record(&names, b, &map)?;
            let m = self::model(model)?.unwrap_or_default();
            Ok(explain_records(&m, &ra, &rb, country))
        };
        let out = run().map_err(|e| to_py(py, e))?;
        to_object(py, &out)
    })
}

/// The default model as JSON.
#[pyfunction]
fn identity_default_model() -> String {
    serde_json::to_string(&Model::default()).unwrap_or_default()
}

/// Validates a model JSON and returns it normalized.
#[pyfunction]
fn identity_check_model(py: Python<'_>, model: &str) -> PyResult<String> {
    guard(py, || {
        let m = self::model(Some(model))
            .map_err(|e| to_py(py, e))?
            .unwrap_or_default();
        if m.parameters.len() != crmkit::identity::compare::N {
            return Err(to_py(
                py,
                Error::invalid_argument("model", "one parameter set per comparison"),
            ));
        }
        serde_json::to_string(&m)
            .map_err(|e| to_py(py, Error::invalid_argument("model", e.to_string())))
    })
}

/// Keeps entity ids across runs (see `crmkit::identity::index::carry_entity_ids`).
#[pyfunction]
fn identity_carry_entity_ids(
    ids: Vec<String>,
    cluster_ids: Vec<String>,
    previous: HashMap<String, String>,
) -> Vec<String> {
    let c: Vec<&str> = cluster_ids.iter().map(String::as_str).collect();
    carry_entity_ids(&ids, &c, &previous)
}

/// An online matching index.
#[pyclass(name = "Index", module = "crmkit.identity")]
#[derive(Debug)]
pub struct PyIndex {
    inner: Index,
    column_map: ColumnMap,
}

#[pymethods]
impl PyIndex {
    /// Resolves and indexes a table.
    #[new]
    #[pyo3(signature = (names, columns, column_map=None, settings=None, model=None))]
    fn new(
        py: Python<'_>,
        names: Vec<String>,
        columns: Columns,
        column_map: Option<&Bound<'_, PyAny>>,
        settings: Option<&Bound<'_, PyAny>>,
        model: Option<&str>,
    ) -> PyResult<PyIndex> {
        guard(py, || {
            let map = self::column_map(column_map).map_err(|e| to_py(py, e))?;
            let recs = records(&names, &columns, &map).map_err(|e| to_py(py, e))?;
            let s = self::settings(settings, model).map_err(|e| to_py(py, e))?;
            let inner = py
                .detach(|| Index::build(recs, s))
                .map_err(|e| to_py(py, e))?;
            Ok(PyIndex {
                inner,
                column_map: map,
            })
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Candidates for a record (column names and values) as a list of dicts.
    #[pyo3(name = "match")]
    fn match_record<'py>(
        &self,
        py: Python<'py>,
        names: Vec<String>,
        values: Vec<Option<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let r = query_record(names, values, &self.column_map).map_err(|e| to_py(py, e))?;
            to_object(py, &self.inner.match_record(&r))
        })
    }

    /// Inserts a record; the change as a dict.
    fn insert<'py>(
        &mut self,
        py: Python<'py>,
        names: Vec<String>,
        values: Vec<Option<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.change(py, names, values, Index::insert)
    }

    /// Replaces a record (same id); the change as a dict.
    fn update<'py>(
        &mut self,
        py: Python<'py>,
        names: Vec<String>,
        values: Vec<Option<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.change(py, names, values, Index::update)
    }

    /// Deletes a record by id; the change as a dict.
    fn delete<'py>(&mut self, py: Python<'py>, record_id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let c = self.inner.delete(record_id).map_err(|e| to_py(py, e))?;
            to_object(py, &c)
        })
    }

    /// The entity of a record, or None.
    fn entity_of(&self, record_id: &str) -> Option<String> {
        self.inner.entity_of(record_id).map(str::to_owned)
    }

    /// `(record id, entity id)` of every record.
    fn assignments(&self) -> Vec<(String, String)> {
        self.inner.assignments()
    }

    /// The sequence number of the last event (0 before the first).
    fn last_seq(&self) -> u64 {
        self.inner.last_seq()
    }

    /// The events after the sequence number `after`, as dicts with `seq`.
    fn events_since<'py>(&self, py: Python<'py>, after: u64) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let events = self.inner.events_since(after).map_err(|e| to_py(py, e))?;
            to_object(py, &events)
        })
    }

    /// How many of the newest events the feed keeps.
    fn feed_retention(&self) -> usize {
        self.inner.feed_retention()
    }

    /// Keeps the newest `events` events.
    fn set_feed_retention(&mut self, events: usize) {
        self.inner.set_feed_retention(events);
    }
}

impl PyIndex {
    /// Applies `write` (insert or update) to one record; the change as a dict.
    fn change<'py>(
        &mut self,
        py: Python<'py>,
        names: Vec<String>,
        values: Vec<Option<String>>,
        write: fn(&mut Index, Record) -> crmkit::Result<crmkit::identity::index::Change>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let r = one_record(&names, values, &self.column_map).map_err(|e| to_py(py, e))?;
            let c = write(&mut self.inner, r).map_err(|e| to_py(py, e))?;
            to_object(py, &c)
        })
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyResolution>()?;
    m.add_class::<PyIndex>()?;
    m.add_function(wrap_pyfunction!(identity_resolve, m)?)?;
    m.add_function(wrap_pyfunction!(identity_golden, m)?)?;
    m.add_function(wrap_pyfunction!(identity_explain, m)?)?;
    m.add_function(wrap_pyfunction!(identity_default_model, m)?)?;
    m.add_function(wrap_pyfunction!(identity_check_model, m)?)?;
    m.add_function(wrap_pyfunction!(identity_carry_entity_ids, m)?)?;
    Ok(())
}
