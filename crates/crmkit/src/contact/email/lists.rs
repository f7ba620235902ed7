//! The lists behind classification: compiled into the library, extendable at
//! run time from a user's file.

use super::EmailKind;
use crate::contact::ContactError;
use crate::contact::fasthash::{FastMap, FastSet};
use crate::error::Result;
use std::io::BufRead;
use std::sync::LazyLock;

/// Which list an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Free mailbox providers (domains).
    Free,
    /// Disposable-address providers (domains; subdomains count too).
    Disposable,
    /// Role local parts (`info`, `destek`…), compared without dots, dashes
    /// and underscores, lower case and folded to ASCII.
    Role,
    /// Education domain suffixes (`edu.tr`, `k12.tr`…).
    Education,
    /// Government domain suffixes (`gov.tr`, `bel.tr`…).
    Government,
}

const DISPOSABLE: &str = include_str!("data/disposable_domains.txt");

/// Free mailbox providers, Turkish ones included.
const FREE: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "ymail.com",
    "rocketmail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.it",
    "hotmail.com.tr",
    "outlook.com",
    "outlook.com.tr",
    "outlook.fr",
    "outlook.de",
    "live.com",
    "live.co.uk",
    "msn.com",
    "windowslive.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "mail.ru",
    "inbox.ru",
    "bk.ru",
    "list.ru",
    "yandex.com",
    "yandex.ru",
    "yandex.com.tr",
    "ya.ru",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "tutanota.com",
    "tuta.io",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "qq.com",
    "163.com",
    "126.com",
    "naver.com",
    "daum.net",
    "libero.it",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "t-online.de",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "interia.pl",
    "rediffmail.com",
    "superonline.com",
    "ttmail.com",
    "turk.net",
    "mynet.com",
    "mynet.com.tr",
    "turkcell.com.tr",
    "ttnet.com.tr",
    "e-kolay.net",
    "isnet.net.tr",
    "netbox.com.tr",
    "yaani.com",
    "yaanimail.com",
];

/// Role local parts, Turkish and international, in comparison form.
const ROLE: &[&str] = &[
    "info",
    "bilgi",
    "destek",
    "support",
    "satis",
    "sales",
    "muhasebe",
    "accounting",
    "accounts",
    "iletisim",
    "contact",
    "ik",
    "insankaynaklari",
    "hr",
    "admin",
    "administrator",
    "yonetim",
    "noreply",
    "donotreply",
    "postmaster",
    "hostmaster",
    "webmaster",
    "abuse",
    "office",
    "ofis",
    "billing",
    "fatura",
    "siparis",
    "order",
    "orders",
    "musterihizmetleri",
    "customerservice",
    "service",
    "servis",
    "hello",
    "merhaba",
    "team",
    "ekip",
    "marketing",
    "pazarlama",
    "press",
    "basin",
    "help",
    "yardim",
    "kvkk",
    "privacy",
    "legal",
    "hukuk",
    "finans",
    "finance",
    "careers",
    "kariyer",
    "jobs",
    "sekreter",
    "secretary",
    "genelmudurluk",
    "reception",
    "resepsiyon",
];

const EDUCATION: &[&str] = &[
    "edu", "edu.tr", "k12.tr", "ac.uk", "edu.au", "edu.cn", "ac.jp", "ac.in", "edu.in", "ac.kr",
    "edu.pl", "ac.at", "ac.il", "ac.nz", "ac.za", "edu.br", "edu.mx", "edu.es", "edu.it",
];

const GOVERNMENT: &[&str] = &[
    "gov",
    "mil",
    "gov.tr",
    "bel.tr",
    "pol.tr",
    "tsk.tr",
    "mil.tr",
    "adalet.gov.tr",
    "gov.uk",
    "gouv.fr",
    "gob.es",
    "gov.it",
    "bund.de",
    "gv.at",
    "admin.ch",
    "gov.au",
    "gc.ca",
    "gov.in",
    "europa.eu",
];

/// The lists used to classify addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailLists {
    /// Every listed domain with the lists it is on ([`FREE_BIT`] and the
    /// others), so one walk over a domain and its parents answers all of
    /// them with one lookup each.
    domains: FastMap<String, u8>,
    role: FastSet<String>,
}

const FREE_BIT: u8 = 1;
const DISPOSABLE_BIT: u8 = 2;
const EDUCATION_BIT: u8 = 4;
const GOVERNMENT_BIT: u8 = 8;

impl ListKind {
    /// The bit of a domain list in [`EmailLists::domains`].
    fn bit(self) -> u8 {
        match self {
            ListKind::Free => FREE_BIT,
            ListKind::Disposable => DISPOSABLE_BIT,
            ListKind::Education => EDUCATION_BIT,
            ListKind::Government => GOVERNMENT_BIT,
            ListKind::Role => 0,
        }
    }
}

static BUILTIN: LazyLock<EmailLists> = LazyLock::new(|| {
    let mut domains: FastMap<String, u8> = FastMap::default();
    let disposable = DISPOSABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let lists = [
        (ListKind::Free, FREE.to_vec()),
        (ListKind::Disposable, disposable.collect()),
        (ListKind::Education, EDUCATION.to_vec()),
        (ListKind::Government, GOVERNMENT.to_vec()),
    ];
    for (kind, entries) in lists {
        for d in entries {
            *domains.entry(d.to_owned()).or_default() |= kind.bit();
        }
    }
    EmailLists {
        domains,
        role: ROLE.iter().map(|s| (*s).to_owned()).collect(),
    }
});

/// Whether the role list holds `local`'s comparison form (see
/// [`role_key`]); ASCII local parts of ordinary length are compared without
/// allocating.
fn is_role(roles: &FastSet<String>, local: &str) -> bool {
    let base = local.split('+').next().unwrap_or(local);
    let mut buf = [0u8; 64];
    let mut n = 0;
    for c in base.chars() {
        let folded = if c.is_ascii() {
            c as u8
        } else {
            match fold_turkish(c) {
                Some(b) => b,
                // other scripts and letters: the full pipeline
                None => return roles.contains(&role_key(local)),
            }
        };
        if folded.is_ascii_alphanumeric() {
            if n == buf.len() {
                return roles.contains(&role_key(local));
            }
            buf[n] = folded.to_ascii_lowercase();
            n += 1;
        }
    }
    // only ASCII alphanumerics were copied
    std::str::from_utf8(&buf[..n]).is_ok_and(|k| roles.contains(k))
}

/// The ASCII letter `crate::text::match_key` folds a Turkish letter to.
fn fold_turkish(c: char) -> Option<u8> {
    Some(match c {
        'ç' | 'Ç' => b'c',
        'ğ' | 'Ğ' => b'g',
        'ı' | 'İ' => b'i',
        'ö' | 'Ö' => b'o',
        'ş' | 'Ş' => b's',
        'ü' | 'Ü' => b'u',
        'â' | 'Â' => b'a',
        'î' | 'Î' => b'i',
        'û' | 'Û' => b'u',
        _ => return None,
    })
}

/// The comparison form of a role local part: the part before `+`, lower
/// case, ASCII-folded, without dots, dashes and underscores
/// (`Müşteri.Hizmetleri` → `musterihizmetleri`).
fn role_key(local: &str) -> String {
    let base = local.split('+').next().unwrap_or(local);
    if base.is_ascii() {
        // the common case, without the Unicode pipeline
        return base
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    crate::text::match_key(base).replace(' ', "")
}

impl EmailLists {
    /// The lists compiled into the library: about 10,000 disposable domains
    /// (the CC0 disposable-email-domains list), free providers including
    /// Turkish ones, role names including Turkish ones, and education and
    /// government suffixes.
    pub fn builtin() -> &'static EmailLists {
        &BUILTIN
    }

    /// Whether `value` is on the list (domains in ASCII, lower case).
    pub fn contains(&self, kind: ListKind, value: &str) -> bool {
        let trimmed = value.trim();
        let v = if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(trimmed.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(trimmed)
        };
        let v = v.as_ref();
        match kind {
            ListKind::Free => self.flags(v) & FREE_BIT != 0,
            ListKind::Role => is_role(&self.role, value),
            ListKind::Disposable | ListKind::Education | ListKind::Government => {
                self.parent_flags(v) & kind.bit() != 0
            }
        }
    }

    /// Whether `domain` (ASCII, lower case) is itself a free provider.
    pub(crate) fn is_free(&self, domain: &str) -> bool {
        self.flags(domain) & FREE_BIT != 0
    }

    /// The lists `domain` itself is on.
    fn flags(&self, domain: &str) -> u8 {
        self.domains.get(domain).copied().unwrap_or(0)
    }

    /// The lists that `domain` or a parent domain is on, as they count for
    /// parents: disposable for the domain or any parent but a bare TLD,
    /// education and government for any of them (`edu`, `gov`); free
    /// only for the domain itself.
    fn parent_flags(&self, domain: &str) -> u8 {
        let (mut found, mut d, mut counts) = (0, domain, u8::MAX);
        loop {
            let f = self.flags(d) & counts;
            // after the domain itself, free no longer counts
            counts &= !FREE_BIT;
            match d.split_once('.') {
                Some((_, parent)) => {
                    found |= f;
                    d = parent;
                }
                // a bare top-level domain
                None => return found | f & !DISPOSABLE_BIT,
            }
        }
    }

    /// Adds one entry; the error says what a valid entry looks like.
    pub fn insert(&mut self, kind: ListKind, value: &str) -> std::result::Result<(), String> {
        let v = value.trim().to_ascii_lowercase();
        let domain_like = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        };
        match kind {
            ListKind::Role => {
                let key = role_key(value);
                if key.is_empty() || key.contains('@') {
                    return Err(format!("{value:?} is not a local part such as \"destek\""));
                }
                self.role.insert(key);
            }
            _ if !domain_like(&v) => {
                return Err(format!(
                    "{value:?} is not a domain in ASCII form such as \"example.com.tr\" (use punycode for IDN)"
                ));
            }
            _ => *self.domains.entry(v).or_default() |= kind.bit(),
        }
        Ok(())
    }

    /// Adds the entries of a text file: one per line, `#` starts a comment,
    /// blank lines are skipped. Errors name the source and line. Returns
    /// how many entries were added.
    ///
    /// ```
    /// use crmkit::contact::email::{EmailLists, ListKind};
    /// let mut lists = EmailLists::builtin().clone();
    /// let n = lists.extend_from_reader(ListKind::Free, "# ours\nfirmamail.com.tr\n".as_bytes(), "free.txt").unwrap();
    /// assert_eq!(n, 1);
    /// assert!(lists.contains(ListKind::Free, "firmamail.com.tr"));
    /// let err = lists.extend_from_reader(ListKind::Free, "ok.com\nnot a domain\n".as_bytes(), "free.txt").unwrap_err();
    /// assert!(err.to_string().starts_with("free.txt, line 2:"));
    /// ```
    pub fn extend_from_reader<R: BufRead>(
        &mut self,
        kind: ListKind,
        reader: R,
        source_name: &str,
    ) -> Result<usize> {
        let mut added = 0;
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| ContactError::InvalidList {
                source_name: source_name.to_owned(),
                line: i as u64 + 1,
                message: e.to_string(),
            })?;
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            self.insert(kind, entry)
                .map_err(|message| ContactError::InvalidList {
                    source_name: source_name.to_owned(),
                    line: i as u64 + 1,
                    message,
                })?;
            added += 1;
        }
        Ok(added)
    }

    /// The primary kind of a valid address (see [`EmailKind`] for the precedence).
    pub(crate) fn classify(&self, local: &str, ascii_domain: &str) -> EmailKind {
        // ASCII domains come lower-cased from validation
        let domain = ascii_domain;
        let on = self.parent_flags(domain);
        if on & DISPOSABLE_BIT != 0 {
            EmailKind::Disposable
        } else if is_role(&self.role, local) {
            EmailKind::Role
        } else if on & EDUCATION_BIT != 0 {
            EmailKind::Education
        } else if on & GOVERNMENT_BIT != 0 {
            EmailKind::Government
        } else if on & FREE_BIT != 0 {
            EmailKind::Free
        } else {
            EmailKind::Corporate
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The allocation-free comparison agrees with the full pipeline.
        #[test]
        fn role_fast_path_matches_the_pipeline(local in "[a-zA-Z0-9._+çÇğĞıİöÖşŞüÜâÂîÎûÛé-]{0,24}") {
            let roles = &EmailLists::builtin().role;
            prop_assert_eq!(is_role(roles, &local), roles.contains(&role_key(&local)));
            let mut one: FastSet<String> = FastSet::default();
            one.insert(role_key(&local));
            prop_assert!(is_role(&one, &local));
        }
    }

    #[test]
    fn which_lists_count_for_parent_domains() {
        let mut lists = EmailLists::builtin().clone();
        lists.insert(ListKind::Disposable, "com").unwrap();
        lists.insert(ListKind::Disposable, "tmp.example").unwrap();
        lists.insert(ListKind::Free, "posta.example").unwrap();
        lists.insert(ListKind::Education, "okul.example").unwrap();
        lists.insert(ListKind::Government, "example").unwrap();
        let kind = |d: &str| lists.classify("ali", d);
        // a bare top-level domain is never disposable, a parent domain is
        assert_eq!(kind("firma.com"), EmailKind::Corporate);
        assert!(!lists.contains(ListKind::Disposable, "com"));
        assert_eq!(kind("x.tmp.example"), EmailKind::Disposable);
        assert_eq!(kind("x.mailinator.com"), EmailKind::Disposable);
        // free providers count only as themselves
        assert_eq!(kind("gmail.com"), EmailKind::Free);
        assert_eq!(kind("eu.gmail.com"), EmailKind::Corporate);
        assert!(!lists.contains(ListKind::Free, "eu.gmail.com"));
        // education before government, both for any parent, bare ones too
        assert_eq!(kind("bilgisayar.okul.example"), EmailKind::Education);
        assert_eq!(kind("belediye.example"), EmailKind::Government);
        assert_eq!(kind("posta.example"), EmailKind::Government);
        assert_eq!(kind("ogrenci.harvard.edu"), EmailKind::Education);
        assert_eq!(kind("ankara.bel.tr"), EmailKind::Government);
        // one domain on several lists keeps each
        lists.insert(ListKind::Free, "okul.example").unwrap();
        assert!(lists.contains(ListKind::Free, "okul.example"));
        assert!(lists.contains(ListKind::Education, "okul.example"));
        assert_eq!(lists.classify("destek", "okul.example"), EmailKind::Role);
    }

    #[test]
    fn turkish_role_names() {
        let lists = EmailLists::builtin();
        for local in [
            "Müşteri.Hizmetleri",
            "DESTEK",
            "İletişim",
            "satış+kampanya",
            "İK",
        ] {
            assert!(lists.contains(ListKind::Role, local), "{local}");
        }
        assert!(!lists.contains(ListKind::Role, "şükrü"));
    }
}
