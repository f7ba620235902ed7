//! The compiled module `crmkit._crmkit`. The Python package `crmkit` wraps it
//! with input conversion (lists, numpy, pandas, polars, pyarrow) and
//! docstrings; see `python/crmkit/`.

mod arrow;
mod complaint;
mod contact;
mod contact_summary;
mod convert;
mod engagement;
mod errors;
mod identity;
mod input;
mod repr;
mod routing;
mod segment;
mod survey;

use pyo3::prelude::*;

#[pymodule]
fn _crmkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", crmkit::VERSION)?;
    errors::register(m)?;
    survey::register(m)?;
    contact::register(m)?;
    contact_summary::register(m)?;
    engagement::register(m)?;
    complaint::register(m)?;
    identity::register(m)?;
    routing::register(m)?;
    arrow::register(m)?;
    Ok(())
}
