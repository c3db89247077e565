//! Signing with an EDS key file in the browser, through the signer Web Worker
//! (`crates/signer`). The worker — and its half-megabyte of key code — is fetched the first
//! time someone signs, not with the app. The key file's bytes and the password go to the
//! worker with each request and are never stored or sent to the server.

use js_sys::{Promise, Uint8Array};
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::prelude::*;
use qyzmet_domain::api::CertificateHolder;
use qyzmet_domain::route::api::pki;
use qyzmet_domain::signer_protocol::{SignerAnswer, SignerRequest};
use std::cell::RefCell;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

pub use qyzmet_domain::signer_protocol::{Purpose, SignError};

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

async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, SignError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| SignError::new("eds.not_pkcs12"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// One request to the worker and its answer (as JSON text: both sides read the one
/// protocol of `qyzmet_domain::signer_protocol`).
async fn call(request: SignerRequest) -> Result<SignerAnswer, SignError> {
    let unavailable = || SignError::new("eds.signer_unavailable");
    let w = worker().await?;
    // The text holds the key file and password: wiped once sent.
    let text = Zeroizing::new(serde_json::to_string(&request).map_err(|_| unavailable())?);
    drop(request);
    let answer = next_message(&w);
    w.post_message(&JsValue::from_str(&text))
        .map_err(|_| unavailable())?;
    let answer = JsFuture::from(answer).await.map_err(|_| {
        // A crashed worker is replaced next time.
        WORKER.with(|slot| *slot.borrow_mut() = None);
        unavailable()
    })?;
    match answer
        .as_string()
        .and_then(|text| serde_json::from_str::<SignerAnswer>(&text).ok())
    {
        Some(SignerAnswer::Failed(e)) => Err(e),
        Some(answer) => Ok(answer),
        None => Err(SignError::new("eds.malformed")),
    }
}

fn unexpected<T>() -> Result<T, SignError> {
    Err(SignError::new("eds.malformed"))
}

/// Opens the key file and says whose it is and what it may do.
pub async fn inspect(
    file: &web_sys::File,
    password: &str,
) -> Result<(CertificateHolder, bool, bool), SignError> {
    let request = SignerRequest::Inspect {
        file: file_bytes(file).await?,
        password: password.to_string(),
    };
    match call(request).await? {
        SignerAnswer::Inspected {
            holder,
            signing,
            authentication,
        } => Ok((holder, signing, authentication)),
        _ => unexpected(),
    }
}

/// Signs `document` with the key file: a detached CMS signature, base64.
pub async fn sign(
    file: &web_sys::File,
    password: &str,
    document: &[u8],
    purpose: Purpose,
) -> Result<(String, CertificateHolder), SignError> {
    let request = SignerRequest::Sign {
        file: file_bytes(file).await?,
        password: password.to_string(),
        document: document.to_vec(),
        purpose,
        now: now(),
    };
    match call(request).await? {
        SignerAnswer::Signed { signature, holder } => Ok((signature, holder)),
        _ => unexpected(),
    }
}

/// The page's clock, in Unix seconds.
fn now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
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
            .map_err(|_| SignError::new("eds.revocation_unknown"))
    };
    // Both chains the portal publishes: GOST (NCA RK's keys today) and RSA.
    let mut published = Vec::new();
    for file in ["root-ca.cer", "issuing-ca.cer", "issuing-ca.crl"] {
        published.push(vec![
            fetch(pki(true, file)).await?,
            fetch(pki(false, file)).await?,
        ]);
    }
    let [anchors, intermediates, crls]: [Vec<Vec<u8>>; 3] = published
        .try_into()
        .map_err(|_| SignError::new("eds.malformed"))?;
    let request = SignerRequest::Verify {
        signature: signature.to_vec(),
        document: document.to_vec(),
        anchors,
        intermediates,
        crls,
        iin: Some(iin.to_string()),
        now: now(),
    };
    match call(request).await? {
        SignerAnswer::Verified {
            holder,
            signing_time,
        } => Ok((holder, signing_time)),
        _ => unexpected(),
    }
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
