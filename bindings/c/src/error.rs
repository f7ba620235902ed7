use crmkit::{Error, ErrorCode};
use std::cell::RefCell;
use std::ffi::c_char;

/// Status of a crmkit call: `CRMKIT_OK` (0) or a stable error code. The
/// values are those of the Rust `crmkit::ErrorCode` and never change;
/// retired values are never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)]
pub enum crmkit_status {
    /// Success.
    CRMKIT_OK = 0,
    /// An argument is outside its documented domain.
    CRMKIT_INVALID_ARGUMENT = 100,
    /// Text input is not valid UTF-8.
    CRMKIT_INVALID_UTF8 = 101,
    /// A required pointer was NULL (or NULL with a non-zero length).
    CRMKIT_NULL_ARGUMENT = 102,
    /// Two inputs that must have the same length do not.
    CRMKIT_LENGTH_MISMATCH = 103,
    /// A tabular input could not be read.
    CRMKIT_MALFORMED_INPUT = 104,
    /// Reading or writing a file failed.
    CRMKIT_IO = 105,
    /// The caller stopped a long run before it finished.
    CRMKIT_CANCELLED = 106,
    /// A feed cursor names events no longer kept (or none that exist):
    /// read the current state again and follow the feed from there.
    CRMKIT_RESYNC_REQUIRED = 107,
    /// A survey answer is not a number.
    CRMKIT_SURVEY_NOT_A_NUMBER = 200,
    /// A survey answer is outside its scale.
    CRMKIT_SURVEY_OUT_OF_RANGE = 201,
    /// A weight is negative, infinite or NaN next to a present answer.
    CRMKIT_SURVEY_INVALID_WEIGHT = 202,
    /// There is no answer to compute a metric from.
    CRMKIT_SURVEY_NO_ANSWERS = 203,
    /// A rating scale definition is inconsistent.
    CRMKIT_SURVEY_INVALID_SCALE = 204,
    /// Two partial aggregates with different scales cannot be merged.
    CRMKIT_SURVEY_INCOMPATIBLE_AGGREGATES = 205,
    /// A channel name other than `email` or `sms`.
    CRMKIT_CONTACT_UNKNOWN_CHANNEL = 300,
    /// A region code unknown to the phone metadata.
    CRMKIT_CONTACT_INVALID_REGION = 301,
    /// A user-supplied list (domains, role names…) is malformed.
    CRMKIT_CONTACT_INVALID_LIST = 302,
    /// A routing or categorization rule set is malformed.
    CRMKIT_COMPLAINT_INVALID_RULE_SET = 500,
    /// A classifier model file is malformed or of an unsupported version.
    CRMKIT_COMPLAINT_INVALID_MODEL = 501,
    /// Classifier training data is unusable.
    CRMKIT_COMPLAINT_INVALID_TRAINING_DATA = 502,
    /// A business calendar is malformed.
    CRMKIT_COMPLAINT_INVALID_CALENDAR = 503,
    /// A complaint event log is impossible (an event before `received`, resolved twice…).
    CRMKIT_COMPLAINT_INVALID_EVENT_LOG = 504,
    /// A caller-supplied buffer is too small; the needed size was written.
    CRMKIT_INSUFFICIENT_SIZE = 900,
    /// An internal error was caught at the boundary; please report it.
    CRMKIT_PANIC = 901,
}

impl crmkit_status {
    pub(crate) const ALL: &'static [crmkit_status] = &[
        crmkit_status::CRMKIT_OK,
        crmkit_status::CRMKIT_INVALID_ARGUMENT,
        crmkit_status::CRMKIT_INVALID_UTF8,
        crmkit_status::CRMKIT_NULL_ARGUMENT,
        crmkit_status::CRMKIT_LENGTH_MISMATCH,
        crmkit_status::CRMKIT_MALFORMED_INPUT,
        crmkit_status::CRMKIT_IO,
        crmkit_status::CRMKIT_CANCELLED,
        crmkit_status::CRMKIT_RESYNC_REQUIRED,
        crmkit_status::CRMKIT_SURVEY_NOT_A_NUMBER,
        crmkit_status::CRMKIT_SURVEY_OUT_OF_RANGE,
        crmkit_status::CRMKIT_SURVEY_INVALID_WEIGHT,
        crmkit_status::CRMKIT_SURVEY_NO_ANSWERS,
        crmkit_status::CRMKIT_SURVEY_INVALID_SCALE,
        crmkit_status::CRMKIT_SURVEY_INCOMPATIBLE_AGGREGATES,
        crmkit_status::CRMKIT_CONTACT_UNKNOWN_CHANNEL,
        crmkit_status::CRMKIT_CONTACT_INVALID_REGION,
        crmkit_status::CRMKIT_CONTACT_INVALID_LIST,
        crmkit_status::CRMKIT_COMPLAINT_INVALID_RULE_SET,
        crmkit_status::CRMKIT_COMPLAINT_INVALID_MODEL,
        crmkit_status::CRMKIT_COMPLAINT_INVALID_TRAINING_DATA,
        crmkit_status::CRMKIT_COMPLAINT_INVALID_CALENDAR,
        crmkit_status::CRMKIT_COMPLAINT_INVALID_EVENT_LOG,
        crmkit_status::CRMKIT_INSUFFICIENT_SIZE,
        crmkit_status::CRMKIT_PANIC,
    ];

    pub(crate) fn from_code(code: ErrorCode) -> crmkit_status {
        Self::ALL
            .iter()
            .copied()
            .find(|s| *s as u32 == code.value())
            // unreachable while the mapping test passes; never panic here
            .unwrap_or(crmkit_status::CRMKIT_PANIC)
    }

    /// NUL-terminated snake_case name.
    fn name(self) -> &'static [u8] {
        match ErrorCode::from_value(self as u32) {
            Some(code) => NAMES
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(b"unknown\0", |(_, n)| n),
            None if self == crmkit_status::CRMKIT_OK => b"ok\0",
            None => b"unknown\0",
        }
    }
}

/// The names of every code with their NUL terminator, built once.
static NAMES: std::sync::LazyLock<Vec<(ErrorCode, &'static [u8])>> =
    std::sync::LazyLock::new(|| {
        ErrorCode::ALL
            .iter()
            .map(|&c| {
                let mut bytes = c.as_str().as_bytes().to_vec();
                bytes.push(0);
                let leaked: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                (c, leaked)
            })
            .collect()
    });

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set_last_error(message: String) {
    LAST_ERROR.with(|e| *e.borrow_mut() = message);
}

/// Records `err` as the thread's last error and returns its status.
pub(crate) fn fail(err: &Error) -> crmkit_status {
    set_last_error(err.to_string());
    crmkit_status::from_code(err.code())
}

/// Records a message and returns `status`.
pub(crate) fn fail_with(status: crmkit_status, message: impl Into<String>) -> crmkit_status {
    set_last_error(message.into());
    status
}

/// Runs `body`, turning a panic into `CRMKIT_PANIC` with a message.
pub(crate) fn boundary(body: impl FnOnce() -> crmkit_status) -> crmkit_status {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(status) => status,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            fail_with(
                crmkit_status::CRMKIT_PANIC,
                format!("internal error: {what}"),
            )
        }
    }
}

/// The stable snake_case name of a status (`"ok"`, `"survey_out_of_range"`…)
/// as a static NUL-terminated string; `"unknown"` for a value that is not a
/// status. Never NULL; do not free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crmkit_status_name(status: u32) -> *const c_char {
    let status = crmkit_status::ALL
        .iter()
        .copied()
        .find(|s| *s as u32 == status);
    let name: &'static [u8] = match status {
        Some(s) => std::panic::catch_unwind(|| s.name()).unwrap_or(b"unknown\0"),
        None => b"unknown\0",
    };
    name.as_ptr().cast()
}

/// Copies the detailed message of the last failed call on this thread into
/// `buf` as NUL-terminated UTF-8 (empty if no call has failed yet).
///
/// On success returns `CRMKIT_OK` and writes the message length without the
/// NUL to `*out_n`. If `buf` is NULL or `len` is too small, nothing is
/// copied, the needed size including the NUL is written to `*out_n`, and
/// `CRMKIT_INSUFFICIENT_SIZE` is returned. `out_n` must not be NULL.
///
/// # Safety
/// `buf` must point to `len` writable bytes (or be NULL); `out_n` must point
/// to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_last_error_message(
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        if out_n.is_null() {
            return crmkit_status::CRMKIT_NULL_ARGUMENT;
        }
        LAST_ERROR.with(|e| {
            let message = e.borrow();
            let needed = message.len() + 1;
            if buf.is_null() || len < needed {
                // SAFETY: out_n is non-null and the caller guarantees it is writable.
                unsafe { *out_n = needed };
                return crmkit_status::CRMKIT_INSUFFICIENT_SIZE;
            }
            // SAFETY: buf has at least `needed` writable bytes (checked above)
            // and cannot overlap the thread-local String.
            unsafe {
                std::ptr::copy_nonoverlapping(message.as_ptr(), buf, message.len());
                *buf.add(message.len()) = 0;
                *out_n = message.len();
            }
            crmkit_status::CRMKIT_OK
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn every_error_code_has_a_status_with_the_same_value_and_name() {
        for &code in ErrorCode::ALL {
            let status = crmkit_status::from_code(code);
            assert_eq!(status as u32, code.value(), "{code:?}");
            let debug = format!("{status:?}");
            assert_eq!(
                debug,
                format!("CRMKIT_{}", code.as_str().to_ascii_uppercase())
            );
        }
        // and every status but OK is an error code
        for &s in crmkit_status::ALL {
            if s != crmkit_status::CRMKIT_OK {
                assert!(ErrorCode::from_value(s as u32).is_some(), "{s:?}");
            }
        }
        assert_eq!(crmkit_status::ALL.len(), ErrorCode::ALL.len() + 1);
    }

    #[test]
    fn names() {
        let name = |v: u32| {
            unsafe { CStr::from_ptr(crmkit_status_name(v)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(0), "ok");
        assert_eq!(name(201), "survey_out_of_range");
        assert_eq!(name(7), "unknown");
    }

    #[test]
    fn panics_become_a_status() {
        let s = boundary(|| panic!("boom"));
        assert_eq!(s, crmkit_status::CRMKIT_PANIC);
        let mut buf = [0u8; 64];
        let mut n = 0usize;
        let st = unsafe { crmkit_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        assert_eq!(&buf[..n], b"internal error: boom");
        assert_eq!(buf[n], 0);
        let st = unsafe { crmkit_last_error_message(buf.as_mut_ptr(), 3, &mut n) };
        assert_eq!((st, n), (crmkit_status::CRMKIT_INSUFFICIENT_SIZE, 21));
        let st = unsafe { crmkit_last_error_message(buf.as_mut_ptr(), 3, std::ptr::null_mut()) };
        assert_eq!(st, crmkit_status::CRMKIT_NULL_ARGUMENT);
    }
}
