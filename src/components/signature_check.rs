//! An officer's signature over a decision, checked here in the browser against the portal's
//! published CA and CRL: "signed by … on … — the signature is valid" only once it is. The
//! request page and the public document check (`/verify/:code`) show it the same way.
//!
//! The check runs when asked ("Check the signature in this browser"): it needs the app and
//! its signer (hundreds of KB), which a visit that only reads the page does not pay for
//! (#28). The server's copy draws the button hidden (`data-script-only`): the start-up script
//! shows it where script runs, and a press before the app came is pressed again in the app.

use crate::i18n::use_i18n;
use crate::signer;
use leptos::prelude::*;
use qyzmet_domain::api::{CertificateHolder, DecisionView};

type Verdict = Result<(CertificateHolder, Option<i64>), String>;

#[component]
pub fn SignatureCheck(decision: DecisionView) -> AnyView {
    let i18n = use_i18n();
    if !crate::handover::in_browser() {
        return view! {
            <div class="signature-check">
                <button type="button" class="secondary" hidden data-script-only="">
                    {i18n.t("request.signature.check")}
                </button>
                <noscript><p>{i18n.t("signature.needs_script")}</p></noscript>
            </div>
        }
        .into_any();
    }
    // None: not asked; Some(None): checking; Some(Some(_)): the verdict.
    let check = RwSignal::new(None::<Option<Verdict>>);
    let decision = StoredValue::new(decision);
    let run = move |_| {
        if check.get_untracked() == Some(None) {
            return;
        }
        check.set(Some(None));
        let (signature, document, iin) = decision.with_value(|d| {
            (
                d.signature.clone(),
                d.document.clone(),
                d.signer_iin.clone(),
            )
        });
        leptos::task::spawn_local(async move {
            let decode = |b64: &str| signer::decode_base64(b64).unwrap_or_default();
            let result = signer::verify(&decode(&signature), &decode(&document), &iin).await;
            check.set(Some(Some(result.map_err(|e| e.code))));
        });
    };
    view! {
        <div class="signature-check">
            <button
                type="button"
                class="secondary"
                aria-disabled=move || (check.get() == Some(None)).then_some("true")
                on:click=run
            >
                {move || i18n.t("request.signature.check")}
            </button>
            <p role="status">
                {move || match check.get() {
                    None => String::new(),
                    Some(None) => i18n.t("request.signature.checking"),
                    Some(Some(Ok((holder, at)))) => i18n.t_with("request.signature.valid", &[
                        ("name", holder.common_name.clone()),
                        ("iin", holder.iin.clone().unwrap_or_default()),
                        ("date", at.map(|t| i18n.moment(&crate::kz_time::iso(t))).unwrap_or_default()),
                    ]),
                    Some(Some(Err(code))) => format!("{} {}", i18n.t("request.signature.invalid"), i18n.t(&format!("error.{code}"))),
                }}
            </p>
        </div>
    }
    .into_any()
}
