//! Blocking: which pairs are worth comparing.
//!
//! A [`BlockingRule`] is a list of key parts; two records are a candidate
//! pair when they share the whole key under at least one rule (a union of
//! rules, each pair kept once). Key parts are written as strings:
//! `first_name`, `last_name`, `name_set` (first and last name in either
//! order), `date_of_birth`, `birth_year`, `email`, `phone`, `national_id`,
//! `customer_number`, `address`, `city`, `postcode`, and a prefix of any
//! text part as `last_name:4`. A rule with a missing part makes no key.
//!
//! Blocks larger than [`BlockingOptions::max_block_size`] (a very common
//! name, a shared company phone) are not compared all-to-all: their records
//! are sorted three ways (by name and birth date, by postcode and address,
//! by email and phone) and in each order every record is compared with its
//! [`BlockingOptions::window`] next neighbours, so such a block costs
//! pairs in proportion to its size rather than its square; the block is
//! listed in the report.
//!
//! ```
//! use crmkit::identity::blocking::BlockingRule;
//! let rule: BlockingRule = serde_json::from_str(r#"["last_name:4", "date_of_birth"]"#).unwrap();
//! assert_eq!(rule.to_string(), "last_name:4 + date_of_birth");
//! assert!(serde_json::from_str::<BlockingRule>(r#"["shoe_size"]"#).is_err());
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

#[cfg(test)]
use super::standardize::Vocabulary;
use super::standardize::{Kind, NONE, Prepared, Values};

/// One part of a blocking key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPart {
    /// The first name, or its first `n` characters.
    FirstName(Option<usize>),
    /// The last name, or its first `n` characters.
    LastName(Option<usize>),
    /// First and last name as an unordered pair.
    NameSet,
    /// The birth date.
    DateOfBirth,
    /// The birth year.
    BirthYear,
    /// Any email key (one key per address).
    Email,
    /// Any phone key.
    Phone,
    /// The national id.
    NationalId,
    /// Any customer number.
    CustomerNumber,
    /// The address, or its first `n` characters.
    Address(Option<usize>),
    /// The city.
    City,
    /// The postcode, or its first `n` characters.
    Postcode(Option<usize>),
}

impl KeyPart {
    fn parse(s: &str) -> Result<KeyPart, String> {
        let (name, prefix) = match s.split_once(':') {
            Some((n, p)) => {
                let p: usize =
                    p.trim().parse().ok().filter(|p| *p > 0).ok_or_else(|| {
                        format!("`{s}`: the prefix length must be a positive number")
                    })?;
                (n.trim(), Some(p))
            }
            None => (s.trim(), None),
        };
        let part = match name {
            "first_name" => KeyPart::FirstName(prefix),
            "last_name" => KeyPart::LastName(prefix),
            "address" => KeyPart::Address(prefix),
            "postcode" => KeyPart::Postcode(prefix),
            _ if prefix.is_some() => {
                return Err(format!(
                    "`{s}`: only first_name, last_name, address and postcode take a prefix length"
                ));
            }
            "name_set" => KeyPart::NameSet,
            "date_of_birth" => KeyPart::DateOfBirth,
            "birth_year" => KeyPart::BirthYear,
            "email" => KeyPart::Email,
            "phone" => KeyPart::Phone,
            "national_id" => KeyPart::NationalId,
            "customer_number" => KeyPart::CustomerNumber,
            "city" => KeyPart::City,
            _ => {
                return Err(format!(
                    "unknown key part `{s}`; expected first_name, last_name, name_set, \
                     date_of_birth, birth_year, email, phone, national_id, customer_number, \
                     address, city or postcode (text parts may take a prefix, e.g. last_name:4)"
                ));
            }
        };
        Ok(part)
    }
}

impl fmt::Display for KeyPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, prefix) = match *self {
            KeyPart::FirstName(p) => ("first_name", p),
            KeyPart::LastName(p) => ("last_name", p),
            KeyPart::NameSet => ("name_set", None),
            KeyPart::DateOfBirth => ("date_of_birth", None),
            KeyPart::BirthYear => ("birth_year", None),
            KeyPart::Email => ("email", None),
            KeyPart::Phone => ("phone", None),
            KeyPart::NationalId => ("national_id", None),
            KeyPart::CustomerNumber => ("customer_number", None),
            KeyPart::Address(p) => ("address", p),
            KeyPart::City => ("city", None),
            KeyPart::Postcode(p) => ("postcode", p),
        };
        match prefix {
            Some(p) => write!(f, "{name}:{p}"),
            None => f.write_str(name),
        }
    }
}

/// A blocking rule: records sharing every part are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingRule {
    /// The key parts.
    pub parts: Vec<KeyPart>,
}

impl BlockingRule {
    /// Parses a rule from its parts (`["last_name:4", "date_of_birth"]`).
    pub fn parse<S: AsRef<str>>(parts: &[S]) -> Result<BlockingRule, String> {
        if parts.is_empty() {
            return Err("a blocking rule needs at least one key part".into());
        }
        let parts = parts
            .iter()
            .map(|p| KeyPart::parse(p.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(BlockingRule { parts })
    }
}

impl fmt::Display for BlockingRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(" + ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for BlockingRule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.parts.iter().map(ToString::to_string))
    }
}

impl<'de> serde::Deserialize<'de> for BlockingRule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let parts = Vec::<String>::deserialize(d)?;
        BlockingRule::parse(&parts).map_err(serde::de::Error::custom)
    }
}

/// The default rules: every strong identifier alone, names with birth
/// date or postcode, birth date with postcode, the last name's initial or
/// the start of the address, and name prefixes with birth year or city.
pub fn default_rules() -> Vec<BlockingRule> {
    [
        &["email"][..],
        &["phone"],
        &["national_id"],
        &["customer_number"],
        &["name_set"],
        &["first_name", "date_of_birth"],
        &["last_name", "date_of_birth"],
        &["date_of_birth", "postcode"],
        &["first_name", "postcode"],
        &["last_name", "postcode"],
        &["first_name:3", "last_name:4", "birth_year"],
        &["first_name:3", "last_name:4", "city"],
        &["address", "last_name:2"],
        &["date_of_birth", "last_name:1"],
        &["date_of_birth", "address:4"],
    ]
    .iter()
    .map(|p| BlockingRule::parse(p).expect("default rules parse"))
    .collect()
}

/// Limits on block sizes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct BlockingOptions {
    /// Blocks with more records are compared by sorted neighbourhood only.
    pub max_block_size: usize,
    /// Neighbours each record of an oversized block is compared with, in
    /// each of its three orders.
    pub window: usize,
    /// The online [`Index`](super::index::Index) compares a new record with
    /// every record of a block of at most this many records and skips
    /// larger blocks. One lookup costs in proportion to the block, where a
    /// batch costs in proportion to its square, so this cap is the larger.
    pub lookup_limit: usize,
}

impl Default for BlockingOptions {
    fn default() -> Self {
        BlockingOptions {
            max_block_size: 10,
            window: 3,
            lookup_limit: 500,
        }
    }
}

/// What blocking produced, per rule.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockingReport {
    /// One entry per rule, in order.
    pub rules: Vec<RuleReport>,
    /// Distinct candidate pairs over all rules.
    pub pairs: u64,
    /// Pairs all-to-all comparison would need.
    pub all_pairs: u64,
    /// The largest blocks over all rules, largest first.
    pub largest_blocks: Vec<BlockReport>,
}

/// One rule's share of the candidate pairs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuleReport {
    /// The rule as written.
    pub rule: String,
    /// Blocks with at least two records.
    pub blocks: u64,
    /// Pairs the rule generated.
    pub pairs: u64,
    /// Pairs no earlier rule generated.
    pub new_pairs: u64,
    /// Blocks above the size cap (compared by sorted neighbourhood).
    pub oversized_blocks: u64,
}

/// One large block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockReport {
    /// The rule.
    pub rule: String,
    /// The key, as the first record of the block shows it.
    pub key: String,
    /// Records in the block.
    pub size: u64,
}

fn prefix(s: &str, n: Option<usize>) -> &str {
    match n {
        Some(n) => s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i]),
        None => s,
    }
}

/// The values a key part takes for a record (empty when missing).
fn part_values<V: Values + ?Sized>(part: KeyPart, p: &Prepared, v: &V) -> Vec<String> {
    let mut out = Vec::new();
    for_part_values(part, p, v, |pieces| out.push(pieces.concat()));
    out
}

/// The keys of one record under one rule (several when a part has several
/// values), as readable strings.
pub fn rule_keys<V: Values + ?Sized>(rule: &BlockingRule, p: &Prepared, v: &V) -> Vec<String> {
    let mut keys = vec![String::new()];
    for part in &rule.parts {
        let values = part_values(*part, p, v);
        if values.is_empty() {
            return vec![];
        }
        let mut next = Vec::with_capacity(keys.len() * values.len());
        for k in &keys {
            for val in &values {
                let mut s = k.clone();
                if !s.is_empty() {
                    s.push('\u{1f}');
                }
                s.push_str(val);
                next.push(s);
            }
        }
        keys = next;
    }
    keys
}

/// Visits the values of a key part without allocating.
fn for_part_values<V: Values + ?Sized>(
    part: KeyPart,
    p: &Prepared,
    v: &V,
    mut f: impl FnMut(&[&str]),
) {
    let one = |s: &str, f: &mut dyn FnMut(&[&str])| {
        if !s.is_empty() {
            f(&[s]);
        }
    };
    match part {
        KeyPart::FirstName(n) => one(prefix(v.text(Kind::First, p.first), n), &mut f),
        KeyPart::LastName(n) => one(prefix(v.text(Kind::Last, p.last), n), &mut f),
        KeyPart::NameSet => {
            if p.first != NONE && p.last != NONE {
                let (a, b) = (v.text(Kind::First, p.first), v.text(Kind::Last, p.last));
                f(&[a.min(b), "|", a.max(b)]);
            }
        }
        KeyPart::DateOfBirth | KeyPart::BirthYear => {
            if p.dob != 0 {
                let d = if part == KeyPart::BirthYear {
                    p.dob / 10_000
                } else {
                    p.dob
                };
                let mut buf = [0u8; 10];
                let mut i = buf.len();
                let mut x = d;
                loop {
                    i -= 1;
                    buf[i] = b'0' + (x % 10) as u8;
                    x /= 10;
                    if x == 0 {
                        break;
                    }
                }
                f(&[std::str::from_utf8(&buf[i..]).unwrap_or("")]);
            }
        }
        KeyPart::Email => p.emails.iter().for_each(|&x| f(&[v.text(Kind::Email, x)])),
        KeyPart::Phone => p.phones.iter().for_each(|&x| f(&[v.text(Kind::Phone, x)])),
        KeyPart::NationalId => one(v.text(Kind::NationalId, p.national_id), &mut f),
        KeyPart::CustomerNumber => p
            .customer_numbers
            .iter()
            .for_each(|&x| f(&[v.text(Kind::CustomerNumber, x)])),
        KeyPart::Address(n) => one(prefix(v.text(Kind::Address, p.address), n), &mut f),
        KeyPart::City => one(v.text(Kind::City, p.city), &mut f),
        KeyPart::Postcode(n) => one(prefix(v.text(Kind::Postcode, p.postcode), n), &mut f),
    }
}

/// Hashes of a record's keys under rule number `r` (several when a part
/// has several values; none when a part is missing). Equal keys hash
/// equally; the rule number keeps rules apart.
pub fn rule_hashes<V: Values + ?Sized>(
    r: usize,
    rule: &BlockingRule,
    p: &Prepared,
    v: &V,
) -> Vec<u64> {
    let mut start = std::collections::hash_map::DefaultHasher::new();
    r.hash(&mut start);
    let mut states = vec![start];
    for part in &rule.parts {
        let mut next = Vec::with_capacity(states.len());
        for_part_values(*part, p, v, |pieces| {
            for st in &states {
                let mut h = st.clone();
                for piece in pieces {
                    h.write(piece.as_bytes());
                }
                h.write_u8(0x1f);
                next.push(h);
            }
        });
        if next.is_empty() {
            return Vec::new();
        }
        states = next;
    }
    states.into_iter().map(|h| h.finish()).collect()
}

/// The three orders in which an oversized block is compared by sorted
/// neighbourhood, each as two texts that come before the birth date: last
/// and first name; postcode and address; first email and first phone.
/// By text, so that a block split over machines sorts the same way
/// (`crmkit_arrow::blocking` writes them into its `sort_key`).
pub fn neighbourhood_orders<'a, V: Values + ?Sized>(
    p: &Prepared,
    v: &'a V,
) -> [(&'a str, &'a str); 3] {
    let first = |x: &[super::standardize::Sym]| x.first().copied().unwrap_or(NONE);
    [
        (v.text(Kind::Last, p.last), v.text(Kind::First, p.first)),
        (
            v.text(Kind::Postcode, p.postcode),
            v.text(Kind::Address, p.address),
        ),
        (
            v.text(Kind::Email, first(&p.emails)),
            v.text(Kind::Phone, first(&p.phones)),
        ),
    ]
}

/// Candidate pairs `(i, j)` with `i < j`, sorted and distinct, packed as
/// `i << 32 | j`.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    /// The pairs.
    pub pairs: Vec<u64>,
    /// How they came about.
    pub report: BlockingReport,
}

/// Unpacks a candidate pair.
pub fn unpack(pair: u64) -> (usize, usize) {
    ((pair >> 32) as usize, (pair & 0xffff_ffff) as usize)
}

fn pack(i: usize, j: usize) -> u64 {
    let (i, j) = if i < j { (i, j) } else { (j, i) };
    ((i as u64) << 32) | j as u64
}

/// Generates the candidate pairs of `records` under `rules`. With `groups`
/// (link mode), only records of different groups are paired.
pub fn candidates(
    records: &[Prepared],
    vocab: &super::standardize::Vocabulary,
    rules: &[BlockingRule],
    options: &BlockingOptions,
    groups: Option<&[u32]>,
) -> Candidates {
    let go_on = |_| Ok::<(), std::convert::Infallible>(());
    match candidates_in_steps(records, vocab, rules, options, groups, None, go_on) {
        Ok(c) => c,
        Err(never) => match never {},
    }
}

/// [`candidates`], calling `after` with the number of rules completed
/// since the last call: 1 when a rule is done, 0 halfway through one (a
/// chance to stop a long run; an error from `after` is returned as is).
/// `rank` orders records whose sort keys tie in an oversized block (the
/// records' id order, so that the pairs do not depend on the input order);
/// without it, their positions.
#[allow(clippy::too_many_arguments)]
pub(crate) fn candidates_in_steps<E>(
    records: &[Prepared],
    vocab: &super::standardize::Vocabulary,
    rules: &[BlockingRule],
    options: &BlockingOptions,
    groups: Option<&[u32]>,
    rank: Option<&[u32]>,
    mut after: impl FnMut(usize) -> Result<(), E>,
) -> Result<Candidates, E> {
    let n = records.len() as u64;
    let mut report = BlockingReport {
        all_pairs: match groups {
            None => n * n.saturating_sub(1) / 2,
            Some(g) => {
                let mut sizes: HashMap<u32, u64> = HashMap::new();
                for &x in g {
                    *sizes.entry(x).or_default() += 1;
                }
                let total: u64 = sizes.values().sum();
                sizes.values().map(|s| s * (total - s)).sum::<u64>() / 2
            }
        },
        ..BlockingReport::default()
    };
    // the orders of an oversized block (`neighbourhood_orders`), then the
    // birth date and the tie order
    let tie = |i: usize| rank.map_or(i, |r| r[i] as usize);
    let by = |k: usize| {
        move |i: usize| {
            let p = &records[i];
            (neighbourhood_orders(p, vocab)[k], p.dob, tie(i))
        }
    };
    let (by_name, by_place, by_contact) = (by(0), by(1), by(2));
    let mut all: Vec<u64> = Vec::new();
    let mut largest: Vec<BlockReport> = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        let mut keyed: Vec<(u64, u32)> = records
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, p)| {
                rule_hashes(r, rule, p, vocab)
                    .into_iter()
                    .map(move |k| (k, i as u32))
            })
            .collect();
        // equal keys become runs: a block is a run of two or more
        keyed.par_sort_unstable();
        after(0)?;
        let members: Vec<u32> = keyed.iter().map(|&(_, i)| i).collect();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for end in 1..=keyed.len() {
            if end == keyed.len() || keyed[end].0 != keyed[start].0 {
                if end - start > 1 {
                    runs.push((start, end));
                }
                start = end;
            }
        }
        drop(keyed);
        let blocks: Vec<&[u32]> = runs.iter().map(|&(a, b)| &members[a..b]).collect();
        let mut rr = RuleReport {
            rule: rule.to_string(),
            blocks: blocks.len() as u64,
            ..RuleReport::default()
        };
        for b in &blocks {
            if b.len() > options.max_block_size {
                rr.oversized_blocks += 1;
            }
            if largest.len() < 10 || b.len() as u64 > largest.last().map_or(0, |l| l.size) {
                let key = rule_keys(rule, &records[b[0] as usize], vocab)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
                    .replace('\u{1f}', " + ");
                largest.push(BlockReport {
                    rule: rule.to_string(),
                    key,
                    size: b.len() as u64,
                });
                largest.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.key.cmp(&b.key)));
                largest.truncate(10);
            }
        }
        let cross = |i: u32, j: u32| groups.is_none_or(|g| g[i as usize] != g[j as usize]);
        let mut pairs: Vec<u64> = blocks
            .par_iter()
            .flat_map_iter(|b| {
                let mut out = Vec::new();
                if b.len() <= options.max_block_size {
                    for (x, &i) in b.iter().enumerate() {
                        for &j in &b[x + 1..] {
                            if i != j && cross(i, j) {
                                out.push(pack(i as usize, j as usize));
                            }
                        }
                    }
                } else {
                    // multi-pass sorted neighbourhood: each order brings a
                    // different kind of duplicate next to its original
                    let mut sorted = b.to_vec();
                    let window = |sorted: &[u32], out: &mut Vec<u64>| {
                        for (x, &i) in sorted.iter().enumerate() {
                            for &j in sorted[x + 1..].iter().take(options.window) {
                                if i != j && cross(i, j) {
                                    out.push(pack(i as usize, j as usize));
                                }
                            }
                        }
                    };
                    sorted.sort_by_key(|&x| by_name(x as usize));
                    window(&sorted, &mut out);
                    sorted.sort_unstable_by_key(|&x| by_place(x as usize));
                    window(&sorted, &mut out);
                    sorted.sort_unstable_by_key(|&x| by_contact(x as usize));
                    window(&sorted, &mut out);
                }
                out
            })
            .collect();
        after(0)?;
        pairs.par_sort_unstable();
        pairs.dedup();
        rr.pairs = pairs.len() as u64;
        let before = all.len();
        all = merge_sorted(&all, &pairs);
        rr.new_pairs = (all.len() - before) as u64;
        report.rules.push(rr);
        after(1)?;
    }
    report.pairs = all.len() as u64;
    report.largest_blocks = largest;
    Ok(Candidates { pairs: all, report })
}

fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::record::Record;
    use crate::identity::standardize::keys;

    #[test]
    fn rules_round_trip_and_pairs_are_unique() {
        let rules = default_rules();
        let json = serde_json::to_string(&rules).unwrap();
        let back: Vec<BlockingRule> = serde_json::from_str(&json).unwrap();
        assert_eq!(rules, back);
        let mk = |id: &str, f: &str, l: &str, e: &str| Record {
            id: id.into(),
            first_name: Some(f.into()),
            last_name: Some(l.into()),
            emails: vec![e.into()],
            ..Record::default()
        };
        let recs = [
            mk("1", "Ali", "Kaya", "ali@x.com"),
            mk("2", "Ali", "Kaya", "ali@x.com"),
            mk("3", "Veli", "Kaya", "veli@x.com"),
        ];
        let mut v = Vocabulary::default();
        let p: Vec<_> = recs.iter().map(|r| v.intern(keys(r, None))).collect();
        let c = candidates(&p, &v, &rules, &BlockingOptions::default(), None);
        assert_eq!(c.pairs, vec![pack(0, 1)]);
        assert_eq!(c.report.rules[0].new_pairs, 1);
        assert_eq!(c.report.rules[4].new_pairs, 0);
        assert_eq!(c.report.all_pairs, 3);
    }

    #[test]
    fn hashes_agree_with_readable_keys() {
        let recs: Vec<Record> = [
            ("1", "Ali", "Kaya", "1980-01-02", "a@x.com"),
            ("2", "ALİ", "KAYA", "02.01.1980", "a@x.com"),
            ("3", "Kaya", "Ali", "1980-01-02", "b@x.com"),
            ("4", "Alim", "Kaya", "", ""),
        ]
        .iter()
        .map(|&(id, f, l, d, e)| Record {
            id: id.into(),
            first_name: Some(f.into()),
            last_name: Some(l.into()),
            date_of_birth: Some(d.into()),
            emails: vec![e.into()],
            country: Some("TR".into()),
            ..Record::default()
        })
        .collect();
        let mut v = Vocabulary::default();
        let p: Vec<_> = recs.iter().map(|r| v.intern(keys(r, None))).collect();
        for (r, rule) in default_rules().iter().enumerate() {
            for a in &p {
                for b in &p {
                    let same_keys = rule_keys(rule, a, &v)
                        .iter()
                        .any(|k| rule_keys(rule, b, &v).contains(k));
                    let ha = rule_hashes(r, rule, a, &v);
                    let same_hashes = ha.iter().any(|h| rule_hashes(r, rule, b, &v).contains(h));
                    assert_eq!(same_keys, same_hashes, "{rule}");
                }
            }
        }
    }

    #[test]
    fn oversized_blocks_are_sorted_by_place_and_contact_too() {
        // thirty namesakes born a day apart; records 0 and 29 share an
        // email, records 1 and 28 a postcode: far apart by birth date, next
        // to each other in the other orders
        let recs: Vec<Record> = (0..30)
            .map(|i| Record {
                id: i.to_string(),
                first_name: Some("Ayşe".into()),
                last_name: Some("Yılmaz".into()),
                date_of_birth: Some(format!("1980-01-{:02}", i + 1)),
                emails: match i {
                    0 | 29 => vec!["ayse@x.com".into()],
                    _ => vec![format!("a{i}@x.com")],
                },
                postcode: Some(if i == 1 || i == 28 {
                    "34000".into()
                } else {
                    format!("{}", 10_000 + i)
                }),
                ..Record::default()
            })
            .collect();
        let mut v = Vocabulary::default();
        let p: Vec<_> = recs.iter().map(|r| v.intern(keys(r, None))).collect();
        let rules = vec![BlockingRule::parse(&["name_set"]).unwrap()];
        let opts = BlockingOptions {
            max_block_size: 10,
            window: 3,
            ..BlockingOptions::default()
        };
        let c = candidates(&p, &v, &rules, &opts, None);
        assert_eq!(c.report.rules[0].oversized_blocks, 1);
        assert!(c.pairs.contains(&pack(0, 29)), "shared email");
        assert!(c.pairs.contains(&pack(1, 28)), "shared postcode");
        assert!(c.pairs.contains(&pack(4, 5)), "neighbours by birth date");
        // linear in the block, not quadratic: at most three windows per record
        assert!(c.pairs.len() <= 3 * 3 * 30, "{}", c.pairs.len());
        assert!(c.pairs.len() < 30 * 29 / 2);
    }

    #[test]
    fn oversized_blocks_use_a_window() {
        let recs: Vec<Record> = (0..50)
            .map(|i| Record {
                id: i.to_string(),
                first_name: Some(format!("name{i:02}")),
                last_name: Some("yilmaz".into()),
                postcode: Some("34000".into()),
                ..Record::default()
            })
            .collect();
        let mut v = Vocabulary::default();
        let p: Vec<_> = recs.iter().map(|r| v.intern(keys(r, None))).collect();
        let rules = vec![BlockingRule::parse(&["last_name", "postcode"]).unwrap()];
        let opts = BlockingOptions {
            max_block_size: 10,
            window: 3,
            ..BlockingOptions::default()
        };
        let c = candidates(&p, &v, &rules, &opts, None);
        assert_eq!(c.report.rules[0].oversized_blocks, 1);
        assert_eq!(c.pairs.len(), 47 * 3 + 2 + 1);
        assert_eq!(c.report.largest_blocks[0].size, 50);
    }
}
