//! Normalization never panics and every step is idempotent.
#![no_main]

use crmkit::text::{self, CaseRules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let n = text::normalize(s);
    assert_eq!(
        text::normalize(&n),
        n,
        "normalize is not idempotent on {s:?}"
    );
    let n = text::normalize_with(s, CaseRules::Standard);
    assert_eq!(text::normalize_with(&n, CaseRules::Standard), n);
    let f = text::fold_ascii(s);
    assert_eq!(
        text::fold_ascii(&f),
        f,
        "fold_ascii is not idempotent on {s:?}"
    );
    let k = text::match_key(s);
    assert_eq!(
        text::match_key(&k),
        k,
        "match_key is not idempotent on {s:?}"
    );
    assert_eq!(text::tokens(&k).collect::<Vec<_>>().join(" "), k);
});
