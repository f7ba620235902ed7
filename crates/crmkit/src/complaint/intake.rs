//! Intake: the complaint record every other complaint function works on,
//! and per-channel checks of the fields that keep a complaint from being
//! misrouted.
//!
//! ```
//! use crmkit::complaint::intake::{Channel, Complaint, Field, Requirements};
//!
//! let mut c = Complaint::new(Channel::WebForm, "Siparişim 10 gündür gelmedi");
//! c.customer_id = Some("C-1042".into());
//! let missing = Requirements::default().missing(&c);
//! assert_eq!(missing, [Field::OrderNumber, Field::Product, Field::Subject]);
//! ```

use jiff::Timestamp;
use std::collections::BTreeMap;

/// Where a complaint came in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The company's web form.
    WebForm,
    /// A call to the call centre.
    CallCenter,
    /// A post or message on social media.
    SocialMedia,
    /// A public complaint site (sikayetvar and the like).
    ComplaintSite,
    /// An entry on ekşi sözlük.
    EksiSozluk,
    /// A branch or store.
    Branch,
    /// A dealer or franchise.
    Dealer,
    /// A walk-in at headquarters.
    HqWalkIn,
    /// A kiosk.
    Kiosk,
    /// A QR-code form.
    Qr,
    /// The mobile app.
    App,
    /// Email.
    Email,
    /// Anything else.
    Other,
}

impl Channel {
    /// Every channel.
    pub const ALL: &'static [Channel] = &[
        Channel::WebForm,
        Channel::CallCenter,
        Channel::SocialMedia,
        Channel::ComplaintSite,
        Channel::EksiSozluk,
        Channel::Branch,
        Channel::Dealer,
        Channel::HqWalkIn,
        Channel::Kiosk,
        Channel::Qr,
        Channel::App,
        Channel::Email,
        Channel::Other,
    ];

    /// The snake_case name (`"web_form"`, `"call_center"`...), as in files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::WebForm => "web_form",
            Channel::CallCenter => "call_center",
            Channel::SocialMedia => "social_media",
            Channel::ComplaintSite => "complaint_site",
            Channel::EksiSozluk => "eksi_sozluk",
            Channel::Branch => "branch",
            Channel::Dealer => "dealer",
            Channel::HqWalkIn => "hq_walk_in",
            Channel::Kiosk => "kiosk",
            Channel::Qr => "qr",
            Channel::App => "app",
            Channel::Email => "email",
            Channel::Other => "other",
        }
    }

    /// The channel named `name` (its [`as_str`](Self::as_str) form); the
    /// error for row `row` of a batch lists the channels there are.
    pub fn parse_at(name: &str, row: usize) -> crate::error::Result<Channel> {
        Channel::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
                crate::Error::invalid_argument(
                    "channel",
                    format!("one of {} at row {row}, got {name:?}", known.join(", ")),
                )
            })
    }

    /// Whether complaints on this channel are visible to the public.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Channel::SocialMedia | Channel::ComplaintSite | Channel::EksiSozluk
        )
    }
}

/// A complaint as it arrives.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Complaint {
    /// The complaint's id in the caller's system.
    #[serde(default)]
    pub id: Option<String>,
    /// Where it came in.
    pub channel: Channel,
    /// When it came in.
    #[serde(default)]
    pub received_at: Option<Timestamp>,
    /// The customer's id.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The order the complaint is about.
    #[serde(default)]
    pub order_number: Option<String>,
    /// The product type (e.g. `"credit_card"`, `"mobile_postpaid"`).
    #[serde(default)]
    pub product: Option<String>,
    /// The subject or title.
    #[serde(default)]
    pub subject: Option<String>,
    /// The complaint text.
    #[serde(default)]
    pub text: String,
    /// The customer segment (e.g. `"gold"`, `"sme"`).
    #[serde(default)]
    pub segment: Option<String>,
    /// The customer's value (e.g. yearly revenue), for prioritizing and win-back.
    #[serde(default)]
    pub customer_value: Option<f64>,
    /// The amount in dispute, if any.
    #[serde(default)]
    pub amount: Option<f64>,
    /// The language of the text (BCP 47, e.g. `"tr"`).
    #[serde(default)]
    pub language: Option<String>,
    /// The category, when already known.
    #[serde(default)]
    pub category: Option<String>,
    /// Free attributes for rule conditions.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Flags already known (e.g. `"legal_threat"` from an upstream
    /// classifier), for routing conditions; routing adds the ones it
    /// detects in the text.
    #[serde(default)]
    pub flags: Vec<String>,
}

impl Complaint {
    /// A complaint with a channel and text and nothing else.
    pub fn new(channel: Channel, text: &str) -> Complaint {
        Complaint {
            id: None,
            channel,
            received_at: None,
            customer_id: None,
            order_number: None,
            product: None,
            subject: None,
            text: text.to_owned(),
            segment: None,
            customer_value: None,
            amount: None,
            language: None,
            category: None,
            attributes: BTreeMap::new(),
            flags: Vec::new(),
        }
    }
}

/// A field a channel may require.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `received_at`.
    ReceivedAt,
    /// `customer_id`.
    CustomerId,
    /// `order_number`.
    OrderNumber,
    /// `product`.
    Product,
    /// `subject`.
    Subject,
    /// `text`.
    Text,
    /// `segment`.
    Segment,
}

impl Field {
    /// The field's name in the complaint record.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::ReceivedAt => "received_at",
            Field::CustomerId => "customer_id",
            Field::OrderNumber => "order_number",
            Field::Product => "product",
            Field::Subject => "subject",
            Field::Text => "text",
            Field::Segment => "segment",
        }
    }

    fn is_present(self, c: &Complaint) -> bool {
        let filled = |s: &Option<String>| s.as_deref().is_some_and(|v| !v.trim().is_empty());
        match self {
            Field::ReceivedAt => c.received_at.is_some(),
            Field::CustomerId => filled(&c.customer_id),
            Field::OrderNumber => filled(&c.order_number),
            Field::Product => filled(&c.product),
            Field::Subject => filled(&c.subject),
            Field::Text => !c.text.trim().is_empty(),
            Field::Segment => filled(&c.segment),
        }
    }
}

/// The fields each channel must carry. Channels without an entry need only `text`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Requirements(pub BTreeMap<Channel, Vec<Field>>);

impl Default for Requirements {
    /// The documented defaults:
    ///
    /// | channel | required |
    /// |---|---|
    /// | web form, app, email | customer, order number, product, subject, text |
    /// | call centre, branch, dealer, HQ walk-in | customer, product, text |
    /// | kiosk, QR | product, text |
    /// | social media, complaint site, ekşi sözlük | text (the rest is asked for in the reply) |
    fn default() -> Self {
        use Channel::*;
        use Field::*;
        let digital = vec![CustomerId, OrderNumber, Product, Subject, Text];
        let assisted = vec![CustomerId, Product, Text];
        let mut m = BTreeMap::new();
        for ch in [WebForm, App, Email] {
            m.insert(ch, digital.clone());
        }
        for ch in [CallCenter, Branch, Dealer, HqWalkIn] {
            m.insert(ch, assisted.clone());
        }
        for ch in [Kiosk, Qr] {
            m.insert(ch, vec![Product, Text]);
        }
        for ch in [SocialMedia, ComplaintSite, EksiSozluk, Other] {
            m.insert(ch, vec![Text]);
        }
        Requirements(m)
    }
}

impl Requirements {
    /// The required fields the complaint lacks, in field order.
    pub fn missing(&self, complaint: &Complaint) -> Vec<Field> {
        let required: &[Field] = self
            .0
            .get(&complaint.channel)
            .map_or(&[Field::Text], Vec::as_slice);
        let mut missing: Vec<Field> = required
            .iter()
            .copied()
            .filter(|f| !f.is_present(complaint))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}

/// Reads complaints from JSON: an array of objects, or one object per line
/// (NDJSON; blank lines skipped). An error names the record (array index)
/// or the line and what is wrong with it.
///
/// ```
/// use crmkit::complaint::intake::complaints_from_json;
///
/// let cs = complaints_from_json("{\"channel\": \"app\", \"text\": \"a\"}\n\n{\"channel\": \"email\"}").unwrap();
/// assert_eq!(cs.len(), 2);
/// let e = complaints_from_json("{\"channel\": \"app\"}\n{\"channel\": \"fax\"}").unwrap_err();
/// assert!(e.to_string().contains("line 2"), "{e}");
/// ```
pub fn complaints_from_json(text: &str) -> crate::error::Result<Vec<Complaint>> {
    crate::tabular::json_rows(text).map_err(|e| {
        crate::Error::invalid_argument("complaints", format!("a complaint record at {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_are_the_serde_names() {
        for &c in Channel::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert_eq!(Channel::parse_at(c.as_str(), 0).unwrap(), c);
        }
        let e = Channel::parse_at("fax", 3).unwrap_err().to_string();
        assert!(
            e.contains("at row 3") && e.contains("web_form") && e.contains("\"fax\""),
            "{e}"
        );
    }

    #[test]
    fn blank_values_count_as_missing() {
        let mut c = Complaint::new(Channel::CallCenter, "  ");
        c.customer_id = Some(" ".into());
        c.product = Some("kredi_karti".into());
        assert_eq!(
            Requirements::default().missing(&c),
            [Field::CustomerId, Field::Text]
        );
    }

    #[test]
    fn json_round_trip_with_defaults() {
        let c: Complaint = serde_json::from_str(
            r#"{"channel": "eksi_sozluk", "text": "rezalet", "received_at": "2026-11-20T10:00:00Z"}"#,
        )
        .unwrap();
        assert!(c.channel.is_public());
        assert!(Requirements::default().missing(&c).is_empty());
        let back: Complaint = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        let e =
            serde_json::from_str::<Complaint>(r#"{"channel": "fax", "text": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown variant"), "{e}");
    }
}
