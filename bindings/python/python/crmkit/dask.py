"""Dask adapter: the crmkit identity and survey recipes on a Dask
DataFrame, with Dask doing every shuffle and crmkit the work inside each
partition (``map_partitions`` with ``meta``).

Recipe — customer table in, clusters and golden records out::

    import dask.dataframe as dd
    from crmkit import identity
    import crmkit.dask as cd

    customers = dd.read_parquet("customers/")              # id, first_name, last_name, email, phone...
    model = identity.resolve_detailed(customers.sample(frac=0.1).compute()).model   # or a saved model
    clustered = cd.resolve(customers, model=model)         # customers + cluster_id (lazy)
    golden = cd.golden_records(clustered)                  # cluster_id, size, golden (JSON)
    clustered.to_parquet("clusters/"); golden.to_parquet("golden/")

With the same model and settings, ``cd.resolve`` gives the clusters
:func:`crmkit.identity.resolve` gives on one machine (pairs are oriented
by record id, so with ids in input order the two agree exactly). The steps:
blocking keys per partition; a shuffle on ``(rule_id, key)``; pairs per
block; the pairs joined to their two records and scored (name frequencies
from summed per-partition counts); the links (few) collected for
connected components; a shuffle on the component; clusters inside each
component.

Segmented NPS by partial aggregation::

    nps = cd.nps_by(answers, score="score", segment="channel")   # pandas, one row per channel

Every function takes ``settings`` (identity settings as a dict or JSON),
``id_column`` and ``columns`` (more column mappings) like
:func:`crmkit.identity.resolve`. Run with any scheduler: the functions
shipped to workers are module-level and pickle, and so do models.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from . import _recipe, arrow

__all__ = ["blocking_keys", "golden_records", "nps_by", "resolve", "score_pairs"]


def _pandas(batch: Any) -> Any:
    return batch.to_pandas()


def _keys_part(df: Any, settings: dict, columns: dict) -> Any:
    return _pandas(arrow.blocking_keys(_recipe.to_table(df), settings=settings, columns=columns))


def _counts_part(df: Any, settings: dict, columns: dict) -> Any:
    return _pandas(arrow.term_counts(_recipe.to_table(df), settings=settings, columns=columns))


def _pairs_part(df: Any, settings: dict) -> Any:
    import pyarrow as pa

    keys = pa.table(
        {
            "record_id": pa.array(df["record_id"].astype(str).tolist(), pa.string()),
            "rule_id": pa.array(df["rule_id"].tolist(), pa.uint32()),
            "key": pa.array(df["key"].astype(str).tolist(), pa.string()),
            "sort_key": pa.array(df["sort_key"].astype(str).tolist(), pa.string()),
        }
    )
    return _pandas(arrow.block_pairs(keys, settings=settings))


def _score_part(df: Any, model: Any, counts: Any, settings: dict, columns: dict) -> Any:
    out = _recipe.score_joined(_recipe.to_table(df), model, counts, settings, columns)
    return _pandas(out.select(["left_id", "right_id", "probability", "match_weight"]))


def _cluster_part(df: Any, edges: Any, settings: dict, columns: dict, id_column: str) -> Any:
    import pandas as pd

    if len(df) == 0:
        return pd.DataFrame({"record_id": pd.Series([], dtype=object), "cluster_id": pd.Series([], dtype=object)})
    t = _recipe.to_table(df)
    return _recipe.cluster_components(t, "component", edges, settings, columns, id_column).to_pandas()


def _golden_part(df: Any, cluster_id: str, settings: Optional[dict], columns: dict) -> Any:
    return _pandas(arrow.golden_records(_recipe.to_table(df), cluster_id=cluster_id, settings=settings, columns=columns))


def _nps_part(df: Any, score: str, segment: Optional[str], weight: Optional[str]) -> Any:
    import pyarrow as pa

    scores = pa.array(df[score].astype("float64").tolist(), pa.float64())
    seg = None if segment is None else pa.array([None if v is None or v != v else str(v) for v in df[segment].tolist()], pa.string())
    w = None if weight is None else pa.array(df[weight].astype("float64").tolist(), pa.float64())
    return _pandas(arrow.nps_partial(scores, segments=seg, weights=w))


def _meta(**dtypes: str) -> Any:
    import pandas as pd

    return pd.DataFrame({k: pd.Series([], dtype=v) for k, v in dtypes.items()})


def blocking_keys(ddf: Any, *, settings: Union[None, str, dict] = None, id_column: str = "id", columns: Optional[dict] = None) -> Any:
    """Blocking keys of every partition (``record_id``, ``rule_id``,
    ``key``, ``sort_key``), lazily."""
    s, m = _recipe.settings_dict(settings, None), _recipe.column_map(id_column, columns)
    meta = _meta(record_id=object, rule_id="uint32", key=object, sort_key=object)
    return ddf.map_partitions(_keys_part, s, m, meta=meta)


def score_pairs(pairs: Any, ddf: Any, *, model: Any, counts: Any = None, settings: Union[None, str, dict] = None,
                threshold: Optional[float] = None, id_column: str = "id", columns: Optional[dict] = None) -> Any:
    """Joins candidate ``pairs`` (``left_id``, ``right_id``) to their records
    in ``ddf`` and scores them; keeps links at or above the threshold."""
    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    recs = ddf.astype({id_column: str})
    left = recs.rename(columns={c: _recipe.LEFT + c for c in recs.columns})
    right = recs.rename(columns={c: _recipe.RIGHT + c for c in recs.columns})
    pairs = pairs.astype({"left_id": recs.dtypes[id_column], "right_id": recs.dtypes[id_column]})
    joined = pairs.merge(left, left_on="left_id", right_on=_recipe.LEFT + id_column)
    joined = joined.merge(right, left_on="right_id", right_on=_recipe.RIGHT + id_column)
    joined = joined[[c for c in joined.columns if c.startswith((_recipe.LEFT, _recipe.RIGHT))]]
    meta = _meta(left_id=object, right_id=object, probability="float64", match_weight="float64")
    return joined.map_partitions(_score_part, model, counts, s, m, meta=meta)


def resolve(ddf: Any, *, model: Any, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
            id_column: str = "id", columns: Optional[dict] = None, npartitions: Optional[int] = None) -> Any:
    """``ddf`` with a ``cluster_id`` column (the smallest record id of each
    customer's cluster), lazily; only the term counts and the links are
    computed on the way. ``model`` is a :class:`crmkit.identity.Model`
    (train it on one machine, on all or a sample of the records)."""
    import dask.dataframe as dd
    import pyarrow as pa

    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    n = npartitions or ddf.npartitions
    ddf = ddf.astype({id_column: str})
    counts_meta = _meta(field=object, value=object, count="uint64")
    counts = ddf.map_partitions(_counts_part, s, m, meta=counts_meta).compute()
    counts = arrow.merge_counts(pa.table({
        "field": pa.array(counts["field"].astype(str).tolist(), pa.string()),
        "value": pa.array(counts["value"].astype(str).tolist(), pa.string()),
        "count": pa.array(counts["count"].astype("uint64").tolist(), pa.uint64()),
    }))
    keys = blocking_keys(ddf, settings=s, id_column=id_column, columns=columns)
    keys = keys.shuffle(on=["rule_id", "key"], npartitions=n)
    pairs_meta = _meta(left_id=object, right_id=object, rule_id="uint32")
    pairs = keys.map_partitions(_pairs_part, s, meta=pairs_meta)
    pairs = pairs[["left_id", "right_id"]].drop_duplicates(split_out=n)
    edges = score_pairs(pairs, ddf, model=model, counts=counts, settings=s, id_column=id_column, columns=columns).compute()
    edges = pa.table({
        "left_id": pa.array(edges["left_id"].astype(str).tolist(), pa.string()),
        "right_id": pa.array(edges["right_id"].astype(str).tolist(), pa.string()),
        "probability": pa.array(edges["probability"].tolist(), pa.float64()),
        "match_weight": pa.array(edges["match_weight"].tolist(), pa.float64()),
    })
    comp = arrow.connected_components(edges.column("left_id"), edges.column("right_id")).to_pandas()
    comp = comp.rename(columns={"record_id": id_column, "cluster_id": "component"})
    comp = dd.from_pandas(comp, npartitions=1).astype({id_column: ddf.dtypes[id_column], "component": ddf.dtypes[id_column]})
    members = ddf.merge(comp, on=id_column, how="inner").shuffle(on="component", npartitions=n)
    clusters = members.map_partitions(_cluster_part, edges, s, m, id_column, meta=_meta(record_id=object, cluster_id=object))
    clusters = clusters.rename(columns={"record_id": id_column}).astype(
        {id_column: ddf.dtypes[id_column], "cluster_id": ddf.dtypes[id_column]}
    )
    out = ddf.merge(clusters, on=id_column, how="left")
    return out.assign(cluster_id=out["cluster_id"].where(out["cluster_id"].notnull(), out[id_column]))


def golden_records(clustered: Any, *, cluster_id: str = "cluster_id", settings: Optional[dict] = None,
                   id_column: str = "id", columns: Optional[dict] = None, npartitions: Optional[int] = None) -> Any:
    """Golden records (``cluster_id``, ``size``, ``golden`` JSON) of a
    clustered Dask DataFrame (e.g. :func:`resolve` output), lazily: a
    shuffle on the cluster id, then one call per partition."""
    m = _recipe.column_map(id_column, columns)
    n = npartitions or clustered.npartitions
    by = clustered.shuffle(on=cluster_id, npartitions=n)
    meta = _meta(cluster_id=object, size="uint64", golden=object)
    return by.map_partitions(_golden_part, cluster_id, settings, m, meta=meta)


def nps_by(ddf: Any, *, score: str, segment: Optional[str] = None, weight: Optional[str] = None,
           confidence: float = 0.95, method: str = "wald") -> Any:
    """Segmented NPS by partial aggregation: one partial per partition,
    merged exactly on the client. A pandas DataFrame with one row per
    segment (``segment``, ``n``, ``missing``, ``promoters``, ``passives``,
    ``detractors``, ``nps``, ``se``, ``low``, ``high``)."""
    import pyarrow as pa

    meta = _meta(segment=object, tally=object)
    partials = ddf.map_partitions(_nps_part, score, segment, weight, meta=meta).compute()
    table = pa.table({
        "segment": pa.array([None if v is None or v != v else str(v) for v in partials["segment"].tolist()], pa.string()),
        "tally": pa.array(partials["tally"].astype(str).tolist(), pa.string()),
    })
    return arrow.nps_finalize(table, confidence=confidence, method=method).to_pandas()
