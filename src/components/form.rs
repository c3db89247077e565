//! Form pieces in the GOV.UK manner: an error summary that takes focus and links to each
//! field, and fields whose label, hint and error are tied to the input (`aria-describedby`,
//! `aria-invalid`). Messages come translated; nothing here holds text.

use crate::i18n::I18n;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// A field error code with its params as the user reads it.
pub fn message(i18n: I18n, code: &str, params: &[(String, String)]) -> String {
    let args: Vec<(&str, String)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    i18n.t_with(&format!("error.{code}"), &args)
}

pub fn required(i18n: I18n, field: &str, raw: &str) -> Option<Problem> {
    raw.trim().is_empty().then(|| Problem {
        field: field.into(),
        message: message(i18n, "form.required", &[]),
    })
}

/// The message for one field, if the problems name it.
pub fn for_field(problems: &[Problem], field: &str) -> Option<String> {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| p.message.clone())
}

/// One problem to show: the field's id and the message.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// Moves focus to an element by id (the router would treat `#id` links as navigation).
pub fn focus_by_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
        el.scroll_into_view();
    }
}

/// A field's error message, as every form shows it: its id for the input's
/// `aria-describedby`, and the visually hidden "Error:" before it, so a screen reader that
/// reads the description says it is an error.
#[component]
pub fn ErrorMessage(#[prop(into)] id: String, #[prop(into)] message: String) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <p class="error-message" id=id>
            <span class="visually-hidden">{move || i18n.t("app.error_prefix")}</span>
            {message}
        </p>
    }
}

/// One field's frame, the same in every form (as govuk-frontend's form group): the label —
/// or, for a group of inputs, the fieldset's legend — the hint, the error message with its
/// hidden prefix, then the control. The control gets what describes it (the hint, any
/// `described_by_first` such as a group's hint or a live note, the error) for its
/// `aria-describedby`; a fieldset carries it itself.
pub fn field_frame(
    id: String,
    label: Signal<String>,
    hint: Option<Signal<String>>,
    error: Signal<Option<String>>,
    described_by_first: Option<String>,
    as_fieldset: bool,
    control: impl FnOnce(Signal<Option<String>>) -> AnyView,
) -> AnyView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        Signal::derive(move || {
            let mut ids: Vec<String> = described_by_first.iter().cloned().collect();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        })
    };
    let hint_view = hint.map(|h| view! { <p class="hint" id=hint_id>{move || h.get()}</p> });
    let error_view = move || {
        error
            .get()
            .map(|message| view! { <ErrorMessage id=error_id.clone() message=message /> })
    };
    let control = control(described_by);
    if as_fieldset {
        view! {
            <fieldset class="field" class:field-error=move || error.get().is_some() aria-describedby=move || described_by.get()>
                <legend>{move || label.get()}</legend>
                {hint_view}
                {error_view}
                {control}
            </fieldset>
        }
        .into_any()
    } else {
        view! {
            <div class="field" class:field-error=move || error.get().is_some()>
                <label for=id>{move || label.get()}</label>
                {hint_view}
                {error_view}
                {control}
            </div>
        }
        .into_any()
    }
}

#[component]
pub fn ErrorSummary(
    #[prop(into)] problems: Signal<Vec<Problem>>,
    #[prop(into)] heading: Signal<String>,
) -> impl IntoView {
    let summary = NodeRef::<leptos::html::Div>::new();
    // Every new set of problems takes focus, so the user hears and sees what went wrong.
    // Focus after the frame is drawn: the summary must have lost `hidden` first, or the
    // browser ignores the focus call.
    Effect::new(move |_| {
        if !problems.get().is_empty() {
            request_animation_frame(move || {
                if let Some(el) = summary.get_untracked() {
                    let _ = el.focus();
                }
            });
        }
    });
    view! {
        // The box takes focus; the alert is an element inside it (as GOV.UK's summary does:
        // when the focused element is itself the alert, screen readers race and some read it
        // twice or not at all).
        // A named group: focused, it is announced by its heading.
        <div
            class="error-summary"
            role="group"
            aria-labelledby="error-summary-title"
            tabindex="-1"
            node_ref=summary
            hidden=move || problems.get().is_empty()
        >
            <div role="alert">
            <h2 id="error-summary-title">{move || heading.get()}</h2>
            <ul>
                {move || {
                    problems
                        .get()
                        .into_iter()
                        .map(|p| {
                            let target = p.field.clone();
                            view! {
                                <li>
                                    <a
                                        href=format!("#{}", p.field)
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            focus_by_id(&target);
                                        }
                                    >
                                        {p.message}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            </div>
        </div>
    }
}

#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// A polite live note under the field (e.g. a format check as the user types).
    #[prop(optional, into)]
    live_note: Option<Signal<Option<String>>>,
    /// For `input_type="file"`: which files the picker offers.
    #[prop(optional)]
    accept: Option<&'static str>,
    /// Called on `change` (a file input hands over its files here).
    #[prop(optional)]
    on_change: Option<Callback<leptos::ev::Event>>,
) -> impl IntoView {
    let note_id = format!("{id}-note");
    let described_first = live_note.is_some().then(|| note_id.clone());
    let input_id = id.clone();
    field_frame(
        id,
        label,
        hint,
        error,
        described_first,
        false,
        move |described_by| {
            view! {
            <input
                id=input_id.clone()
                name=input_id
                type=input_type
                // Not allowed on a file input (nor meaningful there).
                autocomplete=(input_type != "file").then_some(autocomplete)
                inputmode=inputmode
                spellcheck=(input_type != "file").then_some("false")
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || described_by.get()
                // The attribute for the server's copy (a password is never sent back).
                value=(input_type != "password" && input_type != "file").then(|| value.get_untracked())
                prop:value=move || value.get()
                accept=accept
                // A file input's value is the browser's to set: only its files are read.
                on:input=move |ev| {
                    if input_type != "file" {
                        value.set(event_target_value(&ev));
                    }
                }
                on:change=move |ev| {
                    if let Some(cb) = on_change {
                        cb.run(ev);
                    }
                }
            />
            {live_note.map(|note| view! { <p class="live-note" id=note_id aria-live="polite">{move || note.get()}</p> })}
        }
        .into_any()
        },
    )
}
