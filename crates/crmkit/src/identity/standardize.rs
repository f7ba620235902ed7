//! Standardization: every field turned into the form comparisons need.
//!
//! Names, addresses and cities go through [`crate::text::match_key`]
//! (Turkish-aware lowercasing, then diacritics folded, so `İHSANOĞLU`,
//! `İhsanoğlu` and `IHSANOGLU` agree), with honorifics dropped from names and
//! street words abbreviated one way (`Mahallesi`, `Mah.` → `mah`; `Sokak`,
//! `Sk.` → `sk`; `Street` → `st`…). Emails become their provider-aware
//! dedup key ([`crate::contact::email::dedup_key`]), phones their E.164 form
//! with the record's country as the default region, birth dates a calendar
//! date read in the record's country's order, and a Turkish national id is
//! validated by its checksum.
//!
//! ```
//! use crmkit::identity::standardize::{address_key, name_key, phone_key};
//! assert_eq!(name_key("Dr. KÜBRAN İHSANOĞLU"), "kubran ihsanoglu");
//! assert_eq!(address_key("EYYÜP MAHALLESİ CENAN CADDESİ NO 112 DAİRE 1"),
//!            address_key("Eyyüp Mah. Cenan Cad. No:112 D:1"));
//! assert_eq!(phone_key("(530) 941-9565", Some("TR")).as_deref(), Some("+905309419565"));
//! assert_eq!(phone_key("0530 941 95 65", Some("TR")).as_deref(), Some("+905309419565"));
//! ```

use std::collections::HashMap;

use super::date::{DateOrder, date_key};
use super::record::Record;
use super::tckn::normalize_tckn;
use crate::text::match_key;

/// An interned value; [`NONE`] when the field is missing.
pub type Sym = u32;
/// The missing value.
pub const NONE: Sym = u32::MAX;

/// Values a field needs before term frequencies are used.
pub const MIN_TF_POPULATION: u64 = 1000;

/// Interned strings of one field, with how often each occurs (for
/// term-frequency adjustment).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    // foldhash: a tenth of the cost of the default SipHash on short keys,
    // still seeded per process
    ids: HashMap<std::sync::Arc<str>, Sym, foldhash::fast::RandomState>,
    values: Vec<std::sync::Arc<str>>,
    counts: Vec<u32>,
    total: u64,
}

impl Interner {
    /// Interns `s` (which must not be empty) and counts one occurrence.
    pub fn intern(&mut self, s: String) -> Sym {
        self.total += 1;
        if let Some(&id) = self.ids.get(s.as_str()) {
            self.counts[id as usize] += 1;
            return id;
        }
        let id = Sym::try_from(self.values.len()).expect("fewer than 2^32 distinct values");
        let shared: std::sync::Arc<str> = s.into();
        self.values.push(shared.clone());
        self.counts.push(1);
        self.ids.insert(shared, id);
        id
    }

    /// The id of `s` when it has been seen.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    /// The string of an id (empty for [`NONE`]).
    pub fn value(&self, id: Sym) -> &str {
        if id == NONE {
            ""
        } else {
            &self.values[id as usize]
        }
    }

    /// The share of non-missing values equal to `id`; 0 (no frequency
    /// adjustment) when fewer than [`MIN_TF_POPULATION`] values were seen,
    /// since shares in a small set say little about the population.
    pub fn frequency(&self, id: Sym) -> f64 {
        if self.total < MIN_TF_POPULATION {
            return 0.0;
        }
        match self.counts.get(id as usize) {
            Some(&c) if self.total > 0 => f64::from(c) / self.total as f64,
            _ => 0.0,
        }
    }

    /// How many values were interned in all (every occurrence counted).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many times `id` was interned (0 for [`NONE`] or an unknown id).
    pub fn count(&self, id: Sym) -> u32 {
        self.counts.get(id as usize).copied().unwrap_or(0)
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

const HONORIFICS: &[&str] = &[
    "dr", "prof", "doc", "av", "mr", "mrs", "ms", "miss", "mx", "sir", "bay", "bayan", "sayin",
    "hanim", "bey", "jr", "sr", "ii", "iii",
];

/// The comparison form of a name: [`match_key`], honorifics (`Dr.`, `Prof.`,
/// `Bay`, `Sayın`, `Hanım`, `Mr`, `Mrs`, `Jr`…) dropped unless the name is
/// nothing else.
pub fn name_key(s: &str) -> String {
    let key = match_key(s);
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !HONORIFICS.contains(w))
        .collect();
    if kept.is_empty() {
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

fn street_word(w: &str) -> &str {
    match w {
        "mahallesi" | "mahalle" | "mahallesı" | "mh" | "mah" => "mah",
        "sokak" | "sokagi" | "sok" | "sk" => "sk",
        "caddesi" | "cadde" | "cad" | "cd" => "cad",
        "bulvari" | "bulvar" | "blv" | "bulv" => "blv",
        "daire" | "d" | "da" => "d",
        "numara" | "no" | "nr" | "num" => "no",
        "apartmani" | "apartman" | "apt" | "ap" | "apartment" => "apt",
        "kat" | "k" => "kat",
        "street" | "st" | "str" => "st",
        "avenue" | "ave" | "av" => "ave",
        "road" | "rd" => "rd",
        "drive" | "drv" | "dr" => "drv",
        "lane" | "ln" => "ln",
        "boulevard" | "blvd" => "blvd",
        "suite" | "ste" => "ste",
        "place" | "pl" => "pl",
        "court" | "ct" => "ct",
        "crescent" | "cres" => "cres",
        "terrace" | "tce" => "tce",
        _ => w,
    }
}

/// The comparison form of an address: [`match_key`] with street words
/// abbreviated one way, so `Mahallesi`/`Mah.`, `Caddesi`/`Cad.`/`Cd.`,
/// `No:`/`No`, `Daire`/`D:` and `Street`/`St` agree.
pub fn address_key(s: &str) -> String {
    let key = match_key(s);
    let mut out = String::with_capacity(key.len());
    for w in key.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(street_word(w));
    }
    out
}

/// The comparison form of a phone number: E.164 when it parses for the
/// record's country (or carries a country code), else its digits when there
/// are at least seven.
pub fn phone_key(s: &str, country: Option<&str>) -> Option<String> {
    let region = country.and_then(|c| crate::contact::phone::region(c).ok());
    if let Some(e) = crate::contact::phone::e164(s, region) {
        return Some(e);
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 7).then_some(digits)
}

/// The comparison form of an email: the provider-aware dedup key for a valid
/// address, else the trimmed lowercase text when it has an `@`.
pub fn email_key(s: &str) -> Option<String> {
    crate::contact::email::dedup_key(s).or_else(|| {
        let t = crate::text::lowercase(s.trim(), crate::text::CaseRules::Standard);
        (t.contains('@') && t.len() > 2).then_some(t)
    })
}

fn code_key(s: &str) -> Option<String> {
    let k: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    (!k.is_empty()).then_some(k)
}

/// A birth date as `yyyymmdd`, or 0 when missing or unreadable.
pub type DateKey = u32;

/// A standardized record: interned keys of every field.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// First-name key.
    pub first: Sym,
    /// Last-name key.
    pub last: Sym,
    /// Birth date as `yyyymmdd`, 0 when missing.
    pub dob: DateKey,
    /// Email keys.
    pub emails: Vec<Sym>,
    /// Phone keys.
    pub phones: Vec<Sym>,
    /// National id key.
    pub national_id: Sym,
    /// Whether the national id is a valid TCKN.
    pub tckn_valid: bool,
    /// Customer-number keys.
    pub customer_numbers: Vec<Sym>,
    /// Address key.
    pub address: Sym,
    /// City key.
    pub city: Sym,
    /// Postcode key.
    pub postcode: Sym,
}

/// Interned values of every field across a set of records.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// First names.
    pub first: Interner,
    /// Last names.
    pub last: Interner,
    /// Email keys.
    pub email: Interner,
    /// Phone keys.
    pub phone: Interner,
    /// National ids.
    pub national_id: Interner,
    /// Customer numbers.
    pub customer_number: Interner,
    /// Addresses.
    pub address: Interner,
    /// Cities.
    pub city: Interner,
    /// Postcodes.
    pub postcode: Interner,
}

/// The fields whose values are interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// First names.
    First,
    /// Last names.
    Last,
    /// Email keys.
    Email,
    /// Phone keys.
    Phone,
    /// National ids.
    NationalId,
    /// Customer numbers.
    CustomerNumber,
    /// Addresses.
    Address,
    /// Cities.
    City,
    /// Postcodes.
    Postcode,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 9] = [
        Kind::First,
        Kind::Last,
        Kind::Email,
        Kind::Phone,
        Kind::NationalId,
        Kind::CustomerNumber,
        Kind::Address,
        Kind::City,
        Kind::Postcode,
    ];
}

/// Where comparisons read interned values: a [`Vocabulary`], or an
/// [`Overlay`] of one with a query's new values.
pub trait Values: Sync {
    /// The text of a value (empty for [`NONE`]).
    fn text(&self, kind: Kind, id: Sym) -> &str;
    /// The share of records with this value (0 when unknown).
    fn frequency(&self, kind: Kind, id: Sym) -> f64;
    /// The id of a text, when known.
    fn find(&self, kind: Kind, s: &str) -> Option<Sym>;
}

impl Vocabulary {
    /// The interner of one kind.
    pub fn interner(&self, kind: Kind) -> &Interner {
        match kind {
            Kind::First => &self.first,
            Kind::Last => &self.last,
            Kind::Email => &self.email,
            Kind::Phone => &self.phone,
            Kind::NationalId => &self.national_id,
            Kind::CustomerNumber => &self.customer_number,
            Kind::Address => &self.address,
            Kind::City => &self.city,
            Kind::Postcode => &self.postcode,
        }
    }

    fn interner_mut(&mut self, kind: Kind) -> &mut Interner {
        match kind {
            Kind::First => &mut self.first,
            Kind::Last => &mut self.last,
            Kind::Email => &mut self.email,
            Kind::Phone => &mut self.phone,
            Kind::NationalId => &mut self.national_id,
            Kind::CustomerNumber => &mut self.customer_number,
            Kind::Address => &mut self.address,
            Kind::City => &mut self.city,
            Kind::Postcode => &mut self.postcode,
        }
    }
}

impl Values for Vocabulary {
    fn text(&self, kind: Kind, id: Sym) -> &str {
        self.interner(kind).value(id)
    }
    fn frequency(&self, kind: Kind, id: Sym) -> f64 {
        self.interner(kind).frequency(id)
    }
    fn find(&self, kind: Kind, s: &str) -> Option<Sym> {
        self.interner(kind).get(s)
    }
}

/// A read-only [`Vocabulary`] plus the values of one query that it does not
/// hold; new values get ids past the base's, so they never equal a base id.
#[derive(Debug)]
pub struct Overlay<'a> {
    base: &'a Vocabulary,
    extra: Vocabulary,
}

impl<'a> Overlay<'a> {
    /// Interns a query's keys over `base` without changing it.
    pub fn prepare(base: &'a Vocabulary, k: Keys) -> (Prepared, Overlay<'a>) {
        let mut o = Overlay {
            base,
            extra: Vocabulary::default(),
        };
        let p = k.prepare(|kind, s| o.sym(kind, s));
        (p, o)
    }

    fn sym(&mut self, kind: Kind, s: String) -> Sym {
        let base = self.base.interner(kind);
        match base.get(&s) {
            Some(id) => id,
            None => base.len() as Sym + self.extra.interner_mut(kind).intern(s),
        }
    }
}

impl Values for Overlay<'_> {
    fn text(&self, kind: Kind, id: Sym) -> &str {
        let base = self.base.interner(kind);
        if id == NONE || (id as usize) < base.len() {
            base.value(id)
        } else {
            self.extra.interner(kind).value(id - base.len() as Sym)
        }
    }
    fn frequency(&self, kind: Kind, id: Sym) -> f64 {
        self.base.interner(kind).frequency(id)
    }
    fn find(&self, kind: Kind, s: &str) -> Option<Sym> {
        let base = self.base.interner(kind);
        base.get(s).or_else(|| {
            self.extra
                .interner(kind)
                .get(s)
                .map(|id| id + base.len() as Sym)
        })
    }
}

/// The standardized strings of one record, before interning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keys {
    /// First-name key.
    pub first: Option<String>,
    /// Last-name key.
    pub last: Option<String>,
    /// Birth date.
    pub dob: DateKey,
    /// Email keys.
    pub emails: Vec<String>,
    /// Phone keys.
    pub phones: Vec<String>,
    /// National id and whether it is a valid TCKN.
    pub national_id: Option<(String, bool)>,
    /// Customer numbers.
    pub customer_numbers: Vec<String>,
    /// Address key.
    pub address: Option<String>,
    /// City key.
    pub city: Option<String>,
    /// Postcode key.
    pub postcode: Option<String>,
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Standardizes one record. `default_country` is used when the record has
/// no `country`.
pub fn keys(r: &Record, default_country: Option<&str>) -> Keys {
    let country = r.country.as_deref().or(default_country);
    let (mut first, mut last) = (
        r.first_name.as_deref().map(name_key).and_then(non_empty),
        r.last_name.as_deref().map(name_key).and_then(non_empty),
    );
    if first.is_none()
        && last.is_none()
        && let Some(full) = r.full_name.as_deref().map(name_key)
    {
        match full.rsplit_once(' ') {
            Some((f, l)) => {
                first = Some(f.to_owned());
                last = Some(l.to_owned());
            }
            None => last = non_empty(full),
        }
    }
    let dob = r
        .date_of_birth
        .as_deref()
        .and_then(|d| date_key(d, DateOrder::for_country(country)))
        .unwrap_or(0);
    let mut k = Keys {
        first,
        last,
        dob,
        address: r.address.as_deref().map(address_key).and_then(non_empty),
        city: r.city.as_deref().map(match_key).and_then(non_empty),
        postcode: r.postcode.as_deref().and_then(code_key),
        national_id: r
            .national_id
            .as_deref()
            .and_then(|s| match normalize_tckn(s) {
                Some(t) => Some((t, true)),
                None => code_key(s).map(|c| (c, false)),
            }),
        ..Keys::default()
    };
    for e in &r.emails {
        if let Some(key) = email_key(e) {
            push_unique(&mut k.emails, key);
        }
    }
    for p in &r.phones {
        if let Some(key) = phone_key(p, country) {
            push_unique(&mut k.phones, key);
        }
    }
    for c in &r.customer_numbers {
        if let Some(key) = code_key(c) {
            push_unique(&mut k.customer_numbers, key);
        }
    }
    k
}

impl Vocabulary {
    /// Interns the keys of one record.
    pub fn intern(&mut self, k: Keys) -> Prepared {
        k.prepare(|kind, s| self.interner_mut(kind).intern(s))
    }
}

impl Keys {
    /// The record's keys as ids, each value given an id by `sym` (field by
    /// field, list values in order): the one walk over the keys behind
    /// [`Vocabulary::intern`], a query's [`Overlay`] and the index's
    /// preview of an insert.
    pub(crate) fn prepare(self, mut sym: impl FnMut(Kind, String) -> Sym) -> Prepared {
        let mut one = |kind: Kind, s: Option<String>| s.map_or(NONE, |s| sym(kind, s));
        let first = one(Kind::First, self.first);
        let last = one(Kind::Last, self.last);
        let address = one(Kind::Address, self.address);
        let city = one(Kind::City, self.city);
        let postcode = one(Kind::Postcode, self.postcode);
        let (national_id, tckn_valid) = match self.national_id {
            Some((s, valid)) => (one(Kind::NationalId, Some(s)), valid),
            None => (NONE, false),
        };
        let mut many = |kind: Kind, v: Vec<String>| -> Vec<Sym> {
            v.into_iter().map(|s| one(kind, Some(s))).collect()
        };
        let emails = many(Kind::Email, self.emails);
        let phones = many(Kind::Phone, self.phones);
        let customer_numbers = many(Kind::CustomerNumber, self.customer_numbers);
        Prepared {
            first,
            last,
            dob: self.dob,
            emails,
            phones,
            national_id,
            tckn_valid,
            customer_numbers,
            address,
            city,
            postcode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_names_fold() {
        assert_eq!(name_key("KİYASİ"), "kiyasi");
        assert_eq!(name_key("GÜÇLÜ"), name_key("Guclu"));
        assert_eq!(name_key("Sayın Ayşe Hanım"), "ayse");
        assert_eq!(name_key("Bey"), "bey");
    }

    #[test]
    fn record_keys() {
        let r = Record {
            id: "1".into(),
            full_name: Some("Mr. John Q. Smith".into()),
            emails: vec!["J.Smith+x@Gmail.com".into(), "jsmith@gmail.com".into()],
            phones: vec!["404.980.4051".into()],
            date_of_birth: Some("07/16/1969".into()),
            national_id: Some("100 000 001 46".into()),
            country: Some("US".into()),
            ..Record::default()
        };
        let k = keys(&r, None);
        assert_eq!(k.first.as_deref(), Some("john q"));
        assert_eq!(k.last.as_deref(), Some("smith"));
        assert_eq!(k.emails, ["jsmith@gmail.com"]);
        assert_eq!(k.phones, ["+14049804051"]);
        assert_eq!(k.dob, 19690716);
        assert_eq!(k.national_id, Some(("10000000146".into(), true)));
    }
}
