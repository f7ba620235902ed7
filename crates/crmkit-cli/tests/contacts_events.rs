//! `crmkit contacts --events --now`: validity scores from a delivery history.

use crmkit::contact::score::{self, ContactPoint, Evidence, EvidenceKind, PointClass, Policy};
use std::io::Write;
use std::process::{Command, Output};

fn crmkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmkit"))
        .args(args)
        .output()
        .expect("run crmkit")
}

fn temp_file(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("crmkit-contacts-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(content.as_bytes())
        .unwrap();
    path.to_string_lossy().into_owned()
}

const CONTACTS: &str = "id,email,phone\n\
    1,ayse@firma.com.tr,0532 123 45 67\n\
    2,ali@gmail.com,0212 444 55 66\n\
    3,,\n\
    4,x@@y,0532 999 88 77\n";

const EVENTS: &str = "contact,outcome,time,source\n\
    ayse@firma.com.tr,250 2.0.0 OK,2026-11-01T09:00:00Z,esp\n\
    Ayse@Firma.com.tr,550 5.1.1 User unknown,2026-11-20T09:00:00Z,esp\n\
    +905321234567,stat:DELIVRD err:000,2026-11-25T09:00:00Z,gateway\n\
    a.l.i@gmail.com,opened,2026-11-28T09:00:00Z,esp\n\
    02124445566,stat:UNDELIV err:001,2026-11-29T09:00:00Z,gateway\n\
    0532 123 45 67,inbound,2026-11-30T09:00:00Z,call centre\n";

#[test]
fn scores_every_point_from_its_history() {
    let contacts = temp_file("contacts.csv", CONTACTS);
    let events = temp_file("events.csv", EVENTS);
    let now = "2026-12-01T00:00:00Z";
    let out = crmkit(&["contacts", &contacts, "--events", &events, "--now", now]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "no row may be dropped");
    let cell = |row: usize, name: &str| rows[row][col(name)].to_owned();

    // the bounce after the delivery suppresses the corporate address
    assert_eq!(cell(0, "email_action"), "suppress");
    assert_eq!(cell(0, "email_top_reason"), "permanent_failure");
    // the same point scored through the library gives the same number
    let at = |s: &str| s.parse().unwrap();
    let mut point = ContactPoint::new(PointClass::Corporate);
    point.evidence = vec![
        Evidence {
            source: Some("esp".into()),
            ..Evidence::new(at("2026-11-01T09:00:00Z"), EvidenceKind::Delivered)
        },
        Evidence {
            source: Some("esp".into()),
            ..Evidence::new(at("2026-11-20T09:00:00Z"), EvidenceKind::Permanent)
        },
    ];
    let expected = score::score(&point, &Policy::default(), at(now));
    assert_eq!(
        cell(0, "email_score"),
        format!("{:.4}", expected.probability)
    );
    // a delivery and an inbound call keep the mobile
    assert_eq!(cell(0, "phone_action"), "keep");
    assert_eq!(cell(0, "phone_band"), "high");
    // an open on the Gmail address written with dots counts for it
    assert_eq!(cell(1, "email_action"), "keep");
    assert!(cell(1, "email_score").parse::<f64>().unwrap() > 0.9);
    // an unknown subscriber report suppresses the landline
    assert_eq!(cell(1, "phone_action"), "suppress");
    // empty fields get empty score cells; invalid ones are suppressed
    assert_eq!(cell(2, "email_score"), "");
    assert_eq!(cell(2, "phone_score"), "");
    assert_eq!(cell(3, "email_top_reason"), "invalid_syntax");
    // a number with no history: undated, to verify
    assert_eq!(cell(3, "phone_action"), "verify");
}

#[test]
fn scoring_needs_a_time_and_readable_events() {
    let contacts = temp_file("contacts2.csv", CONTACTS);
    let events = temp_file("events2.csv", EVENTS);
    let out = crmkit(&["contacts", &contacts, "--events", &events]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now"));

    let out = crmkit(&[
        "contacts",
        &contacts,
        "--events",
        &events,
        "--now",
        "yesterday",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));

    let bad = temp_file(
        "bad_events.csv",
        "contact,outcome,time\nayse@firma.com.tr,250,2026-11-01T09:00:00Z\nnot a contact,250,2026-11-01T09:00:00Z\n",
    );
    let out = crmkit(&[
        "contacts",
        &contacts,
        "--events",
        &bad,
        "--now",
        "2026-12-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("contact"), "{err}");

    let no_time = temp_file("no_time.csv", "contact,outcome\nayse@firma.com.tr,250\n");
    let out = crmkit(&[
        "contacts",
        &contacts,
        "--events",
        &no_time,
        "--now",
        "2026-12-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"time\""));
}

#[test]
fn summarizes_each_customer_over_its_rows() {
    // customer 7 has two rows: the corporate address bounced, the Gmail one was opened
    let contacts = temp_file(
        "contacts3.csv",
        "id,customer,email,phone\n\
         1,7,ayse@firma.com.tr,0532 123 45 67\n\
         2,8,ali@gmail.com,0212 444 55 66\n\
         3,7,ali@gmail.com,\n\
         4,9,,\n",
    );
    let events = temp_file("events3.csv", EVENTS);
    let summary = temp_file("summary3.csv", "");
    let out = crmkit(&[
        "contacts",
        &contacts,
        "--events",
        &events,
        "--now",
        "2026-12-01T00:00:00Z",
        "--customer-column",
        "customer",
        "--summary",
        &summary,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_path(&summary).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let cell = |row: usize, name: &str| {
        let c = headers.iter().position(|h| h == name).unwrap();
        rows[row][c].to_owned()
    };
    // every customer once, in order of first appearance, also one without points
    let ids: Vec<String> = (0..rows.len()).map(|r| cell(r, "customer")).collect();
    assert_eq!(ids, ["7", "8", "9"]);
    assert_eq!(cell(2, "points"), "0");
    assert_eq!(cell(2, "best_email"), "");
    assert_eq!(cell(0, "points"), "3");
    // the suppressed corporate address is never the best one
    assert_eq!(cell(0, "best_email"), "ali@gmail.com");
    assert_eq!(cell(0, "best_phone"), "+905321234567");
    assert!(cell(0, "best_phone_score").parse::<f64>().unwrap() > 0.9);
    // the inbound call on 30 November is the last contact
    assert_eq!(cell(0, "last_contact_at"), "2026-11-30T09:00:00Z");
    assert_eq!(cell(0, "last_contact_channel"), "sms");
    // customer 8: the landline is suppressed, so no best phone
    assert_eq!(cell(1, "best_phone"), "");
    assert_eq!(cell(1, "best_phone_score"), "");
    assert_eq!(cell(1, "last_contact_channel"), "email");

    // --summary needs a customer column that exists
    let out = crmkit(&[
        "contacts",
        &contacts,
        "--events",
        &events,
        "--now",
        "2026-12-01T00:00:00Z",
        "--customer-column",
        "musteri",
        "--summary",
        &summary,
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no column \"musteri\""));
}
