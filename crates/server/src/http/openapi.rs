//! `/api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers'
//! `#[utoipa::path]` annotations and the domain's API types; `/api/docs`: a page that renders
//! it with no script or style from elsewhere (users' networks may reach nothing else).

use axum::Json;
use axum::response::Html;
use qyzmet_domain::api::Problem;
use utoipa::OpenApi;

/// The error answers every operation may give: `application/problem+json` with a stable
/// `code` (see the `Problem` schema) and a `title` in the request's language.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Errors {
    /// Malformed JSON, a missing header (CSRF, Idempotency-Key) or a bad parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not logged in, the session ended, or an EDS login that could not be confirmed.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The fee must be paid before signing (`payment.required`).
    #[response(status = 402, content_type = "application/problem+json")]
    PaymentRequired(Problem),
    /// The account's role may not do this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Nothing here — also for another person's application.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// A stale version, a request someone else moved first, or a move the status machine refuses.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// A body or file beyond the limits.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// A body that is not JSON (or not multipart for uploads).
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Field errors (`errors`), or an EDS signature refused (`eds.*`).
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
    /// Too many failed logins: `retry_after` seconds (also the `Retry-After` header).
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
    /// A failure of the server's own (never of the input); what the user entered is kept.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
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
    paths(
        super::services::health,
        super::services::list,
        super::services::detail,
        super::auth::register,
        super::auth::registration_code,
        super::auth::registration_challenge,
        super::auth::login,
        super::auth::code_login,
        super::auth::test_sms_outbox,
        super::auth::current,
        super::auth::logout,
        super::auth::keepalive,
        super::auth::end_other_sessions,
        super::auth::eds_challenge,
        super::auth::eds_login,
        super::pki::root_ca,
        super::pki::issuing_ca,
        super::pki::chain,
        super::pki::crl,
        super::pki::ocsp,
        super::pki::tsp,
        super::pki::gost_root_ca,
        super::pki::gost_issuing_ca,
        super::pki::gost_crl,
        super::applications::create,
        super::applications::list,
        super::applications::get,
        super::applications::save,
        super::applications::delete,
        super::applications::check,
        super::applications::history,
        super::applications::decision,
        super::applications::withdraw,
        super::applications::upload,
        super::applications::download,
        super::applications::remove_attachment,
        super::submission::outgoing_document,
        super::submission::submit,
        super::submission::signature,
        super::submission::signature_check,
        super::mobile_sign::mobile_sign_link,
        super::mobile_sign::mobile_sign_status,
        super::mobile_sign::mobile_sign_qr,
        super::mobile_sign::api1,
        super::mobile_sign::documents_to_sign,
        super::mobile_sign::signed_documents,
        super::submission::receipt,
        super::submission::result,
        super::applications::last_step,
        super::payments::start,
        super::payments::of_application,
        super::payments::gateway_show,
        super::payments::gateway_confirm,
        super::officers::queue,
        super::officers::detail,
        super::officers::make_move,
        super::officers::decision_document,
        super::officers::decide,
        super::events::notifications,
        super::events::mark_read,
        super::events::stream,
        spec,
        page,
    ),
    components(schemas(
        qyzmet_domain::api::Problem,
        qyzmet_domain::form::FieldError,
        qyzmet_domain::api::StatusEvent,
        StatusFilter
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
#[utoipa::path(get, path = "/api/openapi.json", tag = "openapi", responses((status = 200, description = "This document")))]
pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// `GET /api/docs`: the document rendered by a small script of our own.
#[utoipa::path(get, path = "/api/docs", tag = "openapi", responses((status = 200, description = "A page that renders the document")))]
pub async fn page() -> Html<&'static str> {
    Html(include_str!("openapi.html"))
}
