"""Which frame library a table comes from, rows of any table, and tables of
rows in the caller's library: the one place the modules recognise pandas,
polars (eager and lazy) and pyarrow tables.

>>> import pyarrow as pa
>>> t = pa.table({"id": ["a", "b"], "n": [1, None]})
>>> kind(t), records(t, "data")
('pyarrow', [{'id': 'a', 'n': 1}, {'id': 'b', 'n': None}])
>>> frame("pandas", [{"id": "a", "note": None}, {"id": "b", "note": "x"}, {"id": "c"}])["note"].tolist()
[None, 'x', None]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ._errors import wrong_type


def kind(data: Any) -> Optional[str]:
    """``"pandas"``, ``"polars"`` or ``"pyarrow"`` for a pandas or polars
    DataFrame or a pyarrow Table; None for anything else (a Series or
    array is not a table; a polars LazyFrame is one once
    :func:`collected`)."""
    module = type(data).__module__.split(".")[0]
    if module == "pyarrow":
        return module if hasattr(data, "column_names") else None
    if module in ("pandas", "polars") and hasattr(data, "columns") and not _lazy(data):
        return module
    return None


def collected(data: Any) -> Any:
    """A polars LazyFrame collected into a DataFrame; anything else as it is."""
    return data.collect() if _lazy(data) else data


def _lazy(data: Any) -> bool:
    return type(data).__module__.split(".")[0] == "polars" and type(data).__name__ == "LazyFrame"


def records(data: Any, name: str) -> list:
    """One dict per row of a table (a LazyFrame is collected), or the dicts
    of a list; anything else raises :class:`crmkit.InvalidTypeError` naming
    ``name``, or ``name[i]`` for an item that is not a dict. Values are as
    the library gives them (pandas: NaN/NaT for missing)."""
    data = collected(data)
    k = kind(data)
    if k == "pandas":
        return data.to_dict("records")
    if k == "polars":
        return data.to_dicts()
    if k == "pyarrow":
        return data.to_pylist()
    expected = "a list of dicts, a pandas/polars DataFrame or a pyarrow Table"
    if isinstance(data, (str, bytes, Mapping)) or not hasattr(data, "__iter__"):
        raise wrong_type(name, expected, data)
    rows = list(data)
    for i, r in enumerate(rows):
        if not isinstance(r, Mapping):
            raise wrong_type(f"{name}[{i}]", "a dict", r)
    return [dict(r) for r in rows]


def frame(library: str, rows: list) -> Any:
    """``rows`` (a list of dicts) as a table of ``library`` (a :func:`kind`;
    columns in the order keys first appear). In pandas a
    missing value in a text (object) column is None, never NaN, whether
    the row had the key or not."""
    if library == "pandas":
        import pandas as pd

        out = pd.DataFrame(rows)
        for name in out.columns:
            column = out[name]
            if column.dtype == object:
                out[name] = column.where(column.notna(), None)
        return out
    if library == "polars":
        import polars as pl

        return pl.DataFrame(rows, infer_schema_length=None)
    import pyarrow as pa

    names = list(dict.fromkeys(k for r in rows for k in r))
    return pa.table({n: [r.get(n) for r in rows] for n in names})
