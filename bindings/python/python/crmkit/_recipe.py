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


# crmkit::identity::blocking::BlockingOptions::default().max_block_size
DEFAULT_MAX_BLOCK_SIZE = 10


def max_block_size_of(settings: dict) -> int:
    """Blocks of more records are paired by sorted neighbourhood (and so are
    never salted: that needs the whole block in one place)."""
    return int(settings.get("max_block_size", DEFAULT_MAX_BLOCK_SIZE))


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


def id_key(id: str) -> str:
    """A text whose plain (code point) order is crmkit's id order: ids of
    digits only compare as numbers (``"9"`` before ``"10"``), other ids as
    text. For digit ids the key is the length of the number without leading
    zeros (five digits), that number, then the id itself; other ids are
    their own key. Engines take minimums of these keys, so the smallest key
    of a component is the id :func:`crmkit.arrow.connected_components`
    names it by (when the ids are all numbers or all text)."""
    if id and id.isascii() and id.isdigit():
        n = id.lstrip("0")
        return f"{len(n):05d}{n}{id}"
    return id


def id_of_key(key: str) -> str:
    """The id of an :func:`id_key`."""
    if key and key.isascii() and key.isdigit():
        return key[5 + int(key[:5]):]
    return key


def salt_rows(table: Any) -> Any:
    """Key rows with a ``salts`` column (null or 1: not salted) as rows of
    salted pieces: a salted record once on the ``left`` side under
    ``salt_for(record_id, salts)`` and on the ``right`` side under every
    salt ``0..salts``; an unsalted record once, with a null ``side`` and
    salt 0. Columns ``record_id``, ``rule_id``, ``key``, ``sort_key``,
    ``side``, ``salt``."""
    import pyarrow as pa

    t = table.to_pydict()
    names = ("record_id", "rule_id", "key", "sort_key")
    out: dict = {k: [] for k in (*names, "side", "salt")}

    def emit(i: int, side: Optional[str], salt: int) -> None:
        for k in names:
            out[k].append(t[k][i])
        out["side"].append(side)
        out["salt"].append(salt)

    for i, rid in enumerate(t["record_id"]):
        v = t["salts"][i]
        n = 1 if v is None or v != v else int(v)
        if n <= 1:
            emit(i, None, 0)
            continue
        emit(i, "left", arrow.salt_for(rid, n))
        for s in range(n):
            emit(i, "right", s)
    return pa.table({
        "record_id": pa.array(out["record_id"], pa.string()),
        "rule_id": pa.array(out["rule_id"], pa.int64()),
        "key": pa.array(out["key"], pa.string()),
        "sort_key": pa.array(out["sort_key"], pa.string()),
        "side": pa.array(out["side"], pa.string()),
        "salt": pa.array(out["salt"], pa.int32()),
    })


def block_pairs(table: Any, settings: dict) -> Any:
    """Candidate pairs of the whole blocks in ``table`` (key rows). With a
    ``side`` column (from :func:`salt_rows`), rows with a null side are
    whole unsalted blocks and the others salted pieces, told apart by a
    ``salt`` column; each piece is paired on its own."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def keys(t: Any, side: bool) -> Any:
        cols = {
            "record_id": t.column("record_id").cast(pa.string()),
            "rule_id": t.column("rule_id").cast(pa.uint32()),
            "key": t.column("key").cast(pa.string()),
            "sort_key": t.column("sort_key").cast(pa.string()),
        }
        if side:
            cols["side"] = t.column("side").cast(pa.string())
        return pa.table(cols)

    if "side" not in table.column_names:
        return pa.Table.from_batches([arrow.block_pairs(keys(table, False), settings=settings)])
    salted = pc.is_valid(table.column("side"))
    parts = [arrow.block_pairs(keys(table.filter(pc.invert(salted)), False), settings=settings)]
    pieces = table.filter(salted)
    if pieces.num_rows:
        salt = pieces.column("salt").cast(pa.int64())
        for s in pc.unique(salt).to_pylist():
            parts.append(arrow.block_pairs(keys(pieces.filter(pc.equal(salt, s)), True), settings=settings))
    return pa.Table.from_batches(parts)
