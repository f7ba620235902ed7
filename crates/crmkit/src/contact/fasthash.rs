//! A small multiply-rotate hasher for the per-thread caches and the
//! built-in lists of this module. The keys are short strings (domains,
//! local parts) looked up millions of times; SipHash's resistance to chosen
//! collisions is not needed where tables are bounded caches or lists that
//! the library itself ships.

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher (the word-at-a-time scheme known from the Rust compiler).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `BuildHasher` for [`FastHasher`].
pub(crate) type FastBuild = BuildHasherDefault<FastHasher>;
/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;
/// A `HashSet` with [`FastHasher`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, FastBuild>;

/// A bounded map of recent results: when the newer table is full it
/// becomes the older one (the previous older one is dropped), and a hit in
/// the older table moves the entry back. Frequent keys (a few mailbox
/// providers) survive a stream of one-off keys (each company's domain),
/// which a table cleared when full would keep evicting.
#[derive(Debug)]
pub(crate) struct RecentMap<V> {
    newer: FastMap<Box<str>, V>,
    older: FastMap<Box<str>, V>,
    capacity: usize,
}

impl<V: Clone> RecentMap<V> {
    /// An empty map keeping between `capacity` and twice as many entries.
    pub(crate) fn new(capacity: usize) -> Self {
        RecentMap {
            newer: FastMap::default(),
            older: FastMap::default(),
            capacity,
        }
    }

    pub(crate) fn get(&mut self, key: &str) -> Option<V> {
        if let Some(v) = self.newer.get(key) {
            return Some(v.clone());
        }
        let (k, v) = self.older.remove_entry(key)?;
        let out = v.clone();
        self.put(k, v);
        Some(out)
    }

    pub(crate) fn insert(&mut self, key: &str, value: V) {
        self.put(key.into(), value);
    }

    fn put(&mut self, key: Box<str>, value: V) {
        if self.newer.len() >= self.capacity {
            // the old older table is emptied and reused: no regrowing (and
            // rehashing) of a fresh table from nothing on every turn
            std::mem::swap(&mut self.older, &mut self.newer);
            self.newer.clear();
        }
        self.newer.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_keys_survive_one_off_keys() {
        let mut m = RecentMap::new(4);
        m.insert("gmail.com", 1);
        for i in 0..100 {
            m.insert(&format!("firma{i}.com"), i);
            assert_eq!(m.get("gmail.com"), Some(1), "after {i}");
        }
        assert!(m.newer.len() <= 4 && m.older.len() <= 4);
        assert_eq!(m.get("firma0.com"), None);
        assert_eq!(m.get("firma99.com"), Some(99));
    }
}
