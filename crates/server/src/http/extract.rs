//! Extractors and middleware every handler shares: JSON bodies whose failures are problems,
//! the logged-in account, and the CSRF rule.

use super::RequestLang;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::{accounts, sessions};
use axum::Form;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qyzmet_domain::api::{AccountView, CSRF_HEADER};
use std::sync::Arc;

/// A JSON body; malformed JSON, a wrong content type or a wrong shape each get their problem.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::of(ErrorCode::UnsupportedMediaType))
            }
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::of(ErrorCode::TooLarge)),
            Err(_) => Err(ApiError::of(ErrorCode::RequestMalformed)),
        }
    }
}

/// The session token sent with the request, if any.
pub fn session_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(sessions::token_from_cookie_header)
        .map(str::to_string)
}

/// The logged-in account (the request counts as activity). Rejects with 401 `auth.required`.
pub struct CurrentAccount {
    pub account: AccountView,
    pub token: String,
    pub lang: qyzmet_domain::Lang,
}

impl FromRequestParts<Arc<AppState>> for CurrentAccount {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let RequestLang(lang) = RequestLang::from_request_parts(parts, state)
            .await
            .unwrap_or(RequestLang(Default::default()));
        let unauthorized = || ApiError::of(ErrorCode::AuthRequired);
        let token = session_token(parts).ok_or_else(unauthorized)?;
        // A `GET /api/session` poll reads the time left without extending it. (Inside the
        // `/api` router the path has no `/api` prefix; the rule takes either.)
        let touch = qyzmet_domain::api::renews_session(parts.uri.path());
        let live = sessions::lookup(&state.db, &token, touch)
            .await?
            .ok_or_else(unauthorized)?;
        if touch && let Some(renewed) = parts.extensions.get::<SessionRenewed>() {
            renewed.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let account = accounts::find_by_id(&state.db, live.account_id)
            .await?
            .ok_or_else(unauthorized)?;
        parts.extensions.insert(live);
        Ok(CurrentAccount {
            account,
            token,
            lang,
        })
    }
}

/// A document and its detached signature as the API sends them (base64): their bytes, or
/// `eds.malformed` (422).
pub fn signed_pair(document: &str, signature: &str) -> Result<(Vec<u8>, Vec<u8>), ApiError> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let malformed = |_| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            qyzmet_eds::VerifyError::Malformed.code(),
        )
    };
    Ok((
        b64.decode(document.trim()).map_err(malformed)?,
        b64.decode(signature.trim()).map_err(malformed)?,
    ))
}

/// Set by the session extractor when the request renewed the session.
#[derive(Clone, Default)]
pub struct SessionRenewed(Arc<std::sync::atomic::AtomicBool>);

/// Runs the request, saying on the answer whether it renewed the session
/// (`qyzmet_domain::api::SESSION_RENEWED_HEADER`), so the app's countdown follows the
/// server's own decision.
pub async fn saying_when_session_renewed(mut req: Request, next: Next) -> Response {
    let renewed = SessionRenewed::default();
    req.extensions_mut().insert(renewed.clone());
    let mut res = next.run(req).await;
    if renewed.0.load(std::sync::atomic::Ordering::Relaxed) {
        res.headers_mut().insert(
            qyzmet_domain::api::SESSION_RENEWED_HEADER,
            axum::http::HeaderValue::from_static("1"),
        );
    }
    res
}

/// The refusal of a state-changing API request without the CSRF header (see `CSRF_HEADER`).
/// OCSP and time-stamp requests are POSTs from tools (OpenSSL, NCALayer) that send no such
/// header; they carry no cookie and change nothing. eGov mobile's PUT carries no cookie
/// either: it is authorised by its link's bearer token.
pub fn csrf_refusal(req: &Request) -> Option<Response> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || matches!(
            req.uri().path(),
            "/pki/ocsp" | "/pki/tsp" | "/payments/epay/callback"
        )
        || req.uri().path().starts_with("/mgovSign/");
    (!safe && !req.headers().contains_key(CSRF_HEADER))
        .then(|| ApiError::of(ErrorCode::CsrfMissing).into_response())
}

/// The origin this portal is reached at (the phone that signs, the QR code on a paper), as
/// the browser asked it (behind a proxy,
/// its `Host` and `X-Forwarded-Proto`).
pub fn origin(headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .ok_or_else(|| ApiError::of(ErrorCode::RequestMalformed))?;
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
    Ok(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// The client's address, as the throttles count it: the connection's peer, or — when the peer
/// is a reverse proxy the operator named (`--trusted-proxy`, e.g. nginx in front of several
/// instances) — the address that proxy saw, from `X-Forwarded-For`. Without it every visitor
/// behind the proxy would share one counter, and 30 wrong passwords anywhere would lock
/// everyone out; a client that is not a trusted proxy cannot choose its address this way.
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<Arc<AppState>> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(|| ApiError::internal("the connection's address is not known"))?;
        Ok(ClientAddress(client_address(
            peer,
            &state.config.trusted_proxies,
            &parts.headers,
        )))
    }
}

/// The rightmost address in `X-Forwarded-For` that is not a trusted proxy, when the request
/// came from one (each proxy appends the address it saw); else the peer itself.
pub fn client_address(
    peer: std::net::IpAddr,
    trusted: &[std::net::IpAddr],
    headers: &HeaderMap,
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in forwarded.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // What a trusted proxy appended does not parse: count the proxy itself.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod client_address_tests {
    use super::*;

    fn with_forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_client_is_who_a_trusted_proxy_saw_and_nobody_else_can_say_so() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let nginx = ip("10.0.0.2");
        let trusted = [nginx, ip("10.0.0.3")];
        // Straight from a client: its own address, whatever it claims.
        let spoofed = with_forwarded(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.4"), &trusted, &spoofed),
            ip("198.51.100.4")
        );
        assert_eq!(
            client_address(ip("198.51.100.4"), &[], &spoofed),
            ip("198.51.100.4")
        );
        // Through nginx: the address nginx appended (the rightmost), not what the client sent.
        let through = with_forwarded(&["203.0.113.9, 198.51.100.4"]);
        assert_eq!(
            client_address(nginx, &trusted, &through),
            ip("198.51.100.4")
        );
        // Through two trusted proxies, in two header lines.
        let two = with_forwarded(&["198.51.100.4", "10.0.0.3"]);
        assert_eq!(client_address(nginx, &trusted, &two), ip("198.51.100.4"));
        // Nothing forwarded, or garbage: the proxy itself.
        assert_eq!(client_address(nginx, &trusted, &HeaderMap::new()), nginx);
        assert_eq!(
            client_address(nginx, &trusted, &with_forwarded(&["unknown"])),
            nginx
        );
        assert_eq!(
            client_address(nginx, &trusted, &with_forwarded(&["2001:db8::7"])),
            ip("2001:db8::7")
        );
    }
}

/// A form the server's pages send without script (login, logout, "start application"):
/// taken only if it came from one of this site's pages and reads as one — what the CSRF header
/// is to the API.
pub fn taken<T>(
    headers: &HeaderMap,
    form: Result<Form<T>, axum::extract::rejection::FormRejection>,
) -> Result<T, ApiError> {
    if !same_origin(headers) {
        return Err(ApiError::of(ErrorCode::CsrfMissing));
    }
    form.map(|Form(form)| form)
        .map_err(|_| ApiError::of(ErrorCode::RequestMalformed))
}

/// The form was sent from one of this site's pages.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let value = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin";
    }
    match (value(header::ORIGIN), value(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host),
        _ => false,
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_this_sites_forms_are_taken() {
        let mut h = HeaderMap::new();
        assert!(!same_origin(&h), "no sign of where it came from");
        h.insert(header::HOST, HeaderValue::from_static("portal.kz"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://portal.kz"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h));
    }
}
