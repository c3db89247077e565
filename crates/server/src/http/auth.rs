//! Registration, login, the session's state, keep-alive and logout.

use super::RequestLang;
use super::extract::ClientAddress;
use super::extract::{ApiJson, CurrentAccount};
use super::login_steps::{
    check_code, code_problem, code_sent, code_step, open_session, over_tls, password_step,
    send_code, session_view,
};
use super::problem::{ApiError, ErrorCode};
use crate::accounts::{self, ProvenBy, RegisterError};
use crate::{AppState, challenges, sessions, verification};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use qyzmet_domain::api::{
    AccountView, CodeLogin, EdsChallenge, EdsLogin, IdentityProof, LoginRequest, RegisterRequest,
    SessionView, VerificationRequest,
};
use qyzmet_domain::identifiers::AccountId;
use std::net::IpAddr;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    account: AccountView,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let (cookie, view) = open_session(state, headers, account).await?;
    let mut res = (status, Json(view)).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

#[utoipa::path(
    post,
    path = "/accounts",
    tag = "auth",
    request_body = qyzmet_domain::api::RegisterRequest,
    responses((status = 201, description = "Registered and logged in (session cookie set)", body = qyzmet_domain::api::SessionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Internal),
)]
pub async fn register(
    State(state): State<Arc<AppState>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    // The form's own checks first, so a typo never spends the proof.
    let holder = match accounts::check_registration(&state.db, &req).await {
        Ok(h) => h,
        Err(e) => return Err(register_error(e)),
    };
    let proven_by = prove_holder(&state, client, &holder.id, &req.proof).await?;
    match accounts::register_proven(&state.db, &holder, &req, proven_by).await {
        Ok(account) => start_session(&state, &headers, account, StatusCode::CREATED).await,
        Err(e) => Err(register_error(e)),
    }
}

/// Checks the proof that the registrant holds the identity: an SMS code sent to the
/// registry's phone of this IIN, or an EDS over our challenge whose certificate names it.
async fn prove_holder(
    state: &AppState,
    client: IpAddr,
    id: &AccountId,
    proof: &IdentityProof,
) -> Result<ProvenBy, ApiError> {
    match proof {
        IdentityProof::Sms {
            verification_id,
            code,
        } => {
            let purpose = verification::Purpose::Register;
            let proven = check_code(state, client, verification_id, purpose, code).await?;
            // A code proves the registry's phone of the IIN it was sent for, and only that.
            if proven.subject != id.as_string() {
                return Err(code_problem("verification.expired", None));
            }
            Ok(ProvenBy::Sms)
        }
        IdentityProof::Eds { nonce, signature } => {
            let expected = match id {
                AccountId::Iin(iin) => qyzmet_eds::Expected::Iin(iin.as_string()),
                AccountId::Bin(bin) => qyzmet_eds::Expected::Bin(bin.as_string()),
            };
            verify_challenge(state, REGISTER_PREFIX, nonce, signature, &expected).await?;
            Ok(ProvenBy::Eds)
        }
    }
}

fn register_error(e: RegisterError) -> ApiError {
    match e {
        RegisterError::Invalid(errors) => ApiError::validation(errors),
        RegisterError::Exists => ApiError::of(ErrorCode::AccountExists),
        RegisterError::Db(e) => ApiError::internal(e),
    }
}

/// `POST /api/accounts/verification`: sends a registration code to the phone the state's
/// mobile-citizens database holds for the IIN. The answer shows the phone masked and never
/// the holder's name.
#[utoipa::path(
    post,
    path = "/accounts/verification",
    tag = "auth",
    request_body = qyzmet_domain::api::VerificationRequest,
    responses((status = 202, description = "A code was sent to the registry's phone", body = qyzmet_domain::api::CodeSent), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn registration_code(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    ClientAddress(client): ClientAddress,
    ApiJson(req): ApiJson<VerificationRequest>,
) -> Result<Response, ApiError> {
    let invalid = |code: &str| ApiError::validation(vec![accounts::field_error("login", code)]);
    let id = AccountId::parse(&req.login).map_err(|e| invalid(e.code()))?;
    if matches!(id, AccountId::Bin(_)) {
        // As on egov.kz, a legal entity registers with the EDS of its head or employee.
        return Err(invalid("registration.company_needs_eds"));
    }
    // Every look-up counts against the address, found or not: the registry is not a list
    // anyone may walk.
    let registry_key = crate::throttle::address_key("registry", client);
    if let Some(seconds) =
        crate::throttle::fail(&state.db, &registry_key, crate::throttle::REGISTRY_LOOKUPS).await?
    {
        return Err(ApiError::throttled(seconds));
    }
    let holder = accounts::registry_holder(&state.db, &id)
        .await?
        .ok_or_else(|| invalid("registry.not_found"))?;
    let phone = holder.phone.ok_or_else(|| invalid("registry.no_phone"))?;
    let sent = if accounts::find_by_login(&state.db, &id.as_string())
        .await?
        .is_some()
    {
        // An account exists: no code goes to its holder's phone (nobody can spend the
        // holder's SMS share, or learn that the account exists from the answer).
        let decoy = verification::decoy();
        code_sent(&state, &phone, decoy)?
    } else {
        send_code(
            &state,
            verification::Purpose::Register,
            &id.as_string(),
            &phone,
            lang,
            client,
        )
        .await?
    };
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}

/// `POST /api/accounts/eds-challenge`: a one-time value to sign with the EDS authentication
/// key of the IIN/BIN being registered.
#[utoipa::path(
    post,
    path = "/accounts/eds-challenge",
    tag = "auth",
    responses((status = 200, description = "A one-time value to sign with the authentication key", body = qyzmet_domain::api::EdsChallenge), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Internal),
)]
pub async fn registration_challenge(
    State(state): State<Arc<AppState>>,
) -> Result<Json<EdsChallenge>, ApiError> {
    new_challenge(&state, REGISTER_PREFIX).await.map(Json)
}

#[utoipa::path(
    post,
    path = "/session",
    tag = "auth",
    request_body = qyzmet_domain::api::LoginRequest,
    responses((status = 202, description = "The password is right; a one-time code was sent to the account's phone (the second factor, `POST /api/session/code`)", body = qyzmet_domain::api::CodeSent), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn login(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    ClientAddress(client): ClientAddress,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let sent = password_step(&state, &req, client, lang).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}

/// The session of this request as the app reads it.
async fn this_session(
    state: &AppState,
    current: CurrentAccount,
    live: sessions::Live,
) -> Result<Json<SessionView>, ApiError> {
    session_view(state, current.account, &current.token, live)
        .await
        .map(Json)
}

/// Who is logged in and the seconds left; reading it does not extend the session.
#[utoipa::path(
    get,
    path = "/session",
    tag = "auth",
    responses((status = 200, description = "Who is logged in and the seconds left", body = qyzmet_domain::api::SessionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Internal),
)]
pub async fn current(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    live: axum::Extension<sessions::Live>,
) -> Result<Json<SessionView>, ApiError> {
    this_session(&state, current, *live).await
}

/// "Stay logged in": any authenticated request extends the session; this one does only that.
#[utoipa::path(
    post,
    path = "/session/keepalive",
    tag = "auth",
    responses((status = 200, description = "The session is extended", body = qyzmet_domain::api::SessionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn keepalive(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    live: axum::Extension<sessions::Live>,
) -> Result<Json<SessionView>, ApiError> {
    // The extractor already counted this request as activity; the answer is the session's.
    this_session(&state, current, *live).await
}

/// "End my other sessions": every other browser or device of this account is logged out;
/// this one stays.
#[utoipa::path(
    delete,
    path = "/session/others",
    tag = "auth",
    responses((status = 200, description = "The other sessions ended; this session's view", body = qyzmet_domain::api::SessionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn end_other_sessions(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    live: axum::Extension<sessions::Live>,
) -> Result<Json<SessionView>, ApiError> {
    let ended = sessions::revoke_others(&state.db, current.account.id, &current.token).await?;
    tracing::info!(
        account = current.account.id,
        ended,
        "other sessions ended by the holder"
    );
    this_session(&state, current, *live).await
}

#[utoipa::path(
    delete,
    path = "/session",
    tag = "auth",
    responses((status = 204, description = "Logged out"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Internal),
)]
pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    current: CurrentAccount,
) -> Result<Response, ApiError> {
    sessions::revoke(&state.db, &current.token).await?;
    let cookie = HeaderValue::from_str(&sessions::cookie(None, over_tls(&headers)))
        .map_err(ApiError::internal)?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

const LOGIN_PREFIX: &str = "qyzmet-login:";
const REGISTER_PREFIX: &str = "qyzmet-register:";

/// `POST /api/session/code`: the code sent after the password; logs in.
#[utoipa::path(
    post,
    path = "/session/code",
    tag = "auth",
    request_body = qyzmet_domain::api::CodeLogin,
    responses((status = 200, description = "Logged in (session cookie set)", body = qyzmet_domain::api::SessionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn code_login(
    State(state): State<Arc<AppState>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CodeLogin>,
) -> Result<Response, ApiError> {
    let account = code_step(&state, client, &req).await?;
    start_session(&state, &headers, account, StatusCode::OK).await
}

/// A one-time value (two minutes) whose signature proves the holder of an EDS key.
async fn new_challenge(state: &AppState, prefix: &str) -> Result<EdsChallenge, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    let nonce = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let t = crate::db::now();
    challenges::issue(&state.db, &nonce, t).await?;
    Ok(EdsChallenge {
        nonce,
        expires_at: crate::applications::rfc3339(t + challenges::LIFETIME),
    })
}

/// Spends the challenge (one signature, one attempt) and verifies its signature with an
/// authentication key of `expected`.
async fn verify_challenge(
    state: &AppState,
    prefix: &str,
    nonce: &str,
    signature: &str,
    expected: &qyzmet_eds::Expected,
) -> Result<qyzmet_eds::Verified, ApiError> {
    let t = crate::db::now();
    let expired = || ApiError::of(ErrorCode::EdsChallengeExpired);
    // A login challenge never registers, nor a registration one logs in.
    if !nonce.starts_with(prefix) {
        return Err(expired());
    }
    if !challenges::spend(&state.db, nonce, t).await? {
        return Err(expired());
    }
    let signature = STANDARD.decode(signature.trim()).map_err(|_| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            qyzmet_eds::VerifyError::Malformed.code(),
        )
    })?;
    let trust = crate::revocation::trust_for(state, &signature, t).await?;
    qyzmet_eds::verify_detached(
        &signature,
        nonce.as_bytes(),
        &trust,
        qyzmet_eds::Purpose::Authentication,
        expected,
        Some(t),
    )
    .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, e.code()))
}

/// `POST /api/session/eds-challenge`: a one-time value for login with EDS.
#[utoipa::path(
    post,
    path = "/session/eds-challenge",
    tag = "auth",
    responses((status = 200, description = "A one-time value to sign with the authentication key", body = qyzmet_domain::api::EdsChallenge), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Internal),
)]
pub async fn eds_challenge(
    State(state): State<Arc<AppState>>,
) -> Result<Json<EdsChallenge>, ApiError> {
    new_challenge(&state, LOGIN_PREFIX).await.map(Json)
}

/// `POST /api/session/eds`: log in the account whose IIN (or, for a company employee's key,
/// BIN) the authentication certificate carries, after verifying the signed challenge. The EDS
/// is itself the second factor. Only an account whose holder was proven is logged in to.
#[utoipa::path(
    post,
    path = "/session/eds",
    tag = "auth",
    request_body = qyzmet_domain::api::EdsLogin,
    responses((status = 200, description = "Logged in with EDS", body = qyzmet_domain::api::SessionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::TooManyRequests, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn eds_login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EdsLogin>,
) -> Result<Response, ApiError> {
    let verified = verify_challenge(
        &state,
        LOGIN_PREFIX,
        &req.nonce,
        &req.signature,
        &qyzmet_eds::Expected::Anyone,
    )
    .await?;
    let holder = verified.holder();
    let login = holder
        .bin
        .clone()
        .or_else(|| holder.iin.clone())
        .unwrap_or_default();
    match accounts::find_by_login(&state.db, &login).await? {
        Some((account, _)) => start_session(&state, &headers, account, StatusCode::OK).await,
        None => Err(ApiError::of(ErrorCode::EdsNoAccount)),
    }
}

/// `GET /api/test-sms-outbox/{phone}`: TEST. What the TEST SMS gateway "sent" to a phone in
/// the last day, newest first — a real SMS provider delivers to the phone instead.
#[utoipa::path(
    get,
    path = "/test-sms-outbox/{phone}",
    tag = "test",
    params(("phone" = String, Path, pattern = "^\\+7[0-9]{10}$", description = "The phone, +7XXXXXXXXXX")),
    responses((status = 200, description = "TEST: the messages sent to this phone", body = Vec<qyzmet_domain::api::TestSms>), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn test_sms_outbox(
    State(state): State<Arc<AppState>>,
    Path(phone): Path<String>,
) -> Result<Response, ApiError> {
    if !state.sms.is_test() {
        return Err(ApiError::of(ErrorCode::NotFound));
    }
    let messages = crate::test_doubles::sms_outbox::shown(&state.db, &phone)
        .await?
        .ok_or_else(|| ApiError::validation(vec![accounts::field_error("phone", "form.phone")]))?;
    Ok(Json(messages).into_response())
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(registration_code))
        .routes(routes!(registration_challenge))
        .routes(routes!(code_login))
        .routes(routes!(login, current, logout))
        .routes(routes!(keepalive))
        .routes(routes!(end_other_sessions))
        .routes(routes!(eds_challenge))
        .routes(routes!(eds_login))
}
