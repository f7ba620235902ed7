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
typo suggestion). Prints items/s (best of N), the ratio, and how often the
two agree on validity.
"""

import json
import sys
import time

from email_validator import EmailNotValidError, validate_email

from crmkit import contact


def best(fn, reps):
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


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
    t_peer, peer_valid = best(peer, reps)
    t_scalar, scalar = best(lambda: [contact.parse_email(r).valid for r in raws], reps)
    t_batch, batch = best(lambda: contact.parse_emails(raws, workers=1), reps)
    t_batch2, _ = best(lambda: contact.parse_emails(raws, workers=2), reps)
    ours = [e.valid for e in batch]
    assert ours == scalar
    agree = sum(a == b for a, b in zip(ours, peer_valid))
    print(f"Email parsing, {n:,} messy addresses, best of {reps} (email-validator: one thread)")
    print()
    print("| implementation | items/s | crmkit faster by |")
    print("|---|---:|---:|")
    print(f"| email-validator 2.4 `validate_email` | {n / t_peer:,.0f} | |")
    print(f"| crmkit `contact.parse_email` (loop) | {n / t_scalar:,.0f} | {t_peer / t_scalar:.1f}x |")
    print(f"| crmkit `contact.parse_emails(workers=1)` | {n / t_batch:,.0f} | {t_peer / t_batch:.1f}x |")
    print(f"| crmkit `contact.parse_emails(workers=2)` | {n / t_batch2:,.0f} | {t_peer / t_batch2:.1f}x |")
    print()
    print(f"validity agreement: {agree:,}/{n:,} ({100 * agree / n:.2f}%)")
    disagreements = [(r, p, o) for r, p, o in zip(raws, peer_valid, ours) if p != o][:10]
    for r, p, o in disagreements:
        print(f"  {r!r}: email-validator {'valid' if p else 'invalid'}, crmkit {'valid' if o else 'invalid'}")


if __name__ == "__main__":
    main()
