//! TEST phone signer: plays eGov mobile's part of the QR / cross-link protocol
//! (`qyzmet_domain::egov_mobile`) with a key file, because the real app cannot be reached
//! from here (it needs NITEC's onboarding). It does what the app does: reads the QR text or
//! cross link, fetches API No. 1 with its language, refuses a link past its `expiry_date`,
//! fetches API No. 2 with the bearer token, signs each document (detached CMS, the key's own
//! algorithm — GOST for the demo keys), and puts the same JSON back.
//!
//! Used by the Rust tests, and by the browser tests through `qyzmet-test-signer egov-mobile`.
//! Never part of the portal a citizen uses.

use anyhow::{Context, bail};
use base64::Engine;
use qyzmet_domain::egov_mobile::{
    self, AUTH_TOKEN, CMS_SIGN_ONLY, DocumentsToSign, SigningRequest,
};
use qyzmet_eds::SigningKey;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What the portal answered the signed documents with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The `message` the app shows.
    pub message: String,
}

fn message_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// The body of a 200 answer, or the answer the app would show for any other.
async fn exchange(request: reqwest::RequestBuilder) -> anyhow::Result<Result<Vec<u8>, Answer>> {
    let res = request.send().await?;
    let status = res.status().as_u16();
    let body = res.bytes().await?.to_vec();
    Ok(if status == 200 {
        Ok(body)
    } else {
        Err(Answer {
            status,
            message: message_of(&body),
        })
    })
}

/// Signs what the link `scanned` (a QR code's text or a cross link) asks for with `key`, at
/// `now` (Unix seconds), speaking `lang` (`kk`, `ru`, `en`).
pub async fn sign(scanned: &str, key: &SigningKey, lang: &str, now: i64) -> anyhow::Result<Answer> {
    let api1 =
        egov_mobile::api1_of(scanned.trim()).context("not a mobileSign QR text or cross link")?;
    if !api1.contains("mgovSign") {
        bail!("the API No. 1 URL must contain mgovSign: {api1}");
    }
    let client = reqwest::Client::new();
    let body = match exchange(client.get(&api1).header("accept-language", lang)).await? {
        Ok(body) => body,
        Err(answer) => return Ok(answer),
    };
    let request: SigningRequest = serde_json::from_slice(&body).context("API No. 1")?;
    let expiry = time::OffsetDateTime::parse(
        &request.expiry_date,
        &time::format_description::well_known::Iso8601::DEFAULT,
    )
    .context("expiry_date")?;
    if expiry.unix_timestamp() <= now {
        bail!("the link expired at {}", request.expiry_date);
    }
    if request.document.auth_type != AUTH_TOKEN {
        bail!(
            "auth_type {} is not one this signer speaks",
            request.document.auth_type
        );
    }
    let bearer = format!(
        "Bearer {}",
        request
            .document
            .auth_token
            .as_deref()
            .context("auth_token")?
    );
    let asked = client
        .get(&request.document.uri)
        .header("accept-language", lang)
        .header("authorization", &bearer);
    let body = match exchange(asked).await? {
        Ok(body) => body,
        Err(answer) => return Ok(answer),
    };
    let mut documents: DocumentsToSign = serde_json::from_slice(&body).context("API No. 2")?;
    if documents.sign_method != CMS_SIGN_ONLY {
        bail!(
            "signMethod {} is not one this signer speaks",
            documents.sign_method
        );
    }
    for document in &mut documents.documents_to_sign {
        let bytes = B64
            .decode(&document.document.file.data)
            .context("document data")?;
        let signature = qyzmet_eds::sign_detached(key, &bytes, u64::try_from(now)?)?;
        document.document.file.data = B64.encode(signature);
    }
    let res = client
        .put(&request.document.uri)
        .header("accept-language", lang)
        .header("authorization", &bearer)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&documents)?)
        .send()
        .await?;
    let status = res.status().as_u16();
    let body = res.bytes().await?;
    Ok(Answer {
        status,
        message: message_of(&body),
    })
}
