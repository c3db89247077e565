//! Sending SMS: one interface a real SMS provider implements, and the TEST gateway that stands
//! in for it here. The portal cannot reach a real operator from this network, so the TEST
//! gateway keeps every message in an outbox (`test_sms_outbox`) that the TEST page
//! `/test-sms-outbox` shows by phone number — marked TEST everywhere, like the payment gateway.

use crate::db::{Db, now};
use sqlx::Row;
use std::future::Future;
use std::pin::Pin;

pub type Sending<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// Delivers a text message to a phone (`+7XXXXXXXXXX`). A real provider (an operator's SMS
/// API) implements this; the server holds one as `AppState::sms`. `reference` is the client's
/// id for the message (SMS APIs take one to report delivery against): the verification id.
pub trait SmsGateway: Send + Sync {
    fn send<'a>(&'a self, phone: &'a str, body: &'a str, reference: &'a str) -> Sending<'a>;
    /// Whether this is the TEST gateway (the app then links to its outbox).
    fn is_test(&self) -> bool;
}

/// TEST: keeps messages in the database instead of sending them.
pub struct TestOutbox {
    pub db: Db,
}

/// How long the TEST outbox shows a message.
pub const OUTBOX_WINDOW: i64 = 24 * 60 * 60;

impl SmsGateway for TestOutbox {
    fn send<'a>(&'a self, phone: &'a str, body: &'a str, reference: &'a str) -> Sending<'a> {
        Box::pin(async move {
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
            tracing::info!(phone = %qyzmet_domain::form::mask_phone(phone), "TEST SMS gateway: message kept in the outbox");
            Ok(())
        })
    }

    fn is_test(&self) -> bool {
        true
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
