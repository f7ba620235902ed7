//! Rule-based categorization: keyword and phrase sets matched on
//! Turkish-aware normalized text, compiled into one multi-pattern matcher,
//! with the matched spans for explanation, and built-in high-precision flags.
//!
//! Matching works on words folded by [`crate::text`]: case-correct
//! (`GECİKTİ` matches `gecikti`), Turkish letters optional (`iade edilmedi`
//! matches `İADE EDİLMEDİ` and `iade edilmedi`), and suffix-tolerant: the
//! last word of a pattern matches that word followed by up to
//! [`MAX_SUFFIX`] more letters (`iade` matches `iadesi`, `iademi`,
//! `iadelerimiz`), which covers Turkish inflection and possessives. A
//! pattern starting with `=` matches whole words only (`=ik` does not match
//! `ikinci`). An apostrophe before a suffix (`Trendyol'dan`) separates words,
//! so `trendyol` matches too.
//!
//! Flags are negation-aware: a flag phrase whose clause goes on, within
//! [`NEGATION_WINDOW`] words and before any `.`, `,`, `;`, `:`, `!`, `?` or
//! line break, with a first-person negative verb (`istemiyorum`,
//! `düşünmüyorum`, `istemedim`, `başvurmayacağım`…) or `yok` / `değil`
//! ("avukatla uğraşmak istemiyorum", "dava açmak gibi bir niyetim yok")
//! is not a flag. Phrases that are negative themselves ("bir daha alışveriş
//! yapmayacağım") still are, since only the words after the phrase count.
//! Categories are not negation-aware; give them `none` patterns instead.
//!
//! A rule file (TOML or JSON):
//!
//! ```toml
//! version = "2026-11"
//! format = 2               # the condition forms of this version (1 when absent)
//! max_text_bytes = 65536   # optional: how much of a text is read (64 KiB)
//!
//! [[categories]]
//! id = "late_delivery"
//! any = ["gecik", "gelmedi", "kargo hala", "teslim edilmedi"]
//! none = ["iade"]          # optional: any of these vetoes the category
//! priority = 10            # higher wins when several match
//!
//! [[categories]]
//! id = "card_fraud_vip"
//! any = ["bilgim disinda", "izinsiz"]
//! priority = 20
//! [categories.when]        # optional field conditions, all must hold
//! channel = { in = ["call_center", "app"] }   # one of these ({ not = [..] } forbids)
//! product = "kredi kartı"                     # one value
//! segment = ["gold", "platinum"]              # one of these
//! language = "tr"
//! amount = "[1000..50000]"                    # an interval over the amount
//! attributes = { region = ["marmara", "ege"], source = { not = "test" } }
//! ```
//!
//! `when` is written in the [condition language](super::condition) that
//! routing rules use too: a value, a list, `{ not = [..] }` and
//! `{ in = [..], not = [..] }` for text fields and attributes, and
//! intervals (`"> 5000"`, `"<= 100"`, `"(100..5000]"` or a table of
//! `gt`/`gte`/`lt`/`lte`) for `amount` and `customer_value`. Files in format 1
//! may still write `not_channel`, `not_product`, `not_segment`,
//! `not_language`, `not_attributes` and `amount_min`/`amount_max` (both
//! inclusive); [`RuleFile::lint`] names the form to write instead.
//!
//! Field conditions are checked by [`CategoryRules::categorize_with`]
//! against a complaint (or its [`Fields`]); values compare case- and
//! Turkish-letter-insensitively (`Kredi Kartı` = `kredi karti`). A required
//! field that the complaint does not carry fails the condition (a rule that
//! asks for `segment = ["gold"]` does not fire on a complaint without a
//! segment), a forbidden one passes. [`CategoryRules::categorize`] checks
//! text only, as for a complaint without fields.
//!
//! ```
//! use crmkit::complaint::categorize::CategoryRules;
//!
//! let rules = CategoryRules::from_toml(r#"
//!     version = "1"
//!     [[categories]]
//!     id = "late_delivery"
//!     any = ["gecik", "teslim edilmedi"]
//!     [[categories]]
//!     id = "refund"
//!     any = ["iade"]
//! "#).unwrap();
//! let r = rules.categorize("Siparişim GECİKTİ, iadesini istiyorum. Avukatıma danışacağım!");
//! assert_eq!(r.categories[0].id, "late_delivery");
//! assert_eq!(r.categories[1].id, "refund");
//! assert_eq!(r.categories[1].spans[0].text, "iadesini");
//! assert!(r.flags.iter().any(|f| f.id == "legal_threat"));
//! ```

use super::ComplaintError;
use super::condition::{
    self, Conditions, Field, Finding, Matcher, Number, Subject, lint_conditions,
};
use crate::error::Result;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many letters may follow the last word of a pattern.
pub const MAX_SUFFIX: usize = 8;

/// How many words after a flag phrase are searched for a negation.
pub const NEGATION_WINDOW: usize = 4;

/// How much of a text a rule set reads by default, in bytes (64 KiB):
/// far more than a complaint is, and a bound on the work one text costs.
/// Set per rule file with `max_text_bytes`, or with
/// [`CategoryRules::with_max_text_bytes`].
pub const DEFAULT_MAX_TEXT_BYTES: usize = 64 * 1024;

/// Folded word endings of first-person negative verbs, and negative words.
const NEGATIVE_ENDINGS: &[&str] = &[
    "miyorum",
    "muyorum",
    "medim",
    "madim",
    "meyecegim",
    "mayacagim",
];
const NEGATIVE_WORDS: &[&str] = &["yok", "degil", "istemem", "degilim"];

fn is_negative(word: &str) -> bool {
    NEGATIVE_WORDS.contains(&word) || NEGATIVE_ENDINGS.iter().any(|e| word.ends_with(e))
}

/// One category of a rule file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// The category id.
    pub id: String,
    /// Patterns; any one matching selects the category.
    #[serde(default)]
    pub any: Vec<String>,
    /// Patterns that veto the category when they match.
    #[serde(default)]
    pub none: Vec<String>,
    /// Higher priority first when several categories match.
    #[serde(default)]
    pub priority: i32,
    /// Conditions on the complaint's fields, in the
    /// [condition language](super::condition); all must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Conditions>,
}

impl RuleFile {
    /// The linter's findings on the rules' field conditions: conditions
    /// that contradict each other, and conditions in an older form with the
    /// form to write (see [`lint_conditions`]).
    ///
    /// ```
    /// use crmkit::complaint::categorize::CategoryRules;
    ///
    /// let rules = CategoryRules::from_toml(r#"
    ///     version = "1"
    ///     [[categories]]
    ///     id = "big"
    ///     any = ["iade"]
    ///     when = { amount_min = 1000 }
    /// "#).unwrap();
    /// let found = rules.source().lint();
    /// assert_eq!(found[0].code, "older_form");
    /// assert!(found[0].message.contains(r#"write `when = { amount = ">= 1000" }`"#));
    /// ```
    pub fn lint(&self) -> Vec<Finding> {
        lint_conditions(
            self.categories
                .iter()
                .chain(&self.flags)
                .filter_map(|r| r.when.as_ref().map(|w| (r.id.as_str(), w))),
            false,
        )
    }
}

/// The fields of a complaint that field conditions look at. Missing
/// fields are `None` (or absent from `attributes`).
///
/// ```
/// use crmkit::complaint::categorize::{CategoryRules, Fields};
///
/// let rules = CategoryRules::from_toml(r#"
///     version = "1"
///     [[categories]]
///     id = "vip_refund"
///     any = ["iade"]
///     priority = 5
///     when = { segment = ["gold"], amount_min = 1000 }
///     [[categories]]
///     id = "refund"
///     any = ["iade"]
/// "#).unwrap();
/// let gold = Fields { segment: Some("GOLD".into()), amount: Some(2500.0), ..Fields::default() };
/// let ids = |f: &Fields| -> Vec<String> {
///     rules.categorize_with("iade istiyorum", f).categories.into_iter().map(|h| h.id).collect()
/// };
/// assert_eq!(ids(&gold), ["vip_refund", "refund"]);
/// assert_eq!(ids(&Fields::default()), ["refund"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Fields {
    /// The intake channel (e.g. `call_center`).
    pub channel: Option<String>,
    /// The product type.
    pub product: Option<String>,
    /// The customer segment.
    pub segment: Option<String>,
    /// The language of the text (e.g. `tr`).
    pub language: Option<String>,
    /// The amount the complaint is about.
    pub amount: Option<f64>,
    /// The customer's value.
    pub customer_value: Option<f64>,
    /// Free attributes.
    pub attributes: BTreeMap<String, String>,
}

impl Subject for Fields {
    fn value(&self, field: Field<'_>) -> Option<&str> {
        match field {
            Field::Category => None,
            Field::Product => self.product.as_deref(),
            Field::Channel => self.channel.as_deref(),
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

    fn has_flag(&self, _: &str) -> bool {
        false
    }
}

/// What is wrong with a category rule's conditions: keys only routing
/// rules use, lists without a value, values that compare to nothing.
fn check_when(id: &str, w: &Conditions) -> Result<()> {
    if w.category.is_some() || !w.flags.is_empty() {
        return Err(invalid(format!(
            "rule {id:?}: `when.{}` is for routing rules; category rules decide the category and flags",
            if w.category.is_some() {
                "category"
            } else {
                "flags"
            }
        )));
    }
    for (field, c) in w.fields() {
        if c.any_of.as_ref().is_some_and(Vec::is_empty) {
            return Err(invalid(format!(
                "rule {id:?}: `when.{}` lists no value (leave it out to allow any)",
                field.key()
            )));
        }
    }
    match w.invalid_value() {
        Some(why) => Err(invalid(format!("rule {id:?}: {why}"))),
        None => Ok(()),
    }
}

/// The file form of a rule set.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rule set's version.
    pub version: String,
    /// The file format: 1 when absent (older condition keys such as
    /// `amount_min` load), 2 ([`FORMAT`](condition::FORMAT)) for files in
    /// the current form only.
    #[serde(default = "condition::format_one")]
    pub format: u32,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<CategoryRule>,
    /// Extra flag patterns by flag id, added to the built-in ones.
    #[serde(default)]
    pub flags: Vec<CategoryRule>,
    /// Leave out the built-in flags.
    #[serde(default)]
    pub no_builtin_flags: bool,
    /// How many bytes of a text to read ([`DEFAULT_MAX_TEXT_BYTES`] when
    /// absent). The rest is not read, and the result says it was
    /// [`truncated`](Categorization::truncated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_text_bytes: Option<usize>,
}

/// Where a pattern matched in the original text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// Byte offset of the start in the original text.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// The original text of the span.
    pub text: String,
    /// The pattern that matched.
    pub pattern: String,
}

/// A matched category or flag.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    /// The category or flag id.
    pub id: String,
    /// Its priority (flags: 0).
    pub priority: i32,
    /// The spans that selected it, in text order.
    pub spans: Vec<Span>,
}

/// The categories (highest priority first, then by first match position)
/// and flags (by id) of a text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Categorization {
    /// Matched categories.
    pub categories: Vec<Hit>,
    /// Matched flags.
    pub flags: Vec<Hit>,
    /// The text was longer than the rule set reads (see
    /// [`CategoryRules::max_text_bytes`]): only its start was categorized.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// High-precision flags: phrases that rarely appear without the intent.
const BUILTIN_FLAGS: &[(&str, &[&str])] = &[
    (
        "legal_threat",
        &[
            "avukat",
            "dava ac",
            "dava edece",
            "mahkeme",
            "tuketici hakem heyeti",
            "hakem heyeti",
            "icra",
            "savcilik",
            "suc duyurusu",
            "yasal yollara",
            "lawyer",
            "sue you",
            "legal action",
        ],
    ),
    (
        "regulator",
        &[
            "=btk",
            "=bddk",
            "=spk",
            "=epdk",
            "=cimer",
            "rekabet kurumu",
            "ticaret bakanligi",
            "tuketici haklari",
            "=rtuk",
            "ombudsman",
        ],
    ),
    (
        "fraud",
        &[
            "dolandiri",
            "izinsiz cekim",
            "habersiz cekim",
            "kartimdan habersiz",
            "bilgim disinda",
            "yapmadigim islem",
            "yapmadigim harcama",
            "sahte",
            "hesabim ele gecir",
            "fraud",
            "scam",
            "unauthorized charge",
        ],
    ),
    (
        "data_leak",
        &[
            "=kvkk",
            "kisisel veri",
            "verilerim",
            "veri ihlali",
            "sizdiril",
            "=gdpr",
            "data breach",
            "personal data",
        ],
    ),
    (
        "cancellation_intent",
        &[
            "aboneligimi iptal",
            "uyeligimi iptal",
            "hattimi tasi",
            "numara tasima",
            "numarami tasi",
            "operator degistir",
            "aboneligi iptal",
            "hesabimi kapat",
            "alisveris yapmayaca",
            "bir daha almayaca",
            "cancel my account",
            "close my account",
        ],
    ),
    (
        "public_complaint_threat",
        &[
            "sikayetvar",
            "sosyal medyada paylas",
            "eksi sozluk",
            "twitterda",
            "=basina",
            "herkese duyura",
            "go public",
        ],
    ),
];

/// The ids of the built-in flags, which a rule file gets unless it sets
/// `no_builtin_flags`.
pub fn builtin_flag_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN_FLAGS.iter().map(|(id, _)| *id)
}

#[derive(Debug)]
struct Pattern {
    /// Index of the owning rule (categories first, then flags).
    rule: usize,
    /// A veto pattern (`none`).
    veto: bool,
    /// Whole words only.
    exact: bool,
    text: String,
}

#[derive(Debug)]
struct Compiled {
    file: RuleFile,
    /// (id, priority, is_flag) per rule.
    rules: Vec<(String, i32, bool)>,
    /// The field conditions of every rule (empty when it has none).
    when: Matcher,
    /// Per rule: it has field conditions.
    conditioned: Vec<bool>,
    patterns: Vec<Pattern>,
    matcher: AhoCorasick,
}

/// A compiled rule set: immutable, `Send + Sync`, cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct CategoryRules {
    inner: Arc<Compiled>,
    max_text_bytes: usize,
}

/// The start of `text` that is read under a limit of `max` bytes: cut at
/// a character boundary, and before a word the limit would split (unless
/// that word is all there is).
fn readable(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let splits_word = text[end..].starts_with(char::is_alphanumeric)
        && text[..end].ends_with(char::is_alphanumeric);
    if splits_word && let Some(i) = text[..end].rfind(|c: char| !c.is_alphanumeric()) {
        end = i;
    }
    &text[..end]
}

/// The folded form of a pattern or text: words joined by single spaces.
fn fold(s: &str) -> String {
    crate::text::match_key(s)
}

fn invalid(message: String) -> crate::Error {
    ComplaintError::InvalidRuleSet {
        source_name: "category rules".into(),
        message,
    }
    .into()
}

/// The first category or flag of a parsed file that does not read as a
/// rule, as a message naming it: serde's own error names only the field.
fn failing_rule(file: &serde_json::Value) -> Option<String> {
    for key in ["categories", "flags"] {
        let Some(list) = file.get(key).and_then(|x| x.as_array()) else {
            continue;
        };
        for (i, rule) in list.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<CategoryRule>(rule.clone()) {
                let id = match rule.get("id").and_then(|x| x.as_str()) {
                    Some(id) => format!("rule {id:?}"),
                    None => "a rule without an id".to_owned(),
                };
                return Some(format!("{key}[{i}] ({id}): {e}"));
            }
        }
    }
    None
}

impl CategoryRules {
    /// Reads a TOML rule file.
    pub fn from_toml(text: &str) -> Result<CategoryRules> {
        let file: RuleFile = toml::from_str(text).map_err(|e| {
            let rule = toml::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| failing_rule(&v));
            invalid(rule.unwrap_or_else(|| e.to_string()))
        })?;
        CategoryRules::compile(file)
    }

    /// Reads a JSON rule file.
    pub fn from_json(text: &str) -> Result<CategoryRules> {
        let file: RuleFile = serde_json::from_str(text).map_err(|e| {
            let rule = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| failing_rule(&v));
            invalid(rule.unwrap_or_else(|| e.to_string()))
        })?;
        CategoryRules::compile(file)
    }

    /// Compiles a rule file; errors name the rule and the pattern.
    pub fn compile(file: RuleFile) -> Result<CategoryRules> {
        let mut rules = Vec::new();
        let mut conditions: Vec<Conditions> = Vec::new();
        let mut patterns = Vec::new();
        let mut add = |id: &str,
                       priority: i32,
                       flag: bool,
                       any: &[String],
                       none: &[String],
                       when: Option<&Conditions>|
         -> Result<()> {
            if id.trim().is_empty() {
                return Err(invalid("a rule without an id".into()));
            }
            let rule = rules.len();
            rules.push((id.to_owned(), priority, flag));
            if let Some(w) = when {
                check_when(id, w)?;
            }
            conditions.push(when.cloned().unwrap_or_default());
            for (list, veto) in [(any, false), (none, true)] {
                for p in list {
                    let exact = p.starts_with('=');
                    let text = fold(p.trim_start_matches('='));
                    if text.is_empty() {
                        return Err(invalid(format!(
                            "rule {id:?}: pattern {p:?} has no letters or digits"
                        )));
                    }
                    patterns.push(Pattern {
                        rule,
                        veto,
                        exact,
                        text,
                    });
                }
            }
            Ok(())
        };
        let mut seen = std::collections::HashSet::new();
        for c in &file.categories {
            if !seen.insert(c.id.clone()) {
                return Err(invalid(format!("category {:?} is defined twice", c.id)));
            }
            if c.any.is_empty() {
                return Err(invalid(format!(
                    "category {:?}: `any` lists no pattern",
                    c.id
                )));
            }
            add(&c.id, c.priority, false, &c.any, &c.none, c.when.as_ref())?;
        }
        if !file.no_builtin_flags {
            for (id, list) in BUILTIN_FLAGS {
                let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
                add(id, 0, true, &list, &[], None)?;
            }
        }
        for f in &file.flags {
            add(&f.id, 0, true, &f.any, &f.none, f.when.as_ref())?;
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|p| p.text.as_str()))
            .map_err(|e| invalid(e.to_string()))?;
        condition::check_format(
            file.format,
            file.categories
                .iter()
                .chain(&file.flags)
                .filter_map(|r| r.when.as_ref().map(|w| (r.id.as_str(), w))),
        )
        .map_err(invalid)?;
        let conditioned = conditions.iter().map(|c| !c.is_empty()).collect();
        let when = Matcher::new(&conditions.iter().collect::<Vec<_>>());
        let max_text_bytes = file.max_text_bytes.unwrap_or(DEFAULT_MAX_TEXT_BYTES);
        if max_text_bytes == 0 {
            return Err(invalid("max_text_bytes must be above 0".into()));
        }
        Ok(CategoryRules {
            max_text_bytes,
            inner: Arc::new(Compiled {
                file,
                rules,
                when,
                conditioned,
                patterns,
                matcher,
            }),
        })
    }

    /// The rule file this set was compiled from.
    pub fn source(&self) -> &RuleFile {
        &self.inner.file
    }

    /// How many bytes of a text are read: the start of a longer text is
    /// categorized (cut before a word the limit would split) and the
    /// result is marked [`truncated`](Categorization::truncated).
    pub fn max_text_bytes(&self) -> usize {
        self.max_text_bytes
    }

    /// The same rules reading up to `max` bytes of a text (at least 1).
    /// The time to categorize a text grows linearly with what is read.
    ///
    /// ```
    /// use crmkit::complaint::categorize::CategoryRules;
    ///
    /// let rules = CategoryRules::from_toml("version = '1'\n[[categories]]\nid = 'refund'\nany = ['iade']")?;
    /// let text = format!("{} iade", "kargo ".repeat(20_000));
    /// let short = rules.categorize(&text);
    /// assert!(short.truncated && short.categories.is_empty());
    /// let all = rules.with_max_text_bytes(usize::MAX).categorize(&text);
    /// assert!(!all.truncated && all.categories[0].id == "refund");
    /// # Ok::<(), crmkit::Error>(())
    /// ```
    pub fn with_max_text_bytes(&self, max: usize) -> CategoryRules {
        CategoryRules {
            inner: Arc::clone(&self.inner),
            max_text_bytes: max.max(1),
        }
    }

    /// Categorizes a text, as for a complaint without fields: rules with
    /// field conditions that require a field do not fire.
    pub fn categorize(&self, text: &str) -> Categorization {
        self.categorize_with(text, &Fields::default())
    }

    /// Categorizes a complaint: its text, and its fields for the rules'
    /// field conditions: a [`Complaint`](super::intake::Complaint) as it is,
    /// or [`Fields`].
    pub fn categorize_with<S: Subject + ?Sized>(&self, text: &str, fields: &S) -> Categorization {
        let read = readable(text, self.max_text_bytes);
        let truncated = read.len() < text.len();
        let text = read;
        // words of the original text with their byte spans, and the folded
        // key with each word's offset in it
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    words.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push((s, text.len()));
        }
        let mut key = String::new();
        let mut key_words: Vec<(usize, usize)> = Vec::with_capacity(words.len());
        for &(s, e) in &words {
            let folded = fold(&text[s..e]).replace(' ', "");
            if !key.is_empty() {
                key.push(' ');
            }
            key_words.push((key.len(), key.len() + folded.len()));
            key.push_str(&folded);
        }
        let word_at = |pos: usize| word_at(&key_words, pos);
        let c = &self.inner;
        let mut hits: Vec<Option<Hit>> = vec![None; c.rules.len()];
        let mut vetoed = vec![false; c.rules.len()];
        for m in c.matcher.find_overlapping_iter(&key) {
            let p = &c.patterns[m.pattern().as_usize()];
            // the match must start a word and end inside the last word with
            // at most MAX_SUFFIX letters to go (none for exact patterns)
            let Some(first) = word_at(m.start()) else {
                continue;
            };
            if key_words[first].0 != m.start() {
                continue;
            }
            let Some(last) = word_at(m.end().saturating_sub(1)) else {
                continue;
            };
            let rest = key_words[last].1 - m.end();
            if (p.exact && rest > 0) || rest > MAX_SUFFIX {
                continue;
            }
            if p.veto {
                vetoed[p.rule] = true;
                continue;
            }
            let (id, priority, is_flag) = &c.rules[p.rule];
            if *is_flag && negated_after(text, &words, &key, &key_words, last) {
                continue;
            }
            let (s, e) = (words[first].0, words[last].1);
            let hit = hits[p.rule].get_or_insert_with(|| Hit {
                id: id.clone(),
                priority: *priority,
                spans: Vec::new(),
            });
            hit.spans.push(Span {
                start: s,
                end: e,
                text: text[s..e].to_owned(),
                pattern: p.text.clone(),
            });
        }
        // the field conditions, for all rules at once, when a hit has any
        let mut passing = Vec::new();
        if hits
            .iter()
            .zip(&c.conditioned)
            .any(|(h, &w)| w && h.is_some())
        {
            c.when.matches(fields, false, &mut passing);
        }
        let mut categories = Vec::new();
        let mut flags = Vec::new();
        for (i, hit) in hits.into_iter().enumerate() {
            let Some(mut hit) = hit else { continue };
            if vetoed[i] || (c.conditioned[i] && passing.binary_search(&i).is_err()) {
                continue;
            }
            hit.spans.sort_by_key(|s| (s.start, s.end));
            hit.spans
                .dedup_by(|a, b| a.start == b.start && a.end == b.end);
            if c.rules[i].2 {
                flags.push(hit);
            } else {
                categories.push(hit);
            }
        }
        categories.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then_with(|| a.spans[0].start.cmp(&b.spans[0].start))
        });
        flags.sort_by(|a, b| a.id.cmp(&b.id));
        Categorization {
            categories,
            flags,
            truncated,
        }
    }
}

/// The index of the first word whose key span holds `pos` (an empty word
/// holds its own start). The spans are sorted by start and disjoint except
/// at the start of the key, where words that fold to nothing all start at 0
/// with the first real word; so the candidate is the last word starting at
/// or before `pos`, or for `pos` 0 the first word of the key.
fn word_at(key_words: &[(usize, usize)], pos: usize) -> Option<usize> {
    let i = key_words
        .partition_point(|&(s, _)| s <= pos)
        .checked_sub(1)?;
    let (s, e) = key_words[i];
    if pos >= e.max(s + 1) {
        return None;
    }
    Some(if pos == s {
        key_words[..i].partition_point(|&(t, _)| t < s)
    } else {
        i
    })
}

/// Whether the clause of the word at `last` goes on with a negation within
/// [`NEGATION_WINDOW`] words.
fn negated_after(
    text: &str,
    words: &[(usize, usize)],
    key: &str,
    key_words: &[(usize, usize)],
    last: usize,
) -> bool {
    for j in last + 1..words.len().min(last + 1 + NEGATION_WINDOW) {
        let gap = &text[words[j - 1].1..words[j].0];
        if gap.contains(['.', ',', ';', ':', '!', '?', '\n']) {
            return false;
        }
        if is_negative(&key[key_words[j].0..key_words[j].1]) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules() -> CategoryRules {
        CategoryRules::from_toml(
            r#"
            version = "t"
            [[categories]]
            id = "late_delivery"
            any = ["gecik", "gelmedi", "teslim edilmedi"]
            none = ["iade edildi"]
            [[categories]]
            id = "refund"
            any = ["iade", "param yatmadi"]
            priority = 5
            [[categories]]
            id = "hr"
            any = ["=ik"]
            "#,
        )
        .unwrap()
    }

    fn ids(c: &Categorization) -> Vec<&str> {
        c.categories.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn case_letters_and_suffixes() {
        let r = rules();
        for text in [
            "Kargo GECİKTİ",
            "kargo gecikti",
            "KARGO GECIKTI",
            "kargom gecikmeli geldi",
        ] {
            assert_eq!(ids(&r.categorize(text)), ["late_delivery"], "{text}");
        }
        for text in [
            "iadesi yapılmadı",
            "iademi istiyorum",
            "İADELERİMİZ",
            "Trendyol'dan iade",
        ] {
            assert_eq!(ids(&r.categorize(text)), ["refund"], "{text}");
        }
        // the refund category has the higher priority
        assert_eq!(
            ids(&r.categorize("ürün gelmedi, iade istiyorum")),
            ["refund", "late_delivery"]
        );
        // a veto pattern removes the category
        assert!(ids(&r.categorize("ürün gelmedi ama sonra iade edildi")).contains(&"refund"));
        assert!(
            !ids(&r.categorize("ürün gelmedi ama sonra iade edildi")).contains(&"late_delivery")
        );
        // exact patterns match whole words only
        assert_eq!(ids(&r.categorize("İK birimine yazdım")), ["hr"]);
        assert!(ids(&r.categorize("ikinci kez yazıyorum")).is_empty());
        // a word in the middle of another is no match
        assert!(ids(&r.categorize("tahliye")).is_empty());
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "Sayın yetkili, PARAM YATMADI ve kargom GECİKTİ!";
        let c = rules().categorize(text);
        for hit in &c.categories {
            for s in &hit.spans {
                assert_eq!(&text[s.start..s.end], s.text);
            }
        }
        assert_eq!(c.categories[0].spans[0].text, "PARAM YATMADI");
    }

    #[test]
    fn builtin_flags() {
        let r = rules();
        let flags = |t: &str| {
            r.categorize(t)
                .flags
                .into_iter()
                .map(|h| h.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            flags("Tüketici Hakem Heyeti'ne başvuracağım"),
            ["legal_threat"]
        );
        assert_eq!(flags("BTK'ya şikayet edeceğim"), ["regulator"]);
        assert_eq!(
            flags("kartımdan habersiz çekim yapıldı, dolandırıldım"),
            ["fraud"]
        );
        assert_eq!(flags("KVKK kapsamında verilerim silinsin"), ["data_leak"]);
        assert_eq!(flags("aboneliğimi iptal edin"), ["cancellation_intent"]);
        assert_eq!(flags("şikayetvar'a yazacağım"), ["public_complaint_threat"]);
        assert!(flags("siparişimi iptal ettim, iade bekliyorum").is_empty());
        // a negated flag phrase is no flag; the negation must follow in the
        // same clause
        for text in [
            "Avukatla mahkemeyle uğraşmak istemiyorum.",
            "Dava açmak gibi bir niyetim yok, sadece çözüm istiyorum.",
            "DOLANDIRILDIĞIMI DÜŞÜNMÜYORUM",
            "Kişisel verilerimle ilgili bir endişem yok.",
            "Sosyal medyada paylasmak istemedim, önce size yazıyorum.",
            "Tüketici hakem heyetine başvurmayacağım",
        ] {
            assert!(flags(text).is_empty(), "{text}: {:?}", flags(text));
        }
        assert_eq!(
            flags("Avukatıma danışacağım, bunu istemiyorum artık"),
            ["legal_threat"]
        );
        assert_eq!(
            flags("Bir daha sizden alışveriş yapmayacağım."),
            ["cancellation_intent"]
        );
        // the negated mention does not hide an unnegated one
        assert_eq!(
            flags("Dava açmak istemiyorum ama avukatıma danışacağım."),
            ["legal_threat"]
        );
    }

    #[test]
    fn bad_rule_files_name_the_rule() {
        let e = CategoryRules::from_toml("version = 'x'\n[[categories]]\nid = 'a'\nany = ['!!']")
            .unwrap_err();
        assert!(e.to_string().contains("\"a\""), "{e}");
        assert!(
            CategoryRules::from_toml("version = 'x'\n[[categories]]\nid = 'a'\nany = []").is_err()
        );
        assert!(CategoryRules::from_toml("version = 'x'\nsurprise = 1").is_err());
        let dup = "version = 'x'\n[[categories]]\nid = 'a'\nany = ['b']\n[[categories]]\nid = 'a'\nany = ['c']";
        assert!(CategoryRules::from_toml(dup).is_err());
        assert!(
            CategoryRules::from_json(
                r#"{"version": "x", "categories": [{"id": "a", "any": ["b"]}]}"#
            )
            .is_ok()
        );
    }

    const CONDITIONED: &str = r#"
        version = "t"
        [[categories]]
        id = "card_fraud_vip"
        any = ["izinsiz"]
        priority = 10
        [categories.when]
        channel = ["call_center", "app"]
        product = ["Kredi Kartı"]
        segment = ["gold", "platinum"]
        language = ["tr"]
        amount_min = 1000
        amount_max = 50000
        attributes = { region = ["marmara"] }
        not_attributes = { source = ["test"] }
        [[categories]]
        id = "not_from_kiosk"
        any = ["izinsiz"]
        when = { not_channel = ["kiosk"], not_segment = ["staff"] }
        [[categories]]
        id = "plain"
        any = ["izinsiz"]
        priority = -1
    "#;

    fn vip() -> Fields {
        Fields {
            channel: Some("call_center".into()),
            product: Some("kredi karti".into()),
            segment: Some("GOLD".into()),
            language: Some("tr".into()),
            amount: Some(1000.0),
            customer_value: None,
            attributes: [("region".to_owned(), "Marmara".to_owned())].into(),
        }
    }

    #[test]
    fn field_conditions_require_and_forbid() {
        let r = CategoryRules::from_toml(CONDITIONED).unwrap();
        let ids = |f: &Fields| ids(&r.categorize_with("izinsiz çekim", f)).join(",");
        assert_eq!(ids(&vip()), "card_fraud_vip,not_from_kiosk,plain");
        // each required field, when different or missing, fails the rule
        let base = vip();
        let mut forbidden = vip();
        forbidden.attributes.insert("source".into(), "TEST".into());
        let changes = [
            (
                "channel",
                Fields {
                    channel: Some("web".into()),
                    ..vip()
                },
            ),
            (
                "no channel",
                Fields {
                    channel: None,
                    ..vip()
                },
            ),
            (
                "product",
                Fields {
                    product: Some("banka kartı".into()),
                    ..vip()
                },
            ),
            (
                "segment",
                Fields {
                    segment: None,
                    ..vip()
                },
            ),
            (
                "language",
                Fields {
                    language: Some("en".into()),
                    ..vip()
                },
            ),
            (
                "amount low",
                Fields {
                    amount: Some(999.99),
                    ..vip()
                },
            ),
            (
                "amount high",
                Fields {
                    amount: Some(50_000.01),
                    ..vip()
                },
            ),
            (
                "no amount",
                Fields {
                    amount: None,
                    ..vip()
                },
            ),
            (
                "attribute",
                Fields {
                    attributes: BTreeMap::new(),
                    ..base
                },
            ),
            ("forbidden attribute", forbidden),
        ];
        for (what, f) in changes {
            assert!(!ids(&f).contains("card_fraud_vip"), "{what}: {}", ids(&f));
            assert!(ids(&f).ends_with("plain"), "{what}");
        }
        // the upper bound is inclusive
        assert!(
            ids(&Fields {
                amount: Some(50_000.0),
                ..vip()
            })
            .starts_with("card_fraud_vip")
        );
        // forbidden values; a missing field is not forbidden
        let kiosk = Fields {
            channel: Some("Kiosk".into()),
            ..Fields::default()
        };
        assert_eq!(ids(&kiosk), "plain");
        let staff = Fields {
            segment: Some("staff".into()),
            ..Fields::default()
        };
        assert_eq!(ids(&staff), "plain");
        assert_eq!(ids(&Fields::default()), "not_from_kiosk,plain");
        // text-only categorization is categorization without fields
        assert_eq!(
            super::tests::ids(&r.categorize("izinsiz")),
            ["not_from_kiosk", "plain"]
        );
        // the same rules in JSON
        let json = serde_json::to_string(r.source()).unwrap();
        let j = CategoryRules::from_json(&json).unwrap();
        assert_eq!(
            j.categorize_with("izinsiz", &vip()),
            r.categorize_with("izinsiz", &vip())
        );
    }

    #[test]
    fn bad_field_conditions_name_the_rule_and_field() {
        let cases = [
            ("when = { channel = [] }", "`when.channel` lists no value"),
            (
                "when = { amount_min = 10, amount_max = 5 }",
                "above `when.amount_max`",
            ),
            ("when = { product = ['--'] }", "`when.product` value"),
            ("when = { chanel = ['web'] }", "chanel"),
            (
                "when = { attributes = { region = [] } }",
                "`when.attributes.region` lists no value",
            ),
        ];
        for (when, want) in cases {
            let text = format!("version = 'x'\n[[categories]]\nid = 'vip'\nany = ['a']\n{when}");
            let e = CategoryRules::from_toml(&text).unwrap_err().to_string();
            assert!(e.contains(want) && e.contains("\"vip\""), "{when}: {e}");
        }
        let e = CategoryRules::from_json(
            r#"{"version": "x", "categories": [{"id": "ok", "any": ["a"]}, {"id": "vip", "any": ["a"], "when": {"segmnt": ["gold"]}}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("categories[1]") && e.contains("\"vip\"") && e.contains("segmnt"),
            "{e}"
        );
        let e = CategoryRules::from_json(r#"{"version": "x", "flags": [{"any": ["a"]}]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("flags[0]") && e.contains("without an id"), "{e}");
    }

    #[test]
    fn example_rule_files_stay_valid() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/rules");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains("[[categories]]") {
                    CategoryRules::from_toml(&text)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    n += 1;
                }
            }
        }
        assert!(n >= 5, "{n} category rule files");
    }

    #[test]
    fn long_texts_are_cut_at_the_limit() {
        let r = rules();
        assert_eq!(r.max_text_bytes(), DEFAULT_MAX_TEXT_BYTES);
        let filler = "bir şey daha ".repeat(DEFAULT_MAX_TEXT_BYTES / 10);
        let late = format!("{filler} kargo gecikti");
        let c = r.categorize(&late);
        assert!(c.truncated && c.categories.is_empty(), "{c:?}");
        let all = r.with_max_text_bytes(usize::MAX).categorize(&late);
        assert!(!all.truncated);
        assert_eq!(ids(&all), ["late_delivery"]);
        // a text within the limit is read whole and not marked
        let c = r.categorize("kargo gecikti");
        assert!(!c.truncated);
        assert!(!serde_json::to_string(&c).unwrap().contains("truncated"));
        // the limit does not split a word: "iadesi" across it is left out
        // rather than read as "iad"; a word before it still counts
        let text = "iade ödemesi";
        for (max, want) in [(3, vec![]), (4, vec!["refund"]), (7, vec!["refund"])] {
            let c = r.with_max_text_bytes(max).categorize(text);
            assert_eq!(ids(&c), want, "{max}");
            assert!(c.truncated);
            for s in c.categories.iter().flat_map(|h| &h.spans) {
                assert!(s.end <= max);
            }
        }
        // a limit inside a multi-byte letter is moved back to its start
        let c = r.with_max_text_bytes(2).categorize("ğğ iade");
        assert!(c.truncated && c.categories.is_empty());
        // the limit can be set in the rule file
        let small = CategoryRules::from_toml(
            "version = 'x'\nmax_text_bytes = 8\n[[categories]]\nid = 'r'\nany = ['iade']",
        )
        .unwrap();
        assert_eq!(small.max_text_bytes(), 8);
        assert!(small.categorize("tamam tamam iade").truncated);
        assert!(
            CategoryRules::from_toml("version = 'x'\nmax_text_bytes = 0").is_err(),
            "a zero limit reads nothing"
        );
    }

    /// A text of 2 MB with a match in every few words, read whole: the
    /// work per match does not grow with the text (finding a match's word
    /// is a binary search), so this finishes in well under a second in an
    /// optimized build and seconds in a debug one. Timings per size are in
    /// the `routing` bench (`categorize/…`).
    #[test]
    fn megabytes_of_text_categorize() {
        let r = rules().with_max_text_bytes(usize::MAX);
        let unit = "Kargom GECİKTİ, iadesi yapılmadı; avukatla görüşmek istemiyorum. ";
        let text = unit.repeat(2_000_000 / unit.len() + 1);
        assert!(text.len() >= 2_000_000);
        let c = r.categorize(&text);
        assert!(!c.truncated);
        assert_eq!(ids(&c), ["refund", "late_delivery"]);
        let n = text.len() / unit.len();
        assert_eq!(c.categories[1].spans.len(), n);
        let last = c.categories[1].spans.last().unwrap();
        assert_eq!(&text[last.start..last.end], "GECİKTİ");
        assert!(
            c.flags.is_empty(),
            "every mention is negated: {:?}",
            c.flags.len()
        );
    }

    fn amount_rules(when: &serde_json::Value) -> CategoryRules {
        let file = serde_json::json!({
            "version": "1",
            "categories": [{"id": "big", "any": ["iade"], "when": when}],
        });
        CategoryRules::from_json(&file.to_string()).unwrap()
    }

    #[test]
    fn amount_in_the_shared_interval_form() {
        let r = CategoryRules::from_toml(
            r#"
            version = "1"
            [[categories]]
            id = "big"
            any = ["iade"]
            when = { amount = "(1000..5000]" }
        "#,
        )
        .unwrap();
        let hit = |a: Option<f64>| {
            let f = Fields {
                amount: a,
                ..Fields::default()
            };
            !r.categorize_with("iade", &f).categories.is_empty()
        };
        assert!(!hit(Some(1000.0)));
        assert!(hit(Some(1000.5)));
        assert!(hit(Some(5000.0)));
        assert!(!hit(Some(5000.1)));
        assert!(!hit(None));
        let both = r#"
            version = "1"
            [[categories]]
            id = "big"
            any = ["iade"]
            when = { amount = "> 1", amount_min = 2 }
        "#;
        let e = CategoryRules::from_toml(both).unwrap_err().to_string();
        assert!(
            e.contains("\"big\"") && e.contains("keep only `when.amount`"),
            "{e}"
        );
        let bad = both.replace(", amount_min = 2", "").replace("> 1", "1 <");
        assert!(CategoryRules::from_toml(&bad).is_err());
    }

    proptest! {
        /// `amount_min`/`amount_max` and their upgraded interval form
        /// decide alike on any amount, present or missing.
        #[test]
        fn old_and_upgraded_amount_conditions_decide_alike(
            lo in proptest::option::of(-50i32..50),
            hi in proptest::option::of(-50i32..50),
            amounts in proptest::collection::vec(proptest::option::of(-60i32..60), 1..20),
        ) {
            prop_assume!(lo.zip(hi).is_none_or(|(l, h)| l <= h));
            let mut old = serde_json::Map::new();
            if let Some(lo) = lo {
                old.insert("amount_min".into(), lo.into());
            }
            if let Some(hi) = hi {
                old.insert("amount_max".into(), hi.into());
            }
            let a = amount_rules(&old.into());
            let upgraded = a.source().categories[0].when.as_ref().unwrap().to_string();
            let new = Conditions::parse(&upgraded).unwrap();
            prop_assert!(new.older_keys().is_empty());
            let b = amount_rules(&serde_json::to_value(&new).unwrap());
            let older = |r: &CategoryRules| r.source().lint().iter().filter(|f| f.code == "older_form").count();
            prop_assert_eq!(older(&a), usize::from(lo.is_some() || hi.is_some()));
            prop_assert_eq!(older(&b), 0);
            for x in amounts {
                for x in [x.map(f64::from), x.map(|v| f64::from(v) + 0.5)] {
                    let f = Fields { amount: x, ..Fields::default() };
                    prop_assert_eq!(
                        a.categorize_with("iade", &f).categories.len(),
                        b.categorize_with("iade", &f).categories.len()
                    );
                }
            }
        }

        /// The binary search finds the word a scan over every word finds,
        /// for words of the key's shape: words that fold to nothing, and a
        /// separator before each word once the key is not empty.
        #[test]
        fn word_at_agrees_with_a_scan(lens in proptest::collection::vec(0usize..5, 0..20)) {
            let mut key_words = Vec::new();
            let mut at = 0;
            for len in &lens {
                if at > 0 {
                    at += 1;
                }
                key_words.push((at, at + len));
                at += len;
            }
            for pos in 0..at + 2 {
                let scan = key_words
                    .iter()
                    .position(|&(s, e)| s <= pos && pos < e.max(s + 1));
                prop_assert_eq!(word_at(&key_words, pos), scan, "{:?} at {}", key_words, pos);
            }
        }

        /// Any limit: a text within it is categorized as if there were
        /// none, and a longer one only up to it.
        #[test]
        fn limits_cut_at_a_word_and_keep_earlier_spans(
            text in "[a-zğüİı .,]{0,80}(iade|gecik|=ik| ik )?[a-zğİ ]{0,20}",
            max in 1usize..100,
        ) {
            let r = rules();
            let whole = r.with_max_text_bytes(usize::MAX).categorize(&text);
            let cut = r.with_max_text_bytes(max).categorize(&text);
            prop_assert_eq!(cut.truncated, text.len() > max);
            if !cut.truncated {
                prop_assert_eq!(&cut, &whole);
            }
            // what is read is a prefix: its spans lie below the limit
            for hit in cut.categories.iter().chain(&cut.flags) {
                for s in &hit.spans {
                    prop_assert!(s.end <= max.min(text.len()));
                }
            }
        }

        #[test]
        fn any_text_categorizes_and_spans_are_exact(text in "\\PC{0,60}") {
            let c = rules().categorize(&text);
            for hit in c.categories.iter().chain(&c.flags) {
                for s in &hit.spans {
                    prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                    prop_assert_eq!(&text[s.start..s.end], s.text.as_str());
                }
            }
        }
    }
}
