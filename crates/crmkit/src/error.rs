//! One error vocabulary for every capability and every language.
//!
//! Each module has its own [`thiserror`] enum; [`Error`] gathers them, and
//! [`Error::code`] maps every error to an [`ErrorCode`]. The numeric values of
//! [`ErrorCode`] are part of the C ABI and the snake_case names returned by
//! [`ErrorCode::as_str`] are part of the Python API, so both are stable:
//! a value is never renumbered and a retired value is never reused.
//!
//! Values come in blocks of one hundred per area:
//!
//! | block | area |
//! |---|---|
//! | 100–199 | input and general errors |
//! | 200–299 | survey metrics |
//! | 300–399 | contact validity |
//! | 400–499 | identity resolution (reserved) |
//! | 500–599 | complaints |
//! | 900–999 | errors that only a language binding can raise |
//!
//! ```
//! use crmkit::{survey, ErrorCode};
//!
//! let err = survey::nps(&[9.0, 11.0], &survey::NpsOptions::default()).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::SurveyOutOfRange);
//! assert_eq!(err.code().as_str(), "survey_out_of_range");
//! assert!(err.to_string().contains("index 1"));
//! ```

use crate::complaint::ComplaintError;
use crate::contact::ContactError;
use crate::survey::SurveyError;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $value:literal, $name:literal, $group:ident; )*) => {
        /// Stable numeric code of an error; see the [module documentation](self).
        #[repr(u32)]
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant = $value, )*
        }

        impl ErrorCode {
            /// Every code, in ascending numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The stable snake_case name of this code, e.g. `"survey_out_of_range"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)* }
            }

            /// The group this code belongs to; each group is one exception class in Python.
            pub const fn group(self) -> ErrorGroup {
                match self { $(ErrorCode::$variant => ErrorGroup::$group,)* }
            }

            /// The numeric value (as used by the C ABI).
            pub const fn value(self) -> u32 {
                self as u32
            }

            /// Looks a code up by its numeric value.
            pub fn from_value(value: u32) -> Option<ErrorCode> {
                Self::ALL.iter().copied().find(|c| c.value() == value)
            }

            /// Looks a code up by its snake_case name.
            pub fn from_name(name: &str) -> Option<ErrorCode> {
                Self::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

error_codes! {
    /// An argument is outside its documented domain (a confidence level of 1.5, a zero scale...).
    InvalidArgument = 100, "invalid_argument", Input;
    /// Text input is not valid UTF-8.
    InvalidUtf8 = 101, "invalid_utf8", Input;
    /// A required pointer or value was missing (C: a NULL pointer with a non-zero length).
    NullArgument = 102, "null_argument", Input;
    /// Two inputs that must have the same length do not.
    LengthMismatch = 103, "length_mismatch", Input;
    /// A tabular input (CSV, JSON) could not be read: a missing column, a malformed line.
    MalformedInput = 104, "malformed_input", Input;
    /// Reading or writing a file failed.
    Io = 105, "io", Input;
    /// The caller stopped a long run (through its progress callback) before it finished.
    Cancelled = 106, "cancelled", Input;
    /// A feed cursor names events that are no longer kept, or none that
    /// exist: read the current state again and follow the feed from there.
    ResyncRequired = 107, "resync_required", Input;
    /// A survey answer is not a number where a number was expected.
    SurveyNotANumber = 200, "survey_not_a_number", Survey;
    /// A survey answer is outside its scale (for NPS: not an integer from 0 to 10).
    SurveyOutOfRange = 201, "survey_out_of_range", Survey;
    /// A weight is negative, infinite or NaN next to a present answer.
    SurveyInvalidWeight = 202, "survey_invalid_weight", Survey;
    /// There is no answer to compute a metric from (every answer missing, or zero total weight).
    SurveyNoAnswers = 203, "survey_no_answers", Survey;
    /// A rating scale definition is inconsistent (threshold outside the scale, empty scale...).
    SurveyInvalidScale = 204, "survey_invalid_scale", Survey;
    /// Two partial aggregates that were built with different scales cannot be merged.
    SurveyIncompatibleAggregates = 205, "survey_incompatible_aggregates", Survey;
    /// A channel name other than `email` or `sms`.
    ContactUnknownChannel = 300, "contact_unknown_channel", Contact;
    /// A region code unknown to the phone metadata.
    ContactInvalidRegion = 301, "contact_invalid_region", Contact;
    /// A user-supplied list (disposable domains, free providers, role names) is malformed.
    ContactInvalidList = 302, "contact_invalid_list", Contact;
    /// A routing or categorization rule set is malformed.
    ComplaintInvalidRuleSet = 500, "complaint_invalid_rule_set", Complaint;
    /// A classifier model file is malformed or of an unsupported version.
    ComplaintInvalidModel = 501, "complaint_invalid_model", Complaint;
    /// Classifier training data is unusable.
    ComplaintInvalidTrainingData = 502, "complaint_invalid_training_data", Complaint;
    /// A business calendar is malformed.
    ComplaintInvalidCalendar = 503, "complaint_invalid_calendar", Complaint;
    /// A complaint event log is impossible (an event before `received`, resolved twice…).
    ComplaintInvalidEventLog = 504, "complaint_invalid_event_log", Complaint;
    /// A result buffer supplied by the caller is too small (C only).
    InsufficientSize = 900, "insufficient_size", Binding;
    /// An internal error was caught at a language boundary; please report it.
    Panic = 901, "panic", Binding;
}

/// The family an [`ErrorCode`] belongs to; the Python exception hierarchy mirrors it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorGroup {
    /// Input and general errors (`crmkit.InputError` in Python).
    Input,
    /// Survey metric errors (`crmkit.SurveyError`).
    Survey,
    /// Contact validity errors (`crmkit.ContactError`).
    Contact,
    /// Complaint handling errors (`crmkit.ComplaintError`).
    Complaint,
    /// Errors raised by a language binding itself (`crmkit.BindingError`).
    Binding,
}

impl ErrorGroup {
    /// Every group.
    pub const ALL: &'static [ErrorGroup] = &[
        ErrorGroup::Input,
        ErrorGroup::Survey,
        ErrorGroup::Contact,
        ErrorGroup::Complaint,
        ErrorGroup::Binding,
    ];

    /// The Python exception class name of this group.
    pub const fn class_name(self) -> &'static str {
        match self {
            ErrorGroup::Input => "InputError",
            ErrorGroup::Survey => "SurveyError",
            ErrorGroup::Contact => "ContactError",
            ErrorGroup::Complaint => "ComplaintError",
            ErrorGroup::Binding => "BindingError",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Input and general errors shared by every capability.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// An argument is outside its domain.
    #[error("invalid argument `{name}`: {expected}")]
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// What was expected, as a sentence fragment.
        expected: String,
    },
    /// Two sequences that must be aligned have different lengths.
    #[error("`{left}` has {left_len} elements but `{right}` has {right_len}; they must be equal")]
    LengthMismatch {
        /// Name of the first sequence.
        left: &'static str,
        /// Its length.
        left_len: usize,
        /// Name of the second sequence.
        right: &'static str,
        /// Its length.
        right_len: usize,
    },
    /// A table could not be read.
    #[error("{location}: {message}")]
    Malformed {
        /// Where: `line 12`, `line 12, column "score"`, `header`.
        location: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// An I/O error, with the path involved.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// The caller stopped the run before it finished; nothing was returned.
    #[error("cancelled: the run was stopped before it finished; nothing was returned")]
    Cancelled,
    /// A feed cursor cannot be followed; the subscriber must read the
    /// current state again.
    #[error(
        "resync required: cursor {cursor} {reason}; read the current state again and follow the feed from its last sequence number"
    )]
    ResyncRequired {
        /// The sequence number asked for.
        cursor: u64,
        /// Why it cannot be followed.
        reason: String,
    },
}

impl InputError {
    fn code(&self) -> ErrorCode {
        match self {
            InputError::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            InputError::LengthMismatch { .. } => ErrorCode::LengthMismatch,
            InputError::Malformed { .. } => ErrorCode::MalformedInput,
            InputError::Io { .. } => ErrorCode::Io,
            InputError::Cancelled => ErrorCode::Cancelled,
            InputError::ResyncRequired { .. } => ErrorCode::ResyncRequired,
        }
    }
}

/// Any error crmkit returns.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Input and general errors.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Survey metric errors.
    #[error(transparent)]
    Survey(#[from] SurveyError),
    /// Contact validity errors.
    #[error(transparent)]
    Contact(#[from] ContactError),
    /// Complaint handling errors.
    #[error(transparent)]
    Complaint(#[from] ComplaintError),
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Input(e) => e.code(),
            Error::Survey(e) => e.code(),
            Error::Contact(e) => e.code(),
            Error::Complaint(e) => e.code(),
        }
    }

    /// Shorthand for an [`InputError::InvalidArgument`].
    pub fn invalid_argument(name: &'static str, expected: impl Into<String>) -> Self {
        Error::Input(InputError::InvalidArgument {
            name,
            expected: expected.into(),
        })
    }
}

/// `Result` with crmkit's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_sorted_and_named_in_snake_case() {
        let mut values = HashSet::new();
        let mut names = HashSet::new();
        for pair in ErrorCode::ALL.windows(2) {
            assert!(pair[0].value() < pair[1].value(), "{pair:?} out of order");
        }
        for &code in ErrorCode::ALL {
            assert!(
                values.insert(code.value()),
                "duplicate value {}",
                code.value()
            );
            assert!(
                names.insert(code.as_str()),
                "duplicate name {}",
                code.as_str()
            );
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code:?}"
            );
            assert_eq!(ErrorCode::from_value(code.value()), Some(code));
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(code));
            // serde uses the same stable name
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
        }
        assert_eq!(ErrorCode::from_value(0), None);
    }

    #[test]
    fn blocks_match_groups() {
        for &code in ErrorCode::ALL {
            let expected = match code.value() / 100 {
                1 => ErrorGroup::Input,
                2 => ErrorGroup::Survey,
                3 => ErrorGroup::Contact,
                5 => ErrorGroup::Complaint,
                9 => ErrorGroup::Binding,
                other => panic!("unexpected block {other}"),
            };
            assert_eq!(code.group(), expected, "{code:?}");
        }
    }
}
