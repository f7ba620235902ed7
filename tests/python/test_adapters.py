"""The Spark and Ray adapters without a cluster: their callables driven
the way mapInArrow / applyInArrow and map_batches / map_groups drive them
(batches in, grouped tables in), with the shuffles done by pyarrow. The
recipe equals crmkit.identity.resolve."""

import json
import pickle

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import crmkit.ray as cr
import crmkit.spark as cs
from crmkit import arrow, identity, survey

from _customers import COLUMNS, customers


@pytest.fixture(scope="module")
def data():
    rows = customers(700, seed=13)
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})
    df = table.to_pandas()
    model = identity.resolve_detailed(df).model
    want = dict(zip(df["id"], identity.resolve(df, model=model)["cluster_id"]))
    return table, model, want


def batches(table, size):
    return table.to_batches(max_chunksize=size)


def groups(table, keys):
    """The tables groupBy(keys).applyInArrow would hand over."""
    df = table.to_pandas()
    for _, g in df.groupby(keys, sort=True):
        yield pa.Table.from_pandas(g, preserve_index=False)


def joined_pairs(table, pairs):
    recs = table.to_pandas().set_index("id", drop=False)
    left = recs.loc[pairs["left_id"]].add_prefix("l:").reset_index(drop=True)
    right = recs.loc[pairs["right_id"]].add_prefix("r:").reset_index(drop=True)
    return pa.Table.from_pandas(left.join(right), preserve_index=False)


def test_spark_functions_reproduce_resolve(data):
    table, model, want = data
    # the functions travel to executors pickled, with their model
    counts_fn, counts_schema = pickle.loads(pickle.dumps(cs.term_counts()))
    keys_fn, keys_schema = cs.blocking_keys()
    assert keys_schema.startswith("record_id string") and counts_schema.endswith("count long")
    counts = pa.Table.from_batches(list(counts_fn(iter(batches(table, 111))))).to_pandas()
    counts = counts.groupby(["field", "value"], as_index=False)["count"].sum()
    keys = pa.Table.from_batches(list(keys_fn(iter(batches(table, 97)))))
    assert keys.schema.field("rule_id").type == pa.int32()
    pairs_fn, _ = cs.block_pairs()
    pairs = pa.concat_tables([pairs_fn(g) for g in groups(keys, ["rule_id", "key"])]).to_pandas()
    pairs = pairs.drop_duplicates(["left_id", "right_id"])
    score_fn, edges_schema = pickle.loads(pickle.dumps(cs.score_pairs(model, counts)))
    edges = pa.Table.from_batches(list(score_fn(iter(batches(joined_pairs(table, pairs), 250))))).to_pandas()
    comp = cs.connected_components(edges)
    members = table.to_pandas().merge(comp, on="id")
    cluster_fn, clusters_schema = cs.cluster_component(edges)
    assert clusters_schema == "id string, cluster_id string"
    clusters = pa.concat_tables([cluster_fn(g) for g in groups(pa.Table.from_pandas(members, preserve_index=False), "component")])
    got = dict(zip(table.column("id").to_pylist(), table.column("id").to_pylist()))
    got.update(zip(clusters.column("id").to_pylist(), clusters.column("cluster_id").to_pylist()))
    assert got == want
    clustered = table.append_column("cluster_id", pa.array([got[i] for i in table.column("id").to_pylist()]))
    golden_fn, _ = cs.golden_records()
    golden = pa.concat_tables([golden_fn(g) for g in groups(clustered, "cluster_id")])
    assert sorted(golden.column("cluster_id").to_pylist()) == sorted(set(want.values()))
    assert all(len(json.loads(g)["record_ids"]) == s for g, s in zip(golden.column("golden").to_pylist(), golden.column("size").to_pylist()))


def test_spark_and_ray_nps_partials():
    scores = [float((i * 5) % 11) for i in range(2000)]
    chan = [["web", "app"][i % 2] for i in range(2000)]
    answers = pa.table({"score": scores, "channel": chan})
    fn, schema = cs.nps_partial(score="score", segment="channel")
    assert schema == "segment string, tally string"
    got = cs.nps_finalize(pa.Table.from_batches(list(fn(iter(batches(answers, 300))))))
    part = cr.NpsPartial(score="score", segment="channel")
    ray_got = arrow.nps_finalize(pa.concat_tables([part(b) for b in batches(answers, 333)])).to_pandas()
    for frame in (got, ray_got):
        web = [s for s, c in zip(scores, chan) if c == "web"]
        row = frame[frame["segment"] == "web"].iloc[0]
        assert row["nps"] == pytest.approx(survey.nps(web).nps, abs=1e-9)
        assert row["n"] == len(web)


def test_ray_classes_reproduce_resolve(data):
    table, model, want = data
    counts = arrow.merge_counts(pa.concat_tables([cr.TermCounts()(b) for b in batches(table, 150)]))
    keys = pa.concat_tables([cr.BlockingKeys()(b) for b in batches(table, 123)])
    bp = cr.BlockPairs()
    pairs = pa.concat_tables([bp(g) for g in groups(keys, ["rule_id", "key"])]).to_pandas()
    pairs = pairs.drop_duplicates(["left_id", "right_id"])
    scorer = pickle.loads(pickle.dumps(cr.ScorePairs(model, counts)))
    edges = pa.concat_tables([scorer(b) for b in batches(joined_pairs(table, pairs), 200)])
    assert pc.min(edges.column("probability")).as_py() >= 0.5
    comp = arrow.connected_components(edges.column("left_id"), edges.column("right_id"))
    comp = pa.table({"id": comp.column("record_id"), "component": comp.column("cluster_id")})
    members = table.join(comp, "id")
    cc = cr.ClusterComponent(edges)
    clusters = pa.concat_tables([cc(g) for g in groups(members, "component")])
    got = dict(zip(table.column("id").to_pylist(), table.column("id").to_pylist()))
    got.update(zip(clusters.column("record_id").to_pylist(), clusters.column("cluster_id").to_pylist()))
    assert got == want
    clustered = table.append_column("cluster_id", pa.array([got[i] for i in table.column("id").to_pylist()]))
    gr = cr.GoldenRecords()
    golden = pa.concat_tables([gr(g) for g in groups(clustered, "cluster_id")])
    assert golden.num_rows == len(set(want.values()))


def test_id_keys_order_ids_like_connected_components():
    import random

    from crmkit import _recipe

    rnd = random.Random(5)
    digits = [str(rnd.randint(0, 5000)).zfill(rnd.randint(0, 6)) for _ in range(300)] + ["0", "00", "000"]
    texts = [f"C{rnd.randint(0, 999)}" for _ in range(300)] + ["a10", "a9", "b", "ç", "Z"]
    for ids in (digits, texts):
        assert all(_recipe.id_of_key(_recipe.id_key(i)) == i for i in ids)
        src = [rnd.choice(ids) for _ in range(200)]
        dst = [rnd.choice(ids) for _ in range(200)]
        # a path through every id: one component named by its smallest id
        comp = arrow.connected_components(pa.array(ids[:-1]), pa.array(ids[1:]))
        assert set(comp.column("cluster_id").to_pylist()) == {min(ids, key=_recipe.id_key)}
        comp = arrow.connected_components(pa.array(src), pa.array(dst)).to_pydict()
        for a, b in zip(src, dst):
            lo = min(a, b, key=_recipe.id_key)
            got = comp["cluster_id"][comp["record_id"].index(a)]
            assert _recipe.id_key(got) <= _recipe.id_key(lo)


def test_spark_cluster_group_takes_each_components_own_links(data):
    table, model, want = data
    pairs = pa.Table.from_batches([arrow.block_pairs(arrow.blocking_keys(table))]).to_pandas()
    pairs = pairs.drop_duplicates(["left_id", "right_id"])
    edges = arrow.score_pairs(model, *(pa.Table.from_pandas(t, preserve_index=False) for t in (
        table.to_pandas().set_index("id", drop=False).loc[pairs["left_id"]].reset_index(drop=True),
        table.to_pandas().set_index("id", drop=False).loc[pairs["right_id"]].reset_index(drop=True))),
        min_score=0.5, counts=arrow.term_counts(table))
    edges = pa.Table.from_batches([edges])
    comp = arrow.connected_components(edges.column("left_id"), edges.column("right_id"))
    comp = pa.table({"id": comp.column("record_id"), "component": comp.column("cluster_id")})
    members = table.join(comp, "id")
    links = edges.join(comp.rename_columns(["left_id", "component"]), "left_id")
    fn, schema = cs.cluster_group()
    assert schema == "id string, cluster_id string"
    by = {c: (m, links.filter(pc.equal(links.column("component"), c))) for c, m in (
        (c, members.filter(pc.equal(members.column("component"), c))) for c in sorted(set(comp.column("component").to_pylist())))}
    assert all(e.num_rows > 0 for _, e in by.values())
    clusters = pa.concat_tables([fn(m, e) for m, e in by.values()])
    got = dict(zip(table.column("id").to_pylist(), table.column("id").to_pylist()))
    got.update(zip(clusters.column("id").to_pylist(), clusters.column("cluster_id").to_pylist()))
    assert got == want


def test_salted_pieces_pair_like_whole_blocks(data):
    from crmkit import _recipe

    table, _, _ = data
    keys = pa.Table.from_batches([arrow.blocking_keys(table)])
    whole = pa.Table.from_batches([arrow.block_pairs(keys)]).to_pandas()
    sizes = keys.group_by(["rule_id", "key"]).aggregate([("record_id", "count")]).rename_columns(["rule_id", "key", "count"])
    cap = _recipe.DEFAULT_MAX_BLOCK_SIZE  # larger blocks are paired by sorted neighbourhood, never salted
    plan = arrow.salting_plan(sizes.filter(pc.less_equal(sizes.column("count"), cap)), max_block_size=2).to_pandas()
    assert len(plan) > 10 and plan["salts"].max() > 2
    salted = keys.to_pandas().merge(plan[["rule_id", "key", "salts"]], on=["rule_id", "key"], how="left")
    rows = _recipe.salt_rows(pa.Table.from_pandas(salted, preserve_index=False))
    assert rows.num_rows > keys.num_rows and set(rows.column("side").to_pylist()) == {None, "left", "right"}
    # pieces in any grouping: all rows at once, or one salt at a time
    got = _recipe.block_pairs(rows, {}).to_pandas()
    key = ["left_id", "right_id", "rule_id"]
    assert sorted(map(tuple, got[key].values.tolist())) == sorted(map(tuple, whole[key].values.tolist()))
