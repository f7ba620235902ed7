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
from summed per-partition counts); connected components of the links,
computed by Dask (:func:`components`: minimum-label propagation with
hooking and pointer jumping in merges and ``groupby().min``, persisted each
round, until no label changes); each component's records and its own
links in one frame shuffled on the component; the clusters inside each
component (:func:`cluster_components`). Only the summed term counts, the
sizes of blocks to salt and one number per round reach the client.

Skewed blocks: with ``settings={"max_block_size": 500}`` (all-to-all
pairs in blocks of up to 500 records; the default is 10, larger blocks are
paired by sorted neighbourhood), ``cd.resolve(customers, model=model,
settings=settings, salt_above=200)`` pairs each block of 201 to 500 records
in ``ceil(count / 200)`` salted pieces (:func:`crmkit.arrow.salting_plan`,
:func:`crmkit.arrow.salt_for`) shuffled on ``(rule_id, key, salt)``; the
result is the same as unsalted.

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

__all__ = ["blocking_keys", "cluster_components", "components", "golden_records", "nps_by", "resolve", "score_pairs"]


def _pandas(batch: Any) -> Any:
    return batch.to_pandas()


def _keys_part(df: Any, settings: dict, columns: dict) -> Any:
    return _pandas(arrow.blocking_keys(_recipe.to_table(df), settings=settings, columns=columns))


def _counts_part(df: Any, settings: dict, columns: dict) -> Any:
    return _pandas(arrow.term_counts(_recipe.to_table(df), settings=settings, columns=columns))


def _key_columns(df: Any) -> dict:
    """The key columns of a pandas partition of key rows, as Arrow arrays."""
    import pyarrow as pa

    return {
        "record_id": pa.array(df["record_id"].astype(str).tolist(), pa.string()),
        "rule_id": pa.array(df["rule_id"].astype("int64").tolist(), pa.int64()),
        "key": pa.array(df["key"].astype(str).tolist(), pa.string()),
        "sort_key": pa.array(df["sort_key"].astype(str).tolist(), pa.string()),
    }


def _pairs_part(df: Any, settings: dict) -> Any:
    import pyarrow as pa

    cols = _key_columns(df)
    if "side" in df.columns:
        cols["side"] = pa.array([v if isinstance(v, str) else None for v in df["side"].tolist()], pa.string())
        cols["salt"] = pa.array(df["salt"].astype("int64").tolist(), pa.int64())
    return _pandas(_recipe.block_pairs(pa.table(cols), settings))


def _salt_part(df: Any, salts: dict) -> Any:
    """Salted key rows of a partition; ``salts`` maps ``(rule_id, key)`` of
    the blocks to salt to their number of pieces (the salting plan, small
    enough to ship to every task)."""
    import pyarrow as pa

    t = pa.table({
        **_key_columns(df),
        "salts": pa.array([salts.get((int(r), str(k)), 1) for r, k in zip(df["rule_id"].tolist(), df["key"].tolist())],
                          pa.int64()),
    })
    out = _recipe.salt_rows(t).to_pandas()
    return out.astype({"rule_id": "uint32", "salt": "int32"})


def _score_part(df: Any, model: Any, counts: Any, settings: dict, columns: dict) -> Any:
    out = _recipe.score_joined(_recipe.to_table(df), model, counts, settings, columns)
    return _pandas(out.select(["left_id", "right_id", "probability", "match_weight"]))


KIND = "e:kind"
EDGE_COLUMNS = ("left_id", "right_id", "probability", "match_weight")


def _cluster_part(df: Any, record_columns: list, settings: dict, columns: dict, id_column: str) -> Any:
    """The clusters of the whole components in a partition holding their
    member records (``e:kind`` ``"r"``) and their links (``"e"``, columns
    prefixed ``e:``)."""
    import pandas as pd
    import pyarrow as pa

    recs = df[df[KIND] == "r"]
    if len(recs) == 0:
        return pd.DataFrame({"record_id": pd.Series([], dtype=object), "cluster_id": pd.Series([], dtype=object)})
    links = df[df[KIND] == "e"]
    edges = pa.table({
        "left_id": pa.array(links["e:left_id"].astype(str).tolist(), pa.string()),
        "right_id": pa.array(links["e:right_id"].astype(str).tolist(), pa.string()),
        "probability": pa.array(links["e:probability"].astype("float64").tolist(), pa.float64()),
        "match_weight": pa.array(links["e:match_weight"].astype("float64").tolist(), pa.float64()),
    })
    t = _recipe.to_table(recs[record_columns + ["component"]])
    return _recipe.cluster_components(t, "component", edges, settings, columns, id_column).to_pandas()


def _keys_of_part(df: Any, src: str, dst: str) -> Any:
    import pandas as pd

    a = [_recipe.id_key(str(v)) for v in df[src].tolist()]
    b = [_recipe.id_key(str(v)) for v in df[dst].tolist()]
    out = pd.DataFrame({"a": pd.Series(a, dtype=object), "b": pd.Series(b, dtype=object)})
    return out[out["a"] != out["b"]]


def _least_part(df: Any, col: str, other: str) -> Any:
    """``df[[v, col]]`` with ``col`` the smaller of ``col`` and ``other``
    (a missing ``other`` leaves ``col``)."""
    import pandas as pd

    least = [x if not isinstance(y, str) or x <= y else y for x, y in zip(df[col].tolist(), df[other].tolist())]
    return pd.DataFrame({"v": pd.Series(df["v"].tolist(), dtype=object), col: pd.Series(least, dtype=object)})


def _decode_part(df: Any, id_column: str) -> Any:
    import pandas as pd

    return pd.DataFrame({
        id_column: pd.Series([_recipe.id_of_key(v) for v in df["v"].tolist()], dtype=object),
        "component": pd.Series([_recipe.id_of_key(v) for v in df["label"].tolist()], dtype=object),
    })


def _golden_part(df: Any, cluster_id: str, settings: Optional[dict], columns: dict) -> Any:
    return _pandas(arrow.golden_records(_recipe.to_table(df), cluster_id=cluster_id, settings=settings, columns=columns))


def _nps_part(df: Any, score: str, segment: Optional[str], weight: Optional[str]) -> Any:
    import pyarrow as pa

    scores = pa.array(df[score].astype("float64").tolist(), pa.float64())
    seg = None if segment is None else pa.array([None if v is None or v != v else str(v) for v in df[segment].tolist()], pa.string())
    w = None if weight is None else pa.array(df[weight].astype("float64").tolist(), pa.float64())
    return _pandas(arrow.nps_partial(scores, segments=seg, weights=w))


def _meta(**dtypes: Any) -> Any:
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


def components(edges: Any, *, id_column: str = "id", src: str = "left_id", dst: str = "right_id",
               npartitions: Optional[int] = None, max_rounds: int = 100) -> Any:
    """Connected components of the links in the Dask DataFrame ``edges``,
    computed by Dask: a Dask DataFrame with ``id_column`` and ``component``
    (the smallest id of the component in crmkit's id order, as
    :func:`crmkit.arrow.connected_components` names it), one row per id
    that has a link.

    Iterated minimum-label propagation with hooking and pointer jumping, as
    :func:`crmkit.spark.components` does it: every id starts with the
    smallest of itself and its neighbours; each round, over every link
    ``a — b``, both ``a`` and the id that labels ``a`` may take the label of
    ``b`` (merges and a ``groupby().min``), then every id takes the label of
    its label (a merge), until no label changes. Each round's
    labels are persisted, so task graphs stay short; only the number of
    changed labels reaches the client."""
    import dask.dataframe as dd

    n = npartitions or edges.npartitions
    e = edges.map_partitions(_keys_of_part, src, dst, meta=_meta(a=object, b=object))
    e = dd.concat([e, e.rename(columns={"a": "b", "b": "a"})[["a", "b"]]]).drop_duplicates(split_out=n).persist()
    pair = _meta(v=object, label=object)
    labels = e.groupby("a")["b"].min(split_out=n).reset_index().rename(columns={"a": "v", "b": "m"})
    labels = labels.assign(label=labels["v"]).map_partitions(_least_part, "label", "m", meta=pair).persist()
    for _ in range(max_rounds):
        ab = e.merge(labels.rename(columns={"v": "a", "label": "la"}), on="a", how="inner", npartitions=n)
        ab = ab.merge(labels.rename(columns={"v": "b", "label": "n"}), on="b", how="inner", npartitions=n)
        near = dd.concat([ab[["a", "n"]].rename(columns={"a": "v"}), ab[["la", "n"]].rename(columns={"la": "v"})])
        near = near.groupby("v")["n"].min(split_out=n).reset_index()
        step = labels.merge(near, on="v", how="left", npartitions=n).map_partitions(_least_part, "label", "n", meta=pair)
        jump = step.rename(columns={"v": "label", "label": "j"})
        step = step.merge(jump, on="label", how="left", npartitions=n).map_partitions(_least_part, "label", "j", meta=pair)
        step = step.persist()
        both = step.merge(labels.rename(columns={"label": "old"}), on="v", how="inner", npartitions=n)
        changed = int((both["label"] != both["old"]).sum().compute())
        labels = step
        if changed == 0:
            return labels.map_partitions(_decode_part, id_column, meta=_meta(**{id_column: object, "component": object}))
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds; raise max_rounds")


def cluster_components(ddf: Any, edges: Any, comp: Any, *, settings: Union[None, str, dict] = None,
                       threshold: Optional[float] = None, id_column: str = "id", columns: Optional[dict] = None,
                       npartitions: Optional[int] = None) -> Any:
    """The clusters of every component, in Dask: the member records
    (``ddf`` merged with ``comp`` from :func:`components`) and the links
    (``edges`` merged with the component of their left id, columns prefixed
    ``e:``) in one frame, shuffled on the component, so that each partition
    holds whole components with their own links; then one crmkit call per
    partition. A Dask DataFrame with ``record_id`` and ``cluster_id``, for
    the ids that have a link."""
    import dask.dataframe as dd

    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    n = npartitions or ddf.npartitions
    record_columns = list(ddf.columns)
    members = ddf.merge(comp, on=id_column, how="inner", npartitions=n)
    links = edges[list(EDGE_COLUMNS)].merge(comp.rename(columns={id_column: "left_id"}), on="left_id", how="inner", npartitions=n)
    links = links.rename(columns={c: "e:" + c for c in EDGE_COLUMNS})
    both = dd.concat([members.assign(**{KIND: "r"}), links.assign(**{KIND: "e"})], join="outer")
    both = both.shuffle(on="component", npartitions=n)
    meta = _meta(record_id=object, cluster_id=object)
    return both.map_partitions(_cluster_part, record_columns, s, m, id_column, meta=meta)


def _salted_keys(keys: Any, salt_above: int, settings: dict, n: int) -> Any:
    """Key rows of blocks above ``salt_above`` records (up to
    ``max_block_size``) as salted pieces (:func:`crmkit.arrow.salting_plan`,
    :func:`crmkit.arrow.salt_for`), shuffled on ``(rule_id, key, salt)``;
    only the sizes of those blocks reach the client."""
    import pyarrow as pa

    cap = _recipe.max_block_size_of(settings)
    sizes = keys.groupby(["rule_id", "key"]).size(split_out=n).to_frame("count").reset_index()
    sizes = sizes[(sizes["count"] > salt_above) & (sizes["count"] <= cap)].compute()
    plan = arrow.salting_plan(
        pa.table({
            "rule_id": pa.array(sizes["rule_id"].astype("int64").tolist(), pa.int32()),
            "key": pa.array(sizes["key"].astype(str).tolist(), pa.string()),
            "count": pa.array(sizes["count"].astype("int64").tolist(), pa.int64()),
        }),
        max_block_size=salt_above,
    ).to_pandas()
    salts = {(int(r), str(k)): int(c) for r, k, c in zip(plan["rule_id"], plan["key"], plan["salts"])}
    meta = _meta(record_id=object, rule_id="uint32", key=object, sort_key=object, side=object, salt="int32")
    return keys.map_partitions(_salt_part, salts, meta=meta).shuffle(on=["rule_id", "key", "salt"], npartitions=n)


def resolve(ddf: Any, *, model: Any, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
            id_column: str = "id", columns: Optional[dict] = None, npartitions: Optional[int] = None,
            salt_above: Optional[int] = None, max_rounds: int = 100) -> Any:
    """``ddf`` with a ``cluster_id`` column (the smallest record id of each
    customer's cluster), lazily. ``model`` is a
    :class:`crmkit.identity.Model` (train it on one machine, on all or a
    sample of the records). On the way, the summed term counts (one row per
    distinct name, city, postcode), the links (persisted on the workers)
    and the rounds of :func:`components` are computed; only the counts,
    with ``salt_above`` the sizes of the blocks to salt, and one number per
    round reach the client. With ``salt_above``, blocks of more records (up
    to ``max_block_size``) are paired in salted pieces of about that size,
    spread over partitions."""
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
    if salt_above:
        keys = _salted_keys(keys, salt_above, s, n)
    else:
        keys = keys.shuffle(on=["rule_id", "key"], npartitions=n)
    pairs_meta = _meta(left_id=object, right_id=object, rule_id="uint32")
    pairs = keys.map_partitions(_pairs_part, s, meta=pairs_meta)
    pairs = pairs[["left_id", "right_id"]].drop_duplicates(split_out=n)
    edges = score_pairs(pairs, ddf, model=model, counts=counts, settings=s, id_column=id_column, columns=columns).persist()
    comp = components(edges, id_column=id_column, npartitions=n, max_rounds=max_rounds)
    clusters = cluster_components(ddf, edges, comp, settings=s, id_column=id_column, columns=columns, npartitions=n)
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
