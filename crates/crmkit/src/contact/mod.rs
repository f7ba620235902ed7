//! Contact validity: is an email address or a phone number well formed, what
//! kind is it, did the last message to it arrive, and how likely does it still
//! reach this customer?
//!
//! - [`email`]: parse, validate, normalize, dedup key, classify and typo
//!   suggestions for email addresses.
//! - [`phone`]: parse phone numbers as people write them, validate, type and
//!   format them with libphonenumber metadata.
//! - [`score`]: the explainable validity score of a contact point and the
//!   per-customer summary.
//! - [`outcome`]: classifies SMTP replies, RFC 3463 enhanced status codes,
//!   DSN text and SMS delivery reports into success / transient / permanent /
//!   unknown with a reason.

pub mod email;
mod fasthash;
pub mod outcome;
pub mod phone;
pub mod score;

use crate::error::ErrorCode;

/// Errors of the contact-validity functions.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContactError {
    /// A channel name other than `email` or `sms`.
    #[error("unknown channel {0:?}; expected \"email\" or \"sms\"")]
    UnknownChannel(String),
    /// A region code that is not an ISO 3166-1 alpha-2 code known to the
    /// phone metadata.
    #[error("unknown region {0:?}; expected an ISO 3166-1 alpha-2 code such as \"TR\" or \"US\"")]
    InvalidRegion(String),
    /// A user-supplied list (domains, role names…) could not be read.
    #[error("{source_name}, line {line}: {message}")]
    InvalidList {
        /// The list's name or file path.
        source_name: String,
        /// 1-based line.
        line: u64,
        /// What was wrong and what was expected.
        message: String,
    },
}

impl ContactError {
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            ContactError::UnknownChannel(_) => ErrorCode::ContactUnknownChannel,
            ContactError::InvalidRegion(_) => ErrorCode::ContactInvalidRegion,
            ContactError::InvalidList { .. } => ErrorCode::ContactInvalidList,
        }
    }
}
