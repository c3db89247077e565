//! The API's one error shape: `application/problem+json` with a stable `code` and a `title`
//! in the request's language (from the locale files, key `error.<code>`).

use crate::locales;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qyzmet_domain::Lang;
use qyzmet_domain::api::Problem;
use qyzmet_domain::form::FieldError;

/// The fixed codes the API answers with, each with its status, written once: `ApiError::of`
/// builds from them and `all_codes` (what the locale test checks) lists them. The codes that
/// come from the domain and the EDS verifier (`status.*`, `eds.*`) are theirs.
macro_rules! error_codes {
    ($($variant:ident = ($status:ident, $code:literal)),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $($variant),+
        }

        impl ErrorCode {
            pub const ALL: [ErrorCode; [$($code),+].len()] = [$(ErrorCode::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code),+
                }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status),+
                }
            }
        }
    };
}

error_codes! {
    NotFound = (NOT_FOUND, "not_found"),
    ServiceNotFound = (NOT_FOUND, "service_not_found"),
    Internal = (INTERNAL_SERVER_ERROR, "internal"),
    RequestMalformed = (BAD_REQUEST, "request.malformed"),
    UnsupportedMediaType = (UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type"),
    TooLarge = (PAYLOAD_TOO_LARGE, "request.too_large"),
    MethodNotAllowed = (METHOD_NOT_ALLOWED, "request.method_not_allowed"),
    Validation = (UNPROCESSABLE_ENTITY, "validation"),
    AuthRequired = (UNAUTHORIZED, "auth.required"),
    InvalidCredentials = (UNAUTHORIZED, "auth.invalid_credentials"),
    Throttled = (TOO_MANY_REQUESTS, "auth.throttled"),
    Forbidden = (FORBIDDEN, "auth.forbidden"),
    NoSecondFactor = (CONFLICT, "auth.no_second_factor"),
    EdsChallengeExpired = (UNAUTHORIZED, "auth.eds_challenge_expired"),
    EdsNoAccount = (UNAUTHORIZED, "auth.eds_no_account"),
    CsrfMissing = (FORBIDDEN, "csrf.missing"),
    AccountExists = (CONFLICT, "account.exists"),
    WrongCode = (UNPROCESSABLE_ENTITY, "verification.wrong_code"),
    CodeExpired = (UNPROCESSABLE_ENTITY, "verification.expired"),
    CodeWait = (TOO_MANY_REQUESTS, "verification.wait"),
    SmsUnavailable = (SERVICE_UNAVAILABLE, "sms.unavailable"),
    ApplicationNotFound = (NOT_FOUND, "application.not_found"),
    NotDraft = (CONFLICT, "application.not_draft"),
    VersionConflict = (CONFLICT, "application.version_conflict"),
    OfficeOnly = (CONFLICT, "application.office_only"),
    ApplicantNotAdmitted = (FORBIDDEN, "application.applicant_not_admitted"),
    ApplicationChanged = (CONFLICT, "application.changed"),
    DocumentExpired = (CONFLICT, "application.document_expired"),
    DocumentForOther = (UNPROCESSABLE_ENTITY, "application.document_for_other"),
    UnknownDocument = (NOT_FOUND, "attachment.unknown_document"),
    AttachmentNotFound = (NOT_FOUND, "attachment.not_found"),
    AttachmentTooLarge = (PAYLOAD_TOO_LARGE, "attachment.too_large"),
    ApplicationTooLarge = (PAYLOAD_TOO_LARGE, "attachment.application_too_large"),
    TypeNotAllowed = (UNSUPPORTED_MEDIA_TYPE, "attachment.type_not_allowed"),
    PaymentNotRequired = (CONFLICT, "payment.not_required"),
    PaymentNotFound = (NOT_FOUND, "payment.not_found"),
    PaymentRequired = (PAYMENT_REQUIRED, "payment.required"),
    PaymentUnavailable = (SERVICE_UNAVAILABLE, "payment.unavailable"),
    IdempotencyKey = (BAD_REQUEST, "request.idempotency_key"),
    IdempotencyKeyReused = (UNPROCESSABLE_ENTITY, "request.idempotency_key_reused"),
    RequestChanged = (CONFLICT, "request.changed"),
    DecisionSignatureRequired = (CONFLICT, "decision.signature_required"),
    DecisionNotFound = (NOT_FOUND, "decision.not_found"),
    DocumentNotFound = (NOT_FOUND, "document.not_found"),
    TimeStampUnavailable = (SERVICE_UNAVAILABLE, "eds.time_stamp_unavailable"),
    NotReady = (SERVICE_UNAVAILABLE, "service.not_ready"),
    MobileLinkExpired = (NOT_FOUND, "mobile_sign.link_expired"),
    MobileUnauthorised = (UNAUTHORIZED, "mobile_sign.unauthorised"),
    MobileMalformed = (BAD_REQUEST, "mobile_sign.malformed"),
    StaffHasAccount = (CONFLICT, "staff.has_account"),
    StaffNotFound = (NOT_FOUND, "staff.not_found"),
    CounterComplete = (CONFLICT, "counter.complete"),
}

impl From<crate::applications::StartError> for ApiError {
    fn from(e: crate::applications::StartError) -> ApiError {
        use crate::applications::StartError;
        match e {
            StartError::ServiceNotFound => ApiError::of(ErrorCode::ServiceNotFound),
            StartError::OfficeOnly => ApiError::of(ErrorCode::OfficeOnly),
            StartError::NotAdmitted => ApiError::of(ErrorCode::ApplicantNotAdmitted),
            StartError::UnknownVariant => {
                ApiError::validation(vec![field_error("variant_id", "form.choice")])
            }
            StartError::Failed(e) => ApiError::internal(e),
        }
    }
}

impl From<crate::lifecycle::MoveError> for ApiError {
    fn from(e: crate::lifecycle::MoveError) -> ApiError {
        use crate::lifecycle::MoveError;
        use qyzmet_domain::status::TransitionError;
        match e {
            MoveError::Changed => ApiError::of(ErrorCode::RequestChanged),
            MoveError::NotAllowed(TransitionError::ReasonRequired) => {
                ApiError::validation(vec![field_error(
                    "reason",
                    TransitionError::ReasonRequired.code(),
                )])
            }
            MoveError::NotAllowed(e) => ApiError::new(StatusCode::CONFLICT, e.code()),
            MoveError::Appointment(errors) => ApiError::validation(errors),
            MoveError::DecisionNeedsSignature => ApiError::of(ErrorCode::DecisionSignatureRequired),
            MoveError::Step(e) => e.into(),
            MoveError::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<crate::lifecycle::RegisterError> for ApiError {
    fn from(e: crate::lifecycle::RegisterError) -> ApiError {
        use crate::lifecycle::RegisterError;
        match e {
            RegisterError::NotDraft => ApiError::of(ErrorCode::NotDraft),
            RegisterError::KeyReused => ApiError::of(ErrorCode::IdempotencyKeyReused),
            RegisterError::Transition(e) => ApiError::internal(e),
            RegisterError::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<crate::access::Denied> for ApiError {
    fn from(e: crate::access::Denied) -> ApiError {
        use crate::access::Denied;
        match e {
            Denied::NotFound => ApiError::of(ErrorCode::ApplicationNotFound),
            Denied::Forbidden => ApiError::of(ErrorCode::Forbidden),
            Denied::NoDecision => ApiError::of(ErrorCode::DecisionNotFound),
            Denied::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<crate::signing::SigningError> for ApiError {
    fn from(e: crate::signing::SigningError) -> ApiError {
        use crate::signing::SigningError;
        match e {
            SigningError::NotDraft => ApiError::of(ErrorCode::NotDraft),
            SigningError::NotFound => ApiError::of(ErrorCode::ApplicationNotFound),
            SigningError::Incomplete(errors) => ApiError::validation(errors),
            SigningError::PaymentRequired => ApiError::of(ErrorCode::PaymentRequired),
            SigningError::Changed => ApiError::of(ErrorCode::ApplicationChanged),
            SigningError::ForOther => ApiError::of(ErrorCode::DocumentForOther),
            SigningError::Expired => ApiError::of(ErrorCode::DocumentExpired),
            SigningError::Refused(refusal) => ApiError::refused(refusal),
            SigningError::Register(e) => e.into(),
            SigningError::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<qyzmet_domain::process::StepError> for ApiError {
    fn from(e: qyzmet_domain::process::StepError) -> ApiError {
        use qyzmet_domain::process::StepError;
        let status = match e {
            // Someone else moved the request on: read it again.
            StepError::Stale => StatusCode::CONFLICT,
            // Not this person's to do (their role, another's request, their own result).
            StepError::NotYourRole | StepError::HeldByAnother | StepError::FourEyes => {
                StatusCode::FORBIDDEN
            }
            StepError::Finished
            | StepError::SignatureRequired
            | StepError::CannotReassign
            | StepError::NotReturnable => StatusCode::CONFLICT,
            StepError::ExecutorRequired => {
                return ApiError::validation(vec![field_error("executor", e.code())]);
            }
            StepError::OutcomeRequired => {
                return ApiError::validation(vec![field_error("reason", e.code())]);
            }
            StepError::NotAsPrepared => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code())
    }
}

/// Every code this server answers with, so a test can check each has a message in kk/ru/en.
pub fn all_codes() -> Vec<&'static str> {
    ErrorCode::ALL
        .iter()
        .map(|c| c.code())
        .chain(qyzmet_eds::VerifyError::ALL.iter().map(|e| e.code()))
        .chain(
            qyzmet_domain::status::TransitionError::ALL
                .iter()
                .map(|e| e.code()),
        )
        .chain(
            qyzmet_domain::process::StepError::ALL
                .iter()
                .map(|e| e.code()),
        )
        .collect()
}

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
    "counter.consent_required",
    "counter.not_taken_here",
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
    /// The error a fixed code names, with its status.
    pub fn of(code: ErrorCode) -> ApiError {
        ApiError::new(code.status(), code.code())
    }

    /// An error with a code from elsewhere (the domain's, the EDS verifier's).
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
            ..ApiError::of(ErrorCode::Validation)
        }
    }

    pub fn throttled(seconds: i64) -> ApiError {
        ApiError {
            retry_after: Some(seconds.max(1) as u64),
            ..ApiError::of(ErrorCode::Throttled)
        }
    }

    /// A signature not accepted: 422 with the signature's own code, 503 when the
    /// time-stamp authority did not answer (the draft is kept; signing again later works).
    pub fn refused(refusal: crate::signatures::Refusal) -> ApiError {
        use crate::signatures::Refusal;
        match refusal {
            Refusal::Signature(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code()),
            Refusal::TimeStampUnavailable => ApiError::of(ErrorCode::TimeStampUnavailable),
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
        ApiError::of(ErrorCode::Internal)
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
    ApiError::of(ErrorCode::NotFound)
}

/// Every `/api` answer in the one shape: a rejection made outside our handlers (a path
/// segment or query that does not parse, a multipart body without a boundary, a method the
/// route does not take) becomes a problem with a stable code instead of axum's plain text
/// or empty body. `lang` is the request's.
pub fn in_problem_shape(lang: Lang, res: Response) -> Response {
    if let Some(error) = res.extensions().get::<ApiError>().cloned() {
        // The same answer (status, headers other layers set), its body in this language.
        let (mut parts, _) = res.into_parts();
        let (rendered, body) = error.render(lang).into_parts();
        // The new body is plain: the old one's length and coding (the API's compression
        // layer sits inside this one) do not describe it.
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_ENCODING);
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
        let mut e = ApiError::of(ErrorCode::AttachmentTooLarge);
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
