//! Identity resolution: link the records of one customer across channels
//! and systems into clusters and golden records.
//!
//! The batch pipeline is [`resolve`] (one set of records) and [`link`] (two
//! sets, only pairs across them): [`standardize`] every field, generate
//! candidate pairs by [`blocking`] rules, [`compare`] them field by field,
//! score them with a Fellegi–Sunter [`model`] trained without labels, and
//! [`cluster`] the links without chaining different people together.
//!
//! - [`record`]: input records and reading them from CSV.
//! - [`tckn`]: the Turkish national identity number and its check digits.
//! - [`date`]: birth dates in the formats customer systems write.
//! - [`eval`]: pairwise and cluster precision/recall/F1 given truth.

pub mod blocking;
pub mod cluster;
pub mod compare;
pub mod date;
pub mod eval;
pub mod golden;
pub mod index;
pub mod location;
pub mod model;
pub mod record;
pub(crate) mod resolve;
pub mod standardize;
pub mod tckn;

pub use model::Model;
pub use record::Record;
pub use resolve::{
    ClusterStats, Explanation, OnProgress, Progress, RefusedMerges, Resolution, ScoredPair,
    Settings, Stage, WeakestLink, explain_records, link, prepare, resolve, resolve_labelled,
    resolve_with,
};
