"""Argument errors of the Python layer.

Every bad call into the public API raises a :class:`crmkit.CrmkitError`
(a ``ValueError``) with a stable ``.code``. Where Python's own convention
names another built-in exception, the error is an instance of that too, so
``except TypeError`` keeps working:

- :class:`InvalidTypeError` (``TypeError``): an argument of the wrong type;
  code ``invalid_argument``.
- :class:`MissingKeyError` (``KeyError``): a column or key that is not
  there; code ``invalid_argument``.
- :class:`ArgumentOverflowError` (``OverflowError``): an integer out of
  range; code ``invalid_argument``.
- :class:`FileMissingError` (``FileNotFoundError``) and
  :class:`FileAccessError` (``OSError``): a file that cannot be read or
  written; code ``io``.

:func:`api` guards a public function or method: a built-in exception that
escapes it (from argument conversion in the native module, or from Python's
own conversions) comes out as the matching class above, with the original
as ``__cause__``.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any, Callable, TypeVar

from ._crmkit import ERROR_CODES, CrmkitError, InputError

F = TypeVar("F", bound=Callable[..., Any])


class InvalidTypeError(InputError, TypeError):
    """An argument of the wrong type (code ``invalid_argument``); also a ``TypeError``."""


class MissingKeyError(InputError, KeyError):
    """A column or key that is not there (code ``invalid_argument``); also a ``KeyError``."""

    # KeyError would print the message quoted
    __str__ = BaseException.__str__


class ArgumentOverflowError(InputError, OverflowError):
    """An integer argument out of range (code ``invalid_argument``); also an ``OverflowError``."""


class FileAccessError(InputError, OSError):
    """A file that cannot be read or written (code ``io``); also an ``OSError``."""


class FileMissingError(FileAccessError, FileNotFoundError):
    """A file that does not exist (code ``io``); also a ``FileNotFoundError``."""


def error(message: str, *, code: str = "invalid_argument", cls: type = InputError) -> CrmkitError:
    """An exception of class ``cls`` with ``code`` and its numeric value."""
    err = cls(message)
    err.code = code
    err.code_value = ERROR_CODES[code]
    return err


def invalid(name: str, expected: str) -> CrmkitError:
    """``invalid argument `name`: expected`` (code ``invalid_argument``)."""
    return error(f"invalid argument `{name}`: {expected}")


def wrong_type(name: str, expected: str, value: Any) -> CrmkitError:
    """An :class:`InvalidTypeError` naming the argument and the type it got."""
    return error(f"invalid argument `{name}`: {expected}, got {type(value).__name__}", cls=InvalidTypeError)


def file_error(err: OSError) -> CrmkitError:
    """The crmkit form of an ``OSError`` raised while opening ``err.filename``."""
    cls = FileMissingError if isinstance(err, FileNotFoundError) else FileAccessError
    where = err.filename if err.filename is not None else "file"
    out = error(f"{where}: {err.strerror or err}", code="io", cls=cls)
    if isinstance(out, OSError):  # always: both classes are OSErrors
        out.errno, out.strerror, out.filename = err.errno, err.strerror, err.filename
    return out


def translate(err: BaseException) -> BaseException:
    """The crmkit form of a built-in exception raised by a bad argument;
    crmkit errors and anything unrelated come back unchanged."""
    if isinstance(err, CrmkitError):
        return err
    if isinstance(err, OSError):
        return file_error(err)
    message = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    # the native module names the argument in a note ("while processing 'n'")
    notes = [n for n in getattr(err, "__notes__", ()) if isinstance(n, str)]
    for note in notes:
        if note.startswith("while processing '") and note.endswith("'"):
            message = f"invalid argument `{note[18:-1]}`: {message}"
    if isinstance(err, json.JSONDecodeError):
        return error(f"malformed JSON: {message}", code="malformed_input")
    if isinstance(err, (TypeError, AttributeError)):
        return error(message, cls=InvalidTypeError)
    if isinstance(err, OverflowError):
        return error(message, cls=ArgumentOverflowError)
    if isinstance(err, KeyError):
        return error(message, cls=MissingKeyError)
    if isinstance(err, ValueError):
        return error(message)
    return err


def api(func: F) -> F:
    """Guards ``func`` so that a built-in exception raised by a bad argument
    leaves it as a :class:`crmkit.CrmkitError` (see :func:`translate`)."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError, OSError) as e:
            out = translate(e)
            if out is e:
                raise
            raise out from e

    return guarded  # type: ignore[return-value]


def api_class(cls: type) -> type:
    """Applies :func:`api` to ``__init__`` and every public method,
    class method and static method of ``cls`` (properties are left alone)."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") and name not in ("__init__", "__setstate__", "__call__"):
            continue
        if isinstance(member, classmethod):
            setattr(cls, name, classmethod(api(member.__func__)))
        elif isinstance(member, staticmethod):
            setattr(cls, name, staticmethod(api(member.__func__)))
        elif inspect.isfunction(member):
            setattr(cls, name, api(member))
    return cls
