"""Grouped survey metrics give the same table whatever frame library and
column type hold the segments: pandas (text or categorical), polars (text,
Categorical, Enum) and pyarrow (text or dictionary, in one chunk or
several), with missing segments and missing answers."""

import math

import numpy as np
import pytest

from crmkit import survey

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

NAMES = ["web", "app", "shop", "call centre", "çağrı", "e-mail"]


def _data(rows, seed=7):
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, len(NAMES), rows)
    scores = rng.integers(0, 11, rows).astype(float)
    scores[rng.random(rows) < 0.05] = np.nan
    keys = [NAMES[i] for i in seg]
    for i in np.flatnonzero(rng.random(rows) < 0.04):
        keys[i] = None
    return keys, scores


def _rows(out):
    """The result as plain rows, whatever library it is in (missing key as
    None, NaN metrics as None)."""
    if isinstance(out, pd.DataFrame):
        records = out.to_dict("records")
    elif isinstance(out, pl.DataFrame):
        records = out.to_dicts()
    else:
        records = out.to_pylist()

    def plain(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        return float(v) if isinstance(v, (int, float, np.integer, np.floating)) else v

    return [{k: plain(v) for k, v in r.items()} for r in records]


def _frames(keys, scores):
    nullable = [None if math.isnan(s) else int(s) for s in scores]
    text = pa.array(keys, pa.string())
    dictionary = text.dictionary_encode()
    half = len(keys) // 2
    yield "pandas text", pd.DataFrame({"segment": keys, "score": scores})
    yield "pandas categorical", pd.DataFrame(
        {"segment": pd.Categorical(keys, categories=sorted(NAMES)), "score": scores}
    )
    yield "polars text", pl.DataFrame({"segment": keys, "score": nullable}, schema={"segment": pl.String, "score": pl.Int64})
    # a categorical that shares its categories with other columns
    pl.Series(["unrelated", "zzz"], dtype=pl.Categorical)
    yield "polars categorical", pl.DataFrame({"segment": keys, "score": scores}).with_columns(
        pl.col("segment").cast(pl.Categorical)
    )
    yield "polars enum", pl.DataFrame({"segment": keys, "score": scores}).with_columns(
        pl.col("segment").cast(pl.Enum(NAMES))
    )
    yield "pyarrow text", pa.table({"segment": text, "score": pa.array(nullable, pa.int8())})
    yield "pyarrow large text", pa.table({"segment": text.cast(pa.large_string()), "score": scores})
    yield "pyarrow dictionary", pa.table({"segment": dictionary, "score": scores})
    yield "pyarrow chunks", pa.table(
        {
            # each chunk with its own dictionary, in its own order
            "segment": pa.chunked_array([text[:half].dictionary_encode(), text[half:].dictionary_encode()]),
            "score": pa.chunked_array([pa.array(scores[:half]), pa.array(scores[half:])]),
        }
    )


@pytest.mark.parametrize("rows", [40, 1_100_000])
@pytest.mark.parametrize("metric", ["nps_by", "csat_by"])
def test_every_input_kind_gives_the_same_table(rows, metric):
    keys, scores = _data(rows)
    if metric == "csat_by":
        scores = np.where(np.isnan(scores), np.nan, scores % 5 + 1)
    want = None
    for name, frame in _frames(keys, scores):
        got = _rows(getattr(survey, metric)(frame, "segment", score="score"))
        assert [r["segment"] for r in got] == sorted(NAMES) + [None], name
        if want is None:
            want = got
        assert got == want, name
    assert want[-1]["n"] > 0


def test_one_worker_gives_the_same_table():
    keys, scores = _data(1_100_000, seed=3)
    for name, frame in _frames(keys, scores):
        assert _rows(survey.nps_by(frame, "segment", workers=1)) == _rows(survey.nps_by(frame, "segment")), name


def test_declared_but_unused_categories_stay_as_empty_segments():
    # a pandas category or pyarrow dictionary entry no row has is a segment
    # with n = 0; polars segments are the keys that occur
    keys, scores = ["web", None, "app"], [10.0, 3.0, 6.0]
    cats = pd.DataFrame({"segment": pd.Categorical(keys, categories=["web", "app", "fax"]), "score": scores})
    dictionary = pa.DictionaryArray.from_arrays(pa.array([0, None, 1], pa.int32()), pa.array(["web", "app", "fax"]))
    table = pa.table({"segment": dictionary, "score": scores})
    for out in (survey.nps_by(cats, "segment"), survey.nps_by(table, "segment")):
        got = _rows(out)
        assert [r["segment"] for r in got] == ["app", "fax", "web", None]
        assert [r["n"] for r in got] == [1, 0, 1, 1]
        assert got[1]["nps"] is None
    enum = pl.DataFrame({"segment": keys, "score": scores}).with_columns(pl.col("segment").cast(pl.Enum(["web", "app", "fax"])))
    assert [r["segment"] for r in _rows(survey.nps_by(enum, "segment"))] == ["app", "web", None]


def test_a_dictionary_index_past_its_dictionary_is_refused():
    import crmkit
    from crmkit import _crmkit

    indices = pl.Series([0, 5], dtype=pl.UInt32)
    with pytest.raises(crmkit.CrmkitError, match="row 1 has 5"):
        _crmkit.group_codes(indices, pl.Series(["a", "b"]))
