use super::*;
use proptest::prelude::*;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn now() -> Timestamp {
    t("2026-11-22T12:00:00Z")
}

fn days_ago(d: i64) -> Timestamp {
    now()
        .checked_sub(SignedDuration::from_hours(24 * d))
        .unwrap()
}

fn point(class: PointClass, evidence: &[(i64, EvidenceKind)]) -> ContactPoint {
    let mut p = ContactPoint::new(class);
    p.evidence = evidence
        .iter()
        .map(|&(d, k)| Evidence::new(days_ago(d), k))
        .collect();
    p
}

#[test]
fn corporate_email_decays_with_a_three_year_half_life() {
    let fresh = score(
        &point(PointClass::Corporate, &[(0, EvidenceKind::Delivered)]),
        &Policy::default(),
        now(),
    );
    let old = score(
        &point(PointClass::Corporate, &[(1096, EvidenceKind::Delivered)]),
        &Policy::default(),
        now(),
    );
    assert!(
        (old.probability / fresh.probability - 0.5).abs() < 0.01,
        "{} {}",
        old.probability,
        fresh.probability
    );
    assert_eq!(fresh.action, Action::Keep);
    assert_eq!(fresh.band, Band::High);
}

#[test]
fn soft_failures_lead_to_retry_then_passivation() {
    let p = point(
        PointClass::Free,
        &[(40, EvidenceKind::Delivered), (2, EvidenceKind::Transient)],
    );
    let s = score(&p, &Policy::default(), now());
    assert_eq!(s.action, Action::Retry);
    assert_eq!(s.retry_at, Some(days_ago(1)));
    let p = point(
        PointClass::Free,
        &[
            (200, EvidenceKind::Delivered),
            (90, EvidenceKind::Transient),
            (60, EvidenceKind::Transient),
            (1, EvidenceKind::Transient),
        ],
    );
    let s = score(&p, &Policy::default(), now());
    assert_eq!(s.action, Action::Passivate);
    assert!(
        s.reasons
            .iter()
            .any(|r| r.code == "persistent_soft_failures")
    );
}

#[test]
fn permanent_then_delivery_asks_for_verification() {
    let p = point(
        PointClass::Mobile,
        &[
            (100, EvidenceKind::Permanent),
            (10, EvidenceKind::Delivered),
        ],
    );
    let s = score(&p, &Policy::default(), now());
    assert_eq!(s.action, Action::Verify);
    let p = point(
        PointClass::Mobile,
        &[(100, EvidenceKind::Permanent), (10, EvidenceKind::Inbound)],
    );
    let s = score(&p, &Policy::default(), now());
    assert_eq!(s.action, Action::Keep);
}

#[test]
fn silent_prepaid_mobile_is_a_recycling_risk() {
    let p = point(PointClass::Mobile, &[(400, EvidenceKind::Delivered)]);
    let s = score(&p, &Policy::default(), now());
    assert_eq!(s.action, Action::Verify);
    assert!(s.reasons.iter().any(|r| r.code == "recycled_number_risk"));
    let mut postpaid = p.clone();
    postpaid.prepaid = Some(false);
    assert!(score(&postpaid, &Policy::default(), now()).probability > s.probability);
}

#[test]
fn reasons_are_sorted_and_dated() {
    let mut p = point(
        PointClass::Corporate,
        &[(30, EvidenceKind::Delivered), (5, EvidenceKind::Permanent)],
    );
    p.evidence[1].source = Some("esp".into());
    let s = score(&p, &Policy::default(), now());
    assert_eq!(s.reasons[0].code, "permanent_failure");
    assert_eq!(s.reasons[0].evidence_at, Some(days_ago(5)));
    assert_eq!(s.reasons[0].source.as_deref(), Some("esp"));
    for pair in s.reasons.windows(2) {
        assert!(pair[0].weight.abs() >= pair[1].weight.abs());
    }
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Score>(&json).unwrap(), s);
}

#[test]
fn future_evidence_is_ignored_and_shared_points_lose() {
    let p = point(PointClass::Free, &[(-5, EvidenceKind::Permanent)]);
    assert_ne!(
        score(&p, &Policy::default(), now()).action,
        Action::Suppress
    );
    let mut shared = point(PointClass::Free, &[(1, EvidenceKind::Delivered)]);
    let alone = score(&shared, &Policy::default(), now()).probability;
    shared.shared_by = 3;
    assert!(score(&shared, &Policy::default(), now()).probability < alone / 2.0);
}

#[test]
fn undated_points() {
    let undated = score(
        &ContactPoint::new(PointClass::Free),
        &Policy::default(),
        now(),
    );
    assert!(undated.reasons.iter().any(|r| r.code == "undated"));
    let recent = score(
        &point(PointClass::Free, &[(1, EvidenceKind::Delivered)]),
        &Policy::default(),
        now(),
    );
    assert!(recent.probability > undated.probability);
}

#[test]
fn policy_validation_names_the_field() {
    let p = Policy {
        floor: 0.001,
        ..Policy::default()
    };
    assert!(
        p.validate()
            .unwrap_err()
            .to_string()
            .contains("suppressed_cap")
    );
    let p = Policy {
        recycle_factor: 2.0,
        ..Policy::default()
    };
    assert!(
        p.validate()
            .unwrap_err()
            .to_string()
            .contains("recycle_factor")
    );
    Policy::default().validate().unwrap();
    // partial JSON keeps the defaults
    let p: Policy = serde_json::from_str(r#"{"version": "mine", "floor": 0.05}"#).unwrap();
    assert_eq!(
        (p.version.as_str(), p.floor, p.band_high),
        ("mine", 0.05, 0.8)
    );
}

#[test]
fn unknown_policy_keys_are_errors_that_name_them() {
    let e = serde_json::from_str::<Policy>(r#"{"version": "mine", "flor": 0.05}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `flor`"), "{e}");
    let e = serde_json::from_str::<Policy>(
        r#"{"classes": {"free": {"prior": 0.5, "half_life_days": 100, "halflife": 3}}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown field `halflife`"), "{e}");
    let e = toml::from_str::<Policy>("version = 'mine'\nband_hihg = 0.9\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("band_hihg"), "{e}");
    let e = toml::from_str::<Policy>(
        "[classes.free]\nprior = 0.5\nhalf_life_days = 10\nhalf_life = 3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("half_life"), "{e}");
    // the default policy, written out, reads back
    let json = serde_json::to_string(&Policy::default()).unwrap();
    assert_eq!(
        serde_json::from_str::<Policy>(&json).unwrap(),
        Policy::default()
    );
    let text = toml::to_string(&Policy::default()).unwrap();
    assert_eq!(toml::from_str::<Policy>(&text).unwrap(), Policy::default());
}

fn kind() -> impl Strategy<Value = EvidenceKind> {
    prop::sample::select(vec![
        EvidenceKind::Delivered,
        EvidenceKind::Engaged,
        EvidenceKind::Inbound,
        EvidenceKind::Transient,
        EvidenceKind::LongTerm,
        EvidenceKind::Permanent,
    ])
}

fn class() -> impl Strategy<Value = PointClass> {
    prop::sample::select(vec![
        PointClass::Free,
        PointClass::Corporate,
        PointClass::Role,
        PointClass::Disposable,
        PointClass::Education,
        PointClass::Government,
        PointClass::Mobile,
        PointClass::FixedLine,
        PointClass::Voip,
        PointClass::Business,
        PointClass::Other,
    ])
}

fn any_point() -> impl Strategy<Value = ContactPoint> {
    (
        class(),
        prop::collection::vec((0i64..3000, kind()), 0..12),
        prop::option::of(any::<bool>()),
        prop::option::of(0i64..4000),
        1u32..4,
    )
        .prop_map(|(c, ev, prepaid, first_seen, shared_by)| {
            let mut p = point(c, &ev);
            p.prepaid = prepaid;
            p.first_seen = first_seen.map(days_ago);
            p.shared_by = shared_by;
            p
        })
}

fn has_unrevived_permanent(p: &ContactPoint) -> bool {
    let mut ev: Vec<&Evidence> = p.evidence.iter().collect();
    ev.sort_by_key(|e| e.at);
    match ev.iter().rposition(|e| e.kind == EvidenceKind::Permanent) {
        Some(i) => !ev[i + 1..].iter().any(|e| e.is_positive()),
        None => false,
    }
}

proptest! {
    #[test]
    fn score_stays_in_unit_interval(p in any_point()) {
        let s = score(&p, &Policy::default(), now());
        prop_assert!((0.0..=1.0).contains(&s.probability));
        prop_assert!(s.reasons.iter().all(|r| r.weight.is_finite()));
    }

    #[test]
    fn later_success_never_lowers_the_score(
        p in any_point(),
        kind in prop::sample::select(vec![EvidenceKind::Delivered, EvidenceKind::Engaged, EvidenceKind::Inbound]),
        gap in 0i64..30,
    ) {
        // an undated point has no age to improve on; see `undated_points`
        prop_assume!(!p.evidence.is_empty() || p.first_seen.is_some());
        let latest = p.evidence.iter().map(|e| e.at).max().unwrap_or(days_ago(3000));
        let at = latest.checked_add(SignedDuration::from_hours(24 * gap)).unwrap().min(now());
        let before = score(&p, &Policy::default(), now());
        let mut q = p.clone();
        q.evidence.push(Evidence::new(at, kind));
        let after = score(&q, &Policy::default(), now());
        prop_assert!(after.probability >= before.probability, "{} < {}", after.probability, before.probability);
    }

    #[test]
    fn permanent_failure_ranks_below_every_point_without_one(a in any_point(), b in any_point()) {
        let (sa, sb) = (score(&a, &Policy::default(), now()), score(&b, &Policy::default(), now()));
        if has_unrevived_permanent(&a) && !has_unrevived_permanent(&b) {
            prop_assert!(sa.probability < sb.probability);
            prop_assert_eq!(sa.action, Action::Suppress);
        }
    }

    #[test]
    fn soft_failures_alone_never_suppress(
        c in class(),
        ev in prop::collection::vec((0i64..3000, prop::sample::select(vec![EvidenceKind::Transient, EvidenceKind::LongTerm])), 0..12),
    ) {
        let s = score(&point(c, &ev), &Policy::default(), now());
        prop_assert_ne!(s.action, Action::Suppress);
    }
}
