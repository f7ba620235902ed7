//! Any text as a routing rule file (TOML and JSON): errors, never panics;
//! a rule set that compiles lints, runs its examples and routes. Any text
//! as complaints (JSON lines) routed by the example rule set: every
//! decision names a defined person and only rules that exist.
#![no_main]

use crmkit::complaint::intake::{Channel, Complaint, complaints_from_json};
use crmkit::complaint::routing::{RoutingState, RuleSet};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static EXAMPLE: OnceLock<RuleSet> = OnceLock::new();

fn exercise(rules: &RuleSet, complaints: &[Complaint]) {
    let _ = rules.lint();
    let _ = rules.check();
    let mut state = RoutingState::default();
    for c in complaints {
        let Ok(d) = rules.route(c, &mut state, None) else {
            continue;
        };
        let src = rules.source();
        assert!(src.people.iter().any(|p| p.id == d.assignee));
        assert!(d.fired.iter().all(|f| src.rules.iter().any(|r| &r.id == f)));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let probe = {
        let mut c = Complaint::new(Channel::WebForm, text);
        c.category = Some("late_delivery".into());
        c.amount = Some(100.0);
        vec![c, Complaint::new(Channel::Kiosk, "")]
    };
    for parsed in [RuleSet::from_toml(text), RuleSet::from_json(text)] {
        if let Ok(rules) = parsed {
            exercise(&rules, &probe);
        }
    }
    let example = EXAMPLE.get_or_init(|| {
        RuleSet::from_toml(include_str!("../../crates/crmkit/examples/routing/tr-ecommerce.toml"))
            .expect("the example rule set compiles")
    });
    if let Ok(complaints) = complaints_from_json(text) {
        exercise(example, &complaints);
    }
    exercise(example, &probe);
});
