//! Contact normalization over string columns: one output row per input
//! row, null in, null out.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema};
use crmkit::contact::{email, phone};
use crmkit::text::{CaseRules, lowercase};
use crmkit::{Error, Result};

use crate::column::{Strings, arrow_error, utf8};

/// The cheap key of every email of a string column: surrounding whitespace
/// trimmed and lower-cased (language-neutral rules, so `İ` becomes a plain
/// `i` and `I` an `i`), null in, null out. This is what `lower(trim(email))`
/// does in SQL, with Unicode casing; use it to join or group on addresses
/// when the full [`parse_emails`] (validation, provider-aware dedup key,
/// classification) is not needed. ASCII rows are lowered in place in the
/// output buffer, without a per-row allocation.
///
/// ```
/// use crmkit_arrow::arrow_array::{Array, StringArray};
/// let emails = StringArray::from(vec![Some(" Ayse@Firma.COM.TR "), None, Some("İLKER@MAIL.COM")]);
/// let keys = crmkit_arrow::contact::fold_emails(&emails).unwrap();
/// assert_eq!(keys.value(0), "ayse@firma.com.tr");
/// assert!(keys.is_null(1));
/// assert_eq!(keys.value(2), "ilker@mail.com");
/// ```
pub fn fold_emails(emails: &dyn Array) -> Result<StringArray> {
    let s = Strings::new(emails, "emails")?;
    let n = s.len();
    let mut offsets: Vec<i32> = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut values: Vec<u8> = Vec::with_capacity(n * 24);
    for i in 0..n {
        if let Some(text) = s.get(i) {
            let text = text.trim();
            let start = values.len();
            values.extend_from_slice(text.as_bytes());
            if text.is_ascii() {
                values[start..].make_ascii_lowercase();
            } else {
                values.truncate(start);
                values.extend_from_slice(lowercase(text, CaseRules::Standard).as_bytes());
            }
        }
        let end = i32::try_from(values.len()).map_err(|_| {
            Error::invalid_argument(
                "emails",
                format!(
                    "at most 2 GiB of text per batch; row {i} goes beyond it (split the batch)"
                ),
            )
        })?;
        offsets.push(end);
    }
    StringArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(values),
        emails.logical_nulls(),
    )
    .map_err(|e| arrow_error("emails", e))
}

/// Parses every email of a string column: `normalized`, `dedup_key`
/// (provider-aware), `valid`, `kind` (free, corporate, role…), `suggestion`
/// (a likely typo fix) and `error` (why it is invalid), as in
/// `crmkit::contact::email::parse`.
///
/// ```
/// use crmkit_arrow::arrow_array::{Array, StringViewArray};
/// let emails = StringViewArray::from(vec![Some("Ayse.Yilmaz+x@GoogleMail.com"), None, Some("a@gmial.com")]);
/// let out = crmkit_arrow::contact::parse_emails(&emails).unwrap();
/// assert_eq!(out.num_rows(), 3);
/// let key = out.column_by_name("dedup_key").unwrap();
/// assert!(key.is_null(1));
/// ```
pub fn parse_emails(emails: &dyn Array) -> Result<RecordBatch> {
    let s = Strings::new(emails, "emails")?;
    let (options, lists) = (email::EmailOptions::default(), email::EmailLists::builtin());
    // the parts borrow from the column: no row's text is copied twice
    let parsed: Vec<Option<email::EmailParts<'_>>> = (0..s.len())
        .map(|i| s.get(i).map(|t| email::parse_parts(t, &options, lists)))
        .collect();
    fn column<'p, 'a: 'p>(
        parsed: &'p [Option<email::EmailParts<'a>>],
        f: impl Fn(&'p email::EmailParts<'a>) -> Option<&'p str>,
    ) -> ArrayRef {
        utf8(parsed.iter().map(|p| p.as_ref().and_then(&f)))
    }
    let schema = Schema::new(vec![
        Field::new("normalized", DataType::Utf8, true),
        Field::new("dedup_key", DataType::Utf8, true),
        Field::new("valid", DataType::Boolean, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("suggestion", DataType::Utf8, true),
        Field::new("error", DataType::Utf8, true),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            column(&parsed, |p| p.normalized.as_deref()),
            column(&parsed, |p| p.dedup_key.as_deref()),
            Arc::new(
                parsed
                    .iter()
                    .map(|p| p.as_ref().map(|p| p.valid))
                    .collect::<BooleanArray>(),
            ),
            column(&parsed, |p| p.kind.map(|k| k.as_str())),
            column(&parsed, |p| p.suggestion.as_deref()),
            column(&parsed, |p| p.error.map(|e| e.as_str())),
        ],
    )
    .map_err(|e| arrow_error("emails", e))
}

/// Parses every phone number of a string column with `region` (ISO 3166
/// alpha-2) for numbers written without a country code: `e164`, `valid`,
/// `type`, `region`, `extension` and `suggestion`, as in
/// `crmkit::contact::phone::parse`. Errors only for an unknown region.
pub fn parse_phones(phones: &dyn Array, region: &str) -> Result<RecordBatch> {
    let region = phone::region(region)?;
    let s = Strings::new(phones, "phones")?;
    let parsed: Vec<Option<phone::PhoneNumber>> = (0..s.len())
        .map(|i| s.get(i).map(|t| phone::parse_in(t, Some(region))))
        .collect();
    let col = |f: &dyn Fn(&phone::PhoneNumber) -> Option<String>| -> ArrayRef {
        utf8(parsed.iter().map(|p| p.as_ref().and_then(f)))
    };
    let schema = Schema::new(vec![
        Field::new("e164", DataType::Utf8, true),
        Field::new("valid", DataType::Boolean, true),
        Field::new("type", DataType::Utf8, true),
        Field::new("region", DataType::Utf8, true),
        Field::new("extension", DataType::Utf8, true),
        Field::new("suggestion", DataType::Utf8, true),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            col(&|p| p.e164.clone()),
            Arc::new(
                parsed
                    .iter()
                    .map(|p| p.as_ref().map(|p| p.valid))
                    .collect::<BooleanArray>(),
            ),
            col(&|p| Some(p.phone_type.as_str().to_owned())),
            col(&|p| p.region.clone()),
            col(&|p| p.extension.clone()),
            col(&|p| p.suggestion.clone()),
        ],
    )
    .map_err(|e| arrow_error("phones", e))
}
