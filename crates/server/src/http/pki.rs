//! `/api/pki/…`: the test PKI's CA certificates and current CRL, so browsers, NCALayer-like
//! tools and OpenSSL can check what the portal checks.

use super::RequestLang;
use super::problem::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use x509_cert::der::Encode;

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
    path = "/api/pki/root-ca.cer",
    tag = "pki",
    responses((status = 200, description = "The root CA certificate (DER, application/pkix-cert)"), crate::http::openapi::Errors),
)]
pub async fn root_ca(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Result<Response, ApiError> {
    let der = state
        .pki
        .root
        .to_der()
        .map_err(|e| ApiError::internal(lang, e))?;
    Ok(file("application/pkix-cert", der))
}

#[utoipa::path(
    get,
    path = "/api/pki/issuing-ca.cer",
    tag = "pki",
    responses((status = 200, description = "The issuing CA certificate (DER, application/pkix-cert)"), crate::http::openapi::Errors),
)]
pub async fn issuing_ca(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Result<Response, ApiError> {
    let der = state
        .pki
        .issuing
        .to_der()
        .map_err(|e| ApiError::internal(lang, e))?;
    Ok(file("application/pkix-cert", der))
}

#[utoipa::path(
    get,
    path = "/api/pki/chain.pem",
    tag = "pki",
    responses((status = 200, description = "Issuing and root CA certificates (PEM)"), crate::http::openapi::Errors),
)]
pub async fn chain(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Result<Response, ApiError> {
    let pem = state
        .pki
        .chain_pem()
        .map_err(|e| ApiError::internal(lang, e))?;
    Ok(file("application/x-pem-file", pem.into_bytes()))
}

#[utoipa::path(
    get,
    path = "/api/pki/issuing-ca.crl",
    tag = "pki",
    responses((status = 200, description = "The issuing CA's current CRL (DER, application/pkix-crl)"), crate::http::openapi::Errors),
)]
pub async fn crl(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
) -> Result<Response, ApiError> {
    let crl = state
        .pki
        .current_crl(crate::db::now())
        .and_then(|c| Ok(c.to_der()?))
        .map_err(|e| ApiError::internal(lang, e))?;
    Ok(file("application/pkix-crl", crl))
}
