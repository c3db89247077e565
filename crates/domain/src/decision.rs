//! The decision document: what an officer signs with their EDS when they satisfy or refuse a
//! request. Like the outgoing document its bytes are canonical (compact JSON, fields in
//! declaration order, a format tag), so the applicant's browser and OpenSSL verify the
//! officer's signature over exactly what the server stored.

use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "qyzmet-decision/1";

crate::coded::coded_enum! {
    /// The stored and sent text is the code (`satisfied`, `refused`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Outcome {
        Satisfied = "satisfied",
        Refused = "refused",
    }
}

impl Outcome {
    pub fn status(self) -> crate::status::Status {
        match self {
            Outcome::Satisfied => crate::status::Status::Satisfied,
            Outcome::Refused => crate::status::Status::Refused,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDocument {
    pub format: String,
    pub registration_number: String,
    pub service_id: String,
    /// The service's name in Kazakh, as the regulation gives it.
    pub service_name: String,
    pub provider_id: String,
    /// The applicant's IIN or BIN and name.
    pub applicant_id: String,
    pub applicant_name: String,
    pub outcome: Outcome,
    /// The reasoned refusal (required for a refusal), or a note with a satisfaction.
    pub reason: Option<String>,
    pub officer_iin: String,
    pub officer_name: String,
    /// RFC 3339, UTC, whole seconds.
    pub decided_at: String,
}

impl DecisionDocument {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("strings always serialise")
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<DecisionDocument> {
        serde_json::from_slice::<DecisionDocument>(bytes)
            .ok()
            .filter(|d| d.format == FORMAT)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_outcome_reads_back_from_its_code_and_nothing_else_reads() {
        use super::Outcome;
        for o in [Outcome::Satisfied, Outcome::Refused] {
            assert_eq!(Outcome::from_code(o.code()), Some(o));
            assert_eq!(
                serde_json::to_string(&o).unwrap(),
                format!("\"{}\"", o.code())
            );
        }
        assert_eq!(Outcome::from_code("Refused"), None);
        assert_eq!(Outcome::from_code(""), None);
    }

    use super::*;

    #[test]
    fn the_bytes_are_canonical_and_read_back() {
        let d = DecisionDocument {
            format: FORMAT.into(),
            registration_number: "2026-000001".into(),
            service_id: "guardianship".into(),
            service_name: "Қамқоршылық".into(),
            provider_id: "local-executive-body".into(),
            applicant_id: "880315412341".into(),
            applicant_name: "Нұрланова Айгүл".into(),
            outcome: Outcome::Refused,
            reason: Some("Құжаттар толық емес".into()),
            officer_iin: "770214324684".into(),
            officer_name: "Мұхамедиев Серік".into(),
            decided_at: "2026-11-23T06:30:00Z".into(),
        };
        let golden = concat!(
            r#"{"format":"qyzmet-decision/1","registration_number":"2026-000001","service_id":"guardianship","#,
            r#""service_name":"Қамқоршылық","provider_id":"local-executive-body","applicant_id":"880315412341","#,
            r#""applicant_name":"Нұрланова Айгүл","outcome":"refused","reason":"Құжаттар толық емес","#,
            r#""officer_iin":"770214324684","officer_name":"Мұхамедиев Серік","decided_at":"2026-11-23T06:30:00Z"}"#
        );
        assert_eq!(String::from_utf8(d.to_bytes()).unwrap(), golden);
        assert_eq!(DecisionDocument::from_bytes(&d.to_bytes()), Some(d));
        assert_eq!(DecisionDocument::from_bytes(br#"{"format":"other"}"#), None);
    }
}
