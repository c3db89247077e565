//! The home page: what the portal is for and the catalogue of services.

use crate::api;
use crate::components::page_title::PageTitle;
use crate::components::service_card::ServiceCard;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    // Refetched when the language changes: the server answers in the language asked.
    let services = LocalResource::new(move || {
        let lang = i18n.lang();
        async move { api::services(lang).await }
    });
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("home.title")) />
        <p class="lead">{move || i18n.t("home.intro")}</p>
        <section aria-labelledby="catalogue-heading">
            <h2 id="catalogue-heading">{move || i18n.t("home.catalogue")}</h2>
            <Transition fallback=move || {
                view! { <p role="status">{move || i18n.t("home.loading")}</p> }
            }>
                {move || {
                    services
                        .get()
                        .map(|result| match result {
                            Ok(list) => {
                                let count = list.services.len();
                                view! {
                                    <p class="count">
                                        {move || i18n.t_with("home.count", &[("n", count.to_string())])}
                                    </p>
                                    <ul class="service-list" role="list">
                                        {list
                                            .services
                                            .into_iter()
                                            .map(|s| view! { <li><ServiceCard service=s /></li> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => {
                                let key = e.message_key();
                                view! {
                                    <div class="notice notice-error" role="alert">
                                        <p>{move || i18n.t("home.load_failed")} " " {move || i18n.t(&key)}</p>
                                        <button type="button" on:click=move |_| services.refetch()>
                                            {move || i18n.t("home.retry")}
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}
