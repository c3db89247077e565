//! The officer console: the provider's queue, and one request with its answers, files,
//! history and the actions the status machine allows — intermediate steps, and decisions
//! signed with the officer's EDS in the browser.
//!
//! `queue` is the list; `request` the page of one request and what its buttons do;
//! `panels` the parts it is drawn from (facts, answers, moves, the decision form);
//! `process` where the request stands in the provider's process and the step forms.

mod panels;
mod process;
mod queue;
mod request;

pub use queue::Queue;
pub use request::OfficerRequest;

use crate::components::timeline::icon;
use crate::i18n::I18n;
use leptos::prelude::*;
use qyzmet_domain::api::QueueItem;
use qyzmet_domain::status::Status;

/// When a request is due, as the officer reads it: the date and days left, or overdue.
pub(super) fn due_text(i18n: I18n, item: &QueueItem) -> String {
    let due = i18n.iso_date(&item.due_date);
    if item.status.is_final() {
        due
    } else if item.overdue {
        i18n.t_with("officer.overdue", &[("date", due)])
    } else {
        format!(
            "{due} ({})",
            i18n.t_count("officer.days_left", item.days_left)
        )
    }
}

/// A status with its icon, in the officer's language.
pub(super) fn status_view(i18n: I18n, status: Status) -> impl IntoView {
    view! {
        <span class=format!("status status-{}", status.code())>
            <span aria-hidden="true">{icon(status)}</span> " "
            {move || i18n.t(&format!("status.{}", status.code()))}
        </span>
    }
}
