//! One service in the catalogue: name, description and the facts people choose by.

use crate::i18n::{I18n, format_number, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use qyzmet_domain::api::{DocumentView, FeeView, ServiceSummary};
use qyzmet_domain::calendar::DayKind;
use qyzmet_domain::catalogue::{Applicants, FileType};
use qyzmet_domain::route::Page;

/// "30 working days" in the current language.
pub fn term_text(i18n: I18n, days: u32, kind: DayKind) -> String {
    let key = match kind {
        DayKind::Working => "term.working",
        DayKind::Calendar => "term.calendar",
    };
    i18n.t_count(key, days as i64)
}

pub fn applicants_key(a: Applicants) -> &'static str {
    match a {
        Applicants::Individual => "applicants.individual",
        Applicants::Company => "applicants.company",
        Applicants::Both => "applicants.both",
    }
}

/// "Free" or "2 MCI (7 864 ₸)" in the current language.
pub fn fee_text(i18n: I18n, fee: Option<&FeeView>) -> String {
    match fee.filter(|f| f.mci > 0.0) {
        None => i18n.t("service.fee_free"),
        Some(f) => i18n.t_with(
            "service.fee_amount",
            &[
                ("mci", f.mci.to_string()),
                ("tenge", format_number(i18n.lang(), f.tenge as i64)),
            ],
        ),
    }
}

#[component]
pub fn ServiceCard(service: ServiceSummary) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("service-{}", service.id);
    let term = service.term.clone();
    let fee = service.fee.clone();
    let online = service.online;
    let applicants = service.applicants;
    view! {
        <article class="service-card" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>
                <A href=Page::Service { id: service.id.clone() }.href()>{service.name.clone()}</A>
            </h3>
            <p class="service-description">{service.description.clone()}</p>
            <dl class="facts">
                <div>
                    <dt>{move || i18n.t("service.term")}</dt>
                    <dd>{move || term_text(i18n, term.days, term.kind)}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t("service.fee")}</dt>
                    <dd>{move || fee_text(i18n, fee.as_ref())}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t("service.who")}</dt>
                    <dd>{move || i18n.t(applicants_key(applicants))}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t("service.how")}</dt>
                    <dd class=if online { "badge badge-online" } else { "badge badge-office" }>
                        <span aria-hidden="true">{if online { "● " } else { "■ " }}</span>
                        {move || i18n.t(if online { "service.online" } else { "service.office_only" })}
                    </dd>
                </div>
            </dl>
        </article>
    }
}

/// A file-type list as people write it: "PDF, JPEG, PNG".
pub fn file_types(types: &[FileType]) -> String {
    types
        .iter()
        .map(|t| match t {
            FileType::Pdf => "PDF",
            FileType::Jpeg => "JPEG",
            FileType::Png => "PNG",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "PDF, JPEG, PNG, up to 10 MB" for a document slot.
pub fn document_rules(i18n: I18n, d: &DocumentView) -> String {
    i18n.t_with(
        "document.rules",
        &[
            ("types", file_types(&d.types)),
            ("mb", d.max_size_mb.to_string()),
        ],
    )
}
