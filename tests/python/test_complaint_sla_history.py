import datetime as dt
import random

import pandas as pd
import pytest

import crmkit
from crmkit import complaint

UTC = dt.timezone.utc

POLICY = """
version = "t"
[default]
first_response_hours = 4
update_hours = 8
resolution_hours = 18
[[overrides]]
priority = "urgent"
resolution_hours = 6
"""

# Tuesday 27 October 2026 09:00 Istanbul; answered at 10:00; waiting on the
# customer from 12:00 to Friday 30th 10:00 (the 28th is a half day, the 29th
# Republic Day); urgent from Friday 11:00
EVENTS = [
    {"at": "2026-10-27T06:00:00Z", "kind": "received", "owner": "ayse"},
    {"at": "2026-10-27T07:00:00Z", "kind": "responded"},
    {"at": "2026-10-27T09:00:00Z", "kind": "paused", "reason": "waiting_on_customer"},
    {"at": "2026-10-30T07:00:00Z", "kind": "resumed"},
    {"at": "2026-10-30T08:00:00Z", "kind": "priority_changed", "priority": "urgent"},
]
NOW = dt.datetime(2026, 10, 30, 11, tzinfo=UTC)  # Friday 14:00


def policy():
    return complaint.SlaPolicy.from_str(POLICY)


def test_clocks_pause_and_follow_the_priority():
    s = complaint.sla_state(EVENTS, policy(), complaint.Calendar.turkey_2026_2027(), now=NOW, warn_at=[50, 75])
    assert s["status"] == "open" and s["pause_reason"] is None and s["priority"] == "urgent"
    assert s["received_at"] == dt.datetime(2026, 10, 27, 6, tzinfo=UTC)
    first = s["first_response"]
    assert (first["status"], first["used_hours"], first["met"]) == ("stopped", 1.0, True)
    r = s["resolution"]
    # 3 h on Tuesday and 4 h on Friday used; Tuesday 12-18, the half day and Friday 09-10 paused
    assert (r["used_hours"], r["paused_hours"], r["target_hours"]) == (7.0, 11.0, 6.0)
    assert r["breached"] and r["breached_at"] == dt.datetime(2026, 10, 30, 10, tzinfo=UTC)
    assert [(w["percent"], w["at"]) for w in r["warnings"]] == [
        (50, dt.datetime(2026, 10, 30, 8, tzinfo=UTC)),
        (75, dt.datetime(2026, 10, 30, 8, 30, tzinfo=UTC)),
    ]
    u = s["update"]
    assert u["status"] == "running" and u["used_hours"] == 6.0
    assert u["due_at"] == dt.datetime(2026, 10, 30, 13, tzinfo=UTC)
    # while paused
    paused = complaint.sla_state(EVENTS[:3], policy(), now="2026-10-28T08:00:00Z")
    assert paused["status"] == "paused" and paused["pause_reason"] == "waiting_on_customer"
    assert paused["resolution"]["status"] == "paused" and paused["resolution"]["due_at"] is None


def test_order_and_dataframes_do_not_matter():
    expected = complaint.sla_state(EVENTS, policy(), now=NOW)
    shuffled = EVENTS[:]
    random.Random(7).shuffle(shuffled)
    assert complaint.sla_state(shuffled, policy(), now=NOW) == expected
    frame = pd.DataFrame(EVENTS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    assert complaint.sla_state(frame, policy(), now=NOW) == expected
    # a pause split in two at one instant changes nothing
    split = EVENTS + [
        {"at": "2026-10-28T08:00:00Z", "kind": "resumed"},
        {"at": "2026-10-28T08:00:00Z", "kind": "paused", "reason": "waiting_on_customer"},
    ]
    assert complaint.sla_state(split, policy(), now=NOW) == expected


def test_impossible_logs_name_the_event():
    bad = EVENTS + [{"at": "2026-10-30T09:00:00Z", "kind": "resumed"}]
    with pytest.raises(crmkit.ComplaintError, match=r"event 5 \(`resumed`.*a paused complaint") as e:
        complaint.sla_state(bad, policy(), now=NOW)
    assert e.value.code == "complaint_invalid_event_log"
    with pytest.raises(crmkit.ComplaintError, match="at or before now"):
        complaint.sla_state(EVENTS, policy(), now="2026-10-30T07:30:00Z")
    with pytest.raises(crmkit.CrmkitError, match="row 1"):
        complaint.sla_state([EVENTS[0], {"at": "2026-10-27T07:00:00Z", "kind": "escalated"}], policy(), now=NOW)
    with pytest.raises(crmkit.CrmkitError, match=r"row 0.*unknown field `priorty`"):
        complaint.sla_state([{**EVENTS[0], "priorty": "high"}], policy(), now=NOW)
    with pytest.raises(crmkit.CrmkitError, match=r"row 1.*a `paused` event needs a `reason` field"):
        complaint.sla_state([EVENTS[0], {"at": "2026-10-27T07:00:00Z", "kind": "paused"}], policy(), now=NOW)
    with pytest.raises(ValueError, match=r"events\[0\]\.at"):
        complaint.sla_state([{**EVENTS[0], "at": dt.datetime(2026, 10, 27, 9)}], policy(), now=NOW)
    with pytest.raises(crmkit.InputError, match="warn_at"):
        complaint.sla_state(EVENTS, policy(), now=NOW, warn_at=[0])
    with pytest.raises(TypeError, match="warn_at"):
        complaint.sla_state(EVENTS, policy(), now=NOW, warn_at="50")


def test_escalations_from_logs_agree_with_open_complaints():
    org = {"ayse": "mehmet", "mehmet": "zeynep", "zeynep": None}
    p = policy()
    open_rows = [
        {"id": "A", "owner": "ayse", "received_at": "2026-11-23T06:00:00Z"},
        {"id": "B", "owner": "ayse", "received_at": "2026-11-23T06:00:00Z",
         "first_response_at": "2026-11-23T06:30:00Z"},
    ]
    events = [
        {"complaint_id": "A", "at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
        {"complaint_id": "B", "at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
        {"complaint_id": "B", "at": "2026-11-23T06:30:00Z", "kind": "responded"},
    ]
    now = "2026-11-24T10:00:00Z"
    assert complaint.escalations_from_logs(events, org, p, now=now) == complaint.escalations(open_rows, org, p, now=now)
    # paused complaints do not escalate; resolved ones neither
    paused = events + [{"complaint_id": "A", "at": "2026-11-23T07:00:00Z", "kind": "paused", "reason": "x"},
                       {"complaint_id": "B", "at": "2026-11-23T07:00:00Z", "kind": "resolved"}]
    assert complaint.escalations_from_logs(paused, org, p, now=now) == []
    with pytest.raises(crmkit.CrmkitError, match="row 1: no complaint_id"):
        complaint.escalations_from_logs([events[0], {"at": "2026-11-23T06:00:00Z", "kind": "responded"}], org, p,
                                        now=now)
    with pytest.raises(crmkit.CrmkitError, match="row 0: a `responded` event takes no `owner` field"):
        complaint.escalations_from_logs([{**events[2], "owner": "x"}], org, p, now=now)
    with pytest.raises(crmkit.ComplaintError, match='complaint "A": event 0'):
        complaint.escalations_from_logs(events[:1], org, p, now="2026-11-20T00:00:00Z")
