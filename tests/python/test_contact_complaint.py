import datetime as dt
import doctest

import pytest

import crmkit
from crmkit import complaint, contact


def test_classify_outcome_is_a_string_with_a_reason():
    o = contact.classify_outcome("550 5.1.1 <a@example.com>: Recipient address rejected: User unknown")
    assert o == "permanent" and o.reason == "user_unknown"
    assert (o.enhanced_code, o.smtp_code) == ("5.1.1", 550)
    assert contact.classify_outcome(552) == "transient"
    assert contact.classify_outcome("5.7.1 spam").reason == "policy"
    assert contact.classify_outcome("delivered") == "success"
    sms = contact.classify_outcome("stat:UNDELIV err:013", channel="sms")
    assert (sms, sms.reason, sms.gsm_error, sms.long_term) == ("transient", "barred", 13, True)
    with pytest.raises(crmkit.ContactError) as info:
        contact.classify_outcome("x", channel="fax")
    assert info.value.code == "contact_unknown_channel"
    batch = contact.classify_outcomes(["5.1.1", None, "4.2.2"])
    assert [str(b) for b in batch] == ["permanent", "unknown", "transient"]


def test_score_explains_itself():
    now = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)
    fresh = contact.score(
        {"channel": "email", "class": "free", "evidence": [{"at": now - dt.timedelta(days=3), "kind": "engaged"}]},
        now=now,
    )
    assert fresh["action"] == "keep" and fresh["band"] == "high"
    bounced = contact.score(
        {"channel": "email", "class": "free", "evidence": [{"at": "2026-11-20T00:00:00Z", "kind": "permanent", "source": "esp"}]},
        now=now,
    )
    assert bounced["action"] == "suppress"
    assert bounced["probability"] < fresh["probability"]
    assert bounced["reasons"][0] == {
        "code": "permanent_failure",
        "weight": pytest.approx(-4.60517, abs=1e-4),
        "evidence_at": "2026-11-20T00:00:00Z",
        "source": "esp",
    }
    policy = contact.default_policy()
    policy["classes"]["free"]["prior"] = 0.5
    lower = contact.score({"channel": "email", "class": "free"}, now=now, policy=policy)
    assert lower["probability"] < contact.score({"channel": "email", "class": "free"}, now=now)["probability"]
    with pytest.raises(crmkit.InputError):
        contact.score({"channel": "email", "class": "nonsense"}, now=now)
    with pytest.raises(ValueError):
        contact.score({"channel": "email", "class": "free"}, now=dt.datetime(2026, 1, 1))


def test_summarize_picks_the_best_point_per_channel():
    now = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)
    points = [
        {"channel": "email", "class": "corporate", "evidence": [
            {"at": "2026-10-01T00:00:00Z", "kind": "delivered"},
            {"at": "2026-11-01T00:00:00Z", "kind": "permanent"}]},
        {"channel": "sms", "class": "mobile", "evidence": [{"at": now - dt.timedelta(days=2), "kind": "inbound"}]},
        {"channel": "email", "class": "free"},
    ]
    s = contact.summarize(points, now=now)
    assert (s["best_email"], s["best_phone"]) == (2, 1)
    assert s["last_contact_at"] == "2026-11-20T00:00:00Z" and s["last_contact_channel"] == "sms"
    # the scores are score() of each point, in order
    assert s["scores"] == [contact.score(p, now=now) for p in points]
    # only a suppressed email: no best email
    s = contact.summarize(points[:1], now=now)
    assert s["best_email"] is None and s["best_phone"] is None
    assert s["last_contact_channel"] == "email"
    assert contact.summarize([], now=now)["scores"] == []
    with pytest.raises(crmkit.InputError, match=r"points\[1\]"):
        contact.summarize([points[0], {"channel": "email"}], now=now)


def test_tracking_numbers():
    t = complaint.tracking_number(1234567, prefix="SK")
    assert complaint.validate_tracking_number(t)
    assert complaint.validate_tracking_number(t.lower().replace("-", " "))
    assert complaint.parse_tracking_number(t)["sequence"] == 1234567
    # every single substitution is caught
    chars = t.replace("-", "")
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    for i in range(len(chars)):
        for c in alphabet:
            if c != chars[i]:
                assert not complaint.validate_tracking_number(chars[:i] + c + chars[i + 1 :], prefix="SK")
    assert "did you mean" in complaint.tracking_number_error("SK-3CF0-SV")
    assert complaint.tracking_number_error(t) is None
    with pytest.raises(crmkit.InputError):
        complaint.tracking_number(1, prefix="OIL")
    with pytest.raises(ValueError):
        complaint.parse_tracking_number("nope")


def test_docstring_examples():
    for module in (contact, complaint):
        failures, _ = doctest.testmod(module, verbose=False)
        assert failures == 0, module.__name__


def test_parse_email_acceptance_names():
    e = contact.parse_email("Zeynep.Kaya+fatura@gmail.com")
    assert e.valid and e.error is None
    assert e.normalized == "Zeynep.Kaya+fatura@gmail.com"
    assert e.ascii_email == "Zeynep.Kaya+fatura@gmail.com"
    assert e.dedup_key == "zeynepkaya@gmail.com"
    assert e.kind == "free"
    assert e.suggestion is None
    assert contact.parse_email("destek@firma.com.tr").kind == "role"
    assert contact.parse_email("x@mailinator.com").kind == "disposable"
    assert contact.parse_email("ogr@metu.edu.tr").kind == "education"
    assert contact.parse_email("a@ankara.bel.tr").kind == "government"
    assert contact.parse_email("a@firma.com.tr").kind == "corporate"
    typo = contact.parse_email("ayse@gmaıl.com")
    assert typo.suggestion == "ayse@gmail.com"
    bad = contact.parse_email("ayse.yilmaz")
    assert (bad.valid, bad.error, bool(bad)) == (False, "missing_at", False)
    quoted = contact.parse_email('"ali veli"@x.com', allow_quoted_local=True)
    assert quoted.valid
    assert contact.parse_email('"ali veli"@x.com').error == "quoted_local_not_allowed"


def test_parse_emails_batches():
    pd = pytest.importorskip("pandas")
    s = pd.Series(["a@gmail.com", None, "b@@x.com", float("nan")])
    out = contact.parse_emails(s)
    assert [e.valid for e in out] == [True, False, False, False]
    assert out[1].error == "empty"
    assert [e.valid for e in contact.parse_emails(["a@b.com", "c@d.com"])] == [True, True]


def test_parse_phone_acceptance_names():
    p = contact.parse_phone("Cep: +90 (532) 123-4567", region="TR")
    assert (p.valid, p.e164, p.type, p.region, p.sms_capable) == (True, "+905321234567", "mobile", "TR", True)
    assert p.error is None and p.suggestion is None and p.extension is None
    assert contact.parse_phone("0850 123 45 67").type == "voip"
    assert contact.parse_phone("444 1 444").type == "uan"
    assert contact.parse_phone("+1 202 555 0173", region="US").region == "US"
    o = contact.parse_phone("0532 123 45 6O")
    assert (o.valid, o.error, o.suggestion) == (False, "letter_in_number", "+905321234560")
    with pytest.raises(crmkit.ContactError) as info:
        contact.parse_phone("0532 123 45 67", region="XX")
    assert info.value.code == "contact_invalid_region"
    batch = contact.parse_phones(["0532 123 45 67", None, "12"], region="TR")
    assert [b.valid for b in batch] == [True, False, False]
    assert batch[1].error == "empty"


def test_classifier_train_predict_save_load(tmp_path):
    import pickle

    texts = ["kargom gelmedi", "kargo gecikti", "siparis gelmedi", "iade istiyorum", "param iade edilmedi", "iade yapilmadi"]
    labels = ["delivery", "delivery", "delivery", "refund", "refund", "refund"]
    m = complaint.Classifier.train(texts, labels)
    assert m.labels == ["delivery", "refund"]
    assert m.predict(["KARGOM HALA GELMEDİ", "iadem yatmadi"]) == ["delivery", "refund"]
    proba = m.predict_proba(["kargo"])[0]
    assert set(proba) == {"delivery", "refund"} and abs(sum(proba.values()) - 1) < 1e-9
    explained = m.explain("param iade edilmedi")
    assert explained["label"] == "refund" and explained["features"]
    path = tmp_path / "model.bin"
    m.save(str(path))
    back = complaint.Classifier.load(str(path))
    assert back.predict(texts) == m.predict(texts)
    assert pickle.loads(pickle.dumps(m)).predict(["kargo gecikti"]) == ["delivery"]
    strict = complaint.Classifier.train(texts, labels, abstain_below=0.99)
    assert strict.predict(["merhaba dunya"]) == [None]
    path.write_bytes(b"garbage")
    with pytest.raises(crmkit.ComplaintError) as info:
        complaint.Classifier.load(str(path))
    assert info.value.code == "complaint_invalid_model"
    with pytest.raises(crmkit.ComplaintError):
        complaint.Classifier.train(["a"], ["x"])


def test_classifier_abstains_out_of_domain(tmp_path):
    texts = ["my card was declined at the shop", "the card payment was declined again",
             "i want to top up my account", "how do i top up with a bank transfer",
             "the atm gave me the wrong amount of cash", "wrong amount of cash received from the atm"]
    labels = ["declined", "declined", "top_up", "top_up", "cash", "cash"]
    m = complaint.Classifier.train(texts, labels, abstain_below=0.5, min_known=0.5)
    assert m.predict(["my card was declined", "Kargom 10 gündür gelmedi"]) == ["declined", None]
    path = tmp_path / "model.bin"
    m.save(str(path))
    assert complaint.Classifier.load(str(path)).predict(["Kargom 10 gündür gelmedi"]) == [None]
    with pytest.raises(crmkit.ComplaintError):
        complaint.Classifier.train(texts, labels, min_known=1.5)


def test_category_rules():
    rules = complaint.CategoryRules.from_str(
        'version = "1"\n[[categories]]\nid = "late"\nany = ["gecik"]\n[[categories]]\nid = "refund"\nany = ["iade"]\npriority = 3\n'
    )
    r = rules.categorize("Kargom GECİKTİ, iadesini istiyorum; BTK'ya yazacağım")
    assert [c["id"] for c in r["categories"]] == ["refund", "late"]
    assert [f["id"] for f in r["flags"]] == ["regulator"]
    text = "Kargom GECİKTİ"
    span = rules.categorize(text)["categories"][0]["spans"][0]
    assert text.encode()[span["start"]:span["end"]].decode() == "GECİKTİ"
    assert len(rules.categorize_many(["a", "iade"])) == 2
    with pytest.raises(crmkit.ComplaintError) as info:
        complaint.CategoryRules.from_str('version = "1"\n[[categories]]\nid = "x"\nany = []\n')
    assert info.value.code == "complaint_invalid_rule_set"
    with pytest.raises(crmkit.InputError):
        complaint.CategoryRules.from_str("", format="yaml")


def test_classifier_turkish_stems_class_weights_and_cv(tmp_path):
    texts = ["kargom gelmedi", "kargolarım hâlâ gelmedi", "siparişim teslim edilmedi",
             "teslimat gecikti", "kargoyu bekliyorum", "kargom nerede", "iade istiyorum",
             "param iade edilmedi", "iademi yapmadınız"]
    labels = ["delivery"] * 6 + ["refund"] * 3
    m = complaint.Classifier.train(texts, labels, stem="turkish", class_weight="balanced",
                                   cv_folds=3, c_grid=[0.1, 1.0])
    assert m.predict(["KARGOLARIMI BEKLİYORUM", "iadelerimi istiyorum"]) == ["delivery", "refund"]
    assert any(f.startswith("~") for f, _ in m.explain("kargolarımı bekliyorum")["features"])
    r = m.report
    assert r["stem"] == "turkish" and [c for c, _ in r["cv_scores"]] == [0.1, 1.0]
    assert r["c"] in (0.1, 1.0) and all(0.0 <= acc <= 1.0 for _, acc in r["cv_scores"])
    path = tmp_path / "model.bin"
    m.save(str(path))
    back = complaint.Classifier.load(str(path))
    assert back.report == r
    assert back.predict_proba(["kargo"]) == m.predict_proba(["kargo"])
    # explicit weights with the labels' own keys; weights of 1 are no weighting
    ones = complaint.Classifier.train(texts, labels, class_weight={"delivery": 1.0, "refund": 1.0})
    plain = complaint.Classifier.train(texts, labels)
    assert ones.predict_proba(texts) == plain.predict_proba(texts)
    assert plain.report["c"] == 1.0 and plain.report["cv_scores"] == []
    heavy = complaint.Classifier.train(texts, labels, class_weight={"refund": 5.0})
    p = lambda m: m.predict_proba(["kargo iade"])[0]["refund"]
    assert p(heavy) > p(plain)
    numeric = complaint.Classifier.train(texts, [1] * 6 + [2] * 3, class_weight={2: 3.0})
    assert numeric.labels == ["1", "2"]
    for bad in [dict(stem="klingon"), dict(class_weight="heavy"), dict(class_weight={"x": 2.0}),
                dict(class_weight={"refund": -1.0}), dict(cv_folds=1), dict(cv_folds=2, c_grid=[])]:
        with pytest.raises(crmkit.CrmkitError):
            complaint.Classifier.train(texts, labels, **bad)
