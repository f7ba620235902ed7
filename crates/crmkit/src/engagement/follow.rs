//! Following the identity index: its [feed](crate::identity::index::Index::events_since)
//! turned into identity events, so that a [`Store`](super::Store) whose
//! customer keys are record ids sees customers merge and split as the index
//! does.
//!
//! Every index event that moves records becomes one `split` event of the
//! store (`split` moves keys to a customer): its `customer` is one of the
//! records that move, `into` the entity they move to and `keys` the records.
//! So `joined` and `merged` move records into an entity, `split` moves them
//! out to the new entities, `created` moves a record into an entity that
//! does not bear its id, and `left` gives a deleted record back its own key
//! (its history leaves the customer). `removed` changes nothing. Each event
//! carries its feed sequence number as `seq`, so that events given the same
//! `time` are applied in the feed's order. After the events of every
//! sequence number up to the index's [`last_seq`](crate::identity::index::Index::last_seq),
//! [`Store::entity_of`](super::Store::entity_of) of every indexed record is
//! its [`Index::entity_of`](crate::identity::index::Index::entity_of).
//!
//! A store that starts following an index that already holds records (or
//! that must resync) first applies [`assignment_events`].
//!
//! ```
//! use crmkit::engagement::event::Event;
//! use crmkit::engagement::{follow, Policy, Store};
//! use crmkit::identity::index::Index;
//! use crmkit::identity::{Record, Settings};
//!
//! let rec = |id: &str, first: Option<&str>, email: &str, phone: &str, born: Option<&str>| Record {
//!     id: id.into(), first_name: first.map(Into::into), last_name: Some("Kara".into()),
//!     emails: [email].into_iter().filter(|e| !e.is_empty()).map(Into::into).collect(),
//!     phones: [phone].into_iter().filter(|p| !p.is_empty()).map(Into::into).collect(),
//!     date_of_birth: born.map(Into::into), city: Some("Elazığ".into()), country: Some("TR".into()),
//!     ..Record::default()
//! };
//! // two records of one person that share nothing yet
//! let mut index = Index::build(vec![rec("1", Some("Mert"), "", "0532 000 11 22", Some("01.01.1990")),
//!                                   rec("3", None, "mert.kara@gmail.com", "", None)],
//!                              Settings::default()).unwrap();
//! assert_eq!(index.entity_of("3"), Some("3"));
//! let store = Store::new(Policy::default());
//! for e in Event::read_json(r#"
//! {"type": "complaint_opened", "customer": "3", "time": "2026-12-01T08:00:00Z", "complaint": "K1", "category": "billing"}
//! "#).unwrap() {
//!     store.apply(&e);
//! }
//! let time = "2026-12-01T09:00:00Z".parse().unwrap();
//! let cursor = index.last_seq();
//! // a record with both the phone and the email links them
//! index.insert(rec("2", Some("Mert"), "mert.kara@gmail.com", "0532 000 11 22", Some("01.01.1990"))).unwrap();
//! let feed = index.events_since(cursor).unwrap();
//! for e in follow::feed_events(&feed, time) {
//!     store.apply(&e);
//! }
//! assert_eq!(store.entity_of("3"), "1");
//! assert!(store.profile("1").unwrap().open_complaints().next().is_some());
//! ```

use super::event::{Event, EventKind};
use crate::identity::index::{Event as IndexEvent, FeedEvent};
use jiff::Timestamp;

/// The `source` of the events this module makes.
pub const SOURCE: &str = "identity_index";

fn moving(time: Timestamp, seq: u64, keys: &[String], into: &str) -> Option<Event> {
    let first = keys.first()?;
    if into.is_empty() || keys.iter().any(String::is_empty) {
        return None;
    }
    Some(
        Event::new(
            time,
            first.clone(),
            EventKind::Split {
                into: into.to_owned(),
                keys: keys.to_vec(),
                seq: Some(seq),
            },
        )
        .with_source(SOURCE),
    )
}

/// The store's identity events for feed events of the identity index, all
/// at `time` and ordered by their sequence numbers; see the
/// [module documentation](self). Feed events must be given in full from the
/// first one the store has not seen (as
/// [`Index::events_since`](crate::identity::index::Index::events_since)
/// returns them).
pub fn feed_events(feed: &[FeedEvent], time: Timestamp) -> Vec<Event> {
    let mut out = Vec::new();
    for FeedEvent { seq, event } in feed {
        let seq = *seq;
        match event {
            IndexEvent::Created {
                entity_id,
                record_id,
            } if entity_id != record_id => {
                out.extend(moving(
                    time,
                    seq,
                    std::slice::from_ref(record_id),
                    entity_id,
                ));
            }
            IndexEvent::Joined {
                entity_id,
                record_id,
            } => out.extend(moving(
                time,
                seq,
                std::slice::from_ref(record_id),
                entity_id,
            )),
            IndexEvent::Left { record_id, .. } => out.extend(moving(
                time,
                seq,
                std::slice::from_ref(record_id),
                record_id,
            )),
            IndexEvent::Merged {
                entity_id, moved, ..
            } => {
                for records in moved {
                    out.extend(moving(time, seq, records, entity_id));
                }
            }
            IndexEvent::Split {
                new_entity_ids,
                moved,
                ..
            } => {
                for (into, records) in new_entity_ids.iter().zip(moved) {
                    out.extend(moving(time, seq, records, into));
                }
            }
            IndexEvent::Created { .. } | IndexEvent::Removed { .. } => {}
        }
    }
    out
}

/// The store's identity events that put every record of `assignments`
/// (`(record id, entity id)`, as
/// [`Index::assignments`](crate::identity::index::Index::assignments)
/// gives them) in its entity, with the sequence number `seq` (the index's
/// [`last_seq`](crate::identity::index::Index::last_seq) read with them):
/// how a store starts following an index that already holds records, or
/// catches up after a [`resync_required`](crate::ErrorCode::ResyncRequired)
/// error. One event per entity, naming its records.
pub fn assignment_events(
    assignments: &[(String, String)],
    seq: u64,
    time: Timestamp,
) -> Vec<Event> {
    let mut by_entity: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (record, entity) in assignments {
        by_entity.entry(entity).or_default().push(record.clone());
    }
    by_entity
        .into_iter()
        .filter_map(|(entity, records)| moving(time, seq, &records, entity))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engagement::event::{Channel, Purpose};
    use crate::engagement::{Policy, Store};
    use crate::identity::index::Index;
    use crate::identity::{Record, Settings};

    fn rec(id: &str, first: Option<&str>, email: &str, phone: &str, born: Option<&str>) -> Record {
        let some = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        Record {
            id: id.into(),
            first_name: first.map(Into::into),
            last_name: Some("Kara".into()),
            emails: some(email).into_iter().collect(),
            phones: some(phone).into_iter().collect(),
            date_of_birth: born.map(Into::into),
            city: Some("Elazığ".into()),
            country: Some("TR".into()),
            ..Record::default()
        }
    }

    const EMAIL: &str = "mert.kara@gmail.com";
    const PHONE: &str = "0532 000 11 22";
    const BORN: Option<&str> = Some("01.01.1990");

    fn apart() -> Index {
        let one = rec("1", Some("Mert"), "", PHONE, BORN);
        let three = rec("3", None, EMAIL, "", None);
        Index::build(vec![one, three], Settings::default()).unwrap()
    }

    fn bridge() -> Record {
        rec("2", Some("Mert"), EMAIL, PHONE, BORN)
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn follow(index: &Index, store: &Store, cursor: &mut u64, time: &str) {
        let feed = index.events_since(*cursor).unwrap();
        for e in feed_events(&feed, at(time)) {
            store.apply(&e);
        }
        *cursor = index.last_seq();
    }

    #[test]
    fn profiles_follow_an_identity_merge_and_split() {
        let mut index = apart();
        assert_eq!(index.entity_of("3"), Some("3"));
        let store = Store::new(Policy::default());
        store.apply(&Event::new(
            at("2026-11-01T10:00:00Z"),
            "1",
            EventKind::Consent {
                channel: Channel::Sms,
                purpose: Purpose::Commercial,
                granted: true,
                recipient: None,
            },
        ));
        store.apply(&Event::new(
            at("2026-12-01T08:00:00Z"),
            "3",
            EventKind::ComplaintOpened {
                complaint: "K1".into(),
                category: "billing".into(),
                priority: None,
            },
        ));
        let mut cursor = index.last_seq();

        // record 2 links 1 (phone) and 3 (email): one customer
        index.insert(bridge()).unwrap();
        follow(&index, &store, &mut cursor, "2026-12-01T09:00:00Z");
        for r in ["1", "2", "3"] {
            assert_eq!(store.entity_of(r), "1", "{r}");
        }
        let merged = store.profile("3").unwrap();
        assert_eq!(merged.customer(), "1");
        assert!(merged.consent(Channel::Sms, Purpose::Commercial).is_some());
        assert_eq!(merged.open_complaints().count(), 1);
        assert_eq!(store.profile("1"), Some(merged));

        // deleting it splits them again, each with its own history
        index.delete("2").unwrap();
        follow(&index, &store, &mut cursor, "2026-12-01T09:00:00Z");
        assert_eq!(store.entity_of("3"), "3");
        assert_eq!(store.entity_of("1"), "1");
        let one = store.profile("1").unwrap();
        assert_eq!(one.open_complaints().count(), 0);
        assert!(one.consent(Channel::Sms, Purpose::Commercial).is_some());
        let three = store.profile("3").unwrap();
        assert_eq!(three.open_complaints().count(), 1);
        assert!(three.consent(Channel::Sms, Purpose::Commercial).is_none());

        // a store that starts from the index's state agrees too
        let late = Store::new(Policy::default());
        for e in assignment_events(
            &index.assignments(),
            index.last_seq(),
            at("2026-12-01T10:00:00Z"),
        ) {
            late.apply(&e);
        }
        for (r, e) in index.assignments() {
            assert_eq!(late.entity_of(&r), e);
        }
    }

    #[test]
    fn events_of_one_time_apply_in_feed_order_whatever_the_arrival() {
        let mut index = apart();
        // merged, split, and merged again: in time and text order the
        // second merge would come before the split
        index.insert(bridge()).unwrap();
        index.delete("2").unwrap();
        index.insert(bridge()).unwrap();
        assert_eq!(index.entity_of("3"), Some("1"));
        let events = feed_events(&index.events_since(0).unwrap(), at("2026-12-01T09:00:00Z"));
        assert!(events.len() >= 3, "{events:?}");
        let forward = Store::new(Policy::default());
        let backward = Store::new(Policy::default());
        for e in &events {
            forward.apply(e);
        }
        for e in events.iter().rev() {
            backward.apply(e);
        }
        for r in ["1", "2", "3"] {
            assert_eq!(forward.entity_of(r), backward.entity_of(r), "{r}");
        }
        assert_eq!(forward.entity_of("3"), "1");
    }
}
