//! Customer 360 and contact eligibility: every touchpoint sees the same,
//! current customer.
//!
//! - [`event`]: what happened to a customer (consent changes, campaign
//!   responses, contacts and their delivery outcomes, survey answers,
//!   complaints, purchases), read from JSON or JSON Lines.
//! - [`profile`]: the [`Profile`] of one customer, a fold of events whose
//!   result does not depend on arrival order, mergeable across shards and
//!   serializable.
//! - [`policy`]: the versioned, linted contact [`Policy`] (consent per
//!   purpose, frequency caps, quiet hours, cooling-off, channel order), with
//!   İYS-style defaults for Türkiye.
//! - [`decide`](mod@decide): [`decide()`] — allowed or not, on which channel, and every
//!   reason in a stable vocabulary.
//! - [`store`]: a thread-safe in-memory [`Store`] of profiles.
//! - [`follow`]: the identity index's feed as identity events, so that a
//!   store follows records as customers merge and split.
//!
//! A customer who answers "yes" to an SMS offer at 10:00 drops off that
//! campaign's call list at once:
//!
//! ```
//! use crmkit::engagement::event::Event;
//! use crmkit::engagement::{decide, Channel, Policy, Profile, Purpose, ReasonCode, Request};
//!
//! let log = Event::read_json(r#"
//! {"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00", "channel": "call", "purpose": "commercial", "granted": true, "source": "iys"}
//! {"type": "campaign_response", "customer": "c1", "time": "2026-12-01T10:00:00+03:00", "campaign": "X", "channel": "sms", "response": "positive"}
//! "#).unwrap();
//! let mut profile = Profile::new("c1");
//! for e in &log {
//!     profile.apply(e);
//! }
//! let call = Request::new(Purpose::Commercial).on(Channel::Call).for_campaign("X");
//! let now = "2026-12-01T14:00:00+03:00".parse().unwrap();
//! let d = decide(&profile, &call, &Policy::default(), now);
//! assert!(!d.allowed);
//! assert!(d.has(ReasonCode::AlreadyRespondedToCampaign));
//! assert_eq!(d.codes(), ["already_responded_to_campaign", "consent_granted"]);
//! ```

pub mod decide;
pub mod event;
pub mod follow;
pub mod policy;
pub mod profile;
pub mod store;

pub use decide::{Decision, Reason, ReasonCode, Request, decide};
pub use event::{Channel, Event, EventKind, Purpose};
pub use policy::Policy;
pub use profile::Profile;
pub use store::Store;
