//! A linear text classifier trained in Rust from labelled complaints.
