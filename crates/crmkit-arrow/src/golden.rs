//! Golden records for the members of clusters.

use std::sync::Arc;

use arrow_array::{RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use crmkit::identity::golden::{GoldenSettings, golden_records as core_golden};
use crmkit::identity::record::ColumnMap;
use crmkit::{Error, Result};

use crate::column::{arrow_error, column, records, text_values, utf8};

/// The schema of [`golden_records`]: `cluster_id`, `size` and `golden`
/// (the golden record as JSON: surviving value per field with the record
/// and source it came from, every email and phone).
pub fn golden_schema() -> Schema {
    Schema::new(vec![
        Field::new("cluster_id", DataType::Utf8, false),
        Field::new("size", DataType::UInt64, false),
        Field::new("golden", DataType::Utf8, false),
    ])
}

/// The golden records of the clusters in `batch`: member records (columns
/// as in `crmkit::identity`) plus a `cluster_id_column` naming each
/// record's cluster. A batch may hold one cluster (what
/// `groupBy("cluster_id").applyInArrow` passes) or several; every record
/// of a cluster must be in the batch. One row per cluster, in id order.
pub fn golden_records(
    batch: &RecordBatch,
    cluster_id_column: &str,
    settings: &GoldenSettings,
    map: &ColumnMap,
) -> Result<RecordBatch> {
    let cid = column(batch, cluster_id_column)?;
    let cluster_ids = text_values(cid.as_ref(), cluster_id_column)?;
    if let Some(row) = cluster_ids.iter().position(Option::is_none) {
        return Err(Error::invalid_argument(
            "cluster_id",
            format!("a cluster id on every row; row {row} has none"),
        ));
    }
    let cluster_ids: Vec<String> = cluster_ids.into_iter().flatten().collect();
    let idx = batch
        .schema_ref()
        .index_of(cluster_id_column)
        .map_err(|e| arrow_error("golden records", e))?;
    let mut members = batch.clone();
    members.remove_column(idx);
    let recs = records(&members, map)?;
    let golden = core_golden(&recs, &cluster_ids, settings)?;
    let json = golden
        .iter()
        .map(|g| {
            serde_json::to_string(g).map_err(|e| Error::invalid_argument("golden", e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    RecordBatch::try_new(
        Arc::new(golden_schema()),
        vec![
            utf8(golden.iter().map(|g| Some(g.cluster_id.as_str()))),
            Arc::new(UInt64Array::from_iter_values(
                golden.iter().map(|g| g.record_ids.len() as u64),
            )),
            utf8(json.iter().map(Some)),
        ],
    )
    .map_err(|e| arrow_error("golden records", e))
}
