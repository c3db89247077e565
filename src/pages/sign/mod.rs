//! The sign step: the outgoing document the server formed, the applicant's key opened in the
//! browser (whose it is, who issued it, until when), the EDS signature, and submission — then
//! the confirmation with the registration number and due date.

use crate::api::{self, ApiError};
use crate::components::account_forms::{from_api, message};
use crate::components::form::{ErrorSummary, Problem, focus_by_id};
use crate::components::page_title::PageTitle;
use crate::i18n::{I18n, use_i18n};
use crate::kz_time::date;
use crate::ncalayer;
use crate::signer::decode_base64 as decode;
use crate::signer::{self, Purpose, SignError, Signer};
use leptos::prelude::*;
use qyzmet_domain::api::{ApplicationView, CertificateHolder, SubmitApplication};
use qyzmet_domain::outgoing::OutgoingDocument;

use crate::components::key_fields::{FILE, KeyFields, KeyInput, PASSWORD};

mod mobile;

/// The document as the server sent it: base64 (what goes back) and the bytes (what is signed).
#[derive(Clone)]
struct Formed {
    base64: String,
    bytes: Vec<u8>,
    parsed: OutgoingDocument,
}

fn signer_problems(i18n: I18n, e: &SignError) -> Vec<Problem> {
    vec![Problem {
        field: e.field(FILE, PASSWORD).to_string(),
        message: message(i18n, &e.code, &[]),
    }]
}

/// A random key for this page's submit: a retry sends the same one.
fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let crypto = window().crypto().ok();
    if let Some(c) = crypto {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[component]
pub fn Sign() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::route::application_id();
    let problems = RwSignal::new(Vec::<Problem>::new());
    let busy = RwSignal::new(false);
    let key = KeyInput::new();
    let password = key.password;
    let holder = RwSignal::new(None::<CertificateHolder>);
    let registered = RwSignal::new(None::<ApplicationView>);
    let submit_key = StoredValue::new(idempotency_key());
    let formed = LocalResource::new(move || {
        let (id, lang) = (id(), i18n.lang());
        async move {
            let view = api::outgoing_document(&id, lang).await?;
            let bytes = decode(&view.document).ok_or(ApiError::Network)?;
            let parsed = OutgoingDocument::from_bytes(&bytes).ok_or(ApiError::Network)?;
            Ok::<_, ApiError>(Formed {
                base64: view.document,
                bytes,
                parsed,
            })
        }
    });

    let inputs = move || key.read(i18n);

    let open_key = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (file, pw) = match inputs() {
            Ok(v) => v,
            Err(found) => return problems.set(found),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match signer::inspect(&file, &pw).await {
                Ok((h, can_sign, _)) if can_sign => {
                    problems.set(Vec::new());
                    holder.set(Some(h));
                    // After the panel is drawn.
                    request_animation_frame(|| focus_by_id("key-holder"));
                }
                Ok(_) => problems.set(signer_problems(
                    i18n,
                    &SignError {
                        code: "eds.key_usage".into(),
                    },
                )),
                Err(e) => problems.set(signer_problems(i18n, &e)),
            }
            busy.set(false);
        });
    };

    // Signs with `signer` and submits; the one path for both signers.
    let submit_with = move |signer: Signer| {
        if busy.get_untracked() {
            return;
        }
        let Some(Ok(doc)) = formed.get_untracked() else {
            return;
        };
        busy.set(true);
        let (id, lang, key) = (id(), i18n.lang(), submit_key.get_value());
        leptos::task::spawn_local(async move {
            let outcome = match signer.sign(&doc.bytes, Purpose::Signing).await {
                Err(e) => Err(signer_problems(i18n, &e)),
                Ok(signature) => {
                    let req = SubmitApplication {
                        document: doc.base64.clone(),
                        signature,
                    };
                    api::submit_application(&id, &req, &key, lang)
                        .await
                        .map_err(|e| from_api(i18n, &e, FILE))
                }
            };
            match outcome {
                Ok(view) => {
                    problems.set(Vec::new());
                    // The password is not needed any more: it leaves the page's memory.
                    password.set(String::new());
                    registered.set(Some(view));
                    request_animation_frame(|| focus_by_id("submitted"));
                }
                Err(found) => problems.set(found),
            }
            busy.set(false);
        });
    };
    let sign_and_submit = move |_| match inputs() {
        Ok((file, password)) => submit_with(Signer::KeyFile { file, password }),
        Err(found) => problems.set(found),
    };
    let ncalayer_running = LocalResource::new(ncalayer::available);
    let sign_with_ncalayer = move |_| {
        let Some(Ok(doc)) = formed.get_untracked() else {
            return;
        };
        let applicant = doc.parsed.applicant;
        let (iin, bin) = if applicant.id_kind == "bin" {
            (None, Some(applicant.id))
        } else {
            (Some(applicant.id), None)
        };
        submit_with(Signer::NcaLayer {
            iin,
            bin,
            locale: i18n.lang().code(),
        });
    };

    let document_view = move |doc: Formed| {
        let d = doc.parsed;
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
    };

    let key_view = move || {
        view! {
            <section aria-labelledby="key-title">
                <h2 id="key-title">{move || i18n.t("sign.key")}</h2>
                <p>{move || i18n.t("sign.key_intro")}</p>
                <form class="narrow" novalidate on:submit=open_key>
                    <KeyFields
                        key=key
                        problems=problems
                        hint=Signal::derive(move || i18n.t("sign.key_hint"))
                        on_pick=Callback::new(move |_| holder.set(None))
                    />
                    <button type="submit" class="secondary" aria-disabled=move || busy.get().then_some("true")>
                        {move || i18n.t("sign.open_key")}
                    </button>
                </form>
                {move || holder.get().map(|h| {
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
                                <dd>{format!("{} – {}", date(h.not_before), date(h.not_after))}</dd>
                            </dl>
                            <button type="button" on:click=sign_and_submit aria-disabled=move || busy.get().then_some("true")>
                                {move || i18n.t("sign.submit")}
                            </button>
                        </div>
                    }
                })}
            </section>
            <mobile::MobileSign id=id() problems=problems registered=Callback::new(move |view: ApplicationView| {
                password.set(String::new());
                registered.set(Some(view));
                request_animation_frame(|| focus_by_id("submitted"));
            }) />
            {move || (ncalayer_running.get() == Some(true)).then(|| view! {
                <section aria-labelledby="ncalayer-title">
                    <h2 id="ncalayer-title">{move || i18n.t("sign.ncalayer")}</h2>
                    <p>{move || i18n.t("sign.ncalayer_intro")}</p>
                    <button type="button" on:click=sign_with_ncalayer aria-disabled=move || busy.get().then_some("true")>
                        {move || i18n.t("sign.ncalayer_submit")}
                    </button>
                </section>
            })}
        }
    };

    view! {
        <PageTitle
            text=Signal::derive(move || if registered.get().is_some() { i18n.t("sign.done.title") } else { i18n.t("sign.title") })
            error=Signal::derive(move || !problems.get().is_empty())
        />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        {move || match registered.get() {
            Some(app) => {
                let number = app.registration_number.clone().unwrap_or_default();
                let due = app.due_date.clone().unwrap_or_default();
                view! {
                    <div class="panel panel-success" id="submitted" tabindex="-1" role="status">
                        <p>{move || i18n.t("sign.done.number")}</p>
                        <p class="registration-number"><strong>{number.clone()}</strong></p>
                        <p>{move || i18n.t_with("sign.done.due", &[("date", due.clone())])}</p>
                        <p>{move || i18n.t("sign.done.next")}</p>
                        <p><a href={ let id = app.id.clone(); move || format!("/api/applications/{id}/receipt?lang={}", i18n.lang().code()) } download="">{move || i18n.t("request.download_receipt")}</a></p>
                        <p><a href=format!("/applications/{}", app.id)>{move || i18n.t("sign.done.follow")}</a></p>
                    </div>
                }
                    .into_any()
            }
            None => view! {
                <Transition fallback=move || view! { <p role="status">{move || i18n.t("home.loading")}</p> }>
                    {move || formed.get().map(|result| match result {
                        Ok(doc) => view! { {document_view(doc)} {key_view()} }.into_any(),
                        Err(e) => {
                            let key = e.message_key();
                            view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any()
                        }
                    })}
                </Transition>
            }
                .into_any(),
        }}
    }
}
