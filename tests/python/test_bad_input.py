"""Every bad call into the public API raises a crmkit.CrmkitError subclass
with a stable code and a message naming the argument; where Python's own
convention names another built-in exception, the error is that too."""

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

import crmkit
from crmkit import arrow, complaint, contact, identity, survey

UTC = dt.timezone.utc
AWARE = dt.datetime(2026, 11, 23, 9, tzinfo=UTC)
NAIVE = dt.datetime(2026, 11, 23, 9)
MISSING = "/nonexistent/crmkit/file"

RULES = """
version = "1"
fallback = { department = "care", assignee = "deniz" }
people = [{ id = "deniz" }]
[[departments]]
id = "care"
members = ["deniz"]
[[rules]]
id = "default"
department = "care"
"""
POLICY = "version = '1'\n[default]\nfirst_response_hours = 8"
POINT = {"channel": "email", "class": "free"}
OPEN = [{"id": "SK-3CFP-SV", "owner": "ayse", "received_at": "2026-11-23T06:00:00Z"}]
ORG = {"ayse": None}
HANDLED = [{"id": "1", "channel": "app", "received_at": "2026-11-02T09:00:00Z"}]
ROWS = [
    {"id": "1", "first_name": "Ali", "last_name": "Kaya", "email": "ali.kaya@gmail.com"},
    {"id": "2", "first_name": "Ayşe", "last_name": "Yılmaz", "email": "ayse@firma.com.tr"},
]
FRAME = pd.DataFrame({"channel": ["web", "app"], "score": [10, 3]})
TEXTS = ["kargom gelmedi", "kargo gecikti", "iade istiyorum", "param iade edilmedi"]
LABELS = ["delivery", "delivery", "refund", "refund"]


def rules():
    return complaint.RuleSet.from_str(RULES)


def calendar():
    return complaint.Calendar.turkey_2026_2027()


def policy():
    return complaint.SlaPolicy.from_str(POLICY)


# (id, call, expected class, code, text the message must contain)
CASES = [
    # survey
    ("nps-dict", lambda: survey.nps({"a": 9, "b": 10}), crmkit.InvalidTypeError, "invalid_argument", "`scores`"),
    ("nps-set", lambda: survey.nps({9, 10}), crmkit.InvalidTypeError, "invalid_argument", "`scores`"),
    ("nps-str", lambda: survey.nps("9 10"), crmkit.InvalidTypeError, "invalid_argument", "`scores`"),
    ("nps-none", lambda: survey.nps(None), crmkit.InvalidTypeError, "invalid_argument", "`scores`"),
    ("nps-weights-dict", lambda: survey.nps([9], weights={"a": 1}), crmkit.InvalidTypeError, "invalid_argument",
     "`weights`"),
    ("nps-confidence-type", lambda: survey.nps([9], confidence="high"), crmkit.InvalidTypeError,
     "invalid_argument", "confidence"),
    ("nps-confidence-range", lambda: survey.nps([9], confidence=1.5), crmkit.InputError, "invalid_argument",
     "confidence"),
    ("nps-method", lambda: survey.nps([9], method="bogus"), crmkit.InputError, "invalid_argument", "method"),
    ("nps-diff-b", lambda: survey.nps_diff([9], {"x": 1}), crmkit.InvalidTypeError, "invalid_argument", "`b`"),
    ("csat-scale-type", lambda: survey.csat([5], scale="5"), crmkit.InvalidTypeError, "invalid_argument",
     "`scale`"),
    ("ces-scale-overflow", lambda: survey.ces([5], scale=2**40), crmkit.ArgumentOverflowError,
     "invalid_argument", "`scale`"),
    ("recency-half-life-zero", lambda: survey.recency_weights([1, 2], 0), crmkit.InputError, "invalid_argument",
     "`half_life`"),
    ("recency-half-life-nan", lambda: survey.recency_weights([1], float("nan")), crmkit.InputError,
     "invalid_argument", "`half_life`"),
    ("recency-ages-dict", lambda: survey.recency_weights({"a": 1}, 30), crmkit.InvalidTypeError,
     "invalid_argument", "`ages`"),
    ("drivers-topics-str", lambda: survey.drivers([9], "delivery"), crmkit.InvalidTypeError, "invalid_argument",
     "`topics`"),
    ("drivers-topic-row", lambda: survey.drivers([9, 10], [["a"], 3]), crmkit.InvalidTypeError,
     "invalid_argument", "`topics[1]`"),
    ("happiness-answers-set", lambda: survey.happiness({1, 2}), crmkit.InvalidTypeError, "invalid_argument",
     "`answers`"),
    ("nps-by-frame", lambda: survey.nps_by([1, 2], "channel"), crmkit.InvalidTypeError, "invalid_argument",
     "`frame`"),
    ("nps-by-missing-column", lambda: survey.nps_by(FRAME, "segment"), crmkit.MissingKeyError,
     "invalid_argument", "`by`"),
    ("nps-by-missing-score", lambda: survey.nps_by(FRAME, "channel", score="nps"), crmkit.MissingKeyError,
     "invalid_argument", "`score`"),
    ("nps-by-by-type", lambda: survey.nps_by(FRAME, 5), crmkit.InvalidTypeError, "invalid_argument", "`by`"),
    ("csat-by-workers", lambda: survey.csat_by(FRAME, "channel", workers=-1), crmkit.ArgumentOverflowError,
     "invalid_argument", "`workers`"),
    ("accumulator-push-str", lambda: survey.NpsAccumulator().push("9"), crmkit.InvalidTypeError,
     "invalid_argument", "`score`"),
    ("accumulator-push-bool", lambda: survey.NpsAccumulator().push(True), crmkit.InvalidTypeError,
     "invalid_argument", "`score`"),
    ("accumulator-weight-none", lambda: survey.NpsAccumulator().push_weighted(9, None), crmkit.InvalidTypeError,
     "invalid_argument", "`weight`"),
    ("accumulator-merge", lambda: survey.NpsAccumulator().merge([9]), crmkit.InvalidTypeError,
     "invalid_argument", "`other`"),
    # contact
    ("score-naive-now", lambda: contact.score(POINT, now=NAIVE), crmkit.InputError, "invalid_argument",
     "`now`: naive"),
    ("score-now-type", lambda: contact.score(POINT, now=12345), crmkit.InvalidTypeError, "invalid_argument",
     "`now`"),
    ("score-point-type", lambda: contact.score([POINT], now=AWARE), crmkit.InvalidTypeError, "invalid_argument",
     "`point`"),
    ("score-naive-evidence", lambda: contact.score(
        {**POINT, "evidence": [{"at": NAIVE, "kind": "delivered"}]}, now=AWARE),
     crmkit.InputError, "invalid_argument", "`point.evidence[0].at`"),
    ("score-policy-type", lambda: contact.score(POINT, now=AWARE, policy="strict"), crmkit.InvalidTypeError,
     "invalid_argument", "`policy`"),
    ("summarize-point-type", lambda: contact.summarize([POINT, "x"], now=AWARE), crmkit.InvalidTypeError,
     "invalid_argument", "`points[1]`"),
    ("summarize-naive-now", lambda: contact.summarize([POINT], now=NAIVE), crmkit.InputError, "invalid_argument",
     "`now`: naive"),
    ("parse-email-text", lambda: contact.parse_email(123), crmkit.InvalidTypeError, "invalid_argument", "`text`"),
    ("parse-email-option", lambda: contact.parse_email("a@b.co", strict="yes"), crmkit.InvalidTypeError,
     "invalid_argument", "`strict`"),
    ("parse-emails-dict", lambda: contact.parse_emails({"a": 1}), crmkit.InvalidTypeError, "invalid_argument",
     "`texts`"),
    ("parse-phones-regions", lambda: contact.parse_phones(["0532"], regions=["TR"]), crmkit.InvalidTypeError,
     "invalid_argument", "`regions`"),
    ("classify-outcomes-str", lambda: contact.classify_outcomes("550"), crmkit.InvalidTypeError,
     "invalid_argument", "`texts`"),
    # complaint
    ("train-abstain", lambda: complaint.Classifier.train(TEXTS, LABELS, abstain_below=2), crmkit.InputError,
     "invalid_argument", "`abstain_below`"),
    ("train-none-text", lambda: complaint.Classifier.train(TEXTS[:3] + [None], LABELS), crmkit.InputError,
     "invalid_argument", "`texts[3]`"),
    ("train-none-label", lambda: complaint.Classifier.train(TEXTS, LABELS[:1] + [None] + LABELS[2:]),
     crmkit.InputError, "invalid_argument", "`labels[1]`"),
    ("train-unknown-option", lambda: complaint.Classifier.train(TEXTS, LABELS, bogus=1), crmkit.InvalidTypeError,
     "invalid_argument", "bogus"),
    ("train-epochs", lambda: complaint.Classifier.train(TEXTS, LABELS, epochs=0), crmkit.InputError,
     "invalid_argument", "`epochs`"),
    ("classifier-load-missing", lambda: complaint.Classifier.load(MISSING), crmkit.FileMissingError, "io",
     MISSING),
    ("calendar-file-missing", lambda: complaint.Calendar.from_file(MISSING), crmkit.FileMissingError, "io",
     MISSING),
    ("hours-between-reversed", lambda: calendar().business_hours_between(AWARE, "2026-10-30T10:00:00Z"),
     crmkit.InputError, "invalid_argument", "`end`"),
    ("hours-between-naive", lambda: calendar().business_hours_between(NAIVE, AWARE), crmkit.InputError,
     "invalid_argument", "`start`: naive"),
    ("add-hours-type", lambda: calendar().add_business_hours(AWARE, "8"), crmkit.InvalidTypeError,
     "invalid_argument", "`hours`"),
    ("add-hours-naive", lambda: calendar().add_business_hours(NAIVE, 8), crmkit.InputError, "invalid_argument",
     "`start`: naive"),
    ("escalations-no-now", lambda: complaint.escalations(OPEN, ORG, policy()), crmkit.InputError,
     "invalid_argument", "`now`"),
    ("escalations-naive-now", lambda: complaint.escalations(OPEN, ORG, policy(), now=NAIVE), crmkit.InputError,
     "invalid_argument", "`now`: naive"),
    ("escalations-policy", lambda: complaint.escalations(OPEN, ORG, {"version": "1"}, now=AWARE),
     crmkit.InvalidTypeError, "invalid_argument", "`policy`"),
    ("escalations-org", lambda: complaint.escalations(OPEN, ["ayse"], policy(), now=AWARE),
     crmkit.InvalidTypeError, "invalid_argument", "`org`"),
    ("escalations-calendar", lambda: complaint.escalations(OPEN, ORG, policy(), "TR", now=AWARE),
     crmkit.InvalidTypeError, "invalid_argument", "`calendar`"),
    ("due-times-open-row", lambda: complaint.due_times(["x"], policy()), crmkit.InvalidTypeError,
     "invalid_argument", "`open[0]`"),
    ("report-naive-row", lambda: complaint.report([{**HANDLED[0], "received_at": NAIVE}]), crmkit.InputError,
     "invalid_argument", "`complaints[0].received_at`: naive"),
    ("report-naive-now", lambda: complaint.report(HANDLED, now=NAIVE), crmkit.InputError, "invalid_argument",
     "`now`: naive"),
    ("report-by-type", lambda: complaint.report(HANDLED, by=3), crmkit.InvalidTypeError, "invalid_argument",
     "`by`"),
    ("tracking-number-negative", lambda: complaint.tracking_number(-1), crmkit.ArgumentOverflowError,
     "invalid_argument", "`sequence`"),
    ("tracking-number-type", lambda: complaint.tracking_number("12"), crmkit.InvalidTypeError,
     "invalid_argument", "`sequence`"),
    ("parse-tracking-number", lambda: complaint.parse_tracking_number("SK-3CF0-SV"), crmkit.InputError,
     "invalid_argument", "`text`"),
    ("category-rules-format", lambda: complaint.CategoryRules.from_str("version = '1'", format="yaml"),
     crmkit.InputError, "invalid_argument", "format"),
    ("sla-policy-file-missing", lambda: complaint.SlaPolicy.from_file(MISSING), crmkit.FileMissingError, "io",
     MISSING),
    # routing
    ("route-naive-now", lambda: rules().route({"channel": "app"}, now=NAIVE), crmkit.InputError,
     "invalid_argument", "`now`: naive"),
    ("route-naive-received", lambda: rules().route({"channel": "app", "received_at": NAIVE}), crmkit.InputError,
     "invalid_argument", "`received_at`: naive"),
    ("route-many-naive-column", lambda: rules().route_many(
        pd.DataFrame({"channel": ["app"], "received_at": [pd.Timestamp("2026-11-23 09:00")]})),
     crmkit.InputError, "invalid_argument", "received_at"),
    ("route-many-naive-row", lambda: rules().route_many({"channel": ["app"], "received_at": [NAIVE]}),
     crmkit.InputError, "invalid_argument", "`received_at[0]`: naive"),
    ("route-many-naive-text", lambda: rules().route_many([{"channel": "app", "received_at": "2026-11-23T09:00"}]),
     crmkit.InputError, "invalid_argument", "received_at"),
    ("route-complaint-type", lambda: rules().route("app"), crmkit.InvalidTypeError, "invalid_argument",
     "`complaint`"),
    ("route-state-type", lambda: rules().route({"channel": "app"}, state=[1]), crmkit.InvalidTypeError,
     "invalid_argument", "`state`"),
    ("route-many-type", lambda: rules().route_many(42), crmkit.InvalidTypeError, "invalid_argument",
     "`complaints`"),
    ("ruleset-file-missing", lambda: complaint.RuleSet.from_file(MISSING), crmkit.FileMissingError, "io",
     MISSING),
    # identity
    ("resolve-dict-value", lambda: identity.resolve([{"id": "1", "first_name": {"given": "Ali"}}]),
     crmkit.InvalidTypeError, "invalid_argument", "`first_name[0]`"),
    ("resolve-list-value-pandas", lambda: identity.resolve(pd.DataFrame({"id": ["1"], "email": [["a@b.co"]]})),
     crmkit.InvalidTypeError, "invalid_argument", "`email[0]`"),
    ("resolve-data", lambda: identity.resolve("rows"), crmkit.InvalidTypeError, "invalid_argument", "`data`"),
    ("resolve-threshold", lambda: identity.resolve(ROWS, threshold=2), crmkit.InputError, "invalid_argument",
     "`threshold`"),
    ("resolve-settings-json", lambda: identity.resolve(ROWS, settings="{bad"), crmkit.InputError,
     "invalid_argument", "`settings`"),
    ("resolve-settings-type", lambda: identity.resolve(ROWS, settings=[1]), crmkit.InvalidTypeError,
     "invalid_argument", "`settings`"),
    ("resolve-id-column", lambda: identity.resolve(ROWS, id_column=5), crmkit.InvalidTypeError,
     "invalid_argument", "`id_column`"),
    ("resolve-columns", lambda: identity.resolve(ROWS, columns={"given": 3}), crmkit.InvalidTypeError,
     "invalid_argument", "`columns['given']`"),
    ("resolve-labels", lambda: identity.resolve(ROWS, labels=[("1",)]), crmkit.InvalidTypeError,
     "invalid_argument", "`labels[0]`"),
    ("resolve-model", lambda: identity.resolve(ROWS, model="default"), crmkit.InvalidTypeError,
     "invalid_argument", "`model`"),
    ("resolve-progress", lambda: identity.resolve(ROWS, progress="yes"), crmkit.InvalidTypeError,
     "invalid_argument", "`progress`"),
    ("explain-b", lambda: identity.explain({"first_name": "Ali"}, "Ali"), crmkit.InvalidTypeError,
     "invalid_argument", "`b`"),
    ("index-match-record", lambda: identity.Index(ROWS).match("Ali"), crmkit.InvalidTypeError,
     "invalid_argument", "`record`"),
    ("golden-no-clusters", lambda: identity.golden_records(ROWS), crmkit.InputError, "invalid_argument",
     "`cluster_ids`"),
    ("carry-previous", lambda: identity.carry_entity_ids(["1"], ["1"], [("1", "1")]), crmkit.InvalidTypeError,
     "invalid_argument", "`previous`"),
    # arrow
    ("salt-for-zero", lambda: arrow.salt_for("R1", 0), crmkit.InputError, "invalid_argument", "`n`"),
    ("salt-for-negative", lambda: arrow.salt_for("R1", -1), crmkit.ArgumentOverflowError, "invalid_argument",
     "`n`"),
    ("salts-too-large", lambda: arrow.salts(pa.array(["R1"]), 2**40), crmkit.ArgumentOverflowError,
     "invalid_argument", "`n`"),
    ("salting-plan-type", lambda: arrow.salting_plan(pa.table({"count": [1]}), max_block_size="10"),
     crmkit.InvalidTypeError, "invalid_argument", "`max_block_size`"),
    ("arrow-parse-emails", lambda: arrow.parse_emails(42), crmkit.InvalidTypeError, "invalid_argument",
     "`emails`"),
    ("arrow-settings-type", lambda: arrow.blocking_keys(pa.table({"id": ["1"]}), settings=[1]),
     crmkit.InvalidTypeError, "invalid_argument", "`settings`"),
    ("arrow-model-type", lambda: arrow.score_pairs(5, pa.table({"id": ["1"]}), pa.table({"id": ["2"]})),
     crmkit.InvalidTypeError, "invalid_argument", "`model`"),
]


def test_the_table_is_large():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("call,cls,code,named", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_call(call, cls, code, named):
    with pytest.raises(crmkit.CrmkitError) as info:
        call()
    err = info.value
    assert isinstance(err, cls), f"{type(err).__name__}: {err}"
    assert isinstance(err, ValueError)
    assert err.code == code, f"{err.code}: {err}"
    assert err.code_value == crmkit.ERROR_CODES[code]
    assert named in str(err), str(err)


def test_builtin_types_still_catch():
    with pytest.raises(TypeError):
        survey.nps({"a": 9})
    with pytest.raises(KeyError):
        survey.nps_by(FRAME, "segment")
    with pytest.raises(OverflowError):
        arrow.salt_for("R1", -1)
    with pytest.raises(FileNotFoundError) as info:
        complaint.Calendar.from_file(MISSING)
    assert info.value.filename == MISSING
    # a missing column reads as its message, not quoted as KeyError would print it
    with pytest.raises(KeyError) as info:
        survey.nps_by(FRAME, "segment")
    assert str(info.value).startswith("invalid argument")


def test_accumulator_still_takes_numbers_and_merges_itself():
    acc = survey.NpsAccumulator()
    for v in (10, 9.0, None, float("nan"), 3):
        acc.push(v)
    acc.push_weighted(10, 2)
    acc.merge(acc)
    assert (acc.n, acc.missing) == (8, 4)


def test_errors_keep_their_cause():
    with pytest.raises(crmkit.InvalidTypeError) as info:
        survey.nps([9], confidence="high")
    assert isinstance(info.value.__cause__, TypeError)
    assert not isinstance(info.value.__cause__, crmkit.CrmkitError)


def test_naive_datetimes_are_refused_everywhere_aware_ones_agree():
    cal = calendar()
    istanbul = dt.timezone(dt.timedelta(hours=3))
    assert cal.business_hours_between(AWARE, AWARE + dt.timedelta(hours=2)) == cal.business_hours_between(
        AWARE.astimezone(istanbul), "2026-11-23T11:00:00Z")
    routed = rules().route({"channel": "app", "received_at": AWARE.astimezone(istanbul)})
    assert routed.due is None or routed.due.tzinfo is not None
    assert contact.score(POINT, now=AWARE)["band"] == contact.score(POINT, now=AWARE.astimezone(istanbul))["band"]
