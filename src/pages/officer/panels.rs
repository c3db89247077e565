//! The parts of one request's page: its facts, the applicant's answers and files, the
//! intermediate moves, and the decision form.

use super::{due_text, status_view};
use crate::components::account_forms::{for_field, message};
use crate::components::form::{ErrorMessage, Problem, field_frame};
use crate::components::key_fields::{KeyFields, KeyInput};
use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use qyzmet_domain::api::{ApplicationView, PaymentStatus, PaymentView, QueueItem, ServiceDetail};
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::status::Status;

/// Service, applicant, status and term of a request.
#[component]
pub(super) fn RequestFacts(item: QueueItem, payment: Option<PaymentView>) -> impl IntoView {
    let i18n = use_i18n();
    // Whether the fee was paid, and when: the officer checks it before deciding.
    let fee = payment.map(|p| {
        let state = move || match (p.status, &p.paid_at) {
            (PaymentStatus::Paid, Some(at)) => {
                i18n.t_with("payment.paid_at", &[("time", i18n.moment(at))])
            }
            (PaymentStatus::Paid, None) => i18n.t("payment.paid"),
            (PaymentStatus::Pending, _) => i18n.t("payment.not_paid"),
        };
        let amount = p.amount_tenge as i64;
        view! {
            <dt>{move || i18n.t("payment.status")}</dt>
            <dd id="officer-fee">{move || i18n.t_with("officer.fee_amount", &[
                ("amount", crate::i18n::format_number(i18n.lang(), amount)),
                ("state", state()),
            ])}</dd>
        }
    });
    view! {
        <dl class="summary">
            <dt>{move || i18n.t("sign.service")}</dt><dd>{item.service_name.clone()}</dd>
            <dt>{move || i18n.t("sign.applicant")}</dt><dd>{format!("{} ({})", item.applicant_name, item.applicant_id)}</dd>
            <dt>{move || i18n.t("request.status")}</dt><dd>{status_view(i18n, item.status)}</dd>
            <dt>{move || i18n.t("request.term")}</dt><dd>{due_text(i18n, &item)}</dd>
            {fee}
        </dl>
    }
}

/// The applicant's answers, labelled from the service's form in the officer's language, and
/// the files: images preview on the page; a PDF opens in the browser's own viewer.
#[component]
pub(super) fn RequestAnswers(
    application: ApplicationView,
    service: LocalResource<Option<ServiceDetail>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (variant_id, answers_map) = (application.variant_id.clone(), application.answers.clone());
    let answers = move || {
        let fields: Vec<qyzmet_domain::form::Field> = service
            .get()
            .flatten()
            .and_then(|d| d.variants.into_iter().find(|v| v.id == variant_id))
            .and_then(|v| v.form)
            .map(|f| f.steps.into_iter().flat_map(|s| s.fields).collect())
            .unwrap_or_default();
        crate::components::answers_table::rows(i18n, &fields, &answers_map, None, None)
    };
    let files = application.attachments.iter().map(|a| {
        let url = qyzmet_domain::route::api::attachment(&application.id, &a.document_id);
        let image = a.content_type.starts_with("image/");
        let name = a.file_name.clone();
        view! {
            <li>
                <a href=format!("{url}?inline=true") target="_blank" rel="noopener">
                    {a.file_name.clone()}
                    <span class="visually-hidden">{move || i18n.t("officer.opens_new_tab")}</span>
                </a>
                " · "
                <a href=url.clone() download="">{move || i18n.t("officer.download")}<span class="visually-hidden">{format!(" {name}")}</span></a>
                {image.then(|| view! {
                    <details class="preview">
                        <summary>{move || i18n.t("officer.preview")}</summary>
                        <img src=format!("{url}?inline=true") alt=a.file_name.clone() loading="lazy" />
                    </details>
                })}
            </li>
        }
    }).collect_view();
    view! {
        <section aria-labelledby="answers-title">
            <h2 id="answers-title">{move || i18n.t("officer.answers")}</h2>
            <dl class="summary">{answers}</dl>
            <h3>{move || i18n.t("sign.files")}</h3>
            <ul>{files}</ul>
        </section>
    }
}

/// What the intermediate moves read: the note, the testing appointment, and the page's
/// busy flag and problems.
#[derive(Clone, Copy)]
pub(super) struct MoveForm {
    pub(super) busy: RwSignal<bool>,
    pub(super) problems: RwSignal<Vec<Problem>>,
    pub(super) note: RwSignal<String>,
    pub(super) appointment_at: RwSignal<String>,
    pub(super) appointment_place: RwSignal<String>,
}

/// The intermediate steps the status machine allows from here (take into review, ask the
/// interested body, schedule testing), with the note and, for testing, the appointment.
#[component]
pub(super) fn MoveActions(
    allowed: Vec<Status>,
    from: Status,
    form: MoveForm,
    on_move: Callback<Status>,
) -> impl IntoView {
    let i18n = use_i18n();
    let MoveForm {
        busy,
        problems,
        note,
        appointment_at,
        appointment_place,
    } = form;
    let can_schedule = allowed.contains(&Status::TestingScheduled);
    let step_buttons = allowed
        .into_iter()
        .filter(|s| !matches!(s, Status::Satisfied | Status::Refused))
        .map(|to| {
            // Back from the interested body, "take into review" is recording its answer.
            let key = if from == Status::AwaitingInterestedBody && to == Status::InReview {
                "officer.move.interested_body_answered".to_string()
            } else {
                format!("officer.move.{}", to.code())
            };
            view! {
                <button type="button" on:click=move |_| on_move.run(to) aria-disabled=move || busy.get().then_some("true")>
                    {move || i18n.t(&key)}
                </button>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="actions-title">
            <h2 id="actions-title">{move || i18n.t("officer.actions")}</h2>
            <div class="field">
                <label for="note">{move || i18n.t("officer.note")}</label>
                <p class="hint" id="note-hint">{move || i18n.t("officer.note_hint")}</p>
                <textarea id="note" rows="3" aria-describedby="note-hint"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            {can_schedule.then(|| view! {
                <fieldset class="field">
                    <legend>{move || i18n.t("officer.appointment")}</legend>
                    <p class="hint" id="appointment-hint">{move || i18n.t("officer.appointment_hint")}</p>
                    {appointment_field(i18n, problems, "appointment.at", "officer.appointment_at", "datetime-local", appointment_at)}
                    {appointment_field(i18n, problems, "appointment.place", "officer.appointment_place", "text", appointment_place)}
                </fieldset>
            })}
            <div class="button-row">{step_buttons}</div>
        </section>
    }
}

/// The result: satisfied or refused (with its reason) — prepared by the executor for the
/// head (`signed` false), or signed with the EDS of whoever decides (`signed` true; the
/// head signs what the executor prepared, filled in).
#[component]
pub(super) fn DecisionForm(
    busy: RwSignal<bool>,
    problems: RwSignal<Vec<Problem>>,
    outcome: RwSignal<Option<Outcome>>,
    reason: RwSignal<String>,
    key: KeyInput,
    signed: bool,
    on_submit: Callback<leptos::ev::SubmitEvent>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason_error = move || for_field(&problems.get(), "reason");
    let (title, button) = if signed {
        ("officer.decision", "officer.sign_decision")
    } else {
        ("process.prepare_title", "process.prepare_button")
    };
    view! {
        <section aria-labelledby="decision-form-title">
            <h2 id="decision-form-title">{move || i18n.t(title)}</h2>
            <form class="narrow" novalidate on:submit=move |ev| on_submit.run(ev)>
                <fieldset class="field" aria-describedby=move || for_field(&problems.get(), "outcome-satisfied").map(|_| "outcome-error")>
                    <legend>{move || i18n.t("officer.outcome")}</legend>
                    {move || for_field(&problems.get(), "outcome-satisfied").map(|m| view! { <ErrorMessage id="outcome-error" message=m /> })}
                    <div class="radio">
                        <input type="radio" id="outcome-satisfied" name="outcome" prop:checked=move || outcome.get() == Some(Outcome::Satisfied) on:change=move |_| outcome.set(Some(Outcome::Satisfied)) />
                        <label for="outcome-satisfied">{move || i18n.t("officer.outcome.satisfied")}</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="outcome-refused" name="outcome" prop:checked=move || outcome.get() == Some(Outcome::Refused) on:change=move |_| outcome.set(Some(Outcome::Refused)) />
                        <label for="outcome-refused">{move || i18n.t("officer.outcome.refused")}</label>
                    </div>
                </fieldset>
                <div class="field" class:field-error=move || reason_error().is_some()>
                    <label for="reason">{move || i18n.t("officer.reason")}</label>
                    <p class="hint" id="reason-hint">{move || i18n.t("officer.reason_hint")}</p>
                    {move || reason_error().map(|m| view! { <ErrorMessage id="reason-error" message=m /> })}
                    <textarea id="reason" rows="4"
                        aria-describedby=move || if reason_error().is_some() { "reason-hint reason-error" } else { "reason-hint" }
                        aria-invalid=move || reason_error().is_some().then_some("true")
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
                {signed.then(|| view! {
                    <p class="hint">{move || i18n.t("process.sign_prepared_hint")}</p>
                    <KeyFields key=key problems=problems hint=Signal::derive(move || i18n.t("sign.key_hint")) />
                })}
                <button type="submit" aria-disabled=move || busy.get().then_some("true")>{move || i18n.t(button)}</button>
            </form>
        </section>
    }
}

/// One input of the testing appointment, with its error tied to it.
fn appointment_field(
    i18n: crate::i18n::I18n,
    problems: RwSignal<Vec<Problem>>,
    id: &'static str,
    label: &'static str,
    input_type: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let error = Signal::derive(move || for_field(&problems.get(), id));
    let label = Signal::derive(move || i18n.t(label));
    // The fieldset's hint ("Kazakhstan time") describes both inputs.
    field_frame(
        id.to_string(),
        label,
        None,
        error,
        Some("appointment-hint".into()),
        false,
        move |described_by| {
            view! {
                <input id=id type=input_type
                    aria-describedby=move || described_by.get()
                    aria-invalid=move || error.get().is_some().then_some("true")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            }
            .into_any()
        },
    )
}

/// The appointment's problems for the summary, each naming its field ("Place: …").
pub(super) fn appointment_problems(
    i18n: I18n,
    errors: &[qyzmet_domain::form::FieldError],
) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| {
            let label = if e.field == "appointment.at" {
                "officer.appointment_at"
            } else {
                "officer.appointment_place"
            };
            Problem {
                field: e.field.clone(),
                message: format!("{}: {}", i18n.t(label), message(i18n, &e.code, &[])),
            }
        })
        .collect()
}
