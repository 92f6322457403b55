//! Staff accounts. Passwords arrive here already hashed (see `crate::staff::password`).

use super::sql::{Conn, Row, params};
use adal_core::District;
use adal_core::staff::{AccountSummary, Role};
use time::OffsetDateTime;

use super::DbError;
use super::clock::{format_time, parse_time};

/// An account as the server reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub role: Role,
    pub district: Option<District>,
    pub password_hash: String,
    pub disabled: bool,
}

/// Creates an account; `None` if the login is taken.
pub fn insert(
    conn: &Conn,
    login: &str,
    role: Role,
    district: Option<District>,
    password_hash: &str,
    at: OffsetDateTime,
) -> Result<Option<i64>, DbError> {
    conn.query_opt(
        "INSERT INTO accounts (login, role, district, password_hash, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (login) DO NOTHING RETURNING id",
        params![
            login,
            role.as_str(),
            district.map(District::code),
            password_hash,
            format_time(at)?
        ],
        |row| row.get(0),
    )
}

const COLUMNS: &str = "id, login, role, district, password_hash, disabled";

pub fn find_by_login(conn: &Conn, login: &str) -> Result<Option<Account>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE login = ?1");
    conn.query_opt(&sql, params![login], read)
}

pub fn find_by_id(conn: &Conn, id: i64) -> Result<Option<Account>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1");
    conn.query_opt(&sql, params![id], read)
}

fn read(row: &Row<'_>) -> Result<Account, DbError> {
    let id: i64 = row.get(0)?;
    let role: String = row.get(2)?;
    let district: Option<String> = row.get(3)?;
    let role = role.parse().map_err(|_| DbError::Corrupt(format!("role of account {id}")))?;
    let district = district
        .map(|code| {
            District::from_code(&code)
                .ok_or_else(|| DbError::Corrupt(format!("district of account {id}")))
        })
        .transpose()?;
    Ok(Account {
        id,
        login: row.get(1)?,
        role,
        district,
        password_hash: row.get(4)?,
        disabled: row.get(5)?,
    })
}

/// Every account, by login, as administrators see it.
pub fn list(conn: &Conn) -> Result<Vec<AccountSummary>, DbError> {
    let rows = conn.query_map(
        "SELECT login, role, district, disabled, created_at FROM accounts ORDER BY login",
        params![],
        |row| {
            Ok((
                row.get::<String>(0)?,
                row.get::<String>(1)?,
                row.get::<Option<String>>(2)?,
                row.get::<bool>(3)?,
                row.get::<String>(4)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(login, role, district, disabled, created_at)| {
            let corrupt = |what: &str| DbError::Corrupt(format!("{what} of account {login}"));
            Ok(AccountSummary {
                role: role.parse().map_err(|_| corrupt("role"))?,
                district: district
                    .map(|code| District::from_code(&code).ok_or_else(|| corrupt("district")))
                    .transpose()?,
                disabled,
                created_at: parse_time(&created_at)?,
                login,
            })
        })
        .collect()
}

/// Sets an account's role, district, disabled flag and (if given) password hash.
pub fn update(
    conn: &Conn,
    id: i64,
    role: Role,
    district: Option<District>,
    disabled: bool,
    password_hash: Option<&str>,
) -> Result<(), DbError> {
    conn.execute(
        "UPDATE accounts SET role = ?1, district = ?2, disabled = ?3, \
         password_hash = COALESCE(?4, password_hash) WHERE id = ?5",
        params![role.as_str(), district.map(District::code), disabled, password_hash, id],
    )?;
    Ok(())
}

/// How many accounts are administrators and not disabled.
pub fn active_administrators(conn: &Conn) -> Result<u64, DbError> {
    let count: i64 = conn.query_row(
        "SELECT COUNT(*) FROM accounts WHERE role = ?1 AND disabled = 0",
        params![Role::Administrator.as_str()],
        |row| row.get(0),
    )?;
    Ok(count as u64)
}

/// The account summary of `login`, if any.
pub fn summary(conn: &Conn, login: &str) -> Result<Option<AccountSummary>, DbError> {
    Ok(list(conn)?.into_iter().find(|a| a.login == login))
}
