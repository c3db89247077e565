//! `GET /api/verify/{code}`: the public check of a printed document. Whoever holds a receipt,
//! a result or a refusal scans its QR code (or types its short code) and sees that the portal
//! issued it: the registration number, the service, the request's status now, the date, the
//! hash of the signed document it was drawn from and — for a result — the officer's signed
//! decision, which the page verifies in the browser. No login: the code is the key, and what
//! it shows is what the paper already shows. Unknown codes count against the caller's
//! address, as wrong passwords do.

use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::document_codes::{self, Document};
use crate::throttle;
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use qyzmet_domain::api::VerifiedDocumentView;
use qyzmet_domain::document_code::DocumentCode;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[utoipa::path(
    get,
    path = "/verify/{code}",
    tag = "documents",
    params(("code" = String, Path, description = "The code printed on the document (XXXXX-XXXXX; case, hyphens and spaces do not matter)")),
    responses((status = 200, description = "What the document says and the signature to check", body = VerifiedDocumentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Internal),
)]
pub async fn document(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
) -> Result<Json<VerifiedDocumentView>, ApiError> {
    let address_key = format!("verify:{}", peer.ip());
    if let Some(seconds) = throttle::locked_for(&state.db, &address_key).await? {
        return Err(ApiError::throttled(seconds));
    }
    match found(&state, &code).await? {
        Some(view) => Ok(Json(view)),
        None => {
            if let Some(seconds) =
                throttle::fail(&state.db, &address_key, throttle::PER_ADDRESS).await?
            {
                return Err(ApiError::throttled(seconds));
            }
            Err(ApiError::of(ErrorCode::DocumentNotFound))
        }
    }
}

async fn found(state: &AppState, raw: &str) -> Result<Option<VerifiedDocumentView>, ApiError> {
    let Some(code) = DocumentCode::parse(raw) else {
        return Ok(None);
    };
    let Some((application_id, document)) = document_codes::find(&state.db, &code).await? else {
        return Ok(None);
    };
    let Some(stored) = crate::applications::get_by_id(&state.db, application_id).await? else {
        return Ok(None);
    };
    let (issued_at, sha256, decision) = match document {
        Document::Receipt => {
            let Some(submission) = crate::requests::submission_of(&state.db, stored.id).await?
            else {
                return Ok(None);
            };
            (
                stored.view.registered_at.clone().unwrap_or_default(),
                hex_sha256(&submission.outgoing_document),
                None,
            )
        }
        Document::Result => {
            let Some(decision) = crate::officers::decision_of(&state.db, stored.id).await? else {
                return Ok(None);
            };
            (
                crate::applications::rfc3339(decision.signed_at),
                hex_sha256(&decision.document),
                Some(decision.view()),
            )
        }
    };
    Ok(Some(VerifiedDocumentView {
        code: code.to_string(),
        document: document.code().into(),
        registration_number: stored.view.registration_number.clone().unwrap_or_default(),
        service_id: stored.view.service_id.clone(),
        provider_id: stored.provider_id.clone(),
        status: stored.view.status,
        issued_at,
        sha256,
        decision,
    }))
}
