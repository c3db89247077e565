//! Log in with IIN/BIN and password.

use super::account_forms::{FormState, check_login, required};
use crate::api;
use crate::components::form::{ErrorSummary, Problem, TextField};
use crate::components::key_fields::{KeyFields, KeyInput};
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::signer::{self, Purpose};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::{EdsLogin, LoginRequest};
use qyzmet_domain::form::FieldError;

/// A signer failure as the API's problem shape, so the form shows it beside its field.
fn signer_problem(e: signer::SignError) -> api::ApiError {
    let field = e.field("eds-file", "eds-password").to_string();
    api::ApiError::Problem(qyzmet_domain::api::Problem {
        type_uri: String::new(),
        title: String::new(),
        status: 0,
        code: e.code.clone(),
        detail: None,
        errors: vec![FieldError {
            field,
            code: e.code,
            params: Default::default(),
        }],
        retry_after: None,
        current: None,
    })
}

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
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
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
    let ncalayer_running = LocalResource::new(crate::ncalayer::available);
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found: Vec<Problem> = [
            check_login(i18n, &login.get_untracked()),
            required(i18n, "password", &password.get_untracked()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let req = LoginRequest {
            login: login.get_untracked(),
            password: password.get_untracked(),
        };
        form.submit(i18n, session, navigate.clone(), found, move || async move {
            api::login(&req, i18n.lang()).await
        });
    };

    view! {
        <PageTitle text=Signal::derive(move || i18n.t("login.title")) error=form.has_problems() />
        <ErrorSummary problems=form.problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <form class="narrow" novalidate on:submit=submit>
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
        <section class="narrow" aria-labelledby="eds-login-title">
            <h2 id="eds-login-title">{move || i18n.t("login.eds.title")}</h2>
            <p>{move || i18n.t("login.eds.intro")}</p>
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
            {move || (ncalayer_running.get() == Some(true)).then(|| view! {
                <button type="button" class="secondary ncalayer" on:click=login_with_ncalayer.clone()>
                    {move || i18n.t("login.eds.ncalayer_submit")}
                </button>
            })}
        </section>
        <p>
            {move || i18n.t("login.no_account")} " "
            <A href="/register">{move || i18n.t("login.register_link")}</A>
        </p>
    }
}
