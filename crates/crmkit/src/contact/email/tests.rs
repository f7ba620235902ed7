use super::*;
use proptest::prelude::*;

#[test]
fn valid_addresses_and_their_forms() {
    let e = parse("Ayşe.Yılmaz@Örnek.com.TR");
    assert!(e.valid, "{e:?}");
    assert!(e.smtputf8);
    assert_eq!(e.ascii_local_part, None);
    assert_eq!(e.domain.as_deref(), Some("örnek.com.tr"));
    assert_eq!(e.ascii_domain.as_deref(), Some("xn--rnek-4qa.com.tr"));
    let plain = parse("ali.veli@firma.com.tr");
    assert_eq!(plain.ascii_email.as_deref(), Some("ali.veli@firma.com.tr"));
    assert_eq!(plain.kind, Some(EmailKind::Corporate));
}

#[test]
fn a_domain_that_maps_to_nothing_is_empty() {
    // U+FFA0 (a halfwidth Hangul filler) vanishes under UTS-46 mapping: nothing is left
    // to deliver to, under any options
    let lax = EmailOptions {
        globally_deliverable: false,
        ..EmailOptions::default()
    };
    for text in ["ali@\u{FFA0}", "ali@\u{FFA0}\u{FFA0}"] {
        for options in [&EmailOptions::default(), &lax] {
            let e = parse_with(text, options, EmailLists::builtin());
            assert_eq!(e.error, Some(EmailIssue::EmptyDomain), "{text:?}");
        }
    }
}

#[test]
fn kinds() {
    let kind = |s: &str| parse(s).kind;
    assert_eq!(kind("destek@firma.com.tr"), Some(EmailKind::Role));
    assert_eq!(
        kind("Müşteri.Hizmetleri@firma.com.tr"),
        Some(EmailKind::Role)
    );
    assert_eq!(kind("ogrenci@metu.edu.tr"), Some(EmailKind::Education));
    assert_eq!(kind("veli@okul.k12.tr"), Some(EmailKind::Education));
    assert_eq!(kind("vatandas@ankara.bel.tr"), Some(EmailKind::Government));
    assert_eq!(kind("x@mailinator.com"), Some(EmailKind::Disposable));
    assert_eq!(kind("x@superonline.com"), Some(EmailKind::Free));
    assert_eq!(kind("info@gmail.com"), Some(EmailKind::Role));
}

#[test]
fn errors_have_stable_codes() {
    let code = |s: &str| parse(s).error.map(EmailIssue::as_str);
    assert_eq!(code(""), Some("empty"));
    assert_eq!(code("ali.veli"), Some("missing_at"));
    assert_eq!(code("ali＠veli.com"), Some("full_width_at"));
    assert_eq!(code("@x.com"), Some("empty_local_part"));
    assert_eq!(code("ali@"), Some("empty_domain"));
    assert_eq!(code(".ali@x.com"), Some("leading_dot"));
    assert_eq!(code("ali.@x.com"), Some("trailing_dot"));
    assert_eq!(code("a..li@x.com"), Some("consecutive_dots"));
    assert_eq!(code("\"ali veli\"@x.com"), Some("quoted_local_not_allowed"));
    assert_eq!(code("ali@[192.0.2.1]"), Some("domain_literal_not_allowed"));
    assert_eq!(code("ali@localhost"), Some("dotless_domain"));
    assert_eq!(code("ali@printer.local"), Some("special_use_domain"));
    assert_eq!(code("ali@x.123"), Some("invalid_tld"));
    assert_eq!(code("ali@-x.com"), Some("hyphen_at_label_edge"));
    assert_eq!(
        code("Ali Veli <ali@x.com>"),
        Some("display_name_not_allowed")
    );
    for issue in EmailIssue::ALL {
        assert_eq!(
            serde_json::to_string(issue).unwrap(),
            format!("\"{}\"", issue.as_str())
        );
    }
}

#[test]
fn options_open_the_doors() {
    let o = EmailOptions {
        allow_quoted_local: true,
        allow_domain_literal: true,
        allow_display_name: true,
        ..EmailOptions::default()
    };
    let lists = EmailLists::builtin();
    let q = parse_with("\"ali veli\"@x.com", &o, lists);
    assert_eq!(q.normalized.as_deref(), Some("\"ali veli\"@x.com"));
    let unneeded = parse_with("\"ali.veli\"@x.com", &o, lists);
    assert_eq!(unneeded.local_part.as_deref(), Some("ali.veli"));
    let lit = parse_with("ali@[192.0.2.1]", &o, lists);
    assert_eq!(lit.domain.as_deref(), Some("[192.0.2.1]"));
    let named = parse_with("Ali Veli <ali@x.com>", &o, lists);
    assert_eq!(
        (named.display_name.as_deref(), named.normalized.as_deref()),
        (Some("Ali Veli"), Some("ali@x.com"))
    );
    let strict = EmailOptions {
        strict: true,
        ..EmailOptions::default()
    };
    let long = format!("{}@x.com", "a".repeat(65));
    assert!(parse(&long).valid);
    assert_eq!(
        parse_with(&long, &strict, lists).error,
        Some(EmailIssue::LocalPartTooLong)
    );
    let no_utf8 = EmailOptions {
        allow_smtputf8: false,
        ..EmailOptions::default()
    };
    assert_eq!(
        parse_with("ayşe@x.com", &no_utf8, lists).error,
        Some(EmailIssue::Smtputf8NotAllowed)
    );
}

#[test]
fn length_limits_in_octets() {
    let domain = format!(
        "{}.com",
        ["a".repeat(63), "b".repeat(63), "c".repeat(63)].join(".")
    );
    assert!(parse(&format!("x@{domain}")).valid);
    let too_long = format!("{}@{domain}", "x".repeat(60));
    assert_eq!(parse(&too_long).error, Some(EmailIssue::TooLong));
    assert_eq!(
        parse(&format!("x@{}.com", "a".repeat(64))).error,
        Some(EmailIssue::LabelTooLong)
    );
}

#[test]
fn an_a_label_must_decode_to_a_valid_u_label() {
    // "xn--3nn--3nm" decodes to "3nn-" and U+0C5C, a letter of a Unicode
    // version newer than the character checks know: the decoded form
    // would be rejected, so the A-label is not valid IDNA
    let e = parse("ali@xn--3nn--3nm.com.tr");
    assert!(!e.valid, "{e:?}");
    assert_eq!(e.error, Some(EmailIssue::InvalidIdna));
    assert_eq!(
        parse("ali@3nn-\u{C5C}.com.tr").error,
        Some(EmailIssue::UnsafeCharacter)
    );
    // a good A-label still reads as its U-label, and back
    let e = parse("ali@xn--rnek-4qa.com.tr");
    assert_eq!(e.normalized.as_deref(), Some("ali@örnek.com.tr"));
    assert!(parse("ali@örnek.com.tr").valid);
}

/// Options from the low bits of `flags`, as the fuzz target reads them.
fn options_of(flags: u8) -> EmailOptions {
    EmailOptions {
        allow_smtputf8: flags & 1 == 0,
        allow_quoted_local: flags & 2 != 0,
        allow_domain_literal: flags & 4 != 0,
        allow_display_name: false,
        strict: flags & 16 != 0,
        test_environment: flags & 32 != 0,
        globally_deliverable: flags & 64 == 0,
    }
}

proptest! {
    /// Whatever the parser accepts, it accepts again in normalized form,
    /// with the same normalized form: domains with A-labels of any code
    /// points included.
    #[test]
    fn a_valid_address_normalizes_to_a_valid_one(
        local in "[a-zA-Z0-9._+ışçğüöİ\"-]{1,12}",
        labels in proptest::collection::vec(
            prop_oneof![
                "\\PC{1,4}".prop_filter_map("encodes", |u| {
                    idna::punycode::encode_str(&u).map(|p| format!("xn--{p}"))
                }),
                "xn--[a-z0-9-]{1,10}",
                "[a-zA-Z0-9ışçğüöİ-]{1,8}",
                "\\PC{1,4}",
            ],
            1..3,
        ),
        tld in "(com|com\\.tr|org|XN--P1AI|test)",
        flags in any::<u8>(),
    ) {
        let options = options_of(flags);
        let text = format!("{local}@{}.{tld}", labels.join("."));
        let e = parse_with(&text, &options, EmailLists::builtin());
        if let (true, Some(n)) = (e.valid, &e.normalized) {
            let again = parse_with(n, &options, EmailLists::builtin());
            prop_assert!(again.valid, "{:?} normalized to {:?}, which is not valid: {:?}", text, n, again.error);
            prop_assert_eq!(again.normalized.as_ref(), Some(n));
        }
    }

    #[test]
    fn never_panics(s in "\\PC{0,40}") {
        let _ = parse(&s);
    }

    #[test]
    fn never_panics_on_address_shapes(local in "[a-zA-Z0-9.+_ıİşŞ\"\\\\ -]{0,12}", domain in "[a-zA-Z0-9.ıİğü-]{0,16}") {
        let _ = parse(&format!("{local}@{domain}"));
    }

    #[test]
    fn normalized_form_reparses_to_itself(local in "[a-zA-Z0-9_+-]{1,10}(\\.[a-zA-Z0-9çşğüöı]{1,5}){0,2}", host in "[a-zA-ZçşğüöıİI0-9]{1,10}", tld in "(com|com\\.tr|org|net\\.tr)") {
        let e = parse(&format!("{local}@{host}.{tld}"));
        if let Some(n) = &e.normalized {
            let again = parse(n);
            prop_assert_eq!(again.normalized.as_ref(), Some(n));
            prop_assert_eq!(&again.dedup_key, &e.dedup_key);
            let key = e.dedup_key.clone().unwrap();
            prop_assert_eq!(dedup_key(&key), Some(key.clone()), "dedup key not idempotent");
            prop_assert!(e.ascii_email.is_some() || e.smtputf8);
        }
    }
}
