"""crmkit.arrow: PyCapsule inputs from pyarrow, polars and pandas, every
string type, results as pyarrow batches, and the batch pipeline equal to
crmkit.identity.resolve."""

import pickle
import random

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import crmkit
from crmkit import arrow, identity

from _customers import COLUMNS, customers


def python_stable_hash(text):
    # the documented hash, written out independently of the Rust code
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return h ^ (h >> 31)


@pytest.fixture(scope="module")
def table():
    rows = customers(400, seed=3)
    return pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})


def test_stable_hash_salts_and_chunks_agree_with_plain_python():
    rnd = random.Random(1)
    ids = ["", "a", "R0000001", "İzmir", "Çağla Öztürk"] + [str(rnd.getrandbits(40)) for _ in range(200)]
    for i in ids:
        h = python_stable_hash(i)
        assert arrow.stable_hash(i) == h
        assert arrow.salt_for(i, 7) == h % 7
        assert arrow.chunk_of(i, 5) == (h >> 32) % 5
    col = pa.array(ids + [None])
    assert arrow.salts(col, 7).to_pylist() == [python_stable_hash(i) % 7 for i in ids] + [None]
    assert arrow.chunks(col, 5).to_pylist() == [(python_stable_hash(i) >> 32) % 5 for i in ids] + [None]
    with pytest.raises(crmkit.InputError):
        arrow.salt_for("x", 0)


@pytest.mark.parametrize("string_type", [pa.string(), pa.large_string(), pa.string_view()])
def test_every_string_type_and_pycapsule_producer(string_type):
    emails = ["Ayse.Yilmaz+x@GoogleMail.com", None, "mehmet@gmaıl.com", "not an email"]
    want = arrow.parse_emails(pa.array(emails)).to_pylist()
    got = arrow.parse_emails(pa.array(emails, type=string_type))
    assert isinstance(got, pa.RecordBatch)
    assert got.to_pylist() == want
    assert want[0]["dedup_key"] == "ayseyilmaz@gmail.com"
    assert want[1]["valid"] is None
    assert want[2]["suggestion"] == "mehmet@gmail.com"
    assert want[3]["valid"] is False
    # polars Series, pandas Series, a chunked array (a stream) give the same rows
    assert arrow.parse_emails(pl.Series(emails)).to_pylist() == want
    assert arrow.parse_emails(pd.Series(emails)).to_pylist() == want
    assert arrow.parse_emails(pa.chunked_array([emails[:1], emails[1:]])).to_pylist() == want
    phones = arrow.parse_phones(pa.array(["0532 123 45 67", "0212 123 45 67 dahili 12", None], type=string_type), region="TR")
    assert phones.column("e164").to_pylist() == ["+905321234567", "+902121234567", None]
    assert phones.column("extension").to_pylist()[1] == "12"


@pytest.mark.parametrize("string_type", [pa.string(), pa.large_string(), pa.string_view()])
def test_fold_emails_is_trim_and_unicode_lowercase(string_type):
    emails = [" Ayse@Firma.COM.TR\t", None, "İLKER@MAİL.COM", "", "ÇAĞLA@Örnek.com "]
    got = arrow.fold_emails(pa.array(emails, type=string_type))
    assert isinstance(got, pa.Array)
    assert got.to_pylist() == ["ayse@firma.com.tr", None, "ilker@mail.com", "", "çağla@örnek.com"]
    # the ASCII rows agree with Arrow's own lower(trim())
    ascii_rows = pa.array(["  A.B@X.COM", "c@d.org ", None])
    import pyarrow.compute as pc
    assert arrow.fold_emails(ascii_rows).to_pylist() == pc.utf8_lower(pc.utf8_trim_whitespace(ascii_rows)).to_pylist()
    with pytest.raises(crmkit.InputError, match="emails"):
        arrow.fold_emails(pa.array([1, 2]))


def test_bad_input_raises_crmkit_errors():
    with pytest.raises(crmkit.InputError, match="string column"):
        arrow.parse_emails(pa.array([1, 2]))
    with pytest.raises(TypeError):
        arrow.parse_emails(object())
    with pytest.raises(crmkit.ContactError):
        arrow.parse_phones(pa.array(["1"]), region="XX")
    with pytest.raises(crmkit.InputError, match="no id column"):
        arrow.blocking_keys(pa.table({"first_name": ["Ali"]}))
    with pytest.raises(crmkit.InputError, match="row 1 is 11"):
        arrow.nps_partial(pa.array([10, 11]))


def test_any_split_concatenated_equals_the_whole(table):
    rnd = random.Random(5)
    for _ in range(4):
        cuts = sorted(rnd.sample(range(1, table.num_rows), 3))
        parts = [table.slice(a, b - a) for a, b in zip([0] + cuts, cuts + [table.num_rows])]
        for f in (arrow.blocking_keys, arrow.term_counts):
            whole = f(table)
            pieces = pa.Table.from_batches([f(p) for p in parts])
            if f is arrow.term_counts:
                pieces = pa.table(arrow.merge_counts(pieces))
            assert pieces.to_pylist() == pa.table(whole).to_pylist()
        # polars and pandas frames give the same keys as pyarrow
    assert arrow.blocking_keys(pl.from_arrow(table)).to_pylist() == arrow.blocking_keys(table).to_pylist()
    for t in (pa.large_string(), pa.string_view()):
        # built, not cast: pyarrow 22 crashes exporting string columns cast to string_view
        other = pa.table({n: pa.array(table.column(n).to_pylist(), t) for n in table.column_names})
        assert other.schema.field("id").type == t
        assert arrow.blocking_keys(other).to_pylist() == arrow.blocking_keys(table).to_pylist()
    assert arrow.blocking_keys(table.to_pandas()).to_pylist() == arrow.blocking_keys(table).to_pylist()


def test_pipeline_equals_resolve_and_model_pickles(table):
    df = table.to_pandas()
    model = identity.resolve_detailed(df).model
    model = pickle.loads(pickle.dumps(model))
    want = dict(zip(df["id"], identity.resolve(df, model=model)["cluster_id"]))
    keys = pa.table(arrow.blocking_keys(table))
    pairs = pa.table(arrow.block_pairs(keys)).to_pandas()[["left_id", "right_id"]].drop_duplicates()
    recs = df.set_index("id", drop=False)
    left = pa.Table.from_pandas(recs.loc[pairs["left_id"]], preserve_index=False)
    right = pa.Table.from_pandas(recs.loc[pairs["right_id"]], preserve_index=False)
    counts = arrow.term_counts(table)
    edges = arrow.score_pairs(model, left, right, min_score=0.5, counts=counts)
    assert edges.num_rows > 50
    assert all(p >= 0.5 for p in edges.column("probability").to_pylist())
    assert "gamma_first_name" in edges.schema.names
    comp = arrow.connected_components(edges.column("left_id"), edges.column("right_id"))
    clusters = arrow.cluster_component(table.filter(pa.compute.is_in(table.column("id"), comp.column("record_id"))), edges)
    got = dict(zip(df["id"], df["id"]))
    got.update(zip(clusters.column("record_id").to_pylist(), clusters.column("cluster_id").to_pylist()))
    assert got == want
    # golden records per cluster, as identity.golden_records gives them
    clustered = table.append_column("cluster_id", pa.array([got[i] for i in df["id"]]))
    golden = arrow.golden_records(clustered)
    expected = identity.golden_records(df.assign(cluster_id=[got[i] for i in df["id"]]))
    assert golden.num_rows == len(expected)
    assert [len(__import__("json").loads(g)["record_ids"]) for g in golden.column("golden").to_pylist()] == golden.column("size").to_pylist()


def test_score_pairs_without_counts_and_filters():
    left = pa.table({"id": ["1", "3"], "first_name": ["Ayşe", "Ali"], "last_name": ["Yılmaz", "Kaya"], "email": ["ayse.yilmaz@gmail.com", None]})
    right = pa.table({"id": ["2", "4"], "first_name": ["AYSE", "Veli"], "last_name": ["YILMAZ", "Demir"], "email": ["ayseyilmaz@gmail.com", None]})
    all_pairs = arrow.score_pairs(identity.Model.default(), left, right)
    assert all_pairs.num_rows == 2
    p = all_pairs.column("probability").to_pylist()
    assert p[0] > 0.8 > p[1]
    kept = arrow.score_pairs(identity.Model.default(), left, right, min_score=0.5)
    assert kept.column("left_id").to_pylist() == ["1"]
    # the model travels pickled and scores the same pairs on the other side
    model = pickle.loads(pickle.dumps(identity.Model.default()))
    assert model.score_pairs(left, right, min_score=0.5).to_pylist() == kept.to_pylist()
    # pairs are oriented by id: swapping the sides changes nothing
    assert arrow.score_pairs(model, right, left).to_pylist() == all_pairs.to_pylist()
    with pytest.raises(crmkit.InputError, match="left"):
        arrow.score_pairs(identity.Model.default(), left.slice(0, 1), right)


def test_nps_partials_merge_exactly():
    rnd = random.Random(2)
    scores = [rnd.choice([None] + list(range(11))) for _ in range(3000)]
    segs = [rnd.choice(["web", "app", "store"]) for _ in scores]
    whole = arrow.nps_finalize(arrow.nps_partial(pa.array(scores, pa.float64()), segments=pa.array(segs)))
    parts = [arrow.nps_partial(pa.array(scores[i:i + 700], pa.float64()), segments=pa.array(segs[i:i + 700])) for i in range(0, 3000, 700)]
    merged = arrow.nps_merge(pa.Table.from_batches(parts[::-1]))
    assert merged.num_rows == 3
    assert arrow.nps_finalize(merged).to_pylist() == whole.to_pylist()
    web = [s for s, g in zip(scores, segs) if g == "web"]
    row = [r for r in whole.to_pylist() if r["segment"] == "web"][0]
    assert row["nps"] == pytest.approx(crmkit.survey.nps(web).nps, abs=1e-9)
    assert row["missing"] == sum(s is None for s in web)


def test_salting_plan():
    counts = pa.table({"rule_id": pa.array([0, 0, 1], pa.uint32()), "key": ["yilmaz", "kaya", "x"], "count": [2500, 40, 1001]})
    plan = arrow.salting_plan(counts, max_block_size=1000)
    assert plan.to_pylist() == [
        {"rule_id": 0, "key": "yilmaz", "count": 2500, "salts": 3},
        {"rule_id": 1, "key": "x", "count": 1001, "salts": 2},
    ]
