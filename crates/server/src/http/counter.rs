//! `/api/counter/…`: the counters where people come with paper — the State Corporation's
//! desk and a provider's office (`crate::counter`). What this desk takes, an application
//! started for a person with their consent, and an acceptance refused for an incomplete set
//! with its receipt. The entered application is then filled, scanned and accepted (signed)
//! through the same endpoints the portal's applicants use.

use super::download;
use super::extract::{ApiJson, CurrentAccount};
use super::problem::{ApiError, ErrorCode, field_error};
use crate::AppState;
use crate::access;
use crate::counter::{self, CounterError, Desk};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use qyzmet_domain::api::{AcceptanceRefusal, ApplicationView, CounterServices, CounterStart};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

impl From<CounterError> for ApiError {
    fn from(e: CounterError) -> ApiError {
        match e {
            CounterError::NotADesk => ApiError::of(ErrorCode::Forbidden),
            CounterError::Fields(wrong) => ApiError::validation(
                wrong
                    .into_iter()
                    .map(|(field, code)| field_error(field, code))
                    .collect(),
            ),
            CounterError::Complete => ApiError::of(ErrorCode::CounterComplete),
            CounterError::NotFound => ApiError::of(ErrorCode::ApplicationNotFound),
            CounterError::Db(e) => ApiError::internal(e),
        }
    }
}

/// The caller's desk, or 403.
async fn desk(state: &AppState, current: &CurrentAccount) -> Result<Desk, ApiError> {
    let provider = access::provider_of(&current.account)?;
    let me = crate::staff::member(&state.db, current.account.id, provider).await?;
    Desk::of(&current.account, &me).ok_or(CounterError::NotADesk.into())
}

/// `GET /api/counter/services`: the services this counter takes.
#[utoipa::path(
    get,
    path = "/counter/services",
    operation_id = "counter_services",
    tag = "counter",
    responses((status = 200, description = "What this counter takes", body = qyzmet_domain::api::CounterServices), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn services(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
) -> Result<Json<CounterServices>, ApiError> {
    let desk = desk(&state, &current).await?;
    let channel = match desk {
        Desk::StateCorporation => qyzmet_domain::catalogue::Channel::StateCorporation,
        Desk::ProviderOffice { .. } => qyzmet_domain::catalogue::Channel::ProviderOffice,
    };
    Ok(Json(CounterServices {
        channel,
        services: counter::services(&state.catalogue, &desk, current.lang),
    }))
}

/// `POST /api/counter/applications`: an application entered for a person who came with
/// paper and gave their written consent; the draft is the caller's until it is accepted.
#[utoipa::path(
    post,
    path = "/counter/applications",
    operation_id = "counter_start",
    tag = "counter",
    request_body = qyzmet_domain::api::CounterStart,
    responses((status = 201, description = "The draft, to fill in for the person", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn start(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    ApiJson(req): ApiJson<CounterStart>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let desk = desk(&state, &current).await?;
    let at = crate::db::now();
    let draft = counter::start(
        &state.db,
        &state.catalogue,
        &current.account,
        &desk,
        &req,
        at,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(draft.view)))
}

/// `POST /api/counter/applications/{id}/refusal`: acceptance refused, the set incomplete.
#[utoipa::path(
    post,
    path = "/counter/applications/{id}/refusal",
    operation_id = "counter_refuse",
    tag = "counter",
    params(("id" = String, Path, description = "The draft's public id")),
    responses((status = 201, description = "Refused; its receipt at /api/counter/refusals/{id}", body = qyzmet_domain::api::AcceptanceRefusal), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn refuse(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<AcceptanceRefusal>), ApiError> {
    desk(&state, &current).await?;
    let draft = access::owned(&state.db, &current.account, &id).await?;
    let at = crate::db::now();
    let refusal =
        counter::refuse(&state.db, &state.catalogue, &current.account, &draft, at).await?;
    Ok((
        StatusCode::CREATED,
        Json(AcceptanceRefusal {
            id: refusal.public_id,
            missing: refusal.missing,
        }),
    ))
}

/// `GET /api/counter/refusals/{id}`: the refusal receipt (PDF) to give the person.
#[utoipa::path(
    get,
    path = "/counter/refusals/{id}",
    operation_id = "counter_refusal_receipt",
    tag = "counter",
    params(("id" = String, Path, description = "The refusal's id"), ("lang" = Option<String>, Query, description = "kk, ru or en")),
    responses((status = 200, description = "The refusal receipt (application/pdf)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn refusal_receipt(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    desk(&state, &current).await?;
    let (draft, missing, at) = counter::refusal(&state.db, &current.account, &id).await?;
    let sheet = crate::sheets::acceptance_refusal(
        &state.catalogue,
        &draft,
        &missing,
        &current.account.display_name,
        at,
        current.lang,
    );
    download(
        "application/pdf",
        "acceptance-refusal.pdf",
        crate::receipt::render(&sheet),
    )
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(services))
        .routes(routes!(start))
        .routes(routes!(refuse))
        .routes(routes!(refusal_receipt))
}
