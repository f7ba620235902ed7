//! Events: what happened to a customer, when, and where it was recorded.
//!
//! An event is one JSON object (or one TOML table, or any self-describing
//! serde format) with a `type`, the `customer` id, the `time` with its UTC
//! offset and an optional `source`, plus the fields of its type:
//!
//! | `type` | fields |
//! |---|---|
//! | `consent` | `channel`, `purpose`, `granted`, optional `recipient` (`individual` / `merchant`) |
//! | `campaign_response` | `campaign`, `channel`, `response` (`positive` / `negative` / `opt_out`) |
//! | `contact` | `channel`, optional `campaign`, optional `outcome` (a bounce, DSN, SMS report or call disposition) |
//! | `survey` | `metric` (`nps` / `csat` / `ces`), `value`, optional `touchpoint` |
//! | `complaint_opened`, `complaint_resolved`, `sla_breached` | `complaint` (its id), `category`, optional `priority` |
//! | `purchase` | `amount`, optional `currency`, `product` |
//! | `merged` | `absorbed`: the customers that become the event's `customer`; optional `seq` |
//! | `split` | `into`: a new customer; `keys`: the customer keys that move to it; optional `seq` |
//!
//! `seq`, the identity index's feed sequence number, orders identity events
//! of the same time (see [`follow`](super::follow)).
//!
//! Channels are `call`, `sms` and `email`; purposes `commercial`, `service`
//! and `transactional`. An unknown type, an unknown field, an unknown
//! channel or a time without an offset is an error that names the field.
//!
//! ```
//! use crmkit::engagement::event::{Event, EventKind};
//! use crmkit::engagement::{Channel, Purpose};
//!
//! let e: Event = serde_json::from_str(r#"{"type": "consent", "customer": "c1",
//!     "time": "2026-12-01T10:00:00+03:00", "channel": "sms", "purpose": "commercial",
//!     "granted": false, "source": "iys"}"#).unwrap();
//! assert_eq!(e.time.to_string(), "2026-12-01T07:00:00Z");
//! assert!(matches!(e.kind, EventKind::Consent { channel: Channel::Sms, purpose: Purpose::Commercial, granted: false, .. }));
//!
//! let err = serde_json::from_str::<Event>(r#"{"type": "consent", "customer": "c1",
//!     "time": "2026-12-01T10:00:00", "channel": "sms", "purpose": "commercial", "granted": true}"#).unwrap_err();
//! assert!(err.to_string().starts_with("time:"), "{err}");
//! ```

use crate::error::Result;
use jiff::Timestamp;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// Declares a closed vocabulary: an enum with stable snake_case names whose
/// serde form is the name, and whose parse error names the field.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $field:literal {
        $($(#[$vm:meta])* $variant:ident => $s:literal,)*
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable snake_case name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s,)* }
            }

            /// Parses the snake_case name; an error names the field and the
            /// accepted names.
            pub fn parse(s: &str) -> $crate::error::Result<$name> {
                match s {
                    $($s => Ok($name::$variant),)*
                    _ => Err($crate::error::Error::invalid_argument($field, Self::expected(s))),
                }
            }

            fn expected(s: &str) -> String {
                let names: Vec<String> = Self::ALL.iter().map(|v| format!("{:?}", v.as_str())).collect();
                format!("unknown {} {:?}; expected one of {}", $field, s, names.join(", "))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                match s.as_str() {
                    $($s => Ok($name::$variant),)*
                    _ => Err(<D::Error as serde::de::Error>::custom(format!("{}: {}", $field, Self::expected(&s)))),
                }
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// A contact channel.
    Channel, "channel" {
        /// A phone call (call centre, outbound dialler).
        Call => "call",
        /// A text message.
        Sms => "sms",
        /// An email.
        Email => "email",
    }
}

vocabulary! {
    /// Why a customer is contacted.
    Purpose, "purpose" {
        /// Marketing, offers, campaigns: needs consent (İYS in Türkiye).
        Commercial => "commercial",
        /// Service: follow-ups, call-backs, surveys about a service given.
        Service => "service",
        /// Transactional: delivery notices, invoices, one-time codes.
        Transactional => "transactional",
    }
}

vocabulary! {
    /// Who the consent is for, as İYS records it.
    Recipient, "recipient" {
        /// A private person (İYS "bireysel").
        Individual => "individual",
        /// A merchant or tradesperson (İYS "tacir").
        Merchant => "merchant",
    }
}

vocabulary! {
    /// A customer's answer to a campaign.
    Response, "response" {
        /// Yes, interested.
        Positive => "positive",
        /// No, not interested.
        Negative => "negative",
        /// Stop sending: revokes commercial consent on that channel.
        OptOut => "opt_out",
    }
}

vocabulary! {
    /// A survey metric.
    Metric, "metric" {
        /// Net Promoter Score answer, 0–10.
        Nps => "nps",
        /// Customer satisfaction answer.
        Csat => "csat",
        /// Customer effort score answer.
        Ces => "ces",
    }
}

/// The kinds of events and their fields; see the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    /// Consent given or revoked for a channel and purpose.
    Consent {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
        /// `true` for a grant, `false` for a revocation.
        granted: bool,
        /// Who the consent is for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient: Option<Recipient>,
    },
    /// An answer to a campaign.
    CampaignResponse {
        /// The campaign id.
        campaign: String,
        /// The channel the answer came on.
        channel: Channel,
        /// The answer.
        response: Response,
    },
    /// An outbound contact, with its delivery outcome when known.
    Contact {
        /// The channel.
        channel: Channel,
        /// The campaign, if the contact was for one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign: Option<String>,
        /// The outcome text: an SMTP reply or DSN, an SMS delivery report,
        /// or a call disposition.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<String>,
    },
    /// A survey answer.
    Survey {
        /// The metric.
        metric: Metric,
        /// The answer (NPS: an integer from 0 to 10).
        value: f64,
        /// Where the survey was taken (branch, app, call centre…).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        touchpoint: Option<String>,
    },
    /// A complaint was opened.
    ComplaintOpened {
        /// The complaint id.
        complaint: String,
        /// Its category.
        category: String,
        /// Its priority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
    /// A complaint was resolved.
    ComplaintResolved {
        /// The complaint id.
        complaint: String,
        /// Its category.
        category: String,
        /// Its priority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
    /// A complaint missed a service-level target.
    SlaBreached {
        /// The complaint id.
        complaint: String,
        /// Its category.
        category: String,
        /// Its priority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
    /// A purchase.
    Purchase {
        /// The amount (a refund is negative).
        amount: f64,
        /// ISO 4217 currency code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<String>,
        /// The product.
        product: String,
    },
    /// Customers found to be one (the identity index's `merged` event):
    /// the event's `customer` absorbs every customer in `absorbed`, whose
    /// histories become its history.
    Merged {
        /// The customers absorbed.
        absorbed: Vec<String>,
        /// The identity index's feed sequence number: identity events of
        /// the same time are applied in its order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u64>,
    },
    /// A customer found to be two (the identity index's `split` event): the
    /// customer keys in `keys` leave the event's `customer` for the
    /// customer `into`, and take their events with them.
    Split {
        /// The new customer.
        into: String,
        /// The customer keys (the `customer` of their events) that move.
        keys: Vec<String>,
        /// The identity index's feed sequence number: identity events of
        /// the same time are applied in its order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u64>,
    },
}

impl EventKind {
    /// The `type` names, in declaration order.
    pub const TYPES: &'static [&'static str] = &[
        "consent",
        "campaign_response",
        "contact",
        "survey",
        "complaint_opened",
        "complaint_resolved",
        "sla_breached",
        "purchase",
        "merged",
        "split",
    ];

    /// The `type` name of this event.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::Consent { .. } => "consent",
            EventKind::CampaignResponse { .. } => "campaign_response",
            EventKind::Contact { .. } => "contact",
            EventKind::Survey { .. } => "survey",
            EventKind::ComplaintOpened { .. } => "complaint_opened",
            EventKind::ComplaintResolved { .. } => "complaint_resolved",
            EventKind::SlaBreached { .. } => "sla_breached",
            EventKind::Purchase { .. } => "purchase",
            EventKind::Merged { .. } => "merged",
            EventKind::Split { .. } => "split",
        }
    }

    /// The identity index's feed sequence number of an identity event.
    pub fn seq(&self) -> Option<u64> {
        match self {
            EventKind::Merged { seq, .. } | EventKind::Split { seq, .. } => *seq,
            _ => None,
        }
    }

    /// Whether this is an identity event (`merged`, `split`): it changes
    /// which keys make up a customer, not a profile.
    pub fn is_identity(&self) -> bool {
        matches!(self, EventKind::Merged { .. } | EventKind::Split { .. })
    }

    /// Checks the values serde cannot: ranges and finiteness.
    fn validate(&self) -> std::result::Result<(), String> {
        match self {
            EventKind::Survey { metric, value, .. } => {
                if !value.is_finite() || *value < 0.0 {
                    return Err(format!(
                        "value: {value} is not a finite, non-negative number"
                    ));
                }
                if *metric == Metric::Nps && (value.fract() != 0.0 || *value > 10.0) {
                    return Err(format!(
                        "value: {value} is not an NPS answer (an integer from 0 to 10)"
                    ));
                }
                Ok(())
            }
            EventKind::Purchase { amount, .. } => {
                if !amount.is_finite() || amount.abs() > MAX_AMOUNT {
                    return Err(format!(
                        "amount: {amount} is not a finite amount of at most {MAX_AMOUNT:e}"
                    ));
                }
                Ok(())
            }
            EventKind::CampaignResponse { campaign, .. } if campaign.is_empty() => {
                Err("campaign: must not be empty".to_owned())
            }
            EventKind::ComplaintOpened { complaint, .. }
            | EventKind::ComplaintResolved { complaint, .. }
            | EventKind::SlaBreached { complaint, .. }
                if complaint.is_empty() =>
            {
                Err("complaint: must not be empty".to_owned())
            }
            EventKind::Merged { absorbed, .. } if absorbed.is_empty() => {
                Err("absorbed: expected at least one customer".to_owned())
            }
            EventKind::Split { into, keys, .. } if into.is_empty() || keys.is_empty() => {
                Err("into, keys: expected the new customer and at least one key".to_owned())
            }
            EventKind::Merged { absorbed: ids, .. } | EventKind::Split { keys: ids, .. }
                if ids.iter().any(String::is_empty) =>
            {
                Err("a customer key must not be empty".to_owned())
            }
            _ => Ok(()),
        }
    }
}

/// The largest purchase amount accepted, so that totals in hundredths stay
/// exact in an `i64`.
pub const MAX_AMOUNT: f64 = 1e13;

/// One event about one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// When it happened (written with a UTC offset).
    pub time: Timestamp,
    /// The customer id.
    pub customer: String,
    /// Where it was recorded (`iys`, `web_form`, `call_center`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// An event without a source.
    pub fn new(time: Timestamp, customer: impl Into<String>, kind: EventKind) -> Event {
        Event {
            time,
            customer: customer.into(),
            source: None,
            kind,
        }
    }

    /// The same event with a source.
    pub fn with_source(mut self, source: impl Into<String>) -> Event {
        self.source = Some(source.into());
        self
    }

    /// Reads events given as a JSON array or as JSON Lines; an error names
    /// the line or element and the field.
    ///
    /// ```
    /// use crmkit::engagement::event::Event;
    ///
    /// let log = r#"{"type": "purchase", "customer": "c1", "time": "2026-12-01T10:00:00Z", "amount": 120.5, "product": "kettle"}
    /// {"type": "contact", "customer": "c1", "time": "2026-12-02T10:00:00Z", "channel": "fax"}"#;
    /// let err = Event::read_json(log).unwrap_err();
    /// assert!(err.to_string().starts_with("line 2"), "{err}");
    /// assert!(err.to_string().contains("channel: unknown channel \"fax\""), "{err}");
    /// ```
    pub fn read_json(text: &str) -> Result<Vec<Event>> {
        crate::tabular::json_rows(text)
    }

    /// Reads events from CSV: one event per row, the columns named as the
    /// JSON fields ([`CSV_COLUMNS`]; `type`, `customer` and `time` are
    /// required, the others may be left out). An empty cell is a field not
    /// given; a filled cell that the row's type does not have is an error,
    /// as in JSON. `granted` is `true` or `false`, `value` and `amount` are
    /// numbers, and the lists `absorbed` and `keys` are separated by `|`.
    /// An error names the line and the field.
    ///
    /// ```
    /// use crmkit::engagement::event::Event;
    /// use crmkit::tabular::CsvFormat;
    ///
    /// let csv = "type,customer,time,channel,purpose,granted,source,amount,product\n\
    ///     consent,c1,2026-12-01T10:00:00+03:00,sms,commercial,false,iys,,\n\
    ///     purchase,c1,2026-12-02T10:00:00+03:00,,,,,120.5,kettle\n";
    /// let events = Event::read_csv(csv.as_bytes(), &CsvFormat::default()).unwrap();
    /// assert_eq!(events.len(), 2);
    ///
    /// let bad = "type,customer,time,channel\ncontact,c1,2026-12-01T10:00:00,sms\n";
    /// let err = Event::read_csv(bad.as_bytes(), &CsvFormat::default()).unwrap_err();
    /// assert!(err.to_string().starts_with("line 2: time:"), "{err}");
    /// ```
    pub fn read_csv<R: std::io::Read>(
        reader: R,
        format: &crate::tabular::CsvFormat,
    ) -> Result<Vec<Event>> {
        use crate::tabular::{CsvRows, QUOTE_MAX, quote};
        use serde_json::{Map, Value};
        let mut rows = CsvRows::new(reader, format)?;
        let mut columns = Vec::new();
        for (i, name) in rows.headers().iter().enumerate() {
            let name = name.trim_start_matches('\u{feff}').trim();
            if !CSV_COLUMNS.contains(&name) {
                return Err(super::profile::malformed_at(
                    "header".to_owned(),
                    format!(
                        "column {} is not an event field; expected some of {}",
                        quote(name, QUOTE_MAX),
                        CSV_COLUMNS.join(", ")
                    ),
                ));
            }
            if columns.iter().any(|&(_, c)| c == name) {
                return Err(super::profile::malformed_at(
                    "header".to_owned(),
                    format!("column {name:?} appears twice"),
                ));
            }
            columns.push((
                i,
                CSV_COLUMNS[CSV_COLUMNS.iter().position(|c| *c == name).unwrap_or(0)],
            ));
        }
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        while let Some(line) = rows.next_row(&mut record)? {
            let at =
                |message: String| super::profile::malformed_at(format!("line {line}"), message);
            let mut map = Map::new();
            for &(i, name) in &columns {
                let cell = record.get(i).unwrap_or("").trim();
                if cell.is_empty() {
                    continue;
                }
                let value = match name {
                    "granted" => match cell {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => {
                            return Err(at(format!(
                                "granted: {} is not true or false",
                                quote(cell, QUOTE_MAX)
                            )));
                        }
                    },
                    "value" | "amount" => match cell
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                    {
                        Some(n) => Value::Number(n),
                        None => {
                            return Err(at(format!(
                                "{name}: {} is not a number",
                                quote(cell, QUOTE_MAX)
                            )));
                        }
                    },
                    "absorbed" | "keys" => Value::Array(
                        cell.split('|')
                            .map(|k| Value::String(k.trim().to_owned()))
                            .collect(),
                    ),
                    _ => Value::String(cell.to_owned()),
                };
                map.insert(name.to_owned(), value);
            }
            let event: Event =
                serde_json::from_value(Value::Object(map)).map_err(|e| at(e.to_string()))?;
            out.push(event);
        }
        Ok(out)
    }
}

/// The columns [`Event::read_csv`] knows: the fields of every event type.
pub const CSV_COLUMNS: &[&str] = &[
    "type",
    "customer",
    "time",
    "source",
    "channel",
    "purpose",
    "granted",
    "recipient",
    "campaign",
    "response",
    "outcome",
    "metric",
    "value",
    "touchpoint",
    "complaint",
    "category",
    "priority",
    "amount",
    "currency",
    "product",
    "absorbed",
    "into",
    "keys",
];

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde_json::Value;
        // The common fields are taken out by hand and the rest goes to the
        // tagged kind: serde cannot combine `flatten` with
        // `deny_unknown_fields`.
        let mut map = serde_json::Map::<String, Value>::deserialize(d)?;
        let ty = match map.get("type") {
            Some(Value::String(s)) if EventKind::TYPES.contains(&s.as_str()) => s.clone(),
            Some(Value::String(s)) => {
                return Err(D::Error::custom(format!(
                    "type: unknown event type {s:?}; expected one of {}",
                    EventKind::TYPES.join(", ")
                )));
            }
            Some(_) => return Err(D::Error::custom("type: expected a string")),
            None => return Err(D::Error::missing_field("type")),
        };
        let time = match map.remove("time") {
            Some(Value::String(s)) => s.parse::<Timestamp>().map_err(|e| {
                D::Error::custom(format!(
                    "time: {} is not an RFC 3339 time with a UTC offset ({e})",
                    crate::tabular::quote(&s, crate::tabular::QUOTE_MAX)
                ))
            })?,
            Some(_) => return Err(D::Error::custom("time: expected a string")),
            None => return Err(D::Error::missing_field("time")),
        };
        let customer = match map.remove("customer") {
            Some(Value::String(s)) if !s.is_empty() => s,
            Some(Value::String(_)) => return Err(D::Error::custom("customer: must not be empty")),
            Some(_) => return Err(D::Error::custom("customer: expected a string")),
            None => return Err(D::Error::missing_field("customer")),
        };
        let source = match map.remove("source") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(D::Error::custom("source: expected a string")),
        };
        let kind = EventKind::deserialize(Value::Object(map))
            .map_err(|e| D::Error::custom(format!("{ty} event: {e}")))?;
        kind.validate()
            .map_err(|e| D::Error::custom(format!("{ty} event: {e}")))?;
        Ok(Event {
            time,
            customer,
            source,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> std::result::Result<Event, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_type_and_round_trips() {
        let lines = [
            r#"{"type":"consent","customer":"c1","time":"2026-12-01T10:00:00+03:00","channel":"sms","purpose":"commercial","granted":false,"source":"iys","recipient":"individual"}"#,
            r#"{"type":"campaign_response","customer":"c1","time":"2026-12-01T10:00:00Z","campaign":"X","channel":"sms","response":"positive"}"#,
            r#"{"type":"contact","customer":"c1","time":"2026-12-01T10:00:00Z","channel":"email","campaign":"X","outcome":"550 5.1.1 user unknown"}"#,
            r#"{"type":"survey","customer":"c1","time":"2026-12-01T10:00:00Z","metric":"nps","value":3,"touchpoint":"branch"}"#,
            r#"{"type":"complaint_opened","customer":"c1","time":"2026-12-01T10:00:00Z","complaint":"K1","category":"billing","priority":"high"}"#,
            r#"{"type":"complaint_resolved","customer":"c1","time":"2026-12-01T10:00:00Z","complaint":"K1","category":"billing"}"#,
            r#"{"type":"sla_breached","customer":"c1","time":"2026-12-01T10:00:00Z","complaint":"K1","category":"billing"}"#,
            r#"{"type":"purchase","customer":"c1","time":"2026-12-01T10:00:00Z","amount":99.9,"currency":"TRY","product":"kettle"}"#,
        ];
        for line in lines {
            let e = parse(line).unwrap();
            let back: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
            assert_eq!(back, e);
        }
        let events = Event::read_json(&lines.join("\n")).unwrap();
        assert_eq!(events.len(), lines.len());
        let array = Event::read_json(&format!("[{}]", lines.join(","))).unwrap();
        assert_eq!(array, events);
    }

    #[test]
    fn errors_name_the_field() {
        let base = r#""customer":"c1","time":"2026-12-01T10:00:00Z""#;
        let cases = [
            (format!(r#"{{"type":"fax_sent",{base}}}"#), "type: unknown event type"),
            (format!(r#"{{{base},"channel":"sms"}}"#), "missing field `type`"),
            (
                format!(r#"{{"type":"contact",{base},"channel":"fax"}}"#),
                "channel: unknown channel \"fax\"",
            ),
            (
                format!(r#"{{"type":"contact",{base},"channel":"sms","color":"red"}}"#),
                "unknown field `color`",
            ),
            (
                r#"{"type":"contact","customer":"c1","time":"2026-12-01T10:00:00","channel":"sms"}"#
                    .to_owned(),
                "time:",
            ),
            (
                format!(r#"{{"type":"survey",{base},"metric":"nps","value":11}}"#),
                "value: 11",
            ),
            (
                format!(r#"{{"type":"consent",{base},"channel":"sms","purpose":"commercial"}}"#),
                "missing field `granted`",
            ),
            (
                r#"{"type":"contact","time":"2026-12-01T10:00:00Z","channel":"sms"}"#.to_owned(),
                "missing field `customer`",
            ),
            (
                format!(r#"{{"type":"purchase",{base},"amount":1e300,"product":"p"}}"#),
                "amount:",
            ),
        ];
        for (text, want) in cases {
            let err = parse(&text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn vocabulary_parses_and_rejects() {
        assert_eq!(Channel::parse("sms").unwrap(), Channel::Sms);
        let err = Channel::parse("fax").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidArgument);
        assert!(err.to_string().contains("channel"), "{err}");
        for &p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()).unwrap(), p);
        }
    }
}
