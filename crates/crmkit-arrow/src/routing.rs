//! Complaint routing over a record batch: one decision per row, in row
//! order, the routing state carried from row to row (so a batch routed in
//! pieces with the state passed along equals one call on all rows).
//!
//! Columns read (all optional but `channel`): `id`, `channel`, `category`,
//! `product`, `segment`, `language`, `text` (text or dictionary of text),
//! `amount`, `customer_value` (numbers), `flags` (a list of text, or one
//! flag as text), `received_at` (RFC 3339 text or an Arrow timestamp).
//!
//! ```
//! use arrow_array::{ArrayRef, RecordBatch, StringArray};
//! use crmkit::complaint::routing::{RoutingState, RuleSet};
//! use std::sync::Arc;
//!
//! let rules = RuleSet::from_toml(r#"
//!     version = "1"
//!     fallback = { department = "care", assignee = "deniz" }
//!     people = [{ id = "ayse" }, { id = "deniz" }]
//!     [[departments]]
//!     id = "care"
//!     members = ["ayse", "deniz"]
//! "#)?;
//! let channel: ArrayRef = Arc::new(StringArray::from(vec!["app", "qr"]));
//! let batch = RecordBatch::try_from_iter([("channel", channel)]).unwrap();
//! let mut state = RoutingState::default();
//! let out = crmkit_arrow::routing::route(&rules, &batch, &mut state, None)?;
//! assert_eq!(out.num_rows(), 2);
//! assert_eq!(out.schema().field(1).name(), "assignee");
//! # Ok::<(), crmkit::Error>(())
//! ```

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use crmkit::complaint::intake::{Channel, Complaint};
use crmkit::complaint::routing::{Decision, RoutingState, RuleSet};
use crmkit::{Error, Result};
use jiff::Timestamp;

use crate::column::{arrow_error, text_values, utf8};
use crate::survey::numbers;

/// The schema of [`route`]'s result.
pub fn routed_schema() -> Schema {
    Schema::new(vec![
        Field::new("department", DataType::Utf8, false),
        Field::new("assignee", DataType::Utf8, false),
        Field::new("category", DataType::Utf8, true),
        Field::new("priority", DataType::Utf8, false),
        Field::new(
            "due",
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            true,
        ),
        Field::new(
            "fired",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            false,
        ),
        Field::new("assigned_by", DataType::Utf8, false),
    ])
}

fn optional_text(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>> {
    match batch.column_by_name(name) {
        Some(a) => text_values(a.as_ref(), name),
        None => Ok(vec![None; batch.num_rows()]),
    }
}

fn optional_numbers(batch: &RecordBatch, name: &str) -> Result<Vec<Option<f64>>> {
    match batch.column_by_name(name) {
        // NaN is how pandas writes a missing number
        Some(a) => Ok(numbers(a.as_ref(), name)?
            .into_iter()
            .map(|v| v.filter(|x| !x.is_nan()))
            .collect()),
        None => Ok(vec![None; batch.num_rows()]),
    }
}

fn flags(batch: &RecordBatch) -> Result<Vec<Vec<String>>> {
    let n = batch.num_rows();
    let Some(a) = batch.column_by_name("flags") else {
        return Ok(vec![Vec::new(); n]);
    };
    let lists = |offsets: Vec<usize>, values: &dyn Array, valid: &dyn Fn(usize) -> bool| {
        let items = text_values(values, "flags")?;
        Ok((0..n)
            .map(|i| {
                if !valid(i) {
                    return Vec::new();
                }
                items[offsets[i]..offsets[i + 1]]
                    .iter()
                    .flatten()
                    .cloned()
                    .collect()
            })
            .collect())
    };
    match a.data_type() {
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            let offsets = l.value_offsets().iter().map(|&o| o as usize).collect();
            lists(offsets, l.values().as_ref(), &|i| l.is_valid(i))
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>();
            let offsets = l.value_offsets().iter().map(|&o| o as usize).collect();
            lists(offsets, l.values().as_ref(), &|i| l.is_valid(i))
        }
        _ => Ok(text_values(a.as_ref(), "flags")
            .map_err(|_| {
                Error::invalid_argument(
                    "flags",
                    format!(
                        "a list of flag names (or one as text), but `flags` is {}",
                        a.data_type()
                    ),
                )
            })?
            .into_iter()
            .map(|f| f.into_iter().collect())
            .collect()),
    }
}

fn times(batch: &RecordBatch) -> Result<Vec<Option<Timestamp>>> {
    let n = batch.num_rows();
    let Some(a) = batch.column_by_name("received_at") else {
        return Ok(vec![None; n]);
    };
    macro_rules! stamps {
        ($t:ty, $to:expr) => {{
            let p = a.as_primitive::<$t>();
            (0..n)
                .map(|i| {
                    if p.is_null(i) {
                        return Ok(None);
                    }
                    let v = p.value(i);
                    $to(v).map(Some).map_err(|e: jiff::Error| {
                        Error::invalid_argument(
                            "received_at",
                            format!("a time in range at row {i}, got {v} ({e})"),
                        )
                    })
                })
                .collect()
        }};
    }
    match a.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            stamps!(TimestampSecondType, Timestamp::from_second)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            stamps!(TimestampMillisecondType, Timestamp::from_millisecond)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            stamps!(TimestampMicrosecondType, Timestamp::from_microsecond)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            stamps!(
                TimestampNanosecondType,
                |v: i64| Timestamp::from_nanosecond(i128::from(v))
            )
        }
        _ => text_values(a.as_ref(), "received_at")?
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                t.map(|t| {
                    t.parse::<Timestamp>().map_err(|e| {
                        Error::invalid_argument(
                            "received_at",
                            format!("an RFC 3339 time at row {i}, got {t:?} ({e})"),
                        )
                    })
                })
                .transpose()
            })
            .collect(),
    }
}

/// Routes every row of `batch` with `rules`, in order; `state` is read and
/// updated as by [`RuleSet::route`]. Errors name the column and row.
pub fn route(
    rules: &RuleSet,
    batch: &RecordBatch,
    state: &mut RoutingState,
    now: Option<Timestamp>,
) -> Result<RecordBatch> {
    let n = batch.num_rows();
    let channel = match batch.column_by_name("channel") {
        Some(a) => text_values(a.as_ref(), "channel")?,
        None => {
            return Err(Error::invalid_argument(
                "channel",
                "a `channel` column (every complaint needs its channel)",
            ));
        }
    };
    let [ids, category, product, segment, language, text] =
        ["id", "category", "product", "segment", "language", "text"]
            .map(|c| optional_text(batch, c));
    let (ids, category, product, segment, language, text) =
        (ids?, category?, product?, segment?, language?, text?);
    let amount = optional_numbers(batch, "amount")?;
    let value = optional_numbers(batch, "customer_value")?;
    let flags = flags(batch)?;
    let received = times(batch)?;

    let mut decisions: Vec<Decision> = Vec::with_capacity(n);
    let mut c = Complaint::new(Channel::Other, "");
    for i in 0..n {
        let ch = channel[i].as_deref().ok_or_else(|| {
            Error::invalid_argument(
                "channel",
                format!("a channel for every complaint; row {i} has none"),
            )
        })?;
        c.channel = Channel::parse_at(ch, i)?;
        c.id.clone_from(&ids[i]);
        c.category.clone_from(&category[i]);
        c.product.clone_from(&product[i]);
        c.segment.clone_from(&segment[i]);
        c.language.clone_from(&language[i]);
        c.text.clear();
        c.text.push_str(text[i].as_deref().unwrap_or(""));
        c.amount = amount[i];
        c.customer_value = value[i];
        c.flags.clone_from(&flags[i]);
        c.received_at = received[i];
        decisions.push(rules.route(&c, state, now)?);
    }

    let mut fired = ListBuilder::new(StringBuilder::new());
    for d in &decisions {
        for f in &d.fired {
            fired.values().append_value(f);
        }
        fired.append(true);
    }
    let due: TimestampSecondArray = decisions
        .iter()
        .map(|d| d.due.map(|t| t.as_second()))
        .collect::<TimestampSecondArray>()
        .with_timezone("UTC");
    let columns: Vec<ArrayRef> = vec![
        utf8(decisions.iter().map(|d| Some(d.department.as_str()))),
        utf8(decisions.iter().map(|d| Some(d.assignee.as_str()))),
        utf8(decisions.iter().map(|d| d.category.as_deref())),
        utf8(decisions.iter().map(|d| Some(d.priority.as_str()))),
        Arc::new(due),
        Arc::new(fired.finish()),
        utf8(decisions.iter().map(|d| Some(d.assigned_by.as_str()))),
    ];
    RecordBatch::try_new(Arc::new(routed_schema()), columns)
        .map_err(|e| arrow_error("routing result", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, StringArray};

    const RULES: &str = r#"
        version = "t"
        fallback = { department = "care", assignee = "deniz" }
        people = [{ id = "ayse" }, { id = "mehmet" }, { id = "deniz" }, { id = "elif" }]
        [[departments]]
        id = "logistics"
        members = ["ayse", "mehmet"]
        [[departments]]
        id = "legal"
        owner = "elif"
        strategy = "fixed"
        [[departments]]
        id = "care"
        members = ["deniz"]
        [[rules]]
        id = "legal"
        when = { flags = ["legal_threat"] }
        department = "legal"
        [[rules]]
        id = "late"
        when = { category = "late", amount = "<= 100" }
        department = "logistics"
        resolution_hours = 2
    "#;

    fn batch(n: usize) -> RecordBatch {
        let channel: ArrayRef = Arc::new(StringArray::from(
            (0..n)
                .map(|i| if i % 3 == 0 { "app" } else { "web_form" })
                .collect::<Vec<_>>(),
        ));
        let category: ArrayRef = Arc::new(StringArray::from(
            (0..n)
                .map(|i| (i % 2 == 0).then_some("late"))
                .collect::<Vec<_>>(),
        ));
        let amount: ArrayRef = Arc::new(Float64Array::from(
            (0..n)
                .map(|i| (i % 5 != 0).then_some((i * 37 % 200) as f64))
                .collect::<Vec<_>>(),
        ));
        let mut fl = ListBuilder::new(StringBuilder::new());
        for i in 0..n {
            if i % 7 == 0 {
                fl.values().append_value("legal_threat");
            }
            fl.append(i % 11 != 0);
        }
        let received: ArrayRef = Arc::new(StringArray::from(
            (0..n)
                .map(|_| Some("2026-11-23T09:00:00Z"))
                .collect::<Vec<_>>(),
        ));
        RecordBatch::try_from_iter([
            ("channel", channel),
            ("category", category),
            ("amount", amount),
            ("flags", Arc::new(fl.finish()) as ArrayRef),
            ("received_at", received),
        ])
        .unwrap()
    }

    #[test]
    fn rows_route_as_one_by_one_and_any_split_equals_the_whole() {
        let rules = RuleSet::from_toml(RULES).unwrap();
        let b = batch(40);
        let mut state = RoutingState::default();
        let whole = route(&rules, &b, &mut state, None).unwrap();
        // in pieces, the state passed along
        let mut st2 = RoutingState::default();
        let mut parts = Vec::new();
        for (start, len) in [(0, 7), (7, 20), (27, 13)] {
            parts.push(route(&rules, &b.slice(start, len), &mut st2, None).unwrap());
        }
        let joined = arrow_select::concat::concat_batches(&whole.schema(), &parts).unwrap();
        assert_eq!(joined, whole);
        assert_eq!(state, st2);
        let dept = whole.column(0).as_string::<i32>();
        let who = whole.column(1).as_string::<i32>();
        // row 7 carries legal_threat; row 0's flag list is null (no flags)
        assert_eq!((dept.value(7), who.value(7)), ("legal", "elif"));
        assert_ne!(dept.value(0), "legal");
        // row 2: late, amount 74 -> logistics, round-robin
        assert_eq!((dept.value(2), who.value(2)), ("logistics", "ayse"));
        let due = whole.column(4).as_primitive::<TimestampSecondType>();
        assert_eq!(
            due.value(2),
            "2026-11-23T11:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        assert!(due.is_null(1));
    }

    #[test]
    fn errors_name_the_column_and_row() {
        let rules = RuleSet::from_toml(RULES).unwrap();
        let bad: ArrayRef = Arc::new(StringArray::from(vec![Some("app"), Some("fax")]));
        let b = RecordBatch::try_from_iter([("channel", bad)]).unwrap();
        let e = route(&rules, &b, &mut RoutingState::default(), None).unwrap_err();
        assert!(
            e.to_string().contains("row 1") && e.to_string().contains("fax"),
            "{e}"
        );
        let none: ArrayRef = Arc::new(StringArray::from(vec![Some("app"), None]));
        let b = RecordBatch::try_from_iter([("channel", none)]).unwrap();
        let e = route(&rules, &b, &mut RoutingState::default(), None).unwrap_err();
        assert!(e.to_string().contains("row 1 has none"), "{e}");
        let other: ArrayRef = Arc::new(StringArray::from(vec!["x"]));
        let b = RecordBatch::try_from_iter([("category", other)]).unwrap();
        assert!(route(&rules, &b, &mut RoutingState::default(), None).is_err());
    }
}
