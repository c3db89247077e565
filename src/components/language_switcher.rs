//! kk / ru / en buttons. Each name is written in its own language (with `lang` on it, so a
//! screen reader pronounces it right); the current one is marked pressed. In the server's copy
//! of a page they submit a GET form (`?lang=`, the page's other query kept), so the language
//! switches before the app takes over and without script at all; the server remembers it.

use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use qyzmet_domain::Lang;

/// One button per language; in a form they submit `lang`, else they switch in place.
fn buttons(i18n: I18n, in_form: bool) -> impl IntoView {
    view! {
        <ul>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <li>
                            <button
                                type=if in_form { "submit" } else { "button" }
                                name=in_form.then_some("lang")
                                value=in_form.then_some(lang.code())
                                lang=lang.code()
                                aria-pressed=move || (i18n.lang() == lang).to_string()
                                on:click=move |_| {
                                    if !in_form {
                                        i18n.switch(lang)
                                    }
                                }
                            >
                                {move || i18n.t(&format!("lang.{}", lang.code()))}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    // The server's copy: a form the browser sends itself, keeping the page's other query.
    let in_form = !crate::handover::in_browser();
    let kept: Vec<(String, String)> = if in_form {
        leptos_router::hooks::use_location()
            .query
            .get_untracked()
            .into_iter()
            .filter(|(name, _)| name != "lang")
            .map(|(name, value)| (name.into_owned(), value))
            .collect()
    } else {
        Vec::new()
    };
    let list = buttons(i18n, in_form);
    view! {
        <nav class="lang-switcher" aria-label=move || i18n.t("lang.switcher")>
            {if in_form {
                view! {
                    <form method="get">
                        {kept
                            .into_iter()
                            .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                            .collect_view()}
                        {list}
                    </form>
                }
                .into_any()
            } else {
                list.into_any()
            }}
        </nav>
    }
}
