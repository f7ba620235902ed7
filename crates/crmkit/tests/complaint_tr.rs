//! Turkish complaints: the example category rule sets, the built-in flags
//! and the classifier on generated complaints (train on seed 1, evaluate on
//! the held-out seed 2).
//!
//! The floors sit a little under the measured figures (printed with
//! `--nocapture`); `cargo run --release -p crmkit --example complaint_tr_eval`
//! prints the full table.

#[path = "support/tr_complaints.rs"]
mod tr_complaints;
#[path = "support/tr_eval.rs"]
mod tr_eval;

use tr_complaints::{Phrasing, SECTORS, generate};

#[test]
fn every_example_rule_set_covers_its_taxonomy() {
    for sector in SECTORS {
        let rules = tr_eval::sector_rules(sector);
        let mut ids: Vec<&str> = rules
            .source()
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let mut want = tr_complaints::categories(sector);
        ids.sort_unstable();
        want.sort_unstable();
        assert_eq!(ids, want, "{sector}");
    }
}

#[test]
fn generated_texts_carry_the_promised_variety() {
    let data = generate(1, 20, Phrasing::All);
    let share = |f: &dyn Fn(&tr_complaints::Complaint) -> bool| {
        data.iter().filter(|c| f(c)).count() as f64 / data.len() as f64
    };
    assert!(share(&|c| c.ascii) > 0.2);
    assert!(share(&|c| c.register == 3) > 0.1);
    assert!(share(&|c| c.distractor) > 0.2);
    assert!(share(&|c| c.title.is_some()) > 0.4);
    assert!(share(&|c| !c.flags.is_empty()) > 0.2);
    assert!(share(&|c| !c.negated_flags.is_empty()) > 0.1);
    // angry capitals keep the Turkish dotted capital
    assert!(
        data.iter()
            .any(|c| c.register == 3 && !c.ascii && c.text.contains('İ'))
    );
    // text typed without Turkish letters has none
    assert!(
        data.iter()
            .filter(|c| c.ascii)
            .all(|c| !c.text.chars().any(|ch| "ıİşŞğĞüÜöÖçÇ".contains(ch)))
    );
}

#[test]
fn held_out_seed_accuracy() {
    let per_category = if cfg!(debug_assertions) { 40 } else { 120 };
    let f = tr_eval::evaluate(1, 2, per_category);
    for s in &f.sectors {
        eprintln!(
            "{:<10} rules acc {:.3} (coverage {:.3}), model acc {:.3} macro-F1 {:.3}, unseen phrasing acc {:.3}, combined {:.3}",
            s.sector,
            s.rule_accuracy,
            s.rule_coverage,
            s.model_accuracy,
            s.model_macro_f1,
            s.unseen_accuracy,
            s.combined_accuracy
        );
        assert!(
            s.rule_accuracy >= 0.85,
            "{}: rules {:.3}",
            s.sector,
            s.rule_accuracy
        );
        assert!(
            s.model_accuracy >= 0.98,
            "{}: model {:.3}",
            s.sector,
            s.model_accuracy
        );
        assert!(
            s.model_macro_f1 >= 0.98,
            "{}: macro-F1 {:.3}",
            s.sector,
            s.model_macro_f1
        );
        assert!(
            s.unseen_accuracy >= 0.60,
            "{}: unseen {:.3}",
            s.sector,
            s.unseen_accuracy
        );
        assert!(
            s.combined_accuracy >= 0.85,
            "{}: combined {:.3}",
            s.sector,
            s.combined_accuracy
        );
    }
    for fl in &f.flags {
        eprintln!(
            "{:<24} precision {:.3} recall {:.3} (tp {}, fp {}, fn {}; fp on negated mentions {}/{})",
            fl.flag,
            fl.precision(),
            fl.recall(),
            fl.tp,
            fl.fp,
            fl.fn_,
            fl.fp_negated,
            fl.negated
        );
        assert!(
            fl.precision() >= 0.72,
            "{}: precision {:.3}",
            fl.flag,
            fl.precision()
        );
        assert!(
            fl.recall() >= 0.70,
            "{}: recall {:.3}",
            fl.flag,
            fl.recall()
        );
    }
}

#[test]
fn stems_and_class_weights_help_on_the_held_out_split() {
    use crmkit::complaint::classifier::{ClassWeight, Stemmer, TrainOptions};
    let per_category = if cfg!(debug_assertions) { 60 } else { 120 };
    let train = generate(1, per_category, Phrasing::HeldOutTrain);
    let test = generate(2, per_category, Phrasing::HeldOutTest);
    let default = TrainOptions::default();
    let stem = TrainOptions {
        stem: Stemmer::Turkish,
        ..TrainOptions::default()
    };
    let weighted = TrainOptions {
        class_weight: ClassWeight::Balanced,
        ..TrainOptions::default()
    };
    let plain = tr_eval::mean_accuracy(&train, &test, false, &default);
    let stemmed = tr_eval::mean_accuracy(&train, &test, false, &stem);
    let plain_skewed = tr_eval::mean_accuracy(&train, &test, true, &default);
    let weighted_skewed = tr_eval::mean_accuracy(&train, &test, true, &weighted);
    eprintln!(
        "held out: default {plain:.3}, stems {stemmed:.3}; imbalanced: default {plain_skewed:.3}, balanced weights {weighted_skewed:.3}"
    );
    assert!(stemmed > plain + 0.005, "{stemmed:.3} vs {plain:.3}");
    assert!(
        weighted_skewed > plain_skewed + 0.01,
        "{weighted_skewed:.3} vs {plain_skewed:.3}"
    );
}
