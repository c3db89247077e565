//! The offline banner: when the browser loses the network, every page says so at the top;
//! nothing typed is cleared, and drafts save again when the connection returns.

use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let i18n = use_i18n();
    // The server renders the page as online; the browser knows better.
    let online = RwSignal::new(!crate::handover::in_browser() || window().navigator().on_line());
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    let retry = move |_| online.set(window().navigator().on_line());
    view! {
        <div role="status" aria-live="polite">
            {move || (!online.get()).then(|| view! {
                <div class="notice notice-warning offline-banner">
                    <p><strong>{move || i18n.t("connection.offline")}</strong></p>
                    <p>{move || i18n.t("connection.offline_body")}</p>
                    <button type="button" class="secondary" on:click=retry>{move || i18n.t("connection.retry")}</button>
                </div>
            })}
        </div>
    }
}
