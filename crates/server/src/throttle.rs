//! Login throttling, per account and per client address: after too many failures in a window
//! the key is locked for a while, and the error says how long. Kept in the database so a
//! restart does not reset it.

use crate::db::{Db, now};
use sqlx::Row;

/// Failures allowed per window before a lock, and the lock's length.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub failures: i64,
    pub window: i64,
    pub lock: i64,
}

pub const PER_ACCOUNT: Limits = Limits {
    failures: 5,
    window: 15 * 60,
    lock: 5 * 60,
};
pub const PER_ADDRESS: Limits = Limits {
    failures: 30,
    window: 15 * 60,
    lock: 15 * 60,
};

/// Seconds until the key may try again, or `None` when it may try now.
pub async fn locked_for(db: &Db, key: &str) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query("SELECT locked_until FROM login_throttle WHERE throttle_key = $1")
        .bind(key.to_string())
        .fetch_optional(&db.pool)
        .await?;
    let until: i64 = match row {
        Some(r) => r.try_get("locked_until")?,
        None => return Ok(None),
    };
    let left = until - now();
    Ok((left > 0).then_some(left))
}

/// Records a failure; returns the lock length when this failure starts a lock.
pub async fn fail(db: &Db, key: &str, limits: Limits) -> sqlx::Result<Option<i64>> {
    let t = now();
    let row =
        sqlx::query("SELECT failures, window_start FROM login_throttle WHERE throttle_key = $1")
            .bind(key.to_string())
            .fetch_optional(&db.pool)
            .await?;
    let (failures, window_start) = match row {
        Some(r) if t - r.try_get::<i64, _>("window_start")? < limits.window => (
            r.try_get::<i64, _>("failures")? + 1,
            r.try_get::<i64, _>("window_start")?,
        ),
        _ => (1, t),
    };
    let locked_until = if failures >= limits.failures {
        t + limits.lock
    } else {
        0
    };
    // Delete-then-insert keeps the SQL the same on SQLite and PostgreSQL.
    sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(key.to_string())
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)")
        .bind(key.to_string())
        .bind(if locked_until > 0 { 0 } else { failures })
        .bind(window_start)
        .bind(locked_until)
        .execute(&db.pool)
        .await?;
    Ok((locked_until > 0).then_some(limits.lock))
}

pub async fn reset(db: &Db, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(key.to_string())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The two counters a password login is throttled by: the account (its normalised
/// identifier, so spaces or hyphens do not make a new key) and the client's address.
pub struct LoginKeys {
    account: String,
    address: String,
}

impl LoginKeys {
    pub fn new(login: &str, address: std::net::IpAddr) -> LoginKeys {
        let account = qyzmet_domain::identifiers::AccountId::parse(login)
            .map(|id| id.as_string())
            .unwrap_or_else(|_| login.trim().to_string());
        LoginKeys {
            account: format!("account:{account}"),
            address: format!("address:{address}"),
        }
    }

    /// Seconds to wait if either counter is locked now.
    pub async fn locked_for(&self, db: &Db) -> sqlx::Result<Option<i64>> {
        match locked_for(db, &self.account).await? {
            Some(seconds) => Ok(Some(seconds)),
            None => locked_for(db, &self.address).await,
        }
    }

    /// Counts a wrong password on both; seconds to wait if that locked either.
    pub async fn fail(&self, db: &Db) -> sqlx::Result<Option<i64>> {
        let by_account = fail(db, &self.account, PER_ACCOUNT).await?;
        let by_address = fail(db, &self.address, PER_ADDRESS).await?;
        Ok(by_account.or(by_address))
    }

    /// A right password clears the account's counter (not the address's: one account's
    /// success says nothing about the others tried from there).
    pub async fn succeeded(&self, db: &Db) -> sqlx::Result<()> {
        reset(db, &self.account).await
    }
}
