//! The linter (rules that can never fire, no default rule, departments
//! nobody reaches) and the runner for the examples written in a rule file.

use super::file::{Example, HitPolicy};
use super::{Decision, RuleSet};
use crate::complaint::categorize;
use crate::complaint::condition::lint_conditions;
pub use crate::complaint::condition::{Finding, Severity};
use crate::error::Result;
use std::collections::BTreeSet;

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

impl RuleSet {
    /// Lints the rule set: rules an earlier rule always pre-empts (under the
    /// first and priority hit policies), rules whose conditions contradict
    /// themselves, conditions in an older form (in the rules and in the
    /// `[categorize]` section; see [`lint_conditions`]), no catch-all rule, departments no rule or fallback
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
        out.extend(lint_conditions(
            inner
                .order
                .iter()
                .map(|&r| (rules[r].id.as_str(), &rules[r].when)),
            file.hit_policy != HitPolicy::Collect,
        ));
        if let Some(cat) = &file.categorize {
            out.extend(cat.lint());
        }
        let mut push = |severity, code: &str, subject: Option<&str>, message: String| {
            out.push(Finding {
                severity,
                code: code.to_owned(),
                subject: subject.map(str::to_owned),
                message,
            })
        };
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
                for c in rule
                    .when
                    .category
                    .iter()
                    .flat_map(|v| v.any_of.iter().flatten())
                {
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
            for f in rule.when.flags.names() {
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
