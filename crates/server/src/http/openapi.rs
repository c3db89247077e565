//! `/api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers'
//! `#[utoipa::path]` annotations and the domain's API types; `/api/docs`: a page that renders
//! it with no script or style from elsewhere (users' networks may reach nothing else).

use axum::Json;
use axum::response::Html;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The problem answers an operation may give, one type per status, so each operation
/// documents the statuses it can return (`application/problem+json` with a stable `code`,
/// see the `Problem` schema, and a `title` in the request's language).
pub mod errors {
    use qyzmet_domain::api::Problem;

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum BadRequest {
        /// Malformed JSON, a missing header (Idempotency-Key) or a bad parameter.
        #[response(status = 400, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum Unauthorized {
        /// Not logged in, the session ended, or an EDS login that could not be confirmed.
        #[response(status = 401, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum PaymentRequired {
        /// The fee must be paid before signing (`payment.required`).
        #[response(status = 402, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum Forbidden {
        /// The CSRF header is missing, or the account's role may not do this.
        #[response(status = 403, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum NotFound {
        /// Nothing here — also for another person's application.
        #[response(status = 404, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum Conflict {
        /// A stale version, a request someone else moved first, or a move the status machine refuses.
        #[response(status = 409, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum TooLarge {
        /// A body or file beyond the limits.
        #[response(status = 413, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum UnsupportedMediaType {
        /// A body that is not JSON (or not multipart for uploads).
        #[response(status = 415, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum Unprocessable {
        /// Field errors (`errors`), or an EDS signature refused (`eds.*`).
        #[response(status = 422, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum TooManyRequests {
        /// Too many failed attempts: `retry_after` seconds (also the `Retry-After` header).
        #[response(status = 429, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum Internal {
        /// A failure of the server's own (never of the input); what the user entered is kept.
        #[response(status = 500, content_type = "application/problem+json")]
        Problem(Problem),
    }

    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum Unavailable {
        /// An outside service (the time-stamp authority, the SMS provider, the payment gateway)
        /// did not answer or refused, or this deployment takes no fees; nothing was done, try again.
        #[response(status = 503, content_type = "application/problem+json")]
        Problem(Problem),
    }
}

/// The `status` filter of the application lists: a status code, or empty for all (the
/// cabinet's filter form sends `status=` when "all" is chosen).
pub struct StatusFilter;

impl utoipa::PartialSchema for StatusFilter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use qyzmet_domain::status::Status;
        let codes = Status::ALL.iter().map(|s| s.code()).chain([""]);
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(codes))
            .into()
    }
}

impl utoipa::ToSchema for StatusFilter {}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Qyzmet API",
        description = "State services online: catalogue, accounts, applications, EDS signatures, requests and their decisions. Every error is application/problem+json with a stable code."
    ),
    components(schemas(
        qyzmet_domain::api::Problem,
        qyzmet_domain::form::FieldError,
        qyzmet_domain::api::StatusEvent,
        StatusFilter
    ))
)]
pub struct ApiDoc;

/// The document of one server: this crate's description and shared schemas, and the paths
/// its router registered (each with its handler's annotation, under `/api`) — so a route
/// this start does not mount (a TEST double's, in production) is not described either.
pub fn document(registered: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    {
        let mut doc = ApiDoc::openapi();
        let mut paths = utoipa::openapi::path::Paths::new();
        for (path, item) in registered.paths.paths {
            paths.paths.insert(format!("/api{path}"), item);
        }
        doc.paths = paths;
        let mut components = doc.components.take().unwrap_or_default();
        if let Some(theirs) = registered.components {
            components.schemas.extend(theirs.schemas);
        }
        doc.components = Some(components);
        doc
    }
}

/// `GET /api/openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "openapi", responses((status = 200, description = "This document")))]
pub async fn spec(
    axum::Extension(document): axum::Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json(document.as_ref().clone())
}

/// `GET /api/docs`: the document rendered by a small script of our own.
#[utoipa::path(get, path = "/docs", tag = "openapi", responses((status = 200, description = "A page that renders the document")))]
pub async fn page() -> Html<&'static str> {
    Html(include_str!("openapi.html"))
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<std::sync::Arc<crate::AppState>> {
    OpenApiRouter::new()
        .routes(routes!(spec))
        .routes(routes!(page))
}
