//! Email addresses: parse, validate, normalize, dedup key, classify, suggest typo fixes.
