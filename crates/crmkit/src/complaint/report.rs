//! Complaint KPIs for management: per department, category, channel or
//! period, and a Pareto of topics so the biggest cause is fixed first.
//!
//! ```
//! use crmkit::complaint::intake::Channel;
//! use crmkit::complaint::report::{report, pareto, GroupBy, Handled};
//!
//! let t = |s: &str| s.parse().unwrap();
//! let mut a = Handled::new("1", Channel::App, t("2026-11-02T09:00:00Z"));
//! a.category = Some("late_delivery".into());
//! a.first_department = Some("logistics".into());
//! a.resolving_department = Some("logistics".into());
//! a.resolved_at = Some(t("2026-11-02T13:00:00Z"));
//! a.satisfied = Some(true);
//! let mut b = Handled::new("2", Channel::CallCenter, t("2026-11-03T09:00:00Z"));
//! b.category = Some("refund_delay".into());
//! b.first_department = Some("logistics".into());
//! b.resolving_department = Some("finance".into());
//!
//! let rows = report(&[a.clone(), b.clone()], GroupBy::FirstDepartment, None, None).unwrap();
//! assert_eq!(rows[0].key, "logistics");
//! assert_eq!(rows[0].count, 2);
//! assert_eq!(rows[0].share_percent, 100.0);
//! assert_eq!(rows[0].resolution_rate, Some(50.0));
//! // of the resolved complaints, the first department resolved all of them
//! assert_eq!(rows[0].first_routing_accuracy, Some(100.0));
//! assert_eq!(rows[0].resolution_hours.unwrap().median, 4.0);
//!
//! let p = pareto(&[a, b], |h| h.category.clone());
//! assert_eq!(p[1].cumulative_percent, 100.0);
//! ```

use super::calendar::Calendar;
use super::intake::Channel;
use crate::error::Result;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// A complaint's life as the report needs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Handled {
    /// The complaint id.
    pub id: String,
    /// Where it came in.
    pub channel: Channel,
    /// When it came in.
    pub received_at: Timestamp,
    /// Its category.
    #[serde(default)]
    pub category: Option<String>,
    /// Its topic, for the Pareto (often the category or a finer cause).
    #[serde(default)]
    pub topic: Option<String>,
    /// The department it was first routed to.
    #[serde(default)]
    pub first_department: Option<String>,
    /// The department that resolved it.
    #[serde(default)]
    pub resolving_department: Option<String>,
    /// When the customer first got an answer.
    #[serde(default)]
    pub first_response_at: Option<Timestamp>,
    /// When it was resolved; `None` while open.
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    /// The resolution due time (SLA).
    #[serde(default)]
    pub due_at: Option<Timestamp>,
    /// Whether it was reopened after resolution.
    #[serde(default)]
    pub reopened: bool,
    /// The after-resolution survey: satisfied or not.
    #[serde(default)]
    pub satisfied: Option<bool>,
    /// What win-back offers cost for it.
    #[serde(default)]
    pub winback_cost: Option<f64>,
    /// Whether the customer bought again after the complaint.
    #[serde(default)]
    pub repurchased: Option<bool>,
}

impl Handled {
    /// A record with the required fields; everything else unknown.
    pub fn new(id: &str, channel: Channel, received_at: Timestamp) -> Handled {
        Handled {
            id: id.to_owned(),
            channel,
            received_at,
            category: None,
            topic: None,
            first_department: None,
            resolving_department: None,
            first_response_at: None,
            resolved_at: None,
            due_at: None,
            reopened: false,
            satisfied: None,
            winback_cost: None,
            repurchased: None,
        }
    }
}

/// How to group the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By the department first assigned.
    FirstDepartment,
    /// By the resolving department.
    ResolvingDepartment,
    /// By category.
    Category,
    /// By channel.
    Channel,
    /// By month received (UTC), `"YYYY-MM"`.
    Month,
    /// One group, `"all"`.
    All,
}

/// Summary statistics of durations, in hours.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Durations {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile (nearest rank).
    pub p90: f64,
    /// Maximum.
    pub max: f64,
}

fn durations(mut hours: Vec<f64>) -> Option<Durations> {
    if hours.is_empty() {
        return None;
    }
    hours.sort_by(f64::total_cmp);
    let n = hours.len();
    let median = if n % 2 == 1 {
        hours[n / 2]
    } else {
        (hours[n / 2 - 1] + hours[n / 2]) / 2.0
    };
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    Some(Durations {
        mean: hours.iter().sum::<f64>() / n as f64,
        median,
        p90: hours[rank - 1],
        max: hours[n - 1],
    })
}

/// One row of the report. Rates are percentages over the complaints where
/// the measure is known; `None` when it is known for none.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReportRow {
    /// The group key (`"(none)"` when the grouping field is unknown).
    pub key: String,
    /// Complaints in the group.
    pub count: u64,
    /// Share of all complaints, in percent.
    pub share_percent: f64,
    /// Resolved complaints.
    pub resolved: u64,
    /// Resolved / count, in percent.
    pub resolution_rate: Option<f64>,
    /// Resolution time in calendar hours.
    pub resolution_hours: Option<Durations>,
    /// Resolution time in business hours (when a calendar is given).
    pub resolution_business_hours: Option<Durations>,
    /// First-response time in calendar hours.
    pub first_response_hours: Option<Durations>,
    /// Complaints resolved after their due time, or still open past it, in
    /// percent of those with a due time.
    pub sla_breach_rate: Option<f64>,
    /// Satisfied answers in percent of survey answers.
    pub satisfaction_rate: Option<f64>,
    /// Total win-back cost.
    pub winback_cost: f64,
    /// Repurchases in percent of known outcomes.
    pub repurchase_rate: Option<f64>,
    /// Reopened in percent of resolved.
    pub reopen_rate: Option<f64>,
    /// First department = resolving department, in percent of resolved
    /// complaints that know both.
    pub first_routing_accuracy: Option<f64>,
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}

fn hours_between(a: Timestamp, b: Timestamp) -> f64 {
    (b.as_millisecond() - a.as_millisecond()) as f64 / 3_600_000.0
}

fn key_of(h: &Handled, by: GroupBy) -> String {
    let none = || "(none)".to_owned();
    match by {
        GroupBy::FirstDepartment => h.first_department.clone().unwrap_or_else(none),
        GroupBy::ResolvingDepartment => h.resolving_department.clone().unwrap_or_else(none),
        GroupBy::Category => h.category.clone().unwrap_or_else(none),
        GroupBy::Channel => serde_json::to_value(h.channel)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(none),
        GroupBy::Month => h.received_at.strftime("%Y-%m").to_string(),
        GroupBy::All => "all".to_owned(),
    }
}

/// The KPI report over `complaints`, one row per group in key order.
/// Durations in business hours need a calendar. With `now`, a complaint
/// still open past its due time counts as a breach; without it, only
/// resolved complaints can breach.
///
/// A complaint resolved or first answered before it was received is an
/// [`InvalidArgument`](crate::error::InputError::InvalidArgument) error
/// that names the complaint and both times.
pub fn report(
    complaints: &[Handled],
    by: GroupBy,
    calendar: Option<&Calendar>,
    now: Option<Timestamp>,
) -> Result<Vec<ReportRow>> {
    let mut groups: BTreeMap<String, Vec<&Handled>> = BTreeMap::new();
    for h in complaints {
        for (what, at) in [
            ("resolved", h.resolved_at),
            ("first answered", h.first_response_at),
        ] {
            if let Some(at) = at.filter(|&at| at < h.received_at) {
                return Err(crate::Error::invalid_argument(
                    "complaints",
                    format!(
                        "complaint {:?} is {what} at {at}, before it was received at {}",
                        h.id, h.received_at
                    ),
                ));
            }
        }
        groups.entry(key_of(h, by)).or_default().push(h);
    }
    let total = complaints.len() as u64;
    let mut rows = Vec::with_capacity(groups.len());
    for (key, members) in groups {
        let count = members.len() as u64;
        let resolved: Vec<&&Handled> = members.iter().filter(|h| h.resolved_at.is_some()).collect();
        let mut calendar_hours = Vec::new();
        let mut business_hours = Vec::new();
        for h in &resolved {
            let end = h.resolved_at.unwrap_or(h.received_at);
            calendar_hours.push(hours_between(h.received_at, end));
            if let Some(cal) = calendar {
                let d = cal.business_time_between(h.received_at, end)?;
                business_hours.push(d.as_secs_f64() / 3600.0);
            }
        }
        let first_response: Vec<f64> = members
            .iter()
            .filter_map(|h| h.first_response_at.map(|f| hours_between(h.received_at, f)))
            .collect();
        let with_due: Vec<&&Handled> = members.iter().filter(|h| h.due_at.is_some()).collect();
        let breached = with_due
            .iter()
            .filter(|h| match (h.resolved_at.or(now), h.due_at) {
                (Some(end), Some(due)) => end > due,
                _ => false,
            })
            .count() as u64;
        let surveyed: Vec<bool> = members.iter().filter_map(|h| h.satisfied).collect();
        let repurchase: Vec<bool> = members.iter().filter_map(|h| h.repurchased).collect();
        let routed: Vec<bool> = resolved
            .iter()
            .filter_map(|h| match (&h.first_department, &h.resolving_department) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            })
            .collect();
        let count_true = |v: &[bool]| v.iter().filter(|x| **x).count() as u64;
        rows.push(ReportRow {
            key,
            count,
            share_percent: percent(count, total).unwrap_or(0.0),
            resolved: resolved.len() as u64,
            resolution_rate: percent(resolved.len() as u64, count),
            resolution_hours: durations(calendar_hours),
            resolution_business_hours: durations(business_hours),
            first_response_hours: durations(first_response),
            sla_breach_rate: percent(breached, with_due.len() as u64),
            satisfaction_rate: percent(count_true(&surveyed), surveyed.len() as u64),
            // + 0.0 turns the empty sum's -0.0 into 0.0
            winback_cost: members.iter().filter_map(|h| h.winback_cost).sum::<f64>() + 0.0,
            repurchase_rate: percent(count_true(&repurchase), repurchase.len() as u64),
            reopen_rate: percent(
                resolved.iter().filter(|h| h.reopened).count() as u64,
                resolved.len() as u64,
            ),
            first_routing_accuracy: percent(count_true(&routed), routed.len() as u64),
        });
    }
    Ok(rows)
}

/// One bar of a Pareto chart.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParetoRow {
    /// The topic (`"(none)"` when unknown).
    pub topic: String,
    /// Complaints with this topic.
    pub count: u64,
    /// Their share, in percent.
    pub percent: f64,
    /// The running share of this and all larger topics, in percent.
    pub cumulative_percent: f64,
}

/// Topics by count, largest first (ties by name), with cumulative shares.
pub fn pareto<F: Fn(&Handled) -> Option<String>>(
    complaints: &[Handled],
    topic: F,
) -> Vec<ParetoRow> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for h in complaints {
        *counts
            .entry(topic(h).unwrap_or_else(|| "(none)".into()))
            .or_default() += 1;
    }
    let mut rows: Vec<(String, u64)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total = complaints.len() as f64;
    let mut running = 0u64;
    rows.into_iter()
        .map(|(topic, count)| {
            running += count;
            ParetoRow {
                topic,
                count,
                percent: 100.0 * count as f64 / total,
                cumulative_percent: 100.0 * running as f64 / total,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn no_winback_cost_is_plus_zero() {
        let h = Handled::new("1", Channel::App, t("2026-11-02T09:00:00Z"));
        let rows = report(&[h], GroupBy::All, None, None).unwrap();
        assert!(rows[0].winback_cost == 0.0 && rows[0].winback_cost.is_sign_positive());
    }

    #[test]
    fn durations_use_nearest_rank_p90() {
        let d = durations((1..=10).map(f64::from).collect()).unwrap();
        assert_eq!((d.mean, d.median, d.p90, d.max), (5.5, 5.5, 9.0, 10.0));
        assert!(durations(vec![]).is_none());
    }

    #[test]
    fn breach_and_business_hours() {
        let cal = Calendar::from_toml(include_str!("../../examples/calendars/tr-2026-2027.toml"))
            .unwrap();
        // Friday 17:00 Istanbul, resolved Monday 10:00: 65 calendar hours, 2 business hours
        let mut h = Handled::new("1", Channel::Email, t("2026-11-20T14:00:00Z"));
        h.resolved_at = Some(t("2026-11-23T07:00:00Z"));
        h.due_at = Some(t("2026-11-23T06:30:00Z"));
        h.reopened = true;
        let rows = report(&[h], GroupBy::Month, Some(&cal), None).unwrap();
        let r = &rows[0];
        assert_eq!(r.key, "2026-11");
        assert_eq!(r.resolution_hours.unwrap().max, 65.0);
        assert_eq!(r.resolution_business_hours.unwrap().max, 2.0);
        assert_eq!(r.sla_breach_rate, Some(100.0));
        assert_eq!(r.reopen_rate, Some(100.0));
        assert_eq!(r.satisfaction_rate, None);
        let mut open = Handled::new("2", Channel::Email, t("2026-11-20T14:00:00Z"));
        open.due_at = Some(t("2026-11-23T06:30:00Z"));
        let before = report(
            std::slice::from_ref(&open),
            GroupBy::All,
            None,
            Some(t("2026-11-22T00:00:00Z")),
        )
        .unwrap();
        assert_eq!(before[0].sla_breach_rate, Some(0.0));
        let after = report(&[open], GroupBy::All, None, Some(t("2026-11-24T00:00:00Z"))).unwrap();
        assert_eq!(after[0].sla_breach_rate, Some(100.0));
    }

    #[test]
    fn times_before_receipt_are_errors_naming_the_complaint() {
        let mut h = Handled::new("K-9", Channel::App, t("2026-11-02T09:00:00Z"));
        h.resolved_at = Some(t("2026-11-02T08:00:00Z"));
        let ok = Handled::new("K-1", Channel::App, t("2026-11-02T09:00:00Z"));
        let e = report(&[ok.clone(), h.clone()], GroupBy::All, None, None).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidArgument);
        let msg = e.to_string();
        assert!(
            msg.contains("complaint \"K-9\" is resolved at 2026-11-02T08:00:00Z, before it was received at 2026-11-02T09:00:00Z"),
            "{msg}"
        );
        h.resolved_at = None;
        h.first_response_at = Some(t("2026-11-01T09:00:00Z"));
        let msg = report(&[h.clone()], GroupBy::All, None, None)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("\"K-9\" is first answered at 2026-11-01T09:00:00Z"),
            "{msg}"
        );
        // the same moment is no error: zero hours
        h.first_response_at = Some(h.received_at);
        h.resolved_at = Some(h.received_at);
        let rows = report(&[h], GroupBy::All, None, None).unwrap();
        assert_eq!(rows[0].resolution_hours.unwrap().max, 0.0);
        assert!(rows[0].resolution_hours.unwrap().max.is_sign_positive());
    }

    #[test]
    fn every_complaint_is_in_exactly_one_group() {
        let hs: Vec<Handled> = (0..10)
            .map(|i| {
                let mut h = Handled::new(
                    &i.to_string(),
                    Channel::ALL[i % 4],
                    t("2026-11-01T00:00:00Z"),
                );
                h.category = (i % 3 != 0).then(|| format!("c{}", i % 2));
                h
            })
            .collect();
        for by in [GroupBy::Category, GroupBy::Channel, GroupBy::All] {
            let rows = report(&hs, by, None, None).unwrap();
            assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), 10);
            assert!((rows.iter().map(|r| r.share_percent).sum::<f64>() - 100.0).abs() < 1e-9);
        }
    }
}
