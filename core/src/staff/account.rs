//! Staff accounts: roles, the checks of a login, a password and a district, the
//! session's cookie and CSRF header, and the wire types of logging in and of managing
//! accounts.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::District;

/// The cookie that carries a staff session.
pub const SESSION_COOKIE: &str = "adal_staff";

/// The header every state-changing staff request repeats the login's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Shortest password accepted for a staff account.
pub const PASSWORD_MIN_CHARS: usize = 12;

/// Longest password accepted (hashing a megabyte is a denial of service, not security).
pub const PASSWORD_MAX_CHARS: usize = 256;

/// What a staff account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Youth resource centre volunteer: fills monitoring checklists in one district.
    Volunteer,
    /// Staff of a district's integrity office or reconciliation centre.
    OfficeStaff,
    /// A mediator (or other provider) working with one district's centre.
    Mediator,
    /// The deputy district akim who curates one district's office.
    Curator,
    /// The regional front office in Uralsk: every district.
    FrontOffice,
    /// Manages accounts; reads the audit log, not the citizens' submissions.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Volunteer,
        Role::OfficeStaff,
        Role::Mediator,
        Role::Curator,
        Role::FrontOffice,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::OfficeStaff => "office_staff",
            Role::Mediator => "mediator",
            Role::Curator => "curator",
            Role::FrontOffice => "front_office",
            Role::Administrator => "administrator",
        }
    }

    /// Whether an account of this role belongs to one district (all but the regional
    /// front office and administrators).
    pub fn has_district(self) -> bool {
        !matches!(self, Role::FrontOffice | Role::Administrator)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(UnknownRole)
    }
}

/// Why a new account was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("a login is 3 to 64 characters: a-z, 0-9, '.', '_' or '-'")]
    InvalidLogin,
    #[error("a password has {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters")]
    InvalidPassword,
    #[error("this role works in one district: give it")]
    DistrictRequired,
    #[error("this role works in every district: give none")]
    DistrictNotAllowed,
}

/// A login: lowercase ASCII, so that `Aigerim` and `aigerim` are never two accounts.
pub fn check_login(login: &str) -> Result<(), AccountError> {
    let ok = (3..=64).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(AccountError::InvalidLogin) }
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(AccountError::InvalidPassword)
    }
}

/// A district exactly when the role works in one.
pub fn check_district(role: Role, district: Option<District>) -> Result<(), AccountError> {
    match (role.has_district(), district) {
        (true, None) => Err(AccountError::DistrictRequired),
        (false, Some(_)) => Err(AccountError::DistrictNotAllowed),
        _ => Ok(()),
    }
}

/// `POST /api/v1/staff/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// `GET /api/v1/staff/me`, and the account part of a login's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub login: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
}

/// The answer to a login. The session itself is in an HttpOnly cookie; `csrf_token` is
/// what the app repeats in [`CSRF_HEADER`] on every state-changing request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub account: Me,
    pub csrf_token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /api/v1/staff/users` (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAccountRequest {
    pub login: String,
    pub role: Role,
    #[serde(default)]
    pub district: Option<District>,
    pub password: String,
}

impl NewAccountRequest {
    pub fn check(&self) -> Result<(), AccountError> {
        check_login(&self.login)?;
        check_password(&self.password)?;
        check_district(self.role, self.district)
    }
}

/// One account as administrators see it (`GET /api/v1/staff/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    pub login: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /api/v1/staff/users`: every account, by login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountsResponse {
    pub accounts: Vec<AccountSummary>,
}

/// `POST /api/v1/staff/users/{login}`: what an administrator changes about an account;
/// whatever is missing stays. Disabling ends the account's sessions. When `role` is
/// given, `district` is read with it (missing = no district), so that an office
/// worker can become front office; when only `district` is given, the role stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// A new password, set by the administrator (told to its owner in person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
}

impl AccountChange {
    /// The role and district the account will have, checked as a new account's are,
    /// and the password checked if one is given.
    pub fn apply(
        &self,
        role: Role,
        district: Option<District>,
    ) -> Result<(Role, Option<District>), AccountError> {
        if let Some(password) = &self.password {
            check_password(password)?;
        }
        let (role, district) = match (self.role, self.district) {
            (Some(role), district) => (role, district),
            (None, Some(district)) => (role, Some(district)),
            (None, None) => (role, district),
        };
        check_district(role, district)?;
        Ok((role, district))
    }
}
