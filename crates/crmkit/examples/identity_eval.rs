//! Resolves the FEBRL and synthetic data sets in `../shared/data/identity`
//! and prints pairwise and cluster precision/recall/F1 and timings.
//!
//! `cargo run --release -p crmkit --example identity_eval [febrl3|febrl4|synth|FILE.csv]`

use std::time::Instant;

use crmkit::identity::eval::{Metrics, cluster_metrics, cluster_pair_metrics, pair_metrics};
use crmkit::identity::record::{ColumnMap, Field, read_csv};
use crmkit::identity::{Resolution, Settings, link, resolve};

const DATA: &str = "../shared/data/identity";

fn febrl_map() -> ColumnMap {
    let mut m = ColumnMap::default();
    for c in ["street_number", "address_1", "address_2"] {
        m.columns.insert(c.into(), Field::Address);
    }
    m.columns.insert("soc_sec_id".into(), Field::NationalId);
    m.columns.insert("state".into(), Field::City);
    m.ignore.push("cluster".into());
    m.ignore.push("state".into());
    m
}

fn truth_pairs(path: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(path).expect("truth file");
    r.records()
        .map(|x| {
            let x = x.expect("row");
            (x[0].to_owned(), x[1].to_owned())
        })
        .collect()
}

fn show(name: &str, m: &Metrics) {
    println!(
        "{name:<22} precision {:.4}  recall {:.4}  F1 {:.4}  (tp {} / predicted {} / true {})",
        m.precision, m.recall, m.f1, m.true_positives, m.predicted, m.actual
    );
}

fn predicted_pairs(r: &Resolution, threshold: f64) -> Vec<(String, String)> {
    r.pairs
        .iter()
        .filter(|p| p.probability >= threshold)
        .map(|p| (r.ids[p.a as usize].clone(), r.ids[p.b as usize].clone()))
        .collect()
}

fn report(r: &Resolution, truth: &[(String, String)], secs: f64) {
    println!(
        "time {secs:.3} s; candidates {}; clusters {}",
        r.blocking.pairs,
        r.cluster_count()
    );
    show(
        "pairs at 0.5",
        &pair_metrics(&predicted_pairs(r, 0.5), truth),
    );
    let cids: Vec<String> = r.cluster_ids().into_iter().map(str::to_owned).collect();
    show("cluster pairs", &cluster_pair_metrics(&r.ids, &cids, truth));
    println!(
        "prior {:.3e}; refused {:?}; households {}; warnings {:?}",
        r.model.prior,
        r.refused_merges,
        r.households.len(),
        r.model.training.warnings
    );
    for p in &r.model.parameters {
        let w: Vec<String> = p.weights().iter().map(|w| format!("{w:.1}")).collect();
        let m: Vec<String> = p.m.iter().map(|w| format!("{w:.3}")).collect();
        println!(
            "  {:<16} m [{}] w [{}]",
            p.comparison.as_str(),
            m.join(" "),
            w.join(" ")
        );
    }
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let settings = Settings::default();
    if which == "febrl3" || which == "all" {
        let t = read_csv(
            std::fs::File::open(format!("{DATA}/febrl3.csv")).expect("febrl3"),
            &febrl_map(),
        )
        .unwrap();
        let truth = truth_pairs(&format!("{DATA}/febrl3_true_pairs.csv"));
        let start = Instant::now();
        let r = resolve(&t.records, &settings).unwrap();
        println!("== FEBRL3 (dedup, {} records)", t.records.len());
        report(&r, &truth, start.elapsed().as_secs_f64());
    }
    if which == "febrl4" || which == "all" {
        let a = read_csv(
            std::fs::File::open(format!("{DATA}/febrl4a.csv")).expect("febrl4a"),
            &febrl_map(),
        )
        .unwrap();
        let b = read_csv(
            std::fs::File::open(format!("{DATA}/febrl4b.csv")).expect("febrl4b"),
            &febrl_map(),
        )
        .unwrap();
        let truth = truth_pairs(&format!("{DATA}/febrl4_true_pairs.csv"));
        let start = Instant::now();
        let r = link(&a.records, &b.records, &settings).unwrap();
        println!(
            "== FEBRL4 (link, {} + {} records)",
            a.records.len(),
            b.records.len()
        );
        report(&r, &truth, start.elapsed().as_secs_f64());
    }
    let synth = match which.as_str() {
        "synth" | "all" => Some(format!("{DATA}/synth_100k.csv")),
        other if other.ends_with(".csv") => Some(other.to_owned()),
        _ => None,
    };
    if let Some(path) = synth {
        let mut map = ColumnMap::default();
        map.ignore.push("cluster_id".into());
        let start = Instant::now();
        let t = read_csv(std::fs::File::open(&path).expect("synth"), &map).unwrap();
        let mut truth_map = ColumnMap::default();
        truth_map
            .columns
            .insert("cluster_id".into(), Field::CustomerNumber);
        let truth_ids: Vec<String> = read_csv(std::fs::File::open(&path).unwrap(), &truth_map)
            .unwrap()
            .records
            .into_iter()
            .map(|r| r.customer_numbers.into_iter().next().unwrap_or_default())
            .collect();
        let r = resolve(&t.records, &settings).unwrap();
        println!("== {path} ({} records)", t.records.len());
        let mut truth = Vec::new();
        let mut by: std::collections::HashMap<&str, Vec<&str>> = Default::default();
        for (id, c) in r.ids.iter().zip(&truth_ids) {
            by.entry(c).or_default().push(id);
        }
        for m in by.values() {
            for (i, a) in m.iter().enumerate() {
                for b in &m[i + 1..] {
                    truth.push((a.to_string(), b.to_string()));
                }
            }
        }
        report(&r, &truth, start.elapsed().as_secs_f64());
        if let Ok(n) = std::env::var("SHOW_FP") {
            let n: usize = n.parse().unwrap_or(10);
            let fps = r.pairs.iter().filter(|p| {
                p.probability >= 0.5 && truth_ids[p.a as usize] != truth_ids[p.b as usize]
            });
            for p in fps.step_by(97).take(n) {
                let (a, b) = (&t.records[p.a as usize], &t.records[p.b as usize]);
                println!("FP p={:.3}\n  {a:?}\n  {b:?}", p.probability);
                let e = r.explain(p.a as usize, p.b as usize);
                let f: Vec<String> = e
                    .fields
                    .iter()
                    .map(|f| format!("{}:{}={:.1}", f.comparison.as_str(), f.level, f.weight))
                    .collect();
                println!("  {}", f.join(" "));
            }
        }
        show(
            "cluster (labels)",
            &cluster_metrics(&r.cluster_ids(), &truth_ids),
        );
    }
}
