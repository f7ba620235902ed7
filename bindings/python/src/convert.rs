//! Structured values between Python and Rust, through serde (`pythonize`),
//! with no JSON text in between: a result leaves as dicts, lists, str, int,
//! float, bool and None (a struct is a dict with its fields in declaration
//! order, a time is RFC 3339 text); an argument
//! arrives as the same, and a bad shape is a `crmkit.InputError` (code
//! `invalid_argument`) naming the argument, and the row of a list of
//! records. Parsing happens with the GIL held, before the work releases it.

use crate::errors::error;
use crmkit::error::InputError;
use crmkit::{Error, ErrorCode};
use pyo3::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `value` as a Python object: a struct or map is a dict (fields in
/// declaration order), a sequence a list, a tuple a tuple, an enum variant
/// its name. Fails only for a value serde cannot describe (a map with
/// non-text keys), which no result of this module has:
/// `crmkit.BindingError` (code `panic`) if it ever happens.
pub(crate) fn to_object<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| {
        error(
            py,
            ErrorCode::Panic,
            format!("internal error: a result has no Python form ({e})"),
        )
    })
}

/// `obj` read as a `T`; a bad shape is an `invalid_argument` error naming
/// the argument `name` and saying what was `expected`.
pub(crate) fn from_object<T: DeserializeOwned>(
    name: &'static str,
    expected: &str,
    obj: &Bound<'_, PyAny>,
) -> crmkit::Result<T> {
    pythonize::depythonize(obj)
        .map_err(|e| Error::invalid_argument(name, format!("{expected} ({e})")))
}

/// [`from_object`] for an optional argument: None stays None.
pub(crate) fn from_optional<T: DeserializeOwned>(
    name: &'static str,
    expected: &str,
    obj: Option<&Bound<'_, PyAny>>,
) -> crmkit::Result<Option<T>> {
    obj.filter(|o| !o.is_none())
        .map(|o| from_object(name, expected, o))
        .transpose()
}

/// A list of records, each read as a `T`; a bad record is an error naming
/// its row, anything but a list or tuple an error naming the argument.
pub(crate) fn rows<T: DeserializeOwned>(
    name: &'static str,
    expected: &str,
    obj: &Bound<'_, PyAny>,
) -> crmkit::Result<Vec<T>> {
    let items = obj
        .try_iter()
        .ok()
        .filter(|_| !obj.is_instance_of::<pyo3::types::PyString>())
        .filter(|_| !obj.is_instance_of::<pyo3::types::PyDict>())
        .ok_or_else(|| Error::invalid_argument(name, format!("a list of {expected}")))?;
    items
        .enumerate()
        .map(|(i, item)| {
            let item = item
                .map_err(|e| Error::invalid_argument(name, format!("{expected}; row {i}: {e}")))?;
            pythonize::depythonize(&item)
                .map_err(|e| Error::invalid_argument(name, format!("{expected}; row {i}: {e}")))
        })
        .collect()
}

/// `text` read as a `T` named by text (an enum variant such as a priority
/// or a grouping); an unknown name is an `invalid_argument` error naming
/// the argument `name` and saying what was `expected`.
pub(crate) fn from_text<T: DeserializeOwned>(
    name: &'static str,
    expected: &str,
    text: &str,
) -> crmkit::Result<T> {
    use serde::de::value::{Error as ValueError, StrDeserializer};
    T::deserialize(StrDeserializer::<ValueError>::new(text))
        .map_err(|e| Error::invalid_argument(name, format!("{expected} ({e})")))
}

/// `obj` read as a `T` that is data rather than a setting (a contact point,
/// a policy, a list of options): a bad shape is a `malformed_input` error
/// located at `what` (`point`, `points[3]`, `policy`).
pub(crate) fn from_data<T: DeserializeOwned>(
    what: &str,
    obj: &Bound<'_, PyAny>,
) -> crmkit::Result<T> {
    pythonize::depythonize(obj).map_err(|e| {
        InputError::Malformed {
            location: what.to_owned(),
            message: e.to_string(),
        }
        .into()
    })
}
