//! Widgets shared by the screens.

mod device;
pub mod form;
mod header;
mod qr;
pub mod receipt;
pub mod report;
mod status_bar;
mod update_banner;
mod waiting;

pub use device::DeviceSection;
pub use header::Header;
pub use qr::Qr;
pub use receipt::{AntiCorruption, ReceiptCard, ReceiptFacts};
pub use status_bar::StatusBar;
pub use update_banner::UpdateBanner;
pub use waiting::{Loading, NeedsSignal};
