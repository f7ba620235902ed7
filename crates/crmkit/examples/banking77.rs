//! Trains the complaint classifier on Banking77's train split and reports
//! accuracy, macro-F1 and training time on its test split.
//!
//! Run: `cargo run --release -p crmkit --example banking77 [PATH] [--json]
//! [--stem english] [--class-weight balanced] [--cv-folds K] [--c C]`
//! (PATH defaults to ../shared/data/complaints/banking77.jsonl; the options
//! are those of `TrainOptions`, default when left out).

use crmkit::complaint::classifier::{ClassWeight, Classifier, Stemmer, TrainOptions};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let value = |name: &str| -> Option<&str> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
    };
    let usage = |m: &str| -> ! {
        eprintln!("{m}");
        std::process::exit(2)
    };
    let mut options = TrainOptions::default();
    if let Some(s) = value("--stem") {
        options.stem = Stemmer::from_name(s)
            .unwrap_or_else(|| usage("--stem: expected none, turkish or english"));
    }
    match value("--class-weight") {
        None | Some("none") => {}
        Some("balanced") => options.class_weight = ClassWeight::Balanced,
        Some(_) => usage("--class-weight: expected none or balanced"),
    }
    if let Some(k) = value("--cv-folds") {
        options.cv_folds = k
            .parse()
            .unwrap_or_else(|_| usage("--cv-folds: expected a whole number"));
    }
    if let Some(c) = value("--c") {
        options.c = c
            .parse()
            .unwrap_or_else(|_| usage("--c: expected a number"));
    }
    let flags = ["--stem", "--class-weight", "--cv-folds", "--c"];
    let path = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || !flags.contains(&args[i - 1].as_str())))
        .map(|(_, a)| a)
        .cloned()
        .unwrap_or_else(|| "../shared/data/complaints/banking77.jsonl".into());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let (mut train_x, mut train_y, mut test_x, mut test_y) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let (t, l) = (
            row["text"].as_str().unwrap_or("").to_owned(),
            row["label"].as_str().unwrap_or("").to_owned(),
        );
        if row["split"] == "test" {
            test_x.push(t);
            test_y.push(l);
        } else {
            train_x.push(t);
            train_y.push(l);
        }
    }
    let start = Instant::now();
    let model = Classifier::train(&train_x, &train_y, &options).expect("training");
    let train_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let predictions: Vec<_> = test_x.iter().map(|t| model.predict(t)).collect();
    let predict_s = start.elapsed().as_secs_f64();
    let predicted: Vec<String> = predictions.iter().map(|p| p.top[0].0.clone()).collect();
    // out-of-domain abstention: coverage and accuracy on what is answered,
    // per threshold on the share of known words; and texts from another
    // language and domain (Turkish delivery and municipal complaints)
    let foreign = [
        "Kargom 10 gündür gelmedi",
        "Siparişim hâlâ teslim edilmedi",
        "Sokağımızdaki çöpler bir haftadır toplanmıyor",
        "Faturama fazla ücret yansıtılmış, iade istiyorum",
        "Mahallemizde su kesintisi var",
        "Otobüs şoförü çok kaba davrandı",
    ];
    let abstention: Vec<serde_json::Value> = [0.0, 0.3, 0.5, 0.6, 0.7, 0.8]
        .iter()
        .map(|&m| {
            let answered: Vec<usize> = (0..test_x.len())
                .filter(|&i| predictions[i].known >= m)
                .collect();
            let right = answered
                .iter()
                .filter(|&&i| predicted[i] == test_y[i])
                .count();
            let foreign_triaged = foreign
                .iter()
                .filter(|t| model.predict(t).known < m)
                .count();
            serde_json::json!({"min_known": m,
                "coverage": answered.len() as f64 / test_x.len() as f64,
                "acc_answered": right as f64 / answered.len().max(1) as f64,
                "acc_overall": right as f64 / test_x.len() as f64,
                "foreign_triaged": foreign_triaged as f64 / foreign.len() as f64})
        })
        .collect();
    let correct = predicted
        .iter()
        .zip(&test_y)
        .filter(|(p, y)| p == y)
        .count();
    let accuracy = correct as f64 / test_y.len() as f64;
    // macro-F1 over the test labels
    let mut per: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    for (p, y) in predicted.iter().zip(&test_y) {
        if p == y {
            per.entry(y).or_default().0 += 1.0;
        } else {
            per.entry(p).or_default().1 += 1.0;
            per.entry(y).or_default().2 += 1.0;
        }
    }
    let f1s: Vec<f64> = per
        .values()
        .map(|(tp, fp, fn_)| {
            if *tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (2.0 * tp + fp + fn_)
            }
        })
        .collect();
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len() as f64;
    if json {
        println!(
            "{}",
            serde_json::json!({"model": "crmkit hashed word1-2 + char_wb2-5 tf-idf, linear SVM", "n_train": train_x.len(), "n_test": test_x.len(),
                "options": options, "report": model.report(), "acc": accuracy, "macro_f1": macro_f1, "fit_s": train_s, "predict_docs_per_s": test_x.len() as f64 / predict_s, "abstention": abstention})
        );
    } else {
        println!(
            "Banking77: {} train, {} test, {} labels",
            train_x.len(),
            test_x.len(),
            model.labels().len()
        );
        println!(
            "accuracy {accuracy:.4}, macro-F1 {macro_f1:.4}, training {train_s:.1} s, prediction {:.0} texts/s",
            test_x.len() as f64 / predict_s
        );
        let report = model.report();
        println!(
            "options: stem {}, class_weight {:?}, cv_folds {}; c {:?}, cross-validated {:?}",
            options.stem.as_str(),
            options.class_weight,
            options.cv_folds,
            report.c,
            report.cv_scores
        );
        for a in &abstention {
            println!("{a}");
        }
    }
}
