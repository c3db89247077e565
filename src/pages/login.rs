//! Log in with IIN/BIN and password.

use super::account_forms::{FormState, check_login, required};
use crate::api;
use crate::components::form::{ErrorSummary, Problem, TextField};
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::LoginRequest;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
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
        <p>
            {move || i18n.t("login.no_account")} " "
            <A href="/register">{move || i18n.t("login.register_link")}</A>
        </p>
    }
}
