//! One service: what you get, who may apply, term, fee, the documents to prepare, the
//! provider and the channels — and "Start application", or where to go for an office-only
//! service.

use crate::api;
use crate::components::account_forms::from_api;
use crate::components::form::{ErrorMessage, ErrorSummary, Problem};
use crate::components::page_title::PageTitle;
use crate::components::service_card::{applicants_key, document_rules, fee_text, term_text};
use crate::handover::{self, NextTask};
use crate::i18n::{I18n, use_i18n};
use crate::page_data::PageData;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::{CreateApplication, DocumentView, ServiceDetail, VariantView};
use qyzmet_domain::catalogue::Channel;
use qyzmet_domain::route::Page;

fn channel_key(c: Channel) -> &'static str {
    match c {
        Channel::Portal => "channel.portal",
        Channel::ProviderOffice => "channel.provider_office",
        Channel::StateCorporation => "channel.state_corporation",
    }
}

fn documents_list(i18n: I18n, docs: Vec<DocumentView>) -> impl IntoView {
    view! {
        <ul class="documents">
            {docs
                .into_iter()
                .map(|d| {
                    let required = d.required;
                    let rules = d.clone();
                    view! {
                        <li>
                            <span class="document-name">{d.name.clone()}</span>
                            " "
                            <span class="tag">
                                {move || i18n.t(if required { "document.required" } else { "document.optional" })}
                            </span>
                            <br />
                            <span class="hint">{move || document_rules(i18n, &rules)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A variant's term and fee, under its name when the service has several.
fn variant_terms(i18n: I18n, v: &VariantView, several: bool) -> impl IntoView + use<> {
    let term = v.term.clone();
    let fee = v.fee.clone();
    // Where the regulation gives the portal its own term, both are shown, each named.
    let portal = v.portal_term.clone();
    let state_corporation = v.state_corporation_term.clone();
    let term_label = if portal.is_some() {
        "service.office_term"
    } else {
        "service.term"
    };
    view! {
        {several.then(|| view! { <h3>{v.name.clone()}</h3> })}
        <dl class="summary">
            {portal.map(|p| view! {
                <dt>{move || i18n.t("service.portal_term")}</dt>
                <dd>{move || term_text(i18n, p.days, p.kind)}</dd>
            })}
            <dt>{move || i18n.t(term_label)}</dt>
            <dd>{move || term_text(i18n, term.days, term.kind)}</dd>
            {state_corporation.map(|t| view! {
                <dt>{move || i18n.t("service.state_corporation_term")}</dt>
                <dd>{move || {
                    let days = term_text(i18n, t.days, t.kind);
                    if t.acceptance_day_counted { days } else { format!("{days}; {}", i18n.t("service.acceptance_day_not_counted")) }
                }}</dd>
            })}
            <dt>{move || i18n.t("service.fee")}</dt>
            <dd>{move || fee_text(i18n, fee.as_ref())}</dd>
        </dl>
    }
}

/// A variant's documents to prepare, under its name when the service has several.
fn variant_documents(i18n: I18n, v: VariantView, several: bool) -> impl IntoView {
    view! {
        <section class="variant" aria-labelledby=format!("documents-{}", v.id)>
            {if several {
                view! { <h3 id=format!("documents-{}", v.id)>{v.name.clone()}</h3> }.into_any()
            } else {
                view! { <h3 id=format!("documents-{}", v.id)>{move || i18n.t("service.documents")}</h3> }.into_any()
            }}
            {documents_list(i18n, v.documents.clone())}
        </section>
    }
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::route::service_id();
    let handover::Preloaded {
        service,
        service_missing,
        ..
    } = handover::preloaded();
    if service_missing && !handover::in_browser() {
        // On the server: the address names no service of the catalogue (the browser asks,
        // as the visitor may go on to another service on this page).
        handover::ServerStatus::not_found();
        return not_found(i18n, "error.service_not_found".into()).into_any();
    }
    // The service the page came with; refetched for another service or language.
    let detail = PageData::new(
        service.and_then(|sent| sent.read()).map(Ok),
        move || (id(), i18n.lang()),
        |(id, lang)| async move { api::service(&id, lang).await },
    );
    let detail = detail.handed_over();
    // While another service or language is fetched, the page shows the one before.
    (move || match detail.get() {
        None => view! { <p role="status">{move || i18n.t("home.loading")}</p> }.into_any(),
        Some(Ok(service)) => view! { <ServiceView service /> }.into_any(),
        Some(Err(e)) => not_found(i18n, e.message_key()).into_any(),
    })
    .into_any()
}

/// The service could not be shown: why, and the way back.
fn not_found(i18n: crate::i18n::I18n, key: String) -> impl IntoView {
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("service.not_found")) />
        <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div>
        <p><a href="/">{move || i18n.t("app.back_to_catalogue")}</a></p>
    }
}

#[component]
fn ServiceView(service: ServiceDetail) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let s = service.summary.clone();
    let several = service.variants.len() > 1;
    let variant = RwSignal::new(if several {
        String::new()
    } else {
        service
            .variants
            .first()
            .map(|v| v.id.clone())
            .unwrap_or_default()
    });
    // A start the server refused (the form sent before the app arrived, or without script).
    let refused = crate::handover::preloaded()
        .start_problem
        .map(|p| from_api(i18n, &api::ApiError::Problem(p), "start"))
        .unwrap_or_default();
    let problems = RwSignal::new(refused);
    let busy = RwSignal::new(false);
    let service_id = s.id.clone();
    let start_action = format!("{}/start", Page::Service { id: s.id.clone() }.href());
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if session.0.get_untracked().is_none() {
            let next = Page::Service {
                id: service_id.clone(),
            }
            .href();
            navigate(
                &format!(
                    "{}?next={}",
                    Page::Login.href(),
                    js_sys::encode_uri_component(&next)
                ),
                Default::default(),
            );
            return;
        }
        let chosen = variant.get_untracked();
        if chosen.is_empty() {
            problems.set(vec![Problem {
                field: "variant".into(),
                message: i18n.t("service.choose_variant_error"),
            }]);
            return;
        }
        busy.set(true);
        let req = CreateApplication {
            service_id: service_id.clone(),
            variant_id: Some(chosen),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::create_application(&req, i18n.lang()).await {
                Ok(app) => navigate(
                    &Page::Apply { id: app.id.clone() }.href(),
                    Default::default(),
                ),
                Err(e) => problems.set(from_api(i18n, &e, "start")),
            }
            busy.set(false);
        });
    };
    let applicants = s.applicants;
    let channels = s.channels.clone();
    let online = s.online;
    let name = s.name.clone();
    let variant_choices = service.variants.clone();
    // Drawn in tasks of their own while the app starts (`NextTask`).
    let variants = service.variants.clone();
    let providers = service.providers.clone();
    view! {
        <PageTitle text=Signal::derive(move || name.clone()) error=Signal::derive(move || !problems.get().is_empty()) />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <p class="lead">{s.description.clone()}</p>
        <dl class="summary">
            <dt>{move || i18n.t("service.result")}</dt>
            <dd>{service.result_description.clone()}</dd>
            <dt>{move || i18n.t("service.who")}</dt>
            <dd>{move || i18n.t(applicants_key(applicants))}</dd>
            <dt>{move || i18n.t("service.channels")}</dt>
            <dd>
                <ul class="plain">
                    {channels.iter().map(|c| { let key = channel_key(*c); view! { <li>{move || i18n.t(key)}</li> } }).collect_view()}
                </ul>
            </dd>
            <dt>{move || i18n.t("service.regulation")}</dt>
            <dd>{service.regulation.clone()}</dd>
        </dl>
        <section aria-labelledby="terms-heading">
            <h2 id="terms-heading">{move || i18n.t("service.terms_heading")}</h2>
            {service.variants.iter().map(|v| variant_terms(i18n, v, several)).collect_view()}
        </section>
        <NextTask>
        <section aria-labelledby="prepare-heading">
            <h2 id="prepare-heading">{move || i18n.t("service.prepare")}</h2>
            {variants.iter().cloned().map(|v| variant_documents(i18n, v, several)).collect_view()}
        </section>
        </NextTask>
        <NextTask>
        <section aria-labelledby="provider-heading">
            <h2 id="provider-heading">{move || i18n.t("service.provider")}</h2>
            {providers.iter().map(|p| {
                // Where the regulation gives no way to reach the provider, the unified contact
                // centre does.
                let unknown = p.address.is_none() && p.hours.is_none() && p.phone.is_none();
                view! {
                    <div class="provider">
                        <h3>{p.name.clone()}</h3>
                        <dl class="summary">
                            {p.address.clone().map(|a| view! { <dt>{move || i18n.t("provider.address")}</dt><dd>{a}</dd> })}
                            {p.hours.clone().map(|h| view! { <dt>{move || i18n.t("provider.hours")}</dt><dd>{h}</dd> })}
                            {p.phone.clone().map(|t| view! { <dt>{move || i18n.t("provider.phone")}</dt><dd class="nowrap">{t}</dd> })}
                        </dl>
                        {unknown.then(|| view! {
                            <p class="provider-unknown">{move || i18n.t("provider.ask_contact_centre")}</p>
                        })}
                    </div>
                }
            }).collect_view()}
        </section>
        </NextTask>
        <section aria-labelledby="apply-heading">
            <h2 id="apply-heading">{move || i18n.t("service.apply")}</h2>
            {if online {
                view! {
                    // Without script (or clicked before the app arrived) the server starts it.
                    <form novalidate method="post" action=start_action on:submit=start>
                        {several.then(|| view! {
                            <fieldset class="field" class:field-error=move || !problems.get().is_empty()>
                                <legend>{move || i18n.t("service.choose_variant")}</legend>
                                {move || problems.get().iter().find(|p| p.field == "variant").map(|p| view! {
                                    <ErrorMessage id="variant-error" message=p.message.clone() />
                                })}
                                <div class="radios">
                                    {variant_choices.iter().enumerate().map(|(i, v)| {
                                        let input_id = if i == 0 { "variant".to_string() } else { format!("variant-{}", v.id) };
                                        let value = v.id.clone();
                                        let checked = v.id.clone();
                                        view! {
                                            <div class="radio">
                                                <input type="radio" name="variant" id=input_id.clone() value=v.id.clone()
                                                    prop:checked=move || variant.get() == checked
                                                    on:change=move |_| variant.set(value.clone()) />
                                                <label for=input_id>{v.name.clone()}</label>
                                            </div>
                                        }
                                    }).collect_view()}
                                </div>
                            </fieldset>
                        })}
                        <button type="submit" id="start" aria-disabled=move || busy.get().then_some("true")>
                            {move || if session.0.get().is_some() { i18n.t("service.start") } else { i18n.t("service.login_to_start") }}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <div class="notice" role="note">
                        <p>{move || i18n.t("service.office_only_intro")}</p>
                        {service.office_directions.clone().map(|d| view! { <p>{d}</p> })}
                    </div>
                }.into_any()
            }}
        </section>
        <p><a href="/">{move || i18n.t("app.back_to_catalogue")}</a></p>
    }
}
