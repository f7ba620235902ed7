//! Complaints: intake, categorization, routing to a named person, SLA and
//! escalation, tracking numbers and KPIs.
//!
//! - [`tracking`]: tracking numbers that are short, unambiguous read aloud
//!   and carry a check character.

pub mod tracking;
