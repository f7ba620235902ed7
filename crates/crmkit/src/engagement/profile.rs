//! The customer profile: a fold of events whose result does not depend on
//! the order the events arrive in.
//!
//! Every field of a [`Profile`] is one of four kinds of state, each of which
//! gives the same result for any order of the same events:
//!
//! - a **last-writer-wins register**: the value of the event with the latest
//!   time; two events with the same time are ordered by their value, so the
//!   tie-break is deterministic (for consent, a revocation beats a grant; for
//!   a contact point, a permanent failure beats a success);
//! - a **maximum** (a latest time) or a **set**;
//! - a **counter** or a sum (purchase amounts are summed in exact hundredths);
//! - a **time-window log**: the times of recent contacts and SLA breaches,
//!   kept only while they are no more than [`RETENTION`] older than the
//!   latest event time seen. An old event that arrives late is dropped
//!   exactly when time order would have pruned it.
//!
//! [`Profile::merge`] combines two profiles of the same customer folded from
//! disjoint parts of the log (shards) into the profile of the whole log.
//!
//! ```
//! use crmkit::engagement::event::Event;
//! use crmkit::engagement::profile::Profile;
//! use crmkit::engagement::{Channel, Purpose};
//!
//! let log = Event::read_json(r#"
//! {"type": "consent", "customer": "c1", "time": "2026-12-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": false, "source": "iys"}
//! {"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": true, "source": "web_form"}
//! "#).unwrap();
//! let mut p = Profile::new("c1");
//! for e in &log {
//!     p.apply(e);
//! }
//! // the grant arrived last but is older: the revocation stands
//! let consent = p.consent(Channel::Sms, Purpose::Commercial).unwrap();
//! assert!(!consent.granted);
//! assert_eq!(consent.source.as_deref(), Some("iys"));
//!
//! let bytes = p.to_bytes();
//! assert_eq!(Profile::from_bytes(&bytes).unwrap(), p);
//! ```

use super::event::{Channel, Event, EventKind, Metric, Purpose, Recipient, Response};
use crate::contact::outcome::{self, OutcomeClass};
use crate::error::{InputError, Result};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// How long before the latest event time contact and SLA-breach times are
/// kept: 35 days, enough for rolling caps of up to a month.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(35 * 24);

/// The version of the [`Profile::to_bytes`] format.
pub const FORMAT_VERSION: u32 = 1;

/// The source recorded for a consent revoked by an `opt_out` campaign
/// response that carries no source of its own.
pub const OPT_OUT_SOURCE: &str = "campaign_response";

/// The latest consent record for a channel and purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentState {
    /// Granted (`true`) or revoked (`false`).
    pub granted: bool,
    /// When.
    pub time: Timestamp,
    /// Where it was recorded (`iys`, `web_form`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who the consent is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
}

/// The latest decisive delivery outcome (a success or a permanent failure)
/// of a channel's contact point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointState {
    /// `true` after a permanent failure, until a later success.
    pub suppressed: bool,
    /// When the outcome happened.
    pub time: Timestamp,
    /// The outcome's reason code (e.g. `user_unknown`, `delivered`,
    /// `wrong_number`).
    pub reason: String,
}

/// The latest answer to a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignAnswer {
    /// The answer.
    pub response: Response,
    /// The channel it came on.
    pub channel: Channel,
    /// When.
    pub time: Timestamp,
}

/// The latest answer for a survey metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    /// The answer.
    pub value: f64,
    /// When.
    pub time: Timestamp,
    /// Where the survey was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
}

/// What is known of one complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintState {
    /// The latest opening (a reopening counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<Timestamp>,
    /// The latest resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Timestamp>,
    /// The category of the latest event about it.
    pub category: String,
    /// The priority of the latest event about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The time of the event that set `category` and `priority`.
    pub labelled: Timestamp,
}

impl ComplaintState {
    /// Opened and not resolved since: a resolution at or after the latest
    /// opening ends it, whatever order the two arrived in.
    pub fn is_open(&self) -> bool {
        match (self.opened, self.resolved) {
            (Some(o), Some(r)) => r < o,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// Purchases: how many, how much, and when the last one was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purchases {
    /// How many purchase events.
    pub count: u64,
    /// The sum of amounts in hundredths, per currency (`""` when none was
    /// given); exact, so any order of events gives the same sum.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub total_hundredths: BTreeMap<String, i64>,
    /// The latest purchase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Timestamp>,
}

impl Purchases {
    /// The total in `currency` (`""` for amounts given without one), in
    /// currency units.
    pub fn total(&self, currency: &str) -> f64 {
        self.total_hundredths.get(currency).copied().unwrap_or(0) as f64 / 100.0
    }
}

/// The profile of one customer; see the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    customer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    latest: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    consents: BTreeMap<Channel, BTreeMap<Purpose, ConsentState>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    contacts: BTreeMap<Channel, Vec<Timestamp>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    last_contact: BTreeMap<Channel, Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    last_positive: BTreeMap<Channel, Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    points: BTreeMap<Channel, PointState>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    complaints: BTreeMap<String, ComplaintState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_resolution: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sla_breaches: Vec<Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    answers: BTreeMap<Metric, SurveyAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_detractor: Option<Timestamp>,
    #[serde(default)]
    purchases: Purchases,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    campaigns: BTreeMap<String, CampaignAnswer>,
}

/// A last-writer-wins value: `outranks` orders by time first, then by the
/// value itself, so the winner does not depend on arrival order.
trait Register {
    fn outranks(&self, other: &Self) -> bool;
}

impl Register for ConsentState {
    fn outranks(&self, o: &Self) -> bool {
        // at the same time a revocation wins
        (self.time, !self.granted, &self.source, self.recipient)
            > (o.time, !o.granted, &o.source, o.recipient)
    }
}

impl Register for PointState {
    fn outranks(&self, o: &Self) -> bool {
        (self.time, self.suppressed, &self.reason) > (o.time, o.suppressed, &o.reason)
    }
}

impl Register for CampaignAnswer {
    fn outranks(&self, o: &Self) -> bool {
        (self.time, self.response, self.channel) > (o.time, o.response, o.channel)
    }
}

impl Register for SurveyAnswer {
    fn outranks(&self, o: &Self) -> bool {
        self.time
            .cmp(&o.time)
            .then(self.value.total_cmp(&o.value))
            .then(self.touchpoint.cmp(&o.touchpoint))
            .is_gt()
    }
}

fn put<K: Ord, T: Register>(map: &mut BTreeMap<K, T>, key: K, value: T) {
    match map.entry(key) {
        Entry::Vacant(e) => {
            e.insert(value);
        }
        Entry::Occupied(mut e) => {
            if value.outranks(e.get()) {
                e.insert(value);
            }
        }
    }
}

fn max_time(slot: &mut Option<Timestamp>, t: Timestamp) {
    if slot.is_none_or(|s| t > s) {
        *slot = Some(t);
    }
}

fn max_at<K: Ord>(map: &mut BTreeMap<K, Timestamp>, key: K, t: Timestamp) {
    let slot = map.entry(key).or_insert(t);
    if t > *slot {
        *slot = t;
    }
}

fn insert_sorted(log: &mut Vec<Timestamp>, t: Timestamp) {
    let at = log.partition_point(|&x| x <= t);
    log.insert(at, t);
}

fn prune(log: &mut Vec<Timestamp>, cutoff: Timestamp) {
    let drop = log.partition_point(|&x| x < cutoff);
    log.drain(..drop);
}

fn label_outranks(a: (Timestamp, &str, Option<&str>), b: (Timestamp, &str, Option<&str>)) -> bool {
    a > b
}

/// Classifies a call disposition (`answered`, `busy`, `no_answer`,
/// `wrong_number`, `not_in_service`…, English or Turkish) into a class and
/// a reason code.
pub fn classify_call(text: &str) -> (OutcomeClass, &'static str) {
    let folded = crate::text::fold_ascii(&crate::text::lowercase(
        text.trim(),
        crate::text::CaseRules::Turkish,
    ));
    let key: String = folded
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let has = |words: &[&str]| words.iter().any(|w| key.contains(w));
    if has(&[
        "wrong_number",
        "yanlis_numara",
        "invalid_number",
        "not_in_service",
        "kullanilmiyor",
        "unallocated",
        "does_not_exist",
        "disconnected",
        "gecersiz_numara",
    ]) {
        (OutcomeClass::Permanent, "wrong_number")
    } else if has(&["busy", "mesgul", "no_answer", "cevap_yok", "yanit_yok"]) {
        (OutcomeClass::Transient, "no_answer")
    } else if has(&[
        "unreachable",
        "ulasilamadi",
        "switched_off",
        "kapali",
        "voicemail",
        "sesli_mesaj",
    ]) {
        (OutcomeClass::Transient, "unreachable")
    } else if has(&[
        "answered",
        "connected",
        "completed",
        "reached",
        "ulasildi",
        "gorusuldu",
        "cevaplandi",
    ]) {
        (OutcomeClass::Success, "answered")
    } else {
        (OutcomeClass::Unknown, "unrecognized")
    }
}

fn classify_outcome(text: &str, channel: Channel) -> (OutcomeClass, &'static str) {
    match channel {
        Channel::Call => classify_call(text),
        Channel::Sms => {
            let o = outcome::classify(text, outcome::Channel::Sms);
            (o.class, o.reason.as_str())
        }
        Channel::Email => {
            let o = outcome::classify(text, outcome::Channel::Email);
            (o.class, o.reason.as_str())
        }
    }
}

impl Profile {
    /// An empty profile for `customer`.
    pub fn new(customer: impl Into<String>) -> Profile {
        Profile {
            customer: customer.into(),
            ..Profile::default()
        }
    }

    /// Folds one event into the profile. The caller routes events by
    /// customer: the event's `customer` is not checked. Identity events
    /// (`merged`, `split`) change which profiles make up a customer, not a
    /// profile: they are left to the [`Store`](super::Store) and change
    /// nothing here.
    pub fn apply(&mut self, event: &Event) {
        if event.kind.is_identity() {
            return;
        }
        let t = event.time;
        if self.latest.is_none_or(|l| t > l) {
            self.latest = Some(t);
            self.prune();
        }
        match &event.kind {
            EventKind::Consent {
                channel,
                purpose,
                granted,
                recipient,
            } => put(
                self.consents.entry(*channel).or_default(),
                *purpose,
                ConsentState {
                    granted: *granted,
                    time: t,
                    source: event.source.clone(),
                    recipient: *recipient,
                },
            ),
            EventKind::CampaignResponse {
                campaign,
                channel,
                response,
            } => {
                put(
                    &mut self.campaigns,
                    campaign.clone(),
                    CampaignAnswer {
                        response: *response,
                        channel: *channel,
                        time: t,
                    },
                );
                match response {
                    Response::Positive => max_at(&mut self.last_positive, *channel, t),
                    Response::OptOut => put(
                        self.consents.entry(*channel).or_default(),
                        Purpose::Commercial,
                        ConsentState {
                            granted: false,
                            time: t,
                            source: Some(
                                event
                                    .source
                                    .clone()
                                    .unwrap_or_else(|| OPT_OUT_SOURCE.to_owned()),
                            ),
                            recipient: None,
                        },
                    ),
                    Response::Negative => {}
                }
            }
            EventKind::Contact {
                channel, outcome, ..
            } => {
                if t >= self.cutoff() {
                    insert_sorted(self.contacts.entry(*channel).or_default(), t);
                }
                max_at(&mut self.last_contact, *channel, t);
                if let Some(text) = outcome {
                    let (class, reason) = classify_outcome(text, *channel);
                    if matches!(class, OutcomeClass::Success | OutcomeClass::Permanent) {
                        put(
                            &mut self.points,
                            *channel,
                            PointState {
                                suppressed: class == OutcomeClass::Permanent,
                                time: t,
                                reason: reason.to_owned(),
                            },
                        );
                    }
                }
            }
            EventKind::Survey {
                metric,
                value,
                touchpoint,
            } => {
                put(
                    &mut self.answers,
                    *metric,
                    SurveyAnswer {
                        value: *value,
                        time: t,
                        touchpoint: touchpoint.clone(),
                    },
                );
                if *metric == Metric::Nps && *value <= 6.0 {
                    max_time(&mut self.last_detractor, t);
                }
            }
            EventKind::ComplaintOpened {
                complaint,
                category,
                priority,
            } => {
                let c = self.complaint(complaint, t, category, priority.as_deref());
                max_time(&mut c.opened, t);
            }
            EventKind::ComplaintResolved {
                complaint,
                category,
                priority,
            } => {
                let c = self.complaint(complaint, t, category, priority.as_deref());
                max_time(&mut c.resolved, t);
                max_time(&mut self.last_resolution, t);
            }
            EventKind::SlaBreached {
                complaint,
                category,
                priority,
            } => {
                self.complaint(complaint, t, category, priority.as_deref());
                if t >= self.cutoff() {
                    insert_sorted(&mut self.sla_breaches, t);
                }
            }
            EventKind::Purchase {
                amount, currency, ..
            } => {
                self.purchases.count = self.purchases.count.saturating_add(1);
                let hundredths = (amount * 100.0).round() as i64;
                let total = self
                    .purchases
                    .total_hundredths
                    .entry(currency.clone().unwrap_or_default())
                    .or_insert(0);
                *total = total.saturating_add(hundredths);
                max_time(&mut self.purchases.last, t);
            }
            EventKind::Merged { .. } | EventKind::Split { .. } => {}
        }
    }

    /// The complaint `id`, created if new, with its label updated by the
    /// last-writer-wins rule.
    fn complaint(
        &mut self,
        id: &str,
        t: Timestamp,
        category: &str,
        priority: Option<&str>,
    ) -> &mut ComplaintState {
        let c = self
            .complaints
            .entry(id.to_owned())
            .or_insert_with(|| ComplaintState {
                opened: None,
                resolved: None,
                category: category.to_owned(),
                priority: priority.map(str::to_owned),
                labelled: t,
            });
        if label_outranks(
            (t, category, priority),
            (c.labelled, &c.category, c.priority.as_deref()),
        ) {
            c.category = category.to_owned();
            c.priority = priority.map(str::to_owned);
            c.labelled = t;
        }
        c
    }

    fn cutoff(&self) -> Timestamp {
        match self.latest {
            Some(l) => l.saturating_sub(RETENTION).unwrap_or(Timestamp::MIN),
            None => Timestamp::MIN,
        }
    }

    fn prune(&mut self) {
        let cutoff = self.cutoff();
        for log in self.contacts.values_mut() {
            prune(log, cutoff);
        }
        self.contacts.retain(|_, log| !log.is_empty());
        prune(&mut self.sla_breaches, cutoff);
    }

    /// Merges a profile folded from another part of the same customer's
    /// event log: the result equals the fold of both parts together.
    ///
    /// The customer id is kept, or taken from `other` when empty.
    pub fn merge(&mut self, other: &Profile) {
        if self.customer.is_empty() {
            self.customer = other.customer.clone();
        }
        if let Some(l) = other.latest {
            max_time(&mut self.latest, l);
        }
        for (&channel, by_purpose) in &other.consents {
            let mine = self.consents.entry(channel).or_default();
            for (&purpose, c) in by_purpose {
                put(mine, purpose, c.clone());
            }
        }
        for (&channel, log) in &other.contacts {
            let mine = self.contacts.entry(channel).or_default();
            mine.extend_from_slice(log);
            mine.sort_unstable();
        }
        for (&channel, &t) in &other.last_contact {
            max_at(&mut self.last_contact, channel, t);
        }
        for (&channel, &t) in &other.last_positive {
            max_at(&mut self.last_positive, channel, t);
        }
        for (&channel, p) in &other.points {
            put(&mut self.points, channel, p.clone());
        }
        for (id, c) in &other.complaints {
            let mine = self.complaint(id, c.labelled, &c.category, c.priority.as_deref());
            if let Some(o) = c.opened {
                max_time(&mut mine.opened, o);
            }
            if let Some(r) = c.resolved {
                max_time(&mut mine.resolved, r);
            }
        }
        if let Some(r) = other.last_resolution {
            max_time(&mut self.last_resolution, r);
        }
        self.sla_breaches.extend_from_slice(&other.sla_breaches);
        self.sla_breaches.sort_unstable();
        for (&metric, a) in &other.answers {
            put(&mut self.answers, metric, a.clone());
        }
        if let Some(d) = other.last_detractor {
            max_time(&mut self.last_detractor, d);
        }
        self.purchases.count = self.purchases.count.saturating_add(other.purchases.count);
        for (currency, &sum) in &other.purchases.total_hundredths {
            let total = self
                .purchases
                .total_hundredths
                .entry(currency.clone())
                .or_insert(0);
            *total = total.saturating_add(sum);
        }
        if let Some(p) = other.purchases.last {
            max_time(&mut self.purchases.last, p);
        }
        for (campaign, a) in &other.campaigns {
            put(&mut self.campaigns, campaign.clone(), a.clone());
        }
        self.prune();
    }

    /// The customer id.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// The latest event time seen.
    pub fn latest(&self) -> Option<Timestamp> {
        self.latest
    }

    /// The latest consent record for `channel` and `purpose`.
    pub fn consent(&self, channel: Channel, purpose: Purpose) -> Option<&ConsentState> {
        self.consents.get(&channel)?.get(&purpose)
    }

    /// The times of contacts on `channel` no more than [`RETENTION`] before
    /// the latest event, oldest first.
    pub fn contact_times(&self, channel: Channel) -> &[Timestamp] {
        self.contacts.get(&channel).map_or(&[], Vec::as_slice)
    }

    /// The latest contact on `channel`.
    pub fn last_contact(&self, channel: Channel) -> Option<Timestamp> {
        self.last_contact.get(&channel).copied()
    }

    /// The latest positive campaign response on `channel`.
    pub fn last_positive_response(&self, channel: Channel) -> Option<Timestamp> {
        self.last_positive.get(&channel).copied()
    }

    /// The latest decisive delivery outcome of the `channel` point.
    pub fn point(&self, channel: Channel) -> Option<&PointState> {
        self.points.get(&channel)
    }

    /// Whether the `channel` point is suppressed: its latest decisive
    /// outcome is a permanent failure.
    pub fn is_suppressed(&self, channel: Channel) -> bool {
        self.points.get(&channel).is_some_and(|p| p.suppressed)
    }

    /// Every complaint seen, by id.
    pub fn complaints(&self) -> &BTreeMap<String, ComplaintState> {
        &self.complaints
    }

    /// The open complaints: opened and not resolved since.
    pub fn open_complaints(&self) -> impl Iterator<Item = (&str, &ComplaintState)> {
        self.complaints
            .iter()
            .filter(|(_, c)| c.is_open())
            .map(|(id, c)| (id.as_str(), c))
    }

    /// The latest complaint resolution.
    pub fn last_resolution(&self) -> Option<Timestamp> {
        self.last_resolution
    }

    /// The times of SLA breaches no more than [`RETENTION`] before the
    /// latest event, oldest first.
    pub fn sla_breaches(&self) -> &[Timestamp] {
        &self.sla_breaches
    }

    /// The latest answer for `metric`.
    pub fn last_answer(&self, metric: Metric) -> Option<&SurveyAnswer> {
        self.answers.get(&metric)
    }

    /// The time of the latest NPS detractor answer (0–6).
    pub fn last_detractor(&self) -> Option<Timestamp> {
        self.last_detractor
    }

    /// Purchases.
    pub fn purchases(&self) -> &Purchases {
        &self.purchases
    }

    /// The latest answer to `campaign`.
    pub fn campaign_response(&self, campaign: &str) -> Option<&CampaignAnswer> {
        self.campaigns.get(campaign)
    }

    /// Every campaign answered, by campaign id.
    pub fn campaigns(&self) -> &BTreeMap<String, CampaignAnswer> {
        &self.campaigns
    }

    /// The profile as versioned bytes (JSON with a `version` field).
    pub fn to_bytes(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Versioned<'a> {
            version: u32,
            profile: &'a Profile,
        }
        serde_json::to_vec(&Versioned {
            version: FORMAT_VERSION,
            profile: self,
        })
        .unwrap_or_default()
    }

    /// Reads bytes written by [`Profile::to_bytes`]; another version is an
    /// error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Profile> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Versioned {
            #[serde(rename = "version")]
            _version: u32,
            profile: Profile,
        }
        check_version(bytes, "profile")?;
        let v: Versioned = serde_json::from_slice(bytes).map_err(|e| malformed("profile", e))?;
        let mut p = v.profile;
        p.normalize();
        Ok(p)
    }

    /// Restores the invariants of the logs (sorted, pruned) after reading.
    pub(crate) fn normalize(&mut self) {
        for log in self.contacts.values_mut() {
            log.sort_unstable();
        }
        self.sla_breaches.sort_unstable();
        self.prune();
    }
}

pub(crate) fn malformed_at(location: String, message: String) -> crate::Error {
    InputError::Malformed { location, message }.into()
}

pub(crate) fn malformed(what: &str, e: impl std::fmt::Display) -> crate::Error {
    InputError::Malformed {
        location: what.to_owned(),
        message: e.to_string(),
    }
    .into()
}

/// Checks the `version` field of versioned JSON bytes.
pub(crate) fn check_version(bytes: &[u8], what: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct Version {
        version: Option<u32>,
    }
    let v: Version = serde_json::from_slice(bytes).map_err(|e| malformed(what, e))?;
    match v.version {
        Some(FORMAT_VERSION) => Ok(()),
        Some(other) => Err(malformed(
            what,
            format!("version: {other} is not supported; expected {FORMAT_VERSION}"),
        )),
        None => Err(malformed(what, "missing field `version`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn ev(time: &str, kind: EventKind) -> Event {
        Event::new(ts(time), "c1", kind)
    }

    fn contact(time: &str, channel: Channel, outcome: Option<&str>) -> Event {
        ev(
            time,
            EventKind::Contact {
                channel,
                campaign: None,
                outcome: outcome.map(str::to_owned),
            },
        )
    }

    fn fold(events: &[Event]) -> Profile {
        let mut p = Profile::new("c1");
        for e in events {
            p.apply(e);
        }
        p
    }

    #[test]
    fn permanent_failure_suppresses_until_a_later_success() {
        let bounce = contact(
            "2026-12-01T10:00:00Z",
            Channel::Email,
            Some("550 5.1.1 user unknown"),
        );
        let ok = contact("2026-12-02T10:00:00Z", Channel::Email, Some("250 2.0.0 OK"));
        let p = fold(std::slice::from_ref(&bounce));
        assert!(p.is_suppressed(Channel::Email));
        assert_eq!(p.point(Channel::Email).unwrap().reason, "user_unknown");
        assert!(!fold(&[bounce.clone(), ok.clone()]).is_suppressed(Channel::Email));
        assert!(!fold(&[ok, bounce]).is_suppressed(Channel::Email));
        let wrong = contact("2026-12-01T10:00:00Z", Channel::Call, Some("Yanlış numara"));
        assert!(fold(&[wrong]).is_suppressed(Channel::Call));
        let busy = contact("2026-12-01T10:00:00Z", Channel::Call, Some("busy"));
        assert!(fold(&[busy]).point(Channel::Call).is_none());
    }

    #[test]
    fn resolution_ends_a_complaint_whatever_the_arrival_order() {
        let opened = ev(
            "2026-12-01T10:00:00Z",
            EventKind::ComplaintOpened {
                complaint: "K1".into(),
                category: "billing".into(),
                priority: None,
            },
        );
        let resolved = ev(
            "2026-12-03T10:00:00Z",
            EventKind::ComplaintResolved {
                complaint: "K1".into(),
                category: "billing".into(),
                priority: Some("high".into()),
            },
        );
        assert_eq!(
            fold(std::slice::from_ref(&opened))
                .open_complaints()
                .count(),
            1
        );
        for p in [
            fold(&[opened.clone(), resolved.clone()]),
            fold(&[resolved.clone(), opened.clone()]),
        ] {
            assert_eq!(p.open_complaints().count(), 0);
            assert_eq!(p.last_resolution(), Some(ts("2026-12-03T10:00:00Z")));
            assert_eq!(p.complaints()["K1"].priority.as_deref(), Some("high"));
        }
    }

    #[test]
    fn old_contacts_are_pruned_as_in_time_order() {
        let old = contact("2026-10-01T10:00:00Z", Channel::Sms, None);
        let new = contact("2026-12-01T10:00:00Z", Channel::Sms, None);
        let a = fold(&[old.clone(), new.clone()]);
        let b = fold(&[new, old]);
        assert_eq!(a, b);
        assert_eq!(a.contact_times(Channel::Sms).len(), 1);
        assert_eq!(
            a.last_contact(Channel::Sms),
            Some(ts("2026-12-01T10:00:00Z"))
        );
    }

    #[test]
    fn opt_out_revokes_commercial_consent_and_detractor_is_recorded() {
        let p = fold(&[
            ev(
                "2026-12-01T10:00:00Z",
                EventKind::CampaignResponse {
                    campaign: "X".into(),
                    channel: Channel::Sms,
                    response: Response::OptOut,
                },
            ),
            ev(
                "2026-12-01T11:00:00Z",
                EventKind::Survey {
                    metric: Metric::Nps,
                    value: 4.0,
                    touchpoint: None,
                },
            ),
            ev(
                "2026-12-01T12:00:00Z",
                EventKind::Purchase {
                    amount: 0.1,
                    currency: None,
                    product: "p".into(),
                },
            ),
            ev(
                "2026-12-01T12:00:00Z",
                EventKind::Purchase {
                    amount: 0.2,
                    currency: None,
                    product: "p".into(),
                },
            ),
        ]);
        let c = p.consent(Channel::Sms, Purpose::Commercial).unwrap();
        assert!(!c.granted);
        assert_eq!(c.source.as_deref(), Some(OPT_OUT_SOURCE));
        assert_eq!(p.last_detractor(), Some(ts("2026-12-01T11:00:00Z")));
        assert_eq!(p.purchases().count, 2);
        assert_eq!(p.purchases().total(""), 0.3);
        assert_eq!(p.campaign_response("X").unwrap().response, Response::OptOut);
    }

    #[test]
    fn bytes_round_trip_and_version_is_checked() {
        let p = fold(&[contact(
            "2026-12-01T10:00:00Z",
            Channel::Sms,
            Some("stat:DELIVRD"),
        )]);
        assert_eq!(Profile::from_bytes(&p.to_bytes()).unwrap(), p);
        let text = String::from_utf8(p.to_bytes())
            .unwrap()
            .replace("\"version\":1", "\"version\":2");
        let err = Profile::from_bytes(text.as_bytes()).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::MalformedInput);
        assert!(err.to_string().contains("version: 2"), "{err}");
        assert!(Profile::from_bytes(b"{}").is_err());
        assert!(Profile::from_bytes(b"not json").is_err());
    }
}
