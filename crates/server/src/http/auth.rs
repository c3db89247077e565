//! Registration, login, the session's state, keep-alive and logout.

use super::RequestLang;
use super::extract::{ApiJson, CurrentAccount};
use super::problem::ApiError;
use crate::accounts::{self, RegisterError};
use crate::{AppState, sessions, throttle};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use qyzmet_domain::api::{
    AccountView, EdsChallenge, EdsLogin, LoginRequest, RegisterRequest, SessionView,
};
use qyzmet_domain::identifiers::AccountId;
use std::net::SocketAddr;
use std::sync::Arc;

/// Served over TLS (directly or behind a proxy that says so): cookies get `Secure`.
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

fn session_view(
    account: AccountView,
    seconds_left: i64,
    absolute_seconds_left: i64,
) -> SessionView {
    SessionView {
        account,
        seconds_left,
        absolute_seconds_left,
        idle_timeout_seconds: sessions::IDLE_TIMEOUT,
    }
}

async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    account: AccountView,
    status: StatusCode,
    lang: qyzmet_domain::Lang,
) -> Result<Response, ApiError> {
    let token = sessions::create(&state.db, account.id)
        .await
        .map_err(|e| ApiError::internal(lang, e))?;
    let cookie = HeaderValue::from_str(&sessions::cookie(Some(&token), over_tls(headers)))
        .map_err(|e| ApiError::internal(lang, e))?;
    let mut res = (
        status,
        Json(session_view(
            account,
            sessions::IDLE_TIMEOUT,
            sessions::ABSOLUTE_TIMEOUT,
        )),
    )
        .into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

#[utoipa::path(
    post,
    path = "/api/accounts",
    tag = "auth",
    request_body = qyzmet_domain::api::RegisterRequest,
    responses((status = 201, description = "Registered and logged in (session cookie set)", body = qyzmet_domain::api::SessionView), crate::http::openapi::Errors),
)]
pub async fn register(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    match accounts::register(&state.db, &req).await {
        Ok(account) => start_session(&state, &headers, account, StatusCode::CREATED, lang).await,
        Err(RegisterError::Invalid(errors)) => Err(ApiError::validation(lang, errors)),
        Err(RegisterError::Exists) => {
            Err(ApiError::new(StatusCode::CONFLICT, "account.exists", lang))
        }
        Err(RegisterError::Db(e)) => Err(ApiError::internal(lang, e)),
    }
}

#[utoipa::path(
    post,
    path = "/api/session",
    tag = "auth",
    request_body = qyzmet_domain::api::LoginRequest,
    responses((status = 200, description = "Logged in (session cookie set)", body = qyzmet_domain::api::SessionView), crate::http::openapi::Errors),
)]
pub async fn login(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let internal = |e: sqlx::Error| ApiError::internal(lang, e);
    // Throttle by the normalised identifier, so spaces or hyphens do not make a new key.
    let login_key = format!(
        "account:{}",
        AccountId::parse(&req.login)
            .map(|id| id.as_string())
            .unwrap_or_else(|_| req.login.trim().to_string())
    );
    let address_key = format!("address:{}", peer.ip());
    for key in [&login_key, &address_key] {
        if let Some(seconds) = throttle::locked_for(&state.db, key)
            .await
            .map_err(internal)?
        {
            return Err(ApiError::throttled(lang, seconds));
        }
    }
    match accounts::authenticate(&state.db, &req.login, &req.password)
        .await
        .map_err(internal)?
    {
        Some(account) => {
            throttle::reset(&state.db, &login_key)
                .await
                .map_err(internal)?;
            start_session(&state, &headers, account, StatusCode::OK, lang).await
        }
        None => {
            let by_account = throttle::fail(&state.db, &login_key, throttle::PER_ACCOUNT)
                .await
                .map_err(internal)?;
            let by_address = throttle::fail(&state.db, &address_key, throttle::PER_ADDRESS)
                .await
                .map_err(internal)?;
            match by_account.or(by_address) {
                Some(seconds) => Err(ApiError::throttled(lang, seconds)),
                None => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "auth.invalid_credentials",
                    lang,
                )),
            }
        }
    }
}

/// Who is logged in and the seconds left; reading it does not extend the session.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "auth",
    responses((status = 200, description = "Who is logged in and the seconds left", body = qyzmet_domain::api::SessionView), crate::http::openapi::Errors),
)]
pub async fn current(
    current: CurrentAccount,
    live: axum::Extension<sessions::Live>,
) -> Json<SessionView> {
    Json(session_view(
        current.account,
        live.seconds_left,
        live.absolute_seconds_left,
    ))
}

/// "Stay logged in": any authenticated request extends the session; this one does only that.
#[utoipa::path(
    post,
    path = "/api/session/keepalive",
    tag = "auth",
    responses((status = 200, description = "The session is extended", body = qyzmet_domain::api::SessionView), crate::http::openapi::Errors),
)]
pub async fn keepalive(
    current: CurrentAccount,
    live: axum::Extension<sessions::Live>,
) -> Json<SessionView> {
    Json(session_view(
        current.account,
        live.seconds_left,
        live.absolute_seconds_left,
    ))
}

#[utoipa::path(
    delete,
    path = "/api/session",
    tag = "auth",
    responses((status = 204, description = "Logged out"), crate::http::openapi::Errors),
)]
pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    current: CurrentAccount,
) -> Result<Response, ApiError> {
    sessions::revoke(&state.db, &current.token)
        .await
        .map_err(|e| ApiError::internal(current.lang, e))?;
    let cookie = HeaderValue::from_str(&sessions::cookie(None, over_tls(&headers)))
        .map_err(|e| ApiError::internal(current.lang, e))?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// How long a login challenge may wait for its signature.
const CHALLENGE_LIFETIME: i64 = 120;

/// `POST /api/session/eds-challenge`: a one-time value for login with EDS.
#[utoipa::path(
    post,
    path = "/api/session/eds-challenge",
    tag = "auth",
    responses((status = 200, description = "A one-time value to sign with the authentication key", body = qyzmet_domain::api::EdsChallenge), crate::http::openapi::Errors),
)]
pub async fn eds_challenge(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Result<Json<EdsChallenge>, ApiError> {
    let internal = |e: sqlx::Error| ApiError::internal(lang, e);
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(lang, e))?;
    let nonce = format!("qyzmet-login:{}", URL_SAFE_NO_PAD.encode(bytes));
    let t = crate::db::now();
    sqlx::query("DELETE FROM login_challenges WHERE expires_at < $1")
        .bind(t)
        .execute(&state.db.pool)
        .await
        .map_err(internal)?;
    sqlx::query("INSERT INTO login_challenges (nonce, expires_at, used) VALUES ($1, $2, 0)")
        .bind(nonce.clone())
        .bind(t + CHALLENGE_LIFETIME)
        .execute(&state.db.pool)
        .await
        .map_err(internal)?;
    Ok(Json(EdsChallenge {
        nonce,
        expires_at: crate::applications::rfc3339(t + CHALLENGE_LIFETIME),
    }))
}

/// `POST /api/session/eds`: log in the account whose IIN (or, for a company employee's key,
/// BIN) the authentication certificate carries, after verifying the signed challenge.
#[utoipa::path(
    post,
    path = "/api/session/eds",
    tag = "auth",
    request_body = qyzmet_domain::api::EdsLogin,
    responses((status = 200, description = "Logged in with EDS", body = qyzmet_domain::api::SessionView), crate::http::openapi::Errors),
)]
pub async fn eds_login(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EdsLogin>,
) -> Result<Response, ApiError> {
    let internal = |e: sqlx::Error| ApiError::internal(lang, e);
    let t = crate::db::now();
    // Spend the challenge first: one signature, one attempt.
    let spent = sqlx::query(
        "UPDATE login_challenges SET used = 1 WHERE nonce = $1 AND used = 0 AND expires_at >= $2",
    )
    .bind(req.nonce.clone())
    .bind(t)
    .execute(&state.db.pool)
    .await
    .map_err(internal)?;
    if spent.rows_affected() != 1 {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.eds_challenge_expired",
            lang,
        ));
    }
    let signature = STANDARD
        .decode(req.signature.trim())
        .map_err(|_| ApiError::new(StatusCode::UNAUTHORIZED, "eds.malformed", lang))?;
    let trust = state
        .pki
        .trust(t)
        .map_err(|e| ApiError::internal(lang, e))?;
    let verified = qyzmet_eds::verify_detached(
        &signature,
        req.nonce.as_bytes(),
        &trust,
        qyzmet_eds::Purpose::Authentication,
        &qyzmet_eds::Expected::Anyone,
        Some(t),
    )
    .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, e.code(), lang))?;
    let login = verified
        .holder
        .bin
        .or(verified.holder.iin)
        .unwrap_or_default();
    match accounts::find_by_login(&state.db, &login)
        .await
        .map_err(internal)?
    {
        Some((account, _)) => start_session(&state, &headers, account, StatusCode::OK, lang).await,
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.eds_no_account",
            lang,
        )),
    }
}
