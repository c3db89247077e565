//! The header's account area: "Log in" for visitors; the name and "Log out" once logged in
//! (in the server's copy of a page a form posting to `/logout`, so it works before the app
//! takes over and without script).

use crate::i18n::use_i18n;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let logout = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            // Even if the server cannot be told, this tab forgets the session.
            let _ = crate::api::logout().await;
            session.0.set(None);
            navigate("/", Default::default());
        });
    };
    view! {
        <nav class="account-menu" aria-label=move || i18n.t("nav.account")>
            {move || match session.0.get() {
                Some(view) => {
                    use qyzmet_domain::api::Role;
                    use qyzmet_domain::route::Page;
                    let (href, key) = match view.account.role {
                        Role::Officer => (Page::OfficerQueue.href(), "nav.officer_queue"),
                        Role::Administrator => (Page::AdminStaff.href(), "nav.admin_staff"),
                        Role::Applicant => (Page::Cabinet.href(), "nav.cabinet"),
                    };
                    // A counter's staff (the State Corporation's operator, an office clerk) take
                    // paper at their desk too.
                    use qyzmet_domain::process::Performer;
                    let desk = view.account.staff_roles.iter().any(|r| {
                        matches!(r, Performer::StateCorporation | Performer::Office)
                    });
                    view! {
                        <A href=href>{move || i18n.t(key)}</A>
                        {desk.then(|| view! { <A href=Page::Counter.href()>{move || i18n.t("nav.counter")}</A> })}
                        <span class="account-name">{view.account.display_name}</span>
                        {if crate::handover::in_browser() {
                            view! {
                                <button type="button" class="link-button" on:click=logout.clone()>
                                    {move || i18n.t("nav.logout")}
                                </button>
                            }
                            .into_any()
                        } else {
                            // The server's copy: a form the browser sends itself.
                            view! {
                                <form method="post" action="/logout" class="logout-form">
                                    <button type="submit" class="link-button">{i18n.t("nav.logout")}</button>
                                </form>
                            }
                            .into_any()
                        }}
                    }
                        .into_any()
                }
                None => view! { <A href="/login">{move || i18n.t("nav.login")}</A> }.into_any(),
            }}
        </nav>
    }
}
