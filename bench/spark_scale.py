#!/usr/bin/env python3
"""Identity resolution at scale in an engine: crmkit in one process,
``crmkit.spark.resolve`` in PySpark local mode (or ``crmkit.dask.resolve`` /
``crmkit.ray.resolve``) and Splink 5 on Spark, side by side on the same rows.

For each row count the script takes the first N rows of the input file and
runs, one after the other:

* crmkit in-process: ``identity.resolve_detailed`` end to end (standardize,
  block, compare, train, score, cluster); its model is the one the engine
  runs use, so its whole time is counted as their training time (the
  README trains this way: ``identity.resolve_detailed(customers).model``);
* the engine recipe with that model (``--engine spark``: PySpark
  ``local[2]`` by default, UI off, Arrow on, 6 GB driver, 8 shuffle
  partitions as in the Splink script), timed from the Spark DataFrame to
  the collected ``id, cluster_id``, with its stages from ``progress=``;
* Splink 5 on Spark (``../shared/peers/splink_spark.py FILE ROWS MASTER``
  under ``/work/.peers-venv/bin/python``; its JSON report is read from
  ``$PEERS_OUT``).

Every run is checked against the truth column (cluster-pair precision,
recall, F1), and the engine's clusters against the in-process clusters with
the same model (``equal`` column: they must be identical).

Usage (from the repository root, with the wheel and pyspark in the venv)::

    python bench/spark_scale.py --rows 20000,100000
    python bench/spark_scale.py --rows 20000 --engine dask-threads,dask-processes --no-splink
    python bench/spark_scale.py --rows 1000000 --file bench/out/data/synth_1m.csv

``--file`` defaults to ``../shared/data/identity/synth_100k.csv`` (columns
``record_id, cluster_id, source, first_name, last_name, email, phone,
date_of_birth, address, city, postcode, country``); a 1M-row file of the
same kind comes from ``bench/identity_synth.py --records 1000000 --out
bench/out/data/synth_1m.csv``. ``--json FILE`` also writes the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "identity" / "synth_100k.csv"
SPLINK = ROOT.parent / "shared" / "peers" / "splink_spark.py"
PEERS_PYTHON = pathlib.Path("/work/.peers-venv/bin/python")


def load(path: pathlib.Path, rows: int):
    """The first ``rows`` records as text (missing values as None, ``id``
    for ``record_id``) and the truth cluster per id."""
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=rows)
    truth = dict(zip(raw["record_id"], raw["cluster_id"]))
    df = raw.drop(columns=["cluster_id"]).rename(columns={"record_id": "id"})
    df = df.astype(object).where(df != "", None)
    return df, truth


def cluster_f1(truth: dict, got: dict) -> float:
    """Cluster-pair F1 of ``got`` (id -> cluster) against ``truth``."""
    from collections import Counter

    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    tp = pairs(Counter((truth[i], c) for i, c in got.items()))
    predicted, actual = pairs(Counter(got.values())), pairs(Counter(truth[i] for i in got))
    p = tp / predicted if predicted else 1.0
    r = tp / actual if actual else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


class Stages:
    """Seconds per stage from ``progress=`` callbacks (a stage lasts until
    the next one starts, the last one until :meth:`stop`)."""

    def __init__(self) -> None:
        self.marks: list = []

    def __call__(self, name: str) -> None:
        self.marks.append((time.perf_counter(), name.split()[0] if name.split() else name))

    def stop(self) -> dict:
        end = time.perf_counter()
        out: dict = {}
        for i, (at, name) in enumerate(self.marks):
            nxt = self.marks[i + 1][0] if i + 1 < len(self.marks) else end
            out[name] = out.get(name, 0.0) + nxt - at
        return out


def in_process(df) -> dict:
    from crmkit import identity

    st = Stages()
    t = time.perf_counter()
    res = identity.resolve_detailed(df, progress=st)
    seconds = time.perf_counter() - t
    stages = st.stop()
    # the model comes from this run (as the README shows), so all of it is training time
    return {"seconds": seconds, "train": seconds, "stages": stages,
            "clusters": dict(zip(res.ids, res.cluster_ids)), "model": res.model}


def spark_session(master: str, partitions: int):
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    b = (SparkSession.builder.master(master).appName("crmkit-spark-scale").config("spark.ui.enabled", "false")
         .config("spark.driver.memory", "6g").config("spark.ui.showConsoleProgress", "false").config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if partitions:
        b = b.config("spark.sql.shuffle.partitions", str(partitions))
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(spark, df, model, salt_above: int) -> dict:
    import crmkit.spark as cs

    sdf = spark.createDataFrame(df)
    sdf = sdf.repartition(spark.sparkContext.defaultParallelism).cache()
    sdf.count()
    st = Stages()
    t = time.perf_counter()
    clustered = cs.resolve(sdf, model=model, salt_above=salt_above, progress=st)
    st("collect")
    out = clustered.select("id", "cluster_id").toPandas()
    seconds = time.perf_counter() - t
    stages = st.stop()
    sdf.unpersist()
    return {"seconds": seconds, "stages": stages, "clusters": dict(zip(out["id"], out["cluster_id"]))}


def run_dask(df, model, salt_above: int, scheduler: str) -> dict:
    import dask
    import dask.dataframe as dd

    import crmkit.dask as cd

    ddf = dd.from_pandas(df, npartitions=4)
    t = time.perf_counter()
    with dask.config.set(scheduler=scheduler):
        out = cd.resolve(ddf, model=model, salt_above=salt_above).compute()
    return {"seconds": time.perf_counter() - t, "stages": {},
            "clusters": dict(zip(out["id"].astype(str), out["cluster_id"].astype(str)))}


def run_ray(df, model) -> dict:
    import pyarrow as pa
    import ray

    import crmkit.ray as cr

    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ds = ray.data.from_arrow(pa.Table.from_pandas(df, preserve_index=False))
    t = time.perf_counter()
    out = cr.resolve(ds, model=model).to_pandas()
    return {"seconds": time.perf_counter() - t, "stages": {},
            "clusters": dict(zip(out["id"].astype(str), out["cluster_id"].astype(str)))}


def run_splink(path: pathlib.Path, rows: int, master: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, PEERS_OUT=d)
        for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON"):
            env.pop(k, None)
        t = time.perf_counter()
        p = subprocess.run([str(PEERS_PYTHON), str(SPLINK), str(path), str(rows), master], capture_output=True, text=True,
                           env=env)
        wall = time.perf_counter() - t
        if p.returncode != 0:
            sys.exit(f"splink_spark.py failed:\n{p.stderr[-3000:]}")
        name = path.name.replace(".csv", "")
        res = json.loads(pathlib.Path(d, f"splink_spark_{name}.json").read_text())
    res["wall_s"] = wall
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", type=pathlib.Path, default=DATA)
    ap.add_argument("--rows", default="20000,100000", help="row counts, comma-separated")
    ap.add_argument("--engine", default="spark", help="spark, dask-threads, dask-processes, ray (comma-separated)")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--shuffle-partitions", type=int, default=8, help="spark.sql.shuffle.partitions (0: Spark's default)")
    ap.add_argument("--salt-above", type=int, default=200)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    engines = args.engine.split(",")
    rows_out = []
    spark = None
    for n in (int(x) for x in args.rows.split(",")):
        df, truth = load(args.file, n)
        base = in_process(df)
        print(f"{len(df):,} rows: in-process {base['seconds']:.1f} s (train {base['train']:.1f} s)", file=sys.stderr)
        row = {"rows": len(df), "in_process_s": base["seconds"], "train_s": base["train"],
               "in_process_stages": base["stages"], "in_process_f1": cluster_f1(truth, base["clusters"]), "engines": {}}
        for engine in engines:
            if engine == "spark":
                spark = spark or spark_session(args.master, args.shuffle_partitions)
                r = run_spark(spark, df, base["model"], args.salt_above)
            elif engine.startswith("dask-"):
                r = run_dask(df, base["model"], args.salt_above, engine.split("-", 1)[1])
            elif engine == "ray":
                r = run_ray(df, base["model"])
            else:
                sys.exit(f"unknown engine {engine!r}")
            r["f1"] = cluster_f1(truth, r["clusters"])
            r["equal"] = r.pop("clusters") == base["clusters"]
            row["engines"][engine] = r
            print(f"  {engine}: {r['seconds']:.1f} s {r['stages']} equal={r['equal']}", file=sys.stderr)
        if not args.no_splink:
            if spark is not None:
                spark.stop()
                spark = None
            row["splink"] = run_splink(args.file, n, args.master)
            print(f"  splink: {row['splink']}", file=sys.stderr)
        rows_out.append(row)
    if spark is not None:
        spark.stop()

    print(f"\n{args.file.name}, {args.master}, {os.cpu_count()} cores, salt_above={args.salt_above}\n")
    print("| rows | crmkit in-process (s) | engine | crmkit train (s) | engine recipe (s) | stages (s) | "
          "train + recipe (s) | Splink train (s) | Splink predict+cluster (s) | Splink total (s) | "
          "F1 in-process / engine / Splink | same clusters |")
    print("|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---|---|")
    for row in rows_out:
        sp = row.get("splink") or {}
        for engine, r in row["engines"].items():
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
            splink_f1 = f"{sp['cluster_f1']:.4f}" if "cluster_f1" in sp else "–"
            f1s = f"{row['in_process_f1']:.4f} / {r['f1']:.4f} / {splink_f1}"
            print(f"| {row['rows']:,} | {row['in_process_s']:.1f} | {engine} | {row['train_s']:.1f} | {r['seconds']:.1f} | "
                  f"{stages} | {row['train_s'] + r['seconds']:.1f} | {sp.get('train_s', '–')} | "
                  f"{sp.get('predict_cluster_s', '–')} | {sp.get('total_s', '–')} | {f1s} | {r['equal']} |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows_out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
