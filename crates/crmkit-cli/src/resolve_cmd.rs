//! `crmkit resolve IN.csv --out OUT.csv`: finds the records of one customer
//! and writes `id,cluster_id`; with two files and `--link`, links across them.

use std::io::Write;
use std::ops::ControlFlow;

use clap::Args;
use crmkit::identity::cluster::id_order;
use crmkit::identity::golden::{GoldenSettings, golden_record_resolved};
use crmkit::identity::record::{ColumnMap, Field, RecordTable, read_csv};
use crmkit::identity::{Model, Progress, Resolution, Settings, resolve_with};

use crate::Failure;
use crate::io::{self, CsvSink, Sink};
use crate::progress::{self, Meter, Reading};
use crmkit::tabular::{QUOTE_MAX, quote};

#[derive(Debug, Args)]
pub(crate) struct ResolveArgs {
    /// CSV file(s) with a header row; canonical column names (`id`,
    /// `first_name`, `last_name`, `email`, `phone`, `date_of_birth`,
    /// `national_id`, `address`, `city`, `postcode`, `country`, `source`,
    /// `updated_at`…) are recognized; other columns are kept as attributes.
    #[arg(required = true, num_args = 1..=2)]
    files: Vec<String>,
    /// Link two files: only pairs across them are compared.
    #[arg(long)]
    link: bool,
    /// Write `id,cluster_id` here (default or `-`: standard output). Every
    /// output file is replaced only when the whole run succeeds.
    #[arg(long)]
    out: Option<String>,
    /// Write one golden record per cluster here.
    #[arg(long)]
    golden: Option<String>,
    /// Write scored pairs (`id_a,id_b,probability,weight`, probability at
    /// least 0.01) here, for review queues and evaluation.
    #[arg(long)]
    pairs: Option<String>,
    /// The id column, when it is not recognized by name.
    #[arg(long)]
    id_column: Option<String>,
    /// Map a column to a field, e.g. `--map soc_sec_id=national_id`
    /// (repeatable; several columns may map to `address`).
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    maps: Vec<String>,
    /// Link pairs at or above this match probability (default 0.5).
    #[arg(long)]
    threshold: Option<f64>,
    /// Country for records without a `country` column (phone region, date
    /// order), e.g. TR.
    #[arg(long)]
    country: Option<String>,
    /// Settings as JSON (blocking rules, caps, threshold…).
    #[arg(long)]
    settings: Option<String>,
    /// Use a model saved by `--save-model` instead of training.
    #[arg(long)]
    model: Option<String>,
    /// Save the trained model as JSON.
    #[arg(long)]
    save_model: Option<String>,
    /// Explain the pair of records with these ids (per-field weights).
    #[arg(long, num_args = 2, value_names = ["ID1", "ID2"])]
    explain: Option<Vec<String>>,
    /// Print blocking, model and cluster-size statistics.
    #[arg(long)]
    report: bool,
    /// Field delimiter.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// No progress on standard error. Otherwise each stage is shown with
    /// its count and the time left, redrawn once a second on a terminal and
    /// printed every ten seconds elsewhere.
    #[arg(long)]
    quiet: bool,
    /// Skip rows with the wrong number of fields (and report how many on
    /// standard error) instead of stopping at the first.
    #[arg(long)]
    lenient: bool,
}

fn column_map(args: &ResolveArgs) -> Result<ColumnMap, Failure> {
    let mut map = ColumnMap {
        id_column: args.id_column.clone(),
        delimiter: Some(args.delimiter),
        bad_rows: io::bad_rows(args.lenient),
        // the golden records written here hold the mapped fields only
        drop_attributes: true,
        ..ColumnMap::default()
    };
    for m in &args.maps {
        let (col, field) = m
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("--map {m:?}: expected COLUMN=FIELD")))?;
        let f: Field = serde_json::from_value(serde_json::Value::String(field.trim().into()))
            .map_err(|_| {
                Failure::usage(format!(
                    "--map {m:?}: unknown field `{field}`; expected one of id, source, \
                     first_name, last_name, full_name, email, phone, date_of_birth, \
                     national_id, customer_number, address, city, postcode, country, updated_at"
                ))
            })?;
        map.columns.insert(col.trim().to_owned(), f);
    }
    Ok(map)
}

fn read(path: &str, map: &ColumnMap, meter: &mut Meter) -> Result<RecordTable, Failure> {
    let size = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file() && path != "-");
    let input = Reading::new(io::open_input(path)?, size.map(|m| m.len()), meter);
    let t = read_csv(input, map).map_err(|e| {
        if progress::interrupted() {
            Failure::interrupted()
        } else {
            Failure::from(e).prefixed(path)
        }
    })?;
    meter.finish();
    io::report_skipped(path, &t.skipped);
    Ok(t)
}

fn json_file<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, Failure> {
    serde_json::from_str(&io::read_text(path)?).map_err(|e| Failure::data(format!("{path}: {e}")))
}

fn settings(args: &ResolveArgs) -> Result<Settings, Failure> {
    let mut s = match &args.settings {
        Some(path) => json_file(path)?,
        None => Settings::default(),
    };
    if let Some(t) = args.threshold {
        s.threshold = t;
    }
    if args.country.is_some() {
        s.default_country = args.country.clone();
    }
    if let Some(path) = &args.model {
        let m: Model = json_file(path)?;
        m.validate()
            .map_err(|e| Failure::data(format!("{path}: {e}")))?;
        s.model = Some(m);
    }
    Ok(s)
}

pub(crate) fn resolve(args: &ResolveArgs) -> Result<(), Failure> {
    if args.files.len() == 2 && !args.link {
        return Err(Failure::usage("two files given: add --link to link them"));
    }
    if args.link && args.files.len() != 2 {
        return Err(Failure::usage("--link needs exactly two files"));
    }
    let mut inputs: Vec<&str> = args.files.iter().map(String::as_str).collect();
    inputs.extend(args.settings.as_deref());
    inputs.extend(args.model.as_deref());
    let outputs: Vec<&str> = [
        args.out.as_deref(),
        args.golden.as_deref(),
        args.pairs.as_deref(),
        args.save_model.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    io::check_paths(&inputs, &outputs)?;
    let map = column_map(args)?;
    let settings = settings(args)?;
    progress::catch_interrupt();
    let mut meter = Meter::new(args.quiet);
    let result = resolve_and_write(args, &map, &settings, &mut meter);
    meter.finish();
    result
}

fn resolve_and_write(
    args: &ResolveArgs,
    map: &ColumnMap,
    settings: &Settings,
    meter: &mut Meter,
) -> Result<(), Failure> {
    let mut records = Vec::new();
    let mut groups = Vec::new();
    for (g, path) in args.files.iter().enumerate() {
        let t = read(path, map, meter)?;
        groups.extend(std::iter::repeat_n(g as u32, t.records.len()));
        records.extend(t.records);
    }
    if args.link {
        let mut seen = std::collections::HashSet::new();
        for r in &records {
            if !seen.insert(r.id.as_str()) {
                return Err(Failure::data(format!(
                    "id {} appears in both files; ids must be unique across linked files",
                    quote(&r.id, QUOTE_MAX)
                )));
            }
        }
    }
    let mut on_progress = |p: Progress| {
        meter.update(p.stage.as_str(), p.stage.unit(), p.done, p.total);
        if progress::interrupted() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let res = resolve_with(
        &records,
        args.link.then_some(groups.as_slice()),
        settings,
        &mut on_progress,
    )?;
    meter.line(&format!(
        "done: {} records, {} clusters",
        records.len(),
        res.cluster_count()
    ));
    // what goes to the terminal is made first, so that a bad --explain id
    // fails the run before any output file is replaced
    let mut info = Vec::new();
    if args.report {
        report(&mut info, &res, settings.threshold)
            .map_err(|e| Failure::internal(e.to_string()))?;
    }
    if let Some(pair) = &args.explain {
        explain(&mut info, &res, &pair[0], &pair[1])?;
    }
    let mut w = CsvSink::new(Sink::open(args.out.as_deref())?, b',');
    w.row(["id", "cluster_id"])?;
    for (id, c) in res.ids.iter().zip(res.cluster_ids()) {
        w.row([id.as_str(), c])?;
    }
    let mut sinks = vec![w.finish()?];
    if let Some(path) = &args.golden {
        sinks.push(write_golden(path, &records, &res)?);
    }
    if let Some(path) = &args.pairs {
        let mut w = CsvSink::new(Sink::open(Some(path))?, b',');
        w.row(["id_a", "id_b", "probability", "weight"])?;
        for p in &res.pairs {
            w.row([
                res.ids[p.a as usize].as_str(),
                res.ids[p.b as usize].as_str(),
                &format!("{:.6}", p.probability),
                &format!("{:.3}", p.weight),
            ])?;
        }
        sinks.push(w.finish()?);
    }
    if let Some(path) = &args.save_model {
        let json = serde_json::to_string_pretty(&res.model)
            .map_err(|e| Failure::internal(format!("model: {e}")))?;
        let mut sink = Sink::open(Some(path))?;
        sink.write_all(json.as_bytes())
            .map_err(|e| io::write_failure(path, &e))?;
        sinks.push(sink);
    }
    let to_stdout = args.out.as_deref().is_none_or(|p| p == "-");
    // the temporary files are removed when the sinks are dropped
    progress::check()?;
    io::commit_all(sinks)?;
    meter.line("written");
    // statistics go where the clusters do not
    if to_stdout {
        // best effort, as the progress lines
        let _ = std::io::stderr().write_all(&info);
    } else {
        io::print(&String::from_utf8_lossy(&info))?;
    }
    Ok(())
}

fn write_golden(
    path: &str,
    records: &[crmkit::identity::Record],
    res: &Resolution,
) -> Result<Sink, Failure> {
    use rayon::prelude::*;
    const FIELDS: [&str; 8] = [
        "first_name",
        "last_name",
        "date_of_birth",
        "national_id",
        "address",
        "city",
        "postcode",
        "country",
    ];
    // clusters in order of their ids, built and written a chunk at a time
    // so that memory stays bounded
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut slot: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (i, &rep) in res.cluster_of.iter().enumerate() {
        let k = *slot.entry(rep).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[k].push(i);
    }
    drop(slot);
    let name = |m: &Vec<usize>| res.ids[res.cluster_of[m[0]]].as_str();
    members.sort_by(|a, b| id_order(name(a), name(b)));
    let settings = GoldenSettings::default();
    let mut w = CsvSink::new(Sink::open(Some(path))?, b',');
    let mut header = vec!["cluster_id".to_owned(), "record_ids".to_owned()];
    header.extend(FIELDS.iter().map(|f| (*f).to_owned()));
    header.extend(["emails".to_owned(), "phones".to_owned()]);
    header.extend(FIELDS.iter().map(|f| format!("{f}_from")));
    w.row(&header)?;
    for chunk in members.chunks(16_384) {
        progress::check()?;
        let rows: Vec<Vec<String>> = chunk
            .par_iter()
            .map(|m| {
                let g = golden_record_resolved(res, records, m, &settings);
                let value = |f: &str| g.field(f).map(|v| v.value.clone()).unwrap_or_default();
                let from = |f: &str| g.field(f).map(|v| v.record_id.clone()).unwrap_or_default();
                let mut row = vec![g.cluster_id.clone(), g.record_ids.join(";")];
                row.extend(FIELDS.iter().map(|f| value(f)));
                let join = |points: &[crmkit::identity::golden::ContactPoint]| {
                    points
                        .iter()
                        .map(|p| p.value.as_str())
                        .collect::<Vec<_>>()
                        .join(";")
                };
                row.push(join(&g.emails));
                row.push(join(&g.phones));
                row.extend(FIELDS.iter().map(|f| from(f)));
                row
            })
            .collect();
        for row in &rows {
            w.row(row)?;
        }
    }
    w.finish()
}

fn report(out: &mut dyn Write, res: &Resolution, threshold: f64) -> std::io::Result<()> {
    let b = &res.blocking;
    writeln!(
        out,
        "blocking: {} candidate pairs of {} possible",
        b.pairs, b.all_pairs
    )?;
    writeln!(
        out,
        "  {:<34} {:>9} {:>11} {:>11} {:>9}",
        "rule", "blocks", "pairs", "new pairs", "oversized"
    )?;
    for r in &b.rules {
        writeln!(
            out,
            "  {:<34} {:>9} {:>11} {:>11} {:>9}",
            r.rule, r.blocks, r.pairs, r.new_pairs, r.oversized_blocks
        )?;
    }
    writeln!(out, "largest blocks:")?;
    for l in b.largest_blocks.iter().take(5) {
        writeln!(out, "  {:>7}  {}  [{}]", l.size, l.key, l.rule)?;
    }
    let m = &res.model;
    writeln!(
        out,
        "model: prior λ = {:.3e}; {} u-pairs; {} candidate pairs",
        m.prior, m.training.u_pairs, m.training.candidate_pairs
    )?;
    for p in &m.parameters {
        let levels = p.comparison.levels();
        let parts: Vec<String> = p
            .weights()
            .iter()
            .zip(levels)
            .map(|(w, l)| format!("{l}: {w:+.1}"))
            .collect();
        writeln!(out, "  {:<16} {}", p.comparison.as_str(), parts.join(" | "))?;
    }
    for w in &m.training.warnings {
        writeln!(out, "  warning: {w}")?;
    }
    writeln!(
        out,
        "clusters: {} ({} records)",
        res.cluster_count(),
        res.ids.len()
    )?;
    for (size, n) in res.size_histogram() {
        writeln!(out, "  size {size:>3}: {n}")?;
    }
    writeln!(
        out,
        "refused merges: {} conflicting, {} over the size cap; household links: {}",
        res.refused_merges.conflict,
        res.refused_merges.size,
        res.households.len()
    )?;
    let largest = res.cluster_stats(threshold, 5);
    if largest.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "largest clusters (links at {threshold}; weakest link it needs; member pairs below 0.5 on their own):"
    )?;
    writeln!(
        out,
        "  {:<20} {:>5} {:>6} {:>8}  {:<30} {:>6}",
        "cluster", "size", "links", "weakest", "between", "apart"
    )?;
    for c in &largest {
        let (p, between) = c.weakest_link.as_ref().map_or_else(
            || ("-".to_owned(), "-".to_owned()),
            |l| {
                (
                    format!("{:.4}", l.probability),
                    format!("{} ~ {}", l.a, l.b),
                )
            },
        );
        writeln!(
            out,
            "  {:<20} {:>5} {:>6} {:>8}  {:<30} {:>6}",
            c.cluster, c.size, c.links, p, between, c.pairs_apart
        )?;
    }
    Ok(())
}

fn explain(out: &mut dyn Write, res: &Resolution, a: &str, b: &str) -> Result<(), Failure> {
    let find = |id: &str| {
        res.index_of(id).ok_or_else(|| {
            Failure::usage(format!(
                "--explain: no record with id {}",
                quote(id, QUOTE_MAX)
            ))
        })
    };
    let (ia, ib) = (find(a)?, find(b)?);
    let e = res.explain(ia, ib);
    let io = |e: std::io::Error| Failure::internal(e.to_string());
    writeln!(out, "{a} ~ {b}").map_err(io)?;
    writeln!(out, "  {:<16} {:>8}", "prior", format!("{:+.2}", e.prior)).map_err(io)?;
    for f in &e.fields {
        writeln!(
            out,
            "  {:<16} {:>8}  {}",
            f.comparison.as_str(),
            format!("{:+.2}", f.weight),
            f.label
        )
        .map_err(io)?;
    }
    writeln!(
        out,
        "  {:<16} {:>8}  probability {:.4}",
        "total",
        format!("{:+.2}", e.weight),
        e.probability
    )
    .map_err(io)?;
    if let Some(rule) = e.rule {
        writeln!(out, "  decided by the rule `{}`", rule.as_str()).map_err(io)?;
    }
    if e.swapped_names {
        writeln!(out, "  (first and last names matched crosswise)").map_err(io)?;
    }
    let same = res.cluster_of[ia] == res.cluster_of[ib];
    writeln!(out, "  same cluster: {}", if same { "yes" } else { "no" }).map_err(io)?;
    Ok(())
}
