//! Term counts as a mergeable partial, and scoring row-aligned pairs.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, UInt8Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use crmkit::identity::cluster::id_order;
use crmkit::identity::compare::{self, Comparison};
use crmkit::identity::record::{ColumnMap, Record};
use crmkit::identity::standardize::{Kind, MIN_TF_POPULATION, NONE, Sym, Values, Vocabulary};
use crmkit::identity::{Model, Settings, prepare};
use crmkit::{Error, Result};

use crate::column::{Strings, arrow_error, column, pair_side, records, utf8};

/// The fields whose value frequencies weigh an exact agreement, with the
/// names [`term_counts`] writes.
const COUNTED: [(Kind, &str); 4] = [
    (Kind::First, "first_name"),
    (Kind::Last, "last_name"),
    (Kind::City, "city"),
    (Kind::Postcode, "postcode"),
];

/// The schema of [`term_counts`]: `field`, `value` (standardized) and
/// `count`.
pub fn counts_schema() -> Schema {
    Schema::new(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, false),
        Field::new("count", DataType::UInt64, false),
    ])
}

/// How often each standardized first name, last name, city and postcode
/// occurs in `batch`: a partial whose sum over all batches
/// ([`Frequencies::from_counts`]) gives the term frequencies that
/// `crmkit::identity::resolve` computes over the whole input.
pub fn term_counts(
    batch: &RecordBatch,
    settings: &Settings,
    map: &ColumnMap,
) -> Result<RecordBatch> {
    let recs = records(batch, map)?;
    let (_, vocab) = prepare(&recs, settings.default_country.as_deref());
    let mut freq = Frequencies::default();
    freq.add_vocabulary(&vocab);
    freq.to_batch()
}

/// Value counts of the whole population, for term-frequency adjustment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frequencies {
    counts: HashMap<(Kind, String), u64>,
    totals: HashMap<Kind, u64>,
}

fn kind_of(name: &str) -> Option<Kind> {
    COUNTED.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
}

impl Frequencies {
    fn add(&mut self, kind: Kind, value: &str, count: u64) {
        *self.counts.entry((kind, value.to_owned())).or_default() += count;
        *self.totals.entry(kind).or_default() += count;
    }

    fn add_vocabulary(&mut self, vocab: &Vocabulary) {
        for &(kind, _) in &COUNTED {
            let interner = vocab.interner(kind);
            for id in 0..interner.len() as Sym {
                self.add(kind, interner.value(id), u64::from(interner.count(id)));
            }
        }
    }

    /// Sums partial counts (rows of [`term_counts`], from any number of
    /// batches, in any order).
    pub fn from_counts<'a>(
        batches: impl IntoIterator<Item = &'a RecordBatch>,
    ) -> Result<Frequencies> {
        let mut f = Frequencies::default();
        for b in batches {
            let field = Strings::new(column(b, "field")?.as_ref(), "field")?;
            let value = Strings::new(column(b, "value")?.as_ref(), "value")?;
            let count = column(b, "count")?;
            let count = count.as_primitive_opt::<UInt64Type>().ok_or_else(|| {
                Error::invalid_argument(
                    "column",
                    format!("`count` as UInt64, got {}", count.data_type()),
                )
            })?;
            for i in 0..b.num_rows() {
                let kind = field.get(i).and_then(kind_of).ok_or_else(|| {
                    Error::invalid_argument(
                        "counts",
                        format!(
                            "row {i}: field is {:?}; expected first_name, last_name, city or postcode",
                            field.get(i)
                        ),
                    )
                })?;
                let (Some(v), true) = (value.get(i), count.is_valid(i)) else {
                    return Err(Error::invalid_argument(
                        "counts",
                        format!("row {i} has a null value or count"),
                    ));
                };
                f.add(kind, v, count.value(i));
            }
        }
        Ok(f)
    }

    /// The counts as one batch (sorted by field, then value).
    pub fn to_batch(&self) -> Result<RecordBatch> {
        let mut rows: Vec<(&str, &str, u64)> = self
            .counts
            .iter()
            .map(|((k, v), &c)| {
                let name = COUNTED.iter().find(|(x, _)| x == k).map_or("", |(_, n)| *n);
                (name, v.as_str(), c)
            })
            .collect();
        rows.sort_unstable();
        RecordBatch::try_new(
            Arc::new(counts_schema()),
            vec![
                utf8(rows.iter().map(|r| Some(r.0))),
                utf8(rows.iter().map(|r| Some(r.1))),
                Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.2))),
            ],
        )
        .map_err(|e| arrow_error("term counts", e))
    }

    /// The share of `value` among the values of `kind`, as
    /// `crmkit::identity` computes it: 0 below
    /// [`MIN_TF_POPULATION`] values or for an unseen value.
    pub fn share(&self, kind: Kind, value: &str) -> f64 {
        let total = self.totals.get(&kind).copied().unwrap_or(0);
        if total < MIN_TF_POPULATION || value.is_empty() {
            return 0.0;
        }
        self.counts
            .get(&(kind, value.to_owned()))
            .map_or(0.0, |&c| c as f64 / total as f64)
    }

    fn contains(&self, kind: Kind, value: &str) -> bool {
        self.counts.contains_key(&(kind, value.to_owned()))
    }
}

/// Values of one batch of pairs, with frequencies from the population.
struct Population<'a> {
    local: &'a Vocabulary,
    freq: Option<&'a Frequencies>,
}

impl Values for Population<'_> {
    fn text(&self, kind: Kind, id: Sym) -> &str {
        self.local.text(kind, id)
    }
    fn frequency(&self, kind: Kind, id: Sym) -> f64 {
        match self.freq {
            Some(f) if id != NONE => f.share(kind, self.local.text(kind, id)),
            _ => 0.0,
        }
    }
    fn find(&self, kind: Kind, s: &str) -> Option<Sym> {
        self.local.find(kind, s)
    }
}

/// The distinct records of `rows` (equal id and values) in first-seen
/// order, and for every row the index of its record among them. Rows that
/// share an id but differ in a value stay apart.
fn distinct_records(rows: Vec<Record>) -> (Vec<Record>, Vec<usize>) {
    let mut all: Vec<Record> = Vec::new();
    let mut slot = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for r in rows {
        let same = seen
            .get(&r.id)
            .and_then(|at| at.iter().copied().find(|&k| all[k] == r));
        match same {
            Some(k) => slot.push(k),
            None => {
                seen.entry(r.id.clone()).or_default().push(all.len());
                slot.push(all.len());
                all.push(r);
            }
        }
    }
    (all, slot)
}

/// The schema of [`score_pairs`].
pub fn scores_schema() -> Schema {
    let mut fields = vec![
        Field::new("left_id", DataType::Utf8, false),
        Field::new("right_id", DataType::Utf8, false),
        Field::new("probability", DataType::Float64, false),
        Field::new("match_weight", DataType::Float64, false),
        Field::new("rule", DataType::Utf8, true),
    ];
    for c in Comparison::ALL {
        fields.push(Field::new(
            format!("gamma_{}", c.as_str()),
            DataType::UInt8,
            false,
        ));
    }
    Schema::new(fields)
}

/// Scores row-aligned pairs: row `i` of `left` against row `i` of `right`
/// (each a batch of records, columns named as in `crmkit::identity`).
///
/// The result has `left_id`, `right_id` (the pair oriented so that
/// `left_id` comes first in id order), `probability` (the score),
/// `match_weight` (log2 odds), `rule` (the hard rule that decided the pair,
/// if any) and one `gamma_<field>` column per comparison (0 = missing on a
/// side, 1 = best level). Only pairs with `probability >= min_score` are
/// kept. `frequencies` ([`Frequencies::from_counts`] over the whole
/// population) turn on term-frequency adjustment exactly as
/// `crmkit::identity::resolve` applies it; without them no adjustment is
/// made, so the score never depends on which rows share a batch. A record
/// that comes in many pairs (the same id with the same values) is
/// standardized once per call, so pairs of a whole partition of blocks are
/// best scored in one call.
pub fn score_pairs(
    model: &Model,
    left: &RecordBatch,
    right: &RecordBatch,
    min_score: Option<f64>,
    frequencies: Option<&Frequencies>,
    settings: &Settings,
    map: &ColumnMap,
) -> Result<RecordBatch> {
    if left.num_rows() != right.num_rows() {
        return Err(crmkit::error::InputError::LengthMismatch {
            left: "left",
            left_len: left.num_rows(),
            right: "right",
            right_len: right.num_rows(),
        }
        .into());
    }
    if let Some(m) = min_score
        && !(0.0..=1.0).contains(&m)
    {
        return Err(Error::invalid_argument(
            "min_score",
            format!("a probability in [0, 1], got {m}"),
        ));
    }
    if model.parameters.len() != Comparison::ALL.len() {
        return Err(Error::invalid_argument(
            "model",
            format!(
                "{} comparisons, got {}",
                Comparison::ALL.len(),
                model.parameters.len()
            ),
        ));
    }
    let n = left.num_rows();
    let mut rows = pair_side(left, map, "left")?;
    rows.extend(pair_side(right, map, "right")?);
    // a record in many pairs (the same id with the same values) is
    // standardized once: `slot[i]` is row i's place in `all`
    let (all, slot) = distinct_records(rows);
    let (prepared, mut vocab) = prepare(&all, settings.default_country.as_deref());
    if let Some(f) = frequencies {
        // a swapped-name agreement reads the share of a first name among
        // last names (and the reverse): make those values findable
        let mut cross = Vec::new();
        for p in &prepared {
            if p.first != NONE {
                let t = vocab.first.value(p.first);
                if f.contains(Kind::Last, t) {
                    cross.push((Kind::Last, t.to_owned()));
                }
            }
            if p.last != NONE {
                let t = vocab.last.value(p.last);
                if f.contains(Kind::First, t) {
                    cross.push((Kind::First, t.to_owned()));
                }
            }
        }
        for (k, t) in cross {
            match k {
                Kind::Last => vocab.last.intern(t),
                _ => vocab.first.intern(t),
            };
        }
    }
    let values = Population {
        local: &vocab,
        freq: frequencies,
    };
    let min = min_score.unwrap_or(0.0);
    let mut left_ids = Vec::new();
    let mut right_ids = Vec::new();
    let mut prob = Vec::new();
    let mut weight = Vec::new();
    let mut rule: Vec<Option<&'static str>> = Vec::new();
    let mut gammas: Vec<Vec<u8>> = vec![Vec::new(); Comparison::ALL.len()];
    for i in 0..n {
        let (mut a, mut b) = (slot[i], slot[n + i]);
        if id_order(&all[a].id, &all[b].id).is_gt() {
            std::mem::swap(&mut a, &mut b);
        }
        let (pa, pb) = (&prepared[a], &prepared[b]);
        let cmp = compare::compare(pa, pb, &values);
        let s = model.score(&cmp, pa, pb, &values);
        if s.probability < min {
            continue;
        }
        left_ids.push(all[a].id.as_str());
        right_ids.push(all[b].id.as_str());
        prob.push(s.probability);
        weight.push(s.weight);
        rule.push(s.rule.map(|r| r.as_str()));
        for (g, col) in cmp.gamma.iter().zip(&mut gammas) {
            col.push(*g);
        }
    }
    let mut columns: Vec<ArrayRef> = vec![
        utf8(left_ids.into_iter().map(Some)),
        utf8(right_ids.into_iter().map(Some)),
        Arc::new(Float64Array::from(prob)),
        Arc::new(Float64Array::from(weight)),
        utf8(rule),
    ];
    columns.extend(
        gammas
            .into_iter()
            .map(|g| Arc::new(UInt8Array::from(g)) as ArrayRef),
    );
    RecordBatch::try_new(Arc::new(scores_schema()), columns).map_err(|e| arrow_error("scores", e))
}
