"""Complaint routing: versioned rule sets that send every complaint to a
named person (re-exported by :mod:`crmkit.complaint`).

``now`` and ``received_at`` are RFC 3339 text with an offset or
timezone-aware datetimes (also in frames: a pandas or Arrow timestamp
column needs a time zone). A naive datetime, or a time without an offset,
is refused with :class:`crmkit.InputError` (code ``invalid_argument``)
naming it: a guessed zone would silently shift every due time."""

from __future__ import annotations

import datetime as _dt
import json
import math
from typing import Any, Iterable, List, Mapping, Optional, Tuple, Union

from . import _crmkit
from . import _time
from ._errors import api_class, wrong_type

__all__ = ["RuleSet", "Decision"]

Now = Union[None, str, _dt.datetime]

_COLUMNS = ("id", "channel", "category", "product", "segment", "language", "amount",
            "customer_value", "flags", "received_at", "text")


def _record(complaint: Mapping[str, Any]) -> dict:
    if not isinstance(complaint, Mapping):
        raise wrong_type("complaint", "a dict", complaint)
    out = {}
    for key, value in complaint.items():
        if key == "received_at":
            value = _time.to_text(value, "received_at", optional=True)
        elif isinstance(value, float) and math.isnan(value):
            value = None
        if value is not None:
            out[key] = value
    return out


class Decision:
    """Where one complaint goes: ``department``, ``assignee`` (always a named
    person), ``category``, ``priority``, ``due`` (a UTC datetime or None),
    ``fired`` (rule ids), ``assigned_by``, ``passed_over`` (departments of the
    fallback chain that had nobody eligible), ``notify``, ``tags``, ``flags``,
    ``version``; and ``state``, the routing state after this decision."""

    __slots__ = ("complaint_id", "category", "department", "assignee", "assigned_by", "priority",
                 "due", "fired", "passed_over", "notify", "tags", "flags", "version", "state")

    def __init__(self, decision: dict, state: dict) -> None:
        self.complaint_id = decision.get("complaint_id")
        self.category = decision.get("category")
        self.department = decision["department"]
        self.assignee = decision["assignee"]
        self.assigned_by = decision["assigned_by"]
        self.priority = decision["priority"]
        self.due = _time.parse(decision.get("due"))
        self.fired = decision["fired"]
        self.passed_over = decision["passed_over"]
        self.notify = decision["notify"]
        self.tags = decision["tags"]
        self.flags = decision["flags"]
        self.version = decision["version"]
        self.state = state

    def to_dict(self) -> dict:
        """The decision as a plain dict (without the state)."""
        return {k: getattr(self, k) for k in self.__slots__ if k != "state"}

    def __repr__(self) -> str:
        return (f"Decision(department={self.department!r}, assignee={self.assignee!r}, "
                f"category={self.category!r}, priority={self.priority!r}, fired={self.fired!r})")


@api_class
class RuleSet:
    """A compiled routing rule set (TOML or JSON): ordered rules with a hit
    policy (``first`` / ``collect`` / ``priority``), conditions over category,
    product, channel, segment, language, flags, amount, customer value and
    attributes; departments that pick a person by fixed owner, round-robin,
    least-loaded or skills and language; a fallback chain ending at a named
    person. Immutable and safe to share between threads. The routing state
    (round-robin cursors, loads, who is away) is passed in and returned.

    >>> rules = RuleSet.from_str('''
    ... version = "1"
    ... fallback = { department = "care", assignee = "deniz" }
    ... people = [{ id = "ayse" }, { id = "mehmet" }, { id = "deniz" }]
    ... [[departments]]
    ... id = "logistics"
    ... members = ["ayse", "mehmet"]
    ... [[departments]]
    ... id = "care"
    ... members = ["deniz"]
    ... [[rules]]
    ... id = "late"
    ... when = { category = "late_delivery" }
    ... department = "logistics"
    ... resolution_hours = 24
    ... ''')
    >>> d = rules.route({"channel": "web_form", "category": "late_delivery"},
    ...                 now="2026-11-23T09:00:00Z")
    >>> d.department, d.assignee, d.fired, d.due.isoformat()
    ('logistics', 'ayse', ['late'], '2026-11-24T09:00:00+00:00')
    >>> rules.route({"channel": "web_form", "category": "late_delivery"}, state=d.state).assignee
    'mehmet'
    """

    def __init__(self, inner: "_crmkit.RuleSet", source: Tuple[str, str, Optional[str]]) -> None:
        self._inner = inner
        self._source = source

    def __repr__(self) -> str:
        return repr(self._inner)

    @classmethod
    def from_str(cls, text: str, format: str = "toml", *, calendar: Optional[str] = None) -> "RuleSet":
        """Compiles a rule set given as text (``format``: ``"toml"`` or
        ``"json"``). ``calendar`` is a business calendar as TOML text (see
        ``Calendar``); with it, due times count business hours. A bad rule set
        raises :class:`crmkit.ComplaintError` naming the rule, department or
        person."""
        return cls(_crmkit.RuleSet.from_str(text, format, calendar), (text, format, calendar))

    def to_bytes(self) -> bytes:
        """The rule set as bytes (its source and calendar), for shipping to
        workers; :meth:`from_bytes` compiles it again."""
        text, format, calendar = self._source
        return json.dumps({"text": text, "format": format, "calendar": calendar}).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "RuleSet":
        """Compiles a rule set from :meth:`to_bytes`."""
        d = json.loads(bytes(data).decode("utf-8"))
        return cls.from_str(d["text"], d["format"], calendar=d["calendar"])

    def __getstate__(self) -> bytes:
        return self.to_bytes()

    def __setstate__(self, state: bytes) -> None:
        other = RuleSet.from_bytes(state)
        self._inner, self._source = other._inner, other._source

    @classmethod
    def from_file(cls, path: str, *, calendar: Optional[str] = None) -> "RuleSet":
        """Compiles a ``.toml`` or ``.json`` rule file; ``calendar`` is the
        path of a calendar TOML file."""
        with open(path, encoding="utf-8") as f:
            text = f.read()
        cal = None
        if calendar is not None:
            with open(calendar, encoding="utf-8") as f:
                cal = f.read()
        return cls.from_str(text, "json" if str(path).endswith(".json") else "toml", calendar=cal)

    @property
    def version(self) -> str:
        """The rule set's version."""
        return self._inner.version

    def source(self) -> dict:
        """The rule set as written (with defaults filled in)."""
        return self._inner.source()

    def org_chart(self) -> dict:
        """Person -> supervisor (None at the top), for escalations."""
        return self._inner.org_chart()

    def lint(self) -> List[dict]:
        """Findings: ``severity``, ``code`` (``shadowed_rule``,
        ``contradictory_rule``, ``no_default_rule``, ``unreachable_department``,
        ``empty_department``, ``unknown_category``, ``rule_without_route``),
        ``subject`` and ``message``; errors first."""
        return self._inner.lint()

    def check(self) -> dict:
        """Lints and runs the ``[[examples]]`` of the rule file: a dict with
        ``findings``, ``examples`` (``name``, ``passed``, ``mismatches``,
        ``decision``) and ``ok``."""
        report = self._inner.check()
        report["ok"] = all(e["passed"] for e in report["examples"]) and not any(
            f["severity"] == "error" for f in report["findings"])
        return report

    def route(self, complaint: Mapping[str, Any], *, state: Optional[Mapping[str, Any]] = None,
              now: Now = None) -> Decision:
        """Routes one complaint (a dict with ``channel`` and any of ``id``,
        ``category``, ``product``, ``segment``, ``language``, ``amount``,
        ``customer_value``, ``flags``, ``attributes``, ``received_at``,
        ``text``…). ``state`` is not changed; the decision carries the new
        state. The due time starts at ``received_at``, else ``now``."""
        decision, new_state = self._inner.route(
            _record(complaint),
            _state(state),
            _time.to_text(now, "now", optional=True),
        )
        return Decision(decision, new_state)

    def route_many(self, complaints: Any, *, state: Optional[Mapping[str, Any]] = None,
                   now: Now = None, return_state: bool = False) -> Any:
        """Routes many complaints in order, the state carried from one to the
        next, with the GIL released. ``complaints`` is a pandas or polars
        DataFrame, a pyarrow Table, a dict of columns or a list of dicts
        (columns as in :meth:`route`; ``flags`` holds lists of flag names;
        ``attributes`` is only read from dicts through :meth:`route`).

        Returns the same kind of frame (a DataFrame / Table with the columns
        ``department``, ``assignee``, ``category``, ``priority``, ``due``,
        ``fired``, ``assigned_by``) or, for lists and dicts, a list of dicts.
        pyarrow tables and polars frames (and any object with
        ``__arrow_c_stream__``) are read and answered through Arrow, without
        a Python object per value.
        With ``return_state=True``: ``(result, state)``."""
        state_in = _state(state)
        now_text = _time.to_text(now, "now", optional=True)
        mod = type(complaints).__module__.split(".")[0]
        arrow_in = complaints
        if mod == "pandas" and hasattr(complaints, "columns"):
            import pyarrow as pa

            try:
                arrow_in = pa.Table.from_pandas(complaints, preserve_index=False)
            except (pa.ArrowException, TypeError, ValueError):
                arrow_in = None  # mixed types: the column reader below names the row
        if arrow_in is not None and (mod in ("pyarrow", "polars", "pandas") or (
                hasattr(complaints, "__arrow_c_stream__") or hasattr(complaints, "__arrow_c_array__"))):
            # Arrow in, Arrow out: columns read without a Python object per value
            import pyarrow as pa

            result, new_state = self._inner.route_arrow(arrow_in, state_in, now_text)
            batch = pa.RecordBatch._import_from_c_capsule(*result.__arrow_c_array__())
            if mod == "polars":
                import polars as pl

                frame: Any = pl.from_arrow(batch)
            elif mod == "pandas":
                frame = batch.to_pandas()
                frame["fired"] = batch.column("fired").to_pylist()
            else:
                frame = pa.Table.from_batches([batch])
            if return_state:
                return frame, new_state
            return frame
        if isinstance(complaints, list):
            rows, new_state = self._inner.route_rows(complaints, state_in, now_text)
            for r in rows:
                if r["due"] is not None:
                    r["due"] = _time.parse(r["due"])
            frame = rows
        else:
            kind, columns, n = _columns(complaints)
            c = columns
            try:
                result, new_state = self._inner.route_columns(
                    n, c["channel"], c["category"], c["product"], c["segment"], c["language"],
                    c["amount"], c["customer_value"], c["flags"], c["received_at"], c["id"], c["text"],
                    state_in, now_text,
                )
            except TypeError:
                # a value of the wrong type: say which column and row
                _validate(columns)
                raise
            if kind == "rows":
                frame = [dict(zip(result, values)) for values in zip(*result.values())]
                for r in frame:
                    if r["due"] is not None:
                        r["due"] = _time.parse(r["due"])
            else:
                frame = _frame(kind, result)
        if return_state:
            return frame, new_state
        return frame


def _state(state: Optional[Mapping[str, Any]]) -> Optional[dict]:
    if state is None:
        return None
    if not isinstance(state, Mapping):
        raise wrong_type("state", "a routing state dict (a Decision's .state)", state)
    return dict(state)


def _as_list(values: Any) -> list:
    for method in ("to_pylist", "to_list", "tolist"):
        if hasattr(values, method):
            return getattr(values, method)()
    return list(values)


def _check_str(values: list, name: str, required: bool = False) -> None:
    for i, v in enumerate(values):
        if v is None:
            if required:
                raise ValueError(f"{name}: every complaint needs a {name}; row {i} has none")
        elif not isinstance(v, str):
            raise TypeError(f"{name}: expected text or None at row {i}, got {v!r}")


def _check_num(values: list, name: str) -> None:
    for i, v in enumerate(values):
        if v is not None and (isinstance(v, (bool, str)) or not isinstance(v, (int, float))):
            raise TypeError(f"{name}: expected a number or None at row {i}, got {v!r}")


def _validate(cols: dict) -> None:
    _check_str(cols["channel"], "channel", required=True)
    for c in ("id", "category", "product", "segment", "language", "text", "received_at"):
        _check_str(cols[c], c)
    for c in ("amount", "customer_value"):
        _check_num(cols[c], c)
    for i, v in enumerate(cols["flags"]):
        if v is None:
            continue
        if not isinstance(v, list) or not all(isinstance(f, str) for f in v):
            raise TypeError(f"flags: expected a list of flag names at row {i}, got {v!r}")


def _flags(values: list) -> list:
    return [[] if v is None or (isinstance(v, float) and v != v) else
            ([v] if isinstance(v, str) else (v if isinstance(v, list) else _as_list(v)))
            for v in values]


def _columns(data: Any) -> Tuple[str, dict, int]:
    """Row-aligned plain lists for the Rust side (missing values as None)."""
    mod = type(data).__module__.split(".")[0]
    if isinstance(data, Mapping):
        kind = "rows"
        n = len(_as_list(next(iter(data.values())))) if data else 0
        raw = {c: (_as_list(data[c]) if c in data else [None] * n) for c in _COLUMNS}
    elif mod in ("pandas", "polars", "pyarrow"):
        kind = mod
        names = list(data.columns) if mod != "pyarrow" else data.column_names
        n = len(data) if mod != "pyarrow" else data.num_rows
        raw = {}
        for c in _COLUMNS:
            if c not in names:
                raw[c] = [None] * n
            elif mod == "pandas":
                col = data[c]
                if col.dtype == object or str(col.dtype) in ("string", "category"):
                    raw[c] = col.astype(object).where(col.notna(), None).tolist()
                else:
                    raw[c] = col.tolist()
            else:
                raw[c] = _as_list(data[c])
    else:
        raise wrong_type("complaints", "a DataFrame, a pyarrow Table, a dict of columns or a list of dicts", data)
    for c, values in raw.items():
        if len(values) != n:
            raise ValueError(f"{c}: expected {n} values, got {len(values)}")
    if any(v is not None for v in raw["flags"]):
        raw["flags"] = _flags(raw["flags"])
    if any(v is not None for v in raw["received_at"]):
        raw["received_at"] = [_time.to_text(v, f"received_at[{i}]", optional=True) for i, v in enumerate(raw["received_at"])]
    return kind, raw, n
def _frame(kind: str, columns: dict) -> Any:
    if kind == "pandas":
        import pandas as pd

        frame = pd.DataFrame(columns)
        frame["due"] = pd.to_datetime(frame["due"], utc=True)
        return frame
    if kind == "polars":
        import polars as pl

        frame = pl.DataFrame(columns)
        return frame.with_columns(pl.col("due").cast(pl.Utf8).str.to_datetime(time_zone="UTC"))
    import pyarrow as pa

    columns = dict(columns)
    columns["due"] = pa.array([_time.parse(t) for t in columns["due"]], pa.timestamp("us", tz="UTC"))
    return pa.table(columns)
