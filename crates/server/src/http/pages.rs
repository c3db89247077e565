//! The app's pages as HTML. Every address of the app is answered with the page the app would
//! draw, rendered by the app's own components (`qyzmet::first_paint`) in the visitor's language
//! (`?lang=`, then the `qyzmet_lang` cookie the language switcher sets, then
//! `Accept-Language`, then Kazakh), with the session its cookie names: the page reads before
//! the script arrives, and its links and GET forms work without script. The browser then draws
//! the app over it, with the data the page was drawn with (sent in it as JSON), so it does not
//! ask for that again. Answers are `no-cache` with an ETag, so a return visit costs a 304.

use super::login_steps::session_view;
use crate::{AppState, accounts, sessions};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use qyzmet::first_paint::{self, CabinetPage, Preloaded, RequestPage, Sent};
use qyzmet_domain::Lang;
use qyzmet_domain::api::{
    AccountView, ApplicationList, HistoryList, Role, ServiceSummary, SessionView,
};
use qyzmet_domain::route::Page;
use qyzmet_domain::status::Status;
use sha2::{Digest, Sha256};
use std::sync::Arc;

use qyzmet::i18n::LANG_COOKIE;

/// The built `index.html`, split where the rendered page goes.
#[derive(Clone)]
pub struct Template {
    html: Arc<str>,
}

impl Template {
    /// The built app's `index.html` in `dist`, if built.
    pub fn read(dist: &std::path::Path) -> Option<Template> {
        let html = std::fs::read_to_string(dist.join("index.html")).ok()?;
        Some(Template { html: html.into() })
    }

    /// The app's stylesheet links (`<link rel="stylesheet" …>`), for a page the server draws
    /// outside the app (the acquirer's hand-over) that should still look like the portal.
    pub fn stylesheets(&self) -> String {
        let mut links = String::new();
        let mut rest = &*self.html;
        while let Some(at) = rest.find("<link") {
            rest = &rest[at..];
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            if rest[..end].contains("stylesheet") {
                links.push_str(&rest[..end]);
            }
            rest = &rest[end..];
        }
        links
    }

    /// The page with the rendered copy and what it was rendered with, and when the app comes.
    fn fill(&self, rendered: &first_paint::Rendered, description: &str, start: &Start) -> String {
        let lang = rendered.lang.code();
        self.html
            .replacen("<html lang=\"kk\">", &format!("<html lang=\"{lang}\">"), 1)
            .replacen(
                "<title>Qyzmet</title>",
                &format!(
                    "<title>{}</title>\n    <meta name=\"description\" content=\"{}\" />",
                    escape(&rendered.title),
                    escape(description)
                ),
                1,
            )
            .replacen(
                "<body>",
                &format!(
                    "<body>\n    <div id=\"{}\" data-session=\"{}\"{}>{}</div>\n    \
                     <script type=\"application/json\" id=\"{}\">{}</script>",
                    first_paint::SERVER_COPY,
                    if rendered.logged_in { "yes" } else { "none" },
                    start.attributes(),
                    rendered.body,
                    first_paint::PRELOADED,
                    rendered.preloaded
                ),
                1,
            )
    }
}

/// When the app comes to a page the server drew (`xtask/src/start.js` reads it off the copy).
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    /// At once: the page's work is the app's (an application's editor, signing, the staff's
    /// desks).
    AtOnce,
    /// When a field or button of the page is first used: the page reads, and its links and
    /// forms work, without the app (#28: a visit that only reads pays for the page alone).
    OnUse {
        /// In so many seconds at the latest: the session's timeout warning is the app's.
        by: Option<i64>,
        /// Or when this request (the one shown) has news: its change is the app's to show
        /// and announce.
        news_of: Option<String>,
    },
}

impl Start {
    pub fn of(page: &Page, session: Option<&SessionView>) -> Start {
        let reads = match session {
            // A visitor: what a visitor can open reads without the app, but for the editor.
            None => !matches!(page, Page::Apply { .. } | Page::Sign { .. }),
            // An applicant's own pages that read; staff work in the app all day.
            Some(s) if s.account.role == Role::Applicant => matches!(
                page,
                Page::Home
                    | Page::Service { .. }
                    | Page::Cabinet
                    | Page::Request { .. }
                    | Page::Verify { .. }
                    | Page::TestSmsOutbox
                    | Page::NotFound
            ),
            Some(_) => false,
        };
        if !reads {
            return Start::AtOnce;
        }
        Start::OnUse {
            // A minute early: the app needs a moment to start, the warning must not be late.
            by: session.map(|s| (s.warning_in() - 60).max(0)),
            news_of: match page {
                Page::Request { id } if session.is_some() => Some(id.clone()),
                _ => None,
            },
        }
    }

    /// The copy's attributes that say so (each value escaped).
    fn attributes(&self) -> String {
        let Start::OnUse { by, news_of } = self else {
            return String::new();
        };
        let mut attributes = " data-start=\"on-use\"".to_string();
        if let Some(by) = by {
            attributes.push_str(&format!(" data-start-by=\"{by}\""));
        }
        if let Some(id) = news_of {
            attributes.push_str(&format!(
                " data-live-request=\"{}\" data-live-events=\"{}\"",
                escape(id),
                qyzmet_domain::route::api::EVENTS
            ));
        }
        attributes
    }
}

/// `GET` of any app address: the page, rendered.
pub async fn page(
    state: &Arc<AppState>,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Response<Body> {
    render_page(state, path_and_query, headers, |_| ()).await
}

/// The page at `path_and_query`, with what `more` adds to what the server preloads for it.
pub async fn render_page(
    state: &Arc<AppState>,
    path_and_query: &str,
    headers: &HeaderMap,
    more: impl FnOnce(&mut Preloaded),
) -> Response<Body> {
    let Some(template) = &state.page_template else {
        let mut res = Response::new(Body::from(
            "The app is not built: run `cargo xtask serve`.\n",
        ));
        *res.status_mut() = StatusCode::NOT_FOUND;
        return res;
    };
    let lang = page_lang(path_and_query, headers);
    let signed_in = session(state, headers).await;
    let account = signed_in.as_ref().map(|(account, _)| account);
    let page = Page::parse(path_and_query);
    let mut preloaded = preload(state, &page, path_and_query, lang, account).await;
    preloaded.test_doors = qyzmet::first_paint::TestDoors {
        sms_outbox: state.sms.is_test(),
        payment_gateway: state.payments.is_test(),
    };
    let start = Start::of(&page, signed_in.as_ref().map(|(_, view)| view));
    preloaded.session = signed_in.map(|(_, view)| view);
    more(&mut preloaded);
    let url = path_and_query.to_string();
    let messages = crate::locales::all(lang);
    // Rendering is synchronous work on the app's (thread-local) reactive graph.
    let rendered =
        tokio::task::spawn_blocking(move || first_paint::render(&url, lang, messages, preloaded))
            .await;
    let Ok(mut rendered) = rendered else {
        // A page the server cannot draw is still the app: the browser draws it.
        tracing::error!(path = path_and_query, "rendering the page failed");
        return html_response(template.html.to_string(), StatusCode::OK, false, headers);
    };
    if rendered.title.is_empty() {
        // A page whose title waits for its data (the browser sets it then).
        rendered.title = crate::locales::message(lang, "app.name");
    }
    let description = crate::locales::message(lang, "app.description");
    let html = template.fill(&rendered, &description, &start);
    let status = StatusCode::from_u16(rendered.status).unwrap_or(StatusCode::OK);
    let mut response = html_response(html, status, rendered.logged_in, headers);
    if asks_lang(path_and_query) {
        // Chosen with the switcher's form (no script): remembered as the app remembers it.
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The page with its caching headers: `no-cache` and an ETag, so an unchanged page is a 304;
/// a page drawn for a session (a name, an IIN, requests) is also `private`: no shared cache
/// keeps it, whether or not it honours `Vary: Cookie`.
fn html_response(
    html: String,
    status: StatusCode,
    personal: bool,
    headers: &HeaderMap,
) -> Response<Body> {
    let etag = format!(
        "\"{}\"",
        crate::hex::hex(&Sha256::digest(html.as_bytes())[..16])
    );
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if unchanged && status == StatusCode::OK {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(html));
        *r.status_mut() = status;
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if personal {
            "private, no-cache"
        } else {
            "no-cache"
        }),
    );
    // The page differs by language and by who is logged in.
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, etag);
    }
    response
}

/// What the page shows that the server has at hand, read here instead of fetched by the
/// browser: the catalogue, a service, the applicant's request and cabinet. One arm per page
/// of the table; the others draw what the app fetches (a document check is preloaded by
/// `verify.rs`, which checks the code first).
async fn preload(
    state: &AppState,
    page: &Page,
    path_and_query: &str,
    lang: Lang,
    account: Option<&AccountView>,
) -> Preloaded {
    let mut preloaded = Preloaded::default();
    // An officer's account has no cabinet or requests of its own.
    let applicant = account.filter(|a| a.role != Role::Officer);
    match page {
        Page::Home => {
            preloaded.services = Some(Sent::new(crate::catalogue::list(&state.catalogue, lang)));
        }
        Page::Service { id } => {
            preloaded.service = crate::catalogue::detail(&state.catalogue, id, lang).map(Sent::new);
            preloaded.service_missing = preloaded.service.is_none();
        }
        Page::Request { id } => {
            if let Some(account) = applicant {
                preloaded.request = request_page(state, account, id, lang).await.map(Sent::new);
            }
        }
        Page::Cabinet => {
            if let Some(account) = applicant {
                preloaded.cabinet = cabinet_page(state, account, path_and_query)
                    .await
                    .map(Sent::new);
                preloaded.services =
                    Some(Sent::new(crate::catalogue::list(&state.catalogue, lang)));
            }
        }
        Page::Apply { id } => {
            if let Some(account) = account {
                preloaded.apply = apply_page(state, account, id, lang).await.map(Sent::new);
            }
        }
        Page::TestSmsOutbox => {
            // TEST: the outbox the page's form asked for (GET ?phone=…), so it reads without
            // script. Nothing of it exists where the gateway is a real provider.
            let query = path_and_query.split_once('?').map_or("", |(_, q)| q);
            let phone = form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "phone")
                .map(|(_, v)| v.into_owned());
            if let (true, Some(phone)) = (state.sms.is_test(), phone) {
                preloaded.outbox = crate::test_doubles::sms_outbox::shown(&state.db, &phone)
                    .await
                    .ok()
                    .flatten()
                    .map(Sent::new);
            }
        }
        Page::Verify { .. }
        | Page::Login
        | Page::Register
        | Page::TestPaymentGateway { .. }
        | Page::Sign { .. }
        | Page::OfficerQueue
        | Page::OfficerRequest { .. }
        | Page::AdminStaff
        | Page::Counter
        | Page::NotFound => {}
    }
    preloaded
}

/// A draft's pages for whoever owns it (an applicant, or the staff member entering it at a
/// counter): the draft and its service in the page's language. A request no longer a draft
/// is the request page's (the app goes there).
async fn apply_page(
    state: &AppState,
    account: &AccountView,
    id: &str,
    lang: Lang,
) -> Option<first_paint::ApplyPage> {
    let stored = crate::access::owned(&state.db, account, id).await.ok()?;
    if stored.view.status != Status::Draft {
        return None;
    }
    let service = crate::catalogue::detail(&state.catalogue, &stored.view.service_id, lang)?;
    Some(first_paint::ApplyPage {
        application: stored.view,
        service,
    })
}

/// A request's page for its applicant: the application, its history, the decision once made
/// and the service's name — what the app fetches, read here. Another's request is not shown
/// (the page then says "not found" as the app would).
async fn request_page(
    state: &AppState,
    account: &AccountView,
    id: &str,
    lang: Lang,
) -> Option<RequestPage> {
    let stored = crate::access::owned(&state.db, account, id).await.ok()?;
    let history = crate::officers::history(&state.db, stored.id).await.ok()?;
    let decision = if matches!(stored.view.status, Status::Satisfied | Status::Refused) {
        crate::officers::decision_of(&state.db, stored.id)
            .await
            .ok()?
            .map(crate::officers::StoredDecision::view)
    } else {
        None
    };
    let service_name = state
        .catalogue
        .service(&stored.view.service_id)
        .map(|s| ServiceSummary::new(s, lang, state.catalogue.fee_index.tenge).name)
        .unwrap_or_default();
    let reads = crate::officers::reads_of(&state.db, &state.catalogue, stored.id, lang)
        .await
        .ok()
        .map(|reads| qyzmet_domain::api::DataReadList { reads });
    Some(RequestPage {
        application: stored.view,
        history: HistoryList { history },
        decision,
        service_name,
        reads,
    })
}

/// The applicant's cabinet: their requests as the address's filters ask, and notifications.
async fn cabinet_page(
    state: &AppState,
    account: &AccountView,
    path_and_query: &str,
) -> Option<CabinetPage> {
    let query = path_and_query.split_once('?').map_or("", |(_, q)| q);
    let filter = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    // A status the catalogue of statuses does not know lists nothing, as the API refuses it.
    let status = match filter("status") {
        Some(code) => Some(Status::from_code(&code)?),
        None => None,
    };
    let applications = crate::applications::list_owned(
        &state.db,
        account.id,
        crate::access::person_iin(account),
        status,
        filter("number").as_deref(),
    )
    .await
    .ok()?;
    let notifications = crate::notifications::list(&state.db, account.id)
        .await
        .ok()?;
    Some(CabinetPage {
        applications: ApplicationList { applications },
        notifications,
    })
}

/// The session the request's cookie names, read without extending it: the account and what
/// the app shows of it.
async fn session(state: &AppState, headers: &HeaderMap) -> Option<(AccountView, SessionView)> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(sessions::token_from_cookie_header)?
        .to_string();
    let live = sessions::lookup(&state.db, &token, false).await.ok()??;
    let account = accounts::find_by_id(&state.db, live.account_id)
        .await
        .ok()??;
    let view = session_view(state, account.clone(), &token, live)
        .await
        .ok()?;
    Some((account, view))
}

/// `?lang=`, then the language cookie, then `Accept-Language`, then Kazakh.
/// Whether the address names a language we speak (`?lang=kk|ru|en`).
fn asks_lang(path_and_query: &str) -> bool {
    path_and_query.split_once('?').is_some_and(|(_, q)| {
        q.split('&')
            .filter_map(|pair| pair.strip_prefix("lang="))
            .any(|tag| Lang::from_tag(tag).is_some())
    })
}

pub fn page_lang(path_and_query: &str, headers: &HeaderMap) -> Lang {
    let query = path_and_query.split_once('?').map(|(_, q)| q);
    let asked = query.and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .and_then(Lang::from_tag)
    });
    let chosen = || {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, v)| Lang::from_tag(v))
    };
    asked
        .or_else(chosen)
        .unwrap_or_else(|| super::lang_from(None, headers))
}

/// The login page, with where to go after it (only an address of this site).
pub fn login_page(next: &str) -> String {
    match qyzmet_domain::url::same_site_path(next) {
        Some(next) => format!("{}?next={}", Page::Login.href(), percent_encode(&next)),
        None => "/login".to_string(),
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// "See other": where a form sent without script goes next.
pub fn see_other(to: &str) -> Response<Body> {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(location) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    res
}

/// Text for an HTML attribute or element.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app's router and the route table agree: every kind of page of the table, at its
    /// pattern, is drawn by the app (not its "not found"), a TEST double's page only where
    /// the server runs it, and an address outside the table is "not found" (404).
    #[test]
    fn the_app_draws_every_page_of_the_table_at_its_pattern() {
        use qyzmet_domain::route::PageKind;
        let render = |path: &str, doors: bool| {
            let preloaded = Preloaded {
                test_doors: first_paint::TestDoors {
                    sms_outbox: doors,
                    payment_gateway: doors,
                },
                ..Default::default()
            };
            first_paint::render(path, Lang::En, crate::locales::all(Lang::En), preloaded).status
        };
        for kind in PageKind::ALL {
            let path = kind.pattern().replace(":id", "x1").replace(":code", "X1");
            if kind == PageKind::NotFound {
                assert_eq!(render("/no/such/page", true), 404);
                continue;
            }
            assert_eq!(Page::parse(&path).kind(), kind, "{path}");
            assert_eq!(render(&path, true), 200, "{path} ({kind:?})");
            if kind.is_test_double() {
                assert_eq!(render(&path, false), 404, "{path} without its double");
            }
        }
    }

    #[test]
    fn the_way_back_stays_on_this_site() {
        assert_eq!(login_page("/services/x"), "/login?next=/services/x");
        assert_eq!(login_page("//evil.example"), "/login");
        assert_eq!(login_page(""), "/login");
    }

    #[test]
    fn the_query_then_the_cookie_then_the_browser_choose_the_language() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9"),
        );
        assert_eq!(page_lang("/", &headers), Lang::En);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; qyzmet_lang=ru"),
        );
        assert_eq!(page_lang("/services/x", &headers), Lang::Ru);
        assert_eq!(page_lang("/?lang=kk", &headers), Lang::Kk);
        assert_eq!(page_lang("/", &HeaderMap::new()), Lang::Kk);
    }

    #[test]
    fn text_in_the_head_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
