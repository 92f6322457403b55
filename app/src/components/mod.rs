//! Widgets shared by the screens.

mod device;
pub mod form;
mod header;
mod qr;
pub mod report;
pub mod receipt;
mod status_bar;
mod update_banner;

pub use device::DeviceSection;
pub use header::Header;
pub use qr::Qr;
pub use receipt::{AntiCorruption, ReceiptCard, ReceiptFacts};
pub use status_bar::StatusBar;
pub use update_banner::UpdateBanner;
