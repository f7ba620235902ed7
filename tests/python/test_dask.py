"""The Dask recipe with the threads and the processes schedulers on a few
thousand records, salted and unsalted: equal to the single-machine
crmkit.identity.resolve; connected components computed by Dask equal
crmkit.arrow.connected_components."""

import json

import pandas as pd
import pytest

dask = pytest.importorskip("dask", reason="dask is not installed (tests/python/requirements.txt)")
dd = pytest.importorskip("dask.dataframe")

import crmkit.dask as cd  # noqa: E402
from crmkit import arrow, identity, survey  # noqa: E402

from _customers import customers  # noqa: E402


@pytest.fixture(scope="module")
def data():
    df = pd.DataFrame(customers(1800, seed=11))
    assert len(df) > 3000
    res = identity.resolve_detailed(df)
    want = dict(zip(df["id"], identity.resolve(df, model=res.model)["cluster_id"]))
    assert sum(a != b for a, b in want.items()) > 500, "the data has duplicates to find"
    return df, res.model, want


@pytest.mark.parametrize("scheduler,salt_above", [("threads", None), ("processes", None), ("threads", 3), ("processes", 3)])
def test_dask_recipe_equals_resolve(data, scheduler, salt_above):
    df, model, want = data
    ddf = dd.from_pandas(df, npartitions=6)
    with dask.config.set(scheduler=scheduler):
        clustered = cd.resolve(ddf, model=model, salt_above=salt_above)
        out = clustered.compute()
        assert len(out) == len(df)
        got = dict(zip(out["id"].astype(str), out["cluster_id"].astype(str)))
        assert got == want
        golden = cd.golden_records(clustered).compute()
    assert len(golden) == len(set(want.values()))
    sizes = pd.Series(list(want.values())).value_counts()
    assert dict(zip(golden["cluster_id"], golden["size"])) == sizes.to_dict()
    expected = {g["cluster_id"]: g for g in identity.golden_records(df.assign(cluster_id=[want[i] for i in df["id"]]))}
    for cid, text in zip(golden["cluster_id"], golden["golden"]):
        g = json.loads(text)
        assert sorted(g["record_ids"]) == sorted(expected[cid]["record_ids"])


@pytest.mark.parametrize("numbers", [False, True])
def test_dask_components_equal_connected_components(numbers):
    import random

    rnd = random.Random(3)
    ids = [str(i).zfill(rnd.randint(0, 5)) if numbers else f"C{i:04d}" for i in range(1500)]
    src = [rnd.choice(ids) for _ in range(700)] + ids[200:260] + ["00", "0"]
    dst = [rnd.choice(ids) for _ in range(700)] + ids[201:261] + ["0", "000"]
    if not numbers:
        src, dst = src[:-2], dst[:-2]
    edges = pd.DataFrame({"left_id": src, "right_id": dst})
    want = arrow.connected_components(src, dst).to_pandas()
    with dask.config.set(scheduler="threads"):
        got = cd.components(dd.from_pandas(edges, npartitions=3), npartitions=3).compute()
    linked = {i for a, b in zip(src, dst) if a != b for i in (a, b)}
    assert len(got) == len(linked) > 500
    assert dict(zip(got["id"], got["component"])) == {r: c for r, c in zip(want["record_id"], want["cluster_id"]) if r in linked}


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_dask_segmented_nps_by_partials(scheduler):
    n = 5000
    df = pd.DataFrame({
        "score": [float((i * 7) % 11) if i % 17 else float("nan") for i in range(n)],
        "channel": [["web", "app", "store", "call"][i % 4] for i in range(n)],
    })
    with dask.config.set(scheduler=scheduler):
        got = cd.nps_by(dd.from_pandas(df, npartitions=7), score="score", segment="channel")
    assert list(got["segment"]) == ["app", "call", "store", "web"]
    for row in got.itertuples():
        part = df[df["channel"] == row.segment]["score"].tolist()
        r = survey.nps(part)
        assert row.n == r.n and row.missing == r.missing
        assert row.nps == pytest.approx(r.nps, abs=1e-9)
        assert row.low == pytest.approx(r.low, abs=1e-9)
