#!/usr/bin/env python3
"""How identity resolution's cost and quality grow with the customer base.

Builds populations of 1,000,000 synthetic customers each with
``identity_synth.py`` (the same name pools, a different seed per population,
record and cluster ids prefixed ``P<k>-``), concatenates the first N of them
into an N-million-record file, runs ``crmkit resolve`` on it at its defaults
with each requested number of threads, and prints one table: records ×
threads → seconds, peak RSS, cluster-pair precision / recall / F1 and the
largest cluster, then the time spent in each stage of the run (from the
progress lines on standard error).

Concatenating independent populations drawn from the same pools is how a
customer base grows from a pilot region to a country: more namesakes, the
same kinds of duplicates.

Usage
-----
    cargo build --release -p crmkit-cli
    /work/.peers-venv/bin/python bench/identity_scale.py --millions 1,3 --threads 1,2
    /work/.peers-venv/bin/python bench/identity_scale.py --millions 10 --threads 2

Faker (for the generator) and pandas (for the metrics) are needed. Generated
files are kept under ``bench/out/data/scale/`` and reused; ``--json FILE``
also writes the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLI = ROOT / "target" / "release" / "crmkit"
DATA = ROOT / "bench" / "out" / "data" / "scale"
POPULATION = 1_000_000
POOL_SEED = 7


def population(k: int) -> pathlib.Path:
    """The k-th population of one million records (generated once)."""
    path = DATA / f"pop{k}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "bench"))
    import identity_synth as synth

    DATA.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    lines, _ = synth.Generator(POOL_SEED + k, synth.Pools(POOL_SEED)).generate(POPULATION)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(synth.COLUMNS) + "\n")
        for i, line in enumerate(lines):
            out.write(f"P{k}-R{i:07d},P{k}-{line}\n")
    tmp.replace(path)
    print(f"population {k}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def dataset(millions: int) -> tuple[pathlib.Path, pathlib.Path]:
    """The input file without its truth, and the truth (record_id,cluster_id)."""
    src = DATA / f"scale_{millions}m.csv"
    truth = DATA / f"scale_{millions}m_truth.csv"
    if src.exists() and truth.exists():
        return src, truth
    pops = [population(k) for k in range(millions)]
    with open(src.with_suffix(".part"), "w", encoding="utf-8", newline="") as s, open(
        truth.with_suffix(".part"), "w", encoding="utf-8", newline=""
    ) as t:
        t.write("record_id,cluster_id\n")
        for k, pop in enumerate(pops):
            with open(pop, encoding="utf-8", newline="") as f:
                header = next(f)
                if k == 0:
                    # record_id and cluster_id come first and are never quoted
                    rid, _, rest = header.split(",", 2)
                    s.write(f"{rid},{rest}")
                for line in f:
                    rid, cid, rest = line.split(",", 2)
                    s.write(f"{rid},{rest}")
                    t.write(f"{rid},{cid}\n")
    src.with_suffix(".part").replace(src)
    truth.with_suffix(".part").replace(truth)
    return src, truth


def run(src: pathlib.Path, threads: int) -> dict:
    """Runs crmkit resolve; wall seconds, peak RSS and per-stage seconds."""
    out = DATA / f"{src.stem}_clusters_{threads}t.csv"
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    start = time.perf_counter()
    p = subprocess.Popen(
        [str(CLI), "resolve", str(src), "--out", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    stages: list[tuple[float, str]] = []
    tail: list[str] = []

    def read_progress() -> None:
        assert p.stderr is not None
        for line in p.stderr:
            tail.append(line)
            # a stage starts with a line of its own; count lines (`compare
            # 1,000 of 9,000 pairs …`) come every ten seconds in between
            if " of " not in line:
                stages.append((time.perf_counter() - start, line.strip()))

    reader = threading.Thread(target=read_progress)
    reader.start()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    reader.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"crmkit resolve failed ({p.returncode}):\n{''.join(tail[-20:])}")
    # ru_maxrss is in KiB on Linux
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "stages": stages, "out": out}


def quality(truth: pathlib.Path, clusters: pathlib.Path) -> dict:
    """Cluster-pair precision, recall and F1, counted from group sizes."""
    import pandas as pd

    t = pd.read_csv(truth, dtype=str)
    c = pd.read_csv(clusters, dtype=str).rename(columns={"id": "record_id"})
    m = t.merge(c, on="record_id", how="outer", indicator=True)
    if (m["_merge"] != "both").any():
        sys.exit(f"{clusters}: ids differ from the input's ({(m['_merge'] != 'both').sum()} rows)")

    def pairs(sizes: pd.Series) -> int:
        s = sizes.astype("int64")
        return int((s * (s - 1) // 2).sum())

    actual = pairs(m.groupby("cluster_id_x").size())
    predicted = pairs(m.groupby("cluster_id_y").size())
    tp = pairs(m.groupby(["cluster_id_x", "cluster_id_y"]).size())
    p = tp / predicted if predicted else 1.0
    r = tp / actual if actual else 1.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "largest_cluster": int(m.groupby("cluster_id_y").size().max()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--millions", default="1,3", help="population sizes in millions (default 1,3)")
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}", help="thread counts (default 1 and all cores)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args()
    if not CLI.exists():
        sys.exit(f"{CLI} is missing: build it with `cargo build --release -p crmkit-cli`")
    rows = []
    for n in (int(x) for x in args.millions.split(",")):
        src, truth = dataset(n)
        for threads in (int(x) for x in args.threads.split(",")):
            r = run(src, threads)
            q = quality(truth, r["out"])
            r["out"].unlink()
            rows.append({"records": n * POPULATION, "threads": threads, **q, **{k: r[k] for k in ("seconds", "peak_rss_mb", "stages")}})
            print(f"{n}M × {threads}: {r['seconds']:.1f} s", file=sys.stderr)

    cores = os.cpu_count()
    print(f"\ncrmkit resolve at its defaults ({cores} cores)\n")
    print("| records | threads | seconds | peak RSS (MB) | precision | recall | F1 | largest cluster |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['threads']} | {r['seconds']:.1f} | {r['peak_rss_mb']:,.0f} | "
            f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['largest_cluster']} |"
        )
    base = {r["threads"]: r for r in rows if r["records"] == POPULATION}
    if base:
        print("\ngrowth against 1M with the same threads: time ×, memory ×")
        for r in rows:
            b = base.get(r["threads"])
            if b and r is not b:
                print(
                    f"  {r['records']:,} × {r['threads']}: {r['seconds'] / b['seconds']:.2f}× time, "
                    f"{r['peak_rss_mb'] / b['peak_rss_mb']:.2f}× memory"
                )
    print("\nseconds per stage (start: until the first progress line; each stage until the next line;")
    print("write: from the `done` line to the end)")
    for r in rows:
        marks = r["stages"]
        parts = [f"start {marks[0][0]:.1f}"] if marks else []
        for i, (at, line) in enumerate(marks):
            end = marks[i + 1][0] if i + 1 < len(marks) else r["seconds"]
            name = "write" if "done" in line else line.split()[-1] if line.split() else "?"
            parts.append(f"{name} {end - at:.1f}")
        print(f"  {r['records']:,} × {r['threads']}: " + ", ".join(parts))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
