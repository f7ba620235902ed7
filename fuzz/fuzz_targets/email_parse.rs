//! Any text as an email address under any options: never a panic, and a
//! valid address's normalized form parses to itself.
#![no_main]

use crmkit::contact::email::{EmailLists, EmailOptions, parse_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let options = EmailOptions {
        allow_smtputf8: flags & 1 == 0,
        allow_quoted_local: flags & 2 != 0,
        allow_domain_literal: flags & 4 != 0,
        allow_display_name: flags & 8 != 0,
        strict: flags & 16 != 0,
        test_environment: flags & 32 != 0,
        globally_deliverable: flags & 64 == 0,
    };
    let lists = EmailLists::builtin();
    let e = parse_with(text, &options, lists);
    if let (true, Some(n)) = (e.valid, &e.normalized) {
        assert!(e.dedup_key.is_some() && e.kind.is_some());
        let again = parse_with(
            n,
            &EmailOptions {
                allow_display_name: false,
                ..options
            },
            lists,
        );
        assert!(
            again.valid,
            "{text:?} normalized to {n:?}, which is not valid: {:?}",
            again.error
        );
        assert_eq!(again.normalized.as_ref(), Some(n));
    }
});
