//! One request of the provider: what the officer reads and the moves they make.

use super::panels::{
    DecisionForm, MoveActions, MoveForm, RequestAnswers, RequestFacts, appointment_problems,
};
use super::process::{ProcessPanel, StepForm, step_text};
use crate::api::{self, ApiError};
use crate::components::account_forms::{from_api, message};
use crate::components::form::{ErrorSummary, Problem, focus_by_id};
use crate::components::key_fields::{FILE, KeyInput};
use crate::components::page_title::PageTitle;
use crate::components::timeline::Timeline;
use crate::i18n::{I18n, use_i18n};
use crate::signer::{Purpose, Signer};
use leptos::prelude::*;
use qyzmet_domain::api::{
    DecisionDraft, DecisionSubmit, MoveRequest, OfficerRequestView, ReassignRequest, StepRequest,
};
use qyzmet_domain::appointment::Appointment;
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::process::StepKind;
use qyzmet_domain::status::Status;

/// What the request's page holds: the request as last read, what the officer is typing,
/// and the page's problems and busy flag. Copy, so every handler can take it.
#[derive(Clone, Copy)]
struct Desk {
    i18n: I18n,
    id: Memo<String>,
    current: RwSignal<Option<OfficerRequestView>>,
    load_error: RwSignal<Option<String>>,
    problems: RwSignal<Vec<Problem>>,
    busy: RwSignal<bool>,
    announcement: RwSignal<String>,
    moves: MoveForm,
    steps: StepForm,
    outcome: RwSignal<Option<Outcome>>,
    reason: RwSignal<String>,
    key: KeyInput,
}

impl Desk {
    fn new(i18n: I18n) -> Desk {
        let route_id = crate::route::application_id();
        let (problems, busy) = (RwSignal::new(Vec::new()), RwSignal::new(false));
        Desk {
            i18n,
            id: Memo::new(move |_| route_id()),
            current: RwSignal::new(None),
            load_error: RwSignal::new(None),
            problems,
            busy,
            announcement: RwSignal::new(String::new()),
            moves: MoveForm {
                busy,
                problems,
                note: RwSignal::new(String::new()),
                appointment_at: RwSignal::new(String::new()),
                appointment_place: RwSignal::new(String::new()),
            },
            steps: StepForm {
                busy,
                problems,
                executor: RwSignal::new(String::new()),
                reassign_to: RwSignal::new(String::new()),
                reassign_reason: RwSignal::new(String::new()),
                representative: RwSignal::new(String::new()),
            },
            outcome: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            key: KeyInput::new(),
        }
    }

    /// The request as read: shown, and what the executor prepared filled into the head's
    /// decision form.
    fn show(self, view: OfficerRequestView) {
        if let Some(p) = &view.process.prepared {
            self.outcome.set(Some(p.outcome));
            self.reason.set(p.reason.clone().unwrap_or_default());
        }
        self.current.set(Some(view));
    }

    /// Reads the request (again).
    fn load(self) {
        let (id, lang) = (self.id.get(), self.i18n.lang());
        leptos::task::spawn_local(async move {
            match api::officer_request(&id, lang).await {
                Ok(view) => self.show(view),
                Err(e) => self.load_error.set(Some(e.message_key())),
            }
        });
    }

    /// After a move, a step or a decision: announce the new status and step, or show the
    /// problems.
    fn after(self, result: Result<OfficerRequestView, Vec<Problem>>) {
        match result {
            Ok(view) => {
                let i18n = self.i18n;
                let status = i18n.t(&format!("status.{}", view.application.status.code()));
                let step = match &view.process.current {
                    Some(c) => step_text(i18n, c.index, c),
                    None => i18n.t("process.finished"),
                };
                let text = format!(
                    "{} {}",
                    i18n.t_with("request.live", &[("status", status)]),
                    i18n.t_with("process.announce", &[("step", step)])
                );
                self.announcement.set(text);
                self.problems.set(Vec::new());
                self.moves.note.set(String::new());
                self.steps.reassign_reason.set(String::new());
                self.show(view);
                request_animation_frame(|| focus_by_id("officer-announcement"));
            }
            Err(found) => {
                self.problems.set(found);
                // A 409 means someone else moved it: show what it is now.
                self.load();
            }
        }
        self.busy.set(false);
    }

    /// An intermediate step (take into review, ask the interested body, schedule testing).
    fn make_move(self, to: Status) {
        let i18n = self.i18n;
        let Some(view) = self
            .current
            .get_untracked()
            .filter(|_| !self.busy.get_untracked())
        else {
            return;
        };
        let appointment = (to == Status::TestingScheduled).then(|| Appointment {
            at: self.moves.appointment_at.get_untracked(),
            place: self.moves.appointment_place.get_untracked(),
        });
        if let Some(a) = &appointment {
            // The same check the server makes, before anything is sent.
            let errors = a.check(crate::kz_time::now_in_kazakhstan());
            if !errors.is_empty() {
                self.problems.set(appointment_problems(i18n, &errors));
                return;
            }
        }
        self.busy.set(true);
        let note = self.moves.note.get_untracked();
        let req = MoveRequest {
            from: view.application.status,
            to,
            note: Some(note).filter(|n| !n.trim().is_empty()),
            appointment,
        };
        let (id, lang) = (self.id.get_untracked(), i18n.lang());
        leptos::task::spawn_local(async move {
            let moved = api::officer_move(&id, &req, lang).await;
            self.after(moved.map_err(|e| from_api(i18n, &e, "note")));
        });
    }

    /// The reader's own step of the process: passed on, the executor named, the result
    /// prepared for the head's signature, or given out at the counter.
    fn complete_step(self) {
        self.send_step(false);
    }

    /// An uncollected result, past its keeping period, returned to the provider.
    fn return_result(self) {
        self.send_step(true);
    }

    fn send_step(self, returned: bool) {
        let i18n = self.i18n;
        let Some(view) = self
            .current
            .get_untracked()
            .filter(|_| !self.busy.get_untracked())
        else {
            return;
        };
        let Some(step) = view.process.current.as_ref().map(|c| c.index) else {
            return;
        };
        let representative = self.steps.representative.get_untracked();
        let mut req = StepRequest {
            step,
            handed_over: (view.process.gives_out && !returned).then(|| {
                qyzmet_domain::api::HandOver {
                    representative: Some(representative).filter(|r| !r.trim().is_empty()),
                }
            }),
            returned,
            executor: None,
            outcome: None,
            reason: None,
        };
        match view.process.kind {
            Some(StepKind::Assign) => {
                req.executor = self.steps.executor.get_untracked().parse().ok();
                if req.executor.is_none() {
                    self.problems.set(vec![Problem {
                        field: "executor".into(),
                        message: message(i18n, "process.executor_required", &[]),
                    }]);
                    return;
                }
            }
            Some(StepKind::Prepare) => {
                let (chosen, reason) = (self.outcome.get_untracked(), self.reason.get_untracked());
                let found = decision_problems(i18n, chosen, &reason);
                if !found.is_empty() {
                    self.problems.set(found);
                    return;
                }
                req.outcome = chosen;
                req.reason = Some(reason).filter(|r| !r.trim().is_empty());
            }
            _ => {}
        }
        self.busy.set(true);
        let (id, lang) = (self.id.get_untracked(), i18n.lang());
        leptos::task::spawn_local(async move {
            let done = api::officer_step(&id, &req, lang).await;
            self.after(done.map_err(|e| from_api(i18n, &e, "executor")));
        });
    }

    /// The head names another executor, with the reason.
    fn reassign(self) {
        let i18n = self.i18n;
        if self.busy.get_untracked() {
            return;
        }
        let executor = self.steps.reassign_to.get_untracked().parse().ok();
        let reason = self.steps.reassign_reason.get_untracked();
        let mut found = Vec::new();
        if executor.is_none() {
            found.push(Problem {
                field: "reassign-executor".into(),
                message: message(i18n, "process.executor_required", &[]),
            });
        }
        if reason.trim().is_empty() {
            found.push(Problem {
                field: "reassign-reason".into(),
                message: message(i18n, "form.required", &[]),
            });
        }
        let (Some(executor), true) = (executor, found.is_empty()) else {
            self.problems.set(found);
            return;
        };
        self.busy.set(true);
        let req = ReassignRequest { executor, reason };
        let (id, lang) = (self.id.get_untracked(), i18n.lang());
        leptos::task::spawn_local(async move {
            let done = api::officer_reassign(&id, &req, lang).await;
            self.after(done.map_err(|e| from_api(i18n, &e, "reassign-reason")));
        });
    }

    /// The decision form's own checks, then the signed decision.
    fn decide(self) {
        if self.busy.get_untracked() {
            return;
        }
        let i18n = self.i18n;
        let chosen = self.outcome.get_untracked();
        let reason = self.reason.get_untracked();
        let mut found = decision_problems(i18n, chosen, &reason);
        let key_input = self.key.read(i18n);
        if let Err(more) = &key_input {
            found.extend(more.clone());
        }
        let (Some(chosen), Ok((file, password)), true) = (chosen, key_input, found.is_empty())
        else {
            self.problems.set(found);
            return;
        };
        self.busy.set(true);
        let draft = DecisionDraft {
            outcome: chosen,
            reason: Some(reason).filter(|r| !r.trim().is_empty()),
        };
        let (id, lang) = (self.id.get_untracked(), i18n.lang());
        leptos::task::spawn_local(async move {
            let result = sign_and_decide(i18n, &id, &draft, file, password, lang).await;
            if result.is_ok() {
                self.key.password.set(String::new());
            }
            self.after(result);
        });
    }
}

/// An outcome is chosen, and a refusal gives its reason.
fn decision_problems(i18n: I18n, chosen: Option<Outcome>, reason: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    if chosen.is_none() {
        found.push(Problem {
            field: "outcome-satisfied".into(),
            message: message(i18n, "form.choice", &[]),
        });
    }
    if chosen == Some(Outcome::Refused) && reason.trim().is_empty() {
        found.push(Problem {
            field: "reason".into(),
            message: message(i18n, "status.reason_required", &[]),
        });
    }
    found
}

#[component]
pub fn OfficerRequest() -> impl IntoView {
    let i18n = use_i18n();
    let desk = Desk::new(i18n);
    Effect::new(move |_| desk.load());
    let Desk {
        current,
        problems,
        busy,
        announcement,
        load_error,
        ..
    } = desk;
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
    let on_move = Callback::new(move |to| desk.make_move(to));
    let on_decide = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        desk.decide();
    });
    let on_prepare = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        desk.complete_step();
    });
    let on_step = Callback::new(move |()| desk.complete_step());
    let on_reassign = Callback::new(move |()| desk.reassign());
    let on_return = Callback::new(move |()| desk.return_result());
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
            // The result is prepared (by the executor, for the head) or signed (by whoever
            // makes the decision step), as the process has it.
            let result_step = view.process.may_complete.then_some(view.process.kind).flatten();
            let has_moves = view.allowed_moves.iter().any(|s| !matches!(s, Status::Satisfied | Status::Refused));
            view! {
                <RequestFacts item=view.item.clone() payment=view.payment.clone() />
                <ProcessPanel process=view.process.clone() form=desk.steps on_step on_reassign on_return />
                <RequestAnswers application=view.application.clone() service=service />
                {has_moves.then(|| view! {
                    <MoveActions allowed=view.allowed_moves.clone() from=view.application.status form=desk.moves on_move=on_move />
                })}
                {match result_step {
                    Some(StepKind::Decide) => Some(view! {
                        <DecisionForm busy=busy problems=problems outcome=desk.outcome reason=desk.reason key=desk.key signed=true on_submit=on_decide />
                    }.into_any()),
                    Some(StepKind::Prepare) => Some(view! {
                        <DecisionForm busy=busy problems=problems outcome=desk.outcome reason=desk.reason key=desk.key signed=false on_submit=on_prepare />
                    }.into_any()),
                    _ => None,
                }}
                <section aria-labelledby="officer-timeline-title">
                    <h2 id="officer-timeline-title">{move || i18n.t("request.timeline")}</h2>
                    <Timeline history=view.history.clone() />
                </section>
            }
        })}
    }
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
