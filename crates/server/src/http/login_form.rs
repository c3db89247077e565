//! Logging in without script: the login page's forms post here as
//! `application/x-www-form-urlencoded`, through the same two factors as the API
//! (`auth::password_step`, `auth::code_step`). The answer is the login page at the step
//! reached (the code sent, or what was wrong, the login kept), or — logged in — a redirect to
//! where the visitor was going. Only forms from this site are taken (`Sec-Fetch-Site`, else
//! `Origin` against `Host`), as the API takes only requests with its CSRF header.

use super::extract::{ClientAddress, same_origin, taken};
use super::login_steps::{code_step, open_session, password_step};
use super::pages::{login_page, page_lang, render_page, see_other};
use super::problem::{ApiError, ErrorCode, field_error};
use crate::AppState;
use axum::Form;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use qyzmet::first_paint::{LoginAttempt, Preloaded, Sent};
use qyzmet_domain::Lang;
use qyzmet_domain::api::{CodeLogin, CodeSent, LoginRequest, Role};
use qyzmet_domain::identifiers::AccountId;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    verification_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    /// Where the code went and until when, as the code step showed it (shown again when the
    /// code was wrong; only the visitor's own page shows them).
    #[serde(default)]
    phone_masked: String,
    #[serde(default)]
    expires_at: String,
}

/// `GET /login`: the login page (its address also takes the form's POST).
pub async fn show(
    State(state): State<Arc<AppState>>,
    uri: axum::extract::OriginalUri,
    headers: HeaderMap,
) -> Response<Body> {
    let url = uri.path_and_query().map_or("/", |p| p.as_str());
    super::pages::page(&state, url, &headers).await
}

/// `POST /login`: the password; the page with the code step, or the form with its error.
pub async fn password(
    State(state): State<Arc<AppState>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<PasswordForm>, axum::extract::rejection::FormRejection>,
) -> Response<Body> {
    let lang = page_lang("", &headers);
    let form = match taken(&headers, form) {
        Ok(form) => form,
        Err(e) => return answer(&state, &headers, "", LoginAttempt::default(), lang, e).await,
    };
    let mut attempt = LoginAttempt {
        login: form.login.trim().to_string(),
        ..LoginAttempt::default()
    };
    // The checks the page makes with script, so a typo is named beside its field.
    let mut errors = Vec::new();
    if attempt.login.is_empty() {
        errors.push(field_error("login", "form.required"));
    } else if let Err(e) = AccountId::parse(&attempt.login) {
        errors.push(field_error("login", e.code()));
    }
    if form.password.is_empty() {
        errors.push(field_error("password", "form.required"));
    }
    if !errors.is_empty() {
        return answer(
            &state,
            &headers,
            &form.next,
            attempt,
            lang,
            ApiError::validation(errors),
        )
        .await;
    }
    let req = LoginRequest {
        login: attempt.login.clone(),
        password: form.password,
    };
    match password_step(&state, &req, client, lang).await {
        Ok(sent) => {
            attempt.sent = Some(sent);
            let page = login_page(&form.next);
            render_page(&state, &page, &headers, |p: &mut Preloaded| {
                p.login = Some(Sent::new(attempt))
            })
            .await
        }
        Err(e) => answer(&state, &headers, &form.next, attempt, lang, e).await,
    }
}

/// `POST /login/code`: the code; logged in, on to where the visitor was going.
pub async fn code(
    State(state): State<Arc<AppState>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<CodeForm>, axum::extract::rejection::FormRejection>,
) -> Response<Body> {
    let lang = page_lang("", &headers);
    let form = match taken(&headers, form) {
        Ok(form) => form,
        Err(e) => return answer(&state, &headers, "", LoginAttempt::default(), lang, e).await,
    };
    let req = CodeLogin {
        verification_id: form.verification_id.clone(),
        code: form.code.trim().to_string(),
    };
    let account = match code_step(&state, client, &req).await {
        Ok(account) => account,
        Err(mut e) => {
            // A wrong code: the code step again. A spent or expired one: the password step,
            // with why.
            let mut attempt = LoginAttempt::default();
            if e.code == ErrorCode::WrongCode.code() {
                attempt.sent = Some(CodeSent {
                    verification_id: form.verification_id,
                    phone_masked: form.phone_masked,
                    expires_at: form.expires_at,
                    resend_after_seconds: 0,
                    test_gateway: state.sms.is_test(),
                });
            } else {
                e.errors.clear();
            }
            return answer(&state, &headers, &form.next, attempt, lang, e).await;
        }
    };
    let home = if account.role == Role::Officer {
        "/officer"
    } else {
        "/cabinet"
    };
    let to = qyzmet_domain::url::same_site_path(&form.next).unwrap_or_else(|| home.to_string());
    match open_session(&state, &headers, account).await {
        Ok((cookie, _)) => {
            let mut res = see_other(&to);
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res
        }
        Err(e) => {
            answer(
                &state,
                &headers,
                &form.next,
                LoginAttempt::default(),
                lang,
                e,
            )
            .await
        }
    }
}

/// `GET /login/code` (a code step's address opened again, or bookmarked): the login page.
pub async fn to_login() -> Response<Body> {
    see_other("/login")
}

/// The login page again with the problem, answered with the problem's status.
async fn answer(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    next: &str,
    mut attempt: LoginAttempt,
    lang: Lang,
    error: ApiError,
) -> Response<Body> {
    let status = error.status;
    attempt.problem = Some(error.problem(lang));
    let page = login_page(next);
    let mut res = render_page(state, &page, headers, |p: &mut Preloaded| {
        p.login = Some(Sent::new(attempt))
    })
    .await;
    *res.status_mut() = status;
    res
}

/// `POST /logout`: "Log out" in the server's copy of a page (before the app takes over, or
/// without script). Ends the session and goes to the home page. From another site's page it
/// ends nothing (a forced logout is a nuisance an attacker could cause), and goes home too.
pub async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response<Body> {
    let mut res = see_other("/");
    if !same_origin(&headers) {
        return res;
    }
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(crate::sessions::token_from_cookie_header);
    if let Some(token) = token
        && let Err(e) = crate::sessions::revoke(&state.db, token).await
    {
        tracing::error!("ending a session: {e}");
        *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return res;
    }
    let cleared = crate::sessions::cookie(None, super::login_steps::over_tls(&headers));
    if let Ok(cookie) = HeaderValue::from_str(&cleared) {
        res.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    res
}

/// The login page's forms, sent without script.
pub(super) fn pages() -> axum::Router<std::sync::Arc<crate::AppState>> {
    axum::Router::new()
        .route("/login", axum::routing::get(show).post(password))
        .route("/login/code", axum::routing::get(to_login).post(code))
        // "Log out" in the server's copy of a page.
        .route("/logout", axum::routing::post(logout))
}
