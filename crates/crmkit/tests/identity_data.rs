//! Quality on the FEBRL and synthetic customer data sets in
//! `../shared/data/identity` (skipped with a message when absent). The
//! targets are the library's documented quality at the default threshold.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crmkit::identity::eval::{Metrics, cluster_metrics, cluster_pair_metrics, pair_metrics};
use crmkit::identity::record::{ColumnMap, Field, read_csv};
use crmkit::identity::{Resolution, Settings, link, resolve};

fn data(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/identity")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is not present", p.display());
        None
    }
}

fn febrl_map() -> ColumnMap {
    let mut m = ColumnMap::default();
    for c in ["street_number", "address_1", "address_2"] {
        m.columns.insert(c.into(), Field::Address);
    }
    m.columns.insert("soc_sec_id".into(), Field::NationalId);
    m.ignore.push("cluster".into());
    m
}

fn truth(path: &Path) -> Vec<(String, String)> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect()
}

fn linked_pairs(r: &Resolution) -> Vec<(String, String)> {
    r.pairs
        .iter()
        .filter(|p| p.probability >= Settings::default().threshold)
        .map(|p| (r.ids[p.a as usize].clone(), r.ids[p.b as usize].clone()))
        .collect()
}

fn cluster_pairs(r: &Resolution, t: &[(String, String)]) -> Metrics {
    let cids: Vec<String> = r.cluster_ids().into_iter().map(str::to_owned).collect();
    cluster_pair_metrics(&r.ids, &cids, t)
}

#[test]
fn febrl3_dedup() {
    let (Some(f), Some(t)) = (data("febrl3.csv"), data("febrl3_true_pairs.csv")) else {
        return;
    };
    let recs = read_csv(std::fs::File::open(f).unwrap(), &febrl_map())
        .unwrap()
        .records;
    let r = resolve(&recs, &Settings::default()).unwrap();
    let t = truth(&t);
    let pairs = pair_metrics(&linked_pairs(&r), &t);
    let clusters = cluster_pairs(&r, &t);
    eprintln!("FEBRL3 pairs {pairs:?}\nFEBRL3 clusters {clusters:?}");
    assert!(clusters.f1 >= 0.996, "{clusters:?}");
    assert!(pairs.precision >= 0.999, "{pairs:?}");
}

#[test]
fn febrl4_link() {
    let (Some(a), Some(b), Some(t)) = (
        data("febrl4a.csv"),
        data("febrl4b.csv"),
        data("febrl4_true_pairs.csv"),
    ) else {
        return;
    };
    let a = read_csv(std::fs::File::open(a).unwrap(), &febrl_map())
        .unwrap()
        .records;
    let b = read_csv(std::fs::File::open(b).unwrap(), &febrl_map())
        .unwrap()
        .records;
    let r = link(&a, &b, &Settings::default()).unwrap();
    let t = truth(&t);
    let pairs = pair_metrics(&linked_pairs(&r), &t);
    let clusters = cluster_pairs(&r, &t);
    eprintln!("FEBRL4 pairs {pairs:?}\nFEBRL4 clusters {clusters:?}");
    assert!(pairs.f1 >= 0.999, "{pairs:?}");
    assert!(clusters.f1 >= 0.998, "{clusters:?}");
}

#[test]
fn synthetic_customers_100k() {
    let Some(path) = data("synth_100k.csv") else {
        return;
    };
    let mut map = ColumnMap::default();
    map.columns
        .insert("cluster_id".into(), Field::CustomerNumber);
    let mut recs = read_csv(std::fs::File::open(path).unwrap(), &map)
        .unwrap()
        .records;
    // the truth column must not be an input
    let truth: Vec<String> = recs
        .iter_mut()
        .map(|r| r.customer_numbers.remove(0))
        .collect();
    let r = resolve(&recs, &Settings::default()).unwrap();
    let clusters = cluster_metrics(&r.cluster_ids(), &truth);
    let by_truth: HashMap<&str, Vec<&str>> =
        r.ids
            .iter()
            .zip(&truth)
            .fold(HashMap::new(), |mut m, (id, c)| {
                m.entry(c.as_str())
                    .or_insert_with(Vec::new)
                    .push(id.as_str());
                m
            });
    let mut t = Vec::new();
    for ids in by_truth.values() {
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                t.push(((*a).to_owned(), (*b).to_owned()));
            }
        }
    }
    let pairs = pair_metrics(&linked_pairs(&r), &t);
    eprintln!("synth pairs {pairs:?}\nsynth clusters {clusters:?}");
    assert!(pairs.f1 >= 0.98, "{pairs:?}");
    assert!(clusters.f1 >= 0.98, "{clusters:?}");
}
