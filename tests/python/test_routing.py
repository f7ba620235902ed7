"""Complaint routing from Python: rule sets from files and text, one
complaint and batches (lists, dicts of columns, pandas, polars, pyarrow),
the state passed in and returned, examples, lint and errors."""

import datetime as dt
import pathlib
import pickle

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import crmkit
from crmkit import complaint

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "crates" / "crmkit" / "examples" / "routing" / "tr-ecommerce.toml"
CALENDAR = ROOT / "crates" / "crmkit" / "examples" / "calendars" / "tr-2026-2027.toml"

SMALL = """
version = "p1"
fallback = { department = "care", assignee = "deniz" }
people = [{ id = "ayse" }, { id = "mehmet" }, { id = "deniz" }, { id = "elif" }]
[[departments]]
id = "logistics"
members = ["ayse", "mehmet"]
[[departments]]
id = "legal"
owner = "elif"
strategy = "fixed"
fallback = "care"
[[departments]]
id = "care"
members = ["deniz"]
[[rules]]
id = "legal"
when = { flags = ["legal_threat"] }
department = "legal"
priority = "urgent"
[[rules]]
id = "late"
when = { category = "late_delivery", amount = "<= 1000" }
department = "logistics"
resolution_hours = 4
[[rules]]
id = "default"
department = "care"
"""


@pytest.fixture(scope="module")
def rules():
    return complaint.RuleSet.from_str(SMALL)


def test_route_one_complaint_names_a_person_and_the_rules(rules):
    d = rules.route({"channel": "web_form", "category": "late_delivery", "amount": 250,
                     "received_at": dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)})
    assert (d.category, d.department, d.assignee, d.fired) == (
        "late_delivery", "logistics", "ayse", ["late"])
    assert d.due == dt.datetime(2026, 11, 23, 13, tzinfo=dt.timezone.utc)
    assert d.priority == "normal" and d.assigned_by == "round_robin"
    assert d.state["loads"] == {"ayse": 1}
    d2 = rules.route({"channel": "app", "category": "late_delivery", "amount": 10}, state=d.state)
    assert d2.assignee == "mehmet"
    # the state given is not changed
    assert d.state["loads"] == {"ayse": 1}
    over = rules.route({"channel": "app", "category": "late_delivery", "amount": 1000.5})
    assert over.fired == ["default"] and over.assignee == "deniz"


def test_state_and_now(rules):
    d = rules.route({"channel": "email", "flags": ["legal_threat"]}, state={"unavailable": ["elif"]})
    assert (d.department, d.assignee, d.passed_over, d.priority) == ("care", "deniz", ["legal"], "urgent")
    d = rules.route({"channel": "email", "category": "late_delivery", "amount": 1}, now="2026-11-23T10:00:00Z")
    assert d.due.isoformat() == "2026-11-23T14:00:00+00:00"
    assert d.to_dict()["fired"] == ["late"]


def test_batches_in_every_shape_agree(rules):
    rows = [
        {"channel": "app", "category": "late_delivery", "amount": 5.0},
        {"channel": "app", "category": "late_delivery"},
        {"channel": "email", "flags": ["legal_threat"]},
        {"channel": "kiosk", "category": "other", "id": "K-1"},
    ]
    out, state = rules.route_many(rows, return_state=True)
    assert [r["assignee"] for r in out] == ["ayse", "deniz", "elif", "deniz"]
    assert [r["fired"] for r in out] == [["late"], ["default"], ["legal"], ["default"]]
    assert state["loads"] == {"ayse": 1, "deniz": 2, "elif": 1}
    # same answers one by one with the state carried
    st = None
    for r, want in zip(rows, out):
        d = rules.route(r, state=st)
        st = d.state
        assert (d.department, d.assignee) == (want["department"], want["assignee"])

    frame = pd.DataFrame(rows)
    got = rules.route_many(frame)
    assert isinstance(got, pd.DataFrame)
    assert got["assignee"].tolist() == ["ayse", "deniz", "elif", "deniz"]
    assert got["priority"].tolist() == ["normal", "normal", "urgent", "normal"]
    pol = rules.route_many(pl.from_pandas(frame.drop(columns=["flags"])).with_columns(
        pl.Series("flags", [[], [], ["legal_threat"], []])))
    assert isinstance(pol, pl.DataFrame) and pol["assignee"].to_list() == got["assignee"].tolist()
    tab = rules.route_many(pa.Table.from_pandas(frame))
    assert isinstance(tab, pa.Table) and tab.column("assignee").to_pylist() == got["assignee"].tolist()
    cols = rules.route_many({"channel": ["app", "qr"], "category": ["late_delivery", None], "amount": [1, None]})
    assert [r["department"] for r in cols] == ["logistics", "care"]


def test_batch_errors_name_the_column_and_row(rules):
    with pytest.raises(crmkit.InputError, match="a channel for every complaint; row 1 has none"):
        rules.route_many([{"channel": "app"}, {"category": "x"}])
    with pytest.raises(crmkit.InputError, match="amount.*a number or None at row 0"):
        rules.route_many([{"channel": "app", "amount": "12"}])
    with pytest.raises(crmkit.InputError, match="row 1"):
        rules.route_many([{"channel": "app"}, {"channel": "fax"}])
    with pytest.raises(crmkit.InputError) as e:
        rules.route({"channel": "fax"})
    assert e.value.code == "invalid_argument"


def test_bad_rule_sets_raise_complaint_errors():
    with pytest.raises(crmkit.ComplaintError) as e:
        complaint.RuleSet.from_str(SMALL.replace('department = "logistics"\nresolution', 'department = "logstics"\nresolution'))
    assert e.value.code == "complaint_invalid_rule_set"
    assert 'rule "late": department "logstics" is not defined' in str(e.value)
    with pytest.raises(crmkit.InputError):
        complaint.RuleSet.from_str(SMALL, format="yaml")


def test_example_file_checks_and_lints_clean():
    rules = complaint.RuleSet.from_file(str(EXAMPLE), calendar=str(CALENDAR))
    report = rules.check()
    assert report["ok"], report
    assert len(report["examples"]) == 7 and all(e["passed"] for e in report["examples"])
    assert rules.lint() == []
    assert rules.org_chart()["ayse"] == "burak"
    # business hours: a Friday-evening complaint is due after the weekend
    d = rules.route({"channel": "web_form", "text": "Kargom gelmedi",
                     "received_at": "2026-11-27T14:00:00Z"})
    assert d.category == "late_delivery" and d.department == "logistics"
    assert d.due.isoformat() == "2026-12-02T11:00:00+00:00"
    assert "RuleSet(version=" in repr(rules._inner)


def test_lint_reports_shadowed_rules(rules):
    shadowed = complaint.RuleSet.from_str(SMALL + '\n[[rules]]\nid = "late2"\nwhen = { category = "late_delivery" }\ndepartment = "legal"\n')
    codes = [(f["code"], f["subject"]) for f in shadowed.lint()]
    assert ("shadowed_rule", "late2") in codes
    assert rules.lint() == []


def test_due_columns_are_utc_datetimes(rules):
    rows = [{"channel": "app", "category": "late_delivery", "amount": 1,
             "received_at": "2026-11-23T09:00:00Z"}, {"channel": "qr"}]
    want = dt.datetime(2026, 11, 23, 13, tzinfo=dt.timezone.utc)
    assert rules.route_many(rows)[0]["due"] == want
    assert rules.route_many(pd.DataFrame(rows))["due"].iloc[0] == pd.Timestamp(want)
    assert rules.route_many(pl.DataFrame(rows))["due"].to_list()[0] == want
    assert rules.route_many(pa.Table.from_pylist(rows)).column("due").to_pylist()[0] == want


def test_rule_sets_travel_as_bytes_and_pickle(rules):
    # the compiled handle itself does not pickle; the rule set travels as its source
    with pytest.raises(TypeError):
        pickle.dumps(rules._inner)
    again = pickle.loads(pickle.dumps(rules))
    c = {"channel": "app", "category": "late_delivery", "amount": 5, "received_at": "2026-11-23T09:00:00Z"}
    assert again.route(c).to_dict() == rules.route(c).to_dict()
    on_cal = complaint.RuleSet.from_file(str(EXAMPLE), calendar=str(CALENDAR))
    back = complaint.RuleSet.from_bytes(on_cal.to_bytes())
    d = {"channel": "web_form", "text": "Kargom gelmedi", "received_at": "2026-11-27T14:00:00Z"}
    assert back.route(d).due == on_cal.route(d).due == dt.datetime(2026, 12, 2, 11, tzinfo=dt.timezone.utc)


def test_rows_read_attributes_and_datetimes(rules):
    text_rules = complaint.RuleSet.from_str(SMALL.replace(
        '[[rules]]\nid = "default"',
        '[[rules]]\nid = "marmara"\nwhen = { attributes = { region = "marmara" } }\ndepartment = "legal"\n\n[[rules]]\nid = "default"'))
    out = text_rules.route_many([
        {"channel": "app", "attributes": {"region": "marmara"}},
        {"channel": "app", "category": "late_delivery", "amount": 3,
         "received_at": dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)},
        {"channel": "app", "amount": float("nan"), "flags": "legal_threat"},
    ])
    assert [r["fired"] for r in out] == [["marmara"], ["late"], ["legal"]]
    assert out[1]["due"] == dt.datetime(2026, 11, 23, 13, tzinfo=dt.timezone.utc)
    # a naive datetime is refused, not taken as UTC
    with pytest.raises(crmkit.InputError, match="received_at.*row 0.*naive"):
        rules.route_many([{"channel": "app", "received_at": dt.datetime(2026, 11, 23, 9)}])
    with pytest.raises(crmkit.InputError, match="complaints.*a dict at row 0"):
        rules.route_many([("app",)])
    with pytest.raises(TypeError, match="category: expected text or None at row 1"):
        rules.route_many({"channel": ["app", "app"], "category": ["x", 3]})
    with pytest.raises(crmkit.InputError, match="a channel for every complaint; row 0"):
        rules.route_many(pd.DataFrame({"channel": [None], "category": ["x"]}))


def test_arrow_path_equals_the_row_path_on_every_input_kind(rules):
    rows = []
    for i in range(60):
        r = {"channel": ["app", "web_form", "email"][i % 3], "id": f"C{i}"}
        if i % 2 == 0:
            r["category"] = "late_delivery"
        if i % 4 != 3:
            r["amount"] = float(i * 31 % 1500)
        r["flags"] = ["legal_threat"] if i % 9 == 0 else []
        r["received_at"] = dt.datetime(2026, 11, 23, 9, i % 60, tzinfo=dt.timezone.utc)
        rows.append(r)
    want, want_state = rules.route_many(rows, return_state=True)
    frame = pd.DataFrame(rows)
    frame["channel"] = frame["channel"].astype("category")   # a dictionary column in Arrow
    for data in (frame, pa.Table.from_pandas(frame), pl.from_pandas(frame)):
        got, state = rules.route_many(data, state=None, return_state=True)
        assert state == want_state
        as_rows = got.to_dict("records") if isinstance(got, pd.DataFrame) else (
            got.to_dicts() if isinstance(got, pl.DataFrame) else got.to_pylist())
        for w, g in zip(want, as_rows):
            assert (g["department"], g["assignee"], list(g["fired"]), g["priority"]) == (
                w["department"], w["assignee"], w["fired"], w["priority"])
            assert (g["due"] is None or g["due"] != g["due"]) == (w["due"] is None)
            if w["due"] is not None:
                assert pd.Timestamp(g["due"]) == pd.Timestamp(w["due"])
    with pytest.raises(crmkit.InputError, match="row 1"):
        rules.route_many(pa.table({"channel": ["app", "fax"]}))
