"""Customer 360 and contact eligibility: every touchpoint sees the same,
current customer.

Events are dicts with a ``type``, the ``customer`` id, the ``time`` and an
optional ``source``, plus the fields of their type:

=========================================================  ==========================================================
``type``                                                   fields
=========================================================  ==========================================================
``consent``                                                ``channel``, ``purpose``, ``granted``, optional ``recipient``
``campaign_response``                                      ``campaign``, ``channel``, ``response`` (``positive`` /
                                                           ``negative`` / ``opt_out``)
``contact``                                                ``channel``, optional ``campaign`` and ``outcome``
``survey``                                                 ``metric`` (``nps`` / ``csat`` / ``ces``), ``value``,
                                                           optional ``touchpoint``
``complaint_opened``, ``complaint_resolved``,              ``complaint`` (its id), ``category``, optional
``sla_breached``                                           ``priority``
``purchase``                                               ``amount``, ``product``, optional ``currency``
=========================================================  ==========================================================

Channels are ``call``, ``sms`` and ``email``; purposes ``commercial``,
``service`` and ``transactional``. A time is RFC 3339 text with an offset or
a timezone-aware datetime; a naive datetime is refused (code
``invalid_argument``) and text without an offset is a malformed event. A
missing value (``None``, NaN, ``NaT``) is an absent field. A bad event
raises :class:`crmkit.InputError` naming the field (code
``malformed_input``): an unknown type, field or channel, a time without an
offset, an NPS answer outside 0–10.

A :class:`Store` folds events into one profile per customer (the result
does not depend on the order the events arrive in) and decides, under a
:class:`Policy`, whether a customer may be contacted: allowed or not, on
which channel, and every reason as a stable code (``no_consent``,
``consent_revoked``, ``frequency_cap_day``/``_week``/``_month``,
``overall_cap_day``/``_week``/``_month``, ``quiet_hours``,
``open_complaint_cooling_off``, ``complaint_cooling_off``,
``recent_detractor``, ``already_responded_to_campaign``,
``point_suppressed``, ``unknown_time_zone``, ``no_channel``; and the
allowing ``consent_granted`` and ``consent_not_required``).

A customer who answers "yes" to an SMS offer at 10:00 drops off that
campaign's call list at once:

>>> from crmkit import engagement
>>> store = engagement.Store()
>>> store.apply_many([
...     {"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00",
...      "channel": "call", "purpose": "commercial", "granted": True, "source": "iys"},
...     {"type": "campaign_response", "customer": "c1", "time": "2026-12-01T10:00:00+03:00",
...      "campaign": "X", "channel": "sms", "response": "positive"},
... ])
2
>>> d = store.decide("c1", campaign="X", channel="call", now="2026-12-01T14:00:00+03:00")
>>> d.allowed, d.reasons
(False, ['already_responded_to_campaign', 'consent_granted'])
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from typing import Any, Iterable, List, Optional, Union, cast

from . import _crmkit
from . import _frames
from . import _time
from ._errors import MissingKeyError, api, api_class, error, wrong_type

__all__ = ["Decision", "Policy", "Store", "decide_many"]

Now = Union[None, str, _dt.datetime]

Decision = _crmkit.EngagementDecision
"""One contact decision: ``allowed`` (bool), ``channel`` (the channel
allowed, or the one requested; None when none was requested and none is
allowed), ``point`` (the contact point; profiles keep no addresses, so
always None), ``reasons`` (the codes, in order), ``details`` (each reason
as a dict with ``code``, ``channel`` and ``until``) and ``to_dict()``.
Decisions compare equal when every field and reason is equal."""


@api_class
class Policy:
    """A versioned contact policy (TOML or JSON): consent per purpose,
    frequency caps over rolling windows, quiet hours in the customer's local
    time, cooling-off after complaints and detractor answers, the channel
    order for "best channel", and examples that :meth:`lint` runs. Every
    field but ``version`` has a default; :meth:`default` holds İYS-style
    defaults for Türkiye.

    >>> p = Policy.from_str('''
    ... version = 1
    ... [caps]
    ... sms = { day = 2, week = 1 }
    ... ''')
    >>> [f["code"] for f in p.lint()]
    ['cap_day_above_week']
    >>> Policy.default().lint()
    []
    """

    def __init__(self, inner: "_crmkit.EngagementPolicy") -> None:
        if not isinstance(inner, _crmkit.EngagementPolicy):
            raise wrong_type("inner", "a policy made by Policy.from_str, from_file or default", inner)
        self._inner = inner

    @classmethod
    def from_str(cls, text: str, format: str = "toml") -> "Policy":
        """Reads a policy given as text (``format``: ``"toml"`` or
        ``"json"``). The ``version`` is required and an unknown field is an
        error (code ``malformed_input``)."""
        return cls(_crmkit.EngagementPolicy.from_str(text, format))

    @classmethod
    def from_file(cls, path: str) -> "Policy":
        """Reads a ``.toml`` or ``.json`` policy file."""
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls.from_str(text, "json" if str(path).lower().endswith(".json") else "toml")

    @classmethod
    def default(cls) -> "Policy":
        """The default policy: consent needed for commercial contact, the
        channel order email, SMS, call, caps per channel and overall, quiet
        hours 21:00–09:00 for calls and SMS, 7 days of cooling-off after a
        complaint and 30 after a detractor answer, in ``Europe/Istanbul``."""
        return cls(_crmkit.EngagementPolicy.default())

    def lint(self) -> List[dict]:
        """Findings for contradictions and mistakes that reading accepts (a
        cap above a longer window's cap, a channel cap above the overall cap,
        empty quiet hours, an unknown time zone, a bad channel order,
        commercial contact without consent) and for examples whose decision
        differs: a list of dicts with ``code`` and ``message``; empty when
        the policy is sound."""
        return [{"code": code, "message": message} for code, message in self._inner.lint()]

    def to_dict(self) -> dict:
        """The policy as a dict, every default filled in."""
        return self._inner.to_dict()

    def to_json(self) -> str:
        """The policy as JSON text; ``Policy.from_str(text, "json")`` reads
        it back."""
        return self._inner.to_json()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and self._inner == other._inner

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (_policy_from_json, (self.to_json(),))

    def __repr__(self) -> str:
        d = self.to_dict()
        return f"Policy(version={d['version']}, time_zone={d['time_zone']!r}, channel_order={d['channel_order']!r})"


def _policy_from_json(text: str) -> Policy:
    return Policy.from_str(text, "json")


def _policy(policy: Any) -> "_crmkit.EngagementPolicy":
    if policy is None:
        return _crmkit.EngagementPolicy.default()
    if not isinstance(policy, Policy):
        raise wrong_type("policy", "a crmkit.engagement.Policy or None", policy)
    return policy._inner


class _ClassOrInstance:
    """A method that works on the class (``func(cls, None, ...)``) and on an
    instance (``func(type(obj), obj, ...)``)."""

    def __init__(self, func: Any) -> None:
        self._func = func
        functools.update_wrapper(cast(Any, self), func)

    def __get__(self, obj: Any, owner: type) -> Any:
        return functools.wraps(self._func)(functools.partial(api(self._func), owner, obj))


@api_class
class Store:
    """A thread-safe store of customer profiles deciding under one
    :class:`Policy` (the default policy when None).

    Events are folded with :meth:`apply` or :meth:`apply_many`; the profile
    of a customer does not depend on the order its events arrive in.
    :meth:`decide` answers for one contact; :meth:`snapshot` and
    :meth:`restore` save and load every profile. Stores pickle (policy and
    profiles).

    >>> store = Store()
    >>> store.apply({"type": "complaint_opened", "customer": "c1",
    ...              "time": "2026-12-01T08:00:00Z", "complaint": "K1", "category": "billing"})
    >>> d = store.decide("c1", channel="sms", purpose="service", now="2026-12-01T09:00:00Z")
    >>> d.allowed, d.reasons
    (True, ['consent_not_required'])
    >>> store.decide("c1", channel="sms", now="2026-12-01T09:00:00Z").reasons
    ['open_complaint_cooling_off', 'no_consent']
    >>> copy = Store.restore(store.snapshot())
    >>> len(copy), copy.profile("c1") == store.profile("c1")
    (1, True)
    """

    def __init__(self, policy: Optional[Policy] = None) -> None:
        self._inner = _crmkit.EngagementStore(_policy(policy))

    @property
    def policy(self) -> Policy:
        """The policy."""
        return Policy(self._inner.policy)

    def apply(self, event: Mapping[str, Any]) -> None:
        """Folds one event dict (see the module documentation) into its
        customer's profile. A bad event raises :class:`crmkit.InputError`
        naming the field; the store is then unchanged."""
        if not isinstance(event, Mapping):
            raise wrong_type("event", "a dict", event)
        self._inner.apply(dict(event))

    def apply_many(self, events: Any) -> int:
        """Folds every event of an iterable of dicts, or of a pandas or
        polars DataFrame or pyarrow Table with one event per row (columns as
        the dict keys; a missing value is an absent key). Every event is read
        first, so a bad one (named ``events[i]`` with its field) applies
        nothing. The folding runs with the GIL released. Returns how many
        events were applied."""
        return self._inner.apply_many(_rows(events, "events"))

    def follow_index(self, feed: Iterable[Mapping[str, Any]], now: Now = None) -> int:
        """Follows the identity index: applies identity events made of the
        events of ``feed`` (from :meth:`crmkit.identity.Index.events_since`,
        in full from the first one this store has not seen), so that with
        record ids as customer keys every record belongs to its entity and
        :meth:`profile` of a record is its entity's profile. ``now`` (an
        aware datetime or RFC 3339 text; None is the current time) is the
        time the identity events are given. Returns how many identity
        events were applied."""
        if isinstance(feed, (str, bytes, Mapping)) or not isinstance(feed, Iterable):
            raise wrong_type("feed", "a list of events from Index.events_since", feed)
        return self._inner.follow_index(list(feed), _time.to_text(now, "now", optional=True))

    def decide(
        self,
        customer_id: str,
        campaign: Optional[str] = None,
        channel: Optional[str] = None,
        purpose: str = "commercial",
        now: Now = None,
        *,
        time_zone: Optional[str] = None,
    ) -> Decision:
        """Decides on contacting ``customer_id`` at ``now`` (an aware
        datetime or RFC 3339 text; None is the current time) for
        ``purpose`` (``commercial``, ``service`` or ``transactional``), on
        ``channel`` (``call``, ``sms``, ``email``; None tries the policy's
        channel order and answers with the first one allowed), for
        ``campaign`` if any. ``time_zone`` is the customer's IANA zone for
        quiet hours (None: the policy's). A customer without events is
        decided on an empty profile: no consent. An unknown channel or
        purpose raises :class:`crmkit.InputError` naming it.

        >>> Store().decide("nobody", channel="email", now="2026-12-01T09:00:00Z")
        Decision(allowed=False, channel='email', reasons=['no_consent'])
        """
        return self._inner.decide(
            customer_id, campaign, channel, purpose, _time.to_text(now, "now", optional=True), time_zone
        )

    def profile(self, customer_id: str) -> Optional[dict]:
        """A copy of the customer's profile as a dict (consents, contacts,
        delivery state of contact points, campaign answers, survey answers,
        complaints, purchases; times as RFC 3339 UTC text), or None for a
        customer without events."""
        return self._inner.profile(customer_id)

    def snapshot(self) -> bytes:
        """Every profile as versioned bytes (JSON), sorted by customer id;
        :meth:`restore` reads them back."""
        return self._inner.snapshot()

    @_ClassOrInstance
    def restore(cls: type["Store"], self: Optional["Store"], data: bytes, policy: Optional[Policy] = None) -> "Store":
        """On the class, ``Store.restore(data, policy=None)`` is a new store
        holding the profiles of a :meth:`snapshot`; on a store,
        ``store.restore(data)`` replaces its profiles (keeping its policy)
        and returns it. Bad bytes raise :class:`crmkit.InputError` (code
        ``malformed_input``) and leave the store unchanged."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise wrong_type("data", "bytes from Store.snapshot", data)
        if self is None:
            self = cls(policy)
        elif policy is not None:
            raise error("invalid argument `policy`: a store keeps its policy; call Store.restore(data, policy) instead")
        self._inner.restore(bytes(data))
        return self

    def __len__(self) -> int:
        return len(self._inner)

    def __reduce__(self) -> tuple:
        return (_store_from, (self.policy.to_json(), self.snapshot()))

    def __repr__(self) -> str:
        return f"Store(customers={len(self)})"


def _store_from(policy_json: str, snapshot: bytes) -> Store:
    return Store.restore(snapshot, _policy_from_json(policy_json))


# --- frames -------------------------------------------------------------------


def _rows(data: Any, name: str) -> list:
    """One dict per row of a frame, or the items of an iterable; values are
    passed on as they are (the native module drops missing ones)."""
    data = _frames.collected(data)
    kind = _frames.kind(data)
    if kind == "pandas":
        return data.to_dict("records")
    if kind == "polars":
        return data.to_dicts()
    if kind == "pyarrow":
        return data.to_pylist()
    if isinstance(data, (str, bytes, Mapping)) or not hasattr(data, "__iter__"):
        raise wrong_type(name, "an iterable of event dicts, a pandas/polars DataFrame or a pyarrow Table", data)
    return list(data)


def _column(frame: Any, kind: str, name: str, n: int) -> list:
    """A column as a list, missing values as None; all None when absent."""
    names = frame.column_names if kind == "pyarrow" else list(frame.columns)
    if name not in names:
        return [None] * n
    if kind == "pandas":
        col = frame[name]
        return col.astype(object).where(col.notna(), None).tolist()
    if kind == "polars":
        return frame[name].to_list()
    return frame.column(name).to_pylist()


def _texts(values: list, name: str, required: bool = False) -> list:
    for i, v in enumerate(values):
        if v is None:
            if required:
                raise error(f"invalid argument `{name}`: row {i} has no {name}")
        elif not isinstance(v, str):
            raise wrong_type(f"{name}[{i}]", "text or None", v)
    return values


@api
def decide_many(list_frame: Any, events_frame: Any, policy: Optional[Policy] = None, now: Now = None) -> Any:
    """Decisions for a contact list given the events of its customers.

    ``list_frame`` (a pandas or polars DataFrame or a pyarrow Table) has a
    ``customer`` column and optionally ``campaign``, ``channel`` and
    ``purpose`` (a missing purpose is ``commercial``, a missing channel
    asks for the best one). ``events_frame`` holds one event per row (the
    columns are the event keys; a missing value is an absent key) or is an
    iterable of event dicts. The events are folded into a fresh
    :class:`Store` under ``policy`` (the default when None) and every row is
    decided at ``now`` (an aware datetime or RFC 3339 text; None is the
    current time), with the GIL released.

    Returns the same kind of frame with the columns ``allowed`` (bool),
    ``channel`` (the decision's channel, replacing a requested ``channel``
    column: the same where a channel was requested) and ``reasons`` (the
    reason codes: a list of str per row; a list column in polars and
    pyarrow, Python lists in an object column in pandas). Row ``i`` equals
    ``Store.decide`` on row ``i``.

    >>> import pandas as pd
    >>> calls = pd.DataFrame({"customer": ["c1", "c2"], "channel": ["sms", "sms"]})
    >>> events = pd.DataFrame([
    ...     {"type": "consent", "customer": "c1", "time": "2026-11-01T10:00:00+03:00",
    ...      "channel": "sms", "purpose": "commercial", "granted": True, "source": "iys"},
    ... ])
    >>> out = decide_many(calls, events, now="2026-12-01T11:00:00+03:00")
    >>> out["allowed"].tolist(), out["reasons"].tolist()
    ([True, False], [['consent_granted'], ['no_consent']])
    """
    list_frame = _frames.collected(list_frame)
    kind = _frames.kind(list_frame)
    if kind is None:
        raise wrong_type("list_frame", "a pandas or polars DataFrame or a pyarrow Table", list_frame)
    n = list_frame.num_rows if kind == "pyarrow" else len(list_frame)
    names = list_frame.column_names if kind == "pyarrow" else list(list_frame.columns)
    if "customer" not in names:
        raise error("invalid argument `list_frame`: no `customer` column", cls=MissingKeyError)
    customers = _texts(_column(list_frame, kind, "customer", n), "customer", required=True)
    campaigns = _texts(_column(list_frame, kind, "campaign", n), "campaign")
    channels = _texts(_column(list_frame, kind, "channel", n), "channel")
    purposes = _texts(_column(list_frame, kind, "purpose", n), "purpose")
    now_text = _time.to_text(now, "now", optional=True)
    store = Store(policy)
    store.apply_many(_rows(events_frame, "events_frame"))
    allowed, channel, reasons = store._inner.decide_rows(customers, campaigns, channels, purposes, now_text)
    if kind == "pandas":
        import pandas as pd

        out = list_frame.copy()
        out["allowed"] = pd.Series(allowed, index=out.index, dtype=bool)
        out["channel"] = pd.Series(channel, index=out.index, dtype=object)
        out["reasons"] = pd.Series(reasons, index=out.index, dtype=object)
        return out
    if kind == "polars":
        import polars as pl

        return list_frame.with_columns(
            pl.Series("allowed", allowed, dtype=pl.Boolean),
            pl.Series("channel", channel, dtype=pl.Utf8),
            pl.Series("reasons", reasons, dtype=pl.List(pl.Utf8)),
        )
    import pyarrow as pa

    out = list_frame
    for name, values, typ in (
        ("allowed", allowed, pa.bool_()),
        ("channel", channel, pa.string()),
        ("reasons", reasons, pa.list_(pa.string())),
    ):
        column = pa.array(values, typ)
        if name in out.column_names:
            out = out.set_column(out.column_names.index(name), name, column)
        else:
            out = out.append_column(name, column)
    return out
