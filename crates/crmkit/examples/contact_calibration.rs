//! Calibration of the default contact validity policy on simulated contact
//! point lifetimes.
//!
//! Run: `cargo run --release -p crmkit --example contact_calibration [N] [SEED]`
//!
//! The simulation (documented in bench/README.md, "Contact validity calibration"):
//! - Points are recorded uniformly over the 6 years before "now", in a mix of
//!   classes like a Turkish B2C CRM: free email 40%, corporate 18%, role 4%,
//!   disposable 2%, education 3%, government 1%, mobile 25% (half prepaid),
//!   landline 7%.
//! - 4% of points are wrong from the start (typos the syntax check cannot see).
//! - A role address (info@, destek@) reaches its customer only when that
//!   customer reads the shared inbox: half of them do.
//! - Each point dies after an exponential lifetime with a class mean:
//!   corporate 3.5 years (job changes), free 9 years (abandonment), role 6,
//!   disposable 20 days, education 3.5, government 6, postpaid mobile 8,
//!   landline 10. A prepaid line inactive for 6 months is cancelled and, with
//!   probability 0.5 within a further 6 months, given to a new owner, after
//!   which messages are delivered again — to the wrong person.
//! - A free mailbox that dies is first "full" (transient failures) for 1–3
//!   months, then deleted (permanent failures). A corporate address bounces
//!   permanently at once.
//! - The company sends each point a message in a month with probability 0.6;
//!   a live point delivers (97%) or fails transiently (3%), and engages with
//!   probability 0.25; the customer contacts the company from a live point in
//!   a month with probability 0.05.
//! - Truth at "now": the point is alive and still its customer's.
//!
//! Reported: Brier score of the default policy, the Brier score of a baseline
//! that predicts the overall base rate, and a reliability table.

use crmkit::contact::score::{ContactPoint, Evidence, EvidenceKind, PointClass, Policy, score};
use jiff::{SignedDuration, Timestamp};

/// xorshift64*: small, seeded, good enough for a simulation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }
}

const DAY: i64 = 86_400;

struct Simulated {
    point: ContactPoint,
    truth: bool,
}

fn simulate(rng: &mut Rng, now: Timestamp) -> Simulated {
    let r = rng.uniform();
    let (class, mean_life_years) = match r {
        r if r < 0.40 => (PointClass::Free, 9.0),
        r if r < 0.58 => (PointClass::Corporate, 3.5),
        r if r < 0.62 => (PointClass::Role, 6.0),
        r if r < 0.64 => (PointClass::Disposable, 20.0 / 365.25),
        r if r < 0.67 => (PointClass::Education, 3.5),
        r if r < 0.68 => (PointClass::Government, 6.0),
        r if r < 0.93 => (PointClass::Mobile, 8.0),
        _ => (PointClass::FixedLine, 10.0),
    };
    let prepaid = class == PointClass::Mobile && rng.chance(0.5);
    let horizon_days = 6 * 365;
    let born = -(rng.uniform() * horizon_days as f64) as i64; // days relative to now
    let wrong_from_start = rng.chance(0.04);
    // a role address (info@, destek@) reaches this customer only if they read that inbox
    let reads_role_inbox = class != PointClass::Role || rng.chance(0.5);
    let death = if wrong_from_start {
        born
    } else {
        born + (rng.exponential(mean_life_years * 365.25)) as i64
    };
    // a free mailbox is full for a while before it is deleted
    let deleted = if class == PointClass::Free {
        death + 30 + (rng.uniform() * 60.0) as i64
    } else {
        death
    };

    let mut point = ContactPoint::new(class);
    point.prepaid = if class == PointClass::Mobile {
        Some(prepaid)
    } else {
        None
    };
    point.first_seen = Some(
        now.checked_add(SignedDuration::from_secs(born * DAY))
            .expect("in range"),
    );

    let mut last_activity = born;
    let mut cancelled_at: Option<i64> = None;
    let mut recycled_at: Option<i64> = None;
    let mut month = born;
    while month < 0 {
        let day = month + (rng.uniform() * 30.0) as i64;
        if day >= 0 {
            break;
        }
        // prepaid lines are cancelled after six silent months, then maybe reissued
        if prepaid && cancelled_at.is_none() && day - last_activity > 182 {
            cancelled_at = Some(day);
            if rng.chance(0.5) {
                recycled_at = Some(day + (rng.uniform() * 182.0) as i64);
            }
        }
        let alive = day < death && cancelled_at.is_none();
        let reissued = recycled_at.is_some_and(|r| day >= r);
        let at = now
            .checked_add(SignedDuration::from_secs(day * DAY))
            .expect("in range");
        let mut push = |kind| point.evidence.push(Evidence::new(at, kind));
        if rng.chance(0.6) {
            if alive || reissued {
                if rng.chance(0.97) {
                    push(EvidenceKind::Delivered);
                    if alive && reads_role_inbox && rng.chance(0.25) {
                        push(EvidenceKind::Engaged);
                        last_activity = day;
                    }
                } else {
                    push(EvidenceKind::Transient);
                }
            } else if class == PointClass::Free && !wrong_from_start && day < deleted {
                push(EvidenceKind::Transient);
            } else if cancelled_at.is_some() && !reissued {
                push(if rng.chance(0.5) {
                    EvidenceKind::Permanent
                } else {
                    EvidenceKind::LongTerm
                });
            } else {
                push(EvidenceKind::Permanent);
            }
        }
        if alive && reads_role_inbox && rng.chance(0.05) {
            push(EvidenceKind::Inbound);
            last_activity = day;
        }
        month += 30;
    }
    let truth = !wrong_from_start && reads_role_inbox && death > 0 && cancelled_at.is_none();
    Simulated { point, truth }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let now: Timestamp = "2026-11-22T00:00:00Z".parse().expect("valid timestamp");
    let policy = Policy::default();
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);

    let mut pairs = Vec::with_capacity(n);
    for _ in 0..n {
        let s = simulate(&mut rng, now);
        let p = score(&s.point, &policy, now).probability;
        pairs.push((p, s.truth));
    }
    let base_rate = pairs.iter().filter(|p| p.1).count() as f64 / n as f64;
    let outcome = |t: bool| if t { 1.0 } else { 0.0 };
    let brier = pairs
        .iter()
        .map(|(p, t)| (p - outcome(*t)).powi(2))
        .sum::<f64>()
        / n as f64;
    let baseline = pairs
        .iter()
        .map(|(_, t)| (base_rate - outcome(*t)).powi(2))
        .sum::<f64>()
        / n as f64;

    println!(
        "contact validity calibration: {n} simulated points, seed {seed}, policy {}",
        policy.version
    );
    println!("base rate (point still reaches its customer): {base_rate:.4}");
    println!("Brier score, default policy: {brier:.4}");
    println!("Brier score, constant base rate: {baseline:.4}");
    println!("Brier skill score: {:.3}", 1.0 - brier / baseline);
    println!();
    println!("| predicted | points | mean predicted | observed |");
    println!("|---|---:|---:|---:|");
    for bin in 0..10 {
        let (lo, hi) = (bin as f64 / 10.0, (bin + 1) as f64 / 10.0);
        let in_bin: Vec<&(f64, bool)> = pairs
            .iter()
            .filter(|(p, _)| *p >= lo && (*p < hi || (bin == 9 && *p <= 1.0)))
            .collect();
        if in_bin.is_empty() {
            continue;
        }
        let mean = in_bin.iter().map(|(p, _)| p).sum::<f64>() / in_bin.len() as f64;
        let observed = in_bin.iter().filter(|(_, t)| *t).count() as f64 / in_bin.len() as f64;
        println!(
            "| {lo:.1}–{hi:.1} | {} | {mean:.3} | {observed:.3} |",
            in_bin.len()
        );
    }
}
