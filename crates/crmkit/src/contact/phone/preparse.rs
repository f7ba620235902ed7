//! How people really write phone numbers, tidied before libphonenumber
//! sees them: labels (`Tel:`, `cep`, `GSM`), Turkish extensions
//! (`dahili 12`, `dah. 12`, `/12`), `00` international prefixes, a trunk 0
//! after the country code (`+90 0532…`), full-width digits, several numbers
//! in one field — and letters, which are never silently turned into digits.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// What the pre-parser made of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Preparsed {
    /// The number part, ready for libphonenumber.
    pub(crate) number: String,
    /// An extension found and removed.
    pub(crate) extension: Option<String>,
    /// More than one number was in the field; `number` is the first.
    pub(crate) multiple: bool,
    /// Letters that look like digits (O for 0, l/I for 1) stand among the
    /// digits; this is the number with them replaced, for a suggestion only.
    pub(crate) confusable: Option<String>,
}

impl Preparsed {
    /// What libphonenumber is given: `number` itself, or, when it holds only
    /// ASCII digits, the separators ` -.()` and at most a leading `+`, just
    /// the plus and the digits. libphonenumber ignores those separators once
    /// it has found where the number starts and checked for an extension
    /// (which always needs a marker such as `x`, `#`, `,` or `;`), so both
    /// forms parse to the same number; the short one skips most of its
    /// extraction and extension pattern matching. Fewer than three digits
    /// stay as they are: there the separators decide whether the text is a
    /// number at all.
    pub(crate) fn lib_input(&self) -> Cow<'_, str> {
        let s = self.number.as_bytes();
        let mut digits = 0;
        let mut plus = false;
        let mut separators = false;
        for &b in s {
            match b {
                b'0'..=b'9' => digits += 1,
                b'+' if digits == 0 && !plus => plus = true,
                b' ' | b'-' | b'.' | b'(' | b')' => separators = true,
                _ => return Cow::Borrowed(&self.number),
            }
        }
        if !separators || digits < 3 {
            return Cow::Borrowed(&self.number);
        }
        let mut out = String::with_capacity(digits + 1);
        if plus {
            out.push('+');
        }
        out.extend(
            s.iter()
                .filter(|b| b.is_ascii_digit())
                .map(|&b| char::from(b)),
        );
        Cow::Owned(out)
    }
}

/// Labels in front of a number, compared in ASCII-folded lower case.
const LABELS: &[&str] = &[
    "cep telefonu",
    "cep tel",
    "cep",
    "tel",
    "telefon",
    "gsm",
    "mobil",
    "mobile",
    "phone",
    "ev",
    "is",
    "fax",
    "faks",
    "mob",
];

/// Extension markers that libphonenumber does not know (it handles `ext`,
/// `x` and `#` itself), compared in ASCII-folded lower case.
const EXTENSION_MARKERS: &[&str] = &["dahili", "dah.", "dah", "dhl"];

fn digits(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_digit).count()
}

/// Removes a leading label such as `Tel:` or `Cep:` when a number follows.
fn strip_label(s: &str) -> &str {
    if s.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(') {
        return s;
    }
    let folded = crate::text::fold_ascii(&s.to_lowercase());
    for label in LABELS {
        if let Some(rest) = folded.strip_prefix(label) {
            let rest_trim = rest.trim_start_matches([':', '.', ' ', '\t', '-']);
            let starts_number =
                rest_trim.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(');
            let separated = rest.len() > rest_trim.len();
            if starts_number && separated {
                // folding keeps the byte length for these ASCII labels, so
                // the same cut applies to the original text
                let cut = s.len() - rest_trim.len();
                if s.is_char_boundary(cut) {
                    return &s[cut..];
                }
            }
        }
    }
    s
}

/// Splits a Turkish extension (`dahili 12`, `dah. 12`, `dhl 12`) or a
/// `/12` after a complete number off the end.
fn split_extension(s: &str) -> (&str, Option<String>) {
    if s.bytes()
        .all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
    {
        return (s, None);
    }
    if s.bytes().any(|b| b == b'd' || b == b'D') {
        // ASCII lower case keeps every byte offset of `s`
        let lower = s.to_ascii_lowercase();
        for marker in EXTENSION_MARKERS {
            if let Some(at) = lower.rfind(marker) {
                let tail = lower[at + marker.len()..].trim_start_matches(['.', ':', ' ']);
                if !tail.is_empty() && tail.len() <= 6 && tail.bytes().all(|b| b.is_ascii_digit()) {
                    let head = s.get(..at).unwrap_or(s).trim_end();
                    return (head, Some(tail.to_owned()));
                }
            }
        }
    }
    if let Some(at) = s.rfind('/') {
        let (head, tail) = (&s[..at], s[at + 1..].trim());
        if digits(head) >= 10
            && !tail.is_empty()
            && tail.len() <= 5
            && tail.bytes().all(|b| b.is_ascii_digit())
        {
            return (head.trim_end(), Some(tail.to_owned()));
        }
    }
    (s, None)
}

/// The first of several numbers in one field (`0532 111 22 33 / 0212 444 55 66`).
fn first_number(s: &str) -> (&str, bool) {
    // every separator has one of these bytes; most fields have none
    if !s
        .bytes()
        .any(|b| matches!(b, b'/' | b';' | b',' | b'|' | b'v' | b'o'))
    {
        return (s, false);
    }
    // a bare "," is a dialling pause (",,1234#"), so only ", " separates
    for sep in [" / ", "/", ";", ", ", " veya ", " or ", " | "] {
        if let Some((a, b)) = s.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            let looks_whole = |x: &str| {
                digits(x) >= 7
                    && x.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(')
            };
            if looks_whole(a) && looks_whole(b) && a.ends_with(|c: char| c.is_ascii_digit()) {
                return (a, true);
            }
        }
    }
    (s, false)
}

/// Pre-parses a phone field; see the [module documentation](self).
pub(crate) fn preparse(raw: &str) -> Preparsed {
    // full-width digits and the like; plain ASCII needs no normalization
    let text: std::borrow::Cow<'_, str> = if raw.is_ascii() {
        std::borrow::Cow::Borrowed(raw)
    } else {
        std::borrow::Cow::Owned(raw.nfkc().collect())
    };
    let text = text.trim();
    // an RFC 3966 URI is libphonenumber's own business
    if text
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("tel:"))
        && !text.contains(' ')
    {
        return Preparsed {
            number: text.to_owned(),
            extension: None,
            multiple: false,
            confusable: None,
        };
    }
    let text = strip_label(text);
    let (text, multiple) = first_number(text);
    let (mut number, extension) = split_extension(text);
    // "…67/5 dahili 12": a complete number, then two extensions; the one
    // written last (with its marker) is kept and the number ends where the
    // first began, so that pre-parsing the result changes nothing
    while let (head, Some(_)) = split_extension(number) {
        number = head;
    }
    // O for 0 and l or I for 1 standing among digits are typing slips that a
    // keypad mapping would turn into wrong digits (O is 6 on a keypad): they
    // are only ever a suggestion. Other letters are left to libphonenumber,
    // which reads extension markers ("x", "ext", "доб") and maps vanity
    // numbers (three or more letters in a row, "0800 FLOWERS").
    let is_confusable = |c: char| matches!(c, 'O' | 'o' | 'l' | 'I' | 'i');
    if !number.contains(is_confusable) {
        return Preparsed {
            number: number.to_owned(),
            extension,
            multiple,
            confusable: None,
        };
    }
    let chars: Vec<char> = number.chars().collect();
    let near_digit = |i: usize| {
        let before = chars[..i]
            .iter()
            .rev()
            .find(|c| !matches!(c, ' ' | '-' | '.'))
            .is_some_and(char::is_ascii_digit);
        let after = chars[i + 1..]
            .iter()
            .find(|c| !matches!(c, ' ' | '-' | '.'))
            .is_some_and(char::is_ascii_digit);
        before || after
    };
    let slips = (0..chars.len()).any(|i| {
        is_confusable(chars[i])
            && near_digit(i)
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|c| c.is_alphabetic())
            && !chars.get(i + 1).is_some_and(|c| c.is_alphabetic())
    });
    let confusable = slips.then(|| {
        chars
            .iter()
            .map(|&c| match c {
                'O' | 'o' => '0',
                'l' | 'I' | 'i' => '1',
                other => other,
            })
            .collect()
    });
    Preparsed {
        number: number.to_owned(),
        extension,
        multiple,
        confusable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn labels_extensions_and_prefixes() {
        let p = preparse("Tel: 0212 123 45 67 dahili 12");
        assert_eq!(
            (p.number.as_str(), p.extension.as_deref()),
            ("0212 123 45 67", Some("12"))
        );
        let p = preparse("CEP: 0532 123 45 67");
        assert_eq!(p.number, "0532 123 45 67");
        assert_eq!(
            preparse("0212 123 45 67 dah. 12").extension.as_deref(),
            Some("12")
        );
        assert_eq!(
            preparse("0212 123 45 67 / 12").extension.as_deref(),
            Some("12")
        );
        assert_eq!(
            preparse("０５３２ １２３ ４５ ６７").number,
            "0532 123 45 67"
        );
        let m = preparse("0532 111 22 33 / 0212 444 55 66");
        assert!(m.multiple);
        assert_eq!(m.number, "0532 111 22 33");
        assert_eq!(
            preparse("tel:+90-532-123-4567").number,
            "tel:+90-532-123-4567"
        );
    }

    fn assert_fixpoint(raw: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let p = preparse(raw);
        let again = preparse(&p.number);
        prop_assert_eq!(&again.number, &p.number, "{:?}", raw);
        prop_assert_eq!(again.extension, None, "{:?}", raw);
        prop_assert!(!again.multiple, "{:?}", raw);
        prop_assert_eq!(again.confusable, p.confusable, "{:?}", raw);
        Ok(())
    }

    proptest! {
        /// Pre-parsing its own output changes nothing: labels, extensions
        /// and further numbers are gone after one pass.
        #[test]
        fn idempotent_on_written_numbers(
            raw in "(Tel: |TEL:|Cep |cep: |GSM |Gsm: |Mobil: |Ev: |İş: |)(\\+90 |0090 |90|0|\\+1 |00 44 |)[0-9０-９ ()./-]{6,16}( dahili [0-9]{1,4}| Dahili: [0-9]{1,4}| dah\\. [0-9]{1,3}| dhl [0-9]{2}| ?/ ?[0-9]{1,4}| x[0-9]{2}| ext\\. [0-9]{3}| / 0[0-9 ]{10,13}|, 05[0-9]{9}| veya 0[0-9]{10}|)"
        ) {
            assert_fixpoint(&raw)?;
        }

        #[test]
        fn idempotent_on_any_text(raw in "\\PC{0,40}") {
            assert_fixpoint(&raw)?;
        }
    }

    #[test]
    fn letters_are_never_digits() {
        let p = preparse("0532 123 45 6O");
        assert_eq!(p.confusable.as_deref(), Some("0532 123 45 60"));
        let p = preparse("0532 l23 45 67");
        assert_eq!(p.confusable.as_deref(), Some("0532 123 45 67"));
        // letters in words are not slips: extension markers, vanity numbers
        assert!(preparse("+44 2034567890 x456").confusable.is_none());
        assert!(preparse("1-800-FLOWERS").confusable.is_none());
        assert!(preparse("03 3316005 xtensión, 1234").confusable.is_none());
    }
}
