//! Sessions: a random opaque token in an `HttpOnly; SameSite=Strict` cookie; only its SHA-256
//! is stored, so a copy of the database does not let anyone log in. A session ends after 30
//! minutes without activity or 12 hours after login, whichever comes first, or at logout.

use crate::db::{Db, now};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::Row;

pub const COOKIE: &str = "qyzmet_session";
pub const IDLE_TIMEOUT: i64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT: i64 = 12 * 60 * 60;

pub fn token_hash(token: &str) -> String {
    crate::hex::sha256_hex(token.as_bytes())
}

/// A live session: whose, and how long it has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Live {
    pub account_id: i64,
    pub seconds_left: i64,
    /// Until the 12-hour limit, whatever the activity.
    pub absolute_seconds_left: i64,
}

/// Starts a session; returns the token for the cookie.
pub async fn create(db: &Db, account_id: i64) -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let t = now();
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, revoked) VALUES ($1, $2, $3, $4, 0)")
        .bind(token_hash(&token))
        .bind(account_id)
        .bind(t)
        .bind(t)
        .execute(&db.pool)
        .await?;
    Ok(token)
}

fn seconds_left(created_at: i64, last_seen_at: i64, at: i64) -> i64 {
    (last_seen_at + IDLE_TIMEOUT).min(created_at + ABSOLUTE_TIMEOUT) - at
}

/// The live session for a token; `touch` counts this request as activity (a status poll
/// must not keep a session alive, a real action does).
pub async fn lookup(db: &Db, token: &str, touch: bool) -> sqlx::Result<Option<Live>> {
    let hash = token_hash(token);
    let row = sqlx::query("SELECT account_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1 AND revoked = 0")
        .bind(hash.clone())
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let (account_id, created_at, last_seen_at): (i64, i64, i64) = (
        row.try_get("account_id")?,
        row.try_get("created_at")?,
        row.try_get("last_seen_at")?,
    );
    let t = now();
    if seconds_left(created_at, last_seen_at, t) <= 0 {
        return Ok(None);
    }
    if touch {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(t)
            .bind(hash)
            .execute(&db.pool)
            .await?;
        return Ok(Some(Live {
            account_id,
            seconds_left: seconds_left(created_at, t, t),
            absolute_seconds_left: created_at + ABSOLUTE_TIMEOUT - t,
        }));
    }
    Ok(Some(Live {
        account_id,
        seconds_left: seconds_left(created_at, last_seen_at, t),
        absolute_seconds_left: created_at + ABSOLUTE_TIMEOUT - t,
    }))
}

pub async fn revoke(db: &Db, token: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// How many other live sessions the account of session `token` has (other browsers or
/// devices), so the holder can see them and end them (ASVS V7.4.5).
pub async fn others(db: &Db, account_id: i64, token: &str) -> sqlx::Result<i64> {
    let t = now();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM sessions WHERE account_id = $1 AND token_hash <> $2 AND revoked = 0 \
         AND last_seen_at > $3 AND created_at > $4",
    )
    .bind(account_id)
    .bind(token_hash(token))
    .bind(t - IDLE_TIMEOUT)
    .bind(t - ABSOLUTE_TIMEOUT)
    .fetch_one(&db.pool)
    .await?;
    row.try_get("n")
}

/// Ends every session of the account but `token`'s; how many were live.
pub async fn revoke_others(db: &Db, account_id: i64, token: &str) -> sqlx::Result<i64> {
    let live = others(db, account_id, token).await?;
    sqlx::query(
        "UPDATE sessions SET revoked = 1 WHERE account_id = $1 AND token_hash <> $2 AND revoked = 0",
    )
    .bind(account_id)
    .bind(token_hash(token))
    .execute(&db.pool)
    .await?;
    Ok(live)
}

/// The `Set-Cookie` value for a new session, or for clearing it (`token` `None`).
pub fn cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/; Max-Age={ABSOLUTE_TIMEOUT}{secure}"
        ),
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"),
    }
}

/// The session token from a `Cookie` header.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_absolute_limits() {
        assert_eq!(seconds_left(0, 0, 0), IDLE_TIMEOUT);
        assert_eq!(seconds_left(0, 100, 100), IDLE_TIMEOUT);
        // Active all day: the absolute limit wins.
        let late = ABSOLUTE_TIMEOUT - 60;
        assert_eq!(seconds_left(0, late, late), 60);
        assert!(seconds_left(0, 0, IDLE_TIMEOUT) <= 0);
    }

    #[test]
    fn cookies() {
        let c = cookie(Some("abc"), false);
        assert!(
            c.contains("HttpOnly")
                && c.contains("SameSite=Strict")
                && c.contains("Path=/")
                && !c.contains("Secure")
        );
        assert!(cookie(Some("abc"), true).ends_with("; Secure"));
        assert!(cookie(None, false).contains("Max-Age=0"));
        assert_eq!(
            token_from_cookie_header("a=1; qyzmet_session=tok; b=2"),
            Some("tok")
        );
        assert_eq!(token_from_cookie_header("a=1"), None);
    }
}
