//! Any text as a category rule file, and any text categorized by a fixed
//! rule set: errors, never panics; spans always point into the text, and
//! under a text limit they end within it.
#![no_main]

use crmkit::complaint::categorize::CategoryRules;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static RULES: OnceLock<CategoryRules> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = CategoryRules::from_toml(text);
    let _ = CategoryRules::from_json(text);
    let rules = RULES.get_or_init(|| {
        CategoryRules::from_toml(
            "version = 'f'\n[[categories]]\nid = 'a'\nany = ['gecik', 'iade', '=ik', 'teslim edilmedi']\nnone = ['iptal']\n",
        )
        .expect("the fixed rule set compiles")
    });
    let c = rules.categorize(text);
    for hit in c.categories.iter().chain(&c.flags) {
        for s in &hit.spans {
            assert_eq!(&text[s.start..s.end], s.text);
        }
    }
    // under a small limit only the start of the text is read
    let cut = rules.with_max_text_bytes(16).categorize(text);
    assert_eq!(cut.truncated, text.len() > 16);
    for s in cut
        .categories
        .iter()
        .chain(&cut.flags)
        .flat_map(|h| &h.spans)
    {
        assert!(s.end <= 16, "{s:?} lies past the limit");
    }
});
