"""Customer 360 from Python: events folded into a store, contact decisions
and their reasons, snapshots, policies and their lint, batches over pandas,
polars and pyarrow frames, and errors that name the field."""

import datetime as dt
import pickle
import threading

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import crmkit
from crmkit import engagement
from crmkit.engagement import Policy, Store, decide_many

TR = dt.timezone(dt.timedelta(hours=3))


def at(day, hour, minute=0):
    """December 2026, Istanbul time, as text."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TR).isoformat()


def consent(customer, channel, granted=True, purpose="commercial", time="2026-11-01T10:00:00+03:00"):
    return {
        "type": "consent",
        "customer": customer,
        "time": time,
        "channel": channel,
        "purpose": purpose,
        "granted": granted,
        "source": "iys",
    }


def history():
    """Events of several customers, one seed scene each."""
    return [
        # responded yes by SMS to campaign X at 10:00
        consent("resp", "call"),
        consent("resp", "sms"),
        {"type": "campaign_response", "customer": "resp", "time": at(1, 10), "campaign": "X",
         "channel": "sms", "response": "positive"},
        # a detractor answer
        consent("detr", "call"),
        {"type": "survey", "customer": "detr", "time": at(1, 10), "metric": "nps", "value": 3},
        # an İYS opt-out of commercial SMS
        consent("iys", "sms"),
        consent("iys", "sms", granted=False, time=at(1, 10)),
        # an open complaint
        consent("compl", "sms"),
        consent("compl", "email"),
        {"type": "complaint_opened", "customer": "compl", "time": at(1, 9), "complaint": "K1",
         "category": "billing", "priority": "high"},
        # a contact, a purchase and a resolved complaint
        consent("busy", "email"),
        {"type": "contact", "customer": "busy", "time": at(1, 9), "channel": "email", "campaign": "Y",
         "outcome": "250 2.0.0 OK"},
        {"type": "purchase", "customer": "busy", "time": at(1, 12), "amount": 120.5, "product": "kettle",
         "currency": "TRY"},
        {"type": "complaint_opened", "customer": "busy", "time": "2026-11-01T09:00:00+03:00",
         "complaint": "K2", "category": "delivery"},
        {"type": "complaint_resolved", "customer": "busy", "time": "2026-11-02T09:00:00+03:00",
         "complaint": "K2", "category": "delivery"},
    ]


REQUESTS = [
    dict(customer_id=c, campaign=camp, channel=ch, purpose=p)
    for c in ("resp", "detr", "iys", "compl", "busy", "nobody")
    for camp in (None, "X")
    for ch in (None, "call", "sms", "email")
    for p in ("commercial", "service", "transactional")
]


def decisions(store, now):
    return [store.decide(now=now, **r).to_dict() for r in REQUESTS]


@pytest.fixture
def store():
    s = Store()
    assert s.apply_many(history()) == len(history())
    return s


# --- seed scenes ---------------------------------------------------------------


def test_campaign_response_by_sms_drops_the_call():
    s = Store()
    s.apply_many([consent("c1", "call"),
                  {"type": "campaign_response", "customer": "c1", "time": at(1, 10), "campaign": "X",
                   "channel": "sms", "response": "positive"}])
    d = s.decide("c1", campaign="X", channel="call", now=at(1, 14))
    assert not d.allowed
    assert "already_responded_to_campaign" in d.reasons
    assert d.reasons == ["already_responded_to_campaign", "consent_granted"]
    assert d.channel == "call" and d.point is None
    # another campaign is still allowed
    assert s.decide("c1", campaign="Z", channel="call", now=at(1, 14)).allowed


def test_detractor_blocks_sales_call_not_service_call(store):
    now = at(2, 11)
    sales = store.decide("detr", channel="call", now=now)
    assert not sales.allowed
    assert "recent_detractor" in sales.reasons
    service = store.decide("detr", channel="call", purpose="service", now=now)
    assert service.allowed
    assert service.reasons == ["consent_not_required"]


def test_iys_opt_out_blocks_commercial_sms_not_transactional(store):
    now = at(1, 15)
    d = store.decide("iys", channel="sms", now=now)
    assert not d.allowed
    assert "consent_revoked" in d.reasons
    t = store.decide("iys", channel="sms", purpose="transactional", now=now)
    assert t.allowed and t.channel == "sms"


def test_open_complaint_blocks_commercial_contact(store):
    now = at(1, 12)
    for channel in ("sms", "email", None):
        d = store.decide("compl", channel=channel, now=now)
        assert not d.allowed
        assert "open_complaint_cooling_off" in d.reasons
    assert store.decide("compl", channel="sms", purpose="service", now=now).allowed
    store.apply({"type": "complaint_resolved", "customer": "compl", "time": at(1, 13), "complaint": "K1",
                 "category": "billing"})
    d = store.decide("compl", channel="sms", now=at(2, 12))
    assert not d.allowed and d.reasons[0] == "complaint_cooling_off"
    assert store.decide("compl", channel="sms", now=at(10, 12)).allowed


# --- decisions -----------------------------------------------------------------


def test_best_channel_and_details(store):
    d = store.decide("resp", now=at(2, 11))
    assert d.allowed and d.channel == "sms"
    assert d.reasons == ["no_consent", "consent_granted"]
    assert [r["channel"] for r in d.details] == ["email", "sms"]
    late = store.decide("resp", channel="call", now=at(2, 22))
    assert not late.allowed and "quiet_hours" in late.reasons
    until = [r["until"] for r in late.details if r["code"] == "quiet_hours"]
    assert until == ["2026-12-03T06:00:00Z"]
    assert late == store.decide("resp", channel="call", now=at(2, 22))
    assert late != d
    assert repr(d) == "Decision(allowed=True, channel='sms', reasons=['no_consent', 'consent_granted'])"
    assert d.to_dict() == {"allowed": True, "channel": "sms", "point": None,
                           "reasons": ["no_consent", "consent_granted"]}
    assert isinstance(d, engagement.Decision)


def test_time_zone_and_now_forms(store):
    # 20:00 in Istanbul is 02:00 the next day in Tokyo... and 21:00 in Tokyo is 15:00 here
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)
    assert store.decide("resp", channel="sms", now=now).allowed
    tokyo = store.decide("resp", channel="sms", now=now, time_zone="Asia/Tokyo")
    assert not tokyo.allowed and "quiet_hours" in tokyo.reasons
    assert store.decide("resp", channel="sms", now=now) == store.decide("resp", channel="sms", now=now.isoformat())
    assert pd.Timestamp(now) and store.decide("resp", channel="sms", now=pd.Timestamp(now)).allowed
    # None is the current time
    assert isinstance(store.decide("resp", channel="email").allowed, bool)


def test_unknown_customer_and_profile(store):
    assert store.profile("nobody") is None
    d = store.decide("nobody", channel="email", now=at(1, 12))
    assert not d.allowed and d.reasons == ["no_consent"]
    assert len(store) == 5
    p = store.profile("busy")
    assert p["customer"] == "busy"
    assert p["purchases"]["count"] == 1
    assert p["purchases"]["total_hundredths"] == {"TRY": 12050}
    assert p["complaints"]["K2"]["category"] == "delivery"
    assert p["consents"]["email"]["commercial"]["granted"] is True


def test_policy_changes_decisions(store):
    loose = Policy.from_str('version = 1\nconsent_required = []\nquiet_hours = []\n')
    s = Store(loose)
    s.apply_many(history())
    assert s.policy == loose
    assert store.policy == Policy.default()
    d = s.decide("nobody", channel="call", now=at(1, 23))
    assert d.allowed and d.reasons == ["consent_not_required"]
    assert not store.decide("nobody", channel="call", now=at(1, 23)).allowed


def test_order_does_not_matter(store):
    events = history()
    backwards = Store()
    backwards.apply_many(list(reversed(events)))
    for now in (at(1, 12), at(2, 11), at(2, 22), at(20, 10)):
        assert decisions(backwards, now) == decisions(store, now)
    for c in ("resp", "detr", "iys", "compl", "busy"):
        assert backwards.profile(c) == store.profile(c)
    one_by_one = Store()
    for e in events[::2] + events[1::2]:
        one_by_one.apply(e)
    assert decisions(one_by_one, at(2, 11)) == decisions(store, at(2, 11))


def test_snapshot_and_restore(store):
    data = store.snapshot()
    assert isinstance(data, bytes)
    copy = Store.restore(data)
    assert len(copy) == len(store)
    for now in (at(1, 12), at(2, 11)):
        assert decisions(copy, now) == decisions(store, now)
    other = Store()
    other.apply(consent("zz", "sms"))
    assert other.restore(data) is other
    assert other.profile("zz") is None and decisions(other, at(2, 11)) == decisions(store, at(2, 11))
    assert other.snapshot() == data
    loose = Policy.from_str('version = 1\nconsent_required = []\n')
    assert Store.restore(data, policy=loose).policy == loose
    # pickling keeps policy and profiles
    back = pickle.loads(pickle.dumps(Store.restore(data, loose)))
    assert back.policy == loose and back.snapshot() == data


def test_restore_rejects_bad_bytes(store):
    before = store.snapshot()
    for bad in (b"{", b"[]", b'{"version": 9, "profiles": []}'):
        with pytest.raises(crmkit.InputError) as e:
            store.restore(bad)
        assert e.value.code == "malformed_input"
    assert store.snapshot() == before
    with pytest.raises(crmkit.InvalidTypeError):
        store.restore("text")
    with pytest.raises(crmkit.InputError, match="policy"):
        store.restore(before, Policy.default())


def test_threads_share_a_store():
    s = Store()

    def work(t):
        s.apply_many([consent(f"c{t}-{i}", "email") for i in range(200)])

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(s) == 800
    assert s.decide("c3-7", now=at(1, 12)).allowed


# --- errors --------------------------------------------------------------------


BASE = {"customer": "c1", "time": "2026-12-01T10:00:00+03:00"}


@pytest.mark.parametrize(
    "event, field",
    [
        ({"type": "fax_sent", **BASE}, "type"),
        ({**BASE, "channel": "sms"}, "type"),
        ({"type": "contact", **BASE, "channel": "fax"}, "channel"),
        ({"type": "contact", **BASE, "channel": "sms", "colour": "red"}, "colour"),
        ({"type": "contact", "customer": "c1", "time": "2026-12-01T10:00:00", "channel": "sms"}, "time"),
        ({"type": "contact", "time": "2026-12-01T10:00:00Z", "channel": "sms"}, "customer"),
        ({"type": "consent", **BASE, "channel": "sms", "purpose": "commercial"}, "granted"),
        ({"type": "consent", **BASE, "channel": "sms", "purpose": "sales", "granted": True}, "purpose"),
        ({"type": "survey", **BASE, "metric": "nps", "value": 11}, "value"),
        ({"type": "survey", **BASE, "metric": "csat", "value": float("inf")}, "value"),
        ({"type": "purchase", **BASE, "amount": 2**70, "product": "p"}, "amount"),
        ({"type": "campaign_response", **BASE, "campaign": "X", "channel": "sms", "response": "maybe"}, "response"),
    ],
)
def test_bad_events_name_the_field(event, field):
    s = Store()
    with pytest.raises(crmkit.CrmkitError) as e:
        s.apply(event)
    assert isinstance(e.value, crmkit.InputError)
    assert e.value.code == "malformed_input"
    assert field in str(e.value)
    assert str(e.value).startswith("event")
    assert len(s) == 0


def test_naive_datetime_is_refused():
    s = Store()
    naive = dt.datetime(2026, 12, 1, 10, 0)
    with pytest.raises(crmkit.InputError) as e:
        s.apply(consent("c1", "sms", time=naive))
    assert e.value.code == "invalid_argument" and "`event.time`" in str(e.value) and "naive" in str(e.value)
    with pytest.raises(crmkit.InputError, match=r"`events\[1\]\.time`"):
        s.apply_many([consent("c1", "sms"), consent("c1", "sms", time=naive)])
    with pytest.raises(crmkit.InputError, match="now"):
        s.decide("c1", now=naive)
    with pytest.raises(crmkit.InputError, match="now"):
        s.decide("c1", now="2026-12-01T10:00:00")
    # an aware datetime is the same as its text
    s.apply(consent("c1", "sms", time=naive.replace(tzinfo=TR)))
    t = Store()
    t.apply(consent("c1", "sms", time=naive.replace(tzinfo=TR).isoformat()))
    assert s.profile("c1") == t.profile("c1")


def test_apply_many_reads_every_event_first():
    s = Store()
    bad = [consent("c1", "sms"), consent("c2", "fax"), consent("c3", "sms")]
    with pytest.raises(crmkit.InputError) as e:
        s.apply_many(bad)
    assert "events[1]" in str(e.value) and "channel" in str(e.value)
    assert len(s) == 0
    with pytest.raises(crmkit.InvalidTypeError, match=r"events\[0\]"):
        s.apply_many(["not an event"])
    with pytest.raises(crmkit.InvalidTypeError):
        s.apply_many(consent("c1", "sms"))
    with pytest.raises(crmkit.InvalidTypeError):
        s.apply(["type", "consent"])


def test_bad_request_arguments_are_named(store):
    with pytest.raises(crmkit.InputError) as e:
        store.decide("c1", channel="fax", now=at(1, 12))
    assert e.value.code == "invalid_argument" and "channel" in str(e.value)
    with pytest.raises(crmkit.InputError) as e:
        store.decide("c1", purpose="sales", now=at(1, 12))
    assert e.value.code == "invalid_argument" and "purpose" in str(e.value)
    with pytest.raises(crmkit.InvalidTypeError, match="policy"):
        Store(policy="version = 1")


# --- policies ------------------------------------------------------------------


CONTRADICTION = """
version = 1
channel_order = ["sms", "sms"]
[caps]
sms = { day = 5, week = 3 }
[[quiet_hours]]
channels = ["call"]
start = "20:00"
end = "20:00"
"""


def test_policy_lint_finds_contradictions():
    p = Policy.from_str(CONTRADICTION)
    findings = p.lint()
    codes = [f["code"] for f in findings]
    assert "cap_day_above_week" in codes and "quiet_hours_empty" in codes
    assert all(set(f) == {"code", "message"} and f["message"] for f in findings)
    assert Policy.default().lint() == []


def test_policy_forms(tmp_path):
    d = Policy.default()
    assert d.to_dict()["time_zone"] == "Europe/Istanbul"
    assert Policy.from_str(d.to_json(), format="json") == d
    (tmp_path / "p.toml").write_text("version = 1\n", encoding="utf-8")
    (tmp_path / "p.json").write_text(d.to_json(), encoding="utf-8")
    assert Policy.from_file(str(tmp_path / "p.toml")) == d
    assert Policy.from_file(tmp_path / "p.json") == d
    assert pickle.loads(pickle.dumps(d)) == d
    assert "Europe/Istanbul" in repr(d)
    # a failing example is a finding
    failing = Policy.from_str("""
version = 1
[[examples]]
name = "wrong on purpose"
now = "2026-12-01T15:00:00+03:00"
request = { channel = "sms", purpose = "commercial" }
expect = { allowed = true }
""")
    assert failing.lint()


@pytest.mark.parametrize(
    "text, fmt, code",
    [
        ("version = 2\n", "toml", "malformed_input"),
        ("version = 1\ncolour = 'red'\n", "toml", "malformed_input"),
        ("{", "json", "malformed_input"),
        ("version = 1\n", "yaml", "invalid_argument"),
    ],
)
def test_bad_policies(text, fmt, code):
    with pytest.raises(crmkit.InputError) as e:
        Policy.from_str(text, format=fmt)
    assert e.value.code == code


def test_missing_policy_file(tmp_path):
    with pytest.raises(crmkit.FileMissingError):
        Policy.from_file(str(tmp_path / "missing.toml"))


# --- frames --------------------------------------------------------------------


LIST = {
    "customer": ["resp", "resp", "detr", "detr", "iys", "iys", "compl", "busy", "nobody", "resp"],
    "campaign": ["X", None, None, None, None, None, None, "Y", None, "Z"],
    "channel": ["call", "call", "call", "call", "sms", "sms", None, "email", None, None],
    "purpose": ["commercial", None, "commercial", "service", "commercial", "transactional", None, None,
                "transactional", "commercial"],
}
NOW = at(2, 11)


def expected(store, now=NOW):
    out = []
    for i in range(len(LIST["customer"])):
        d = store.decide(LIST["customer"][i], campaign=LIST["campaign"][i], channel=LIST["channel"][i],
                         purpose=LIST["purpose"][i] or "commercial", now=now)
        out.append((d.allowed, d.channel, d.reasons))
    return out


def events_frame_pandas():
    return pd.DataFrame(history())


def test_decide_many_pandas(store):
    frame = pd.DataFrame(LIST)
    events = events_frame_pandas()
    # missing values of other types' columns are NaN / None
    assert events["amount"].isna().sum() > 0
    out = decide_many(frame, events, now=NOW)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["customer", "campaign", "channel", "purpose", "allowed", "reasons"]
    got = list(zip(out["allowed"].tolist(), out["channel"].tolist(), out["reasons"].tolist()))
    assert got == expected(store)
    assert out["allowed"].dtype == bool
    assert all(isinstance(r, list) for r in out["reasons"])
    # the input frame is left alone
    assert list(frame.columns) == ["customer", "campaign", "channel", "purpose"]
    # a customer column alone, events as a list of dicts
    only = decide_many(pd.DataFrame({"customer": ["resp", "iys"]}), history(), now=NOW)
    assert only["channel"].tolist() == ["sms", None]


def test_decide_many_polars(store):
    frame = pl.DataFrame(LIST)
    events = pl.DataFrame(history())
    out = decide_many(frame, events, now=NOW)
    assert isinstance(out, pl.DataFrame)
    assert out.schema["reasons"] == pl.List(pl.Utf8)
    assert out.schema["allowed"] == pl.Boolean
    got = list(zip(out["allowed"].to_list(), out["channel"].to_list(), out["reasons"].to_list()))
    assert got == expected(store)


def test_decide_many_pyarrow(store):
    frame = pa.table(LIST)
    keys = list(dict.fromkeys(k for e in history() for k in e))
    events = pa.Table.from_pylist([{k: e.get(k) for k in keys} for e in history()])
    assert events.column("amount").null_count > 0
    out = decide_many(frame, events, now=dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.timezone.utc))
    assert isinstance(out, pa.Table)
    assert out.column_names == ["customer", "campaign", "channel", "purpose", "allowed", "reasons"]
    assert out.schema.field("reasons").type == pa.list_(pa.string())
    got = list(zip(out.column("allowed").to_pylist(), out.column("channel").to_pylist(),
                   out.column("reasons").to_pylist()))
    assert got == expected(store)


def test_decide_many_with_policy_and_times():
    loose = Policy.from_str('version = 1\nconsent_required = []\nquiet_hours = []\n')
    events = pd.DataFrame(history())
    # aware timestamps in the events frame
    events["time"] = pd.to_datetime(events["time"], utc=True)
    out = decide_many(pl.DataFrame({"customer": ["nobody"], "channel": ["call"]}), events, policy=loose,
                      now=at(1, 23))
    assert out["allowed"].to_list() == [True]
    naive = pd.DataFrame(history())
    naive["time"] = pd.to_datetime(naive["time"], utc=True).dt.tz_localize(None)
    with pytest.raises(crmkit.InputError, match="naive"):
        decide_many(pd.DataFrame({"customer": ["resp"]}), naive, now=NOW)


def test_decide_many_errors():
    with pytest.raises(crmkit.MissingKeyError, match="customer"):
        decide_many(pd.DataFrame({"id": ["a"]}), [], now=NOW)
    with pytest.raises(crmkit.InputError, match="row 1"):
        decide_many(pd.DataFrame({"customer": ["a", None]}), [], now=NOW)
    with pytest.raises(crmkit.InputError) as e:
        decide_many(pl.DataFrame({"customer": ["a", "b"], "channel": ["sms", "fax"]}), [], now=NOW)
    assert "channel" in str(e.value) and "row 1" in str(e.value)
    with pytest.raises(crmkit.InvalidTypeError, match="list_frame"):
        decide_many([{"customer": "a"}], [], now=NOW)
    with pytest.raises(crmkit.InputError, match=r"events\[1\]"):
        decide_many(pd.DataFrame({"customer": ["a"]}), [consent("a", "sms"), consent("a", "fax")], now=NOW)
