//! Check your answers: every answer and file, each with a "Change" link that comes back here;
//! then the server's own completeness check before the sign step.

use super::documents::size_text;
use super::steps::{Frame, StepKind, header};
use crate::api;
use crate::components::account_forms::from_api;
use crate::components::answers_table::rows;
use crate::components::form::Problem;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::route::Page;

pub fn check(frame: Frame) -> impl IntoView {
    let i18n = use_i18n();
    // Signing comes next: its page is fetched while the applicant reads their answers, not
    // with the editor (#28).
    crate::areas::ahead(qyzmet_domain::route::Area::Signing);
    let editor = frame.editor;
    let draft = editor.draft;
    let summary = RwSignal::new(Vec::<Problem>::new());
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let steps = editor.steps.get_value();
    let sections = move || {
        steps
            .iter()
            .filter_map(|s| match s.kind {
                StepKind::Form(i) => editor.form_step(i).map(|step| (s.slug.clone(), step)),
                _ => None,
            })
            .map(|(slug, step)| {
                let title = step.title.get(i18n.lang()).to_string();
                let href_slug = slug.clone();
                let change = move |field: &str| {
                    format!(
                        "{}&from=check&field={}",
                        editor.href(&href_slug),
                        qyzmet_domain::route::encode_segment(field)
                    )
                };
                let body = draft
                    .answers
                    .with(|a| rows(i18n, &step.fields, a, None, Some(&change)));
                view! {
                    <section aria-labelledby=format!("check-{slug}")>
                        <h2 id=format!("check-{slug}")>{title}</h2>
                        <dl class="summary check-answers">{body}</dl>
                    </section>
                }
            })
            .collect_view()
    };
    let documents = move || {
        let files = draft.attachments.get();
        let docs = editor.variant.with_value(|v| v.documents.clone());
        (!docs.is_empty()).then(|| {
            let rows = docs
                .into_iter()
                .map(|d| {
                    let file = files.iter().find(|a| a.document_id == d.id).map(|a| format!("{} ({})", a.file_name, size_text(i18n, a.size)));
                    let href = format!("{}&from=check&field={}", editor.href("documents"), qyzmet_domain::route::encode_segment(&format!("documents.{}", d.id)));
                    let name = d.name.clone();
                    view! {
                        <div class="summary-row">
                            <dt>{d.name.clone()}</dt>
                            <dd>{file.unwrap_or_else(|| i18n.t("documents.none"))}</dd>
                            <dd class="change"><a href=href id=format!("change-documents.{}", d.id)>{i18n.t("apply.change")}<span class="visually-hidden">{format!(" {name}")}</span></a></dd>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section aria-labelledby="check-documents">
                    <h2 id="check-documents">{i18n.t("apply.step.documents")}</h2>
                    <dl class="summary check-answers">{rows}</dl>
                </section>
            }
        })
    };
    let go_sign = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let lang = i18n.lang_untracked();
            if draft.save(lang).await {
                match api::check(&draft.id(), lang).await {
                    Ok(()) => navigate(
                        &Page::Sign {
                            id: draft.id().to_string(),
                        }
                        .href(),
                        Default::default(),
                    ),
                    Err(e) => {
                        let found = match e.problem() {
                            Some(p) if !p.errors.is_empty() => {
                                let (mut s, _) = editor.problems(i18n, &p.errors);
                                // The rows of this page are where the user acts: each problem
                                // links to its answer's "Change" link.
                                for problem in &mut s {
                                    let head = problem
                                        .field
                                        .split('[')
                                        .next()
                                        .unwrap_or_default()
                                        .to_string();
                                    problem.field = format!("change-{head}");
                                }
                                s
                            }
                            _ => from_api(i18n, &e, "sign"),
                        };
                        summary.set(found);
                    }
                }
            }
            busy.set(false);
        });
    };
    view! {
        {header(frame, summary)}
        {sections}
        {documents}
        <h2>{move || i18n.t("apply.check.declaration_heading")}</h2>
        <p>{move || i18n.t("apply.check.declaration")}</p>
        <p>
            <button type="button" id="sign" on:click=go_sign aria-disabled=move || busy.get().then_some("true")>
                {move || i18n.t("apply.check.to_sign")}
            </button>
        </p>
    }
}
