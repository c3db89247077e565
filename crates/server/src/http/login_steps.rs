//! The steps of proving who someone is, shared by the API's handlers (`auth.rs`) and the
//! login page's forms without script (`login_form.rs`): the password (throttled), a one-time
//! code to the registry's phone and its check, and opening a session.

use super::problem::{ApiError, ErrorCode};
use crate::{AppState, accounts, sessions, throttle, verification};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use qyzmet_domain::api::{AccountView, CodeLogin, CodeSent, LoginRequest, SessionView};
use std::net::IpAddr;

/// Served over TLS (directly or behind a proxy that says so): cookies get `Secure`.
pub(crate) fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// The session's view, with a fresh count of the account's other live sessions.
pub(crate) async fn session_view(
    state: &AppState,
    account: AccountView,
    token: &str,
    live: sessions::Live,
) -> Result<SessionView, ApiError> {
    let other_sessions = sessions::others(&state.db, account.id, token).await?;
    Ok(SessionView {
        account,
        seconds_left: live.seconds_left,
        absolute_seconds_left: live.absolute_seconds_left,
        idle_timeout_seconds: sessions::IDLE_TIMEOUT,
        other_sessions,
    })
}

/// A new session for `account`: its cookie and what the app shows of it.
pub(crate) async fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    account: AccountView,
) -> Result<(HeaderValue, SessionView), ApiError> {
    let token = sessions::create(&state.db, account.id).await?;
    let cookie = HeaderValue::from_str(&sessions::cookie(Some(&token), over_tls(headers)))
        .map_err(ApiError::internal)?;
    let live = sessions::Live {
        account_id: account.id,
        seconds_left: sessions::IDLE_TIMEOUT,
        absolute_seconds_left: sessions::ABSOLUTE_TIMEOUT,
    };
    let view = session_view(state, account, &token, live).await?;
    Ok((cookie, view))
}

pub(crate) async fn send_code(
    state: &AppState,
    purpose: verification::Purpose,
    subject: &str,
    phone: &str,
    lang: qyzmet_domain::Lang,
    client: IpAddr,
) -> Result<CodeSent, ApiError> {
    let sent = verification::send(
        &state.db,
        state.sms.as_ref(),
        purpose,
        subject,
        phone,
        lang,
        client,
    )
    .await;
    code_sent(state, phone, sent)
}

/// The answer for a code sent (or reused, or a decoy), or why none could go.
pub(crate) fn code_sent(
    state: &AppState,
    phone: &str,
    sent: Result<verification::Sent, verification::SendError>,
) -> Result<CodeSent, ApiError> {
    match sent {
        Ok(sent) => Ok(CodeSent {
            verification_id: sent.id,
            phone_masked: qyzmet_domain::form::mask_phone(phone),
            expires_at: crate::applications::rfc3339(sent.expires_at),
            resend_after_seconds: sent.resend_after.max(0) as u64,
            test_gateway: state.sms.is_test(),
        }),
        Err(verification::SendError::TooMany(wait)) => Err(ApiError {
            retry_after: Some(wait.max(1) as u64),
            ..ApiError::of(ErrorCode::CodeWait)
        }),
        Err(verification::SendError::Unavailable(e)) => {
            tracing::error!(error = %e, "a one-time code could not be sent");
            Err(ApiError::of(ErrorCode::SmsUnavailable))
        }
        Err(verification::SendError::Failed(e)) => Err(ApiError::internal(e)),
    }
}

pub(crate) fn code_problem(code: &'static str, left: Option<i64>) -> ApiError {
    let mut params = std::collections::BTreeMap::new();
    if let Some(left) = left {
        params.insert("attempts".to_string(), left.to_string());
    }
    ApiError {
        errors: vec![qyzmet_domain::form::FieldError {
            field: "code".into(),
            code: code.into(),
            params,
        }],
        ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code)
    }
}

/// Checks a one-time code. A wrong one counts against whom it was meant to prove as tried
/// from this address (five, then a wait), and against the address (like a wrong password);
/// the holder on another address is not affected.
pub(crate) async fn check_code(
    state: &AppState,
    client: IpAddr,
    verification_id: &str,
    purpose: verification::Purpose,
    code: &str,
) -> Result<verification::Proven, ApiError> {
    let address_key = throttle::address_key("address", client);
    let subject_key = verification::subject_of(&state.db, verification_id)
        .await?
        .map(|subject| throttle::code_key(&subject, client));
    for key in subject_key.iter().chain([&address_key]) {
        if let Some(seconds) = throttle::locked_for(&state.db, key).await? {
            return Err(ApiError::throttled(seconds));
        }
    }
    match verification::check(&state.db, verification_id, purpose, code).await {
        Ok(proven) => {
            if let Some(key) = &subject_key {
                throttle::reset(&state.db, key).await?;
            }
            Ok(proven)
        }
        Err(verification::CheckError::Db(e)) => Err(ApiError::internal(e)),
        Err(e) => {
            let by_subject = match &subject_key {
                Some(key) => throttle::fail(&state.db, key, throttle::PER_CODE).await?,
                None => None,
            };
            let by_address = throttle::fail(&state.db, &address_key, throttle::PER_ADDRESS).await?;
            if let Some(seconds) = by_subject.or(by_address) {
                return Err(ApiError::throttled(seconds));
            }
            Err(match e {
                verification::CheckError::Wrong { attempts_left } => {
                    code_problem("verification.wrong_code", Some(attempts_left))
                }
                _ => code_problem("verification.expired", None),
            })
        }
    }
}

/// The first factor: the password (throttled per account and address); when right, a code
/// to the registry's phone.
pub(crate) async fn password_step(
    state: &AppState,
    req: &LoginRequest,
    client: IpAddr,
    lang: qyzmet_domain::Lang,
) -> Result<CodeSent, ApiError> {
    let keys = throttle::LoginKeys::new(&req.login, client);
    if let Some(seconds) = keys.locked_for(&state.db).await? {
        return Err(ApiError::throttled(seconds));
    }
    let Some(account) = accounts::authenticate(&state.db, &req.login, &req.password).await? else {
        return Err(match keys.fail(&state.db).await? {
            Some(seconds) => ApiError::throttled(seconds),
            None => ApiError::of(ErrorCode::InvalidCredentials),
        });
    };
    keys.succeeded(&state.db).await?;
    // The password is right: the second factor is a code to the registry's phone.
    if account.phone.is_empty() {
        return Err(ApiError::of(ErrorCode::NoSecondFactor));
    }
    let subject = account.id.to_string();
    send_code(
        state,
        verification::Purpose::Login,
        &subject,
        &account.phone,
        lang,
        client,
    )
    .await
}

/// The second factor: the code sent at the password step; the account it logs in.
pub(crate) async fn code_step(
    state: &AppState,
    client: IpAddr,
    req: &CodeLogin,
) -> Result<AccountView, ApiError> {
    let proven = check_code(
        state,
        client,
        &req.verification_id,
        verification::Purpose::Login,
        &req.code,
    )
    .await?;
    match proven.subject.parse::<i64>() {
        Ok(id) => accounts::find_by_id(&state.db, id).await?,
        Err(_) => None,
    }
    .ok_or_else(|| code_problem("verification.expired", None))
}
