//! Rule matching compiled into bit masks: for every field a rule set
//! conditions on, each value maps to the set of rules it satisfies (rules
//! without a condition on the field included), so a decision is a handful of
//! word-wide ANDs whatever the number of rules. Numeric intervals are
//! checked only on the rules that survive the masks.

use super::file::{Conditions, Range, Rule};
use crate::complaint::intake::{Channel, Complaint};
use std::collections::HashMap;

/// A set of rules as bits, by evaluation position.
type Words = Vec<u64>;

/// One string field's masks.
#[derive(Debug, Clone)]
struct Dim {
    /// Rules without a condition on the field: what an unknown or missing value satisfies.
    wild: Words,
    /// Per value: `wild` plus the rules that list it.
    values: HashMap<String, Words>,
}

impl Dim {
    fn build(n: usize, conds: &[Option<&[String]>]) -> Option<Dim> {
        if conds.iter().all(Option::is_none) {
            return None;
        }
        let words = n.div_ceil(64);
        let mut wild = vec![0u64; words];
        for (pos, c) in conds.iter().enumerate() {
            if c.is_none() {
                set(&mut wild, pos);
            }
        }
        let mut values: HashMap<String, Words> = HashMap::new();
        for (pos, c) in conds.iter().enumerate() {
            for v in c.iter().flat_map(|vs| vs.iter()) {
                let m = values.entry(v.clone()).or_insert_with(|| wild.clone());
                set(m, pos);
            }
        }
        Some(Dim { wild, values })
    }

    fn mask(&self, value: Option<&str>) -> &[u64] {
        value.and_then(|v| self.values.get(v)).unwrap_or(&self.wild)
    }
}

fn set(words: &mut [u64], pos: usize) {
    words[pos / 64] |= 1 << (pos % 64);
}

fn and(acc: &mut [u64], m: &[u64]) {
    for (a, b) in acc.iter_mut().zip(m) {
        *a &= b;
    }
}

fn and_not(acc: &mut [u64], m: &[u64]) {
    for (a, b) in acc.iter_mut().zip(m) {
        *a &= !b;
    }
}

/// A flag some rule requires or forbids.
#[derive(Debug, Clone)]
struct FlagMasks {
    flag: String,
    need: Words,
    forbid: Words,
}

/// The compiled conditions of a rule set.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    n: usize,
    all: Words,
    category: Option<Dim>,
    product: Option<Dim>,
    segment: Option<Dim>,
    language: Option<Dim>,
    /// Per channel (by `Channel::ALL` index), when some rule conditions on it.
    channel: Option<Vec<Words>>,
    attributes: Vec<(String, Dim)>,
    flags: Vec<FlagMasks>,
    /// Per position: the numeric conditions, if any.
    numeric: Vec<Option<(Option<Range>, Option<Range>)>>,
    /// Per position: the conditions contradict themselves.
    never: Words,
}

/// The fields of a complaint the matcher reads, with the category and
/// flags as resolved (given or detected).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub complaint: &'a Complaint,
    pub category: Option<&'a str>,
    pub flags: &'a [String],
    pub extra_flags: &'a [String],
}

impl Facts<'_> {
    fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().chain(self.extra_flags).any(|f| f == flag)
    }
}

fn channel_index(c: Channel) -> usize {
    Channel::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

impl Matcher {
    /// Compiles the rules, given in evaluation order.
    pub fn new(rules: &[&Rule]) -> Matcher {
        let n = rules.len();
        let words = n.div_ceil(64);
        let mut all = vec![0u64; words];
        for pos in 0..n {
            set(&mut all, pos);
        }
        let conds: Vec<&Conditions> = rules.iter().map(|r| &r.when).collect();
        let dim = |f: fn(&Conditions) -> Option<&[String]>| {
            Dim::build(n, &conds.iter().map(|c| f(c)).collect::<Vec<_>>())
        };
        let category = dim(|c| c.category.as_ref().map(|v| v.0.as_slice()));
        let product = dim(|c| c.product.as_ref().map(|v| v.0.as_slice()));
        let segment = dim(|c| c.segment.as_ref().map(|v| v.0.as_slice()));
        let language = dim(|c| c.language.as_ref().map(|v| v.0.as_slice()));

        let channel = conds.iter().any(|c| c.channel.is_some()).then(|| {
            Channel::ALL
                .iter()
                .map(|ch| {
                    let mut m = vec![0u64; words];
                    for (pos, c) in conds.iter().enumerate() {
                        if c.channel.as_ref().is_none_or(|cs| cs.contains(ch)) {
                            set(&mut m, pos);
                        }
                    }
                    m
                })
                .collect()
        });

        let mut keys: Vec<&String> = conds.iter().flat_map(|c| c.attributes.keys()).collect();
        keys.sort();
        keys.dedup();
        let attributes = keys
            .into_iter()
            .filter_map(|k| {
                let per: Vec<Option<&[String]>> = conds
                    .iter()
                    .map(|c| c.attributes.get(k).map(|v| v.0.as_slice()))
                    .collect();
                Dim::build(n, &per).map(|d| (k.clone(), d))
            })
            .collect();

        let mut names: Vec<&String> = conds
            .iter()
            .flat_map(|c| c.flags.iter().chain(&c.not_flags))
            .collect();
        names.sort();
        names.dedup();
        let flags = names
            .into_iter()
            .map(|f| {
                let mut need = vec![0u64; words];
                let mut forbid = vec![0u64; words];
                for (pos, c) in conds.iter().enumerate() {
                    if c.flags.contains(f) {
                        set(&mut need, pos);
                    }
                    if c.not_flags.contains(f) {
                        set(&mut forbid, pos);
                    }
                }
                FlagMasks {
                    flag: f.clone(),
                    need,
                    forbid,
                }
            })
            .collect();

        let numeric = conds
            .iter()
            .map(|c| {
                (c.amount.is_some() || c.customer_value.is_some())
                    .then_some((c.amount, c.customer_value))
            })
            .collect();
        let mut never = vec![0u64; words];
        for (pos, c) in conds.iter().enumerate() {
            if c.flags.iter().any(|f| c.not_flags.contains(f)) {
                set(&mut never, pos);
            }
        }
        Matcher {
            n,
            all,
            category,
            product,
            segment,
            language,
            channel,
            attributes,
            flags,
            numeric,
            never,
        }
    }

    /// The positions of the matching rules, in order; with `first_only`, at
    /// most one.
    pub fn matches(&self, facts: &Facts<'_>, first_only: bool, out: &mut Vec<usize>) {
        out.clear();
        if self.n == 0 {
            return;
        }
        // up to 512 rules on the stack; more on the heap
        let mut small = [0u64; 8];
        let mut large = Vec::new();
        let cand: &mut [u64] = if self.all.len() <= small.len() {
            &mut small[..self.all.len()]
        } else {
            large.resize(self.all.len(), 0);
            &mut large
        };
        self.fill(facts, cand);
        for (w, word) in cand.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let pos = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if self.numeric_ok(pos, facts.complaint) {
                    out.push(pos);
                    if first_only {
                        return;
                    }
                }
            }
        }
    }

    /// The rules every mask admits, before numeric conditions.
    fn fill(&self, facts: &Facts<'_>, cand: &mut [u64]) {
        let c = facts.complaint;
        cand.copy_from_slice(&self.all);
        and_not(cand, &self.never);
        if let Some(d) = &self.category {
            and(cand, d.mask(facts.category));
        }
        if let Some(d) = &self.product {
            and(cand, d.mask(c.product.as_deref()));
        }
        if let Some(d) = &self.segment {
            and(cand, d.mask(c.segment.as_deref()));
        }
        if let Some(d) = &self.language {
            and(cand, d.mask(c.language.as_deref()));
        }
        if let Some(ch) = &self.channel {
            and(cand, &ch[channel_index(c.channel)]);
        }
        for (k, d) in &self.attributes {
            and(cand, d.mask(c.attributes.get(k).map(String::as_str)));
        }
        for f in &self.flags {
            if facts.has_flag(&f.flag) {
                and_not(cand, &f.forbid);
            } else {
                and_not(cand, &f.need);
            }
        }
    }

    fn numeric_ok(&self, pos: usize, c: &Complaint) -> bool {
        let Some((amount, value)) = &self.numeric[pos] else {
            return true;
        };
        let ok = |r: &Option<Range>, x: Option<f64>| match (r, x) {
            (None, _) => true,
            (Some(r), Some(x)) => r.contains(x),
            (Some(_), None) => false,
        };
        ok(amount, c.amount) && ok(value, c.customer_value)
    }
}
