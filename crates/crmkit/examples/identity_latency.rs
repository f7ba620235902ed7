//! Online matching latency: builds an index from a customer CSV (default
//! `bench/out/data/synth_1m.csv`, made by `bench/identity_synth.py`), then
//! matches 20,000 records taken from the file with a typo in the first
//! name and the phone dropped, one at a time on one thread, and prints
//! latency percentiles.
//!
//! `cargo run --release -p crmkit --example identity_latency [FILE.csv]`

use std::time::Instant;

use crmkit::identity::index::Index;
use crmkit::identity::record::{ColumnMap, read_csv};
use crmkit::identity::{Record, Settings};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench/out/data/synth_1m.csv".into());
    let mut map = ColumnMap::default();
    map.ignore.push("cluster_id".into());
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let records = read_csv(std::io::BufReader::new(file), &map)
        .expect("CSV")
        .records;
    let n = records.len();
    let start = Instant::now();
    let queries: Vec<Record> = records
        .iter()
        .step_by((n / 20_000).max(1))
        .take(20_000)
        .map(|r| {
            let mut q = r.clone();
            q.id = format!("q-{}", r.id);
            if let Some(f) = &mut q.first_name
                && f.chars().count() > 3
            {
                let mut cs: Vec<char> = f.chars().collect();
                cs.swap(1, 2);
                *f = cs.into_iter().collect();
            }
            q.phones.clear();
            q
        })
        .collect();
    let index = Index::build(records, Settings::default()).expect("index");
    println!(
        "index of {n} records built in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let mut times = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    for q in &queries {
        let t = Instant::now();
        let hits = index.match_record(q);
        times.push(t.elapsed().as_secs_f64() * 1e6);
        let original = q.id.trim_start_matches("q-");
        found += usize::from(hits.first().is_some_and(|h| {
            index
                .members(&h.entity_id)
                .is_some_and(|m| m.contains(&original))
        }));
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{} queries: p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs; top candidate is the source record's customer for {:.2}%",
        times.len(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        times[times.len() - 1],
        100.0 * found as f64 / queries.len() as f64
    );
}
