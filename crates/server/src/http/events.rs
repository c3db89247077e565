//! `/api/notifications` (what happened to my requests, unread count) and `/api/events`: a
//! Server-Sent Events stream that pushes each status change of my requests when it commits.

use super::extract::CurrentAccount;
use super::problem::ApiError;
use crate::AppState;
use crate::notifications;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use qyzmet_domain::api::NotificationList;
use std::convert::Infallible;
use std::sync::Arc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

#[utoipa::path(
    get,
    path = "/notifications",
    tag = "events",
    responses((status = 200, description = "My notifications", body = qyzmet_domain::api::NotificationList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Internal),
)]
pub async fn notifications(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
) -> Result<Json<NotificationList>, ApiError> {
    notifications::list(&state.db, current.account.id)
        .await
        .map(Json)
        .map_err(ApiError::internal)
}

/// `POST /api/notifications/read`: all of mine read.
#[utoipa::path(
    post,
    path = "/notifications/read",
    tag = "events",
    responses((status = 204, description = "All read"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn mark_read(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
) -> Result<StatusCode, ApiError> {
    notifications::mark_all_read(&state.db, current.account.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/events`: `event: status` with a `StatusEvent` as data, for my requests only;
/// a comment every 15 s keeps proxies from closing an idle stream.
#[utoipa::path(
    get,
    path = "/events",
    tag = "events",
    responses((status = 200, description = "Server-Sent Events: `event: status`, data a StatusEvent"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Internal),
)]
pub async fn stream(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let me = current.account.id;
    let events = BroadcastStream::new(state.events.subscribe()).filter_map(move |item| {
        // A lagging stream skips what it missed: the page refetches on the next event.
        let addressed = item.ok()?;
        if addressed.account_id != me {
            return None;
        }
        let data = serde_json::to_string(&addressed.event).ok()?;
        Some(Ok(Event::default().event("status").data(data)))
    });
    let events =
        futures_util::StreamExt::take_until(events, state.shutdown.clone().cancelled_owned());
    Sse::new(events).keep_alive(KeepAlive::default().interval(std::time::Duration::from_secs(15)))
}
