//! Complaints: intake, tracking numbers, SLA and escalation on business
//! calendars, after-resolution policy and KPI reports.
//!
//! - [`intake`]: the complaint record and per-channel required fields.
//! - [`tracking`]: tracking numbers that are short, unambiguous read aloud
//!   and carry a check character.
//! - [`report`]: KPIs per department, category, channel or period, and a
//!   Pareto of topics.
//! - [`sla`]: SLA targets, notify-at-percent thresholds and escalations up
//!   the chain owner → supervisor → manager; [`sla::history`] computes the
//!   clocks from a complaint's event log (pauses, priority and category
//!   changes, reopening).
//! - [`aftercare`]: survey trigger and win-back recommendation after
//!   resolution.
//! - [`categorize`]: keyword and phrase rule sets on Turkish-aware text,
//!   with matched spans and high-precision flags.
//! - [`classifier`]: a linear text classifier trained in Rust, with
//!   probabilities, explanations and abstention.
//! - [`routing`]: versioned routing rule sets that send every complaint to
//!   a named person, with hit policies, assignment strategies, a fallback
//!   chain, a linter and examples that run as tests.
//! - [`calendar`]: business calendars (time zone, working hours, holidays
//!   and half days) for SLA due times.

pub mod aftercare;
pub mod calendar;
pub mod categorize;
pub mod classifier;
pub mod condition;
pub mod intake;
pub mod report;
pub mod routing;
pub mod sla;
pub mod tracking;

use crate::error::ErrorCode;

/// Errors of the complaint functions.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComplaintError {
    /// A rule set (routing or categorization) is malformed.
    #[error("rule set {source_name}: {message}")]
    InvalidRuleSet {
        /// The file or name of the rule set.
        source_name: String,
        /// What is wrong, naming the rule and field.
        message: String,
    },
    /// A classifier model file is malformed or of an unsupported version.
    #[error("classifier model: {0}")]
    InvalidModel(String),
    /// Training data is unusable (no labels, misaligned texts and labels…).
    #[error("training data: {0}")]
    InvalidTrainingData(String),
    /// A calendar is malformed.
    #[error("calendar: {0}")]
    InvalidCalendar(String),
    /// A complaint event log is impossible (no `received` first, resolved
    /// twice without reopening…); the message names the event's index.
    #[error("event log: {0}")]
    InvalidEventLog(String),
}

impl ComplaintError {
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            ComplaintError::InvalidRuleSet { .. } => ErrorCode::ComplaintInvalidRuleSet,
            ComplaintError::InvalidModel(_) => ErrorCode::ComplaintInvalidModel,
            ComplaintError::InvalidTrainingData(_) => ErrorCode::ComplaintInvalidTrainingData,
            ComplaintError::InvalidCalendar(_) => ErrorCode::ComplaintInvalidCalendar,
            ComplaintError::InvalidEventLog(_) => ErrorCode::ComplaintInvalidEventLog,
        }
    }
}
