use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::text::{utf8, write_json};
use crmkit::contact::outcome::{self, Channel, OutcomeClass, Reason};
use crmkit::contact::score::{self, ContactPoint, Policy};
use std::ffi::c_char;

/// The channel of a delivery outcome.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum crmkit_channel {
    /// Email: SMTP replies, RFC 3463 enhanced codes, DSNs, engagement events.
    CRMKIT_CHANNEL_EMAIL = 0,
    /// SMS: delivery-report states and GSM error codes.
    CRMKIT_CHANNEL_SMS = 1,
}

/// What a delivery outcome says about the contact point.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum crmkit_outcome_class {
    /// The message arrived.
    CRMKIT_OUTCOME_SUCCESS = 0,
    /// Temporary failure: retry later.
    CRMKIT_OUTCOME_TRANSIENT = 1,
    /// The point does not work: never resend.
    CRMKIT_OUTCOME_PERMANENT = 2,
    /// Says nothing about the point (policy blocks, pending reports...).
    CRMKIT_OUTCOME_UNKNOWN = 3,
}

/// A classified delivery outcome. `reason` indexes the stable reason codes:
/// `crmkit_outcome_reason_name(reason)` gives its name ("user_unknown"...).
/// Absent numbers are 0 (no SMTP code, no GSM error).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct crmkit_outcome {
    /// The class (a `crmkit_outcome_class` value).
    pub outcome_class: u32,
    /// The reason (see `crmkit_outcome_reason_name`).
    pub reason: u32,
    /// The basic SMTP reply code found, or 0.
    pub smtp_code: u16,
    /// The GSM error code found, or 0 when none was found.
    pub gsm_error: u16,
    /// Whether a GSM error code was found (0 is a valid code).
    pub has_gsm_error: bool,
    /// A transient failure expected to last (barred or deregistered SIM).
    pub long_term: bool,
    /// The enhanced status code found ("5.1.1"), NUL-terminated; empty if none.
    pub enhanced_code: [c_char; 16],
}

static REASON_NAMES: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    Reason::ALL
        .iter()
        .map(|r| {
            let mut b = r.as_str().as_bytes().to_vec();
            b.push(0);
            b
        })
        .collect()
});

/// The stable snake_case name of an outcome reason, as a static
/// NUL-terminated string; "unknown" for a value that is not a reason.
/// Never NULL; do not free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crmkit_outcome_reason_name(reason: u32) -> *const c_char {
    let unknown = c"unknown".as_ptr();
    std::panic::catch_unwind(|| {
        REASON_NAMES
            .get(reason as usize)
            .map_or(unknown, |n| n.as_ptr().cast())
    })
    .unwrap_or(unknown)
}

/// Classifies a bounce, SMTP reply, enhanced status code or DSN (email), or
/// an SMS delivery report (`stat:UNDELIV err:001`, `DELIVRD`...), given as
/// `len` bytes of UTF-8 at `text`. `channel` is a `crmkit_channel` value.
/// Thread-safe.
///
/// # Safety
/// `text` must point to `len` readable bytes (NULL only with `len == 0`);
/// `out` must point to a writable `crmkit_outcome`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_contact_classify_outcome(
    text: *const u8,
    len: usize,
    channel: u32,
    out: *mut crmkit_outcome,
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
        let channel = match channel {
            0 => Channel::Email,
            1 => Channel::Sms,
            other => {
                return fail(&crmkit::Error::invalid_argument(
                    "channel",
                    format!("CRMKIT_CHANNEL_EMAIL (0) or CRMKIT_CHANNEL_SMS (1), got {other}"),
                ));
            }
        };
        let o = outcome::classify(text, channel);
        let mut enhanced = [0 as c_char; 16];
        for (slot, b) in enhanced
            .iter_mut()
            .zip(o.enhanced_code.as_deref().unwrap_or("").bytes().take(15))
        {
            *slot = b as c_char;
        }
        let result = crmkit_outcome {
            outcome_class: match o.class {
                OutcomeClass::Success => crmkit_outcome_class::CRMKIT_OUTCOME_SUCCESS,
                OutcomeClass::Transient => crmkit_outcome_class::CRMKIT_OUTCOME_TRANSIENT,
                OutcomeClass::Permanent => crmkit_outcome_class::CRMKIT_OUTCOME_PERMANENT,
                OutcomeClass::Unknown => crmkit_outcome_class::CRMKIT_OUTCOME_UNKNOWN,
            } as u32,
            reason: Reason::ALL.iter().position(|r| *r == o.reason).unwrap_or(0) as u32,
            smtp_code: o.smtp_code.unwrap_or(0),
            gsm_error: o.gsm_error.unwrap_or(0),
            has_gsm_error: o.gsm_error.is_some(),
            long_term: o.long_term,
            enhanced_code: enhanced,
        };
        // SAFETY: out is non-null and writable (caller guarantee).
        unsafe { out.write(result) };
        crmkit_status::CRMKIT_OK
    })
}

/// Parses and classifies an email address (`len` bytes of UTF-8) and writes
/// the result as NUL-terminated JSON into `buf`: the fields `valid`,
/// `normalized`, `local_part`, `ascii_local_part`, `domain`, `ascii_domain`,
/// `ascii_email`, `smtputf8`, `display_name`, `dedup_key`, `kind`,
/// `suggestion` and `error` (a stable code or null) — the same names as the
/// Rust and Python results. An invalid address is a result (`"valid":
/// false`), not a failure. Buffer convention as `crmkit_last_error_message`:
/// when `buf` is NULL or too small, `*out_n` receives the size needed and
/// `CRMKIT_INSUFFICIENT_SIZE` is returned (1024 bytes suffice for any
/// address of legal length). Thread-safe.
///
/// # Safety
/// `text` must point to `len` readable bytes (NULL only with 0); `buf` to
/// `buf_len` writable bytes or NULL; `out_n` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_contact_parse_email(
    text: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(text, len, "text") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        let parsed = crmkit::contact::email::parse(text);
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&parsed, buf, buf_len, out_n) }
    })
}

/// Parses a phone number (`len` bytes of UTF-8) with a default region (an
/// ISO 3166-1 alpha-2 code of `region_len` bytes, e.g. "TR") and writes the
/// result as NUL-terminated JSON into `buf`: `valid`, `possible`, `e164`,
/// `region`, `country_code`, `national_number`, `type` ("mobile",
/// "fixed_line", "voip", "uan"...), `national_format`,
/// `international_format`, `extension`, `sms_capable`, `multiple_numbers`,
/// `suggestion` and `error`. An unknown region gives
/// `CRMKIT_CONTACT_INVALID_REGION`; a bad number is a result. Buffer
/// convention as `crmkit_contact_parse_email`. Thread-safe.
///
/// # Safety
/// As for `crmkit_contact_parse_email`; `region` must point to `region_len`
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_contact_parse_phone(
    text: *const u8,
    len: usize,
    region: *const u8,
    region_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let (text, region) =
            match unsafe { (utf8(text, len, "text"), utf8(region, region_len, "region")) } {
                (Ok(t), Ok(r)) => (t, r),
                (Err(st), _) | (_, Err(st)) => return st,
            };
        let parsed = match crmkit::contact::phone::parse(text, region) {
            Ok(p) => p,
            Err(e) => return fail(&e),
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&parsed, buf, buf_len, out_n) }
    })
}

fn malformed(location: String, message: impl std::fmt::Display) -> crmkit_status {
    fail(
        &crmkit::error::InputError::Malformed {
            location,
            message: message.to_string(),
        }
        .into(),
    )
}

/// Reads `now` (an RFC 3339 time, as the time type of the score API).
fn parse_now<T: serde::de::DeserializeOwned>(now: &str) -> Result<T, crmkit_status> {
    serde_json::from_value(serde_json::Value::String(now.trim().to_owned())).map_err(|e| {
        fail(&crmkit::Error::invalid_argument(
            "now",
            format!("an RFC 3339 time such as \"2026-11-22T12:00:00Z\" ({e})"),
        ))
    })
}

/// Reads a policy (JSON, or empty for the default) and checks it.
fn parse_policy(policy: &str) -> Result<Policy, crmkit_status> {
    if policy.trim().is_empty() {
        return Ok(Policy::default());
    }
    let p: Policy = serde_json::from_str(policy).map_err(|e| malformed("policy".into(), e))?;
    p.validate().map_err(|e| fail(&e))?;
    Ok(p)
}

/// The texts of a scoring call, read and checked: the points' text, `now`
/// and the policy.
///
/// # Safety
/// Each pointer must point to its length in readable bytes (NULL only with
/// length 0).
unsafe fn scoring_inputs<'a>(
    (points, points_len, points_name): (*const u8, usize, &str),
    (now, now_len): (*const u8, usize),
    (policy, policy_len): (*const u8, usize),
) -> Result<(&'a str, jiff::Timestamp, Policy), crmkit_status> {
    // SAFETY: forwarded caller guarantee.
    let (points, now, policy) = unsafe {
        (
            utf8(points, points_len, points_name)?,
            utf8(now, now_len, "now")?,
            utf8(policy, policy_len, "policy")?,
        )
    };
    Ok((points, parse_now(now)?, parse_policy(policy)?))
}

/// Reads a JSON array of points, or NDJSON (one point per line, blank lines
/// skipped), with the one reader of rows given as JSON; an error names the
/// point (`points: element 3`, `points: line 4, column 2`).
fn parse_points(points: &str) -> Result<Vec<ContactPoint>, crmkit_status> {
    crmkit::tabular::json_rows(points).map_err(|e| malformed("points".into(), e))
}

/// Scores one contact point: the probability that it still reaches its
/// customer at `now`, a band, the next action and the reasons, largest
/// first.
///
/// `point` is JSON (`len` bytes of UTF-8): `{"channel": "email"|"sms",
/// "class": "free"|"corporate"|"role"|"disposable"|"education"|
/// "government"|"mobile"|"fixed_line"|"voip"|"business"|"other",
/// "syntax_valid": true, "prepaid": null, "first_seen": null,
/// "shared_by": 1, "evidence": [{"at": "2026-10-01T09:00:00Z", "kind":
/// "delivered"|"engaged"|"inbound"|"transient"|"long_term"|"permanent",
/// "source": "esp"}]}` (only `channel` and `class` are required). `now` is
/// an RFC 3339 time; `policy` is a policy JSON (fields override the
/// documented defaults) or empty (`policy_len == 0`) for the default.
///
/// Writes NUL-terminated JSON into `buf`: `{"probability": 0.87, "band":
/// "very_low"|"low"|"medium"|"high", "action": "keep"|"retry"|"verify"|
/// "passivate"|"suppress", "retry_at": null or a time, "reasons": [{"code":
/// "time_since_success", "weight": -0.05, "evidence_at": ..., "source":
/// ...}], "policy_version": "..."}`. Buffer convention as
/// `crmkit_contact_parse_email` (4096 bytes suffice for any point with up
/// to a few sources). A malformed point or policy gives
/// `CRMKIT_MALFORMED_INPUT`, a bad `now` `CRMKIT_INVALID_ARGUMENT`, an
/// inconsistent policy its own status. Thread-safe.
///
/// # Safety
/// `point`, `now` and `policy` must each point to their length in readable
/// bytes (NULL only with length 0); `buf` to `buf_len` writable bytes or
/// NULL; `out_n` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_contact_score(
    point: *const u8,
    point_len: usize,
    now: *const u8,
    now_len: usize,
    policy: *const u8,
    policy_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let inputs = unsafe {
            scoring_inputs(
                (point, point_len, "point"),
                (now, now_len),
                (policy, policy_len),
            )
        };
        let (point, now, policy) = match inputs {
            Ok(i) => i,
            Err(st) => return st,
        };
        let point: ContactPoint = match serde_json::from_str(point) {
            Ok(p) => p,
            Err(e) => return malformed("point".into(), e),
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&score::score(&point, &policy, now), buf, buf_len, out_n) }
    })
}

/// Scores many contact points at one `now` under one policy. `points` is a
/// JSON array of points (as for `crmkit_contact_score`) or NDJSON (one
/// point per line; blank lines are skipped). Writes a JSON array with one
/// score per point, in order. An error names the point (`points[3]`, or
/// `line 4` for NDJSON) and no scores are written. Buffer convention as
/// `crmkit_contact_parse_email`. Thread-safe.
///
/// # Safety
/// As for `crmkit_contact_score`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_contact_score_batch(
    points: *const u8,
    points_len: usize,
    now: *const u8,
    now_len: usize,
    policy: *const u8,
    policy_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let read =
            unsafe { read_points((points, points_len), (now, now_len), (policy, policy_len)) };
        let (points, now, policy) = match read {
            Ok(r) => r,
            Err(st) => return st,
        };
        let scores: Vec<score::Score> = points
            .iter()
            .map(|p| score::score(p, &policy, now))
            .collect();
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&scores, buf, buf_len, out_n) }
    })
}

/// Reads and checks the points, `now` and the policy of a batch call.
///
/// # Safety
/// As for `scoring_inputs`.
unsafe fn read_points(
    points: (*const u8, usize),
    now: (*const u8, usize),
    policy: (*const u8, usize),
) -> Result<(Vec<ContactPoint>, jiff::Timestamp, Policy), crmkit_status> {
    // SAFETY: forwarded caller guarantee.
    let (points, now, policy) =
        unsafe { scoring_inputs((points.0, points.1, "points"), now, policy)? };
    Ok((parse_points(points)?, now, policy))
}

/// The contact summary of one customer: scores every point of the customer
/// (a JSON array or NDJSON, as for `crmkit_contact_score_batch`) at `now`
/// and picks the best email and the best phone (never a suppressed one) and
/// the last successful contact in either direction.
///
/// Writes NUL-terminated JSON into `buf`: `{"best_email": 0 or null,
/// "best_phone": 1 or null, "last_contact_at": "2026-11-01T00:00:00Z" or
/// null, "last_contact_channel": "email"|"sms"|null, "scores": [...]}`,
/// where the `best_*` fields index the given points and `scores` holds one
/// score per point, in order (as `crmkit_contact_score_batch` writes them).
/// Errors and buffer convention as `crmkit_contact_score_batch`.
/// Thread-safe.
///
/// # Safety
/// As for `crmkit_contact_score`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_contact_summarize(
    points: *const u8,
    points_len: usize,
    now: *const u8,
    now_len: usize,
    policy: *const u8,
    policy_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        // SAFETY: forwarded caller guarantee.
        let read =
            unsafe { read_points((points, points_len), (now, now_len), (policy, policy_len)) };
        let (points, now, policy) = match read {
            Ok(r) => r,
            Err(st) => return st,
        };
        let customer = score::score_customer(&points, &policy, now);
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&customer, buf, buf_len, out_n) }
    })
}
