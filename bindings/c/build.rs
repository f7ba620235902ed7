//! Gives the shared library a versioned SONAME on Linux, the way C libraries
//! are installed: `libcrmkit.so.MAJOR` from 1.0 on, `libcrmkit.so.0.MINOR`
//! before (a 0.x minor release may break the ABI). scripts/install-c.sh
//! installs the file under that name with the usual links.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".into());
    let soname = if major == "0" {
        format!("libcrmkit.so.0.{minor}")
    } else {
        format!("libcrmkit.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
