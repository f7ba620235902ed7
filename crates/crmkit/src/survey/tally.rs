use super::{Answer, Position, SurveyError};
use crate::error::{Error, InputError, Result};

/// An integer rating scale `min..=max`, such as 0–10 for NPS or 1–5 for CSAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Scale {
    /// Lowest valid answer.
    pub min: i32,
    /// Highest valid answer.
    pub max: i32,
}

/// Interleaved histograms in the counting loops.
pub(super) const LANES: usize = 4;

/// The most levels a scale may have; keeps a tally's memory bounded.
const MAX_LEVELS: i64 = 1001;

impl Scale {
    /// The 0–10 "how likely are you to recommend" scale of NPS.
    pub const NPS: Scale = Scale { min: 0, max: 10 };

    /// A scale `min..=max` with at least two and at most 1001 levels.
    pub fn new(min: i32, max: i32) -> Result<Scale, SurveyError> {
        let levels = i64::from(max) - i64::from(min) + 1;
        if !(2..=MAX_LEVELS).contains(&levels) {
            return Err(SurveyError::InvalidScale(format!(
                "a scale from {min} to {max}; expected 2 to {MAX_LEVELS} levels with min < max"
            )));
        }
        Ok(Scale { min, max })
    }

    /// Number of levels on the scale.
    pub fn levels(self) -> usize {
        (i64::from(self.max) - i64::from(self.min) + 1) as usize
    }

    /// The level index of `value`, or `None` when it is not a whole number on the scale.
    #[inline]
    pub fn level_of(self, value: f64) -> Option<usize> {
        // an integer round trip instead of `trunc`, which is a library call
        // on baseline x86-64; NaN and infinities fail the round trip
        let whole = value as i64;
        let level = whole.wrapping_sub(i64::from(self.min));
        let top = i64::from(self.max) - i64::from(self.min);
        (whole as f64 == value && (0..=top).contains(&level)).then_some(level as usize)
    }

    fn out_of_range(self, at: Position, value: f64, metric: &'static str) -> SurveyError {
        SurveyError::OutOfRange {
            at,
            value,
            metric,
            min: self.min,
            max: self.max,
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..={}", self.min, self.max)
    }
}

/// How many answers (and how much weight) fell on each level of a scale, plus
/// the missing answers: the mergeable partial aggregate behind every metric.
///
/// An unweighted tally keeps only counts; the first weighted answer, or a merge
/// with a weighted tally, turns on per-level weight sums (every earlier answer
/// counting with weight 1). Merging unweighted tallies is exact in any order.
///
/// ```
/// use crmkit::survey::{Scale, Tally};
///
/// let mut monday = Tally::from_answers(Scale::NPS, &[10, 9, 3], None, "NPS").unwrap();
/// let tuesday = Tally::from_answers(Scale::NPS, &[Some(7), None], None, "NPS").unwrap();
/// monday.merge(&tuesday).unwrap();
/// assert_eq!(monday.n(), 4);
/// assert_eq!(monday.missing(), 1);
/// assert_eq!(monday.count_between(9, 10), 2);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "TallyRepr")]
pub struct Tally {
    scale: Scale,
    counts: Vec<u64>,
    /// Per-level weight sums; `None` while every answer has weight 1.
    weights: Option<Vec<f64>>,
    /// Σw² over answered rows; meaningful only when `weights` is set.
    sum_w2: f64,
    missing: u64,
}

#[derive(serde::Deserialize)]
struct TallyRepr {
    scale: Scale,
    counts: Vec<u64>,
    weights: Option<Vec<f64>>,
    sum_w2: f64,
    missing: u64,
}

impl TryFrom<TallyRepr> for Tally {
    type Error = String;
    fn try_from(r: TallyRepr) -> std::result::Result<Self, String> {
        let scale = Scale::new(r.scale.min, r.scale.max).map_err(|e| e.to_string())?;
        let levels = scale.levels();
        if r.counts.len() != levels {
            return Err(format!(
                "counts has {} levels, scale {scale} has {levels}",
                r.counts.len()
            ));
        }
        if let Some(w) = &r.weights
            && (w.len() != levels || w.iter().any(|x| !(x.is_finite() && *x >= 0.0)))
        {
            return Err(format!(
                "weights must be {levels} finite sums >= 0 for scale {scale}"
            ));
        }
        if !(r.sum_w2.is_finite() && r.sum_w2 >= 0.0) {
            return Err("sum_w2 must be a finite number >= 0".into());
        }
        Ok(Tally {
            scale,
            counts: r.counts,
            weights: r.weights,
            sum_w2: r.sum_w2,
            missing: r.missing,
        })
    }
}

/// Weights are 0 or within this range: the squares that the Kish effective
/// sample size sums must neither overflow nor vanish.
pub const WEIGHT_RANGE: std::ops::RangeInclusive<f64> = 1e-100..=1e100;

fn check_weight(at: Position, weight: f64) -> Result<f64, SurveyError> {
    if weight == 0.0 || WEIGHT_RANGE.contains(&weight) {
        Ok(weight)
    } else {
        Err(SurveyError::InvalidWeight { at, weight })
    }
}

impl Tally {
    /// An empty tally on `scale`.
    pub fn new(scale: Scale) -> Tally {
        Tally {
            scale,
            counts: vec![0; scale.levels()],
            weights: None,
            sum_w2: 0.0,
            missing: 0,
        }
    }

    /// Tallies `answers` (optionally weighted, aligned by position). `metric`
    /// names the metric in error messages (`"NPS"`, `"CSAT"`…).
    ///
    /// Errors: an answer off the scale or a bad weight (naming its index), or
    /// weights of a different length than the answers.
    pub fn from_answers<A: Answer>(
        scale: Scale,
        answers: &[A],
        weights: Option<&[f64]>,
        metric: &'static str,
    ) -> Result<Tally> {
        let mut tally = Tally::new(scale);
        match weights {
            None => {
                let levels = scale.levels();
                // LANES interleaved histograms: consecutive answers on the same
                // level would otherwise wait on each other's increment
                let mut lanes = vec![0u64; LANES * (levels + 1)];
                for (i, a) in answers.iter().enumerate() {
                    let slot = match a.value() {
                        None => levels,
                        Some(v) => match scale.level_of(v) {
                            Some(level) => level,
                            None => {
                                return Err(scale
                                    .out_of_range(Position::Index(i), v, metric)
                                    .into());
                            }
                        },
                    };
                    lanes[(i % LANES) * (levels + 1) + slot] += 1;
                }
                for lane in lanes.chunks_exact(levels + 1) {
                    for (c, l) in tally.counts.iter_mut().zip(lane) {
                        *c += l;
                    }
                    tally.missing += lane[levels];
                }
            }
            Some(w) => {
                check_lengths(answers.len(), w.len())?;
                let mut sums = vec![0.0; scale.levels()];
                for (i, (a, &wi)) in answers.iter().zip(w).enumerate() {
                    match a.value() {
                        None => tally.missing += 1,
                        Some(v) => {
                            let at = Position::Index(i);
                            let level = scale
                                .level_of(v)
                                .ok_or_else(|| scale.out_of_range(at, v, metric))?;
                            let wi = check_weight(at, wi)?;
                            tally.counts[level] += 1;
                            sums[level] += wi;
                            tally.sum_w2 += wi * wi;
                        }
                    }
                }
                tally.weights = Some(sums);
            }
        }
        Ok(tally)
    }

    /// Adds one answer with weight 1. Its position in error messages is the
    /// number of answers pushed before it.
    pub fn push<A: Answer>(&mut self, answer: A) -> Result<(), SurveyError> {
        let at = Position::Index(self.rows() as usize);
        match answer.value() {
            None => self.missing += 1,
            Some(v) => {
                let level = self
                    .scale
                    .level_of(v)
                    .ok_or_else(|| self.scale.out_of_range(at, v, "this scale"))?;
                self.counts[level] += 1;
                if let Some(w) = &mut self.weights {
                    w[level] += 1.0;
                    self.sum_w2 += 1.0;
                }
            }
        }
        Ok(())
    }

    /// Adds one answer with a weight (0, or from 1e-100 to 1e100). A missing answer ignores its weight.
    pub fn push_weighted<A: Answer>(&mut self, answer: A, weight: f64) -> Result<(), SurveyError> {
        let at = Position::Index(self.rows() as usize);
        match answer.value() {
            None => self.missing += 1,
            Some(v) => {
                let level = self
                    .scale
                    .level_of(v)
                    .ok_or_else(|| self.scale.out_of_range(at, v, "this scale"))?;
                let weight = check_weight(at, weight)?;
                // materialize unit weights for earlier answers before counting this one
                self.weights_mut()[level] += weight;
                self.counts[level] += 1;
                self.sum_w2 += weight * weight;
            }
        }
        Ok(())
    }

    /// Adds `count` answers of `value` with weight 1 (building a tally from a
    /// frequency table).
    pub fn add_count(&mut self, value: i32, count: u64) -> Result<(), SurveyError> {
        let level = self.scale.level_of(f64::from(value)).ok_or_else(|| {
            self.scale
                .out_of_range(Position::Index(0), f64::from(value), "this scale")
        })?;
        self.counts[level] += count;
        if let Some(w) = &mut self.weights {
            w[level] += count as f64;
            self.sum_w2 += count as f64;
        }
        Ok(())
    }

    /// Adds `count` missing answers.
    pub fn add_missing(&mut self, count: u64) {
        self.missing += count;
    }

    fn weights_mut(&mut self) -> &mut Vec<f64> {
        if self.weights.is_none() {
            self.sum_w2 = self.n() as f64;
            self.weights = Some(self.counts.iter().map(|&c| c as f64).collect());
        }
        self.weights.as_mut().expect("set just above")
    }

    /// Adds every answer of `other`, which must be on the same scale.
    pub fn merge(&mut self, other: &Tally) -> Result<(), SurveyError> {
        if self.scale != other.scale {
            return Err(SurveyError::Incompatible {
                left: self.scale,
                right: other.scale,
            });
        }
        // weights first: materializing unit weights reads the counts as they were
        if self.weights.is_some() || other.weights.is_some() {
            let other_sum_w2 = other.effective_sum_w2();
            let sums = self.weights_mut();
            for (level, s) in sums.iter_mut().enumerate() {
                *s += other.weight_at_level(level);
            }
            self.sum_w2 += other_sum_w2;
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.missing += other.missing;
        Ok(())
    }

    /// The answers of `self` that are not in `part` (which must be a subset of
    /// `self`, e.g. the answers that mention one topic). Used for "everyone
    /// but this segment" comparisons.
    pub fn without(&self, part: &Tally) -> Result<Tally> {
        if self.scale != part.scale {
            return Err(SurveyError::Incompatible {
                left: self.scale,
                right: part.scale,
            }
            .into());
        }
        let not_subset = || {
            Error::invalid_argument(
                "part",
                "a tally whose answers are all contained in the whole",
            )
        };
        let mut rest = self.clone();
        if self.weights.is_some() || part.weights.is_some() {
            let part_sum_w2 = part.effective_sum_w2();
            let sums = rest.weights_mut();
            for (level, s) in sums.iter_mut().enumerate() {
                // clamp the rounding residue of float subtraction
                *s = (*s - part.weight_at_level(level)).max(0.0);
            }
            rest.sum_w2 = (rest.sum_w2 - part_sum_w2).max(0.0);
        }
        for (a, b) in rest.counts.iter_mut().zip(&part.counts) {
            *a = a.checked_sub(*b).ok_or_else(not_subset)?;
        }
        rest.missing = rest
            .missing
            .checked_sub(part.missing)
            .ok_or_else(not_subset)?;
        Ok(rest)
    }

    /// The scale of this tally.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Answer counts per level, lowest level first.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Whether any answer carried an explicit weight.
    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Number of present (non-missing) answers.
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Number of missing answers.
    pub fn missing(&self) -> u64 {
        self.missing
    }

    /// Present plus missing answers.
    pub fn rows(&self) -> u64 {
        self.n() + self.missing
    }

    fn weight_at_level(&self, level: usize) -> f64 {
        match &self.weights {
            Some(w) => w[level],
            None => self.counts[level] as f64,
        }
    }

    fn effective_sum_w2(&self) -> f64 {
        match &self.weights {
            Some(_) => self.sum_w2,
            None => self.n() as f64,
        }
    }

    /// Total weight of the present answers (their count when unweighted).
    pub fn total_weight(&self) -> f64 {
        (0..self.counts.len())
            .map(|l| self.weight_at_level(l))
            .sum()
    }

    /// Kish effective sample size (Σw)²/Σw²; equals `n` when unweighted.
    pub fn effective_n(&self) -> f64 {
        match &self.weights {
            None => self.n() as f64,
            Some(_) if self.sum_w2 > 0.0 => self.total_weight().powi(2) / self.sum_w2,
            Some(_) => 0.0,
        }
    }

    fn levels_between(&self, lo: i32, hi: i32) -> std::ops::Range<usize> {
        let lo = (i64::from(lo) - i64::from(self.scale.min)).max(0);
        let hi = (i64::from(hi) - i64::from(self.scale.min) + 1).min(self.counts.len() as i64);
        (lo as usize)..(hi.max(lo) as usize)
    }

    /// Number of answers from `lo` to `hi` inclusive.
    pub fn count_between(&self, lo: i32, hi: i32) -> u64 {
        self.counts[self.levels_between(lo, hi)].iter().sum()
    }

    /// Total weight of answers from `lo` to `hi` inclusive.
    pub fn weight_between(&self, lo: i32, hi: i32) -> f64 {
        self.levels_between(lo, hi)
            .map(|l| self.weight_at_level(l))
            .sum()
    }

    /// Weighted mean and weighted population variance of the present answers.
    pub fn mean_and_variance(&self) -> Option<(f64, f64)> {
        let total = self.total_weight();
        if total <= 0.0 {
            return None;
        }
        let value = |l: usize| f64::from(self.scale.min) + l as f64;
        let mean = (0..self.counts.len())
            .map(|l| self.weight_at_level(l) * value(l))
            .sum::<f64>()
            / total;
        let var = (0..self.counts.len())
            .map(|l| self.weight_at_level(l) * (value(l) - mean).powi(2))
            .sum::<f64>()
            / total;
        Some((mean, var))
    }
}

pub(super) fn check_lengths(answers: usize, weights: usize) -> Result<()> {
    if answers != weights {
        return Err(InputError::LengthMismatch {
            left: "scores",
            left_len: answers,
            right: "weights",
            right_len: weights,
        }
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scale_levels() {
        assert_eq!(Scale::NPS.levels(), 11);
        assert_eq!(Scale::NPS.level_of(10.0), Some(10));
        assert_eq!(Scale::NPS.level_of(10.5), None);
        assert_eq!(Scale::NPS.level_of(-0.0), Some(0));
        assert_eq!(Scale::NPS.level_of(f64::INFINITY), None);
        assert!(Scale::new(5, 5).is_err());
        assert!(Scale::new(i32::MIN, i32::MAX).is_err());
    }

    #[test]
    fn out_of_range_names_the_index() {
        let err = Tally::from_answers(Scale::NPS, &[1.0, 2.0, 11.0], None, "NPS").unwrap_err();
        assert_eq!(
            err.to_string(),
            "answer at index 2 is 11; NPS expects a whole number from 0 to 10"
        );
        let err =
            Tally::from_answers(Scale::NPS, &[1.0, 2.0], Some(&[1.0, -1.0]), "NPS").unwrap_err();
        assert!(err.to_string().contains("weight at index 1"));
        let err = Tally::from_answers(Scale::NPS, &[1.0], Some(&[1.0, 1.0]), "NPS").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::LengthMismatch);
    }

    #[test]
    fn extreme_weights_are_rejected() {
        for w in [1e300, 1e-300, f64::INFINITY, f64::NAN, -1.0] {
            let e = Tally::from_answers(Scale::NPS, &[9.0], Some(&[w]), "NPS").unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::SurveyInvalidWeight, "{w}");
        }
        let t = Tally::from_answers(Scale::NPS, &[9.0, 0.0], Some(&[1e100, 0.0]), "NPS").unwrap();
        assert_eq!(t.effective_n(), 1.0);
    }

    #[test]
    fn missing_weights_are_ignored_for_missing_answers() {
        let t = Tally::from_answers(Scale::NPS, &[f64::NAN, 9.0], Some(&[f64::NAN, 2.0]), "NPS")
            .unwrap();
        assert_eq!((t.n(), t.missing(), t.total_weight()), (1, 1, 2.0));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let t =
            Tally::from_answers(Scale::NPS, &[1, 9, 10], Some(&[1.0, 2.0, 0.5]), "NPS").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Tally>(&json).unwrap(), t);
        let bad =
            r#"{"scale":{"min":0,"max":10},"counts":[1],"weights":null,"sum_w2":0,"missing":0}"#;
        assert!(serde_json::from_str::<Tally>(bad).is_err());
    }

    #[test]
    fn first_weighted_push_after_unweighted_ones() {
        let mut t = Tally::new(Scale::NPS);
        t.push(10).unwrap();
        t.push_weighted(3, 2.0).unwrap();
        assert_eq!(t.total_weight(), 3.0);
        assert_eq!(t.effective_n(), 9.0 / 5.0);
        let mut fresh = Tally::new(Scale::NPS);
        fresh.push_weighted(3, 2.0).unwrap();
        assert_eq!(fresh.total_weight(), 2.0);
    }

    fn answers() -> impl Strategy<Value = Vec<Option<u8>>> {
        prop::collection::vec(prop::option::weighted(0.9, 0u8..=10), 0..200)
    }

    proptest! {
        #[test]
        fn merge_of_shards_equals_the_whole(all in answers(), cuts in prop::collection::vec(0usize..200, 0..6)) {
            let whole = Tally::from_answers(Scale::NPS, &all, None, "NPS").unwrap();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(all.len())).collect();
            cuts.push(0);
            cuts.push(all.len());
            cuts.sort_unstable();
            let mut merged = Tally::new(Scale::NPS);
            // merge in reverse order: order must not matter
            for w in cuts.windows(2).rev() {
                let shard = Tally::from_answers(Scale::NPS, &all[w[0]..w[1]], None, "NPS").unwrap();
                merged.merge(&shard).unwrap();
            }
            prop_assert_eq!(merged, whole);
        }

        #[test]
        fn weighted_merge_matches_whole(all in answers(), cut in 0usize..200, seed in 0u64..1000) {
            let weights: Vec<f64> = (0..all.len()).map(|i| ((i as u64 * 31 + seed) % 7) as f64 * 0.5).collect();
            let cut = cut.min(all.len());
            let whole = Tally::from_answers(Scale::NPS, &all, Some(&weights), "NPS").unwrap();
            let mut a = Tally::from_answers(Scale::NPS, &all[..cut], Some(&weights[..cut]), "NPS").unwrap();
            let b = Tally::from_answers(Scale::NPS, &all[cut..], Some(&weights[cut..]), "NPS").unwrap();
            a.merge(&b).unwrap();
            prop_assert_eq!(a.counts(), whole.counts());
            prop_assert_eq!(a.missing(), whole.missing());
            // halves of small integers: float sums are exact here
            prop_assert_eq!(a.total_weight(), whole.total_weight());
            prop_assert_eq!(a.effective_n(), whole.effective_n());
        }

        #[test]
        fn without_undoes_merge(a in answers(), b in answers(), weighted in any::<bool>()) {
            let ta = Tally::from_answers(Scale::NPS, &a, None, "NPS").unwrap();
            if weighted {
                // mixed: an unweighted whole minus a weighted part, and back
                let wb: Vec<f64> = b.iter().map(|_| 2.0).collect();
                let tb = Tally::from_answers(Scale::NPS, &b, Some(&wb), "NPS").unwrap();
                let mut both = ta.clone();
                both.merge(&tb).unwrap();
                prop_assert_eq!(both.total_weight(), ta.total_weight() + tb.total_weight());
                let rest = both.without(&tb).unwrap();
                prop_assert_eq!(rest.counts(), ta.counts());
                prop_assert_eq!(rest.total_weight(), ta.total_weight());
                prop_assert_eq!(rest.effective_n(), ta.effective_n());
                return Ok(());
            }
            let tb = Tally::from_answers(Scale::NPS, &b, None, "NPS").unwrap();
            let mut both = ta.clone();
            both.merge(&tb).unwrap();
            prop_assert_eq!(both.without(&tb).unwrap(), ta);
        }

        #[test]
        fn push_equals_bulk(all in answers()) {
            let bulk = Tally::from_answers(Scale::NPS, &all, None, "NPS").unwrap();
            let mut pushed = Tally::new(Scale::NPS);
            for a in &all {
                pushed.push(*a).unwrap();
            }
            prop_assert_eq!(pushed, bulk);
        }
    }
}
