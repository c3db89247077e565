//! The steps of an application, the task list that shows their status, and the frame every
//! step shares: back link, "Step n of m", heading, error summary, autosave status and
//! "Save and continue".

use super::draft::{Draft, SaveState};
use super::fields::field_view;
use crate::answers::{any_answered, label_of};
use crate::components::account_forms::message;
use crate::components::form::{ErrorSummary, Problem};
use crate::components::page_title::PageTitle;
use crate::i18n::{I18n, use_i18n};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use qyzmet_domain::api::{ServiceSummary, VariantView};
use qyzmet_domain::form::{self, Context, FieldError, FormStep};
use qyzmet_domain::route::Page;

#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    Applicant,
    Form(usize),
    Documents,
    Payment,
    Check,
}

#[derive(Clone, Debug)]
pub struct StepRef {
    pub slug: String,
    pub kind: StepKind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Completed,
    CannotStartYet,
}

impl TaskStatus {
    fn key(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "apply.progress.not_started",
            TaskStatus::InProgress => "apply.progress.in_progress",
            TaskStatus::Completed => "apply.progress.completed",
            TaskStatus::CannotStartYet => "apply.progress.cannot_start",
        }
    }
}

pub fn fee_before_signing(v: &VariantView) -> bool {
    v.fee.as_ref().is_some_and(|f| f.due_before_signing())
}

fn step_list(v: &VariantView) -> Vec<StepRef> {
    let mut steps = vec![StepRef {
        slug: "your-details".into(),
        kind: StepKind::Applicant,
    }];
    if let Some(form) = &v.form {
        steps.extend(form.steps.iter().enumerate().map(|(i, s)| StepRef {
            slug: s.id.clone(),
            kind: StepKind::Form(i),
        }));
    }
    if !v.documents.is_empty() {
        steps.push(StepRef {
            slug: "documents".into(),
            kind: StepKind::Documents,
        });
    }
    if fee_before_signing(v) {
        steps.push(StepRef {
            slug: "payment".into(),
            kind: StepKind::Payment,
        });
    }
    steps.push(StepRef {
        slug: "check".into(),
        kind: StepKind::Check,
    });
    steps
}

/// Today in Kazakhstan, for date rules ("not in the future"), as the server counts it.
pub fn today() -> time::Date {
    crate::kz_time::today()
}

/// Everything the steps share; `Copy`, so every handler can hold it.
#[derive(Clone, Copy)]
pub struct Editor {
    pub draft: Draft,
    pub service: StoredValue<ServiceSummary>,
    pub variant: StoredValue<VariantView>,
    pub steps: StoredValue<Vec<StepRef>>,
    /// Whether the applicant paid (the payment step sets it once it knows).
    pub paid: RwSignal<bool>,
}

impl Editor {
    pub fn new(draft: Draft, service: ServiceSummary, variant: VariantView) -> Editor {
        let steps = step_list(&variant);
        Editor {
            draft,
            service: StoredValue::new(service),
            variant: StoredValue::new(variant),
            steps: StoredValue::new(steps),
            paid: RwSignal::new(false),
        }
    }

    pub fn find(self, slug: &str) -> Option<(usize, StepRef)> {
        self.steps.with_value(|s| {
            s.iter()
                .enumerate()
                .find(|(_, s)| s.slug == slug)
                .map(|(i, s)| (i, s.clone()))
        })
    }

    pub fn form_step(self, i: usize) -> Option<FormStep> {
        self.variant
            .with_value(|v| v.form.as_ref().and_then(|f| f.steps.get(i).cloned()))
    }

    pub fn href(self, slug: &str) -> String {
        format!("{}?step={slug}", self.overview_href())
    }

    pub fn overview_href(self) -> String {
        Page::Apply {
            id: self.draft.id().to_string(),
        }
        .href()
    }

    pub fn title(self, i18n: I18n, kind: &StepKind) -> String {
        match kind {
            StepKind::Applicant => i18n.t("apply.step.applicant"),
            StepKind::Form(i) => self
                .form_step(*i)
                .map(|s| s.title.get(i18n.lang()).to_string())
                .unwrap_or_default(),
            StepKind::Documents => i18n.t("apply.step.documents"),
            StepKind::Payment => i18n.t("apply.step.payment"),
            StepKind::Check => i18n.t("apply.step.check"),
        }
    }

    pub fn missing_documents(self) -> Vec<String> {
        let attached = self.draft.attachments.get();
        self.variant.with_value(|v| {
            v.missing_documents(attached.iter().map(|a| a.document_id.as_str()))
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
    }

    /// A step's status from the draft as it stands (reactive).
    pub fn progress(self, kind: &StepKind) -> TaskStatus {
        match kind {
            StepKind::Applicant => TaskStatus::Completed,
            StepKind::Form(i) => {
                let Some(step) = self.form_step(*i) else {
                    return TaskStatus::Completed;
                };
                self.draft.answers.with(|a| {
                    let errors = form::validate_step(&step, a, &Context { today: today() });
                    if errors.is_empty() {
                        TaskStatus::Completed
                    } else if any_answered(&step.fields, a) {
                        TaskStatus::InProgress
                    } else {
                        TaskStatus::NotStarted
                    }
                })
            }
            StepKind::Documents => {
                let missing = self.missing_documents().len();
                let any = !self.draft.attachments.get().is_empty();
                match (missing, any) {
                    (0, _) => TaskStatus::Completed,
                    (_, true) => TaskStatus::InProgress,
                    _ => TaskStatus::NotStarted,
                }
            }
            StepKind::Payment => {
                if self.paid.get() {
                    TaskStatus::Completed
                } else {
                    TaskStatus::NotStarted
                }
            }
            StepKind::Check => {
                let ready = self.steps.with_value(|s| {
                    s.iter()
                        .filter(|s| s.kind != StepKind::Check && s.kind != StepKind::Payment)
                        .all(|s| self.progress(&s.kind) == TaskStatus::Completed)
                });
                if ready {
                    TaskStatus::NotStarted
                } else {
                    TaskStatus::CannotStartYet
                }
            }
        }
    }

    /// Field errors as the summary and the fields show them: the summary names the field.
    pub fn problems(self, i18n: I18n, errors: &[FieldError]) -> (Vec<Problem>, Vec<Problem>) {
        let fields: Vec<form::Field> = self.variant.with_value(|v| {
            v.form
                .as_ref()
                .map(|f| f.steps.iter().flat_map(|s| s.fields.clone()).collect())
                .unwrap_or_default()
        });
        let mut summary = Vec::new();
        let mut inline = Vec::new();
        for e in errors {
            let params: Vec<(String, String)> = e
                .params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let text = message(i18n, &e.code, &params);
            let label = label_of(&fields, &e.field, i18n.lang());
            summary.push(Problem {
                field: e.field.clone(),
                message: match label {
                    Some(l) => format!("{l}: {text}"),
                    None => text.clone(),
                },
            });
            inline.push(Problem {
                field: e.field.clone(),
                message: text,
            });
        }
        (summary, inline)
    }
}

/// The overview: every step with its status, in order.
pub fn task_list(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let name = editor.service.with_value(|s| s.name.clone());
    let steps = editor.steps.get_value();
    let total = steps.len() - 1;
    let completed = {
        let steps = steps.clone();
        move || {
            steps
                .iter()
                .filter(|s| s.kind != StepKind::Check)
                .filter(|s| editor.progress(&s.kind) == TaskStatus::Completed)
                .count()
        }
    };
    let fetch_step_pages = || {
        leptos::task::spawn_local(async {
            let _ = super::fetch_step_pages().await;
        })
    };
    let deleting = RwSignal::new(false);
    let navigate = use_navigate();
    let delete = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if crate::api::delete_application(&editor.draft.id(), i18n.lang_untracked())
                .await
                .is_ok()
            {
                navigate("/cabinet", Default::default());
            }
        });
    };
    view! {
        <p class="caption">{name}</p>
        <PageTitle text=Signal::derive(move || i18n.t("apply.overview.title")) />
        <p>{move || i18n.t_with("apply.overview.done", &[("done", completed().to_string()), ("total", total.to_string())])}</p>
        // Pointing at a step (or tabbing to it) fetches the step pages' file, so it is
        // usually here by the click.
        <ol class="task-list" on:pointerover=move |_| fetch_step_pages() on:focusin=move |_| fetch_step_pages()>
            {steps
                .into_iter()
                .enumerate()
                .map(|(i, step)| {
                    let kind = step.kind.clone();
                    let title_kind = step.kind.clone();
                    let status_id = format!("task-{}-status", step.slug);
                    let described_by = status_id.clone();
                    let href = editor.href(&step.slug);
                    let progress = Memo::new(move |_| editor.progress(&kind));
                    view! {
                        <li class="task">
                            <span class="task-number" aria-hidden="true">{i + 1}". "</span>
                            {move || {
                                let title = editor.title(i18n, &title_kind);
                                if progress.get() == TaskStatus::CannotStartYet {
                                    view! { <span class="task-name">{title}</span> }.into_any()
                                } else {
                                    view! { <a class="task-name" href=href.clone() aria-describedby=described_by.clone()>{title}</a> }.into_any()
                                }
                            }}
                            <strong class="tag" class:tag-done=move || progress.get() == TaskStatus::Completed id=status_id.clone()>
                                {move || i18n.t(progress.get().key())}
                            </strong>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <SaveStatus draft=editor.draft />
        <section aria-labelledby="delete-heading" class="danger-zone">
            <h2 id="delete-heading">{move || i18n.t("apply.delete.heading")}</h2>
            {move || if deleting.get() {
                view! {
                    <div class="notice" role="alert">
                        <p>{move || i18n.t("apply.delete.confirm")}</p>
                        <button type="button" class="warning" on:click=delete.clone()>{move || i18n.t("apply.delete.yes")}</button>
                        " "
                        <button type="button" class="secondary" on:click=move |_| deleting.set(false)>{move || i18n.t("apply.delete.no")}</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="secondary" on:click=move |_| deleting.set(true)>{move || i18n.t("apply.delete.button")}</button>
                }.into_any()
            }}
        </section>
    }
}

/// What a step page knows about where it is.
#[derive(Clone, Copy)]
pub struct Frame {
    pub editor: Editor,
    pub index: usize,
    pub from_check: bool,
}

impl Frame {
    /// Where "Save and continue" goes: back to check your answers when the user came from
    /// there, else the next step.
    pub fn next_href(self) -> String {
        if self.from_check {
            return self.editor.href("check");
        }
        self.editor
            .steps
            .with_value(|s| match s.get(self.index + 1) {
                Some(next) => self.editor.href(&next.slug),
                None => self.editor.overview_href(),
            })
    }

    pub fn back_href(self) -> String {
        if self.from_check {
            return self.editor.href("check");
        }
        match self.index.checked_sub(1) {
            Some(prev) => self
                .editor
                .steps
                .with_value(|s| self.editor.href(&s[prev].slug)),
            None => self.editor.overview_href(),
        }
    }

    pub fn kind(self) -> StepKind {
        self.editor.steps.with_value(|s| s[self.index].kind.clone())
    }

    /// Saves what is unsaved, then goes on; a failed save keeps the user here (the status
    /// says why) with everything they typed.
    pub fn save_and_go(self, href: String) {
        let i18n = use_i18n();
        let navigate = use_navigate();
        leptos::task::spawn_local(async move {
            if self.editor.draft.save(i18n.lang_untracked()).await {
                navigate(&href, Default::default());
            }
        });
    }
}

/// Back link, step indicator, heading and error summary of a step page.
pub fn header(frame: Frame, problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = frame.kind();
    let total = frame.editor.steps.with_value(|s| s.len());
    let back = frame.back_href();
    view! {
        <p><a class="back-link" href=back>{move || i18n.t("apply.back")}</a></p>
        <p class="caption">
            {move || i18n.t_with("apply.step_of", &[("n", (frame.index + 1).to_string()), ("total", total.to_string())])}
            " · "
            {frame.editor.service.with_value(|s| s.name.clone())}
        </p>
        <PageTitle
            text=Signal::derive(move || frame.editor.title(i18n, &kind))
            error=Signal::derive(move || !problems.get().is_empty())
        />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
    }
}

/// The autosave status (a polite live region) and, after a conflicting save elsewhere, the
/// choice of which version to keep.
#[component]
pub fn SaveStatus(draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match draft.state.get() {
        SaveState::Idle => String::new(),
        SaveState::Saving => i18n.t("apply.save.saving"),
        SaveState::Saved(at) => i18n.t_with("apply.save.saved", &[("time", at)]),
        SaveState::Offline => i18n.t("apply.save.offline"),
        SaveState::Conflict(_) => i18n.t("apply.save.conflict"),
        SaveState::Failed(code) => i18n.t(&format!("error.{code}")),
    };
    let retry = move |_| {
        draft.state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            draft.save(i18n.lang_untracked()).await;
        });
    };
    view! {
        <p class="save-status" role="status" aria-live="polite">{text}</p>
        {move || matches!(draft.state.get(), SaveState::Offline).then(|| view! {
            <p><button type="button" class="secondary" on:click=retry>{move || i18n.t("apply.save.retry")}</button></p>
        })}
        {move || match draft.state.get() {
            SaveState::Conflict(other) => {
                let at = other.updated_at.clone();
                Some(view! {
                    <div class="notice notice-warning" role="alert" id="conflict">
                        <h2>{move || i18n.t("apply.conflict.heading")}</h2>
                        <p>{move || i18n.t_with("apply.conflict.body", &[("time", at.clone())])}</p>
                        <button type="button" on:click=move |_| draft.keep_mine(i18n.lang_untracked())>{move || i18n.t("apply.conflict.keep_mine")}</button>
                        " "
                        <button type="button" class="secondary" on:click=move |_| draft.take_theirs()>{move || i18n.t("apply.conflict.take_theirs")}</button>
                    </div>
                })
            }
            _ => None,
        }}
    }
}

/// Applicant details: from the account and the state registry, so read-only here. At a
/// counter, the person or company the staff member enters it for.
pub fn applicant(frame: Frame) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let problems = RwSignal::new(Vec::new());
    let next = frame.next_href();
    if let Some(person) = frame.editor.draft.on_behalf.get_value() {
        return view! {
            {header(frame, problems)}
            <p>{move || i18n.t("apply.applicant.at_counter")}</p>
            <dl class="summary">
                <dt>{move || i18n.t("apply.applicant.name")}</dt>
                <dd>{person.name.clone()}</dd>
                <dt>{move || i18n.t("apply.applicant.id")}</dt>
                <dd>{person.id.clone()}</dd>
                <dt>{move || i18n.t("apply.applicant.phone")}</dt>
                <dd>{person.phone.clone()}</dd>
            </dl>
            <p class="hint">{move || i18n.t("apply.applicant.registry")}</p>
            <p><a class="button" href=next>{move || i18n.t("apply.continue")}</a></p>
        }
        .into_any();
    }
    view! {
        {header(frame, problems)}
        <p>{move || i18n.t("apply.applicant.intro")}</p>
        {move || session.0.get().map(|s| {
            let a = s.account;
            view! {
                <dl class="summary">
                    <dt>{move || i18n.t("apply.applicant.name")}</dt>
                    <dd>{a.display_name.clone()}</dd>
                    <dt>{move || i18n.t(if a.kind == qyzmet_domain::api::AccountKind::Company { "apply.applicant.bin" } else { "apply.applicant.iin" })}</dt>
                    <dd>{a.login.clone()}</dd>
                    <dt>{move || i18n.t("apply.applicant.phone")}</dt>
                    <dd>{a.phone.clone()}</dd>
                    <dt>{move || i18n.t("apply.applicant.email")}</dt>
                    <dd>{a.email.clone()}</dd>
                </dl>
            }
        })}
        <p class="hint">{move || i18n.t("apply.applicant.registry")}</p>
        <p><a class="button" href=next>{move || i18n.t("apply.continue")}</a></p>
    }
    .into_any()
}

/// One topic of the form. Validation runs on "Save and continue", never on blur.
pub fn form_step(frame: Frame, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let Some(step) = frame.editor.form_step(index) else {
        return ().into_any();
    };
    let summary = RwSignal::new(Vec::<Problem>::new());
    let inline = RwSignal::new(Vec::<Problem>::new());
    let draft = frame.editor.draft;
    let checked = step.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let errors = draft
            .answers
            .with_untracked(|a| form::validate_step(&checked, a, &Context { today: today() }));
        let (s, i) = frame.editor.problems(i18n, &errors);
        inline.set(i);
        summary.set(s);
        if errors.is_empty() {
            frame.save_and_go(frame.next_href());
        }
    };
    view! {
        {header(frame, summary)}
        <form novalidate on:submit=submit>
            {step
                .fields
                .into_iter()
                .map(|f| field_view(draft, f, None, inline.into()))
                .collect_view()}
            <SaveStatus draft />
            <button type="submit">{move || i18n.t("apply.save_continue")}</button>
        </form>
    }
    .into_any()
}
