//! The condition language of rule files, shared by categorization rules
//! (a category's `when`, [`categorize`](super::categorize)) and routing
//! rules (a rule's `when`, [`routing`](super::routing)): one grammar, one
//! parser ([`Conditions`]), one matcher and one linter for both.
//!
//! | key | written | holds when |
//! |-----|---------|------------|
//! | `category`, `product`, `channel`, `segment`, `language` | `"gold"` | the field is that value |
//! | | `["gold", "platinum"]` | the field is one of them |
//! | | `{ not = ["staff", "test"] }` | the field is none of them (a missing field is none of them) |
//! | | `{ in = ["gold", "platinum"], not = "staff" }` | both |
//! | `flags` | `["legal_threat", "regulator"]` | every one of the flags is raised |
//! | | `{ all = [..], any = [..], none = [..] }` | every `all` flag, at least one `any` flag and no `none` flag is raised |
//! | `amount`, `customer_value` | a [`Range`]: `"> 5000"`, `"[100..5000)"`, `{ gte = 100 }` | the number lies in the interval |
//! | `attributes` | `{ region = ["ege", "marmara"], source = { not = "test" } }` | each named free attribute, as a field above |
//!
//! Every key given must hold; no key at all matches every complaint. Values
//! compare case- and Turkish-letter-insensitively (`Kredi Kartı` is
//! `kredi karti`, `Web Form` is `web_form`); flags compare by exact name. A
//! condition on a field the complaint does not carry fails, unless it only
//! forbids values (`{ not = .. }`). Categorization rules decide the
//! category and the flags, so their `when` has neither `category` nor
//! `flags`.
//!
//! ```
//! use crmkit::complaint::condition::Conditions;
//! use crmkit::complaint::intake::{Channel, Complaint};
//!
//! let when = Conditions::parse(
//!     r#"{ segment = ["gold", "platinum"], channel = { not = "kiosk" }, amount = "> 5000" }"#,
//! ).unwrap();
//! let mut c = Complaint::new(Channel::App, "Param iade edilmedi");
//! c.segment = Some("Gold".into());
//! c.amount = Some(12_500.0);
//! assert!(when.matches(&c));
//! c.channel = Channel::Kiosk;
//! assert!(!when.matches(&c));
//! // the printed form is the form to write in a file, and reads back the same
//! assert_eq!(Conditions::parse(&when.to_string()).unwrap(), when);
//! ```
//!
//! # Older forms
//!
//! Rule files in format 1 (files without `format`) wrote negation and the
//! amount with keys of their own, which still load: `not_flags = [..]`
//! (now `flags = { none = [..] }`), `not_channel`, `not_product`,
//! `not_segment`, `not_language = [..]` (now `channel = { not = [..] }`...),
//! `not_attributes = { k = [..] }` (now `attributes = { k = { not = [..] } }`)
//! and `amount_min`/`amount_max` (now `amount = "[min..max]"`). A file that
//! says `format = 2` ([`FORMAT`]) must use the new forms. The linter reports
//! each older form with the form to write (code `older_form`), and
//! `crmkit route --check --upgrade FILE` prints a file rewritten in the new
//! form.
//!
//! # Numbers
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

use crate::complaint::intake::Complaint;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use std::collections::BTreeMap;
use std::fmt;

mod matcher;
pub(crate) use matcher::Matcher;

/// The rule-file format this crate writes: 2, where conditions use the
/// grammar of the [module docs](self). Files without `format` are format 1
/// and may also use the older keys.
pub const FORMAT: u32 = 2;

/// The format of a file that does not say (serde's default).
pub(crate) fn format_one() -> u32 {
    1
}

/// Checks a file's `format` against the conditions of its rules, given as
/// (id, conditions): a format this crate does not know, or older keys in a
/// file that says it is in the current format.
pub(crate) fn check_format<'a>(
    format: u32,
    mut rules: impl Iterator<Item = (&'a str, &'a Conditions)>,
) -> Result<(), String> {
    if format == 0 || format > FORMAT {
        return Err(format!(
            "format {format} is not one this version reads (1 to {FORMAT})"
        ));
    }
    if format < FORMAT {
        return Ok(());
    }
    match rules.find(|(_, c)| !c.older_keys().is_empty()) {
        None => Ok(()),
        Some((id, c)) => Err(format!(
            "rule {id:?}: `{}` is not in format {FORMAT}; write `when = {c}`",
            c.older_keys()[0]
        )),
    }
}

/// The folded form a value is compared in.
pub(crate) fn fold(s: &str) -> String {
    crate::text::match_key(s)
}
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

/// A field of a complaint that a [`ValueCondition`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'a> {
    /// The category (given, detected or set).
    Category,
    /// The product type.
    Product,
    /// The intake channel.
    Channel,
    /// The customer segment.
    Segment,
    /// The language of the text.
    Language,
    /// A free attribute, by name.
    Attribute(&'a str),
}

impl Field<'_> {
    /// The key the field is written with (`segment`, `attributes.region`).
    pub fn key(&self) -> String {
        match self {
            Field::Category => "category".into(),
            Field::Product => "product".into(),
            Field::Channel => "channel".into(),
            Field::Segment => "segment".into(),
            Field::Language => "language".into(),
            Field::Attribute(name) => format!("attributes.{name}"),
        }
    }
}

/// A number of a complaint that a [`Range`] condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    /// The amount in dispute.
    Amount,
    /// The customer's value.
    CustomerValue,
}

/// What conditions are checked against: a complaint, or the fields given
/// to [`CategoryRules::categorize_with`](super::categorize::CategoryRules::categorize_with).
/// Missing fields are `None`.
pub trait Subject {
    /// A text field's value as given (not folded).
    fn value(&self, field: Field<'_>) -> Option<&str>;
    /// A number.
    fn number(&self, number: Number) -> Option<f64>;
    /// Whether the flag is raised.
    fn has_flag(&self, flag: &str) -> bool;
}

impl Subject for Complaint {
    fn value(&self, field: Field<'_>) -> Option<&str> {
        match field {
            Field::Category => self.category.as_deref(),
            Field::Product => self.product.as_deref(),
            Field::Channel => Some(self.channel.as_str()),
            Field::Segment => self.segment.as_deref(),
            Field::Language => self.language.as_deref(),
            Field::Attribute(name) => self.attributes.get(name).map(String::as_str),
        }
    }

    fn number(&self, number: Number) -> Option<f64> {
        match number {
            Number::Amount => self.amount,
            Number::CustomerValue => self.customer_value,
        }
    }

    fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// A condition on one text field: the values it may take (`in`) and the
/// values it may not (`not`). In a file: `"gold"`, `["gold", "platinum"]`,
/// `{ not = ["staff"] }` or `{ in = [..], not = [..] }`.
///
/// ```
/// use crmkit::complaint::condition::ValueCondition;
///
/// let c = ValueCondition { any_of: Some(vec!["Kredi Kartı".into()]), none_of: vec![] };
/// assert!(c.holds(Some("kredi karti")) && !c.holds(None));
/// let not = ValueCondition { any_of: None, none_of: vec!["kiosk".into()] };
/// assert!(!not.holds(Some("Kiosk")) && not.holds(None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueCondition {
    /// The field is one of these (`in`); `None` allows any value, and a
    /// missing field.
    pub any_of: Option<Vec<String>>,
    /// The field is none of these (`not`).
    pub none_of: Vec<String>,
}

impl ValueCondition {
    /// Whether a value (`None`: the field is missing) satisfies the condition.
    pub fn holds(&self, value: Option<&str>) -> bool {
        let key = value.map(fold);
        let is = |list: &[String], k: &str| list.iter().any(|x| fold(x) == k);
        match (&self.any_of, &key) {
            (Some(_), None) => return false,
            (Some(a), Some(k)) if !is(a, k) => return false,
            _ => {}
        }
        key.is_none_or(|k| !is(&self.none_of, &k))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &String> {
        self.any_of.iter().flatten().chain(&self.none_of)
    }
}

/// One string or a list of them.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

impl<'de> serde::Deserialize<'de> for ValueCondition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValueCondition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value, a list of values, or a table of `in` and `not`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ValueCondition, E> {
                Ok(ValueCondition {
                    any_of: Some(vec![v.to_owned()]),
                    none_of: Vec::new(),
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ValueCondition, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element::<String>()? {
                    v.push(x);
                }
                Ok(ValueCondition {
                    any_of: Some(v),
                    none_of: Vec::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueCondition, A::Error> {
                let mut c = ValueCondition::default();
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "in" => c.any_of = Some(map.next_value::<OneOrMany>()?.into_vec()),
                        "not" => c.none_of = map.next_value::<OneOrMany>()?.into_vec(),
                        other => return Err(de::Error::unknown_field(other, &["in", "not"])),
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_any(V)
    }
}

impl serde::Serialize for ValueCondition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let (Some(a), true) = (&self.any_of, self.none_of.is_empty()) {
            return a.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        if let Some(a) = &self.any_of {
            m.serialize_entry("in", a)?;
        }
        if !self.none_of.is_empty() {
            m.serialize_entry("not", &self.none_of)?;
        }
        m.end()
    }
}

/// A condition on the flags raised (given on the complaint or detected in
/// its text). In a file: `["legal_threat"]` (every one of them) or
/// `{ all = [..], any = [..], none = [..] }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlagCondition {
    /// Every one of these is raised.
    pub all: Vec<String>,
    /// At least one of these is raised (when any is listed).
    pub any: Vec<String>,
    /// None of these is raised.
    pub none: Vec<String>,
}

impl FlagCondition {
    /// Whether no flag is asked about.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.any.is_empty() && self.none.is_empty()
    }

    /// Whether the flags `raised` reports satisfy the condition.
    pub fn holds(&self, raised: impl Fn(&str) -> bool) -> bool {
        self.all.iter().all(|f| raised(f))
            && (self.any.is_empty() || self.any.iter().any(|f| raised(f)))
            && !self.none.iter().any(|f| raised(f))
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &String> {
        self.all.iter().chain(&self.any).chain(&self.none)
    }
}

impl<'de> serde::Deserialize<'de> for FlagCondition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FlagCondition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of flags, or a table of `all`, `any` and `none`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlagCondition, E> {
                Ok(FlagCondition {
                    all: vec![v.to_owned()],
                    ..FlagCondition::default()
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FlagCondition, A::Error> {
                let mut all = Vec::new();
                while let Some(x) = seq.next_element::<String>()? {
                    all.push(x);
                }
                Ok(FlagCondition {
                    all,
                    ..FlagCondition::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FlagCondition, A::Error> {
                let mut c = FlagCondition::default();
                while let Some(k) = map.next_key::<String>()? {
                    let list = match k.as_str() {
                        "all" => &mut c.all,
                        "any" => &mut c.any,
                        "none" => &mut c.none,
                        other => {
                            return Err(de::Error::unknown_field(other, &["all", "any", "none"]));
                        }
                    };
                    *list = map.next_value::<OneOrMany>()?.into_vec();
                }
                Ok(c)
            }
        }
        d.deserialize_any(V)
    }
}

impl serde::Serialize for FlagCondition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.any.is_empty() && self.none.is_empty() {
            return self.all.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        for (k, v) in [("all", &self.all), ("any", &self.any), ("none", &self.none)] {
            if !v.is_empty() {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// The older keys a condition was written with (format 1), in the order
/// found. Two conditions compare equal however they were written.
#[derive(Debug, Clone, Default)]
pub struct Written(Vec<&'static str>);

impl PartialEq for Written {
    fn eq(&self, _: &Written) -> bool {
        true
    }
}

/// The conditions of one rule (its `when`): every key given must hold. The
/// grammar is in the [module docs](self); older keys are read into the
/// same conditions (and remembered in [`older_keys`](Self::older_keys)).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ConditionsForm")]
pub struct Conditions {
    /// The category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<ValueCondition>,
    /// The product type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<ValueCondition>,
    /// The intake channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<ValueCondition>,
    /// The customer segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<ValueCondition>,
    /// The language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<ValueCondition>,
    /// The flags raised.
    #[serde(skip_serializing_if = "FlagCondition::is_empty")]
    pub flags: FlagCondition,
    /// The amount in dispute lies in this interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Range>,
    /// The customer's value lies in this interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_value: Option<Range>,
    /// Free attributes, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, ValueCondition>,
    /// The older keys it was written with.
    #[serde(skip)]
    pub written: Written,
}

/// A rule's `when` as written, older keys included.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionsForm {
    #[serde(default)]
    category: Option<ValueCondition>,
    #[serde(default)]
    product: Option<ValueCondition>,
    #[serde(default)]
    channel: Option<ValueCondition>,
    #[serde(default)]
    segment: Option<ValueCondition>,
    #[serde(default)]
    language: Option<ValueCondition>,
    #[serde(default)]
    flags: Option<FlagCondition>,
    #[serde(default)]
    amount: Option<Range>,
    #[serde(default)]
    customer_value: Option<Range>,
    #[serde(default)]
    attributes: BTreeMap<String, ValueCondition>,
    #[serde(default)]
    not_channel: Option<OneOrMany>,
    #[serde(default)]
    not_product: Option<OneOrMany>,
    #[serde(default)]
    not_segment: Option<OneOrMany>,
    #[serde(default)]
    not_language: Option<OneOrMany>,
    #[serde(default)]
    not_flags: Option<OneOrMany>,
    #[serde(default)]
    not_attributes: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    amount_min: Option<f64>,
    #[serde(default)]
    amount_max: Option<f64>,
}

/// `field` with the older `not_x` list merged in as its `not`.
fn merge_not(
    field: Option<ValueCondition>,
    not: Option<OneOrMany>,
    key: &'static str,
    older: &mut Vec<&'static str>,
) -> Option<ValueCondition> {
    let Some(not) = not else { return field };
    older.push(key);
    let not = not.into_vec();
    if not.is_empty() {
        return field;
    }
    let mut c = field.unwrap_or_default();
    c.none_of.extend(not);
    Some(c)
}

impl TryFrom<ConditionsForm> for Conditions {
    type Error = String;
    fn try_from(f: ConditionsForm) -> Result<Conditions, String> {
        let mut older = Vec::new();
        let channel = merge_not(f.channel, f.not_channel, "not_channel", &mut older);
        let product = merge_not(f.product, f.not_product, "not_product", &mut older);
        let segment = merge_not(f.segment, f.not_segment, "not_segment", &mut older);
        let language = merge_not(f.language, f.not_language, "not_language", &mut older);
        let mut flags = f.flags.unwrap_or_default();
        if let Some(not) = f.not_flags {
            older.push("not_flags");
            flags.none.extend(not.into_vec());
        }
        let mut attributes = f.attributes;
        if !f.not_attributes.is_empty() {
            older.push("not_attributes");
        }
        for (k, not) in f.not_attributes {
            let not = not.into_vec();
            if !not.is_empty() {
                attributes.entry(k).or_default().none_of.extend(not);
            }
        }
        for (name, v) in [("amount_min", f.amount_min), ("amount_max", f.amount_max)] {
            if v.is_some_and(|x| !x.is_finite()) {
                return Err(format!("`when.{name}` must be a finite number"));
            }
        }
        let amount = match (f.amount, f.amount_min, f.amount_max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(
                    "`when.amount` and `when.amount_min`/`amount_max` both given; \
                     keep only `when.amount`"
                        .into(),
                );
            }
            (r, None, None) => r,
            (None, lo, hi) => {
                older.push(if lo.is_some() {
                    "amount_min"
                } else {
                    "amount_max"
                });
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    if lo > hi {
                        return Err(format!(
                            "`when.amount_min` {lo} is above `when.amount_max` {hi}"
                        ));
                    }
                    older.push("amount_max");
                }
                Some(Range {
                    gte: lo,
                    lte: hi,
                    ..Range::default()
                })
            }
        };
        Ok(Conditions {
            category: f.category,
            product,
            channel,
            segment,
            language,
            flags,
            amount,
            customer_value: f.customer_value,
            attributes,
            written: Written(older),
        })
    }
}

impl Conditions {
    /// Whether no condition is set (the rule matches every complaint).
    pub fn is_empty(&self) -> bool {
        self == &Conditions::default()
    }

    /// The older (format 1) keys the conditions were written with, in the
    /// order read; empty for conditions in the current form.
    pub fn older_keys(&self) -> &[&'static str] {
        &self.written.0
    }

    /// Reads conditions in their file form, an inline table such as
    /// `{ segment = "gold", amount = "> 5000" }` (what `Display` prints).
    pub fn parse(text: &str) -> Result<Conditions, String> {
        #[derive(serde::Deserialize)]
        struct When {
            when: Conditions,
        }
        toml::from_str::<When>(&format!("when = {text}"))
            .map(|w| w.when)
            .map_err(|e| e.message().to_owned())
    }

    /// The text field conditions with the field each reads.
    pub fn fields(&self) -> impl Iterator<Item = (Field<'_>, &ValueCondition)> {
        [
            (Field::Category, &self.category),
            (Field::Product, &self.product),
            (Field::Channel, &self.channel),
            (Field::Segment, &self.segment),
            (Field::Language, &self.language),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.as_ref().map(|c| (f, c)))
        .chain(
            self.attributes
                .iter()
                .map(|(k, c)| (Field::Attribute(k.as_str()), c)),
        )
    }

    /// The numeric conditions with the number each reads.
    pub fn numbers(&self) -> impl Iterator<Item = (Number, &Range)> {
        [
            (Number::Amount, &self.amount),
            (Number::CustomerValue, &self.customer_value),
        ]
        .into_iter()
        .filter_map(|(n, r)| r.as_ref().map(|r| (n, r)))
    }

    /// Whether `subject` satisfies every condition. (Rule sets compile
    /// their conditions into one matcher that decides the same for all
    /// rules at once.)
    pub fn matches<S: Subject + ?Sized>(&self, subject: &S) -> bool {
        self.fields().all(|(f, c)| c.holds(subject.value(f)))
            && self.flags.holds(|f| subject.has_flag(f))
            && self
                .numbers()
                .all(|(n, r)| subject.number(n).is_some_and(|x| r.contains(x)))
    }

    /// What is wrong with the values, naming the key: a value with no
    /// letters or digits (values compare folded, so it equals nothing), an
    /// empty flag name.
    pub fn invalid_value(&self) -> Option<String> {
        for (field, c) in self.fields() {
            let key = match field {
                Field::Attribute(name) => format!("attributes.{name}"),
                other => format!("{other:?}").to_lowercase(),
            };
            if let Some(v) = c.values().find(|v| fold(v).is_empty()) {
                return Some(format!("`when.{key}` value {v:?} has no letters or digits"));
            }
        }
        if self.flags.names().any(|f| f.trim().is_empty()) {
            return Some("an empty flag name".into());
        }
        None
    }
}

impl ValueCondition {
    /// The allowed values folded, less the forbidden ones (`None`: any).
    fn allowed(&self) -> Option<Vec<String>> {
        let none = self.forbidden();
        self.any_of.as_ref().map(|a| {
            a.iter()
                .map(|v| fold(v))
                .filter(|k| !none.contains(k))
                .collect()
        })
    }

    fn forbidden(&self) -> Vec<String> {
        self.none_of.iter().map(|v| fold(v)).collect()
    }

    /// Whether every value (or missing value) that satisfies `other`
    /// satisfies `self`.
    fn covers(&self, other: &ValueCondition) -> bool {
        let inner = other.allowed();
        let inner_none = other.forbidden();
        let allowed = match (self.allowed(), &inner) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(s), Some(i)) => i.iter().all(|v| s.contains(v)),
        };
        allowed
            && self
                .forbidden()
                .iter()
                .all(|v| inner_none.contains(v) || inner.as_ref().is_some_and(|i| !i.contains(v)))
    }
}

impl FlagCondition {
    /// Whether every set of flags that satisfies `other` satisfies `self`.
    fn covers(&self, other: &FlagCondition) -> bool {
        self.all.iter().all(|f| other.all.contains(f))
            && self.none.iter().all(|f| other.none.contains(f))
            && (self.any.is_empty()
                || self.any.iter().any(|f| other.all.contains(f))
                || (!other.any.is_empty() && other.any.iter().all(|f| self.any.contains(f))))
    }
}

impl Conditions {
    /// Whether every complaint that matches `other` also matches `self`
    /// (judged field by field, so a `true` is always right and a `false`
    /// may miss a cover that needs several fields at once).
    pub fn covers(&self, other: &Conditions) -> bool {
        let any = ValueCondition::default();
        self.fields().all(|(f, c)| {
            let inner = other
                .fields()
                .find(|(g, _)| *g == f)
                .map_or(&any, |(_, c)| c);
            c.covers(inner)
        }) && self.flags.covers(&other.flags)
            && self.numbers().all(|(n, r)| {
                other
                    .numbers()
                    .find(|(m, _)| *m == n)
                    .is_some_and(|(_, i)| r.covers(i))
            })
    }

    /// Why no complaint can match, naming the key; `None` when some can.
    pub fn contradiction(&self) -> Option<String> {
        for (field, c) in self.fields() {
            if c.allowed().is_some_and(|a| a.is_empty()) {
                return Some(format!(
                    "`when.{}` allows no value (every value listed in `in` is also in `not`, or none is listed)",
                    field.key()
                ));
            }
        }
        let fl = &self.flags;
        if let Some(f) = fl.all.iter().find(|f| fl.none.contains(f)) {
            return Some(format!("`when.flags` both requires and forbids {f:?}"));
        }
        if !fl.any.is_empty() && fl.any.iter().all(|f| fl.none.contains(f)) {
            return Some("`when.flags` forbids every flag of its `any`".into());
        }
        None
    }
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; the rules still work as written.
    Warning,
    /// The rule set does not do what it says (a rule can never fire).
    Error,
}

/// One finding of a linter (routing's
/// [`RuleSet::lint`](super::routing::RuleSet::lint), categorization's
/// [`RuleFile::lint`](super::categorize::RuleFile::lint)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable code: `shadowed_rule`, `contradictory_rule`, `older_form`,
    /// and for routing `no_default_rule`, `unreachable_department`,
    /// `empty_department`, `unknown_category`, `unknown_flag`,
    /// `rule_without_route`.
    pub code: String,
    /// The rule, department or category concerned.
    pub subject: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// The findings on rules' conditions, the rules given in evaluation order
/// as (id, conditions): rules whose conditions contradict each other
/// (`contradictory_rule`, an error), conditions written in an older form
/// (`older_form`, a warning naming the form to write) and, with
/// `first_wins` (only the first matching rule fires), rules an earlier rule
/// always pre-empts (`shadowed_rule`, an error).
///
/// ```
/// use crmkit::complaint::condition::{Conditions, lint_conditions};
///
/// let any = Conditions::parse(r#"{ segment = ["gold", "platinum"] }"#).unwrap();
/// let gold = Conditions::parse(r#"{ segment = "gold", not_flags = ["test"] }"#).unwrap();
/// let found = lint_conditions([("any", &any), ("gold", &gold)], true);
/// let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
/// assert_eq!(codes, ["older_form", "shadowed_rule"]);
/// assert!(found[0].message.contains(r#"write `when = { segment = ["gold"], flags = { none = ["test"] } }`"#));
/// ```
pub fn lint_conditions<'a>(
    rules: impl IntoIterator<Item = (&'a str, &'a Conditions)>,
    first_wins: bool,
) -> Vec<Finding> {
    let rules: Vec<(&str, &Conditions)> = rules.into_iter().collect();
    let mut out = Vec::new();
    for (pos, &(id, when)) in rules.iter().enumerate() {
        if !when.older_keys().is_empty() {
            let keys: Vec<String> = when.older_keys().iter().map(|k| format!("`{k}`")).collect();
            out.push(Finding {
                severity: Severity::Warning,
                code: "older_form".into(),
                subject: Some(id.to_owned()),
                message: format!(
                    "rule {id:?}: {} is the older form; write `when = {when}` \
                     (format {FORMAT}; `crmkit route --check --upgrade FILE` prints the file rewritten)",
                    keys.join(", ")
                ),
            });
        }
        if let Some(why) = when.contradiction() {
            out.push(Finding {
                severity: Severity::Error,
                code: "contradictory_rule".into(),
                subject: Some(id.to_owned()),
                message: format!(
                    "rule {id:?} can never match: its conditions contradict each other ({why})"
                ),
            });
            continue;
        }
        if !first_wins {
            continue;
        }
        if let Some((earlier, _)) = rules[..pos]
            .iter()
            .find(|(_, e)| e.contradiction().is_none() && e.covers(when))
        {
            out.push(Finding {
                severity: Severity::Error,
                code: "shadowed_rule".into(),
                subject: Some(id.to_owned()),
                message: format!(
                    "rule {id:?} can never fire: rule {earlier:?} comes first and matches every complaint it matches"
                ),
            });
        }
    }
    out
}

fn write_str(out: &mut String, s: &str) {
    // a JSON string is a TOML basic string
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")));
}

fn write_list(out: &mut String, v: &[String]) {
    out.push('[');
    for (i, s) in v.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_str(out, s);
    }
    out.push(']');
}

fn write_table(out: &mut String, entries: &[(&str, String)]) {
    if entries.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{ ");
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            out.push_str(k);
        } else {
            write_str(out, k);
        }
        out.push_str(" = ");
        out.push_str(v);
    }
    out.push_str(" }");
}

fn value_text(c: &ValueCondition) -> String {
    let mut s = String::new();
    match (&c.any_of, c.none_of.is_empty()) {
        (Some(a), true) => write_list(&mut s, a),
        _ => {
            let mut e = Vec::new();
            if let Some(a) = &c.any_of {
                let mut t = String::new();
                write_list(&mut t, a);
                e.push(("in", t));
            }
            if !c.none_of.is_empty() {
                let mut t = String::new();
                write_list(&mut t, &c.none_of);
                e.push(("not", t));
            }
            write_table(&mut s, &e);
        }
    }
    s
}

fn range_text(r: &Range) -> String {
    if r == &Range::default() {
        return "{}".into();
    }
    let mut s = String::new();
    write_str(&mut s, &r.to_string());
    s
}

/// The file form: an inline TOML table, keys in a fixed order, which
/// [`Conditions::parse`] reads back to the same conditions.
///
/// ```
/// use crmkit::complaint::condition::Conditions;
///
/// let old = Conditions::parse(r#"{ not_channel = ["kiosk"], amount_min = 1000 }"#).unwrap();
/// assert_eq!(old.older_keys(), ["not_channel", "amount_min"]);
/// assert_eq!(old.to_string(), r#"{ channel = { not = ["kiosk"] }, amount = ">= 1000" }"#);
/// ```
impl fmt::Display for Conditions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut e: Vec<(&str, String)> = Vec::new();
        for (k, c) in [
            ("category", &self.category),
            ("product", &self.product),
            ("channel", &self.channel),
            ("segment", &self.segment),
            ("language", &self.language),
        ] {
            if let Some(c) = c {
                e.push((k, value_text(c)));
            }
        }
        if !self.flags.is_empty() {
            let fl = &self.flags;
            let mut s = String::new();
            if fl.any.is_empty() && fl.none.is_empty() {
                write_list(&mut s, &fl.all);
            } else {
                let mut t = Vec::new();
                for (k, v) in [("all", &fl.all), ("any", &fl.any), ("none", &fl.none)] {
                    if !v.is_empty() {
                        let mut l = String::new();
                        write_list(&mut l, v);
                        t.push((k, l));
                    }
                }
                write_table(&mut s, &t);
            }
            e.push(("flags", s));
        }
        for (k, r) in [
            ("amount", &self.amount),
            ("customer_value", &self.customer_value),
        ] {
            if let Some(r) = r {
                e.push((k, range_text(r)));
            }
        }
        if !self.attributes.is_empty() {
            let attrs: Vec<(&str, String)> = self
                .attributes
                .iter()
                .map(|(k, c)| (k.as_str(), value_text(c)))
                .collect();
            let mut s = String::new();
            write_table(&mut s, &attrs);
            e.push(("attributes", s));
        }
        let mut s = String::new();
        write_table(&mut s, &e);
        f.write_str(&s)
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::intake::Channel;
    use proptest::prelude::*;

    const VALUES: &[&str] = &["gold", "Kredi Kartı", "web_form", "a \"b\"", "ege"];
    const FLAGS: &[&str] = &["legal_threat", "fraud", "x y"];

    fn values() -> impl Strategy<Value = Vec<String>> {
        prop::sample::subsequence(VALUES, 0..=3)
            .prop_map(|v| v.into_iter().map(str::to_owned).collect())
    }

    fn value_condition() -> impl Strategy<Value = ValueCondition> {
        (prop::option::of(values()), values())
            .prop_map(|(any_of, none_of)| ValueCondition { any_of, none_of })
    }

    fn flags() -> impl Strategy<Value = Vec<String>> {
        prop::sample::subsequence(FLAGS, 0..=2)
            .prop_map(|v| v.into_iter().map(str::to_owned).collect())
    }

    fn range() -> impl Strategy<Value = Option<Range>> {
        prop::option::of((0u32..4, 0u32..4, any::<bool>(), any::<bool>()).prop_map(
            |(a, b, ai, bi)| {
                let (lo, hi) = (f64::from(a.min(b)) * 10.0, f64::from(a.max(b) + 1) * 10.0);
                Range {
                    gt: (!ai).then_some(lo),
                    gte: ai.then_some(lo),
                    lt: (!bi).then_some(hi),
                    lte: bi.then_some(hi),
                }
            },
        ))
    }

    fn conditions() -> impl Strategy<Value = Conditions> {
        (
            prop::option::of(value_condition()),
            prop::option::of(value_condition()),
            prop::option::of(value_condition()),
            (flags(), flags(), flags()),
            range(),
            range(),
            prop::collection::btree_map(
                prop::sample::select(&["region", "source", "kanal adı"][..]),
                value_condition(),
                0..3,
            ),
        )
            .prop_map(
                |(category, segment, channel, (all, any, none), amount, customer_value, attrs)| {
                    Conditions {
                        category,
                        segment,
                        channel,
                        flags: FlagCondition { all, any, none },
                        amount,
                        customer_value,
                        attributes: attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                        ..Conditions::default()
                    }
                },
            )
    }

    fn complaint() -> impl Strategy<Value = Complaint> {
        (
            prop::option::of(prop::sample::select(VALUES)),
            prop::option::of(prop::sample::select(&["GOLD", "mass", "Ege"][..])),
            prop::sample::select(&[Channel::WebForm, Channel::App][..]),
            flags(),
            prop::option::of(0u32..60),
            prop::option::of(prop::sample::select(VALUES)),
        )
            .prop_map(|(category, segment, channel, flags, amount, region)| {
                let mut c = Complaint::new(channel, "");
                c.category = category.map(str::to_owned);
                c.segment = segment.map(str::to_owned);
                c.flags = flags;
                c.amount = amount.map(f64::from);
                c.customer_value = amount.map(|a| f64::from(a) / 2.0);
                if let Some(r) = region {
                    c.attributes.insert("region".into(), r.to_owned());
                }
                c
            })
    }

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

        /// The printed form of any conditions parses back to them, and
        /// serializes (TOML and JSON) to a form that reads back the same.
        #[test]
        fn printed_conditions_parse_to_the_same_conditions(c in conditions()) {
            let printed = c.to_string();
            let back = Conditions::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e}")))?;
            prop_assert_eq!(&back, &c, "{}", printed);
            prop_assert!(back.older_keys().is_empty());
            let json: Conditions = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
            prop_assert_eq!(&json, &c);
        }

        /// A value condition and its negation never both hold, and one of
        /// them always does, present value or missing; the same for flags.
        #[test]
        fn a_condition_and_its_negation_never_both_match(
            list in values(),
            value in prop::option::of(prop::sample::select(&["GOLD", "kredi karti", "Web Form", "ege", "x"][..])),
            flag in prop::sample::select(FLAGS),
            raised in flags(),
        ) {
            let is = ValueCondition { any_of: Some(list.clone()), none_of: vec![] };
            let not = ValueCondition { any_of: None, none_of: list };
            prop_assert!(is.holds(value) != not.holds(value));
            let all = FlagCondition { all: vec![flag.into()], ..FlagCondition::default() };
            let none = FlagCondition { none: vec![flag.into()], ..FlagCondition::default() };
            let has = |f: &str| raised.iter().any(|r| r == f);
            prop_assert!(all.holds(has) != none.holds(has));
        }

        /// Older keys and the form they print as decide alike on any
        /// complaint.
        #[test]
        fn older_forms_and_their_new_form_decide_alike(
            not_segment in values(),
            not_flags in flags(),
            lo in prop::option::of(0i32..50),
            hi in prop::option::of(0i32..50),
            not_region in values(),
            cs in prop::collection::vec(complaint(), 1..20),
        ) {
            prop_assume!(lo.zip(hi).is_none_or(|(l, h)| l <= h));
            let mut old = format!(
                "{{ not_segment = {}, not_flags = {}, not_attributes = {{ region = {} }}",
                serde_json::to_string(&not_segment).unwrap(),
                serde_json::to_string(&not_flags).unwrap(),
                serde_json::to_string(&not_region).unwrap(),
            );
            if let Some(lo) = lo {
                old.push_str(&format!(", amount_min = {lo}"));
            }
            if let Some(hi) = hi {
                old.push_str(&format!(", amount_max = {hi}"));
            }
            old.push_str(" }");
            let a = Conditions::parse(&old).unwrap();
            prop_assert!(a.older_keys().contains(&"not_flags"));
            let b = Conditions::parse(&a.to_string()).unwrap();
            prop_assert!(b.older_keys().is_empty());
            for c in &cs {
                prop_assert_eq!(a.matches(c), b.matches(c), "{} / {}", old, b);
            }
        }
    }

    #[test]
    fn values_compare_folded_and_missing_fields_fail_unless_forbidden() {
        let w = Conditions::parse(
            r#"{ product = "Kredi Kartı", segment = { not = ["staff"] }, flags = { any = ["fraud", "legal_threat"], none = "test" } }"#,
        )
        .unwrap();
        let mut c = Complaint::new(Channel::App, "");
        c.flags = vec!["fraud".into()];
        assert!(!w.matches(&c), "no product");
        c.product = Some("KREDİ KARTI".into());
        assert!(w.matches(&c));
        c.segment = Some("Staff".into());
        assert!(!w.matches(&c));
        c.segment = None;
        c.flags = vec!["other".into()];
        assert!(!w.matches(&c), "no `any` flag");
        c.flags = vec!["legal_threat".into(), "test".into()];
        assert!(!w.matches(&c), "a `none` flag");
    }

    #[test]
    fn bad_conditions_name_the_key() {
        for (text, want) in [
            ("{ chanel = 'web' }", "chanel"),
            ("{ segment = { nott = 'x' } }", "nott"),
            ("{ flags = { some = ['x'] } }", "some"),
            ("{ segment = 5 }", "a value, a list of values"),
            (
                "{ amount = '> 1', amount_min = 2 }",
                "keep only `when.amount`",
            ),
            (
                "{ amount_min = 10, amount_max = 5 }",
                "above `when.amount_max`",
            ),
            ("{ amount = '5 <' }", "not an interval"),
        ] {
            let e = Conditions::parse(text).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
        let c = Conditions::parse("{ attributes = { region = ['--'] } }").unwrap();
        assert_eq!(
            c.invalid_value().unwrap(),
            "`when.attributes.region` value \"--\" has no letters or digits"
        );
        let c = Conditions::parse("{ flags = { none = [' '] } }").unwrap();
        assert_eq!(c.invalid_value().unwrap(), "an empty flag name");
    }
}
