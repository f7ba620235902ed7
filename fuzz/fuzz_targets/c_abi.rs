//! The C ABI on arbitrary arrays and parameters: never a panic (a panic
//! would surface as CRMKIT_PANIC, which this target treats as a failure),
//! results within their documented ranges.
#![no_main]

use ffi::*;

/// A rule set made once through the C ABI, kept as an address (handles are
/// immutable and shareable).
static FIXED_RULES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
/// A routing rule set made once through the C ABI.
static FIXED_ROUTING: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
/// An index of one record made once through the C ABI (matches only read it).
static FIXED_INDEX: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
use libfuzzer_sys::fuzz_target;

fn doubles(data: &[u8]) -> Vec<f64> {
    data.chunks_exact(8)
        .map(|c| {
            let raw = f64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            // mostly small whole numbers, sometimes anything at all
            if raw.is_finite() && raw.abs() < 1e6 {
                raw.round() % 12.0
            } else {
                raw
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let method = u32::from(data[0] % 3);
    let confidence = f64::from(data[1]) / 255.0;
    let split = usize::from(data[2]) % (data.len() - 3 + 1);
    let body = &data[3..];
    let (left, right) = body.split_at(split.min(body.len()));
    let a = doubles(left);
    let b = doubles(right);
    let weights: Vec<f64> = b.iter().map(|x| x.abs()).collect();
    let use_weights = data[0] & 0x80 != 0 && weights.len() >= a.len();

    let mut nps = crmkit_nps::default();
    let w = if use_weights {
        weights.as_ptr()
    } else {
        std::ptr::null()
    };
    // SAFETY: pointers come from live vectors of the stated lengths.
    let st = unsafe { crmkit_survey_nps(a.as_ptr(), a.len(), w, confidence, method, &mut nps) };
    assert_ne!(st, crmkit_status::CRMKIT_PANIC);
    if st == crmkit_status::CRMKIT_OK {
        assert!(
            (-100.0..=100.0).contains(&nps.nps) && nps.low <= nps.high,
            "{nps:?} from {a:?} weights {use_weights}"
        );
    }

    let mut diff = crmkit_nps_diff::default();
    // SAFETY: as above.
    let st = unsafe {
        crmkit_survey_nps_diff(
            a.as_ptr(),
            a.len(),
            b.as_ptr(),
            b.len(),
            confidence,
            &mut diff,
        )
    };
    assert_ne!(st, crmkit_status::CRMKIT_PANIC);
    if st == crmkit_status::CRMKIT_OK {
        assert!(diff.p_value.is_nan() || (0.0..=1.0).contains(&diff.p_value));
    }

    let mut csat = crmkit_csat::default();
    let scale = i32::from(data[1] % 12);
    // SAFETY: as above.
    let st = unsafe {
        crmkit_survey_csat(
            a.as_ptr(),
            a.len(),
            std::ptr::null(),
            scale,
            scale - 1,
            confidence,
            &mut csat,
        )
    };
    assert_ne!(st, crmkit_status::CRMKIT_PANIC);

    let mut ces = crmkit_ces::default();
    // SAFETY: as above.
    let st = unsafe {
        crmkit_survey_ces(
            a.as_ptr(),
            a.len(),
            std::ptr::null(),
            scale,
            scale - 1,
            1,
            confidence,
            &mut ces,
        )
    };
    assert_ne!(st, crmkit_status::CRMKIT_PANIC);

    let acc = crmkit_nps_accumulator_new();
    for x in &a {
        // SAFETY: acc is live and used by this thread only.
        let st = unsafe { crmkit_nps_accumulator_push(acc, *x, 1.0) };
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
    }
    // SAFETY: acc is live; freed once.
    unsafe {
        let st = crmkit_nps_accumulator_finish(acc, confidence, method, &mut nps);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        crmkit_nps_accumulator_free(acc);
    }
    // text entry points on the raw bytes (often not UTF-8)
    let mut out = [0u8; 2048];
    let mut written = 0usize;
    let mut outcome = std::mem::MaybeUninit::<crmkit_outcome>::uninit();
    let mut sequence = 0u64;
    // SAFETY: every pointer is to a live buffer of the stated length.
    unsafe {
        for st in [
            crmkit_contact_parse_email(
                data.as_ptr(),
                data.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut written,
            ),
            crmkit_contact_parse_phone(
                data.as_ptr(),
                data.len(),
                b"TR".as_ptr(),
                2,
                out.as_mut_ptr(),
                out.len(),
                &mut written,
            ),
            crmkit_contact_classify_outcome(
                data.as_ptr(),
                data.len(),
                u32::from(data[0] & 1),
                outcome.as_mut_ptr(),
            ),
            crmkit_complaint_validate_tracking_number(data.as_ptr(), data.len(), &mut sequence),
        ] {
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        }
        // the bytes as a rule file (some of the time: compiling is slow),
        // and categorized by a fixed rule set compiled once
        if data[0] & 0x40 != 0 {
            let mut rules: *mut crmkit_category_rules = std::ptr::null_mut();
            let st = crmkit_category_rules_new(data.as_ptr(), data.len(), u32::from(data[0] & 1), &mut rules);
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
            crmkit_category_rules_free(rules);
        }
        let fixed = *FIXED_RULES.get_or_init(|| {
            let text = b"version = 'f'\nformat = 2\n[[categories]]\nid = 'a'\nany = ['iade', '=ik']\n[[categories]]\nid = 'b'\nany = ['iade']\nwhen = { channel = 'app', amount = '> 5', attributes = { region = { not = 'ege' } } }\n";
            let mut rules: *mut crmkit_category_rules = std::ptr::null_mut();
            assert_eq!(crmkit_category_rules_new(text.as_ptr(), text.len(), 0, &mut rules), crmkit_status::CRMKIT_OK);
            rules as usize
        });
        let st = crmkit_category_rules_categorize(
            fixed as *const crmkit_category_rules,
            data.as_ptr(),
            data.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        // the bytes split into a text and its fields (JSON), and a text
        // with fields made from the bytes
        let half = data.len() / 2;
        let st = crmkit_category_rules_categorize_fields(
            fixed as *const crmkit_category_rules,
            data.as_ptr(),
            half,
            data[half..].as_ptr(),
            data.len() - half,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        let fields = format!(
            "{{\"channel\": {}, \"amount\": {}, \"attributes\": {{\"region\": {}}}}}",
            serde_json::Value::from(String::from_utf8_lossy(&data[..half])),
            doubles(data).first().copied().filter(|x| x.is_finite()).unwrap_or(6.0),
            serde_json::Value::from(String::from_utf8_lossy(&data[half..])),
        );
        let st = crmkit_category_rules_categorize_fields(
            fixed as *const crmkit_category_rules,
            b"iade".as_ptr(),
            4,
            fields.as_ptr(),
            fields.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_eq!(st, crmkit_status::CRMKIT_OK, "{fields}");

        // the bytes as an SLA request, and as the event log of one
        let st = crmkit_complaint_sla_state(data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut written);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        if let Ok(events) = std::str::from_utf8(data) {
            let request = format!(
                "{{\"events\": {events}, \"policy\": \"version = 'f'\\n[default]\\nfirst_response_hours = 4\\nupdate_hours = 8\\nresolution_hours = 16\\n\", \"now\": \"2027-01-04T12:00:00Z\", \"warn_at\": [50, 90]}}"
            );
            let st = crmkit_complaint_sla_state(request.as_ptr(), request.len(), out.as_mut_ptr(), out.len(), &mut written);
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        }

        // the bytes as a routing rule file (some of the time), and as
        // complaints and a state routed by a fixed rule set
        if data[0] & 0x20 != 0 {
            let mut rs: *mut crmkit_ruleset = std::ptr::null_mut();
            let st = crmkit_ruleset_new(data.as_ptr(), data.len(), u32::from(data[0] & 1), std::ptr::null(), 0, &mut rs);
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
            if st == crmkit_status::CRMKIT_OK {
                let mut ok = 0i32;
                let st = crmkit_ruleset_check(rs, out.as_mut_ptr(), out.len(), &mut written, &mut ok);
                assert_ne!(st, crmkit_status::CRMKIT_PANIC);
            }
            crmkit_ruleset_free(rs);
        }
        let routing = *FIXED_ROUTING.get_or_init(|| {
            let text = b"version = 'f'\nfallback = { department = 'd', assignee = 'p' }\npeople = [{ id = 'p' }, { id = 'q' }]\n[[departments]]\nid = 'd'\nmembers = ['p', 'q']\n[[rules]]\nid = 'r'\nwhen = { flags = ['legal_threat'], amount = '> 5' }\ndepartment = 'd'\n";
            let mut rs: *mut crmkit_ruleset = std::ptr::null_mut();
            assert_eq!(crmkit_ruleset_new(text.as_ptr(), text.len(), 0, std::ptr::null(), 0, &mut rs), crmkit_status::CRMKIT_OK);
            rs as usize
        });
        let third = data.len() / 3;
        let st = crmkit_ruleset_route(
            routing as *const crmkit_ruleset,
            data.as_ptr(),
            data.len() - 2 * third,
            data[data.len() - 2 * third..].as_ptr(),
            third,
            data[data.len() - third..].as_ptr(),
            third,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);

        // the bytes as a classifier model file and as training JSON
        let mut model: *mut crmkit_classifier = std::ptr::null_mut();
        let st = crmkit_classifier_load(data.as_ptr(), data.len(), &mut model);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        if st == crmkit_status::CRMKIT_OK {
            let st = crmkit_classifier_predict(model, data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut written);
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        }
        crmkit_classifier_free(model);
        if data[0] & 0x10 != 0 {
            let mut trained: *mut crmkit_classifier = std::ptr::null_mut();
            let st = crmkit_classifier_train(data.as_ptr(), data.len(), &mut trained);
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
            crmkit_classifier_free(trained);
        }

        // the bytes as identity records, a query and a pair to explain
        let mut res: *mut crmkit_resolution = std::ptr::null_mut();
        let st = crmkit_identity_resolve(data.as_ptr(), data.len(), std::ptr::null(), 0, &mut res);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        if st == crmkit_status::CRMKIT_OK {
            let st = crmkit_resolution_clusters(res, out.as_mut_ptr(), out.len(), &mut written);
            assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        }
        crmkit_resolution_free(res);
        let fixed_index = *FIXED_INDEX.get_or_init(|| {
            let text = b"{\"id\":\"1\",\"name\":\"Ali Kaya\",\"phone\":\"05321234567\",\"country\":\"TR\"}";
            let mut idx: *mut crmkit_index = std::ptr::null_mut();
            assert_eq!(crmkit_index_new(text.as_ptr(), text.len(), std::ptr::null(), 0, &mut idx), crmkit_status::CRMKIT_OK);
            idx as usize
        });
        let st = crmkit_index_match(
            fixed_index as *const crmkit_index,
            data.as_ptr(),
            data.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        // the bytes as a record inserted into, and an id deleted from, an
        // index of its own (some of the time: building one resolves): a
        // call with a buffer too small for its result changes nothing, and
        // the retry with the size it reported goes through
        if data[0] & 0x08 != 0 {
            let text = b"{\"id\":\"1\",\"name\":\"Ali Kaya\",\"phone\":\"05321234567\",\"country\":\"TR\"}\n{\"id\":\"2\",\"name\":\"Ali Kaya\",\"email\":\"ali@kaya.com\"}";
            let mut idx: *mut crmkit_index = std::ptr::null_mut();
            assert_eq!(crmkit_index_new(text.as_ptr(), text.len(), std::ptr::null(), 0, &mut idx), crmkit_status::CRMKIT_OK);
            let probe = b"{\"name\":\"Ali Kaya\",\"phone\":\"05321234567\",\"email\":\"ali@kaya.com\"}";
            let state = |idx: *mut crmkit_index| {
                let mut buf = vec![0u8; 4096];
                let mut n = 0usize;
                let st = crmkit_index_match(idx, probe.as_ptr(), probe.len(), buf.as_mut_ptr(), buf.len(), &mut n);
                assert_eq!(st, crmkit_status::CRMKIT_OK);
                buf.truncate(n);
                (crmkit_index_len(idx), buf)
            };
            type Change = unsafe extern "C" fn(*const crmkit_index, *const u8, usize, *mut u8, usize, *mut usize) -> crmkit_status;
            let calls: [(Change, &[u8]); 3] = [
                (crmkit_index_insert, data),
                (crmkit_index_delete, &data[..half]),
                (crmkit_index_delete, b"1"),
            ];
            for (f, arg) in calls {
                let before = state(idx);
                let mut small = [0u8; 1];
                let mut needed = 0usize;
                let st = f(idx, arg.as_ptr(), arg.len(), small.as_mut_ptr(), small.len(), &mut needed);
                assert_ne!(st, crmkit_status::CRMKIT_PANIC);
                assert_ne!(st, crmkit_status::CRMKIT_OK);
                assert_eq!(state(idx), before, "a failed call changed the index");
                if st == crmkit_status::CRMKIT_INSUFFICIENT_SIZE {
                    let mut buf = vec![0u8; needed];
                    let mut n = 0usize;
                    let st = f(idx, arg.as_ptr(), arg.len(), buf.as_mut_ptr(), buf.len(), &mut n);
                    assert_eq!(st, crmkit_status::CRMKIT_OK, "the retry with the size reported failed");
                    assert_eq!(n + 1, needed);
                }
            }
            crmkit_index_free(idx);
        }
        let st = crmkit_identity_explain(
            data.as_ptr(),
            half,
            data[half..].as_ptr(),
            data.len() - half,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);

        // the bytes as a contact policy, and as events, a decide request, a
        // customer and a snapshot given to a store of its own: a call that
        // fails leaves the store as it was
        let mut policy: *mut crmkit_engagement_store = std::ptr::null_mut();
        let st = crmkit_engagement_store_new(data.as_ptr(), data.len(), &mut policy);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        assert_eq!(st == crmkit_status::CRMKIT_OK, !policy.is_null());
        crmkit_engagement_store_free(policy);
        let mut store: *mut crmkit_engagement_store = std::ptr::null_mut();
        assert_eq!(crmkit_engagement_store_new(std::ptr::null(), 0, &mut store), crmkit_status::CRMKIT_OK);
        let seed = b"{\"type\":\"consent\",\"customer\":\"c1\",\"time\":\"2026-11-01T10:00:00Z\",\"channel\":\"sms\",\"purpose\":\"commercial\",\"granted\":true}";
        assert_eq!(crmkit_engagement_store_apply(store, seed.as_ptr(), seed.len(), std::ptr::null_mut()), crmkit_status::CRMKIT_OK);
        let snapshot = |store: *mut crmkit_engagement_store| {
            let mut needed = 0usize;
            let st = crmkit_engagement_store_snapshot(store, std::ptr::null(), 0, std::ptr::null_mut(), 0, &mut needed);
            assert_eq!(st, crmkit_status::CRMKIT_INSUFFICIENT_SIZE);
            let mut buf = vec![0u8; needed];
            let mut n = 0usize;
            let st = crmkit_engagement_store_snapshot(store, std::ptr::null(), 0, buf.as_mut_ptr(), buf.len(), &mut n);
            assert_eq!(st, crmkit_status::CRMKIT_OK);
            buf.truncate(n);
            buf
        };
        let before = snapshot(store);
        let mut applied = usize::MAX;
        let st = crmkit_engagement_store_apply(store, data.as_ptr(), data.len(), &mut applied);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        if st == crmkit_status::CRMKIT_OK {
            assert_ne!(applied, usize::MAX);
        } else {
            assert_eq!(applied, usize::MAX);
            assert_eq!(snapshot(store), before, "a failed apply changed the store");
        }
        let st = crmkit_engagement_store_decide(store, data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut written);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        let request = format!(
            "{{\"customer\": {}, \"campaign\": {}, \"purpose\": \"commercial\", \"now\": \"2026-12-01T14:00:00+03:00\"}}",
            serde_json::Value::from(String::from_utf8_lossy(&data[..half])),
            serde_json::Value::from(String::from_utf8_lossy(&data[half..])),
        );
        let st = crmkit_engagement_store_decide(store, request.as_ptr(), request.len(), out.as_mut_ptr(), out.len(), &mut written);
        if half > 0 {
            assert_eq!(st, crmkit_status::CRMKIT_OK, "{request}");
            assert!(out.starts_with(b"{\"allowed\":"));
        }
        let st = crmkit_engagement_store_snapshot(store, data.as_ptr(), half, out.as_mut_ptr(), out.len(), &mut written);
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        let current = snapshot(store);
        let st = crmkit_engagement_store_restore(store, data.as_ptr(), data.len());
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        if st != crmkit_status::CRMKIT_OK {
            assert_eq!(snapshot(store), current, "a failed restore changed the store");
        }
        crmkit_engagement_store_free(store);
    }

    let mut buf = [0u8; 64];
    let mut n = 0usize;
    // SAFETY: buf is writable for its length.
    let st = unsafe { crmkit_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
    assert!(st == crmkit_status::CRMKIT_OK || st == crmkit_status::CRMKIT_INSUFFICIENT_SIZE);
});
