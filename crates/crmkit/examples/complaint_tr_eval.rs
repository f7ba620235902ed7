//! Turkish complaints: trains the classifier on generated complaints of one
//! seed and reports, on a held-out seed, the accuracy of the example
//! category rule sets (`examples/rules/categories-tr-*.toml`), the
//! classifier's accuracy and macro-F1 per sector (also on phrasings it never
//! saw), the combined rules-then-model decision, and precision/recall of
//! the built-in flags.
//!
//! Run: `cargo run --release -p crmkit --example complaint_tr_eval --
//! [--per-category N] [--train-seed S] [--test-seed T] [--out DIR]`.
//! `--out DIR` also writes `DIR/tr_complaints_<sector>.jsonl` (fields
//! `text`, `label`, `split`, `channel`, `flags`) and
//! `DIR/tr_complaints_unseen_<sector>.jsonl` (test sentences never seen in
//! training) for the scikit-learn comparison in `bench/complaint_tr.py`.

#[path = "../tests/support/tr_complaints.rs"]
mod tr_complaints;
#[path = "../tests/support/tr_eval.rs"]
mod tr_eval;

use std::io::Write;
use tr_complaints::{Phrasing, SECTORS, generate};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |name: &str, default: u64| -> u64 {
        match arg(&args, name) {
            None => default,
            Some(v) => v.parse().unwrap_or_else(|_| {
                eprintln!("{name}: expected a whole number, got {v:?}");
                std::process::exit(2)
            }),
        }
    };
    let per_category = num("--per-category", 120) as usize;
    let (train_seed, test_seed) = (num("--train-seed", 1), num("--test-seed", 2));
    let json = args.iter().any(|a| a == "--json");
    if let Some(dir) = arg(&args, "--out") {
        write_jsonl(&dir, train_seed, test_seed, per_category);
    }
    let start = std::time::Instant::now();
    let f = tr_eval::evaluate(train_seed, test_seed, per_category);
    let secs = start.elapsed().as_secs_f64();
    if json {
        let sectors: Vec<serde_json::Value> = f
            .sectors
            .iter()
            .map(|s| {
                serde_json::json!({"sector": s.sector, "categories": s.categories, "n_test": s.n_test,
                    "rule_accuracy": s.rule_accuracy, "rule_coverage": s.rule_coverage,
                    "model_accuracy": s.model_accuracy, "model_macro_f1": s.model_macro_f1,
                    "unseen_accuracy": s.unseen_accuracy, "unseen_macro_f1": s.unseen_macro_f1,
                    "combined_accuracy": s.combined_accuracy})
            })
            .collect();
        let flags: Vec<serde_json::Value> = f
            .flags
            .iter()
            .map(|fl| {
                serde_json::json!({"flag": fl.flag, "precision": fl.precision(), "recall": fl.recall(),
                    "tp": fl.tp, "fp": fl.fp, "fn": fl.fn_, "fp_negated": fl.fp_negated, "negated": fl.negated})
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"n_train_per_sector": f.n_train, "sectors": sectors, "flags": flags})
        );
        return;
    }
    println!(
        "Turkish complaints: train seed {train_seed}, test seed {test_seed}, {per_category} texts per category ({} per sector in training), {secs:.1} s",
        f.n_train
    );
    println!();
    println!(
        "| sector | categories | rules accuracy | rules coverage | model accuracy | model macro-F1 | unseen phrasing acc. / macro-F1 | rules + model |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for s in &f.sectors {
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} / {:.3} | {:.3} |",
            s.sector,
            s.categories,
            s.rule_accuracy,
            s.rule_coverage,
            s.model_accuracy,
            s.model_macro_f1,
            s.unseen_accuracy,
            s.unseen_macro_f1,
            s.combined_accuracy
        );
    }
    println!();
    println!("| flag | precision | recall | tp | fp | fn | fp on negated mentions |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for fl in &f.flags {
        println!(
            "| {} | {:.3} | {:.3} | {} | {} | {} | {}/{} |",
            fl.flag,
            fl.precision(),
            fl.recall(),
            fl.tp,
            fl.fp,
            fl.fn_,
            fl.fp_negated,
            fl.negated
        );
    }
}

fn write_jsonl(dir: &str, train_seed: u64, test_seed: u64, per_category: usize) {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("{dir}: {e}");
        std::process::exit(2);
    }
    let sets = [
        (
            "tr_complaints",
            generate(train_seed, per_category, Phrasing::All),
            generate(test_seed, per_category, Phrasing::All),
        ),
        (
            "tr_complaints_unseen",
            generate(train_seed, per_category, Phrasing::Even),
            generate(test_seed, per_category, Phrasing::Odd),
        ),
    ];
    for (name, train, test) in &sets {
        for sector in SECTORS {
            let path = std::path::Path::new(dir).join(format!("{name}_{sector}.jsonl"));
            let mut out =
                std::io::BufWriter::new(std::fs::File::create(&path).unwrap_or_else(|e| {
                    eprintln!("{}: {e}", path.display());
                    std::process::exit(2)
                }));
            for (split, data) in [("train", train), ("test", test)] {
                for c in data.iter().filter(|c| c.sector == sector) {
                    let row = serde_json::json!({"text": c.text, "label": c.category, "split": split,
                        "channel": c.form.channel(), "flags": c.flags});
                    writeln!(out, "{row}").expect("write");
                }
            }
            out.flush().expect("write");
            eprintln!("wrote {}", path.display());
        }
    }
}
