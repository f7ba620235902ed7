//! The file form of a routing rule set (TOML or JSON); see the
//! [module documentation](super) for an example.

use crate::complaint::categorize;
use crate::complaint::intake::Complaint;
use crate::complaint::sla::{Priority, SlaPolicy};

use crate::complaint::condition::FORMAT;
pub use crate::complaint::condition::{Conditions, FlagCondition, Range, ValueCondition};

/// Which rules decide when several match.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum HitPolicy {
    /// The first matching rule in file order decides; only it fires.
    #[default]
    First,
    /// Every matching rule fires: the first one (in file order) that names a
    /// department or assignee decides where the complaint goes, the highest
    /// priority of all of them is taken, and their `notify` and `tags` lists
    /// are merged.
    Collect,
    /// The matching rule with the highest `rank` decides (file order among
    /// equal ranks); only it fires.
    Priority,
}

/// How a department picks the person who owns a complaint.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Always the department's `owner`.
    Fixed,
    /// The next eligible member after the department's cursor.
    #[default]
    RoundRobin,
    /// The eligible member with the fewest open complaints (member order on ties).
    LeastLoaded,
    /// The least-loaded eligible member who also speaks the complaint's
    /// `language`.
    Skills,
}

/// A person who can own complaints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The person's id (what decisions name).
    pub id: String,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Skills (e.g. `"vip"`, `"legal"`), matched against a rule's `skills`.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Languages the person handles (BCP 47, e.g. `"tr"`, `"en"`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// The most open complaints the person takes; no limit when absent.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// The person's supervisor (a person id): the escalation chain.
    #[serde(default)]
    pub supervisor: Option<String>,
}

/// A department: who is in it and how one of them is picked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The department's id.
    pub id: String,
    /// Members (person ids), in the order round-robin and ties follow.
    #[serde(default)]
    pub members: Vec<String>,
    /// How a member is picked.
    #[serde(default)]
    pub strategy: Strategy,
    /// The owner for [`Strategy::Fixed`].
    #[serde(default)]
    pub owner: Option<String>,
    /// The department tried next when nobody here is eligible.
    #[serde(default)]
    pub fallback: Option<String>,
}

/// One routing rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The rule's id, named in every decision it fires in.
    pub id: String,
    /// What the rule is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it matches (the [condition language](crate::complaint::condition));
    /// empty matches everything.
    #[serde(default)]
    pub when: Conditions,
    /// The department that owns matching complaints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// A named person who owns matching complaints (when eligible; the
    /// department's strategy picks otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The category to set (overrides the complaint's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The priority to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Skills the assignee must have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// People to tell besides the assignee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
    /// Labels to put on the complaint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The resolution target in hours (business hours with a calendar),
    /// overriding the SLA policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_hours: Option<f64>,
    /// Order under [`HitPolicy::Priority`]: higher first.
    #[serde(default)]
    pub rank: i32,
}

/// Where a complaint goes when no rule sends it anywhere, or when every
/// department in the chain has nobody eligible: always a named person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fallback {
    /// The department tried when no rule names one.
    pub department: String,
    /// The person who owns the complaint when nobody else is eligible.
    pub assignee: String,
}

/// What an example expects; fields left out are not checked.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The expected department.
    #[serde(default)]
    pub department: Option<String>,
    /// The expected assignee.
    #[serde(default)]
    pub assignee: Option<String>,
    /// The expected category.
    #[serde(default)]
    pub category: Option<String>,
    /// The expected priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The expected fired rules, in order.
    #[serde(default)]
    pub fired: Option<Vec<String>>,
}

/// An example a business user writes next to the rules: a complaint and
/// what routing it must give. [`RuleSet::check`](super::RuleSet::check)
/// runs them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What the example shows.
    pub name: String,
    /// The complaint.
    pub complaint: Complaint,
    /// The routing state before it (cursors, loads, who is away).
    #[serde(default)]
    pub state: Option<super::RoutingState>,
    /// What must come out.
    pub expect: Expectation,
}

/// A routing rule set as written in a file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingFile {
    /// The rule set's version, carried by every decision.
    pub version: String,
    /// The file format: 1 when absent (older condition keys such as
    /// `not_flags` load), 2 ([`FORMAT`])
    /// for files in the current form only.
    #[serde(default = "crate::complaint::condition::format_one")]
    pub format: u32,
    /// Which rules decide when several match.
    #[serde(default)]
    pub hit_policy: HitPolicy,
    /// Where complaints go when nothing else applies.
    pub fallback: Fallback,
    /// The people.
    #[serde(default)]
    pub people: Vec<Person>,
    /// The departments.
    #[serde(default)]
    pub departments: Vec<Department>,
    /// The rules, in order.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// SLA targets by category and priority, for the decision's due time.
    #[serde(default)]
    pub sla: Option<SlaPolicy>,
    /// Category rules (and the built-in flags) applied to the text of a
    /// complaint that comes without a category.
    #[serde(default)]
    pub categorize: Option<categorize::RuleFile>,
    /// Examples that [`RuleSet::check`](super::RuleSet::check) runs.
    #[serde(default)]
    pub examples: Vec<Example>,
}

impl RoutingFile {
    /// The file, as TOML text, rewritten in the current format
    /// ([`FORMAT`]): `format = 2`, and
    /// each `when` written with older keys (`not_flags`, and in the
    /// `[categorize]` section `not_channel`, `amount_min`...) replaced by its
    /// new form. Everything else, comments and layout included, stays as it
    /// is. The result reads back to the same rule set (checked before it is
    /// returned), so it routes every complaint as the original does.
    ///
    /// ```
    /// use crmkit::complaint::routing::RoutingFile;
    ///
    /// let old = r#"
    /// version = "1"
    /// fallback = { department = "care", assignee = "deniz" }
    /// people = [{ id = "deniz" }]
    /// departments = [{ id = "care", members = ["deniz"] }]
    /// [[rules]]
    /// id = "legal"   # legal first
    /// when = { flags = ["legal_threat"], not_flags = ["test"] }
    /// "#;
    /// let new = RoutingFile::upgrade_toml(old)?;
    /// assert!(new.contains("# legal first"));
    /// assert!(new.contains(r#"when = { flags = { all = ["legal_threat"], none = ["test"] } }"#));
    /// assert!(new.contains("format = 2"));
    /// # Ok::<(), crmkit::Error>(())
    /// ```
    pub fn upgrade_toml(text: &str) -> crate::error::Result<String> {
        let file: RoutingFile = toml::from_str(text).map_err(|e| super::invalid(e.to_string()))?;
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| super::invalid(e.to_string()))?;
        let whens = |rules: &[categorize::CategoryRule]| -> Vec<Option<Conditions>> {
            rules.iter().map(|r| r.when.clone()).collect()
        };
        let root = doc.as_table_mut();
        let rules: Vec<Option<Conditions>> =
            file.rules.iter().map(|r| Some(r.when.clone())).collect();
        rewrite_whens(root.get_mut("rules"), &rules)?;
        if let Some(cat) = &file.categorize
            && let Some(section) = root
                .get_mut("categorize")
                .and_then(|i| i.as_table_like_mut())
        {
            rewrite_whens(section.get_mut("categories"), &whens(&cat.categories))?;
            rewrite_whens(section.get_mut("flags"), &whens(&cat.flags))?;
            section.insert("format", toml_edit::value(i64::from(FORMAT)));
        }
        root.insert("format", toml_edit::value(i64::from(FORMAT)));
        let upgraded = doc.to_string();
        let mut want = file;
        want.format = FORMAT;
        if let Some(c) = &mut want.categorize {
            c.format = FORMAT;
        }
        let got: RoutingFile = toml::from_str(&upgraded)
            .map_err(|e| super::invalid(format!("the upgraded file does not read back: {e}")))?;
        if got != want {
            return Err(super::invalid(
                "the upgraded file reads back to other rules; it is left as it is",
            ));
        }
        super::RuleSet::compile(got)?;
        Ok(upgraded)
    }

    /// [`upgrade_toml`](Self::upgrade_toml) for a JSON rule file: the file
    /// written again (pretty-printed) with `"format": 2` and every condition
    /// in the current form.
    pub fn upgrade_json(text: &str) -> crate::error::Result<String> {
        let mut file: RoutingFile =
            serde_json::from_str(text).map_err(|e| super::invalid(e.to_string()))?;
        file.format = FORMAT;
        if let Some(c) = &mut file.categorize {
            c.format = FORMAT;
        }
        let upgraded = serde_json::to_string_pretty(&file)
            .map_err(|e| super::invalid(format!("the upgraded file: {e}")))?;
        let got: RoutingFile = serde_json::from_str(&upgraded)
            .map_err(|e| super::invalid(format!("the upgraded file does not read back: {e}")))?;
        if got != file {
            return Err(super::invalid(
                "the upgraded file reads back to other rules; it is left as it is",
            ));
        }
        super::RuleSet::compile(got)?;
        Ok(format!("{upgraded}\n"))
    }
}

/// Replaces, in a list of rules (an array of tables or an inline array),
/// each `when` written with older keys by its current form.
fn rewrite_whens(
    item: Option<&mut toml_edit::Item>,
    whens: &[Option<Conditions>],
) -> crate::error::Result<()> {
    let Some(item) = item else { return Ok(()) };
    let mut tables: Vec<&mut dyn toml_edit::TableLike> = Vec::new();
    if item.is_array_of_tables() {
        if let Some(aot) = item.as_array_of_tables_mut() {
            for t in aot.iter_mut() {
                tables.push(t);
            }
        }
    } else if let Some(arr) = item.as_array_mut() {
        for v in arr.iter_mut() {
            if let Some(t) = v.as_inline_table_mut() {
                tables.push(t);
            }
        }
    }
    if tables.len() != whens.len() {
        return Err(super::invalid("a list of rules is not a list of tables"));
    }
    for (t, when) in tables.into_iter().zip(whens) {
        let Some(when) = when.as_ref().filter(|w| !w.older_keys().is_empty()) else {
            continue;
        };
        let new: toml_edit::DocumentMut = format!("when = {when}")
            .parse()
            .map_err(|e: toml_edit::TomlError| super::invalid(e.to_string()))?;
        if let Some(v) = new.get("when") {
            t.insert("when", v.clone());
        }
    }
    Ok(())
}
