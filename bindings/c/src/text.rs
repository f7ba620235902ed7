use crate::error::{crmkit_status, fail, fail_with};

/// Reads `len` bytes at `ptr` as UTF-8; NULL is allowed only with `len == 0`.
///
/// # Safety
/// When non-NULL, `ptr` must point to `len` readable bytes that stay valid
/// for the returned lifetime.
pub(crate) unsafe fn utf8<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a str, crmkit_status> {
    if len == 0 {
        return Ok("");
    }
    if ptr.is_null() {
        return Err(fail_with(
            crmkit_status::CRMKIT_NULL_ARGUMENT,
            format!("`{name}` is NULL but its length is {len}"),
        ));
    }
    // SAFETY: non-null and `len` readable bytes (caller guarantee).
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).map_err(|e| {
        fail_with(
            crmkit_status::CRMKIT_INVALID_UTF8,
            format!("`{name}` is not valid UTF-8: {e}"),
        )
    })
}

/// Writes `text` NUL-terminated into `buf` (the caller-buffer convention of
/// `crmkit_last_error_message`).
///
/// # Safety
/// `buf` must point to `len` writable bytes or be NULL; `out_n` must be
/// writable or NULL (then `CRMKIT_NULL_ARGUMENT`).
pub(crate) unsafe fn write_text(
    text: &str,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    if out_n.is_null() {
        return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out_n` is NULL");
    }
    let needed = text.len() + 1;
    if buf.is_null() || len < needed {
        // SAFETY: out_n is non-null and writable (caller guarantee).
        unsafe { *out_n = needed };
        return fail_with(
            crmkit_status::CRMKIT_INSUFFICIENT_SIZE,
            format!("the buffer holds {len} bytes; {needed} are needed"),
        );
    }
    // SAFETY: buf has at least `needed` writable bytes, checked above.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        *buf.add(text.len()) = 0;
        *out_n = text.len();
    }
    crmkit_status::CRMKIT_OK
}

/// Writes `value` as JSON with [`write_text`].
///
/// # Safety
/// As [`write_text`].
pub(crate) unsafe fn write_json<T: serde::Serialize>(
    value: &T,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    match serde_json::to_string(value) {
        // SAFETY: forwarded caller guarantee.
        Ok(json) => unsafe { write_text(&json, buf, len, out_n) },
        Err(e) => fail_with(crmkit_status::CRMKIT_PANIC, format!("internal error: {e}")),
    }
}

/// Reads an optional JSON argument named `name`: empty (or blank) text is
/// the default, anything else must be a JSON object that reads as `T` (an
/// array is refused, though serde would read a struct from one); an error
/// names `name` and says what was `expected`.
pub(crate) fn optional_json<T: serde::de::DeserializeOwned + Default>(
    name: &'static str,
    expected: &str,
    text: &str,
) -> Result<T, crmkit_status> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    let bad = |what: String| {
        fail(&crmkit::Error::invalid_argument(
            name,
            format!("{expected}: {what}"),
        ))
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let got = match &value {
        serde_json::Value::Object(_) => {
            return serde_json::from_value(value).map_err(|e| bad(e.to_string()));
        }
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null => "null",
    };
    Err(bad(format!("got {got}, not an object")))
}
