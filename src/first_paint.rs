//! First paint. The server renders every page's HTML with these same components (feature
//! `ssr`, [`render`]) in the visitor's language, with what the page shows preloaded
//! ([`Preloaded`]), into `<div id="first-paint">`: the page reads, and its links and forms work,
//! before any script has arrived — or without script at all.
//!
//! The browser then draws the app hidden beside it (`<div id="app" hidden>`) and hands over
//! (`handover`) once its page shows what the server's did: the server's copy goes, the app's
//! shows, and what the visitor typed meanwhile and where their focus was are carried across,
//! so nothing flashes and nothing is lost. Leptos' hydration would reuse the server's nodes
//! instead, but in a release build a node it did not render (a translation tool's, an
//! extension's) aborts the whole app; the hand-over cannot mismatch (ARCHITECTURE.md,
//! "Decisions").
//!
//! This module only renders (on the server) and starts (in the browser); what pages read of
//! the hand-over is in `handover`, which imports nothing of the app.

#[cfg(feature = "ssr")]
use crate::handover::{ServerStatus, ServerTitle, preloaded_json};
#[cfg(feature = "ssr")]
use leptos::prelude::*;

// What the server fills a page with, under the names it has always used.
pub use crate::handover::{
    ApplyPage, CabinetPage, LoginAttempt, PRELOADED, Preloaded, RequestPage, SERVER_COPY, Sent,
    TestDoors,
};

/// The page as the server rendered it.
#[cfg(feature = "ssr")]
pub struct Rendered {
    pub body: String,
    /// 200, or 404 for an address the app does not know.
    pub status: u16,
    /// Rendered for a logged-in visitor.
    pub logged_in: bool,
    pub title: String,
    pub lang: qyzmet_domain::Lang,
    /// What it was rendered with, for the browser's first page ([`preloaded_json`]).
    pub preloaded: String,
}

/// Renders the page at `url` (path and query) as the browser would draw it first.
#[cfg(feature = "ssr")]
pub fn render(
    url: &str,
    lang: qyzmet_domain::Lang,
    messages: crate::i18n::Messages,
    preloaded: Preloaded,
) -> Rendered {
    no_browser_tasks();
    let logged_in = preloaded.session.is_some();
    let sent = preloaded_json(&preloaded);
    // A server's shared context: `is_server()` holds, so event listeners are not attached.
    let owner = Owner::new_root(Some(std::sync::Arc::new(
        hydration_context::SsrSharedContext::new(),
    )));
    let title = ServerTitle::default();
    let status = ServerStatus::default();
    let body = owner.with(|| {
        provide_context(leptos_router::location::RequestUrl::new(url));
        provide_context(preloaded);
        provide_context(title.clone());
        provide_context(status.clone());
        // Reading signals outside a reactive context is how a page is rendered once.
        untrack(|| view! { <crate::app::App lang messages /> }.to_html())
    });
    owner.unset();
    // The renderer's `<!>` placeholders are not valid HTML ("bogus comment"), and the copy
    // is never hydrated (the app draws itself over it), so nothing needs them. A literal
    // "<!>" in text is escaped by the renderer and is not touched.
    let body = body.replace("<!>", "");
    let title = title.0.lock().map(|t| t.clone()).unwrap_or_default();
    let status = match status.0.load(std::sync::atomic::Ordering::Relaxed) {
        0 => 200,
        code => code,
    };
    Rendered {
        body,
        status,
        logged_in,
        title,
        lang,
        preloaded: sent,
    }
}

/// Effects, resources and fetches are the browser's: on the server they are given an executor
/// that drops them, so rendering never waits for (or runs) what only a browser can do.
#[cfg(feature = "ssr")]
fn no_browser_tasks() {
    use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
    struct DropTasks;
    impl CustomExecutor for DropTasks {
        fn spawn(&self, _: PinnedFuture<()>) {}
        fn spawn_local(&self, _: PinnedLocalFuture<()>) {}
        fn poll_local(&self) {}
    }
    // Already set by an earlier page: the same executor.
    let _ = Executor::init_custom_executor(DropTasks);
}

/// In the browser: fetch the first language's messages, then draw the app beside the server's
/// copy (hidden until the hand-over), or alone when the server sent none.
pub fn start() {
    #[cfg(target_family = "wasm")]
    browser::start();
}

#[cfg(target_family = "wasm")]
mod browser {
    use crate::handover::{self, APP_ROOT, SERVER_COPY};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::HtmlElement;

    /// A page whose data never comes still hands over, showing its own loading or error state.
    const HAND_OVER_AT_LATEST: std::time::Duration = std::time::Duration::from_secs(8);

    pub fn start() {
        console_error_panic_hook::set_once();
        // The first language's messages are fetched before anything is drawn, so no user ever
        // sees a key or a flash of the wrong language. Leptos sets up its own executor when
        // mounting; until then, wasm-bindgen's runs this.
        wasm_bindgen_futures::spawn_local(async {
            // Instantiating the wasm is a task of its own; what the app does first is the next.
            crate::timer::sleep(0).await;
            let lang = crate::i18n::initial_lang();
            handover::browser::take_sent(lang);
            let messages = crate::i18n::fetch_messages(lang).await.unwrap_or_default();
            handover::browser::mark("qyzmet:messages");
            // The main thread is given back between reading the messages and drawing the app,
            // so neither makes a long task on a slow phone.
            crate::timer::sleep(0).await;
            let document = document();
            let root = document.create_element("div").expect("a div");
            root.set_id(APP_ROOT);
            let server_copy = document.get_element_by_id(SERVER_COPY);
            if server_copy.is_some() {
                let _ = root.set_attribute("hidden", "");
            }
            if let Some(body) = document.body() {
                let _ = body.append_child(&root);
            }
            let root: HtmlElement = root.unchecked_into();
            leptos::mount::mount_to(root, move || {
                leptos::view! { <crate::app::App lang messages /> }
            })
            .forget();
            handover::browser::mark("qyzmet:drawn");
            if server_copy.is_some() {
                set_timeout(handover::browser::hand_over, HAND_OVER_AT_LATEST);
            }
        });
    }
}
