//! The HTTP surface: `/api/…` handlers and the static app.

mod access;
pub mod applications;
mod auth;
mod csp;
mod events;
pub mod extract;
mod mobile_sign;
mod officers;
pub mod openapi;
mod payments;
mod pki;
pub mod problem;
mod services;
mod static_files;
mod submission;

use crate::AppState;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use qyzmet_domain::Lang;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router(state: Arc<AppState>) -> Router {
    let csp =
        HeaderValue::from_str(&csp::policy(&state.config.dist_dir)).expect("the policy is ASCII");
    let api = Router::new()
        .route("/health", axum::routing::get(services::health))
        .route("/openapi.json", axum::routing::get(openapi::spec))
        .route("/docs", axum::routing::get(openapi::page))
        .route("/services", axum::routing::get(services::list))
        .route("/services/{id}", axum::routing::get(services::detail))
        .route("/accounts", axum::routing::post(auth::register))
        .route(
            "/accounts/verification",
            axum::routing::post(auth::registration_code),
        )
        .route(
            "/accounts/eds-challenge",
            axum::routing::post(auth::registration_challenge),
        )
        .route("/session/code", axum::routing::post(auth::code_login))
        .route(
            "/test-sms-outbox/{phone}",
            axum::routing::get(auth::test_sms_outbox),
        )
        .route(
            "/session",
            axum::routing::post(auth::login)
                .get(auth::current)
                .delete(auth::logout),
        )
        .route("/session/keepalive", axum::routing::post(auth::keepalive))
        .route(
            "/session/others",
            axum::routing::delete(auth::end_other_sessions),
        )
        .route(
            "/session/eds-challenge",
            axum::routing::post(auth::eds_challenge),
        )
        .route("/session/eds", axum::routing::post(auth::eds_login))
        .route("/pki/root-ca.cer", axum::routing::get(pki::root_ca))
        .route("/pki/issuing-ca.cer", axum::routing::get(pki::issuing_ca))
        .route("/pki/chain.pem", axum::routing::get(pki::chain))
        .route("/pki/issuing-ca.crl", axum::routing::get(pki::crl))
        .route("/pki/ocsp", axum::routing::post(pki::ocsp))
        .route("/pki/tsp", axum::routing::post(pki::tsp))
        .route(
            "/pki/gost/root-ca.cer",
            axum::routing::get(pki::gost_root_ca),
        )
        .route(
            "/pki/gost/issuing-ca.cer",
            axum::routing::get(pki::gost_issuing_ca),
        )
        .route(
            "/pki/gost/issuing-ca.crl",
            axum::routing::get(pki::gost_crl),
        )
        .route(
            "/applications",
            axum::routing::post(applications::create).get(applications::list),
        )
        .route(
            "/applications/{id}",
            axum::routing::get(applications::get)
                .patch(applications::save)
                .delete(applications::delete),
        )
        .route(
            "/applications/{id}/step",
            axum::routing::put(applications::last_step),
        )
        .route(
            "/applications/{id}/check",
            axum::routing::post(applications::check),
        )
        .route(
            "/applications/{id}/outgoing-document",
            axum::routing::get(submission::outgoing_document),
        )
        .route(
            "/applications/{id}/submit",
            axum::routing::post(submission::submit),
        )
        .route(
            "/applications/{id}/receipt",
            axum::routing::get(submission::receipt),
        )
        .route(
            "/applications/{id}/history",
            axum::routing::get(applications::history),
        )
        .route(
            "/applications/{id}/decision",
            axum::routing::get(applications::decision),
        )
        .route(
            "/applications/{id}/withdraw",
            axum::routing::post(applications::withdraw),
        )
        .route("/officer/requests", axum::routing::get(officers::queue))
        .route("/notifications", axum::routing::get(events::notifications))
        .route(
            "/notifications/read",
            axum::routing::post(events::mark_read),
        )
        .route("/events", axum::routing::get(events::stream))
        .route(
            "/officer/requests/{id}",
            axum::routing::get(officers::detail),
        )
        .route(
            "/officer/requests/{id}/moves",
            axum::routing::post(officers::make_move),
        )
        .route(
            "/officer/requests/{id}/decision-document",
            axum::routing::post(officers::decision_document),
        )
        .route(
            "/officer/requests/{id}/decision",
            axum::routing::post(officers::decide),
        )
        .route(
            "/applications/{id}/result",
            axum::routing::get(submission::result),
        )
        .route(
            "/applications/{id}/signature",
            axum::routing::get(submission::signature),
        )
        .route(
            "/applications/{id}/signature/check",
            axum::routing::get(submission::signature_check),
        )
        .route(
            "/applications/{id}/mobile-sign",
            axum::routing::post(mobile_sign::mobile_sign_link),
        )
        .route(
            "/applications/{id}/mobile-sign/{link}",
            axum::routing::get(mobile_sign::mobile_sign_status),
        )
        .route(
            "/applications/{id}/mobile-sign/{link}/qr.svg",
            axum::routing::get(mobile_sign::mobile_sign_qr),
        )
        .route("/mgovSign/{link}", axum::routing::get(mobile_sign::api1))
        .route(
            "/mgovSign/{link}/documents",
            axum::routing::get(mobile_sign::documents_to_sign).put(mobile_sign::signed_documents),
        )
        .route(
            "/applications/{id}/payment",
            axum::routing::post(payments::start).get(payments::of_application),
        )
        .route(
            "/test-payment-gateway/payments/{id}",
            axum::routing::get(payments::gateway_show),
        )
        .route(
            "/test-payment-gateway/payments/{id}/confirm",
            axum::routing::post(payments::gateway_confirm),
        )
        .route(
            "/applications/{id}/attachments/{document_id}",
            axum::routing::post(applications::upload)
                .get(applications::download)
                .delete(applications::remove_attachment)
                // Uploads stream to disk and count bytes per file; this outer bound only
                // stops a body far beyond any allowed file.
                .layer(axum::extract::DefaultBodyLimit::max(60 * 1024 * 1024)),
        )
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
        .fallback_service(static_files::service(&state.config.dist_dir))
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
        .layer(SetResponseHeaderLayer::overriding(
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
