//! The catalogue endpoints.

use super::RequestLang;
use super::problem::ApiError;
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qyzmet_domain::api::{Health, ServiceDetail, ServiceList, ServiceSummary};
use std::sync::Arc;

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        services: state.catalogue.services.len(),
    })
}

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

pub async fn detail(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, ApiError> {
    let c = &state.catalogue;
    let service = c
        .service(&id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "service_not_found", lang))?;
    Ok(Json(ServiceDetail::new(
        service,
        &c.providers,
        lang,
        c.fee_index.tenge,
    )))
}
