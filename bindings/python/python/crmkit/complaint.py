"""Complaint handling: a text classifier trained in Rust, category rules,
tracking numbers customers can read aloud, business calendars, SLA due
times and escalations, and KPI reports.

Tracking numbers use the 31 symbols ``23456789ABCDEFGHJKMNPQRSTUVWXYZ``
(no 0/O, no 1/I/L) and end with a check character that catches every
single-character error and every swap of two adjacent characters.

Times are RFC 3339 text with an offset or timezone-aware datetimes; a naive
datetime is refused with :class:`crmkit.InputError` (code
``invalid_argument``) naming the argument or the row and column, since a
guessed zone would silently shift every SLA clock. Every bad argument
raises a :class:`crmkit.CrmkitError` naming it; a wrong type is also a
``TypeError``, a missing file also a ``FileNotFoundError``.

>>> from crmkit import complaint
>>> t = complaint.tracking_number(1234567, prefix="SK")
>>> t
'SK-3CFP-SV'
>>> complaint.validate_tracking_number("sk 3cfp sv"), complaint.validate_tracking_number("SK-3CFQ-SV")
(True, False)
>>> complaint.tracking_number_error("SK-3CF0-SV")
"character '0' at position 6 is not used in tracking numbers (did you mean 'Q'?)"
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from typing import Any, Iterable, Mapping, Optional

from . import _crmkit
from . import _frames
from . import _time
from ._errors import ArgumentOverflowError, api, api_class, error, invalid, wrong_type

__all__ = [
    "Calendar",
    "SlaPolicy",
    "escalations",
    "due_times",
    "sla_state",
    "escalations_from_logs",
    "report",
    "CategoryRules",
    "Classifier",
    "tracking_number",
    "validate_tracking_number",
    "tracking_number_error",
    "parse_tracking_number",
]


@api_class
class CategoryRules:
    """Keyword and phrase rule sets for complaint categories, matched on
    Turkish-aware text (case, Turkish letters optional, suffix-tolerant:
    ``iade`` matches ``iadesi``), plus built-in high-precision flags
    (``legal_threat``, ``regulator``, ``fraud``, ``data_leak``,
    ``cancellation_intent``, ``public_complaint_threat``).

    >>> rules = CategoryRules.from_str('''
    ... version = "1"
    ... [[categories]]
    ... id = "refund"
    ... any = ["iade", "param yatmadi"]
    ... ''')
    >>> r = rules.categorize("İADEMİ istiyorum, avukatıma gideceğim")
    >>> [c["id"] for c in r["categories"]], [f["id"] for f in r["flags"]]
    (['refund'], ['legal_threat'])
    >>> r["categories"][0]["spans"][0]["text"]
    'İADEMİ'
    """

    def __init__(self, inner: "_crmkit.CategoryRules") -> None:
        self._inner = inner

    def __repr__(self) -> str:
        return repr(self._inner)

    @classmethod
    def from_str(cls, text: str, format: str = "toml") -> "CategoryRules":
        """Compiles a rule file given as text; ``format`` is ``"toml"`` or
        ``"json"``. A bad file raises :class:`crmkit.ComplaintError` naming
        the rule."""
        return cls(_crmkit.CategoryRules.from_str(text, format))

    @classmethod
    def from_file(cls, path: str) -> "CategoryRules":
        """Compiles a ``.toml`` or ``.json`` rule file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_str(f.read(), "json" if str(path).endswith(".json") else "toml")

    def categorize(self, text: str, *, fields: Optional[dict] = None) -> dict:
        """Categories (highest priority first) and flags, each with the
        matched spans of the original text. ``fields`` (``channel``,
        ``product``, ``segment``, ``language``, ``amount``, ``attributes``)
        feeds rules with field conditions (``when = {...}``)."""
        if not isinstance(text, str):
            raise wrong_type("text", "text", text)
        if fields is not None and not isinstance(fields, Mapping):
            raise wrong_type("fields", "a dict", fields)
        f = None if fields is None else [dict(fields)]
        return self._inner.categorize([text], f)[0]

    def categorize_many(self, texts: Iterable[str], *, fields: Optional[Iterable[Optional[dict]]] = None) -> list:
        """:meth:`categorize` for many texts (``fields``: one dict or None
        per text), with the GIL released."""
        texts = _texts(texts, "texts")
        f = None
        if fields is not None:
            f = []
            for i, x in enumerate(_as_list(fields, "fields")):
                if x is not None and not isinstance(x, Mapping):
                    raise wrong_type(f"fields[{i}]", "a dict or None", x)
                f.append(None if x is None else dict(x))
        return self._inner.categorize(texts, f)


@api_class
class Classifier:
    """A linear complaint classifier: hashed word 1-2-grams and character
    2-5-grams (Turkish-aware normalization, ASCII folding), TF-IDF, one linear
    SVM per label, calibrated softmax probabilities; abstains below
    ``abstain_below``, or when less than ``min_known`` of the text's words
    were seen in training (text from another language or domain), so the
    complaint goes to human triage.

    >>> m = Classifier.train(["kargom gelmedi", "kargo gecikti", "iade istiyorum", "param iade edilmedi"],
    ...                      ["delivery", "delivery", "refund", "refund"])
    >>> m.predict(["KARGOM HALA GELMEDI", "iade"])
    ['delivery', 'refund']
    """

    def __init__(self, inner: "_crmkit.Classifier") -> None:
        self._inner = inner

    def __repr__(self) -> str:
        return repr(self._inner)

    @classmethod
    def train(cls, texts: Iterable[str], labels: Iterable[Any], **options: Any) -> "Classifier":
        """Trains on texts and labels (lists, pandas/polars Series...).
        Options: ``c`` (1.0), ``epochs`` (12), ``hash_bits`` (20),
        ``min_char_df`` (2), ``abstain_below`` (0.0, a probability from 0
        to 1), ``min_known`` (0.0, the least share of the text's words seen
        in training; below it the model abstains), ``stem`` (None; "turkish"
        or "english" adds word stems as features, for Turkish suffixes),
        ``class_weight`` (None; "balanced" weighs labels by
        n_samples / (n_labels * count), or a dict label -> weight),
        ``cv_folds`` (0; from 2, ``c`` is chosen from ``c_grid`` by
        stratified cross-validation, see :attr:`report`), ``c_grid``
        ([0.1, 0.3, 1, 3, 10]), ``seed`` (0). A missing text or label
        (``None``, NaN) is an error naming its row.

        >>> m = Classifier.train(["kargom gelmedi", "kargolarım gecikti", "iade istiyorum", "iademi yapın"],
        ...                      ["delivery", "delivery", "refund", "refund"],
        ...                      stem="turkish", class_weight="balanced", cv_folds=2)
        >>> m.predict(["KARGOMU BEKLİYORUM"])
        ['delivery']
        >>> m.report["c"] in (0.1, 0.3, 1.0, 3.0, 10.0)
        True
        """
        weights = options.get("class_weight")
        if isinstance(weights, Mapping):
            # keys as the labels are taken: numbers as their text
            keys = _texts(list(weights.keys()), "class_weight", any_scalar=True)
            options["class_weight"] = dict(zip(keys, weights.values()))
        return cls(_crmkit.Classifier.train(_texts(texts, "texts"), _texts(labels, "labels", any_scalar=True), **options))

    @property
    def report(self) -> dict:
        """How the model was trained: ``c`` (chosen by cross-validation
        when ``cv_folds`` asked; None for model files of older versions),
        ``cv_scores`` (a list of (c, mean accuracy) per value tried),
        ``stem``, ``labels`` and the model file ``version``."""
        r = self._inner.report()
        r["cv_scores"] = [tuple(x) for x in r["cv_scores"]]
        return r

    def predict(self, texts: Iterable[str]) -> list:
        """One label per text; ``None`` where the model abstains."""
        return self._inner.predict(_texts(texts, "texts"))

    def predict_proba(self, texts: Iterable[str]) -> list:
        """For each text, a dict label -> probability (most likely first)."""
        return [dict(p) for p in self._inner.predict_proba(_texts(texts, "texts"))]

    def explain(self, text: str) -> dict:
        """The label (or None), the top five labels with probabilities, and
        the n-grams of the text that weighed most for the top label."""
        if not isinstance(text, str):
            raise wrong_type("text", "text", text)
        label, top, features = self._inner.explain(text)
        return {"label": label, "top": top, "features": features}

    @property
    def labels(self) -> list:
        """The labels, sorted."""
        return self._inner.labels

    def save(self, path: str) -> None:
        """Writes the model file."""
        with open(path, "wb") as f:
            f.write(self._inner.to_bytes())

    @classmethod
    def load(cls, path: str) -> "Classifier":
        """Reads a model file; a malformed one raises :class:`crmkit.ComplaintError`."""
        with open(path, "rb") as f:
            return cls(_crmkit.Classifier.from_bytes(f.read()))

    def __getstate__(self) -> bytes:
        return self._inner.to_bytes()

    def __setstate__(self, state: bytes) -> None:
        self._inner = _crmkit.Classifier.from_bytes(state)


def _as_list(values: Any, name: str = "texts") -> list:
    for method in ("to_pylist", "to_list", "tolist"):
        if hasattr(values, method):
            return getattr(values, method)()
    if isinstance(values, (str, bytes, Mapping, set, frozenset)) or not hasattr(values, "__iter__"):
        raise wrong_type(name, "a list or column of texts", values)
    return list(values)


def _texts(values: Any, name: str, *, any_scalar: bool = False) -> list:
    """``values`` as a list of str; a missing value is an error naming its
    row (``any_scalar``: numbers are taken as their text, for labels)."""
    out = []
    for i, v in enumerate(_as_list(values, name)):
        if isinstance(v, str):
            out.append(v)
        elif _time.is_missing(v):
            raise invalid(f"{name}[{i}]", "text is missing (None or NaN)")
        elif any_scalar and isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(str(v))
        else:
            raise wrong_type(f"{name}[{i}]", "text", v)
    return out


@api
def tracking_number(sequence: int, *, prefix: Optional[str] = None) -> str:
    """The tracking number of ``sequence`` (0 to 2**64-1), with an optional
    prefix of up to 6 characters from the tracking alphabet. A bad prefix
    raises :class:`crmkit.InputError`."""
    if isinstance(sequence, bool) or not isinstance(sequence, numbers.Integral):
        raise wrong_type("sequence", "an integer from 0 to 2**64-1", sequence)
    if not 0 <= sequence < 2**64:
        raise error(f"invalid argument `sequence`: an integer from 0 to 2**64-1, got {sequence}",
                    cls=ArgumentOverflowError)
    return _crmkit.tracking_number(int(sequence), prefix)


@api
def validate_tracking_number(text: str, *, prefix: Optional[str] = None) -> bool:
    """Whether ``text`` is a valid tracking number (case, spaces and hyphens
    are ignored). With ``prefix``, it must start with that prefix."""
    ok, _ = _crmkit.check_tracking_number(text, prefix)
    return ok is not None


@api
def tracking_number_error(text: str, *, prefix: Optional[str] = None) -> Optional[str]:
    """Why ``text`` is not a valid tracking number, or ``None`` if it is."""
    _, error = _crmkit.check_tracking_number(text, prefix)
    return error


@api
def parse_tracking_number(text: str, *, prefix: Optional[str] = None) -> dict:
    """The canonical form, sequence number and prefix of a valid tracking
    number; raises :class:`crmkit.InputError` (code ``invalid_argument``)
    saying why for an invalid one."""
    ok, why = _crmkit.check_tracking_number(text, prefix)
    if ok is None:
        raise invalid("text", why or "not a tracking number")
    canonical, sequence, found_prefix = ok
    return {"canonical": canonical, "sequence": sequence, "prefix": found_prefix}


# ---------------------------------------------------------------- SLA, reports


@api_class
class Calendar:
    """A business calendar: time zone, working hours per weekday, holidays
    and half days, as data (see ``crates/crmkit/examples/calendars/``).

    >>> cal = Calendar.turkey_2026_2027()
    >>> # Wednesday 28 October 2026 is a half day, the 29th Republic Day
    >>> cal.business_hours_between("2026-10-28T06:00:00Z", "2026-10-30T07:00:00Z")
    5.0
    >>> cal.add_business_hours("2026-10-28T06:00:00Z", 8)
    datetime.datetime(2026, 10, 30, 10, 0, tzinfo=datetime.timezone.utc)
    """

    def __init__(self, inner: "_crmkit.Calendar") -> None:
        self._inner = inner

    @classmethod
    def from_str(cls, text: str, format: str = "toml") -> "Calendar":
        """Reads a calendar given as text; ``format`` is ``"toml"`` or
        ``"json"``. A bad file raises :class:`crmkit.ComplaintError`."""
        return cls(_crmkit.Calendar.from_str(text, format))

    @classmethod
    def from_file(cls, path: str) -> "Calendar":
        """Reads a ``.toml`` or ``.json`` calendar file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_str(f.read(), "json" if str(path).endswith(".json") else "toml")

    @classmethod
    def turkey_2026_2027(cls) -> "Calendar":
        """Türkiye's official holidays 2026–2027 with half-day eves,
        weekdays 09:00–18:00, Europe/Istanbul."""
        return cls(_crmkit.Calendar.turkey_2026_2027())

    @property
    def name(self) -> str:
        """The calendar's name."""
        return self._inner.name

    def add_business_hours(self, start: Any, hours: float) -> _dt.datetime:
        """``start`` (an aware datetime or RFC 3339 text) plus ``hours`` of
        business time, as an aware UTC datetime."""
        if isinstance(hours, bool) or not isinstance(hours, (int, float)):
            raise wrong_type("hours", "a number of hours", hours)
        return _time.parse(self._inner.add_business_hours(_time.to_text(start, "start"), float(hours)))

    def business_hours_between(self, start: Any, end: Any) -> float:
        """Business hours between two times; an ``end`` earlier than
        ``start`` raises :class:`crmkit.InputError` naming both."""
        return self._inner.business_hours_between(_time.to_text(start, "start"), _time.to_text(end, "end"))

    def __repr__(self) -> str:
        return repr(self._inner)


@api_class
class SlaPolicy:
    """A versioned SLA policy: first-response, update and resolution
    targets (business hours) per category and priority, and escalation
    steps (percent of a target -> how far up the chain to tell).

    >>> p = SlaPolicy.from_str('''
    ... version = "2026-11"
    ... [default]
    ... first_response_hours = 8
    ... resolution_hours = 40
    ... [[overrides]]
    ... priority = "urgent"
    ... first_response_hours = 1
    ... ''')
    >>> p.targets(priority="urgent")
    {'first_response_hours': 1.0, 'update_hours': None, 'resolution_hours': 40.0}
    """

    def __init__(self, inner: "_crmkit.SlaPolicy") -> None:
        self._inner = inner

    @classmethod
    def from_str(cls, text: str, format: str = "toml") -> "SlaPolicy":
        """Reads a policy given as text; ``format`` is ``"toml"`` or
        ``"json"``. A bad policy raises :class:`crmkit.ComplaintError`."""
        return cls(_crmkit.SlaPolicy.from_str(text, format))

    @classmethod
    def from_file(cls, path: str) -> "SlaPolicy":
        """Reads a ``.toml`` or ``.json`` policy file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_str(f.read(), "json" if str(path).endswith(".json") else "toml")

    @property
    def version(self) -> str:
        """The policy version, carried by every notification."""
        return self._inner.version

    def targets(self, category: Optional[str] = None, priority: str = "normal") -> dict:
        """The targets in business hours of a category and priority
        (``low``, ``normal``, ``high``, ``urgent``); ``None`` when not tracked."""
        first, update, resolution = self._inner.targets(category, priority)
        return {"first_response_hours": first, "update_hours": update, "resolution_hours": resolution}

    def __repr__(self) -> str:
        return repr(self._inner)


@api
def escalations(
    open: Any,
    org: Mapping[str, Optional[str]],
    policy: SlaPolicy,
    calendar: Optional[Calendar] = None,
    now: Any = None,
) -> list:
    """Who must be told about which open complaint at ``now``, up the chain
    owner -> supervisor -> manager.

    ``open`` is a list of dicts, a pandas/polars DataFrame (or polars
    LazyFrame) or a pyarrow Table with ``id``,
    ``owner``, ``received_at`` and optional ``category``, ``priority``,
    ``first_response_at``, ``last_update_at``; ``org`` maps each person to
    their supervisor (``None`` at the top); ``calendar`` defaults to
    :meth:`Calendar.turkey_2026_2027`; ``now`` is required (an aware
    datetime or RFC 3339 text). Returns one dict per (complaint, clock)
    past its first step: ``complaint_id``, ``clock``, ``threshold_percent``,
    ``used_percent``, ``due_at`` (aware UTC datetime), ``recipients`` (owner
    first), ``chain_too_short``, ``policy_version``.

    >>> policy = SlaPolicy.from_str("version = '1'\\n[default]\\nfirst_response_hours = 8")
    >>> org = {"ayse": "mehmet", "mehmet": "zeynep", "zeynep": None}
    >>> open = [{"id": "SK-3CFP-SV", "owner": "ayse", "received_at": "2026-11-23T06:00:00Z"}]
    >>> [n["recipients"] for n in escalations(open, org, policy, now="2026-11-24T06:00:00Z")]
    [['ayse', 'mehmet']]
    """
    now_text = _time.to_text(now, "now")
    policy, cal = _policy(policy), _calendar(calendar)
    org = _org(org)
    out = _crmkit.escalations(_records(open, "open"), org, policy._inner, cal._inner, now_text)
    for n in out:
        n["due_at"] = _time.parse(n["due_at"])
    return out


@api
def due_times(open: Any, policy: SlaPolicy, calendar: Optional[Calendar] = None) -> list:
    """When each running clock of each open complaint is due: one dict per
    complaint (``id``, ``first_response``, ``update``, ``resolution`` as
    aware UTC datetimes, ``None`` for a clock without target or not
    running). Inputs as for :func:`escalations`."""
    policy, cal = _policy(policy), _calendar(calendar)
    out = _crmkit.due_times(_records(open, "open"), policy._inner, cal._inner)
    for d in out:
        for k in ("first_response", "update", "resolution"):
            d[k] = _time.parse(d[k])
    return out


def _warn_at(warn_at: Any) -> list:
    if isinstance(warn_at, (str, bytes)) or not isinstance(warn_at, Iterable):
        raise wrong_type("warn_at", "a list of percentages > 0", warn_at)
    out = []
    for p in warn_at:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral):
            raise wrong_type("warn_at", "a list of whole percentages > 0", warn_at)
        if not 0 < int(p) < 2**32:
            raise invalid("warn_at", f"percentages > 0, got {p}")
        out.append(int(p))
    return out


@api
def sla_state(
    events: Any,
    policy: SlaPolicy,
    calendar: Optional[Calendar] = None,
    now: Any = None,
    warn_at: Iterable[int] = (50, 75, 90),
) -> dict:
    """The SLA standing of one complaint at ``now``, computed from its event
    log alone.

    ``events`` is a list of dicts or a table (pandas, polars, pyarrow) with ``at``
    (an aware datetime or RFC 3339 text), ``kind`` and the kind's fields:
    ``received`` (``owner``, optional ``category``, ``priority``),
    ``responded``, ``paused`` (``reason``), ``resumed``,
    ``priority_changed`` (``priority``), ``category_changed``
    (``category``), ``reassigned`` (``owner``), ``resolved``, ``reopened``;
    in any order. Pauses stop the clocks, priority and category changes
    move the due times without losing the business time already spent,
    reopening resumes the resolution clock. ``warn_at`` are the "about to
    breach" thresholds in percent of a target.

    Returns a dict: ``status`` (``open``, ``paused``, ``resolved``),
    ``pause_reason``, ``owner``, ``category``, ``priority``, the times
    ``received_at``, ``first_response_at``, ``last_response_at``,
    ``resolved_at``, ``reopened``, and one dict per clock
    (``first_response``, ``update``, ``resolution``) with ``status``
    (``not_started``, ``running``, ``paused``, ``stopped``),
    ``target_hours``, ``used_hours``, ``paused_hours`` (business hours),
    ``used_percent``, ``due_at``, ``breached``, ``breached_at``, ``met``,
    ``breaches`` and ``warnings`` (``percent``, ``at``). An impossible log
    raises :class:`crmkit.ComplaintError` (code
    ``complaint_invalid_event_log``) naming the event's row.

    >>> policy = SlaPolicy.from_str("version = '1'\\n[default]\\nresolution_hours = 16")
    >>> events = [
    ...     {"at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
    ...     {"at": "2026-11-23T08:00:00Z", "kind": "paused", "reason": "waiting_on_customer"},
    ...     {"at": "2026-11-24T08:00:00Z", "kind": "resumed"},
    ... ]
    >>> r = sla_state(events, policy, now="2026-11-24T09:00:00Z")["resolution"]
    >>> r["used_hours"], r["paused_hours"], r["due_at"].isoformat()
    (3.0, 9.0, '2026-11-25T13:00:00+00:00')
    """
    now_text = _time.to_text(now, "now")
    policy, cal = _policy(policy), _calendar(calendar)
    out = _crmkit.sla_state(_records(events, "events"), policy._inner, cal._inner, now_text, _warn_at(warn_at))
    for k in ("received_at", "first_response_at", "last_response_at", "resolved_at"):
        out[k] = _time.parse(out[k])
    for k in ("first_response", "update", "resolution"):
        clock = out[k]
        clock["due_at"] = _time.parse(clock["due_at"])
        clock["breached_at"] = _time.parse(clock["breached_at"])
        for w in clock["warnings"]:
            w["at"] = _time.parse(w["at"])
    return out


@api
def escalations_from_logs(
    events: Any,
    org: Mapping[str, Optional[str]],
    policy: SlaPolicy,
    calendar: Optional[Calendar] = None,
    now: Any = None,
) -> list:
    """:func:`escalations` for complaints given by their event logs: one
    table (list of dicts, DataFrame, LazyFrame or pyarrow Table) of the events of many complaints,
    each row with its ``complaint_id`` and the fields of
    :func:`sla_state`. Paused clocks do not escalate, resolved complaints
    produce nothing; complaints come out in the order they first appear.

    >>> policy = SlaPolicy.from_str("version = '1'\\n[default]\\nfirst_response_hours = 4")
    >>> events = [
    ...     {"complaint_id": "A", "at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
    ...     {"complaint_id": "B", "at": "2026-11-23T06:00:00Z", "kind": "received", "owner": "ayse"},
    ...     {"complaint_id": "B", "at": "2026-11-23T07:00:00Z", "kind": "paused", "reason": "waiting_on_customer"},
    ... ]
    >>> [(n["complaint_id"], n["recipients"]) for n in escalations_from_logs(
    ...     events, {"ayse": "mehmet"}, policy, now="2026-11-23T10:00:00Z")]
    [('A', ['ayse', 'mehmet'])]
    """
    now_text = _time.to_text(now, "now")
    policy, cal = _policy(policy), _calendar(calendar)
    org = _org(org)
    out = _crmkit.escalations_from_logs(_records(events, "events"), org, policy._inner, cal._inner, now_text)
    for n in out:
        n["due_at"] = _time.parse(n["due_at"])
    return out


_DURATIONS = ("resolution_hours", "resolution_business_hours", "first_response_hours")


@api
def report(
    complaints: Any,
    *,
    by: str = "first_department",
    calendar: Optional[Calendar] = None,
    now: Any = None,
    pareto: bool = False,
) -> Any:
    """Complaint KPIs per group: ``by`` is ``first_department``,
    ``resolving_department``, ``category``, ``channel``, ``month`` or
    ``all``. ``complaints`` is a list of dicts, a pandas/polars DataFrame
    (a polars LazyFrame is collected) or a pyarrow Table with ``id``, ``channel``, ``received_at`` and optional ``category``,
    ``topic``, ``first_department``, ``resolving_department``,
    ``first_response_at``, ``resolved_at``, ``due_at``, ``reopened``,
    ``satisfied``, ``winback_cost``, ``repurchased`` (missing values may be
    None/NaN/NaT). With ``calendar`` resolution times are also given in
    business hours; with ``now`` open complaints past due count as breaches.

    Returns a list of dicts (durations as dicts ``mean``, ``median``,
    ``p90``, ``max``), or a table of the same library as the input (a
    polars DataFrame for a LazyFrame) with the durations flattened
    (``resolution_hours_median``...); in pandas a missing text is None,
    never NaN. With
    ``pareto=True`` returns ``(rows, pareto)``, the Pareto of topics (topic,
    else category) in the same form.

    >>> rows = report([
    ...     {"id": "1", "channel": "app", "received_at": "2026-11-02T09:00:00Z",
    ...      "first_department": "logistics", "resolving_department": "logistics",
    ...      "resolved_at": "2026-11-02T13:00:00Z"},
    ...     {"id": "2", "channel": "email", "received_at": "2026-11-03T09:00:00Z",
    ...      "first_department": "logistics"},
    ... ])
    >>> rows[0]["key"], rows[0]["count"], rows[0]["resolution_rate"], rows[0]["resolution_hours"]["median"]
    ('logistics', 2, 50.0, 4.0)
    """
    complaints = _frames.collected(complaints)
    kind = _frames.kind(complaints)
    if not isinstance(by, str):
        raise wrong_type("by", "a grouping name such as \"first_department\"", by)
    out = _crmkit.report(
        _records(complaints, "complaints"),
        by,
        None if calendar is None else _calendar(calendar)._inner,
        _time.to_text(now, "now", optional=True),
    )
    rows, topics = out["rows"], out["pareto"]
    if kind is not None:
        flat = []
        for r in rows:
            f = {k: v for k, v in r.items() if k not in _DURATIONS}
            for d in _DURATIONS:
                for stat in ("mean", "median", "p90", "max"):
                    f[f"{d}_{stat}"] = None if r[d] is None else r[d][stat]
            flat.append(f)
        rows, topics = _frames.frame(kind, flat), _frames.frame(kind, topics)
    return (rows, topics) if pareto else rows


def _policy(policy: Any) -> "SlaPolicy":
    if not isinstance(policy, SlaPolicy):
        raise wrong_type("policy", "a crmkit.complaint.SlaPolicy", policy)
    return policy


def _calendar(calendar: Any) -> "Calendar":
    if calendar is None:
        return Calendar.turkey_2026_2027()
    if not isinstance(calendar, Calendar):
        raise wrong_type("calendar", "a crmkit.complaint.Calendar or None", calendar)
    return calendar


def _org(org: Any) -> dict:
    if not isinstance(org, Mapping):
        raise wrong_type("org", "a dict of person -> supervisor (None at the top)", org)
    return {str(k): (None if v is None else str(v)) for k, v in org.items()}


def _records(values: Any, name: str) -> list:
    """The rows of a table or list of dicts as the native module reads them."""
    rows = []
    for i, r in enumerate(_frames.records(values, name)):
        # a missing value (None, NaN, NaT) is an absent field
        row = {str(k): _value(v, f"{name}[{i}].{k}") for k, v in r.items()}
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def _value(v: Any, where: str) -> Any:
    """A value as the native module reads it: missing (None, NaN, NaT) ->
    None, numpy scalars -> Python, datetimes -> RFC 3339 (naive ones are
    refused)."""
    if _time.is_missing(v):
        return None
    if isinstance(v, (_dt.datetime, _dt.date)) or hasattr(v, "isoformat"):
        return _time.to_text(v, where)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


from ._routing import Decision, RuleSet  # noqa: E402

__all__ += ["Decision", "RuleSet"]
