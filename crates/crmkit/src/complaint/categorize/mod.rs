//! Rule-based categorization: keyword and phrase sets on Turkish-aware normalized text, field conditions and high-precision flags.
