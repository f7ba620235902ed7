//! The validity score: how likely a contact point still reaches *this*
//! customer now, why, and what to do next.
//!
//! score = reachable × still alive × still the same owner, built as a product
//! of factors from a versioned [`Policy`]. Each factor is one
//! [`ScoreReason`] with its natural-log weight, the date of the evidence
//! behind it and that evidence's source, so every score explains itself.
//!
//! | evidence | effect |
//! |---|---|
//! | class (free, corporate, role, disposable…; mobile, landline, business line…) | prior |
//! | time since the last success | halves every class half-life (corporate email ≈ 3 years) |
//! | never a success | × 0.8 (ageing then counts from the first sign of the point) |
//! | nothing dates the point at all | × 0.5 |
//! | engagement or inbound contact within 180 days | × 1.1 |
//! | each transient failure since the last success | × 0.9 |
//! | transient failures spanning ≥ 21 days | × 0.5; ≥ 60 days → passivate |
//! | long-term failure (barred, deregistered SIM) | × 0.3 |
//! | permanent failure not revived | × 0.01, capped at 0.01 → suppress, never resend |
//! | permanent failure, later delivered to | × 0.3 → verify (recycled?) |
//! | permanent failure, later an inbound contact from it | × 0.9 |
//! | mobile number silent ≥ 180 days (prepaid or plan unknown) | × 0.7 per 180 days → verify |
//! | shared by n customers | × 1/n |
//!
//! Invalid syntax counts as a permanent failure (`invalid_syntax`, × 0.01). Time is always an argument.
//!
//! ```
//! use crmkit::contact::score::{score, Action, ContactPoint, Evidence, EvidenceKind, Policy, PointClass};
//! use jiff::Timestamp;
//!
//! let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
//! let mut point = ContactPoint::new(PointClass::Corporate);
//! point.evidence.push(Evidence::new("2026-10-01T09:00:00Z".parse().unwrap(), EvidenceKind::Delivered));
//! let s = score(&point, &Policy::default(), now);
//! assert!(s.probability > 0.8);
//! assert_eq!(s.action, Action::Keep);
//!
//! point.evidence.push(Evidence::new("2026-11-01T09:00:00Z".parse().unwrap(), EvidenceKind::Permanent));
//! let s = score(&point, &Policy::default(), now);
//! assert_eq!(s.action, Action::Suppress);
//! assert!(s.probability <= 0.01);
//! assert_eq!(s.reasons[0].code, "permanent_failure");
//! ```

mod policy;

pub use policy::{ClassPolicy, Policy};

use super::outcome::{Channel, Outcome, OutcomeClass};
use jiff::{SignedDuration, Timestamp};
use std::borrow::Cow;

/// The kind of contact point, which sets its prior and half-life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PointClass {
    /// Email at a free provider (gmail.com, hotmail.com.tr, yandex.com.tr…).
    Free,
    /// Email at a company domain.
    Corporate,
    /// Email of a role (info@, destek@, satis@…).
    Role,
    /// Email at a disposable-address provider.
    Disposable,
    /// Email at a school or university.
    Education,
    /// Email at a government domain.
    Government,
    /// Mobile number.
    Mobile,
    /// Landline.
    FixedLine,
    /// VoIP number (0850 in Türkiye).
    Voip,
    /// Toll-free, premium, shared-cost or UAN (444…) line: a company's.
    Business,
    /// Anything else.
    Other,
}

/// One piece of evidence about a contact point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A message was delivered.
    Delivered,
    /// The customer opened, clicked or replied.
    Engaged,
    /// The customer contacted us from this point (a call from the number,
    /// a mail from the address).
    Inbound,
    /// A temporary failure.
    Transient,
    /// A long-term transient failure (barred or deregistered SIM).
    LongTerm,
    /// A permanent failure (hard bounce, unknown subscriber).
    Permanent,
}

/// A dated piece of evidence and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EvidenceKind,
    /// Where it came from (an ESP, an SMS gateway, a call-centre system…).
    #[serde(default)]
    pub source: Option<String>,
}

impl Evidence {
    /// Evidence without a source.
    pub fn new(at: Timestamp, kind: EvidenceKind) -> Evidence {
        Evidence {
            at,
            kind,
            source: None,
        }
    }

    /// The evidence a classified delivery outcome gives, or `None` when the
    /// outcome says nothing about the point (policy blocks, pending reports).
    ///
    /// ```
    /// use crmkit::contact::outcome::classify_email;
    /// use crmkit::contact::score::{Evidence, EvidenceKind};
    /// let at = "2026-11-01T00:00:00Z".parse().unwrap();
    /// let e = Evidence::from_outcome(&classify_email("5.1.1"), at, Some("esp")).unwrap();
    /// assert_eq!(e.kind, EvidenceKind::Permanent);
    /// assert!(Evidence::from_outcome(&classify_email("5.7.1 spam"), at, None).is_none());
    /// ```
    pub fn from_outcome(
        outcome: &Outcome,
        at: Timestamp,
        source: Option<&str>,
    ) -> Option<Evidence> {
        use super::outcome::Reason;
        let kind = match outcome.class {
            OutcomeClass::Success if outcome.reason == Reason::Engaged => EvidenceKind::Engaged,
            OutcomeClass::Success => EvidenceKind::Delivered,
            OutcomeClass::Transient if outcome.long_term => EvidenceKind::LongTerm,
            OutcomeClass::Transient => EvidenceKind::Transient,
            OutcomeClass::Permanent => EvidenceKind::Permanent,
            OutcomeClass::Unknown => return None,
        };
        Some(Evidence {
            at,
            kind,
            source: source.map(str::to_owned),
        })
    }

    fn is_positive(&self) -> bool {
        matches!(
            self.kind,
            EvidenceKind::Delivered | EvidenceKind::Engaged | EvidenceKind::Inbound
        )
    }
}

/// A contact point and everything known about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ContactPoint {
    /// Email or phone (SMS).
    pub channel: Channel,
    /// The class, which sets prior and half-life.
    pub class: PointClass,
    /// Whether the point is syntactically valid; an invalid one is suppressed.
    #[serde(default = "yes")]
    pub syntax_valid: bool,
    /// Whether a mobile line is prepaid; `None` when unknown.
    #[serde(default)]
    pub prepaid: Option<bool>,
    /// When the point was first recorded (the decay anchor until a success).
    #[serde(default)]
    pub first_seen: Option<Timestamp>,
    /// How many customers have this same point (1 when only this one).
    #[serde(default = "one")]
    pub shared_by: u32,
    /// Dated evidence, in any order.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

impl ContactPoint {
    /// A valid point of `class` with no evidence yet; the channel follows the class.
    pub fn new(class: PointClass) -> ContactPoint {
        let channel = match class {
            PointClass::Mobile
            | PointClass::FixedLine
            | PointClass::Voip
            | PointClass::Business => Channel::Sms,
            _ => Channel::Email,
        };
        ContactPoint {
            channel,
            class,
            syntax_valid: true,
            prepaid: None,
            first_seen: None,
            shared_by: 1,
            evidence: Vec::new(),
        }
    }
}

/// Score bands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Below `band_low`.
    VeryLow,
    /// From `band_low`.
    Low,
    /// From `band_medium`.
    Medium,
    /// From `band_high`.
    High,
}

/// What to do with the point next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Use it.
    Keep,
    /// Retry after [`Score::retry_at`].
    Retry,
    /// Ask the customer to confirm it (it may belong to someone else now).
    Verify,
    /// Stop using it until new evidence arrives.
    Passivate,
    /// Never send to it again; only an inbound contact from it revives it.
    Suppress,
}

/// One factor of a score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoreReason {
    /// Stable code, e.g. `"time_since_success"`.
    pub code: Cow<'static, str>,
    /// Natural log of the factor: negative lowers the score.
    pub weight: f64,
    /// Date of the evidence behind it, if any.
    pub evidence_at: Option<Timestamp>,
    /// Source of that evidence, if known.
    pub source: Option<String>,
}

/// A validity score with its explanation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Score {
    /// Probability in [0, 1] that the point reaches its customer now.
    pub probability: f64,
    /// The band of `probability`.
    pub band: Band,
    /// The next action.
    pub action: Action,
    /// When to retry, for [`Action::Retry`].
    pub retry_at: Option<Timestamp>,
    /// The factors, largest |weight| first.
    pub reasons: Vec<ScoreReason>,
    /// The [`Policy::version`] used.
    pub policy_version: String,
}

fn days_between(from: Timestamp, to: Timestamp) -> f64 {
    (to.as_second() - from.as_second()) as f64 / 86_400.0
}

struct Builder {
    p: f64,
    reasons: Vec<ScoreReason>,
}

impl Builder {
    fn factor(&mut self, code: &'static str, factor: f64, evidence: Option<&Evidence>) {
        self.p *= factor;
        self.reasons.push(ScoreReason {
            code: Cow::Borrowed(code),
            weight: factor.ln(),
            evidence_at: evidence.map(|e| e.at),
            source: evidence.and_then(|e| e.source.clone()),
        });
    }
}

/// Scores a contact point at `now` under `policy`. Evidence dated after
/// `now` is ignored (it cannot have been known).
pub fn score(point: &ContactPoint, policy: &Policy, now: Timestamp) -> Score {
    let mut events: Vec<&Evidence> = point.evidence.iter().filter(|e| e.at <= now).collect();
    events.sort_by_key(|e| e.at);
    let class = policy.class(point.class);
    let mut b = Builder {
        p: 1.0,
        reasons: Vec::new(),
    };
    b.factor("class_prior", class.prior, None);

    if !point.syntax_valid {
        b.factor("invalid_syntax", policy.permanent_factor, None);
        return finish(b, policy, Action::Suppress, None, true);
    }

    let last_positive = events.iter().rev().find(|e| e.is_positive()).copied();
    let last_permanent = events
        .iter()
        .rev()
        .find(|e| e.kind == EvidenceKind::Permanent)
        .copied();
    let mut verify = false;
    let mut suppressed = false;

    // permanent failures: suppress unless something positive came after
    if let Some(perm) = last_permanent {
        let after: Vec<&&Evidence> = events
            .iter()
            .filter(|e| e.at > perm.at && e.is_positive())
            .collect();
        if let Some(inbound) = after.iter().find(|e| e.kind == EvidenceKind::Inbound) {
            b.factor(
                "revived_by_inbound",
                policy.revived_by_inbound,
                Some(inbound),
            );
        } else if let Some(delivered) = after.first() {
            b.factor(
                "revived_by_delivery",
                policy.revived_by_delivery,
                Some(delivered),
            );
            verify = true;
        } else {
            b.factor("permanent_failure", policy.permanent_factor, Some(perm));
            suppressed = true;
        }
    }

    // ageing since the last success, or since the point is known to exist
    let dated_from = point
        .first_seen
        .into_iter()
        .chain(events.first().map(|e| e.at))
        .min();
    let anchor = match (last_positive, point.first_seen) {
        (Some(p), Some(first)) => Some(p.at.max(first)),
        (Some(p), None) => Some(p.at),
        (None, _) => dated_from,
    };
    if last_positive.is_none() {
        b.factor("never_confirmed", policy.never_confirmed, None);
    }
    match anchor {
        Some(anchor) => {
            let age = days_between(anchor, now).max(0.0);
            b.factor(
                "time_since_success",
                0.5f64.powf(age / class.half_life_days),
                last_positive,
            );
        }
        None => b.factor("undated", policy.undated_factor, None),
    }
    let last_engaged = events
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EvidenceKind::Engaged | EvidenceKind::Inbound))
        .copied();
    if let Some(e) = last_engaged
        && days_between(e.at, now) <= policy.engaged_days
    {
        b.factor("recent_engagement", policy.engaged_boost, Some(e));
    }

    // failures since the last success
    let since = |e: &&&Evidence| last_positive.is_none_or(|p| e.at > p.at);
    let soft: Vec<&&Evidence> = events
        .iter()
        .filter(since)
        .filter(|e| matches!(e.kind, EvidenceKind::Transient | EvidenceKind::LongTerm))
        .collect();
    let mut passivate = false;
    let mut retry_at = None;
    if let (Some(first), Some(last)) = (soft.first(), soft.last()) {
        let strikes = soft.len() as i32;
        b.factor(
            "soft_failures",
            policy.soft_failure_factor.powi(strikes),
            Some(last),
        );
        let span = days_between(first.at, last.at);
        if span >= policy.persistent_soft_days {
            b.factor(
                "persistent_soft_failures",
                policy.persistent_soft_factor,
                Some(last),
            );
        }
        passivate = span >= policy.passivate_soft_days;
        let long_term = soft.iter().rev().find(|e| e.kind == EvidenceKind::LongTerm);
        if let Some(lt) = long_term {
            b.factor("long_term_failure", policy.long_term_factor, Some(lt));
        }
        let hours = if last.kind == EvidenceKind::LongTerm {
            policy.retry_max_hours
        } else {
            (policy.retry_base_hours * 2f64.powi(strikes - 1)).min(policy.retry_max_hours)
        };
        retry_at = last
            .at
            .checked_add(SignedDuration::from_secs((hours * 3600.0) as i64))
            .ok();
    }

    // a silent mobile line may have been cancelled and given to someone else
    if point.class == PointClass::Mobile
        && point.prepaid != Some(false)
        && let Some(anchor) = anchor
    {
        let silent = days_between(anchor, now);
        if silent >= policy.recycle_risk_days {
            let periods = (silent / policy.recycle_risk_days).floor();
            b.factor(
                "recycled_number_risk",
                policy.recycle_factor.powf(periods),
                last_positive,
            );
            verify = true;
        }
    }

    if point.shared_by > 1 {
        b.factor("shared_point", 1.0 / f64::from(point.shared_by), None);
    }

    let action = if suppressed {
        Action::Suppress
    } else if passivate {
        Action::Passivate
    } else if retry_at.is_some() {
        Action::Retry
    } else if verify {
        Action::Verify
    } else {
        Action::Keep
    };
    finish(b, policy, action, retry_at, suppressed)
}

fn finish(
    mut b: Builder,
    policy: &Policy,
    action: Action,
    retry_at: Option<Timestamp>,
    suppressed: bool,
) -> Score {
    let p = if suppressed {
        b.p.clamp(0.0, policy.suppressed_cap)
    } else {
        b.p.clamp(policy.floor, policy.max_score)
    };
    // a low score alone is a reason to stop or to ask
    let action = match action {
        Action::Keep if p < policy.band_low => Action::Passivate,
        Action::Keep if p < policy.band_medium => Action::Verify,
        other => other,
    };
    b.reasons
        .sort_by(|x, y| y.weight.abs().total_cmp(&x.weight.abs()));
    let band = if p >= policy.band_high {
        Band::High
    } else if p >= policy.band_medium {
        Band::Medium
    } else if p >= policy.band_low {
        Band::Low
    } else {
        Band::VeryLow
    };
    Score {
        probability: p,
        band,
        action,
        retry_at: if action == Action::Retry {
            retry_at
        } else {
            None
        },
        reasons: b.reasons,
        policy_version: policy.version.clone(),
    }
}

/// The contact summary of one customer: the best point per channel and the
/// last successful contact.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomerContact {
    /// Index (into the given points) of the best email, if any scored above the suppressed cap.
    pub best_email: Option<usize>,
    /// Index of the best phone.
    pub best_phone: Option<usize>,
    /// When the customer was last reached or last reached us.
    pub last_contact_at: Option<Timestamp>,
    /// On which channel.
    pub last_contact_channel: Option<Channel>,
}

/// Summarizes a customer's points (with their scores, in the same order).
/// Suppressed points are never "best".
///
/// ```
/// use crmkit::contact::score::*;
/// let now = "2026-11-22T00:00:00Z".parse().unwrap();
/// let mut mail = ContactPoint::new(PointClass::Free);
/// mail.evidence.push(Evidence::new("2026-11-01T00:00:00Z".parse().unwrap(), EvidenceKind::Engaged));
/// let phone = ContactPoint::new(PointClass::Mobile);
/// let points = [mail, phone];
/// let scores: Vec<Score> = points.iter().map(|p| score(p, &Policy::default(), now)).collect();
/// let c = summarize(&points, &scores);
/// assert_eq!((c.best_email, c.best_phone), (Some(0), Some(1)));
/// assert_eq!(c.last_contact_at, Some("2026-11-01T00:00:00Z".parse().unwrap()));
/// ```
pub fn summarize(points: &[ContactPoint], scores: &[Score]) -> CustomerContact {
    let best = |channel: Channel| {
        points
            .iter()
            .zip(scores)
            .enumerate()
            .filter(|(_, (p, s))| p.channel == channel && s.action != Action::Suppress)
            .max_by(|(_, (_, a)), (_, (_, b))| a.probability.total_cmp(&b.probability))
            .map(|(i, _)| i)
    };
    let last = points
        .iter()
        .flat_map(|p| {
            p.evidence
                .iter()
                .filter(|e| e.is_positive())
                .map(move |e| (e.at, p.channel))
        })
        .max_by_key(|(at, _)| *at);
    CustomerContact {
        best_email: best(Channel::Email),
        best_phone: best(Channel::Sms),
        last_contact_at: last.map(|l| l.0),
        last_contact_channel: last.map(|l| l.1),
    }
}

/// Every point of one customer scored at `now` under `policy`, with the
/// customer's [`CustomerContact`] summary (in JSON the summary's fields and
/// `scores` side by side).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomerScores {
    /// The best point per channel and the last contact.
    #[serde(flatten)]
    pub summary: CustomerContact,
    /// One score per point, in the order of the points.
    pub scores: Vec<Score>,
}

/// Scores every point of one customer and summarizes them: [`score`] of each
/// point, then [`summarize`].
///
/// ```
/// use crmkit::contact::score::*;
/// let now = "2026-11-22T00:00:00Z".parse().unwrap();
/// let points = [ContactPoint::new(PointClass::Free), ContactPoint::new(PointClass::Mobile)];
/// let c = score_customer(&points, &Policy::default(), now);
/// assert_eq!(c.scores.len(), 2);
/// assert_eq!((c.summary.best_email, c.summary.best_phone), (Some(0), Some(1)));
/// ```
pub fn score_customer(points: &[ContactPoint], policy: &Policy, now: Timestamp) -> CustomerScores {
    let scores: Vec<Score> = points.iter().map(|p| score(p, policy, now)).collect();
    CustomerScores {
        summary: summarize(points, &scores),
        scores,
    }
}

#[cfg(test)]
mod tests;
