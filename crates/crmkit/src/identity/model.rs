//! The Fellegi–Sunter model: match weights from m- and u-probabilities,
//! trained without labels.
//!
//! For each comparison level, `m` is the probability of the level among
//! true matches and `u` among non-matches; a level adds `log2(m/u)` to the
//! pair's match weight, and the prior adds `log2(λ/(1−λ))`, where λ is the
//! probability that two random records match. A missing value adds nothing.
//! Exact agreement on a first name, last name, city or postcode is weighted
//! by how common the value is (`log2(m/f)` with `f` the value's share), so a
//! shared "Yılmaz" is weak evidence and a shared rare surname strong.
//!
//! Training ([`train`]):
//! - `u` comes from random pairs (exact levels of single-valued fields from
//!   the value frequencies, which is exact rather than sampled); below
//!   [`MIN_RECORDS_FOR_U`] records the documented defaults are kept;
//! - `m` is anchored on strong evidence: for each comparison, it is
//!   estimated on candidate pairs that the *other* comparisons already make
//!   near-certain matches **and** that agree on a person-level identifier
//!   other than the one being estimated (birth date, first name, email,
//!   national id or customer number; a shared phone or address is not
//!   enough, since households share them). Excluding the field itself keeps
//!   the estimate unbiased; requiring person-level agreement keeps
//!   households out of the match class, the failure of unanchored EM, which
//!   learns "same household" instead of "same person";
//! - the procedure is repeated a few times, then λ is found by the EM
//!   fixed point on the candidate pairs with `m` and `u` held (with fewer
//!   than [`MIN_CANDIDATES_FOR_PRIOR`] candidate pairs the default 1e-4 is
//!   kept);
//! - learned values are sanity-checked: too few anchors falls back to the
//!   documented defaults, exact agreement must count for a match and each
//!   level may not weigh more than the one above it. Every correction is
//!   listed in [`TrainingReport::warnings`].

use std::collections::HashMap;

use rayon::prelude::*;

use super::compare::{Compared, Comparison, Gamma, N};
use super::location::SharedPostcode;
use super::standardize::{Kind, Prepared, Sym, Values, Vocabulary};

/// m- and u-probabilities of one comparison, level 1 first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Parameters {
    /// The comparison.
    pub comparison: Comparison,
    /// P(level | match).
    pub m: Vec<f64>,
    /// P(level | non-match).
    pub u: Vec<f64>,
}

impl Parameters {
    /// `log2(m/u)` of each level.
    pub fn weights(&self) -> Vec<f64> {
        self.m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| (m / u).log2())
            .collect()
    }
}

/// A trained model; serializes to JSON and can be reused on other data.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// Format version of this structure.
    pub version: u32,
    /// λ: the probability that two random records are the same person.
    pub prior: f64,
    /// One entry per comparison, in [`Comparison::ALL`] order.
    pub parameters: Vec<Parameters>,
    /// How training went.
    #[serde(default)]
    pub training: TrainingReport,
    /// City and address evidence once the postcodes agree (absent in
    /// models saved before it was learned: those count the three fields
    /// independently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_postcode: Option<SharedPostcode>,
}

/// How the parameters were obtained.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainingReport {
    /// Random pairs used for `u`.
    pub u_pairs: u64,
    /// Candidate pairs seen.
    pub candidate_pairs: u64,
    /// Anchor pairs per comparison (same order as the parameters).
    pub anchors: Vec<u64>,
    /// Labelled matching pairs used.
    pub labelled_matches: u64,
    /// Corrections made to implausible estimates.
    pub warnings: Vec<String>,
}

fn default_m(c: Comparison) -> Vec<f64> {
    match c {
        Comparison::FirstName | Comparison::LastName => vec![0.80, 0.10, 0.05, 0.05],
        Comparison::DateOfBirth => vec![0.85, 0.08, 0.02, 0.05],
        Comparison::Email => vec![0.55, 0.20, 0.05, 0.20],
        Comparison::Phone => vec![0.70, 0.05, 0.25],
        Comparison::NationalId => vec![0.95, 0.03, 0.02],
        Comparison::CustomerNumber => vec![0.90, 0.05, 0.05],
        Comparison::Address => vec![0.60, 0.20, 0.10, 0.10],
        Comparison::City | Comparison::Postcode => vec![0.85, 0.05, 0.10],
    }
}

fn default_u(c: Comparison) -> Vec<f64> {
    match c {
        Comparison::FirstName | Comparison::LastName => vec![0.005, 0.005, 0.04, 0.95],
        Comparison::DateOfBirth => vec![0.0001, 0.002, 0.01, 0.9879],
        Comparison::Email => vec![1e-6, NAMESAKE_EMAIL_SHARE, 1e-5, 0.999_989],
        Comparison::Phone => vec![1e-6, 1e-5, 0.999_989],
        Comparison::NationalId | Comparison::CustomerNumber => vec![1e-6, 1e-5, 0.999_989],
        Comparison::Address => vec![1e-5, 1e-4, 0.005, 0.994_89],
        Comparison::City => vec![0.02, 0.01, 0.97],
        Comparison::Postcode => vec![0.001, 0.005, 0.994],
    }
}

impl Default for Model {
    /// The documented defaults, used for fields without enough data.
    fn default() -> Self {
        Model {
            version: 1,
            prior: 1e-4,
            parameters: Comparison::ALL
                .iter()
                .map(|&c| Parameters {
                    comparison: c,
                    m: default_m(c),
                    u: default_u(c),
                })
                .collect(),
            training: TrainingReport::default(),
            shared_postcode: None,
        }
    }
}

/// Log2 odds to probability.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

fn log2_odds(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// A scored pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// Total match weight (log2 odds): prior plus every field's weight.
    pub weight: f64,
    /// Match probability, after hard rules.
    pub probability: f64,
    /// The hard rule that decided the pair, if any.
    pub rule: Option<HardRule>,
}

/// Rules that override the weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardRule {
    /// Both records carry the same valid TCKN: the same person.
    SameNationalId,
    /// Two different valid TCKNs: never the same person.
    DifferentNationalIds,
    /// Nothing about the person agrees, first names differ with no
    /// agreeing birth date or shared email or id, or only the first name
    /// agrees ([`super::compare::household_only`]): at most the same
    /// household, or namesakes.
    HouseholdOnly,
}

impl HardRule {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            HardRule::SameNationalId => "same_national_id",
            HardRule::DifferentNationalIds => "different_national_ids",
            HardRule::HouseholdOnly => "household_only",
        }
    }
}

/// The weight of one field of one pair.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldWeight {
    /// The comparison.
    pub comparison: Comparison,
    /// The level reached (0 = a value is missing).
    pub level: u8,
    /// Its label.
    pub label: String,
    /// Its weight in log2 odds (term-frequency adjusted where it applies).
    pub weight: f64,
}

impl Model {
    fn level_weight(&self, c: usize, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let p = &self.parameters[c];
        let l = usize::from(level - 1);
        (p.m[l] / p.u[l]).log2()
    }

    /// Term-frequency adjusted weight of exact agreement on a value with
    /// share `freq`.
    fn tf_weight(&self, c: usize, freq: f64) -> f64 {
        if freq <= 0.0 {
            return self.level_weight(c, 1);
        }
        (self.parameters[c].m[0] / freq).log2()
    }

    /// The weight of each field for a compared pair.
    pub fn field_weights<V: Values + ?Sized>(
        &self,
        cmp: &Compared,
        a: &Prepared,
        b: &Prepared,
        v: &V,
    ) -> [f64; N] {
        let _ = b;
        let mut w = [0.0; N];
        for (c, slot) in w.iter_mut().enumerate() {
            let level = cmp.gamma[c];
            *slot = if level == 1 && Comparison::ALL[c].term_frequency() {
                let freq = match (Comparison::ALL[c], cmp.swapped) {
                    (Comparison::FirstName, false) => v.frequency(Kind::First, a.first),
                    (Comparison::FirstName, true) => cross_frequency(v, a.first, true),
                    (Comparison::LastName, false) => v.frequency(Kind::Last, a.last),
                    (Comparison::LastName, true) => cross_frequency(v, a.last, false),
                    (Comparison::City, _) => v.frequency(Kind::City, a.city),
                    (_, _) => v.frequency(Kind::Postcode, a.postcode),
                };
                self.tf_weight(c, freq)
            } else {
                self.level_weight(c, level)
            };
            *slot = self.located(c, &cmp.gamma, *slot);
        }
        w
    }

    /// `weight` of comparison `c` once location evidence is counted once
    /// ([`SharedPostcode::adjust`]).
    fn located(&self, c: usize, g: &Gamma, weight: f64) -> f64 {
        match &self.shared_postcode {
            Some(s) => s.adjust(c, g, weight, &self.parameters[c].u),
            None => weight,
        }
    }

    /// Scores a compared pair.
    pub fn score<V: Values + ?Sized>(
        &self,
        cmp: &Compared,
        a: &Prepared,
        b: &Prepared,
        v: &V,
    ) -> PairScore {
        let weight = log2_odds(self.prior) + self.field_weights(cmp, a, b, v).iter().sum::<f64>();
        let (probability, rule) = if cmp.cannot_link {
            (0.0, Some(HardRule::DifferentNationalIds))
        } else if a.tckn_valid && b.tckn_valid && a.national_id == b.national_id {
            (1.0, Some(HardRule::SameNationalId))
        } else if super::compare::household_only(&cmp.gamma) {
            (0.0, Some(HardRule::HouseholdOnly))
        } else {
            (probability(weight), None)
        };
        PairScore {
            weight,
            probability,
            rule,
        }
    }

    /// The score of a pattern without term frequencies (for training).
    fn pattern_weight(&self, g: &Gamma, skip: Option<usize>) -> f64 {
        (0..N)
            .filter(|&c| Some(c) != skip)
            .map(|c| self.located(c, g, self.level_weight(c, g[c])))
            .sum()
    }
}

/// The share of a first name among last names (or the reverse), for a
/// swapped-name agreement.
///
/// The larger of the two shares: a name seen mostly as a first name is as
/// common among the people who could have written it swapped as it is
/// among first names. Its share in the other role alone counts only the
/// few records written the other way round, and would weigh a swapped
/// "Michelle Turner" as if both names were rare.
fn cross_frequency<V: Values + ?Sized>(v: &V, id: Sym, first_to_last: bool) -> f64 {
    let (from, to) = if first_to_last {
        (Kind::First, Kind::Last)
    } else {
        (Kind::Last, Kind::First)
    };
    let own = v.frequency(from, id);
    v.find(to, v.text(from, id))
        .map_or(own, |x| v.frequency(to, x).max(own))
}

/// Estimates `u` from `samples` random pairs (deterministic for a `seed`).
/// With `groups`, only pairs across groups are drawn.
pub fn estimate_u(
    records: &[Prepared],
    vocab: &Vocabulary,
    groups: Option<&[u32]>,
    samples: usize,
    seed: u64,
) -> (Vec<Vec<f64>>, u64) {
    let n = records.len();
    let mut counts: Vec<Vec<u64>> = Comparison::ALL
        .iter()
        .map(|c| vec![0; c.levels().len()])
        .collect();
    let add = |counts: &mut Vec<Vec<u64>>, i: usize, j: usize| {
        let cmp = super::compare::compare(&records[i], &records[j], vocab);
        for (c, &level) in cmp.gamma.iter().enumerate() {
            if level > 0 {
                counts[c][usize::from(level - 1)] += 1;
            }
        }
    };
    let all_pairs = (n as u64) * (n as u64).saturating_sub(1) / 2;
    let mut drawn = 0u64;
    if all_pairs <= samples as u64 {
        // few records: every pair, exactly
        for i in 0..n {
            for j in i + 1..n {
                if groups.is_none_or(|g| g[i] != g[j]) {
                    add(&mut counts, i, j);
                    drawn += 1;
                }
            }
        }
    } else {
        let parts: Vec<(Vec<Vec<u64>>, u64)> = sample_chunks(samples, seed, |rng, want| {
            let mut local: Vec<Vec<u64>> = counts.iter().map(|c| vec![0; c.len()]).collect();
            let (mut got, mut attempts) = (0usize, 0usize);
            while got < want && attempts < want * 8 {
                attempts += 1;
                let i = (rng.next() % n as u64) as usize;
                let j = (rng.next() % n as u64) as usize;
                if i == j || groups.is_some_and(|g| g[i] == g[j]) {
                    continue;
                }
                got += 1;
                add(&mut local, i, j);
            }
            (local, got as u64)
        });
        for (local, got) in parts {
            drawn += got;
            for (c, l) in counts.iter_mut().zip(local) {
                c.iter_mut().zip(l).for_each(|(a, b)| *a += b);
            }
        }
    }
    let exact = [
        Some(&vocab.first),
        Some(&vocab.last),
        None,
        None,
        None,
        Some(&vocab.national_id),
        None,
        Some(&vocab.address),
        Some(&vocab.city),
        Some(&vocab.postcode),
    ];
    let u = Comparison::ALL
        .iter()
        .enumerate()
        .map(|(c, &comp)| {
            let total: u64 = counts[c].iter().sum();
            let levels = counts[c].len();
            if total < 100 || n < MIN_RECORDS_FOR_U {
                return default_u(comp);
            }
            // add-half smoothing keeps every level possible
            let mut u: Vec<f64> = counts[c]
                .iter()
                .map(|&k| (k as f64 + 0.5) / (total as f64 + 0.5 * levels as f64))
                .collect();
            if let Some(interner) = exact[c] {
                let sum_sq: f64 = (0..interner.len() as Sym)
                    .map(|id| interner.frequency(id).powi(2))
                    .sum();
                if sum_sq > 0.0 {
                    let rest: f64 = u[1..].iter().sum();
                    let scale = (1.0 - sum_sq) / rest;
                    u[0] = sum_sq;
                    u[1..].iter_mut().for_each(|x| *x *= scale);
                }
            }
            u
        })
        .collect();
    (u, drawn)
}

/// Runs `f` on chunks of `samples` draws in parallel, each chunk with its
/// own generator derived from `seed`, so the result does not depend on the
/// number of threads. `f` gets the generator and the draws it should make.
pub(crate) fn sample_chunks<T: Send>(
    samples: usize,
    seed: u64,
    f: impl Fn(&mut SplitMix, usize) -> T + Sync,
) -> Vec<T> {
    const CHUNK: usize = 25_000;
    (0..samples.div_ceil(CHUNK))
        .into_par_iter()
        .map(|k| {
            let mut rng = SplitMix(seed ^ 0x5eed_1d3e ^ (k as u64).wrapping_mul(0x9e37_79b9));
            f(&mut rng, CHUNK.min(samples - k * CHUNK))
        })
        .collect()
}

/// The default share of namesakes (same first and last name, different
/// people) who share an email address made from their name: the `u` of
/// the "same or a typo apart, made from the name" email level, which is conditional on
/// the names agreeing, since such an address says little beyond them.
pub const NAMESAKE_EMAIL_SHARE: f64 = 0.05;

/// Whether level index `l` (0-based) of `c` has a `u` conditional on other
/// fields (the "same or a typo apart, made from the name" email level).
pub fn conditional_level(c: Comparison, l: usize) -> bool {
    c == Comparison::Email && l == 1
}

/// Estimates [`NAMESAKE_EMAIL_SHARE`] from candidate pairs that are clearly
/// different people with the same name (names exact, birth dates clearly
/// different); `None` with fewer than 20 such pairs.
fn namesake_email_share(patterns: &[(&Gamma, u64)]) -> Option<f64> {
    let (mut shared, mut total) = (0u64, 0u64);
    for &(g, n) in patterns {
        if g[0] == 1 && g[1] == 1 && g[2] == 4 && g[3] != 0 {
            total += n;
            if g[3] == 2 {
                shared += n;
            }
        }
    }
    (total >= 20).then(|| ((shared as f64 + 0.5) / (total as f64 + 1.0)).max(1e-4))
}

/// Whether the pattern agrees on an independent person-level identifier
/// (birth date, phone, national id, customer number) other than comparison
/// `skip`.
///
/// Names and emails do not count: emails are often made from names, so
/// namesakes share them. A pair that conflicts on another person-level
/// field (different first names, clearly different birth dates) is never
/// an anchor; under conditional independence this selection does not bias
/// the estimate of the field itself.
fn person_evidence(g: &Gamma, skip: usize) -> bool {
    let ok = |c: usize, max: u8| c != skip && g[c] != 0 && g[c] <= max;
    let conflict = (skip != 0 && g[0] == 4) || (skip != 2 && g[2] >= 3);
    !conflict && (ok(2, 2) || ok(4, 1) || ok(5, 1) || ok(6, 1))
}

/// Trains a model: `u` given, `m` anchored on the candidate pairs'
/// comparison `patterns` (pattern → count), λ by the EM fixed point.
/// `labelled` are comparison vectors of known matches. `all_pairs` is the
/// number of pairs all-to-all comparison would make. `shared_postcode`
/// ([`super::location::estimate`]) counts location evidence once.
pub fn train(
    u: Vec<Vec<f64>>,
    shared_postcode: Option<SharedPostcode>,
    patterns: &HashMap<Gamma, u64>,
    labelled: &[Gamma],
    all_pairs: u64,
) -> Model {
    let mut model = Model {
        shared_postcode,
        ..Model::default()
    };
    for (p, u) in model.parameters.iter_mut().zip(u) {
        p.u = u;
    }
    let candidates: u64 = patterns.values().sum();
    model.training.candidate_pairs = candidates;
    model.training.labelled_matches = labelled.len() as u64;
    // a fixed order keeps the floating-point sums, and so the model,
    // identical from run to run
    let mut patterns: Vec<(&Gamma, u64)> = patterns.iter().map(|(g, &n)| (g, n)).collect();
    patterns.sort_unstable();
    let email = Comparison::Email.index();
    model.parameters[email].u[1] = namesake_email_share(&patterns).unwrap_or(NAMESAKE_EMAIL_SHARE);
    // prior odds among candidate pairs, re-estimated each round
    let mut candidate_prior = 0.1f64;
    let mut anchors = vec![0u64; N];
    for _round in 0..4 {
        let mut next = model.parameters.clone();
        for c in 0..N {
            let levels = next[c].m.len();
            let mut counts = vec![0f64; levels];
            let mut total = 0u64;
            for &(g, n) in &patterns {
                if g[c] == 0 || !person_evidence(g, c) {
                    continue;
                }
                let w = log2_odds(candidate_prior) + model.pattern_weight(g, Some(c));
                if probability(w) >= 0.99 {
                    counts[usize::from(g[c] - 1)] += n as f64;
                    total += n;
                }
            }
            for g in labelled {
                if g[c] > 0 {
                    counts[usize::from(g[c] - 1)] += 1.0;
                    total += 1;
                }
            }
            anchors[c] = total;
            if total >= 20 {
                let prior = default_m(Comparison::ALL[c]);
                // one pseudo-pair of the defaults keeps empty levels possible
                next[c].m = counts
                    .iter()
                    .zip(&prior)
                    .map(|(k, p)| (k + p) / (total as f64 + 1.0))
                    .collect();
            }
        }
        model.parameters = next;
        // candidate prior: expected share of matches among candidates
        for _ in 0..20 {
            let lo = log2_odds(candidate_prior);
            let expected: f64 = patterns
                .iter()
                .map(|&(g, n)| n as f64 * probability(lo + model.pattern_weight(g, None)))
                .sum();
            candidate_prior = (expected / candidates.max(1) as f64).clamp(1e-6, 0.999);
        }
    }
    sanity_check(&mut model, &anchors);
    model.training.anchors = anchors;
    // λ over all pairs: the EM fixed point with m and u held
    let mut lambda =
        (candidates as f64 * candidate_prior / all_pairs.max(1) as f64).clamp(1e-12, 0.5);
    for _ in 0..50 {
        let lo = log2_odds(lambda);
        let expected: f64 = patterns
            .iter()
            .map(|&(g, n)| {
                let p = if super::compare::household_only(g) {
                    0.0
                } else {
                    probability(lo + model.pattern_weight(g, None))
                };
                n as f64 * p
            })
            .sum();
        let next = (expected / all_pairs.max(1) as f64).clamp(1e-12, 0.5);
        if (next - lambda).abs() <= lambda * 1e-6 {
            lambda = next;
            break;
        }
        lambda = next;
    }
    if candidates < MIN_CANDIDATES_FOR_PRIOR {
        // too few pairs to estimate λ: keep the documented default
        if candidates > 0 {
            model.training.warnings.push(format!(
                "only {candidates} candidate pairs; using the default prior {:e}",
                model.prior
            ));
        }
    } else {
        model.prior = lambda;
    }
    model
}

/// Below this many records `u` keeps its documented defaults: in a small
/// set the duplicates themselves are a large share of the random pairs.
pub const MIN_RECORDS_FOR_U: usize = 1000;

/// Below this many candidate pairs the prior λ keeps its default (1e-4).
pub const MIN_CANDIDATES_FOR_PRIOR: u64 = 500;

fn sanity_check(model: &mut Model, anchors: &[u64]) {
    for (c, p) in model.parameters.iter_mut().enumerate() {
        let name = p.comparison.as_str();
        if anchors[c] < 20 {
            if anchors[c] > 0 {
                model.training.warnings.push(format!(
                    "{name}: only {} anchor pairs; using the default m-probabilities",
                    anchors[c]
                ));
            }
            p.m = default_m(p.comparison);
        }
        if p.m[0] <= p.u[0] {
            model.training.warnings.push(format!(
                "{name}: exact agreement came out as evidence against a match \
                 (m {:.4} ≤ u {:.4}); using the default m-probabilities",
                p.m[0], p.u[0]
            ));
            p.m = default_m(p.comparison);
        }
        // weights may not increase down the levels (the name-made email
        // level is conditional on the names and stands apart)
        let mut adjusted = false;
        let ordered: Vec<usize> = (0..p.m.len())
            .filter(|&l| !conditional_level(p.comparison, l))
            .collect();
        for w in ordered.windows(2) {
            let (hi, lo) = (w[0], w[1]);
            let (above, here) = (p.m[hi] / p.u[hi], p.m[lo] / p.u[lo]);
            if here > above {
                p.m[lo] = above * p.u[lo];
                adjusted = true;
            }
        }
        if adjusted {
            let total: f64 = p.m.iter().sum();
            p.m.iter_mut().for_each(|m| *m /= total);
            model.training.warnings.push(format!(
                "{name}: a weaker level weighed more than a stronger one; capped"
            ));
        }
        // a probability of exactly 0 or 1 (one giant block, a level never
        // seen) would give an infinite weight: smooth it into the open interval
        if p.m
            .iter()
            .chain(&p.u)
            .any(|&x| !(PROB_FLOOR..=1.0 - PROB_FLOOR).contains(&x))
        {
            for v in [&mut p.m, &mut p.u] {
                v.iter_mut()
                    .for_each(|x| *x = x.clamp(PROB_FLOOR, 1.0 - PROB_FLOOR));
                let total: f64 = v.iter().sum();
                v.iter_mut().for_each(|x| *x /= total);
            }
            model.training.warnings.push(format!(
                "{name}: a probability of 0 or 1 was smoothed to at least {PROB_FLOOR:e}"
            ));
        }
    }
}

/// The smallest probability a trained model holds: 0 or 1 would make a
/// level's weight infinite.
pub const PROB_FLOOR: f64 = 1e-9;

impl Model {
    /// Checks a model read from elsewhere (e.g. a saved JSON file): one
    /// entry per comparison in order, as many levels as the comparison has,
    /// every m, u and the prior strictly between 0 and 1.
    ///
    /// ```
    /// use crmkit::identity::Model;
    /// let mut m = Model::default();
    /// assert!(m.validate().is_ok());
    /// m.parameters[0].u = vec![1.0, 0.0, 0.0, 0.0];
    /// assert!(m.validate().unwrap_err().contains("first_name"));
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        let open = |x: f64| x > 0.0 && x < 1.0;
        if !open(self.prior) {
            return Err(format!(
                "prior {} is not strictly between 0 and 1",
                self.prior
            ));
        }
        if self.parameters.len() != Comparison::ALL.len() {
            return Err(format!(
                "{} comparisons where {} were expected",
                self.parameters.len(),
                Comparison::ALL.len()
            ));
        }
        for (p, c) in self.parameters.iter().zip(Comparison::ALL) {
            let name = c.as_str();
            if p.comparison != c {
                return Err(format!(
                    "comparison {} where {name} was expected",
                    p.comparison.as_str()
                ));
            }
            let levels = default_m(c).len();
            for (which, v) in [("m", &p.m), ("u", &p.u)] {
                if v.len() != levels {
                    return Err(format!(
                        "{name}: {which} has {} levels, expected {levels}",
                        v.len()
                    ));
                }
                if let Some(x) = v.iter().find(|&&x| !open(x)) {
                    return Err(format!(
                        "{name}: {which} holds {x}, a probability must be strictly between 0 and 1 \
                         (0 or 1 gives an infinite weight)"
                    ));
                }
            }
        }
        match &self.shared_postcode {
            Some(s) => s.validate(),
            None => Ok(()),
        }
    }
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_or_one_probabilities_are_smoothed_by_training_and_refused_on_load() {
        let mut m = Model::default();
        m.parameters[0].u = vec![1.0, 0.0, 0.0, 0.0];
        let err = m.validate().unwrap_err();
        assert!(
            err.contains("first_name") && err.contains("strictly between"),
            "{err}"
        );
        let anchors = vec![1000; m.parameters.len()];
        sanity_check(&mut m, &anchors);
        assert!(m.validate().is_ok(), "{:?}", m.parameters[0]);
        assert!(m.parameters[0].weights().iter().all(|w| w.is_finite()));
        assert!(m.training.warnings.iter().any(|w| w.contains("smoothed")));
        let bad_prior = Model {
            prior: 0.0,
            ..Model::default()
        };
        assert!(bad_prior.validate().is_err());
    }

    #[test]
    fn probability_is_monotone_and_bounded() {
        assert_eq!(probability(0.0), 0.5);
        assert!(probability(2000.0) <= 1.0);
        assert!(probability(-2000.0) >= 0.0);
        assert!(probability(1.0) > probability(0.5));
    }

    #[test]
    fn defaults_favour_agreement() {
        let m = Model::default();
        for p in &m.parameters {
            let w = p.weights();
            assert!(w[0] > 0.0, "{:?}", p.comparison);
            let w: Vec<f64> = w
                .iter()
                .enumerate()
                .filter(|(l, _)| !conditional_level(p.comparison, *l))
                .map(|(_, w)| *w)
                .collect();
            assert!(w.windows(2).all(|x| x[0] >= x[1]), "{:?}", p.comparison);
        }
    }
}
