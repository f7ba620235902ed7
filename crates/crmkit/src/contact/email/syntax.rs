//! Email address syntax, following the behaviour of Python's
//! `email-validator` (2.x) without DNS: dot-atom local parts, IDNA domains
//! through UTS-46, SMTPUTF8 for internationalized local parts, the special
//! use domains, and the length limits in octets.

use super::{EmailIssue, EmailOptions};
use crate::contact::fasthash::RecentMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Longest address, in octets (RFC 5321 path limit minus the angle brackets).
pub(crate) const EMAIL_MAX_LENGTH: usize = 254;
/// Longest local part, in octets; enforced only in strict mode, as
/// `email-validator` does.
pub(crate) const LOCAL_PART_MAX_LENGTH: usize = 64;
/// Longest domain, in octets.
pub(crate) const DOMAIN_MAX_LENGTH: usize = 253;
/// Longest DNS label, in octets.
pub(crate) const LABEL_MAX_LENGTH: usize = 63;

/// Domains reserved for special uses (RFC 6761 and others) that never receive mail.
const SPECIAL_USE_DOMAINS: &[&str] = &["arpa", "invalid", "local", "localhost", "onion", "test"];

/// The syntax-level result of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Syntax {
    pub(crate) local_part: String,
    pub(crate) ascii_local_part: Option<String>,
    pub(crate) domain: String,
    pub(crate) ascii_domain: String,
    pub(crate) smtputf8: bool,
    pub(crate) display_name: Option<String>,
}

fn is_atext(c: char) -> bool {
    c.is_ascii() && is_atext_byte(c as u8)
}

fn is_atext_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

fn is_atext_intl(c: char) -> bool {
    is_atext(c) || !c.is_ascii()
}

/// Characters that are never acceptable anywhere: controls, format
/// characters, surrogates, private use, unassigned, line and paragraph
/// separators, spaces (except ASCII space where allowed), and a combining
/// mark in first position.
fn unsafe_chars(s: &str, allow_space: bool) -> bool {
    s.chars().enumerate().any(|(i, c)| {
        use GeneralCategory::*;
        match get_general_category(c) {
            UppercaseLetter | LowercaseLetter | TitlecaseLetter | ModifierLetter | OtherLetter => {
                false
            }
            DecimalNumber | LetterNumber | OtherNumber => false,
            ConnectorPunctuation | DashPunctuation | OpenPunctuation | ClosePunctuation
            | InitialPunctuation | FinalPunctuation | OtherPunctuation => false,
            MathSymbol | CurrencySymbol | ModifierSymbol | OtherSymbol => false,
            NonspacingMark | SpacingMark | EnclosingMark => i == 0,
            SpaceSeparator => !(allow_space && c == ' '),
            _ => true,
        }
    })
}

fn is_dot_atom(s: &str, intl: bool) -> bool {
    if s.is_ascii() {
        // ASCII text is a dot-atom under both rules alike
        let b = s.as_bytes();
        return !b.is_empty()
            && b[0] != b'.'
            && b[b.len() - 1] != b'.'
            && !b.windows(2).any(|w| w == b"..")
            && b.iter().all(|&c| c == b'.' || is_atext_byte(c));
    }
    let ok = if intl { is_atext_intl } else { is_atext };
    !s.is_empty()
        && s.split('.')
            .all(|part| !part.is_empty() && part.chars().all(ok))
}

/// Splits off a display name (`Name <addr>`) and finds the `@` that
/// separates local part and domain (the last one outside quotes).
fn split<'a>(
    input: &'a str,
    options: &EmailOptions,
) -> Result<(Option<String>, &'a str, &'a str), EmailIssue> {
    let mut address = input;
    let mut display_name = None;
    if let Some(open) = input.find('<') {
        if input.ends_with('>') {
            if !options.allow_display_name {
                return Err(EmailIssue::DisplayNameNotAllowed);
            }
            let name = input[..open].trim();
            let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                Some(quoted) => {
                    // a quoted display name may escape quotes and backslashes
                    let mut out = String::new();
                    let mut chars = quoted.chars();
                    while let Some(c) = chars.next() {
                        out.push(if c == '\\' {
                            chars.next().unwrap_or('\\')
                        } else {
                            c
                        });
                    }
                    out
                }
                None => name.to_owned(),
            };
            let name: String = name.nfc().collect();
            display_name = (!name.is_empty()).then_some(name);
            address = &input[open + 1..input.len() - 1];
        }
    }
    if !address.contains('"') {
        // no quoting: the separating `@` is simply the last one
        return match address.rfind('@') {
            Some(i) => Ok((display_name, &address[..i], &address[i + 1..])),
            None if address.contains('\u{FF20}') => Err(EmailIssue::FullWidthAt),
            None => Err(EmailIssue::MissingAt),
        };
    }
    let mut in_quotes = false;
    let mut escaped = false;
    let mut at = None;
    for (i, c) in address.char_indices() {
        if escaped {
            escaped = false;
        } else if in_quotes && c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quotes = !in_quotes;
        } else if c == '@' && !in_quotes {
            at = Some(i);
        }
    }
    match at {
        Some(i) => Ok((display_name, &address[..i], &address[i + 1..])),
        None if address.contains('\u{FF20}') => Err(EmailIssue::FullWidthAt),
        None => Err(EmailIssue::MissingAt),
    }
}

/// The content of a quoted local part, unescaped; `None` when it is not a
/// well-formed quoted string.
fn unquote(local: &str) -> Option<String> {
    let inner = local.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(
                chars
                    .next()
                    .filter(|n| *n == ' ' || *n == '\t' || (!n.is_control() && *n != '\u{7f}'))?,
            ),
            '"' => return None,
            c if c == ' ' || c == '\t' || (!c.is_control() && c != '\u{7f}') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

fn local_part(
    raw: &str,
    options: &EmailOptions,
) -> Result<(String, Option<String>, bool), EmailIssue> {
    // the text as given must be valid, and so must its NFC form: "<" and a
    // combining overlay make "≮", and U+037E GREEK QUESTION MARK becomes ";"
    let checked = local_part_once(raw, options)?;
    if already_nfc(raw) {
        return Ok(checked);
    }
    let nfc: String = raw.nfc().collect();
    if nfc != raw {
        return local_part_once(&nfc, options);
    }
    Ok(checked)
}

/// Whether `s` is certainly in NFC without normalizing it: ASCII always is,
/// and the quick check answers for most other text.
fn already_nfc(s: &str) -> bool {
    s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

fn nfc(s: &str) -> String {
    if already_nfc(s) {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

fn local_part_once(
    raw: &str,
    options: &EmailOptions,
) -> Result<(String, Option<String>, bool), EmailIssue> {
    if raw.is_empty() {
        return Err(EmailIssue::EmptyLocalPart);
    }
    if options.strict && nfc(raw).len() > LOCAL_PART_MAX_LENGTH {
        return Err(EmailIssue::LocalPartTooLong);
    }
    if is_dot_atom(raw, false) {
        return Ok((raw.to_owned(), Some(raw.to_owned()), false));
    }
    if is_dot_atom(raw, true) {
        if !options.allow_smtputf8 {
            return Err(EmailIssue::Smtputf8NotAllowed);
        }
        if unsafe_chars(raw, false) {
            return Err(EmailIssue::UnsafeCharacter);
        }
        let local = nfc(raw);
        let ascii = local.is_ascii().then(|| local.clone());
        let smtputf8 = ascii.is_none();
        return Ok((local, ascii, smtputf8));
    }
    let local = raw;
    if local.starts_with('"') {
        if !options.allow_quoted_local {
            return Err(EmailIssue::QuotedLocalNotAllowed);
        }
        let content = unquote(local).ok_or(EmailIssue::InvalidLocalCharacter)?;
        let intl = !content.is_ascii();
        if intl && !options.allow_smtputf8 {
            return Err(EmailIssue::Smtputf8NotAllowed);
        }
        if unsafe_chars(&content, true) {
            return Err(EmailIssue::UnsafeCharacter);
        }
        let content: String = content.nfc().collect();
        // an unnecessarily quoted local part reads as the plain one
        let normalized = if is_dot_atom(&content, true) {
            content
        } else {
            let mut q = String::from("\"");
            for c in content.chars() {
                if c == '"' || c == '\\' {
                    q.push('\\');
                }
                q.push(c);
            }
            q.push('"');
            q
        };
        let ascii = (!intl).then(|| normalized.clone());
        return Ok((normalized, ascii, intl));
    }
    if local.starts_with('.') {
        return Err(EmailIssue::LeadingDot);
    }
    if local.ends_with('.') {
        return Err(EmailIssue::TrailingDot);
    }
    if local.contains("..") {
        return Err(EmailIssue::ConsecutiveDots);
    }
    if !local.is_ascii() && !options.allow_smtputf8 {
        return Err(EmailIssue::Smtputf8NotAllowed);
    }
    Err(EmailIssue::InvalidLocalCharacter)
}

fn domain_literal(literal: &str, options: &EmailOptions) -> Result<(String, String), EmailIssue> {
    if !options.allow_domain_literal {
        return Err(EmailIssue::DomainLiteralNotAllowed);
    }
    if let Ok(v4) = literal.parse::<Ipv4Addr>() {
        let s = format!("[{v4}]");
        return Ok((s.clone(), s));
    }
    if let Some(v6) = literal.strip_prefix("IPv6:") {
        if let Ok(addr) = v6.parse::<Ipv6Addr>() {
            let s = format!("[IPv6:{addr}]");
            return Ok((s.clone(), s));
        }
    }
    Err(EmailIssue::InvalidDomainLiteral)
}

fn check_labels(domain: &str) -> Result<(), EmailIssue> {
    if domain.starts_with('.') {
        return Err(EmailIssue::LeadingDot);
    }
    if domain.ends_with('.') {
        return Err(EmailIssue::TrailingDot);
    }
    if domain.contains("..") {
        return Err(EmailIssue::ConsecutiveDots);
    }
    for label in domain.split('.') {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailIssue::HyphenAtLabelEdge);
        }
        // "ab--" is reserved for IDNA (RFC 5891 4.2.3.1): only "xn--" is valid
        let b = label.as_bytes();
        if b.len() >= 4
            && label.is_char_boundary(2)
            && label.is_char_boundary(4)
            && &b[2..4] == b"--"
            && !b[..2].eq_ignore_ascii_case(b"xn")
        {
            return Err(EmailIssue::ReservedDoubleHyphen);
        }
        if label.len() > LABEL_MAX_LENGTH {
            return Err(EmailIssue::LabelTooLong);
        }
    }
    Ok(())
}

/// Domains repeat heavily in customer data (a handful of providers and each
/// company's own domain), so each thread remembers recent results: the
/// answer depends only on the domain text and three options.
const DOMAIN_CACHE_SIZE: usize = 4096;

type DomainResult = Result<(String, String), EmailIssue>;

/// One table per combination of the three options that matter, so a
/// lookup needs no owned key.
type DomainCache = [RecentMap<DomainResult>; 8];

thread_local! {
    static DOMAIN_CACHE: std::cell::RefCell<DomainCache> =
        std::cell::RefCell::new(std::array::from_fn(|_| RecentMap::new(DOMAIN_CACHE_SIZE)));
}

fn domain_part(raw: &str, options: &EmailOptions) -> DomainResult {
    let flags = usize::from(options.allow_domain_literal)
        | usize::from(options.test_environment) << 1
        | usize::from(options.globally_deliverable) << 2;
    if let Some(hit) = DOMAIN_CACHE.with(|c| c.borrow_mut()[flags].get(raw)) {
        return hit;
    }
    let result = domain_part_uncached(raw, options);
    DOMAIN_CACHE.with(|c| c.borrow_mut()[flags].insert(raw, result.clone()));
    result
}

fn domain_part_uncached(raw: &str, options: &EmailOptions) -> DomainResult {
    if raw.is_empty() {
        return Err(EmailIssue::EmptyDomain);
    }
    if let Some(literal) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return domain_literal(literal, options);
    }
    if let Some(plain) = plain_ascii_domain(raw) {
        return finish_domain(plain.clone(), plain, options);
    }
    if unsafe_chars(raw, false) {
        return Err(EmailIssue::UnsafeCharacter);
    }
    // UTS-46 mapping (case folding, NFC, full-width dots to dots) first,
    // then the label rules on the mapped form, then IDNA to ASCII
    let uts46 = idna::uts46::Uts46::new();
    let (mapped, mapping) = uts46.to_unicode(
        raw.as_bytes(),
        idna::uts46::AsciiDenyList::EMPTY,
        idna::uts46::Hyphens::Allow,
    );
    let mapped = mapped.into_owned();
    if mapped
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || !c.is_ascii()))
    {
        return Err(EmailIssue::InvalidDomainCharacter);
    }
    check_labels(&mapped)?;
    if mapping.is_err() {
        return Err(EmailIssue::InvalidIdna);
    }
    let ascii = idna::domain_to_ascii_cow(mapped.as_bytes(), idna::AsciiDenyList::EMPTY)
        .map_err(|_| EmailIssue::InvalidIdna)?
        .into_owned();
    check_labels(&ascii)?;
    let (unicode, result) = idna::domain_to_unicode(&ascii);
    if result.is_err() {
        return Err(EmailIssue::InvalidIdna);
    }
    finish_domain(unicode, ascii, options)
}

/// The lower-cased domain when it is plain ASCII letters, digits, hyphens
/// and dots with no Punycode label: UTS-46 maps such a domain to its lower
/// case and IDNA leaves it as it is, so both can be skipped.
fn plain_ascii_domain(raw: &str) -> Option<String> {
    let plain = raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !raw
            .split('.')
            .any(|l| l.len() >= 4 && l[..4].eq_ignore_ascii_case("xn--"));
    plain.then(|| raw.to_ascii_lowercase())
}

/// The checks on the ASCII form shared by both paths.
fn finish_domain(
    unicode: String,
    ascii: String,
    options: &EmailOptions,
) -> Result<(String, String), EmailIssue> {
    check_labels(&ascii)?;
    if ascii.len() > DOMAIN_MAX_LENGTH {
        return Err(EmailIssue::DomainTooLong);
    }
    if options.globally_deliverable {
        let test_tld = options.test_environment && ascii == "test";
        if !ascii.contains('.') && !test_tld {
            return Err(EmailIssue::DotlessDomain);
        }
        if !ascii.ends_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(EmailIssue::InvalidTld);
        }
    }
    for special in SPECIAL_USE_DOMAINS {
        if *special == "test" && options.test_environment {
            continue;
        }
        let under = ascii.len() > special.len()
            && ascii.ends_with(special)
            && ascii.as_bytes()[ascii.len() - special.len() - 1] == b'.';
        if ascii == *special || under {
            return Err(EmailIssue::SpecialUseDomain);
        }
    }
    Ok((unicode, ascii))
}

/// Checks the syntax of an address.
pub(crate) fn check(input: &str, options: &EmailOptions) -> Result<Syntax, EmailIssue> {
    if input.is_empty() {
        return Err(EmailIssue::Empty);
    }
    let (display_name, local, raw_domain) = split(input, options)?;
    if display_name
        .as_deref()
        .is_some_and(|n| unsafe_chars(n, true))
    {
        return Err(EmailIssue::UnsafeCharacter);
    }
    let (local_part, ascii_local_part, smtputf8) = local_part(local, options)?;
    let (domain, ascii_domain) = domain_part(raw_domain, options)?;
    // the address as given, normalized, and with the ASCII domain must each
    // fit: callers may use any of the three
    let lengths = [
        local.len() + 1 + raw_domain.len(),
        local_part.len() + 1 + domain.len(),
        local_part.len() + 1 + ascii_domain.len(),
    ];
    if lengths.iter().any(|l| *l > EMAIL_MAX_LENGTH) {
        return Err(EmailIssue::TooLong);
    }
    Ok(Syntax {
        local_part,
        ascii_local_part,
        domain,
        ascii_domain,
        smtputf8,
        display_name,
    })
}
