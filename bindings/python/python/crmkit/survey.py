"""Survey metrics: NPS, CSAT and CES with confidence intervals, significance
tests, weights, segments and driver analysis.

Scores may be lists or tuples (``None`` is a missing answer), numpy arrays of
any numeric dtype (``NaN`` is missing), pandas Series (including nullable
``Int64`` with ``pd.NA``), polars Series, or pyarrow arrays (nulls are
missing). Missing answers are counted in ``missing``, never dropped. An
answer outside the scale raises :class:`crmkit.SurveyError` naming its
position. Computation runs in Rust with the GIL released.

A bad argument raises a :class:`crmkit.CrmkitError` naming it: a mapping,
set or string where answers are expected, a confidence outside (0, 1), a
non-positive half life... A wrong type is also a ``TypeError`` and a
missing frame column also a ``KeyError``.

>>> from crmkit import survey
>>> r = survey.nps([10, 9, None, 6, 8])
>>> r.nps, r.n, r.missing
(25.0, 4, 1)
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import json
import numbers

import numpy as np

from collections.abc import Mapping

from . import _crmkit
from . import _frames
from ._errors import ArgumentOverflowError, MissingKeyError, api, error, wrong_type
from ._crmkit import (
    CesResult,
    CsatResult,
    NpsAccumulator,
    NpsDiffResult,
    NpsResult,
    TopicImpact,
)

__all__ = [
    "nps",
    "nps_diff",
    "csat",
    "ces",
    "nps_by",
    "csat_by",
    "ces_by",
    "nps_sample_size",
    "recency_weights",
    "drivers",
    "happiness",
    "NpsAccumulator",
    "NpsResult",
    "NpsDiffResult",
    "CsatResult",
    "CesResult",
    "TopicImpact",
]

Scores = Any
"""Anything :func:`_scores` accepts: a sequence, numpy array, pandas/polars Series or pyarrow array."""

_ARROW_NUMBERS = {
    "Int8": "int8",
    "Int16": "int16",
    "Int32": "int32",
    "Int64": "int64",
    "UInt8": "uint8",
    "UInt16": "uint16",
    "UInt32": "uint32",
    "UInt64": "uint64",
    "Float32": "float",
    "Float64": "double",
}
"""Numeric column types the Rust side reads through Arrow: polars names to pyarrow names."""


def _scores(values: Scores, name: str = "scores") -> Any:
    """Converts a column to something the Rust side reads without surprises.

    Numeric numpy arrays become contiguous float64 (NaN for missing); integer
    and float polars and pyarrow columns pass as they are (Rust reads them
    through Arrow, nulls as NaN); other numeric pandas, polars and pyarrow
    columns go through their own ``to_numpy`` so that nulls become NaN. Lists and tuples pass through: Rust reads them item by
    item so that a string or bool is reported with its position. A
    mapping, set, string or non-iterable is refused, naming ``name``: a
    dict would be read as its keys and a set in no defined order.
    """
    if isinstance(values, (list, tuple)):
        return values
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "fiu":
            return np.ascontiguousarray(values, dtype=np.float64)
        return values.tolist()
    module = type(values).__module__.split(".")[0]
    if module == "pandas":
        if values.dtype.kind in "fiu" or str(values.dtype) in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64"):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        return values.tolist()
    if module == "polars":
        if str(values.dtype) in _ARROW_NUMBERS and hasattr(values, "__arrow_c_stream__"):
            # read by Rust through Arrow in one pass, nulls as NaN
            return values
        if values.dtype.is_numeric():
            return np.ascontiguousarray(values.cast(float).to_numpy(), dtype=np.float64)
        return values.to_list()
    if module == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        if str(values.type) in _ARROW_NUMBERS.values() and (
            hasattr(values, "__arrow_c_stream__") or hasattr(values, "__arrow_c_array__")
        ):
            return values
        if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
            filled = pc.fill_null(pc.cast(values, pa.float64()), float("nan"))
            return np.ascontiguousarray(filled.to_numpy(), dtype=np.float64)
        return values.to_pylist()
    if isinstance(values, (Mapping, set, frozenset, str, bytes, bytearray)) or not hasattr(values, "__iter__"):
        raise wrong_type(name, "a sequence, array or column of numbers", values)
    return values


def _int(value: Any, name: str, low: int = -(2**31), high: int = 2**31 - 1) -> int:
    """``value`` checked to be an integer from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise wrong_type(name, "an integer", value)
    if not low <= value <= high:
        raise error(f"invalid argument `{name}`: an integer from {low} to {high}, got {value}",
                    cls=ArgumentOverflowError)
    return int(value)


@api
def nps(
    scores: Scores,
    *,
    weights: Optional[Scores] = None,
    confidence: float = 0.95,
    method: str = "wald",
) -> NpsResult:
    """Net Promoter Score of 0–10 answers with a confidence interval.

    Promoters answer 9–10, passives 7–8, detractors 0–6; NPS = 100·(P − D)/n.
    ``method`` is ``"wald"`` or ``"adjusted_wald"`` (¾ added to promoters
    and detractors, 3 to n: better for small samples). With ``weights``,
    shares are weighted and the standard error uses the Kish effective n.
    The interval is clamped to [−100, 100].

    >>> r = nps([10] * 50 + [8] * 30 + [3] * 20)
    >>> round(r.nps, 1), round(r.se, 4), round(r.low, 3), round(r.high, 3)
    (30.0, 7.8102, 14.692, 45.308)
    """
    return _crmkit.nps(
        _scores(scores),
        None if weights is None else _scores(weights, "weights"),
        confidence,
        method,
    )


@api
def nps_diff(a: Scores, b: Scores, *, confidence: float = 0.95) -> NpsDiffResult:
    """Tests whether the NPS of answers ``a`` differs from that of ``b``.

    z = (NPS_a − NPS_b)/√(V_a/n_a + V_b/n_b), two-sided p-value.

    >>> d = nps_diff([10] * 50 + [8] * 30 + [3] * 20, [10] * 40 + [8] * 30 + [3] * 30)
    >>> round(d.difference, 1), round(d.p_value, 4)
    (20.0, 0.0794)
    """
    return _crmkit.nps_diff(_scores(a, "a"), _scores(b, "b"), confidence)


@api
def csat(
    scores: Scores,
    *,
    scale: int = 5,
    threshold: int = 4,
    confidence: float = 0.95,
    weights: Optional[Scores] = None,
) -> CsatResult:
    """CSAT: the share of answers at or above ``threshold`` on 1..``scale``.

    The default is top-2-box on 1–5. The interval is Wilson's.

    >>> r = csat([5, 4, 3, 1])
    >>> r.csat, r.satisfied, r.n
    (50.0, 2, 4)
    """
    return _crmkit.csat(
        _scores(scores),
        None if weights is None else _scores(weights, "weights"),
        _int(scale, "scale"),
        _int(threshold, "threshold"),
        confidence,
    )


@api
def ces(
    scores: Scores,
    *,
    scale: int = 7,
    easy_threshold: int = 5,
    difficult_threshold: int = 3,
    confidence: float = 0.95,
    weights: Optional[Scores] = None,
) -> CesResult:
    """Customer Effort Score on 1..``scale``: the mean with an interval, and
    the percentages of easy (>= ``easy_threshold``) and difficult
    (<= ``difficult_threshold``) answers.

    >>> r = ces([7, 6, 5, 2])
    >>> r.mean, r.easy_percent
    (5.0, 75.0)
    """
    return _crmkit.ces(
        _scores(scores),
        None if weights is None else _scores(weights, "weights"),
        _int(scale, "scale"),
        _int(easy_threshold, "easy_threshold"),
        _int(difficult_threshold, "difficult_threshold"),
        confidence,
    )


@api
def nps_sample_size(margin: float, *, confidence: float = 0.95, variance: Optional[float] = None) -> int:
    """Answers needed for an NPS margin of error of ``margin`` points:
    n = z²·Var/(margin/100)². ``variance`` defaults to the worst case 1.0.

    >>> nps_sample_size(5)
    1537
    """
    return _crmkit.nps_sample_size(margin, confidence, variance)


@api
def recency_weights(ages: Scores, half_life: float) -> list:
    """Weights 0.5^(age/half_life) for answers of the given ages (one unit,
    e.g. days). Negative ages count as 0.

    >>> recency_weights([0, 30, 60], 30)
    [1.0, 0.5, 0.25]
    """
    return _crmkit.recency_weights(_scores(ages, "ages"), half_life)


@api
def drivers(scores: Scores, topics: Sequence[Sequence[str]], *, confidence: float = 0.95) -> list:
    """Driver analysis: how much each topic moves the NPS.

    ``topics[i]`` lists the topics of answer ``i``. For each topic, impact =
    n_t·(NPS_t − NPS)/(N − n_t) (= NPS − NPS without the topic) with a z-test
    of NPS_t against the rest; most costly first.

    >>> d = drivers([0, 2, 10, 9], [["delivery"], ["delivery"], [], ["price"]])
    >>> d[0].topic, d[0].nps_topic
    ('delivery', -100.0)
    """
    scores = _scores(scores)
    if isinstance(topics, (Mapping, set, frozenset, str, bytes)) or not hasattr(topics, "__iter__"):
        raise wrong_type("topics", "one list of topic names per answer", topics)
    rows = []
    for i, t in enumerate(topics):
        if isinstance(t, (str, bytes)) or not hasattr(t, "__iter__"):
            raise wrong_type(f"topics[{i}]", "a list of topic names", t)
        rows.append(list(t))
    return _crmkit.drivers(scores, rows, confidence)


DEFAULT_FACES = [
    ("very unhappy", 0.0, False),
    ("unhappy", 25.0, False),
    ("neutral", 50.0, False),
    ("happy", 75.0, True),
    ("very happy", 100.0, True),
]
"""The default happiness scale: (label, value, positive) per face."""


@api
def happiness(answers: Scores, *, levels: Optional[Sequence[tuple]] = None) -> dict:
    """Happiness/smiley score on a configurable scale.

    ``levels`` lists ``(label, value, positive)`` from least to most happy
    (default :data:`DEFAULT_FACES`: five faces valued 0-100, the two happiest
    positive). Answers are level indices (0 = first level) or labels; ``None``
    is missing. Returns ``score`` (mean value), ``positive_percent``,
    ``counts`` per level, ``n`` and ``missing``.

    >>> happiness(["very happy", "happy", "very unhappy", 4])["score"]
    68.75
    """
    levels = list(levels) if levels is not None else DEFAULT_FACES
    index = {label: i for i, (label, _, _) in enumerate(levels)}
    if isinstance(answers, (list, tuple)):
        answers = [index.get(a, a) if isinstance(a, str) else a for a in answers]
    scale = json.dumps({"levels": [{"label": l, "value": float(v), "positive": bool(p)} for l, v, p in levels]})
    score, positive, counts, n, missing = _crmkit.happiness(_scores(answers, "answers"), scale)
    return {"score": score, "positive_percent": positive, "counts": counts, "n": n, "missing": missing}


# --- grouped forms over data frames -----------------------------------------


def _frame_kind(frame: Any) -> str:
    kind = _frames.kind(frame)
    if kind is not None:
        return kind
    raise wrong_type("frame", "a pandas or polars DataFrame or a pyarrow Table", frame)


def _arrow_segments(frame: Any, kind: str, by: list, workers: int) -> Optional[tuple]:
    """(codes, keys) of a single text or categorical polars/pyarrow column,
    read by Rust through Arrow (dictionary indices and dictionary, or the
    text itself) without a Python object per row; None for other columns.

    Segments are the keys that occur; a pyarrow dictionary also keeps its
    entries no row points to (as a pandas categorical keeps its categories).
    """
    if len(by) != 1:
        return None
    if kind == "polars":
        import polars as pl

        col = frame.get_column(by[0])
        if not hasattr(col, "__arrow_c_stream__"):
            return None
        if col.dtype == pl.String:
            return _crmkit.group_codes(col, workers=workers)
        if isinstance(col.dtype, pl.Enum):
            return _crmkit.group_codes(col.to_physical(), col.dtype.categories, workers=workers)
        if isinstance(col.dtype, pl.Categorical):
            # since polars 1.32 the codes index the dtype's `Categories`
            # (shared with other columns: only the keys that occur count);
            # before, polars writes a dictionary of the column
            to_series = getattr(getattr(col.dtype, "categories", None), "to_series", None)
            if to_series is not None:
                return _crmkit.group_codes(col.to_physical(), to_series(), workers=workers)
            return _crmkit.group_codes(col, workers=workers)
        return None
    if kind == "pyarrow":
        import pyarrow as pa

        col = frame.column(by[0])

        def text(t: Any) -> bool:
            return str(t) in ("string", "large_string", "string_view")

        if not hasattr(col, "__arrow_c_stream__"):
            return None
        if text(col.type):
            return _crmkit.group_codes(col, workers=workers)
        if pa.types.is_dictionary(col.type) and text(col.type.value_type):
            return _crmkit.group_codes(col, unused=True, workers=workers)
    return None


def _group(frame: Any, kind: str, by: list, workers: int = 0) -> tuple:
    """Returns (codes as uint32, number of groups, key columns as lists),
    groups sorted by key with missing keys last, using each library's own
    fast factorization."""
    segments = _arrow_segments(frame, kind, by, workers)
    if segments is not None:
        codes, keys = segments
        return codes, len(keys), [keys]
    if kind == "pandas":
        import pandas as pd

        if len(by) == 1 and isinstance(frame[by[0]].dtype, pd.CategoricalDtype):
            col = frame[by[0]]
            codes = col.cat.codes.to_numpy()
            cats = list(col.cat.categories)
            order = sorted(range(len(cats)), key=lambda i: cats[i])
            keys = [[cats[i] for i in order]]
            n_groups = len(cats)
            has_missing = bool((codes < 0).any())
            if order != list(range(len(cats))) or has_missing:
                # re-number in key order, missing key (-1) last
                remap = np.empty(len(cats) + 1, dtype=np.uint32)
                for new, old in enumerate(order):
                    remap[old] = new
                remap[-1] = len(cats)
                codes = remap[codes]
            if has_missing:
                keys[0].append(None)
                n_groups += 1
            # categorical codes are small signed integers read in place by Rust
            return codes, n_groups, keys
        codes = frame.groupby(by, sort=True, dropna=False, observed=True).ngroup().to_numpy()
        uniq = frame[by].drop_duplicates()
        uniq = uniq.sort_values(by, na_position="last")
        return codes.astype(np.uint32), len(uniq), [uniq[c].tolist() for c in by]
    if kind == "polars":
        import polars as pl

        keys = frame.select(by).unique().sort(by, nulls_last=True)
        indexed = keys.with_row_index("__crmkit_code")
        codes = frame.select(by).join(indexed, on=by, how="left", nulls_equal=True, maintain_order="left")[
            "__crmkit_code"
        ]
        return codes.to_numpy().astype(np.uint32), keys.height, [keys[c].to_list() for c in by]
    import pyarrow as pa

    table = frame.select(by)
    if len(by) == 1:
        encoded = table.column(0).combine_chunks().dictionary_encode()
        values = encoded.dictionary.to_pylist()
        raw = encoded.indices.to_numpy(zero_copy_only=False)
        order = sorted(range(len(values)), key=lambda i: (values[i] is None, values[i]))
        remap = np.empty(len(values), dtype=np.uint32)
        for new, old in enumerate(order):
            remap[old] = new
        codes = remap[np.nan_to_num(raw, nan=0).astype(np.int64)] if len(values) else raw.astype(np.uint32)
        keys = [[values[i] for i in order]]
        if encoded.indices.null_count:
            missing = pa.compute.is_null(encoded.indices).to_numpy(zero_copy_only=False)
            codes = codes.astype(np.uint32)
            codes[missing] = len(values)
            keys[0].append(None)
        return codes.astype(np.uint32), len(keys[0]), keys
    rows = list(zip(*(table.column(c).to_pylist() for c in by)))
    distinct = sorted(set(rows), key=lambda r: tuple((v is None, v) for v in r))
    index = {r: i for i, r in enumerate(distinct)}
    codes = np.fromiter((index[r] for r in rows), dtype=np.uint32, count=len(rows))
    return codes, len(distinct), [[r[i] for r in distinct] for i in range(len(by))]


def _column(frame: Any, kind: str, name: str) -> Any:
    if kind == "pyarrow":
        col = frame.column(name)
        if str(col.type) in _ARROW_NUMBERS.values() and hasattr(col, "__arrow_c_stream__"):
            return col
        return col.combine_chunks()
    return frame[name]


def _to_frame(kind: str, columns: dict) -> Any:
    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame(columns)
    if kind == "polars":
        import polars as pl

        return pl.DataFrame(columns, strict=False)
    import pyarrow as pa

    return pa.table(columns)


def _grouped(metric: str, frame: Any, by: Union[str, Sequence[str]], score: str, weights: Optional[str], **params: Any) -> Any:
    kind = _frame_kind(frame)
    if isinstance(by, str):
        by = [by]
    elif isinstance(by, (list, tuple)) and by and all(isinstance(b, str) for b in by):
        by = list(by)
    else:
        raise wrong_type("by", "a column name or a non-empty list of column names", by)
    present = frame.column_names if kind == "pyarrow" else list(frame.columns)
    for arg, name in [("by", b) for b in by] + [("score", score)] + ([("weights", weights)] if weights else []):
        if not isinstance(name, str):
            raise wrong_type(arg, "a column name", name)
        if name not in present:
            raise error(f"invalid argument `{arg}`: no column {name!r} in the frame; the columns are {present}",
                        cls=MissingKeyError)
    for name in ("scale", "threshold", "difficult_threshold"):
        if name in params:
            params[name] = _int(params[name], name)
    params["workers"] = _int(params["workers"], "workers", 0, 2**32 - 1)
    codes, n_groups, keys = _group(frame, kind, by, params["workers"])
    result = _crmkit.grouped(
        metric,
        _scores(_column(frame, kind, score), "score"),
        np.ascontiguousarray(codes),
        n_groups,
        None if weights is None else _scores(_column(frame, kind, weights), "weights"),
        **params,
    )
    columns = {name: values for name, values in zip(by, keys)}
    columns.update(result)
    return _to_frame(kind, columns)


@api
def nps_by(
    frame: Any,
    by: Union[str, Sequence[str]],
    *,
    score: str = "score",
    weights: Optional[str] = None,
    confidence: float = 0.95,
    method: str = "wald",
    workers: int = 0,
) -> Any:
    """NPS per segment of a pandas or polars DataFrame or a pyarrow Table.

    Returns a frame of the same library with one row per segment (sorted by
    key; a missing key forms its own segment, last) and the columns ``by``,
    ``n``, ``missing``, ``promoters``, ``passives``, ``detractors``, ``nps``,
    ``se``, ``low``, ``high``, ``effective_n``. A segment whose answers are
    all missing has NaN metrics.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"channel": ["web", "app", "web"], "score": [10, 3, 9]})
    >>> nps_by(df, "channel")[["channel", "n", "nps"]].to_dict("list")
    {'channel': ['app', 'web'], 'n': [1, 2], 'nps': [-100.0, 100.0]}
    """
    return _grouped("nps", frame, by, score, weights, confidence=confidence, method=method, workers=workers)


@api
def csat_by(
    frame: Any,
    by: Union[str, Sequence[str]],
    *,
    score: str = "score",
    weights: Optional[str] = None,
    scale: int = 5,
    threshold: int = 4,
    confidence: float = 0.95,
    workers: int = 0,
) -> Any:
    """CSAT per segment; see :func:`nps_by`. Columns: ``n``, ``missing``,
    ``satisfied``, ``csat``, ``low``, ``high``, ``mean``, ``effective_n``."""
    return _grouped(
        "csat", frame, by, score, weights, confidence=confidence, scale=scale, threshold=threshold, workers=workers
    )


@api
def ces_by(
    frame: Any,
    by: Union[str, Sequence[str]],
    *,
    score: str = "score",
    weights: Optional[str] = None,
    scale: int = 7,
    easy_threshold: int = 5,
    difficult_threshold: int = 3,
    confidence: float = 0.95,
    workers: int = 0,
) -> Any:
    """CES per segment; see :func:`nps_by`. Columns: ``n``, ``missing``,
    ``mean``, ``se``, ``low``, ``high``, ``easy_percent``,
    ``difficult_percent``, ``effective_n``."""
    return _grouped(
        "ces",
        frame,
        by,
        score,
        weights,
        confidence=confidence,
        scale=scale,
        threshold=easy_threshold,
        difficult_threshold=difficult_threshold,
        workers=workers,
    )
