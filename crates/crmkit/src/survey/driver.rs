use super::{Answer, Nps, NpsOptions, Scale, Tally, nps_diff};
use crate::error::{InputError, Result};
use std::collections::BTreeMap;

/// How much one topic (a complaint category, a driver mentioned in a comment)
/// moves the overall NPS.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TopicImpact<K> {
    /// The topic.
    pub topic: K,
    /// Present answers that mention the topic.
    pub n: u64,
    /// Share of present answers that mention the topic (0–1).
    pub share: f64,
    /// NPS of the answers that mention the topic.
    pub nps_topic: f64,
    /// NPS of the answers that do not; `NaN` when every answer mentions it.
    pub nps_without: f64,
    /// NPS_all − NPS_without = n_t·(NPS_t − NPS)/(N − n_t): the points the
    /// topic costs (negative) or earns (positive); `NaN` when every answer
    /// mentions the topic.
    pub impact: f64,
    /// z statistic of NPS_topic against NPS_without (independent samples).
    pub z: f64,
    /// Two-sided p-value of "the topic makes no difference"; `NaN` when
    /// every answer mentions the topic.
    pub p_value: f64,
}

/// The impact of a topic on NPS from the four numbers of the formula:
/// n_t·(NPS_t − NPS)/(N − n_t).
///
/// ```
/// let impact = crmkit::survey::topic_impact_from_nps(1000, 25.0, 200, -40.0).unwrap();
/// assert_eq!(impact, -16.25);
/// ```
pub fn topic_impact_from_nps(
    n_total: u64,
    nps_total: f64,
    n_topic: u64,
    nps_topic: f64,
) -> Result<f64> {
    if n_topic >= n_total {
        return Err(crate::Error::invalid_argument(
            "n_topic",
            format!("fewer answers than n_total ({n_total}), got {n_topic}"),
        ));
    }
    Ok(n_topic as f64 * (nps_topic - nps_total) / (n_total - n_topic) as f64)
}

/// The impact of the answers in `topic` (a subset of `overall`) on the NPS of
/// `overall`, with its significance. Both tallies must be on the 0–10 scale.
pub fn topic_impact(
    overall: &Tally,
    topic: &Tally,
    options: &NpsOptions,
) -> Result<TopicImpact<()>> {
    let all = Nps::from_tally(overall, options)?;
    let with = Nps::from_tally(topic, options)?;
    let rest = overall.without(topic)?;
    let (nps_without, impact, z, p_value) = match Nps::from_tally(&rest, options) {
        Ok(without) => {
            let d = nps_diff(&with, &without, options.confidence)?;
            (without.nps, all.nps - without.nps, d.z, d.p_value)
        }
        Err(_) => (f64::NAN, f64::NAN, f64::NAN, f64::NAN),
    };
    Ok(TopicImpact {
        topic: (),
        n: with.n,
        share: with.n as f64 / all.n as f64,
        nps_topic: with.nps,
        nps_without,
        impact,
        z,
        p_value,
    })
}

/// Driver analysis: the impact of every topic on NPS. `topics[i]` lists the
/// topics of answer `i` (any number, possibly none). Results are sorted by
/// impact, most costly first; topics only seen on missing answers are left
/// out (they have no NPS).
///
/// ```
/// use crmkit::survey::{drivers, NpsOptions};
/// let scores = [0, 2, 10, 9, 10, 9];
/// let topics: [&[&str]; 6] = [&["delivery"], &["delivery", "price"], &[], &["price"], &[], &[]];
/// let d = drivers(&scores, &topics, &NpsOptions::default()).unwrap();
/// assert_eq!(d[0].topic, "delivery");
/// assert_eq!(d[0].nps_topic, -100.0);
/// assert!(d[0].impact < 0.0);
/// ```
pub fn drivers<A: Answer, K: Ord + Clone, T: AsRef<[K]>>(
    scores: &[A],
    topics: &[T],
    options: &NpsOptions,
) -> Result<Vec<TopicImpact<K>>> {
    if scores.len() != topics.len() {
        return Err(InputError::LengthMismatch {
            left: "scores",
            left_len: scores.len(),
            right: "topics",
            right_len: topics.len(),
        }
        .into());
    }
    let overall = Tally::from_answers(Scale::NPS, scores, None, "NPS")?;
    let mut per_topic: BTreeMap<&K, Tally> = BTreeMap::new();
    for (a, ts) in scores.iter().zip(topics) {
        let mut seen: Vec<&K> = ts.as_ref().iter().collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            // values were validated by the overall tally above
            per_topic
                .entry(k)
                .or_insert_with(|| Tally::new(Scale::NPS))
                .push(*a)?;
        }
    }
    let mut out = Vec::with_capacity(per_topic.len());
    for (k, t) in per_topic {
        if t.n() == 0 {
            continue;
        }
        let r = topic_impact(&overall, &t, options)?;
        out.push(TopicImpact {
            topic: k.clone(),
            n: r.n,
            share: r.share,
            nps_topic: r.nps_topic,
            nps_without: r.nps_without,
            impact: r.impact,
            z: r.z,
            p_value: r.p_value,
        });
    }
    out.sort_by(|a, b| a.impact.total_cmp(&b.impact));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_impact_matches_both_formulas() {
        assert_eq!(
            topic_impact_from_nps(1000, 25.0, 200, -40.0).unwrap(),
            -16.25
        );
        assert!(topic_impact_from_nps(10, 25.0, 10, -40.0).is_err());
        // the same numbers from answers: the topic has 40 P, 40 passives and 120 D
        // (NPS −40); 430 P, 270 passives and 100 D more make the whole NPS 25.
        let mut overall = Tally::new(Scale::NPS);
        let mut topic = Tally::new(Scale::NPS);
        topic.add_count(10, 40).unwrap();
        topic.add_count(8, 40).unwrap();
        topic.add_count(0, 120).unwrap();
        overall.merge(&topic).unwrap();
        overall.add_count(10, 430).unwrap();
        overall.add_count(8, 270).unwrap();
        overall.add_count(0, 100).unwrap();
        let o = NpsOptions::default();
        assert_eq!(Nps::from_tally(&overall, &o).unwrap().nps, 25.0);
        let r = topic_impact(&overall, &topic, &o).unwrap();
        assert!((r.impact + 16.25).abs() < 1e-9, "{}", r.impact);
        assert!(r.p_value < 1e-6);
        assert_eq!(r.share, 0.2);
    }

    #[test]
    fn topic_on_every_answer() {
        let d = drivers(&[10, 0], &[["x"], ["x"]], &NpsOptions::default()).unwrap();
        assert!(d[0].impact.is_nan());
        assert_eq!(d[0].nps_topic, 0.0);
    }

    #[test]
    fn duplicate_topics_count_once() {
        let d = drivers(
            &[10, 0, 5],
            &[vec!["x", "x"], vec![], vec![]],
            &NpsOptions::default(),
        )
        .unwrap();
        assert_eq!(d[0].n, 1);
    }
}
