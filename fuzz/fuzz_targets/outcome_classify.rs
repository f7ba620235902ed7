//! Any text as a bounce, DSN or SMS delivery report: never a panic, and the
//! class always goes with a reason of the same family.
#![no_main]

use crmkit::contact::outcome::{Channel, OutcomeClass, classify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for channel in [Channel::Email, Channel::Sms] {
        let o = classify(&text, channel);
        if o.class == OutcomeClass::Success {
            assert!(
                matches!(o.reason.as_str(), "delivered" | "engaged"),
                "{o:?}"
            );
        }
        assert_eq!(o.channel, channel);
    }
});
