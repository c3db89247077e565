//! The catalogue endpoints.

use super::RequestLang;
use super::problem::{ApiError, ErrorCode, field_error};
use crate::AppState;
use crate::catalogue_answers::{Encoding, negotiate};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qyzmet_domain::api::{Health, ServiceDetail};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `GET /api/health`: readiness for a load balancer — 200 when the database answers and the
/// storage takes a write, else 503 (a problem whose `errors` name what is not ready).
#[utoipa::path(
    get,
    path = "/health",
    tag = "services",
    responses((status = 200, description = "Ready: database and storage answer", body = qyzmet_domain::api::Health), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn health(State(state): State<Arc<AppState>>) -> Result<Json<Health>, ApiError> {
    let (database, storage) = crate::readiness::check(&state).await;
    let word = |ok: bool| if ok { "ok" } else { "unavailable" }.to_string();
    if !(database && storage) {
        let mut e = ApiError::of(ErrorCode::NotReady);
        e.errors = [("database", database), ("storage", storage)]
            .into_iter()
            .filter(|(_, ok)| !ok)
            .map(|(what, _)| field_error(what, "service.not_ready"))
            .collect();
        return Err(e);
    }
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        services: state.catalogue.services.len(),
        database: word(database),
        storage: word(storage),
    }))
}

#[utoipa::path(
    get,
    path = "/services",
    operation_id = "list_services",
    tag = "services",
    params(("lang" = Option<String>, Query, description = "kk, ru or en")),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of a copy the client holds")),
    responses((status = 200, description = "The catalogue in one language (with an ETag; `Cache-Control: no-cache`)", body = qyzmet_domain::api::ServiceList), (status = 304, description = "The copy the client holds is current"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    // The request itself rather than a copy of its headers (`HeaderMap` clones them all).
    req: axum::extract::Request,
) -> Response {
    let answer = state.catalogue_answers.get(lang);
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let fresh = header(header::IF_NONE_MATCH)
        .split(',')
        .any(|tag| tag.trim() == answer.etag);
    let encoding = negotiate(header(header::ACCEPT_ENCODING));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut res = answer.body(encoding).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let coding = match encoding {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        };
        if let Some(coding) = coding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        res
    };
    let h = res.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&answer.etag) {
        h.insert(header::ETAG, etag);
    }
    // Public (nobody's own), but asked again each time: a restart may change it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Accept-Language"),
    );
    res
}

#[utoipa::path(
    get,
    path = "/services/{id}",
    operation_id = "service_detail",
    tag = "services",
    params(("id" = String, Path, description = "Service id"), ("lang" = Option<String>, Query, description = "kk, ru or en")),
    responses((status = 200, description = "One service", body = qyzmet_domain::api::ServiceDetail), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn detail(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, ApiError> {
    crate::catalogue::detail(&state.catalogue, &id, lang)
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::ServiceNotFound))
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(detail))
}

/// The routes whose answers carry their own encodings — the catalogue, compressed once when
/// the server starts — so they are left outside the layer that compresses the others as
/// they go, which would only look at them and pass them by (a sixth of a catalogue read's
/// time, #28).
pub(super) fn precompressed_routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(list))
}
