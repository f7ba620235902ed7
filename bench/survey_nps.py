"""Segmented NPS with 95% Wald intervals over 10 million answers in 20
segments: crmkit against the idiomatic pandas groupby implementation and a
numpy (bincount) implementation, in one process on the same data; then, with
polars and pyarrow installed, crmkit on every kind of segment column
(pandas categorical, polars String and Categorical, pyarrow string and
dictionary) side by side with the idiomatic polars group_by.

Run from the repository root after `./scripts/test` (which builds and
installs the wheel into .venv):

    .venv/bin/python bench/survey_nps.py [--rows 10000000] [--repeat 5]

Prints markdown tables of best-of-N wall times and ratios, after checking
that the implementations agree to 1e-9 and that crmkit gives the same table
for every kind of input.
"""

import argparse
import time

import numpy as np
import pandas as pd

from crmkit import survey

Z95 = 1.959963984540054


def make_data(rows: int, segments: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, segments, rows)
    # each segment leans a little differently
    base = rng.normal(7.0, 1.0, segments)
    scores = np.clip(np.rint(rng.normal(base[seg], 2.2)), 0, 10)
    scores[rng.random(rows) < 0.03] = np.nan
    names = np.array([f"segment_{i:02d}" for i in range(segments)])
    return pd.DataFrame(
        {"segment": pd.Categorical.from_codes(seg, categories=names), "score": scores}
    )


def with_interval(n, p, d):
    pp, pd_ = p / n, d / n
    nps = 100.0 * (pp - pd_)
    var = pp + pd_ - (pp - pd_) ** 2
    se = 100.0 * np.sqrt(var / n)
    return nps, se, np.maximum(nps - Z95 * se, -100.0), np.minimum(nps + Z95 * se, 100.0)


def pandas_nps(df: pd.DataFrame) -> pd.DataFrame:
    """The way an analyst writes it: flags, groupby, aggregate."""
    g = (
        df.assign(
            valid=df["score"].notna(),
            promoter=df["score"] >= 9,
            detractor=df["score"] <= 6,
        )
        .groupby("segment", observed=True)
        .agg(n=("valid", "sum"), promoters=("promoter", "sum"), detractors=("detractor", "sum"))
    )
    g["nps"], g["se"], g["low"], g["high"] = with_interval(g["n"], g["promoters"], g["detractors"])
    return g.reset_index()


def numpy_nps(codes: np.ndarray, scores: np.ndarray, segments: int) -> dict:
    """A careful numpy version: one bincount per count."""
    valid = ~np.isnan(scores)
    n = np.bincount(codes, weights=valid, minlength=segments)
    p = np.bincount(codes, weights=scores >= 9, minlength=segments)
    d = np.bincount(codes, weights=scores <= 6, minlength=segments)
    nps, se, low, high = with_interval(n, p, d)
    return {"n": n, "nps": nps, "se": se, "low": low, "high": high}


def polars_nps(df):
    """The way an analyst writes it in polars: one group_by with three
    conditional counts, then the interval as expressions."""
    import polars as pl

    score = pl.col("score")
    p = pl.col("promoters") / pl.col("n")
    d = pl.col("detractors") / pl.col("n")
    nps = 100.0 * (p - d)
    se = 100.0 * ((p + d - (p - d) ** 2) / pl.col("n")).sqrt()
    return (
        df.group_by("segment")
        .agg(n=score.is_not_null().sum(), promoters=(score >= 9).sum(), detractors=(score <= 6).sum())
        .sort("segment")
        .with_columns(nps=nps, se=se)
        .with_columns(
            low=(pl.col("nps") - Z95 * pl.col("se")).clip(-100.0, 100.0),
            high=(pl.col("nps") + Z95 * pl.col("se")).clip(-100.0, 100.0),
        )
    )


def as_columns(out) -> dict:
    """A result of any frame library as {column: list}."""
    if isinstance(out, pd.DataFrame):
        return {c: out[c].tolist() for c in out.columns}
    if hasattr(out, "to_pydict"):
        return out.to_pydict()
    return out.to_dict(as_series=False)


def frame_kinds(df: pd.DataFrame, repeat: int) -> None:
    """crmkit on each kind of segment column against polars group_by."""
    try:
        import polars as pl
        import pyarrow as pa
    except ImportError:
        print("\n(polars or pyarrow missing: frame kinds skipped)")
        return
    rows = len(df)
    pl_cat = pl.from_pandas(df)  # Categorical segments, null for a missing answer
    pl_str = pl_cat.with_columns(pl.col("segment").cast(pl.String))
    pa_dict = pa.Table.from_pandas(df, preserve_index=False)  # dictionary<int8, string>
    pa_str = pa_dict.set_column(0, "segment", pa_dict.column("segment").cast(pa.string()))
    inputs = [
        ("pandas categorical", df),
        ("polars String", pl_str),
        ("polars Categorical", pl_cat),
        ("pyarrow string", pa_str),
        ("pyarrow dictionary", pa_dict),
    ]
    ours = {}
    for name, frame in inputs:
        ours[name] = best(lambda: survey.nps_by(frame, "segment", score="score"), repeat)
    theirs = {
        "pandas categorical": best(lambda: pandas_nps(df), repeat),
        "polars String": best(lambda: polars_nps(pl_str), repeat),
        "polars Categorical": best(lambda: polars_nps(pl_cat), repeat),
    }

    reference = as_columns(ours["pandas categorical"][1])
    for name, (_, out) in ours.items():
        assert as_columns(out) == reference, name
    for name, (_, out) in theirs.items():
        got = as_columns(out)
        assert [str(k) for k in got["segment"]] == reference["segment"], name
        assert [int(v) for v in got["n"]] == reference["n"], name
        for col in ("nps", "se", "low", "high"):
            assert np.allclose(got[col], reference[col], rtol=0, atol=1e-9), (name, col)

    print()
    print(f"Segmented NPS by kind of segment column, {rows:,} answers, best of {repeat}")
    print()
    print("| segment column | crmkit `nps_by` (ms) | library's own group_by (ms) | crmkit is faster by |")
    print("|---|---:|---:|---:|")
    for name, _ in inputs:
        t_ours = ours[name][0]
        if name in theirs:
            t_theirs = theirs[name][0]
            library = "pandas groupby" if name.startswith("pandas") else "polars group_by"
            print(f"| {name} | {t_ours * 1e3:.1f} | {t_theirs * 1e3:.1f} ({library}) | {t_theirs / t_ours:.1f}x |")
        else:
            print(f"| {name} | {t_ours * 1e3:.1f} | – | – |")


def best(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--segments", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    df = make_data(args.rows, args.segments)
    codes = df["segment"].cat.codes.to_numpy()
    scores = df["score"].to_numpy()

    t_crmkit, ours = best(lambda: survey.nps_by(df, "segment", score="score"), args.repeat)
    t_single, single = best(lambda: survey.nps_by(df, "segment", score="score", workers=1), args.repeat)
    t_pandas, theirs = best(lambda: pandas_nps(df), args.repeat)
    t_numpy, np_result = best(lambda: numpy_nps(codes, scores, args.segments), args.repeat)

    for col in ("nps", "se", "low", "high"):
        assert np.allclose(ours[col].to_numpy(), theirs[col].to_numpy(), rtol=0, atol=1e-9), col
        assert np.allclose(ours[col].to_numpy(), np_result[col], rtol=0, atol=1e-9), col
    assert (ours["n"].to_numpy() == np_result["n"]).all()
    assert ours.equals(single)

    print(f"Segmented NPS, {args.rows:,} answers, {args.segments} segments, best of {args.repeat}")
    print()
    print("| implementation | time (ms) | crmkit is faster by |")
    print("|---|---:|---:|")
    print(f"| crmkit `survey.nps_by` (all cores) | {t_crmkit * 1e3:.1f} | 1.0x |")
    print(f"| crmkit `survey.nps_by(workers=1)` | {t_single * 1e3:.1f} | {t_single / t_crmkit:.1f}x |")
    print(f"| pandas groupby | {t_pandas * 1e3:.1f} | {t_pandas / t_crmkit:.1f}x |")
    print(f"| numpy bincount | {t_numpy * 1e3:.1f} | {t_numpy / t_crmkit:.1f}x |")

    frame_kinds(df, args.repeat)


if __name__ == "__main__":
    main()
