use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::contact::email::{EmailLists, EmailOptions, parse_with};
use std::hint::black_box;

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

fn bench(c: &mut Criterion) {
    let input = addresses();
    let options = EmailOptions::default();
    let lists = EmailLists::builtin();
    let mut g = c.benchmark_group("email");
    g.throughput(Throughput::Elements(input.len() as u64));
    g.bench_function("parse_classify_dedup_1000", |b| {
        b.iter(|| {
            input
                .iter()
                .map(|a| parse_with(black_box(a), &options, lists).valid as usize)
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
