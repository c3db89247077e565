//! Registration with IIN or BIN (found in the registry), email and a password — after proving
//! the person, as egov.kz requires: with the EDS authentication key of that IIN/BIN, or (a
//! person only) with a code sent to the phone the state's mobile-citizens database holds.
//! Nothing of the holder (not even the name) is shown before the proof.

use crate::api;
use crate::components::account_forms::{
    FormState, check_login, from_api, message, required, signer_problem,
};
use crate::components::form::{ErrorSummary, Problem, TextField};
use crate::components::key_fields::{KeyFields, KeyInput};
use crate::components::one_time_code::CodeField;
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::signer::{self, Purpose};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::{CodeSent, IdentityProof, RegisterRequest};
use qyzmet_domain::identifiers::AccountId;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Sms,
    Eds,
}

#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let method = RwSignal::new(Method::Sms);
    let key = KeyInput::new();
    let code = RwSignal::new(String::new());
    // The code sent, and for which IIN: a changed number needs a new code.
    let sent = RwSignal::new(None::<(String, CodeSent)>);
    let form = FormState::new();

    // A note as the user types, once all 12 digits are in: what the number is, or which rule
    // it breaks. Not an error until they submit.
    let login_note = Signal::derive(move || {
        let raw = login.get();
        let digits = raw.chars().filter(char::is_ascii_digit).count();
        (digits >= 12).then(|| match AccountId::parse(&raw) {
            Ok(AccountId::Iin(_)) => i18n.t("register.looks_like_iin"),
            Ok(AccountId::Bin(_)) => i18n.t("register.looks_like_bin"),
            Err(e) => message(i18n, e.code(), &[]),
        })
    });
    let code_for_this_login = move || {
        sent.with(|s| {
            s.as_ref()
                .filter(|(for_login, _)| *for_login == login.get())
                .map(|(_, s)| s.clone())
        })
    };

    let fields_checked = move || -> Vec<Problem> {
        [
            check_login(i18n, &login.get_untracked()),
            required(i18n, "email", &email.get_untracked()),
            required(i18n, "password", &password.get_untracked()),
        ]
        .into_iter()
        .flatten()
        .collect()
    };

    let send_code = move || {
        if form.busy.get_untracked() {
            return;
        }
        let found: Vec<Problem> = check_login(i18n, &login.get_untracked())
            .into_iter()
            .collect();
        if !found.is_empty() {
            form.problems.set(found);
            return;
        }
        let for_login = login.get_untracked();
        form.busy.set(true);
        leptos::task::spawn_local(async move {
            match api::registration_code(&for_login, i18n.lang_untracked()).await {
                Ok(s) => {
                    form.problems.set(Vec::new());
                    code.set(String::new());
                    sent.set(Some((for_login, s)));
                    request_animation_frame(|| crate::components::form::focus_by_id("code"));
                }
                Err(e) => form.problems.set(from_api(i18n, &e, "login")),
            }
            form.busy.set(false);
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = fields_checked();
        let base = RegisterRequest {
            login: login.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            proof: IdentityProof::Sms {
                verification_id: String::new(),
                code: String::new(),
            },
        };
        let lang = i18n.lang();
        match method.get_untracked() {
            Method::Sms => {
                let Some(s) = untrack(code_for_this_login) else {
                    // No code yet for this number: send it first; the fields stay as typed.
                    if found.is_empty() {
                        send_code();
                    } else {
                        form.problems.set(found);
                    }
                    return;
                };
                found.extend(required(i18n, "code", &code.get_untracked()));
                let req = RegisterRequest {
                    proof: IdentityProof::Sms {
                        verification_id: s.verification_id,
                        code: code.get_untracked(),
                    },
                    ..base
                };
                form.submit(i18n, session, navigate.clone(), found, move || async move {
                    api::register(&req, lang).await
                });
            }
            Method::Eds => {
                let chosen = match key.read(i18n) {
                    Ok(chosen) => Some(chosen),
                    Err(more) => {
                        found.extend(more);
                        None
                    }
                };
                form.submit(i18n, session, navigate.clone(), found, move || async move {
                    let Some((file, password)) = chosen else {
                        return Err(api::ApiError::Network);
                    };
                    register_with_eds(base, file, password, lang).await
                });
            }
        }
    };

    view! {
        <PageTitle text=Signal::derive(move || i18n.t("register.title")) error=form.has_problems() />
        <ErrorSummary problems=form.problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <p class="narrow">{move || i18n.t("register.intro")}</p>
        <form class="narrow" novalidate on:submit=submit>
            <TextField
                id="login"
                label=Signal::derive(move || i18n.t("login.id"))
                hint=Signal::derive(move || i18n.t("register.id_hint"))
                value=login
                error=form.error("login")
                autocomplete="username"
                inputmode="numeric"
                live_note=login_note
            />
            <TextField
                id="email"
                label=Signal::derive(move || i18n.t("register.email"))
                value=email
                error=form.error("email")
                input_type="email"
                autocomplete="email"
            />
            <TextField
                id="password"
                label=Signal::derive(move || i18n.t("login.password"))
                hint=Signal::derive(move || i18n.t("register.password_hint"))
                value=password
                error=form.error("password")
                input_type="password"
                autocomplete="new-password"
            />
            <ProofChoice method=method problems=form.problems />
            {move || match method.get() {
                Method::Eds => view! {
                    <KeyFields
                        key=key
                        problems=form.problems
                        hint=Signal::derive(move || i18n.t("register.eds_hint"))
                    />
                }.into_any(),
                Method::Sms => match code_for_this_login() {
                    Some(s) => view! {
                        <CodeField sent=s value=code error=form.error("code") />
                        <p>
                            <button type="button" class="secondary" on:click=move |_| send_code()>
                                {move || i18n.t("code.send_again")}
                            </button>
                        </p>
                    }.into_any(),
                    None => view! { <p>{move || i18n.t("register.sms_hint")}</p> }.into_any(),
                },
            }}
            <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                {move || i18n.t(
                    if method.get() == Method::Sms && code_for_this_login().is_none() {
                        "register.send_code"
                    } else {
                        "register.submit"
                    },
                )}
            </button>
        </form>
        <p>
            {move || i18n.t("register.have_account")} " "
            <A href="/login">{move || i18n.t("register.login_link")}</A>
        </p>
    }
}

/// Signs the server's registration challenge with the AUTH key (proving the holder of the
/// IIN/BIN), then registers with that proof.
async fn register_with_eds(
    base: RegisterRequest,
    file: leptos::web_sys::File,
    password: String,
    lang: qyzmet_domain::Lang,
) -> Result<qyzmet_domain::api::SessionView, api::ApiError> {
    let challenge = api::registration_challenge(lang).await?;
    let signature = signer::Signer::KeyFile { file, password }
        .sign(challenge.nonce.as_bytes(), Purpose::Authentication)
        .await
        .map_err(signer_problem)?;
    let proof = IdentityProof::Eds {
        nonce: challenge.nonce,
        signature,
    };
    api::register(&RegisterRequest { proof, ..base }, lang).await
}

/// How the registrant proves who they are: a code to the registry's phone, or their EDS.
#[component]
fn ProofChoice(method: RwSignal<Method>, problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    let choice = move |value: Method, id: &'static str, label: &'static str| {
        view! {
            <div class="radio">
                <input
                    type="radio"
                    id=id
                    name="proof-method"
                    prop:checked=move || method.get() == value
                    on:change=move |_| {
                        method.set(value);
                        problems.set(Vec::new());
                    }
                />
                <label for=id>{move || i18n.t(label)}</label>
            </div>
        }
    };
    view! {
        <fieldset>
            <legend>{move || i18n.t("register.proof")}</legend>
            {choice(Method::Sms, "proof-sms", "register.proof_sms")}
            {choice(Method::Eds, "proof-eds", "register.proof_eds")}
        </fieldset>
    }
}
