"""The shared bad-input corpus (tests/corpus/bad/) through the Python API:
every case that names a Python reader raises a crmkit.CrmkitError with the
case's stable code, never a plain exception or a crash."""

import json
import pathlib

import pytest

from crmkit import CrmkitError, complaint, engagement

BAD = pathlib.Path(__file__).resolve().parents[1] / "corpus" / "bad"

def apply_events(text):
    """A JSON array or NDJSON of events into a fresh store, which must stay
    empty when the batch is refused."""
    text = text.strip()
    events = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line.strip()]
    store = engagement.Store()
    try:
        store.apply_many(events)
    finally:
        assert json.loads(store.snapshot())["profiles"] == [], "a refused batch changed the store"


READERS = {
    "Store.apply_many": apply_events,
    "RuleSet.from_str": complaint.RuleSet.from_str,
    "CategoryRules.from_str": complaint.CategoryRules.from_str,
    "Calendar.from_str": complaint.Calendar.from_str,
}


def parse(path):
    data = path.read_bytes()
    head, _, body = data.partition(b"\n---\n")
    keys = {}
    for line in head.decode("utf-8").splitlines():
        key, _, value = line.partition(": ")
        keys.setdefault(key, value)
    return keys, body


CASES = sorted(BAD.glob("*.case"))


def test_the_corpus_is_there():
    assert len(CASES) >= 20
    assert sum(1 for c in CASES if "python" in parse(c)[0]) >= 4


@pytest.mark.parametrize("path", [c for c in CASES if "python" in parse(c)[0]], ids=lambda p: p.stem)
def test_python_readers_raise_the_stable_code(path):
    keys, body = parse(path)
    reader = READERS[keys["python"]]
    with pytest.raises(CrmkitError) as info:
        reader(body.decode("utf-8"))
    assert info.value.code == keys["code"], str(info.value)
    assert str(info.value)
