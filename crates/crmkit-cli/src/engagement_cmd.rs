//! `crmkit eligible LIST.csv --events EVENTS --now T`: the dial or send list
//! with each row's decision (allowed, channel, point, reasons), and
//! `crmkit profile EVENTS --out PROFILES.csv`: one profile row per customer.
//!
//! Events are CSV (the columns named as the event fields) or JSON (an array
//! or one object per line), told apart by their first character. A bad
//! event, list row or policy stops the run with exit code 2 and a message
//! naming the file, the line and the field: a decision is never made on a
//! log or policy that could not be read whole.

use crate::Failure;
use crate::io::{self, CsvSink, Sink};
use clap::Args;
use crmkit::engagement::event::Event;
use crmkit::engagement::policy::Policy;
use crmkit::engagement::profile::Profile;
use crmkit::engagement::{Channel, Purpose, Request, Store};
use crmkit::tabular::{CsvFormat, CsvRows, QUOTE_MAX, quote};
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Args)]
pub(crate) struct EligibleArgs {
    /// The dial or send list: CSV with a `customer` column and optionally
    /// `campaign`, `channel` (empty: the best channel), `purpose`,
    /// `time_zone`, and the points `email` and `phone`; `-` reads standard
    /// input.
    list: String,
    /// The event log: CSV with the event fields as columns, or JSON (an
    /// array, or one event per line).
    #[arg(long)]
    events: String,
    /// The time of the decisions (RFC 3339 with an offset, e.g.
    /// 2026-12-01T14:00:00+03:00).
    #[arg(long)]
    now: String,
    /// A contact policy (TOML, or JSON when it starts with `{`); default:
    /// the shipped İYS policy for Türkiye. A policy with lint findings
    /// (caps that contradict each other, a failing example) is refused.
    #[arg(long)]
    policy: Option<String>,
    /// The purpose of rows without a `purpose` value.
    #[arg(long, default_value = "commercial")]
    purpose: String,
    /// The campaign of rows without a `campaign` value.
    #[arg(long)]
    campaign: Option<String>,
    /// The column that holds the customer key.
    #[arg(long, default_value = "customer")]
    customer_column: String,
    /// Field delimiter of the list and of CSV events.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// Write here instead of standard output; the file is replaced only
    /// when the whole run succeeds.
    #[arg(long)]
    out: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// The event log: CSV with the event fields as columns, or JSON (an
    /// array, or one event per line); `-` reads standard input.
    events: String,
    /// The end of the rolling contact windows (RFC 3339 with an offset);
    /// default: the latest event time in the log.
    #[arg(long)]
    now: Option<String>,
    /// Field delimiter of CSV events and of the output.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// Write here instead of standard output; the file is replaced only
    /// when the whole run succeeds.
    #[arg(long)]
    out: Option<String>,
}

/// A bad event, list row or policy: exit code 2, as for a wrong option.
fn bad(file: &str, e: impl std::fmt::Display) -> Failure {
    Failure::usage(format!("{file}: {e}"))
}

fn delimiter(c: char) -> Result<u8, Failure> {
    u8::try_from(c)
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| Failure::usage(format!("--delimiter {c:?} is not one ASCII character")))
}

fn parse_now(text: &str) -> Result<Timestamp, Failure> {
    text.parse().map_err(|e| {
        Failure::usage(format!(
            "--now {} is not an RFC 3339 time with a UTC offset such as 2026-12-01T14:00:00+03:00 ({e})",
            quote(text, QUOTE_MAX)
        ))
    })
}

/// Reads an event log: JSON when its first non-blank character is `[` or
/// `{`, else CSV.
pub(crate) fn read_events(path: &str, delimiter: u8) -> Result<Vec<Event>, Failure> {
    let text = io::read_text(path)?;
    let name = if path == "-" { "standard input" } else { path };
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['[', '{']);
    let events = if json {
        Event::read_json(&text)
    } else {
        let format = CsvFormat {
            delimiter,
            ..CsvFormat::default()
        };
        Event::read_csv(text.as_bytes(), &format)
    };
    events.map_err(|e| bad(name, e))
}

/// Reads and lints a policy; a finding is an error naming the line of the
/// field it is about, where that can be found.
pub(crate) fn read_policy(path: &str) -> Result<Policy, Failure> {
    let text = io::read_text(path)?;
    let policy = if text.trim_start().starts_with('{') {
        Policy::from_json(&text)
    } else {
        Policy::from_toml(&text)
    }
    .map_err(|e| bad(path, e))?;
    let findings = policy.lint();
    if let Some(first) = findings.first() {
        let mut message = String::new();
        for f in &findings {
            let at = line_of(&text, &f.message).map_or(String::new(), |l| format!("line {l}: "));
            message.push_str(&format!("\n  {at}{} ({})", f.message, f.code));
        }
        return Err(Failure::usage(format!(
            "{path}: the policy is refused: {} finding{}, the first {}:{message}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            first.code
        )));
    }
    Ok(policy)
}

/// The line of a TOML policy that holds the field a lint message starts
/// with (`caps.sms.day = …`, `quiet_hours[1] …`, `channel_order …`).
fn line_of(text: &str, message: &str) -> Option<usize> {
    let path: &str = message.split([' ', '=']).next()?;
    let (path, index) = match path.split_once('[') {
        Some((p, rest)) => (p, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (path, None),
    };
    let parts: Vec<&str> = path.split('.').collect();
    let mut table = String::new();
    let mut seen = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            table = h.trim().to_owned();
            if table == path {
                if index == Some(seen) {
                    return Some(i + 1);
                }
                seen += 1;
            }
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = h.trim().to_owned();
            if table == path {
                return Some(i + 1);
            }
            continue;
        }
        let key = line.split('=').next().unwrap_or("").trim();
        let full = if table.is_empty() {
            key.to_owned()
        } else {
            format!("{table}.{key}")
        };
        // `sms = { day = 1 }` holds caps.sms.day
        if !key.is_empty()
            && (full == path || (parts.len() > 1 && full == parts[..parts.len() - 1].join(".")))
        {
            return Some(i + 1);
        }
    }
    None
}

/// Puts `value` in the column `name`: in place when the list has one,
/// else appended.
fn set(header: &mut Vec<String>, name: &str) -> usize {
    match header.iter().position(|h| h == name) {
        Some(i) => i,
        None => {
            header.push(name.to_owned());
            header.len() - 1
        }
    }
}

pub(crate) fn eligible(args: &EligibleArgs) -> Result<(), Failure> {
    let mut inputs = vec![args.list.as_str(), args.events.as_str()];
    if let Some(p) = &args.policy {
        inputs.push(p);
    }
    io::check_paths(&inputs, &[args.out.as_deref().unwrap_or("-")])?;
    if args.list == "-" && args.events == "-" {
        return Err(Failure::usage(
            "the list and --events cannot both be standard input",
        ));
    }
    let delimiter = delimiter(args.delimiter)?;
    let now = parse_now(&args.now)?;
    let default_purpose =
        Purpose::parse(&args.purpose).map_err(|e| Failure::usage(format!("--purpose: {e}")))?;
    let policy = match &args.policy {
        Some(p) => read_policy(p)?,
        None => Policy::default(),
    };
    let events = read_events(&args.events, delimiter)?;
    let store = Store::new(policy);
    for e in &events {
        store.apply(e);
    }
    let list_name = if args.list == "-" {
        "standard input"
    } else {
        args.list.as_str()
    };
    let format = CsvFormat {
        delimiter,
        ..CsvFormat::default()
    };
    let mut rows =
        CsvRows::new(io::open_input(&args.list)?, &format).map_err(|e| bad(list_name, e))?;
    let customer_col = rows
        .column(&args.customer_column)
        .map_err(|e| bad(list_name, e))?;
    let col = |name: &str| rows.find(name);
    let (campaign_col, channel_col, purpose_col, zone_col) = (
        col("campaign"),
        col("channel"),
        col("purpose"),
        col("time_zone"),
    );
    let (email_col, phone_col) = (col("email"), col("phone"));
    let mut header: Vec<String> = rows.headers().iter().map(str::to_owned).collect();
    let out_cols = [
        set(&mut header, "allowed"),
        set(&mut header, "channel"),
        set(&mut header, "point"),
        set(&mut header, "reasons"),
    ];
    let mut out = CsvSink::new(Sink::open(args.out.as_deref())?, delimiter);
    out.row(&header)?;
    let mut record = csv::StringRecord::new();
    let mut cells: Vec<String> = Vec::with_capacity(header.len());
    while let Some(line) = rows.next_row(&mut record).map_err(|e| bad(list_name, e))? {
        let field = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let at = |column: &str, e: crmkit::Error| {
            bad(list_name, format!("line {line}, column {column:?}: {e}"))
        };
        let Some(customer) = field(Some(customer_col)) else {
            return Err(bad(
                list_name,
                format!(
                    "line {line}, column {:?}: empty; expected a customer key",
                    args.customer_column
                ),
            ));
        };
        let purpose = match field(purpose_col) {
            Some(p) => Purpose::parse(p).map_err(|e| at("purpose", e))?,
            None => default_purpose,
        };
        let channel = match field(channel_col) {
            Some("best") | None => None,
            Some(c) => Some(Channel::parse(c).map_err(|e| at("channel", e))?),
        };
        let request = Request {
            campaign: field(campaign_col)
                .map(str::to_owned)
                .or_else(|| args.campaign.clone()),
            channel,
            purpose,
            time_zone: field(zone_col).map(str::to_owned),
        };
        let d = store.decide(customer, &request, now);
        let point = match d.channel.filter(|_| d.allowed) {
            Some(Channel::Email) => field(email_col),
            Some(Channel::Call | Channel::Sms) => field(phone_col),
            None => None,
        };
        cells.clear();
        cells.extend(record.iter().map(str::to_owned));
        cells.resize(header.len(), String::new());
        let values = [
            d.allowed.to_string(),
            d.channel.map_or(String::new(), |c| c.as_str().to_owned()),
            point.unwrap_or("").to_owned(),
            d.codes().join("|"),
        ];
        for (c, v) in out_cols.iter().zip(values) {
            cells[*c] = v;
        }
        out.row(&cells)?;
    }
    out.finish()?.commit()
}

const WINDOWS: [(&str, SignedDuration); 3] = [
    ("day", SignedDuration::from_hours(24)),
    ("week", SignedDuration::from_hours(7 * 24)),
    ("month", SignedDuration::from_hours(30 * 24)),
];

/// The columns of `crmkit profile`.
fn profile_header() -> Vec<String> {
    let mut h: Vec<String> = ["customer", "keys", "latest"].map(str::to_owned).to_vec();
    for &c in Channel::ALL {
        for p in [Purpose::Commercial, Purpose::Service] {
            h.push(format!("consent_{c}_{p}"));
            h.push(format!("consent_{c}_{p}_source"));
        }
        h.push(format!("last_contact_{c}"));
        for (w, _) in WINDOWS {
            h.push(format!("contacts_{c}_{w}"));
        }
        h.push(format!("point_{c}"));
    }
    for name in [
        "open_complaints",
        "last_resolution",
        "sla_breaches_month",
        "nps",
        "last_detractor",
        "purchases",
        "purchase_total",
        "last_purchase",
        "campaigns_answered",
    ] {
        h.push(name.to_owned());
    }
    h
}

fn time(t: Option<Timestamp>) -> String {
    t.map_or(String::new(), |t| t.to_string())
}

fn within(times: &[Timestamp], now: Timestamp, window: SignedDuration) -> usize {
    let start = now.saturating_sub(window).unwrap_or(Timestamp::MIN);
    times.iter().filter(|&&t| t > start && t <= now).count()
}

fn profile_row(p: &Profile, keys: &[String], now: Timestamp) -> Vec<String> {
    let mut r = vec![p.customer().to_owned(), keys.join("|"), time(p.latest())];
    for &c in Channel::ALL {
        for purpose in [Purpose::Commercial, Purpose::Service] {
            let consent = p.consent(c, purpose);
            r.push(consent.map_or(String::new(), |s| {
                if s.granted { "granted" } else { "revoked" }.to_owned()
            }));
            r.push(consent.and_then(|s| s.source.clone()).unwrap_or_default());
        }
        r.push(time(p.last_contact(c)));
        for (_, w) in WINDOWS {
            r.push(within(p.contact_times(c), now, w).to_string());
        }
        r.push(p.point(c).map_or(String::new(), |s| {
            format!(
                "{}:{}",
                if s.suppressed { "suppressed" } else { "ok" },
                s.reason
            )
        }));
    }
    r.push(p.open_complaints().count().to_string());
    r.push(time(p.last_resolution()));
    r.push(within(p.sla_breaches(), now, WINDOWS[2].1).to_string());
    r.push(
        p.last_answer(crmkit::engagement::event::Metric::Nps)
            .map_or(String::new(), |a| a.value.to_string()),
    );
    r.push(time(p.last_detractor()));
    let purchases = p.purchases();
    r.push(purchases.count.to_string());
    let totals: Vec<String> = purchases
        .total_hundredths
        .keys()
        .map(|cur| {
            let amount = format!("{:.2}", purchases.total(cur));
            if cur.is_empty() {
                amount
            } else {
                format!("{cur} {amount}")
            }
        })
        .collect();
    r.push(totals.join("|"));
    r.push(time(purchases.last));
    let answered: Vec<&str> = p.campaigns().keys().map(String::as_str).collect();
    r.push(answered.join("|"));
    r
}

pub(crate) fn profile(args: &ProfileArgs) -> Result<(), Failure> {
    io::check_paths(
        &[args.events.as_str()],
        &[args.out.as_deref().unwrap_or("-")],
    )?;
    let delimiter = delimiter(args.delimiter)?;
    let now = args.now.as_deref().map(parse_now).transpose()?;
    let events = read_events(&args.events, delimiter)?;
    let now = now
        .or_else(|| events.iter().map(|e| e.time).max())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let store = Store::new(Policy::default());
    for e in &events {
        store.apply(e);
    }
    let mut out = CsvSink::new(Sink::open(args.out.as_deref())?, delimiter);
    out.row(profile_header())?;
    for (p, keys) in store.profiles() {
        out.row(profile_row(&p, &keys, now))?;
    }
    out.finish()?.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_findings_point_at_their_line() {
        let text = "version = 1\n[caps]\nsms = { day = 5, week = 3 }\n\n[[quiet_hours]]\nchannels = [\"call\"]\nstart = \"20:00\"\nend = \"21:00\"\n[[quiet_hours]]\nchannels = [\"sms\"]\nstart = \"20:00\"\nend = \"20:00\"\n";
        assert_eq!(
            line_of(text, "caps.sms.day = 5 is above caps.sms.week = 3"),
            Some(3)
        );
        assert_eq!(
            line_of(text, "quiet_hours[1] starts and ends at 20:00"),
            Some(9)
        );
        assert_eq!(line_of(text, "nothing.here is wrong"), None);
    }

    #[test]
    fn profile_rows_have_the_header_width() {
        let mut p = Profile::new("c1");
        let e = &Event::read_json(r#"{"type": "contact", "customer": "c1", "time": "2026-12-01T10:00:00Z", "channel": "sms", "outcome": "stat:DELIVRD"}"#).unwrap()[0];
        p.apply(e);
        let row = profile_row(
            &p,
            &["c1".to_owned()],
            "2026-12-01T12:00:00Z".parse().unwrap(),
        );
        let header = profile_header();
        assert_eq!(row.len(), header.len());
        let at = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(at("contacts_sms_day"), "1");
        assert_eq!(at("point_sms"), "ok:delivered");
    }
}
