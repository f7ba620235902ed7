"""Complaint routing throughput: crmkit against GoRules zen-engine on the
same 200-rule decision table and the same complaints, in one process.

The decision table is the one of ../shared/peers/zen_rules.py (channel,
product, category, segment, three keyword flags and amount; hit policy
"first"; seed 42): this script takes that file's table and input
generators as they are, builds the zen-engine graph from them, and
translates the same rows into a crmkit routing rule set (each output
department gets three people, so crmkit also picks a named person by
round-robin, which zen-engine does not do). Every input is checked to get
the same rule and department from both.

Setup, from the repository root:

    python3 -m venv .peers-venv
    .peers-venv/bin/pip install zen-engine==2.1.3 pandas pyarrow target/wheels/crmkit-*.whl
    .peers-venv/bin/python bench/complaint_routing.py [RULES] [INPUTS] [REPS]

Timing is CPU time of one thread (time.process_time, best of REPS) for
zen-engine's single `evaluate` and `evaluate_batch`, and crmkit's
`RuleSet.route_many` on the same list of dicts, on a pandas DataFrame and on
a pyarrow Table (the Arrow path: no Python object per value).
"""

import ast
import json
import os
import random
import sys
import time
from pathlib import Path

import pandas as pd
import zen

from crmkit import complaint

PEER = Path(__file__).resolve().parents[2] / "shared" / "peers" / "zen_rules.py"
CHANNEL = {"web_form": "web_form", "social": "social_media", "hq_walkin": "hq_walk_in",
           "complaint_site": "complaint_site", "call_center": "call_center", "dealer": "dealer",
           "qr": "qr", "kiosk": "kiosk"}
FLAG = {"legal": "legal_threat", "cancel": "cancellation_intent", "fraud": "fraud"}
PRIORITY = {"1": "urgent", "2": "high", "3": "normal", "4": "low"}


def peer_setup(n_rules):
    """The peer script's constants and functions (not its benchmark run)."""
    tree = ast.parse(PEER.read_text(encoding="utf-8"))
    keep = [node for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))
            or (isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper()
                                                     for t in node.targets))]
    ns = {"__name__": "zen_rules_setup"}
    saved = sys.argv
    sys.argv = [str(PEER), str(n_rules)]
    try:
        exec(compile(ast.Module(body=keep, type_ignores=[]), str(PEER), "exec"), ns)
    finally:
        sys.argv = saved
    return ns


def values(cell):
    """zen list cell "'a', 'b'" -> ["a", "b"]."""
    return [v.strip().strip("'") for v in cell.split(",") if v.strip()]


def to_crmkit(rules, depts):
    people = [{"id": "lead"}]
    departments = []
    for d in depts + ["customer_relations"]:
        members = [f"{d}_{i}" for i in range(3)] if d != "customer_relations" else ["lead"]
        people += [{"id": m} for m in members if m != "lead"]
        departments.append({"id": d, "members": members})
    out = []
    for r in rules:
        when = {}
        if r["in_channel"]:
            when["channel"] = [CHANNEL[c] for c in values(r["in_channel"])]
        for col, field in (("in_product", "product"), ("in_category", "category"),
                           ("in_segment", "segment")):
            if r[col]:
                when[field] = values(r[col])
        flags = [FLAG[k] for k in ("legal", "cancel", "fraud") if r[f"in_kw_{k}"] == "true"]
        if flags:
            when["flags"] = flags
        if r["in_amount"]:
            when["amount"] = r["in_amount"]
        out.append({"id": r["_id"], "when": when, "department": r["out_dept"].strip("'"),
                    "priority": PRIORITY[r["out_priority"]],
                    "resolution_hours": float(r["out_sla_hours"])})
    return {"version": "zen-200", "hit_policy": "first",
            "fallback": {"department": "customer_relations", "assignee": "lead"},
            "people": people, "departments": departments, "rules": out}


def to_rows(inputs):
    return [{"channel": CHANNEL[c["channel"]], "product": c["product"], "category": c["category"],
             "segment": c["segment"], "amount": c["amount"],
             "flags": [FLAG[k] for k in ("legal", "cancel", "fraud") if c["kw"][k]]}
            for c in inputs]


def best(fn, reps):
    t_best, out = 1e9, None
    for _ in range(reps):
        t = time.process_time()
        out = fn()
        t_best = min(t_best, time.process_time() - t)
    return t_best, out


def main():
    n_rules = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    n_inputs = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    ns = peer_setup(n_rules)
    random.seed(42)
    rules = ns["gen_rules"]()
    inputs = ns["gen_inputs"](n_inputs)
    graph = ns["graph"](rules, "first")

    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"route": graph}}})
    decision = zen.ZenEngine().create_decision(json.dumps(graph))
    ruleset = complaint.RuleSet.from_str(json.dumps(to_crmkit(rules, ns["DEPTS"])), "json")
    rows = to_rows(inputs)
    frame = pd.DataFrame(rows)

    reqs = [{"key": "route", "context": c} for c in inputs]
    t_zen_batch, zen_out = best(lambda: engine.evaluate_batch(reqs), reps)
    assert all(o.get("success") for o in zen_out), "zen-engine failed on some input"
    single = inputs[: max(1, n_inputs // 4)]
    t_zen_single, _ = best(lambda: [decision.evaluate(c) for c in single], reps)
    t_rows, ours = best(lambda: ruleset.route_many(rows), reps)
    t_frame, ours_frame = best(lambda: ruleset.route_many(frame), reps)
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    t_arrow, ours_arrow = best(lambda: ruleset.route_many(table), reps)

    zen_rule = [o["data"]["result"]["route"]["ruleId"] for o in zen_out]
    zen_dept = [o["data"]["result"]["route"]["department"] for o in zen_out]
    our_rule = [d["fired"][0] if d["fired"] else "DEFAULT" for d in ours]
    our_dept = [d["department"] for d in ours]
    same = sum(a == b and c == d for a, b, c, d in zip(zen_rule, our_rule, zen_dept, our_dept))
    frame_same = (ours_frame["department"].tolist() == our_dept
                  and ours_arrow.column("department").to_pylist() == our_dept
                  and ours_arrow.column("assignee").to_pylist() == [d["assignee"] for d in ours])
    named = all(d["assignee"] for d in ours)

    result = {
        "rules": len(rules), "inputs": n_inputs, "cpu": os.cpu_count(),
        "zen_single_per_s": round(len(single) / t_zen_single),
        "zen_batch_per_s": round(n_inputs / t_zen_batch),
        "crmkit_rows_per_s": round(n_inputs / t_rows),
        "crmkit_frame_per_s": round(n_inputs / t_frame),
        "crmkit_arrow_per_s": round(n_inputs / t_arrow),
        "ratio_rows_vs_zen_batch": round(t_zen_batch / t_rows, 1),
        "ratio_frame_vs_zen_batch": round(t_zen_batch / t_frame, 1),
        "ratio_arrow_vs_zen_batch": round(t_zen_batch / t_arrow, 1),
        "identical_rule_and_department": f"{same}/{n_inputs}",
        "frame_equals_rows": frame_same,
        "every_decision_names_a_person": named,
    }
    print(json.dumps(result, indent=1))
    if same != n_inputs or not frame_same or not named:
        sys.exit(1)


if __name__ == "__main__":
    main()
