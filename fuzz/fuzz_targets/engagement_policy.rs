//! Any text as a contact policy (TOML and JSON): errors, never panics. A
//! policy that reads lints and runs its own examples, reads back from its
//! JSON form as the same policy, and decides on a fixed profile with a
//! request and a moment taken from the input.
#![no_main]

use crmkit::engagement::event::Event;
use crmkit::engagement::{Channel, Policy, Profile, Purpose, Request, decide};
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static PROFILE: OnceLock<Profile> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let profile = PROFILE.get_or_init(|| {
        let mut p = Profile::new("c1");
        for e in Event::read_json(concat!(
            r#"{"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial", "granted": true}"#, "\n",
            r#"{"type": "contact", "customer": "c1", "time": "2026-11-30T10:00:00+03:00", "channel": "sms", "campaign": "X"}"#, "\n",
            r#"{"type": "survey", "customer": "c1", "time": "2026-11-20T10:00:00+03:00", "metric": "nps", "value": 4}"#, "\n",
            r#"{"type": "complaint_opened", "customer": "c1", "time": "2026-11-25T10:00:00+03:00", "complaint": "K1", "category": "billing"}"#, "\n",
        ))
        .expect("the fixed events read")
        {
            p.apply(&e);
        }
        p
    });
    let seed = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    // 2026-11-01 .. about 2027-01, in whole minutes
    let now =
        Timestamp::from_second(1_793_491_200 + (seed % 90_000) as i64 * 60).expect("in range");
    for policy in [Policy::from_toml(text), Policy::from_json(text)]
        .into_iter()
        .flatten()
    {
        let _ = policy.lint();
        let json = serde_json::to_string(&policy).expect("a policy serializes");
        let back = Policy::from_json(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(back, policy, "{json}");
        let mut request = Request::new(Purpose::ALL[(seed >> 20) as usize % Purpose::ALL.len()]);
        if seed & 1 == 1 {
            request = request.on(Channel::ALL[(seed >> 24) as usize % Channel::ALL.len()]);
        }
        if seed & 2 == 2 {
            request = request.for_campaign("X");
        }
        let d = decide(profile, &request, &policy, now);
        assert!(!d.reasons.is_empty(), "a decision always says why");
        assert_eq!(
            d.allowed,
            !d.reasons.iter().any(|r| r.code.denies()),
            "{d:?}"
        );
    }
});
