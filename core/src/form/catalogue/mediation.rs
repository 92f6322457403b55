//! `mediation_request`: asking a reconciliation centre or a mediator to help settle a
//! dispute out of court (Law "On mediation" of 28 January 2011 No. 401-IV).

use super::{choice, district, t};
use crate::ErrorCode;
use crate::form::{Condition, FieldDef, FieldKind, FormSchema, Rule};

/// The directory kinds that offer mediation.
const MEDIATION_PROVIDERS: [&str; 2] = ["reconciliation_centre", "mediator"];

pub(super) fn request_v1() -> FormSchema {
    FormSchema {
        id: "mediation_request".into(),
        version: 1,
        title: t("Медиацияға өтініш", "Заявка на медиацию", "Mediation request"),
        help: Some(t(
            "Дауды сотқа бармай, бейтарап медиатордың көмегімен бітімге келіп шешуге болады. \
             Медиация ерікті және құпия; оған екі тарап та келісуі керек.",
            "Спор можно урегулировать без суда, с помощью нейтрального медиатора. \
             Медиация добровольна и конфиденциальна; на неё должны согласиться обе стороны.",
            "A dispute can be settled without going to court, with the help of a neutral \
             mediator. Mediation is voluntary and confidential; both sides must agree to it.",
        )),
        fields: vec![
            district(),
            FieldDef::new(
                "applicant_name",
                FieldKind::ShortText { min: 2, max: 100 },
                t("Аты-жөніңіз", "Ваши фамилия, имя и отчество", "Your full name"),
            )
            .required(),
            FieldDef::new(
                "applicant_phone",
                FieldKind::Phone,
                t("Телефоныңыз", "Ваш телефон", "Your phone"),
            )
            .required()
            .help(t(
                "Орталық сізге осы нөмір арқылы хабарласады.",
                "По этому номеру с вами свяжется центр.",
                "The centre will call you on this number.",
            )),
            FieldDef::new(
                "applicant_iin",
                FieldKind::Iin,
                t("ЖСН (міндетті емес)", "ИИН (необязательно)", "IIN (optional)"),
            )
            .help(t(
                "ЖСН дауды реттеу туралы келісімге жазылады; оны кейін де айтуға болады.",
                "ИИН вписывается в соглашение об урегулировании спора; его можно сообщить и позже.",
                "Your IIN goes into the settlement agreement; you may also give it later.",
            )),
            parties(),
            FieldDef::new(
                "other_party_state_body",
                FieldKind::YesNo,
                t(
                    "Екінші тараптардың бірі мемлекеттік орган ба (әкімдік, полиция, \
                     салық органы, басқарма т.б.)?",
                    "Является ли одна из других сторон государственным органом (акимат, \
                     полиция, налоговая, управление и т. п.)?",
                    "Is any other party a state body (an akimat, the police, the tax office, \
                     a government department and so on)?",
                ),
            )
            .required()
            .help(t(
                "Заң бойынша мемлекеттік органмен медиация жүргізілмейді.",
                "По закону с государственным органом медиация не проводится.",
                "The law does not allow mediation with a state body.",
            )),
            FieldDef::new(
                "dispute_kind",
                FieldKind::SingleChoice {
                    options: vec![
                        choice(
                            "family",
                            "Отбасылық (ерлі-зайыптылар, балалар, алимент)",
                            "Семейный (супруги, дети, алименты)",
                            "Family (spouses, children, maintenance)",
                        ),
                        choice("neighbours", "Көршілермен", "С соседями", "Neighbours"),
                        choice(
                            "property",
                            "Мүлік, баспана, жер",
                            "Имущество, жильё, земля",
                            "Property, housing, land",
                        ),
                        choice("debt", "Қарыз", "Долг", "Debt"),
                        choice(
                            "consumer",
                            "Тұтынушы дауы (сатып алу, қызмет)",
                            "Потребительский (покупка, услуга)",
                            "Consumer (a purchase or a service)",
                        ),
                        choice(
                            "labour",
                            "Еңбек дауы (жұмыс беруші, жалақы)",
                            "Трудовой (работодатель, зарплата)",
                            "Work (employer, wages)",
                        ),
                        choice("inheritance", "Мұра", "Наследство", "Inheritance"),
                        choice("other", "Басқа", "Другое", "Other"),
                    ],
                },
                t("Дау не туралы", "О чём спор", "What the dispute is about"),
            )
            .required(),
            FieldDef::new(
                "description",
                FieldKind::LongText { min: 10, max: 4000 },
                t("Не болды", "Что произошло", "What happened"),
            )
            .required()
            .help(t(
                "Дау қашан және қалай басталды, қазір жағдай қандай.",
                "Когда и как начался спор и как обстоят дела сейчас.",
                "When and how the dispute began, and where things stand now.",
            )),
            FieldDef::new(
                "applicant_wants",
                FieldKind::LongText { min: 5, max: 2000 },
                t("Сіз не қалайсыз", "Чего вы хотите", "What you would like"),
            )
            .required()
            .help(t(
                "Дау қалай шешілсе, сіз үшін әділ болар еді?",
                "Какое решение было бы для вас справедливым?",
                "What outcome would feel fair to you?",
            )),
            FieldDef::new(
                "other_side_wants",
                FieldKind::LongText { min: 1, max: 2000 },
                t(
                    "Екінші тарап не қалайды (білсеңіз)",
                    "Чего хочет другая сторона (насколько вам известно)",
                    "What the other side wants, as far as you know",
                ),
            ),
            FieldDef::new(
                "preferred_provider",
                FieldKind::Provider {
                    kinds: MEDIATION_PROVIDERS.iter().map(|k| k.to_string()).collect(),
                },
                t(
                    "Қалаған орталық не медиатор",
                    "Предпочитаемый центр или медиатор",
                    "Preferred centre or mediator",
                ),
            )
            .help(t(
                "Міндетті емес: анықтамалықтан таңдаңыз, әйтпесе орталық өзі ұсынады.",
                "Необязательно: выберите из справочника, иначе центр предложит сам.",
                "Optional: choose one from the directory, or the centre will suggest one.",
            )),
            FieldDef::new(
                "preferred_language",
                FieldKind::SingleChoice {
                    options: vec![
                        choice("kk", "Қазақ тілі", "Казахский", "Kazakh"),
                        choice("ru", "Орыс тілі", "Русский", "Russian"),
                    ],
                },
                t(
                    "Медиация қай тілде өтсін",
                    "На каком языке вести медиацию",
                    "Language of the mediation",
                ),
            )
            .required(),
            FieldDef::new(
                "consent",
                FieldKind::Consent,
                t(
                    "Медиацияға өз еркіммен келісемін және орталыққа менімен хабарласуға, \
                     осы мәліметтерді тек осы дауды реттеу үшін пайдалануға рұқсат беремін.",
                    "Я добровольно соглашаюсь на медиацию и разрешаю центру связаться со мной \
                     и использовать эти сведения только для урегулирования этого спора.",
                    "I agree to mediation of my own free will, and allow the centre to contact \
                     me and to use this information only to settle this dispute.",
                ),
            )
            .required()
            .help(t(
                "Медиация құпия: медиатор естігенін ешкімге айтпайды.",
                "Медиация конфиденциальна: медиатор никому не передаёт услышанное.",
                "Mediation is confidential: the mediator repeats to no one what they hear.",
            )),
        ],
        rules: vec![Rule {
            when: Condition::is_true("other_party_state_body"),
            field: "other_party_state_body".into(),
            code: ErrorCode::MediationWithStateBody,
        }],
    }
}

/// Version 2 also asks what else bars mediation by law (Law "On mediation", Art. 1):
/// a criminal case about a corruption offence, a party without legal capacity, a
/// dispute that touches the rights of people outside it. Each "yes" is refused with its
/// own message; the last two point to a lawyer or a notary instead.
pub(super) fn request_v2() -> FormSchema {
    let mut form = request_v1();
    form.version = 2;
    let at = form
        .fields
        .iter()
        .position(|f| f.key == "other_party_state_body")
        .expect("version 1 asks about a state body")
        + 1;
    let bars = [
        (
            "corruption_case",
            t(
                "Бұл сыбайлас жемқорлық қылмысы туралы қылмыстық іс пе (пара, лауазымды \
                 өкілеттікті теріс пайдалану т.б.)?",
                "Это уголовное дело о коррупционном правонарушении (взятка, злоупотребление \
                 должностными полномочиями и т. п.)?",
                "Is this a criminal case about a corruption offence (a bribe, abuse of \
                 office and so on)?",
            ),
            ErrorCode::MediationCorruptionCase,
        ),
        (
            "party_lacks_capacity",
            t(
                "Тараптардың бірін сот әрекетке қабілетсіз деп таныды ма?",
                "Признана ли одна из сторон судом недееспособной?",
                "Has a court found any party to lack legal capacity?",
            ),
            ErrorCode::MediationPartyIncapable,
        ),
        (
            "third_parties_affected",
            t(
                "Дау оған қатыспайтын адамдардың құқығын қозғай ма (мысалы, басқа \
                 мұрагерлердің не меншік иелерінің)?",
                "Затрагивает ли спор права людей, не участвующих в нём (например, других \
                 наследников или собственников)?",
                "Does the dispute touch the rights of people outside it (other heirs or \
                 owners, for example)?",
            ),
            ErrorCode::MediationThirdParties,
        ),
    ];
    for (n, (key, label, code)) in bars.into_iter().enumerate() {
        form.fields.insert(
            at + n,
            FieldDef::new(key, FieldKind::YesNo, label).required().help(t(
                "Заң бойынша мұндай дауда медиация жүргізілмейді.",
                "По закону в таком споре медиация не проводится.",
                "The law does not allow mediation in such a dispute.",
            )),
        );
        form.rules.push(Rule { when: Condition::is_true(key), field: key.into(), code });
    }
    form
}

/// One or more other parties, each with a way to reach them.
fn parties() -> FieldDef {
    let reach_by_phone = Condition::Any(vec![
        Condition::equals("reach_by", "phone"),
        Condition::equals("reach_by", "both"),
    ]);
    let reach_at_address = Condition::Any(vec![
        Condition::equals("reach_by", "address"),
        Condition::equals("reach_by", "both"),
    ]);
    FieldDef::new(
        "parties",
        FieldKind::Group {
            item: t("Екінші тарап", "Другая сторона", "Other party"),
            min: 1,
            max: 5,
            fields: vec![
                FieldDef::new(
                    "name",
                    FieldKind::ShortText { min: 2, max: 200 },
                    t(
                        "Аты-жөні не ұйымның атауы",
                        "ФИО или название организации",
                        "Name, or the organisation's name",
                    ),
                )
                .required(),
                FieldDef::new(
                    "reach_by",
                    FieldKind::SingleChoice {
                        options: vec![
                            choice("phone", "Телефон арқылы", "По телефону", "By phone"),
                            choice("address", "Мекенжай арқылы", "По адресу", "At an address"),
                            choice(
                                "both",
                                "Телефоны да, мекенжайы да белгілі",
                                "Известны и телефон, и адрес",
                                "Both phone and address are known",
                            ),
                        ],
                    },
                    t(
                        "Онымен қалай байланысуға болады",
                        "Как с ней связаться",
                        "How to reach them",
                    ),
                )
                .required(),
                FieldDef::new("phone", FieldKind::Phone, t("Телефоны", "Телефон", "Phone"))
                    .required()
                    .show_if(reach_by_phone),
                FieldDef::new(
                    "address",
                    FieldKind::ShortText { min: 5, max: 300 },
                    t("Мекенжайы", "Адрес", "Address"),
                )
                .required()
                .show_if(reach_at_address)
                .help(t(
                    "Елді мекен, көше, үй, пәтер.",
                    "Населённый пункт, улица, дом, квартира.",
                    "Town or village, street, house, flat.",
                )),
            ],
        },
        t("Дауласқан тараптар", "Другие стороны спора", "The other side of the dispute"),
    )
    .required()
    .help(t(
        "Дауға қатысы бар әр адамды не ұйымды қосыңыз (5-ке дейін).",
        "Добавьте каждого человека или организацию, участвующих в споре (до 5).",
        "Add each person or organisation involved in the dispute (up to 5).",
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use crate::form::{Answers, current, validate};
    use crate::{ErrorCode, Lang};

    fn filled() -> Answers {
        serde_json::from_value(json!({
            "district": "BUR",
            "applicant_name": "Aigerim Sadykova",
            "applicant_phone": "+7 701 234 56 78",
            "applicant_iin": "900101300007",
            "parties": [
                { "name": "Bolat K.", "reach_by": "both", "phone": "87051112233", "address": "Aksai, 2 mkr, 14-5" },
                { "name": "Dana M.", "reach_by": "address", "address": "Aksai, Druzhby 7" },
            ],
            "other_party_state_body": false,
            "corruption_case": false,
            "party_lacks_capacity": false,
            "third_parties_affected": false,
            "dispute_kind": "neighbours",
            "description": "The neighbours' water pipe leaks into our cellar every spring.",
            "applicant_wants": "That they repair the pipe and pay for the cellar walls.",
            "preferred_language": "kk",
            "consent": true,
        }))
        .unwrap()
    }

    fn check(answers: &Answers) -> Result<Answers, crate::FieldErrors> {
        validate(current("mediation_request").unwrap(), answers, date!(2026 - 11 - 25))
    }

    #[test]
    fn a_filled_request_is_accepted_with_each_party_reachable() {
        let normalised = check(&filled()).unwrap();
        assert_eq!(normalised["parties"][0]["phone"], json!("+77051112233"));
        assert_eq!(normalised["parties"][1].get("phone"), None);
    }

    #[test]
    fn a_party_needs_the_phone_or_address_it_says_it_has() {
        let mut answers = filled();
        answers.insert("parties".into(), json!([{ "name": "Bolat K.", "reach_by": "phone" }]));
        let errors = check(&answers).unwrap_err();
        assert_eq!(errors.get("parties.0.phone"), Some(ErrorCode::Required));
        assert_eq!(errors.get("parties.0.address"), None);
        answers.insert("parties".into(), json!([]));
        assert_eq!(
            check(&answers).unwrap_err().get("parties"),
            Some(ErrorCode::TooFewItems { min: 1 })
        );
    }

    #[test]
    fn a_state_body_as_a_party_is_refused_with_advice_to_complain_instead() {
        let mut answers = filled();
        answers.insert("other_party_state_body".into(), json!(true));
        let errors = check(&answers).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        let code = errors.get("other_party_state_body").unwrap();
        assert_eq!(code, ErrorCode::MediationWithStateBody);
        assert!(code.message(Lang::En).contains("complaint"));
        assert!(code.message(Lang::Ru).contains("жалоб"));
        assert!(code.message(Lang::Kk).contains("шағым"));
    }

    #[test]
    fn consent_and_the_state_body_question_must_be_answered() {
        let mut answers = filled();
        answers.remove("consent");
        answers.remove("other_party_state_body");
        let errors = check(&answers).unwrap_err();
        assert_eq!(errors.get("consent"), Some(ErrorCode::ConsentRequired));
        assert_eq!(errors.get("other_party_state_body"), Some(ErrorCode::Required));
    }

    #[test]
    fn an_iin_is_optional_but_checked_when_given() {
        let mut answers = filled();
        answers.remove("applicant_iin");
        assert!(check(&answers).is_ok());
        answers.insert("applicant_iin".into(), json!("900101300008"));
        assert_eq!(
            check(&answers).unwrap_err().get("applicant_iin"),
            Some(ErrorCode::IinCheckDigit)
        );
    }

    #[test]
    fn a_corruption_case_is_refused_and_the_other_bars_point_to_a_lawyer_or_notary() {
        for (key, code, words) in [
            ("corruption_case", ErrorCode::MediationCorruptionCase, "1424"),
            ("party_lacks_capacity", ErrorCode::MediationPartyIncapable, "notary"),
            ("third_parties_affected", ErrorCode::MediationThirdParties, "notary"),
        ] {
            let mut answers = filled();
            answers.insert(key.into(), json!(true));
            let errors = check(&answers).unwrap_err();
            assert_eq!(errors.0.len(), 1, "{key}");
            assert_eq!(errors.get(key), Some(code));
            assert!(code.message(Lang::En).contains(words), "{key}");
            assert!(!code.message(Lang::Kk).is_empty() && !code.message(Lang::Ru).is_empty());
            answers.remove(key);
            assert_eq!(check(&answers).unwrap_err().get(key), Some(ErrorCode::Required));
        }
    }

    #[test]
    fn a_first_version_request_is_still_accepted_without_the_new_questions() {
        let mut answers = filled();
        for key in ["corruption_case", "party_lacks_capacity", "third_parties_affected"] {
            answers.remove(key);
        }
        let v1 = crate::form::find("mediation_request", 1).unwrap();
        assert!(validate(v1, &answers, date!(2026 - 11 - 25)).is_ok());
        assert_eq!(current("mediation_request").unwrap().version, 2);
    }
}
