//! The built-in TEST payment gateway: it stands in for a bank's page so the fee step can be
//! walked end to end. It says on every line that no money moves.

use crate::api;
use crate::components::account_forms::safe_return;
use crate::components::form::{ErrorSummary, Problem};
use crate::components::page_title::PageTitle;
use crate::i18n::{format_number, use_i18n};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use qyzmet_domain::api::PaymentStatus;

#[component]
pub fn TestGateway() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let id = crate::route::application_id();
    let back =
        move || safe_return(query.with(|q| q.get("return"))).unwrap_or_else(|| "/cabinet".into());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let payment = LocalResource::new(move || {
        let id = id();
        async move { api::gateway_payment(&id, i18n.lang_untracked()).await }
    });
    let confirm = move |_| {
        let navigate = navigate.clone();
        let (id, back) = (id(), back());
        leptos::task::spawn_local(async move {
            match api::gateway_confirm(&id, i18n.lang_untracked()).await {
                Ok(_) => navigate(&back, Default::default()),
                Err(e) => problems.set(vec![Problem {
                    field: "confirm".into(),
                    message: i18n.t(&e.message_key()),
                }]),
            }
        });
    };
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("gateway.title")) error=Signal::derive(move || !problems.get().is_empty()) />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <div class="notice notice-warning" role="note"><p><strong>{move || i18n.t("gateway.test_only")}</strong></p></div>
        {move || payment.get().map(|r| match r {
            Ok(p) => {
                let paid = p.status == PaymentStatus::Paid;
                view! {
                    <dl class="summary">
                        <dt>{move || i18n.t("gateway.amount")}</dt>
                        <dd>{move || format!("{} ₸", format_number(i18n.lang(), p.amount_tenge as i64))}</dd>
                        <dt>{move || i18n.t("payment.status")}</dt>
                        <dd>{move || i18n.t(if paid { "payment.paid" } else { "payment.not_paid" })}</dd>
                    </dl>
                    {(!paid).then(|| view! { <button type="button" id="confirm" on:click=confirm.clone()>{move || i18n.t("gateway.confirm")}</button> " " })}
                    <a href=back()>{move || i18n.t("gateway.back")}</a>
                }.into_any()
            }
            Err(e) => { let key = e.message_key(); view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any() }
        })}
    }
}
