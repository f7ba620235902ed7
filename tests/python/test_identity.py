import doctest
import pathlib
import pickle

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import crmkit
from crmkit import identity

DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data" / "identity"

ROWS = [
    {"id": "1", "first_name": "Kiyasi", "last_name": "Güçlü", "email": "kiyasi.guclu20@hotmail.com",
     "phone": "(503) 712-4770", "date_of_birth": "22.03.1950", "city": "Elazığ", "country": "TR",
     "updated_at": "2024-01-01"},
    {"id": "2", "first_name": "KİYASİ", "last_name": "GUCLU", "email": None,
     "phone": "+90 503 712 47 70", "date_of_birth": "1950-03-22", "city": "Elazig", "country": "TR",
     "updated_at": "2025-06-01"},
    {"id": "3", "first_name": "Nermin", "last_name": "Güçlü", "email": None,
     "phone": "0503 712 47 70", "date_of_birth": "11.09.1955", "city": "Elazığ", "country": "TR",
     "updated_at": "2023-01-01"},
    {"id": "4", "first_name": "John", "last_name": "Smith", "email": "jsmith@aol.com",
     "phone": "404.980.4051", "date_of_birth": "07/16/1969", "city": "Atlanta", "country": "US",
     "updated_at": "2022-01-01"},
]


def test_module_doctests():
    failures, _ = doctest.testmod(identity, verbose=False)
    assert failures == 0


@pytest.mark.parametrize("kind", ["records", "pandas", "polars", "pyarrow"])
def test_resolve_returns_the_same_kind(kind):
    data = {
        "records": ROWS,
        "pandas": pd.DataFrame(ROWS),
        "polars": pl.DataFrame(ROWS),
        "pyarrow": pa.Table.from_pylist(ROWS),
    }[kind]
    out = identity.resolve(data)
    assert type(out) is type(data)
    if kind == "records":
        cids = [r["cluster_id"] for r in out]
    elif kind == "pyarrow":
        cids = out.column("cluster_id").to_pylist()
    else:
        cids = list(out["cluster_id"])
    # the spouse shares phone, last name and city but is another person
    assert cids == ["1", "1", "3", "4"]


def test_details_explain_households_and_golden_records():
    res = identity.resolve_detailed(ROWS)
    assert res.cluster_ids == ["1", "1", "3", "4"]
    assert ("1", "3") in res.households or ("2", "3") in res.households
    e = res.explain("1", "2")
    total = e["prior"] + sum(f["weight"] for f in e["fields"])
    assert abs(total - e["weight"]) < 1e-9
    assert e["probability"] > 0.99
    assert res.report["clusters"] == 3
    # the one cluster of two, held by the link between its two records
    [top] = res.report["largest_clusters"]
    assert (top["cluster"], top["size"], top["links"], top["pairs_apart"]) == ("1", 2, 1, 0)
    assert (top["weakest_link"]["a"], top["weakest_link"]["b"]) == ("1", "2")
    assert top["weakest_link"]["probability"] == pytest.approx(e["probability"])
    golden = {g["cluster_id"]: g for g in res.golden_records()}
    g = golden["1"]
    assert g["record_ids"] == ["1", "2"]
    # most recent value, shown in its best spelling (Turkish letters kept)
    assert g["fields"]["city"]["value"] == "Elazığ"
    assert g["fields"]["city"]["support"] == 2
    assert g["fields"]["date_of_birth"]["value"] == "1950-03-22"
    assert [p["value"] for p in g["phones"]] == ["+905037124770"]
    same = identity.golden_records(identity.resolve(pd.DataFrame(ROWS)))
    assert [x["record_ids"] for x in same] == [x["record_ids"] for x in res.golden_records()]


def test_model_pickles_and_reuses():
    res = identity.resolve_detailed(ROWS)
    m = res.model
    back = pickle.loads(pickle.dumps(m))
    assert back == m
    assert identity.Model.from_json(m.to_json()) == m
    again = identity.resolve(ROWS, model=back)
    assert [r["cluster_id"] for r in again] == ["1", "1", "3", "4"]
    with pytest.raises(crmkit.InputError):
        identity.Model.from_json('{"prior": "x"}')


def test_labels_progress_threshold_and_errors():
    stages = []
    identity.resolve(ROWS, labels=[("1", "2")], progress=stages.append)
    assert stages == ["standardize", "block", "compare", "train", "score", "cluster"]
    strict = identity.resolve(ROWS, threshold=1.0)
    assert [r["cluster_id"] for r in strict] == ["1", "2", "3", "4"]
    with pytest.raises(crmkit.InputError) as err:
        identity.resolve(ROWS, labels=[("1", "nope")])
    assert "nope" in str(err.value) and err.value.code == "invalid_argument"
    with pytest.raises(crmkit.InputError) as err:
        identity.resolve([{"id": "1"}, {"id": "1"}])
    assert "row 1" in str(err.value)
    with pytest.raises(crmkit.InputError) as err:
        identity.resolve([{"name": "x"}])
    assert "no id column" in str(err.value)
    with pytest.raises(crmkit.InputError) as err:
        identity.resolve(ROWS, settings={"blocking": [["shoe_size"]]})
    assert "shoe_size" in str(err.value)
    with pytest.raises(TypeError):
        identity.resolve("not a table")


def test_progress_true_prints_each_stage_once(capsys):
    identity.resolve(ROWS, progress=True)
    lines = capsys.readouterr().err.splitlines()
    # a run this short has no count lines
    assert lines == [f"crmkit.identity: {s}" for s in ("standardize", "block", "compare", "train", "score", "cluster")]


def test_index_match_insert_delete():
    idx = identity.Index(pd.DataFrame(ROWS))
    assert len(idx) == 4
    hits = idx.match({"first_name": "Kiyasi", "last_name": "Guclu", "phone": "05037124770", "country": "TR",
                      "date_of_birth": "22.03.1950"})
    assert hits[0]["entity_id"] == "1" and hits[0]["probability"] > 0.9
    change = idx.insert({"id": "9", "first_name": "John", "last_name": "SMITH", "email": "jsmith@aol.com",
                         "country": "US"})
    assert change["entity_id"] == "4"
    assert change["events"][0]["event"] == "joined"
    assert idx.entity_of("9") == "4"
    assert idx.delete("3")["events"] == [
        {"event": "left", "entity_id": "3", "record_id": "3"},
        {"event": "removed", "entity_id": "3"},
    ]
    with pytest.raises(crmkit.InputError):
        idx.delete("3")
    prev = idx.assignments()
    assert identity.carry_entity_ids(["1", "2", "4", "9"], ["1", "1", "4", "4"], prev) == ["1", "1", "4", "4"]


@pytest.mark.parametrize("columns", [None, {"given": "first_name"}])
def test_index_match_needs_no_id(columns):
    rows = [{("given" if columns else "first_name") if k == "first_name" else ("record_id" if k == "id" else k): v
             for k, v in r.items()} for r in ROWS]
    idx = identity.Index(pd.DataFrame(rows), id_column="record_id", columns=columns)
    query = {"given" if columns else "first_name": "Kiyasi", "last_name": "Guclu", "phone": "05037124770",
             "country": "TR", "date_of_birth": "22.03.1950"}
    hits = idx.match(query)
    assert hits[0]["entity_id"] == "1" and hits[0]["record_id"] in ("1", "2")
    # a query that carries an id is matched the same way
    assert idx.match({"record_id": "x", **query})[0]["entity_id"] == "1"
    # inserts still need the id column
    with pytest.raises(crmkit.InputError, match="no id column"):
        idx.insert(query)
    assert idx.insert({"record_id": "7", **query})["entity_id"] == "1"


def _febrl(name):
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False).replace("", None)


FEBRL_COLUMNS = {"street_number": "address", "address_1": "address", "address_2": "address", "soc_sec_id": "national_id"}


@pytest.mark.skipif(not DATA.exists(), reason="../shared/data/identity is not present")
def test_febrl4_link_quality():
    a, b = _febrl("febrl4a.csv"), _febrl("febrl4b.csv")
    la, lb = identity.link(a, b, columns=FEBRL_COLUMNS)
    truth = pd.read_csv(DATA / "febrl4_true_pairs.csv", dtype=str)
    ca = dict(zip(la["rec_id"], la["cluster_id"]))
    cb = dict(zip(lb["rec_id"], lb["cluster_id"]))
    found = sum(ca[x] == cb[y] for x, y in zip(truth.rec_id_l, truth.rec_id_r))
    clusters = pd.concat([la[["rec_id", "cluster_id"]], lb[["rec_id", "cluster_id"]]])
    sizes = clusters.groupby("cluster_id").size()
    predicted = int((sizes * (sizes - 1) // 2).sum())
    precision, recall = found / predicted, found / len(truth)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.998, (precision, recall, f1)
