//! Phone numbers: parse them as people write them, validate and type them
//! with libphonenumber metadata (the `rlibphonenumber` crate), format them.
//!
//! ```
//! use crmkit::contact::phone::{parse, PhoneType};
//!
//! let p = parse("Cep: 0532 123 45 67", "TR").unwrap();
//! assert!(p.valid);
//! assert_eq!(p.e164.as_deref(), Some("+905321234567"));
//! assert_eq!(p.phone_type, PhoneType::Mobile);
//! assert!(p.sms_capable);
//!
//! let office = parse("0212 123 45 67 dahili 12", "TR").unwrap();
//! assert_eq!(office.extension.as_deref(), Some("12"));
//! assert_eq!(office.phone_type, PhoneType::FixedLine);
//!
//! // a letter O is never read as a digit; the fix is only suggested
//! let typo = parse("0532 123 45 6O", "TR").unwrap();
//! assert!(!typo.valid);
//! assert_eq!(typo.error.unwrap().as_str(), "letter_in_number");
//! assert_eq!(typo.suggestion.as_deref(), Some("+905321234560"));
//! ```

mod parser;
mod preparse;

pub use parser::{OWN_PARSER_THREADS, PhoneParser, with_thread_parser};

use super::ContactError;
use crate::error::Result;
pub use rlibphonenumber::enums::Region;
use rlibphonenumber::{
    PHONE_NUMBER_UTIL, ParseError, PhoneNumber as LibNumber, PhoneNumberFormat, PhoneNumberType,
    PhoneNumberUtil, ValidationError, get_national_significant_number_owned,
};
use std::borrow::Cow;
use std::fmt::Write as _;

/// What kind of line a number is, as libphonenumber's metadata says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneType {
    /// A mobile line.
    Mobile,
    /// A landline.
    FixedLine,
    /// Either (regions such as the US do not tell them apart).
    FixedLineOrMobile,
    /// Toll-free (0800 in Türkiye).
    TollFree,
    /// Premium rate (0900, 0888 in Türkiye).
    PremiumRate,
    /// Shared cost.
    SharedCost,
    /// VoIP (0850 in Türkiye).
    Voip,
    /// A personal number (0592 in Türkiye).
    PersonalNumber,
    /// A pager (0512 in Türkiye).
    Pager,
    /// A universal access number (444 numbers in Türkiye).
    Uan,
    /// Voicemail access.
    Voicemail,
    /// Not known (also for numbers that do not parse).
    Unknown,
}

impl PhoneType {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::FixedLine => "fixed_line",
            PhoneType::FixedLineOrMobile => "fixed_line_or_mobile",
            PhoneType::TollFree => "toll_free",
            PhoneType::PremiumRate => "premium_rate",
            PhoneType::SharedCost => "shared_cost",
            PhoneType::Voip => "voip",
            PhoneType::PersonalNumber => "personal_number",
            PhoneType::Pager => "pager",
            PhoneType::Uan => "uan",
            PhoneType::Voicemail => "voicemail",
            PhoneType::Unknown => "unknown",
        }
    }

    fn from_lib(t: PhoneNumberType) -> PhoneType {
        match t {
            PhoneNumberType::Mobile => PhoneType::Mobile,
            PhoneNumberType::FixedLine => PhoneType::FixedLine,
            PhoneNumberType::FixedLineOrMobile => PhoneType::FixedLineOrMobile,
            PhoneNumberType::TollFree => PhoneType::TollFree,
            PhoneNumberType::PremiumRate => PhoneType::PremiumRate,
            PhoneNumberType::SharedCost => PhoneType::SharedCost,
            PhoneNumberType::VoIP => PhoneType::Voip,
            PhoneNumberType::PersonalNumber => PhoneType::PersonalNumber,
            PhoneNumberType::Pager => PhoneType::Pager,
            PhoneNumberType::UAN => PhoneType::Uan,
            PhoneNumberType::VoiceMail => PhoneType::Voicemail,
            PhoneNumberType::Unknown => PhoneType::Unknown,
        }
    }
}

macro_rules! phone_issues {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $message:literal;)*) => {
        /// Why a number is not valid: a stable code and a message.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum PhoneIssue {
            $($(#[$doc])* $variant,)*
        }

        impl PhoneIssue {
            /// Every issue.
            pub const ALL: &'static [PhoneIssue] = &[$(PhoneIssue::$variant),*];

            /// The stable snake_case code.
            pub fn as_str(self) -> &'static str {
                match self { $(PhoneIssue::$variant => $name,)* }
            }

            /// A message for people.
            pub fn message(self) -> &'static str {
                match self { $(PhoneIssue::$variant => $message,)* }
            }
        }
    };
}

phone_issues! {
    /// Nothing was given.
    Empty => "empty", "The phone number is empty.";
    /// Letters where digits belong (never converted; see `suggestion`).
    LetterInNumber => "letter_in_number", "The phone number has a letter where a digit belongs (O for 0, l for 1); see the suggestion.";
    /// Not a phone number at all.
    NotANumber => "not_a_number", "The text is not a phone number.";
    /// An unknown country calling code.
    InvalidCountryCode => "invalid_country_code", "The country calling code is not known.";
    /// Too short to be a number.
    TooShort => "too_short", "The phone number is shorter than any number of its country.";
    /// Too long to be a number.
    TooLong => "too_long", "The phone number is longer than any number of its country.";
    /// Possible in length but not a valid number in its region.
    InvalidForRegion => "invalid_for_region", "The phone number has a possible length but is not a valid number in its region.";
    /// Not a digit in the text (`-`, `yok`, `N/A`).
    NoDigits => "no_digits", "The text has no digits.";
    /// Between the shortest and longest numbers of its country but of a
    /// length no number there has.
    InvalidLength => "invalid_length", "The phone number has a length that no number of its country has.";
}

impl PhoneIssue {
    fn from_parse_error(e: &ParseError) -> PhoneIssue {
        match e {
            ParseError::InvalidCountryCode => PhoneIssue::InvalidCountryCode,
            ParseError::NotANumber(_) => PhoneIssue::NotANumber,
            ParseError::TooShortAfterIdd | ParseError::TooShortNsn => PhoneIssue::TooShort,
            ParseError::TooLongNsn => PhoneIssue::TooLong,
        }
    }

    fn from_validation_error(e: ValidationError) -> PhoneIssue {
        match e {
            ValidationError::InvalidCountryCode => PhoneIssue::InvalidCountryCode,
            ValidationError::TooShort => PhoneIssue::TooShort,
            ValidationError::TooLong => PhoneIssue::TooLong,
            ValidationError::InvalidLength => PhoneIssue::InvalidLength,
        }
    }
}

impl std::fmt::Display for PhoneIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// A parsed phone number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PhoneNumber {
    /// The text as given.
    pub input: String,
    /// Valid under libphonenumber metadata.
    pub valid: bool,
    /// Possible by length for its country.
    pub possible: bool,
    /// E.164 form, when the text parsed as a number.
    pub e164: Option<String>,
    /// ISO 3166 region of the number, when known.
    pub region: Option<String>,
    /// Country calling code.
    pub country_code: Option<u32>,
    /// National significant number.
    pub national_number: Option<String>,
    /// Line type.
    #[serde(rename = "type")]
    pub phone_type: PhoneType,
    /// National format, e.g. `0532 123 45 67`.
    pub national_format: Option<String>,
    /// International format, e.g. `+90 532 123 45 67`.
    pub international_format: Option<String>,
    /// The extension, if any (`dahili 12`, `ext. 12`, `/12`).
    pub extension: Option<String>,
    /// Whether SMS can reach it: valid mobile numbers only (a
    /// fixed-line-or-mobile number is not counted, since it may be a landline).
    pub sms_capable: bool,
    /// Several numbers were written in the field; this is the first.
    pub multiple_numbers: bool,
    /// A suggested E.164 form, when letters looked like digits (O → 0, l → 1).
    pub suggestion: Option<String>,
    /// Why the number is not valid.
    pub error: Option<PhoneIssue>,
    /// The message of `error`, for people.
    #[serde(default)]
    pub message: Option<Cow<'static, str>>,
}

/// What [`parse_with`] computes beyond validity, E.164, type and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PhoneOptions {
    /// Fill `national_format` and `international_format` (default true).
    /// Formatting runs libphonenumber's pattern matching twice more per
    /// valid number; batch work that needs only E.164 can skip it.
    pub formats: bool,
}

impl Default for PhoneOptions {
    fn default() -> Self {
        PhoneOptions { formats: true }
    }
}

/// The E.164 form of `text` when it parses as a number of possible length
/// for its country, without the validity, type and format work of
/// [`parse_in`]: the fast path for matching keys. Letters that look like
/// digits give `None`, as in [`parse_in`].
///
/// ```
/// use crmkit::contact::phone::{e164, region};
/// let tr = Some(region("TR").unwrap());
/// assert_eq!(e164("(530) 941-9565", tr).as_deref(), Some("+905309419565"));
/// assert_eq!(e164("0090 530 941 95 65", tr).as_deref(), Some("+905309419565"));
/// assert_eq!(e164("O532 123 45 67", tr), None);
/// ```
pub fn e164(text: &str, default_region: Option<Region>) -> Option<String> {
    PhoneParser::shared().e164(text, default_region)
}

/// [`e164`] and whether the number is valid under libphonenumber metadata,
/// still without the type and format work of [`parse_in`].
///
/// ```
/// use crmkit::contact::phone::{e164_with_validity, region};
/// let tr = Some(region("TR").unwrap());
/// assert_eq!(e164_with_validity("0532 123 45 67", tr), Some(("+905321234567".into(), true)));
/// assert_eq!(e164_with_validity("0000 123 45 67", tr).map(|(_, v)| v), Some(false));
/// ```
pub fn e164_with_validity(text: &str, default_region: Option<Region>) -> Option<(String, bool)> {
    PhoneParser::shared().e164_with_validity(text, default_region)
}

fn e164_checked(
    u: &PhoneNumberUtil,
    text: &str,
    default_region: Option<Region>,
    validity: bool,
) -> Option<(String, bool)> {
    if text.trim().is_empty() {
        return None;
    }
    let pre = preparse::preparse(text);
    if pre.confusable.is_some() {
        return None;
    }
    if pre.number.trim_start().starts_with("00") {
        // "00" is the international prefix in most of the world; the full
        // parse decides between the two readings (its formats are not needed)
        let full = parse_with_util(u, text, default_region, &PhoneOptions { formats: false });
        return full.e164.filter(|_| full.possible).map(|e| (e, full.valid));
    }
    let parsed = u.parse(pre.lib_input(), default_region).ok()?;
    if u.is_possible_number_with_reason(&parsed).is_err() {
        return None;
    }
    let valid = validity && u.is_valid_number(&parsed);
    Some((
        e164_of(u, &parsed, &get_national_significant_number_owned(&parsed)),
        valid,
    ))
}

/// The E.164 form of a parsed number from its national significant number:
/// `+`, the country calling code and the number, as libphonenumber's E.164
/// formatting writes it (extensions are never part of it).
fn e164_of(u: &PhoneNumberUtil, n: &LibNumber, nsn: &str) -> String {
    if n.national_number == 0 {
        return u.format(n, PhoneNumberFormat::E164).into_owned();
    }
    let mut e = String::with_capacity(nsn.len() + 5);
    // writing to a String cannot fail
    let _ = write!(e, "+{}{nsn}", n.country_code);
    e
}

/// Reads an ISO 3166-1 alpha-2 region code (case-insensitive).
pub fn region(code: &str) -> Result<Region> {
    Region::from_code(code.trim())
        .ok()
        // every two-letter code makes a `Region`; only those with metadata are real
        .filter(|r| PHONE_NUMBER_UTIL.get_country_code_for_region(*r).is_some())
        .ok_or_else(|| ContactError::InvalidRegion(code.to_owned()).into())
}

/// The region of a parsed number: the only region of its country calling
/// code, or for codes shared by several regions (+1, +7, +44…) the one
/// whose metadata the number matches, as libphonenumber decides it.
fn region_of(u: &PhoneNumberUtil, n: &LibNumber) -> Option<Region> {
    let mut regions = u.get_regions_for_country_calling_code(n.country_code)?;
    if regions.len() == 1 {
        return regions.next();
    }
    u.get_region_for_number(n)
}

/// The region and the line type of a parsed number, as libphonenumber's
/// `get_region_for_number` and `get_number_type` give them. The type is
/// looked up in the region's metadata, so a number without a region has no
/// type; finding the region first spares the second walk over every region
/// of a shared calling code that an invalid +1 or +7 number would cost.
fn region_and_type(u: &PhoneNumberUtil, n: &LibNumber) -> (Option<Region>, PhoneNumberType) {
    match region_of(u, n) {
        Some(r) => (Some(r), u.get_number_type(n)),
        None => (None, PhoneNumberType::Unknown),
    }
}

/// Parses `text` with `default_region` for numbers written without a
/// country code. Errors only for an unknown region; a bad number is a result
/// with `valid: false` and an `error`.
pub fn parse(text: &str, default_region: &str) -> Result<PhoneNumber> {
    Ok(parse_in(text, Some(region(default_region)?)))
}

/// [`parse`] with an already validated region, or none (then only numbers
/// written with a country code parse).
pub fn parse_in(text: &str, default_region: Option<Region>) -> PhoneNumber {
    parse_with(text, default_region, &PhoneOptions::default())
}

/// [`parse_in`] with options (for instance without the national and
/// international formats).
///
/// ```
/// use crmkit::contact::phone::{parse_with, region, PhoneOptions, PhoneType};
/// let fast = PhoneOptions { formats: false };
/// let p = parse_with("0532 123 45 67", Some(region("TR").unwrap()), &fast);
/// assert_eq!((p.valid, p.e164.as_deref(), p.phone_type), (true, Some("+905321234567"), PhoneType::Mobile));
/// assert_eq!(p.national_format, None);
/// ```
pub fn parse_with(
    text: &str,
    default_region: Option<Region>,
    options: &PhoneOptions,
) -> PhoneNumber {
    PhoneParser::shared().parse_with(text, default_region, options)
}

fn parse_with_util(
    u: &PhoneNumberUtil,
    text: &str,
    default_region: Option<Region>,
    options: &PhoneOptions,
) -> PhoneNumber {
    let mut out = PhoneNumber {
        input: text.to_owned(),
        valid: false,
        possible: false,
        e164: None,
        region: None,
        country_code: None,
        national_number: None,
        phone_type: PhoneType::Unknown,
        national_format: None,
        international_format: None,
        extension: None,
        sms_capable: false,
        multiple_numbers: false,
        suggestion: None,
        error: None,
        message: None,
    };
    let fail = |mut out: PhoneNumber, issue: PhoneIssue| {
        out.error = Some(issue);
        out.message = Some(Cow::Borrowed(issue.message()));
        out
    };
    if text.trim().is_empty() {
        return fail(out, PhoneIssue::Empty);
    }
    let pre = preparse::preparse(text);
    out.multiple_numbers = pre.multiple;
    out.extension = pre.extension.clone();
    if pre.confusable.is_some() {
        out.suggestion = pre
            .confusable
            .as_deref()
            .and_then(|c| u.parse(c, default_region).ok())
            .filter(|n| u.is_valid_number(n))
            .map(|n| u.format(&n, PhoneNumberFormat::E164).into_owned());
        return fail(out, PhoneIssue::LetterInNumber);
    }
    // the type decides validity too (a number is valid exactly when its
    // region's metadata gives it a type), so it is computed once
    let typed = |n: LibNumber| {
        let (region, t) = region_and_type(u, &n);
        (n, region, t)
    };
    let first = u.parse(pre.lib_input(), default_region).map(typed);
    let parsed = match first {
        Ok((n, r, t)) if t != PhoneNumberType::Unknown => Ok((n, r, t)),
        first => {
            // "00" is the international prefix in most of the world; a region
            // whose own prefix differs (011 in the US) would otherwise misread it
            let retry = pre
                .number
                .trim_start()
                .strip_prefix("00")
                .and_then(|rest| u.parse(format!("+{rest}"), default_region).ok())
                .map(typed)
                .filter(|(_, _, t)| *t != PhoneNumberType::Unknown);
            match retry {
                Some(r) => Ok(r),
                None => first,
            }
        }
    };
    let (parsed, number_region, lib_type) = match parsed {
        Ok(p) => p,
        // letters alone never make a number (libphonenumber wants at least
        // three digits even for vanity numbers)
        Err(_) if !pre.number.chars().any(char::is_numeric) => {
            return fail(out, PhoneIssue::NoDigits);
        }
        Err(e) => return fail(out, PhoneIssue::from_parse_error(&e)),
    };
    out.valid = lib_type != PhoneNumberType::Unknown;
    let possible = u.is_possible_number_with_reason(&parsed);
    out.possible = possible.is_ok();
    let nsn = get_national_significant_number_owned(&parsed);
    out.e164 = Some(e164_of(u, &parsed, &nsn));
    out.country_code = u32::try_from(parsed.country_code).ok();
    out.national_number = Some(nsn);
    out.region = number_region.map(|r| r.to_string());
    if out.extension.is_none() {
        out.extension = parsed.extension.clone().filter(|e| !e.is_empty());
    }
    if out.valid {
        out.phone_type = PhoneType::from_lib(lib_type);
        if options.formats {
            out.national_format = Some(u.format(&parsed, PhoneNumberFormat::National).into_owned());
            out.international_format = Some(
                u.format(&parsed, PhoneNumberFormat::International)
                    .into_owned(),
            );
        }
        out.sms_capable = out.phone_type == PhoneType::Mobile;
        out
    } else {
        let issue = match possible {
            Ok(_) => PhoneIssue::InvalidForRegion,
            Err(e) => PhoneIssue::from_validation_error(e),
        };
        fail(out, issue)
    }
}

/// Parses many numbers with one default region.
pub fn parse_many<S: AsRef<str>>(texts: &[S], default_region: &str) -> Result<Vec<PhoneNumber>> {
    let r = region(default_region)?;
    Ok(texts
        .iter()
        .map(|t| parse_in(t.as_ref(), Some(r)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn turkish_types() {
        let t = |s: &str| parse(s, "TR").unwrap().phone_type;
        assert_eq!(t("0850 123 45 67"), PhoneType::Voip);
        assert_eq!(t("444 1 444"), PhoneType::Uan);
        assert_eq!(t("0800 123 45 67"), PhoneType::TollFree);
        assert_eq!(t("0900 123 45 67"), PhoneType::PremiumRate);
        assert_eq!(t("0212 123 45 67"), PhoneType::FixedLine);
        assert_eq!(t("0512 345 67 89"), PhoneType::Pager);
    }

    #[test]
    fn regions_and_errors() {
        assert!(parse("0532 123 45 67", "tr").is_ok());
        let e = parse("1", "XX").unwrap_err();
        assert_eq!(e.code().as_str(), "contact_invalid_region");
        assert_eq!(parse("", "TR").unwrap().error, Some(PhoneIssue::Empty));
        assert!(!parse("0532 123 45 6", "TR").unwrap().valid);
        assert!(!parse("0532 12a 45 67", "TR").unwrap().valid);
        assert_eq!(
            parse("0532 123 45 6O", "TR").unwrap().error,
            Some(PhoneIssue::LetterInNumber)
        );
        let us = parse("0090 532 123 4567", "US").unwrap();
        assert_eq!(us.e164.as_deref(), Some("+905321234567"));
        let m = parse("0532 111 22 33 / 0212 444 55 66", "TR").unwrap();
        assert!(m.multiple_numbers && m.valid);
        assert_eq!(m.e164.as_deref(), Some("+905321112233"));
    }

    #[test]
    fn issues_come_from_error_variants() {
        let issue = |s: &str| parse(s, "TR").unwrap().error.map(PhoneIssue::as_str);
        assert_eq!(issue("yok"), Some("no_digits"));
        assert_eq!(issue(" - "), Some("no_digits"));
        assert_eq!(issue("N/A"), Some("no_digits"));
        assert_eq!(issue("1"), Some("not_a_number"));
        assert_eq!(issue("1 yok"), Some("not_a_number"));
        assert_eq!(issue("12"), Some("too_short"));
        assert_eq!(issue("+999 123 456 789"), Some("invalid_country_code"));
        assert_eq!(issue("0532 12"), Some("too_short"));
        assert_eq!(issue("+1 202 555"), Some("too_short"));
        assert_eq!(issue("0532 12345"), Some("invalid_length"));
        assert_eq!(issue("0532 123 45 67 89 01 23 45 67"), Some("too_long"));
        assert_eq!(issue("0000 123 45 67"), Some("invalid_for_region"));
        for code in PhoneIssue::ALL {
            assert_eq!(
                serde_json::to_string(code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
            assert!(code.message().ends_with('.'));
        }
        let p = parse("0532 12", "TR").unwrap();
        assert_eq!(p.message.as_deref(), Some(PhoneIssue::TooShort.message()));
        assert_eq!(parse("0532 123 45 67", "TR").unwrap().message, None);
    }

    #[test]
    fn formats_are_optional() {
        let tr = Some(Region::TR);
        let full = parse_in("+90 532 123 45 67", tr);
        assert_eq!(full.national_format.as_deref(), Some("0532 123 45 67"));
        assert_eq!(
            full.international_format.as_deref(),
            Some("+90 532 123 45 67")
        );
        let lean = parse_with("+90 532 123 45 67", tr, &PhoneOptions { formats: false });
        assert_eq!(
            PhoneNumber {
                national_format: full.national_format.clone(),
                international_format: full.international_format.clone(),
                ..lean
            },
            full
        );
    }

    proptest! {
        /// Region and type found together equal libphonenumber's separate
        /// answers, for shared calling codes (+1, +7, +44) too.
        #[test]
        fn region_and_type_are_libphonenumbers(
            cc in prop::sample::select(vec!["1", "7", "44", "90", "49", "262", "800", "999"]),
            digits in "[0-9]{4,12}",
        ) {
            if let Ok(n) = PHONE_NUMBER_UTIL.parse(format!("+{cc}{digits}"), None) {
                prop_assert_eq!(region_and_type(&PHONE_NUMBER_UTIL, &n), (n.get_region_code(), n.get_type()));
            }
        }

        /// Validity read from the type agrees with libphonenumber's own check.
        #[test]
        fn validity_is_libphonenumbers(digits in "[0-9]{6,12}", plus in any::<bool>(), us in any::<bool>()) {
            let text = if plus { format!("+{digits}") } else { digits.clone() };
            let region = if us { Region::US } else { Region::TR };
            let p = parse_in(&text, Some(region));
            if let Ok(n) = PHONE_NUMBER_UTIL.parse(&text, Some(region))
                && !text.starts_with("00") {
                    prop_assert_eq!(p.valid, n.is_valid(), "{}", text);
                }
        }

        /// The compact text given to libphonenumber parses exactly as the
        /// pre-parsed text does, errors included.
        #[test]
        fn compact_input_parses_the_same(
            raw in "[ (]{0,2}\\+?[ (]{0,2}[0-9]{0,4}[ ().-]{0,3}[0-9]{0,4}[ ().-]{0,2}[0-9]{0,4}[ -]?[0-9]{0,3}[ )]{0,2}",
            region in prop::sample::select(vec![Region::TR, Region::US, Region::GB, Region::DE, Region::AR]),
        ) {
            let pre = preparse::preparse(&raw);
            let lib = PHONE_NUMBER_UTIL.parse(&pre.number, Some(region));
            let compact = PHONE_NUMBER_UTIL.parse(pre.lib_input(), Some(region));
            prop_assert_eq!(
                format!("{lib:?}"),
                format!("{compact:?}"),
                "{:?} as {:?}",
                raw,
                pre.lib_input()
            );
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse_in(&s, Some(Region::TR));
            let _ = parse_in(&s, None);
        }

        #[test]
        fn valid_e164_reparses_to_itself(digits in "5[0-9]{9}") {
            let p = parse_in(&format!("0{digits}"), Some(Region::TR));
            if let (true, Some(e)) = (p.valid, &p.e164) {
                let again = parse_in(e, None);
                prop_assert_eq!(again.e164.as_ref(), Some(e));
                prop_assert!(again.valid);
            }
        }
    }
}
