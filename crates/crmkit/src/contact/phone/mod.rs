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

mod preparse;

use super::ContactError;
use crate::error::Result;
pub use rlibphonenumber::enums::Region;
use rlibphonenumber::{
    PHONE_NUMBER_UTIL, PhoneNumber as LibNumber, PhoneNumberFormat, PhoneNumberType,
};

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

/// Why a number is not valid: a stable code.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneIssue {
    /// Nothing was given.
    Empty,
    /// Letters where digits belong (never converted; see `suggestion`).
    LetterInNumber,
    /// Not a phone number at all.
    NotANumber,
    /// An unknown country calling code.
    InvalidCountryCode,
    /// Too short to be a number.
    TooShort,
    /// Too long to be a number.
    TooLong,
    /// Possible in length but not a valid number in its region.
    InvalidForRegion,
}

impl PhoneIssue {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneIssue::Empty => "empty",
            PhoneIssue::LetterInNumber => "letter_in_number",
            PhoneIssue::NotANumber => "not_a_number",
            PhoneIssue::InvalidCountryCode => "invalid_country_code",
            PhoneIssue::TooShort => "too_short",
            PhoneIssue::TooLong => "too_long",
            PhoneIssue::InvalidForRegion => "invalid_for_region",
        }
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
    e164_checked(text, default_region, false).map(|(e, _)| e)
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
    e164_checked(text, default_region, true)
}

fn e164_checked(
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
        // parse decides between the two readings
        let full = parse_in(text, default_region);
        return full.e164.filter(|_| full.possible).map(|e| (e, full.valid));
    }
    let parsed = PHONE_NUMBER_UTIL.parse(&pre.number, default_region).ok()?;
    if parsed.is_possible_with_reason().is_err() {
        return None;
    }
    let valid = validity && parsed.is_valid();
    Some((
        parsed.format_as(PhoneNumberFormat::E164).into_owned(),
        valid,
    ))
}

/// Reads an ISO 3166-1 alpha-2 region code (case-insensitive).
pub fn region(code: &str) -> Result<Region> {
    Region::from_code(code.trim())
        .ok()
        // every two-letter code makes a `Region`; only those with metadata are real
        .filter(|r| PHONE_NUMBER_UTIL.get_country_code_for_region(*r).is_some())
        .ok_or_else(|| ContactError::InvalidRegion(code.to_owned()).into())
}

fn lib_parse(text: &str, default_region: Option<Region>) -> Option<LibNumber> {
    PHONE_NUMBER_UTIL.parse(text, default_region).ok()
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
    };
    if text.trim().is_empty() {
        out.error = Some(PhoneIssue::Empty);
        return out;
    }
    let pre = preparse::preparse(text);
    out.multiple_numbers = pre.multiple;
    out.extension = pre.extension.clone();
    if pre.confusable.is_some() {
        out.error = Some(PhoneIssue::LetterInNumber);
        out.suggestion = pre
            .confusable
            .as_deref()
            .and_then(|c| lib_parse(c, default_region))
            .filter(|n| n.is_valid())
            .map(|n| n.format_as(PhoneNumberFormat::E164).into_owned());
        return out;
    }
    let first = PHONE_NUMBER_UTIL.parse(&pre.number, default_region);
    // "00" is the international prefix in most of the world; a region whose
    // own prefix differs (011 in the US) would otherwise misread it
    let retry = || {
        let rest = pre.number.trim_start().strip_prefix("00")?;
        PHONE_NUMBER_UTIL
            .parse(format!("+{rest}"), default_region)
            .ok()
            .filter(LibNumber::is_valid)
    };
    let parsed = match (first, retry()) {
        (Ok(n), _) if n.is_valid() => n,
        (_, Some(n)) => n,
        (Ok(n), None) => n,
        (Err(e), None) => {
            let msg = format!("{e:?}").to_ascii_lowercase();
            out.error = Some(if msg.contains("country") {
                PhoneIssue::InvalidCountryCode
            } else if msg.contains("short") {
                PhoneIssue::TooShort
            } else if msg.contains("long") {
                PhoneIssue::TooLong
            } else {
                PhoneIssue::NotANumber
            });
            return out;
        }
    };
    out.valid = parsed.is_valid();
    out.possible = parsed.is_possible_with_reason().is_ok();
    out.e164 = Some(parsed.format_as(PhoneNumberFormat::E164).into_owned());
    out.country_code = u32::try_from(parsed.country_code).ok();
    out.national_number = Some(parsed.get_national_significant_number());
    out.region = parsed.get_region_code().map(|r| r.to_string());
    if out.extension.is_none() {
        out.extension = parsed.extension.clone().filter(|e| !e.is_empty());
    }
    if out.valid {
        out.phone_type = PhoneType::from_lib(parsed.get_type());
        out.national_format = Some(parsed.format_as(PhoneNumberFormat::National).into_owned());
        out.international_format = Some(
            parsed
                .format_as(PhoneNumberFormat::International)
                .into_owned(),
        );
        out.sms_capable = out.phone_type == PhoneType::Mobile;
    } else {
        out.error = Some(match parsed.is_possible_with_reason() {
            Ok(_) => PhoneIssue::InvalidForRegion,
            Err(e) => {
                let msg = format!("{e:?}").to_ascii_lowercase();
                if msg.contains("short") {
                    PhoneIssue::TooShort
                } else if msg.contains("long") {
                    PhoneIssue::TooLong
                } else if msg.contains("country") {
                    PhoneIssue::InvalidCountryCode
                } else {
                    PhoneIssue::InvalidForRegion
                }
            }
        });
    }
    out
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

    proptest! {
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
