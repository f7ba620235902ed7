//! Typo suggestions for the domain of an address, tuned for Turkish users:
//! `gmial.com`, `hotmial.com`, `gmail.com.tr`, `hotmail.co`, a dotless ı
//! (`gmaıl.com`), the U+0307 left by lower-casing İ (`gmai̇l.com`),
//! `yandex.con.tr`…

use super::EmailLists;
use crate::contact::fasthash::RecentMap;
use crate::text::similarity::osa_within;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Domains that do not exist but are typed for a real one.
const KNOWN_MISTAKES: &[(&str, &str)] = &[
    ("gmail.com.tr", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("gmail.cm", "gmail.com"),
    ("hotmail.co", "hotmail.com"),
    ("hotmail.cm", "hotmail.com"),
    ("hotmai.com.tr", "hotmail.com.tr"),
    ("outlook.co", "outlook.com"),
    ("yahoo.co", "yahoo.com"),
    ("icloud.co", "icloud.com"),
    ("yandex.com.t", "yandex.com.tr"),
    ("yandex.tr", "yandex.com.tr"),
];

/// Domains typos are corrected towards: the free providers most seen in
/// Turkish and international CRMs.
const TARGETS: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "yandex.com",
    "yandex.com.tr",
    "hotmail.com.tr",
    "outlook.com.tr",
    "mynet.com",
    "superonline.com",
    "ttmail.com",
    "windowslive.com",
    "live.com",
    "msn.com",
    "aol.com",
    "protonmail.com",
];

/// Endings typed for `.com` and `.com.tr`: (typed, meant); a domain has at
/// most one of them.
const ENDINGS: &[(&str, &str)] = &[
    (".con", ".com"),
    (".cmo", ".com"),
    (".ocm", ".com"),
    (".comm", ".com"),
    (".vom", ".com"),
    (".xom", ".com"),
    (".con.tr", ".com.tr"),
    (".cmo.tr", ".com.tr"),
    (".ocm.tr", ".com.tr"),
    (".comm.tr", ".com.tr"),
    (".vom.tr", ".com.tr"),
    (".xom.tr", ".com.tr"),
];

/// `d` with a mistyped `.com` ending repaired.
fn repair_ending(d: &str) -> Cow<'_, str> {
    for (wrong, right) in ENDINGS {
        if let Some(stem) = d.strip_suffix(wrong) {
            return Cow::Owned(format!("{stem}{right}"));
        }
    }
    Cow::Borrowed(d)
}

/// The domain as it was probably meant: lower case, dotless ı as i, no
/// combining dot, no spaces, a mistyped `.com` ending repaired.
fn clean(domain: &str) -> String {
    let d: String = domain
        .chars()
        .filter(|c| *c != '\u{307}' && !c.is_whitespace())
        .map(|c| if c == 'ı' || c == 'İ' { 'i' } else { c })
        .collect::<String>()
        .to_lowercase();
    repair_ending(&d).into_owned()
}

/// Whether `domain` is lower-case ASCII without spaces: then it is its own
/// lower case and, but for the ending, its own cleaned form.
fn plain(domain: &str) -> bool {
    domain
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
}

const CACHE_SIZE: usize = 4096;

thread_local! {
    /// Corrections by domain, for the domains that took work to correct.
    static CACHE: std::cell::RefCell<RecentMap<Option<String>>> =
        std::cell::RefCell::new(RecentMap::new(CACHE_SIZE));
}

/// A corrected address, or `None` when the domain is not a likely typo of a
/// well-known provider. A domain that is itself a known provider (one of
/// the built-in free providers) is never "corrected".
pub(crate) fn suggest(text: &str) -> Option<String> {
    let at = text.rfind('@')?;
    let (local, domain) = (text[..at].trim(), text[at + 1..].trim());
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let fixed = match CACHE.with(|c| c.borrow_mut().get(domain)) {
        Some(hit) => hit,
        None => {
            let (fixed, worth_keeping) = search(domain);
            if worth_keeping {
                CACHE.with(|c| c.borrow_mut().insert(domain, fixed.clone()));
            }
            fixed
        }
    };
    fixed.map(|d| format!("{local}@{d}"))
}

/// A typo target with what the filters need: its top-level domain and the
/// set of its (ASCII) bytes.
struct Target {
    name: &'static str,
    tld: &'static str,
    bytes: u128,
}

static TARGET_INDEX: LazyLock<Vec<Target>> = LazyLock::new(|| {
    TARGETS
        .iter()
        .map(|name| Target {
            name,
            tld: name.rsplit('.').next().unwrap_or(name),
            bytes: byte_set(name.as_bytes()),
        })
        .collect()
});

/// The set of the ASCII bytes of `s` as a bit mask.
fn byte_set(s: &[u8]) -> u128 {
    s.iter()
        .filter(|b| b.is_ascii())
        .fold(0, |m, &b| m | 1u128 << b)
}

/// How many bytes of `s` are not in `set`. Every such byte costs an edit
/// (a deletion or substitution; moving it does not help), so this is a
/// lower bound of the edit distance for ASCII text.
fn absent(s: &[u8], set: u128) -> usize {
    s.iter()
        .filter(|&&b| set & (1u128 << (b & 127)) == 0)
        .count()
}

/// The domain a mistyped `domain` was meant to be, if any.
#[cfg(test)]
fn correct_domain(domain: &str) -> Option<String> {
    search(domain).0
}

/// The correction of `domain`, and whether it is worth remembering: when
/// it needed the Unicode clean-up or an edit distance. A plain one-off
/// company domain that no target comes near is answered faster than stored.
fn search(domain: &str) -> (Option<String>, bool) {
    let lists = EmailLists::builtin();
    let is_plain = plain(domain);
    let lower = if is_plain {
        Cow::Borrowed(domain)
    } else {
        Cow::Owned(domain.to_lowercase())
    };
    // every target is a built-in free provider (tested)
    let known = |d: &str| lists.is_free(d);
    if known(&lower) {
        return (None, !is_plain);
    }
    let mut searched = false;
    let cleaned = if is_plain {
        repair_ending(domain)
    } else {
        Cow::Owned(clean(domain))
    };
    let fixed = if let Some((_, right)) = KNOWN_MISTAKES.iter().find(|(w, _)| *w == cleaned) {
        Some((*right).to_owned())
    } else if cleaned != lower && known(&cleaned) {
        Some(cleaned.clone().into_owned())
    } else {
        // one edit for short domains, two for longer ones; the best target must be unique
        let max = if cleaned.chars().count() < 9 { 1 } else { 2 };
        let tld = cleaned.rsplit('.').next();
        let ascii = cleaned.is_ascii();
        let cleaned_bytes = byte_set(cleaned.as_bytes());
        // the nearest target and whether another one is as near
        let mut best: Option<(usize, &str)> = None;
        let mut tie = false;
        for t in TARGET_INDEX
            .iter()
            // typos keep the top-level domain (".con" and the like were repaired above)
            .filter(|t| Some(t.tld) == tld)
            // a length gap wider than the edit budget cannot close (bytes
            // overestimate chars by at most the multi-byte letters), nor can
            // more bytes than the budget that the target does not have
            .filter(|t| {
                if ascii {
                    t.name.len().abs_diff(cleaned.len()) <= max
                        && absent(cleaned.as_bytes(), t.bytes) <= max
                        && absent(t.name.as_bytes(), cleaned_bytes) <= max
                } else {
                    t.name.len().abs_diff(cleaned.len()) <= 2 * max
                }
            })
        {
            searched = true;
            let Some(d) = osa_within(&cleaned, t.name, max) else {
                continue;
            };
            match best {
                Some((b, _)) if d > b => {}
                Some((b, _)) if d == b => tie = true,
                _ => {
                    best = Some((d, t.name));
                    tie = false;
                }
            }
        }
        best.filter(|_| !tie).map(|(_, t)| t.to_owned())
    };
    let fixed = fixed.filter(|f| *f != *lower);
    (fixed, searched || !is_plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The correction without any of the filters: every target with the same
    /// top-level domain is measured.
    fn reference(domain: &str) -> Option<String> {
        let lists = EmailLists::builtin();
        let lower = domain.to_lowercase();
        let known =
            |d: &str| TARGETS.contains(&d) || lists.contains(super::super::ListKind::Free, d);
        if known(&lower) {
            return None;
        }
        let cleaned = clean(domain);
        let fixed = if let Some((_, right)) = KNOWN_MISTAKES.iter().find(|(w, _)| *w == cleaned) {
            Some((*right).to_owned())
        } else if known(&cleaned) {
            Some(cleaned.clone())
        } else {
            let max = if cleaned.chars().count() < 9 { 1 } else { 2 };
            let tld = cleaned.rsplit('.').next();
            let mut found: Vec<(usize, &str)> = TARGETS
                .iter()
                .filter(|t| t.rsplit('.').next() == tld)
                .filter_map(|t| osa_within(&cleaned, t, max).map(|d| (d, *t)))
                .collect();
            found.sort();
            match found.as_slice() {
                [(d, t), rest @ ..] if rest.first().is_none_or(|(e, _)| e > d) => {
                    Some((*t).to_owned())
                }
                _ => None,
            }
        }?;
        (fixed != lower).then_some(fixed)
    }

    proptest! {
        /// The filtered search finds what measuring every target finds.
        #[test]
        fn filters_change_nothing(
            target in prop::sample::select(TARGETS.to_vec()),
            edits in prop::collection::vec((0usize..20, "[a-zA-Z0-9.ıİ\u{307} -]"), 0..4),
            other in "[a-z0-9-]{1,12}\\.(com|com\\.tr|net|co)",
        ) {
            let mut d: Vec<char> = target.chars().collect();
            for (at, c) in &edits {
                let at = at % (d.len() + 1);
                match at % 3 {
                    0 if at < d.len() => { d.remove(at); }
                    1 => d.insert(at, c.chars().next().unwrap_or('x')),
                    _ if at < d.len() => d[at] = c.chars().next().unwrap_or('x'),
                    _ => {}
                }
            }
            // as `suggest` gives it: trimmed
            let typed = d.into_iter().collect::<String>().trim().to_owned();
            prop_assert_eq!(correct_domain(&typed), reference(&typed), "{}", typed);
            prop_assert_eq!(correct_domain(&other), reference(&other), "{}", other);
        }
    }

    fn s(text: &str) -> Option<String> {
        suggest(text)
    }

    #[test]
    fn turkish_typos() {
        for (typed, meant) in [
            ("ayse@gmial.com", "ayse@gmail.com"),
            ("ayse@gmal.com", "ayse@gmail.com"),
            ("ayse@gnail.com", "ayse@gmail.com"),
            ("ayse@hotmial.com", "ayse@hotmail.com"),
            ("ayse@hotmai.com", "ayse@hotmail.com"),
            ("ayse@hotmail.co", "ayse@hotmail.com"),
            ("ayse@gmail.com.tr", "ayse@gmail.com"),
            ("ayse@gmaıl.com", "ayse@gmail.com"),
            ("ayse@gmai\u{307}l.com", "ayse@gmail.com"),
            ("ayse@GMAİL.COM", "ayse@gmail.com"),
            ("ayse@gmail.con", "ayse@gmail.com"),
            ("ayse@yandex.con.tr", "ayse@yandex.com.tr"),
            ("ayse@yandx.com.tr", "ayse@yandex.com.tr"),
            ("ayse@yandex.com.t", "ayse@yandex.com.tr"),
            ("ayse@hotmial.com.tr", "ayse@hotmail.com.tr"),
            ("ayse@outlok.com", "ayse@outlook.com"),
            ("ayse@superonlin.com", "ayse@superonline.com"),
        ] {
            assert_eq!(s(typed).as_deref(), Some(meant), "{typed}");
        }
    }

    #[test]
    fn targets_are_free_providers() {
        for t in TARGETS {
            assert!(EmailLists::builtin().is_free(t), "{t}");
        }
    }

    #[test]
    fn real_domains_are_left_alone() {
        for real in [
            "a@gmail.com",
            "a@hotmail.com.tr",
            "a@mail.com",
            "a@yandex.com.tr",
            "a@firma.com.tr",
            "a@gmx.de",
            "a@example.org",
            "a@me.com",
        ] {
            assert_eq!(s(real), None, "{real}");
        }
        assert_eq!(s("no-at-sign"), None);
    }
}
