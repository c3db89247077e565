//! Signing and submitting: the server forms the outgoing document, the applicant signs its
//! exact bytes with their EDS, and the server verifies the signature before it registers
//! the request (`requests::register`). Also the signed document and signature downloads.
//!
//! The document carries the time it was formed, so the server keeps no state between the
//! two steps: on submit it forms the document again with that time and requires the same
//! bytes — any change to the draft in between means the applicant signed something else.

use super::extract::{ApiJson, CurrentAccount};
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::applications::{self, Stored};
use crate::db::now;
use crate::requests::{self, KeyUse, RegisterError, Submission, VerifiedSignature};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use qyzmet_domain::Lang;
use qyzmet_domain::api::{
    AccountKind, ApplicationView, OutgoingDocumentView, SignatureCheckView, SubmitApplication,
};
use qyzmet_domain::outgoing::{self, Applicant, AttachedFile, OutgoingDocument};
use qyzmet_domain::status::Status;
use qyzmet_eds::Expected;
use std::sync::Arc;

/// How long a formed document may wait for its signature.
const DOCUMENT_LIFETIME: i64 = 30 * 60;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn conflict(code: &'static str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code)
}

/// Everything that must hold before a draft may be signed: a draft, complete, paid.
fn ready_to_sign(state: &AppState, stored: &Stored) -> Result<(), ApiError> {
    if stored.view.status != Status::Draft {
        return Err(conflict("application.not_draft"));
    }
    let variant = state
        .catalogue
        .service(&stored.view.service_id)
        .and_then(|s| s.variant(&stored.view.variant_id))
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))?;
    let errors = crate::applications::completeness_errors(variant, &stored.view);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(())
}

async fn require_payment(state: &AppState, stored: &Stored) -> Result<(), ApiError> {
    if crate::payments::fee_before_signing(
        &state.catalogue,
        &stored.view.service_id,
        &stored.view.variant_id,
    )
    .is_some()
        && !crate::payments::is_paid(&state.db, stored.id).await?
    {
        // 003: "signing is refused when the fee has not been paid".
        return Err(ApiError::of(ErrorCode::PaymentRequired));
    }
    Ok(())
}

fn form_document(
    state: &AppState,
    current: &CurrentAccount,
    stored: &Stored,
    formed_at: &str,
) -> OutgoingDocument {
    let service_name = state
        .catalogue
        .service(&stored.view.service_id)
        .map(|s| s.name.get(Lang::Kk).to_string())
        .unwrap_or_default();
    let account = &current.account;
    OutgoingDocument {
        format: outgoing::FORMAT.into(),
        application_id: stored.view.id.clone(),
        service_id: stored.view.service_id.clone(),
        service_name,
        variant_id: stored.view.variant_id.clone(),
        provider_id: stored.provider_id.clone(),
        applicant: Applicant {
            id_kind: match account.kind {
                AccountKind::Individual => "iin",
                AccountKind::Company => "bin",
            }
            .into(),
            id: account.login.clone(),
            name: account.display_name.clone(),
            phone: account.phone.clone(),
        },
        answers: stored.view.answers.clone(),
        attachments: stored
            .view
            .attachments
            .iter()
            .map(|a| AttachedFile {
                document_id: a.document_id.clone(),
                file_name: a.file_name.clone(),
                size: a.size,
                sha256: a.sha256.clone(),
            })
            .collect(),
        formed_at: formed_at.to_string(),
    }
}

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
    let stored = super::access::visible(&state, &current, &id).await?;
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
    let (document, formed_at) = form_for_signing(&state, &current, &stored).await?;
    Ok(Json(OutgoingDocumentView {
        document: B64.encode(document),
        formed_at,
        signed: false,
    }))
}

async fn stored_submission(
    state: &AppState,
    stored: &Stored,
) -> Result<requests::StoredSubmission, ApiError> {
    requests::submission_of(&state.db, stored.id)
        .await?
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))
}

fn key_reused() -> ApiError {
    ApiError::of(ErrorCode::IdempotencyKeyReused)
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
    let stored = super::access::owned(&state, &current, &id).await?;
    match requests::idempotency_key_use(&state.db, current.account.id, stored.id, &key).await? {
        KeyUse::Repeat => {
            return answer_registered(&state, &current, stored.id, StatusCode::OK).await;
        }
        KeyUse::Elsewhere => return Err(key_reused()),
        KeyUse::New => {}
    }
    ready_to_sign(&state, &stored)?;
    require_payment(&state, &stored).await?;
    let (document, signature) = super::extract::signed_pair(&req.document, &req.signature)?;
    let r = register_signed(&state, &current, &stored, document, signature, &key).await?;
    let status = if r.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    answer_registered(&state, &current, r.application_id, status).await
}

/// The document for `stored` formed now, once it may be signed (a complete draft, paid
/// when the fee comes first): its bytes and the time it names.
pub(super) async fn form_for_signing(
    state: &AppState,
    current: &CurrentAccount,
    stored: &Stored,
) -> Result<(Vec<u8>, String), ApiError> {
    ready_to_sign(state, stored)?;
    require_payment(state, stored).await?;
    let formed_at = applications::rfc3339(now());
    let document = form_document(state, current, stored, &formed_at);
    Ok((document.to_bytes(), formed_at))
}

/// Registers `stored` on `signature` over `document`, whichever way it was signed (key file,
/// NCALayer, eGov mobile): the document must be the one formed for this application and
/// still current, the signature the applicant's and accepted (verified and time-stamped).
pub(super) async fn register_signed(
    state: &AppState,
    current: &CurrentAccount,
    stored: &Stored,
    document: Vec<u8>,
    signature: Vec<u8>,
    key: &str,
) -> Result<requests::Registered, ApiError> {
    let formed =
        OutgoingDocument::from_bytes(&document).ok_or_else(|| conflict("application.changed"))?;
    // One signature, one request: a document formed for another application (a replayed
    // `.p7s`, even over identical answers) is refused before anything else is looked at.
    if !formed.is_for(&stored.view.id) {
        return Err(ApiError::of(ErrorCode::DocumentForOther));
    }
    let formed_at = time::OffsetDateTime::parse(
        &formed.formed_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|_| conflict("application.changed"))?
    .unix_timestamp();
    let t = now();
    if form_document(state, current, stored, &formed.formed_at).to_bytes() != document {
        return Err(conflict("application.changed"));
    }
    if t - formed_at > DOCUMENT_LIFETIME || formed_at > t + 60 {
        return Err(conflict("application.document_expired"));
    }
    let expected = match current.account.kind {
        AccountKind::Individual => Expected::Iin(current.account.login.clone()),
        AccountKind::Company => Expected::Bin(current.account.login.clone()),
    };
    let accepted = crate::signatures::accept(state, signature, &document, &expected, t)
        .await
        .map_err(ApiError::refused)?;
    let variant = state
        .catalogue
        .service(&stored.view.service_id)
        .and_then(|s| s.variant(&stored.view.variant_id))
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))?;
    let signature = VerifiedSignature::new(accepted.der, &accepted.verified, t);
    let submission = Submission {
        account_id: current.account.id,
        application_id: stored.id,
        term: variant.term.term(),
        steps: variant.steps,
        outgoing_document: &document,
        signature: &signature,
        idempotency_key: key,
    };
    let now_dt = time::OffsetDateTime::from_unix_timestamp(t).map_err(ApiError::internal)?;
    match requests::register(&state.db, &submission, now_dt).await {
        Ok(r) => {
            if !r.repeated {
                state.events.publish(
                    current.account.id,
                    qyzmet_domain::api::StatusEvent {
                        application_id: stored.view.id.clone(),
                        registration_number: Some(r.registration_number.clone()),
                        status: Status::Registered,
                        note: None,
                    },
                );
            }
            Ok(r)
        }
        Err(RegisterError::NotDraft) => Err(conflict("application.not_draft")),
        Err(RegisterError::KeyReused) => Err(key_reused()),
        Err(RegisterError::Transition(e)) => Err(ApiError::internal(e)),
        Err(RegisterError::Db(e)) => Err(ApiError::internal(e)),
    }
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
    let stored = super::access::visible(&state, &current, &id).await?;
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
    let stored = super::access::visible(&state, &current, &id).await?;
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
    Ok(Json(match checked {
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
            checked_at: applications::rfc3339(t),
        },
        Err(e) => SignatureCheckView {
            problem: Some(e.code().into()),
            signer: None,
            time_stamped_at: None,
            revocation: None,
            checked_at: applications::rfc3339(t),
        },
    }))
}

/// A private file download: its type, a file name (ASCII: registration numbers), no caching.
pub fn download(
    content_type: &'static str,
    file_name: &str,
    body: Vec<u8>,
) -> Result<Response, ApiError> {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response())
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
) -> Result<Response, ApiError> {
    let lang = current.lang;
    let stored = super::access::visible(&state, &current, &id).await?;
    let signed = stored_submission(&state, &stored).await?;
    let document = OutgoingDocument::from_bytes(&signed.outgoing_document)
        .ok_or_else(|| ApiError::internal("a stored outgoing document does not parse"))?;
    let receipt = crate::sheets::receipt(&state.catalogue, &stored, &document, lang);
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
) -> Result<Response, ApiError> {
    use qyzmet_domain::decision::DecisionDocument;
    let lang = current.lang;
    let stored = super::access::visible(&state, &current, &id).await?;
    let decision = super::access::stored_decision(&state, &stored).await?;
    let document = DecisionDocument::from_bytes(&decision.document)
        .ok_or_else(|| ApiError::internal("a stored decision document does not parse"))?;
    let (kind, sheet) =
        crate::sheets::result(&state.catalogue, &stored, &decision, &document, lang);
    download(
        "application/pdf",
        &format!("{kind}-{}.pdf", document.registration_number),
        crate::receipt::render(&sheet),
    )
}
