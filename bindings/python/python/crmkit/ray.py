"""Ray Data adapter: callable classes for
``Dataset.map_batches(..., batch_format="pyarrow")`` that run crmkit inside
each Arrow batch, with Ray doing the shuffles (``groupby().map_groups``).
A class is instantiated once per actor, so a model is parsed once.

Recipe — customer table in, clusters and golden records out::

    import ray
    from crmkit import identity, arrow, ray as cr

    customers = ray.data.read_parquet("customers/")
    model = identity.resolve_detailed(customers.limit(100_000).to_pandas()).model

    counts = arrow.merge_counts(customers.map_batches(cr.TermCounts, batch_format="pyarrow").to_arrow())
    keys = customers.map_batches(cr.BlockingKeys, batch_format="pyarrow")
    pairs = keys.groupby(["rule_id", "key"]).map_groups(cr.BlockPairs, batch_format="pyarrow")
    # join each pair to its two records (columns prefixed l: and r:), then
    edges = joined.map_batches(cr.ScorePairs, fn_constructor_args=(model, counts), batch_format="pyarrow")
    # collect the links, components with crmkit.arrow.connected_components,
    # group members by component with cr.ClusterComponent(edges), then
    golden = clustered.groupby("cluster_id").map_groups(cr.GoldenRecords, batch_format="pyarrow")

Segmented NPS by partial aggregation::

    partials = answers.map_batches(cr.NpsPartial, fn_constructor_kwargs={"score": "score", "segment": "channel"},
                                   batch_format="pyarrow")
    nps = arrow.nps_finalize(partials.to_arrow())      # one row per channel

Results are pyarrow tables, which Ray moves between workers as they are.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from . import _recipe, arrow

__all__ = ["BlockPairs", "BlockingKeys", "ClusterComponent", "GoldenRecords", "NpsPartial", "ScorePairs", "TermCounts"]


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
