"""The Spark recipe in PySpark local mode (local[2], UI off, 4 shuffle
partitions, 1 GB driver, one session for every test): about 5,000
records, salted and unsalted, equal to crmkit.identity.resolve (links and
clusters computed by Spark, components by Spark or on the driver); components equal to
crmkit.arrow.connected_components; golden records and segmented NPS by
partials. Run by scripts/spark-tests.sh."""

import json
import os
import pathlib
import shutil
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed: the PySpark tests need a JVM (Java 17)", allow_module_level=True)

import pandas as pd  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

import crmkit.spark as cs  # noqa: E402
from crmkit import arrow, identity, survey  # noqa: E402

from _customers import customers  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("crmkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def data():
    df = pd.DataFrame(customers(2500, seed=21))
    assert 4500 <= len(df) <= 5500
    model = identity.resolve_detailed(df).model
    want = dict(zip(df["id"], identity.resolve(df, model=model)["cluster_id"]))
    assert sum(a != b for a, b in want.items()) > 800
    return df, model, want


# unsalted with the components of the links computed on the driver,
# salted with them computed by Spark (driver_links=0)
@pytest.mark.parametrize("salt_above,driver_links", [(None, 2_000_000), (3, 0)])
def test_spark_recipe_equals_resolve(spark, data, salt_above, driver_links):
    df, model, want = data
    sdf = spark.createDataFrame(df).repartition(4)
    stages = []
    clustered = cs.resolve(sdf, model=model, salt_above=salt_above, driver_links=driver_links, progress=stages.append)
    assert stages == ["counts", "pairs", "components", "clusters"]
    got = {r["id"]: r["cluster_id"] for r in clustered.select("id", "cluster_id").collect()}
    assert got == want
    if salt_above is None:
        golden = clustered.groupBy("cluster_id").applyInArrow(*cs.golden_records()).toPandas()
        assert len(golden) == len(set(want.values()))
        sizes = pd.Series(list(want.values())).value_counts().to_dict()
        assert dict(zip(golden["cluster_id"], golden["size"])) == sizes
        one = json.loads(golden["golden"].iloc[0])
        assert one["cluster_id"] == golden["cluster_id"].iloc[0]


@pytest.mark.parametrize("numbers", [False, True])
def test_spark_components_equal_connected_components(spark, numbers):
    import random

    rnd = random.Random(4)
    ids = [str(i).zfill(rnd.randint(0, 5)) if numbers else f"C{i:04d}" for i in range(1500)]
    src = [rnd.choice(ids) for _ in range(700)] + ids[300:350]
    dst = [rnd.choice(ids) for _ in range(700)] + ids[301:351]
    edges = spark.createDataFrame(list(zip(src, dst)), "left_id string, right_id string").repartition(3)
    got = {r["id"]: r["component"] for r in cs.components(edges).collect()}
    want = arrow.connected_components(src, dst).to_pydict()
    linked = {i for a, b in zip(src, dst) if a != b for i in (a, b)}
    assert len(got) == len(linked) > 500
    assert got == {r: c for r, c in zip(want["record_id"], want["cluster_id"]) if r in linked}


def test_spark_segmented_nps_by_partials(spark):
    n = 5000
    df = pd.DataFrame({
        "score": [float((i * 7) % 11) if i % 19 else None for i in range(n)],
        "channel": [["web", "app", "store"][i % 3] for i in range(n)],
    })
    partials = spark.createDataFrame(df, "score double, channel string").repartition(4).mapInArrow(
        *cs.nps_partial(score="score", segment="channel")
    )
    got = cs.nps_finalize(partials.toPandas())
    for row in got.itertuples():
        r = survey.nps(df[df["channel"] == row.segment]["score"].tolist())
        assert (row.n, row.missing) == (r.n, r.missing)
        assert row.nps == pytest.approx(r.nps, abs=1e-9)
