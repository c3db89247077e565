//! The sign step: the outgoing document the server formed, the applicant's key opened in the
//! browser (whose it is, who issued it, until when), the EDS signature, and submission — then
//! the confirmation with the registration number and due date.

use crate::api::{self, ApiError};
use crate::components::account_forms::{from_api, message};
use crate::components::form::{ErrorSummary, Problem, focus_by_id};
use crate::components::page_title::PageTitle;
use crate::i18n::{I18n, use_i18n};
use crate::signer::decode_base64 as decode;
use crate::signer::{self, Purpose, SignError, Signer};
use leptos::prelude::*;
use qyzmet_domain::api::{ApplicationView, CertificateHolder, SubmitApplication};
use qyzmet_domain::outgoing::OutgoingDocument;

use crate::components::key_fields::{FILE, KeyFields, KeyInput, PASSWORD};
use qyzmet_domain::route::Page;

mod mobile;
mod panels;

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
    if !crate::handover::in_browser() {
        return String::new();
    }
    let crypto = window().crypto().ok();
    if let Some(c) = crypto {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the sign page holds; Copy, so every handler can take it.
#[derive(Clone, Copy)]
struct SignPage {
    i18n: I18n,
    id: Memo<String>,
    problems: RwSignal<Vec<Problem>>,
    busy: RwSignal<bool>,
    key: KeyInput,
    holder: RwSignal<Option<CertificateHolder>>,
    registered: RwSignal<Option<ApplicationView>>,
    submit_key: StoredValue<String>,
    formed: LocalResource<Result<Formed, ApiError>>,
}

impl SignPage {
    fn new(i18n: I18n) -> SignPage {
        let route_id = crate::route::application_id();
        let id = Memo::new(move |_| route_id());
        let formed = LocalResource::new(move || {
            let (id, lang) = (id.get(), i18n.lang());
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
        SignPage {
            i18n,
            id,
            problems: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
            key: KeyInput::new(),
            holder: RwSignal::new(None),
            registered: RwSignal::new(None),
            submit_key: StoredValue::new(idempotency_key()),
            formed,
        }
    }

    /// Opens the chosen key in the worker and shows whose it is, if it may sign.
    fn open_key(self) {
        if self.busy.get_untracked() {
            return;
        }
        let (file, pw) = match self.key.read(self.i18n) {
            Ok(v) => v,
            Err(found) => return self.problems.set(found),
        };
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match signer::inspect(&file, &pw).await {
                Ok((h, true, _)) => {
                    self.problems.set(Vec::new());
                    self.holder.set(Some(h));
                    // After the panel is drawn.
                    request_animation_frame(|| focus_by_id("key-holder"));
                }
                Ok(_) => {
                    let e = SignError {
                        code: "eds.key_usage".into(),
                    };
                    self.problems.set(signer_problems(self.i18n, &e));
                }
                Err(e) => self.problems.set(signer_problems(self.i18n, &e)),
            }
            self.busy.set(false);
        });
    }

    /// Signs with `signer` and submits; the one path for every signer.
    fn submit_with(self, signer: Signer) {
        let i18n = self.i18n;
        let Some(Ok(doc)) = self
            .formed
            .get_untracked()
            .filter(|_| !self.busy.get_untracked())
        else {
            return;
        };
        self.busy.set(true);
        let (id, lang, key) = (
            self.id.get_untracked(),
            i18n.lang(),
            self.submit_key.get_value(),
        );
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
                Ok(view) => self.done(view),
                Err(found) => self.problems.set(found),
            }
            self.busy.set(false);
        });
    }

    fn sign_with_key_file(self) {
        match self.key.read(self.i18n) {
            Ok((file, password)) => self.submit_with(Signer::KeyFile { file, password }),
            Err(found) => self.problems.set(found),
        }
    }

    /// NCALayer, asked for a key of the applicant's kind (a person's or a company's) — at a
    /// counter, the accepting staff member's own.
    fn sign_with_ncalayer(self) {
        let Some(Ok(doc)) = self.formed.get_untracked() else {
            return;
        };
        if let Some(staff) = doc.parsed.accepted_by {
            let locale = self.i18n.lang().code();
            let (iin, bin) = (Some(staff.iin), None);
            return self.submit_with(Signer::NcaLayer { iin, bin, locale });
        }
        let applicant = doc.parsed.applicant;
        let (iin, bin) = if applicant.id_kind == "bin" {
            (None, Some(applicant.id))
        } else {
            (Some(applicant.id), None)
        };
        let locale = self.i18n.lang().code();
        self.submit_with(Signer::NcaLayer { iin, bin, locale });
    }

    /// Registered, whichever way it was signed.
    fn done(self, view: ApplicationView) {
        self.problems.set(Vec::new());
        // The password is not needed any more: it leaves the page's memory.
        self.key.password.set(String::new());
        self.registered.set(Some(view));
        request_animation_frame(|| focus_by_id("submitted"));
    }
}

#[component]
pub fn Sign() -> impl IntoView {
    let i18n = use_i18n();
    let page = SignPage::new(i18n);
    let SignPage {
        problems,
        busy,
        key,
        holder,
        registered,
        formed,
        ..
    } = page;
    let key_view = move || {
        view! {
            <section aria-labelledby="key-title">
                <h2 id="key-title">{move || i18n.t("sign.key")}</h2>
                <p>{move || i18n.t("sign.key_intro")}</p>
                <form class="narrow" novalidate on:submit=move |ev| { ev.prevent_default(); page.open_key() }>
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
                {move || holder.get().map(|h| view! {
                    <panels::HolderPanel holder=h busy=busy on_sign=Callback::new(move |_| page.sign_with_key_file()) />
                })}
            </section>
            <mobile::MobileSign id=page.id.get_untracked() problems=problems registered=Callback::new(move |view| page.done(view)) />
            // Offered, not probed for: a probe on load is a refused connection in the console
            // of every signer without NCALayer; a click where it does not run says so.
            <panels::NcaLayerPanel busy=busy on_sign=Callback::new(move |_| page.sign_with_ncalayer()) />
        }
    };
    view! {
        <PageTitle
            text=Signal::derive(move || if registered.get().is_some() { i18n.t("sign.done.title") } else { i18n.t("sign.title") })
            error=Signal::derive(move || !problems.get().is_empty())
        />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        {move || match registered.get() {
            Some(app) => view! { <panels::Registered application=app /> }.into_any(),
            None => view! {
                <Transition fallback=move || view! { <p role="status">{move || i18n.t("home.loading")}</p> }>
                    {move || formed.get().map(|result| match result {
                        Ok(doc) => view! { <panels::FormedDocument document=doc.parsed /> {key_view()} }.into_any(),
                        Err(e) => view! { <NotFormed error=e id=page.id.get_untracked() /> }.into_any(),
                    })}
                </Transition>
            }
                .into_any(),
        }}
    }
}

/// The document could not be formed: why, and where to go on. An application not yet
/// complete (opened here by a bookmark or the back button) says how much is missing and
/// leads back to its form, not to a dead end.
#[component]
fn NotFormed(error: ApiError, id: String) -> impl IntoView {
    let i18n = use_i18n();
    let missing = error
        .problem()
        .filter(|p| p.code == "validation")
        .map(|p| p.errors.len() as i64);
    match missing {
        Some(count) => view! {
            <div class="notice notice-error" role="alert">
                <p>{move || i18n.t_count("sign.incomplete", count)}</p>
            </div>
            <p><a href=Page::Apply { id: id.clone() }.href()>{move || i18n.t("sign.back_to_form")}</a></p>
        }
        .into_any(),
        None => {
            let key = error.message_key();
            view! {
                <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div>
                <p><a href="/cabinet">{move || i18n.t("sign.to_cabinet")}</a></p>
            }
            .into_any()
        }
    }
}
