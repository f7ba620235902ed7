use super::stats::{two_sided_p, z_for_confidence};
use super::{Answer, Scale, SurveyError, Tally};
use crate::error::{Error, Result};

/// How the confidence interval of an NPS is computed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// NPS ± z·SE.
    #[default]
    Wald,
    /// Adds ¾ of an answer to the promoters and to the detractors and 3 to n
    /// before the Wald computation; better coverage for small samples and
    /// extreme scores.
    AdjustedWald,
}

impl IntervalMethod {
    /// Parses `"wald"` or `"adjusted_wald"` (also `"adjusted-wald"`).
    pub fn parse(s: &str) -> Result<IntervalMethod> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "wald" => Ok(IntervalMethod::Wald),
            "adjusted_wald" => Ok(IntervalMethod::AdjustedWald),
            _ => Err(Error::invalid_argument(
                "method",
                format!("\"wald\" or \"adjusted_wald\", got {s:?}"),
            )),
        }
    }

    /// The method's snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalMethod::Wald => "wald",
            IntervalMethod::AdjustedWald => "adjusted_wald",
        }
    }
}

/// Options of [`nps`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct NpsOptions {
    /// Confidence level of the interval, strictly between 0 and 1. Default 0.95.
    pub confidence: f64,
    /// Interval method. Default [`IntervalMethod::Wald`].
    pub method: IntervalMethod,
}

impl Default for NpsOptions {
    fn default() -> Self {
        NpsOptions {
            confidence: 0.95,
            method: IntervalMethod::Wald,
        }
    }
}

/// A Net Promoter Score with its uncertainty.
///
/// Shares and `variance` are fractions (0–1); `nps`, `se`, `low` and `high`
/// are in NPS points (−100 to 100). With weights, shares, NPS and variance
/// are weighted and the standard error uses the Kish effective sample size;
/// the counts stay raw counts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Nps {
    /// 100 · (share of promoters − share of detractors).
    pub nps: f64,
    /// Standard error, in points: 100 · √(variance / effective_n).
    pub se: f64,
    /// Lower end of the confidence interval, clamped to −100.
    pub low: f64,
    /// Upper end of the confidence interval, clamped to 100.
    pub high: f64,
    /// Answers from 9 to 10.
    pub promoters: u64,
    /// Answers from 7 to 8.
    pub passives: u64,
    /// Answers from 0 to 6.
    pub detractors: u64,
    /// Present answers.
    pub n: u64,
    /// Missing answers (counted apart, not in `n`).
    pub missing: u64,
    /// (Weighted) share of promoters.
    pub promoter_share: f64,
    /// (Weighted) share of passives.
    pub passive_share: f64,
    /// (Weighted) share of detractors.
    pub detractor_share: f64,
    /// Per-answer variance p_P + p_D − (p_P − p_D)².
    pub variance: f64,
    /// Kish effective sample size (Σw)²/Σw²; equals `n` without weights.
    pub effective_n: f64,
    /// Confidence level of `low`/`high`.
    pub confidence: f64,
    /// Interval method of `low`/`high`.
    pub method: IntervalMethod,
}

impl Nps {
    /// Computes the NPS of a tally on the 0–10 scale.
    ///
    /// Errors: a tally on another scale, a bad confidence level, or no answers.
    pub fn from_tally(tally: &Tally, options: &NpsOptions) -> Result<Nps> {
        if tally.scale() != Scale::NPS {
            return Err(SurveyError::InvalidScale(format!(
                "NPS needs a tally on the 0..=10 scale, got {}",
                tally.scale()
            ))
            .into());
        }
        let z = z_for_confidence(options.confidence)?;
        let total = tally.total_weight();
        let n_eff = tally.effective_n();
        if tally.n() == 0 || total <= 0.0 || n_eff <= 0.0 {
            return Err(SurveyError::NoAnswers {
                metric: "NPS",
                missing: tally.missing(),
                total_weight: total,
            }
            .into());
        }
        let wp = tally.weight_between(9, 10);
        let wpa = tally.weight_between(7, 8);
        let wd = tally.weight_between(0, 6);
        let (pp, pd) = (wp / total, wd / total);
        let variance = nps_variance(pp, pd);
        let se = (variance / n_eff).sqrt();
        let (center, half) = match options.method {
            IntervalMethod::Wald => (pp - pd, z * se),
            IntervalMethod::AdjustedWald => {
                let n_adj = n_eff + 3.0;
                let pp_adj = (pp * n_eff + 0.75) / n_adj;
                let pd_adj = (pd * n_eff + 0.75) / n_adj;
                let var_adj = nps_variance(pp_adj, pd_adj);
                (pp_adj - pd_adj, z * (var_adj / n_adj).sqrt())
            }
        };
        Ok(Nps {
            // (P − D)/n rather than P/n − D/n: exact for whole counts; the
            // clamp only absorbs rounding of extreme weights
            nps: (100.0 * ((wp - wd) / total)).clamp(-100.0, 100.0),
            se: 100.0 * se,
            low: (100.0 * (center - half)).max(-100.0),
            high: (100.0 * (center + half)).min(100.0),
            promoters: tally.count_between(9, 10),
            passives: tally.count_between(7, 8),
            detractors: tally.count_between(0, 6),
            n: tally.n(),
            missing: tally.missing(),
            promoter_share: pp,
            passive_share: wpa / total,
            detractor_share: pd,
            variance,
            effective_n: n_eff,
            confidence: options.confidence,
            method: options.method,
        })
    }
}

fn nps_variance(pp: f64, pd: f64) -> f64 {
    // never negative in exact arithmetic; clamp rounding residue
    (pp + pd - (pp - pd).powi(2)).max(0.0)
}

/// The NPS of answers on the 0–10 scale; `NaN`/`None` answers are missing.
///
/// Errors: an answer that is not a whole number from 0 to 10 (naming its
/// index), a bad confidence level, or no present answer.
///
/// ```
/// use crmkit::survey::{nps, NpsOptions};
/// let r = nps(&[Some(10), Some(9), Some(6), None], &NpsOptions::default()).unwrap();
/// assert_eq!((r.n, r.missing, r.promoters, r.detractors), (3, 1, 2, 1));
/// assert!((r.nps - 100.0 / 3.0).abs() < 1e-12);
/// ```
pub fn nps<A: Answer>(scores: &[A], options: &NpsOptions) -> Result<Nps> {
    Nps::from_tally(
        &Tally::from_answers(Scale::NPS, scores, None, "NPS")?,
        options,
    )
}

/// The weighted NPS: each answer counts with its weight (0, or from 1e-100 to 1e100); the
/// standard error uses the Kish effective sample size.
///
/// ```
/// use crmkit::survey::{nps_weighted, NpsOptions};
/// let r = nps_weighted(&[10, 0], &[3.0, 1.0], &NpsOptions::default()).unwrap();
/// assert_eq!(r.nps, 50.0);
/// assert!((r.effective_n - 1.6).abs() < 1e-12); // 4² / (9 + 1)
/// ```
pub fn nps_weighted<A: Answer>(scores: &[A], weights: &[f64], options: &NpsOptions) -> Result<Nps> {
    Nps::from_tally(
        &Tally::from_answers(Scale::NPS, scores, Some(weights), "NPS")?,
        options,
    )
}

/// The NPS of a frequency table: `promoters`, `passives` and `detractors` counts.
///
/// ```
/// use crmkit::survey::{nps_from_counts, NpsOptions};
/// let r = nps_from_counts(50, 30, 20, &NpsOptions::default()).unwrap();
/// assert_eq!(r.nps, 30.0);
/// ```
pub fn nps_from_counts(
    promoters: u64,
    passives: u64,
    detractors: u64,
    options: &NpsOptions,
) -> Result<Nps> {
    let mut tally = Tally::new(Scale::NPS);
    tally.add_count(10, promoters)?;
    tally.add_count(8, passives)?;
    tally.add_count(0, detractors)?;
    Nps::from_tally(&tally, options)
}

/// The difference between two NPS results and its two-sided z-test
/// (independent samples).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NpsDiff {
    /// `a.nps − b.nps`, in points.
    pub difference: f64,
    /// Standard error of the difference, in points: √(V₁/n₁ + V₂/n₂).
    pub se: f64,
    /// The test statistic difference / se.
    pub z: f64,
    /// Two-sided p-value of "no difference".
    pub p_value: f64,
    /// Lower end of the confidence interval of the difference.
    pub low: f64,
    /// Upper end of the confidence interval of the difference.
    pub high: f64,
    /// Confidence level of `low`/`high`.
    pub confidence: f64,
}

/// Tests whether two NPS values differ (two periods, two segments).
///
/// When both standard errors are zero (e.g. every answer a promoter on both
/// sides), `z` is ±infinity with `p_value` 0 if the scores differ, and 0 with
/// `p_value` 1 if they are equal.
///
/// ```
/// use crmkit::survey::{nps_diff, nps_from_counts, NpsOptions};
/// let o = NpsOptions::default();
/// let d = nps_diff(&nps_from_counts(50, 30, 20, &o).unwrap(),
///                  &nps_from_counts(40, 30, 30, &o).unwrap(), 0.95).unwrap();
/// assert!((d.difference - 20.0).abs() < 1e-9);
/// assert!((d.p_value - 0.0794).abs() < 1e-4);
/// ```
pub fn nps_diff(a: &Nps, b: &Nps, confidence: f64) -> Result<NpsDiff> {
    let z_crit = z_for_confidence(confidence)?;
    let difference = a.nps - b.nps;
    let se = 100.0 * (a.variance / a.effective_n + b.variance / b.effective_n).sqrt();
    let z = if se > 0.0 {
        difference / se
    } else if difference == 0.0 {
        0.0
    } else {
        difference.signum() * f64::INFINITY
    };
    Ok(NpsDiff {
        difference,
        se,
        z,
        p_value: two_sided_p(z),
        low: difference - z_crit * se,
        high: difference + z_crit * se,
        confidence,
    })
}

/// The weight of an answer `age` old under exponential decay with the given
/// half-life: 0.5^(age / half_life). Ages and half-life share one unit (days,
/// say); a negative age (an answer from the future) counts as age 0.
///
/// ```
/// assert_eq!(crmkit::survey::recency_weight(90.0, 90.0).unwrap(), 0.5);
/// ```
pub fn recency_weight(age: f64, half_life: f64) -> Result<f64> {
    if !(half_life.is_finite() && half_life > 0.0) {
        return Err(Error::invalid_argument(
            "half_life",
            format!("a finite number > 0, got {half_life}"),
        ));
    }
    if age.is_nan() {
        return Err(Error::invalid_argument("age", "a number, got NaN"));
    }
    Ok(0.5f64.powf(age.max(0.0) / half_life))
}

/// [`recency_weight`] for every age; the error names the offending index.
pub fn recency_weights(ages: &[f64], half_life: f64) -> Result<Vec<f64>> {
    ages.iter()
        .enumerate()
        .map(|(i, &age)| {
            recency_weight(age, half_life).map_err(|_| {
                Error::invalid_argument(
                    "ages",
                    format!("a number at index {i} (and a half-life > 0), got {age}"),
                )
            })
        })
        .collect()
}

/// The number of answers needed for an NPS margin of error of `margin` points
/// at `confidence`: n = z²·Var / (margin/100)². `variance` is the expected
/// per-answer variance (from a previous [`Nps::variance`]); `None` uses the
/// worst case 1.0.
///
/// ```
/// use crmkit::survey::nps_sample_size;
/// assert_eq!(nps_sample_size(5.0, 0.95, None).unwrap(), 1537);
/// assert_eq!(nps_sample_size(5.0, 0.95, Some(0.61)).unwrap(), 938);
/// ```
pub fn nps_sample_size(margin: f64, confidence: f64, variance: Option<f64>) -> Result<u64> {
    if !(margin.is_finite() && margin > 0.0 && margin <= 200.0) {
        return Err(Error::invalid_argument(
            "margin",
            format!("a margin of error in NPS points, > 0 and <= 200, got {margin}"),
        ));
    }
    let variance = variance.unwrap_or(1.0);
    if !(variance.is_finite() && (0.0..=1.0).contains(&variance)) {
        return Err(Error::invalid_argument(
            "variance",
            format!("a per-answer NPS variance from 0 to 1, got {variance}"),
        ));
    }
    let z = z_for_confidence(confidence)?;
    let m = margin / 100.0;
    Ok((z * z * variance / (m * m)).ceil() as u64)
}

/// A streaming NPS accumulator: push answers one by one (optionally
/// weighted), merge accumulators from shards, and finish into an [`Nps`].
///
/// ```
/// use crmkit::survey::{NpsAccumulator, NpsOptions};
/// let mut web = NpsAccumulator::new();
/// web.push(10).unwrap();
/// web.push(None::<u8>).unwrap();
/// let mut app = NpsAccumulator::new();
/// app.push_weighted(3, 2.0).unwrap();
/// web.merge(&app).unwrap();
/// let r = web.finish(&NpsOptions::default()).unwrap();
/// assert_eq!((r.n, r.missing), (2, 1));
/// assert!((r.nps - (100.0 - 200.0) / 3.0).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NpsAccumulator {
    tally: Tally,
}

impl Default for NpsAccumulator {
    fn default() -> Self {
        NpsAccumulator::new()
    }
}

impl NpsAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        NpsAccumulator {
            tally: Tally::new(Scale::NPS),
        }
    }

    /// Adds one answer with weight 1.
    pub fn push<A: Answer>(&mut self, answer: A) -> Result<(), SurveyError> {
        self.tally.push(answer).map_err(rename_metric)
    }

    /// Adds one answer with a weight.
    pub fn push_weighted<A: Answer>(&mut self, answer: A, weight: f64) -> Result<(), SurveyError> {
        self.tally
            .push_weighted(answer, weight)
            .map_err(rename_metric)
    }

    /// Adds every answer of another accumulator.
    pub fn merge(&mut self, other: &NpsAccumulator) -> Result<(), SurveyError> {
        self.tally.merge(&other.tally)
    }

    /// The underlying tally.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The NPS of everything pushed so far.
    pub fn finish(&self, options: &NpsOptions) -> Result<Nps> {
        Nps::from_tally(&self.tally, options)
    }
}

fn rename_metric(e: SurveyError) -> SurveyError {
    match e {
        SurveyError::OutOfRange {
            at,
            value,
            min,
            max,
            ..
        } => SurveyError::OutOfRange {
            at,
            value,
            metric: "NPS",
            min,
            max,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn reference_values() {
        let wald = nps_from_counts(50, 30, 20, &NpsOptions::default()).unwrap();
        assert_eq!(wald.nps, 30.0);
        assert!(close(wald.se, 7.8102, 5e-5));
        assert!(close(wald.low, 14.692, 5e-4) && close(wald.high, 45.308, 5e-4));
        let adj = nps_from_counts(
            50,
            30,
            20,
            &NpsOptions {
                method: IntervalMethod::AdjustedWald,
                ..NpsOptions::default()
            },
        )
        .unwrap();
        assert_eq!(adj.nps, 30.0);
        assert!(close(adj.low, 14.051, 5e-4) && close(adj.high, 44.201, 5e-4));

        let b = nps_from_counts(40, 30, 30, &NpsOptions::default()).unwrap();
        let d = nps_diff(&wald, &b, 0.95).unwrap();
        assert!(close(d.difference, 20.0, 1e-9));
        assert!(close(d.se, 11.402, 5e-4));
        assert!(close(d.z, 1.754, 5e-4));
        assert!(close(d.p_value, 0.0794, 5e-5));
    }

    #[test]
    fn intervals_are_clamped() {
        let all = nps_from_counts(3, 0, 0, &NpsOptions::default()).unwrap();
        assert_eq!(
            (all.nps, all.se, all.low, all.high),
            (100.0, 0.0, 100.0, 100.0)
        );
        let adj = nps_from_counts(
            3,
            0,
            0,
            &NpsOptions {
                method: IntervalMethod::AdjustedWald,
                confidence: 0.99,
            },
        )
        .unwrap();
        assert!(adj.high <= 100.0 && adj.low < 100.0);
    }

    #[test]
    fn errors_are_specific() {
        let o = NpsOptions::default();
        assert_eq!(
            nps::<f64>(&[], &o).unwrap_err().code(),
            ErrorCode::SurveyNoAnswers
        );
        assert_eq!(
            nps(&[f64::NAN], &o).unwrap_err().code(),
            ErrorCode::SurveyNoAnswers
        );
        let e = nps(&[5.0, 9.5], &o).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SurveyOutOfRange);
        assert!(e.to_string().contains("index 1"), "{e}");
        let e = nps(
            &[5],
            &NpsOptions {
                confidence: 95.0,
                ..o
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        let e = nps_weighted(&[5, 9], &[0.0, 0.0], &o).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SurveyNoAnswers);
        let mut acc = NpsAccumulator::new();
        acc.push(1).unwrap();
        let e = acc.push(12).unwrap_err();
        assert_eq!(
            e.to_string(),
            "answer at index 1 is 12; NPS expects a whole number from 0 to 10"
        );
    }

    #[test]
    fn weighting() {
        let o = NpsOptions::default();
        let unweighted = nps(&[10, 9, 5, 7], &o).unwrap();
        let ones = nps_weighted(&[10, 9, 5, 7], &[1.0; 4], &o).unwrap();
        assert_eq!(unweighted, ones);
        let w = nps_weighted(&[10, 0, 8], &[2.0, 1.0, 1.0], &o).unwrap();
        assert!(close(w.nps, 25.0, 1e-12));
        assert!(close(w.effective_n, 16.0 / 6.0, 1e-12));
        assert_eq!((w.promoters, w.passives, w.detractors), (1, 1, 1));
        let r = recency_weights(&[0.0, 30.0, 60.0, -5.0], 30.0).unwrap();
        assert_eq!(r, [1.0, 0.5, 0.25, 1.0]);
        assert!(
            recency_weights(&[f64::NAN], 30.0)
                .unwrap_err()
                .to_string()
                .contains("index 0")
        );
        assert!(recency_weight(1.0, 0.0).is_err());
    }

    #[test]
    fn sample_size() {
        assert_eq!(nps_sample_size(10.0, 0.95, None).unwrap(), 385);
        assert!(nps_sample_size(0.0, 0.95, None).is_err());
        assert!(nps_sample_size(5.0, 0.95, Some(1.5)).is_err());
    }

    #[test]
    fn identical_scores_difference() {
        let o = NpsOptions::default();
        let a = nps_from_counts(5, 0, 0, &o).unwrap();
        let d = nps_diff(&a, &a, 0.95).unwrap();
        assert_eq!((d.z, d.p_value), (0.0, 1.0));
        let b = nps_from_counts(0, 0, 5, &o).unwrap();
        let d = nps_diff(&a, &b, 0.95).unwrap();
        assert_eq!((d.z, d.p_value), (f64::INFINITY, 0.0));
    }

    proptest! {
        #[test]
        fn nps_is_bounded_and_inside_interval(
            scores in prop::collection::vec(prop::option::weighted(0.9, 0u8..=10), 1..300),
            conf in 0.5f64..0.999,
            adjusted in any::<bool>(),
        ) {
            let o = NpsOptions { confidence: conf, method: if adjusted { IntervalMethod::AdjustedWald } else { IntervalMethod::Wald } };
            match nps(&scores, &o) {
                Ok(r) => {
                    prop_assert!((-100.0..=100.0).contains(&r.nps));
                    prop_assert!(-100.0 <= r.low && r.low <= r.high && r.high <= 100.0);
                    prop_assert!(r.se >= 0.0);
                    prop_assert_eq!(r.promoters + r.passives + r.detractors, r.n);
                    prop_assert_eq!(r.n + r.missing, scores.len() as u64);
                    prop_assert!((r.promoter_share + r.passive_share + r.detractor_share - 1.0).abs() < 1e-12);
                    if !adjusted {
                        prop_assert!(r.low <= r.nps + 1e-9 && r.nps <= r.high + 1e-9);
                    }
                }
                Err(e) => prop_assert_eq!(e.code(), ErrorCode::SurveyNoAnswers),
            }
        }

        #[test]
        fn diff_is_antisymmetric(a in 0u64..50, b in 0u64..50, c in 1u64..50, d in 0u64..50, e in 0u64..50, f in 1u64..50) {
            let o = NpsOptions::default();
            let x = nps_from_counts(a, b, c, &o).unwrap();
            let y = nps_from_counts(d, e, f, &o).unwrap();
            let xy = nps_diff(&x, &y, 0.95).unwrap();
            let yx = nps_diff(&y, &x, 0.95).unwrap();
            prop_assert_eq!(xy.difference, -yx.difference);
            prop_assert_eq!(xy.p_value, yx.p_value);
            prop_assert!((0.0..=1.0).contains(&xy.p_value));
        }
    }
}
