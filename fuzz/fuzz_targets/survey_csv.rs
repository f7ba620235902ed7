//! Any bytes as a survey CSV: reading and computing never panic, and every
//! result that comes back is in range.
#![no_main]

use crmkit::survey::table::{ColumnSpec, read_csv};
use crmkit::survey::{self, CsatOptions, NpsOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let specs = [
        ColumnSpec::default(),
        ColumnSpec {
            by: vec!["channel".into()],
            weight: Some("w".into()),
            ..ColumnSpec::default()
        },
        ColumnSpec {
            delimiter: b';',
            ..ColumnSpec::default()
        },
    ];
    for spec in &specs {
        let Ok(table) = read_csv(data, spec) else {
            continue;
        };
        assert_eq!(table.scores.len(), table.lines.len());
        assert_eq!(table.scores.len(), table.keys.len());
        let result = match &table.weights {
            Some(w) => survey::nps_weighted(&table.scores, w, &NpsOptions::default()),
            None => survey::nps(&table.scores, &NpsOptions::default()),
        };
        match result {
            Ok(r) => {
                assert!((-100.0..=100.0).contains(&r.nps), "{r:?}");
                assert!(r.low <= r.high);
                assert_eq!(r.n + r.missing, table.scores.len() as u64);
            }
            Err(e) => {
                // errors must name where the problem is
                let located = table.locate(e);
                let _ = located.to_string();
            }
        }
        if let Ok(c) = survey::csat(&table.scores, &CsatOptions::default()) {
            assert!((0.0..=100.0).contains(&c.csat));
        }
    }
});
