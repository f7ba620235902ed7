"""Identity resolution: find the records of one customer across systems.

:func:`resolve` takes a pandas or polars DataFrame, a pyarrow Table or a
list of dicts and returns the same kind with a ``cluster_id`` column (the
smallest record id of the cluster). Columns are recognized by their
canonical names — ``id``, ``source``, ``first_name``, ``last_name``,
``full_name``, ``email`` (``email2``...), ``phone`` (``mobile``...),
``date_of_birth``, ``national_id`` (a Turkish TCKN is checked),
``customer_number``, ``address``, ``city``, ``postcode``, ``country``,
``updated_at`` — and others are kept as free attributes; pass
``columns={"soc_sec_id": "national_id"}`` to map more. No labels and no
threshold tuning are needed: the model is trained on the data itself.

A bad argument raises a :class:`crmkit.CrmkitError` naming it: a value
that is not text, a number, a date or missing (a dict, a list...) names its
column and row; a wrong type is also a ``TypeError``.

Dates and datetimes in columns (``date_of_birth``, ``updated_at``) are
calendar values, not instants: they are read as written (ISO text), naive
or not, since a birth date has no zone and ``updated_at`` only orders the
records of one customer. The timezone rule of the other modules (naive
datetimes refused) is about clocks such as SLA due times and contact ages.

>>> from crmkit import identity
>>> rows = [
...     {"id": "1", "first_name": "Ayşe", "last_name": "Yılmaz", "email": "ayse.yilmaz@gmail.com", "country": "TR"},
...     {"id": "2", "first_name": "AYSE", "last_name": "YILMAZ", "email": "ayseyilmaz@gmail.com", "country": "TR"},
...     {"id": "3", "first_name": "Mehmet", "last_name": "Yılmaz", "email": "mehmet@firma.com.tr", "country": "TR"},
... ]
>>> [r["cluster_id"] for r in identity.resolve(rows)]
['1', '1', '3']
>>> e = identity.explain(rows[0], rows[1])
>>> e["probability"] > 0.8, e["fields"][3]["label"]
(True, 'same or a typo apart, made from the name')
"""

from __future__ import annotations

import json
import numbers
import sys
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from . import _crmkit
from . import _frames
from ._errors import api, api_class, invalid, wrong_type

__all__ = [
    "Index",
    "carry_entity_ids",
    "Model",
    "Resolution",
    "explain",
    "golden_records",
    "link",
    "resolve",
    "resolve_detailed",
]

Data = Any
"""A pandas or polars DataFrame, a pyarrow Table, or a list of dicts."""


def _kind(data: Data) -> str:
    kind = _frames.kind(data)
    if kind is not None:
        return kind
    if isinstance(data, (list, tuple)) and all(isinstance(r, dict) for r in data):
        return "records"
    raise wrong_type("data", "a pandas or polars DataFrame, a pyarrow Table or a list of dicts", data)


_NOT_TEXT = (dict, list, tuple, set, frozenset, bytes, bytearray)


def _text(v: Any, column: Any = "value", row: Optional[int] = None) -> Optional[str]:
    """A value as the native module reads it: text, or None for missing.
    Containers are refused, naming ``column`` and ``row``."""
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    if isinstance(v, str):
        return v
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(v, _NOT_TEXT) or (type(v).__module__ == "numpy" and getattr(v, "ndim", 0) != 0):
        raise wrong_type(column if row is None else f"{column}[{row}]", "text, a number, a date or missing", v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _columns(data: Data, kind: str) -> tuple:
    """Column names and columns of optional strings."""
    if kind == "records":
        names: list = []
        for r in data:
            for k in r:
                if k not in names:
                    names.append(k)
        return names, [[_text(r.get(n), n, i) for i, r in enumerate(data)] for n in names]
    if kind == "pandas":
        names = [str(c) for c in data.columns]
        cols = [[_text(v, n, i) for i, v in enumerate(data[c].tolist())] for n, c in zip(names, data.columns)]
        return names, cols
    if kind == "polars":
        names = list(data.columns)
        return names, [[_text(v, n, i) for i, v in enumerate(data[n].to_list())] for n in names]
    names = list(data.column_names)
    return names, [[_text(v, n, i) for i, v in enumerate(data.column(n).to_pylist())] for n in names]


def _column_map(id_column: Optional[str], columns: Optional[dict]) -> Optional[dict]:
    if id_column is not None and not isinstance(id_column, str):
        raise wrong_type("id_column", "a column name", id_column)
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise wrong_type("columns", "a dict of column name -> field name", columns)
        for k, v in columns.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise wrong_type(f"columns[{k!r}]", "a field name such as \"first_name\"", v)
    if id_column is None and not columns:
        return None
    return {"id_column": id_column, "columns": dict(columns or {})}


def _with_column(data: Data, kind: str, name: str, values: list) -> Data:
    if kind == "records":
        return [{**r, name: v} for r, v in zip(data, values)]
    if kind == "pandas":
        return data.assign(**{name: values})
    if kind == "polars":
        import polars as pl

        return data.with_columns(pl.Series(name, values, dtype=pl.Utf8))
    import pyarrow as pa

    if name in data.column_names:
        data = data.drop([name])
    return data.append_column(name, pa.array(values, type=pa.string()))


def _json_dict(value: Union[None, str, dict], name: str) -> dict:
    """A settings dict given as a dict, JSON text or None."""
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as e:
            raise invalid(name, f"valid JSON ({e})") from None
    if not isinstance(value, Mapping):
        raise wrong_type(name, "a dict or JSON text of an object", value)
    return dict(value)


def _settings(settings: Union[None, str, dict], seed: int, threshold: Optional[float]) -> Optional[dict]:
    s = _json_dict(settings, "settings")
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise wrong_type("seed", "an integer", seed)
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0.0 <= threshold <= 1.0
    ):
        raise invalid("threshold", f"a probability from 0 to 1, got {threshold!r}")
    if seed:
        s["seed"] = seed
    if threshold is not None:
        s["threshold"] = threshold
    return s or None


_Report = Callable[[str, str, int, int], Any]


def _progress(progress: Union[bool, Callable[[str], Any]]) -> Optional[_Report]:
    """The callback given to the core: it gets ``(stage, unit, done, total)``
    when a stage starts, when it ends and at most once a second between."""
    if progress is True:
        return _print_progress()
    if callable(progress):
        return _stage_names(progress)
    if progress is False or progress is None:
        return None
    raise wrong_type("progress", "True, False or a callable taking the stage name", progress)


def _stage_names(callback: Callable[[str], Any]) -> _Report:
    last: list = [None]

    def report(stage: str, unit: str, done: int, total: int) -> None:
        if stage != last[0]:
            last[0] = stage
            callback(stage)

    return report


def _print_progress() -> _Report:
    """Each stage on a line of its own, and its count every ten seconds."""
    import time

    last: list = [None, 0.0]

    def report(stage: str, unit: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != last[0]:
            last[0], last[1] = stage, now
            print(f"crmkit.identity: {stage}", file=sys.stderr, flush=True)
        elif now - last[1] >= 10 and done < total:
            last[1] = now
            print(f"crmkit.identity: {stage} {done:,} of {total:,} {unit} ({done * 100 // total}%)",
                  file=sys.stderr, flush=True)

    return report


def _labels(labels: Any) -> list:
    if labels is None:
        return []
    kind = type(labels).__module__.split(".")[0]
    if kind in ("pandas", "polars", "pyarrow"):
        names, cols = _columns(labels, kind)
        if len(cols) < 2:
            raise invalid("labels", "a frame with two columns of record ids")
        return list(zip(cols[0], cols[1]))
    if isinstance(labels, (Mapping, str, bytes)) or not hasattr(labels, "__iter__"):
        raise wrong_type("labels", "pairs of record ids (a list of tuples or a two-column frame)", labels)
    out = []
    for i, pair in enumerate(labels):
        if isinstance(pair, (str, bytes, Mapping)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise wrong_type(f"labels[{i}]", "a pair of record ids", pair)
        out.append((str(pair[0]), str(pair[1])))
    return out


def _model_json(model: Any) -> Optional[str]:
    if model is None:
        return None
    if not isinstance(model, Model):
        raise wrong_type("model", "a crmkit.identity.Model", model)
    return model.to_json()


@api_class
class Model:
    """A trained Fellegi–Sunter model: the prior λ and the m- and
    u-probabilities of every comparison level. Serializes to JSON and
    pickles (as bytes), so a model trained once is reused on new data and
    travels to worker processes.

    >>> import pickle
    >>> m = Model.default()
    >>> pickle.loads(pickle.dumps(m)) == m
    True
    >>> round(m.prior, 6)
    0.0001
    """

    def __init__(self, json_text: str) -> None:
        self._json = _crmkit.identity_check_model(json_text)

    @classmethod
    def default(cls) -> "Model":
        """The documented default parameters."""
        return cls(_crmkit.identity_default_model())

    @classmethod
    def from_json(cls, text: str) -> "Model":
        """A model from :meth:`to_json` output."""
        return cls(text)

    def to_json(self) -> str:
        """The model as JSON text."""
        return self._json

    def to_dict(self) -> dict:
        """The model as a dict (``prior``, ``parameters``, ``training``)."""
        return json.loads(self._json)

    @property
    def prior(self) -> float:
        """λ: the probability that two random records are the same person."""
        return self.to_dict()["prior"]

    @property
    def parameters(self) -> list:
        """Per comparison: ``comparison``, ``m`` and ``u`` per level."""
        return self.to_dict()["parameters"]

    def score_pairs(self, left: Any, right: Any, *, min_score: Optional[float] = None, counts: Any = None) -> Any:
        """Scores row-aligned pairs of Arrow record batches or tables (see
        :func:`crmkit.arrow.score_pairs`): a pyarrow ``RecordBatch``."""
        from . import arrow

        return arrow.score_pairs(self, left, right, min_score=min_score, counts=counts)

    def __getstate__(self) -> bytes:
        return self._json.encode("utf-8")

    def __setstate__(self, state: bytes) -> None:
        self._json = _crmkit.identity_check_model(state.decode("utf-8"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Model(prior={self.prior:.3e})"


@api_class
class Resolution:
    """Everything a batch resolution produced."""

    def __init__(self, inner: "_crmkit.Resolution") -> None:
        self._inner = inner

    def __repr__(self) -> str:
        ids = self._inner.cluster_ids()
        return f"Resolution(records={len(ids)}, clusters={len(set(ids))})"

    @property
    def ids(self) -> list:
        """Record ids, in input order."""
        return self._inner.ids()

    @property
    def cluster_ids(self) -> list:
        """Cluster id per record, in input order."""
        return self._inner.cluster_ids()

    @property
    def model(self) -> Model:
        """The model used (trained on the data unless one was given)."""
        return Model(self._inner.model_json())

    @property
    def report(self) -> dict:
        """Blocking rules and their pairs, largest blocks, cluster sizes,
        refused merges, household links, training notes, and the five
        largest clusters (``largest_clusters``: ``cluster``, ``size``,
        ``links`` at the threshold, ``weakest_link`` as ``{a, b,
        probability}`` or ``None``, and ``pairs_apart``, member pairs below
        0.5 on their own)."""
        return self._inner.report()

    def pairs(self, min_probability: float = 0.5) -> list:
        """Scored pairs ``(id_a, id_b, probability)`` at or above
        ``min_probability`` (pairs below 0.01 are not kept)."""
        return self._inner.pairs(min_probability)

    @property
    def households(self) -> list:
        """``(id_a, id_b)`` pairs that share a household (last name and
        address or phone) but are different people."""
        return self._inner.households()

    def explain(self, a: str, b: str) -> dict:
        """Per-field match weights of two records by id; the prior and the
        field weights sum to ``weight``."""
        return self._inner.explain(str(a), str(b))

    def golden_records(self, settings: Optional[dict] = None) -> list:
        """One golden record per cluster (see :func:`golden_records`)."""
        settings = _json_dict(settings, "settings")
        return self._inner.golden(settings or None)


@api
def resolve_detailed(
    data: Data,
    *,
    settings: Union[None, str, dict] = None,
    labels: Any = None,
    seed: int = 0,
    progress: Union[bool, Callable[[str], Any]] = False,
    model: Optional[Model] = None,
    threshold: Optional[float] = None,
    id_column: Optional[str] = None,
    columns: Optional[dict] = None,
) -> Resolution:
    """Like :func:`resolve`, returning the full :class:`Resolution`."""
    kind = _kind(data)
    names, cols = _columns(data, kind)
    inner = _crmkit.identity_resolve(
        names,
        cols,
        _column_map(id_column, columns),
        _settings(settings, seed, threshold),
        _model_json(model),
        _labels(labels),
        None,
        _progress(progress),
    )
    return Resolution(inner)


@api
def resolve(
    data: Data,
    *,
    settings: Union[None, str, dict] = None,
    labels: Any = None,
    seed: int = 0,
    progress: Union[bool, Callable[[str], Any]] = False,
    model: Optional[Model] = None,
    threshold: Optional[float] = None,
    id_column: Optional[str] = None,
    columns: Optional[dict] = None,
) -> Data:
    """Links the records of one customer and returns ``data`` (same kind)
    with a ``cluster_id`` column.

    ``settings`` (dict or JSON) overrides blocking rules, caps and the
    threshold (see the Rust ``Settings``); ``labels`` are pairs of record
    ids known to match (a list of tuples or a two-column frame) and improve
    the model; ``progress=True`` prints each stage to standard error, and
    its count every ten seconds (or pass a callable taking the stage name:
    ``standardize``, ``block``, ``compare``, ``train``, ``score``,
    ``cluster``); ``model`` reuses a trained
    :class:`Model`. Bad input raises :class:`crmkit.InputError` naming the
    row and column.

    The work runs without the GIL; Ctrl-C (SIGINT) stops it within a
    second and raises ``KeyboardInterrupt``.
    """
    res = resolve_detailed(
        data,
        settings=settings,
        labels=labels,
        seed=seed,
        progress=progress,
        model=model,
        threshold=threshold,
        id_column=id_column,
        columns=columns,
    )
    return _with_column(data, _kind(data), "cluster_id", res.cluster_ids)


@api
def link(
    a: Data,
    b: Data,
    *,
    settings: Union[None, str, dict] = None,
    seed: int = 0,
    model: Optional[Model] = None,
    threshold: Optional[float] = None,
    id_column: Optional[str] = None,
    columns: Optional[dict] = None,
) -> tuple:
    """Links two tables (only pairs across them are compared) and returns
    both with a ``cluster_id`` column; linked records share it. Record ids
    must be unique across both tables."""
    ka, kb = _kind(a), _kind(b)
    na, ca = _columns(a, ka)
    nb, cb = _columns(b, kb)
    names = list(dict.fromkeys(na + nb))
    la, lb = len(ca[0]) if ca else 0, len(cb[0]) if cb else 0
    cols = []
    for n in names:
        left = ca[na.index(n)] if n in na else [None] * la
        right = cb[nb.index(n)] if n in nb else [None] * lb
        cols.append(left + right)
    inner = _crmkit.identity_resolve(
        names,
        cols,
        _column_map(id_column, columns),
        _settings(settings, seed, threshold),
        _model_json(model),
        [],
        [0] * la + [1] * lb,
        None,
    )
    ids = inner.cluster_ids()
    return _with_column(a, ka, "cluster_id", ids[:la]), _with_column(b, kb, "cluster_id", ids[la:])


@api
def golden_records(
    data: Data,
    cluster_ids: Optional[Sequence[str]] = None,
    *,
    settings: Optional[dict] = None,
    id_column: Optional[str] = None,
    columns: Optional[dict] = None,
) -> list:
    """One golden record per cluster: the surviving value of each field
    (``value``, ``record_id``, ``source``, ``rule``, ``support``) and every
    email and phone with the records they came from.

    ``cluster_ids`` defaults to the ``cluster_id`` column that
    :func:`resolve` adds. ``settings`` may set ``rules`` per field
    (``most_recent``, ``most_frequent``, ``source_priority``,
    ``most_complete``), ``default_rule`` and ``source_priority``.
    """
    kind = _kind(data)
    names, cols = _columns(data, kind)
    if cluster_ids is None:
        if "cluster_id" not in names:
            raise invalid("cluster_ids", "required when data has no cluster_id column")
        cluster_ids = cols[names.index("cluster_id")]
    if "cluster_id" in names:
        i = names.index("cluster_id")
        names, cols = names[:i] + names[i + 1 :], cols[:i] + cols[i + 1 :]
    if isinstance(cluster_ids, (Mapping, str, bytes)) or not hasattr(cluster_ids, "__iter__"):
        raise wrong_type("cluster_ids", "one cluster id per record", cluster_ids)
    cids = [str(c) if c is not None else "" for c in cluster_ids]
    settings = _json_dict(settings, "settings")
    return _crmkit.identity_golden(names, cols, cids, _column_map(id_column, columns), settings or None)


def _record(record: dict, name: str = "record") -> tuple:
    if not isinstance(record, Mapping):
        raise wrong_type(name, "a dict of column name -> value", record)
    names = [str(k) for k in record]
    return names, [_text(v, k) for k, v in zip(names, record.values())]


@api
def explain(a: dict, b: dict, *, model: Optional[Model] = None, country: Optional[str] = None) -> dict:
    """Per-field match weights and the probability for two records (dicts
    with canonical keys), under ``model`` (default: the documented
    defaults). Values are not weighted by frequency here, since two records
    alone have no population; use :meth:`Resolution.explain` for that."""
    if not isinstance(a, Mapping):
        raise wrong_type("a", "a dict of column name -> value", a)
    if not isinstance(b, Mapping):
        raise wrong_type("b", "a dict of column name -> value", b)
    if country is not None and not isinstance(country, str):
        raise wrong_type("country", "a region code such as \"TR\"", country)
    a = {"id": "a", **a}
    b = {"id": "b", **b}
    names = list(dict.fromkeys(list(a) + list(b)))
    va = [_text(a.get(n), n) for n in names]
    vb = [_text(b.get(n), n) for n in names]
    return _crmkit.identity_explain(names, va, vb, _model_json(model), country, None)


@api_class
class Index:
    """An online index over resolved records: :meth:`match` answers which
    customers a record may be, :meth:`insert`, :meth:`update` and
    :meth:`delete` keep entity ids stable and report merges and splits.

    >>> idx = Index([{"id": "1", "first_name": "Ali", "last_name": "Kaya", "email": "ali.kaya@gmail.com"}])
    >>> idx.match({"first_name": "ALİ", "last_name": "KAYA", "email": "alikaya@gmail.com"})[0]["entity_id"]
    '1'
    >>> idx.insert({"id": "2", "first_name": "Ali", "last_name": "Kaya", "email": "ali.kaya@gmail.com"})["entity_id"]
    '1'

    Every change's events are numbered and kept for subscribers that follow
    records as they join, leave, merge and split: start from
    :meth:`assignments` and :meth:`last_seq`, then read
    :meth:`events_since` the last sequence number seen.

    >>> [(e["seq"], e["event"], e["record_id"]) for e in idx.events_since(0)]
    [(1, 'joined', '2')]
    """

    def __init__(
        self,
        data: Data,
        *,
        settings: Union[None, str, dict] = None,
        model: Optional[Model] = None,
        id_column: Optional[str] = None,
        columns: Optional[dict] = None,
    ) -> None:
        kind = _kind(data)
        names, cols = _columns(data, kind)
        self._inner = _crmkit.Index(
            names,
            cols,
            _column_map(id_column, columns),
            _settings(settings, 0, None),
            _model_json(model),
        )

    def __len__(self) -> int:
        return len(self._inner)

    def __repr__(self) -> str:
        return f"Index(records={len(self._inner)})"

    def match(self, record: dict) -> list:
        """Candidate customers, best first: ``entity_id``, ``probability``,
        ``weight``, ``record_id`` (the best-matching record). The record
        needs no id."""
        return self._inner.match(*_record(record))

    def insert(self, record: dict) -> dict:
        """Adds a record; returns its ``entity_id`` and the ``events``
        (``created``, ``joined``, ``merged``)."""
        return self._inner.insert(*_record(record))

    def update(self, record: dict) -> dict:
        """Replaces the record with the same id."""
        return self._inner.update(*_record(record))

    def delete(self, record_id: str) -> dict:
        """Removes a record; the events say whether its customer was
        ``removed`` or ``split``."""
        if not isinstance(record_id, (str, int)) or isinstance(record_id, bool):
            raise wrong_type("record_id", "a record id", record_id)
        return self._inner.delete(str(record_id))

    def entity_of(self, record_id: str) -> Optional[str]:
        """The entity id of a record, or ``None``."""
        return self._inner.entity_of(str(record_id))

    def assignments(self) -> dict:
        """``{record_id: entity_id}`` for every record, to carry ids into
        the next batch run (see :func:`carry_entity_ids`)."""
        return dict(self._inner.assignments())

    def last_seq(self) -> int:
        """The sequence number of the last event (0 before the first): the
        cursor to follow :meth:`events_since` from after reading
        :meth:`assignments`."""
        return self._inner.last_seq()

    def events_since(self, after: int) -> list:
        """The events after the sequence number ``after``, oldest first:
        dicts with ``seq``, ``event`` (``created``, ``joined``, ``left``,
        ``merged``, ``split``, ``removed``), ``entity_id`` and the records
        involved (``record_id``; for ``merged`` and ``split``, ``moved[i]``
        are the records of ``absorbed[i]`` / ``new_entity_ids[i]``).
        Replaying them keeps a copy of :meth:`assignments` current.

        Raises :class:`crmkit.InputError` with code ``resync_required``
        when events after ``after`` are no longer kept (see
        :attr:`feed_retention`) or ``after`` is beyond :meth:`last_seq`:
        read :meth:`assignments` and :meth:`last_seq` again."""
        if not isinstance(after, numbers.Integral) or isinstance(after, bool):
            raise wrong_type("after", "a sequence number (int)", after)
        if after < 0:
            raise invalid("after", f"a sequence number (0 or more), got {after}")
        return self._inner.events_since(int(after))

    @property
    def feed_retention(self) -> int:
        """How many of the newest events :meth:`events_since` keeps
        (65,536 unless set); setting it drops older events at once."""
        return self._inner.feed_retention()

    @feed_retention.setter
    def feed_retention(self, events: int) -> None:
        if not isinstance(events, numbers.Integral) or isinstance(events, bool):
            raise wrong_type("feed_retention", "a number of events (int)", events)
        if events < 0:
            raise invalid("feed_retention", f"a number of events (0 or more), got {events}")
        self._inner.set_feed_retention(int(events))


@api
def carry_entity_ids(ids: Iterable[str], cluster_ids: Iterable[str], previous: dict) -> list:
    """Entity ids that survive a re-run: each new cluster takes the previous
    entity id most of its records had."""
    if not isinstance(previous, Mapping):
        raise wrong_type("previous", "a dict of record id -> entity id", previous)
    return _crmkit.identity_carry_entity_ids([str(i) for i in ids], [str(c) for c in cluster_ids], dict(previous))

