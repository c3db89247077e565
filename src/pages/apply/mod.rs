//! The application: a task list of steps, each with its status, and the steps themselves —
//! applicant details, the form's topics, documents, payment (when the service has a fee) and
//! check your answers — before the sign step. Answers autosave as the user types; a draft
//! opened later, on any device, resumes exactly where it was.

mod check;
mod documents;
mod draft;
mod fields;
mod payment;
mod steps;

use crate::api;
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::page_data::PageData;
use draft::Draft;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use qyzmet_domain::api::{ApplicationView, ServiceDetail};
use qyzmet_domain::route::Page;
use qyzmet_domain::status::Status;
use steps::{Editor, StepKind};

#[component]
pub fn Apply() -> impl IntoView {
    let i18n = use_i18n();
    let route_id = crate::route::application_id();
    let id = Memo::new(move |_| route_id());
    // The draft and its service as the server drew the page with them (first page only).
    let handed = crate::handover::preloaded()
        .apply
        .and_then(|sent| sent.read())
        .filter(|p| p.application.id == id.get_untracked());
    let service_first = handed.as_ref().map(|p| p.service.clone());
    // Fetched once per application: a language switch must not replace what is being typed.
    let application = PageData::new(
        handed.map(|p| Ok(p.application)),
        move || id.get(),
        move |id| async move {
            api::application(&id, i18n.lang_untracked())
                .await
                .map_err(|e| e.message_key())
        },
    );
    let shown = application.handed_over();
    move || {
        match shown.get() {
        None => view! { <p role="status">{move || i18n.t("apply.loading")}</p> }.into_any(),
        Some(Ok(view)) if view.status == Status::Draft => {
            let service = service_first.clone();
            view! { <Loaded view service /> }.into_any()
        }
        Some(Ok(view)) => {
            // Already submitted: its page is the request page.
            let navigate = use_navigate();
            let to = Page::Request { id: view.id.clone() }.href();
            request_animation_frame(move || navigate(&to, Default::default()));
            ().into_any()
        }
        Some(Err(key)) => view! {
            <PageTitle text=Signal::derive(move || i18n.t("apply.not_found")) error=Signal::derive(|| true) />
            <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div>
            <p><a href="/cabinet">{move || i18n.t("nav.cabinet")}</a></p>
        }
        .into_any(),
    }
    }
}

/// The draft's editor once its service is known (`service`: as the server sent it, if it did).
#[component]
fn Loaded(view: ApplicationView, service: Option<ServiceDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let draft = Draft::new(&view);
    // Back online: what could not be saved is saved now.
    let online = window_event_listener(leptos::ev::online, move |_| {
        if matches!(draft.state.get_untracked(), draft::SaveState::Offline) {
            leptos::task::spawn_local(async move {
                draft.save(i18n.lang_untracked()).await;
            });
        }
    });
    on_cleanup(move || online.remove());
    let service_id = view.service_id.clone();
    let variant_id = view.variant_id.clone();
    let first = service.filter(|s| s.summary.id == service_id).map(Ok);
    let service = PageData::new(
        first,
        move || (service_id.clone(), i18n.lang()),
        |(id, lang)| async move { api::service(&id, lang).await.map_err(|e| e.message_key()) },
    );
    let shown = service.handed_over();
    let query = use_query_map();
    let step = Memo::new(move |_| query.with(|q| q.get("step")));
    let from_check = Memo::new(move |_| query.with(|q| q.get("from").as_deref() == Some("check")));
    let focus_field = Memo::new(move |_| query.with(|q| q.get("field")));
    move || match shown.get() {
        None => view! { <p role="status">{move || i18n.t("apply.loading")}</p> }.into_any(),
        Some(Ok(detail)) => editor(detail, &variant_id, draft, step, from_check, focus_field),
        Some(Err(key)) => view! {
            <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div>
        }
        .into_any(),
    }
}

fn editor(
    detail: ServiceDetail,
    variant_id: &str,
    draft: Draft,
    step: Memo<Option<String>>,
    from_check: Memo<bool>,
    focus_field: Memo<Option<String>>,
) -> AnyView {
    let Some(variant) = detail.variants.iter().find(|v| v.id == variant_id).cloned() else {
        return ().into_any();
    };
    let editor = Editor::new(draft, detail.summary.clone(), variant);
    view! {
        {move || {
            let current = step.get().and_then(|slug| editor.find(&slug));
            match current {
                None => steps::task_list(editor).into_any(),
                Some((index, step)) => {
                    // Best effort (a failure only loses the resume point, so its error text, and
                    // with it the language, does not matter): a draft opened later, on any
                    // device, starts on this step.
                    let (id, slug) = (editor.draft.id(), step.slug.clone());
                    leptos::task::spawn_local(async move {
                        let _ = api::remember_step(&id, &slug, qyzmet_domain::Lang::Kk).await;
                    });
                    if let Some(field) = focus_field.get_untracked() {
                        // After the heading took focus on arrival: the field the user came to change.
                        request_animation_frame(move || request_animation_frame(move || crate::components::form::focus_by_id(&field)));
                    }
                    let frame = steps::Frame { editor, index, from_check: from_check.get_untracked() };
                    match step.kind {
                        StepKind::Applicant => steps::applicant(frame).into_any(),
                        StepKind::Form(i) => steps::form_step(frame, i).into_any(),
                        StepKind::Documents => documents::documents(frame).into_any(),
                        StepKind::Payment => payment::payment(frame).into_any(),
                        StepKind::Check => check::check(frame).into_any(),
                    }
                }
            }
        }}
    }
    .into_any()
}
