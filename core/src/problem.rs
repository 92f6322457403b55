//! Why the API refused a request: every problem code, declared once.
//!
//! One row of the table below gives a code its variant, its wire name (the `code` member
//! and the end of the `type` URI), its HTTP status and its title in Kazakh, Russian and
//! English; [`problem_codes!`] makes the enum, [`ProblemCode::ALL`], `as_str`, `status`,
//! `title` and the name-only reader from it. A leaf module: it needs only [`Lang`].

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Makes [`ProblemCode`] and its lookups from one row per code:
/// `Variant = "wire_name", status, kk: "...", ru: "...", en: "...";`.
macro_rules! problem_codes {
    ($(#[$enum_doc:meta])* pub enum ProblemCode { $(
        $(#[$doc:meta])*
        $code:ident = $name:literal, $status:literal,
            kk: $kk:literal, ru: $ru:literal, en: $en:literal;
    )* }) => {
        $(#[$enum_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum ProblemCode {
            $($(#[$doc])* $code,)*
        }

        impl ProblemCode {
            /// Every code, in the order they are declared.
            pub const ALL: [ProblemCode; [$($name),*].len()] = [$(ProblemCode::$code),*];

            /// The stable code, as in the `code` member and the end of the `type` URI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProblemCode::$code => $name,)*
                }
            }

            /// The HTTP status that goes with the problem.
            pub fn status(self) -> u16 {
                match self {
                    $(ProblemCode::$code => $status,)*
                }
            }

            /// A sentence a person can act on, in their language.
            pub fn title(self, lang: Lang) -> &'static str {
                match self {
                    $(ProblemCode::$code => match lang {
                        Lang::Kk => $kk,
                        Lang::Ru => $ru,
                        Lang::En => $en,
                    },)*
                }
            }
        }
    };
}

problem_codes! {
/// Why the API refused a request: one stable code per kind of problem (RFC 9457 `type`).
///
/// Read by its name from [`ProblemCode::ALL`]: serde's derive writes three matchers of
/// the names (text, bytes, index) for every decoder, some 15 KB of the browser's wasm.
pub enum ProblemCode {
    MalformedRequest = "malformed_request", 400,
        kk: "Сұрау дұрыс құрылмаған.",
        ru: "Запрос составлен неправильно.",
        en: "The request is malformed.";

    ValidationFailed = "validation_failed", 422,
        kk: "Кейбір өрістерді түзету керек.",
        ru: "Некоторые поля нужно исправить.",
        en: "Some fields need correcting.";

    UnknownForm = "unknown_form", 422,
        kk: "Бұл форманың нұсқасы қабылданбайды; қолданбаны жаңартыңыз.",
        ru: "Эта версия формы не принимается; обновите приложение.",
        en: "This form version is not accepted; please update the app.";

    ConflictingResubmission = "conflicting_resubmission", 409,
        kk: "Бұл өтініш басқа мазмұнмен бұрын жіберілген; оны жаңа өтініш ретінде жіберіңіз.",
        ru: "Это обращение уже отправлено с другим текстом; отправьте его как новое.",
        en: "This submission was already sent with different content; send it as a new one.";

    BodyTooLarge = "body_too_large", 413,
        kk: "Өтініш тым үлкен; мәтінді қысқартыңыз.",
        ru: "Обращение слишком большое; сократите текст.",
        en: "The submission is too large; please shorten the text.";

    UnsupportedMediaType = "unsupported_media_type", 415,
        kk: "Сұрау JSON түрінде болуы керек.",
        ru: "Запрос должен быть в формате JSON.",
        en: "The request must be JSON.";

    RateLimited = "rate_limited", 429,
        kk: "Сұраулар тым көп; сәлден соң қайталаңыз.",
        ru: "Слишком много запросов; повторите чуть позже.",
        en: "Too many requests; please try again shortly.";

    NotFound = "not_found", 404,
        kk: "Табылмады.",
        ru: "Не найдено.",
        en: "Not found.";

    MethodNotAllowed = "method_not_allowed", 405,
        kk: "Бұл әдіс бұл мекенжайда қолданылмайды.",
        ru: "Этот метод для этого адреса не поддерживается.",
        en: "This method is not allowed here.";

    Internal = "internal", 500,
        kk: "Серверде қате; өтініш сақталды және кейін қайта жіберіледі.",
        ru: "Ошибка на сервере; обращение сохранено и будет отправлено позже.",
        en: "Server error; your submission is kept and will be sent later.";

    AttachmentTooLarge = "attachment_too_large", 413,
        kk: "Фото тым үлкен: бір файл 8 МБ-тан аспауы керек.",
        ru: "Фото слишком большое: файл не больше 8 МБ.",
        en: "The photo is too large: at most 8 MB per file.";

    AttachmentsTooLarge = "attachments_too_large", 413,
        kk: "Фотолар тым көп: бір өтінішке барлығы 25 МБ-тан аспауы керек; кейбірін алып тастаңыз.",
        ru: "Слишком много фото: всего не больше 25 МБ на обращение; уберите некоторые.",
        en: "Too many photos: at most 25 MB in all per submission; please remove some.";

    AttachmentPartTooLarge = "attachment_part_too_large", 413,
        kk: "Файл бөлігі тым үлкен: 256 КБ-тан аспауы керек.",
        ru: "Часть файла слишком большая: не больше 256 КБ.",
        en: "A part of the file is too large: at most 256 KB.";

    AttachmentHashMismatch = "attachment_hash_mismatch", 422,
        kk: "Фото жолда бүлінді; ол қайта жүктеледі.",
        ru: "Фото повредилось при передаче; оно будет загружено заново.",
        en: "The photo was damaged on the way; it will be uploaded again.";

    AttachmentsIncomplete = "attachments_incomplete", 409,
        kk: "Фотолар әлі толық жүктелмеген; олар жүктеліп, өтініш қайта жіберіледі.",
        ru: "Фото ещё не загружены полностью; они будут загружены, и обращение отправится снова.",
        en: "The photos have not finished uploading; they will be uploaded and the submission sent again.";

    AttachmentConflict = "attachment_conflict", 409,
        kk: "Бұл фотоның нөмірі басқа файлға берілген; фотоны қайта қосыңыз.",
        ru: "Этот номер фото уже занят другим файлом; добавьте фото заново.",
        en: "This photo's id is already taken by another file; please add the photo again.";

    UnsupportedAttachmentType = "unsupported_attachment_type", 422,
        kk: "Тек JPEG, PNG не WebP суреттері қабылданады.",
        ru: "Принимаются только изображения JPEG, PNG или WebP.",
        en: "Only JPEG, PNG or WebP images are accepted.";

    NotAnonymous = "not_anonymous", 409,
        kk: "Бұл өтініш жасырын емес: онда жіберушінің аты бар.",
        ru: "Это обращение не анонимное: в нём уже указан отправитель.",
        en: "This submission is not anonymous: it already names its sender.";

    /// A staff request without a valid session.
    Unauthenticated = "unauthenticated", 401,
        kk: "Алдымен жүйеге кіріңіз.",
        ru: "Сначала войдите в систему.",
        en: "Please sign in first.";

    /// Wrong login or password (the same answer for both).
    LoginFailed = "login_failed", 401,
        kk: "Логин немесе құпиясөз қате.",
        ru: "Неверный логин или пароль.",
        en: "Wrong login or password.";

    /// A staff request outside the account's role or district.
    Forbidden = "forbidden", 403,
        kk: "Бұл әрекетке рұқсатыңыз жоқ.",
        ru: "У вас нет права на это действие.",
        en: "You are not allowed to do this.";

    /// A state-changing staff request without the session's CSRF token.
    CsrfRejected = "csrf_rejected", 403,
        kk: "Сұрау расталмады; бетті жаңартып, қайталаңыз.",
        ru: "Запрос не подтверждён; обновите страницу и повторите.",
        en: "The request was not confirmed; reload the page and try again.";

    /// An account with this login exists already.
    LoginTaken = "login_taken", 409,
        kk: "Бұл логин бос емес.",
        ru: "Этот логин уже занят.",
        en: "This login is already taken.";

    /// An extension without a reason (the law requires one, and the citizen is told it).
    ExtensionReasonMissing = "extension_reason_missing", 422,
        kk: "Мерзімді ұзарту себебін жазыңыз: ол азаматқа хабарланады.",
        ru: "Укажите причину продления срока: её сообщат заявителю.",
        en: "Give the reason for the extension: the citizen is told it.";

    /// An extension to a day not later than the answer day already set.
    ExtensionNotLater = "extension_not_later", 422,
        kk: "Жаңа мерзім қазіргі жауап беру күнінен кейін болуы керек.",
        ru: "Новый срок должен быть позже текущего срока ответа.",
        en: "The new day must be later than the current answer day.";

    /// An extension past the longest the law allows (two months after receipt).
    ExtensionTooLong = "extension_too_long", 422,
        kk: "Мерзімді өтініш түскен күннен бастап екі айдан артық ұзартуға болмайды.",
        ru: "Срок нельзя продлить больше чем на два месяца со дня поступления обращения.",
        en: "The deadline cannot go past two months after the appeal was received.";

    /// An extension asked after the answer day in force has passed: it would turn a late
    /// answer into an on-time one.
    ExtensionTooLate = "extension_too_late", 422,
        kk: "Жауап беру мерзімі өтіп кетті: оны енді ұзартуға болмайды.",
        ru: "Срок ответа уже прошёл: продлить его теперь нельзя.",
        en: "The answer day has passed: it can no longer be extended.";

    /// A reply from the receipt while the office has asked nothing (or it was answered).
    NoQuestionPending = "no_question_pending", 409,
        kk: "Кеңсе қазір сізден ештеңе сұраған жоқ: жауап жіберуге болмайды.",
        ru: "Офис сейчас ничего у вас не спрашивает: ответ отправить нельзя.",
        en: "The office has no open question for you: there is nothing to reply to.";

    /// An idempotency key used again for a different request.
    IdempotencyKeyReused = "idempotency_key_reused", 409,
        kk: "Бұл әрекеттің кілті басқа әрекетке қолданылған; әрекетті қайта жасаңыз.",
        ru: "Ключ этого действия уже использован для другого; повторите действие заново.",
        en: "This action's key was already used for another one; please do it again.";

    /// An administrator disabling their own account (nobody could then undo it).
    CannotDisableSelf = "cannot_disable_self", 409,
        kk: "Өз есептік жазбаңызды өшіре алмайсыз.",
        ru: "Нельзя отключить собственную учётную запись.",
        en: "You cannot disable your own account.";

    /// A working-day calendar year that does not hold together.
    InvalidCalendar = "invalid_calendar", 422,
        kk: "Күнтізбе жылы дұрыс емес; түзетіп, қайталаңыз.",
        ru: "Календарь года составлен неверно; исправьте и повторите.",
        en: "The calendar year does not hold together; fix it and retry.";

    /// Only a mediation request is handled this way.
    NotMediation = "not_mediation", 422,
        kk: "Бұл әрекет тек медиацияға өтінішке арналған.",
        ru: "Это действие только для заявок на медиацию.",
        en: "This action is only for mediation requests.";

    /// No scheduled session awaits an outcome.
    NoOpenSession = "no_open_session", 409,
        kk: "Нәтиже жазылатын кездесу жоқ: алдымен кездесуді белгілеңіз.",
        ru: "Нет встречи, ожидающей итога: сначала назначьте встречу.",
        en: "No session is waiting for an outcome: schedule a session first.";

    /// An act follows a session where the parties agreed.
    NoAgreement = "no_agreement", 409,
        kk: "Акт тараптар келісімге келген кездесуден кейін ғана жасалады.",
        ru: "Акт составляется только после встречи, на которой стороны договорились.",
        en: "An act is signed only after a session where the parties agreed.";

    /// The request has its act; an act never changes.
    ActAlreadySigned = "act_already_signed", 409,
        kk: "Бұл өтініш бойынша акт қол қойылған; оны өзгертуге болмайды.",
        ru: "По этой заявке акт уже подписан; изменить его нельзя.",
        en: "An act is already signed for this request; it cannot be changed.";

    /// A report is published once its period has ended.
    PeriodNotOver = "period_not_over", 422,
        kk: "Бұл кезең әлі аяқталған жоқ; оны соңғы күнінен кейін жариялаңыз.",
        ru: "Этот период ещё не закончился; опубликуйте его после последнего дня.",
        en: "This period has not ended yet; publish it after its last day.";

    /// The request's body stopped arriving before it was whole (a slow or stalled link).
    RequestTimeout = "request_timeout", 408,
        kk: "Сұрау толық жетпей қалды; байланыс қалпына келгенде ол қайта жіберіледі.",
        ru: "Запрос не дошёл целиком; он будет отправлен снова, когда связь наладится.",
        en: "The request did not arrive whole; it will be sent again when the connection recovers.";

    /// Demoting or disabling the last active administrator (nobody could then manage
    /// accounts).
    LastAdministrator = "last_administrator", 409,
        kk: "Бұл соңғы белсенді әкімші; алдымен басқа әкімші тағайындаңыз.",
        ru: "Это последний активный администратор; сначала назначьте другого администратора.",
        en: "This is the last active administrator; make someone else an administrator first.";

    /// One address holds as many unfinished photo uploads as it may.
    TooManyUploads = "too_many_uploads", 429,
        kk: "Бұл мекенжайдан аяқталмаған жүктеулер тым көп; фотолар кейін қайта жіберіледі.",
        ru: "С этого адреса слишком много незавершённых загрузок; фото будут отправлены позже.",
        en: "Too many unfinished uploads from this address; the photos will be sent later.";
}
}

impl ProblemCode {
    /// The code with this wire name, if there is one.
    pub fn from_name(name: &str) -> Option<ProblemCode> {
        ProblemCode::ALL.into_iter().find(|code| code.as_str() == name)
    }
}

impl<'de> Deserialize<'de> for ProblemCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ProblemCode::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown problem code `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_reads_back_by_the_name_serde_writes() {
        for code in ProblemCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "the table's name is the one on the wire");
            assert_eq!(serde_json::from_value::<ProblemCode>(json).unwrap(), code);
        }
        assert!(serde_json::from_value::<ProblemCode>(serde_json::json!("teapot")).is_err());
        assert!(serde_json::from_value::<ProblemCode>(serde_json::json!(0)).is_err());
    }

    #[test]
    fn every_code_has_a_distinct_name_and_an_error_status() {
        let names: HashSet<_> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ProblemCode::ALL.len());
        for code in ProblemCode::ALL {
            assert!((400..600).contains(&code.status()), "{code:?}: {}", code.status());
        }
        assert_eq!(ProblemCode::Internal.status(), 500);
        assert!(ProblemCode::ALL.iter().filter(|c| c.status() >= 500).count() == 1);
    }

    #[test]
    fn every_code_has_a_distinct_title_in_each_language() {
        for lang in Lang::ALL {
            let titles: HashSet<_> = ProblemCode::ALL.iter().map(|c| c.title(lang)).collect();
            assert_eq!(titles.len(), ProblemCode::ALL.len(), "{lang:?}");
            assert!(titles.iter().all(|t| !t.trim().is_empty()), "{lang:?}");
        }
        for code in ProblemCode::ALL {
            let titles: HashSet<_> = Lang::ALL.iter().map(|&l| code.title(l)).collect();
            assert_eq!(titles.len(), Lang::ALL.len(), "{code:?} is translated");
        }
    }
}
