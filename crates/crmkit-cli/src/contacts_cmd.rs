//! `crmkit contacts FILE.csv`: adds parsed, normalized and classified email
//! and phone columns to every row, and with a delivery history
//! (`--events`) the validity score of each row's email and phone, and with
//! `--summary` one row per customer: the best email and phone and the last
//! contact.

use crate::Failure;
use crate::io::{self, CsvSink, Sink};
use clap::Args;
use crmkit::contact::email::{self, EmailKind, EmailLists, EmailOptions};
use crmkit::contact::outcome::{self, Channel, Reason};
use crmkit::contact::phone::{self, PhoneType, Region};
use crmkit::contact::score::{self, ContactPoint, Evidence, EvidenceKind, PointClass, Policy};
use crmkit::tabular::{BadRows, CsvFormat, CsvRows, QUOTE_MAX, Skipped, SkippedRow, quote};
use std::collections::HashMap;

#[derive(Debug, Args)]
pub(crate) struct ContactsArgs {
    /// CSV file with a header row; `-` reads standard input.
    file: String,
    /// The column holding email addresses (absent: no email columns).
    #[arg(long, default_value = "email")]
    email_column: String,
    /// The column holding phone numbers (absent: no phone columns).
    #[arg(long, default_value = "phone")]
    phone_column: String,
    /// Default region for numbers written without a country code.
    #[arg(long, default_value = "TR")]
    region: String,
    /// A column with each row's region (e.g. `country`), used where filled.
    #[arg(long)]
    region_column: Option<String>,
    /// Field delimiter.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// Write here instead of standard output (`-`: standard output). The
    /// file is replaced only when the whole run succeeds.
    #[arg(long)]
    out: Option<String>,
    /// Skip rows with the wrong number of fields, and history rows whose
    /// outcome is not recognized, reporting how many on standard error,
    /// instead of stopping at the first.
    #[arg(long)]
    lenient: bool,
    /// Delivery history CSV with the columns `contact` (an address or a
    /// number), `outcome` (an SMTP reply, enhanced code, DSN text, SMS
    /// report such as `stat:UNDELIV err:001`, an engagement word such as
    /// `opened`, or one of delivered / engaged / inbound / transient /
    /// long_term / permanent), `time` (RFC 3339) and optionally `source`.
    /// Adds score, band, action and top-reason columns for email and phone.
    #[arg(long, requires = "now")]
    events: Option<String>,
    /// The time at which to score (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long)]
    now: Option<String>,
    /// A validity policy (JSON) overriding fields of the default policy.
    #[arg(long, requires = "events")]
    policy: Option<String>,
    /// Also write a per-customer summary CSV here: one row per distinct
    /// value of `--customer-column` (in order of first appearance, also for
    /// a customer without any filled point) with the number of points, the
    /// customer's best email and best phone (never a suppressed one), their
    /// scores, and the last successful contact and its channel.
    #[arg(long, requires_all = ["events", "customer_column"])]
    summary: Option<String>,
    /// The column that identifies the customer of each row (several rows
    /// may belong to one customer); used by `--summary`.
    #[arg(long)]
    customer_column: Option<String>,
}

const SUMMARY_COLUMNS: &[&str] = &[
    "customer",
    "points",
    "best_email",
    "best_email_score",
    "best_phone",
    "best_phone_score",
    "last_contact_at",
    "last_contact_channel",
];

/// The scored points of each customer, in order of first appearance.
#[derive(Default)]
struct Customers {
    index: HashMap<String, usize>,
    customers: Vec<Customer>,
}

struct Customer {
    id: String,
    /// The point as written out (normalized address, E.164 number).
    labels: Vec<String>,
    points: Vec<ContactPoint>,
    scores: Vec<score::Score>,
}

impl Customers {
    /// The index of customer `id`, added (with no points yet) on first sight.
    fn customer(&mut self, id: &str) -> usize {
        *self.index.entry(id.to_owned()).or_insert_with(|| {
            self.customers.push(Customer {
                id: id.to_owned(),
                labels: Vec::new(),
                points: Vec::new(),
                scores: Vec::new(),
            });
            self.customers.len() - 1
        })
    }

    fn add(&mut self, customer: usize, label: String, point: ContactPoint, score: score::Score) {
        let c = &mut self.customers[customer];
        c.labels.push(label);
        c.points.push(point);
        c.scores.push(score);
    }

    fn write(&self, mut w: CsvSink) -> Result<Sink, Failure> {
        w.row(SUMMARY_COLUMNS)?;
        for c in &self.customers {
            let s = score::summarize(&c.points, &c.scores);
            let best = |i: Option<usize>| match i {
                Some(i) => [
                    c.labels[i].clone(),
                    format!("{:.4}", c.scores[i].probability),
                ],
                None => Default::default(),
            };
            let [email, email_score] = best(s.best_email);
            let [phone, phone_score] = best(s.best_phone);
            w.row([
                c.id.clone(),
                c.points.len().to_string(),
                email,
                email_score,
                phone,
                phone_score,
                s.last_contact_at.map(|t| t.to_string()).unwrap_or_default(),
                s.last_contact_channel
                    .map(|ch| snake_name(&ch))
                    .unwrap_or_default(),
            ])?;
        }
        w.finish()
    }
}

const EMAIL_SCORE_COLUMNS: &[&str] = &[
    "email_score",
    "email_band",
    "email_action",
    "email_top_reason",
];
const PHONE_SCORE_COLUMNS: &[&str] = &[
    "phone_score",
    "phone_band",
    "phone_action",
    "phone_top_reason",
];

/// Evidence per contact point: emails by dedup key, numbers by E.164.
#[derive(Default)]
struct History {
    by_key: HashMap<String, Vec<Evidence>>,
}

fn email_key(text: &str) -> Option<String> {
    email::dedup_key(text.trim())
}

fn phone_key(text: &str, region: Region) -> Option<String> {
    phone::e164(text, Some(region))
}

fn evidence_kind(text: &str) -> Option<EvidenceKind> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "delivered" => EvidenceKind::Delivered,
        "engaged" => EvidenceKind::Engaged,
        "inbound" => EvidenceKind::Inbound,
        "transient" => EvidenceKind::Transient,
        "long_term" => EvidenceKind::LongTerm,
        "permanent" => EvidenceKind::Permanent,
        _ => return None,
    })
}

fn read_history(path: &str, region: Region, format: &CsvFormat) -> Result<History, Failure> {
    let located = |e: crmkit::Error| Failure::from(e).prefixed(path);
    let mut rows = CsvRows::new(io::open_input(path)?, format).map_err(located)?;
    let column = |name: &str| {
        rows.column(name).map_err(|e| {
            Failure::from(e)
                .prefixed(path)
                .suffixed("(expected contact, outcome, time and optionally source)")
        })
    };
    let (contact_col, outcome_col, time_col) =
        (column("contact")?, column("outcome")?, column("time")?);
    let source_col = rows.find("source");
    let mut history = History::default();
    let mut unrecognized = Skipped::default();
    let mut record = csv::StringRecord::new();
    while let Some(line) = rows.next_row(&mut record).map_err(located)? {
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let contact = field(contact_col);
        let is_email = contact.contains('@');
        let key = if is_email {
            email_key(contact)
        } else {
            phone_key(contact, region)
        };
        let Some(key) = key else {
            return Err(Failure::data(format!(
                "{path}: line {line}, column \"contact\": {} is neither a valid email address nor a phone number",
                quote(contact, QUOTE_MAX)
            )));
        };
        let at: jiff::Timestamp = field(time_col).parse().map_err(|e| {
            Failure::data(format!(
                "{path}: line {line}, column \"time\": {} is not an RFC 3339 time such as 2026-11-01T09:00:00Z ({e})",
                quote(field(time_col), QUOTE_MAX)
            ))
        })?;
        let source = source_col.map(field).filter(|s| !s.is_empty());
        let text = field(outcome_col);
        let evidence = match evidence_kind(text) {
            Some(kind) => Some(Evidence {
                at,
                kind,
                source: source.map(str::to_owned),
            }),
            None => {
                let channel = if is_email {
                    Channel::Email
                } else {
                    Channel::Sms
                };
                let o = outcome::classify(text, channel);
                if o.reason == Reason::Unrecognized {
                    let reason = format!(
                        "outcome {} is not a recognized reply, report or outcome word",
                        quote(text, QUOTE_MAX)
                    );
                    if format.bad_rows == BadRows::Reject {
                        return Err(Failure::data(format!(
                            "{path}: line {line}, column \"outcome\": {reason} (an SMTP reply, DSN, SMS report, \
                             or one of delivered, engaged, inbound, transient, long_term, permanent); \
                             --lenient skips such rows"
                        )));
                    }
                    unrecognized.push(SkippedRow { line, reason });
                    continue;
                }
                // policy blocks and pending reports say nothing about the point
                Evidence::from_outcome(&o, at, source)
            }
        };
        if let Some(e) = evidence {
            history.by_key.entry(key).or_default().push(e);
        }
    }
    io::report_skipped(path, rows.skipped());
    if unrecognized.count > 0 {
        eprintln!(
            "warning: {path}: skipped {} row(s) with an unrecognized outcome (first at line {})",
            unrecognized.count, unrecognized.first[0].line
        );
    }
    Ok(history)
}

fn email_class(kind: Option<EmailKind>) -> PointClass {
    match kind {
        Some(EmailKind::Free) => PointClass::Free,
        Some(EmailKind::Disposable) => PointClass::Disposable,
        Some(EmailKind::Role) => PointClass::Role,
        Some(EmailKind::Education) => PointClass::Education,
        Some(EmailKind::Government) => PointClass::Government,
        Some(EmailKind::Corporate) | None => PointClass::Corporate,
    }
}

fn phone_class(t: PhoneType) -> PointClass {
    match t {
        PhoneType::Mobile | PhoneType::FixedLineOrMobile => PointClass::Mobile,
        PhoneType::FixedLine => PointClass::FixedLine,
        PhoneType::Voip => PointClass::Voip,
        PhoneType::TollFree | PhoneType::PremiumRate | PhoneType::SharedCost | PhoneType::Uan => {
            PointClass::Business
        }
        _ => PointClass::Other,
    }
}

/// A point with its history, scored.
fn score_point(
    mut point: ContactPoint,
    key: Option<&str>,
    history: &History,
    policy: &Policy,
    now: jiff::Timestamp,
) -> (ContactPoint, score::Score) {
    if let Some(evidence) = key.and_then(|k| history.by_key.get(k)) {
        point.evidence = evidence.clone();
    }
    let s = score::score(&point, policy, now);
    (point, s)
}

/// The four score cells of a point (empty when the field is empty).
fn score_cells(s: Option<&score::Score>) -> [String; 4] {
    let Some(s) = s else {
        return Default::default();
    };
    [
        format!("{:.4}", s.probability),
        snake_name(&s.band),
        snake_name(&s.action),
        s.reasons
            .first()
            .map(|r| r.code.to_string())
            .unwrap_or_default(),
    ]
}

/// The snake_case name of a score enum, as in its JSON form.
fn snake_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

const EMAIL_COLUMNS: &[&str] = &[
    "email_valid",
    "email_normalized",
    "email_dedup_key",
    "email_kind",
    "email_suggestion",
    "email_error",
];
const PHONE_COLUMNS: &[&str] = &[
    "phone_valid",
    "phone_e164",
    "phone_type",
    "phone_extension",
    "phone_suggestion",
    "phone_error",
];

pub(crate) fn contacts(args: &ContactsArgs) -> Result<(), Failure> {
    if !args.delimiter.is_ascii() {
        return Err(Failure::usage(format!(
            "--delimiter must be one ASCII character, got {:?}",
            args.delimiter
        )));
    }
    let inputs: Vec<&str> = [
        Some(args.file.as_str()),
        args.events.as_deref(),
        args.policy.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let outputs: Vec<&str> = [args.out.as_deref(), args.summary.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    io::check_paths(&inputs, &outputs)?;
    let default_region =
        phone::region(&args.region).map_err(|e| Failure::usage(format!("--region: {e}")))?;
    let format = CsvFormat {
        delimiter: args.delimiter as u8,
        bad_rows: io::bad_rows(args.lenient),
    };
    let located = |e: crmkit::Error| Failure::from(e).prefixed(&args.file);
    let mut reader = CsvRows::new(io::open_input(&args.file)?, &format).map_err(located)?;
    let headers = reader.headers().clone();
    let email_col = reader.find(&args.email_column);
    let phone_col = reader.find(&args.phone_column);
    let region_col = match &args.region_column {
        Some(name) => Some(reader.column(name).map_err(located)?),
        None => None,
    };
    // the summary's customer column (clap makes --summary require it)
    let customer_col = match (&args.summary, &args.customer_column) {
        (Some(_), Some(name)) => Some(
            reader
                .column(name)
                .map_err(|e| located(e).suffixed("(see --customer-column)"))?,
        ),
        _ => None,
    };
    let mut customers = Customers::default();
    if email_col.is_none() && phone_col.is_none() {
        let names: Vec<&str> = headers.iter().collect();
        return Err(Failure::data(format!(
            "{}: header: neither {} nor {} is a column; the columns are {} (see --email-column, --phone-column)",
            args.file,
            quote(&args.email_column, QUOTE_MAX),
            quote(&args.phone_column, QUOTE_MAX),
            quote(&format!("{names:?}"), 4 * QUOTE_MAX)
        )));
    }
    let mut header: Vec<String> = headers.iter().map(str::to_owned).collect();
    if email_col.is_some() {
        header.extend(EMAIL_COLUMNS.iter().map(|s| (*s).to_owned()));
    }
    if phone_col.is_some() {
        header.extend(PHONE_COLUMNS.iter().map(|s| (*s).to_owned()));
    }
    let scoring = match (&args.events, &args.now) {
        (Some(path), Some(now)) => {
            let now: jiff::Timestamp = now.parse().map_err(|e| {
                Failure::usage(format!(
                    "--now {} is not an RFC 3339 time such as 2026-12-01T00:00:00Z ({e})",
                    quote(now, QUOTE_MAX)
                ))
            })?;
            let policy = match &args.policy {
                None => Policy::default(),
                Some(p) => {
                    let text = io::read_text(p)?;
                    let policy: Policy = serde_json::from_str(&text)
                        .map_err(|e| Failure::data(format!("{p}: {e}")))?;
                    policy
                        .validate()
                        .map_err(|e| Failure::from(e).prefixed(p))?;
                    policy
                }
            };
            let history = read_history(path, default_region, &format)?;
            Some((history, policy, now))
        }
        _ => None,
    };
    if scoring.is_some() {
        if email_col.is_some() {
            header.extend(EMAIL_SCORE_COLUMNS.iter().map(|s| (*s).to_owned()));
        }
        if phone_col.is_some() {
            header.extend(PHONE_SCORE_COLUMNS.iter().map(|s| (*s).to_owned()));
        }
    }
    // outputs are opened once the inputs have been read as far as they can be up front
    let mut writer = CsvSink::new(Sink::open(args.out.as_deref())?, args.delimiter as u8);
    let summary = match &args.summary {
        Some(path) => Some(CsvSink::new(Sink::open(Some(path))?, args.delimiter as u8)),
        None => None,
    };
    writer.row(&header)?;
    let (options, lists) = (EmailOptions::default(), EmailLists::builtin());
    let flag = |b: bool| {
        if b {
            "true".to_owned()
        } else {
            "false".to_owned()
        }
    };
    let mut record = csv::StringRecord::new();
    while reader.next_row(&mut record).map_err(located)?.is_some() {
        let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
        let mut score_row: Vec<String> = Vec::new();
        let customer = customer_col.map(|c| customers.customer(record.get(c).unwrap_or("")));
        if let Some(c) = email_col {
            let e = email::parse_with(record.get(c).unwrap_or("").trim(), &options, lists);
            if let Some((history, policy, now)) = &scoring {
                let mut point = ContactPoint::new(email_class(e.kind));
                point.syntax_valid = e.valid;
                let scored = (!e.input.is_empty())
                    .then(|| score_point(point, e.dedup_key.as_deref(), history, policy, *now));
                score_row.extend(score_cells(scored.as_ref().map(|s| &s.1)));
                if let (Some((point, s)), Some(c)) = (scored, customer) {
                    let label = e.normalized.clone().unwrap_or_else(|| e.input.clone());
                    customers.add(c, label, point, s);
                }
            }
            row.extend([
                flag(e.valid),
                e.normalized.unwrap_or_default(),
                e.dedup_key.unwrap_or_default(),
                e.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
                e.suggestion.unwrap_or_default(),
                e.error.map(|i| i.as_str().to_owned()).unwrap_or_default(),
            ]);
        }
        if let Some(c) = phone_col {
            let region = region_col
                .and_then(|rc| record.get(rc))
                .and_then(|r| phone::region(r).ok())
                .unwrap_or(default_region);
            let p = phone::parse_in(record.get(c).unwrap_or(""), Some(region));
            if let Some((history, policy, now)) = &scoring {
                let mut point = ContactPoint::new(phone_class(p.phone_type));
                point.syntax_valid = p.valid;
                let key = p.e164.as_deref().filter(|_| p.possible);
                let scored = (!p.input.trim().is_empty())
                    .then(|| score_point(point, key, history, policy, *now));
                score_row.extend(score_cells(scored.as_ref().map(|s| &s.1)));
                if let (Some((point, s)), Some(c)) = (scored, customer) {
                    let label = key.unwrap_or(p.input.trim()).to_owned();
                    customers.add(c, label, point, s);
                }
            }
            row.extend([
                flag(p.valid),
                p.e164.filter(|_| p.valid).unwrap_or_default(),
                p.phone_type.as_str().to_owned(),
                p.extension.unwrap_or_default(),
                p.suggestion.unwrap_or_default(),
                p.error.map(|i| i.as_str().to_owned()).unwrap_or_default(),
            ]);
        }
        row.extend(score_row);
        writer.row(&row)?;
    }
    io::report_skipped(&args.file, reader.skipped());
    let mut sinks = vec![writer.finish()?];
    if let Some(summary) = summary {
        sinks.push(customers.write(summary)?);
    }
    io::commit_all(sinks)
}
