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
use crate::areas::PageNotLoaded;
use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::page_data::PageData;
use draft::Draft;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
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
    // Counts the step pages' file in (`step_pages_coming`): the step is drawn again.
    let arrived = RwSignal::new(0u32);
    view! {
        {move || {
            arrived.track();
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
                    match step_pages_here() {
                        Some(draw) => draw(frame, step.kind),
                        None => step_pages_coming(arrived).into_any(),
                    }
                }
            }
        }}
    }
    .into_any()
}

/// Draws a step's page.
type DrawStep = fn(steps::Frame, StepKind) -> AnyView;

/// The step pages (applicant, the form's topics, documents, payment, check) are a file of
/// their own (#28): the editor opens on its task list, which reads without them, and they
/// come as the applicant points at a step or opens one ([`fetch_step_pages`]).
#[wasm_split(
    application_steps,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
fn step_pages() -> Result<DrawStep, PageNotLoaded> {
    Ok(draw_step)
}

fn draw_step(frame: steps::Frame, kind: StepKind) -> AnyView {
    match kind {
        StepKind::Applicant => steps::applicant(frame).into_any(),
        StepKind::Form(i) => steps::form_step(frame, i).into_any(),
        StepKind::Documents => documents::documents(frame).into_any(),
        StepKind::Payment => payment::payment(frame).into_any(),
        StepKind::Check => check::check(frame).into_any(),
    }
}

#[cfg(target_family = "wasm")]
thread_local! {
    static STEP_PAGES: std::cell::Cell<Option<DrawStep>> = const { std::cell::Cell::new(None) };
}

/// The step pages if their file is here (on the server, where nothing is split, always).
fn step_pages_here() -> Option<DrawStep> {
    #[cfg(target_family = "wasm")]
    {
        STEP_PAGES.with(std::cell::Cell::get)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        Some(draw_step)
    }
}

/// Fetches the step pages' file if it is not here yet. A draft opened on one of its steps
/// fetches it with the editor's (`on_demand::load`), so the app draws the step the server
/// did before it takes its place.
pub async fn fetch_step_pages() -> Result<(), PageNotLoaded> {
    if step_pages_here().is_none() {
        let _draw = step_pages().await?;
        #[cfg(target_family = "wasm")]
        STEP_PAGES.with(|s| s.set(Some(_draw)));
    }
    Ok(())
}

/// While the step pages' file comes: a status line, then the step (`arrived` counts up and
/// the editor draws again); if it cannot be fetched, what the app's other pages say then,
/// and "Try again". What the applicant entered is saved with the draft, so nothing is lost.
fn step_pages_coming(arrived: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let failed = RwSignal::new(false);
    let fetch = move || {
        failed.set(false);
        leptos::task::spawn_local(async move {
            match fetch_step_pages().await {
                Ok(()) => arrived.try_update(|n| *n += 1),
                Err(PageNotLoaded) => failed.try_set(true).map(|_| ()),
            };
        });
    };
    fetch();
    move || {
        if failed.get() {
            view! {
                <PageTitle text=Signal::derive(move || i18n.t("on_demand.title")) error=Signal::derive(|| true) />
                <div class="notice notice-warning" role="alert">
                    <p>{move || i18n.t("on_demand.text")}</p>
                </div>
                <p>
                    <button type="button" on:click=move |_| fetch()>{move || i18n.t("on_demand.retry")}</button>
                </p>
            }
            .into_any()
        } else {
            view! { <p role="status">{move || i18n.t("on_demand.loading")}</p> }.into_any()
        }
    }
}
