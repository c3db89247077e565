//! Signing with an EDS key file in the browser, through the signer Web Worker
//! (`crates/signer`). The worker — and its half-megabyte of key code — is fetched the first
//! time someone signs, not with the app. The key file's bytes and the password go to the
//! worker with each request and are never stored or sent to the server.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::prelude::*;
use qyzmet_domain::api::CertificateHolder;
use qyzmet_domain::route::api::pki;
use std::cell::RefCell;
use wasm_bindgen_futures::JsFuture;

/// Why signing failed: a code with a message `error.<code>` in every language, and the
/// field it belongs to (the key file or its password).
#[derive(Debug, Clone, PartialEq)]
pub struct SignError {
    pub code: String,
}

impl SignError {
    fn new(code: &str) -> SignError {
        SignError {
            code: code.to_string(),
        }
    }

    /// Which input the message belongs beside.
    pub fn field<'a>(&self, file_field: &'a str, password_field: &'a str) -> &'a str {
        if self.code == "eds.wrong_password" {
            password_field
        } else {
            file_field
        }
    }
}

/// What the key is for: the regulations separate signing keys (RSA…) from login keys (AUTH…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Signing,
    Authentication,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::Signing => "signing",
            Purpose::Authentication => "authentication",
        }
    }
}

const WORKER_URL: &str = "/qyzmet-signer_loader.js";

thread_local! {
    static WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

/// Waits for the worker's next message (or its failure).
fn next_message(worker: &web_sys::Worker) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        let on_error = Closure::once_into_js(move |event: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    })
}

async fn worker() -> Result<web_sys::Worker, SignError> {
    if let Some(w) = WORKER.with(|w| w.borrow().clone()) {
        return Ok(w);
    }
    let unavailable = || SignError::new("eds.signer_unavailable");
    let w = web_sys::Worker::new(WORKER_URL).map_err(|_| unavailable())?;
    // The worker says `{ready: true}` once its wasm has started.
    JsFuture::from(next_message(&w))
        .await
        .map_err(|_| unavailable())?;
    WORKER.with(|slot| *slot.borrow_mut() = Some(w.clone()));
    Ok(w)
}

async fn file_bytes(file: &web_sys::File) -> Result<Uint8Array, SignError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| SignError::new("eds.not_pkcs12"))?;
    Ok(Uint8Array::new(&buffer))
}

async fn call(entries: &[(&str, JsValue)]) -> Result<JsValue, SignError> {
    let w = worker().await?;
    let request = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&request, &JsValue::from_str(k), v);
    }
    let answer = next_message(&w);
    w.post_message(&request)
        .map_err(|_| SignError::new("eds.signer_unavailable"))?;
    let answer = JsFuture::from(answer).await.map_err(|_| {
        // A crashed worker is replaced next time.
        WORKER.with(|slot| *slot.borrow_mut() = None);
        SignError::new("eds.signer_unavailable")
    })?;
    let get =
        |name: &str| Reflect::get(&answer, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    if get("ok").as_bool() == Some(true) {
        Ok(answer)
    } else {
        Err(SignError::new(
            &get("code")
                .as_string()
                .unwrap_or_else(|| "eds.malformed".into()),
        ))
    }
}

fn holder_of(answer: &JsValue) -> Option<CertificateHolder> {
    let json = Reflect::get(answer, &JsValue::from_str("holder"))
        .ok()?
        .as_string()?;
    serde_json::from_str(&json).ok()
}

/// Opens the key file and says whose it is and what it may do.
pub async fn inspect(
    file: &web_sys::File,
    password: &str,
) -> Result<(CertificateHolder, bool, bool), SignError> {
    let answer = call(&[
        ("op", "inspect".into()),
        ("file", file_bytes(file).await?.into()),
        ("password", password.into()),
    ])
    .await?;
    let flag = |name: &str| {
        Reflect::get(&answer, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    let holder = holder_of(&answer).ok_or_else(|| SignError::new("eds.malformed"))?;
    Ok((holder, flag("signing"), flag("authentication")))
}

/// Signs `document` with the key file: a detached CMS signature, base64.
pub async fn sign(
    file: &web_sys::File,
    password: &str,
    document: &[u8],
    purpose: Purpose,
) -> Result<(String, CertificateHolder), SignError> {
    let answer = call(&[
        ("op", "sign".into()),
        ("file", file_bytes(file).await?.into()),
        ("password", password.into()),
        ("document", Uint8Array::from(document).into()),
        ("purpose", purpose.code().into()),
        ("now", (js_sys::Date::now() / 1000.0).floor().into()),
    ])
    .await?;
    let signature = Reflect::get(&answer, &JsValue::from_str("signature"))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| SignError::new("eds.malformed"))?;
    let holder = holder_of(&answer).ok_or_else(|| SignError::new("eds.malformed"))?;
    Ok((signature, holder))
}

/// Who signs: the one abstraction the pages use, with two implementations — a `.p12` key
/// file opened in the signer worker, or NCALayer holding the key.
pub enum Signer {
    KeyFile {
        file: web_sys::File,
        password: String,
    },
    NcaLayer {
        iin: Option<String>,
        bin: Option<String>,
        locale: &'static str,
    },
}

impl Signer {
    /// A detached CMS signature over `document`, base64.
    pub async fn sign(&self, document: &[u8], purpose: Purpose) -> Result<String, SignError> {
        match self {
            Signer::KeyFile { file, password } => sign(file, password, document, purpose)
                .await
                .map(|(s, _)| s),
            Signer::NcaLayer { iin, bin, locale } => {
                crate::ncalayer::sign(document, purpose, iin.as_deref(), bin.as_deref(), locale)
                    .await
            }
        }
    }
}

/// Checks an officer's signature here, against the CA certificates and CRL the portal
/// publishes (`/api/pki/` and `/api/pki/gost/`): the app says "signed by … on …" only after this says yes.
pub async fn verify(
    signature: &[u8],
    document: &[u8],
    iin: &str,
) -> Result<(CertificateHolder, Option<i64>), SignError> {
    let fetch = |path: String| async move {
        crate::api::bytes(&path)
            .await
            .map(|b| Uint8Array::from(b.as_slice()))
            .map_err(|_| SignError::new("eds.revocation_unknown"))
    };
    // Both chains the portal publishes: GOST (NCA RK's keys today) and RSA.
    let both = |gost: Uint8Array, rsa: Uint8Array| js_sys::Array::of2(&gost, &rsa).into();
    let answer = call(&[
        ("op", "verify".into()),
        ("signature", Uint8Array::from(signature).into()),
        ("document", Uint8Array::from(document).into()),
        (
            "anchors",
            both(
                fetch(pki(true, "root-ca.cer")).await?,
                fetch(pki(false, "root-ca.cer")).await?,
            ),
        ),
        (
            "intermediates",
            both(
                fetch(pki(true, "issuing-ca.cer")).await?,
                fetch(pki(false, "issuing-ca.cer")).await?,
            ),
        ),
        (
            "crls",
            both(
                fetch(pki(true, "issuing-ca.crl")).await?,
                fetch(pki(false, "issuing-ca.crl")).await?,
            ),
        ),
        ("iin", iin.into()),
        ("now", (js_sys::Date::now() / 1000.0).floor().into()),
    ])
    .await?;
    let holder = holder_of(&answer).ok_or_else(|| SignError::new("eds.malformed"))?;
    let at = Reflect::get(&answer, &JsValue::from_str("signing_time"))
        .ok()
        .and_then(|v| v.as_f64())
        .map(|t| t as i64);
    Ok((holder, at))
}

/// Bytes of standard base64 (what the API sends documents and signatures as), decoded with
/// the browser's `atob`.
pub fn decode_base64(base64: &str) -> Option<Vec<u8>> {
    let binary = leptos::prelude::window().atob(base64).ok()?;
    binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
