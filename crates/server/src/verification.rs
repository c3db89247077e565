//! One-time codes sent by SMS: proof of the phone the state holds for a person, at
//! registration without EDS and as the second factor of a password login (as egov.kz has
//! required since 2022).
//!
//! A code is six digits, lives five minutes, allows five attempts and is spent on its first
//! success. Only a salted SHA-256 of it is stored (the salt is the code's random id); what
//! keeps a six-digit code safe is its short life and attempt limit, which hold however the
//! store is read. Sending is rate-limited per subject and per phone, counting the codes that
//! were not used: someone who triggers codes they cannot read (SMS bombing a holder whose
//! IIN they know) is stopped after three, while a person who logs in with each code is not.

use crate::db::{Db, now};
use crate::sms::SmsGateway;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qyzmet_domain::Lang;
use sqlx::Row;

pub const LIFETIME: i64 = 5 * 60;
pub const MAX_ATTEMPTS: i64 = 5;
/// At most this many unused codes per subject (and per phone) within `SEND_WINDOW`.
pub const MAX_SENT: i64 = 3;
pub const SEND_WINDOW: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Login,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Login => "login",
        }
    }
}

/// A code sent: its id (what the client sends back with the code) and when it expires.
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: String,
    pub expires_at: i64,
}

#[derive(Debug)]
pub enum SendError {
    /// Too many codes lately: try again in this many seconds.
    TooMany(i64),
    Failed(anyhow::Error),
}

impl From<sqlx::Error> for SendError {
    fn from(e: sqlx::Error) -> Self {
        SendError::Failed(e.into())
    }
}

#[derive(Debug)]
pub enum CheckError {
    /// Unknown, expired, spent, of another purpose or out of attempts: ask for a new code.
    Expired,
    /// Not the code sent; this many attempts remain.
    Wrong {
        attempts_left: i64,
    },
    Db(sqlx::Error),
}

impl From<sqlx::Error> for CheckError {
    fn from(e: sqlx::Error) -> Self {
        CheckError::Db(e)
    }
}

/// Who a checked code proved: the subject it was sent for, and the phone it went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proven {
    pub subject: String,
    pub phone: String,
}

fn hash(id: &str, code: &str) -> String {
    crate::hex::sha256_hex(format!("{id}:{code}").as_bytes())
}

/// Six decimal digits, uniformly (rejection sampling: no digit is likelier than another).
fn new_code() -> anyhow::Result<String> {
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let n = u32::from_le_bytes(b);
        // 4_294_000_000 is the largest multiple of 1_000_000 below 2^32.
        if n < 4_294_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

fn new_id() -> anyhow::Result<String> {
    let mut b = [0u8; 24];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

/// Seconds until another code may be sent for `subject` or to `phone`, if the limit is reached.
async fn wait_before_sending(
    db: &Db,
    subject: &str,
    phone: &str,
    t: i64,
) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS first FROM verification_codes \
         WHERE (subject = $1 OR phone = $2) AND created_at > $3 AND used = 0",
    )
    .bind(subject.to_string())
    .bind(phone.to_string())
    .bind(t - SEND_WINDOW)
    .fetch_one(&db.pool)
    .await?;
    let n: i64 = row.try_get("n")?;
    if n < MAX_SENT {
        return Ok(None);
    }
    let first: i64 = row.try_get::<Option<i64>, _>("first")?.unwrap_or(t);
    Ok(Some((first + SEND_WINDOW - t).max(1)))
}

/// Sends a new code for `subject` (an IIN/BIN at registration, an account id at login) to
/// `phone`, in the language of the request.
pub async fn send(
    db: &Db,
    sms: &dyn SmsGateway,
    purpose: Purpose,
    subject: &str,
    phone: &str,
    lang: Lang,
) -> Result<Sent, SendError> {
    let t = now();
    sqlx::query("DELETE FROM verification_codes WHERE expires_at < $1")
        .bind(t - SEND_WINDOW)
        .execute(&db.pool)
        .await?;
    if let Some(wait) = wait_before_sending(db, subject, phone, t).await? {
        return Err(SendError::TooMany(wait));
    }
    let id = new_id().map_err(SendError::Failed)?;
    let code = new_code().map_err(SendError::Failed)?;
    sqlx::query(
        "INSERT INTO verification_codes (id, purpose, subject, phone, code_hash, attempts, used, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $7)",
    )
    .bind(id.clone())
    .bind(purpose.code())
    .bind(subject.to_string())
    .bind(phone.to_string())
    .bind(hash(&id, &code))
    .bind(t)
    .bind(t + LIFETIME)
    .execute(&db.pool)
    .await?;
    let body = crate::locales::message(lang, &format!("sms.{}", purpose.code()))
        .replace("{code}", &code)
        .replace("{minutes}", &(LIFETIME / 60).to_string());
    sms.send(phone, &body, &id)
        .await
        .map_err(SendError::Failed)?;
    Ok(Sent {
        id,
        expires_at: t + LIFETIME,
    })
}

/// Checks `code` against the code `id` of `purpose`; on success the code is spent.
pub async fn check(db: &Db, id: &str, purpose: Purpose, code: &str) -> Result<Proven, CheckError> {
    let t = now();
    // Count the attempt first, in one statement, so parallel guesses cannot exceed the limit.
    let counted = sqlx::query(
        "UPDATE verification_codes SET attempts = attempts + 1 \
         WHERE id = $1 AND purpose = $2 AND used = 0 AND expires_at >= $3 AND attempts < $4",
    )
    .bind(id.to_string())
    .bind(purpose.code())
    .bind(t)
    .bind(MAX_ATTEMPTS)
    .execute(&db.pool)
    .await?;
    if counted.rows_affected() != 1 {
        return Err(CheckError::Expired);
    }
    let row = sqlx::query(
        "SELECT subject, phone, code_hash, attempts FROM verification_codes WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&db.pool)
    .await?;
    let stored: String = row.try_get("code_hash")?;
    let attempts: i64 = row.try_get("attempts")?;
    let given = hash(id, code.trim());
    if !constant_time_eq(stored.as_bytes(), given.as_bytes()) {
        let attempts_left = MAX_ATTEMPTS - attempts;
        return Err(if attempts_left > 0 {
            CheckError::Wrong { attempts_left }
        } else {
            CheckError::Expired
        });
    }
    let spent = sqlx::query("UPDATE verification_codes SET used = 1 WHERE id = $1 AND used = 0")
        .bind(id.to_string())
        .execute(&db.pool)
        .await?;
    if spent.rows_affected() != 1 {
        return Err(CheckError::Expired);
    }
    Ok(Proven {
        subject: row.try_get("subject")?,
        phone: row.try_get("phone")?,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::TestOutbox;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&crate::db::default_url(dir.path()))
            .await
            .unwrap();
        (dir, db)
    }

    async fn last_code(db: &Db, phone: &str) -> String {
        let message = crate::sms::outbox(db, phone).await.unwrap().remove(0);
        message
            .body
            .chars()
            .collect::<Vec<_>>()
            .windows(6)
            .map(|w| w.iter().collect::<String>())
            .find(|w| w.chars().all(|c| c.is_ascii_digit()))
            .unwrap()
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let c = new_code().unwrap();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[tokio::test]
    async fn a_code_is_stored_hashed_proves_once_and_only_for_its_purpose() {
        let (_dir, db) = db().await;
        let sms = TestOutbox { db: db.clone() };
        let phone = "+77011234567";
        let sent = send(
            &db,
            &sms,
            Purpose::Register,
            "880315412341",
            phone,
            Lang::Kk,
        )
        .await
        .unwrap();
        let code = last_code(&db, phone).await;
        let kept = crate::sms::outbox(&db, phone).await.unwrap();
        assert_eq!(
            kept[0].reference, sent.id,
            "the message names its verification"
        );
        let stored: String = sqlx::query("SELECT code_hash FROM verification_codes")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get("code_hash")
            .unwrap();
        assert!(!stored.contains(&code), "only a hash is stored");
        assert!(matches!(
            check(&db, &sent.id, Purpose::Login, &code).await,
            Err(CheckError::Expired)
        ));
        let proven = check(&db, &sent.id, Purpose::Register, &code)
            .await
            .unwrap();
        assert_eq!(proven.subject, "880315412341");
        assert_eq!(proven.phone, phone);
        assert!(
            matches!(
                check(&db, &sent.id, Purpose::Register, &code).await,
                Err(CheckError::Expired)
            ),
            "single use"
        );
    }

    #[tokio::test]
    async fn five_wrong_attempts_end_a_code_and_sending_is_limited() {
        let (_dir, db) = db().await;
        let sms = TestOutbox { db: db.clone() };
        let phone = "+77027654321";
        let sent = send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru)
            .await
            .unwrap();
        let code = last_code(&db, phone).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in (1..MAX_ATTEMPTS).rev() {
            match check(&db, &sent.id, Purpose::Login, wrong).await {
                Err(CheckError::Wrong { attempts_left }) => assert_eq!(attempts_left, left),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            check(&db, &sent.id, Purpose::Login, wrong).await,
            Err(CheckError::Expired)
        ));
        assert!(
            matches!(
                check(&db, &sent.id, Purpose::Login, &code).await,
                Err(CheckError::Expired)
            ),
            "the right code no longer works after the attempts ran out"
        );
        send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru)
            .await
            .unwrap();
        send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru)
            .await
            .unwrap();
        match send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru).await {
            Err(SendError::TooMany(wait)) => assert!(wait > 0 && wait <= SEND_WINDOW),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_expired_code_proves_nothing() {
        let (_dir, db) = db().await;
        let sms = TestOutbox { db: db.clone() };
        let phone = "+77011234567";
        let sent = send(&db, &sms, Purpose::Login, "1", phone, Lang::En)
            .await
            .unwrap();
        let code = last_code(&db, phone).await;
        sqlx::query("UPDATE verification_codes SET expires_at = $1")
            .bind(now() - 1)
            .execute(&db.pool)
            .await
            .unwrap();
        assert!(matches!(
            check(&db, &sent.id, Purpose::Login, &code).await,
            Err(CheckError::Expired)
        ));
    }
}
