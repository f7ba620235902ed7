//! `crmkit eligible` and `crmkit profile` on the shipped example log: each
//! row's decision equals the library's, CSV and JSON logs give the same
//! list, and merged customers are one profile.

use crmkit::engagement::event::Event;
use crmkit::engagement::{Channel, Policy, Purpose, Request, Store};
use crmkit::tabular::CsvFormat;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-12-01T14:00:00+03:00";

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crmkit/examples/engagement")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn crmkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmkit"))
        .args(args)
        .output()
        .expect("run crmkit")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crmkit-engagement-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_row_is_decided_as_the_library_decides() {
    let out = crmkit(&[
        "eligible",
        &example("dial_list.csv"),
        "--events",
        &example("events.csv"),
        "--now",
        NOW,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("customer,campaign,channel,purpose,phone,email,allowed,point,reasons\n")
    );
    let events = Event::read_csv(
        std::fs::read(example("events.csv")).unwrap().as_slice(),
        &CsvFormat::default(),
    )
    .unwrap();
    let store = Store::new(Policy::default());
    for e in &events {
        store.apply(e);
    }
    let now = NOW.parse().unwrap();
    let list = rows(&std::fs::read_to_string(example("dial_list.csv")).unwrap());
    let decided = rows(&text);
    assert_eq!(list.len(), decided.len());
    for (asked, got) in list.iter().zip(&decided) {
        let request = Request {
            campaign: Some(&asked[1]).filter(|s| !s.is_empty()).map(str::to_owned),
            channel: Some(&asked[2])
                .filter(|s| !s.is_empty())
                .map(|c| Channel::parse(c).unwrap()),
            purpose: Purpose::parse(&asked[3]).unwrap(),
            time_zone: None,
        };
        let d = store.decide(&asked[0], &request, now);
        assert_eq!(&got[6], d.allowed.to_string(), "{asked:?}");
        assert_eq!(&got[2], d.channel.map_or("", Channel::as_str), "{asked:?}");
        assert_eq!(&got[8], d.codes().join("|"), "{asked:?}");
        let point = match d.channel.filter(|_| d.allowed) {
            Some(Channel::Email) => &asked[5],
            Some(_) => &asked[4],
            None => "",
        };
        assert_eq!(&got[7], point);
    }
    // the seed's scenes
    let by = |i: usize| (&decided[i][6], &decided[i][8]);
    assert_eq!(
        by(0),
        ("false", "already_responded_to_campaign|consent_granted")
    );
    assert_eq!(by(1), ("false", "recent_detractor|consent_granted"));
    assert_eq!(by(2), ("true", "consent_not_required"));
    assert_eq!(by(3), ("false", "consent_revoked"));
    assert_eq!(by(4), ("true", "consent_not_required"));
    // W9's email consent is C3's after the merge: the best channel is email
    assert_eq!(
        (&decided[5][2], &decided[5][7]),
        ("email", "ayse@example.com")
    );
}

#[test]
fn a_json_log_gives_the_same_list_and_the_file_is_written() {
    let events = Event::read_csv(
        std::fs::read(example("events.csv")).unwrap().as_slice(),
        &CsvFormat::default(),
    )
    .unwrap();
    let json = temp("events.json");
    std::fs::write(&json, serde_json::to_string(&events).unwrap()).unwrap();
    let run = |events: &str, out: &Path| {
        let o = crmkit(&[
            "eligible",
            &example("dial_list.csv"),
            "--events",
            events,
            "--now",
            NOW,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out).unwrap()
    };
    let from_csv = run(&example("events.csv"), &temp("a.csv"));
    let from_json = run(json.to_str().unwrap(), &temp("b.csv"));
    assert_eq!(from_csv, from_json);
    assert_eq!(rows(&from_csv).len(), 7);
}

#[test]
fn profiles_are_one_row_per_customer_and_merged_keys_are_one() {
    let out = temp("profiles.csv");
    let o = crmkit(&[
        "profile",
        &example("events.csv"),
        "--now",
        NOW,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let all: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let customers: Vec<&str> = all.iter().map(|r| &r[0]).collect();
    assert_eq!(customers, ["C1", "C2", "C3", "C4"]);
    assert_eq!(&all[2][col("keys")], "C3|W9");
    assert_eq!(&all[2][col("consent_email_commercial")], "granted");
    assert_eq!(&all[2][col("consent_sms_commercial")], "revoked");
    assert_eq!(&all[3][col("open_complaints")], "1");
    assert_eq!(&all[3][col("purchase_total")], "349.90");
}

#[test]
fn a_bad_now_is_a_usage_error() {
    let o = crmkit(&[
        "eligible",
        &example("dial_list.csv"),
        "--events",
        &example("events.csv"),
        "--now",
        "2026-12-01T14:00:00",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--now"));
}
