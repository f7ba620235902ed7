"""Segmented NPS with 95% Wald intervals over 10 million answers in 20
segments: crmkit against the idiomatic pandas groupby implementation and a
numpy (bincount) implementation, in one process on the same data.

Run from the repository root after `./scripts/test` (which builds and
installs the wheel into .venv):

    .venv/bin/python bench/survey_nps.py [--rows 10000000] [--repeat 5]

Prints a markdown table of best-of-N wall times and ratios, after checking
that the three implementations agree to 1e-9.
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


if __name__ == "__main__":
    main()
