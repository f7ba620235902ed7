//! The Turkish national identity number (T.C. Kimlik No, TCKN): eleven
//! digits, the first not zero, the last two check digits:
//! d10 = (7·(d1+d3+d5+d7+d9) − (d2+d4+d6+d8)) mod 10 and
//! d11 = (d1+…+d10) mod 10.
//!
//! ```
//! use crmkit::identity::tckn::{is_valid_tckn, normalize_tckn};
//! assert!(is_valid_tckn("10000000146"));
//! assert!(!is_valid_tckn("10000000147"));
//! assert_eq!(normalize_tckn(" 100 000 001 46 ").as_deref(), Some("10000000146"));
//! assert_eq!(normalize_tckn("12345678901"), None);
//! ```

/// Whether `s` is exactly eleven ASCII digits forming a valid TCKN.
pub fn is_valid_tckn(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) || b[0] == b'0' {
        return false;
    }
    let d: Vec<i32> = b.iter().map(|c| i32::from(c - b'0')).collect();
    let odd = d[0] + d[2] + d[4] + d[6] + d[8];
    let even = d[1] + d[3] + d[5] + d[7];
    let d10 = (7 * odd - even).rem_euclid(10);
    let d11 = (d[..10].iter().sum::<i32>()) % 10;
    d[9] == d10 && d[10] == d11
}

/// The digits of `s` (spaces, dots and dashes removed) when they form a valid
/// TCKN; `None` otherwise.
pub fn normalize_tckn(s: &str) -> Option<String> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect();
    is_valid_tckn(&digits).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Completes nine digits into a valid TCKN.
    fn complete(nine: &[u8; 9]) -> String {
        let d: Vec<i32> = nine.iter().map(|&x| i32::from(x)).collect();
        let d10 =
            (7 * (d[0] + d[2] + d[4] + d[6] + d[8]) - (d[1] + d[3] + d[5] + d[7])).rem_euclid(10);
        let d11 = (d.iter().sum::<i32>() + d10) % 10;
        let mut s: String = nine.iter().map(|x| char::from(b'0' + x)).collect();
        s.push(char::from(b'0' + d10 as u8));
        s.push(char::from(b'0' + d11 as u8));
        s
    }

    proptest! {
        #[test]
        fn completed_numbers_are_valid_and_single_digit_changes_are_not(
            first in 1u8..10, rest in prop::array::uniform8(0u8..10), pos in 0usize..11, delta in 1u8..10,
        ) {
            let mut nine = [0u8; 9];
            nine[0] = first;
            nine[1..].copy_from_slice(&rest);
            let id = complete(&nine);
            prop_assert!(is_valid_tckn(&id));
            let mut bytes = id.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            // the last check digit catches every single-digit change
            prop_assert!(!is_valid_tckn(&changed));
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "0000000000",
            "01234567890",
            "1000000014a",
            "100000001466",
        ] {
            assert!(!is_valid_tckn(s), "{s}");
        }
    }
}
