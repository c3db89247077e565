//! One-time codes sent by SMS: proof of the phone the state holds for a person, at
//! registration without EDS and as the second factor of a password login (as egov.kz has
//! required since 2022).
//!
//! A code is six digits, lives five minutes, allows five attempts and is spent on its first
//! success. Only a salted SHA-256 of it is stored (the salt is the code's random id); what
//! keeps a six-digit code safe is its short life and attempt limit, which hold however the
//! store is read. Sending is limited by the unused codes per phone and per asking address;
//! neither limit ever refuses the holder a code that is still on their phone (`send`).

use crate::db::{Db, now};
use crate::sms::SmsGateway;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qyzmet_domain::Lang;
use sqlx::Row;

pub const LIFETIME: i64 = 5 * 60;
pub const MAX_ATTEMPTS: i64 = 5;
/// At most this many unused codes to one phone within `SEND_WINDOW`; beyond it the code
/// already on the phone is the one to use, or the next one waits.
pub const MAX_PER_PHONE: i64 = 5;
/// At most this many unused codes asked for from one address within `SEND_WINDOW`: someone
/// who triggers codes they cannot read is stopped; people who log in with their codes are
/// never counted, however many share the address.
pub const MAX_PER_ADDRESS: i64 = 10;
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

/// A code sent: its id (what the client sends back with the code), when it expires, and
/// the seconds before another may be asked for.
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: String,
    pub expires_at: i64,
    pub resend_after: i64,
}

#[derive(Debug)]
pub enum SendError {
    /// Too many codes lately, and none still usable: the next may go in this many seconds.
    TooMany(i64),
    /// The SMS provider refused or did not answer: nothing was counted as sent.
    Unavailable(crate::sms::SmsError),
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

/// 24 random bytes, URL-safe base64 without padding: 32 characters of `[A-Za-z0-9_-]`
/// (the pattern the API documents).
fn new_id() -> anyhow::Result<String> {
    let mut b = [0u8; 24];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

/// The newest code of `purpose` for `subject` that can still prove something.
struct Live {
    id: String,
    expires_at: i64,
}

async fn newest_live(
    db: &Db,
    purpose: Purpose,
    subject: &str,
    t: i64,
) -> sqlx::Result<Option<Live>> {
    let row = sqlx::query(
        "SELECT id, expires_at FROM verification_codes \
         WHERE purpose = $1 AND subject = $2 AND used = 0 AND expires_at > $3 AND attempts < $4 \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(purpose.code())
    .bind(subject.to_string())
    .bind(t)
    .bind(MAX_ATTEMPTS)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Live {
            id: r.try_get("id")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// Seconds until another code may go, when the unused codes matching `column = value` had
/// their share (`limit`) lately.
async fn share_wait(
    db: &Db,
    column: &str,
    value: &str,
    limit: i64,
    t: i64,
) -> sqlx::Result<Option<i64>> {
    let sql = format!(
        "SELECT COUNT(*) AS n, MIN(created_at) AS first FROM verification_codes \
         WHERE {column} = $1 AND created_at > $2 AND used = 0"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value.to_string())
        .bind(t - SEND_WINDOW)
        .fetch_one(&db.pool)
        .await?;
    let n: i64 = row.try_get("n")?;
    if n < limit {
        return Ok(None);
    }
    let first: i64 = row.try_get::<Option<i64>, _>("first")?.unwrap_or(t);
    Ok(Some((first + SEND_WINDOW - t).max(1)))
}

impl Live {
    fn reused(self, wait: i64) -> Sent {
        Sent {
            id: self.id,
            expires_at: self.expires_at,
            resend_after: wait.max(1),
        }
    }
}

/// Sends a new code for `subject` (an IIN at registration, an account id at login) to
/// `phone`, in the language of the request, asked for from `client`.
///
/// Limits never lock the holder out: past a phone's share (`MAX_PER_PHONE`) or the asking
/// address's (`MAX_PER_ADDRESS`, unused codes only) the code already on the phone is the
/// answer (no new SMS; `resend_after` says when one may go), and only with none left does the
/// next one wait. Below them every request gets its own code, so two logins at once never
/// share one. A code the provider did not take is not kept.
pub async fn send(
    db: &Db,
    sms: &dyn SmsGateway,
    purpose: Purpose,
    subject: &str,
    phone: &str,
    lang: Lang,
    client: std::net::IpAddr,
) -> Result<Sent, SendError> {
    let t = now();
    sqlx::query("DELETE FROM verification_codes WHERE expires_at < $1")
        .bind(t - SEND_WINDOW)
        .execute(&db.pool)
        .await?;
    let client = client.to_string();
    let wait = match share_wait(db, "phone", phone, MAX_PER_PHONE, t).await? {
        Some(wait) => Some(wait),
        None => share_wait(db, "requested_from", &client, MAX_PER_ADDRESS, t).await?,
    };
    if let Some(wait) = wait {
        return match newest_live(db, purpose, subject, t).await? {
            Some(live) => Ok(live.reused(wait)),
            None => Err(SendError::TooMany(wait)),
        };
    }
    let id = new_id().map_err(SendError::Failed)?;
    let code = new_code().map_err(SendError::Failed)?;
    sqlx::query(
        "INSERT INTO verification_codes (id, purpose, subject, phone, code_hash, attempts, used, created_at, expires_at, requested_from) \
         VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $7, $8)",
    )
    .bind(id.clone())
    .bind(purpose.code())
    .bind(subject.to_string())
    .bind(phone.to_string())
    .bind(hash(&id, &code))
    .bind(t)
    .bind(t + LIFETIME)
    .bind(client)
    .execute(&db.pool)
    .await?;
    let body = crate::locales::message(lang, &format!("sms.{}", purpose.code()))
        .replace("{code}", &code)
        .replace("{minutes}", &(LIFETIME / 60).to_string());
    match sms.send(phone, &body, &id).await {
        Ok(delivered) => {
            sqlx::query("UPDATE verification_codes SET provider_message_id = $1 WHERE id = $2")
                .bind(delivered.provider_message_id)
                .bind(id.clone())
                .execute(&db.pool)
                .await?;
        }
        Err(e) => {
            // Not sent: not counted, not usable, not in the phone's share.
            sqlx::query("DELETE FROM verification_codes WHERE id = $1")
                .bind(id.clone())
                .execute(&db.pool)
                .await?;
            return Err(SendError::Unavailable(e));
        }
    }
    Ok(Sent {
        id,
        expires_at: t + LIFETIME,
        resend_after: 0,
    })
}

/// What `send` answers when no code must go (a registration asked for an IIN that already
/// has an account): shaped like a real one, so the answer does not tell whether an account
/// exists; its id proves nothing. (Registry look-ups, which it follows, are limited per
/// address, so its being uncounted here tells nothing either.)
pub fn decoy() -> Result<Sent, SendError> {
    Ok(Sent {
        id: new_id().map_err(SendError::Failed)?,
        expires_at: now() + LIFETIME,
        resend_after: 0,
    })
}

/// The subject a code was sent for, if the id names one (to key the throttle of wrong codes
/// by who is being proven and from where).
pub async fn subject_of(db: &Db, id: &str) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT subject FROM verification_codes WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("subject")).transpose()
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
    use crate::test_doubles::sms_outbox::{TestOutbox, outbox};
    const HERE: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    use crate::db::tests::temporary as db;

    async fn last_code(db: &Db, phone: &str) -> String {
        let message = outbox(db, phone).await.unwrap().remove(0);
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
            HERE,
        )
        .await
        .unwrap();
        let code = last_code(&db, phone).await;
        let kept = outbox(&db, phone).await.unwrap();
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
        let sent = send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru, HERE)
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
        // Asked again (two logins at once, "send again"): a code of its own each.
        let fresh = send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru, HERE)
            .await
            .unwrap();
        let again = send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru, HERE)
            .await
            .unwrap();
        assert_ne!(again.id, fresh.id);
        assert_eq!(again.resend_after, 0);
        assert_eq!(outbox(&db, phone).await.unwrap().len(), 3);
        // Past a phone's share, the code already on the phone is the answer; with none live,
        // a wait.
        for subject in ["8", "9"] {
            send(&db, &sms, Purpose::Login, subject, phone, Lang::Ru, HERE)
                .await
                .unwrap();
        }
        let capped = send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru, HERE)
            .await
            .unwrap();
        assert_eq!(
            capped.id, again.id,
            "the holder keeps the code on the phone"
        );
        assert!(capped.resend_after > 0);
        assert_eq!(outbox(&db, phone).await.unwrap().len(), 5, "no SMS for it");
        sqlx::query("UPDATE verification_codes SET expires_at = $1 WHERE subject = '7'")
            .bind(now() - 1)
            .execute(&db.pool)
            .await
            .unwrap();
        match send(&db, &sms, Purpose::Login, "7", phone, Lang::Ru, HERE).await {
            Err(SendError::TooMany(wait)) => assert!(wait > 0 && wait <= SEND_WINDOW),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn codes_asked_for_and_never_used_are_limited_per_address_used_ones_never() {
        let (_dir, db) = db().await;
        let sms = TestOutbox { db: db.clone() };
        let bomber: std::net::IpAddr = "203.0.113.5".parse().unwrap();
        // Logins whose codes are used: never limited, however many come from one address.
        for i in 0..(MAX_PER_ADDRESS + 2) {
            let phone = format!("+7701000{i:04}");
            let sent = send(
                &db,
                &sms,
                Purpose::Login,
                &format!("u{i}"),
                &phone,
                Lang::En,
                HERE,
            )
            .await
            .unwrap();
            let code = last_code(&db, &phone).await;
            check(&db, &sent.id, Purpose::Login, &code).await.unwrap();
        }
        // Codes to many phones that nobody enters: the address's share, then a wait.
        for i in 0..MAX_PER_ADDRESS {
            let phone = format!("+7702000{i:04}");
            send(
                &db,
                &sms,
                Purpose::Register,
                &format!("v{i}"),
                &phone,
                Lang::En,
                bomber,
            )
            .await
            .unwrap();
        }
        let next = send(
            &db,
            &sms,
            Purpose::Register,
            "w",
            "+77029999999",
            Lang::En,
            bomber,
        )
        .await;
        assert!(matches!(next, Err(SendError::TooMany(_))), "{next:?}");
        // Someone else is not held up by them.
        send(
            &db,
            &sms,
            Purpose::Register,
            "w",
            "+77029999999",
            Lang::En,
            HERE,
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn a_code_the_provider_did_not_take_is_not_kept() {
        struct Refusing;
        impl SmsGateway for Refusing {
            fn send<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str) -> crate::sms::Sending<'a> {
                Box::pin(async { Err(crate::sms::SmsError::Refused("code 8: no balance".into())) })
            }
            fn is_test(&self) -> bool {
                false
            }
            fn describe(&self) -> String {
                "refusing".into()
            }
        }
        let (_dir, db) = db().await;
        let sent = send(
            &db,
            &Refusing,
            Purpose::Login,
            "7",
            "+77011234567",
            Lang::Kk,
            HERE,
        )
        .await;
        assert!(matches!(sent, Err(SendError::Unavailable(_))), "{sent:?}");
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM verification_codes")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 0);
    }

    #[tokio::test]
    async fn an_expired_code_proves_nothing() {
        let (_dir, db) = db().await;
        let sms = TestOutbox { db: db.clone() };
        let phone = "+77011234567";
        let sent = send(&db, &sms, Purpose::Login, "1", phone, Lang::En, HERE)
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
