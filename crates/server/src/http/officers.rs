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
use crate::lifecycle::{Move, SignedDecision, Standing};
use crate::officers::{self, ProviderRequest};
use crate::signing::{DocumentAge, within_lifetime};
use crate::staff::{self, StaffMember};
use axum::Json;
use axum::extract::{Path, Query, State};
use base64::Engine;
use qyzmet_domain::Lang;
use qyzmet_domain::api::{
    DecisionDocumentView, DecisionDraft, DecisionSubmit, MoveRequest, OfficerRequestView, Queue,
    QueueItem, ReassignRequest, StaffView, StepRequest,
};
use qyzmet_domain::calendar::countdown;
use qyzmet_domain::decision::{self, DecisionDocument};
use qyzmet_domain::process::Done;
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

/// The caller as a member of their provider's staff.
async fn me(state: &AppState, current: &CurrentAccount) -> Result<StaffMember, ApiError> {
    let provider = access::provider_of(&current.account)?;
    Ok(staff::member(&state.db, current.account.id, provider).await?)
}

/// What the queue and a request's page say about one request for one member of staff.
struct Seen<'a> {
    standing: &'a Standing,
    staff: &'a [StaffView],
    me: &'a StaffMember,
    now: time::OffsetDateTime,
}

fn item(state: &AppState, r: &ProviderRequest, lang: Lang, seen: &Seen<'_>) -> QueueItem {
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
        step: officers::queue_step(seen.standing, seen.staff, seen.now),
        mine: seen
            .standing
            .progress
            .may_complete(&seen.standing.steps, seen.me.as_staff())
            .is_ok(),
    }
}

#[derive(Deserialize)]
pub struct QueueFilter {
    status: Option<String>,
    number: Option<String>,
    tab: Option<String>,
}

/// The tabs of the queue, per role: the member of staff's own, a head's to assign and to
/// sign, and every step past its due.
const TABS: [&str; 4] = ["mine", "assign", "sign", "overdue"];

/// `GET /api/officer/requests`: open requests first, overdue and soonest due at the top.
#[utoipa::path(
    get,
    path = "/officer/requests",
    operation_id = "officer_queue",
    tag = "officers",
    params(("status" = Option<crate::http::openapi::StatusFilter>, Query, description = "Only this status"), ("number" = Option<String>, Query, description = "Registration number contains"), ("tab" = Option<String>, Query, description = "Only the requests of one tab: mine, assign, sign, overdue")),
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
    let tab = filter.tab()?;
    let me = me(&state, &current).await?;
    let staff = staff::of_provider(&state.db, provider).await?;
    let now = time::OffsetDateTime::now_utc();
    let all = officers::requests_of(&state.db, provider).await?;
    let mut counts = std::collections::BTreeMap::new();
    let mut tabs: std::collections::BTreeMap<String, i64> =
        TABS.iter().map(|t| (t.to_string(), 0)).collect();
    let mut requests = Vec::new();
    for r in &all {
        *counts
            .entry(r.stored.view.status.code().to_string())
            .or_insert(0) += 1;
        let standing = state.lifecycle().standing(&r.stored).await?;
        let in_tabs = officers::tabs_of(&standing, &me, now);
        for t in &in_tabs {
            *tabs.entry(t.to_string()).or_insert(0) += 1;
        }
        let seen = Seen {
            standing: &standing,
            staff: &staff,
            me: &me,
            now,
        };
        let item = item(&state, r, current.lang, &seen);
        let wanted = status.is_none_or(|s| item.status == s)
            && number.is_none_or(|n| item.registration_number.contains(n))
            && tab.is_none_or(|t| in_tabs.contains(&t));
        if wanted {
            requests.push(item);
        }
    }
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
    Ok(Json(Queue {
        requests,
        counts,
        tabs,
    }))
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

    /// The tab asked for; empty is every request.
    fn tab(&self) -> Result<Option<&'static str>, ApiError> {
        match self.tab.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => TABS
                .iter()
                .find(|known| **known == t)
                .map(|known| Some(*known))
                .ok_or_else(|| ApiError::validation(vec![field_error("tab", "form.choice")])),
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
    let me = me(state, current).await?;
    officers::record_read(&state.db, r.stored.id, &me, "request").await?;
    let history = officers::history(&state.db, r.stored.id).await?;
    let standing = state.lifecycle().standing(&r.stored).await?;
    let allowed_moves = state.lifecycle().allowed_moves(&r.stored, &standing, &me);
    let payment =
        crate::payments::of_application(&state.db, &state.payments, r.stored.id, &r.stored.view.id)
            .await?;
    let staff = staff::of_provider(&state.db, &r.stored.provider_id).await?;
    let now = time::OffsetDateTime::now_utc();
    let seen = Seen {
        standing: &standing,
        staff: &staff,
        me: &me,
        now,
    };
    let item = item(state, &r, current.lang, &seen);
    let process =
        officers::process_view(&state.db, &r.stored, &standing, &me, staff.clone(), now).await?;
    Ok(OfficerRequestView {
        item,
        application: r.stored.view.clone(),
        history,
        allowed_moves,
        payment,
        process,
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
    let by = me(&state, &current).await?;
    let asked = Move {
        seen: req.from,
        to: req.to,
        note: req.note,
        appointment: req.appointment.as_ref(),
    };
    let now = time::OffsetDateTime::now_utc();
    state
        .lifecycle()
        .move_to(&r.stored, &by, asked, now)
        .await?;
    request_view(&state, &current, &id).await.map(Json)
}

/// `POST /api/officer/requests/{id}/step`: the current step of the provider's process done
/// by the caller — registered or passed on, the executor named (`executor`), the result
/// prepared (`outcome`, a refusal's `reason`), issued. The result itself is signed
/// (`decision`). The applicant sees the request taken into review when its examination begins.
#[utoipa::path(
    post,
    path = "/officer/requests/{id}/step",
    tag = "officers",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::StepRequest,
    responses((status = 200, description = "Done; the request as it stands now", body = qyzmet_domain::api::OfficerRequestView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn complete_step(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<StepRequest>,
) -> Result<Json<OfficerRequestView>, ApiError> {
    let r = find(&state, &current, &id).await?;
    let by = me(&state, &current).await?;
    let standing = state.lifecycle().standing(&r.stored).await?;
    let done = match qyzmet_domain::process::kind_of(&standing.steps, req.step) {
        qyzmet_domain::process::StepKind::Assign => Done::Assign {
            executor: req.executor.ok_or_else(|| {
                ApiError::validation(vec![field_error("executor", "process.executor_required")])
            })?,
        },
        qyzmet_domain::process::StepKind::Prepare => Done::Prepare {
            outcome: req
                .outcome
                .ok_or_else(|| ApiError::validation(vec![field_error("outcome", "form.choice")]))?,
            reason: req.reason,
        },
        _ if req.returned => Done::Returned,
        _ => match req.handed_over {
            Some(to) => Done::HandedOver {
                representative: to
                    .representative
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty()),
            },
            None => Done::Plain,
        },
    };
    let now = time::OffsetDateTime::now_utc();
    state
        .lifecycle()
        .complete_step(&r.stored, &by, req.step, done, now)
        .await?;
    // A result waiting at a counter now: the applicant is told by SMS to come for it.
    let after = state.lifecycle().standing(&r.stored).await?;
    if after.ready_for_collection(r.stored.view.channel) {
        crate::counter::tell_result_ready(&state, &r.stored).await;
    }
    request_view(&state, &current, &id).await.map(Json)
}

/// `POST /api/officer/requests/{id}/executor`: the head names another executor, saying why.
#[utoipa::path(
    post,
    path = "/officer/requests/{id}/executor",
    tag = "officers",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::ReassignRequest,
    responses((status = 200, description = "Reassigned; the request as it stands now", body = qyzmet_domain::api::OfficerRequestView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn reassign(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReassignRequest>,
) -> Result<Json<OfficerRequestView>, ApiError> {
    let r = find(&state, &current, &id).await?;
    let by = me(&state, &current).await?;
    if req.reason.trim().is_empty() {
        return Err(ApiError::validation(vec![field_error(
            "reason",
            "form.required",
        )]));
    }
    let now = time::OffsetDateTime::now_utc();
    state
        .lifecycle()
        .reassign(&r.stored, &by, req.executor, &req.reason, now)
        .await?;
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

/// Checks the caller may sign this decision now: the process is at its decision step and it
/// is theirs (not who prepared it), the outcome is the one prepared, the status machine
/// allows the move, and a refusal has its reason.
async fn check_decision(
    state: &AppState,
    r: &ProviderRequest,
    me: &StaffMember,
    draft: &DecisionDraft,
) -> Result<(), ApiError> {
    let at = time::OffsetDateTime::now_utc();
    let standing = state.lifecycle().standing(&r.stored).await?;
    standing
        .progress
        .may_decide(&standing.steps, me.as_staff(), draft.outcome)?;
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
    let me = me(&state, &current).await?;
    check_decision(&state, &r, &me, &draft).await?;
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
    let me = me(&state, &current).await?;
    let (document, signature) = super::extract::signed_pair(&req.document, &req.signature)?;
    let t = now();
    let formed = formed_decision(&state, &current, &r, &me, &document, t).await?;
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
    state.lifecycle().decide(&r.stored, &me, signed, at).await?;
    request_view(&state, &current, &id).await.map(Json)
}

/// The decision document the officer signed, if it is the one this request, officer and
/// status would form now (byte for byte), formed within its lifetime, and its move allowed.
async fn formed_decision(
    state: &AppState,
    current: &CurrentAccount,
    r: &ProviderRequest,
    me: &StaffMember,
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
    check_decision(state, r, me, &draft).await?;
    Ok(formed)
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(detail))
        .routes(routes!(make_move))
        .routes(routes!(complete_step))
        .routes(routes!(reassign))
        .routes(routes!(decision_document))
        .routes(routes!(decide))
}
