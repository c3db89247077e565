//! Signing from a phone with eGov mobile (`qyzmet_domain::egov_mobile`): the applicant's sign
//! page asks for a link and shows it as a QR code (and, on a phone, the cross link); the
//! phone app reads API No. 1 and API No. 2 and puts the signature back; the page polls the
//! link's state and shows the registration when it is signed.
//!
//! The phone's requests carry no cookie: API No. 1 is public (the link's id is the secret,
//! and it lives 180 s), API No. 2 wants the bearer token API No. 1 handed out. Their errors
//! are problems with the title repeated as `message`, which the app shows.

use super::RequestLang;
use super::extract::CurrentAccount;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::access;
use crate::db::now;
use crate::mobile_sign::{self, Link, State as LinkState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use qyzmet_domain::Lang;
use qyzmet_domain::api::{MobileSignStatusView, MobileSignView};
use qyzmet_domain::egov_mobile::{
    self, AUTH_TOKEN, CMS_SIGN_ONLY, DocumentToSign, DocumentsLink, DocumentsToSign, File,
    FileDocument, Meta, Organisation, SigningRequest,
};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn api1_url(origin: &str, link: &str) -> String {
    format!("{origin}/api/mgovSign/{link}")
}

fn rfc3339(unix: i64) -> String {
    crate::applications::rfc3339(unix)
}

/// `POST /api/applications/{id}/mobile-sign`: a new link for signing the draft with eGov
/// mobile (the document is formed now, as for the other signers).
#[utoipa::path(
    post,
    path = "/applications/{id}/mobile-sign",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 201, description = "A link for eGov mobile, valid 180 s", body = qyzmet_domain::api::MobileSignView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::PaymentRequired, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn mobile_sign_link(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let origin = super::extract::origin(&headers)?;
    let stored = access::owned(&state.db, &current.account, &id).await?;
    let (document, _) = crate::signing::form_for_signing(&state, &current.account, &stored).await?;
    let t = now();
    let link = mobile_sign::open(&state.db, stored.id, current.account.id, &document, t).await?;
    let api1 = api1_url(&origin, &link.id);
    let view = MobileSignView {
        qr_text: egov_mobile::qr_text(&api1),
        cross_link: egov_mobile::cross_link(&api1),
        qr_image: format!("/api/applications/{id}/mobile-sign/{}/qr.svg", link.id),
        expires_at: rfc3339(link.expires_at),
        expires_in_seconds: link.expires_at - t,
        id: link.id,
    };
    let mut res = (StatusCode::CREATED, Json(view)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The caller's link of their application, or `not_found`.
async fn own_link(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
    link: &str,
) -> Result<Link, ApiError> {
    let stored = access::owned(&state.db, &current.account, id).await?;
    mobile_sign::find(&state.db, link)
        .await?
        .filter(|l| l.application_id == stored.id && l.account_id == current.account.id)
        .ok_or_else(|| ApiError::of(ErrorCode::NotFound))
}

/// `GET /api/applications/{id}/mobile-sign/{link}`: the link's state, which the sign page
/// polls while the phone signs.
#[utoipa::path(
    get,
    path = "/applications/{id}/mobile-sign/{link}",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id"), ("link" = String, Path, description = "The link's id")),
    responses((status = 200, description = "Waiting, signed, refused or expired", body = qyzmet_domain::api::MobileSignStatusView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn mobile_sign_status(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path((id, link)): Path<(String, String)>,
) -> Result<Json<MobileSignStatusView>, ApiError> {
    let link = own_link(&state, &current, &id, &link).await?;
    let state = match link.state {
        LinkState::Waiting if !link.open_at(now()) => "expired",
        LinkState::Waiting => "waiting",
        LinkState::Signed => "signed",
        LinkState::Refused => "refused",
    };
    Ok(Json(MobileSignStatusView {
        state: state.into(),
        problem: link.problem,
    }))
}

/// `GET /api/applications/{id}/mobile-sign/{link}/qr.svg`: the QR code, drawn by the server
/// so the browser needs no QR code of its own.
#[utoipa::path(
    get,
    path = "/applications/{id}/mobile-sign/{link}/qr.svg",
    tag = "submission",
    params(("id" = String, Path, description = "The application's public id"), ("link" = String, Path, description = "The link's id")),
    responses((status = 200, description = "The QR code (image/svg+xml)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn mobile_sign_qr(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path((id, link)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let link = own_link(&state, &current, &id, &link).await?;
    let text = egov_mobile::qr_text(&api1_url(&super::extract::origin(&headers)?, &link.id));
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(ApiError::internal)?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        svg,
    )
        .into_response())
}

fn gone() -> ApiError {
    ApiError::of(ErrorCode::MobileLinkExpired).with_message()
}

/// An open link, or the protocol's error (the link is unknown, used or expired).
async fn open_link(state: &AppState, link: &str) -> Result<Link, ApiError> {
    mobile_sign::find(&state.db, link)
        .await
        .map_err(|e| ApiError::internal(e).with_message())?
        .filter(|l| l.open_at(now()))
        .ok_or_else(gone)
}

/// `GET /api/mgovSign/{link}` — API No. 1: who asks, until when, and where the document is,
/// with a fresh bearer token for it.
#[utoipa::path(
    get,
    path = "/mgovSign/{link}",
    tag = "egov-mobile",
    params(("link" = String, Path, description = "The link's id, from the QR code")),
    responses((status = 200, description = "API No. 1 (eGov mobile)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn api1(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    Path(link): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = open_link(&state, &link).await?;
    let token = mobile_sign::hand_out_token(&state.db, &found.id, now())
        .await
        .map_err(|e| ApiError::internal(e).with_message())?
        .ok_or_else(gone)?;
    let uri = format!(
        "{}/documents",
        api1_url(&super::extract::origin(&headers)?, &found.id)
    );
    let expiry_date = expiry_date(found.expires_at)?;
    let t = |l: Lang, key: &str| crate::locales::message(l, key);
    let request = SigningRequest {
        description: t(lang, "mobile_sign.description"),
        expiry_date,
        organisation: Organisation {
            name_ru: t(Lang::Ru, "mobile_sign.organisation"),
            name_kz: t(Lang::Kk, "mobile_sign.organisation"),
            name_en: t(Lang::En, "mobile_sign.organisation"),
            bin: String::new(),
        },
        document: DocumentsLink {
            uri,
            auth_type: AUTH_TOKEN.into(),
            auth_token: Some(token),
        },
    };
    Ok(no_store(Json(request)))
}

/// The link's end as API No. 1 writes it: Kazakhstan time with milliseconds and offset.
fn expiry_date(expires_at: i64) -> Result<String, ApiError> {
    let expiry = time::OffsetDateTime::from_unix_timestamp(expires_at)
        .map(qyzmet_domain::calendar::in_kazakhstan)
        .map_err(|e| ApiError::internal(e).with_message())?;
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000+05:00",
        expiry.year(),
        u8::from(expiry.month()),
        expiry.day(),
        expiry.hour(),
        expiry.minute(),
        expiry.second()
    ))
}

fn no_store(body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The open link whose bearer token the request carries.
async fn authorised(state: &AppState, link: &str, headers: &HeaderMap) -> Result<Link, ApiError> {
    let found = open_link(state, link).await?;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !found.token_matches(token) {
        return Err(ApiError::of(ErrorCode::MobileUnauthorised).with_message());
    }
    Ok(found)
}

fn documents(link: &Link, data: String) -> DocumentsToSign {
    let t = |l: Lang| crate::locales::message(l, "mobile_sign.document_name");
    DocumentsToSign {
        sign_method: CMS_SIGN_ONLY.into(),
        version: 1,
        documents_to_sign: vec![DocumentToSign {
            id: 1,
            name_ru: t(Lang::Ru),
            name_kz: t(Lang::Kk),
            name_en: t(Lang::En),
            meta: qyzmet_domain::outgoing::OutgoingDocument::from_bytes(&link.document)
                .map(|d| {
                    vec![
                        Meta {
                            name: "service".into(),
                            value: d.service_name,
                        },
                        Meta {
                            name: d.applicant.id_kind,
                            value: d.applicant.id,
                        },
                    ]
                })
                .unwrap_or_default(),
            document: FileDocument {
                file: File {
                    mime: "text/plain".into(),
                    data,
                },
            },
        }],
    }
}

/// `GET /api/mgovSign/{link}/documents` — API No. 2: the document to sign (the outgoing
/// document's exact bytes), for the bearer of API No. 1's token.
#[utoipa::path(
    get,
    path = "/mgovSign/{link}/documents",
    tag = "egov-mobile",
    params(("link" = String, Path, description = "The link's id")),
    responses((status = 200, description = "API No. 2 (eGov mobile): the documents to sign"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Internal),
)]
pub async fn documents_to_sign(
    State(state): State<Arc<AppState>>,
    Path(link): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = authorised(&state, &link, &headers).await?;
    let body = documents(&found, B64.encode(&found.document));
    Ok(no_store(Json(body)))
}

/// `PUT /api/mgovSign/{link}/documents` — API No. 2: the same documents with the detached
/// CMS signature in place of the data. Verified and registered exactly as a submit from the
/// sign page; the link then ends (signed, or refused with the reason the page shows).
#[utoipa::path(
    put,
    path = "/mgovSign/{link}/documents",
    tag = "egov-mobile",
    params(("link" = String, Path, description = "The link's id")),
    responses((status = 200, description = "Signed and registered"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn signed_documents(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    Path(link): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let found = authorised(&state, &link, &headers).await?;
    let signature = signature_in(&body)?;
    let outcome = register(&state, &found, signature).await;
    let (end, problem) = match &outcome {
        Ok(_) => (LinkState::Signed, None),
        Err(e) if e.status.is_server_error() => {
            // Our failure or the TSA's: the link stays open for another try.
            return Err(outcome.unwrap_err().with_message());
        }
        Err(e) => (LinkState::Refused, Some(e.code)),
    };
    mobile_sign::finish(&state.db, &found.id, end, problem)
        .await
        .map_err(|e| ApiError::internal(e).with_message())?;
    match outcome {
        Ok(number) => Ok(no_store(Json(serde_json::json!({
            "message": crate::locales::message(lang, "mobile_sign.signed")
                .replace("{number}", &number),
        })))),
        // The protocol's "validation failed".
        Err(e) => Err(ApiError {
            status: StatusCode::FORBIDDEN,
            ..e
        }
        .with_message()),
    }
}

/// The detached CMS signature API No. 2 carries in place of the one document's data.
fn signature_in(body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let malformed = || ApiError::of(ErrorCode::MobileMalformed).with_message();
    let signed: DocumentsToSign = serde_json::from_slice(body).map_err(|_| malformed())?;
    match signed.documents_to_sign.as_slice() {
        [document] if document.id == 1 => B64
            .decode(document.document.file.data.trim())
            .map_err(|_| malformed()),
        _ => Err(malformed()),
    }
}

/// Registers the link's application on the phone's signature, as its owner; the
/// registration number.
async fn register(state: &AppState, link: &Link, signature: Vec<u8>) -> Result<String, ApiError> {
    let account = crate::accounts::find_by_id(&state.db, link.account_id)
        .await?
        .ok_or_else(gone)?;
    let stored =
        crate::applications::get_owned_by_id(&state.db, link.account_id, link.application_id)
            .await?
            .ok_or_else(gone)?;
    let key = format!("egov-mobile:{}", link.id);
    let registered = crate::signing::register_signed(
        state,
        &account,
        &stored,
        link.document.clone(),
        signature,
        &key,
    )
    .await?;
    Ok(registered.registration_number)
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(mobile_sign_link))
        .routes(routes!(mobile_sign_status))
        .routes(routes!(mobile_sign_qr))
        .routes(routes!(api1))
        .routes(routes!(documents_to_sign, signed_documents))
}
