//! The `crmkit` command: survey metrics on CSV files, and a demo of every
//! capability on embedded sample data.

mod complaints_cmd;

/// mimalloc: standardizing millions of records makes and frees many small
/// strings on every thread; with the system allocator, allocating and
/// freeing took over a quarter of that stage (perf, 1M records).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod contacts_cmd;
mod demo;
mod engagement_cmd;
mod io;
mod progress;
mod resolve_cmd;
mod route_cmd;
mod survey_cmd;
mod table;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "crmkit",
    version,
    about = "Customer-data toolkit: survey metrics, contact validity, complaint routing and reports, identity resolution",
    long_about = None,
    after_help = EXIT_CODES
)]
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
    /// Decides for every row of a dial or send list whether the customer may be contacted now, on which channel, and why.
    Eligible(engagement_cmd::EligibleArgs),
    /// Folds an event log into one profile row per customer (merged customers as one).
    Profile(engagement_cmd::ProfileArgs),
}

const EXIT_CODES: &str = "Exit codes (every command):
  0  success (also when standard output is closed early, as by `| head`)
  1  findings: what the command checked failed (route --check)
  2  usage: a wrong option or value, or an output path that is also an input;
     for `eligible` and `profile` also a bad event, list row or policy (named
     in the message), so that no decision is made on a log read in part
  3  bad input data: a malformed row, field, rule or policy (named in the message)
  4  I/O: a file missing or unreadable, a disk full
  5  internal error
130  interrupted by Ctrl-C (`resolve`): stopped within about a second, no
     output file written; a second Ctrl-C ends the command at once

Output files are written whole or not at all; `-` is standard input or output.
CSV files are read strictly: a row with the wrong number of fields or a quote
that is never closed is an error naming its line; `--lenient` skips such rows
and reports how many on standard error.";

/// A failure and the exit code it maps to (see [`io::exit`]).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl From<crmkit::Error> for Failure {
    fn from(e: crmkit::Error) -> Self {
        use crmkit::ErrorCode;
        let code = match e.code() {
            ErrorCode::Cancelled => return Failure::interrupted(),
            ErrorCode::Io => io::exit::IO,
            ErrorCode::Panic | ErrorCode::InsufficientSize => io::exit::INTERNAL,
            ErrorCode::InvalidArgument => io::exit::USAGE,
            _ => io::exit::DATA,
        };
        Failure {
            message: e.to_string(),
            code,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // an internal error is reported as one, with exit code 5, never as a
    // crash with a backtrace
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error: {info}; please report it"
        );
    }));
    let result = std::panic::catch_unwind(|| run(cli)).unwrap_or_else(|_| {
        Err(Failure {
            message: String::new(),
            code: io::exit::INTERNAL,
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // standard output was closed by its reader
        Err(f) if f.code == io::exit::OK => ExitCode::SUCCESS,
        // already reported by the panic hook
        Err(f) if f.message.is_empty() => ExitCode::from(f.code),
        Err(f) => {
            // nothing more can be said when standard error is closed too
            let _ = writeln!(std::io::stderr(), "error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Demo => demo::run(),
        Command::Nps(a) => survey_cmd::nps(&a),
        Command::NpsDiff(a) => survey_cmd::nps_diff(&a),
        Command::Csat(a) => survey_cmd::csat(&a),
        Command::Ces(a) => survey_cmd::ces(&a),
        Command::Contacts(a) => contacts_cmd::contacts(&a),
        Command::Resolve(a) => resolve_cmd::resolve(&a),
        Command::Route(a) => route_cmd::route(&a),
        Command::Complaints(a) => complaints_cmd::complaints(&a),
        Command::Eligible(a) => engagement_cmd::eligible(&a),
        Command::Profile(a) => engagement_cmd::profile(&a),
    }
}
