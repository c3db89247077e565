//! Log in with IIN/BIN and password, then the one-time code sent to the phone the state
//! holds (the second factor); or with EDS (the authentication key). The form model is the
//! one the registration page uses (`IdentityForm`).

use crate::api;
use crate::components::account_forms::{
    IdentityForm, check_login, from_api, required, sign_challenge,
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
use qyzmet_domain::api::{CodeLogin, CodeSent, EdsLogin, LoginRequest};
use qyzmet_domain::route::Page;

/// Log in with EDS: the server's one-time challenge, signed in the browser with the
/// authentication key; the server logs in whoever the certificate names.
async fn eds_login(
    signer: Signer,
    lang: qyzmet_domain::Lang,
) -> Result<qyzmet_domain::api::SessionView, api::ApiError> {
    let challenge = api::eds_challenge(lang).await?;
    let signature = sign_challenge(signer, &challenge.nonce).await?;
    let login = EdsLogin {
        nonce: challenge.nonce,
        signature,
    };
    api::eds_login(&login, lang).await
}

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    // Sent as a form without script, the server renders the step the login reached.
    let attempt = crate::handover::preloaded()
        .login
        .and_then(|sent| sent.read())
        .unwrap_or_default();
    let next = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    let form = IdentityForm::new(attempt.login.clone(), attempt.sent.clone());
    if let Some(problem) = attempt.problem {
        let field = if attempt.sent.is_some() {
            "code"
        } else {
            "login"
        };
        form.state
            .problems
            .set(from_api(i18n, &api::ApiError::Problem(problem), field));
    }
    // The password step: a right password sends a code to the account's phone.
    let send_password = move || {
        let found: Vec<Problem> = [
            check_login(i18n, &form.login.get_untracked()),
            required(i18n, "password", &form.password.get_untracked()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let req = LoginRequest {
            login: form.login.get_untracked(),
            password: form.password.get_untracked(),
        };
        let lang = i18n.lang_untracked();
        form.send_code(i18n, found, true, move || async move {
            api::login(&req, lang).await
        });
    };
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("login.title")) error=form.state.has_problems() />
        <ErrorSummary problems=form.state.problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        {move || match form.sent.get() {
            None => view! { <PasswordStep form next=next.clone() send_password /> }.into_any(),
            Some((_, sent)) => {
                view! { <CodeStep form sent next=next.clone() send_password /> }.into_any()
            }
        }}
        <EdsLogin form />
        <p>
            {move || i18n.t("login.no_account")} " "
            <A href=Page::Register.href()>{move || i18n.t("login.register_link")}</A>
        </p>
    }
}

/// IIN/BIN and password; sent as a form without script.
#[component]
fn PasswordStep(
    form: IdentityForm,
    next: String,
    send_password: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send_password();
    };
    view! {
        <form class="narrow" method="post" action="/login" novalidate on:submit=submit>
            <input type="hidden" name="next" value=next />
            <TextField
                id="login"
                label=Signal::derive(move || i18n.t("login.id"))
                hint=Signal::derive(move || i18n.t("login.id_hint"))
                value=form.login
                error=form.state.error("login")
                autocomplete="username"
                inputmode="numeric"
            />
            <TextField
                id="password"
                label=Signal::derive(move || i18n.t("login.password"))
                value=form.password
                error=form.state.error("password")
                input_type="password"
                autocomplete="current-password"
            />
            <button type="submit" aria-disabled=move || form.state.busy.get().then_some("true")>
                {move || i18n.t("login.submit")}
            </button>
        </form>
    }
}

/// The one-time code sent to the account's phone; sent as a form without script.
#[component]
fn CodeStep(
    form: IdentityForm,
    sent: CodeSent,
    next: String,
    send_password: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let verification_id = sent.verification_id.clone();
    let submit_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found: Vec<Problem> = required(i18n, "code", &form.code.get_untracked())
            .into_iter()
            .collect();
        let req = CodeLogin {
            verification_id: verification_id.clone(),
            code: form.code.get_untracked(),
        };
        let lang = i18n.lang();
        form.state.submit_to(
            "code",
            i18n,
            session,
            navigate.clone(),
            found,
            move || async move { api::code_login(&req, lang).await },
        );
    };
    let start_again = move |_| {
        form.state.problems.set(Vec::new());
        form.sent.set(None);
        request_animation_frame(|| crate::components::form::focus_by_id("password"));
    };
    view! {
        <form class="narrow" method="post" action="/login/code" novalidate on:submit=submit_code>
            <input type="hidden" name="verification_id" value=sent.verification_id.clone() />
            <input type="hidden" name="phone_masked" value=sent.phone_masked.clone() />
            <input type="hidden" name="expires_at" value=sent.expires_at.clone() />
            <input type="hidden" name="next" value=next />
            <h2>{move || i18n.t("login.code_title")}</h2>
            <CodeField sent value=form.code error=form.state.error("code") />
            <button type="submit" aria-disabled=move || form.state.busy.get().then_some("true")>
                {move || i18n.t("login.code_submit")}
            </button>
            " "
            <button type="button" class="secondary" on:click=move |_| send_password()>
                {move || i18n.t("code.send_again")}
            </button>
            " "
            <button type="button" class="secondary" on:click=start_again>
                {move || i18n.t("login.code_back")}
            </button>
        </form>
    }
}

/// Logging in with the EDS authentication key: a key file, or NCALayer.
#[component]
fn EdsLogin(form: IdentityForm) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let navigate_eds = navigate.clone();
    let submit_eds = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (found, chosen) = match form.key.read(i18n) {
            Ok(chosen) => (Vec::new(), Some(chosen)),
            Err(found) => (found, None),
        };
        let lang = i18n.lang();
        form.state.submit_to(
            "eds-file",
            i18n,
            session,
            navigate_eds.clone(),
            found,
            move || async move {
                match chosen {
                    Some((file, password)) => {
                        eds_login(Signer::KeyFile { file, password }, lang).await
                    }
                    None => Err(api::ApiError::Network),
                }
            },
        );
    };
    // Offered without probing NCALayer first: a probe where it does not run (most visitors)
    // is a refused connection the browser logs as an error; a click where it does not run
    // says so instead.
    let login_with_ncalayer = move |_| {
        let lang = i18n.lang();
        let signer = Signer::NcaLayer {
            iin: None,
            bin: None,
            locale: lang.code(),
        };
        form.state.submit_to(
            "eds-file",
            i18n,
            session,
            navigate.clone(),
            Vec::new(),
            move || async move { eds_login(signer, lang).await },
        );
    };
    view! {
        <section class="narrow" aria-labelledby="eds-login-title">
            <h2 id="eds-login-title">{move || i18n.t("login.eds.title")}</h2>
            <p>{move || i18n.t("login.eds.intro")}</p>
            <noscript>
                <div class="notice notice-warning"><p>{move || i18n.t("login.eds.needs_script")}</p></div>
            </noscript>
            <form novalidate on:submit=submit_eds>
                <KeyFields
                    key=form.key
                    problems=form.state.problems
                    hint=Signal::derive(move || i18n.t("login.eds.file_hint"))
                />
                <button type="submit" aria-disabled=move || form.state.busy.get().then_some("true")>
                    {move || i18n.t("login.eds.submit")}
                </button>
            </form>
            <button type="button" class="secondary ncalayer" on:click=login_with_ncalayer>
                {move || i18n.t("login.eds.ncalayer_submit")}
            </button>
        </section>
    }
}
