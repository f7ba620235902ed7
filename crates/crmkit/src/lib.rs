//! # crmkit
//!
//! An embeddable toolkit for the customer data that every CRM, contact centre
//! and customer-experience team handles. Every capability is a set of pure
//! functions: inputs in, result out, time passed as an argument, state passed
//! in and returned.
//!
//! - [`text`]: the normalization pipeline every capability shares (Unicode
//!   NFKC, Turkish-aware casing, ASCII folding, matching keys).
//! - [`survey`]: NPS, CSAT, CES and happiness scores with confidence
//!   intervals, significance tests, weights, segments, trends, driver
//!   analysis and mergeable partial aggregates.
//! - [`contact`]: contact validity — delivery outcome classification (bounces,
//!   DSNs, SMS delivery reports) and the explainable validity score.
//! - [`complaint`]: complaint handling — intake, tracking numbers, business
//!   calendars, SLA and escalation, after-resolution policy and KPI reports.
//! - [`engagement`]: Customer 360 profiles folded from event logs and
//!   contact eligibility (consent, caps, quiet hours, cooling-off).
//! - [`identity`]: identity resolution — link the records of one customer
//!   across channels and systems into clusters and golden records.
//! - [`tabular`]: the one CSV reading policy of every reader (strict by
//!   default, or skipping and counting malformed rows).
//! - [`error`]: one error type with stable codes shared by the C and Python
//!   bindings.
//!
//! ```
//! use crmkit::survey::{nps, NpsOptions};
//!
//! let scores = [10, 9, 9, 8, 7, 6, 3, 10];
//! let r = nps(&scores, &NpsOptions::default()).unwrap();
//! assert_eq!(r.nps, 25.0);
//! println!("NPS {:.1} [{:.1}, {:.1}] from {} answers", r.nps, r.low, r.high, r.n);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod complaint;
pub mod contact;
pub mod engagement;
pub mod error;
pub mod identity;
pub mod survey;
pub mod tabular;
pub mod text;

pub use error::{Error, ErrorCode, ErrorGroup, Result};

/// The version of this crate, as in its `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

// The README's Rust examples run as doctests, so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
