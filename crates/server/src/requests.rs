//! What was registered: the signed outgoing document and signature stored with a request.

use crate::db::Db;
use sqlx::Row;

/// The stored signed document and signature of a registered request.
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
    let row = sqlx::query("SELECT outgoing_document, signature, signer, signer_id, signed_at, ocsp_response FROM submissions WHERE application_id = $1")
        .bind(application_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(StoredSubmission {
            outgoing_document: r.try_get("outgoing_document")?,
            signature: r.try_get("signature")?,
            signer: r.try_get("signer")?,
            signer_id: r.try_get("signer_id")?,
            signed_at: r.try_get("signed_at")?,
            ocsp_response: r.try_get("ocsp_response")?,
        })
    })
    .transpose()
}
