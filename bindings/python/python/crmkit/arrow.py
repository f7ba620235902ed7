"""The Arrow batch API: the work inside one batch of a Spark, Dask or Ray
job, with the engine doing every shuffle in between.

Inputs are anything that speaks the Arrow PyCapsule interface
(``__arrow_c_array__`` or ``__arrow_c_stream__``): pyarrow arrays, record
batches and tables, polars Series and DataFrames, nanoarrow, pandas with
Arrow dtypes; a plain pandas DataFrame or Series is converted with pyarrow.
Strings may be ``string``, ``large_string`` or ``string_view``; id columns
may be integers. Results are pyarrow ``RecordBatch`` objects (they pickle,
so they can leave a worker). The batch work runs in Rust with the GIL
released.

Results never depend on how the rows were split: run a function on any
split of the rows and concatenate, and you get what one call on all rows
gives. Where the whole population matters (name frequencies, components of
the link graph), the population part is a mergeable partial
(:func:`term_counts`, :func:`nps_partial`) or a step after a shuffle.

The identity pipeline:

1. :func:`blocking_keys` per batch of records → ``(record_id, rule_id, key,
   sort_key)``; group by ``(rule_id, key)`` and run :func:`block_pairs` on
   each group → candidate pairs; keep each ``(left_id, right_id)`` once.
2. :func:`term_counts` per batch, summed (:func:`merge_counts`) → the name
   frequencies that make a shared common surname weak evidence.
3. :func:`score_pairs` on row-aligned left/right records → probability,
   match weight and comparison vector (``min_score`` filters in Rust).
4. :func:`connected_components` of the links → components;
   :func:`cluster_component` on the members of one component → the same
   clusters as :func:`crmkit.identity.resolve` with the same model.
5. :func:`golden_records` on the members of one cluster.

>>> import pyarrow as pa
>>> from crmkit import arrow
>>> arrow.parse_emails(pa.array(["Ayse.Yilmaz+x@GoogleMail.com", None])).column("dedup_key").to_pylist()
['ayseyilmaz@gmail.com', None]
>>> arrow.salt_for("R0000001", 8), arrow.stable_hash("")
(0, 17665956581633026203)

A bad argument raises a :class:`crmkit.CrmkitError` naming it; a wrong type
is also a ``TypeError``, a negative or too large count also an
``OverflowError``.
"""

from __future__ import annotations

import json
import numbers
from typing import Any, Optional, Union

from . import _crmkit
from ._crmkit import InputError
from ._errors import ArgumentOverflowError, api, error, wrong_type

__all__ = [
    "block_pairs",
    "blocking_keys",
    "chunk_of",
    "chunks",
    "cluster_component",
    "connected_components",
    "golden_records",
    "merge_counts",
    "nps_finalize",
    "nps_merge",
    "nps_partial",
    "fold_emails",
    "parse_emails",
    "parse_phones",
    "salt_for",
    "salting_plan",
    "salts",
    "score_pairs",
    "stable_hash",
    "term_counts",
]

Data = Any
"""An object with ``__arrow_c_stream__`` / ``__arrow_c_array__``, or a pandas DataFrame or Series."""


def _arrow(data: Data, name: str = "data") -> Any:
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    import pyarrow as pa

    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        if hasattr(data, "columns"):
            return pa.Table.from_pandas(data, preserve_index=False)
        return pa.Array.from_pandas(data)
    if isinstance(data, (list, tuple)):
        return pa.array(data)
    raise wrong_type(
        name, "an Arrow array, table or stream (pyarrow, polars, nanoarrow...) or a pandas DataFrame or Series", data
    )


def _batch(result: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch._import_from_c_capsule(*result.__arrow_c_array__())


def _json(value: Union[None, str, dict], name: str) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, dict):
        raise wrong_type(name, "a dict or JSON text", value)
    return json.dumps(value)


def _model(model: Any) -> str:
    if isinstance(model, str):
        return model
    if isinstance(model, (bytes, bytearray)):
        return bytes(model).decode("utf-8")
    if not hasattr(model, "to_json"):
        raise wrong_type("model", "a crmkit.identity.Model or its JSON text", model)
    return model.to_json()


def _count(n: Any, name: str, limit: int = 2**32 - 1) -> int:
    """``n`` checked to be an integer from 1 to ``limit``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise wrong_type(name, "a positive integer", n)
    if not 1 <= n <= limit:
        # a negative or too large count is also what Python calls an overflow
        cls = InputError if n == 0 else ArgumentOverflowError
        raise error(f"invalid argument `{name}`: an integer from 1 to {limit}, got {n}", cls=cls)
    return int(n)


@api
def fold_emails(emails: Data) -> Any:
    """The cheap key of a column of emails: trimmed and lower-cased with
    Unicode rules (``İ`` becomes ``i``), null stays null; a pyarrow string
    array. SQL's ``lower(trim(email))`` for joins and grouping when the full
    :func:`parse_emails` is not needed."""
    return _batch(_crmkit.arrow_fold_emails(_arrow(emails, "emails"))).column(0)


@api
def parse_emails(emails: Data) -> Any:
    """Parses a column of emails: ``normalized``, ``dedup_key``, ``valid``,
    ``kind``, ``suggestion``, ``error`` (one row per input row; null stays
    null)."""
    return _batch(_crmkit.arrow_parse_emails(_arrow(emails, "emails")))


@api
def parse_phones(phones: Data, *, region: str = "TR") -> Any:
    """Parses a column of phone numbers with ``region`` for numbers without
    a country code: ``e164``, ``valid``, ``type``, ``region``,
    ``extension``, ``suggestion``."""
    return _batch(_crmkit.arrow_parse_phones(_arrow(phones, "phones"), region))


@api
def blocking_keys(records: Data, *, settings: Union[None, str, dict] = None, columns: Union[None, str, dict] = None) -> Any:
    """Blocking keys of every record: ``record_id``, ``rule_id``, ``key``,
    ``sort_key``; several rows per record. ``settings`` are identity
    settings (blocking rules, ``default_country``); ``columns`` a column map
    (``{"id_column": "customer_id", "columns": {"gsm": "phone"}}``)."""
    return _batch(_crmkit.arrow_blocking_keys(_arrow(records, "records"), _json(settings, "settings"), _json(columns, "columns")))


@api
def block_pairs(keys: Data, *, settings: Union[None, str, dict] = None) -> Any:
    """Candidate pairs (``left_id``, ``right_id``, ``rule_id``) of whole
    blocks of :func:`blocking_keys` rows (every row of a block must be in
    ``keys``). Blocks above ``max_block_size`` are paired by sorted
    neighbourhood. The same pair may come from several rules: keep it once."""
    return _batch(_crmkit.arrow_block_pairs(_arrow(keys, "keys"), _json(settings, "settings")))


@api
def term_counts(records: Data, *, settings: Union[None, str, dict] = None, columns: Union[None, str, dict] = None) -> Any:
    """Partial counts (``field``, ``value``, ``count``) of standardized
    first names, last names, cities and postcodes; sum them over all
    batches with :func:`merge_counts`."""
    return _batch(_crmkit.arrow_term_counts(_arrow(records, "records"), _json(settings, "settings"), _json(columns, "columns")))


@api
def merge_counts(counts: Data) -> Any:
    """Sums partial counts (any number of batches, any order)."""
    return _batch(_crmkit.arrow_merge_counts(_arrow(counts, "counts")))


@api
def score_pairs(
    model: Any,
    left: Data,
    right: Data,
    *,
    min_score: Optional[float] = None,
    counts: Optional[Data] = None,
    settings: Union[None, str, dict] = None,
    columns: Union[None, str, dict] = None,
) -> Any:
    """Scores row ``i`` of ``left`` against row ``i`` of ``right`` with a
    :class:`crmkit.identity.Model` (or its JSON): ``left_id``,
    ``right_id`` (smaller id first), ``probability``, ``match_weight``,
    ``rule`` and one ``gamma_<field>`` column per comparison. Only pairs
    with ``probability >= min_score`` are kept. ``counts`` (merged
    :func:`term_counts` of the whole population) turn on the term-frequency
    adjustment that :func:`crmkit.identity.resolve` makes."""
    c = None if counts is None else _arrow(counts, "counts")
    return _batch(
        _crmkit.arrow_score_pairs(_model(model), _arrow(left, "left"), _arrow(right, "right"), min_score, c, _json(settings, "settings"), _json(columns, "columns"))
    )


@api
def connected_components(src: Data, dst: Data) -> Any:
    """Components of the graph with edges ``src[i] — dst[i]``: one row per
    id (``record_id``, ``cluster_id`` = the smallest id of its component,
    numbers compared numerically)."""
    return _batch(_crmkit.arrow_connected_components(_arrow(src, "src"), _arrow(dst, "dst")))


@api
def cluster_component(
    records: Data,
    edges: Data,
    *,
    settings: Union[None, str, dict] = None,
    columns: Union[None, str, dict] = None,
) -> Any:
    """The clusters inside one component (or several whole components):
    ``records`` are the members, ``edges`` their scored pairs
    (``left_id``, ``right_id``, ``probability``, ``match_weight``). Links
    at or above the threshold are taken strongest first and never join
    records that may not be linked, as :func:`crmkit.identity.resolve`
    does. One row per record: ``record_id``, ``cluster_id``."""
    return _batch(_crmkit.arrow_cluster_component(_arrow(records, "records"), _arrow(edges, "edges"), _json(settings, "settings"), _json(columns, "columns")))


@api
def golden_records(
    records: Data,
    *,
    cluster_id: str = "cluster_id",
    settings: Union[None, str, dict] = None,
    columns: Union[None, str, dict] = None,
) -> Any:
    """Golden records of the clusters in ``records`` (member records plus a
    ``cluster_id`` column; every member of a cluster must be there): one
    row per cluster with ``cluster_id``, ``size`` and ``golden`` (JSON, as
    :func:`crmkit.identity.golden_records` returns it)."""
    return _batch(_crmkit.arrow_golden_records(_arrow(records, "records"), cluster_id, _json(settings, "settings"), _json(columns, "columns")))


@api
def nps_partial(scores: Data, *, segments: Optional[Data] = None, weights: Optional[Data] = None) -> Any:
    """The NPS partial of one batch: one row per segment (``segment``,
    ``tally``). Partials merge exactly (:func:`nps_merge`)."""
    seg = None if segments is None else _arrow(segments, "segments")
    w = None if weights is None else _arrow(weights, "weights")
    return _batch(_crmkit.arrow_nps_partial(_arrow(scores, "scores"), seg, w))


@api
def nps_merge(partials: Data) -> Any:
    """Merges NPS partials (any number, any order): one row per segment."""
    return _batch(_crmkit.arrow_nps_merge(_arrow(partials, "partials")))


@api
def nps_finalize(partials: Data, *, confidence: float = 0.95, method: str = "wald") -> Any:
    """The NPS of every segment of (merged or not) partials: ``segment``,
    ``n``, ``missing``, ``promoters``, ``passives``, ``detractors``,
    ``nps``, ``se``, ``low``, ``high``."""
    return _batch(_crmkit.arrow_nps_finalize(_arrow(partials, "partials"), confidence, method))


@api
def stable_hash(text: str) -> int:
    """The documented stable 64-bit hash: FNV-1a over the UTF-8 bytes, then
    the SplitMix64 finalizer (see the Rust ``crmkit_arrow::salt`` docs)::

        h = 0xCBF29CE484222325
        for b in text.encode("utf-8"):
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        h ^= h >> 30; h = (h * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        h ^= h >> 27; h = (h * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        h ^= h >> 31
    """
    return _crmkit.arrow_stable_hash(text)


@api
def salt_for(id: str, n: int) -> int:
    """``stable_hash(id) % n``: the salt of a record in a salted join."""
    return _crmkit.arrow_salt_for(id, _count(n, "n"))


@api
def chunk_of(id: str, n: int) -> int:
    """``(stable_hash(id) >> 32) % n``: the chunk of a record, independent
    of its salt."""
    return _crmkit.arrow_chunk_of(id, _count(n, "n"))


@api
def salts(ids: Data, n: int) -> Any:
    """:func:`salt_for` of every id of a string column (a pyarrow ``uint32`` array)."""
    return _batch(_crmkit.arrow_salts(_arrow(ids, "ids"), _count(n, "n"))).column(0)


@api
def chunks(ids: Data, n: int) -> Any:
    """:func:`chunk_of` of every id of a string column (a pyarrow ``uint32`` array)."""
    return _batch(_crmkit.arrow_chunks(_arrow(ids, "ids"), _count(n, "n"))).column(0)


@api
def salting_plan(counts: Data, *, max_block_size: int) -> Any:
    """The keys whose ``count`` exceeds ``max_block_size``, with their key
    columns, ``count`` and ``salts = ceil(count / max_block_size)``.

    A salted block is paired in pieces: each record goes to the left side
    once, under ``salt_for(record_id, salts)``, and to the right side once
    under every salt ``0..salts``; joining on ``(key, salt)`` gives every
    pair of the block, with no piece larger than about ``count / salts``."""
    return _batch(_crmkit.arrow_salting_plan(_arrow(counts, "counts"), _count(max_block_size, "max_block_size", 2**64 - 1)))
