//! The personal cabinet: my drafts and requests with their status (icon and words, never
//! colour alone), filtered by status and searched by registration number; and my
//! notifications with the unread count. Filters live in the address, so a filtered list can
//! be bookmarked and the back button works.

use crate::api;
use crate::components::other_sessions::OtherSessions;
use crate::components::page_title::PageTitle;
use crate::components::timeline::icon;
use crate::i18n::use_i18n;
use crate::page_data::PageData;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use qyzmet_domain::api::{ApplicationView, ServiceList};
use qyzmet_domain::route::Page;
use qyzmet_domain::status::Status;
use std::collections::HashMap;

#[component]
pub fn Cabinet() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let number = Memo::new(move |_| query.with(|q| q.get("number").unwrap_or_default()));
    // The cabinet the page came with (the catalogue's names with the services it preloads);
    // refetched as the filters or the language change.
    let preloaded = crate::handover::preloaded();
    let cabinet = preloaded.cabinet.and_then(|sent| sent.read());
    let list = PageData::new(
        cabinet.as_ref().map(|c| c.applications.clone()).map(Ok),
        move || (status.get(), number.get(), i18n.lang()),
        |(status, number, lang)| async move { api::applications(&status, &number, lang).await },
    );
    let list = list.handed_over();
    let names = PageData::new(
        preloaded
            .services
            .and_then(|sent| sent.read())
            .map(service_names),
        move || i18n.lang(),
        |lang| async move {
            api::services(lang)
                .await
                .map(service_names)
                .unwrap_or_default()
        },
    );
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("cabinet.title")) />
        <OtherSessions />
        <Notifications preloaded=cabinet.map(|c| c.notifications) />
        <section aria-labelledby="applications-heading">
            <h2 id="applications-heading">{move || i18n.t("cabinet.applications")}</h2>
            <Filters status=status.get_untracked() number=number.get_untracked() />
            // Not a <Transition>: the server renders a Suspense as its fallback (see request.rs).
            {move || list.get().map(|r| match r {
                    Ok(l) => {
                        let names = names.get().unwrap_or_default();
                        let count = l.applications.len() as i64;
                        view! {
                            <p role="status">{move || i18n.t_count("cabinet.found", count)}</p>
                            {(count == 0).then(|| view! { <p>{move || i18n.t("cabinet.empty")} " " <a href="/">{move || i18n.t("app.back_to_catalogue")}</a></p> })}
                            <ul class="application-list" role="list">
                                {l.applications.into_iter().map(|a| {
                                    let name = names.get(&a.service_id).cloned().unwrap_or_else(|| a.service_id.clone());
                                    view! { <ApplicationCard application=a name=name /> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(e) => { let key = e.message_key(); view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any() }
                }).unwrap_or_else(|| view! { <p role="status">{move || i18n.t("home.loading")}</p> }.into_any())}
        </section>
    }
}

/// The filters (status, part of a number): a GET form, so they work without script and the
/// address keeps them; with script they navigate in the app.
#[component]
fn Filters(status: String, number: String) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // What is typed in the filter form, applied on submit.
    let status_input = RwSignal::new(status);
    let number_input = RwSignal::new(number);
    let apply_filters = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(
            &format!(
                "{}?status={}&number={}",
                Page::Cabinet.href(),
                status_input.get_untracked(),
                js_sys::encode_uri_component(number_input.get_untracked().trim())
            ),
            Default::default(),
        );
    };
    view! {
        <form class="filters" role="search" method="get" action="/cabinet" on:submit=apply_filters>
            <div class="field">
                <label for="filter-status">{move || i18n.t("cabinet.filter_status")}</label>
                <select id="filter-status" name="status" on:change=move |ev| status_input.set(event_target_value(&ev))>
                    <option value="" selected=move || status_input.get().is_empty()>{move || i18n.t("cabinet.all")}</option>
                    {Status::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || status_input.get() == s.code()>{move || i18n.t(&format!("status.{}", s.code()))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-number">{move || i18n.t("cabinet.filter_number")}</label>
                <input id="filter-number" name="number" type="search" autocomplete="off"
                    value=number_input.get_untracked() prop:value=move || number_input.get()
                    on:input=move |ev| number_input.set(event_target_value(&ev)) />
            </div>
            <button type="submit">{move || i18n.t("cabinet.apply_filters")}</button>
        </form>
    }
}

/// One application in the list: service, status, number, dates; a draft's link resumes it.
#[component]
fn ApplicationCard(application: ApplicationView, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let app = application;
    let s = app.status;
    let (href, action) = if s == Status::Draft {
        // A draft resumes on the step last opened, on whichever device.
        let step = app
            .last_step
            .as_ref()
            .map(|s| format!("?step={s}"))
            .unwrap_or_default();
        (
            format!("{}{step}", Page::Apply { id: app.id.clone() }.href()),
            "cabinet.continue",
        )
    } else {
        (Page::Request { id: app.id.clone() }.href(), "cabinet.open")
    };
    let number = app.registration_number.clone();
    let when = app.registered_at.clone().unwrap_or(app.updated_at.clone());
    let due = app.due_date.clone();
    view! {
        <li class="application-card">
            <h3><a href=href>{name.clone()}</a></h3>
            <p class=format!("badge status-{}", s.code())>
                <span aria-hidden="true">{icon(s)}" "</span>
                {move || i18n.t(&format!("status.{}", s.code()))}
            </p>
            <dl class="facts">
                <div>
                    <dt>{move || i18n.t("cabinet.number")}</dt>
                    <dd>{number.clone().unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(if s == Status::Draft { "cabinet.updated" } else { "cabinet.registered" })}</dt>
                    <dd>{move || i18n.moment(&when)}</dd>
                </div>
                {due.map(|d| view! { <div><dt>{move || i18n.t("request.due")}</dt><dd>{move || i18n.iso_date(&d)}</dd></div> })}
            </dl>
            <p class="visually-hidden">{move || i18n.t(action)}</p>
        </li>
    }
}

/// The latest status changes of my requests, the unread count, "mark all read".
#[component]
fn Notifications(preloaded: Option<qyzmet_domain::api::NotificationList>) -> impl IntoView {
    let i18n = use_i18n();
    let fetched = PageData::new(preloaded.map(Ok), move || i18n.lang(), api::notifications);
    let notifications = Signal::derive(move || fetched.get());
    let mark_read = move |_| {
        leptos::task::spawn_local(async move {
            if api::mark_notifications_read(i18n.lang_untracked())
                .await
                .is_ok()
            {
                fetched.refetch();
            }
        });
    };
    view! {
        <section aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">{move || i18n.t("cabinet.notifications")}</h2>
            {move || notifications.get().map(|r| match r {
                Ok(n) => {
                    let unread = n.unread;
                    view! {
                        <p id="unread-count">{move || i18n.t_count("cabinet.unread", unread)}</p>
                        <ul class="notifications">
                            {n.notifications.into_iter().take(10).map(|item| {
                                let s = item.status;
                                view! {
                                    <li class:unread=!item.read>
                                        <a href=Page::Request { id: item.application_id.clone() }.href()>
                                            {item.registration_number.clone().unwrap_or_default()}
                                        </a>
                                        ": " <span aria-hidden="true">{icon(s)}" "</span>
                                        {move || i18n.t(&format!("status.{}", s.code()))}
                                        {item.appointment.clone().map(|a| move || format!(" — {}", a.describe(&|key| i18n.t(key))))}
                                        {item.note.clone().map(|note| format!(" — {note}"))}
                                        " · " {let at = item.at.clone(); move || i18n.moment(&at)}
                                        {(!item.read).then(|| view! { " " <strong class="tag">{move || i18n.t("cabinet.new")}</strong> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(unread > 0).then(|| view! {
                            <button type="button" class="secondary" on:click=mark_read>{move || i18n.t("cabinet.mark_read")}</button>
                        })}
                    }.into_any()
                }
                Err(e) => { let key = e.message_key(); view! { <p role="alert">{move || i18n.t(&key)}</p> }.into_any() }
            })}
        </section>
    }
}

/// Each service's name by its id (a request names its service by id).
fn service_names(list: ServiceList) -> HashMap<String, String> {
    list.services.into_iter().map(|s| (s.id, s.name)).collect()
}
