//! `crmkit complaints report FILE.jsonl`: complaint KPIs per department,
//! category, channel or month, and a Pareto of topics.

use crate::Failure;
use crate::table::{Table, f1};
use clap::{Args, Subcommand};
use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::report::{self, GroupBy, Handled, ReportRow};
use std::io::Read;

#[derive(Debug, Args)]
pub(crate) struct ComplaintsArgs {
    #[command(subcommand)]
    command: ComplaintsCommand,
}

#[derive(Debug, Subcommand)]
enum ComplaintsCommand {
    /// KPIs (share, resolution rate and time, SLA breaches, satisfaction,
    /// reopen rate, first-routing accuracy, win-back cost) per group, and a
    /// Pareto of topics.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// JSON Lines, one handled complaint per line (`id`, `channel`,
    /// `received_at` required; `category`, `topic`, `first_department`,
    /// `resolving_department`, `first_response_at`, `resolved_at`,
    /// `due_at`, `reopened`, `satisfied`, `winback_cost`, `repurchased`
    /// optional); `-` reads standard input.
    file: String,
    /// Groupings, comma-separated: first_department, resolving_department,
    /// category, channel, month, all. One table each.
    #[arg(long, value_delimiter = ',', default_value = "first_department")]
    by: Vec<String>,
    /// A business calendar (TOML, as examples/calendars/tr-2026-2027.toml)
    /// for resolution times in business hours.
    #[arg(long)]
    calendar: Option<String>,
    /// The time of the report (RFC 3339): complaints still open past their
    /// due time then count as breaches.
    #[arg(long)]
    now: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

fn input(message: String) -> Failure {
    Failure { message, code: 2 }
}

fn read_file(path: &str) -> Result<String, Failure> {
    let mut text = String::new();
    let result = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|e| Failure {
        message: format!("{path}: {e}"),
        code: if e.kind() == std::io::ErrorKind::InvalidData {
            2
        } else {
            1
        },
    })?;
    Ok(text)
}

/// The records of a JSONL file; a bad line is an error naming it.
fn read_handled(path: &str) -> Result<Vec<Handled>, Failure> {
    let text = read_file(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let h: Handled = serde_json::from_str(line).map_err(|e| {
            let name = if path == "-" { "standard input" } else { path };
            // serde_json appends its own "at line 1 column N"
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            input(format!(
                "{name} line {}, column {}: {message}",
                i + 1,
                e.column()
            ))
        })?;
        out.push(h);
    }
    Ok(out)
}

fn group_by(name: &str) -> Result<GroupBy, Failure> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_owned())).map_err(|_| {
        input(format!(
            "--by {name:?}: expected first_department, resolving_department, category, channel, month or all"
        ))
    })
}

fn opt_pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.1}%"))
}

fn table(rows: &[ReportRow], by: &str, business: bool) -> String {
    let mut header = vec![
        by,
        "count",
        "share",
        "resolved",
        "resolution",
        "median h",
        "p90 h",
        "max h",
    ];
    if business {
        header.extend(["median bh", "p90 bh"]);
    }
    header.extend([
        "1st resp. h",
        "SLA breach",
        "satisfied",
        "reopened",
        "1st routing ok",
        "repurchase",
        "win-back",
    ]);
    let mut t = Table::new(&header);
    let hours = |d: Option<report::Durations>, f: fn(&report::Durations) -> f64| {
        d.map_or_else(|| "-".into(), |d| f1(f(&d)))
    };
    for r in rows {
        let mut cells = vec![
            r.key.clone(),
            r.count.to_string(),
            format!("{:.1}%", r.share_percent),
            r.resolved.to_string(),
            opt_pct(r.resolution_rate),
            hours(r.resolution_hours, |d| d.median),
            hours(r.resolution_hours, |d| d.p90),
            hours(r.resolution_hours, |d| d.max),
        ];
        if business {
            cells.push(hours(r.resolution_business_hours, |d| d.median));
            cells.push(hours(r.resolution_business_hours, |d| d.p90));
        }
        cells.extend([
            hours(r.first_response_hours, |d| d.median),
            opt_pct(r.sla_breach_rate),
            opt_pct(r.satisfaction_rate),
            opt_pct(r.reopen_rate),
            opt_pct(r.first_routing_accuracy),
            opt_pct(r.repurchase_rate),
            format!("{:.2}", r.winback_cost),
        ]);
        t.row(cells);
    }
    t.render()
}

pub(crate) fn complaints(args: &ComplaintsArgs) -> Result<(), Failure> {
    match &args.command {
        ComplaintsCommand::Report(a) => run_report(a),
    }
}

fn run_report(a: &ReportArgs) -> Result<(), Failure> {
    let groupings: Vec<(String, GroupBy)> =
        a.by.iter()
            .map(|b| Ok((b.trim().to_owned(), group_by(b)?)))
            .collect::<Result<_, Failure>>()?;
    let calendar = match &a.calendar {
        Some(path) => Some(
            Calendar::from_toml(&read_file(path)?)
                .map_err(|e| input(format!("--calendar {path}: {e}")))?,
        ),
        None => None,
    };
    let now = match &a.now {
        Some(s) => Some(
            s.parse::<jiff::Timestamp>()
                .map_err(|e| input(format!("--now {s:?}: {e} (expected RFC 3339)")))?,
        ),
        None => None,
    };
    let handled = read_handled(&a.file)?;
    let mut tables = Vec::new();
    for (name, by) in &groupings {
        let rows = report::report(&handled, *by, calendar.as_ref(), now)?;
        tables.push((name.clone(), rows));
    }
    let pareto = report::pareto(&handled, |h| h.topic.clone().or_else(|| h.category.clone()));
    if a.json {
        let reports: serde_json::Map<String, serde_json::Value> = tables
            .iter()
            .map(|(name, rows)| (name.clone(), serde_json::json!(rows)))
            .collect();
        let out = serde_json::json!({
            "complaints": handled.len(),
            "calendar": calendar.as_ref().map(|c| c.name().to_owned()),
            "reports": reports,
            "pareto": pareto,
        });
        println!("{out:#}");
        return Ok(());
    }
    println!("{} complaints", handled.len());
    if let Some(c) = &calendar {
        println!("business hours (bh): {}", c.name());
    }
    for (name, rows) in &tables {
        println!();
        println!("By {name}");
        print!("{}", table(rows, name, calendar.is_some()));
    }
    println!();
    println!("Pareto of topics");
    let mut t = Table::new(&["topic", "count", "share", "cumulative"]);
    for p in &pareto {
        t.row(vec![
            p.topic.clone(),
            p.count.to_string(),
            format!("{:.1}%", p.percent),
            format!("{:.1}%", p.cumulative_percent),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}
