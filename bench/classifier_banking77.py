"""Banking77 intent classification: crmkit's Rust classifier against the
scikit-learn baselines of ../shared/peers/sklearn_text.py, on the same
train/test split, in one script.

    .peers-venv/bin/python bench/classifier_banking77.py [../shared/data/complaints/banking77.jsonl]

Needs scikit-learn==1.9.1 in the venv and cargo on PATH (the crmkit side
runs `cargo run --release -p crmkit --example banking77 -- --json`).
Prints a markdown table of accuracy, macro-F1 and training time.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "complaints", "banking77.jsonl")
PEERS = os.path.join(ROOT, "..", "shared", "peers")

ours = json.loads(
    subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "crmkit", "--example", "banking77", "--", DATA, "--json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
)
peer = subprocess.run([sys.executable, os.path.join(PEERS, "sklearn_text.py"), DATA], check=True, capture_output=True, text=True).stdout
rows = [json.loads(line) for line in peer.splitlines() if line.startswith("{")]

print("| model | accuracy | macro-F1 | training (s) |")
print("|---|---:|---:|---:|")
print(f"| crmkit (Rust): hashed word 1-2 + char_wb 2-5 TF-IDF, linear SVM | {ours['acc']:.4f} | {ours['macro_f1']:.4f} | {ours['fit_s']:.1f} |")
for r in rows:
    print(f"| scikit-learn: {r['model']} | {r['acc']:.4f} | {r['macro_f1']:.4f} | {r['fit_s']:.1f} |")
