//! Conditions on a complaint's fields, shared by categorization rules
//! ([`categorize`](super::categorize)) and routing rules
//! ([`routing`](super::routing)).
//!
//! A numeric condition is a [`Range`], written in a rule file either as a
//! short string or as a table:
//!
//! | form | meaning |
//! |------|---------|
//! | `"> 5000"`, `">= 5000"`, `"< 100"`, `"<= 100"` | one bound |
//! | `"[100..5000]"`, `"(100..5000]"`, `"[100..5000)"`, `"(100..5000)"` | both bounds; `[`/`]` include the end, `(`/`)` exclude it |
//! | `{ gt = 1, gte = 1, lt = 9, lte = 9 }` (`min` = `gte`, `max` = `lte`) | any of the bounds |
//!
//! ```
//! use crmkit::complaint::condition::Range;
//!
//! let r = Range::parse("[100..5000)").unwrap();
//! assert!(r.contains(100.0) && !r.contains(5000.0));
//! assert!(Range::parse("5000 <").is_err());
//! ```

/// A numeric interval. In a file it is either a table with any of `gt`,
/// `gte` (or `min`), `lt`, `lte` (or `max`), or a short string:
/// `"> 5000"`, `"<= 100"`, `"[100..5000]"` (both ends included),
/// `"(100..5000]"`, `"[100..5000)"`.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RangeForm")]
pub struct Range {
    /// Greater than.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gt: Option<f64>,
    /// Greater than or equal to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<f64>,
    /// Less than.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lt: Option<f64>,
    /// Less than or equal to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<f64>,
}

impl Range {
    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.gt.is_none_or(|b| x > b)
            && self.gte.is_none_or(|b| x >= b)
            && self.lt.is_none_or(|b| x < b)
            && self.lte.is_none_or(|b| x <= b)
    }

    /// The lower bound and whether it is included (`-inf`, included, when open).
    pub(crate) fn lower(&self) -> (f64, bool) {
        match (self.gt, self.gte) {
            (Some(a), Some(b)) if a >= b => (a, false),
            (_, Some(b)) => (b, true),
            (Some(a), None) => (a, false),
            (None, None) => (f64::NEG_INFINITY, true),
        }
    }

    /// The upper bound and whether it is included (`+inf`, included, when open).
    pub(crate) fn upper(&self) -> (f64, bool) {
        match (self.lt, self.lte) {
            (Some(a), Some(b)) if a <= b => (a, false),
            (_, Some(b)) => (b, true),
            (Some(a), None) => (a, false),
            (None, None) => (f64::INFINITY, true),
        }
    }

    /// Whether every number in `other` is in `self`.
    pub(crate) fn covers(&self, other: &Range) -> bool {
        let (sl, sli) = self.lower();
        let (ol, oli) = other.lower();
        let (su, sui) = self.upper();
        let (ou, oui) = other.upper();
        let lower_ok = sl < ol || (sl == ol && (sli || !oli));
        let upper_ok = su > ou || (su == ou && (sui || !oui));
        lower_ok && upper_ok
    }

    /// Parses the short string form.
    pub fn parse(text: &str) -> Result<Range, String> {
        let t = text.trim();
        let num = |s: &str| -> Result<f64, String> {
            let s = s.trim();
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!("{s:?} is not a finite number")),
            }
        };
        let mut r = Range::default();
        if let Some(rest) = t.strip_prefix(">=") {
            r.gte = Some(num(rest)?);
        } else if let Some(rest) = t.strip_prefix("<=") {
            r.lte = Some(num(rest)?);
        } else if let Some(rest) = t.strip_prefix('>') {
            r.gt = Some(num(rest)?);
        } else if let Some(rest) = t.strip_prefix('<') {
            r.lt = Some(num(rest)?);
        } else if (t.starts_with('[') || t.starts_with('('))
            && (t.ends_with(']') || t.ends_with(')'))
            && t.len() >= 2
        {
            let inner = &t[1..t.len() - 1];
            let (a, b) = inner
                .split_once("..")
                .ok_or_else(|| format!("{text:?}: an interval is written [low..high]"))?;
            let (a, b) = (num(a)?, num(b)?);
            if t.starts_with('[') {
                r.gte = Some(a);
            } else {
                r.gt = Some(a);
            }
            if t.ends_with(']') {
                r.lte = Some(b);
            } else {
                r.lt = Some(b);
            }
        } else {
            return Err(format!(
                "{text:?} is not an interval; write \"> 5000\", \"<= 100\" or \"[100..5000]\""
            ));
        }
        r.check()?;
        Ok(r)
    }

    fn check(&self) -> Result<(), String> {
        for v in [self.gt, self.gte, self.lt, self.lte].into_iter().flatten() {
            if !v.is_finite() {
                return Err(format!("interval bound {v} is not a finite number"));
            }
        }
        let (l, li) = self.lower();
        let (u, ui) = self.upper();
        if l > u || (l == u && !(li && ui)) {
            return Err("the interval is empty (its lower bound is above its upper bound)".into());
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum RangeForm {
    Text(String),
    Table(RangeTable),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeTable {
    #[serde(default)]
    gt: Option<f64>,
    #[serde(default, alias = "min")]
    gte: Option<f64>,
    #[serde(default)]
    lt: Option<f64>,
    #[serde(default, alias = "max")]
    lte: Option<f64>,
}

impl TryFrom<RangeForm> for Range {
    type Error = String;
    fn try_from(f: RangeForm) -> Result<Range, String> {
        match f {
            RangeForm::Text(t) => Range::parse(&t),
            RangeForm::Table(t) => {
                let r = Range {
                    gt: t.gt,
                    gte: t.gte,
                    lt: t.lt,
                    lte: t.lte,
                };
                r.check()?;
                Ok(r)
            }
        }
    }
}

/// The short string form, which [`Range::parse`] reads back to an interval
/// holding the same numbers; an interval without bounds prints as `"(-inf..inf)"`
/// and does not parse.
///
/// ```
/// use crmkit::complaint::condition::Range;
///
/// let r = Range { gte: Some(100.0), lt: Some(5000.0), ..Range::default() };
/// assert_eq!(r.to_string(), "[100..5000)");
/// assert_eq!(Range::parse(&r.to_string()).unwrap(), r);
/// ```
impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (l, li) = self.lower();
        let (u, ui) = self.upper();
        match (l.is_finite(), u.is_finite()) {
            (true, false) => write!(f, "{} {l}", if li { ">=" } else { ">" }),
            (false, true) => write!(f, "{} {u}", if ui { "<=" } else { "<" }),
            _ => write!(
                f,
                "{}{l}..{u}{}",
                if li { '[' } else { '(' },
                if ui { ']' } else { ')' }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Printing an interval and parsing it back keeps every number in
        /// or out as it was.
        #[test]
        fn printed_intervals_parse_to_the_same_numbers(
            gt in proptest::option::of(-20i32..20),
            gte in proptest::option::of(-20i32..20),
            lt in proptest::option::of(-20i32..20),
            lte in proptest::option::of(-20i32..20),
        ) {
            let r = Range {
                gt: gt.map(|v| f64::from(v) / 2.0),
                gte: gte.map(|v| f64::from(v) / 2.0),
                lt: lt.map(|v| f64::from(v) / 2.0),
                lte: lte.map(|v| f64::from(v) / 2.0),
            };
            prop_assume!(r != Range::default() && r.check().is_ok());
            let back = Range::parse(&r.to_string()).unwrap();
            prop_assert_eq!(Range::parse(&back.to_string()).unwrap(), back);
            for x in -44..44 {
                let x = f64::from(x) / 4.0;
                prop_assert_eq!(r.contains(x), back.contains(x), "{} at {}", r, x);
            }
        }
    }
}
