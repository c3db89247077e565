//! The API's one error shape: `application/problem+json` with a stable `code` and a `title`
//! in the request's language (from the locale files, key `error.<code>`).

use crate::locales;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use qyzmet_domain::Lang;
use qyzmet_domain::api::Problem;
use qyzmet_domain::form::FieldError;

/// Every code this module's constructors use, so a test can check each has a message.
pub const ALL_CODES: &[&str] = &["not_found", "service_not_found", "internal"];

pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub lang: Lang,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, lang: Lang) -> ApiError {
        ApiError {
            status,
            code,
            lang,
            errors: Vec::new(),
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:qyzmet:problem:{}", self.code),
            title: locales::message(self.lang, &format!("error.{}", self.code)),
            status: self.status.as_u16(),
            code: self.code.to_string(),
            detail: None,
            errors: self.errors.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// Any `/api/…` path that names nothing.
pub async fn api_not_found(super::RequestLang(lang): super::RequestLang) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", lang)
}
