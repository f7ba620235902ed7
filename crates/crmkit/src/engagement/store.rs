//! An in-memory store of profiles, keyed by customer id and safe to share
//! between threads: every method takes `&self`, and the profiles are spread
//! over independently locked shards so that callers working on different
//! customers rarely wait for each other.
//!
//! Profiles are kept per customer *key*, the `customer` of the events. The
//! identity events `merged` and `split` (from the identity index) say which
//! keys make up one customer: a merge unions the histories of the keys, a
//! split divides them again, and the customer's profile is the
//! [merge](Profile::merge) of its keys' profiles. Identity events are
//! replayed in time order (events of the same time in the order of their
//! `seq`), so a late one gives the same result as one in order. To follow
//! the identity index, apply the events that
//! [`follow::feed_events`](super::follow::feed_events) makes of its feed.
//!
//! ```
//! use crmkit::engagement::{Channel, Policy, Purpose, Request, Store};
//! use crmkit::engagement::event::Event;
//!
//! let store = Store::new(Policy::default());
//! for e in Event::read_json(r#"
//! {"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00Z", "channel": "sms", "purpose": "commercial", "granted": true, "source": "iys"}
//! {"type": "complaint_opened", "customer": "c1", "time": "2026-12-01T08:00:00Z", "complaint": "K1", "category": "billing"}
//! "#).unwrap() {
//!     store.apply(&e);
//! }
//! let now = "2026-12-01T09:00:00Z".parse().unwrap();
//! let d = store.decide("c1", &Request::new(Purpose::Commercial).on(Channel::Sms), now);
//! assert!(!d.allowed);
//! assert_eq!(d.codes(), ["open_complaint_cooling_off", "consent_granted"]);
//!
//! // the identity index finds that c2 is c1: c1's history is now c2's too
//! for e in Event::read_json(r#"
//! {"type": "merged", "customer": "c2", "time": "2026-12-01T08:30:00Z", "absorbed": ["c1"]}
//! "#).unwrap() {
//!     store.apply(&e);
//! }
//! assert!(!store.decide("c2", &Request::new(Purpose::Commercial).on(Channel::Sms), now).allowed);
//! assert_eq!(store.entity_of("c1"), "c2");
//!
//! let copy = Store::new(Policy::default());
//! copy.restore(&store.snapshot()).unwrap();
//! assert_eq!(copy.profile("c1"), store.profile("c1"));
//! ```

use super::decide::{Decision, Request, decide};
use super::event::{Event, EventKind};
use super::policy::Policy;
use super::profile::{FORMAT_VERSION, Profile, check_version, malformed};
use crate::error::Result;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

const SHARDS: usize = 64;

type Shard = HashMap<String, Profile>;

/// A thread-safe store of profiles; see the [module documentation](self).
#[derive(Debug)]
pub struct Store {
    policy: Policy,
    hasher: RandomState,
    shards: Box<[RwLock<Shard>]>,
    /// Set once an identity event is applied: until then every key is its
    /// own customer and the identity map is not consulted.
    linked: AtomicBool,
    identity: RwLock<Identity>,
}

/// Which keys make up which customer: every key is its own customer unless
/// the identity events say otherwise.
#[derive(Debug, Default)]
struct Identity {
    /// The identity events, in time order (ties: by their `seq`, then by
    /// their JSON text, so that the order does not depend on arrival).
    log: Vec<(Timestamp, String, Event)>,
    /// The customer of a key, where it is not the key itself.
    entity_of: HashMap<String, String>,
    /// The keys of a customer, where they are not just the customer's own
    /// key.
    members: HashMap<String, BTreeSet<String>>,
}

impl Identity {
    fn resolve<'a>(&'a self, key: &'a str) -> &'a str {
        self.entity_of.get(key).map_or(key, String::as_str)
    }

    fn members_of(&self, entity: &str) -> BTreeSet<String> {
        match self.members.get(entity) {
            Some(m) => m.clone(),
            None if self.resolve(entity) == entity => BTreeSet::from([entity.to_owned()]),
            None => BTreeSet::new(),
        }
    }

    fn set_members(&mut self, entity: &str, keys: BTreeSet<String>) {
        let own = keys.len() == 1 && keys.contains(entity) && self.resolve(entity) == entity;
        if own || (keys.is_empty() && self.resolve(entity) != entity) {
            self.members.remove(entity);
        } else {
            self.members.insert(entity.to_owned(), keys);
        }
    }

    fn move_key(&mut self, key: &str, to: &str) {
        let from = self.resolve(key).to_owned();
        if from == to {
            return;
        }
        let mut left = self.members_of(&from);
        left.remove(key);
        let mut joined = self.members_of(to);
        joined.insert(key.to_owned());
        if key == to {
            self.entity_of.remove(key);
        } else {
            self.entity_of.insert(key.to_owned(), to.to_owned());
        }
        self.set_members(&from, left);
        self.set_members(to, joined);
    }

    fn step(&mut self, event: &Event) {
        match &event.kind {
            EventKind::Merged { absorbed, .. } => {
                let survivor = self.resolve(&event.customer).to_owned();
                for other in absorbed {
                    let gone = self.resolve(other).to_owned();
                    if gone == survivor {
                        continue;
                    }
                    for key in self.members_of(&gone) {
                        self.move_key(&key, &survivor);
                    }
                }
            }
            EventKind::Split { into, keys, .. } => {
                let from = self.resolve(&event.customer).to_owned();
                for key in keys {
                    // only keys that are part of the customer at the time move
                    if self.resolve(key) == from {
                        self.move_key(key, into);
                    }
                }
            }
            _ => {}
        }
    }

    fn add(&mut self, event: Event) {
        let key = (
            event.time,
            serde_json::to_string(&event).unwrap_or_default(),
        );
        let seq = event.kind.seq();
        let at = self.log.partition_point(|(t, text, e)| {
            (*t, e.kind.seq(), text.as_str()) <= (key.0, seq, key.1.as_str())
        });
        let last = at == self.log.len();
        self.log.insert(at, (key.0, key.1, event));
        if last {
            let event = self.log[at].2.clone();
            self.step(&event);
        } else {
            self.replay();
        }
    }

    fn replay(&mut self) {
        self.entity_of.clear();
        self.members.clear();
        let log = std::mem::take(&mut self.log);
        for (_, _, e) in &log {
            self.step(e);
        }
        self.log = log;
    }

    /// The keys of the customer `customer` belongs to, and that customer.
    fn keys(&self, customer: &str) -> (String, BTreeSet<String>) {
        let entity = self.resolve(customer).to_owned();
        let keys = self.members_of(&entity);
        (entity, keys)
    }
}

// A panic while a lock was held leaves a profile that is still a valid fold
// of the events applied so far, so a poisoned lock is used as it is.
fn read(lock: &RwLock<Shard>) -> RwLockReadGuard<'_, Shard> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write(lock: &RwLock<Shard>) -> RwLockWriteGuard<'_, Shard> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    version: u32,
    profiles: Vec<&'a Profile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identity: Vec<&'a Event>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotIn {
    #[serde(rename = "version")]
    _version: u32,
    profiles: Vec<Profile>,
    #[serde(default)]
    identity: Vec<Event>,
}

impl Store {
    /// An empty store that decides under `policy`.
    pub fn new(policy: Policy) -> Store {
        Store {
            policy,
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            linked: AtomicBool::new(false),
            identity: RwLock::default(),
        }
    }

    fn identity(&self) -> RwLockReadGuard<'_, Identity> {
        self.identity.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The customer that the key `customer` belongs to now: itself, unless
    /// identity events merged it into another or split it off.
    pub fn entity_of(&self, customer: &str) -> String {
        if !self.linked.load(Ordering::Acquire) {
            return customer.to_owned();
        }
        self.identity().resolve(customer).to_owned()
    }

    /// The profile of the customer `customer` belongs to: the merge of the
    /// profiles of its keys, `None` when it has no events.
    fn view(&self, customer: &str) -> Option<Profile> {
        if !self.linked.load(Ordering::Acquire) {
            return read(self.shard(customer)).get(customer).cloned();
        }
        let (entity, keys) = self.identity().keys(customer);
        let mut merged: Option<Profile> = None;
        for key in &keys {
            if let Some(p) = read(self.shard(key)).get(key.as_str()) {
                merged
                    .get_or_insert_with(|| Profile::new(entity.clone()))
                    .merge(p);
            }
        }
        merged
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn shard(&self, customer: &str) -> &RwLock<Shard> {
        &self.shards[self.hasher.hash_one(customer) as usize % SHARDS]
    }

    /// Folds an event into its customer's profile; an identity event
    /// (`merged`, `split`) changes which keys make up a customer.
    pub fn apply(&self, event: &Event) {
        if event.kind.is_identity() {
            let mut identity = self.identity.write().unwrap_or_else(|e| e.into_inner());
            identity.add(event.clone());
            self.linked.store(true, Ordering::Release);
            return;
        }
        let mut shard = write(self.shard(&event.customer));
        match shard.get_mut(event.customer.as_str()) {
            Some(p) => p.apply(event),
            None => {
                let mut p = Profile::new(event.customer.clone());
                p.apply(event);
                shard.insert(event.customer.clone(), p);
            }
        }
    }

    /// Decides on a contact with `customer` at `now`; a customer without
    /// events is decided on an empty profile (so: no consent).
    pub fn decide(&self, customer: &str, request: &Request, now: Timestamp) -> Decision {
        if self.linked.load(Ordering::Acquire) {
            let p = self
                .view(customer)
                .unwrap_or_else(|| Profile::new(customer));
            return decide(&p, request, &self.policy, now);
        }
        let shard = read(self.shard(customer));
        match shard.get(customer) {
            Some(p) => decide(p, request, &self.policy, now),
            None => decide(&Profile::new(customer), request, &self.policy, now),
        }
    }

    /// A copy of the profile of the customer `customer` belongs to (see
    /// [`Store::entity_of`]): the merge of its keys' profiles.
    pub fn profile(&self, customer: &str) -> Option<Profile> {
        self.view(customer)
    }

    /// Every customer's profile, sorted by customer id, with the keys that
    /// make it up (more than one after a merge).
    pub fn profiles(&self) -> Vec<(Profile, Vec<String>)> {
        let mut keys: Vec<String> = self
            .shards
            .iter()
            .flat_map(|s| read(s).keys().cloned().collect::<Vec<_>>())
            .collect();
        keys.sort_unstable();
        if !self.linked.load(Ordering::Acquire) {
            return keys
                .into_iter()
                .filter_map(|k| self.view(&k).map(|p| (p, vec![k])))
                .collect();
        }
        let entities: BTreeSet<String> = {
            let identity = self.identity();
            keys.iter()
                .map(|k| identity.resolve(k).to_owned())
                .collect()
        };
        entities
            .into_iter()
            .filter_map(|e| {
                let (_, members) = self.identity().keys(&e);
                let p = self.view(&e)?;
                Some((p, members.into_iter().collect()))
            })
            .collect()
    }

    /// How many customer keys have a profile.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| read(s).len()).sum()
    }

    /// Whether no customer has a profile.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every profile as versioned bytes (JSON with a `version` field),
    /// sorted by customer id. Every shard stays locked for reading until the
    /// copy is made, so the snapshot is consistent; writers wait meanwhile.
    pub fn snapshot(&self) -> Vec<u8> {
        let identity = self.identity();
        let guards: Vec<_> = self.shards.iter().map(read).collect();
        let mut profiles: Vec<&Profile> = guards.iter().flat_map(|g| g.values()).collect();
        profiles.sort_unstable_by(|a, b| a.customer().cmp(b.customer()));
        serde_json::to_vec(&SnapshotOut {
            version: FORMAT_VERSION,
            profiles,
            identity: identity.log.iter().map(|(_, _, e)| e).collect(),
        })
        .unwrap_or_default()
    }

    /// Replaces every profile with those of a [`Store::snapshot`]. The bytes
    /// are read in full first: on an error the store is unchanged. Two
    /// profiles of one customer are merged.
    pub fn restore(&self, bytes: &[u8]) -> Result<()> {
        check_version(bytes, "snapshot")?;
        let snapshot: SnapshotIn =
            serde_json::from_slice(bytes).map_err(|e| malformed("snapshot", e))?;
        let mut fresh: Vec<Shard> = (0..SHARDS).map(|_| Shard::new()).collect();
        for mut p in snapshot.profiles {
            p.normalize();
            let shard = &mut fresh[self.hasher.hash_one(p.customer()) as usize % SHARDS];
            match shard.get_mut(p.customer()) {
                Some(existing) => existing.merge(&p),
                None => {
                    shard.insert(p.customer().to_owned(), p);
                }
            }
        }
        let mut identity = Identity::default();
        for e in snapshot.identity {
            if !e.kind.is_identity() {
                return Err(malformed(
                    "snapshot",
                    format!(
                        "identity: a {} event is not an identity event",
                        e.kind.type_name()
                    ),
                ));
            }
            identity.add(e);
        }
        let mut current = self.identity.write().unwrap_or_else(|e| e.into_inner());
        self.linked
            .store(!identity.log.is_empty(), Ordering::Release);
        *current = identity;
        for (lock, shard) in self.shards.iter().zip(fresh) {
            *write(lock) = shard;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engagement::event::{Channel, EventKind, Purpose};

    fn consent(customer: &str) -> Event {
        Event::new(
            "2026-11-01T10:00:00Z".parse().unwrap(),
            customer,
            EventKind::Consent {
                channel: Channel::Email,
                purpose: Purpose::Commercial,
                granted: true,
                recipient: None,
            },
        )
    }

    #[test]
    fn shared_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Store>();
        let store = Store::new(Policy::default());
        std::thread::scope(|s| {
            for t in 0..4 {
                let store = &store;
                s.spawn(move || {
                    for i in 0..250 {
                        store.apply(&consent(&format!("c{t}-{i}")));
                    }
                });
            }
        });
        assert_eq!(store.len(), 1000);
        let now = "2026-12-01T09:00:00Z".parse().unwrap();
        let req = Request::new(Purpose::Commercial);
        assert!(store.decide("c3-7", &req, now).allowed);
        let d = store.decide("nobody", &req, now);
        assert!(!d.allowed);
        assert!(store.profile("nobody").is_none());
    }

    #[test]
    fn restore_round_trips_and_rejects_bad_bytes() {
        let store = Store::new(Policy::default());
        store.apply(&consent("a"));
        store.apply(&consent("b"));
        let bytes = store.snapshot();
        let other = Store::new(Policy::default());
        other.apply(&consent("z"));
        other.restore(&bytes).unwrap();
        assert_eq!(other.len(), 2);
        assert_eq!(other.snapshot(), bytes);
        for bad in [&b"{\"version\": 9, \"profiles\": []}"[..], b"[]", b"{"] {
            let err = other.restore(bad).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::MalformedInput);
        }
        assert_eq!(other.len(), 2);
    }
}
