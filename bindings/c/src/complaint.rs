use crate::error::{boundary, crmkit_status, fail, fail_with};
use crate::handle;
use crate::text::{optional_json, utf8, write_json, write_text};
use crmkit::complaint::categorize::CategoryRules;
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
            // SAFETY: out is non-null and writable (caller guarantee).
            Ok(rules) => unsafe { handle::put(out, rules) },
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
        let rules: &CategoryRules = match unsafe { handle::get(rules, "rules") } {
            Ok(r) => r,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let text = match unsafe { utf8(text, len, "text") } {
            Ok(t) => t,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&rules.categorize(text), buf, buf_len, out_n) }
    })
}

/// What `crmkit_category_rules_categorize_fields` expects of `fields`.
const FIELDS_EXPECTED: &str = "a JSON object of channel, product, segment and language (text), \
     amount and customer_value (numbers) and attributes (an object of text values)";

/// Categorizes a text (`len` bytes of UTF-8) as
/// `crmkit_category_rules_categorize` does, and checks the rules' field
/// conditions (`when`) against the complaint's fields: `fields` is
/// `fields_len` bytes of UTF-8 JSON, an object with any of `channel`,
/// `product`, `segment`, `language` (text), `amount`, `customer_value`
/// (numbers) and `attributes` (an object of text values), e.g.
/// `{"channel": "call_center", "amount": 2500, "attributes": {"region":
/// "ege"}}`. NULL with 0 (or blank text) is a complaint without fields,
/// as for `crmkit_category_rules_categorize`: a rule that requires a field
/// does not fire. Writes the same JSON into `buf`, with the buffer
/// convention of `crmkit_last_error_message`. `fields` that are not such
/// an object give `CRMKIT_INVALID_ARGUMENT` naming `fields`. Thread-safe.
///
/// # Safety
/// `rules` must be a live handle; `text` must point to `len` readable bytes
/// and `fields` to `fields_len` readable bytes (each NULL only with 0);
/// `buf` to `buf_len` writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_category_rules_categorize_fields(
    rules: *const crmkit_category_rules,
    text: *const u8,
    len: usize,
    fields: *const u8,
    fields_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        use crmkit::complaint::categorize::Fields;
        // SAFETY: a non-null handle was made by crmkit_category_rules_new.
        let rules: &CategoryRules = match unsafe { handle::get(rules, "rules") } {
            Ok(r) => r,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        let (text, fields) =
            match unsafe { (utf8(text, len, "text"), utf8(fields, fields_len, "fields")) } {
                (Ok(t), Ok(f)) => (t, f),
                (Err(st), _) | (_, Err(st)) => return st,
            };
        let fields: Fields = match optional_json("fields", FIELDS_EXPECTED, fields) {
            Ok(f) => f,
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { write_json(&rules.categorize_with(text, &fields), buf, buf_len, out_n) }
    })
}

/// Frees a rule set; NULL is allowed.
///
/// # Safety
/// `rules` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_category_rules_free(rules: *mut crmkit_category_rules) {
    // SAFETY: made by crmkit_category_rules_new (caller guarantee).
    unsafe { handle::free::<CategoryRules, _>(rules) }
}

/// The answer of `crmkit_complaint_report`, in its documented field order.
#[derive(serde::Serialize)]
struct ReportAnswer {
    rows: Vec<crmkit::complaint::report::ReportRow>,
    pareto: Vec<crmkit::complaint::report::ParetoRow>,
}

/// One element of the answer of `crmkit_complaint_due_times`.
#[derive(serde::Serialize)]
struct DueAnswer {
    id: String,
    #[serde(flatten)]
    due: crmkit::complaint::sla::DueTimes,
}

/// A JSON request of the SLA and report functions, parsed.
struct Request(serde_json::Value);

impl Request {
    fn parse(text: &str) -> Result<Request, crmkit::Error> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) if v.is_object() => Ok(Request(v)),
            Ok(_) => Err(crmkit::Error::invalid_argument(
                "request",
                "a JSON object".to_owned(),
            )),
            Err(e) => Err(crmkit::Error::invalid_argument(
                "request",
                format!("JSON ({e})"),
            )),
        }
    }

    /// A member read as `T`; `None` when absent or null.
    fn get<T: serde::de::DeserializeOwned>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<Option<T>, crmkit::Error> {
        match self.0.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|e| crmkit::Error::invalid_argument(name, format!("{expected} ({e})"))),
        }
    }

    /// An array member read element by element as `T`, an error naming
    /// the element; `expected` says what one element is.
    fn rows<T: serde::de::DeserializeOwned>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<Vec<T>, crmkit::Error> {
        let items: Vec<serde_json::Value> =
            self.require(name, &format!("an array of {expected}"))?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(v).map_err(|e| {
                    crmkit::Error::invalid_argument(name, format!("{expected}; element {i}: {e}"))
                })
            })
            .collect()
    }

    fn require<T: serde::de::DeserializeOwned>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<T, crmkit::Error> {
        self.get(name, expected)?
            .ok_or_else(|| crmkit::Error::invalid_argument(name, format!("{expected} (missing)")))
    }

    /// A policy or calendar given as a JSON object or as TOML text.
    fn file<T>(
        &self,
        name: &'static str,
        toml: fn(&str) -> crmkit::Result<T>,
        json: fn(&str) -> crmkit::Result<T>,
    ) -> Result<Option<T>, crmkit::Error> {
        match self.0.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(text)) => toml(text).map(Some),
            Some(v) => json(&v.to_string()).map(Some),
        }
    }

    fn calendar(&self) -> Result<crmkit::complaint::calendar::Calendar, crmkit::Error> {
        use crmkit::complaint::calendar::Calendar;
        Ok(self
            .file("calendar", Calendar::from_toml, Calendar::from_json)?
            .unwrap_or_else(Calendar::turkey_2026_2027))
    }

    fn policy(&self) -> Result<crmkit::complaint::sla::SlaPolicy, crmkit::Error> {
        use crmkit::complaint::sla::SlaPolicy;
        self.file("policy", SlaPolicy::from_toml, SlaPolicy::from_json)?
            .ok_or_else(|| {
                crmkit::Error::invalid_argument(
                    "policy",
                    "an SLA policy as a JSON object or TOML text (missing)".to_owned(),
                )
            })
    }
}

/// Runs a JSON request through `f` and writes its JSON answer into `buf`.
///
/// # Safety
/// As the exported functions that call it.
unsafe fn json_call<R: serde::Serialize>(
    request: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
    f: impl FnOnce(&Request) -> Result<R, crmkit::Error>,
) -> crmkit_status {
    // SAFETY: forwarded caller guarantee.
    let text = match unsafe { utf8(request, len, "request") } {
        Ok(t) => t,
        Err(st) => return st,
    };
    let answer = Request::parse(text).and_then(|r| f(&r));
    match answer {
        // SAFETY: forwarded caller guarantee.
        Ok(a) => unsafe { write_json(&a, buf, buf_len, out_n) },
        Err(e) => fail(&e),
    }
}

/// Who must be told about which open complaint now, up the chain owner →
/// supervisor → manager. `request` (`len` bytes of UTF-8) is a JSON object:
///
/// - `open`: array of open complaints (`id`, `owner`, `received_at`
///   RFC 3339; optional `category`, `priority` low/normal/high/urgent,
///   `first_response_at`, `last_update_at`);
/// - `org`: object person → supervisor (null at the top);
/// - `policy`: the SLA policy, as a JSON object or as TOML text;
/// - `calendar`: the business calendar, JSON object or TOML text
///   (optional; default Türkiye 2026–2027, weekdays 09:00–18:00);
/// - `now`: RFC 3339.
///
/// Writes a JSON array of notifications (`complaint_id`, `clock`
/// first_response/update/resolution, `threshold_percent`, `used_percent`,
/// `due_at`, `recipients` owner first, `chain_too_short`,
/// `policy_version`) into `buf`, with the buffer convention of
/// `crmkit_last_error_message`. A bad member gives
/// `CRMKIT_INVALID_ARGUMENT` naming it; a bad policy
/// `CRMKIT_COMPLAINT_INVALID_RULE_SET`; a bad calendar
/// `CRMKIT_COMPLAINT_INVALID_CALENDAR`. Thread-safe.
///
/// # Safety
/// `request` must point to `len` readable bytes; `buf` to `buf_len`
/// writable bytes or NULL; `out_n` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_complaint_escalations(
    request: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        use crmkit::complaint::sla::{OpenComplaint, escalations};
        // SAFETY: forwarded caller guarantee.
        unsafe {
            json_call(request, len, buf, buf_len, out_n, |r| {
                let open: Vec<OpenComplaint> = r.rows("open", "open complaints")?;
                let org: std::collections::BTreeMap<String, Option<String>> =
                    r.require("org", "an object person -> supervisor or null")?;
                let now: jiff::Timestamp = r.require("now", "an RFC 3339 time")?;
                escalations(&open, &org, &r.policy()?, &r.calendar()?, now)
            })
        }
    })
}

/// The due times of open complaints. `request` is a JSON object with
/// `open`, `policy` and optional `calendar` as for
/// `crmkit_complaint_escalations`. Writes a JSON array, one object per
/// complaint in order: `id`, `first_response`, `update`, `resolution`
/// (RFC 3339, or null for a clock without a target or not running).
/// Buffer convention and errors as `crmkit_complaint_escalations`.
/// Thread-safe.
///
/// # Safety
/// As `crmkit_complaint_escalations`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_complaint_due_times(
    request: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        use crmkit::complaint::sla::{OpenComplaint, due_times};
        // SAFETY: forwarded caller guarantee.
        unsafe {
            json_call(request, len, buf, buf_len, out_n, |r| {
                let open: Vec<OpenComplaint> = r.rows("open", "open complaints")?;
                let (policy, calendar) = (r.policy()?, r.calendar()?);
                open.iter()
                    .map(|c| {
                        let d = due_times(c, &policy, &calendar)?;
                        Ok(DueAnswer {
                            id: c.id.clone(),
                            due: d,
                        })
                    })
                    .collect::<Result<Vec<_>, crmkit::Error>>()
            })
        }
    })
}

/// The SLA standing of one complaint from its event log. `request` (`len`
/// bytes of UTF-8) is a JSON object:
///
/// - `events`: the complaint's event log, an array in any order of events
///   with `at` (RFC 3339), `kind` and the kind's fields: `received`
///   (`owner`; optional `category`, `priority` low/normal/high/urgent),
///   `responded`, `paused` (`reason`), `resumed`, `priority_changed`
///   (`priority`), `category_changed` (optional `category`), `reassigned`
///   (`owner`), `resolved`, `reopened`;
/// - `policy`: the SLA policy, as a JSON object or as TOML text;
/// - `calendar`: the business calendar, JSON object or TOML text
///   (optional; default Türkiye 2026–2027, weekdays 09:00–18:00);
/// - `now`: RFC 3339, the moment asked about (no event may be later);
/// - `warn_at`: warning thresholds in percent of each target, e.g.
///   `[50, 75]` (optional; none by default).
///
/// For example `{"events": [{"at": "2026-11-23T06:00:00Z", "kind":
/// "received", "owner": "ayse"}, {"at": "2026-11-23T08:00:00Z", "kind":
/// "paused", "reason": "waiting_on_customer"}], "policy": {"version": "1",
/// "default": {"resolution_hours": 16}}, "now": "2026-11-23T09:00:00Z"}`.
///
/// Writes a JSON object into `buf`: `status` (open/paused/resolved),
/// `pause_reason`, `owner`, `category`, `priority`, `received_at`,
/// `first_response_at`, `last_response_at`, `resolved_at`, `reopened`,
/// and the clocks `first_response`, `update` and `resolution`, each with
/// `clock`, `status` (not_started/running/paused/stopped), `target_hours`,
/// `used_hours` and `paused_hours` (business hours), `used_percent`,
/// `due_at`, `breached`, `breached_at`, `met`, `breaches` and `warnings`
/// (`percent`, `at`); buffer convention of `crmkit_last_error_message`. A
/// bad member (an event without its fields, an unknown kind, a threshold
/// of 0) gives `CRMKIT_INVALID_ARGUMENT` naming it; an impossible log (no
/// `received` first, resolved twice, an event after `now`…)
/// `CRMKIT_COMPLAINT_INVALID_EVENT_LOG` naming the event; a bad policy
/// `CRMKIT_COMPLAINT_INVALID_RULE_SET`; a bad calendar
/// `CRMKIT_COMPLAINT_INVALID_CALENDAR`. Thread-safe.
///
/// # Safety
/// As `crmkit_complaint_escalations`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_complaint_sla_state(
    request: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        use crmkit::complaint::sla::history::{ComplaintEvent, sla_state};
        // SAFETY: forwarded caller guarantee.
        unsafe {
            json_call(request, len, buf, buf_len, out_n, |r| {
                let events: Vec<ComplaintEvent> = r.rows("events", "complaint events")?;
                let now: jiff::Timestamp = r.require("now", "an RFC 3339 time")?;
                let warn_at: Vec<u32> = r
                    .get("warn_at", "an array of thresholds in percent")?
                    .unwrap_or_default();
                sla_state(&events, &r.policy()?, &r.calendar()?, now, &warn_at)
            })
        }
    })
}

/// The KPI report of handled complaints. `request` is a JSON object:
///
/// - `complaints`: array of handled complaints (`id`, `channel`,
///   `received_at`; optional `category`, `topic`, `first_department`,
///   `resolving_department`, `first_response_at`, `resolved_at`, `due_at`,
///   `reopened`, `satisfied`, `winback_cost`, `repurchased`);
/// - `by`: first_department (default), resolving_department, category,
///   channel, month or all;
/// - `calendar` (optional): JSON object or TOML text, for business hours;
/// - `now` (optional, RFC 3339): open complaints past due count as breaches.
///
/// Writes `{"rows": [...], "pareto": [...]}`: per group `key`, `count`,
/// `share_percent`, `resolved`, `resolution_rate`, `resolution_hours` and
/// `resolution_business_hours` and `first_response_hours` (`mean`,
/// `median`, `p90`, `max`), `sla_breach_rate`, `satisfaction_rate`,
/// `winback_cost`, `repurchase_rate`, `reopen_rate`,
/// `first_routing_accuracy` (rates in percent, null when unknown); the
/// Pareto of topics (topic, else category) with `topic`, `count`,
/// `percent`, `cumulative_percent`. Buffer convention and errors as
/// `crmkit_complaint_escalations`. Thread-safe.
///
/// # Safety
/// As `crmkit_complaint_escalations`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_complaint_report(
    request: *const u8,
    len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crmkit_status {
    boundary(|| {
        use crmkit::complaint::calendar::Calendar;
        use crmkit::complaint::report::{GroupBy, Handled, pareto, report};
        // SAFETY: forwarded caller guarantee.
        unsafe {
            json_call(request, len, buf, buf_len, out_n, |r| {
                let complaints: Vec<Handled> = r.rows("complaints", "handled complaints")?;
                let by: GroupBy = r
                    .get(
                        "by",
                        "first_department, resolving_department, category, channel, month or all",
                    )?
                    .unwrap_or(GroupBy::FirstDepartment);
                let calendar = r.file("calendar", Calendar::from_toml, Calendar::from_json)?;
                let now: Option<jiff::Timestamp> = r.get("now", "an RFC 3339 time")?;
                let rows = report(&complaints, by, calendar.as_ref(), now)?;
                let topics = pareto(&complaints, |h| {
                    h.topic.clone().or_else(|| h.category.clone())
                });
                Ok(ReportAnswer {
                    rows,
                    pareto: topics,
                })
            })
        }
    })
}
