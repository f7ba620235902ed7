"""The Ray recipe on a local Ray instance (2 CPUs, no dashboard): a small
customer table resolved by crmkit.ray.resolve (Ray Data doing every
shuffle, components included) equals crmkit.identity.resolve; the golden
records of its clusters. Run by scripts/ray-tests.sh."""

import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))

ray = pytest.importorskip("ray", reason="ray is not installed: pip install -r tests/ray/requirements.txt")
pytest.importorskip("ray.data", reason="ray[data] is not installed: pip install -r tests/ray/requirements.txt")

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

import crmkit.ray as cr  # noqa: E402
from crmkit import identity  # noqa: E402

from _customers import COLUMNS, customers  # noqa: E402


@pytest.fixture(scope="module")
def session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def data():
    rows = customers(400, seed=17)
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})
    df = table.to_pandas()
    model = identity.resolve_detailed(df).model
    want = dict(zip(df["id"], identity.resolve(df, model=model)["cluster_id"]))
    assert sum(a != b for a, b in want.items()) > 100, "the data has duplicates to find"
    return table, model, want


def collect(ds):
    tables = [t for t in ray.get(ds.to_arrow_refs()) if t.num_rows]
    return pa.concat_tables(tables).to_pandas()


def test_ray_recipe_equals_resolve(session, data):
    table, model, want = data
    ds = ray.data.from_arrow(table).repartition(4)
    clustered = cr.resolve(ds, model=model, num_partitions=2).materialize()
    out = collect(clustered)
    assert len(out) == table.num_rows
    assert dict(zip(out["id"], out["cluster_id"])) == want
    golden = collect(cr.golden_records(clustered))
    sizes = pd.Series(list(want.values())).value_counts().to_dict()
    assert dict(zip(golden["cluster_id"], golden["size"])) == sizes
    for cid, text in zip(golden["cluster_id"], golden["golden"]):
        g = json.loads(text)
        assert sorted(g["record_ids"]) == sorted(i for i, c in want.items() if c == cid)


def test_ray_components_equal_connected_components(session):
    import random

    from crmkit import arrow

    rnd = random.Random(8)
    ids = [str(i).zfill(rnd.randint(0, 4)) for i in range(600)]
    src = [rnd.choice(ids) for _ in range(300)] + ids[100:130]
    dst = [rnd.choice(ids) for _ in range(300)] + ids[101:131]
    edges = ray.data.from_arrow(pa.table({"left_id": src, "right_id": dst}))
    got = collect(cr.components(edges, num_partitions=2))
    want = arrow.connected_components(src, dst).to_pydict()
    linked = {i for a, b in zip(src, dst) if a != b for i in (a, b)}
    assert len(got) == len(linked) > 200
    assert dict(zip(got["id"], got["component"])) == {r: c for r, c in zip(want["record_id"], want["cluster_id"]) if r in linked}
