//! Segment codes of an Arrow text column for the grouped survey functions
//! (`crmkit.survey.nps_by` and friends on polars and pyarrow frames): the
//! column arrives through the Arrow PyCapsule interface, zero-copy, and is
//! read in Rust with the GIL released, so no row ever becomes a Python
//! object.
//!
//! A plain text column (`utf8`, `large_utf8`, `utf8_view`) is hashed; a
//! dictionary column (pyarrow dictionary, polars Categorical/Enum) is read
//! through its indices, its dictionary looked at once per piece. Segments
//! are the distinct keys that occur, sorted by key (byte order, as Python
//! sorts text) with the missing key last: a null, or an index to a null
//! dictionary entry.

use std::cmp::Ordering;
use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayAccessor, ArrayRef, ArrowPrimitiveType, DictionaryArray, PrimitiveArray,
    StringViewArray,
};
use arrow_buffer::ArrowNativeType;
use arrow_schema::DataType;
use crmkit::Error;
use rayon::prelude::*;

/// Rows hashed or read by one task.
const PIECE: usize = 1 << 20;

type Key<'a> = Option<&'a str>;

/// The keys one piece found: its local code `i` stands for `keys[i]`, and
/// `used[i]` says whether a row of the piece has it (a dictionary may hold
/// entries no row points to).
struct Local<'a> {
    keys: Vec<Key<'a>>,
    used: Vec<bool>,
}

fn unsupported(t: &DataType) -> Error {
    Error::invalid_argument(
        "by",
        format!("a text or dictionary-of-text column, got {t}"),
    )
}

/// Every value of a text array, null as `None`.
fn text_values(a: &dyn Array) -> crmkit::Result<Vec<Key<'_>>> {
    Ok(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => a.as_string::<i64>().iter().collect(),
        DataType::Utf8View => a.as_string_view().iter().collect(),
        other => return Err(unsupported(other)),
    })
}

/// Local codes of a text piece, by hashing each value.
fn hash_text<'a, A: ArrayAccessor<Item = &'a str>>(a: A, out: &mut [u32]) -> Local<'a> {
    let mut index: HashMap<&'a str, u32, foldhash::fast::RandomState> = HashMap::default();
    let mut keys: Vec<Key<'a>> = Vec::new();
    let mut missing: Option<u32> = None;
    let nulls = a.null_count() > 0;
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = if nulls && a.is_null(i) {
            match missing {
                Some(c) => c,
                None => {
                    let c = keys.len() as u32;
                    keys.push(None);
                    missing = Some(c);
                    c
                }
            }
        } else {
            let s = a.value(i);
            match index.get(s) {
                Some(&c) => c,
                None => {
                    let c = keys.len() as u32;
                    keys.push(Some(s));
                    index.insert(s, c);
                    c
                }
            }
        };
    }
    let used = vec![true; keys.len()];
    Local { keys, used }
}

/// Local codes of a `utf8_view` piece (what polars hands over for text):
/// a value of up to 12 bytes lies whole in its 16-byte view, so the view is
/// hashed instead of the text (most often found in a small cache first);
/// longer values are hashed as text. Should a
/// producer leave garbage after a short value, equal values get several
/// local codes, which [`group_codes`] joins again by key.
fn hash_views<'a>(a: &'a StringViewArray, out: &mut [u32]) -> Local<'a> {
    const INLINE: u128 = 12;
    // a direct-mapped cache in front of the map: with a few hundred
    // segments nearly every row is found in one probe (the empty mark has
    // a length of 2^32 - 1, which no short value has)
    const RECENT: usize = 1024;
    let recent_slot = |view: u128| -> usize {
        let folded = (view as u64) ^ ((view >> 64) as u64);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize
    };
    let mut recent = vec![(u128::MAX, 0u32); RECENT];
    let mut short: HashMap<u128, u32, foldhash::fast::RandomState> = HashMap::default();
    let mut long: HashMap<&'a str, u32, foldhash::fast::RandomState> = HashMap::default();
    let mut keys: Vec<Key<'a>> = Vec::new();
    let mut missing: Option<u32> = None;
    let nulls = a.null_count() > 0;
    for (i, (slot, view)) in out.iter_mut().zip(a.views().iter()).enumerate() {
        *slot = if nulls && a.is_null(i) {
            *missing.get_or_insert_with(|| {
                keys.push(None);
                (keys.len() - 1) as u32
            })
        } else if view & u128::from(u32::MAX) <= INLINE {
            let slot = &mut recent[recent_slot(*view)];
            if slot.0 == *view {
                slot.1
            } else {
                let code = *short.entry(*view).or_insert_with(|| {
                    keys.push(Some(a.value(i)));
                    (keys.len() - 1) as u32
                });
                *slot = (*view, code);
                code
            }
        } else {
            *long.entry(a.value(i)).or_insert_with(|| {
                keys.push(Some(a.value(i)));
                (keys.len() - 1) as u32
            })
        };
    }
    let used = vec![true; keys.len()];
    Local { keys, used }
}

/// Local codes of a piece of dictionary indices into `dictionary`: the
/// index, and a null as one more code after the dictionary's entries. With
/// `unused`, every non-null entry counts as used, whether a row points to
/// it or not.
fn indexed<'a, K: ArrowPrimitiveType>(
    indices: &PrimitiveArray<K>,
    mut keys: Vec<Key<'a>>,
    unused: bool,
    out: &mut [u32],
) -> crmkit::Result<Local<'a>> {
    let missing = keys.len();
    let mut used: Vec<bool> = keys.iter().map(|k| unused && k.is_some()).collect();
    keys.push(None);
    used.push(false);
    let nulls = indices.null_count() > 0;
    for (i, (slot, index)) in out.iter_mut().zip(indices.values().iter()).enumerate() {
        if nulls && indices.is_null(i) {
            *slot = missing as u32;
            continue;
        }
        let code = index.as_usize();
        if code >= missing {
            return Err(Error::invalid_argument(
                "by",
                format!(
                    "dictionary indices below {missing}, the dictionary's length; row {i} has \
                     {index:?}"
                ),
            ));
        }
        used[code] = true;
        *slot = code as u32;
    }
    if nulls {
        used[missing] = true;
    }
    Ok(Local { keys, used })
}

fn dictionary<'a, K: ArrowDictionaryKeyType>(
    d: &'a DictionaryArray<K>,
    unused: bool,
    out: &mut [u32],
) -> crmkit::Result<Local<'a>> {
    indexed(d.keys(), text_values(d.values().as_ref())?, unused, out)
}

/// Local codes of one piece: text is hashed, a dictionary read through its
/// indices; with a separate `dictionary`, the piece holds its indices.
fn local<'a>(
    piece: &'a dyn Array,
    dictionary_keys: Option<&[Key<'a>]>,
    unused: bool,
    out: &mut [u32],
) -> crmkit::Result<Local<'a>> {
    let t = piece.data_type();
    if let Some(keys) = dictionary_keys {
        fn run<'a, K: ArrowPrimitiveType>(
            piece: &'a dyn Array,
            keys: &[Key<'a>],
            unused: bool,
            out: &mut [u32],
        ) -> crmkit::Result<Local<'a>> {
            indexed(piece.as_primitive::<K>(), keys.to_vec(), unused, out)
        }
        return match t {
            DataType::Int8 => run::<Int8Type>(piece, keys, unused, out),
            DataType::Int16 => run::<Int16Type>(piece, keys, unused, out),
            DataType::Int32 => run::<Int32Type>(piece, keys, unused, out),
            DataType::Int64 => run::<Int64Type>(piece, keys, unused, out),
            DataType::UInt8 => run::<UInt8Type>(piece, keys, unused, out),
            DataType::UInt16 => run::<UInt16Type>(piece, keys, unused, out),
            DataType::UInt32 => run::<UInt32Type>(piece, keys, unused, out),
            DataType::UInt64 => run::<UInt64Type>(piece, keys, unused, out),
            other => Err(unsupported(other)),
        };
    }
    match t {
        DataType::Utf8 => Ok(hash_text(piece.as_string::<i32>(), out)),
        DataType::LargeUtf8 => Ok(hash_text(piece.as_string::<i64>(), out)),
        DataType::Utf8View => Ok(hash_views(piece.as_string_view(), out)),
        DataType::Dictionary(k, _) => match k.as_ref() {
            DataType::Int8 => dictionary(piece.as_dictionary::<Int8Type>(), unused, out),
            DataType::Int16 => dictionary(piece.as_dictionary::<Int16Type>(), unused, out),
            DataType::Int32 => dictionary(piece.as_dictionary::<Int32Type>(), unused, out),
            DataType::Int64 => dictionary(piece.as_dictionary::<Int64Type>(), unused, out),
            DataType::UInt8 => dictionary(piece.as_dictionary::<UInt8Type>(), unused, out),
            DataType::UInt16 => dictionary(piece.as_dictionary::<UInt16Type>(), unused, out),
            DataType::UInt32 => dictionary(piece.as_dictionary::<UInt32Type>(), unused, out),
            DataType::UInt64 => dictionary(piece.as_dictionary::<UInt64Type>(), unused, out),
            _ => Err(unsupported(t)),
        },
        other => Err(unsupported(other)),
    }
}

/// Keys in segment order: by text, the missing key last.
fn key_order(a: &Key<'_>, b: &Key<'_>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// The segment of every row of `chunks` (one column, in chunks) and the
/// segments' keys, in segment order. `chunks` is text or a dictionary of
/// text; or, with `dictionary` (text), indices into it. With `unused`, a
/// dictionary entry no row points to is a segment too (empty). Runs on
/// `workers` threads (0: all cores).
pub(crate) fn group_codes(
    chunks: &[ArrayRef],
    dictionary: Option<&dyn Array>,
    unused: bool,
    workers: usize,
) -> crmkit::Result<(Vec<u32>, Vec<Option<String>>)> {
    let dictionary_keys = dictionary.map(text_values).transpose()?;
    let pieces: Vec<ArrayRef> = chunks
        .iter()
        .flat_map(|c| {
            (0..c.len())
                .step_by(PIECE)
                .map(move |at| c.slice(at, PIECE.min(c.len() - at)))
        })
        .collect();
    let mut codes = vec![0u32; pieces.iter().map(|p| p.len()).sum()];
    let mut slots: Vec<&mut [u32]> = Vec::with_capacity(pieces.len());
    let mut rest = codes.as_mut_slice();
    for p in &pieces {
        let (head, tail) = rest.split_at_mut(p.len());
        slots.push(head);
        rest = tail;
    }
    let run = |slots: &mut [&mut [u32]]| -> crmkit::Result<Vec<Option<String>>> {
        let locals = pieces
            .par_iter()
            .zip(slots.par_iter_mut())
            .map(|(p, out)| local(p.as_ref(), dictionary_keys.as_deref(), unused, out))
            .collect::<crmkit::Result<Vec<Local<'_>>>>()?;
        let mut keys: Vec<Key<'_>> = locals
            .iter()
            .flat_map(|l| l.keys.iter().zip(&l.used).filter(|(_, u)| **u))
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable_by(key_order);
        keys.dedup();
        let index: HashMap<Key<'_>, u32, foldhash::fast::RandomState> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i as u32))
            .collect();
        let remaps: Vec<Vec<u32>> = locals
            .iter()
            .map(|l| {
                l.keys
                    .iter()
                    .map(|k| index.get(k).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        slots
            .par_iter_mut()
            .zip(remaps.par_iter())
            .for_each(|(out, remap)| {
                for c in out.iter_mut() {
                    *c = remap[*c as usize];
                }
            });
        Ok(keys.iter().map(|k| k.map(str::to_owned)).collect())
    };
    let keys = if workers == 0 {
        run(&mut slots)?
    } else {
        rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .map_err(|e| {
                Error::invalid_argument("workers", format!("a usable thread count ({e})"))
            })?
            .install(|| run(&mut slots))?
    };
    Ok((codes, keys))
}
