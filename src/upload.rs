//! File uploads with progress and cancel. `fetch` reports no upload progress, so this one
//! request goes through `XMLHttpRequest`; its answer is read like every other API answer.

use crate::api::ApiError;
use leptos::wasm_bindgen::{JsCast, closure::Closure};
use leptos::web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};
use qyzmet_domain::Lang;
use qyzmet_domain::api::{ApplicationView, CSRF_HEADER, Problem};

/// How an upload ended.
pub enum Outcome {
    Stored(ApplicationView),
    Failed(ApiError),
    Cancelled,
}

/// A running upload; `cancel` aborts it (the server discards the partial file).
#[derive(Clone)]
pub struct Upload {
    xhr: XmlHttpRequest,
}

impl Upload {
    pub fn cancel(&self) {
        let _ = self.xhr.abort();
    }
}

fn outcome_of(xhr: &XmlHttpRequest) -> Outcome {
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        return match serde_json::from_str::<ApplicationView>(&body) {
            Ok(view) => Outcome::Stored(view),
            Err(_) => Outcome::Failed(ApiError::Network),
        };
    }
    match serde_json::from_str::<Problem>(&body) {
        Ok(problem) => Outcome::Failed(ApiError::Problem(problem)),
        Err(_) => Outcome::Failed(ApiError::Network),
    }
}

/// Sends `file` into the document slot. `on_progress` gets the fraction sent (0.0–1.0);
/// `on_done` is called exactly once. `None` when the browser would not even start it.
pub fn start(
    application_id: &str,
    document_id: &str,
    file: &File,
    lang: Lang,
    on_progress: impl Fn(f64) + 'static,
    on_done: impl FnOnce(Outcome) + 'static,
) -> Option<Upload> {
    let xhr = XmlHttpRequest::new().ok()?;
    let url = qyzmet_domain::route::api::in_lang(
        &qyzmet_domain::route::api::attachment(application_id, document_id),
        lang,
    );
    xhr.open("POST", &url).ok()?;
    xhr.set_request_header(CSRF_HEADER, "1").ok()?;
    let form = FormData::new().ok()?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .ok()?;

    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            on_progress(ev.loaded() / ev.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // `loadend` fires once after load, error or abort: the one place the upload ends.
    let done = std::cell::Cell::new(Some(on_done));
    let this = xhr.clone();
    let cancelled = std::rc::Rc::new(std::cell::Cell::new(false));
    let cancelled_in_abort = cancelled.clone();
    let abort = Closure::<dyn Fn()>::new(move || cancelled_in_abort.set(true));
    xhr.set_onabort(Some(abort.as_ref().unchecked_ref()));
    let end = Closure::<dyn Fn()>::new(move || {
        if let Some(done) = done.take() {
            done(if cancelled.get() {
                Outcome::Cancelled
            } else if this.status().unwrap_or(0) == 0 {
                Outcome::Failed(ApiError::Network)
            } else {
                outcome_of(&this)
            });
        }
    });
    xhr.set_onloadend(Some(end.as_ref().unchecked_ref()));
    xhr.send_with_opt_form_data(Some(&form)).ok()?;
    // The handlers live as long as the request; one small allocation per upload.
    progress.forget();
    abort.forget();
    end.forget();
    Some(Upload { xhr })
}
