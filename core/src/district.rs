//! The districts of West Kazakhstan region that Adal serves.

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};

use crate::Lang;

/// West Kazakhstan's time zone (Asia/Oral), UTC+5 all year, no summer time. Dates that
/// the law counts (the day an appeal arrives, the year of its number) are local dates.
pub const REGION_UTC_OFFSET: UtcOffset = time::macros::offset!(+5);

/// The date in the region at the instant `at`.
pub fn region_date(at: OffsetDateTime) -> time::Date {
    at.to_offset(REGION_UTC_OFFSET).date()
}

/// Uralsk city and the twelve districts of West Kazakhstan region.
///
/// Serialised as its stable three-letter code, which also prefixes tracking numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum District {
    #[serde(rename = "URA")]
    Uralsk,
    #[serde(rename = "AKZ")]
    Akzhaik,
    #[serde(rename = "BAY")]
    Bayterek,
    #[serde(rename = "BOK")]
    BokeyOrda,
    #[serde(rename = "BUR")]
    Burlin,
    #[serde(rename = "ZHG")]
    Zhangala,
    #[serde(rename = "ZHB")]
    Zhanibek,
    #[serde(rename = "KAR")]
    Karatobe,
    #[serde(rename = "KAZ")]
    Kaztalov,
    #[serde(rename = "SYR")]
    Syrym,
    #[serde(rename = "TAS")]
    Taskala,
    #[serde(rename = "TER")]
    Terekti,
    #[serde(rename = "CHN")]
    Chingirlau,
}

impl District {
    pub const ALL: [District; 13] = [
        District::Uralsk,
        District::Akzhaik,
        District::Bayterek,
        District::BokeyOrda,
        District::Burlin,
        District::Zhangala,
        District::Zhanibek,
        District::Karatobe,
        District::Kaztalov,
        District::Syrym,
        District::Taskala,
        District::Terekti,
        District::Chingirlau,
    ];

    /// The stable code used on the wire and in tracking numbers.
    pub fn code(self) -> &'static str {
        match self {
            District::Uralsk => "URA",
            District::Akzhaik => "AKZ",
            District::Bayterek => "BAY",
            District::BokeyOrda => "BOK",
            District::Burlin => "BUR",
            District::Zhangala => "ZHG",
            District::Zhanibek => "ZHB",
            District::Karatobe => "KAR",
            District::Kaztalov => "KAZ",
            District::Syrym => "SYR",
            District::Taskala => "TAS",
            District::Terekti => "TER",
            District::Chingirlau => "CHN",
        }
    }

    pub fn from_code(code: &str) -> Option<District> {
        District::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The district's name as people of the region write it.
    pub fn name(self, lang: Lang) -> &'static str {
        use District::*;
        match (self, lang) {
            (Uralsk, Lang::Kk) => "Орал қаласы",
            (Uralsk, Lang::Ru) => "город Уральск",
            (Uralsk, Lang::En) => "Uralsk city",
            (Akzhaik, Lang::Kk) => "Ақжайық ауданы",
            (Akzhaik, Lang::Ru) => "Акжаикский район",
            (Akzhaik, Lang::En) => "Akzhaik district",
            (Bayterek, Lang::Kk) => "Бәйтерек ауданы",
            (Bayterek, Lang::Ru) => "Байтерекский район",
            (Bayterek, Lang::En) => "Bayterek district",
            (BokeyOrda, Lang::Kk) => "Бөкей ордасы ауданы",
            (BokeyOrda, Lang::Ru) => "Бокейординский район",
            (BokeyOrda, Lang::En) => "Bokey Orda district",
            (Burlin, Lang::Kk) => "Бөрлі ауданы (Ақсай)",
            (Burlin, Lang::Ru) => "Бурлинский район (Аксай)",
            (Burlin, Lang::En) => "Burlin district (Aksai)",
            (Zhangala, Lang::Kk) => "Жаңақала ауданы",
            (Zhangala, Lang::Ru) => "Жангалинский район",
            (Zhangala, Lang::En) => "Zhangala district",
            (Zhanibek, Lang::Kk) => "Жәнібек ауданы",
            (Zhanibek, Lang::Ru) => "Жанибекский район",
            (Zhanibek, Lang::En) => "Zhanibek district",
            (Karatobe, Lang::Kk) => "Қаратөбе ауданы",
            (Karatobe, Lang::Ru) => "Каратобинский район",
            (Karatobe, Lang::En) => "Karatobe district",
            (Kaztalov, Lang::Kk) => "Қазталов ауданы",
            (Kaztalov, Lang::Ru) => "Казталовский район",
            (Kaztalov, Lang::En) => "Kaztalov district",
            (Syrym, Lang::Kk) => "Сырым ауданы",
            (Syrym, Lang::Ru) => "Сырымский район",
            (Syrym, Lang::En) => "Syrym district",
            (Taskala, Lang::Kk) => "Тасқала ауданы",
            (Taskala, Lang::Ru) => "Таскалинский район",
            (Taskala, Lang::En) => "Taskala district",
            (Terekti, Lang::Kk) => "Теректі ауданы",
            (Terekti, Lang::Ru) => "Теректинский район",
            (Terekti, Lang::En) => "Terekti district",
            (Chingirlau, Lang::Kk) => "Шыңғырлау ауданы",
            (Chingirlau, Lang::Ru) => "Чингирлауский район",
            (Chingirlau, Lang::En) => "Chingirlau district",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regions_new_year_starts_five_hours_before_utcs() {
        let evening = time::macros::datetime!(2026-12-31 19:30 UTC);
        assert_eq!(region_date(evening), time::macros::date!(2027 - 01 - 01));
        assert_eq!(region_date(evening - time::Duration::hours(1)).year(), 2026);
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        for d in District::ALL {
            assert_eq!(District::from_code(d.code()), Some(d));
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{}\"", d.code()));
        }
        let codes: std::collections::HashSet<_> = District::ALL.iter().map(|d| d.code()).collect();
        assert_eq!(codes.len(), 13);
    }
}
