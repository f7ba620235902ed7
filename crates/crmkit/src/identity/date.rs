//! Birth dates as customer systems write them.
//!
//! Accepted: `19690716`, `1969-07-16` (also with `/` or `.`, and a time
//! after a `T` or a space), `16.07.1969`, `16/07/1969`, `16-07-1969`,
//! `07/16/1969` (month first), and month names in English or Turkish
//! (`16 Temmuz 1969`, `July 16, 1969`, `16 Jul 1969`, `16 Ağustos 1969`).
//! Two-digit years are not accepted: a birth year cannot be guessed safely.
//!
//! For `aa/bb/yyyy`, a part above 12 decides which is the day; otherwise the
//! [`DateOrder`] decides (month first for US records, day first elsewhere).
//!
//! ```
//! use crmkit::identity::date::{parse_date, DateOrder};
//! let d = |s| parse_date(s, DateOrder::DayFirst).map(|d| d.to_string());
//! assert_eq!(d("16.07.1969").as_deref(), Some("1969-07-16"));
//! assert_eq!(d("19690716").as_deref(), Some("1969-07-16"));
//! assert_eq!(d("16 Temmuz 1969").as_deref(), Some("1969-07-16"));
//! assert_eq!(d("07/16/1969").as_deref(), Some("1969-07-16")); // 16 cannot be a month
//! assert_eq!(parse_date("08/06/1968", DateOrder::MonthFirst).map(|d| d.to_string()).as_deref(), Some("1968-08-06"));
//! assert_eq!(d("31.02.1990"), None);
//! ```

use jiff::civil::Date;

/// Which comes first in an ambiguous `aa/bb/yyyy` date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Day, then month (Türkiye, most of the world).
    #[default]
    DayFirst,
    /// Month, then day (United States).
    MonthFirst,
}

impl DateOrder {
    /// The usual order for an ISO 3166 country code (`US` → month first).
    pub fn for_country(country: Option<&str>) -> DateOrder {
        match country.map(str::trim) {
            Some(c) if c.eq_ignore_ascii_case("US") || c.eq_ignore_ascii_case("USA") => {
                DateOrder::MonthFirst
            }
            _ => DateOrder::DayFirst,
        }
    }
}

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan", 1),
    ("ocak", 1),
    ("february", 2),
    ("feb", 2),
    ("subat", 2),
    ("march", 3),
    ("mar", 3),
    ("mart", 3),
    ("april", 4),
    ("apr", 4),
    ("nisan", 4),
    ("may", 5),
    ("mayis", 5),
    ("june", 6),
    ("jun", 6),
    ("haziran", 6),
    ("july", 7),
    ("jul", 7),
    ("temmuz", 7),
    ("august", 8),
    ("aug", 8),
    ("agustos", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("eylul", 9),
    ("october", 10),
    ("oct", 10),
    ("ekim", 10),
    ("november", 11),
    ("nov", 11),
    ("kasim", 11),
    ("december", 12),
    ("dec", 12),
    ("aralik", 12),
];

fn month_named(word: &str) -> Option<i8> {
    let key = crate::text::match_key(word);
    MONTHS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, m)| *m)
}

/// Year, month and day as written, checked only for their ranges
/// (year 1000–2999, month 1–12, day 1–31), not against the calendar.
type Parts = (i16, i8, i8);

fn parts(y: i64, m: i64, d: i64) -> Option<Parts> {
    let (y, m, d) = (
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    );
    ((1000..=2999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// Parses a birth date; `None` when it is not a date in a known format or
/// not a day of the calendar (`31.02.1990`).
pub fn parse_date(s: &str, order: DateOrder) -> Option<Date> {
    let (y, m, d) = parse_parts(s, order)?;
    Date::new(y, m, d).ok()
}

/// The birth date as a number `yyyymmdd` for comparing records, or `None`
/// when `s` is not written as a date at all.
///
/// Unlike [`parse_date`], a date in a known format whose day does not exist
/// (`31.02.1990`, a typing error) keeps its digits: two records born on
/// `31.02.1990` and `13.02.1990` are close, and neither agrees with a
/// namesake born in 1987. Treating such a date as missing would let a
/// record stand between two namesakes with different birth dates.
///
/// ```
/// use crmkit::identity::date::{date_key, DateOrder};
/// assert_eq!(date_key("16.07.1969", DateOrder::DayFirst), Some(19690716));
/// assert_eq!(date_key("31/02/1990", DateOrder::DayFirst), Some(19900231));
/// assert_eq!(date_key("unknown", DateOrder::DayFirst), None);
/// assert_eq!(date_key("1990-13-01", DateOrder::DayFirst), None);
/// ```
pub fn date_key(s: &str, order: DateOrder) -> Option<u32> {
    let (y, m, d) = parse_parts(s, order)?;
    u32::try_from(i32::from(y) * 10_000 + i32::from(m) * 100 + i32::from(d)).ok()
}

fn parse_parts(s: &str, order: DateOrder) -> Option<Parts> {
    let s = s.trim();
    // drop a time part: "1969-07-16T00:00:00", "1969-07-16 00:00"
    let s = s
        .split(['T', ' '])
        .next()
        .filter(|head| {
            head.len() >= 8
                && head
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"-/.".contains(&b))
        })
        .unwrap_or(s);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        return parts(n / 10_000, n / 100 % 100, n % 100);
    }
    let words: Vec<&str> = s
        .split(['-', '/', '.', ',', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    if words.len() != 3 {
        return None;
    }
    let num = |p: &str| -> Option<i64> {
        (p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let nums: Vec<Option<i64>> = words.iter().map(|p| num(p)).collect();
    match (nums[0], nums[1], nums[2]) {
        // year first
        (Some(y), Some(m), Some(d)) if words[0].len() == 4 => parts(y, m, d),
        // year last
        (Some(a), Some(b), Some(y)) if words[2].len() == 4 => {
            let (d, m) = match order {
                _ if a > 12 => (a, b),
                _ if b > 12 => (b, a),
                DateOrder::DayFirst => (a, b),
                DateOrder::MonthFirst => (b, a),
            };
            parts(y, m, d)
        }
        // "16 Temmuz 1969"
        (Some(d), None, Some(y)) if words[2].len() == 4 => {
            parts(y, i64::from(month_named(words[1])?), d)
        }
        // "July 16, 1969"
        (None, Some(d), Some(y)) if words[2].len() == 4 => {
            parts(y, i64::from(month_named(words[0])?), d)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats() {
        let iso = |s: &str, o| parse_date(s, o).map(|d| d.to_string());
        let f = DateOrder::DayFirst;
        assert_eq!(iso("1969-07-16T00:00:00", f).as_deref(), Some("1969-07-16"));
        assert_eq!(iso("1969/07/16", f).as_deref(), Some("1969-07-16"));
        assert_eq!(iso("July 16, 1969", f).as_deref(), Some("1969-07-16"));
        assert_eq!(iso("16 AĞUSTOS 1969", f).as_deref(), Some("1969-08-16"));
        assert_eq!(iso("16-07-1969", f).as_deref(), Some("1969-07-16"));
        for bad in [
            "",
            "1969",
            "16.07.69",
            "abc",
            "00000000",
            "1969-13-01",
            "16 Foo 1969",
        ] {
            assert_eq!(parse_date(bad, f), None, "{bad}");
        }
        assert_eq!(DateOrder::for_country(Some("us")), DateOrder::MonthFirst);
        assert_eq!(DateOrder::for_country(Some("TR")), DateOrder::DayFirst);
    }

    proptest! {
        #[test]
        fn every_written_form_reads_back(y in 1900i16..2030, m in 1i8..=12, d in 1i8..=28) {
            let want = Date::new(y, m, d).unwrap();
            for (s, o) in [
                (format!("{y:04}{m:02}{d:02}"), DateOrder::DayFirst),
                (format!("{y:04}-{m:02}-{d:02}"), DateOrder::MonthFirst),
                (format!("{d:02}.{m:02}.{y:04}"), DateOrder::DayFirst),
                (format!("{m:02}/{d:02}/{y:04}"), DateOrder::MonthFirst),
            ] {
                prop_assert_eq!(parse_date(&s, o), Some(want), "{}", s);
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse_date(&s, DateOrder::DayFirst);
            let _ = date_key(&s, DateOrder::MonthFirst);
        }

        #[test]
        fn the_key_of_a_real_date_is_that_date(s in "[0-9]{1,4}[-./ ][0-9]{1,2}[-./ ][0-9]{1,4}") {
            for o in [DateOrder::DayFirst, DateOrder::MonthFirst] {
                if let Some(d) = parse_date(&s, o) {
                    let want = i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day());
                    prop_assert_eq!(date_key(&s, o), u32::try_from(want).ok());
                }
            }
        }
    }
}
