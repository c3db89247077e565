//! Accepting a signature as the portal keeps it, and checking a kept one again.
//!
//! Accepting: verified now (OCSP first, the CRL when the responder is down), then
//! time-stamped (CAdES-T) unless the signer's software already stamped it (NCALayer's
//! `tsaProfile`, eGov mobile). The stored `.p7s` is that stamped signature, and the OCSP
//! answer is kept beside it, so `recheck` can judge it as of its stamp for as long as the
//! request is kept — after the certificate has expired or been revoked.

use crate::AppState;
use qyzmet_eds::{Expected, OcspEvidence, Purpose, Verified, VerifyError};
use std::time::Duration;

/// How long the TSA may take.
const TSA_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a signature was not accepted.
#[derive(Debug)]
pub enum Refusal {
    /// The signature itself: its code says what to fix.
    Signature(VerifyError),
    /// The time-stamp authority did not answer (or answered nonsense): try again later.
    TimeStampUnavailable,
    Internal(anyhow::Error),
}

/// A signature verified now and stamped: the bytes to store and what verification found.
pub struct Accepted {
    pub der: Vec<u8>,
    pub verified: Verified,
}

/// Verifies `signature` over `document` for signing by `expected` at `now`, and time-stamps
/// it.
pub async fn accept(
    state: &AppState,
    signature: Vec<u8>,
    document: &[u8],
    expected: &Expected,
    now: i64,
) -> Result<Accepted, Refusal> {
    let trust = crate::revocation::trust_for(state, &signature, now)
        .await
        .map_err(Refusal::Internal)?;
    let started = std::time::Instant::now();
    let verified = qyzmet_eds::verify_detached(
        &signature,
        document,
        &trust,
        Purpose::Signing,
        expected,
        Some(now),
    );
    tracing::info!(
        micros = started.elapsed().as_micros() as u64,
        ok = verified.is_ok(),
        "signature verified"
    );
    let verified = verified.map_err(Refusal::Signature)?;
    if verified.time_stamp().is_some() {
        return Ok(Accepted {
            der: signature,
            verified,
        });
    }
    let mut nonce = vec![0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| Refusal::Internal(anyhow::anyhow!("{e}")))?;
    let query =
        qyzmet_eds::cades::time_stamp_query(&signature, &nonce).map_err(Refusal::Signature)?;
    let answer = match &state.config.tsa_url {
        None => state
            .pki
            .time_stamp(&query, now)
            .map_err(Refusal::Internal)?,
        Some(url) => ask(url, query).await.map_err(|e| {
            tracing::warn!(error = %e, "the time-stamp authority is unreachable");
            Refusal::TimeStampUnavailable
        })?,
    };
    let (der, verified) = qyzmet_eds::cades::add_time_stamp(
        &signature, verified, &answer, &nonce, &trust,
    )
    .map_err(|e| {
        tracing::warn!(error = %e, "the time-stamp authority's answer was refused");
        Refusal::TimeStampUnavailable
    })?;
    Ok(Accepted { der, verified })
}

/// POSTs a time-stamp query (RFC 3161 §3.4) and returns the answer's bytes.
async fn ask(url: &str, query: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let res = reqwest::Client::builder()
        .timeout(TSA_TIMEOUT)
        .build()?
        .post(url)
        .header("content-type", "application/timestamp-query")
        .body(query)
        .send()
        .await?
        .error_for_status()?;
    Ok(res.bytes().await?.to_vec())
}

/// Checks a stored signature again at `now`, as of its time-stamp, with the OCSP answer
/// kept from when it was accepted.
pub fn recheck(
    state: &AppState,
    signature: &[u8],
    document: &[u8],
    ocsp_response: Option<Vec<u8>>,
    expected: &Expected,
    now: i64,
) -> anyhow::Result<Result<Verified, VerifyError>> {
    let mut trust = state.pki.trust(now)?;
    trust.ocsp = ocsp_response
        .map(|response| OcspEvidence {
            response,
            nonce: Vec::new(),
        })
        .into_iter()
        .collect();
    Ok(qyzmet_eds::verify_stamped(
        signature,
        document,
        &trust,
        Purpose::Signing,
        expected,
    ))
}
