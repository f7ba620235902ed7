//! The batch functions against the single-machine pipeline: any split of
//! the rows into batches, concatenated, equals the whole; and the
//! distributed identity recipe equals `crmkit::identity::resolve`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, UInt8Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::DataType;
use crmkit::identity::record::{ColumnMap, records_from_columns};
use crmkit::identity::{Settings, resolve};
use crmkit::survey::NpsOptions;
use crmkit_arrow::pairs::Frequencies;
use crmkit_arrow::{blocking, cluster, contact, golden, pairs, survey};
use proptest::prelude::*;

/// A deterministic generator of customer records: people with one to three
/// records each (case, typos, phone and date formats, missing fields),
/// families sharing a last name, address and phone.
fn customers(people: usize, seed: u64) -> Vec<Vec<Option<String>>> {
    const FIRST: &[&str] = &[
        "Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali", "Zeynep",
        "Hüseyin", "Elif", "İbrahim", "Kübra", "Murat", "Özge", "John", "Mary", "Robert", "Linda",
        "Michael", "Şule", "Gökhan", "Çağla", "Serkan", "Ebru", "Tolga", "Derya",
    ];
    const LAST: &[&str] = &[
        "Yılmaz",
        "Kaya",
        "Demir",
        "Şahin",
        "Çelik",
        "Yıldız",
        "Yıldırım",
        "Öztürk",
        "Aydın",
        "Özdemir",
        "Arslan",
        "Doğan",
        "Kılıç",
        "Aslan",
        "Çetin",
        "Smith",
        "Johnson",
        "Brown",
        "İhsanoğlu",
        "Karagöz",
        "Ekinci",
        "Güneş",
        "Polat",
        "Erdoğan",
        "Koç",
        "Kurt",
    ];
    const CITY: &[&str] = &["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya"];
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % n as u64) as usize
    };
    let typo = |s: &str, k: usize| {
        let mut c: Vec<char> = s.chars().collect();
        if c.len() > 3 {
            let i = 1 + k % (c.len() - 2);
            c.swap(i, i + 1);
        }
        c.into_iter().collect::<String>()
    };
    let mut rows: Vec<[Option<String>; 9]> = Vec::new();
    let mut family: Option<(String, String, String)> = None;
    for p in 0..people {
        let first = FIRST[next(FIRST.len())];
        let (last, address, phone) = match family.take() {
            Some(f) if next(4) == 0 => f,
            _ => (
                LAST[next(LAST.len())].to_owned(),
                format!(
                    "{} Sokak No:{} D:{}",
                    LAST[next(LAST.len())],
                    1 + next(200),
                    1 + next(20)
                ),
                format!("05{}{:08}", 30 + next(30), next(100_000_000)),
            ),
        };
        family = Some((last.clone(), address.clone(), phone.clone()));
        let dob = (1940 + next(60), 1 + next(12), 1 + next(28));
        let email = format!(
            "{}.{}{}@{}",
            crmkit::text::match_key(first),
            crmkit::text::match_key(&last),
            next(100),
            ["gmail.com", "hotmail.com", "firma.com.tr"][next(3)]
        );
        let city = CITY[next(CITY.len())];
        for v in 0..1 + next(3) {
            let k = next(1000);
            let f = match k % 5 {
                0 => first.to_uppercase(),
                1 if v > 0 => typo(first, k),
                _ => first.to_owned(),
            };
            let l = if k % 7 == 3 {
                last.to_lowercase()
            } else {
                last.clone()
            };
            let ph = match k % 3 {
                0 => phone.clone(),
                1 => format!("+90 ({}) {}-{}", &phone[1..4], &phone[4..7], &phone[7..]),
                _ => format!(
                    "{} {} {} {}",
                    &phone[..4],
                    &phone[4..7],
                    &phone[7..9],
                    &phone[9..]
                ),
            };
            let d = if k % 2 == 0 {
                format!("{:04}-{:02}-{:02}", dob.0, dob.1, dob.2)
            } else {
                format!("{:02}.{:02}.{:04}", dob.2, dob.1, dob.0)
            };
            rows.push([
                None,
                Some(f),
                Some(l),
                (k % 4 != 1).then(|| email.clone()),
                (k % 6 != 2).then_some(ph),
                (k % 9 != 4).then_some(d),
                Some(address.clone()),
                Some(city.to_owned()),
                Some("TR".to_owned()),
            ]);
        }
        let _ = p;
    }
    // shuffle, then number: ids in input order are then in id order too
    for i in (1..rows.len()).rev() {
        let j = next(i + 1);
        rows.swap(i, j);
    }
    let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); 9];
    for (i, r) in rows.into_iter().enumerate() {
        for (c, v) in r.into_iter().enumerate() {
            cols[c].push(if c == 0 { Some(format!("R{i:06}")) } else { v });
        }
    }
    cols
}

const NAMES: [&str; 9] = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "address",
    "city",
    "country",
];

fn batch_of(cols: &[Vec<Option<String>>]) -> RecordBatch {
    RecordBatch::try_from_iter(NAMES.iter().zip(cols).map(|(n, c)| {
        (
            *n,
            Arc::new(StringArray::from_iter(c.iter().map(|v| v.as_deref()))) as ArrayRef,
        )
    }))
    .unwrap()
}

/// Rows of a batch as text, for comparing batches of any split.
fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let mut out = Vec::new();
    for b in batches {
        for i in 0..b.num_rows() {
            let cells: Vec<String> = b
                .columns()
                .iter()
                .map(|c| {
                    if c.is_null(i) {
                        return "∅".to_owned();
                    }
                    match c.data_type() {
                        DataType::Utf8 => c.as_string::<i32>().value(i).to_owned(),
                        DataType::UInt8 => c.as_primitive::<UInt8Type>().value(i).to_string(),
                        DataType::UInt32 => c.as_primitive::<UInt32Type>().value(i).to_string(),
                        DataType::UInt64 => c.as_primitive::<UInt64Type>().value(i).to_string(),
                        DataType::Float64 => {
                            format!("{:?}", c.as_primitive::<Float64Type>().value(i))
                        }
                        DataType::Boolean => c.as_boolean().value(i).to_string(),
                        other => panic!("unexpected type {other}"),
                    }
                })
                .collect();
            out.push(cells.join("|"));
        }
    }
    out
}

fn split(batch: &RecordBatch, cuts: &[usize]) -> Vec<RecordBatch> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (batch.num_rows() + 1)).collect();
    cuts.push(0);
    cuts.push(batch.num_rows());
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| batch.slice(w[0], w[1] - w[0]))
        .collect()
}

fn strings(b: &RecordBatch, name: &str) -> Vec<String> {
    let c = b.column_by_name(name).unwrap().as_string::<i32>();
    c.iter().map(|v| v.unwrap().to_owned()).collect()
}

/// Takes rows of `batch` by id, in the order of `ids`.
fn take_by_id(batch: &RecordBatch, ids: &[String]) -> RecordBatch {
    take_with(batch, &positions(batch), ids)
}

fn positions(batch: &RecordBatch) -> HashMap<String, usize> {
    strings(batch, "id")
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect()
}

fn take_with(batch: &RecordBatch, pos: &HashMap<String, usize>, ids: &[String]) -> RecordBatch {
    let idx: Vec<usize> = ids.iter().map(|id| pos[id]).collect();
    let cols: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| {
            let s = c.as_string::<i32>();
            Arc::new(StringArray::from_iter(
                idx.iter().map(|&i| s.is_valid(i).then(|| s.value(i))),
            )) as ArrayRef
        })
        .collect();
    RecordBatch::try_new(batch.schema(), cols).unwrap()
}

/// The distributed identity recipe, run over `parts` batches of records
/// with the engine's shuffles done by hand: returns record id → cluster id.
fn distributed(
    all: &RecordBatch,
    parts: &[RecordBatch],
    settings: &Settings,
    model: &crmkit::identity::Model,
    key_partitions: usize,
) -> BTreeMap<String, String> {
    let map = ColumnMap::default();
    // 1. keys and term counts per batch
    let keys: Vec<RecordBatch> = parts
        .iter()
        .map(|b| blocking::blocking_keys(b, settings, &map).unwrap())
        .collect();
    let counts: Vec<RecordBatch> = parts
        .iter()
        .map(|b| pairs::term_counts(b, settings, &map).unwrap())
        .collect();
    let freq = Frequencies::from_counts(&counts).unwrap();
    // 2. shuffle: every (rule_id, key) to one partition, by the stable hash
    let mut by_part: Vec<Vec<(String, u32, String, String)>> = vec![Vec::new(); key_partitions];
    for k in &keys {
        let (ids, keyv, sort) = (
            strings(k, "record_id"),
            strings(k, "key"),
            strings(k, "sort_key"),
        );
        let rule = k
            .column_by_name("rule_id")
            .unwrap()
            .as_primitive::<UInt32Type>();
        for i in 0..k.num_rows() {
            let p = crmkit_arrow::salt::chunk_of(
                &format!("{}:{}", rule.value(i), keyv[i]),
                key_partitions as u32,
            )
            .unwrap() as usize;
            by_part[p].push((
                ids[i].clone(),
                rule.value(i),
                keyv[i].clone(),
                sort[i].clone(),
            ));
        }
    }
    let mut candidate: Vec<(String, String)> = Vec::new();
    for rows in by_part {
        let b = RecordBatch::try_new(
            Arc::new(blocking::keys_schema()),
            vec![
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.0))),
                Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.1))),
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.2))),
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.3))),
            ],
        )
        .unwrap();
        let p = blocking::block_pairs(&b, settings).unwrap();
        candidate.extend(
            strings(&p, "left_id")
                .into_iter()
                .zip(strings(&p, "right_id")),
        );
    }
    candidate.sort();
    candidate.dedup();
    // 3. score in chunks of row-aligned pairs
    let mut edges: Vec<RecordBatch> = Vec::new();
    for chunk in candidate.chunks(997) {
        let (l, r): (Vec<String>, Vec<String>) = chunk.iter().cloned().unzip();
        let s = pairs::score_pairs(
            model,
            &take_by_id(all, &l),
            &take_by_id(all, &r),
            Some(settings.threshold),
            Some(&freq),
            settings,
            &map,
        )
        .unwrap();
        edges.push(s);
    }
    // 4. components, then the clusters inside each
    let (src, dst): (Vec<String>, Vec<String>) = edges
        .iter()
        .flat_map(|e| {
            strings(e, "left_id")
                .into_iter()
                .zip(strings(e, "right_id"))
        })
        .unzip();
    let comp =
        cluster::connected_components(&StringArray::from(src), &StringArray::from(dst)).unwrap();
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, c) in strings(&comp, "record_id")
        .into_iter()
        .zip(strings(&comp, "cluster_id"))
    {
        members.entry(c).or_default().push(id);
    }
    let mut out: BTreeMap<String, String> = strings(all, "id")
        .into_iter()
        .map(|i| (i.clone(), i))
        .collect();
    let all_edges: Vec<(String, String, f64, f64)> = edges
        .iter()
        .flat_map(|e| {
            let p = e
                .column_by_name("probability")
                .unwrap()
                .as_primitive::<Float64Type>()
                .clone();
            let w = e
                .column_by_name("match_weight")
                .unwrap()
                .as_primitive::<Float64Type>()
                .clone();
            strings(e, "left_id")
                .into_iter()
                .zip(strings(e, "right_id"))
                .enumerate()
                .map(move |(i, (a, b))| (a, b, p.value(i), w.value(i)))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut comp_of: HashMap<String, String> = HashMap::new();
    for (c, ids) in &members {
        for id in ids {
            comp_of.insert(id.clone(), c.clone());
        }
    }
    let mut edges_of: HashMap<&str, Vec<&(String, String, f64, f64)>> = HashMap::new();
    for e in &all_edges {
        edges_of.entry(comp_of[&e.0].as_str()).or_default().push(e);
    }
    let pos = positions(all);
    for (c, ids) in &members {
        let recs = take_with(all, &pos, ids);
        let mine = &edges_of[c.as_str()];
        let e = RecordBatch::try_from_iter([
            (
                "left_id",
                Arc::new(StringArray::from_iter_values(mine.iter().map(|e| &e.0))) as ArrayRef,
            ),
            (
                "right_id",
                Arc::new(StringArray::from_iter_values(mine.iter().map(|e| &e.1))) as _,
            ),
            (
                "probability",
                Arc::new(Float64Array::from_iter_values(mine.iter().map(|e| e.2))) as _,
            ),
            (
                "match_weight",
                Arc::new(Float64Array::from_iter_values(mine.iter().map(|e| e.3))) as _,
            ),
        ])
        .unwrap();
        let cl = cluster::cluster_component(&recs, &e, settings, &map).unwrap();
        for (id, cid) in strings(&cl, "record_id")
            .into_iter()
            .zip(strings(&cl, "cluster_id"))
        {
            out.insert(id, cid);
        }
    }
    out
}

#[test]
fn distributed_recipe_equals_resolve() {
    let cols = customers(1800, 7);
    let all = batch_of(&cols);
    assert!(all.num_rows() > 3000, "{} records", all.num_rows());
    let records = records_from_columns(&NAMES, &cols, &ColumnMap::default()).unwrap();
    let settings = Settings::default();
    let res = resolve(&records, &settings).unwrap();
    let want: BTreeMap<String, String> = records
        .iter()
        .zip(res.cluster_ids())
        .map(|(r, c)| (r.id.clone(), c.to_owned()))
        .collect();
    let linked = want.iter().filter(|(a, b)| a != b).count();
    assert!(linked > 500, "the data has duplicates to find: {linked}");
    for (parts, key_partitions) in [(7, 4), (23, 8)] {
        let cuts: Vec<usize> = (1..parts)
            .map(|i| i * all.num_rows() / parts + i * 13)
            .collect();
        let got = distributed(
            &all,
            &split(&all, &cuts),
            &settings,
            &res.model,
            key_partitions,
        );
        assert_eq!(
            got, want,
            "{parts} batches, {key_partitions} key partitions"
        );
    }
}

#[test]
fn oversized_blocks_pair_by_sorted_neighbourhood() {
    let cols = customers(300, 3);
    let all = batch_of(&cols);
    let records = records_from_columns(&NAMES, &cols, &ColumnMap::default()).unwrap();
    let mut settings = Settings::default();
    settings.blocking_options.max_block_size = 3;
    settings.blocking_options.window = 2;
    let res = resolve(&records, &settings).unwrap();
    assert!(res.blocking.rules.iter().any(|r| r.oversized_blocks > 0));
    let want: BTreeMap<String, String> = records
        .iter()
        .zip(res.cluster_ids())
        .map(|(r, c)| (r.id.clone(), c.to_owned()))
        .collect();
    let got = distributed(&all, &split(&all, &[100, 333]), &settings, &res.model, 3);
    assert_eq!(got, want);
}

#[test]
fn golden_records_per_cluster_equal_the_whole() {
    let cols = customers(200, 11);
    let records = records_from_columns(&NAMES, &cols, &ColumnMap::default()).unwrap();
    let res = resolve(&records, &Settings::default()).unwrap();
    let cids: Vec<String> = res.cluster_ids().iter().map(|s| s.to_string()).collect();
    let mut with = cols.clone();
    with.push(cids.iter().map(|c| Some(c.clone())).collect());
    let mut names = NAMES.to_vec();
    names.push("cluster_id");
    let batch = RecordBatch::try_from_iter(names.iter().zip(&with).map(|(n, c)| {
        (
            *n,
            Arc::new(StringArray::from_iter(c.iter().map(|v| v.as_deref()))) as ArrayRef,
        )
    }))
    .unwrap();
    let gs = crmkit::identity::golden::GoldenSettings::default();
    let whole = golden::golden_records(&batch, "cluster_id", &gs, &ColumnMap::default()).unwrap();
    let want = crmkit::identity::golden::golden_records(&records, &cids, &gs).unwrap();
    assert_eq!(whole.num_rows(), want.len());
    assert_eq!(
        strings(&whole, "golden"),
        want.iter()
            .map(|g| serde_json::to_string(g).unwrap())
            .collect::<Vec<_>>()
    );
    // one cluster at a time, as groupBy(cluster_id).applyInArrow passes them
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, c) in strings(&batch, "id").into_iter().zip(&cids) {
        by.entry(c.clone()).or_default().push(id);
    }
    let mut one_by_one = Vec::new();
    for ids in by.values() {
        let b = take_by_id(&batch, ids);
        one_by_one.extend(rows(&[golden::golden_records(
            &b,
            "cluster_id",
            &gs,
            &ColumnMap::default(),
        )
        .unwrap()]));
    }
    let mut whole_rows = rows(&[whole]);
    whole_rows.sort();
    one_by_one.sort();
    assert_eq!(one_by_one, whole_rows);
}

#[test]
fn bad_input_names_the_column() {
    let b = RecordBatch::try_from_iter([(
        "first_name",
        Arc::new(StringArray::from(vec!["Ali"])) as ArrayRef,
    )])
    .unwrap();
    let e = blocking::blocking_keys(&b, &Settings::default(), &ColumnMap::default()).unwrap_err();
    assert!(e.to_string().contains("no id column"), "{e}");
    let e = cluster::connected_components(
        &StringArray::from(vec![Some("a"), None]),
        &StringArray::from(vec!["b", "c"]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("edge 1"), "{e}");
    let e = survey::nps_partial(&Float64Array::from(vec![9.0, 10.5]), None, None).unwrap_err();
    assert!(e.to_string().contains("row 1 is 10.5"), "{e}");
}

fn small() -> (Vec<Vec<Option<String>>>, RecordBatch) {
    let cols = customers(120, 5);
    let b = batch_of(&cols);
    (cols, b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn any_split_concatenated_equals_the_whole(cuts in proptest::collection::vec(0usize..400, 0..6)) {
        let (cols, all) = small();
        let parts = split(&all, &cuts);
        let map = ColumnMap::default();
        let s = Settings::default();
        // blocking keys
        let whole = rows(&[blocking::blocking_keys(&all, &s, &map).unwrap()]);
        let pieces: Vec<RecordBatch> = parts.iter().map(|b| blocking::blocking_keys(b, &s, &map).unwrap()).collect();
        prop_assert_eq!(rows(&pieces), whole);
        // contact columns
        let email = all.column_by_name("email").unwrap();
        let whole = rows(&[contact::parse_emails(email.as_ref()).unwrap()]);
        let pieces: Vec<RecordBatch> = parts
            .iter()
            .map(|b| contact::parse_emails(b.column_by_name("email").unwrap().as_ref()).unwrap())
            .collect();
        prop_assert_eq!(rows(&pieces), whole);
        let folded = |a: &dyn Array| -> Vec<Option<String>> {
            contact::fold_emails(a).unwrap().iter().map(|k| k.map(str::to_owned)).collect()
        };
        let whole = folded(email.as_ref());
        let pieces: Vec<Option<String>> = parts.iter().flat_map(|b| folded(b.column_by_name("email").unwrap().as_ref())).collect();
        prop_assert_eq!(pieces, whole);
        let whole = rows(&[contact::parse_phones(all.column_by_name("phone").unwrap().as_ref(), "TR").unwrap()]);
        let pieces: Vec<RecordBatch> = parts
            .iter()
            .map(|b| contact::parse_phones(b.column_by_name("phone").unwrap().as_ref(), "TR").unwrap())
            .collect();
        prop_assert_eq!(rows(&pieces), whole);
        // term counts merge to the counts of the whole
        let whole = Frequencies::from_counts(&[pairs::term_counts(&all, &s, &map).unwrap()]).unwrap();
        let pieces: Vec<RecordBatch> = parts.iter().map(|b| pairs::term_counts(b, &s, &map).unwrap()).collect();
        prop_assert_eq!(Frequencies::from_counts(&pieces).unwrap(), whole);
        // scores of row-aligned pairs: neighbours against each other
        let n = all.num_rows() - 1;
        let (l, r) = (all.slice(0, n), all.slice(1, n));
        let whole = rows(&[pairs::score_pairs(&crmkit::identity::Model::default(), &l, &r, None, None, &s, &map).unwrap()]);
        let lp = split(&l, &cuts);
        let mut at = 0;
        let mut pieces = Vec::new();
        for b in &lp {
            let rb = r.slice(at, b.num_rows());
            at += b.num_rows();
            pieces.push(pairs::score_pairs(&crmkit::identity::Model::default(), b, &rb, None, None, &s, &map).unwrap());
        }
        prop_assert_eq!(rows(&pieces), whole);
        // NPS partials merge exactly, segmented by city
        let scores: Vec<Option<f64>> = (0..all.num_rows()).map(|i| (i % 13 != 5).then_some((i * 7 % 11) as f64)).collect();
        let scores = Float64Array::from(scores);
        let city = all.column_by_name("city").unwrap().clone();
        let whole = rows(&[survey::nps_finalize(&[survey::nps_partial(&scores, Some(city.as_ref()), None).unwrap()], &NpsOptions::default()).unwrap()]);
        let mut partials = Vec::new();
        let mut at = 0;
        for b in &parts {
            let k = b.num_rows();
            partials.push(survey::nps_partial(&scores.slice(at, k), Some(city.slice(at, k).as_ref()), None).unwrap());
            at += k;
        }
        partials.reverse();
        let merged = survey::merge_partials(&partials).unwrap();
        prop_assert_eq!(rows(&[survey::nps_finalize(&[merged], &NpsOptions::default()).unwrap()]), whole);
        let _ = cols;
    }
}

#[test]
fn salted_pieces_make_every_pair_of_a_block_once() {
    let all = batch_of(&customers(400, 9));
    let settings = Settings::default();
    let keys = blocking::blocking_keys(&all, &settings, &ColumnMap::default()).unwrap();
    let mut want = rows(&[blocking::block_pairs(&keys, &settings).unwrap()]);
    want.sort();
    let (ids, keyv, sort) = (
        strings(&keys, "record_id"),
        strings(&keys, "key"),
        strings(&keys, "sort_key"),
    );
    let rule = keys
        .column_by_name("rule_id")
        .unwrap()
        .as_primitive::<UInt32Type>();
    let salts = 3u32;
    // piece (rule, key, salt) → rows (id, sort key, side)
    type Piece = (u32, String, u32);
    type Row = (String, String, &'static str);
    let mut pieces: BTreeMap<Piece, Vec<Row>> = BTreeMap::new();
    for i in 0..keys.num_rows() {
        let s = crmkit_arrow::salt::salt_for(&ids[i], salts).unwrap();
        let piece = |salt| (rule.value(i), keyv[i].clone(), salt);
        pieces
            .entry(piece(s))
            .or_default()
            .push((ids[i].clone(), sort[i].clone(), "left"));
        for t in 0..salts {
            pieces
                .entry(piece(t))
                .or_default()
                .push((ids[i].clone(), sort[i].clone(), "right"));
        }
    }
    let mut got = Vec::new();
    for ((r, k, _), rs) in pieces {
        let b = RecordBatch::try_from_iter([
            (
                "record_id",
                Arc::new(StringArray::from_iter_values(rs.iter().map(|x| &x.0))) as ArrayRef,
            ),
            (
                "rule_id",
                Arc::new(UInt32Array::from(vec![r; rs.len()])) as _,
            ),
            (
                "key",
                Arc::new(StringArray::from(vec![k.as_str(); rs.len()])) as _,
            ),
            (
                "sort_key",
                Arc::new(StringArray::from_iter_values(rs.iter().map(|x| &x.1))) as _,
            ),
            (
                "side",
                Arc::new(StringArray::from_iter_values(rs.iter().map(|x| x.2))) as _,
            ),
        ])
        .unwrap();
        got.extend(rows(&[blocking::block_pairs(&b, &settings).unwrap()]));
    }
    got.sort();
    assert!(want.len() > 100);
    assert_eq!(got, want);
}

proptest! {
    // the folded key is trim + language-neutral lowercase of each row, for
    // every string type and any text, ASCII or not
    #[test]
    fn fold_emails_is_trim_and_lowercase(texts in proptest::collection::vec(proptest::option::of("[ \\ta-zA-Z0-9@.+İIıŞşÇ\u{307}é]{0,12}"), 0..20)) {
        let want: Vec<Option<String>> = texts
            .iter()
            .map(|t| t.as_deref().map(|t| crmkit::text::lowercase(t.trim(), crmkit::text::CaseRules::Standard)))
            .collect();
        let refs: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(refs.clone())),
            Arc::new(arrow_array::LargeStringArray::from(refs.clone())),
            Arc::new(arrow_array::StringViewArray::from(refs.clone())),
        ];
        for a in &arrays {
            let got: Vec<Option<String>> = contact::fold_emails(a.as_ref()).unwrap().iter().map(|k| k.map(str::to_owned)).collect();
            prop_assert_eq!(&got, &want);
        }
    }
}

#[test]
fn records_repeated_across_pairs_score_as_each_pair_alone() {
    let (mut cols, _) = small();
    // row 1 becomes a copy of row 3 under row 0's id: the same id, another record
    for c in cols.iter_mut() {
        c[1] = c[3].clone();
    }
    cols[0][1] = cols[0][0].clone();
    let pick = |idx: &[usize]| -> RecordBatch {
        let picked: Vec<Vec<Option<String>>> = cols
            .iter()
            .map(|c| idx.iter().map(|&i| c[i].clone()).collect())
            .collect();
        batch_of(&picked)
    };
    let (model, s, map) = (
        crmkit::identity::Model::default(),
        Settings::default(),
        ColumnMap::default(),
    );
    let left = [0, 0, 0, 0, 2, 2, 2, 1, 1, 7];
    let right = [1, 2, 3, 4, 0, 1, 1, 3, 2, 8];
    let together =
        rows(&[
            pairs::score_pairs(&model, &pick(&left), &pick(&right), None, None, &s, &map).unwrap(),
        ]);
    let alone: Vec<String> = left
        .iter()
        .zip(&right)
        .flat_map(|(&a, &b)| {
            rows(&[
                pairs::score_pairs(&model, &pick(&[a]), &pick(&[b]), None, None, &s, &map).unwrap(),
            ])
        })
        .collect();
    assert_eq!(together.len(), left.len());
    assert_eq!(together, alone);
    // the two records under one id are scored by their own values
    assert_ne!(together[2], together[7]);
}
