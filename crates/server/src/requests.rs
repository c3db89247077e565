//! What was registered: the signed outgoing document and signature stored with a request.

use crate::db::Db;

/// The stored signed document and signature of a registered request.
#[derive(sqlx::FromRow)]
pub struct StoredSubmission {
    pub outgoing_document: Vec<u8>,
    pub signature: Vec<u8>,
    pub signer: String,
    pub signer_id: Option<String>,
    pub signed_at: i64,
    /// The OCSP answer the signature was accepted on (`None`: the CRL decided).
    pub ocsp_response: Option<Vec<u8>>,
}

pub async fn submission_of(db: &Db, application_id: i64) -> sqlx::Result<Option<StoredSubmission>> {
    sqlx::query_as("SELECT outgoing_document, signature, signer, signer_id, signed_at, ocsp_response FROM submissions WHERE application_id = $1")
        .bind(application_id)
        .fetch_optional(&db.pool)
        .await
}
