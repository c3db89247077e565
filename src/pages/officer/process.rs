//! The request in its provider's process: the step it is at (who makes it, by when, who
//! holds it), the form for the reader's own step — pass on, name the executor, prepare the
//! result — and the head's reassignment; the regulation's steps and what was done.

use crate::components::account_forms::for_field;
use crate::components::form::{ErrorMessage, Problem};
use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use qyzmet_domain::api::{ProcessView, QueueStep, StaffView, StepLogView};
use qyzmet_domain::process::{ProcessStep, StepKind, StepTime};

/// What the process forms read, and the page's busy flag and problems.
#[derive(Clone, Copy)]
pub(super) struct StepForm {
    pub(super) busy: RwSignal<bool>,
    pub(super) problems: RwSignal<Vec<Problem>>,
    pub(super) executor: RwSignal<String>,
    pub(super) reassign_to: RwSignal<String>,
    pub(super) reassign_reason: RwSignal<String>,
    /// Whom the result was given to, when not the applicant in person.
    pub(super) representative: RwSignal<String>,
}

/// "Step 3: Executor checks the documents and prepares the result".
pub(crate) fn step_text(i18n: I18n, index: usize, step: &QueueStep) -> String {
    i18n.t_with(
        "process.step_of",
        &[
            ("n", (index + 1).to_string()),
            (
                "performer",
                i18n.t(&format!("performer.{}", step.performer.code())),
            ),
            (
                "action",
                i18n.t(&format!("process.action.{}", step.action.code())),
            ),
        ],
    )
}

/// How long a step may take, as the regulation words it.
fn time_text(i18n: I18n, time: StepTime) -> String {
    match time {
        StepTime::Minutes(n) => i18n.t_count("process.time.minutes", n.into()),
        StepTime::Hours(n) => i18n.t_count("process.time.hours", n.into()),
        StepTime::WorkingDays(n) => i18n.t_count("process.time.working_days", n.into()),
        StepTime::CalendarDays(n) => i18n.t_count("process.time.calendar_days", n.into()),
        StepTime::SameWorkingDay => i18n.t("process.time.same_working_day"),
        StepTime::ServiceTerm => i18n.t("process.time.service_term"),
        StepTime::CalendarMonths(n) => i18n.t_count("process.time.calendar_months", n.into()),
        StepTime::NotSet => i18n.t("process.time.not_set"),
    }
}

/// Where the request stands and what the reader may do at this step.
#[component]
pub(super) fn ProcessPanel(
    process: ProcessView,
    form: StepForm,
    on_step: Callback<()>,
    on_reassign: Callback<()>,
    on_return: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = process.current.clone();
    let facts = match current.clone() {
        None => view! {
            <dt>{move || i18n.t("process.current")}</dt>
            <dd id="process-current">{move || i18n.t("process.finished")}</dd>
        }
        .into_any(),
        Some(c) => {
            let (due, overdue) = (c.due.clone(), c.overdue);
            let holder = c.holder.clone().map(|h| {
                view! {
                    <dt>{move || i18n.t("process.holder")}</dt><dd id="process-holder">{h}</dd>
                }
            });
            let step = c.clone();
            view! {
            <dt>{move || i18n.t("process.current")}</dt>
            <dd id="process-current">{move || step_text(i18n, step.index, &step)}</dd>
            <dt>{move || i18n.t("process.due")}</dt>
            <dd>
                {match due.clone() {
                    Some(due) => {
                        let shown = due.clone();
                        view! { <time datetime=due>{move || i18n.moment(&shown)}</time> }.into_any()
                    }
                    None => view! { {move || i18n.t("process.time.not_set")} }.into_any(),
                }}
                {overdue.then(|| view! { " " <strong class="badge badge-overdue">{move || i18n.t("process.overdue")}</strong> })}
            </dd>
            {holder}
        }
        .into_any()
        }
    };
    let prepared = process.prepared.clone().map(|p| {
        let reason = p.reason.clone();
        view! {
            <dt>{move || i18n.t("process.prepared")}</dt>
            <dd id="process-prepared">
                {move || i18n.t_with("process.prepared_by", &[
                    ("outcome", i18n.t(&format!("officer.outcome.{}", p.outcome.code()))),
                    ("name", p.by.clone()),
                ])}
                {reason.map(|r| view! { <br /> {r} })}
            </dd>
        }
    });
    let action = match (process.may_complete, process.gives_out) {
        (true, true) => Some(hand_over(process.returnable, form, on_step, on_return)),
        (true, false) => step_action(
            process.kind,
            current.clone(),
            &process.executors,
            form,
            on_step,
        ),
        (false, _) => None,
    };
    let reassign = process
        .may_reassign
        .then(|| view! { <Reassign executors=process.executors.clone() form on_reassign /> });
    view! {
        <section aria-labelledby="process-title">
            <h2 id="process-title">{move || i18n.t("process.title")}</h2>
            <dl class="summary">
                {facts}
                {prepared}
            </dl>
            {action}
            {reassign}
            <StepList steps=process.steps.clone() at=current.map(|c| c.index) />
            <Log log=process.log.clone() />
        </section>
    }
}

/// The form of the reader's own step: a plain step is one button; naming the executor
/// chooses one. (Preparing and signing the result are the page's decision form.)
fn step_action(
    kind: Option<StepKind>,
    current: Option<QueueStep>,
    executors: &[StaffView],
    form: StepForm,
    on_step: Callback<()>,
) -> Option<AnyView> {
    let i18n = use_i18n();
    let step = current?;
    match kind? {
        StepKind::Plain => {
            let key = format!("process.do.{}", step.action.code());
            Some(view! {
                <div class="button-row">
                    <button type="button" id="process-complete" on:click=move |_| on_step.run(())
                        aria-disabled=move || form.busy.get().then_some("true")>
                        {move || i18n.t(&key)}
                    </button>
                </div>
            }.into_any())
        }
        StepKind::Assign => Some(view! {
            <form class="narrow" novalidate on:submit=move |ev| { ev.prevent_default(); on_step.run(()); }>
                <ExecutorSelect id="executor" executors=executors.to_vec() value=form.executor problems=form.problems />
                <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                    {move || i18n.t("process.assign_button")}
                </button>
            </form>
        }.into_any()),
        StepKind::Prepare | StepKind::Decide => None,
    }
}

/// The result given out at a counter: to the applicant, or to the representative named with
/// their power of attorney; past its keeping period, returned to the provider instead.
fn hand_over(
    returnable: bool,
    form: StepForm,
    on_step: Callback<()>,
    on_return: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    view! {
        <form class="narrow" novalidate on:submit=move |ev| { ev.prevent_default(); on_step.run(()); }>
            <div class="field">
                <label for="representative">{move || i18n.t("process.representative")}</label>
                <p class="hint" id="representative-hint">{move || i18n.t("process.representative_hint")}</p>
                <input id="representative" type="text" autocomplete="off" aria-describedby="representative-hint"
                    prop:value=move || form.representative.get()
                    on:input=move |ev| form.representative.set(event_target_value(&ev)) />
            </div>
            <div class="button-row">
                <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                    {move || i18n.t("process.do.issue_handed")}
                </button>
                {returnable.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| on_return.run(())
                        aria-disabled=move || form.busy.get().then_some("true")>
                        {move || i18n.t("process.return_button")}
                    </button>
                })}
            </div>
        </form>
    }
    .into_any()
}

/// A choice among the provider's executors, with its error tied to it.
#[component]
fn ExecutorSelect(
    id: &'static str,
    executors: Vec<StaffView>,
    value: RwSignal<String>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || for_field(&problems.get(), id);
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let options = executors
        .into_iter()
        .map(|s| {
            let v = s.id.to_string();
            let selected = v.clone();
            view! { <option value=v selected=move || value.get() == selected>{s.name}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field-error=move || error().is_some()>
            <label for=id>{move || i18n.t("process.executor")}</label>
            {move || error().map(|m| view! { <ErrorMessage id=error_id.clone() message=m /> })}
            <select id=id
                aria-describedby=move || error().is_some().then(|| described.clone())
                aria-invalid=move || error().is_some().then_some("true")
                on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{move || i18n.t("process.choose")}</option>
                {options}
            </select>
        </div>
    }
}

/// The head names another executor, saying why.
#[component]
fn Reassign(executors: Vec<StaffView>, form: StepForm, on_reassign: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reason_error = move || for_field(&form.problems.get(), "reassign-reason");
    view! {
        <details class="reassign">
            <summary>{move || i18n.t("process.reassign_title")}</summary>
            <form class="narrow" novalidate on:submit=move |ev| { ev.prevent_default(); on_reassign.run(()); }>
                <ExecutorSelect id="reassign-executor" executors value=form.reassign_to problems=form.problems />
                <div class="field" class:field-error=move || reason_error().is_some()>
                    <label for="reassign-reason">{move || i18n.t("process.reassign_reason")}</label>
                    {move || reason_error().map(|m| view! { <ErrorMessage id="reassign-reason-error" message=m /> })}
                    <textarea id="reassign-reason" rows="2"
                        aria-describedby=move || reason_error().is_some().then_some("reassign-reason-error")
                        aria-invalid=move || reason_error().is_some().then_some("true")
                        prop:value=move || form.reassign_reason.get()
                        on:input=move |ev| form.reassign_reason.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" aria-disabled=move || form.busy.get().then_some("true")>
                    {move || i18n.t("process.reassign_button")}
                </button>
            </form>
        </details>
    }
}

/// The regulation's steps, the current one marked.
#[component]
fn StepList(steps: Vec<ProcessStep>, at: Option<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let items = steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let performer = format!("performer.{}", s.performer.code());
            let action = format!("process.action.{}", s.action.code());
            let time = s.time;
            view! {
                <li aria-current=(Some(i) == at).then_some("step") class:current-step=Some(i) == at>
                    <strong>{move || i18n.t(&performer)}</strong> " "
                    {move || i18n.t(&action)} " — " {move || time_text(i18n, time)}
                    <br /><small lang="kk">{s.source}</small>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="process-steps">
            <summary>{move || i18n.t("process.steps")}</summary>
            <ol>{items}</ol>
        </details>
    }
}

/// What was done, oldest first.
#[component]
fn Log(log: Vec<StepLogView>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = log.is_empty();
    let items = log
        .into_iter()
        .map(|l| {
            let at = l.at.clone();
            let what = move || {
                let executor = l.executor.clone().unwrap_or_default();
                let mut text = i18n.t_with(
                    &format!("process.event.{}", l.event.code()),
                    &[("executor", executor)],
                );
                if let Some(note) = &l.note {
                    text = format!("{text}: {note}");
                }
                i18n.t_with(
                    "process.log_entry",
                    &[
                        ("n", (l.step + 1).to_string()),
                        ("who", l.by.clone()),
                        ("role", i18n.t(&format!("performer.{}", l.role.code()))),
                        ("what", text),
                    ],
                )
            };
            view! {
                <li><time datetime=at.clone()>{let at = at.clone(); move || i18n.moment(&at)}</time> " — " {what}</li>
            }
        })
        .collect_view();
    (!empty).then(|| {
        view! {
            <h3>{move || i18n.t("process.log")}</h3>
            <ol class="process-log">{items}</ol>
        }
    })
}
