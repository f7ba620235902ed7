"""Phone parsing throughput: crmkit against Python phonenumbers (parse +
is_valid_number + E.164) on the same 100,000 messy numbers, in one process.

Inputs come from ../shared/peers/contact_inputs.py; setup as in
bench/contact_email.py, plus `phonenumbers==9.0.43` in the venv:

    .peers-venv/bin/python bench/contact_phone.py bench/out/data/phones.jsonl

crmkit also pre-parses labels and Turkish extensions, types the number and
formats it nationally and internationally. Prints items/s (best of N), the
ratio, and agreement on the E.164 of valid numbers.
"""

import json
import sys
import time

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from crmkit import contact


def best(fn, reps):
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


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

    peer()
    t_peer, theirs = best(peer, reps)
    t_scalar, scalar = best(lambda: [(lambda p: p.e164 if p.valid else None)(contact.parse_phone(raw, region)) for raw, region in items], reps)
    t_batch, batch = best(lambda: ours_batch(1), reps)
    t_batch2, _ = best(lambda: ours_batch(2), reps)
    assert scalar == batch
    agree = sum(a == b for a, b in zip(batch, theirs))
    print(f"Phone parsing, {n:,} messy numbers, best of {reps} (phonenumbers: one thread)")
    print()
    print("| implementation | items/s | crmkit faster by |")
    print("|---|---:|---:|")
    print(f"| phonenumbers 9.0.43 parse + is_valid + E.164 | {n / t_peer:,.0f} | |")
    print(f"| crmkit `contact.parse_phone` (loop) | {n / t_scalar:,.0f} | {t_peer / t_scalar:.1f}x |")
    print(f"| crmkit `contact.parse_phones(workers=1)` | {n / t_batch:,.0f} | {t_peer / t_batch:.1f}x |")
    print(f"| crmkit `contact.parse_phones(workers=2)` | {n / t_batch2:,.0f} | {t_peer / t_batch2:.1f}x |")
    print()
    print(f"same valid E.164 (or both invalid): {agree:,}/{n:,} ({100 * agree / n:.2f}%)")
    diffs = [(items[i][0], items[i][1], theirs[i], batch[i]) for i in range(n) if theirs[i] != batch[i]][:12]
    for raw, region, t, o in diffs:
        print(f"  {raw!r} ({region}): phonenumbers {t}, crmkit {o}")


if __name__ == "__main__":
    main()
