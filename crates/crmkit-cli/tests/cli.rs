//! The `crmkit` binary as a user runs it.

use crmkit::survey::table::{ColumnSpec, read_csv};
use crmkit::survey::{self, NpsOptions};
use std::io::Write;
use std::process::{Command, Output};

fn crmkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmkit"))
        .args(args)
        .output()
        .expect("run crmkit")
}

fn temp_csv(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("crmkit-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(content.as_bytes())
        .unwrap();
    path
}

const SAMPLE: &str = include_str!("../data/survey_sample.csv");

#[test]
fn demo_reports_every_section_with_the_library_numbers() {
    let out = crmkit(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for section in [
        "Overall",
        "NPS by channel",
        "NPS by touchpoint",
        "NPS by journey stage",
        "Monthly trend",
        "Drivers",
        "Sample size",
        "Identity resolution",
        "golden record of C001",
        "household, not the same person",
        "Contact eligibility",
    ] {
        assert!(text.contains(section), "missing section {section}");
    }
    // the SLA clocks from an event log leave the pause out: Monday 09–11 and
    // Friday 09–11 used; Monday 11–18, Tuesday, the half day of the 28th
    // paused (the 29th is a holiday); 36 hours left from Friday 11:00
    assert!(
        text.contains("resolution clock running, 4 h used, 20 h paused, due Thu 05 Nov 08:00"),
        "{text}"
    );
    // the eligibility scenes: a yes by SMS ends the call, a detractor gets a
    // service call but no sales call, an opt-out stops campaigns, not notices
    let decisions: Vec<(&str, &str)> = text
        .lines()
        .skip_while(|l| !l.starts_with("Contact eligibility"))
        .filter_map(|l| {
            let cells: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            (cells.len() >= 4 && cells[0].starts_with('C'))
                .then(|| (cells[2], cells[cells.len() - 1]))
        })
        .collect();
    assert_eq!(
        decisions,
        [
            ("deny", "already_responded_to_campaign, consent_granted"),
            ("deny", "recent_detractor, consent_granted"),
            ("allow", "consent_not_required"),
            ("deny", "consent_revoked"),
            ("allow", "consent_not_required"),
        ],
        "{text}"
    );
    // the overall NPS, computed here independently through the library
    let spec = ColumnSpec {
        score: "nps".into(),
        ..ColumnSpec::default()
    };
    let rows = read_csv(SAMPLE.as_bytes(), &spec).unwrap();
    let r = survey::nps(&rows.scores, &NpsOptions::default()).unwrap();
    let wald_line = text.lines().find(|l| l.starts_with("NPS (Wald)")).unwrap();
    // cells are separated by at least two spaces
    let cells: Vec<&str> = wald_line
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let expected = [
        "NPS (Wald)".to_string(),
        format!("{:.1}", r.nps),
        format!("[{:.1}, {:.1}]", r.low, r.high),
        r.n.to_string(),
        r.missing.to_string(),
    ];
    assert_eq!(cells, expected);
}

#[test]
fn nps_table_and_json() {
    let path = temp_csv(
        "answers.csv",
        "channel,score\nweb,10\nweb,9\napp,0\napp,\nweb,7\n",
    );
    let p = path.to_str().unwrap();
    let out = crmkit(&["nps", p, "--by", "channel"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("all ") && l.contains(" 4 ") && l.contains("25.0")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("web ") && l.contains("66.7")),
        "{text}"
    );

    let out = crmkit(&[
        "nps",
        p,
        "--by",
        "channel",
        "--json",
        "--method",
        "adjusted_wald",
    ]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["overall"]["result"]["nps"], 25.0);
    assert_eq!(doc["overall"]["missing"], 1);
    assert_eq!(doc["overall"]["result"]["method"], "adjusted_wald");
    let app = &doc["segments"][0];
    assert_eq!(
        (app["segment"].as_str(), app["n"].as_u64()),
        (Some("app"), Some(1))
    );
    assert_eq!(app["result"]["nps"], -100.0);
}

#[test]
fn csat_and_ces_commands() {
    let path = temp_csv("csat.csv", "g;score\na;5\na;1\nb;4\n");
    let out = crmkit(&[
        "csat",
        path.to_str().unwrap(),
        "--by",
        "g",
        "--delimiter",
        ";",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["segments"][0]["result"]["csat"], 50.0);
    let path = temp_csv("ces.csv", "score\n7\n1\n");
    let out = crmkit(&["ces", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("4.00"));
}

#[test]
fn bad_input_names_the_line_and_exits_3() {
    let path = temp_csv("bad.csv", "score\n10\n9\n11\n");
    let out = crmkit(&["nps", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 4") && err.contains("11"), "{err}");

    let out = crmkit(&["nps", path.to_str().unwrap(), "--score-column", "rating"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\"rating\""), "{err}");

    let out = crmkit(&["nps", "/no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(4));
    let good = temp_csv("good.csv", "score\n10\n");
    let out = crmkit(&["nps", good.to_str().unwrap(), "--confidence", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn contacts_adds_parsed_columns() {
    let path = temp_csv(
        "contacts.csv",
        "id,email,phone,country\n1,Ayse.Yilmaz+x@GoogleMail.com,0532 123 45 67,TR\n2,ali@@x.com,0532 123 45 6O,TR\n3,,+1 202 555 0173,US\n",
    );
    let out = crmkit(&[
        "contacts",
        path.to_str().unwrap(),
        "--region-column",
        "country",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "no row may be dropped");
    assert_eq!(&rows[0][col("email_dedup_key")], "ayseyilmaz@gmail.com");
    assert_eq!(&rows[0][col("phone_e164")], "+905321234567");
    assert_eq!(&rows[1][col("email_error")], "invalid_local_character");
    assert_eq!(&rows[1][col("phone_suggestion")], "+905321234560");
    assert_eq!(&rows[2][col("email_error")], "empty");
    assert_eq!(&rows[2][col("phone_type")], "fixed_line_or_mobile");

    let out = crmkit(&[
        "contacts",
        path.to_str().unwrap(),
        "--email-column",
        "mail",
        "--phone-column",
        "tel",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let out = crmkit(&["contacts", path.to_str().unwrap(), "--region", "XX"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown region"));
}

#[test]
fn nps_diff_compares_two_files() {
    let mut a = String::from("score\n");
    let mut b = String::from("score\n");
    for (v, n) in [(10, 50), (8, 30), (3, 20)] {
        a.push_str(&format!("{v}\n").repeat(n));
    }
    for (v, n) in [(10, 40), (8, 30), (3, 30)] {
        b.push_str(&format!("{v}\n").repeat(n));
    }
    let (pa, pb) = (temp_csv("a.csv", &a), temp_csv("b.csv", &b));
    let out = crmkit(&[
        "nps-diff",
        pa.to_str().unwrap(),
        pb.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &doc["difference"];
    assert!((d["difference"].as_f64().unwrap() - 20.0).abs() < 1e-9);
    assert!((d["p_value"].as_f64().unwrap() - 0.0794).abs() < 5e-5);
    let out = crmkit(&["nps-diff", pa.to_str().unwrap(), pb.to_str().unwrap()]);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("difference +20.0 points")
    );
    let bad = temp_csv("bad-diff.csv", "score\n10\n12\n");
    let out = crmkit(&["nps-diff", pa.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
}

const CUSTOMERS: &str = "id,first_name,last_name,phone,date_of_birth,email,country\n\
    1,Kübran,İhsanoğlu,0541 520 71 32,17.05.1985,,TR\n\
    2,KUBRAN,IHSANOGLU,(541) 520-7132,1985-05-17,,TR\n\
    3,Saire,İhsanoğlu,0541 520 71 32,02.11.1958,,TR\n\
    4,John,Smith,404.980.4051,07/16/1969,jsmith@aol.com,US\n";

#[test]
fn resolve_writes_id_and_cluster_id() {
    let input = temp_csv("customers.csv", CUSTOMERS);
    let out_path = input.with_file_name("clusters.csv");
    let golden = input.with_file_name("golden.csv");
    let out = crmkit(&[
        "resolve",
        input.to_str().unwrap(),
        "--out",
        out_path.to_str().unwrap(),
        "--golden",
        golden.to_str().unwrap(),
        "--report",
        "--explain",
        "1",
        "2",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clusters = std::fs::read_to_string(&out_path).unwrap();
    assert_eq!(clusters, "id,cluster_id\n1,1\n2,1\n3,3\n4,4\n");
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("blocking:"), "{report}");
    assert!(report.contains("household links: 2"), "{report}");
    let largest = report
        .lines()
        .skip_while(|l| !l.starts_with("largest clusters"))
        .nth(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>());
    assert_eq!(
        largest.as_ref().map(|c| (c[0], c[1], c[2], &c[4..7], c[7])),
        Some(("1", "2", "1", &["1", "~", "2"][..], "0")),
        "{report}"
    );
    assert!(
        report.contains("1 ~ 2") && report.contains("same cluster: yes"),
        "{report}"
    );
    let golden = std::fs::read_to_string(&golden).unwrap();
    assert!(
        golden.starts_with("cluster_id,record_ids,first_name"),
        "{golden}"
    );
    assert!(
        golden.contains("1,1;2,Kübran,İhsanoğlu,1985-05-17"),
        "{golden}"
    );

    // two files linked: ids must be unique across them
    let a = temp_csv(
        "a.csv",
        "id,first_name,last_name,email\na1,Ali,Kaya,ali.kaya@x.com\n",
    );
    let b = temp_csv(
        "b.csv",
        "id,first_name,last_name,email\nb1,ALİ,KAYA,ali.kaya@x.com\n",
    );
    let out = crmkit(&[
        "resolve",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--link",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "id,cluster_id\na1,a1\nb1,a1\n"
    );
    let out = crmkit(&[
        "resolve",
        a.to_str().unwrap(),
        a.to_str().unwrap(),
        "--link",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("both files"));
}

#[test]
fn resolve_bad_input_exits_3_naming_the_line() {
    let bad = temp_csv("dup.csv", "id,first_name\n1,a\n1,b\n");
    let out = crmkit(&["resolve", bad.to_str().unwrap(), "--quiet"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("\"1\""), "{err}");
    let input = temp_csv("ok.csv", CUSTOMERS);
    let out = crmkit(&[
        "resolve",
        input.to_str().unwrap(),
        "--threshold",
        "2",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = crmkit(&[
        "resolve",
        input.to_str().unwrap(),
        "--map",
        "phone=shoe",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `shoe`"));
    let out = crmkit(&[
        "resolve",
        input.to_str().unwrap(),
        "--explain",
        "1",
        "99",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
