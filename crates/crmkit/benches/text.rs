use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::text;
use std::hint::black_box;

const SAMPLES: &[&str] = &[
    "  İSTANBUL   Kadıköy ŞUBESİ ",
    "Şükrü ÖZTÜRK-Yılmaz",
    "Kargom 3 gündür GECİKTİ, iade istiyorum!!",
    "john.smith@example.com",
    "Çağrı merkezi “hiç” aramadı — rezalet",
    "plain ascii customer name",
];

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Elements(SAMPLES.len() as u64));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            SAMPLES
                .iter()
                .map(|s| text::normalize(black_box(s)).len())
                .sum::<usize>()
        })
    });
    g.bench_function("match_key", |b| {
        b.iter(|| {
            SAMPLES
                .iter()
                .map(|s| text::match_key(black_box(s)).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
