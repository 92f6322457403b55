//! Valid complaints of every shape a device sends: all districts and categories, named
//! and anonymous, Kazakh, Russian and English text, short and long, with or without
//! photos.

use adal_core::form::{self, Answers};
use adal_core::{AttachmentRef, District};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::json;
use time::Date;

const INSTITUTIONS: &[&str] = &[
    "№12 жалпы білім беретін мектеп",
    "Ақжайық аудандық емханасы",
    "Бөкей ордасы ауданының әкімдігі",
    "Школа-гимназия № 5 имени Абая",
    "Городская поликлиника № 3",
    "ЦОН района Байтерек",
    "School No. 31",
    "Zhanibek district hospital",
    "Қазталов ауылдық округінің әкімдігі",
    "Теректі ауданы, Федоровка ауылы, мәдениет үйі",
];

const DESCRIPTIONS: &[&str] = &[
    "Ата-аналардан сынып жөндеуге 5000 теңге жинауды талап етті. Түбіртек берілмеді.",
    "Таңертең қан алуға кезек сағат 7-де басталып, 10-ға дейін созылды; үш терезенің біреуі ғана жұмыс істеді.",
    "Анықтама алу үшін «жылдамдату» деп қосымша ақша сұрады. Бас тартқанымда құжатты бір аптаға кейінге қалдырды.",
    "С родителей потребовали деньги на шторы и ремонт класса, чек не выдали.",
    "Врач отказался принимать без записи, хотя в регистратуре сказали, что приём живой очереди.",
    "В ЦОНе сотрудник предложил «ускорить» выдачу справки за дополнительную плату.",
    "The clinic asked for a payment for a free vaccination and gave no receipt.",
    "Ұлы Отан соғысы ардагерінің зейнетақысы бойынша өтінішіме екі ай бойы жауап жоқ. Ғимаратқа кіреберісте пандус жоқ.",
];

const NAMES: &[&str] =
    &["Айгерім Сәрсенқызы", "Нұрлан Қасымов", "Ольга Петрова", "Ерғали Өтегенов", "Aigerim S."];

/// The complaint form's categories (current version).
const CATEGORIES: &[&str] = &["school", "clinic", "akimat", "state_service", "police", "other"];

/// The longest description the complaint form takes.
const DESCRIPTION_MAX: usize = 4000;

/// A complaint that passes validation on `today`, normalised the way the app sends it;
/// its `photos` answer names `photos` (the submission must list them too).
pub fn complaint(rng: &mut impl Rng, today: Date, photos: &[AttachmentRef]) -> Answers {
    let district = *District::ALL.choose(rng).unwrap_or(&District::Uralsk);
    let category = *CATEGORIES.choose(rng).unwrap_or(&"other");
    let mut description = DESCRIPTIONS.choose(rng).copied().unwrap_or_default().to_owned();
    if rng.random_bool(0.1) {
        // Some people write a lot: a few kilobytes of UTF-8.
        let more = description.clone();
        for _ in 0..rng.random_range(5..25) {
            description.push(' ');
            description.push_str(&more);
        }
        description = description.chars().take(DESCRIPTION_MAX).collect();
    }
    let anonymous = rng.random_bool(0.3);
    let (name, phone) = if anonymous {
        (String::new(), String::new())
    } else {
        let digits: u32 = rng.random_range(0..10_000_000);
        let prefix = ["701", "705", "707", "747", "771", "775", "778"].choose(rng).copied();
        let prefix = prefix.unwrap_or("701");
        // As people type them: spaces, brackets, a leading 8.
        let phone = match rng.random_range(0..3) {
            0 => format!("+7 {prefix} {digits:07}"),
            1 => format!("8 ({prefix}) {digits:07}"),
            _ => format!("{prefix}{digits:07}"),
        };
        (NAMES.choose(rng).copied().unwrap_or_default().to_owned(), phone)
    };
    let days_ago = rng.random_range(1..60);
    let occurred_on = today - time::Duration::days(days_ago);
    let mut answers: Answers = serde_json::from_value(json!({
        "district": district.code(),
        "category": category,
        "institution": INSTITUTIONS.choose(rng).copied().unwrap_or_default(),
        "description": description,
        "occurred_on": format!(
            "{:04}-{:02}-{:02}",
            occurred_on.year(),
            occurred_on.month() as u8,
            occurred_on.day()
        ),
        "anonymous": anonymous,
    }))
    .unwrap_or_default();
    if !anonymous {
        answers.insert("name".into(), name.into());
        answers.insert("phone".into(), phone.into());
    }
    if !photos.is_empty() {
        answers.insert("photos".into(), json!(photos));
    }
    let schema = form::current("complaint").expect("the complaint form is in the catalogue");
    match form::validate(schema, &answers, today) {
        Ok(normalised) => normalised,
        Err(errors) => panic!("the generator made an invalid complaint: {errors:?}"),
    }
}
