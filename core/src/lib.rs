//! Adal's domain, shared by the browser client and the server.
//!
//! Architecture invariant: this crate never does I/O. No clock, no network, no storage:
//! callers pass "today" in, and get values or typed errors out. That is what lets the very
//! same validation run in the browser (wasm32) and on the server.

pub mod act;
pub mod api;
pub mod appeal;
pub mod attachment;
pub mod calendar;
pub mod channel;
pub mod clean;
pub mod district;
pub mod form;
pub mod iin;
pub mod lang;
pub mod mediation;
pub mod office;
pub mod open311;
pub mod phone;
pub mod problem;
pub mod provider;
pub mod receipt;
pub mod report;
pub mod search;
pub mod staff;
pub mod sync;
pub mod text;
pub mod tracking;
pub mod validation;

pub use attachment::AttachmentRef;
pub use district::District;
pub use iin::Iin;
pub use lang::Lang;
pub use phone::Phone;
pub use provider::{Provider, ProviderKind};
pub use tracking::{Series, TrackingNumber};
pub use validation::{ErrorCode, Field, FieldError, FieldErrors};
