//! An in-memory store of profiles, keyed by customer id and safe to share
//! between threads: every method takes `&self`, and the profiles are spread
//! over independently locked shards so that callers working on different
//! customers rarely wait for each other.
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
//! let copy = Store::new(Policy::default());
//! copy.restore(&store.snapshot()).unwrap();
//! assert_eq!(copy.profile("c1"), store.profile("c1"));
//! ```

use super::decide::{Decision, Request, decide};
use super::event::Event;
use super::policy::Policy;
use super::profile::{FORMAT_VERSION, Profile, check_version, malformed};
use crate::error::Result;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

const SHARDS: usize = 64;

type Shard = HashMap<String, Profile>;

/// A thread-safe store of profiles; see the [module documentation](self).
#[derive(Debug)]
pub struct Store {
    policy: Policy,
    hasher: RandomState,
    shards: Box<[RwLock<Shard>]>,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotIn {
    #[serde(rename = "version")]
    _version: u32,
    profiles: Vec<Profile>,
}

impl Store {
    /// An empty store that decides under `policy`.
    pub fn new(policy: Policy) -> Store {
        Store {
            policy,
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn shard(&self, customer: &str) -> &RwLock<Shard> {
        &self.shards[self.hasher.hash_one(customer) as usize % SHARDS]
    }

    /// Folds an event into its customer's profile.
    pub fn apply(&self, event: &Event) {
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
        let shard = read(self.shard(customer));
        match shard.get(customer) {
            Some(p) => decide(p, request, &self.policy, now),
            None => decide(&Profile::new(customer), request, &self.policy, now),
        }
    }

    /// A copy of `customer`'s profile.
    pub fn profile(&self, customer: &str) -> Option<Profile> {
        read(self.shard(customer)).get(customer).cloned()
    }

    /// How many customers have a profile.
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
        let guards: Vec<_> = self.shards.iter().map(read).collect();
        let mut profiles: Vec<&Profile> = guards.iter().flat_map(|g| g.values()).collect();
        profiles.sort_unstable_by(|a, b| a.customer().cmp(b.customer()));
        serde_json::to_vec(&SnapshotOut {
            version: FORMAT_VERSION,
            profiles,
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
