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
    if let Some(server) = use_context::<crate::handover::ServerTitle>()
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
            {move || numbers_whole(&text.get())}
        </h1>
    }
}

/// The text with each word that holds a number with a hyphen (a registration number
/// `2026-000005`, a date) in a `nowrap` span: a narrow screen breaks the line before it, never
/// at its hyphen.
fn numbers_whole(text: &str) -> impl IntoView + use<> {
    text.split(' ')
        .enumerate()
        .map(|(i, word)| {
            // No empty text before the first word: the server would render it as a space.
            let space = (i > 0).then_some(" ");
            let number = word.contains('-') && word.chars().any(|c| c.is_ascii_digit());
            let word = word.to_string();
            view! {
                {space}
                {if number {
                    leptos::either::Either::Left(view! { <span class="nowrap">{word}</span> })
                } else {
                    leptos::either::Either::Right(word)
                }}
            }
        })
        .collect_view()
}
