//! `crmkit demo`: every capability on embedded sample data.

use crate::Failure;
use crate::table::{Table, f1, interval, p, pct};
use crmkit::survey::table::{ColumnSpec, read_csv};
use crmkit::survey::{self, CesOptions, CsatOptions, IntervalMethod, Nps, NpsOptions, Segment};

/// The embedded sample: 1,200 omni-channel survey answers of a fictional
/// retailer (see data/make_survey_sample.py).
pub(crate) const SURVEY_SAMPLE: &str = include_str!("../data/survey_sample.csv");

/// The segment columns of the sample, in the order `read_csv` returns them.
pub(crate) const SEGMENTS: [&str; 5] =
    ["channel", "touchpoint", "journey_stage", "period", "topics"];

pub(crate) fn run() -> Result<(), Failure> {
    print!("{}", report()?);
    Ok(())
}

fn column(score: &str) -> ColumnSpec {
    ColumnSpec {
        score: score.into(),
        by: SEGMENTS.iter().map(|s| (*s).to_owned()).collect(),
        ..ColumnSpec::default()
    }
}

fn nps_table(title: &str, segments: &[Segment<String, Nps>]) -> String {
    let mut t = Table::new(&[title, "n", "NPS", "95% interval", "promoters", "detractors"]);
    for s in segments {
        match &s.result {
            Some(r) => t.row(vec![
                s.key.clone(),
                s.n.to_string(),
                f1(r.nps),
                interval(r.low, r.high),
                pct(r.promoter_share),
                pct(r.detractor_share),
            ]),
            None => t.row(vec![
                s.key.clone(),
                s.n.to_string(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]),
        }
    }
    t.render()
}

/// The whole demo report as text.
pub(crate) fn report() -> Result<String, Failure> {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    let nps_rows = read_csv(SURVEY_SAMPLE.as_bytes(), &column("nps"))?;
    let csat_rows = read_csv(SURVEY_SAMPLE.as_bytes(), &column("csat"))?;
    let ces_rows = read_csv(SURVEY_SAMPLE.as_bytes(), &column("ces"))?;
    let scores = &nps_rows.scores;
    let wald = NpsOptions::default();
    let adjusted = NpsOptions {
        method: IntervalMethod::AdjustedWald,
        ..wald
    };

    line("crmkit demo");
    line("===========");
    line("");
    line(&format!(
        "Survey metrics on {} embedded omni-channel survey answers of a fictional retailer",
        scores.len()
    ));
    line("(web, app, call centre, branch, email and social; July to December 2026).");
    line("");

    line("Overall");
    line("-------");
    let all = survey::nps(scores, &wald)?;
    let all_adj = survey::nps(scores, &adjusted)?;
    let csat = survey::csat(&csat_rows.scores, &CsatOptions::default())?;
    let ces = survey::ces(&ces_rows.scores, &CesOptions::default())?;
    let mut t = Table::new(&["metric", "value", "95% interval", "n", "missing"]);
    t.row(vec![
        "NPS (Wald)".into(),
        f1(all.nps),
        interval(all.low, all.high),
        all.n.to_string(),
        all.missing.to_string(),
    ]);
    t.row(vec![
        "NPS (adjusted Wald)".into(),
        f1(all_adj.nps),
        interval(all_adj.low, all_adj.high),
        all_adj.n.to_string(),
        all_adj.missing.to_string(),
    ]);
    t.row(vec![
        "CSAT % (top-2-box of 1-5)".into(),
        f1(csat.csat),
        interval(csat.low, csat.high),
        csat.n.to_string(),
        csat.missing.to_string(),
    ]);
    t.row(vec![
        "CES (mean of 1-7)".into(),
        format!("{:.2}", ces.mean),
        format!("[{:.2}, {:.2}]", ces.low, ces.high),
        ces.n.to_string(),
        ces.missing.to_string(),
    ]);
    line(&t.render());
    line(&format!(
        "Promoters {}, passives {}, detractors {}; CES: {:.1}% easy, {:.1}% difficult.",
        pct(all.promoter_share),
        pct(all.passive_share),
        pct(all.detractor_share),
        ces.easy_percent,
        ces.difficult_percent
    ));
    line("");

    for (i, title) in ["channel", "touchpoint", "journey_stage"]
        .iter()
        .enumerate()
    {
        let keys: Vec<String> = nps_rows.keys.iter().map(|k| k[i].clone()).collect();
        let mut segments = survey::nps_by(scores, &keys, None, &wald)?;
        segments.sort_by(|a, b| {
            let v = |s: &Segment<String, Nps>| s.result.map_or(f64::NEG_INFINITY, |r| r.nps);
            v(b).total_cmp(&v(a))
        });
        line(&format!("NPS by {}", title.replace('_', " ")));
        line(&"-".repeat(7 + title.len()));
        line(&nps_table(title, &segments));
    }

    line("Monthly trend");
    line("-------------");
    let months: Vec<String> = nps_rows.keys.iter().map(|k| k[3].clone()).collect();
    let periods = survey::nps_by(scores, &months, None, &wald)?;
    let trend = survey::nps_trend(&periods, 0.95)?;
    let mut t = Table::new(&["month", "n", "NPS", "95% interval", "change", "p-value"]);
    for (point, seg) in trend.iter().zip(&periods) {
        let (nps, iv) = point.nps.map_or(("-".into(), "-".into()), |r| {
            (f1(r.nps), interval(r.low, r.high))
        });
        let (change, pv) = point.change.map_or(("".into(), "".into()), |c| {
            (format!("{:+.1}", c.difference), p(c.p_value))
        });
        t.row(vec![
            point.key.clone(),
            seg.n.to_string(),
            nps,
            iv,
            change,
            pv,
        ]);
    }
    line(&t.render());
    let first = periods.first().and_then(|s| s.result);
    let last = periods.last().and_then(|s| s.result);
    if let (Some(a), Some(b)) = (first, last) {
        let d = survey::nps_diff(&b, &a, 0.95)?;
        line(&format!(
            "{} vs {}: {:+.1} points, z = {:.2}, p {}.",
            periods.last().map_or("", |s| s.key.as_str()),
            periods.first().map_or("", |s| s.key.as_str()),
            d.difference,
            d.z,
            match p(d.p_value) {
                s if s.starts_with('<') => format!("< {}", &s[1..]),
                s => format!("= {s}"),
            }
        ));
    }
    line("");

    line("Drivers: what each topic costs in NPS");
    line("-------------------------------------");
    let topics: Vec<Vec<String>> = nps_rows
        .keys
        .iter()
        .map(|k| {
            k[4].split(';')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let drivers = survey::drivers(scores, &topics, &wald)?;
    let mut t = Table::new(&[
        "topic",
        "answers",
        "share",
        "NPS with",
        "NPS without",
        "impact",
        "p-value",
    ]);
    for d in &drivers {
        t.row(vec![
            d.topic.replace('_', " "),
            d.n.to_string(),
            pct(d.share),
            f1(d.nps_topic),
            f1(d.nps_without),
            format!("{:+.1}", d.impact),
            p(d.p_value),
        ]);
    }
    line(&t.render());
    line("impact = NPS of all answers - NPS of the answers without the topic.");
    line("");

    line("Sample size");
    line("-----------");
    let observed = survey::nps_sample_size(5.0, 0.95, Some(all.variance))?;
    let worst = survey::nps_sample_size(5.0, 0.95, None)?;
    line(&format!(
        "For a margin of error of +/-5 NPS points at 95%: {observed} answers at the observed variance \
         ({:.3}), {worst} in the worst case.",
        all.variance
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn report_renders() {
        let r = super::report().unwrap();
        assert!(r.contains("NPS by channel"));
        assert!(r.contains("Monthly trend"));
    }
}
