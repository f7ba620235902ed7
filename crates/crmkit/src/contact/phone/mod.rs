//! Phone numbers: pre-parse how people write numbers, then parse and validate with libphonenumber metadata.
