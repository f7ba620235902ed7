"""Turkish complaints (generated, train seed 1 / held-out seed 2): crmkit's
Rust classifier and example category rules against the scikit-learn
baselines of ../shared/peers/sklearn_text.py on the same texts, per sector.

    .peers-venv/bin/python bench/complaint_tr.py [--per-category N]

Needs cargo on PATH: the crmkit side runs `cargo run --release -p crmkit
--example complaint_tr_eval -- --json --out DIR`, which also writes the
JSONL files that scikit-learn reads. Prints markdown tables.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(ROOT, "..", "shared", "peers")
extra = sys.argv[1:]

with tempfile.TemporaryDirectory() as out:
    ours = json.loads(
        subprocess.run(
            ["cargo", "run", "-q", "--release", "-p", "crmkit", "--example", "complaint_tr_eval", "--", "--json", "--out", out, *extra],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )
    files = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".jsonl"))
    peer = subprocess.run([sys.executable, os.path.join(PEERS, "sklearn_text.py"), *files], check=True, capture_output=True, text=True).stdout
rows = [json.loads(line) for line in peer.splitlines() if line.startswith("{")]

print(f"train texts per sector: {ours['n_train_per_sector']}")
print()
print("Accuracy / macro-F1 per sector; 'same grammar' tests on new texts from the")
print("training sentences, 'unseen' on sentences that never occur in training.")
print()
print("| sector | model | same grammar | unseen phrasing |")
print("|---|---|---:|---:|")
for s in ours["sectors"]:
    name = s["sector"]
    print(f"| {name} | crmkit rules (examples/rules/categories-tr-{name}.toml) | {s['rule_accuracy']:.3f} | |")
    print(f"| {name} | crmkit rules + classifier (`combine`) | {s['combined_accuracy']:.3f} | |")
    print(f"| {name} | crmkit classifier (Rust) | {s['model_accuracy']:.3f} / {s['model_macro_f1']:.3f} | {s['unseen_accuracy']:.3f} / {s['unseen_macro_f1']:.3f} |")
    same = {(r["model"], r["norm"]): r for r in rows if r["data"] == f"tr_complaints_{name}.jsonl"}
    unseen = {(r["model"], r["norm"]): r for r in rows if r["data"] == f"tr_complaints_unseen_{name}.jsonl"}
    for key, r in same.items():
        u = unseen.get(key)
        tail = f"{u['acc']:.3f} / {u['macro_f1']:.3f}" if u else ""
        print(f"| {name} | scikit-learn {key[0]} ({key[1]}) | {r['acc']:.3f} / {r['macro_f1']:.3f} | {tail} |")
print()
print("| flag | precision | recall | false positives on negated mentions |")
print("|---|---:|---:|---:|")
for f in ours["flags"]:
    print(f"| {f['flag']} | {f['precision']:.3f} | {f['recall']:.3f} | {f['fp_negated']}/{f['negated']} |")
