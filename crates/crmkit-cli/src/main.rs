//! The `crmkit` command: survey metrics on CSV files, and a demo of every
//! capability on embedded sample data.

mod complaints_cmd;
mod contacts_cmd;
mod demo;
mod resolve_cmd;
mod route_cmd;
mod survey_cmd;
mod table;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "crmkit", version, about = "Customer-data toolkit: survey metrics, and more to come", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs every capability on embedded sample data and prints a report.
    Demo,
    /// Net Promoter Score of a CSV column, overall and per segment.
    Nps(survey_cmd::NpsArgs),
    /// Tests whether the NPS of one CSV file differs from another's.
    NpsDiff(survey_cmd::NpsDiffArgs),
    /// CSAT (top-box share) of a CSV column, overall and per segment.
    Csat(survey_cmd::CsatArgs),
    /// Customer Effort Score of a CSV column, overall and per segment.
    Ces(survey_cmd::CesArgs),
    /// Adds parsed, normalized and classified email and phone columns to a CSV file.
    Contacts(contacts_cmd::ContactsArgs),
    /// Finds the records of one customer (deduplication, or linking two files) and writes `id,cluster_id`.
    Resolve(resolve_cmd::ResolveArgs),
    /// Routes complaints to a named person with a rule file, or checks a rule file (--check).
    Route(route_cmd::RouteArgs),
    /// Complaint reports: `crmkit complaints report FILE.jsonl`.
    Complaints(complaints_cmd::ComplaintsArgs),
}

/// A failure and the exit code it maps to: 2 for bad input, 1 otherwise.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl From<crmkit::Error> for Failure {
    fn from(e: crmkit::Error) -> Self {
        // everything but I/O and internal errors is about the input
        let input = !matches!(
            e.code(),
            crmkit::ErrorCode::Io | crmkit::ErrorCode::Panic | crmkit::ErrorCode::InsufficientSize
        );
        Failure {
            message: e.to_string(),
            code: if input { 2 } else { 1 },
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => demo::run(),
        Command::Nps(a) => survey_cmd::nps(&a),
        Command::NpsDiff(a) => survey_cmd::nps_diff(&a),
        Command::Csat(a) => survey_cmd::csat(&a),
        Command::Ces(a) => survey_cmd::ces(&a),
        Command::Contacts(a) => contacts_cmd::contacts(&a),
        Command::Resolve(a) => resolve_cmd::resolve(&a),
        Command::Route(a) => route_cmd::route(&a),
        Command::Complaints(a) => complaints_cmd::complaints(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
