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
pub async fn list(State(state): State<Arc<AppState>>, req: axum::extract::Request) -> Response {
    catalogue_answer(&state, &req)
}

/// The catalogue's answer to `req`, made from what was made ahead: the body in the encoding
/// the client takes (or 304 for the copy it holds), and every header.
fn catalogue_answer(state: &AppState, req: &axum::extract::Request) -> Response {
    let lang = super::request_lang(req);
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
    // Every header set into a map made large enough once (growing it costs a copy).
    let mut h = axum::http::HeaderMap::with_capacity(16);
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
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
        Response::new(axum::body::Body::from(answer.body(encoding)))
    };
    h.insert(header::ETAG, answer.etag_header.clone());
    // Public (nobody's own), but asked again each time: a restart may change it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Accept-Language"),
    );
    // Routed outside the layers (`catalogue_route`): it sets every answer's headers itself.
    state.every_answers_headers.set(&mut h);
    *res.headers_mut() = h;
    res
}

/// Any other method on the catalogue: the API's 405 problem, in the request's language.
async fn list_other_method(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Response {
    let mut res = super::problem::in_problem_shape(
        lang,
        ApiError::of(ErrorCode::MethodNotAllowed).into_response(),
    );
    let h = res.headers_mut();
    h.insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    state.every_answers_headers.set(h);
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

/// The server's service with the catalogue's reads answered before routing: `GET
/// /api/services` costs no router, layer or future of its own (#28: the portal's busiest
/// read, at nginx's pace). Other methods and HEAD go through the router like every request.
#[derive(Clone)]
pub struct CatalogueFirst<S> {
    pub inner: S,
    pub state: Arc<AppState>,
}

impl<S> tower::Service<axum::extract::Request> for CatalogueFirst<S>
where
    S: tower::Service<axum::extract::Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future =
        futures_util::future::Either<std::future::Ready<Result<Response, S::Error>>, S::Future>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::extract::Request) -> Self::Future {
        use futures_util::future::Either;
        if req.method() == axum::http::Method::GET && req.uri().path() == "/api/services" {
            return Either::Left(std::future::ready(Ok(catalogue_answer(&self.state, &req))));
        }
        Either::Right(self.inner.call(req))
    }
}

/// The catalogue (relative to `/api`), routed outside every layer: its answer is made ahead
/// (every encoding, compressed once when the server starts) and it sets every header the
/// layers would (`list`), so none of them runs for the portal's busiest read (#28).
pub(super) fn catalogue_route() -> OpenApiRouter<Arc<AppState>> {
    let (schemas, paths, method_router) = routes!(list);
    OpenApiRouter::new().routes((schemas, paths, method_router.fallback(list_other_method)))
}
