//! Identity resolution over the C ABI: records go in as JSON (an array of
//! objects or NDJSON, keys as in the CSV reader), results come out as JSON
//! in caller buffers.

use std::sync::RwLock;

use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::handle;
use crate::text::{optional_json, utf8, write_json};
use crmkit::identity::index::Index;
use crmkit::identity::record::{ColumnMap, records_from_json};
use crmkit::identity::{Model, Record, Resolution, Settings, explain_records, resolve};

/// A finished batch resolution. Immutable: may be read from many threads
/// at once. Free with `crmkit_resolution_free`.
#[derive(Debug)]
pub struct crmkit_resolution {
    _private: [u8; 0],
}

/// An online matching index. Thread-safe: matches run concurrently,
/// inserts and deletes take a write lock. Free with `crmkit_index_free`.
#[derive(Debug)]
pub struct crmkit_index {
    _private: [u8; 0],
}

fn one_record(text: &str) -> Result<Record, crmkit_status> {
    let mut recs = records_from_json(text, &ColumnMap::default()).map_err(|e| fail(&e))?;
    if recs.len() != 1 {
        return Err(fail(&crmkit::Error::invalid_argument(
            "record",
            format!("exactly one JSON object, got {}", recs.len()),
        )));
    }
    Ok(recs.remove(0))
}

/// Reads the records and settings arguments of `crmkit_identity_resolve`
/// and `crmkit_index_new`.
///
/// # Safety
/// As `crmkit_identity_resolve`.
unsafe fn inputs(
    records: *const u8,
    len: usize,
    settings: *const u8,
    settings_len: usize,
) -> Result<(Vec<Record>, Settings), crmkit_status> {
    // SAFETY: forwarded caller guarantee.
    let text = unsafe { utf8(records, len, "records") }?;
    // SAFETY: forwarded caller guarantee.
    let settings = optional_json::<Settings>("settings", unsafe {
        utf8(settings, settings_len, "settings")
    }?)?;
    let recs = records_from_json(text, &ColumnMap::default()).map_err(|e| fail(&e))?;
    Ok((recs, settings))
}

/// Resolves records (`len` bytes of UTF-8 JSON: an array of objects or one
/// object per line, with keys `id`, `first_name`, `last_name`, `email`,
/// `phone`, `date_of_birth`, `national_id`, `address`, `city`, `postcode`,
/// `country`…; repeatable fields may be arrays) into `*out`.
/// `settings` (`settings_len` bytes of JSON, or NULL with 0) overrides the
/// defaults. Bad input gives `CRMKIT_MALFORMED_INPUT` naming the record and
/// key. Thread-safe.
///
/// # Safety
/// `records` must point to `len` readable bytes; `settings` to
/// `settings_len` readable bytes or be NULL with 0; `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_identity_resolve(
    records: *const u8,
    len: usize,
    settings: *const u8,
    settings_len: usize,
    out: *mut *mut crmkit_resolution,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let (recs, settings) = match unsafe { inputs(records, len, settings, settings_len) } {
            Ok(x) => x,
            Err(st) => return st,
        };
        match resolve(&recs, &settings) {
            // SAFETY: out is non-null and writable (caller guarantee).
            Ok(res) => unsafe { handle::put(out, res) },
            Err(e) => fail(&e),
        }
    })
}

fn resolution<'a>(ptr: *const crmkit_resolution) -> Result<&'a Resolution, crmkit_status> {
    // SAFETY: a non-null handle was made by crmkit_identity_resolve.
    unsafe { handle::get(ptr, "resolution") }
}

/// Writes the clusters as JSON, `[{"id": "...", "cluster_id": "..."}, ...]`
/// in input order, NUL-terminated into `buf` (caller-buffer convention:
/// with a NULL or small `buf`, `*out_n` is the size needed and
/// `CRMKIT_INSUFFICIENT_SIZE` is returned). Thread-safe.
///
/// # Safety
/// `resolution` must be a live handle; `buf` must point to `buf_len`
/// writable bytes or be NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_resolution_clusters(
    resolution: *const crmkit_resolution,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let res = match self::resolution(resolution) {
            Ok(r) => r,
            Err(st) => return st,
        };
        let rows: Vec<serde_json::Value> = res
            .ids
            .iter()
            .zip(res.cluster_ids())
            .map(|(id, c)| serde_json::json!({"id": id, "cluster_id": c}))
            .collect();
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&rows, buf, buf_len, out_n) }
    })
}

/// Writes the explanation of two records (by id) as JSON: the prior, each
/// field's level and weight, the total weight and the probability.
/// An unknown id gives `CRMKIT_INVALID_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `resolution` must be a live handle; `id_a`/`id_b` must point to their
/// lengths of readable bytes; `buf` to `buf_len` writable bytes or NULL;
/// `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_resolution_explain(
    resolution: *const crmkit_resolution,
    id_a: *const u8,
    id_a_len: usize,
    id_b: *const u8,
    id_b_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let res = match self::resolution(resolution) {
            Ok(r) => r,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let (a, b) = match unsafe { (utf8(id_a, id_a_len, "id_a"), utf8(id_b, id_b_len, "id_b")) } {
            (Ok(a), Ok(b)) => (a, b),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let find = |id: &str| {
            res.index_of(id).ok_or_else(|| {
                fail(&crmkit::Error::invalid_argument(
                    "id",
                    format!("no record with id `{id}`"),
                ))
            })
        };
        match (find(a), find(b)) {
            // SAFETY: forwarded caller guarantee.
            (Ok(ia), Ok(ib)) => unsafe { write_json(&res.explain(ia, ib), buf, buf_len, out_n) },
            (Err(st), _) | (_, Err(st)) => st,
        }
    })
}

/// Frees a resolution; NULL is allowed.
///
/// # Safety
/// `resolution` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_resolution_free(resolution: *mut crmkit_resolution) {
    // SAFETY: made by crmkit_identity_resolve (caller guarantee).
    unsafe { handle::free::<Resolution, _>(resolution) }
}

/// Explains two records given as JSON objects under the default model (no
/// frequency adjustment) and writes the explanation as JSON. Thread-safe.
///
/// # Safety
/// `a` and `b` must point to their lengths of readable bytes; `buf` to
/// `buf_len` writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_identity_explain(
    a: *const u8,
    a_len: usize,
    b: *const u8,
    b_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let (ta, tb) = match unsafe { (utf8(a, a_len, "a"), utf8(b, b_len, "b")) } {
            (Ok(x), Ok(y)) => (x, y),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let (ra, rb) = match (one_record(ta), one_record(tb)) {
            (Ok(x), Ok(y)) => (x, y),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let explained = explain_records(&Model::default(), &ra, &rb, None);
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&explained, buf, buf_len, out_n) }
    })
}

/// Builds an online index by resolving `records` (JSON as in
/// `crmkit_identity_resolve`) into `*out`.
///
/// # Safety
/// As `crmkit_identity_resolve`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_new(
    records: *const u8,
    len: usize,
    settings: *const u8,
    settings_len: usize,
    out: *mut *mut crmkit_index,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let (recs, settings) = match unsafe { inputs(records, len, settings, settings_len) } {
            Ok(x) => x,
            Err(st) => return st,
        };
        match Index::build(recs, settings) {
            // SAFETY: out is non-null and writable (caller guarantee).
            Ok(index) => unsafe { handle::put(out, RwLock::new(index)) },
            Err(e) => fail(&e),
        }
    })
}

fn index<'a>(ptr: *const crmkit_index) -> Result<&'a RwLock<Index>, crmkit_status> {
    // SAFETY: a non-null handle was made by crmkit_index_new.
    unsafe { handle::get(ptr, "index") }
}

/// Runs a change under the index's write lock and writes it as JSON.
fn write_change(
    idx: &RwLock<Index>,
    change: impl FnOnce(&mut Index) -> crmkit::Result<crmkit::identity::index::Change>,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    let Ok(mut guard) = idx.write() else {
        return poisoned();
    };
    match change(&mut guard) {
        // SAFETY: forwarded caller guarantee.
        Ok(change) => unsafe { write_json(&change, buf, buf_len, out_n) },
        Err(e) => fail(&e),
    }
}

fn poisoned() -> crmkit_status {
    fail_with(
        crmkit_status::CRMKIT_PANIC,
        "internal error: the index was left inconsistent by an earlier failure",
    )
}

/// Candidate customers for one record (a JSON object) as a JSON array,
/// best first: `entity_id`, `probability`, `weight`, `record_id`.
/// Does not change the index; runs concurrently with other matches.
///
/// # Safety
/// `index` must be a live handle; `record` must point to `len` readable
/// bytes; `buf` to `buf_len` writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_match(
    index: *const crmkit_index,
    record: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let idx = match self::index(index) {
            Ok(i) => i,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(record, len, "record") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        // a query needs no id of its own
        let query = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(mut m)) => {
                m.entry("id").or_insert_with(|| "?".into());
                serde_json::Value::Object(m).to_string()
            }
            _ => text.to_owned(),
        };
        let r = match one_record(&query) {
            Ok(r) => r,
            Err(st) => return st,
        };
        let Ok(guard) = idx.read() else {
            return poisoned();
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&guard.match_record(&r), buf, buf_len, out_n) }
    })
}

/// Inserts one record (a JSON object with an `id`) and writes the change as
/// JSON: `entity_id` and `events` (`created`, `joined`, `merged`). A
/// duplicate id gives `CRMKIT_INVALID_ARGUMENT`. Takes the write lock.
///
/// # Safety
/// As `crmkit_index_match`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_insert(
    index: *const crmkit_index,
    record: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let idx = match self::index(index) {
            Ok(i) => i,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(record, len, "record") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        let r = match one_record(text) {
            Ok(r) => r,
            Err(st) => return st,
        };
        write_change(idx, |i| i.insert(r), buf, buf_len, out_n)
    })
}

/// Deletes a record by id and writes the change as JSON (`removed` or
/// `split` events). An unknown id gives `CRMKIT_INVALID_ARGUMENT`. Takes
/// the write lock.
///
/// # Safety
/// `index` must be a live handle; `id` must point to `len` readable bytes;
/// `buf` to `buf_len` writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_delete(
    index: *const crmkit_index,
    id: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let idx = match self::index(index) {
            Ok(i) => i,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let id = match unsafe { utf8(id, len, "id") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        write_change(idx, |i| i.delete(id), buf, buf_len, out_n)
    })
}

/// Number of records in the index (0 for NULL).
///
/// # Safety
/// `index` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_len(index: *const crmkit_index) -> usize {
    std::panic::catch_unwind(|| {
        self::index(index)
            .ok()
            .and_then(|i| i.read().ok().map(|g| g.len()))
    })
    .ok()
    .flatten()
    .unwrap_or(0)
}

/// Frees an index; NULL is allowed.
///
/// # Safety
/// `index` must be NULL or a live handle, not used afterwards or
/// concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_free(index: *mut crmkit_index) {
    // SAFETY: made by crmkit_index_new (caller guarantee).
    unsafe { handle::free::<RwLock<Index>, _>(index) }
}
