//! Reading survey answers from CSV.
//!
//! ```
//! use crmkit::survey::table::{read_csv, ColumnSpec};
//!
//! let data = "channel,score\nweb,10\napp,\nweb,3\n";
//! let spec = ColumnSpec { score: "score".into(), by: vec!["channel".into()], ..ColumnSpec::default() };
//! let t = read_csv(data.as_bytes(), &spec).unwrap();
//! assert_eq!(t.scores, [Some(10.0), None, Some(3.0)]);
//! assert_eq!(t.keys[1], ["app"]);
//! assert_eq!(t.lines, [2, 3, 4]);
//! ```

use super::{Position, SurveyError};
use crate::error::{Error, InputError, Result};
use crate::tabular::{BadRows, CsvFormat, CsvRows, QUOTE_MAX, Skipped, quote};
use std::io::Read;

/// Which columns of a CSV file hold what.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ColumnSpec {
    /// The answer column. Default `"score"`.
    pub score: String,
    /// Segment columns (channel, touchpoint, journey stage, period…); may be empty.
    pub by: Vec<String>,
    /// An optional weight column.
    pub weight: Option<String>,
    /// Field delimiter. Default `,`; use `;` for spreadsheets saved in Turkish
    /// and other comma-decimal locales.
    pub delimiter: u8,
    /// Rows whose number of fields differs from the header's: an error
    /// (the default) or skipped and counted in [`AnswerTable::skipped`].
    pub bad_rows: BadRows,
}

impl Default for ColumnSpec {
    fn default() -> Self {
        ColumnSpec {
            score: "score".into(),
            by: Vec::new(),
            weight: None,
            delimiter: b',',
            bad_rows: BadRows::Reject,
        }
    }
}

/// The answers of a CSV file, row-aligned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerTable {
    /// One answer per data row; `None` where the cell is empty or a missing marker.
    pub scores: Vec<Option<f64>>,
    /// One weight per data row when a weight column was named (`NaN` for an empty cell).
    pub weights: Option<Vec<f64>>,
    /// The values of the `by` columns, one `Vec` per data row.
    pub keys: Vec<Vec<String>>,
    /// The 1-based line on which each data row starts (the header is line 1;
    /// blank lines are skipped, and one directly before a row counts as its start).
    pub lines: Vec<u64>,
    /// Rows skipped under [`BadRows::Skip`].
    pub skipped: Skipped,
}

/// Cell values read as a missing answer (compared case-insensitively, after trimming).
pub const MISSING_MARKERS: &[&str] = &["", "na", "n/a", "nan", "null", "none", "-"];

fn is_missing(cell: &str) -> bool {
    MISSING_MARKERS.iter().any(|m| cell.eq_ignore_ascii_case(m))
}

fn malformed(location: String, message: impl Into<String>) -> Error {
    InputError::Malformed {
        location,
        message: message.into(),
    }
    .into()
}

impl AnswerTable {
    /// Rewrites an error that names an index into this table so that it names
    /// the file line instead.
    pub fn locate(&self, err: Error) -> Error {
        let line = |at: Position| match at {
            Position::Index(i) => self.lines.get(i).map_or(at, |&l| Position::Line(l)),
            other => other,
        };
        match err {
            Error::Survey(SurveyError::OutOfRange {
                at,
                value,
                metric,
                min,
                max,
            }) => SurveyError::OutOfRange {
                at: line(at),
                value,
                metric,
                min,
                max,
            }
            .into(),
            Error::Survey(SurveyError::InvalidWeight { at, weight }) => {
                SurveyError::InvalidWeight {
                    at: line(at),
                    weight,
                }
                .into()
            }
            other => other,
        }
    }
}

/// Reads the answers of a CSV file with a header row, under the one CSV
/// policy of [`crate::tabular`].
///
/// Errors name the line and column: a named column that is not in the
/// header, a row of the wrong length (unless [`ColumnSpec::bad_rows`] skips
/// them), a quote that is never closed, a score or weight that is not a
/// number.
pub fn read_csv<R: Read>(reader: R, spec: &ColumnSpec) -> Result<AnswerTable> {
    let mut rows = CsvRows::new(
        reader,
        &CsvFormat {
            delimiter: spec.delimiter,
            bad_rows: spec.bad_rows,
        },
    )?;
    let score_col = rows.column(&spec.score)?;
    let by_cols: Vec<usize> = spec
        .by
        .iter()
        .map(|b| rows.column(b))
        .collect::<Result<_>>()?;
    let weight_col = spec.weight.as_deref().map(|w| rows.column(w)).transpose()?;

    let mut table = AnswerTable {
        weights: weight_col.map(|_| Vec::new()),
        ..AnswerTable::default()
    };
    let mut record = csv::StringRecord::new();
    while let Some(line) = rows.next_row(&mut record)? {
        // every row has the header's length, so each named column is there
        let cell = |col: usize| record.get(col).unwrap_or_default().trim();
        let raw = cell(score_col);
        let score = if is_missing(raw) {
            None
        } else {
            Some(
                raw.parse::<f64>()
                    .ok()
                    .filter(|v| !v.is_nan())
                    .ok_or_else(|| SurveyError::NotANumber {
                        at: Position::Line(line),
                        text: cut(raw),
                    })?,
            )
        };
        if let (Some(col), Some(weights)) = (weight_col, table.weights.as_mut()) {
            let name = spec.weight.as_deref().unwrap_or_default();
            let raw = cell(col);
            let w = if raw.is_empty() {
                f64::NAN
            } else {
                raw.parse::<f64>().map_err(|_| {
                    malformed(
                        format!("line {line}, column {name:?}"),
                        format!("weight {} is not a number", quote(raw, QUOTE_MAX)),
                    )
                })?
            };
            weights.push(w);
        }
        let keys = by_cols
            .iter()
            .map(|&c| cell(c).to_owned())
            .collect::<Vec<_>>();
        table.scores.push(score);
        table.keys.push(keys);
        table.lines.push(line);
    }
    table.skipped = rows.skipped().clone();
    Ok(table)
}

/// A cell as quoted by an error: cut to [`QUOTE_MAX`] characters.
fn cut(raw: &str) -> String {
    match raw.char_indices().nth(QUOTE_MAX) {
        None => raw.to_owned(),
        Some((at, _)) => format!("{}…", &raw[..at]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::survey::{NpsOptions, nps};

    fn spec(by: &[&str], weight: Option<&str>) -> ColumnSpec {
        ColumnSpec {
            by: by.iter().map(|s| s.to_string()).collect(),
            weight: weight.map(str::to_owned),
            ..ColumnSpec::default()
        }
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = read_csv("a,b\n1,2\n".as_bytes(), &spec(&[], None)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedInput);
        assert!(e.to_string().contains("no column \"score\""), "{e}");
        let e = read_csv("score\n1\nten\n".as_bytes(), &spec(&[], None)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SurveyNotANumber);
        assert!(e.to_string().contains("line 3"), "{e}");
        let e = read_csv("x,score\n1\n".as_bytes(), &spec(&[], None)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("line 2: 1 field where the header has 2"),
            "{e}"
        );
        let e = read_csv("score,w\n1,heavy\n".as_bytes(), &spec(&[], Some("w"))).unwrap_err();
        assert!(e.to_string().contains("line 2, column \"w\""), "{e}");
    }

    #[test]
    fn out_of_range_is_located_on_its_line() {
        let t = read_csv(
            "note,score\na,1\n\"multi\nline\",2\nb,12\n".as_bytes(),
            &spec(&[], None),
        )
        .unwrap();
        let e = t.locate(nps(&t.scores, &NpsOptions::default()).unwrap_err());
        assert!(e.to_string().starts_with("answer at line 5 is 12"), "{e}");
    }

    #[test]
    fn rows_of_the_wrong_length_and_stray_quotes() {
        let data = "score,channel\n10,web\n9\n8,app,x\n7,app\n";
        let e = read_csv(data.as_bytes(), &spec(&["channel"], None)).unwrap_err();
        assert!(e.to_string().starts_with("line 3: 1 field"), "{e}");
        let lenient = ColumnSpec {
            bad_rows: BadRows::Skip,
            ..spec(&["channel"], None)
        };
        let t = read_csv(data.as_bytes(), &lenient).unwrap();
        assert_eq!(t.scores, [Some(10.0), Some(7.0)]);
        assert_eq!(t.lines, [2, 5]);
        assert_eq!(t.skipped.count, 2);
        // an unbalanced quote is an error under either policy, never rows swallowed
        let data = "score,channel\n10,web\n\"9,app\n8,web\n7,app\n";
        for s in [spec(&["channel"], None), lenient] {
            let e = read_csv(data.as_bytes(), &s).unwrap_err();
            assert!(e.to_string().starts_with("line 3: a quoted field"), "{e}");
        }
    }

    #[test]
    fn errors_quote_at_most_a_few_dozen_characters() {
        let long = "x".repeat(100_000);
        let e = read_csv(format!("score\n{long}\n").as_bytes(), &spec(&[], None)).unwrap_err();
        assert!(e.to_string().len() < 300, "{}", e.to_string().len());
        let e = nps(&[1e308], &NpsOptions::default()).unwrap_err();
        assert!(e.to_string().contains("is 1e308;"), "{e}");
    }

    #[test]
    fn semicolons_and_missing_markers() {
        let s = ColumnSpec {
            delimiter: b';',
            ..spec(&["kanal"], None)
        };
        let t = read_csv("kanal;score\nşube;N/A\nweb; 9 \n".as_bytes(), &s).unwrap();
        assert_eq!(t.scores, [None, Some(9.0)]);
        assert_eq!(t.keys, [vec!["şube".to_string()], vec!["web".to_string()]]);
    }
}
