//! "Start application" on a service page, sent as a form: without script, or clicked before
//! the app arrived. The same draft as the app's `POST /api/applications`
//! (`applications::start_draft`); the answer is the draft's form (303), the login page first
//! for a visitor, or the service page again with why not.

use super::applications::start_draft;
use super::extract::CurrentAccount;
use super::login_form::{login_page, taken};
use super::pages::{page_lang, render_page};
use super::problem::{ApiError, field_error};
use crate::AppState;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use qyzmet::first_paint::Preloaded;
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
    let page = format!("/services/{service_id}");
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
    match start_draft(&state, &current, &service_id, variant).await {
        Ok(draft) => see_other(&format!("/applications/{}/edit", draft.id)),
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

fn see_other(to: &str) -> Response<Body> {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(location) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    res
}
