//! Clustering: linked pairs into clusters, without chaining unrelated
//! people together.
//!
//! Links are taken strongest first (Kruskal order). Two clusters merge only
//! when the result stays within the size cap and no pair across them is
//! forbidden (two different valid national ids, or a person-level conflict:
//! different first names and birth dates). So a single false link cannot
//! pull two different people — or a whole household — into one cluster.
//! Every record ends in exactly one cluster; a cluster's id is its smallest
//! record id ([`id_order`]), so ids do not depend on input order.

use std::cmp::Ordering;

/// Orders record ids: numbers numerically when both are digits only, text
/// otherwise.
///
/// ```
/// use crmkit::identity::cluster::id_order;
/// use std::cmp::Ordering;
/// assert_eq!(id_order("9", "10"), Ordering::Less);
/// assert_eq!(id_order("a10", "a9"), Ordering::Less);
/// ```
pub fn id_order(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if digits(a) && digits(b) {
        let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        ta.len().cmp(&tb.len()).then(ta.cmp(tb)).then(a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// Union-find over record indices that keeps each cluster's members.
#[derive(Debug, Clone)]
pub struct Clusters {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
}

impl Clusters {
    /// `n` singleton clusters.
    pub fn new(n: usize) -> Clusters {
        Clusters {
            parent: (0..n as u32).collect(),
            members: (0..n as u32).map(|i| vec![i]).collect(),
        }
    }

    /// The root of `i`'s cluster.
    pub fn find(&mut self, i: usize) -> usize {
        let mut r = i;
        while self.parent[r] as usize != r {
            r = self.parent[r] as usize;
        }
        let mut x = i;
        while self.parent[x] as usize != r {
            let next = self.parent[x] as usize;
            self.parent[x] = r as u32;
            x = next;
        }
        r
    }

    /// Members of the cluster rooted at `root`.
    pub fn members(&self, root: usize) -> &[u32] {
        &self.members[root]
    }

    /// Merges the clusters rooted at `a` and `b`; returns the new root.
    pub fn union(&mut self, a: usize, b: usize) -> usize {
        if a == b {
            return a;
        }
        let (big, small) = if self.members[a].len() >= self.members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big as u32;
        let moved = std::mem::take(&mut self.members[small]);
        self.members[big].extend(moved);
        big
    }

    /// For every record, the index of the record that names its cluster:
    /// the member with the smallest id under `order`.
    pub fn representatives<F: Fn(usize, usize) -> Ordering>(&mut self, order: F) -> Vec<usize> {
        let n = self.parent.len();
        let mut rep = vec![usize::MAX; n];
        for i in 0..n {
            let r = self.find(i);
            if rep[r] == usize::MAX {
                let best = self.members[r]
                    .iter()
                    .map(|&m| m as usize)
                    .min_by(|&x, &y| order(x, y))
                    .unwrap_or(r);
                rep[r] = best;
            }
        }
        (0..n)
            .map(|i| {
                let r = self.find(i);
                rep[r]
            })
            .collect()
    }
}

/// Connected components of `n` nodes joined by `edges`; each node gets the
/// smallest node index of its component.
///
/// ```
/// let c = crmkit::identity::cluster::connected_components(5, &[(3, 4), (1, 3)]);
/// assert_eq!(c, [0, 1, 2, 1, 1]);
/// ```
pub fn connected_components(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut c = Clusters::new(n);
    for &(a, b) in edges {
        let (ra, rb) = (c.find(a), c.find(b));
        c.union(ra, rb);
    }
    c.representatives(|a, b| a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn components_partition_and_are_order_free(
            n in 1usize..40,
            raw in proptest::collection::vec((0usize..40, 0usize..40), 0..60),
        ) {
            let edges: Vec<(usize, usize)> =
                raw.into_iter().filter(|(a, b)| *a < n && *b < n).collect();
            let c = connected_components(n, &edges);
            prop_assert_eq!(c.len(), n);
            for &(a, b) in &edges {
                prop_assert_eq!(c[a], c[b]);
            }
            for (i, &r) in c.iter().enumerate() {
                prop_assert!(r <= i);
                prop_assert_eq!(c[r], r);
            }
            let mut rev = edges.clone();
            rev.reverse();
            prop_assert_eq!(connected_components(n, &rev), c);
        }
    }
}
