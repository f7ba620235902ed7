//! Routing: a versioned rule set sends each complaint to a department and
//! always on to a **named person**, with the rules that fired, the priority
//! and the due time.
//!
//! A rule set (TOML or JSON) has ordered rules with a hit policy
//! ([`HitPolicy`]: first / collect / priority); conditions over category,
//! product, channel, segment, language, flags, amount, customer value and
//! free attributes; departments that pick a member by fixed owner,
//! round-robin, least-loaded or skills and language ([`Strategy`]); a
//! fallback chain between departments; and a final fallback person, so a
//! decision never ends at a department alone. Cursors, loads and who is away
//! are a [`RoutingState`] the caller passes in and gets back updated: the
//! same call with the same state gives the same answer.
//!
//! ```toml
//! version = "2026-12"
//! format = 2                    # the condition forms below (1 when absent)
//! hit_policy = "first"
//! fallback = { department = "customer_relations", assignee = "deniz" }
//!
//! [[people]]
//! id = "ayse"
//! languages = ["tr", "en"]
//! supervisor = "deniz"
//!
//! [[departments]]
//! id = "logistics"
//! members = ["ayse", "mehmet"]
//! strategy = "round_robin"      # fixed | round_robin | least_loaded | skills
//! fallback = "customer_relations"
//!
//! [[rules]]
//! id = "late-web"
//! when = { category = "late_delivery", channel = ["web_form", "app"], amount = "<= 5000" }
//! department = "logistics"
//! priority = "high"
//! resolution_hours = 16
//!
//! [[rules]]
//! id = "fraud-not-staff"
//! when = { flags = { any = ["fraud", "data_leak"], none = ["test"] }, segment = { not = "staff" } }
//! department = "logistics"
//!
//! [[examples]]                  # run by RuleSet::check and `crmkit route --check`
//! name = "a late web order goes to logistics"
//! complaint = { channel = "web_form", category = "late_delivery", text = "Kargom gelmedi" }
//! expect = { department = "logistics", assignee = "ayse", fired = ["late-web"] }
//! ```
//!
//! `when` is written in the [condition language](super::condition) that
//! category rules share: values, lists, `{ not = [..] }`, flags
//! `all`/`any`/`none`, intervals and free attributes. Files without
//! `format` (format 1) may still write `not_flags = [..]`; the linter names
//! the new form, and `crmkit route --check --upgrade FILE` prints the file
//! rewritten.
//!
//! Optional sections: `[sla]` (an [`SlaPolicy`](super::sla::SlaPolicy):
//! resolution targets by category and priority, for the due time when a rule
//! has no `resolution_hours`) and `[categorize]` (a
//! [category rule file](super::categorize): complaints without a category get
//! the top category of their text, and the built-in flags such as
//! `legal_threat` are detected for `flags` conditions).
//!
//! ```
//! use crmkit::complaint::intake::{Channel, Complaint};
//! use crmkit::complaint::routing::{RoutingState, RuleSet};
//!
//! let rules = RuleSet::from_toml(r#"
//!     version = "1"
//!     fallback = { department = "care", assignee = "deniz" }
//!     [[people]]
//!     id = "ayse"
//!     [[people]]
//!     id = "mehmet"
//!     [[people]]
//!     id = "deniz"
//!     [[departments]]
//!     id = "logistics"
//!     members = ["ayse", "mehmet"]
//!     [[departments]]
//!     id = "care"
//!     members = ["deniz"]
//!     [[rules]]
//!     id = "late"
//!     when = { category = "late_delivery" }
//!     department = "logistics"
//! "#)?;
//! let mut c = Complaint::new(Channel::WebForm, "Siparişim gelmedi");
//! c.category = Some("late_delivery".into());
//! let mut state = RoutingState::default();
//! let first = rules.route(&c, &mut state, None)?;
//! let second = rules.route(&c, &mut state, None)?;
//! assert_eq!((first.department.as_str(), first.assignee.as_str()), ("logistics", "ayse"));
//! assert_eq!(second.assignee, "mehmet"); // round-robin, cursor in the state
//! assert_eq!(first.fired, ["late"]);
//! assert_eq!(state.loads["ayse"], 1);
//! # Ok::<(), crmkit::Error>(())
//! ```

pub mod file;
mod lint;

pub use file::{
    Conditions, Department, Example, Expectation, Fallback, FlagCondition, HitPolicy, Person,
    Range, RoutingFile, Rule, Strategy, ValueCondition,
};
pub use lint::{CheckReport, ExampleResult, Finding, Severity};

use super::ComplaintError;
use super::calendar::Calendar;
use super::categorize::CategoryRules;
use super::condition::{self, Field, Matcher, Number, Subject};
use super::intake::{Channel, Complaint};
use super::sla::Priority;
use crate::error::Result;
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A complaint as rules see it: its category and flags as resolved (given,
/// detected or set).
#[derive(Debug, Clone, Copy)]
struct Facts<'a> {
    complaint: &'a Complaint,
    category: Option<&'a str>,
    extra_flags: &'a [String],
}

impl Subject for Facts<'_> {
    fn value(&self, field: Field<'_>) -> Option<&str> {
        match field {
            Field::Category => self.category,
            other => self.complaint.value(other),
        }
    }

    fn number(&self, number: Number) -> Option<f64> {
        self.complaint.number(number)
    }

    fn has_flag(&self, flag: &str) -> bool {
        self.complaint.has_flag(flag) || self.extra_flags.iter().any(|f| f == flag)
    }
}

/// What routing remembers between complaints, passed in and returned by
/// the caller: round-robin cursors per department, open complaints per
/// person, and who is away.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingState {
    /// Per department: the member index round-robin tries next.
    #[serde(default)]
    pub cursors: BTreeMap<String, u64>,
    /// Per person: open complaints (each decision adds one to its assignee).
    #[serde(default)]
    pub loads: BTreeMap<String, u32>,
    /// People who take no new complaints now.
    #[serde(default)]
    pub unavailable: BTreeSet<String>,
}

impl RoutingState {
    fn load(&self, person: &str) -> u32 {
        self.loads.get(person).copied().unwrap_or(0)
    }

    fn add_load(&mut self, person: &str) {
        match self.loads.get_mut(person) {
            Some(l) => *l = l.saturating_add(1),
            None => {
                self.loads.insert(person.to_owned(), 1);
            }
        }
    }

    fn set_cursor(&mut self, department: &str, next: u64) {
        match self.cursors.get_mut(department) {
            Some(c) => *c = next,
            None => {
                self.cursors.insert(department.to_owned(), next);
            }
        }
    }
}

/// How the assignee was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedBy {
    /// The deciding rule named the person.
    Rule,
    /// The department's fixed owner.
    Fixed,
    /// The department's round-robin.
    RoundRobin,
    /// The least-loaded member.
    LeastLoaded,
    /// The least-loaded member with the skills and language.
    Skills,
    /// Nobody in the chain was eligible: the rule set's fallback person.
    Fallback,
}

impl AssignedBy {
    /// The snake_case name (`"round_robin"`...), as in decisions' JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            AssignedBy::Rule => "rule",
            AssignedBy::Fixed => "fixed",
            AssignedBy::RoundRobin => "round_robin",
            AssignedBy::LeastLoaded => "least_loaded",
            AssignedBy::Skills => "skills",
            AssignedBy::Fallback => "fallback",
        }
    }

    fn of(s: Strategy) -> AssignedBy {
        match s {
            Strategy::Fixed => AssignedBy::Fixed,
            Strategy::RoundRobin => AssignedBy::RoundRobin,
            Strategy::LeastLoaded => AssignedBy::LeastLoaded,
            Strategy::Skills => AssignedBy::Skills,
        }
    }
}

/// Where one complaint goes, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// The complaint's id, when it has one.
    pub complaint_id: Option<String>,
    /// The category: set by the deciding rule, given on the complaint, or
    /// the top category of its text.
    pub category: Option<String>,
    /// The department that owns the complaint (the assignee's).
    pub department: String,
    /// The person who owns it: always a named person.
    pub assignee: String,
    /// How the assignee was chosen.
    pub assigned_by: AssignedBy,
    /// The priority (the highest of the fired rules; normal when none sets one).
    pub priority: Priority,
    /// The resolution due time (to the second), when a target and a start
    /// time are known.
    pub due: Option<Timestamp>,
    /// Ids of the rules that fired, in evaluation order.
    pub fired: Vec<String>,
    /// Departments tried before the one that took it (fallback chain).
    pub passed_over: Vec<String>,
    /// People to tell besides the assignee.
    pub notify: Vec<String>,
    /// Labels from the fired rules.
    pub tags: Vec<String>,
    /// The flags raised (given and detected).
    pub flags: Vec<String>,
    /// The rule set's version.
    pub version: String,
}

#[derive(Debug)]
struct CompiledDepartment {
    id: String,
    members: Vec<usize>,
    strategy: Strategy,
    owner: Option<usize>,
    fallback: Option<usize>,
}

#[derive(Debug)]
struct Inner {
    file: RoutingFile,
    /// Evaluation position → rule index in the file.
    order: Vec<usize>,
    matcher: Matcher,
    departments: Vec<CompiledDepartment>,
    /// Per rule (file index): the department it sends to, if any.
    rule_department: Vec<Option<usize>>,
    /// Per rule: the person it names, if any.
    rule_assignee: Vec<Option<usize>>,
    /// Per rule: people to notify.
    rule_notify: Vec<Vec<usize>>,
    fallback_department: usize,
    fallback_assignee: usize,
    categorizer: Option<CategoryRules>,
}

/// A compiled routing rule set. Immutable and cheap to clone (shared);
/// safe to use from many threads at once, each with its own
/// [`RoutingState`] or one behind the caller's lock.
#[derive(Debug, Clone)]
pub struct RuleSet {
    inner: Arc<Inner>,
    calendar: Option<Arc<Calendar>>,
}

/// The first department the person is a member or the owner of, else `default`.
fn home_department(departments: &[CompiledDepartment], person: usize, default: usize) -> usize {
    departments
        .iter()
        .position(|d| d.members.contains(&person) || d.owner == Some(person))
        .unwrap_or(default)
}

fn invalid(message: impl Into<String>) -> crate::Error {
    ComplaintError::InvalidRuleSet {
        source_name: "routing rules".into(),
        message: message.into(),
    }
    .into()
}

fn index_of<'a, T>(
    what: &str,
    items: &'a [T],
    id: impl Fn(&'a T) -> &'a str,
) -> Result<HashMap<&'a str, usize>> {
    let mut m = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        let k = id(it);
        if k.trim().is_empty() {
            return Err(invalid(format!("{what} #{} has an empty id", i + 1)));
        }
        if m.insert(k, i).is_some() {
            return Err(invalid(format!("two {what}s have the id {k:?}")));
        }
    }
    Ok(m)
}

fn lookup(map: &HashMap<&str, usize>, what: &str, id: &str, place: &str) -> Result<usize> {
    map.get(id).copied().ok_or_else(|| {
        let mut known: Vec<&str> = map.keys().copied().collect();
        known.sort_unstable();
        invalid(format!(
            "{place}: {what} {id:?} is not defined (defined: {})",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ))
    })
}

impl RuleSet {
    /// Reads and compiles a TOML rule set.
    pub fn from_toml(text: &str) -> Result<RuleSet> {
        let file: RoutingFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        RuleSet::compile(file)
    }

    /// Reads and compiles a JSON rule set (same fields as the TOML form).
    pub fn from_json(text: &str) -> Result<RuleSet> {
        let file: RoutingFile = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        RuleSet::compile(file)
    }

    /// Compiles a rule set. Errors name the rule, department or person:
    /// duplicate ids, references to undefined departments or people, a
    /// fixed department without an owner, a fallback cycle, bad targets.
    pub fn compile(file: RoutingFile) -> Result<RuleSet> {
        let people_ix = index_of("person", &file.people, |p| p.id.as_str())?;
        let dept_ix = index_of("department", &file.departments, |d| d.id.as_str())?;
        index_of("rule", &file.rules, |r| r.id.as_str())?;

        for p in &file.people {
            if let Some(s) = &p.supervisor {
                lookup(&people_ix, "supervisor", s, &format!("person {:?}", p.id))?;
            }
        }
        let mut departments = Vec::with_capacity(file.departments.len());
        for d in &file.departments {
            let place = format!("department {:?}", d.id);
            let members = d
                .members
                .iter()
                .map(|m| lookup(&people_ix, "member", m, &place))
                .collect::<Result<Vec<_>>>()?;
            let owner = d
                .owner
                .as_deref()
                .map(|o| lookup(&people_ix, "owner", o, &place))
                .transpose()?;
            if d.strategy == Strategy::Fixed && owner.is_none() {
                return Err(invalid(format!(
                    "{place}: strategy \"fixed\" needs an owner"
                )));
            }
            let fallback = d
                .fallback
                .as_deref()
                .map(|f| lookup(&dept_ix, "fallback department", f, &place))
                .transpose()?;
            departments.push(CompiledDepartment {
                id: d.id.clone(),
                members,
                strategy: d.strategy,
                owner,
                fallback,
            });
        }
        // fallback chains must end
        for start in 0..departments.len() {
            let mut seen = vec![false; departments.len()];
            let mut at = Some(start);
            while let Some(d) = at {
                if seen[d] {
                    return Err(invalid(format!(
                        "department {:?}: its fallback chain loops back to {:?}",
                        departments[start].id, departments[d].id
                    )));
                }
                seen[d] = true;
                at = departments[d].fallback;
            }
        }
        let fallback_department = lookup(
            &dept_ix,
            "department",
            &file.fallback.department,
            "fallback",
        )?;
        let fallback_assignee = lookup(&people_ix, "person", &file.fallback.assignee, "fallback")?;

        let mut rule_department = Vec::with_capacity(file.rules.len());
        let mut rule_assignee = Vec::with_capacity(file.rules.len());
        let mut rule_notify = Vec::with_capacity(file.rules.len());
        for r in &file.rules {
            let place = format!("rule {:?}", r.id);
            let assignee = r
                .assignee
                .as_deref()
                .map(|a| lookup(&people_ix, "assignee", a, &place))
                .transpose()?;
            let department = match (&r.department, assignee) {
                (Some(d), _) => Some(lookup(&dept_ix, "department", d, &place)?),
                // a rule naming only a person routes to that person's department
                (None, Some(a)) => Some(home_department(&departments, a, fallback_department)),
                (None, None) => None,
            };
            rule_department.push(department);
            rule_assignee.push(assignee);
            rule_notify.push(
                r.notify
                    .iter()
                    .map(|n| lookup(&people_ix, "person to notify", n, &place))
                    .collect::<Result<Vec<_>>>()?,
            );
            if let Some(h) = r.resolution_hours
                && !(h.is_finite() && h > 0.0 && h < 100_000.0)
            {
                return Err(invalid(format!(
                    "{place}: resolution_hours must be a number of hours > 0, got {h}"
                )));
            }
            if let Some(why) = r.when.invalid_value() {
                return Err(invalid(format!("{place}: {why}")));
            }
            if let Some(c) = &r.when.channel
                && let Some(v) = c.values().find(|v| {
                    let k = condition::fold(v);
                    !Channel::ALL
                        .iter()
                        .any(|ch| condition::fold(ch.as_str()) == k)
                })
            {
                let known: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
                return Err(invalid(format!(
                    "{place}: `when.channel` value {v:?} is not a channel (one of {})",
                    known.join(", ")
                )));
            }
        }
        condition::check_format(
            file.format,
            file.rules.iter().map(|r| (r.id.as_str(), &r.when)),
        )
        .map_err(invalid)?;

        let mut order: Vec<usize> = (0..file.rules.len()).collect();
        if file.hit_policy == HitPolicy::Priority {
            order.sort_by_key(|&i| std::cmp::Reverse(file.rules[i].rank));
        }
        let in_order: Vec<&Conditions> = order.iter().map(|&i| &file.rules[i].when).collect();
        let matcher = Matcher::new(&in_order);
        let categorizer = file
            .categorize
            .clone()
            .map(CategoryRules::compile)
            .transpose()?;
        Ok(RuleSet {
            inner: Arc::new(Inner {
                order,
                matcher,
                departments,
                rule_department,
                rule_assignee,
                rule_notify,
                fallback_department,
                fallback_assignee,
                categorizer,
                file,
            }),
            calendar: None,
        })
    }

    /// The same rule set with due times in business time on `calendar`.
    pub fn with_calendar(&self, calendar: Calendar) -> RuleSet {
        RuleSet {
            inner: Arc::clone(&self.inner),
            calendar: Some(Arc::new(calendar)),
        }
    }

    /// The rule set as written.
    pub fn source(&self) -> &RoutingFile {
        &self.inner.file
    }

    /// The rule set's version.
    pub fn version(&self) -> &str {
        &self.inner.file.version
    }

    /// Person → supervisor, for [`escalations`](super::sla::escalations).
    pub fn org_chart(&self) -> BTreeMap<String, Option<String>> {
        self.inner
            .file
            .people
            .iter()
            .map(|p| (p.id.clone(), p.supervisor.clone()))
            .collect()
    }

    /// Routes one complaint: the matching rules under the hit policy, then a
    /// named person by the department's strategy and fallback chain. `state`
    /// is read and updated (the cursor moves, the assignee's load grows by
    /// one). The due time starts at `received_at`, or `now` when the
    /// complaint has none.
    ///
    /// Errors when a due time cannot be placed on the calendar, and when
    /// no one can take the complaint: every department in its chain has
    /// nobody eligible and the fallback person is unavailable in `state`
    /// (an [`InvalidArgument`](crate::error::InputError::InvalidArgument)
    /// error on `state` that names the complaint). The fallback person
    /// takes a complaint past their capacity or without the skills, but not
    /// while unavailable.
    pub fn route(
        &self,
        complaint: &Complaint,
        state: &mut RoutingState,
        now: Option<Timestamp>,
    ) -> Result<Decision> {
        let mut scratch = Vec::new();
        self.route_with(complaint, state, now, &mut scratch)
    }

    /// [`route`](Self::route) for many complaints in order, the state
    /// carried from one to the next.
    pub fn route_batch(
        &self,
        complaints: &[Complaint],
        state: &mut RoutingState,
        now: Option<Timestamp>,
    ) -> Result<Vec<Decision>> {
        let mut scratch = Vec::new();
        complaints
            .iter()
            .map(|c| self.route_with(c, state, now, &mut scratch))
            .collect()
    }

    fn route_with(
        &self,
        complaint: &Complaint,
        state: &mut RoutingState,
        now: Option<Timestamp>,
        hits: &mut Vec<usize>,
    ) -> Result<Decision> {
        let inner = &*self.inner;
        let rules = &inner.file.rules;
        let given = complaint
            .category
            .as_deref()
            .filter(|c| !c.trim().is_empty());
        let (detected_category, detected_flags) = match &inner.categorizer {
            Some(cat) => {
                // category rules may condition on the complaint's fields too
                let r = cat.categorize_with(&complaint.text, complaint);
                let category = if given.is_none() {
                    r.categories.into_iter().next().map(|h| h.id)
                } else {
                    None
                };
                let flags: Vec<String> = r
                    .flags
                    .into_iter()
                    .map(|h| h.id)
                    .filter(|f| !complaint.flags.contains(f))
                    .collect();
                (category, flags)
            }
            None => (None, Vec::new()),
        };
        let category = given.or(detected_category.as_deref());
        let facts = Facts {
            complaint,
            category,
            extra_flags: &detected_flags,
        };
        let policy = inner.file.hit_policy;
        inner
            .matcher
            .matches(&facts, policy != HitPolicy::Collect, hits);
        for h in hits.iter_mut() {
            *h = inner.order[*h];
        }
        let fired: &[usize] = hits;

        // the deciding rule: the first fired one that sends somewhere
        let decider = fired
            .iter()
            .copied()
            .find(|&r| inner.rule_department[r].is_some());
        let category_set = fired.iter().find_map(|&r| rules[r].category.as_deref());
        let category = category_set.or(category).map(str::to_owned);
        let priority = fired
            .iter()
            .filter_map(|&r| rules[r].priority)
            .max()
            .unwrap_or_default();
        let mut skills: Vec<&str> = Vec::new();
        for &r in fired {
            for s in &rules[r].skills {
                if !skills.contains(&s.as_str()) {
                    skills.push(s);
                }
            }
        }
        let start_department = decider
            .and_then(|r| inner.rule_department[r])
            .unwrap_or(inner.fallback_department);
        let preferred = decider.and_then(|r| inner.rule_assignee[r]);
        let (department, assignee, assigned_by, passed_over) = self.assign(
            start_department,
            preferred,
            &skills,
            complaint.language.as_deref(),
            state,
            complaint,
        )?;
        let assignee_id = &inner.file.people[assignee].id;
        state.add_load(assignee_id);

        let mut notify: Vec<String> = Vec::new();
        let mut tags: Vec<String> = Vec::new();
        for &r in fired {
            for &p in &inner.rule_notify[r] {
                let id = &inner.file.people[p].id;
                if p != assignee && !notify.contains(id) {
                    notify.push(id.clone());
                }
            }
            for t in &rules[r].tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
        }
        let hours = decider.and_then(|r| rules[r].resolution_hours).or_else(|| {
            inner
                .file
                .sla
                .as_ref()
                .and_then(|p| p.targets(category.as_deref(), priority).resolution_hours)
        });
        let due = match (hours, complaint.received_at.or(now)) {
            (Some(h), Some(start)) => {
                let span = SignedDuration::from_secs_f64(h * 3600.0);
                Some(match &self.calendar {
                    Some(cal) => cal.add_business_time(start, span)?,
                    None => start
                        .checked_add(span)
                        .map_err(|e| invalid(format!("due time {h} hours after {start}: {e}")))?,
                })
            }
            _ => None,
        };
        // a due time is shown and compared to the second
        let due = due.map(|t| t.round(jiff::Unit::Second).unwrap_or(t));
        let mut flags = complaint.flags.clone();
        flags.extend(detected_flags);
        Ok(Decision {
            complaint_id: complaint.id.clone(),
            category,
            department: inner.departments[department].id.clone(),
            assignee: assignee_id.clone(),
            assigned_by,
            priority,
            due,
            fired: fired.iter().map(|&r| rules[r].id.clone()).collect(),
            passed_over: passed_over
                .iter()
                .map(|&d| inner.departments[d].id.clone())
                .collect(),
            notify,
            tags,
            flags,
            version: inner.file.version.clone(),
        })
    }

    fn eligible(&self, p: usize, skills: &[&str], state: &RoutingState) -> bool {
        let def = &self.inner.file.people[p];
        !state.unavailable.contains(&def.id)
            && def.capacity.is_none_or(|c| state.load(&def.id) < c)
            && skills.iter().all(|s| def.skills.iter().any(|x| x == s))
    }

    /// Walks the department chain from `start`: (department, person, how,
    /// departments passed over).
    fn assign(
        &self,
        start: usize,
        preferred: Option<usize>,
        skills: &[&str],
        language: Option<&str>,
        state: &mut RoutingState,
        complaint: &Complaint,
    ) -> Result<(usize, usize, AssignedBy, Vec<usize>)> {
        let inner = &*self.inner;
        if let Some(p) = preferred
            && self.eligible(p, skills, state)
        {
            return Ok((start, p, AssignedBy::Rule, Vec::new()));
        }
        let mut passed = Vec::new();
        let mut at = Some(start);
        while let Some(d) = at {
            let dept = &inner.departments[d];
            let pick = match dept.strategy {
                Strategy::Fixed => dept.owner.filter(|&o| self.eligible(o, skills, state)),
                Strategy::RoundRobin => {
                    let n = dept.members.len();
                    let cursor = state.cursors.get(&dept.id).copied().unwrap_or(0);
                    let found = (0..n as u64)
                        .map(|k| ((cursor + k) % n as u64) as usize)
                        .find(|&i| self.eligible(dept.members[i], skills, state));
                    if let Some(i) = found {
                        state.set_cursor(&dept.id, (i as u64 + 1) % n as u64);
                    }
                    found.map(|i| dept.members[i])
                }
                Strategy::LeastLoaded | Strategy::Skills => dept
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| self.eligible(m, skills, state))
                    .filter(|&m| {
                        dept.strategy != Strategy::Skills
                            || language.is_none_or(|l| {
                                inner.file.people[m].languages.iter().any(|x| x == l)
                            })
                    })
                    .min_by_key(|&m| state.load(&inner.file.people[m].id)),
            };
            if let Some(p) = pick {
                return Ok((d, p, AssignedBy::of(dept.strategy), passed));
            }
            passed.push(d);
            at = dept.fallback;
        }
        // the last resort is always a person, who must be available; their
        // department is the fallback department unless they belong to another
        let p = inner.fallback_assignee;
        let person = &inner.file.people[p].id;
        if state.unavailable.contains(person) {
            let which = match &complaint.id {
                Some(id) => format!("complaint {id:?}"),
                None => "a complaint without an id".to_owned(),
            };
            let tried: Vec<String> = passed
                .iter()
                .map(|&d| format!("{:?}", inner.departments[d].id))
                .collect();
            return Err(crate::Error::invalid_argument(
                "state",
                format!(
                    "no one is available for {which}: nobody in departments {} can take it and the fallback person {person:?} is unavailable",
                    tried.join(", ")
                ),
            ));
        }
        let d = home_department(&inner.departments, p, inner.fallback_department);
        Ok((d, p, AssignedBy::Fallback, passed))
    }
}

#[cfg(test)]
mod tests;
