//! kk / ru / en buttons. Each name is written in its own language (with `lang` on it, so a
//! screen reader pronounces it right); the current one is marked pressed.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use qyzmet_domain::Lang;

#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="lang-switcher" aria-label=move || i18n.t("lang.switcher")>
            <ul>
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <li>
                                <button
                                    type="button"
                                    lang=lang.code()
                                    aria-pressed=move || (i18n.lang() == lang).to_string()
                                    on:click=move |_| i18n.switch(lang)
                                >
                                    {move || i18n.t(&format!("lang.{}", lang.code()))}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
