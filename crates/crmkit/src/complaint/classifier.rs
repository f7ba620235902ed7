//! A linear text classifier trained in Rust from labelled complaints.
//!
//! Features are hashed word 1–2-grams and character 2–5-grams taken inside
//! word boundaries (each word padded with spaces), on text normalized by
//! [`crate::text::normalize`] and folded to ASCII so that text typed without
//! Turkish letters matches text typed with them. Each block is weighted by
//! sublinear TF × IDF and L2-normalized. One linear SVM per label
//! (L2-regularized squared hinge loss, trained by dual coordinate descent as
//! in LIBLINEAR) scores the text; a softmax over the scores, with a
//! temperature fitted on the training data, gives probabilities.
//!
//! Three training options serve text that the defaults fit less well, such
//! as Turkish complaints: [`TrainOptions::stem`] adds Snowball word stems
//! (`rust-stemmers`) as a third feature block, so the many suffixed forms of
//! one Turkish word share a feature; [`TrainOptions::class_weight`] weighs
//! rare categories up ([`ClassWeight::Balanced`]); and
//! [`TrainOptions::cv_folds`] chooses `c` by stratified cross-validation,
//! reported by [`Classifier::report`]. With the defaults the model is the
//! one of model version 2.
//!
//! Temperature scaling calibrates confidence on text like the training
//! data but says nothing about text unlike it: a text in another language or
//! domain can still get a probability near 1. So the model also measures how
//! familiar a text is: the share of its words that occurred in training
//! ([`Prediction::known`]). Below `min_known` (an option, saved with the
//! model) `predict` abstains whatever the probability.
//!
//! Rules and model combine in one documented way ([`combine`]): a category
//! matched by a high-precision rule wins; otherwise the model's top label
//! when its probability reaches the abstain threshold; otherwise the
//! complaint goes to human triage.
//!
//! ```
//! use crmkit::complaint::classifier::{Classifier, TrainOptions};
//!
//! let texts = ["kargom gelmedi", "kargo gecikti", "iade istiyorum", "param iade edilmedi"];
//! let labels = ["delivery", "delivery", "refund", "refund"];
//! let model = Classifier::train(&texts, &labels, &TrainOptions::default()).unwrap();
//! let p = model.predict("KARGOM HALA GELMEDI");
//! assert_eq!(p.label.as_deref(), Some("delivery"));
//! let bytes = model.save();
//! assert_eq!(Classifier::load(&bytes).unwrap().predict("iade").label.as_deref(), Some("refund"));
//! ```

use super::ComplaintError;
use crate::error::Result;
use std::collections::HashMap;

/// Training options.
///
/// Options a JSON caller leaves out take their defaults; the defaults give
/// the model of earlier releases (no stems, unweighted classes, fixed `c`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TrainOptions {
    /// Inverse regularization strength of the SVMs (LinearSVC's `C`). Default
    /// 1; ignored when `cv_folds` chooses it from `c_grid`.
    pub c: f64,
    /// Passes of dual coordinate descent. Default 12.
    pub epochs: usize,
    /// Hash buckets, as a power of two. Default 20.
    pub hash_bits: u32,
    /// Character n-grams and stems seen in fewer documents are dropped. Default 2.
    pub min_char_df: u32,
    /// Below this top probability, `predict` abstains. Default 0.0 (never).
    pub abstain_below: f64,
    /// Below this share of the text's words seen in training, `predict`
    /// abstains (out of domain). Default 0.0 (never).
    pub min_known: f64,
    /// Word stems added as a third feature block beside words and character
    /// n-grams. Default [`Stemmer::None`]; [`Stemmer::Turkish`] for Turkish
    /// text, whose suffixes make one word many.
    pub stem: Stemmer,
    /// How much each label weighs in training. Default
    /// [`ClassWeight::None`] (every example the same).
    pub class_weight: ClassWeight,
    /// When 2 or more, `c` is chosen from `c_grid` by stratified `cv_folds`-fold
    /// cross-validation (mean accuracy; the smaller `c` on a tie) before the
    /// final model is trained on everything. Default 0 (off).
    pub cv_folds: u32,
    /// The values of `c` that cross-validation tries. Default 0.1, 0.3, 1, 3, 10.
    pub c_grid: Vec<f64>,
    /// Seed of the example order and of the cross-validation folds.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            c: 1.0,
            epochs: 12,
            hash_bits: 20,
            min_char_df: 2,
            abstain_below: 0.0,
            min_known: 0.0,
            stem: Stemmer::None,
            class_weight: ClassWeight::None,
            cv_folds: 0,
            c_grid: vec![0.1, 0.3, 1.0, 3.0, 10.0],
            seed: 0,
        }
    }
}

/// Word stems as features (Snowball stemmers of the `rust-stemmers` crate).
///
/// Stems are taken from the text lowercased with Turkish casing rules
/// (`I` → `ı`, `İ` → `i`), then folded to ASCII like the other features, so
/// `KARGOMU`, `kargom` and `kargoyu` share the stem `kargo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stemmer {
    /// No stems (the default).
    #[default]
    None,
    /// Snowball Turkish.
    Turkish,
    /// Snowball English (Porter 2).
    English,
}

impl Stemmer {
    /// The option's name: `none`, `turkish` or `english`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stemmer::None => "none",
            Stemmer::Turkish => "turkish",
            Stemmer::English => "english",
        }
    }

    /// The stemmer named `none`, `turkish` or `english`.
    pub fn from_name(name: &str) -> Option<Stemmer> {
        [Stemmer::None, Stemmer::Turkish, Stemmer::English]
            .into_iter()
            .find(|s| s.as_str() == name)
    }

    fn algorithm(self) -> Option<rust_stemmers::Algorithm> {
        match self {
            Stemmer::None => None,
            Stemmer::Turkish => Some(rust_stemmers::Algorithm::Turkish),
            Stemmer::English => Some(rust_stemmers::Algorithm::English),
        }
    }
}

/// How much each label's examples weigh in training.
///
/// In JSON: `"none"`, `"balanced"` or an object of label → weight. As in
/// scikit-learn's `LinearSVC`, a weight multiplies `c` for the label's
/// examples in that label's one-vs-rest SVM.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ClassWeightRepr", into = "ClassWeightRepr")]
pub enum ClassWeight {
    /// Every label weighs 1 (the default).
    #[default]
    None,
    /// `n_samples / (n_labels × count(label))`: rare labels weigh more.
    Balanced,
    /// Explicit weights (finite, > 0); a label left out weighs 1.
    Explicit(std::collections::BTreeMap<String, f64>),
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum ClassWeightRepr {
    Name(String),
    Map(std::collections::BTreeMap<String, f64>),
}

impl TryFrom<ClassWeightRepr> for ClassWeight {
    type Error = String;
    fn try_from(r: ClassWeightRepr) -> std::result::Result<Self, String> {
        match r {
            ClassWeightRepr::Name(n) if n == "none" => Ok(ClassWeight::None),
            ClassWeightRepr::Name(n) if n == "balanced" => Ok(ClassWeight::Balanced),
            ClassWeightRepr::Name(n) => Err(format!(
                "class_weight: expected \"none\", \"balanced\" or an object of label weights, got {n:?}"
            )),
            ClassWeightRepr::Map(m) => Ok(ClassWeight::Explicit(m)),
        }
    }
}

impl From<ClassWeight> for ClassWeightRepr {
    fn from(w: ClassWeight) -> Self {
        match w {
            ClassWeight::None => ClassWeightRepr::Name("none".into()),
            ClassWeight::Balanced => ClassWeightRepr::Name("balanced".into()),
            ClassWeight::Explicit(m) => ClassWeightRepr::Map(m),
        }
    }
}

/// A prediction.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// The top label, or `None` when its probability is below the threshold
    /// or the text is out of domain (the complaint goes to human triage).
    pub label: Option<String>,
    /// The share of the text's words seen in training, from 0 to 1 (0 for a
    /// text without words).
    pub known: f64,
    /// The five most likely labels with their probabilities.
    pub top: Vec<(String, f64)>,
    /// The features that contributed most to the top label, with their
    /// contributions (feature value × weight).
    pub features: Vec<(String, f64)>,
}

/// A trained classifier. Immutable and cheap to share across threads.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    version: u32,
    labels: Vec<String>,
    hash_bits: u32,
    /// Hash bucket → column of the weight matrix (only buckets seen in training).
    columns: HashMap<u32, u32>,
    idf: Vec<f32>,
    /// `labels.len()` rows of `idf.len() + 1` weights (the last is the bias).
    weights: Vec<f32>,
    temperature: f64,
    abstain_below: f64,
    min_known: f64,
    stem: Stemmer,
    /// The `c` trained with; `None` for files of versions 1 and 2.
    c: Option<f64>,
    /// (c, mean accuracy) per value tried by cross-validation.
    cv_scores: Vec<(f64, f64)>,
}

/// How a model was trained: what [`Classifier::report`] returns.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainingReport {
    /// The model file version.
    pub version: u32,
    /// The `c` of the SVMs (chosen by cross-validation when it ran); `None`
    /// for model files written before version 3.
    pub c: Option<f64>,
    /// The mean cross-validated accuracy of each `c` tried, in grid order;
    /// empty when `c` was given.
    pub cv_scores: Vec<(f64, f64)>,
    /// The stemmer of the stem features.
    pub stem: Stemmer,
    /// The labels.
    pub labels: Vec<String>,
}

/// Version 2 adds `min_known` (version 1 files load with it at 0, never);
/// version 3 adds `stem`, `c` and `cv_scores` (older files load without
/// stems, `c` unknown).
const MODEL_VERSION: u32 = 3;
const MAGIC: &[u8; 8] = b"CRMKCLF1";

/// FNV-1a: small, stable across platforms and releases (model files depend on it).
fn hash(kind: u8, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(kind);
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The features of a text: (block, n-gram text). Block 0 is words, 1
/// characters, 2 word stems (only with a stemmer).
fn grams(text: &str, stem: Stemmer) -> Vec<(u8, String)> {
    let lower = crate::text::normalize(text);
    let folded = crate::text::fold_ascii(&lower);
    let words: Vec<String> = crate::text::tokens(&folded)
        .map(|w| {
            w.chars()
                .map(|c| if c.is_ascii_digit() { '0' } else { c })
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(words.len() * 12);
    for (i, w) in words.iter().enumerate() {
        out.push((0, w.clone()));
        if let Some(next) = words.get(i + 1) {
            out.push((0, format!("{w} {next}")));
        }
        let padded: Vec<char> = std::iter::once(' ')
            .chain(w.chars())
            .chain(std::iter::once(' '))
            .collect();
        for n in 2..=5 {
            for win in padded.windows(n) {
                out.push((1, win.iter().collect()));
            }
        }
    }
    if let Some(algorithm) = stem.algorithm() {
        // stem the text with its letters (Turkish suffixes follow vowel
        // harmony, which ASCII folding loses), then fold the stem
        let stemmer = rust_stemmers::Stemmer::create(algorithm);
        for w in crate::text::tokens(&lower) {
            if w.chars().any(|c| c.is_numeric()) {
                continue;
            }
            out.push((2, crate::text::fold_ascii(&stemmer.stem(w))));
        }
    }
    out
}

/// Blocks of features (words, characters, stems), each L2-normalized apart.
const BLOCKS: u8 = 3;

/// Sublinear TF per bucket for each block: (bucket, block, tf).
fn bucket_counts(text: &str, bits: u32, stem: Stemmer) -> Vec<(u32, u8, f32)> {
    let mask = (1u64 << bits) - 1;
    let mut counts: HashMap<u32, (u8, u32)> = HashMap::new();
    for (block, g) in grams(text, stem) {
        let b = (hash(block, &g) & mask) as u32;
        counts.entry(b).or_insert((block, 0)).1 += 1;
    }
    let mut out: Vec<(u32, u8, f32)> = counts
        .into_iter()
        .map(|(b, (block, c))| (b, block, 1.0 + (c as f32).ln()))
        .collect();
    // a fixed order makes every sum below, and so every result, reproducible
    out.sort_unstable_by_key(|x| x.0);
    out
}

/// A sparse, L2-normalized-per-block feature vector over model columns.
type Sparse = Vec<(u32, f32)>;

impl Classifier {
    fn vectorize_with(
        counts: &[(u32, u8, f32)],
        columns: &HashMap<u32, u32>,
        idf: &[f32],
    ) -> Sparse {
        let mut v: Vec<(u32, u8, f32)> = counts
            .iter()
            .filter_map(|&(b, block, tf)| {
                columns.get(&b).map(|&c| (c, block, tf * idf[c as usize]))
            })
            .collect();
        for block in 0..BLOCKS {
            let norm = v
                .iter()
                .filter(|x| x.1 == block)
                .map(|x| x.2 * x.2)
                .sum::<f32>()
                .sqrt();
            if norm > 0.0 {
                v.iter_mut()
                    .filter(|x| x.1 == block)
                    .for_each(|x| x.2 /= norm);
            }
        }
        v.sort_unstable_by_key(|x| x.0);
        v.into_iter().map(|(c, _, x)| (c, x)).collect()
    }

    /// Trains on aligned texts and labels.
    ///
    /// Errors: no texts, misaligned lengths, fewer than two labels, an
    /// option out of range, a class weight for a label not in the data.
    ///
    /// ```
    /// use crmkit::complaint::classifier::{Classifier, ClassWeight, Stemmer, TrainOptions};
    ///
    /// let texts = ["kargom gelmedi", "kargom hâlâ gelmedi", "kargoyu bekliyorum",
    ///              "iade istiyorum", "iademi yapın", "paramı iade edin"];
    /// let labels = ["delivery", "delivery", "delivery", "refund", "refund", "refund"];
    /// let options = TrainOptions {
    ///     stem: Stemmer::Turkish,
    ///     class_weight: ClassWeight::Balanced,
    ///     cv_folds: 3,
    ///     ..TrainOptions::default()
    /// };
    /// let model = Classifier::train(&texts, &labels, &options).unwrap();
    /// assert_eq!(model.predict("KARGOMU BEKLİYORUM").label.as_deref(), Some("delivery"));
    /// let report = model.report();
    /// assert_eq!(report.cv_scores.len(), options.c_grid.len());
    /// assert!(options.c_grid.contains(&report.c.unwrap()));
    /// ```
    pub fn train<T: AsRef<str>, L: AsRef<str>>(
        texts: &[T],
        labels: &[L],
        options: &TrainOptions,
    ) -> Result<Classifier> {
        let bad = |m: String| -> crate::Error { ComplaintError::InvalidTrainingData(m).into() };
        if texts.len() != labels.len() {
            return Err(bad(format!(
                "{} texts but {} labels; they must be aligned",
                texts.len(),
                labels.len()
            )));
        }
        if texts.is_empty() {
            return Err(bad("no training examples".into()));
        }
        if !(options.c.is_finite() && options.c > 0.0 && (8..=24).contains(&options.hash_bits)) {
            return Err(bad("c must be > 0 and hash_bits from 8 to 24".into()));
        }
        if !(0.0..=1.0).contains(&options.min_known) {
            return Err(bad(format!(
                "min_known must be a share from 0 to 1, got {}",
                options.min_known
            )));
        }
        if options.cv_folds == 1 || options.cv_folds as usize > texts.len() {
            return Err(bad(format!(
                "cv_folds must be 0 (off) or from 2 to the number of texts ({}), got {}",
                texts.len(),
                options.cv_folds
            )));
        }
        if options.cv_folds >= 2
            && (options.c_grid.is_empty()
                || options.c_grid.iter().any(|c| !(c.is_finite() && *c > 0.0)))
        {
            return Err(bad(format!(
                "c_grid must hold at least one c > 0, got {:?}",
                options.c_grid
            )));
        }
        let mut label_names: Vec<String> = labels.iter().map(|l| l.as_ref().to_owned()).collect();
        label_names.sort();
        label_names.dedup();
        if label_names.len() < 2 {
            return Err(bad("at least two different labels are needed".into()));
        }
        let y: Vec<usize> = labels
            .iter()
            .map(|l| {
                label_names
                    .binary_search_by(|x| x.as_str().cmp(l.as_ref()))
                    .unwrap_or(0)
            })
            .collect();
        let label_weights = class_weights(&options.class_weight, &label_names, &y)?;

        let counts: Vec<Vec<(u32, u8, f32)>> = texts
            .iter()
            .map(|t| bucket_counts(t.as_ref(), options.hash_bits, options.stem))
            .collect();
        let (c, cv_scores) = if options.cv_folds >= 2 {
            let scores = cross_validate(&counts, &y, &label_weights, options);
            // the best mean accuracy; the smaller c on a tie
            let mut best = scores[0];
            for &(c, acc) in &scores[1..] {
                if acc > best.1 || (acc == best.1 && c < best.0) {
                    best = (c, acc);
                }
            }
            (best.0, scores)
        } else {
            (options.c, Vec::new())
        };
        let all: Vec<usize> = (0..texts.len()).collect();
        let (columns, idf) = fit_columns(&counts, &all, options.min_char_df);
        let x: Vec<Sparse> = counts
            .iter()
            .map(|c| Self::vectorize_with(c, &columns, &idf))
            .collect();
        let weights = fit_svms(&x, &y, &label_weights, idf.len() + 1, c, options);
        let mut model = Classifier {
            version: MODEL_VERSION,
            labels: label_names,
            hash_bits: options.hash_bits,
            columns,
            idf,
            weights,
            temperature: 1.0,
            abstain_below: options.abstain_below,
            min_known: options.min_known,
            stem: options.stem,
            c: Some(c),
            cv_scores,
        };
        model.temperature = model.fit_temperature(&x, &y);
        Ok(model)
    }

    /// The temperature that maximizes the likelihood of the training labels
    /// under a softmax of the scores (a coarse grid is enough for ranking
    /// stability and sensible abstention).
    fn fit_temperature(&self, x: &[Sparse], y: &[usize]) -> f64 {
        let scores: Vec<Vec<f64>> = x.iter().map(|v| self.scores(v)).collect();
        let mut best = (f64::NEG_INFINITY, 1.0);
        for step in 1..=40 {
            let t = 0.05 * f64::from(step);
            let ll: f64 = scores
                .iter()
                .zip(y)
                .map(|(s, &k)| softmax(s, t)[k].max(1e-12).ln())
                .sum();
            if ll > best.0 {
                best = (ll, t);
            }
        }
        best.1
    }

    fn scores(&self, v: &Sparse) -> Vec<f64> {
        linear_scores(&self.weights, self.idf.len() + 1, self.labels.len(), v)
    }

    fn vectorize(&self, text: &str) -> Sparse {
        Self::vectorize_with(
            &bucket_counts(text, self.hash_bits, self.stem),
            &self.columns,
            &self.idf,
        )
    }

    /// Label probabilities, most likely first.
    pub fn predict_proba(&self, text: &str) -> Vec<(String, f64)> {
        let p = softmax(&self.scores(&self.vectorize(text)), self.temperature);
        let mut out: Vec<(String, f64)> = self.labels.iter().cloned().zip(p).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The top label (or abstention), the top five, and the contributing features.
    pub fn predict(&self, text: &str) -> Prediction {
        let v = self.vectorize(text);
        let p = softmax(&self.scores(&v), self.temperature);
        let mut ranked: Vec<usize> = (0..self.labels.len()).collect();
        ranked.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then_with(|| a.cmp(&b)));
        let best = ranked[0];
        // explain with the n-grams of the text itself: recompute them
        let dim = self.idf.len() + 1;
        let w = &self.weights[best * dim..(best + 1) * dim];
        let mask = (1u64 << self.hash_bits) - 1;
        let mut features: Vec<(String, f64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let (mut words, mut known_words) = (0usize, 0usize);
        for (block, g) in grams(text, self.stem) {
            let b = (hash(block, &g) & mask) as u32;
            if block == 0 && !g.contains(' ') {
                words += 1;
                known_words += usize::from(self.columns.contains_key(&b));
            }
            if let Some(&c) = self.columns.get(&b)
                && let Ok(i) = v.binary_search_by_key(&c, |x| x.0)
                && seen.insert(c)
            {
                // stems are shown with a leading `~`
                let name = if block == 2 { format!("~{g}") } else { g };
                features.push((name, f64::from(v[i].1) * f64::from(w[c as usize])));
            }
        }
        features.sort_by(|a, b| b.1.total_cmp(&a.1));
        features.truncate(8);
        let known = if words == 0 {
            0.0
        } else {
            known_words as f64 / words as f64
        };
        Prediction {
            label: (p[best] >= self.abstain_below && known >= self.min_known)
                .then(|| self.labels[best].clone()),
            known,
            top: ranked
                .iter()
                .take(5)
                .map(|&k| (self.labels[k].clone(), p[k]))
                .collect(),
            features,
        }
    }

    /// The labels, sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The abstain threshold.
    pub fn abstain_below(&self) -> f64 {
        self.abstain_below
    }

    /// A copy with another abstain threshold.
    pub fn with_abstain_below(mut self, threshold: f64) -> Classifier {
        self.abstain_below = threshold;
        self
    }

    /// The out-of-domain threshold: the least share of known words.
    pub fn min_known(&self) -> f64 {
        self.min_known
    }

    /// A copy with another out-of-domain threshold (a share from 0 to 1).
    pub fn with_min_known(mut self, share: f64) -> Classifier {
        self.min_known = share;
        self
    }

    /// The stemmer of the stem features ([`Stemmer::None`] when there are none).
    pub fn stem(&self) -> Stemmer {
        self.stem
    }

    /// How the model was trained: the `c` used (chosen by cross-validation
    /// when asked, with the score of every `c` tried), the stemmer, the labels.
    pub fn report(&self) -> TrainingReport {
        TrainingReport {
            version: self.version,
            c: self.c,
            cv_scores: self.cv_scores.clone(),
            stem: self.stem,
            labels: self.labels.clone(),
        }
    }

    /// The model file: a magic header, a JSON header (version, labels,
    /// settings) and little-endian arrays (bucket/column pairs, IDF,
    /// weights).
    pub fn save(&self) -> Vec<u8> {
        let header = Header {
            version: self.version,
            labels: self.labels.clone(),
            hash_bits: self.hash_bits,
            columns: self.columns.len() as u64,
            features: self.idf.len() as u64,
            temperature: self.temperature,
            abstain_below: self.abstain_below,
            min_known: self.min_known,
            stem: self.stem,
            c: self.c,
            cv_scores: self.cv_scores.clone(),
        };
        let json = serde_json::to_vec(&header).unwrap_or_default();
        let mut out = MAGIC.to_vec();
        out.extend((json.len() as u64).to_le_bytes());
        out.extend(json);
        let mut pairs: Vec<(u32, u32)> = self.columns.iter().map(|(b, c)| (*b, *c)).collect();
        pairs.sort_unstable();
        for (b, c) in pairs {
            out.extend(b.to_le_bytes());
            out.extend(c.to_le_bytes());
        }
        for v in self.idf.iter().chain(&self.weights) {
            out.extend(v.to_le_bytes());
        }
        out
    }

    /// Reads a model file; any malformed or foreign input is an error, never a panic.
    pub fn load(bytes: &[u8]) -> Result<Classifier> {
        let bad = |m: &str| -> crate::Error { ComplaintError::InvalidModel(m.to_owned()).into() };
        let mut r = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("not a crmkit classifier model file"))?;
        let mut take = |n: usize| -> Result<&[u8]> {
            if r.len() < n {
                return Err(bad("the file is truncated"));
            }
            let (head, rest) = r.split_at(n);
            r = rest;
            Ok(head)
        };
        let len = u64::from_le_bytes(take(8)?.try_into().map_err(|_| bad("bad header length"))?);
        let len = usize::try_from(len).map_err(|_| bad("bad header length"))?;
        let h: Header = serde_json::from_slice(take(len)?).map_err(|e| bad(&e.to_string()))?;
        if !(1..=MODEL_VERSION).contains(&h.version) {
            return Err(bad(&format!(
                "model version {}, this library reads {MODEL_VERSION}",
                h.version
            )));
        }
        let n_cols = usize::try_from(h.columns).map_err(|_| bad("too many columns"))?;
        let n_feat = usize::try_from(h.features).map_err(|_| bad("too many features"))?;
        let dim = n_feat
            .checked_add(1)
            .ok_or_else(|| bad("too many features"))?;
        let n_weights = h
            .labels
            .len()
            .checked_mul(dim)
            .ok_or_else(|| bad("too many weights"))?;
        // never reserve more than the file can hold
        let mut columns = HashMap::with_capacity(n_cols.min(bytes.len() / 8));
        for pair in take(
            n_cols
                .checked_mul(8)
                .ok_or_else(|| bad("too many columns"))?,
        )?
        .chunks_exact(8)
        {
            let b = u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]);
            let c = u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]);
            if c as usize >= n_feat {
                return Err(bad("a column points past the features"));
            }
            columns.insert(b, c);
        }
        let floats = |raw: &[u8]| -> Vec<f32> {
            raw.chunks_exact(4)
                .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]))
                .collect()
        };
        let idf = floats(take(
            n_feat
                .checked_mul(4)
                .ok_or_else(|| bad("too many features"))?,
        )?);
        let weights = floats(take(
            n_weights
                .checked_mul(4)
                .ok_or_else(|| bad("too many weights"))?,
        )?);
        let consistent = h.labels.len() >= 2
            && (8..=24).contains(&h.hash_bits)
            && h.temperature.is_finite()
            && h.temperature > 0.0
            && (0.0..=1.0).contains(&h.min_known)
            && h.c.is_none_or(|c| c.is_finite() && c > 0.0)
            && (h.version >= 3 || h.stem == Stemmer::None)
            && r.is_empty();
        if !consistent {
            return Err(bad("inconsistent model header or trailing bytes"));
        }
        Ok(Classifier {
            version: MODEL_VERSION,
            labels: h.labels,
            hash_bits: h.hash_bits,
            columns,
            idf,
            weights,
            temperature: h.temperature,
            abstain_below: h.abstain_below,
            min_known: h.min_known,
            stem: h.stem,
            c: h.c,
            cv_scores: h.cv_scores,
        })
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    version: u32,
    labels: Vec<String>,
    hash_bits: u32,
    columns: u64,
    features: u64,
    temperature: f64,
    abstain_below: f64,
    #[serde(default)]
    min_known: f64,
    #[serde(default)]
    stem: Stemmer,
    #[serde(default)]
    c: Option<f64>,
    #[serde(default)]
    cv_scores: Vec<(f64, f64)>,
}

/// The weight of each label (indexed like the sorted label names).
fn class_weights(weight: &ClassWeight, labels: &[String], y: &[usize]) -> Result<Vec<f64>> {
    let bad = |m: String| -> crate::Error { ComplaintError::InvalidTrainingData(m).into() };
    Ok(match weight {
        ClassWeight::None => vec![1.0; labels.len()],
        ClassWeight::Balanced => {
            let mut count = vec![0usize; labels.len()];
            for &k in y {
                count[k] += 1;
            }
            let (n, k) = (y.len() as f64, labels.len() as f64);
            count.iter().map(|&c| n / (k * c as f64)).collect()
        }
        ClassWeight::Explicit(map) => {
            for (label, w) in map {
                if labels.binary_search(label).is_err() {
                    return Err(bad(format!(
                        "class_weight names label {label:?}, which no training example has"
                    )));
                }
                if !(w.is_finite() && *w > 0.0) {
                    return Err(bad(format!(
                        "class_weight of label {label:?} must be a number > 0, got {w}"
                    )));
                }
            }
            labels
                .iter()
                .map(|l| map.get(l).copied().unwrap_or(1.0))
                .collect()
        }
    })
}

/// Columns (hash buckets kept) and smoothed IDF from the documents `docs`:
/// words always, characters and stems seen in at least `min_char_df` of them.
fn fit_columns(
    counts: &[Vec<(u32, u8, f32)>],
    docs: &[usize],
    min_char_df: u32,
) -> (HashMap<u32, u32>, Vec<f32>) {
    let mut df: HashMap<u32, (u8, u32)> = HashMap::new();
    for &i in docs {
        for &(b, block, _) in &counts[i] {
            df.entry(b).or_insert((block, 0)).1 += 1;
        }
    }
    let mut kept: Vec<(u32, u32)> = df
        .into_iter()
        .filter(|(_, (block, d))| *block == 0 || *d >= min_char_df)
        .map(|(b, (_, d))| (b, d))
        .collect();
    kept.sort_unstable();
    let n_docs = docs.len() as f32;
    let columns: HashMap<u32, u32> = kept
        .iter()
        .enumerate()
        .map(|(i, (b, _))| (*b, i as u32))
        .collect();
    // smoothed IDF, as scikit-learn's TfidfVectorizer
    let idf: Vec<f32> = kept
        .iter()
        .map(|(_, d)| ((1.0 + n_docs) / (1.0 + *d as f32)).ln() + 1.0)
        .collect();
    (columns, idf)
}

/// One-vs-rest L2-loss SVMs by dual coordinate descent (as LIBLINEAR); a
/// constant feature 1 carries the bias. In label k's SVM its own examples
/// have cost `c × label_weights[k]`, the others `c`. Returns `n_labels` rows
/// of `dim` weights.
fn fit_svms(
    x: &[Sparse],
    y: &[usize],
    label_weights: &[f64],
    dim: usize,
    c: f64,
    options: &TrainOptions,
) -> Vec<f32> {
    let n_labels = label_weights.len();
    let sq: Vec<f64> = x
        .iter()
        .map(|xi| {
            xi.iter()
                .map(|(_, v)| f64::from(*v) * f64::from(*v))
                .sum::<f64>()
                + 1.0
        })
        .collect();
    let mut weights = vec![0f32; n_labels * dim];
    let mut order: Vec<usize> = (0..x.len()).collect();
    let mut rng = options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for k in 0..n_labels {
        let diag_pos = 0.5 / (c * label_weights[k]);
        let diag_neg = 0.5 / c;
        let w = &mut weights[k * dim..(k + 1) * dim];
        let mut wd = vec![0f64; dim];
        let mut alpha = vec![0f64; x.len()];
        for _ in 0..options.epochs {
            // Fisher–Yates with xorshift: deterministic for the seed
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            for &i in &order {
                let (yi, diag) = if y[i] == k {
                    (1.0, diag_pos)
                } else {
                    (-1.0, diag_neg)
                };
                let dot: f64 = x[i]
                    .iter()
                    .map(|(c, v)| wd[*c as usize] * f64::from(*v))
                    .sum::<f64>()
                    + wd[dim - 1];
                let g = yi * dot - 1.0 + diag * alpha[i];
                let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
                if pg.abs() > 1e-12 {
                    let old = alpha[i];
                    alpha[i] = (old - g / (sq[i] + diag)).max(0.0);
                    let step = (alpha[i] - old) * yi;
                    for (c, v) in &x[i] {
                        wd[*c as usize] += step * f64::from(*v);
                    }
                    wd[dim - 1] += step;
                }
            }
        }
        for (o, v) in w.iter_mut().zip(&wd) {
            *o = *v as f32;
        }
    }
    weights
}

/// Stratified folds: each label's examples shuffled by the seed and dealt
/// round-robin, so every fold holds about the same share of every label.
fn stratified_folds(y: &[usize], folds: usize, seed: u64) -> Vec<usize> {
    let n_labels = y.iter().max().map_or(0, |m| m + 1);
    let mut fold = vec![0usize; y.len()];
    let mut rng = SplitMix(seed ^ 0x6a09_e667_f3bc_c909);
    // one running position across labels, so small labels do not all start at fold 0
    let mut next = 0usize;
    for k in 0..n_labels {
        let mut members: Vec<usize> = (0..y.len()).filter(|&i| y[i] == k).collect();
        for i in (1..members.len()).rev() {
            members.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        for i in members {
            fold[i] = next % folds;
            next += 1;
        }
    }
    fold
}

/// SplitMix64, for the fold shuffle.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The mean accuracy over stratified folds of each `c` of the grid, in grid
/// order. Columns and IDF come from each fold's training part only.
fn cross_validate(
    counts: &[Vec<(u32, u8, f32)>],
    y: &[usize],
    label_weights: &[f64],
    options: &TrainOptions,
) -> Vec<(f64, f64)> {
    use rayon::prelude::*;
    let folds = options.cv_folds as usize;
    let fold = stratified_folds(y, folds, options.seed);
    let n_labels = label_weights.len();
    /// One fold: training vectors and labels, test vectors and labels, dimension.
    type Fold = (Vec<Sparse>, Vec<usize>, Vec<Sparse>, Vec<usize>, usize);
    let prepared: Vec<Fold> = (0..folds)
        .map(|f| {
            let train: Vec<usize> = (0..y.len()).filter(|&i| fold[i] != f).collect();
            let test: Vec<usize> = (0..y.len()).filter(|&i| fold[i] == f).collect();
            let (columns, idf) = fit_columns(counts, &train, options.min_char_df);
            let vec = |ids: &[usize]| -> Vec<Sparse> {
                ids.iter()
                    .map(|&i| Classifier::vectorize_with(&counts[i], &columns, &idf))
                    .collect()
            };
            let (xtr, xte) = (vec(&train), vec(&test));
            let ytr = train.iter().map(|&i| y[i]).collect();
            let yte = test.iter().map(|&i| y[i]).collect();
            (xtr, ytr, xte, yte, idf.len() + 1)
        })
        .collect();
    let jobs: Vec<(usize, usize)> = (0..options.c_grid.len())
        .flat_map(|g| (0..folds).map(move |f| (g, f)))
        .collect();
    // (grid index, right, total) per fold; every fit is independent, so the
    // result does not depend on the thread count
    let results: Vec<(usize, usize, usize)> = jobs
        .par_iter()
        .map(|&(g, f)| {
            let (xtr, ytr, xte, yte, dim) = &prepared[f];
            let w = fit_svms(xtr, ytr, label_weights, *dim, options.c_grid[g], options);
            let right = xte
                .iter()
                .zip(yte)
                .filter(|(v, k)| {
                    let scores = linear_scores(&w, *dim, n_labels, v);
                    argmax(&scores) == **k
                })
                .count();
            (g, right, xte.len())
        })
        .collect();
    options
        .c_grid
        .iter()
        .enumerate()
        .map(|(g, &c)| {
            let (right, total) = results
                .iter()
                .filter(|r| r.0 == g)
                .fold((0, 0), |a, r| (a.0 + r.1, a.1 + r.2));
            (c, right as f64 / total.max(1) as f64)
        })
        .collect()
}

/// The score of each label: weights · features + bias.
fn linear_scores(weights: &[f32], dim: usize, n_labels: usize, v: &Sparse) -> Vec<f64> {
    (0..n_labels)
        .map(|k| {
            let w = &weights[k * dim..(k + 1) * dim];
            v.iter()
                .map(|(c, x)| f64::from(w[*c as usize]) * f64::from(*x))
                .sum::<f64>()
                + f64::from(w[dim - 1])
        })
        .collect()
}

/// The index of the largest score (the first on a tie).
fn argmax(scores: &[f64]) -> usize {
    let mut best = 0;
    for (k, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = k;
        }
    }
    best
}

fn softmax(scores: &[f64], temperature: f64) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = scores
        .iter()
        .map(|s| ((s - max) / temperature).exp())
        .collect();
    let sum: f64 = e.iter().sum();
    e.into_iter().map(|x| x / sum).collect()
}

/// Where a category decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A high-precision rule matched.
    Rules,
    /// The model was confident enough.
    Model,
    /// Neither: a person decides.
    Triage,
}

/// The category of a complaint and where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// The category, or `None` for triage.
    pub category: Option<String>,
    /// Where it came from.
    pub source: Source,
}

/// The documented way rules and model combine: the highest-priority rule
/// category wins (rules are written for precision); otherwise the model's
/// label when it did not abstain; otherwise triage.
pub fn combine(rule_categories: &[String], prediction: &Prediction) -> Decision {
    if let Some(first) = rule_categories.first() {
        return Decision {
            category: Some(first.clone()),
            source: Source::Rules,
        };
    }
    match &prediction.label {
        Some(l) => Decision {
            category: Some(l.clone()),
            source: Source::Model,
        },
        None => Decision {
            category: None,
            source: Source::Triage,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tiny_texts() -> [&'static str; 6] {
        [
            "kargom gelmedi",
            "kargo gecikti",
            "siparis gelmedi",
            "iade istiyorum",
            "param iade edilmedi",
            "iade yapilmadi",
        ]
    }

    fn tiny_labels() -> [&'static str; 6] {
        [
            "delivery", "delivery", "delivery", "refund", "refund", "refund",
        ]
    }

    fn tiny() -> Classifier {
        Classifier::train(&tiny_texts(), &tiny_labels(), &TrainOptions::default()).unwrap()
    }

    #[test]
    fn separable_classes_and_explanations() {
        let m = tiny();
        let p = m.predict("İADE edilmedi hâlâ");
        assert_eq!(p.label.as_deref(), Some("refund"));
        assert!(p.top[0].1 > 0.5);
        assert!(
            p.features
                .iter()
                .any(|(f, w)| f.contains("iade") && *w > 0.0),
            "{:?}",
            p.features
        );
        let sum: f64 = m.predict_proba("kargo").iter().map(|x| x.1).sum();
        assert!((sum - 1.0).abs() < 1e-9);
        let strict = m.clone().with_abstain_below(0.999);
        assert_eq!(strict.predict("merhaba").label, None);
        assert_eq!(
            combine(&[], &strict.predict("merhaba")).source,
            Source::Triage
        );
        assert_eq!(
            combine(&["fraud".into()], &p).category.as_deref(),
            Some("fraud")
        );
    }

    #[test]
    fn save_load_round_trip() {
        let m = tiny();
        let back = Classifier::load(&m.save()).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.predict("kargo gecikti"), m.predict("kargo gecikti"));
        assert!(Classifier::load(b"nope").is_err());
    }

    #[test]
    fn text_from_another_language_and_domain_is_out_of_domain() {
        let texts = [
            "my card was declined at the shop",
            "the card payment was declined again",
            "i want to top up my account",
            "how do i top up with a bank transfer",
            "the atm gave me the wrong amount of cash",
            "wrong amount of cash received from the atm",
        ];
        let labels = ["declined", "declined", "top_up", "top_up", "cash", "cash"];
        let options = TrainOptions {
            abstain_below: 0.5,
            min_known: 0.5,
            ..TrainOptions::default()
        };
        let m = Classifier::train(&texts, &labels, &options).unwrap();
        // in domain: answered, every word known
        let p = m.predict("my card was declined");
        assert_eq!(p.label.as_deref(), Some("declined"));
        assert_eq!(p.known, 1.0);
        // another language and domain: sent to triage however confident
        for text in ["Kargom 10 gündür gelmedi", "Belediye çöpleri toplamıyor"] {
            let p = m.predict(text);
            assert!(p.known < 0.5, "{text}: {}", p.known);
            assert_eq!(p.label, None, "{text}");
            assert_eq!(combine(&[], &p).source, Source::Triage);
        }
        // the threshold travels with the model, and can be lowered
        let back = Classifier::load(&m.save()).unwrap();
        assert_eq!(back.min_known(), 0.5);
        assert_eq!(back.predict("Kargom 10 gündür gelmedi").label, None);
        assert!(
            back.with_min_known(0.0)
                .with_abstain_below(0.0)
                .predict("Kargom 10 gündür gelmedi")
                .label
                .is_some()
        );
        let bad = TrainOptions {
            min_known: 1.5,
            ..TrainOptions::default()
        };
        assert!(Classifier::train(&texts, &labels, &bad).is_err());
    }

    #[test]
    fn version_1_model_files_still_load() {
        let m = tiny();
        let bytes = m.save();
        let len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
        let mut header: serde_json::Value = serde_json::from_slice(&bytes[16..16 + len]).unwrap();
        header["version"] = 1.into();
        for field in ["min_known", "stem", "c", "cv_scores"] {
            header.as_object_mut().unwrap().remove(field);
        }
        let json = serde_json::to_vec(&header).unwrap();
        let mut old = MAGIC.to_vec();
        old.extend((json.len() as u64).to_le_bytes());
        old.extend(json);
        old.extend(&bytes[16 + len..]);
        let back = Classifier::load(&old).unwrap();
        assert_eq!(back.min_known(), 0.0);
        assert_eq!(back.report().c, None);
        assert_eq!(back.stem(), Stemmer::None);
        for text in ["kargo gecikti", "iade", "merhaba"] {
            assert_eq!(back.predict(text), m.predict(text));
        }
        header["version"] = 4.into();
        let json = serde_json::to_vec(&header).unwrap();
        let mut future = MAGIC.to_vec();
        future.extend((json.len() as u64).to_le_bytes());
        future.extend(json);
        future.extend(&bytes[16 + len..]);
        assert!(Classifier::load(&future).is_err());
    }

    #[test]
    fn training_errors() {
        let e = Classifier::train(&["a"], &["x", "y"], &TrainOptions::default()).unwrap_err();
        assert_eq!(e.code().as_str(), "complaint_invalid_training_data");
        assert!(Classifier::train::<&str, &str>(&[], &[], &TrainOptions::default()).is_err());
        assert!(Classifier::train(&["a", "b"], &["x", "x"], &TrainOptions::default()).is_err());
    }

    /// A model file of an older version: the current file with the header
    /// fields that version lacks removed.
    fn older_file(m: &Classifier, version: u32, drop: &[&str]) -> Vec<u8> {
        let bytes = m.save();
        let len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
        let mut header: serde_json::Value = serde_json::from_slice(&bytes[16..16 + len]).unwrap();
        header["version"] = version.into();
        for field in drop {
            header.as_object_mut().unwrap().remove(*field);
        }
        let json = serde_json::to_vec(&header).unwrap();
        let mut old = MAGIC.to_vec();
        old.extend((json.len() as u64).to_le_bytes());
        old.extend(json);
        old.extend(&bytes[16 + len..]);
        old
    }

    #[test]
    fn version_2_model_files_still_load() {
        let m = tiny();
        let back = Classifier::load(&older_file(&m, 2, &["stem", "c", "cv_scores"])).unwrap();
        assert_eq!(back.stem(), Stemmer::None);
        assert_eq!(back.report().c, None);
        assert!(back.report().cv_scores.is_empty());
        for text in ["kargo gecikti", "iade", "İADE edilmedi"] {
            assert_eq!(back.predict(text), m.predict(text));
        }
        // a version 2 file cannot claim stems (they came with version 3)
        let stemmed = Classifier::train(
            &["kargom gelmedi", "iade istiyorum"],
            &["a", "b"],
            &TrainOptions {
                stem: Stemmer::Turkish,
                ..TrainOptions::default()
            },
        )
        .unwrap();
        assert!(Classifier::load(&older_file(&stemmed, 2, &[])).is_err());
        assert!(Classifier::load(&older_file(&stemmed, 3, &[])).is_ok());
    }

    fn turkish() -> (Vec<&'static str>, Vec<&'static str>) {
        (
            vec![
                "kargom gelmedi",
                "kargolarım hâlâ gelmedi",
                "siparişim teslim edilmedi",
                "teslimat gecikti",
                "kargoyu bekliyorum",
                "iade istiyorum",
                "param iade edilmedi",
                "iademi yapmadınız",
                "ücretimi geri verin",
                "paramı geri istiyorum",
            ],
            vec![
                "delivery", "delivery", "delivery", "delivery", "delivery", "refund", "refund",
                "refund", "refund", "refund",
            ],
        )
    }

    #[test]
    fn turkish_stems_fold_casing_and_survive_suffixes() {
        let stems = |t: &str| -> Vec<String> {
            grams(t, Stemmer::Turkish)
                .into_iter()
                .filter(|g| g.0 == 2)
                .map(|g| g.1)
                .collect()
        };
        // Turkish casing before stemming: I is ı, İ is i; the stem is folded
        assert_eq!(stems("KARGOLARIMIZ IŞIKLI"), stems("kargolarımız ışıklı"));
        assert_eq!(stems("İADESİ"), stems("iadesi"));
        assert_eq!(stems("kargolarımız")[0], "kargo");
        assert_eq!(stems("kargoyu"), stems("kargolarımız"));
        assert!(
            stems("10 gün").iter().all(|s| s == "gun"),
            "{:?}",
            stems("10 gün")
        );
        // no stems without a stemmer
        assert!(
            grams("kargolarımız", Stemmer::None)
                .iter()
                .all(|g| g.0 != 2)
        );

        let (texts, labels) = turkish();
        let options = TrainOptions {
            stem: Stemmer::Turkish,
            ..TrainOptions::default()
        };
        let m = Classifier::train(&texts, &labels, &options).unwrap();
        assert_eq!(m.stem(), Stemmer::Turkish);
        let p = m.predict("KARGOLARIMI bekliyorum");
        assert_eq!(p.label.as_deref(), Some("delivery"));
        assert!(
            p.features.iter().any(|f| f.0.starts_with('~')),
            "{:?}",
            p.features
        );
        let back = Classifier::load(&m.save()).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.predict("iadelerimi"), m.predict("iadelerimi"));
    }

    #[test]
    fn balanced_class_weights() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        // 6 a, 3 b, 1 c: n / (k * count)
        let y = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
        let w = class_weights(&ClassWeight::Balanced, &labels, &y).unwrap();
        let expected = [10.0 / 18.0, 10.0 / 9.0, 10.0 / 3.0];
        for (a, b) in w.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{w:?}");
        }
        let explicit = ClassWeight::Explicit([("c".to_owned(), 5.0)].into());
        assert_eq!(
            class_weights(&explicit, &labels, &y).unwrap(),
            [1.0, 1.0, 5.0]
        );
        for bad in [("d", 1.0), ("a", 0.0), ("a", f64::NAN)] {
            let w = ClassWeight::Explicit([(bad.0.to_owned(), bad.1)].into());
            let e = class_weights(&w, &labels, &y).unwrap_err();
            assert_eq!(e.code().as_str(), "complaint_invalid_training_data");
            assert!(e.to_string().contains(bad.0), "{e}");
        }

        // on imbalanced data a weighted rare label is predicted more often
        let mut texts: Vec<String> = (0..12)
            .map(|i| format!("kargo teslimat gecikti {i}"))
            .collect();
        let mut ls: Vec<&str> = vec!["delivery"; 12];
        texts.extend(["kargo iade edilmedi".to_owned(), "iade teslimat".to_owned()]);
        ls.extend(["refund", "refund"]);
        let plain = Classifier::train(&texts, &ls, &TrainOptions::default()).unwrap();
        let balanced = Classifier::train(
            &texts,
            &ls,
            &TrainOptions {
                class_weight: ClassWeight::Balanced,
                ..TrainOptions::default()
            },
        )
        .unwrap();
        let p_refund = |m: &Classifier| -> f64 {
            m.predict_proba("kargo iade")
                .into_iter()
                .find(|x| x.0 == "refund")
                .unwrap()
                .1
        };
        assert!(p_refund(&balanced) > p_refund(&plain));
    }

    #[test]
    fn options_from_json() {
        let o: TrainOptions = serde_json::from_str(
            r#"{"stem": "turkish", "class_weight": "balanced", "cv_folds": 3, "c_grid": [0.5, 2]}"#,
        )
        .unwrap();
        assert_eq!(o.stem, Stemmer::Turkish);
        assert_eq!(o.class_weight, ClassWeight::Balanced);
        assert_eq!((o.cv_folds, o.c_grid.clone()), (3, vec![0.5, 2.0]));
        let o: TrainOptions = serde_json::from_str(r#"{"class_weight": {"x": 2.5}}"#).unwrap();
        assert_eq!(
            o.class_weight,
            ClassWeight::Explicit([("x".to_owned(), 2.5)].into())
        );
        assert_eq!(
            serde_json::from_str::<TrainOptions>("{}").unwrap(),
            TrainOptions::default()
        );
        for bad in [r#"{"class_weight": "heavy"}"#, r#"{"stem": "klingon"}"#] {
            assert!(serde_json::from_str::<TrainOptions>(bad).is_err(), "{bad}");
        }
        // options round-trip through JSON
        let back: TrainOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
        assert_eq!(Stemmer::from_name("turkish"), Some(Stemmer::Turkish));
        assert_eq!(Stemmer::from_name("x"), None);
    }

    #[test]
    fn c_chosen_by_cross_validation() {
        let (texts, labels) = turkish();
        let options = TrainOptions {
            cv_folds: 5,
            c_grid: vec![0.01, 1.0, 100.0],
            ..TrainOptions::default()
        };
        let m = Classifier::train(&texts, &labels, &options).unwrap();
        let r = m.report();
        assert_eq!(r.cv_scores.len(), 3);
        assert_eq!(
            r.cv_scores.iter().map(|x| x.0).collect::<Vec<_>>(),
            options.c_grid
        );
        assert!(r.cv_scores.iter().all(|x| (0.0..=1.0).contains(&x.1)));
        // the chosen c has the best score, the smallest of the best
        let best = r.cv_scores.iter().map(|x| x.1).fold(0.0, f64::max);
        let chosen = r.cv_scores.iter().find(|x| x.1 == best).unwrap().0;
        assert_eq!(r.c, Some(chosen));
        // deterministic, and the final model is the one trained with that c
        assert_eq!(Classifier::train(&texts, &labels, &options).unwrap(), m);
        let fixed = Classifier::train(
            &texts,
            &labels,
            &TrainOptions {
                c: chosen,
                ..TrainOptions::default()
            },
        )
        .unwrap();
        assert_eq!(fixed.predict_proba("kargo"), m.predict_proba("kargo"));
        // the report travels with the model file
        assert_eq!(Classifier::load(&m.save()).unwrap().report(), r);
        // without cross-validation the report has the given c and no scores
        assert_eq!(tiny().report().c, Some(1.0));
        assert!(tiny().report().cv_scores.is_empty());
        for bad in [
            TrainOptions {
                cv_folds: 1,
                ..TrainOptions::default()
            },
            TrainOptions {
                cv_folds: 11,
                ..TrainOptions::default()
            },
            TrainOptions {
                cv_folds: 2,
                c_grid: vec![],
                ..TrainOptions::default()
            },
            TrainOptions {
                cv_folds: 2,
                c_grid: vec![1.0, -1.0],
                ..TrainOptions::default()
            },
        ] {
            let e = Classifier::train(&texts, &labels, &bad).unwrap_err();
            assert_eq!(e.code().as_str(), "complaint_invalid_training_data");
        }
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let y: Vec<usize> = (0..103)
            .map(|i| {
                if i < 70 {
                    0
                } else if i < 97 {
                    1
                } else {
                    2
                }
            })
            .collect();
        let f = stratified_folds(&y, 5, 7);
        for k in 0..3 {
            let per: Vec<usize> = (0..5)
                .map(|fold| (0..y.len()).filter(|&i| y[i] == k && f[i] == fold).count())
                .collect();
            let (lo, hi) = (per.iter().min().unwrap(), per.iter().max().unwrap());
            assert!(hi - lo <= 1, "label {k}: {per:?}");
        }
        assert_eq!(stratified_folds(&y, 5, 7), f);
        assert_ne!(stratified_folds(&y, 5, 8), f);
    }

    proptest! {
        #[test]
        fn stems_only_add_a_block(text in "[a-zA-ZçğıöşüÇĞİÖŞÜ0-9 .,!]{0,40}") {
            let plain = grams(&text, Stemmer::None);
            let stemmed: Vec<(u8, String)> = grams(&text, Stemmer::Turkish)
                .into_iter()
                .filter(|g| g.0 != 2)
                .collect();
            prop_assert_eq!(plain, stemmed);
        }

        #[test]
        fn unit_class_weights_change_nothing(named in prop::collection::vec(0usize..3, 0..4), balanced_data in any::<bool>()) {
            let (texts, labels) = if balanced_data {
                turkish()
            } else {
                (tiny_texts().to_vec(), tiny_labels().to_vec())
            };
            let names = ["delivery", "refund", "delivery"];
            let map = named.iter().map(|&i| (names[i].to_owned(), 1.0)).collect();
            let plain = Classifier::train(&texts, &labels, &TrainOptions::default()).unwrap();
            let weighted = Classifier::train(&texts, &labels, &TrainOptions {
                class_weight: ClassWeight::Explicit(map),
                ..TrainOptions::default()
            }).unwrap();
            prop_assert_eq!(&weighted, &plain);
            // "balanced" on data with as many examples of every label is no weighting
            let balanced = Classifier::train(&texts, &labels, &TrainOptions {
                class_weight: ClassWeight::Balanced,
                ..TrainOptions::default()
            }).unwrap();
            prop_assert_eq!(&balanced, &plain);
        }
    }

    proptest! {
        #[test]
        fn corrupt_model_files_are_errors(bytes in prop::collection::vec(any::<u8>(), 0..200), cut in 0usize..4000) {
            let _ = Classifier::load(&bytes);
            let mut good = tiny().save();
            good.truncate(cut.min(good.len()));
            let _ = Classifier::load(&good);
        }
    }
}
