//! Every page's frame: skip link, header with the portal's name and the language switcher,
//! the main landmark, footer.

use super::account_menu::AccountMenu;
use super::connection::ConnectionBanner;
use super::language_switcher::LanguageSwitcher;
use super::session_timeout::SessionTimeout;
use crate::components::fetching_notice::FetchingNotice;
use crate::handover::NextTask;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

/// The router would treat `#main` as a navigation; move focus to the main landmark instead,
/// which is what the skip link promises keyboard and screen-reader users.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    if let Some(main) = document().get_element_by_id("main") {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(main) = main.dyn_into::<leptos::web_sys::HtmlElement>() {
            let _ = main.focus();
            main.scroll_into_view();
        }
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    // A navigation before the first page said it was shown (a link followed in the server's
    // copy) hands over at once: the app draws the page the visitor asked for.
    Effect::new(move |first: Option<()>| {
        location.pathname.track();
        if first.is_some() {
            crate::handover::navigated();
            crate::handover::shown();
        }
    });
    let needs_script =
        move || qyzmet_domain::route::Page::parse(&location.pathname.get()).needs_script();
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>
            {move || i18n.t("app.skip_link")}
        </a>
        <header class="site-header">
            <NextTask>
            <div class="container header-row">
                <A href="/" attr:class="brand">
                    <span class="brand-name">{move || i18n.t("app.name")}</span>
                    <span class="brand-tagline">{move || i18n.t("app.tagline")}</span>
                </A>
                <div class="header-tools">
                    <NextTask>
                        <AccountMenu />
                        <LanguageSwitcher />
                    </NextTask>
                </div>
            </div>
            </NextTask>
        </header>
        <main id="main" class="container" tabindex="-1">
            {move || needs_script().then(|| view! {
                <noscript>
                    <div class="notice notice-warning"><p>{move || i18n.t("app.needs_script")}</p></div>
                </noscript>
            })}
            <NextTask>
                <ConnectionBanner />
                <FetchingNotice />
                <SessionTimeout />
            </NextTask>
            {children()}
        </main>
        <footer class="site-footer">
            <NextTask>
                <div class="container">
                    <p>{move || i18n.t("app.footer")}</p>
                </div>
            </NextTask>
        </footer>
    }
}
