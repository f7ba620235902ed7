"""PySpark adapter: functions for ``DataFrame.mapInArrow`` and
``groupBy(...).applyInArrow`` that run crmkit inside each Arrow batch,
with Spark doing every shuffle. Each function returns the callable Spark
wants plus the output schema as a DDL string; callables are module-level
closures that pickle with their model and settings.

Recipe — customer table in, clusters and golden records out::

    from crmkit import identity, spark as cs

    customers = spark.read.parquet("customers/")        # id, first_name, last_name, email, phone...
    model = identity.resolve_detailed(customers.sample(0.1).toPandas()).model   # or a saved model

    clustered = cs.resolve(customers, model=model)      # customers + cluster_id
    golden = clustered.groupBy("cluster_id").applyInArrow(*cs.golden_records())

:func:`resolve` runs the same steps, fused where that saves a shuffle: the
blocking key rows carry their records, so each block partition makes and
scores its pairs in one native call without joining pairs to records, and
small link sets get their components on the driver. The steps are also
here on their own::

    from pyspark.sql import functions as F

    # name frequencies: partial counts per batch, summed by Spark
    counts = customers.mapInArrow(*cs.term_counts()).groupBy("field", "value").agg(F.sum("count").alias("count"))
    counts = counts.toPandas()                            # small: one row per distinct name, city, postcode

    # blocking keys, then pairs per block (a shuffle on rule_id + key)
    keys = customers.mapInArrow(*cs.blocking_keys())
    pairs = keys.groupBy("rule_id", "key").applyInArrow(*cs.block_pairs()).dropDuplicates(["left_id", "right_id"])

    # score: both records of every pair side by side, prefixed l: and r:
    l = customers.select([F.col(c).alias("l:" + c) for c in customers.columns])
    r = customers.select([F.col(c).alias("r:" + c) for c in customers.columns])
    joined = pairs.join(l, pairs.left_id == l["`l:id`"]).join(r, pairs.right_id == r["`r:id`"])
    joined = joined.select([f"`{c}`" for c in joined.columns if c[:2] in ("l:", "r:")])
    edges = joined.mapInArrow(*cs.score_pairs(model, counts)).localCheckpoint()   # the links, kept in Spark

    # components computed by Spark, then each component's records cogrouped with its own links
    comp = cs.components(edges)                                          # id, component
    members = customers.join(comp, "id")
    links = edges.join(comp.select(F.col("id").alias("left_id"), F.col("component").alias("link_component")), "left_id")
    clusters = members.groupBy("component").cogroup(links.groupBy("link_component")).applyInArrow(*cs.cluster_group())
    # (cs.cluster_components(customers, edges, comp) does these three lines)

:func:`components` is minimum-label propagation with hooking and pointer
jumping, in joins and ``groupBy().min``, one checkpoint per round, until
no label changes; a component gets its smallest id (digit ids compared as
numbers), as :func:`crmkit.arrow.connected_components` names it. For
small link sets, :func:`connected_components` and :func:`cluster_component`
still work on links collected to the driver.

Blocks above ``max_block_size`` records (default 10) are paired by
sorted neighbourhood inside :func:`block_pairs`. To spread a big block over
several tasks, ``resolve(..., salt_above=n)`` salts the keys with more than
``n`` records (:func:`crmkit.arrow.salting_plan`, :func:`salt_keys`) and
pairs each salted piece on its own.

Segmented NPS by partial aggregation::

    partials = answers.mapInArrow(*cs.nps_partial(score="score", segment="channel"))
    nps = cs.nps_finalize(partials.toPandas())           # one row per channel

Ship the native wheel to the cluster (``spark.archives`` with a packed
virtual environment, or a cluster library); ``--py-files`` cannot carry
native code. See the README.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional, Union

from . import _recipe, arrow

__all__ = [
    "block_pairs",
    "cluster_components",
    "cluster_group",
    "components",
    "resolve",
    "salt_keys",
    "blocking_keys",
    "cluster_component",
    "connected_components",
    "golden_records",
    "nps_finalize",
    "nps_partial",
    "score_pairs",
    "term_counts",
]

KEYS_SCHEMA = "record_id string, rule_id int, key string, sort_key string"
PAIRS_SCHEMA = "left_id string, right_id string, rule_id int"
COUNTS_SCHEMA = "field string, value string, count long"
EDGES_SCHEMA = "left_id string, right_id string, probability double, match_weight double"
GOLDEN_SCHEMA = "cluster_id string, size long, golden string"
PARTIAL_SCHEMA = "segment string, tally string"


def _cast(batch: Any, schema: str) -> Any:
    """``batch`` with the column types of a Spark DDL schema (Spark has no
    unsigned integers)."""
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int32(), "long": pa.int64(), "double": pa.float64()}
    fields = [f.strip().split(" ") for f in schema.split(",")]
    return pa.record_batch([batch.column(n).cast(kinds[t]) for n, t in fields], names=[n for n, _ in fields])


def _ids_as_text(table: Any, id_column: str) -> Any:
    import pyarrow as pa

    if id_column in table.column_names and table.schema.field(id_column).type != pa.string():
        i = table.column_names.index(id_column)
        table = table.set_column(i, id_column, table.column(id_column).cast(pa.string()))
    return table


class _PerBatch:
    """A mapInArrow function: ``fn(batch, *args)`` on every batch, cast
    to ``schema``. A module-level class, so it pickles with its arguments."""

    def __init__(self, fn: Any, schema: str, *args: Any) -> None:
        self.fn, self.schema, self.args = fn, schema, args

    def __call__(self, batches: Iterator[Any]) -> Iterator[Any]:
        for b in batches:
            yield _cast(self.fn(b, *self.args), self.schema)


class _PerGroup:
    """An applyInArrow function: ``fn(table, *args)`` on every group."""

    def __init__(self, fn: Any, schema: str, *args: Any) -> None:
        self.fn, self.schema, self.args = fn, schema, args

    def __call__(self, table: Any) -> Any:
        import pyarrow as pa

        out = self.fn(table, *self.args)
        if isinstance(out, pa.Table):
            out = out.combine_chunks().to_batches()[0] if out.num_rows else _empty(self.schema)
        return pa.Table.from_batches([_cast(out, self.schema)])


class _PerPartition:
    """A mapInArrow function: ``fn(table, *args)`` once on all the batches
    of a partition (one Python call for every block the partition holds),
    cast to ``schema`` when it is a DDL string (a ``StructType``'s columns
    are passed through as they come)."""

    def __init__(self, fn: Any, schema: Any, *args: Any) -> None:
        self.fn, self.schema, self.args = fn, schema, args

    def __call__(self, batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        kept = [b for b in batches if b.num_rows]
        if not kept:
            return
        out = self.fn(pa.Table.from_batches(kept), *self.args)
        for b in out.combine_chunks().to_batches() if isinstance(out, pa.Table) else [out]:
            if b.num_rows:
                # a DDL schema is cast to; a StructType's columns already have their types
                yield _cast(b, self.schema) if isinstance(self.schema, str) else b


def _group_fn(per_group: _PerGroup) -> Any:
    """A plain function around ``per_group``, with the pyarrow type hints
    from which ``applyInArrow`` tells a table function from a batch one."""
    import pyarrow as pa

    def fn(table: Any) -> Any:
        return per_group(table)

    fn.__annotations__ = {"table": pa.Table, "return": pa.Table}
    return fn


def _empty(schema: str) -> Any:
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int32(), "long": pa.int64(), "double": pa.float64()}
    fields = [f.strip().split(" ") for f in schema.split(",")]
    return pa.record_batch([pa.array([], kinds[t]) for _, t in fields], names=[n for n, _ in fields])


def _keys_fn(b: Any, s: dict, m: dict) -> Any:
    return arrow.blocking_keys(b, settings=s, columns=m)


def _counts_fn(b: Any, s: dict, m: dict) -> Any:
    return arrow.term_counts(b, settings=s, columns=m)


def _pairs_fn(t: Any, s: dict) -> Any:
    return _recipe.block_pairs(t, s)


def _score_fn(b: Any, model_json: str, c: Any, s: dict, m: dict, id_column: str) -> Any:
    import pyarrow as pa

    t = _ids_as_text(_ids_as_text(pa.Table.from_batches([b]), "l:" + id_column), "r:" + id_column)
    return _recipe.score_joined(t, model_json, c, s, m)


def _clusters_fn(t: Any, component: str, e: Any, s: dict, m: dict, id_column: str) -> Any:
    out = _recipe.cluster_components(_ids_as_text(t, id_column), component, e, s, m, id_column)
    return out.rename_columns([id_column, "cluster_id"])


def _golden_fn(t: Any, cluster_id: str, settings: Optional[dict], m: dict, id_column: str) -> Any:
    return arrow.golden_records(_ids_as_text(t, id_column), cluster_id=cluster_id, settings=settings, columns=m)


def _partial_fn(b: Any, score: str, segment: Optional[str], weight: Optional[str]) -> Any:
    import pyarrow as pa

    seg = None if segment is None else b.column(segment).cast(pa.string())
    w = None if weight is None else b.column(weight).cast(pa.float64())
    return arrow.nps_partial(b.column(score).cast(pa.float64()), segments=seg, weights=w)


def blocking_keys(*, settings: Union[None, str, dict] = None, id_column: str = "id", columns: Optional[dict] = None) -> tuple:
    """For ``customers.mapInArrow``: the blocking keys of each batch."""
    s, m = _recipe.settings_dict(settings, None), _recipe.column_map(id_column, columns)
    return _PerBatch(_keys_fn, KEYS_SCHEMA, s, m), KEYS_SCHEMA


def term_counts(*, settings: Union[None, str, dict] = None, id_column: str = "id", columns: Optional[dict] = None) -> tuple:
    """For ``customers.mapInArrow``: partial name counts of each batch (sum
    them with ``groupBy("field", "value")``)."""
    s, m = _recipe.settings_dict(settings, None), _recipe.column_map(id_column, columns)
    return _PerBatch(_counts_fn, COUNTS_SCHEMA, s, m), COUNTS_SCHEMA


SALTED_SCHEMA = KEYS_SCHEMA + ", side string, salt int"


def _salt_fn(b: Any) -> Any:
    import pyarrow as pa

    t = _recipe.salt_rows(pa.Table.from_batches([b])).combine_chunks()
    return t.to_batches()[0] if t.num_rows else _empty(SALTED_SCHEMA)


def salt_keys() -> tuple:
    """For ``keys_with_salts.mapInArrow``: key rows with a ``salts`` column
    become salted rows: each record of a salted block once on the ``left``
    side under ``salt_for(record_id, salts)`` and on the ``right`` side
    under every salt; a record of an unsalted block (``salts`` null) once,
    with a null side and salt 0. Group them by ``(rule_id, key, salt)``
    for :func:`block_pairs`."""
    return _PerBatch(_salt_fn, SALTED_SCHEMA), SALTED_SCHEMA


def block_pairs(*, settings: Union[None, str, dict] = None) -> tuple:
    """For ``keys.groupBy("rule_id", "key").applyInArrow``: the candidate
    pairs of one block."""
    return _group_fn(_PerGroup(_pairs_fn, PAIRS_SCHEMA, _recipe.settings_dict(settings, None))), PAIRS_SCHEMA


def partition_pairs(*, settings: Union[None, str, dict] = None) -> tuple:
    """For ``keys.repartition("rule_id", "key").mapInArrow`` (salted keys:
    also on ``"salt"``): the candidate pairs of every block in a partition,
    made in one native call per partition rather than one Python call per
    block; the same pairs as :func:`block_pairs`."""
    return _PerPartition(_pairs_fn, PAIRS_SCHEMA, _recipe.settings_dict(settings, None)), PAIRS_SCHEMA


def _counts_arrow(counts: Any) -> Any:
    import pyarrow as pa

    if counts is None:
        return None
    if not hasattr(counts, "column_names"):
        counts = pa.Table.from_pandas(counts, preserve_index=False)
    return pa.table({
        "field": counts.column("field").cast(pa.string()),
        "value": counts.column("value").cast(pa.string()),
        "count": counts.column("count").cast(pa.uint64()),
    })


def score_pairs(model: Any, counts: Any = None, *, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
                id_column: str = "id", columns: Optional[dict] = None) -> tuple:
    """For ``joined.mapInArrow`` over the two records of each pair (columns
    prefixed ``l:`` and ``r:``): the links at or above the threshold.
    ``counts`` are the summed term counts (pandas or pyarrow)."""
    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    model_json = model if isinstance(model, str) else model.to_json()
    return _PerBatch(_score_fn, EDGES_SCHEMA, model_json, _counts_arrow(counts), s, m, id_column), EDGES_SCHEMA


def resolve(customers: Any, *, model: Any, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
            id_column: str = "id", columns: Optional[dict] = None, salt_above: Optional[int] = None,
            max_rounds: int = 100, progress: Optional[Callable[[str], Any]] = None,
            driver_links: int = 2_000_000) -> Any:
    """The whole identity recipe on a Spark DataFrame: ``customers`` with a
    ``cluster_id`` column, equal to :func:`crmkit.identity.resolve` with the
    same model and settings. Only the summed term counts (one row per
    distinct name, city, postcode), the number of records and, with
    ``salt_above``, the sizes of the blocks to salt reach the driver, plus
    the two id columns of the links when there are at most
    ``driver_links`` of them; clusters stay in Spark.

    Three stages after the counts: (1) one
    ``mapInArrow`` gives every record's blocking keys with the record
    itself, repartitioned on ``(rule_id, key, salt)``, and each partition
    makes the pairs of its blocks and scores them in one native call (no
    join of pairs to records); the links, deduplicated, are checkpointed;
    (2) :func:`components` of the links; (3) every record with its
    component (its own id when it has no link) and every link with the
    component of its left id, repartitioned on the component, each
    partition clustered in one native call. With ``salt_above``, blocks of
    more records (up to ``max_block_size``) are paired in salted pieces of
    about that size. ``max_rounds`` bounds the rounds of
    :func:`components` (run when there are more than ``driver_links``
    links; up to that many, the two id columns of the links are collected
    and their components computed on the driver by
    :func:`crmkit.arrow.connected_components` in one native call, then
    handed back to Spark: 2,000,000 links are about 60 MB of ids, and the
    same components come out either way; ``driver_links=0`` always uses
    Spark); ``progress`` is called with the name of each stage
    as it starts (``counts``, ``pairs``, ``components``, ``clusters``).

    Shuffles of the records use ``max(2 * defaultParallelism, records /
    100,000)`` partitions (fewer, bigger partitions standardize a record in
    fewer of them); the joins of :func:`components` use
    ``spark.sql.shuffle.partitions``."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    say = progress or (lambda stage: None)
    say("counts")
    customers = customers.withColumn(id_column, F.col(id_column).cast("string"))
    cap = _recipe.max_block_size_of(s)
    summary = customers.mapInArrow(_PerBatch(_summary_fn, SUMMARY_SCHEMA, s, m, salt_above or 0), SUMMARY_SCHEMA)
    summary = summary.groupBy("kind", "rule_id", "field", "value").agg(F.sum("count").alias("count"))
    if salt_above:
        big = (F.col("count") > salt_above) & (F.col("count") <= cap)
        summary = summary.filter((F.col("kind") != "k") | big)
    summary = summary.toPandas()
    counts = summary[summary["kind"] == "t"][["field", "value", "count"]]
    n_records = int(summary[summary["kind"] == "n"]["count"].sum())
    plan = None
    if salt_above:
        import pyarrow as pa

        sizes = summary[summary["kind"] == "k"]
        plan = arrow.salting_plan(
            pa.table({"rule_id": pa.array(sizes["rule_id"].astype("int64"), pa.int32()),
                      "key": pa.array(sizes["value"], pa.string()), "count": pa.array(sizes["count"].astype("int64"), pa.int64())}),
            max_block_size=salt_above,
        )
        plan = None if not plan.num_rows else pa.table({
            "rule_id": plan.column("rule_id").cast(pa.int32()), "key": plan.column("key").cast(pa.string()),
            "salts": plan.column("salts").cast(pa.int32())})
    sc = customers.sparkSession.sparkContext
    parts = max(2 * sc.defaultParallelism, -(-n_records // 100_000), 1)

    say("pairs")
    record_fields = [StructField("c:" + f.name, f.dataType, True) for f in customers.schema.fields]
    keyed_schema = StructType([
        StructField("record_id", StringType()), StructField("rule_id", IntegerType()), StructField("key", StringType()),
        StructField("sort_key", StringType()), StructField("side", StringType()), StructField("salt", IntegerType()),
        *record_fields,
    ])
    keyed = customers.mapInArrow(_KeyedRecords(s, m, id_column, plan), keyed_schema)
    model_json = model if isinstance(model, str) else model.to_json()
    scorer = _PerPartition(_pairs_score_fn, EDGES_SCHEMA, model_json, _counts_arrow(counts), s, m)
    edges = keyed.repartition(parts, "rule_id", "key", "salt").mapInArrow(scorer, EDGES_SCHEMA)
    edges = _keep(edges.dropDuplicates(["left_id", "right_id"]))

    say("components")
    n_links = edges.count() if driver_links > 0 else driver_links + 1
    if n_links <= driver_links:
        comp = _driver_components(edges, id_column)
    else:
        comp = components(edges, id_column=id_column, max_rounds=max_rounds)

    say("clusters")
    records = customers.select([F.col(f"`{c}`").alias("c:" + c) for c in customers.columns])
    records = records.join(comp.select(F.col(id_column).alias(f"c:{id_column}"), F.col("component").alias("_component")),
                           f"c:{id_column}", "left")
    records = records.select(*[F.col(f"`c:{c}`") for c in customers.columns],
                             F.col("_component").isNotNull().alias("_linked"),
                             F.coalesce(F.col("_component"), F.col(f"`c:{id_column}`")).alias("_component"))
    links = edges.join(comp.select(F.col(id_column).alias("left_id"), F.col("component").alias("_component")), "left_id")
    both = records.unionByName(links, allowMissingColumns=True)
    out_schema = StructType([*customers.schema.fields, StructField("cluster_id", StringType())])
    fn = _PerPartition(_clusters_part_fn, out_schema, customers.columns, s, m, id_column)
    return both.repartition(parts, "_component").mapInArrow(fn, out_schema)


def _driver_components(edges: Any, id_column: str) -> Any:
    """:func:`components` of a small link set, computed on the driver."""
    import pyarrow as pa

    spark = edges.sparkSession
    pairs = edges.select("left_id", "right_id").toArrow()
    comp = arrow.connected_components(pairs.column("left_id").cast(pa.string()), pairs.column("right_id").cast(pa.string()))
    comp = pa.table({id_column: comp.column("record_id").cast(pa.string()), "component": comp.column("cluster_id").cast(pa.string())})
    return spark.createDataFrame(comp, f"{id_column} string, component string")


SUMMARY_SCHEMA = "kind string, rule_id int, field string, value string, count long"


def _summary_fn(b: Any, s: dict, m: dict, salt_above: int) -> Any:
    """One batch's partial term counts (kind ``t``), its number of records
    (kind ``n``) and, when salting, its partial block sizes (kind ``k``)."""
    import pyarrow as pa

    t = arrow.term_counts(b, settings=s, columns=m)
    parts = [pa.table({
        "kind": pa.array(["t"] * t.num_rows, pa.string()), "rule_id": pa.nulls(t.num_rows, pa.int32()),
        "field": t.column("field").cast(pa.string()), "value": t.column("value").cast(pa.string()),
        "count": t.column("count").cast(pa.int64()),
    }), pa.table({"kind": ["n"], "rule_id": pa.nulls(1, pa.int32()), "field": pa.nulls(1, pa.string()),
                  "value": pa.nulls(1, pa.string()), "count": pa.array([b.num_rows], pa.int64())})]
    if salt_above:
        k = pa.Table.from_batches([arrow.blocking_keys(b, settings=s, columns=m)])
        k = k.group_by(["rule_id", "key"]).aggregate([([], "count_all")])
        parts.append(pa.table({
            "kind": pa.array(["k"] * k.num_rows, pa.string()), "rule_id": k.column("rule_id").cast(pa.int32()),
            "field": pa.nulls(k.num_rows, pa.string()), "value": k.column("key").cast(pa.string()),
            "count": k.column("count_all").cast(pa.int64()),
        }))
    return pa.concat_tables(parts).combine_chunks().to_batches()[0]


class _KeyedRecords:
    """A mapInArrow function: every blocking key row of a batch with its
    record (columns prefixed ``c:``); with a salting plan, the rows of
    salted blocks as their salted pieces (:func:`_recipe.salt_rows`)."""

    def __init__(self, s: dict, m: dict, id_column: str, plan: Any) -> None:
        self.s, self.m, self.id_column, self.plan = s, m, id_column, plan

    def __call__(self, batches: Iterator[Any]) -> Iterator[Any]:
        for b in batches:
            out = _keyed_batch(b, self.s, self.m, self.id_column, self.plan) if b.num_rows else None
            if out is not None:
                yield out


def _keyed_batch(b: Any, s: dict, m: dict, id_column: str, plan: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pa.Table.from_batches([arrow.blocking_keys(b, settings=s, columns=m)])
    keys = pa.table({
        "record_id": keys.column("record_id").cast(pa.string()), "rule_id": keys.column("rule_id").cast(pa.int32()),
        "key": keys.column("key").cast(pa.string()), "sort_key": keys.column("sort_key").cast(pa.string()),
    })
    n = keys.num_rows
    keys = keys.append_column("_row", pa.array(range(n), pa.int64()))
    if plan is not None:
        keys = keys.join(plan, ["rule_id", "key"], join_type="left outer")
        salted = pc.fill_null(pc.greater(keys.column("salts"), 1), False)
        plain = keys.filter(pc.invert(salted)).drop_columns(["salts"])
        plain = plain.append_column("side", pa.nulls(plain.num_rows, pa.string()))
        plain = plain.append_column("salt", pa.array([0] * plain.num_rows, pa.int32()))
        pieces = _recipe.salt_rows(keys.filter(salted).drop_columns(["_row"]))
        if pieces.num_rows:
            # salt_rows keeps the key rows' order; find each piece row's key row again
            sk = keys.filter(salted)
            at = {(r, k, i): j for j, (r, k, i) in enumerate(zip(sk.column("rule_id").to_pylist(), sk.column("key").to_pylist(),
                                                               sk.column("record_id").to_pylist()))}
            rows = sk.column("_row").to_pylist()
            piece_rows = [rows[at[(r, k, i)]] for r, k, i in zip(pieces.column("rule_id").to_pylist(),
                                                                 pieces.column("key").to_pylist(),
                                                                 pieces.column("record_id").to_pylist())]
            pieces = pa.table({
                "record_id": pieces.column("record_id"), "rule_id": pieces.column("rule_id").cast(pa.int32()),
                "key": pieces.column("key"), "sort_key": pieces.column("sort_key"),
                "_row": pa.array(piece_rows, pa.int64()), "side": pieces.column("side"), "salt": pieces.column("salt"),
            })
            keys = pa.concat_tables([plain.select(pieces.column_names), pieces])
        else:
            keys = plain
    else:
        keys = keys.append_column("side", pa.nulls(n, pa.string()))
        keys = keys.append_column("salt", pa.array([0] * n, pa.int32()))
    ids = b.column(id_column).cast(pa.string())
    at = pc.index_in(keys.column("record_id"), value_set=ids)
    records = pa.Table.from_batches([b]).take(at)
    cols = {c: keys.column(c) for c in ("record_id", "rule_id", "key", "sort_key", "side", "salt")}
    cols.update({"c:" + name: records.column(name) for name in b.schema.names})
    return pa.table(cols).combine_chunks().to_batches()[0] if keys.num_rows else None


def _pairs_score_fn(t: Any, model_json: str, counts: Any, s: dict, m: dict) -> Any:
    """The links of every block in a partition of keyed records: pairs made
    and scored in one native call each, each pair once per partition."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = t.select(["record_id", "rule_id", "key", "sort_key", "side", "salt"])
    if pc.all(pc.is_null(keys.column("side"))).as_py():
        keys = keys.drop_columns(["side", "salt"])
    pairs = _recipe.block_pairs(keys, s)
    if not pairs.num_rows:
        return _empty(EDGES_SCHEMA)
    pairs = pairs.group_by(["left_id", "right_id"]).aggregate([])
    ids = t.column("record_id")
    records = t.select([n for n in t.column_names if n.startswith("c:")])
    records = records.rename_columns([n[2:] for n in records.column_names])
    left = records.take(pc.index_in(pairs.column("left_id"), value_set=ids))
    right = records.take(pc.index_in(pairs.column("right_id"), value_set=ids))
    out = arrow.score_pairs(model_json, left, right, min_score=_recipe.threshold_of(s), counts=counts, settings=s, columns=m)
    return out.select(["left_id", "right_id", "probability", "match_weight"]) if out.num_rows else _empty(EDGES_SCHEMA)


def _clusters_part_fn(t: Any, names: list, s: dict, m: dict, id_column: str) -> Any:
    """The clusters of every component in a partition of records (column
    ``c:<id_column>`` set) and links (``left_id`` set): a linked record gets
    its cluster from :func:`crmkit.arrow.cluster_component`, any other
    its own id. The records' columns and ``cluster_id``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    is_record = pc.is_valid(t.column(f"c:{id_column}"))
    recs = t.filter(is_record)
    ids = recs.column(f"c:{id_column}").cast(pa.string())
    cluster = ids
    linked = pc.fill_null(recs.column("_linked"), False)
    if pc.any(linked).as_py():
        e = t.filter(pc.invert(is_record))
        e = pa.table({
            "left_id": e.column("left_id").cast(pa.string()), "right_id": e.column("right_id").cast(pa.string()),
            "probability": e.column("probability").cast(pa.float64()),
            "match_weight": e.column("match_weight").cast(pa.float64()),
        })
        members = recs.filter(linked).select([f"c:{n}" for n in names]).rename_columns(names)
        members = _ids_as_text(members, id_column)
        got = pa.Table.from_batches([arrow.cluster_component(members, e, settings=s, columns=m)])
        found = pc.index_in(ids, value_set=got.column("record_id").cast(pa.string()))
        cluster = pc.coalesce(got.column("cluster_id").cast(pa.string()).take(found), ids)
    out = recs.select([f"c:{n}" for n in names]).rename_columns(names)
    return out.append_column("cluster_id", cluster)


def _keep(df: Any) -> Any:
    """``df`` computed once and its plan cut: a reliable checkpoint when
    the session has a checkpoint directory, a local one otherwise (kept by
    the executors; enough for local mode and short jobs)."""
    try:
        reliable = df.sparkSession.sparkContext.getCheckpointDir() is not None
    except Exception:  # Spark Connect has no SparkContext
        reliable = False
    return df.checkpoint() if reliable else df.localCheckpoint()


def _id_key(c: Any) -> Any:
    """:func:`crmkit._recipe.id_key` as a Spark expression."""
    from pyspark.sql import functions as F

    n = F.regexp_replace(c, "^0+", "")
    return F.when(c.rlike("^[0-9]+$"), F.concat(F.lpad(F.length(n).cast("string"), 5, "0"), n, c)).otherwise(c)


def _id_of_key(c: Any) -> Any:
    """:func:`crmkit._recipe.id_of_key` as a Spark expression."""
    from pyspark.sql import functions as F

    start = F.substring(c, 1, 5).cast("int") + F.lit(6)
    return F.when(c.rlike("^[0-9]+$"), c.substr(start, F.length(c))).otherwise(c)


def components(edges: Any, *, id_column: str = "id", src: str = "left_id", dst: str = "right_id",
               max_rounds: int = 100) -> Any:
    """Connected components of the links in the Spark DataFrame ``edges``,
    computed by Spark: a DataFrame with ``id_column`` and ``component`` (the
    smallest id of the component in crmkit's id order, as
    :func:`crmkit.arrow.connected_components` names it), one row per id
    that has a link.

    Iterated minimum-label propagation with hooking and pointer jumping:
    every id starts with the smallest of itself and its neighbours; each
    round, over every link ``a — b``, both ``a`` and the id that labels
    ``a`` may take the label of ``b`` (joins and ``groupBy().min``), then
    every id takes the label of its label, until no label changes. Labels
    only decrease and always name an id of the same component, so at the
    end each component carries its smallest id; a component of diameter
    ``d`` settles in at most ``d`` rounds, usually far fewer. Ids are
    compared through an order key (digit ids as numbers). Each round's
    labels are checkpointed (:func:`_keep`) so plans stay short; only the
    number of changed labels reaches the driver."""
    from pyspark.sql import functions as F

    e = edges.select(_id_key(F.col(src)).alias("a"), _id_key(F.col(dst)).alias("b")).filter(F.col("a") != F.col("b"))
    e = _keep(e.union(e.select(F.col("b").alias("a"), F.col("a").alias("b"))).distinct())
    labels = _keep(e.groupBy("a").agg(F.min("b").alias("m")).select(F.col("a").alias("v"), F.least("a", "m").alias("label")))
    for _ in range(max_rounds):
        ab = e.join(labels.select(F.col("v").alias("a"), F.col("label").alias("la")), "a")
        ab = ab.join(labels.select(F.col("v").alias("b"), F.col("label").alias("n")), "b")
        near = ab.select(F.col("a").alias("v"), "n").union(ab.select(F.col("la").alias("v"), "n"))
        near = near.groupBy("v").agg(F.min("n").alias("n"))
        step = labels.join(near, "v", "left").select("v", F.col("label").alias("old"),
                                                      F.least("label", F.coalesce("n", "label")).alias("label"))
        jump = step.select(F.col("v").alias("label"), F.col("label").alias("j"))
        step = _keep(step.join(jump, "label", "left").select(
            "v", "old", F.least("label", F.coalesce("j", "label")).alias("label")))
        changed = step.filter(F.col("label") != F.col("old")).count()
        labels = step.select("v", "label")
        if changed == 0:
            return labels.select(_id_of_key(F.col("v")).alias(id_column), _id_of_key(F.col("label")).alias("component"))
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds; raise max_rounds")


def _cogroup_fn(records: Any, edges: Any, component: str, s: dict, m: dict, id_column: str) -> Any:
    import pyarrow as pa

    e = pa.table({
        "left_id": edges.column("left_id").cast(pa.string()),
        "right_id": edges.column("right_id").cast(pa.string()),
        "probability": edges.column("probability").cast(pa.float64()),
        "match_weight": edges.column("match_weight").cast(pa.float64()),
    })
    out = _recipe.cluster_components(_ids_as_text(records, id_column), component, e, s, m, id_column)
    return pa.Table.from_batches([_cast(out.rename_columns([id_column, "cluster_id"]).combine_chunks().to_batches()[0],
                                        f"{id_column} string, cluster_id string")])


class _PerCogroup:
    """A cogrouped applyInArrow function: the clusters of one component
    from its records and its links."""

    def __init__(self, component: str, s: dict, m: dict, id_column: str) -> None:
        self.component, self.s, self.m, self.id_column = component, s, m, id_column

    def __call__(self, records: Any, edges: Any) -> Any:
        return _cogroup_fn(records, edges, self.component, self.s, self.m, self.id_column)


def cluster_group(*, settings: Union[None, str, dict] = None, threshold: Optional[float] = None, id_column: str = "id",
                  columns: Optional[dict] = None, component: str = "component") -> tuple:
    """For ``members.groupBy("component").cogroup(links.groupBy("component")).applyInArrow``:
    the clusters inside one component, from its member records and its
    links (both with a ``component`` column). ``(function, schema)``."""
    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    per = _PerCogroup(component, s, m, id_column)

    def fn(records: Any, edges: Any) -> Any:
        return per(records, edges)

    return fn, f"{id_column} string, cluster_id string"


def cluster_components(customers: Any, edges: Any, comp: Any, *, settings: Union[None, str, dict] = None,
                       threshold: Optional[float] = None, id_column: str = "id", columns: Optional[dict] = None) -> Any:
    """The clusters of every component, in Spark: members (``customers``
    joined to ``comp`` from :func:`components`) and links (``edges``
    joined to the component of their left id) cogrouped on the component,
    one :func:`cluster_group` call per component. A DataFrame with
    ``id_column`` and ``cluster_id``, for the ids that have a link."""
    from pyspark.sql import functions as F

    members = customers.join(comp, id_column)
    # the links' component under its own name: both sides come from ``comp``
    links = edges.join(comp.select(F.col(id_column).alias("left_id"), F.col("component").alias("link_component")), "left_id")
    fn, schema = cluster_group(settings=settings, threshold=threshold, id_column=id_column, columns=columns)
    return members.groupBy("component").cogroup(links.groupBy("link_component")).applyInArrow(fn, schema)


def connected_components(edges: Any, *, id_column: str = "id") -> Any:
    """Components of collected links (pandas or pyarrow with ``left_id``,
    ``right_id``), on the driver: a pandas frame with ``id_column`` and
    ``component``. For small link sets only; :func:`components` computes
    them in Spark."""
    import pyarrow as pa

    t = edges if hasattr(edges, "column_names") else pa.Table.from_pandas(edges, preserve_index=False)
    c = arrow.connected_components(t.column("left_id").cast(pa.string()), t.column("right_id").cast(pa.string()))
    return c.to_pandas().rename(columns={"record_id": id_column, "cluster_id": "component"})


def cluster_component(edges: Any, *, settings: Union[None, str, dict] = None, threshold: Optional[float] = None,
                      id_column: str = "id", columns: Optional[dict] = None, component: str = "component") -> tuple:
    """For ``members.groupBy("component").applyInArrow``: the clusters
    inside one component, from the collected links ``edges`` (shipped to
    every task). For small link sets only; :func:`cluster_group` takes each
    component's links from a cogroup instead."""
    import pyarrow as pa

    s, m = _recipe.settings_dict(settings, threshold), _recipe.column_map(id_column, columns)
    e = edges if hasattr(edges, "column_names") else pa.Table.from_pandas(edges, preserve_index=False)
    e = pa.table({
        "left_id": e.column("left_id").cast(pa.string()),
        "right_id": e.column("right_id").cast(pa.string()),
        "probability": e.column("probability").cast(pa.float64()),
        "match_weight": e.column("match_weight").cast(pa.float64()),
    })
    schema = f"{id_column} string, cluster_id string"
    return _group_fn(_PerGroup(_clusters_fn, schema, component, e, s, m, id_column)), schema


def golden_records(*, cluster_id: str = "cluster_id", settings: Optional[dict] = None, id_column: str = "id",
                   columns: Optional[dict] = None) -> tuple:
    """For ``clustered.groupBy("cluster_id").applyInArrow``: the golden
    record of one cluster."""
    m = _recipe.column_map(id_column, columns)
    return _group_fn(_PerGroup(_golden_fn, GOLDEN_SCHEMA, cluster_id, settings, m, id_column)), GOLDEN_SCHEMA


def nps_partial(*, score: str, segment: Optional[str] = None, weight: Optional[str] = None) -> tuple:
    """For ``answers.mapInArrow``: the NPS partial of each batch."""
    return _PerBatch(_partial_fn, PARTIAL_SCHEMA, score, segment, weight), PARTIAL_SCHEMA


def nps_finalize(partials: Any, *, confidence: float = 0.95, method: str = "wald") -> Any:
    """The NPS per segment of collected partials (pandas or pyarrow): a
    pandas frame, one row per segment."""
    import pyarrow as pa

    t = partials if hasattr(partials, "column_names") else pa.Table.from_pandas(partials, preserve_index=False)
    t = pa.table({"segment": t.column("segment").cast(pa.string()), "tally": t.column("tally").cast(pa.string())})
    return arrow.nps_finalize(t, confidence=confidence, method=method).to_pandas()

