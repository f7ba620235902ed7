"""Contact validity: email parsing and classification, delivery outcome
classification and the explainable validity score of a contact point.

>>> from crmkit import contact
>>> e = contact.parse_email("Ayse.Yilmaz+kampanya@GoogleMail.com")
>>> e.valid, e.normalized, e.dedup_key, e.kind
(True, 'Ayse.Yilmaz+kampanya@googlemail.com', 'ayseyilmaz@gmail.com', 'free')
>>> contact.parse_email("mehmet@gmial.com").suggestion
'mehmet@gmail.com'
>>> o = contact.classify_outcome("550 5.1.1 <ayse@example.com>: User unknown")
>>> o == "permanent", o.reason
(True, 'user_unknown')
>>> contact.classify_outcome("stat:UNDELIV err:027", channel="sms").reason
'absent_subscriber'

Times (``now``, evidence ``at``, ``first_seen``) are RFC 3339 text with an
offset or timezone-aware datetimes; a naive datetime is refused with
:class:`crmkit.InputError` (code ``invalid_argument``) naming it, since a
guessed zone would shift every age the score depends on. Every bad argument
raises a :class:`crmkit.CrmkitError` naming it; a wrong type is also a
``TypeError``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Iterable, Optional

from . import _crmkit
from . import _time
from ._errors import api, wrong_type

from ._crmkit import EmailResult, PhoneResult

__all__ = [
    "EmailResult",
    "parse_email",
    "parse_emails",
    "PhoneResult",
    "parse_phone",
    "parse_phones",
    "Outcome",
    "classify_outcome",
    "classify_outcomes",
    "score",
    "summarize",
    "default_policy",
]


def _email_options(options: dict) -> Optional[dict]:
    for k, v in options.items():
        if not isinstance(v, bool):
            raise wrong_type(k, "True or False", v)
    return dict(options) if options else None


@api
def parse_email(text: str, **options: Any) -> EmailResult:
    """Parses and validates an email address the way Python
    ``email-validator`` does (without DNS), and classifies it.

    The result has ``valid``, ``normalized``, ``ascii_email``, ``dedup_key``
    (Gmail dots and ``+tag`` and other documented provider rules),
    ``kind`` (``"free"``, ``"disposable"``, ``"role"``, ``"corporate"``,
    ``"education"``, ``"government"``), ``suggestion`` (a corrected address
    for a likely typo such as ``gmial.com``, ``gmaıl.com``, ``gmail.com.tr``)
    and ``error`` (a stable code such as ``"missing_at"``, or ``None``).
    Keyword options are those of email-validator: ``allow_smtputf8``,
    ``allow_quoted_local``, ``allow_domain_literal``, ``allow_display_name``,
    ``strict``, ``test_environment``, ``globally_deliverable``.

    >>> parse_email("ali@@example.com").error
    'invalid_local_character'
    """
    return _crmkit.parse_email(text, _email_options(options))


@api
def parse_emails(texts: Iterable[Any], *, workers: int = 0, columns: bool = False, **options: Any) -> Any:
    """:func:`parse_email` for a sequence (list, numpy array, pandas/polars
    Series, pyarrow array); ``None`` and NaN parse as empty
    (``error="empty"``). Runs with the GIL released on ``workers`` threads
    (0: one per core; batches under 4,096 addresses use one thread).

    With ``columns=True`` no object is made per address: the result is one
    column per field — ``valid``, ``normalized``, ``ascii_email``,
    ``dedup_key``, ``kind``, ``suggestion``, ``error`` — as a pandas
    DataFrame (same index) for a pandas Series, a polars DataFrame for a
    polars Series, a pyarrow Table for a pyarrow array, and a dict of lists
    otherwise. This is the fast form for large batches.

    >>> cols = parse_emails(["ali@gmial.com", "x@@y"], columns=True)
    >>> cols["valid"], cols["suggestion"], cols["error"]
    ([True, False], ['ali@gmail.com', None], [None, 'invalid_local_character'])
    """
    if columns:
        out = _crmkit.parse_emails_columns(_batch_input(texts), _email_options(options), workers)
        return _same_kind(texts, out)
    return _crmkit.parse_emails(_batch_input(texts), _email_options(options), workers)


class Outcome(str):
    """A classified delivery outcome: the string is the class
    (``"success"``, ``"transient"``, ``"permanent"`` or ``"unknown"``), so
    ``outcome == "permanent"`` works; the details are attributes."""

    reason: str
    """Stable reason code, e.g. ``"user_unknown"``, ``"mailbox_full"``, ``"policy"``."""
    enhanced_code: Optional[str]
    """The RFC 3463 enhanced status code found, e.g. ``"5.1.1"``."""
    smtp_code: Optional[int]
    """The basic SMTP reply code found, e.g. ``550``."""
    sms_state: Optional[str]
    """The SMS delivery-report state found, e.g. ``"UNDELIV"``."""
    gsm_error: Optional[int]
    """The GSM error code found."""
    long_term: bool
    """A transient failure expected to last (barred or deregistered SIM)."""

    @property
    def outcome(self) -> str:
        """The class as a plain string."""
        return str(self)

    @classmethod
    def _from(cls, parts: tuple) -> "Outcome":
        o = cls(parts[0])
        o.reason, o.enhanced_code, o.smtp_code, o.sms_state, o.gsm_error, o.long_term = parts[1:]
        return o

    def __repr__(self) -> str:
        return f"Outcome({str(self)!r}, reason={self.reason!r})"


@api
def classify_outcome(text_or_code: Any, *, channel: str = "email") -> Outcome:
    """Classifies a bounce, SMTP reply, enhanced status code or DSN
    (``channel="email"``), or an SMS delivery report (``channel="sms"``),
    into success / transient / permanent / unknown with a reason.

    ``text_or_code`` may be text or a number (``550``, ``"5.2.2"``,
    ``"stat:UNDELIV err:001"``). An unknown channel raises
    :class:`crmkit.ContactError`.

    >>> classify_outcome("452 4.2.2 Mailbox full").reason
    'mailbox_full'
    """
    return Outcome._from(_crmkit.classify_outcome(str(text_or_code), channel))


@api
def classify_outcomes(texts: Iterable[Any], *, channel: str = "email") -> list:
    """:func:`classify_outcome` for many texts (``None`` reads as empty),
    computed with the GIL released."""
    values = ["" if t is None else str(t) for t in _batch_input(texts, "texts")]
    return [Outcome._from(p) for p in _crmkit.classify_outcomes(values, channel)]


def _batch_input(values: Iterable[Any], name: str = "texts") -> Any:
    """A list (or other sequence) of str / non-str items for the Rust batch
    readers, which take every non-str item as missing."""
    if isinstance(values, (str, bytes, Mapping, set, frozenset)) or not hasattr(values, "__iter__"):
        raise wrong_type(name, "a list, array or column of texts", values)
    if isinstance(values, (list, tuple)):
        return values
    if hasattr(values, "to_pylist"):
        return values.to_pylist()
    if hasattr(values, "to_list"):
        return values.to_list()
    if hasattr(values, "tolist"):
        return values.tolist()
    return list(values)


def _same_kind(values: Any, columns: dict) -> Any:
    """The columns as a frame of the input's library (pandas / polars /
    pyarrow), or as they are (a dict of lists). Every column has one type
    whatever the batch holds (``valid`` boolean, the rest text; a column
    with no value in this batch is text of nulls, not the null type), so
    the results of two batches concatenate."""
    module = type(values).__module__.split(".")[0]
    if module == "pandas":
        import pandas as pd

        return pd.DataFrame(columns, index=getattr(values, "index", None))
    if module == "polars":
        import polars as pl

        schema = {name: pl.Boolean if name == "valid" else pl.Utf8 for name in columns}
        return pl.DataFrame(columns, schema=schema, strict=False)
    if module == "pyarrow":
        import pyarrow as pa

        schema = pa.schema([(name, pa.bool_() if name == "valid" else pa.string()) for name in columns])
        return pa.table(columns, schema=schema)
    return columns


@api
def parse_phone(text: str, region: str = "TR") -> PhoneResult:
    """Parses a phone number as people write it (labels such as ``Tel:`` or
    ``cep``, extensions such as ``dahili 12`` or ``/12``, ``0090``,
    full-width digits) and validates it with libphonenumber metadata.

    The result has ``valid``, ``e164``, ``type`` (``"mobile"``,
    ``"fixed_line"``, ``"toll_free"``, ``"premium_rate"``, ``"voip"``,
    ``"uan"``, ``"pager"``, ...), ``region``, ``extension``,
    ``national_format``, ``international_format``, ``sms_capable``,
    ``suggestion`` (when a letter O or l stands for a digit — never applied
    silently) and ``error``. An unknown ``region`` raises
    :class:`crmkit.ContactError`.

    >>> p = parse_phone("0212 123 45 67 dahili 12")
    >>> p.e164, p.type, p.extension
    ('+902121234567', 'fixed_line', '12')
    >>> parse_phone("0532 123 45 6O").suggestion
    '+905321234560'
    """
    return _crmkit.parse_phone(text, region)


@api
def parse_phones(
    texts: Iterable[Any],
    region: str = "TR",
    *,
    workers: int = 0,
    columns: bool = False,
    regions: Optional[Iterable[Any]] = None,
    formats: bool = False,
) -> Any:
    """:func:`parse_phone` for a sequence (list, numpy array, pandas/polars
    Series, pyarrow array); ``None`` parses as empty. Runs with the GIL
    released on ``workers`` threads (0: one per core; batches under 4,096
    numbers use one thread). The calling thread takes one share; the others
    go to worker threads that live on between calls, and each of the first
    eight keeps libphonenumber's patterns compiled for itself, since threads
    sharing one compiled set run no faster than one thread. The first batch
    on a new worker compiles its set (a few hundred milliseconds), and each
    set holds about 90 MB once 100,000 Turkish and US numbers have passed;
    ``workers=1`` uses the process-wide set only.

    With ``columns=True`` no object is made per number: the result is one
    column per field — ``valid``, ``e164``, ``type``, ``region``,
    ``extension``, ``suggestion``, ``error`` (and ``national_format``,
    ``international_format`` with ``formats=True``) — as a pandas /
    polars DataFrame or pyarrow Table for such inputs and a dict of lists
    otherwise. ``regions`` (columns only) gives each number's default region
    (``None`` or empty: ``region``); an unknown code raises
    :class:`crmkit.CrmkitError` naming the row.

    >>> cols = parse_phones(["0532 123 45 67", "(202) 555-0173"], columns=True, regions=["TR", "US"])
    >>> cols["e164"], cols["type"]
    (['+905321234567', '+12025550173'], ['mobile', 'fixed_line_or_mobile'])
    """
    if columns:
        per_row = None if regions is None else _batch_input(regions, "regions")
        out = _crmkit.parse_phones_columns(_batch_input(texts), region, workers, per_row, formats)
        return _same_kind(texts, out)
    if regions is not None:
        raise wrong_type("regions", "None unless columns=True", regions)
    return _crmkit.parse_phones(_batch_input(texts), region, workers)


def _plain(value: Any, where: str) -> Any:
    """A copy as the native module reads it; datetimes become RFC 3339 text
    (naive ones are refused, naming ``where``, the path of the value)."""
    if isinstance(value, Mapping):
        return {k: _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, _dt.datetime) or hasattr(value, "to_pydatetime"):
        return _time.to_text(value, where)
    return value


def _policy(policy: Optional[dict]) -> Optional[dict]:
    if policy is None:
        return None
    if not isinstance(policy, Mapping):
        raise wrong_type("policy", "a dict of policy fields", policy)
    return _plain(policy, "policy")


@api
def score(point: dict, *, now: Any, policy: Optional[dict] = None) -> dict:
    """The probability that a contact point still reaches its customer at
    ``now``, its band, the next action and the reasons, largest first.

    ``point`` has ``channel`` (``"email"``/``"sms"``), ``class`` (``free``,
    ``corporate``, ``role``, ``disposable``, ``education``, ``government``,
    ``mobile``, ``fixed_line``, ``voip``, ``business``, ``other``) and
    optionally ``syntax_valid``, ``prepaid``, ``first_seen``, ``shared_by``
    and ``evidence``: a list of ``{"at": ..., "kind": ..., "source": ...}``
    with kinds ``delivered``, ``engaged``, ``inbound``, ``transient``,
    ``long_term``, ``permanent``. Times are timezone-aware datetimes or
    RFC 3339 strings. ``policy`` overrides fields of :func:`default_policy`.

    >>> s = score({"channel": "email", "class": "corporate",
    ...            "evidence": [{"at": "2026-11-01T00:00:00Z", "kind": "permanent"}]},
    ...           now="2026-11-22T00:00:00Z")
    >>> s["action"], s["reasons"][0]["code"]
    ('suppress', 'permanent_failure')
    """
    if not isinstance(point, Mapping):
        raise wrong_type("point", "a dict", point)
    now_text = _time.to_text(now, "now")
    return _crmkit.score_contact(_plain(point, "point"), now_text, _policy(policy))


@api
def default_policy() -> dict:
    """The documented default validity policy (a copy to modify)."""
    return _crmkit.default_policy()


@api
def summarize(points: Iterable[dict], *, now: Any, policy: Optional[dict] = None) -> dict:
    """The contact summary of one customer: every point scored at ``now``
    (as :func:`score` does), the best email and the best phone (indexes
    into ``points``; never a suppressed point; ``None`` when there is
    none), and the last successful contact in either direction
    (``last_contact_at`` as RFC 3339 text, ``last_contact_channel``
    ``"email"`` or ``"sms"``).

    >>> s = summarize([
    ...     {"channel": "email", "class": "corporate",
    ...      "evidence": [{"at": "2026-11-01T00:00:00Z", "kind": "permanent"}]},
    ...     {"channel": "email", "class": "free",
    ...      "evidence": [{"at": "2026-11-10T00:00:00Z", "kind": "engaged"}]},
    ...     {"channel": "sms", "class": "mobile"},
    ... ], now="2026-11-22T00:00:00Z")
    >>> s["best_email"], s["best_phone"], s["last_contact_channel"]
    (1, 2, 'email')
    >>> [x["action"] for x in s["scores"]][0]
    'suppress'
    """
    if isinstance(points, (str, bytes, Mapping)) or not hasattr(points, "__iter__"):
        raise wrong_type("points", "a list of contact point dicts", points)
    points = list(points)
    for i, p in enumerate(points):
        if not isinstance(p, Mapping):
            raise wrong_type(f"points[{i}]", "a dict", p)
    now_text = _time.to_text(now, "now")
    return _crmkit.summarize_contacts(_plain(points, "points"), now_text, _policy(policy))
