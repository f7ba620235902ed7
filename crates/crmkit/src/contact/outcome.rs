//! Delivery outcomes: what a bounce, a DSN or an SMS delivery report says
//! about the contact point.
//!
//! The classes follow RFC 3463 and the GSM MAP error codes that SMS centres
//! pass through in delivery reports:
//!
//! | signal | class | reason |
//! |---|---|---|
//! | 2.x.x, `delivered`, `opened`, `clicked`, `replied` | success | `delivered` / `engaged` |
//! | 4.2.2 (or 5.2.2, 552) mailbox full | transient | `mailbox_full` |
//! | 4.4.7 delivery time expired | transient | `expired` |
//! | 4.4.x routing | transient | `routing_delay` |
//! | 4.7.x greylisting, throttling | transient | `throttled` |
//! | 4.x.x otherwise | transient | `temporary_failure` |
//! | 5.1.1 user unknown | permanent | `user_unknown` |
//! | 5.1.2 / 5.4.4 bad or unroutable domain | permanent | `bad_domain` |
//! | 5.1.3 bad address syntax | permanent | `bad_address_syntax` |
//! | 5.1.10 null MX | permanent | `null_mx` |
//! | 5.1.6 mailbox moved | permanent, ask for the new address | `mailbox_moved` |
//! | 5.2.1 mailbox disabled | permanent (a later success revives) | `mailbox_disabled` |
//! | 5.1.x otherwise | permanent | `bad_destination` |
//! | 5.2.3, 5.3.4, 5.5.x, 5.6.x | unknown: the message, not the address | `message_problem` |
//! | 5.7.x, 4.7.x spam/policy/authentication | unknown: sender reputation | `policy` |
//! | SMS `DELIVRD` | success | `delivered` |
//! | SMS `EXPIRED` | transient | `expired` |
//! | SMS `UNDELIV`/`REJECTD` with GSM error 1, 2, 5, 9, 11, 12 | permanent | `unknown_subscriber`, `illegal_subscriber`, `teleservice_not_provisioned`, `illegal_equipment` |
//! | … with GSM error 13 (barred) or 64 (deregistered) | transient, long-term | `barred` / `deregistered` |
//! | … with GSM error 6, 27, 60–63 (absent), 31 (busy), 34 (system failure), 40/52 (memory full) | transient | `absent_subscriber`, `subscriber_busy`, `system_failure`, `memory_full` |
//! | other SMS states and errors | unknown | `sms_pending` / `unrecognized` |
//!
//! Without an enhanced status code, the basic SMTP reply code and the
//! wording decide: "user unknown", "no such user", "mailbox full", "quota",
//! "spam", "blocked"… (English and common Turkish phrasings).
//!
//! ```
//! use crmkit::contact::outcome::{classify_email, classify_sms_report, OutcomeClass, Reason};
//!
//! let o = classify_email("550 5.1.1 <ayse@example.com>: Recipient address rejected: User unknown");
//! assert_eq!((o.class, o.reason), (OutcomeClass::Permanent, Reason::UserUnknown));
//! assert_eq!(o.enhanced_code.as_deref(), Some("5.1.1"));
//!
//! let o = classify_email("452 4.2.2 The email account that you tried to reach is over quota");
//! assert_eq!((o.class, o.reason), (OutcomeClass::Transient, Reason::MailboxFull));
//!
//! let o = classify_sms_report("id:42 sub:001 dlvrd:000 submit date:2611221200 done date:2611221201 stat:UNDELIV err:001 text:Merhaba");
//! assert_eq!((o.class, o.reason), (OutcomeClass::Permanent, Reason::UnknownSubscriber));
//! assert_eq!(o.gsm_error, Some(1));
//! ```

use super::ContactError;
use crate::error::Result;

/// The delivery channel of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email: SMTP replies, enhanced status codes, DSNs, engagement events.
    Email,
    /// SMS: delivery report states and GSM error codes.
    Sms,
}

impl Channel {
    /// Parses `"email"` or `"sms"` (case-insensitive).
    pub fn parse(s: &str) -> Result<Channel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" | "e-mail" | "mail" => Ok(Channel::Email),
            "sms" => Ok(Channel::Sms),
            _ => Err(ContactError::UnknownChannel(s.to_owned()).into()),
        }
    }
}

/// What an outcome says about the contact point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    /// The message arrived: the point works.
    Success,
    /// Temporary failure: retry later.
    Transient,
    /// The point does not work: never resend (suppress).
    Permanent,
    /// The outcome says nothing about the point (policy blocks, message
    /// problems, pending states, unrecognized text).
    Unknown,
}

impl OutcomeClass {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeClass::Success => "success",
            OutcomeClass::Transient => "transient",
            OutcomeClass::Permanent => "permanent",
            OutcomeClass::Unknown => "unknown",
        }
    }
}

macro_rules! reasons {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// Why an outcome was classified as it was; a stable code.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Reason {
            $($(#[$doc])* $variant,)*
        }

        impl Reason {
            /// Every reason.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),*];

            /// The stable snake_case code, e.g. `"user_unknown"`.
            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $name,)* }
            }
        }
    };
}

reasons! {
    /// Delivered (2.x.x, `DELIVRD`, "delivered").
    Delivered => "delivered",
    /// The recipient opened, clicked or replied.
    Engaged => "engaged",
    /// Mailbox full or over quota (4.2.2, 5.2.2, 552).
    MailboxFull => "mailbox_full",
    /// Delivery time expired (4.4.7, SMS `EXPIRED`).
    Expired => "expired",
    /// Temporary routing or connection problem (4.4.x).
    RoutingDelay => "routing_delay",
    /// Greylisting or rate limiting (4.7.x without policy wording).
    Throttled => "throttled",
    /// Another temporary failure (4.x.x).
    TemporaryFailure => "temporary_failure",
    /// The mailbox does not exist (5.1.1).
    UserUnknown => "user_unknown",
    /// The domain does not exist or cannot be routed (5.1.2, 5.4.4).
    BadDomain => "bad_domain",
    /// The address is syntactically wrong (5.1.3).
    BadAddressSyntax => "bad_address_syntax",
    /// The domain publishes a null MX: it accepts no mail (5.1.10).
    NullMx => "null_mx",
    /// The mailbox moved; ask the customer for the new address (5.1.6).
    MailboxMoved => "mailbox_moved",
    /// The mailbox is disabled (5.2.1); a later success revives it.
    MailboxDisabled => "mailbox_disabled",
    /// Another permanent address failure (5.1.x, bare 550/551/553).
    BadDestination => "bad_destination",
    /// The message was refused for its own sake (size, content, protocol):
    /// says nothing about the address.
    MessageProblem => "message_problem",
    /// Policy, spam or authentication block: sender reputation, not the contact.
    Policy => "policy",
    /// A mail-system problem on the receiving side (5.3.x).
    SystemProblem => "system_problem",
    /// Unknown or unidentified subscriber (GSM 1, 2, 5).
    UnknownSubscriber => "unknown_subscriber",
    /// Illegal subscriber (GSM 9).
    IllegalSubscriber => "illegal_subscriber",
    /// The number cannot receive SMS, e.g. a landline (GSM 11).
    TeleserviceNotProvisioned => "teleservice_not_provisioned",
    /// Illegal equipment (GSM 12).
    IllegalEquipment => "illegal_equipment",
    /// The subscriber is barred (GSM 13): long-term.
    Barred => "barred",
    /// The subscriber is deregistered (GSM 64): long-term.
    Deregistered => "deregistered",
    /// The phone is off or out of coverage (GSM 6, 27, 60–63).
    AbsentSubscriber => "absent_subscriber",
    /// The subscriber is busy (GSM 31).
    SubscriberBusy => "subscriber_busy",
    /// A network system failure (GSM 34).
    SystemFailure => "system_failure",
    /// The phone's message memory is full (GSM 40, 52).
    MemoryFull => "memory_full",
    /// The report is not final yet (`ENROUTE`, `ACCEPTD`, `BUFFRED`, `SCHEDLD`…)
    /// or says nothing final (`DELETED`, `UNKNOWN`, `SKIPPED`).
    SmsPending => "sms_pending",
    /// Nothing recognizable.
    Unrecognized => "unrecognized",
}

/// A classified delivery outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// The class.
    pub class: OutcomeClass,
    /// The reason code.
    pub reason: Reason,
    /// The channel it was classified for.
    pub channel: Channel,
    /// The RFC 3463 enhanced status code found, e.g. `"5.1.1"`.
    pub enhanced_code: Option<String>,
    /// The basic SMTP reply code found, e.g. 550.
    pub smtp_code: Option<u16>,
    /// The SMS report state found, e.g. `"UNDELIV"`.
    pub sms_state: Option<String>,
    /// The GSM error code found.
    pub gsm_error: Option<u16>,
    /// A transient failure that is expected to last (barred, deregistered):
    /// retrying soon is pointless.
    pub long_term: bool,
}

impl Outcome {
    fn new(channel: Channel, class: OutcomeClass, reason: Reason) -> Outcome {
        Outcome {
            class,
            reason,
            channel,
            enhanced_code: None,
            smtp_code: None,
            sms_state: None,
            gsm_error: None,
            long_term: false,
        }
    }
}

/// Classifies an outcome text for a channel: [`classify_email`] or
/// [`classify_sms_report`].
pub fn classify(text: &str, channel: Channel) -> Outcome {
    match channel {
        Channel::Email => classify_email(text),
        Channel::Sms => classify_sms_report(text),
    }
}

/// An RFC 3463 enhanced status code: class.subject.detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Enhanced {
    class: u8,
    subject: u16,
    detail: u16,
}

/// Reads `digits` from the start of `s`: up to `max` ASCII digits.
fn leading_number(s: &[u8], max: usize) -> Option<(u32, usize)> {
    let len = s
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if len == 0 || len > max {
        return None;
    }
    let value = s[..len]
        .iter()
        .fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
    Some((value, len))
}

fn is_boundary(b: Option<&u8>) -> bool {
    b.is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'.'))
}

/// Every enhanced status code in `text`, in order, with its byte offset.
fn enhanced_codes(text: &str) -> Vec<(usize, Enhanced)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = matches!(bytes[i], b'2' | b'4' | b'5')
            && (i == 0 || is_boundary(bytes.get(i - 1)))
            && bytes.get(i + 1) == Some(&b'.');
        if starts {
            let rest = &bytes[i + 2..];
            if let Some((subject, a)) = leading_number(rest, 3)
                && rest.get(a) == Some(&b'.')
                && let Some((detail, b)) = leading_number(&rest[a + 1..], 3)
            {
                let end = i + 2 + a + 1 + b;
                if is_boundary(bytes.get(end)) {
                    found.push((
                        i,
                        Enhanced {
                            class: bytes[i] - b'0',
                            subject: subject as u16,
                            detail: detail as u16,
                        },
                    ));
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    found
}

/// The first basic SMTP reply code: three digits starting with 2, 4 or 5,
/// standing alone (at a line start, after `smtp;`, or as a word).
fn smtp_code(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let alone_before =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        let code = &bytes[i..bytes.len().min(i + 3)];
        let alone_after = bytes
            .get(i + 3)
            .is_none_or(|b| matches!(b, b' ' | b'-' | b'\t' | b'\r' | b'\n' | b';' | b','));
        (alone_before
            && code.len() == 3
            && matches!(code[0], b'2' | b'4' | b'5')
            && code.iter().all(u8::is_ascii_digit)
            && alone_after)
            .then(|| {
                (u16::from(code[0] - b'0')) * 100
                    + u16::from(code[1] - b'0') * 10
                    + u16::from(code[2] - b'0')
            })
    })
}

/// Phrases that name what happened, for replies without a usable code.
/// Matched on the lower-cased, ASCII-folded text.
const PHRASES: &[(&[&str], OutcomeClass, Reason)] = &[
    (
        &[
            "user unknown",
            "unknown user",
            "no such user",
            "unknown recipient",
            "recipient unknown",
            "recipient not found",
            "does not exist",
            "doesn't exist",
            "invalid recipient",
            "no mailbox",
            "mailbox not found",
            "address rejected",
            "account that you tried to reach does not exist",
            "boyle bir kullanici yok",
            "kullanici bulunamadi",
            "alici bulunamadi",
            "gecersiz alici",
        ],
        OutcomeClass::Permanent,
        Reason::UserUnknown,
    ),
    (
        &[
            "mailbox full",
            "mailbox is full",
            "over quota",
            "quota exceeded",
            "exceeded storage",
            "insufficient storage",
            "posta kutusu dolu",
            "kota asildi",
        ],
        OutcomeClass::Transient,
        Reason::MailboxFull,
    ),
    (
        &[
            "disabled",
            "deactivated",
            "inactive account",
            "account suspended",
            "hesap askiya",
        ],
        OutcomeClass::Permanent,
        Reason::MailboxDisabled,
    ),
    (
        &[
            "spam",
            "blocked",
            "blacklist",
            "blocklist",
            "denylist",
            "policy",
            "reputation",
            "dmarc",
            "spf",
            "dkim",
            "authentication",
            "engellendi",
        ],
        OutcomeClass::Unknown,
        Reason::Policy,
    ),
    (
        &[
            "greylist",
            "graylist",
            "try again later",
            "rate limit",
            "too many",
            "throttl",
            "daha sonra tekrar",
        ],
        OutcomeClass::Transient,
        Reason::Throttled,
    ),
    (
        &[
            "host not found",
            "domain not found",
            "no mx",
            "unrouteable",
            "unroutable",
            "nxdomain",
            "alan adi bulunamadi",
        ],
        OutcomeClass::Permanent,
        Reason::BadDomain,
    ),
    (
        &[
            "message too large",
            "message size",
            "too big",
            "content rejected",
            "virus",
        ],
        OutcomeClass::Unknown,
        Reason::MessageProblem,
    ),
    (
        &["hard bounce", "hardbounce", "hard_bounce"],
        OutcomeClass::Permanent,
        Reason::BadDestination,
    ),
    (
        &["soft bounce", "softbounce", "soft_bounce", "delayed"],
        OutcomeClass::Transient,
        Reason::TemporaryFailure,
    ),
    (
        &["opened", "open", "clicked", "click", "replied", "reply"],
        OutcomeClass::Success,
        Reason::Engaged,
    ),
    (
        &["delivered", "delivery", "iletildi", "teslim edildi"],
        OutcomeClass::Success,
        Reason::Delivered,
    ),
];

fn phrase_match(folded: &str) -> Option<(OutcomeClass, Reason)> {
    PHRASES.iter().find_map(|(phrases, class, reason)| {
        phrases
            .iter()
            .any(|p| contains_word(folded, p))
            .then_some((*class, *reason))
    })
}

/// `needle` occurs in `haystack` starting at a word boundary (so "open"
/// does not match "reopened" but "throttl" matches "throttled").
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack
        .match_indices(needle)
        .any(|(i, _)| i == 0 || !haystack.as_bytes()[i - 1].is_ascii_alphanumeric())
}

fn classify_enhanced(e: Enhanced, folded: &str) -> (OutcomeClass, Reason) {
    use OutcomeClass::*;
    let policy_words = || {
        [
            "spam",
            "policy",
            "blocked",
            "blacklist",
            "blocklist",
            "reputation",
            "authentication",
            "dmarc",
            "spf",
            "dkim",
        ]
        .iter()
        .any(|w| folded.contains(w))
    };
    match (e.class, e.subject, e.detail) {
        (2, _, _) => (Success, Reason::Delivered),
        (4 | 5, 2, 2) => (Transient, Reason::MailboxFull),
        (4, 4, 7) | (5, 4, 7) => (Transient, Reason::Expired),
        (4, 4, _) => (Transient, Reason::RoutingDelay),
        (4, 7, _) if policy_words() => (Unknown, Reason::Policy),
        (4, 7, _) => (Transient, Reason::Throttled),
        (4, _, _) => (Transient, Reason::TemporaryFailure),
        (5, 1, 1) => (Permanent, Reason::UserUnknown),
        (5, 1, 2) | (5, 4, 4) => (Permanent, Reason::BadDomain),
        (5, 1, 3) => (Permanent, Reason::BadAddressSyntax),
        (5, 1, 10) => (Permanent, Reason::NullMx),
        (5, 1, 6) => (Permanent, Reason::MailboxMoved),
        (5, 1, _) => (Permanent, Reason::BadDestination),
        (5, 2, 1) => (Permanent, Reason::MailboxDisabled),
        (5, 2, 3) | (5, 3, 4) | (5, 5, _) | (5, 6, _) => (Unknown, Reason::MessageProblem),
        (5, 3, _) => (Unknown, Reason::SystemProblem),
        (5, 7, _) => (Unknown, Reason::Policy),
        // 5.0.0, 5.2.0, 5.4.x…: the wording may still tell
        (5, _, _) => phrase_match(folded).unwrap_or((Unknown, Reason::Unrecognized)),
        _ => (Unknown, Reason::Unrecognized),
    }
}

fn classify_basic(code: u16, folded: &str) -> (OutcomeClass, Reason) {
    use OutcomeClass::*;
    if let Some(found) = phrase_match(folded) {
        // the wording is more specific than a basic code, except that a
        // success code cannot be a failure and vice versa
        let agrees = match code / 100 {
            2 => found.0 == Success,
            _ => found.0 != Success,
        };
        if agrees {
            return found;
        }
    }
    match code {
        200..=299 => (Success, Reason::Delivered),
        421 | 450 | 451 => (Transient, Reason::TemporaryFailure),
        452 | 552 => (Transient, Reason::MailboxFull),
        400..=499 => (Transient, Reason::TemporaryFailure),
        550 | 551 | 553 => (Permanent, Reason::BadDestination),
        _ => (Unknown, Reason::Unrecognized),
    }
}

/// Classifies an email outcome: an SMTP reply (`550 5.1.1 User unknown`), a
/// bare enhanced code (`5.1.1`), a DSN (`Status:`/`Action:`/`Diagnostic-Code:`
/// fields) or an engagement event (`delivered`, `opened`, `clicked`).
///
/// In a DSN, the `Status:` field wins over codes quoted elsewhere in it.
pub fn classify_email(text: &str) -> Outcome {
    let folded = crate::text::fold_ascii(&text.to_lowercase());
    let codes = enhanced_codes(text);
    let status_field = folded.find("status:").and_then(|at| {
        codes
            .iter()
            .find(|(offset, _)| *offset > at)
            .map(|(_, e)| *e)
    });
    let enhanced = status_field.or_else(|| codes.first().map(|(_, e)| *e));
    let basic = smtp_code(text);
    let (class, reason) = match (enhanced, basic) {
        (Some(e), _) => classify_enhanced(e, &folded),
        (None, Some(code)) => classify_basic(code, &folded),
        (None, None) => {
            phrase_match(&folded).unwrap_or((OutcomeClass::Unknown, Reason::Unrecognized))
        }
    };
    let mut o = Outcome::new(Channel::Email, class, reason);
    o.enhanced_code = enhanced.map(|e| format!("{}.{}.{}", e.class, e.subject, e.detail));
    o.smtp_code = basic;
    o
}

/// SMS delivery report states, as SMPP delivery receipts spell them.
const SMS_STATES: &[&str] = &[
    "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE",
    "SCHEDLD", "BUFFRED", "SKIPPED",
];

/// Long spellings some gateways use, mapped to the SMPP state.
const SMS_STATE_ALIASES: &[(&str, &str)] = &[
    ("DELIVERED", "DELIVRD"),
    ("UNDELIVERABLE", "UNDELIV"),
    ("UNDELIVERED", "UNDELIV"),
    ("REJECTED", "REJECTD"),
    ("ACCEPTED", "ACCEPTD"),
    ("BUFFERED", "BUFFRED"),
    ("SCHEDULED", "SCHEDLD"),
    ("FAILED", "UNDELIV"),
];

fn sms_state(upper: &str) -> Option<&'static str> {
    // "stat:UNDELIV" in a receipt, else the first state word anywhere
    let words = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    for w in words {
        if let Some(s) = SMS_STATES.iter().find(|s| **s == w) {
            return Some(s);
        }
        if let Some((_, s)) = SMS_STATE_ALIASES.iter().find(|(alias, _)| *alias == w) {
            return Some(s);
        }
    }
    None
}

fn gsm_error_in(upper: &str) -> Option<u16> {
    let at = upper.find("ERR:").map(|i| i + 4).or_else(|| {
        upper
            .find("ERROR:")
            .map(|i| i + 6)
            .or_else(|| upper.find("ERR=").map(|i| i + 4))
    })?;
    let digits: String = upper[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(5)
        .collect();
    digits.parse().ok()
}

/// Classifies an SMS delivery report state with its GSM error code.
///
/// ```
/// use crmkit::contact::outcome::{classify_sms, OutcomeClass, Reason};
/// assert_eq!(classify_sms("DELIVRD", None).class, OutcomeClass::Success);
/// assert_eq!(classify_sms("UNDELIV", Some(11)).reason, Reason::TeleserviceNotProvisioned);
/// let barred = classify_sms("UNDELIV", Some(13));
/// assert!(barred.long_term && barred.class == OutcomeClass::Transient);
/// ```
pub fn classify_sms(state: &str, gsm_error: Option<u16>) -> Outcome {
    let upper = state.trim().to_ascii_uppercase();
    let found = sms_state(&upper);
    let mut o = classify_sms_parts(found, gsm_error);
    o.sms_state = found.map(str::to_owned);
    o.gsm_error = gsm_error;
    o
}

/// Classifies an SMS delivery report given as text: an SMPP delivery receipt
/// (`id:… stat:UNDELIV err:001 …`), a bare state (`DELIVRD`), or a state with
/// an error (`UNDELIV 1`, `REJECTD err=11`).
pub fn classify_sms_report(text: &str) -> Outcome {
    let upper = text.to_ascii_uppercase();
    let state = sms_state(&upper);
    let error = gsm_error_in(&upper).or_else(|| {
        // "UNDELIV 1": a lone number after the state
        let after_state = state.and_then(|s| upper.find(s).map(|i| &upper[i + s.len()..]))?;
        let number: String = after_state
            .trim_start_matches(|c: char| !c.is_ascii_digit() && !c.is_ascii_alphabetic())
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        number.parse().ok()
    });
    let mut o = classify_sms_parts(state, error);
    o.sms_state = state.map(str::to_owned);
    o.gsm_error = error;
    o
}

fn classify_sms_parts(state: Option<&str>, error: Option<u16>) -> Outcome {
    use OutcomeClass::*;
    let (class, reason, long_term) = match state {
        Some("DELIVRD") => (Success, Reason::Delivered, false),
        Some("EXPIRED") => (Transient, Reason::Expired, false),
        Some("UNDELIV" | "REJECTD") | None => match error {
            Some(1 | 5) => (Permanent, Reason::UnknownSubscriber, false),
            Some(2) => (Permanent, Reason::UnknownSubscriber, false),
            Some(9) => (Permanent, Reason::IllegalSubscriber, false),
            Some(11) => (Permanent, Reason::TeleserviceNotProvisioned, false),
            Some(12) => (Permanent, Reason::IllegalEquipment, false),
            Some(13) => (Transient, Reason::Barred, true),
            Some(64) => (Transient, Reason::Deregistered, true),
            Some(6 | 27 | 60..=63) => (Transient, Reason::AbsentSubscriber, false),
            Some(31) => (Transient, Reason::SubscriberBusy, false),
            Some(34) => (Transient, Reason::SystemFailure, false),
            Some(40 | 52) => (Transient, Reason::MemoryFull, false),
            _ => (Unknown, Reason::Unrecognized, false),
        },
        Some(_) => (Unknown, Reason::SmsPending, false),
    };
    let mut o = Outcome::new(Channel::Sms, class, reason);
    o.long_term = long_term;
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutcomeClass::*;

    fn email(text: &str) -> (OutcomeClass, Reason) {
        let o = classify_email(text);
        (o.class, o.reason)
    }

    #[test]
    fn enhanced_codes_follow_rfc_3463() {
        assert_eq!(email("2.0.0 OK"), (Success, Reason::Delivered));
        assert_eq!(email("5.1.1"), (Permanent, Reason::UserUnknown));
        assert_eq!(email("5.1.2"), (Permanent, Reason::BadDomain));
        assert_eq!(email("5.1.3"), (Permanent, Reason::BadAddressSyntax));
        assert_eq!(email("5.1.10"), (Permanent, Reason::NullMx));
        assert_eq!(email("5.1.6"), (Permanent, Reason::MailboxMoved));
        assert_eq!(email("5.2.1"), (Permanent, Reason::MailboxDisabled));
        assert_eq!(
            email("552 5.2.2 Mailbox full"),
            (Transient, Reason::MailboxFull)
        );
        assert_eq!(email("4.2.2"), (Transient, Reason::MailboxFull));
        assert_eq!(email("4.4.7"), (Transient, Reason::Expired));
        assert_eq!(
            email("4.4.1 No answer from host"),
            (Transient, Reason::RoutingDelay)
        );
        assert_eq!(
            email("451 4.7.1 Greylisted, try again later"),
            (Transient, Reason::Throttled)
        );
        assert_eq!(
            email("421 4.7.0 IP not in whitelist for RCPT, blocked by policy"),
            (Unknown, Reason::Policy)
        );
        assert_eq!(
            email("550 5.7.1 Message rejected as spam"),
            (Unknown, Reason::Policy)
        );
        assert_eq!(email("5.2.3"), (Unknown, Reason::MessageProblem));
        assert_eq!(email("5.3.4"), (Unknown, Reason::MessageProblem));
        assert_eq!(email("5.5.2"), (Unknown, Reason::MessageProblem));
        assert_eq!(email("5.6.1"), (Unknown, Reason::MessageProblem));
        assert_eq!(
            email("554 5.4.4 Unable to route"),
            (Permanent, Reason::BadDomain)
        );
    }

    #[test]
    fn basic_codes_and_wording() {
        assert_eq!(
            email("550 Requested action not taken: mailbox unavailable"),
            (Permanent, Reason::BadDestination)
        );
        assert_eq!(
            email("550 No such user here"),
            (Permanent, Reason::UserUnknown)
        );
        assert_eq!(
            email("552 Requested mail action aborted: exceeded storage allocation"),
            (Transient, Reason::MailboxFull)
        );
        assert_eq!(
            email("554 Message refused: spam"),
            (Unknown, Reason::Policy)
        );
        assert_eq!(
            email("450 Mailbox busy"),
            (Transient, Reason::TemporaryFailure)
        );
        assert_eq!(email("250 OK"), (Success, Reason::Delivered));
        assert_eq!(email("opened"), (Success, Reason::Engaged));
        assert_eq!(email("Delivered"), (Success, Reason::Delivered));
        assert_eq!(email("Posta kutusu dolu"), (Transient, Reason::MailboxFull));
        assert_eq!(
            email("Böyle bir kullanıcı yok"),
            (Permanent, Reason::UserUnknown)
        );
        assert_eq!(email(""), (Unknown, Reason::Unrecognized));
        assert_eq!(email("reopened ticket"), (Unknown, Reason::Unrecognized));
    }

    #[test]
    fn dsn_status_field_wins() {
        let dsn = "Reporting-MTA: dns; mx.example.com\n\
                   Final-Recipient: rfc822; ayse@example.com\n\
                   Action: failed\n\
                   Status: 5.1.1\n\
                   Diagnostic-Code: smtp; 550 5.7.1 see https://example.com/5.7.1 user unknown\n";
        let o = classify_email(dsn);
        assert_eq!((o.class, o.reason), (Permanent, Reason::UserUnknown));
        assert_eq!(o.enhanced_code.as_deref(), Some("5.1.1"));
        assert_eq!(o.smtp_code, Some(550));
    }

    #[test]
    fn codes_need_boundaries() {
        // an IP address or version number is not a status code
        assert_eq!(enhanced_codes("from 192.5.1.1 via 15.1.1"), vec![]);
        assert_eq!(
            enhanced_codes("x 5.1.1,"),
            vec![(
                2,
                Enhanced {
                    class: 5,
                    subject: 1,
                    detail: 1
                }
            )]
        );
        assert_eq!(smtp_code("ticket 5500 closed"), None);
        assert_eq!(smtp_code("smtp; 550-5.1.1"), Some(550));
    }

    #[test]
    fn sms_reports() {
        let sms = |t: &str| {
            let o = classify_sms_report(t);
            (o.class, o.reason, o.gsm_error)
        };
        assert_eq!(sms("DELIVRD"), (Success, Reason::Delivered, None));
        assert_eq!(
            sms("stat:EXPIRED err:000"),
            (Transient, Reason::Expired, Some(0))
        );
        assert_eq!(
            sms("UNDELIV 1"),
            (Permanent, Reason::UnknownSubscriber, Some(1))
        );
        assert_eq!(
            sms("REJECTD err=11"),
            (Permanent, Reason::TeleserviceNotProvisioned, Some(11))
        );
        assert_eq!(
            sms("stat:UNDELIV err:027"),
            (Transient, Reason::AbsentSubscriber, Some(27))
        );
        assert_eq!(
            sms("stat:UNDELIV err:031"),
            (Transient, Reason::SubscriberBusy, Some(31))
        );
        assert_eq!(
            sms("stat:UNDELIV err:052"),
            (Transient, Reason::MemoryFull, Some(52))
        );
        assert_eq!(
            sms("stat:UNDELIV err:099"),
            (Unknown, Reason::Unrecognized, Some(99))
        );
        assert_eq!(sms("UNDELIV"), (Unknown, Reason::Unrecognized, None));
        for pending in [
            "ENROUTE", "SCHEDLD", "BUFFRED", "ACCEPTD", "DELETED", "UNKNOWN", "SKIPPED",
        ] {
            assert_eq!(sms(pending).0, Unknown, "{pending}");
            assert_eq!(sms(pending).1, Reason::SmsPending, "{pending}");
        }
        assert_eq!(sms("delivered").0, Success);
        assert_eq!(sms("gibberish").1, Reason::Unrecognized);
    }

    #[test]
    fn reasons_have_unique_snake_case_names() {
        let mut names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        for r in Reason::ALL {
            assert_eq!(
                serde_json::to_string(r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Reason::ALL.len());
    }

    #[test]
    fn channel_names() {
        assert_eq!(Channel::parse("SMS").unwrap(), Channel::Sms);
        assert!(Channel::parse("fax").is_err());
    }
}
