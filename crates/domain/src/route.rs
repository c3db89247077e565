//! The portal's pages, one table: every address the app draws is a [`Page`], parsed from the
//! URL's path here and nowhere else. The app's router and its lazy areas, the server's page
//! rendering (what it preloads) and the "needs script" notice all match on it exhaustively,
//! so a new page is a new variant the compiler walks you through.
//!
//! The API's paths are the other half ([`api`]): the app's client builds every `/api/…`
//! address with these functions, and a server test checks each template is a path of the
//! server's OpenAPI document.

/// A page of the portal, with the ids its address carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home,
    Login,
    Register,
    /// TEST: the SMS outbox of the demo (absent in production).
    TestSmsOutbox,
    Service {
        id: String,
    },
    Cabinet,
    /// The application editor (a draft's task list, steps and check of answers).
    Apply {
        id: String,
    },
    /// TEST: the demo's payment gateway (absent in production).
    TestPaymentGateway {
        id: String,
    },
    Sign {
        id: String,
    },
    /// A request's page, for its applicant.
    Request {
        id: String,
    },
    /// A document's check by the code printed on it.
    Verify {
        code: String,
    },
    OfficerQueue,
    OfficerRequest {
        id: String,
    },
    /// The administrator's staff and roles of every provider.
    AdminStaff,
    /// A counter's desk (the State Corporation's, a provider's office): paper taken in.
    Counter,
    NotFound,
}

/// What kind of page, without its ids: what the router's patterns and the lazy areas name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Login,
    Register,
    TestSmsOutbox,
    Service,
    Cabinet,
    Apply,
    TestPaymentGateway,
    Sign,
    Request,
    Verify,
    OfficerQueue,
    OfficerRequest,
    AdminStaff,
    Counter,
    NotFound,
}

/// The part of the app a page's code is in: the app's wasm is split by area, and an area's
/// file is fetched when one of its pages is first drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// In the app's main file ("not found").
    Main,
    /// What anyone may open: the catalogue (home), login, registration, a service, a
    /// document check.
    Entry,
    /// The applicant's cabinet and requests (and the TEST payment gateway).
    Applicant,
    /// The application editor: a phone on a metered plan opening a draft pays for the
    /// editor, not for every applicant's page (#28).
    Application,
    /// Signing an application with the EDS.
    Signing,
    /// The staff's side: the provider's queue and requests, the administrator's staff page.
    Officer,
}

impl Area {
    /// The area's name in the build (`split_<name>.wasm`; `#[wasm_split(<name>)]`).
    pub fn name(self) -> &'static str {
        match self {
            Area::Main => "main",
            Area::Entry => "entry",
            Area::Applicant => "applicant",
            Area::Application => "application",
            Area::Signing => "signing",
            Area::Officer => "officer",
        }
    }
}

impl PageKind {
    /// Every page, for tests that walk the table.
    pub const ALL: [PageKind; 16] = [
        PageKind::Home,
        PageKind::Login,
        PageKind::Register,
        PageKind::TestSmsOutbox,
        PageKind::Service,
        PageKind::Cabinet,
        PageKind::Apply,
        PageKind::TestPaymentGateway,
        PageKind::Sign,
        PageKind::Request,
        PageKind::Verify,
        PageKind::OfficerQueue,
        PageKind::OfficerRequest,
        PageKind::AdminStaff,
        PageKind::Counter,
        PageKind::NotFound,
    ];

    /// The router's pattern (`:id` a segment), as the app's `<Route path=…>` writes it.
    pub fn pattern(self) -> &'static str {
        match self {
            PageKind::Home => "/",
            PageKind::Login => "/login",
            PageKind::Register => "/register",
            PageKind::TestSmsOutbox => "/test-sms-outbox",
            PageKind::Service => "/services/:id",
            PageKind::Cabinet => "/cabinet",
            PageKind::Apply => "/applications/:id/edit",
            PageKind::TestPaymentGateway => "/test-payment-gateway/:id",
            PageKind::Sign => "/applications/:id/sign",
            PageKind::Request => "/applications/:id",
            PageKind::Verify => "/verify/:code",
            PageKind::OfficerQueue => "/officer",
            PageKind::OfficerRequest => "/officer/requests/:id",
            PageKind::AdminStaff => "/admin/staff",
            PageKind::Counter => "/counter",
            PageKind::NotFound => "/*any",
        }
    }

    pub fn area(self) -> Area {
        match self {
            PageKind::NotFound => Area::Main,
            PageKind::Home => Area::Entry,
            PageKind::Login
            | PageKind::Register
            | PageKind::TestSmsOutbox
            | PageKind::Service
            | PageKind::Verify => Area::Entry,
            PageKind::Cabinet | PageKind::TestPaymentGateway | PageKind::Request => Area::Applicant,
            PageKind::Apply => Area::Application,
            PageKind::Sign => Area::Signing,
            PageKind::OfficerQueue
            | PageKind::OfficerRequest
            | PageKind::AdminStaff
            | PageKind::Counter => Area::Officer,
        }
    }

    /// Whether the page needs script to be used (it signs, uploads, or shows what the
    /// browser fetches); the server's copy of such a page says so to a visitor without
    /// script. The others read, and their links and forms work, without it.
    pub fn needs_script(self) -> bool {
        match self {
            PageKind::Home
            | PageKind::Login
            | PageKind::Service
            | PageKind::Cabinet
            | PageKind::Request
            | PageKind::Verify
            | PageKind::TestSmsOutbox
            | PageKind::NotFound => false,
            PageKind::Register
            | PageKind::Apply
            | PageKind::TestPaymentGateway
            | PageKind::Sign
            | PageKind::OfficerQueue
            | PageKind::OfficerRequest
            | PageKind::AdminStaff
            | PageKind::Counter => true,
        }
    }

    /// A TEST double's page: drawn only where the server runs that double.
    pub fn is_test_double(self) -> bool {
        matches!(self, PageKind::TestSmsOutbox | PageKind::TestPaymentGateway)
    }
}

/// One path segment: present, and not empty.
fn segment(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl Page {
    /// The page at `path_and_query` (a query or fragment is ignored; a trailing `/` is not a
    /// page of its own).
    pub fn parse(path_and_query: &str) -> Page {
        let path = path_and_query.split(['?', '#']).next().unwrap_or("/");
        let Some(path) = path.strip_prefix('/') else {
            return Page::NotFound;
        };
        let parts: Vec<&str> = path.split('/').collect();
        let page = match parts.as_slice() {
            [""] => Some(Page::Home),
            ["login"] => Some(Page::Login),
            ["register"] => Some(Page::Register),
            ["test-sms-outbox"] => Some(Page::TestSmsOutbox),
            ["cabinet"] => Some(Page::Cabinet),
            ["officer"] => Some(Page::OfficerQueue),
            ["admin", "staff"] => Some(Page::AdminStaff),
            ["counter"] => Some(Page::Counter),
            ["services", id] => segment(id).map(|id| Page::Service { id }),
            ["applications", id] => segment(id).map(|id| Page::Request { id }),
            ["applications", id, "edit"] => segment(id).map(|id| Page::Apply { id }),
            ["applications", id, "sign"] => segment(id).map(|id| Page::Sign { id }),
            ["test-payment-gateway", id] => segment(id).map(|id| Page::TestPaymentGateway { id }),
            ["verify", code] => segment(code).map(|code| Page::Verify { code }),
            ["officer", "requests", id] => segment(id).map(|id| Page::OfficerRequest { id }),
            _ => None,
        };
        page.unwrap_or(Page::NotFound)
    }

    pub fn kind(&self) -> PageKind {
        match self {
            Page::Home => PageKind::Home,
            Page::Login => PageKind::Login,
            Page::Register => PageKind::Register,
            Page::TestSmsOutbox => PageKind::TestSmsOutbox,
            Page::Service { .. } => PageKind::Service,
            Page::Cabinet => PageKind::Cabinet,
            Page::Apply { .. } => PageKind::Apply,
            Page::TestPaymentGateway { .. } => PageKind::TestPaymentGateway,
            Page::Sign { .. } => PageKind::Sign,
            Page::Request { .. } => PageKind::Request,
            Page::Verify { .. } => PageKind::Verify,
            Page::OfficerQueue => PageKind::OfficerQueue,
            Page::OfficerRequest { .. } => PageKind::OfficerRequest,
            Page::AdminStaff => PageKind::AdminStaff,
            Page::Counter => PageKind::Counter,
            Page::NotFound => PageKind::NotFound,
        }
    }

    /// The page's address (ids percent-encoded where they need it).
    pub fn href(&self) -> String {
        let e = |s: &str| encode_segment(s);
        match self {
            Page::Home => "/".into(),
            Page::Login => "/login".into(),
            Page::Register => "/register".into(),
            Page::TestSmsOutbox => "/test-sms-outbox".into(),
            Page::Service { id } => format!("/services/{}", e(id)),
            Page::Cabinet => "/cabinet".into(),
            Page::Apply { id } => format!("/applications/{}/edit", e(id)),
            Page::TestPaymentGateway { id } => format!("/test-payment-gateway/{}", e(id)),
            Page::Sign { id } => format!("/applications/{}/sign", e(id)),
            Page::Request { id } => format!("/applications/{}", e(id)),
            Page::Verify { code } => format!("/verify/{}", e(code)),
            Page::OfficerQueue => "/officer".into(),
            Page::OfficerRequest { id } => format!("/officer/requests/{}", e(id)),
            Page::AdminStaff => "/admin/staff".into(),
            Page::Counter => "/counter".into(),
            // Nothing links to "not found"; its address is whatever was asked.
            Page::NotFound => "/".into(),
        }
    }

    pub fn needs_script(&self) -> bool {
        self.kind().needs_script()
    }
}

/// A path segment as a URL carries it: unreserved characters as they are, the rest
/// percent-encoded (ids are ASCII already; this keeps a stray `/` or `?` from changing the
/// address).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The API's paths, as the app's client builds them (`/api` + the OpenAPI document's path).
pub mod api {
    use super::encode_segment as e;
    use crate::Lang;

    /// Every template below (`{…}` a parameter), as the OpenAPI document names its paths: a
    /// server test checks each is one of them.
    pub const TEMPLATES: &[&str] = &[
        "/services",
        "/services/{id}",
        "/session",
        "/session/others",
        "/session/code",
        "/session/eds-challenge",
        "/session/eds",
        "/session/keepalive",
        "/accounts",
        "/accounts/verification",
        "/accounts/eds-challenge",
        "/test-sms-outbox/{phone}",
        "/applications",
        "/applications/{id}",
        "/applications/{id}/outgoing-document",
        "/applications/{id}/submit",
        "/applications/{id}/history",
        "/applications/{id}/decision",
        "/applications/{id}/check",
        "/applications/{id}/payment",
        "/applications/{id}/withdraw",
        "/applications/{id}/step",
        "/applications/{id}/mobile-sign",
        "/applications/{id}/mobile-sign/{link}",
        "/applications/{id}/attachments/{document_id}",
        "/applications/{id}/receipt",
        "/applications/{id}/result",
        "/applications/{id}/signature",
        "/applications/{id}/reads",
        "/verify/{code}",
        "/officer/requests",
        "/officer/requests/{id}",
        "/officer/requests/{id}/moves",
        "/officer/requests/{id}/decision-document",
        "/officer/requests/{id}/decision",
        "/officer/requests/{id}/step",
        "/officer/requests/{id}/executor",
        "/admin/staff",
        "/admin/staff/{id}",
        "/admin/staff-audit",
        "/admin/data-reads",
        "/counter/services",
        "/counter/applications",
        "/counter/applications/{id}/refusal",
        "/counter/refusals/{id}",
        "/test-payment-gateway/payments/{id}",
        "/test-payment-gateway/payments/{id}/confirm",
        "/notifications",
        "/notifications/read",
        "/events",
        "/pki/root-ca.cer",
        "/pki/issuing-ca.cer",
        "/pki/issuing-ca.crl",
        "/pki/gost/root-ca.cer",
        "/pki/gost/issuing-ca.cer",
        "/pki/gost/issuing-ca.crl",
    ];

    /// `path` with `?lang=` (the answer's messages in that language).
    pub fn in_lang(path: &str, lang: Lang) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang={}", lang.code())
    }

    pub const SERVICES: &str = "/api/services";
    pub const SESSION: &str = "/api/session";
    pub const SESSION_OTHERS: &str = "/api/session/others";
    pub const SESSION_CODE: &str = "/api/session/code";
    pub const SESSION_EDS_CHALLENGE: &str = "/api/session/eds-challenge";
    pub const SESSION_EDS: &str = "/api/session/eds";
    pub const SESSION_KEEPALIVE: &str = "/api/session/keepalive";
    pub const ACCOUNTS: &str = "/api/accounts";
    pub const ACCOUNTS_VERIFICATION: &str = "/api/accounts/verification";
    pub const ACCOUNTS_EDS_CHALLENGE: &str = "/api/accounts/eds-challenge";
    pub const APPLICATIONS: &str = "/api/applications";
    pub const OFFICER_REQUESTS: &str = "/api/officer/requests";
    pub const ADMIN_STAFF: &str = "/api/admin/staff";
    pub const ADMIN_STAFF_AUDIT: &str = "/api/admin/staff-audit";
    pub const ADMIN_DATA_READS: &str = "/api/admin/data-reads";
    pub const COUNTER_SERVICES: &str = "/api/counter/services";
    pub const COUNTER_APPLICATIONS: &str = "/api/counter/applications";
    pub const NOTIFICATIONS: &str = "/api/notifications";
    pub const NOTIFICATIONS_READ: &str = "/api/notifications/read";
    pub const EVENTS: &str = "/api/events";

    pub fn service(id: &str) -> String {
        format!("/api/services/{}", e(id))
    }
    pub fn test_sms_outbox(phone: &str) -> String {
        format!("/api/test-sms-outbox/{}", e(phone))
    }
    pub fn application(id: &str) -> String {
        format!("/api/applications/{}", e(id))
    }
    /// One of an application's sub-resources: `outgoing-document`, `submit`, `history`,
    /// `decision`, `check`, `payment`, `withdraw`, `step`, `mobile-sign`, `receipt`,
    /// `result`, `signature`.
    pub fn of_application(id: &str, what: ApplicationPart) -> String {
        format!("/api/applications/{}/{}", e(id), what.segment())
    }
    pub fn mobile_sign_link(id: &str, link: &str) -> String {
        format!("/api/applications/{}/mobile-sign/{}", e(id), e(link))
    }
    pub fn attachment(id: &str, document_id: &str) -> String {
        format!("/api/applications/{}/attachments/{}", e(id), e(document_id))
    }
    pub fn verify(code: &str) -> String {
        format!("/api/verify/{}", e(code))
    }
    pub fn officer_request(id: &str) -> String {
        format!("/api/officer/requests/{}", e(id))
    }
    pub fn officer_moves(id: &str) -> String {
        format!("/api/officer/requests/{}/moves", e(id))
    }
    pub fn officer_decision_document(id: &str) -> String {
        format!("/api/officer/requests/{}/decision-document", e(id))
    }
    pub fn officer_decision(id: &str) -> String {
        format!("/api/officer/requests/{}/decision", e(id))
    }
    pub fn counter_refusal(draft_id: &str) -> String {
        format!("/api/counter/applications/{}/refusal", e(draft_id))
    }
    pub fn counter_refusal_receipt(id: &str) -> String {
        format!("/api/counter/refusals/{}", e(id))
    }
    pub fn admin_staff_member(id: i64) -> String {
        format!("/api/admin/staff/{id}")
    }
    pub fn officer_step(id: &str) -> String {
        format!("/api/officer/requests/{}/step", e(id))
    }
    pub fn officer_executor(id: &str) -> String {
        format!("/api/officer/requests/{}/executor", e(id))
    }
    pub fn test_payment(payment_id: &str) -> String {
        format!("/api/test-payment-gateway/payments/{}", e(payment_id))
    }
    pub fn test_payment_confirm(payment_id: &str) -> String {
        format!(
            "/api/test-payment-gateway/payments/{}/confirm",
            e(payment_id)
        )
    }
    /// The published CA certificates and CRLs, per chain (`gost` or the RSA one).
    pub fn pki(gost: bool, file: &str) -> String {
        if gost {
            format!("/api/pki/gost/{file}")
        } else {
            format!("/api/pki/{file}")
        }
    }

    /// The parts of an application that have an address of their own.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ApplicationPart {
        OutgoingDocument,
        Submit,
        History,
        Decision,
        Check,
        Payment,
        Withdraw,
        Step,
        MobileSign,
        Receipt,
        Result,
        Signature,
        Reads,
    }

    impl ApplicationPart {
        pub const ALL: [ApplicationPart; 13] = [
            ApplicationPart::OutgoingDocument,
            ApplicationPart::Submit,
            ApplicationPart::History,
            ApplicationPart::Decision,
            ApplicationPart::Check,
            ApplicationPart::Payment,
            ApplicationPart::Withdraw,
            ApplicationPart::Step,
            ApplicationPart::MobileSign,
            ApplicationPart::Receipt,
            ApplicationPart::Result,
            ApplicationPart::Signature,
            ApplicationPart::Reads,
        ];

        fn segment(self) -> &'static str {
            match self {
                ApplicationPart::OutgoingDocument => "outgoing-document",
                ApplicationPart::Submit => "submit",
                ApplicationPart::History => "history",
                ApplicationPart::Decision => "decision",
                ApplicationPart::Check => "check",
                ApplicationPart::Payment => "payment",
                ApplicationPart::Withdraw => "withdraw",
                ApplicationPart::Step => "step",
                ApplicationPart::Reads => "reads",
                ApplicationPart::MobileSign => "mobile-sign",
                ApplicationPart::Receipt => "receipt",
                ApplicationPart::Result => "result",
                ApplicationPart::Signature => "signature",
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::api::{self, ApplicationPart};
    use super::*;
    use crate::Lang;

    /// A sample address of each kind of page.
    fn sample(kind: PageKind) -> Page {
        let id = "a1b2".to_string();
        match kind {
            PageKind::Home => Page::Home,
            PageKind::Login => Page::Login,
            PageKind::Register => Page::Register,
            PageKind::TestSmsOutbox => Page::TestSmsOutbox,
            PageKind::Service => Page::Service { id },
            PageKind::Cabinet => Page::Cabinet,
            PageKind::Apply => Page::Apply { id },
            PageKind::TestPaymentGateway => Page::TestPaymentGateway { id },
            PageKind::Sign => Page::Sign { id },
            PageKind::Request => Page::Request { id },
            PageKind::Verify => Page::Verify { code: id },
            PageKind::OfficerQueue => Page::OfficerQueue,
            PageKind::OfficerRequest => Page::OfficerRequest { id },
            PageKind::AdminStaff => Page::AdminStaff,
            PageKind::Counter => Page::Counter,
            PageKind::NotFound => Page::NotFound,
        }
    }

    #[test]
    fn every_page_parses_back_from_its_address_and_its_pattern() {
        for kind in PageKind::ALL
            .into_iter()
            .filter(|k| *k != PageKind::NotFound)
        {
            let page = sample(kind);
            assert_eq!(page.kind(), kind);
            assert_eq!(Page::parse(&page.href()), page, "{kind:?}");
            // The router's pattern with the id put in is the same address.
            let from_pattern = kind
                .pattern()
                .replace(":id", "a1b2")
                .replace(":code", "a1b2");
            assert_eq!(from_pattern, page.href(), "{kind:?}");
        }
        assert_eq!(Page::parse("/cabinet?status=registered#top"), Page::Cabinet);
    }

    #[test]
    fn addresses_outside_the_table_are_not_found() {
        for path in [
            "/no/such/page",
            "/services/",
            "/services/a/b",
            "/applications//edit",
            "/applications/a/delete",
            "/officer/requests",
            "/login/",
            "//services/x",
        ] {
            assert_eq!(Page::parse(path), Page::NotFound, "{path}");
        }
    }

    #[test]
    fn pages_that_read_without_script_do_not_say_they_need_it() {
        for reads in [
            "/",
            "/login",
            "/cabinet",
            "/services/x",
            "/applications/abc",
            "/verify/X",
            "/test-sms-outbox",
        ] {
            assert!(!Page::parse(reads).needs_script(), "{reads}");
        }
        for needs in [
            "/register",
            "/applications/abc/edit",
            "/applications/abc/sign",
            "/officer",
            "/officer/requests/abc",
            "/test-payment-gateway/abc",
        ] {
            assert!(Page::parse(needs).needs_script(), "{needs}");
        }
        assert!(
            !Page::parse("/no/such/page").needs_script(),
            "not found reads"
        );
    }

    #[test]
    fn ids_cannot_change_the_address() {
        assert_eq!(
            Page::Service { id: "a/b?c".into() }.href(),
            "/services/a%2Fb%3Fc"
        );
        assert_eq!(api::application("x/../y"), "/api/applications/x%2F..%2Fy");
    }

    #[test]
    fn every_api_address_the_app_builds_is_a_listed_template() {
        let listed = |path: &str| {
            let path = path.strip_prefix("/api").unwrap();
            api::TEMPLATES.iter().any(|t| {
                let (t, p): (Vec<_>, Vec<_>) = (t.split('/').collect(), path.split('/').collect());
                t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
            })
        };
        let mut built = vec![
            api::SERVICES.to_string(),
            api::SESSION.into(),
            api::SESSION_OTHERS.into(),
            api::SESSION_CODE.into(),
            api::SESSION_EDS_CHALLENGE.into(),
            api::SESSION_EDS.into(),
            api::SESSION_KEEPALIVE.into(),
            api::ACCOUNTS.into(),
            api::ACCOUNTS_VERIFICATION.into(),
            api::ACCOUNTS_EDS_CHALLENGE.into(),
            api::APPLICATIONS.into(),
            api::OFFICER_REQUESTS.into(),
            api::NOTIFICATIONS.into(),
            api::NOTIFICATIONS_READ.into(),
            api::EVENTS.into(),
            api::service("x"),
            api::test_sms_outbox("77010000000"),
            api::application("x"),
            api::mobile_sign_link("x", "l"),
            api::attachment("x", "d"),
            api::verify("c"),
            api::officer_request("x"),
            api::officer_moves("x"),
            api::officer_decision_document("x"),
            api::officer_decision("x"),
            api::test_payment("p"),
            api::test_payment_confirm("p"),
        ];
        built.extend(ApplicationPart::ALL.map(|p| api::of_application("x", p)));
        for gost in [false, true] {
            for file in ["root-ca.cer", "issuing-ca.cer", "issuing-ca.crl"] {
                built.push(api::pki(gost, file));
            }
        }
        for path in built {
            assert!(listed(&path), "{path} is not a listed template");
        }
        assert_eq!(api::in_lang("/api/x", Lang::Ru), "/api/x?lang=ru");
        assert_eq!(api::in_lang("/api/x?a=1", Lang::En), "/api/x?a=1&lang=en");
    }
}
