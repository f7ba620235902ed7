//! SLA targets and escalation: first-response, update and resolution clocks
//! in business time, notify-at-percent thresholds, and who is told what, up
//! the chain owner → supervisor → manager. The clocks are computed from a
//! complaint's event log by [`history::sla_state`]; an [`OpenComplaint`] is
//! read as its log ([`OpenComplaint::to_log`]).
//!
//! ```
//! use crmkit::complaint::calendar::Calendar;
//! use crmkit::complaint::sla::{escalations, Clock, OpenComplaint, Priority, SlaPolicy};
//! use std::collections::BTreeMap;
//!
//! let cal = Calendar::from_toml(include_str!("../../examples/calendars/tr-2026-2027.toml")).unwrap();
//! let policy = SlaPolicy::from_toml(r#"
//!     version = "2026-11"
//!     [default]
//!     first_response_hours = 8
//!     resolution_hours = 40
//! "#).unwrap();
//! // ayse reports to mehmet, who reports to zeynep
//! let org: BTreeMap<String, Option<String>> = [
//!     ("ayse".to_string(), Some("mehmet".to_string())),
//!     ("mehmet".to_string(), Some("zeynep".to_string())),
//!     ("zeynep".to_string(), None),
//! ].into_iter().collect();
//! let open = OpenComplaint::new("SK-3CFP-SV", "ayse", "2026-11-23T06:00:00Z".parse().unwrap());
//! // Tuesday 09:00 Istanbul: 9 business hours later, the 8-hour first response is breached
//! let now = "2026-11-24T06:00:00Z".parse().unwrap();
//! let told = escalations(&[open], &org, &policy, &cal, now).unwrap();
//! let first = told.iter().find(|n| n.clock == Clock::FirstResponse).unwrap();
//! assert_eq!(first.threshold_percent, 100);
//! assert_eq!(first.recipients, ["ayse", "mehmet"]); // owner and supervisor
//! ```

pub mod history;

use super::ComplaintError;
use super::calendar::Calendar;
use crate::error::Result;
use history::{ClockStatus, ComplaintLog, SlaState, sla_state};
use jiff::Timestamp;
use std::collections::BTreeMap;

/// Complaint priority.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Low.
    Low,
    /// Normal (the default).
    #[default]
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    /// The snake_case name (`"low"`, `"normal"`, `"high"`, `"urgent"`), as in files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// Targets in business hours; a missing target is not tracked.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Time to the first answer to the customer.
    #[serde(default)]
    pub first_response_hours: Option<f64>,
    /// Longest time between two updates to the customer while open.
    #[serde(default)]
    pub update_hours: Option<f64>,
    /// Time to resolution.
    #[serde(default)]
    pub resolution_hours: Option<f64>,
}

/// Targets for a category and/or priority; the most specific matching
/// override wins (category and priority, then category, then priority).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The category it applies to; any when absent.
    #[serde(default)]
    pub category: Option<String>,
    /// The priority it applies to; any when absent.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The targets; fields left out fall back to the default targets.
    #[serde(flatten)]
    pub targets: Targets,
}

/// An escalation step: at `percent` of a clock's target, tell the person
/// `level` steps up the chain from the owner (0 = owner, 1 = supervisor,
/// 2 = manager), and everyone below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// Share of the target used, in percent.
    pub percent: u32,
    /// Highest level told.
    pub level: u32,
}

/// The versioned SLA policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    /// Identifies the policy in every notification.
    pub version: String,
    /// Targets when no override matches.
    #[serde(default)]
    pub default: Targets,
    /// Overrides per category and priority.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Escalation steps; default: 50 % and 75 % owner, 100 % supervisor,
    /// 150 % manager.
    #[serde(default = "default_steps")]
    pub steps: Vec<Step>,
}

fn default_steps() -> Vec<Step> {
    [(50, 0), (75, 0), (100, 1), (150, 2)]
        .into_iter()
        .map(|(percent, level)| Step { percent, level })
        .collect()
}

impl SlaPolicy {
    /// Reads a policy from TOML.
    pub fn from_toml(text: &str) -> Result<SlaPolicy> {
        let p: SlaPolicy = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    /// Reads a policy from JSON.
    pub fn from_json(text: &str) -> Result<SlaPolicy> {
        let p: SlaPolicy = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<()> {
        let check = |where_: &str, t: &Targets| -> Result<()> {
            for (name, v) in [
                ("first_response_hours", t.first_response_hours),
                ("update_hours", t.update_hours),
                ("resolution_hours", t.resolution_hours),
            ] {
                if let Some(v) = v
                    && !(v.is_finite() && v > 0.0 && v < 100_000.0)
                {
                    return Err(invalid(format!(
                        "{where_}: {name} must be a number of hours > 0, got {v}"
                    )));
                }
            }
            Ok(())
        };
        check("default", &self.default)?;
        for (i, o) in self.overrides.iter().enumerate() {
            check(&format!("overrides[{i}]"), &o.targets)?;
        }
        let mut last = 0;
        for s in &self.steps {
            if s.percent == 0 || s.percent < last {
                return Err(invalid("steps must have increasing percentages > 0".into()));
            }
            last = s.percent;
        }
        Ok(())
    }

    /// The targets for a category and priority.
    pub fn targets(&self, category: Option<&str>, priority: Priority) -> Targets {
        let rank = |o: &Override| match (&o.category, o.priority) {
            (Some(c), Some(p)) if Some(c.as_str()) == category && p == priority => Some(3),
            (Some(c), None) if Some(c.as_str()) == category => Some(2),
            (None, Some(p)) if p == priority => Some(1),
            _ => None,
        };
        let best = self
            .overrides
            .iter()
            .filter_map(|o| rank(o).map(|r| (r, o)))
            .max_by_key(|(r, _)| *r)
            .map(|(_, o)| o.targets);
        let d = self.default;
        match best {
            None => d,
            Some(t) => Targets {
                first_response_hours: t.first_response_hours.or(d.first_response_hours),
                update_hours: t.update_hours.or(d.update_hours),
                resolution_hours: t.resolution_hours.or(d.resolution_hours),
            },
        }
    }
}

fn invalid(message: String) -> crate::Error {
    ComplaintError::InvalidRuleSet {
        source_name: "SLA policy".into(),
        message,
    }
    .into()
}

/// A complaint that is still open.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpenComplaint {
    /// Its id or tracking number.
    pub id: String,
    /// The person who owns it.
    pub owner: String,
    /// When it came in.
    pub received_at: Timestamp,
    /// Its category.
    #[serde(default)]
    pub category: Option<String>,
    /// Its priority.
    #[serde(default)]
    pub priority: Priority,
    /// When the customer got the first answer, if yet.
    #[serde(default)]
    pub first_response_at: Option<Timestamp>,
    /// When the customer got the last update, if any.
    #[serde(default)]
    pub last_update_at: Option<Timestamp>,
}

impl OpenComplaint {
    /// An open complaint of normal priority without answers yet.
    pub fn new(id: &str, owner: &str, received_at: Timestamp) -> OpenComplaint {
        OpenComplaint {
            id: id.to_owned(),
            owner: owner.to_owned(),
            received_at,
            category: None,
            priority: Priority::Normal,
            first_response_at: None,
            last_update_at: None,
        }
    }
}

/// Which SLA clock a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// Time to the first answer.
    FirstResponse,
    /// Time since the last update.
    Update,
    /// Time to resolution.
    Resolution,
}

/// Who reports to whom: anything that can name a person's supervisor.
pub trait Hierarchy {
    /// The supervisor of `person`, if any.
    fn supervisor_of(&self, person: &str) -> Option<&str>;
}

impl Hierarchy for BTreeMap<String, Option<String>> {
    fn supervisor_of(&self, person: &str) -> Option<&str> {
        self.get(person).and_then(|s| s.as_deref())
    }
}

/// Who must be told about a complaint's clock now.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Notification {
    /// The complaint.
    pub complaint_id: String,
    /// The clock.
    pub clock: Clock,
    /// The highest step threshold crossed, in percent; notify once per
    /// (complaint, clock, threshold).
    pub threshold_percent: u32,
    /// How much of the target is used, in percent.
    pub used_percent: f64,
    /// When the target is (or was) due.
    pub due_at: Timestamp,
    /// The people to tell, owner first, up the chain.
    pub recipients: Vec<String>,
    /// Whether the chain ended before the step's level (nobody above).
    pub chain_too_short: bool,
    /// The policy version.
    pub policy_version: String,
}

/// When each running SLA clock of an open complaint is due; `None` for a
/// clock without a target or not running (first response once answered,
/// updates before the first answer).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct DueTimes {
    /// The first answer is due.
    pub first_response: Option<Timestamp>,
    /// The next update is due.
    pub update: Option<Timestamp>,
    /// Resolution is due.
    pub resolution: Option<Timestamp>,
}

/// The due times of an open complaint under a policy, in business time.
///
/// ```
/// use crmkit::complaint::calendar::Calendar;
/// use crmkit::complaint::sla::{due_times, OpenComplaint, SlaPolicy};
///
/// let cal = Calendar::turkey_2026_2027();
/// let policy = SlaPolicy::from_toml("version = '1'\n[default]\nfirst_response_hours = 4\nresolution_hours = 18").unwrap();
/// // Wednesday 28 October 2026 09:00 Istanbul: a half day before Republic Day
/// let c = OpenComplaint::new("1", "ayse", "2026-10-28T06:00:00Z".parse().unwrap());
/// let due = due_times(&c, &policy, &cal).unwrap();
/// assert_eq!(due.first_response.unwrap().to_string(), "2026-10-28T10:00:00Z"); // 13:00
/// // 4 h on the 28th, 29th a holiday, 9 h on Friday the 30th, 5 h on Monday
/// assert_eq!(due.resolution.unwrap().to_string(), "2026-11-02T11:00:00Z");
/// assert_eq!(due.update, None);
/// ```
pub fn due_times(c: &OpenComplaint, policy: &SlaPolicy, calendar: &Calendar) -> Result<DueTimes> {
    let log = c.to_log();
    let last = log.iter().map(|e| e.at).max().unwrap_or(c.received_at);
    let state = sla_state(&log, policy, calendar, last, &[]).map_err(|e| in_complaint(&c.id, e))?;
    let due = |clock: &history::ClockState| {
        (clock.status == ClockStatus::Running)
            .then_some(clock.due_at)
            .flatten()
    };
    Ok(DueTimes {
        first_response: due(&state.first_response),
        update: due(&state.update),
        resolution: due(&state.resolution),
    })
}

/// Names the complaint in an event-log error.
fn in_complaint(id: &str, e: crate::Error) -> crate::Error {
    match e {
        crate::Error::Complaint(ComplaintError::InvalidEventLog(m)) => {
            ComplaintError::InvalidEventLog(format!("complaint {id:?}: {m}")).into()
        }
        other => other,
    }
}

/// For every open complaint and SLA clock, the highest escalation step
/// crossed at `now` and who must be told: the owner and up to `level`
/// supervisors above. Clocks below the first step produce nothing. Results
/// are ordered by complaint, then clock.
///
/// Each complaint is read as its event log ([`OpenComplaint::to_log`]), as
/// [`escalations_from_logs`] does: one computation of the clocks.
pub fn escalations<H: Hierarchy>(
    open: &[OpenComplaint],
    org: &H,
    policy: &SlaPolicy,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<Vec<Notification>> {
    let mut out = Vec::new();
    for c in open {
        let state = sla_state(&c.to_log(), policy, calendar, now, &[])
            .map_err(|e| in_complaint(&c.id, e))?;
        notify(&c.id, &state, org, policy, &mut out);
    }
    Ok(out)
}

/// [`escalations`] for complaints given by their event logs
/// ([`history`]): paused clocks do not escalate, priority and category
/// changes move the due times, resolved complaints produce nothing.
///
/// ```
/// use crmkit::complaint::calendar::Calendar;
/// use crmkit::complaint::sla::{escalations_from_logs, Clock, SlaPolicy};
/// use crmkit::complaint::sla::history::ComplaintLog;
/// use std::collections::BTreeMap;
///
/// let policy = SlaPolicy::from_toml("version = '1'\n[default]\nfirst_response_hours = 4").unwrap();
/// let org: BTreeMap<String, Option<String>> =
///     [("ayse".to_string(), Some("mehmet".to_string()))].into_iter().collect();
/// let logs: Vec<ComplaintLog> = serde_json::from_str(r#"[
///   {"id": "A", "events": [{"at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"}]},
///   {"id": "B", "events": [
///     {"at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
///     {"at": "2026-11-23T07:00:00Z", "kind": "paused", "reason": "waiting_on_customer"}]}
/// ]"#).unwrap();
/// // Monday 13:00 Istanbul: A has used its 4 hours, B only 1 before pausing
/// let told = escalations_from_logs(&logs, &org, &policy, &Calendar::turkey_2026_2027(),
///                                  "2026-11-23T10:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(told.len(), 1);
/// assert_eq!((told[0].complaint_id.as_str(), told[0].clock), ("A", Clock::FirstResponse));
/// assert_eq!(told[0].recipients, ["ayse", "mehmet"]);
/// ```
pub fn escalations_from_logs<H: Hierarchy>(
    logs: &[ComplaintLog],
    org: &H,
    policy: &SlaPolicy,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<Vec<Notification>> {
    let mut out = Vec::new();
    for c in logs {
        let state =
            sla_state(&c.events, policy, calendar, now, &[]).map_err(|e| in_complaint(&c.id, e))?;
        notify(&c.id, &state, org, policy, &mut out);
    }
    Ok(out)
}

/// The notifications for the running clocks of one complaint.
fn notify<H: Hierarchy>(
    id: &str,
    state: &SlaState,
    org: &H,
    policy: &SlaPolicy,
    out: &mut Vec<Notification>,
) {
    for clock in state.clocks() {
        if clock.status != ClockStatus::Running {
            continue;
        }
        let (Some(used_percent), Some(due_at)) = (clock.used_percent, clock.due_at) else {
            continue;
        };
        let Some(step) = policy
            .steps
            .iter()
            .rev()
            .find(|s| used_percent >= f64::from(s.percent))
        else {
            continue;
        };
        let mut recipients = vec![state.owner.clone()];
        let mut current = state.owner.as_str();
        let mut chain_too_short = false;
        for _ in 0..step.level {
            match org.supervisor_of(current) {
                // a cycle in the org chart must not loop forever
                Some(s) if !recipients.iter().any(|r| r == s) => {
                    recipients.push(s.to_owned());
                    current = s;
                }
                _ => {
                    chain_too_short = true;
                    break;
                }
            }
        }
        out.push(Notification {
            complaint_id: id.to_owned(),
            clock: clock.clock,
            threshold_percent: step.percent,
            used_percent,
            due_at,
            recipients,
            chain_too_short,
            policy_version: policy.version.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        Calendar::from_toml(include_str!("../../examples/calendars/tr-2026-2027.toml")).unwrap()
    }

    fn org() -> BTreeMap<String, Option<String>> {
        [
            ("a", Some("b")),
            ("b", Some("c")),
            ("c", None),
            ("loop1", Some("loop2")),
            ("loop2", Some("loop1")),
        ]
        .into_iter()
        .map(|(p, s)| (p.to_owned(), s.map(str::to_owned)))
        .collect()
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn policy() -> SlaPolicy {
        SlaPolicy::from_toml(
            r#"
            version = "t"
            [default]
            first_response_hours = 4
            update_hours = 9
            resolution_hours = 18
            [[overrides]]
            category = "fraud"
            resolution_hours = 9
            [[overrides]]
            priority = "urgent"
            first_response_hours = 1
            [[overrides]]
            category = "fraud"
            priority = "urgent"
            first_response_hours = 0.5
            "#,
        )
        .unwrap()
    }

    #[test]
    fn most_specific_override_wins() {
        let p = policy();
        let t = p.targets(Some("fraud"), Priority::Urgent);
        assert_eq!(
            (t.first_response_hours, t.resolution_hours),
            (Some(0.5), Some(18.0))
        );
        assert_eq!(
            p.targets(Some("fraud"), Priority::Normal).resolution_hours,
            Some(9.0)
        );
        assert_eq!(
            p.targets(None, Priority::Urgent).first_response_hours,
            Some(1.0)
        );
        assert_eq!(p.targets(Some("other"), Priority::Low), p.default);
    }

    #[test]
    fn chain_goes_up_with_the_overrun() {
        let mut c = OpenComplaint::new("x", "a", t("2026-11-23T06:00:00Z")); // Monday 09:00
        c.category = Some("fraud".into());
        // Monday 15:00 local: 6 of 9 resolution hours (66%) → owner only;
        // first response 6 of 4 hours (150%) → manager
        let n = escalations(
            &[c.clone()],
            &org(),
            &policy(),
            &cal(),
            t("2026-11-23T12:00:00Z"),
        )
        .unwrap();
        let by = |clock| n.iter().find(|x| x.clock == clock).unwrap();
        assert_eq!(by(Clock::FirstResponse).recipients, ["a", "b", "c"]);
        assert_eq!(by(Clock::FirstResponse).threshold_percent, 150);
        assert_eq!(by(Clock::Resolution).recipients, ["a"]);
        assert_eq!(by(Clock::Resolution).threshold_percent, 50);
        // 9 business hours from Monday 09:00 end at Monday 18:00 local
        assert_eq!(by(Clock::Resolution).due_at, t("2026-11-23T15:00:00Z"));
        assert!(n.iter().all(|x| x.clock != Clock::Update));
        // answered: the first-response clock stops, the update clock starts
        c.first_response_at = Some(t("2026-11-23T07:00:00Z"));
        let n = escalations(&[c], &org(), &policy(), &cal(), t("2026-11-23T12:00:00Z")).unwrap();
        assert!(n.iter().all(|x| x.clock != Clock::FirstResponse));
        assert_eq!(
            n.iter()
                .find(|x| x.clock == Clock::Update)
                .unwrap()
                .threshold_percent,
            50
        );
    }

    #[test]
    fn short_chains_and_cycles_are_reported() {
        // Monday 09:00 to Thursday 12:00 local: 30 of 18 resolution hours → level 2
        let c = OpenComplaint::new("x", "loop1", t("2026-11-23T06:00:00Z"));
        let n = escalations(&[c], &org(), &policy(), &cal(), t("2026-11-26T09:00:00Z")).unwrap();
        let r = n.iter().find(|x| x.clock == Clock::Resolution).unwrap();
        assert_eq!(r.recipients, ["loop1", "loop2"]);
        assert!(r.chain_too_short);
        let unknown = OpenComplaint::new("y", "nobody", t("2026-11-23T06:00:00Z"));
        let n = escalations(
            &[unknown],
            &org(),
            &policy(),
            &cal(),
            t("2026-11-26T09:00:00Z"),
        )
        .unwrap();
        assert!(
            n.iter()
                .all(|x| x.recipients == ["nobody"] && x.chain_too_short)
        );
    }

    #[test]
    fn bad_policies_are_errors() {
        assert!(SlaPolicy::from_toml("version = 'x'\n[default]\nresolution_hours = -1").is_err());
        assert!(SlaPolicy::from_toml("version = 'x'\n[[steps]]\npercent = 100\nlevel = 1\n[[steps]]\npercent = 50\nlevel = 0").is_err());
        assert!(SlaPolicy::from_toml("version = 'x'\nsurprise = 1").is_err());
    }
}
