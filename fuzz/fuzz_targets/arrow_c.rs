//! The Arrow C data interface functions on arbitrary string columns of every
//! string type (and columns that are not strings): never a panic, one output
//! row per input row, inputs always taken (released), results releasable.
#![no_main]

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, to_ffi};
use arrow_array::{Array, ArrayRef, Int64Array, LargeStringArray, StringArray, StringViewArray};
use ffi::*;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fn exported(a: &ArrayRef) -> (FFI_ArrowArray, FFI_ArrowSchema) {
    to_ffi(&a.to_data()).expect("export")
}

/// Runs `call` on a fresh export of `a`; checks that the input was taken and
/// that a result, if any, has `rows` rows (when given) and releases it.
fn run(
    a: &ArrayRef,
    rows: Option<i64>,
    call: impl FnOnce(
        *mut FFI_ArrowArray,
        *const FFI_ArrowSchema,
        *mut FFI_ArrowArray,
        *mut FFI_ArrowSchema,
    ) -> crmkit_status,
) {
    let (mut array, schema) = exported(a);
    let mut out = FFI_ArrowArray::empty();
    let mut out_schema = FFI_ArrowSchema::empty();
    let st = call(&mut array, &schema, &mut out, &mut out_schema);
    assert_ne!(st, crmkit_status::CRMKIT_PANIC);
    assert!(array.is_released(), "the input must be taken");
    if st == crmkit_status::CRMKIT_OK {
        if let Some(rows) = rows {
            assert_eq!(out.len() as i64, rows);
        }
        // dropping the structs calls their release callbacks
        drop(out);
        drop(out_schema);
    } else {
        assert!(out.is_released());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(body);
    // rows split on newlines; an empty row is null when the selector says so
    let rows: Vec<Option<&str>> = text
        .split('\n')
        .map(|r| (!(r.is_empty() && selector & 0x10 != 0)).then_some(r))
        .collect();
    let n = rows.len() as i64;
    let column: ArrayRef = match selector % 4 {
        0 => Arc::new(StringArray::from(rows.clone())),
        1 => Arc::new(LargeStringArray::from(rows.clone())),
        2 => Arc::new(StringViewArray::from(rows.clone())),
        _ => Arc::new(Int64Array::from_iter(rows.iter().map(|r| r.map(|s| s.len() as i64)))),
    };
    // SAFETY (every call below): the structs are live exports of arrow-rs
    // and the outputs are writable locals.
    run(&column, Some(n), |a, s, o, os| unsafe { crmkit_arrow_parse_emails(a, s, o, os) });
    let region: &[u8] = if selector & 0x20 != 0 { b"TR" } else { b"US" };
    run(&column, Some(n), |a, s, o, os| unsafe {
        crmkit_arrow_parse_phones(a, s, region.as_ptr(), region.len(), o, os)
    });
    // components: the rows against themselves shifted by one
    if column.len() > 1 {
        let src = column.slice(0, column.len() - 1);
        let dst = column.slice(1, column.len() - 1);
        let (mut sa, ss) = exported(&src);
        let (mut da, ds) = exported(&dst);
        let mut out = FFI_ArrowArray::empty();
        let mut out_schema = FFI_ArrowSchema::empty();
        let st = unsafe {
            crmkit_arrow_connected_components(&mut sa, &ss, &mut da, &ds, &mut out, &mut out_schema)
        };
        assert_ne!(st, crmkit_status::CRMKIT_PANIC);
        assert!(sa.is_released() && da.is_released());
    }
    // the rows as the last_name and email of a batch with generated ids
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values((0..rows.len()).map(|i| i.to_string())));
    let batch = arrow_array::StructArray::from(vec![
        (Arc::new(arrow_schema::Field::new("id", arrow_schema::DataType::Utf8, false)), ids),
        (Arc::new(arrow_schema::Field::new("last_name", column.data_type().clone(), true)), column.clone()),
        (Arc::new(arrow_schema::Field::new("email", column.data_type().clone(), true)), column.clone()),
    ]);
    let batch: ArrayRef = Arc::new(batch);
    run(&batch, None, |a, s, o, os| unsafe {
        crmkit_arrow_blocking_keys(a, s, std::ptr::null(), 0, std::ptr::null(), 0, o, os)
    });
});
