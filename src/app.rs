//! The app shell: translations in context, the page layout and the routes.

use crate::components::layout::Layout;
use crate::handover::NextTask;
use crate::i18n::{I18n, Messages};
use crate::on_demand::{self, OnDemand};
use crate::pages::not_found::NotFound;
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use qyzmet_domain::Lang;
use qyzmet_domain::route::PageKind;

#[component]
pub fn App(lang: Lang, messages: Messages) -> impl IntoView {
    I18n::provide(lang, messages);
    on_demand::warm_up(Session::provide());
    view! {
        <Router>
            <Layout>
                <NextTask>
                <Routes fallback=NotFound>
                    // One route per kind of page of the table (`qyzmet_domain::route`); the
                    // patterns are its `PageKind::pattern`s (a test renders each).
                    <Route path=path!("/") view=OnDemand(PageKind::Home) />
                    <Route path=path!("/login") view=OnDemand(PageKind::Login) />
                    <Route path=path!("/register") view=OnDemand(PageKind::Register) />
                    <Route path=path!("/test-sms-outbox") view=OnDemand(PageKind::TestSmsOutbox) />
                    <Route path=path!("/services/:id") view=OnDemand(PageKind::Service) />
                    <Route path=path!("/cabinet") view=OnDemand(PageKind::Cabinet) />
                    <Route path=path!("/applications/:id/edit") view=OnDemand(PageKind::Apply) />
                    <Route path=path!("/test-payment-gateway/:id") view=OnDemand(PageKind::TestPaymentGateway) />
                    <Route path=path!("/applications/:id/sign") view=OnDemand(PageKind::Sign) />
                    <Route path=path!("/applications/:id") view=OnDemand(PageKind::Request) />
                    <Route path=path!("/verify/:code") view=OnDemand(PageKind::Verify) />
                    <Route path=path!("/officer") view=OnDemand(PageKind::OfficerQueue) />
                    <Route path=path!("/officer/requests/:id") view=OnDemand(PageKind::OfficerRequest) />
                    <Route path=path!("/admin/staff") view=OnDemand(PageKind::AdminStaff) />
                    <Route path=path!("/counter") view=OnDemand(PageKind::Counter) />
                </Routes>
                </NextTask>
            </Layout>
        </Router>
    }
}
