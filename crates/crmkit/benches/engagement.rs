//! Customer 360 hot paths on a store of 100,000 customers built from a
//! realistic mix of about a million events (consents, contacts with their
//! outcomes, campaign answers, surveys, complaints, purchases): applying
//! one event, and deciding on one channel or on the best channel.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crmkit::engagement::event::{Event, EventKind, Metric, Response};
use crmkit::engagement::{Channel, Policy, Purpose, Request, Store};
use jiff::{SignedDuration, Timestamp};
use std::hint::black_box;

const CUSTOMERS: u64 = 100_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn channel(r: u64) -> Channel {
    Channel::ALL[(r % 3) as usize]
}

/// One event for `customer` at `time`, drawn from the mix.
fn event(rng: &mut Rng, customer: u64, time: Timestamp) -> Event {
    let r = rng.next();
    let kind = match r % 100 {
        0..=14 => EventKind::Consent {
            channel: channel(r >> 8),
            purpose: Purpose::Commercial,
            granted: !(r >> 16).is_multiple_of(5),
            recipient: None,
        },
        15..=59 => EventKind::Contact {
            channel: channel(r >> 8),
            campaign: Some(format!("C{}", (r >> 16) % 20)),
            outcome: match (r >> 24) % 10 {
                0 => Some("550 5.1.1 user unknown".to_owned()),
                1 => Some("stat:UNDELIV err:001".to_owned()),
                2..=6 => Some("stat:DELIVRD err:000".to_owned()),
                _ => None,
            },
        },
        60..=69 => EventKind::CampaignResponse {
            campaign: format!("C{}", (r >> 16) % 20),
            channel: channel(r >> 8),
            response: [Response::Positive, Response::Negative, Response::OptOut]
                [((r >> 24) % 3) as usize],
        },
        70..=79 => EventKind::Survey {
            metric: Metric::Nps,
            value: ((r >> 8) % 11) as f64,
            touchpoint: Some("app".to_owned()),
        },
        80..=84 => EventKind::ComplaintOpened {
            complaint: format!("K{}", (r >> 8) % 3),
            category: "billing".to_owned(),
            priority: None,
        },
        85..=89 => EventKind::ComplaintResolved {
            complaint: format!("K{}", (r >> 8) % 3),
            category: "billing".to_owned(),
            priority: None,
        },
        _ => EventKind::Purchase {
            amount: ((r >> 8) % 100_000) as f64 / 100.0,
            currency: Some("TRY".to_owned()),
            product: "kettle".to_owned(),
        },
    };
    Event::new(time, format!("c{customer:06}"), kind)
}

fn bench(c: &mut Criterion) {
    let start: Timestamp = "2026-10-01T00:00:00Z".parse().unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let store = Store::new(Policy::default());
    for i in 0..CUSTOMERS * 10 {
        let time = start + SignedDuration::from_secs((rng.next() % (60 * 86_400)) as i64);
        store.apply(&event(&mut rng, i % CUSTOMERS, time));
    }
    let later: Vec<Event> = (0..CUSTOMERS * 2)
        .map(|i| {
            let time = start + SignedDuration::from_secs(60 * 86_400 + i as i64);
            event(&mut rng, (i * 7919) % CUSTOMERS, time)
        })
        .collect();
    let customers: Vec<String> = (0..CUSTOMERS).map(|i| format!("c{i:06}")).collect();
    let now: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
    let on_sms = Request::new(Purpose::Commercial)
        .on(Channel::Sms)
        .for_campaign("C3");
    let best = Request::new(Purpose::Commercial);

    let mut g = c.benchmark_group("engagement");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("apply_100k_customers", |b| {
        b.iter(|| {
            store.apply(black_box(&later[i % later.len()]));
            i += 1;
        })
    });
    let mut i = 0;
    g.bench_function("decide_sms_100k_customers", |b| {
        b.iter(|| {
            i += 1;
            store.decide(
                black_box(&customers[(i * 31) % customers.len()]),
                &on_sms,
                now,
            )
        })
    });
    let mut i = 0;
    g.bench_function("decide_best_channel_100k_customers", |b| {
        b.iter(|| {
            i += 1;
            store.decide(
                black_box(&customers[(i * 31) % customers.len()]),
                &best,
                now,
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
