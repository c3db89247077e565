//! Qyzmet's single-page app (Leptos, client-side rendered, built to wasm by Trunk).

mod answers;
mod api;
mod app;
mod components;
mod i18n;
mod kz_time;
mod ncalayer;
mod on_demand;
mod pages;
mod route;
mod session;
mod signer;
mod timer;
mod upload;

fn main() {
    console_error_panic_hook::set_once();
    // The first language's messages are fetched before anything is drawn, so no user ever
    // sees a key or a flash of the wrong language.
    // Leptos sets up its own executor when mounting; until then, wasm-bindgen's runs this.
    wasm_bindgen_futures::spawn_local(async {
        let lang = i18n::initial_lang();
        let messages = i18n::fetch_messages(lang).await.unwrap_or_default();
        leptos::mount::mount_to_body(move || leptos::view! { <app::App lang messages /> });
    });
}
