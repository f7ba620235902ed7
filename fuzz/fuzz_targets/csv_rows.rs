//! Any bytes through the one CSV reader of every command and capability
//! (`crmkit::tabular`): never a panic, every row has the header's length,
//! and no row is lost without being counted: under the skipping policy the
//! rows read plus the rows skipped are every record the `csv` crate sees.
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
