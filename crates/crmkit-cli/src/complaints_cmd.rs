//! `crmkit complaints report FILE.jsonl`: complaint KPIs per department,
//! category, channel or month, and a Pareto of topics.

use crate::Failure;
use crate::io::{self, Sink};
use crate::table::{Table, f1};
use clap::{Args, Subcommand};
use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::report::{self, GroupBy, Handled, ReportRow};
use crmkit::tabular::{QUOTE_MAX, quote};
use std::io::Write;

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
    /// Write the report here instead of standard output (`-`); the file is
    /// replaced only when the report is complete.
    #[arg(long)]
    out: Option<String>,
}

/// The records of a JSON Lines file (or a JSON array); a bad line is an
/// error naming it.
fn read_handled(path: &str) -> Result<Vec<Handled>, Failure> {
    let name = if path == "-" { "standard input" } else { path };
    crmkit::tabular::json_rows(&io::read_text(path)?).map_err(|e| Failure::from(e).prefixed(name))
}

fn group_by(name: &str) -> Result<GroupBy, Failure> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_owned())).map_err(|_| {
        Failure::usage(format!(
            "--by {}: expected first_department, resolving_department, category, channel, month or all",
            quote(name, QUOTE_MAX)
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
    let inputs: Vec<&str> = [Some(a.file.as_str()), a.calendar.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    io::check_paths(&inputs, &a.out.as_deref().into_iter().collect::<Vec<_>>())?;
    let groupings: Vec<(String, GroupBy)> =
        a.by.iter()
            .map(|b| Ok((b.trim().to_owned(), group_by(b)?)))
            .collect::<Result<_, Failure>>()?;
    let calendar = match &a.calendar {
        Some(path) => Some(
            Calendar::from_toml(&io::read_text(path)?)
                .map_err(|e| Failure::from(e).prefixed(&format!("--calendar {path}")))?,
        ),
        None => None,
    };
    let now = match &a.now {
        Some(s) => Some(s.parse::<jiff::Timestamp>().map_err(|e| {
            Failure::usage(format!(
                "--now {}: {e} (expected RFC 3339)",
                quote(s, QUOTE_MAX)
            ))
        })?),
        None => None,
    };
    let handled = read_handled(&a.file)?;
    let mut tables = Vec::new();
    for (name, by) in &groupings {
        // a complaint resolved before it was received is bad data
        let rows = report::report(&handled, *by, calendar.as_ref(), now)
            .map_err(|e| Failure::data(format!("{}: {e}", a.file)))?;
        tables.push((name.clone(), rows));
    }
    let pareto = report::pareto(&handled, |h| h.topic.clone().or_else(|| h.category.clone()));
    let text = if a.json {
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
        format!("{out:#}\n")
    } else {
        render(&handled, calendar.as_ref(), &tables, &pareto)
    };
    let mut sink = Sink::open(a.out.as_deref())?;
    sink.write_all(text.as_bytes())
        .map_err(|e| io::write_failure(sink.name(), &e))?;
    sink.commit()
}

fn render(
    handled: &[Handled],
    calendar: Option<&Calendar>,
    tables: &[(String, Vec<ReportRow>)],
    pareto: &[report::ParetoRow],
) -> String {
    let mut out = format!("{} complaints\n", handled.len());
    if let Some(c) = calendar {
        out.push_str(&format!("business hours (bh): {}\n", c.name()));
    }
    for (name, rows) in tables {
        out.push_str(&format!("\nBy {name}\n"));
        out.push_str(&table(rows, name, calendar.is_some()));
    }
    out.push_str("\nPareto of topics\n");
    let mut t = Table::new(&["topic", "count", "share", "cumulative"]);
    for p in pareto {
        t.row(vec![
            p.topic.clone(),
            p.count.to_string(),
            format!("{:.1}%", p.percent),
            format!("{:.1}%", p.cumulative_percent),
        ]);
    }
    out.push_str(&t.render());
    out
}
