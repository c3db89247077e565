//! Qyzmet's single-page app (Leptos). In the browser it is built to wasm (`main.rs` mounts it;
//! `cargo xtask` splits it by area); on the server, with the `ssr` feature, the same components
//! render each page's first HTML (`first_paint`), so a page reads before its script arrives.

#![recursion_limit = "256"]

mod answers;
mod api;
pub mod app;
mod areas;
mod components;
pub mod first_paint;
mod handover;
pub mod i18n;
mod kz_time;
mod ncalayer;
mod on_demand;
mod page_data;
mod pages;
mod route;
mod session;
mod signer;
mod timer;
mod upload;
