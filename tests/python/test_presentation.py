"""Every public class prints as short, Python-looking text: no
``<... object at 0x...>``, no Rust ``Some(...)``, floats as Python writes them."""

import pathlib
import re

from crmkit import complaint, contact, identity, survey

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROUTING = ROOT / "crates" / "crmkit" / "examples" / "routing" / "tr-ecommerce.toml"
CATEGORIES = ROOT / "crates" / "crmkit" / "examples" / "rules" / "categories-tr-ecommerce.toml"


def looks_like_python(text: str) -> None:
    assert " object at 0x" not in text, text
    assert "Some(" not in text, text
    assert not re.search(r"\de\d", text), text  # Rust's 1e-5 is Python's 1e-05


def test_phone_and_email_results_quote_as_python():
    p = contact.parse_phone("0212 123 45 67 dahili 12", region="TR")
    assert repr(p) == "PhoneResult(valid=True, e164='+902121234567', type='fixed_line', extension='12', error=None)"
    bad = contact.parse_phone("abc", region="TR")
    looks_like_python(repr(bad))
    assert repr(bad) == "PhoneResult(valid=False, e164=None, type='unknown', extension=None, error='no_digits')"
    e = contact.parse_email("Ayse.Yilmaz@GoogleMail.com")
    assert repr(e).startswith("EmailResult(valid=True, normalized='Ayse.Yilmaz@googlemail.com'")
    assert "suggestion=None" in repr(e)
    looks_like_python(repr(contact.parse_email("x@@y")))


def test_survey_results_write_floats_as_python():
    d = survey.nps_diff([10] * 400 + [0] * 10, [0] * 400 + [10] * 10)
    text = repr(d)
    looks_like_python(text)
    p_value = re.search(r"p_value=([^,)]+)", text).group(1)
    assert p_value == repr(d.p_value)
    impacts = survey.drivers([10, 9, 2, 3, 10, 1] * 20, [["a"], ["a"], ["b"], ["b"], [], ["b"]] * 20)
    for t in impacts:
        looks_like_python(repr(t))
        assert f"p_value={t.p_value!r}" in repr(t)


def test_wrapper_classes_say_what_they_hold():
    rules = complaint.RuleSet.from_file(str(ROUTING))
    assert re.fullmatch(r"RuleSet\(version='[^']+', rules=\d+\)", repr(rules)), repr(rules)
    cats = complaint.CategoryRules.from_file(str(CATEGORIES))
    assert re.fullmatch(r"CategoryRules\(version='[^']+', categories=\d+\)", repr(cats)), repr(cats)
    model = complaint.Classifier.train(["kargo gelmedi", "kargo gecikti", "iade yok", "iade istiyorum"],
                                       ["delivery", "delivery", "refund", "refund"])
    assert repr(model) == "Classifier(labels=['delivery', 'refund'])"
    records = [{"id": "1", "first_name": "Ayşe", "last_name": "Yılmaz", "phone": "05324123310"},
               {"id": "2", "first_name": "AYSE", "last_name": "YILMAZ", "phone": "0532 412 33 10"},
               {"id": "3", "first_name": "Mehmet", "last_name": "Kaya", "phone": "05051112233"}]
    res = identity.resolve_detailed(records)
    assert repr(res) == f"Resolution(records=3, clusters={len(set(res.cluster_ids))})"
    assert repr(identity.Index(records)) == "Index(records=3)"
    assert repr(complaint.Calendar.turkey_2026_2027()).startswith("Calendar('")


def test_column_results_keep_their_types_across_batches():
    import polars as pl
    import pyarrow as pa

    from crmkit import contact

    # the first batch has suggestions and errors, the second none at all
    a = contact.parse_emails(pa.array(["ali@gmial.com", "x@@y"]), columns=True)
    b = contact.parse_emails(pa.array(["ayse@firma.com.tr"]), columns=True)
    assert a.schema == b.schema
    assert b.schema.field("suggestion").type == pa.string()
    assert pa.concat_tables([a, b]).num_rows == 3
    p1 = contact.parse_phones(pl.Series(["0532 123 45 67 dahili 12"]), columns=True)
    p2 = contact.parse_phones(pl.Series(["0212 444 55 66"]), columns=True)
    assert p1.schema == p2.schema
    assert pl.concat([p1, p2]).height == 2
