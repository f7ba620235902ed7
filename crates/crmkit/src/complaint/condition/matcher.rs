//! Conditions compiled into bit masks: for every field a rule set
//! conditions on, each value (folded) maps to the set of rules it
//! satisfies (rules without a condition on the field, or that only forbid
//! other values, included), so a decision is a handful of word-wide ANDs
//! whatever the number of rules. Numeric intervals and `any` flags are
//! checked only on the rules that survive the masks.

use super::{Conditions, Field, Number, Range, Subject, ValueCondition, fold};
use std::collections::HashMap;

/// A set of rules as bits, by position.
type Words = Vec<u64>;

/// One text field's masks.
#[derive(Debug, Clone)]
struct Dim {
    /// Rules that a missing or unlisted value satisfies: those without a
    /// list of allowed values.
    wild: Words,
    /// Per folded value: the rules it satisfies.
    values: HashMap<String, Words>,
}

impl Dim {
    fn build(n: usize, conds: &[Option<&ValueCondition>]) -> Option<Dim> {
        if conds.iter().all(Option::is_none) {
            return None;
        }
        let mut wild = vec![0u64; n.div_ceil(64)];
        for (pos, c) in conds.iter().enumerate() {
            if c.is_none_or(|c| c.any_of.is_none()) {
                set(&mut wild, pos);
            }
        }
        let mut values: HashMap<String, Words> = HashMap::new();
        for c in conds.iter().flatten() {
            for v in c.values() {
                values.entry(fold(v)).or_insert_with(|| wild.clone());
            }
        }
        for (pos, c) in conds.iter().enumerate() {
            let Some(c) = c else { continue };
            for v in c.any_of.iter().flatten() {
                if let Some(m) = values.get_mut(&fold(v)) {
                    set(m, pos);
                }
            }
            for v in &c.none_of {
                if let Some(m) = values.get_mut(&fold(v)) {
                    clear(m, pos);
                }
            }
        }
        Some(Dim { wild, values })
    }

    fn mask(&self, value: Option<&str>) -> &[u64] {
        let Some(v) = value else { return &self.wild };
        // a value already in folded form is found as it is
        if let Some(m) = self.values.get(v) {
            return m;
        }
        self.values.get(&fold(v)).unwrap_or(&self.wild)
    }
}

fn set(words: &mut [u64], pos: usize) {
    words[pos / 64] |= 1 << (pos % 64);
}

fn clear(words: &mut [u64], pos: usize) {
    words[pos / 64] &= !(1 << (pos % 64));
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

/// What is checked on a rule after the masks.
#[derive(Debug, Clone)]
struct Post {
    numbers: Vec<(Number, Range)>,
    any_flags: Vec<String>,
}

/// The compiled conditions of a list of rules.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    n: usize,
    all: Words,
    /// Per field a rule conditions on.
    dims: Vec<(OwnedField, Dim)>,
    flags: Vec<FlagMasks>,
    /// Per position: what is left to check, if anything.
    post: Vec<Option<Post>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum OwnedField {
    Category,
    Product,
    Channel,
    Segment,
    Language,
    Attribute(String),
}

impl OwnedField {
    fn of(f: Field<'_>) -> OwnedField {
        match f {
            Field::Category => OwnedField::Category,
            Field::Product => OwnedField::Product,
            Field::Channel => OwnedField::Channel,
            Field::Segment => OwnedField::Segment,
            Field::Language => OwnedField::Language,
            Field::Attribute(a) => OwnedField::Attribute(a.to_owned()),
        }
    }

    fn field(&self) -> Field<'_> {
        match self {
            OwnedField::Category => Field::Category,
            OwnedField::Product => Field::Product,
            OwnedField::Channel => Field::Channel,
            OwnedField::Segment => Field::Segment,
            OwnedField::Language => Field::Language,
            OwnedField::Attribute(a) => Field::Attribute(a),
        }
    }
}

impl Matcher {
    /// Compiles the conditions of the rules, given in evaluation order.
    pub fn new(conds: &[&Conditions]) -> Matcher {
        let n = conds.len();
        let words = n.div_ceil(64);
        let mut all = vec![0u64; words];
        for pos in 0..n {
            set(&mut all, pos);
        }
        let mut fields: Vec<OwnedField> = conds
            .iter()
            .flat_map(|c| c.fields().map(|(f, _)| OwnedField::of(f)))
            .collect();
        fields.sort();
        fields.dedup();
        let dims = fields
            .into_iter()
            .filter_map(|f| {
                let per: Vec<Option<&ValueCondition>> = conds
                    .iter()
                    .map(|c| c.fields().find(|(g, _)| *g == f.field()).map(|(_, v)| v))
                    .collect();
                Dim::build(n, &per).map(|d| (f, d))
            })
            .collect();

        let mut names: Vec<&String> = conds
            .iter()
            .flat_map(|c| c.flags.all.iter().chain(&c.flags.none))
            .collect();
        names.sort();
        names.dedup();
        let flags = names
            .into_iter()
            .map(|f| {
                let mut need = vec![0u64; words];
                let mut forbid = vec![0u64; words];
                for (pos, c) in conds.iter().enumerate() {
                    if c.flags.all.contains(f) {
                        set(&mut need, pos);
                    }
                    if c.flags.none.contains(f) {
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

        let post = conds
            .iter()
            .map(|c| {
                let numbers: Vec<(Number, Range)> = c.numbers().map(|(n, r)| (n, *r)).collect();
                (!numbers.is_empty() || !c.flags.any.is_empty()).then(|| Post {
                    numbers,
                    any_flags: c.flags.any.clone(),
                })
            })
            .collect();
        Matcher {
            n,
            all,
            dims,
            flags,
            post,
        }
    }

    /// The positions of the matching rules, in order; with `first_only`, at
    /// most one.
    pub fn matches<S: Subject + ?Sized>(
        &self,
        subject: &S,
        first_only: bool,
        out: &mut Vec<usize>,
    ) {
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
        self.fill(subject, cand);
        for (w, word) in cand.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let pos = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if self.post_ok(pos, subject) {
                    out.push(pos);
                    if first_only {
                        return;
                    }
                }
            }
        }
    }

    /// The rules every mask admits, before numeric and `any` flag conditions.
    fn fill<S: Subject + ?Sized>(&self, subject: &S, cand: &mut [u64]) {
        cand.copy_from_slice(&self.all);
        for (f, d) in &self.dims {
            and(cand, d.mask(subject.value(f.field())));
        }
        for f in &self.flags {
            if subject.has_flag(&f.flag) {
                and_not(cand, &f.forbid);
            } else {
                and_not(cand, &f.need);
            }
        }
    }

    fn post_ok<S: Subject + ?Sized>(&self, pos: usize, subject: &S) -> bool {
        let Some(p) = &self.post[pos] else {
            return true;
        };
        p.numbers
            .iter()
            .all(|(n, r)| subject.number(*n).is_some_and(|x| r.contains(x)))
            && (p.any_flags.is_empty() || p.any_flags.iter().any(|f| subject.has_flag(f)))
    }
}
