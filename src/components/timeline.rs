//! A request's status history as a list (icon, status name, when, note), and the status
//! glyphs: the applicant's request page and the officer's console both show them.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use qyzmet_domain::status::Status;

/// A glyph per status, beside its name (the name carries the meaning).
pub fn icon(s: Status) -> &'static str {
    match s {
        Status::Draft => "✎",
        Status::Registered => "●",
        Status::InReview | Status::TestingScheduled | Status::AwaitingInterestedBody => "◔",
        Status::Satisfied => "✔",
        Status::Refused => "✖",
        Status::Withdrawn => "↩",
    }
}

#[component]
pub fn Timeline(history: Vec<qyzmet_domain::api::HistoryView>) -> impl IntoView {
    let i18n = use_i18n();
    let items = history
        .into_iter()
        .map(|h| {
            let to = h.to;
            view! {
                <li>
                    <span aria-hidden="true">{icon(to)}</span> " "
                    <strong>{move || i18n.t(&format!("status.{}", to.code()))}</strong> " "
                    <time datetime=h.at.clone()>{let at = h.at.clone(); move || i18n.moment(&at)}</time>
                    {h.appointment.map(|a| view! { <p class="note">{move || i18n.t_with("request.appointment", &[("when", a.describe(&|key| i18n.t(key)))])}</p> })}
                    {h.note.map(|n| view! { <p class="note">{n}</p> })}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline">{items}</ol> }
}
