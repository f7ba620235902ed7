"""Complaint handling: tracking numbers customers can read aloud.

Tracking numbers use the 31 symbols ``23456789ABCDEFGHJKMNPQRSTUVWXYZ``
(no 0/O, no 1/I/L) and end with a check character that catches every
single-character error and every swap of two adjacent characters.

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

from typing import Optional

from . import _crmkit

__all__ = ["tracking_number", "validate_tracking_number", "tracking_number_error", "parse_tracking_number"]


def tracking_number(sequence: int, *, prefix: Optional[str] = None) -> str:
    """The tracking number of ``sequence`` (0 to 2**64-1), with an optional
    prefix of up to 6 characters from the tracking alphabet. A bad prefix
    raises :class:`crmkit.InputError`."""
    return _crmkit.tracking_number(sequence, prefix)


def validate_tracking_number(text: str, *, prefix: Optional[str] = None) -> bool:
    """Whether ``text`` is a valid tracking number (case, spaces and hyphens
    are ignored). With ``prefix``, it must start with that prefix."""
    ok, _ = _crmkit.check_tracking_number(text, prefix)
    return ok is not None


def tracking_number_error(text: str, *, prefix: Optional[str] = None) -> Optional[str]:
    """Why ``text`` is not a valid tracking number, or ``None`` if it is."""
    _, error = _crmkit.check_tracking_number(text, prefix)
    return error


def parse_tracking_number(text: str, *, prefix: Optional[str] = None) -> dict:
    """The canonical form, sequence number and prefix of a valid tracking
    number; raises ``ValueError`` saying why for an invalid one."""
    ok, error = _crmkit.check_tracking_number(text, prefix)
    if ok is None:
        raise ValueError(error)
    canonical, sequence, found_prefix = ok
    return {"canonical": canonical, "sequence": sequence, "prefix": found_prefix}
