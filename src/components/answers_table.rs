//! The answers as a summary list, labelled from the form's schema (choices and yes/no in
//! words, groups item by item): "check your answers" shows it with "Change" links, the
//! officer's request page without.

use crate::answers::{self, Slot};
use crate::i18n::I18n;
use leptos::prelude::*;
use qyzmet_domain::form::{Answers, DateParts, Field, FieldKind, is_visible};

/// An answer as the user reads it: the option's label for a choice, yes/no in words.
fn shown(i18n: I18n, field: &Field, raw: &str) -> String {
    let lang = i18n.lang();
    match &field.kind {
        FieldKind::Choice { options } => options
            .iter()
            .find(|o| o.id == raw)
            .map(|o| o.label.get(lang).to_string())
            .unwrap_or_else(|| raw.to_string()),
        FieldKind::YesNo if !raw.is_empty() => i18n.t(&format!("form.{raw}")),
        // A draft holds the boxes as typed (`2016-5-4`): written once they make a date.
        FieldKind::Date => DateParts::of_answer(raw)
            .and_then(|parts| parts.date().ok())
            .map_or_else(|| raw.to_string(), |date| i18n.date(date)),
        // Every kind is named: a new one must say how it reads here.
        FieldKind::YesNo
        | FieldKind::Text
        | FieldKind::LongText
        | FieldKind::Number { .. }
        | FieldKind::Iin
        | FieldKind::Bin
        | FieldKind::Phone
        | FieldKind::Email
        | FieldKind::Address
        | FieldKind::Group { .. } => raw.to_string(),
    }
}

/// The answers as rows of a summary list, labelled from the schema; with `change`, each
/// top-level answer gets a "Change" link to where it is edited.
pub fn rows(
    i18n: I18n,
    fields: &[Field],
    scope: &Answers,
    group: Option<(String, usize)>,
    change: Option<&dyn Fn(&str) -> String>,
) -> Vec<AnyView> {
    let lang = i18n.lang();
    let mut out = Vec::new();
    for f in fields.iter().filter(|f| is_visible(f, scope)) {
        let label = f.label.get(lang).to_string();
        if let FieldKind::Group {
            item_label,
            fields: inner,
            ..
        } = &f.kind
        {
            let n = answers::item_count(scope, &f.id);
            let items: Vec<AnyView> = (0..n)
                .map(|i| {
                    let item = answers::scope(scope, &Some((f.id.clone(), i)))
                        .cloned()
                        .unwrap_or_default();
                    let inner_rows = rows(i18n, inner, &item, Some((f.id.clone(), i)), change);
                    view! {
                        <li>
                            <strong>{format!("{} {}", item_label.get(lang), i + 1)}</strong>
                            <dl class="summary">{inner_rows}</dl>
                        </li>
                    }
                    .into_any()
                })
                .collect();
            let link = change.map(|change| {
                let href = change(&f.id);
                view! { <dd class="change"><a href=href id=format!("change-{}", f.id)>{i18n.t("apply.change")}<span class="visually-hidden">{format!(" {label}")}</span></a></dd> }
            });
            out.push(
                view! {
                    <div class="summary-row">
                        <dt>{label.clone()}</dt>
                        <dd><ul class="plain">{items}</ul></dd>
                        {link}
                    </div>
                }
                .into_any(),
            );
            continue;
        }
        let slot = Slot {
            group: group.clone(),
            field: f.id.clone(),
        };
        let raw = answers::text(scope, &Slot::top(&f.id));
        let value = if raw.trim().is_empty() {
            i18n.t("apply.not_answered")
        } else {
            shown(i18n, f, &raw)
        };
        let row_change = if let (None, Some(change)) = (&group, change) {
            let href = change(&slot.path());
            Some(
                view! { <dd class="change"><a href=href id=format!("change-{}", f.id)>{i18n.t("apply.change")}<span class="visually-hidden">{format!(" {label}")}</span></a></dd> },
            )
        } else {
            None
        };
        out.push(
            view! {
                <div class="summary-row">
                    <dt>{label.clone()}</dt>
                    <dd>{value}</dd>
                    {row_change}
                </div>
            }
            .into_any(),
        );
    }
    out
}
