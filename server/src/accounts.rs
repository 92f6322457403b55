//! Staff credentials: Argon2id password hashes, random session and CSRF tokens, and
//! creating an account (the `adal-server user add` command and the administrators' API).

use std::sync::OnceLock;

use adal_core::District;
use adal_core::staff::{self, Role};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use crate::db::{self, Db};

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password` with a fresh salt,
/// using the crate's default (OWASP-recommended) Argon2id parameters.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `stored` (a PHC string). With `stored = None` (no such
/// login) it checks against a hash nobody's password matches, so that an unknown login
/// takes as long to refuse as a wrong password.
pub fn verify_password(stored: Option<&str>, password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        hash_password("no account has this password, it only spends the time").unwrap_or_default()
    });
    let phc = stored.unwrap_or(dummy);
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    matches && stored.is_some()
}

/// 256 random bits from the operating system, as 64 lowercase hex digits.
pub fn random_token() -> anyhow::Result<String> {
    Ok(hex::encode(random_bytes::<32>()?))
}

fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes)
}

/// How tokens and user agents are stored: SHA-256, lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Creates an account, as `adal-server user add` does: the way to make the first
/// administrator. The database is created if missing.
pub fn add_user(
    at: impl Into<db::Location>,
    login: &str,
    role: Role,
    district: Option<District>,
    password: &str,
) -> anyhow::Result<()> {
    staff::check_login(login)?;
    staff::check_password(password)?;
    staff::check_district(role, district)?;
    let hash = hash_password(password)?;
    let db = Db::open_at(&at.into())?;
    let now = time::OffsetDateTime::now_utc();
    let created = db.call_blocking(|conn| {
        let id = db::accounts::insert(conn, login, role, district, &hash, now)?;
        if id.is_some() {
            db::audit::append(
                conn,
                &db::audit::NewEntry {
                    at: now,
                    account_id: None,
                    login: None,
                    role: None,
                    action: "add_user",
                    target: Some(login.to_owned()),
                    district,
                    outcome: "allowed",
                    device_sha256: Some(sha256_hex("adal-server user add")),
                },
            )?;
        }
        Ok(id)
    })?;
    anyhow::ensure!(created.is_some(), "the login {login} is taken");
    tracing::info!(role = role.as_str(), "account created");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(verify_password(Some(&hash), "correct horse battery"));
        assert!(!verify_password(Some(&hash), "correct horse batterY"));
        assert!(!verify_password(None, "correct horse battery"));
    }

    #[test]
    fn tokens_are_256_bits_and_differ() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
