//! The linter (rules that can never fire, no default rule, departments
//! nobody reaches) and the runner for the examples written in a rule file.

use super::file::{Conditions, Example, HitPolicy, Range, Values};
use super::{Decision, RuleSet};
use crate::complaint::categorize;
use crate::error::Result;
use std::collections::BTreeSet;

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; routing still works as written.
    Warning,
    /// The rule set does not do what it says (a rule can never fire).
    Error,
}

/// One finding of [`RuleSet::lint`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable code: `shadowed_rule`, `contradictory_rule`, `no_default_rule`,
    /// `unreachable_department`, `empty_department`, `unknown_category`,
    /// `unknown_flag`, `rule_without_route`.
    pub code: String,
    /// The rule, department or category concerned.
    pub subject: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// The outcome of one example.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExampleResult {
    /// The example's name.
    pub name: String,
    /// Whether every expectation held.
    pub passed: bool,
    /// What differed, one line per field (`department: expected "legal", got "care"`).
    pub mismatches: Vec<String>,
    /// The decision the rule set gave.
    pub decision: Decision,
}

/// What [`RuleSet::check`] reports: the lint findings and every example's
/// outcome.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    /// The rule set's version.
    pub version: String,
    /// Lint findings, errors first.
    pub findings: Vec<Finding>,
    /// Example outcomes, in file order.
    pub examples: Vec<ExampleResult>,
}

impl CheckReport {
    /// No error finding and every example passed.
    pub fn ok(&self) -> bool {
        self.examples.iter().all(|e| e.passed)
            && self.findings.iter().all(|f| f.severity < Severity::Error)
    }
}

fn values_cover(outer: &Option<Values>, inner: &Option<Values>) -> bool {
    match (outer, inner) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(o), Some(i)) => i.0.iter().all(|v| o.0.contains(v)),
    }
}

fn range_covers(outer: &Option<Range>, inner: &Option<Range>) -> bool {
    match (outer, inner) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(o), Some(i)) => o.covers(i),
    }
}

/// Whether every complaint matching `inner` also matches `outer`.
fn covers(outer: &Conditions, inner: &Conditions) -> bool {
    values_cover(&outer.category, &inner.category)
        && values_cover(&outer.product, &inner.product)
        && values_cover(&outer.segment, &inner.segment)
        && values_cover(&outer.language, &inner.language)
        && match (&outer.channel, &inner.channel) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(o), Some(i)) => i.iter().all(|c| o.contains(c)),
        }
        && outer.flags.iter().all(|f| inner.flags.contains(f))
        && outer.not_flags.iter().all(|f| inner.not_flags.contains(f))
        && range_covers(&outer.amount, &inner.amount)
        && range_covers(&outer.customer_value, &inner.customer_value)
        && outer
            .attributes
            .iter()
            .all(|(k, o)| values_cover(&Some(o.clone()), &inner.attributes.get(k).cloned()))
}

/// The edit distance between two names, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The known name nearest to `name`, when it is close enough to be what
/// was meant (at most two edits, and fewer than the name has characters).
fn nearest<'a>(name: &str, known: &BTreeSet<&'a str>) -> Option<&'a str> {
    let limit = 2.min(name.chars().count().saturating_sub(1));
    known
        .iter()
        .map(|k| (distance(name, k), *k))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn contradictory(c: &Conditions) -> bool {
    c.flags.iter().any(|f| c.not_flags.contains(f))
        || [&c.category, &c.product, &c.segment, &c.language]
            .iter()
            .any(|v| v.as_ref().is_some_and(|v| v.0.is_empty()))
        || c.channel.as_ref().is_some_and(Vec::is_empty)
        || c.attributes.values().any(|v| v.0.is_empty())
}

impl RuleSet {
    /// Lints the rule set: rules an earlier rule always pre-empts (under the
    /// first and priority hit policies), rules whose conditions contradict
    /// themselves, no catch-all rule, departments no rule or fallback
    /// reaches, departments with nobody in them, categories the text rules
    /// never produce, flags the text rules never raise, and rules that send
    /// nowhere.
    ///
    /// Flags: with a `[categorize]` section, a rule's flag that is neither
    /// a built-in flag it detects nor one of its `flags` is reported
    /// (complaints would have to carry it); without one, a flag is reported
    /// when it is a near miss of a built-in flag (`frawd` for `fraud`).
    pub fn lint(&self) -> Vec<Finding> {
        let inner = &*self.inner;
        let file = &inner.file;
        let rules = &file.rules;
        let mut out = Vec::new();
        let mut push = |severity, code: &str, subject: Option<&str>, message: String| {
            out.push(Finding {
                severity,
                code: code.to_owned(),
                subject: subject.map(str::to_owned),
                message,
            })
        };
        for (pos, &r) in inner.order.iter().enumerate() {
            let rule = &rules[r];
            if contradictory(&rule.when) {
                push(
                    Severity::Error,
                    "contradictory_rule",
                    Some(&rule.id),
                    format!(
                        "rule {:?} can never match: its conditions contradict each other",
                        rule.id
                    ),
                );
                continue;
            }
            if file.hit_policy == HitPolicy::Collect {
                continue;
            }
            if let Some(&earlier) = inner.order[..pos]
                .iter()
                .find(|&&e| !contradictory(&rules[e].when) && covers(&rules[e].when, &rule.when))
            {
                push(
                    Severity::Error,
                    "shadowed_rule",
                    Some(&rule.id),
                    format!(
                        "rule {:?} can never fire: rule {:?} comes first and matches every complaint it matches",
                        rule.id, rules[earlier].id
                    ),
                );
            }
        }
        if !rules.iter().any(|r| r.when.is_empty()) {
            push(
                Severity::Warning,
                "no_default_rule",
                None,
                format!(
                    "no rule matches every complaint: complaints that match none go to the fallback department {:?}",
                    file.fallback.department
                ),
            );
        }
        for (r, rule) in rules.iter().enumerate() {
            if inner.rule_department[r].is_none()
                && rule.notify.is_empty()
                && rule.tags.is_empty()
                && rule.priority.is_none()
                && rule.category.is_none()
            {
                push(
                    Severity::Warning,
                    "rule_without_route",
                    Some(&rule.id),
                    format!(
                        "rule {:?} sets nothing (no department, assignee, priority, category, notify or tags)",
                        rule.id
                    ),
                );
            }
        }
        let mut reached: BTreeSet<usize> =
            inner.rule_department.iter().flatten().copied().collect();
        reached.insert(inner.fallback_department);
        let mut frontier: Vec<usize> = reached.iter().copied().collect();
        while let Some(d) = frontier.pop() {
            if let Some(f) = inner.departments[d].fallback
                && reached.insert(f)
            {
                frontier.push(f);
            }
        }
        for (d, dept) in inner.departments.iter().enumerate() {
            if !reached.contains(&d) {
                push(
                    Severity::Warning,
                    "unreachable_department",
                    Some(&dept.id),
                    format!(
                        "department {:?} is named by no rule and is no department's fallback",
                        dept.id
                    ),
                );
            }
            if dept.members.is_empty() && dept.owner.is_none() {
                push(
                    Severity::Warning,
                    "empty_department",
                    Some(&dept.id),
                    format!(
                        "department {:?} has no members: its complaints go to {}",
                        dept.id,
                        match dept.fallback {
                            Some(f) => format!("department {:?}", inner.departments[f].id),
                            None => format!("the fallback person {:?}", file.fallback.assignee),
                        }
                    ),
                );
            }
        }
        if let Some(cat) = &file.categorize {
            let known: BTreeSet<&str> = cat
                .categories
                .iter()
                .map(|c| c.id.as_str())
                .chain(rules.iter().filter_map(|r| r.category.as_deref()))
                .collect();
            let mut reported = BTreeSet::new();
            for rule in rules {
                for c in rule.when.category.iter().flat_map(|v| &v.0) {
                    if !known.contains(c.as_str()) && reported.insert(c.clone()) {
                        push(
                            Severity::Warning,
                            "unknown_category",
                            Some(c),
                            format!(
                                "rule {:?} asks for category {c:?}, which the [categorize] rules never give (complaints must carry it)",
                                rule.id
                            ),
                        );
                    }
                }
            }
        }
        let mut detected: BTreeSet<&str> = BTreeSet::new();
        if let Some(cat) = &file.categorize {
            detected.extend(cat.flags.iter().map(|f| f.id.as_str()));
        }
        if file.categorize.as_ref().is_none_or(|c| !c.no_builtin_flags) {
            for id in categorize::builtin_flag_ids() {
                detected.insert(id);
            }
        }
        let mut reported = BTreeSet::new();
        for rule in rules {
            for f in rule.when.flags.iter().chain(&rule.when.not_flags) {
                if detected.contains(f.as_str()) || !reported.insert(f.clone()) {
                    continue;
                }
                let near = nearest(f, &detected);
                if file.categorize.is_none() && near.is_none() {
                    continue;
                }
                let mut message = match &file.categorize {
                    Some(_) => format!(
                        "rule {:?} asks about flag {f:?}, which the [categorize] rules never raise (complaints must carry it)",
                        rule.id
                    ),
                    None => format!(
                        "rule {:?} asks about flag {f:?}, which is no built-in flag (complaints must carry it)",
                        rule.id
                    ),
                };
                if let Some(k) = near {
                    message.push_str(&format!("; did you mean {k:?}?"));
                }
                push(Severity::Warning, "unknown_flag", Some(f), message);
            }
        }
        out.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out
    }

    /// Runs one example: routes its complaint from its state and compares.
    pub fn run_example(&self, example: &Example) -> Result<ExampleResult> {
        let mut state = example.state.clone().unwrap_or_default();
        let d = self.route(
            &example.complaint,
            &mut state,
            example.complaint.received_at,
        )?;
        let e = &example.expect;
        let mut mismatches = Vec::new();
        let mut check = |field: &str, want: Option<String>, got: Option<String>| {
            if let Some(w) = want
                && Some(&w) != got.as_ref()
            {
                mismatches.push(format!(
                    "{field}: expected {w}, got {}",
                    got.unwrap_or_else(|| "nothing".into())
                ));
            }
        };
        let q = |s: &str| format!("{s:?}");
        check(
            "department",
            e.department.as_deref().map(q),
            Some(q(&d.department)),
        );
        check(
            "assignee",
            e.assignee.as_deref().map(q),
            Some(q(&d.assignee)),
        );
        check(
            "category",
            e.category.as_deref().map(q),
            d.category.as_deref().map(q),
        );
        check(
            "priority",
            e.priority.map(|p| p.as_str().to_owned()),
            Some(d.priority.as_str().to_owned()),
        );
        check(
            "fired",
            e.fired.as_ref().map(|f| format!("{f:?}")),
            Some(format!("{:?}", d.fired)),
        );
        Ok(ExampleResult {
            name: example.name.clone(),
            passed: mismatches.is_empty(),
            mismatches,
            decision: d,
        })
    }

    /// Lints the rule set and runs the examples written in it.
    pub fn check(&self) -> Result<CheckReport> {
        Ok(CheckReport {
            version: self.version().to_owned(),
            findings: self.lint(),
            examples: self
                .inner
                .file
                .examples
                .iter()
                .map(|e| self.run_example(e))
                .collect::<Result<_>>()?,
        })
    }
}
