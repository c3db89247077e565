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

/// One field's problem without parameters.
pub fn field_error(field: impl Into<String>, code: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        params: Default::default(),
    }
}

/// An API error: its status, stable code and details. It carries no language: the title is
/// written in the request's language by `in_problem_shape`, the one response layer every
/// `/api` answer passes (an error rendered outside it gets Kazakh, the default).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
    pub current: Option<Box<qyzmet_domain::api::ApplicationView>>,
    /// Repeat the title as `message` (the eGov mobile protocol's error member).
    pub message: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> ApiError {
        ApiError {
            status,
            code,
            errors: Vec::new(),
            retry_after: None,
            current: None,
            message: false,
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        ApiError {
            errors,
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation")
        }
    }

    pub fn throttled(seconds: i64) -> ApiError {
        ApiError {
            retry_after: Some(seconds.max(1) as u64),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "auth.throttled")
        }
    }

    /// A signature not accepted: 422 with the signature's own code, 503 when the
    /// time-stamp authority did not answer (the draft is kept; signing again later works).
    pub fn refused(refusal: crate::signatures::Refusal) -> ApiError {
        use crate::signatures::Refusal;
        match refusal {
            Refusal::Signature(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code()),
            Refusal::TimeStampUnavailable => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "eds.time_stamp_unavailable",
            ),
            Refusal::Internal(e) => ApiError::internal(e),
        }
    }

    /// Repeats the title as `message`, for the eGov mobile app.
    pub fn with_message(mut self) -> ApiError {
        self.message = true;
        self
    }

    /// A failure of ours (database, disk), never of the user's input: logged here — the one
    /// place — and answered with a message that says their input is kept.
    pub fn internal(err: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {err}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    /// The title in `lang`, its placeholders filled: `{seconds}` from the wait, the rest from
    /// the field error that carries the same code.
    fn title(&self, lang: Lang) -> String {
        let mut title = locales::message(lang, &format!("error.{}", self.code));
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

    pub fn problem(&self, lang: Lang) -> Problem {
        Problem {
            type_uri: format!("urn:qyzmet:problem:{}", self.code),
            title: self.title(lang),
            status: self.status.as_u16(),
            code: self.code.to_string(),
            detail: None,
            errors: self.errors.clone(),
            retry_after: self.retry_after,
            current: self.current.clone(),
            message: self.message.then(|| self.title(lang)),
        }
    }

    /// The answer in `lang`.
    fn render(&self, lang: Lang) -> Response {
        let body = serde_json::to_vec(&self.problem(lang)).unwrap_or_default();
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

/// Our failures become `internal` (logged) with `?`: the database, files, everything else.
macro_rules! internal_from {
    ($($error:ty),+) => {
        $(impl From<$error> for ApiError {
            fn from(e: $error) -> ApiError {
                ApiError::internal(e)
            }
        })+
    };
}

internal_from!(sqlx::Error, anyhow::Error, std::io::Error);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = self.render(Lang::default());
        // The response layer writes it again in the request's language.
        res.extensions_mut().insert(self);
        res
    }
}

/// Any `/api/…` path that names nothing.
pub async fn api_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found")
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
    if let Some(error) = res.extensions().get::<ApiError>().cloned() {
        // The same answer (status, headers other layers set), its body in this language.
        let (mut parts, _) = res.into_parts();
        let (rendered, body) = error.render(lang).into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        if let Some(kind) = rendered.headers.get(header::CONTENT_TYPE) {
            parts.headers.insert(header::CONTENT_TYPE, kind.clone());
        }
        return Response::from_parts(parts, body);
    }
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
    let mut problem = ApiError::new(status, code).into_response();
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
        let mut e = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "attachment.too_large");
        e.errors = vec![FieldError {
            field: "file".into(),
            code: "attachment.too_large".into(),
            params: [("max_mb".to_string(), "10".to_string())].into(),
        }];
        assert_eq!(
            e.problem(Lang::En).title,
            "The file is too big: at most 10 MB."
        );
        let t = ApiError::throttled(42).problem(Lang::En).title;
        assert!(t.contains("42 seconds") && !t.contains('{'), "{t}");
    }
}
