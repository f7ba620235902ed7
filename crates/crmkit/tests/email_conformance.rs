//! Email syntax conformance on the shared data sets (../shared/data/contact):
//! the test cases of Python `email-validator` and of `is_email`. Skipped, with
//! a message, when the shared data is not next to the repository.

use crmkit::contact::email::{EmailLists, EmailOptions, parse_with};
use serde_json::Value;
use std::collections::BTreeMap;

mod common;

fn data(name: &str) -> Option<Vec<Value>> {
    common::shared_rows("contact", name)
}

/// The email-validator keyword arguments of a row as our options.
fn options(v: &Value) -> EmailOptions {
    let mut o = EmailOptions::default();
    let Some(map) = v.as_object() else {
        return o;
    };
    for (k, val) in map {
        let b = val.as_bool();
        match k.as_str() {
            "allow_smtputf8" => o.allow_smtputf8 = b.unwrap_or(true), // "either" allows it
            "allow_quoted_local" => o.allow_quoted_local = b.unwrap_or(false),
            "allow_domain_literal" => o.allow_domain_literal = b.unwrap_or(false),
            "allow_display_name" => o.allow_display_name = b.unwrap_or(false),
            "strict" => o.strict = b.unwrap_or(false),
            "test_environment" => o.test_environment = b.unwrap_or(false),
            "globally_deliverable" => o.globally_deliverable = b.unwrap_or(true),
            _ => {}
        }
    }
    o
}

#[test]
fn email_validator_syntax_rows() {
    let Some(rows) = data("email_validator_tests.jsonl") else {
        return;
    };
    let lists = EmailLists::builtin();
    let (mut agreed, mut total) = (0, 0);
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for row in &rows {
        if row.is_null() {
            *skipped
                .entry("lone surrogate: not a Unicode string")
                .or_default() += 1;
            continue;
        }
        let Some(input) = row["input"].as_str() else {
            *skipped
                .entry("DNS deliverability (domain only)")
                .or_default() += 1;
            continue;
        };
        if row["options"]["check_deliverability"] == Value::Bool(true) {
            *skipped.entry("DNS deliverability").or_default() += 1;
            continue;
        }
        let opts = options(&row["options"]);
        // (options, expected validity) pairs this row states
        let mut checks = Vec::new();
        if let Some(v) = row["valid"].as_bool() {
            checks.push((opts.clone(), v));
        }
        if let (Some(d), Some(w)) = (
            row["valid_default"].as_bool(),
            row["valid_with_options"].as_bool(),
        ) {
            // "default" is the row's call without the option under test:
            // these rows vary allow_smtputf8, allow_quoted_local or strict
            let default = EmailOptions {
                allow_smtputf8: true,
                allow_quoted_local: false,
                allow_domain_literal: false,
                strict: false,
                ..opts.clone()
            };
            checks.push((default, d));
            checks.push((opts.clone(), w));
        }
        for (o, want) in checks {
            total += 1;
            let got = parse_with(input, &o, lists);
            let mut ok = got.valid == want;
            if ok && want {
                if let Some(n) = row["normalized"].as_str() {
                    ok &= got.normalized.as_deref() == Some(n);
                }
                if let Some(exp) = row["expected"].as_object() {
                    for (field, value) in exp {
                        let mine = match field.as_str() {
                            "local_part" => got.local_part.clone().map(Value::String),
                            "ascii_local_part" => got.ascii_local_part.clone().map(Value::String),
                            "domain" => got.domain.clone().map(Value::String),
                            "ascii_domain" => got.ascii_domain.clone().map(Value::String),
                            "ascii_email" => got.ascii_email.clone().map(Value::String),
                            "normalized" => got.normalized.clone().map(Value::String),
                            "smtputf8" => Some(Value::Bool(got.smtputf8)),
                            "display_name" => got.display_name.clone().map(Value::String),
                            _ => continue,
                        };
                        if mine.as_ref() != Some(value) && !(value.is_null() && mine.is_none()) {
                            ok = false;
                        }
                    }
                }
            }
            if ok {
                agreed += 1;
            } else {
                mismatches.push(format!(
                    "{input:?} under {:?}: expected valid={want}, got valid={} error={:?} normalized={:?}",
                    row["options"], got.valid, got.error, got.normalized
                ));
            }
        }
    }
    println!("email-validator syntax rows: {agreed}/{total} agree; skipped {skipped:?}");
    for m in &mismatches {
        println!("  mismatch: {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} of {total} rows disagree",
        mismatches.len()
    );
}

#[test]
fn is_email_rows() {
    let lists = EmailLists::builtin();
    for file in ["isemail_tests.jsonl", "isemail_tests_original.jsonl"] {
        let Some(rows) = data(file) else {
            return;
        };
        let mut by_category: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut failures = Vec::new();
        for row in &rows {
            let input = row["input"].as_str().unwrap_or_default();
            let category = row["category"].as_str().unwrap_or("?").to_owned();
            let got = parse_with(input, &EmailOptions::default(), lists);
            let entry = by_category.entry(category.clone()).or_default();
            entry.1 += 1;
            if got.valid {
                entry.0 += 1;
            }
            // is_email accepts these; email-validator, the reference for what
            // we accept, does not, and neither do we:
            let rejected_by_design = [
                // a domain that is only a top-level domain: possible in
                // theory, never a customer's address
                "test@io",
                // top-level domains ending in a digit: no such TLD exists
                "test@123.123.123.x123",
                // "xn--example" is not a valid Punycode label
                "test@xn--example.com",
            ];
            let long_digit_tld = input.starts_with("x@x23456789.") && input.ends_with(".x2");
            let by_design = rejected_by_design.contains(&input) || long_digit_tld;
            if row["crm_plausible"] == Value::Bool(true) && !got.valid && !by_design {
                failures.push(format!(
                    "plausible address rejected: {input:?} ({:?})",
                    got.error
                ));
            }
            if category == "ISEMAIL_ERR" && got.valid {
                failures.push(format!("ISEMAIL_ERR address accepted: {input:?}"));
            }
        }
        println!("{file}: accepted / total per category");
        for (c, (acc, tot)) in &by_category {
            println!("  {c:<24} {acc:>4} / {tot}");
        }
        for f in &failures {
            println!("  {f}");
        }
        assert!(failures.is_empty(), "{file}: {} failures", failures.len());
    }
}
