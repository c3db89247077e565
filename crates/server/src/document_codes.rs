//! The short codes printed on documents (`qyzmet_domain::document_code`): one per request and
//! document — its receipt, its result — made when the document is first printed and kept, so
//! every copy of the paper carries the same code. Looking a code up is public
//! (`GET /api/verify/{code}`, `http/verify.rs`) and shows only what the paper itself shows.

use crate::db::{Db, now};
use qyzmet_domain::api::VerifiedDocumentView;
use qyzmet_domain::document_code::DocumentCode;
use sqlx::Row;

/// Which of a request's documents a code is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The receipt of the registered application.
    Receipt,
    /// The result or the reasoned refusal, drawn from the officer's signed decision.
    Result,
}

impl Document {
    pub fn code(self) -> &'static str {
        match self {
            Document::Receipt => "receipt",
            Document::Result => "result",
        }
    }

    fn from_code(code: &str) -> Option<Document> {
        match code {
            "receipt" => Some(Document::Receipt),
            "result" => Some(Document::Result),
            _ => None,
        }
    }
}

async fn existing(
    db: &Db,
    application_id: i64,
    document: Document,
) -> sqlx::Result<Option<DocumentCode>> {
    let row =
        sqlx::query("SELECT code FROM document_codes WHERE application_id = $1 AND document = $2")
            .bind(application_id)
            .bind(document.code())
            .fetch_optional(&db.pool)
            .await?;
    Ok(row
        .map(|r| r.try_get::<String, _>("code"))
        .transpose()?
        .and_then(|c| DocumentCode::parse(&c)))
}

/// The code printed on a request's document, made on first use. Two instances printing the
/// same document at once agree: the second insert does nothing and both read the first.
pub async fn code_for(
    db: &Db,
    application_id: i64,
    document: Document,
) -> anyhow::Result<DocumentCode> {
    if let Some(code) = existing(db, application_id, document).await? {
        return Ok(code);
    }
    // 50 random bits: a clash with another document's code is unlikely, and retried.
    for _ in 0..3 {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let code = DocumentCode::from_random(u64::from_le_bytes(bytes));
        sqlx::query(
            "INSERT INTO document_codes (code, application_id, document, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(code.as_str().to_string())
        .bind(application_id)
        .bind(document.code())
        .bind(now())
        .execute(&db.pool)
        .await?;
        if let Some(code) = existing(db, application_id, document).await? {
            return Ok(code);
        }
    }
    anyhow::bail!("no free document code after three tries")
}

/// The request and document a code was printed on.
pub async fn find(db: &Db, code: &DocumentCode) -> sqlx::Result<Option<(i64, Document)>> {
    let row = sqlx::query("SELECT application_id, document FROM document_codes WHERE code = $1")
        .bind(code.as_str().to_string())
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let document: String = row.try_get("document")?;
    let application_id: i64 = row.try_get("application_id")?;
    Ok(Document::from_code(&document).map(|d| (application_id, d)))
}

/// What a printed code shows (`GET /api/verify/{code}` and the page `/verify/<code>`): what the
/// paper itself says, the signed document's hash and, for a result, the signed decision;
/// `None` for a code nobody printed.
/// The request is handed back with it (what a caller adds to the view is read from it).
pub async fn verified(
    db: &Db,
    raw: &str,
) -> sqlx::Result<Option<(crate::applications::Stored, VerifiedDocumentView)>> {
    let Some(code) = DocumentCode::parse(raw) else {
        return Ok(None);
    };
    let Some((application_id, document)) = find(db, &code).await? else {
        return Ok(None);
    };
    let Some(stored) = crate::applications::get_by_id(db, application_id).await? else {
        return Ok(None);
    };
    let (issued_at, sha256, decision) = match document {
        Document::Receipt => {
            let Some(submission) = crate::requests::submission_of(db, stored.id).await? else {
                return Ok(None);
            };
            (
                stored.view.registered_at.clone().unwrap_or_default(),
                crate::hex::sha256_hex(&submission.outgoing_document),
                None,
            )
        }
        Document::Result => {
            let Some(decision) = crate::officers::decision_of(db, stored.id).await? else {
                return Ok(None);
            };
            (
                crate::applications::rfc3339(decision.signed_at),
                crate::hex::sha256_hex(&decision.document),
                Some(decision.view()),
            )
        }
    };
    let view = VerifiedDocumentView {
        code: code.to_string(),
        document: document.code().into(),
        registration_number: stored.view.registration_number.clone().unwrap_or_default(),
        service_id: stored.view.service_id.clone(),
        provider_id: stored.provider_id.clone(),
        status: stored.view.status,
        issued_at,
        sha256,
        decision,
        collection: None,
    };
    Ok(Some((stored, view)))
}
