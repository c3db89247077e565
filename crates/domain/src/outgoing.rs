//! The outgoing document (шығыс құжат): what an applicant reviews and signs with their EDS.
//!
//! Its bytes must be the same wherever and whenever they are built from the same request —
//! the signature is over them, and OpenSSL or an officer verifies against them later. So the
//! layout is fixed: compact JSON, fields in declaration order, answers in key order (they
//! are `BTreeMap`s), no floats, time in whole seconds UTC, and a format tag to version it.
//!
//! Format 2 names the application it was formed for (its public id): a signature proves which
//! request its holder signed, so the same `.p7s` cannot register a second, identical draft.
//! Format 1 documents (no id) are still read, for requests registered before it.

use crate::form::Answers;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "qyzmet-outgoing-document/2";
/// Read back only (requests registered before documents named their application).
const FORMAT_1: &str = "qyzmet-outgoing-document/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingDocument {
    pub format: String,
    /// The application's public id: the one request this document (and its signature) is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub application_id: String,
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
    /// Accepted at a counter: who accepted it there and signs it (the applicant is the
    /// person it is for). Absent for the portal, so those documents are as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<Acceptor>,
}

/// The member of staff who accepted an application at a counter, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptor {
    /// `state_corporation` or `provider_office`.
    pub channel: String,
    pub iin: String,
    pub name: String,
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
            .filter(|d| {
                (d.format == FORMAT && !d.application_id.is_empty())
                    || (d.format == FORMAT_1 && d.application_id.is_empty())
            })
    }

    /// Whether this document was formed for the application `public_id`.
    pub fn is_for(&self, public_id: &str) -> bool {
        self.format == FORMAT && self.application_id == public_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Answer;

    fn sample() -> OutgoingDocument {
        OutgoingDocument {
            format: FORMAT.into(),
            application_id: "Ab3dE5gH7jK9mN2p".into(),
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
            accepted_by: None,
        }
    }

    #[test]
    fn a_counters_document_names_who_accepted_it_and_a_portal_one_is_as_it_was() {
        let portal = String::from_utf8(sample().to_bytes()).unwrap();
        assert!(!portal.contains("accepted_by"));
        let mut desk = sample();
        desk.accepted_by = Some(Acceptor {
            channel: "state_corporation".into(),
            iin: "870321388405".into(),
            name: "Исабеков Тимур Маратұлы".into(),
        });
        let text = String::from_utf8(desk.to_bytes()).unwrap();
        assert!(text.ends_with(r#""accepted_by":{"channel":"state_corporation","iin":"870321388405","name":"Исабеков Тимур Маратұлы"}}"#), "{text}");
        let read = OutgoingDocument::from_bytes(desk.to_bytes().as_slice()).unwrap();
        assert_eq!(read.accepted_by, desk.accepted_by);
    }

    #[test]
    fn the_bytes_are_canonical() {
        let golden = concat!(
            r#"{"format":"qyzmet-outgoing-document/2","application_id":"Ab3dE5gH7jK9mN2p","service_id":"guardianship","service_name":"Қамқоршылық","#,
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

    #[test]
    fn a_document_names_the_one_application_it_is_for() {
        let a = sample();
        assert!(a.is_for("Ab3dE5gH7jK9mN2p"));
        assert!(!a.is_for("Zz3dE5gH7jK9mN2p"));
        let mut other = sample();
        other.application_id = "Zz3dE5gH7jK9mN2p".into();
        assert_ne!(a.to_bytes(), other.to_bytes(), "the id is signed");
        // A format-2 document without an id is not accepted as one.
        let mut no_id = sample();
        no_id.application_id.clear();
        assert!(OutgoingDocument::from_bytes(&no_id.to_bytes()).is_none());
        // Format 1 (before ids) still reads back, but is for no application.
        let mut old = sample();
        old.application_id.clear();
        old.format = FORMAT_1.into();
        let back = OutgoingDocument::from_bytes(&old.to_bytes()).unwrap();
        assert!(!back.is_for(""));
    }
}
