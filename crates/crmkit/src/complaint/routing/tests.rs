use super::*;
use crate::complaint::intake::Channel;
use proptest::prelude::*;
use proptest::strategy::Strategy as Gen;

const BASE: &str = r#"
version = "t1"
fallback = { department = "care", assignee = "deniz" }

[[people]]
id = "ayse"
skills = ["vip"]
languages = ["tr", "en"]
supervisor = "deniz"
[[people]]
id = "mehmet"
languages = ["tr"]
supervisor = "deniz"
[[people]]
id = "john"
languages = ["en"]
capacity = 2
supervisor = "deniz"
[[people]]
id = "zeynep"
supervisor = "deniz"
[[people]]
id = "deniz"

[[departments]]
id = "logistics"
members = ["ayse", "mehmet"]
fallback = "care"
[[departments]]
id = "finance"
members = ["ayse", "mehmet", "john"]
strategy = "least_loaded"
[[departments]]
id = "intl"
members = ["mehmet", "john", "ayse"]
strategy = "skills"
fallback = "care"
[[departments]]
id = "legal"
owner = "zeynep"
strategy = "fixed"
fallback = "care"
[[departments]]
id = "care"
members = ["deniz"]
"#;

fn set(rules: &str) -> RuleSet {
    RuleSet::from_toml(&format!("{BASE}\n{rules}")).unwrap()
}

fn complaint(channel: Channel, category: &str) -> Complaint {
    let mut c = Complaint::new(channel, "");
    c.category = Some(category.into());
    c
}

#[test]
fn first_policy_takes_the_first_matching_rule_only() {
    let rs = set(r#"
        [[rules]]
        id = "legal-threat"
        when = { flags = ["legal_threat"] }
        department = "legal"
        priority = "urgent"
        [[rules]]
        id = "late"
        when = { category = ["late_delivery", "lost"] }
        department = "logistics"
        [[rules]]
        id = "default"
        department = "care"
    "#);
    let mut st = RoutingState::default();
    let mut c = complaint(Channel::WebForm, "late_delivery");
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.fired, ["late"]);
    assert_eq!(
        (d.department.as_str(), d.assignee.as_str()),
        ("logistics", "ayse")
    );
    assert_eq!(d.assigned_by, AssignedBy::RoundRobin);
    assert_eq!(d.priority, Priority::Normal);
    c.flags.push("legal_threat".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.fired, ["legal-threat"]);
    assert_eq!(
        (d.department.as_str(), d.assignee.as_str()),
        ("legal", "zeynep")
    );
    assert_eq!(d.assigned_by, AssignedBy::Fixed);
    assert_eq!(d.priority, Priority::Urgent);
    let d = rs
        .route(&complaint(Channel::Qr, "billing"), &mut st, None)
        .unwrap();
    assert_eq!(d.fired, ["default"]);
    assert_eq!(d.assignee, "deniz");
}

#[test]
fn collect_fires_every_match_and_merges_outputs() {
    let text = format!(
        "hit_policy = \"collect\"\n{BASE}\n{}",
        r#"
        [[rules]]
        id = "vip-watch"
        when = { segment = "platinum" }
        notify = ["deniz"]
        tags = ["vip"]
        priority = "high"
        [[rules]]
        id = "late"
        when = { category = "late_delivery" }
        department = "logistics"
        tags = ["delivery"]
        [[rules]]
        id = "public"
        when = { channel = ["social_media", "complaint_site"] }
        priority = "urgent"
        notify = ["zeynep"]
    "#
    );
    let rs = RuleSet::from_toml(&text).unwrap();
    assert_eq!(rs.source().hit_policy, HitPolicy::Collect);
    let mut c = complaint(Channel::SocialMedia, "late_delivery");
    c.segment = Some("platinum".into());
    let d = rs.route(&c, &mut RoutingState::default(), None).unwrap();
    assert_eq!(d.fired, ["vip-watch", "late", "public"]);
    assert_eq!(d.department, "logistics");
    assert_eq!(d.priority, Priority::Urgent);
    assert_eq!(d.notify, ["deniz", "zeynep"]);
    assert_eq!(d.tags, ["vip", "delivery"]);
}

#[test]
fn priority_policy_takes_the_highest_rank() {
    let text = format!(
        "hit_policy = \"priority\"\n{BASE}\n{}",
        r#"
        [[rules]]
        id = "care-all"
        department = "care"
        rank = 1
        [[rules]]
        id = "big-amount"
        when = { amount = "> 5000" }
        department = "finance"
        rank = 10
        [[rules]]
        id = "legal"
        when = { flags = ["legal_threat"] }
        department = "legal"
        rank = 20
    "#
    );
    let rs = RuleSet::from_toml(&text).unwrap();
    let mut st = RoutingState::default();
    let mut c = complaint(Channel::WebForm, "refund");
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["care-all"]);
    c.amount = Some(5000.0);
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["care-all"]);
    c.amount = Some(5000.01);
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["big-amount"]);
    c.flags = vec!["legal_threat".into()];
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["legal"]);
}

#[test]
fn strategies_and_the_fallback_chain_always_end_at_a_person() {
    let rs = set(r#"
        [[rules]]
        id = "fin"
        when = { category = "billing" }
        department = "finance"
        [[rules]]
        id = "intl"
        when = { category = "intl" }
        department = "intl"
        [[rules]]
        id = "vip"
        when = { category = "vip" }
        department = "logistics"
        skills = ["vip"]
        [[rules]]
        id = "legal"
        when = { category = "legal" }
        department = "legal"
    "#);
    // least loaded: loads passed in decide, member order breaks ties
    let mut st = RoutingState::default();
    st.loads.insert("ayse".into(), 3);
    st.loads.insert("mehmet".into(), 1);
    let billing = complaint(Channel::Email, "billing");
    let picks: Vec<String> = (0..4)
        .map(|_| rs.route(&billing, &mut st, None).unwrap().assignee)
        .collect();
    assert_eq!(picks, ["john", "mehmet", "john", "mehmet"]);
    assert_eq!(st.loads["john"], 2);
    // john is at capacity (2) now
    assert_eq!(rs.route(&billing, &mut st, None).unwrap().assignee, "ayse");

    // skills strategy: language must match
    let mut st = RoutingState::default();
    let mut c = complaint(Channel::Email, "intl");
    c.language = Some("en".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(
        (d.assignee.as_str(), d.assigned_by),
        ("john", AssignedBy::Skills)
    );
    c.language = Some("de".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(
        (d.department.as_str(), d.assignee.as_str()),
        ("care", "deniz")
    );
    assert_eq!(d.passed_over, ["intl"]);

    // rule skills: only ayse has "vip"; when she is away the chain goes on
    let mut st = RoutingState::default();
    let vip = complaint(Channel::Email, "vip");
    assert_eq!(rs.route(&vip, &mut st, None).unwrap().assignee, "ayse");
    assert_eq!(rs.route(&vip, &mut st, None).unwrap().assignee, "ayse");
    st.unavailable.insert("ayse".into());
    let d = rs.route(&vip, &mut st, None).unwrap();
    assert_eq!(d.assignee, "deniz");
    assert_eq!(d.assigned_by, AssignedBy::Fallback);
    assert_eq!(d.passed_over, ["logistics", "care"]);

    // the fallback person away too: no one is available, which is an
    // error naming the complaint, and the state is left as it was
    st.unavailable.insert("deniz".into());
    let before = st.clone();
    let mut named = vip.clone();
    named.id = Some("C-7".into());
    let e = rs.route(&named, &mut st, None).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::InvalidArgument);
    let msg = e.to_string();
    assert!(
        msg.contains("no one is available for complaint \"C-7\"")
            && msg.contains("\"logistics\", \"care\"")
            && msg.contains("fallback person \"deniz\" is unavailable"),
        "{msg}"
    );
    assert_eq!(st, before);
    let e = rs.route(&vip, &mut st, None).unwrap_err();
    assert!(e.to_string().contains("a complaint without an id"), "{e}");
    assert!(
        rs.route_batch(std::slice::from_ref(&vip), &mut st, None)
            .is_err()
    );

    // fixed owner away: the legal department's fallback takes over
    let mut st = RoutingState::default();
    st.unavailable.insert("zeynep".into());
    let d = rs
        .route(&complaint(Channel::Email, "legal"), &mut st, None)
        .unwrap();
    assert_eq!(
        (d.department.as_str(), d.assignee.as_str()),
        ("care", "deniz")
    );
    assert_eq!(d.passed_over, ["legal"]);
}

#[test]
fn round_robin_cursor_lives_in_the_state() {
    let rs = set(r#"
        [[rules]]
        id = "late"
        department = "logistics"
    "#);
    let c = complaint(Channel::App, "late_delivery");
    let mut st = RoutingState::default();
    let a: Vec<String> = (0..3)
        .map(|_| rs.route(&c, &mut st, None).unwrap().assignee)
        .collect();
    assert_eq!(a, ["ayse", "mehmet", "ayse"]);
    assert_eq!(st.cursors["logistics"], 1);
    // the same state gives the same answer: routing is a pure function of it
    let mut again = st.clone();
    assert_eq!(
        rs.route(&c, &mut st, None).unwrap(),
        rs.route(&c, &mut again, None).unwrap()
    );
    assert_eq!(st, again);
    // a named assignee wins while eligible
    let rs = set(r#"
        [[rules]]
        id = "m"
        assignee = "mehmet"
    "#);
    let d = rs.route(&c, &mut RoutingState::default(), None).unwrap();
    assert_eq!(
        (d.department.as_str(), d.assignee.as_str()),
        ("logistics", "mehmet")
    );
    assert_eq!(d.assigned_by, AssignedBy::Rule);
}

#[test]
fn conditions_on_missing_fields_fail_and_attributes_match() {
    let rs = set(r#"
        [[rules]]
        id = "gold-card"
        when = { segment = ["gold", "platinum"], product = "credit_card", attributes = { region = ["marmara"] }, customer_value = { min = 1000 } }
        department = "finance"
        [[rules]]
        id = "no-fraud"
        when = { not_flags = ["fraud"] }
        department = "logistics"
    "#);
    let mut st = RoutingState::default();
    let mut c = complaint(Channel::Branch, "billing");
    c.segment = Some("gold".into());
    c.product = Some("credit_card".into());
    c.customer_value = Some(1000.0);
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["no-fraud"]);
    c.attributes.insert("region".into(), "marmara".into());
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["gold-card"]);
    c.customer_value = None;
    assert_eq!(rs.route(&c, &mut st, None).unwrap().fired, ["no-fraud"]);
    c.flags.push("fraud".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert!(d.fired.is_empty());
    assert_eq!(
        (d.department.as_str(), d.assignee.as_str()),
        ("care", "deniz")
    );
}

#[test]
fn text_rules_give_category_and_flags() {
    let rs = set(r#"
        [categorize]
        version = "c1"
        [[categorize.categories]]
        id = "late_delivery"
        any = ["gecik", "gelmedi"]
        [[rules]]
        id = "legal"
        when = { flags = ["legal_threat"] }
        department = "legal"
        [[rules]]
        id = "late"
        when = { category = "late_delivery" }
        department = "logistics"
    "#);
    let mut st = RoutingState::default();
    let c = Complaint::new(Channel::WebForm, "Kargom GECİKTİ");
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.category.as_deref(), Some("late_delivery"));
    assert_eq!(d.fired, ["late"]);
    let c = Complaint::new(Channel::WebForm, "Kargom gelmedi, avukatıma gideceğim");
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.fired, ["legal"]);
    assert_eq!(d.flags, ["legal_threat"]);
    // a given category is kept
    let mut c = Complaint::new(Channel::WebForm, "Kargom gecikti");
    c.category = Some("damaged".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.category.as_deref(), Some("damaged"));
    assert!(d.fired.is_empty());
}

#[test]
fn text_rules_see_the_complaint_fields() {
    let rs = set(r#"
        [categorize]
        version = "c1"
        [[categorize.categories]]
        id = "vip_refund"
        any = ["iade"]
        priority = 5
        when = { segment = ["gold"], channel = ["app"] }
        [[categorize.categories]]
        id = "refund"
        any = ["iade"]
        [[rules]]
        id = "vip"
        when = { category = "vip_refund" }
        department = "finance"
    "#);
    let mut st = RoutingState::default();
    let mut c = Complaint::new(Channel::App, "İadem yapılmadı");
    assert_eq!(
        rs.route(&c, &mut st, None).unwrap().category.as_deref(),
        Some("refund")
    );
    c.segment = Some("gold".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(
        (d.category.as_deref(), d.fired.as_slice()),
        (Some("vip_refund"), &["vip".to_owned()][..])
    );
    c.channel = Channel::Email;
    assert_eq!(
        rs.route(&c, &mut st, None).unwrap().category.as_deref(),
        Some("refund")
    );
}

#[test]
fn due_times_from_rules_sla_and_calendar() {
    let rs = set(r#"
        [sla]
        version = "s1"
        default = { resolution_hours = 40 }
        [[sla.overrides]]
        priority = "urgent"
        resolution_hours = 4
        [[rules]]
        id = "fast"
        when = { category = "fast" }
        department = "care"
        resolution_hours = 2
        [[rules]]
        id = "urgent"
        when = { category = "urgent" }
        department = "care"
        priority = "urgent"
    "#);
    let mut st = RoutingState::default();
    // Friday 2026-11-27 17:00 Istanbul (14:00 UTC)
    let received: Timestamp = "2026-11-27T14:00:00Z".parse().unwrap();
    let mut c = complaint(Channel::Email, "fast");
    c.received_at = Some(received);
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.due, Some("2026-11-27T16:00:00Z".parse().unwrap()));
    let on_cal = rs.with_calendar(Calendar::turkey_2026_2027());
    // 1 business hour left on Friday, 1 more on Monday from 09:00
    let d = on_cal.route(&c, &mut st, None).unwrap();
    assert_eq!(d.due, Some("2026-11-30T07:00:00Z".parse().unwrap()));
    c.category = Some("urgent".into());
    let d = rs.route(&c, &mut st, None).unwrap();
    assert_eq!(d.due, Some("2026-11-27T18:00:00Z".parse().unwrap()));
    // fractions of an hour come out to the second
    let third = RuleSet::from_toml(&format!(
        "{BASE}\n[[rules]]\nid = \"t\"\ndepartment = \"care\"\nresolution_hours = 0.3333333"
    ))
    .unwrap();
    let d = third.route(&c, &mut st, None).unwrap();
    assert_eq!(d.due, Some("2026-11-27T14:20:00Z".parse().unwrap()));
    c.category = Some("other".into());
    c.received_at = None;
    assert_eq!(rs.route(&c, &mut st, None).unwrap().due, None);
    let d = rs.route(&c, &mut st, Some(received)).unwrap();
    assert_eq!(d.due, Some("2026-11-29T06:00:00Z".parse().unwrap()));
}

#[test]
fn compile_errors_name_the_place() {
    let err = |rules: &str| {
        RuleSet::from_toml(&format!("{BASE}\n{rules}"))
            .unwrap_err()
            .to_string()
    };
    let e = err("[[rules]]\nid = \"r1\"\ndepartment = \"logstics\"");
    assert!(
        e.contains("rule \"r1\": department \"logstics\" is not defined"),
        "{e}"
    );
    let e = err("[[rules]]\nid = \"r1\"\nnotify = [\"nobody\"]");
    assert!(e.contains("person to notify \"nobody\""), "{e}");
    let e = err("[[rules]]\nid = \"r1\"\n[[rules]]\nid = \"r1\"");
    assert!(e.contains("two rules have the id \"r1\""), "{e}");
    let e = err("[[rules]]\nid = \"r1\"\nwhen = { colour = \"red\" }");
    assert!(e.contains("unknown field `colour`"), "{e}");
    let e = err("[[rules]]\nid = \"r1\"\nwhen = { amount = \"about 5\" }");
    assert!(e.contains("not an interval"), "{e}");
    let e = err("[[rules]]\nid = \"r1\"\nwhen = { amount = \"[10..5]\" }");
    assert!(e.contains("empty"), "{e}");
    let e = err("[[rules]]\nid = \"r1\"\nwhen = { channel = [\"fax\"] }");
    assert!(
        e.contains("rule \"r1\": `when.channel` value \"fax\" is not a channel (one of web_form,"),
        "{e}"
    );
    let e = err("[[rules]]\nid = \"r1\"\nwhen = { segment = { in = \"gold\", nott = \"x\" } }");
    assert!(
        e.contains("unknown field `nott`, expected `in` or `not`"),
        "{e}"
    );
    let e = err("[[rules]]\nid = \"r1\"\nwhen = { product = \"--\" }");
    assert!(
        e.contains("rule \"r1\": `when.product` value \"--\" has no letters or digits"),
        "{e}"
    );
    let e = err(
        "[[departments]]\nid = \"a\"\nfallback = \"b\"\n[[departments]]\nid = \"b\"\nfallback = \"a\"",
    );
    assert!(e.contains("loops back"), "{e}");
    let e = err("[[departments]]\nid = \"x\"\nstrategy = \"fixed\"");
    assert!(
        e.contains("department \"x\": strategy \"fixed\" needs an owner"),
        "{e}"
    );
    let e = RuleSet::from_toml("version = \"1\"")
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing field `fallback`"), "{e}");
    assert_eq!(
        RuleSet::from_json("{").unwrap_err().code(),
        crate::ErrorCode::ComplaintInvalidRuleSet
    );
}

#[test]
fn lint_finds_shadowed_and_contradictory_rules() {
    let rs = set(r#"
        [[rules]]
        id = "late"
        when = { category = ["late_delivery", "lost"] }
        department = "logistics"
        [[rules]]
        id = "late-web"
        when = { category = "late_delivery", channel = ["web_form"] }
        department = "finance"
        [[rules]]
        id = "odd"
        when = { flags = ["fraud"], not_flags = ["fraud"] }
        department = "legal"
        [[rules]]
        id = "big"
        when = { amount = "> 100" }
        department = "finance"
        [[rules]]
        id = "bigger"
        when = { amount = "[500..1000]", category = "x" }
        department = "finance"
    "#);
    let f = rs.lint();
    let codes: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|f| (f.code.as_str(), f.subject.as_deref()))
        .collect();
    assert!(
        codes.contains(&("shadowed_rule", Some("late-web"))),
        "{f:#?}"
    );
    assert!(codes.contains(&("shadowed_rule", Some("bigger"))), "{f:#?}");
    assert!(
        codes.contains(&("contradictory_rule", Some("odd"))),
        "{f:#?}"
    );
    assert!(codes.contains(&("no_default_rule", None)), "{f:#?}");
    assert!(
        codes.contains(&("unreachable_department", Some("intl"))),
        "{f:#?}"
    );
    assert!(
        !codes
            .iter()
            .any(|(_, s)| *s == Some("big") || *s == Some("late"))
    );
    assert_eq!(f[0].severity, Severity::Error);
    let shadow = f
        .iter()
        .find(|f| f.subject.as_deref() == Some("late-web"))
        .unwrap();
    assert!(
        shadow.message.contains("rule \"late\" comes first"),
        "{}",
        shadow.message
    );
}

#[test]
fn lint_names_unknown_flags() {
    let unknown = |rs: &RuleSet| -> Vec<(Option<String>, String)> {
        rs.lint()
            .into_iter()
            .filter(|f| f.code == "unknown_flag")
            .map(|f| (f.subject, f.message))
            .collect()
    };
    // without text rules: a near miss of a built-in flag is reported,
    // a flag of the caller's own is not
    let rs = set(r#"
        [[rules]]
        id = "fraud-team"
        when = { flags = ["frawd"] }
        department = "legal"
        [[rules]]
        id = "vip"
        when = { flags = ["vip_customer"], not_flags = ["legal_treat"] }
        department = "finance"
        [[rules]]
        id = "ok"
        when = { flags = ["fraud"] }
        department = "legal"
    "#);
    let found = unknown(&rs);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].0.as_deref(), Some("frawd"));
    assert!(
        found[0].1.contains("rule \"fraud-team\"") && found[0].1.contains("did you mean \"fraud\""),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0.as_deref(), Some("legal_treat"));
    assert!(found[1].1.contains("\"legal_threat\""), "{}", found[1].1);
    assert!(
        rs.lint()
            .iter()
            .all(|f| f.severity == Severity::Warning || f.code != "unknown_flag")
    );
    // with text rules every flag they never raise is reported; their own
    // flags and the built-in ones are known
    let rs = set(r#"
        [categorize]
        version = "c"
        [[categorize.flags]]
        id = "vip_customer"
        any = ["vip"]
        [[rules]]
        id = "fraud-team"
        when = { flags = ["frawd"] }
        department = "legal"
        [[rules]]
        id = "vip"
        when = { flags = ["vip_customer", "legal_threat"], not_flags = ["churned"] }
        department = "finance"
    "#);
    let found = unknown(&rs);
    let subjects: Vec<_> = found.iter().map(|f| f.0.as_deref().unwrap()).collect();
    assert_eq!(subjects, ["frawd", "churned"], "{found:#?}");
    assert!(found[1].1.contains("rule \"vip\"") && !found[1].1.contains("did you mean"));
    // without the built-in flags, a built-in flag is unknown too
    let rs = set(r#"
        [categorize]
        version = "c"
        no_builtin_flags = true
        [[rules]]
        id = "legal"
        when = { flags = ["legal_threat"] }
        department = "legal"
    "#);
    assert_eq!(unknown(&rs).len(), 1);
}

#[test]
fn examples_run_as_tests() {
    let rs = set(r#"
        [[rules]]
        id = "late"
        when = { category = "late_delivery" }
        department = "logistics"
        [[rules]]
        id = "default"
        department = "care"
        [[examples]]
        name = "late goes to logistics"
        complaint = { channel = "web_form", category = "late_delivery", text = "" }
        expect = { department = "logistics", assignee = "ayse", fired = ["late"] }
        [[examples]]
        name = "round-robin moves on"
        complaint = { channel = "web_form", category = "late_delivery", text = "" }
        state = { cursors = { logistics = 1 } }
        expect = { assignee = "mehmet" }
        [[examples]]
        name = "a wrong expectation"
        complaint = { channel = "app", category = "billing", text = "" }
        expect = { department = "finance", priority = "high" }
    "#);
    let report = rs.check().unwrap();
    assert!(!report.ok());
    let passed: Vec<bool> = report.examples.iter().map(|e| e.passed).collect();
    assert_eq!(passed, [true, true, false]);
    assert_eq!(
        report.examples[2].mismatches,
        [
            "department: expected \"finance\", got \"care\"",
            "priority: expected high, got normal"
        ]
    );
}

#[test]
fn json_and_toml_give_the_same_rule_set() {
    let rs = set(r#"
        [[rules]]
        id = "late"
        when = { category = "late_delivery", amount = { gt = 10, lte = 100 } }
        department = "logistics"
    "#);
    let json = serde_json::to_string(rs.source()).unwrap();
    let back = RuleSet::from_json(&json).unwrap();
    assert_eq!(back.source(), rs.source());
    let mut c = complaint(Channel::WebForm, "late_delivery");
    c.amount = Some(100.0);
    let mut s1 = RoutingState::default();
    let mut s2 = RoutingState::default();
    assert_eq!(
        rs.route(&c, &mut s1, None).unwrap(),
        back.route(&c, &mut s2, None).unwrap()
    );
    assert_eq!(rs.org_chart()["ayse"].as_deref(), Some("deniz"));
}

#[test]
fn range_text_forms() {
    let r = Range::parse("[100..5000]").unwrap();
    assert!(r.contains(100.0) && r.contains(5000.0) && !r.contains(5000.5));
    let r = Range::parse("(100..5000)").unwrap();
    assert!(!r.contains(100.0) && r.contains(100.5) && !r.contains(5000.0));
    assert!(Range::parse(">= 3").unwrap().contains(3.0));
    assert!(!Range::parse("< 3").unwrap().contains(3.0));
    assert!(Range::parse("<= 3").unwrap().contains(3.0));
    assert!(Range::parse("> nan").is_err());
    assert!(Range::parse("[5..5]").is_ok());
    assert!(Range::parse("(5..5]").is_err());
    let wide = Range::parse("[0..100]").unwrap();
    assert!(wide.covers(&Range::parse("(0..100)").unwrap()));
    assert!(!Range::parse("(0..100)").unwrap().covers(&wide));
}

// --- property tests: the compiled masks agree with the plain reading of the rules

const CATS: &[&str] = &["late", "refund", "fraud", "billing"];
const PRODUCTS: &[&str] = &["card", "loan", "phone"];
const SEGMENTS: &[&str] = &["mass", "gold"];
const FLAGS: &[&str] = &["legal_threat", "fraud", "cancel"];
const CHANNELS: &[Channel] = &[Channel::WebForm, Channel::App, Channel::SocialMedia];

fn subset(pool: &'static [&'static str]) -> impl Gen<Value = Option<ValueCondition>> {
    let list = move || {
        prop::sample::subsequence(pool, 1..=pool.len())
            .prop_map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>())
    };
    prop::option::weighted(
        0.4,
        (list(), prop::option::weighted(0.2, list()), any::<bool>()).prop_map(
            |(any_of, none_of, allow)| ValueCondition {
                // `not` alone, `in` alone, or both
                any_of: (allow || none_of.is_none()).then_some(any_of),
                none_of: none_of.unwrap_or_default(),
            },
        ),
    )
}

fn range() -> impl Gen<Value = Option<Range>> {
    prop::option::weighted(
        0.3,
        (0u32..4, 0u32..4, any::<bool>(), any::<bool>()).prop_map(|(a, b, ai, bi)| {
            let (lo, hi) = (f64::from(a.min(b)) * 100.0, f64::from(a.max(b) + 1) * 100.0);
            Range {
                gt: (!ai).then_some(lo),
                gte: ai.then_some(lo),
                lt: (!bi).then_some(hi),
                lte: bi.then_some(hi),
            }
        }),
    )
}

fn conditions() -> impl Gen<Value = Conditions> {
    (
        subset(CATS),
        subset(PRODUCTS),
        subset(SEGMENTS),
        prop::option::weighted(0.3, prop::sample::subsequence(CHANNELS, 1..=CHANNELS.len())),
        prop::sample::subsequence(FLAGS, 0..=1),
        prop::sample::subsequence(FLAGS, 0..=1),
        prop::sample::subsequence(FLAGS, 0..=2),
        range(),
    )
        .prop_map(
            |(category, product, segment, channel, all, none, any, amount)| {
                let names = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect();
                Conditions {
                    category,
                    product,
                    segment,
                    channel: channel.map(|cs| ValueCondition {
                        any_of: Some(cs.iter().map(|c| c.as_str().to_owned()).collect()),
                        none_of: vec![],
                    }),
                    flags: FlagCondition {
                        all: names(all),
                        any: names(any),
                        none: names(none),
                    },
                    amount,
                    ..Conditions::default()
                }
            },
        )
}

fn input() -> impl Gen<Value = Complaint> {
    (
        prop::option::of(prop::sample::select(CATS)),
        prop::option::of(prop::sample::select(PRODUCTS)),
        prop::option::of(prop::sample::select(&["mass", "gold", "sme"][..])),
        prop::sample::select(CHANNELS),
        prop::sample::subsequence(FLAGS, 0..=2),
        prop::option::of(0u32..500),
    )
        .prop_map(|(cat, product, segment, channel, flags, amount)| {
            let mut c = Complaint::new(channel, "");
            c.category = cat.map(str::to_owned);
            c.product = product.map(str::to_owned);
            c.segment = segment.map(str::to_owned);
            c.flags = flags.into_iter().map(str::to_owned).collect();
            c.amount = amount.map(f64::from);
            c
        })
}

/// The conditions as written, read one rule at a time.
fn plain_match(w: &Conditions, c: &Complaint) -> bool {
    w.matches(c)
}

fn random_set(conds: Vec<Conditions>, policy: HitPolicy) -> RuleSet {
    let mut file: RoutingFile = toml::from_str(BASE).unwrap();
    file.hit_policy = policy;
    file.rules = conds
        .into_iter()
        .enumerate()
        .map(|(i, when)| Rule {
            id: format!("r{i}"),
            description: None,
            when,
            department: Some(["logistics", "finance", "intl", "legal", "care"][i % 5].into()),
            assignee: None,
            category: None,
            priority: None,
            skills: vec![],
            notify: vec![],
            tags: vec![],
            resolution_hours: None,
            rank: (i as i32 * 7919) % 13,
        })
        .collect();
    RuleSet::compile(file).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn masks_agree_with_the_rules_as_written(
        conds in prop::collection::vec(conditions(), 0..150),
        inputs in prop::collection::vec(input(), 1..20),
        policy in prop::sample::select(&[HitPolicy::First, HitPolicy::Collect, HitPolicy::Priority][..]),
    ) {
        let rs = random_set(conds, policy);
        let rules = &rs.source().rules;
        let mut order: Vec<usize> = (0..rules.len()).collect();
        if policy == HitPolicy::Priority {
            order.sort_by_key(|&i| std::cmp::Reverse(rules[i].rank));
        }
        let mut state = RoutingState::default();
        for c in &inputs {
            let matching: Vec<String> = order
                .iter()
                .filter(|&&i| plain_match(&rules[i].when, c))
                .map(|&i| rules[i].id.clone())
                .collect();
            let expected: Vec<String> = if policy == HitPolicy::Collect {
                matching
            } else {
                matching.into_iter().take(1).collect()
            };
            let d = rs.route(c, &mut state, None).unwrap();
            prop_assert_eq!(&d.fired, &expected);
            // always a defined person, never just a department
            prop_assert!(rs.source().people.iter().any(|p| p.id == d.assignee));
        }
        let total: u32 = state.loads.values().sum();
        prop_assert_eq!(total as usize, inputs.len());
    }

    #[test]
    fn a_rule_reported_shadowed_never_fires(
        conds in prop::collection::vec(conditions(), 1..30),
        inputs in prop::collection::vec(input(), 1..40),
    ) {
        let rs = random_set(conds, HitPolicy::First);
        let shadowed: Vec<String> = rs
            .lint()
            .into_iter()
            .filter(|f| f.code == "shadowed_rule" || f.code == "contradictory_rule")
            .filter_map(|f| f.subject)
            .collect();
        let mut state = RoutingState::default();
        for c in &inputs {
            let d = rs.route(c, &mut state, None).unwrap();
            for f in &d.fired {
                prop_assert!(!shadowed.contains(f), "{} fired but was reported shadowed", f);
            }
        }
    }
}

#[test]
fn the_example_rule_set_passes_its_own_examples() {
    let rs =
        RuleSet::from_toml(include_str!("../../../examples/routing/tr-ecommerce.toml")).unwrap();
    let report = rs.check().unwrap();
    for e in &report.examples {
        assert!(e.passed, "{}: {:?}", e.name, e.mismatches);
    }
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.ok());
    assert_eq!(report.examples.len(), 7);
}

#[test]
fn the_new_condition_forms_route_and_the_old_ones_still_load() {
    let rules = |format: &str, when: &str| {
        RuleSet::from_toml(&format!(
            "{format}\n{BASE}\n[[rules]]\nid = \"r\"\nwhen = {when}\ndepartment = \"legal\""
        ))
    };
    let new = rules(
        "",
        r#"{ segment = { not = ["Staff"] }, channel = "Web Form", flags = { any = ["fraud", "legal_threat"], none = "test" } }"#,
    )
    .unwrap();
    let old = rules(
        "",
        r#"{ channel = ["web_form"], not_flags = ["test"], flags = { any = ["fraud", "legal_threat"] }, not_segment = ["staff"] }"#,
    )
    .unwrap();
    let lint = old.lint();
    let older: Vec<&Finding> = lint.iter().filter(|f| f.code == "older_form").collect();
    assert_eq!(older.len(), 1, "{lint:#?}");
    assert!(
        older[0]
            .message
            .contains("`not_segment`, `not_flags` is the older form; write `when = {"),
        "{}",
        older[0].message
    );
    assert!(!new.lint().iter().any(|f| f.code == "older_form"));
    let mut c = Complaint::new(Channel::WebForm, "");
    c.flags = vec!["fraud".into()];
    for rs in [&new, &old] {
        let mut state = RoutingState::default();
        let fired =
            |c: &Complaint, state: &mut RoutingState| rs.route(c, state, None).unwrap().fired;
        assert_eq!(fired(&c, &mut state), ["r"]);
        let mut staff = c.clone();
        staff.segment = Some("STAFF".into());
        assert!(fired(&staff, &mut state).is_empty());
        let mut test = c.clone();
        test.flags.push("test".into());
        assert!(fired(&test, &mut state).is_empty());
        let mut app = c.clone();
        app.channel = Channel::App;
        assert!(fired(&app, &mut state).is_empty());
    }
    // format 2 takes the new forms only; a later format is refused
    assert!(rules("format = 2", r#"{ flags = { none = ["test"] } }"#).is_ok());
    let e = rules("format = 2", r#"{ not_flags = ["test"] }"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(r#"rule "r": `not_flags` is not in format 2; write `when = { flags = { none = ["test"] } }`"#),
        "{e}"
    );
    let e = rules("format = 3", "{}").unwrap_err().to_string();
    assert!(
        e.contains("format 3 is not one this version reads (1 to 2)"),
        "{e}"
    );
}
