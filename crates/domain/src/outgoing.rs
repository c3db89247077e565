//! The outgoing document (шығыс құжат): what an applicant reviews and signs with their EDS.
//!
//! Its bytes must be the same wherever and whenever they are built from the same request —
//! the signature is over them, and OpenSSL or an officer verifies against them later. So the
//! layout is fixed: compact JSON, fields in declaration order, answers in key order (they
//! are `BTreeMap`s), no floats, time in whole seconds UTC, and a format tag to version it.

use crate::form::Answers;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "qyzmet-outgoing-document/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingDocument {
    pub format: String,
    pub service_id: String,
    /// The service's name in Kazakh, as the regulation gives it.
    pub service_name: String,
    pub variant_id: String,
    pub provider_id: String,
    pub applicant: Applicant,
    pub answers: Answers,
    pub attachments: Vec<AttachedFile>,
    /// RFC 3339, UTC, whole seconds: when the document was formed.
    pub formed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// `iin` or `bin`.
    pub id_kind: String,
    pub id: String,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedFile {
    pub document_id: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
}

impl OutgoingDocument {
    /// The canonical bytes: what is signed and stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut sorted = self.clone();
        sorted
            .attachments
            .sort_by(|a, b| a.document_id.cmp(&b.document_id));
        serde_json::to_vec(&sorted).expect("strings and maps always serialise")
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<OutgoingDocument> {
        serde_json::from_slice::<OutgoingDocument>(bytes)
            .ok()
            .filter(|d| d.format == FORMAT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Answer;

    fn sample() -> OutgoingDocument {
        OutgoingDocument {
            format: FORMAT.into(),
            service_id: "guardianship".into(),
            service_name: "Қамқоршылық".into(),
            variant_id: "main".into(),
            provider_id: "local-executive-body".into(),
            applicant: Applicant {
                id_kind: "iin".into(),
                id: "880315412341".into(),
                name: "Нұрланова Айгүл".into(),
                phone: "+77011234567".into(),
            },
            answers: [
                ("phone".to_string(), Answer::Text("+77011234567".into())),
                ("address".to_string(), Answer::Text("Тараз".into())),
            ]
            .into_iter()
            .collect(),
            attachments: vec![
                AttachedFile {
                    document_id: "b".into(),
                    file_name: "b.pdf".into(),
                    size: 2,
                    sha256: "bb".into(),
                },
                AttachedFile {
                    document_id: "a".into(),
                    file_name: "a.pdf".into(),
                    size: 1,
                    sha256: "aa".into(),
                },
            ],
            formed_at: "2026-11-23T06:30:00Z".into(),
        }
    }

    #[test]
    fn the_bytes_are_canonical() {
        let golden = concat!(
            r#"{"format":"qyzmet-outgoing-document/1","service_id":"guardianship","service_name":"Қамқоршылық","#,
            r#""variant_id":"main","provider_id":"local-executive-body","applicant":{"id_kind":"iin","id":"880315412341","#,
            r#""name":"Нұрланова Айгүл","phone":"+77011234567"},"answers":{"address":"Тараз","phone":"+77011234567"},"#,
            r#""attachments":[{"document_id":"a","file_name":"a.pdf","size":1,"sha256":"aa"},"#,
            r#"{"document_id":"b","file_name":"b.pdf","size":2,"sha256":"bb"}],"formed_at":"2026-11-23T06:30:00Z"}"#
        );
        assert_eq!(String::from_utf8(sample().to_bytes()).unwrap(), golden);
    }

    #[test]
    fn any_change_changes_the_bytes_and_they_read_back() {
        let a = sample();
        let mut b = sample();
        b.attachments[0].sha256 = "bc".into();
        assert_ne!(a.to_bytes(), b.to_bytes());
        let mut reordered = sample();
        reordered.attachments.reverse();
        assert_eq!(
            a.to_bytes(),
            reordered.to_bytes(),
            "attachment order does not matter"
        );
        let back = OutgoingDocument::from_bytes(&a.to_bytes()).unwrap();
        assert_eq!(back.to_bytes(), a.to_bytes());
        assert!(OutgoingDocument::from_bytes(b"{}").is_none());
    }
}
