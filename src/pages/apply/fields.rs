//! Schema-driven fields: each field kind as the HTML control that suits it, with its label,
//! hint and error tied to it; repeatable groups with add and remove; conditional fields shown
//! only while their condition holds. The labels come from the catalogue in all three languages.

use super::draft::Draft;
use crate::answers::{self, Slot};
use crate::components::form::{ErrorMessage, Problem, field_frame, focus_by_id};
use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use qyzmet_domain::form::{Field, FieldKind, is_visible};

fn error_for(errors: Signal<Vec<Problem>>, path: &str) -> Option<String> {
    errors.with(|e| {
        e.iter()
            .find(|p| p.field == path)
            .map(|p| p.message.clone())
    })
}

/// Label, hint and error around a control; `control` gets the ids to describe it by.
fn framed(
    i18n: I18n,
    field: &Field,
    path: String,
    errors: Signal<Vec<Problem>>,
    control: impl FnOnce(Signal<Option<String>>) -> AnyView,
    as_fieldset: bool,
) -> AnyView {
    framed_with_example(i18n, field, path, errors, control, as_fieldset, None)
}

/// As `framed`, with an example (message key) after the field's own hint.
fn framed_with_example(
    i18n: I18n,
    field: &Field,
    path: String,
    errors: Signal<Vec<Problem>>,
    control: impl FnOnce(Signal<Option<String>>) -> AnyView,
    as_fieldset: bool,
    example: Option<&'static str>,
) -> AnyView {
    let label = field.label.clone();
    let optional = !field.required;
    let label_text = Signal::derive(move || {
        let text = label.get(i18n.lang()).to_string();
        if optional {
            format!("{text} {}", i18n.t("form.optional"))
        } else {
            text
        }
    });
    let own = field.hint.clone();
    let hint = (own.is_some() || example.is_some()).then(|| {
        Signal::derive(move || {
            let own = own.as_ref().map(|h| h.get(i18n.lang()).to_string());
            let example = example.map(|key| i18n.t(key));
            own.into_iter().chain(example).collect::<Vec<_>>().join(" ")
        })
    });
    let error = {
        let path = path.clone();
        Signal::derive(move || error_for(errors, &path))
    };
    field_frame(path, label_text, hint, error, None, as_fieldset, control)
}

/// One field of the form (or of one group item), shown while its condition holds.
pub fn field_view(
    draft: Draft,
    field: Field,
    group: Option<(String, usize)>,
    errors: Signal<Vec<Problem>>,
) -> AnyView {
    let i18n = use_i18n();
    let visible = {
        let (field, group) = (field.clone(), group.clone());
        Memo::new(move |_| {
            draft.answers.with(|a| {
                answers::scope(a, &group).map_or(field.visible_when.is_none(), |scope| {
                    is_visible(&field, scope)
                })
            })
        })
    };
    let build = move || {
        let slot = Slot {
            group: group.clone(),
            field: field.id.clone(),
        };
        match &field.kind {
            FieldKind::Group { .. } => group_view(i18n, draft, field.clone(), errors),
            FieldKind::Choice { options } => {
                let options = options
                    .iter()
                    .map(|o| {
                        let label = o.label.clone();
                        let text = Signal::derive(move || label.get(i18n.lang()).to_string());
                        (o.id.clone(), text)
                    })
                    .collect();
                radios(i18n, draft, &field, slot, errors, options)
            }
            FieldKind::YesNo => radios(i18n, draft, &field, slot, errors, yes_no(i18n)),
            FieldKind::Date => date_input(i18n, draft, &field, slot, errors),
            // Every kind is named: a new one must be given its control here.
            FieldKind::Text
            | FieldKind::LongText
            | FieldKind::Number { .. }
            | FieldKind::Iin
            | FieldKind::Bin
            | FieldKind::Phone
            | FieldKind::Email
            | FieldKind::Address => input(i18n, draft, &field, slot, errors),
        }
    };
    // Rebuilt only when the condition flips (`visible` is a memo), not on every keystroke.
    (move || visible.get().then(&build)).into_any()
}

fn yes_no(i18n: I18n) -> Vec<(String, Signal<String>)> {
    ["yes", "no"]
        .into_iter()
        .map(|v| {
            let key = format!("form.{v}");
            (v.to_string(), Signal::derive(move || i18n.t(&key)))
        })
        .collect()
}

fn input(
    i18n: I18n,
    draft: Draft,
    field: &Field,
    slot: Slot,
    errors: Signal<Vec<Problem>>,
) -> AnyView {
    let path = slot.path();
    let kind = field.kind.clone();
    let value = {
        let slot = slot.clone();
        move || draft.answers.with(|a| answers::text(a, &slot))
    };
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let slot = slot.clone();
        draft.edit(i18n.lang(), move |a| answers::set_text(a, &slot, v));
    };
    let id = path.clone();
    let invalid = {
        let path = path.clone();
        move || error_for(errors, &path).is_some().then_some("true")
    };
    // The answer as the page is drawn, in the markup: the server's copy reads with it (the
    // app's own value follows the draft through `prop:value`).
    let drawn = untrack(&value);
    framed(
        i18n,
        field,
        path,
        errors,
        move |described_by| {
            if matches!(kind, FieldKind::LongText) {
                return view! {
                    <textarea id=id.clone() name=id rows="5" aria-invalid=invalid
                        aria-describedby=move || described_by.get()
                        prop:value=value on:input=on_input>{drawn}</textarea>
                }
                .into_any();
            }
            let (input_type, inputmode, autocomplete) = match kind {
                FieldKind::Iin | FieldKind::Bin => ("text", Some("numeric"), "off"),
                FieldKind::Number { integer: true } => ("text", Some("numeric"), "off"),
                FieldKind::Number { integer: false } => ("text", Some("decimal"), "off"),
                FieldKind::Phone => ("tel", None, "tel"),
                FieldKind::Email => ("email", None, "email"),
                // One line: `street-address` is only for a multi-line field.
                FieldKind::Address => ("text", None, "address-line1"),
                FieldKind::Date
                | FieldKind::Text
                | FieldKind::LongText
                | FieldKind::Choice { .. }
                | FieldKind::YesNo
                | FieldKind::Group { .. } => ("text", None, "off"),
            };
            view! {
                <input id=id.clone() name=id type=input_type inputmode=inputmode autocomplete=autocomplete
                    spellcheck="false" aria-invalid=invalid aria-describedby=move || described_by.get()
                    value=drawn prop:value=value on:input=on_input />
            }
            .into_any()
        },
        false,
    )
    .into_any()
}

/// A date question as GOV.UK's date input: day, month and year boxes in a fieldset, numeric
/// keyboards, the error above them (the browser's own date widget shows its locale's format,
/// not the reader's, and is hard to use with a screen reader). The day box carries the
/// field's id, where the error summary's link lands.
fn date_input(
    i18n: I18n,
    draft: Draft,
    field: &Field,
    slot: Slot,
    errors: Signal<Vec<Problem>>,
) -> AnyView {
    use qyzmet_domain::form::DateParts;
    let path = slot.path();
    let parts = {
        let slot = slot.clone();
        Memo::new(move |_| {
            draft
                .answers
                .with(|a| DateParts::of_answer(&answers::text(a, &slot)).unwrap_or_default())
        })
    };
    let invalid = {
        let path = path.clone();
        move || error_for(errors, &path).is_some().then_some("true")
    };
    let birth = field.id.contains("birth");
    let base = path.clone();
    // The fieldset is described by the hint and the error; the boxes by their labels only.
    let box_view = move |part: &'static str, width: &'static str| {
        let id = if part == "day" {
            base.clone()
        } else {
            format!("{base}-{part}")
        };
        let slot = slot.clone();
        let value = move || {
            parts.with(|p| match part {
                "day" => p.day.clone(),
                "month" => p.month.clone(),
                _ => p.year.clone(),
            })
        };
        let on_input = move |ev: leptos::ev::Event| {
            let typed = event_target_value(&ev);
            let mut p = parts.get_untracked();
            match part {
                "day" => p.day = typed,
                "month" => p.month = typed,
                _ => p.year = typed,
            }
            let (slot, answer) = (slot.clone(), p.answer());
            draft.edit(i18n.lang(), move |a| answers::set_text(a, &slot, answer));
        };
        let label_key = format!("form.date.{part}");
        let autocomplete = if birth {
            format!("bday-{part}")
        } else {
            "off".to_string()
        };
        let drawn = untrack(value);
        view! {
            <div class=format!("date-part date-{width}")>
                <label for=id.clone()>{move || i18n.t(&label_key)}</label>
                <input id=id.clone() name=id type="text" inputmode="numeric" autocomplete=autocomplete
                    spellcheck="false" aria-invalid=invalid.clone() value=drawn prop:value=value on:input=on_input />
            </div>
        }
    };
    framed_with_example(
        i18n,
        field,
        path.clone(),
        errors,
        move |_| {
            view! {
                <div class="date-input">
                    {box_view("day", "2")}
                    {box_view("month", "2")}
                    {box_view("year", "4")}
                </div>
            }
            .into_any()
        },
        true,
        Some("form.date.example"),
    )
    .into_any()
}

fn radios(
    i18n: I18n,
    draft: Draft,
    field: &Field,
    slot: Slot,
    errors: Signal<Vec<Problem>>,
    options: Vec<(String, Signal<String>)>,
) -> AnyView {
    let path = slot.path();
    let name = path.clone();
    framed(
        i18n,
        field,
        path.clone(),
        errors,
        move |_| {
            view! {
                <div class="radios">
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(i, (value, label))| {
                            // The first option carries the field's id: the error summary's link
                            // lands there.
                            let input_id = if i == 0 { path.clone() } else { format!("{path}-{value}") };
                            let (checked_slot, set_slot) = (slot.clone(), slot.clone());
                            let (checked_value, set_value) = (value.clone(), value.clone());
                            let drawn = untrack(|| draft.answers.with(|a| answers::text(a, &slot) == value));
                            view! {
                                <div class="radio">
                                    <input type="radio" id=input_id.clone() name=name.clone() value=value
                                        checked=drawn
                                        prop:checked=move || draft.answers.with(|a| answers::text(a, &checked_slot) == checked_value)
                                        on:change=move |_| {
                                            let (slot, v) = (set_slot.clone(), set_value.clone());
                                            draft.edit(i18n.lang(), move |a| answers::set_text(a, &slot, v));
                                        } />
                                    <label for=input_id>{move || label.get()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            }
            .into_any()
        },
        true,
    )
    .into_any()
}

fn group_view(i18n: I18n, draft: Draft, field: Field, errors: Signal<Vec<Problem>>) -> AnyView {
    let FieldKind::Group {
        item_label,
        fields,
        max_items,
        ..
    } = field.kind.clone()
    else {
        return ().into_any();
    };
    let group_id = field.id.clone();
    let count = {
        let g = group_id.clone();
        Memo::new(move |_| draft.answers.with(|a| answers::item_count(a, &g)))
    };
    let label = field.label.clone();
    let error = {
        let g = group_id.clone();
        Signal::derive(move || error_for(errors, &g))
    };
    let first_field = fields.first().map(|f| f.id.clone()).unwrap_or_default();
    let add = {
        let g = group_id.clone();
        move |_| {
            let n = count.get_untracked();
            let g2 = g.clone();
            draft.edit(i18n.lang(), move |a| answers::add_item(a, &g2));
            // Focus the new item's first field once it is drawn.
            let first = format!("{g}[{n}].{first_field}");
            request_animation_frame(move || focus_by_id(&first));
        }
    };
    let items = {
        let (g, item_label, fields) = (group_id.clone(), item_label.clone(), fields.clone());
        move || {
            let n = count.get();
            (0..n)
                .map(|i| {
                    let (g, item_label) = (g.clone(), item_label.clone());
                    let remove = {
                        let g = g.clone();
                        move |_| {
                            let g2 = g.clone();
                            draft.edit(i18n.lang(), move |a| answers::remove_item(a, &g2, i));
                            let add_id = g.clone();
                            request_animation_frame(move || focus_by_id(&add_id));
                        }
                    };
                    let legend_label = item_label.clone();
                    let remove_label = item_label.clone();
                    view! {
                        <fieldset class="group-item">
                            <legend>{move || format!("{} {}", legend_label.get(i18n.lang()), i + 1)}</legend>
                            {fields
                                .iter()
                                .cloned()
                                .map(|f| field_view(draft, f, Some((g.clone(), i)), errors))
                                .collect_view()}
                            <button type="button" class="secondary" on:click=remove>
                                {move || i18n.t_with("form.remove_item", &[("item", format!("{} {}", remove_label.get(i18n.lang()), i + 1))])}
                            </button>
                        </fieldset>
                    }
                })
                .collect_view()
        }
    };
    let add_label = item_label.clone();
    view! {
        <fieldset class="field group" class:field-error=move || error.get().is_some()>
            <legend>{move || label.get(i18n.lang()).to_string()}</legend>
            {move || error.get().map(|m| view! {
                <ErrorMessage id=format!("{}-error", field.id) message=m />
            })}
            {items}
            // The add button carries the group's id: "add at least one child" links here.
            <Show when=move || (count.get() as u32) < max_items>
                <button type="button" class="secondary" id=group_id.clone() on:click=add.clone()>
                    {
                        let add_label = add_label.clone();
                        move || {
                            let key = if count.get() == 0 { "form.add_first" } else { "form.add_another" };
                            i18n.t_with(key, &[("item", add_label.get(i18n.lang()).to_lowercase())])
                        }
                    }
                </button>
            </Show>
        </fieldset>
    }
    .into_any()
}
