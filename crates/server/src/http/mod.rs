//! The HTTP surface: `/api/…` handlers and the static app.

mod admin;
pub mod applications;
mod auth;
mod counter;
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
mod start_form;
pub use pages::Template;
pub use services::CatalogueFirst;
mod static_files;
mod submission;
mod verify;

use crate::AppState;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::response::Response;
use qyzmet_domain::Lang;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: Arc<AppState>) -> Router {
    let headers = state.every_answers_headers.clone();
    // Each area lists its own routes (`routes()`), each registered with its
    // `#[utoipa::path]` (utoipa-axum), so the router and the OpenAPI document cannot differ.
    // Paths are relative to `/api`.
    let api = OpenApiRouter::new()
        .merge(services::routes())
        .merge(openapi::routes())
        .merge(auth::routes())
        .merge(pki::routes())
        .merge(applications::routes())
        .merge(submission::routes())
        .merge(officers::routes())
        .merge(admin::routes())
        .merge(counter::routes())
        .merge(events::routes())
        .merge(verify::routes())
        .merge(mobile_sign::routes())
        .merge(payments::routes());
    let (api, mut document) = with_doors_of_this_mode(api, &state)
        // Compressed as the client asks.
        .layer(CompressionLayer::new())
        .split_for_parts();
    // The catalogue is the portal's busiest read, public and the same for everyone: its
    // answer is made ahead, whole (encodings and every header), and it is routed outside
    // every layer (each one a future per request: together a third of its time, #28). It is
    // described in the same document as the rest of the API.
    let (catalogue, catalogue_document) = services::catalogue_route().split_for_parts();
    document.merge(catalogue_document);
    let document = Arc::new(openapi::document(document));
    let api: Router<Arc<AppState>> = api
        .layer(axum::Extension(document))
        .fallback(problem::api_not_found)
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn(api_envelope));
    // Pages the server draws or takes as forms (without script, or before the app), and
    // the app's files.
    let pages = Router::new()
        .merge(login_form::pages())
        .merge(payments::pages())
        .merge(start_form::pages())
        .merge(verify::pages())
        .fallback_service(static_files::service(state.clone()))
        .layer(CompressionLayer::new());
    Router::new()
        .nest("/api", api)
        .merge(pages)
        .layer(axum::middleware::map_response_with_state(
            headers,
            every_answers_headers,
        ))
        .nest("/api", catalogue)
        .with_state(state)
}

/// What every `/api` answer goes through, in one layer (each `from_fn` layer is a boxed
/// future of its own: three of them cost an eighth of a catalogue read, #28): the CSRF
/// header required, the session's renewal said, errors in the problem shape in the
/// request's language, and `Cache-Control: no-store` unless the handler said otherwise —
/// none of the API's answers is to be shared through a cache (sessions, applications,
/// notifications, decisions) unless it says so.
async fn api_envelope(req: Request<axum::body::Body>, next: axum::middleware::Next) -> Response {
    let lang = request_lang(&req);
    let res = match extract::csrf_refusal(&req) {
        Some(refusal) => refusal,
        None => extract::saying_when_session_renewed(req, next).await,
    };
    let mut res = problem::in_problem_shape(lang, res);
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

/// The headers every answer carries, set in one layer (five tower-http layers, a future
/// each, cost a fifth of a catalogue read, #28).
async fn every_answers_headers(
    axum::extract::State(headers): axum::extract::State<EveryAnswersHeaders>,
    mut res: Response,
) -> Response {
    headers.set(res.headers_mut());
    res
}

/// The policy of an answer that is no page: nothing may load, nothing may frame it.
pub const NOTHING_ALLOWED: &str = "default-src 'none'; frame-ancestors 'none'";

/// The headers every answer of the server carries: its content security policy (made from
/// the built app's files), and what the browser may sniff, refer and use.
#[derive(Clone)]
pub struct EveryAnswersHeaders {
    csp: HeaderValue,
}

impl EveryAnswersHeaders {
    pub fn new(dist_dir: &std::path::Path) -> EveryAnswersHeaders {
        EveryAnswersHeaders {
            csp: HeaderValue::from_str(&csp::policy(dist_dir)).expect("the policy is ASCII"),
        }
    }

    /// Sets them on `h`. A page that loads an acquirer's script sets its own policy, wider
    /// only by that origin, so the portal's is set only where the answer has none.
    ///
    /// A wasm module is neither a document nor a worker, the only answers a browser applies a
    /// policy or permissions to: it gets the policy that allows nothing (were it ever opened
    /// as a page) and not the document's permissions. That is ~700 bytes less on each of the
    /// 10–17 files a page of the app loads (#28).
    pub fn set(&self, h: &mut axum::http::HeaderMap) {
        let module = h
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes() == b"application/wasm");
        h.entry(HeaderName::from_static("content-security-policy"))
            .or_insert_with(|| {
                if module {
                    HeaderValue::from_static(NOTHING_ALLOWED)
                } else {
                    self.csp.clone()
                }
            });
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        if module {
            return;
        }
        h.insert(
            HeaderName::from_static("permissions-policy"),
            // The camera for photographing documents; nothing else of the device.
            HeaderValue::from_static(
                "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), \
                 bluetooth=(), hid=(), midi=(), magnetometer=(), gyroscope=(), \
                 accelerometer=(), display-capture=()",
            ),
        );
    }
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

/// A private file download: its type, a file name (ASCII: registration numbers), no caching.
pub(crate) fn download(
    content_type: &'static str,
    file_name: &str,
    body: Vec<u8>,
) -> Result<axum::response::Response, problem::ApiError> {
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static(content_type),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                axum::http::HeaderValue::from_str(&disposition)
                    .map_err(problem::ApiError::internal)?,
            ),
            (
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response())
}
