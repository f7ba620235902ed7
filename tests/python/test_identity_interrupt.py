"""Ctrl-C during a long identity resolution raises KeyboardInterrupt at once."""

import os
import random
import signal
import sys
import threading
import time

import pytest

from crmkit import identity

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to itself")


def _people(n: int) -> list:
    rnd = random.Random(7)
    first = ["Ayşe", "Mehmet", "Elif", "Can", "Zeynep", "Emre", "Fatma", "Burak"]
    last = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk"]
    rows = []
    for i in range(n):
        f, la = rnd.choice(first), rnd.choice(last)
        rows.append({
            "id": str(i),
            "first_name": f,
            "last_name": la,
            "email": f"{f}.{la}{rnd.randrange(10_000)}@example.com".lower(),
            "phone": f"0532{rnd.randrange(10_000_000):07d}",
            "date_of_birth": f"{rnd.randrange(1, 28):02d}.{rnd.randrange(1, 13):02d}.{rnd.randrange(1950, 2005)}",
            "address": f"{rnd.choice(['Atatürk', 'Cumhuriyet', 'İnönü'])} Cad. No:{rnd.randrange(200)}",
            "city": "Ankara",
            "country": "TR",
        })
    return rows


def test_ctrl_c_during_resolve_raises_keyboard_interrupt_within_a_second():
    # every record in one block: millions of candidate pairs, many seconds of work
    rows = _people(3000)
    settings = {"blocking": [["city"]], "max_block_size": 100_000}
    sent = []

    def interrupt() -> None:
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.5, interrupt)
    # Python's own Ctrl-C handler, whatever an earlier test in this
    # process (Spark, Ray, Dask clients) left installed
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            # one run takes seconds; more follow should a loaded machine
            # start the timer late
            while time.monotonic() - started < 30:
                identity.resolve(rows, settings=settings)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    stopped = time.monotonic()
    assert sent, f"the run ended after {stopped - started:.2f}s, before the interrupt"
    assert stopped - sent[0] < 1.5, f"KeyboardInterrupt came {stopped - sent[0]:.2f}s after SIGINT"
    # the library is usable again afterwards
    assert len(identity.resolve(rows[:50])) == 50
