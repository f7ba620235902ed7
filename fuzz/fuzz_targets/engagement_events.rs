//! Any text as an event log (a JSON array, or one event per line): errors,
//! never panics. A log that reads gives the same store whatever the order
//! its events are applied in, every event reads back from its JSON form,
//! every profile from its bytes, and every customer can be decided on.
#![no_main]

use crmkit::engagement::event::Event;
use crmkit::engagement::{Policy, Profile, Purpose, Request, Store};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(log) = Event::read_json(text) else {
        return;
    };
    for e in &log {
        let json = serde_json::to_string(e).expect("an event serializes");
        let back: Event = serde_json::from_str(&json).unwrap_or_else(|err| panic!("{json}: {err}"));
        assert_eq!(&back, e, "{json}");
    }
    let forward = Store::new(Policy::default());
    for e in &log {
        forward.apply(e);
    }
    let backward = Store::new(Policy::default());
    for e in log.iter().rev() {
        backward.apply(e);
    }
    let snapshot = forward.snapshot();
    assert_eq!(
        String::from_utf8_lossy(&snapshot),
        String::from_utf8_lossy(&backward.snapshot()),
        "the order of the events changed the store"
    );
    let copy = Store::new(Policy::default());
    copy.restore(&snapshot).expect("a snapshot restores");
    assert_eq!(copy.snapshot(), snapshot);
    let now = "2026-12-01T14:00:00+03:00".parse().expect("a time");
    for (profile, _keys) in forward.profiles() {
        let back = Profile::from_bytes(&profile.to_bytes()).expect("a profile reads back");
        assert_eq!(back, profile);
        for &purpose in Purpose::ALL {
            let d = forward.decide(profile.customer(), &Request::new(purpose), now);
            assert!(!d.reasons.is_empty(), "a decision always says why");
        }
    }
});
