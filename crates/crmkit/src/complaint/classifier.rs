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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TrainOptions {
    /// Inverse regularization strength of the SVMs (LinearSVC's `C`). Default 1.
    pub c: f64,
    /// Passes of dual coordinate descent. Default 12.
    pub epochs: usize,
    /// Hash buckets, as a power of two. Default 20.
    pub hash_bits: u32,
    /// Character n-grams seen in fewer documents are dropped. Default 2.
    pub min_char_df: u32,
    /// Below this top probability, `predict` abstains. Default 0.0 (never).
    pub abstain_below: f64,
    /// Below this share of the text's words seen in training, `predict`
    /// abstains (out of domain). Default 0.0 (never).
    pub min_known: f64,
    /// Seed of the example order.
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
            seed: 0,
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
}

/// Version 2 adds `min_known`; version 1 files load with it at 0 (never).
const MODEL_VERSION: u32 = 2;
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

/// The features of a text: (block, n-gram text). Block 0 is words, 1 characters.
fn grams(text: &str) -> Vec<(u8, String)> {
    let folded = crate::text::fold_ascii(&crate::text::normalize(text));
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
    out
}

/// Sublinear TF per bucket for each block: (bucket, block, tf).
fn bucket_counts(text: &str, bits: u32) -> Vec<(u32, u8, f32)> {
    let mask = (1u64 << bits) - 1;
    let mut counts: HashMap<u32, (u8, u32)> = HashMap::new();
    for (block, g) in grams(text) {
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
        for block in 0..2u8 {
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
    /// Errors: no texts, misaligned lengths, fewer than two labels.
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

        // document frequencies decide the columns (char n-grams need min_char_df)
        let counts: Vec<Vec<(u32, u8, f32)>> = texts
            .iter()
            .map(|t| bucket_counts(t.as_ref(), options.hash_bits))
            .collect();
        let mut df: HashMap<u32, (u8, u32)> = HashMap::new();
        for doc in &counts {
            for &(b, block, _) in doc {
                df.entry(b).or_insert((block, 0)).1 += 1;
            }
        }
        let mut kept: Vec<(u32, u32)> = df
            .into_iter()
            .filter(|(_, (block, d))| *block == 0 || *d >= options.min_char_df)
            .map(|(b, (_, d))| (b, d))
            .collect();
        kept.sort_unstable();
        let n_docs = texts.len() as f32;
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
        let x: Vec<Sparse> = counts
            .iter()
            .map(|c| Self::vectorize_with(c, &columns, &idf))
            .collect();

        // one-vs-rest L2-loss SVMs by dual coordinate descent; a constant
        // feature 1 carries the bias
        let dim = idf.len() + 1;
        let n_labels = label_names.len();
        let diag = 0.5 / options.c;
        let q: Vec<f64> = x
            .iter()
            .map(|xi| {
                xi.iter()
                    .map(|(_, v)| f64::from(*v) * f64::from(*v))
                    .sum::<f64>()
                    + 1.0
                    + diag
            })
            .collect();
        let mut weights = vec![0f32; n_labels * dim];
        let mut order: Vec<usize> = (0..x.len()).collect();
        let mut rng = options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for k in 0..n_labels {
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
                    let yi = if y[i] == k { 1.0 } else { -1.0 };
                    let dot: f64 = x[i]
                        .iter()
                        .map(|(c, v)| wd[*c as usize] * f64::from(*v))
                        .sum::<f64>()
                        + wd[dim - 1];
                    let g = yi * dot - 1.0 + diag * alpha[i];
                    let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
                    if pg.abs() > 1e-12 {
                        let old = alpha[i];
                        alpha[i] = (old - g / q[i]).max(0.0);
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
        let dim = self.idf.len() + 1;
        (0..self.labels.len())
            .map(|k| {
                let w = &self.weights[k * dim..(k + 1) * dim];
                v.iter()
                    .map(|(c, x)| f64::from(w[*c as usize]) * f64::from(*x))
                    .sum::<f64>()
                    + f64::from(w[dim - 1])
            })
            .collect()
    }

    fn vectorize(&self, text: &str) -> Sparse {
        Self::vectorize_with(
            &bucket_counts(text, self.hash_bits),
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
        for (block, g) in grams(text) {
            let b = (hash(block, &g) & mask) as u32;
            if block == 0 && !g.contains(' ') {
                words += 1;
                known_words += usize::from(self.columns.contains_key(&b));
            }
            if let Some(&c) = self.columns.get(&b)
                && let Ok(i) = v.binary_search_by_key(&c, |x| x.0)
                && seen.insert(c)
            {
                features.push((g, f64::from(v[i].1) * f64::from(w[c as usize])));
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

    fn tiny() -> Classifier {
        let texts = [
            "kargom gelmedi",
            "kargo gecikti",
            "siparis gelmedi",
            "iade istiyorum",
            "param iade edilmedi",
            "iade yapilmadi",
        ];
        let labels = [
            "delivery", "delivery", "delivery", "refund", "refund", "refund",
        ];
        Classifier::train(&texts, &labels, &TrainOptions::default()).unwrap()
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
        header.as_object_mut().unwrap().remove("min_known");
        let json = serde_json::to_vec(&header).unwrap();
        let mut old = MAGIC.to_vec();
        old.extend((json.len() as u64).to_le_bytes());
        old.extend(json);
        old.extend(&bytes[16 + len..]);
        let back = Classifier::load(&old).unwrap();
        assert_eq!(back.min_known(), 0.0);
        assert_eq!(back, m);
        header["version"] = 3.into();
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
