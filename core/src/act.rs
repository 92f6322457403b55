//! The reconciliation act (акт примирения / татуластыру актісі): the settlement agreement
//! that ends a mediation (Law "On mediation", Art. 27), as the reconciliation centres print
//! it — Kazakh and Russian side by side, signed on paper.
//!
//! Architecture invariant: the act's **canonical text** is written here and only here.
//! The printed page shows its paragraphs, the hash on the paper is the SHA-256 of that text,
//! and "verify an act" recomputes the hash of a pasted text. Anything not in the canonical
//! text (signature lines, the QR code) is decoration and is not covered by the hash.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;
use time::macros::format_description;

use crate::clean::{Lines, clean, is_blank};
use crate::iin::Bin;
use crate::validation::{self, FieldErrors};
use crate::{District, ErrorCode, Iin};

/// At least two parties sign a settlement, and it settles something.
pub const MIN_PARTIES: usize = 2;
pub const MIN_TERMS: usize = 1;
/// Bounds that keep one act on a few A4 pages.
pub const MAX_PARTIES: usize = 10;
pub const MAX_TERMS: usize = 30;
const SHORT: usize = 200;
const LONG: usize = 4000;

/// Words printed around the canonical text, (Kazakh, Russian). They are not hashed: a
/// signature line or a caption changes nothing the parties agreed.
pub const SIGNATURE: (&str, &str) = ("қолы", "подпись");
pub const MEDIATOR: (&str, &str) = ("Медиатор", "Медиатор");
pub const CHECK_CODE: (&str, &str) = ("Тексеру коды (SHA-256)", "Код проверки (SHA-256)");
pub const CHECK_HOW: (&str, &str) = (
    "Актінің мәтінін тексеру үшін QR кодты сканерлеңіз.",
    "Чтобы проверить текст акта, отсканируйте QR-код.",
);

/// The mediator's register: professional mediators and public (общественные) mediators
/// keep separate registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MediatorStatus {
    Professional,
    Public,
}

impl MediatorStatus {
    /// From the form's value (`professional`, `public`).
    pub fn parse(raw: &str) -> Result<MediatorStatus, ErrorCode> {
        match raw.trim() {
            "professional" => Ok(MediatorStatus::Professional),
            "public" => Ok(MediatorStatus::Public),
            "" => Err(ErrorCode::Required),
            _ => Err(ErrorCode::UnknownChoice),
        }
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            MediatorStatus::Professional => ("кәсіби медиатор", "профессиональный медиатор"),
            MediatorStatus::Public => ("қоғамдық медиатор", "общественный медиатор"),
        }
    }
}

/// What the act form holds, as typed. `ActInput::parse` is the only way to an act.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActInput {
    pub number: String,
    /// A district code (`URA`).
    pub district: String,
    /// `YYYY-MM-DD`, as a date input gives it.
    pub date: String,
    pub place: String,
    pub mediator_name: String,
    /// `professional` or `public`.
    pub mediator_status: String,
    pub mediator_organisation: String,
    pub parties: Vec<PartyInput>,
    pub dispute: String,
    /// One agreed term per entry, with how and when it is performed.
    pub terms: Vec<String>,
    pub language_note: String,
    /// 2: the act holds everything Art. 27 of the Law on mediation lists (each party's
    /// IIN or BIN and address, an organisation's signatory, the mediator's register entry,
    /// each term's time limit and manner, the consequences of non-fulfilment, the
    /// agreement to mediate), and all of it is required. 0 or 1 (absent): an act of the
    /// first release, which parses and prints exactly as it did, so its hash still holds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u32,
    /// The mediator's entry in the register of mediators (its number or date).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mediator_registration: String,
    /// The agreement to mediate (договор о медиации) the act settles: its number and date.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agreement: String,
    /// Per term, in the order of `terms`: when and how it is fulfilled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub term_details: Vec<TermDetail>,
    /// What follows if a party does not fulfil the terms.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub non_fulfilment: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The act version with the content of Art. 27.
pub const ART_27: u32 = 2;

/// When and how one term is fulfilled, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermDetail {
    /// The time limit, e.g. `до 01.05.2026`.
    pub due: String,
    /// The manner, e.g. `за свой счёт, силами ответчика`.
    pub manner: String,
}

/// One party as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyInput {
    pub name: String,
    pub iin: String,
    pub address: String,
    /// An organisation's BIN, instead of an IIN.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bin: String,
    /// Who signs for an organisation (name and position).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signatory: String,
}

/// The mediator who conducted the mediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mediator {
    pub name: String,
    pub status: MediatorStatus,
    /// Empty when the mediator works outside an organisation.
    pub organisation: String,
    /// The register entry; empty on a first-release act.
    pub registration: String,
}

/// One party to the settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub iin: Option<Iin>,
    /// An organisation's BIN.
    pub bin: Option<Bin>,
    /// Empty when not given.
    pub address: String,
    /// Who signs for an organisation; empty for a person.
    pub signatory: String,
}

/// A checked reconciliation act. Its fields are read-only: it is built by
/// [`ActInput::parse`] alone, so every act has two parties and a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconciliationAct {
    number: String,
    district: District,
    date: Date,
    place: String,
    mediator: Mediator,
    parties: Vec<Party>,
    dispute: String,
    terms: Vec<String>,
    /// Per term: (time limit, manner); empty on a first-release act.
    term_details: Vec<(String, String)>,
    agreement: String,
    non_fulfilment: String,
    language_note: String,
}

/// One paragraph of the act in both languages. User-typed content (names, the dispute,
/// the terms) is the same in both columns: it is quoted as the parties wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub kk: String,
    pub ru: String,
}

impl ActInput {
    /// Checks every field and reports every problem at once. Rows of parties and terms
    /// left entirely blank are ignored, so a form may show an empty row to fill.
    pub fn parse(&self) -> Result<ReconciliationAct, FieldErrors> {
        let mut errors = FieldErrors::default();
        let art_27 = self.version >= ART_27;
        let number = errors.check("number", one_line(&self.number, 40));
        let district = errors.check(
            "district",
            match self.district.trim() {
                "" => Err(ErrorCode::Required),
                code => District::from_code(code).ok_or(ErrorCode::UnknownChoice),
            },
        );
        let date = errors.check("date", parse_date(&self.date));
        let place = errors.check("place", single(&self.place));
        let mediator_name = errors.check("mediator_name", single(&self.mediator_name));
        let mediator_status =
            errors.check("mediator_status", MediatorStatus::parse(&self.mediator_status));
        let organisation = line(&clean(&self.mediator_organisation, Lines::One));
        if organisation.chars().count() > SHORT {
            errors.push("mediator_organisation", ErrorCode::TooLong { max: SHORT });
        }

        let parties = self.parse_parties(art_27, &mut errors);

        let dispute = errors.check("dispute", lines(&self.dispute));
        let (terms, term_details) = self.parse_terms(art_27, &mut errors);
        let language_note = block(&clean(&self.language_note, Lines::Many));
        // The Art. 27 items: required on an act of that version, left out of an older one
        // (whose text, and so hash, stays as it was signed).
        let mut art_27_line = |key: &str, raw: &str, max: usize| {
            if !art_27 {
                return String::new();
            }
            let text = block(&clean(raw, Lines::Many));
            if is_blank(&text) {
                errors.push(key, ErrorCode::Required);
            } else if text.chars().count() > max {
                errors.push(key, ErrorCode::TooLong { max });
            }
            text
        };
        let registration = art_27_line("mediator_registration", &self.mediator_registration, SHORT);
        let agreement = art_27_line("agreement", &self.agreement, SHORT);
        let non_fulfilment = art_27_line("non_fulfilment", &self.non_fulfilment, LONG);

        match (number, district, date, place, mediator_name, mediator_status, dispute) {
            (
                Some(number),
                Some(district),
                Some(date),
                Some(place),
                Some(name),
                Some(status),
                Some(dispute),
            ) if errors.is_empty() => Ok(ReconciliationAct {
                number,
                district,
                date,
                place,
                mediator: Mediator { name, status, organisation, registration },
                parties,
                dispute: block(&dispute),
                terms,
                term_details,
                agreement,
                non_fulfilment,
                language_note,
            }),
            _ => Err(errors),
        }
    }

    /// The parties: each filled row checked (Art. 27 asks an IIN or a BIN and its
    /// signatory, and an address), and their number.
    fn parse_parties(&self, art_27: bool, errors: &mut FieldErrors) -> Vec<Party> {
        // Rows past the most an act may have are counted, not checked: their number is the
        // sender's to choose, and so would be the work and the errors.
        let mut parties = Vec::new();
        let mut filled = 0;
        for (i, p) in self.parties.iter().enumerate() {
            if [&p.name, &p.iin, &p.address, &p.bin, &p.signatory].iter().all(|s| is_blank(s)) {
                continue;
            }
            filled += 1;
            if filled > MAX_PARTIES {
                continue;
            }
            let field = validation::Field::new("parties");
            let name = errors.check(field.item(i, "name"), single(&p.name));
            let iin = match p.iin.trim() {
                "" => Some(None),
                raw => errors.check(field.item(i, "iin"), Iin::parse(raw)).map(Some),
            };
            let address = line(&clean(&p.address, Lines::One));
            if address.chars().count() > SHORT {
                errors.push(field.item(i, "address"), ErrorCode::TooLong { max: SHORT });
            }
            let bin = match p.bin.trim() {
                "" => Some(None),
                raw => errors.check(field.item(i, "bin"), Bin::parse(raw)).map(Some),
            };
            let signatory = line(&clean(&p.signatory, Lines::One));
            if signatory.chars().count() > SHORT {
                errors.push(field.item(i, "signatory"), ErrorCode::TooLong { max: SHORT });
            }
            if art_27 {
                // Art. 27: a person by IIN, an organisation by BIN and its signatory; both
                // with an address.
                if is_blank(&p.iin) && is_blank(&p.bin) {
                    errors.push(field.item(i, "iin"), ErrorCode::Required);
                }
                if is_blank(&address) {
                    errors.push(field.item(i, "address"), ErrorCode::Required);
                }
                if !is_blank(&p.bin) && is_blank(&signatory) {
                    errors.push(field.item(i, "signatory"), ErrorCode::Required);
                }
            }
            if let (Some(name), Some(iin), Some(bin)) = (name, iin, bin) {
                parties.push(Party { name, iin, bin, address, signatory });
            }
        }
        let typed_parties = self.parties.iter().filter(|p| !is_blank(&p.name)).count();
        if typed_parties < MIN_PARTIES {
            errors.push("parties", ErrorCode::TooFewItems { min: MIN_PARTIES });
        } else if typed_parties > MAX_PARTIES {
            errors.push("parties", ErrorCode::TooManyItems { max: MAX_PARTIES });
        }
        parties
    }

    /// The terms, each with its time limit and manner on an Art. 27 act, and their number.
    fn parse_terms(
        &self,
        art_27: bool,
        errors: &mut FieldErrors,
    ) -> (Vec<String>, Vec<(String, String)>) {
        let mut terms = Vec::new();
        let mut term_details = Vec::new();
        let mut typed_terms = 0;
        for (i, term) in self.terms.iter().enumerate() {
            if is_blank(term) {
                continue;
            }
            typed_terms += 1;
            if typed_terms > MAX_TERMS {
                continue;
            }
            let field = validation::Field::new(format!("terms.{i}"));
            let term = errors.check(field, lines(term));
            let detail = self.term_details.get(i).cloned().unwrap_or_default();
            let mut part = |key: &str, raw: &str| {
                let text = line(&clean(raw, Lines::One));
                let field = validation::Field::new(format!("term_details.{i}.{key}"));
                if art_27 && is_blank(&text) {
                    errors.push(field, ErrorCode::Required);
                } else if text.chars().count() > SHORT {
                    errors.push(field, ErrorCode::TooLong { max: SHORT });
                }
                text
            };
            let due = part("due", &detail.due);
            let manner = part("manner", &detail.manner);
            if let Some(term) = term {
                terms.push(block(&term));
                if art_27 {
                    term_details.push((due, manner));
                }
            }
        }
        if typed_terms < MIN_TERMS {
            errors.push("terms", ErrorCode::TooFewItems { min: MIN_TERMS });
        } else if typed_terms > MAX_TERMS {
            errors.push("terms", ErrorCode::TooManyItems { max: MAX_TERMS });
        }
        (terms, term_details)
    }
}

impl ReconciliationAct {
    pub fn number(&self) -> &str {
        &self.number
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn mediator(&self) -> &Mediator {
        &self.mediator
    }

    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// The act's paragraphs, Kazakh and Russian, in order: fixed wording with the fields
    /// filled in. The printed page lays them out in two columns.
    pub fn paragraphs(&self) -> Vec<Paragraph> {
        let p = |kk: String, ru: String| Paragraph { kk, ru };
        let same = |s: &str| Paragraph { kk: s.to_owned(), ru: s.to_owned() };
        let date = self
            .date
            .format(format_description!("[day].[month].[year]"))
            .unwrap_or_else(|_| self.date.to_string());
        let mut out = vec![
            p(
                format!("ТАТУЛАСТЫРУ АКТІСІ № {}", self.number),
                format!("АКТ ПРИМИРЕНИЯ № {}", self.number),
            ),
            p(
                "(дауды реттеу туралы келісім)".to_owned(),
                "(соглашение об урегулировании спора)".to_owned(),
            ),
            p(
                format!("{date} ж., {}, {}", self.place, self.district.name(crate::Lang::Kk)),
                format!("{date} г., {}, {}", self.place, self.district.name(crate::Lang::Ru)),
            ),
            self.mediator_paragraph(),
        ];
        if !self.agreement.is_empty() {
            out.push(p(
                format!("Медиация туралы шарт: {}.", self.agreement),
                format!("Договор о медиации: {}.", self.agreement),
            ));
        }
        out.push(p("Тараптар:".to_owned(), "Стороны:".to_owned()));
        out.extend(self.parties.iter().enumerate().map(|(i, party)| party_paragraph(i, party)));
        out.push(p("Дау мәні:".to_owned(), "Предмет спора:".to_owned()));
        out.push(same(&self.dispute));
        out.push(p(
            "Тараптар төмендегі шарттармен келісті (орындау тәсілі мен мерзімі көрсетілген):"
                .to_owned(),
            "Стороны пришли к соглашению на следующих условиях (с указанием способа и срока исполнения):"
                .to_owned(),
        ));
        for (i, term) in self.terms.iter().enumerate() {
            out.push(same(&format!("{}. {term}", i + 1)));
            if let Some((due, manner)) = self.term_details.get(i) {
                out.push(p(
                    format!("Орындау мерзімі: {due}; орындау тәсілі: {manner}."),
                    format!("Срок исполнения: {due}; способ исполнения: {manner}."),
                ));
            }
        }
        if !self.non_fulfilment.is_empty() {
            out.push(p("Орындамаудың салдары:".to_owned(), "Последствия неисполнения:".to_owned()));
            out.push(same(&self.non_fulfilment));
        }
        out.push(p(
            "Тараптар осы келісімді өз еркімен жасасты және оны орындауға міндеттенеді. Келісім \
             жазбаша нысанда жасалды және оған тараптар мен медиатор қол қояды."
                .to_owned(),
            "Стороны заключили настоящее соглашение добровольно и обязуются его исполнить. \
             Соглашение составлено в письменной форме и подписывается сторонами и медиатором."
                .to_owned(),
        ));
        if !self.language_note.is_empty() {
            out.push(p(
                format!("Тіл туралы белгі: {}", self.language_note),
                format!("Отметка о языке: {}", self.language_note),
            ));
        }
        out
    }

    /// Under which law, and by whom: the mediator's name, status, organisation and entry
    /// in the register.
    fn mediator_paragraph(&self) -> Paragraph {
        let (status_kk, status_ru) = self.mediator.status.words();
        let organisation = if self.mediator.organisation.is_empty() {
            String::new()
        } else {
            format!(", {}", self.mediator.organisation)
        };
        let (mut organisation_kk, mut organisation_ru) = (organisation.clone(), organisation);
        if !self.mediator.registration.is_empty() {
            organisation_kk
                .push_str(&format!(", тізілімдегі жазба: {}", self.mediator.registration));
            organisation_ru
                .push_str(&format!(", запись в реестре: {}", self.mediator.registration));
        }
        Paragraph {
            kk: format!(
                "Медиация Қазақстан Республикасының «Медиация туралы» Заңына сәйкес өткізілді. \
                 Медиатор: {}, {status_kk}{organisation_kk}.",
                self.mediator.name
            ),
            ru: format!(
                "Медиация проведена в соответствии с Законом Республики Казахстан «О медиации». \
                 Медиатор: {}, {status_ru}{organisation_ru}.",
                self.mediator.name
            ),
        }
    }

    /// The canonical text: each paragraph in Kazakh, then in Russian, paragraphs separated
    /// by a blank line; `\n` line ends, no trailing whitespace. This is what is hashed.
    pub fn text(&self) -> String {
        let text = self
            .paragraphs()
            .iter()
            .map(|p| format!("{}\n{}", p.kk, p.ru))
            .collect::<Vec<_>>()
            .join("\n\n");
        normalise(&text)
    }

    /// The SHA-256 of [`text`](Self::text), 64 lowercase hex digits.
    pub fn hash(&self) -> String {
        sha256_hex(&self.text())
    }

    /// The hash as printed on paper: its first 16 hex digits in groups of four.
    pub fn short_hash(&self) -> String {
        short_form(&self.hash())
    }

    /// Where the QR code leads, relative to the app's origin.
    pub fn verify_path(&self) -> String {
        format!("/verify#{}", self.hash())
    }
}

/// An act as the server stored it when the parties signed, read back by staff
/// (`GET /api/v1/staff/submissions/{tracking}/act`) and by the parties on their receipt
/// (`SubmissionStatus::act`). `input` is what was typed, so the app prints the very same
/// page with [`ActInput::parse`] and [`ReconciliationAct::paragraphs`]; `text` and `hash`
/// are what the server computed from it then, so anyone can check them offline with
/// [`verify`]. Stored once per submission and never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedAct {
    pub number: String,
    /// The SHA-256 of `text`, 64 lowercase hex digits.
    pub hash: String,
    /// The hash as printed: 16 hex digits in fours.
    pub short_hash: String,
    /// The canonical text ([`ReconciliationAct::text`]).
    pub text: String,
    pub input: ActInput,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: time::OffsetDateTime,
}

impl SignedAct {
    /// The record of `act`, parsed from `input`, signed at `signed_at`.
    pub fn new(input: ActInput, act: &ReconciliationAct, signed_at: time::OffsetDateTime) -> Self {
        SignedAct {
            number: act.number().to_owned(),
            hash: act.hash(),
            short_hash: act.short_hash(),
            text: act.text(),
            input,
            signed_at,
        }
    }

    /// The public note of its `act_signed` event: `№ 12/2026 · 3f2a 9c01 77be 0d45`.
    pub fn note(&self) -> String {
        format!("№ {} · {}", self.number, self.short_hash)
    }
}

/// Whether `text` is the act that `hash` was printed for. Line endings (CRLF, CR) and
/// trailing whitespace are forgiven — copying through e-mail or a word processor changes
/// them — but nothing else. `hash` is the full 64 hex digits or the printed short form
/// (the first 16, spaces and case ignored), which is what a person can type from paper.
pub fn verify(text: &str, hash: &str) -> bool {
    let given: String = hash
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if !(given.len() == 16 || given.len() == 64) || !given.chars().all(|c| c.is_ascii_hexdigit()) {
        return false;
    }
    sha256_hex(&normalise(text)).starts_with(&given)
}

/// `hash`'s first 16 hex digits in groups of four: `3f2a 9c01 77de 10b4`.
pub fn short_form(hash: &str) -> String {
    let head: Vec<char> = hash.chars().take(16).collect();
    head.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// LF line ends, no trailing whitespace on any line or at the end.
fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A one-line field: whitespace runs (including line breaks) become one space.
fn line(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A required one-line field of at most `SHORT` characters.
fn single(raw: &str) -> Result<String, ErrorCode> {
    one_line(raw, SHORT)
}

/// A required one-line field of at most `max` characters, cleaned ([`crate::clean`]) and
/// its whitespace runs collapsed. Never composed to NFC, unlike a form's answers: the
/// device that prints an act hashes its text without Unicode's tables, and the server's
/// hash must be the printed one.
fn one_line(raw: &str, max: usize) -> Result<String, ErrorCode> {
    validation::length(line(&clean(raw, Lines::One)), 1, max)
}

/// A required multi-line field of at most `LONG` characters, cleaned and never composed
/// (see [`one_line`]).
fn lines(raw: &str) -> Result<String, ErrorCode> {
    validation::length(clean(raw, Lines::Many), 1, LONG)
}

/// A multi-line field: each line's spaces collapsed, blank lines dropped, so that the
/// paragraph structure of the canonical text (blank line = next paragraph) holds.
fn block(raw: &str) -> String {
    raw.lines().map(line).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

fn parse_date(raw: &str) -> Result<Date, ErrorCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ErrorCode::Required);
    }
    Date::parse(raw, format_description!("[year]-[month]-[day]"))
        .map_err(|_| ErrorCode::InvalidDate)
}

/// A party's paragraph: its number and name, then what identifies it.
fn party_paragraph(i: usize, party: &Party) -> Paragraph {
    let mut kk = format!("{}. {}", i + 1, party.name);
    let mut ru = kk.clone();
    if let Some(iin) = &party.iin {
        kk.push_str(&format!(", ЖСН {}", iin.as_str()));
        ru.push_str(&format!(", ИИН {}", iin.as_str()));
    }
    if let Some(bin) = &party.bin {
        kk.push_str(&format!(", БСН {}", bin.as_str()));
        ru.push_str(&format!(", БИН {}", bin.as_str()));
    }
    if !party.address.is_empty() {
        kk.push_str(&format!(", мекенжайы: {}", party.address));
        ru.push_str(&format!(", адрес: {}", party.address));
    }
    if !party.signatory.is_empty() {
        kk.push_str(&format!(", атынан қол қоюшы: {}", party.signatory));
        ru.push_str(&format!(", в лице: {}", party.signatory));
    }
    Paragraph { kk, ru }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ActInput {
        ActInput {
            number: "URA-2026-7".into(),
            district: "URA".into(),
            date: "2026-03-12".into(),
            place: "Орал, Достық даңғылы 1".into(),
            mediator_name: "Назым Ғабдуллина".into(),
            mediator_status: "professional".into(),
            mediator_organisation: "Татуласу орталығы".into(),
            parties: vec![
                PartyInput {
                    name: "Айгерим Сарсенова".into(),
                    iin: "900101300007".into(),
                    address: "Орал, Абай к. 5".into(),
                    ..Default::default()
                },
                PartyInput { name: "Болат Кенжебеков".into(), ..Default::default() },
                PartyInput::default(),
            ],
            dispute: "Забор на границе участков.\r\n\r\nСосед против.".into(),
            terms: vec!["Перенести забор до 1 мая 2026 года за свой счёт.".into(), "  ".into()],
            language_note: "Стороны владеют обоими языками.".into(),
            ..Default::default()
        }
    }

    /// The same act with everything Art. 27 lists: the second party an organisation.
    fn art_27() -> ActInput {
        let mut input = input();
        input.version = ART_27;
        input.parties[1] = PartyInput {
            name: "ТОО «Жайық Құрылыс»".into(),
            bin: BIN.into(),
            address: "Орал, Достық даңғылы 20".into(),
            signatory: "директор Б. Кенжебеков".into(),
            ..Default::default()
        };
        input.mediator_registration = "№ 154, 03.02.2025".into();
        input.agreement = "договор о медиации № 7 от 01.03.2026".into();
        input.term_details = vec![TermDetail {
            due: "до 01.05.2026".into(),
            manner: "за свой счёт".into(),
        }];
        input.non_fulfilment =
            "Сторона вправе обратиться в суд за принудительным исполнением.".into();
        input
    }

    /// A BIN with a valid check digit (registered April 2010, a resident legal entity).
    const BIN: &str = "100440000024";

    #[test]
    fn an_act_of_the_first_release_prints_and_hashes_as_it_was_signed() {
        // The hash the first release computed for `input()`: acts signed then still verify.
        let act = input().parse().unwrap();
        assert_eq!(act.hash(), "0a23a7c8a7d3739b718e0bd504bf8f78b6beeae8ea064cd4a0b8a01ad547c42c");
        let json = serde_json::to_value(input()).unwrap();
        for key in
            ["version", "mediator_registration", "agreement", "term_details", "non_fulfilment"]
        {
            assert_eq!(json.get(key), None, "a first-release input keeps its shape: {key}");
        }
        assert_eq!(json["parties"][0].get("bin"), None);
    }

    #[test]
    fn an_article_27_act_holds_every_item_the_law_lists_and_its_hash_covers_them() {
        let act = art_27().parse().unwrap();
        let text = act.text();
        for words in [
            "ИИН 900101300007, адрес: Орал, Абай к. 5",
            &format!("БИН {BIN}, адрес: Орал, Достық даңғылы 20, в лице: директор Б. Кенжебеков"),
            &format!("БСН {BIN}"),
            "запись в реестре: № 154, 03.02.2025",
            "Договор о медиации: договор о медиации № 7 от 01.03.2026.",
            "Срок исполнения: до 01.05.2026; способ исполнения: за свой счёт.",
            "Последствия неисполнения:\n\nСторона вправе обратиться в суд",
        ] {
            assert!(text.contains(words), "{words} not in\n{text}");
        }
        // Each item is in the hash: changing any of them changes it.
        let hash = act.hash();
        let changed: [fn(&mut ActInput); 5] = [
            |i| i.mediator_registration.push('1'),
            |i| i.agreement.push('1'),
            |i| i.term_details[0].due.push('1'),
            |i| i.non_fulfilment.push('!'),
            |i| i.parties[1].signatory.push('а'),
        ];
        for change in changed {
            let mut input = art_27();
            change(&mut input);
            assert_ne!(input.parse().unwrap().hash(), hash);
        }
        assert!(verify(&text, &hash));
    }

    #[test]
    fn an_article_27_act_refuses_what_the_law_requires_and_is_missing() {
        let mut input = art_27();
        input.parties[0].iin.clear();
        input.parties[0].address.clear();
        input.parties[1].signatory.clear();
        input.mediator_registration.clear();
        input.agreement.clear();
        input.term_details.clear();
        input.non_fulfilment = " ".into();
        let errors = input.parse().unwrap_err();
        for field in [
            "parties.0.iin",
            "parties.0.address",
            "parties.1.signatory",
            "mediator_registration",
            "agreement",
            "term_details.0.due",
            "term_details.0.manner",
            "non_fulfilment",
        ] {
            assert_eq!(errors.get(field), Some(ErrorCode::Required), "{field}: {errors:?}");
        }
        let mut input = art_27();
        input.parties[1].bin = "100440000025".into();
        assert_eq!(input.parse().unwrap_err().get("parties.1.bin"), Some(ErrorCode::InvalidBin));
    }

    #[test]
    fn a_complete_act_parses_and_its_text_has_both_languages() {
        let act = input().parse().unwrap();
        assert_eq!(act.parties().len(), 2);
        let text = act.text();
        assert!(
            text.starts_with("ТАТУЛАСТЫРУ АКТІСІ № URA-2026-7\nАКТ ПРИМИРЕНИЯ № URA-2026-7\n\n")
        );
        assert!(text.contains("ЖСН 900101300007"));
        assert!(text.contains("ИИН 900101300007"));
        assert!(text.contains("12.03.2026 г., Орал, Достық даңғылы 1, город Уральск"));
        assert!(text.contains("\n1. Перенести забор до 1 мая 2026 года за свой счёт.\n"));
        assert!(!text.contains('\r'));
        assert_eq!(normalise(&text), text, "the canonical text is already normalised");
        assert_eq!(act.hash().len(), 64);
        assert_eq!(act.short_hash().len(), 19);
        assert_eq!(act.short_hash().replace(' ', ""), act.hash()[..16]);
        assert_eq!(act.verify_path(), format!("/verify#{}", act.hash()));
    }

    #[test]
    fn the_same_act_always_has_the_same_text_and_hash() {
        assert_eq!(input().parse().unwrap().text(), input().parse().unwrap().text());
        assert_eq!(input().parse().unwrap().hash(), input().parse().unwrap().hash());
    }

    #[test]
    fn the_hash_changes_if_any_field_changes() {
        let base = input().parse().unwrap().hash();
        let edits: Vec<fn(&mut ActInput)> = vec![
            |a| a.number.push('1'),
            |a| a.district = "AKZ".into(),
            |a| a.date = "2026-03-13".into(),
            |a| a.place.push('.'),
            |a| a.mediator_name.push('а'),
            |a| a.mediator_status = "public".into(),
            |a| a.mediator_organisation.clear(),
            |a| a.parties[0].name.push('а'),
            |a| a.parties[0].iin.clear(),
            |a| a.parties[1].address = "Орал".into(),
            |a| a.parties[2].name = "Третья сторона".into(),
            |a| a.dispute.push('!'),
            |a| a.terms[0] = a.terms[0].replace("1 мая", "2 мая"),
            |a| a.terms.push("Второе условие.".into()),
            |a| a.language_note.clear(),
        ];
        for (i, edit) in edits.into_iter().enumerate() {
            let mut changed = input();
            edit(&mut changed);
            let act = changed.parse().unwrap_or_else(|e| panic!("edit {i}: {e:?}"));
            assert_ne!(act.hash(), base, "edit {i} left the hash unchanged");
        }
    }

    #[test]
    fn verify_forgives_line_endings_and_trailing_spaces_only() {
        let act = input().parse().unwrap();
        let (text, hash) = (act.text(), act.hash());
        assert!(verify(&text, &hash));
        assert!(verify(&text.replace('\n', "\r\n"), &hash));
        assert!(verify(&text.replace('\n', "  \n"), &hash));
        assert!(verify(&format!("{text}\n\n  \n"), &hash.to_uppercase()));
        assert!(verify(&text, &act.short_hash()));
        assert!(verify(&text, &format!(" {} ", act.short_hash().to_uppercase())));
    }

    #[test]
    fn verify_refuses_a_changed_term_or_a_wrong_hash() {
        let act = input().parse().unwrap();
        let (text, hash) = (act.text(), act.hash());
        assert!(!verify(&text.replace("1 мая", "1 июня"), &hash));
        assert!(!verify(&text.replace("Перенести забор", "Перенести  забор"), &hash));
        assert!(!verify(&format!(" {text}"), &hash));
        assert!(!verify(&text, &hash[..63]));
        assert!(!verify(&text, &hash[..12]));
        assert!(!verify(&text, ""));
        assert!(!verify(&text, &"z".repeat(64)));
    }

    #[test]
    fn an_act_needs_two_named_parties_and_a_term() {
        let mut one = input();
        one.parties.truncate(1);
        one.terms = vec![String::new()];
        let errors = one.parse().unwrap_err();
        assert_eq!(errors.get("parties"), Some(ErrorCode::TooFewItems { min: 2 }));
        assert_eq!(errors.get("terms"), Some(ErrorCode::TooFewItems { min: 1 }));
    }

    #[test]
    fn controls_and_invisible_characters_never_reach_the_text_and_letters_are_as_typed() {
        let mut dressed = input();
        dressed.parties[1].name = "\u{1b}[31mБолат\u{202e} Кенжебеков\u{0}".into();
        dressed.terms[0].push_str("\u{200b}\u{7}");
        assert_eq!(dressed.parse().unwrap().text(), input().parse().unwrap().text());
        // Not composed even on the server: the printing device hashes without NFC.
        let mut decomposed = input();
        decomposed.place = "Орал, Ақжаи\u{306}ық".into();
        assert!(decomposed.parse().unwrap().text().contains("Ақжаи\u{306}ық"));
        let mut invisible = input();
        invisible.parties[1].name = "\u{200b}\u{200b}".into();
        invisible.dispute = "\u{0}".repeat(10);
        let errors = invisible.parse().unwrap_err();
        assert_eq!(errors.get("parties"), Some(ErrorCode::TooFewItems { min: 2 }));
        assert_eq!(errors.get("dispute"), Some(ErrorCode::Required));
    }

    #[test]
    fn rows_past_the_most_an_act_may_have_are_counted_not_checked() {
        let mut crowded = input();
        let bad = PartyInput { name: "X".into(), iin: "1".into(), ..Default::default() };
        crowded.parties = vec![bad; 5000];
        crowded.terms = vec!["x".repeat(LONG + 1); 200];
        let errors = crowded.parse().unwrap_err();
        assert_eq!(errors.get("parties"), Some(ErrorCode::TooManyItems { max: MAX_PARTIES }));
        assert_eq!(errors.get("terms"), Some(ErrorCode::TooManyItems { max: MAX_TERMS }));
        assert_eq!(errors.get(&format!("parties.{MAX_PARTIES}.iin")), None);
        assert_eq!(errors.get(&format!("terms.{MAX_TERMS}")), None);
        assert!(errors.0.len() <= crate::validation::MAX_FIELD_ERRORS + 1);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut bad = input();
        bad.number = " ".into();
        bad.district = "XXX".into();
        bad.date = "12.03.2026".into();
        bad.mediator_status = "judge".into();
        bad.parties[0].iin = "900101300008".into();
        bad.parties[1].name = String::new();
        bad.parties[1].address = "Орал".into();
        let errors = bad.parse().unwrap_err();
        assert_eq!(errors.get("number"), Some(ErrorCode::Required));
        assert_eq!(errors.get("district"), Some(ErrorCode::UnknownChoice));
        assert_eq!(errors.get("date"), Some(ErrorCode::InvalidDate));
        assert_eq!(errors.get("mediator_status"), Some(ErrorCode::UnknownChoice));
        assert_eq!(errors.get("parties.0.iin"), Some(ErrorCode::IinCheckDigit));
        assert_eq!(errors.get("parties.1.name"), Some(ErrorCode::Required));
        assert_eq!(errors.get("parties"), Some(ErrorCode::TooFewItems { min: 2 }));
    }
}
