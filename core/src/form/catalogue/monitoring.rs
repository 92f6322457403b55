//! `monitoring_school` and `monitoring_clinic`: checklists volunteers of the integrity
//! offices fill in on a visit.

use super::{choice, district, t, tenge};
use crate::form::{Condition, FieldDef, FieldKind, FormSchema, Text};

pub(super) fn school_v1() -> FormSchema {
    let if_collected = || Condition::is_true("money_collected");
    let mut fields = vec![
        district(),
        institution(
            t("Мектеп", "Школа", "School"),
            t(
                "Мысалы: №12 жалпы білім беретін мектеп, Орал қ.",
                "Например: общеобразовательная школа № 12, г. Уральск",
                "For example: Secondary School No. 12, Uralsk",
            ),
        ),
        visit_date(),
        visit_time(),
        FieldDef::new(
            "money_collected",
            FieldKind::YesNo,
            t(
                "Ата-аналардан ақша жиналып жатыр ма?",
                "Собирают ли деньги с родителей?",
                "Is money being collected from parents?",
            ),
        )
        .required(),
        FieldDef::new(
            "collected_for",
            FieldKind::MultipleChoice {
                options: vec![
                    choice("repairs", "Жөндеу", "Ремонт", "Repairs"),
                    choice("security", "Күзет", "Охрана", "Security guards"),
                    choice(
                        "curtains_furniture",
                        "Перде, жиһаз",
                        "Шторы, мебель",
                        "Curtains, furniture",
                    ),
                    choice(
                        "gifts",
                        "Мұғалімдерге сыйлық",
                        "Подарки учителям",
                        "Gifts for teachers",
                    ),
                    choice(
                        "textbooks",
                        "Оқулықтар, жұмыс дәптерлері",
                        "Учебники, рабочие тетради",
                        "Textbooks, workbooks",
                    ),
                    choice(
                        "events",
                        "Іс-шаралар, мерекелер",
                        "Мероприятия, праздники",
                        "Events, celebrations",
                    ),
                    choice("other", "Басқа", "Другое", "Other"),
                ],
                min: 1,
                max: 7,
            },
            t("Не үшін жиналады", "На что собирают", "What it is collected for"),
        )
        .required()
        .show_if(if_collected()),
        FieldDef::new(
            "collected_for_other",
            FieldKind::ShortText { min: 2, max: 200 },
            t("Тағы не үшін", "На что ещё", "What else"),
        )
        .required()
        .show_if(Condition::equals("collected_for", "other")),
        FieldDef::new(
            "amount",
            FieldKind::Number { min: 0, max: 10_000_000, integer: true, unit: tenge() },
            t(
                "Бір баладан қанша сұралады",
                "Сколько просят с одного ребёнка",
                "How much is asked per child",
            ),
        )
        .show_if(if_collected()),
        FieldDef::new(
            "collected_by",
            FieldKind::SingleChoice {
                options: vec![
                    choice(
                        "parents_committee",
                        "Ата-аналар комитеті",
                        "Родительский комитет",
                        "Parents' committee",
                    ),
                    choice(
                        "class_teacher",
                        "Сынып жетекшісі",
                        "Классный руководитель",
                        "Class teacher",
                    ),
                    choice(
                        "administration",
                        "Мектеп әкімшілігі",
                        "Администрация школы",
                        "School management",
                    ),
                    choice(
                        "fund",
                        "Қор не қайырымдылық ұйымы",
                        "Фонд или благотворительная организация",
                        "A foundation or charity",
                    ),
                    choice("unknown", "Белгісіз", "Неизвестно", "Not known"),
                ],
            },
            t("Ақшаны кім жинайды", "Кто собирает деньги", "Who collects the money"),
        )
        .required()
        .show_if(if_collected()),
        FieldDef::new(
            "receipts_given",
            FieldKind::YesNo,
            t(
                "Төлегенде түбіртек беріле ме?",
                "Выдают ли квитанции об оплате?",
                "Are receipts given for the payments?",
            ),
        )
        .required()
        .show_if(if_collected()),
        price_list_posted(),
    ];
    fields.extend(visit_end());
    FormSchema {
        id: "monitoring_school".into(),
        version: 1,
        title: t(
            "Мектепті бақылау парағы",
            "Чек-лист мониторинга школы",
            "School monitoring checklist",
        ),
        help: Some(t(
            "Еріктілерге арналған: мектепке барғанда көргеніңізді белгілеңіз. \
             Балалардың бетін суретке түсірмеңіз.",
            "Для волонтёров: отметьте, что вы увидели в школе. \
             Не фотографируйте лица детей.",
            "For volunteers: record what you saw on your visit to the school. \
             Do not photograph children's faces.",
        )),
        fields,
        rules: vec![],
    }
}

pub(super) fn clinic_v1() -> FormSchema {
    let mut fields = vec![
        district(),
        institution(
            t("Емхана не аурухана", "Поликлиника или больница", "Clinic or hospital"),
            t(
                "Мысалы: №3 қалалық емхана, Орал қ.",
                "Например: городская поликлиника № 3, г. Уральск",
                "For example: City Clinic No. 3, Uralsk",
            ),
        ),
        visit_date(),
        visit_time(),
        FieldDef::new(
            "blood_draw_start",
            FieldKind::Time,
            t(
                "Таңертең қан алу нешеде басталды",
                "Во сколько начался утренний забор крови",
                "When morning blood draws began",
            ),
        )
        .help(t(
            "Кестеде жазылғаны емес, шын басталған уақыты.",
            "Фактическое время, а не по расписанию.",
            "The actual time, not the posted hours.",
        )),
        FieldDef::new(
            "blood_draw_end",
            FieldKind::Time,
            t(
                "Қан алу нешеде аяқталды",
                "Во сколько закончился забор крови",
                "When blood draws ended",
            ),
        ),
        FieldDef::new(
            "queue_length",
            FieldKind::Number {
                min: 0,
                max: 500,
                integer: true,
                unit: Some(t("адам", "человек", "people")),
            },
            t(
                "Кезекте қанша адам болды",
                "Сколько человек было в очереди",
                "How many people were queueing",
            ),
        )
        .required(),
        FieldDef::new(
            "waiting_minutes",
            FieldKind::Number {
                min: 0,
                max: 600,
                integer: true,
                unit: Some(t("минут", "минут", "minutes")),
            },
            t(
                "Қанша минут күтуге тура келді",
                "Сколько минут пришлось ждать",
                "How many minutes you had to wait",
            ),
        )
        .required(),
        price_list_posted(),
        FieldDef::new(
            "informal_payment_asked",
            FieldKind::YesNo,
            t(
                "Бейресми ақы («алғыс») сұралды ма?",
                "Просили ли неофициальную плату («благодарность»)?",
                "Was an informal payment (a \"thank-you\") asked for?",
            ),
        )
        .required(),
        FieldDef::new(
            "informal_payment_amount",
            FieldKind::Number { min: 0, max: 10_000_000, integer: true, unit: tenge() },
            t("Қанша сұралды", "Сколько просили", "How much was asked"),
        )
        .show_if(Condition::is_true("informal_payment_asked")),
    ];
    fields.extend(visit_end());
    FormSchema {
        id: "monitoring_clinic".into(),
        version: 1,
        title: t(
            "Емхананы бақылау парағы",
            "Чек-лист мониторинга поликлиники",
            "Clinic monitoring checklist",
        ),
        help: Some(t(
            "Еріктілерге арналған: емханаға барғанда көргеніңізді белгілеңіз. \
             Науқастардың бетін суретке түсірмеңіз.",
            "Для волонтёров: отметьте, что вы увидели в поликлинике. \
             Не фотографируйте лица пациентов.",
            "For volunteers: record what you saw on your visit to the clinic. \
             Do not photograph patients' faces.",
        )),
        fields,
        rules: vec![],
    }
}

fn institution(label: Text, help: Text) -> FieldDef {
    FieldDef::new("institution", FieldKind::Institution { min: 2, max: 200 }, label)
        .required()
        .help(help)
}

fn visit_date() -> FieldDef {
    FieldDef::new(
        "visit_date",
        FieldKind::Date { not_in_future: true, not_before_2000: true },
        t("Барған күн", "Дата посещения", "Date of the visit"),
    )
    .required()
}

fn visit_time() -> FieldDef {
    FieldDef::new(
        "visit_time",
        FieldKind::Time,
        t("Барған уақыт", "Время посещения", "Time of the visit"),
    )
    .required()
}

fn price_list_posted() -> FieldDef {
    FieldDef::new(
        "price_list_posted",
        FieldKind::YesNo,
        t(
            "Ақылы қызметтердің баға тізімі көрінетін жерде ілулі ме?",
            "Вывешен ли на виду прейскурант платных услуг?",
            "Is a price list of paid services on display?",
        ),
    )
    .required()
}

/// The end of every checklist: how staff behaved, notes, photos and the place.
fn visit_end() -> [FieldDef; 4] {
    [
        FieldDef::new(
            "staff_behaviour",
            FieldKind::SingleChoice {
                options: vec![
                    choice("polite", "Сыпайы", "Вежливо", "Polite"),
                    choice("neutral", "Бейтарап", "Нейтрально", "Neutral"),
                    choice("rude", "Дөрекі", "Грубо", "Rude"),
                ],
            },
            t("Қызметкерлер өзін қалай ұстады", "Как вёл себя персонал", "How the staff behaved"),
        )
        .required(),
        FieldDef::new(
            "notes",
            FieldKind::LongText { min: 1, max: 4000 },
            t("Қосымша ескертпелер", "Дополнительные заметки", "Other notes"),
        ),
        FieldDef::new(
            "photos",
            FieldKind::Photo { max: 10 },
            t("Фотосуреттер", "Фотографии", "Photos"),
        )
        .help(t(
            "Хабарландырулар, баға тізімдері, түбіртектер — 10 фотоға дейін. \
                 Адамдардың бетін түсірмеңіз.",
            "Объявления, прейскуранты, квитанции — до 10 фото. Не снимайте лица людей.",
            "Notices, price lists, receipts: up to 10 photos. Do not photograph faces.",
        )),
        FieldDef::new(
            "location",
            FieldKind::Location,
            t("Мекеменің орны", "Где находится учреждение", "Where the place is"),
        )
        .help(t(
            "Телефоныңыз анықтаған орынды қосыңыз.",
            "Добавьте место, определённое телефоном.",
            "Add the place your phone has found.",
        )),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use crate::ErrorCode;
    use crate::form::{Answers, current, validate};

    fn check(form: &str, answers: serde_json::Value) -> Result<Answers, crate::FieldErrors> {
        let answers: Answers = serde_json::from_value(answers).unwrap();
        validate(current(form).unwrap(), &answers, date!(2026 - 11 - 25))
    }

    #[test]
    fn a_school_where_money_is_collected_records_for_what_and_by_whom() {
        let normalised = check(
            "monitoring_school",
            json!({
                "district": "AKZ", "institution": "Chapaev school No. 1",
                "visit_date": "2026-11-24", "visit_time": "9:40",
                "money_collected": true, "collected_for": ["security", "other", "repairs"],
                "collected_for_other": "New Year presents", "amount": "3 000",
                "collected_by": "parents_committee", "receipts_given": false,
                "price_list_posted": false, "staff_behaviour": "neutral",
            }),
        )
        .unwrap();
        assert_eq!(normalised["collected_for"], json!(["repairs", "security", "other"]));
        assert_eq!(normalised["amount"], json!(3000));
        assert_eq!(normalised["visit_time"], json!("09:40"));
    }

    #[test]
    fn a_school_collecting_no_money_is_not_asked_the_follow_up_questions() {
        let normalised = check(
            "monitoring_school",
            json!({
                "district": "AKZ", "institution": "Chapaev school No. 1",
                "visit_date": "2026-11-24", "visit_time": "09:40",
                "money_collected": false, "collected_for": ["gifts"], "amount": 500,
                "price_list_posted": true, "staff_behaviour": "polite",
            }),
        )
        .unwrap();
        assert!(!normalised.contains_key("collected_for"));
        assert!(!normalised.contains_key("amount"));
    }

    #[test]
    fn a_clinic_checklist_counts_the_queue_and_the_wait() {
        let base = json!({
            "district": "URA", "institution": "City Clinic No. 3",
            "visit_date": "2026-11-24", "visit_time": "07:50",
            "blood_draw_start": "08:10", "blood_draw_end": "09:30",
            "queue_length": 35, "waiting_minutes": "70",
            "price_list_posted": true, "informal_payment_asked": true,
            "informal_payment_amount": "2000", "staff_behaviour": "rude",
            "notes": "The nurse asked for 2000 tenge to take blood without queueing.",
        });
        let normalised = check("monitoring_clinic", base.clone()).unwrap();
        assert_eq!(normalised["waiting_minutes"], json!(70));
        assert_eq!(normalised["informal_payment_amount"], json!(2000));

        let mut wrong = base;
        wrong["blood_draw_start"] = json!("8 o'clock");
        wrong["queue_length"] = json!("many");
        wrong["waiting_minutes"] = json!(900);
        let errors = check("monitoring_clinic", wrong).unwrap_err();
        assert_eq!(errors.get("blood_draw_start"), Some(ErrorCode::InvalidTime));
        assert_eq!(errors.get("queue_length"), Some(ErrorCode::NotANumber));
        assert_eq!(
            errors.get("waiting_minutes"),
            Some(ErrorCode::NumberOutOfRange { min: 0, max: 600 })
        );
    }
}
