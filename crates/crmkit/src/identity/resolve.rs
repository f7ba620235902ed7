//! The batch pipeline: standardize → block → train → score → cluster.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::ControlFlow;

use rayon::prelude::*;

use super::blocking::{self, BlockingOptions, BlockingReport, BlockingRule};
use super::cluster::{Clusters, id_order};
use super::compare::{self, Compared, Gamma};
use super::model::{self, FieldWeight, HardRule, Model};
use super::record::Record;
use super::standardize::{self, Prepared, Vocabulary};
use crate::error::{Error, InputError, Result};

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

    /// What the stage counts in [`Progress::done`] and [`Progress::total`]:
    /// `records` (standardize), `rules` (block: blocking rules applied),
    /// `pairs` (compare and score: candidate pairs), `steps` (train) or
    /// `links` (cluster: pairs at or above the threshold, strongest first).
    pub fn unit(self) -> &'static str {
        match self {
            Stage::Standardize => "records",
            Stage::Block => "rules",
            Stage::Compare | Stage::Score => "pairs",
            Stage::Train => "steps",
            Stage::Cluster => "links",
        }
    }
}

/// Where a run stands, as reported to the callback of [`resolve_with`]:
/// `done` of `total` units (see [`Stage::unit`]) of `stage`.
///
/// Each stage is first reported with `done == 0`, then after every slice of
/// work, and last with `done == total`; `done` never decreases within a
/// stage and never exceeds `total`. The same value may be reported more
/// than once (a long step gives the callback a chance to cancel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The stage under way.
    pub stage: Stage,
    /// Units of the stage done so far.
    pub done: u64,
    /// Units in the stage.
    pub total: u64,
}

/// A progress callback: it is called from the thread that started the run,
/// between slices of parallel work (each a fraction of a second), and stops
/// the run by returning [`ControlFlow::Break`], after which the run returns
/// an error with code [`ErrorCode::Cancelled`](crate::ErrorCode::Cancelled).
pub type OnProgress<'a> = dyn FnMut(Progress) -> ControlFlow<()> + 'a;

/// Passes progress to the caller's callback and turns a cancel request into
/// the cancelled error.
struct Reporter<'a, 'b> {
    on: &'a mut OnProgress<'b>,
    now: Progress,
}

impl<'a, 'b> Reporter<'a, 'b> {
    fn new(on: &'a mut OnProgress<'b>) -> Self {
        Reporter {
            on,
            now: Progress {
                stage: Stage::Standardize,
                done: 0,
                total: 0,
            },
        }
    }

    fn start(&mut self, stage: Stage, total: usize) -> Result<()> {
        self.now = Progress {
            stage,
            done: 0,
            total: total as u64,
        };
        self.send()
    }

    fn advance(&mut self, n: usize) -> Result<()> {
        self.now.done = (self.now.done + n as u64).min(self.now.total);
        self.send()
    }

    /// Reports the current value again: a chance to cancel during a long step.
    fn send(&mut self) -> Result<()> {
        match (self.on)(self.now) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(Error::Input(InputError::Cancelled)),
        }
    }
}

/// Candidate pairs compared or scored between two progress reports: about a
/// tenth of a second of comparisons on two cores.
const PAIRS_PER_REPORT: usize = 1 << 17;

/// Maps `items` in parallel a slice at a time, reporting each slice, so that
/// progress is counted once per slice rather than per item and a cancel
/// request is honoured within one slice. `f` gets each item's index.
fn map_reporting<T: Sync, U: Send>(
    items: &[T],
    slice_len: usize,
    reporter: &mut Reporter<'_, '_>,
    f: impl Fn(usize, &T) -> U + Sync,
) -> Result<Vec<U>> {
    let mut out = Vec::with_capacity(items.len());
    for (s, slice) in items.chunks(slice_len).enumerate() {
        let base = s * slice_len;
        out.par_extend(slice.par_iter().enumerate().map(|(k, x)| f(base + k, x)));
        reporter.advance(slice.len())?;
    }
    Ok(out)
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
    match prepare_in_chunks(records, default_country, |_| {
        Ok::<(), std::convert::Infallible>(())
    }) {
        Ok(prepared) => prepared,
        Err(never) => match never {},
    }
}

/// [`prepare`], calling `after` with the size of every chunk done.
fn prepare_in_chunks<E>(
    records: &[Record],
    default_country: Option<&str>,
    mut after: impl FnMut(usize) -> std::result::Result<(), E>,
) -> std::result::Result<(Vec<Prepared>, Vocabulary), E> {
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
        after(chunk.len())?;
    }
    Ok((prepared, vocab))
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
    resolve_with(records, None, settings, &mut |_| ControlFlow::Continue(()))
}

/// Links two sets of records: only pairs across them are compared. Indices
/// in the result run over `a` then `b`.
pub fn link(a: &[Record], b: &[Record], settings: &Settings) -> Result<Resolution> {
    let mut all = Vec::with_capacity(a.len() + b.len());
    all.extend_from_slice(a);
    all.extend_from_slice(b);
    let groups: Vec<u32> = (0..all.len()).map(|i| u32::from(i >= a.len())).collect();
    resolve_with(&all, Some(&groups), settings, &mut |_| {
        ControlFlow::Continue(())
    })
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
/// compared) and a progress callback (see [`Progress`] and [`OnProgress`]),
/// which can also stop the run.
///
/// ```
/// use std::ops::ControlFlow;
/// use crmkit::ErrorCode;
/// use crmkit::identity::{Progress, Record, Settings, Stage, resolve_with};
/// let records: Vec<Record> = (0..5)
///     .map(|i| Record { id: i.to_string(), last_name: Some("Kaya".into()), ..Record::default() })
///     .collect();
/// let mut seen = Vec::new();
/// let res = resolve_with(&records, None, &Settings::default(), &mut |p: Progress| {
///     seen.push(p);
///     ControlFlow::Continue(())
/// })
/// .unwrap();
/// assert_eq!(res.ids.len(), 5);
/// assert!(seen.contains(&Progress { stage: Stage::Standardize, done: 5, total: 5 }));
///
/// // stop once comparing starts: nothing is returned but the error
/// let err = resolve_with(&records, None, &Settings::default(), &mut |p: Progress| {
///     if p.stage == Stage::Compare { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
/// })
/// .unwrap_err();
/// assert_eq!(err.code(), ErrorCode::Cancelled);
/// ```
pub fn resolve_with(
    records: &[Record],
    groups: Option<&[u32]>,
    settings: &Settings,
    progress: &mut OnProgress<'_>,
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
    progress: &mut OnProgress<'_>,
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
    let mut reporter = Reporter::new(progress);
    reporter.start(Stage::Standardize, records.len())?;
    let (prepared, vocab) = prepare_in_chunks(records, settings.default_country.as_deref(), |n| {
        reporter.advance(n)
    })?;
    reporter.start(Stage::Block, settings.blocking.len())?;
    // ids are unique (checked above): their order ranks every record
    let mut by_id: Vec<u32> = (0..records.len() as u32).collect();
    by_id.par_sort_unstable_by(|&a, &b| id_order(&records[a as usize].id, &records[b as usize].id));
    let mut rank = vec![0u32; records.len()];
    for (r, &i) in by_id.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    let cands = blocking::candidates_in_steps(
        &prepared,
        &vocab,
        &settings.blocking,
        &settings.blocking_options,
        groups,
        Some(&rank),
        |n| reporter.advance(n),
    )?;
    reporter.start(Stage::Compare, cands.pairs.len())?;
    let compared: Vec<Compared> =
        map_reporting(&cands.pairs, PAIRS_PER_REPORT, &mut reporter, |_, &p| {
            let (i, j) = blocking::unpack(p);
            compare::compare(&prepared[i], &prepared[j], &vocab)
        })?;
    reporter.start(Stage::Train, 1)?;
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
    reporter.advance(1)?;
    reporter.start(Stage::Score, cands.pairs.len())?;
    let scored: Vec<ScoredPair> =
        map_reporting(&cands.pairs, PAIRS_PER_REPORT, &mut reporter, |k, &p| {
            let (i, j) = blocking::unpack(p);
            let s = model.score(&compared[k], &prepared[i], &prepared[j], &vocab);
            ScoredPair {
                a: i as u32,
                b: j as u32,
                weight: s.weight,
                probability: s.probability,
                rule: s.rule,
            }
        })?;
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
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    let mut links: Vec<&ScoredPair> = scored
        .iter()
        .filter(|s| s.probability >= settings.threshold)
        .collect();
    reporter.start(Stage::Cluster, links.len())?;
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
    for slice in links.chunks(1 << 16) {
        for s in slice {
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
        reporter.advance(slice.len())?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    /// 300 records of 100 people, each written three ways.
    fn people() -> Vec<Record> {
        let first = ["Ayşe", "Mehmet", "Elif", "Can", "Zeynep"];
        let last = ["Yılmaz", "Kaya", "Demir", "Şahin"];
        (0..300)
            .map(|i| {
                let p = i / 3;
                let (f, l) = (first[p % 5], last[p / 5 % 4]);
                Record {
                    id: format!("r{i}"),
                    first_name: Some(if i % 3 == 1 {
                        f.to_uppercase()
                    } else {
                        f.into()
                    }),
                    last_name: Some(l.into()),
                    emails: vec![format!("{}.{}{p}@example.com", f, l).to_lowercase()],
                    date_of_birth: Some(format!("19{:02}-0{}-1{}", 50 + p % 40, 1 + p % 9, p % 10)),
                    ..Record::default()
                }
            })
            .collect()
    }

    fn go_on(_: Progress) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    #[test]
    fn progress_counts_every_stage_up_to_its_total() {
        let records = people();
        let mut seen: Vec<Progress> = Vec::new();
        let res = resolve_with(&records, None, &Settings::default(), &mut |p| {
            seen.push(p);
            ControlFlow::Continue(())
        })
        .unwrap();
        let stages = [
            Stage::Standardize,
            Stage::Block,
            Stage::Compare,
            Stage::Train,
            Stage::Score,
            Stage::Cluster,
        ];
        let mut order: Vec<Stage> = seen.iter().map(|p| p.stage).collect();
        order.dedup();
        assert_eq!(order, stages);
        for stage in stages {
            let of: Vec<&Progress> = seen.iter().filter(|p| p.stage == stage).collect();
            assert_eq!(of[0].done, 0, "{stage:?} starts at 0");
            assert!(
                of.iter()
                    .all(|p| p.total == of[0].total && p.done <= p.total)
            );
            assert!(of.windows(2).all(|w| w[0].done <= w[1].done), "{stage:?}");
            assert_eq!(
                of.last().unwrap().done,
                of[0].total,
                "{stage:?} ends at its total"
            );
        }
        let total = |stage| seen.iter().find(|p| p.stage == stage).unwrap().total;
        assert_eq!(total(Stage::Standardize), 300);
        assert_eq!(total(Stage::Compare), res.blocking.pairs);
        assert!(res.cluster_count() < 300);
    }

    #[test]
    fn a_cancel_request_returns_the_cancelled_error() {
        let records = people();
        for stage in [
            Stage::Standardize,
            Stage::Block,
            Stage::Score,
            Stage::Cluster,
        ] {
            let mut calls_after = 0;
            let err = resolve_with(&records, None, &Settings::default(), &mut |p| {
                if p.stage == stage {
                    calls_after += 1;
                    return ControlFlow::Break(());
                }
                assert_eq!(calls_after, 0, "called again after a cancel request");
                ControlFlow::Continue(())
            })
            .unwrap_err();
            assert_eq!(err.code(), ErrorCode::Cancelled, "{stage:?}");
            assert_eq!(err.code().as_str(), "cancelled");
            assert_eq!(calls_after, 1);
        }
        // the same records resolve when nobody cancels
        assert!(resolve_with(&records, None, &Settings::default(), &mut go_on).is_ok());
    }

    #[test]
    fn slices_are_reported_and_a_cancel_stops_between_them() {
        let items: Vec<u32> = (0..10).collect();
        let mut dones = Vec::new();
        let mut on = |p: Progress| {
            dones.push(p.done);
            ControlFlow::Continue(())
        };
        let mut r = Reporter::new(&mut on);
        r.start(Stage::Compare, items.len()).unwrap();
        let out = map_reporting(&items, 3, &mut r, |k, &x| (k as u32) * 100 + x).unwrap();
        assert_eq!(out, (0..10).map(|x| x * 101).collect::<Vec<_>>());
        assert_eq!(dones, [0, 3, 6, 9, 10]);

        let mut calls = 0;
        let mut stop_second = |_: Progress| {
            calls += 1;
            if calls == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let mut r = Reporter::new(&mut stop_second);
        r.start(Stage::Score, items.len()).unwrap();
        let err = map_reporting(&items, 3, &mut r, |_, &x| x).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Cancelled);
        assert_eq!(calls, 2);
    }
}
