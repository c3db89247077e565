//! Ground for the wasm's areas, which a page may use without importing `on_demand` (which
//! names every page): a file that could not be fetched, and asking for an area ahead of its
//! pages. It imports nothing of the app.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use qyzmet_domain::route::Area;

/// A page's (or a part's) file could not be fetched.
pub struct PageNotLoaded;

impl From<SplitLoaderError> for PageNotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        PageNotLoaded
    }
}

/// How an area is fetched ahead: `on_demand` provides it where the app runs in a browser.
#[derive(Clone, Copy)]
pub struct Ahead(pub fn(Area));

/// Fetches `area`'s files in the background now, so the page the visitor is about to open
/// is there even if the connection is lost by then (none where the browser saves data, and
/// nothing on the server, which fetches nothing ahead).
pub fn ahead(area: Area) {
    if let Some(Ahead(fetch)) = use_context::<Ahead>() {
        fetch(area);
    }
}
