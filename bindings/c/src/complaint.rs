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
