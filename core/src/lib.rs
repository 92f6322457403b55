//! Adal's domain, shared by the browser client and the server.
//!
//! Architecture invariant: this crate never does I/O. No clock, no network, no storage:
//! callers pass "today" in, and get values or typed errors out. That is what lets the very
//! same validation run in the browser (wasm32) and on the server.

pub mod api;
pub mod attachment;
pub mod complaint;
pub mod district;
pub mod lang;
pub mod phone;
pub mod receipt;
pub mod sync;
pub mod tracking;
pub mod validation;

pub use attachment::AttachmentRef;
pub use complaint::{Category, Complaint, ComplaintAnswers, Contact};
pub use district::District;
pub use lang::Lang;
pub use phone::Phone;
pub use tracking::TrackingNumber;
pub use validation::{ErrorCode, Field, FieldError, FieldErrors};
