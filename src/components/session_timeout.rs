//! The warning before the session times out (30 min idle, 12 h at most): two minutes ahead,
//! a dialog says so and offers to stay logged in. It counts on the client from the server's
//! last answer, so checking does not itself keep the session alive. When the time is up the
//! page says so and the login link brings the user back to the same page; drafts autosave,
//! so nothing typed is lost.

use crate::api;
use crate::components::form::focus_by_id;
use crate::i18n::use_i18n;
use crate::session::{Session, use_session};
use leptos::prelude::*;
use qyzmet_domain::route::Page;
use std::time::Duration;

const WARN_BEFORE_SECONDS: f64 = qyzmet_domain::api::SessionView::WARN_BEFORE_SECONDS as f64;

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Fine,
    Warning(i64),
    Expired,
}

#[component]
pub fn SessionTimeout() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // The 12-hour limit (ms since the epoch).
    let absolute_end = RwSignal::new(f64::INFINITY);
    let phase = RwSignal::new(Phase::Fine);
    let was_logged_in = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(view) = session.0.get() {
            was_logged_in.set(true);
            phase.set(Phase::Fine);
            // The server's own count: when it was last renewed, and the fixed 12-hour end.
            // (When the 12-hour end comes first, the idle count no longer matters.)
            let now = js_sys::Date::now();
            let idle_left = if view.seconds_left < view.absolute_seconds_left {
                view.seconds_left
            } else {
                view.idle_timeout_seconds
            };
            api::set_last_contact(now - (view.idle_timeout_seconds - idle_left) as f64 * 1000.0);
            absolute_end.set(now + view.absolute_seconds_left as f64 * 1000.0);
        }
    });
    let tick = move || tick(session, absolute_end, phase);
    if crate::handover::in_browser()
        && let Ok(handle) = set_interval_with_handle(tick, Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let stay = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(view) = api::keepalive(i18n.lang_untracked()).await {
                session.0.set(Some(view));
                phase.set(Phase::Fine);
            }
        });
    };
    view! {
        {move || match phase.get() {
            Phase::Warning(seconds) => {
                let minutes = (seconds + 59) / 60;
                Some(view! {
                    <div class="notice notice-warning session-warning" role="alertdialog" aria-labelledby="session-warning-title" aria-describedby="session-warning-body">
                        <h2 id="session-warning-title">{move || i18n.t("session.warning.title")}</h2>
                        <p id="session-warning-body">{move || i18n.t_count("session.warning.body", minutes)}</p>
                        <button type="button" id="stay-logged-in" on:click=stay>{move || i18n.t("session.warning.stay")}</button>
                    </div>
                }.into_any())
            }
            Phase::Expired if was_logged_in.get() => Some(view! {
                <div class="notice notice-warning" role="alert">
                    <p>{move || i18n.t("session.expired")}</p>
                    <p><a href=format!("{}?next={}", Page::Login.href(), js_sys::encode_uri_component(&here()))>{move || i18n.t("session.login_again")}</a></p>
                </div>
            }.into_any()),
            _ => None,
        }}
    }
}

/// Once a second: the phase the session is in now, by the server's counts (the last contact
/// and the 12-hour end); the warning takes the focus when it appears, and an expired session
/// is forgotten.
fn tick(session: Session, absolute_end: RwSignal<f64>, phase: RwSignal<Phase>) {
    let Some(view) = session.0.get_untracked() else {
        return;
    };
    let idle_end = api::last_contact() + view.idle_timeout_seconds as f64 * 1000.0;
    let left = (idle_end.min(absolute_end.get_untracked()) - js_sys::Date::now()) / 1000.0;
    let next = if left <= 0.0 {
        Phase::Expired
    } else if left <= WARN_BEFORE_SECONDS {
        Phase::Warning(left.ceil() as i64)
    } else {
        Phase::Fine
    };
    let was = phase.get_untracked();
    if next != was {
        if matches!(next, Phase::Warning(_)) && !matches!(was, Phase::Warning(_)) {
            request_animation_frame(|| focus_by_id("stay-logged-in"));
        }
        if next == Phase::Expired {
            session.0.set(None);
        }
        phase.set(next);
    }
}

/// The address of this page, to come back to after logging in again.
fn here() -> String {
    let l = window().location();
    format!(
        "{}{}",
        l.pathname().unwrap_or_default(),
        l.search().unwrap_or_default()
    )
}
