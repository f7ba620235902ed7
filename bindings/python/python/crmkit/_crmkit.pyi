"""Stubs of the compiled module ``crmkit._crmkit``."""

from typing import Any, Callable, Mapping, Optional, Sequence, Union, final

import numpy as np
import numpy.typing as npt

__version__: str
ERROR_CODES: dict[str, int]

__all__ = [
    "BindingError",
    "Calendar",
    "CategoryRules",
    "CesResult",
    "Classifier",
    "ComplaintError",
    "ContactError",
    "CrmkitError",
    "CsatResult",
    "ERROR_CODES",
    "EmailResult",
    "EngagementDecision",
    "EngagementPolicy",
    "EngagementStore",
    "Index",
    "InputError",
    "NpsAccumulator",
    "NpsDiffResult",
    "NpsResult",
    "PhoneResult",
    "Resolution",
    "RuleSet",
    "SlaPolicy",
    "SurveyError",
    "TopicImpact",
    "_ArrowResult",
    "__version__",
    "arrow_block_pairs",
    "arrow_blocking_keys",
    "arrow_chunk_of",
    "arrow_chunks",
    "arrow_cluster_component",
    "arrow_connected_components",
    "arrow_fold_emails",
    "arrow_golden_records",
    "arrow_merge_counts",
    "arrow_nps_finalize",
    "arrow_nps_merge",
    "arrow_nps_partial",
    "arrow_parse_emails",
    "arrow_parse_phones",
    "arrow_salt_for",
    "arrow_salting_plan",
    "arrow_salts",
    "arrow_score_pairs",
    "arrow_stable_hash",
    "arrow_term_counts",
    "ces",
    "check_tracking_number",
    "classify_outcome",
    "classify_outcomes",
    "csat",
    "default_policy",
    "drivers",
    "due_times",
    "escalations",
    "escalations_from_logs",
    "group_codes",
    "grouped",
    "happiness",
    "identity_carry_entity_ids",
    "identity_check_model",
    "identity_default_model",
    "identity_explain",
    "identity_golden",
    "identity_resolve",
    "nps",
    "nps_diff",
    "nps_sample_size",
    "parse_email",
    "parse_emails",
    "parse_emails_columns",
    "parse_phone",
    "parse_phones",
    "parse_phones_columns",
    "recency_weights",
    "report",
    "score_contact",
    "sla_state",
    "summarize_contacts",
    "tracking_number",
]

class CrmkitError(ValueError):
    code: str
    code_value: int

class InputError(CrmkitError): ...
class SurveyError(CrmkitError): ...
class ContactError(CrmkitError): ...
class ComplaintError(CrmkitError): ...
class BindingError(CrmkitError): ...

@final
class NpsResult:
    nps: float
    se: float
    low: float
    high: float
    n: int
    promoters: int
    passives: int
    detractors: int
    missing: int
    effective_n: float
    promoter_share: float
    passive_share: float
    detractor_share: float
    variance: float
    confidence: float
    method: str
    def to_dict(self) -> dict[str, Any]: ...

@final
class NpsDiffResult:
    difference: float
    se: float
    z: float
    p_value: float
    low: float
    high: float
    confidence: float

@final
class CsatResult:
    csat: float
    low: float
    high: float
    n: int
    satisfied: int
    missing: int
    mean: float
    effective_n: float
    confidence: float

@final
class CesResult:
    mean: float
    se: float
    low: float
    high: float
    easy_percent: float
    difficult_percent: float
    n: int
    missing: int
    effective_n: float
    confidence: float

@final
class TopicImpact:
    topic: str
    n: int
    share: float
    nps_topic: float
    nps_without: float
    impact: float
    z: float
    p_value: float

@final
class NpsAccumulator:
    def __init__(self) -> None: ...
    def push(self, score: Optional[float]) -> None: ...
    def push_weighted(self, score: Optional[float], weight: float) -> None: ...
    def merge(self, other: NpsAccumulator) -> None: ...
    def finish(self, confidence: float = 0.95, method: str = "wald") -> NpsResult: ...
    @property
    def n(self) -> int: ...
    @property
    def missing(self) -> int: ...
    def __getstate__(self) -> bytes: ...
    def __setstate__(self, state: bytes) -> None: ...

def nps(scores: Any, weights: Any = None, confidence: float = 0.95, method: str = "wald") -> NpsResult: ...
def nps_diff(a: Any, b: Any, confidence: float = 0.95) -> NpsDiffResult: ...
def csat(scores: Any, weights: Any = None, scale: int = 5, threshold: int = 4, confidence: float = 0.95) -> CsatResult: ...
def ces(
    scores: Any,
    weights: Any = None,
    scale: int = 7,
    easy_threshold: int = 5,
    difficult_threshold: int = 3,
    confidence: float = 0.95,
) -> CesResult: ...
def nps_sample_size(margin: float, confidence: float = 0.95, variance: Optional[float] = None) -> int: ...
def recency_weights(ages: Any, half_life: float) -> list[float]: ...
def drivers(scores: Any, topics: Sequence[Sequence[str]], confidence: float = 0.95) -> list[TopicImpact]: ...
def group_codes(
    column: Any, dictionary: Any = None, unused: bool = False, workers: int = 0
) -> tuple[npt.NDArray[np.uint32], list[Optional[str]]]: ...
def grouped(
    metric: str,
    scores: Any,
    codes: npt.NDArray[np.integer[Any]],
    n_groups: int,
    weights: Any = None,
    confidence: float = 0.95,
    method: str = "wald",
    scale: int = 0,
    threshold: int = 0,
    difficult_threshold: int = 0,
    workers: int = 0,
) -> dict[str, list[Any]]: ...

def classify_outcome(
    text: str, channel: str = "email"
) -> tuple[str, str, Optional[str], Optional[int], Optional[str], Optional[int], bool]: ...
def classify_outcomes(
    texts: Sequence[str], channel: str = "email"
) -> list[tuple[str, str, Optional[str], Optional[int], Optional[str], Optional[int], bool]]: ...
def score_contact(point: Mapping[str, Any], now: str, policy: Optional[Mapping[str, Any]] = None) -> dict[str, Any]: ...
def summarize_contacts(
    points: Sequence[Mapping[str, Any]], now: str, policy: Optional[Mapping[str, Any]] = None
) -> dict[str, Any]: ...
def default_policy() -> dict[str, Any]: ...
def tracking_number(sequence: int, prefix: Optional[str] = None) -> str: ...
def check_tracking_number(
    text: str, prefix: Optional[str] = None
) -> tuple[Optional[tuple[str, int, Optional[str]]], Optional[str]]: ...

@final
class EmailResult:
    input: str
    valid: bool
    normalized: Optional[str]
    local_part: Optional[str]
    domain: Optional[str]
    ascii_domain: Optional[str]
    ascii_email: Optional[str]
    smtputf8: bool
    display_name: Optional[str]
    dedup_key: Optional[str]
    kind: Optional[str]
    suggestion: Optional[str]
    error: Optional[str]
    message: Optional[str]
    def __bool__(self) -> bool: ...

def parse_email(text: str, options: Optional[Mapping[str, bool]] = None) -> EmailResult: ...
def parse_emails(
    texts: Sequence[Any], options: Optional[Mapping[str, bool]] = None, workers: int = 0
) -> list[EmailResult]: ...

@final
class PhoneResult:
    input: str
    valid: bool
    possible: bool
    e164: Optional[str]
    region: Optional[str]
    country_code: Optional[int]
    national_number: Optional[str]
    type: str
    national_format: Optional[str]
    international_format: Optional[str]
    extension: Optional[str]
    sms_capable: bool
    multiple_numbers: bool
    suggestion: Optional[str]
    error: Optional[str]
    message: Optional[str]
    def __bool__(self) -> bool: ...

def parse_phone(text: str, region: str = "TR") -> PhoneResult: ...
def parse_phones(texts: Sequence[Any], region: str = "TR", workers: int = 0) -> list[PhoneResult]: ...
def parse_emails_columns(
    texts: Sequence[Any], options: Optional[Mapping[str, bool]] = None, workers: int = 0
) -> dict[str, list[Any]]: ...
def parse_phones_columns(
    texts: Sequence[Any],
    region: str = "TR",
    workers: int = 0,
    regions: Optional[Sequence[Any]] = None,
    formats: bool = False,
) -> dict[str, list[Any]]: ...
def happiness(answers: Any, scale_json: Optional[str] = None) -> tuple[float, float, list[int], int, int]: ...

@final
class Classifier:
    @staticmethod
    def train(
        texts: Sequence[str],
        labels: Sequence[str],
        c: float = 1.0,
        epochs: int = 12,
        hash_bits: int = 20,
        min_char_df: int = 2,
        abstain_below: float = 0.0,
        min_known: float = 0.0,
        stem: Optional[str] = None,
        class_weight: Union[None, str, Mapping[str, float]] = None,
        cv_folds: int = 0,
        c_grid: Optional[Sequence[float]] = None,
        seed: int = 0,
    ) -> Classifier: ...
    def predict(self, texts: Sequence[str]) -> list[Optional[str]]: ...
    def predict_proba(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]: ...
    def explain(self, text: str) -> tuple[Optional[str], list[tuple[str, float]], list[tuple[str, float]]]: ...
    @property
    def labels(self) -> list[str]: ...
    def report(self) -> dict[str, Any]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> Classifier: ...

@final
class CategoryRules:
    @staticmethod
    def from_str(text: str, format: str = "toml") -> CategoryRules: ...
    def categorize(
        self, texts: Sequence[str], fields: Optional[Sequence[Optional[Mapping[str, Any]]]] = None
    ) -> list[dict[str, Any]]: ...

@final
class Calendar:
    @staticmethod
    def from_str(text: str, format: str = "toml") -> Calendar: ...
    @staticmethod
    def turkey_2026_2027() -> Calendar: ...
    @property
    def name(self) -> str: ...
    def add_business_hours(self, start: str, hours: float) -> str: ...
    def business_hours_between(self, start: str, end: str) -> float: ...

@final
class SlaPolicy:
    @staticmethod
    def from_str(text: str, format: str = "toml") -> SlaPolicy: ...
    @property
    def version(self) -> str: ...
    def to_json(self) -> str: ...
    def targets(
        self, category: Optional[str] = None, priority: str = "normal"
    ) -> tuple[Optional[float], Optional[float], Optional[float]]: ...

def escalations(
    open: Sequence[Mapping[str, Any]],
    org: Mapping[str, Optional[str]],
    policy: SlaPolicy,
    calendar: Calendar,
    now: str,
) -> list[dict[str, Any]]: ...
def due_times(open: Sequence[Mapping[str, Any]], policy: SlaPolicy, calendar: Calendar) -> list[dict[str, Any]]: ...
def sla_state(
    events: Sequence[Mapping[str, Any]], policy: SlaPolicy, calendar: Calendar, now: str, warn_at: list[int]
) -> dict[str, Any]: ...
def escalations_from_logs(
    events: Sequence[Mapping[str, Any]],
    org: Mapping[str, Optional[str]],
    policy: SlaPolicy,
    calendar: Calendar,
    now: str,
) -> list[dict[str, Any]]: ...
def report(
    complaints: Sequence[Mapping[str, Any]],
    by: str = "first_department",
    calendar: Optional[Calendar] = None,
    now: Optional[str] = None,
) -> dict[str, list[dict[str, Any]]]: ...

_Columns = list[list[Optional[str]]]

@final
class Resolution:
    def cluster_ids(self) -> list[str]: ...
    def ids(self) -> list[str]: ...
    def model_json(self) -> str: ...
    def report(self) -> dict[str, Any]: ...
    def pairs(self, min_probability: float = 0.5) -> list[tuple[str, str, float]]: ...
    def households(self) -> list[tuple[str, str]]: ...
    def explain(self, a: str, b: str) -> dict[str, Any]: ...
    def golden(self, settings: Optional[Mapping[str, Any]] = None) -> list[dict[str, Any]]: ...

def identity_resolve(
    names: list[str],
    columns: _Columns,
    column_map: Optional[Mapping[str, Any]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    model: Optional[str] = None,
    labels: list[tuple[str, str]] = ...,
    groups: Optional[list[int]] = None,
    progress: Optional[Callable[[str, str, int, int], Any]] = None,
) -> Resolution: ...
def identity_golden(
    names: list[str],
    columns: _Columns,
    cluster_ids: list[str],
    column_map: Optional[Mapping[str, Any]] = None,
    settings: Optional[Mapping[str, Any]] = None,
) -> list[dict[str, Any]]: ...
def identity_explain(
    names: list[str],
    a: list[Optional[str]],
    b: list[Optional[str]],
    model: Optional[str] = None,
    country: Optional[str] = None,
    column_map: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]: ...
def identity_default_model() -> str: ...
def identity_check_model(model: str) -> str: ...
def identity_carry_entity_ids(ids: list[str], cluster_ids: list[str], previous: dict[str, str]) -> list[str]: ...

@final
class Index:
    def __new__(
        cls,
        names: list[str],
        columns: _Columns,
        column_map: Optional[Mapping[str, Any]] = None,
        settings: Optional[Mapping[str, Any]] = None,
        model: Optional[str] = None,
    ) -> Index: ...
    def __len__(self) -> int: ...
    def match(self, names: list[str], values: list[Optional[str]]) -> list[dict[str, Any]]: ...
    def insert(self, names: list[str], values: list[Optional[str]]) -> dict[str, Any]: ...
    def update(self, names: list[str], values: list[Optional[str]]) -> dict[str, Any]: ...
    def delete(self, record_id: str) -> dict[str, Any]: ...
    def entity_of(self, record_id: str) -> Optional[str]: ...
    def assignments(self) -> list[tuple[str, str]]: ...
    def last_seq(self) -> int: ...
    def events_since(self, after: int) -> list[dict[str, Any]]: ...
    def feed_retention(self) -> int: ...
    def set_feed_retention(self, events: int) -> None: ...

@final
class RuleSet:
    @staticmethod
    def from_str(text: str, format: str = "toml", calendar: Optional[str] = None) -> RuleSet: ...
    def route(
        self, complaint: Mapping[str, Any], state: Optional[Mapping[str, Any]] = None, now: Optional[str] = None
    ) -> tuple[dict[str, Any], dict[str, Any]]: ...
    def route_columns(
        self,
        n: int,
        channel: list[Optional[str]],
        category: list[Optional[str]],
        product: list[Optional[str]],
        segment: list[Optional[str]],
        language: list[Optional[str]],
        amount: list[Optional[float]],
        customer_value: list[Optional[float]],
        flags: list[Optional[list[str]]],
        received_at: list[Optional[str]],
        ids: list[Optional[str]],
        text: list[Optional[str]],
        state: Optional[Mapping[str, Any]] = None,
        now: Optional[str] = None,
    ) -> tuple[dict[str, list[Any]], dict[str, Any]]: ...
    def route_rows(
        self, rows: list[dict[str, Any]], state: Optional[Mapping[str, Any]] = None, now: Optional[str] = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]: ...
    def route_arrow(
        self, data: Any, state: Optional[Mapping[str, Any]] = None, now: Optional[str] = None
    ) -> tuple[Any, dict[str, Any]]: ...
    def lint(self) -> list[dict[str, Any]]: ...
    def check(self) -> dict[str, Any]: ...
    def source(self) -> dict[str, Any]: ...
    def org_chart(self) -> dict[str, Optional[str]]: ...
    @property
    def version(self) -> str: ...

# Customer 360 (crmkit.engagement)
@final
class EngagementPolicy:
    @staticmethod
    def from_str(text: str, format: str = "toml") -> EngagementPolicy: ...
    @staticmethod
    def default() -> EngagementPolicy: ...
    def lint(self) -> list[tuple[str, str]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

@final
class EngagementDecision:
    @property
    def allowed(self) -> bool: ...
    @property
    def channel(self) -> Optional[str]: ...
    @property
    def point(self) -> Optional[str]: ...
    @property
    def reasons(self) -> list[str]: ...
    @property
    def details(self) -> list[dict[str, Optional[str]]]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class EngagementStore:
    def __new__(cls, policy: Optional[EngagementPolicy] = None) -> EngagementStore: ...
    @property
    def policy(self) -> EngagementPolicy: ...
    def apply(self, event: dict[str, Any]) -> None: ...
    def apply_many(self, events: Any) -> int: ...
    def follow_index(self, feed: list[Any], now: Optional[str] = None) -> int: ...
    def decide(
        self,
        customer: str,
        campaign: Optional[str] = None,
        channel: Optional[str] = None,
        purpose: str = "commercial",
        now: Optional[str] = None,
        time_zone: Optional[str] = None,
    ) -> EngagementDecision: ...
    def decide_rows(
        self,
        customers: list[str],
        campaigns: list[Optional[str]],
        channels: list[Optional[str]],
        purposes: list[Optional[str]],
        now: Optional[str] = None,
    ) -> tuple[list[bool], list[Optional[str]], list[list[str]]]: ...
    def profile(self, customer: str) -> Optional[dict[str, Any]]: ...
    def snapshot(self) -> bytes: ...
    def restore(self, data: bytes) -> None: ...
    def __len__(self) -> int: ...

# Arrow batch API (crmkit.arrow). Inputs implement the Arrow PyCapsule
# interface (__arrow_c_array__ / __arrow_c_stream__); results hand their
# batch over once through __arrow_c_array__.
@final
class _ArrowResult:
    def __arrow_c_array__(self, requested_schema: Any = None) -> tuple[Any, Any]: ...

def arrow_fold_emails(emails: Any) -> _ArrowResult: ...
def arrow_parse_emails(emails: Any) -> _ArrowResult: ...
def arrow_parse_phones(phones: Any, region: str = "TR") -> _ArrowResult: ...
def arrow_blocking_keys(records: Any, settings: Optional[str] = None, column_map: Optional[str] = None) -> _ArrowResult: ...
def arrow_block_pairs(keys: Any, settings: Optional[str] = None) -> _ArrowResult: ...
def arrow_term_counts(records: Any, settings: Optional[str] = None, column_map: Optional[str] = None) -> _ArrowResult: ...
def arrow_merge_counts(counts: Any) -> _ArrowResult: ...
def arrow_score_pairs(
    model_json: str,
    left: Any,
    right: Any,
    min_score: Optional[float] = None,
    counts: Any = None,
    settings: Optional[str] = None,
    column_map: Optional[str] = None,
) -> _ArrowResult: ...
def arrow_connected_components(src: Any, dst: Any) -> _ArrowResult: ...
def arrow_cluster_component(
    records: Any, edges: Any, settings: Optional[str] = None, column_map: Optional[str] = None
) -> _ArrowResult: ...
def arrow_golden_records(
    records: Any, cluster_id_column: str = "cluster_id", settings: Optional[str] = None, column_map: Optional[str] = None
) -> _ArrowResult: ...
def arrow_nps_partial(scores: Any, segments: Any = None, weights: Any = None) -> _ArrowResult: ...
def arrow_nps_merge(partials: Any) -> _ArrowResult: ...
def arrow_nps_finalize(partials: Any, confidence: float = 0.95, method: str = "wald") -> _ArrowResult: ...
def arrow_stable_hash(text: str) -> int: ...
def arrow_salt_for(id: str, n: int) -> int: ...
def arrow_chunk_of(id: str, n: int) -> int: ...
def arrow_salts(ids: Any, n: int) -> _ArrowResult: ...
def arrow_chunks(ids: Any, n: int) -> _ArrowResult: ...
def arrow_salting_plan(counts: Any, max_block_size: int) -> _ArrowResult: ...
