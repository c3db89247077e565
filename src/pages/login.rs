//! Log in with IIN/BIN and password, then the one-time code sent to the phone the state
//! holds (the second factor); or with EDS (the authentication key).

use crate::api;
use crate::components::account_forms::{
    FormState, check_login, from_api, required, signer_problem,
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
use qyzmet_domain::api::{CodeLogin, EdsLogin, LoginRequest};

/// Log in with EDS: the server's one-time challenge, signed in the browser with the
/// authentication key; the server logs in whoever the certificate names.
async fn eds_login(
    signer: signer::Signer,
    lang: qyzmet_domain::Lang,
) -> Result<qyzmet_domain::api::SessionView, api::ApiError> {
    let challenge = api::eds_challenge(lang).await?;
    let signature = signer
        .sign(challenge.nonce.as_bytes(), Purpose::Authentication)
        .await
        .map_err(signer_problem)?;
    api::eds_login(
        &EdsLogin {
            nonce: challenge.nonce,
            signature,
        },
        lang,
    )
    .await
}

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    // Sent as a form without script, the server renders the step the login reached.
    let attempt = crate::handover::preloaded().login.unwrap_or_default();
    let next = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    let login = RwSignal::new(attempt.login.clone());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    if let Some(problem) = attempt.problem {
        let field = if attempt.sent.is_some() {
            "code"
        } else {
            "login"
        };
        form.problems
            .set(from_api(i18n, &api::ApiError::Problem(problem), field));
    }
    let key = KeyInput::new();
    let navigate_eds = navigate.clone();
    let submit_eds = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (found, chosen) = match key.read(i18n) {
            Ok(chosen) => (Vec::new(), Some(chosen)),
            Err(found) => (found, None),
        };
        let lang = i18n.lang();
        form.submit_to(
            "eds-file",
            i18n,
            session,
            navigate_eds.clone(),
            found,
            move || async move {
                match chosen {
                    Some((file, password)) => {
                        eds_login(signer::Signer::KeyFile { file, password }, lang).await
                    }
                    None => Err(api::ApiError::Network),
                }
            },
        );
    };
    // Offered without probing NCALayer first: a probe where it does not run (most visitors)
    // is a refused connection the browser logs as an error; a click where it does not run
    // says so instead.
    let navigate_ncalayer = navigate.clone();
    let login_with_ncalayer = move |_| {
        let lang = i18n.lang();
        form.submit_to(
            "eds-file",
            i18n,
            session,
            navigate_ncalayer.clone(),
            Vec::new(),
            move || async move {
                let signer = signer::Signer::NcaLayer {
                    iin: None,
                    bin: None,
                    locale: lang.code(),
                };
                eds_login(signer, lang).await
            },
        );
    };
    // The password step: a right password sends a code to the account's phone.
    let sent = RwSignal::new(attempt.sent);
    let code = RwSignal::new(String::new());
    let send_password = move || {
        if form.busy.get_untracked() {
            return;
        }
        let found: Vec<Problem> = [
            check_login(i18n, &login.get_untracked()),
            required(i18n, "password", &password.get_untracked()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !found.is_empty() {
            form.problems.set(found);
            return;
        }
        let req = LoginRequest {
            login: login.get_untracked(),
            password: password.get_untracked(),
        };
        form.busy.set(true);
        leptos::task::spawn_local(async move {
            match api::login(&req, i18n.lang_untracked()).await {
                Ok(s) => {
                    form.problems.set(Vec::new());
                    code.set(String::new());
                    sent.set(Some(s));
                    request_animation_frame(|| crate::components::form::focus_by_id("code"));
                }
                Err(e) => {
                    sent.set(None);
                    form.problems.set(from_api(i18n, &e, "login"));
                }
            }
            form.busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send_password();
    };
    let navigate_code = navigate.clone();
    let submit_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(s) = sent.get_untracked() else {
            return;
        };
        let found: Vec<Problem> = required(i18n, "code", &code.get_untracked())
            .into_iter()
            .collect();
        let req = CodeLogin {
            verification_id: s.verification_id,
            code: code.get_untracked(),
        };
        let lang = i18n.lang();
        form.submit_to(
            "code",
            i18n,
            session,
            navigate_code.clone(),
            found,
            move || async move { api::code_login(&req, lang).await },
        );
    };
    let start_again = move |_| {
        form.problems.set(Vec::new());
        sent.set(None);
        request_animation_frame(|| crate::components::form::focus_by_id("password"));
    };

    view! {
        <PageTitle text=Signal::derive(move || i18n.t("login.title")) error=form.has_problems() />
        <ErrorSummary problems=form.problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        {move || match sent.get() {
            None => view! {
                <form class="narrow" method="post" action="/login" novalidate on:submit=submit>
                    <input type="hidden" name="next" value=next.clone() />
                    <TextField
                        id="login"
                        label=Signal::derive(move || i18n.t("login.id"))
                        hint=Signal::derive(move || i18n.t("login.id_hint"))
                        value=login
                        error=form.error("login")
                        autocomplete="username"
                        inputmode="numeric"
                    />
                    <TextField
                        id="password"
                        label=Signal::derive(move || i18n.t("login.password"))
                        value=password
                        error=form.error("password")
                        input_type="password"
                        autocomplete="current-password"
                    />
                    <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                        {move || i18n.t("login.submit")}
                    </button>
                </form>
            }.into_any(),
            Some(s) => view! {
                <form class="narrow" method="post" action="/login/code" novalidate on:submit=submit_code.clone()>
                    <input type="hidden" name="verification_id" value=s.verification_id.clone() />
                    <input type="hidden" name="phone_masked" value=s.phone_masked.clone() />
                    <input type="hidden" name="expires_at" value=s.expires_at.clone() />
                    <input type="hidden" name="next" value=next.clone() />
                    <h2>{move || i18n.t("login.code_title")}</h2>
                    <CodeField sent=s value=code error=form.error("code") />
                    <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
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
            }.into_any(),
        }}
        <section class="narrow" aria-labelledby="eds-login-title">
            <h2 id="eds-login-title">{move || i18n.t("login.eds.title")}</h2>
            <p>{move || i18n.t("login.eds.intro")}</p>
            <noscript>
                <div class="notice notice-warning"><p>{move || i18n.t("login.eds.needs_script")}</p></div>
            </noscript>
            <form novalidate on:submit=submit_eds>
                <KeyFields
                    key=key
                    problems=form.problems
                    hint=Signal::derive(move || i18n.t("login.eds.file_hint"))
                />
                <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                    {move || i18n.t("login.eds.submit")}
                </button>
            </form>
            <button type="button" class="secondary ncalayer" on:click=login_with_ncalayer>
                {move || i18n.t("login.eds.ncalayer_submit")}
            </button>
        </section>
        <p>
            {move || i18n.t("login.no_account")} " "
            <A href="/register">{move || i18n.t("login.register_link")}</A>
        </p>
    }
}
