//! The provider's queue: open requests first, filtered on the page as the officer types.

use super::process::step_text;
use super::{due_text, status_view};
use crate::api;
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use qyzmet_domain::route::Page;
use qyzmet_domain::status::Status;

#[component]
pub fn Queue() -> impl IntoView {
    let i18n = use_i18n();
    // A tab (the member of staff's own steps, a head's to assign or sign, steps overdue) is
    // asked of the server, which knows the roles; the other filters narrow what came.
    let tab = RwSignal::new(String::new());
    let tab_counts = RwSignal::new(std::collections::BTreeMap::<String, i64>::new());
    let queue = LocalResource::new(move || {
        let (lang, tab) = (i18n.lang(), tab.get());
        async move { api::officer_queue(&tab, lang).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(q)) = queue.get() {
            tab_counts.set(q.tabs.clone());
        }
    });
    // Filters narrow the loaded queue at once (a provider's open requests fit one answer).
    let status_filter = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let overdue_only = RwSignal::new(false);
    let admits = move |item: &qyzmet_domain::api::QueueItem| {
        let text = search.get().trim().to_lowercase();
        let status = status_filter.get();
        (status.is_empty() || item.status.code() == status)
            && (!overdue_only.get() || item.overdue)
            && (text.is_empty()
                || item.registration_number.to_lowercase().contains(&text)
                || item.applicant_name.to_lowercase().contains(&text)
                || item.applicant_id.contains(&text))
    };
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("officer.queue.title")) />
        <crate::components::other_sessions::OtherSessions />
        <QueueFilters search status_filter overdue_only tab tab_counts />
        <Transition fallback=move || view! { <p role="status">{move || i18n.t("home.loading")}</p> }>
            {move || queue.get().map(|result| match result {
                Ok(mut q) => {
                    q.requests.retain(|item| admits(item));
                    view! { <QueueTable queue=q /> }.into_any()
                }
                Err(e) => {
                    let key = e.message_key();
                    view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any()
                }
            })}
        </Transition>
    }
}

/// The tabs of the queue, each with how many requests it holds.
const TABS: [&str; 4] = ["mine", "assign", "sign", "overdue"];

/// The tab, then search, status and "overdue only" (these narrow the loaded queue at once).
#[component]
fn QueueFilters(
    search: RwSignal<String>,
    status_filter: RwSignal<String>,
    overdue_only: RwSignal<bool>,
    tab: RwSignal<String>,
    tab_counts: RwSignal<std::collections::BTreeMap<String, i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tabs = TABS
        .into_iter()
        .map(|t| {
            let key = format!("officer.tab.{t}");
            let count = move || tab_counts.with(|c| c.get(t).copied().unwrap_or(0));
            view! {
                <option value=t selected=move || tab.get() == t>
                    {move || i18n.t_with(&key, &[("n", count().to_string())])}
                </option>
            }
        })
        .collect_view();
    view! {
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="queue-tab">{move || i18n.t("officer.tab.label")}</label>
                <select id="queue-tab" on:change=move |ev| tab.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("officer.tab.all")}</option>
                    {tabs}
                </select>
            </div>
            <div class="field">
                <label for="queue-search">{move || i18n.t("officer.filter.search")}</label>
                <input id="queue-search" type="search" autocomplete="off" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="queue-status">{move || i18n.t("cabinet.filter_status")}</label>
                <select id="queue-status" on:change=move |ev| status_filter.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("cabinet.all")}</option>
                    {Status::ALL.into_iter().filter(|s| *s != Status::Draft).map(|s| view! {
                        <option value=s.code()>{move || i18n.t(&format!("status.{}", s.code()))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field radio">
                <input type="checkbox" id="queue-overdue" prop:checked=move || overdue_only.get()
                    on:change=move |ev| overdue_only.set(event_target_checked(&ev)) />
                <label for="queue-overdue">{move || i18n.t("officer.filter.overdue")}</label>
            </div>
        </form>
    }
}

/// The queue as filtered: counts per status and the table of requests.
#[component]
fn QueueTable(queue: qyzmet_domain::api::Queue) -> impl IntoView {
    let i18n = use_i18n();
    let q = queue;
    let counts = q
        .counts
        .iter()
        .map(|(code, n)| {
            let (code, n) = (code.clone(), *n);
            view! { <li>{move || i18n.t(&format!("status.{code}"))} ": " <strong>{n}</strong></li> }
        })
        .collect_view();
    let empty = q.requests.is_empty();
    let rows = q.requests.into_iter().map(|item| {
        let due = due_text(i18n, &item);
        let step = item.step.clone().map(|c| {
            let holder = c.holder.clone();
            let overdue = c.overdue;
            view! {
                {move || step_text(i18n, c.index, &c)}
                {holder.map(|h| view! { <br /> {h} })}
                {overdue.then(|| view! { <br /><strong class="badge badge-overdue">{move || i18n.t("process.overdue")}</strong> })}
            }
        });
        view! {
            <tr class:overdue=item.overdue class:mine=item.mine>
                <td><A href=Page::OfficerRequest { id: item.id.clone() }.href()>{item.registration_number.clone()}</A></td>
                <td>{item.service_name.clone()}</td>
                <td>{format!("{} ({})", item.applicant_name, item.applicant_id)}</td>
                <td>{status_view(i18n, item.status)}</td>
                <td>{step}</td>
                <td>{due}</td>
            </tr>
        }
    }).collect_view();
    view! {
        <ul class="counts">{counts}</ul>
        {empty.then(|| view! { <p>{move || i18n.t("officer.queue.empty")}</p> })}
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="queue-caption">
            <table class="queue">
                <caption id="queue-caption">{move || i18n.t("officer.queue.caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t("officer.col.number")}</th>
                        <th scope="col">{move || i18n.t("officer.col.service")}</th>
                        <th scope="col">{move || i18n.t("officer.col.applicant")}</th>
                        <th scope="col">{move || i18n.t("officer.col.status")}</th>
                        <th scope="col">{move || i18n.t("officer.col.step")}</th>
                        <th scope="col">{move || i18n.t("officer.col.due")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
