//! NCALayer, the national signing app, as a second signer: when it answers on
//! `wss://127.0.0.1:13579` the user may sign with a key it holds (a token, an ID card, a file)
//! instead of picking a `.p12` here. Its `kz.gov.pki.knca.basics` module signs detached CMS,
//! which the server verifies exactly like the in-browser signer's.

use js_sys::Promise;
use leptos::prelude::window;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::prelude::*;
use qyzmet_domain::signer_protocol::{Purpose, SignError};
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

pub const URL: &str = "wss://127.0.0.1:13579/";

/// The extended key usages NCALayer selects keys by (a key must carry all): e-mail
/// protection marks NCA RK's signing keys, client authentication its login keys; with them
/// the holder's role — a person (1.2.398.3.3.4.1.1) or any employee of a company
/// (1.2.398.3.3.4.1.2; whether they may sign for it, head or right of signature, is the
/// server's check, `qyzmet_eds::SignerRole`). An applicant of unknown kind (logging in) is
/// offered any key for the purpose.
fn key_usage_oids(purpose: Purpose, applicant: Option<Applicant>) -> Vec<&'static str> {
    let usage = match purpose {
        Purpose::Signing => "1.3.6.1.5.5.7.3.4",
        Purpose::Authentication => "1.3.6.1.5.5.7.3.2",
    };
    match applicant {
        None => vec![usage],
        Some(Applicant::Person) => vec![usage, "1.2.398.3.3.4.1.1"],
        Some(Applicant::Company) => vec![usage, "1.2.398.3.3.4.1.2"],
    }
}

/// Who the key must be a key of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applicant {
    Person,
    Company,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignRequest<'a> {
    module: &'static str,
    method: &'static str,
    args: SignArgs<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignArgs<'a> {
    allowed_storages: [&'static str; 5],
    format: &'static str,
    data: &'a str,
    signing_params: SigningParams,
    signer_params: SignerParams<'a>,
    locale: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SigningParams {
    decode: bool,
    encapsulate: bool,
    digested: bool,
    tsa_profile: Empty,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignerParams<'a> {
    ext_key_usage_oids: Vec<&'static str>,
    iin: Option<&'a str>,
    bin: Option<&'a str>,
    chain: [&'static str; 0],
}

/// The `sign` request for `document` (the module decodes the base64 and signs the bytes,
/// detached); `iin`/`bin` make NCALayer offer only the account's keys.
pub fn request(
    document_base64: &str,
    purpose: Purpose,
    iin: Option<&str>,
    bin: Option<&str>,
    locale: &str,
) -> String {
    let request = SignRequest {
        module: "kz.gov.pki.knca.basics",
        method: "sign",
        args: SignArgs {
            allowed_storages: [
                "PKCS12",
                "AKKaztokenStore",
                "AKKZIDCardStore",
                "AKEToken72KStore",
                "AKJaCartaStore",
            ],
            format: "cms",
            data: document_base64,
            signing_params: SigningParams {
                decode: true,
                encapsulate: false,
                digested: false,
                tsa_profile: Empty {},
            },
            signer_params: SignerParams {
                ext_key_usage_oids: key_usage_oids(
                    purpose,
                    match (iin, bin) {
                        (_, Some(_)) => Some(Applicant::Company),
                        (Some(_), None) => Some(Applicant::Person),
                        (None, None) => None,
                    },
                ),
                iin,
                bin,
                chain: [],
            },
            locale,
        },
    };
    serde_json::to_string(&request).unwrap_or_default()
}

#[derive(Deserialize)]
struct Reply {
    status: Option<bool>,
    body: Option<ReplyBody>,
}

#[derive(Deserialize)]
struct ReplyBody {
    result: Option<ReplyResult>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ReplyResult {
    One(String),
    Many(Vec<String>),
}

/// Reads NCALayer's answer: `{status: true, body: {result}}` is a signature (a string, or
/// an array with one), `{status: true, body: {}}` a cancel, `{status: false, …}` an error.
/// Messages without `status` (NCALayer greets with its version) are not answers: `None`.
pub fn answer(message: &str) -> Option<Result<String, SignError>> {
    let reply: Reply = serde_json::from_str(message).ok()?;
    if !reply.status? {
        return Some(Err(SignError {
            code: "eds.ncalayer_error".into(),
        }));
    }
    let signature = match reply.body.and_then(|b| b.result) {
        Some(ReplyResult::One(s)) => Some(s),
        Some(ReplyResult::Many(items)) => items.into_iter().next(),
        None => None,
    };
    Some(
        signature
            .map(|s| s.replace(['\r', '\n'], ""))
            .ok_or(SignError {
                code: "eds.cancelled".into(),
            }),
    )
}

fn open_socket() -> Option<web_sys::WebSocket> {
    web_sys::WebSocket::new(URL).ok()
}

fn base64(bytes: &[u8]) -> Option<String> {
    let binary: String = bytes.iter().map(|&b| char::from(b)).collect();
    window().btoa(&binary).ok()
}

/// Asks NCALayer to sign `document`; it shows its own key choice and PIN dialogs.
pub async fn sign(
    document: &[u8],
    purpose: Purpose,
    iin: Option<&str>,
    bin: Option<&str>,
    locale: &str,
) -> Result<String, SignError> {
    let unavailable = || SignError {
        code: "eds.ncalayer_unavailable".into(),
    };
    let ws = open_socket().ok_or_else(unavailable)?;
    let message = request(
        &base64(document).ok_or_else(unavailable)?,
        purpose,
        iin,
        bin,
        locale,
    );
    let done = Promise::new(&mut |resolve, _| {
        let send_on = ws.clone();
        let message = message.clone();
        let on_open = Closure::once_into_js(move || {
            let _ = send_on.send_with_str(&message);
        });
        let answered = resolve.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let text = e.data().as_string().unwrap_or_default();
                if answer(&text).is_some() {
                    let _ = answered.call1(&JsValue::NULL, &JsValue::from_str(&text));
                }
            });
        let failed = resolve.clone();
        let on_close = Closure::once_into_js(move || {
            let _ = failed.call1(&JsValue::NULL, &JsValue::NULL);
        });
        ws.set_onopen(Some(on_open.unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_close.unchecked_ref()));
        ws.set_onclose(Some(on_close.unchecked_ref()));
        // The socket lives for one request; the handler with it.
        on_message.forget();
    });
    let text = JsFuture::from(done).await.ok().and_then(|v| v.as_string());
    ws.set_onclose(None);
    ws.set_onerror(None);
    let _ = ws.close();
    answer(&text.ok_or_else(unavailable)?).unwrap_or_else(|| Err(unavailable()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_the_basics_modules_detached_cms_sign() {
        let r: serde_json::Value = serde_json::from_str(&request(
            "ZG9j",
            Purpose::Signing,
            Some("880315412341"),
            None,
            "kk",
        ))
        .unwrap();
        assert_eq!(r["module"], "kz.gov.pki.knca.basics");
        assert_eq!(r["method"], "sign");
        assert_eq!(r["args"]["format"], "cms");
        assert_eq!(r["args"]["data"], "ZG9j");
        assert_eq!(r["args"]["signingParams"]["decode"], true);
        assert_eq!(r["args"]["signingParams"]["encapsulate"], false);
        assert_eq!(
            r["args"]["signerParams"]["extKeyUsageOids"],
            serde_json::json!(["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.1"])
        );
        assert_eq!(r["args"]["signerParams"]["iin"], "880315412341");
        let company: serde_json::Value = serde_json::from_str(&request(
            "ZG9j",
            Purpose::Signing,
            None,
            Some("150440001236"),
            "ru",
        ))
        .unwrap();
        assert_eq!(
            company["args"]["signerParams"]["extKeyUsageOids"],
            serde_json::json!(["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.2"])
        );
        let login: serde_json::Value =
            serde_json::from_str(&request("", Purpose::Authentication, None, None, "ru")).unwrap();
        assert_eq!(
            login["args"]["signerParams"]["extKeyUsageOids"][0],
            "1.3.6.1.5.5.7.3.2"
        );
    }

    #[test]
    fn answers_are_a_signature_a_cancel_an_error_or_not_an_answer() {
        let read = answer;
        assert_eq!(
            read(r#"{"status":true,"body":{"result":["MIIB\r\nAA=="]}}"#),
            Some(Ok("MIIBAA==".into()))
        );
        assert_eq!(
            read(r#"{"status":true,"body":{"result":"MIIB"}}"#),
            Some(Ok("MIIB".into()))
        );
        assert_eq!(
            read(r#"{"status":true,"body":{}}"#)
                .unwrap()
                .unwrap_err()
                .code,
            "eds.cancelled"
        );
        assert_eq!(
            read(r#"{"status":false,"code":"500","message":"x"}"#)
                .unwrap()
                .unwrap_err()
                .code,
            "eds.ncalayer_error"
        );
        assert_eq!(read(r#"{"result":{"version":"1.4"}}"#), None);
    }
}
