"""crmkit: customer-data toolkit.

Submodules mirror the Rust core:

- :mod:`crmkit.survey` — NPS, CSAT and CES with confidence intervals,
  significance tests, weights, segments and driver analysis.
- :mod:`crmkit.contact` — bounce and SMS delivery-report classification and
  the explainable validity score of a contact point.
- :mod:`crmkit.complaint` — tracking numbers customers can read aloud.
- :mod:`crmkit.identity` — link the records of one customer into clusters,
  golden records and an online matching index.

Every error raised by crmkit is a :class:`CrmkitError` (a ``ValueError``)
with a stable ``.code`` name and a numeric ``.code_value``; one subclass per
error group (:class:`InputError`, :class:`SurveyError`, ...).
"""

from . import _crmkit
from ._crmkit import ERROR_CODES, CrmkitError, __version__

# one exception class per error group of the core, exported by name
for _name in dir(_crmkit):
    _obj = getattr(_crmkit, _name)
    if isinstance(_obj, type) and issubclass(_obj, CrmkitError):
        globals()[_name] = _obj
del _name, _obj

from . import complaint, contact, identity, survey  # noqa: E402

__all__ = ["ERROR_CODES", "__version__", "complaint", "contact", "identity", "survey"] + sorted(
    {name for name, obj in globals().items() if isinstance(obj, type) and issubclass(obj, CrmkitError)}
)
