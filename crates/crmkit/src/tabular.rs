//! One way to read rows for every capability: the survey and identity
//! readers and the `crmkit` command all read CSV through [`CsvRows`], and
//! rows given as JSON (an array, or JSON Lines) through [`json_rows`], so a
//! malformed file is treated the same everywhere.
//!
//! The policy:
//!
//! - The first row is the header; an empty file is an error.
//! - Every row must have as many fields as the header. By default
//!   ([`BadRows::Reject`]) the first row that does not is an error naming its
//!   line; with [`BadRows::Skip`] such rows are skipped and counted
//!   ([`CsvRows::skipped`]), so the caller can say how many.
//! - A quoted field that is never closed swallows the rest of the file into
//!   one field; that is always an error naming the line where the quote
//!   opened, whatever the policy, since no later row can be trusted.
//! - Blank lines are ignored (one directly before a row counts as the row's
//!   first line, as in the `csv` crate); a quoted field may span lines.
//!
//! ```
//! use crmkit::tabular::{BadRows, CsvFormat, CsvRows};
//!
//! let data = "id,score\n1,9\n2,7,extra\n3,10\n";
//! // strict by default: the row with three fields is an error
//! let mut rows = CsvRows::new(data.as_bytes(), &CsvFormat::default()).unwrap();
//! let mut record = csv::StringRecord::new();
//! assert!(rows.next_row(&mut record).unwrap().is_some());
//! let err = rows.next_row(&mut record).unwrap_err();
//! assert!(err.to_string().starts_with("line 3:"), "{err}");
//!
//! // lenient: skipped and counted
//! let format = CsvFormat { bad_rows: BadRows::Skip, ..CsvFormat::default() };
//! let mut rows = CsvRows::new(data.as_bytes(), &format).unwrap();
//! let mut lines = Vec::new();
//! while let Some(line) = rows.next_row(&mut record).unwrap() {
//!     lines.push(line);
//! }
//! assert_eq!(lines, [2, 4]);
//! assert_eq!(rows.skipped().count, 1);
//! assert_eq!(rows.skipped().first[0].line, 3);
//! ```

use crate::error::{Error, InputError, Result};
use std::io::Read;

/// What to do with a row whose number of fields differs from the header's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadRows {
    /// The first such row is an error naming its line (the default).
    #[default]
    Reject,
    /// Such rows are skipped and counted.
    Skip,
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvFormat {
    /// Field delimiter (default `,`).
    pub delimiter: u8,
    /// What to do with rows of the wrong length.
    pub bad_rows: BadRows,
}

impl Default for CsvFormat {
    fn default() -> Self {
        CsvFormat {
            delimiter: b',',
            bad_rows: BadRows::Reject,
        }
    }
}

/// A row skipped under [`BadRows::Skip`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// The line on which the row starts.
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

/// The rows skipped so far: how many, and the first few of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// How many rows were skipped.
    pub count: u64,
    /// The first [`Skipped::KEPT`] of them.
    pub first: Vec<SkippedRow>,
}

impl Skipped {
    /// How many skipped rows are kept with their reason.
    pub const KEPT: usize = 10;

    /// Counts a skipped row, keeping it if it is one of the first few.
    pub fn push(&mut self, row: SkippedRow) {
        self.count += 1;
        if self.first.len() < Self::KEPT {
            self.first.push(row);
        }
    }

    /// A one-line account, e.g. `skipped 2 malformed rows (lines 3, 9)`,
    /// or `None` when nothing was skipped.
    pub fn summary(&self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let lines: Vec<String> = self.first.iter().map(|r| r.line.to_string()).collect();
        let more = if self.count > self.first.len() as u64 {
            ", …"
        } else {
            ""
        };
        Some(format!(
            "skipped {} malformed row{} (line{} {}{more})",
            self.count,
            if self.count == 1 { "" } else { "s" },
            if self.first.len() == 1 { "" } else { "s" },
            lines.join(", ")
        ))
    }
}

/// At most `max` characters of `text`, quoted, with `…` and the full length
/// when it was cut: for error messages, which must never echo a whole
/// record or a megabyte field.
///
/// ```
/// use crmkit::tabular::quote;
/// assert_eq!(quote("ten", 80), "\"ten\"");
/// let long = "x".repeat(1000);
/// assert_eq!(quote(&long, 5), "\"xxxxx\"… (1000 characters)");
/// ```
pub fn quote(text: &str, max: usize) -> String {
    match cut_at(text, max) {
        None => format!("{text:?}"),
        Some(at) => format!("{:?}… ({} characters)", &text[..at], text.chars().count()),
    }
}

/// At most `max` characters of `text`, with `…` when it was cut: for error
/// messages that quote the value themselves.
///
/// ```
/// use crmkit::tabular::cut;
/// assert_eq!(cut("ten", 80), "ten");
/// assert_eq!(cut("çğıöşü", 3), "çğı…");
/// ```
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match cut_at(text, max) {
        None => text.into(),
        Some(at) => format!("{}…", &text[..at]).into(),
    }
}

/// The byte offset after `max` characters, when `text` is longer.
fn cut_at(text: &str, max: usize) -> Option<usize> {
    text.char_indices().nth(max).map(|(at, _)| at)
}

/// The length to which error messages cut the values they quote.
pub const QUOTE_MAX: usize = 80;

fn malformed(location: String, message: impl Into<String>) -> Error {
    InputError::Malformed {
        location,
        message: message.into(),
    }
    .into()
}

/// Reads rows given as JSON: an array of values, or one value per line
/// (JSON Lines, blank lines skipped), the one reader of that choice for
/// every capability. An error names the line (JSON Lines) or the element
/// (array, counting from 0) and what serde expected there.
///
/// ```
/// use crmkit::tabular::json_rows;
///
/// let rows: Vec<serde_json::Value> = json_rows("{\"id\": 1}\n\n{\"id\": 2}\n").unwrap();
/// assert_eq!(rows.len(), 2);
/// let same: Vec<serde_json::Value> = json_rows("[{\"id\": 1}, {\"id\": 2}]").unwrap();
/// assert_eq!(rows, same);
/// let e = json_rows::<u32>("1\ntwo\n").unwrap_err();
/// assert!(e.to_string().starts_with("line 2, column 2:"), "{e}");
/// let e = json_rows::<u32>("[1, -2]").unwrap_err();
/// assert!(e.to_string().starts_with("element 1:"), "{e}");
/// ```
pub fn json_rows<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    // serde_json ends its messages with "at line L column C", said here
    // in the location instead
    let message = |e: &serde_json::Error| {
        let text = e.to_string();
        text.rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m)
            .to_owned()
    };
    if text.trim_start().starts_with('[') {
        let values: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
            malformed(
                format!("line {}, column {}", e.line(), e.column()),
                format!("not a JSON array: {}", message(&e)),
            )
        })?;
        return values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(v)
                    .map_err(|e| malformed(format!("element {i}"), e.to_string()))
            })
            .collect();
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                malformed(
                    format!("line {}, column {}", i + 1, e.column()),
                    message(&e),
                )
            })
        })
        .collect()
}

/// CSV rows under the policy of the [module](self).
#[derive(Debug)]
pub struct CsvRows<R: Read> {
    reader: csv::Reader<QuoteWatch<R>>,
    headers: csv::StringRecord,
    bad_rows: BadRows,
    skipped: Skipped,
}

impl<R: Read> CsvRows<R> {
    /// Reads the header row.
    pub fn new(reader: R, format: &CsvFormat) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(format.delimiter)
            .flexible(true)
            .from_reader(QuoteWatch::new(reader, format.delimiter));
        let headers = reader
            .headers()
            .map_err(|e| malformed("header".into(), read_error(&e)))?
            .clone();
        if let Some(open) = reader.get_ref().unclosed {
            return Err(unclosed(open));
        }
        if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
            return Err(malformed(
                "header".into(),
                "the file is empty; expected a header row with the column names",
            ));
        }
        Ok(CsvRows {
            reader,
            headers,
            bad_rows: format.bad_rows,
            skipped: Skipped::default(),
        })
    }

    /// The header row.
    pub fn headers(&self) -> &csv::StringRecord {
        &self.headers
    }

    /// The index of the column named `name` (compared after trimming
    /// spaces and a byte-order mark), or an error that lists the columns.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.find(name).ok_or_else(|| {
            let names: Vec<&str> = self.headers.iter().collect();
            malformed(
                "header".into(),
                format!(
                    "no column {}; the columns are {}",
                    quote(name, QUOTE_MAX),
                    quote(&format!("{names:?}"), 4 * QUOTE_MAX)
                ),
            )
        })
    }

    /// The index of the column named `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
    }

    /// Reads the next row into `record` and returns the line on which it
    /// starts, or `None` at the end of the input.
    pub fn next_row(&mut self, record: &mut csv::StringRecord) -> Result<Option<u64>> {
        loop {
            let more = self.reader.read_record(record);
            if let Some(open) = self.reader.get_ref().unclosed {
                return Err(unclosed(open));
            }
            let more = more.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                malformed(format!("line {line}"), read_error(&e))
            })?;
            if !more {
                return Ok(None);
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() == self.headers.len() {
                return Ok(Some(line));
            }
            let reason = format!(
                "{} field{} where the header has {} (a stray delimiter or quote?)",
                record.len(),
                if record.len() == 1 { "" } else { "s" },
                self.headers.len()
            );
            match self.bad_rows {
                BadRows::Reject => {
                    return Err(malformed(
                        format!("line {line}"),
                        format!("{reason}; fix the row, or skip such rows with the lenient policy"),
                    ));
                }
                BadRows::Skip => self.skipped.push(SkippedRow { line, reason }),
            }
        }
    }

    /// The rows skipped so far under [`BadRows::Skip`].
    pub fn skipped(&self) -> &Skipped {
        &self.skipped
    }
}

fn read_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not valid UTF-8; save the file as UTF-8",
            err.field() + 1
        ),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    }
}

fn unclosed(open: u64) -> Error {
    malformed(
        format!("line {open}"),
        "a quoted field opens here and is never closed (a stray `\"`?), \
         so the rest of the file would be read as one field",
    )
}

/// Follows the quoting of the bytes the CSV reader sees, to tell a quoted
/// field that is still open at the end of the input: the `csv` crate ends
/// such a field silently at the end of the input, which would make the rest
/// of the file one field of one row.
#[derive(Debug)]
struct QuoteWatch<R> {
    inner: R,
    delimiter: u8,
    state: Quoting,
    line: u64,
    open_line: u64,
    at_start: bool,
    /// Set at the end of the input when a quoted field is still open: the
    /// line where it opened.
    unclosed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of the field, or the first
    /// half of an escaped `""`.
    QuoteInQuoted,
}

impl<R> QuoteWatch<R> {
    fn new(inner: R, delimiter: u8) -> Self {
        QuoteWatch {
            inner,
            delimiter,
            state: Quoting::FieldStart,
            line: 1,
            open_line: 1,
            at_start: true,
            unclosed: None,
        }
    }

    fn follow(&mut self, mut bytes: &[u8]) {
        if self.at_start && !bytes.is_empty() {
            self.at_start = false;
            // the reader drops a UTF-8 byte-order mark before the header
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
            }
        }
        for &b in bytes {
            let newline = b == b'\n' || b == b'\r';
            self.state = match self.state {
                Quoting::FieldStart if b == b'"' => {
                    self.open_line = self.line;
                    Quoting::Quoted
                }
                Quoting::FieldStart | Quoting::Unquoted | Quoting::QuoteInQuoted
                    if newline || b == self.delimiter =>
                {
                    Quoting::FieldStart
                }
                Quoting::FieldStart | Quoting::Unquoted => Quoting::Unquoted,
                Quoting::Quoted if b == b'"' => Quoting::QuoteInQuoted,
                Quoting::Quoted => Quoting::Quoted,
                Quoting::QuoteInQuoted if b == b'"' => Quoting::Quoted,
                Quoting::QuoteInQuoted => Quoting::Unquoted,
            };
            if b == b'\n' {
                self.line += 1;
            }
        }
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if buf.is_empty() {
                return Ok(0);
            }
            if self.state == Quoting::Quoted {
                self.unclosed = Some(self.open_line);
            }
        } else {
            self.follow(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    fn read_all(data: &str, bad_rows: BadRows) -> Result<(Vec<Vec<String>>, Skipped)> {
        let format = CsvFormat {
            bad_rows,
            ..CsvFormat::default()
        };
        let mut rows = CsvRows::new(data.as_bytes(), &format)?;
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while rows.next_row(&mut record)?.is_some() {
            out.push(record.iter().map(str::to_owned).collect());
        }
        Ok((out, rows.skipped().clone()))
    }

    #[test]
    fn a_stray_quote_is_an_error_naming_its_line_in_both_policies() {
        let data = "score,channel\n10,web\n\"9,app\n8,web\n7,app\n";
        for policy in [BadRows::Reject, BadRows::Skip] {
            let e = read_all(data, policy).unwrap_err();
            assert_eq!(e.code(), ErrorCode::MalformedInput);
            assert!(e.to_string().starts_with("line 3: a quoted field"), "{e}");
        }
        // a quote in the header
        let e = read_all("\"score,channel\n1,2\n", BadRows::Reject).unwrap_err();
        assert!(e.to_string().starts_with("line 1: a quoted field"), "{e}");
    }

    #[test]
    fn quoted_fields_may_span_lines_and_escape_quotes() {
        let data = "id,note\n1,\"two\nlines\"\n2,\"say \"\"hi\"\"\"\n3,5\" screen\n";
        let (rows, skipped) = read_all(data, BadRows::Reject).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][1], "two\nlines");
        assert_eq!(rows[1][1], "say \"hi\"");
        assert_eq!(rows[2][1], "5\" screen");
        assert_eq!(skipped.count, 0);
    }

    #[test]
    fn rows_of_the_wrong_length_are_rejected_or_skipped_and_counted() {
        let data = "a,b,c\n1,2,3\n1,2\n\n1,2,3,4\n4,5,6\n";
        let e = read_all(data, BadRows::Reject).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("line 3: 2 fields where the header has 3"),
            "{e}"
        );
        let (rows, skipped) = read_all(data, BadRows::Skip).unwrap();
        assert_eq!(rows, [["1", "2", "3"], ["4", "5", "6"]]);
        assert_eq!(skipped.count, 2);
        // as in the `csv` crate, a blank line directly before a row counts as its start
        assert_eq!(
            skipped.first.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3, 4]
        );
        assert_eq!(
            skipped.summary().unwrap(),
            "skipped 2 malformed rows (lines 3, 4)"
        );
    }

    #[test]
    fn empty_input_and_bad_utf8_are_errors() {
        let e = read_all("", BadRows::Reject).unwrap_err();
        assert!(e.to_string().contains("the file is empty"), "{e}");
        let mut rows = CsvRows::new(&b"a\n\xff\n"[..], &CsvFormat::default()).unwrap();
        let e = rows.next_row(&mut csv::StringRecord::new()).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_before_a_quoted_header_is_not_a_stray_quote() {
        let data = "\u{feff}\"id\",\"na,me\"\n1,x\n";
        let (rows, _) = read_all(data, BadRows::Reject).unwrap();
        assert_eq!(rows, [["1", "x"]]);
    }

    #[test]
    fn quote_cuts_long_values() {
        assert_eq!(quote("ğü", 1), "\"ğ\"… (2 characters)");
        assert_eq!(quote("", 3), "\"\"");
    }

    proptest! {
        /// Whatever the bytes, reading never panics; a file written by a
        /// CSV writer is read back whole, row for row.
        #[test]
        fn written_rows_read_back(rows in proptest::collection::vec(
            proptest::collection::vec("[a-z\"\n, ]{0,6}", 3), 0..20)) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["a", "b", "c"]).unwrap();
            for r in &rows {
                w.write_record(r).unwrap();
            }
            let data = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let (back, skipped) = read_all(&data, BadRows::Reject).unwrap();
            let expected: Vec<Vec<String>> = rows.into_iter().collect();
            prop_assert_eq!(skipped.count, 0);
            prop_assert_eq!(back, expected);
        }

        #[test]
        fn any_bytes_give_rows_or_an_error(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            for policy in [BadRows::Reject, BadRows::Skip] {
                let format = CsvFormat { bad_rows: policy, ..CsvFormat::default() };
                if let Ok(mut rows) = CsvRows::new(data.as_slice(), &format) {
                    let mut record = csv::StringRecord::new();
                    while let Ok(Some(_)) = rows.next_row(&mut record) {
                        prop_assert_eq!(record.len(), rows.headers().len());
                    }
                }
            }
        }
    }
}
