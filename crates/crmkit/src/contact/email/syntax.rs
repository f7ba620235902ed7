//! Email address syntax, following the behaviour of Python's
//! `email-validator` (2.x) without DNS: dot-atom local parts, IDNA domains
//! through UTS-46, SMTPUTF8 for internationalized local parts, the special
//! use domains, and the length limits in octets.

use super::{EmailIssue, EmailOptions};
use crate::contact::fasthash::RecentMap;
use std::borrow::Cow;
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
pub(crate) struct Syntax<'a> {
    /// The address without a display name, as given.
    pub(crate) address: &'a str,
    pub(crate) local_part: Cow<'a, str>,
    pub(crate) ascii_local_part: Option<Cow<'a, str>>,
    pub(crate) domain: Cow<'a, str>,
    pub(crate) ascii_domain: Cow<'a, str>,
    pub(crate) smtputf8: bool,
    pub(crate) display_name: Option<String>,
}

/// A local part: normalized, its ASCII form, whether it needs SMTPUTF8.
type LocalPart<'a> = (Cow<'a, str>, Option<Cow<'a, str>>, bool);

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

/// An address split: display name, the address itself, local part, domain.
type Split<'a> = (Option<String>, &'a str, &'a str, &'a str);

/// Splits off a display name (`Name <addr>`) and finds the `@` that
/// separates local part and domain (the last one outside quotes).
fn split<'a>(input: &'a str, options: &EmailOptions) -> Result<Split<'a>, EmailIssue> {
    let mut address = input;
    let mut display_name = None;
    if let Some(open) = input.find('<')
        && input.ends_with('>')
    {
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
    if !address.contains('"') {
        // no quoting: the separating `@` is simply the last one
        return match address.rfind('@') {
            Some(i) => Ok((display_name, address, &address[..i], &address[i + 1..])),
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
        Some(i) => Ok((display_name, address, &address[..i], &address[i + 1..])),
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

fn local_part<'a>(raw: &'a str, options: &EmailOptions) -> Result<LocalPart<'a>, EmailIssue> {
    // the text as given must be valid, and so must its NFC form: "<" and a
    // combining overlay make "≮", and U+037E GREEK QUESTION MARK becomes ";"
    let checked = local_part_once(raw, options)?;
    if already_nfc(raw) {
        return Ok(checked);
    }
    let nfc: String = raw.nfc().collect();
    if nfc != raw {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        return local_part_once(&nfc, options).map(|(l, a, s)| (own(l), a.map(own), s));
    }
    Ok(checked)
}

/// Whether `s` is certainly in NFC without normalizing it: ASCII always is,
/// and the quick check answers for most other text.
fn already_nfc(s: &str) -> bool {
    s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

fn nfc(s: &str) -> Cow<'_, str> {
    if already_nfc(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

fn local_part_once<'a>(raw: &'a str, options: &EmailOptions) -> Result<LocalPart<'a>, EmailIssue> {
    if raw.is_empty() {
        return Err(EmailIssue::EmptyLocalPart);
    }
    if options.strict && nfc(raw).len() > LOCAL_PART_MAX_LENGTH {
        return Err(EmailIssue::LocalPartTooLong);
    }
    if is_dot_atom(raw, false) {
        return Ok((Cow::Borrowed(raw), Some(Cow::Borrowed(raw)), false));
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
        let ascii = (!intl).then(|| Cow::Owned(normalized.clone()));
        return Ok((Cow::Owned(normalized), ascii, intl));
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
    if let Some(v6) = literal.strip_prefix("IPv6:")
        && let Ok(addr) = v6.parse::<Ipv6Addr>()
    {
        let s = format!("[IPv6:{addr}]");
        return Ok((s.clone(), s));
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

/// A checked domain: its Unicode and ASCII forms, borrowed from the input
/// when that is already the form.
type Domain<'a> = (Cow<'a, str>, Cow<'a, str>);

fn domain_part<'a>(raw: &'a str, options: &EmailOptions) -> Result<Domain<'a>, EmailIssue> {
    // a plain ASCII domain is checked faster than a cache is looked up
    if let Some(result) = plain_domain(raw, options) {
        return result;
    }
    let flags = usize::from(options.allow_domain_literal)
        | usize::from(options.test_environment) << 1
        | usize::from(options.globally_deliverable) << 2;
    let owned = |r: DomainResult| r.map(|(u, a)| (Cow::Owned(u), Cow::Owned(a)));
    if let Some(hit) = DOMAIN_CACHE.with(|c| c.borrow_mut()[flags].get(raw)) {
        return owned(hit);
    }
    let result = domain_part_uncached(raw, options);
    DOMAIN_CACHE.with(|c| c.borrow_mut()[flags].insert(raw, result.clone()));
    owned(result)
}

fn domain_part_uncached(raw: &str, options: &EmailOptions) -> DomainResult {
    let (unicode, ascii) = idna_domain(raw, options)?;
    if unicode != raw {
        // the Unicode form is what an address normalizes to, so it must
        // read back as itself: an A-label can decode to a U-label that is
        // not valid IDNA itself ("xn--3nn--3nm" is "3nn-" and a letter newer
        // than the Unicode version the character checks know)
        let again = match plain_domain(&unicode, options) {
            Some(r) => r.map(|(u, a)| (u.into_owned(), a.into_owned())),
            None => idna_domain(&unicode, options),
        };
        if again.as_ref().map(|(u, a)| (u.as_str(), a.as_str()))
            != Ok((unicode.as_str(), ascii.as_str()))
        {
            return Err(EmailIssue::InvalidIdna);
        }
    }
    Ok((unicode, ascii))
}

/// A non-plain domain through UTS-46 and IDNA: its Unicode and ASCII forms.
fn idna_domain(raw: &str, options: &EmailOptions) -> DomainResult {
    if raw.is_empty() {
        return Err(EmailIssue::EmptyDomain);
    }
    if let Some(literal) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return domain_literal(literal, options);
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
    if mapped.is_empty() {
        // every character maps to nothing (U+FFA0, U+00AD…): nothing is left
        return Err(EmailIssue::EmptyDomain);
    }
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

/// A domain of plain ASCII letters, digits, hyphens and dots with no
/// Punycode label, checked in one pass over its bytes: UTS-46 maps such a
/// domain to its lower case and IDNA leaves it as it is, so both are
/// skipped, and the checks of [`finish_domain`] give the same result in the
/// same order. `None` when the domain is not plain (or empty).
fn plain_domain<'a>(
    raw: &'a str,
    options: &EmailOptions,
) -> Option<Result<Domain<'a>, EmailIssue>> {
    let b = raw.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (mut upper, mut dots, mut double_dot) = (false, 0usize, false);
    let mut label_error = None;
    let mut start = 0;
    for i in 0..=b.len() {
        let c = b.get(i).copied().unwrap_or(b'.');
        if c != b'.' {
            match c {
                b'a'..=b'z' | b'0'..=b'9' | b'-' => {}
                b'A'..=b'Z' => upper = true,
                _ => return None,
            }
            continue;
        }
        let label = &b[start..i];
        if i < b.len() {
            dots += 1;
            double_dot |= label.is_empty() && i > 0;
        }
        if label.len() >= 4 && &label[2..4] == b"--" {
            if label[..2].eq_ignore_ascii_case(b"xn") {
                // Punycode: for IDNA to check
                return None;
            }
            label_error =
                label_error.or(Some(if label[0] == b'-' || label.last() == Some(&b'-') {
                    EmailIssue::HyphenAtLabelEdge
                } else {
                    EmailIssue::ReservedDoubleHyphen
                }));
        } else if label.first() == Some(&b'-') || label.last() == Some(&b'-') {
            label_error = label_error.or(Some(EmailIssue::HyphenAtLabelEdge));
        }
        if label.len() > LABEL_MAX_LENGTH {
            label_error = label_error.or(Some(EmailIssue::LabelTooLong));
        }
        start = i + 1;
    }
    let last_label = &raw[b.iter().rposition(|&c| c == b'.').map_or(0, |d| d + 1)..];
    let check = || {
        if b[0] == b'.' {
            return Err(EmailIssue::LeadingDot);
        }
        if b[b.len() - 1] == b'.' {
            return Err(EmailIssue::TrailingDot);
        }
        if double_dot {
            return Err(EmailIssue::ConsecutiveDots);
        }
        if let Some(e) = label_error {
            return Err(e);
        }
        if b.len() > DOMAIN_MAX_LENGTH {
            return Err(EmailIssue::DomainTooLong);
        }
        let test = |s: &str| s.eq_ignore_ascii_case("test") && options.test_environment;
        if options.globally_deliverable {
            if dots == 0 && !test(raw) {
                return Err(EmailIssue::DotlessDomain);
            }
            if !b[b.len() - 1].is_ascii_alphabetic() {
                return Err(EmailIssue::InvalidTld);
            }
        }
        if SPECIAL_USE_DOMAINS
            .iter()
            .any(|s| last_label.eq_ignore_ascii_case(s) && !test(s))
        {
            return Err(EmailIssue::SpecialUseDomain);
        }
        Ok(())
    };
    Some(check().map(|()| {
        if upper {
            let lower = raw.to_ascii_lowercase();
            (Cow::Owned(lower.clone()), Cow::Owned(lower))
        } else {
            (Cow::Borrowed(raw), Cow::Borrowed(raw))
        }
    }))
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
pub(crate) fn check<'a>(input: &'a str, options: &EmailOptions) -> Result<Syntax<'a>, EmailIssue> {
    if input.is_empty() {
        return Err(EmailIssue::Empty);
    }
    let (display_name, address, local, raw_domain) = split(input, options)?;
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
        address,
        local_part,
        ascii_local_part,
        domain,
        ascii_domain,
        smtputf8,
        display_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain-domain test written with string operations: the lower
    /// case of a domain of ASCII letters, digits, hyphens and dots without
    /// a Punycode label.
    fn plain_reference(raw: &str) -> Option<String> {
        let plain = raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !raw
                .split('.')
                .any(|l| l.len() >= 4 && l[..4].eq_ignore_ascii_case("xn--"));
        plain.then(|| raw.to_ascii_lowercase())
    }

    proptest! {
        /// The one-pass check of a plain domain gives what the plain
        /// lower-casing and the shared checks give, under every option.
        #[test]
        fn one_pass_plain_domains(
            domain in "([a-zA-Z0-9-]{0,5}[.]?){0,5}|[xXnNaA-]{0,6}[.][a-z-]{0,70}|([a-z]{1,3}[.])?(test|TEST|local|arpa|onion|invalid|localhost|testx)|[a-z]{60,70}[.]com|([a-z]{60}[.]){4}com",
            test_environment in any::<bool>(),
            globally_deliverable in any::<bool>(),
        ) {
            let options = EmailOptions { test_environment, globally_deliverable, ..EmailOptions::default() };
            let reference = plain_reference(&domain)
                .filter(|p| !p.is_empty())
                .map(|p| finish_domain(p.clone(), p, &options));
            let ours = plain_domain(&domain, &options).map(|r| r.map(|(u, a)| (u.into_owned(), a.into_owned())));
            prop_assert_eq!(ours, reference, "{}", domain);
        }
    }

    #[test]
    fn punycode_and_reserved_labels() {
        let options = EmailOptions::default();
        assert_eq!(plain_domain("xn--rnek-zoa.com.tr", &options), None);
        assert_eq!(plain_domain("firma.XN--abc", &options), None);
        assert_eq!(
            plain_domain("Firma.com.TR", &options),
            Some(Ok(("firma.com.tr".into(), "firma.com.tr".into())))
        );
        assert_eq!(
            check_labels("ab--c.com"),
            Err(EmailIssue::ReservedDoubleHyphen)
        );
        assert_eq!(check_labels("xn--c.com"), Ok(()));
        assert_eq!(check_labels("a.-b.com"), Err(EmailIssue::HyphenAtLabelEdge));
    }
}
