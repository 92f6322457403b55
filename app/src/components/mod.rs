//! Widgets shared by the screens.

mod header;
mod status_bar;

pub use header::Header;
pub use status_bar::StatusBar;
