//! The app shell: translations in context, the page layout and the routes.

use crate::components::layout::Layout;
use crate::first_paint::NextTask;
use crate::i18n::{I18n, Messages};
use crate::on_demand::{self, OnDemand};
use crate::pages::{home::Home, not_found::NotFound};
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use qyzmet_domain::Lang;

#[component]
pub fn App(lang: Lang, messages: Messages) -> impl IntoView {
    I18n::provide(lang, messages);
    on_demand::warm_up(Session::provide());
    view! {
        <Router>
            <Layout>
                <NextTask>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=OnDemand(|| Box::pin(on_demand::login())) />
                    <Route path=path!("/register") view=OnDemand(|| Box::pin(on_demand::register())) />
                    <Route path=path!("/test-sms-outbox") view=OnDemand(|| Box::pin(on_demand::test_sms_outbox_here())) />
                    <Route path=path!("/services/:id") view=OnDemand(|| Box::pin(on_demand::service())) />
                    <Route path=path!("/cabinet") view=OnDemand(|| Box::pin(on_demand::cabinet())) />
                    <Route path=path!("/applications/:id/edit") view=OnDemand(|| Box::pin(on_demand::apply())) />
                    <Route path=path!("/test-payment-gateway/:id") view=OnDemand(|| Box::pin(on_demand::test_gateway_here())) />
                    <Route path=path!("/applications/:id/sign") view=OnDemand(|| Box::pin(on_demand::sign())) />
                    <Route path=path!("/applications/:id") view=OnDemand(|| Box::pin(on_demand::request())) />
                    <Route path=path!("/verify/:code") view=OnDemand(|| Box::pin(on_demand::verify())) />
                    <Route path=path!("/officer") view=OnDemand(|| Box::pin(on_demand::officer_queue())) />
                    <Route path=path!("/officer/requests/:id") view=OnDemand(|| Box::pin(on_demand::officer_request())) />
                </Routes>
                </NextTask>
            </Layout>
        </Router>
    }
}
