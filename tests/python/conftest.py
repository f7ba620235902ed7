import json
import math
import pathlib

import pytest

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "corpus" / "survey.json"


@pytest.fixture(scope="session")
def corpus():
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def expand(runs):
    """Expands [value, count(, weight)] runs into (answers, weights or None)."""
    answers, weights, weighted = [], [], False
    for run in runs:
        value, count = run[0], run[1]
        weight = run[2] if len(run) == 3 else 1.0
        weighted |= len(run) == 3
        answers += [value] * count
        weights += [weight] * count
    return answers, (weights if weighted else None)


def close(a, b, tol):
    return abs(a - b) <= tol or (math.isnan(a) and math.isnan(b))
