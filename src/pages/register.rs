//! Registration with IIN or BIN (found in the registry), email and a password — after proving
//! the person, as egov.kz requires: with the EDS authentication key of that IIN/BIN, or (a
//! person only) with a code sent to the phone the state's mobile-citizens database holds.
//! Nothing of the holder (not even the name) is shown before the proof.

use crate::api;
use crate::components::account_forms::{
    IdentityForm, check_login, message, required, sign_challenge,
};
use crate::components::form::{ErrorSummary, Problem, TextField};
use crate::components::key_fields::KeyFields;
use crate::components::one_time_code::CodeField;
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::signer::Signer;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::{IdentityProof, RegisterRequest};
use qyzmet_domain::identifiers::AccountId;
use qyzmet_domain::route::Page;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Sms,
    Eds,
}

/// The proof as sent: the code typed, or the key file that signs the challenge.
enum Proof {
    Code(IdentityProof),
    KeyFile(leptos::web_sys::File, String),
}

#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let form = IdentityForm::new(String::new(), None);
    let email = RwSignal::new(String::new());
    let method = RwSignal::new(Method::Sms);
    let send_code = move || {
        let found: Vec<Problem> = check_login(i18n, &form.login.get_untracked())
            .into_iter()
            .collect();
        let for_login = form.login.get_untracked();
        let lang = i18n.lang_untracked();
        form.send_code(i18n, found, false, move || async move {
            api::registration_code(&for_login, lang).await
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = account_problems(i18n, form, email);
        let base = RegisterRequest {
            login: form.login.get_untracked(),
            email: email.get_untracked(),
            password: form.password.get_untracked(),
            proof: IdentityProof::Sms {
                verification_id: String::new(),
                code: String::new(),
            },
        };
        let lang = i18n.lang();
        let Some(chosen) = chosen_proof(i18n, form, method.get_untracked(), &mut found) else {
            // No code yet for this number: send it first; the fields stay as typed.
            if found.is_empty() {
                send_code();
            } else {
                form.state.problems.set(found);
            }
            return;
        };
        let request = move || registered(base, chosen, lang);
        form.state
            .submit_to("login", i18n, session, navigate.clone(), found, request);
    };
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("register.title")) error=form.state.has_problems() />
        <ErrorSummary problems=form.state.problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <p class="narrow">{move || i18n.t("register.intro")}</p>
        <form class="narrow" novalidate on:submit=submit>
            <AccountFields form email />
            <ProofChoice method=method problems=form.state.problems />
            <ProofFields form method send_code />
            <button type="submit" aria-disabled=move || form.state.busy.get().then_some("true")>
                {move || i18n.t(
                    if method.get() == Method::Sms && form.code_sent().is_none() {
                        "register.send_code"
                    } else {
                        "register.submit"
                    },
                )}
            </button>
        </form>
        <p>
            {move || i18n.t("register.have_account")} " "
            <A href=Page::Login.href()>{move || i18n.t("register.login_link")}</A>
        </p>
    }
}

/// The account's IIN/BIN (with a note on what it is as it is typed), email and password.
#[component]
fn AccountFields(form: IdentityForm, email: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    // A note as the user types, once all 12 digits are in: what the number is, or which rule
    // it breaks. Not an error until they submit.
    let login_note = Signal::derive(move || {
        let raw = form.login.get();
        let digits = raw.chars().filter(char::is_ascii_digit).count();
        (digits >= 12).then(|| match AccountId::parse(&raw) {
            Ok(AccountId::Iin(_)) => i18n.t("register.looks_like_iin"),
            Ok(AccountId::Bin(_)) => i18n.t("register.looks_like_bin"),
            Err(e) => message(i18n, e.code(), &[]),
        })
    });
    view! {
        <TextField
            id="login"
            label=Signal::derive(move || i18n.t("login.id"))
            hint=Signal::derive(move || i18n.t("register.id_hint"))
            value=form.login
            error=form.state.error("login")
            autocomplete="username"
            inputmode="numeric"
            live_note=login_note
        />
        <TextField
            id="email"
            label=Signal::derive(move || i18n.t("register.email"))
            value=email
            error=form.state.error("email")
            input_type="email"
            autocomplete="email"
        />
        <TextField
            id="password"
            label=Signal::derive(move || i18n.t("login.password"))
            hint=Signal::derive(move || i18n.t("register.password_hint"))
            value=form.password
            error=form.state.error("password")
            input_type="password"
            autocomplete="new-password"
        />
    }
}

/// What the chosen proof asks for: the key file, or the code sent to the registry's phone.
#[component]
fn ProofFields(
    form: IdentityForm,
    method: RwSignal<Method>,
    send_code: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match method.get() {
        Method::Eds => view! {
            <KeyFields
                key=form.key
                problems=form.state.problems
                hint=Signal::derive(move || i18n.t("register.eds_hint"))
            />
        }
        .into_any(),
        Method::Sms => match form.code_sent() {
            Some(s) => view! {
                <CodeField sent=s value=form.code error=form.state.error("code") />
                <p>
                    <button type="button" class="secondary" on:click=move |_| send_code()>
                        {move || i18n.t("code.send_again")}
                    </button>
                </p>
            }
            .into_any(),
            None => view! { <p>{move || i18n.t("register.sms_hint")}</p> }.into_any(),
        },
    }
}

/// The account fields' own checks (IIN/BIN, email, password), as the server would make them.
fn account_problems(
    i18n: crate::i18n::I18n,
    form: IdentityForm,
    email: RwSignal<String>,
) -> Vec<Problem> {
    [
        check_login(i18n, &form.login.get_untracked()),
        required(i18n, "email", &email.get_untracked()),
        required(i18n, "password", &form.password.get_untracked()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The proof the chosen method sends, its own checks added to `found`; `None` when it is
/// the code and none was sent for this number yet (send it first).
fn chosen_proof(
    i18n: crate::i18n::I18n,
    form: IdentityForm,
    method: Method,
    found: &mut Vec<Problem>,
) -> Option<Option<Proof>> {
    match method {
        Method::Sms => {
            let s = untrack(move || form.code_sent())?;
            found.extend(required(i18n, "code", &form.code.get_untracked()));
            Some(Some(Proof::Code(IdentityProof::Sms {
                verification_id: s.verification_id,
                code: form.code.get_untracked(),
            })))
        }
        Method::Eds => Some(match form.key.read(i18n) {
            Ok((file, password)) => Some(Proof::KeyFile(file, password)),
            Err(more) => {
                found.extend(more);
                None
            }
        }),
    }
}

/// Registers with the proof chosen (`None`: the key file could not be read, which the
/// form's own checks have already said).
async fn registered(
    base: RegisterRequest,
    chosen: Option<Proof>,
    lang: qyzmet_domain::Lang,
) -> Result<qyzmet_domain::api::SessionView, api::ApiError> {
    match chosen {
        Some(Proof::Code(proof)) => api::register(&RegisterRequest { proof, ..base }, lang).await,
        Some(Proof::KeyFile(file, password)) => register_with_eds(base, file, password, lang).await,
        None => Err(api::ApiError::Network),
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
    let signature = sign_challenge(Signer::KeyFile { file, password }, &challenge.nonce).await?;
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
