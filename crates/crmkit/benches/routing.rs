//! Routing decisions on a 200-rule table over channel, product, category,
//! segment, three keyword flags and amount: the shape of the decision table
//! in `bench/complaint_routing.py`, which puts the same table through
//! GoRules zen-engine. Also: category rules on one text of growing size.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::complaint::categorize::CategoryRules;
use crmkit::complaint::intake::{Channel, Complaint};
use crmkit::complaint::routing::{RoutingState, RuleSet};
use std::fmt::Write;
use std::hint::black_box;

const CHANNELS: &[(&str, Channel)] = &[
    ("web_form", Channel::WebForm),
    ("social_media", Channel::SocialMedia),
    ("hq_walk_in", Channel::HqWalkIn),
    ("complaint_site", Channel::ComplaintSite),
    ("call_center", Channel::CallCenter),
    ("dealer", Channel::Dealer),
    ("qr", Channel::Qr),
    ("kiosk", Channel::Kiosk),
];
const CATEGORIES: &[&str] = &[
    "delivery_late",
    "damaged",
    "refund",
    "billing",
    "card_fraud",
    "credit",
    "staff_behaviour",
    "product_defect",
    "return",
    "installation",
    "warranty",
    "campaign",
    "app_error",
    "privacy",
    "other",
];
const SEGMENTS: &[&str] = &["mass", "gold", "platinum", "sme"];
const DEPTS: &[&str] = &[
    "logistics",
    "returns",
    "finance",
    "credit",
    "product",
    "operations",
    "marketing",
    "legal",
    "regional_ops",
    "it",
];
const FLAGS: &[&str] = &["legal_threat", "cancellation_intent", "fraud"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn sample<'a>(&mut self, pool: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut v: Vec<&str> = pool.to_vec();
        for i in 0..k {
            let j = i + self.below(v.len() - i);
            v.swap(i, j);
        }
        v.truncate(k);
        v
    }
}

fn quoted(v: &[&str]) -> String {
    let q: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", q.join(", "))
}

fn table(n_rules: usize) -> String {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let products: Vec<String> = (0..12).map(|i| format!("p{i:02}")).collect();
    let products: Vec<&str> = products.iter().map(String::as_str).collect();
    let channels: Vec<&str> = CHANNELS.iter().map(|c| c.0).collect();
    let mut t = String::from(
        "version = \"bench\"\nfallback = { department = \"customer_relations\", assignee = \"lead\" }\n",
    );
    t.push_str("[[people]]\nid = \"lead\"\n");
    for d in DEPTS {
        for m in 0..3 {
            writeln!(t, "[[people]]\nid = \"{d}_{m}\"").unwrap();
        }
        writeln!(
            t,
            "[[departments]]\nid = \"{d}\"\nmembers = [\"{d}_0\", \"{d}_1\", \"{d}_2\"]\nfallback = \"customer_relations\""
        )
        .unwrap();
    }
    t.push_str("[[departments]]\nid = \"customer_relations\"\nmembers = [\"lead\"]\n");
    for i in 0..n_rules - 1 {
        let mut when = Vec::new();
        if r.chance(0.5) {
            let k = 1 + r.below(3);
            when.push(format!("channel = {}", quoted(&r.sample(&channels, k))));
        }
        if r.chance(0.6) {
            let k = 1 + r.below(4);
            when.push(format!("product = {}", quoted(&r.sample(&products, k))));
        }
        let k = 1 + r.below(2);
        when.push(format!("category = {}", quoted(&r.sample(CATEGORIES, k))));
        if r.chance(0.4) {
            let k = 1 + r.below(2);
            when.push(format!("segment = {}", quoted(&r.sample(SEGMENTS, k))));
        }
        let flags: Vec<&str> = [0.15, 0.15, 0.1]
            .iter()
            .zip(FLAGS)
            .filter(|(p, _)| r.chance(**p))
            .map(|(_, f)| *f)
            .collect();
        if !flags.is_empty() {
            when.push(format!("flags = {}", quoted(&flags)));
        }
        let a = r.below(100);
        if a < 15 {
            when.push("amount = \"> 5000\"".into());
        } else if a < 30 {
            when.push("amount = \"[100..5000]\"".into());
        }
        let dept = DEPTS[r.below(DEPTS.len())];
        let hours = [4, 8, 24, 48, 72][r.below(5)];
        writeln!(
            t,
            "[[rules]]\nid = \"R{i:03}\"\nwhen = {{ {} }}\ndepartment = \"{dept}\"\nresolution_hours = {hours}",
            when.join(", ")
        )
        .unwrap();
    }
    t.push_str("[[rules]]\nid = \"DEFAULT\"\ndepartment = \"customer_relations\"\n");
    t
}

fn inputs(n: usize) -> Vec<Complaint> {
    let mut r = Rng(0x2545_f491_4f6c_dd1d);
    (0..n)
        .map(|_| {
            let mut c = Complaint::new(CHANNELS[r.below(CHANNELS.len())].1, "");
            c.product = Some(format!("p{:02}", r.below(12)));
            c.category = Some(CATEGORIES[r.below(CATEGORIES.len())].into());
            c.segment = Some(SEGMENTS[r.below(SEGMENTS.len())].into());
            for (p, f) in [0.1, 0.1, 0.05].iter().zip(FLAGS) {
                if r.chance(*p) {
                    c.flags.push((*f).into());
                }
            }
            c.amount = Some((r.below(400_000) as f64) / 100.0);
            c
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::from_toml(&table(200)).expect("the bench table compiles");
    let complaints = inputs(20_000);
    let mut g = c.benchmark_group("routing");
    g.throughput(Throughput::Elements(complaints.len() as u64));
    g.bench_function("route_200_rules_20k", |b| {
        b.iter(|| {
            let mut state = RoutingState::default();
            for c in &complaints {
                black_box(rules.route(black_box(c), &mut state, None).unwrap());
            }
        })
    });
    g.bench_function("route_batch_200_rules_20k", |b| {
        b.iter(|| {
            let mut state = RoutingState::default();
            black_box(
                rules
                    .route_batch(black_box(&complaints), &mut state, None)
                    .unwrap(),
            )
        })
    });
    g.finish();
    let mut g = c.benchmark_group("routing_compile");
    g.bench_function("compile_200_rules", |b| {
        let text = table(200);
        b.iter(|| RuleSet::from_toml(black_box(&text)).unwrap())
    });
    g.finish();
}

/// One complaint text of 100 KB, 1 MB and 10 MB categorized whole (the
/// time per byte stays flat: linear in the text) and under the default
/// limit (the time stays that of the first 64 KiB).
fn categorize_by_size(c: &mut Criterion) {
    let rules = CategoryRules::from_toml(
        r#"
        version = "bench"
        [[categories]]
        id = "late_delivery"
        any = ["gecik", "gelmedi", "teslim edilmedi", "kargo hala"]
        [[categories]]
        id = "refund"
        any = ["iade", "param yatmadi"]
        priority = 5
        "#,
    )
    .expect("the bench rules compile");
    let whole = rules.with_max_text_bytes(usize::MAX);
    let unit = "Siparişim GECİKTİ, kargo hâlâ gelmedi; iadesini istiyorum, avukatıma danışacağım. ";
    let mut g = c.benchmark_group("categorize");
    g.sample_size(10);
    for (name, bytes) in [("100KB", 100_000), ("1MB", 1_000_000), ("10MB", 10_000_000)] {
        let text = unit.repeat(bytes / unit.len() + 1);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("whole_{name}"), |b| {
            b.iter(|| black_box(whole.categorize(black_box(&text))))
        });
        g.bench_function(format!("default_limit_{name}"), |b| {
            b.iter(|| black_box(rules.categorize(black_box(&text))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench, categorize_by_size);
criterion_main!(benches);
