//! Signing with eGov mobile by QR code or cross link: NITEC's "API No. 1 / API No. 2"
//! protocol (specification v5; see `../shared/research/kz-eds.md` § C), in its exact field
//! names. The portal shows `mobileSign:` + the API No. 1 URL as a QR code (or, on a phone,
//! the cross link that opens the app with it); the app reads API No. 1 for who asks and where
//! the documents are, reads them from API No. 2 with the bearer token, signs each and puts the
//! same JSON back with the signatures in place of the data.
//!
//! The server answers these shapes and the TEST phone signer (`cargo xtask mobile-sign`)
//! sends them, so both sides share one definition.

use serde::{Deserialize, Serialize};

/// What the QR code's text starts with, before the API No. 1 URL.
pub const QR_PREFIX: &str = "mobileSign:";
/// The cross link that opens eGov mobile on the same phone (v5 form), before the URL-encoded
/// API No. 1 URL.
pub const CROSS_LINK: &str = "https://m.egov.kz/mobileSign/?link=";
/// How long a link may be used (NITEC leaves it to the portal; 180 s is the usual choice).
pub const LINK_LIFETIME_SECONDS: i64 = 180;
/// API No. 2's `signMethod` for a detached CMS over each document's bytes.
pub const CMS_SIGN_ONLY: &str = "CMS_SIGN_ONLY";
/// API No. 1's `auth_type` when API No. 2 wants the bearer token it hands out.
pub const AUTH_TOKEN: &str = "Token";

/// API No. 1: who asks for the signature, until when, and where the documents are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningRequest {
    pub description: String,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSS` and the offset, Kazakhstan time.
    pub expiry_date: String,
    pub organisation: Organisation,
    pub document: DocumentsLink,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    #[serde(rename = "nameRu")]
    pub name_ru: String,
    #[serde(rename = "nameKz")]
    pub name_kz: String,
    #[serde(rename = "nameEn")]
    pub name_en: String,
    pub bin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentsLink {
    /// The API No. 2 URL.
    pub uri: String,
    /// `Token`, `Eds` or `None`.
    pub auth_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<String>,
}

/// API No. 2: the documents to sign (GET), and the same with signatures in place (PUT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentsToSign {
    pub sign_method: String,
    pub version: u32,
    pub documents_to_sign: Vec<DocumentToSign>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentToSign {
    pub id: u32,
    pub name_ru: String,
    pub name_kz: String,
    pub name_en: String,
    #[serde(default)]
    pub meta: Vec<Meta>,
    pub document: FileDocument,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDocument {
    pub file: File,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub mime: String,
    /// Base64: the document's bytes (GET), the detached CMS over them (PUT).
    pub data: String,
}

/// The QR code's text for an API No. 1 URL.
pub fn qr_text(api1: &str) -> String {
    format!("{QR_PREFIX}{api1}")
}

/// The cross link for an API No. 1 URL: the URL percent-encoded as a query value.
pub fn cross_link(api1: &str) -> String {
    let mut link = String::from(CROSS_LINK);
    for b in api1.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            link.push(b as char);
        } else {
            link.push_str(&format!("%{b:02X}"));
        }
    }
    link
}

/// The API No. 1 URL in a QR code's text or a cross link, as the phone app reads them.
pub fn api1_of(scanned: &str) -> Option<String> {
    if let Some(url) = scanned.strip_prefix(QR_PREFIX) {
        return Some(url.to_string());
    }
    let encoded = scanned.strip_prefix(CROSS_LINK)?;
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_text_and_the_cross_link_carry_the_api1_url() {
        let api1 = "https://portal.example/api/mgovSign/Ab-9_x?lang=kk";
        assert_eq!(
            qr_text(api1),
            "mobileSign:https://portal.example/api/mgovSign/Ab-9_x?lang=kk"
        );
        let link = cross_link(api1);
        assert_eq!(
            link,
            "https://m.egov.kz/mobileSign/?link=https%3A%2F%2Fportal.example%2Fapi%2FmgovSign%2FAb-9_x%3Flang%3Dkk"
        );
        assert_eq!(api1_of(&link).as_deref(), Some(api1));
        assert_eq!(api1_of(&qr_text(api1)).as_deref(), Some(api1));
        assert_eq!(api1_of("https://evil.example/?link=x"), None);
    }

    #[test]
    fn the_messages_use_the_specifications_field_names() {
        let request = SigningRequest {
            description: "d".into(),
            expiry_date: "2026-11-30T19:30:00.000+05:00".into(),
            organisation: Organisation {
                name_ru: "ru".into(),
                name_kz: "kz".into(),
                name_en: "en".into(),
                bin: "000000000000".into(),
            },
            document: DocumentsLink {
                uri: "u".into(),
                auth_type: AUTH_TOKEN.into(),
                auth_token: Some("t".into()),
            },
        };
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["organisation"]["nameKz"], "kz");
        assert_eq!(json["document"]["auth_type"], "Token");
        assert_eq!(json["document"]["auth_token"], "t");
        assert_eq!(json["expiry_date"], "2026-11-30T19:30:00.000+05:00");
        let documents = DocumentsToSign {
            sign_method: CMS_SIGN_ONLY.into(),
            version: 1,
            documents_to_sign: vec![DocumentToSign {
                id: 1,
                name_ru: "a".into(),
                name_kz: "b".into(),
                name_en: "c".into(),
                meta: vec![],
                document: FileDocument {
                    file: File {
                        mime: "text/plain".into(),
                        data: "ZG9j".into(),
                    },
                },
            }],
        };
        let json = serde_json::to_value(&documents).unwrap();
        assert_eq!(json["signMethod"], "CMS_SIGN_ONLY");
        assert_eq!(json["documentsToSign"][0]["nameEn"], "c");
        assert_eq!(
            json["documentsToSign"][0]["document"]["file"]["data"],
            "ZG9j"
        );
    }
}
