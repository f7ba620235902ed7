//! `crmkit nps | csat | ces FILE.csv`.

use crate::Failure;
use crate::io;
use crate::table::{Table, f1, interval, pct};
use clap::Args;
use crmkit::survey::table::{ColumnSpec, tally_csv};
use crmkit::survey::{
    self, Ces, CesOptions, Csat, CsatOptions, IntervalMethod, Nps, NpsOptions, Scale, Tally,
};
use std::io::Write;

/// Options shared by every survey command.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// CSV file with a header row; `-` reads standard input.
    file: String,
    /// The column holding the answers.
    #[arg(long, default_value = "score")]
    score_column: String,
    /// Segment columns, comma-separated (e.g. `channel,touchpoint`).
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// An optional column of weights.
    #[arg(long)]
    weight_column: Option<String>,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Field delimiter (`;` for spreadsheets saved in comma-decimal locales).
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Skip rows with the wrong number of fields (and report how many on
    /// standard error) instead of stopping at the first.
    #[arg(long)]
    lenient: bool,
}

#[derive(Debug, Args)]
pub(crate) struct NpsArgs {
    #[command(flatten)]
    common: Common,
    /// Interval method: `wald` or `adjusted_wald`.
    #[arg(long, default_value = "wald")]
    method: String,
}

#[derive(Debug, Args)]
pub(crate) struct CsatArgs {
    #[command(flatten)]
    common: Common,
    /// Highest answer of the 1..SCALE scale.
    #[arg(long, default_value_t = 5)]
    scale: i32,
    /// Lowest satisfied answer.
    #[arg(long, default_value_t = 4)]
    threshold: i32,
}

#[derive(Debug, Args)]
pub(crate) struct CesArgs {
    #[command(flatten)]
    common: Common,
    /// Highest answer of the 1..SCALE scale.
    #[arg(long, default_value_t = 7)]
    scale: i32,
    /// Lowest easy answer.
    #[arg(long, default_value_t = 5)]
    easy_threshold: i32,
    /// Highest difficult answer.
    #[arg(long, default_value_t = 3)]
    difficult_threshold: i32,
}

/// Tallies the whole file and every segment as the file is read (memory
/// grows with the number of segments, not of rows); errors name the file
/// and line.
fn tallies(
    common: &Common,
    scale: Scale,
    metric: &'static str,
) -> Result<(Tally, Vec<(String, Tally)>), Failure> {
    if !common.delimiter.is_ascii() {
        return Err(Failure::usage(format!(
            "--delimiter must be one ASCII character, got {:?}",
            common.delimiter
        )));
    }
    let spec = ColumnSpec {
        score: common.score_column.clone(),
        by: common.by.clone(),
        weight: common.weight_column.clone(),
        delimiter: common.delimiter as u8,
        bad_rows: io::bad_rows(common.lenient),
    };
    let input = io::open_input(&common.file)?;
    let t = tally_csv(input, &spec, scale, metric)
        .map_err(|e| Failure::from(e).prefixed(&common.file))?;
    io::report_skipped(&common.file, &t.skipped);
    Ok((t.overall, t.segments))
}

fn segment_title(common: &Common) -> String {
    if common.by.is_empty() {
        "segment".into()
    } else {
        common.by.join(" / ")
    }
}

/// Writes `{"overall": …, "segments": […]}` straight to standard output,
/// a segment at a time, so that a million segments need no document tree.
fn print_json<R: serde::Serialize>(rows: &[Row<R>]) -> Result<(), Failure> {
    #[derive(serde::Serialize)]
    struct Segment<'a, R> {
        segment: &'a str,
        n: u64,
        missing: u64,
        result: &'a Option<R>,
    }
    fn segment<R>((key, n, missing, result): &Row<R>) -> Segment<'_, R> {
        Segment {
            segment: key,
            n: *n,
            missing: *missing,
            result,
        }
    }
    struct Segments<'a, R>(&'a [Row<R>]);
    impl<R: serde::Serialize> serde::Serialize for Segments<'_, R> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(segment))
        }
    }
    #[derive(serde::Serialize)]
    struct Doc<'a, R> {
        overall: Option<Segment<'a, R>>,
        segments: Segments<'a, R>,
    }
    let doc = Doc {
        overall: rows.first().map(segment),
        segments: Segments(rows.get(1..).unwrap_or_default()),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, &doc)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| io::write_failure("standard output", &e))
}

/// One output row: segment key, present answers, missing answers, metric.
type Row<R> = (String, u64, u64, Option<R>);

/// Computes a metric per tally; a segment with no answers gets `None`.
fn each<R>(
    tallies: &[(String, Tally)],
    f: &dyn Fn(&Tally) -> crmkit::Result<R>,
) -> Result<Vec<Row<R>>, Failure> {
    tallies
        .iter()
        .map(|(k, t)| match f(t) {
            Ok(r) => Ok((k.clone(), t.n(), t.missing(), Some(r))),
            Err(e) if e.code() == crmkit::ErrorCode::SurveyNoAnswers => {
                Ok((k.clone(), t.n(), t.missing(), None))
            }
            Err(e) => Err(Failure::from(e)),
        })
        .collect()
}

/// What differs between the metric commands: the metric, its columns and
/// a closing line; reading, segmenting, JSON and the table are shared.
struct Metric<'a, R> {
    scale: Scale,
    name: &'static str,
    finish: &'a dyn Fn(&Tally) -> crmkit::Result<R>,
    columns: &'a [&'a str],
    cells: &'a dyn Fn(&R) -> Vec<String>,
    footer: Option<String>,
}

fn run<R: serde::Serialize>(common: &Common, metric: Metric<'_, R>) -> Result<(), Failure> {
    let (overall, by) = tallies(common, metric.scale, metric.name)?;
    let mut rows = each(&[("all".to_owned(), overall)], metric.finish)?;
    rows.extend(each(&by, metric.finish)?);
    if common.json {
        return print_json(&rows);
    }
    let title = segment_title(common);
    let header: Vec<&str> = [title.as_str(), "n", "missing"]
        .into_iter()
        .chain(metric.columns.iter().copied())
        .collect();
    let mut table = Table::new(&header);
    for (k, n, m, r) in &rows {
        let cells = match r {
            Some(r) => (metric.cells)(r),
            None => vec!["-".into(); metric.columns.len()],
        };
        table.row([vec![k.clone(), n.to_string(), m.to_string()], cells].concat());
    }
    let mut text = table.render();
    if let Some(footer) = metric.footer {
        text.push_str(&footer);
        text.push('\n');
    }
    io::print(&text)
}

pub(crate) fn nps(args: &NpsArgs) -> Result<(), Failure> {
    let common = &args.common;
    let options = NpsOptions {
        confidence: common.confidence,
        method: IntervalMethod::parse(&args.method)?,
    };
    run(
        common,
        Metric {
            scale: Scale::NPS,
            name: "NPS",
            finish: &|t| Nps::from_tally(t, &options),
            columns: &[
                "promoters",
                "passives",
                "detractors",
                "NPS",
                "SE",
                "interval",
            ],
            cells: &|r: &Nps| {
                vec![
                    pct(r.promoter_share),
                    pct(r.passive_share),
                    pct(r.detractor_share),
                    f1(r.nps),
                    f1(r.se),
                    interval(r.low, r.high),
                ]
            },
            footer: Some(format!(
                "{:.0}% {} intervals; promoters answer 9-10, passives 7-8, detractors 0-6",
                100.0 * common.confidence,
                options.method.as_str().replace('_', " ")
            )),
        },
    )
}

pub(crate) fn csat(args: &CsatArgs) -> Result<(), Failure> {
    let common = &args.common;
    let options = CsatOptions {
        scale: Scale::new(1, args.scale).map_err(crmkit::Error::from)?,
        threshold: args.threshold,
        confidence: common.confidence,
    };
    run(
        common,
        Metric {
            scale: options.scale,
            name: "CSAT",
            finish: &|t| Csat::from_tally(t, &options),
            columns: &["CSAT %", "interval", "mean"],
            cells: &|r: &Csat| {
                vec![
                    f1(r.csat),
                    interval(r.low, r.high),
                    format!("{:.2}", r.mean),
                ]
            },
            footer: Some(format!(
                "CSAT = share of answers {}-{} on 1-{}; {:.0}% Wilson intervals",
                args.threshold,
                args.scale,
                args.scale,
                100.0 * common.confidence
            )),
        },
    )
}

pub(crate) fn ces(args: &CesArgs) -> Result<(), Failure> {
    let common = &args.common;
    let options = CesOptions {
        scale: Scale::new(1, args.scale).map_err(crmkit::Error::from)?,
        easy_threshold: args.easy_threshold,
        difficult_threshold: args.difficult_threshold,
        confidence: common.confidence,
    };
    run(
        common,
        Metric {
            scale: options.scale,
            name: "CES",
            finish: &|t| Ces::from_tally(t, &options),
            columns: &["mean CES", "interval", "easy %", "difficult %"],
            cells: &|r: &Ces| {
                vec![
                    format!("{:.2}", r.mean),
                    format!("[{:.2}, {:.2}]", r.low, r.high),
                    f1(r.easy_percent),
                    f1(r.difficult_percent),
                ]
            },
            footer: None,
        },
    )
}

#[derive(Debug, Args)]
pub(crate) struct NpsDiffArgs {
    /// The first CSV file (e.g. this period); `-` reads standard input.
    a: String,
    /// The second CSV file (e.g. the previous period).
    b: String,
    /// The column holding the answers (in both files).
    #[arg(long, default_value = "score")]
    score_column: String,
    /// An optional column of weights (in both files).
    #[arg(long)]
    weight_column: Option<String>,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Field delimiter.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Skip rows with the wrong number of fields (and report how many on
    /// standard error) instead of stopping at the first.
    #[arg(long)]
    lenient: bool,
}

/// `crmkit nps-diff A.csv B.csv`: is the NPS of A different from B's?
pub(crate) fn nps_diff(args: &NpsDiffArgs) -> Result<(), Failure> {
    let options = NpsOptions {
        confidence: args.confidence,
        method: IntervalMethod::Wald,
    };
    let side = |file: &str| -> Result<Nps, Failure> {
        let common = Common {
            file: file.to_owned(),
            score_column: args.score_column.clone(),
            by: Vec::new(),
            weight_column: args.weight_column.clone(),
            confidence: args.confidence,
            delimiter: args.delimiter,
            json: false,
            lenient: args.lenient,
        };
        let (tally, _) = tallies(&common, Scale::NPS, "NPS")?;
        Nps::from_tally(&tally, &options).map_err(|e| Failure::from(e).prefixed(file))
    };
    let (a, b) = (side(&args.a)?, side(&args.b)?);
    let d = survey::nps_diff(&a, &b, args.confidence)?;
    if args.json {
        let doc = serde_json::json!({ "a": a, "b": b, "difference": d });
        return io::print(&format!("{doc:#}\n"));
    }
    let mut table = Table::new(&["file", "n", "missing", "NPS", "interval"]);
    for (file, r) in [(&args.a, &a), (&args.b, &b)] {
        table.row(vec![
            file.clone(),
            r.n.to_string(),
            r.missing.to_string(),
            f1(r.nps),
            interval(r.low, r.high),
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "difference {:+.1} points, {:.0}% interval [{:.1}, {:.1}], z = {:.2}, two-sided p = {}\n",
        d.difference,
        100.0 * args.confidence,
        d.low,
        d.high,
        d.z,
        crate::table::p(d.p_value)
    ));
    io::print(&text)
}
