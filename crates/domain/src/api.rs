//! The request and response types the server and the app share, so neither redefines them.

use crate::catalogue::{
    Applicants, Category, Channel, Document, Fee, Provider, ResultKind, Service, TermSpec, Variant,
};
use crate::form::{FieldError, FormSchema};
use crate::lang::Lang;
use crate::status::ServiceSteps;
use serde::{Deserialize, Serialize};

/// The one error shape of the API (`application/problem+json`, RFC 9457). `code` is stable;
/// the app maps it to a localized message, `title` is the server's message in the request's
/// language for clients that do not.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `auth.throttled`: seconds until another try is allowed (also `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// With `application.version_conflict`: the application as it now stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<ApplicationView>>,
    /// The title again, for clients whose protocol reads `message` (eGov mobile shows it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A catalogue card in one language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub id: String,
    pub name: String,
    /// The name in the other two languages, so search matches whatever language is typed.
    pub other_names: Vec<String>,
    pub description: String,
    pub category: Category,
    pub applicants: Applicants,
    pub channels: Vec<Channel>,
    pub online: bool,
    /// The term of an application made on the portal (where the service takes them), else
    /// the provider's.
    pub term: TermSpec,
    pub fee: Option<FeeView>,
}

/// A fee as shown: in indices and in tenge at the current index.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeView {
    pub mci: f64,
    pub tenge: u64,
    pub paid_before_signing: bool,
    pub source: String,
}

impl FeeView {
    /// The catalogue's rule (`Fee::due_before_signing`), for the fee as the API shows it.
    pub fn due_before_signing(&self) -> bool {
        crate::catalogue::due_before_signing(self.paid_before_signing, self.mci)
    }

    pub fn new(fee: &Fee, mci_tenge: u32) -> FeeView {
        FeeView {
            mci: fee.mci,
            tenge: (fee.mci * mci_tenge as f64).round() as u64,
            paid_before_signing: fee.paid_before_signing,
            source: fee.source.clone(),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
    pub hours: Option<String>,
    pub phone: Option<String>,
}

impl ProviderView {
    pub fn new(p: &Provider, lang: Lang) -> ProviderView {
        ProviderView {
            id: p.id.clone(),
            name: p.name.get(lang).to_string(),
            address: p.address.as_ref().map(|a| a.get(lang).to_string()),
            hours: p.hours.as_ref().map(|h| h.get(lang).to_string()),
            phone: p.phone.clone(),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: String,
    pub name: String,
    pub required: bool,
    pub types: Vec<crate::catalogue::FileType>,
    pub max_size_mb: u32,
}

impl DocumentView {
    pub fn new(d: &Document, lang: Lang) -> DocumentView {
        DocumentView {
            id: d.id.clone(),
            name: d.name.get(lang).to_string(),
            required: d.required,
            types: d.types.clone(),
            max_size_mb: d.max_size_mb,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    pub id: String,
    pub name: String,
    /// The provider's term (at its office).
    pub term: TermSpec,
    /// The term of an application made on the portal, where the regulation gives its own.
    pub portal_term: Option<TermSpec>,
    /// The term at a State Corporation office, where the regulation gives it a rule of its own.
    pub state_corporation_term: Option<TermSpec>,
    pub fee: Option<FeeView>,
    pub documents: Vec<DocumentView>,
    /// The form keeps all three languages: the app switches language without refetching it
    /// mid-application.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub form: Option<FormSchema>,
    pub steps: ServiceSteps,
}

impl VariantView {
    /// See [`crate::catalogue::missing_documents`].
    pub fn missing_documents<'a>(&self, attached: impl IntoIterator<Item = &'a str>) -> Vec<&str> {
        crate::catalogue::missing_documents(
            self.documents.iter().map(|d| (d.id.as_str(), d.required)),
            attached,
        )
    }
}

/// A service page in one language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDetail {
    pub summary: ServiceSummary,
    /// The regulation as a reader cites it, in the answer's language.
    pub regulation: String,
    pub result: ResultKind,
    pub result_description: String,
    pub providers: Vec<ProviderView>,
    pub variants: Vec<VariantView>,
    pub office_directions: Option<String>,
}

fn variant_fee(v: &Variant, mci_tenge: u32) -> Option<FeeView> {
    v.fee
        .as_ref()
        .filter(|f| f.mci > 0.0)
        .map(|f| FeeView::new(f, mci_tenge))
}

impl ServiceSummary {
    pub fn new(s: &Service, lang: Lang, mci_tenge: u32) -> ServiceSummary {
        let main = s.main_variant();
        ServiceSummary {
            id: s.id.clone(),
            name: s.name.get(lang).to_string(),
            other_names: Lang::ALL
                .into_iter()
                .filter(|l| *l != lang)
                .map(|l| s.name.get(l).to_string())
                .collect(),
            description: s.description.get(lang).to_string(),
            category: s.category,
            applicants: s.applicants,
            channels: s.channels.clone(),
            online: s.online(),
            term: main
                .portal_term
                .clone()
                .unwrap_or_else(|| main.term.clone()),
            fee: variant_fee(main, mci_tenge),
        }
    }
}

impl ServiceDetail {
    pub fn new(s: &Service, providers: &[Provider], lang: Lang, mci_tenge: u32) -> ServiceDetail {
        ServiceDetail {
            summary: ServiceSummary::new(s, lang, mci_tenge),
            regulation: s.regulation_title.get(lang).to_string(),
            result: s.result,
            result_description: s.result_description.get(lang).to_string(),
            providers: s
                .providers
                .iter()
                .filter_map(|id| providers.iter().find(|p| &p.id == id))
                .map(|p| ProviderView::new(p, lang))
                .collect(),
            variants: s
                .variants
                .iter()
                .map(|v| VariantView {
                    id: v.id.clone(),
                    name: v.name.get(lang).to_string(),
                    term: v.term.clone(),
                    portal_term: v.portal_term.clone(),
                    state_corporation_term: v.state_corporation_term.clone(),
                    fee: variant_fee(v, mci_tenge),
                    documents: v
                        .documents
                        .iter()
                        .map(|d| DocumentView::new(d, lang))
                        .collect(),
                    form: v.form.clone(),
                    steps: v.steps,
                })
                .collect(),
            office_directions: s
                .office_directions
                .as_ref()
                .map(|d| d.get(lang).to_string()),
        }
    }
}

/// `GET /api/services` answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceList {
    pub lang: Lang,
    pub services: Vec<ServiceSummary>,
}

/// `GET /api/health` answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub services: usize,
    /// "ok" when the database answers a query now.
    pub database: String,
    /// "ok" when the file storage takes a write now.
    pub storage: String,
}

/// What kind of account: an individual (IIN) or a company (BIN).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Individual,
    Company,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    /// Decides requests for the services of one provider.
    Officer,
    Administrator,
}

/// `POST /api/accounts`: register with an IIN or BIN found in the registry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    /// The IIN or BIN: twelve digits.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{12}$"))]
    pub login: String,
    pub email: String,
    pub password: String,
    /// That the person registering is the holder of `login`.
    pub proof: IdentityProof,
}

/// Proof of who registers, as egov.kz requires: a one-time challenge signed with the EDS
/// authentication key of the IIN/BIN, or the code sent to the phone the state's
/// mobile-citizens database holds for the IIN.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum IdentityProof {
    /// `POST /api/accounts/eds-challenge`'s nonce and the detached CMS signature over it.
    Eds { nonce: String, signature: String },
    /// `POST /api/accounts/verification`'s id and the code the SMS carried.
    Sms {
        #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{32}$"))]
        verification_id: String,
        #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
        code: String,
    },
}

/// `POST /api/accounts/verification`: send a registration code to the registry's phone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationRequest {
    /// The IIN (a company registers with its head's EDS instead).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{12}$"))]
    pub login: String,
}

/// A one-time code was sent: where (masked), until when, and what to send back with it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub verification_id: String,
    /// `+7 701 *** ** 67`.
    pub phone_masked: String,
    pub expires_at: String,
    /// 0 for a code just sent; else this is the code already on the phone (the phone or the
    /// asking address had its share of unused codes lately) and a new one may go in this
    /// many seconds.
    #[serde(default)]
    pub resend_after_seconds: u64,
    /// The SMS went through the TEST gateway: its outbox (`/test-sms-outbox`) shows it.
    pub test_gateway: bool,
}

/// `POST /api/session/code`: the second factor of a password login.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeLogin {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{32}$"))]
    pub verification_id: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub code: String,
}

/// One message of the TEST SMS gateway's outbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSms {
    pub body: String,
    /// The verification id the message answers (the reference it was sent with).
    pub reference: String,
    pub sent_at: String,
}

/// `POST /api/session`: log in with IIN/BIN and password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub login: String,
    pub kind: AccountKind,
    pub role: Role,
    pub provider_id: Option<String>,
    /// The person's full name or the company's name, from the registry.
    pub display_name: String,
    pub phone: String,
    pub email: String,
    /// A member of staff's roles at their provider (office, head, executor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_roles: Vec<crate::process::Performer>,
}

/// `GET /api/session`: who is logged in and how long the session has left.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub account: AccountView,
    /// Seconds until the session ends for inactivity (or its absolute limit, if sooner).
    pub seconds_left: i64,
    pub idle_timeout_seconds: i64,
    /// Seconds until the 12-hour limit, which activity does not extend.
    #[serde(default)]
    pub absolute_seconds_left: i64,
    /// Other live sessions of this account (other browsers or devices), which
    /// `DELETE /api/session/others` ends.
    #[serde(default)]
    pub other_sessions: i64,
}

impl SessionView {
    /// The page warns this many seconds before the session ends, offering to stay logged in.
    pub const WARN_BEFORE_SECONDS: i64 = 120;

    /// Seconds from when this view was taken until the warning is due (0: now).
    pub fn warning_in(&self) -> i64 {
        (self.seconds_left - Self::WARN_BEFORE_SECONDS).max(0)
    }
}

/// The answer header that says the request renewed the session's idle time: the app's
/// countdown starts again on it (it never guesses from URLs).
pub const SESSION_RENEWED_HEADER: &str = "x-qyzmet-session-renewed";

/// Whether a request to the API counts as the user's activity and renews the session's idle
/// time (the server then says so in [`SESSION_RENEWED_HEADER`]). Everything does
/// but `/api/session` itself (the app polls `GET` for the time left; `POST` logs in afresh,
/// `DELETE` out) and what needs no session: health, the catalogue, the CA files. Takes a URL
/// or a path, with or without the `/api` prefix and a query.
pub fn renews_session(url_or_path: &str) -> bool {
    let path = url_or_path.split(['?', '#']).next().unwrap_or_default();
    let path = match path.find("/api/") {
        Some(at) => &path[at + "/api".len()..],
        None => path,
    };
    !(path == "/session"
        || path == "/health"
        || path == "/services"
        || path.starts_with("/services/")
        || path.starts_with("/pki/"))
}

/// The header every state-changing API request must carry (with any value): browsers do not
/// let another site set it without a CORS preflight, which this API never grants.
pub const CSRF_HEADER: &str = "x-qyzmet-csrf";

/// `POST /api/applications`: start a draft for a service (and variant, where it has them).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateApplication {
    pub service_id: String,
    #[serde(default)]
    pub variant_id: Option<String>,
}

/// `PATCH /api/applications/{id}`: save the answers over `version` (the one last read). A
/// stale version is refused with 409 and the current application, so two tabs never
/// overwrite each other silently.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveAnswers {
    #[serde(deserialize_with = "whole_number")]
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, crate::form::Answer>))]
    pub answers: crate::form::Answers,
}

/// A file attached to one document slot of an application.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub document_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// A draft or a request, as its owner sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    /// An unguessable id, used in every URL.
    pub id: String,
    pub service_id: String,
    pub variant_id: String,
    pub status: crate::status::Status,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, crate::form::Answer>))]
    pub answers: crate::form::Answers,
    pub version: i64,
    pub attachments: Vec<AttachmentView>,
    pub registration_number: Option<String>,
    /// RFC 3339: when the request was registered.
    pub registered_at: Option<String>,
    /// `YYYY-MM-DD`, Kazakhstan's calendar: when the decision is due.
    pub due_date: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
    /// The editor step the applicant last opened (a draft resumes there, on any device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_step: Option<String>,
    /// The door it came in by: the portal, or a counter (the State Corporation's, the
    /// provider's office) where a member of staff accepted it.
    #[serde(default)]
    pub channel: crate::catalogue::Channel,
    /// Accepted at a counter: the person it is for (the staff member who entered it owns the
    /// draft until it is accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf: Option<OnBehalf>,
}

/// The applicant of an application entered at a counter on their behalf: a person (IIN) or
/// a company (BIN) from the registry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBehalf {
    /// Their IIN or BIN.
    pub id: String,
    pub name: String,
    /// The phone the state's mobile-citizens database holds (where the result's SMS goes).
    #[serde(default)]
    pub phone: String,
}

/// `PUT /api/applications/{id}/step`: the editor step now open.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastStep {
    /// 1–64 characters of `a-z`, `0-9`, `_`, `-`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9_-]{1,64}$"))]
    pub step: String,
}

impl LastStep {
    pub fn is_valid(&self) -> bool {
        (1..=64).contains(&self.step.len())
            && self
                .step
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    }
}

/// `GET /api/applications` answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationList {
    pub applications: Vec<ApplicationView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Paid,
}

/// A fee payment through the built-in test payment gateway.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub id: String,
    pub application_id: String,
    pub amount_tenge: u64,
    pub status: PaymentStatus,
    /// Where the (test) gateway takes the payment.
    pub gateway_url: String,
    pub paid_at: Option<String>,
}

/// `GET /api/applications/{id}/outgoing-document`: the exact bytes to sign (base64), formed
/// now for a draft, or the stored signed ones for a registered request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingDocumentView {
    /// Base64 of the canonical bytes (`outgoing::OutgoingDocument::to_bytes`).
    pub document: String,
    pub formed_at: String,
    /// Whether these bytes are already signed and registered.
    pub signed: bool,
}

/// `GET /api/applications/{id}/signature/check`: the applicant's stored signature checked
/// again now, as of its time-stamp (CAdES-T) with the OCSP answer kept from submission — so
/// it still verifies after the certificate has expired or been revoked since.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheckView {
    /// `None`: the signature verifies; else the refusal's code (`eds.*`).
    pub problem: Option<String>,
    /// The signer as the certificate names them, when it verifies.
    pub signer: Option<String>,
    /// When the time-stamp authority stamped it (RFC 3339).
    pub time_stamped_at: Option<String>,
    /// How the certificate's revocation status at that time is proven: `ocsp` or `crl`.
    pub revocation: Option<String>,
    /// When this check ran (RFC 3339).
    pub checked_at: String,
}

/// `POST /api/applications/{id}/mobile-sign`: a link for signing the application with eGov
/// mobile — the QR code's text and image, the cross link for a phone, and how long it lives.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileSignView {
    /// The link's id (for its status and QR image).
    pub id: String,
    /// `mobileSign:` and the API No. 1 URL: what the QR code says.
    pub qr_text: String,
    /// Opens eGov mobile on this phone with the same link.
    pub cross_link: String,
    /// The QR code as an SVG image (`GET` it).
    pub qr_image: String,
    /// Until when it can be used (RFC 3339).
    pub expires_at: String,
    pub expires_in_seconds: i64,
}

/// `GET /api/applications/{id}/mobile-sign/{link}`: whether the phone has signed yet.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileSignStatusView {
    /// `waiting`, `signed`, `refused` or `expired`.
    pub state: String,
    /// The refusal's code (`eds.*`, `application.*`) when refused.
    pub problem: Option<String>,
}

/// `POST /api/applications/{id}/submit` (with an `Idempotency-Key` header): the document as
/// formed and the detached CMS signature over it, both base64.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitApplication {
    pub document: String,
    pub signature: String,
}

/// `POST /api/session/eds-challenge` answer: a one-time value to sign with the
/// authentication key, valid for two minutes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdsChallenge {
    pub nonce: String,
    pub expires_at: String,
}

/// `POST /api/session/eds`: the challenge and the detached CMS signature over its bytes
/// (the nonce's UTF-8), base64.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdsLogin {
    pub nonce: String,
    pub signature: String,
}

/// A certificate's holder as the signer shows them before signing, and as "signed by …"
/// names them (the browser's mirror of `qyzmet_eds::Holder`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateHolder {
    pub common_name: String,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub organization: Option<String>,
    pub issuer: String,
    pub serial: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
}

/// One entry of a request's history, as both sides see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryView {
    pub from: crate::status::Status,
    pub to: crate::status::Status,
    pub actor: crate::status::Actor,
    /// RFC 3339.
    pub at: String,
    pub note: Option<String>,
    /// The testing appointment this move scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<crate::appointment::Appointment>,
}

/// A request in an officer's queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: String,
    pub registration_number: String,
    pub service_id: String,
    pub service_name: String,
    pub applicant_id: String,
    pub applicant_name: String,
    pub status: crate::status::Status,
    pub due_date: String,
    /// Days from today (Kazakhstan) to the due date; negative when overdue.
    pub days_left: i64,
    pub overdue: bool,
    /// The step of the provider's process the request is at (none once its last is done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<QueueStep>,
    /// Whether the current step is for the one asking (their role; an executor's step only
    /// for the executor holding it, or nobody yet).
    #[serde(default)]
    pub mine: bool,
}

/// The current step of a request in the queue: who makes it, by when, who holds it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStep {
    pub index: usize,
    pub performer: crate::process::Performer,
    pub action: crate::process::StepAction,
    /// When the step falls due (RFC 3339), on the working calendar and office hours; none
    /// where the regulation sets the step no time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub overdue: bool,
    /// The executor holding the request, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
}

/// `GET /api/officer/requests`: the provider's queue, overdue first, then by due date, and
/// how many requests are in each status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub requests: Vec<QueueItem>,
    pub counts: std::collections::BTreeMap<String, i64>,
    /// How many requests each of the reader's tabs holds: `mine`, `assign` (a head's to
    /// name an executor for), `sign` (a head's to sign), `overdue` (a step past its due).
    #[serde(default)]
    pub tabs: std::collections::BTreeMap<String, i64>,
}

/// `GET /api/officer/requests/{id}`: the request with its answers, files, history and the
/// moves the status machine allows the officer now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerRequestView {
    pub item: QueueItem,
    pub application: ApplicationView,
    pub history: Vec<HistoryView>,
    pub allowed_moves: Vec<crate::status::Status>,
    /// The fee's payment, when the service has one and it was started: the officer sees
    /// whether it was paid before deciding.
    pub payment: Option<PaymentView>,
    /// Where the request stands in its provider's process, and what the reader may do there.
    pub process: ProcessView,
}

/// A member of staff: an account with their roles at one provider.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub id: i64,
    pub name: String,
    pub roles: Vec<crate::process::Performer>,
}

/// A member of staff as the administrator manages them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMemberView {
    pub id: i64,
    /// Their IIN.
    pub login: String,
    pub name: String,
    pub provider_id: String,
    pub roles: Vec<crate::process::Performer>,
    /// A disabled member of staff cannot log in; their past steps stay theirs.
    pub disabled: bool,
}

/// A provider, by id and name in the reader's language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRef {
    pub id: String,
    pub name: String,
}

/// `GET /api/admin/staff`: every provider's staff, and the providers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffList {
    pub staff: Vec<StaffMemberView>,
    pub providers: Vec<ProviderRef>,
}

/// `POST /api/admin/staff`: a person of the registry made a member of a provider's staff with
/// these roles. They log in with their EDS (no password is set for them).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaff {
    pub iin: String,
    pub provider_id: String,
    pub roles: Vec<crate::process::Performer>,
    #[serde(default)]
    pub email: String,
}

/// `PUT /api/admin/staff/{id}`: the member's roles and whether they are disabled.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChange {
    pub roles: Vec<crate::process::Performer>,
    pub disabled: bool,
}

/// One change the administrators made to staff: who, to whom, what, when.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAuditView {
    /// RFC 3339.
    pub at: String,
    pub administrator: String,
    pub member: String,
    pub provider_id: String,
    /// `added`, `roles`, `disabled`, `enabled`.
    pub action: String,
    /// The roles after the change (`office,head`).
    pub detail: String,
}

/// `GET /api/admin/staff-audit`: the staff changes, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAuditList {
    pub changes: Vec<StaffAuditView>,
}

/// A service a counter takes, with its variants.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterService {
    pub id: String,
    pub name: String,
    pub variants: Vec<ProviderRef>,
}

/// `GET /api/counter/services`: what this counter takes (the State Corporation's desk: the
/// services taken at its offices; a provider's office: its own).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterServices {
    /// `state_corporation` or `provider_office`.
    pub channel: crate::catalogue::Channel,
    pub services: Vec<CounterService>,
}

/// `POST /api/counter/applications`: an application entered at a counter for the person
/// (IIN) or company (BIN) `applicant_id`, who gave their written consent to the use of data
/// from state information systems (`consent`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterStart {
    pub applicant_id: String,
    pub consent: bool,
    pub service_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
}

/// `POST /api/counter/applications/{id}/refusal`: acceptance refused for an incomplete set;
/// the receipt (`GET /api/counter/refusals/{id}`) lists the missing documents.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceRefusal {
    pub id: String,
    /// The missing documents' ids (the Standard's item 9 list).
    pub missing: Vec<String>,
}

/// The result as the executor prepared it for the head's signature.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedView {
    pub outcome: crate::decision::Outcome,
    pub reason: Option<String>,
    /// Who prepared it, by name.
    pub by: String,
}

/// One thing done in the process: a step completed, an executor named or replaced, a result
/// prepared or signed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLogView {
    pub step: usize,
    pub event: crate::process::StepEvent,
    pub by: String,
    pub role: crate::process::Performer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// The request in its provider's process: the regulation's steps, the one it is at and by
/// when, who holds it, what was prepared, what was done — and what the reader may do now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessView {
    pub steps: Vec<crate::process::ProcessStep>,
    pub current: Option<QueueStep>,
    /// What completing the current step asks for.
    pub kind: Option<crate::process::StepKind>,
    pub prepared: Option<PreparedView>,
    pub log: Vec<StepLogView>,
    /// The reader may complete the current step (for a decision step: sign it).
    pub may_complete: bool,
    /// The reader is a head and may name another executor.
    pub may_reassign: bool,
    /// The current step gives the result out in person at a counter (to the applicant or a
    /// representative, recorded).
    #[serde(default)]
    pub gives_out: bool,
    /// Nobody collected it within its keeping period: it may go back to the provider.
    #[serde(default)]
    pub returnable: bool,
    /// The provider's executors (whom a head may name).
    pub executors: Vec<StaffView>,
}

/// `POST /api/officer/requests/{id}/step`: the current step done. `step` is the one the
/// member of staff saw (someone else's completion meanwhile answers 409); naming the
/// executor takes `executor`, preparing the result `outcome` (and a refusal's `reason`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRequest {
    #[serde(deserialize_with = "whole_index")]
    pub step: usize,
    /// The last step at a counter: the result given out, to the applicant (`null`
    /// representative) or to the representative named with their power of attorney.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_over: Option<HandOver>,
    /// The last step at a counter, past its keeping period: the uncollected result returned
    /// to the provider.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub returned: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_whole_number"
    )]
    pub executor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::decision::Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Whom a result was given to at a counter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOver {
    /// The representative's name and power of attorney (number, date), when not the
    /// applicant in person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<String>,
}

/// `POST /api/officer/requests/{id}/executor`: the head names another executor, saying why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignRequest {
    #[serde(deserialize_with = "whole_number")]
    pub executor: i64,
    pub reason: String,
}

/// One read of an applicant's personal data by staff: who, in which role, when.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataReadView {
    /// RFC 3339.
    pub at: String,
    pub name: String,
    pub roles: Vec<crate::process::Performer>,
    /// The body they work for, in the reader's language.
    pub provider: String,
}

/// One read of an applicant's data as the administrator searches them: who, in which
/// roles, for which body, which request, what, when.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataReadAuditView {
    /// RFC 3339.
    pub at: String,
    pub reader: String,
    /// The reader's IIN.
    pub reader_id: String,
    pub roles: Vec<crate::process::Performer>,
    pub provider: String,
    pub registration_number: String,
    /// What was read: `request`, `attachment`, `receipt`, `result`, `history`, …
    pub what: String,
}

/// `GET /api/admin/data-reads`: the reads of applicants' data, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataReadAuditList {
    pub reads: Vec<DataReadAuditView>,
}

/// `GET /api/applications/{id}/reads`: who looked at my application, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataReadList {
    pub reads: Vec<DataReadView>,
}

/// `POST /api/officer/requests/{id}/moves`: an intermediate step. `from` is the status the
/// officer saw: if another officer moved the request meanwhile, the answer is 409.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveRequest {
    pub from: crate::status::Status,
    pub to: crate::status::Status,
    #[serde(default)]
    pub note: Option<String>,
    /// Required when scheduling testing, refused otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<crate::appointment::Appointment>,
}

/// `POST /api/officer/requests/{id}/decision-document`: form the decision to sign.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDraft {
    pub outcome: crate::decision::Outcome,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The formed decision document (base64 of its canonical bytes).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDocumentView {
    pub document: String,
}

/// `POST /api/officer/requests/{id}/decision`: the document as formed and the officer's
/// detached CMS signature over it, base64.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionSubmit {
    pub document: String,
    pub signature: String,
}

/// `GET /api/applications/{id}/decision` (and for officers): the signed decision, so the
/// app can check the officer's signature itself before saying "signed by … on …".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub outcome: crate::decision::Outcome,
    pub reason: Option<String>,
    /// The signer as the certificate names them, and their IIN.
    pub signer: String,
    pub signer_iin: String,
    /// RFC 3339: the signing time the signature states.
    pub signed_at: String,
    pub document: String,
    pub signature: String,
}

/// `GET /api/verify/{code}`: what the public verification page shows of a printed document
/// — what the paper itself says and the provider's signature to check, nothing more.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedDocumentView {
    /// The code as printed (`XXXXX-XXXXX`).
    pub code: String,
    /// `receipt` (of the registered application) or `result` (the result or the refusal).
    pub document: String,
    pub registration_number: String,
    pub service_id: String,
    pub provider_id: String,
    /// The request's status now (the paper may be older).
    pub status: crate::status::Status,
    /// RFC 3339: when the request was registered (receipt) or decided (result).
    pub issued_at: String,
    /// SHA-256 (hex) of the signed document the paper was drawn from: the applicant's signed
    /// application (receipt) or the officer's signed decision (result).
    pub sha256: String,
    /// For a result: the officer's signed decision, which the page checks in the browser.
    pub decision: Option<DecisionView>,
    /// For a request accepted at a counter: whether its result waits there, was handed over
    /// or went back to the provider (`None` before that, and for a portal request).
    #[serde(default)]
    pub collection: Option<crate::process::Collection>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryList {
    pub history: Vec<HistoryView>,
}

/// A status change of one of my requests, as notification and as live event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub application_id: String,
    pub registration_number: Option<String>,
    pub status: crate::status::Status,
    pub note: Option<String>,
    /// The testing appointment the change scheduled (its date written by the reader's app).
    pub appointment: Option<crate::appointment::Appointment>,
    /// RFC 3339.
    pub at: String,
    pub read: bool,
}

/// `GET /api/notifications`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationList {
    pub unread: i64,
    pub notifications: Vec<NotificationView>,
}

/// One `status` event of `GET /api/events` (Server-Sent Events).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    pub application_id: String,
    pub registration_number: Option<String>,
    pub status: crate::status::Status,
    pub note: Option<String>,
}

/// A JSON whole number, also when written with a zero fraction (`3.0`): JSON Schema's
/// `integer` admits it, and a client that computed it as a float means the same number.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0)
                .map(|f| f as i64)
        })
        .ok_or_else(|| serde::de::Error::custom("expected a whole number"))
}

/// A whole number that is an index (a step's): not negative. One too large for this machine
/// names no step, as any index past the end does: it is read as the largest index (which no
/// process reaches, so the server answers that the step is not the one to make), not as a
/// malformed request — JSON Schema's `integer` has no upper end.
fn whole_index<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    if let Some(whole) = n.as_u64() {
        return Ok(usize::try_from(whole).unwrap_or(usize::MAX));
    }
    match n.as_f64() {
        // A float cast saturates: past usize's range is usize::MAX.
        Some(f) if f.fract() == 0.0 && f >= 0.0 => Ok(f as usize),
        _ => Err(serde::de::Error::custom("expected a step's number")),
    }
}

/// An optional whole number (`null` or absent: none).
fn optional_whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole_number")] i64);
    Ok(Option::<Whole>::deserialize(d)?.map(|Whole(n)| n))
}

#[cfg(test)]
mod tests {
    use super::{SaveAnswers, renews_session};

    #[test]
    fn reading_the_session_renews_nothing_and_real_actions_do() {
        for quiet in [
            "/session",
            "/api/session",
            "http://127.0.0.1:8080/api/session",
            "/api/session?lang=kk",
            "/api/services?lang=ru",
            "/services/guardianship",
            "/api/pki/root-ca.cer",
            "/api/health",
        ] {
            assert!(!renews_session(quiet), "{quiet}");
        }
        for active in [
            "/session/keepalive",
            "http://127.0.0.1:8080/api/session/keepalive",
            "/api/applications",
            "/applications/abc/step",
            "/api/notifications",
        ] {
            assert!(renews_session(active), "{active}");
        }
    }

    #[test]
    fn a_step_and_an_executor_written_with_a_zero_fraction_are_those_whole_numbers() {
        let req: super::StepRequest =
            serde_json::from_str(r#"{"step": 3.0, "executor": 12.0, "extra": []}"#).unwrap();
        assert_eq!((req.step, req.executor), (3, Some(12)));
        let none: super::StepRequest =
            serde_json::from_str(r#"{"step": 0, "executor": null}"#).unwrap();
        assert_eq!(none.executor, None);
        assert!(serde_json::from_str::<super::StepRequest>(r#"{"step": -1}"#).is_err());
        assert!(serde_json::from_str::<super::StepRequest>(r#"{"step": 1.5}"#).is_err());
        // Too large for any process (schemathesis sent it): no step, not a malformed body.
        for huge in [
            "2428378395525872089402422925841137664",
            "18446744073709551615",
            "1e300",
        ] {
            let req: super::StepRequest =
                serde_json::from_str(&format!(r#"{{"step": {huge}}}"#)).unwrap();
            assert_eq!(req.step, usize::MAX, "{huge}");
        }
    }

    #[test]
    fn a_version_written_with_a_zero_fraction_is_that_whole_number() {
        let parse = |v: &str| {
            serde_json::from_str::<SaveAnswers>(&format!(r#"{{"version": {v}, "answers": {{}}}}"#))
        };
        assert_eq!(parse("3").unwrap().version, 3);
        assert_eq!(parse("3.0").unwrap().version, 3);
        assert!(parse("3.5").is_err());
        assert!(parse("\"3\"").is_err());
        assert!(parse("1e300").is_err());
    }
}
