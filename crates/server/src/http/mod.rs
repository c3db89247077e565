//! The HTTP surface: `/api/…` handlers and the static app.

mod access;
pub mod applications;
mod auth;
mod csp;
mod events;
pub mod extract;
mod login_form;
mod login_steps;
mod mobile_sign;
mod officers;
pub mod openapi;
mod pages;
mod payments;
mod pki;
pub mod problem;
mod services;
mod signing;
mod start_form;
pub use pages::Template;
mod static_files;
mod submission;
mod verify;

use crate::AppState;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use qyzmet_domain::Lang;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: Arc<AppState>) -> Router {
    let csp =
        HeaderValue::from_str(&csp::policy(&state.config.dist_dir)).expect("the policy is ASCII");
    // Each route is registered with its `#[utoipa::path]` (utoipa-axum), so the router and
    // the OpenAPI document cannot differ. Paths are relative to `/api`.
    let api = OpenApiRouter::new()
        .routes(routes!(services::health))
        .routes(routes!(openapi::spec))
        .routes(routes!(openapi::page))
        .routes(routes!(services::list))
        .routes(routes!(services::detail))
        .routes(routes!(auth::register))
        .routes(routes!(auth::registration_code))
        .routes(routes!(auth::registration_challenge))
        .routes(routes!(auth::code_login))
        .routes(routes!(auth::login, auth::current, auth::logout))
        .routes(routes!(auth::keepalive))
        .routes(routes!(auth::end_other_sessions))
        .routes(routes!(auth::eds_challenge))
        .routes(routes!(auth::eds_login))
        .routes(routes!(pki::root_ca))
        .routes(routes!(pki::issuing_ca))
        .routes(routes!(pki::chain))
        .routes(routes!(pki::crl))
        .routes(routes!(pki::gost_root_ca))
        .routes(routes!(pki::gost_issuing_ca))
        .routes(routes!(pki::gost_crl))
        .routes(routes!(applications::create, applications::list))
        .routes(routes!(
            applications::get,
            applications::save,
            applications::delete
        ))
        .routes(routes!(applications::last_step))
        .routes(routes!(applications::check))
        .routes(routes!(submission::outgoing_document))
        .routes(routes!(submission::submit))
        .routes(routes!(submission::receipt))
        .routes(routes!(applications::history))
        .routes(routes!(applications::decision))
        .routes(routes!(applications::withdraw))
        .routes(routes!(officers::queue))
        .routes(routes!(events::notifications))
        .routes(routes!(events::mark_read))
        .routes(routes!(events::stream))
        .routes(routes!(officers::detail))
        .routes(routes!(officers::make_move))
        .routes(routes!(officers::decision_document))
        .routes(routes!(officers::decide))
        .routes(routes!(submission::result))
        .routes(routes!(verify::document))
        .routes(routes!(submission::signature))
        .routes(routes!(submission::signature_check))
        .routes(routes!(mobile_sign::mobile_sign_link))
        .routes(routes!(mobile_sign::mobile_sign_status))
        .routes(routes!(mobile_sign::mobile_sign_qr))
        .routes(routes!(mobile_sign::api1))
        .routes(routes!(
            mobile_sign::documents_to_sign,
            mobile_sign::signed_documents
        ))
        .routes(routes!(payments::start, payments::of_application))
        // Uploads stream to disk and count bytes per file; this outer bound only stops a
        // body far beyond any allowed file.
        .routes({
            let (schemas, paths, methods) = routes!(
                applications::upload,
                applications::download,
                applications::remove_attachment
            );
            (
                schemas,
                paths,
                methods.layer(axum::extract::DefaultBodyLimit::max(60 * 1024 * 1024)),
            )
        });
    let (api, document) = with_doors_of_this_mode(api, &state).split_for_parts();
    let document = Arc::new(openapi::document(document));
    let api: Router<Arc<AppState>> = api
        .layer(axum::Extension(document))
        .fallback(problem::api_not_found)
        .layer(axum::middleware::from_fn(extract::require_csrf_header))
        .layer(axum::middleware::from_fn(extract::say_when_session_renewed))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn(problem::in_problem_shape))
        // Answers of the API are private unless a handler says otherwise (none is shared
        // through a cache: sessions, applications, notifications, decisions).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .nest("/api", api)
        // The login page's forms, sent without script.
        .route(
            "/login",
            axum::routing::get(login_form::show).post(login_form::password),
        )
        // "Log out" in the server's copy of a page.
        .route("/logout", axum::routing::post(login_form::logout))
        // ePay's payment page, drawn by the server with the acquirer's script.
        .route(
            "/payments/{id}/epay",
            axum::routing::get(payments::epay_page),
        )
        .route(
            "/payments/epay.js",
            axum::routing::get(payments::epay_script),
        )
        // "Start application" sent as a form (without script, or before the app arrived).
        .route(
            "/services/{id}/start",
            axum::routing::post(start_form::start),
        )
        // A document's check, drawn with what its code shows (and throttled as the API is).
        .route("/verify/{code}", axum::routing::get(verify::page))
        .route(
            "/login/code",
            axum::routing::get(login_form::to_login).post(login_form::code),
        )
        .fallback_service(static_files::service(state.clone()))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // A page that loads an acquirer's script sets its own, wider only by that origin.
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            // The camera for photographing documents; nothing else of the device.
            HeaderValue::from_static(
                "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), \
                 bluetooth=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), \
                 display-capture=()",
            ),
        ))
}

/// The routes that exist only with what stands behind them: the TEST doubles' (the SMS
/// outbox, the payment gateway, the test PKI's OCSP responder and TSA) in the demo, ePay's
/// callback where ePay takes the fees. What is not mounted answers 404 and is absent from
/// the OpenAPI document.
fn with_doors_of_this_mode(
    mut api: OpenApiRouter<Arc<AppState>>,
    state: &AppState,
) -> OpenApiRouter<Arc<AppState>> {
    if state.sms.is_test() {
        api = api.routes(routes!(auth::test_sms_outbox));
    }
    if state.pki.is_test() {
        api = api.routes(routes!(pki::ocsp)).routes(routes!(pki::tsp));
    }
    if state.payments.is_test() {
        api = api
            .routes(routes!(payments::gateway_show))
            .routes(routes!(payments::gateway_confirm));
    }
    if matches!(state.payments, crate::payments::Gateway::Epay(_)) {
        api = api.routes(routes!(payments::epay_callback));
    }
    api
}

/// The language a request asks for: `?lang=` first, then `Accept-Language`, else Kazakh.
pub fn request_lang<B>(req: &Request<B>) -> Lang {
    lang_from(req.uri().query(), req.headers())
}

pub fn lang_from(query: Option<&str>, headers: &axum::http::HeaderMap) -> Lang {
    let from_query = query.and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .and_then(Lang::from_tag)
    });
    from_query.unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

/// The request's language as an extractor.
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(lang_from(parts.uri.query(), &parts.headers)))
    }
}
