//! Customer 360 over the C ABI: a thread-safe store of profiles fed with
//! events as JSON, contact decisions from a JSON request, and profiles and
//! snapshots as JSON in caller buffers. Events, policies and snapshots are
//! read by the core's own readers, so their errors are the ones the Rust,
//! Python and command-line users see.

use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::handle;
use crate::text::{utf8, write_json, write_text};
use crmkit::engagement::{Channel, Decision, Event, Policy, Reason, Request, Store};
use crmkit::error::InputError;
use jiff::Timestamp;
use serde_json::Value;

/// A store of customer profiles under one contact policy. Thread-safe: one
/// handle may be used from many threads at once; `crmkit_engagement_store_apply`
/// and `crmkit_engagement_store_restore` lock the profiles they change (the
/// profiles are spread over independently locked shards, so calls about
/// different customers rarely wait for each other), decisions and
/// snapshots take read locks. Free with `crmkit_engagement_store_free`,
/// once no other thread uses the handle.
#[derive(Debug)]
pub struct crmkit_engagement_store {
    _private: [u8; 0],
}

fn store<'a>(ptr: *const crmkit_engagement_store) -> Result<&'a Store, crmkit_status> {
    // SAFETY: a non-null handle was made by crmkit_engagement_store_new.
    unsafe { handle::get(ptr, "store") }
}

fn malformed(location: &str, message: impl Into<String>) -> crmkit::Error {
    InputError::Malformed {
        location: location.to_owned(),
        message: message.into(),
    }
    .into()
}

/// Reads a policy as the command line does: JSON when it starts with `{`,
/// TOML otherwise; a policy with lint findings is refused, every finding
/// named.
fn read_policy(text: &str) -> crmkit::Result<Policy> {
    let policy = if text.trim_start().starts_with('{') {
        Policy::from_json(text)?
    } else {
        Policy::from_toml(text)?
    };
    let findings = policy.lint();
    if findings.is_empty() {
        return Ok(policy);
    }
    let listed: Vec<String> = findings
        .iter()
        .map(|f| format!("{} ({})", f.message, f.code))
        .collect();
    Err(malformed(
        "policy",
        format!(
            "refused: {} finding{}: {}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            listed.join("; ")
        ),
    ))
}

/// Makes an empty store that decides under a contact policy: `policy` is
/// `policy_len` bytes of UTF-8, JSON when its first non-blank character is
/// `{` and TOML otherwise, with a `version` (the format of
/// `crmkit::engagement::policy`); NULL with 0 (or blank text) is the
/// shipped policy (İYS consent for commercial contact, Türkiye's quiet
/// hours, frequency caps, complaint and detractor cooling-off). A policy
/// that cannot be read, or whose lint finds contradictions (a day cap above
/// the week cap, empty quiet hours…), gives `CRMKIT_MALFORMED_INPUT` with
/// the field in `crmkit_last_error_message`, and `*out` is left untouched.
///
/// # Safety
/// `policy` must point to `policy_len` readable bytes or be NULL with 0;
/// `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_engagement_store_new(
    policy: *const u8,
    policy_len: usize,
    out: *mut *mut crmkit_engagement_store,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return fail_with(crmkit_status::CRMKIT_NULL_ARGUMENT, "`out` is NULL");
        }
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(policy, policy_len, "policy") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        let policy = if text.trim().is_empty() {
            Policy::default()
        } else {
            match read_policy(text) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            }
        };
        // SAFETY: out is non-null and writable (caller guarantee).
        unsafe { handle::put(out, Store::new(policy)) }
    })
}

/// Folds events into their customers' profiles. `events` is `len` bytes of
/// UTF-8 JSON: one event object on one line, JSON Lines (one object per
/// line) or a JSON array of objects. An event has a `type` (`consent`,
/// `campaign_response`, `contact`, `survey`, `complaint_opened`,
/// `complaint_resolved`, `sla_breached`, `purchase`, `merged`, `split`),
/// the `customer`, the `time` (RFC 3339 with a UTC offset), an optional
/// `source` and the fields of its type, e.g.
/// `{"type": "consent", "customer": "c1", "time": "2026-12-01T10:00:00+03:00",
/// "channel": "sms", "purpose": "commercial", "granted": false, "source": "iys"}`.
/// The number of events applied is written to `*out_applied` when it is
/// not NULL.
///
/// All or nothing: every event is read before any is applied, so an
/// unknown type, field or channel, or a time without an offset, gives
/// `CRMKIT_MALFORMED_INPUT` naming the line (or element) and the field, and
/// the store is unchanged. Thread-safe; other threads see the events of one
/// call applied one by one.
///
/// # Safety
/// `store` must be a live handle; `events` must point to `len` readable
/// bytes (NULL only with 0); `out_applied` must be writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_engagement_store_apply(
    store: *const crmkit_engagement_store,
    events: *const u8,
    len: usize,
    out_applied: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let store = match self::store(store) {
            Ok(s) => s,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(events, len, "events") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        let events = match Event::read_json(text) {
            Ok(e) => e,
            Err(e) => return fail(&e),
        };
        for e in &events {
            store.apply(e);
        }
        if !out_applied.is_null() {
            // SAFETY: non-null and writable (caller guarantee).
            unsafe { *out_applied = events.len() };
        }
        crmkit_status::CRMKIT_OK
    })
}

/// The fields of a decide request besides those of `Request`.
const REQUEST_EXPECTED: &str = "a JSON object with `customer` and `purpose`, \
     and optionally `campaign`, `channel`, `time_zone` and `now`";

/// Reads a decide request: the customer, the request and the time.
fn read_request(text: &str) -> crmkit::Result<(String, Request, Timestamp)> {
    let bad = |what: String| {
        crmkit::Error::invalid_argument("request", format!("{REQUEST_EXPECTED}: {what}"))
    };
    let mut map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(Value::Array(_)) => return Err(bad("got an array".to_owned())),
        Ok(_) => return Err(bad("got a JSON value that is not an object".to_owned())),
        Err(e) => return Err(bad(e.to_string())),
    };
    let customer = match map.remove("customer") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(_) => return Err(bad("customer: expected a non-empty string".to_owned())),
        None => return Err(bad("missing field `customer`".to_owned())),
    };
    let now = match map.remove("now") {
        None | Some(Value::Null) => Timestamp::now(),
        Some(Value::String(s)) => s.parse::<Timestamp>().map_err(|e| {
            bad(format!(
                "now: {s:?} is not an RFC 3339 time with a UTC offset ({e})"
            ))
        })?,
        Some(_) => return Err(bad("now: expected a string".to_owned())),
    };
    let request: Request =
        serde_json::from_value(Value::Object(map)).map_err(|e| bad(e.to_string()))?;
    Ok((customer, request, now))
}

/// The answer of `crmkit_engagement_store_decide`, in its documented
/// field order.
#[derive(serde::Serialize)]
struct DecisionAnswer<'a> {
    allowed: bool,
    channel: Option<Channel>,
    /// Profiles keep no addresses or numbers: always null.
    point: Option<String>,
    reasons: Vec<&'static str>,
    details: &'a [Reason],
}

impl<'a> DecisionAnswer<'a> {
    fn of(d: &'a Decision) -> DecisionAnswer<'a> {
        DecisionAnswer {
            allowed: d.allowed,
            channel: d.channel,
            point: None,
            reasons: d.codes(),
            details: &d.reasons,
        }
    }
}

/// Decides whether a customer may be contacted, on which channel, and why.
/// `request` is `len` bytes of UTF-8 JSON: `customer`, `purpose`
/// (`commercial`, `service`, `transactional`), and optionally `campaign`,
/// `channel` (`call`, `sms`, `email`; absent: the best channel in the
/// policy's order), `time_zone` (IANA; absent: the policy's) and `now`
/// (RFC 3339 with a UTC offset; absent: the current time), e.g.
/// `{"customer": "c1", "campaign": "X", "channel": "call", "purpose":
/// "commercial", "now": "2026-12-01T14:00:00+03:00"}`.
///
/// Writes `{"allowed": false, "channel": "call", "point": null, "reasons":
/// ["already_responded_to_campaign", "no_consent"], "details": [{"code":
/// ..., "channel": ..., "until": ...}]}` into `buf`: `reasons` are the
/// stable reason codes (customer reasons first, then channel reasons in
/// the order the channels were tried), `details` the same reasons with the
/// channel they are about and when they stop applying, where known;
/// `point` is always null (profiles keep no addresses). A customer without
/// events is decided on an empty profile (so: no consent). Buffer
/// convention as `crmkit_last_error_message`. A request that is not such an
/// object gives `CRMKIT_INVALID_ARGUMENT` naming the field. Changes
/// nothing; thread-safe.
///
/// # Safety
/// `store` must be a live handle; `request` must point to `len` readable
/// bytes; `buf` to `buf_len` writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_engagement_store_decide(
    store: *const crmkit_engagement_store,
    request: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let store = match self::store(store) {
            Ok(s) => s,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(request, len, "request") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        let (customer, request, now) = match read_request(text) {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        let decision = store.decide(&customer, &request, now);
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&DecisionAnswer::of(&decision), buf, buf_len, out_n) }
    })
}

/// Writes profiles as JSON into `buf`. With a `customer` (`customer_len`
/// bytes of UTF-8), that customer's profile as versioned JSON,
/// `{"version": 1, "profile": {...}}` (after identity `merged` events: the
/// merge of the profiles of its keys), or `null` for a customer without
/// events. With NULL and 0, every profile: `{"version": 1, "profiles":
/// [...], "identity": [...]}` sorted by customer, which
/// `crmkit_engagement_store_restore` reads back; it is a consistent copy
/// (writers wait while it is made). Buffer convention as
/// `crmkit_last_error_message`. Changes nothing; thread-safe.
///
/// # Safety
/// `store` must be a live handle; `customer` must point to `customer_len`
/// readable bytes or be NULL with 0; `buf` to `buf_len` writable bytes or
/// NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_engagement_store_snapshot(
    store: *const crmkit_engagement_store,
    customer: *const u8,
    customer_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        let store = match self::store(store) {
            Ok(s) => s,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let customer = match unsafe { utf8(customer, customer_len, "customer") } {
            Ok(c) => c,
            Err(st) => return st,
        };
        let bytes = if customer.is_empty() {
            store.snapshot()
        } else {
            store
                .profile(customer)
                .map_or_else(|| b"null".to_vec(), |p| p.to_bytes())
        };
        match String::from_utf8(bytes) {
            // SAFETY: forwarded caller guarantee.
            Ok(json) => unsafe { write_text(&json, buf, buf_len, out_n) },
            Err(e) => fail_with(crmkit_status::CRMKIT_PANIC, format!("internal error: {e}")),
        }
    })
}

/// Replaces every profile with those of a snapshot written by
/// `crmkit_engagement_store_snapshot` (with NULL customer): `len` bytes of
/// UTF-8 JSON. The snapshot is read in full first: one of another version
/// or that cannot be read gives `CRMKIT_MALFORMED_INPUT` and the store is
/// unchanged. Thread-safe.
///
/// # Safety
/// `store` must be a live handle; `snapshot` must point to `len` readable
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_engagement_store_restore(
    store: *const crmkit_engagement_store,
    snapshot: *const u8,
    len: usize,
) -> crmkit_status {
    boundary(|| {
        let store = match self::store(store) {
            Ok(s) => s,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(snapshot, len, "snapshot") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        match store.restore(text.as_bytes()) {
            Ok(()) => crmkit_status::CRMKIT_OK,
            Err(e) => fail(&e),
        }
    })
}

/// Frees a store; NULL is allowed.
///
/// # Safety
/// `store` must be NULL or a live handle, not used afterwards or
/// concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_engagement_store_free(store: *mut crmkit_engagement_store) {
    // SAFETY: made by crmkit_engagement_store_new (caller guarantee).
    unsafe { handle::free::<Store, _>(store) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::{null, null_mut};

    fn last_error() -> String {
        let mut buf = [0u8; 1024];
        let mut n = 0usize;
        let st = unsafe { crate::crmkit_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    fn new_store(policy: &str) -> Result<*mut crmkit_engagement_store, crmkit_status> {
        let mut out = null_mut();
        match unsafe { crmkit_engagement_store_new(policy.as_ptr(), policy.len(), &mut out) } {
            crmkit_status::CRMKIT_OK => Ok(out),
            st => Err(st),
        }
    }

    fn apply(s: *const crmkit_engagement_store, events: &str) -> (crmkit_status, usize) {
        let mut n = 7usize;
        let st = unsafe { crmkit_engagement_store_apply(s, events.as_ptr(), events.len(), &mut n) };
        (st, n)
    }

    fn decide(s: *const crmkit_engagement_store, request: &str) -> Value {
        let mut buf = vec![0u8; 4096];
        let mut n = 0usize;
        let st = unsafe {
            crmkit_engagement_store_decide(
                s,
                request.as_ptr(),
                request.len(),
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_OK, "{}", last_error());
        serde_json::from_slice(&buf[..n]).unwrap()
    }

    fn snapshot(s: *const crmkit_engagement_store, customer: &str) -> String {
        let mut n = 0usize;
        let st = unsafe {
            crmkit_engagement_store_snapshot(
                s,
                customer.as_ptr(),
                customer.len(),
                null_mut(),
                0,
                &mut n,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_INSUFFICIENT_SIZE);
        let mut buf = vec![0u8; n];
        let st = unsafe {
            crmkit_engagement_store_snapshot(
                s,
                customer.as_ptr(),
                customer.len(),
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    const RESPONSE: &str = r#"{"type": "campaign_response", "customer": "c1", "time": "2026-12-01T10:00:00+03:00", "campaign": "X", "channel": "sms", "response": "positive"}"#;

    #[test]
    fn a_positive_answer_takes_the_customer_off_the_call_list() {
        let s = new_store("").unwrap();
        assert_eq!(apply(s, RESPONSE), (crmkit_status::CRMKIT_OK, 1));
        let d = decide(
            s,
            r#"{"customer": "c1", "campaign": "X", "channel": "call", "purpose": "commercial", "now": "2026-12-01T14:00:00+03:00"}"#,
        );
        assert_eq!(d["allowed"], false);
        assert_eq!(d["channel"], "call");
        assert_eq!(d["point"], Value::Null);
        assert_eq!(
            d["reasons"],
            serde_json::json!(["already_responded_to_campaign", "no_consent"])
        );
        assert_eq!(d["details"][0]["code"], "already_responded_to_campaign");
        unsafe { crmkit_engagement_store_free(s) };
    }

    #[test]
    fn a_bad_event_changes_nothing_and_names_the_field() {
        let s = new_store("").unwrap();
        apply(s, RESPONSE);
        let before = snapshot(s, "");
        let batch = format!(
            "{RESPONSE}\n{}",
            r#"{"type": "consent", "customer": "c2", "time": "2026-12-01T10:00:00+03:00", "channel": "fax", "purpose": "commercial", "granted": true}"#
        );
        let (st, n) = apply(s, &batch);
        assert_eq!((st, n), (crmkit_status::CRMKIT_MALFORMED_INPUT, 7));
        let message = last_error();
        assert!(message.starts_with("line 2"), "{message}");
        assert!(
            message.contains("channel: unknown channel \"fax\""),
            "{message}"
        );
        assert_eq!(snapshot(s, ""), before);
        unsafe { crmkit_engagement_store_free(s) };
    }

    #[test]
    fn requests_and_policies_are_checked() {
        let s = new_store("").unwrap();
        let mut buf = [0u8; 512];
        let mut n = 0usize;
        for (request, want) in [
            (r#"{"purpose": "commercial"}"#, "missing field `customer`"),
            (
                r#"{"customer": "c1", "purpose": "spam"}"#,
                "purpose: unknown purpose",
            ),
            (
                r#"{"customer": "c1", "purpose": "service", "now": "2026-12-01T14:00:00"}"#,
                "now:",
            ),
            (
                r#"{"customer": "c1", "purpose": "service", "colour": 1}"#,
                "unknown field `colour`",
            ),
            ("[]", "got an array"),
        ] {
            let st = unsafe {
                crmkit_engagement_store_decide(
                    s,
                    request.as_ptr(),
                    request.len(),
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut n,
                )
            };
            assert_eq!(st, crmkit_status::CRMKIT_INVALID_ARGUMENT, "{request}");
            let message = last_error();
            assert!(message.contains(want), "{request}: {message}");
        }
        unsafe { crmkit_engagement_store_free(s) };

        let st = new_store("version = 1\n[caps]\nsms = { day = 5, week = 3 }\n").unwrap_err();
        assert_eq!(st, crmkit_status::CRMKIT_MALFORMED_INPUT);
        assert!(
            last_error().contains("cap_day_above_week"),
            "{}",
            last_error()
        );
        assert!(
            new_store(r#"{"version": 1, "time_zone": "Europe/Istanbul"}"#).is_ok_and(|s| {
                unsafe { crmkit_engagement_store_free(s) };
                true
            })
        );
        let mut out = null_mut();
        let st = unsafe { crmkit_engagement_store_new(null(), 3, &mut out) };
        assert_eq!(st, crmkit_status::CRMKIT_NULL_ARGUMENT);
        assert!(out.is_null());
    }

    #[test]
    fn snapshots_round_trip_and_null_handles_are_refused() {
        let s = new_store("").unwrap();
        apply(s, RESPONSE);
        let profile: Value = serde_json::from_str(&snapshot(s, "c1")).unwrap();
        assert_eq!(profile["version"], 1);
        assert_eq!(snapshot(s, "nobody"), "null");
        let all = snapshot(s, "");
        let copy = new_store("").unwrap();
        let st = unsafe { crmkit_engagement_store_restore(copy, all.as_ptr(), all.len()) };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        assert_eq!(snapshot(copy, ""), all);
        let bad = b"{\"version\": 9, \"profiles\": []}";
        let st = unsafe { crmkit_engagement_store_restore(copy, bad.as_ptr(), bad.len()) };
        assert_eq!(st, crmkit_status::CRMKIT_MALFORMED_INPUT);
        assert_eq!(snapshot(copy, ""), all);
        let (st, _) = apply(null(), RESPONSE);
        assert_eq!(st, crmkit_status::CRMKIT_NULL_ARGUMENT);
        unsafe {
            crmkit_engagement_store_free(s);
            crmkit_engagement_store_free(copy);
            crmkit_engagement_store_free(null_mut());
        }
    }
}
