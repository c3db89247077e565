//! The API client: JSON in, JSON out, and every failure as a code the UI translates.

use qyzmet_domain::Lang;
use qyzmet_domain::api::{
    ApplicationView, CSRF_HEADER, CodeLogin, CodeSent, EdsChallenge, EdsLogin, LoginRequest,
    OutgoingDocumentView, Problem, RegisterRequest, ServiceList, SessionView, SubmitApplication,
    TestSms, VerificationRequest,
};
use qyzmet_domain::route::api::ApplicationPart::{
    Check, Decision, History, MobileSign, OutgoingDocument, Payment, Reads, Step, Submit, Withdraw,
};
use qyzmet_domain::route::api::{self as path, in_lang, of_application};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with a problem+json.
    Problem(Problem),
}

impl ApiError {
    /// The locale key of the message to show.
    pub fn message_key(&self) -> String {
        match self {
            ApiError::Network => "error.network".into(),
            ApiError::Problem(p) => format!("error.{}", p.code),
        }
    }

    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ApiError::Problem(p) => Some(p),
            ApiError::Network => None,
        }
    }
}

thread_local! {
    /// When the server last answered a request that carried the session cookie: each such
    /// request renews the session's idle timeout, so the timeout warning counts from here.
    static LAST_CONTACT: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

pub fn last_contact() -> f64 {
    LAST_CONTACT.with(|c| c.get())
}

pub fn note_contact() {
    set_last_contact(js_sys::Date::now());
}

pub fn set_last_contact(millis: f64) {
    LAST_CONTACT.with(|c| c.set(millis));
}

/// Whether the server says this answer renewed the session.
fn renewed_session(res: &gloo_net::http::Response) -> bool {
    res.headers()
        .get(qyzmet_domain::api::SESSION_RENEWED_HEADER)
        .is_some()
}

async fn read<T: DeserializeOwned>(res: gloo_net::http::Response) -> Result<T, ApiError> {
    if renewed_session(&res) {
        note_contact();
    }
    if res.ok() {
        return res.json().await.map_err(|_| ApiError::Network);
    }
    match res.json::<Problem>().await {
        Ok(problem) => Err(ApiError::Problem(problem)),
        // Not our server's answer (a proxy's error page): treat it as unreachable.
        Err(_) => Err(ApiError::Network),
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(
        gloo_net::http::Request::get(path)
            .send()
            .await
            .map_err(|_| ApiError::Network)?,
    )
    .await
}

/// A state-changing request: JSON body and the CSRF header the server requires.
async fn send<B: Serialize, T: DeserializeOwned>(
    method: gloo_net::http::Method,
    path: &str,
    body: &B,
    lang: Lang,
) -> Result<T, ApiError> {
    let req = gloo_net::http::RequestBuilder::new(&in_lang(path, lang))
        .method(method)
        .header(CSRF_HEADER, "1")
        .json(body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await.map_err(|_| ApiError::Network)?).await
}

pub async fn services(lang: Lang) -> Result<ServiceList, ApiError> {
    get(&in_lang(path::SERVICES, lang)).await
}

pub async fn session() -> Result<SessionView, ApiError> {
    get(path::SESSION).await
}

/// Logs out every other browser or device of this account; this session's fresh view.
pub async fn end_other_sessions(lang: Lang) -> Result<SessionView, ApiError> {
    send(
        gloo_net::http::Method::DELETE,
        path::SESSION_OTHERS,
        &(),
        lang,
    )
    .await
}

/// The password: a code is then sent to the account's phone (the second factor).
pub async fn login(req: &LoginRequest, lang: Lang) -> Result<CodeSent, ApiError> {
    send(gloo_net::http::Method::POST, path::SESSION, req, lang).await
}

pub async fn code_login(req: &CodeLogin, lang: Lang) -> Result<SessionView, ApiError> {
    send(gloo_net::http::Method::POST, path::SESSION_CODE, req, lang).await
}

/// Sends a registration code to the phone the state holds for the IIN.
pub async fn registration_code(login: &str, lang: Lang) -> Result<CodeSent, ApiError> {
    let req = VerificationRequest {
        login: login.to_string(),
    };
    send(
        gloo_net::http::Method::POST,
        path::ACCOUNTS_VERIFICATION,
        &req,
        lang,
    )
    .await
}

pub async fn registration_challenge(lang: Lang) -> Result<EdsChallenge, ApiError> {
    send(
        gloo_net::http::Method::POST,
        path::ACCOUNTS_EDS_CHALLENGE,
        &(),
        lang,
    )
    .await
}

/// TEST: the TEST SMS gateway's messages to a phone.
pub async fn test_sms_outbox(phone: &str) -> Result<Vec<TestSms>, ApiError> {
    get(&path::test_sms_outbox(phone)).await
}

pub async fn eds_challenge(lang: Lang) -> Result<EdsChallenge, ApiError> {
    send(
        gloo_net::http::Method::POST,
        path::SESSION_EDS_CHALLENGE,
        &(),
        lang,
    )
    .await
}

pub async fn eds_login(req: &EdsLogin, lang: Lang) -> Result<SessionView, ApiError> {
    send(gloo_net::http::Method::POST, path::SESSION_EDS, req, lang).await
}

pub async fn register(req: &RegisterRequest, lang: Lang) -> Result<SessionView, ApiError> {
    send(gloo_net::http::Method::POST, path::ACCOUNTS, req, lang).await
}

pub async fn logout() -> Result<(), ApiError> {
    let res = gloo_net::http::Request::delete(path::SESSION)
        .header(CSRF_HEADER, "1")
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if res.ok() {
        Ok(())
    } else {
        Err(ApiError::Network)
    }
}

pub async fn outgoing_document(id: &str, lang: Lang) -> Result<OutgoingDocumentView, ApiError> {
    get(&in_lang(&of_application(id, OutgoingDocument), lang)).await
}

/// Submits the signed application. The same `idempotency_key` on a retry returns the same
/// request, so a double click or a lost answer never registers twice.
pub async fn submit_application(
    id: &str,
    req: &SubmitApplication,
    idempotency_key: &str,
    lang: Lang,
) -> Result<ApplicationView, ApiError> {
    let path = in_lang(&of_application(id, Submit), lang);
    let builder = gloo_net::http::RequestBuilder::new(&path)
        .method(gloo_net::http::Method::POST)
        .header(CSRF_HEADER, "1")
        .header("Idempotency-Key", idempotency_key)
        .json(req)
        .map_err(|_| ApiError::Network)?;
    read(builder.send().await.map_err(|_| ApiError::Network)?).await
}

pub async fn application(id: &str, lang: Lang) -> Result<ApplicationView, ApiError> {
    get(&in_lang(&path::application(id), lang)).await
}

pub async fn history(id: &str, lang: Lang) -> Result<qyzmet_domain::api::HistoryList, ApiError> {
    get(&in_lang(&of_application(id, History), lang)).await
}

pub async fn decision(id: &str, lang: Lang) -> Result<qyzmet_domain::api::DecisionView, ApiError> {
    get(&in_lang(&of_application(id, Decision), lang)).await
}

/// What a printed document's code says (`/verify/:code`); anyone may ask.
pub async fn verified_document(
    code: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::VerifiedDocumentView, ApiError> {
    // The code goes into the path as typed: only its own characters may pass.
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    get(&in_lang(&path::verify(&code), lang)).await
}

/// A binary resource (the published CA certificates and CRL).
pub async fn bytes(path: &str) -> Result<Vec<u8>, ApiError> {
    let res = gloo_net::http::Request::get(path)
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !res.ok() {
        return Err(ApiError::Network);
    }
    res.binary().await.map_err(|_| ApiError::Network)
}

/// The provider's queue, or one of its tabs (`mine`, `assign`, `sign`, `overdue`; empty:
/// every request).
pub async fn officer_queue(tab: &str, lang: Lang) -> Result<qyzmet_domain::api::Queue, ApiError> {
    let path = if tab.is_empty() {
        path::OFFICER_REQUESTS.to_string()
    } else {
        format!("{}?tab={tab}", path::OFFICER_REQUESTS)
    };
    get(&in_lang(&path, lang)).await
}

/// The current step of the provider's process done (`POST …/step`).
pub async fn officer_step(
    id: &str,
    req: &qyzmet_domain::api::StepRequest,
    lang: Lang,
) -> Result<qyzmet_domain::api::OfficerRequestView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::officer_step(id),
        req,
        lang,
    )
    .await
}

/// The head names another executor (`POST …/executor`).
pub async fn officer_reassign(
    id: &str,
    req: &qyzmet_domain::api::ReassignRequest,
    lang: Lang,
) -> Result<qyzmet_domain::api::OfficerRequestView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::officer_executor(id),
        req,
        lang,
    )
    .await
}

/// What this counter takes.
pub async fn counter_services(lang: Lang) -> Result<qyzmet_domain::api::CounterServices, ApiError> {
    get(&in_lang(path::COUNTER_SERVICES, lang)).await
}

/// An application entered at the counter for someone who came with paper.
pub async fn counter_start(
    start: &qyzmet_domain::api::CounterStart,
    lang: Lang,
) -> Result<ApplicationView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        path::COUNTER_APPLICATIONS,
        start,
        lang,
    )
    .await
}

/// Acceptance of draft `id` refused: the set is incomplete.
pub async fn counter_refuse(
    id: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::AcceptanceRefusal, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::counter_refusal(id),
        &(),
        lang,
    )
    .await
}

/// Every provider's staff (the administrator's).
pub async fn admin_staff(lang: Lang) -> Result<qyzmet_domain::api::StaffList, ApiError> {
    get(&in_lang(path::ADMIN_STAFF, lang)).await
}

/// A person of the registry added to a provider's staff.
pub async fn admin_add_staff(
    new: &qyzmet_domain::api::NewStaff,
    lang: Lang,
) -> Result<qyzmet_domain::api::StaffList, ApiError> {
    send(gloo_net::http::Method::POST, path::ADMIN_STAFF, new, lang).await
}

/// A member's roles and access changed.
pub async fn admin_change_staff(
    id: i64,
    change: &qyzmet_domain::api::StaffChange,
    lang: Lang,
) -> Result<qyzmet_domain::api::StaffList, ApiError> {
    send(
        gloo_net::http::Method::PUT,
        &path::admin_staff_member(id),
        change,
        lang,
    )
    .await
}

/// The staff changes, newest first, narrowed by `search` (a name or IIN).
pub async fn admin_staff_audit(
    search: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::StaffAuditList, ApiError> {
    let q: String = js_sys::encode_uri_component(search).into();
    get(&in_lang(
        &format!("{}?q={q}", path::ADMIN_STAFF_AUDIT),
        lang,
    ))
    .await
}

/// Every read of applicants' data by staff, narrowed by `search` (the administrator's).
pub async fn admin_data_reads(
    search: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::DataReadAuditList, ApiError> {
    let q: String = js_sys::encode_uri_component(search).into();
    get(&in_lang(&format!("{}?q={q}", path::ADMIN_DATA_READS), lang)).await
}

/// Who among the providers' staff read my application.
pub async fn reads(id: &str, lang: Lang) -> Result<qyzmet_domain::api::DataReadList, ApiError> {
    get(&in_lang(&of_application(id, Reads), lang)).await
}

pub async fn officer_request(
    id: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::OfficerRequestView, ApiError> {
    get(&in_lang(&path::officer_request(id), lang)).await
}

pub async fn officer_move(
    id: &str,
    req: &qyzmet_domain::api::MoveRequest,
    lang: Lang,
) -> Result<qyzmet_domain::api::OfficerRequestView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::officer_moves(id),
        req,
        lang,
    )
    .await
}

pub async fn decision_document(
    id: &str,
    req: &qyzmet_domain::api::DecisionDraft,
    lang: Lang,
) -> Result<qyzmet_domain::api::DecisionDocumentView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::officer_decision_document(id),
        req,
        lang,
    )
    .await
}

pub async fn decide(
    id: &str,
    req: &qyzmet_domain::api::DecisionSubmit,
    lang: Lang,
) -> Result<qyzmet_domain::api::OfficerRequestView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::officer_decision(id),
        req,
        lang,
    )
    .await
}

pub async fn service(id: &str, lang: Lang) -> Result<qyzmet_domain::api::ServiceDetail, ApiError> {
    get(&in_lang(&path::service(id), lang)).await
}

pub async fn create_application(
    req: &qyzmet_domain::api::CreateApplication,
    lang: Lang,
) -> Result<ApplicationView, ApiError> {
    send(gloo_net::http::Method::POST, path::APPLICATIONS, req, lang).await
}

/// Saves a draft's answers; a stale `version` comes back as `application.version_conflict`
/// with the stored application in the problem's `current`.
pub async fn save_answers(
    id: &str,
    req: &qyzmet_domain::api::SaveAnswers,
    lang: Lang,
) -> Result<ApplicationView, ApiError> {
    send(
        gloo_net::http::Method::PATCH,
        &path::application(id),
        req,
        lang,
    )
    .await
}

/// My drafts and requests; `status` and `number` narrow the list.
pub async fn applications(
    status: &str,
    number: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::ApplicationList, ApiError> {
    let query = js_sys::encode_uri_component(number);
    let filtered = format!("{}?status={status}&number={query}", path::APPLICATIONS);
    get(&in_lang(&filtered, lang)).await
}

/// A request without a JSON answer (204): delete a draft, remove a file, the completeness
/// check, mark notifications read.
async fn send_empty(
    method: gloo_net::http::Method,
    path: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let res = gloo_net::http::RequestBuilder::new(&in_lang(path, lang))
        .method(method)
        .header(CSRF_HEADER, "1")
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    no_content(res).await
}

/// An answer without a body: success, or the problem the server gave.
async fn no_content(res: gloo_net::http::Response) -> Result<(), ApiError> {
    if renewed_session(&res) {
        note_contact();
    }
    if res.ok() {
        return Ok(());
    }
    match res.json::<Problem>().await {
        Ok(problem) => Err(ApiError::Problem(problem)),
        Err(_) => Err(ApiError::Network),
    }
}

pub async fn delete_application(id: &str, lang: Lang) -> Result<(), ApiError> {
    send_empty(gloo_net::http::Method::DELETE, &path::application(id), lang).await
}

pub async fn remove_attachment(id: &str, document_id: &str, lang: Lang) -> Result<(), ApiError> {
    send_empty(
        gloo_net::http::Method::DELETE,
        &path::attachment(id, document_id),
        lang,
    )
    .await
}

/// The server's completeness check before signing: every answer valid, every required file.
pub async fn check(id: &str, lang: Lang) -> Result<(), ApiError> {
    send_empty(
        gloo_net::http::Method::POST,
        &of_application(id, Check),
        lang,
    )
    .await
}

pub async fn payment(id: &str, lang: Lang) -> Result<qyzmet_domain::api::PaymentView, ApiError> {
    get(&in_lang(&of_application(id, Payment), lang)).await
}

pub async fn start_payment(
    id: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::PaymentView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &of_application(id, Payment),
        &(),
        lang,
    )
    .await
}

pub async fn gateway_payment(
    payment_id: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::PaymentView, ApiError> {
    get(&in_lang(&path::test_payment(payment_id), lang)).await
}

pub async fn gateway_confirm(
    payment_id: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::PaymentView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &path::test_payment_confirm(payment_id),
        &(),
        lang,
    )
    .await
}

pub async fn notifications(lang: Lang) -> Result<qyzmet_domain::api::NotificationList, ApiError> {
    get(&in_lang(path::NOTIFICATIONS, lang)).await
}

pub async fn mark_notifications_read(lang: Lang) -> Result<(), ApiError> {
    send_empty(gloo_net::http::Method::POST, path::NOTIFICATIONS_READ, lang).await
}

pub async fn withdraw(id: &str, lang: Lang) -> Result<ApplicationView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        &of_application(id, Withdraw),
        &(),
        lang,
    )
    .await
}

pub async fn keepalive(lang: Lang) -> Result<SessionView, ApiError> {
    send(
        gloo_net::http::Method::POST,
        path::SESSION_KEEPALIVE,
        &(),
        lang,
    )
    .await
}

/// Remembers which editor step is open, so the draft resumes there on any device.
pub async fn remember_step(id: &str, step: &str, lang: Lang) -> Result<(), ApiError> {
    let body = qyzmet_domain::api::LastStep {
        step: step.to_string(),
    };
    let req = gloo_net::http::RequestBuilder::new(&in_lang(&of_application(id, Step), lang))
        .method(gloo_net::http::Method::PUT)
        .header(CSRF_HEADER, "1")
        .json(&body)
        .map_err(|_| ApiError::Network)?;
    no_content(req.send().await.map_err(|_| ApiError::Network)?).await
}

/// A link for signing the draft with eGov mobile (QR code, cross link), valid 180 s.
pub async fn start_mobile_sign(
    id: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::MobileSignView, ApiError> {
    let path = in_lang(&of_application(id, MobileSign), lang);
    let builder = gloo_net::http::RequestBuilder::new(&path)
        .method(gloo_net::http::Method::POST)
        .header(CSRF_HEADER, "1");
    read(builder.send().await.map_err(|_| ApiError::Network)?).await
}

/// Whether the phone has signed through the link yet.
pub async fn mobile_sign_status(
    id: &str,
    link: &str,
    lang: Lang,
) -> Result<qyzmet_domain::api::MobileSignStatusView, ApiError> {
    get(&in_lang(&path::mobile_sign_link(id, link), lang)).await
}
