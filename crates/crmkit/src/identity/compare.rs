//! Comparison levels: how two standardized records agree, field by field.
//!
//! Each [`Comparison`] has ordered levels, best first; level 0 means "one
//! side is missing" and is neutral evidence. The levels of a pair form its
//! comparison vector ([`Gamma`]), the input of the Fellegi–Sunter model.

#[cfg(test)]
use super::standardize::Vocabulary;
use super::standardize::{Kind, NONE, Prepared, Sym, Values};
use crate::text::similarity::{jaro_winkler, osa_slices, osa_within};

/// The compared fields, in the order of a comparison vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// First name (with swapped first/last names recognized).
    FirstName,
    /// Last name.
    LastName,
    /// Birth date.
    DateOfBirth,
    /// Email dedup keys (best over all pairs of addresses).
    Email,
    /// Phone numbers in E.164 (best over all pairs).
    Phone,
    /// National identity number.
    NationalId,
    /// Customer or account numbers (best over all pairs).
    CustomerNumber,
    /// Street address.
    Address,
    /// City.
    City,
    /// Postcode.
    Postcode,
}

/// Number of comparisons in a vector.
pub const N: usize = 10;

/// Levels of every comparison for one pair: 0 = missing on a side, 1 = best.
pub type Gamma = [u8; N];

impl Comparison {
    /// Every comparison, in vector order.
    pub const ALL: [Comparison; N] = [
        Comparison::FirstName,
        Comparison::LastName,
        Comparison::DateOfBirth,
        Comparison::Email,
        Comparison::Phone,
        Comparison::NationalId,
        Comparison::CustomerNumber,
        Comparison::Address,
        Comparison::City,
        Comparison::Postcode,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::FirstName => "first_name",
            Comparison::LastName => "last_name",
            Comparison::DateOfBirth => "date_of_birth",
            Comparison::Email => "email",
            Comparison::Phone => "phone",
            Comparison::NationalId => "national_id",
            Comparison::CustomerNumber => "customer_number",
            Comparison::Address => "address",
            Comparison::City => "city",
            Comparison::Postcode => "postcode",
        }
    }

    /// Labels of levels 1, 2, …
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Comparison::FirstName | Comparison::LastName => &[
                "exact",
                "jaro_winkler >= 0.92",
                "jaro_winkler >= 0.80 or a shared word",
                "different",
            ],
            Comparison::DateOfBirth => &[
                "exact",
                "one digit or day/month swapped",
                "two digits",
                "different",
            ],
            Comparison::Email => &[
                "exact",
                "same or a typo apart, made from the name",
                "a typo apart",
                "different",
            ],
            Comparison::Phone => &["exact", "last 7 digits or one digit", "different"],
            Comparison::NationalId | Comparison::CustomerNumber | Comparison::Postcode => {
                &["exact", "one character", "different"]
            }
            Comparison::Address => &[
                "exact",
                "jaro_winkler >= 0.90 or 80% of words",
                "half of the words",
                "different",
            ],
            Comparison::City => &["exact", "jaro_winkler >= 0.90", "different"],
        }
    }

    /// Whether the exact level is weighted by how common the value is.
    pub fn term_frequency(self) -> bool {
        matches!(
            self,
            Comparison::FirstName | Comparison::LastName | Comparison::City | Comparison::Postcode
        )
    }

    /// Whether agreement on this field is evidence about the person rather
    /// than the household (a shared last name, address or city is not).
    pub fn person_level(self) -> bool {
        matches!(
            self,
            Comparison::FirstName
                | Comparison::DateOfBirth
                | Comparison::Email
                | Comparison::Phone
                | Comparison::NationalId
                | Comparison::CustomerNumber
        )
    }

    /// The position in a comparison vector.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A compared pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compared {
    /// The comparison vector.
    pub gamma: Gamma,
    /// First and last names matched crosswise.
    pub swapped: bool,
    /// Two different valid TCKNs: the records cannot be the same person.
    pub cannot_link: bool,
}

fn name_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1;
    }
    let jw = jaro_winkler(a, b);
    if jw >= 0.92 {
        return 2;
    }
    if jw >= 0.80
        || a.split(' ')
            .any(|w| w.len() > 1 && b.split(' ').any(|v| v == w))
    {
        return 3;
    }
    4
}

fn digits8(d: u32) -> [u8; 8] {
    let mut out = [0u8; 8];
    let mut x = d;
    for slot in out.iter_mut().rev() {
        *slot = (x % 10) as u8;
        x /= 10;
    }
    out
}

fn date_level(a: u32, b: u32) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    if a == b {
        return 1;
    }
    let swapped = a / 10_000 == b / 10_000 && (a % 100) * 100 + (a / 100 % 100) == b % 10_000;
    match osa_slices(&digits8(a), &digits8(b), 2) {
        Some(1) => 2,
        _ if swapped => 2,
        Some(2) => 3,
        _ => 4,
    }
}

fn code_level(va: &str, vb: &str) -> u8 {
    if va == vb {
        1
    } else if osa_within(va, vb, 1).is_some() {
        2
    } else {
        3
    }
}

fn best<F: Fn(Sym, Sym) -> u8>(a: &[Sym], b: &[Sym], f: F) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut level = u8::MAX;
    for &x in a {
        for &y in b {
            level = level.min(if x == y { 1 } else { f(x, y) });
            if level == 1 {
                return 1;
            }
        }
    }
    level
}

fn words_overlap(a: &str, b: &str) -> f64 {
    // `b`'s words are split once, on the stack for addresses of up to 16
    // words (this runs for almost every candidate pair)
    let mut words = [""; 16];
    let mut nb = 0;
    for w in b.split(' ') {
        if nb == words.len() {
            break;
        }
        words[nb] = w;
        nb += 1;
    }
    let (mut na, mut shared) = (0usize, 0usize);
    let long = nb == words.len() && b.split(' ').nth(words.len()).is_some();
    for w in a.split(' ') {
        na += 1;
        let found = if long {
            b.split(' ').any(|v| v == w)
        } else {
            words[..nb].contains(&w)
        };
        shared += usize::from(found);
    }
    let nb = if long { b.split(' ').count() } else { nb };
    shared as f64 / na.max(nb) as f64
}

/// Letters of a text, lowercased ASCII only (for comparing email user
/// parts with names).
fn letters(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether an email's user part is made from the person's name (it holds
/// the last name, and the first name or its initial), as in
/// `ayse.yilmaz74@…` or `ayilmaz@…`. Namesakes often share such addresses.
///
/// ```
/// use crmkit::identity::compare::email_from_name;
/// assert!(email_from_name("ayse.yilmaz74@gmail.com", "ayse", "yilmaz"));
/// assert!(email_from_name("ayilmaz@gmail.com", "ayse", "yilmaz"));
/// assert!(!email_from_name("kedi42@gmail.com", "ayse", "yilmaz"));
/// ```
pub fn email_from_name(email: &str, first: &str, last: &str) -> bool {
    let user = letters(email.split('@').next().unwrap_or(""));
    let last = letters(last);
    if last.len() < 3 || !user.contains(&last) {
        return false;
    }
    let first = letters(first.split(' ').next().unwrap_or(""));
    first.is_empty() || user.contains(&first) || first.get(..1).is_some_and(|i| user.starts_with(i))
}

/// Whether an email's user part holds a word of `name` of at least three
/// letters (`natalia71@…` for Natalia).
///
/// ```
/// use crmkit::identity::compare::email_holds_name;
/// assert!(email_holds_name("natalia71@gmail.com", "natalia"));
/// assert!(!email_holds_name("kedi42@gmail.com", "natalia"));
/// ```
pub fn email_holds_name(email: &str, name: &str) -> bool {
    let user = letters(email.split('@').next().unwrap_or(""));
    name.split(' ')
        .map(letters)
        .any(|w| w.len() >= 3 && user.contains(&w))
}

/// One typo apart: same user part with the domain at most two edits away
/// (`gmial.com`), or same domain with user parts of Jaro–Winkler ≥ 0.92.
fn email_typo(x: &str, y: &str) -> bool {
    match (x.split_once('@'), y.split_once('@')) {
        (Some((ux, dx)), Some((uy, dy))) => {
            (ux == uy && osa_within(dx, dy, 2).is_some())
                || (dx == dy && jaro_winkler(ux, uy) >= 0.92)
        }
        _ => false,
    }
}

/// Compares two standardized records.
pub fn compare<V: Values + ?Sized>(a: &Prepared, b: &Prepared, v: &V) -> Compared {
    let mut g = [0u8; N];
    let (fa, la, fb, lb) = (
        v.text(Kind::First, a.first),
        v.text(Kind::Last, a.last),
        v.text(Kind::First, b.first),
        v.text(Kind::Last, b.last),
    );
    let direct = (name_level(fa, fb), name_level(la, lb));
    let mut swapped = false;
    g[0] = direct.0;
    g[1] = direct.1;
    if direct.0 >= 3 && direct.1 >= 3 {
        let cross = (name_level(fa, lb), name_level(la, fb));
        let score = |(x, y): (u8, u8)| {
            // missing counts as neither good nor bad
            let s = |l: u8| if l == 0 { 2.5 } else { f64::from(l) };
            s(x) + s(y)
        };
        // a real swap agrees on both names
        if cross.0 != 0
            && cross.0 <= 3
            && cross.1 != 0
            && cross.1 <= 3
            && score(cross) + 1.0 < score(direct)
        {
            swapped = true;
            g[0] = cross.0;
            g[1] = cross.1;
        }
    }
    g[2] = date_level(a.dob, b.dob);
    g[3] = best(&a.emails, &b.emails, |x, y| {
        if email_typo(v.text(Kind::Email, x), v.text(Kind::Email, y)) {
            3
        } else {
            4
        }
    });
    if g[3] == 1 || g[3] == 3 {
        // An address made from a name agrees (or nearly) for namesakes too.
        // Either record's name counts, either way round: the same address
        // typed beside a misspelt or swapped name is still made from a name.
        let names = [(fa, la), (la, fa), (fb, lb), (lb, fb)];
        let from_name = |e: &[Sym]| {
            e.iter().any(|&x| {
                let e = v.text(Kind::Email, x);
                names.iter().any(|&(f, l)| email_from_name(e, f, l))
                    // two different addresses that look alike because
                    // both hold the same given name or surname
                    || (g[3] == 3 && names.iter().any(|&(f, _)| email_holds_name(e, f)))
            })
        };
        if from_name(&a.emails) && from_name(&b.emails) {
            g[3] = 2;
        }
    }
    g[4] = best(&a.phones, &b.phones, |x, y| {
        let (px, py) = (v.text(Kind::Phone, x), v.text(Kind::Phone, y));
        fn tail(p: &str) -> &str {
            p.get(p.len().saturating_sub(7)..).unwrap_or(p)
        }
        if (px.len() >= 7 && py.len() >= 7 && tail(px) == tail(py))
            || osa_within(px, py, 1).is_some()
        {
            2
        } else {
            3
        }
    });
    let mut cannot_link = false;
    if a.national_id != NONE && b.national_id != NONE {
        g[5] = if a.national_id == b.national_id {
            1
        } else if a.tckn_valid && b.tckn_valid {
            cannot_link = true;
            3
        } else {
            code_level(
                v.text(Kind::NationalId, a.national_id),
                v.text(Kind::NationalId, b.national_id),
            )
        };
    }
    g[6] = best(&a.customer_numbers, &b.customer_numbers, |x, y| {
        code_level(
            v.text(Kind::CustomerNumber, x),
            v.text(Kind::CustomerNumber, y),
        )
    });
    if a.address != NONE && b.address != NONE {
        g[7] = if a.address == b.address {
            1
        } else {
            let (sa, sb) = (
                v.text(Kind::Address, a.address),
                v.text(Kind::Address, b.address),
            );
            let overlap = words_overlap(sa, sb);
            if overlap >= 0.8 || jaro_winkler(sa, sb) >= 0.90 {
                2
            } else if overlap >= 0.5 {
                3
            } else {
                4
            }
        };
    }
    if a.city != NONE && b.city != NONE {
        g[8] = if a.city == b.city {
            1
        } else if jaro_winkler(v.text(Kind::City, a.city), v.text(Kind::City, b.city)) >= 0.90 {
            2
        } else {
            3
        };
    }
    if a.postcode != NONE && b.postcode != NONE {
        g[9] = code_level(
            v.text(Kind::Postcode, a.postcode),
            v.text(Kind::Postcode, b.postcode),
        );
    }
    Compared {
        gamma: g,
        swapped,
        cannot_link,
    }
}

/// Whether a pair contradicts itself at the person level: first names
/// differ with no agreeing birth date and no shared national id or
/// customer number (a shared phone, email, last name or address is what
/// families have in common). Such records are never put in one cluster.
pub fn person_conflict(g: &Gamma) -> bool {
    let strong_id = (g[5] != 0 && g[5] <= 2) || (g[6] != 0 && g[6] <= 2);
    let dob_agrees = g[2] != 0 && g[2] <= 2;
    g[0] == 4 && !dob_agrees && !strong_id
}

/// Whether two records may never share a cluster: two different valid
/// TCKNs, or a [`person_conflict`].
pub fn cannot_merge<V: Values + ?Sized>(a: &Prepared, b: &Prepared, v: &V) -> bool {
    let c = compare(a, b, v);
    c.cannot_link || person_conflict(&c.gamma)
}

/// Whether a pair can at most be the same household, never the same
/// person: a [`person_conflict`], no agreement about the person at all
/// ([`person_agreement`]; merging two records needs one), or a
/// [`first_name_only`] pair.
pub fn household_only(g: &Gamma) -> bool {
    person_conflict(g) || !person_agreement(g) || first_name_only(g)
}

/// Whether the only thing the pair agrees on about the person is the first
/// name: last name, birth date, email, phone, national id and customer
/// number all disagree or are missing. Whatever the location fields say
/// (one town, one postcode), that is two namesakes, not one person: in a
/// population of millions a first name and a postcode are shared by many.
pub fn first_name_only(g: &Gamma) -> bool {
    let last_name_agrees = g[1] != 0 && g[1] <= 3;
    let other_person_agreement = (g[2] != 0 && g[2] <= 2)
        || g[3] == 1
        || g[3] == 2
        || g[4] == 1
        || (g[5] != 0 && g[5] <= 2)
        || (g[6] != 0 && g[6] <= 2);
    !last_name_agrees && !other_person_agreement
}

/// Whether the pair agrees on anything about the person (first name close,
/// birth date close, same email or phone, national id or customer number
/// equal or one character apart).
pub fn person_agreement(g: &Gamma) -> bool {
    (g[0] != 0 && g[0] <= 3)
        || (g[2] != 0 && g[2] <= 2)
        || g[3] == 1
        || g[3] == 2
        || g[4] == 1
        || (g[5] != 0 && g[5] <= 2)
        || (g[6] != 0 && g[6] <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::record::Record;
    use crate::identity::standardize::keys;

    fn prep(recs: &[Record]) -> (Vec<Prepared>, Vocabulary) {
        let mut v = Vocabulary::default();
        let p = recs.iter().map(|r| v.intern(keys(r, None))).collect();
        (p, v)
    }

    fn rec(first: &str, last: &str, dob: &str) -> Record {
        Record {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            date_of_birth: Some(dob.into()),
            country: Some("TR".into()),
            ..Record::default()
        }
    }

    #[test]
    fn a_swapped_name_weighs_no_more_than_the_same_name_in_place() {
        // many Turners and Michelles (enough for term frequencies), one
        // Michelle Turner written the other way round
        let mut recs: Vec<Record> = (0..600)
            .map(|i| {
                rec(
                    ["Michelle", "Anna", "Zeynep", "Emre"][i % 4],
                    "Turner",
                    "1980-01-01",
                )
            })
            .collect();
        recs.extend((0..600).map(|i| {
            rec(
                "Michelle",
                ["Kaya", "Smith", "Lee", "Demir"][i % 4],
                "1970-01-01",
            )
        }));
        recs.push(rec("Turner", "Michelle", "1990-05-05"));
        let (p, v) = prep(&recs);
        let model = crate::identity::model::Model::default();
        // the record in place first: its names are looked up in the other
        // role, where only the swapped record holds them
        let swapped = compare(&p[0], &p[1200], &v);
        assert!(swapped.swapped);
        let direct = compare(&p[4], &p[0], &v);
        let ws = model.field_weights(&swapped, &p[0], &p[1200], &v);
        let wd = model.field_weights(&direct, &p[4], &p[0], &v);
        let names = |w: [f64; N]| w[0] + w[1];
        assert!(
            names(ws) <= names(wd) + 1e-9,
            "swapped {} against in place {}",
            names(ws),
            names(wd)
        );
    }

    #[test]
    fn an_address_made_from_either_name_is_namesake_evidence() {
        let with = |first: &str, last: &str, email: &str| Record {
            emails: vec![email.into()],
            ..rec(first, last, "1980-01-01")
        };
        let level = |a: Record, b: Record| {
            let (p, v) = prep(&[a, b]);
            compare(&p[0], &p[1], &v).gamma[Comparison::Email as usize]
        };
        // the same address beside a misspelt name on one side
        assert_eq!(
            level(
                with("Mehmet", "Aslan", "mehmet_aslan@gmail.com"),
                with("MEMET", "ASALN", "mehmet_aslan@gmail.com")
            ),
            2
        );
        // two addresses that look alike because both hold the given name
        assert_eq!(
            level(
                with("Natalia", "Akçay", "nataliaa@gmail.com"),
                with("AKCAY", "Natalia", "natalia71@gmail.com")
            ),
            2
        );
        // an address that is not made from a name keeps its full weight
        assert_eq!(
            level(
                with("Mehmet", "Aslan", "kedi42@gmail.com"),
                with("Mehmet", "Aslan", "kedi42@gmail.com")
            ),
            1
        );
    }

    #[test]
    fn levels() {
        let (p, v) = prep(&[
            rec("Semra", "DEMİREL", "03.06.1964"),
            rec("Serma", "Demirel", "1964-06-03"),
            rec("Demirel", "Semra", "06.03.1964"),
            rec("Ahmet", "Demirel", "01.01.1990"),
        ]);
        let c = compare(&p[0], &p[1], &v);
        assert_eq!(&c.gamma[..3], &[2, 1, 1]);
        let c = compare(&p[0], &p[2], &v);
        assert!(c.swapped);
        assert_eq!(&c.gamma[..3], &[1, 1, 2]);
        let c = compare(&p[0], &p[3], &v);
        assert_eq!(&c.gamma[..3], &[4, 1, 4]);
        assert!(household_only(&c.gamma));
        assert!(!person_agreement(&c.gamma));
    }

    #[test]
    fn a_first_name_and_a_town_are_namesakes() {
        let mut a = rec("Erin", "Willis", "");
        a.city = Some("Springfield".into());
        a.postcode = Some("62704".into());
        a.emails = vec!["erin.willis@example.com".into()];
        let mut b = rec("ERIN", "GONZALEZ", "1990-04-02");
        b.city = a.city.clone();
        b.postcode = a.postcode.clone();
        b.emails = vec!["egonzalez@example.org".into()];
        let (p, v) = prep(&[a.clone(), b]);
        let c = compare(&p[0], &p[1], &v);
        assert!(first_name_only(&c.gamma) && household_only(&c.gamma));
        // the same pair with the last name in common is not this rule's to refuse
        let mut b = a.clone();
        b.emails.clear();
        let (p, v) = prep(&[a, b]);
        assert!(!first_name_only(&compare(&p[0], &p[1], &v).gamma));
    }

    proptest::proptest! {
        /// The stack-split overlap equals the plain count of shared words,
        /// beyond 16 words too.
        #[test]
        fn words_overlap_counts_shared_words(
            a in proptest::collection::vec("[ab]{0,2}", 1..20),
            b in proptest::collection::vec("[ab]{0,2}", 1..20),
        ) {
            let (a, b) = (a.join(" "), b.join(" "));
            let shared = a.split(' ').filter(|w| b.split(' ').any(|v| v == *w)).count();
            let expected = shared as f64 / a.split(' ').count().max(b.split(' ').count()) as f64;
            proptest::prop_assert_eq!(words_overlap(&a, &b).to_bits(), expected.to_bits());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Agreement on the location fields plus a first name never links
        /// records whose last names, emails, phones and birth dates all
        /// disagree or are missing.
        #[test]
        fn location_and_first_name_never_link(
            first in proptest::sample::select(vec!["Ayşe", "Mehmet", "John", "Mary", "Zeynep", "Erin"]),
            lasts in proptest::sample::subsequence(vec!["Yılmaz", "Kaya", "Smith", "Gonzalez", "Öztürk", "Willis"], 2),
            city in proptest::sample::select(vec!["İzmir", "Ankara", "Springfield", "Denver"]),
            postcode in "[1-9][0-9]{4}",
            address in proptest::sample::select(vec!["Çamlık Mah. Ayşan Sk. No:12", "12 Main Street", ""]),
            with_dob in proptest::bool::ANY,
            with_email in proptest::bool::ANY,
            with_phone in proptest::bool::ANY,
        ) {
            let mk = |i: usize| {
                let mut r = Record {
                    id: format!("r{i}"),
                    first_name: Some(first.into()),
                    last_name: Some(lasts[i].into()),
                    city: Some(city.into()),
                    postcode: Some(postcode.clone()),
                    address: (!address.is_empty()).then(|| address.into()),
                    country: Some("TR".into()),
                    ..Record::default()
                };
                if with_dob {
                    r.date_of_birth = Some(["1951-02-03", "1987-11-29"][i].into());
                }
                if with_email {
                    r.emails = vec![format!("{}{}@example.com", ["first.one", "zzqx"][i], i)];
                }
                if with_phone {
                    r.phones = vec![["0532 412 33 10", "0505 771 20 44"][i].into()];
                }
                r
            };
            let records = [mk(0), mk(1)];
            let (p, v) = prep(&records);
            proptest::prop_assert!(household_only(&compare(&p[0], &p[1], &v).gamma));
            let res = crate::identity::resolve(&records, &crate::identity::Settings::default()).unwrap();
            let ids = res.cluster_ids();
            proptest::prop_assert_ne!(&ids[0], &ids[1]);
        }
    }

    #[test]
    fn different_valid_tckn_cannot_link() {
        let mut a = rec("Ali", "Kaya", "");
        let mut b = a.clone();
        a.national_id = Some("10000000146".into());
        b.national_id = Some("10000000078".into());
        assert!(crate::identity::tckn::is_valid_tckn("10000000078"));
        let (p, v) = prep(&[a, b]);
        assert!(compare(&p[0], &p[1], &v).cannot_link);
    }
}
