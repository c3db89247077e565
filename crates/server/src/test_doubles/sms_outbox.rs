//! TEST: an SMS "provider" that keeps every message in the database (`test_sms_outbox`),
//! shown by phone number on the TEST page `/test-sms-outbox` — the demo's way to read a
//! one-time code, since no operator is reachable from here.

use crate::db::{Db, now};
use crate::sms::{Delivered, Sending, SmsError, SmsGateway};
use sqlx::Row;

pub struct TestOutbox {
    pub db: Db,
}

/// How long the TEST outbox shows a message.
pub const OUTBOX_WINDOW: i64 = 24 * 60 * 60;

impl TestOutbox {
    async fn keep(&self, phone: &str, body: &str, reference: &str) -> sqlx::Result<()> {
        let t = now();
        sqlx::query("DELETE FROM test_sms_outbox WHERE created_at < $1")
            .bind(t - OUTBOX_WINDOW)
            .execute(&self.db.pool)
            .await?;
        sqlx::query(
            "INSERT INTO test_sms_outbox (phone, body, reference, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(phone.to_string())
        .bind(body.to_string())
        .bind(reference.to_string())
        .bind(t)
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }
}

impl SmsGateway for TestOutbox {
    fn send<'a>(&'a self, phone: &'a str, body: &'a str, reference: &'a str) -> Sending<'a> {
        Box::pin(async move {
            self.keep(phone, body, reference)
                .await
                .map_err(|e| SmsError::Unreachable(format!("the TEST outbox: {e}")))?;
            tracing::info!(phone = %qyzmet_domain::form::mask_phone(phone), "TEST SMS gateway: message kept in the outbox");
            Ok(Delivered {
                provider_message_id: String::new(),
            })
        })
    }

    fn is_test(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        "TEST outbox (messages kept in the database, shown at /test-sms-outbox)".into()
    }
}

/// A message the TEST gateway kept.
pub struct KeptMessage {
    pub body: String,
    pub reference: String,
    pub sent_at: i64,
}

/// The TEST outbox's messages to `phone`, newest first.
pub async fn outbox(db: &Db, phone: &str) -> sqlx::Result<Vec<KeptMessage>> {
    let rows = sqlx::query(
        "SELECT body, reference, created_at FROM test_sms_outbox WHERE phone = $1 AND created_at >= $2 ORDER BY id DESC LIMIT 20",
    )
    .bind(phone.to_string())
    .bind(now() - OUTBOX_WINDOW)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(KeptMessage {
                body: r.try_get("body")?,
                reference: r.try_get("reference")?,
                sent_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The outbox to `phone` as the API and the TEST page show it (the phone as typed; `None`
/// for one that is not a Kazakh mobile number).
pub async fn shown(db: &Db, phone: &str) -> sqlx::Result<Option<Vec<qyzmet_domain::api::TestSms>>> {
    let Some(phone) = qyzmet_domain::form::normalise_phone(phone) else {
        return Ok(None);
    };
    Ok(Some(
        outbox(db, &phone)
            .await?
            .into_iter()
            .map(|m| qyzmet_domain::api::TestSms {
                body: m.body,
                reference: m.reference,
                sent_at: crate::applications::rfc3339(m.sent_at),
            })
            .collect(),
    ))
}
