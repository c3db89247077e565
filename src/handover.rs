//! The hand-over between the server's copy of a page and the app, and what came with it.
//!
//! The server renders each page into `<div id="first-paint">` with what it preloaded
//! ([`Preloaded`], sent along as JSON); the app draws itself hidden beside it and, once its
//! page shows what the server's did ([`wait`] / [`built`] / [`shown`]), takes its place,
//! carrying over what the visitor typed and where their focus was. This module is the
//! ground every page and component may read (`in_browser`, `preloaded`, the server's title
//! and status); it imports nothing of the app. Rendering and start are `first_paint`'s.

use leptos::prelude::*;
use qyzmet_domain::api::{
    ApplicationList, ApplicationView, CodeSent, DecisionView, HistoryList, NotificationList,
    Problem, ServiceDetail, ServiceList, SessionView, VerifiedDocumentView,
};

/// The element the server renders the page into.
pub const SERVER_COPY: &str = "first-paint";
/// The element the browser draws the app into.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
pub const APP_ROOT: &str = "app";

/// What the server already knows for the page it renders: the page shows it at once instead
/// of fetching it. It goes with the page (`<script type="application/json">`, [`PRELOADED`]),
/// so the browser's first page is drawn with it too ([`crate::page_data`]).
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Preloaded {
    pub services: Option<Sent<ServiceList>>,
    pub service: Option<Sent<ServiceDetail>>,
    pub session: Option<SessionView>,
    /// The address names a service the catalogue does not have.
    pub service_missing: bool,
    /// The login form was sent without script (or before the app arrived): where it stands.
    /// Sent with the page, so the app that starts on it takes over the step the server drew
    /// (the code step, with the code already on its way) instead of starting again.
    pub login: Option<Sent<LoginAttempt>>,
    /// Which TEST doubles this server runs (the demo's); none in production.
    #[serde(default)]
    pub test_doors: TestDoors,
    /// The service page's "start application" form was sent without script (or before the
    /// app arrived) and refused: why, shown with the page.
    pub start_problem: Option<Problem>,
    /// A request's page, for its applicant.
    pub request: Option<Sent<RequestPage>>,
    /// The applicant's cabinet: their requests (as its filters ask) and notifications.
    pub cabinet: Option<Sent<CabinetPage>>,
    /// A document check (`/verify/:code`): what the code shows with its service, or the
    /// message key of why not.
    pub verification: Option<Sent<Verification>>,
    /// An application being filled in, for whoever owns the draft: so its task list and
    /// steps read before the app (or without it).
    #[serde(default)]
    pub apply: Option<Sent<ApplyPage>>,
    /// TEST: the outbox of the phone the TEST SMS page asked for (`?phone=`).
    #[serde(default)]
    pub outbox: Option<Sent<Vec<qyzmet_domain::api::TestSms>>>,
}

/// What a document check shows: the document with its service, or the message key of why
/// not.
pub type Verification = Result<(VerifiedDocumentView, Option<ServiceDetail>), String>;

/// One page's part of [`Preloaded`], read by that page alone. In the JSON it is the value
/// itself. In the browser it stays the JSON it came as until the page reads it ([`Sent::read`]):
/// the code that parses a page's data is then in that page's area of the wasm, not in the
/// main file every page loads (#28).
#[cfg(target_family = "wasm")]
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent, bound = "")]
pub struct Sent<T> {
    json: Box<serde_json::value::RawValue>,
    #[serde(skip)]
    of: std::marker::PhantomData<fn() -> T>,
}

/// On the server, the value the page is drawn with.
#[cfg(not(target_family = "wasm"))]
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Sent<T>(T);

impl<T: serde::de::DeserializeOwned + Clone> Sent<T> {
    #[cfg(not(target_family = "wasm"))]
    pub fn new(value: T) -> Self {
        Sent(value)
    }

    /// The page's data; `None` if what came does not read as it (a page from an older
    /// server), and the page fetches it instead.
    pub fn read(&self) -> Option<T> {
        #[cfg(target_family = "wasm")]
        {
            serde_json::from_str(self.json.get()).ok()
        }
        #[cfg(not(target_family = "wasm"))]
        {
            Some(self.0.clone())
        }
    }
}

/// A draft and its service, as the application's pages show them.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct ApplyPage {
    pub application: ApplicationView,
    pub service: ServiceDetail,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct CabinetPage {
    pub applications: ApplicationList,
    pub notifications: NotificationList,
}

/// What a request's page shows: the application, its history, the decision once made, and
/// the service's name.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct RequestPage {
    pub application: ApplicationView,
    pub history: HistoryList,
    pub decision: Option<DecisionView>,
    pub service_name: String,
    /// Who among the providers' staff read it ("Who looked at my application").
    #[serde(default)]
    pub reads: Option<qyzmet_domain::api::DataReadList>,
}

/// A login sent as a form (without script, or before the app arrived): the login typed, the
/// code sent once the password was right, or what was wrong — the login page shows the step
/// it reached, and so does the app that starts on it. Never the password.
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct LoginAttempt {
    pub login: String,
    pub sent: Option<CodeSent>,
    pub problem: Option<Problem>,
}

/// The TEST doubles a server runs, so the app draws their pages only where they exist.
#[derive(Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TestDoors {
    pub sms_outbox: bool,
    pub payment_gateway: bool,
}

/// The TEST doubles of the server this page came from (kept for the app's whole life, unlike
/// the rest of what came with the first page).
pub fn test_doors() -> TestDoors {
    #[cfg(target_family = "wasm")]
    {
        DOORS.with(|d| d.get())
    }
    #[cfg(not(target_family = "wasm"))]
    {
        use_context::<Preloaded>()
            .map(|p| p.test_doors)
            .unwrap_or_default()
    }
}

/// The element that carries [`Preloaded`] in the page, as JSON.
pub const PRELOADED: &str = "qyzmet-preloaded";

/// What the page was rendered with: on the server, what it preloaded; in the browser, what
/// came with the page, until the app goes to another address (or nothing, when the app's
/// language is not the one the page was rendered in).
pub fn preloaded() -> Preloaded {
    #[cfg(target_family = "wasm")]
    {
        SENT.with(|sent| sent.borrow().clone()).unwrap_or_default()
    }
    #[cfg(not(target_family = "wasm"))]
    {
        use_context::<Preloaded>().unwrap_or_default()
    }
}

/// The app went to another address: what came with the first page is not its data.
pub fn navigated() {
    #[cfg(target_family = "wasm")]
    SENT.with(|sent| sent.borrow_mut().take());
}

#[cfg(target_family = "wasm")]
thread_local! {
    static SENT: std::cell::RefCell<Option<Preloaded>> = const { std::cell::RefCell::new(None) };
    static DOORS: std::cell::Cell<TestDoors> = const {
        std::cell::Cell::new(TestDoors { sms_outbox: false, payment_gateway: false })
    };
}

/// [`Preloaded`] as it goes in the page: JSON in which `<`, `>` and `&` are escapes, so no
/// text of anyone's (an answer, a note) can end the script element or start another.
#[cfg(feature = "ssr")]
pub fn preloaded_json(preloaded: &Preloaded) -> String {
    serde_json::to_string(preloaded)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The status the page answers with: `NotFound` sets 404 while the server renders.
#[derive(Clone, Default)]
pub struct ServerStatus(pub std::sync::Arc<std::sync::atomic::AtomicU16>);

impl ServerStatus {
    /// Marks the page being rendered as not found (a no-op in the browser).
    pub fn not_found() {
        if let Some(status) = use_context::<ServerStatus>() {
            status.0.store(404, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The title the page's `PageTitle` gave, collected while the server renders.
#[derive(Clone, Default)]
pub struct ServerTitle(pub std::sync::Arc<std::sync::Mutex<String>>);

/// Draws its children in a task of their own, after what surrounds them, while the app draws
/// its first page in the browser: a phone compiles the wasm's functions as they first run, and
/// the frame and the page drawn in one go made one long task (over 100 ms at a phone's speed)
/// that would delay the visitor's first tap. Each `NextTask` met while the first page is drawn
/// waits for a task of its own, in the order met; later (a navigation, a language change) and
/// on the server the children are drawn at once.
#[component]
pub fn NextTask(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(!in_browser() || HANDED_OVER.with(std::cell::Cell::get));
    #[cfg(target_family = "wasm")]
    if !ready.get_untracked() {
        DEFERRED.with(|n| n.set(n.get() + 1));
        set_timeout(
            move || {
                // The part may be gone by now (the visitor navigated on): nothing to draw.
                ready.try_set(true);
                DEFERRED.with(|n| n.set(n.get() - 1));
            },
            std::time::Duration::ZERO,
        );
    }
    // Only `ready` redraws the children: a signal their setup happens to read must not
    // redraw them (and lose what was typed in them).
    move || ready.get().then(|| untrack(|| children()))
}

thread_local! {
    /// The app's first page has been handed over: a [`NextTask`] draws at once from now on.
    static HANDED_OVER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// [`NextTask`]s still waiting for their task: the hand-over waits for them.
    static DEFERRED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether this is the browser. On the server the browser's functions do not exist (calling one
/// aborts the process), so a component that calls one while it is built asks this first.
pub const fn in_browser() -> bool {
    cfg!(target_family = "wasm")
}

/// The server rendered this page for a visitor with no session (its copy says so).
pub fn rendered_without_session() -> bool {
    #[cfg(target_family = "wasm")]
    {
        document()
            .get_element_by_id(SERVER_COPY)
            .and_then(|copy| copy.get_attribute("data-session"))
            .is_some_and(|s| s == "none")
    }
    #[cfg(not(target_family = "wasm"))]
    false
}

/// The app started because the request the server drew has news (its status changed since:
/// the start-up script heard it, `data-news` on the copy): what was preloaded is old.
pub fn started_by_news() -> bool {
    #[cfg(target_family = "wasm")]
    {
        document()
            .get_element_by_id(SERVER_COPY)
            .is_some_and(|copy| copy.get_attribute("data-news").is_some())
    }
    #[cfg(not(target_family = "wasm"))]
    false
}

/// Seconds since the page was asked for (so since the server drew it): the app may start long
/// after (`xtask/src/start.js`), and what came with the page counts from then.
pub fn page_age_seconds() -> i64 {
    #[cfg(target_family = "wasm")]
    {
        use leptos::wasm_bindgen::JsCast;
        let now = js_sys::Reflect::get(&window(), &"performance".into())
            .ok()
            .and_then(|performance| {
                let now = js_sys::Reflect::get(&performance, &"now".into()).ok()?;
                let now = now.dyn_into::<js_sys::Function>().ok()?;
                now.call0(&performance).ok()?.as_f64()
            });
        (now.unwrap_or(0.0) / 1000.0) as i64
    }
    #[cfg(not(target_family = "wasm"))]
    0
}

thread_local! {
    /// The page being built waits for its data before it shows what the server's copy did.
    static WAITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Called by a page while it is built when its first view waits for data (it calls [`shown`]
/// once the data is drawn); any other page hands over as soon as it is built.
pub fn wait() {
    WAITING.with(|w| w.set(true));
}

/// A page was built (its area's file arrived): hand over unless it said it [`wait`]s.
pub fn built() {
    if !WAITING.with(|w| w.replace(false)) {
        shown();
    }
}

/// The app's page shows what the server's copy did: hand over on the next frame, once it is
/// on the page. Idempotent; also done on the first navigation and, at the latest, a few seconds
/// after start (a page that never says so must not stay hidden).
pub fn shown() {
    #[cfg(target_family = "wasm")]
    browser::next_frame(browser::hand_over);
}

#[cfg(target_family = "wasm")]
pub(crate) mod browser {
    use super::{APP_ROOT, SERVER_COPY};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{
        Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
    };

    /// What came with the page, for the first page the app draws — if the app draws it in
    /// the language it was rendered in (a language saved in this browser may differ).
    pub fn take_sent(lang: qyzmet_domain::Lang) {
        let document = document();
        let Some(element) = document.get_element_by_id(super::PRELOADED) else {
            return;
        };
        element.remove();
        let sent = element
            .text_content()
            .and_then(|json| serde_json::from_str::<super::Preloaded>(&json).ok());
        // Which TEST doors the server has holds whatever the language.
        if let Some(sent) = &sent {
            super::DOORS.with(|d| d.set(sent.test_doors));
        }
        let rendered_in = document
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|tag| qyzmet_domain::Lang::from_tag(&tag));
        if rendered_in != Some(lang) {
            return;
        }
        super::SENT.with(|s| *s.borrow_mut() = sent);
    }

    /// `f` on the next frame, or at the latest a moment later: a browser that draws no frame
    /// (a tab in the background, a headless one with nothing to paint) runs no frame
    /// callback, and the hand-over must not wait for one — the copy and the app's page would
    /// both stand, with the app's news told in the hidden one. `f` is idempotent.
    pub fn next_frame(f: fn()) {
        request_animation_frame(f);
        set_timeout(f, std::time::Duration::from_millis(250));
    }

    /// A User Timing mark (the browser's performance panel and `cargo xtask bench` read them).
    pub fn mark(name: &str) {
        let performance = js_sys::Reflect::get(&window(), &"performance".into());
        if let Ok(performance) = performance
            && let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into())
            && let Ok(mark) = mark.dyn_into::<js_sys::Function>()
        {
            let _ = mark.call1(&performance, &name.into());
        }
    }

    /// Hands over in two frames, each a short task on a phone: in the first the app is laid
    /// out where it will show, still unseen (`laying-out`: no height, invisible, out of the
    /// focus order and the accessibility tree); in the next the server's copy goes and the app
    /// shows, its layout already done. Done at once, both made one task of 60–70 ms.
    pub fn hand_over() {
        if super::DEFERRED.with(std::cell::Cell::get) > 0 {
            // Part of the page is still to be drawn: hand over once it is (one timer, so that
            // the waits do not multiply).
            set_timeout(hand_over, std::time::Duration::from_millis(16));
            return;
        }
        let document = document();
        let (Some(_), Some(app)) = (
            document.get_element_by_id(SERVER_COPY),
            document.get_element_by_id(APP_ROOT),
        ) else {
            super::HANDED_OVER.with(|h| h.set(true));
            return;
        };
        if app.get_attribute("class").as_deref() == Some(LAYING_OUT) {
            // The swap is on its way.
            return;
        }
        let _ = app.set_attribute("class", LAYING_OUT);
        let _ = app.remove_attribute("hidden");
        next_frame(swap);
    }

    /// The class of the app's root while it is laid out unseen (`style/main.css`).
    const LAYING_OUT: &str = "laying-out";

    fn swap() {
        super::HANDED_OVER.with(|h| h.set(true));
        let document = document();
        let (Some(copy), Some(app)) = (
            document.get_element_by_id(SERVER_COPY),
            document.get_element_by_id(APP_ROOT),
        ) else {
            return;
        };
        mark("qyzmet:handed-over");
        carry_input(&copy, &app);
        let focused = document
            .active_element()
            .filter(|el| copy.contains(Some(el)))
            .map(|el| path_to(&copy, &el));
        // A button only the app answers, pressed in the copy before the app came (the
        // start-up script marked it): pressed again here, so the press is not lost.
        let pressed = copy
            .query_selector(&format!("[{REPLAY}]"))
            .ok()
            .flatten()
            .map(|el| path_to(&copy, &el));
        copy.remove();
        let _ = app.remove_attribute("class");
        if let Some(el) = focused.and_then(|path| follow(&app, &path))
            && let Ok(el) = el.dyn_into::<HtmlElement>()
        {
            let _ = el.focus();
        }
        if let Some(el) = pressed.and_then(|path| follow(&app, &path))
            && let Ok(el) = el.dyn_into::<HtmlElement>()
        {
            el.click();
        }
    }

    /// The attribute the start-up script (`xtask/src/start.js`) marks a pressed button with.
    const REPLAY: &str = "data-replay";

    /// Where `el` is under `root`: the index of each element on the way down. The app draws
    /// the same elements as the server's copy, so the same path finds the same control.
    fn path_to(root: &Element, el: &Element) -> Vec<u32> {
        let mut path = Vec::new();
        let mut at = el.clone();
        while !at.is_same_node(Some(root)) {
            let Some(parent) = at.parent_element() else {
                return Vec::new();
            };
            let children = parent.children();
            let index = (0..children.length())
                .find(|i| children.item(*i).is_some_and(|c| c.is_same_node(Some(&at))))
                .unwrap_or(0);
            path.push(index);
            at = parent;
        }
        path.reverse();
        path
    }

    fn follow(root: &Element, path: &[u32]) -> Option<Element> {
        let mut at = root.clone();
        for index in path {
            at = at.children().item(*index)?;
        }
        Some(at)
    }

    /// What the visitor typed or chose in the server's copy goes into the app's field of the
    /// same id, announced as input so the app's state follows.
    fn carry_input(copy: &Element, app: &Element) {
        let Ok(fields) = copy.query_selector_all("input[id], select[id], textarea[id]") else {
            return;
        };
        for i in 0..fields.length() {
            let Some(field) = fields.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Ok(Some(target)) = app.query_selector(&format!("#{}", field.id())) else {
                continue;
            };
            if copy_value(&field, &target) {
                for kind in ["input", "change"] {
                    if let Ok(event) = leptos::web_sys::Event::new_with_event_init_dict(kind, &{
                        let init = leptos::web_sys::EventInit::new();
                        init.set_bubbles(true);
                        init
                    }) {
                        let _ = target.dispatch_event(&event);
                    }
                }
            }
        }
    }

    /// Copies `from`'s value (or checked state) into `to`, if the visitor changed it in the
    /// copy (it is no longer what the server drew: the app's own data stands otherwise);
    /// whether it changed anything.
    fn copy_value(from: &Element, to: &Element) -> bool {
        if let (Some(from), Some(to)) = (
            from.dyn_ref::<HtmlInputElement>(),
            to.dyn_ref::<HtmlInputElement>(),
        ) {
            if matches!(from.type_().as_str(), "checkbox" | "radio") {
                if from.checked() == from.default_checked() {
                    return false;
                }
                let changed = from.checked() != to.checked();
                to.set_checked(from.checked());
                return changed;
            }
            if from.type_() == "file" {
                // A file chosen in the copy (a key file, a scan) goes over as chosen.
                let Some(files) = from.files().filter(|f| f.length() > 0) else {
                    return false;
                };
                to.set_files(Some(&files));
                return true;
            }
            if from.value() == from.default_value() {
                return false;
            }
            let changed = from.value() != to.value();
            to.set_value(&from.value());
            return changed;
        }
        if let (Some(from), Some(to)) = (
            from.dyn_ref::<HtmlSelectElement>(),
            to.dyn_ref::<HtmlSelectElement>(),
        ) {
            let drawn = from
                .query_selector("option[selected]")
                .ok()
                .flatten()
                .or_else(|| from.query_selector("option").ok().flatten())
                .and_then(|o| o.get_attribute("value"))
                .unwrap_or_default();
            if from.value() == drawn {
                return false;
            }
            let changed = from.value() != to.value();
            to.set_value(&from.value());
            return changed;
        }
        if let (Some(from), Some(to)) = (
            from.dyn_ref::<HtmlTextAreaElement>(),
            to.dyn_ref::<HtmlTextAreaElement>(),
        ) {
            if Ok(from.value()) == from.default_value() {
                return false;
            }
            let changed = from.value() != to.value();
            to.set_value(&from.value());
            return changed;
        }
        false
    }
}
