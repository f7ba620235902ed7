//! Turkish complaints: what stems, class weights and a cross-validated `c`
//! do for the classifier, on two held-out splits of the generated
//! complaints and with balanced or imbalanced training data.
//!
//! - "unseen phrasing": trains on half of each category's sentences (seed 1)
//!   and tests on the other half (seed 2);
//! - "held out": also halves the vocabulary (brands, products, cities,
//!   context sentences, titles, note phrases) and the registers: training
//!   sees formal and neutral text, the test informal text and angry
//!   capitals, with brands, products and phrases training never saw.
//!
//! "Imbalanced" keeps 120 training texts of a sector's first category and
//! a third fewer for each next one (down to about 8); the test set stays
//! balanced, so accuracy and macro-F1 weigh every category alike.
//!
//! Run: `cargo run --release -p crmkit --example classifier_tr --
//! [--per-category N] [--json]`. Prints, per configuration, the accuracy
//! and macro-F1 averaged over the four sectors, and per sector.

#[path = "../tests/support/tr_complaints.rs"]
mod tr_complaints;
#[path = "../tests/support/tr_eval.rs"]
mod tr_eval;

use crmkit::complaint::classifier::{ClassWeight, Classifier, Stemmer, TrainOptions};
use tr_complaints::{Complaint, Phrasing, SECTORS, categories, generate};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let per_category: usize = args
        .iter()
        .position(|a| a == "--per-category")
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("--per-category: expected a whole number, got {v:?}");
                std::process::exit(2)
            })
        })
        .unwrap_or(120);
    let splits = [
        (
            "unseen phrasing",
            generate(1, per_category, Phrasing::Even),
            generate(2, per_category, Phrasing::Odd),
        ),
        (
            "held out",
            generate(1, per_category, Phrasing::HeldOutTrain),
            generate(2, per_category, Phrasing::HeldOutTest),
        ),
    ];
    let configs: Vec<(&str, TrainOptions)> = vec![
        ("default", TrainOptions::default()),
        (
            "stem turkish",
            TrainOptions {
                stem: Stemmer::Turkish,
                ..TrainOptions::default()
            },
        ),
        (
            "class_weight balanced",
            TrainOptions {
                class_weight: ClassWeight::Balanced,
                ..TrainOptions::default()
            },
        ),
        (
            "stem + balanced",
            TrainOptions {
                stem: Stemmer::Turkish,
                class_weight: ClassWeight::Balanced,
                ..TrainOptions::default()
            },
        ),
        (
            "stem + balanced + cv_folds 5",
            TrainOptions {
                stem: Stemmer::Turkish,
                class_weight: ClassWeight::Balanced,
                cv_folds: 5,
                ..TrainOptions::default()
            },
        ),
    ];
    let mut rows = Vec::new();
    for (split, train_all, test_all) in &splits {
        for imbalanced in [false, true] {
            for (name, options) in &configs {
                let start = std::time::Instant::now();
                let mut per_sector = Vec::new();
                for sector in SECTORS {
                    let labels = categories(sector);
                    let train = tr_eval::training_set(train_all, sector, &labels, imbalanced);
                    let test: Vec<&Complaint> =
                        test_all.iter().filter(|c| c.sector == sector).collect();
                    let texts: Vec<&str> = train.iter().map(|c| c.text.as_str()).collect();
                    let ys: Vec<&str> = train.iter().map(|c| c.category).collect();
                    let model = Classifier::train(&texts, &ys, options).expect("training");
                    let predicted: Vec<Option<String>> = test
                        .iter()
                        .map(|c| Some(model.predict(&c.text).top[0].0.clone()))
                        .collect();
                    let truth: Vec<&str> = test.iter().map(|c| c.category).collect();
                    let right = predicted
                        .iter()
                        .zip(&truth)
                        .filter(|(p, y)| p.as_deref() == Some(**y))
                        .count();
                    per_sector.push(serde_json::json!({
                        "sector": sector, "n_train": train.len(), "n_test": test.len(),
                        "acc": right as f64 / test.len() as f64,
                        "macro_f1": tr_eval::macro_f1(&labels, &predicted, &truth),
                        "c": model.report().c}));
                }
                let mean = |k: &str| {
                    per_sector
                        .iter()
                        .map(|s| s[k].as_f64().unwrap_or(0.0))
                        .sum::<f64>()
                        / per_sector.len() as f64
                };
                rows.push(serde_json::json!({"split": split, "imbalanced": imbalanced,
                    "config": name, "acc": mean("acc"), "macro_f1": mean("macro_f1"),
                    "train_s": start.elapsed().as_secs_f64(), "sectors": per_sector}));
            }
        }
    }
    if json {
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    println!(
        "| split | training data | options | accuracy | macro-F1 | per sector (e-commerce, telco, bank, FMCG) | c | training, 4 sectors (s) |"
    );
    println!("|---|---|---|---:|---:|---|---|---:|");
    for r in &rows {
        let sectors = r["sectors"].as_array().cloned().unwrap_or_default();
        let per: Vec<String> = sectors
            .iter()
            .map(|s| format!("{:.3}", s["acc"].as_f64().unwrap_or(0.0)))
            .collect();
        let cs: Vec<String> = sectors.iter().map(|s| s["c"].to_string()).collect();
        println!(
            "| {} | {} | {} | {:.3} | {:.3} | {} | {} | {:.1} |",
            r["split"].as_str().unwrap_or(""),
            if r["imbalanced"] == true {
                "imbalanced"
            } else {
                "balanced"
            },
            r["config"].as_str().unwrap_or(""),
            r["acc"].as_f64().unwrap_or(0.0),
            r["macro_f1"].as_f64().unwrap_or(0.0),
            per.join(" / "),
            cs.join(" / "),
            r["train_s"].as_f64().unwrap_or(0.0)
        );
    }
}
