use std::ffi::c_char;

/// Major version of the library (semantic versioning).
pub const CRMKIT_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const CRMKIT_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const CRMKIT_VERSION_PATCH: u32 = 0;
/// Version of the C ABI described by this header. It changes only when a
/// change breaks binary compatibility; compare it with `crmkit_abi_version()`
/// at start-up to detect a header/library mismatch.
pub const CRMKIT_ABI_VERSION: u32 = 1;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version, e.g. "0.1.0", as a static NUL-terminated string.
/// Never NULL; do not free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crmkit_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The ABI version the library was built with (`CRMKIT_ABI_VERSION`).
#[unsafe(no_mangle)]
pub extern "C" fn crmkit_abi_version() -> u32 {
    CRMKIT_ABI_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_cargo_toml() {
        let want = format!("{CRMKIT_VERSION_MAJOR}.{CRMKIT_VERSION_MINOR}.{CRMKIT_VERSION_PATCH}");
        assert_eq!(want, env!("CARGO_PKG_VERSION"));
        assert_eq!(want, crmkit::VERSION);
        let v = unsafe { std::ffi::CStr::from_ptr(crmkit_version()) };
        assert_eq!(v.to_str().unwrap(), want);
        assert_eq!(crmkit_abi_version(), CRMKIT_ABI_VERSION);
    }
}
