//! Evaluation against known truth: pairwise and cluster precision, recall
//! and F1.

use std::collections::{HashMap, HashSet};

/// Precision, recall and F1 of a set of predicted pairs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    /// Predicted pairs that are true.
    pub true_positives: u64,
    /// Predicted pairs.
    pub predicted: u64,
    /// True pairs.
    pub actual: u64,
    /// `true_positives / predicted` (1 when nothing is predicted).
    pub precision: f64,
    /// `true_positives / actual` (1 when nothing is true).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Metrics {
    /// Metrics from counts.
    pub fn from_counts(true_positives: u64, predicted: u64, actual: u64) -> Metrics {
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let (precision, recall) = (
            ratio(true_positives, predicted),
            ratio(true_positives, actual),
        );
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Metrics {
            true_positives,
            predicted,
            actual,
            precision,
            recall,
            f1,
        }
    }
}

fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Pairwise metrics of predicted id pairs against true id pairs (both
/// unordered; duplicates are counted once).
///
/// ```
/// use crmkit::identity::eval::pair_metrics;
/// let m = pair_metrics(&[("a", "b"), ("c", "d")], &[("b", "a"), ("e", "f")]);
/// assert_eq!((m.true_positives, m.predicted, m.actual), (1, 2, 2));
/// assert_eq!(m.f1, 0.5);
/// ```
pub fn pair_metrics<S: AsRef<str>>(predicted: &[(S, S)], truth: &[(S, S)]) -> Metrics {
    let t: HashSet<(&str, &str)> = truth
        .iter()
        .map(|(a, b)| ordered(a.as_ref(), b.as_ref()))
        .collect();
    let p: HashSet<(&str, &str)> = predicted
        .iter()
        .map(|(a, b)| ordered(a.as_ref(), b.as_ref()))
        .collect();
    let tp = p.iter().filter(|x| t.contains(x)).count() as u64;
    Metrics::from_counts(tp, p.len() as u64, t.len() as u64)
}

fn pairs_in(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Cluster metrics: precision, recall and F1 of the pairs implied by
/// predicted clusters against those implied by true clusters (labels per
/// record, aligned).
///
/// ```
/// use crmkit::identity::eval::cluster_metrics;
/// let m = cluster_metrics(&["1", "1", "1", "4"], &["a", "a", "b", "b"]);
/// assert_eq!((m.true_positives, m.predicted, m.actual), (1, 3, 2));
/// ```
pub fn cluster_metrics<P: AsRef<str>, T: AsRef<str>>(predicted: &[P], truth: &[T]) -> Metrics {
    assert_eq!(
        predicted.len(),
        truth.len(),
        "one label per record on both sides"
    );
    let mut both: HashMap<(&str, &str), u64> = HashMap::new();
    let mut pred: HashMap<&str, u64> = HashMap::new();
    let mut act: HashMap<&str, u64> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *both.entry((p.as_ref(), t.as_ref())).or_default() += 1;
        *pred.entry(p.as_ref()).or_default() += 1;
        *act.entry(t.as_ref()).or_default() += 1;
    }
    let tp = both.values().map(|&k| pairs_in(k)).sum();
    Metrics::from_counts(
        tp,
        pred.values().map(|&k| pairs_in(k)).sum(),
        act.values().map(|&k| pairs_in(k)).sum(),
    )
}

/// Pair metrics of clusters against a list of true pairs (for data sets
/// such as FEBRL that give truth as pairs).
pub fn cluster_pair_metrics<S: AsRef<str>>(
    ids: &[S],
    cluster_ids: &[S],
    truth: &[(S, S)],
) -> Metrics {
    let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, c) in ids.iter().zip(cluster_ids) {
        by.entry(c.as_ref()).or_default().push(id.as_ref());
    }
    let mut predicted = Vec::new();
    for members in by.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                predicted.push((*a, *b));
            }
        }
    }
    let truth: Vec<(&str, &str)> = truth
        .iter()
        .map(|(a, b)| (a.as_ref(), b.as_ref()))
        .collect();
    pair_metrics(&predicted, &truth)
}

/// Pairs completeness of blocking: the share of true pairs (by record
/// index, either order) among the candidate pairs, with the number found.
///
/// ```
/// use crmkit::identity::blocking::{candidates, default_rules, BlockingOptions};
/// use crmkit::identity::eval::pairs_completeness;
/// use crmkit::identity::{prepare, Record};
/// let rec = |id: &str, email: &str| Record { id: id.into(), emails: vec![email.into()], ..Record::default() };
/// let recs = [rec("a", "x@y.com"), rec("b", "x@y.com"), rec("c", "z@y.com")];
/// let (p, v) = prepare(&recs, None);
/// let c = candidates(&p, &v, &default_rules(), &BlockingOptions::default(), None);
/// assert_eq!(pairs_completeness(&c.pairs, &[(0, 1), (1, 2)]), (0.5, 1));
/// ```
pub fn pairs_completeness(candidate_pairs: &[u64], truth: &[(usize, usize)]) -> (f64, u64) {
    let found = truth
        .iter()
        .filter(|&&(a, b)| {
            let (i, j) = if a < b { (a, b) } else { (b, a) };
            candidate_pairs
                .binary_search(&(((i as u64) << 32) | j as u64))
                .is_ok()
        })
        .count() as u64;
    let share = if truth.is_empty() {
        1.0
    } else {
        found as f64 / truth.len() as f64
    };
    (share, found)
}
