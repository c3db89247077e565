//! `GET /api/verify/{code}`: the public check of a printed document. Whoever holds a receipt,
//! a result or a refusal scans its QR code (or types its short code) and sees that the portal
//! issued it: the registration number, the service, the request's status now, the date, the
//! hash of the signed document it was drawn from and — for a result — the officer's signed
//! decision, which the page verifies in the browser. No login: the code is the key, and what
//! it shows is what the paper already shows. Unknown codes count against the caller's
//! address, as wrong passwords do.

use super::extract::ClientAddress;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::document_codes;
use crate::throttle;
use axum::Json;
use axum::extract::{Path, State};
use qyzmet_domain::api::VerifiedDocumentView;
use std::net::IpAddr;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(
    get,
    path = "/verify/{code}",
    tag = "documents",
    params(("code" = String, Path, description = "The code printed on the document (XXXXX-XXXXX; case, hyphens and spaces do not matter)")),
    responses((status = 200, description = "What the document says and the signature to check", body = VerifiedDocumentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Internal),
)]
pub async fn document(
    State(state): State<Arc<AppState>>,
    ClientAddress(client): ClientAddress,
    Path(code): Path<String>,
) -> Result<Json<VerifiedDocumentView>, ApiError> {
    lookup(&state, client, &code).await.map(Json)
}

/// What the code shows, or why not: not found (a miss counts against the address), or the
/// address locked for a while after too many misses.
async fn lookup(
    state: &AppState,
    client: IpAddr,
    code: &str,
) -> Result<VerifiedDocumentView, ApiError> {
    let address_key = format!("verify:{}", client);
    if let Some(seconds) = throttle::locked_for(&state.db, &address_key).await? {
        return Err(ApiError::throttled(seconds));
    }
    match document_codes::verified(&state.db, code).await? {
        Some((request, mut view)) => {
            view.collection = crate::counter::collection(state, &request).await?;
            Ok(view)
        }
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

/// `GET /verify/{code}`: the check page drawn by the server with what the code shows, so it
/// reads on any phone that scanned the code, script or not (the signature is then checked by
/// the app in the browser).
pub async fn page(
    State(state): State<Arc<AppState>>,
    ClientAddress(client): ClientAddress,
    uri: axum::extract::OriginalUri,
    Path(code): Path<String>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let url = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    let lang = super::pages::page_lang(&url, &headers);
    let shown = match lookup(&state, client, &code).await {
        Ok(view) => {
            let service = crate::catalogue::detail(&state.catalogue, &view.service_id, lang);
            Ok((view, service))
        }
        Err(e) => Err(format!("error.{}", e.code)),
    };
    super::pages::render_page(&state, &url, &headers, move |preloaded| {
        preloaded.verification = Some(qyzmet::first_paint::Sent::new(shown));
    })
    .await
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(document))
}

/// A document's check, drawn with what its code shows (and throttled as the API is).
pub(super) fn pages() -> axum::Router<std::sync::Arc<crate::AppState>> {
    axum::Router::new().route("/verify/{code}", axum::routing::get(page))
}
