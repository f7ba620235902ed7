//! Columnar functions over the Arrow C data interface: a CRM system that
//! already holds its data as Arrow (DuckDB, nanoarrow, Arrow C++, Polars…)
//! hands crmkit whole columns and gets Arrow columns back, without a copy
//! through JSON.

use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::text::{optional_json, utf8};
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi, to_ffi};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray, make_array};
use crmkit::identity::Settings;
use crmkit::identity::record::ColumnMap;

/// Imports one array: takes ownership of `array` (the caller's struct is
/// marked released, whatever happens next) and reads `schema`, which stays
/// the caller's.
///
/// # Safety
/// `array` and `schema` must be NULL or point to valid Arrow C data
/// interface structs describing the same array.
unsafe fn import(
    array: *mut FFI_ArrowArray,
    schema: *const FFI_ArrowSchema,
    name: &str,
) -> Result<ArrayRef, crmkit_status> {
    if array.is_null() || schema.is_null() {
        return Err(fail_with(
            crmkit_status::CRMKIT_NULL_ARGUMENT,
            format!("`{name}` or its schema is NULL"),
        ));
    }
    // SAFETY: non-null and valid by the caller's guarantee; `from_raw`
    // moves the struct out and leaves a released one behind.
    let owned = unsafe { FFI_ArrowArray::from_raw(array) };
    if owned.is_released() {
        return Err(fail_with(
            crmkit_status::CRMKIT_INVALID_ARGUMENT,
            format!("`{name}` was already released"),
        ));
    }
    // SAFETY: as above; the schema describes the array.
    let data = unsafe { from_ffi(owned, &*schema) }.map_err(|e| {
        fail_with(
            crmkit_status::CRMKIT_INVALID_ARGUMENT,
            format!("`{name}` is not a valid Arrow array: {e}"),
        )
    })?;
    // foreign memory: offsets ordered, UTF-8 valid, children consistent, so
    // that a malformed array is an error here and not undefined behaviour
    // later (buffer lengths themselves are the producer's promise: the C
    // data interface does not carry them)
    data.validate_full().map_err(|e| {
        fail_with(
            crmkit_status::CRMKIT_INVALID_ARGUMENT,
            format!("`{name}` is not a valid Arrow array: {e}"),
        )
    })?;
    Ok(make_array(data))
}

/// Imports a record batch given as a struct array (format `+s`, one child
/// per column), as the Arrow C data interface passes batches.
///
/// # Safety
/// As [`import`].
unsafe fn import_batch(
    array: *mut FFI_ArrowArray,
    schema: *const FFI_ArrowSchema,
    name: &'static str,
) -> Result<RecordBatch, crmkit_status> {
    // SAFETY: forwarded caller guarantee.
    let a = unsafe { import(array, schema, name)? };
    match a.as_any().downcast_ref::<StructArray>() {
        Some(s) => Ok(RecordBatch::from(s)),
        None => Err(fail(&crmkit::Error::invalid_argument(
            name,
            format!(
                "a record batch as a struct array (format \"+s\"), got {}",
                a.data_type()
            ),
        ))),
    }
}

/// Exports a result batch as a struct array into the caller's structs.
///
/// # Safety
/// `out_array` and `out_schema` must be NULL or writable.
unsafe fn export(
    batch: crmkit::Result<RecordBatch>,
    out_array: *mut FFI_ArrowArray,
    out_schema: *mut FFI_ArrowSchema,
) -> crmkit_status {
    let batch = match batch {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    let (array, schema) = match to_ffi(&StructArray::from(batch).into_data()) {
        Ok(pair) => pair,
        Err(e) => {
            return fail_with(
                crmkit_status::CRMKIT_PANIC,
                format!("internal error: exporting the result: {e}"),
            );
        }
    };
    // SAFETY: checked non-null by every caller (`outputs_present`); writable
    // by the caller's guarantee. Plain writes: the caller's structs hold no
    // data of ours yet.
    unsafe {
        out_array.write(array);
        out_schema.write(schema);
    }
    crmkit_status::CRMKIT_OK
}

fn outputs_present(
    out_array: *mut FFI_ArrowArray,
    out_schema: *mut FFI_ArrowSchema,
) -> Result<(), crmkit_status> {
    if out_array.is_null() || out_schema.is_null() {
        return Err(fail_with(
            crmkit_status::CRMKIT_NULL_ARGUMENT,
            "`out_array` or `out_schema` is NULL",
        ));
    }
    Ok(())
}

/// Parses every email of a string column (Arrow formats `u`, `U` or `vu`:
/// Utf8, LargeUtf8 or Utf8View). Writes a struct array with one row per
/// input row and the children `normalized`, `dedup_key` (utf8), `valid`
/// (boolean), `kind`, `suggestion` and `error` (utf8), as
/// `crmkit_contact_parse_email` gives them; a null input row gives nulls.
///
/// Ownership follows the Arrow C data interface: crmkit takes `array`
/// (moves it: on return `array->release` is NULL, also on failure; only a
/// NULL `array` or `schema` leaves it with the caller) and only reads
/// `schema`, which the caller still releases. On success the caller
/// owns `*out_array` and `*out_schema` and releases both with their
/// `release` callbacks; on failure they are untouched. A column that is not
/// a string column gives `CRMKIT_INVALID_ARGUMENT` naming its type, and so
/// does an array that fails Arrow's full validation (decreasing offsets,
/// invalid UTF-8). Thread-safe.
///
/// # Safety
/// `array`/`schema` must be NULL or valid Arrow C data interface structs of
/// one array; `out_array`/`out_schema` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_arrow_parse_emails(
    array: *mut FFI_ArrowArray,
    schema: *const FFI_ArrowSchema,
    out_array: *mut FFI_ArrowArray,
    out_schema: *mut FFI_ArrowSchema,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let emails = match unsafe { import(array, schema, "emails") } {
            Ok(a) => a,
            Err(st) => return st,
        };
        if let Err(st) = outputs_present(out_array, out_schema) {
            return st;
        }
        let parsed = crmkit_arrow::contact::parse_emails(emails.as_ref());
        // SAFETY: checked above; forwarded caller guarantee.
        unsafe { export(parsed, out_array, out_schema) }
    })
}

/// Parses every phone number of a string column with `region` (ISO 3166
/// alpha-2, `len` bytes, such as "TR") for numbers written without a
/// country code. Writes a struct array with one row per input row and the
/// children `e164`, `valid` (boolean), `type`, `region`, `extension` and
/// `suggestion`, as `crmkit_contact_parse_phone` gives them. Ownership as
/// `crmkit_arrow_parse_emails`; an unknown region gives
/// `CRMKIT_CONTACT_INVALID_REGION` (the array is released all the same).
/// Thread-safe.
///
/// # Safety
/// As `crmkit_arrow_parse_emails`; `region` must point to `region_len`
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_arrow_parse_phones(
    array: *mut FFI_ArrowArray,
    schema: *const FFI_ArrowSchema,
    region: *const u8,
    region_len: usize,
    out_array: *mut FFI_ArrowArray,
    out_schema: *mut FFI_ArrowSchema,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let phones = match unsafe { import(array, schema, "phones") } {
            Ok(a) => a,
            Err(st) => return st,
        };
        if let Err(st) = outputs_present(out_array, out_schema) {
            return st;
        }
        // SAFETY: forwarded caller guarantee.
        let region = match unsafe { utf8(region, region_len, "region") } {
            Ok(r) => r,
            Err(st) => return st,
        };
        let parsed = crmkit_arrow::contact::parse_phones(phones.as_ref(), region);
        // SAFETY: checked above; forwarded caller guarantee.
        unsafe { export(parsed, out_array, out_schema) }
    })
}

/// The blocking keys of a batch of customer records (a struct array, format
/// `+s`, with the columns of `crmkit_identity_resolve`: `id`, `first_name`,
/// `last_name`, `email`, `phone`, `birth_date`, … as strings, integer ids
/// read as their decimal text). `settings` is the identity settings JSON
/// (empty for the defaults; its blocking rules are used) and `column_map` a
/// JSON column map (`{"id_column": "musteri_no", "columns": {"soyad":
/// "last_name"}, "ignore": ["notes"]}`; empty for none).
///
/// Writes a struct array of `(record_id utf8, rule_id uint32, key utf8,
/// sort_key utf8)` rows, several per record: group them by
/// `(rule_id, key)` to pair the records of each block; `rule_id` keeps a
/// pair found by two rules once. Ownership as `crmkit_arrow_parse_emails`.
/// A missing `id` column or bad JSON gives `CRMKIT_INVALID_ARGUMENT` naming
/// it. Thread-safe.
///
/// # Safety
/// As `crmkit_arrow_parse_emails`; `settings` and `column_map` must point
/// to their lengths in readable bytes (NULL only with length 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_arrow_blocking_keys(
    batch: *mut FFI_ArrowArray,
    schema: *const FFI_ArrowSchema,
    settings: *const u8,
    settings_len: usize,
    column_map: *const u8,
    column_map_len: usize,
    out_array: *mut FFI_ArrowArray,
    out_schema: *mut FFI_ArrowSchema,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let batch = match unsafe { import_batch(batch, schema, "batch") } {
            Ok(b) => b,
            Err(st) => return st,
        };
        if let Err(st) = outputs_present(out_array, out_schema) {
            return st;
        }
        // SAFETY: forwarded caller guarantee.
        let texts = unsafe {
            (
                utf8(settings, settings_len, "settings"),
                utf8(column_map, column_map_len, "column_map"),
            )
        };
        let (settings, column_map) = match texts {
            (Ok(s), Ok(m)) => (s, m),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let (settings, map) = match (
            optional_json::<Settings>("settings", "valid settings JSON", settings),
            optional_json::<ColumnMap>("column_map", "valid column_map JSON", column_map),
        ) {
            (Ok(s), Ok(m)) => (s, m),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let keys = crmkit_arrow::blocking::blocking_keys(&batch, &settings, &map);
        // SAFETY: checked above; forwarded caller guarantee.
        unsafe { export(keys, out_array, out_schema) }
    })
}

/// Connected components of a link graph given as two string columns of
/// equal length (`src[i]` linked to `dst[i]`; integer ids are read as their
/// decimal text). Writes a struct array of `(record_id utf8, cluster_id
/// utf8)` with one row per distinct id, `cluster_id` being the smallest id
/// of its component. Takes both arrays (ownership as
/// `crmkit_arrow_parse_emails`, also when the other one is invalid); arrays
/// of different lengths give `CRMKIT_LENGTH_MISMATCH`. Thread-safe.
///
/// # Safety
/// As `crmkit_arrow_parse_emails`, for both inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_arrow_connected_components(
    src: *mut FFI_ArrowArray,
    src_schema: *const FFI_ArrowSchema,
    dst: *mut FFI_ArrowArray,
    dst_schema: *const FFI_ArrowSchema,
    out_array: *mut FFI_ArrowArray,
    out_schema: *mut FFI_ArrowSchema,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee; both are imported (and so
        // released) before either result is looked at.
        let (src, dst) = unsafe {
            (
                import(src, src_schema, "src"),
                import(dst, dst_schema, "dst"),
            )
        };
        let (src, dst) = match (src, dst) {
            (Ok(s), Ok(d)) => (s, d),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        if let Err(st) = outputs_present(out_array, out_schema) {
            return st;
        }
        let comps = crmkit_arrow::cluster::connected_components(src.as_ref(), dst.as_ref());
        // SAFETY: checked above; forwarded caller guarantee.
        unsafe { export(comps, out_array, out_schema) }
    })
}

/// The salt (`0..n`) of an id, `stable_hash(id) % n`, equal to
/// `crmkit.arrow.salt_for` in Python, so that a C loader, Spark and Dask
/// split an oversized block the same way. `id` is `id_len` bytes of UTF-8;
/// `n` must be at least 1. Thread-safe.
///
/// # Safety
/// `id` must point to `id_len` readable bytes (NULL only with length 0);
/// `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_salt_for(
    id: *const u8,
    id_len: usize,
    n: u32,
    out: *mut u32,
) -> crmkit_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { hashed(id, id_len, n, out, crmkit_arrow::salt::salt_for) }
}

/// The chunk (`0..n`) of an id, `(stable_hash(id) >> 32) % n`, equal to
/// `crmkit.arrow.chunk_of` in Python. Arguments as `crmkit_salt_for`.
///
/// # Safety
/// As `crmkit_salt_for`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_chunk_of(
    id: *const u8,
    id_len: usize,
    n: u32,
    out: *mut u32,
) -> crmkit_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { hashed(id, id_len, n, out, crmkit_arrow::salt::chunk_of) }
}

/// # Safety
/// As `crmkit_salt_for`.
unsafe fn hashed(
    id: *const u8,
    id_len: usize,
    n: u32,
    out: *mut u32,
    f: fn(&str, u32) -> crmkit::Result<u32>,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let id = match unsafe { utf8(id, id_len, "id") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        match f(id, n) {
            Ok(v) => {
                // SAFETY: non-null, writable by the caller's guarantee.
                unsafe { out.write(v) };
                crmkit_status::CRMKIT_OK
            }
            Err(e) => fail(&e),
        }
    })
}
