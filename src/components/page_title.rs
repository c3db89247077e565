//! A page's `<h1>` and document title, kept in step with the language. After a client-side
//! navigation focus moves to the heading, so keyboard and screen-reader users start at the
//! top of the new page (the first page load leaves focus where the browser puts it).

use crate::i18n::use_i18n;
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the first page has drawn its title: every later title is a navigation.
static FIRST_PAGE_SHOWN: AtomicBool = AtomicBool::new(false);

#[component]
pub fn PageTitle(
    #[prop(into)] text: Signal<String>,
    /// The page shows errors: the document title starts with "Error: " (screen readers
    /// announce the title first).
    #[prop(optional, into)]
    error: Option<Signal<bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<leptos::html::H1>::new();
    if let Some(server) = use_context::<crate::first_paint::ServerTitle>()
        && let Ok(mut title) = server.0.lock()
    {
        *title = format!("{} – {}", text.get_untracked(), i18n.t("app.name"));
    }
    Effect::new(move |_| {
        let prefix = if error.is_some_and(|e| e.get()) {
            i18n.t("app.error_prefix")
        } else {
            String::new()
        };
        document().set_title(&format!("{prefix}{} – {}", text.get(), i18n.t("app.name")));
    });
    let navigated = FIRST_PAGE_SHOWN.swap(true, Ordering::Relaxed);
    Effect::new(move |_| {
        if navigated && let Some(h1) = heading.get() {
            let _ = h1.focus();
        }
    });
    view! {
        <h1 tabindex="-1" node_ref=heading>
            {move || text.get()}
        </h1>
    }
}
