//! Survey metrics for Python. Every computation runs with the GIL released.

use crate::errors::{guard, to_py, wrong_type};
use crate::input::{Floats, floats};
use crate::segment;
use crmkit::survey::{
    self, Ces, CesOptions, Csat, CsatOptions, IntervalMethod, Nps, NpsDiff, NpsOptions, Scale,
    Tally, TopicImpact,
};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

fn options(confidence: f64, method: &str) -> crmkit::Result<NpsOptions> {
    Ok(NpsOptions {
        confidence,
        method: IntervalMethod::parse(method)?,
    })
}

/// NPS result.
#[pyclass(name = "NpsResult", module = "crmkit.survey", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyNps {
    nps: f64,
    se: f64,
    low: f64,
    high: f64,
    n: u64,
    promoters: u64,
    passives: u64,
    detractors: u64,
    missing: u64,
    effective_n: f64,
    promoter_share: f64,
    passive_share: f64,
    detractor_share: f64,
    variance: f64,
    confidence: f64,
    method: &'static str,
}

impl From<Nps> for PyNps {
    fn from(r: Nps) -> Self {
        PyNps {
            nps: r.nps,
            se: r.se,
            low: r.low,
            high: r.high,
            n: r.n,
            promoters: r.promoters,
            passives: r.passives,
            detractors: r.detractors,
            missing: r.missing,
            effective_n: r.effective_n,
            promoter_share: r.promoter_share,
            passive_share: r.passive_share,
            detractor_share: r.detractor_share,
            variance: r.variance,
            confidence: r.confidence,
            method: r.method.as_str(),
        }
    }
}

#[pymethods]
impl PyNps {
    fn __repr__(&self) -> String {
        format!(
            "NpsResult(nps={:.4}, low={:.4}, high={:.4}, se={:.4}, n={}, missing={}, method='{}', confidence={})",
            self.nps,
            self.low,
            self.high,
            self.se,
            self.n,
            self.missing,
            self.method,
            self.confidence
        )
    }

    /// The result as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("nps", self.nps)?;
        d.set_item("se", self.se)?;
        d.set_item("low", self.low)?;
        d.set_item("high", self.high)?;
        d.set_item("n", self.n)?;
        d.set_item("promoters", self.promoters)?;
        d.set_item("passives", self.passives)?;
        d.set_item("detractors", self.detractors)?;
        d.set_item("missing", self.missing)?;
        d.set_item("effective_n", self.effective_n)?;
        d.set_item("promoter_share", self.promoter_share)?;
        d.set_item("passive_share", self.passive_share)?;
        d.set_item("detractor_share", self.detractor_share)?;
        d.set_item("variance", self.variance)?;
        d.set_item("confidence", self.confidence)?;
        d.set_item("method", self.method)?;
        Ok(d)
    }
}

/// NPS difference test result.
#[pyclass(name = "NpsDiffResult", module = "crmkit.survey", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyNpsDiff {
    difference: f64,
    se: f64,
    z: f64,
    p_value: f64,
    low: f64,
    high: f64,
    confidence: f64,
}

impl From<NpsDiff> for PyNpsDiff {
    fn from(d: NpsDiff) -> Self {
        PyNpsDiff {
            difference: d.difference,
            se: d.se,
            z: d.z,
            p_value: d.p_value,
            low: d.low,
            high: d.high,
            confidence: d.confidence,
        }
    }
}

#[pymethods]
impl PyNpsDiff {
    fn __repr__(&self) -> String {
        format!(
            "NpsDiffResult(difference={:.4}, se={:.4}, z={:.4}, p_value={}, low={:.4}, high={:.4})",
            self.difference,
            self.se,
            self.z,
            crate::repr::float(self.p_value),
            self.low,
            self.high
        )
    }
}

/// CSAT result.
#[pyclass(name = "CsatResult", module = "crmkit.survey", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyCsat {
    csat: f64,
    low: f64,
    high: f64,
    n: u64,
    satisfied: u64,
    missing: u64,
    mean: f64,
    effective_n: f64,
    confidence: f64,
}

impl From<Csat> for PyCsat {
    fn from(r: Csat) -> Self {
        PyCsat {
            csat: r.csat,
            low: r.low,
            high: r.high,
            n: r.n,
            satisfied: r.satisfied,
            missing: r.missing,
            mean: r.mean,
            effective_n: r.effective_n,
            confidence: r.confidence,
        }
    }
}

#[pymethods]
impl PyCsat {
    fn __repr__(&self) -> String {
        format!(
            "CsatResult(csat={:.4}, low={:.4}, high={:.4}, n={}, satisfied={}, missing={})",
            self.csat, self.low, self.high, self.n, self.satisfied, self.missing
        )
    }
}

/// CES result.
#[pyclass(name = "CesResult", module = "crmkit.survey", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyCes {
    mean: f64,
    se: f64,
    low: f64,
    high: f64,
    easy_percent: f64,
    difficult_percent: f64,
    n: u64,
    missing: u64,
    effective_n: f64,
    confidence: f64,
}

impl From<Ces> for PyCes {
    fn from(r: Ces) -> Self {
        PyCes {
            mean: r.mean,
            se: r.se,
            low: r.low,
            high: r.high,
            easy_percent: r.easy_percent,
            difficult_percent: r.difficult_percent,
            n: r.n,
            missing: r.missing,
            effective_n: r.effective_n,
            confidence: r.confidence,
        }
    }
}

#[pymethods]
impl PyCes {
    fn __repr__(&self) -> String {
        format!(
            "CesResult(mean={:.4}, low={:.4}, high={:.4}, easy_percent={:.2}, n={}, missing={})",
            self.mean, self.low, self.high, self.easy_percent, self.n, self.missing
        )
    }
}

/// Driver analysis row.
#[pyclass(name = "TopicImpact", module = "crmkit.survey", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyTopicImpact {
    topic: String,
    n: u64,
    share: f64,
    nps_topic: f64,
    nps_without: f64,
    impact: f64,
    z: f64,
    p_value: f64,
}

impl From<TopicImpact<String>> for PyTopicImpact {
    fn from(t: TopicImpact<String>) -> Self {
        PyTopicImpact {
            topic: t.topic,
            n: t.n,
            share: t.share,
            nps_topic: t.nps_topic,
            nps_without: t.nps_without,
            impact: t.impact,
            z: t.z,
            p_value: t.p_value,
        }
    }
}

#[pymethods]
impl PyTopicImpact {
    fn __repr__(&self) -> String {
        format!(
            "TopicImpact(topic={}, n={}, impact={:.4}, nps_topic={:.4}, p_value={})",
            crate::repr::text(&self.topic),
            self.n,
            self.impact,
            self.nps_topic,
            crate::repr::float(self.p_value)
        )
    }
}

fn weights_of<'py>(weights: Option<&Bound<'py, PyAny>>) -> PyResult<Option<Floats<'py>>> {
    weights.filter(|w| !w.is_none()).map(floats).transpose()
}

/// Reads the answers and optional weights, computes with the GIL released,
/// and converts the result or the error.
fn metric<T: Send, R: From<T>>(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    compute: impl FnOnce(&[f64], Option<&[f64]>) -> crmkit::Result<T> + Send,
) -> PyResult<R> {
    guard(py, || {
        let s = floats(scores)?;
        let w = weights_of(weights)?;
        let (s, w) = (s.as_slice(), w.as_ref().map(Floats::as_slice));
        py.detach(|| compute(s, w))
            .map(R::from)
            .map_err(|e| to_py(py, e))
    })
}

#[pyfunction]
#[pyo3(signature = (scores, weights=None, confidence=0.95, method="wald"))]
fn nps(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    confidence: f64,
    method: &str,
) -> PyResult<PyNps> {
    let o = options(confidence, method).map_err(|e| to_py(py, e))?;
    metric::<_, PyNps>(py, scores, weights, |s, w| match w {
        None => survey::nps(s, &o),
        Some(w) => survey::nps_weighted(s, w, &o),
    })
}

#[pyfunction]
#[pyo3(signature = (a, b, confidence=0.95))]
fn nps_diff(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    confidence: f64,
) -> PyResult<PyNpsDiff> {
    guard(py, || {
        let (a, b) = (floats(a)?, floats(b)?);
        let (a, b) = (a.as_slice(), b.as_slice());
        let r = py.detach(|| {
            let o = NpsOptions {
                confidence,
                method: IntervalMethod::Wald,
            };
            let ra = survey::nps(a, &o)?;
            let rb = survey::nps(b, &o)?;
            survey::nps_diff(&ra, &rb, confidence)
        });
        r.map(PyNpsDiff::from).map_err(|e| to_py(py, e))
    })
}

#[pyfunction]
#[pyo3(signature = (scores, weights=None, scale=5, threshold=4, confidence=0.95))]
fn csat(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    scale: i32,
    threshold: i32,
    confidence: f64,
) -> PyResult<PyCsat> {
    let o = CsatOptions {
        scale: Scale { min: 1, max: scale },
        threshold,
        confidence,
    };
    metric::<_, PyCsat>(py, scores, weights, |s, w| match w {
        None => survey::csat(s, &o),
        Some(w) => survey::csat_weighted(s, w, &o),
    })
}

#[pyfunction]
#[pyo3(signature = (scores, weights=None, scale=7, easy_threshold=5, difficult_threshold=3, confidence=0.95))]
fn ces(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    scale: i32,
    easy_threshold: i32,
    difficult_threshold: i32,
    confidence: f64,
) -> PyResult<PyCes> {
    let o = CesOptions {
        scale: Scale { min: 1, max: scale },
        easy_threshold,
        difficult_threshold,
        confidence,
    };
    metric::<_, PyCes>(py, scores, weights, |s, w| match w {
        None => survey::ces(s, &o),
        Some(w) => survey::ces_weighted(s, w, &o),
    })
}

#[pyfunction]
#[pyo3(signature = (margin, confidence=0.95, variance=None))]
fn nps_sample_size(
    py: Python<'_>,
    margin: f64,
    confidence: f64,
    variance: Option<f64>,
) -> PyResult<u64> {
    guard(py, || {
        survey::nps_sample_size(margin, confidence, variance).map_err(|e| to_py(py, e))
    })
}

#[pyfunction]
fn recency_weights(py: Python<'_>, ages: &Bound<'_, PyAny>, half_life: f64) -> PyResult<Vec<f64>> {
    guard(py, || {
        if !(half_life.is_finite() && half_life > 0.0) {
            return Err(to_py(
                py,
                crmkit::Error::invalid_argument(
                    "half_life",
                    format!("a positive finite number, got {half_life}"),
                ),
            ));
        }
        let a = floats(ages)?;
        survey::recency_weights(a.as_slice(), half_life).map_err(|e| to_py(py, e))
    })
}

#[pyfunction]
#[pyo3(signature = (scores, topics, confidence=0.95))]
fn drivers(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    topics: Vec<Vec<String>>,
    confidence: f64,
) -> PyResult<Vec<PyTopicImpact>> {
    guard(py, || {
        let s = floats(scores)?;
        let s = s.as_slice();
        let o = NpsOptions {
            confidence,
            method: IntervalMethod::Wald,
        };
        let r = py.detach(|| survey::drivers(s, &topics, &o));
        r.map(|v| v.into_iter().map(PyTopicImpact::from).collect())
            .map_err(|e| to_py(py, e))
    })
}

/// Happiness score on a configurable scale (`scale_json`: the serde form of
/// `HappinessScale`, default five faces); returns
/// (score, positive_percent, counts, n, missing).
#[pyfunction]
#[pyo3(signature = (answers, scale_json=None))]
fn happiness(
    py: Python<'_>,
    answers: &Bound<'_, PyAny>,
    scale_json: Option<&str>,
) -> PyResult<(f64, f64, Vec<u64>, u64, u64)> {
    guard(py, || {
        let scale: survey::HappinessScale = match scale_json {
            Some(j) => serde_json::from_str(j).map_err(|e| {
                to_py(
                    py,
                    crmkit::error::InputError::Malformed {
                        location: "happiness scale".into(),
                        message: e.to_string(),
                    }
                    .into(),
                )
            })?,
            None => survey::HappinessScale::default(),
        };
        let a = floats(answers)?;
        let a = a.as_slice();
        let r = py
            .detach(|| survey::happiness(a, &scale))
            .map_err(|e| to_py(py, e))?;
        Ok((r.score, r.positive_percent, r.counts, r.n, r.missing))
    })
}

/// Per-group metric columns for the grouped functions: one pass over the
/// data in Rust, the columns as lists for the frame library to assemble.
#[pyfunction]
#[pyo3(signature = (metric, scores, codes, n_groups, weights=None, confidence=0.95, method="wald", scale=0, threshold=0, difficult_threshold=0, workers=0))]
#[allow(clippy::too_many_arguments)]
fn grouped<'py>(
    py: Python<'py>,
    metric: &str,
    scores: &Bound<'py, PyAny>,
    codes: &Bound<'py, PyAny>,
    n_groups: usize,
    weights: Option<&Bound<'py, PyAny>>,
    confidence: f64,
    method: &str,
    scale: i32,
    threshold: i32,
    difficult_threshold: i32,
    workers: usize,
) -> PyResult<Bound<'py, PyDict>> {
    guard(py, || {
        let s = floats(scores)?;
        let w = weights_of(weights)?;
        let (s, w) = (s.as_slice(), w.as_ref().map(Floats::as_slice));
        let codes = Codes::extract(codes)?;
        let (scale_range, name) = match metric {
            "nps" => (Scale::NPS, "NPS"),
            "csat" => (Scale { min: 1, max: scale }, "CSAT"),
            "ces" => (Scale { min: 1, max: scale }, "CES"),
            other => {
                return Err(to_py(
                    py,
                    crmkit::Error::invalid_argument(
                        "metric",
                        format!("\"nps\", \"csat\" or \"ces\", got {other:?}"),
                    ),
                ));
            }
        };
        let tallies = codes
            .tally(py, scale_range, s, n_groups, w, name, workers)
            .map_err(|e| to_py(py, e))?;
        let out = PyDict::new(py);
        out.set_item("n", tallies.iter().map(Tally::n).collect::<Vec<_>>())?;
        out.set_item(
            "missing",
            tallies.iter().map(Tally::missing).collect::<Vec<_>>(),
        )?;
        // one column per name; a segment without answers gets NaN
        let columns = |names: &[&str],
                       metric_of: &dyn Fn(&Tally) -> crmkit::Result<Vec<f64>>|
         -> PyResult<()> {
            let mut rows = Vec::with_capacity(tallies.len());
            for t in &tallies {
                rows.push(match metric_of(t) {
                    Ok(values) => Some(values),
                    Err(e) if e.code() == crmkit::ErrorCode::SurveyNoAnswers => None,
                    Err(e) => return Err(to_py(py, e)),
                });
            }
            for (i, name) in names.iter().enumerate() {
                let values: Vec<f64> = rows
                    .iter()
                    .map(|r| r.as_ref().map_or(f64::NAN, |v| v[i]))
                    .collect();
                out.set_item(*name, values)?;
            }
            Ok(())
        };
        match metric {
            "nps" => {
                let o = options(confidence, method).map_err(|e| to_py(py, e))?;
                columns(
                    &[
                        "promoters",
                        "passives",
                        "detractors",
                        "nps",
                        "se",
                        "low",
                        "high",
                        "effective_n",
                    ],
                    &|t| {
                        let r = Nps::from_tally(t, &o)?;
                        Ok(vec![
                            r.promoters as f64,
                            r.passives as f64,
                            r.detractors as f64,
                            r.nps,
                            r.se,
                            r.low,
                            r.high,
                            r.effective_n,
                        ])
                    },
                )?;
            }
            "csat" => {
                let o = CsatOptions {
                    scale: scale_range,
                    threshold,
                    confidence,
                };
                columns(
                    &["satisfied", "csat", "low", "high", "mean", "effective_n"],
                    &|t| {
                        let r = Csat::from_tally(t, &o)?;
                        Ok(vec![
                            r.satisfied as f64,
                            r.csat,
                            r.low,
                            r.high,
                            r.mean,
                            r.effective_n,
                        ])
                    },
                )?;
            }
            _ => {
                let o = CesOptions {
                    scale: scale_range,
                    easy_threshold: threshold,
                    difficult_threshold,
                    confidence,
                };
                columns(
                    &[
                        "mean",
                        "se",
                        "low",
                        "high",
                        "easy_percent",
                        "difficult_percent",
                        "effective_n",
                    ],
                    &|t| {
                        let r = Ces::from_tally(t, &o)?;
                        Ok(vec![
                            r.mean,
                            r.se,
                            r.low,
                            r.high,
                            r.easy_percent,
                            r.difficult_percent,
                            r.effective_n,
                        ])
                    },
                )?;
            }
        }
        Ok(out)
    })
}

/// Segment codes and keys, as [`group_codes`] returns them.
type Segments<'py> = (Bound<'py, PyArray1<u32>>, Vec<Option<String>>);

/// The segment of every row of a text column that arrives through Arrow
/// (a polars Series, a pyarrow array or chunked array: text or a
/// dictionary of text), or of indices into `dictionary`, and the
/// segments' keys sorted, the missing key last: (codes, keys) for
/// [`grouped`]. With `unused`, dictionary entries no row points to are
/// segments too.
#[pyfunction]
#[pyo3(signature = (column, dictionary=None, unused=false, workers=0))]
fn group_codes<'py>(
    py: Python<'py>,
    column: &Bound<'py, PyAny>,
    dictionary: Option<&Bound<'py, PyAny>>,
    unused: bool,
    workers: usize,
) -> PyResult<Segments<'py>> {
    guard(py, || {
        let chunks = crate::arrow::chunks(column, "by")?;
        let dictionary = dictionary
            .map(|d| crate::arrow::array(d, "by"))
            .transpose()?;
        let (codes, keys) = py
            .detach(|| segment::group_codes(&chunks, dictionary.as_deref(), unused, workers))
            .map_err(|e| to_py(py, e))?;
        Ok((codes.into_pyarray(py), keys))
    })
}

/// Group codes as numpy hands them over: whatever integer width the frame
/// library chose, read in place.
enum Codes<'py> {
    I8(PyReadonlyArray1<'py, i8>),
    I16(PyReadonlyArray1<'py, i16>),
    I32(PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>),
    U8(PyReadonlyArray1<'py, u8>),
    U16(PyReadonlyArray1<'py, u16>),
    U32(PyReadonlyArray1<'py, u32>),
    U64(PyReadonlyArray1<'py, u64>),
}

impl<'py> Codes<'py> {
    fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Codes<'py>> {
        macro_rules! try_as {
            ($($variant:ident),*) => {$(
                if let Ok(a) = obj.extract() {
                    return Ok(Codes::$variant(a));
                }
            )*};
        }
        try_as!(I8, I16, I32, I64, U8, U16, U32, U64);
        Err(pyo3::exceptions::PyTypeError::new_err(
            "codes must be a one-dimensional numpy array of integers",
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn tally(
        &self,
        py: Python<'_>,
        scale: Scale,
        scores: &[f64],
        n_groups: usize,
        weights: Option<&[f64]>,
        metric: &'static str,
        workers: usize,
    ) -> crmkit::Result<Vec<Tally>> {
        fn run<C: survey::GroupCode + Sync + numpy::Element>(
            py: Python<'_>,
            codes: &PyReadonlyArray1<'_, C>,
            scale: Scale,
            scores: &[f64],
            n_groups: usize,
            weights: Option<&[f64]>,
            metric: &'static str,
            workers: usize,
        ) -> crmkit::Result<Vec<Tally>> {
            let owned;
            let codes: &[C] = match codes.as_slice() {
                Ok(c) => c,
                Err(_) => {
                    owned = codes.as_array().to_vec();
                    &owned
                }
            };
            py.detach(|| {
                survey::tally_by_code_parallel(
                    scale, scores, codes, n_groups, weights, metric, workers,
                )
            })
        }
        match self {
            Codes::I8(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::I16(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::I32(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::I64(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::U8(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::U16(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::U32(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
            Codes::U64(c) => run(py, c, scale, scores, n_groups, weights, metric, workers),
        }
    }
}

/// A streaming NPS accumulator: push answers (optionally weighted), merge
/// accumulators from shards or workers, finish into an NPS. Pickles.
#[pyclass(name = "NpsAccumulator", module = "crmkit.survey")]
#[derive(Debug, Clone, Default)]
pub struct PyNpsAccumulator {
    inner: survey::NpsAccumulator,
}

#[pymethods]
impl PyNpsAccumulator {
    #[new]
    fn new() -> Self {
        PyNpsAccumulator::default()
    }

    /// Adds one answer (None or NaN is missing).
    fn push(&mut self, py: Python<'_>, score: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let score = number(score, "score", true)?;
            self.inner.push(score).map_err(|e| to_py(py, e.into()))
        })
    }

    /// Adds one answer with a weight (0, or from 1e-100 to 1e100).
    fn push_weighted(
        &mut self,
        py: Python<'_>,
        score: &Bound<'_, PyAny>,
        weight: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guard(py, || {
            let (score, weight) = (
                number(score, "score", true)?,
                number(weight, "weight", false)?,
            );
            self.inner
                .push_weighted(score, weight)
                .map_err(|e| to_py(py, e.into()))
        })
    }

    /// Adds every answer of another accumulator (exact).
    fn merge(&mut self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let other = other
                .cast::<PyNpsAccumulator>()
                .map_err(|_| wrong_type(py, "other", "an NpsAccumulator", other))?;
            // the only borrow that can fail here is of this very accumulator
            let other = other
                .try_borrow()
                .map_or_else(|_| self.inner.clone(), |o| o.inner.clone());
            self.inner.merge(&other).map_err(|e| to_py(py, e.into()))
        })
    }

    /// The NPS of everything pushed so far.
    #[pyo3(signature = (confidence=0.95, method="wald"))]
    fn finish(&self, py: Python<'_>, confidence: f64, method: &str) -> PyResult<PyNps> {
        guard(py, || {
            let o = options(confidence, method).map_err(|e| to_py(py, e))?;
            self.inner
                .finish(&o)
                .map(PyNps::from)
                .map_err(|e| to_py(py, e))
        })
    }

    /// Present answers so far.
    #[getter]
    fn n(&self) -> u64 {
        self.inner.tally().n()
    }

    /// Missing answers so far.
    #[getter]
    fn missing(&self) -> u64 {
        self.inner.tally().missing()
    }

    fn __getstate__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let json = serde_json::to_vec(&self.inner)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok(PyBytes::new(py, &json))
    }

    fn __setstate__(&mut self, py: Python<'_>, state: &[u8]) -> PyResult<()> {
        self.inner = serde_json::from_slice(state).map_err(|e| {
            to_py(
                py,
                crmkit::error::InputError::Malformed {
                    location: "NpsAccumulator state".into(),
                    message: e.to_string(),
                }
                .into(),
            )
        })?;
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("NpsAccumulator(n={}, missing={})", self.n(), self.missing())
    }
}

/// One number for the accumulator: `None` is missing (NaN) where
/// `missing_ok`; a bool, a string or anything else is an error naming `name`.
fn number(value: &Bound<'_, PyAny>, name: &str, missing_ok: bool) -> PyResult<f64> {
    let py = value.py();
    let expected = if missing_ok {
        "a number or None"
    } else {
        "a number"
    };
    if value.is_none() && missing_ok {
        return Ok(f64::NAN);
    }
    if value.is_instance_of::<pyo3::types::PyBool>()
        || value.is_instance_of::<pyo3::types::PyString>()
    {
        return Err(wrong_type(py, name, expected, value));
    }
    value
        .extract::<f64>()
        .map_err(|_| wrong_type(py, name, expected, value))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNps>()?;
    m.add_class::<PyNpsDiff>()?;
    m.add_class::<PyCsat>()?;
    m.add_class::<PyCes>()?;
    m.add_class::<PyTopicImpact>()?;
    m.add_class::<PyNpsAccumulator>()?;
    m.add_function(wrap_pyfunction!(nps, m)?)?;
    m.add_function(wrap_pyfunction!(nps_diff, m)?)?;
    m.add_function(wrap_pyfunction!(csat, m)?)?;
    m.add_function(wrap_pyfunction!(ces, m)?)?;
    m.add_function(wrap_pyfunction!(nps_sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(recency_weights, m)?)?;
    m.add_function(wrap_pyfunction!(drivers, m)?)?;
    m.add_function(wrap_pyfunction!(happiness, m)?)?;
    m.add_function(wrap_pyfunction!(grouped, m)?)?;
    m.add_function(wrap_pyfunction!(group_codes, m)?)?;
    Ok(())
}
