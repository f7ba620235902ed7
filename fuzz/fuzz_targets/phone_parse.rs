//! Any text as a phone number (pre-parser and libphonenumber): never a
//! panic, and a valid number's E.164 reads back as itself.
#![no_main]

use crmkit::contact::phone::{parse_in, region};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for r in [region("TR").ok(), region("US").ok(), None] {
        let p = parse_in(text, r);
        if p.valid {
            let e164 = p.e164.clone().expect("a valid number has an E.164 form");
            let again = parse_in(&e164, None);
            assert_eq!(again.e164.as_ref(), Some(&e164));
        }
    }
});
