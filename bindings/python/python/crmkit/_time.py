"""Times as every crmkit entry point takes and returns them.

A time is an RFC 3339 string with an offset (``2026-11-23T09:00:00Z``,
``2026-11-23T12:00:00+03:00``), a timezone-aware :class:`datetime.datetime`
or an aware pandas ``Timestamp``. A naive datetime (no ``tzinfo``) is
refused with :class:`crmkit.InputError` (code ``invalid_argument``) naming
the argument: guessing its zone would silently shift every SLA clock
computed from it.
Attach the zone first, e.g. ``datetime.now(timezone.utc)`` or
``ts.tz_localize("Europe/Istanbul")``. Strings are passed on as they are and
checked by the native module, which also refuses a time without an offset.

Times come back as aware UTC datetimes.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Literal, Optional, overload

from ._errors import error, wrong_type


def is_missing(value: Any) -> bool:
    """``None``, a float NaN, pandas ``NaT``/``NA``."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NaTType", "NAType")


@overload
def to_text(value: Any, name: str, *, optional: Literal[False] = False) -> str: ...
@overload
def to_text(value: Any, name: str, *, optional: bool) -> Optional[str]: ...


def to_text(value: Any, name: str, *, optional: bool = False) -> Optional[str]:
    """The RFC 3339 text of ``value`` (see the module documentation);
    ``None`` for a missing value when ``optional``, else an error naming
    ``name``."""
    if is_missing(value):
        if optional:
            return None
        raise error(f"invalid argument `{name}`: a time is required (an aware datetime or RFC 3339 text)")
    if isinstance(value, str):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise error(
                f"invalid argument `{name}`: naive datetime {value.isoformat()} has no time zone; "
                "attach one (e.g. tzinfo=timezone.utc, or tz_localize for pandas)"
            )
        return value.isoformat()
    raise wrong_type(name, "an aware datetime or RFC 3339 text", value)


@overload
def parse(text: str) -> _dt.datetime: ...
@overload
def parse(text: None) -> None: ...
@overload
def parse(text: Optional[str]) -> Optional[_dt.datetime]: ...


def parse(text: Optional[str]) -> Optional[_dt.datetime]:
    """An aware UTC datetime from the native module's RFC 3339 text."""
    if text is None:
        return None
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(_dt.timezone.utc)
