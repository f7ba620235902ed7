#[path = "support/cpu_time.rs"]
mod cpu_time;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::contact::phone::{PhoneOptions, PhoneParser, Region, region, with_thread_parser};
use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat};
use std::hint::black_box;
use std::time::Duration;

/// A small deterministic generator (64-bit LCG), so every run sees the same
/// numbers.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// How a Turkish national significant number `d` (10 digits) is written.
fn tr_style(g: &mut Lcg, d: &str) -> String {
    let (a, b, c, e) = (&d[..3], &d[3..6], &d[6..8], &d[8..]);
    match g.below(12) {
        0 => format!("0{a} {b} {c} {e}"),
        1 => format!("+90 ({a}) {b}-{c}{e}"),
        2 => format!("90{d}"),
        3 => d.to_owned(),
        4 => format!("0 ({a}) {b} {c} {e}"),
        5 => format!("+90{d}"),
        6 => format!("0090 {a} {b} {c}{e}"),
        7 => format!("0{a}-{b}-{c}-{e}"),
        8 => format!("({a}) {b} {c} {e}"),
        9 => format!("0{d}"),
        10 => format!("+90 0{a} {b} {c} {e}"),
        _ => format!("+90 {a} {b} {c} {e}"),
    }
}

/// What people add to or get wrong in a number.
fn mess(g: &mut Lcg, s: String) -> String {
    match g.below(14) {
        0 => format!("{} {s}", g.pick(&["Tel:", "Cep:", "GSM", "cep", "Mobil:"])),
        1 => {
            let n = 1 + g.below(3);
            format!("{s} dahili {}", g.digits(n))
        }
        2 => format!("{s} / {}", g.digits(2)),
        3 => format!("{s} dah. {}", g.digits(2)),
        4 => {
            // a dropped digit
            let i = g.below(s.len());
            let mut t = s.clone();
            if t.is_char_boundary(i) && t.as_bytes()[i].is_ascii_digit() {
                t.remove(i);
            }
            t
        }
        5 => format!("{s}{}", g.digits(1)),
        6 => s.replacen('0', "O", 1),
        7 => s
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
                c => c,
            })
            .collect(),
        8 => s.replace(' ', ""),
        _ => s,
    }
}

/// About 2,000 messy Turkish, US, British and German numbers as CRMs hold
/// them, each with the default region it would be read with.
fn numbers() -> Vec<(String, Region)> {
    let mut g = Lcg(20_261_202);
    let tr = region("TR").unwrap();
    let us = region("US").unwrap();
    let mobile = [
        "501", "505", "506", "507", "530", "531", "532", "533", "535", "536", "537", "538", "539",
        "541", "542", "543", "544", "545", "546", "549", "551", "552", "553", "554", "555", "559",
    ];
    let fixed = [
        "212", "216", "312", "232", "224", "242", "322", "262", "352", "332", "850", "800", "900",
    ];
    let mut out = Vec::new();
    while out.len() < 2000 {
        let (text, r) = match g.below(10) {
            0..=4 => {
                let d = format!("{}{}", g.pick(&mobile), g.digits(7));
                (tr_style(&mut g, &d), tr)
            }
            5 | 6 => {
                let d = format!("{}{}", g.pick(&fixed), g.digits(7));
                (tr_style(&mut g, &d), tr)
            }
            7 => {
                let d = format!("444{}", g.digits(4));
                let s = match g.below(3) {
                    0 => d.clone(),
                    1 => format!("{} {} {}", &d[..3], &d[3..4], &d[4..]),
                    _ => format!("0{} {}", &d[..3], &d[3..]),
                };
                (s, tr)
            }
            8 => {
                let area = g.pick(&["202", "212", "415", "617", "651", "312", "713"]);
                let (x, y) = (g.digits(3), g.digits(4));
                let s = match g.below(5) {
                    0 => format!("({area}) {x}-{y}"),
                    1 => format!("{area}-{x}-{y}"),
                    2 => format!("+1 {area} {x} {y}"),
                    3 => format!("1-{area}-{x}-{y} x{}", g.digits(3)),
                    _ => format!("{area}.{x}.{y}"),
                };
                (s, us)
            }
            _ => {
                let s = match g.below(2) {
                    0 => format!("+44 20 {} {}", g.digits(4), g.digits(4)),
                    _ => format!("+49 30 {}", g.digits(7)),
                };
                (s, if g.below(2) == 0 { tr } else { us })
            }
        };
        let text = if g.below(3) == 0 {
            mess(&mut g, text)
        } else {
            text
        };
        out.push((text, r));
    }
    out
}

/// `threads`: also time two threads (wall clock only; the CPU-time
/// measurement counts the calling thread alone).
fn bench_with<M: Measurement>(c: &mut Criterion<M>, group: &str, threads: bool) {
    let input = numbers();
    let lean = PhoneOptions { formats: false };
    let full = PhoneOptions::default();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(input.len() as u64));
    // parse + validate + E.164 (+ type, region, extension, suggestion)
    g.bench_function("parse_validate_e164_2000", |b| {
        b.iter(|| count_valid(PhoneParser::shared(), &input, &lean))
    });
    // the same and the national and international formats
    g.bench_function("parse_validate_format_2000", |b| {
        b.iter(|| count_valid(PhoneParser::shared(), &input, &full))
    });
    // what the crate underneath does alone on the same numbers: parse +
    // is_valid + E.164, the pipeline the Python bench times phonenumbers on
    // (no labels, extensions, type or region); the floor for `parse_with`
    g.bench_function("rlibphonenumber_parse_valid_e164_2000", |b| {
        b.iter(|| lib_pipeline(black_box(&input)))
    });
    g.finish();
    inputs_from_bench(c, group, threads);
}

/// `parse_with` on every number (the free function is the shared parser's
/// method); counts valid numbers.
fn count_valid(p: &PhoneParser, input: &[(String, Region)], options: &PhoneOptions) -> usize {
    input
        .iter()
        .filter(|(n, r)| p.parse_with(black_box(n), Some(*r), options).valid)
        .count()
}

/// parse + is_valid + E.164 with rlibphonenumber only; counts valid numbers.
fn lib_pipeline(input: &[(String, Region)]) -> usize {
    input
        .iter()
        .filter_map(|(n, r)| PHONE_NUMBER_UTIL.parse(n, Some(*r)).ok())
        .filter(|n| n.is_valid())
        .filter(|n| !black_box(n.format_as(PhoneNumberFormat::E164)).is_empty())
        .count()
}

/// The 100,000 numbers of the Python side-by-side bench
/// (`bench/contact_phone.py`), when `../shared/peers/contact_inputs.py` has
/// written them to `bench/out/data/phones.jsonl`: `parse_with` against the
/// bare crate on exactly the inputs the Python figures come from.
fn inputs_from_bench<M: Measurement>(c: &mut Criterion<M>, group: &str, threads: bool) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/out/data/phones.jsonl"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipping {group}_inputs: {path} is absent (see bench/README.md)");
        return;
    };
    let input: Vec<(String, Region)> = text
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("a JSON row");
            let raw = row["raw"].as_str().expect("a raw number").to_owned();
            let r = row["region"].as_str().unwrap_or("TR");
            (raw, region(r).expect("a known region"))
        })
        .collect();
    let lean = PhoneOptions { formats: false };
    let mut g = c.benchmark_group(format!("{group}_inputs"));
    g.throughput(Throughput::Elements(input.len() as u64));
    g.sample_size(10);
    g.bench_function("parse_validate_e164_100000", |b| {
        b.iter(|| count_valid(PhoneParser::shared(), &input, &lean))
    });
    g.bench_function("rlibphonenumber_parse_valid_e164_100000", |b| {
        b.iter(|| lib_pipeline(black_box(&input)))
    });
    if threads {
        // half the numbers on the calling thread, half on a rayon worker
        // (which lives on between iterations, as in the Python batches):
        // first both on the one shared parser, then the worker with a
        // parser of its own (`with_thread_parser`)
        let (first, second) = input.split_at(input.len() / 2);
        let two = |own: bool| {
            let mut theirs = 0;
            let mine = rayon::in_place_scope(|s| {
                s.spawn(|_| {
                    theirs = if own {
                        with_thread_parser(|p| count_valid(p, second, &lean))
                    } else {
                        count_valid(PhoneParser::shared(), second, &lean)
                    }
                });
                count_valid(PhoneParser::shared(), first, &lean)
            });
            mine + theirs
        };
        g.bench_function("parse_validate_e164_2_threads_one_parser_100000", |b| {
            b.iter(|| two(false))
        });
        g.bench_function("parse_validate_e164_2_threads_a_parser_each_100000", |b| {
            b.iter(|| two(true))
        });
    }
    g.finish();
}

fn wall(c: &mut Criterion) {
    bench_with(c, "phone", true);
}

fn cpu(c: &mut Criterion<cpu_time::CpuTime>) {
    bench_with(c, "phone_cpu", false);
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
