//! The catalogue endpoints.

use super::RequestLang;
use super::problem::{ApiError, ErrorCode, field_error};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use qyzmet_domain::api::{Health, ServiceDetail, ServiceList, ServiceSummary};
use std::sync::Arc;

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
    responses((status = 200, description = "The catalogue in one language", body = qyzmet_domain::api::ServiceList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Json<ServiceList> {
    let c = &state.catalogue;
    let services = c
        .services
        .iter()
        .map(|s| ServiceSummary::new(s, lang, c.fee_index.tenge))
        .collect();
    Json(ServiceList { lang, services })
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
    let c = &state.catalogue;
    let service = c
        .service(&id)
        .ok_or_else(|| ApiError::of(ErrorCode::ServiceNotFound))?;
    Ok(Json(ServiceDetail::new(
        service,
        &c.providers,
        lang,
        c.fee_index.tenge,
    )))
}
