//! Any text as a business calendar or an SLA policy (TOML and JSON):
//! errors, never panics. A calendar that reads is then used for due times
//! and business time between instants taken from the input, and a policy
//! that reads for due times and escalations on the built-in calendar; the
//! business time added and then measured back must be the time added.
#![no_main]

use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::sla::{OpenComplaint, SlaPolicy, due_times, escalations};
use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

static TURKEY: OnceLock<Calendar> = OnceLock::new();

fn instant(seed: u64) -> Timestamp {
    // 2025-01-01 .. about 2028-03, in whole minutes
    Timestamp::from_second(1_735_689_600 + (seed % 1_700_000) as i64 * 60).expect("in range")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let seed = data
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let start = instant(seed);
    for calendar in [Calendar::from_toml(text), Calendar::from_json(text)]
        .into_iter()
        .flatten()
    {
        let hours = (seed >> 40) % 200;
        let d = SignedDuration::from_secs(hours as i64 * 3600);
        if let Ok(due) = calendar.add_business_time(start, d) {
            assert!(due >= start);
            if let Ok(back) = calendar.business_time_between(start, due) {
                assert_eq!(back, d, "{start} + {d:?} = {due}, measured back {back:?}");
            }
        }
        let _ = calendar.business_time_between(start, instant(seed.rotate_left(17)));
    }
    let turkey = TURKEY.get_or_init(Calendar::turkey_2026_2027);
    for policy in [SlaPolicy::from_toml(text), SlaPolicy::from_json(text)]
        .into_iter()
        .flatten()
    {
        let mut open = OpenComplaint::new("F", "a", start);
        open.category = Some("fraud".into());
        let _ = due_times(&open, &policy, turkey);
        let org: BTreeMap<String, Option<String>> = [
            ("a".to_owned(), Some("b".to_owned())),
            ("b".to_owned(), Some("a".to_owned())),
        ]
        .into();
        if let Ok(told) = escalations(&[open], &org, &policy, turkey, instant(seed >> 7)) {
            for n in told {
                assert_eq!(n.recipients[0], "a");
                assert!(n.recipients.len() <= 2, "a cycle must not repeat people");
            }
        }
    }
});
