use super::tally::{LANES, check_lengths};
use super::{Answer, Nps, NpsDiff, NpsOptions, Position, Scale, SurveyError, Tally, nps_diff};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// A group code: a small non-negative integer naming a segment.
/// Negative values are never valid codes.
pub trait GroupCode: Copy {
    /// The group index, or `None` for a negative code.
    fn group(self) -> Option<usize>;
    /// The code as a number, for error messages.
    fn describe(self) -> i128;
}

macro_rules! group_code {
    ($($t:ty),*) => {$(
        impl GroupCode for $t {
            #[inline]
            fn group(self) -> Option<usize> {
                usize::try_from(self).ok()
            }
            fn describe(self) -> i128 {
                self as i128
            }
        }
    )*};
}
group_code!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// One segment's result: its key, how many answers it had, and the metric
/// (`None` when every answer in the segment was missing).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Segment<K, R> {
    /// The segment key (channel, touchpoint, journey stage, period…).
    pub key: K,
    /// Present answers in the segment.
    pub n: u64,
    /// Missing answers in the segment.
    pub missing: u64,
    /// The metric, or `None` when the segment has no present answer.
    pub result: Option<R>,
}

/// Assigns every distinct key a dense code, in key order: returns the sorted
/// distinct keys and the code of each row.
///
/// ```
/// let (keys, codes) = crmkit::survey::group_codes(&["web", "app", "web"]);
/// assert_eq!(keys, ["app", "web"]);
/// assert_eq!(codes, [1, 0, 1]);
/// ```
pub fn group_codes<K: Ord + Clone>(keys: &[K]) -> (Vec<K>, Vec<u32>) {
    let mut index: BTreeMap<&K, u32> = BTreeMap::new();
    for k in keys {
        index.entry(k).or_insert(0);
    }
    for (code, slot) in index.values_mut().enumerate() {
        *slot = code as u32;
    }
    let codes = keys.iter().map(|k| index[k]).collect();
    (index.into_keys().cloned().collect(), codes)
}

/// Tallies answers per group: `codes[i]` (in `0..n_groups`) is the group of
/// answer `i`. One pass over the data; the building block of every
/// segmented metric.
///
/// Errors: a code outside `0..n_groups` or an answer off the scale (naming
/// its index), misaligned lengths.
pub fn tally_by_code<A: Answer, C: GroupCode>(
    scale: Scale,
    scores: &[A],
    codes: &[C],
    n_groups: usize,
    weights: Option<&[f64]>,
    metric: &'static str,
) -> Result<Vec<Tally>> {
    if scores.len() != codes.len() {
        return Err(crate::error::InputError::LengthMismatch {
            left: "scores",
            left_len: scores.len(),
            right: "codes",
            right_len: codes.len(),
        }
        .into());
    }
    if let Some(w) = weights {
        check_lengths(scores.len(), w.len())?;
    }
    let bad_code = |i: usize, c: i128| {
        Error::invalid_argument(
            "codes",
            format!(
                "a group code from 0 to {} at index {i}, got {c}",
                n_groups as i128 - 1
            ),
        )
    };
    if weights.is_some() {
        // the weighted path is rarer; reuse the per-answer checks of Tally
        let mut tallies = vec![Tally::new(scale); n_groups];
        let w = weights.unwrap_or_default();
        for (i, ((a, c), &wi)) in scores.iter().zip(codes).zip(w).enumerate() {
            let t = c
                .group()
                .and_then(|g| tallies.get_mut(g))
                .ok_or_else(|| bad_code(i, c.describe()))?;
            push_at(t, i, *a, Some(wi), scale, metric)?;
        }
        return Ok(tallies);
    }
    let levels = scale.levels();
    // one row per group with a trailing slot for missing answers, in LANES
    // interleaved copies so that repeated increments do not wait on each other
    let stride = n_groups * (levels + 1);
    let mut lanes = vec![0u64; LANES * stride];
    for (i, (a, c)) in scores.iter().zip(codes).enumerate() {
        let g = match c.group() {
            Some(g) if g < n_groups => g,
            _ => return Err(bad_code(i, c.describe())),
        };
        let slot = match a.value() {
            None => levels,
            Some(v) => match scale.level_of(v) {
                Some(level) => level,
                None => {
                    return Err(SurveyError::OutOfRange {
                        at: Position::Index(i),
                        value: v,
                        metric,
                        min: scale.min,
                        max: scale.max,
                    }
                    .into());
                }
            },
        };
        lanes[(i % LANES) * stride + g * (levels + 1) + slot] += 1;
    }
    if n_groups == 0 {
        // no groups means no rows got past the code check above; the
        // zero-width rows below could not be split into chunks
        return Ok(Vec::new());
    }
    let mut counts = vec![0u64; stride];
    for lane in lanes.chunks_exact(stride) {
        for (c, l) in counts.iter_mut().zip(lane) {
            *c += l;
        }
    }
    let mut tallies = Vec::with_capacity(n_groups);
    for row in counts.chunks_exact(levels + 1) {
        let mut t = Tally::new(scale);
        for (level, &count) in row[..levels].iter().enumerate() {
            t.add_count(scale.min + level as i32, count)?;
        }
        t.add_missing(row[levels]);
        tallies.push(t);
    }
    Ok(tallies)
}

/// [`tally_by_code`] on up to `workers` threads (0: as many as the machine
/// has). Inputs under a million answers are tallied on the calling thread.
/// The result is the same as [`tally_by_code`]'s, errors included: on any
/// error the input is re-read in order so that the first offending index is
/// the one reported.
pub fn tally_by_code_parallel<A: Answer + Sync, C: GroupCode + Sync>(
    scale: Scale,
    scores: &[A],
    codes: &[C],
    n_groups: usize,
    weights: Option<&[f64]>,
    metric: &'static str,
    workers: usize,
) -> Result<Vec<Tally>> {
    const MIN_PER_WORKER: usize = 1 << 20;
    let workers = if workers == 0 {
        std::thread::available_parallelism().map_or(1, usize::from)
    } else {
        workers
    };
    let workers = workers.min(scores.len() / MIN_PER_WORKER).max(1);
    let aligned = scores.len() == codes.len() && weights.is_none_or(|w| w.len() == scores.len());
    if workers == 1 || !aligned {
        return tally_by_code(scale, scores, codes, n_groups, weights, metric);
    }
    let chunk = scores.len().div_ceil(workers);
    let parts: Vec<Result<Vec<Tally>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
                let range = k * chunk..((k + 1) * chunk).min(scores.len());
                let (s, c) = (&scores[range.clone()], &codes[range.clone()]);
                let w = weights.map(|w| &w[range]);
                scope.spawn(move || tally_by_code(scale, s, c, n_groups, w, metric))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut total: Option<Vec<Tally>> = None;
    for part in parts {
        let Ok(part) = part else {
            return tally_by_code(scale, scores, codes, n_groups, weights, metric);
        };
        match total.as_mut() {
            None => total = Some(part),
            Some(t) => {
                for (a, b) in t.iter_mut().zip(&part) {
                    a.merge(b)?;
                }
            }
        }
    }
    Ok(total.unwrap_or_default())
}

fn push_at<A: Answer>(
    t: &mut Tally,
    i: usize,
    a: A,
    weight: Option<f64>,
    scale: Scale,
    metric: &'static str,
) -> Result<(), SurveyError> {
    // position errors must name the row in the whole input, not in the group
    let relocate = |e: SurveyError| match e {
        SurveyError::OutOfRange { value, .. } => SurveyError::OutOfRange {
            at: Position::Index(i),
            value,
            metric,
            min: scale.min,
            max: scale.max,
        },
        SurveyError::InvalidWeight { weight, .. } => SurveyError::InvalidWeight {
            at: Position::Index(i),
            weight,
        },
        other => other,
    };
    match weight {
        Some(w) => t.push_weighted(a, w).map_err(relocate),
        None => t.push(a).map_err(relocate),
    }
}

/// NPS per group code; see [`tally_by_code`]. A group whose answers are all
/// missing gets `None`.
pub fn nps_by_code<A: Answer, C: GroupCode>(
    scores: &[A],
    codes: &[C],
    n_groups: usize,
    weights: Option<&[f64]>,
    options: &NpsOptions,
) -> Result<Vec<Option<Nps>>> {
    super::stats::z_for_confidence(options.confidence)?;
    tally_by_code(Scale::NPS, scores, codes, n_groups, weights, "NPS")?
        .iter()
        .map(|t| finish_nps(t, options))
        .collect()
}

fn finish_nps(t: &Tally, options: &NpsOptions) -> Result<Option<Nps>> {
    match Nps::from_tally(t, options) {
        Ok(r) => Ok(Some(r)),
        Err(Error::Survey(SurveyError::NoAnswers { .. })) => Ok(None),
        Err(e) => Err(e),
    }
}

/// NPS per segment key (channel, touchpoint, journey stage, period…),
/// segments in key order.
///
/// ```
/// use crmkit::survey::{nps_by, NpsOptions};
/// let scores = [10, 9, 2, 8, 10];
/// let channel = ["app", "web", "web", "app", "store"];
/// let seg = nps_by(&scores, &channel, None, &NpsOptions::default()).unwrap();
/// let keys: Vec<_> = seg.iter().map(|s| s.key).collect();
/// assert_eq!(keys, ["app", "store", "web"]);
/// assert_eq!(seg[0].result.unwrap().nps, 50.0);
/// assert_eq!(seg[2].result.unwrap().nps, 0.0);
/// ```
pub fn nps_by<A: Answer, K: Ord + Clone>(
    scores: &[A],
    keys: &[K],
    weights: Option<&[f64]>,
    options: &NpsOptions,
) -> Result<Vec<Segment<K, Nps>>> {
    if scores.len() != keys.len() {
        return Err(crate::error::InputError::LengthMismatch {
            left: "scores",
            left_len: scores.len(),
            right: "keys",
            right_len: keys.len(),
        }
        .into());
    }
    let (distinct, codes) = group_codes(keys);
    let results = nps_by_code(scores, &codes, distinct.len(), weights, options)?;
    let tallies = tally_by_code(Scale::NPS, scores, &codes, distinct.len(), None, "NPS")?;
    Ok(distinct
        .into_iter()
        .zip(results)
        .zip(tallies)
        .map(|((key, result), t)| Segment {
            key,
            n: t.n(),
            missing: t.missing(),
            result,
        })
        .collect())
}

/// One period of an NPS trend and its change from the previous period that
/// had answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrendPoint<K> {
    /// The period key.
    pub key: K,
    /// The period's NPS, if it had answers.
    pub nps: Option<Nps>,
    /// Change from the previous period with answers, with its z-test.
    pub change: Option<NpsDiff>,
}

/// Turns per-period NPS results (in period order, as [`nps_by`] returns them
/// for sortable period keys such as `"2026-03"`) into a trend with the change
/// from one period to the next and its significance.
///
/// ```
/// use crmkit::survey::{nps_by, nps_trend, NpsOptions};
/// let scores = [10, 10, 0, 10, 0, 0];
/// let month = ["2026-01", "2026-01", "2026-01", "2026-02", "2026-02", "2026-02"];
/// let seg = nps_by(&scores, &month, None, &NpsOptions::default()).unwrap();
/// let trend = nps_trend(&seg, 0.95).unwrap();
/// assert!(trend[0].change.is_none());
/// let change = trend[1].change.unwrap();
/// assert!((change.difference + 200.0 / 3.0).abs() < 1e-9);
/// ```
pub fn nps_trend<K: Clone>(
    periods: &[Segment<K, Nps>],
    confidence: f64,
) -> Result<Vec<TrendPoint<K>>> {
    super::stats::z_for_confidence(confidence)?;
    let mut previous: Option<&Nps> = None;
    let mut out = Vec::with_capacity(periods.len());
    for p in periods {
        let change = match (&p.result, previous) {
            (Some(now), Some(before)) => Some(nps_diff(now, before, confidence)?),
            _ => None,
        };
        if p.result.is_some() {
            previous = p.result.as_ref();
        }
        out.push(TrendPoint {
            key: p.key.clone(),
            nps: p.result,
            change,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    #[test]
    fn codes_out_of_range() {
        let e = tally_by_code(Scale::NPS, &[1, 2], &[0, 5], 2, None, "NPS").unwrap_err();
        assert!(e.to_string().contains("index 1"), "{e}");
        let e =
            tally_by_code(Scale::NPS, &[1, 2], &[0, 5], 2, Some(&[1.0, 1.0]), "NPS").unwrap_err();
        assert!(e.to_string().contains("index 1"), "{e}");
        let e = tally_by_code(Scale::NPS, &[1, 2], &[0], 2, None, "NPS").unwrap_err();
        assert_eq!(e.code(), ErrorCode::LengthMismatch);
    }

    #[test]
    fn no_answers_give_no_segments() {
        let none: [f64; 0] = [];
        let codes: [u32; 0] = [];
        let keys: [&str; 0] = [];
        assert!(
            tally_by_code(Scale::NPS, &none, &codes, 0, None, "NPS")
                .unwrap()
                .is_empty()
        );
        assert!(
            tally_by_code(Scale::NPS, &none, &codes, 0, Some(&[]), "NPS")
                .unwrap()
                .is_empty()
        );
        assert!(
            tally_by_code_parallel(Scale::NPS, &none, &codes, 0, None, "NPS", 4)
                .unwrap()
                .is_empty()
        );
        assert!(
            nps_by(&none, &keys, None, &NpsOptions::default())
                .unwrap()
                .is_empty()
        );
        assert!(
            nps_by_code(&none, &codes, 0, None, &NpsOptions::default())
                .unwrap()
                .is_empty()
        );
        // with no groups, any row has an invalid code
        let e = tally_by_code(Scale::NPS, &[9.0], &[0u32], 0, None, "NPS").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn errors_name_the_global_index() {
        let e = nps_by_code(
            &[1, 2, 3, 99],
            &[0, 1, 0, 1],
            2,
            None,
            &NpsOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("index 3"), "{e}");
        let e = nps_by_code(
            &[1, 2, 3, 99],
            &[0, 1, 0, 1],
            2,
            Some(&[1.0; 4]),
            &NpsOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("index 3"), "{e}");
    }

    #[test]
    fn all_missing_segment_is_none() {
        let seg = nps_by(
            &[Some(10), None, None],
            &["a", "b", "b"],
            None,
            &NpsOptions::default(),
        )
        .unwrap();
        assert_eq!(seg[1].key, "b");
        assert_eq!((seg[1].n, seg[1].missing, seg[1].result), (0, 2, None));
        let weighted = nps_by_code(
            &[Some(10), None, None],
            &[0, 1, 1],
            2,
            Some(&[1.0, 1.0, 1.0]),
            &NpsOptions::default(),
        )
        .unwrap();
        assert!(weighted[1].is_none());
    }

    #[test]
    fn parallel_equals_sequential() {
        let n = 3 << 20;
        let scores: Vec<f64> = (0..n)
            .map(|i| {
                if i % 17 == 0 {
                    f64::NAN
                } else {
                    (i % 11) as f64
                }
            })
            .collect();
        let codes: Vec<u8> = (0..n).map(|i| (i % 7) as u8).collect();
        let seq = tally_by_code(Scale::NPS, &scores, &codes, 7, None, "NPS").unwrap();
        let par = tally_by_code_parallel(Scale::NPS, &scores, &codes, 7, None, "NPS", 3).unwrap();
        assert_eq!(seq, par);
        let mut bad = scores.clone();
        bad[n - 5] = 12.0;
        bad[2 << 20] = 13.0;
        let e = tally_by_code_parallel(Scale::NPS, &bad, &codes, 7, None, "NPS", 3).unwrap_err();
        assert!(e.to_string().contains(&format!("index {}", 2 << 20)), "{e}");
    }

    proptest! {
        #[test]
        fn segments_agree_with_filtering(
            rows in prop::collection::vec((prop::option::weighted(0.9, 0u8..=10), 0u32..4), 0..200),
        ) {
            let scores: Vec<Option<u8>> = rows.iter().map(|r| r.0).collect();
            let codes: Vec<u32> = rows.iter().map(|r| r.1).collect();
            let by = tally_by_code(Scale::NPS, &scores, &codes, 4, None, "NPS").unwrap();
            let mut total = Tally::new(Scale::NPS);
            for (g, t) in by.iter().enumerate() {
                let mine: Vec<Option<u8>> = rows.iter().filter(|r| r.1 == g as u32).map(|r| r.0).collect();
                prop_assert_eq!(t, &Tally::from_answers(Scale::NPS, &mine, None, "NPS").unwrap());
                total.merge(t).unwrap();
            }
            prop_assert_eq!(total, Tally::from_answers(Scale::NPS, &scores, None, "NPS").unwrap());
        }
    }
}
