//! `crmkit contacts FILE.csv`: adds parsed, normalized and classified email
//! and phone columns to every row.

use crate::Failure;
use clap::Args;
use crmkit::contact::email::{self, EmailLists, EmailOptions};
use crmkit::contact::phone;

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
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<String>,
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

fn failure(message: String, code: u8) -> Failure {
    Failure { message, code }
}

pub(crate) fn contacts(args: &ContactsArgs) -> Result<(), Failure> {
    if !args.delimiter.is_ascii() {
        return Err(failure(
            format!(
                "--delimiter must be one ASCII character, got {:?}",
                args.delimiter
            ),
            2,
        ));
    }
    let default_region = phone::region(&args.region)?;
    let input: Box<dyn std::io::Read> = if args.file == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(&args.file)
                .map_err(|e| failure(format!("{}: {e}", args.file), 1))?,
        )
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(args.delimiter as u8)
        .flexible(true)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| failure(format!("{}: header: {e}", args.file), 2))?
        .clone();
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let email_col = find(&args.email_column);
    let phone_col = find(&args.phone_column);
    let region_col = match &args.region_column {
        Some(name) => Some(
            find(name)
                .ok_or_else(|| failure(format!("{}: header: no column {name:?}", args.file), 2))?,
        ),
        None => None,
    };
    if email_col.is_none() && phone_col.is_none() {
        let names: Vec<&str> = headers.iter().collect();
        return Err(failure(
            format!(
                "{}: header: neither {:?} nor {:?} is a column; the columns are {names:?} (see --email-column, --phone-column)",
                args.file, args.email_column, args.phone_column
            ),
            2,
        ));
    }
    let output: Box<dyn std::io::Write> = match &args.out {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(|e| failure(format!("{path}: {e}"), 1))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(args.delimiter as u8)
        .from_writer(output);
    let io = |e: csv::Error| failure(format!("writing: {e}"), 1);
    let mut header: Vec<String> = headers.iter().map(str::to_owned).collect();
    if email_col.is_some() {
        header.extend(EMAIL_COLUMNS.iter().map(|s| (*s).to_owned()));
    }
    if phone_col.is_some() {
        header.extend(PHONE_COLUMNS.iter().map(|s| (*s).to_owned()));
    }
    writer.write_record(&header).map_err(io)?;
    let (options, lists) = (EmailOptions::default(), EmailLists::builtin());
    let flag = |b: bool| {
        if b {
            "true".to_owned()
        } else {
            "false".to_owned()
        }
    };
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            failure(format!("{}: line {line}: {e}", args.file), 2)
        })?;
        if !more {
            break;
        }
        let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
        row.resize(headers.len(), String::new());
        if let Some(c) = email_col {
            let e = email::parse_with(record.get(c).unwrap_or("").trim(), &options, lists);
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
            row.extend([
                flag(p.valid),
                p.e164.filter(|_| p.valid).unwrap_or_default(),
                p.phone_type.as_str().to_owned(),
                p.extension.unwrap_or_default(),
                p.suggestion.unwrap_or_default(),
                p.error.map(|i| i.as_str().to_owned()).unwrap_or_default(),
            ]);
        }
        writer.write_record(&row).map_err(io)?;
    }
    writer
        .flush()
        .map_err(|e| failure(format!("writing: {e}"), 1))?;
    Ok(())
}
