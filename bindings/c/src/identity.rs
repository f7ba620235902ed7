//! Identity resolution over the C ABI: records go in as JSON (an array of
//! objects or NDJSON, keys as in the CSV reader), results come out as JSON
//! in caller buffers.

use std::ffi::{CStr, c_char, c_void};
use std::ops::ControlFlow;
use std::sync::RwLock;

use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::handle;
use crate::text::{optional_json, utf8, write_json, write_text};
use crmkit::identity::index::{Change, Index};
use crmkit::identity::record::{ColumnMap, records_from_json};
use crmkit::identity::{
    Model, Progress, Record, Resolution, Settings, Stage, explain_records, resolve_with,
};

/// A finished batch resolution. Immutable: may be read from many threads
/// at once. Free with `crmkit_resolution_free`.
#[derive(Debug)]
pub struct crmkit_resolution {
    _private: [u8; 0],
}

/// An online matching index. Thread-safe: matches run concurrently,
/// inserts and deletes take a write lock. Inserts and deletes are all or
/// nothing: one that fails, or that returns `CRMKIT_INSUFFICIENT_SIZE`,
/// leaves the index as it was. Free with `crmkit_index_free`.
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
    let settings = optional_json::<Settings>("settings", "valid settings JSON", unsafe {
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
    // SAFETY: forwarded caller guarantee; no callback.
    unsafe {
        crmkit_identity_resolve_progress(
            records,
            len,
            settings,
            settings_len,
            None,
            std::ptr::null_mut(),
            out,
        )
    }
}

/// A progress callback for `crmkit_identity_resolve_progress`, called from
/// the thread that started the run, between slices of work (each a
/// fraction of a second): `stage` is the stage under way as a
/// NUL-terminated name (`standardize`, `block`, `compare`, `train`,
/// `score`, `cluster`; static, valid for the life of the program), `done`
/// of `total` its units so far (records, blocking rules, pairs, steps or
/// links), `user` the pointer given with it. Each stage is reported first
/// with `done == 0` and last with `done == total`. Return 0 to go on, any
/// other value to stop the run: it then returns `CRMKIT_CANCELLED` and
/// makes no resolution. The callback must not unwind (no C++ exception or
/// `longjmp` out of it).
pub type crmkit_progress_fn = Option<
    unsafe extern "C" fn(stage: *const c_char, done: u64, total: u64, user: *mut c_void) -> i32,
>;

fn stage_name(stage: Stage) -> &'static CStr {
    match stage {
        Stage::Standardize => c"standardize",
        Stage::Block => c"block",
        Stage::Compare => c"compare",
        Stage::Train => c"train",
        Stage::Score => c"score",
        Stage::Cluster => c"cluster",
    }
}

/// As `crmkit_identity_resolve`, reporting progress to `progress` (NULL:
/// no reports) with `user`, which can stop the run: then
/// `CRMKIT_CANCELLED`, `*out` untouched and the last error message says it
/// was cancelled. Thread-safe; each run calls its own callback.
///
/// # Safety
/// As `crmkit_identity_resolve`; `progress`, when not NULL, must be safe
/// to call with `user` from the calling thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_identity_resolve_progress(
    records: *const u8,
    len: usize,
    settings: *const u8,
    settings_len: usize,
    progress: crmkit_progress_fn,
    user: *mut c_void,
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
        let mut report = |p: Progress| match progress {
            // SAFETY: the caller guarantees the callback may be called with
            // `user` on this thread; the stage name is a static C string.
            Some(f) if unsafe { f(stage_name(p.stage).as_ptr(), p.done, p.total, user) } != 0 => {
                ControlFlow::Break(())
            }
            _ => ControlFlow::Continue(()),
        };
        match resolve_with(&recs, None, &settings, &mut report) {
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

/// A change to the index, previewed before it is made.
enum Op<'a> {
    Insert(Box<Record>),
    Delete(&'a str),
}

impl Op<'_> {
    fn preview(&self, index: &Index) -> crmkit::Result<Change> {
        match self {
            Op::Insert(r) => index.preview_insert(r),
            Op::Delete(id) => index.preview_delete(id),
        }
    }

    fn apply(self, index: &mut Index) -> crmkit::Result<Change> {
        match self {
            Op::Insert(r) => index.insert(*r),
            Op::Delete(id) => index.delete(id),
        }
    }
}

/// Makes a change under the index's write lock, all or nothing, and writes
/// its result as JSON: the result is previewed first, and the change is
/// made only once the result fits in `buf`. A NULL `out_n`, a NULL or small
/// `buf` (`CRMKIT_INSUFFICIENT_SIZE` with the size needed) or an error
/// leaves the index as it was; a retry with a large enough buffer makes the
/// change and gets the previewed result.
///
/// # Safety
/// `buf` must point to `buf_len` writable bytes or be NULL; `out_n` must be
/// writable or NULL.
unsafe fn write_change(
    idx: &RwLock<Index>,
    op: Op<'_>,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    if out_n.is_null() {
        return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out_n` is NULL");
    }
    let Ok(mut guard) = idx.write() else {
        return poisoned();
    };
    // previewing only reads: a panic in it is caught here, under the lock,
    // so that it neither poisons the lock nor changes the index
    let previewed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| op.preview(&guard)));
    let json = match previewed {
        Ok(Ok(change)) => match serde_json::to_string(&change) {
            Ok(json) => json,
            Err(e) => {
                return fail_with(crmkit_status::CRMKIT_PANIC, format!("internal error: {e}"));
            }
        },
        Ok(Err(e)) => return fail(&e),
        Err(_) => {
            return fail_with(
                crmkit_status::CRMKIT_PANIC,
                "internal error while previewing the change; the index is unchanged",
            );
        }
    };
    if buf.is_null() || buf_len <= json.len() {
        // SAFETY: forwarded caller guarantee; reports the size needed and
        // writes nothing else.
        return unsafe { write_text(&json, buf, buf_len, out_n) };
    }
    let made = match op.apply(&mut guard) {
        Ok(change) => change,
        Err(e) => return fail(&e),
    };
    let made_json = serde_json::to_string(&made).unwrap_or_default();
    if made_json != json {
        return fail_with(
            crmkit_status::CRMKIT_PANIC,
            format!(
                "internal error: the change was made, but its result {made_json} differs from its preview {json}"
            ),
        );
    }
    // SAFETY: forwarded caller guarantee; `buf` holds the result (checked
    // above).
    unsafe { write_text(&json, buf, buf_len, out_n) }
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
/// JSON: `entity_id` and `events` (`created`, `joined`, `merged`), which
/// also go to the feed (`crmkit_index_events_since`). A
/// duplicate id gives `CRMKIT_INVALID_ARGUMENT`. Takes the write lock.
///
/// All or nothing: a call that fails changes nothing. With a NULL or small
/// `buf` the record is not inserted: `CRMKIT_INSUFFICIENT_SIZE` is returned
/// and `*out_n` is the size needed; the same call with a buffer of that
/// size then inserts it and writes the same change (unless another insert
/// or delete came in between).
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
        // SAFETY: forwarded caller guarantee.
        unsafe { write_change(idx, Op::Insert(Box::new(r)), buf, buf_len, out_n) }
    })
}

/// Deletes a record by id and writes the change as JSON (`left`, then
/// `removed` or `split` where it comes to that; the events also go to the
/// feed). An unknown id gives `CRMKIT_INVALID_ARGUMENT`. Takes
/// the write lock.
///
/// All or nothing, as `crmkit_index_insert`: with a NULL or small `buf` the
/// record stays indexed, `CRMKIT_INSUFFICIENT_SIZE` is returned and
/// `*out_n` is the size needed; the retry deletes it and writes the same
/// change.
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
        // SAFETY: forwarded caller guarantee.
        unsafe { write_change(idx, Op::Delete(id), buf, buf_len, out_n) }
    })
}

/// The events after the sequence number `after`, oldest first, as a JSON
/// array: each event's `seq`, its `event` (`created`, `joined`, `left`,
/// `merged`, `split`, `removed`), `entity_id` and the records involved
/// (`record_id`; for `merged` and `split`, `moved[i]` are the records of
/// `absorbed[i]` / `new_entity_ids[i]`). Replaying them from
/// `crmkit_index_assignments` keeps a copy of the entities current.
/// Every insert and delete numbers its events: the first is 1. Takes the
/// read lock; runs concurrently with matches and other reads.
///
/// A subscriber starts from `crmkit_index_assignments` (which gives the
/// `last_seq` read with them), then calls this with the last sequence
/// number it has seen.
/// `CRMKIT_RESYNC_REQUIRED` when events after `after` are no longer kept
/// (see `crmkit_index_set_feed_retention`) or `after` is beyond the last
/// event (a cursor from another index): read the assignments again.
/// With a NULL or small `buf`, `CRMKIT_INSUFFICIENT_SIZE` and the size
/// needed in `*out_n`; a retry may need more if changes came in between.
///
/// # Safety
/// `index` must be a live handle; `buf` must point to `buf_len` writable
/// bytes or be NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_events_since(
    index: *const crmkit_index,
    after: u64,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let idx = match self::index(index) {
            Ok(i) => i,
            Err(st) => return st,
        };
        let Ok(guard) = idx.read() else {
            return poisoned();
        };
        match guard.events_since(after) {
            // SAFETY: forwarded caller guarantee.
            Ok(events) => unsafe { write_json(&events, buf, buf_len, out_n) },
            Err(e) => fail(&e),
        }
    })
}

/// `{"last_seq": N, "assignments": {"record id": "entity id", ...}}`: every
/// record's entity and the sequence number of the last event, read
/// together under the read lock, where a feed subscriber starts (and
/// starts again after `CRMKIT_RESYNC_REQUIRED`). With a NULL or small
/// `buf`, `CRMKIT_INSUFFICIENT_SIZE` and the size needed in `*out_n`.
///
/// # Safety
/// As `crmkit_index_events_since`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_assignments(
    index: *const crmkit_index,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    #[derive(serde::Serialize)]
    struct State {
        last_seq: u64,
        assignments: std::collections::BTreeMap<String, String>,
    }
    boundary(|| {
        let idx = match self::index(index) {
            Ok(i) => i,
            Err(st) => return st,
        };
        let Ok(guard) = idx.read() else {
            return poisoned();
        };
        let state = State {
            last_seq: guard.last_seq(),
            assignments: guard.assignments().into_iter().collect(),
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&state, buf, buf_len, out_n) }
    })
}

/// The sequence number of the index's last event (0 before the first, and
/// for NULL).
///
/// # Safety
/// `index` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_last_seq(index: *const crmkit_index) -> u64 {
    std::panic::catch_unwind(|| {
        self::index(index)
            .ok()
            .and_then(|i| i.read().ok().map(|g| g.last_seq()))
    })
    .ok()
    .flatten()
    .unwrap_or(0)
}

/// Keeps the newest `events` events for `crmkit_index_events_since`
/// (65,536 unless set), dropping older ones at once; 0 keeps none. Takes
/// the write lock.
///
/// # Safety
/// `index` must be a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_index_set_feed_retention(
    index: *const crmkit_index,
    events: usize,
) -> crmkit_status {
    boundary(|| {
        let idx = match self::index(index) {
            Ok(i) => i,
            Err(st) => return st,
        };
        let Ok(mut guard) = idx.write() else {
            return poisoned();
        };
        guard.set_feed_retention(events);
        crmkit_status::CRMKIT_OK
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

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDS: &str = concat!(
        r#"{"id": "1", "first_name": "Mert", "last_name": "Kara", "phone": "0532 000 11 22", "date_of_birth": "01.01.1990", "country": "TR"}"#,
        "\n",
        r#"{"id": "2", "last_name": "Kara", "email": "mk.1990@firma.com.tr", "country": "TR"}"#,
        "\n",
        r#"{"id": "3", "first_name": "Zeynep", "last_name": "Arslan", "email": "zeynep@firma.com.tr", "country": "TR"}"#,
    );
    /// Links 1 and 2 (phone with one, email with the other).
    const BRIDGE: &str = r#"{"id": "4", "first_name": "Mert", "last_name": "Kara", "phone": "0532 000 11 22", "email": "mk.1990@firma.com.tr", "date_of_birth": "01.01.1990", "country": "TR"}"#;

    fn new_index() -> *mut crmkit_index {
        let mut idx = std::ptr::null_mut();
        let st = unsafe {
            crmkit_index_new(
                RECORDS.as_ptr(),
                RECORDS.len(),
                std::ptr::null(),
                0,
                &mut idx,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        idx
    }

    fn assignments(idx: *mut crmkit_index) -> Vec<(String, String)> {
        let mut a = index_of(idx).read().unwrap().assignments();
        a.sort();
        a
    }

    fn index_of<'a>(idx: *mut crmkit_index) -> &'a RwLock<Index> {
        super::index(idx).unwrap()
    }

    type Call = unsafe extern "C" fn(
        *const crmkit_index,
        *const u8,
        usize,
        *mut u8,
        usize,
        *mut usize,
    ) -> crmkit_status;

    /// Calls `f` with no buffer, a buffer one byte short and no `out_n`
    /// (each changing nothing), then with the size reported; returns the
    /// result.
    fn all_or_nothing(idx: *mut crmkit_index, f: Call, arg: &str) -> String {
        let before = assignments(idx);
        let mut needed = 0usize;
        let st = unsafe {
            f(
                idx,
                arg.as_ptr(),
                arg.len(),
                std::ptr::null_mut(),
                0,
                &mut needed,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_INSUFFICIENT_SIZE);
        assert_eq!(assignments(idx), before);
        let mut buf = vec![0u8; needed];
        let mut n = 0usize;
        let st = unsafe {
            f(
                idx,
                arg.as_ptr(),
                arg.len(),
                buf.as_mut_ptr(),
                needed - 1,
                &mut n,
            )
        };
        assert_eq!((st, n), (crmkit_status::CRMKIT_INSUFFICIENT_SIZE, needed));
        assert_eq!(assignments(idx), before);
        let st = unsafe {
            f(
                idx,
                arg.as_ptr(),
                arg.len(),
                buf.as_mut_ptr(),
                needed,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_NULL_ARGUMENT);
        assert_eq!(assignments(idx), before);
        let st = unsafe {
            f(
                idx,
                arg.as_ptr(),
                arg.len(),
                buf.as_mut_ptr(),
                needed,
                &mut n,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        assert_eq!(n, needed - 1);
        assert_ne!(assignments(idx), before);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    /// The result of `f` given a large buffer at once.
    fn at_once(idx: *mut crmkit_index, f: Call, arg: &str) -> String {
        let mut buf = vec![0u8; 4096];
        let mut n = 0usize;
        let st = unsafe {
            f(
                idx,
                arg.as_ptr(),
                arg.len(),
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn insert_and_delete_change_nothing_until_the_result_is_delivered() {
        let (a, b) = (new_index(), new_index());
        let merged = all_or_nothing(a, crmkit_index_insert, BRIDGE);
        assert_eq!(merged, at_once(b, crmkit_index_insert, BRIDGE));
        assert!(merged.contains(r#""event":"merged""#), "{merged}");
        assert_eq!(assignments(a), assignments(b));
        let split = all_or_nothing(a, crmkit_index_delete, "4");
        assert_eq!(split, at_once(b, crmkit_index_delete, "4"));
        assert!(split.contains(r#""event":"split""#), "{split}");
        let again = all_or_nothing(a, crmkit_index_insert, BRIDGE);
        assert_eq!(again, at_once(b, crmkit_index_insert, BRIDGE));
        let removed = all_or_nothing(a, crmkit_index_delete, "3");
        assert_eq!(removed, at_once(b, crmkit_index_delete, "3"));
        assert!(removed.contains(r#""event":"removed""#), "{removed}");
        assert_eq!(assignments(a), assignments(b));

        // errors change nothing either
        let before = assignments(a);
        let mut n = 0usize;
        for (f, arg) in [
            (crmkit_index_insert as Call, BRIDGE),
            (crmkit_index_insert, r#"{"id": ""}"#),
            (crmkit_index_insert, "[]"),
            (crmkit_index_delete, "3"),
        ] {
            let st = unsafe { f(a, arg.as_ptr(), arg.len(), std::ptr::null_mut(), 0, &mut n) };
            assert!(
                [
                    crmkit_status::CRMKIT_INVALID_ARGUMENT,
                    crmkit_status::CRMKIT_MALFORMED_INPUT
                ]
                .contains(&st),
                "{arg}: {st:?}"
            );
        }
        assert_eq!(assignments(a), before);
        unsafe {
            crmkit_index_free(a);
            crmkit_index_free(b);
        }
    }
}
