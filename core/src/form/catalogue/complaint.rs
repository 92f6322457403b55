//! `complaint`: a citizen's complaint to an integrity office ("Akzhaiyk – adaldyq alany").

use super::{choice, district, t, tenge};
use crate::form::{Choice, Condition, FieldDef, FieldKind, FormSchema};

/// The complaint as the first release of the app wrote it: the same keys as its drafts,
/// which are still on people's phones.
pub(super) fn v1() -> FormSchema {
    FormSchema {
        id: "complaint".into(),
        version: 1,
        title: title(),
        help: Some(intro()),
        fields: vec![
            district(),
            category(categories_v1()),
            institution(),
            description(),
            occurred_on(),
            anonymous(),
            name(),
            phone(),
        ],
        rules: vec![],
    }
}

/// The current complaint: the amount asked for, photos, the place, and police as a
/// category of its own (everyday bribes asked by traffic police are a common report).
pub(super) fn v2() -> FormSchema {
    let mut categories = categories_v1();
    let other = categories.pop();
    categories.push(choice("police", "Полиция", "Полиция", "Police"));
    categories.extend(other);
    FormSchema {
        id: "complaint".into(),
        version: 2,
        title: title(),
        help: Some(intro()),
        fields: vec![
            district(),
            category(categories),
            institution(),
            description(),
            FieldDef::new(
                "amount_asked",
                FieldKind::Number { min: 0, max: 100_000_000, integer: true, unit: tenge() },
                t("Қанша ақша сұралды", "Сколько денег просили", "How much money was asked for"),
            )
            .help(t(
                "Ақша сұралса, сомасын теңгемен жазыңыз.",
                "Если просили деньги, укажите сумму в тенге.",
                "If money was asked for, give the amount in tenge.",
            )),
            occurred_on(),
            FieldDef::new(
                "photos",
                FieldKind::Photo { max: 5 },
                t("Фотосуреттер", "Фотографии", "Photos"),
            )
            .help(t(
                "Түбіртек, хабарландыру не баға тізімі — 5 фотоға дейін.",
                "Квитанция, объявление или прейскурант — до 5 фото.",
                "A receipt, a notice or a price list: up to 5 photos.",
            )),
            FieldDef::new(
                "location",
                FieldKind::Location,
                t("Оқиға болған жер", "Где это было", "Where it happened"),
            )
            .help(t(
                "Қаласаңыз, телефоныңыз анықтаған орынды қосыңыз.",
                "Если хотите, добавьте место, определённое телефоном.",
                "If you wish, add the place your phone has found.",
            )),
            anonymous(),
            name(),
            phone(),
        ],
        rules: vec![],
    }
}

/// The complaint as an appeal in the sense of APC Art. 63: besides the name and phone,
/// it offers the IIN and the postal address. They stay optional, since a complaint is
/// registered without them; with both it is a formal appeal with an answer day
/// (`appeal::Standing`).
pub(super) fn v3() -> FormSchema {
    let mut form = v2();
    form.version = 3;
    form.fields.push(iin());
    form.fields.push(postal_address());
    form
}

fn title() -> crate::form::Text {
    t("Шағым", "Жалоба", "Complaint")
}

fn intro() -> crate::form::Text {
    t(
        "Мектепте ақша жинау, емханада пара сұрау, кедергі мен төрешілдік туралы жазыңыз. \
         Жазғаныңыз осы құрылғыда бірден сақталады.",
        "Напишите о сборе денег в школе, взятке в поликлинике, барьерах и волоките. \
         Всё, что вы пишете, сразу сохраняется на этом устройстве.",
        "Tell us about money collected at a school, a bribe asked at a clinic, barriers or \
         red tape. Everything you type is saved on this device at once.",
    )
}

fn categories_v1() -> Vec<Choice> {
    vec![
        choice("school", "Мектеп", "Школа", "School"),
        choice("clinic", "Емхана не аурухана", "Поликлиника или больница", "Clinic or hospital"),
        choice("akimat", "Әкімдік", "Акимат", "Akimat office"),
        choice(
            "state_service",
            "Басқа мемлекеттік қызмет",
            "Другая государственная услуга",
            "Other state service",
        ),
        choice("other", "Басқа", "Другое", "Other"),
    ]
}

fn category(options: Vec<Choice>) -> FieldDef {
    FieldDef::new(
        "category",
        FieldKind::SingleChoice { options },
        t("Не туралы", "О чём жалоба", "What it is about"),
    )
    .required()
}

fn institution() -> FieldDef {
    FieldDef::new(
        "institution",
        FieldKind::Institution { min: 2, max: 200 },
        t("Мекеменің атауы", "Название учреждения", "Name of the institution"),
    )
    .required()
    .help(t(
        "Мысалы: №12 мектеп, Орал қ.",
        "Например: школа № 12, г. Уральск",
        "For example: School No. 12, Uralsk",
    ))
}

fn description() -> FieldDef {
    FieldDef::new(
        "description",
        FieldKind::LongText { min: 10, max: 4000 },
        t("Не болды", "Что произошло", "What happened"),
    )
    .required()
    .help(t(
        "Кім, не, қашан, қанша. 10–4000 таңба.",
        "Кто, что, когда, сколько. 10–4000 символов.",
        "Who, what, when, how much. 10–4000 characters.",
    ))
}

fn occurred_on() -> FieldDef {
    FieldDef::new(
        "occurred_on",
        FieldKind::Date { not_in_future: true, not_before_2000: true },
        t("Қашан болды", "Когда это было", "When it happened"),
    )
    .required()
}

fn anonymous() -> FieldDef {
    FieldDef::new(
        "anonymous",
        FieldKind::Checkbox,
        t("Жасырын жіберу", "Отправить анонимно", "Send anonymously"),
    )
    .help(t(
        "Мемлекеттік органдар жасырын өтініштерді қылмыс туралы болмаса қарамайды; \
         біз оны бақылауға белгі ретінде қолданамыз. Аты-жөніңіз бен телефоныңыз жіберілмейді.",
        "Анонимные обращения госорганы не рассматривают, кроме сообщений о преступлениях; \
         мы используем их как сигнал для мониторинга. Имя и телефон не отправляются.",
        "State bodies do not consider anonymous appeals except about crimes; we use them as \
         a signal for monitoring. Your name and phone are not sent.",
    ))
}

/// Shown, and kept, only when the complaint is not anonymous.
fn unless_anonymous(field: FieldDef) -> FieldDef {
    field.required().show_if(!Condition::is_true("anonymous"))
}

/// The bounds of `name`, in characters; also those of a name added later to an anonymous
/// complaint (`receipt::IdentityRequest`).
pub(crate) const NAME_MIN: usize = 2;
pub(crate) const NAME_MAX: usize = 100;

fn name() -> FieldDef {
    unless_anonymous(FieldDef::new(
        "name",
        FieldKind::ShortText { min: NAME_MIN, max: NAME_MAX },
        t("Аты-жөніңіз", "Ваше имя", "Your name"),
    ))
}

fn phone() -> FieldDef {
    unless_anonymous(
        FieldDef::new("phone", FieldKind::Phone, t("Телефон", "Телефон", "Phone")).help(t(
            "Кеңсе сізге осы нөмір арқылы хабарласады, мысалы +7 701 234 56 78.",
            "По этому номеру с вами свяжется офис, например +7 701 234 56 78.",
            "The office will call you on this number, e.g. +7 701 234 56 78.",
        )),
    )
}

/// The bounds of `postal_address`, in characters; also those of an address added later
/// to an anonymous complaint (`receipt::IdentityRequest`).
pub(crate) const ADDRESS_MIN: usize = 5;
pub(crate) const ADDRESS_MAX: usize = 300;

/// Shown, and kept, only when the complaint is not anonymous; never required.
fn offered_unless_anonymous(field: FieldDef) -> FieldDef {
    field.show_if(!Condition::is_true("anonymous"))
}

fn iin() -> FieldDef {
    offered_unless_anonymous(FieldDef::new("iin", FieldKind::Iin, t("ЖСН", "ИИН", "IIN")).help(t(
        "Жеке сәйкестендіру нөмірі, 12 цифр. ЖСН мен пошта мекенжайымен шағым ресми өтініш болады \
         (ӘРПК 63-бап) және оған 15 жұмыс күнінде жауап беріледі.",
        "Индивидуальный идентификационный номер, 12 цифр. С ИИН и почтовым адресом жалоба \
         становится официальным обращением (АППК, ст. 63), и ответ на неё дают за 15 рабочих дней.",
        "Individual identification number, 12 digits. With the IIN and a postal address the \
         complaint is a formal appeal (APC Art. 63), answered within 15 working days.",
    )))
}

fn postal_address() -> FieldDef {
    offered_unless_anonymous(
        FieldDef::new(
            "postal_address",
            FieldKind::ShortText { min: ADDRESS_MIN, max: ADDRESS_MAX },
            t("Пошта мекенжайы", "Почтовый адрес", "Postal address"),
        )
        .help(t(
            "Индекс, елді мекен, көше, үй, пәтер: ресми жауап осы мекенжайға жіберіледі.",
            "Индекс, населённый пункт, улица, дом, квартира: сюда отправят официальный ответ.",
            "Postcode, town or village, street, house, flat: where the formal answer is sent.",
        )),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::Date;
    use time::macros::date;

    use crate::ErrorCode;
    use crate::form::{Answers, find, validate};

    const TODAY: Date = date!(2026 - 11 - 25);

    /// A complaint as the first release's drafts hold it: every field a string.
    fn filled() -> Answers {
        serde_json::from_value(json!({
            "district": "URA",
            "category": "school",
            "institution": "  School No. 12  ",
            "description": "Parents were asked for 5000 tenge for curtains.",
            "occurred_on": "2026-11-20",
            "anonymous": false,
            "name": "Aigerim S.",
            "phone": "8 701 234 56 78",
        }))
        .unwrap()
    }

    fn check(version: u32, answers: &Answers) -> Result<Answers, crate::FieldErrors> {
        validate(find("complaint", version).unwrap(), answers, TODAY)
    }

    #[test]
    fn a_first_release_draft_is_valid_in_both_versions_and_normalises_alike() {
        let v1 = check(1, &filled()).unwrap();
        let v2 = check(2, &filled()).unwrap();
        assert_eq!(v1, v2);
        assert_eq!(
            serde_json::to_value(&v1).unwrap(),
            json!({
                "district": "URA",
                "category": "school",
                "institution": "School No. 12",
                "description": "Parents were asked for 5000 tenge for curtains.",
                "occurred_on": "2026-11-20",
                "anonymous": false,
                "name": "Aigerim S.",
                "phone": "+77012345678",
            })
        );
    }

    #[test]
    fn an_empty_complaint_reports_every_required_field_in_form_order() {
        let errors = check(2, &Answers::new()).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["district", "category", "institution", "description", "occurred_on", "name", "phone"]
        );
        assert!(errors.0.iter().all(|e| e.code == ErrorCode::Required));
    }

    #[test]
    fn an_anonymous_complaint_needs_no_contact_and_keeps_none() {
        let mut answers = filled();
        answers.insert("anonymous".into(), json!(true));
        answers.insert("phone".into(), json!("junk"));
        let normalised = check(2, &answers).unwrap();
        assert_eq!(normalised["anonymous"], json!(true));
        assert!(!normalised.contains_key("name"));
        assert!(!normalised.contains_key("phone"));
    }

    #[test]
    fn description_length_is_bounded_in_characters() {
        let with = |description: String| {
            let mut answers = filled();
            answers.insert("description".into(), json!(description));
            check(2, &answers).err().and_then(|e| e.get("description"))
        };
        assert_eq!(with("Взятка".into()), Some(ErrorCode::TooShort { min: 10 }));
        assert_eq!(with("ә".repeat(4001)), Some(ErrorCode::TooLong { max: 4000 }));
        assert_eq!(with("ә".repeat(4000)), None);
    }

    #[test]
    fn the_third_version_offers_the_iin_and_address_checked_and_never_required() {
        assert!(check(3, &filled()).is_ok(), "a named complaint without them is accepted");
        let mut answers = filled();
        answers.insert("iin".into(), json!("900101 300007"));
        answers.insert("postal_address".into(), json!(" 090000, Uralsk, Dostyk 12-5 "));
        let normalised = check(3, &answers).unwrap();
        assert_eq!(normalised["iin"], json!("900101300007"));
        assert_eq!(normalised["postal_address"], json!("090000, Uralsk, Dostyk 12-5"));
        answers.insert("iin".into(), json!("900101300008"));
        answers.insert("postal_address".into(), json!("Ura"));
        let errors = check(3, &answers).unwrap_err();
        assert_eq!(errors.get("iin"), Some(ErrorCode::IinCheckDigit));
        assert_eq!(errors.get("postal_address"), Some(ErrorCode::TooShort { min: 5 }));
        // Anonymous: neither is kept, whatever was typed.
        answers.insert("anonymous".into(), json!(true));
        let anonymous = check(3, &answers).unwrap();
        assert!(!anonymous.contains_key("iin") && !anonymous.contains_key("postal_address"));
    }

    #[test]
    fn police_is_a_category_of_the_second_version_only() {
        let mut answers = filled();
        answers.insert("category".into(), json!("police"));
        assert!(check(2, &answers).is_ok());
        assert_eq!(check(1, &answers).unwrap_err().get("category"), Some(ErrorCode::UnknownChoice));
    }

    #[test]
    fn the_second_version_keeps_the_amount_photos_and_place() {
        let mut answers = filled();
        answers.insert("amount_asked".into(), json!("5 000"));
        answers.insert("location".into(), json!({ "lat": 51.23, "lon": 51.37, "accuracy_m": 30 }));
        answers.insert("photos".into(), json!([]));
        let normalised = check(2, &answers).unwrap();
        assert_eq!(normalised["amount_asked"], json!(5000));
        assert_eq!(normalised["location"]["lat"], json!(51.23));
        assert!(!normalised.contains_key("photos"), "an empty list is no answer");
        let v1 = check(1, &answers).unwrap();
        assert!(!v1.contains_key("amount_asked"), "version 1 does not ask for it");
    }
}
