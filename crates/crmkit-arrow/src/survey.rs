//! Survey aggregates as mergeable partials: `partial` on every batch,
//! `merge` anywhere (a combiner, a reducer, the driver), `finalize` once.
//!
//! A partial is one row per segment with the segment's
//! [`Tally`] as JSON: counts per answer, weight sums
//! when weighted, and missing answers. Merging tallies is exact, so any
//! split of the answers gives the same final NPS.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use crmkit::survey::{Nps, NpsOptions, Scale, Tally};
use crmkit::{Error, Result};

use crate::column::{Strings, arrow_error, column, text_values, utf8};

/// The schema of a partial: `segment` (null when unsegmented) and `tally`.
pub fn partial_schema() -> Schema {
    Schema::new(vec![
        Field::new("segment", DataType::Utf8, true),
        Field::new("tally", DataType::Utf8, false),
    ])
}

/// Reads numbers (floats or integers; null and NaN are missing answers).
pub fn numbers(array: &dyn Array, name: &str) -> Result<Vec<Option<f64>>> {
    macro_rules! read {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            Ok((0..a.len())
                .map(|i| a.is_valid(i).then(|| a.value(i) as f64))
                .collect())
        }};
    }
    match array.data_type() {
        DataType::Float64 => read!(Float64Type),
        DataType::Float32 => read!(Float32Type),
        DataType::Int8 => read!(Int8Type),
        DataType::Int16 => read!(Int16Type),
        DataType::Int32 => read!(Int32Type),
        DataType::Int64 => read!(Int64Type),
        DataType::UInt8 => read!(UInt8Type),
        DataType::UInt16 => read!(UInt16Type),
        DataType::UInt32 => read!(UInt32Type),
        DataType::UInt64 => read!(UInt64Type),
        DataType::Null => Ok(vec![None; array.len()]),
        other => Err(Error::invalid_argument(
            "column",
            format!("a numeric column, but `{name}` is {other}"),
        )),
    }
}

fn partial_batch(tallies: &BTreeMap<Option<String>, Tally>) -> Result<RecordBatch> {
    let json = tallies
        .values()
        .map(|t| {
            serde_json::to_string(t).map_err(|e| Error::invalid_argument("tally", e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    RecordBatch::try_new(
        Arc::new(partial_schema()),
        vec![
            utf8(tallies.keys().map(Option::as_deref)),
            utf8(json.iter().map(Some)),
        ],
    )
    .map_err(|e| arrow_error("survey partial", e))
}

/// The NPS partial of one batch: `scores` on the 0–10 scale, optional
/// `segments` (text) and `weights`, all of one length. Errors name the row
/// of an answer off the scale or a bad weight.
pub fn nps_partial(
    scores: &dyn Array,
    segments: Option<&dyn Array>,
    weights: Option<&dyn Array>,
) -> Result<RecordBatch> {
    let answers = numbers(scores, "scores")?;
    let n = answers.len();
    let check = |name: &'static str, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(Error::from(crmkit::error::InputError::LengthMismatch {
                left: "scores",
                left_len: n,
                right: name,
                right_len: len,
            }))
        }
    };
    let segs = match segments {
        Some(s) => {
            check("segments", s.len())?;
            text_values(s, "segments")?
        }
        None => vec![None; n],
    };
    let w = match weights {
        Some(w) => {
            check("weights", w.len())?;
            Some(numbers(w, "weights")?)
        }
        None => None,
    };
    // check every row first, so that errors name the row of the batch
    for (i, a) in answers.iter().enumerate() {
        if let Some(v) = a
            && !v.is_nan()
            && Scale::NPS.level_of(*v).is_none()
        {
            return Err(Error::invalid_argument(
                "scores",
                format!("a whole number from 0 to 10 or a missing answer; row {i} is {v}"),
            ));
        }
        if let (Some(w), Some(v)) = (&w, a)
            && !v.is_nan()
        {
            match w[i] {
                Some(x) if x == 0.0 || crmkit::survey::WEIGHT_RANGE.contains(&x) => {}
                other => {
                    return Err(Error::invalid_argument(
                        "weights",
                        format!(
                            "0 or a weight from 1e-100 to 1e100 for an answer; row {i} is {other:?}"
                        ),
                    ));
                }
            }
        }
    }
    // answers and weights of each segment
    type Segment = (Vec<Option<f64>>, Vec<f64>);
    let mut rows: BTreeMap<Option<String>, Segment> = BTreeMap::new();
    for (i, (a, s)) in answers.iter().zip(segs).enumerate() {
        let e = rows.entry(s).or_default();
        e.0.push(a.filter(|v| !v.is_nan()));
        if let Some(w) = &w {
            e.1.push(w[i].unwrap_or(0.0));
        }
    }
    let mut tallies = BTreeMap::new();
    for (seg, (a, wts)) in rows {
        let t = Tally::from_answers(Scale::NPS, &a, w.as_ref().map(|_| wts.as_slice()), "NPS")?;
        tallies.insert(seg, t);
    }
    partial_batch(&tallies)
}

fn read_partials<'a>(
    batches: impl IntoIterator<Item = &'a RecordBatch>,
) -> Result<BTreeMap<Option<String>, Tally>> {
    let mut out: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    for b in batches {
        let seg = Strings::new(column(b, "segment")?.as_ref(), "segment")?;
        let tally = Strings::new(column(b, "tally")?.as_ref(), "tally")?;
        for i in 0..b.num_rows() {
            let t: Tally = tally
                .get(i)
                .ok_or_else(|| Error::invalid_argument("tally", format!("row {i} has no tally")))
                .and_then(|j| {
                    serde_json::from_str(j).map_err(|e| {
                        Error::invalid_argument("tally", format!("row {i}: a tally as JSON: {e}"))
                    })
                })?;
            let key = seg.get(i).map(str::to_owned);
            match out.get_mut(&key) {
                Some(acc) => acc.merge(&t)?,
                None => {
                    out.insert(key, t);
                }
            }
        }
    }
    Ok(out)
}

/// Merges partials (from any number of batches, in any order) into one row
/// per segment, sorted by segment (unsegmented first).
pub fn merge_partials<'a>(
    batches: impl IntoIterator<Item = &'a RecordBatch>,
) -> Result<RecordBatch> {
    partial_batch(&read_partials(batches)?)
}

/// The schema of [`nps_finalize`].
pub fn nps_schema() -> Schema {
    let mut fields = vec![Field::new("segment", DataType::Utf8, true)];
    for n in ["n", "missing", "promoters", "passives", "detractors"] {
        fields.push(Field::new(n, DataType::UInt64, false));
    }
    for n in ["nps", "se", "low", "high"] {
        fields.push(Field::new(n, DataType::Float64, true));
    }
    Schema::new(fields)
}

/// The NPS of every segment of merged (or unmerged) partials: counts, NPS,
/// standard error and interval. A segment without answers has null metrics.
pub fn nps_finalize<'a>(
    batches: impl IntoIterator<Item = &'a RecordBatch>,
    options: &NpsOptions,
) -> Result<RecordBatch> {
    let tallies = read_partials(batches)?;
    let mut results: Vec<(Option<String>, &Tally, Option<Nps>)> = Vec::new();
    for (seg, t) in &tallies {
        let r = if t.n() == 0 {
            None
        } else {
            Some(Nps::from_tally(t, options)?)
        };
        results.push((seg.clone(), t, r));
    }
    let u = |f: &dyn Fn(&Tally) -> u64| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(
            results.iter().map(|r| f(r.1)),
        ))
    };
    let fl = |f: &dyn Fn(&Nps) -> f64| -> ArrayRef {
        Arc::new(Float64Array::from_iter(
            results.iter().map(|r| r.2.as_ref().map(f)),
        ))
    };
    RecordBatch::try_new(
        Arc::new(nps_schema()),
        vec![
            utf8(results.iter().map(|r| r.0.as_deref())),
            u(&|t| t.n()),
            u(&|t| t.missing()),
            u(&|t| t.count_between(9, 10)),
            u(&|t| t.count_between(7, 8)),
            u(&|t| t.count_between(0, 6)),
            fl(&|r| r.nps),
            fl(&|r| r.se),
            fl(&|r| r.low),
            fl(&|r| r.high),
        ],
    )
    .map_err(|e| arrow_error("nps", e))
}
