//! The batch pipeline: standardize → block → train → score → cluster.

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;

use super::blocking::{self, BlockingOptions, BlockingReport, BlockingRule};
use super::cluster::{Clusters, id_order};
use super::compare::{self, Compared, Gamma};
use super::model::{self, FieldWeight, HardRule, Model};
use super::record::Record;
use super::standardize::{self, Prepared, Vocabulary};
use crate::error::{Error, Result};

/// How records are resolved. Every field has a documented default; the
/// defaults are what the quality figures in the README were measured with.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Blocking rules ([`blocking::default_rules`]).
    pub blocking: Vec<BlockingRule>,
    /// Block size cap and window.
    #[serde(flatten)]
    pub blocking_options: BlockingOptions,
    /// Pairs at or above this match probability are linked (default 0.5).
    pub threshold: f64,
    /// Clusters never grow beyond this many records (default 100).
    pub max_cluster_size: usize,
    /// Random pairs drawn to estimate u (default 100,000).
    pub u_samples: usize,
    /// Seed of the random pairs.
    pub seed: u64,
    /// Country for records without one (phone region, date order).
    pub default_country: Option<String>,
    /// A trained model to use instead of training on the input.
    pub model: Option<Model>,
    /// Keep scored pairs at or above this probability in the result
    /// (default 0.01), for evaluation and review queues.
    pub keep_pairs_above: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            blocking: blocking::default_rules(),
            blocking_options: BlockingOptions::default(),
            threshold: 0.5,
            max_cluster_size: 100,
            u_samples: 100_000,
            seed: 0,
            default_country: None,
            model: None,
            keep_pairs_above: 0.01,
        }
    }
}

impl Settings {
    fn validate(&self) -> Result<()> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(Error::invalid_argument(
                "threshold",
                format!("a probability in (0, 1], got {}", self.threshold),
            ));
        }
        if self.max_cluster_size < 2 {
            return Err(Error::invalid_argument("max_cluster_size", "at least 2"));
        }
        if self.blocking.is_empty() {
            return Err(Error::invalid_argument(
                "blocking",
                "at least one blocking rule",
            ));
        }
        if self.blocking_options.window == 0 || self.blocking_options.max_block_size < 2 {
            return Err(Error::invalid_argument(
                "window / max_block_size",
                "window ≥ 1 and max_block_size ≥ 2",
            ));
        }
        if !(0.0..=1.0).contains(&self.keep_pairs_above) {
            return Err(Error::invalid_argument(
                "keep_pairs_above",
                "a probability in [0, 1]",
            ));
        }
        if let Some(m) = &self.model {
            m.validate()
                .map_err(|e| Error::invalid_argument("model", e))?;
        }
        Ok(())
    }
}

/// A scored candidate pair (indices into the input).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredPair {
    /// First record (smaller index).
    pub a: u32,
    /// Second record.
    pub b: u32,
    /// Match weight in log2 odds.
    pub weight: f64,
    /// Match probability.
    pub probability: f64,
    /// The hard rule that decided it, if any.
    pub rule: Option<HardRule>,
}

/// Stages reported to a progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Standardizing fields.
    Standardize,
    /// Generating candidate pairs.
    Block,
    /// Comparing candidate pairs.
    Compare,
    /// Estimating the model.
    Train,
    /// Scoring pairs.
    Score,
    /// Building clusters.
    Cluster,
}

impl Stage {
    /// The stage's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Standardize => "standardize",
            Stage::Block => "block",
            Stage::Compare => "compare",
            Stage::Train => "train",
            Stage::Score => "score",
            Stage::Cluster => "cluster",
        }
    }
}

/// The result of resolving a set of records.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Record ids, in input order.
    pub ids: Vec<String>,
    /// For each record, the index of the record whose id names its cluster.
    pub cluster_of: Vec<usize>,
    /// Scored pairs with probability ≥ `keep_pairs_above`.
    pub pairs: Vec<ScoredPair>,
    /// Household links: pairs sharing last name and address or phone that
    /// are different people, as record index pairs.
    pub households: Vec<(u32, u32)>,
    /// Merges refused to keep clusters apart, by reason.
    pub refused_merges: RefusedMerges,
    /// The model used.
    pub model: Model,
    /// What blocking produced.
    pub blocking: BlockingReport,
    /// Standardized records (for explanations and golden records).
    pub prepared: Vec<Prepared>,
    /// Their vocabulary.
    pub vocabulary: Vocabulary,
}

/// Counts of links the clustering did not follow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefusedMerges {
    /// A pair across the two clusters may not be linked.
    pub conflict: u64,
    /// The merged cluster would exceed the size cap.
    pub size: u64,
}

impl Resolution {
    /// The cluster id (smallest member id) of every record, in input order.
    pub fn cluster_ids(&self) -> Vec<&str> {
        self.cluster_of
            .iter()
            .map(|&r| self.ids[r].as_str())
            .collect()
    }

    /// Number of clusters.
    pub fn cluster_count(&self) -> usize {
        self.cluster_of
            .iter()
            .enumerate()
            .filter(|(i, r)| *i == **r)
            .count()
    }

    /// Cluster sizes → number of clusters of that size.
    pub fn size_histogram(&self) -> std::collections::BTreeMap<usize, usize> {
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for &r in &self.cluster_of {
            *sizes.entry(r).or_default() += 1;
        }
        let mut h = std::collections::BTreeMap::new();
        for s in sizes.into_values() {
            *h.entry(s).or_default() += 1;
        }
        h
    }

    /// Explains the pair of records at indices `a` and `b`.
    pub fn explain(&self, a: usize, b: usize) -> Explanation {
        explain_prepared(
            &self.model,
            &self.prepared[a],
            &self.prepared[b],
            &self.vocabulary,
        )
    }

    /// The index of a record id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    /// What holds the `largest` biggest clusters together, biggest first:
    /// their links at `threshold`, the weakest link the cluster cannot do
    /// without, and how many of their member pairs score below 0.5 on
    /// their own (records joined only through others).
    ///
    /// A big cluster with a weak bottleneck and many such pairs is where
    /// false merges hide; `crmkit resolve --report` prints this table.
    /// Links are read from [`Resolution::pairs`], so they are complete when
    /// `keep_pairs_above` ≤ `threshold` (the defaults). Counting the pairs
    /// apart scores every member pair, so the cost grows with the square of
    /// the cluster size, which `max_cluster_size` bounds.
    ///
    /// ```
    /// use crmkit::identity::{Record, Settings, resolve};
    /// let rec = |id: &str, first: &str, email: &str| Record {
    ///     id: id.into(),
    ///     first_name: Some(first.into()),
    ///     last_name: Some("Kaya".into()),
    ///     emails: vec![email.into()],
    ///     ..Record::default()
    /// };
    /// let res = resolve(
    ///     &[rec("1", "Ayşe", "ayse@x.com"), rec("2", "AYSE", "ayse@x.com"), rec("3", "Mert", "mert@y.com")],
    ///     &Settings::default(),
    /// )
    /// .unwrap();
    /// let top = res.cluster_stats(0.5, 1);
    /// assert_eq!((top[0].cluster.as_str(), top[0].size), ("1", 2));
    /// assert_eq!(top[0].weakest_link.as_ref().map(|l| l.b.as_str()), Some("2"));
    /// ```
    pub fn cluster_stats(&self, threshold: f64, largest: usize) -> Vec<ClusterStats> {
        let mut members: HashMap<usize, Vec<u32>> = HashMap::new();
        for (i, &root) in self.cluster_of.iter().enumerate() {
            members.entry(root).or_default().push(i as u32);
        }
        let mut big: Vec<(usize, Vec<u32>)> =
            members.into_iter().filter(|(_, m)| m.len() > 1).collect();
        big.sort_by(|(ra, a), (rb, b)| {
            b.len()
                .cmp(&a.len())
                .then_with(|| id_order(&self.ids[*ra], &self.ids[*rb]))
        });
        big.truncate(largest);
        let slot: HashMap<usize, usize> =
            big.iter().enumerate().map(|(k, (r, _))| (*r, k)).collect();
        let mut links: Vec<Vec<&ScoredPair>> = vec![Vec::new(); big.len()];
        for p in &self.pairs {
            let root = self.cluster_of[p.a as usize];
            if p.probability >= threshold
                && root == self.cluster_of[p.b as usize]
                && let Some(&k) = slot.get(&root)
            {
                links[k].push(p);
            }
        }
        big.iter()
            .zip(links)
            .map(|((root, m), mut l)| {
                // the bottleneck of the strongest spanning forest: the last
                // link that joins two parts when links are taken strongest first
                l.sort_by(|x, y| y.probability.total_cmp(&x.probability));
                let local: HashMap<u32, usize> =
                    m.iter().enumerate().map(|(k, &i)| (i, k)).collect();
                let mut forest = Clusters::new(m.len());
                let mut weakest = None;
                for p in &l {
                    let (a, b) = (local[&p.a], local[&p.b]);
                    if forest.find(a) != forest.find(b) {
                        forest.union(a, b);
                        weakest = Some(*p);
                    }
                }
                let mut apart = 0;
                for (k, &a) in m.iter().enumerate() {
                    for &b in &m[k + 1..] {
                        if self.explain(a as usize, b as usize).probability < 0.5 {
                            apart += 1;
                        }
                    }
                }
                ClusterStats {
                    cluster: self.ids[*root].clone(),
                    size: m.len(),
                    links: l.len(),
                    weakest_link: weakest.map(|p| WeakestLink {
                        a: self.ids[p.a as usize].clone(),
                        b: self.ids[p.b as usize].clone(),
                        probability: p.probability,
                    }),
                    pairs_apart: apart,
                }
            })
            .collect()
    }
}

/// What holds one cluster together; see [`Resolution::cluster_stats`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterStats {
    /// The cluster id (its smallest member id).
    pub cluster: String,
    /// Number of records.
    pub size: usize,
    /// Member pairs linked at the threshold.
    pub links: usize,
    /// The weakest link the cluster needs to stay whole: the bottleneck of
    /// its strongest spanning tree. `None` when no kept pair links it (a
    /// hard rule or pairs dropped below `keep_pairs_above`).
    pub weakest_link: Option<WeakestLink>,
    /// Member pairs whose own probability is below 0.5: records held in the
    /// cluster only through others.
    pub pairs_apart: usize,
}

/// A link between two records, by id.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WeakestLink {
    /// One record id.
    pub a: String,
    /// The other.
    pub b: String,
    /// The pair's match probability.
    pub probability: f64,
}

/// Why a pair scored as it did: the prior and each field's weight, which
/// sum to the total.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Explanation {
    /// Prior weight, `log2(λ/(1−λ))`.
    pub prior: f64,
    /// One entry per comparison.
    pub fields: Vec<FieldWeight>,
    /// Prior plus field weights.
    pub weight: f64,
    /// The match probability (after hard rules).
    pub probability: f64,
    /// The hard rule that decided the pair, if any.
    pub rule: Option<HardRule>,
    /// Names were matched crosswise.
    pub swapped_names: bool,
}

pub(crate) fn explain_prepared<V: standardize::Values + ?Sized>(
    model: &Model,
    a: &Prepared,
    b: &Prepared,
    v: &V,
) -> Explanation {
    let cmp = compare::compare(a, b, v);
    let w = model.field_weights(&cmp, a, b, v);
    let score = model.score(&cmp, a, b, v);
    let prior = (model.prior / (1.0 - model.prior)).log2();
    let fields = compare::Comparison::ALL
        .iter()
        .enumerate()
        .map(|(c, &comp)| FieldWeight {
            comparison: comp,
            level: cmp.gamma[c],
            label: if cmp.gamma[c] == 0 {
                "missing".into()
            } else {
                comp.levels()[usize::from(cmp.gamma[c] - 1)].into()
            },
            weight: w[c],
        })
        .collect();
    Explanation {
        prior,
        fields,
        weight: score.weight,
        probability: score.probability,
        rule: score.rule,
        swapped_names: cmp.swapped,
    }
}

/// A vocabulary read without value frequencies: used to explain two
/// records on their own, where frequencies would be meaningless.
struct WithoutFrequencies<'a>(&'a Vocabulary);

impl standardize::Values for WithoutFrequencies<'_> {
    fn text(&self, kind: standardize::Kind, id: standardize::Sym) -> &str {
        self.0.text(kind, id)
    }
    fn frequency(&self, _: standardize::Kind, _: standardize::Sym) -> f64 {
        0.0
    }
    fn find(&self, kind: standardize::Kind, s: &str) -> Option<standardize::Sym> {
        self.0.find(kind, s)
    }
}

/// Explains two records on their own with `model` (no term-frequency
/// adjustment, since there is no population to count values in).
///
/// ```
/// use crmkit::identity::{explain_records, Model, Record};
/// let a = Record { id: "a".into(), first_name: Some("Ayşe".into()), last_name: Some("Kaya".into()),
///                  emails: vec!["ayse.kaya@gmail.com".into()], ..Record::default() };
/// let b = Record { id: "b".into(), first_name: Some("AYSE".into()), last_name: Some("KAYA".into()),
///                  emails: vec!["aysekaya@gmail.com".into()], ..Record::default() };
/// let e = explain_records(&Model::default(), &a, &b, None);
/// assert!(e.probability > 0.8);
/// // gmail ignores dots; the address is made from the name, so it counts for less
/// assert_eq!(e.fields[3].label, "same or a typo apart, made from the name");
/// ```
pub fn explain_records(
    model: &Model,
    a: &Record,
    b: &Record,
    default_country: Option<&str>,
) -> Explanation {
    let mut vocab = Vocabulary::default();
    let pa = vocab.intern(standardize::keys(a, default_country));
    let pb = vocab.intern(standardize::keys(b, default_country));
    explain_prepared(model, &pa, &pb, &WithoutFrequencies(&vocab))
}

/// Standardizes records in parallel and interns their keys.
pub fn prepare(records: &[Record], default_country: Option<&str>) -> (Vec<Prepared>, Vocabulary) {
    // in chunks, so that the standardized strings of only one chunk wait
    // for interning at a time
    const CHUNK: usize = 1 << 16;
    let mut vocab = Vocabulary::default();
    let mut prepared = Vec::with_capacity(records.len());
    for chunk in records.chunks(CHUNK) {
        let keys: Vec<standardize::Keys> = chunk
            .par_iter()
            .map(|r| standardize::keys(r, default_country))
            .collect();
        prepared.extend(keys.into_iter().map(|k| vocab.intern(k)));
    }
    (prepared, vocab)
}

/// Resolves one set of records (deduplication).
///
/// ```
/// use crmkit::identity::{resolve, Record, Settings};
/// let rec = |id: &str, first: &str, last: &str, email: &str, dob: &str| Record {
///     id: id.into(),
///     first_name: Some(first.into()),
///     last_name: Some(last.into()),
///     emails: vec![email.into()],
///     date_of_birth: Some(dob.into()),
///     country: Some("TR".into()),
///     ..Record::default()
/// };
/// let records = [
///     rec("1", "Ayşe", "Yılmaz", "ayse.yilmaz@gmail.com", "03.06.1964"),
///     rec("2", "AYSE", "YILMAZ", "ayseyilmaz@gmail.com", "1964-06-03"),
///     rec("3", "Mehmet", "Yılmaz", "mehmet@firma.com.tr", "12.01.1990"),
/// ];
/// let r = resolve(&records, &Settings::default()).unwrap();
/// assert_eq!(r.cluster_ids(), ["1", "1", "3"]);
/// ```
pub fn resolve(records: &[Record], settings: &Settings) -> Result<Resolution> {
    resolve_with(records, None, settings, &|_| {})
}

/// Links two sets of records: only pairs across them are compared. Indices
/// in the result run over `a` then `b`.
pub fn link(a: &[Record], b: &[Record], settings: &Settings) -> Result<Resolution> {
    let mut all = Vec::with_capacity(a.len() + b.len());
    all.extend_from_slice(a);
    all.extend_from_slice(b);
    let groups: Vec<u32> = (0..all.len()).map(|i| u32::from(i >= a.len())).collect();
    resolve_with(&all, Some(&groups), settings, &|_| {})
}

fn check_ids(records: &[Record]) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        if r.id.is_empty() {
            return Err(Error::invalid_argument(
                "records",
                format!("record {i} has an empty id; every record needs a unique id"),
            ));
        }
        if let Some(j) = seen.insert(r.id.as_str(), i) {
            return Err(Error::invalid_argument(
                "records",
                format!(
                    "records {j} and {i} share the id `{}`; ids must be unique",
                    r.id
                ),
            ));
        }
    }
    if records.len() >= u32::MAX as usize {
        return Err(Error::invalid_argument(
            "records",
            "fewer than 2^32 records",
        ));
    }
    Ok(())
}

/// [`resolve`] with optional link groups (only pairs across groups are
/// compared) and a progress callback called at the start of each stage.
pub fn resolve_with(
    records: &[Record],
    groups: Option<&[u32]>,
    settings: &Settings,
    progress: &(dyn Fn(Stage) + Sync),
) -> Result<Resolution> {
    resolve_labelled::<&str>(records, groups, &[], settings, progress)
}

/// [`resolve_with`] plus pairs of record ids known to be the same person:
/// their comparisons are added to the anchor pairs that estimate the
/// m-probabilities (a model given in the settings is used as is).
pub fn resolve_labelled<S: AsRef<str>>(
    records: &[Record],
    groups: Option<&[u32]>,
    labels: &[(S, S)],
    settings: &Settings,
    progress: &(dyn Fn(Stage) + Sync),
) -> Result<Resolution> {
    settings.validate()?;
    check_ids(records)?;
    let mut labelled_idx = Vec::with_capacity(labels.len());
    if !labels.is_empty() {
        let pos: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        for (n, (a, b)) in labels.iter().enumerate() {
            let find = |id: &str| {
                pos.get(id).copied().ok_or_else(|| {
                    Error::invalid_argument(
                        "labels",
                        format!("label {n} names `{id}`, which is not a record id"),
                    )
                })
            };
            labelled_idx.push((find(a.as_ref())?, find(b.as_ref())?));
        }
    }
    if let Some(g) = groups
        && g.len() != records.len()
    {
        return Err(Error::invalid_argument("groups", "one group per record"));
    }
    progress(Stage::Standardize);
    let (prepared, vocab) = prepare(records, settings.default_country.as_deref());
    progress(Stage::Block);
    let cands = blocking::candidates(
        &prepared,
        &vocab,
        &settings.blocking,
        &settings.blocking_options,
        groups,
    );
    progress(Stage::Compare);
    let compared: Vec<Compared> = cands
        .pairs
        .par_iter()
        .map(|&p| {
            let (i, j) = blocking::unpack(p);
            compare::compare(&prepared[i], &prepared[j], &vocab)
        })
        .collect();
    progress(Stage::Train);
    let model = match &settings.model {
        Some(m) => m.clone(),
        None => {
            let mut patterns: HashMap<Gamma, u64> = HashMap::new();
            for c in &compared {
                *patterns.entry(c.gamma).or_default() += 1;
            }
            let (u, drawn) =
                model::estimate_u(&prepared, &vocab, groups, settings.u_samples, settings.seed);
            let labelled: Vec<Gamma> = labelled_idx
                .iter()
                .map(|&(i, j)| compare::compare(&prepared[i], &prepared[j], &vocab).gamma)
                .collect();
            let shared =
                super::location::estimate(&prepared, &vocab, settings.u_samples, settings.seed);
            let mut m = model::train(u, shared, &patterns, &labelled, cands.report.all_pairs);
            m.training.u_pairs = drawn;
            m
        }
    };
    progress(Stage::Score);
    let scored: Vec<ScoredPair> = cands
        .pairs
        .par_iter()
        .zip(&compared)
        .map(|(&p, cmp)| {
            let (i, j) = blocking::unpack(p);
            let s = model.score(cmp, &prepared[i], &prepared[j], &vocab);
            ScoredPair {
                a: i as u32,
                b: j as u32,
                weight: s.weight,
                probability: s.probability,
                rule: s.rule,
            }
        })
        .collect();
    let households: Vec<(u32, u32)> = scored
        .iter()
        .zip(&compared)
        .filter(|(s, c)| {
            s.rule == Some(HardRule::HouseholdOnly)
                && c.gamma[1] != 0
                && c.gamma[1] <= 2
                && ((c.gamma[7] != 0 && c.gamma[7] <= 2) || c.gamma[4] == 1)
        })
        .map(|(s, _)| (s.a, s.b))
        .collect();
    progress(Stage::Cluster);
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    let mut links: Vec<&ScoredPair> = scored
        .iter()
        .filter(|s| s.probability >= settings.threshold)
        .collect();
    links.sort_by(|x, y| {
        let key = |s: &ScoredPair| {
            let (a, b) = (&ids[s.a as usize], &ids[s.b as usize]);
            if id_order(a, b) == Ordering::Greater {
                (b, a)
            } else {
                (a, b)
            }
        };
        y.probability
            .total_cmp(&x.probability)
            .then(y.weight.total_cmp(&x.weight))
            .then_with(|| {
                let (kx, ky) = (key(x), key(y));
                id_order(kx.0, ky.0).then_with(|| id_order(kx.1, ky.1))
            })
    });
    let mut clusters = Clusters::new(records.len());
    let mut refused = RefusedMerges::default();
    for s in links {
        let (ra, rb) = (clusters.find(s.a as usize), clusters.find(s.b as usize));
        if ra == rb {
            continue;
        }
        let (ma, mb) = (clusters.members(ra), clusters.members(rb));
        if ma.len() + mb.len() > settings.max_cluster_size {
            refused.size += 1;
            continue;
        }
        if ma.len() > 1 || mb.len() > 1 {
            let conflict = ma.iter().take(16).any(|&x| {
                mb.iter().take(16).any(|&y| {
                    compare::cannot_merge(&prepared[x as usize], &prepared[y as usize], &vocab)
                })
            });
            if conflict {
                refused.conflict += 1;
                continue;
            }
        }
        clusters.union(ra, rb);
    }
    let cluster_of = clusters.representatives(|x, y| id_order(&ids[x], &ids[y]));
    let pairs = scored
        .into_iter()
        .filter(|s| s.probability >= settings.keep_pairs_above)
        .collect();
    Ok(Resolution {
        ids,
        cluster_of,
        pairs,
        households,
        refused_merges: refused,
        model,
        blocking: cands.report,
        prepared,
        vocabulary: vocab,
    })
}
