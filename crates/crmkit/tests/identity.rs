//! Identity resolution: invariants (proptest) and behaviour of the index.

use std::collections::HashMap;

use crmkit::identity::index::{Event, Index, carry_entity_ids};
use crmkit::identity::{Record, Settings, resolve};
use proptest::prelude::*;

const FIRST: &[&str] = &["Ayşe", "AYSE", "Mehmet", "Mehmt", "Zeynep", "John", "Jon"];
const LAST: &[&str] = &["Yılmaz", "YILMAZ", "Kaya", "Smith", "Şahin"];
const EMAIL: &[&str] = &[
    "",
    "ayse@gmail.com",
    "a.yse@gmail.com",
    "mk@firma.com.tr",
    "js@aol.com",
];
const PHONE: &[&str] = &[
    "",
    "0532 123 45 67",
    "+905321234567",
    "(212) 555-0100",
    "bad",
];
const DOB: &[&str] = &[
    "",
    "1980-01-02",
    "02.01.1980",
    "1990-05-05",
    "31.02.1990",
    "x",
];

fn record_strategy() -> impl Strategy<Value = Record> {
    (
        0..FIRST.len(),
        0..LAST.len(),
        0..EMAIL.len(),
        0..PHONE.len(),
        0..DOB.len(),
        prop::bool::ANY,
    )
        .prop_map(|(f, l, e, p, d, tr)| Record {
            first_name: Some(FIRST[f].into()),
            last_name: Some(LAST[l].into()),
            emails: if EMAIL[e].is_empty() {
                vec![]
            } else {
                vec![EMAIL[e].into()]
            },
            phones: if PHONE[p].is_empty() {
                vec![]
            } else {
                vec![PHONE[p].into()]
            },
            date_of_birth: Some(DOB[d].into()),
            country: Some(if tr { "TR" } else { "US" }.into()),
            ..Record::default()
        })
}

fn with_ids(mut recs: Vec<Record>) -> Vec<Record> {
    for (i, r) in recs.iter_mut().enumerate() {
        r.id = format!("r{i}");
    }
    recs
}

fn clusters_by_id(records: &[Record]) -> HashMap<String, String> {
    let r = resolve(records, &Settings::default()).unwrap();
    r.ids
        .iter()
        .zip(r.cluster_ids())
        .map(|(a, b)| (a.clone(), b.to_owned()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_record_in_exactly_one_cluster_named_by_its_smallest_id(
        recs in prop::collection::vec(record_strategy(), 1..30)
    ) {
        let recs = with_ids(recs);
        let r = resolve(&recs, &Settings::default()).unwrap();
        prop_assert_eq!(r.cluster_of.len(), recs.len());
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &c) in r.cluster_of.iter().enumerate() {
            members.entry(c).or_default().push(i);
        }
        for (rep, m) in members {
            prop_assert_eq!(r.cluster_of[rep], rep);
            let smallest = m.iter().map(|&i| &r.ids[i]).min_by(|a, b| crmkit::identity::cluster::id_order(a, b)).unwrap();
            prop_assert_eq!(&r.ids[rep], smallest);
        }
    }

    #[test]
    fn output_does_not_depend_on_input_order(
        recs in prop::collection::vec(record_strategy(), 1..25),
        seed in any::<u64>(),
    ) {
        let recs = with_ids(recs);
        let mut shuffled = recs.clone();
        // a deterministic shuffle from the seed
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(clusters_by_id(&recs), clusters_by_id(&shuffled));
    }

    #[test]
    fn explanation_weights_sum_to_the_total(
        recs in prop::collection::vec(record_strategy(), 2..12),
    ) {
        let recs = with_ids(recs);
        let r = resolve(&recs, &Settings::default()).unwrap();
        for a in 0..recs.len() {
            for b in a + 1..recs.len() {
                let e = r.explain(a, b);
                let sum: f64 = e.prior + e.fields.iter().map(|f| f.weight).sum::<f64>();
                prop_assert!((sum - e.weight).abs() < 1e-9, "{} vs {}", sum, e.weight);
                prop_assert!((0.0..=1.0).contains(&e.probability));
            }
        }
    }

    #[test]
    fn no_panic_on_any_record(
        first in "\\PC{0,12}", last in "\\PC{0,12}", email in "\\PC{0,20}",
        phone in "\\PC{0,16}", dob in "\\PC{0,12}", nid in "\\PC{0,12}", country in "\\PC{0,3}",
    ) {
        let r = Record {
            id: "x".into(),
            first_name: Some(first), last_name: Some(last), emails: vec![email],
            phones: vec![phone], date_of_birth: Some(dob), national_id: Some(nid),
            country: Some(country), ..Record::default()
        };
        let mut other = r.clone();
        other.id = "y".into();
        let res = resolve(&[r.clone(), other], &Settings::default()).unwrap();
        prop_assert_eq!(res.cluster_of.len(), 2);
        let index = Index::from_resolution(vec![r.clone()], resolve(std::slice::from_ref(&r), &Settings::default()).unwrap(), Settings::default());
        let _ = index.match_record(&r);
    }
}

fn person(id: &str, first: &str, last: &str, email: &str, phone: &str, dob: &str) -> Record {
    Record {
        id: id.into(),
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        emails: if email.is_empty() {
            vec![]
        } else {
            vec![email.into()]
        },
        phones: if phone.is_empty() {
            vec![]
        } else {
            vec![phone.into()]
        },
        date_of_birth: if dob.is_empty() {
            None
        } else {
            Some(dob.into())
        },
        address: Some("Çamlık Mah. Ayşan Sk. No:137".into()),
        city: Some("Elazığ".into()),
        country: Some("TR".into()),
        ..Record::default()
    }
}

#[test]
fn households_are_not_merged_but_reported() {
    let recs = [
        person(
            "1",
            "Kiyasi",
            "Güçlü",
            "kiyasi@hotmail.com",
            "0503 712 47 70",
            "22.03.1950",
        ),
        person(
            "2",
            "KİYASİ",
            "GUCLU",
            "",
            "+90 503 712 47 70",
            "1950-03-22",
        ),
        person("3", "Nermin", "Güçlü", "", "0503 712 47 70", "11.09.1955"),
    ];
    let r = resolve(&recs, &Settings::default()).unwrap();
    assert_eq!(r.cluster_ids(), ["1", "1", "3"]);
    assert!(!r.households.is_empty(), "the spouse is a household link");
}

#[test]
fn different_valid_national_ids_never_link() {
    let mut a = person("1", "Ali", "Kaya", "ali@kaya.com", "", "01.01.1980");
    let mut b = a.clone();
    b.id = "2".into();
    a.national_id = Some("10000000146".into());
    b.national_id = Some("10000000078".into());
    let r = resolve(&[a, b], &Settings::default()).unwrap();
    assert_eq!(r.cluster_ids(), ["1", "2"]);
    let e = r.explain(0, 1);
    assert_eq!(e.probability, 0.0);
    assert!(e.rule.is_some());
}

#[test]
fn bad_settings_and_ids_are_errors() {
    let a = person("1", "Ali", "Kaya", "", "", "");
    let err = resolve(&[a.clone(), a.clone()], &Settings::default()).unwrap_err();
    assert!(err.to_string().contains("share the id `1`"), "{err}");
    let s = Settings {
        threshold: 1.5,
        ..Settings::default()
    };
    let err = resolve(&[a], &s).unwrap_err();
    assert!(err.to_string().contains("threshold"), "{err}");
    let err = serde_json::from_str::<Settings>(r#"{"blocking": [["shoe_size"]]}"#).unwrap_err();
    assert!(err.to_string().contains("unknown key part"), "{err}");
    let err = serde_json::from_str::<Settings>(r#"{"treshold": 0.9}"#).unwrap_err();
    assert!(err.to_string().contains("treshold"), "{err}");
}

#[test]
fn index_join_merge_split_delete() {
    let base = vec![
        person(
            "1",
            "Ayşe",
            "Demir",
            "ayse.demir@gmail.com",
            "0532 111 22 33",
            "01.02.1980",
        ),
        person("2", "Ayse", "Demir", "", "0532 111 22 33", "1980-02-01"),
        person(
            "5",
            "Zeynep",
            "Arslan",
            "zeynep@firma.com.tr",
            "0533 999 88 77",
            "05.05.1975",
        ),
    ];
    let mut index = Index::build(base, Settings::default()).unwrap();
    assert_eq!(index.entity_of("2"), Some("1"));
    assert_eq!(index.len(), 3);

    // a new record of Zeynep joins her entity
    let c = index
        .insert(person(
            "9",
            "ZEYNEP",
            "ARSLAN",
            "zeynep@firma.com.tr",
            "",
            "05.05.1975",
        ))
        .unwrap();
    assert_eq!(c.entity_id, "5");
    assert!(matches!(&c.events[0], Event::Joined { entity_id, .. } if entity_id == "5"));

    // a stranger is a new entity named by its own id
    let c = index
        .insert(person(
            "7",
            "Can",
            "Öztürk",
            "can@ozturk.com",
            "0544 000 00 01",
            "09.09.1999",
        ))
        .unwrap();
    assert_eq!(
        c.events,
        [Event::Created {
            entity_id: "7".into(),
            record_id: "7".into()
        }]
    );

    // inserting a duplicate id is an error that names it
    let err = index.insert(person("7", "X", "Y", "", "", "")).unwrap_err();
    assert!(err.to_string().contains("`7`"));

    // matching does not change the index
    let hits = index.match_record(&person("q", "Ayşe", "DEMİR", "aysedemir@gmail.com", "", ""));
    assert_eq!(hits[0].entity_id, "1");
    assert!(hits[0].probability >= 0.5);
    assert_eq!(index.len(), 4 + 1);

    // deleting the only record of an entity removes it
    let c = index.delete("7").unwrap();
    assert_eq!(
        c.events,
        [
            Event::Left {
                entity_id: "7".into(),
                record_id: "7".into()
            },
            Event::Removed {
                entity_id: "7".into()
            }
        ]
    );
    assert_eq!(index.entity_of("7"), None);
    assert!(index.delete("7").is_err());

    // ids are kept across runs
    let previous: HashMap<String, String> = index.assignments().into_iter().collect();
    let ids: Vec<String> = ["1", "2", "5", "9", "10"].map(String::from).to_vec();
    let clusters = ["1", "1", "5", "5", "10"];
    let carried = carry_entity_ids(&ids, &clusters, &previous);
    assert_eq!(carried, ["1", "1", "5", "5", "10"]);
    let renamed = ["2", "2", "9", "9", "10"];
    assert_eq!(
        carry_entity_ids(&ids, &renamed, &previous),
        ["1", "1", "5", "5", "10"]
    );
}

#[test]
fn deleting_a_bridge_record_splits_the_entity() {
    // 1 and 3 share nothing; 2 links both (phone with 1, email with 3)
    let mut one = person("1", "Mert", "Kara", "", "0532 000 11 22", "01.01.1990");
    one.address = None;
    let mut two = person(
        "2",
        "Mert",
        "Kara",
        "mert.kara@gmail.com",
        "0532 000 11 22",
        "01.01.1990",
    );
    two.address = None;
    let mut three = person("3", "Mert", "Kara", "mert.kara@gmail.com", "", "");
    three.address = None;
    three.first_name = None;
    let mut index = Index::build(vec![one, two, three], Settings::default()).unwrap();
    assert_eq!(index.members("1").map(|m| m.len()), Some(3));
    let c = index.delete("2").unwrap();
    match &c.events[..] {
        [
            Event::Left { record_id, .. },
            Event::Split {
                entity_id,
                new_entity_ids,
                moved,
            },
        ] => {
            assert_eq!(record_id, "2");
            assert_eq!(entity_id, "1");
            assert_eq!(new_entity_ids, &["3".to_string()]);
            assert_eq!(moved, &[vec!["3".to_string()]]);
            assert_eq!(index.entity_of("3"), Some("3"));
            assert_eq!(index.entity_of("1"), Some("1"));
        }
        other => panic!("expected a split, got {other:?}"),
    }
}

#[test]
fn an_impossible_birth_date_is_evidence_not_a_gap() {
    use crmkit::identity::{Model, explain_records};
    // there is no 31 February: a typing error, not a missing birth date
    let typo = person("3", "AHMET", "YILMAZ", "", "", "31/02/1990");
    let dob_of = |other: &Record| {
        let e = explain_records(&Model::default(), &typo, other, None);
        e.fields
            .iter()
            .find(|f| f.label != "missing" && f.comparison.as_str() == "date_of_birth")
            .map(|f| f.label.clone())
    };
    let born_1987 = person("1", "Ahmet", "Yılmaz", "", "", "12.05.1987");
    let born_1990 = person("2", "Ahmet", "Yılmaz", "", "", "13.02.1990");
    let unknown = person("4", "Ahmet", "Yılmaz", "", "", "bilinmiyor");
    assert_eq!(dob_of(&born_1987).as_deref(), Some("different"));
    assert_ne!(dob_of(&born_1990).as_deref(), Some("different"));
    assert_eq!(dob_of(&unknown), None, "text that is no date is missing");
    // so a namesake born in another year scores lower against it than one
    // whose birth date is unknown
    let p = |a: &Record, b: &Record| explain_records(&Model::default(), a, b, None).probability;
    assert!(p(&typo, &born_1987) < p(&unknown, &born_1987));
}

#[test]
fn cluster_stats_name_the_link_a_chain_hangs_on() {
    // 1 and 2 share an e-mail, 2 and 3 a phone; 1 and 3 share only a name
    let recs = [
        person(
            "1",
            "Ali",
            "Kaya",
            "ali.kaya@firma.com.tr",
            "",
            "03.04.1971",
        ),
        person(
            "2",
            "ALİ",
            "KAYA",
            "ali.kaya@firma.com.tr",
            "0532 111 22 33",
            "",
        ),
        person("3", "Ali", "Kaya", "", "0532 111 22 33", "19.09.1994"),
        person(
            "4",
            "Zeynep",
            "Arslan",
            "z@arslan.net",
            "0533 999 88 77",
            "01.01.1990",
        ),
    ];
    let r = resolve(&recs, &Settings::default()).unwrap();
    assert_eq!(r.cluster_ids(), ["1", "1", "1", "4"]);
    let stats = r.cluster_stats(0.5, 10);
    assert_eq!(stats.len(), 1, "single records are no clusters: {stats:?}");
    let c = &stats[0];
    assert_eq!((c.cluster.as_str(), c.size), ("1", 3));
    let own = r.explain(0, 2).probability;
    assert_eq!(c.pairs_apart, usize::from(own < 0.5), "1 ~ 3 scores {own}");
    let weakest = c.weakest_link.as_ref().unwrap();
    let needed = r.explain(0, 1).probability.min(r.explain(1, 2).probability);
    // no spanning tree of the cluster has a weaker bottleneck than this one
    assert!(weakest.probability >= needed - 1e-12, "{weakest:?}");
    if own < 0.5 {
        // 1 ~ 3 is no link: the chain through 2 is the only tree
        assert!((weakest.probability - needed).abs() < 1e-12, "{weakest:?}");
    }
    assert_eq!(r.cluster_stats(0.5, 0), vec![]);
}
