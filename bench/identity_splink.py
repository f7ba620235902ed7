"""Identity resolution: crmkit against Splink 5.0 (DuckDB) on the same
files, one after the other in one script, each measured the same way
(wall time and peak RSS of its own process via GNU time).

crmkit runs its CLI end to end (read CSV, standardize, block, train,
score, cluster, golden records); Splink runs the peer scripts of
../shared/peers with the setups behind the reference figures (FEBRL4
"detailed" model; synthetic data with careful Turkish-aware cleaning).
Quality is measured here for crmkit on its output (pairs at probability
0.5 and the pairs implied by its clusters) and taken from Splink's own
JSON report.

Usage (from the repository root; the release CLI must be built with
`cargo build --release -p crmkit-cli`, the peers venv set up as
../shared/peers/README.md says):

    /work/.peers-venv/bin/python bench/identity_splink.py febrl4
    /work/.peers-venv/bin/python bench/identity_splink.py synth ../shared/data/identity/synth_100k.csv
    /work/.peers-venv/bin/python bench/identity_synth.py --records 1000000 --out bench/out/data/synth_1m.csv
    /work/.peers-venv/bin/python bench/identity_splink.py synth bench/out/data/synth_1m.csv

Options: --no-splink runs crmkit alone; --splink-memory 8GB is DuckDB's
memory limit. Results are printed as a markdown table and saved as JSON
under bench/out/.
"""

import argparse
import csv
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[1]
PEERS = ROOT.parent / "shared" / "peers"
DATA = ROOT.parent / "shared" / "data" / "identity"
CLI = ROOT / "target" / "release" / "crmkit"
OUT = ROOT / "bench" / "out"


def timed(cmd, env=None):
    """Runs cmd under GNU time; returns (seconds, peak RSS in MB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name, *cmd], capture_output=True, text=True, env=env)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(map(str, cmd))}\n{p.stderr[-2000:]}")
        secs, kb = t.read().split()[-2:]
    return float(secs), int(kb) / 1024, p.stdout


def prf(tp, predicted, actual):
    p = tp / predicted if predicted else 1.0
    r = tp / actual if actual else 1.0
    return dict(precision=round(p, 4), recall=round(r, 4), f1=round(2 * p * r / (p + r), 4) if p + r else 0.0)


def pairs_of(groups):
    out = set()
    for members in groups.values():
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                out.add((a, b))
    return out


def crmkit_run(inputs, extra, truth_pairs):
    with tempfile.TemporaryDirectory() as d:
        clusters, pairs, golden = f"{d}/clusters.csv", f"{d}/pairs.csv", f"{d}/golden.csv"
        cmd = [str(CLI), "resolve", *map(str, inputs), "--out", clusters, "--pairs", pairs, "--golden", golden, "--quiet", *extra]
        secs, mb, _ = timed(cmd)
        with open(clusters, newline="", encoding="utf-8") as f:
            groups = defaultdict(list)
            for row in csv.DictReader(f):
                groups[row["cluster_id"]].append(row["id"])
        with open(pairs, newline="", encoding="utf-8") as f:
            linked = {tuple(sorted((r["id_a"], r["id_b"]))) for r in csv.DictReader(f) if float(r["probability"]) >= 0.5}
    implied = pairs_of(groups)
    return dict(
        seconds=secs,
        peak_rss_mb=round(mb),
        pairs_at_0_5=prf(len(linked & truth_pairs), len(linked), len(truth_pairs)),
        clusters=prf(len(implied & truth_pairs), len(implied), len(truth_pairs)),
    )


def splink_run(script, args, memory):
    env = dict(os.environ, PEERS_OUT=str(OUT), PEERS_DATA=str(DATA))
    before = set(OUT.glob("splink_*.json"))
    secs, mb, _ = timed([sys.executable, str(PEERS / script), *args], env=env)
    after = sorted(set(OUT.glob("splink_*.json")) - before or OUT.glob("splink_*.json"), key=os.path.getmtime)
    report = json.loads(after[-1].read_text())
    return dict(seconds=secs, peak_rss_mb=round(mb), report=report)


def febrl4(args):
    truth = set()
    with open(DATA / "febrl4_true_pairs.csv", newline="") as f:
        for r in csv.DictReader(f):
            truth.add(tuple(sorted((r["rec_id_l"], r["rec_id_r"]))))
    maps = ["--map", "street_number=address", "--map", "address_1=address", "--map", "address_2=address", "--map", "soc_sec_id=national_id"]
    res = {"data": "FEBRL4 (5,000 + 5,000, link)", "crmkit": crmkit_run([DATA / "febrl4a.csv", DATA / "febrl4b.csv"], ["--link", *maps], truth)}
    if not args.no_splink:
        s = splink_run("splink_febrl4.py", ["detailed"], args.splink_memory)
        rep = s["report"]
        res["splink"] = dict(seconds=s["seconds"], peak_rss_mb=s["peak_rss_mb"], pairs_at_0_5=rep.get("at_0_5"), best=rep.get("best"))
    return res


def febrl3(args):
    truth = set()
    with open(DATA / "febrl3_true_pairs.csv", newline="") as f:
        for r in csv.DictReader(f):
            truth.add(tuple(sorted((r["rec_id_l"], r["rec_id_r"]))))
    maps = ["--map", "street_number=address", "--map", "address_1=address", "--map", "address_2=address", "--map", "soc_sec_id=national_id"]
    with tempfile.TemporaryDirectory() as d:
        # the truth column must not be an input
        src = f"{d}/febrl3.csv"
        with open(DATA / "febrl3.csv", newline="") as f, open(src, "w", newline="") as g:
            rows = list(csv.DictReader(f))
            w = csv.DictWriter(g, [c for c in rows[0] if c != "cluster"])
            w.writeheader()
            w.writerows({k: v for k, v in r.items() if k != "cluster"} for r in rows)
        return {"data": "FEBRL3 (5,000, dedup)", "crmkit": crmkit_run([src], maps, truth)}


def synth(args):
    path = pathlib.Path(args.file)
    groups = defaultdict(list)
    with tempfile.TemporaryDirectory() as d:
        src = f"{d}/{path.stem}.csv"
        with open(path, newline="", encoding="utf-8") as f, open(src, "w", newline="", encoding="utf-8") as g:
            reader = csv.DictReader(f)
            cols = [c for c in reader.fieldnames if c != "cluster_id"]
            w = csv.DictWriter(g, cols)
            w.writeheader()
            for r in reader:
                groups[r["cluster_id"]].append(r["record_id"])
                w.writerow({c: r[c] for c in cols})
        truth = pairs_of(groups)
        res = {"data": f"{path.name} ({sum(map(len, groups.values())):,} records)", "crmkit": crmkit_run([src], [], truth)}
    if not args.no_splink:
        s = splink_run("splink_synth.py", [str(path), "clean", args.splink_memory, "names"], args.splink_memory)
        rep = s["report"]
        res["splink"] = dict(
            seconds=s["seconds"],
            peak_rss_mb=s["peak_rss_mb"],
            pairs_at_0_5=rep.get("at_0_5"),
            clusters=rep.get("clusters_at_0_5"),
            best=rep.get("best"),
        )
    return res


def table(res):
    rows = [f"### {res['data']}", "", "| tool | time (s) | peak RSS (MB) | pairs P / R / F1 at 0.5 | cluster P / R / F1 |", "|---|---|---|---|---|"]
    for tool in ("crmkit", "splink"):
        r = res.get(tool)
        if not r:
            continue
        fmt = lambda m: f"{m['precision']:.4f} / {m['recall']:.4f} / {m['f1']:.4f}" if m else "—"
        rows.append(f"| {tool} | {r['seconds']:.2f} | {r['peak_rss_mb']} | {fmt(r.get('pairs_at_0_5'))} | {fmt(r.get('clusters'))} |")
    if "splink" in res:
        rows.append("")
        rows.append(f"crmkit is {res['splink']['seconds'] / res['crmkit']['seconds']:.1f}× faster with "
                    f"{res['splink']['peak_rss_mb'] / max(res['crmkit']['peak_rss_mb'], 1):.1f}× less memory.")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", choices=["febrl3", "febrl4", "synth"])
    ap.add_argument("file", nargs="?", default=str(DATA / "synth_100k.csv"))
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--splink-memory", default="8GB")
    args = ap.parse_args()
    if not CLI.exists():
        sys.exit(f"{CLI} is missing: run `cargo build --release -p crmkit-cli` first")
    OUT.mkdir(parents=True, exist_ok=True)
    res = {"febrl3": febrl3, "febrl4": febrl4, "synth": synth}[args.data](args)
    name = re.sub(r"[^a-z0-9]+", "_", res["data"].lower()).strip("_")
    (OUT / f"identity_{name}.json").write_text(json.dumps(res, indent=1))
    print(table(res))


if __name__ == "__main__":
    main()
