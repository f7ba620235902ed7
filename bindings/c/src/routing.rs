//! Complaint routing: a compiled rule set as a thread-safe handle; one
//! complaint or a batch in (JSON), decisions and the new routing state out
//! (JSON in caller buffers).

use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::handle;
use crate::text::{utf8, write_json};
use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::intake::{Complaint, complaints_from_json};
use crmkit::complaint::routing::{RoutingState, RuleSet};
use jiff::Timestamp;

/// A compiled routing rule set. Immutable after creation: one handle may be
/// used from many threads at once (the routing state travels in each call).
/// Free with `crmkit_ruleset_free`.
#[derive(Debug)]
pub struct crmkit_ruleset {
    _private: [u8; 0],
}

fn ruleset<'a>(ptr: *const crmkit_ruleset) -> Result<&'a RuleSet, crmkit_status> {
    // SAFETY: a non-null handle was made by crmkit_ruleset_new and is live
    // (caller guarantee).
    unsafe { handle::get(ptr, "rules") }
}

fn state_from(text: &str) -> Result<RoutingState, crmkit_status> {
    if text.trim().is_empty() {
        return Ok(RoutingState::default());
    }
    serde_json::from_str(text).map_err(|e| {
        fail(&crmkit::Error::invalid_argument(
            "state",
            format!("a JSON object with cursors, loads and unavailable ({e})"),
        ))
    })
}

fn now_from(text: &str) -> Result<Option<Timestamp>, crmkit_status> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.trim().parse().map(Some).map_err(|e| {
        fail(&crmkit::Error::invalid_argument(
            "now",
            format!("an RFC 3339 time such as 2026-11-23T09:00:00Z, got {text:?} ({e})"),
        ))
    })
}

/// Compiles a routing rule file (`len` bytes of UTF-8 in `format`, a
/// `crmkit_rules_format` value) into `*out`, with an optional business
/// calendar (`calendar_len` bytes of calendar TOML; NULL with 0 for none)
/// for due times in business hours. A malformed file gives
/// `CRMKIT_COMPLAINT_INVALID_RULE_SET` (or `CRMKIT_COMPLAINT_INVALID_CALENDAR`)
/// with the rule, department or person named in `crmkit_last_error_message`.
///
/// # Safety
/// `text` must point to `len` readable bytes, `calendar` to `calendar_len`
/// (NULL only with 0); `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_ruleset_new(
    text: *const u8,
    len: usize,
    format: u32,
    calendar: *const u8,
    calendar_len: usize,
    out: *mut *mut crmkit_ruleset,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let (text, calendar) = match unsafe {
            (
                utf8(text, len, "text"),
                utf8(calendar, calendar_len, "calendar"),
            )
        } {
            (Ok(t), Ok(c)) => (t, c),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let compiled = match format {
            0 => RuleSet::from_toml(text),
            1 => RuleSet::from_json(text),
            other => {
                return fail(&crmkit::Error::invalid_argument(
                    "format",
                    format!("CRMKIT_RULES_TOML (0) or CRMKIT_RULES_JSON (1), got {other}"),
                ));
            }
        };
        let rules = match compiled {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        let rules = if calendar.is_empty() {
            rules
        } else {
            match Calendar::from_toml(calendar) {
                Ok(c) => rules.with_calendar(c),
                Err(e) => return fail(&e),
            }
        };
        // SAFETY: out is non-null and writable (caller guarantee).
        unsafe { handle::put(out, rules) }
    })
}

/// Routes complaints and writes JSON into `buf` (buffer convention as
/// `crmkit_last_error_message`).
///
/// `complaints` (`len` bytes of UTF-8) is one complaint object
/// (`{"channel": "web_form", "category": "late_delivery", "text": "...", ...}`),
/// a JSON array of them, or NDJSON. `state` (`state_len` bytes; NULL with 0
/// for a fresh state) is the routing state from the previous call:
/// `{"cursors": {...}, "loads": {...}, "unavailable": [...]}`. `now`
/// (`now_len` bytes, RFC 3339; NULL with 0 for none) starts the due time of
/// complaints without `received_at`.
///
/// Output: `{"decisions": [{"department", "assignee", "category",
/// "priority", "due", "fired", "assigned_by", "passed_over", "notify",
/// "tags", "flags", "version", "complaint_id"}, ...], "state": {...}}`, one
/// decision per complaint in input order, the state carried from one to the
/// next; store `state` for the next call. Nothing is kept in the handle and
/// the caller's `state` is only read, so a call that fails changes nothing
/// (a malformed complaint late in a batch leaves no half-advanced state),
/// and repeating a call after `CRMKIT_INSUFFICIENT_SIZE` with the same input
/// gives the same output. A malformed complaint gives
/// `CRMKIT_INVALID_ARGUMENT` naming its index or line. Thread-safe.
///
/// # Safety
/// `rules` must be a live handle; each text pointer must point to its
/// length of readable bytes (NULL only with 0); `buf` to `buf_len` writable
/// bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn crmkit_ruleset_route(
    rules: *const crmkit_ruleset,
    complaints: *const u8,
    len: usize,
    state: *const u8,
    state_len: usize,
    now: *const u8,
    now_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let rules = match ruleset(rules) {
            Ok(r) => r,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let texts = unsafe {
            (
                utf8(complaints, len, "complaints"),
                utf8(state, state_len, "state"),
                utf8(now, now_len, "now"),
            )
        };
        let (text, state, now) = match texts {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(st), _, _) | (_, Err(st), _) | (_, _, Err(st)) => return st,
        };
        let run = || -> Result<serde_json::Value, crmkit_status> {
            let mut state = state_from(state)?;
            let now = now_from(now)?;
            // one object (even pretty-printed), an array, or NDJSON
            let single = text
                .trim_start()
                .starts_with('{')
                .then(|| serde_json::from_str::<Complaint>(text).ok())
                .flatten();
            let batch = match single {
                Some(c) => vec![c],
                None => complaints_from_json(text).map_err(|e| fail(&e))?,
            };
            let decisions = rules
                .route_batch(&batch, &mut state, now)
                .map_err(|e| fail(&e))?;
            Ok(serde_json::json!({ "decisions": decisions, "state": state }))
        };
        match run() {
            // SAFETY: forwarded caller guarantee.
            Ok(out) => unsafe { write_json(&out, buf, buf_len, out_n) },
            Err(st) => st,
        }
    })
}

/// Lints the rule set and runs the examples written in its file; writes
/// the report as JSON into `buf`: `{"version", "findings": [{"severity",
/// "code", "subject", "message"}], "examples": [{"name", "passed",
/// "mismatches", "decision"}]}`. `*out_ok` (when not NULL) is set to 1 when
/// no finding is an error and every example passed, else 0. Thread-safe.
///
/// # Safety
/// `rules` must be a live handle; `buf` must point to `buf_len` writable
/// bytes or be NULL; `out_n` writable; `out_ok` writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_ruleset_check(
    rules: *const crmkit_ruleset,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
    out_ok: *mut i32,
) -> crmkit_status {
    boundary(|| {
        let rules = match ruleset(rules) {
            Ok(r) => r,
            Err(st) => return st,
        };
        let report = match rules.check() {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        if !out_ok.is_null() {
            // SAFETY: non-null and writable (caller guarantee).
            unsafe { *out_ok = i32::from(report.ok()) };
        }
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&report, buf, buf_len, out_n) }
    })
}

/// Frees a rule set; NULL is allowed.
///
/// # Safety
/// `rules` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_ruleset_free(rules: *mut crmkit_ruleset) {
    // SAFETY: made by crmkit_ruleset_new (caller guarantee).
    unsafe { handle::free::<RuleSet, _>(rules) }
}
