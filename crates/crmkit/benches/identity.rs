//! Identity resolution hot paths: standardizing a record, comparing and
//! scoring a pair, resolving 20,000 records, and one online match against
//! an index of 20,000. Records come from a small deterministic generator,
//! so the bench needs no data files; `examples/identity_latency.rs`
//! measures match latency percentiles against a 1M-record index.

use criterion::{Criterion, criterion_group, criterion_main};
use crmkit::identity::compare::compare;
use crmkit::identity::index::Index;
use crmkit::identity::standardize::{Vocabulary, keys};
use crmkit::identity::{Model, Record, Settings, resolve};
use std::hint::black_box;

const FIRST: &[&str] = &[
    "Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "John", "Mary", "Zeynep", "Ali",
];
const LAST: &[&str] = &[
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Smith", "Johnson", "Öztürk", "Aydın",
];

fn records(n: usize) -> Vec<Record> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|i| {
            let person = if i % 4 == 3 { i - 1 } else { i };
            let r = next();
            let (f, l) = (
                FIRST[person % FIRST.len()],
                LAST[(person / 10) % LAST.len()],
            );
            let first = if r % 7 == 0 {
                f.to_uppercase()
            } else {
                f.to_owned()
            };
            Record {
                id: format!("R{i:07}"),
                first_name: Some(first),
                last_name: Some(l.to_owned()),
                emails: vec![format!(
                    "{}.{}{}@gmail.com",
                    f.to_lowercase(),
                    l.to_lowercase(),
                    person % 97
                )],
                phones: vec![format!(
                    "0532 {:03} {:02} {:02}",
                    person % 1000,
                    (person / 1000) % 100,
                    person % 89
                )],
                date_of_birth: Some(format!(
                    "{:02}.{:02}.{}",
                    1 + person % 28,
                    1 + person % 12,
                    1950 + person % 50
                )),
                city: Some(["İstanbul", "Ankara", "İzmir"][person % 3].to_owned()),
                postcode: Some(format!("{:05}", 34000 + person % 900)),
                country: Some("TR".into()),
                ..Record::default()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let recs = records(20_000);
    c.bench_function("identity/standardize one record", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % recs.len();
            black_box(keys(&recs[i], None))
        })
    });
    let mut vocab = Vocabulary::default();
    let prepared: Vec<_> = recs.iter().map(|r| vocab.intern(keys(r, None))).collect();
    let model = Model::default();
    c.bench_function("identity/compare and score one pair", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 7) % (prepared.len() - 1);
            let (a, z) = (&prepared[i], &prepared[i + 1]);
            let cmp = compare(a, z, &vocab);
            black_box(model.score(&cmp, a, z, &vocab))
        })
    });
    let mut group = c.benchmark_group("identity/batch");
    group.sample_size(10);
    group.bench_function("resolve 20,000 records", |b| {
        b.iter(|| {
            black_box(
                resolve(&recs, &Settings::default())
                    .unwrap()
                    .cluster_count(),
            )
        })
    });
    group.finish();
    let index = Index::build(recs.clone(), Settings::default()).unwrap();
    c.bench_function("identity/match one record against 20,000", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 13) % recs.len();
            black_box(index.match_record(&recs[i]))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
