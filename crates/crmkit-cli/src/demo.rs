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
    crate::io::print(&report()?)?;
    crate::io::print(&contact_report()?)?;
    crate::io::print(&complaint_report()?)?;
    crate::io::print(&routing_report()?)?;
    crate::io::print(&identity_report()?)?;
    crate::io::print(&engagement_report()?)
}

/// The embedded event log of the eligibility demo: three customers on one
/// December day in Istanbul.
const ENGAGEMENT_EVENTS: &str = r#"
{"type": "consent", "customer": "C1", "time": "2026-11-01T10:00:00+03:00", "channel": "call", "purpose": "commercial", "granted": true, "source": "iys"}
{"type": "consent", "customer": "C1", "time": "2026-11-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": true, "source": "iys"}
{"type": "campaign_response", "customer": "C1", "time": "2026-12-01T10:00:00+03:00", "campaign": "winter-offer", "channel": "sms", "response": "positive"}
{"type": "consent", "customer": "C2", "time": "2026-11-01T10:00:00+03:00", "channel": "call", "purpose": "commercial", "granted": true, "source": "call_center"}
{"type": "survey", "customer": "C2", "time": "2026-11-30T18:00:00+03:00", "metric": "nps", "value": 3, "touchpoint": "delivery"}
{"type": "consent", "customer": "C3", "time": "2026-11-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": true, "source": "web_form"}
{"type": "consent", "customer": "C3", "time": "2026-11-28T09:30:00+03:00", "channel": "sms", "purpose": "commercial", "granted": false, "source": "iys"}
"#;

/// Customer 360 and eligibility: who may be contacted now, on which
/// channel, and why.
pub(crate) fn engagement_report() -> Result<String, Failure> {
    use crmkit::engagement::{Channel, Event, Purpose, Request, Store};

    let mut out = String::new();
    heading(
        &mut out,
        "Contact eligibility: who may be contacted at 14:00, and why",
    );
    let events = Event::read_json(ENGAGEMENT_EVENTS)
        .map_err(|e| Failure::internal(format!("demo events: {e}")))?;
    let store = Store::new(crmkit::engagement::Policy::default());
    for e in &events {
        store.apply(e);
    }
    let now = ts("2026-12-01T11:00:00Z")?;
    let asks = [
        (
            "C1",
            "said yes to the SMS offer at 10:00; the 14:00 sales call",
            Request::new(Purpose::Commercial)
                .on(Channel::Call)
                .for_campaign("winter-offer"),
        ),
        (
            "C2",
            "answered NPS 3 yesterday; a sales call",
            Request::new(Purpose::Commercial).on(Channel::Call),
        ),
        (
            "C2",
            "the same customer; a service call back",
            Request::new(Purpose::Service).on(Channel::Call),
        ),
        (
            "C3",
            "opted out of commercial SMS on İYS; a campaign SMS",
            Request::new(Purpose::Commercial).on(Channel::Sms),
        ),
        (
            "C3",
            "the same customer; the delivery notice",
            Request::new(Purpose::Transactional).on(Channel::Sms),
        ),
    ];
    let mut t = Table::new(&["customer", "situation", "decision", "channel", "reasons"]);
    for (customer, situation, request) in asks {
        let d = store.decide(customer, &request, now);
        t.row(vec![
            customer.to_owned(),
            situation.to_owned(),
            if d.allowed { "allow" } else { "deny" }.to_owned(),
            d.channel.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            d.codes().join(", "),
        ]);
    }
    out.push_str(&t.render());
    Ok(out)
}

fn heading(out: &mut String, title: &str) {
    out.push_str(&format!(
        "\n{title}\n{}\n",
        "-".repeat(title.chars().count())
    ));
}

fn ts(s: &str) -> Result<jiff::Timestamp, Failure> {
    s.parse()
        .map_err(|e| Failure::internal(format!("demo timestamp {s:?}: {e}")))
}

/// Contact validity on a few typical signals and contact points.
pub(crate) fn contact_report() -> Result<String, Failure> {
    use crmkit::contact::outcome::{Channel, classify};
    use crmkit::contact::score::{ContactPoint, Evidence, EvidenceKind, PointClass, Policy, score};

    let mut out = String::new();
    heading(
        &mut out,
        "Contact validity: what bounces and SMS reports say",
    );
    let signals = [
        (
            "550 5.1.1 <ayse.yilmaz@example.com>: Recipient address rejected: User unknown",
            Channel::Email,
        ),
        (
            "452 4.2.2 The email account that you tried to reach is over quota",
            Channel::Email,
        ),
        (
            "550 5.7.1 Message rejected as spam by content filter",
            Channel::Email,
        ),
        ("Posta kutusu dolu", Channel::Email),
        (
            "id:7731 sub:001 dlvrd:000 stat:UNDELIV err:001 text:Siparisiniz yolda",
            Channel::Sms,
        ),
        (
            "id:7732 sub:001 dlvrd:000 stat:UNDELIV err:027 text:Siparisiniz yolda",
            Channel::Sms,
        ),
        (
            "id:7733 sub:001 dlvrd:001 stat:DELIVRD err:000 text:Siparisiniz yolda",
            Channel::Sms,
        ),
    ];
    let mut t = Table::new(&["signal", "class", "reason"]);
    for (text, channel) in signals {
        let o = classify(text, channel);
        let shown: String = text.chars().take(60).collect();
        t.row(vec![
            shown,
            o.class.as_str().into(),
            o.reason.as_str().into(),
        ]);
    }
    out.push_str(&t.render());

    heading(&mut out, "Contact validity: scores on 2026-11-22");
    let now = ts("2026-11-22T12:00:00Z")?;
    let point = |class, evidence: &[(&str, EvidenceKind)]| -> Result<ContactPoint, Failure> {
        let mut p = ContactPoint::new(class);
        for (at, kind) in evidence {
            p.evidence.push(Evidence::new(ts(at)?, *kind));
        }
        Ok(p)
    };
    let examples = [
        (
            "gmail, opened last week",
            point(
                PointClass::Free,
                &[("2026-11-15T10:00:00Z", EvidenceKind::Engaged)],
            )?,
        ),
        (
            "work address, last delivered 2022",
            point(
                PointClass::Corporate,
                &[("2022-10-01T10:00:00Z", EvidenceKind::Delivered)],
            )?,
        ),
        (
            "mobile, silent for 14 months",
            point(
                PointClass::Mobile,
                &[("2025-09-20T10:00:00Z", EvidenceKind::Delivered)],
            )?,
        ),
        (
            "hotmail, mailbox full for 5 weeks",
            point(
                PointClass::Free,
                &[
                    ("2026-09-01T10:00:00Z", EvidenceKind::Delivered),
                    ("2026-10-10T10:00:00Z", EvidenceKind::Transient),
                    ("2026-11-15T10:00:00Z", EvidenceKind::Transient),
                ],
            )?,
        ),
        (
            "work address, hard bounce",
            point(
                PointClass::Corporate,
                &[
                    ("2026-06-01T10:00:00Z", EvidenceKind::Delivered),
                    ("2026-11-10T10:00:00Z", EvidenceKind::Permanent),
                ],
            )?,
        ),
    ];
    let policy = Policy::default();
    let mut t = Table::new(&["contact point", "score", "band", "action", "main reason"]);
    for (name, p) in &examples {
        let s = score(p, &policy, now);
        let band = serde_json::to_value(s.band)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let action = serde_json::to_value(s.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let reason = s
            .reasons
            .first()
            .map(|r| format!("{} ({:+.2})", r.code, r.weight))
            .unwrap_or_default();
        t.row(vec![
            (*name).into(),
            format!("{:.2}", s.probability),
            band,
            action,
            reason,
        ]);
    }
    out.push_str(&t.render());
    out.push_str(&format!(
        "policy {}; the score is reachable x still alive x still the same owner.\n",
        policy.version
    ));
    Ok(out)
}

/// Tracking numbers, SLA due times on the Türkiye calendar, and escalations.
pub(crate) fn complaint_report() -> Result<String, Failure> {
    use crmkit::complaint::calendar::Calendar;
    use crmkit::complaint::sla::history::{ComplaintEvent, EventKind, sla_state};
    use crmkit::complaint::sla::{OpenComplaint, Priority, SlaPolicy, due_times, escalations};
    use crmkit::complaint::tracking::{tracking_number, validate};
    use std::collections::BTreeMap;

    let mut out = String::new();
    heading(&mut out, "Complaints: tracking numbers");
    let mut t = Table::new(&["sequence", "tracking number"]);
    let mut numbers = Vec::new();
    for (seq, prefix) in [(1u64, "WEB"), (48_213, "CC"), (1_234_567, "SK")] {
        let n = tracking_number(seq, Some(prefix))?;
        t.row(vec![seq.to_string(), n.clone()]);
        numbers.push(n);
    }
    out.push_str(&t.render());
    for typed in ["sk 3cfp sv", "SK-3CPF-SV", "SK-3CF0-SV"] {
        let verdict = match validate(typed) {
            Ok(v) => format!("valid, complaint {}", v.sequence),
            Err(e) => e.to_string(),
        };
        out.push_str(&format!("{typed:<12} -> {verdict}\n"));
    }

    heading(
        &mut out,
        "Complaints: SLA and escalation (Türkiye calendar, 28-29 October 2026)",
    );
    let calendar = Calendar::turkey_2026_2027();
    let policy = SlaPolicy::from_toml(
        r#"
        version = "demo-2026"
        [default]
        first_response_hours = 8
        resolution_hours = 40
        [[overrides]]
        category = "fraud"
        first_response_hours = 2
        resolution_hours = 16
        "#,
    )?;
    let org: BTreeMap<String, Option<String>> = [
        ("ayse.demir", Some("mehmet.kaya")),
        ("can.ozturk", Some("mehmet.kaya")),
        ("mehmet.kaya", Some("zeynep.aydin")),
        ("zeynep.aydin", None),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_owned(), s.map(str::to_owned)))
    .collect();
    let mut fraud = OpenComplaint::new(&numbers[2], "ayse.demir", ts("2026-10-27T13:00:00Z")?);
    fraud.category = Some("fraud".into());
    fraud.priority = Priority::Urgent;
    let mut late = OpenComplaint::new(&numbers[1], "can.ozturk", ts("2026-10-26T07:30:00Z")?);
    late.category = Some("late_delivery".into());
    late.first_response_at = Some(ts("2026-10-26T09:00:00Z")?);
    let now = ts("2026-10-30T08:00:00Z")?;
    let open = [fraud, late];
    let mut t = Table::new(&[
        "complaint",
        "owner",
        "received (UTC)",
        "resolution due (UTC)",
    ]);
    for c in &open {
        let due = due_times(c, &policy, &calendar)?
            .resolution
            .map(|d| d.strftime("%a %d %b %H:%M").to_string())
            .unwrap_or_default();
        t.row(vec![
            c.id.clone(),
            c.owner.clone(),
            c.received_at.strftime("%a %d %b %H:%M").to_string(),
            due,
        ]);
    }
    out.push_str(&t.render());
    out.push_str("28 October is a half day (work stops at 13:00) and 29 October a holiday: neither counts.\n\n");
    out.push_str(&format!(
        "Escalations at {} (UTC):\n",
        now.strftime("%a %d %b %H:%M")
    ));
    let told = escalations(&open, &org, &policy, &calendar, now)?;
    let mut t = Table::new(&["complaint", "clock", "used", "step", "tell"]);
    for n in &told {
        let clock = serde_json::to_value(n.clock)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        t.row(vec![
            n.complaint_id.clone(),
            clock,
            format!("{:.0}%", n.used_percent),
            format!("{}%", n.threshold_percent),
            n.recipients.join(" -> "),
        ]);
    }
    out.push_str(&t.render());

    // the same clocks from a complaint's event log, with a pause
    let event = |at: &str, kind: EventKind| -> Result<ComplaintEvent, Failure> {
        Ok(ComplaintEvent::new(ts(at)?, kind))
    };
    let log = [
        event(
            "2026-10-26T06:00:00Z",
            EventKind::Received {
                owner: "ayse.demir".into(),
                category: Some("late_delivery".into()),
                priority: Priority::Normal,
            },
        )?,
        event("2026-10-26T07:00:00Z", EventKind::Responded)?,
        event(
            "2026-10-26T08:00:00Z",
            EventKind::Paused {
                reason: "waiting_on_customer".into(),
            },
        )?,
        event("2026-10-30T06:00:00Z", EventKind::Resumed)?,
    ];
    let state = sla_state(&log, &policy, &calendar, now, &[50, 75])?;
    let hours = |d: jiff::SignedDuration| format!("{:.0} h", d.as_secs_f64() / 3600.0);
    let r = &state.resolution;
    out.push_str(&format!(
        "\n{} from its event log (answered Mon 10:00, waiting_on_customer from Mon 11:00 to Fri 09:00 local):\n\
         resolution clock {}, {} used, {} paused, due {} (UTC)\n",
        numbers[0],
        serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        hours(r.used),
        hours(r.paused),
        r.due_at
            .map(|d| d.strftime("%a %d %b %H:%M").to_string())
            .unwrap_or_default(),
    ));
    Ok(out)
}

/// The example routing rule set of the crate (Türkiye e-commerce).
const ROUTING_RULES: &str = include_str!("../../crmkit/examples/routing/tr-ecommerce.toml");

/// Routing a morning's complaints to named people with the example rule
/// set, the state carried from one to the next, due times on the Türkiye
/// calendar.
pub(crate) fn routing_report() -> Result<String, Failure> {
    use crmkit::complaint::calendar::Calendar;
    use crmkit::complaint::intake::{Channel, Complaint};
    use crmkit::complaint::routing::{RoutingState, RuleSet};

    let rules = RuleSet::from_toml(ROUTING_RULES)?.with_calendar(Calendar::turkey_2026_2027());
    let mut out = String::new();
    heading(
        &mut out,
        &format!(
            "Complaints: routing to a named person (rules {}, {} rules, hit policy first)",
            rules.version(),
            rules.source().rules.len()
        ),
    );
    let morning: [(Channel, Option<&str>, Option<f64>, &str); 8] = [
        (Channel::WebForm, None, None, "Siparişim 10 gündür gelmedi"),
        (Channel::App, None, None, "KARGOM HALA GELMEDİ!!!"),
        (
            Channel::CallCenter,
            None,
            Some(1800.0),
            "İadem yapılmadı, avukatıma gideceğim",
        ),
        (
            Channel::ComplaintSite,
            Some("platinum"),
            None,
            "Ürün kırık geldi, rezalet",
        ),
        (
            Channel::Email,
            None,
            Some(12_500.0),
            "Param yatmadı, iki kez çekildi",
        ),
        (
            Channel::SocialMedia,
            Some("mass"),
            None,
            "BTK'ya şikayet edeceğim, hat iptal edilmedi",
        ),
        (Channel::Kiosk, None, None, "Mağazadaki müzik çok yüksek"),
        (Channel::Qr, None, None, "Paket ezik geldi"),
    ];
    let mut state = RoutingState::default();
    state.loads.insert("selin".into(), 4);
    let mut t = Table::new(&[
        "complaint",
        "channel",
        "category",
        "department",
        "assignee",
        "priority",
        "due (UTC)",
        "rule",
    ]);
    for (i, (channel, segment, amount, text)) in morning.iter().enumerate() {
        let mut c = Complaint::new(*channel, text);
        c.segment = segment.map(str::to_owned);
        c.amount = *amount;
        c.received_at =
            Some(ts("2026-11-27T07:00:00Z")? + jiff::SignedDuration::from_mins(i as i64 * 7));
        let d = rules.route(&c, &mut state, None)?;
        let short: String = text.chars().take(28).collect();
        t.row(vec![
            short,
            channel.as_str().to_owned(),
            d.category.unwrap_or_else(|| "-".into()),
            d.department,
            d.assignee,
            d.priority.as_str().to_owned(),
            d.due
                .map(|t| t.strftime("%a %d %b %H:%M").to_string())
                .unwrap_or_else(|| "-".into()),
            d.fired.join(" "),
        ]);
    }
    out.push_str(&t.render());
    let loads: Vec<String> = state
        .loads
        .iter()
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    out.push_str(&format!(
        "open complaints per person after the morning: {}\n",
        loads.join(", ")
    ));
    let report = rules.check()?;
    out.push_str(&format!(
        "rule file check: {} lint finding(s), {}/{} examples pass (crmkit route --check)\n",
        report.findings.len(),
        report.examples.iter().filter(|e| e.passed).count(),
        report.examples.len()
    ));
    Ok(out)
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

pub(crate) const CUSTOMERS_SAMPLE: &str = include_str!("../data/customers_sample.csv");

/// Identity resolution on the embedded customer sample: clusters, a golden
/// record, household links, an explanation and an online match.
pub(crate) fn identity_report() -> Result<String, Failure> {
    use crmkit::identity::golden::{GoldenSettings, golden_record};
    use crmkit::identity::index::Index;
    use crmkit::identity::record::{ColumnMap, read_csv};
    use crmkit::identity::{Record, Settings, resolve};

    let table = read_csv(CUSTOMERS_SAMPLE.as_bytes(), &ColumnMap::default())?;
    let records = table.records;
    let res = resolve(&records, &Settings::default())?;
    let mut out = String::new();
    heading(
        &mut out,
        "Identity resolution (20 customer records from 6 systems)",
    );
    out.push_str(&format!(
        "{} records -> {} customers; {} household links\n",
        records.len(),
        res.cluster_count(),
        res.households.len()
    ));
    let cids = res.cluster_ids();
    let mut seen = Vec::new();
    for c in &cids {
        if seen.contains(c) {
            continue;
        }
        seen.push(*c);
        let members: Vec<String> = records
            .iter()
            .zip(&cids)
            .filter(|(_, x)| *x == c)
            .map(|(r, _)| {
                format!(
                    "{} ({}, {} {})",
                    r.id,
                    r.source.as_deref().unwrap_or("?"),
                    r.first_name.as_deref().unwrap_or(""),
                    r.last_name.as_deref().unwrap_or("")
                )
            })
            .collect();
        out.push_str(&format!("  {c}: {}\n", members.join(", ")));
    }
    let ayse: Vec<&Record> = records
        .iter()
        .zip(&cids)
        .filter(|(_, c)| **c == "C001")
        .map(|(r, _)| r)
        .collect();
    let g = golden_record("C001", &ayse, &GoldenSettings::default());
    out.push_str("golden record of C001 (value <- record):\n");
    for (name, v) in &g.fields {
        out.push_str(&format!(
            "  {name:<14} {:<40} <- {}\n",
            v.value, v.record_id
        ));
    }
    let emails: Vec<&str> = g.emails.iter().map(|e| e.value.as_str()).collect();
    let phones: Vec<&str> = g.phones.iter().map(|p| p.value.as_str()).collect();
    out.push_str(&format!(
        "  emails         {}\n  phones         {}\n",
        emails.join(", "),
        phones.join(", ")
    ));
    for &(a, b) in res.households.iter().take(3) {
        out.push_str(&format!(
            "household, not the same person: {} ~ {}\n",
            res.ids[a as usize], res.ids[b as usize]
        ));
    }
    for (a, b) in [("C001", "C002"), ("C004", "C005")] {
        let (ia, ib) = (res.index_of(a), res.index_of(b));
        let (Some(ia), Some(ib)) = (ia, ib) else {
            continue;
        };
        let e = res.explain(ia, ib);
        let parts: Vec<String> = e
            .fields
            .iter()
            .filter(|f| f.level > 0)
            .map(|f| format!("{} {:+.1}", f.comparison.as_str(), f.weight))
            .collect();
        out.push_str(&format!(
            "why {a} ~ {b}: prior {:+.1}, {} = {:+.1} -> p {:.3}\n",
            e.prior,
            parts.join(", "),
            e.weight,
            e.probability
        ));
    }
    let index = Index::from_resolution(records.clone(), res, Settings::default());
    let caller = Record {
        id: "caller".into(),
        first_name: Some("AYSE".into()),
        last_name: Some("YILMAZ".into()),
        phones: vec!["0532 412 33 10".into()],
        country: Some("TR".into()),
        date_of_birth: Some("14/03/1985".into()),
        ..Record::default()
    };
    let hits = index.match_record(&caller);
    let shown: Vec<String> = hits
        .iter()
        .take(3)
        .map(|h| format!("{} (p {:.3})", h.entity_id, h.probability))
        .collect();
    out.push_str(&format!(
        "call-centre lookup (AYSE YILMAZ, 0532 412 33 10): {}\n",
        shown.join(", ")
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
        let c = super::contact_report().unwrap();
        assert!(c.contains("user_unknown") && c.contains("suppress"));
        let k = super::complaint_report().unwrap();
        assert!(k.contains("SK-3CFP-SV") && k.contains("mehmet.kaya"));
        let r = super::routing_report().unwrap();
        assert!(
            r.contains("legal-or-regulator") && r.contains("elif"),
            "{r}"
        );
        assert!(r.contains("0 lint finding(s), 7/7 examples pass"), "{r}");
    }
}
