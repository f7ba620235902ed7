//! Contact eligibility: may this customer be contacted now, for this
//! purpose, on this channel (or on which channel), and why.
//!
//! [`decide`] checks every rule of the [`Policy`] and returns every reason
//! that applied, in a stable vocabulary ([`ReasonCode`]). A decision is
//! never a silent allow: an allowed decision carries the reasons that
//! allowed it (`consent_granted` or `consent_not_required`), and with no
//! channel in the request the channels are tried in the policy's order and
//! the reasons that excluded the earlier ones are kept.
//!
//! | reason | denies | when |
//! |---|---|---|
//! | `no_consent` | yes | the purpose needs consent and none is recorded for the channel |
//! | `consent_revoked` | yes | the latest consent record is a revocation (or an opt-out) |
//! | `frequency_cap_day` / `_week` / `_month` | yes | the channel's rolling cap is reached |
//! | `overall_cap_day` / `_week` / `_month` | yes | the cap across channels is reached |
//! | `quiet_hours` | yes | local time is within quiet hours for the channel and purpose |
//! | `open_complaint_cooling_off` | yes | a complaint is open |
//! | `complaint_cooling_off` | yes | a complaint was resolved less than the cooling-off period ago |
//! | `recent_detractor` | yes | an NPS detractor answer is less than the cooling-off period old |
//! | `already_responded_to_campaign` | yes | the customer answered the requested campaign |
//! | `point_suppressed` | yes | the channel's contact point failed permanently |
//! | `unknown_time_zone` | yes | the time zone is not an IANA zone |
//! | `no_channel` | yes | no channel was requested and the policy orders none |
//! | `consent_granted` | no | the purpose needs consent and it is granted |
//! | `consent_not_required` | no | the purpose needs no consent |

use super::event::{Channel, Purpose, vocabulary};
use super::policy::{Limits, Policy};
use super::profile::Profile;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A request to contact a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The campaign, if the contact is for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// The channel; `None` asks for the best channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Why.
    pub purpose: Purpose,
    /// The customer's IANA time zone; `None` takes the policy's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

impl Request {
    /// A request for `purpose` on the best channel, in the policy's zone.
    pub fn new(purpose: Purpose) -> Request {
        Request {
            campaign: None,
            channel: None,
            purpose,
            time_zone: None,
        }
    }

    /// The same request on `channel`.
    pub fn on(mut self, channel: Channel) -> Request {
        self.channel = Some(channel);
        self
    }

    /// The same request for `campaign`.
    pub fn for_campaign(mut self, campaign: impl Into<String>) -> Request {
        self.campaign = Some(campaign.into());
        self
    }

    /// The same request in the IANA time zone `zone`.
    pub fn in_zone(mut self, zone: impl Into<String>) -> Request {
        self.time_zone = Some(zone.into());
        self
    }
}

vocabulary! {
    /// Why a decision went the way it did; a stable code.
    ReasonCode, "reason" {
        /// The purpose needs consent and none is recorded.
        NoConsent => "no_consent",
        /// The latest consent record is a revocation.
        ConsentRevoked => "consent_revoked",
        /// The channel's 24-hour cap is reached.
        FrequencyCapDay => "frequency_cap_day",
        /// The channel's 7-day cap is reached.
        FrequencyCapWeek => "frequency_cap_week",
        /// The channel's 30-day cap is reached.
        FrequencyCapMonth => "frequency_cap_month",
        /// The 24-hour cap across channels is reached.
        OverallCapDay => "overall_cap_day",
        /// The 7-day cap across channels is reached.
        OverallCapWeek => "overall_cap_week",
        /// The 30-day cap across channels is reached.
        OverallCapMonth => "overall_cap_month",
        /// Local time is within quiet hours.
        QuietHours => "quiet_hours",
        /// A complaint is open.
        OpenComplaintCoolingOff => "open_complaint_cooling_off",
        /// A complaint was resolved recently.
        ComplaintCoolingOff => "complaint_cooling_off",
        /// A recent NPS detractor answer.
        RecentDetractor => "recent_detractor",
        /// The customer already answered this campaign.
        AlreadyRespondedToCampaign => "already_responded_to_campaign",
        /// The channel's contact point failed permanently.
        PointSuppressed => "point_suppressed",
        /// The time zone is unknown, so quiet hours cannot be checked.
        UnknownTimeZone => "unknown_time_zone",
        /// No channel to try.
        NoChannel => "no_channel",
        /// Consent is needed and granted.
        ConsentGranted => "consent_granted",
        /// The purpose needs no consent.
        ConsentNotRequired => "consent_not_required",
    }
}

impl ReasonCode {
    /// Whether this reason denies the contact.
    pub fn denies(self) -> bool {
        !matches!(
            self,
            ReasonCode::ConsentGranted | ReasonCode::ConsentNotRequired
        )
    }
}

/// One reason of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The code.
    pub code: ReasonCode,
    /// The channel it is about; `None` for reasons about the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When the reason stops applying, where that is known (the end of
    /// quiet hours, of a cooling-off period, of a cap window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
}

/// The answer of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Whether the contact may be made.
    pub allowed: bool,
    /// The channel: the one allowed, or the one requested.
    pub channel: Option<Channel>,
    /// Every reason that applied, customer reasons first, then channel
    /// reasons in the order the channels were tried.
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// Whether a reason with `code` applied.
    pub fn has(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }

    /// The codes of the reasons, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.reasons.iter().map(|r| r.code.as_str()).collect()
    }
}

const DAY: SignedDuration = SignedDuration::from_hours(24);
const WEEK: SignedDuration = SignedDuration::from_hours(7 * 24);
const MONTH: SignedDuration = SignedDuration::from_hours(30 * 24);

fn plus(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.saturating_add(d).unwrap_or(Timestamp::MAX)
}

fn days(n: u32) -> SignedDuration {
    SignedDuration::from_hours(i64::from(n) * 24)
}

/// The cap reasons for contact `times` (sorted) under `limits`.
fn caps(
    times: &[Timestamp],
    limits: &Limits,
    now: Timestamp,
    codes: [ReasonCode; 3],
    channel: Option<Channel>,
    out: &mut Vec<Reason>,
) {
    let windows = [
        (limits.day, DAY, codes[0]),
        (limits.week, WEEK, codes[1]),
        (limits.month, MONTH, codes[2]),
    ];
    for (cap, window, code) in windows {
        let Some(cap) = cap else { continue };
        let start = now.saturating_sub(window).unwrap_or(Timestamp::MIN);
        let within = &times[times.partition_point(|&t| t <= start)..];
        let cap = cap as usize;
        if within.len() >= cap {
            // the count falls below the cap when this contact leaves the window
            let until = within.get(within.len() - cap).map(|&t| plus(t, window));
            out.push(Reason {
                code,
                channel,
                until,
            });
        }
    }
}

/// Decides whether `profile` may be contacted at `now` under `policy`; see
/// the [module documentation](self).
///
/// ```
/// use crmkit::engagement::decide::{decide, ReasonCode, Request};
/// use crmkit::engagement::event::{Event, EventKind};
/// use crmkit::engagement::{Channel, Policy, Profile, Purpose};
///
/// let mut p = Profile::new("c1");
/// let granted = |channel| EventKind::Consent { channel, purpose: Purpose::Commercial, granted: true, recipient: None };
/// p.apply(&Event::new("2026-11-01T10:00:00Z".parse().unwrap(), "c1", granted(Channel::Sms)));
/// p.apply(&Event::new("2026-11-01T10:00:00Z".parse().unwrap(), "c1", granted(Channel::Call)));
///
/// // 11:00 in Istanbul, best channel: no consent for email, so SMS
/// let now = "2026-12-01T08:00:00Z".parse().unwrap();
/// let d = decide(&p, &Request::new(Purpose::Commercial), &Policy::default(), now);
/// assert!(d.allowed);
/// assert_eq!(d.channel, Some(Channel::Sms));
/// assert_eq!(d.codes(), ["no_consent", "consent_granted"]);
///
/// // 22:00 in Istanbul: quiet hours for calls and SMS
/// let late = "2026-12-01T19:00:00Z".parse().unwrap();
/// let d = decide(&p, &Request::new(Purpose::Commercial).on(Channel::Call), &Policy::default(), late);
/// assert!(!d.allowed);
/// assert!(d.has(ReasonCode::QuietHours));
/// assert_eq!(d.reasons[1].until.unwrap().to_string(), "2026-12-02T06:00:00Z");
/// ```
pub fn decide(profile: &Profile, request: &Request, policy: &Policy, now: Timestamp) -> Decision {
    let purpose = request.purpose;
    let mut reasons = Vec::new();
    if let Some(campaign) = &request.campaign
        && profile.campaign_response(campaign).is_some()
    {
        reasons.push(Reason {
            code: ReasonCode::AlreadyRespondedToCampaign,
            channel: None,
            until: None,
        });
    }
    let cooling = &policy.cooling_off;
    if cooling.purposes.contains(&purpose) {
        if profile.open_complaints().next().is_some() {
            reasons.push(Reason {
                code: ReasonCode::OpenComplaintCoolingOff,
                channel: None,
                until: None,
            });
        }
        if let Some(r) = profile.last_resolution() {
            let until = plus(r, days(cooling.complaint_days));
            if now < until {
                reasons.push(Reason {
                    code: ReasonCode::ComplaintCoolingOff,
                    channel: None,
                    until: Some(until),
                });
            }
        }
        if let Some(d) = profile.last_detractor() {
            let until = plus(d, days(cooling.detractor_days));
            if now < until {
                reasons.push(Reason {
                    code: ReasonCode::RecentDetractor,
                    channel: None,
                    until: Some(until),
                });
            }
        }
    }
    let capped = policy.caps.purposes.contains(&purpose);
    if capped {
        let mut all: Vec<Timestamp> = Channel::ALL
            .iter()
            .flat_map(|&c| profile.contact_times(c).iter().copied())
            .collect();
        all.sort_unstable();
        caps(
            &all,
            &policy.caps.overall,
            now,
            [
                ReasonCode::OverallCapDay,
                ReasonCode::OverallCapWeek,
                ReasonCode::OverallCapMonth,
            ],
            None,
            &mut reasons,
        );
    }
    let zone_name = request.time_zone.as_deref().unwrap_or(&policy.time_zone);
    let zone = TimeZone::get(zone_name).ok();
    if zone.is_none() {
        reasons.push(Reason {
            code: ReasonCode::UnknownTimeZone,
            channel: None,
            until: None,
        });
    }
    let channels: &[Channel] = match &request.channel {
        Some(c) => std::slice::from_ref(c),
        None => &policy.channel_order,
    };
    if channels.is_empty() {
        reasons.push(Reason {
            code: ReasonCode::NoChannel,
            channel: None,
            until: None,
        });
    }
    let customer_denied = reasons.iter().any(|r| r.code.denies());
    let local = zone.as_ref().map(|z| now.to_zoned(z.clone()));
    let mut chosen = None;
    for &channel in channels {
        let before = reasons.len();
        let point = profile.point(channel).filter(|p| p.suppressed);
        if point.is_some() {
            reasons.push(Reason {
                code: ReasonCode::PointSuppressed,
                channel: Some(channel),
                until: None,
            });
        }
        let code = if policy.consent_required.contains(&purpose) {
            match profile.consent(channel, purpose) {
                None => ReasonCode::NoConsent,
                Some(c) if !c.granted => ReasonCode::ConsentRevoked,
                Some(_) => ReasonCode::ConsentGranted,
            }
        } else {
            ReasonCode::ConsentNotRequired
        };
        reasons.push(Reason {
            code,
            channel: Some(channel),
            until: None,
        });
        if capped {
            caps(
                profile.contact_times(channel),
                policy.caps.of(channel),
                now,
                [
                    ReasonCode::FrequencyCapDay,
                    ReasonCode::FrequencyCapWeek,
                    ReasonCode::FrequencyCapMonth,
                ],
                Some(channel),
                &mut reasons,
            );
        }
        if let (Some(local), Some(zone)) = (&local, &zone) {
            let quiet = policy.quiet_hours.iter().find(|q| {
                q.channels.contains(&channel)
                    && q.purposes.contains(&purpose)
                    && q.contains(local.time())
            });
            if let Some(q) = quiet {
                let date = if local.time() < q.end {
                    Some(local.date())
                } else {
                    local.date().tomorrow().ok()
                };
                let until = date
                    .and_then(|d| d.to_datetime(q.end).to_zoned(zone.clone()).ok())
                    .map(|z| z.timestamp());
                reasons.push(Reason {
                    code: ReasonCode::QuietHours,
                    channel: Some(channel),
                    until,
                });
            }
        }
        let denied = reasons[before..].iter().any(|r| r.code.denies());
        if !denied && !customer_denied {
            chosen = Some(channel);
            break;
        }
    }
    Decision {
        allowed: chosen.is_some(),
        channel: chosen.or(request.channel),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engagement::event::{Event, EventKind, Metric, Response};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn profile(events: &[(&str, EventKind)]) -> Profile {
        let mut p = Profile::new("c1");
        for (t, k) in events {
            p.apply(&Event::new(ts(t), "c1", k.clone()));
        }
        p
    }

    fn consent(channel: Channel, granted: bool) -> EventKind {
        EventKind::Consent {
            channel,
            purpose: Purpose::Commercial,
            granted,
            recipient: None,
        }
    }

    fn contact(channel: Channel) -> EventKind {
        EventKind::Contact {
            channel,
            campaign: None,
            outcome: None,
        }
    }

    const NOON: &str = "2026-12-01T09:00:00Z"; // 12:00 in Istanbul

    #[test]
    fn caps_per_channel_and_overall() {
        let p = profile(&[
            ("2026-11-01T10:00:00Z", consent(Channel::Sms, true)),
            ("2026-11-01T10:00:00Z", consent(Channel::Email, true)),
            ("2026-12-01T07:00:00Z", contact(Channel::Sms)),
            ("2026-11-30T07:00:00Z", contact(Channel::Email)),
            ("2026-11-29T07:00:00Z", contact(Channel::Sms)),
            ("2026-11-28T07:00:00Z", contact(Channel::Sms)),
        ]);
        let policy = Policy::default();
        let sms = Request::new(Purpose::Commercial).on(Channel::Sms);
        let d = decide(&p, &sms, &policy, ts(NOON));
        assert!(!d.allowed);
        assert_eq!(
            d.codes(),
            ["consent_granted", "frequency_cap_day", "frequency_cap_week"]
        );
        assert_eq!(d.reasons[1].until, Some(ts("2026-12-02T07:00:00Z")));
        assert_eq!(d.reasons[2].until, Some(ts("2026-12-05T07:00:00Z")));
        // service contact is not capped
        let d = decide(
            &p,
            &Request::new(Purpose::Service).on(Channel::Sms),
            &policy,
            ts(NOON),
        );
        assert!(d.allowed, "{d:?}");
        // best channel: email has its own day cap free
        let d = decide(&p, &Request::new(Purpose::Commercial), &policy, ts(NOON));
        assert!(d.allowed);
        assert_eq!(d.channel, Some(Channel::Email));
        // overall: two contacts in the last 24 hours
        let p2 = profile(&[
            ("2026-11-01T10:00:00Z", consent(Channel::Email, true)),
            ("2026-12-01T07:00:00Z", contact(Channel::Sms)),
            ("2026-12-01T08:00:00Z", contact(Channel::Call)),
        ]);
        let d = decide(
            &p2,
            &Request::new(Purpose::Commercial).on(Channel::Email),
            &policy,
            ts(NOON),
        );
        assert_eq!(d.codes(), ["overall_cap_day", "consent_granted"]);
        assert!(!d.allowed);
    }

    #[test]
    fn cooling_off_and_campaign() {
        let p = profile(&[
            ("2026-11-01T10:00:00Z", consent(Channel::Sms, true)),
            (
                "2026-11-20T10:00:00Z",
                EventKind::ComplaintResolved {
                    complaint: "K1".into(),
                    category: "billing".into(),
                    priority: None,
                },
            ),
            (
                "2026-11-25T10:00:00Z",
                EventKind::CampaignResponse {
                    campaign: "X".into(),
                    channel: Channel::Email,
                    response: Response::Negative,
                },
            ),
            (
                "2026-10-01T10:00:00Z",
                EventKind::Survey {
                    metric: Metric::Nps,
                    value: 2.0,
                    touchpoint: None,
                },
            ),
        ]);
        let policy = Policy::default();
        let req = Request::new(Purpose::Commercial).on(Channel::Sms);
        let d = decide(&p, &req, &policy, ts("2026-11-25T09:00:00Z"));
        assert_eq!(d.codes(), ["complaint_cooling_off", "consent_granted"]);
        assert_eq!(d.reasons[0].until, Some(ts("2026-11-27T10:00:00Z")));
        let d = decide(&p, &req, &policy, ts(NOON));
        assert!(d.allowed, "{d:?}");
        let d = decide(&p, &req.clone().for_campaign("X"), &policy, ts(NOON));
        assert_eq!(
            d.codes(),
            ["already_responded_to_campaign", "consent_granted"]
        );
        assert!(!d.allowed);
    }

    #[test]
    fn quiet_hours_follow_the_customer_zone() {
        let p = Profile::new("c1");
        let req = Request::new(Purpose::Service).on(Channel::Call);
        let policy = Policy::default();
        // 22:00 in Istanbul, 19:00 in London
        let now = ts("2026-12-01T19:00:00Z");
        assert!(decide(&p, &req, &policy, now).has(ReasonCode::QuietHours));
        assert!(decide(&p, &req.clone().in_zone("Europe/London"), &policy, now).allowed);
        let d = decide(&p, &req.clone().in_zone("Mars/Olympus"), &policy, now);
        assert!(!d.allowed);
        assert!(d.has(ReasonCode::UnknownTimeZone));
        // transactional SMS at night
        let otp = Request::new(Purpose::Transactional).on(Channel::Sms);
        let d = decide(&p, &otp, &policy, now);
        assert!(d.allowed);
        assert_eq!(d.codes(), ["consent_not_required"]);
    }

    #[test]
    fn best_channel_skips_suppressed_points_and_denies_with_every_reason() {
        let p = profile(&[
            ("2026-11-01T10:00:00Z", consent(Channel::Email, true)),
            ("2026-11-01T10:00:00Z", consent(Channel::Sms, false)),
            (
                "2026-11-02T10:00:00Z",
                EventKind::Contact {
                    channel: Channel::Email,
                    campaign: None,
                    outcome: Some("550 5.1.1 user unknown".into()),
                },
            ),
        ]);
        let d = decide(
            &p,
            &Request::new(Purpose::Commercial),
            &Policy::default(),
            ts(NOON),
        );
        assert!(!d.allowed);
        assert_eq!(d.channel, None);
        assert_eq!(
            d.codes(),
            [
                "point_suppressed",
                "consent_granted",
                "consent_revoked",
                "no_consent"
            ]
        );
        let mut empty = Policy::default();
        empty.channel_order.clear();
        let d = decide(&p, &Request::new(Purpose::Service), &empty, ts(NOON));
        assert_eq!(d.codes(), ["no_channel"]);
        assert!(!d.allowed);
    }
}
