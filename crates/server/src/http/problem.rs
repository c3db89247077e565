//! The API's one error shape: `application/problem+json` with a stable `code` and a `title`
//! in the request's language (from the locale files, key `error.<code>`).

use crate::locales;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qyzmet_domain::Lang;
use qyzmet_domain::api::Problem;
use qyzmet_domain::form::FieldError;

/// Every code this server answers with, so a test can check each has a message in kk/ru/en.
pub const ALL_CODES: &[&str] = &[
    "not_found",
    "service_not_found",
    "internal",
    "request.malformed",
    "request.unsupported_media_type",
    "request.too_large",
    "validation",
    "auth.required",
    "auth.invalid_credentials",
    "auth.throttled",
    "auth.forbidden",
    "csrf.missing",
    "account.exists",
    "application.not_found",
    "application.not_draft",
    "application.version_conflict",
    "application.office_only",
    "application.applicant_not_admitted",
    "attachment.unknown_document",
    "attachment.not_found",
    "attachment.too_large",
    "attachment.application_too_large",
    "attachment.type_not_allowed",
    "payment.not_required",
    "payment.not_found",
    "payment.required",
    "request.idempotency_key",
    "application.changed",
    "application.document_expired",
    "auth.eds_challenge_expired",
    "auth.eds_no_account",
    "eds.malformed",
    "eds.unsupported_algorithm",
    "eds.signature_mismatch",
    "eds.untrusted",
    "eds.not_yet_valid",
    "eds.expired",
    "eds.revoked",
    "eds.revocation_unknown",
    "eds.ocsp_invalid",
    "eds.time_stamp_invalid",
    "eds.no_right_to_sign",
    "eds.time_stamp_unavailable",
    "mobile_sign.link_expired",
    "mobile_sign.unauthorised",
    "mobile_sign.malformed",
    "eds.key_usage",
    "eds.identity_mismatch",
    "request.changed",
    "decision.signature_required",
    "decision.not_found",
    "status.transition_not_allowed",
    "status.wrong_actor",
    "status.step_not_in_service",
    "application.document_for_other",
    "request.idempotency_key_reused",
    "auth.no_second_factor",
    "verification.wrong_code",
    "verification.expired",
    "request.method_not_allowed",
];

/// Field error codes the server adds beyond the domain's.
pub const FIELD_CODES: &[&str] = &[
    "registry.not_found",
    "password.too_short",
    "password.common",
    "password.same_as_login",
    "registration.company_needs_eds",
    "registry.no_phone",
    "verification.wrong_code",
    "verification.expired",
];

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub lang: Lang,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
    pub current: Option<Box<qyzmet_domain::api::ApplicationView>>,
    /// Repeat the title as `message` (the eGov mobile protocol's error member).
    pub message: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, lang: Lang) -> ApiError {
        ApiError {
            status,
            code,
            lang,
            errors: Vec::new(),
            retry_after: None,
            current: None,
            message: false,
        }
    }

    pub fn validation(lang: Lang, errors: Vec<FieldError>) -> ApiError {
        ApiError {
            errors,
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", lang)
        }
    }

    pub fn throttled(lang: Lang, seconds: i64) -> ApiError {
        ApiError {
            retry_after: Some(seconds.max(1) as u64),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "auth.throttled", lang)
        }
    }

    /// A failure of ours (database, disk), never of the user's input: logged, and answered
    /// with a message that says their input is kept.
    /// A signature not accepted: 422 with the signature's own code, 503 when the
    /// time-stamp authority did not answer (the draft is kept; signing again later works).
    pub fn refused(refusal: crate::signatures::Refusal, lang: Lang) -> ApiError {
        use crate::signatures::Refusal;
        match refusal {
            Refusal::Signature(e) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), lang)
            }
            Refusal::TimeStampUnavailable => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "eds.time_stamp_unavailable",
                lang,
            ),
            Refusal::Internal(e) => ApiError::internal(lang, e),
        }
    }

    /// Repeats the title as `message`, for the eGov mobile app.
    pub fn with_message(mut self) -> ApiError {
        self.message = true;
        self
    }

    pub fn internal(lang: Lang, err: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {err}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang)
    }

    /// The title in the request's language, its placeholders filled: `{seconds}` from the
    /// wait, the rest from the field error that carries the same code.
    fn title(&self) -> String {
        let mut title = locales::message(self.lang, &format!("error.{}", self.code));
        if let Some(s) = self.retry_after {
            title = title.replace("{seconds}", &s.to_string());
        }
        for e in self.errors.iter().filter(|e| e.code == self.code) {
            for (k, v) in &e.params {
                title = title.replace(&format!("{{{k}}}"), v);
            }
        }
        title
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:qyzmet:problem:{}", self.code),
            title: self.title(),
            status: self.status.as_u16(),
            code: self.code.to_string(),
            detail: None,
            errors: self.errors.clone(),
            retry_after: self.retry_after,
            current: self.current.clone(),
            message: self.message.then(|| self.title()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

/// Any `/api/…` path that names nothing.
pub async fn api_not_found(super::RequestLang(lang): super::RequestLang) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", lang)
}

/// Every `/api` answer in the one shape: a rejection made outside our handlers (a path
/// segment or query that does not parse, a multipart body without a boundary, a method the
/// route does not take) becomes a problem with a stable code instead of axum's plain text
/// or empty body.
pub async fn in_problem_shape(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = super::request_lang(&req);
    let res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return res;
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "request.method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "request.too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "request.unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "request.malformed",
    };
    let mut problem = ApiError::new(status, code, lang).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;
    use qyzmet_domain::form::FieldError;

    #[test]
    fn titles_fill_their_placeholders() {
        let mut e = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "attachment.too_large",
            Lang::En,
        );
        e.errors = vec![FieldError {
            field: "file".into(),
            code: "attachment.too_large".into(),
            params: [("max_mb".to_string(), "10".to_string())].into(),
        }];
        assert_eq!(e.problem().title, "The file is too big: at most 10 MB.");
        let t = ApiError::throttled(Lang::En, 42).problem().title;
        assert!(t.contains("42 seconds") && !t.contains('{'), "{t}");
    }
}
