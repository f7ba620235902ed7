//! The one text normalization pipeline every capability uses.
//!
//! Customer data is typed by people on every kind of keyboard: `İSTANBUL`,
//! `Istanbul`, `ıstanbul` and `istanbul` are one city, `ŞÜKRÜ` and `Sukru` one
//! name. This module turns such text into comparable forms in three layers:
//!
//! 1. [`normalize`]: Unicode NFKC, lower case under Turkish rules (`İ`→`i`,
//!    `I`→`ı`, never a stray U+0307 COMBINING DOT ABOVE), typographic quotes and
//!    dashes unified, invisible characters dropped, white space collapsed. The
//!    result is still proper text for display and for Turkish-aware matching.
//! 2. [`fold_ascii`]: Latin letters with diacritics folded to ASCII (`ş`→`s`,
//!    `ğ`→`g`, `ı`→`i`, `ö`→`o`, `ü`→`u`, `ç`→`c`, `â`→`a`, `ß`→`ss`…) so text
//!    typed without Turkish letters matches text typed with them.
//! 3. [`match_key`]: both of the above, and every character that is not a
//!    letter or digit becomes a separator; [`tokens`] splits it into words.
//!
//! [`similarity`] holds the string distances (Jaro–Winkler, Levenshtein,
//! optimal string alignment) that identity matching and typo suggestions use.
//!
//! Every function is total (any `&str` in, never a panic) and idempotent:
//! applying it to its own output changes nothing.
//!
//! ```
//! use crmkit::text;
//!
//! assert_eq!(text::normalize("  İSTANBUL’da   ŞUBE "), "istanbul'da şube");
//! assert_eq!(text::normalize("IŞIK"), "ışık");
//! assert_eq!(text::match_key("Şükrü  ÖZTÜRK-Yılmaz"), "sukru ozturk yilmaz");
//! assert_eq!(text::match_key("Sukru Ozturk Yilmaz"), "sukru ozturk yilmaz");
//! let words: Vec<&str> = text::tokens("gecikti, iade!").collect();
//! assert_eq!(words, ["gecikti", "iade"]);
//! ```

pub mod similarity;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Which casing rules [`lowercase`] applies.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseRules {
    /// Turkish and Azerbaijani rules: `I`→`ı` and `İ`→`i`.
    #[default]
    Turkish,
    /// Language-neutral rules: `I`→`i`; `İ` also becomes a plain `i` (without
    /// the U+0307 that the Unicode default mapping leaves behind).
    Standard,
}

const COMBINING_DOT_ABOVE: char = '\u{0307}';

/// Lower-cases `s` under `rules`, character by character (no context-dependent
/// mappings, so the result is stable under a second application).
///
/// A `I` or `i` followed by U+0307 (the decomposed form of `İ`) lowers to a
/// plain `i`, so no stray dot survives.
///
/// ```
/// use crmkit::text::{lowercase, CaseRules};
/// assert_eq!(lowercase("DİYARBAKIR", CaseRules::Turkish), "diyarbakır");
/// assert_eq!(lowercase("DİYARBAKIR", CaseRules::Standard), "diyarbakir");
/// assert_eq!(lowercase("I\u{307}STANBUL", CaseRules::Turkish), "istanbul");
/// ```
pub fn lowercase(s: &str, rules: CaseRules) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            'I' | 'i' if chars.peek() == Some(&COMBINING_DOT_ABOVE) => {
                chars.next();
                out.push('i');
            }
            'İ' => out.push('i'),
            'I' if rules == CaseRules::Turkish => out.push('ı'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase().filter(|&l| l != COMBINING_DOT_ABOVE)),
        }
    }
    out
}

/// Characters removed outright: they are invisible and only split words apart
/// or make equal strings compare unequal.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{200B}'..='\u{200F}' // zero-width space/joiners, direction marks
            | '\u{202A}'..='\u{202E}' // bidi embeddings
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{FEFF}' // byte-order mark
    )
}

/// Maps typographic punctuation to its plain ASCII counterpart.
fn plain_punctuation(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c => c,
    }
}

/// Applies `step` until the text stops changing (at most a few rounds; every
/// step used here reaches its fixed point in one or two).
fn to_fixed_point(s: String, step: impl Fn(&str) -> String) -> String {
    let mut current = s;
    for _ in 0..4 {
        let next = step(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn normalize_once(s: &str, rules: CaseRules) -> String {
    let composed: String = if s.is_ascii() {
        s.to_owned()
    } else {
        s.nfkc().collect()
    };
    let lowered = lowercase(&composed, rules);
    let recomposed: String = if lowered.is_ascii() {
        lowered
    } else {
        lowered.nfkc().collect()
    };
    let mut out = String::with_capacity(recomposed.len());
    let mut pending_space = false;
    for c in recomposed.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(plain_punctuation(c));
    }
    out
}

/// Normalizes text for display and Turkish-aware matching; see the
/// [module documentation](self). Uses [`CaseRules::Turkish`].
///
/// ```
/// assert_eq!(crmkit::text::normalize("Kargo\u{00A0}GECİKTİ\t!"), "kargo gecikti !");
/// ```
pub fn normalize(s: &str) -> String {
    normalize_with(s, CaseRules::Turkish)
}

/// [`normalize`] with explicit casing rules.
pub fn normalize_with(s: &str, rules: CaseRules) -> String {
    to_fixed_point(normalize_once(s, rules), |t| normalize_once(t, rules))
}

/// The ASCII spelling of a Latin letter that has no canonical decomposition.
fn special_ascii(c: char) -> Option<&'static str> {
    Some(match c {
        'ı' => "i",
        'ß' => "ss",
        'ẞ' => "SS",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ø' => "o",
        'Ø' => "O",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ł' => "l",
        'Ł' => "L",
        'þ' => "th",
        'Þ' => "TH",
        'ħ' => "h",
        'Ħ' => "H",
        'ŀ' => "l",
        'Ŀ' => "L",
        _ => return None,
    })
}

fn fold_ascii_once(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(ascii) = special_ascii(c) {
            out.push_str(ascii);
        } else {
            // Decompose; keep the base letter when the rest are combining marks
            // (ş = s + cedilla, â = a + circumflex). Letters of other scripts
            // (Cyrillic, Greek, Arabic…) are kept as they are.
            let mut base = String::new();
            let mut only_marks = true;
            for (i, d) in std::iter::once(c).nfd().enumerate() {
                if i == 0 {
                    base.push(d);
                } else if !is_combining_mark(d) {
                    only_marks = false;
                }
            }
            if only_marks && base.is_ascii() {
                out.push_str(&base);
            } else if is_combining_mark(c) {
                // a lone combining mark carries no letter of its own
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// Folds Latin letters with diacritics to ASCII, keeping case and every other
/// character. Letters of non-Latin scripts are kept unchanged; lone combining
/// marks are dropped.
///
/// ```
/// use crmkit::text::fold_ascii;
/// assert_eq!(fold_ascii("Çağrı Gümüşsuyu"), "Cagri Gumussuyu");
/// assert_eq!(fold_ascii("Straße, Øresund, Łódź"), "Strasse, Oresund, Lodz");
/// assert_eq!(fold_ascii("Москва"), "Москва");
/// ```
pub fn fold_ascii(s: &str) -> String {
    to_fixed_point(fold_ascii_once(s), fold_ascii_once)
}

fn separate_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The matching key of a text: [`normalize`], then [`fold_ascii`], then every
/// run of characters that are not letters or digits becomes one space.
///
/// ```
/// use crmkit::text::match_key;
/// assert_eq!(match_key("İade   EDİLMEDİ!!"), "iade edilmedi");
/// assert_eq!(match_key("Iade edilmedi"), "iade edilmedi");
/// assert_eq!(match_key("O'Neil-Smith"), "o neil smith");
/// ```
pub fn match_key(s: &str) -> String {
    if s.is_ascii() {
        return match_key_ascii(s);
    }
    match_key_general(s)
}

/// [`match_key`] of ASCII text, which the general steps reduce to this:
/// lowercase (the Turkish dotless ı of `I` folds back to `i`) and runs of
/// characters that are not letters or digits as one space. Kept because
/// identity resolution takes a key of every name, address and city, and
/// most of them are ASCII; a property test checks it against the general
/// steps.
fn match_key_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

fn match_key_general(s: &str) -> String {
    to_fixed_point(separate_words(&fold_ascii(&normalize(s))), |t| {
        separate_words(&fold_ascii(&normalize(t)))
    })
}

/// Splits text into words: maximal runs of letters and digits. Apply it to the
/// output of [`normalize`] or [`match_key`].
///
/// ```
/// let words: Vec<&str> = crmkit::text::tokens("kargo, 3 gün gecikti").collect();
/// assert_eq!(words, ["kargo", "3", "gün", "gecikti"]);
/// ```
pub fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_match_key_equals_the_general_steps(s in "[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(match_key_ascii(&s), match_key_general(&s));
        }
    }

    #[test]
    fn turkish_casing() {
        assert_eq!(normalize("İĞNEADA"), "iğneada");
        assert_eq!(normalize("ISPARTA"), "ısparta");
        assert_eq!(normalize_with("ISPARTA", CaseRules::Standard), "isparta");
        assert_eq!(normalize("GECİKTİ"), "gecikti");
        // the Unicode default lowercase of İ is "i\u{307}"; no dot may survive
        assert!(!normalize("İİİ i\u{307}").contains(COMBINING_DOT_ABOVE));
        assert_eq!(normalize("i\u{307}ade"), "iade");
    }

    #[test]
    fn nfkc_and_cleanup() {
        // full-width letters and digits, ligatures, non-breaking spaces
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("ﬁyat\u{00A0}\u{00A0}farkı"), "fiyat farkı");
        assert_eq!(normalize("a\u{200B}b\u{00AD}c"), "abc");
        assert_eq!(normalize("“iade” — hemen"), "\"iade\" - hemen");
        assert_eq!(normalize("\t\n  \r"), "");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn folding_turkish_letters() {
        assert_eq!(fold_ascii("şğıöüçâîûŞĞİÖÜÇÂ"), "sgioucaiuSGIOUCA");
        assert_eq!(match_key("ŞÜKRÜ ÇAĞLAR"), match_key("sukru caglar"));
        assert_eq!(match_key("Işık"), match_key("ISIK"));
        assert_eq!(match_key("IŞIK"), "isik");
    }

    #[test]
    fn decomposed_input_matches_composed() {
        let decomposed: String = "Gümüş".nfd().collect();
        assert_eq!(normalize(&decomposed), "gümüş");
        assert_eq!(match_key(&decomposed), "gumus");
    }

    #[test]
    fn tokens_split_on_non_alphanumerics() {
        assert_eq!(tokens("a--b  c").collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(tokens("").count(), 0);
    }
}
