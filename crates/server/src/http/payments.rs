//! The fee step: start a payment for an application, and the built-in TEST gateway that
//! takes it (its paths say so; it moves no money).

use super::extract::CurrentAccount;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::payments;
use axum::Json;
use axum::extract::{Path, State};
use qyzmet_domain::api::PaymentView;
use qyzmet_domain::status::Status;
use std::sync::Arc;

/// `POST /api/applications/{id}/payment`: start (or return) the application's payment.
#[utoipa::path(
    post,
    path = "/applications/{id}/payment",
    tag = "payments",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The payment (started or existing)", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn start(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    let stored = super::access::owned(&state, &current, &id).await?;
    if stored.view.status != Status::Draft {
        return Err(ApiError::of(ErrorCode::NotDraft));
    }
    let amount = crate::payments::fee_before_signing(
        &state.catalogue,
        &stored.view.service_id,
        &stored.view.variant_id,
    )
    .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotRequired))?;
    let payment = payments::start(
        &state.db,
        current.account.id,
        stored.id,
        &stored.view.id,
        amount,
    )
    .await?;
    Ok(Json(payment))
}

/// `GET /api/applications/{id}/payment`: where the application's payment stands.
#[utoipa::path(
    get,
    path = "/applications/{id}/payment",
    tag = "payments",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "Where the payment stands", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn of_application(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    let stored = super::access::owned(&state, &current, &id).await?;
    payments::of_application(&state.db, stored.id, &stored.view.id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))
}

/// `GET /api/test-payment-gateway/payments/{id}`: the test gateway shows the payment.
#[utoipa::path(
    get,
    path = "/test-payment-gateway/payments/{id}",
    tag = "payments",
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200, description = "TEST gateway: the payment", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn gateway_show(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    payments::find(&state.db, current.account.id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))
}

/// `POST /api/test-payment-gateway/payments/{id}/confirm`: the test gateway takes the money.
#[utoipa::path(
    post,
    path = "/test-payment-gateway/payments/{id}/confirm",
    tag = "payments",
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200, description = "TEST gateway: paid", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn gateway_confirm(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    payments::confirm(&state.db, current.account.id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))
}
