//! After resolution: when to ask for a satisfaction survey, and what to do
//! for an unhappy, valuable customer. Both follow a documented, versioned
//! policy that callers can override (serde, every field defaulted).
//!
//! Survey trigger: a resolved complaint gets a
//! survey `delay_hours` (default 24) after resolution, unless the customer opted
//! out, was surveyed in the last `fatigue_days` (default 30), or the complaint was
//! marked abusive or spam. The survey is CSAT for an ordinary complaint and
//! NPS when the customer's value is at least `nps_from_value` (default
//! 10,000): high-value
//! customers tell us about the relationship, not only the case.
//!
//! Win-back: a customer is *unhappy* when their survey answer is low (CSAT
//! ≤ `unhappy_csat_max` (default 2) on 1–5, or NPS ≤ `unhappy_nps_max` (default 6)) or the
//! complaint was reopened; *valuable* when their value is at least
//! `valuable_from` (default 10,000) or their segment is in `valuable_segments`
//! (default gold, platinum, private, corporate). Unhappy and valuable → a call from
//! the owner's supervisor within `call_within_hours` (default 24) and an offer of
//! `offer_share` (default 5 %) of the customer's value, capped at `max_offer`
//! (default 2,500); unhappy but not valuable → an apology message; otherwise nothing.
//!
//! ```
//! use crmkit::complaint::aftercare::{survey_trigger, win_back, Aftercare, Feedback, WinBack};
//! let policy = Aftercare::default();
//! let resolved = "2026-11-23T10:00:00Z".parse().unwrap();
//! let s = survey_trigger(&policy, resolved, None, false, false, Some(50_000.0));
//! assert!(s.send);
//! assert_eq!(s.at.unwrap().to_string(), "2026-11-24T10:00:00Z");
//!
//! let fb = Feedback { csat: Some(1), ..Feedback::default() };
//! let w = win_back(&policy, &fb, Some(30_000.0), Some("gold"), false);
//! assert_eq!(w, WinBack::SupervisorCall { within_hours: 24.0, offer: 1_500.0 });
//! ```

use jiff::{SignedDuration, Timestamp};

/// The after-resolution policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Aftercare {
    /// Identifies the policy.
    pub version: String,
    /// Hours after resolution to send the survey.
    pub delay_hours: f64,
    /// No new survey within this many days of the last one.
    pub fatigue_days: f64,
    /// Customers at or above this value get NPS instead of CSAT.
    pub nps_from_value: f64,
    /// CSAT answers (1–5) at or below this are unhappy.
    pub unhappy_csat_max: u8,
    /// NPS answers (0–10) at or below this are unhappy.
    pub unhappy_nps_max: u8,
    /// Customers at or above this value are valuable.
    pub valuable_from: f64,
    /// Segments that are valuable whatever the value.
    pub valuable_segments: Vec<String>,
    /// Hours within which the supervisor calls.
    pub call_within_hours: f64,
    /// Share of the customer's value offered.
    pub offer_share: f64,
    /// Largest offer.
    pub max_offer: f64,
}

impl Default for Aftercare {
    fn default() -> Self {
        Aftercare {
            version: "crmkit-aftercare-2026.11".into(),
            delay_hours: 24.0,
            fatigue_days: 30.0,
            nps_from_value: 10_000.0,
            unhappy_csat_max: 2,
            unhappy_nps_max: 6,
            valuable_from: 10_000.0,
            valuable_segments: ["gold", "platinum", "private", "corporate"]
                .map(String::from)
                .to_vec(),
            call_within_hours: 24.0,
            offer_share: 0.05,
            max_offer: 2_500.0,
        }
    }
}

/// Which survey to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyKind {
    /// Customer satisfaction with the case (1–5).
    Csat,
    /// Net Promoter Score (0–10).
    Nps,
}

/// Whether and when to survey.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SurveyDecision {
    /// Send a survey?
    pub send: bool,
    /// When, if so.
    pub at: Option<Timestamp>,
    /// Which survey, if so.
    pub kind: Option<SurveyKind>,
    /// Why.
    pub reason: SurveyReason,
}

/// Why a survey is or is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyReason {
    /// The complaint is resolved: survey.
    Resolved,
    /// The customer opted out of surveys.
    OptedOut,
    /// The customer was surveyed within the fatigue window.
    SurveyedRecently,
    /// The complaint was abusive or spam.
    Abusive,
}

/// Decides the survey after a complaint is resolved at `resolved_at`.
pub fn survey_trigger(
    policy: &Aftercare,
    resolved_at: Timestamp,
    last_surveyed_at: Option<Timestamp>,
    opted_out: bool,
    abusive: bool,
    customer_value: Option<f64>,
) -> SurveyDecision {
    let no = |reason| SurveyDecision {
        send: false,
        at: None,
        kind: None,
        reason,
    };
    if opted_out {
        return no(SurveyReason::OptedOut);
    }
    if abusive {
        return no(SurveyReason::Abusive);
    }
    let at = resolved_at
        .checked_add(SignedDuration::from_secs_f64(
            policy.delay_hours.max(0.0) * 3600.0,
        ))
        .unwrap_or(resolved_at);
    if let Some(last) = last_surveyed_at {
        let days = (at.as_second() - last.as_second()) as f64 / 86_400.0;
        if days < policy.fatigue_days {
            return no(SurveyReason::SurveyedRecently);
        }
    }
    let kind = if customer_value.is_some_and(|v| v >= policy.nps_from_value) {
        SurveyKind::Nps
    } else {
        SurveyKind::Csat
    };
    SurveyDecision {
        send: true,
        at: Some(at),
        kind: Some(kind),
        reason: SurveyReason::Resolved,
    }
}

/// What the customer said after resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Feedback {
    /// CSAT answer, 1–5.
    pub csat: Option<u8>,
    /// NPS answer, 0–10.
    pub nps: Option<u8>,
}

/// The win-back recommendation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum WinBack {
    /// Nothing to do.
    None,
    /// Send an apology message.
    Apology,
    /// The owner's supervisor calls within the hours given, with an offer.
    SupervisorCall {
        /// Hours within which to call.
        within_hours: f64,
        /// The offer's value.
        offer: f64,
    },
}

/// Recommends a win-back action from the feedback, the customer's value and
/// segment, and whether the complaint was reopened.
pub fn win_back(
    policy: &Aftercare,
    feedback: &Feedback,
    customer_value: Option<f64>,
    segment: Option<&str>,
    reopened: bool,
) -> WinBack {
    let unhappy = reopened
        || feedback.csat.is_some_and(|c| c <= policy.unhappy_csat_max)
        || feedback.nps.is_some_and(|n| n <= policy.unhappy_nps_max);
    if !unhappy {
        return WinBack::None;
    }
    let value = customer_value
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(0.0);
    let valuable = value >= policy.valuable_from
        || segment.is_some_and(|s| {
            policy
                .valuable_segments
                .iter()
                .any(|v| v.eq_ignore_ascii_case(s))
        });
    if valuable {
        WinBack::SupervisorCall {
            within_hours: policy.call_within_hours,
            offer: (value * policy.offer_share).min(policy.max_offer),
        }
    } else {
        WinBack::Apology
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn survey_rules() {
        let p = Aftercare::default();
        let r = t("2026-11-23T10:00:00Z");
        assert_eq!(
            survey_trigger(&p, r, None, true, false, None).reason,
            SurveyReason::OptedOut
        );
        assert_eq!(
            survey_trigger(&p, r, None, false, true, None).reason,
            SurveyReason::Abusive
        );
        let recent = survey_trigger(&p, r, Some(t("2026-11-01T00:00:00Z")), false, false, None);
        assert_eq!(recent.reason, SurveyReason::SurveyedRecently);
        let ok = survey_trigger(
            &p,
            r,
            Some(t("2026-09-01T00:00:00Z")),
            false,
            false,
            Some(10.0),
        );
        assert_eq!((ok.send, ok.kind), (true, Some(SurveyKind::Csat)));
    }

    #[test]
    fn win_back_rules() {
        let p = Aftercare::default();
        let happy = Feedback {
            csat: Some(5),
            nps: None,
        };
        assert_eq!(win_back(&p, &happy, Some(1e6), None, false), WinBack::None);
        let detractor = Feedback {
            csat: None,
            nps: Some(3),
        };
        assert_eq!(
            win_back(&p, &detractor, Some(100.0), Some("standard"), false),
            WinBack::Apology
        );
        assert_eq!(
            win_back(&p, &detractor, Some(1e6), None, false),
            WinBack::SupervisorCall {
                within_hours: 24.0,
                offer: 2_500.0
            }
        );
        // a reopened complaint is a sign of an unhappy customer even without a survey
        assert_eq!(
            win_back(&p, &Feedback::default(), None, Some("PLATINUM"), true),
            WinBack::SupervisorCall {
                within_hours: 24.0,
                offer: 0.0
            }
        );
        let json = serde_json::to_string(&WinBack::Apology).unwrap();
        assert_eq!(json, r#"{"action":"apology"}"#);
    }
}
