//! The parts of the sign page: the document as formed, the opened key's holder, NCALayer,
//! and the confirmation once registered.

use crate::i18n::use_i18n;
use crate::kz_time::utc_date;
use leptos::prelude::*;
use qyzmet_domain::api::{ApplicationView, CertificateHolder};
use qyzmet_domain::outgoing::OutgoingDocument;
use qyzmet_domain::route::Page;
use qyzmet_domain::route::api::{ApplicationPart, in_lang, of_application};

/// What the applicant is about to sign, as the server formed it.
#[component]
pub(super) fn FormedDocument(document: OutgoingDocument) -> impl IntoView {
    let i18n = use_i18n();
    let d = document;
    let files = d
        .attachments
        .iter()
        .map(|a| view! { <li>{a.file_name.clone()}</li> })
        .collect_view();
    view! {
        <section aria-labelledby="document-title">
            <h2 id="document-title">{move || i18n.t("sign.document")}</h2>
            <dl class="summary">
                <dt>{move || i18n.t("sign.service")}</dt>
                <dd>{d.service_name.clone()}</dd>
                <dt>{move || i18n.t("sign.applicant")}</dt>
                <dd>{format!("{} ({})", d.applicant.name, d.applicant.id)}</dd>
                <dt>{move || i18n.t("sign.files")}</dt>
                <dd><ul>{files}</ul></dd>
                <dt>{move || i18n.t("sign.formed_at")}</dt>
                <dd>{d.formed_at.clone()}</dd>
            </dl>
        </section>
    }
}

/// Whose the opened key is, who issued it, until when — and the button that signs with it.
#[component]
pub(super) fn HolderPanel(
    holder: CertificateHolder,
    busy: RwSignal<bool>,
    on_sign: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let h = holder;
    let id_line = match (&h.iin, &h.bin) {
        (Some(iin), Some(bin)) => format!("{iin} / {bin}"),
        (Some(iin), None) => iin.clone(),
        (None, Some(bin)) => bin.clone(),
        (None, None) => String::new(),
    };
    view! {
        <div class="panel" id="key-holder" tabindex="-1" role="status">
            <dl class="summary">
                <dt>{move || i18n.t("sign.holder")}</dt>
                <dd>{h.common_name.clone()}{h.organization.clone().map(|o| format!(", {o}"))}</dd>
                <dt>{move || i18n.t("sign.holder_id")}</dt>
                <dd>{id_line}</dd>
                <dt>{move || i18n.t("sign.issuer")}</dt>
                <dd>{h.issuer.clone()}</dd>
                <dt>{move || i18n.t("sign.validity")}</dt>
                <dd>{move || format!("{} – {}", i18n.date(utc_date(h.not_before)), i18n.date(utc_date(h.not_after)))}</dd>
            </dl>
            <button type="button" on:click=move |_| on_sign.run(()) aria-disabled=move || busy.get().then_some("true")>
                {move || i18n.t("sign.submit")}
            </button>
        </div>
    }
}

/// Signing with NCALayer, where it runs on this computer.
#[component]
pub(super) fn NcaLayerPanel(busy: RwSignal<bool>, on_sign: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="ncalayer-title">
            <h2 id="ncalayer-title">{move || i18n.t("sign.ncalayer")}</h2>
            <p>{move || i18n.t("sign.ncalayer_intro")}</p>
            <button type="button" on:click=move |_| on_sign.run(()) aria-disabled=move || busy.get().then_some("true")>
                {move || i18n.t("sign.ncalayer_submit")}
            </button>
        </section>
    }
}

/// The confirmation: registration number, due date, the receipt and where to follow it.
#[component]
pub(super) fn Registered(application: ApplicationView) -> impl IntoView {
    let i18n = use_i18n();
    let app = application;
    let number = app.registration_number.clone().unwrap_or_default();
    let due = app.due_date.clone().unwrap_or_default();
    let id = app.id.clone();
    let receipt = move || in_lang(&of_application(&id, ApplicationPart::Receipt), i18n.lang());
    view! {
        <div class="panel panel-success" id="submitted" tabindex="-1" role="status">
            <p>{move || i18n.t("sign.done.number")}</p>
            <p class="registration-number"><strong>{number}</strong></p>
            <p>{move || i18n.t_with("sign.done.due", &[("date", i18n.iso_date(&due))])}</p>
            <p>{move || i18n.t("sign.done.next")}</p>
            <p><a href=receipt download="">{move || i18n.t("request.download_receipt")}</a></p>
            <p><a href=Page::Request { id: app.id.clone() }.href()>{move || i18n.t("sign.done.follow")}</a></p>
        </div>
    }
}
