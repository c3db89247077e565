//! Typed route parameters: a page reads the parts of its path as a struct the router fills
//! (`#[derive(Params)]`), not by a string key it could misspell.

use leptos::Params;
use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

/// `/services/:id`.
#[derive(Params, PartialEq, Clone, Debug)]
pub struct ServicePath {
    pub id: Option<String>,
}

/// `/applications/:id`, `…/edit`, `…/sign`, `/test-payment-gateway/:id` and
/// `/officer/requests/:id`: an application's public id.
#[derive(Params, PartialEq, Clone, Debug)]
pub struct ApplicationPath {
    pub id: Option<String>,
}

/// The id in the current route's path; empty when the route has none (the API then answers
/// "not found", which the page shows).
fn id_of<P: Params + PartialEq + Send + Sync + 'static>(
    id: fn(&P) -> Option<String>,
) -> impl Fn() -> String + Copy + 'static {
    let params = use_params::<P>();
    move || params.with(|p| p.as_ref().ok().and_then(id).unwrap_or_default())
}

/// `/verify/:code`: the code printed on a document.
#[derive(Params, PartialEq, Clone, Debug)]
pub struct VerifyPath {
    pub code: Option<String>,
}

/// The code of a `/verify/:code` page, as a reactive read.
pub fn document_code() -> impl Fn() -> String + Copy + 'static {
    id_of::<VerifyPath>(|p| p.code.clone())
}

/// The service id of a `/services/:id` page, as a reactive read.
pub fn service_id() -> impl Fn() -> String + Copy + 'static {
    id_of::<ServicePath>(|p| p.id.clone())
}

/// The application id of an application's page, as a reactive read.
pub fn application_id() -> impl Fn() -> String + Copy + 'static {
    id_of::<ApplicationPath>(|p| p.id.clone())
}
