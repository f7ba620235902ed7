//! Typo suggestions for the domain of an address, tuned for Turkish users:
//! `gmial.com`, `hotmial.com`, `gmail.com.tr`, `hotmail.co`, a dotless ı
//! (`gmaıl.com`), the U+0307 left by lower-casing İ (`gmai̇l.com`),
//! `yandex.con.tr`…

use super::EmailLists;
use crate::contact::fasthash::RecentMap;
use crate::text::similarity::osa_within;

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

/// The domain as it was probably meant: lower case, dotless ı as i, no
/// combining dot, no spaces, a mistyped `.com` ending repaired.
fn clean(domain: &str) -> String {
    let mut d: String = domain
        .chars()
        .filter(|c| *c != '\u{307}' && !c.is_whitespace())
        .map(|c| if c == 'ı' || c == 'İ' { 'i' } else { c })
        .collect::<String>()
        .to_lowercase();
    // (typed, meant) endings; a domain has at most one of them
    for (wrong, right) in [
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
    ] {
        if d.ends_with(wrong) {
            d.truncate(d.len() - wrong.len());
            d.push_str(right);
            break;
        }
    }
    d
}

const CACHE_SIZE: usize = 4096;

thread_local! {
    /// Corrections by domain; most customer data repeats a few domains.
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
            let fixed = correct_domain(domain);
            CACHE.with(|c| c.borrow_mut().insert(domain, fixed.clone()));
            fixed
        }
    };
    fixed.map(|d| format!("{local}@{d}"))
}

/// The domain a mistyped `domain` was meant to be, if any.
fn correct_domain(domain: &str) -> Option<String> {
    let lists = EmailLists::builtin();
    let lower = domain.to_lowercase();
    let known = |d: &str| TARGETS.contains(&d) || lists.contains(super::ListKind::Free, d);
    if known(&lower) {
        return None;
    }
    let cleaned = clean(domain);
    let fixed = if let Some((_, right)) = KNOWN_MISTAKES.iter().find(|(w, _)| *w == cleaned) {
        Some((*right).to_owned())
    } else if known(&cleaned) {
        Some(cleaned.clone())
    } else {
        // one edit for short domains, two for longer ones; the best target must be unique
        let max = if cleaned.chars().count() < 9 { 1 } else { 2 };
        let tld = cleaned.rsplit('.').next();
        // the nearest target and whether another one is as near
        let mut best: Option<(usize, &str)> = None;
        let mut tie = false;
        for t in TARGETS
            .iter()
            // a length gap wider than the edit budget cannot close (bytes
            // overestimate chars by at most the multi-byte letters)
            .filter(|t| t.len().abs_diff(cleaned.len()) <= 2 * max)
            // typos keep the top-level domain (".con" and the like were repaired above)
            .filter(|t| t.rsplit('.').next() == tld)
        {
            let Some(d) = osa_within(&cleaned, t, max) else {
                continue;
            };
            match best {
                Some((b, _)) if d > b => {}
                Some((b, _)) if d == b => tie = true,
                _ => {
                    best = Some((d, t));
                    tie = false;
                }
            }
        }
        best.filter(|_| !tie).map(|(_, t)| t.to_owned())
    }?;
    (fixed != lower).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

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
