//! Any text as a complaint event log (a JSON array, or one event per line):
//! errors, never panics. A log that reads is replayed with `sla_state` under
//! a fixed policy on the built-in calendar, at a moment after its last event
//! taken from the input: the state must not depend on the order the events
//! were written in, and its clocks must be within their documented ranges.
#![no_main]

use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::sla::SlaPolicy;
use crmkit::complaint::sla::history::{ClockStatus, ComplaintEvent, ComplaintStatus, sla_state};
use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static FIXED: OnceLock<(SlaPolicy, Calendar)> = OnceLock::new();

const WARN_AT: [u32; 3] = [50, 75, 100];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(log) = crmkit::tabular::json_rows::<ComplaintEvent>(text) else {
        return;
    };
    let (policy, calendar) = FIXED.get_or_init(|| {
        let policy = SlaPolicy::from_toml(
            "version = 'f'\n[default]\nfirst_response_hours = 4\nupdate_hours = 8\nresolution_hours = 18\n\
             [[overrides]]\npriority = 'urgent'\nresolution_hours = 6\n\
             [[overrides]]\ncategory = 'fraud'\nfirst_response_hours = 1\nupdate_hours = 2.5\n",
        )
        .expect("the fixed policy reads");
        (policy, Calendar::turkey_2026_2027())
    });
    let seed = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let last = log
        .iter()
        .map(|e| e.at)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let Ok(now) = last.checked_add(SignedDuration::from_mins((seed % 20_000) as i64)) else {
        return;
    };
    let state = sla_state(&log, policy, calendar, now, &WARN_AT);
    let mut reversed = log.clone();
    reversed.reverse();
    let again = sla_state(&reversed, policy, calendar, now, &WARN_AT);
    assert_eq!(
        state.is_ok(),
        again.is_ok(),
        "{state:?} but reversed {again:?}"
    );
    let Ok(state) = state else {
        return;
    };
    assert_eq!(
        Ok(&state),
        again.as_ref(),
        "the order of the log changed the state"
    );
    assert_eq!(
        state.status == ComplaintStatus::Paused,
        state.pause_reason.is_some()
    );
    for clock in state.clocks() {
        assert!(
            clock.used >= SignedDuration::ZERO && clock.paused >= SignedDuration::ZERO,
            "{clock:?}"
        );
        assert_eq!(clock.breached, clock.breached_at.is_some(), "{clock:?}");
        assert!(clock.breaches >= u32::from(clock.breached), "{clock:?}");
        if clock.status == ClockStatus::NotStarted {
            assert_eq!(clock.used, SignedDuration::ZERO, "{clock:?}");
        }
        assert!(
            clock
                .warnings
                .windows(2)
                .all(|w| w[0].percent < w[1].percent),
            "{clock:?}"
        );
        assert!(
            clock
                .warnings
                .iter()
                .all(|w| WARN_AT.contains(&w.percent) && w.at <= now),
            "{clock:?}"
        );
    }
    // the C ABI's JSON of a state is the serde form
    let json = serde_json::to_string(&state).expect("a state serializes");
    assert!(json.starts_with("{\"status\":"));
});
