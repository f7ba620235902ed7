use super::stats::z_for_confidence;
use super::{Answer, Scale, SurveyError, Tally};
use crate::error::Result;

/// Options of [`csat`]: the scale, the lowest "satisfied" answer and the
/// confidence level. The default is top-2-box on 1–5 (4 and 5 are satisfied).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CsatOptions {
    /// The answer scale. Default 1–5.
    pub scale: Scale,
    /// Answers at or above this are "satisfied". Default 4.
    pub threshold: i32,
    /// Confidence level of the Wilson interval. Default 0.95.
    pub confidence: f64,
}

impl Default for CsatOptions {
    fn default() -> Self {
        CsatOptions {
            scale: Scale { min: 1, max: 5 },
            threshold: 4,
            confidence: 0.95,
        }
    }
}

impl CsatOptions {
    /// Top-`box_size`-box options on the scale 1..=`points`: `top_box(5, 2)`
    /// is the default, `top_box(10, 3)` counts 8, 9 and 10.
    pub fn top_box(points: i32, box_size: i32) -> Result<CsatOptions> {
        let scale = Scale::new(1, points)?;
        let o = CsatOptions {
            scale,
            threshold: points - box_size + 1,
            confidence: 0.95,
        };
        o.check()?;
        Ok(o)
    }

    fn check(&self) -> Result<(), SurveyError> {
        Scale::new(self.scale.min, self.scale.max)?;
        if self.threshold <= self.scale.min || self.threshold > self.scale.max {
            return Err(SurveyError::InvalidScale(format!(
                "threshold {} on scale {}; expected a threshold above {} and at most {}",
                self.threshold, self.scale, self.scale.min, self.scale.max
            )));
        }
        Ok(())
    }
}

/// A CSAT result: the (weighted) percentage of satisfied answers with a
/// Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Csat {
    /// Percentage of satisfied answers (0–100).
    pub csat: f64,
    /// Lower end of the Wilson interval, in percent.
    pub low: f64,
    /// Upper end of the Wilson interval, in percent.
    pub high: f64,
    /// Number of satisfied answers.
    pub satisfied: u64,
    /// Present answers.
    pub n: u64,
    /// Missing answers.
    pub missing: u64,
    /// (Weighted) mean answer.
    pub mean: f64,
    /// Kish effective sample size; equals `n` without weights.
    pub effective_n: f64,
    /// Confidence level of the interval.
    pub confidence: f64,
}

/// The Wilson score interval of a proportion `p` observed over `n` (possibly
/// effective) answers.
fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((center - half).max(0.0), (center + half).min(1.0))
}

fn no_answers(metric: &'static str, tally: &Tally) -> SurveyError {
    SurveyError::NoAnswers {
        metric,
        missing: tally.missing(),
        total_weight: tally.total_weight(),
    }
}

impl Csat {
    /// Computes CSAT from a tally on `options.scale`.
    pub fn from_tally(tally: &Tally, options: &CsatOptions) -> Result<Csat> {
        options.check()?;
        if tally.scale() != options.scale {
            return Err(SurveyError::Incompatible {
                left: options.scale,
                right: tally.scale(),
            }
            .into());
        }
        let z = z_for_confidence(options.confidence)?;
        let total = tally.total_weight();
        let n_eff = tally.effective_n();
        let Some((mean, _)) = tally.mean_and_variance().filter(|_| n_eff > 0.0) else {
            return Err(no_answers("CSAT", tally).into());
        };
        // a partial sum of weights can round above the total
        let p =
            (tally.weight_between(options.threshold, options.scale.max) / total).clamp(0.0, 1.0);
        let (low, high) = wilson(p, n_eff, z);
        Ok(Csat {
            csat: 100.0 * p,
            low: 100.0 * low,
            high: 100.0 * high,
            satisfied: tally.count_between(options.threshold, options.scale.max),
            n: tally.n(),
            missing: tally.missing(),
            mean,
            effective_n: n_eff,
            confidence: options.confidence,
        })
    }
}

/// CSAT of answers; `NaN`/`None` are missing.
///
/// ```
/// use crmkit::survey::{csat, CsatOptions};
/// let r = csat(&[5, 4, 3, 1], &CsatOptions::default()).unwrap();
/// assert_eq!(r.csat, 50.0);
/// assert_eq!(r.satisfied, 2);
/// ```
pub fn csat<A: Answer>(scores: &[A], options: &CsatOptions) -> Result<Csat> {
    options.check()?;
    Csat::from_tally(
        &Tally::from_answers(options.scale, scores, None, "CSAT")?,
        options,
    )
}

/// Weighted CSAT; the interval uses the Kish effective sample size.
pub fn csat_weighted<A: Answer>(
    scores: &[A],
    weights: &[f64],
    options: &CsatOptions,
) -> Result<Csat> {
    options.check()?;
    Csat::from_tally(
        &Tally::from_answers(options.scale, scores, Some(weights), "CSAT")?,
        options,
    )
}

/// CSAT of a frequency table: `counts[i]` answers of value `scale.min + i`.
///
/// ```
/// use crmkit::survey::{csat_from_counts, CsatOptions};
/// // answers 1..=5 counted 14, 9, 10, 32, 42
/// let r = csat_from_counts(&[14, 9, 10, 32, 42], &CsatOptions::default()).unwrap();
/// assert!((r.csat - 69.1589).abs() < 1e-4);
/// assert!((r.low - 59.87).abs() < 0.005 && (r.high - 77.12).abs() < 0.005);
/// ```
pub fn csat_from_counts(counts: &[u64], options: &CsatOptions) -> Result<Csat> {
    options.check()?;
    let tally = tally_from_counts(options.scale, counts)?;
    Csat::from_tally(&tally, options)
}

fn tally_from_counts(scale: Scale, counts: &[u64]) -> Result<Tally> {
    if counts.len() != scale.levels() {
        return Err(crate::Error::invalid_argument(
            "counts",
            format!(
                "one count per level of scale {scale} ({} counts), got {}",
                scale.levels(),
                counts.len()
            ),
        ));
    }
    let mut tally = Tally::new(scale);
    for (i, &c) in counts.iter().enumerate() {
        tally.add_count(scale.min + i as i32, c)?;
    }
    Ok(tally)
}

/// Options of [`ces`]: the scale (default 1–7, higher = easier) and the
/// lowest "easy" answer (default 5).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CesOptions {
    /// The answer scale. Default 1–7.
    pub scale: Scale,
    /// Answers at or above this count as "easy". Default 5.
    pub easy_threshold: i32,
    /// Answers at or below this count as "difficult". Default 3.
    pub difficult_threshold: i32,
    /// Confidence level of the interval of the mean. Default 0.95.
    pub confidence: f64,
}

impl Default for CesOptions {
    fn default() -> Self {
        CesOptions {
            scale: Scale { min: 1, max: 7 },
            easy_threshold: 5,
            difficult_threshold: 3,
            confidence: 0.95,
        }
    }
}

impl CesOptions {
    fn check(&self) -> Result<(), SurveyError> {
        Scale::new(self.scale.min, self.scale.max)?;
        let s = self.scale;
        let ok = s.min <= self.difficult_threshold
            && self.difficult_threshold < self.easy_threshold
            && self.easy_threshold <= s.max;
        if !ok {
            return Err(SurveyError::InvalidScale(format!(
                "difficult_threshold {} and easy_threshold {} on scale {s}; expected \
                 min <= difficult < easy <= max",
                self.difficult_threshold, self.easy_threshold
            )));
        }
        Ok(())
    }
}

/// A Customer Effort Score: the mean answer with a normal-approximation
/// interval, and the shares of easy and difficult answers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ces {
    /// (Weighted) mean answer.
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
    /// Lower end of the interval of the mean.
    pub low: f64,
    /// Upper end of the interval of the mean.
    pub high: f64,
    /// Percentage of easy answers (0–100).
    pub easy_percent: f64,
    /// Percentage of difficult answers (0–100).
    pub difficult_percent: f64,
    /// Present answers.
    pub n: u64,
    /// Missing answers.
    pub missing: u64,
    /// Kish effective sample size.
    pub effective_n: f64,
    /// Confidence level of the interval.
    pub confidence: f64,
}

impl Ces {
    /// Computes CES from a tally on `options.scale`.
    pub fn from_tally(tally: &Tally, options: &CesOptions) -> Result<Ces> {
        options.check()?;
        if tally.scale() != options.scale {
            return Err(SurveyError::Incompatible {
                left: options.scale,
                right: tally.scale(),
            }
            .into());
        }
        let z = z_for_confidence(options.confidence)?;
        let n_eff = tally.effective_n();
        let Some((mean, var)) = tally.mean_and_variance().filter(|_| n_eff > 0.0) else {
            return Err(no_answers("CES", tally).into());
        };
        let total = tally.total_weight();
        // sample variance: Bessel's correction with the effective n
        let sample_var = if n_eff > 1.0 {
            var * n_eff / (n_eff - 1.0)
        } else {
            0.0
        };
        let se = (sample_var / n_eff).sqrt();
        let s = options.scale;
        Ok(Ces {
            mean,
            se,
            low: (mean - z * se).max(f64::from(s.min)),
            high: (mean + z * se).min(f64::from(s.max)),
            easy_percent: (100.0 * (tally.weight_between(options.easy_threshold, s.max) / total))
                .clamp(0.0, 100.0),
            difficult_percent: (100.0
                * (tally.weight_between(s.min, options.difficult_threshold) / total))
                .clamp(0.0, 100.0),
            n: tally.n(),
            missing: tally.missing(),
            effective_n: n_eff,
            confidence: options.confidence,
        })
    }
}

/// CES of answers; `NaN`/`None` are missing.
///
/// ```
/// use crmkit::survey::{ces, CesOptions};
/// let r = ces(&[7, 6, 5, 2], &CesOptions::default()).unwrap();
/// assert_eq!(r.mean, 5.0);
/// assert_eq!(r.easy_percent, 75.0);
/// assert_eq!(r.difficult_percent, 25.0);
/// ```
pub fn ces<A: Answer>(scores: &[A], options: &CesOptions) -> Result<Ces> {
    options.check()?;
    Ces::from_tally(
        &Tally::from_answers(options.scale, scores, None, "CES")?,
        options,
    )
}

/// Weighted CES.
pub fn ces_weighted<A: Answer>(scores: &[A], weights: &[f64], options: &CesOptions) -> Result<Ces> {
    options.check()?;
    Ces::from_tally(
        &Tally::from_answers(options.scale, scores, Some(weights), "CES")?,
        options,
    )
}

/// One face (or label) of a happiness scale and the value it stands for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HappinessLevel {
    /// The label shown to the customer, e.g. `"😀"` or `"very happy"`.
    pub label: String,
    /// The value of this level, on any numeric scale (0–100 by default).
    pub value: f64,
    /// Whether this level counts as a positive answer.
    pub positive: bool,
}

/// A configurable smiley/happiness scale. Answers are level indices
/// (0 = the first level).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HappinessScale {
    /// The levels, from least to most happy.
    pub levels: Vec<HappinessLevel>,
}

impl Default for HappinessScale {
    /// Five faces valued 0, 25, 50, 75 and 100; the two happiest are positive.
    fn default() -> Self {
        let faces = [
            ("very unhappy", 0.0, false),
            ("unhappy", 25.0, false),
            ("neutral", 50.0, false),
            ("happy", 75.0, true),
            ("very happy", 100.0, true),
        ];
        HappinessScale {
            levels: faces
                .iter()
                .map(|&(label, value, positive)| HappinessLevel {
                    label: label.to_owned(),
                    value,
                    positive,
                })
                .collect(),
        }
    }
}

impl HappinessScale {
    /// The index of the level labelled `label` (exact match).
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.label == label)
    }

    fn scale(&self) -> Result<Scale, SurveyError> {
        if self.levels.iter().any(|l| !l.value.is_finite()) {
            return Err(SurveyError::InvalidScale(
                "every happiness level needs a finite value".into(),
            ));
        }
        let top = i32::try_from(self.levels.len()).unwrap_or(i32::MAX) - 1;
        Scale::new(0, top)
    }
}

/// A happiness score: the (weighted) mean level value and the share of
/// positive answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Happiness {
    /// Mean value of the answered levels.
    pub score: f64,
    /// Percentage of answers on positive levels.
    pub positive_percent: f64,
    /// Answer count per level.
    pub counts: Vec<u64>,
    /// Present answers.
    pub n: u64,
    /// Missing answers.
    pub missing: u64,
}

/// Scores answers given as level indices on `scale`.
///
/// ```
/// use crmkit::survey::{happiness, HappinessScale};
/// let r = happiness(&[4, 3, 0, 4], &HappinessScale::default()).unwrap();
/// assert_eq!(r.score, 68.75);
/// assert_eq!(r.positive_percent, 75.0);
/// ```
pub fn happiness<A: Answer>(answers: &[A], scale: &HappinessScale) -> Result<Happiness> {
    let tally = Tally::from_answers(scale.scale()?, answers, None, "the happiness scale")?;
    if tally.n() == 0 {
        return Err(no_answers("happiness", &tally).into());
    }
    let n = tally.n() as f64;
    let (mut sum, mut positive) = (0.0, 0u64);
    for (level, &count) in scale.levels.iter().zip(tally.counts()) {
        sum += level.value * count as f64;
        if level.positive {
            positive += count;
        }
    }
    Ok(Happiness {
        score: sum / n,
        positive_percent: 100.0 * positive as f64 / n,
        counts: tally.counts().to_vec(),
        n: tally.n(),
        missing: tally.missing(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn csat_reference() {
        let mut scores = Vec::new();
        for (value, count) in [(5, 42), (4, 32), (3, 10), (2, 9), (1, 14)] {
            scores.extend(std::iter::repeat_n(value, count));
        }
        let r = csat(&scores, &CsatOptions::default()).unwrap();
        assert!((r.csat - 69.1589).abs() < 5e-5);
        assert!((r.low - 59.87).abs() < 0.005, "{}", r.low);
        assert!((r.high - 77.12).abs() < 0.005, "{}", r.high);
        assert_eq!((r.n, r.satisfied), (107, 74));
    }

    #[test]
    fn csat_options() {
        let o = CsatOptions::top_box(10, 3).unwrap();
        assert_eq!(o.threshold, 8);
        let r = csat(&[10, 8, 7, 1], &o).unwrap();
        assert_eq!(r.csat, 50.0);
        let e = csat(&[0], &CsatOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("CSAT expects a whole number from 1 to 5"),
            "{e}"
        );
        let bad = CsatOptions {
            threshold: 6,
            ..CsatOptions::default()
        };
        assert_eq!(
            csat(&[5], &bad).unwrap_err().code(),
            ErrorCode::SurveyInvalidScale
        );
        assert!(csat_from_counts(&[1, 2], &CsatOptions::default()).is_err());
    }

    #[test]
    fn ces_interval() {
        let r = ces(&[1, 7], &CesOptions::default()).unwrap();
        assert_eq!(r.mean, 4.0);
        // sample sd of {1, 7} is √18; se = √18/√2 = 3
        assert!((r.se - 3.0).abs() < 1e-12);
        assert_eq!(r.low, 1.0);
        assert_eq!(r.high, 7.0);
        assert_eq!(
            ces::<u8>(&[], &CesOptions::default()).unwrap_err().code(),
            ErrorCode::SurveyNoAnswers
        );
    }

    #[test]
    fn happiness_errors() {
        let e = happiness(&[5], &HappinessScale::default()).unwrap_err();
        assert!(e.to_string().contains("index 0"));
        let one = HappinessScale {
            levels: vec![HappinessLevel {
                label: "ok".into(),
                value: 1.0,
                positive: true,
            }],
        };
        assert_eq!(
            happiness(&[0], &one).unwrap_err().code(),
            ErrorCode::SurveyInvalidScale
        );
        assert_eq!(HappinessScale::default().index_of("happy"), Some(3));
    }
}
