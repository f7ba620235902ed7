//! Any text as identity records (JSON or NDJSON) and as CSV: errors, never
//! panics; records that read are resolved, every record lands in exactly
//! one cluster, explanations add up, and the index answers a query.
#![no_main]

use crmkit::identity::index::Index;
use crmkit::identity::record::{ColumnMap, read_csv, records_from_json};
use crmkit::identity::{Settings, resolve};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let map = ColumnMap::default();
    let mut records = records_from_json(text, &map).unwrap_or_default();
    if let Ok(t) = read_csv(text.as_bytes(), &map) {
        records.extend(t.records);
    }
    records.truncate(40);
    let mut seen = std::collections::HashSet::new();
    records.retain(|r| seen.insert(r.id.clone()));
    if records.is_empty() {
        return;
    }
    let res = resolve(&records, &Settings::default()).expect("valid records resolve");
    assert_eq!(res.cluster_of.len(), records.len());
    for (i, &c) in res.cluster_of.iter().enumerate() {
        assert_eq!(res.cluster_of[c], c, "record {i}");
    }
    if records.len() >= 2 {
        let e = res.explain(0, 1);
        let sum = e.prior + e.fields.iter().map(|f| f.weight).sum::<f64>();
        assert!((sum - e.weight).abs() < 1e-6);
        assert!((0.0..=1.0).contains(&e.probability));
    }
    let query = records[0].clone();
    let index = Index::from_resolution(records, res, Settings::default());
    let _ = index.match_record(&query);
});
