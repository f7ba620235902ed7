"""The online index's event feed: numbered events a subscriber follows."""

import pytest

import crmkit
from crmkit import identity

ONE = {"id": "1", "first_name": "Mert", "last_name": "Kara", "phone": "0532 000 11 22",
       "date_of_birth": "01.01.1990", "city": "Elazığ", "country": "TR"}
THREE = {"id": "3", "first_name": None, "last_name": "Kara", "email": "mert.kara@gmail.com",
         "city": "Elazığ", "country": "TR"}
# has both the phone of 1 and the email of 3: links them
TWO = {"id": "2", "first_name": "Mert", "last_name": "Kara", "phone": "0532 000 11 22",
       "email": "mert.kara@gmail.com", "date_of_birth": "01.01.1990", "city": "Elazığ", "country": "TR"}


def replay(state: dict, event: dict) -> None:
    """A subscriber's copy of the entities: entity id -> set of record ids."""
    kind, entity = event["event"], event["entity_id"]
    if kind == "created":
        state[entity] = {event["record_id"]}
    elif kind == "joined":
        state[entity].add(event["record_id"])
    elif kind == "left":
        state[entity].remove(event["record_id"])
    elif kind == "merged":
        for absorbed, moved in zip(event["absorbed"], event["moved"]):
            assert state.pop(absorbed) == set(moved)
            state[entity] |= set(moved)
    elif kind == "split":
        for new, moved in zip(event["new_entity_ids"], event["moved"]):
            state[entity] -= set(moved)
            state[new] = set(moved)
    elif kind == "removed":
        assert state.pop(entity) == set()
    else:
        raise AssertionError(event)


def grouped(assignments: dict) -> dict:
    out: dict = {}
    for record, entity in assignments.items():
        out.setdefault(entity, set()).add(record)
    return out


def test_a_subscriber_follows_merges_and_splits():
    idx = identity.Index([ONE, THREE])
    state, cursor = grouped(idx.assignments()), idx.last_seq()
    assert state == {"1": {"1"}, "3": {"3"}} and cursor == 0

    idx.insert(TWO)
    events = idx.events_since(cursor)
    assert [e["seq"] for e in events] == [1, 2]
    assert events[0] == {"seq": 1, "event": "joined", "entity_id": "1", "record_id": "2"}
    assert events[1] == {"seq": 2, "event": "merged", "entity_id": "1", "absorbed": ["3"], "moved": [["3"]]}

    idx.delete("2")
    idx.insert({**ONE, "id": "7", "phone": "0544 000 00 01", "first_name": "Can", "date_of_birth": None})
    for e in idx.events_since(cursor):
        replay(state, e)
    cursor = idx.last_seq()
    assert [e["event"] for e in idx.events_since(2)] == ["left", "split", "created"]
    assert idx.events_since(3)[0] == {"seq": 4, "event": "split", "entity_id": "1",
                                      "new_entity_ids": ["3"], "moved": [["3"]]}
    assert state == grouped(idx.assignments())
    assert idx.events_since(cursor) == []


def test_a_cursor_past_the_retention_must_resync():
    idx = identity.Index([ONE, THREE])
    assert idx.feed_retention == 65536
    idx.insert(TWO)
    idx.delete("2")
    idx.feed_retention = 2
    assert idx.feed_retention == 2
    assert [e["seq"] for e in idx.events_since(2)] == [3, 4]
    with pytest.raises(crmkit.InputError) as err:
        idx.events_since(1)
    assert err.value.code == "resync_required"
    assert "too old" in str(err.value)
    with pytest.raises(crmkit.InputError) as err:
        idx.events_since(idx.last_seq() + 1)
    assert err.value.code == "resync_required"


@pytest.mark.parametrize("bad", [-1, "3", 1.5, True, None])
def test_bad_cursors_and_retentions_name_the_argument(bad):
    idx = identity.Index([ONE])
    with pytest.raises(crmkit.CrmkitError, match="after") as err:
        idx.events_since(bad)
    assert err.value.code == "invalid_argument"
    with pytest.raises(crmkit.CrmkitError, match="feed_retention"):
        idx.feed_retention = bad


def test_an_engagement_store_follows_the_index():
    from crmkit import engagement

    idx = identity.Index([ONE, THREE])
    store = engagement.Store()
    store.apply({"type": "complaint_opened", "customer": "3", "time": "2026-12-01T08:00:00Z",
                 "complaint": "K1", "category": "billing"})
    store.apply({"type": "consent", "customer": "1", "time": "2026-11-01T08:00:00Z",
                 "channel": "sms", "purpose": "commercial", "granted": True})
    cursor = idx.last_seq()

    idx.insert(TWO)  # merges 3 into 1
    assert store.follow_index(idx.events_since(cursor), now="2026-12-01T09:00:00Z") == 2
    cursor = idx.last_seq()
    merged = store.profile("3")
    assert merged["customer"] == "1" and merged == store.profile("1")
    assert "K1" in merged["complaints"]

    idx.delete("2")  # splits them again
    assert store.follow_index(idx.events_since(cursor), now="2026-12-01T09:00:00Z") == 2
    assert store.profile("3")["customer"] == "3"
    assert "K1" in store.profile("3")["complaints"]
    assert "K1" not in store.profile("1").get("complaints", {})

    with pytest.raises(crmkit.CrmkitError, match="feed") as err:
        store.follow_index([{"seq": 1, "event": "exploded"}])
    assert err.value.code == "invalid_argument"
    with pytest.raises(crmkit.CrmkitError, match="feed"):
        store.follow_index({"seq": 1})
