"""crmkit: customer-data toolkit.

Submodules mirror the Rust core:

- :mod:`crmkit.survey` — NPS, CSAT and CES with confidence intervals,
  significance tests, weights, segments and driver analysis.
- :mod:`crmkit.contact` — bounce and SMS delivery-report classification and
  the explainable validity score of a contact point.
- :mod:`crmkit.complaint` — complaint routing, SLA and escalation, KPI reports.
- :mod:`crmkit.identity` — link the records of one customer into clusters,
  golden records and an online matching index.
- :mod:`crmkit.engagement` — customer profiles from events, the contact
  policy, and contact decisions with their reasons.

Every error raised by crmkit is a :class:`CrmkitError` (a ``ValueError``)
with a stable ``.code`` name and a numeric ``.code_value``; one subclass per
error group (:class:`InputError`, :class:`SurveyError`, ...). A bad argument
raises an :class:`InputError` naming it (code ``invalid_argument``); where
Python names another built-in exception the error is that too:
:class:`InvalidTypeError` (a ``TypeError``), :class:`MissingKeyError` (a
``KeyError``), :class:`ArgumentOverflowError` (an ``OverflowError``), and for
files (code ``io``) :class:`FileAccessError` (an ``OSError``) and
:class:`FileMissingError` (a ``FileNotFoundError``).

Times are RFC 3339 text with an offset or timezone-aware datetimes
everywhere; a naive datetime is refused (code ``invalid_argument``) rather
than given a guessed zone.
"""

from . import _crmkit
from ._crmkit import ERROR_CODES, CrmkitError, __version__

# one exception class per error group of the core, exported by name
for _name in dir(_crmkit):
    _obj = getattr(_crmkit, _name)
    if isinstance(_obj, type) and issubclass(_obj, CrmkitError):
        globals()[_name] = _obj
del _name, _obj

from ._errors import (  # noqa: E402
    ArgumentOverflowError,
    FileAccessError,
    FileMissingError,
    InvalidTypeError,
    MissingKeyError,
)

from . import complaint, contact, engagement, identity, survey  # noqa: E402

__all__ = ["ERROR_CODES", "__version__", "complaint", "contact", "engagement", "identity", "survey"] + sorted(
    {name for name, obj in globals().items() if isinstance(obj, type) and issubclass(obj, CrmkitError)}
)
