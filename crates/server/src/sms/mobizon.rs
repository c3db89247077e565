//! Mobizon (mobizon.kz), an SMS provider that Kazakh operators' subscribers receive from,
//! through its documented HTTP API: `POST {api}/service/Message/SendSmsMessage` with the key
//! as the `apiKey` query parameter and the form fields `recipient` (the number in
//! international form, digits only), `text` and, when the account has an approved sender
//! name, `from`. The answer is JSON `{"code": 0, "data": {"messageId": …}, "message": ""}`;
//! any other `code` is a refusal whose `message` says why (wrong key, no balance, …). What
//! the public documentation leaves open is in `shared/research/production-adapters.md`; the
//! adapter relies on nothing beyond `code`, `data.messageId` and `message`.

use super::{Delivered, Sending, SmsError, SmsGateway};
use std::time::Duration;

/// How long the provider may take before the user is told to try again.
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Mobizon {
    /// `https://api.mobizon.kz` (no trailing slash).
    api: String,
    key: String,
    sender: Option<String>,
    client: reqwest::Client,
}

impl Mobizon {
    pub fn new(api: &str, key: &str, sender: Option<&str>) -> anyhow::Result<Mobizon> {
        Ok(Mobizon {
            api: api.trim_end_matches('/').to_string(),
            key: key.to_string(),
            sender: sender.filter(|s| !s.is_empty()).map(str::to_string),
            client: reqwest::Client::builder().timeout(TIMEOUT).build()?,
        })
    }

    async fn send_now(&self, phone: &str, body: &str) -> Result<Delivered, SmsError> {
        let url = format!(
            "{}/service/Message/SendSmsMessage?output=json&api=v1&{}",
            self.api,
            form_urlencoded::Serializer::new(String::new())
                .append_pair("apiKey", &self.key)
                .finish()
        );
        // Finished before any await: the serializer is not `Send`.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("recipient", phone.trim_start_matches('+'))
                .append_pair("text", body);
            if let Some(sender) = &self.sender {
                form.append_pair("from", sender);
            }
            form.finish()
        };
        let answer = self
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(form)
            .send()
            .await
            // The error's text may carry the URL, and with it the key: say only what failed.
            .map_err(|e| SmsError::Unreachable(unreachable_reason(&e)))?;
        let status = answer.status();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| SmsError::Unreachable(unreachable_reason(&e)))?;
        interpret(status.as_u16(), &bytes)
    }
}

fn unreachable_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "no connection".into()
    } else {
        "the exchange failed".into()
    }
}

/// The provider's answer, read as its API documents it.
fn interpret(status: u16, body: &[u8]) -> Result<Delivered, SmsError> {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Err(SmsError::Unreachable(format!(
            "HTTP {status} without the API's JSON"
        )));
    };
    let code = json.get("code").and_then(serde_json::Value::as_i64);
    let message = json
        .get("message")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    match code {
        Some(0) => json
            .pointer("/data/messageId")
            .and_then(|id| match id {
                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .map(|provider_message_id| Delivered {
                provider_message_id,
            })
            .ok_or_else(|| SmsError::Unreachable("an answer without a message id".into())),
        Some(code) => Err(SmsError::Refused(format!("code {code}: {message}"))),
        None => Err(SmsError::Unreachable(format!(
            "HTTP {status} without a result code"
        ))),
    }
}

impl SmsGateway for Mobizon {
    fn send<'a>(&'a self, phone: &'a str, body: &'a str, reference: &'a str) -> Sending<'a> {
        Box::pin(async move {
            let sent = self.send_now(phone, body).await;
            match &sent {
                Ok(d) => tracing::info!(
                    reference,
                    provider_message_id = %d.provider_message_id,
                    phone = %qyzmet_domain::form::mask_phone(phone),
                    "SMS handed to Mobizon"
                ),
                Err(e) => tracing::error!(reference, error = %e, "SMS not sent"),
            }
            sent
        })
    }

    fn is_test(&self) -> bool {
        false
    }

    fn describe(&self) -> String {
        format!(
            "Mobizon at {} (key {}, sender {})",
            self.api,
            crate::mode::masked(&self.key),
            self.sender.as_deref().unwrap_or("the account's default")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_answers() {
        let ok = br#"{"code":0,"data":{"campaignId":"1","messageId":"4815162342","status":1},"message":""}"#;
        assert_eq!(
            interpret(200, ok).unwrap().provider_message_id,
            "4815162342"
        );
        let numeric = br#"{"code":0,"data":{"messageId":42},"message":""}"#;
        assert_eq!(interpret(200, numeric).unwrap().provider_message_id, "42");
        let refused = br#"{"code":8,"data":"","message":"Insufficient funds"}"#;
        assert!(
            matches!(interpret(200, refused), Err(SmsError::Refused(m)) if m.contains("Insufficient"))
        );
        assert!(matches!(
            interpret(502, b"<html>Bad gateway</html>"),
            Err(SmsError::Unreachable(_))
        ));
        assert!(matches!(
            interpret(200, br#"{"code":0,"data":{}}"#),
            Err(SmsError::Unreachable(_))
        ));
    }
}
