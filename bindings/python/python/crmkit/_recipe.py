"""Engine-neutral steps of the identity and survey recipes, on pyarrow and
pandas objects; the Dask, Spark and Ray adapters call these inside their
tasks."""

from __future__ import annotations

import json
from typing import Any, Optional, Union

from . import arrow

LEFT = "l:"
RIGHT = "r:"


def settings_dict(settings: Union[None, str, dict], threshold: Optional[float]) -> dict:
    s = json.loads(settings) if isinstance(settings, str) else dict(settings or {})
    if threshold is not None:
        s["threshold"] = threshold
    return s


def column_map(id_column: str, columns: Optional[dict]) -> dict:
    return {"id_column": id_column, "columns": dict(columns or {})}


def threshold_of(settings: dict) -> float:
    return float(settings.get("threshold", 0.5))


def to_table(df: Any) -> Any:
    """A pandas frame as a pyarrow table with text columns kept as text."""
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False)


def split_sides(table: Any) -> tuple:
    """The left and right records of joined pairs (columns prefixed with
    ``l:`` and ``r:``)."""
    import pyarrow as pa

    def side(prefix: str) -> Any:
        names = [n for n in table.column_names if n.startswith(prefix)]
        return pa.table({n[len(prefix):]: table.column(n) for n in names})

    return side(LEFT), side(RIGHT)


def score_joined(table: Any, model: Any, counts: Any, settings: dict, columns: dict) -> Any:
    """Scores joined pairs, keeping links at or above the threshold."""
    left, right = split_sides(table)
    return arrow.score_pairs(
        model,
        left,
        right,
        min_score=threshold_of(settings),
        counts=counts,
        settings=settings,
        columns=columns,
    )


def cluster_components(records: Any, component: str, edges: Any, settings: dict, columns: dict, id_column: str) -> Any:
    """Clusters of every whole component in ``records`` (a pyarrow table
    with a ``component`` column); ``edges`` hold at least the edges of
    these components."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = records.column(id_column).cast(pa.string())
    edges = edges.filter(pc.is_in(edges.column("left_id"), value_set=pa.array(ids.to_pylist(), pa.string())))
    members = records.drop_columns([component])
    out = arrow.cluster_component(members, edges, settings=settings, columns=columns)
    return pa.Table.from_batches([out])
