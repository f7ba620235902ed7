//! Customer 360 and contact eligibility: its central scenes, and the
//! invariants of the profile fold (order independence, shard merging,
//! serialization) and of identity events (a merge unions histories, a split
//! divides them, whatever the arrival order).

use crmkit::engagement::event::{Event, EventKind, Metric, Recipient, Response};
use crmkit::engagement::{Channel, Policy, Profile, Purpose, ReasonCode, Request, Store, decide};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn fold(events: &[Event]) -> Profile {
    let mut p = Profile::new("c1");
    for e in events {
        p.apply(e);
    }
    p
}

fn log(text: &str) -> Vec<Event> {
    Event::read_json(text).unwrap()
}

const CONSENTS: &str = r#"
{"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00", "channel": "call", "purpose": "commercial", "granted": true, "source": "iys"}
{"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": true, "source": "iys"}
{"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00", "channel": "email", "purpose": "commercial", "granted": true, "source": "web_form"}
"#;

#[test]
fn a_yes_by_sms_drops_the_customer_from_the_campaign_call_list() {
    let mut events = log(CONSENTS);
    events.extend(log(
        r#"{"type": "campaign_response", "customer": "c1", "time": "2026-12-01T10:00:00+03:00", "campaign": "X", "channel": "sms", "response": "positive"}"#,
    ));
    let p = fold(&events);
    let call = Request::new(Purpose::Commercial)
        .on(Channel::Call)
        .for_campaign("X");
    let policy = Policy::default();
    let d = decide(&p, &call, &policy, ts("2026-12-01T14:00:00+03:00"));
    assert!(!d.allowed);
    assert_eq!(d.channel, Some(Channel::Call));
    assert_eq!(
        d.codes(),
        ["already_responded_to_campaign", "consent_granted"]
    );
    // before the answer the call was allowed; another campaign still is
    let before = fold(&log(CONSENTS));
    assert!(decide(&before, &call, &policy, ts("2026-12-01T14:00:00+03:00")).allowed);
    let other = Request::new(Purpose::Commercial)
        .on(Channel::Call)
        .for_campaign("Y");
    assert!(decide(&p, &other, &policy, ts("2026-12-01T14:00:00+03:00")).allowed);
    assert_eq!(
        p.last_positive_response(Channel::Sms),
        Some(ts("2026-12-01T07:00:00Z"))
    );
}

#[test]
fn a_detractor_answer_denies_a_sales_call_but_not_a_service_call() {
    let mut events = log(CONSENTS);
    events.extend(log(
        r#"{"type": "survey", "customer": "c1", "time": "2026-12-01T10:00:00+03:00", "metric": "nps", "value": 3, "touchpoint": "call_center"}"#,
    ));
    let p = fold(&events);
    let policy = Policy::default();
    let now = ts("2026-12-02T11:00:00+03:00");
    let sales = decide(
        &p,
        &Request::new(Purpose::Commercial).on(Channel::Call),
        &policy,
        now,
    );
    assert!(!sales.allowed);
    assert_eq!(sales.codes(), ["recent_detractor", "consent_granted"]);
    assert_eq!(sales.reasons[0].until, Some(ts("2026-12-31T07:00:00Z")));
    let service = decide(
        &p,
        &Request::new(Purpose::Service).on(Channel::Call),
        &policy,
        now,
    );
    assert!(service.allowed);
    assert_eq!(service.codes(), ["consent_not_required"]);
    // after the cooling-off period the sales call is allowed again
    assert!(
        decide(
            &p,
            &Request::new(Purpose::Commercial).on(Channel::Call),
            &policy,
            ts("2026-12-31T11:00:00+03:00")
        )
        .allowed
    );
}

#[test]
fn an_iys_opt_out_blocks_commercial_sms_but_not_transactional() {
    let mut events = log(CONSENTS);
    events.extend(log(
        r#"{"type": "consent", "customer": "c1", "time": "2026-12-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": false, "source": "iys", "recipient": "individual"}"#,
    ));
    let p = fold(&events);
    let policy = Policy::default();
    let now = ts("2026-12-01T15:00:00+03:00");
    let commercial = decide(
        &p,
        &Request::new(Purpose::Commercial).on(Channel::Sms),
        &policy,
        now,
    );
    assert!(!commercial.allowed);
    assert_eq!(commercial.codes(), ["consent_revoked"]);
    let consent = p.consent(Channel::Sms, Purpose::Commercial).unwrap();
    assert_eq!(consent.source.as_deref(), Some("iys"));
    assert_eq!(consent.recipient, Some(Recipient::Individual));
    let transactional = decide(
        &p,
        &Request::new(Purpose::Transactional).on(Channel::Sms),
        &policy,
        now,
    );
    assert!(transactional.allowed);
    // best channel for a commercial message moves past SMS to email … but
    // email comes first anyway; with SMS first in the order it is skipped
    let sms_first = Policy {
        channel_order: vec![Channel::Sms, Channel::Call, Channel::Email],
        ..Policy::default()
    };
    let best = decide(&p, &Request::new(Purpose::Commercial), &sms_first, now);
    assert!(best.allowed);
    assert_eq!(best.channel, Some(Channel::Call));
    assert_eq!(best.codes(), ["consent_revoked", "consent_granted"]);
    assert_eq!(best.reasons[0].channel, Some(Channel::Sms));
}

#[test]
fn an_open_complaint_blocks_commercial_contact() {
    let mut events = log(CONSENTS);
    events.extend(log(
        r#"{"type": "complaint_opened", "customer": "c1", "time": "2026-12-01T09:00:00+03:00", "complaint": "K1", "category": "billing", "priority": "high"}"#,
    ));
    let p = fold(&events);
    let policy = Policy::default();
    let now = ts("2026-12-05T12:00:00+03:00");
    let d = decide(&p, &Request::new(Purpose::Commercial), &policy, now);
    assert!(!d.allowed);
    assert_eq!(d.channel, None);
    assert!(d.has(ReasonCode::OpenComplaintCoolingOff));
    // a service call-back is allowed
    let callback = decide(
        &p,
        &Request::new(Purpose::Service).on(Channel::Call),
        &policy,
        now,
    );
    assert!(callback.allowed);
    // resolved: cooling off for 7 days after the resolution, then allowed
    events.extend(log(
        r#"{"type": "complaint_resolved", "customer": "c1", "time": "2026-12-06T09:00:00+03:00", "complaint": "K1", "category": "billing"}"#,
    ));
    let p = fold(&events);
    let d = decide(
        &p,
        &Request::new(Purpose::Commercial),
        &policy,
        ts("2026-12-08T12:00:00+03:00"),
    );
    // a customer reason denies every channel; each channel's reasons are kept
    assert_eq!(
        d.codes(),
        [
            "complaint_cooling_off",
            "consent_granted",
            "consent_granted",
            "consent_granted"
        ]
    );
    assert!(!d.allowed);
    let d = decide(
        &p,
        &Request::new(Purpose::Commercial),
        &policy,
        ts("2026-12-13T12:00:00+03:00"),
    );
    assert!(d.allowed);
    assert_eq!(d.channel, Some(Channel::Email));
}

#[test]
fn a_bad_event_log_names_the_line_and_field() {
    let text = format!(
        "{}\n{}",
        CONSENTS.trim(),
        r#"{"type": "consent", "customer": "c1", "time": "2026-12-01T10:00:00", "channel": "sms", "purpose": "commercial", "granted": false}"#
    );
    let err = Event::read_json(&text).unwrap_err();
    assert_eq!(err.code(), crmkit::ErrorCode::MalformedInput);
    assert!(err.to_string().starts_with("line 4"), "{err}");
    assert!(err.to_string().contains("time:"), "{err}");
}

// ---- properties ----

fn channel() -> impl Strategy<Value = Channel> {
    prop::sample::select(Channel::ALL.to_vec())
}

fn kind() -> impl Strategy<Value = EventKind> {
    let name = |names: &'static [&'static str]| {
        prop::sample::select(names.to_vec()).prop_map(str::to_owned)
    };
    let outcome = prop::option::of(name(&[
        "250 2.0.0 OK",
        "550 5.1.1 user unknown",
        "stat:DELIVRD err:000",
        "stat:UNDELIV err:001",
        "answered",
        "wrong number",
        "busy",
    ]));
    prop_oneof![
        (
            channel(),
            prop::sample::select(Purpose::ALL.to_vec()),
            any::<bool>(),
            prop::option::of(prop::sample::select(vec![
                Recipient::Individual,
                Recipient::Merchant
            ]))
        )
            .prop_map(
                |(channel, purpose, granted, recipient)| EventKind::Consent {
                    channel,
                    purpose,
                    granted,
                    recipient
                }
            ),
        (
            name(&["A", "B", "C"]),
            channel(),
            prop::sample::select(vec![
                Response::Positive,
                Response::Negative,
                Response::OptOut
            ])
        )
            .prop_map(
                |(campaign, channel, response)| EventKind::CampaignResponse {
                    campaign,
                    channel,
                    response
                }
            ),
        (channel(), prop::option::of(name(&["A", "B"])), outcome).prop_map(
            |(channel, campaign, outcome)| EventKind::Contact {
                channel,
                campaign,
                outcome
            }
        ),
        (
            prop::sample::select(vec![Metric::Nps, Metric::Csat, Metric::Ces]),
            0..=10u8,
            prop::option::of(name(&["app", "branch"]))
        )
            .prop_map(|(metric, value, touchpoint)| EventKind::Survey {
                metric,
                value: f64::from(value),
                touchpoint
            }),
        (
            0..3u8,
            name(&["K1", "K2"]),
            name(&["billing", "delivery"]),
            prop::option::of(name(&["high", "low"]))
        )
            .prop_map(|(which, complaint, category, priority)| match which {
                0 => EventKind::ComplaintOpened {
                    complaint,
                    category,
                    priority
                },
                1 => EventKind::ComplaintResolved {
                    complaint,
                    category,
                    priority
                },
                _ => EventKind::SlaBreached {
                    complaint,
                    category,
                    priority
                },
            }),
        (-5_000i64..100_000, prop::option::of(name(&["TRY", "EUR"]))).prop_map(
            |(cents, currency)| EventKind::Purchase {
                amount: cents as f64 / 100.0,
                currency,
                product: "p".to_owned()
            }
        ),
    ]
}

/// Events over 80 days, at whole hours so that ties in time are common and
/// old contacts fall out of the retention window.
fn events() -> impl Strategy<Value = Vec<Event>> {
    let base = ts("2026-10-01T00:00:00Z");
    prop::collection::vec(
        (
            0..80 * 24i64,
            kind(),
            prop::option::of(prop::sample::select(vec!["iys", "web_form"])),
        ),
        0..40,
    )
    .prop_map(move |v| {
        v.into_iter()
            .map(|(hours, kind, source)| Event {
                time: base + SignedDuration::from_hours(hours),
                customer: "c1".to_owned(),
                source: source.map(str::to_owned),
                kind,
            })
            .collect()
    })
}

#[test]
fn a_merge_unions_histories_and_a_split_divides_them() {
    let store = Store::new(Policy::default());
    for e in log(r#"
{"type": "consent", "customer": "web-7", "time": "2026-11-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": true, "source": "web_form"}
{"type": "complaint_opened", "customer": "shop-3", "time": "2026-11-30T10:00:00+03:00", "complaint": "K1", "category": "billing"}
"#)
    {
        store.apply(&e);
    }
    let sms = Request::new(Purpose::Commercial).on(Channel::Sms);
    let now = ts("2026-12-01T12:00:00+03:00");
    assert!(store.decide("web-7", &sms, now).allowed);
    let merged = log(
        r#"{"type": "merged", "customer": "shop-3", "time": "2026-12-01T11:00:00+03:00", "absorbed": ["web-7"]}"#,
    );
    store.apply(&merged[0]);
    // both keys are one customer now: the consent and the complaint meet
    for key in ["web-7", "shop-3"] {
        let d = store.decide(key, &sms, now);
        assert_eq!(
            d.codes(),
            ["open_complaint_cooling_off", "consent_granted"],
            "{key}"
        );
        assert_eq!(store.entity_of(key), "shop-3");
    }
    let p = store.profile("web-7").unwrap();
    assert_eq!(p.customer(), "shop-3");
    assert_eq!(p.open_complaints().count(), 1);
    let (_, keys) = &store.profiles()[0];
    assert_eq!(keys, &["shop-3", "web-7"]);
    // the identity index splits them again
    let split = log(
        r#"{"type": "split", "customer": "shop-3", "time": "2026-12-01T11:30:00+03:00", "into": "web-7", "keys": ["web-7"]}"#,
    );
    store.apply(&split[0]);
    assert!(store.decide("web-7", &sms, now).allowed);
    assert_eq!(
        store.decide("shop-3", &sms, now).codes(),
        ["open_complaint_cooling_off", "no_consent"]
    );
    assert_eq!(store.profiles().len(), 2);
    // snapshots keep the identity events
    let copy = Store::new(Policy::default());
    copy.restore(&store.snapshot()).unwrap();
    assert_eq!(copy.snapshot(), store.snapshot());
    assert_eq!(copy.entity_of("web-7"), "web-7");
}

fn keyed_events() -> impl Strategy<Value = Vec<Event>> {
    let keys = || prop::sample::select(vec!["k0", "k1", "k2", "k3"]);
    // seq orders identity events of the same time; some have none
    let seq = || prop::option::of(0u64..4);
    let identity = prop_oneof![
        (keys(), keys(), seq()).prop_map(|(a, b, seq)| (
            a,
            EventKind::Merged {
                absorbed: vec![b.to_owned()],
                seq,
            }
        )),
        (keys(), keys(), prop::collection::vec(keys(), 1..3), seq()).prop_map(
            |(a, into, moved, seq)| (
                a,
                EventKind::Split {
                    into: into.to_owned(),
                    keys: moved.into_iter().map(str::to_owned).collect(),
                    seq,
                }
            )
        ),
    ];
    let base = ts("2026-10-01T00:00:00Z");
    (
        events(),
        prop::collection::vec(keys(), 40),
        prop::collection::vec((0..80 * 24i64, identity), 0..6),
    )
        .prop_map(move |(events, owners, identity)| {
            let mut out: Vec<Event> = events
                .into_iter()
                .zip(owners)
                .map(|(mut e, k)| {
                    e.customer = k.to_owned();
                    e
                })
                .collect();
            out.extend(identity.into_iter().map(|(hours, (customer, kind))| {
                Event::new(base + SignedDuration::from_hours(hours), customer, kind)
            }));
            out
        })
}

fn store_of(events: &[Event]) -> Store {
    let store = Store::new(Policy::default());
    for e in events {
        store.apply(e);
    }
    store
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn identity_events_in_any_order_give_the_time_order_result(
        (events, shuffled) in keyed_events().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    ) {
        let mut in_order = events.clone();
        in_order.sort_by_key(|e| e.time);
        let a = store_of(&in_order);
        let b = store_of(&shuffled);
        prop_assert_eq!(a.profiles(), b.profiles());
        prop_assert_eq!(a.snapshot(), b.snapshot());
        let now = ts("2026-12-15T10:00:00Z");
        for k in ["k0", "k1", "k2", "k3"] {
            prop_assert_eq!(a.entity_of(k), b.entity_of(k));
            let req = Request::new(Purpose::Commercial);
            prop_assert_eq!(a.decide(k, &req, now), b.decide(k, &req, now));
        }
        // a customer's profile is the fold of every event of its keys
        for (p, keys) in a.profiles() {
            let mine: Vec<Event> = events.iter().filter(|e| keys.contains(&e.customer)).cloned().collect();
            let mut whole = Profile::new(p.customer());
            for e in &mine {
                whole.apply(e);
            }
            prop_assert_eq!(&p, &whole);
        }
    }

    #[test]
    fn any_split_into_shards_merges_to_one_pass(
        (events, shard_of) in events().prop_flat_map(|v| {
            let n = v.len();
            (Just(v), prop::collection::vec(0..5usize, n))
        })
    ) {
        let mut shards: Vec<Vec<Event>> = vec![Vec::new(); 5];
        for (e, &s) in events.iter().zip(&shard_of) {
            shards[s].push(e.clone());
        }
        let mut merged = Profile::new("c1");
        for shard in &shards {
            merged.merge(&fold(shard));
        }
        prop_assert_eq!(&merged, &fold(&events));
    }

    #[test]
    fn any_order_gives_the_same_profile(
        (events, shuffled) in events().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    ) {
        prop_assert_eq!(fold(&events), fold(&shuffled));
    }

    #[test]
    fn shards_merge_to_the_whole(
        (events, sides) in events().prop_flat_map(|v| {
            let n = v.len();
            (Just(v), prop::collection::vec(any::<bool>(), n))
        })
    ) {
        let mut left = Vec::new();
        let mut right = Vec::new();
        for (e, &to_left) in events.iter().zip(&sides) {
            if to_left { left.push(e.clone()) } else { right.push(e.clone()) }
        }
        let whole = fold(&events);
        let mut merged = fold(&left);
        merged.merge(&fold(&right));
        prop_assert_eq!(&merged, &whole);
        let mut other_way = fold(&right);
        other_way.merge(&fold(&left));
        prop_assert_eq!(&other_way, &whole);
    }

    #[test]
    fn bytes_and_snapshots_round_trip(events in events()) {
        let p = fold(&events);
        prop_assert_eq!(&Profile::from_bytes(&p.to_bytes()).unwrap(), &p);
        // each event to one of three customers
        let store = Store::new(Policy::default());
        for (i, e) in events.iter().enumerate() {
            let mut e = e.clone();
            e.customer = format!("c{}", i % 3);
            store.apply(&e);
        }
        let copy = Store::new(Policy::default());
        copy.restore(&store.snapshot()).unwrap();
        prop_assert_eq!(copy.snapshot(), store.snapshot());
        for c in ["c0", "c1", "c2"] {
            prop_assert_eq!(copy.profile(c), store.profile(c));
        }
    }

    #[test]
    fn decisions_are_never_silent(events in events(), purpose in prop::sample::select(Purpose::ALL.to_vec()), ch in prop::option::of(channel())) {
        let p = fold(&events);
        let request = Request { campaign: Some("A".to_owned()), channel: ch, purpose, time_zone: None };
        let d = decide(&p, &request, &Policy::default(), ts("2026-12-15T10:00:00Z"));
        prop_assert!(!d.reasons.is_empty());
        prop_assert_eq!(d.allowed, d.channel.is_some() && d.reasons.iter().all(|r| {
            !r.code.denies() || (r.channel.is_some() && r.channel != d.channel)
        }));
        // the JSON form reads back
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(serde_json::from_str::<crmkit::engagement::Decision>(&json).unwrap(), d);
    }
}
