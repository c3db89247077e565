//! OCSP for the portal's own verifications, as egov.kz checks certificates: before a
//! signature is verified, the signer CA's responder is asked about the signer's certificate
//! with a fresh nonce, and its answer goes into the trust store (`qyzmet_eds` checks it and
//! keeps it as the evidence). The test PKI's responder answers in-process; `--ocsp-url`
//! (NCA RK's is `http://ocsp.pki.gov.kz/`) sends the request over HTTP instead. A responder
//! that cannot be reached leaves the CA's CRL to decide, and says so in the log.

use crate::AppState;
use qyzmet_eds::{OcspEvidence, TrustStore};
use std::time::Duration;

/// How long a responder may take before the CRL decides instead.
const OCSP_TIMEOUT: Duration = Duration::from_secs(5);

/// The trust store for verifying `signature` at `now`, with the OCSP answer about its signer
/// when one could be had.
pub async fn trust_for(state: &AppState, signature: &[u8], now: i64) -> anyhow::Result<TrustStore> {
    let mut trust = state.pki.trust(now)?;
    let Some((leaf, issuer)) = qyzmet_eds::signer_and_issuer(signature, &trust) else {
        // Not a signature by a trusted CA's holder: verification says why.
        return Ok(trust);
    };
    let mut nonce = vec![0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let request = qyzmet_eds::ocsp::request(&leaf, &issuer, &nonce)?;
    let answer = match &state.config.ocsp_url {
        None => state
            .pki
            .ocsp_response(&request, now)
            .ok_or_else(|| anyhow::anyhow!("no OCSP responder: --ocsp-url names one")),
        Some(url) => ask(url, request).await,
    };
    match answer {
        Ok(response) => trust.ocsp.push(OcspEvidence { response, nonce }),
        Err(e) => tracing::warn!(error = %e, "OCSP responder unreachable; the CRL decides"),
    }
    Ok(trust)
}

/// POSTs an OCSP request (RFC 6960 appendix A) and returns the answer's bytes.
async fn ask(url: &str, request: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let res = reqwest::Client::builder()
        .timeout(OCSP_TIMEOUT)
        .build()?
        .post(url)
        .header("content-type", "application/ocsp-request")
        .body(request)
        .send()
        .await?
        .error_for_status()?;
    Ok(res.bytes().await?.to_vec())
}
