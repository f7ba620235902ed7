//! Runs the language-neutral cases of tests/corpus/survey.json (also read by
//! the Python and C tests) against the Rust API.

use crmkit::survey::{
    self, CesOptions, CsatOptions, IntervalMethod, NpsOptions, Scale, topic_impact_from_nps,
};
use serde_json::Value;

fn corpus() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/survey.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("corpus file")).expect("corpus JSON")
}

/// Expands `[value, count]` / `[value, count, weight]` runs into answers and
/// (when any run has a weight) weights.
fn expand(runs: &Value) -> (Vec<f64>, Option<Vec<f64>>) {
    let runs = runs.as_array().expect("runs");
    let weighted = runs.iter().any(|r| r.as_array().unwrap().len() == 3);
    let (mut answers, mut weights) = (Vec::new(), Vec::new());
    for r in runs {
        let r = r.as_array().unwrap();
        let value = r[0].as_f64().unwrap_or(f64::NAN);
        let count = r[1].as_u64().unwrap();
        let weight = r.get(2).and_then(Value::as_f64).unwrap_or(1.0);
        for _ in 0..count {
            answers.push(value);
            weights.push(weight);
        }
    }
    (answers, weighted.then_some(weights))
}

fn check(case: &Value, actual: &Value) {
    let name = case["name"].as_str().unwrap();
    let tol = case["tolerance"].as_f64().unwrap_or(1e-9);
    for (field, want) in case["expect"].as_object().unwrap() {
        let got = actual[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{name}: no field {field}"));
        let want = want.as_f64().unwrap();
        assert!(
            (got - want).abs() <= tol,
            "{name}: {field} = {got}, expected {want} ± {tol}"
        );
    }
}

fn nps_options(case: &Value) -> NpsOptions {
    NpsOptions {
        confidence: case["confidence"].as_f64().unwrap(),
        method: IntervalMethod::parse(case["method"].as_str().unwrap_or("wald")).unwrap(),
    }
}

fn nps_of(runs: &Value, options: &NpsOptions) -> crmkit::Result<survey::Nps> {
    match expand(runs) {
        (a, None) => survey::nps(&a, options),
        (a, Some(w)) => survey::nps_weighted(&a, &w, options),
    }
}

fn csat_options(case: &Value) -> CsatOptions {
    CsatOptions {
        scale: Scale {
            min: 1,
            max: case["scale"].as_i64().unwrap_or(5) as i32,
        },
        threshold: case["threshold"].as_i64().unwrap_or(4) as i32,
        confidence: case["confidence"].as_f64().unwrap_or(0.95),
    }
}

#[test]
fn nps_cases() {
    for case in corpus()["nps"].as_array().unwrap() {
        let r = nps_of(&case["answers"], &nps_options(case)).unwrap();
        check(case, &serde_json::to_value(r).unwrap());
    }
}

#[test]
fn nps_diff_cases() {
    for case in corpus()["nps_diff"].as_array().unwrap() {
        let o = nps_options(case);
        let a = nps_of(&case["a"], &o).unwrap();
        let b = nps_of(&case["b"], &o).unwrap();
        let d = survey::nps_diff(&a, &b, o.confidence).unwrap();
        check(case, &serde_json::to_value(d).unwrap());
    }
}

#[test]
fn csat_cases() {
    for case in corpus()["csat"].as_array().unwrap() {
        let (a, _) = expand(&case["answers"]);
        let r = survey::csat(&a, &csat_options(case)).unwrap();
        check(case, &serde_json::to_value(r).unwrap());
    }
}

#[test]
fn ces_cases() {
    for case in corpus()["ces"].as_array().unwrap() {
        let (a, _) = expand(&case["answers"]);
        let o = CesOptions {
            confidence: case["confidence"].as_f64().unwrap(),
            ..CesOptions::default()
        };
        let r = survey::ces(&a, &o).unwrap();
        check(case, &serde_json::to_value(r).unwrap());
    }
}

#[test]
fn topic_impact_cases() {
    for case in corpus()["topic_impact"].as_array().unwrap() {
        let got = topic_impact_from_nps(
            case["n_total"].as_u64().unwrap(),
            case["nps_total"].as_f64().unwrap(),
            case["n_topic"].as_u64().unwrap(),
            case["nps_topic"].as_f64().unwrap(),
        )
        .unwrap();
        assert!(
            (got - case["impact"].as_f64().unwrap()).abs() < 1e-9,
            "{}",
            case["name"]
        );
    }
}

#[test]
fn error_cases() {
    for case in corpus()["errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let err = match case["metric"].as_str().unwrap() {
            "nps" => nps_of(&case["answers"], &NpsOptions::default()).map(|_| ()),
            "csat" => {
                survey::csat(&expand(&case["answers"]).0, &CsatOptions::default()).map(|_| ())
            }
            other => panic!("{name}: unknown metric {other}"),
        }
        .expect_err(name);
        assert_eq!(
            err.code().as_str(),
            case["code"].as_str().unwrap(),
            "{name}: {err}"
        );
        if let Some(index) = case["index"].as_u64() {
            assert!(
                err.to_string().contains(&format!("index {index}")),
                "{name}: {err}"
            );
        }
    }
}
