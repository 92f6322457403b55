//! The office of each district that accepts appeals: the body a receipt names (APC
//! Art. 64: the receipt says who accepted the appeal). Data in one place, read by the
//! server for the receipt it sends and by the clients to print it.
//!
//! The names and addresses are those of the sample directory until the offices confirm
//! theirs; they are replaced here, and only here.

use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::{District, Lang};

/// A district's "Akzhaiyk – adaldyq alany" office: its name and postal address in
/// Kazakh, Russian and English (in that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Office {
    name: [&'static str; 3],
    address: [&'static str; 3],
}

impl Office {
    /// The office that accepts appeals to `district`.
    pub fn of(district: District) -> &'static Office {
        OFFICES
            .iter()
            .find(|(d, _)| *d == district)
            .map(|(_, office)| office)
            .expect("every district has an office")
    }

    pub fn name(&self, lang: Lang) -> &'static str {
        self.name[index(lang)]
    }

    pub fn address(&self, lang: Lang) -> &'static str {
        self.address[index(lang)]
    }
}

fn index(lang: Lang) -> usize {
    match lang {
        Lang::Kk => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    }
}

/// The body that accepted a submission, as a receipt names it: sent whole, in every
/// language, so that the receipt kept on a device reads the same offline in any language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptingBody {
    pub district: District,
    pub name: Text,
    pub address: Text,
}

impl AcceptingBody {
    pub fn of(district: District) -> AcceptingBody {
        let office = Office::of(district);
        let text = |t: [&str; 3]| Text::new(t[0], t[1], t[2]);
        AcceptingBody { district, name: text(office.name), address: text(office.address) }
    }
}

const OFFICES: [(District, Office); 13] = [
    (
        District::Uralsk,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» өңірлік фронт-офисі, облыс әкімдігінің ғимараты",
                "Региональный фронт-офис «Акжайык – адалдык аланы», здание акимата области",
                "\"Akzhaiyk – adaldyq alany\" regional front office, regional akimat building",
            ],
            address: [
                "Орал қ., Достық даңғылы, 179",
                "г. Уральск, пр. Достык, 179",
                "Uralsk, 179 Dostyk Avenue",
            ],
        },
    ),
    (
        District::Akzhaik,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Ақжайық ауданы",
                "Офис «Акжайык – адалдык аланы», Акжаикский район",
                "\"Akzhaiyk – adaldyq alany\" office, Akzhaik district",
            ],
            address: [
                "Чапаев ауылы, Тәуелсіздік көшесі, 5",
                "село Чапаев, ул. Тауелсиздик, 5",
                "Chapaev village, 5 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Bayterek,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Бәйтерек ауданы",
                "Офис «Акжайык – адалдык аланы», Байтерекский район",
                "\"Akzhaiyk – adaldyq alany\" office, Bayterek district",
            ],
            address: [
                "Переметное ауылы, Тәуелсіздік көшесі, 6",
                "село Переметное, ул. Тауелсиздик, 6",
                "Peremetnoe village, 6 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::BokeyOrda,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Бөкей ордасы ауданы",
                "Офис «Акжайык – адалдык аланы», Бокейординский район",
                "\"Akzhaiyk – adaldyq alany\" office, Bokey Orda district",
            ],
            address: [
                "Сайхин ауылы, Тәуелсіздік көшесі, 7",
                "село Сайхин, ул. Тауелсиздик, 7",
                "Saykhin village, 7 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Burlin,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Бөрлі ауданы",
                "Офис «Акжайык – адалдык аланы», Бурлинский район",
                "\"Akzhaiyk – adaldyq alany\" office, Burlin district",
            ],
            address: [
                "Ақсай қ., Сырым Датұлы көшесі, 8",
                "г. Аксай, ул. Сырыма Датова, 8",
                "Aksai, 8 Syrym Datov Street",
            ],
        },
    ),
    (
        District::Zhangala,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Жаңақала ауданы",
                "Офис «Акжайык – адалдык аланы», Жангалинский район",
                "\"Akzhaiyk – adaldyq alany\" office, Zhangala district",
            ],
            address: [
                "Жаңақала ауылы, Тәуелсіздік көшесі, 9",
                "село Жангала, ул. Тауелсиздик, 9",
                "Zhangala village, 9 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Zhanibek,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Жәнібек ауданы",
                "Офис «Акжайык – адалдык аланы», Жанибекский район",
                "\"Akzhaiyk – adaldyq alany\" office, Zhanibek district",
            ],
            address: [
                "Жәнібек ауылы, Тәуелсіздік көшесі, 10",
                "село Жанибек, ул. Тауелсиздик, 10",
                "Zhanibek village, 10 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Karatobe,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Қаратөбе ауданы",
                "Офис «Акжайык – адалдык аланы», Каратобинский район",
                "\"Akzhaiyk – adaldyq alany\" office, Karatobe district",
            ],
            address: [
                "Қаратөбе ауылы, Тәуелсіздік көшесі, 11",
                "село Каратобе, ул. Тауелсиздик, 11",
                "Karatobe village, 11 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Kaztalov,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Қазталов ауданы",
                "Офис «Акжайык – адалдык аланы», Казталовский район",
                "\"Akzhaiyk – adaldyq alany\" office, Kaztalov district",
            ],
            address: [
                "Жалпақтал ауылы, Тәуелсіздік көшесі, 12",
                "село Жалпактал, ул. Тауелсиздик, 12",
                "Zhalpaktal village, 12 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Syrym,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Сырым ауданы",
                "Офис «Акжайык – адалдык аланы», Сырымский район",
                "\"Akzhaiyk – adaldyq alany\" office, Syrym district",
            ],
            address: [
                "Жымпиты ауылы, Тәуелсіздік көшесі, 13",
                "село Жымпиты, ул. Тауелсиздик, 13",
                "Zhympity village, 13 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Taskala,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Тасқала ауданы",
                "Офис «Акжайык – адалдык аланы», Таскалинский район",
                "\"Akzhaiyk – adaldyq alany\" office, Taskala district",
            ],
            address: [
                "Тасқала ауылы, Тәуелсіздік көшесі, 14",
                "село Таскала, ул. Тауелсиздик, 14",
                "Taskala village, 14 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Terekti,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Теректі ауданы",
                "Офис «Акжайык – адалдык аланы», Теректинский район",
                "\"Akzhaiyk – adaldyq alany\" office, Terekti district",
            ],
            address: [
                "Федоровка ауылы, Тәуелсіздік көшесі, 15",
                "село Федоровка, ул. Тауелсиздик, 15",
                "Fedorovka village, 15 Tauelsizdik Street",
            ],
        },
    ),
    (
        District::Chingirlau,
        Office {
            name: [
                "«Ақжайық – адалдық алаңы» кеңсесі, Шыңғырлау ауданы",
                "Офис «Акжайык – адалдык аланы», Чингирлауский район",
                "\"Akzhaiyk – adaldyq alany\" office, Chingirlau district",
            ],
            address: [
                "Шыңғырлау ауылы, Тәуелсіздік көшесі, 16",
                "село Чингирлау, ул. Тауелсиздик, 16",
                "Chingirlau village, 16 Tauelsizdik Street",
            ],
        },
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_district_has_its_own_office_with_a_name_and_address_in_each_language() {
        let mut addresses = std::collections::HashSet::new();
        for district in District::ALL {
            let office = Office::of(district);
            for lang in [Lang::Kk, Lang::Ru, Lang::En] {
                assert!(!office.name(lang).trim().is_empty(), "{district:?} {lang:?}");
                assert!(!office.address(lang).trim().is_empty(), "{district:?} {lang:?}");
            }
            assert!(addresses.insert(office.address(Lang::Ru)), "{district:?} shares an address");
        }
        assert_eq!(Office::of(District::Burlin).address(Lang::En), "Aksai, 8 Syrym Datov Street");
    }

    #[test]
    fn the_accepting_body_travels_in_every_language() {
        let body = AcceptingBody::of(District::Uralsk);
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["district"], "URA");
        assert_eq!(json["address"]["ru"], "г. Уральск, пр. Достык, 179");
        assert_eq!(serde_json::from_value::<AcceptingBody>(json).unwrap(), body);
    }
}
