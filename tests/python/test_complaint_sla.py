import datetime as dt
import doctest
import pathlib

import pytest

import crmkit
from crmkit import complaint

ROOT = pathlib.Path(__file__).resolve().parents[2]
CALENDAR = ROOT / "crates" / "crmkit" / "examples" / "calendars" / "tr-2026-2027.toml"
UTC = dt.timezone.utc

POLICY = """
version = "2026-11"
[default]
first_response_hours = 8
update_hours = 16
resolution_hours = 40
[[overrides]]
category = "fraud"
priority = "urgent"
first_response_hours = 1
resolution_hours = 8
"""

ORG = {"ayse": "mehmet", "mehmet": "zeynep", "zeynep": None}


def test_module_doctests():
    failures, tried = doctest.testmod(complaint, verbose=False)
    assert tried > 0 and failures == 0


def test_calendar_from_file_and_business_time():
    cal = complaint.Calendar.from_file(str(CALENDAR))
    assert "2026" in cal.name
    built_in = complaint.Calendar.turkey_2026_2027()
    start = dt.datetime(2026, 10, 28, 6, tzinfo=UTC)  # Wednesday 09:00 Istanbul, half day
    assert cal.add_business_hours(start, 8) == built_in.add_business_hours(start, 8)
    # 4 h on the half day, Republic Day off, 4 h on Friday
    assert cal.add_business_hours(start, 8) == dt.datetime(2026, 10, 30, 10, tzinfo=UTC)
    assert cal.business_hours_between(start, "2026-10-30T10:00:00Z") == 8.0
    # an end before the start is an error naming both
    with pytest.raises(crmkit.InputError, match="`end`.*`start`") as e:
        cal.business_hours_between("2026-10-30T10:00:00Z", start)
    assert e.value.code == "invalid_argument"
    # any time zone in, UTC out
    istanbul = dt.timezone(dt.timedelta(hours=3))
    assert cal.add_business_hours(dt.datetime(2026, 10, 28, 9, tzinfo=istanbul), 8) == dt.datetime(
        2026, 10, 30, 10, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="naive"):
        cal.add_business_hours(dt.datetime(2026, 10, 28, 9), 1)
    with pytest.raises(crmkit.CrmkitError) as info:
        cal.add_business_hours(start, -1)
    assert info.value.code == "invalid_argument"
    with pytest.raises(crmkit.ComplaintError) as info:
        complaint.Calendar.from_str("name = 'x'\ntime_zone = 'Mars/Olympus'\n")
    assert info.value.code == "complaint_invalid_calendar"


def test_policy_targets_and_errors():
    p = complaint.SlaPolicy.from_str(POLICY)
    assert p.version == "2026-11"
    assert p.targets() == {"first_response_hours": 8.0, "update_hours": 16.0, "resolution_hours": 40.0}
    assert p.targets("fraud", "urgent") == {"first_response_hours": 1.0, "update_hours": 16.0, "resolution_hours": 8.0}
    assert p.targets("fraud", "low") == p.targets()
    with pytest.raises(crmkit.CrmkitError, match="priority"):
        p.targets(priority="asap")
    with pytest.raises(crmkit.ComplaintError) as info:
        complaint.SlaPolicy.from_str("version = '1'\n[default]\nresolution_hours = -2\n")
    assert info.value.code == "complaint_invalid_rule_set"
    assert "resolution_hours" in str(info.value)
    with pytest.raises(crmkit.ComplaintError):
        complaint.SlaPolicy.from_str("version = '1'\nsurprise = true\n")


def open_complaints():
    monday = dt.datetime(2026, 11, 23, 6, tzinfo=UTC)  # Monday 09:00 Istanbul
    return [
        {"id": "A", "owner": "ayse", "received_at": monday},
        {"id": "B", "owner": "ayse", "received_at": monday, "category": "fraud", "priority": "urgent",
         "first_response_at": monday + dt.timedelta(minutes=30)},
        {"id": "C", "owner": "mehmet", "received_at": "2026-11-24T05:00:00Z"},
    ]


def test_escalations_up_the_chain():
    policy = complaint.SlaPolicy.from_str(POLICY)
    now = dt.datetime(2026, 11, 24, 6, tzinfo=UTC)  # Tuesday 09:00: 9 business hours after A and B came in
    told = complaint.escalations(open_complaints(), ORG, policy, complaint.Calendar.turkey_2026_2027(), now)
    by = {(n["complaint_id"], n["clock"]): n for n in told}
    # A: first response 9/8 h = 112.5 % -> owner and supervisor
    a = by[("A", "first_response")]
    assert a["threshold_percent"] == 100 and a["recipients"] == ["ayse", "mehmet"]
    assert a["used_percent"] == pytest.approx(112.5)
    assert a["due_at"] == dt.datetime(2026, 11, 23, 14, tzinfo=UTC)
    assert a["policy_version"] == "2026-11"
    # B answered: no first-response clock; resolution 9/8 h -> supervisor too
    assert ("B", "first_response") not in by
    assert by[("B", "resolution")]["recipients"] == ["ayse", "mehmet"]
    # C came in at 08:00 Istanbul on Tuesday: no business time yet
    assert not any(n["complaint_id"] == "C" for n in told)
    # the manager is told at 150 %
    later = complaint.escalations(open_complaints(), ORG, policy, now="2026-11-24T10:00:00Z")
    a = next(n for n in later if (n["complaint_id"], n["clock"]) == ("A", "first_response"))
    assert a["threshold_percent"] == 150 and a["recipients"] == ["ayse", "mehmet", "zeynep"]
    # a chain that ends early says so
    short = complaint.escalations(open_complaints(), {"ayse": None}, policy, now="2026-11-24T10:00:00Z")
    a = next(n for n in short if (n["complaint_id"], n["clock"]) == ("A", "first_response"))
    assert a["recipients"] == ["ayse"] and a["chain_too_short"]


def test_escalations_errors_name_the_row():
    policy = complaint.SlaPolicy.from_str(POLICY)
    rows = open_complaints()
    rows[1]["priority"] = "asap"
    with pytest.raises(crmkit.CrmkitError, match="row 1"):
        complaint.escalations(rows, ORG, policy, now="2026-11-24T06:00:00Z")
    with pytest.raises(ValueError, match="now"):
        complaint.escalations(open_complaints(), ORG, policy)
    with pytest.raises(ValueError, match=r"open\[0\]\.received_at"):
        complaint.escalations([{"id": "A", "owner": "x", "received_at": dt.datetime(2026, 1, 5, 9)}], ORG, policy,
                              now="2026-11-24T06:00:00Z")


def test_due_times():
    policy = complaint.SlaPolicy.from_str(POLICY)
    due = complaint.due_times(open_complaints(), policy)
    assert [d["id"] for d in due] == ["A", "B", "C"]
    assert due[0]["first_response"] == dt.datetime(2026, 11, 23, 14, tzinfo=UTC)  # 17:00 Istanbul
    assert due[0]["update"] is None  # not answered yet
    assert due[1]["first_response"] is None
    # B's last contact was its first answer at 09:30: update due 16 business hours later
    assert due[1]["update"] == dt.datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
    assert due[1]["resolution"] == dt.datetime(2026, 11, 23, 14, tzinfo=UTC)


HANDLED = [
    {"id": "1", "channel": "app", "received_at": "2026-10-27T07:00:00Z", "category": "late_delivery",
     "first_department": "logistics", "resolving_department": "logistics", "resolved_at": "2026-10-27T13:00:00Z",
     "due_at": "2026-10-28T15:00:00Z", "satisfied": True, "repurchased": True},
    {"id": "2", "channel": "call_center", "received_at": "2026-10-28T07:00:00Z", "category": "refund",
     "topic": "refund_delay", "first_department": "logistics", "resolving_department": "finance",
     "resolved_at": "2026-10-30T07:00:00Z", "due_at": "2026-10-29T15:00:00Z", "satisfied": False,
     "winback_cost": 150.0, "reopened": True},
    {"id": "3", "channel": "app", "received_at": "2026-11-02T06:00:00Z", "category": "late_delivery",
     "first_department": "logistics", "due_at": "2026-11-03T15:00:00Z"},
    {"id": "4", "channel": "email", "received_at": "2026-11-04T10:00:00Z", "category": "refund",
     "first_department": "finance", "resolving_department": "finance", "resolved_at": "2026-11-05T10:00:00Z",
     "winback_cost": 80.5},
]


def test_report_over_dicts():
    rows = complaint.report(HANDLED, by="first_department", now="2026-11-10T00:00:00Z")
    assert [r["key"] for r in rows] == ["finance", "logistics"]
    logistics = rows[1]
    assert logistics["count"] == 3 and logistics["share_percent"] == 75.0
    assert logistics["resolved"] == 2
    # 2 resolved late, 3 open past due at `now`
    assert logistics["sla_breach_rate"] == pytest.approx(200 / 3)
    assert logistics["first_routing_accuracy"] == 50.0
    assert logistics["resolution_hours"]["max"] == 48.0
    assert logistics["resolution_business_hours"] is None  # no calendar
    assert logistics["winback_cost"] == 150.0
    # without `now` the open complaint cannot breach
    assert complaint.report(HANDLED)[1]["sla_breach_rate"] == pytest.approx(100 / 3)
    # business hours with a calendar: complaint 2 took 48 h but 9 business hours
    cal = complaint.Calendar.turkey_2026_2027()
    by_category = complaint.report(HANDLED, by="category", calendar=cal)
    refund = next(r for r in by_category if r["key"] == "refund")
    assert refund["resolution_business_hours"]["max"] < refund["resolution_hours"]["max"]
    rows, topics = complaint.report(HANDLED, by="month", pareto=True)
    assert [r["key"] for r in rows] == ["2026-10", "2026-11"]
    assert topics[0] == {"topic": "late_delivery", "count": 2, "percent": 50.0, "cumulative_percent": 50.0}
    with pytest.raises(crmkit.CrmkitError, match="by"):
        complaint.report(HANDLED, by="weekday")
    bad = [dict(HANDLED[0]), dict(HANDLED[1], channel="pigeon")]
    with pytest.raises(crmkit.CrmkitError, match="row 1"):
        complaint.report(bad)


def test_report_over_a_dataframe_returns_a_dataframe():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(HANDLED)
    for col in ("received_at", "resolved_at", "due_at"):
        df[col] = pd.to_datetime(df[col], utc=True)  # NaT where missing
    out = complaint.report(df, by="channel", calendar=complaint.Calendar.turkey_2026_2027())
    assert isinstance(out, pd.DataFrame)
    assert list(out["key"]) == ["app", "call_center", "email"]
    want = complaint.report(HANDLED, by="channel", calendar=complaint.Calendar.turkey_2026_2027())
    assert list(out["count"]) == [r["count"] for r in want]
    assert out.loc[0, "resolution_hours_median"] == want[0]["resolution_hours"]["median"]
    assert out.loc[0, "resolution_business_hours_max"] == want[0]["resolution_business_hours"]["max"]
    rows, topics = complaint.report(df, pareto=True)
    assert isinstance(topics, pd.DataFrame) and topics["cumulative_percent"].iloc[-1] == 100.0
    # naive datetimes are refused, naming the row and column
    naive = pd.DataFrame(HANDLED)
    naive["received_at"] = pd.to_datetime(naive["received_at"]).dt.tz_localize(None)
    with pytest.raises(ValueError, match=r"complaints\[0\]\.received_at"):
        complaint.report(naive)


def test_report_over_polars():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(HANDLED)
    out = complaint.report(df, by="category")
    assert isinstance(out, pl.DataFrame)
    assert out["key"].to_list() == ["late_delivery", "refund"]
    assert out["count"].to_list() == [2, 2]


def test_report_and_escalations_over_a_pyarrow_table():
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pylist(HANDLED)
    out = complaint.report(table, by="category", calendar=complaint.Calendar.turkey_2026_2027())
    assert isinstance(out, pa.Table)
    want = complaint.report(HANDLED, by="category", calendar=complaint.Calendar.turkey_2026_2027())
    assert out.column("key").to_pylist() == [r["key"] for r in want]
    assert out.column("resolution_hours_max").to_pylist() == [r["resolution_hours"]["max"] for r in want]
    rows, topics = complaint.report(table, pareto=True)
    assert isinstance(rows, pa.Table) and isinstance(topics, pa.Table)
    assert topics.column("cumulative_percent").to_pylist()[-1] == 100.0
    # timestamps in a pyarrow column, and a naive one named by row and column
    policy = complaint.SlaPolicy.from_str(POLICY)
    opened = pa.Table.from_pylist(open_complaints()[:1])
    assert opened.schema.field("received_at").type.tz is not None
    now = "2026-11-24T10:00:00Z"
    assert complaint.escalations(opened, ORG, policy, now=now) == complaint.escalations(
        open_complaints()[:1], ORG, policy, now=now)
    naive = pa.table({"id": ["A"], "owner": ["ayse"], "received_at": [dt.datetime(2026, 11, 23, 6)]})
    with pytest.raises(crmkit.InputError, match=r"open\[0\]\.received_at"):
        complaint.escalations(naive, ORG, policy, now=now)


def test_report_and_escalations_over_a_polars_lazyframe():
    pl = pytest.importorskip("polars")
    lazy = pl.DataFrame(HANDLED).lazy()
    out = complaint.report(lazy, by="category")
    assert isinstance(out, pl.DataFrame)
    assert out["key"].to_list() == ["late_delivery", "refund"]
    assert out.equals(complaint.report(pl.DataFrame(HANDLED), by="category"))
    policy = complaint.SlaPolicy.from_str(POLICY)
    now = "2026-11-24T10:00:00Z"
    rows = [{**r, "received_at": r["received_at"] if isinstance(r["received_at"], str) else r["received_at"].isoformat()}
            for r in open_complaints()]
    rows = [{k: r.get(k) for k in ("id", "owner", "received_at", "category", "priority")} for r in rows]
    assert complaint.escalations(pl.DataFrame(rows).lazy(), ORG, policy, now=now) == complaint.escalations(
        rows, ORG, policy, now=now)


def test_report_in_pandas_has_none_for_missing_text():
    pd = pytest.importorskip("pandas")
    from crmkit import _frames

    rows, topics = complaint.report(pd.DataFrame(HANDLED), by="resolving_department", pareto=True)
    assert "(none)" in rows["key"].tolist()  # complaint 3 was never resolved
    # a group with no survey answer nor win-back outcome: None, not NaN, in its text-typed columns
    one = complaint.report(pd.DataFrame(HANDLED[2:3]), by="all")
    assert one["satisfaction_rate"].tolist() == [None]
    for frame in (rows, topics, one):
        for name in frame.columns:
            if frame[name].dtype == object:
                assert not any(isinstance(v, float) and v != v for v in frame[name]), name
    # rows that lack a key or hold None: None in a text column either way
    mixed = _frames.frame("pandas", [{"id": "a", "note": "x"}, {"id": "b", "note": None}, {"id": "c"}])
    assert mixed["note"].tolist() == ["x", None, None]
    failures, tried = doctest.testmod(_frames, verbose=False)
    assert tried > 0 and failures == 0


def test_complaint_tables_from_every_library_agree():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    want = complaint.report(HANDLED, by="month")
    for data in (pd.DataFrame(HANDLED), pl.DataFrame(HANDLED), pl.DataFrame(HANDLED).lazy(),
                 pa.Table.from_pylist(HANDLED)):
        out = complaint.report(data, by="month")
        records = out.to_dict("records") if isinstance(out, pd.DataFrame) else out.to_pylist() if isinstance(
            out, pa.Table) else out.to_dicts()
        assert [r["key"] for r in records] == [r["key"] for r in want], type(data)
        assert [r["count"] for r in records] == [r["count"] for r in want], type(data)


def test_category_rules_read_complaint_fields():
    import pathlib

    from crmkit import complaint

    path = pathlib.Path(__file__).resolve().parents[2] / "crates" / "crmkit" / "examples" / "rules" / "categories-conditions.toml"
    rules = complaint.CategoryRules.from_file(str(path))
    text = "Kartımdan bilgim dışında 2500 TL çekildi"
    plain = [c["id"] for c in rules.categorize(text)["categories"]]
    gold = {"channel": "app", "product": "kredi kartı", "segment": "gold", "amount": 2500}
    vip = [c["id"] for c in rules.categorize(text, fields=gold)["categories"]]
    assert "card_fraud_priority" not in plain and plain[0] == "card_fraud"
    assert vip[0] == "card_fraud_priority"
    many = rules.categorize_many([text, text], fields=[gold, None])
    assert [m["categories"][0]["id"] for m in many] == ["card_fraud_priority", "card_fraud"]
