//! One request as its applicant follows it: status (text and icon, never colour alone), due
//! date and days left, the timeline of every status change, the signed application to
//! download, and the decision — with "signed by … on …" only after the officer's signature
//! has been checked here, in the browser, against the portal's published CA and CRL.

use crate::api;
use crate::components::page_title::PageTitle;
use crate::components::signature_check::SignatureCheck;
use crate::components::timeline::{Timeline, icon};
use crate::i18n::{I18n, use_i18n};
use crate::kz_time::today;
use crate::page_data::PageData;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::prelude::Closure;
use qyzmet_domain::api::{ApplicationView, DecisionView, StatusEvent};
use qyzmet_domain::calendar::countdown;
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::route::api::{ApplicationPart, in_lang, of_application};
use qyzmet_domain::status::Status;

fn due_line(i18n: I18n, app: &ApplicationView) -> Option<String> {
    let date = qyzmet_domain::form::parse_date(app.due_date.as_deref()?)?;
    let due = i18n.date(date);
    if app.status.is_final() {
        return Some(i18n.t_with("request.due", &[("date", due)]));
    }
    let c = countdown(today(), date);
    Some(if c.overdue {
        i18n.t_with("request.overdue", &[("date", due)])
    } else {
        format!(
            "{} {}",
            i18n.t_with("request.due", &[("date", due)]),
            i18n.t_count("request.days_left", c.days_left)
        )
    })
}

/// The decision: its reason, the result (or refusal) to download and the officer's signature
/// checked here.
#[component]
fn Decision(id: String, decision: DecisionView) -> impl IntoView {
    let i18n = use_i18n();
    let heading = match decision.outcome {
        Outcome::Satisfied => "request.decision.satisfied",
        Outcome::Refused => "request.decision.refused",
    };
    let download = match decision.outcome {
        Outcome::Satisfied => "request.download_result",
        Outcome::Refused => "request.download_refusal",
    };
    view! {
        <section aria-labelledby="decision-title" class="panel">
            <h2 id="decision-title">{move || i18n.t(heading)}</h2>
            {decision.reason.clone().map(|r| view! {
                <p><strong>{move || i18n.t("request.decision.reason")}</strong> " " {r}</p>
            })}
            <p>
                <a href=move || in_lang(&of_application(&id, ApplicationPart::Result), i18n.lang()) download="">
                    {move || i18n.t(download)}
                </a>
            </p>
            <SignatureCheck decision=decision />
        </section>
    }
}

#[component]
pub fn Request() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::route::application_id();
    // The request the page came with; refetched for another language or when its status
    // changes.
    let handed = crate::handover::preloaded()
        .request
        .and_then(|sent| sent.read());
    let preloaded_reads = handed.as_ref().and_then(|r| r.reads.clone());
    let preloaded = handed
        .map(|r| (r.application, r.history, r.decision, r.service_name))
        .map(Ok);
    let fetched = PageData::new(
        preloaded,
        move || (id(), i18n.lang()),
        |(id, lang)| async move {
            let app = api::application(&id, lang).await?;
            let history = api::history(&id, lang).await?;
            let decision = if matches!(app.status, Status::Satisfied | Status::Refused) {
                api::decision(&id, lang).await.ok()
            } else {
                None
            };
            let services = api::services(lang).await?;
            let name = services
                .services
                .into_iter()
                .find(|s| s.id == app.service_id)
                .map(|s| s.name)
                .unwrap_or_default();
            Ok::<_, api::ApiError>((app, history, decision, name))
        },
    );
    let data = fetched.handed_over();
    // Live: the server pushes each status change of my requests (SSE); this page refetches
    // when one is about it. The change is announced once, when the page shows it: the new
    // status with what the newest history entry says (a reason, a testing appointment) —
    // however it came (the stream, or the applicant's own withdrawal), and however many
    // times it is told.
    let announcement = RwSignal::new(String::new());
    // Set when the applicant confirms a withdrawal, before the server answers: the stream's
    // event may bring the new status first, and the focus must move either way.
    let withdrawn_here = RwSignal::new(false);
    // Made here, not in the section it is given to: the stream's event may redraw the page
    // (and drop the section) before the withdrawal's own answer comes back.
    let withdrawn = Callback::new(move |_| fetched.refetch());
    Effect::new(move |shown: Option<Option<(Status, usize)>>| {
        let now = data.with(|d| match d {
            Some(Ok((app, history, ..))) => Some((app.status, history.history.len())),
            _ => None,
        });
        let before = shown.flatten();
        if let (Some(before), Some((status, _))) = (before, now)
            && before.0 != status
        {
            let mut text = i18n.t_with(
                "request.live",
                &[("status", i18n.t(&format!("status.{}", status.code())))],
            );
            let newest = data.with(|d| match d {
                Some(Ok((_, history, ..))) => history.history.last().cloned(),
                _ => None,
            });
            if let Some(entry) = newest {
                if let Some(a) = entry.appointment {
                    text = format!(
                        "{text} {}",
                        i18n.t_with(
                            "request.appointment",
                            &[("when", a.describe(&|key| i18n.t(key)))]
                        )
                    );
                }
                if let Some(note) = entry.note {
                    text = format!("{text} {note}");
                }
            }
            announcement.set(text);
            // The withdraw button the applicant pressed is gone: focus goes to the page's
            // heading, above the status that changed.
            if withdrawn_here.get_untracked() {
                withdrawn_here.set(false);
                request_animation_frame(|| {
                    if let Some(h1) = leptos::prelude::document()
                        .query_selector("main h1")
                        .ok()
                        .flatten()
                        && let Ok(h1) = h1.dyn_into::<leptos::web_sys::HtmlElement>()
                    {
                        let _ = h1.focus();
                    }
                });
            }
        }
        now.or(before)
    });
    if crate::handover::in_browser()
        && let Ok(source) = leptos::web_sys::EventSource::new(qyzmet_domain::route::api::EVENTS)
    {
        let on_status = Closure::<dyn FnMut(leptos::web_sys::MessageEvent)>::new(
            move |e: leptos::web_sys::MessageEvent| {
                let event = e
                    .data()
                    .as_string()
                    .and_then(|t| serde_json::from_str::<StatusEvent>(&t).ok());
                if event.is_some_and(|ev| ev.application_id == id()) {
                    fetched.refetch();
                }
            },
        );
        let _ =
            source.add_event_listener_with_callback("status", on_status.as_ref().unchecked_ref());
        let open = StoredValue::new_local((source, on_status));
        on_cleanup(move || open.with_value(|(source, _)| source.close()));
    }
    // The app came because this request's status changed while the server's page was read:
    // what came with the page is old, and the change is told like any other.
    if crate::handover::started_by_news() {
        fetched.refetch();
    }
    let title = Signal::derive(move || match data.get() {
        Some(Ok((app, ..))) => i18n.t_with(
            "request.title",
            &[("number", app.registration_number.unwrap_or_default())],
        ),
        _ => i18n.t("request.title_loading"),
    });
    view! {
        <PageTitle text=title />
        <p role="status" class="live-announcement" hidden=move || announcement.get().is_empty()>
            {move || announcement.get()}
        </p>
        // Not a <Transition>: the server renders a Suspense as its fallback, and this page's
        // data may already be here; a refetch keeps the old value until the new one comes.
        {move || data.get().map(|result| match result {
                Ok((app, history, decision, service_name)) => {
                    let status = app.status;
                    let due = due_line(i18n, &app);
                    let app_id = app.id.clone();
                    // While testing is scheduled, its time and place stand out above the timeline.
                    let appointment = (status == Status::TestingScheduled)
                        .then(|| history.history.iter().rev().find_map(|h| h.appointment.clone()))
                        .flatten();
                    let timeline = view! { <Timeline history=history.history /> };
                    view! {
                        <dl class="summary">
                            <dt>{move || i18n.t("sign.service")}</dt>
                            <dd>{service_name}</dd>
                            <dt>{move || i18n.t("request.status")}</dt>
                            <dd class=format!("status status-{}", status.code())>
                                <span aria-hidden="true">{icon(status)}</span> " "
                                {move || i18n.t(&format!("status.{}", status.code()))}
                            </dd>
                            <dt>{move || i18n.t("request.term")}</dt>
                            <dd>{due}</dd>
                        </dl>
                        {appointment.map(|a| view! {
                            <section class="panel" aria-labelledby="appointment-title">
                                <h2 id="appointment-title">{move || i18n.t("request.appointment_title")}</h2>
                                <p class="appointment">{move || a.describe(&|key| i18n.t(key))}</p>
                            </section>
                        })}
                        {decision.map(|d| view! { <Decision id=app_id.clone() decision=d /> })}
                        <section aria-labelledby="timeline-title">
                            <h2 id="timeline-title">{move || i18n.t("request.timeline")}</h2>
                            {timeline}
                        </section>
                        <ul class="downloads">
                            <li>
                                <a href={ let id = app.id.clone(); move || in_lang(&of_application(&id, ApplicationPart::Receipt), i18n.lang()) } download="">
                                    {move || i18n.t("request.download_receipt")}
                                </a>
                            </li>
                            <li>
                                <a href=of_application(&app.id, ApplicationPart::Signature) download="">
                                    {move || i18n.t("request.download_signature")}
                                </a>
                            </li>
                        </ul>
                        <WhoLooked id=app.id.clone() handed=preloaded_reads.clone() />
                        {(!status.is_final() && status != Status::Draft).then(|| view! { <Withdraw id=app.id.clone() pressed=withdrawn_here on_done=withdrawn /> })}
                    }.into_any()
                }
                Err(e) => {
                    let key = e.message_key();
                    view! { <div class="notice notice-error" role="alert"><p>{move || i18n.t(&key)}</p></div> }.into_any()
                }
            }).unwrap_or_else(|| view! { <p role="status">{move || i18n.t("home.loading")}</p> }.into_any())}
    }
}

/// "Who looked at my application": every read of it by the providers' staff (who, in
/// which role, for which body, when), as the personal-data law gives the applicant to know.
#[component]
fn WhoLooked(id: String, handed: Option<qyzmet_domain::api::DataReadList>) -> impl IntoView {
    let i18n = use_i18n();
    // What the server drew the page with is shown as it is; another language asks again.
    let reads = RwSignal::new(handed.map(Ok::<_, api::ApiError>));
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        let lang = i18n.lang();
        let drawn = first.get_value() && reads.with_untracked(|r| r.is_some());
        first.set_value(false);
        if drawn {
            return;
        }
        let id = id.clone();
        leptos::task::spawn_local(async move {
            reads.set(Some(api::reads(&id, lang).await));
        });
    });
    let list = move || {
        reads.get().map(|result| match result {
            Ok(list) if list.reads.is_empty() => {
                view! { <p>{move || i18n.t("reads.none")}</p> }.into_any()
            }
            Ok(list) => {
                let items = list
                    .reads
                    .into_iter()
                    .map(|r| {
                        let roles = move || {
                            r.roles
                                .iter()
                                .map(|p| i18n.t(&format!("performer.{}", p.code())))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let (who, provider, at) =
                            (r.name.clone(), r.provider.clone(), r.at.clone());
                        let when = at.clone();
                        view! {
                            <li>
                                <time datetime=at>{move || i18n.moment(&when)}</time> " — "
                                {move || i18n.t_with("reads.entry", &[
                                    ("who", who.clone()),
                                    ("roles", roles()),
                                    ("provider", provider.clone()),
                                ])}
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol class="data-reads">{items}</ol> }.into_any()
            }
            Err(e) => {
                let key = e.message_key();
                view! { <p class="notice notice-error">{move || i18n.t(&key)}</p> }.into_any()
            }
        })
    };
    view! {
        <section aria-labelledby="reads-title" id="reads">
            <h2 id="reads-title">{move || i18n.t("reads.title")}</h2>
            <p class="hint">{move || i18n.t("reads.intro")}</p>
            {list}
        </section>
    }
}

/// Withdrawing a request before the decision, after a confirmation.
#[component]
fn Withdraw(id: String, pressed: RwSignal<bool>, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let confirm = move |_| {
        pressed.set(true);
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            // This section may be gone when the answer comes (the new status came first by
            // the stream, or the applicant left): nothing of it is touched then.
            match api::withdraw(&id, i18n.lang_untracked()).await {
                Ok(_) => {
                    on_done.try_run(());
                }
                Err(e) => {
                    pressed.try_set(false);
                    error.try_set(Some(e.message_key()));
                }
            }
        });
    };
    view! {
        <section aria-labelledby="withdraw-title" class="danger-zone">
            <h2 id="withdraw-title">{move || i18n.t("request.withdraw")}</h2>
            {move || error.get().map(|key| view! { <p class="error-message" role="alert">{i18n.t(&key)}</p> })}
            {move || if asking.get() {
                view! {
                    <div class="notice" role="alert">
                        <p>{move || i18n.t("request.withdraw_confirm")}</p>
                        <button type="button" class="warning" on:click=confirm>{move || i18n.t("request.withdraw_yes")}</button>
                        " "
                        <button type="button" class="secondary" on:click=move |_| asking.set(false)>{move || i18n.t("request.withdraw_no")}</button>
                    </div>
                }.into_any()
            } else {
                view! { <button type="button" class="secondary" on:click=move |_| asking.set(true)>{move || i18n.t("request.withdraw")}</button> }.into_any()
            }}
        </section>
    }
}
