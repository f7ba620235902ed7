//! The C ABI of crmkit: `libcrmkit` and `include/crmkit.h`.
//!
//! Conventions (the header repeats them for C readers):
//! - Fallible functions return a [`crmkit_status`]; `CRMKIT_OK` (0) is
//!   success, every other value is one of the stable error codes shared with
//!   the Rust and Python APIs. Results are written through out-pointers.
//! - After a failure, [`crmkit_last_error_message`] gives the detailed message
//!   of the last failure on the calling thread (it names the offending index
//!   or field).
//! - Arrays are `(const T *ptr, size_t len)`; `ptr` may be NULL only when
//!   `len` is 0.
//! - Calls are all or nothing: a call that fails changes nothing, and a call
//!   that returns `CRMKIT_INSUFFICIENT_SIZE` changes nothing and reports the
//!   needed size, so that the retry with a large enough buffer makes the
//!   change and delivers its result. This holds for every call that changes
//!   a handle (`crmkit_index_insert`, `crmkit_index_delete`,
//!   `crmkit_nps_accumulator_push`, `crmkit_nps_accumulator_merge`,
//!   `crmkit_engagement_store_apply`, `crmkit_engagement_store_restore`); the
//!   only things a failure sets are the thread's last error message and,
//!   for `CRMKIT_INSUFFICIENT_SIZE`, `*out_n`. (The `crmkit_arrow_*`
//!   functions take their input arrays also when they fail, as the Arrow C
//!   data interface has consumers do.)
//! - No Rust panic crosses the boundary: every exported function catches
//!   panics and returns `CRMKIT_PANIC`.
//! - Every `*_free` function accepts NULL.
#![allow(non_camel_case_types)]

mod arrow;
mod classifier;
mod complaint;
mod contact;
mod engagement;
mod error;
mod handle;
mod identity;
mod routing;
mod survey;
mod text;
mod version;

pub use arrow::*;
pub use classifier::*;
pub use complaint::*;
pub use contact::*;
pub use engagement::*;
pub use error::{crmkit_last_error_message, crmkit_status, crmkit_status_name};
pub use identity::*;
pub use routing::*;
pub use survey::*;
pub use version::*;
