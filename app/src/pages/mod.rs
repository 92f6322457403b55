//! One file per screen. `Page` owns every path, so a link is never a hand-typed string.

mod complaint;
mod home;
mod item;

pub use complaint::ComplaintPage;
pub use home::HomePage;
pub use item::ItemPage;

/// The screens of the app and their addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home,
    /// Editing a draft.
    Complaint(String),
    /// A sent item: waiting for signal, or delivered with its tracking number.
    Item(String),
}

impl Page {
    pub fn path(&self) -> String {
        match self {
            Page::Home => "/".to_owned(),
            Page::Complaint(id) => format!("/complaint/{id}"),
            Page::Item(id) => format!("/item/{id}"),
        }
    }
}
