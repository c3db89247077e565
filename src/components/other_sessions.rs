//! "Other sessions": when this account is also logged in elsewhere, say so and offer to end
//! those sessions (ASVS V7.4.5) — shown where the holder lands, the cabinet and the queue.

use crate::api;
use crate::components::form::focus_by_id;
use crate::i18n::use_i18n;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn OtherSessions() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ended = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The view fetched at start may be hours old: count afresh when the page opens.
    leptos::task::spawn_local(async move {
        if let Ok(view) = api::session().await {
            session.0.set(Some(view));
        }
    });
    let count = move || {
        session
            .0
            .with(|s| s.as_ref().map_or(0, |view| view.other_sessions))
    };
    let end = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::end_other_sessions(i18n.lang_untracked()).await {
                Ok(view) => {
                    session.0.set(Some(view));
                    ended.set(true);
                    // The button is gone; keep focus where the outcome is read (once shown).
                    request_animation_frame(|| focus_by_id("other-sessions-ended"));
                }
                Err(e) => error.set(Some(e.message_key())),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || { count() > 0 || ended.get() }>
            <section class="notice notice-warning other-sessions" aria-labelledby="other-sessions-heading">
                <h2 id="other-sessions-heading">{move || i18n.t("sessions.others_title")}</h2>
                <div role="status">
                    <p id="other-sessions-ended" tabindex="-1" hidden=move || !ended.get()>
                        {move || i18n.t("sessions.others_ended")}
                    </p>
                </div>
                <Show when=move || { count() > 0 }>
                    <p id="other-sessions-count">
                        {move || i18n.t_count("sessions.others_count", count())} " "
                        {move || i18n.t("sessions.others_hint")}
                    </p>
                    {move || error.get().map(|key| view! { <p class="error-message" role="alert">{i18n.t(&key)}</p> })}
                    <button type="button" class="secondary" disabled=move || busy.get()
                        aria-describedby="other-sessions-count" on:click=end>
                        {move || i18n.t("sessions.end_others")}
                    </button>
                </Show>
            </section>
        </Show>
    }
}
