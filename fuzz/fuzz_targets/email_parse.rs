//! Any text as an email address under any options: never a panic, the
//! borrowing parse borrows only from the input and agrees with the owned
//! one, and a valid address's normalized form parses to itself.
#![no_main]

use crmkit::contact::email::{EmailLists, EmailOptions, parse_parts, parse_with};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

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
    let p = parse_parts(text, &options, lists);
    let inside = |c: &Option<Cow<'_, str>>| match c {
        Some(Cow::Borrowed(s)) => {
            let (start, at) = (text.as_ptr() as usize, s.as_ptr() as usize);
            at >= start && at + s.len() <= start + text.len()
        }
        _ => true,
    };
    for (name, field) in [
        ("normalized", &p.normalized),
        ("dedup_key", &p.dedup_key),
        ("ascii_email", &p.ascii_email),
        ("local_part", &p.local_part),
        ("domain", &p.domain),
        ("ascii_domain", &p.ascii_domain),
    ] {
        assert!(inside(field), "{name} of {text:?} borrows from elsewhere");
    }
    assert_eq!(p.normalized.as_deref(), e.normalized.as_deref());
    assert_eq!(p.dedup_key.as_deref(), e.dedup_key.as_deref());
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
