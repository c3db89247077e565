//! Signing and submitting: the server forms the outgoing document, the applicant signs its
//! exact bytes with their EDS, and the server verifies the signature before it registers
//! the request (`lifecycle`). Also the signed document and signature downloads.
//!
//! The document carries the time it was formed, so the server keeps no state between the
//! two steps: on submit it forms the document again with that time and requires the same
//! bytes — any change to the draft in between means the applicant signed something else.

use super::download;
use super::extract::{ApiJson, CurrentAccount};
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::access;
use crate::applications::{self, Stored};
use crate::db::now;
use crate::document_codes::Document;
use crate::lifecycle::{KeyUse, idempotency_key_use};
use crate::requests;
use crate::signing::{form_for_signing, ready_to_sign, register_signed, require_payment};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use qyzmet_domain::api::{
    ApplicationView, OutgoingDocumentView, SignatureCheckView, SubmitApplication,
};
use qyzmet_domain::outgoing::OutgoingDocument;
use qyzmet_domain::status::Status;
use qyzmet_eds::Expected;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `GET /api/applications/{id}/outgoing-document`: for a draft ready to sign, the document
/// formed now; for a registered request, the one that was signed.
#[utoipa::path(
    get,
    path = "/applications/{id}/outgoing-document",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The bytes to sign (or the signed ones)", body = qyzmet_domain::api::OutgoingDocumentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::PaymentRequired, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn outgoing_document(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<OutgoingDocumentView>, ApiError> {
    let stored = access::visible(&state.db, &current.account, &id, "outgoing_document").await?;
    if stored.view.status != Status::Draft {
        let signed = stored_submission(&state, &stored).await?;
        let formed_at = OutgoingDocument::from_bytes(&signed.outgoing_document)
            .map(|d| d.formed_at)
            .unwrap_or_default();
        return Ok(Json(OutgoingDocumentView {
            document: B64.encode(&signed.outgoing_document),
            formed_at,
            signed: true,
        }));
    }
    let (document, formed_at) = form_for_signing(&state, &current.account, &stored).await?;
    Ok(Json(OutgoingDocumentView {
        document: B64.encode(document),
        formed_at,
        signed: false,
    }))
}

/// The code printed on one of a request's documents (made on its first print).
async fn code_for(
    state: &AppState,
    application_id: i64,
    document: Document,
) -> Result<qyzmet_domain::document_code::DocumentCode, ApiError> {
    crate::document_codes::code_for(&state.db, application_id, document)
        .await
        .map_err(ApiError::internal)
}

async fn stored_submission(
    state: &AppState,
    stored: &Stored,
) -> Result<requests::StoredSubmission, ApiError> {
    requests::submission_of(&state.db, stored.id)
        .await?
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::of(ErrorCode::IdempotencyKey))
}

/// `POST /api/applications/{id}/submit`: verify the EDS over the formed document and
/// register the request. 201 the first time; a repeat with the same `Idempotency-Key`
/// answers 200 with the same request.
#[utoipa::path(
    post,
    path = "/applications/{id}/submit",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id"), ("Idempotency-Key" = String, Header, pattern = "^[A-Za-z0-9._:-]{1,100}$", description = "The same key returns the same request")),
    request_body = qyzmet_domain::api::SubmitApplication,
    responses((status = 201, description = "Registered (200 with the same body for a repeat)", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::PaymentRequired, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn submit(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SubmitApplication>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let stored = access::owned(&state.db, &current.account, &id).await?;
    match idempotency_key_use(&state.db, current.account.id, stored.id, &key).await? {
        KeyUse::Repeat => {
            return answer_registered(&state, &current, stored.id, StatusCode::OK).await;
        }
        KeyUse::Elsewhere => return Err(ApiError::of(ErrorCode::IdempotencyKeyReused)),
        KeyUse::New => {}
    }
    ready_to_sign(&state, &stored)?;
    require_payment(&state, &stored).await?;
    let (document, signature) = super::extract::signed_pair(&req.document, &req.signature)?;
    let r = register_signed(&state, &current.account, &stored, document, signature, &key).await?;
    let status = if r.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    answer_registered(&state, &current, r.application_id, status).await
}

async fn answer_registered(
    state: &AppState,
    current: &CurrentAccount,
    application_id: i64,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let view: ApplicationView =
        applications::get_owned_by_id(&state.db, current.account.id, application_id)
            .await?
            .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))?
            .view;
    let mut res = (status, Json(view)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `GET /api/applications/{id}/signature`: the applicant's detached CMS signature (`.p7s`).
#[utoipa::path(
    get,
    path = "/applications/{id}/signature",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The detached CMS signature (application/pkcs7-signature)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn signature(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let stored = access::visible(&state.db, &current.account, &id, "signature").await?;
    let signed = stored_submission(&state, &stored).await?;
    let number = stored
        .view
        .registration_number
        .unwrap_or_else(|| stored.view.id.clone());
    download(
        "application/pkcs7-signature",
        &format!("{number}.p7s"),
        signed.signature,
    )
}

/// `GET /api/applications/{id}/signature/check`: the stored signature verified again now,
/// as of its time-stamp, for the applicant and the provider's officers.
#[utoipa::path(
    get,
    path = "/applications/{id}/signature/check",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The signature's check as of its time-stamp", body = qyzmet_domain::api::SignatureCheckView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn signature_check(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<SignatureCheckView>, ApiError> {
    let stored = access::visible(&state.db, &current.account, &id, "signature").await?;
    let signed = stored_submission(&state, &stored).await?;
    let t = now();
    let checked = crate::signatures::recheck(
        &state,
        &signed.signature,
        &signed.outgoing_document,
        signed.ocsp_response,
        &Expected::Anyone,
        t,
    )?
    .and_then(|v| {
        // The holder it was registered for, not just anyone the CA certified.
        let id = v.holder().bin.as_ref().or(v.holder().iin.as_ref());
        if id == signed.signer_id.as_ref() {
            Ok(v)
        } else {
            Err(qyzmet_eds::VerifyError::IdentityMismatch)
        }
    });
    Ok(Json(check_view(checked, t)))
}

/// What the check says: signer, stamp time and how revocation was proven, or the code of
/// the refusal.
fn check_view(
    checked: Result<qyzmet_eds::Verified, qyzmet_eds::VerifyError>,
    t: i64,
) -> SignatureCheckView {
    let checked_at = applications::rfc3339(t);
    match checked {
        Ok(v) => SignatureCheckView {
            problem: None,
            signer: Some(v.holder().common_name.clone()),
            time_stamped_at: v.time_stamp().map(applications::rfc3339),
            revocation: Some(
                match v.revocation() {
                    qyzmet_eds::Revocation::Ocsp(_) => "ocsp",
                    qyzmet_eds::Revocation::Crl => "crl",
                }
                .into(),
            ),
            checked_at,
        },
        Err(e) => SignatureCheckView {
            problem: Some(e.code().into()),
            signer: None,
            time_stamped_at: None,
            revocation: None,
            checked_at,
        },
    }
}

/// `GET /api/applications/{id}/receipt`: the receipt (қолхат) as PDF in the request's
/// language, for the applicant and the provider's officers.
#[utoipa::path(
    get,
    path = "/applications/{id}/receipt",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id"), ("lang" = Option<String>, Query, description = "kk, ru or en")),
    responses((status = 200, description = "The receipt (application/pdf)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn receipt(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = current.lang;
    let stored = access::visible(&state.db, &current.account, &id, "receipt").await?;
    let signed = stored_submission(&state, &stored).await?;
    let document = OutgoingDocument::from_bytes(&signed.outgoing_document)
        .ok_or_else(|| ApiError::internal("a stored outgoing document does not parse"))?;
    let mut receipt = crate::sheets::receipt(&state.catalogue, &stored, &document, lang);
    let code = code_for(&state, stored.id, Document::Receipt).await?;
    receipt.verification = Some(crate::sheets::verification(
        &super::extract::origin(&headers)?,
        &code,
        lang,
    ));
    let number = stored.view.registration_number.clone().unwrap_or_default();
    let pdf = crate::receipt::render(&receipt);
    download("application/pdf", &format!("receipt-{number}.pdf"), pdf)
}

/// `GET /api/applications/{id}/result`: the result document as PDF in the request's language —
/// for a satisfied request the licence, certificate, attestat, letter of agreement or
/// resolution the service gives; for a refused one the letter with the reasoned refusal. It is
/// drawn from the officer's signed decision, whose signature the request page verifies.
#[utoipa::path(
    get,
    path = "/applications/{id}/result",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The result document (PDF)", content_type = "application/pdf", body = Vec<u8>), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn result(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    use qyzmet_domain::decision::DecisionDocument;
    let lang = current.lang;
    let stored = access::visible(&state.db, &current.account, &id, "result").await?;
    let decision = access::decision(&state.db, &stored).await?;
    let document = DecisionDocument::from_bytes(&decision.document)
        .ok_or_else(|| ApiError::internal("a stored decision document does not parse"))?;
    let (kind, mut sheet) =
        crate::sheets::result(&state.catalogue, &stored, &decision, &document, lang);
    let code = code_for(&state, stored.id, Document::Result).await?;
    sheet.verification = Some(crate::sheets::verification(
        &super::extract::origin(&headers)?,
        &code,
        lang,
    ));
    download(
        "application/pdf",
        &format!("{kind}-{}.pdf", document.registration_number),
        crate::receipt::render(&sheet),
    )
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(outgoing_document))
        .routes(routes!(submit))
        .routes(routes!(receipt))
        .routes(routes!(result))
        .routes(routes!(signature))
        .routes(routes!(signature_check))
}
