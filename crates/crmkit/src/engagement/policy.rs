//! The contact policy: who may be contacted, on which channel, how often and
//! when. A policy is data (TOML or JSON) with a `version`; every other field
//! has a default, and [`Policy::default`] holds İYS-style defaults for
//! Türkiye:
//!
//! ```toml
//! version = 1
//! time_zone = "Europe/Istanbul"          # when the request gives none
//! consent_required = ["commercial"]      # service and transactional need none
//! channel_order = ["email", "sms", "call"]   # tried in this order for "best channel"
//!
//! [caps]                                 # rolling windows: 24 hours, 7 days, 30 days
//! purposes = ["commercial"]
//! call = { day = 1, week = 2, month = 4 }
//! sms = { day = 1, week = 3, month = 8 }
//! email = { day = 1, week = 3, month = 10 }
//! overall = { day = 2, week = 5, month = 15 }   # across channels
//!
//! [[quiet_hours]]                        # local time of the customer
//! channels = ["call", "sms"]
//! purposes = ["commercial", "service"]
//! start = "21:00"
//! end = "09:00"
//!
//! [cooling_off]
//! purposes = ["commercial"]
//! complaint_days = 7                     # while open, and this long after a resolution
//! detractor_days = 30                    # after an NPS answer of 0–6
//!
//! [[examples]]                           # decisions the policy must give; lint runs them
//! name = "an İYS opt-out blocks commercial SMS"
//! now = "2026-12-01T15:00:00+03:00"
//! events = [
//!     { type = "consent", customer = "c1", time = "2026-12-01T10:00:00+03:00", channel = "sms", purpose = "commercial", granted = false, source = "iys" },
//! ]
//! request = { channel = "sms", purpose = "commercial" }
//! expect = { allowed = false, reasons = ["consent_revoked"] }
//! ```
//!
//! [`TURKEY_DEFAULT`] is this policy with examples of the central scenes of
//! Customer 360. Times in examples are quoted strings.
//!
//! ```
//! use crmkit::engagement::policy::Policy;
//!
//! let policy = Policy::from_toml(r#"
//!     version = 1
//!     [caps]
//!     sms = { day = 2, week = 1 }
//!     [[quiet_hours]]
//!     channels = ["call"]
//!     start = "20:00"
//!     end = "20:00"
//! "#).unwrap();
//! let codes: Vec<&str> = policy.lint().iter().map(|f| f.code).collect();
//! assert_eq!(codes, ["cap_day_above_week", "quiet_hours_empty"]);
//! assert!(Policy::default().lint().is_empty());
//! ```

use super::decide::{ReasonCode, Request, decide};
use super::event::{Channel, Event, Purpose};
use super::profile::{FORMAT_VERSION, Profile, malformed};
use crate::error::Result;
use jiff::Timestamp;
use jiff::civil::Time;
use serde::{Deserialize, Serialize};

/// Contact caps over rolling windows; `None` is no cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// At most this many contacts in 24 hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// At most this many contacts in 7 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week: Option<u32>,
    /// At most this many contacts in 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
}

impl Limits {
    /// Caps for a day, a week and a month.
    pub const fn new(day: u32, week: u32, month: u32) -> Limits {
        Limits {
            day: Some(day),
            week: Some(week),
            month: Some(month),
        }
    }
}

/// Frequency caps per channel and across channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Caps {
    /// The purposes the caps apply to.
    pub purposes: Vec<Purpose>,
    /// Calls.
    pub call: Limits,
    /// SMS.
    pub sms: Limits,
    /// Email.
    pub email: Limits,
    /// All channels together.
    pub overall: Limits,
}

impl Caps {
    /// The caps of `channel`.
    pub fn of(&self, channel: Channel) -> &Limits {
        match channel {
            Channel::Call => &self.call,
            Channel::Sms => &self.sms,
            Channel::Email => &self.email,
        }
    }
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            purposes: vec![Purpose::Commercial],
            call: Limits::new(1, 2, 4),
            sms: Limits::new(1, 3, 8),
            email: Limits::new(1, 3, 10),
            overall: Limits::new(2, 5, 15),
        }
    }
}

/// Local hours in which some channels are not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// The channels.
    pub channels: Vec<Channel>,
    /// The purposes (default: commercial and service; transactional
    /// messages such as one-time codes go out at any hour).
    #[serde(default = "QuietHours::default_purposes")]
    pub purposes: Vec<Purpose>,
    /// Local start time; the quiet period includes it.
    pub start: Time,
    /// Local end time, excluded; before `start` for a period over midnight.
    pub end: Time,
}

impl QuietHours {
    fn default_purposes() -> Vec<Purpose> {
        vec![Purpose::Commercial, Purpose::Service]
    }

    /// Whether the local time `t` is quiet.
    pub fn contains(&self, t: Time) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// Cooling-off periods after a bad experience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoolingOff {
    /// The purposes the periods apply to.
    pub purposes: Vec<Purpose>,
    /// No contact while a complaint is open and for this many days after
    /// the latest resolution.
    pub complaint_days: u32,
    /// No contact for this many days after an NPS detractor answer (0–6).
    pub detractor_days: u32,
}

impl Default for CoolingOff {
    fn default() -> Self {
        CoolingOff {
            purposes: vec![Purpose::Commercial],
            complaint_days: 7,
            detractor_days: 30,
        }
    }
}

/// A contact policy; see the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The format version; must be 1.
    pub version: u32,
    /// The IANA time zone of customers whose request gives none.
    pub time_zone: String,
    /// The purposes that need the customer's consent on the channel.
    pub consent_required: Vec<Purpose>,
    /// The order in which channels are tried when the request names none.
    pub channel_order: Vec<Channel>,
    /// Frequency caps.
    pub caps: Caps,
    /// Quiet hours.
    pub quiet_hours: Vec<QuietHours>,
    /// Cooling-off periods.
    pub cooling_off: CoolingOff,
    /// Examples of decisions the policy must give, checked by
    /// [`Policy::check_examples`] and [`Policy::lint`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// An example decision: the events of one customer, a request, the time,
/// and what the policy must decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What the example shows.
    pub name: String,
    /// The time of the decision (a quoted RFC 3339 time with an offset).
    pub now: Timestamp,
    /// The customer's events, folded into one profile (their `customer` is
    /// not checked).
    #[serde(default)]
    pub events: Vec<Event>,
    /// The request.
    pub request: Request,
    /// The decision expected.
    pub expect: Expectation,
}

/// What an [`Example`] expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Allowed or not.
    pub allowed: bool,
    /// The channel, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The reason codes in order, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<ReasonCode>>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: FORMAT_VERSION,
            time_zone: "Europe/Istanbul".to_owned(),
            consent_required: vec![Purpose::Commercial],
            channel_order: vec![Channel::Email, Channel::Sms, Channel::Call],
            caps: Caps::default(),
            quiet_hours: vec![QuietHours {
                channels: vec![Channel::Call, Channel::Sms],
                purposes: QuietHours::default_purposes(),
                start: Time::constant(21, 0, 0, 0),
                end: Time::constant(9, 0, 0, 0),
            }],
            cooling_off: CoolingOff::default(),
            examples: Vec::new(),
        }
    }
}

/// A finding of [`Policy::lint`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable snake_case code, e.g. `cap_day_above_week`.
    pub code: &'static str,
    /// What is wrong, naming the field.
    pub message: String,
}

impl Policy {
    /// Reads a policy from TOML. The `version` is required; an unknown
    /// field is an error.
    pub fn from_toml(text: &str) -> Result<Policy> {
        let table: toml::Table = text.parse().map_err(|e| malformed("policy", e))?;
        check_version(table.get("version").map(|v| v.as_integer()))?;
        toml::Value::Table(table)
            .try_into()
            .map_err(|e| malformed("policy", e))
    }

    /// Reads a policy from JSON. The `version` is required; an unknown
    /// field is an error.
    pub fn from_json(text: &str) -> Result<Policy> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| malformed("policy", e))?;
        check_version(value.get("version").map(|v| v.as_i64()))?;
        serde_json::from_value(value).map_err(|e| malformed("policy", e))
    }

    /// Findings for contradictions and mistakes that reading alone accepts:
    /// a cap above a longer window's cap, a channel cap above the overall
    /// cap, quiet hours of zero length or for no channel, an unknown time
    /// zone, an empty or repeating channel order, commercial contact without
    /// consent.
    pub fn lint(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut find = |code: &'static str, message: String| out.push(Finding { code, message });
        if jiff::tz::TimeZone::get(&self.time_zone).is_err() {
            find(
                "unknown_time_zone",
                format!("time_zone {:?} is not an IANA time zone", self.time_zone),
            );
        }
        let named = [
            ("call", &self.caps.call),
            ("sms", &self.caps.sms),
            ("email", &self.caps.email),
            ("overall", &self.caps.overall),
        ];
        for (name, l) in named {
            let pairs = [
                ("day", l.day, "week", l.week, "cap_day_above_week"),
                ("week", l.week, "month", l.month, "cap_week_above_month"),
                ("day", l.day, "month", l.month, "cap_day_above_month"),
            ];
            for (short, a, long, b, code) in pairs {
                if let (Some(a), Some(b)) = (a, b)
                    && a > b
                {
                    find(
                        code,
                        format!("caps.{name}.{short} = {a} is above caps.{name}.{long} = {b}"),
                    );
                }
            }
        }
        for (name, l) in &named[..3] {
            let windows = [
                ("day", l.day, self.caps.overall.day),
                ("week", l.week, self.caps.overall.week),
                ("month", l.month, self.caps.overall.month),
            ];
            for (window, a, b) in windows {
                if let (Some(a), Some(b)) = (a, b)
                    && a > b
                {
                    find(
                        "channel_cap_above_overall",
                        format!(
                            "caps.{name}.{window} = {a} is above caps.overall.{window} = {b}, which always applies first"
                        ),
                    );
                }
            }
        }
        for (i, q) in self.quiet_hours.iter().enumerate() {
            if q.start == q.end {
                find(
                    "quiet_hours_empty",
                    format!(
                        "quiet_hours[{i}] starts and ends at {}: it never applies",
                        q.start
                    ),
                );
            }
            if q.channels.is_empty() || q.purposes.is_empty() {
                find(
                    "quiet_hours_unused",
                    format!("quiet_hours[{i}] names no channel or no purpose"),
                );
            }
        }
        if self.channel_order.is_empty() {
            find(
                "channel_order_empty",
                "channel_order is empty: no best channel can be chosen".to_owned(),
            );
        }
        for (i, c) in self.channel_order.iter().enumerate() {
            if self.channel_order[..i].contains(c) {
                find(
                    "channel_order_repeated",
                    format!("channel_order names {c} twice"),
                );
            }
        }
        if !self.consent_required.contains(&Purpose::Commercial) {
            find(
                "commercial_without_consent",
                "consent_required does not include commercial: commercial messages need consent (İYS)"
                    .to_owned(),
            );
        }
        out.extend(self.check_examples());
        out
    }

    /// Runs the [examples](Policy::examples): one `example_failed` finding
    /// for each whose decision differs from what it expects.
    pub fn check_examples(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, ex) in self.examples.iter().enumerate() {
            let mut profile = Profile::new(
                ex.events
                    .first()
                    .map_or(String::new(), |e| e.customer.clone()),
            );
            for e in &ex.events {
                profile.apply(e);
            }
            let d = decide(&profile, &ex.request, self, ex.now);
            let codes: Vec<ReasonCode> = d.reasons.iter().map(|r| r.code).collect();
            let pass = d.allowed == ex.expect.allowed
                && ex.expect.channel.is_none_or(|c| d.channel == Some(c))
                && ex.expect.reasons.as_ref().is_none_or(|r| *r == codes);
            if !pass {
                out.push(Finding {
                    code: "example_failed",
                    message: format!(
                        "examples[{i}] ({:?}): expected {}, got allowed = {}, channel = {}, reasons = [{}]",
                        ex.name,
                        describe(&ex.expect),
                        d.allowed,
                        d.channel.map_or("none", Channel::as_str),
                        d.codes().join(", ")
                    ),
                });
            }
        }
        out
    }
}

fn describe(e: &Expectation) -> String {
    let mut s = format!("allowed = {}", e.allowed);
    if let Some(c) = e.channel {
        s += &format!(", channel = {c}");
    }
    if let Some(r) = &e.reasons {
        let names: Vec<&str> = r.iter().map(|c| c.as_str()).collect();
        s += &format!(", reasons = [{}]", names.join(", "));
    }
    s
}

/// The default policy as TOML, with examples of the decisions it gives
/// (the central scenes of Customer 360): reading it gives
/// [`Policy::default`] plus those examples.
///
/// ```
/// use crmkit::engagement::policy::{Policy, TURKEY_DEFAULT};
///
/// let mut p = Policy::from_toml(TURKEY_DEFAULT).unwrap();
/// assert!(p.lint().is_empty());
/// assert!(!p.examples.is_empty());
/// p.examples.clear();
/// assert_eq!(p, Policy::default());
/// ```
pub const TURKEY_DEFAULT: &str = include_str!("policy_tr.toml");

fn check_version(found: Option<Option<i64>>) -> Result<()> {
    match found {
        Some(Some(v)) if v == i64::from(FORMAT_VERSION) => Ok(()),
        Some(Some(v)) => Err(malformed(
            "policy",
            format!("version: {v} is not supported; expected {FORMAT_VERSION}"),
        )),
        Some(None) => Err(malformed("policy", "version: expected an integer")),
        None => Err(malformed("policy", "missing field `version`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_through_toml_and_json() {
        let p = Policy::default();
        let toml_text = toml::to_string(&p).unwrap();
        assert_eq!(Policy::from_toml(&toml_text).unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(Policy::from_json(&json).unwrap(), p);
        assert_eq!(Policy::from_toml("version = 1").unwrap(), p);
    }

    #[test]
    fn version_and_unknown_fields_are_errors() {
        for text in [
            "",
            "version = 2",
            "version = \"1\"",
            "version = 1\ncolour = 3",
        ] {
            let err = Policy::from_toml(text).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::MalformedInput, "{text}");
        }
        let err = Policy::from_toml("version = 1\n[caps]\nfax = { day = 1 }").unwrap_err();
        assert!(err.to_string().contains("fax"), "{err}");
        let err = Policy::from_json(r#"{"version": 1, "channel_order": ["fax"]}"#).unwrap_err();
        assert!(err.to_string().contains("channel"), "{err}");
    }

    #[test]
    fn lint_finds_contradictions() {
        let mut p = Policy {
            time_zone: "Mars/Olympus".into(),
            ..Policy::default()
        };
        p.caps.sms.week = Some(20);
        p.channel_order = vec![Channel::Sms, Channel::Sms];
        p.consent_required.clear();
        let codes: Vec<&str> = p.lint().iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [
                "unknown_time_zone",
                "cap_week_above_month",
                "channel_cap_above_overall",
                "channel_order_repeated",
                "commercial_without_consent"
            ]
        );
    }

    #[test]
    fn a_failing_example_is_a_finding() {
        let mut p = Policy::from_toml(TURKEY_DEFAULT).unwrap();
        assert!(p.check_examples().is_empty());
        p.consent_required.clear();
        let findings = p.check_examples();
        assert!(!findings.is_empty());
        assert!(findings.iter().all(|f| f.code == "example_failed"));
        assert!(
            findings.iter().any(|f| f.message.contains("İYS opt-out")),
            "{findings:?}"
        );
    }

    #[test]
    fn quiet_hours_over_midnight() {
        let q = &Policy::default().quiet_hours[0];
        assert!(q.contains(Time::constant(22, 0, 0, 0)));
        assert!(q.contains(Time::constant(8, 59, 59, 0)));
        assert!(!q.contains(Time::constant(9, 0, 0, 0)));
        assert!(!q.contains(Time::constant(20, 59, 0, 0)));
    }
}
