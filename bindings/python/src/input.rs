//! Turning Python inputs into Rust slices without surprises: a contiguous
//! float64 numpy array is borrowed read-only (no copy); any other sequence is
//! read item by item, with `None`/NaN as missing and an error naming the
//! position for anything that is not a number.

use crate::errors::to_py;
use crmkit::survey::{Position, SurveyError};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};

/// Scores as Rust sees them: borrowed from numpy or owned.
pub(crate) enum Floats<'py> {
    Borrowed(PyReadonlyArray1<'py, f64>),
    Owned(Vec<f64>),
}

impl Floats<'_> {
    pub(crate) fn as_slice(&self) -> &[f64] {
        match self {
            // contiguity was checked when the borrow was taken
            Floats::Borrowed(a) => a.as_slice().unwrap_or(&[]),
            Floats::Owned(v) => v,
        }
    }
}

/// Reads `obj` as a sequence of floats (NaN for missing).
pub(crate) fn floats<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Floats<'py>> {
    let py = obj.py();
    if let Ok(array) = obj.extract::<PyReadonlyArray1<'py, f64>>() {
        if array.is_contiguous() {
            return Ok(Floats::Borrowed(array));
        }
        return Ok(Floats::Owned(array.as_array().to_vec()));
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let value = if item.is_none() {
            f64::NAN
        } else if item.is_instance_of::<PyBool>() {
            // True == 1 would silently turn a flag column into answers
            return Err(not_a_number(py, i, &item));
        } else if item.is_instance_of::<PyFloat>() || item.is_instance_of::<PyInt>() {
            item.extract::<f64>()?
        } else {
            match item.extract::<f64>() {
                // numpy scalars and other numbers that convert
                Ok(v) if !item.is_instance_of::<pyo3::types::PyString>() => v,
                _ => return Err(not_a_number(py, i, &item)),
            }
        };
        out.push(value);
    }
    Ok(Floats::Owned(out))
}

fn not_a_number(py: Python<'_>, i: usize, item: &Bound<'_, PyAny>) -> PyErr {
    let text = item
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<unprintable>".into());
    let err = SurveyError::NotANumber {
        at: Position::Index(i),
        text,
    };
    to_py(py, err.into())
}
