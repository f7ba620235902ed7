"""Columnar batch parsing of emails and phones (`columns=True`)."""

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import crmkit
from crmkit import contact

EMAILS = [
    "Ayse.Yilmaz+kampanya@GoogleMail.com",
    "mehmet@gmaıl.com",
    "ali@@example.com",
    None,
    "destek@firma.com.tr",
    "ogrenci@metu.edu.tr",
    "şükrü@örnek.com.tr",
    "",
]

PHONES = ["0532 123 45 67", "(202) 555-0173", "0212 123 45 67 dahili 12", "0532 123 45 6O", "yok", None, "+44 20 7183 8750"]
REGIONS = ["TR", "US", "TR", "TR", None, "TR", ""]

EMAIL_FIELDS = ["valid", "normalized", "ascii_email", "dedup_key", "kind", "suggestion", "error"]
PHONE_FIELDS = ["valid", "e164", "type", "region", "extension", "suggestion", "error"]


def test_email_columns_match_the_objects():
    cols = contact.parse_emails(EMAILS, columns=True)
    assert list(cols) == EMAIL_FIELDS
    objects = contact.parse_emails(EMAILS)
    for field in EMAIL_FIELDS:
        assert len(cols[field]) == len(EMAILS)
        assert cols[field] == [getattr(o, field) for o in objects], field
    assert cols["dedup_key"][0] == "ayseyilmaz@gmail.com"
    assert cols["suggestion"][1] == "mehmet@gmail.com"
    assert cols["error"][2] == "invalid_local_character"
    assert cols["error"][3] == "empty" and cols["error"][7] == "empty"
    assert cols["kind"][4:6] == ["role", "education"]
    assert cols["ascii_email"][6] is None  # an internationalized local part has no ASCII form


def test_phone_columns_match_the_objects():
    cols = contact.parse_phones(PHONES, columns=True, regions=REGIONS, formats=True)
    assert list(cols) == PHONE_FIELDS + ["national_format", "international_format"]
    for i, (text, region) in enumerate(zip(PHONES, REGIONS)):
        one = contact.parse_phone(text or "", region or "TR")
        for field in PHONE_FIELDS + ["national_format", "international_format"]:
            assert cols[field][i] == getattr(one, field), (text, field)
    assert cols["e164"][:2] == ["+905321234567", "+12025550173"]
    assert cols["extension"][2] == "12"
    assert cols["suggestion"][3] == "+905321234560"
    assert cols["error"][4] == "no_digits"
    assert cols["error"][5] == "empty"
    # without formats the columns are the same minus the two format columns
    lean = contact.parse_phones(PHONES, columns=True, regions=REGIONS)
    assert list(lean) == PHONE_FIELDS
    assert all(lean[f] == cols[f] for f in PHONE_FIELDS)


def test_phone_messages_name_the_problem():
    p = contact.parse_phone("0532 12")
    assert p.error == "too_short"
    assert "shorter" in p.message
    assert contact.parse_phone("0532 123 45 67").message is None


def test_same_kind_out_for_frames_and_arrays():
    series = pd.Series(EMAILS, index=list("abcdefgh"))
    df = contact.parse_emails(series, columns=True)
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == list("abcdefgh")
    assert df.loc["a", "dedup_key"] == "ayseyilmaz@gmail.com"

    pdf = contact.parse_emails(pl.Series(EMAILS), columns=True)
    assert isinstance(pdf, pl.DataFrame) and pdf.height == len(EMAILS)
    assert pdf["error"].to_list()[2] == "invalid_local_character"

    table = contact.parse_phones(pa.array(PHONES), columns=True)
    assert isinstance(table, pa.Table) and table.num_rows == len(PHONES)
    assert table.column("e164").to_pylist()[0] == "+905321234567"

    arr = np.array(["ali@firma.com.tr", "x"], dtype=object)
    cols = contact.parse_emails(arr, columns=True, workers=2)
    assert cols["valid"] == [True, False]


def test_large_batches_agree_across_workers():
    emails = [f"kisi{i}@firma{i % 5000}.com.tr" if i % 7 else f"kisi{i}@@x.com" for i in range(20_000)]
    one = contact.parse_emails(emails, columns=True, workers=1)
    two = contact.parse_emails(emails, columns=True, workers=2)
    assert one == two
    assert sum(one["valid"]) == sum(1 for i in range(20_000) if i % 7)
    phones = [f"0532 {i % 1000:03d} {i % 100:02d} {i % 97:02d}" for i in range(20_000)]
    assert contact.parse_phones(phones, columns=True, workers=1) == contact.parse_phones(
        phones, columns=True, workers=2
    )


def test_phone_workers_keep_their_own_patterns_and_agree():
    # each worker thread parses with patterns of its own; every form, every
    # call (the worker threads live on between calls) equals one worker
    styles = [
        "0532 {a} {b} {c}",
        "+1 ({a}) 5{b}-{c}{c}",
        "+44 20 {a}{b} {c}{c}",
        "0212 {a} {b} {c} dahili {b}",
        "00{a}{b}{c}",
        "444 {b}{c}",
        "0850 {a} {b} {c}",
        "Tel: 0O32 {a} {b} {c}",
    ]
    phones = [
        styles[i % len(styles)].format(a=f"{i % 1000:03d}", b=f"{i % 100:02d}", c=f"{i % 97:02d}")
        for i in range(12_000)
    ]
    regions = ["TR", "US", "GB"] * 4_000
    one = contact.parse_phones(phones, columns=True, regions=regions, workers=1, formats=True)
    for _ in range(2):
        assert contact.parse_phones(phones, columns=True, regions=regions, workers=3, formats=True) == one
    serial = [(p.valid, p.e164, p.type, p.region, p.extension, p.suggestion, p.error) for p in contact.parse_phones(phones, workers=1)]
    parallel = [(p.valid, p.e164, p.type, p.region, p.extension, p.suggestion, p.error) for p in contact.parse_phones(phones, workers=3)]
    assert parallel == serial
    assert {"mobile", "fixed_line", "uan", "voip"} <= set(one["type"])
    assert "letter_in_number" in one["error"]


def test_bad_regions_name_the_row():
    with pytest.raises(crmkit.CrmkitError) as e:
        contact.parse_phones(["0532 123 45 67", "1"], columns=True, regions=["TR", "XX"])
    assert "row 1" in str(e.value)
    with pytest.raises(crmkit.CrmkitError) as e:
        contact.parse_phones(["0532 123 45 67"], columns=True, regions=["TR", "US"])
    assert "regions" in str(e.value)
    with pytest.raises(TypeError):
        contact.parse_phones(["0532 123 45 67"], regions=["TR"])


def test_many_regions_in_one_batch():
    # more distinct regions than the short interned list holds: each row
    # keeps its own region, in any order
    numbers = {
        "TR": "0532 123 45 67", "US": "(202) 555-0173", "GB": "020 7183 8750", "DE": "030 123456",
        "FR": "01 23 45 67 89", "IT": "06 1234 5678", "ES": "912 345 678", "NL": "020 123 4567",
        "BE": "02 123 45 67", "AT": "01 234567", "CH": "044 668 18 00", "SE": "08-123 456 78",
        "NO": "22 12 34 56", "DK": "32 12 34 56", "PL": "12 345 67 89", "GR": "21 0123 4567",
        "PT": "21 234 5678", "IE": "01 234 5678", "AZ": "012 312 34 56", "JP": "03-1234-5678",
    }
    regions = list(numbers) * 3
    regions = regions[::-1] + regions
    texts = [numbers[r] for r in regions]
    cols = contact.parse_phones(texts, columns=True, regions=regions)
    for i, (text, region) in enumerate(zip(texts, regions)):
        one = contact.parse_phone(text, region)
        assert (cols["e164"][i], cols["region"][i], cols["type"][i]) == (one.e164, one.region, one.type), text


def test_batch_texts_that_are_not_utf8_name_the_item():
    lone = "ali\ud800@firma.com"
    for call in (
        lambda: contact.parse_emails(["ali@firma.com", lone], columns=True),
        lambda: contact.parse_emails(["ali@firma.com", lone]),
        lambda: contact.parse_phones(["0532 123 45 67", "0532\ud800"], columns=True),
    ):
        with pytest.raises(crmkit.CrmkitError) as e:
            call()
        assert "texts[1]" in str(e.value)


def test_columns_share_strings_only_when_equal():
    texts = ["ali@firma.com.tr", "Ali@Firma.com.tr", "a.li+x@gmail.com"]
    cols = contact.parse_emails(texts, columns=True)
    assert cols["normalized"] == ["ali@firma.com.tr", "Ali@firma.com.tr", "a.li+x@gmail.com"]
    assert cols["dedup_key"] == ["ali@firma.com.tr", "ali@firma.com.tr", "ali@gmail.com"]
    assert cols["ascii_email"] == cols["normalized"]
