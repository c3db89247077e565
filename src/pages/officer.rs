//! The officer console: the provider's queue, and one request with its answers, files,
//! history and the actions the status machine allows — intermediate steps, and decisions
//! signed with the officer's EDS in the browser.

use crate::api::{self, ApiError};
use crate::components::account_forms::{for_field, from_api, message};
use crate::components::form::{ErrorMessage, ErrorSummary, Problem, field_frame, focus_by_id};
use crate::components::key_fields::{FILE, KeyFields, KeyInput};
use crate::components::page_title::PageTitle;
use crate::components::timeline::{Timeline, icon};
use crate::i18n::{I18n, use_i18n};
use crate::signer::{Purpose, Signer};
use leptos::prelude::*;
use leptos_router::components::A;
use qyzmet_domain::api::{
    ApplicationView, DecisionDraft, DecisionSubmit, MoveRequest, OfficerRequestView, QueueItem,
    ServiceDetail,
};
use qyzmet_domain::appointment::Appointment;
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::status::Status;

fn due_text(i18n: I18n, item: &QueueItem) -> String {
    if item.status.is_final() {
        item.due_date.clone()
    } else if item.overdue {
        i18n.t_with("officer.overdue", &[("date", item.due_date.clone())])
    } else {
        format!(
            "{} ({})",
            item.due_date,
            i18n.t_count("officer.days_left", item.days_left)
        )
    }
}

fn status_view(i18n: I18n, status: Status) -> impl IntoView {
    view! {
        <span class=format!("status status-{}", status.code())>
            <span aria-hidden="true">{icon(status)}</span> " "
            {move || i18n.t(&format!("status.{}", status.code()))}
        </span>
    }
}

#[component]
pub fn Queue() -> impl IntoView {
    let i18n = use_i18n();
    let queue = LocalResource::new(move || {
        let lang = i18n.lang();
        async move { api::officer_queue(lang).await }
    });
    // Filters narrow the loaded queue at once (a provider's open requests fit one answer).
    let status_filter = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let overdue_only = RwSignal::new(false);
    let admits = move |item: &qyzmet_domain::api::QueueItem| {
        let text = search.get().trim().to_lowercase();
        let status = status_filter.get();
        (status.is_empty() || item.status.code() == status)
            && (!overdue_only.get() || item.overdue)
            && (text.is_empty()
                || item.registration_number.to_lowercase().contains(&text)
                || item.applicant_name.to_lowercase().contains(&text)
                || item.applicant_id.contains(&text))
    };
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("officer.queue.title")) />
        <crate::components::other_sessions::OtherSessions />
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="queue-search">{move || i18n.t("officer.filter.search")}</label>
                <input id="queue-search" type="search" autocomplete="off" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="queue-status">{move || i18n.t("cabinet.filter_status")}</label>
                <select id="queue-status" on:change=move |ev| status_filter.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("cabinet.all")}</option>
                    {Status::ALL.into_iter().filter(|s| *s != Status::Draft).map(|s| view! {
                        <option value=s.code()>{move || i18n.t(&format!("status.{}", s.code()))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field radio">
                <input type="checkbox" id="queue-overdue" prop:checked=move || overdue_only.get()
                    on:change=move |ev| overdue_only.set(event_target_checked(&ev)) />
                <label for="queue-overdue">{move || i18n.t("officer.filter.overdue")}</label>
            </div>
        </form>
        <Transition fallback=move || view! { <p role="status">{move || i18n.t("home.loading")}</p> }>
            {move || queue.get().map(|result| match result {
                Ok(mut q) => {
                    q.requests.retain(|item| admits(item));
                    let counts = q.counts.iter().map(|(code, n)| {
                        let (code, n) = (code.clone(), *n);
                        view! { <li>{move || i18n.t(&format!("status.{code}"))} ": " <strong>{n}</strong></li> }
                    }).collect_view();
                    let empty = q.requests.is_empty();
                    let rows = q.requests.into_iter().map(|item| {
                        let due = due_text(i18n, &item);
                        view! {
                            <tr class:overdue=item.overdue>
                                <td><A href=format!("/officer/requests/{}", item.id)>{item.registration_number.clone()}</A></td>
                                <td>{item.service_name.clone()}</td>
                                <td>{format!("{} ({})", item.applicant_name, item.applicant_id)}</td>
                                <td>{status_view(i18n, item.status)}</td>
                                <td>{due}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <ul class="counts">{counts}</ul>
                        {empty.then(|| view! { <p>{move || i18n.t("officer.queue.empty")}</p> })}
                        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="queue-caption">
                            <table class="queue">
                                <caption id="queue-caption">{move || i18n.t("officer.queue.caption")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t("officer.col.number")}</th>
                                        <th scope="col">{move || i18n.t("officer.col.service")}</th>
                                        <th scope="col">{move || i18n.t("officer.col.applicant")}</th>
                                        <th scope="col">{move || i18n.t("officer.col.status")}</th>
                                        <th scope="col">{move || i18n.t("officer.col.due")}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }
                Err(e) => {
                    let key = e.message_key();
                    view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
pub fn OfficerRequest() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::route::application_id();
    let current = RwSignal::new(None::<OfficerRequestView>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let busy = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let appointment_at = RwSignal::new(String::new());
    let appointment_place = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let reason = RwSignal::new(String::new());
    let announcement = RwSignal::new(String::new());
    let key = KeyInput::new();
    let load_error = RwSignal::new(None::<String>);
    let load = move || {
        let (id, lang) = (id(), i18n.lang());
        leptos::task::spawn_local(async move {
            match api::officer_request(&id, lang).await {
                Ok(view) => current.set(Some(view)),
                Err(e) => load_error.set(Some(e.message_key())),
            }
        });
    };
    Effect::new(move |_| load());

    let after = move |result: Result<OfficerRequestView, Vec<Problem>>| {
        match result {
            Ok(view) => {
                let status = i18n.t(&format!("status.{}", view.application.status.code()));
                announcement.set(i18n.t_with("request.live", &[("status", status)]));
                problems.set(Vec::new());
                note.set(String::new());
                current.set(Some(view));
                request_animation_frame(|| focus_by_id("officer-announcement"));
            }
            Err(found) => {
                problems.set(found);
                // A 409 means someone else moved it: show what it is now.
                load();
            }
        }
        busy.set(false);
    };

    let make_move = move |to: Status| {
        if busy.get_untracked() {
            return;
        }
        let Some(view) = current.get_untracked() else {
            return;
        };
        let appointment = (to == Status::TestingScheduled).then(|| Appointment {
            at: appointment_at.get_untracked(),
            place: appointment_place.get_untracked(),
        });
        if let Some(a) = &appointment {
            // The same check the server makes, before anything is sent.
            let errors = a.check(crate::kz_time::now_in_kazakhstan());
            if !errors.is_empty() {
                problems.set(appointment_problems(i18n, &errors));
                return;
            }
        }
        busy.set(true);
        let req = MoveRequest {
            from: view.application.status,
            to,
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            appointment,
        };
        let (id, lang) = (id(), i18n.lang());
        leptos::task::spawn_local(async move {
            after(
                api::officer_move(&id, &req, lang)
                    .await
                    .map_err(|e| from_api(i18n, &e, "note")),
            );
        });
    };

    let decide = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let chosen = outcome.get_untracked();
        if chosen.is_none() {
            found.push(Problem {
                field: "outcome-satisfied".into(),
                message: message(i18n, "form.choice", &[]),
            });
        }
        if chosen == Some(Outcome::Refused) && reason.get_untracked().trim().is_empty() {
            found.push(Problem {
                field: "reason".into(),
                message: message(i18n, "status.reason_required", &[]),
            });
        }
        let key_input = key.read(i18n);
        if let Err(more) = &key_input {
            found.extend(more.clone());
        }
        let (Some(chosen), Ok((file, password)), true) = (chosen, key_input, found.is_empty())
        else {
            problems.set(found);
            return;
        };
        busy.set(true);
        let draft = DecisionDraft {
            outcome: chosen,
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        let (id, lang) = (id(), i18n.lang());
        leptos::task::spawn_local(async move {
            let result = sign_and_decide(i18n, &id, &draft, file, password, lang).await;
            if result.is_ok() {
                key.password.set(String::new());
            }
            after(result);
        });
    };

    // The service's form labels the answers; fetched once per service and language, not
    // after every move.
    let service_id =
        Memo::new(move |_| current.with(|v| v.as_ref().map(|v| v.application.service_id.clone())));
    let service = LocalResource::new(move || {
        let (id, lang) = (service_id.get(), i18n.lang());
        async move {
            match id {
                Some(id) => api::service(&id, lang).await.ok(),
                None => None,
            }
        }
    });
    let on_move = Callback::new(make_move);
    let on_decide = Callback::new(decide);

    let title = Signal::derive(move || match current.get() {
        Some(v) => i18n.t_with("request.title", &[("number", v.item.registration_number)]),
        None => i18n.t("request.title_loading"),
    });
    view! {
        <PageTitle text=title error=Signal::derive(move || !problems.get().is_empty()) />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <p id="officer-announcement" role="status" tabindex="-1" class="live-announcement" hidden=move || announcement.get().is_empty()>
            {move || announcement.get()}
        </p>
        {move || load_error.get().map(|key| view! { <div class="notice notice-error" role="alert"><p>{i18n.t(&key)}</p></div> })}
        {move || current.get().map(|view| {
            let can_decide = view.allowed_moves.iter().any(|s| matches!(s, Status::Satisfied | Status::Refused));
            let has_steps = !view.allowed_moves.is_empty();
            let form = MoveForm { busy, problems, note, appointment_at, appointment_place };
            view! {
                <RequestFacts item=view.item.clone() />
                <RequestAnswers application=view.application.clone() service=service />
                {has_steps.then(|| view! {
                    <MoveActions allowed=view.allowed_moves.clone() from=view.application.status form=form on_move=on_move />
                })}
                {can_decide.then(|| view! {
                    <DecisionForm busy=busy problems=problems outcome=outcome reason=reason key=key on_submit=on_decide />
                })}
                <section aria-labelledby="officer-timeline-title">
                    <h2 id="officer-timeline-title">{move || i18n.t("request.timeline")}</h2>
                    <Timeline history=view.history.clone() />
                </section>
            }
        })}
    }
}

/// The appointment's problems for the summary, each naming its field ("Place: …").
fn appointment_problems(i18n: I18n, errors: &[qyzmet_domain::form::FieldError]) -> Vec<Problem> {
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

/// Forms the decision document on the server, signs it with the officer's key in the
/// browser's worker, and submits the signature: the request as it now stands, or the
/// problems to show.
async fn sign_and_decide(
    i18n: I18n,
    id: &str,
    draft: &DecisionDraft,
    file: leptos::web_sys::File,
    password: String,
    lang: qyzmet_domain::Lang,
) -> Result<OfficerRequestView, Vec<Problem>> {
    let formed = api::decision_document(id, draft, lang)
        .await
        .map_err(|e| from_api(i18n, &e, FILE))?;
    let bytes = crate::signer::decode_base64(&formed.document)
        .ok_or_else(|| from_api(i18n, &ApiError::Network, FILE))?;
    let signature = Signer::KeyFile { file, password }
        .sign(&bytes, Purpose::Signing)
        .await
        .map_err(|e| {
            vec![Problem {
                field: e
                    .field(FILE, crate::components::key_fields::PASSWORD)
                    .into(),
                message: message(i18n, &e.code, &[]),
            }]
        })?;
    api::decide(
        id,
        &DecisionSubmit {
            document: formed.document,
            signature,
        },
        lang,
    )
    .await
    .map_err(|e| from_api(i18n, &e, FILE))
}

/// Service, applicant, status and term of a request.
#[component]
fn RequestFacts(item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="summary">
            <dt>{move || i18n.t("sign.service")}</dt><dd>{item.service_name.clone()}</dd>
            <dt>{move || i18n.t("sign.applicant")}</dt><dd>{format!("{} ({})", item.applicant_name, item.applicant_id)}</dd>
            <dt>{move || i18n.t("request.status")}</dt><dd>{status_view(i18n, item.status)}</dd>
            <dt>{move || i18n.t("request.term")}</dt><dd>{due_text(i18n, &item)}</dd>
        </dl>
    }
}

/// The applicant's answers, labelled from the service's form in the officer's language, and
/// the files: images preview on the page; a PDF opens in the browser's own viewer.
#[component]
fn RequestAnswers(
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
        let url = format!("/api/applications/{}/attachments/{}", application.id, a.document_id);
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
struct MoveForm {
    busy: RwSignal<bool>,
    problems: RwSignal<Vec<Problem>>,
    note: RwSignal<String>,
    appointment_at: RwSignal<String>,
    appointment_place: RwSignal<String>,
}

/// The intermediate steps the status machine allows from here (take into review, ask the
/// interested body, schedule testing), with the note and, for testing, the appointment.
#[component]
fn MoveActions(
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

/// The decision: satisfied or refused (with its reason), signed with the officer's key.
#[component]
fn DecisionForm(
    busy: RwSignal<bool>,
    problems: RwSignal<Vec<Problem>>,
    outcome: RwSignal<Option<Outcome>>,
    reason: RwSignal<String>,
    key: KeyInput,
    on_submit: Callback<leptos::ev::SubmitEvent>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason_error = move || for_field(&problems.get(), "reason");
    view! {
        <section aria-labelledby="decision-form-title">
            <h2 id="decision-form-title">{move || i18n.t("officer.decision")}</h2>
            <form class="narrow" novalidate on:submit=move |ev| on_submit.run(ev)>
                <fieldset class="field" aria-describedby=move || for_field(&problems.get(), "outcome-satisfied").map(|_| "outcome-error")>
                    <legend>{move || i18n.t("officer.outcome")}</legend>
                    {move || for_field(&problems.get(), "outcome-satisfied").map(|m| view! { <ErrorMessage id="outcome-error" message=m /> })}
                    <div class="radio">
                        <input type="radio" id="outcome-satisfied" name="outcome" on:change=move |_| outcome.set(Some(Outcome::Satisfied)) />
                        <label for="outcome-satisfied">{move || i18n.t("officer.outcome.satisfied")}</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="outcome-refused" name="outcome" on:change=move |_| outcome.set(Some(Outcome::Refused)) />
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
                <KeyFields key=key problems=problems hint=Signal::derive(move || i18n.t("sign.key_hint")) />
                <button type="submit" aria-disabled=move || busy.get().then_some("true")>{move || i18n.t("officer.sign_decision")}</button>
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
