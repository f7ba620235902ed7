"""Complaint handling: a text classifier trained in Rust, and tracking
numbers customers can read aloud.

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

import json
from typing import Any, Iterable, Optional

from . import _crmkit

__all__ = [
    "CategoryRules",
    "Classifier",
    "tracking_number",
    "validate_tracking_number",
    "tracking_number_error",
    "parse_tracking_number",
]


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
            return cls.from_str(f.read(), "json" if path.endswith(".json") else "toml")

    def categorize(self, text: str) -> dict:
        """Categories (highest priority first) and flags, each with the
        matched spans of the original text."""
        return json.loads(self._inner.categorize_json([text])[0])

    def categorize_many(self, texts: Iterable[str]) -> list:
        """:meth:`categorize` for many texts, with the GIL released."""
        return [json.loads(r) for r in self._inner.categorize_json([str(t) for t in _as_list(texts)])]


class Classifier:
    """A linear complaint classifier: hashed word 1-2-grams and character
    2-5-grams (Turkish-aware normalization, ASCII folding), TF-IDF, one linear
    SVM per label, calibrated softmax probabilities; abstains below
    ``abstain_below`` so the complaint goes to human triage.

    >>> m = Classifier.train(["kargom gelmedi", "kargo gecikti", "iade istiyorum", "param iade edilmedi"],
    ...                      ["delivery", "delivery", "refund", "refund"])
    >>> m.predict(["KARGOM HALA GELMEDI", "iade"])
    ['delivery', 'refund']
    """

    def __init__(self, inner: "_crmkit.Classifier") -> None:
        self._inner = inner

    @classmethod
    def train(cls, texts: Iterable[str], labels: Iterable[Any], **options: Any) -> "Classifier":
        """Trains on texts and labels (lists, pandas/polars Series...).
        Options: ``c`` (1.0), ``epochs`` (12), ``hash_bits`` (20),
        ``min_char_df`` (2), ``abstain_below`` (0.0), ``seed`` (0)."""
        texts = [str(t) for t in _as_list(texts)]
        labels = [str(l) for l in _as_list(labels)]
        return cls(_crmkit.Classifier.train(texts, labels, **options))

    def predict(self, texts: Iterable[str]) -> list:
        """One label per text; ``None`` where the model abstains."""
        return self._inner.predict([str(t) for t in _as_list(texts)])

    def predict_proba(self, texts: Iterable[str]) -> list:
        """For each text, a dict label -> probability (most likely first)."""
        return [dict(p) for p in self._inner.predict_proba([str(t) for t in _as_list(texts)])]

    def explain(self, text: str) -> dict:
        """The label (or None), the top five labels with probabilities, and
        the n-grams of the text that weighed most for the top label."""
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


def _as_list(values: Any) -> list:
    for method in ("to_pylist", "to_list", "tolist"):
        if hasattr(values, method):
            return getattr(values, method)()
    return list(values)


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


from ._routing import Decision, RuleSet  # noqa: E402

__all__ += ["Decision", "RuleSet"]
