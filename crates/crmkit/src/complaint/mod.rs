//! Complaints: intake, categorization, routing to a named person, SLA and
//! escalation, tracking numbers and KPIs.
//!
//! - [`calendar`]: business calendars (time zone, working hours, holidays
//!   and half days) for SLA due times.
//! - [`tracking`]: tracking numbers that are short, unambiguous read aloud
//!   and carry a check character.

pub mod calendar;
pub mod tracking;
