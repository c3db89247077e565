//! The EDS signer, run as a Web Worker so that the key code (≈ half a megabyte of wasm) is
//! fetched only when someone signs, and the private key lives in a separate realm from the
//! page. Each request brings the `.p12` bytes and password; the key is opened, used once and
//! dropped (RSA keys zeroize on drop), and the password copy is zeroized. Nothing is stored.
//!
//! Its protocol is `qyzmet_domain::signer_protocol` (JSON text through `postMessage`): open
//! a key file (`inspect`), sign with it (`sign`), or check an officer's signature against
//! the published CA certificates and CRLs (`verify`); any failure is `failed` with a code
//! the app shows as `error.<code>`.

use qyzmet_domain::api::CertificateHolder;
use qyzmet_domain::signer_protocol::{self, SignError, SignerAnswer, SignerRequest};
use qyzmet_eds::{Purpose, SigningKey};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else {
        // Not in a worker (a native build for tests, or a wrong load): nothing to serve.
        return;
    };
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            // The text holds the key file and password: wiped once read.
            let text = Zeroizing::new(event.data().as_string().unwrap_or_default());
            let answer = match serde_json::from_str::<SignerRequest>(&text) {
                Ok(request) => handle(request),
                Err(_) => SignerAnswer::Failed(failed("eds.malformed")),
            };
            let _ = reply_to.post_message(&reply(&answer));
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page needs it.
    on_message.forget();
    // Tell the page the worker is ready.
    let _ = scope.post_message(&reply(&SignerAnswer::Ready));
}

fn reply(answer: &SignerAnswer) -> JsValue {
    JsValue::from_str(&serde_json::to_string(answer).unwrap_or_default())
}

fn failed(code: &str) -> SignError {
    SignError::new(code)
}

fn open(file: &[u8], password: &str) -> Result<SigningKey, SignError> {
    qyzmet_eds::open_pkcs12(file, password).map_err(|e| failed(e.code()))
}

fn holder(h: qyzmet_eds::Holder) -> CertificateHolder {
    CertificateHolder {
        common_name: h.common_name,
        iin: h.iin,
        bin: h.bin,
        organization: h.organization,
        issuer: h.issuer,
        serial: h.serial,
        not_before: h.not_before,
        not_after: h.not_after,
    }
}

fn handle(request: SignerRequest) -> SignerAnswer {
    let answer = match &request {
        SignerRequest::Inspect { file, password } => {
            open(file, password).map(|key| SignerAnswer::Inspected {
                holder: holder(key.holder()),
                signing: key.allows(Purpose::Signing),
                authentication: key.allows(Purpose::Authentication),
            })
        }
        SignerRequest::Sign {
            file,
            password,
            document,
            purpose,
            now,
        } => sign(file, password, document, *purpose, *now),
        SignerRequest::Verify {
            signature,
            document,
            anchors,
            intermediates,
            crls,
            iin,
            now,
        } => {
            let trust = qyzmet_eds::TrustStore {
                anchors: anchors
                    .iter()
                    .filter_map(|b| qyzmet_eds::parse_certificate(b))
                    .collect(),
                intermediates: intermediates
                    .iter()
                    .filter_map(|b| qyzmet_eds::parse_certificate(b))
                    .collect(),
                crls: crls
                    .iter()
                    .filter_map(|b| qyzmet_eds::parse_crl(b))
                    .collect(),
                ocsp: Vec::new(),
            };
            let expected = match iin {
                Some(iin) => qyzmet_eds::Expected::Iin(iin.clone()),
                None => qyzmet_eds::Expected::Anyone,
            };
            qyzmet_eds::verify_detached(
                signature,
                document,
                &trust,
                Purpose::Signing,
                &expected,
                Some(*now),
            )
            .map(|verified| SignerAnswer::Verified {
                holder: holder(verified.holder().clone()),
                signing_time: verified.signing_time(),
            })
            .map_err(|e| failed(e.code()))
        }
    };
    answer.unwrap_or_else(SignerAnswer::Failed)
}

fn sign(
    file: &[u8],
    password: &str,
    document: &[u8],
    purpose: signer_protocol::Purpose,
    now: i64,
) -> Result<SignerAnswer, SignError> {
    let key = open(file, password)?;
    let purpose = match purpose {
        signer_protocol::Purpose::Signing => Purpose::Signing,
        signer_protocol::Purpose::Authentication => Purpose::Authentication,
    };
    if !key.allows(purpose) {
        return Err(failed("eds.key_usage"));
    }
    // The page's clock: `SystemTime` does not exist in wasm32-unknown-unknown.
    let signature = qyzmet_eds::sign_detached(&key, document, now.max(0) as u64)
        .map_err(|_| failed("eds.malformed"))?;
    use base64::Engine;
    Ok(SignerAnswer::Signed {
        signature: base64::engine::general_purpose::STANDARD.encode(signature),
        holder: holder(key.holder()),
    })
}
