//! Blocking keys per record, and the candidate pairs of whole blocks.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{Array, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use crmkit::identity::blocking::{neighbourhood_orders, rule_keys};
use crmkit::identity::cluster::id_order;
use crmkit::identity::record::ColumnMap;
use crmkit::identity::standardize::{Prepared, Vocabulary};
use crmkit::identity::{Settings, prepare};
use crmkit::{Error, Result};

use crate::column::{Strings, arrow_error, column, records, utf8};

/// The schema of [`blocking_keys`]: `record_id`, `rule_id` (the rule's
/// position in the settings), `key` (readable, parts joined by U+001F) and
/// `sort_key` (the orders in which an oversized block is compared by sorted
/// neighbourhood: name and birth date, place, contact point).
pub fn keys_schema() -> Schema {
    Schema::new(vec![
        Field::new("record_id", DataType::Utf8, false),
        Field::new("rule_id", DataType::UInt32, false),
        Field::new("key", DataType::Utf8, false),
        Field::new("sort_key", DataType::Utf8, false),
    ])
}

/// The blocking keys of every record of `batch` under the rules of
/// `settings` (`settings.blocking`, with `settings.default_country` for
/// records without a country): several rows per record, none for a rule
/// with a missing part. Keys depend only on the record, so any split of the
/// records gives the same rows.
///
/// ```
/// use std::sync::Arc;
/// use crmkit::identity::Settings;
/// use crmkit_arrow::arrow_array::{RecordBatch, StringArray};
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["1", "2"])) as _),
///     ("first_name", Arc::new(StringArray::from(vec!["Ayşe", "AYSE"])) as _),
///     ("last_name", Arc::new(StringArray::from(vec!["Yılmaz", "YILMAZ"])) as _),
/// ]).unwrap();
/// let keys = crmkit_arrow::blocking::blocking_keys(&batch, &Settings::default(), &Default::default()).unwrap();
/// assert_eq!(keys.num_rows(), 2); // name_set only: the other rules miss a part
/// ```
pub fn blocking_keys(
    batch: &RecordBatch,
    settings: &Settings,
    map: &ColumnMap,
) -> Result<RecordBatch> {
    let recs = records(batch, map)?;
    let (prepared, vocab) = prepare(&recs, settings.default_country.as_deref());
    let (mut ids, mut rules, mut keys, mut sorts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (r, p) in recs.iter().zip(&prepared) {
        let sort = sort_key(p, &vocab);
        for (n, rule) in settings.blocking.iter().enumerate() {
            for k in rule_keys(rule, p, &vocab) {
                ids.push(r.id.as_str());
                rules.push(n as u32);
                keys.push(k);
                sorts.push(sort.clone());
            }
        }
    }
    RecordBatch::try_new(
        Arc::new(keys_schema()),
        vec![
            utf8(ids.into_iter().map(Some)),
            Arc::new(UInt32Array::from(rules)),
            utf8(keys.into_iter().map(Some)),
            utf8(sorts.into_iter().map(Some)),
        ],
    )
    .map_err(|e| arrow_error("blocking keys", e))
}

/// The orders of [`neighbourhood_orders`], each as its two texts and the
/// birth date joined by U+001F, the orders joined by U+001E.
fn sort_key(p: &Prepared, v: &Vocabulary) -> String {
    neighbourhood_orders(p, v)
        .iter()
        .map(|(a, b)| format!("{a}\u{1f}{b}\u{1f}{:08}", p.dob))
        .collect::<Vec<_>>()
        .join("\u{1e}")
}

/// The schema of [`block_pairs`]: `left_id`, `right_id` (`left_id` first
/// in id order) and the `rule_id` that paired them.
pub fn pairs_schema() -> Schema {
    Schema::new(vec![
        Field::new("left_id", DataType::Utf8, false),
        Field::new("right_id", DataType::Utf8, false),
        Field::new("rule_id", DataType::UInt32, false),
    ])
}

/// The candidate pairs of the blocks in `keys` (rows of
/// [`blocking_keys`]; every row of a block must be in this batch, which is
/// what grouping by `(rule_id, key)` gives). A block of at most
/// `settings.max_block_size` records pairs all its records; a larger one is
/// sorted by each order of `sort_key` (then id) and in each order every
/// record is paired with its `settings.window` next neighbours, as
/// `crmkit::identity::resolve` does.
/// Each pair comes once per rule, smaller id first; the same pair from
/// several rules is for the engine to drop (distinct on the two ids).
///
/// A salted piece of a block (see [`crate::salt`]) carries a `side`
/// column: `"left"` rows are the records of this piece's salt, `"right"`
/// rows every record of the block. Then only pairs whose smaller id is a
/// left record are made, so each pair of the block comes from exactly one
/// piece. Salt only blocks of at most `max_block_size` records (larger ones
/// are paired by sorted neighbourhood, which needs the whole block).
pub fn block_pairs(keys: &RecordBatch, settings: &Settings) -> Result<RecordBatch> {
    let ids = Strings::new(column(keys, "record_id")?.as_ref(), "record_id")?;
    let rule_col = column(keys, "rule_id")?;
    if rule_col.data_type() != &DataType::UInt32 {
        return Err(Error::invalid_argument(
            "column",
            format!("`rule_id` as UInt32, got {}", rule_col.data_type()),
        ));
    }
    let rule_ids = rule_col.as_primitive::<UInt32Type>();
    let key = Strings::new(column(keys, "key")?.as_ref(), "key")?;
    let sort = Strings::new(column(keys, "sort_key")?.as_ref(), "sort_key")?;
    let side = match keys.column_by_name("side") {
        Some(c) => Some(Strings::new(c.as_ref(), "side")?),
        None => None,
    };
    if let Some(side) = &side
        && let Some(i) =
            (0..keys.num_rows()).find(|&i| !matches!(side.get(i), Some("left" | "right")))
    {
        return Err(Error::invalid_argument(
            "side",
            format!("\"left\" or \"right\"; row {i} is {:?}", side.get(i)),
        ));
    }
    let is_left = |i: usize| side.as_ref().is_none_or(|s| s.get(i) == Some("left"));
    let mut blocks: HashMap<(u32, &str), Vec<usize>> = HashMap::new();
    for i in 0..keys.num_rows() {
        let (Some(_), Some(k), true) = (ids.get(i), key.get(i), rule_ids.is_valid(i)) else {
            return Err(Error::invalid_argument(
                "keys",
                format!("row {i} has a null record_id, rule_id or key"),
            ));
        };
        blocks.entry((rule_ids.value(i), k)).or_default().push(i);
    }
    let mut blocks: Vec<_> = blocks.into_iter().collect();
    blocks.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let id = |i: usize| ids.get(i).unwrap_or("");
    let (mut left_ids, mut right_ids, mut rule) = (Vec::new(), Vec::new(), Vec::new());
    let (cap, window) = (
        settings.blocking_options.max_block_size,
        settings.blocking_options.window,
    );
    for ((r, k), mut rows) in blocks {
        let left: std::collections::HashSet<&str> = rows
            .iter()
            .filter(|&&i| is_left(i))
            .map(|&i| id(i))
            .collect();
        rows.sort_by(|&a, &b| id_order(id(a), id(b)));
        rows.dedup_by(|a, b| id(*a) == id(*b));
        if side.is_some() {
            if rows.len() > cap {
                return Err(Error::invalid_argument(
                    "keys",
                    format!(
                        "salted blocks of at most max_block_size ({cap}) records; block `{k}` of rule {r} has {}",
                        rows.len()
                    ),
                ));
            }
            for (x, &a) in rows.iter().enumerate() {
                if left.contains(id(a)) {
                    for &b in &rows[x + 1..] {
                        left_ids.push(id(a));
                        right_ids.push(id(b));
                        rule.push(r);
                    }
                }
            }
            continue;
        }
        let mut push = |a: usize, b: usize| {
            let (a, b) = if id_order(id(a), id(b)).is_gt() {
                (b, a)
            } else {
                (a, b)
            };
            left_ids.push(id(a));
            right_ids.push(id(b));
            rule.push(r);
        };
        if rows.len() <= cap {
            for (x, &a) in rows.iter().enumerate() {
                for &b in &rows[x + 1..] {
                    push(a, b);
                }
            }
        } else {
            // each order of the sort key in turn (one order for a key
            // without U+001E); a pair two orders make is made once
            let orders = |i: usize| sort.get(i).unwrap_or("").split('\u{1e}');
            let passes = rows.iter().map(|&i| orders(i).count()).max().unwrap_or(1);
            let mut made: std::collections::HashSet<(usize, usize)> = Default::default();
            for pass in 0..passes {
                let s = |i: usize| orders(i).nth(pass).unwrap_or("");
                rows.sort_by(|&a, &b| s(a).cmp(s(b)).then_with(|| id_order(id(a), id(b))));
                for (x, &a) in rows.iter().enumerate() {
                    for &b in rows[x + 1..].iter().take(window) {
                        if made.insert((a.min(b), a.max(b))) {
                            push(a, b);
                        }
                    }
                }
            }
        }
    }
    RecordBatch::try_new(
        Arc::new(pairs_schema()),
        vec![
            utf8(left_ids.into_iter().map(Some)),
            utf8(right_ids.into_iter().map(Some)),
            Arc::new(UInt32Array::from(rule)),
        ],
    )
    .map_err(|e| arrow_error("block pairs", e))
}
