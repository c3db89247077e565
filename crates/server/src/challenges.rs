//! EDS challenges: one-time values (two minutes) whose signature with an authentication key
//! proves who holds it — for logging in and for registering. Each is spent by its first use,
//! whatever the outcome, so a signature cannot be replayed.

use crate::db::Db;

/// How long a challenge may be signed.
pub const LIFETIME: i64 = 2 * 60;

/// Stores a new challenge `nonce`, open until `now + LIFETIME` (and forgets expired ones).
pub async fn issue(db: &Db, nonce: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_challenges WHERE expires_at < $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO login_challenges (nonce, expires_at, used) VALUES ($1, $2, 0)")
        .bind(nonce)
        .bind(now + LIFETIME)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Spends the challenge: true only the first time, and only while it is open.
pub async fn spend(db: &Db, nonce: &str, now: i64) -> sqlx::Result<bool> {
    let spent = sqlx::query(
        "UPDATE login_challenges SET used = 1 WHERE nonce = $1 AND used = 0 AND expires_at >= $2",
    )
    .bind(nonce)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(spent.rows_affected() == 1)
}
