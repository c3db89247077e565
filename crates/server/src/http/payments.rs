//! The fee step: start a payment for an application; ePay's callback and payment page; and,
//! in the demo only, the built-in TEST gateway (its paths say so; it moves no money).

use super::extract::CurrentAccount;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::access;
use crate::payments;
use axum::Json;
use axum::extract::{Path, State};
use qyzmet_domain::api::PaymentView;
use qyzmet_domain::status::Status;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `POST /api/applications/{id}/payment`: start (or return) the application's payment.
#[utoipa::path(
    post,
    path = "/applications/{id}/payment",
    tag = "payments",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The payment (started or existing)", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal, crate::http::openapi::errors::Unavailable),
)]
pub async fn start(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    let stored = access::owned(&state.db, &current.account, &id).await?;
    if stored.view.status != Status::Draft {
        return Err(ApiError::of(ErrorCode::NotDraft));
    }
    let amount = crate::payments::fee_before_signing(
        &state.catalogue,
        &stored.view.service_id,
        &stored.view.variant_id,
    )
    .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotRequired))?;
    if matches!(state.payments, payments::Gateway::Off) {
        return Err(ApiError::of(ErrorCode::PaymentUnavailable));
    }
    let payment = payments::start(
        &state.db,
        &state.payments,
        current.account.id,
        stored.id,
        &stored.view.id,
        amount,
    )
    .await?;
    Ok(Json(payment))
}

/// `GET /api/applications/{id}/payment`: where the application's payment stands.
#[utoipa::path(
    get,
    path = "/applications/{id}/payment",
    tag = "payments",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "Where the payment stands", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn of_application(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    let stored = access::owned(&state.db, &current.account, &id).await?;
    payments::of_application(&state.db, &state.payments, stored.id, &stored.view.id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))
}

/// `GET /api/test-payment-gateway/payments/{id}`: the test gateway shows the payment.
#[utoipa::path(
    get,
    path = "/test-payment-gateway/payments/{id}",
    tag = "payments",
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200, description = "TEST gateway: the payment", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn gateway_show(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    payments::find(&state.db, &state.payments, current.account.id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))
}

/// `POST /api/test-payment-gateway/payments/{id}/confirm`: the test gateway takes the money.
#[utoipa::path(
    post,
    path = "/test-payment-gateway/payments/{id}/confirm",
    tag = "payments",
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200, description = "TEST gateway: paid", body = qyzmet_domain::api::PaymentView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn gateway_confirm(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, ApiError> {
    crate::test_doubles::payment_gateway::confirm(&state.db, current.account.id, &id).await?;
    payments::find(&state.db, &state.payments, current.account.id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))
}

/// `POST /api/payments/epay/callback`: ePay's server-to-server report of a payment (its
/// `postLink`). Mounted only when ePay takes the fees.
#[utoipa::path(
    post,
    path = "/payments/epay/callback",
    tag = "payments",
    request_body(content = serde_json::Value, description = "ePay's payment result (invoiceId, amount, currency, code, reference, secret_hash, …)"),
    responses((status = 200, description = "Taken (paid now, already paid, or a failed payment noted)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn epay_callback(
    State(state): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Result<axum::http::StatusCode, ApiError> {
    let payments::Gateway::Epay(epay) = &state.payments else {
        return Err(ApiError::of(ErrorCode::NotFound));
    };
    use payments::epay::Outcome;
    match payments::epay::callback(epay, &state.db, &body).await? {
        Outcome::Paid | Outcome::Repeated | Outcome::Failed => Ok(axum::http::StatusCode::OK),
        Outcome::Malformed => Err(ApiError::of(ErrorCode::RequestMalformed)),
        Outcome::UnknownInvoice => Err(ApiError::of(ErrorCode::PaymentNotFound)),
        Outcome::Forged => Err(ApiError::of(ErrorCode::Forbidden)),
        Outcome::WrongAmount => Err(ApiError::of(ErrorCode::Validation)),
    }
}

/// `GET /payments/{id}/epay`: the payer's way to ePay's payment page. The server asks ePay for
/// a token bound to this payment's invoice and amount, then draws a page that hands it to
/// ePay's own script (`halyk.pay`), which takes the payer to the bank's card form. Only the
/// payer of a pending payment gets one; anything else is "not found".
pub async fn epay_page(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    super::RequestLang(lang): super::RequestLang,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let payments::Gateway::Epay(epay) = &state.payments else {
        return Err(ApiError::of(ErrorCode::NotFound));
    };
    let payable = payments::payable(&state.db, current.account.id, &id)
        .await?
        .ok_or_else(|| ApiError::of(ErrorCode::PaymentNotFound))?;
    let token = epay
        .token(&payable.invoice_id, payable.amount_tenge)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "no ePay token");
            ApiError::of(ErrorCode::PaymentUnavailable)
        })?;
    let page = EpayPage {
        epay,
        payable: &payable,
        token: &token,
        account_id: current.account.id,
    };
    let styles = state
        .page_template
        .as_ref()
        .map(|t| t.stylesheets())
        .unwrap_or_default();
    let html = page.html(lang, &styles)?;
    let mut response = axum::response::Html(html).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = axum::http::HeaderValue::from_str(&epay_policy(&epay.page_script_url)) {
        headers.insert("content-security-policy", value);
    }
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// What the ePay hand-over page carries for ePay's script.
struct EpayPage<'a> {
    epay: &'a payments::epay::Epay,
    payable: &'a payments::Payable,
    token: &'a payments::epay::Token,
    account_id: i64,
}

impl EpayPage<'_> {
    /// The page in `lang`, in the portal's stylesheets (`styles`).
    fn html(&self, lang: qyzmet_domain::Lang, styles: &str) -> Result<String, ApiError> {
        let (epay, payable) = (self.epay, self.payable);
        // The payer's return: the application's payment step, which shows what the callback
        // decided (the return itself proves nothing).
        let apply = qyzmet_domain::route::Page::Apply {
            id: payable.application_public_id.clone(),
        };
        let back = format!("{}{}?step=payment", epay.public_url, apply.href());
        let t = |key: &str| crate::locales::message(lang, key);
        let attr = super::pages::escape;
        let language = match lang {
            qyzmet_domain::Lang::Kk => "kaz",
            qyzmet_domain::Lang::Ru => "rus",
            qyzmet_domain::Lang::En => "eng",
        };
        let auth = serde_json::to_string(self.token).map_err(ApiError::internal)?;
        Ok(format!(
            "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title>{styles}</head><body><main id=\"main\" class=\"container\">\
             <h1>{title}</h1><p role=\"status\">{opening}</p>\
             <noscript><p>{needs_script}</p></noscript>\
             <p><a href=\"{back}\">{back_text}</a></p>\
             <div id=\"epay\" hidden data-auth=\"{auth}\" data-invoice-id=\"{invoice}\" \
             data-amount=\"{amount}\" data-terminal=\"{terminal}\" data-back-link=\"{back}\" \
             data-failure-back-link=\"{back}\" data-post-link=\"{post}\" \
             data-failure-post-link=\"{post}\" data-language=\"{language}\" \
             data-description=\"{description}\" data-account-id=\"{account}\"></div>\
             </main><script src=\"{script}\"></script><script src=\"/payments/epay.js\"></script>\
             </body></html>",
            code = lang.code(),
            title = attr(&t("payment.epay_title")),
            opening = attr(&t("payment.epay_opening")),
            needs_script = attr(&t("payment.epay_needs_script")),
            back_text = attr(&t("payment.epay_back")),
            back = attr(&back),
            auth = attr(&auth),
            invoice = attr(&payable.invoice_id),
            amount = payable.amount_tenge,
            terminal = attr(&epay.terminal),
            post = attr(&epay.post_link()),
            description = attr(&t("payment.epay_description")),
            account = self.account_id,
            script = attr(&epay.page_script_url),
        ))
    }
}

/// The hand-over page's policy: the portal's, wider only by the origin of ePay's script.
fn epay_policy(page_script_url: &str) -> String {
    let origin = script_origin(page_script_url);
    format!(
        "default-src 'self'; script-src 'self' {origin}; connect-src 'self' {origin}; \
         frame-src {origin}; img-src 'self' data: {origin}; style-src 'self' {origin}; \
         object-src 'none'; base-uri 'self'; form-action 'self' {origin}; frame-ancestors 'none'"
    )
}

/// `scheme://host[:port]` of a URL, for the payment page's policy.
fn script_origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// `GET /payments/epay.js`: hands the page's token and payment to ePay's script.
pub async fn epay_script() -> impl axum::response::IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("epay.js"),
    )
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(start, of_application))
}

/// ePay's payment page, drawn by the server with the acquirer's script.
pub(super) fn pages() -> axum::Router<std::sync::Arc<crate::AppState>> {
    axum::Router::new()
        .route("/payments/{id}/epay", axum::routing::get(epay_page))
        .route("/payments/epay.js", axum::routing::get(epay_script))
}
