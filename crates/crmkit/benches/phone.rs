use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::contact::phone::{parse_in, region};
use std::hint::black_box;

/// Messy Turkish and international numbers as CRMs hold them.
fn numbers() -> Vec<String> {
    let styles = [
        "0532 123 45 67",
        "+90 (532) 123-4567",
        "905321234567",
        "5321234567",
        "0 (532) 123 45 67",
        "0090 532 123 4567",
        "0212 123 45 67 dahili 12",
        "Tel: 0216 555 44 33",
        "0850 123 45 67",
        "444 1 444",
        "+1 (202) 555-0173",
        "+44 20 7183 8750",
        "0532 123 45 6O",
        "+49 30 1234567",
        "0312 123 45 67",
        "cep: 0542 851 12 34",
    ];
    (0..1000)
        .map(|i| styles[i % styles.len()].to_owned())
        .collect()
}

fn bench(c: &mut Criterion) {
    let input = numbers();
    let tr = region("TR").ok();
    let mut g = c.benchmark_group("phone");
    g.throughput(Throughput::Elements(input.len() as u64));
    g.bench_function("parse_validate_e164_1000", |b| {
        b.iter(|| {
            input
                .iter()
                .filter(|n| parse_in(black_box(n), tr).valid)
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
