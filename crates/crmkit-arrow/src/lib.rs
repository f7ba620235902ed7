//! The Arrow batch API of crmkit: the work inside one batch of a Spark,
//! Dask or Ray job, with the engine doing every shuffle in between.
//!
//! Every function takes Arrow arrays or record batches and returns Arrow,
//! and its result does not depend on how the rows were split into batches:
//! run it on any split and concatenate, and you get what one call on all
//! the rows gives. Where a result needs the whole population (term
//! frequencies of names, components of the link graph), the population part
//! is a mergeable partial ([`pairs::term_counts`], [`survey::nps_partial`])
//! or a separate step the engine runs after a shuffle.
//!
//! The identity pipeline, step by step:
//!
//! 1. [`blocking::blocking_keys`] on every batch of records gives
//!    `(record_id, rule_id, key)` rows; the engine groups them by
//!    `(rule_id, key)` (salted with [`salt::salt_for`] when
//!    [`salt::salting_plan`] says a key is too big) and pairs the ids of each
//!    group.
//! 2. [`pairs::term_counts`] on every batch, summed, gives the name
//!    frequencies that weigh a shared common surname less.
//! 3. [`pairs::score_pairs`] on row-aligned left and right records gives
//!    each pair's probability, match weight and comparison vector.
//! 4. [`cluster::connected_components`] over the links gives components;
//!    [`cluster::cluster_component`] on the members of one component gives
//!    the same clusters as `crmkit::identity::resolve`.
//! 5. [`golden::golden_records`] on the members of one cluster.
//!
//! Strings may be `Utf8`, `LargeUtf8` or `Utf8View`; integer id columns
//! are read as their decimal text.

#![forbid(unsafe_code)]

pub mod blocking;
pub mod cluster;
pub mod column;
pub mod contact;
pub mod golden;
pub mod pairs;
pub mod routing;
pub mod salt;
pub mod survey;

pub use arrow_array;
pub use arrow_schema;
