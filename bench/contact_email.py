"""Email parsing throughput: crmkit against Python email-validator on the
same 100,000 messy addresses, in one process.

Inputs come from ../shared/peers/contact_inputs.py (Faker tr_TR/en_US
addresses with realistic damage). Setup, from the repository root:

    python3 -m venv .peers-venv
    .peers-venv/bin/pip install email-validator==2.4.0 faker==40.54.0 target/wheels/crmkit-*.whl
    PEERS_OUT=bench/out .peers-venv/bin/python ../shared/peers/contact_inputs.py
    .peers-venv/bin/python bench/contact_email.py bench/out/data/emails.jsonl

email-validator runs with check_deliverability=False (no DNS), as in the
peer baseline. crmkit does more per address (dedup key, classification,
typo suggestion). Prints items/s (best of N, wall clock), the ratio by wall
clock and by process CPU time, and how often the two agree on validity.
`columns=True` returns one list per field instead of one object per address.
With a locally built wheel instead of an installed one:

    pip install --no-deps --target /tmp/crmkit-wheel target/wheels/crmkit-*.whl
    PYTHONPATH=/tmp/crmkit-wheel .peers-venv/bin/python bench/contact_email.py bench/out/data/emails.jsonl
"""

import json
import sys
import time

from email_validator import EmailNotValidError, validate_email

from crmkit import contact


def best(fn, reps):
    """Best wall-clock and best process CPU time over `reps` runs (CPU time
    counts every thread of the process; on a shared machine it is the
    steadier figure for single-threaded runs)."""
    walls, cpus = [], []
    out = None
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), out


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    raws = [json.loads(line)["raw"] for line in open(path, encoding="utf-8")]
    n = len(raws)

    def peer():
        valid = []
        for r in raws:
            try:
                validate_email(r, check_deliverability=False)
                valid.append(True)
            except EmailNotValidError:
                valid.append(False)
        return valid

    peer(), contact.parse_emails(raws[:2000])  # warm up both
    runs = {
        "email-validator 2.4 `validate_email`": peer,
        "crmkit `contact.parse_email` (loop)": lambda: [contact.parse_email(r).valid for r in raws],
        "crmkit `contact.parse_emails(workers=1)`": lambda: [e.valid for e in contact.parse_emails(raws, workers=1)],
        "crmkit `contact.parse_emails(workers=2)`": lambda: [e.valid for e in contact.parse_emails(raws, workers=2)],
        "crmkit `contact.parse_emails(columns=True, workers=1)`": lambda: contact.parse_emails(
            raws, columns=True, workers=1
        )["valid"],
        "crmkit `contact.parse_emails(columns=True, workers=2)`": lambda: contact.parse_emails(
            raws, columns=True, workers=2
        )["valid"],
    }
    results = {name: best(fn, reps) for name, fn in runs.items()}
    (t_peer, c_peer, peer_valid), *_ = results.values()
    ours = results["crmkit `contact.parse_emails(workers=1)`"][2]
    for name, (_, _, valid) in results.items():
        assert name.startswith("email-validator") or valid == ours, name
    agree = sum(a == b for a, b in zip(ours, peer_valid))
    print(f"Email parsing, {n:,} messy addresses, best of {reps} (email-validator: one thread)")
    print()
    print("| implementation | items/s | crmkit faster by | by CPU time |")
    print("|---|---:|---:|---:|")
    for name, (t, c, _) in results.items():
        if name.startswith("email-validator"):
            print(f"| {name} | {n / t:,.0f} | | |")
        else:
            print(f"| {name} | {n / t:,.0f} | {t_peer / t:.1f}x | {c_peer / c:.1f}x |")
    print()
    print(f"validity agreement: {agree:,}/{n:,} ({100 * agree / n:.2f}%)")
    disagreements = [(r, p, o) for r, p, o in zip(raws, peer_valid, ours) if p != o][:10]
    for r, p, o in disagreements:
        print(f"  {r!r}: email-validator {'valid' if p else 'invalid'}, crmkit {'valid' if o else 'invalid'}")


if __name__ == "__main__":
    main()
