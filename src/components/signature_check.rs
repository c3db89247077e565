//! An officer's signature over a decision, checked here in the browser against the portal's
//! published CA and CRL: "signed by … on … — the signature is valid" only once it is. The
//! request page and the public document check (`/verify/:code`) show it the same way.

use crate::i18n::use_i18n;
use crate::signer;
use leptos::prelude::*;
use qyzmet_domain::api::{CertificateHolder, DecisionView};

#[component]
pub fn SignatureCheck(decision: DecisionView) -> AnyView {
    let i18n = use_i18n();
    if !crate::handover::in_browser() {
        // The server's copy: the check is the browser's; without script it cannot run.
        return view! {
            <p class="signature-check">
                <noscript>{i18n.t("signature.needs_script")}</noscript>
            </p>
        }
        .into_any();
    }
    let check = RwSignal::new(None::<Result<(CertificateHolder, Option<i64>), String>>);
    let (signature, document, iin) = (decision.signature, decision.document, decision.signer_iin);
    leptos::task::spawn_local(async move {
        let decode = |b64: &str| signer::decode_base64(b64).unwrap_or_default();
        let result = signer::verify(&decode(&signature), &decode(&document), &iin).await;
        check.set(Some(result.map_err(|e| e.code)));
    });
    view! {
        <p role="status" class="signature-check">
            {move || match check.get() {
                None => i18n.t("request.signature.checking"),
                Some(Ok((holder, at))) => i18n.t_with("request.signature.valid", &[
                    ("name", holder.common_name.clone()),
                    ("iin", holder.iin.clone().unwrap_or_default()),
                    ("date", at.map(|t| i18n.moment(&crate::kz_time::iso(t))).unwrap_or_default()),
                ]),
                Some(Err(code)) => format!("{} {}", i18n.t("request.signature.invalid"), i18n.t(&format!("error.{code}"))),
            }}
        </p>
    }
    .into_any()
}
