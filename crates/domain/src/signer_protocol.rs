//! What the app and the signer worker (`crates/signer`) say to each other, one request at a
//! time, as JSON text through `postMessage`. Both sides (de)serialise these types, so a field
//! renamed on one side is a compile error on the other, not a silently missing value.
//!
//! The key file and its password travel in a [`SignerRequest`]; they are wiped from memory
//! when the request is dropped (its `Drop`), on both sides.

use crate::api::CertificateHolder;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// What a key is used for: the regulations separate signing keys (RSA…/GOST…) from login
/// keys (AUTH…), and the certificate's key usage says which a key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Signing,
    Authentication,
}

/// Why signing or a check failed: a code with a message `error.<code>` in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignError {
    pub code: String,
}

impl SignError {
    pub fn new(code: &str) -> SignError {
        SignError {
            code: code.to_string(),
        }
    }

    /// Which input the message belongs beside: the password, or the key file.
    pub fn field<'a>(&self, file_field: &'a str, password_field: &'a str) -> &'a str {
        if self.code == "eds.wrong_password" {
            password_field
        } else {
            file_field
        }
    }
}

/// A request to the worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SignerRequest {
    /// Open the key file: whose it is and what it may do.
    Inspect { file: Vec<u8>, password: String },
    /// A detached CMS signature over `document` at `now` (Unix seconds, the page's clock).
    Sign {
        file: Vec<u8>,
        password: String,
        document: Vec<u8>,
        purpose: Purpose,
        now: i64,
    },
    /// Check a signature against the CA certificates and CRLs the portal publishes.
    Verify {
        signature: Vec<u8>,
        document: Vec<u8>,
        anchors: Vec<Vec<u8>>,
        intermediates: Vec<Vec<u8>>,
        crls: Vec<Vec<u8>>,
        /// The IIN the signer must have (`None`: anyone).
        iin: Option<String>,
        now: i64,
    },
}

impl Drop for SignerRequest {
    fn drop(&mut self) {
        match self {
            SignerRequest::Inspect { file, password }
            | SignerRequest::Sign { file, password, .. } => {
                file.zeroize();
                password.zeroize();
            }
            SignerRequest::Verify { .. } => {}
        }
    }
}

/// The worker's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum SignerAnswer {
    /// Sent once, when the worker's wasm has started.
    Ready,
    Inspected {
        holder: CertificateHolder,
        signing: bool,
        authentication: bool,
    },
    Signed {
        /// Base64 of the DER CMS.
        signature: String,
        holder: CertificateHolder,
    },
    Verified {
        holder: CertificateHolder,
        signing_time: Option<i64>,
    },
    Failed(SignError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_answers_go_through_json_unchanged() {
        let request = SignerRequest::Sign {
            file: vec![1, 2, 3],
            password: "secret".into(),
            document: b"{}".to_vec(),
            purpose: Purpose::Authentication,
            now: 1_780_000_000,
        };
        let text = serde_json::to_string(&request).unwrap();
        assert!(text.starts_with(r#"{"op":"sign""#), "{text}");
        match &serde_json::from_str::<SignerRequest>(&text).unwrap() {
            SignerRequest::Sign {
                purpose, document, ..
            } => assert_eq!(
                (*purpose, document.as_slice()),
                (Purpose::Authentication, &b"{}"[..])
            ),
            other => panic!("{other:?}"),
        }
        let failed = SignerAnswer::Failed(SignError::new("eds.wrong_password"));
        let text = serde_json::to_string(&failed).unwrap();
        assert_eq!(text, r#"{"answer":"failed","code":"eds.wrong_password"}"#);
        assert_eq!(serde_json::from_str::<SignerAnswer>(&text).unwrap(), failed);
    }

    #[test]
    fn a_wrong_password_belongs_beside_the_password() {
        let e = SignError::new("eds.wrong_password");
        assert_eq!(e.field("file", "password"), "password");
        assert_eq!(
            SignError::new("eds.expired").field("file", "password"),
            "file"
        );
    }
}
