//! "Start application" on a service page, sent as a form: without script, or clicked before
//! the app arrived. The same draft as the app's `POST /api/applications`
//! (`crate::applications::start`); the answer is the draft's form (303), the login page first
//! for a visitor, or the service page again with why not.

use super::extract::{CurrentAccount, taken};
use super::pages::{login_page, page_lang, render_page, see_other};
use super::problem::{ApiError, field_error};
use crate::AppState;
use crate::access;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Response};
use qyzmet::first_paint::Preloaded;
use qyzmet_domain::route::Page;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct StartForm {
    /// The variant chosen (the radios' `name`), when the service has several.
    #[serde(default)]
    variant: String,
}

/// `POST /services/{id}/start`.
pub async fn start(
    State(state): State<Arc<AppState>>,
    Path(service_id): Path<String>,
    headers: HeaderMap,
    current: Result<CurrentAccount, ApiError>,
    form: Result<Form<StartForm>, axum::extract::rejection::FormRejection>,
) -> Response<Body> {
    let page = Page::Service {
        id: service_id.clone(),
    }
    .href();
    let form = match taken(&headers, form) {
        Ok(form) => form,
        Err(e) => return refused(&state, &page, &headers, e).await,
    };
    let Ok(current) = current else {
        // A visitor logs in first and comes back to the service.
        return see_other(&login_page(&page));
    };
    let several = state
        .catalogue
        .service(&service_id)
        .is_some_and(|s| s.variants.len() > 1);
    let variant = match form.variant.trim() {
        "" if several => {
            let e = ApiError::validation(vec![field_error("variant", "form.choice")]);
            return refused(&state, &page, &headers, e).await;
        }
        "" => None,
        chosen => Some(chosen),
    };
    let started = match access::applicant(&current.account) {
        Ok(()) => {
            let catalogue = &state.catalogue;
            crate::applications::start(&state.db, catalogue, &current.account, &service_id, variant)
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(ApiError::from(e)),
    };
    match started {
        Ok(draft) => see_other(&Page::Apply { id: draft.view.id }.href()),
        Err(mut e) => {
            // The page's choice is named `variant`.
            for error in &mut e.errors {
                if error.field == "variant_id" {
                    error.field = "variant".into();
                }
            }
            refused(&state, &page, &headers, e).await
        }
    }
}

/// The service page again with why the start was refused, answered with its status.
async fn refused(
    state: &Arc<AppState>,
    page: &str,
    headers: &HeaderMap,
    error: ApiError,
) -> Response<Body> {
    let status = error.status;
    let problem = error.problem(page_lang(page, headers));
    let mut res = render_page(state, page, headers, |p: &mut Preloaded| {
        p.start_problem = Some(problem)
    })
    .await;
    *res.status_mut() = status;
    res
}

/// "Start application" sent as a form (without script, or before the app arrived).
pub(super) fn pages() -> axum::Router<std::sync::Arc<crate::AppState>> {
    axum::Router::new().route("/services/{id}/start", axum::routing::post(start))
}
