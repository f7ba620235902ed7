//! Components of the link graph, and the clusters inside one component.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use crmkit::identity::cluster::{Clusters, id_order};
use crmkit::identity::compare::cannot_merge;
use crmkit::identity::record::ColumnMap;
use crmkit::identity::{Settings, prepare};
use crmkit::{Error, Result};

use crate::column::{Strings, arrow_error, column, records, utf8};

/// The schema of cluster assignments: `record_id`, `cluster_id`.
pub fn clusters_schema() -> Schema {
    Schema::new(vec![
        Field::new("record_id", DataType::Utf8, false),
        Field::new("cluster_id", DataType::Utf8, false),
    ])
}

fn assignments(ids: &[&str], cluster: &[usize]) -> Result<RecordBatch> {
    RecordBatch::try_new(
        Arc::new(clusters_schema()),
        vec![
            utf8(ids.iter().map(|s| Some(*s))),
            utf8(cluster.iter().map(|&c| Some(ids[c]))),
        ],
    )
    .map_err(|e| arrow_error("clusters", e))
}

/// Connected components of the graph with edges `src[i] — dst[i]`
/// (string ids; a row with a null end is an error): one row per distinct
/// id, sorted by id order, with `cluster_id` = the component's smallest id
/// in id order (numbers numerically, text otherwise).
///
/// ```
/// use crmkit_arrow::arrow_array::StringArray;
/// let src = StringArray::from(vec!["3", "10", "7"]);
/// let dst = StringArray::from(vec!["10", "9", "8"]);
/// let c = crmkit_arrow::cluster::connected_components(&src, &dst).unwrap();
/// let cid: Vec<_> = c.column(1).as_any().downcast_ref::<StringArray>().unwrap().iter().flatten().collect();
/// assert_eq!(cid, ["3", "7", "7", "3", "3"]); // ids 3, 7, 8, 9, 10
/// ```
pub fn connected_components(src: &dyn Array, dst: &dyn Array) -> Result<RecordBatch> {
    let (s, d) = (Strings::new(src, "src")?, Strings::new(dst, "dst")?);
    if s.len() != d.len() {
        return Err(crmkit::error::InputError::LengthMismatch {
            left: "src",
            left_len: s.len(),
            right: "dst",
            right_len: d.len(),
        }
        .into());
    }
    let mut ids: Vec<&str> = Vec::with_capacity(s.len() * 2);
    for i in 0..s.len() {
        match (s.get(i), d.get(i)) {
            (Some(a), Some(b)) => ids.extend([a, b]),
            _ => {
                return Err(Error::invalid_argument(
                    "edges",
                    format!("edge {i} has a null end; every edge needs two ids"),
                ));
            }
        }
    }
    crate::column::sort_ids(&mut ids);
    ids.dedup();
    let pos: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, &x)| (x, i)).collect();
    let edges: Vec<(usize, usize)> = (0..s.len())
        .filter_map(|i| Some((pos[s.get(i)?], pos[d.get(i)?])))
        .collect();
    let comp = crmkit::identity::cluster::connected_components(ids.len(), &edges);
    assignments(&ids, &comp)
}

/// The clusters inside one component, exactly as
/// `crmkit::identity::resolve` forms them: `records` are the component's
/// members (columns as in `crmkit::identity`), `edges` its scored pairs
/// (`left_id`, `right_id`, `probability`, `match_weight`, as
/// [`crate::pairs::score_pairs`] writes them). Links at or above
/// `settings.threshold` are taken strongest first; two clusters merge only
/// within `settings.max_cluster_size` and when no pair across them may not
/// be linked. This is also the refinement of an oversized component: the
/// component is only an upper bound of the clusters.
///
/// Every record gets one row (`record_id`, `cluster_id` = smallest member
/// id), in input order. An edge naming an id that is not among the records
/// is an error.
pub fn cluster_component(
    records_batch: &RecordBatch,
    edges: &RecordBatch,
    settings: &Settings,
    map: &ColumnMap,
) -> Result<RecordBatch> {
    if !(settings.threshold > 0.0 && settings.threshold <= 1.0) {
        return Err(Error::invalid_argument(
            "threshold",
            format!("a probability in (0, 1], got {}", settings.threshold),
        ));
    }
    let recs = records(records_batch, map)?;
    let (prepared, vocab) = prepare(&recs, settings.default_country.as_deref());
    let ids: Vec<&str> = recs.iter().map(|r| r.id.as_str()).collect();
    let pos: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, &x)| (x, i)).collect();
    let l = Strings::new(column(edges, "left_id")?.as_ref(), "left_id")?;
    let r = Strings::new(column(edges, "right_id")?.as_ref(), "right_id")?;
    let float = |name: &str| -> Result<_> {
        let c = column(edges, name)?;
        c.as_primitive_opt::<Float64Type>().cloned().ok_or_else(|| {
            Error::invalid_argument(
                "column",
                format!("`{name}` as Float64, got {}", c.data_type()),
            )
        })
    };
    let (prob, weight) = (float("probability")?, float("match_weight")?);
    let mut links: Vec<(usize, usize, f64, f64)> = Vec::new();
    for i in 0..edges.num_rows() {
        let find = |side: Option<&str>, name: &str| {
            side.and_then(|id| pos.get(id).copied()).ok_or_else(|| {
                Error::invalid_argument(
                    "edges",
                    format!(
                        "edge {i}: {name} {:?} is not among the component's records",
                        side.unwrap_or("null")
                    ),
                )
            })
        };
        let (a, b) = (find(l.get(i), "left_id")?, find(r.get(i), "right_id")?);
        let (p, w) = (prob.value(i), weight.value(i));
        if a != b && p >= settings.threshold {
            let (a, b) = if id_order(ids[a], ids[b]) == Ordering::Greater {
                (b, a)
            } else {
                (a, b)
            };
            links.push((a, b, p, w));
        }
    }
    links.sort_by(|x, y| {
        y.2.total_cmp(&x.2)
            .then(y.3.total_cmp(&x.3))
            .then_with(|| id_order(ids[x.0], ids[y.0]))
            .then_with(|| id_order(ids[x.1], ids[y.1]))
    });
    links.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
    let mut clusters = Clusters::new(recs.len());
    for (a, b, _, _) in links {
        let (ra, rb) = (clusters.find(a), clusters.find(b));
        if ra == rb {
            continue;
        }
        let (ma, mb) = (clusters.members(ra), clusters.members(rb));
        if ma.len() + mb.len() > settings.max_cluster_size {
            continue;
        }
        if ma.len() > 1 || mb.len() > 1 {
            let conflict = ma.iter().take(16).any(|&x| {
                mb.iter()
                    .take(16)
                    .any(|&y| cannot_merge(&prepared[x as usize], &prepared[y as usize], &vocab))
            });
            if conflict {
                continue;
            }
        }
        clusters.union(ra, rb);
    }
    let rep = clusters.representatives(|x, y| id_order(ids[x], ids[y]));
    assignments(&ids, &rep)
}
