//! Email addresses: parse and validate, normalize, the provider-aware dedup
//! key, classification, and typo suggestions tuned for Turkish users.
//!
//! Validation follows Python `email-validator` (2.x) without DNS: dot-atom
//! local parts (quoted local parts and domain literals only when allowed),
//! internationalized local parts flagged as needing SMTPUTF8, IDNA domains,
//! no dotless or special-use domains, length limits in octets.
//!
//! ```
//! use crmkit::contact::email::{parse, EmailKind};
//!
//! let e = parse("Ayse.Yilmaz+kampanya@GoogleMail.com");
//! assert!(e.valid);
//! assert_eq!(e.normalized.as_deref(), Some("Ayse.Yilmaz+kampanya@googlemail.com"));
//! assert_eq!(e.dedup_key.as_deref(), Some("ayseyilmaz@gmail.com"));
//! assert_eq!(e.kind, Some(EmailKind::Free));
//!
//! let typo = parse("mehmet@gmial.com");
//! assert_eq!(typo.suggestion.as_deref(), Some("mehmet@gmail.com"));
//!
//! let bad = parse("ali@@example.com");
//! assert!(!bad.valid);
//! assert_eq!(bad.error.unwrap().as_str(), "invalid_local_character");
//! ```

mod lists;
mod syntax;
mod typo;

pub use lists::{EmailLists, ListKind};

use crate::error::Result;
use std::borrow::Cow;

/// Options mirroring `email-validator`'s keyword arguments (DNS excluded).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EmailOptions {
    /// Accept internationalized local parts (flagged `smtputf8`). Default true.
    pub allow_smtputf8: bool,
    /// Accept quoted local parts (`"john doe"@example.com`). Default false.
    pub allow_quoted_local: bool,
    /// Accept IP address literals as domains (`user@[192.0.2.1]`). Default false.
    pub allow_domain_literal: bool,
    /// Accept `Name <address>`. Default false.
    pub allow_display_name: bool,
    /// Enforce the 64-octet local-part limit. Default false.
    pub strict: bool,
    /// Accept the `test` top-level domain. Default false.
    pub test_environment: bool,
    /// Require a dotted domain under a top-level domain ending in a letter. Default true.
    pub globally_deliverable: bool,
}

impl Default for EmailOptions {
    fn default() -> Self {
        EmailOptions {
            allow_smtputf8: true,
            allow_quoted_local: false,
            allow_domain_literal: false,
            allow_display_name: false,
            strict: false,
            test_environment: false,
            globally_deliverable: true,
        }
    }
}

macro_rules! issues {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $message:literal;)*) => {
        /// Why an address is not valid: a stable code and a message.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EmailIssue {
            $($(#[$doc])* $variant,)*
        }

        impl EmailIssue {
            /// Every issue.
            pub const ALL: &'static [EmailIssue] = &[$(EmailIssue::$variant),*];

            /// The stable snake_case code.
            pub fn as_str(self) -> &'static str {
                match self { $(EmailIssue::$variant => $name,)* }
            }

            /// A message for people.
            pub fn message(self) -> &'static str {
                match self { $(EmailIssue::$variant => $message,)* }
            }
        }
    };
}

issues! {
    /// Nothing was given.
    Empty => "empty", "The email address is empty.";
    /// No `@`.
    MissingAt => "missing_at", "An email address must have an @-sign.";
    /// A full-width `＠` instead of `@`.
    FullWidthAt => "full_width_at", "The email address has the full-width at-sign (＠) instead of a regular @.";
    /// `Name <address>` where that is not allowed.
    DisplayNameNotAllowed => "display_name_not_allowed", "A display name and angle brackets around the email address are not permitted here.";
    /// Nothing before the `@`.
    EmptyLocalPart => "empty_local_part", "There must be something before the @-sign.";
    /// More than 64 octets before the `@` (strict mode).
    LocalPartTooLong => "local_part_too_long", "The email address is too long before the @-sign.";
    /// A character not allowed before the `@`.
    InvalidLocalCharacter => "invalid_local_character", "The email address contains invalid characters before the @-sign.";
    /// A quoted local part where that is not allowed.
    QuotedLocalNotAllowed => "quoted_local_not_allowed", "Quoting the part before the @-sign is not allowed here.";
    /// Internationalized characters before the `@` where SMTPUTF8 is not allowed.
    Smtputf8NotAllowed => "smtputf8_not_allowed", "Internationalized characters before the @-sign are not supported.";
    /// A control, format, private-use, unassigned or space character.
    UnsafeCharacter => "unsafe_character", "The email address contains unsafe characters.";
    /// A period at the start.
    LeadingDot => "leading_dot", "An email address cannot start with a period (before or after the @-sign).";
    /// A period at the end.
    TrailingDot => "trailing_dot", "An email address cannot have a period at the end (before or after the @-sign).";
    /// Two periods in a row.
    ConsecutiveDots => "consecutive_dots", "An email address cannot have two periods in a row.";
    /// Nothing after the `@`.
    EmptyDomain => "empty_domain", "There must be something after the @-sign.";
    /// A character not allowed in a domain.
    InvalidDomainCharacter => "invalid_domain_character", "The part after the @-sign contains invalid characters.";
    /// A label starting or ending with a hyphen.
    HyphenAtLabelEdge => "hyphen_at_label_edge", "A part of the domain cannot start or end with a hyphen.";
    /// A label with `--` in third and fourth place that is not Punycode (`xn--`).
    ReservedDoubleHyphen => "reserved_double_hyphen", "A part of the domain cannot have two letters followed by two hyphens, except Punycode (xn--).";
    /// A label over 63 octets.
    LabelTooLong => "label_too_long", "After the @-sign, periods cannot be separated by so many characters.";
    /// The domain fails IDNA.
    InvalidIdna => "invalid_idna", "The part after the @-sign is not a valid internationalized domain name.";
    /// The domain is over 253 octets.
    DomainTooLong => "domain_too_long", "The email address is too long after the @-sign.";
    /// A domain without a period.
    DotlessDomain => "dotless_domain", "The part after the @-sign is not valid. It should have a period.";
    /// A top-level domain that does not end in a letter.
    InvalidTld => "invalid_tld", "The part after the @-sign is not within a valid top-level domain.";
    /// A special-use or reserved domain (`.local`, `.invalid`, `.arpa`…).
    SpecialUseDomain => "special_use_domain", "The part after the @-sign is a special-use or reserved name that cannot be used with email.";
    /// An IP address literal where that is not allowed.
    DomainLiteralNotAllowed => "domain_literal_not_allowed", "A bracketed IP address after the @-sign is not allowed here.";
    /// A malformed IP address literal.
    InvalidDomainLiteral => "invalid_domain_literal", "The part after the @-sign is not a valid IP address literal.";
    /// Over 254 octets in all.
    TooLong => "too_long", "The email address is too long.";
}

impl std::fmt::Display for EmailIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// The kind of an address; one primary kind per address, by precedence
/// disposable > role > education > government > free > corporate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// A free mailbox provider (gmail.com, hotmail.com.tr, yandex.com.tr…).
    Free,
    /// A disposable-address provider.
    Disposable,
    /// A role account (info@, destek@, satis@, muhasebe@…).
    Role,
    /// A company domain.
    Corporate,
    /// A school or university (.edu, .edu.tr, .k12.tr, .ac.uk…).
    Education,
    /// A government domain (.gov, .gov.tr, .bel.tr…).
    Government,
}

impl EmailKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Free => "free",
            EmailKind::Disposable => "disposable",
            EmailKind::Role => "role",
            EmailKind::Corporate => "corporate",
            EmailKind::Education => "education",
            EmailKind::Government => "government",
        }
    }
}

/// A parsed email address. For an invalid address only `input`, `error`
/// and possibly `suggestion` are set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EmailAddress {
    /// The text as given.
    pub input: String,
    /// Whether the address is valid under the options.
    pub valid: bool,
    /// Local part NFC, domain lower-cased and in Unicode form.
    pub normalized: Option<String>,
    /// The part before the `@`, normalized.
    pub local_part: Option<String>,
    /// The ASCII form of the local part, when it is ASCII.
    pub ascii_local_part: Option<String>,
    /// The domain in Unicode form.
    pub domain: Option<String>,
    /// The domain in ASCII (IDNA) form.
    pub ascii_domain: Option<String>,
    /// The address in ASCII form, when the local part is ASCII.
    pub ascii_email: Option<String>,
    /// Whether delivery needs SMTPUTF8 (an internationalized local part).
    pub smtputf8: bool,
    /// The display name, if one was given and allowed.
    pub display_name: Option<String>,
    /// The key under which addresses of one mailbox coincide (see [`dedup_key`]).
    pub dedup_key: Option<String>,
    /// The kind of address.
    pub kind: Option<EmailKind>,
    /// A corrected address when this one looks like a typo.
    pub suggestion: Option<String>,
    /// Why the address is not valid.
    pub error: Option<EmailIssue>,
}

/// Parses with the default options and built-in lists.
pub fn parse(text: &str) -> EmailAddress {
    parse_with(text, &EmailOptions::default(), EmailLists::builtin())
}

/// Parses with explicit options and lists.
pub fn parse_with(text: &str, options: &EmailOptions, lists: &EmailLists) -> EmailAddress {
    parse_parts(text, options, lists).into_address(text)
}

/// What [`parse_parts`] makes of an address: the fields of
/// [`EmailAddress`] except the input, with each text borrowed from the input
/// where it is the input's own text (an address already in normalized form,
/// a key equal to the address), so that batch work allocates only for the
/// addresses that change.
///
/// ```
/// use std::borrow::Cow;
/// use crmkit::contact::email::{parse_parts, EmailKind, EmailLists, EmailOptions};
///
/// let text = "ayse.yilmaz@firma.com.tr";
/// let p = parse_parts(text, &EmailOptions::default(), EmailLists::builtin());
/// assert!(p.valid);
/// assert!(matches!(p.normalized, Some(Cow::Borrowed(n)) if n == text));
/// assert_eq!(p.dedup_key.as_deref(), Some(text));
/// assert_eq!(p.kind, Some(EmailKind::Corporate));
///
/// let gmail = parse_parts("A.Y+x@GMAIL.com", &EmailOptions::default(), EmailLists::builtin());
/// assert_eq!(gmail.normalized.as_deref(), Some("A.Y+x@gmail.com"));
/// assert_eq!(gmail.dedup_key.as_deref(), Some("ay@gmail.com"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailParts<'a> {
    /// See [`EmailAddress::valid`].
    pub valid: bool,
    /// See [`EmailAddress::normalized`].
    pub normalized: Option<Cow<'a, str>>,
    /// See [`EmailAddress::local_part`].
    pub local_part: Option<Cow<'a, str>>,
    /// See [`EmailAddress::ascii_local_part`].
    pub ascii_local_part: Option<Cow<'a, str>>,
    /// See [`EmailAddress::domain`].
    pub domain: Option<Cow<'a, str>>,
    /// See [`EmailAddress::ascii_domain`].
    pub ascii_domain: Option<Cow<'a, str>>,
    /// See [`EmailAddress::ascii_email`].
    pub ascii_email: Option<Cow<'a, str>>,
    /// See [`EmailAddress::smtputf8`].
    pub smtputf8: bool,
    /// See [`EmailAddress::display_name`].
    pub display_name: Option<String>,
    /// See [`EmailAddress::dedup_key`].
    pub dedup_key: Option<Cow<'a, str>>,
    /// See [`EmailAddress::kind`].
    pub kind: Option<EmailKind>,
    /// See [`EmailAddress::suggestion`].
    pub suggestion: Option<String>,
    /// See [`EmailAddress::error`].
    pub error: Option<EmailIssue>,
}

impl EmailParts<'_> {
    /// The owned [`EmailAddress`] of these parts; `input` is the text they
    /// were parsed from.
    pub fn into_address(self, input: &str) -> EmailAddress {
        let own = |c: Option<Cow<'_, str>>| c.map(Cow::into_owned);
        EmailAddress {
            input: input.to_owned(),
            valid: self.valid,
            normalized: own(self.normalized),
            local_part: own(self.local_part),
            ascii_local_part: own(self.ascii_local_part),
            domain: own(self.domain),
            ascii_domain: own(self.ascii_domain),
            ascii_email: own(self.ascii_email),
            smtputf8: self.smtputf8,
            display_name: self.display_name,
            dedup_key: own(self.dedup_key),
            kind: self.kind,
            suggestion: self.suggestion,
            error: self.error,
        }
    }
}

/// Parses `text` like [`parse_with`] without copying the texts that are
/// the input's own (see [`EmailParts`]): the fast path for batches.
pub fn parse_parts<'a>(
    text: &'a str,
    options: &EmailOptions,
    lists: &EmailLists,
) -> EmailParts<'a> {
    let mut out = EmailParts {
        valid: false,
        normalized: None,
        local_part: None,
        ascii_local_part: None,
        domain: None,
        ascii_domain: None,
        ascii_email: None,
        smtputf8: false,
        display_name: None,
        dedup_key: None,
        kind: None,
        suggestion: typo::suggest(text),
        error: None,
    };
    match syntax::check(text, options) {
        Ok(s) => {
            out.valid = true;
            let normalized = join(s.address, &s.local_part, &s.domain);
            out.ascii_email = s.ascii_local_part.as_ref().map(|l| {
                if s.ascii_domain == s.domain && *l == s.local_part {
                    normalized.clone()
                } else {
                    join(s.address, l, &s.ascii_domain)
                }
            });
            out.dedup_key = Some(dedup_key_of(&s.local_part, &s.ascii_domain, &normalized));
            out.normalized = Some(normalized);
            out.kind = Some(lists.classify(&s.local_part, &s.ascii_domain));
            out.smtputf8 = s.smtputf8;
            out.display_name = s.display_name;
            out.local_part = Some(s.local_part);
            out.ascii_local_part = s.ascii_local_part;
            out.domain = Some(s.domain);
            out.ascii_domain = Some(s.ascii_domain);
        }
        Err(issue) => out.error = Some(issue),
    }
    out
}

/// Parses many addresses.
pub fn parse_many<S: AsRef<str>>(
    texts: &[S],
    options: &EmailOptions,
    lists: &EmailLists,
) -> Vec<EmailAddress> {
    texts
        .iter()
        .map(|t| parse_with(t.as_ref(), options, lists))
        .collect()
}

/// Providers whose documentation says dots in the local part are ignored
/// and `+tag` is a sub-address of the same mailbox: Gmail (gmail.com and
/// googlemail.com, which is the same service).
const GMAIL: &[&str] = &["gmail.com", "googlemail.com"];

/// Providers that document `+tag` sub-addressing but keep dots significant:
/// Outlook.com/Hotmail/Live, iCloud, Fastmail, Proton, Yandex.
const PLUS_TAGS: &[&str] = &[
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "outlook.com.tr",
    "hotmail.com.tr",
    "icloud.com",
    "me.com",
    "mac.com",
    "fastmail.com",
    "proton.me",
    "protonmail.com",
    "yandex.com",
    "yandex.ru",
    "yandex.com.tr",
];

/// `local@domain`: `address` itself when it is that text already, else one
/// allocation.
fn join<'a>(address: &'a str, local: &str, domain: &str) -> Cow<'a, str> {
    let same = address.len() == local.len() + 1 + domain.len()
        && address.as_bytes()[local.len()] == b'@'
        && address.starts_with(local)
        && address.ends_with(domain);
    if same {
        return Cow::Borrowed(address);
    }
    let mut out = String::with_capacity(local.len() + 1 + domain.len());
    out.push_str(local);
    out.push('@');
    out.push_str(domain);
    Cow::Owned(out)
}

/// `s` in lower case, borrowed when it already is (the common case).
fn lower(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(crate::text::lowercase(s, crate::text::CaseRules::Standard))
    }
}

/// The dedup key of `local@ascii_domain`; `normalized` (the address) is
/// shared when the key is the address itself.
fn dedup_key_of<'a>(local: &str, ascii_domain: &str, normalized: &Cow<'a, str>) -> Cow<'a, str> {
    let domain = lower(ascii_domain);
    let local = lower(local);
    let plain_key = || {
        let mut out = String::with_capacity(local.len() + 1 + domain.len());
        out.push_str(&local);
        out.push('@');
        out.push_str(&domain);
        out
    };
    if GMAIL.contains(&domain.as_ref()) {
        let base = local.split('+').next().unwrap_or("");
        let mut out = String::with_capacity(base.len() + 10);
        out.extend(base.chars().filter(|c| *c != '.'));
        out.push_str("@gmail.com");
        Cow::Owned(out)
    } else if PLUS_TAGS.contains(&domain.as_ref()) {
        let base = local.split('+').next().unwrap_or("");
        let mut out = String::with_capacity(base.len() + 1 + domain.len());
        out.push_str(base);
        out.push('@');
        out.push_str(&domain);
        Cow::Owned(out)
    } else if matches!((&local, &domain), (Cow::Borrowed(_), Cow::Borrowed(_)))
        && normalized.len() == local.len() + 1 + domain.len()
        && normalized.ends_with(domain.as_ref())
        && normalized.starts_with(local.as_ref())
    {
        // already lower case: the key is the normalized address
        normalized.clone()
    } else {
        Cow::Owned(plain_key())
    }
}

/// The provider-aware dedup key of a valid address: lower case; for Gmail
/// (and googlemail.com, mapped to gmail.com) dots and `+tag` removed; for
/// providers that document plus-addressing (Outlook/Hotmail, iCloud,
/// Fastmail, Proton, Yandex) the `+tag` removed. Only documented rules are
/// applied. `None` for an invalid address.
///
/// ```
/// use crmkit::contact::email::dedup_key;
/// assert_eq!(dedup_key("A.Y.Demir+fatura@gmail.com").as_deref(), Some("aydemir@gmail.com"));
/// assert_eq!(dedup_key("ali.veli+x@hotmail.com.tr").as_deref(), Some("ali.veli@hotmail.com.tr"));
/// assert_eq!(dedup_key("Ali.Veli@Firma.com.tr").as_deref(), Some("ali.veli@firma.com.tr"));
/// ```
pub fn dedup_key(text: &str) -> Option<String> {
    syntax::check(text, &EmailOptions::default()).ok().map(|s| {
        let normalized = join(s.address, &s.local_part, &s.domain);
        dedup_key_of(&s.local_part, &s.ascii_domain, &normalized).into_owned()
    })
}

/// Classifies a valid address with the built-in lists.
pub fn classify(text: &str) -> Result<EmailKind, EmailIssue> {
    let s = syntax::check(text, &EmailOptions::default())?;
    Ok(EmailLists::builtin().classify(&s.local_part, &s.ascii_domain))
}

#[cfg(test)]
mod tests;
