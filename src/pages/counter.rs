//! A counter's desk (the State Corporation's public service centre, a provider's office):
//! a person or company who came with paper is found by IIN/BIN, their written consent
//! recorded, and their application started — then filled in, scanned and accepted in the
//! editor and sign page the portal's applicants use. The applications being entered here are
//! listed, each with "continue" and "refuse acceptance" (an incomplete set), whose receipt
//! is printed for the person.

use crate::api;
use crate::components::account_forms::{for_field, from_api};
use crate::components::form::{ErrorMessage, ErrorSummary, Problem};
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::{ApplicationView, CounterServices, CounterStart};
use qyzmet_domain::route::Page;
use qyzmet_domain::route::api::{counter_refusal_receipt, in_lang};

#[component]
pub fn CounterDesk() -> impl IntoView {
    let i18n = use_i18n();
    let services = LocalResource::new(move || {
        let lang = i18n.lang();
        async move { api::counter_services(lang).await }
    });
    let problems = RwSignal::new(Vec::<Problem>::new());
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("counter.title")) error=Signal::derive(move || !problems.get().is_empty()) />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <p>{move || i18n.t("counter.intro")}</p>
        {move || services.get().map(|r| match r {
            Ok(desk) => view! {
                <StartForm desk problems />
                <InProgress problems />
            }.into_any(),
            Err(e) => {
                let key = e.message_key();
                view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any()
            }
        })}
    }
}

/// The person or company, their consent, the service: the application started for them.
#[component]
fn StartForm(desk: CounterServices, problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let applicant = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let service = RwSignal::new(String::new());
    let variant = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = move |field: &'static str| move || for_field(&problems.get(), field);
    let services = StoredValue::new(desk.services.clone());
    let variants = move || {
        services.with_value(|all| {
            all.iter()
                .find(|s| s.id == service.get())
                .map(|s| s.variants.clone())
                .filter(|v| v.len() > 1)
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let start = CounterStart {
            applicant_id: applicant.get_untracked(),
            consent: consent.get_untracked(),
            service_id: service.get_untracked(),
            variant_id: Some(variant.get_untracked()).filter(|v| !v.is_empty()),
        };
        let (lang, navigate) = (i18n.lang(), navigate.clone());
        leptos::task::spawn_local(async move {
            match api::counter_start(&start, lang).await {
                Ok(draft) => navigate(&Page::Apply { id: draft.id }.href(), Default::default()),
                Err(e) => problems.set(from_api(i18n, &e, "applicant_id")),
            }
            busy.set(false);
        });
    };
    let options = desk
        .services
        .into_iter()
        .map(|s| view! { <option value=s.id>{s.name}</option> })
        .collect_view();
    view! {
        <section aria-labelledby="counter-start-title">
            <h2 id="counter-start-title">{move || i18n.t("counter.start_title")}</h2>
            <form class="narrow" novalidate on:submit=submit>
                <div class="field" class:field-error=move || error("applicant_id")().is_some()>
                    <label for="applicant_id">{move || i18n.t("counter.applicant_id")}</label>
                    <p class="hint" id="applicant_id-hint">{move || i18n.t("counter.applicant_hint")}</p>
                    {move || error("applicant_id")().map(|m| view! { <ErrorMessage id="applicant_id-error" message=m /> })}
                    <input id="applicant_id" inputmode="numeric" autocomplete="off" maxlength="12"
                        aria-describedby=move || if error("applicant_id")().is_some() { "applicant_id-hint applicant_id-error" } else { "applicant_id-hint" }
                        aria-invalid=move || error("applicant_id")().is_some().then_some("true")
                        prop:value=move || applicant.get() on:input=move |ev| applicant.set(event_target_value(&ev)) />
                </div>
                <div class="field" class:field-error=move || error("consent")().is_some()>
                    {move || error("consent")().map(|m| view! { <ErrorMessage id="consent-error" message=m /> })}
                    <div class="radio">
                        <input type="checkbox" id="consent"
                            aria-describedby=move || error("consent")().is_some().then_some("consent-error")
                            aria-invalid=move || error("consent")().is_some().then_some("true")
                            prop:checked=move || consent.get() on:change=move |ev| consent.set(event_target_checked(&ev)) />
                        <label for="consent">{move || i18n.t("counter.consent")}</label>
                    </div>
                </div>
                <div class="field" class:field-error=move || error("service_id")().is_some()>
                    <label for="service_id">{move || i18n.t("counter.service")}</label>
                    {move || error("service_id")().map(|m| view! { <ErrorMessage id="service_id-error" message=m /> })}
                    <select id="service_id"
                        aria-describedby=move || error("service_id")().is_some().then_some("service_id-error")
                        aria-invalid=move || error("service_id")().is_some().then_some("true")
                        on:change=move |ev| { service.set(event_target_value(&ev)); variant.set(String::new()); }>
                        <option value="">{move || i18n.t("process.choose")}</option>
                        {options}
                    </select>
                </div>
                {move || variants().map(|vs| {
                    let options = vs.into_iter().map(|v| view! { <option value=v.id>{v.name}</option> }).collect_view();
                    view! {
                        <div class="field">
                            <label for="variant_id">{move || i18n.t("counter.variant")}</label>
                            <select id="variant_id" on:change=move |ev| variant.set(event_target_value(&ev))>
                                <option value="">{move || i18n.t("process.choose")}</option>
                                {options}
                            </select>
                        </div>
                    }
                })}
                <button type="submit" aria-disabled=move || busy.get().then_some("true")>{move || i18n.t("counter.start")}</button>
            </form>
        </section>
    }
}

/// The applications being entered at this desk: continue one, or refuse its acceptance.
#[component]
fn InProgress(problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    let drafts = LocalResource::new(move || {
        let lang = i18n.lang();
        async move { api::applications("draft", "", lang).await }
    });
    let refused = RwSignal::new(None::<(String, String)>);
    let refuse = move |id: String, name: String| {
        let lang = i18n.lang();
        leptos::task::spawn_local(async move {
            match api::counter_refuse(&id, lang).await {
                Ok(r) => {
                    problems.set(Vec::new());
                    refused.set(Some((r.id, name)));
                }
                Err(e) => problems.set(from_api(i18n, &e, "refusal")),
            }
        });
    };
    let rows = move || {
        drafts.get().and_then(|r| r.ok()).map(|list| {
            let mine: Vec<ApplicationView> = list
                .applications
                .into_iter()
                .filter(|a| a.on_behalf.is_some())
                .collect();
            if mine.is_empty() {
                return view! { <p>{move || i18n.t("counter.none")}</p> }.into_any();
            }
            let items = mine
                .into_iter()
                .map(|a| {
                    let person = a.on_behalf.clone().unwrap_or(qyzmet_domain::api::OnBehalf {
                        id: String::new(),
                        name: String::new(),
                        phone: String::new(),
                    });
                    let label = format!("{} ({})", person.name, person.id);
                    let (id, name) = (a.id.clone(), person.name.clone());
                    view! {
                        <li>
                            <strong>{label.clone()}</strong> " "
                            <a href=Page::Apply { id: a.id.clone() }.href()>
                                {move || i18n.t("counter.continue")}
                                <span class="visually-hidden">{format!(" {label}")}</span>
                            </a>
                            " "
                            <button type="button" class="secondary" on:click=move |_| refuse(id.clone(), name.clone())>
                                {move || i18n.t("counter.refuse")}
                                <span class="visually-hidden">{format!(" {}", person.name)}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="counter-drafts">{items}</ul> }.into_any()
        })
    };
    view! {
        <section aria-labelledby="counter-progress-title">
            <h2 id="counter-progress-title">{move || i18n.t("counter.in_progress")}</h2>
            <p role="status">
                {move || refused.get().map(|(id, name)| view! {
                    {i18n.t_with("counter.refused", &[("name", name)])} " "
                    <a href=in_lang(&counter_refusal_receipt(&id), i18n.lang()) download="">
                        {move || i18n.t("counter.refusal_receipt")}
                    </a>
                })}
            </p>
            {rows}
        </section>
    }
}
