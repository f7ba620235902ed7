//! Opaque handles: a boxed Rust value behind a pointer to a zero-sized C
//! struct. Every handle type goes through these three functions, so the
//! boxing, the NULL check and the panic-free release are written once.

use crate::error::{crmkit_status, fail_with};

/// Boxes `value` and writes its handle to `*out`.
///
/// # Safety
/// `out` must be non-null and writable.
pub(crate) unsafe fn put<T, H>(out: *mut *mut H, value: T) -> crmkit_status {
    // SAFETY: out is non-null and writable (caller guarantee).
    unsafe { *out = Box::into_raw(Box::new(value)).cast() };
    crmkit_status::CRMKIT_OK
}

/// The value behind a handle, or `CRMKIT_NULL_ARGUMENT` naming the
/// argument `name`.
///
/// # Safety
/// `ptr` must be NULL or a live handle made by [`put`] with the same `T`,
/// valid for `'a`.
pub(crate) unsafe fn get<'a, T, H>(ptr: *const H, name: &str) -> Result<&'a T, crmkit_status> {
    // SAFETY: a non-null ptr is a live handle of a T (caller guarantee).
    unsafe { ptr.cast::<T>().as_ref() }.ok_or_else(|| {
        fail_with(
            crmkit_status::CRMKIT_NULL_ARGUMENT,
            format!("`{name}` is NULL"),
        )
    })
}

/// Frees a handle made by [`put`] (or `Box::into_raw`) with the same `T`;
/// NULL is allowed, and a panic while dropping does not cross into C.
///
/// # Safety
/// `ptr` must be NULL or a live handle of a `T`, not used afterwards.
pub(crate) unsafe fn free<T, H>(ptr: *mut H) {
    if ptr.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: made by Box::into_raw of a T (caller guarantee).
        drop(unsafe { Box::from_raw(ptr.cast::<T>()) });
    }));
}
