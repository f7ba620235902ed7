//! Survey metrics: NPS, CSAT, CES and happiness scores with confidence
//! intervals, significance tests, weighting, segments, trends and driver
//! analysis.
//!
//! Every metric is computed from a [`Tally`]: the count (and, when weighted,
//! the total weight) of answers at each level of a rating scale, plus the
//! number of missing answers. Tallies merge exactly, so shards of a data set
//! (files, Spark partitions, days) can be tallied apart and combined.
//!
//! Answers are any [`Answer`] type: floats (`NaN` is a missing answer),
//! integers, or `Option`s of those (`None` is missing). Missing answers are
//! counted in `missing`, never silently dropped; an answer outside its scale
//! is an error that names its position.
//!
//! ```
//! use crmkit::survey::{self, NpsOptions, IntervalMethod};
//!
//! // 50 promoters, 30 passives, 20 detractors
//! let mut scores = vec![10u8; 50];
//! scores.extend([8u8; 30]);
//! scores.extend([3u8; 20]);
//! let r = survey::nps(&scores, &NpsOptions::default()).unwrap();
//! assert_eq!(r.nps, 30.0);
//! assert!((r.se - 7.8102).abs() < 1e-4);
//! assert!((r.low - 14.692).abs() < 1e-3 && (r.high - 45.308).abs() < 1e-3);
//!
//! let adjusted = NpsOptions { method: IntervalMethod::AdjustedWald, ..NpsOptions::default() };
//! let r = survey::nps(&scores, &adjusted).unwrap();
//! assert!((r.low - 14.051).abs() < 1e-3 && (r.high - 44.201).abs() < 1e-3);
//! ```

mod answer;
mod driver;
mod nps;
mod rating;
mod segment;
pub mod stats;
pub mod table;
mod tally;

pub use answer::Answer;
pub use driver::{TopicImpact, drivers, topic_impact, topic_impact_from_nps};
pub use nps::{
    IntervalMethod, Nps, NpsAccumulator, NpsDiff, NpsOptions, nps, nps_diff, nps_from_counts,
    nps_sample_size, nps_weighted, recency_weight, recency_weights,
};
pub use rating::{
    Ces, CesOptions, Csat, CsatOptions, Happiness, HappinessLevel, HappinessScale, ces,
    ces_weighted, csat, csat_from_counts, csat_weighted, happiness,
};
pub use segment::{
    GroupCode, Segment, TrendPoint, group_codes, nps_by, nps_by_code, nps_trend, tally_by_code,
    tally_by_code_parallel,
};
pub use tally::{Scale, Tally, WEIGHT_RANGE};

use crate::error::ErrorCode;

/// Where an offending answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// 0-based index into the input sequence.
    Index(usize),
    /// 1-based line of a text file (the header is line 1).
    Line(u64),
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Index(i) => write!(f, "index {i}"),
            Position::Line(l) => write!(f, "line {l}"),
        }
    }
}

/// A number as an error message shows it: plain for ordinary magnitudes,
/// in exponent form beyond them (never 309 digits for 1e308).
fn number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Errors of the survey metrics.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SurveyError {
    /// An answer is not a number.
    #[error("answer at {at} is {text:?}; expected a number, or an empty cell for a missing answer")]
    NotANumber {
        /// Where the answer stands.
        at: Position,
        /// The offending text.
        text: String,
    },
    /// An answer is outside its scale or not a whole number.
    #[error("answer at {at} is {}; {metric} expects a whole number from {min} to {max}", number(*.value))]
    OutOfRange {
        /// Where the answer stands.
        at: Position,
        /// The offending value.
        value: f64,
        /// The metric being computed (`NPS`, `CSAT`…).
        metric: &'static str,
        /// Lowest valid answer.
        min: i32,
        /// Highest valid answer.
        max: i32,
    },
    /// A weight is negative, infinite, NaN, or outside 1e-100..=1e100.
    #[error("weight at {at} is {}; expected 0 or a number from 1e-100 to 1e100", number(*.weight))]
    InvalidWeight {
        /// Where the weight stands.
        at: Position,
        /// The offending weight.
        weight: f64,
    },
    /// There is no answer (or no weight) to compute a metric from.
    #[error("no answers to compute {metric} from ({missing} missing, total weight {total_weight})")]
    NoAnswers {
        /// The metric being computed.
        metric: &'static str,
        /// How many answers were missing.
        missing: u64,
        /// The total weight of the present answers.
        total_weight: f64,
    },
    /// A scale definition is inconsistent.
    #[error("invalid scale: {0}")]
    InvalidScale(String),
    /// Two tallies with different scales cannot be merged.
    #[error("cannot merge a tally on scale {left} with one on scale {right}")]
    Incompatible {
        /// The scale of the receiving tally.
        left: Scale,
        /// The scale of the other tally.
        right: Scale,
    },
}

impl SurveyError {
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            SurveyError::NotANumber { .. } => ErrorCode::SurveyNotANumber,
            SurveyError::OutOfRange { .. } => ErrorCode::SurveyOutOfRange,
            SurveyError::InvalidWeight { .. } => ErrorCode::SurveyInvalidWeight,
            SurveyError::NoAnswers { .. } => ErrorCode::SurveyNoAnswers,
            SurveyError::InvalidScale(_) => ErrorCode::SurveyInvalidScale,
            SurveyError::Incompatible { .. } => ErrorCode::SurveyIncompatibleAggregates,
        }
    }
}
