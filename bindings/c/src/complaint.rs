use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::text::{utf8, write_text};
use crmkit::complaint::tracking;

/// Writes the tracking number of `sequence` (with an optional prefix of
/// `prefix_len` bytes, NULL when 0) NUL-terminated into `buf`. On
/// `CRMKIT_OK`, `*out_n` is its length; if `buf` is NULL or too small,
/// `*out_n` is the size needed (including the NUL) and
/// `CRMKIT_INSUFFICIENT_SIZE` is returned. 32 bytes always suffice.
/// A prefix with characters outside the tracking alphabet (no 0, 1, I, L,
/// O) or longer than 6 gives `CRMKIT_INVALID_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `prefix` must point to `prefix_len` readable bytes or be NULL with 0;
/// `buf` must point to `len` writable bytes or be NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_complaint_tracking_number(
    sequence: u64,
    prefix: *const u8,
    prefix_len: usize,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let prefix = match unsafe { utf8(prefix, prefix_len, "prefix") } {
            Ok(p) => p,
            Err(st) => return st,
        };
        match tracking::tracking_number(sequence, (!prefix.is_empty()).then_some(prefix)) {
            // SAFETY: forwarded caller guarantee.
            Ok(t) => unsafe { write_text(&t, buf, len, out_n) },
            Err(e) => fail(&e),
        }
    })
}

/// Validates a tracking number (`len` bytes of UTF-8; case, spaces and
/// hyphens are ignored). Returns `CRMKIT_OK` and writes the sequence number
/// to `*out_sequence` (when not NULL) if valid; otherwise
/// `CRMKIT_INVALID_ARGUMENT`, with the reason ("the check character does not
/// match...", "character 'O' at position 6...") in
/// `crmkit_last_error_message`. Thread-safe.
///
/// # Safety
/// `text` must point to `len` readable bytes (NULL only with 0);
/// `out_sequence` must be writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_complaint_validate_tracking_number(
    text: *const u8,
    len: usize,
    out_sequence: *mut u64,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(text, len, "text") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        match tracking::validate(text) {
            Ok(t) => {
                if !out_sequence.is_null() {
                    // SAFETY: non-null and writable (caller guarantee).
                    unsafe { *out_sequence = t.sequence };
                }
                crmkit_status::CRMKIT_OK
            }
            Err(e) => fail_with(crmkit_status::CRMKIT_INVALID_ARGUMENT, e.to_string()),
        }
    })
}

/// A compiled category rule set. Immutable after creation: one handle may
/// be used from many threads at once. Free with `crmkit_category_rules_free`.
#[derive(Debug)]
pub struct crmkit_category_rules {
    _private: [u8; 0],
}

/// Rule file formats.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum crmkit_rules_format {
    /// TOML.
    CRMKIT_RULES_TOML = 0,
    /// JSON.
    CRMKIT_RULES_JSON = 1,
}

/// Compiles a category rule file (`len` bytes of UTF-8 in `format`, a
/// `crmkit_rules_format` value) into `*out`. A malformed file gives
/// `CRMKIT_COMPLAINT_INVALID_RULE_SET` with the rule named in
/// `crmkit_last_error_message`.
///
/// # Safety
/// `text` must point to `len` readable bytes; `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_category_rules_new(
    text: *const u8,
    len: usize,
    format: u32,
    out: *mut *mut crmkit_category_rules,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(text, len, "text") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        use crmkit::complaint::categorize::CategoryRules;
        let compiled = match format {
            0 => CategoryRules::from_toml(text),
            1 => CategoryRules::from_json(text),
            other => {
                return fail(&crmkit::Error::invalid_argument(
                    "format",
                    format!("CRMKIT_RULES_TOML (0) or CRMKIT_RULES_JSON (1), got {other}"),
                ));
            }
        };
        match compiled {
            Ok(rules) => {
                // SAFETY: out is non-null and writable (caller guarantee).
                unsafe { *out = Box::into_raw(Box::new(rules)).cast() };
                crmkit_status::CRMKIT_OK
            }
            Err(e) => fail(&e),
        }
    })
}

/// Categorizes a text (`len` bytes of UTF-8) and writes JSON into `buf`:
/// `{"categories": [...], "flags": [...]}`, each hit with `id`,
/// `priority` and `spans` (`start`, `end` byte offsets into the text,
/// `text`, `pattern`). Buffer convention as `crmkit_last_error_message`.
/// Thread-safe.
///
/// # Safety
/// `rules` must be a live handle; `text` must point to `len` readable bytes;
/// `buf` to `buf_len` writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_category_rules_categorize(
    rules: *const crmkit_category_rules,
    text: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: a non-null handle was made by crmkit_category_rules_new.
        let Some(rules) = (unsafe {
            rules
                .cast::<crmkit::complaint::categorize::CategoryRules>()
                .as_ref()
        }) else {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`rules` is NULL");
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(text, len, "text") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        match serde_json::to_string(&rules.categorize(text)) {
            // SAFETY: forwarded caller guarantee.
            Ok(json) => unsafe { write_text(&json, buf, buf_len, out_n) },
            Err(e) => fail_with(crmkit_status::CRMKIT_PANIC, format!("internal error: {e}")),
        }
    })
}

/// Frees a rule set; NULL is allowed.
///
/// # Safety
/// `rules` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_category_rules_free(rules: *mut crmkit_category_rules) {
    let _ = std::panic::catch_unwind(|| {
        if !rules.is_null() {
            // SAFETY: made by Box::into_raw in crmkit_category_rules_new.
            drop(unsafe {
                Box::from_raw(rules.cast::<crmkit::complaint::categorize::CategoryRules>())
            });
        }
    });
}
