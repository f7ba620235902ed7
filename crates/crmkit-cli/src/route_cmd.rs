//! `crmkit route COMPLAINTS.jsonl --rules RULES.toml`: a decision per
//! complaint (department, named assignee, priority, due time, fired rules);
//! `crmkit route --check RULES.toml`: the linter and the rule file's own
//! examples; `crmkit route --check --upgrade RULES.toml`: the rule file
//! rewritten in the current format, on standard output.

use crate::Failure;
use crate::io::{Sink, check_paths, commit_all, print, read_text, write_failure};
use clap::Args;
use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::condition::FORMAT;
use crmkit::complaint::intake::complaints_from_json;
use crmkit::complaint::routing::{
    CheckReport, Decision, RoutingFile, RoutingState, RuleSet, Severity,
};
use crmkit::tabular::{QUOTE_MAX, quote};
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Args)]
pub(crate) struct RouteArgs {
    /// Complaints as JSON lines (or a JSON array); `-` reads standard input.
    file: Option<String>,
    /// The routing rule file (`.toml` or `.json`).
    #[arg(long)]
    rules: Option<String>,
    /// Lints RULES and runs the examples written in it instead of routing;
    /// exits 1 when a rule can never fire or an example fails. RULES may
    /// also come as the file argument (`--check --upgrade RULES`).
    #[arg(long, value_name = "RULES", num_args = 0..=1, conflicts_with = "rules")]
    check: Option<Option<String>>,
    /// With --check: prints the rule file rewritten in the current format
    /// (conditions in their new form, `format = 2`) instead of checking it;
    /// no file is changed.
    #[arg(long, requires = "check")]
    upgrade: bool,
    /// A business calendar (TOML) for due times in business hours.
    #[arg(long)]
    calendar: Option<String>,
    /// The routing state to start from (JSON: cursors, loads, unavailable).
    /// It may be the `--save-state` file, which is then updated in place;
    /// while that file does not exist yet, routing starts from an empty state.
    #[arg(long)]
    state: Option<String>,
    /// Writes the routing state after the last complaint here (whole or not
    /// at all).
    #[arg(long)]
    save_state: Option<String>,
    /// Start of the due time for complaints without `received_at` (RFC 3339).
    #[arg(long)]
    now: Option<String>,
    /// Writes decisions here (`.csv` for CSV, else JSON lines) instead of
    /// standard output (`-`); the file is replaced only when the run succeeds.
    #[arg(long)]
    out: Option<String>,
    /// With --check: the report as JSON.
    #[arg(long)]
    json: bool,
}

fn load_rules(path: &str, calendar: Option<&str>) -> Result<RuleSet, Failure> {
    let text = read_text(path)?;
    let rules = if path.ends_with(".json") {
        RuleSet::from_json(&text)
    } else {
        RuleSet::from_toml(&text)
    }
    .map_err(|e| Failure::from(e).prefixed(path))?;
    match calendar {
        None => Ok(rules),
        Some(c) => {
            let cal =
                Calendar::from_toml(&read_text(c)?).map_err(|e| Failure::from(e).prefixed(c))?;
            Ok(rules.with_calendar(cal))
        }
    }
}

pub(crate) fn route(args: &RouteArgs) -> Result<(), Failure> {
    if let Some(given) = &args.check {
        let path = match (given, &args.file) {
            (Some(p), None) | (None, Some(p)) => p,
            (Some(_), Some(_)) => {
                return Err(Failure::usage(
                    "--check takes one rule file: give it after --check or as the file, not both",
                ));
            }
            (None, None) => {
                return Err(Failure::usage(
                    "--check needs a rule file (crmkit route --check rules.toml)",
                ));
            }
        };
        return if args.upgrade {
            upgrade(path)
        } else {
            check(path, args)
        };
    }
    let (Some(file), Some(rules_path)) = (&args.file, &args.rules) else {
        return Err(Failure::usage(
            "give complaints and --rules (crmkit route complaints.jsonl --rules rules.toml), \
             or --check rules.toml",
        ));
    };
    // the state may be read and saved through one file: it is read whole
    // before the new state replaces it
    let state_in_place = match (&args.state, &args.save_state) {
        (Some(s), Some(save)) => crate::io::same_path(s, save),
        _ => false,
    };
    let inputs: Vec<&str> = [
        Some(file.as_str()),
        Some(rules_path.as_str()),
        args.calendar.as_deref(),
        args.state.as_deref().filter(|_| !state_in_place),
    ]
    .into_iter()
    .flatten()
    .collect();
    let outputs: Vec<&str> = [args.out.as_deref(), args.save_state.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    check_paths(&inputs, &outputs)?;
    let rules = load_rules(rules_path, args.calendar.as_deref())?;
    let complaints =
        // whatever is wrong in the file is bad input data
        complaints_from_json(&read_text(file)?).map_err(|e| Failure::data(format!("{file}: {e}")))?;
    let mut state = match &args.state {
        None => RoutingState::default(),
        // the first run of a state kept in place: nothing routed yet
        Some(p) if state_in_place && !std::path::Path::new(p).exists() => RoutingState::default(),
        Some(p) => serde_json::from_str(&read_text(p)?)
            .map_err(|e| Failure::data(format!("{p}: not a routing state ({e})")))?,
    };
    let now = args
        .now
        .as_deref()
        .map(|t| {
            t.parse().map_err(|e| {
                Failure::usage(format!(
                    "--now {}: not an RFC 3339 time ({e})",
                    quote(t, QUOTE_MAX)
                ))
            })
        })
        .transpose()?;
    // what stops routing (no one available for a complaint) is in the data
    let decisions = rules
        .route_batch(&complaints, &mut state, now)
        .map_err(|e| Failure::data(format!("{file}: {e}")))?;

    let mut sink = Sink::open(args.out.as_deref())?;
    let csv_out = sink.is_file_ending(".csv");
    write_decisions(&decisions, csv_out, &mut sink).map_err(|e| write_failure(sink.name(), &e))?;
    let mut sinks = vec![sink];
    if let Some(p) = &args.save_state {
        let mut state_sink = Sink::open(Some(p))?;
        let json = serde_json::to_string_pretty(&state)
            .map_err(|e| Failure::internal(format!("routing state: {e}")))?;
        state_sink
            .write_all(json.as_bytes())
            .map_err(|e| write_failure(p, &e))?;
        sinks.push(state_sink);
    }
    commit_all(sinks)?;
    let mut by_department: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &decisions {
        *by_department.entry(&d.department).or_default() += 1;
    }
    let summary: Vec<String> = by_department
        .iter()
        .map(|(d, n)| format!("{d} {n}"))
        .collect();
    eprintln!(
        "routed {} complaints with rules {} ({})",
        decisions.len(),
        rules.version(),
        summary.join(", ")
    );
    Ok(())
}

fn write_decisions(
    decisions: &[Decision],
    csv_out: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if !csv_out {
        for d in decisions {
            serde_json::to_writer(&mut *out, d)?;
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "complaint_id",
        "department",
        "assignee",
        "category",
        "priority",
        "due",
        "fired",
        "assigned_by",
        "notify",
    ])?;
    for d in decisions {
        w.write_record([
            d.complaint_id.clone().unwrap_or_default(),
            d.department.clone(),
            d.assignee.clone(),
            d.category.clone().unwrap_or_default(),
            d.priority.as_str().to_owned(),
            d.due.map(|t| t.to_string()).unwrap_or_default(),
            d.fired.join(" "),
            d.assigned_by.as_str().to_owned(),
            d.notify.join(" "),
        ])?;
    }
    w.flush()
}

fn check(path: &str, args: &RouteArgs) -> Result<(), Failure> {
    let rules = load_rules(path, args.calendar.as_deref())?;
    let report = rules.check()?;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::internal(format!("check report: {e}")))?;
        print(&format!("{json}\n"))?;
    } else {
        print(&render(path, &report))?;
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure::findings(format!(
            "{path}: {} error(s), {} example(s) failed",
            report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            report.examples.iter().filter(|e| !e.passed).count()
        )))
    }
}

fn upgrade(path: &str) -> Result<(), Failure> {
    let text = read_text(path)?;
    let upgraded = if path.ends_with(".json") {
        RoutingFile::upgrade_json(&text)
    } else {
        RoutingFile::upgrade_toml(&text)
    }
    .map_err(|e| Failure::from(e).prefixed(path))?;
    print(&upgraded)?;
    eprintln!("{path}: printed in format {FORMAT}; the file itself is not changed");
    Ok(())
}

fn render(path: &str, report: &CheckReport) -> String {
    let mut s = format!(
        "{path} (version {}): {} finding(s), {} example(s)\n",
        report.version,
        report.findings.len(),
        report.examples.len()
    );
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!("  {level:<7} {:<24} {}\n", f.code, f.message));
    }
    for e in &report.examples {
        let mark = if e.passed { "ok  " } else { "FAIL" };
        s.push_str(&format!(
            "  {mark} {}  -> {} / {}\n",
            e.name, e.decision.department, e.decision.assignee
        ));
        for m in &e.mismatches {
            s.push_str(&format!("         {m}\n"));
        }
    }
    s
}
