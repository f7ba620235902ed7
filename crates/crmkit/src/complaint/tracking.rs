//! Tracking numbers customers can read aloud over the phone.
//!
//! A tracking number is an optional prefix, the sequence number written in
//! base 31, and one check character, grouped by hyphens:
//! `SK-3CFP-SV` (prefix `SK`, payload `3CFPS`, check `V`).
//!
//! - The alphabet has no characters that are confused when read aloud or
//!   handwritten: no `0`/`O`, no `1`/`I`/`L`. It is
//!   `23456789ABCDEFGHJKMNPQRSTUVWXYZ`: 31 symbols, a prime.
//! - The check character is Σ wᵢ·vᵢ mod 31 over the payload and prefix
//!   characters with weights wᵢ = i + 2, at most 28 characters, so the
//!   weights run from 2 to 29: distinct, non-zero mod 31, and none equal to
//!   30 ≡ −1, the implicit weight of the check character itself. Because 31
//!   is prime, every single-character error changes the sum, and so does
//!   every swap of two adjacent, different characters, the check character
//!   included (their weights differ).
//! - Validation ignores case, spaces and hyphens and says what is wrong.
//!
//! ```
//! use crmkit::complaint::tracking::{tracking_number, validate, TrackingError};
//!
//! let t = tracking_number(1_234_567, Some("SK")).unwrap();
//! assert_eq!(t, "SK-3CFP-SV");
//! assert_eq!(validate("sk 3cfp sv").unwrap().sequence, 1_234_567);
//! assert_eq!(validate("SK-3CFQ-SV").unwrap_err(), TrackingError::CheckMismatch);
//! assert_eq!(validate("SK-C3FP-SV").unwrap_err(), TrackingError::CheckMismatch);
//! assert!(matches!(validate("SK-3CF0-SV"), Err(TrackingError::InvalidCharacter { found: '0', .. })));
//! ```

use crate::error::{Error, Result};

/// The 31 symbols, in value order.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Shortest payload (pads small sequence numbers), so numbers look alike.
const MIN_PAYLOAD: usize = 4;
/// Longest prefix plus payload that keeps every weight distinct mod 31.
const MAX_WEIGHTED: usize = 28;
/// Longest prefix.
pub const MAX_PREFIX: usize = 6;

fn value_of(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c.to_ascii_uppercase())
        .map(|p| p as u32)
}

fn check_char(chars: &[u8]) -> u8 {
    let sum: u32 = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| (i as u32 + 2) * value_of(c).unwrap_or(0))
        .sum();
    ALPHABET[(sum % 31) as usize]
}

/// Makes the tracking number of `sequence`, with an optional prefix of 1–6
/// characters from [`ALPHABET`] (e.g. a channel or brand code).
///
/// Errors: a prefix that is too long or uses a character outside the
/// alphabet (`0`, `1`, `I`, `L`, `O` are excluded on purpose).
pub fn tracking_number(sequence: u64, prefix: Option<&str>) -> Result<String> {
    let prefix = prefix.unwrap_or("").to_ascii_uppercase();
    if prefix.len() > MAX_PREFIX || prefix.bytes().any(|b| value_of(b).is_none()) {
        return Err(Error::invalid_argument(
            "prefix",
            format!(
                "at most {MAX_PREFIX} characters from {}, got {prefix:?}",
                std::str::from_utf8(ALPHABET).unwrap_or_default()
            ),
        ));
    }
    let mut payload = Vec::new();
    let mut rest = sequence;
    while rest > 0 || payload.len() < MIN_PAYLOAD {
        payload.push(ALPHABET[(rest % 31) as usize]);
        rest /= 31;
    }
    payload.reverse();
    let mut weighted = prefix.as_bytes().to_vec();
    weighted.extend_from_slice(&payload);
    let check = check_char(&weighted);
    let mut out = String::new();
    if !prefix.is_empty() {
        out.push_str(&prefix);
        out.push('-');
    }
    for (i, chunk) in payload.chunks(4).enumerate() {
        if i > 0 {
            out.push('-');
        }
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    if payload.len() % 4 == 0 {
        out.push('-');
    }
    out.push(check as char);
    Ok(out)
}

/// Why a tracking number is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackingError {
    /// Nothing but separators.
    #[error("the tracking number is empty")]
    Empty,
    /// A character outside the alphabet; `suggestion` is what it was probably meant to be.
    #[error("character {found:?} at position {position} is not used in tracking numbers{}",
        suggestion.map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// 1-based position among the significant characters.
        position: usize,
        /// The alphabet character it is commonly confused with.
        suggestion: Option<char>,
    },
    /// Too few or too many characters.
    #[error("a tracking number has {min} to {max} characters besides separators, got {found}")]
    WrongLength {
        /// Characters found.
        found: usize,
        /// Fewest allowed.
        min: usize,
        /// Most allowed.
        max: usize,
    },
    /// The prefix is not the expected one.
    #[error("the tracking number does not start with the prefix {expected:?}")]
    WrongPrefix {
        /// The expected prefix.
        expected: String,
    },
    /// The check character does not match: a character was mistyped or two were swapped.
    #[error("the check character does not match: a character is mistyped or two are swapped")]
    CheckMismatch,
}

/// A validated tracking number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tracking {
    /// The canonical spelling.
    pub canonical: String,
    /// The sequence number it encodes.
    pub sequence: u64,
    /// The prefix, if any.
    pub prefix: Option<String>,
}

fn confusable(c: char) -> Option<char> {
    match c.to_ascii_uppercase() {
        '0' | 'O' => Some('Q'),
        '1' | 'I' | 'L' => Some('J'),
        _ => None,
    }
}

/// Validates a tracking number without a known prefix: the payload is the
/// last characters; anything before the last separator-delimited groups
/// (up to 6 leading characters) is read as the prefix.
///
/// To be strict about the prefix, use [`validate_with_prefix`].
pub fn validate(text: &str) -> std::result::Result<Tracking, TrackingError> {
    let groups: Vec<&str> = text
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .collect();
    // with separators, a leading group of letters that is not part of a
    // 4-character payload group is the prefix
    let prefix = match groups.as_slice() {
        [first, _, ..] if first.len() <= MAX_PREFIX && groups.len() >= 3 => Some(*first),
        _ => None,
    };
    validate_with_prefix(text, prefix.unwrap_or(""))
}

/// Validates a tracking number that must start with `prefix` (may be empty).
pub fn validate_with_prefix(
    text: &str,
    prefix: &str,
) -> std::result::Result<Tracking, TrackingError> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .collect();
    if chars.is_empty() {
        return Err(TrackingError::Empty);
    }
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii() || value_of(c as u8).is_none() {
            return Err(TrackingError::InvalidCharacter {
                found: c,
                position: i + 1,
                suggestion: confusable(c),
            });
        }
    }
    let upper: Vec<u8> = chars.iter().map(|c| c.to_ascii_uppercase() as u8).collect();
    let prefix = prefix.to_ascii_uppercase();
    if !upper.starts_with(prefix.as_bytes()) {
        return Err(TrackingError::WrongPrefix { expected: prefix });
    }
    let (min, max) = (prefix.len() + MIN_PAYLOAD + 1, MAX_WEIGHTED + 1);
    if upper.len() < min || upper.len() > max {
        return Err(TrackingError::WrongLength {
            found: upper.len(),
            min,
            max,
        });
    }
    let (body, check) = upper.split_at(upper.len() - 1);
    if check_char(body) != check[0] {
        return Err(TrackingError::CheckMismatch);
    }
    let payload = &body[prefix.len()..];
    let mut sequence: u64 = 0;
    for &c in payload {
        let v = u64::from(value_of(c).unwrap_or(0));
        sequence = sequence
            .checked_mul(31)
            .and_then(|s| s.checked_add(v))
            .ok_or(TrackingError::WrongLength {
                found: upper.len(),
                min,
                max: prefix.len() + 14,
            })?;
    }
    let prefix = (!prefix.is_empty()).then_some(prefix);
    let canonical =
        tracking_number(sequence, prefix.as_deref()).map_err(|_| TrackingError::WrongPrefix {
            expected: prefix.clone().unwrap_or_default(),
        })?;
    Ok(Tracking {
        canonical,
        sequence,
        prefix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn alphabet_has_no_confusable_characters() {
        for bad in b"01ILO" {
            assert!(!ALPHABET.contains(bad));
        }
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn small_sequences_are_padded() {
        assert_eq!(tracking_number(0, None).unwrap().len(), 6); // 4 + '-' + check
        assert_eq!(
            validate(&tracking_number(0, None).unwrap())
                .unwrap()
                .sequence,
            0
        );
        let max = tracking_number(u64::MAX, Some("WEB")).unwrap();
        assert_eq!(validate(&max).unwrap().sequence, u64::MAX);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(validate(" - ").unwrap_err(), TrackingError::Empty);
        let e = validate("SK-3CFO-SV").unwrap_err();
        assert_eq!(
            e.to_string(),
            "character 'O' at position 6 is not used in tracking numbers (did you mean 'Q'?)"
        );
        assert!(matches!(
            validate("AB2"),
            Err(TrackingError::WrongLength { .. })
        ));
        assert!(matches!(
            validate_with_prefix("SK-3CFP-SV", "WEB"),
            Err(TrackingError::WrongPrefix { .. })
        ));
        assert!(tracking_number(1, Some("TOOLONGX")).is_err());
        assert!(tracking_number(1, Some("I0")).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(seq in any::<u64>(), prefix in "[2-9A-HJKMNP-Z]{0,6}") {
            let p = (!prefix.is_empty()).then_some(prefix.as_str());
            let t = tracking_number(seq, p).unwrap();
            let v = validate_with_prefix(&t, &prefix).unwrap();
            prop_assert_eq!(v.sequence, seq);
            prop_assert_eq!(&v.canonical, &t);
            // lower case and spaces instead of hyphens read the same
            prop_assert_eq!(validate_with_prefix(&t.to_lowercase().replace('-', " "), &prefix).unwrap().sequence, seq);
        }

        #[test]
        fn every_single_substitution_is_caught(seq in any::<u64>(), pos in any::<prop::sample::Index>(), sym in 0usize..31) {
            let t = tracking_number(seq, Some("SK")).unwrap();
            let mut chars: Vec<u8> = t.bytes().filter(|&b| b != b'-').collect();
            let i = pos.index(chars.len());
            prop_assume!(chars[i] != ALPHABET[sym]);
            chars[i] = ALPHABET[sym];
            let typo = String::from_utf8(chars).unwrap();
            prop_assert!(validate_with_prefix(&typo, "").is_err() || validate_with_prefix(&typo, "").unwrap().sequence != seq);
            prop_assert!(validate_with_prefix(&typo, "SK").is_err());
        }

        #[test]
        fn every_adjacent_swap_is_caught(seq in any::<u64>(), pos in any::<prop::sample::Index>()) {
            let t = tracking_number(seq, Some("SK")).unwrap();
            let mut chars: Vec<u8> = t.bytes().filter(|&b| b != b'-').collect();
            let i = pos.index(chars.len() - 1);
            prop_assume!(chars[i] != chars[i + 1]);
            chars.swap(i, i + 1);
            let swapped = String::from_utf8(chars).unwrap();
            prop_assert!(validate_with_prefix(&swapped, "SK").is_err());
        }

        #[test]
        fn validation_never_panics(s in any::<String>()) {
            let _ = validate(&s);
            let _ = validate_with_prefix(&s, "SK");
        }
    }
}
