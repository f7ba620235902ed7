#[path = "support/cpu_time.rs"]
mod cpu_time;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::contact::email::{EmailLists, EmailOptions, parse_parts, parse_with};
use std::hint::black_box;
use std::time::Duration;

/// A mix like a Turkish B2C CRM's: free providers, company domains, Turkish
/// letters, plus-tags, a few typos and invalid entries.
fn addresses() -> Vec<String> {
    let locals = [
        "ayse.yilmaz",
        "Mehmet.Kaya",
        "zeynep+kampanya",
        "can_ozturk",
        "info",
        "destek",
        "ali.veli1985",
        "şükrü",
        "e.demir",
    ];
    let domains = [
        "gmail.com",
        "hotmail.com",
        "hotmail.com.tr",
        "yandex.com.tr",
        "outlook.com",
        "firma.com.tr",
        "metu.edu.tr",
        "ankara.bel.tr",
        "mailinator.com",
        "gmial.com",
        "example.org",
        "superonline.com",
        "ornek-sirket.com",
    ];
    let mut out = Vec::new();
    for (i, l) in locals.iter().cycle().take(1000).enumerate() {
        let d = domains[i % domains.len()];
        out.push(match i % 50 {
            0 => format!("{l}@@{d}"),
            1 => format!("{l}{d}"),
            _ => format!("{l}@{d}"),
        });
    }
    out
}

/// 20,000 addresses of which half are at about 10,000 company domains that
/// occur once or twice (each customer's employer; more than the per-thread
/// domain caches hold, so they miss as on a real CRM export) and half at
/// the big providers.
fn varied_addresses() -> Vec<String> {
    let providers = [
        "gmail.com",
        "hotmail.com",
        "outlook.com",
        "yandex.com.tr",
        "icloud.com",
    ];
    let syllables = [
        "ak", "demir", "yol", "tek", "nar", "su", "kar", "ege", "bil", "net", "soft", "lojistik",
    ];
    let tlds = ["com", "com.tr", "net", "org", "de", "co.uk"];
    let mut state: u64 = 20_261_202;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % n as u64) as usize
    };
    (0..20_000)
        .map(|i| {
            let local = format!("{}.{}{}", syllables[next(12)], syllables[next(12)], i % 97);
            if next(2) == 0 {
                format!("{local}@{}", providers[next(5)])
            } else {
                let company = format!(
                    "{}{}{}",
                    syllables[next(12)],
                    syllables[next(12)],
                    next(100_000)
                );
                format!("{local}@{company}.{}", tlds[next(6)])
            }
        })
        .collect()
}

fn bench_with<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    let varied = varied_addresses();
    let input = addresses();
    let options = EmailOptions::default();
    let lists = EmailLists::builtin();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(input.len() as u64));
    g.bench_function("parse_classify_dedup_1000", |b| {
        b.iter(|| {
            input
                .iter()
                .map(|a| parse_with(black_box(a), &options, lists).valid as usize)
                .sum::<usize>()
        })
    });
    // the borrowing form batch work uses: the same parse, classification,
    // dedup key and suggestion without copying texts the input already holds
    g.bench_function("parse_parts_1000", |b| {
        b.iter(|| {
            input
                .iter()
                .map(|a| parse_parts(black_box(a), &options, lists).valid as usize)
                .sum::<usize>()
        })
    });
    g.throughput(Throughput::Elements(varied.len() as u64));
    g.bench_function("parse_classify_dedup_varied_20000", |b| {
        b.iter(|| {
            varied
                .iter()
                .map(|a| parse_with(black_box(a), &options, lists).valid as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("parse_parts_varied_20000", |b| {
        b.iter(|| {
            varied
                .iter()
                .map(|a| parse_parts(black_box(a), &options, lists).valid as usize)
                .sum::<usize>()
        })
    });
    g.finish();
}

fn wall(c: &mut Criterion) {
    bench_with(c, "email");
}

fn cpu(c: &mut Criterion<cpu_time::CpuTime>) {
    bench_with(c, "email_cpu");
}

criterion_group!(wall_clock, wall);
criterion_group! {
    name = cpu_clock;
    config = Criterion::default()
        .with_measurement(cpu_time::CpuTime::default())
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    targets = cpu
}
criterion_main!(wall_clock, cpu_clock);
