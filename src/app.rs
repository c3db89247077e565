//! The app shell: translations in context, the page layout and the routes.

use crate::components::layout::Layout;
use crate::i18n::{I18n, Messages};
use crate::pages::{
    apply::Apply,
    cabinet::Cabinet,
    gateway::TestGateway,
    home::Home,
    login::Login,
    not_found::NotFound,
    officer::{OfficerRequest, Queue},
    register::Register,
    request::Request,
    service::ServicePage,
    sign::Sign,
};
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use qyzmet_domain::Lang;

#[component]
pub fn App(lang: Lang, messages: Messages) -> impl IntoView {
    I18n::provide(lang, messages);
    Session::provide();
    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=Login />
                    <Route path=path!("/register") view=Register />
                    <Route path=path!("/services/:id") view=ServicePage />
                    <Route path=path!("/cabinet") view=Cabinet />
                    <Route path=path!("/applications/:id/edit") view=Apply />
                    <Route path=path!("/test-payment-gateway/:id") view=TestGateway />
                    <Route path=path!("/applications/:id/sign") view=Sign />
                    <Route path=path!("/applications/:id") view=Request />
                    <Route path=path!("/officer") view=Queue />
                    <Route path=path!("/officer/requests/:id") view=OfficerRequest />
                </Routes>
            </Layout>
        </Router>
    }
}
