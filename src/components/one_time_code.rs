//! The one-time code step shared by login and registration: where the code went, the field
//! for it, and — while the portal runs the TEST SMS gateway — where the TEST outbox shows it.

use crate::components::form::TextField;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use qyzmet_domain::api::CodeSent;

/// "We sent a code to +7 701 *** ** 67", the code field and the TEST outbox note.
#[component]
pub fn CodeField(
    sent: CodeSent,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let phone = sent.phone_masked.clone();
    // The code already on the phone (its share of unused codes was reached): say so, and when
    // a new one can go (the text changes with each answer, so a screen reader hears it).
    let wait = sent.resend_after_seconds;
    view! {
        <p id="code-sent" role="status">
            {move || i18n.t_with("code.sent", &[("phone", phone.clone())])}
            {(wait > 0).then(|| view! {
                " " {move || i18n.t_with("code.resend_after", &[("seconds", wait.to_string())])}
            })}
        </p>
        {sent.test_gateway.then(|| view! {
            <div class="notice notice-warning" role="note">
                <p>
                    <strong>{move || i18n.t("code.test_gateway")}</strong> " "
                    <a href="/test-sms-outbox" target="_blank" rel="noopener">
                        {move || i18n.t("code.test_outbox_link")}
                    </a>
                </p>
            </div>
        })}
        <TextField
            id="code"
            label=Signal::derive(move || i18n.t("code.label"))
            hint=Signal::derive(move || i18n.t("code.hint"))
            value=value
            error=error
            autocomplete="one-time-code"
            inputmode="numeric"
        />
    }
}
