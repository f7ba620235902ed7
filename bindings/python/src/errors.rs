//! Python exceptions derived from the core's error codes: `CrmkitError`
//! (a `ValueError`) and one subclass per `ErrorGroup`, each instance with a
//! stable `.code` name and its numeric `.code_value`.

use crmkit::{Error, ErrorCode, ErrorGroup};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

struct Classes {
    base: Py<PyType>,
    groups: Vec<(ErrorGroup, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let base = PyErr::new_type(
            py,
            c"crmkit.CrmkitError",
            Some(c"Base class of every crmkit error; `.code` is a stable snake_case name."),
            Some(&py.get_type::<PyValueError>()),
            None,
        )?;
        let mut groups = Vec::new();
        for &group in ErrorGroup::ALL {
            let name = std::ffi::CString::new(format!("crmkit.{}", group.class_name()))
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            let class = PyErr::new_type(py, &name, None, Some(base.bind(py)), None)?;
            groups.push((group, class));
        }
        Ok(Classes { base, groups })
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    m.add("CrmkitError", c.base.bind(py))?;
    for (group, class) in &c.groups {
        m.add(group.class_name(), class.bind(py))?;
    }
    let codes = PyDict::new(py);
    for &code in ErrorCode::ALL {
        codes.set_item(code.as_str(), code.value())?;
    }
    m.add("ERROR_CODES", codes)?;
    Ok(())
}

/// Builds the Python exception for an error code and message.
pub(crate) fn error(py: Python<'_>, code: ErrorCode, message: String) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let c = classes(py)?;
        let class = c
            .groups
            .iter()
            .find(|(g, _)| *g == code.group())
            .map_or(&c.base, |(_, class)| class);
        let instance = class.bind(py).call1((message.clone(),))?;
        instance.setattr("code", code.as_str())?;
        instance.setattr("code_value", code.value())?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|e| e)
}

/// A `crmkit.InvalidTypeError` (defined in `crmkit._errors`: an `InputError`
/// that is also a `TypeError`, code `invalid_argument`) naming an argument
/// and the type it got.
pub(crate) fn wrong_type(
    py: Python<'_>,
    name: &str,
    expected: &str,
    value: &Bound<'_, PyAny>,
) -> PyErr {
    let got = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    let message = format!("invalid argument `{name}`: {expected}, got {got}");
    let code = ErrorCode::InvalidArgument;
    let build = || -> PyResult<PyErr> {
        let class = py.import("crmkit._errors")?.getattr("InvalidTypeError")?;
        let instance = class.call1((message.clone(),))?;
        instance.setattr("code", code.as_str())?;
        instance.setattr("code_value", code.value())?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|_| error(py, code, message.clone()))
}

/// Converts a core error.
pub(crate) fn to_py(py: Python<'_>, err: Error) -> PyErr {
    error(py, err.code(), err.to_string())
}

/// Runs `f`, turning a Rust panic into `crmkit.BindingError` (code `panic`).
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(error(
            py,
            ErrorCode::Panic,
            format!("internal error: {what}"),
        ))
    })
}
