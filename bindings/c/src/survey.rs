use crate::error::{boundary, crmkit_status, fail, fail_with};
use crmkit::survey::{
    self, Ces, CesOptions, Csat, CsatOptions, IntervalMethod, Nps, NpsAccumulator, NpsOptions,
    Scale,
};

/// Interval method of an NPS: pass one of these as the `method` argument.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum crmkit_interval_method {
    /// NPS ± z·SE.
    CRMKIT_INTERVAL_WALD = 0,
    /// Adjusted Wald: ¾ of an answer added to promoters and to detractors, 3 to n.
    CRMKIT_INTERVAL_ADJUSTED_WALD = 1,
}

/// An NPS with its uncertainty. Shares and `variance` are fractions (0–1);
/// `nps`, `se`, `low`, `high` are points (−100 to 100). With weights, shares,
/// NPS and variance are weighted and `effective_n` is Kish's (Σw)²/Σw²;
/// counts stay raw counts.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct crmkit_nps {
    /// 100 · (share of promoters − share of detractors).
    pub nps: f64,
    /// Standard error in points.
    pub se: f64,
    /// Lower end of the confidence interval, clamped to −100.
    pub low: f64,
    /// Upper end of the confidence interval, clamped to 100.
    pub high: f64,
    /// Per-answer variance p_P + p_D − (p_P − p_D)².
    pub variance: f64,
    /// Kish effective sample size; equals `n` without weights.
    pub effective_n: f64,
    /// Share of promoters (9–10).
    pub promoter_share: f64,
    /// Share of passives (7–8).
    pub passive_share: f64,
    /// Share of detractors (0–6).
    pub detractor_share: f64,
    /// Confidence level of the interval.
    pub confidence: f64,
    /// Present answers.
    pub n: u64,
    /// Answers from 9 to 10.
    pub promoters: u64,
    /// Answers from 7 to 8.
    pub passives: u64,
    /// Answers from 0 to 6.
    pub detractors: u64,
    /// Missing answers (NaN), counted apart.
    pub missing: u64,
}

impl From<Nps> for crmkit_nps {
    fn from(r: Nps) -> Self {
        crmkit_nps {
            nps: r.nps,
            se: r.se,
            low: r.low,
            high: r.high,
            variance: r.variance,
            effective_n: r.effective_n,
            promoter_share: r.promoter_share,
            passive_share: r.passive_share,
            detractor_share: r.detractor_share,
            confidence: r.confidence,
            n: r.n,
            promoters: r.promoters,
            passives: r.passives,
            detractors: r.detractors,
            missing: r.missing,
        }
    }
}

/// The difference of two NPS values and its two-sided z-test.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct crmkit_nps_diff {
    /// NPS of `a` minus NPS of `b`, in points.
    pub difference: f64,
    /// Standard error of the difference, in points.
    pub se: f64,
    /// difference / se.
    pub z: f64,
    /// Two-sided p-value of "no difference".
    pub p_value: f64,
    /// Lower end of the interval of the difference.
    pub low: f64,
    /// Upper end of the interval of the difference.
    pub high: f64,
    /// Confidence level of the interval.
    pub confidence: f64,
}

/// A CSAT result: percentage of satisfied answers with a Wilson interval.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct crmkit_csat {
    /// Percentage of satisfied answers (0–100).
    pub csat: f64,
    /// Lower end of the Wilson interval, in percent.
    pub low: f64,
    /// Upper end of the Wilson interval, in percent.
    pub high: f64,
    /// (Weighted) mean answer.
    pub mean: f64,
    /// Kish effective sample size.
    pub effective_n: f64,
    /// Confidence level of the interval.
    pub confidence: f64,
    /// Satisfied answers.
    pub satisfied: u64,
    /// Present answers.
    pub n: u64,
    /// Missing answers.
    pub missing: u64,
}

impl From<Csat> for crmkit_csat {
    fn from(r: Csat) -> Self {
        crmkit_csat {
            csat: r.csat,
            low: r.low,
            high: r.high,
            mean: r.mean,
            effective_n: r.effective_n,
            confidence: r.confidence,
            satisfied: r.satisfied,
            n: r.n,
            missing: r.missing,
        }
    }
}

/// A Customer Effort Score: mean with an interval, % easy and % difficult.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct crmkit_ces {
    /// (Weighted) mean answer.
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
    /// Lower end of the interval of the mean.
    pub low: f64,
    /// Upper end of the interval of the mean.
    pub high: f64,
    /// Percentage of easy answers (at or above the easy threshold).
    pub easy_percent: f64,
    /// Percentage of difficult answers (at or below the difficult threshold).
    pub difficult_percent: f64,
    /// Kish effective sample size.
    pub effective_n: f64,
    /// Confidence level of the interval.
    pub confidence: f64,
    /// Present answers.
    pub n: u64,
    /// Missing answers.
    pub missing: u64,
}

impl From<Ces> for crmkit_ces {
    fn from(r: Ces) -> Self {
        crmkit_ces {
            mean: r.mean,
            se: r.se,
            low: r.low,
            high: r.high,
            easy_percent: r.easy_percent,
            difficult_percent: r.difficult_percent,
            effective_n: r.effective_n,
            confidence: r.confidence,
            n: r.n,
            missing: r.missing,
        }
    }
}

/// A streaming NPS accumulator. Create with `crmkit_nps_accumulator_new`,
/// free with `crmkit_nps_accumulator_free`. Not thread-safe: use one
/// accumulator per thread and merge them.
#[derive(Debug)]
pub struct crmkit_nps_accumulator {
    _private: [u8; 0],
}

/// Reads `len` doubles at `ptr`; NULL is allowed only with `len == 0`.
///
/// # Safety
/// When non-NULL, `ptr` must point to `len` readable, aligned doubles that
/// stay valid and unmodified for the returned lifetime.
unsafe fn doubles<'a>(ptr: *const f64, len: usize, name: &str) -> Result<&'a [f64], crmkit_status> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(fail_with(
            crmkit_status::CRMKIT_NULL_ARGUMENT,
            format!("`{name}` is NULL but its length is {len}"),
        ));
    }
    // SAFETY: non-null, and the caller guarantees `len` readable doubles.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The optional weights array: NULL means unweighted.
///
/// # Safety
/// When non-NULL, `weights` must point to `len` readable doubles.
unsafe fn optional_weights<'a>(weights: *const f64, len: usize) -> Option<&'a [f64]> {
    // SAFETY: non-null weights point to `len` doubles (caller guarantee).
    (!weights.is_null()).then(|| unsafe { std::slice::from_raw_parts(weights, len) })
}

fn method(value: u32) -> Result<IntervalMethod, crmkit_status> {
    match value {
        0 => Ok(IntervalMethod::Wald),
        1 => Ok(IntervalMethod::AdjustedWald),
        other => Err(fail_with(
            crmkit_status::CRMKIT_INVALID_ARGUMENT,
            format!(
                "invalid argument `method`: CRMKIT_INTERVAL_WALD (0) or CRMKIT_INTERVAL_ADJUSTED_WALD (1), got {other}"
            ),
        )),
    }
}

/// The shared body of the metric functions: checks `out`, reads the
/// answers and the optional weights, computes, and writes the result.
///
/// # Safety
/// `scores` (and `weights` when non-NULL) must point to `len` doubles; `out`
/// must be NULL or point to a writable result.
unsafe fn metric<T, U: From<T>>(
    scores: *const f64,
    len: usize,
    weights: *const f64,
    out: *mut U,
    compute: impl FnOnce(&[f64], Option<&[f64]>) -> crmkit::Result<T>,
) -> crmkit_status {
    if out.is_null() {
        return null_out("out");
    }
    // SAFETY: forwarded caller guarantees.
    let scores = match unsafe { doubles(scores, len, "scores") } {
        Ok(s) => s,
        Err(st) => return st,
    };
    // SAFETY: forwarded caller guarantee.
    let weights = unsafe { optional_weights(weights, len) };
    finish(compute(scores, weights), out)
}

fn null_out(name: &str) -> crmkit_status {
    fail_with(
        crmkit_status::CRMKIT_NULL_ARGUMENT,
        format!("`{name}` is NULL"),
    )
}

/// Writes `value` to `out` or returns the status of `result`'s error.
fn finish<T, U: From<T>>(result: crmkit::Result<T>, out: *mut U) -> crmkit_status {
    match result {
        Ok(v) => {
            // SAFETY: callers check `out` for NULL first; the C caller
            // guarantees it points to a writable result struct.
            unsafe { out.write(U::from(v)) };
            crmkit_status::CRMKIT_OK
        }
        Err(e) => fail(&e),
    }
}

/// Net Promoter Score of `len` answers on the 0–10 scale.
///
/// `scores`: answers; NaN is a missing answer (counted in `missing`). An
/// answer that is not a whole number from 0 to 10 fails with
/// `CRMKIT_SURVEY_OUT_OF_RANGE` and a message naming its index.
/// `weights`: NULL for unweighted, else `len` weights (0, or from 1e-100 to 1e100).
/// `confidence`: strictly between 0 and 1, e.g. 0.95.
/// `method`: a `crmkit_interval_method` value.
/// `out`: receives the result on `CRMKIT_OK`; untouched on failure.
/// Thread-safe.
///
/// # Safety
/// `scores` and (when non-NULL) `weights` must point to `len` doubles;
/// `out` must point to a writable `crmkit_nps`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_survey_nps(
    scores: *const f64,
    len: usize,
    weights: *const f64,
    confidence: f64,
    method: u32,
    out: *mut crmkit_nps,
) -> crmkit_status {
    boundary(|| {
        let options = match self::method(method) {
            Ok(m) => NpsOptions {
                confidence,
                method: m,
            },
            Err(st) => return st,
        };
        // SAFETY: forwarded caller guarantees.
        unsafe {
            metric(scores, len, weights, out, |s, w| match w {
                None => survey::nps(s, &options),
                Some(w) => survey::nps_weighted(s, w, &options),
            })
        }
    })
}

/// Tests whether the NPS of answers `a` differs from that of answers `b`
/// (independent samples, two-sided z-test). NaN answers are missing.
/// Thread-safe.
///
/// # Safety
/// `a` and `b` must point to `a_len` and `b_len` doubles (NULL only with a
/// zero length); `out` must point to a writable `crmkit_nps_diff`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_survey_nps_diff(
    a: *const f64,
    a_len: usize,
    b: *const f64,
    b_len: usize,
    confidence: f64,
    out: *mut crmkit_nps_diff,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return null_out("out");
        }
        // SAFETY: forwarded caller guarantees.
        let (a, b) = match unsafe { (doubles(a, a_len, "a"), doubles(b, b_len, "b")) } {
            (Ok(a), Ok(b)) => (a, b),
            (Err(st), _) | (_, Err(st)) => return st,
        };
        let options = NpsOptions {
            confidence,
            method: IntervalMethod::Wald,
        };
        let result = survey::nps(a, &options)
            .and_then(|ra| Ok((ra, survey::nps(b, &options)?)))
            .and_then(|(ra, rb)| survey::nps_diff(&ra, &rb, confidence));
        finish(
            result.map(|d| crmkit_nps_diff {
                difference: d.difference,
                se: d.se,
                z: d.z,
                p_value: d.p_value,
                low: d.low,
                high: d.high,
                confidence: d.confidence,
            }),
            out,
        )
    })
}

/// CSAT of answers on the scale 1..=`scale_max`: the share at or above
/// `threshold` (top-2-box on 1–5 is `scale_max` 5, `threshold` 4) with a
/// Wilson interval. NaN answers are missing; `weights` may be NULL.
/// Thread-safe.
///
/// # Safety
/// As for `crmkit_survey_nps`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_survey_csat(
    scores: *const f64,
    len: usize,
    weights: *const f64,
    scale_max: i32,
    threshold: i32,
    confidence: f64,
    out: *mut crmkit_csat,
) -> crmkit_status {
    boundary(|| {
        let options = CsatOptions {
            scale: Scale {
                min: 1,
                max: scale_max,
            },
            threshold,
            confidence,
        };
        // SAFETY: forwarded caller guarantees.
        unsafe {
            metric(scores, len, weights, out, |s, w| match w {
                None => survey::csat(s, &options),
                Some(w) => survey::csat_weighted(s, w, &options),
            })
        }
    })
}

/// Customer Effort Score of answers on the scale 1..=`scale_max` (usually
/// 7): the mean with a normal interval, the share of answers at or above
/// `easy_threshold` and at or below `difficult_threshold`. NaN answers are
/// missing; `weights` may be NULL. Thread-safe.
///
/// # Safety
/// As for `crmkit_survey_nps`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn crmkit_survey_ces(
    scores: *const f64,
    len: usize,
    weights: *const f64,
    scale_max: i32,
    easy_threshold: i32,
    difficult_threshold: i32,
    confidence: f64,
    out: *mut crmkit_ces,
) -> crmkit_status {
    boundary(|| {
        let options = CesOptions {
            scale: Scale {
                min: 1,
                max: scale_max,
            },
            easy_threshold,
            difficult_threshold,
            confidence,
        };
        // SAFETY: forwarded caller guarantees.
        unsafe {
            metric(scores, len, weights, out, |s, w| match w {
                None => survey::ces(s, &options),
                Some(w) => survey::ces_weighted(s, w, &options),
            })
        }
    })
}

fn accumulator<'a>(ptr: *const crmkit_nps_accumulator) -> Option<&'a NpsAccumulator> {
    // SAFETY: a non-null handle was made by crmkit_nps_accumulator_new.
    unsafe { ptr.cast::<NpsAccumulator>().as_ref() }
}

fn accumulator_mut<'a>(ptr: *mut crmkit_nps_accumulator) -> Option<&'a mut NpsAccumulator> {
    // SAFETY: a non-null handle was made by crmkit_nps_accumulator_new and
    // is not used from two threads at once (documented).
    unsafe { ptr.cast::<NpsAccumulator>().as_mut() }
}

/// A new, empty NPS accumulator; never NULL. Free it with
/// `crmkit_nps_accumulator_free`.
#[unsafe(no_mangle)]
pub extern "C" fn crmkit_nps_accumulator_new() -> *mut crmkit_nps_accumulator {
    Box::into_raw(Box::new(NpsAccumulator::new())).cast()
}

/// Adds one answer with a weight (use 1.0 for unweighted data). A NaN score
/// is a missing answer. Errors name the answer's position in the stream.
/// A call that fails (an answer off the scale, a bad weight) changes
/// nothing: the accumulator stays as it was and usable.
///
/// # Safety
/// `acc` must be a live accumulator not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_nps_accumulator_push(
    acc: *mut crmkit_nps_accumulator,
    score: f64,
    weight: f64,
) -> crmkit_status {
    boundary(|| {
        let Some(acc) = accumulator_mut(acc) else {
            return null_out("acc");
        };
        // a weight of exactly 1 keeps the accumulator unweighted
        let pushed = if weight == 1.0 {
            acc.push(score)
        } else {
            acc.push_weighted(score, weight)
        };
        match pushed {
            Ok(()) => crmkit_status::CRMKIT_OK,
            Err(e) => fail(&e.into()),
        }
    })
}

/// Adds every answer of `from` to `into` (exact: merging shards equals
/// accumulating the whole). `from` is unchanged; a call that fails changes
/// nothing, `into` included.
///
/// # Safety
/// Both must be live accumulators; `into` must not be used by another thread
/// meanwhile. They may not be the same accumulator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_nps_accumulator_merge(
    into: *mut crmkit_nps_accumulator,
    from: *const crmkit_nps_accumulator,
) -> crmkit_status {
    boundary(|| {
        if std::ptr::eq(into.cast_const(), from) {
            return fail_with(
                crmkit_status::CRMKIT_INVALID_ARGUMENT,
                "invalid argument `from`: an accumulator other than `into`",
            );
        }
        let Some(from) = accumulator(from).cloned() else {
            return null_out("from");
        };
        let Some(into) = accumulator_mut(into) else {
            return null_out("into");
        };
        // merged into a copy (a few counts) that replaces `into` only once
        // complete, so that no failure leaves it half merged
        let mut merged = into.clone();
        match merged.merge(&from) {
            Ok(()) => {
                *into = merged;
                crmkit_status::CRMKIT_OK
            }
            Err(e) => fail(&e.into()),
        }
    })
}

/// The NPS of everything pushed so far (the accumulator stays usable).
///
/// # Safety
/// `acc` must be a live accumulator; `out` must point to a writable `crmkit_nps`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_nps_accumulator_finish(
    acc: *const crmkit_nps_accumulator,
    confidence: f64,
    method: u32,
    out: *mut crmkit_nps,
) -> crmkit_status {
    boundary(|| {
        if out.is_null() {
            return null_out("out");
        }
        let Some(acc) = accumulator(acc) else {
            return null_out("acc");
        };
        let options = match self::method(method) {
            Ok(m) => NpsOptions {
                confidence,
                method: m,
            },
            Err(st) => return st,
        };
        finish(acc.finish(&options), out)
    })
}

/// Frees an accumulator; NULL is allowed and ignored.
///
/// # Safety
/// `acc` must be NULL or a live accumulator, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn crmkit_nps_accumulator_free(acc: *mut crmkit_nps_accumulator) {
    // SAFETY: made by crmkit_nps_accumulator_new (caller guarantee).
    unsafe { crate::handle::free::<NpsAccumulator, _>(acc) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Vec<f64> {
        let mut s = vec![10.0; 50];
        s.extend([8.0; 30]);
        s.extend([3.0; 20]);
        s
    }

    #[test]
    fn nps_and_errors() {
        let s = reference();
        let mut out = crmkit_nps::default();
        let st =
            unsafe { crmkit_survey_nps(s.as_ptr(), s.len(), std::ptr::null(), 0.95, 0, &mut out) };
        assert_eq!(st, crmkit_status::CRMKIT_OK);
        assert_eq!(out.nps, 30.0);
        assert!((out.se - 7.8102).abs() < 1e-4);
        let st =
            unsafe { crmkit_survey_nps(std::ptr::null(), 3, std::ptr::null(), 0.95, 0, &mut out) };
        assert_eq!(st, crmkit_status::CRMKIT_NULL_ARGUMENT);
        let st =
            unsafe { crmkit_survey_nps(s.as_ptr(), s.len(), std::ptr::null(), 0.95, 7, &mut out) };
        assert_eq!(st, crmkit_status::CRMKIT_INVALID_ARGUMENT);
        let bad = [1.0, 11.0];
        let st = unsafe { crmkit_survey_nps(bad.as_ptr(), 2, std::ptr::null(), 0.95, 0, &mut out) };
        assert_eq!(st, crmkit_status::CRMKIT_SURVEY_OUT_OF_RANGE);
        let st =
            unsafe { crmkit_survey_nps(std::ptr::null(), 0, std::ptr::null(), 0.95, 0, &mut out) };
        assert_eq!(st, crmkit_status::CRMKIT_SURVEY_NO_ANSWERS);
        let st = unsafe {
            crmkit_survey_nps(
                s.as_ptr(),
                s.len(),
                std::ptr::null(),
                0.95,
                0,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(st, crmkit_status::CRMKIT_NULL_ARGUMENT);
    }

    #[test]
    fn failed_pushes_and_merges_change_nothing() {
        let acc = crmkit_nps_accumulator_new();
        let other = crmkit_nps_accumulator_new();
        let finish = |acc| {
            let mut out = crmkit_nps::default();
            let st = unsafe { crmkit_nps_accumulator_finish(acc, 0.95, 0, &mut out) };
            assert_eq!(st, crmkit_status::CRMKIT_OK);
            out
        };
        unsafe {
            for x in [10.0, 9.0, 3.0, f64::NAN] {
                assert_eq!(
                    crmkit_nps_accumulator_push(acc, x, 1.0),
                    crmkit_status::CRMKIT_OK
                );
            }
            assert_eq!(
                crmkit_nps_accumulator_push(other, 7.0, 2.0),
                crmkit_status::CRMKIT_OK
            );
            let before = finish(acc);
            for (x, w, st) in [
                (11.0, 1.0, crmkit_status::CRMKIT_SURVEY_OUT_OF_RANGE),
                (4.5, 1.0, crmkit_status::CRMKIT_SURVEY_OUT_OF_RANGE),
                (
                    f64::INFINITY,
                    1.0,
                    crmkit_status::CRMKIT_SURVEY_OUT_OF_RANGE,
                ),
                (8.0, -1.0, crmkit_status::CRMKIT_SURVEY_INVALID_WEIGHT),
                (8.0, f64::NAN, crmkit_status::CRMKIT_SURVEY_INVALID_WEIGHT),
            ] {
                assert_eq!(crmkit_nps_accumulator_push(acc, x, w), st, "{x} {w}");
                assert_eq!(finish(acc), before, "{x} {w}");
            }
            assert_eq!(
                crmkit_nps_accumulator_merge(acc, std::ptr::null()),
                crmkit_status::CRMKIT_NULL_ARGUMENT
            );
            assert_eq!(
                crmkit_nps_accumulator_merge(acc, acc),
                crmkit_status::CRMKIT_INVALID_ARGUMENT
            );
            assert_eq!(finish(acc), before);
            assert_eq!(
                crmkit_nps_accumulator_merge(acc, other),
                crmkit_status::CRMKIT_OK
            );
            assert_eq!(finish(acc).n, 4);
            crmkit_nps_accumulator_free(acc);
            crmkit_nps_accumulator_free(other);
        }
    }

    #[test]
    fn accumulator_equals_one_shot() {
        let s = reference();
        let (a, b) = (crmkit_nps_accumulator_new(), crmkit_nps_accumulator_new());
        for (i, x) in s.iter().enumerate() {
            let target = if i % 2 == 0 { a } else { b };
            assert_eq!(
                unsafe { crmkit_nps_accumulator_push(target, *x, 1.0) },
                crmkit_status::CRMKIT_OK
            );
        }
        assert_eq!(
            unsafe { crmkit_nps_accumulator_merge(a, b) },
            crmkit_status::CRMKIT_OK
        );
        assert_eq!(
            unsafe { crmkit_nps_accumulator_merge(a, a) },
            crmkit_status::CRMKIT_INVALID_ARGUMENT
        );
        let (mut merged, mut whole) = (crmkit_nps::default(), crmkit_nps::default());
        unsafe {
            crmkit_nps_accumulator_finish(a, 0.95, 1, &mut merged);
            crmkit_survey_nps(s.as_ptr(), s.len(), std::ptr::null(), 0.95, 1, &mut whole);
            crmkit_nps_accumulator_free(a);
            crmkit_nps_accumulator_free(b);
            crmkit_nps_accumulator_free(std::ptr::null_mut());
        }
        assert_eq!(merged, whole);
    }
}
