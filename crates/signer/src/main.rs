//! The EDS signer, run as a Web Worker so that the key code (≈ half a megabyte of wasm) is
//! fetched only when someone signs, and the private key lives in a separate realm from the
//! page. Each request brings the `.p12` bytes and password; the key is opened, used once and
//! dropped (RSA keys zeroize on drop), and the password copy is zeroized. Nothing is stored.
//!
//! Protocol (plain JS objects, one request at a time):
//! - `{op: "inspect", file: Uint8Array, password}` → `{ok: true, holder: "<json>",
//!   signing: bool, authentication: bool}`
//! - `{op: "sign", file, password, document: Uint8Array, purpose: "signing"|"authentication",
//!   now: <unix seconds>}` → `{ok: true, signature: "<base64 DER CMS>", holder}`
//! - `{op: "verify", signature: Uint8Array, document: Uint8Array, anchors: [Uint8Array],
//!   intermediates: [Uint8Array], crls: [Uint8Array], iin: string, now}` → `{ok: true, holder,
//!   signing_time}`: an officer's signature checked here against the published CA and CRL.
//! - any failure → `{ok: false, code: "eds.…"}` (the app shows `error.<code>`).

use qyzmet_domain::api::CertificateHolder;
use qyzmet_eds::{OpenError, Purpose, SigningKey};
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
            let answer = match handle(&event.data()) {
                Ok(answer) => answer,
                Err(code) => object(&[("ok", JsValue::FALSE), ("code", JsValue::from_str(code))]),
            };
            let _ = reply_to.post_message(&answer);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page needs it.
    on_message.forget();
    // Tell the page the worker is ready.
    let _ = scope.post_message(&object(&[("ready", JsValue::TRUE)]));
}

fn field(request: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(request, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn bytes(request: &JsValue, name: &str) -> Option<Zeroizing<Vec<u8>>> {
    let value = field(request, name);
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(|a| Zeroizing::new(a.to_vec()))
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in entries {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn open(request: &JsValue) -> Result<SigningKey, &'static str> {
    let file = bytes(request, "file").ok_or("eds.not_pkcs12")?;
    let password = Zeroizing::new(field(request, "password").as_string().unwrap_or_default());
    qyzmet_eds::open_pkcs12(&file, &password).map_err(OpenError::code)
}

fn holder_json(key: &SigningKey) -> JsValue {
    holder_value(key.holder())
}

fn holder_value(h: qyzmet_eds::Holder) -> JsValue {
    let holder = CertificateHolder {
        common_name: h.common_name,
        iin: h.iin,
        bin: h.bin,
        organization: h.organization,
        issuer: h.issuer,
        serial: h.serial,
        not_before: h.not_before,
        not_after: h.not_after,
    };
    JsValue::from_str(&serde_json::to_string(&holder).unwrap_or_default())
}

fn list(request: &JsValue, name: &str) -> Vec<Vec<u8>> {
    let value = field(request, name);
    match value.dyn_ref::<js_sys::Array>() {
        Some(items) => items
            .iter()
            .filter_map(|v| v.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec()))
            .collect(),
        None => Vec::new(),
    }
}

fn verify(request: &JsValue) -> Result<JsValue, &'static str> {
    let trust = qyzmet_eds::TrustStore {
        anchors: list(request, "anchors")
            .iter()
            .filter_map(|b| qyzmet_eds::parse_certificate(b))
            .collect(),
        intermediates: list(request, "intermediates")
            .iter()
            .filter_map(|b| qyzmet_eds::parse_certificate(b))
            .collect(),
        crls: list(request, "crls")
            .iter()
            .filter_map(|b| qyzmet_eds::parse_crl(b))
            .collect(),
        ocsp: Vec::new(),
    };
    let signature = bytes(request, "signature").ok_or("eds.malformed")?;
    let document = bytes(request, "document").ok_or("eds.malformed")?;
    let expected = match field(request, "iin").as_string() {
        Some(iin) => qyzmet_eds::Expected::Iin(iin),
        None => qyzmet_eds::Expected::Anyone,
    };
    let now = field(request, "now")
        .as_f64()
        .unwrap_or_else(|| js_sys::Date::now() / 1000.0) as i64;
    let verified = qyzmet_eds::verify_detached(
        &signature,
        &document,
        &trust,
        Purpose::Signing,
        &expected,
        Some(now),
    )
    .map_err(|e| e.code())?;
    Ok(object(&[
        ("ok", JsValue::TRUE),
        ("holder", holder_value(verified.holder().clone())),
        (
            "signing_time",
            verified
                .signing_time()
                .map_or(JsValue::NULL, |t| JsValue::from_f64(t as f64)),
        ),
    ]))
}

fn handle(request: &JsValue) -> Result<JsValue, &'static str> {
    if field(request, "op").as_string().as_deref() == Some("verify") {
        return verify(request);
    }
    let key = open(request)?;
    match field(request, "op").as_string().as_deref() {
        Some("inspect") => Ok(object(&[
            ("ok", JsValue::TRUE),
            ("holder", holder_json(&key)),
            ("signing", JsValue::from_bool(key.allows(Purpose::Signing))),
            (
                "authentication",
                JsValue::from_bool(key.allows(Purpose::Authentication)),
            ),
        ])),
        Some("sign") => {
            let purpose = match field(request, "purpose").as_string().as_deref() {
                Some("authentication") => Purpose::Authentication,
                _ => Purpose::Signing,
            };
            if !key.allows(purpose) {
                return Err("eds.key_usage");
            }
            let document = bytes(request, "document").ok_or("eds.malformed")?;
            // The page's clock: `SystemTime` does not exist in wasm32-unknown-unknown.
            let now = field(request, "now")
                .as_f64()
                .unwrap_or_else(|| js_sys::Date::now() / 1000.0);
            let signature = qyzmet_eds::sign_detached(&key, &document, now as u64)
                .map_err(|_| "eds.malformed")?;
            use base64::Engine;
            Ok(object(&[
                ("ok", JsValue::TRUE),
                (
                    "signature",
                    JsValue::from_str(&base64::engine::general_purpose::STANDARD.encode(signature)),
                ),
                ("holder", holder_json(&key)),
            ]))
        }
        _ => Err("eds.malformed"),
    }
}
