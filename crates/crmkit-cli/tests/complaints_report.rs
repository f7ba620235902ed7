//! `crmkit complaints report` as a user runs it.

use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::report::{self, GroupBy, Handled};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn crmkit(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crmkit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crmkit");
    // a command that fails on its arguments exits before reading its
    // input, so the pipe may already be closed
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or("").as_bytes());
    child.wait_with_output().unwrap()
}

fn temp(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("crmkit-complaints-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.to_string_lossy().into_owned()
}

const CALENDAR: &str = include_str!("../../crmkit/examples/calendars/tr-2026-2027.toml");

/// Six handled complaints over two months, with one still open past its
/// due time and one misrouted.
const HANDLED: &str = r#"{"id": "1", "channel": "app", "received_at": "2026-10-27T07:00:00Z", "category": "late_delivery", "first_department": "logistics", "resolving_department": "logistics", "first_response_at": "2026-10-27T08:00:00Z", "resolved_at": "2026-10-27T13:00:00Z", "due_at": "2026-10-28T15:00:00Z", "satisfied": true, "repurchased": true}
{"id": "2", "channel": "call_center", "received_at": "2026-10-28T07:00:00Z", "category": "refund", "topic": "refund_delay", "first_department": "logistics", "resolving_department": "finance", "resolved_at": "2026-10-30T07:00:00Z", "due_at": "2026-10-29T15:00:00Z", "satisfied": false, "winback_cost": 150.0, "reopened": true}

{"id": "3", "channel": "app", "received_at": "2026-11-02T06:00:00Z", "category": "late_delivery", "first_department": "logistics", "due_at": "2026-11-03T15:00:00Z"}
{"id": "4", "channel": "web_form", "received_at": "2026-11-03T09:00:00Z", "category": "late_delivery", "first_department": "logistics", "resolving_department": "logistics", "resolved_at": "2026-11-03T12:00:00Z", "satisfied": true}
{"id": "5", "channel": "email", "received_at": "2026-11-04T10:00:00Z", "category": "refund", "first_department": "finance", "resolving_department": "finance", "resolved_at": "2026-11-05T10:00:00Z", "winback_cost": 80.5, "repurchased": false}
{"id": "6", "channel": "app", "received_at": "2026-11-05T10:00:00Z", "first_department": "support"}
"#;

fn handled() -> Vec<Handled> {
    HANDLED
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn json_report_equals_the_library_report() {
    let file = temp("handled.jsonl", HANDLED);
    let cal = temp("calendar.toml", CALENDAR);
    let now = "2026-11-10T12:00:00Z";
    let out = crmkit(
        &[
            "complaints",
            "report",
            &file,
            "--by",
            "first_department,category,channel,month",
            "--calendar",
            &cal,
            "--now",
            now,
            "--json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["complaints"], 6);
    let calendar = Calendar::from_toml(CALENDAR).unwrap();
    let data = handled();
    for (name, by) in [
        ("first_department", GroupBy::FirstDepartment),
        ("category", GroupBy::Category),
        ("channel", GroupBy::Channel),
        ("month", GroupBy::Month),
    ] {
        let want = report::report(&data, by, Some(&calendar), Some(now.parse().unwrap())).unwrap();
        assert_eq!(v["reports"][name], serde_json::json!(want), "{name}");
    }
    let logistics = &v["reports"]["first_department"][1];
    assert_eq!(logistics["key"], "logistics");
    assert_eq!(logistics["count"], 4);
    // complaint 2 was resolved late, complaint 3 is open past its due time
    assert_eq!(logistics["sla_breach_rate"], 200.0 / 3.0);
    // of three resolved complaints first routed to logistics, two stayed there
    assert_eq!(logistics["first_routing_accuracy"], 200.0 / 3.0);
    let months: Vec<&str> = v["reports"]["month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2026-10", "2026-11"]);
    // complaint 2 took 48 calendar hours but 2026-10-28 is a half day and
    // the 29th (Republic Day) a holiday: 9 business hours in Istanbul
    let refund = &v["reports"]["category"][2];
    assert_eq!(refund["key"], "refund");
    assert_eq!(refund["resolution_hours"]["max"], 48.0);
    assert!(refund["resolution_business_hours"]["max"].as_f64().unwrap() < 48.0);
    // the Pareto uses the topic, else the category
    let pareto = v["pareto"].as_array().unwrap();
    assert_eq!(pareto[0]["topic"], "late_delivery");
    assert_eq!(pareto[0]["count"], 3);
    assert!(pareto.iter().any(|p| p["topic"] == "refund_delay"));
    assert_eq!(pareto.last().unwrap()["cumulative_percent"], 100.0);
}

#[test]
fn table_output_from_standard_input() {
    let out = crmkit(
        &["complaints", "report", "-", "--by", "channel"],
        Some(HANDLED),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("6 complaints"), "{text}");
    assert!(text.contains("By channel"));
    assert!(text.contains("Pareto of topics"));
    let app = text.lines().find(|l| l.starts_with("app ")).unwrap();
    // 3 of 6 complaints, one of them resolved
    assert!(
        app.contains(" 3 ") && app.contains("50.0%") && app.contains("33.3%"),
        "{app}"
    );
    // no calendar, no business-hour columns
    assert!(!text.contains("median bh"));
}

#[test]
fn bad_input_names_the_line_or_option() {
    let bad = HANDLED.replace("\"channel\": \"email\"", "\"channel\": \"pigeon\"");
    let out = crmkit(&["complaints", "report", "-"], Some(&bad));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard input: line 6, column") && err.contains("pigeon"),
        "{err}"
    );

    let out = crmkit(
        &["complaints", "report", "-", "--by", "weekday"],
        Some(HANDLED),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--by \"weekday\""));

    let out = crmkit(
        &["complaints", "report", "-", "--now", "yesterday"],
        Some(HANDLED),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now"));

    let cal = temp(
        "bad-calendar.toml",
        "name = 'x'\ntime_zone = 'Mars/Olympus'\n",
    );
    let out = crmkit(
        &["complaints", "report", "-", "--calendar", &cal],
        Some(HANDLED),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--calendar"));

    let out = crmkit(&["complaints", "report", "/no/such/file.jsonl"], None);
    assert_eq!(out.status.code(), Some(4));
}
