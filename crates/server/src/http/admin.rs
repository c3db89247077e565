//! `/api/admin/…`: the administrator manages the providers' staff — adds a person of the
//! registry to a provider with their roles, changes roles, disables — and reads the audit of
//! every such change. Anyone else is refused (403).

use super::extract::{ApiJson, CurrentAccount};
use super::problem::{ApiError, ErrorCode, field_error};
use crate::AppState;
use crate::access;
use crate::staff::{self, StaffError};
use axum::Json;
use axum::extract::{Path, Query, State};
use qyzmet_domain::api::{NewStaff, ProviderRef, StaffAuditList, StaffChange, StaffList};
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

impl From<StaffError> for ApiError {
    fn from(e: StaffError) -> ApiError {
        match e {
            StaffError::Fields(wrong) => ApiError::validation(
                wrong
                    .into_iter()
                    .map(|(field, code)| field_error(field, code))
                    .collect(),
            ),
            StaffError::HasAccount => ApiError::of(ErrorCode::StaffHasAccount),
            StaffError::NotFound => ApiError::of(ErrorCode::StaffNotFound),
            StaffError::Db(e) => ApiError::internal(e),
        }
    }
}

/// `GET /api/admin/staff`: every provider's staff and the State Corporation's, with the
/// bodies by name.
#[utoipa::path(
    get,
    path = "/admin/staff",
    tag = "admin",
    responses((status = 200, description = "The providers' staff", body = qyzmet_domain::api::StaffList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn staff_list(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
) -> Result<Json<StaffList>, ApiError> {
    access::administrator(&current.account)?;
    // The State Corporation's desk and accumulation department are staffed here too.
    let providers = state
        .catalogue
        .providers
        .iter()
        .map(|p| ProviderRef {
            id: p.id.clone(),
            name: p.name.get(current.lang).to_string(),
        })
        .chain([ProviderRef {
            id: crate::staff::STATE_CORPORATION.into(),
            name: crate::locales::message(current.lang, "body.state_corporation"),
        }])
        .collect();
    Ok(Json(StaffList {
        staff: staff::all(&state.db).await?,
        providers,
    }))
}

/// `POST /api/admin/staff`: a person of the registry made a provider's staff.
#[utoipa::path(
    post,
    path = "/admin/staff",
    tag = "admin",
    request_body = qyzmet_domain::api::NewStaff,
    responses((status = 201, description = "Added; every provider's staff now", body = qyzmet_domain::api::StaffList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn add_staff(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    ApiJson(new): ApiJson<NewStaff>,
) -> Result<(axum::http::StatusCode, Json<StaffList>), ApiError> {
    access::administrator(&current.account)?;
    let at = crate::db::now();
    staff::add(&state.db, &state.catalogue, current.account.id, &new, at).await?;
    let list = staff_list(State(state), current).await?;
    Ok((axum::http::StatusCode::CREATED, list))
}

/// `PUT /api/admin/staff/{id}`: a member's roles, and whether they are disabled.
#[utoipa::path(
    put,
    path = "/admin/staff/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "The member's account id")),
    request_body = qyzmet_domain::api::StaffChange,
    responses((status = 200, description = "Changed; every provider's staff now", body = qyzmet_domain::api::StaffList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn change_staff(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<i64>,
    ApiJson(change): ApiJson<StaffChange>,
) -> Result<Json<StaffList>, ApiError> {
    access::administrator(&current.account)?;
    let at = crate::db::now();
    staff::change_member(&state.db, current.account.id, id, &change, at).await?;
    staff_list(State(state), current).await
}

#[derive(Deserialize)]
pub struct AuditQuery {
    q: Option<String>,
}

/// `GET /api/admin/staff-audit`: every change to staff, newest first.
#[utoipa::path(
    get,
    path = "/admin/staff-audit",
    tag = "admin",
    params(("q" = Option<String>, Query, description = "A name or IIN (part of it)")),
    responses((status = 200, description = "The changes", body = qyzmet_domain::api::StaffAuditList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn staff_audit(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Query(query): Query<AuditQuery>,
) -> Result<Json<StaffAuditList>, ApiError> {
    access::administrator(&current.account)?;
    let changes = staff::audit_log(&state.db, query.q.as_deref()).await?;
    Ok(Json(StaffAuditList { changes }))
}

/// `GET /api/admin/data-reads`: every read of applicants' data by staff, newest first.
#[utoipa::path(
    get,
    path = "/admin/data-reads",
    tag = "admin",
    params(("q" = Option<String>, Query, description = "A reader's name or IIN, or a registration number (part of it)")),
    responses((status = 200, description = "The reads", body = qyzmet_domain::api::DataReadAuditList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn data_reads(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Query(query): Query<AuditQuery>,
) -> Result<Json<qyzmet_domain::api::DataReadAuditList>, ApiError> {
    access::administrator(&current.account)?;
    let reads = crate::officers::reads_search(
        &state.db,
        &state.catalogue,
        query.q.as_deref(),
        current.lang,
    )
    .await?;
    Ok(Json(qyzmet_domain::api::DataReadAuditList { reads }))
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(staff_list, add_staff))
        .routes(routes!(change_staff))
        .routes(routes!(staff_audit))
        .routes(routes!(data_reads))
}
