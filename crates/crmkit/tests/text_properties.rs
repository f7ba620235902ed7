//! Invariants of the shared normalization pipeline, on arbitrary Unicode.

use crmkit::text::{self, CaseRules};
use proptest::prelude::*;

const DOTTED_I: &str = "i\u{307}";

/// Strings biased towards the characters that make normalization hard:
/// Turkish letters, combining marks, compatibility forms, invisible characters.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "İ", "I", "ı", "i", "\u{307}", "Ş", "ş", "Ğ", "ğ", "Ü", "ö", "Ç", "â", "ß", "ẞ", "ﬁ", "Ａ",
        "１", "\u{00A0}", "\u{200B}", "\u{00AD}", " ", "\t", "\n", "’", "—", "Σ", "ς", "\u{0345}",
        "ǅ", "Å", "\u{212B}", "\u{1E9E}", "ŉ", "a", "Z", "9", "-", ".", "@",
    ]);
    prop::collection::vec(
        prop_oneof![
            pieces.prop_map(str::to_owned),
            any::<char>().prop_map(String::from)
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn normalize_is_idempotent(s in tricky()) {
        let once = text::normalize(&s);
        prop_assert_eq!(text::normalize(&once), once.clone());
        let std_once = text::normalize_with(&s, CaseRules::Standard);
        prop_assert_eq!(text::normalize_with(&std_once, CaseRules::Standard), std_once);
    }

    #[test]
    fn normalize_leaves_no_stray_dot_or_padding(s in tricky()) {
        let n = text::normalize(&s);
        prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
        prop_assert!(!n.contains(DOTTED_I), "stray dot in {:?}", n);
        prop_assert!(!n.chars().any(|c| c.is_control()));
    }

    #[test]
    fn fold_ascii_is_idempotent(s in tricky()) {
        let once = text::fold_ascii(&s);
        prop_assert_eq!(text::fold_ascii(&once), once);
    }

    #[test]
    fn match_key_is_idempotent_and_tokenized(s in tricky()) {
        let key = text::match_key(&s);
        prop_assert_eq!(text::match_key(&key), key.clone());
        let rejoined: Vec<&str> = text::tokens(&key).collect();
        prop_assert_eq!(rejoined.join(" "), key);
    }

    #[test]
    fn any_string_is_accepted(s in any::<String>()) {
        let _ = text::normalize(&s);
        let _ = text::fold_ascii(&s);
        let _ = text::match_key(&s);
        let _ = text::lowercase(&s, CaseRules::Standard);
        let _ = text::tokens(&s).count();
    }

    #[test]
    fn turkish_and_ascii_spellings_share_a_key(word in "[a-zA-Z ]{0,20}") {
        // replacing ASCII letters by their Turkish look-alikes never changes the key
        let turkish: String = word.chars().map(|c| match c {
            's' => 'ş', 'S' => 'Ş', 'g' => 'ğ', 'c' => 'ç', 'o' => 'ö', 'u' => 'ü', 'i' => 'ı', 'I' => 'İ',
            other => other,
        }).collect();
        prop_assert_eq!(text::match_key(&turkish), text::match_key(&word));
    }
}
