//! Words in each of Adal's languages, for data that travels: form labels, directory
//! entries. Interface sentences of the app live in its locale file instead.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A text in each of the three languages. An empty translation falls back to another
/// language in [`Text::get`], so a provider with only a Russian address still shows one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Text {
    pub fn new(kk: impl Into<String>, ru: impl Into<String>, en: impl Into<String>) -> Text {
        Text { kk: kk.into(), ru: ru.into(), en: en.into() }
    }

    /// The same words in every language, e.g. a code no one translates.
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text { kk: text.clone(), ru: text.clone(), en: text }
    }

    /// The text in `lang`, or else in Russian, Kazakh, English (the order most people
    /// of the region read), or "" if there is none at all.
    pub fn get(&self, lang: Lang) -> &str {
        [self.exact(lang), &self.ru, &self.kk, &self.en]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or("")
    }

    /// The text in `lang` exactly, possibly empty.
    pub fn exact(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kk.is_empty() && self.ru.is_empty() && self.en.is_empty()
    }

    /// Every non-empty translation.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        [self.kk.as_str(), self.ru.as_str(), self.en.as_str()].into_iter().filter(|t| !t.is_empty())
    }
}
