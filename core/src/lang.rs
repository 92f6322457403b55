//! The three languages of the region: Kazakh, Russian, English.

use serde::{Deserialize, Serialize};

/// A language every message of Adal exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Lang {
    Kk,
    #[default]
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The BCP 47 tag, as used in `lang=` attributes and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language's own name for itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// Reads one tag such as `ru-KZ` or `kk`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "kk" | "kz" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best of our languages from an `Accept-Language` header value, honouring
    /// q-weights; falls back to Russian, the language most residents of the region read.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            // q=0 means "not acceptable" (RFC 9110 §12.4.2).
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(_, best_q)| q > best_q) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_the_highest_weight_among_known_languages() {
        assert_eq!(Lang::negotiate("de-DE, en;q=0.5, kk-KZ;q=0.9"), Lang::Kk);
        assert_eq!(Lang::negotiate("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(Lang::negotiate("ru-RU"), Lang::Ru);
    }

    #[test]
    fn a_zero_weight_means_not_acceptable() {
        assert_eq!(Lang::negotiate("kk;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::negotiate("kk;q=0"), Lang::Ru);
    }

    #[test]
    fn negotiation_falls_back_to_russian() {
        assert_eq!(Lang::negotiate(""), Lang::Ru);
        assert_eq!(Lang::negotiate("de, fr;q=0.8"), Lang::Ru);
    }
}
