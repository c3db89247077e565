//! Halyk Bank's ePay, a Kazakh card acquirer with public documentation
//! (`shared/research/production-adapters.md`):
//!
//! 1. For each attempt to pay, the portal asks ePay's OAuth endpoint for a token bound to the
//!    invoice and amount (`grant_type=client_credentials`, `scope=payment`, the merchant's
//!    `client_id`/`client_secret`, `invoiceID`, `amount`, `currency=KZT`, `terminal`,
//!    `postLink`, `failurePostLink` and `secret_hash`, a value of ours ePay hands back).
//! 2. The payer's browser opens ePay's payment page with it (ePay's script, `halyk.pay`), on
//!    the server-drawn page `/payments/{id}/epay`.
//! 3. ePay calls `postLink` server to server with the result. Only that call marks a fee paid,
//!    and only when its `secret_hash` is ours for that invoice and its invoice, amount and
//!    currency are the payment's; a repeated call changes nothing; a refused call is kept as
//!    evidence. The payer's return to the portal (`backLink`) proves nothing.
//!
//! `secret_hash` is an HMAC-SHA-256 of the invoice under the merchant's client secret: every
//! token of one invoice carries the same value, nothing about it is stored, and nobody
//! without the secret can make one.

use crate::Config;
use crate::db::{Db, now};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(15);

pub struct Epay {
    oauth_url: String,
    pub page_script_url: String,
    client_id: String,
    client_secret: String,
    pub terminal: String,
    /// The portal's public address, no trailing slash.
    pub public_url: String,
    client: reqwest::Client,
}

/// The token ePay issued for one payment attempt (what `halyk.pay` takes as `auth`).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct Token {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: serde_json::Value,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub token_type: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EpayError {
    #[error("ePay refused the token request: HTTP {0}")]
    Refused(u16),
    #[error("ePay could not be reached: {0}")]
    Unreachable(String),
}

/// The acquirer's order number of an application's payment: ten digits.
pub fn invoice_number(application_id: i64) -> String {
    format!("{:010}", application_id.rem_euclid(10_000_000_000))
}

impl Epay {
    pub fn new(config: &Config) -> anyhow::Result<Epay> {
        let e = &config.epay;
        let required = |v: &Option<String>, name: &str| {
            v.clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| anyhow::anyhow!("ePay needs {name}"))
        };
        Ok(Epay {
            oauth_url: required(&e.oauth_url, "--epay-oauth-url")?,
            page_script_url: required(&e.page_script_url, "--epay-page-script")?,
            client_id: required(&e.client_id, "--epay-client-id")?,
            client_secret: required(&e.client_secret, "QYZMET_EPAY_CLIENT_SECRET")?,
            terminal: required(&e.terminal, "--epay-terminal")?,
            public_url: required(&config.public_url, "--public-url")?
                .trim_end_matches('/')
                .to_string(),
            client: reqwest::Client::builder().timeout(TIMEOUT).build()?,
        })
    }

    /// The value ePay echoes in its callback for `invoice`.
    pub fn secret_hash(&self, invoice: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.client_secret.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"qyzmet-epay-callback:");
        mac.update(invoice.as_bytes());
        crate::hex::hex(&mac.finalize().into_bytes())
    }

    fn secret_hash_matches(&self, invoice: &str, given: &str) -> bool {
        use subtle::ConstantTimeEq;
        let expected = self.secret_hash(invoice);
        expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    }

    pub fn post_link(&self) -> String {
        format!("{}/api/payments/epay/callback", self.public_url)
    }

    /// A token for paying `amount_tenge` on `invoice`.
    pub async fn token(&self, invoice: &str, amount_tenge: u64) -> Result<Token, EpayError> {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", "payment")
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", &self.client_secret)
            .append_pair("invoiceID", invoice)
            .append_pair("secret_hash", &self.secret_hash(invoice))
            .append_pair("amount", &amount_tenge.to_string())
            .append_pair("currency", "KZT")
            .append_pair("terminal", &self.terminal)
            .append_pair("postLink", &self.post_link())
            .append_pair("failurePostLink", &self.post_link())
            .finish();
        let answer = self
            .client
            .post(&self.oauth_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| {
                EpayError::Unreachable(if e.is_timeout() {
                    "no answer in time".into()
                } else {
                    "no connection".into()
                })
            })?;
        let status = answer.status();
        if !status.is_success() {
            return Err(EpayError::Refused(status.as_u16()));
        }
        let bytes = answer
            .bytes()
            .await
            .map_err(|_| EpayError::Unreachable("the answer broke off".into()))?;
        serde_json::from_slice::<Token>(&bytes)
            .ok()
            .filter(|t| !t.access_token.is_empty())
            .ok_or_else(|| EpayError::Unreachable("an answer without a token".into()))
    }
}

/// What became of one callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The fee is paid now.
    Paid,
    /// Already paid by an earlier call: nothing changed.
    Repeated,
    /// ePay reports a payment that did not go through: the fee stays to be paid.
    Failed,
    /// Not readable as ePay's callback.
    Malformed,
    /// No payment of ours has this invoice.
    UnknownInvoice,
    /// The secret is not ours for this invoice: not from ePay.
    Forged,
    /// Amount or currency other than the payment's.
    WrongAmount,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Repeated => "repeated",
            Outcome::Failed => "failed",
            Outcome::Malformed => "malformed",
            Outcome::UnknownInvoice => "unknown_invoice",
            Outcome::Forged => "forged",
            Outcome::WrongAmount => "wrong_amount",
        }
    }
}

/// A field of the callback as text, whether ePay sent it as a string or a number.
fn text(json: &serde_json::Value, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match json.get(*n)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// An amount in tenge as ePay writes it ("43250", 43250, "43250.00"), exactly, or `None`.
fn tenge(amount: &str) -> Option<u64> {
    let (whole, fraction) = amount.trim().split_once('.').unwrap_or((amount.trim(), ""));
    if !fraction.chars().all(|c| c == '0') {
        return None;
    }
    whole.parse().ok()
}

/// Handles ePay's server-to-server callback (`postLink`). Every call is kept with its outcome.
pub async fn callback(epay: &Epay, db: &Db, body: &[u8]) -> anyhow::Result<Outcome> {
    let json = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default();
    let invoice = text(&json, &["invoiceId", "invoiceID", "invoice_id"]).unwrap_or_default();
    let outcome = decide(epay, db, &json, &invoice).await?;
    sqlx::query(
        "INSERT INTO payment_callbacks (invoice_id, outcome, body, received_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(invoice.clone())
    .bind(outcome.code())
    .bind(String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]).into_owned())
    .bind(now())
    .execute(&db.pool)
    .await?;
    match outcome {
        Outcome::Paid | Outcome::Repeated | Outcome::Failed => {
            tracing::info!(invoice, outcome = outcome.code(), "ePay callback")
        }
        _ => tracing::warn!(invoice, outcome = outcome.code(), "ePay callback refused"),
    }
    Ok(outcome)
}

async fn decide(
    epay: &Epay,
    db: &Db,
    json: &serde_json::Value,
    invoice: &str,
) -> anyhow::Result<Outcome> {
    if invoice.is_empty() {
        return Ok(Outcome::Malformed);
    }
    let row = sqlx::query("SELECT amount_tenge, status FROM payments WHERE invoice_id = $1")
        .bind(invoice.to_string())
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(Outcome::UnknownInvoice);
    };
    let secret = text(json, &["secret_hash", "secretHash"]).unwrap_or_default();
    if !epay.secret_hash_matches(invoice, &secret) {
        return Ok(Outcome::Forged);
    }
    let code = text(json, &["code"]).unwrap_or_default();
    if !code.eq_ignore_ascii_case("ok") {
        return Ok(Outcome::Failed);
    }
    let expected = row.try_get::<i64, _>("amount_tenge")? as u64;
    let amount = text(json, &["amount"]).and_then(|a| tenge(&a));
    let currency = text(json, &["currency"]).unwrap_or_default();
    if amount != Some(expected) || currency != "KZT" {
        return Ok(Outcome::WrongAmount);
    }
    let reference = text(json, &["reference", "id"]).unwrap_or_default();
    let paid = sqlx::query(
        "UPDATE payments SET status = 'paid', paid_at = $1, provider_reference = $2 \
         WHERE invoice_id = $3 AND status = 'pending'",
    )
    .bind(now())
    .bind(reference)
    .bind(invoice.to_string())
    .execute(&db.pool)
    .await?;
    Ok(if paid.rows_affected() == 1 {
        Outcome::Paid
    } else {
        Outcome::Repeated
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(tenge("43250"), Some(43250));
        assert_eq!(tenge("43250.00"), Some(43250));
        assert_eq!(tenge("43250.50"), None);
        assert_eq!(tenge("-1"), None);
        assert_eq!(invoice_number(42), "0000000042");
    }
}
