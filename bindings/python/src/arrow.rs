//! The Arrow batch API for Python (`crmkit.arrow`): inputs arrive through
//! the Arrow PyCapsule interface (`__arrow_c_stream__` or
//! `__arrow_c_array__`: pyarrow, polars, nanoarrow, pandas with Arrow
//! dtypes…) and results leave as an object with `__arrow_c_array__` that
//! the Python layer turns into a pyarrow `RecordBatch`.
//!
//! This is the only place where crmkit touches foreign memory, through
//! arrow-rs's C data interface. Each `unsafe` block relies on the contract
//! of the PyCapsule interface: a capsule named `arrow_array_stream`,
//! `arrow_array` or `arrow_schema` points to a valid, initialized C struct
//! of that kind, owned by the capsule until a consumer moves it out (which
//! marks the original released, so the capsule's destructor does nothing).
//! The batch work itself runs in safe Rust (`crmkit-arrow`) with the GIL
//! released.

use std::sync::Arc;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi, from_ffi_and_data_type, to_ffi};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray, make_array};
use arrow_schema::{DataType, Field, Schema};
use crmkit::Error;
use crmkit::identity::golden::GoldenSettings;
use crmkit::identity::record::ColumnMap;
use crmkit::identity::{Model, Settings};
use crmkit::survey::{IntervalMethod, NpsOptions};
use crmkit_arrow::pairs::Frequencies;
use crmkit_arrow::{blocking, cluster, contact, golden, pairs, salt, survey};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::errors::{guard, to_py};

type Res<T> = crmkit::Result<T>;

fn bad(what: &'static str, msg: impl Into<String>) -> Error {
    Error::invalid_argument(what, msg.into())
}

/// Arrays or batches read from one Python object.
enum Imported {
    /// From `__arrow_c_stream__`: the type of the stream's arrays (a
    /// struct for a table) and its arrays.
    Stream(DataType, Vec<ArrayRef>),
    /// From `__arrow_c_array__`: one array.
    Array(ArrayRef),
}

fn capsule<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static std::ffi::CStr,
) -> PyResult<Bound<'py, PyCapsule>> {
    let cap = obj.cast::<PyCapsule>().map_err(PyErr::from)?.clone();
    if !cap.is_valid_checked(Some(name)) {
        return Err(to_py(
            obj.py(),
            bad("data", format!("a PyCapsule named {name:?}")),
        ));
    }
    Ok(cap)
}

/// The arrays of a C stream of any type (a table's stream is a stream of
/// struct arrays, a column's a stream of its arrays).
fn read_stream(stream: &mut FFI_ArrowArrayStream) -> Result<(DataType, Vec<ArrayRef>), String> {
    let last_error = |stream: &mut FFI_ArrowArrayStream| -> String {
        // SAFETY: `get_last_error` of a live stream returns null or a
        // NUL-terminated string valid until the next call on the stream.
        unsafe {
            match stream.get_last_error {
                Some(f) => {
                    let p = f(stream);
                    if p.is_null() {
                        "unknown error".into()
                    } else {
                        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
                    }
                }
                None => "unknown error".into(),
            }
        }
    };
    let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
        return Err("the stream is released".into());
    };
    let mut schema = FFI_ArrowSchema::empty();
    // SAFETY: `stream` is a live stream (moved out of its capsule) and
    // `schema` an empty struct for the callback to fill.
    if unsafe { get_schema(stream, &mut schema) } != 0 {
        return Err(last_error(stream));
    }
    let data_type = DataType::try_from(&schema).map_err(|e| e.to_string())?;
    let mut arrays = Vec::new();
    loop {
        let mut array = FFI_ArrowArray::empty();
        // SAFETY: as above; `array` is an empty struct for the callback.
        if unsafe { get_next(stream, &mut array) } != 0 {
            return Err(last_error(stream));
        }
        if array.is_released() {
            break;
        }
        // SAFETY: the producer filled `array` with an array of the
        // stream's schema; `from_ffi_and_data_type` takes ownership.
        let data = unsafe { from_ffi_and_data_type(array, data_type.clone()) }
            .map_err(|e| e.to_string())?;
        arrays.push(make_array(data));
    }
    Ok((data_type, arrays))
}

fn import(obj: &Bound<'_, PyAny>, what: &'static str) -> PyResult<Imported> {
    let py = obj.py();
    if obj.hasattr("__arrow_c_stream__")? {
        let cap = obj.call_method0("__arrow_c_stream__")?;
        let cap = capsule(&cap, c"arrow_array_stream")?;
        let ptr = cap.pointer_checked(Some(c"arrow_array_stream"))?;
        // SAFETY: the capsule is named `arrow_array_stream`, so by the
        // PyCapsule interface it points to a valid `ArrowArrayStream`;
        // `from_raw` moves it out and marks the original released.
        let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
        let (data_type, arrays) = read_stream(&mut stream)
            .map_err(|e| to_py(py, bad(what, format!("a readable Arrow stream: {e}"))))?;
        return Ok(Imported::Stream(data_type, arrays));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>().map_err(PyErr::from)?;
        if pair.len() != 2 {
            return Err(to_py(
                py,
                bad(what, "__arrow_c_array__ to return (schema, array) capsules"),
            ));
        }
        let schema_cap = capsule(&pair.get_item(0)?, c"arrow_schema")?;
        let array_cap = capsule(&pair.get_item(1)?, c"arrow_array")?;
        let schema_ptr = schema_cap.pointer_checked(Some(c"arrow_schema"))?;
        let array_ptr = array_cap.pointer_checked(Some(c"arrow_array"))?;
        // SAFETY: the capsules are named `arrow_schema` and `arrow_array`,
        // so they point to a valid `ArrowSchema` (borrowed here while its
        // capsule lives) and a valid `ArrowArray` (moved out by `from_raw`,
        // which marks the original released); the array matches the schema.
        let data = unsafe {
            let schema: &FFI_ArrowSchema = &*schema_ptr.as_ptr().cast::<FFI_ArrowSchema>();
            let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast());
            from_ffi(array, schema)
        }
        .map_err(|e| to_py(py, bad(what, format!("a valid Arrow array: {e}"))))?;
        data.validate_full()
            .map_err(|e| to_py(py, bad(what, format!("a valid Arrow array: {e}"))))?;
        return Ok(Imported::Array(make_array(data)));
    }
    let name = obj.get_type().name()?.to_string();
    Err(to_py(
        py,
        bad(
            what,
            format!(
                "an Arrow array, table or stream (an object with __arrow_c_array__ or \
                 __arrow_c_stream__: pyarrow, polars, nanoarrow…), got {name}"
            ),
        ),
    ))
}

fn concat(arrays: &[ArrayRef], data_type: &DataType) -> Res<ArrayRef> {
    match arrays {
        [] => Ok(arrow_array::new_empty_array(data_type)),
        [one] => Ok(one.clone()),
        many => {
            let refs: Vec<&dyn Array> = many.iter().map(|a| a.as_ref()).collect();
            arrow_select::concat::concat(&refs).map_err(|e| bad("data", e.to_string()))
        }
    }
}

/// One record batch (a stream's batches concatenated).
pub(crate) fn batch(obj: &Bound<'_, PyAny>, what: &'static str) -> PyResult<RecordBatch> {
    let py = obj.py();
    let array = match import(obj, what)? {
        Imported::Stream(data_type, arrays) => {
            concat(&arrays, &data_type).map_err(|e| to_py(py, e))?
        }
        Imported::Array(a) => a,
    };
    match array.as_any().downcast_ref::<StructArray>() {
        Some(s) if s.null_count() == 0 => Ok(RecordBatch::from(s)),
        _ => Err(to_py(
            py,
            bad(
                what,
                format!(
                    "a table or record batch (a struct array without nulls), got {}",
                    array.data_type()
                ),
            ),
        )),
    }
}

/// The arrays of one column as they come: a stream's chunks, not
/// concatenated, or one array.
pub(crate) fn chunks(obj: &Bound<'_, PyAny>, what: &'static str) -> PyResult<Vec<ArrayRef>> {
    Ok(match import(obj, what)? {
        Imported::Stream(_, arrays) => arrays,
        Imported::Array(a) => vec![a],
    })
}

/// One array (a stream's chunks concatenated; a one-column table gives its
/// column).
pub(crate) fn array(obj: &Bound<'_, PyAny>, what: &'static str) -> PyResult<ArrayRef> {
    let py = obj.py();
    match import(obj, what)? {
        Imported::Array(a) => Ok(a),
        Imported::Stream(data_type, arrays) => {
            let whole = concat(&arrays, &data_type).map_err(|e| to_py(py, e))?;
            match whole.as_any().downcast_ref::<StructArray>() {
                // a one-column table gives its column
                Some(s) if s.num_columns() == 1 => Ok(s.column(0).clone()),
                Some(_) => Err(to_py(
                    py,
                    bad(
                        what,
                        format!("one column, got a table of {}", whole.data_type()),
                    ),
                )),
                None => Ok(whole),
            }
        }
    }
}

fn opt_array(obj: Option<&Bound<'_, PyAny>>, what: &'static str) -> PyResult<Option<ArrayRef>> {
    obj.filter(|o| !o.is_none())
        .map(|o| array(o, what))
        .transpose()
}

/// A result on its way to pyarrow: `__arrow_c_array__` hands it over once.
#[pyclass(name = "_ArrowResult", module = "crmkit._crmkit")]
#[derive(Debug)]
pub(crate) struct ArrowResult {
    batch: Option<RecordBatch>,
}

#[pymethods]
impl ArrowResult {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let batch = self.batch.take().ok_or_else(|| {
            to_py(
                py,
                bad(
                    "result",
                    "a result not yet handed over (it is handed over once)",
                ),
            )
        })?;
        let data = StructArray::from(batch).into_data();
        let (array, schema) = to_ffi(&data).map_err(|e| to_py(py, bad("result", e.to_string())))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }
}

pub(crate) fn out(py: Python<'_>, r: Res<RecordBatch>) -> PyResult<ArrowResult> {
    r.map(|b| ArrowResult { batch: Some(b) })
        .map_err(|e| to_py(py, e))
}

fn json<T: serde::de::DeserializeOwned + Default>(
    name: &'static str,
    text: Option<&str>,
) -> Res<T> {
    match text {
        None => Ok(T::default()),
        Some(t) => {
            serde_json::from_str(t).map_err(|e| bad(name, format!("valid {name} JSON: {e}")))
        }
    }
}

fn model(text: &str) -> Res<Model> {
    serde_json::from_str(text)
        .map_err(|e| bad("model", format!("a crmkit identity model as JSON: {e}")))
}

#[pyfunction]
fn arrow_fold_emails(py: Python<'_>, emails: &Bound<'_, PyAny>) -> PyResult<ArrowResult> {
    guard(py, || {
        let a = array(emails, "emails")?;
        let folded = py.detach(|| contact::fold_emails(a.as_ref()));
        out(py, folded.and_then(|k| one_column("key", Arc::new(k))))
    })
}

#[pyfunction]
fn arrow_parse_emails(py: Python<'_>, emails: &Bound<'_, PyAny>) -> PyResult<ArrowResult> {
    guard(py, || {
        let a = array(emails, "emails")?;
        out(py, py.detach(|| contact::parse_emails(a.as_ref())))
    })
}

#[pyfunction]
#[pyo3(signature = (phones, region="TR"))]
fn arrow_parse_phones(
    py: Python<'_>,
    phones: &Bound<'_, PyAny>,
    region: &str,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let a = array(phones, "phones")?;
        out(py, py.detach(|| contact::parse_phones(a.as_ref(), region)))
    })
}

#[pyfunction]
#[pyo3(signature = (records, settings=None, column_map=None))]
fn arrow_blocking_keys(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    settings: Option<&str>,
    column_map: Option<&str>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(records, "records")?;
        out(
            py,
            py.detach(|| {
                let s: Settings = json("settings", settings)?;
                let m: ColumnMap = json("column_map", column_map)?;
                blocking::blocking_keys(&b, &s, &m)
            }),
        )
    })
}

#[pyfunction]
#[pyo3(signature = (keys, settings=None))]
fn arrow_block_pairs(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    settings: Option<&str>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(keys, "keys")?;
        out(
            py,
            py.detach(|| {
                let s: Settings = json("settings", settings)?;
                blocking::block_pairs(&b, &s)
            }),
        )
    })
}

#[pyfunction]
#[pyo3(signature = (records, settings=None, column_map=None))]
fn arrow_term_counts(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    settings: Option<&str>,
    column_map: Option<&str>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(records, "records")?;
        out(
            py,
            py.detach(|| {
                let s: Settings = json("settings", settings)?;
                let m: ColumnMap = json("column_map", column_map)?;
                pairs::term_counts(&b, &s, &m)
            }),
        )
    })
}

#[pyfunction]
fn arrow_merge_counts(py: Python<'_>, counts: &Bound<'_, PyAny>) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(counts, "counts")?;
        out(py, py.detach(|| Frequencies::from_counts([&b])?.to_batch()))
    })
}

#[pyfunction]
#[pyo3(signature = (model_json, left, right, min_score=None, counts=None, settings=None, column_map=None))]
#[allow(clippy::too_many_arguments)]
fn arrow_score_pairs(
    py: Python<'_>,
    model_json: &str,
    left: &Bound<'_, PyAny>,
    right: &Bound<'_, PyAny>,
    min_score: Option<f64>,
    counts: Option<&Bound<'_, PyAny>>,
    settings: Option<&str>,
    column_map: Option<&str>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let (l, r) = (batch(left, "left")?, batch(right, "right")?);
        let c = counts
            .filter(|c| !c.is_none())
            .map(|c| batch(c, "counts"))
            .transpose()?;
        out(
            py,
            py.detach(|| {
                let md = model(model_json)?;
                let s: Settings = json("settings", settings)?;
                let m: ColumnMap = json("column_map", column_map)?;
                let f = c
                    .as_ref()
                    .map(|c| Frequencies::from_counts([c]))
                    .transpose()?;
                pairs::score_pairs(&md, &l, &r, min_score, f.as_ref(), &s, &m)
            }),
        )
    })
}

#[pyfunction]
fn arrow_connected_components(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    dst: &Bound<'_, PyAny>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let (s, d) = (array(src, "src")?, array(dst, "dst")?);
        out(
            py,
            py.detach(|| cluster::connected_components(s.as_ref(), d.as_ref())),
        )
    })
}

#[pyfunction]
#[pyo3(signature = (records, edges, settings=None, column_map=None))]
fn arrow_cluster_component(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    edges: &Bound<'_, PyAny>,
    settings: Option<&str>,
    column_map: Option<&str>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let (r, e) = (batch(records, "records")?, batch(edges, "edges")?);
        out(
            py,
            py.detach(|| {
                let s: Settings = json("settings", settings)?;
                let m: ColumnMap = json("column_map", column_map)?;
                cluster::cluster_component(&r, &e, &s, &m)
            }),
        )
    })
}

#[pyfunction]
#[pyo3(signature = (records, cluster_id_column="cluster_id", settings=None, column_map=None))]
fn arrow_golden_records(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    cluster_id_column: &str,
    settings: Option<&str>,
    column_map: Option<&str>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let r = batch(records, "records")?;
        out(
            py,
            py.detach(|| {
                let s: GoldenSettings = json("settings", settings)?;
                let m: ColumnMap = json("column_map", column_map)?;
                golden::golden_records(&r, cluster_id_column, &s, &m)
            }),
        )
    })
}

#[pyfunction]
#[pyo3(signature = (scores, segments=None, weights=None))]
fn arrow_nps_partial(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    segments: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let s = array(scores, "scores")?;
        let g = opt_array(segments, "segments")?;
        let w = opt_array(weights, "weights")?;
        out(
            py,
            py.detach(|| survey::nps_partial(s.as_ref(), g.as_deref(), w.as_deref())),
        )
    })
}

#[pyfunction]
fn arrow_nps_merge(py: Python<'_>, partials: &Bound<'_, PyAny>) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(partials, "partials")?;
        out(py, py.detach(|| survey::merge_partials([&b])))
    })
}

#[pyfunction]
#[pyo3(signature = (partials, confidence=0.95, method="wald"))]
fn arrow_nps_finalize(
    py: Python<'_>,
    partials: &Bound<'_, PyAny>,
    confidence: f64,
    method: &str,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(partials, "partials")?;
        out(
            py,
            py.detach(|| {
                let o = NpsOptions {
                    confidence,
                    method: IntervalMethod::parse(method)?,
                };
                survey::nps_finalize([&b], &o)
            }),
        )
    })
}

#[pyfunction]
fn arrow_stable_hash(text: &str) -> u64 {
    salt::stable_hash(text)
}

#[pyfunction]
fn arrow_salt_for(py: Python<'_>, id: &str, n: u32) -> PyResult<u32> {
    salt::salt_for(id, n).map_err(|e| to_py(py, e))
}

#[pyfunction]
fn arrow_chunk_of(py: Python<'_>, id: &str, n: u32) -> PyResult<u32> {
    salt::chunk_of(id, n).map_err(|e| to_py(py, e))
}

fn one_column(name: &str, a: ArrayRef) -> Res<RecordBatch> {
    let schema = Schema::new(vec![Field::new(name, a.data_type().clone(), true)]);
    RecordBatch::try_new(Arc::new(schema), vec![a]).map_err(|e| bad("result", e.to_string()))
}

#[pyfunction]
fn arrow_salts(py: Python<'_>, ids: &Bound<'_, PyAny>, n: u32) -> PyResult<ArrowResult> {
    guard(py, || {
        let a = array(ids, "ids")?;
        out(
            py,
            py.detach(|| one_column("salt", Arc::new(salt::salts(a.as_ref(), n)?))),
        )
    })
}

#[pyfunction]
fn arrow_chunks(py: Python<'_>, ids: &Bound<'_, PyAny>, n: u32) -> PyResult<ArrowResult> {
    guard(py, || {
        let a = array(ids, "ids")?;
        out(
            py,
            py.detach(|| one_column("chunk", Arc::new(salt::chunks(a.as_ref(), n)?))),
        )
    })
}

#[pyfunction]
fn arrow_salting_plan(
    py: Python<'_>,
    counts: &Bound<'_, PyAny>,
    max_block_size: u64,
) -> PyResult<ArrowResult> {
    guard(py, || {
        let b = batch(counts, "counts")?;
        out(py, py.detach(|| salt::salting_plan(&b, max_block_size)))
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ArrowResult>()?;
    m.add_function(wrap_pyfunction!(arrow_fold_emails, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_parse_emails, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_parse_phones, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_blocking_keys, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_block_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_term_counts, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_merge_counts, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_score_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_connected_components, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_cluster_component, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_golden_records, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_nps_partial, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_nps_merge, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_nps_finalize, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_stable_hash, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_salt_for, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_chunk_of, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_salts, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_chunks, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_salting_plan, m)?)?;
    Ok(())
}
