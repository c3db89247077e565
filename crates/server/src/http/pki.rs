//! `/api/pki/…`: the test PKI's CA certificates and current CRLs, so browsers, NCALayer-like
//! tools and OpenSSL can check what the portal checks — the RSA chain at `/api/pki/…`, the
//! GOST chain at `/api/pki/gost/…`.

use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use x509_cert::der::Encode;

use crate::pki::Chain;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

fn certificate(cert: &qyzmet_eds::Certificate) -> Result<Response, ApiError> {
    let der = cert.to_der().map_err(ApiError::internal)?;
    Ok(file("application/pkix-cert", der))
}

fn current_crl(chain: &Chain) -> Result<Response, ApiError> {
    let crl = chain
        .current_crl(crate::db::now())
        .and_then(|c| Ok(c.to_der()?))?;
    Ok(file("application/pkix-crl", crl))
}

fn file(content_type: &'static str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(
    get,
    path = "/pki/root-ca.cer",
    tag = "pki",
    responses((status = 200, description = "The RSA chain's root CA certificate (DER, application/pkix-cert)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn root_ca(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    certificate(&state.pki.rsa.root)
}

#[utoipa::path(
    get,
    path = "/pki/issuing-ca.cer",
    tag = "pki",
    responses((status = 200, description = "The RSA chain's issuing CA certificate (DER, application/pkix-cert)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn issuing_ca(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    certificate(&state.pki.rsa.issuing)
}

#[utoipa::path(
    get,
    path = "/pki/chain.pem",
    tag = "pki",
    responses((status = 200, description = "The RSA chain's issuing and root CA certificates (PEM)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn chain(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let pem = state.pki.chain_pem()?;
    Ok(file("application/x-pem-file", pem.into_bytes()))
}

#[utoipa::path(
    get,
    path = "/pki/issuing-ca.crl",
    tag = "pki",
    responses((status = 200, description = "The RSA issuing CA's current CRL (DER, application/pkix-crl)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn crl(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    current_crl(&state.pki.rsa)
}

/// `POST /api/pki/ocsp`: the test PKI's OCSP responder (RFC 6960 appendix A.1): an
/// `application/ocsp-request` in, an `application/ocsp-response` out — good, revoked or
/// unknown (not issued by it) per certificate, `unauthorized` for a request about another CA's, signed by its issuing CA, current for an hour, the nonce echoed.
/// What is not an OCSP request gets the protocol's own `malformedRequest` answer.
#[utoipa::path(
    post,
    path = "/pki/ocsp",
    tag = "pki",
    request_body(content = Vec<u8>, content_type = "application/ocsp-request"),
    responses((status = 200, description = "The OCSP response (DER, application/ocsp-response)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn ocsp(
    State(state): State<Arc<AppState>>,
    request: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // Mounted in the demo only, where the test PKI has its responder.
    let answer = state
        .pki
        .ocsp_response(&request, crate::db::now())
        .ok_or_else(|| ApiError::of(ErrorCode::NotFound))?;
    Ok(file("application/ocsp-response", answer))
}

/// `POST /api/pki/tsp`: the test PKI's time-stamp authority (RFC 3161 §3.4): an
/// `application/timestamp-query` in, an `application/timestamp-reply` out — a token over
/// the query's imprint, with its nonce, signed by the TSA (certificate under the RSA issuing
/// CA, critical timeStamping EKU). A body that is not a query is rejected inside the answer.
#[utoipa::path(
    post,
    path = "/pki/tsp",
    tag = "pki",
    request_body(content = Vec<u8>, content_type = "application/timestamp-query"),
    responses((status = 200, description = "The time-stamp response (DER, application/timestamp-reply)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn tsp(
    State(state): State<Arc<AppState>>,
    query: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let answer = state.pki.time_stamp(&query, crate::db::now())?;
    Ok(file("application/timestamp-reply", answer))
}

#[utoipa::path(
    get,
    path = "/pki/gost/root-ca.cer",
    tag = "pki",
    responses((status = 200, description = "The GOST chain's root CA certificate (DER, application/pkix-cert)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn gost_root_ca(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    certificate(&state.pki.gost.root)
}

#[utoipa::path(
    get,
    path = "/pki/gost/issuing-ca.cer",
    tag = "pki",
    responses((status = 200, description = "The GOST chain's issuing CA certificate (DER, application/pkix-cert)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn gost_issuing_ca(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    certificate(&state.pki.gost.issuing)
}

#[utoipa::path(
    get,
    path = "/pki/gost/issuing-ca.crl",
    tag = "pki",
    responses((status = 200, description = "The GOST issuing CA's current CRL (DER, application/pkix-crl)"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Internal),
)]
pub async fn gost_crl(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    current_crl(&state.pki.gost)
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(root_ca))
        .routes(routes!(issuing_ca))
        .routes(routes!(chain))
        .routes(routes!(crl))
        .routes(routes!(gost_root_ca))
        .routes(routes!(gost_issuing_ca))
        .routes(routes!(gost_crl))
}
