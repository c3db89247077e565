//! `/api/notifications` (what happened to my requests, unread count) and `/api/events`: a
//! Server-Sent Events stream that pushes each status change of my requests when it commits.

use super::extract::CurrentAccount;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::notifications;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use qyzmet_domain::api::NotificationList;
use std::convert::Infallible;
use std::sync::Arc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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

/// `GET /api/events`: `event: status` with a `StatusEvent` as data, for my requests only,
/// each with its notification's id; a stream that reconnects with `Last-Event-ID` first gets
/// what it missed. A comment every 15 s keeps proxies from closing an idle stream.
#[utoipa::path(
    get,
    path = "/events",
    tag = "events",
    params(("Last-Event-ID" = Option<i64>, Header, minimum = 0, nullable = false, description = "The last event this client received (a reconnecting EventSource sends it)")),
    responses((status = 200, description = "Server-Sent Events: `event: status`, `id` the notification's, data a StatusEvent"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Internal),
)]
pub async fn stream(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    headers: HeaderMap,
) -> Result<Sse<axum::response::sse::KeepAliveStream<EventStream>>, ApiError> {
    let me = current.account.id;
    // Listening before reading the backlog, so nothing falls between the two.
    let live = BroadcastStream::new(state.events.subscribe());
    // EventSource sends back an id we gave: a notification's, a non-negative integer.
    let last_seen = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|id| *id >= 0)
                .ok_or_else(|| ApiError::of(ErrorCode::RequestMalformed))?,
        ),
    };
    let missed = match last_seen {
        Some(after) => notifications::missed(&state.db, me, after).await?,
        None => Vec::new(),
    };
    let replayed_up_to = missed.last().map(|a| a.id).or(last_seen).unwrap_or(0);
    // A lagging stream skips what it missed: the page refetches on the next event.
    let live = live.filter_map(move |item| {
        let a = item.ok()?;
        (a.account_id == me && a.id > replayed_up_to).then_some(a)
    });
    let events = tokio_stream::iter(missed).chain(live).filter_map(|a| {
        let data = serde_json::to_string(&a.event).ok()?;
        Some(Ok(Event::default()
            .id(a.id.to_string())
            .event("status")
            .data(data)))
    });
    let events =
        futures_util::StreamExt::take_until(events, state.shutdown.clone().cancelled_owned());
    let events: EventStream = Box::pin(events);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default().interval(std::time::Duration::from_secs(15))))
}

type EventStream =
    std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<Event, Infallible>> + Send>>;

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(notifications))
        .routes(routes!(mark_read))
        .routes(routes!(stream))
}
