//! Online matching: an index of resolved records that answers
//! [`Index::match_record`] with candidate customers and probabilities, and
//! keeps entity ids stable through [`Index::insert`], [`Index::update`] and
//! [`Index::delete`], reporting merges and splits as [`Event`]s.
//!
//! An entity id is given once and kept: a record joining a customer takes
//! its id; when a record links two customers, the merged customer keeps the
//! smaller id; when deleting a record splits a customer, the largest part
//! keeps the id. [`carry_entity_ids`] keeps ids across batch runs too.
//!
//! Every change's events are numbered into a feed that subscribers follow
//! with [`Index::events_since`] (see there), and that
//! [`engagement::follow`](crate::engagement::follow) turns into identity
//! events for the customer 360 store.
//!
//! ```
//! use crmkit::identity::{index::Index, Record, Settings};
//! let rec = |id: &str, first: &str, email: &str| Record {
//!     id: id.into(), first_name: Some(first.into()), last_name: Some("Kaya".into()),
//!     emails: vec![email.into()], ..Record::default()
//! };
//! let mut index = Index::build(vec![rec("1", "Ali", "ali.kaya@gmail.com"),
//!                                   rec("2", "Veli", "veli@firma.com.tr")], Settings::default()).unwrap();
//! let hits = index.match_record(&rec("q", "ALİ", "alikaya@gmail.com"));
//! assert_eq!(hits[0].entity_id, "1");
//! let change = index.insert(rec("3", "Ali", "ali.kaya@gmail.com")).unwrap();
//! assert_eq!(change.entity_id, "1");
//! assert_eq!(index.entity_of("3"), Some("1"));
//! ```

use std::collections::{BTreeSet, HashMap};

use super::blocking::{BlockingRule, rule_hashes};
use super::cluster::{Clusters, id_order};
use super::compare::{cannot_merge, compare};
use super::model::Model;
use super::record::Record;
use super::resolve::{Resolution, Settings, resolve};
use super::standardize::{Keys, Kind, MIN_TF_POPULATION, NONE, Sym};
use super::standardize::{Overlay, Prepared, Values, Vocabulary, keys};
use crate::error::{Error, InputError, Result};

/// A customer that a query may be.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    /// The entity (customer) id.
    pub entity_id: String,
    /// Match probability with the entity's best-matching record.
    pub probability: f64,
    /// Match weight (log2 odds) of that pair.
    pub weight: f64,
    /// The best-matching record.
    pub record_id: String,
}

/// What a change did to entities.
///
/// Serialized with an `event` tag (`created`, `joined`, `left`, `merged`,
/// `split`, `removed`). The record lists (`record_id` of `created`, `moved`
/// of `merged` and `split`) were added after the first release and default
/// to empty when an older serialized event is read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A new entity was created for a record.
    Created {
        /// The new entity.
        entity_id: String,
        /// The record it was created for.
        #[serde(default)]
        record_id: String,
    },
    /// A record joined an existing entity.
    Joined {
        /// The entity.
        entity_id: String,
        /// The record.
        record_id: String,
    },
    /// A deleted record left its entity (the first event of a delete).
    Left {
        /// The entity it belonged to.
        entity_id: String,
        /// The record.
        record_id: String,
    },
    /// Entities were merged into one.
    Merged {
        /// The surviving entity.
        entity_id: String,
        /// Entities that no longer exist.
        absorbed: Vec<String>,
        /// The records that moved into the survivor: `moved[i]` are those
        /// of `absorbed[i]`, in id order.
        #[serde(default)]
        moved: Vec<Vec<String>>,
    },
    /// An entity was split.
    Split {
        /// The entity that kept its id.
        entity_id: String,
        /// New entities made from its other parts.
        new_entity_ids: Vec<String>,
        /// The records that left it: `moved[i]` are those that make up
        /// `new_entity_ids[i]`, in id order.
        #[serde(default)]
        moved: Vec<Vec<String>>,
    },
    /// An entity lost its last record.
    Removed {
        /// The entity.
        entity_id: String,
    },
}

/// The result of a change.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    /// The entity the record now belongs to (for a delete: the entity it
    /// belonged to).
    pub entity_id: String,
    /// What happened, in order.
    pub events: Vec<Event>,
}

/// An [`Event`] in the index's feed, with its sequence number.
///
/// Serialized as the event's own fields plus `seq`:
/// `{"seq": 7, "event": "joined", "entity_id": "1", "record_id": "3"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeedEvent {
    /// The sequence number: 1 for the index's first event, one more for
    /// each event after it.
    pub seq: u64,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// How many events an index keeps for [`Index::events_since`] unless told
/// otherwise ([`Index::set_feed_retention`]).
pub const DEFAULT_FEED_RETENTION: usize = 65_536;

#[derive(Debug, Clone)]
struct Slot {
    record: Record,
    prepared: Prepared,
    keys: Vec<u64>,
    entity: usize,
    live: bool,
}

#[derive(Debug, Clone, Default)]
struct Entity {
    id: String,
    members: Vec<usize>,
}

/// An online matching index. `Sync`: share it behind an `RwLock` for
/// concurrent queries and occasional writes.
#[derive(Debug, Clone)]
pub struct Index {
    settings: Settings,
    model: Model,
    vocab: Vocabulary,
    slots: Vec<Slot>,
    by_id: HashMap<String, usize>,
    blocks: HashMap<u64, Vec<usize>>,
    entities: Vec<Entity>,
    entity_by_id: HashMap<String, usize>,
    feed: Feed,
}

/// The events of an index's changes, numbered, the newest `retention` kept.
#[derive(Debug, Clone)]
struct Feed {
    /// The sequence number of the last event (0: none yet).
    last: u64,
    retention: usize,
    /// The kept events: sequence numbers `last - kept.len() + 1 ..= last`.
    kept: std::collections::VecDeque<FeedEvent>,
}

impl Default for Feed {
    fn default() -> Feed {
        Feed {
            last: 0,
            retention: DEFAULT_FEED_RETENTION,
            kept: Default::default(),
        }
    }
}

impl Feed {
    fn push(&mut self, events: &[Event]) {
        for event in events {
            self.last += 1;
            self.kept.push_back(FeedEvent {
                seq: self.last,
                event: event.clone(),
            });
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.kept.len() > self.retention {
            self.kept.pop_front();
        }
    }

    /// The sequence number of the oldest event kept (`last + 1` when none
    /// is kept).
    fn oldest(&self) -> u64 {
        self.last + 1 - self.kept.len() as u64
    }
}

fn key_hashes<V: Values + ?Sized>(rules: &[BlockingRule], p: &Prepared, v: &V) -> Vec<u64> {
    let mut out: Vec<u64> = rules
        .iter()
        .enumerate()
        .flat_map(|(r, rule)| rule_hashes(r, rule, p, v))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Index {
    /// Resolves `records` in batch and indexes the result; entity ids are
    /// the cluster ids.
    pub fn build(records: Vec<Record>, settings: Settings) -> Result<Index> {
        let resolution = resolve(&records, &settings)?;
        Ok(Index::from_resolution(records, resolution, settings))
    }

    /// Indexes an existing resolution of `records` (the same records, in
    /// the same order).
    pub fn from_resolution(
        records: Vec<Record>,
        resolution: Resolution,
        settings: Settings,
    ) -> Index {
        let Resolution {
            ids,
            cluster_of,
            model,
            prepared,
            vocabulary,
            ..
        } = resolution;
        let mut index = Index {
            settings,
            model,
            vocab: vocabulary,
            slots: Vec::with_capacity(records.len()),
            by_id: HashMap::with_capacity(records.len()),
            blocks: HashMap::new(),
            entities: Vec::new(),
            entity_by_id: HashMap::new(),
            feed: Feed::default(),
        };
        let mut entity_of_rep: HashMap<usize, usize> = HashMap::new();
        for (i, (record, prepared)) in records.into_iter().zip(prepared).enumerate() {
            let rep = cluster_of[i];
            let entity = *entity_of_rep.entry(rep).or_insert_with(|| {
                index.entities.push(Entity {
                    id: ids[rep].clone(),
                    members: vec![],
                });
                index
                    .entity_by_id
                    .insert(ids[rep].clone(), index.entities.len() - 1);
                index.entities.len() - 1
            });
            let keys = key_hashes(&index.settings.blocking, &prepared, &index.vocab);
            index.add_slot(record, prepared, keys, entity);
        }
        index
    }

    /// An empty index that scores with a trained `model`.
    pub fn with_model(model: Model, settings: Settings) -> Index {
        Index {
            settings,
            model,
            vocab: Vocabulary::default(),
            slots: vec![],
            by_id: HashMap::new(),
            blocks: HashMap::new(),
            entities: vec![],
            entity_by_id: HashMap::new(),
            feed: Feed::default(),
        }
    }

    fn add_slot(
        &mut self,
        record: Record,
        prepared: Prepared,
        keys: Vec<u64>,
        entity: usize,
    ) -> usize {
        let slot = self.slots.len();
        for &k in &keys {
            self.blocks.entry(k).or_default().push(slot);
        }
        self.by_id.insert(record.id.clone(), slot);
        self.entities[entity].members.push(slot);
        self.slots.push(Slot {
            record,
            prepared,
            keys,
            entity,
            live: true,
        });
        slot
    }

    /// Live records.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no record is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The model used for scoring.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The entity of a record.
    pub fn entity_of(&self, record_id: &str) -> Option<&str> {
        self.by_id
            .get(record_id)
            .map(|&s| self.entities[self.slots[s].entity].id.as_str())
    }

    /// Record ids of an entity.
    pub fn members(&self, entity_id: &str) -> Option<Vec<&str>> {
        let e = &self.entities[*self.entity_by_id.get(entity_id)?];
        Some(
            e.members
                .iter()
                .map(|&s| self.slots[s].record.id.as_str())
                .collect(),
        )
    }

    /// `(record id, entity id)` of every live record, for
    /// [`carry_entity_ids`] in a later run.
    pub fn assignments(&self) -> Vec<(String, String)> {
        self.slots
            .iter()
            .filter(|s| s.live)
            .map(|s| (s.record.id.clone(), self.entities[s.entity].id.clone()))
            .collect()
    }

    /// The sequence number of the index's last event (0 before the first):
    /// the cursor to follow the [feed](Index::events_since) from after
    /// reading [`Index::assignments`].
    pub fn last_seq(&self) -> u64 {
        self.feed.last
    }

    /// How many of the newest events the index keeps for
    /// [`Index::events_since`] ([`DEFAULT_FEED_RETENTION`] unless set).
    pub fn feed_retention(&self) -> usize {
        self.feed.retention
    }

    /// Keeps the newest `events` events for [`Index::events_since`],
    /// dropping older ones now if there are more. A subscriber must read
    /// the feed before this many events pass, or resync. 0 keeps none:
    /// sequence numbers still count, and every subscriber that is behind
    /// must resync.
    pub fn set_feed_retention(&mut self, events: usize) {
        self.feed.retention = events;
        self.feed.trim();
    }

    /// The events after the sequence number `after`, oldest first: how a
    /// subscriber follows records as they join, leave, merge and split.
    ///
    /// Every [`Event`] of [`Index::insert`], [`Index::update`] and
    /// [`Index::delete`] gets the next sequence number (the first is 1);
    /// the index keeps the newest [`Index::feed_retention`] of them. A
    /// subscriber starts from [`Index::assignments`] and [`Index::last_seq`]
    /// (read together, under the same lock), then asks for the events after
    /// the last sequence number it has seen. Replaying them (`created`,
    /// `joined` and `merged` add records to an entity, `left` and `split`
    /// take them out, `removed` ends it) keeps its copy equal to
    /// `assignments()`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::ResyncRequired`](crate::ErrorCode::ResyncRequired) when
    /// events after `after` are no longer kept, or when `after` is beyond
    /// [`Index::last_seq`] (the cursor is from another index, such as one
    /// built again after a restart): read `assignments()` and `last_seq()`
    /// again and follow from there.
    ///
    /// ```
    /// use crmkit::identity::index::{Event, Index};
    /// use crmkit::identity::{Record, Settings};
    /// use crmkit::ErrorCode;
    ///
    /// let rec = |id: &str, email: &str| Record {
    ///     id: id.into(), first_name: Some("Ali".into()), last_name: Some("Kaya".into()),
    ///     emails: vec![email.into()], ..Record::default()
    /// };
    /// let mut index = Index::build(vec![rec("1", "ali@firma.com.tr")], Settings::default()).unwrap();
    /// // a subscriber copies the entities, and remembers where the feed was
    /// let cursor = index.last_seq();
    /// assert_eq!(cursor, 0);
    ///
    /// index.insert(rec("2", "ali@firma.com.tr")).unwrap();
    /// index.delete("1").unwrap();
    /// let events = index.events_since(cursor).unwrap();
    /// let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    /// assert_eq!(seqs, [1, 2]);
    /// assert_eq!(events[0].event, Event::Joined { entity_id: "1".into(), record_id: "2".into() });
    /// assert_eq!(events[1].event, Event::Left { entity_id: "1".into(), record_id: "1".into() });
    /// assert!(index.events_since(2).unwrap().is_empty());
    ///
    /// // with only the newest event kept, a subscriber at 0 has missed one
    /// index.set_feed_retention(1);
    /// let err = index.events_since(0).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::ResyncRequired);
    /// assert_eq!(index.events_since(1).unwrap().len(), 1);
    /// ```
    pub fn events_since(&self, after: u64) -> Result<Vec<FeedEvent>> {
        let feed = &self.feed;
        if after > feed.last {
            return Err(InputError::ResyncRequired {
                cursor: after,
                reason: format!(
                    "is beyond the last event ({}): it is from another index",
                    feed.last
                ),
            }
            .into());
        }
        let oldest = feed.oldest();
        if after + 1 < oldest {
            return Err(InputError::ResyncRequired {
                cursor: after,
                reason: format!(
                    "is too old: the oldest event kept is {oldest} (the index keeps {})",
                    feed.retention
                ),
            }
            .into());
        }
        let skip = (after + 1 - oldest) as usize;
        Ok(feed.kept.iter().skip(skip).cloned().collect())
    }

    fn scored_slots<V: Values + ?Sized>(
        &self,
        p: &Prepared,
        hashes: &[u64],
        v: &V,
    ) -> Vec<(usize, f64, f64)> {
        let mut seen = BTreeSet::new();
        for h in hashes {
            if let Some(b) = self.blocks.get(h)
                && b.len() <= self.settings.blocking_options.lookup_limit
            {
                seen.extend(b.iter().copied().filter(|&s| self.slots[s].live));
            }
        }
        seen.into_iter()
            .map(|s| {
                let q = &self.slots[s].prepared;
                let c = compare(p, q, v);
                let score = self.model.score(&c, p, q, v);
                (s, score.probability, score.weight)
            })
            .collect()
    }

    fn candidates_from(&self, scored: Vec<(usize, f64, f64)>) -> Vec<Candidate> {
        let mut best: HashMap<usize, (usize, f64, f64)> = HashMap::new();
        for (s, p, w) in scored {
            let e = self.slots[s].entity;
            let entry = best.entry(e).or_insert((s, p, w));
            if (p, w) > (entry.1, entry.2) {
                *entry = (s, p, w);
            }
        }
        let mut out: Vec<Candidate> = best
            .into_iter()
            .filter(|(_, (_, p, _))| *p >= self.settings.keep_pairs_above)
            .map(|(e, (s, p, w))| Candidate {
                entity_id: self.entities[e].id.clone(),
                probability: p,
                weight: w,
                record_id: self.slots[s].record.id.clone(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.probability
                .total_cmp(&a.probability)
                .then(b.weight.total_cmp(&a.weight))
                .then_with(|| id_order(&a.entity_id, &b.entity_id))
        });
        out
    }

    /// Candidate customers for a record (not inserted), best first, with
    /// probability at least the settings' `keep_pairs_above`.
    pub fn match_record(&self, record: &Record) -> Vec<Candidate> {
        let k = keys(record, self.settings.default_country.as_deref());
        let (p, overlay) = Overlay::prepare(&self.vocab, k);
        let hashes = key_hashes(&self.settings.blocking, &p, &overlay);
        self.candidates_from(self.scored_slots(&p, &hashes, &overlay))
    }

    fn conflicts(&self, slot: usize, entity: usize) -> bool {
        let p = &self.slots[slot].prepared;
        self.entities[entity]
            .members
            .iter()
            .take(16)
            .any(|&m| cannot_merge(p, &self.slots[m].prepared, &self.vocab))
    }

    fn new_entity(&mut self, wanted: &str) -> usize {
        let mut id = wanted.to_owned();
        let mut n = 2;
        while self.entity_by_id.contains_key(&id) {
            id = format!("{wanted}#{n}");
            n += 1;
        }
        self.entities.push(Entity {
            id: id.clone(),
            members: vec![],
        });
        self.entity_by_id.insert(id, self.entities.len() - 1);
        self.entities.len() - 1
    }

    /// Adds a record: it joins the customer it matches at or above the
    /// threshold (merging customers it links), or becomes a new one. The
    /// change's events go to the [feed](Index::events_since).
    pub fn insert(&mut self, record: Record) -> Result<Change> {
        let change = self.insert_record(record)?;
        self.feed.push(&change.events);
        Ok(change)
    }

    fn insert_record(&mut self, record: Record) -> Result<Change> {
        self.check_new_id(&record.id)?;
        let k = keys(&record, self.settings.default_country.as_deref());
        let p = self.vocab.intern(k);
        let hashes = key_hashes(&self.settings.blocking, &p, &self.vocab);
        let scored = self.scored_slots(&p, &hashes, &self.vocab);
        let mut linked: Vec<usize> = Vec::new();
        for (s, prob, _) in scored {
            let e = self.slots[s].entity;
            if prob >= self.settings.threshold && !linked.contains(&e) {
                linked.push(e);
            }
        }
        // the record's slot first joins no entity; it is placed below
        let tmp = self.new_entity(&record.id);
        let record_id = record.id.clone();
        // the keys computed for the lookup are the record's own
        let slot = self.add_slot(record, p, hashes, tmp);
        linked.retain(|&e| !self.conflicts(slot, e));
        linked.sort_by(|&a, &b| id_order(&self.entities[a].id, &self.entities[b].id));
        let mut events = Vec::new();
        let Some(&target) = linked.first() else {
            events.push(Event::Created {
                entity_id: self.entities[tmp].id.clone(),
                record_id,
            });
            return Ok(Change {
                entity_id: self.entities[tmp].id.clone(),
                events,
            });
        };
        self.move_members(tmp, target);
        self.retire(tmp);
        events.push(Event::Joined {
            entity_id: self.entities[target].id.clone(),
            record_id,
        });
        let mut absorbed = Vec::new();
        let mut moved = Vec::new();
        for &e in &linked[1..] {
            let size = self.entities[target].members.len() + self.entities[e].members.len();
            if size > self.settings.max_cluster_size {
                continue;
            }
            absorbed.push(self.entities[e].id.clone());
            moved.push(self.record_ids(&self.entities[e].members));
            self.move_members(e, target);
            self.retire(e);
        }
        if !absorbed.is_empty() {
            events.push(Event::Merged {
                entity_id: self.entities[target].id.clone(),
                absorbed,
                moved,
            });
        }
        Ok(Change {
            entity_id: self.entities[target].id.clone(),
            events,
        })
    }

    fn move_members(&mut self, from: usize, to: usize) {
        let moved = std::mem::take(&mut self.entities[from].members);
        for &s in &moved {
            self.slots[s].entity = to;
        }
        self.entities[to].members.extend(moved);
    }

    fn retire(&mut self, e: usize) {
        let id = std::mem::take(&mut self.entities[e].id);
        self.entity_by_id.remove(&id);
    }

    /// Removes a record. If its customer falls apart without it, the
    /// largest part keeps the id and the others become new customers. The
    /// change's events (`left`, then `removed` or `split` where it comes
    /// to that) go to the [feed](Index::events_since).
    pub fn delete(&mut self, record_id: &str) -> Result<Change> {
        let change = self.delete_record(record_id)?;
        self.feed.push(&change.events);
        Ok(change)
    }

    fn delete_record(&mut self, record_id: &str) -> Result<Change> {
        let slot = *self.by_id.get(record_id).ok_or_else(|| {
            Error::invalid_argument("record_id", format!("`{record_id}` is not indexed"))
        })?;
        self.by_id.remove(record_id);
        let s = &mut self.slots[slot];
        s.live = false;
        for k in std::mem::take(&mut s.keys) {
            if let Some(b) = self.blocks.get_mut(&k) {
                b.retain(|&x| x != slot);
            }
        }
        let e = self.slots[slot].entity;
        self.entities[e].members.retain(|&x| x != slot);
        let entity_id = self.entities[e].id.clone();
        let left = Event::Left {
            entity_id: entity_id.clone(),
            record_id: record_id.to_owned(),
        };
        if self.entities[e].members.is_empty() {
            self.retire(e);
            return Ok(Change {
                entity_id: entity_id.clone(),
                events: vec![left, Event::Removed { entity_id }],
            });
        }
        let members = self.entities[e].members.clone();
        let groups = self.parts(&members);
        if groups.len() == 1 {
            return Ok(Change {
                entity_id,
                events: vec![left],
            });
        }
        let names: Vec<String> = groups
            .iter()
            .map(|g| self.min_record_id(g).to_owned())
            .collect();
        self.entities[e].members = groups[0].clone();
        let mut new_ids = Vec::new();
        let moved: Vec<Vec<String>> = groups[1..].iter().map(|g| self.record_ids(g)).collect();
        for (g, name) in groups.iter().zip(&names).skip(1) {
            let ne = self.new_entity(name);
            for &s in g {
                self.slots[s].entity = ne;
            }
            self.entities[ne].members = g.clone();
            new_ids.push(self.entities[ne].id.clone());
        }
        Ok(Change {
            entity_id: entity_id.clone(),
            events: vec![
                left,
                Event::Split {
                    entity_id,
                    new_entity_ids: new_ids,
                    moved,
                },
            ],
        })
    }

    /// Replaces a record with a new version (same id): removed, then
    /// inserted again. The events of both steps are reported, and go to
    /// the [feed](Index::events_since).
    pub fn update(&mut self, record: Record) -> Result<Change> {
        let removed = self.delete_record(&record.id)?;
        self.feed.push(&removed.events);
        let mut added = self.insert_record(record)?;
        self.feed.push(&added.events);
        let mut events = removed.events;
        events.append(&mut added.events);
        Ok(Change {
            entity_id: added.entity_id,
            events,
        })
    }

    /// The ids of the records in `slots`, in id order.
    fn record_ids(&self, slots: &[usize]) -> Vec<String> {
        let mut ids: Vec<String> = slots
            .iter()
            .map(|&s| self.slots[s].record.id.clone())
            .collect();
        ids.sort_by(|a, b| id_order(a, b));
        ids
    }
}

/// Keeps entity ids across runs: each new cluster takes the previous
/// entity id most of its records had (ties: the smaller id), unless a
/// larger cluster already took it; clusters without one keep their new id.
/// `previous` maps record id → entity id; returns the entity id per record.
pub fn carry_entity_ids(
    ids: &[String],
    cluster_ids: &[&str],
    previous: &HashMap<String, String>,
) -> Vec<String> {
    let mut clusters: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cluster_ids.iter().enumerate() {
        clusters.entry(c).or_default().push(i);
    }
    let mut order: Vec<(&str, Vec<usize>)> = clusters.into_iter().collect();
    order.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| id_order(a.0, b.0)));
    let mut taken: std::collections::HashSet<String> = Default::default();
    let mut out = vec![String::new(); ids.len()];
    for (cluster, members) in &order {
        let mut votes: HashMap<&str, usize> = HashMap::new();
        for &i in members {
            if let Some(p) = previous.get(&ids[i]) {
                *votes.entry(p.as_str()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = votes.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| id_order(a.0, b.0)));
        let chosen = ranked
            .into_iter()
            .map(|(id, _)| id.to_owned())
            .find(|id| !taken.contains(id))
            .unwrap_or_else(|| {
                let mut id = (*cluster).to_owned();
                let mut n = 2;
                while taken.contains(&id) {
                    id = format!("{cluster}#{n}");
                    n += 1;
                }
                id
            });
        taken.insert(chosen.clone());
        for &i in members {
            out[i] = chosen.clone();
        }
    }
    out
}

impl Index {
    /// The [`Change`] that [`Index::insert`] of `record` would make (or its
    /// error), without changing the index: for callers that must deliver a
    /// change's result before making it. Scores the record as `insert`
    /// does, against the vocabulary as it will be once the record's values
    /// are interned.
    pub fn preview_insert(&self, record: &Record) -> Result<Change> {
        self.check_new_id(&record.id)?;
        let k = keys(record, self.settings.default_country.as_deref());
        let (p, pending) = Pending::prepare(&self.vocab, k);
        let hashes = key_hashes(&self.settings.blocking, &p, &pending);
        let mut linked: Vec<usize> = Vec::new();
        for (s, prob, _) in self.scored_slots(&p, &hashes, &pending) {
            let e = self.slots[s].entity;
            if prob >= self.settings.threshold && !linked.contains(&e) {
                linked.push(e);
            }
        }
        linked.retain(|&e| {
            !self.entities[e]
                .members
                .iter()
                .take(16)
                .any(|&m| cannot_merge(&p, &self.slots[m].prepared, &pending))
        });
        linked.sort_by(|&a, &b| id_order(&self.entities[a].id, &self.entities[b].id));
        let Some(&target) = linked.first() else {
            let entity_id = self.unused_entity_id(&record.id, &[]);
            return Ok(Change {
                entity_id: entity_id.clone(),
                events: vec![Event::Created {
                    entity_id,
                    record_id: record.id.clone(),
                }],
            });
        };
        let entity_id = self.entities[target].id.clone();
        let mut events = vec![Event::Joined {
            entity_id: entity_id.clone(),
            record_id: record.id.clone(),
        }];
        // the target holds the new record too
        let mut size = self.entities[target].members.len() + 1;
        let mut absorbed = Vec::new();
        let mut moved = Vec::new();
        for &e in &linked[1..] {
            let more = self.entities[e].members.len();
            if size + more > self.settings.max_cluster_size {
                continue;
            }
            absorbed.push(self.entities[e].id.clone());
            moved.push(self.record_ids(&self.entities[e].members));
            size += more;
        }
        if !absorbed.is_empty() {
            events.push(Event::Merged {
                entity_id: entity_id.clone(),
                absorbed,
                moved,
            });
        }
        Ok(Change { entity_id, events })
    }

    /// The [`Change`] that [`Index::delete`] of `record_id` would make (or
    /// its error), without changing the index.
    pub fn preview_delete(&self, record_id: &str) -> Result<Change> {
        let slot = *self.by_id.get(record_id).ok_or_else(|| {
            Error::invalid_argument("record_id", format!("`{record_id}` is not indexed"))
        })?;
        let e = self.slots[slot].entity;
        let entity_id = self.entities[e].id.clone();
        let members: Vec<usize> = self.entities[e]
            .members
            .iter()
            .copied()
            .filter(|&x| x != slot)
            .collect();
        let left = Event::Left {
            entity_id: entity_id.clone(),
            record_id: record_id.to_owned(),
        };
        if members.is_empty() {
            return Ok(Change {
                entity_id: entity_id.clone(),
                events: vec![left, Event::Removed { entity_id }],
            });
        }
        let groups = self.parts(&members);
        if groups.len() == 1 {
            return Ok(Change {
                entity_id,
                events: vec![left],
            });
        }
        let mut new_entity_ids: Vec<String> = Vec::new();
        for g in &groups[1..] {
            let id = self.unused_entity_id(self.min_record_id(g), &new_entity_ids);
            new_entity_ids.push(id);
        }
        let moved = groups[1..].iter().map(|g| self.record_ids(g)).collect();
        Ok(Change {
            entity_id: entity_id.clone(),
            events: vec![
                left,
                Event::Split {
                    entity_id,
                    new_entity_ids,
                    moved,
                },
            ],
        })
    }

    /// The parts that a customer's `members` form, linked at the threshold:
    /// the largest first, ties broken by their smallest record id (the
    /// first part keeps the customer's id when it splits).
    fn parts(&self, members: &[usize]) -> Vec<Vec<usize>> {
        let mut parts = Clusters::new(members.len());
        for (i, &a) in members.iter().enumerate() {
            for (j, &b) in members.iter().enumerate().skip(i + 1) {
                let (pa, pb) = (&self.slots[a].prepared, &self.slots[b].prepared);
                let c = compare(pa, pb, &self.vocab);
                if self.model.score(&c, pa, pb, &self.vocab).probability >= self.settings.threshold
                {
                    let (ra, rb) = (parts.find(i), parts.find(j));
                    parts.union(ra, rb);
                }
            }
        }
        let reps = parts.representatives(|x, y| x.cmp(&y));
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for (i, &r) in reps.iter().enumerate() {
            let g = *group_of.entry(r).or_insert_with(|| {
                groups.push(vec![]);
                groups.len() - 1
            });
            groups[g].push(members[i]);
        }
        groups.sort_by(|a, b| {
            b.len()
                .cmp(&a.len())
                .then_with(|| id_order(self.min_record_id(a), self.min_record_id(b)))
        });
        groups
    }

    /// The smallest record id of a part (in id order).
    fn min_record_id(&self, part: &[usize]) -> &str {
        part.iter()
            .map(|&s| self.slots[s].record.id.as_str())
            .min_by(|a, b| id_order(a, b))
            .unwrap_or_default()
    }

    /// A record to insert needs an id that is not indexed yet.
    fn check_new_id(&self, id: &str) -> Result<()> {
        if id.is_empty() {
            return Err(Error::invalid_argument("record.id", "a non-empty id"));
        }
        if self.by_id.contains_key(id) {
            return Err(Error::invalid_argument(
                "record.id",
                format!("`{id}` is already indexed; use update"),
            ));
        }
        Ok(())
    }

    /// The id a new entity wanting `wanted` gets, as `new_entity` names it,
    /// with `taken` made before it in the same change.
    fn unused_entity_id(&self, wanted: &str, taken: &[String]) -> String {
        let mut id = wanted.to_owned();
        let mut n = 2;
        while self.entity_by_id.contains_key(&id) || taken.contains(&id) {
            id = format!("{wanted}#{n}");
            n += 1;
        }
        id
    }
}

/// One field of a [`Pending`] vocabulary.
#[derive(Debug, Default)]
struct PendingField {
    /// The record's values that the base does not hold, in interning order
    /// (their ids follow the base's, as interning gives them).
    new: Vec<String>,
    /// How many occurrences of each id the record adds.
    added: Vec<(Sym, u32)>,
    /// Occurrences of the field once the record is interned.
    total: u64,
}

/// A vocabulary as it will be once one record's keys are interned, without
/// changing it: the same ids, texts and term frequencies (the record's own
/// occurrences counted) as [`Vocabulary::intern`] would leave.
#[derive(Debug)]
struct Pending<'a> {
    base: &'a Vocabulary,
    fields: [PendingField; Kind::ALL.len()],
}

impl<'a> Pending<'a> {
    fn prepare(base: &'a Vocabulary, k: Keys) -> (Prepared, Pending<'a>) {
        let mut v = Pending {
            base,
            fields: Default::default(),
        };
        let p = k.prepare(|kind, s| v.sym(kind, s));
        for kind in Kind::ALL {
            v.fields[kind as usize].total += base.interner(kind).total();
        }
        (p, v)
    }

    fn sym(&mut self, kind: Kind, s: String) -> Sym {
        let base = self.base.interner(kind);
        let field = &mut self.fields[kind as usize];
        let id = match base.get(&s) {
            Some(id) => id,
            None => {
                let at = match field.new.iter().position(|v| *v == s) {
                    Some(at) => at,
                    None => {
                        field.new.push(s);
                        field.new.len() - 1
                    }
                };
                (base.len() + at) as Sym
            }
        };
        match field.added.iter_mut().find(|(x, _)| *x == id) {
            Some((_, n)) => *n += 1,
            None => field.added.push((id, 1)),
        }
        field.total += 1;
        id
    }
}

impl Values for Pending<'_> {
    fn text(&self, kind: Kind, id: Sym) -> &str {
        let base = self.base.interner(kind);
        if id == NONE || (id as usize) < base.len() {
            base.value(id)
        } else {
            &self.fields[kind as usize].new[id as usize - base.len()]
        }
    }

    fn frequency(&self, kind: Kind, id: Sym) -> f64 {
        // as Interner::frequency on the interned vocabulary
        let field = &self.fields[kind as usize];
        if field.total < MIN_TF_POPULATION {
            return 0.0;
        }
        let own = field
            .added
            .iter()
            .find(|(x, _)| *x == id)
            .map_or(0, |(_, n)| *n);
        match self.base.interner(kind).count(id) + own {
            0 => 0.0,
            c => f64::from(c) / field.total as f64,
        }
    }

    fn find(&self, kind: Kind, s: &str) -> Option<Sym> {
        let base = self.base.interner(kind);
        base.get(s).or_else(|| {
            self.fields[kind as usize]
                .new
                .iter()
                .position(|v| v == s)
                .map(|at| (base.len() + at) as Sym)
        })
    }
}

#[cfg(test)]
mod preview_tests {
    use super::*;

    /// A small deterministic generator (LCG), so that the workload is the
    /// same on every run.
    struct Gen(u64);

    impl Gen {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    const FIRST: &[&str] = &["Ali", "Ayşe", "Mert", "Zeynep", "Can", "Elif"];
    const LAST: &[&str] = &["Kaya", "Demir", "Kara", "Arslan"];

    /// People from small pools, so that records join, link and fall apart.
    fn person(g: &mut Gen, id: usize) -> Record {
        let first = FIRST[g.below(FIRST.len())];
        let last = LAST[g.below(LAST.len())];
        let mut r = Record {
            id: id.to_string(),
            first_name: (g.below(6) != 0).then(|| first.into()),
            last_name: Some(last.into()),
            country: Some("TR".into()),
            ..Record::default()
        };
        if g.below(2) == 0 {
            r.emails
                .push(format!("{}.{}{}@gmail.com", first, last, g.below(3)).to_lowercase());
        }
        if g.below(2) == 0 {
            r.phones.push(format!("0532 000 00 {:02}", g.below(8)));
        }
        if g.below(3) == 0 {
            r.date_of_birth = Some(format!("0{}.01.1980", 1 + g.below(3)));
        }
        r
    }

    #[test]
    fn previews_equal_the_changes_and_change_nothing() {
        let mut g = Gen(7);
        let base: Vec<Record> = (0..40).map(|i| person(&mut g, i)).collect();
        let settings = Settings {
            max_cluster_size: 6,
            ..Settings::default()
        };
        let mut index = Index::build(base, settings).unwrap();
        let mut live: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        let mut seen = std::collections::BTreeSet::new();
        for step in 0..400 {
            let before = index.assignments();
            let (previewed, made) = if live.is_empty() || g.below(3) != 0 {
                // now and then an id that is taken, or one of a deleted record
                let id = match g.below(10) {
                    0 if !live.is_empty() => live[g.below(live.len())].parse().unwrap(),
                    1 => g.below(40 + step),
                    _ => 1000 + step,
                };
                let r = person(&mut g, id);
                let previewed = index.preview_insert(&r);
                assert_eq!(index.assignments(), before, "step {step}");
                (previewed, index.insert(r))
            } else {
                let id = if g.below(10) == 0 {
                    "none".to_string()
                } else {
                    live[g.below(live.len())].clone()
                };
                let previewed = index.preview_delete(&id);
                assert_eq!(index.assignments(), before, "step {step}");
                (previewed, index.delete(&id))
            };
            match (&previewed, &made) {
                (Ok(p), Ok(m)) => {
                    assert_eq!(p, m, "step {step}");
                    for e in &m.events {
                        seen.insert(format!("{e:?}").split(' ').next().unwrap().to_owned());
                    }
                }
                (Err(p), Err(m)) => assert_eq!(p.to_string(), m.to_string(), "step {step}"),
                _ => panic!("step {step}: previewed {previewed:?}, made {made:?}"),
            }
            live = index.assignments().into_iter().map(|(r, _)| r).collect();
        }
        // every kind of change was previewed
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            ["Created", "Joined", "Left", "Merged", "Removed", "Split"]
        );
    }

    type State = std::collections::BTreeMap<String, BTreeSet<String>>;

    /// Applies one feed event to a subscriber's copy of the entities,
    /// checking that it is consistent with the copy.
    fn replay(state: &mut State, e: &Event) {
        let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
        match e {
            Event::Created {
                entity_id,
                record_id,
            } => {
                let old = state.insert(entity_id.clone(), BTreeSet::from([record_id.clone()]));
                assert_eq!(old, None, "{e:?}");
            }
            Event::Joined {
                entity_id,
                record_id,
            } => {
                let members = state.get_mut(entity_id).expect("joined an entity");
                assert!(members.insert(record_id.clone()), "{e:?}");
            }
            Event::Left {
                entity_id,
                record_id,
            } => {
                let members = state.get_mut(entity_id).expect("left an entity");
                assert!(members.remove(record_id), "{e:?}");
            }
            Event::Merged {
                entity_id,
                absorbed,
                moved,
            } => {
                assert_eq!(absorbed.len(), moved.len(), "{e:?}");
                for (a, m) in absorbed.iter().zip(moved) {
                    assert_eq!(state.remove(a), Some(set(m)), "{e:?}");
                    state.get_mut(entity_id).expect("survivor").extend(set(m));
                }
            }
            Event::Split {
                entity_id,
                new_entity_ids,
                moved,
            } => {
                assert_eq!(new_entity_ids.len(), moved.len(), "{e:?}");
                for (n, m) in new_entity_ids.iter().zip(moved) {
                    let from = state.get_mut(entity_id).expect("split entity");
                    for r in m {
                        assert!(from.remove(r), "{e:?}");
                    }
                    assert_eq!(state.insert(n.clone(), set(m)), None, "{e:?}");
                }
            }
            Event::Removed { entity_id } => {
                assert_eq!(state.remove(entity_id), Some(BTreeSet::new()), "{e:?}");
            }
        }
    }

    fn grouped(index: &Index) -> State {
        let mut out = State::new();
        for (r, e) in index.assignments() {
            out.entry(e).or_default().insert(r);
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]

        /// For any sequence of inserts, updates and deletes, a subscriber
        /// that polls the feed now and then and replays it from an empty
        /// state holds exactly the index's entities; an engagement store
        /// that follows the same feed puts every record in its entity.
        #[test]
        fn replaying_the_feed_gives_the_assignments(
            seed in proptest::prelude::any::<u64>(),
            ops in proptest::collection::vec((0u8..10, proptest::prelude::any::<u16>()), 1..120),
            poll in 1usize..12,
        ) {
            use crate::engagement::{Policy, Store, follow};
            let time: jiff::Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
            let mut g = Gen(seed);
            let settings = Settings { max_cluster_size: 6, ..Settings::default() };
            let mut index = Index::with_model(Model::default(), settings);
            let store = Store::new(Policy::default());
            let mut state = State::new();
            let mut cursor = 0;
            let mut next = 0;
            let check = |index: &Index, state: &mut State, cursor: &mut u64| {
                let feed = index.events_since(*cursor).unwrap();
                for (i, f) in feed.iter().enumerate() {
                    assert_eq!(f.seq, *cursor + 1 + i as u64);
                    replay(state, &f.event);
                }
                for e in follow::feed_events(&feed, time) {
                    store.apply(&e);
                }
                *cursor = index.last_seq();
                state.retain(|_, m| !m.is_empty());
                assert_eq!(*state, grouped(index));
                for (r, e) in index.assignments() {
                    assert_eq!(store.entity_of(&r), e, "record {r}");
                }
            };
            for (step, &(kind, pick)) in ops.iter().enumerate() {
                let live: Vec<String> = index.assignments().into_iter().map(|(r, _)| r).collect();
                let pick = pick as usize;
                if live.is_empty() || kind < 5 {
                    index.insert(person(&mut g, next)).unwrap();
                    next += 1;
                } else if kind < 8 {
                    index.delete(&live[pick % live.len()]).unwrap();
                } else if kind < 9 {
                    let id: usize = live[pick % live.len()].parse().unwrap();
                    index.update(person(&mut g, id)).unwrap();
                } else {
                    // an id used before, deleted or not
                    let r = person(&mut g, pick % next);
                    let _ = index.insert(r);
                }
                if step % poll == 0 {
                    check(&index, &mut state, &mut cursor);
                }
            }
            check(&index, &mut state, &mut cursor);
        }
    }

    #[test]
    fn the_feed_keeps_the_newest_events_and_asks_to_resync_otherwise() {
        let mut g = Gen(5);
        let mut index = Index::with_model(Model::default(), Settings::default());
        assert_eq!(index.last_seq(), 0);
        assert_eq!(index.feed_retention(), DEFAULT_FEED_RETENTION);
        assert!(index.events_since(0).unwrap().is_empty());
        let mut made = Vec::new();
        for i in 0..30 {
            made.extend(index.insert(person(&mut g, i)).unwrap().events);
        }
        made.extend(index.update(person(&mut g, 3)).unwrap().events);
        made.extend(index.delete("4").unwrap().events);
        // the feed holds every change's events, in order
        let feed = index.events_since(0).unwrap();
        assert_eq!(
            feed.iter().map(|f| f.event.clone()).collect::<Vec<_>>(),
            made
        );
        assert_eq!(feed.last().unwrap().seq, index.last_seq());
        assert_eq!(index.last_seq(), made.len() as u64);
        // a failed change adds nothing
        assert!(index.delete("none").is_err());
        assert!(index.update(person(&mut g, 999)).is_err());
        assert_eq!(index.last_seq(), made.len() as u64);

        let last = index.last_seq();
        index.set_feed_retention(5);
        assert_eq!(index.events_since(last - 5).unwrap().len(), 5);
        assert_eq!(index.events_since(last).unwrap(), []);
        for cursor in [0, last - 6] {
            let err = index.events_since(cursor).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::ResyncRequired);
            assert!(err.to_string().contains("too old"), "{err}");
        }
        let err = index.events_since(last + 1).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::ResyncRequired);
        assert!(err.to_string().contains("beyond the last event"), "{err}");

        // nothing kept: only a subscriber that is up to date can go on
        index.set_feed_retention(0);
        let n = index.insert(person(&mut g, 100)).unwrap().events.len() as u64;
        assert_eq!(index.last_seq(), last + n);
        assert!(index.events_since(last + n).unwrap().is_empty());
        assert!(index.events_since(last + n - 1).is_err());

        // a copy goes on from the same sequence number
        let mut copy = index.clone();
        copy.set_feed_retention(10);
        copy.insert(person(&mut g, 101)).unwrap();
        assert_eq!(copy.events_since(last + n).unwrap()[0].seq, last + n + 1);
    }

    #[test]
    fn feed_events_serialize_with_their_sequence_number() {
        let f = FeedEvent {
            seq: 7,
            event: Event::Merged {
                entity_id: "1".into(),
                absorbed: vec!["3".into()],
                moved: vec![vec!["3".into(), "4".into()]],
            },
        };
        let text = serde_json::to_string(&f).unwrap();
        assert_eq!(
            text,
            r#"{"seq":7,"event":"merged","entity_id":"1","absorbed":["3"],"moved":[["3","4"]]}"#
        );
        assert_eq!(serde_json::from_str::<FeedEvent>(&text).unwrap(), f);
        // an event written before the record lists existed still reads
        let old: Event =
            serde_json::from_str(r#"{"event":"split","entity_id":"1","new_entity_ids":["3"]}"#)
                .unwrap();
        assert!(matches!(old, Event::Split { moved, .. } if moved.is_empty()));
    }

    /// Deletes score with the index's own vocabulary, which they do not
    /// change; inserts score with the record's values interned.
    #[test]
    fn insert_previews_hold_where_term_frequencies_count() {
        let mut g = Gen(3);
        let mut settings = Settings::default();
        // fewer pairs scored, so that the test stays quick
        settings.blocking_options.lookup_limit = 60;
        let mut index = Index::with_model(Model::default(), settings);
        let mut joined = 0;
        for i in 0..1100 {
            let r = person(&mut g, i);
            let previewed = index.preview_insert(&r).unwrap();
            let made = index.insert(r).unwrap();
            assert_eq!(previewed, made, "record {i}");
            joined += usize::from(matches!(made.events[0], Event::Joined { .. }));
        }
        assert!(joined > 100, "{joined}");
        assert!(index.vocab.last.frequency(0) > 0.0);
    }

    #[test]
    fn the_pending_vocabulary_is_the_interned_one() {
        let mut g = Gen(11);
        let mut vocab = Vocabulary::default();
        // past MIN_TF_POPULATION, where term frequencies start to count
        for i in 0..1100 {
            let mut r = person(&mut g, i);
            if g.below(4) == 0 {
                // a value no record had before
                r.last_name = Some(format!("Soyad{i}"));
                r.emails.push(format!("x{i}@firma.com.tr"));
            }
            let k = keys(&r, Some("TR"));
            let (p, pending) = Pending::prepare(&vocab, k.clone());
            let mut after = vocab.clone();
            let interned = after.intern(k);
            assert_eq!(format!("{p:?}"), format!("{interned:?}"), "record {i}");
            for kind in Kind::ALL {
                let i_after = after.interner(kind);
                let total: u64 = (0..i_after.len())
                    .map(|id| u64::from(i_after.count(id as Sym)))
                    .sum();
                assert_eq!(pending.fields[kind as usize].total, total, "{kind:?}");
                assert_eq!(i_after.total(), total, "{kind:?}");
                for id in (0..i_after.len() as Sym).chain([NONE]) {
                    assert_eq!(
                        pending.frequency(kind, id).to_bits(),
                        after.frequency(kind, id).to_bits(),
                        "record {i}, {kind:?} {id}"
                    );
                    let text = pending.text(kind, id);
                    assert_eq!(text, after.text(kind, id));
                    if id != NONE {
                        assert_eq!(pending.find(kind, text), after.find(kind, text));
                    }
                }
                assert_eq!(pending.find(kind, "never seen"), None);
            }
            vocab = after;
        }
        assert!(vocab.last.frequency(0) > 0.0);
    }
}
