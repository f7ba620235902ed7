use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::survey::{NpsOptions, nps, nps_by_code};
use std::hint::black_box;

/// A deterministic stream of answers: about 5% missing, the rest spread over 0–10.
fn answers(n: usize) -> (Vec<f64>, Vec<u32>) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let r = next();
            let score = if r % 20 == 0 {
                f64::NAN
            } else {
                ((r >> 8) % 11) as f64
            };
            (score, ((r >> 32) % 20) as u32)
        })
        .unzip()
}

fn bench(c: &mut Criterion) {
    let (scores, codes) = answers(1_000_000);
    let mut g = c.benchmark_group("survey");
    g.throughput(Throughput::Elements(scores.len() as u64));
    g.bench_function("nps_1m", |b| {
        b.iter(|| nps(black_box(&scores), &NpsOptions::default()).unwrap())
    });
    g.bench_function("nps_by_code_1m_20_segments", |b| {
        b.iter(|| {
            nps_by_code(
                black_box(&scores),
                black_box(&codes),
                20,
                None,
                &NpsOptions::default(),
            )
            .unwrap()
        })
    });
    let weights: Vec<f64> = (0..scores.len()).map(|i| 0.5 + (i % 3) as f64).collect();
    g.bench_function("nps_by_code_weighted_1m_20_segments", |b| {
        b.iter(|| {
            nps_by_code(
                black_box(&scores),
                black_box(&codes),
                20,
                Some(&weights),
                &NpsOptions::default(),
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
