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
use super::{Scale, Tally};
use crate::error::{Error, InputError, Result};
use crate::tabular::{BadRows, CsvFormat, CsvRows, QUOTE_MAX, Skipped, cut, quote};
use std::collections::HashMap;
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

/// The rows of a survey CSV file, one answer at a time.
struct AnswerRows<R: Read> {
    rows: CsvRows<R>,
    record: csv::StringRecord,
    score_col: usize,
    by_cols: Vec<usize>,
    weight: Option<(usize, String)>,
}

/// One row: its line, answer, weight (`NaN` for an empty cell) and the
/// values of the `by` columns (read with [`AnswerRows::key`]).
struct AnswerRow {
    line: u64,
    score: Option<f64>,
    weight: Option<f64>,
}

impl<R: Read> AnswerRows<R> {
    fn new(reader: R, spec: &ColumnSpec) -> Result<Self> {
        let rows = CsvRows::new(
            reader,
            &CsvFormat {
                delimiter: spec.delimiter,
                bad_rows: spec.bad_rows,
            },
        )?;
        let score_col = rows.column(&spec.score)?;
        let by_cols = spec
            .by
            .iter()
            .map(|b| rows.column(b))
            .collect::<Result<_>>()?;
        let weight = match spec.weight.as_deref() {
            Some(w) => Some((rows.column(w)?, w.to_owned())),
            None => None,
        };
        Ok(AnswerRows {
            rows,
            record: csv::StringRecord::new(),
            score_col,
            by_cols,
            weight,
        })
    }

    /// A cell of the current row; every row has the header's length, so
    /// each named column is there.
    fn cell(&self, col: usize) -> &str {
        self.record.get(col).unwrap_or_default().trim()
    }

    fn next(&mut self) -> Result<Option<AnswerRow>> {
        let Some(line) = self.rows.next_row(&mut self.record)? else {
            return Ok(None);
        };
        let raw = self.cell(self.score_col);
        let score = if is_missing(raw) {
            None
        } else {
            Some(
                raw.parse::<f64>()
                    .ok()
                    .filter(|v| !v.is_nan())
                    .ok_or_else(|| SurveyError::NotANumber {
                        at: Position::Line(line),
                        text: cut(raw, QUOTE_MAX).into_owned(),
                    })?,
            )
        };
        let weight = match &self.weight {
            None => None,
            Some((col, name)) => {
                let raw = self.cell(*col);
                Some(if raw.is_empty() {
                    f64::NAN
                } else {
                    raw.parse::<f64>().map_err(|_| {
                        malformed(
                            format!("line {line}, column {name:?}"),
                            format!("weight {} is not a number", quote(raw, QUOTE_MAX)),
                        )
                    })?
                })
            }
        };
        Ok(Some(AnswerRow {
            line,
            score,
            weight,
        }))
    }

    /// The values of the `by` columns of the current row.
    fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_cols.iter().map(|&c| self.cell(c))
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
    let mut rows = AnswerRows::new(reader, spec)?;
    let mut table = AnswerTable {
        weights: rows.weight.as_ref().map(|_| Vec::new()),
        ..AnswerTable::default()
    };
    while let Some(row) = rows.next()? {
        if let (Some(w), Some(weights)) = (row.weight, table.weights.as_mut()) {
            weights.push(w);
        }
        table.scores.push(row.score);
        table.keys.push(rows.keys().map(str::to_owned).collect());
        table.lines.push(row.line);
    }
    table.skipped = rows.rows.skipped().clone();
    Ok(table)
}

/// The tallies of a CSV file: the whole file and each segment.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTallies {
    /// Every answer of the file.
    pub overall: Tally,
    /// One tally per distinct combination of the `by` columns' values
    /// (joined with `" / "`), in ascending order of that key.
    pub segments: Vec<(String, Tally)>,
    /// Rows skipped under [`BadRows::Skip`].
    pub skipped: Skipped,
}

/// Tallies a CSV file as it is read, overall and per segment, keeping only
/// the tallies in memory (not the rows): a file of any length in memory
/// that grows with the number of segments.
///
/// Errors are those of [`read_csv`], and an answer off `scale` or a bad
/// weight, each naming its line.
///
/// ```
/// use crmkit::survey::table::{tally_csv, ColumnSpec};
/// use crmkit::survey::{Nps, NpsOptions, Scale};
///
/// let data = "channel,score\nweb,10\napp,3\nweb,9\n";
/// let spec = ColumnSpec { by: vec!["channel".into()], ..ColumnSpec::default() };
/// let t = tally_csv(data.as_bytes(), &spec, Scale::NPS, "NPS").unwrap();
/// assert_eq!(t.overall.n(), 3);
/// assert_eq!(t.segments[0].0, "app");
/// let web = Nps::from_tally(&t.segments[1].1, &NpsOptions::default()).unwrap();
/// assert_eq!(web.nps, 100.0);
/// ```
pub fn tally_csv<R: Read>(
    reader: R,
    spec: &ColumnSpec,
    scale: Scale,
    metric: &'static str,
) -> Result<CsvTallies> {
    let mut rows = AnswerRows::new(reader, spec)?;
    let segmented = !spec.by.is_empty();
    let mut overall = Tally::new(scale);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut segments: Vec<(String, Tally)> = Vec::new();
    let mut key = String::new();
    while let Some(row) = rows.next()? {
        let at = Position::Line(row.line);
        let push = |t: &mut Tally| match row.weight {
            None => t.push(row.score),
            Some(w) => t.push_weighted(row.score, w),
        };
        push(&mut overall).map_err(|e| located(e, at, metric))?;
        if segmented {
            key.clear();
            for (i, k) in rows.keys().enumerate() {
                if i > 0 {
                    key.push_str(" / ");
                }
                key.push_str(k);
            }
            let slot = match index.get(key.as_str()) {
                Some(&slot) => slot,
                None => {
                    index.insert(key.clone(), segments.len());
                    segments.push((key.clone(), Tally::new(scale)));
                    segments.len() - 1
                }
            };
            // the overall push has checked the answer and its weight
            push(&mut segments[slot].1).map_err(|e| located(e, at, metric))?;
        }
    }
    drop(index);
    segments.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(CsvTallies {
        overall,
        segments,
        skipped: rows.rows.skipped().clone(),
    })
}

/// An error of [`Tally::push`] placed on a file line, for `metric`.
fn located(e: SurveyError, at: Position, metric: &'static str) -> Error {
    match e {
        SurveyError::OutOfRange {
            value, min, max, ..
        } => SurveyError::OutOfRange {
            at,
            value,
            metric,
            min,
            max,
        },
        SurveyError::InvalidWeight { weight, .. } => SurveyError::InvalidWeight { at, weight },
        other => other,
    }
    .into()
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
    fn tallies_as_read_equal_tallies_of_the_table() {
        use crate::survey::{group_codes, tally_by_code};
        let data = "ch,tp,score,w\nweb,a,10,1\napp,b,3,2\nweb,a,,1\nweb,b,9,0.5\napp,b,7,1\n";
        for weight in [None, Some("w")] {
            let s = spec(&["ch", "tp"], weight);
            let streamed = tally_csv(data.as_bytes(), &s, Scale::NPS, "NPS").unwrap();
            let t = read_csv(data.as_bytes(), &s).unwrap();
            let w = t.weights.as_deref();
            let overall = Tally::from_answers(Scale::NPS, &t.scores, w, "NPS").unwrap();
            let keys: Vec<String> = t.keys.iter().map(|k| k.join(" / ")).collect();
            let (distinct, codes) = group_codes(&keys);
            let per =
                tally_by_code(Scale::NPS, &t.scores, &codes, distinct.len(), w, "NPS").unwrap();
            assert_eq!(streamed.overall.counts(), overall.counts());
            assert_eq!(streamed.overall.missing(), overall.missing());
            assert_eq!(streamed.overall.total_weight(), overall.total_weight());
            let names: Vec<&str> = streamed.segments.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, ["app / b", "web / a", "web / b"]);
            assert_eq!(names, distinct);
            for ((_, a), b) in streamed.segments.iter().zip(&per) {
                assert_eq!(a.counts(), b.counts());
                assert_eq!(a.total_weight(), b.total_weight());
            }
        }
        let e = tally_csv(
            "score\n1\n12\n".as_bytes(),
            &spec(&[], None),
            Scale::NPS,
            "NPS",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "answer at line 3 is 12; NPS expects a whole number from 0 to 10"
        );
        let e = tally_csv(
            "score,w\n1,-1\n".as_bytes(),
            &spec(&[], Some("w")),
            Scale::NPS,
            "NPS",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("weight at line 2"), "{e}");
        let empty = tally_csv(
            "score,ch\n".as_bytes(),
            &spec(&["ch"], None),
            Scale::NPS,
            "NPS",
        )
        .unwrap();
        assert!(empty.segments.is_empty());
        assert_eq!(empty.overall.rows(), 0);
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
