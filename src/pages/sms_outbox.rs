//! TEST: the outbox of the built-in TEST SMS gateway. No SMS leaves the portal here (no
//! operator is reachable); this page shows what would have reached a phone, so one-time codes
//! can be tried end to end. A real SMS provider replaces the gateway and this page with it.

use crate::api;
use crate::components::form::{ErrorSummary, Problem, TextField};
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::page_data::PageData;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn TestSmsOutbox() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let shown = move || query.with(|q| q.get("phone")).unwrap_or_default();
    let phone = RwSignal::new(untrack(shown));
    let problems = RwSignal::new(Vec::<Problem>::new());
    // The outbox the server drew the page with (its form is a GET: no script needed).
    let first = crate::handover::preloaded()
        .outbox
        .and_then(|sent| sent.read())
        .map(|list| Some(Ok(list)));
    let messages = PageData::new(first, shown, |phone: String| async move {
        if phone.is_empty() {
            return None;
        }
        Some(
            api::test_sms_outbox(&phone)
                .await
                .map_err(|e| e.message_key()),
        )
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = phone.get_untracked();
        match qyzmet_domain::form::normalise_phone(&typed) {
            Some(p) => {
                problems.set(Vec::new());
                if p == shown() {
                    messages.refetch();
                } else {
                    let encoded: String = js_sys::encode_uri_component(&p).into();
                    navigate(
                        &format!(
                            "{}?phone={encoded}",
                            qyzmet_domain::route::Page::TestSmsOutbox.href()
                        ),
                        Default::default(),
                    );
                }
            }
            None => problems.set(vec![Problem {
                field: "phone".into(),
                message: i18n.t(if typed.trim().is_empty() {
                    "error.form.required"
                } else {
                    "error.form.phone"
                }),
            }]),
        }
    };
    let error = Signal::derive(move || {
        problems.with(|p| {
            p.iter()
                .find(|p| p.field == "phone")
                .map(|p| p.message.clone())
        })
    });
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("outbox.title")) error=Signal::derive(move || !problems.get().is_empty()) />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <div class="notice notice-warning" role="note"><p><strong>{move || i18n.t("outbox.test_only")}</strong></p></div>
        <form class="narrow" novalidate method="get" on:submit=submit>
            <TextField
                id="phone"
                label=Signal::derive(move || i18n.t("outbox.phone"))
                hint=Signal::derive(move || i18n.t("outbox.phone_hint"))
                value=phone
                error=error
                input_type="tel"
                autocomplete="tel"
            />
            <button type="submit">{move || i18n.t("outbox.show")}</button>
        </form>
        <section aria-labelledby="outbox-messages" aria-live="polite">
            {move || messages.get().flatten().map(|r| view! { <Messages answer=r /> })}
        </section>
    }
}

/// The messages kept for the phone, newest last, or why they could not be read (its message
/// key).
#[component]
fn Messages(answer: Result<Vec<qyzmet_domain::api::TestSms>, String>) -> impl IntoView {
    let i18n = use_i18n();
    match answer {
        Ok(list) if list.is_empty() => view! {
            <h2 id="outbox-messages">{move || i18n.t("outbox.messages")}</h2>
            <p>{move || i18n.t("outbox.empty")}</p>
        }
        .into_any(),
        Ok(list) => view! {
            <h2 id="outbox-messages">{move || i18n.t("outbox.messages")}</h2>
            <ol class="outbox">
                {list.into_iter().map(|m| {
                    let at = m.sent_at.clone();
                    view! {
                        <li><p>{m.body}</p><p class="hint"><time datetime=m.sent_at.clone()>{move || i18n.moment(&at)}</time></p></li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any(),
        Err(key) => {
            view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any()
        }
    }
}
