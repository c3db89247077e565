//! The officers' side of requests, read: the provider's queue, one request with its history
//! and its decision. Moves are made through `lifecycle`.

use crate::applications::{self, Stored};
use crate::db::Db;
use qyzmet_domain::api::HistoryView;
use qyzmet_domain::appointment::Appointment;
use qyzmet_domain::status::{Actor, Status};
use sqlx::Row;

/// A request of the provider with who applied.
pub struct ProviderRequest {
    pub stored: Stored,
    pub applicant_id: String,
    pub applicant_name: String,
}

/// The provider's registered requests (drafts are the applicant's alone).
pub async fn requests_of(db: &Db, provider_id: &str) -> sqlx::Result<Vec<ProviderRequest>> {
    let rows = sqlx::query(
        "SELECT a.public_id, a.account_id, acc.login, acc.display_name FROM applications a \
         JOIN accounts acc ON acc.id = a.account_id WHERE a.provider_id = $1 AND a.status <> 'draft'",
    )
    .bind(provider_id.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let public_id: String = r.try_get("public_id")?;
        if let Some(stored) =
            applications::get_owned(db, r.try_get("account_id")?, &public_id).await?
        {
            out.push(ProviderRequest {
                stored,
                applicant_id: r.try_get("login")?,
                applicant_name: r.try_get("display_name")?,
            });
        }
    }
    Ok(out)
}

/// One registered request of the provider, or `None` (absent, a draft, another provider's).
pub async fn find(
    db: &Db,
    provider_id: &str,
    public_id: &str,
) -> sqlx::Result<Option<ProviderRequest>> {
    let row = sqlx::query(
        "SELECT a.account_id, acc.login, acc.display_name FROM applications a JOIN accounts acc ON acc.id = a.account_id \
         WHERE a.public_id = $1 AND a.provider_id = $2 AND a.status <> 'draft'",
    )
    .bind(public_id.to_string())
    .bind(provider_id.to_string())
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let stored = applications::get_owned(db, r.try_get("account_id")?, public_id).await?;
    Ok(stored.map(|stored| ProviderRequest {
        stored,
        applicant_id: r.try_get("login").unwrap_or_default(),
        applicant_name: r.try_get("display_name").unwrap_or_default(),
    }))
}

/// A `history` row: one status change.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    #[sqlx(try_from = "String")]
    from_status: Status,
    #[sqlx(try_from = "String")]
    to_status: Status,
    #[sqlx(try_from = "String")]
    actor: Actor,
    at: i64,
    note: Option<String>,
    appointment_at: Option<String>,
    appointment_place: Option<String>,
}

impl From<HistoryRow> for HistoryView {
    fn from(r: HistoryRow) -> HistoryView {
        HistoryView {
            from: r.from_status,
            to: r.to_status,
            actor: r.actor,
            at: applications::rfc3339(r.at),
            note: r.note,
            appointment: Appointment::from_columns(r.appointment_at, r.appointment_place),
        }
    }
}

/// Every status change of a request, oldest first.
pub async fn history(db: &Db, application_id: i64) -> sqlx::Result<Vec<HistoryView>> {
    let rows: Vec<HistoryRow> = sqlx::query_as("SELECT from_status, to_status, actor, at, note, appointment_at, appointment_place FROM history WHERE application_id = $1 ORDER BY id")
        .bind(application_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(HistoryView::from).collect())
}

/// The stored decision of a request.
pub struct StoredDecision {
    pub outcome: qyzmet_domain::decision::Outcome,
    pub reason: Option<String>,
    pub document: Vec<u8>,
    pub signature: Vec<u8>,
    pub signer: String,
    pub signer_iin: String,
    pub signed_at: i64,
}

impl StoredDecision {
    /// The signed decision as the app reads it (its document and signature in base64).
    pub fn view(self) -> qyzmet_domain::api::DecisionView {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        qyzmet_domain::api::DecisionView {
            outcome: self.outcome,
            reason: self.reason,
            signer: self.signer,
            signer_iin: self.signer_iin,
            signed_at: crate::applications::rfc3339(self.signed_at),
            document: b64.encode(&self.document),
            signature: b64.encode(&self.signature),
        }
    }
}

/// A `decisions` row, as read back.
#[derive(sqlx::FromRow)]
struct DecisionRow {
    #[sqlx(try_from = "String")]
    outcome: qyzmet_domain::decision::Outcome,
    reason: Option<String>,
    document: Vec<u8>,
    signature: Vec<u8>,
    signer: String,
    signer_iin: String,
    signed_at: i64,
}

pub async fn decision_of(db: &Db, application_id: i64) -> sqlx::Result<Option<StoredDecision>> {
    let row: Option<DecisionRow> = sqlx::query_as("SELECT outcome, reason, document, signature, signer, signer_iin, signed_at FROM decisions WHERE application_id = $1")
        .bind(application_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| StoredDecision {
        outcome: r.outcome,
        reason: r.reason,
        document: r.document,
        signature: r.signature,
        signer: r.signer,
        signer_iin: r.signer_iin,
        signed_at: r.signed_at,
    }))
}
