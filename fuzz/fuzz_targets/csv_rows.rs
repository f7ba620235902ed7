//! Any bytes through the one row readers of every command and capability
//! (`crmkit::tabular`): never a panic; CSV rows have the header's length,
//! and no row is lost without being counted: under the skipping policy the
//! rows read plus the rows skipped are every record the `csv` crate sees.
//! The same bytes as rows given as JSON (an array or JSON Lines), as handled
//! complaints and as a contact validity policy: a value or an error that
//! names where.
#![no_main]

use crmkit::tabular::{BadRows, CsvFormat, CsvRows};
use libfuzzer_sys::fuzz_target;

fn read(data: &[u8], format: &CsvFormat) -> Option<(Vec<csv::StringRecord>, u64)> {
    let mut rows = CsvRows::new(data, format).ok()?;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rows.next_row(&mut record) {
            Ok(Some(_)) => {
                assert_eq!(record.len(), rows.headers().len());
                out.push(record.clone());
            }
            Ok(None) => return Some((out, rows.skipped().count)),
            Err(e) => {
                // an error names where it is
                let text = e.to_string();
                assert!(text.starts_with("line ") || text.starts_with("header"), "{text}");
                return None;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match crmkit::tabular::json_rows::<serde_json::Value>(text) {
            Ok(_) => {}
            Err(e) => {
                let m = e.to_string();
                assert!(m.starts_with("line ") || m.starts_with("element "), "{m}");
            }
        }
        let _ = crmkit::tabular::json_rows::<crmkit::complaint::report::Handled>(text);
        if let Ok(policy) = serde_json::from_str::<crmkit::contact::score::Policy>(text) {
            let _ = policy.validate();
        }
    }
    for delimiter in [b',', b';'] {
        let strict = CsvFormat { delimiter, bad_rows: BadRows::Reject };
        let lenient = CsvFormat { delimiter, bad_rows: BadRows::Skip };
        let skipped = read(data, &lenient);
        if let Some((rows, count)) = &skipped {
            let mut plain = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_reader(data);
            let all = plain.records().filter(Result::is_ok).count() as u64;
            assert_eq!(rows.len() as u64 + count, all);
        }
        if let Some((rows, count)) = read(data, &strict) {
            assert_eq!(count, 0);
            // a file read whole under the strict policy reads the same leniently
            let (lenient_rows, lenient_count) = skipped.expect("strict read, lenient failed");
            assert_eq!(lenient_count, 0);
            assert_eq!(rows, lenient_rows);
        }
    }
});
