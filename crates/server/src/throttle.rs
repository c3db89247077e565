//! Throttling of guesses (passwords, one-time codes, document codes, registry look-ups): after
//! too many failures in a window the key is locked for a while, and the error says how long.
//! Kept in the database so a restart does not reset it and instances share it.
//!
//! A lock follows the one who failed, not the one they tried to be: password and code
//! failures are keyed by the account *and* the client's address, so nobody can lock a holder
//! out of their own login by failing on purpose from elsewhere (the second factor, not the
//! password lock, is what stops a guessed password). Every count is one atomic statement (an
//! upsert returning the new count), so parallel failures cannot slip past the limit or race
//! into a unique-key error.

use crate::db::{Db, now};
use sqlx::Row;

/// Failures allowed per window before a lock, and the lock's length.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub failures: i64,
    pub window: i64,
    pub lock: i64,
}

/// Wrong passwords for one account from one address.
pub const PER_ACCOUNT: Limits = Limits {
    failures: 5,
    window: 15 * 60,
    lock: 5 * 60,
};
/// Wrong one-time codes for one subject from one address.
pub const PER_CODE: Limits = Limits {
    failures: 5,
    window: 15 * 60,
    lock: 15 * 60,
};
/// Failures of any kind from one address.
pub const PER_ADDRESS: Limits = Limits {
    failures: 30,
    window: 15 * 60,
    lock: 15 * 60,
};
/// Registry look-ups (a registration code asked for an IIN) from one address: each one
/// counts, found or not, so the registry cannot be probed for who is in it.
pub const REGISTRY_LOOKUPS: Limits = Limits {
    failures: 10,
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

/// Counts one failure (or one use, for what is limited by count) in one statement. A window
/// that has passed, or a lock that has ended, starts the count again; the failure that
/// reaches the limit locks the key. Returns the seconds to wait when this failure is over the
/// limit (answer "too many"); the failures up to the limit are answered as themselves.
pub async fn fail(db: &Db, key: &str, limits: Limits) -> sqlx::Result<Option<i64>> {
    let t = now();
    // `login_throttle.*` in the SET clauses is the row before the update (SQLite and
    // PostgreSQL alike); the same SQL runs on both.
    let row = sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) \
         VALUES ($1, 1, $2, CASE WHEN 1 >= $4 THEN $2 + $5 ELSE 0 END) \
         ON CONFLICT (throttle_key) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_start + $3 <= $2 \
                             OR (login_throttle.locked_until > 0 AND login_throttle.locked_until <= $2) \
                           THEN 1 ELSE login_throttle.failures + 1 END, \
           window_start = CASE WHEN login_throttle.window_start + $3 <= $2 \
                                 OR (login_throttle.locked_until > 0 AND login_throttle.locked_until <= $2) \
                               THEN $2 ELSE login_throttle.window_start END, \
           locked_until = CASE WHEN login_throttle.window_start + $3 <= $2 \
                                 OR (login_throttle.locked_until > 0 AND login_throttle.locked_until <= $2) \
                               THEN (CASE WHEN 1 >= $4 THEN $2 + $5 ELSE 0 END) \
                               WHEN login_throttle.failures + 1 >= $4 AND login_throttle.locked_until <= $2 \
                               THEN $2 + $5 \
                               ELSE login_throttle.locked_until END \
         RETURNING failures, locked_until",
    )
    .bind(key.to_string())
    .bind(t)
    .bind(limits.window)
    .bind(limits.failures)
    .bind(limits.lock)
    .fetch_one(&db.pool)
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let locked_until: i64 = row.try_get("locked_until")?;
    Ok((failures > limits.failures).then(|| (locked_until - t).max(1)))
}

pub async fn reset(db: &Db, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(key.to_string())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The key of a client's address for `what` ("address", "registry", "verify").
pub fn address_key(what: &str, address: std::net::IpAddr) -> String {
    format!("{what}:{address}")
}

/// The counter of wrong codes for one subject (an account, an IIN) from one address.
pub fn code_key(subject: &str, address: std::net::IpAddr) -> String {
    format!("code:{subject}@{address}")
}

/// The two counters a password login is throttled by: the account (its normalised
/// identifier, so spaces or hyphens do not make a new key) as tried from this address, and
/// the address itself.
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
            account: format!("account:{account}@{address}"),
            address: address_key("address", address),
        }
    }

    /// Seconds to wait if either counter is locked now.
    pub async fn locked_for(&self, db: &Db) -> sqlx::Result<Option<i64>> {
        match locked_for(db, &self.account).await? {
            Some(seconds) => Ok(Some(seconds)),
            None => locked_for(db, &self.address).await,
        }
    }

    /// Counts a wrong password on both; seconds to wait if this one is over either limit.
    pub async fn fail(&self, db: &Db) -> sqlx::Result<Option<i64>> {
        let by_account = fail(db, &self.account, PER_ACCOUNT).await?;
        let by_address = fail(db, &self.address, PER_ADDRESS).await?;
        Ok(by_account.or(by_address))
    }

    /// A right password clears the account's counter from this address (not the
    /// address's: one account's success says nothing about the others tried from there).
    pub async fn succeeded(&self, db: &Db) -> sqlx::Result<()> {
        reset(db, &self.account).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::db::tests::temporary as db;

    #[tokio::test]
    async fn exactly_the_limit_of_failures_is_answered_as_itself_even_in_parallel() {
        let (_dir, db) = db().await;
        let limits = Limits {
            failures: 5,
            window: 60,
            lock: 60,
        };
        let tries = (0..30).map(|_| {
            let db = db.clone();
            tokio::spawn(async move { fail(&db, "k", limits).await.unwrap() })
        });
        let mut over = 0;
        for t in tries {
            if t.await.unwrap().is_some() {
                over += 1;
            }
        }
        assert_eq!(over, 25);
        assert!(locked_for(&db, "k").await.unwrap().is_some());
        assert!(locked_for(&db, "other").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn an_ended_lock_or_window_starts_the_count_again() {
        let (_dir, db) = db().await;
        let limits = Limits {
            failures: 2,
            window: 60,
            lock: 30,
        };
        assert_eq!(fail(&db, "k", limits).await.unwrap(), None);
        assert_eq!(fail(&db, "k", limits).await.unwrap(), None);
        assert!(fail(&db, "k", limits).await.unwrap().is_some());
        // The lock ends (moved into the past): the next failure counts from one.
        sqlx::query("UPDATE login_throttle SET locked_until = $1")
            .bind(now() - 1)
            .execute(&db.pool)
            .await
            .unwrap();
        assert_eq!(locked_for(&db, "k").await.unwrap(), None);
        assert_eq!(fail(&db, "k", limits).await.unwrap(), None);
        let failures: i64 = sqlx::query("SELECT failures FROM login_throttle")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get("failures")
            .unwrap();
        assert_eq!(failures, 1);
    }
}
