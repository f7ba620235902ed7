import doctest
import math
import pickle
import threading

import numpy as np
import pytest

import crmkit
from crmkit import survey
from conftest import close, expand


def check(case, result):
    tol = case.get("tolerance", 1e-9)
    for field, want in case["expect"].items():
        got = getattr(result, field)
        assert close(got, want, tol), f"{case['name']}: {field} = {got}, expected {want}"


def test_corpus_nps(corpus):
    for case in corpus["nps"]:
        answers, weights = expand(case["answers"])
        r = survey.nps(answers, weights=weights, confidence=case["confidence"], method=case["method"])
        check(case, r)


def test_corpus_nps_diff(corpus):
    for case in corpus["nps_diff"]:
        a, _ = expand(case["a"])
        b, _ = expand(case["b"])
        check(case, survey.nps_diff(a, b, confidence=case["confidence"]))


def test_corpus_csat_and_ces(corpus):
    for case in corpus["csat"]:
        answers, _ = expand(case["answers"])
        check(case, survey.csat(answers, scale=case["scale"], threshold=case["threshold"], confidence=case["confidence"]))
    for case in corpus["ces"]:
        answers, _ = expand(case["answers"])
        check(case, survey.ces(answers, confidence=case["confidence"]))


def test_corpus_errors(corpus):
    for case in corpus["errors"]:
        answers, weights = expand(case["answers"])
        fn = survey.nps if case["metric"] == "nps" else survey.csat
        kwargs = {"weights": weights} if weights is not None else {}
        with pytest.raises(crmkit.CrmkitError) as info:
            fn(answers, **kwargs)
        assert info.value.code == case["code"], case["name"]
        assert isinstance(info.value, crmkit.SurveyError)
        assert isinstance(info.value, ValueError)
        if case["index"] is not None:
            assert f"index {case['index']}" in str(info.value), case["name"]


REFERENCE = [10] * 50 + [8] * 30 + [3] * 20


def test_acceptance_names():
    r = survey.nps(REFERENCE, weights=None, confidence=0.95, method="wald")
    for attr in ("nps", "se", "low", "high", "n", "promoters", "passives", "detractors", "missing", "effective_n"):
        assert hasattr(r, attr)
    d = survey.nps_diff(REFERENCE, [10] * 40 + [8] * 30 + [3] * 30, confidence=0.95)
    assert {"difference", "se", "z", "p_value"} <= set(dir(d))
    c = survey.csat([5, 4, 1], scale=5, threshold=4, confidence=0.95)
    assert (c.n, round(c.csat, 4)) == (3, 66.6667)
    assert r.to_dict()["nps"] == 30.0
    assert "NpsResult(nps=30.0000" in repr(r)


def test_input_kinds_agree():
    values = [10, 9, None, 6, 8, 0, None, 10]
    want = survey.nps(values)
    as_float = [np.nan if v is None else v for v in values]
    for same in (np.array(as_float), np.array(as_float, dtype=np.float32), tuple(values)):
        r = survey.nps(same)
        assert (r.nps, r.n, r.missing) == (want.nps, want.n, want.missing)
    # integer arrays have no missing values
    r = survey.nps(np.array([v for v in values if v is not None], dtype=np.int64))
    assert (r.nps, r.n, r.missing) == (want.nps, want.n, 0)
    # a non-contiguous numpy view
    strided = np.array([10.0, -1, 9, -1, 0, -1])[::2]
    assert survey.nps(strided).n == 3


def test_pandas_polars_pyarrow_columns():
    pd = pytest.importorskip("pandas")
    values = [10, 9, None, 6, 8]
    want = survey.nps(values)
    assert survey.nps(pd.Series(values, dtype="Int64")).nps == want.nps
    assert survey.nps(pd.Series(values, dtype="Int64")).missing == 1
    assert survey.nps(pd.Series(values, dtype="float64")).missing == 1
    pl = pytest.importorskip("polars")
    assert survey.nps(pl.Series(values)).missing == 1
    assert survey.nps(pl.Series(values)).nps == want.nps
    pa = pytest.importorskip("pyarrow")
    assert survey.nps(pa.array(values)).nps == want.nps
    assert survey.nps(pa.chunked_array([values[:2], values[2:]])).missing == 1


def test_bad_items_name_their_position():
    for bad in (["9", 10], [10, True], [10, 9, "x"], [object()]):
        with pytest.raises(crmkit.SurveyError) as info:
            survey.nps(bad)
        assert info.value.code == "survey_not_a_number"
        assert "index" in str(info.value)
    with pytest.raises(crmkit.InputError) as info:
        survey.nps([1, 2], weights=[1.0])
    assert info.value.code == "length_mismatch"
    with pytest.raises(crmkit.InputError) as info:
        survey.nps([1, 2], method="bayes")
    assert info.value.code == "invalid_argument"
    with pytest.raises(crmkit.InputError):
        survey.nps([1, 2], confidence=95)


def test_error_classes_come_from_the_core():
    assert issubclass(crmkit.CrmkitError, ValueError)
    groups = {crmkit.InputError, crmkit.SurveyError, crmkit.BindingError}
    assert all(issubclass(g, crmkit.CrmkitError) for g in groups)
    assert crmkit.ERROR_CODES["survey_out_of_range"] == 201
    for name in ("InputError", "SurveyError", "BindingError", "CrmkitError"):
        assert name in crmkit.__all__


def _plain_nps(scores):
    present = [s for s in scores if s is not None and not (isinstance(s, float) and math.isnan(s))]
    if not present:
        return float("nan")
    p = sum(1 for s in present if s >= 9)
    d = sum(1 for s in present if s <= 6)
    return 100.0 * (p - d) / len(present)


def _rows():
    rng = np.random.default_rng(7)
    channels = np.array(["web", "app", "call_center", "branch"])
    stages = np.array(["onboarding", "usage"])
    n = 2000
    scores = rng.integers(0, 11, n).astype(float)
    scores[rng.random(n) < 0.05] = np.nan
    return {
        "channel": channels[rng.integers(0, 4, n)].tolist(),
        "stage": stages[rng.integers(0, 2, n)].tolist(),
        "score": scores,
    }


def _expected(rows, keys):
    groups = {}
    for i in range(len(rows["score"])):
        k = tuple(rows[c][i] for c in keys)
        groups.setdefault(k, []).append(rows["score"][i])
    return {k: (_plain_nps(v), sum(1 for x in v if not math.isnan(x))) for k, v in groups.items()}


@pytest.mark.parametrize("keys", [["channel"], ["channel", "stage"]])
def test_nps_by_pandas(keys):
    pd = pytest.importorskip("pandas")
    rows = _rows()
    df = pd.DataFrame(rows)
    out = survey.nps_by(df, keys if len(keys) > 1 else keys[0], score="score")
    assert isinstance(out, pd.DataFrame)
    want = _expected(rows, keys)
    assert len(out) == len(want)
    got_keys = [tuple(r) for r in out[keys].itertuples(index=False)]
    assert got_keys == sorted(got_keys)
    for _, row in out.iterrows():
        k = tuple(row[c] for c in keys)
        assert row["nps"] == pytest.approx(want[k][0])
        assert row["n"] == want[k][1]
    # categorical keys take the fast path and give the same answer
    cat = df.assign(channel=df["channel"].astype("category"))
    out_cat = survey.nps_by(cat, "channel")
    ref = survey.nps_by(df, "channel")
    assert out_cat["nps"].tolist() == ref["nps"].tolist()


@pytest.mark.parametrize("metric", ["nps_by", "csat_by", "ces_by"])
@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_grouped_on_an_empty_frame_is_an_empty_table(metric, kind):
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    frame = {
        "pandas": pd.DataFrame({"channel": pd.Series([], dtype=object), "score": pd.Series([], dtype=float)}),
        "polars": pl.DataFrame({"channel": [], "score": []}, schema={"channel": pl.Utf8, "score": pl.Float64}),
        "pyarrow": pa.table({"channel": pa.array([], pa.string()), "score": pa.array([], pa.float64())}),
    }[kind]
    out = getattr(survey, metric)(frame, "channel")
    assert len(out) == 0
    columns = list(out.columns) if kind != "pyarrow" else out.column_names
    assert columns[:3] == ["channel", "n", "missing"]


def test_nps_by_polars_and_pyarrow():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    rows = _rows()
    want = _expected(rows, ["channel"])
    out = survey.nps_by(pl.DataFrame(rows), "channel")
    assert isinstance(out, pl.DataFrame)
    for ch, nps_value, n in zip(out["channel"].to_list(), out["nps"].to_list(), out["n"].to_list()):
        assert nps_value == pytest.approx(want[(ch,)][0])
        assert n == want[(ch,)][1]
    table = pa.table(rows)
    out = survey.nps_by(table, "channel")
    assert isinstance(out, pa.Table)
    assert out.column("channel").to_pylist() == sorted(want_key[0] for want_key in want)


def test_missing_keys_are_their_own_segment():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"channel": ["web", None, "web", None], "score": [10, 0, 9, float("nan")]})
    out = survey.nps_by(df, "channel")
    assert out["channel"].tolist()[0] == "web"
    assert out["channel"].isna().tolist() == [False, True]
    assert out["n"].tolist() == [2, 1]
    assert out["missing"].tolist() == [0, 1]
    pa = pytest.importorskip("pyarrow")
    out = survey.nps_by(pa.table({"channel": ["web", None, "web"], "score": [10, 0, 9]}), "channel")
    assert out.column("channel").to_pylist() == ["web", None]
    pl = pytest.importorskip("polars")
    out = survey.nps_by(pl.DataFrame({"channel": ["web", None, "web"], "score": [10, 0, 9]}), "channel")
    assert out["channel"].to_list() == ["web", None]
    with pytest.raises(KeyError):
        survey.nps_by(df, "nope")


def test_csat_and_ces_by():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"g": ["a", "a", "b"], "score": [5, 1, 4]})
    out = survey.csat_by(df, "g")
    assert out["csat"].tolist() == [50.0, 100.0]
    out = survey.ces_by(df.assign(score=[7, 1, 5]), "g")
    assert out["mean"].tolist() == [4.0, 5.0]


def test_weights_and_helpers():
    r = survey.nps([10, 0], weights=[3, 1])
    assert (r.nps, r.effective_n) == (50.0, pytest.approx(1.6))
    assert survey.nps_sample_size(5) == 1537
    assert survey.recency_weights([0, 30, 60], 30) == [1.0, 0.5, 0.25]
    d = survey.drivers([0, 2, 10, 9, 10, 9], [["delivery"], ["delivery", "price"], [], ["price"], [], []])
    assert d[0].topic == "delivery" and d[0].impact < 0


def test_accumulator_merges_and_pickles():
    a, b = survey.NpsAccumulator(), survey.NpsAccumulator()
    for i, s in enumerate(REFERENCE + [None]):
        (a if i % 2 else b).push(s)
    a.merge(b)
    r = a.finish()
    assert (r.nps, r.n, r.missing) == (30.0, 100, 1)
    c = pickle.loads(pickle.dumps(a))
    assert c.finish().nps == 30.0 and c.n == 100
    with pytest.raises(crmkit.SurveyError):
        a.push(11)
    with pytest.raises(crmkit.InputError):
        survey.NpsAccumulator().__setstate__(b"not json")


def test_gil_is_released_during_computation():
    # while one thread computes on a large array, another thread must be able
    # to run Python code; count its iterations during the computation
    big = np.random.default_rng(1).integers(0, 11, 5_000_000).astype(float)
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        for _ in range(5):
            before = len(ticks)
            survey.nps(big)
            during = len(ticks) - before
            if during > 0:
                break
    finally:
        done.set()
        t.join()
    assert during > 0


def test_docstring_examples():
    failures, _ = doctest.testmod(survey, verbose=False)
    assert failures == 0


def test_happiness_scale():
    r = survey.happiness([4, 3, 0, 4, None])
    assert (r["score"], r["positive_percent"], r["n"], r["missing"]) == (68.75, 75.0, 4, 1)
    three = [("sad", 0, False), ("ok", 50, False), ("glad", 100, True)]
    r = survey.happiness(["glad", "sad", "glad"], levels=three)
    assert r["counts"] == [1, 0, 2]
    with pytest.raises(crmkit.SurveyError) as info:
        survey.happiness(["glad", "furious"], levels=three)
    assert info.value.code == "survey_not_a_number" and "index 1" in str(info.value)
    with pytest.raises(crmkit.SurveyError):
        survey.happiness([7])
