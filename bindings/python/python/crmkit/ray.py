"""Ray Data adapter: callable classes for
``Dataset.map_batches(..., batch_format="pyarrow")`` that run crmkit inside
each Arrow batch, with Ray doing the shuffles (``groupby().map_groups``).
A class is instantiated once per actor, so a model is parsed once.

Recipe — customer table in, clusters and golden records out::

    import ray
    from crmkit import identity, ray as cr

    customers = ray.data.read_parquet("customers/")
    model = identity.resolve_detailed(customers.limit(100_000).to_pandas()).model

    clustered = cr.resolve(customers, model=model)      # customers + cluster_id
    golden = cr.golden_records(clustered)                    # groupby("cluster_id").map_groups

:func:`resolve` chains the steps: term counts per batch (``TermCounts``,
summed on the driver with :func:`crmkit.arrow.merge_counts`; one row per
distinct name), blocking keys (``BlockingKeys``), pairs per block
(``groupby(["rule_id", "key"]).map_groups(BlockPairs)``), the pairs joined
to their two records (``Dataset.join``, columns prefixed ``l:`` and
``r:``) and scored (``ScorePairs``), connected components computed by Ray
(:func:`components`), then each component's records and its own links
grouped together (``groupby("component").map_groups``). Ray joins need
``polars``. ``ClusterComponent`` clusters components from links collected
to the driver, for small link sets.

Segmented NPS by partial aggregation::

    partials = answers.map_batches(cr.NpsPartial, fn_constructor_kwargs={"score": "score", "segment": "channel"},
                                   batch_format="pyarrow")
    nps = arrow.nps_finalize(pa.concat_tables(ray.get(partials.to_arrow_refs())))   # one row per channel

Results are pyarrow tables, which Ray moves between workers as they are.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from . import _recipe, arrow

__all__ = ["BlockPairs", "BlockingKeys", "ClusterComponent", "GoldenRecords", "NpsPartial", "ScorePairs", "TermCounts",
           "components", "golden_records", "resolve"]


def _table(batch: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else pa.table(batch)


class BlockingKeys:
    """Blocking keys of a batch of customer records."""

    def __init__(self, settings: Union[None, str, dict] = None, id_column: str = "id", columns: Optional[dict] = None) -> None:
        self.settings = _recipe.settings_dict(settings, None)
        self.columns = _recipe.column_map(id_column, columns)

    def __call__(self, batch: Any) -> Any:
        return _table(arrow.blocking_keys(batch, settings=self.settings, columns=self.columns))


class TermCounts(BlockingKeys):
    """Partial name counts of a batch (sum with :func:`crmkit.arrow.merge_counts`)."""

    def __call__(self, batch: Any) -> Any:
        return _table(arrow.term_counts(batch, settings=self.settings, columns=self.columns))


class BlockPairs:
    """Candidate pairs of the whole blocks in a batch of key rows."""

    def __init__(self, settings: Union[None, str, dict] = None) -> None:
        self.settings = _recipe.settings_dict(settings, None)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        t = _table(batch)
        keys = pa.table({
            "record_id": t.column("record_id").cast(pa.string()),
            "rule_id": t.column("rule_id").cast(pa.uint32()),
            "key": t.column("key").cast(pa.string()),
            "sort_key": t.column("sort_key").cast(pa.string()),
        })
        return _table(arrow.block_pairs(keys, settings=self.settings))


class ScorePairs:
    """Links among joined pairs (the two records' columns prefixed ``l:``
    and ``r:``) at or above the threshold."""

    def __init__(self, model: Any, counts: Any = None, settings: Union[None, str, dict] = None,
                 threshold: Optional[float] = None, id_column: str = "id", columns: Optional[dict] = None) -> None:
        self.model = model if isinstance(model, str) else model.to_json()
        self.counts = counts
        self.settings = _recipe.settings_dict(settings, threshold)
        self.columns = _recipe.column_map(id_column, columns)

    def __call__(self, batch: Any) -> Any:
        out = _recipe.score_joined(_table(batch), self.model, self.counts, self.settings, self.columns)
        return _table(out)


class ClusterComponent:
    """Clusters inside the whole components of a batch of member records
    (with a ``component`` column), from the collected links."""

    def __init__(self, edges: Any, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
                 id_column: str = "id", columns: Optional[dict] = None) -> None:
        self.edges = edges
        self.settings = _recipe.settings_dict(settings, threshold)
        self.columns = _recipe.column_map(id_column, columns)
        self.id_column = id_column

    def __call__(self, batch: Any) -> Any:
        return _recipe.cluster_components(_table(batch), "component", self.edges, self.settings, self.columns, self.id_column)


class GoldenRecords:
    """Golden records of the whole clusters in a batch."""

    def __init__(self, cluster_id: str = "cluster_id", settings: Optional[dict] = None, id_column: str = "id",
                 columns: Optional[dict] = None) -> None:
        self.cluster_id = cluster_id
        self.settings = settings
        self.columns = _recipe.column_map(id_column, columns)

    def __call__(self, batch: Any) -> Any:
        return _table(arrow.golden_records(batch, cluster_id=self.cluster_id, settings=self.settings, columns=self.columns))


class NpsPartial:
    """The NPS partial of a batch of answers."""

    def __init__(self, score: str, segment: Optional[str] = None, weight: Optional[str] = None) -> None:
        self.score, self.segment, self.weight = score, segment, weight

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        t = _table(batch)
        seg = None if self.segment is None else t.column(self.segment).cast(pa.string())
        w = None if self.weight is None else t.column(self.weight).cast(pa.float64())
        return _table(arrow.nps_partial(t.column(self.score).cast(pa.float64()), segments=seg, weights=w))


def _arrow_of(ds: Any) -> Any:
    """A (small) dataset collected as one pyarrow table."""
    import pyarrow as pa
    import ray

    tables = [t for t in ray.get(ds.to_arrow_refs()) if t.num_rows]
    return pa.concat_tables(tables) if tables else None


def _prefixed(batch: Any, prefix: str, id_column: str) -> Any:
    t = _table(batch)
    t = t.set_column(t.column_names.index(id_column), id_column, t.column(id_column).cast("string"))
    return t.rename_columns([prefix + n for n in t.column_names])


def _sides(batch: Any, names: list, id_column: str) -> Any:
    """The ``l:`` and ``r:`` columns of joined pairs; a join on a key keeps
    one key column, so the two ids may be there as ``left_id`` and
    ``right_id`` only."""
    import pyarrow as pa

    t = _table(batch)
    ids = {_recipe.LEFT + id_column: "left_id", _recipe.RIGHT + id_column: "right_id"}
    cols = [t.column(n if n in t.column_names else ids[n]) for n in names]
    return pa.table(cols, names=names)


def _pair_ids(batch: Any) -> Any:
    import pyarrow as pa

    t = _table(batch)
    return pa.table({"left_id": t.column("left_id").cast(pa.string()), "right_id": t.column("right_id").cast(pa.string())})


def _edge_keys(batch: Any) -> Any:
    import pyarrow as pa

    t = _table(batch)
    a = [_recipe.id_key(v) for v in t.column("left_id").cast(pa.string()).to_pylist()]
    b = [_recipe.id_key(v) for v in t.column("right_id").cast(pa.string()).to_pylist()]
    keep = [x != y for x, y in zip(a, b)]
    both = pa.table({"a": pa.array(a + b, pa.string()), "b": pa.array(b + a, pa.string())})
    return both.filter(pa.array(keep + keep))


def _least(batch: Any, col: str, other: str) -> Any:
    """``v`` and ``col``, the smaller of ``col`` and ``other`` (a null
    ``other`` leaves ``col``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = _table(batch)
    x, y = t.column(col).cast(pa.string()), t.column(other).cast(pa.string())
    keep = pc.or_kleene(pc.is_null(y), pc.less_equal(x, y))
    return pa.table({"v": t.column("v").cast(pa.string()), col: pc.if_else(keep, x, y)})


def _renamed(batch: Any, names: dict) -> Any:
    t = _table(batch)
    return t.rename_columns([names.get(n, n) for n in t.column_names])


def _changed(batch: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    t = _table(batch)
    return pa.table({"changed": pc.cast(pc.not_equal(t.column("label"), t.column("old")), pa.int64())})


def _decoded(batch: Any, id_column: str) -> Any:
    import pyarrow as pa

    t = _table(batch)
    return pa.table({
        id_column: pa.array([_recipe.id_of_key(v) for v in t.column("v").to_pylist()], pa.string()),
        "component": pa.array([_recipe.id_of_key(v) for v in t.column("label").to_pylist()], pa.string()),
    })


def components(edges: Any, *, id_column: str = "id", num_partitions: int = 4, max_rounds: int = 100) -> Any:
    """Connected components of the links in the Ray Dataset ``edges``
    (``left_id``, ``right_id``), computed by Ray Data: a materialized
    dataset with ``id_column`` and ``component`` (the smallest id of the
    component in crmkit's id order, as
    :func:`crmkit.arrow.connected_components` names it), one row per id
    that has a link. The algorithm of :func:`crmkit.spark.components`
    (minimum labels with hooking and pointer jumping) with Ray joins and
    ``groupby().min``; each round is materialized and only the number of
    changed labels reaches the driver. Ray joins need ``polars``."""
    p = num_partitions
    e = edges.map_batches(_edge_keys, batch_format="pyarrow")
    e = e.groupby(["a", "b"]).count().select_columns(["a", "b"]).materialize()
    labels = e.groupby("a").min("b").map_batches(_renamed, fn_args=({"a": "v", "min(b)": "m"},), batch_format="pyarrow")
    labels = labels.map_batches(lambda t: t.append_column("label", t.column("v")), batch_format="pyarrow")
    labels = labels.map_batches(_least, fn_args=("label", "m"), batch_format="pyarrow").materialize()

    def lab(a: str, b: str) -> Any:
        return labels.map_batches(_renamed, fn_args=({"v": a, "label": b},), batch_format="pyarrow")

    for _ in range(max_rounds):
        ab = e.join(lab("a", "la"), join_type="inner", num_partitions=p, on=("a",))
        ab = ab.join(lab("b", "n"), join_type="inner", num_partitions=p, on=("b",))
        near = ab.select_columns(["a", "n"]).map_batches(_renamed, fn_args=({"a": "v"},), batch_format="pyarrow").union(
            ab.select_columns(["la", "n"]).map_batches(_renamed, fn_args=({"la": "v"},), batch_format="pyarrow"))
        near = near.groupby("v").min("n").map_batches(_renamed, fn_args=({"min(n)": "n"},), batch_format="pyarrow")
        step = labels.join(near, join_type="left_outer", num_partitions=p, on=("v",))
        step = step.map_batches(_least, fn_args=("label", "n"), batch_format="pyarrow").materialize()
        jump = step.map_batches(_renamed, fn_args=({"v": "label", "label": "j"},), batch_format="pyarrow")
        step = step.join(jump, join_type="left_outer", num_partitions=p, on=("label",))
        step = step.map_batches(_least, fn_args=("label", "j"), batch_format="pyarrow").materialize()
        both = step.join(lab("v", "old"), join_type="inner", num_partitions=p, on=("v",))
        changed = both.map_batches(_changed, batch_format="pyarrow").sum("changed") or 0
        labels = step
        if changed == 0:
            return labels.map_batches(_decoded, fn_args=(id_column,), batch_format="pyarrow").materialize()
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds; raise max_rounds")


def _padded(batch: Any, fields: list, kind: str) -> Any:
    """``batch`` with every column of ``fields`` (name, type), nulls where
    it has none, and a ``e:kind`` column."""
    import pyarrow as pa

    t = _table(batch)
    cols = [t.column(n).cast(ty) if n in t.column_names else pa.nulls(t.num_rows, ty) for n, ty in fields]
    return pa.table(cols + [pa.array([kind] * t.num_rows, pa.string())], names=[n for n, _ in fields] + ["e:kind"])


class _ClusterGroup:
    """The clusters of one component from a group holding its member
    records (``e:kind`` ``"r"``) and its links (``"e"``, columns prefixed
    ``e:``)."""

    def __init__(self, record_columns: list, settings: dict, columns: dict, id_column: str) -> None:
        self.record_columns, self.settings, self.columns, self.id_column = record_columns, settings, columns, id_column

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        t = _table(batch)
        kind = t.column("e:kind")
        recs = t.filter(pc.equal(kind, "r")).select(self.record_columns + ["component"])
        links = t.filter(pc.equal(kind, "e"))
        edges = pa.table({n: links.column("e:" + n) for n in ("left_id", "right_id", "probability", "match_weight")})
        out = _recipe.cluster_components(recs, "component", edges, self.settings, self.columns, self.id_column)
        return out.rename_columns([self.id_column, "cluster_id"])


def _call(batch: Any, fn: Any) -> Any:
    """``fn(batch)``: ``map_groups`` wants a named function, not a callable
    object."""
    return fn(batch)


def _with_cluster(batch: Any, id_column: str) -> Any:
    import pyarrow.compute as pc

    t = _table(batch)
    i = t.column_names.index("cluster_id")
    return t.set_column(i, "cluster_id", pc.coalesce(t.column("cluster_id"), t.column(id_column)))


def resolve(ds: Any, *, model: Any, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
            id_column: str = "id", columns: Optional[dict] = None, num_partitions: int = 4, max_rounds: int = 100) -> Any:
    """The whole identity recipe on a Ray Dataset: ``ds`` with a
    ``cluster_id`` column, equal to :func:`crmkit.identity.resolve` with the
    same model and settings. Ray does every shuffle (``groupby`` for blocks
    and components, ``join`` for pairs, labels and links); only the summed
    term counts and one number per round of :func:`components` reach the
    driver. Ray joins need ``polars``."""
    import pyarrow as pa

    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    p = num_partitions
    ds = ds.map_batches(lambda t: t.set_column(t.column_names.index(id_column), id_column, t.column(id_column).cast(pa.string())),
                        batch_format="pyarrow").materialize()
    fields = [(f.name, f.type) for f in ds.schema().base_schema]
    counts = _arrow_of(ds.map_batches(TermCounts(s, id_column, columns), batch_format="pyarrow"))
    counts = None if counts is None else arrow.merge_counts(counts)
    keys = ds.map_batches(BlockingKeys(s, id_column, columns), batch_format="pyarrow")
    pairs = keys.groupby(["rule_id", "key"]).map_groups(_call, fn_args=(BlockPairs(s),), batch_format="pyarrow")
    pairs = pairs.map_batches(_pair_ids, batch_format="pyarrow").groupby(["left_id", "right_id"]).count()
    left = ds.map_batches(_prefixed, fn_args=(_recipe.LEFT, id_column), batch_format="pyarrow")
    right = ds.map_batches(_prefixed, fn_args=(_recipe.RIGHT, id_column), batch_format="pyarrow")
    joined = pairs.join(left, join_type="inner", num_partitions=p, on=("left_id",), right_on=(_recipe.LEFT + id_column,))
    joined = joined.join(right, join_type="inner", num_partitions=p, on=("right_id",), right_on=(_recipe.RIGHT + id_column,))
    names = [_recipe.LEFT + n for n, _ in fields] + [_recipe.RIGHT + n for n, _ in fields]
    joined = joined.map_batches(_sides, fn_args=(names, id_column), batch_format="pyarrow")
    edges = joined.map_batches(ScorePairs(model, counts, s, None, id_column, columns), batch_format="pyarrow").materialize()
    if edges.count() == 0:
        return ds.map_batches(lambda t: t.append_column("cluster_id", t.column(id_column)), batch_format="pyarrow")
    comp = components(edges, id_column=id_column, num_partitions=p, max_rounds=max_rounds)
    link_fields = [("e:left_id", pa.string()), ("e:right_id", pa.string()), ("e:probability", pa.float64()),
                   ("e:match_weight", pa.float64())]
    all_fields = fields + [("component", pa.string())] + link_fields
    members = ds.join(comp, join_type="inner", num_partitions=p, on=(id_column,))
    links = edges.select_columns(["left_id", "right_id", "probability", "match_weight"])
    links = links.join(comp.map_batches(_renamed, fn_args=({id_column: "left_id"},), batch_format="pyarrow"),
                       join_type="inner", num_partitions=p, on=("left_id",))
    links = links.map_batches(_renamed, fn_args=({c: "e:" + c for c in ("left_id", "right_id", "probability", "match_weight")},),
                              batch_format="pyarrow")
    both = members.map_batches(_padded, fn_args=(all_fields, "r"), batch_format="pyarrow").union(
        links.map_batches(_padded, fn_args=(all_fields, "e"), batch_format="pyarrow"))
    clusters = both.groupby("component").map_groups(_call, fn_args=(_ClusterGroup([n for n, _ in fields], s, m, id_column),),
                                                    batch_format="pyarrow")
    out = ds.join(clusters, join_type="left_outer", num_partitions=p, on=(id_column,))
    return out.map_batches(_with_cluster, fn_args=(id_column,), batch_format="pyarrow")


def golden_records(clustered: Any, *, cluster_id: str = "cluster_id", settings: Optional[dict] = None,
                   id_column: str = "id", columns: Optional[dict] = None) -> Any:
    """Golden records (``cluster_id``, ``size``, ``golden`` JSON) of a
    clustered Ray Dataset (e.g. :func:`resolve` output): Ray groups by the
    cluster id, then one :class:`GoldenRecords` call per cluster."""
    fn = GoldenRecords(cluster_id, settings, id_column, columns)
    return clustered.groupby(cluster_id).map_groups(_call, fn_args=(fn,), batch_format="pyarrow")
