//! `crmkit route` as a user runs it: decisions for a JSONL file, the state
//! saved and reused, `--check` on the example rule file and on a broken one.

use std::path::PathBuf;
use std::process::{Command, Output};

fn crmkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmkit"))
        .args(args)
        .output()
        .expect("run crmkit")
}

fn temp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crmkit-route-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn example() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crmkit/examples/routing/tr-ecommerce.toml"
    )
    .into()
}

const COMPLAINTS: &str = r#"{"id": "C1", "channel": "web_form", "text": "Siparişim 10 gündür gelmedi", "received_at": "2026-11-27T14:00:00Z"}
{"id": "C2", "channel": "app", "text": "KARGOM HALA GELMEDİ", "received_at": "2026-11-27T14:05:00Z"}

{"id": "C3", "channel": "call_center", "text": "İadem yapılmadı, avukatıma gideceğim"}
"#;

#[test]
fn routes_a_file_to_named_people_and_carries_the_state() {
    let input = temp("complaints.jsonl", COMPLAINTS);
    let state = temp("state.json", "");
    let out = crmkit(&[
        "route",
        input.to_str().unwrap(),
        "--rules",
        &example(),
        "--save-state",
        state.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let who: Vec<(&str, &str)> = lines
        .iter()
        .map(|d| {
            (
                d["department"].as_str().unwrap(),
                d["assignee"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            ("logistics", "ayse"),
            ("logistics", "mehmet"),
            ("legal", "elif")
        ]
    );
    assert_eq!(lines[0]["complaint_id"], "C1");
    assert_eq!(lines[2]["fired"][0], "legal-or-regulator");
    assert_eq!(lines[0]["due"], "2026-11-28T14:00:00Z");
    assert!(String::from_utf8_lossy(&out.stderr).contains("routed 3 complaints"));

    // the saved state continues the round-robin; CSV out with a calendar
    let csv = temp("decisions.csv", "");
    let out = crmkit(&[
        "route",
        input.to_str().unwrap(),
        "--rules",
        &example(),
        "--state",
        state.to_str().unwrap(),
        "--calendar",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crmkit/examples/calendars/tr-2026-2027.toml"
        ),
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "complaint_id,department,assignee,category,priority,due,fired,assigned_by,notify"
    );
    assert!(
        rows[1].starts_with("C1,logistics,ayse,late_delivery,normal,2026-12-02T11:00:00Z,"),
        "{}",
        rows[1]
    );
    assert!(
        rows[3].starts_with("C3,legal,elif,refund,urgent,,legal-or-regulator,fixed,deniz"),
        "{}",
        rows[3]
    );
}

#[test]
fn a_state_kept_in_one_file_starts_empty_and_goes_on() {
    // one late parcel: each run moves the round-robin one person on
    let input = temp(
        "complaints_in_place.jsonl",
        COMPLAINTS.lines().next().unwrap(),
    );
    let dir = std::env::temp_dir().join(format!("crmkit-route-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);
    let run = || {
        crmkit(&[
            "route",
            input.to_str().unwrap(),
            "--rules",
            &example(),
            "--state",
            state.to_str().unwrap(),
            "--save-state",
            state.to_str().unwrap(),
        ])
    };
    // first run: the file does not exist yet
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let after_first = std::fs::read_to_string(&state).unwrap();
    // second run reads it and replaces it: the round-robin moves on
    let second = run();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let assignee = |out: &std::process::Output| {
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let first_line = text.lines().next().unwrap().to_owned();
        let v: serde_json::Value = serde_json::from_str(&first_line).unwrap();
        v["assignee"].as_str().unwrap().to_owned()
    };
    assert_ne!(assignee(&first), assignee(&second));
    assert_ne!(after_first, std::fs::read_to_string(&state).unwrap());

    // a missing state file that is not the one being saved is an I/O error
    let missing = dir.join("no-such-state.json");
    let out = crmkit(&[
        "route",
        input.to_str().unwrap(),
        "--rules",
        &example(),
        "--state",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_runs_the_examples_and_fails_on_dead_rules() {
    let out = crmkit(&["route", "--check", &example()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("0 finding(s), 7 example(s)"), "{text}");
    assert_eq!(text.matches("  ok   ").count(), 7, "{text}");

    let broken = std::fs::read_to_string(example()).unwrap().replace(
        "[[rules]]\nid = \"default\"",
        "[[rules]]\nid = \"late-again\"\nwhen = { category = \"late_delivery\" }\ndepartment = \"finance\"\n\n[[rules]]\nid = \"default\"",
    ) + "\n[[examples]]\nname = \"wrong on purpose\"\ncomplaint = { channel = \"qr\", text = \"x\" }\nexpect = { department = \"legal\" }\n";
    let path = temp("broken.toml", &broken);
    let out = crmkit(&["route", "--check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("shadowed_rule") && text.contains("\"late-again\""),
        "{text}"
    );
    assert!(text.contains("FAIL wrong on purpose"), "{text}");
    assert!(
        text.contains("department: expected \"legal\", got \"customer_relations\""),
        "{text}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("1 error(s), 1 example(s) failed"), "{err}");

    let out = crmkit(&["route", "--check", path.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["code"], "shadowed_rule");
}

#[test]
fn bad_input_names_the_line_and_exits_3() {
    let input = temp(
        "bad.jsonl",
        "{\"channel\": \"app\"}\n{\"channel\": \"fax\"}\n",
    );
    let out = crmkit(&["route", input.to_str().unwrap(), "--rules", &example()]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 2") && err.contains("fax"), "{err}");
    let rules = temp("rules.toml", "version = \"1\"\n");
    let out = crmkit(&[
        "route",
        input.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing field `fallback`"));
    let out = crmkit(&["route", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

/// The example rule file with conditions in the older (format 1) keys, in
/// the rules and in its `[categorize]` section.
fn format_one() -> String {
    let text = std::fs::read_to_string(example()).unwrap();
    let old = text
        .replace(
            "when = { flags = [\"fraud\"] }",
            "when = { flags = [\"fraud\"], not_flags = [\"legal_threat\"] }",
        )
        .replace(
            "any = [\"hasarli\", \"kirik\", \"ezik\", \"bozuk geldi\"]\npriority = 15",
            "any = [\"hasarli\", \"kirik\", \"ezik\", \"bozuk geldi\"]\npriority = 15\n\
             [categorize.categories.when]\nnot_channel = [\"kiosk\"]\nnot_segment = [\"staff\"]",
        )
        .replace(
            "any = [\"fatura\", \"iki kez cekildi\", \"fazla cekim\", \"ekstre\"]\npriority = 25",
            "any = [\"fatura\", \"iki kez cekildi\", \"fazla cekim\", \"ekstre\"]\npriority = 25\n\
             when = { amount_min = 10, not_attributes = { source = [\"test\"] } }",
        );
    assert_eq!(old.matches("not_").count(), 4, "the example file changed");
    old
}

#[test]
fn upgrade_prints_the_new_form_that_routes_the_same() {
    let old_text = format_one();
    let old = temp("format1.toml", &old_text);
    let out = crmkit(&["route", "--check", "--upgrade", old.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let upgraded = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        old_text,
        "the file is not changed"
    );
    assert!(
        !upgraded.contains("not_flags") && !upgraded.contains("amount_min"),
        "{upgraded}"
    );
    assert!(upgraded.contains("format = 2"), "{upgraded}");
    assert!(
        upgraded.contains("when = { flags = { all = [\"fraud\"], none = [\"legal_threat\"] } }"),
        "{upgraded}"
    );
    assert!(
        upgraded.contains("# Complaint routing for an online retailer"),
        "comments stay"
    );
    let new = temp("format2.toml", &upgraded);

    // the old form loads, and --check names the new form; the new one is clean
    let check_old = crmkit(&["route", "--check", old.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&check_old.stdout);
    assert!(check_old.status.success(), "{report}");
    assert!(
        report.contains("older_form") && report.contains("write `when = {"),
        "{report}"
    );
    let check_new = crmkit(&["route", "--check", new.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&check_new.stdout);
    assert!(
        check_new.status.success() && !report.contains("older_form"),
        "{report}"
    );

    // both route the sample complaints, and these, identically
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crmkit/examples/data/complaints.jsonl"
    );
    let extra = temp(
        "conditioned.jsonl",
        r#"{"id": "F1", "channel": "app", "text": "Kartımdan habersiz çekim yapıldı, avukatıma gideceğim"}
{"id": "F2", "channel": "app", "text": "Kartımdan habersiz çekim yapıldı"}
{"id": "D1", "channel": "kiosk", "text": "Ürün kırık geldi"}
{"id": "D2", "channel": "web_form", "segment": "Staff", "text": "Ürün kırık geldi"}
{"id": "D3", "channel": "web_form", "text": "Ürün kırık geldi"}
{"id": "B1", "channel": "email", "amount": 5, "text": "Fatura yanlış"}
{"id": "B2", "channel": "email", "amount": 50, "text": "Fatura yanlış", "attributes": {"source": "TEST"}}
{"id": "B3", "channel": "email", "amount": 50, "text": "Fatura yanlış"}
"#,
    );
    for input in [data, extra.to_str().unwrap()] {
        let route = |rules: &PathBuf| {
            let out = crmkit(&[
                "route",
                input,
                "--rules",
                rules.to_str().unwrap(),
                "--now",
                "2026-11-23T08:00:00Z",
            ]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        };
        let (a, b) = (route(&old), route(&new));
        assert!(a.lines().count() >= 4, "{a}");
        assert_eq!(a, b, "{input}");
    }
    // the conditions do decide: the older keys are not ignored
    let decisions = {
        let out = crmkit(&[
            "route",
            extra.to_str().unwrap(),
            "--rules",
            new.to_str().unwrap(),
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    let category = |id: &str| -> serde_json::Value {
        let line = decisions
            .lines()
            .find(|l| l.contains(&format!("\"complaint_id\":\"{id}\"")))
            .unwrap();
        serde_json::from_str::<serde_json::Value>(line).unwrap()
    };
    assert_eq!(category("F2")["fired"][0], "fraud");
    assert_ne!(category("F1")["fired"][0], "fraud");
    assert_eq!(category("D3")["category"], "damaged");
    assert_ne!(category("D1")["category"], "damaged");
    assert_ne!(category("D2")["category"], "damaged");
    assert_eq!(category("B3")["category"], "billing");
    assert_ne!(category("B1")["category"], "billing");
    assert_ne!(category("B2")["category"], "billing");

    // --check with no file, or with two, is a usage error
    let out = crmkit(&["route", "--check", "--upgrade"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
