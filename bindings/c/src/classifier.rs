//! The complaint text classifier: a model file loaded once as a
//! thread-safe handle, predictions as JSON in caller buffers.

use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::handle;
use crate::text::{utf8, write_json};
use crmkit::complaint::classifier::{Classifier, TrainOptions};

/// A loaded classifier model. Immutable: one handle may be used from many
/// threads at once. Free with `crmkit_classifier_free`.
#[derive(Debug)]
pub struct crmkit_classifier {
    _private: [u8; 0],
}

/// Loads a model file (the `len` bytes written by `Classifier.save` in
/// Python or `Classifier::save` in Rust) into `*out`. A malformed or
/// unsupported file gives `CRMKIT_COMPLAINT_INVALID_MODEL`.
///
/// # Safety
/// `bytes` must point to `len` readable bytes (NULL only with 0); `out`
/// must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_classifier_load(
    bytes: *const u8,
    len: usize,
    out: *mut *mut crmkit_classifier,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        if bytes.is_null() && len != 0 {
            return fail_with(
                crmkit_status::CRMKIT_NULL_ARGUMENT,
                format!("`bytes` is NULL but its length is {len}"),
            );
        }
        let data: &[u8] = if len == 0 {
            &[]
        } else {
            // SAFETY: non-null and `len` readable bytes (caller guarantee).
            unsafe { std::slice::from_raw_parts(bytes, len) }
        };
        match Classifier::load(data) {
            // SAFETY: out is non-null and writable (caller guarantee).
            Ok(model) => unsafe { handle::put(out, model) },
            Err(e) => fail(&e),
        }
    })
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TrainRequest {
    texts: Vec<String>,
    labels: Vec<String>,
    #[serde(default)]
    options: TrainOptions,
}

/// Trains a classifier from labelled complaints given as JSON (`len` bytes):
/// `{"texts": [...], "labels": [...], "options": {"c": 1.0, "epochs": 12,
/// "hash_bits": 20, "min_char_df": 2, "abstain_below": 0.0, "min_known": 0.0,
/// "stem": "none", "class_weight": "none", "cv_folds": 0,
/// "c_grid": [0.1, 0.3, 1.0, 3.0, 10.0], "seed": 0}}`
/// (`options` and each of its fields optional; `stem`: "none", "turkish" or
/// "english"; `class_weight`: "none", "balanced" or an object of label
/// weights; `cv_folds` from 2 chooses `c` from `c_grid` by cross-validation)
/// into `*out`. Unusable data (misaligned, one label only, nothing to learn
/// from, a class weight for an unknown label) gives
/// `CRMKIT_COMPLAINT_INVALID_TRAINING_DATA`.
///
/// # Safety
/// `json` must point to `len` readable bytes (NULL only with 0); `out` must
/// be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_classifier_train(
    json: *const u8,
    len: usize,
    out: *mut *mut crmkit_classifier,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(json, len, "json") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        let req: TrainRequest = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                return fail(&crmkit::Error::invalid_argument(
                    "json",
                    format!("{{\"texts\": [...], \"labels\": [...], \"options\": {{...}}}} ({e})"),
                ));
            }
        };
        match Classifier::train(&req.texts, &req.labels, &req.options) {
            // SAFETY: out is non-null and writable (caller guarantee).
            Ok(model) => unsafe { handle::put(out, model) },
            Err(e) => fail(&e),
        }
    })
}

/// Writes the model file's bytes into `buf` (not NUL-terminated). On
/// `CRMKIT_OK`, `*out_n` is the number of bytes written; if `buf` is NULL or
/// smaller than the model, `*out_n` is the size needed and
/// `CRMKIT_INSUFFICIENT_SIZE` is returned. Thread-safe.
///
/// # Safety
/// `model` must be a live handle; `buf` must point to `buf_len` writable
/// bytes or be NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_classifier_save(
    model: *const crmkit_classifier,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: a non-null handle was made by crmkit_classifier_load or _train.
        let model: &Classifier = match unsafe { handle::get(model, "model") } {
            Ok(m) => m,
            Err(st) => return st,
        };
        if out_n.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out_n` is NULL");
        }
        let bytes = model.save();
        // SAFETY: out_n is non-null and writable (caller guarantee).
        unsafe { *out_n = bytes.len() };
        if buf.is_null() || buf_len < bytes.len() {
            return fail_with(
                crmkit_status::CRMKIT_INSUFFICIENT_SIZE,
                format!(
                    "the buffer holds {buf_len} bytes; {} are needed",
                    bytes.len()
                ),
            );
        }
        // SAFETY: buf has at least bytes.len() writable bytes, checked above.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len()) };
        crmkit_status::CRMKIT_OK
    })
}

/// Predicts the category of a complaint text (`len` bytes of UTF-8) and
/// writes JSON into `buf`: `{"label": "late_delivery" or null (below the
/// model's abstention threshold: send to human triage), "top": [[label,
/// probability], ...] (five most likely), "features": [[n-gram,
/// contribution], ...]}`. Buffer convention as `crmkit_last_error_message`.
/// Thread-safe.
///
/// # Safety
/// `model` must be a live handle; `text` must point to `len` readable bytes
/// (NULL only with 0); `buf` to `buf_len` writable bytes or NULL; `out_n`
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_classifier_predict(
    model: *const crmkit_classifier,
    text: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: a non-null handle was made by crmkit_classifier_load or _train.
        let model: &Classifier = match unsafe { handle::get(model, "model") } {
            Ok(m) => m,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(text, len, "text") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&model.predict(text), buf, buf_len, out_n) }
    })
}

/// Frees a classifier; NULL is allowed.
///
/// # Safety
/// `model` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_classifier_free(model: *mut crmkit_classifier) {
    // SAFETY: made by crmkit_classifier_load or _train (caller guarantee).
    unsafe { handle::free::<Classifier, _>(model) }
}
