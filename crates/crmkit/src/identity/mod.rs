//! Identity resolution: link the records of one customer across channels
//! and systems. String similarity lives in [`crate::text::similarity`].
//!
//! - [`tckn`]: the Turkish national identity number and its check digits.
//! - [`date`]: birth dates in the formats customer systems write.

pub mod date;
pub mod tckn;
