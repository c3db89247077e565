//! Any address the app does not know.

use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    crate::handover::ServerStatus::not_found();
    crate::handover::shown();
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("not_found.title")) />
        <p>{move || i18n.t("not_found.text")}</p>
        <p>
            <A href="/">{move || i18n.t("not_found.home")}</A>
        </p>
    }
}
