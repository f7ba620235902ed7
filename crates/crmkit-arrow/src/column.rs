//! Reading string columns of any Arrow string type, and records from a
//! record batch.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::DataType;
use crmkit::identity::record::{ColumnMap, records_from_columns};
use crmkit::identity::{Record, cluster::id_order};
use crmkit::{Error, Result};

/// A string column of any Arrow string type, read row by row.
#[derive(Debug, Clone, Copy)]
pub enum Strings<'a> {
    /// `Utf8`.
    Utf8(&'a arrow_array::StringArray),
    /// `LargeUtf8`.
    Large(&'a arrow_array::LargeStringArray),
    /// `Utf8View`.
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Strings<'a> {
    /// Reads `array` as strings; `name` names it in the error.
    ///
    /// ```
    /// use crmkit_arrow::arrow_array::{Int32Array, LargeStringArray};
    /// use crmkit_arrow::column::Strings;
    /// let a = LargeStringArray::from(vec![Some("x"), None]);
    /// let s = Strings::new(&a, "email").unwrap();
    /// assert_eq!((s.get(0), s.get(1)), (Some("x"), None));
    /// let err = Strings::new(&Int32Array::from(vec![1]), "email").unwrap_err();
    /// assert!(err.to_string().contains("`email` is Int32"));
    /// ```
    pub fn new(array: &'a dyn Array, name: &str) -> Result<Strings<'a>> {
        match array.data_type() {
            DataType::Utf8 => Ok(Strings::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Ok(Strings::Large(array.as_string::<i64>())),
            DataType::Utf8View => Ok(Strings::View(array.as_string_view())),
            other => Err(Error::invalid_argument(
                "column",
                format!("a string column (Utf8, LargeUtf8 or Utf8View), but `{name}` is {other}"),
            )),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Strings::Utf8(a) => a.len(),
            Strings::Large(a) => a.len(),
            Strings::View(a) => a.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of row `i` (`None` when null).
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// Reads a column of text: strings as they are, integers as decimal text,
/// an all-null column as nulls. `name` names the column in errors.
pub fn text_values(array: &dyn Array, name: &str) -> Result<Vec<Option<String>>> {
    macro_rules! ints {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            Ok((0..a.len())
                .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
                .collect())
        }};
    }
    match array.data_type() {
        DataType::Null => Ok(vec![None; array.len()]),
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        DataType::Dictionary(_, _) => {
            let d = array.as_any_dictionary();
            let values = text_values(d.values().as_ref(), name)?;
            let keys = d.normalized_keys();
            Ok((0..array.len())
                .map(|i| {
                    if array.is_valid(i) {
                        values.get(keys[i]).cloned().flatten()
                    } else {
                        None
                    }
                })
                .collect())
        }
        _ => {
            let s = Strings::new(array, name).map_err(|_| {
                Error::invalid_argument(
                    "column",
                    format!(
                        "text or integers (Utf8, LargeUtf8, Utf8View, a dictionary of strings, \
                         an integer type or Null), but `{name}` is {}",
                        array.data_type()
                    ),
                )
            })?;
            Ok((0..s.len()).map(|i| s.get(i).map(str::to_owned)).collect())
        }
    }
}

/// Reads a column of `batch` by name.
pub fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let have: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        Error::invalid_argument(
            "column",
            format!(
                "a column named `{name}`; the batch has {}",
                if have.is_empty() {
                    "no columns".to_owned()
                } else {
                    have.join(", ")
                }
            ),
        )
    })
}

/// Reads customer records from a record batch: columns are recognized by
/// their canonical names as in `crmkit::identity::record` (`id`,
/// `first_name`, `email`, `phone`…, with `map` for other names); other
/// columns become attributes. Errors name the column or row.
pub fn records(batch: &RecordBatch, map: &ColumnMap) -> Result<Vec<Record>> {
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let columns = batch
        .columns()
        .iter()
        .zip(&names)
        .map(|(c, n)| text_values(c.as_ref(), n))
        .collect::<Result<Vec<_>>>()?;
    records_from_columns(&names, &columns, map)
}

/// A `Utf8` array from optional strings.
pub(crate) fn utf8<S: AsRef<str>>(values: impl IntoIterator<Item = Option<S>>) -> ArrayRef {
    Arc::new(StringArray::from_iter(values))
}

/// Sorts ids by [`id_order`] (numbers numerically, text otherwise).
pub(crate) fn sort_ids(ids: &mut [&str]) {
    ids.sort_by(|a, b| id_order(a, b));
}

/// Turns an Arrow error into a crmkit error naming what was being built.
pub(crate) fn arrow_error(what: &'static str, e: arrow_schema::ArrowError) -> Error {
    Error::invalid_argument(what, format!("a valid Arrow result: {e}"))
}

/// Reads one record per row like [`records`], for a side of row-aligned
/// pairs: the same id may come on several rows, and other columns are not
/// kept. Every row needs an id.
pub fn pair_side(batch: &RecordBatch, map: &ColumnMap, side: &str) -> Result<Vec<Record>> {
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mapped = crmkit::identity::record::map_columns(&names, map)
        .map_err(|e| Error::invalid_argument("pairs", format!("{side} records: {e}")))?;
    let mut recs = vec![Record::default(); batch.num_rows()];
    for ((name, field), col) in mapped.iter().zip(batch.columns()) {
        let Some(field) = field else { continue };
        for (rec, v) in recs.iter_mut().zip(text_values(col.as_ref(), name)?) {
            if let Some(v) = v {
                rec.set(*field, &v);
            }
        }
    }
    if let Some(row) = recs.iter().position(|r| r.id.is_empty()) {
        return Err(Error::invalid_argument(
            "pairs",
            format!("{side} record at row {row} has no id"),
        ));
    }
    Ok(recs)
}
