//! `/api/officer/…`: the provider's queue, one request, intermediate steps, and decisions
//! signed with the officer's EDS. An officer sees only their provider's registered requests;
//! anything else is "not found".

use super::extract::{ApiJson, CurrentAccount};
use super::problem::field_error;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::access;
use crate::applications::rfc3339;
use crate::db::now;
use crate::lifecycle::{Move, Mover, SignedDecision};
use crate::officers::{self, ProviderRequest};
use crate::signing::{DocumentAge, within_lifetime};
use axum::Json;
use axum::extract::{Path, Query, State};
use base64::Engine;
use qyzmet_domain::Lang;
use qyzmet_domain::api::{
    DecisionDocumentView, DecisionDraft, DecisionSubmit, MoveRequest, OfficerRequestView, Queue,
    QueueItem,
};
use qyzmet_domain::calendar::countdown;
use qyzmet_domain::decision::{self, DecisionDocument};
use qyzmet_domain::status::{Actor, Status};
use qyzmet_eds::Expected;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

async fn find(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
) -> Result<ProviderRequest, ApiError> {
    let provider = access::provider_of(&current.account)?;
    officers::find(&state.db, provider, id)
        .await?
        .ok_or(access::Denied::NotFound.into())
}

fn item(state: &AppState, r: &ProviderRequest, lang: Lang) -> QueueItem {
    let view = &r.stored.view;
    let due = view.due_date.clone().unwrap_or_default();
    let left = qyzmet_domain::form::parse_date(&due)
        .map(|d| countdown(crate::db::today(), d))
        .map(|c| (c.days_left, c.overdue && !view.status.is_final()))
        .unwrap_or((0, false));
    QueueItem {
        id: view.id.clone(),
        registration_number: view.registration_number.clone().unwrap_or_default(),
        service_id: view.service_id.clone(),
        service_name: state
            .catalogue
            .service(&view.service_id)
            .map(|s| s.name.get(lang).to_string())
            .unwrap_or_default(),
        applicant_id: r.applicant_id.clone(),
        applicant_name: r.applicant_name.clone(),
        status: view.status,
        due_date: due,
        days_left: left.0,
        overdue: left.1,
    }
}

#[derive(Deserialize)]
pub struct QueueFilter {
    status: Option<String>,
    number: Option<String>,
}

/// `GET /api/officer/requests`: open requests first, overdue and soonest due at the top.
#[utoipa::path(
    get,
    path = "/officer/requests",
    operation_id = "officer_queue",
    tag = "officers",
    params(("status" = Option<crate::http::openapi::StatusFilter>, Query, description = "Only this status"), ("number" = Option<String>, Query, description = "Registration number contains")),
    responses((status = 200, description = "The provider's requests", body = qyzmet_domain::api::Queue), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn queue(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Query(filter): Query<QueueFilter>,
) -> Result<Json<Queue>, ApiError> {
    let provider = access::provider_of(&current.account)?;
    let status = filter.status()?;
    let number = filter.number();
    let all = officers::requests_of(&state.db, provider).await?;
    let mut counts = std::collections::BTreeMap::new();
    for r in &all {
        *counts
            .entry(r.stored.view.status.code().to_string())
            .or_insert(0) += 1;
    }
    let mut requests: Vec<QueueItem> = all
        .iter()
        .filter(|r| status.is_none_or(|s| r.stored.view.status == s))
        .map(|r| item(&state, r, current.lang))
        .filter(|i| number.is_none_or(|n| i.registration_number.contains(n)))
        .collect();
    // Open before decided, then soonest due, then by number: the officer's working order.
    requests.sort_by(|a, b| {
        let key = |i: &QueueItem| {
            (
                i.status.is_final(),
                i.due_date.clone(),
                i.registration_number.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(Json(Queue { requests, counts }))
}

impl QueueFilter {
    /// The status asked for; empty is "all" (the queue's first tab).
    fn status(&self) -> Result<Option<Status>, ApiError> {
        match self.status.as_deref().filter(|s| !s.is_empty()) {
            Some(code) => Status::from_code(code)
                .map(Some)
                .ok_or_else(|| ApiError::validation(vec![field_error("status", "form.choice")])),
            None => Ok(None),
        }
    }

    /// Part of a registration number to look for, if any.
    fn number(&self) -> Option<&str> {
        self.number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }
}

/// `GET /api/officer/requests/{id}`.
#[utoipa::path(
    get,
    path = "/officer/requests/{id}",
    operation_id = "officer_request",
    tag = "officers",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "One request of the provider", body = qyzmet_domain::api::OfficerRequestView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn detail(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<OfficerRequestView>, ApiError> {
    request_view(&state, &current, &id).await.map(Json)
}

/// One request as the officer's console shows it: the queue item, the application, its
/// history and the moves the officer may make now (also the answer after a move).
async fn request_view(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
) -> Result<OfficerRequestView, ApiError> {
    let r = find(state, current, id).await?;
    let history = officers::history(&state.db, r.stored.id).await?;
    let allowed_moves = state.lifecycle().allowed_moves(&r.stored, Actor::Officer);
    let payment =
        crate::payments::of_application(&state.db, &state.payments, r.stored.id, &r.stored.view.id)
            .await?;
    Ok(OfficerRequestView {
        item: item(state, &r, current.lang),
        application: r.stored.view.clone(),
        history,
        allowed_moves,
        payment,
    })
}

/// `POST /api/officer/requests/{id}/moves`: take into review, schedule testing, send to or
/// receive from the interested body. Decisions go through `decision` (they are signed).
#[utoipa::path(
    post,
    path = "/officer/requests/{id}/moves",
    tag = "officers",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::MoveRequest,
    responses((status = 200, description = "Moved", body = qyzmet_domain::api::OfficerRequestView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn make_move(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MoveRequest>,
) -> Result<Json<OfficerRequestView>, ApiError> {
    let r = find(&state, &current, &id).await?;
    let by = Mover {
        actor: Actor::Officer,
        account_id: current.account.id,
    };
    let asked = Move {
        seen: req.from,
        to: req.to,
        note: req.note,
        appointment: req.appointment.as_ref(),
    };
    let now = time::OffsetDateTime::now_utc();
    state.lifecycle().move_to(&r.stored, by, asked, now).await?;
    request_view(&state, &current, &id).await.map(Json)
}

fn form_decision(
    state: &AppState,
    current: &CurrentAccount,
    r: &ProviderRequest,
    draft: &DecisionDraft,
    decided_at: &str,
) -> DecisionDocument {
    let view = &r.stored.view;
    DecisionDocument {
        format: decision::FORMAT.into(),
        registration_number: view.registration_number.clone().unwrap_or_default(),
        service_id: view.service_id.clone(),
        service_name: state
            .catalogue
            .service(&view.service_id)
            .map(|s| s.name.get(Lang::Kk).to_string())
            .unwrap_or_default(),
        provider_id: r.stored.provider_id.clone(),
        applicant_id: r.applicant_id.clone(),
        applicant_name: r.applicant_name.clone(),
        outcome: draft.outcome,
        reason: draft
            .reason
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        officer_iin: current.account.login.clone(),
        officer_name: current.account.display_name.clone(),
        decided_at: decided_at.to_string(),
    }
}

/// Checks the move to the decision's status is allowed now (and a refusal has its reason).
fn check_decision(
    state: &AppState,
    r: &ProviderRequest,
    draft: &DecisionDraft,
) -> Result<(), ApiError> {
    let at = time::OffsetDateTime::now_utc();
    let to = draft.outcome.status();
    state
        .lifecycle()
        .check(&r.stored, Actor::Officer, to, draft.reason.clone(), at)?;
    Ok(())
}

/// `POST /api/officer/requests/{id}/decision-document`: the decision to sign.
#[utoipa::path(
    post,
    path = "/officer/requests/{id}/decision-document",
    tag = "officers",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::DecisionDraft,
    responses((status = 200, description = "The decision to sign", body = qyzmet_domain::api::DecisionDocumentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn decision_document(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<DecisionDraft>,
) -> Result<Json<DecisionDocumentView>, ApiError> {
    let r = find(&state, &current, &id).await?;
    check_decision(&state, &r, &draft)?;
    let document = form_decision(&state, &current, &r, &draft, &rfc3339(now()));
    Ok(Json(DecisionDocumentView {
        document: B64.encode(document.to_bytes()),
    }))
}

/// `POST /api/officer/requests/{id}/decision`: verify the officer's EDS over the decision
/// document, then move the request to satisfied / refused with the signed decision.
#[utoipa::path(
    post,
    path = "/officer/requests/{id}/decision",
    tag = "officers",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::DecisionSubmit,
    responses((status = 200, description = "Decided", body = qyzmet_domain::api::OfficerRequestView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn decide(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<DecisionSubmit>,
) -> Result<Json<OfficerRequestView>, ApiError> {
    let r = find(&state, &current, &id).await?;
    let (document, signature) = super::extract::signed_pair(&req.document, &req.signature)?;
    let t = now();
    let formed = formed_decision(&state, &current, &r, &document, t)?;
    let expected = Expected::Iin(current.account.login.clone());
    let accepted = crate::signatures::accept(&state, signature, &document, &expected, t)
        .await
        .map_err(ApiError::refused)?;
    let (signature, verified) = (accepted.der, accepted.verified);
    let at = time::OffsetDateTime::from_unix_timestamp(t).map_err(ApiError::internal)?;
    let signed = SignedDecision {
        outcome: formed.outcome,
        reason: formed.reason.as_deref(),
        document: &document,
        signature: &signature,
        signer: &verified.holder().common_name,
        signer_iin: verified.holder().iin.as_deref().unwrap_or_default(),
        signed_at: verified.signing_time().unwrap_or(t),
        ocsp_response: crate::lifecycle::ocsp_evidence(&verified),
    };
    let officer = current.account.id;
    state
        .lifecycle()
        .decide(&r.stored, officer, signed, at)
        .await?;
    request_view(&state, &current, &id).await.map(Json)
}

/// The decision document the officer signed, if it is the one this request, officer and
/// status would form now (byte for byte), formed within its lifetime, and its move allowed.
fn formed_decision(
    state: &AppState,
    current: &CurrentAccount,
    r: &ProviderRequest,
    document: &[u8],
    t: i64,
) -> Result<DecisionDocument, ApiError> {
    let changed = || ApiError::of(ErrorCode::RequestChanged);
    let formed = DecisionDocument::from_bytes(document).ok_or_else(changed)?;
    let draft = DecisionDraft {
        outcome: formed.outcome,
        reason: formed.reason.clone(),
    };
    if form_decision(state, current, r, &draft, &formed.decided_at).to_bytes() != document {
        return Err(changed());
    }
    within_lifetime(&formed.decided_at, t).map_err(|age| match age {
        DocumentAge::Unreadable => changed(),
        DocumentAge::Expired => ApiError::of(ErrorCode::DocumentExpired),
    })?;
    check_decision(state, r, &draft)?;
    Ok(formed)
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(detail))
        .routes(routes!(make_move))
        .routes(routes!(decision_document))
        .routes(routes!(decide))
}
