//! Turning Python inputs into Rust slices without surprises: a contiguous
//! float64 numpy array is borrowed read-only (no copy); a numeric Arrow
//! column (a polars Series, a pyarrow array) is read through the Arrow
//! PyCapsule interface in one pass, nulls as missing; any other sequence is
//! read item by item, with `None`/NaN as missing and an error naming the
//! position for anything that is not a number.

use crate::errors::to_py;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType};
use arrow_schema::DataType;
use crmkit::survey::{Position, SurveyError};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};
use rayon::prelude::*;

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
    if obj.hasattr("__arrow_c_stream__")? || obj.hasattr("__arrow_c_array__")? {
        let chunks = crate::arrow::chunks(obj, "scores")?;
        return py
            .detach(|| arrow_numbers(&chunks))
            .map(Floats::Owned)
            .map_err(|e| to_py(py, e));
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

/// The numbers of an Arrow column of integers or floats, nulls as NaN,
/// copied on all cores.
fn arrow_numbers(chunks: &[ArrayRef]) -> crmkit::Result<Vec<f64>> {
    const BLOCK: usize = 1 << 16;
    let mut out = vec![0.0; chunks.iter().map(|c| c.len()).sum()];
    let mut rest = out.as_mut_slice();
    for c in chunks {
        let (values, tail) = rest.split_at_mut(c.len());
        rest = tail;
        fn widen<T: ArrowPrimitiveType>(
            c: &dyn Array,
            values: &mut [f64],
            to_f64: fn(T::Native) -> f64,
        ) {
            values
                .par_chunks_mut(BLOCK)
                .zip(c.as_primitive::<T>().values().par_chunks(BLOCK))
                .for_each(|(dst, src)| {
                    for (d, s) in dst.iter_mut().zip(src) {
                        *d = to_f64(*s);
                    }
                });
        }
        match c.data_type() {
            DataType::Float64 => widen::<Float64Type>(c, values, |v| v),
            DataType::Float32 => widen::<Float32Type>(c, values, f64::from),
            DataType::Int8 => widen::<Int8Type>(c, values, f64::from),
            DataType::Int16 => widen::<Int16Type>(c, values, f64::from),
            DataType::Int32 => widen::<Int32Type>(c, values, f64::from),
            // beyond 2^53 no value is on a rating scale, rounded or not
            DataType::Int64 => widen::<Int64Type>(c, values, |v| v as f64),
            DataType::UInt8 => widen::<UInt8Type>(c, values, f64::from),
            DataType::UInt16 => widen::<UInt16Type>(c, values, f64::from),
            DataType::UInt32 => widen::<UInt32Type>(c, values, f64::from),
            DataType::UInt64 => widen::<UInt64Type>(c, values, |v| v as f64),
            other => {
                return Err(crmkit::Error::invalid_argument(
                    "scores",
                    format!("a column of numbers, got {other}"),
                ));
            }
        }
        if let Some(nulls) = c.nulls() {
            // 64 rows at a time, touching only the missing ones
            let bits = nulls.inner().bit_chunks();
            let words = bits.iter().chain(std::iter::once(bits.remainder_bits()));
            for (w, word) in words.enumerate() {
                let mut absent = !word;
                while absent != 0 {
                    if let Some(v) = values.get_mut(w * 64 + absent.trailing_zeros() as usize) {
                        *v = f64::NAN;
                    }
                    absent &= absent - 1;
                }
            }
        }
    }
    Ok(out)
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
