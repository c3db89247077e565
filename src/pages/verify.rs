//! `/verify/:code`: the public check of a printed document, opened by the QR code on it (or
//! by typing its code). It says whether the portal issued a document with this code and what
//! it says — number, service, provider, status now, date, the signed document's hash — and,
//! for a result, checks the officer's signature here in the browser, as the request page does.
//! No login: whoever holds the paper may check it.

use crate::api;
use crate::components::page_title::PageTitle;
use crate::components::signature_check::SignatureCheck;
use crate::i18n::{I18n, use_i18n};
use crate::page_data::PageData;
use leptos::prelude::*;
use qyzmet_domain::api::{ServiceDetail, VerifiedDocumentView};
use qyzmet_domain::decision::Outcome;

/// Which document the paper is, as its title says.
fn document_key(view: &VerifiedDocumentView) -> &'static str {
    match view.decision.as_ref().map(|d| d.outcome) {
        None => "verify.document.receipt",
        Some(Outcome::Satisfied) => "verify.document.result",
        Some(Outcome::Refused) => "verify.document.refusal",
    }
}

fn found(i18n: I18n, view: VerifiedDocumentView, service: Option<ServiceDetail>) -> AnyView {
    let service_name = service
        .as_ref()
        .map(|s| s.summary.name.clone())
        .unwrap_or_else(|| view.service_id.clone());
    let provider = service
        .and_then(|s| s.providers.into_iter().find(|p| p.id == view.provider_id))
        .map(|p| p.name)
        .unwrap_or_else(|| view.provider_id.clone());
    let document = document_key(&view);
    let issued_key = if view.decision.is_some() {
        "verify.decided_at"
    } else {
        "verify.registered_at"
    };
    let (status, issued_at) = (view.status, view.issued_at.clone());
    // Where the result of a request accepted at a counter is: what the person holding the
    // receipt came to learn.
    let collection = view.collection.map(|c| {
        view! {
            <dt>{move || i18n.t("verify.collection")}</dt>
            <dd id="verify-collection">{move || i18n.t(&format!("collection.{}", c.code()))}</dd>
        }
    });
    view! {
        <div class="panel panel-success">
            <p><strong>{move || i18n.t("verify.genuine")}</strong></p>
        </div>
        <dl class="summary">
            <dt>{move || i18n.t("verify.document")}</dt>
            <dd>{move || i18n.t(document)}</dd>
            <dt>{move || i18n.t("verify.code")}</dt>
            <dd class="nowrap">{view.code.clone()}</dd>
            <dt>{move || i18n.t("verify.number")}</dt>
            <dd class="nowrap">{view.registration_number.clone()}</dd>
            <dt>{move || i18n.t("verify.service")}</dt>
            <dd>{service_name}</dd>
            <dt>{move || i18n.t("verify.provider")}</dt>
            <dd>{provider}</dd>
            <dt>{move || i18n.t(issued_key)}</dt>
            <dd><time datetime=view.issued_at.clone()>{move || i18n.moment(&issued_at)}</time></dd>
            <dt>{move || i18n.t("verify.status")}</dt>
            <dd>{move || i18n.t(&format!("status.{}", status.code()))}</dd>
            {collection}
            <dt>{move || i18n.t("verify.sha256")}</dt>
            <dd><code class="hash">{view.sha256.clone()}</code></dd>
        </dl>
        <p class="hint">{move || i18n.t("verify.sha256_hint")}</p>
        {view.decision.map(|d| view! { <SignatureCheck decision=d /> })}
    }
    .into_any()
}

#[component]
pub fn Verify() -> impl IntoView {
    let i18n = use_i18n();
    let code = crate::route::document_code();
    // What the code shows, as the page came with it; asked again in another language.
    let preloaded = crate::handover::preloaded()
        .verification
        .and_then(|sent| sent.read());
    if let Some(Err(_)) = &preloaded {
        crate::handover::ServerStatus::not_found();
    }
    let fetched = PageData::new(
        preloaded,
        move || (code(), i18n.lang()),
        |(code, lang)| async move {
            let view = api::verified_document(&code, lang)
                .await
                .map_err(|e| e.message_key())?;
            // The service's name and provider in the reader's language; the check stands
            // without them.
            let service = api::service(&view.service_id, lang).await.ok();
            Ok::<_, String>((view, service))
        },
    );
    let data = fetched.handed_over();
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("verify.title")) />
        {move || match data.get() {
            None => view! { <p role="status">{move || i18n.t("verify.checking")}</p> }.into_any(),
            Some(Ok((view, service))) => found(i18n, view, service),
            Some(Err(key)) => {
                view! {
                    <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div>
                    <p>{move || i18n.t("verify.not_found_help")}</p>
                }.into_any()
            }
        }}
    }
}
