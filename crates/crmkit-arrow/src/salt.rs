//! Skew helpers: a stable hash of ids, salts and chunks, and a salting
//! plan from key counts.
//!
//! # The hash
//!
//! [`stable_hash`] is 64-bit FNV-1a over the UTF-8 bytes of the text
//! (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`; for each
//! byte: `h ^= byte; h = h * prime` modulo 2⁶⁴), followed by the
//! SplitMix64 finalizer (`h ^= h >> 30; h *= 0xbf58476d1ce4e5b9;
//! h ^= h >> 27; h *= 0x94d049bb133111eb; h ^= h >> 31`, all modulo 2⁶⁴).
//! [`salt_for`]`(id, n)` is `hash % n` and [`chunk_of`]`(id, n)` is
//! `(hash >> 32) % n`, so salts and chunks of the same ids are
//! independent. It is a few lines in any language, so Spark, Dask and plain
//! Python place the same id in the same salt and chunk:
//!
//! ```python
//! def stable_hash(text: str) -> int:
//!     h = 0xCBF29CE484222325
//!     for b in text.encode("utf-8"):
//!         h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
//!     h ^= h >> 30; h = (h * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
//!     h ^= h >> 27; h = (h * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
//!     return h ^ (h >> 31)
//! ```
//!
//! # Salting a self-join
//!
//! A block of `count` records whose key has `s` salts in the
//! [`salting_plan`] is paired in `s` pieces: each record goes to the left
//! side once, under salt `salt_for(record_id, s)`, and to the right side
//! once under every salt `0..s`. Joining left and right on `(key, salt)`
//! yields every pair of the block exactly as without salting, and no piece
//! holds more than about `count / s` left records.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use crmkit::{Error, Result};

use crate::column::{Strings, arrow_error, column};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The documented stable 64-bit hash of a text (see the module docs).
///
/// ```
/// assert_eq!(crmkit_arrow::salt::stable_hash(""), 0xf52a_15e9_a9b5_e89b);
/// ```
pub fn stable_hash(text: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in text.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

fn check_n(n: u32) -> Result<()> {
    if n == 0 {
        Err(Error::invalid_argument("n", "at least 1 salt or chunk"))
    } else {
        Ok(())
    }
}

/// The salt (`0..n`) of an id: `stable_hash(id) % n`.
///
/// ```
/// use crmkit_arrow::salt::salt_for;
/// assert!(salt_for("R000123", 8).unwrap() < 8);
/// assert!(salt_for("x", 0).is_err());
/// ```
pub fn salt_for(id: &str, n: u32) -> Result<u32> {
    check_n(n)?;
    Ok((stable_hash(id) % u64::from(n)) as u32)
}

/// The chunk (`0..n`) of an id: `(stable_hash(id) >> 32) % n`.
pub fn chunk_of(id: &str, n: u32) -> Result<u32> {
    check_n(n)?;
    Ok(((stable_hash(id) >> 32) % u64::from(n)) as u32)
}

fn per_row(ids: &dyn Array, n: u32, f: fn(&str, u32) -> Result<u32>) -> Result<UInt32Array> {
    check_n(n)?;
    let ids = Strings::new(ids, "ids")?;
    (0..ids.len())
        .map(|i| ids.get(i).map(|id| f(id, n)).transpose())
        .collect::<Result<UInt32Array>>()
}

/// [`salt_for`] of every id of a string array (null stays null).
pub fn salts(ids: &dyn Array, n: u32) -> Result<UInt32Array> {
    per_row(ids, n, salt_for)
}

/// [`chunk_of`] of every id of a string array (null stays null).
pub fn chunks(ids: &dyn Array, n: u32) -> Result<UInt32Array> {
    per_row(ids, n, chunk_of)
}

fn counts(array: &dyn Array) -> Result<Vec<Option<u64>>> {
    let bad = |what: String| Error::invalid_argument("count", what);
    macro_rules! read {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            (0..a.len())
                .map(|i| {
                    if a.is_null(i) {
                        return Ok(None);
                    }
                    let v = a.value(i);
                    u64::try_from(v)
                        .map(Some)
                        .map_err(|_| bad(format!("counts of 0 or more, row {i} is {v}")))
                })
                .collect()
        }};
    }
    match array.data_type() {
        DataType::Int32 => read!(Int32Type),
        DataType::Int64 => read!(Int64Type),
        DataType::UInt32 => read!(UInt32Type),
        DataType::UInt64 => read!(UInt64Type),
        other => Err(bad(format!(
            "an integer column `count` (Int32, Int64, UInt32, UInt64), got {other}"
        ))),
    }
}

/// The salting plan for key counts: `counts` has a `count` column (any
/// integer type) and any key columns (`rule_id`, `key`…); the plan has the
/// rows whose count exceeds `max_block_size`, with their key columns,
/// `count` and `salts = ceil(count / max_block_size)`. Keys not in the plan
/// need no salt (one salt, `0`).
///
/// ```
/// use std::sync::Arc;
/// use crmkit_arrow::arrow_array::{Int64Array, RecordBatch, StringArray, UInt32Array};
/// use crmkit_arrow::arrow_array::cast::AsArray;
/// use crmkit_arrow::arrow_array::types::UInt32Type;
/// let counts = RecordBatch::try_from_iter([
///     ("key", Arc::new(StringArray::from(vec!["yilmaz", "kaya", "ozturk"])) as _),
///     ("count", Arc::new(Int64Array::from(vec![2500, 40, 1001])) as _),
/// ]).unwrap();
/// let plan = crmkit_arrow::salt::salting_plan(&counts, 1000).unwrap();
/// assert_eq!(plan.num_rows(), 2);
/// let salts = plan.column_by_name("salts").unwrap().as_primitive::<UInt32Type>();
/// assert_eq!(salts.values(), &[3, 2]);
/// ```
pub fn salting_plan(counts_batch: &RecordBatch, max_block_size: u64) -> Result<RecordBatch> {
    if max_block_size == 0 {
        return Err(Error::invalid_argument("max_block_size", "at least 1"));
    }
    let counts = counts(column(counts_batch, "count")?.as_ref())?;
    let keep: Vec<u32> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_some_and(|c| c > max_block_size))
        .map(|(i, _)| i as u32)
        .collect();
    let take = UInt32Array::from(keep.clone());
    let schema = counts_batch.schema();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (f, c) in schema.fields().iter().zip(counts_batch.columns()) {
        if f.name() == "count" || f.name() == "salts" {
            continue;
        }
        fields.push(f.as_ref().clone());
        columns.push(take_rows(c, &take)?);
    }
    let kept: Vec<u64> = keep
        .iter()
        .map(|&i| counts[i as usize].unwrap_or(0))
        .collect();
    let salts: Vec<u32> = kept
        .iter()
        .map(|&c| u32::try_from(c.div_ceil(max_block_size)).unwrap_or(u32::MAX))
        .collect();
    fields.push(Field::new("count", DataType::UInt64, false));
    columns.push(Arc::new(UInt64Array::from(kept)));
    fields.push(Field::new("salts", DataType::UInt32, false));
    columns.push(Arc::new(UInt32Array::from(salts)));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| arrow_error("salting plan", e))
}

/// Rows `take` of a column.
fn take_rows(c: &ArrayRef, take: &UInt32Array) -> Result<ArrayRef> {
    arrow_select::take::take(c.as_ref(), take, None).map_err(|e| arrow_error("salting plan", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::StringArray;

    // values computed with the Python code in the module docs
    #[test]
    fn known_values() {
        assert_eq!(stable_hash(""), 0xf52a_15e9_a9b5_e89b);
        assert_eq!(stable_hash("a"), KNOWN_A);
        assert_eq!(stable_hash("R0000001"), KNOWN_R1);
        assert_eq!(stable_hash("İzmir"), KNOWN_IZMIR);
        assert_eq!(salt_for("R0000001", 8).unwrap(), (KNOWN_R1 % 8) as u32);
        assert_eq!(
            chunk_of("R0000001", 5).unwrap(),
            ((KNOWN_R1 >> 32) % 5) as u32
        );
    }

    const KNOWN_A: u64 = 0x02c0_bdbf_4814_20f8;
    const KNOWN_R1: u64 = 0x60fb_e568_6e35_44e0;
    const KNOWN_IZMIR: u64 = 0xbbee_8f81_449d_e94d;

    #[test]
    fn salts_spread_and_keep_nulls() {
        let ids: Vec<String> = (0..8000).map(|i| format!("C{i}")).collect();
        let arr = StringArray::from_iter(
            ids.iter()
                .map(|s| Some(s.as_str()))
                .chain(std::iter::once(None)),
        );
        let s = salts(&arr, 8).unwrap();
        assert!(s.is_null(8000));
        let mut per = [0u32; 8];
        for i in 0..8000 {
            per[s.value(i) as usize] += 1;
        }
        // 1000 expected per salt; a fair hash stays well within ±15%
        assert!(per.iter().all(|&c| (850..1150).contains(&c)), "{per:?}");
        let c = chunks(&arr, 8).unwrap();
        let same = (0..8000).filter(|&i| c.value(i) == s.value(i)).count();
        assert!(same < 1300, "salts and chunks are independent: {same}");
    }
}
