//! Evaluation of the Turkish category rules, flags and classifier on the
//! generated complaints of [`super::tr_complaints`]: train on one seed,
//! evaluate on another.

#![allow(dead_code)]

use super::tr_complaints::{Complaint, FLAGS, Phrasing, SECTORS, categories, generate};
use crmkit::complaint::categorize::CategoryRules;
use crmkit::complaint::classifier::{Classifier, TrainOptions, combine};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The example rule file of a sector.
pub fn rules_path(sector: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/rules")
        .join(format!("categories-tr-{sector}.toml"))
}

/// Loads the example rule file of a sector.
pub fn sector_rules(sector: &str) -> CategoryRules {
    let path = rules_path(sector);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    CategoryRules::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Figures of one sector.
#[derive(Debug, Clone, Default)]
pub struct SectorFigures {
    /// The sector.
    pub sector: &'static str,
    /// Categories in the taxonomy.
    pub categories: usize,
    /// Test texts.
    pub n_test: usize,
    /// Share of test texts whose top rule category is the true one.
    pub rule_accuracy: f64,
    /// Share of test texts some rule matched.
    pub rule_coverage: f64,
    /// Accuracy of the rules where they matched.
    pub rule_precision: f64,
    /// Classifier accuracy (train seed → test seed, same grammar).
    pub model_accuracy: f64,
    /// Classifier macro-F1 over the sector's categories.
    pub model_macro_f1: f64,
    /// Classifier accuracy on phrasings it never saw in training.
    pub unseen_accuracy: f64,
    /// Macro-F1 on unseen phrasings.
    pub unseen_macro_f1: f64,
    /// Accuracy of `classifier::combine` (rules first, then model).
    pub combined_accuracy: f64,
}

/// Counts of one flag.
#[derive(Debug, Clone, Default)]
pub struct FlagFigures {
    /// The flag id.
    pub flag: &'static str,
    /// Detected and true.
    pub tp: usize,
    /// Detected but false.
    pub fp: usize,
    /// True but missed.
    pub fn_: usize,
    /// False positives on texts that mention the flag only to deny it.
    pub fp_negated: usize,
    /// Texts that mention the flag negated.
    pub negated: usize,
}

impl FlagFigures {
    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The whole evaluation.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Per sector.
    pub sectors: Vec<SectorFigures>,
    /// Per flag, over all sectors.
    pub flags: Vec<FlagFigures>,
    /// Training texts per sector.
    pub n_train: usize,
}

/// Macro-F1 over `labels` of predictions against truth.
pub fn macro_f1(labels: &[&str], predicted: &[Option<String>], truth: &[&str]) -> f64 {
    let mut per: BTreeMap<&str, (f64, f64, f64)> =
        labels.iter().map(|l| (*l, (0.0, 0.0, 0.0))).collect();
    for (p, y) in predicted.iter().zip(truth) {
        match p.as_deref() {
            Some(p) if p == *y => per.entry(y).or_default().0 += 1.0,
            other => {
                if let Some(p) = other
                    && let Some(e) = per.get_mut(p)
                {
                    e.1 += 1.0;
                }
                per.entry(y).or_default().2 += 1.0;
            }
        }
    }
    let f1: Vec<f64> = per
        .values()
        .map(|(tp, fp, fn_)| {
            if *tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (2.0 * tp + fp + fn_)
            }
        })
        .collect();
    f1.iter().sum::<f64>() / f1.len() as f64
}

fn accuracy(predicted: &[Option<String>], truth: &[&str]) -> f64 {
    let ok = predicted
        .iter()
        .zip(truth)
        .filter(|(p, y)| p.as_deref() == Some(**y))
        .count();
    ratio(ok, truth.len())
}

fn train(data: &[Complaint]) -> Classifier {
    let texts: Vec<&str> = data.iter().map(|c| c.text.as_str()).collect();
    let labels: Vec<&str> = data.iter().map(|c| c.category).collect();
    Classifier::train(&texts, &labels, &TrainOptions::default()).expect("training")
}

fn predict(model: &Classifier, data: &[Complaint]) -> Vec<Option<String>> {
    data.iter()
        .map(|c| Some(model.predict(&c.text).top[0].0.clone()))
        .collect()
}

/// Trains on `train_seed` and evaluates on `test_seed`, `per_category`
/// texts of every category each.
pub fn evaluate(train_seed: u64, test_seed: u64, per_category: usize) -> Figures {
    let train_all = generate(train_seed, per_category, Phrasing::All);
    let test_all = generate(test_seed, per_category, Phrasing::All);
    let train_even = generate(train_seed, per_category, Phrasing::Even);
    let test_odd = generate(test_seed, per_category, Phrasing::Odd);
    let mut flags: Vec<FlagFigures> = FLAGS
        .iter()
        .map(|f| FlagFigures {
            flag: f,
            ..Default::default()
        })
        .collect();
    let mut sectors = Vec::new();
    let mut n_train = 0;
    for sector in SECTORS {
        let of = |d: &[Complaint]| -> Vec<Complaint> {
            d.iter().filter(|c| c.sector == sector).cloned().collect()
        };
        let (tr, te, tr_even, te_odd) = (
            of(&train_all),
            of(&test_all),
            of(&train_even),
            of(&test_odd),
        );
        n_train = tr.len();
        let labels = categories(sector);
        let truth: Vec<&str> = te.iter().map(|c| c.category).collect();
        let rules = sector_rules(sector);
        let mut rule_pred = Vec::new();
        let mut rule_cats = Vec::new();
        for c in &te {
            let r = rules.categorize(&c.text);
            for f in &mut flags {
                let found = r.flags.iter().any(|h| h.id == f.flag);
                let truth = c.flags.contains(&f.flag);
                match (found, truth) {
                    (true, true) => f.tp += 1,
                    (true, false) => f.fp += 1,
                    (false, true) => f.fn_ += 1,
                    _ => {}
                }
                if c.negated_flags.contains(&f.flag) {
                    f.negated += 1;
                    if found {
                        f.fp_negated += 1;
                    }
                }
            }
            let cats: Vec<String> = r.categories.iter().map(|h| h.id.clone()).collect();
            rule_pred.push(cats.first().cloned());
            rule_cats.push(cats);
        }
        let matched = rule_pred.iter().filter(|p| p.is_some()).count();
        let rule_ok = rule_pred
            .iter()
            .zip(&truth)
            .filter(|(p, y)| p.as_deref() == Some(**y))
            .count();
        let model = train(&tr);
        let model_pred = predict(&model, &te);
        let combined: Vec<Option<String>> = te
            .iter()
            .zip(&rule_cats)
            .map(|(c, cats)| combine(cats, &model.predict(&c.text)).category)
            .collect();
        let unseen_model = train(&tr_even);
        let unseen_pred = predict(&unseen_model, &te_odd);
        let unseen_truth: Vec<&str> = te_odd.iter().map(|c| c.category).collect();
        sectors.push(SectorFigures {
            sector,
            categories: labels.len(),
            n_test: te.len(),
            rule_accuracy: ratio(rule_ok, te.len()),
            rule_coverage: ratio(matched, te.len()),
            rule_precision: ratio(rule_ok, matched),
            model_accuracy: accuracy(&model_pred, &truth),
            model_macro_f1: macro_f1(&labels, &model_pred, &truth),
            unseen_accuracy: accuracy(&unseen_pred, &unseen_truth),
            unseen_macro_f1: macro_f1(&labels, &unseen_pred, &unseen_truth),
            combined_accuracy: accuracy(&combined, &truth),
        });
    }
    Figures {
        sectors,
        flags,
        n_train,
    }
}

/// A sector's training texts; imbalanced: the i-th category keeps (2/3)^i
/// of its texts (at least 2).
pub fn training_set<'a>(
    all: &'a [Complaint],
    sector: &str,
    labels: &[&str],
    imbalanced: bool,
) -> Vec<&'a Complaint> {
    let mut out = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let of: Vec<&Complaint> = all
            .iter()
            .filter(|c| c.sector == sector && c.category == *label)
            .collect();
        let keep = if imbalanced {
            ((of.len() as f64) * (2.0f64 / 3.0).powi(i as i32)).ceil() as usize
        } else {
            of.len()
        };
        out.extend(of.into_iter().take(keep.max(2)));
    }
    out
}

/// Mean accuracy over the sectors of a model trained with `options` on
/// `train` (imbalanced or not) and tested on `test`.
pub fn mean_accuracy(
    train: &[Complaint],
    test: &[Complaint],
    imbalanced: bool,
    options: &TrainOptions,
) -> f64 {
    let mut sum = 0.0;
    for sector in SECTORS {
        let labels = categories(sector);
        let tr = training_set(train, sector, &labels, imbalanced);
        let texts: Vec<&str> = tr.iter().map(|c| c.text.as_str()).collect();
        let ys: Vec<&str> = tr.iter().map(|c| c.category).collect();
        let model = Classifier::train(&texts, &ys, options).expect("training");
        let te: Vec<&Complaint> = test.iter().filter(|c| c.sector == sector).collect();
        let right = te
            .iter()
            .filter(|c| model.predict(&c.text).top[0].0 == c.category)
            .count();
        sum += ratio(right, te.len());
    }
    sum / SECTORS.len() as f64
}
