//! Customer records as they arrive, and reading them from CSV.

use std::collections::BTreeMap;
use std::io::Read;

use crate::error::{Error, InputError, Result};
use crate::tabular::{BadRows, CsvFormat, CsvRows, QUOTE_MAX, Skipped, json_rows, quote};

/// One customer record from one system, before standardization.
///
/// Every field is optional except `id`; empty strings count as missing.
/// Several emails, phones and customer numbers may be given.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Record {
    /// Unique id of the record (unique within one input).
    pub id: String,
    /// The system the record came from (`web`, `call_center`, `branch`…).
    pub source: Option<String>,
    /// Given name(s).
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// The whole name, used when `first_name`/`last_name` are missing: the
    /// last word is the family name.
    pub full_name: Option<String>,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Phone numbers, in any format people write.
    pub phones: Vec<String>,
    /// Birth date in any format [`crate::identity::date`] reads.
    pub date_of_birth: Option<String>,
    /// National identity number (a Turkish TCKN is validated by its
    /// checksum; other values are compared as written).
    pub national_id: Option<String>,
    /// Customer, loyalty or account numbers, and other identifiers.
    pub customer_numbers: Vec<String>,
    /// Street address in one line.
    pub address: Option<String>,
    /// City or district.
    pub city: Option<String>,
    /// Postal code.
    pub postcode: Option<String>,
    /// ISO 3166 country code, used as the default region for phone numbers
    /// and to read ambiguous dates (`US` is month first).
    pub country: Option<String>,
    /// When the record was last updated (ISO 8601 date or timestamp), for
    /// "most recent" survivorship.
    pub updated_at: Option<String>,
    /// Any other columns, kept for golden records.
    pub attributes: BTreeMap<String, String>,
}

/// The canonical fields a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `id`
    Id,
    /// `source`
    Source,
    /// `first_name`
    FirstName,
    /// `last_name`
    LastName,
    /// `full_name`
    FullName,
    /// `email` (repeatable)
    Email,
    /// `phone` (repeatable)
    Phone,
    /// `date_of_birth`
    DateOfBirth,
    /// `national_id`
    NationalId,
    /// `customer_number` (repeatable)
    CustomerNumber,
    /// `address` (repeatable: parts are joined with a space)
    Address,
    /// `city`
    City,
    /// `postcode`
    Postcode,
    /// `country`
    Country,
    /// `updated_at`
    UpdatedAt,
}

impl Field {
    /// Recognizes a canonical column name and its common spellings
    /// (`email2`, `phone_2`, `mobile`, `dob`, `tckn`, `zip`…).
    pub fn from_column(name: &str) -> Option<Field> {
        let n = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        let base = n.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
        Some(match base {
            "id" | "record_id" | "rec_id" | "customer_id" => Field::Id,
            "source" | "system" | "channel" => Field::Source,
            "first_name" | "given_name" | "firstname" | "forename" | "ad" => Field::FirstName,
            "last_name" | "surname" | "lastname" | "family_name" | "soyad" => Field::LastName,
            "full_name" | "name" | "fullname" | "ad_soyad" => Field::FullName,
            "email" | "e_mail" | "mail" | "email_address" | "eposta" | "e_posta" => Field::Email,
            "phone" | "phone_number" | "mobile" | "gsm" | "telephone" | "tel" | "telefon" => {
                Field::Phone
            }
            "date_of_birth" | "dob" | "birth_date" | "birthdate" | "dogum_tarihi" => {
                Field::DateOfBirth
            }
            "national_id" | "tckn" | "tc_kimlik_no" | "ssn" | "soc_sec_id" => Field::NationalId,
            "customer_number" | "customer_no" | "account_number" | "loyalty_number" => {
                Field::CustomerNumber
            }
            "address" | "street" | "address_line" | "adres" => Field::Address,
            "city" | "town" | "il" | "sehir" | "suburb" => Field::City,
            "postcode" | "postal_code" | "zip" | "zipcode" | "posta_kodu" => Field::Postcode,
            "country" | "country_code" | "ulke" => Field::Country,
            "updated_at" | "last_updated" | "modified_at" => Field::UpdatedAt,
            _ => return None,
        })
    }
}

impl Record {
    /// Sets `field` from a column value; repeatable fields accumulate.
    /// Empty (after trimming) values are ignored.
    pub fn set(&mut self, field: Field, value: &str) {
        let v = value.trim();
        if v.is_empty() {
            return;
        }
        let one = |slot: &mut Option<String>| *slot = Some(v.to_owned());
        match field {
            Field::Id => self.id = v.to_owned(),
            Field::Source => one(&mut self.source),
            Field::FirstName => one(&mut self.first_name),
            Field::LastName => one(&mut self.last_name),
            Field::FullName => one(&mut self.full_name),
            Field::Email => self.emails.push(v.to_owned()),
            Field::Phone => self.phones.push(v.to_owned()),
            Field::DateOfBirth => one(&mut self.date_of_birth),
            Field::NationalId => one(&mut self.national_id),
            Field::CustomerNumber => self.customer_numbers.push(v.to_owned()),
            Field::Address => match &mut self.address {
                Some(a) => {
                    a.push(' ');
                    a.push_str(v);
                }
                None => one(&mut self.address),
            },
            Field::City => one(&mut self.city),
            Field::Postcode => one(&mut self.postcode),
            Field::Country => one(&mut self.country),
            Field::UpdatedAt => one(&mut self.updated_at),
        }
    }
}

/// How CSV columns map to record fields.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ColumnMap {
    /// The id column, when it is not called `id` (or `record_id`, `rec_id`…).
    pub id_column: Option<String>,
    /// Extra column → field mappings, applied before name recognition
    /// (e.g. `street_number → address`).
    pub columns: BTreeMap<String, Field>,
    /// Columns to ignore entirely (they are not kept as attributes either).
    pub ignore: Vec<String>,
    /// Field delimiter (default `,`).
    pub delimiter: Option<char>,
    /// Rows whose number of fields differs from the header's: an error
    /// (the default) or skipped and counted in [`RecordTable::skipped`].
    pub bad_rows: BadRows,
    /// Do not keep unmapped columns as [`Record::attributes`] (they are only
    /// used by golden records): a file with many extra columns then needs no
    /// more memory than one without them.
    pub drop_attributes: bool,
}

/// Records read from a file, with the header that produced them.
#[derive(Debug, Clone)]
pub struct RecordTable {
    /// The records, in file order.
    pub records: Vec<Record>,
    /// The mapping used for each column (`None`: kept as a free attribute).
    pub columns: Vec<(String, Option<Field>)>,
    /// Rows skipped under [`BadRows::Skip`].
    pub skipped: Skipped,
}

/// Reads records from CSV with a header row. Columns are mapped by
/// [`ColumnMap::columns`], then by [`Field::from_column`]; the rest are kept
/// as attributes. Errors name the line and column; duplicate or empty ids
/// are errors, since every record must come out in exactly one cluster.
///
/// ```
/// use crmkit::identity::record::{read_csv, ColumnMap};
/// let csv = "id,first_name,last_name,email,phone,country\n\
///            1,Ayşe,Yılmaz,ayse@example.com,0532 123 45 67,TR\n";
/// let t = read_csv(csv.as_bytes(), &ColumnMap::default()).unwrap();
/// assert_eq!(t.records[0].last_name.as_deref(), Some("Yılmaz"));
/// assert_eq!(t.records[0].phones, ["0532 123 45 67"]);
/// ```
pub fn read_csv<R: Read>(reader: R, map: &ColumnMap) -> Result<RecordTable> {
    let delimiter = map.delimiter.unwrap_or(',');
    if !delimiter.is_ascii() {
        return Err(Error::invalid_argument(
            "delimiter",
            "a single ASCII character",
        ));
    }
    let mut rows = CsvRows::new(
        reader,
        &CsvFormat {
            delimiter: delimiter as u8,
            bad_rows: map.bad_rows,
        },
    )?;
    let names: Vec<&str> = rows.headers().iter().collect();
    let columns = map_columns(&names, map)?;
    let mut records = Vec::new();
    let mut ids = IdCheck::new("line");
    let mut row = csv::StringRecord::new();
    while let Some(line) = rows.next_row(&mut row)? {
        let mut rec = Record::default();
        for ((name, field), value) in columns.iter().zip(row.iter()) {
            match field {
                Some(f) => rec.set(*f, value),
                None if !map.drop_attributes
                    && !map.ignore.iter().any(|c| c == name)
                    && !value.trim().is_empty() =>
                {
                    rec.attributes.insert(name.clone(), value.trim().to_owned());
                }
                None => {}
            }
        }
        ids.check(&rec.id, line as usize)?;
        records.push(rec);
    }
    Ok(RecordTable {
        records,
        columns,
        skipped: rows.skipped().clone(),
    })
}

/// Maps column names to fields: [`ColumnMap::columns`] first, then
/// [`Field::from_column`]; exactly one column must be the id.
pub fn map_columns(names: &[&str], map: &ColumnMap) -> Result<Vec<(String, Option<Field>)>> {
    let malformed = |message: String| {
        Error::from(InputError::Malformed {
            location: "header".into(),
            message,
        })
    };
    let mut columns = Vec::with_capacity(names.len());
    for h in names {
        let name = h.trim_start_matches('\u{feff}').trim();
        let field = if map.ignore.iter().any(|c| c == name) {
            None
        } else if map.id_column.as_deref() == Some(name) {
            Some(Field::Id)
        } else if let Some(f) = map.columns.get(name) {
            Some(*f)
        } else if map.id_column.is_some() && Field::from_column(name) == Some(Field::Id) {
            None
        } else {
            Field::from_column(name)
        };
        columns.push((name.to_owned(), field));
    }
    let id_columns = columns
        .iter()
        .filter(|(_, f)| *f == Some(Field::Id))
        .count();
    if id_columns != 1 {
        let wanted = map.id_column.as_deref().unwrap_or("id");
        return Err(malformed(if id_columns == 0 {
            format!("no id column (looked for `{wanted}`; pass the id column's name)")
        } else {
            "several columns look like the id; pass the id column's name".into()
        }));
    }
    Ok(columns)
}

/// Builds records from columns (`columns[c][row]`, `None` = missing), with
/// the same mapping and checks as [`read_csv`]; errors name the row
/// (counting from 0) and column.
///
/// ```
/// use crmkit::identity::record::{records_from_columns, ColumnMap};
/// let names = ["customer_id", "name", "mobile"];
/// let cols = vec![
///     vec![Some("a".to_string()), Some("b".to_string())],
///     vec![Some("Ali Kaya".to_string()), None],
///     vec![None, Some("0532 000 00 00".to_string())],
/// ];
/// let recs = records_from_columns(&names, &cols, &ColumnMap::default()).unwrap();
/// assert_eq!(recs[0].full_name.as_deref(), Some("Ali Kaya"));
/// assert_eq!(recs[1].phones.len(), 1);
/// ```
pub fn records_from_columns<S: AsRef<str>>(
    names: &[&str],
    columns: &[Vec<Option<S>>],
    map: &ColumnMap,
) -> Result<Vec<Record>> {
    if names.len() != columns.len() {
        return Err(InputError::LengthMismatch {
            left: "names",
            left_len: names.len(),
            right: "columns",
            right_len: columns.len(),
        }
        .into());
    }
    let mapped = map_columns(names, map)?;
    let rows = columns.first().map_or(0, Vec::len);
    if let Some((c, col)) = columns.iter().enumerate().find(|(_, c)| c.len() != rows) {
        return Err(Error::invalid_argument(
            "columns",
            format!(
                "column `{}` has {} rows, the first has {rows}",
                names[c],
                col.len()
            ),
        ));
    }
    let mut records = vec![Record::default(); rows];
    for ((name, field), col) in mapped.iter().zip(columns) {
        for (rec, v) in records.iter_mut().zip(col) {
            let Some(v) = v.as_ref().map(AsRef::as_ref) else {
                continue;
            };
            match field {
                Some(f) => rec.set(*f, v),
                None if !v.trim().is_empty() => {
                    rec.attributes.insert(name.clone(), v.trim().to_owned());
                }
                None => {}
            }
        }
    }
    let mut ids = IdCheck::new("row");
    for (row, r) in records.iter().enumerate() {
        ids.check(&r.id, row)?;
    }
    Ok(records)
}

/// Reads records from JSON: an array of objects, or one object per line
/// (NDJSON). Keys are column names as in [`read_csv`] (mapped by `map`
/// first); values are strings, numbers, `null`, or arrays of those for
/// repeatable fields (`"email": ["a@x.com", "b@y.com"]`). Errors name the
/// record (counting from 0) and the key.
///
/// ```
/// use crmkit::identity::record::{records_from_json, ColumnMap};
/// let json = r#"{"id": 1, "name": "Ali Kaya", "email": ["a@x.com", "b@y.com"]}
/// {"id": 2, "first_name": "Veli", "phone": null}"#;
/// let recs = records_from_json(json, &ColumnMap::default()).unwrap();
/// assert_eq!(recs[0].id, "1");
/// assert_eq!(recs[0].emails.len(), 2);
/// assert!(records_from_json(r#"[{"id": 1, "email": {"x": 1}}]"#, &ColumnMap::default())
///     .unwrap_err().to_string().contains("record 0"));
/// ```
pub fn records_from_json(text: &str, map: &ColumnMap) -> Result<Vec<Record>> {
    let malformed = |location: String, message: String| {
        Error::from(InputError::Malformed { location, message })
    };
    let objects: Vec<serde_json::Value> = json_rows(text)?;
    let mut records = Vec::with_capacity(objects.len());
    let mut ids = IdCheck::new("record");
    for (i, obj) in objects.iter().enumerate() {
        let serde_json::Value::Object(fields) = obj else {
            return Err(malformed(
                format!("record {i}"),
                "expected a JSON object".into(),
            ));
        };
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        let columns = map_columns(&names, map)
            .map_err(|e| malformed(format!("record {i}"), e.to_string()))?;
        let mut rec = Record::default();
        for ((name, field), value) in columns.iter().zip(fields.values()) {
            let scalar = |v: &serde_json::Value| -> Result<Option<String>> {
                match v {
                    serde_json::Value::Null => Ok(None),
                    serde_json::Value::String(s) => Ok(Some(s.clone())),
                    serde_json::Value::Number(n) => Ok(Some(n.to_string())),
                    serde_json::Value::Bool(b) => Ok(Some(b.to_string())),
                    _ => Err(malformed(
                        format!("record {i}, key `{name}`"),
                        "expected a string, number, null or an array of those".into(),
                    )),
                }
            };
            let values: Vec<String> = match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(scalar)
                    .collect::<Result<Vec<_>>>()?
                    .into_iter()
                    .flatten()
                    .collect(),
                other => scalar(other)?.into_iter().collect(),
            };
            for v in values {
                match field {
                    Some(f) => rec.set(*f, &v),
                    None if !v.trim().is_empty() => {
                        rec.attributes.insert(name.clone(), v.trim().to_owned());
                    }
                    None => {}
                }
            }
        }
        ids.check(&rec.id, i)?;
        records.push(rec);
    }
    Ok(records)
}

/// Checks that ids are present and unique, naming where a bad one is.
struct IdCheck {
    unit: &'static str,
    seen: std::collections::HashMap<String, usize>,
}

impl IdCheck {
    fn new(unit: &'static str) -> IdCheck {
        IdCheck {
            unit,
            seen: std::collections::HashMap::new(),
        }
    }

    fn check(&mut self, id: &str, at: usize) -> Result<()> {
        let unit = self.unit;
        let malformed = |message: String| {
            Error::from(InputError::Malformed {
                location: format!("{unit} {at}"),
                message,
            })
        };
        if id.is_empty() {
            return Err(malformed(
                "the id is empty; every record needs a unique id".into(),
            ));
        }
        if let Some(first) = self.seen.insert(id.to_owned(), at) {
            return Err(malformed(format!(
                "id {} already used by {unit} {first}",
                quote(id, QUOTE_MAX)
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_name_and_mapping() {
        let csv = "rec_id,given_name,surname,street_number,address_1,suburb,email2,extra\n\
                   r1,ali,kaya,12,ataturk cad,kadikoy,a@b.co,x\n";
        let mut map = ColumnMap::default();
        map.columns.insert("street_number".into(), Field::Address);
        map.columns.insert("address_1".into(), Field::Address);
        let t = read_csv(csv.as_bytes(), &map).unwrap();
        let r = &t.records[0];
        assert_eq!(r.id, "r1");
        assert_eq!(r.first_name.as_deref(), Some("ali"));
        assert_eq!(r.address.as_deref(), Some("12 ataturk cad"));
        assert_eq!(r.city.as_deref(), Some("kadikoy"));
        assert_eq!(r.emails, ["a@b.co"]);
        assert_eq!(r.attributes["extra"], "x");
        map.drop_attributes = true;
        let t = read_csv(csv.as_bytes(), &map).unwrap();
        assert!(t.records[0].attributes.is_empty());
        assert_eq!(t.records[0].emails, ["a@b.co"]);
    }

    #[test]
    fn errors_name_the_line() {
        let err = read_csv("id,name\n1,a\n1,b\n".as_bytes(), &ColumnMap::default()).unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = read_csv("name\na\n".as_bytes(), &ColumnMap::default()).unwrap_err();
        assert!(err.to_string().contains("no id column"), "{err}");
        let err = read_csv("id,name\n,a\n".as_bytes(), &ColumnMap::default()).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let err = read_csv("id,name\n1,a,b\n".as_bytes(), &ColumnMap::default()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
