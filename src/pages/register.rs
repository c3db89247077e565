//! Registration with IIN or BIN (found in the registry), phone, email and a password.

use super::account_forms::{FormState, check_login, message, required};
use crate::api;
use crate::components::form::{ErrorSummary, Problem, TextField};
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::RegisterRequest;
use qyzmet_domain::identifiers::AccountId;

#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
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

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found: Vec<Problem> = [
            check_login(i18n, &login.get_untracked()),
            required(i18n, "phone", &phone.get_untracked()),
            required(i18n, "email", &email.get_untracked()),
            required(i18n, "password", &password.get_untracked()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let req = RegisterRequest {
            login: login.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        form.submit(i18n, session, navigate.clone(), found, move || async move {
            api::register(&req, i18n.lang()).await
        });
    };

    view! {
        <PageTitle text=Signal::derive(move || i18n.t("register.title")) error=form.has_problems() />
        <ErrorSummary problems=form.problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
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
                id="phone"
                label=Signal::derive(move || i18n.t("register.phone"))
                hint=Signal::derive(move || i18n.t("register.phone_hint"))
                value=phone
                error=form.error("phone")
                input_type="tel"
                autocomplete="tel"
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
            <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                {move || i18n.t("register.submit")}
            </button>
        </form>
        <p>
            {move || i18n.t("register.have_account")} " "
            <A href="/login">{move || i18n.t("register.login_link")}</A>
        </p>
    }
}
