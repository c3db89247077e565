//! Payment: for a service whose fee is paid before signing, the applicant pays at the gateway
//! the payment names (the acquirer's page drawn by the server, or the demo's clearly marked
//! TEST gateway) and comes back here; signing is refused until the gateway confirmed it.

use super::steps::{Frame, header};
use crate::api::{self, ApiError};
use crate::components::account_forms::message;
use crate::components::form::Problem;
use crate::components::service_card::fee_text;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::PaymentStatus;

pub fn payment(frame: Frame) -> impl IntoView {
    let i18n = use_i18n();
    let editor = frame.editor;
    let summary = RwSignal::new(Vec::<Problem>::new());
    let navigate = use_navigate();
    let current = LocalResource::new(move || async move {
        match api::payment(&editor.draft.id(), i18n.lang_untracked()).await {
            Ok(p) => Ok(Some(p)),
            Err(ApiError::Problem(p)) if p.code == "payment.not_found" => Ok(None),
            Err(e) => Err(e),
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(Some(p))) = current.get() {
            editor.paid.set(p.status == PaymentStatus::Paid);
        }
    });
    let fee = editor.variant.with_value(|v| v.fee.clone());
    let pay = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::start_payment(&editor.draft.id(), i18n.lang_untracked()).await {
                // The demo's TEST gateway is a page of this app; an acquirer's is a page the
                // server draws with the bank's script: a full load.
                Ok(p)
                    if p.gateway_url
                        .starts_with(&qyzmet_domain::route::api::test_payment("")) =>
                {
                    let back = editor.href("payment");
                    navigate(
                        &format!(
                            "{}?return={}",
                            qyzmet_domain::route::Page::TestPaymentGateway { id: p.id }.href(),
                            js_sys::encode_uri_component(&back)
                        ),
                        Default::default(),
                    );
                }
                Ok(p) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().assign(&p.gateway_url);
                    }
                }
                Err(e) => summary.set(vec![Problem {
                    field: "pay".into(),
                    message: i18n.t(&e.message_key()),
                }]),
            }
        });
    };
    let next = frame.next_href();
    let go_on = move |_| {
        if editor.paid.get_untracked() {
            frame.save_and_go(next.clone());
        } else {
            summary.set(vec![Problem {
                field: "pay".into(),
                message: message(i18n, "payment.required", &[]),
            }]);
        }
    };
    view! {
        {header(frame, summary)}
        <dl class="summary">
            <dt>{move || i18n.t("service.fee")}</dt>
            <dd>{move || fee_text(i18n, fee.as_ref())}</dd>
            <dt>{move || i18n.t("payment.status")}</dt>
            <dd>
                {move || match current.get() {
                    Some(Ok(Some(p))) if p.status == PaymentStatus::Paid => i18n.t_with("payment.paid_at", &[("time", p.paid_at.as_deref().map(|at| i18n.moment(at)).unwrap_or_default())]),
                    Some(Ok(_)) => i18n.t("payment.not_paid"),
                    Some(Err(e)) => i18n.t(&e.message_key()),
                    None => i18n.t("home.loading"),
                }}
            </dd>
        </dl>
        <Show when=move || !editor.paid.get()>
            <p>{move || i18n.t("payment.intro")}</p>
            <p><button type="button" id="pay" on:click=pay.clone()>{move || i18n.t("payment.pay")}</button></p>
        </Show>
        <p><button type="button" class:secondary=move || !editor.paid.get() on:click=go_on.clone()>{move || i18n.t("apply.continue")}</button></p>
    }
}
