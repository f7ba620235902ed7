use super::PointClass;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// How one class of contact point starts and ages.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPolicy {
    /// Probability that a syntactically valid point of this class reaches
    /// its customer when it is new (or just confirmed).
    pub prior: f64,
    /// Days after which, without any new success, half of such points no
    /// longer reach the same customer (job change, abandoned mailbox,
    /// cancelled and recycled line).
    pub half_life_days: f64,
}

/// The versioned policy that turns contact evidence into a validity score.
///
/// Every number is documented at its field; [`Policy::default`] is the
/// documented default, and any field can be overridden from JSON or TOML
/// (missing fields keep their defaults). An unknown field is an error that
/// names it, so a misspelt override is not silently ignored.
///
/// ```
/// use crmkit::contact::score::{Policy, PointClass};
/// let mut policy = Policy::default();
/// // a sector where people change jobs every two years
/// policy.classes.get_mut(&PointClass::Corporate).unwrap().half_life_days = 2.0 * 365.0;
/// policy.validate().unwrap();
/// let json = serde_json::to_string(&policy).unwrap();
/// assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Identifies this table in every score it produces.
    pub version: String,
    /// Prior and half-life per class.
    pub classes: BTreeMap<PointClass, ClassPolicy>,
    /// Factor for a point never confirmed by any success (default 0.8).
    pub never_confirmed: f64,
    /// Factor for a point with no date at all: no evidence and no
    /// `first_seen`, so its age is unknown (default 0.5).
    pub undated_factor: f64,
    /// Factor while the last engagement or inbound contact is at most
    /// `engaged_days` old (default 1.1; the total stays capped at `max_score`).
    pub engaged_boost: f64,
    /// Window of `engaged_boost`, in days (default 180).
    pub engaged_days: f64,
    /// Factor per transient failure since the last success (default 0.9).
    pub soft_failure_factor: f64,
    /// Transient failures spanning at least this many days suggest an
    /// abandoned point (default 21).
    pub persistent_soft_days: f64,
    /// Factor for persistent transient failures (default 0.5).
    pub persistent_soft_factor: f64,
    /// Transient failures spanning at least this many days passivate the
    /// point (default 60).
    pub passivate_soft_days: f64,
    /// Factor for a long-term transient failure such as a barred or
    /// deregistered SIM (default 0.3).
    pub long_term_factor: f64,
    /// Factor while a permanent failure has not been revived (default 0.01;
    /// the score is also capped at `suppressed_cap`).
    pub permanent_factor: f64,
    /// Highest score of a suppressed point (default 0.01). Every other point
    /// scores at least `floor`, so a suppressed point always ranks below.
    pub suppressed_cap: f64,
    /// Lowest score of a point without an unrevived permanent failure (default 0.02).
    pub floor: f64,
    /// Highest score of any point (default 0.99): nothing is certain.
    pub max_score: f64,
    /// Factor when a permanent failure was later followed by a delivery but
    /// not by an inbound contact: the address or number may now belong to
    /// someone else (default 0.3: on mobiles this is mostly a recycled
    /// number; the action is "verify").
    pub revived_by_delivery: f64,
    /// Factor when a permanent failure was later followed by an inbound
    /// contact from the point (default 0.9).
    pub revived_by_inbound: f64,
    /// Mobile numbers (prepaid or of unknown plan) silent this many days risk
    /// having been cancelled and given to someone else (default 180).
    pub recycle_risk_days: f64,
    /// Factor for that risk (default 0.7; doubled silence squares it).
    pub recycle_factor: f64,
    /// First retry delay after a transient failure, in hours (default 24);
    /// doubled for each further failure.
    pub retry_base_hours: f64,
    /// Longest retry delay, in hours (default 720 = 30 days).
    pub retry_max_hours: f64,
    /// Scores at or above this are band "high" (default 0.8).
    pub band_high: f64,
    /// Scores at or above this are band "medium" (default 0.5).
    pub band_medium: f64,
    /// Scores at or above this are band "low" (default 0.2); below is "very_low".
    pub band_low: f64,
}

fn default_classes() -> BTreeMap<PointClass, ClassPolicy> {
    use PointClass::*;
    let year = 365.25;
    [
        // people change jobs about every 3 years
        (Corporate, 0.92, 3.0 * year),
        // free mailboxes live long but are abandoned and deleted when inactive
        (Free, 0.9, 6.0 * year),
        // reaches somebody at the company, rarely this customer
        (Role, 0.45, 4.0 * year),
        (Disposable, 0.05, 30.0),
        // students graduate
        (Education, 0.85, 3.0 * year),
        (Government, 0.9, 5.0 * year),
        // about half of Turkish lines are prepaid and recycled after inactivity
        (Mobile, 0.92, 5.0 * year),
        (FixedLine, 0.85, 8.0 * year),
        (Voip, 0.75, 3.0 * year),
        // toll-free, premium, UAN (444…) and shared-cost lines are companies
        (Business, 0.3, 5.0 * year),
        (Other, 0.6, 3.0 * year),
    ]
    .into_iter()
    .map(|(class, prior, half_life_days)| {
        (
            class,
            ClassPolicy {
                prior,
                half_life_days,
            },
        )
    })
    .collect()
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: "crmkit-contact-2026.11".into(),
            classes: default_classes(),
            never_confirmed: 0.8,
            undated_factor: 0.5,
            engaged_boost: 1.1,
            engaged_days: 180.0,
            soft_failure_factor: 0.9,
            persistent_soft_days: 21.0,
            persistent_soft_factor: 0.5,
            passivate_soft_days: 60.0,
            long_term_factor: 0.3,
            permanent_factor: 0.01,
            suppressed_cap: 0.01,
            floor: 0.02,
            max_score: 0.99,
            revived_by_delivery: 0.3,
            revived_by_inbound: 0.9,
            recycle_risk_days: 180.0,
            recycle_factor: 0.7,
            retry_base_hours: 24.0,
            retry_max_hours: 720.0,
            band_high: 0.8,
            band_medium: 0.5,
            band_low: 0.2,
        }
    }
}

impl Policy {
    /// The prior and half-life of `class`, falling back to the default table
    /// for a class the user's table leaves out.
    pub fn class(&self, class: PointClass) -> ClassPolicy {
        self.classes
            .get(&class)
            .copied()
            .or_else(|| default_classes().get(&class).copied())
            .unwrap_or(ClassPolicy {
                prior: 0.5,
                half_life_days: 1000.0,
            })
    }

    /// Checks that every number is in its domain, naming the first field that is not.
    pub fn validate(&self) -> Result<()> {
        let unit = |name: &'static str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid_argument(
                    name,
                    format!("a number from 0 to 1, got {v}"),
                ))
            }
        };
        let positive = |name: &'static str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Error::invalid_argument(
                    name,
                    format!("a finite number > 0, got {v}"),
                ))
            }
        };
        for (class, c) in &self.classes {
            unit("classes.prior", c.prior).map_err(|_| {
                Error::invalid_argument(
                    "classes",
                    format!("prior of {class:?} from 0 to 1, got {}", c.prior),
                )
            })?;
            positive("classes.half_life_days", c.half_life_days)?;
        }
        unit("never_confirmed", self.never_confirmed)?;
        unit("undated_factor", self.undated_factor)?;
        positive("engaged_boost", self.engaged_boost)?;
        positive("engaged_days", self.engaged_days)?;
        unit("soft_failure_factor", self.soft_failure_factor)?;
        positive("persistent_soft_days", self.persistent_soft_days)?;
        unit("persistent_soft_factor", self.persistent_soft_factor)?;
        positive("passivate_soft_days", self.passivate_soft_days)?;
        unit("long_term_factor", self.long_term_factor)?;
        unit("permanent_factor", self.permanent_factor)?;
        unit("revived_by_delivery", self.revived_by_delivery)?;
        unit("revived_by_inbound", self.revived_by_inbound)?;
        positive("recycle_risk_days", self.recycle_risk_days)?;
        unit("recycle_factor", self.recycle_factor)?;
        positive("retry_base_hours", self.retry_base_hours)?;
        positive("retry_max_hours", self.retry_max_hours)?;
        unit("max_score", self.max_score)?;
        unit("floor", self.floor)?;
        unit("suppressed_cap", self.suppressed_cap)?;
        if !(self.suppressed_cap < self.floor && self.floor < self.max_score) {
            return Err(Error::invalid_argument(
                "suppressed_cap",
                "suppressed_cap < floor < max_score, so suppressed points rank below all others",
            ));
        }
        if !(self.band_low < self.band_medium && self.band_medium < self.band_high) {
            return Err(Error::invalid_argument(
                "band_low",
                "band_low < band_medium < band_high",
            ));
        }
        Ok(())
    }
}
