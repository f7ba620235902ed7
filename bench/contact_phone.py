"""Phone parsing throughput: crmkit against Python phonenumbers (parse +
is_valid_number + E.164) on the same 100,000 messy numbers, in one process.

Inputs come from ../shared/peers/contact_inputs.py; setup as in
bench/contact_email.py, plus `phonenumbers==9.0.43` in the venv:

    .peers-venv/bin/python bench/contact_phone.py bench/out/data/phones.jsonl

crmkit also pre-parses labels and Turkish extensions, types the number and
formats it nationally and internationally (the object forms; the columnar
form `columns=True` skips the formats unless `formats=True`). Prints items/s
(best of N, wall clock), the ratio by wall clock and by process CPU time,
and agreement on the E.164 of valid numbers.
"""

import json
import sys
import time

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from crmkit import contact


def best(fn, reps):
    """Best wall-clock and best process CPU time over `reps` runs."""
    walls, cpus, out = [], [], None
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), out


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    items = [(r["raw"], r.get("region") or "TR") for r in rows]
    n = len(items)

    def peer():
        out = []
        for raw, region in items:
            try:
                num = phonenumbers.parse(raw, region)
            except NumberParseException:
                out.append(None)
                continue
            out.append(phonenumbers.format_number(num, PhoneNumberFormat.E164) if phonenumbers.is_valid_number(num) else None)
        return out

    regions = sorted({r for _, r in items})
    by_region = {r: [i for i, (_, rr) in enumerate(items) if rr == r] for r in regions}

    def ours_batch(workers):
        out = [None] * n
        for r, idx in by_region.items():
            for i, p in zip(idx, contact.parse_phones([items[i][0] for i in idx], region=r, workers=workers)):
                out[i] = p.e164 if p.valid else None
        return out

    raws = [raw for raw, _ in items]
    region_list = [region for _, region in items]

    def ours_columns(workers):
        cols = contact.parse_phones(raws, columns=True, regions=region_list, workers=workers)
        return [e if v else None for e, v in zip(cols["e164"], cols["valid"])]

    peer()
    runs = {
        "phonenumbers 9.0.43 parse + is_valid + E.164": peer,
        "crmkit `contact.parse_phone` (loop)": lambda: [
            (lambda p: p.e164 if p.valid else None)(contact.parse_phone(raw, region)) for raw, region in items
        ],
        "crmkit `contact.parse_phones(workers=1)`": lambda: ours_batch(1),
        "crmkit `contact.parse_phones(workers=2)`": lambda: ours_batch(2),
        "crmkit `contact.parse_phones(columns=True, regions=..., workers=1)`": lambda: ours_columns(1),
        "crmkit `contact.parse_phones(columns=True, regions=..., workers=2)`": lambda: ours_columns(2),
    }
    results = {name: best(fn, reps) for name, fn in runs.items()}
    (t_peer, c_peer, theirs), *_ = results.values()
    batch = results["crmkit `contact.parse_phones(workers=1)`"][2]
    for name, (_, _, out) in results.items():
        assert name.startswith("phonenumbers") or out == batch, name
    agree = sum(a == b for a, b in zip(batch, theirs))
    print(f"Phone parsing, {n:,} messy numbers, best of {reps} (phonenumbers: one thread)")
    print()
    print("| implementation | items/s | crmkit faster by | by CPU time |")
    print("|---|---:|---:|---:|")
    for name, (t, c, _) in results.items():
        if name.startswith("phonenumbers"):
            print(f"| {name} | {n / t:,.0f} | | |")
        else:
            print(f"| {name} | {n / t:,.0f} | {t_peer / t:.1f}x | {c_peer / c:.1f}x |")
    print()
    print(f"same valid E.164 (or both invalid): {agree:,}/{n:,} ({100 * agree / n:.2f}%)")
    diffs = [(items[i][0], items[i][1], theirs[i], batch[i]) for i in range(n) if theirs[i] != batch[i]][:12]
    for raw, region, t, o in diffs:
        print(f"  {raw!r} ({region}): phonenumbers {t}, crmkit {o}")


if __name__ == "__main__":
    main()
