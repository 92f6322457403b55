//! The one channel between districts: staff of every district post what worked (text,
//! photos, a link to a published report or an anonymised case), reply in threads, tag a
//! topic, search it; curators and the front office pin and hide posts.
//!
//! The rules of a post are written here once: what a post may hold ([`NewPost::check`]),
//! and who may read, post and moderate ([`Role::may_channel`], which the server's policy
//! table is held to by its test).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::attachment::{self, AttachmentRef};
use crate::staff::{Role, policy};
use crate::validation::{self, ErrorCode, FieldErrors};
use crate::{District, Lang, TrackingNumber};

/// Shortest and longest text of a post or a reply, in characters.
pub const TEXT_MIN: usize = 2;
pub const TEXT_MAX: usize = 4000;
/// The most photos one post carries.
pub const MAX_PHOTOS: usize = 4;
/// The most posts one page of the channel lists.
pub const PAGE_MAX: u32 = 100;
/// The longest search a person can type, in characters.
pub const QUERY_MAX: usize = 200;

/// What a post is about; a reply belongs to its thread's topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Topic {
    Schools,
    Clinics,
    Akimat,
    Mediation,
}

impl Topic {
    pub const ALL: [Topic; 4] = [Topic::Schools, Topic::Clinics, Topic::Akimat, Topic::Mediation];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Schools => "schools",
            Topic::Clinics => "clinics",
            Topic::Akimat => "akimat",
            Topic::Mediation => "mediation",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Topic::Schools, Lang::Kk) => "Мектептер",
            (Topic::Schools, Lang::Ru) => "Школы",
            (Topic::Schools, Lang::En) => "Schools",
            (Topic::Clinics, Lang::Kk) => "Емханалар",
            (Topic::Clinics, Lang::Ru) => "Поликлиники",
            (Topic::Clinics, Lang::En) => "Clinics",
            (Topic::Akimat, Lang::Kk) => "Әкімдік",
            (Topic::Akimat, Lang::Ru) => "Акимат",
            (Topic::Akimat, Lang::En) => "Akimat",
            (Topic::Mediation, Lang::Kk) => "Медиация",
            (Topic::Mediation, Lang::Ru) => "Медиация",
            (Topic::Mediation, Lang::En) => "Mediation",
        }
    }
}

/// What a post may point to: a published two-weekly report (by its SHA-256) or a case by
/// its tracking number, which readers see with no one's words or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PostLink {
    Report { sha256: String },
    Case { tracking: String },
}

/// What a staff member wrote, as sent (possibly from the outbox, possibly twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPost {
    /// Made on the device when the post is written: sending it again posts it once.
    pub id: Uuid,
    /// The thread this replies to; none for a new thread.
    #[serde(default)]
    pub parent: Option<i64>,
    /// A new thread's topic; a reply's is its thread's (give none).
    #[serde(default)]
    pub topic: Option<Topic>,
    pub text: String,
    #[serde(default)]
    pub link: Option<PostLink>,
    #[serde(default)]
    pub photos: Vec<AttachmentRef>,
}

impl NewPost {
    /// The post as it will be stored (text cleaned, a link's tracking number normalised),
    /// or every problem at once under `text`, `topic`, `link` and `photos`.
    pub fn check(&self) -> Result<NewPost, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = errors.check("text", validation::long_text(&self.text, TEXT_MIN, TEXT_MAX));
        match (self.parent, self.topic) {
            (None, None) => errors.push("topic", ErrorCode::Required),
            (Some(_), Some(_)) => errors.push("topic", ErrorCode::InvalidValue),
            _ => {}
        }
        let link = match &self.link {
            None => None,
            Some(PostLink::Report { sha256 }) => {
                let sha256 = sha256.trim().to_ascii_lowercase();
                let ok = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
                if !ok {
                    errors.push("link", ErrorCode::InvalidValue);
                }
                Some(PostLink::Report { sha256 })
            }
            Some(PostLink::Case { tracking }) => match tracking.trim().parse::<TrackingNumber>() {
                Ok(t) => Some(PostLink::Case { tracking: t.to_string() }),
                Err(_) => {
                    errors.push("link", ErrorCode::InvalidValue);
                    None
                }
            },
        };
        if self.photos.len() > MAX_PHOTOS {
            errors.push("photos", ErrorCode::TooManyPhotos { max: MAX_PHOTOS });
        } else if attachment::validate_all(&self.photos).is_err() {
            errors.push("photos", ErrorCode::InvalidAttachment);
        }
        match text {
            Some(text) if errors.is_empty() => Ok(NewPost {
                id: self.id,
                parent: self.parent,
                topic: self.topic,
                text,
                link,
                photos: self.photos.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// One post or reply as the channel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: i64,
    /// The device's id of the post ([`NewPost::id`]).
    pub client_id: Uuid,
    #[serde(default)]
    pub parent: Option<i64>,
    pub topic: Topic,
    /// The author's login, role and district (none for the regional front office).
    pub author: String,
    pub role: Role,
    #[serde(default)]
    pub district: Option<District>,
    pub text: String,
    #[serde(default)]
    pub link: Option<PostLink>,
    #[serde(default)]
    pub photos: Vec<AttachmentRef>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub pinned: bool,
    /// Only those who may moderate ever see a hidden post.
    pub hidden: bool,
    /// Replies in the thread (a reply: 0).
    pub replies: u32,
}

impl Post {
    /// What offline search matches: the text, the author, the district's names and the
    /// topic, folded ([`crate::search::fold`]).
    pub fn search_text(&self) -> String {
        let mut text = format!("{} {} {}", self.text, self.author, self.topic.as_str());
        for lang in Lang::ALL {
            text.push(' ');
            text.push_str(self.topic.label(lang));
            if let Some(d) = self.district {
                text.push(' ');
                text.push_str(d.name(lang));
            }
        }
        crate::search::fold(&text)
    }
}

/// `GET /api/v1/staff/channel/posts`: threads, pinned first, then by their last activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelPage {
    pub posts: Vec<Post>,
}

/// `GET /api/v1/staff/channel/posts/{id}`: a thread, its replies oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thread {
    pub post: Post,
    pub replies: Vec<Post>,
}

/// A curator's or the front office's step on a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Moderation {
    Pin,
    Unpin,
    Hide,
    Unhide,
}

impl Moderation {
    /// As written in the audit log.
    pub fn audit_action(self) -> &'static str {
        match self {
            Moderation::Pin => "channel_pin",
            Moderation::Unpin => "channel_unpin",
            Moderation::Hide => "channel_hide",
            Moderation::Unhide => "channel_unhide",
        }
    }
}

/// `POST /api/v1/staff/channel/posts/{id}/moderation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationRequest {
    pub action: Moderation,
}

/// What one may do in the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelStep {
    Read,
    Post,
    /// Pin and hide (and undo either).
    Moderate,
}

impl ChannelStep {
    pub const ALL: [ChannelStep; 3] = [ChannelStep::Read, ChannelStep::Post, ChannelStep::Moderate];
}

impl Role {
    /// Whether this role may take `step` in the channel, as the staff policy's table says
    /// (where: a curator moderates only their own district's posts, which the server checks).
    /// Those who handle appeals and mediations read and post; curators and the front office
    /// moderate; volunteers and administrators, who read no citizen's case, are not in it.
    pub fn may_channel(self, step: ChannelStep) -> bool {
        let action = match step {
            ChannelStep::Read => policy::Action::ReadChannel,
            ChannelStep::Post => policy::Action::PostChannel,
            ChannelStep::Moderate => policy::Action::ModerateChannel,
        };
        policy::allows(self, action, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(text: &str) -> NewPost {
        NewPost {
            id: Uuid::nil(),
            parent: None,
            topic: Some(Topic::Schools),
            text: text.into(),
            link: None,
            photos: vec![],
        }
    }

    #[test]
    fn a_post_is_cleaned_and_every_problem_is_said_at_once() {
        let ok = post("  We asked the school's director to a meeting.\u{200b} ").check().unwrap();
        assert_eq!(ok.text, "We asked the school's director to a meeting.");
        let mut bad = post(&"a".repeat(TEXT_MAX + 1));
        bad.topic = None;
        bad.link = Some(PostLink::Case { tracking: "nope".into() });
        let errors = bad.check().unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["text", "topic", "link"]);
    }

    #[test]
    fn a_reply_takes_its_threads_topic() {
        let mut reply = post("Thank you, we did the same.");
        reply.parent = Some(1);
        assert!(reply.check().is_err());
        reply.topic = None;
        assert!(reply.check().is_ok());
    }

    #[test]
    fn a_link_names_a_report_by_its_hash_or_a_case_by_its_number() {
        let mut p = post("See the report.");
        p.link = Some(PostLink::Report { sha256: "AB".repeat(32) });
        assert_eq!(p.check().unwrap().link, Some(PostLink::Report { sha256: "ab".repeat(32) }));
        p.link = Some(PostLink::Case { tracking: " URA-2026-00042 ".into() });
        assert_eq!(
            p.check().unwrap().link,
            Some(PostLink::Case { tracking: "URA-2026-00042".into() })
        );
    }

    #[test]
    fn only_those_who_handle_cases_are_in_the_channel_and_only_overseers_moderate() {
        assert!(Role::OfficeStaff.may_channel(ChannelStep::Post));
        assert!(!Role::OfficeStaff.may_channel(ChannelStep::Moderate));
        assert!(Role::Curator.may_channel(ChannelStep::Moderate));
        assert!(!Role::Volunteer.may_channel(ChannelStep::Read));
        assert!(!Role::Administrator.may_channel(ChannelStep::Read));
    }
}
