//! Contact validity: is an email address or a phone number well formed, what
//! kind is it, did the last message to it arrive, and how likely does it still
//! reach this customer?
//!
//! - [`outcome`]: classifies SMTP replies, RFC 3463 enhanced status codes,
//!   DSN text and SMS delivery reports into success / transient / permanent /
//!   unknown with a reason.

pub mod outcome;

use crate::error::ErrorCode;

/// Errors of the contact-validity functions.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContactError {
    /// A channel name other than `email` or `sms`.
    #[error("unknown channel {0:?}; expected \"email\" or \"sms\"")]
    UnknownChannel(String),
}

impl ContactError {
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            ContactError::UnknownChannel(_) => ErrorCode::ContactUnknownChannel,
        }
    }
}
