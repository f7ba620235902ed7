//! Golden records: one view of each customer built from a cluster's
//! records, with where every value came from.
//!
//! Each field survives by a [`Rule`]: the most recent value (by
//! `updated_at`), the most frequent (values compared in standardized form,
//! so `İZMİR` and `Izmir` count together), the value of the highest-priority
//! source, or the most complete (longest). Ties fall to the next criteria:
//! frequency, then recency, then the smallest record id; among spellings
//! of the surviving value the best written one is shown (mixed case over
//! capitals, `Yılmaz` over `Yilmaz`). Every email and
//! phone of the cluster is kept, ranked by validity (parsed by
//! [`crate::contact`]), then how many records carry it, then recency.
//!
//! ```
//! use crmkit::identity::golden::{golden_record, GoldenSettings};
//! use crmkit::identity::Record;
//! let a = Record { id: "1".into(), first_name: Some("AYSE".into()), city: Some("Izmir".into()),
//!                  phones: vec!["0532 123 45 67".into()], country: Some("TR".into()),
//!                  updated_at: Some("2024-01-05".into()), ..Record::default() };
//! let b = Record { id: "2".into(), first_name: Some("Ayşe".into()), city: Some("Ankara".into()),
//!                  phones: vec!["+90 532 123 4567".into()], country: Some("TR".into()),
//!                  updated_at: Some("2025-03-01".into()), ..Record::default() };
//! let c = Record { id: "3".into(), first_name: Some("Ayşe".into()), ..Record::default() };
//! let g = golden_record("1", &[&a, &b, &c], &GoldenSettings::default());
//! assert_eq!(g.field("first_name").unwrap().value, "Ayşe"); // most frequent, recent spelling
//! assert_eq!(g.field("city").unwrap().value, "Ankara");     // most recent
//! assert_eq!(g.field("city").unwrap().record_id, "2");
//! assert_eq!(g.phones.len(), 1);                           // one number, written twice
//! assert_eq!(g.phones[0].value, "+905321234567");
//! ```

use std::collections::{BTreeMap, HashMap};

use super::cluster::id_order;
use super::record::Record;
use super::resolve::Resolution;
use super::standardize::{Prepared, Vocabulary, address_key, email_key, name_key, phone_key};
use crate::text::match_key;

/// How a field's surviving value is chosen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The value of the most recently updated record that has one.
    MostRecent,
    /// The value most records agree on.
    MostFrequent,
    /// The value from the first source in [`GoldenSettings::source_priority`].
    SourcePriority,
    /// The longest value (e.g. a full middle name over an initial).
    MostComplete,
}

/// Survivorship settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GoldenSettings {
    /// Rule per field name (`first_name`, `last_name`, `date_of_birth`,
    /// `national_id`, `address`, `city`, `postcode`, `country`, or an
    /// attribute's column name).
    pub rules: BTreeMap<String, Rule>,
    /// Rule for fields not listed (default: most recent).
    pub default_rule: Rule,
    /// Sources, most trusted first, for [`Rule::SourcePriority`] and as the
    /// last tie-breaker.
    pub source_priority: Vec<String>,
}

impl Default for GoldenSettings {
    fn default() -> Self {
        let rules = [
            ("first_name", Rule::MostFrequent),
            ("last_name", Rule::MostRecent),
            ("date_of_birth", Rule::MostFrequent),
            ("national_id", Rule::MostFrequent),
            ("address", Rule::MostRecent),
            ("city", Rule::MostRecent),
            ("postcode", Rule::MostRecent),
            ("country", Rule::MostFrequent),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        GoldenSettings {
            rules,
            default_rule: Rule::MostRecent,
            source_priority: Vec::new(),
        }
    }
}

/// A surviving value and where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldValue {
    /// The value as written in the chosen record.
    pub value: String,
    /// The record it came from.
    pub record_id: String,
    /// That record's source.
    pub source: Option<String>,
    /// The rule that chose it.
    pub rule: Rule,
    /// How many records carry this value (in standardized form).
    pub support: usize,
}

/// One email or phone of a customer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ContactPoint {
    /// Normalized form: the email dedup key, or E.164.
    pub value: String,
    /// The forms it was written in.
    pub written: Vec<String>,
    /// Whether it parses as valid.
    pub valid: bool,
    /// Records that carry it.
    pub record_ids: Vec<String>,
    /// Their sources (distinct).
    pub sources: Vec<String>,
    /// The latest `updated_at` of those records, if any.
    pub last_seen: Option<String>,
}

/// The golden record of one cluster.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GoldenRecord {
    /// The cluster id.
    pub cluster_id: String,
    /// Member record ids.
    pub record_ids: Vec<String>,
    /// Surviving value per field.
    pub fields: BTreeMap<String, FieldValue>,
    /// Every email, best first.
    pub emails: Vec<ContactPoint>,
    /// Every phone, best first.
    pub phones: Vec<ContactPoint>,
}

impl GoldenRecord {
    /// The surviving value of a field.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.get(name)
    }
}

fn recency_key(r: &Record) -> Option<jiff::civil::DateTime> {
    let s = r.updated_at.as_deref()?.trim();
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .or_else(|| {
            s.parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).datetime())
        })
        .or_else(|| {
            s.parse::<jiff::civil::Date>()
                .ok()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        })
}

struct Candidate<'a> {
    value: &'a str,
    key: String,
    record: &'a Record,
    time: Option<jiff::civil::DateTime>,
}

fn choose(cands: &[Candidate<'_>], rule: &Rule, settings: &GoldenSettings) -> Option<FieldValue> {
    if cands.is_empty() {
        return None;
    }
    let mut support: HashMap<&str, usize> = HashMap::new();
    for c in cands {
        *support.entry(c.key.as_str()).or_default() += 1;
    }
    let source_rank = |r: &Record| {
        r.source
            .as_deref()
            .and_then(|s| settings.source_priority.iter().position(|p| p == s))
            .unwrap_or(usize::MAX)
    };
    let better = |a: &Candidate<'_>, b: &Candidate<'_>| -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let by_freq = support[a.key.as_str()].cmp(&support[b.key.as_str()]);
        let by_time = a.time.cmp(&b.time);
        let by_source = source_rank(b.record).cmp(&source_rank(a.record));
        let by_len = a.value.chars().count().cmp(&b.value.chars().count());
        let by_id = id_order(&b.record.id, &a.record.id);
        let primary = match rule {
            Rule::MostRecent => by_time,
            Rule::MostFrequent => by_freq,
            Rule::SourcePriority => by_source,
            Rule::MostComplete => by_len,
        };
        primary
            .then(by_freq)
            .then(by_time)
            .then(by_source)
            .then(by_id)
            .then(Ordering::Equal)
    };
    let winner = cands.iter().max_by(|a, b| better(a, b))?;
    // among the spellings of the winning value, the best written one:
    // mixed case over ALL CAPS or all lower case, then letters with
    // diacritics kept (Yılmaz over Yilmaz), then the rule's own order
    let written = |c: &Candidate<'_>| {
        let letters = c.value.chars().filter(|ch| ch.is_alphabetic());
        let (mut upper, mut lower, mut non_ascii) = (false, false, 0usize);
        for ch in letters {
            upper |= ch.is_uppercase();
            lower |= ch.is_lowercase();
            non_ascii += usize::from(!ch.is_ascii());
        }
        (upper && lower, non_ascii)
    };
    let best = cands
        .iter()
        .filter(|c| c.key == winner.key)
        .max_by(|a, b| written(a).cmp(&written(b)).then(better(a, b)))?;
    Some(FieldValue {
        value: best.value.to_owned(),
        record_id: best.record.id.clone(),
        source: best.record.source.clone(),
        rule: rule.clone(),
        support: support[best.key.as_str()],
    })
}

fn contact_points<'a>(
    records: &[&'a Record],
    times: &[Option<jiff::civil::DateTime>],
    values: impl Fn(&'a Record) -> &'a [String],
    key: impl Fn(&Record, &str) -> Option<(String, bool)>,
) -> Vec<ContactPoint> {
    let mut points: Vec<ContactPoint> = Vec::new();
    let mut latest: Vec<Option<jiff::civil::DateTime>> = Vec::new();
    for (r, &t) in records.iter().zip(times) {
        for written in values(r) {
            let Some((k, valid)) = key(r, written) else {
                continue;
            };
            let i = match points.iter().position(|p| p.value == k) {
                Some(i) => i,
                None => {
                    points.push(ContactPoint {
                        value: k,
                        written: vec![],
                        valid,
                        record_ids: vec![],
                        sources: vec![],
                        last_seen: None,
                    });
                    latest.push(None);
                    points.len() - 1
                }
            };
            let p = &mut points[i];
            if !p.written.contains(written) {
                p.written.push(written.clone());
            }
            if !p.record_ids.contains(&r.id) {
                p.record_ids.push(r.id.clone());
            }
            if let Some(s) = &r.source
                && !p.sources.contains(s)
            {
                p.sources.push(s.clone());
            }
            if t > latest[i] {
                latest[i] = t;
                p.last_seen = r.updated_at.clone();
            }
        }
    }
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[b]
            .valid
            .cmp(&points[a].valid)
            .then(points[b].record_ids.len().cmp(&points[a].record_ids.len()))
            .then(latest[b].cmp(&latest[a]))
            .then(points[a].value.cmp(&points[b].value))
    });
    order.into_iter().map(|i| points[i].clone()).collect()
}

/// Builds the golden record of one cluster from its member records.
pub fn golden_record(
    cluster_id: &str,
    records: &[&Record],
    settings: &GoldenSettings,
) -> GoldenRecord {
    build(
        cluster_id,
        records.iter().map(|&r| (r, None)).collect(),
        None,
        settings,
    )
}

/// [`golden_record`] for a cluster of a [`Resolution`]: `members` are
/// indices into `records`, the records that were resolved. The
/// standardized values the resolution already holds are reused.
pub fn golden_record_resolved(
    resolution: &Resolution,
    records: &[Record],
    members: &[usize],
    settings: &GoldenSettings,
) -> GoldenRecord {
    let name = members
        .first()
        .map_or("", |&m| resolution.ids[resolution.cluster_of[m]].as_str());
    build(
        name,
        members
            .iter()
            .map(|&i| (&records[i], Some(&resolution.prepared[i])))
            .collect(),
        Some(&resolution.vocabulary),
        settings,
    )
}

/// The standardized key of a field from a resolution's prepared record,
/// when it has one.
fn prepared_key(name: &str, p: &Prepared, v: &Vocabulary) -> Option<String> {
    let text = match name {
        "first_name" => v.first.value(p.first),
        "last_name" => v.last.value(p.last),
        "address" => v.address.value(p.address),
        "city" => v.city.value(p.city),
        "postcode" => v.postcode.value(p.postcode),
        "national_id" => v.national_id.value(p.national_id),
        "date_of_birth" if p.dob != 0 => {
            return Some(format!(
                "{:04}-{:02}-{:02}",
                p.dob / 10_000,
                p.dob / 100 % 100,
                p.dob % 100
            ));
        }
        _ => "",
    };
    (!text.is_empty()).then(|| text.to_owned())
}

fn build(
    cluster_id: &str,
    mut members: Vec<(&Record, Option<&Prepared>)>,
    vocab: Option<&Vocabulary>,
    settings: &GoldenSettings,
) -> GoldenRecord {
    members.sort_by(|a, b| id_order(&a.0.id, &b.0.id));
    let prepared: Vec<Option<&Prepared>> = members.iter().map(|m| m.1).collect();
    let members: Vec<&Record> = members.into_iter().map(|m| m.0).collect();
    let times: Vec<Option<jiff::civil::DateTime>> =
        members.iter().map(|r| recency_key(r)).collect();
    let rule_for = |f: &str| {
        settings
            .rules
            .get(f)
            .unwrap_or(&settings.default_rule)
            .clone()
    };
    let mut fields = BTreeMap::new();
    type Getter = fn(&Record) -> Option<&String>;
    type Key = fn(&str) -> String;
    let canonical: [(&str, Getter, Key); 8] = [
        ("first_name", |r| r.first_name.as_ref(), name_key),
        ("last_name", |r| r.last_name.as_ref(), name_key),
        (
            "date_of_birth",
            |r| r.date_of_birth.as_ref(),
            |s| s.to_owned(),
        ),
        (
            "national_id",
            |r| r.national_id.as_ref(),
            |s| s.chars().filter(|c| c.is_alphanumeric()).collect(),
        ),
        ("address", |r| r.address.as_ref(), address_key),
        ("city", |r| r.city.as_ref(), match_key),
        (
            "postcode",
            |r| r.postcode.as_ref(),
            |s| s.chars().filter(|c| c.is_alphanumeric()).collect(),
        ),
        (
            "country",
            |r| r.country.as_ref(),
            |s| s.trim().to_ascii_uppercase(),
        ),
    ];
    for (name, get, key) in canonical {
        let cands: Vec<Candidate<'_>> = members
            .iter()
            .zip(&times)
            .zip(&prepared)
            .filter_map(|((r, &time), p)| {
                let v = get(r)?;
                let known = p
                    .zip(vocab)
                    .and_then(|(p, vocab)| prepared_key(name, p, vocab));
                let k = if let Some(k) = known {
                    k
                } else if name == "date_of_birth" {
                    let order = super::date::DateOrder::for_country(r.country.as_deref());
                    super::date::parse_date(v, order).map_or_else(|| v.clone(), |d| d.to_string())
                } else {
                    key(v)
                };
                Some(Candidate {
                    value: v,
                    key: k,
                    record: r,
                    time,
                })
            })
            .collect();
        if let Some(mut fv) = choose(&cands, &rule_for(name), settings) {
            if name == "date_of_birth" {
                // report the standardized date
                let r = members
                    .iter()
                    .find(|r| r.id == fv.record_id)
                    .expect("member");
                let order = super::date::DateOrder::for_country(r.country.as_deref());
                if let Some(d) = super::date::parse_date(&fv.value, order) {
                    fv.value = d.to_string();
                }
            }
            fields.insert(name.to_owned(), fv);
        }
    }
    let mut attribute_names: Vec<&String> =
        members.iter().flat_map(|r| r.attributes.keys()).collect();
    attribute_names.sort();
    attribute_names.dedup();
    for name in attribute_names {
        let cands: Vec<Candidate<'_>> = members
            .iter()
            .zip(&times)
            .filter_map(|(r, &time)| {
                let v = r.attributes.get(name)?;
                Some(Candidate {
                    value: v,
                    key: match_key(v),
                    record: r,
                    time,
                })
            })
            .collect();
        if let Some(fv) = choose(&cands, &rule_for(name), settings) {
            fields.insert(name.clone(), fv);
        }
    }
    let emails = contact_points(
        &members,
        &times,
        |r| &r.emails,
        |_, e| match crate::contact::email::dedup_key(e) {
            Some(key) => Some((key, true)),
            None => email_key(e).map(|k| (k, false)),
        },
    );
    let phones = contact_points(
        &members,
        &times,
        |r| &r.phones,
        |r, p| {
            let region = r
                .country
                .as_deref()
                .and_then(|c| crate::contact::phone::region(c).ok());
            crate::contact::phone::e164_with_validity(p, region)
                .or_else(|| phone_key(p, None).map(|k| (k, false)))
        },
    );
    GoldenRecord {
        cluster_id: cluster_id.to_owned(),
        record_ids: members.iter().map(|r| r.id.clone()).collect(),
        fields,
        emails,
        phones,
    }
}

/// Golden records of every cluster: `cluster_ids[i]` is the cluster of
/// `records[i]`. Clusters come out in the order of their ids.
pub fn golden_records<S: AsRef<str>>(
    records: &[Record],
    cluster_ids: &[S],
    settings: &GoldenSettings,
) -> crate::Result<Vec<GoldenRecord>> {
    if records.len() != cluster_ids.len() {
        return Err(crate::error::InputError::LengthMismatch {
            left: "records",
            left_len: records.len(),
            right: "cluster_ids",
            right_len: cluster_ids.len(),
        }
        .into());
    }
    let mut by: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for (r, c) in records.iter().zip(cluster_ids) {
        by.entry(c.as_ref()).or_default().push(r);
    }
    let mut keys: Vec<&str> = by.keys().copied().collect();
    keys.sort_by(|a, b| id_order(a, b));
    use rayon::prelude::*;
    Ok(keys
        .par_iter()
        .map(|k| golden_record(k, &by[k], settings))
        .collect())
}
