//! SLA clocks computed from a complaint's event log: pauses (waiting on the
//! customer…), priority and category changes that recompute the due time
//! without losing the business time already spent, reassignment,
//! resolution and reopening.
//!
//! [`sla_state`] is a pure function of the log, the policy, the calendar and
//! the moment asked about. Each clock runs only while the complaint is open
//! and not paused:
//!
//! - **first response** runs from `received` to the first `responded`;
//! - **update** runs from each `responded` to the next one (a new cycle per
//!   answer, and one from a `reopened` once answered);
//! - **resolution** runs from `received` to `resolved`, and resumes, keeping
//!   the business time already spent, on `reopened`.
//!
//! Events at the same instant are processed as a set: sorted by kind (the
//! order of [`EventKind`]'s variants), each step taking the first event that
//! the complaint's state allows, so the order in which simultaneous events
//! were written never matters (a `resumed` and a `paused` at one instant
//! while paused split a pause in two; while open they are a pause of no
//! length).
//!
//! ```
//! use crmkit::complaint::calendar::Calendar;
//! use crmkit::complaint::sla::SlaPolicy;
//! use crmkit::complaint::sla::history::{sla_state, ClockStatus, ComplaintEvent};
//! use jiff::SignedDuration;
//!
//! let policy = SlaPolicy::from_toml("version = '1'\n[default]\nfirst_response_hours = 4\nresolution_hours = 16").unwrap();
//! let log: Vec<ComplaintEvent> = serde_json::from_str(r#"[
//!   {"at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
//!   {"at": "2026-11-23T07:00:00Z", "kind": "responded"},
//!   {"at": "2026-11-23T08:00:00Z", "kind": "paused", "reason": "waiting_on_customer"},
//!   {"at": "2026-11-24T08:00:00Z", "kind": "resumed"}
//! ]"#).unwrap();
//! // Monday 09:00 Istanbul in, answered at 10:00, waiting on the customer
//! // from 11:00 to Tuesday 11:00; asked on Tuesday at 12:00
//! let state = sla_state(&log, &policy, &Calendar::turkey_2026_2027(),
//!                       "2026-11-24T09:00:00Z".parse().unwrap(), &[75]).unwrap();
//! assert_eq!(state.first_response.status, ClockStatus::Stopped);
//! assert!(state.first_response.met);
//! let r = &state.resolution;
//! assert_eq!(r.used, SignedDuration::from_hours(3));   // 2 h on Monday, 1 h on Tuesday
//! assert_eq!(r.paused, SignedDuration::from_hours(9)); // the business hours spent waiting
//! // 13 hours left from Tuesday 12:00: 6 h on Tuesday, 7 h on Wednesday
//! assert_eq!(r.due_at.unwrap().to_string(), "2026-11-25T13:00:00Z");
//! ```

use super::{Clock, OpenComplaint, Priority, SlaPolicy};
use crate::complaint::ComplaintError;
use crate::complaint::calendar::Calendar;
use crate::error::{Error, Result};
use jiff::{SignedDuration, Timestamp};

/// One entry of a complaint's history. In JSON or TOML the kind's fields sit
/// beside `at`: `{"at": "2026-11-23T06:00:00Z", "kind": "paused", "reason":
/// "waiting_on_customer"}`. A field the kind does not take, a missing one
/// or an unknown kind is an error naming it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawEvent")]
pub struct ComplaintEvent {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl ComplaintEvent {
    /// An event of `kind` at `at`.
    pub fn new(at: Timestamp, kind: EventKind) -> ComplaintEvent {
        ComplaintEvent { at, kind }
    }
}

/// The file form of an event: every field any kind takes, checked against
/// the kind.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    at: Timestamp,
    kind: String,
    owner: Option<String>,
    category: Option<String>,
    priority: Option<Priority>,
    reason: Option<String>,
}

impl TryFrom<RawEvent> for ComplaintEvent {
    type Error = String;

    fn try_from(r: RawEvent) -> std::result::Result<ComplaintEvent, String> {
        let kind = r.kind.as_str();
        let mut fields: Vec<&str> = Vec::new();
        let mut take = |name: &'static str, present: bool| {
            if present {
                fields.push(name);
            }
        };
        take("owner", r.owner.is_some());
        take("category", r.category.is_some());
        take("priority", r.priority.is_some());
        take("reason", r.reason.is_some());
        let (allowed, required): (&[&str], &[&str]) = match kind {
            "received" => (&["owner", "category", "priority"], &["owner"]),
            "category_changed" => (&["category"], &[]),
            "priority_changed" => (&["priority"], &["priority"]),
            "reassigned" => (&["owner"], &["owner"]),
            "paused" => (&["reason"], &["reason"]),
            "reopened" | "resumed" | "responded" | "resolved" => (&[], &[]),
            other => {
                return Err(format!(
                    "unknown event kind {other:?}: expected received, responded, paused, \
                     resumed, priority_changed, category_changed, reassigned, resolved or reopened"
                ));
            }
        };
        if let Some(extra) = fields.iter().find(|f| !allowed.contains(f)) {
            return Err(format!("a `{kind}` event takes no `{extra}` field"));
        }
        if let Some(missing) = required.iter().find(|f| !fields.contains(f)) {
            return Err(format!("a `{kind}` event needs a `{missing}` field"));
        }
        let kind = match kind {
            "received" => EventKind::Received {
                owner: r.owner.unwrap_or_default(),
                category: r.category,
                priority: r.priority.unwrap_or_default(),
            },
            "category_changed" => EventKind::CategoryChanged {
                category: r.category,
            },
            "priority_changed" => EventKind::PriorityChanged {
                priority: r.priority.unwrap_or_default(),
            },
            "reassigned" => EventKind::Reassigned {
                owner: r.owner.unwrap_or_default(),
            },
            "paused" => EventKind::Paused {
                reason: r.reason.unwrap_or_default(),
            },
            "reopened" => EventKind::Reopened,
            "resumed" => EventKind::Resumed,
            "responded" => EventKind::Responded,
            _ => EventKind::Resolved,
        };
        Ok(ComplaintEvent { at: r.at, kind })
    }
}

/// What happened to a complaint. The order of the variants is the order in
/// which events at the same instant are considered.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The complaint came in; always the first event.
    Received {
        /// Who owns it.
        owner: String,
        /// Its category.
        #[serde(default)]
        category: Option<String>,
        /// Its priority.
        #[serde(default)]
        priority: Priority,
    },
    /// It was reopened after being resolved: the clocks resume.
    Reopened,
    /// It is worked on again after a pause: the clocks resume.
    Resumed,
    /// Its category changed: the targets are recomputed.
    CategoryChanged {
        /// The new category (none: uncategorized).
        #[serde(default)]
        category: Option<String>,
    },
    /// Its priority changed: the targets are recomputed.
    PriorityChanged {
        /// The new priority.
        priority: Priority,
    },
    /// It was given to another owner.
    Reassigned {
        /// The new owner.
        owner: String,
    },
    /// The customer got an answer: the first stops the first-response clock;
    /// each starts a new update cycle.
    Responded,
    /// Work stopped for a reason outside the team's hands (waiting on the
    /// customer, on a third party…): the clocks stop until `resumed`.
    Paused {
        /// Why, e.g. `"waiting_on_customer"`.
        reason: String,
    },
    /// It was resolved: every clock stops.
    Resolved,
}

impl EventKind {
    /// The snake_case name, as in files.
    pub const fn name(&self) -> &'static str {
        match self {
            EventKind::Received { .. } => "received",
            EventKind::Reopened => "reopened",
            EventKind::Resumed => "resumed",
            EventKind::CategoryChanged { .. } => "category_changed",
            EventKind::PriorityChanged { .. } => "priority_changed",
            EventKind::Reassigned { .. } => "reassigned",
            EventKind::Responded => "responded",
            EventKind::Paused { .. } => "paused",
            EventKind::Resolved => "resolved",
        }
    }
}

/// A complaint's id with its event log, for
/// [`escalations_from_logs`](super::escalations_from_logs).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComplaintLog {
    /// Its id or tracking number.
    pub id: String,
    /// Its events, in any order.
    pub events: Vec<ComplaintEvent>,
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// Open and worked on.
    Open,
    /// Open but paused (see [`SlaState::pause_reason`]).
    Paused,
    /// Resolved.
    Resolved,
}

/// The status while replaying a log, with the pause reason.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Open,
    Paused(String),
    Resolved,
}

/// Where an SLA clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Not started (the update clock before the first answer).
    NotStarted,
    /// Counting business time.
    Running,
    /// Started but paused with the complaint.
    Paused,
    /// Stopped: answered (first response) or resolved.
    Stopped,
}

/// An "about to breach" threshold crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// The share of the target, in percent.
    pub percent: u32,
    /// When the business time used reached it.
    pub at: Timestamp,
}

fn hours<S: serde::Serializer>(d: &SignedDuration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() / 3600.0)
}

fn opt_hours<S: serde::Serializer>(
    d: &Option<SignedDuration>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => hours(d, s),
        None => s.serialize_none(),
    }
}

/// One SLA clock of a complaint at the moment asked about. For the update
/// clock, the figures are those of the current cycle (since the last
/// answer), except `breaches`. Durations serialize as hours
/// (`target_hours`, `used_hours`, `paused_hours`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClockState {
    /// Which clock.
    pub clock: Clock,
    /// Running, paused, stopped or not started.
    pub status: ClockStatus,
    /// The target under the complaint's current category and priority;
    /// `None`: the policy does not track this clock.
    #[serde(rename = "target_hours", serialize_with = "opt_hours")]
    pub target: Option<SignedDuration>,
    /// Business time counted, pauses excluded.
    #[serde(rename = "used_hours", serialize_with = "hours")]
    pub used: SignedDuration,
    /// Business time spent paused while the clock was started.
    #[serde(rename = "paused_hours", serialize_with = "hours")]
    pub paused: SignedDuration,
    /// `used` as a share of `target`, in percent.
    pub used_percent: Option<f64>,
    /// When the target is (or was) due, while the clock is started: the
    /// moment `used` reached the target if it has, otherwise, while
    /// running, the moment it will if nothing changes. `None` when paused
    /// before the due time, stopped, not started or without a target.
    pub due_at: Option<Timestamp>,
    /// Whether more than the target has been used.
    pub breached: bool,
    /// When the target was reached, if breached.
    pub breached_at: Option<Timestamp>,
    /// Whether the clock stopped within its target.
    pub met: bool,
    /// Breached cycles, the current one included (at most 1 for the
    /// first-response and resolution clocks).
    pub breaches: u32,
    /// The warning thresholds reached, lowest first.
    pub warnings: Vec<Warning>,
}

/// A complaint's SLA standing at a moment, from its event log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SlaState {
    /// Open, paused or resolved.
    pub status: ComplaintStatus,
    /// Why it is paused, while paused.
    pub pause_reason: Option<String>,
    /// The current owner.
    pub owner: String,
    /// The current category.
    pub category: Option<String>,
    /// The current priority.
    pub priority: Priority,
    /// When it came in.
    pub received_at: Timestamp,
    /// The first answer, if any.
    pub first_response_at: Option<Timestamp>,
    /// The last answer, if any.
    pub last_response_at: Option<Timestamp>,
    /// The last resolution, if any.
    pub resolved_at: Option<Timestamp>,
    /// How many times it was reopened.
    pub reopened: u32,
    /// The first-response clock.
    pub first_response: ClockState,
    /// The update clock.
    pub update: ClockState,
    /// The resolution clock.
    pub resolution: ClockState,
}

impl SlaState {
    /// The three clocks in the order first response, update, resolution.
    pub fn clocks(&self) -> [&ClockState; 3] {
        [&self.first_response, &self.update, &self.resolution]
    }

    /// The [`OpenComplaint`] equivalent of a complaint that is not resolved
    /// (`None` once resolved): its owner, category, priority and answers.
    pub fn open_complaint(&self, id: &str) -> Option<OpenComplaint> {
        (self.status != ComplaintStatus::Resolved).then(|| OpenComplaint {
            id: id.to_owned(),
            owner: self.owner.clone(),
            received_at: self.received_at,
            category: self.category.clone(),
            priority: self.priority,
            first_response_at: self.first_response_at,
            last_update_at: self.last_response_at,
        })
    }
}

impl OpenComplaint {
    /// The event log equivalent to this complaint: `received`, then
    /// `responded` at the first answer and at the last update when later.
    /// A last update without a first answer is not an answer (as in
    /// [`due_times`](super::due_times)).
    pub fn to_log(&self) -> Vec<ComplaintEvent> {
        let mut log = vec![ComplaintEvent::new(
            self.received_at,
            EventKind::Received {
                owner: self.owner.clone(),
                category: self.category.clone(),
                priority: self.priority,
            },
        )];
        if let Some(f) = self.first_response_at {
            log.push(ComplaintEvent::new(f, EventKind::Responded));
            if let Some(u) = self.last_update_at
                && u > f
            {
                log.push(ComplaintEvent::new(u, EventKind::Responded));
            }
        }
        log
    }
}

fn log_error(message: String) -> Error {
    ComplaintError::InvalidEventLog(message).into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    NotStarted,
    Started,
    Stopped,
}

/// The running sums of one clock.
struct Run {
    clock: Clock,
    phase: Phase,
    target: Option<SignedDuration>,
    used: SignedDuration,
    paused: SignedDuration,
    reached_at: Option<Timestamp>,
    warnings: Vec<Warning>,
    breaches_before: u32,
}

impl Run {
    fn new(clock: Clock, phase: Phase) -> Run {
        Run {
            clock,
            phase,
            target: None,
            used: SignedDuration::ZERO,
            paused: SignedDuration::ZERO,
            reached_at: None,
            warnings: Vec::new(),
            breaches_before: 0,
        }
    }

    fn breached(&self) -> bool {
        self.target.is_some_and(|t| self.used > t)
    }

    /// Starts a new cycle (update clock), counting the last one's breach.
    fn restart(&mut self) {
        self.breaches_before += u32::from(self.phase != Phase::NotStarted && self.breached());
        self.phase = Phase::Started;
        self.used = SignedDuration::ZERO;
        self.paused = SignedDuration::ZERO;
        self.reached_at = None;
        self.warnings.clear();
    }
}

/// `percent` % of `target`, in whole nanoseconds.
fn share(target: SignedDuration, percent: u32) -> SignedDuration {
    let nanos = target.as_nanos() * i128::from(percent) / 100;
    SignedDuration::from_nanos_i128(nanos)
}

struct Engine<'a> {
    policy: &'a SlaPolicy,
    calendar: &'a Calendar,
    warn_at: Vec<u32>,
    last: Timestamp,
    status: Status,
    owner: String,
    category: Option<String>,
    priority: Priority,
    received_at: Timestamp,
    first_response_at: Option<Timestamp>,
    last_response_at: Option<Timestamp>,
    resolved_at: Option<Timestamp>,
    reopened: u32,
    runs: [Run; 3],
}

impl Engine<'_> {
    /// The first moment business time used passes `level`, knowing `used`
    /// at `from` (the change instant itself when already past it).
    fn crossing(
        &self,
        from: Timestamp,
        used: SignedDuration,
        level: SignedDuration,
    ) -> Result<Timestamp> {
        if used < level {
            self.calendar.add_business_time(from, level - used)
        } else {
            Ok(from)
        }
    }

    /// Marks the target and warning levels that `run` reached while its used
    /// time went from `before` at `from` to its current value; forgets those
    /// a raised target put out of reach again.
    fn levels(
        engine: &Engine<'_>,
        run: &mut Run,
        from: Timestamp,
        before: SignedDuration,
    ) -> Result<()> {
        let Some(target) = run.target else {
            run.reached_at = None;
            run.warnings.clear();
            return Ok(());
        };
        if run.used < target {
            run.reached_at = None;
        } else if run.reached_at.is_none() {
            run.reached_at = Some(engine.crossing(from, before, target)?);
        }
        run.warnings
            .retain(|w| run.used >= share(target, w.percent));
        for &percent in &engine.warn_at {
            let level = share(target, percent);
            if run.used >= level && !run.warnings.iter().any(|w| w.percent == percent) {
                let at = engine.crossing(from, before, level)?;
                run.warnings.push(Warning { percent, at });
            }
        }
        run.warnings.sort_by_key(|w| w.percent);
        Ok(())
    }

    /// Counts the time from the last event to `t` on every started clock.
    fn advance(&mut self, t: Timestamp) -> Result<()> {
        if t <= self.last {
            return Ok(());
        }
        let span = self.calendar.business_time_between(self.last, t)?;
        let from = self.last;
        let mut runs = std::mem::replace(&mut self.runs, empty_runs());
        for run in &mut runs {
            if run.phase != Phase::Started {
                continue;
            }
            match self.status {
                Status::Open => {
                    let before = run.used;
                    run.used += span;
                    Self::levels(self, run, from, before)?;
                }
                Status::Paused(_) => run.paused += span,
                Status::Resolved => {}
            }
        }
        self.runs = runs;
        self.last = t;
        Ok(())
    }

    /// Recomputes the targets after the events at `t`.
    fn retarget(&mut self, t: Timestamp) -> Result<()> {
        let targets = self.policy.targets(self.category.as_deref(), self.priority);
        let mut runs = std::mem::replace(&mut self.runs, empty_runs());
        // a stopped clock keeps the target it was judged by
        for run in runs.iter_mut().filter(|r| r.phase != Phase::Stopped) {
            let hours = match run.clock {
                Clock::FirstResponse => targets.first_response_hours,
                Clock::Update => targets.update_hours,
                Clock::Resolution => targets.resolution_hours,
            };
            run.target = hours.map(|h| SignedDuration::from_secs_f64(h * 3600.0));
            let used = run.used;
            Self::levels(self, run, t, used)?;
        }
        self.runs = runs;
        Ok(())
    }

    /// Why `kind` cannot happen now, if it cannot.
    fn refusal(&self, kind: &EventKind) -> Option<&'static str> {
        match (kind, &self.status) {
            (EventKind::Received { .. }, _) => Some("`received` only once, as the first event"),
            (EventKind::Paused { .. }, Status::Open) => None,
            (EventKind::Paused { .. }, _) => {
                Some("an open complaint that is not paused (`resumed` or `reopened` first)")
            }
            (EventKind::Resumed, Status::Paused(_)) => None,
            (EventKind::Resumed, _) => Some("a paused complaint (`paused` first)"),
            (EventKind::Resolved, Status::Resolved) => Some("an open complaint (`reopened` first)"),
            (EventKind::Reopened, Status::Resolved) => None,
            (EventKind::Reopened, _) => Some("a resolved complaint (`resolved` first)"),
            _ => None,
        }
    }

    fn apply(&mut self, kind: &EventKind, t: Timestamp) {
        let [first, update, resolution] = &mut self.runs;
        match kind {
            EventKind::Received { .. } => {}
            EventKind::Reopened => {
                self.status = Status::Open;
                self.reopened += 1;
                if self.first_response_at.is_none() {
                    first.phase = Phase::Started;
                } else {
                    update.restart();
                }
                resolution.phase = Phase::Started;
            }
            EventKind::Resumed => self.status = Status::Open,
            EventKind::CategoryChanged { category } => self.category = category.clone(),
            EventKind::PriorityChanged { priority } => self.priority = *priority,
            EventKind::Reassigned { owner } => self.owner = owner.clone(),
            EventKind::Responded => {
                if self.first_response_at.is_none() {
                    self.first_response_at = Some(t);
                    if first.phase == Phase::Started {
                        first.phase = Phase::Stopped;
                    }
                }
                self.last_response_at = Some(t);
                if self.status != Status::Resolved {
                    update.restart();
                }
            }
            EventKind::Paused { reason } => self.status = Status::Paused(reason.clone()),
            EventKind::Resolved => {
                self.status = Status::Resolved;
                self.resolved_at = Some(t);
                for run in [first, update, resolution] {
                    if run.phase == Phase::Started {
                        run.phase = Phase::Stopped;
                    }
                }
            }
        }
    }

    /// One clock's figures at `now`.
    fn clock_state(&self, run: &Run, now: Timestamp) -> Result<ClockState> {
        let status = match (run.phase, &self.status) {
            (Phase::NotStarted, _) => ClockStatus::NotStarted,
            (Phase::Stopped, _) | (Phase::Started, Status::Resolved) => ClockStatus::Stopped,
            (Phase::Started, Status::Open) => ClockStatus::Running,
            (Phase::Started, Status::Paused(_)) => ClockStatus::Paused,
        };
        let breached = run.breached();
        let due_at = match (run.target, status) {
            (Some(_), ClockStatus::Paused) => run.reached_at,
            (Some(t), ClockStatus::Running) => match run.reached_at {
                Some(at) => Some(at),
                None => Some(self.calendar.add_business_time(now, t - run.used)?),
            },
            _ => None,
        };
        Ok(ClockState {
            clock: run.clock,
            status,
            target: run.target,
            used: run.used,
            paused: run.paused,
            used_percent: run
                .target
                .map(|t| 100.0 * run.used.as_secs_f64() / t.as_secs_f64()),
            due_at,
            breached,
            breached_at: if breached { run.reached_at } else { None },
            met: status == ClockStatus::Stopped && run.target.is_some() && !breached,
            breaches: run.breaches_before + u32::from(breached),
            warnings: run.warnings.clone(),
        })
    }

    fn finish(mut self, now: Timestamp) -> Result<SlaState> {
        self.advance(now)?;
        let [first, update, resolution] = &self.runs;
        let first_response = self.clock_state(first, now)?;
        let update = self.clock_state(update, now)?;
        let resolution = self.clock_state(resolution, now)?;
        let (status, pause_reason) = match self.status {
            Status::Open => (ComplaintStatus::Open, None),
            Status::Paused(reason) => (ComplaintStatus::Paused, Some(reason)),
            Status::Resolved => (ComplaintStatus::Resolved, None),
        };
        Ok(SlaState {
            status,
            pause_reason,
            owner: self.owner,
            category: self.category,
            priority: self.priority,
            received_at: self.received_at,
            first_response_at: self.first_response_at,
            last_response_at: self.last_response_at,
            resolved_at: self.resolved_at,
            reopened: self.reopened,
            first_response,
            update,
            resolution,
        })
    }
}

fn empty_runs() -> [Run; 3] {
    [
        Run::new(Clock::FirstResponse, Phase::NotStarted),
        Run::new(Clock::Update, Phase::NotStarted),
        Run::new(Clock::Resolution, Phase::NotStarted),
    ]
}

/// The SLA standing of a complaint at `now`, computed from its event log
/// alone: per clock the business time used (pauses excluded), the target
/// under the current category and priority, the due time (recomputed on a
/// priority or category change, keeping the business time already spent),
/// business time paused, breaches, and the warning thresholds `warn_at` (in
/// percent of the target, e.g. `[50, 75, 90]`) reached.
///
/// The log may be in any order; see the [module documentation](self) for
/// simultaneous events.
///
/// Errors (`complaint_invalid_event_log`): an empty log, a first event other
/// than `received`, an event after `now`, or an event the complaint's state
/// does not allow (resolved twice without `reopened`, `resumed` while not
/// paused…), naming the event's index in `log`; `invalid_argument` for a
/// warning threshold of 0.
///
/// ```
/// use crmkit::complaint::calendar::Calendar;
/// use crmkit::complaint::sla::{Priority, SlaPolicy};
/// use crmkit::complaint::sla::history::{sla_state, ComplaintEvent, EventKind};
///
/// let policy = SlaPolicy::from_toml(r#"
///     version = "1"
///     [default]
///     resolution_hours = 18
///     [[overrides]]
///     priority = "urgent"
///     resolution_hours = 6
/// "#).unwrap();
/// let at = |s: &str| s.parse().unwrap();
/// let log = [
///     // Monday 09:00 Istanbul
///     ComplaintEvent::new(at("2026-11-23T06:00:00Z"), EventKind::Received {
///         owner: "ayse".into(), category: None, priority: Priority::Normal }),
///     // Monday 13:00: 4 business hours spent, now urgent: 2 hours left
///     ComplaintEvent::new(at("2026-11-23T10:00:00Z"),
///         EventKind::PriorityChanged { priority: Priority::Urgent }),
/// ];
/// let state = sla_state(&log, &policy, &Calendar::turkey_2026_2027(),
///                       at("2026-11-23T11:00:00Z"), &[50, 90]).unwrap();
/// let r = &state.resolution;
/// assert_eq!(r.due_at, Some(at("2026-11-23T12:00:00Z"))); // Monday 15:00
/// assert_eq!(r.used, jiff::SignedDuration::from_hours(5)); // of 6
/// // 50 % of the new target was already used when the priority changed
/// assert_eq!(r.warnings.iter().map(|w| (w.percent, w.at.to_string())).collect::<Vec<_>>(),
///            [(50, "2026-11-23T10:00:00Z".to_string())]);
///
/// // a second `resolved` without `reopened` is an error naming the event
/// let bad = [log[0].clone(),
///            ComplaintEvent::new(at("2026-11-23T07:00:00Z"), EventKind::Resolved),
///            ComplaintEvent::new(at("2026-11-23T08:00:00Z"), EventKind::Resolved)];
/// let err = sla_state(&bad, &policy, &Calendar::turkey_2026_2027(), at("2026-11-23T09:00:00Z"), &[])
///     .unwrap_err();
/// assert_eq!(err.code().as_str(), "complaint_invalid_event_log");
/// assert!(err.to_string().contains("event 2 (`resolved` at 2026-11-23T08:00:00Z)"), "{err}");
/// ```
pub fn sla_state(
    log: &[ComplaintEvent],
    policy: &SlaPolicy,
    calendar: &Calendar,
    now: Timestamp,
    warn_at: &[u32],
) -> Result<SlaState> {
    if warn_at.contains(&0) {
        return Err(Error::invalid_argument(
            "warn_at",
            "warning thresholds in percent > 0",
        ));
    }
    let mut warn_at = warn_at.to_vec();
    warn_at.sort_unstable();
    warn_at.dedup();
    let describe = |i: usize| format!("event {i} (`{}` at {})", log[i].kind.name(), log[i].at);
    let mut order: Vec<usize> = (0..log.len()).collect();
    order.sort_by(|&a, &b| {
        (log[a].at, &log[a].kind)
            .cmp(&(log[b].at, &log[b].kind))
            .then(a.cmp(&b))
    });
    let Some(&first) = order.first() else {
        return Err(log_error(
            "the log is empty: expected a `received` event".into(),
        ));
    };
    if let Some(&late) = order.iter().rev().find(|&&i| log[i].at > now) {
        return Err(log_error(format!(
            "{}: expected events at or before now ({now})",
            describe(late)
        )));
    }
    let EventKind::Received {
        owner,
        category,
        priority,
    } = &log[first].kind
    else {
        return Err(log_error(format!(
            "{}: expected the complaint to be `received` first",
            describe(first)
        )));
    };
    let mut engine = Engine {
        policy,
        calendar,
        warn_at,
        last: log[first].at,
        status: Status::Open,
        owner: owner.clone(),
        category: category.clone(),
        priority: *priority,
        received_at: log[first].at,
        first_response_at: None,
        last_response_at: None,
        resolved_at: None,
        reopened: 0,
        runs: [
            Run::new(Clock::FirstResponse, Phase::Started),
            Run::new(Clock::Update, Phase::NotStarted),
            Run::new(Clock::Resolution, Phase::Started),
        ],
    };
    let mut start = 1;
    let mut t = log[first].at;
    loop {
        let mut end = start;
        while end < order.len() && log[order[end]].at == t {
            end += 1;
        }
        engine.advance(t)?;
        let mut pending: Vec<usize> = order[start..end].to_vec();
        while !pending.is_empty() {
            match pending
                .iter()
                .position(|&i| engine.refusal(&log[i].kind).is_none())
            {
                Some(p) => {
                    let i = pending.remove(p);
                    engine.apply(&log[i].kind, t);
                }
                None => {
                    let i = pending[0];
                    let expected = engine.refusal(&log[i].kind).unwrap_or_default();
                    return Err(log_error(format!("{}: expected {expected}", describe(i))));
                }
            }
        }
        engine.retarget(t)?;
        if end == order.len() {
            break;
        }
        start = end;
        t = log[order[start]].at;
    }
    engine.finish(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::sla::{DueTimes, due_times, escalations};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn ev(at: &str, kind: EventKind) -> ComplaintEvent {
        ComplaintEvent::new(ts(at), kind)
    }

    fn received(at: &str) -> ComplaintEvent {
        ev(
            at,
            EventKind::Received {
                owner: "ayse".into(),
                category: None,
                priority: Priority::Normal,
            },
        )
    }

    fn paused(at: &str) -> ComplaintEvent {
        ev(
            at,
            EventKind::Paused {
                reason: "waiting_on_customer".into(),
            },
        )
    }

    fn policy() -> SlaPolicy {
        SlaPolicy::from_toml(
            r#"
            version = "t"
            [default]
            first_response_hours = 4
            update_hours = 8
            resolution_hours = 18
            [[overrides]]
            priority = "urgent"
            resolution_hours = 6
            [[overrides]]
            category = "fraud"
            first_response_hours = 1
            update_hours = 2.5
            "#,
        )
        .unwrap()
    }

    fn hours(h: i64) -> SignedDuration {
        SignedDuration::from_hours(h)
    }

    #[test]
    fn pause_over_a_holiday_then_an_urgent_priority() {
        let cal = Calendar::turkey_2026_2027();
        let log = [
            received("2026-10-27T06:00:00Z"), // Tuesday 09:00 Istanbul
            ev("2026-10-27T07:00:00Z", EventKind::Responded), // 10:00
            paused("2026-10-27T09:00:00Z"),   // 12:00
            // Friday 30th 10:00: Tuesday 12–18, the half day of the 28th
            // (09–13) and Friday 09–10 paused; the 29th is a holiday
            ev("2026-10-30T07:00:00Z", EventKind::Resumed),
            // Friday 11:00: 4 business hours used, urgent: 6 hours in all
            ev(
                "2026-10-30T08:00:00Z",
                EventKind::PriorityChanged {
                    priority: Priority::Urgent,
                },
            ),
        ];
        // Friday 14:00
        let s = sla_state(&log, &policy(), &cal, ts("2026-10-30T11:00:00Z"), &[50, 75]).unwrap();
        assert_eq!(s.status, ComplaintStatus::Open);
        assert_eq!(s.priority, Priority::Urgent);

        let f = &s.first_response;
        assert_eq!(
            (f.status, f.used, f.met, f.due_at),
            (ClockStatus::Stopped, hours(1), true, None)
        );

        let r = &s.resolution;
        assert_eq!(r.status, ClockStatus::Running);
        assert_eq!(r.target, Some(hours(6)));
        assert_eq!(r.used, hours(7)); // 3 on Tuesday, 4 on Friday
        assert_eq!(r.paused, hours(11));
        assert!(r.breached);
        // the 6th hour ended on Friday at 13:00
        assert_eq!(r.breached_at, Some(ts("2026-10-30T10:00:00Z")));
        assert_eq!(r.due_at, r.breached_at);
        assert_eq!(r.breaches, 1);
        let w: Vec<_> = r.warnings.iter().map(|w| (w.percent, w.at)).collect();
        // 50 % of the new target (3 h) was behind when the priority changed
        assert_eq!(
            w,
            [
                (50, ts("2026-10-30T08:00:00Z")),
                (75, ts("2026-10-30T08:30:00Z"))
            ]
        );

        let u = &s.update;
        assert_eq!(u.status, ClockStatus::Running);
        assert_eq!((u.used, u.paused), (hours(6), hours(11)));
        assert!(!u.breached);
        // 2 hours left from Friday 14:00
        assert_eq!(u.due_at, Some(ts("2026-10-30T13:00:00Z")));
        let w: Vec<_> = u.warnings.iter().map(|w| (w.percent, w.at)).collect();
        assert_eq!(
            w,
            [
                (50, ts("2026-10-30T09:00:00Z")),
                (75, ts("2026-10-30T11:00:00Z"))
            ]
        );

        // a later category change does not judge the answered first
        // response again: fraud has a 1-hour first-response target
        let mut later = log.to_vec();
        later.push(ev(
            "2026-10-30T09:00:00Z",
            EventKind::CategoryChanged {
                category: Some("fraud".into()),
            },
        ));
        let s = sla_state(&later, &policy(), &cal, ts("2026-10-30T11:00:00Z"), &[]).unwrap();
        assert_eq!(s.first_response.target, Some(hours(4)));
        assert!(s.first_response.met && !s.first_response.breached);
        assert_eq!(s.update.target, Some(SignedDuration::from_mins(150)));

        // while paused, nothing runs and nothing is due yet
        let s = sla_state(&log[..3], &policy(), &cal, ts("2026-10-28T08:00:00Z"), &[]).unwrap();
        assert_eq!(s.status, ComplaintStatus::Paused);
        assert_eq!(s.pause_reason.as_deref(), Some("waiting_on_customer"));
        assert_eq!(s.resolution.status, ClockStatus::Paused);
        assert_eq!(s.resolution.due_at, None);
        assert_eq!(s.resolution.paused, hours(8)); // Tuesday 12–18, Wednesday 09–11
    }

    #[test]
    fn reopening_resumes_resolution_and_restarts_updates() {
        let cal = Calendar::turkey_2026_2027();
        let log = [
            received("2026-11-23T06:00:00Z"),                 // Monday 09:00
            ev("2026-11-23T06:30:00Z", EventKind::Responded), // 09:30
            ev("2026-11-23T09:00:00Z", EventKind::Resolved),  // 12:00
            ev("2026-11-24T06:00:00Z", EventKind::Reopened),  // Tuesday 09:00
            ev(
                "2026-11-24T06:00:00Z",
                EventKind::CategoryChanged {
                    category: Some("fraud".into()),
                },
            ),
        ];
        let resolved =
            sla_state(&log[..3], &policy(), &cal, ts("2026-11-23T12:00:00Z"), &[]).unwrap();
        assert_eq!(resolved.status, ComplaintStatus::Resolved);
        assert!(
            resolved
                .clocks()
                .iter()
                .all(|c| c.status == ClockStatus::Stopped)
        );
        assert!(resolved.resolution.met && resolved.update.met);
        assert_eq!(resolved.open_complaint("x"), None);

        // Tuesday 11:00
        let s = sla_state(&log, &policy(), &cal, ts("2026-11-24T08:00:00Z"), &[]).unwrap();
        assert_eq!(s.reopened, 1);
        assert_eq!(s.first_response.status, ClockStatus::Stopped);
        let r = &s.resolution;
        assert_eq!((r.status, r.used), (ClockStatus::Running, hours(5)));
        // 13 hours left: Tuesday 11–18, Wednesday 09–15
        assert_eq!(r.due_at, Some(ts("2026-11-25T12:00:00Z")));
        // a new update cycle from the reopening, under the fraud target of 2.5 h
        let u = &s.update;
        assert_eq!(u.used, hours(2));
        assert_eq!(u.due_at, Some(ts("2026-11-24T08:30:00Z")));
        // the first cycle (09:30 to 12:00 on Monday) was within 2.5 h
        assert_eq!(u.breaches, 0);
        let s = sla_state(&log, &policy(), &cal, ts("2026-11-24T09:00:00Z"), &[]).unwrap();
        assert!(s.update.breached);
        assert_eq!(s.update.breached_at, Some(ts("2026-11-24T08:30:00Z")));
        let open = s.open_complaint("x").unwrap();
        assert_eq!(open.category.as_deref(), Some("fraud"));
        assert_eq!(open.first_response_at, Some(ts("2026-11-23T06:30:00Z")));
    }

    #[test]
    fn impossible_logs_name_the_event() {
        let cal = Calendar::turkey_2026_2027();
        let now = ts("2026-11-30T06:00:00Z");
        let err = |log: &[ComplaintEvent]| {
            let e = sla_state(log, &policy(), &cal, now, &[]).unwrap_err();
            assert_eq!(e.code().as_str(), "complaint_invalid_event_log", "{e}");
            e.to_string()
        };
        assert!(err(&[]).contains("empty"));
        let before = err(&[
            received("2026-11-23T06:00:00Z"),
            paused("2026-11-20T06:00:00Z"),
        ]);
        assert!(
            before.contains("event 1 (`paused` at 2026-11-20T06:00:00Z)"),
            "{before}"
        );
        assert!(before.contains("`received` first"), "{before}");
        let twice = err(&[
            received("2026-11-23T06:00:00Z"),
            ev("2026-11-23T07:00:00Z", EventKind::Resolved),
            ev("2026-11-23T08:00:00Z", EventKind::Resolved),
        ]);
        assert!(twice.contains("event 2 (`resolved`"), "{twice}");
        assert!(twice.contains("`reopened` first"), "{twice}");
        let resume = err(&[
            ev("2026-11-23T08:00:00Z", EventKind::Resumed),
            received("2026-11-23T06:00:00Z"),
        ]);
        assert!(resume.contains("event 0 (`resumed`") && resume.contains("a paused complaint"));
        let again = err(&[
            received("2026-11-23T06:00:00Z"),
            received("2026-11-24T06:00:00Z"),
        ]);
        assert!(again.contains("event 1 (`received`"), "{again}");
        let late = err(&[received("2026-12-23T06:00:00Z")]);
        assert!(late.contains("at or before now"), "{late}");
        let e = sla_state(
            &[received("2026-11-23T06:00:00Z")],
            &policy(),
            &cal,
            now,
            &[50, 0],
        )
        .unwrap_err();
        assert_eq!(e.code().as_str(), "invalid_argument");
        // escalations name the complaint too
        let c = OpenComplaint::new("SK-1", "ayse", ts("2026-12-23T06:00:00Z"));
        let e = escalations(&[c], &BTreeMap::new(), &policy(), &cal, now).unwrap_err();
        assert!(e.to_string().contains("complaint \"SK-1\": event 0"), "{e}");
    }

    #[test]
    fn logs_read_from_json_and_toml() {
        let json = r#"{"id": "SK-1", "events": [
            {"at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse", "priority": "high"},
            {"at": "2026-11-23T07:00:00Z", "kind": "paused", "reason": "waiting_on_customer"},
            {"at": "2026-11-23T08:00:00Z", "kind": "resumed"},
            {"at": "2026-11-23T09:00:00Z", "kind": "reassigned", "owner": "mehmet"},
            {"at": "2026-11-23T09:00:00Z", "kind": "category_changed", "category": "fraud"}
        ]}"#;
        let log: ComplaintLog = serde_json::from_str(json).unwrap();
        let toml_text = r#"
            id = "SK-1"
            [[events]]
            at = "2026-11-23T06:00:00Z"
            kind = "received"
            owner = "ayse"
            priority = "high"
            [[events]]
            at = "2026-11-23T07:00:00Z"
            kind = "paused"
            reason = "waiting_on_customer"
            [[events]]
            at = "2026-11-23T08:00:00Z"
            kind = "resumed"
            [[events]]
            at = "2026-11-23T09:00:00Z"
            kind = "reassigned"
            owner = "mehmet"
            [[events]]
            at = "2026-11-23T09:00:00Z"
            kind = "category_changed"
            category = "fraud"
        "#;
        let from_toml: ComplaintLog = toml::from_str(toml_text).unwrap();
        assert_eq!(log, from_toml);
        let back: ComplaintLog =
            serde_json::from_str(&serde_json::to_string(&log).unwrap()).unwrap();
        assert_eq!(back, log);
        assert!(
            serde_json::from_str::<ComplaintEvent>(
                r#"{"at": "2026-11-23T06:00:00Z", "kind": "escalated"}"#
            )
            .is_err()
        );
        let s = sla_state(
            &log.events,
            &policy(),
            &Calendar::turkey_2026_2027(),
            ts("2026-11-23T10:00:00Z"),
            &[],
        )
        .unwrap();
        assert_eq!(
            (s.owner.as_str(), s.category.as_deref()),
            ("mehmet", Some("fraud"))
        );
        assert_eq!(s.first_response.used, hours(3));
        assert_eq!(s.first_response.paused, hours(1));
        let out = serde_json::to_value(&s).unwrap();
        assert_eq!(out["resolution"]["used_hours"], 3.0);
        assert_eq!(out["status"], "open");
    }

    #[test]
    fn the_shipped_example_log() {
        let log: ComplaintLog =
            serde_json::from_str(include_str!("../../../examples/sla/complaint-log.json")).unwrap();
        let policy =
            SlaPolicy::from_toml(include_str!("../../../examples/sla/policy.toml")).unwrap();
        // Wednesday 12:00 Istanbul
        let now = ts("2026-11-25T09:00:00Z");
        let s = sla_state(
            &log.events,
            &policy,
            &Calendar::turkey_2026_2027(),
            now,
            &[50, 75, 90],
        )
        .unwrap();
        let r = &s.resolution;
        // Monday 09:30–11:05, then Tuesday 14:00–18:00 and Wednesday 09:00–12:00
        assert_eq!(r.used, SignedDuration::from_mins(95 + 7 * 60));
        // Monday 11:05–18:00 and Tuesday 09:00–14:00 waiting on the customer
        assert_eq!(r.paused, SignedDuration::from_mins(6 * 60 + 55 + 5 * 60));
        // high priority: 16 h, 7 h 25 min left: Wednesday 12–18, Thursday 09:00–10:25
        assert_eq!(r.due_at, Some(ts("2026-11-26T07:25:00Z")));
        assert_eq!((s.owner.as_str(), s.priority), ("mehmet", Priority::High));
    }

    // ---- properties ----

    #[derive(Debug, Clone)]
    struct Step {
        gap_minutes: u32,
        pick: u8,
        value: u8,
    }

    fn step() -> impl Strategy<Value = Step> {
        (
            prop_oneof![Just(0u32), 0u32..600, 0u32..6000],
            any::<u8>(),
            any::<u8>(),
        )
            .prop_map(|(gap_minutes, pick, value)| Step {
                gap_minutes,
                pick,
                value,
            })
    }

    /// A valid log from random steps, its pauses (start, end) and a `now`
    /// at or after its last event.
    fn build(
        start: i64,
        steps: &[Step],
        tail: u32,
    ) -> (
        Vec<ComplaintEvent>,
        Vec<(Timestamp, Timestamp, String)>,
        Timestamp,
    ) {
        #[derive(PartialEq)]
        enum S {
            Open,
            Paused,
            Resolved,
        }
        let mut t = Timestamp::from_second(start).unwrap();
        let mut log = vec![ComplaintEvent::new(
            t,
            EventKind::Received {
                owner: "a".into(),
                category: None,
                priority: Priority::Normal,
            },
        )];
        let mut state = S::Open;
        let mut pauses = Vec::new();
        let mut pause: Option<(Timestamp, String)> = None;
        let mut last_change = None;
        for s in steps {
            t = t
                .checked_add(SignedDuration::from_mins(i64::from(s.gap_minutes)))
                .unwrap();
            let v = s.value;
            let changes = [
                EventKind::Responded,
                EventKind::PriorityChanged {
                    priority: [
                        Priority::Low,
                        Priority::Normal,
                        Priority::High,
                        Priority::Urgent,
                    ][usize::from(v % 4)],
                },
                EventKind::CategoryChanged {
                    category: [None, Some("fraud".to_string()), Some("billing".to_string())]
                        [usize::from(v % 3)]
                    .clone(),
                },
                EventKind::Reassigned {
                    owner: ["a", "b"][usize::from(v % 2)].into(),
                },
            ];
            let mut options: Vec<EventKind> = changes.to_vec();
            match state {
                S::Open => {
                    options.push(EventKind::Paused {
                        reason: ["waiting_on_customer", "third_party"][usize::from(v % 2)].into(),
                    });
                    options.push(EventKind::Resolved);
                }
                S::Paused => {
                    options.push(EventKind::Resumed);
                    options.push(EventKind::Resolved);
                }
                S::Resolved => options.push(EventKind::Reopened),
            }
            let kind = options[usize::from(s.pick) % options.len()].clone();
            let status_change = matches!(
                kind,
                EventKind::Paused { .. }
                    | EventKind::Resumed
                    | EventKind::Resolved
                    | EventKind::Reopened
            );
            if status_change {
                // simultaneous status changes are a set, not a sequence:
                // keep the intended pauses unambiguous
                if last_change == Some(t) {
                    t = t.checked_add(SignedDuration::from_mins(1)).unwrap();
                }
                last_change = Some(t);
            }
            match &kind {
                EventKind::Paused { reason } => {
                    state = S::Paused;
                    pause = Some((t, reason.clone()));
                }
                EventKind::Resumed | EventKind::Resolved => {
                    if let Some((p, reason)) = pause.take() {
                        pauses.push((p, t, reason));
                    }
                    state = if kind == EventKind::Resumed {
                        S::Open
                    } else {
                        S::Resolved
                    };
                }
                EventKind::Reopened => state = S::Open,
                _ => {}
            }
            log.push(ComplaintEvent::new(t, kind));
        }
        let now = t
            .checked_add(SignedDuration::from_mins(i64::from(tail)))
            .unwrap();
        if let Some((p, reason)) = pause {
            pauses.push((p, now, reason));
        }
        (log, pauses, now)
    }

    fn berlin_calendar() -> Calendar {
        Calendar::from_toml(
            r#"
            name = "Berlin, Monday to Saturday"
            time_zone = "Europe/Berlin"
            [working_hours]
            mon = ["08:00-12:00", "13:00-17:00"]
            tue = ["08:00-12:00", "13:00-17:00"]
            wed = ["08:00-12:00", "13:00-17:00"]
            thu = ["08:00-12:00", "13:00-17:00"]
            fri = ["08:00-12:00", "13:00-17:00"]
            sat = ["02:00-04:00"]
            [[holidays]]
            date = "2026-12-24"
            name = "Heiligabend"
            half_day_until = "12:00"
            "#,
        )
        .unwrap()
    }

    const WARN: [u32; 3] = [50, 75, 100];
    // 2026-01-01 to 2027-06-01
    const FROM: i64 = 1_767_225_600;
    const TO: i64 = 1_811_808_000;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn splitting_a_pause_changes_nothing(
            start in FROM..TO, steps in prop::collection::vec(step(), 1..20),
            tail in 0u32..3000, which in any::<usize>(), at in 0.0f64..=1.0,
        ) {
            let cal = Calendar::turkey_2026_2027();
            let (log, pauses, now) = build(start, &steps, tail);
            let whole = sla_state(&log, &policy(), &cal, now, &WARN).unwrap();
            if pauses.is_empty() {
                return Ok(());
            }
            let (p, r, reason) = &pauses[which % pauses.len()];
            let span = r.duration_since(*p).as_secs();
            let m = p.checked_add(SignedDuration::from_secs((span as f64 * at) as i64)).unwrap();
            let mut split = log.clone();
            split.push(ComplaintEvent::new(m, EventKind::Resumed));
            split.push(ComplaintEvent::new(m, EventKind::Paused { reason: reason.clone() }));
            prop_assert_eq!(sla_state(&split, &policy(), &cal, now, &WARN).unwrap(), whole);
        }

        #[test]
        fn the_order_of_the_log_does_not_matter(
            start in FROM..TO, steps in prop::collection::vec(step(), 1..20),
            tail in 0u32..3000, perm in prop::collection::vec(any::<u32>(), 20),
        ) {
            let cal = Calendar::turkey_2026_2027();
            let (log, _, now) = build(start, &steps, tail);
            let whole = sla_state(&log, &policy(), &cal, now, &WARN).unwrap();
            let mut shuffled: Vec<(u32, ComplaintEvent)> = log
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, e)| (perm[i % perm.len()].wrapping_mul(i as u32 + 1), e))
                .collect();
            shuffled.sort_by_key(|(k, _)| *k);
            let shuffled: Vec<_> = shuffled.into_iter().map(|(_, e)| e).collect();
            prop_assert_eq!(sla_state(&shuffled, &policy(), &cal, now, &WARN).unwrap(), whole);
        }

        #[test]
        fn business_time_never_exceeds_wall_time(
            start in FROM..TO, steps in prop::collection::vec(step(), 1..20), tail in 0u32..3000,
            berlin in any::<bool>(),
        ) {
            // any calendar: Türkiye's, or one with DST changes, a lunch
            // break and Saturdays
            let cal = if berlin { berlin_calendar() } else { Calendar::turkey_2026_2027() };
            let (log, _, now) = build(start, &steps, tail);
            let s = sla_state(&log, &policy(), &cal, now, &WARN).unwrap();
            let wall = now.duration_since(s.received_at);
            let business = cal.business_time_between(s.received_at, now).unwrap();
            for c in s.clocks() {
                prop_assert!(c.used >= SignedDuration::ZERO && c.paused >= SignedDuration::ZERO);
                prop_assert!(c.used + c.paused <= business, "{:?}", c);
                prop_assert!(business <= wall);
                prop_assert_eq!(c.breached, c.breached_at.is_some());
                if let (Some(due), Some(t)) = (c.due_at, c.target) {
                    // the due time is where the target is reached
                    prop_assert!(c.used < t || due <= now);
                }
            }
            let r = &s.resolution;
            if !log.iter().any(|e| matches!(e.kind, EventKind::Resolved)) {
                // never resolved: every business hour was either used or paused
                prop_assert_eq!(r.used + r.paused, business);
            }
        }

        #[test]
        fn priority_and_category_changes_keep_the_time_spent(
            start in FROM..TO, steps in prop::collection::vec(step(), 1..20), tail in 0u32..3000,
        ) {
            let cal = Calendar::turkey_2026_2027();
            let (log, _, now) = build(start, &steps, tail);
            let with = sla_state(&log, &policy(), &cal, now, &WARN).unwrap();
            let without: Vec<_> = log
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::PriorityChanged { .. } | EventKind::CategoryChanged { .. }))
                .cloned()
                .collect();
            let without = sla_state(&without, &policy(), &cal, now, &WARN).unwrap();
            for (a, b) in with.clocks().into_iter().zip(without.clocks()) {
                prop_assert_eq!((a.status, a.used, a.paused), (b.status, b.used, b.paused));
                if let (Some(due), Some(t)) = (a.due_at, a.target)
                    && a.status == ClockStatus::Running
                    && a.used < t
                {
                    // the time left under the current target runs from now
                    prop_assert_eq!(cal.business_time_between(now, due).unwrap(), t - a.used);
                }
            }
        }

        #[test]
        fn without_pauses_or_changes_agrees_with_open_complaints(
            start in FROM..TO, first in prop::option::of(0i64..6000), update in prop::option::of(0i64..6000),
            tail in 0i64..6000, priority in 0usize..4, fraud in any::<bool>(),
        ) {
            let cal = Calendar::turkey_2026_2027();
            let policy = policy();
            let received = Timestamp::from_second(start).unwrap();
            let mins = |t: Timestamp, m: i64| t.checked_add(SignedDuration::from_mins(m)).unwrap();
            let mut c = OpenComplaint::new("x", "a", received);
            c.priority = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent][priority];
            c.category = fraud.then(|| "fraud".to_string());
            c.first_response_at = first.map(|m| mins(received, m));
            c.last_update_at = c.first_response_at.zip(update).map(|(f, m)| mins(f, m));
            let now = mins(c.last_update_at.or(c.first_response_at).unwrap_or(received), tail);
            // the formulas for a complaint that never paused nor changed
            let t = policy.targets(c.category.as_deref(), c.priority);
            let update_start = c.last_update_at.or(c.first_response_at);
            let started = [
                (t.first_response_hours, c.first_response_at.is_none().then_some(received)),
                (t.update_hours, update_start),
                (t.resolution_hours, Some(received)),
            ];
            let due = |(h, s): (Option<f64>, Option<Timestamp>)| -> Option<Timestamp> {
                Some(cal.add_business_time(s?, SignedDuration::from_secs_f64(h? * 3600.0)).unwrap())
            };
            let expected = DueTimes {
                first_response: due(started[0]),
                update: due(started[1]),
                resolution: due(started[2]),
            };
            prop_assert_eq!(due_times(&c, &policy, &cal).unwrap(), expected);
            let s = sla_state(&c.to_log(), &policy, &cal, now, &[]).unwrap();
            for (clock, (_, started)) in s.clocks().into_iter().zip(started) {
                match started {
                    Some(from) => {
                        prop_assert_eq!(clock.status, ClockStatus::Running);
                        prop_assert_eq!(clock.used, cal.business_time_between(from, now).unwrap());
                    }
                    None => prop_assert_ne!(clock.status, ClockStatus::Running),
                }
            }
            prop_assert_eq!(
                [s.first_response.due_at, s.update.due_at, s.resolution.due_at],
                [expected.first_response, expected.update, expected.resolution]
            );
        }
    }
}
