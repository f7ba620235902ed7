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
    m.add_class::<PyClassifier>()?;
    m.add_class::<PyCategoryRules>()?;
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

fn train_options(
    c: f64,
    epochs: usize,
    hash_bits: u32,
    min_char_df: u32,
    abstain_below: f64,
    seed: u64,
) -> crmkit::complaint::classifier::TrainOptions {
    crmkit::complaint::classifier::TrainOptions {
        c,
        epochs,
        hash_bits,
        min_char_df,
        abstain_below,
        seed,
    }
}

#[pymethods]
impl PyClassifier {
    /// Trains on texts and labels (sequences of str), with the GIL released.
    #[staticmethod]
    #[pyo3(signature = (texts, labels, c=1.0, epochs=12, hash_bits=20, min_char_df=2, abstain_below=0.0, seed=0))]
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
        seed: u64,
    ) -> PyResult<PyClassifier> {
        guard(py, || {
            let o = train_options(c, epochs, hash_bits, min_char_df, abstain_below, seed);
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
        format!("Classifier({} labels)", self.inner.labels().len())
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

    /// The categorization of each text, as JSON (categories and flags with spans).
    fn categorize_json(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<String>> {
        guard(py, || {
            Ok(py.detach(|| {
                texts
                    .iter()
                    .map(|t| serde_json::to_string(&self.inner.categorize(t)).unwrap_or_default())
                    .collect()
            }))
        })
    }
}
