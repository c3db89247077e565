//! Applications: drafts and their answers, scoped to their owner. Another applicant's
//! application is indistinguishable from one that does not exist.

use crate::db::{Db, now};
use qyzmet_domain::api::{ApplicationView, AttachmentView};
use qyzmet_domain::form::Answers;
use qyzmet_domain::status::Status;

/// An application row with its database id (never shown) and owner.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub account_id: i64,
    pub provider_id: String,
    pub view: ApplicationView,
}

pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A random, unguessable public id (128 bits, hex).
pub fn new_public_id() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(crate::hex::hex(&bytes))
}

const COLUMNS: &str = "id, public_id, account_id, service_id, variant_id, provider_id, status, answers, version, registration_number, registered_at, due_date, created_at, updated_at, last_step, channel, applicant_iin, applicant_name, applicant_phone";

/// An `applications` row, as stored.
#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: i64,
    public_id: String,
    account_id: i64,
    service_id: String,
    variant_id: String,
    provider_id: String,
    #[sqlx(try_from = "String")]
    status: Status,
    #[sqlx(try_from = "String")]
    answers: StoredAnswers,
    version: i64,
    registration_number: Option<String>,
    registered_at: Option<i64>,
    due_date: Option<String>,
    created_at: i64,
    updated_at: i64,
    last_step: Option<String>,
    #[sqlx(try_from = "String")]
    channel: qyzmet_domain::catalogue::Channel,
    applicant_iin: Option<String>,
    applicant_name: Option<String>,
    applicant_phone: Option<String>,
}

/// The answers column: JSON of the domain's answers.
struct StoredAnswers(qyzmet_domain::form::Answers);

impl TryFrom<String> for StoredAnswers {
    type Error = serde_json::Error;

    fn try_from(json: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&json).map(StoredAnswers)
    }
}

impl From<ApplicationRow> for Stored {
    fn from(r: ApplicationRow) -> Stored {
        Stored {
            id: r.id,
            account_id: r.account_id,
            provider_id: r.provider_id,
            view: ApplicationView {
                id: r.public_id,
                service_id: r.service_id,
                variant_id: r.variant_id,
                status: r.status,
                answers: r.answers.0,
                version: r.version,
                attachments: Vec::new(),
                registration_number: r.registration_number,
                registered_at: r.registered_at.map(rfc3339),
                due_date: r.due_date,
                created_at: rfc3339(r.created_at),
                updated_at: rfc3339(r.updated_at),
                last_step: r.last_step,
                channel: r.channel,
                on_behalf: r.applicant_iin.map(|id| qyzmet_domain::api::OnBehalf {
                    id,
                    name: r.applicant_name.unwrap_or_default(),
                    phone: r.applicant_phone.unwrap_or_default(),
                }),
            },
        }
    }
}

pub struct NewDraft<'a> {
    pub account_id: i64,
    pub service_id: &'a str,
    pub variant_id: &'a str,
    pub provider_id: &'a str,
    /// Entered at a counter for this person (their consent given then).
    pub counter: Option<Counter<'a>>,
}

/// An application entered at a counter: where, and for whom (IIN or BIN, kept in
/// `applicant_iin`).
pub struct Counter<'a> {
    pub channel: qyzmet_domain::catalogue::Channel,
    pub id: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub consent_at: i64,
}

/// Why a draft could not be started.
#[derive(Debug)]
pub enum StartError {
    ServiceNotFound,
    /// The service is applied for only at the provider's office.
    OfficeOnly,
    /// Not for this kind of applicant (a person, a company).
    NotAdmitted,
    /// No such variant of the service.
    UnknownVariant,
    Failed(anyhow::Error),
}

/// A new draft of `service_id` (its `variant`, or its main one) for `account`: what "Start
/// application" does, through the API or the service page's form.
pub async fn start(
    db: &Db,
    catalogue: &qyzmet_domain::catalogue::Catalogue,
    account: &qyzmet_domain::api::AccountView,
    service_id: &str,
    variant: Option<&str>,
) -> Result<Stored, StartError> {
    use qyzmet_domain::api::AccountKind;
    let service = catalogue
        .service(service_id)
        .ok_or(StartError::ServiceNotFound)?;
    if !service.online() {
        return Err(StartError::OfficeOnly);
    }
    let admitted = match account.kind {
        AccountKind::Individual => service.applicants.admits_individual(),
        AccountKind::Company => service.applicants.admits_company(),
    };
    if !admitted {
        return Err(StartError::NotAdmitted);
    }
    let variant = match variant {
        Some(v) => service.variant(v).ok_or(StartError::UnknownVariant)?,
        None => service.main_variant(),
    };
    let draft = NewDraft {
        account_id: account.id,
        service_id: &service.id,
        variant_id: &variant.id,
        provider_id: &service.providers[0],
        counter: None,
    };
    create_draft(db, &draft).await.map_err(StartError::Failed)
}

pub async fn create_draft(db: &Db, d: &NewDraft<'_>) -> anyhow::Result<Stored> {
    let public_id = new_public_id()?;
    let t = now();
    let counter = d.counter.as_ref();
    sqlx::query(
        "INSERT INTO applications (public_id, account_id, service_id, variant_id, provider_id, status, answers, version, created_at, updated_at, channel, applicant_iin, applicant_name, applicant_phone, consent_at) \
         VALUES ($1, $2, $3, $4, $5, 'draft', '{}', 1, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(public_id.clone())
    .bind(d.account_id)
    .bind(d.service_id.to_string())
    .bind(d.variant_id.to_string())
    .bind(d.provider_id.to_string())
    .bind(t)
    .bind(t)
    .bind(counter.map_or("portal", |c| c.channel.code()))
    .bind(counter.map(|c| c.id.to_string()))
    .bind(counter.map(|c| c.name.to_string()))
    .bind(counter.map(|c| c.phone.to_string()))
    .bind(counter.map(|c| c.consent_at))
    .execute(&db.pool)
    .await?;
    get_owned(db, d.account_id, &public_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new draft vanished"))
}

/// A request accepted at a counter for the person or company `iin` (IIN or BIN; not the
/// draft the staff member keeps until acceptance), with its attachments.
pub async fn get_for_person(db: &Db, iin: &str, public_id: &str) -> sqlx::Result<Option<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE public_id = $1 AND applicant_iin = $2 AND status <> 'draft'"
    );
    let row: Option<ApplicationRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(public_id.to_string())
        .bind(iin.to_string())
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => {
            let mut s = Stored::from(r);
            s.view.attachments = attachments_of(db, s.id).await?;
            Ok(Some(s))
        }
        None => Ok(None),
    }
}

/// The owner's application with its attachments, or `None` (absent or someone else's).
pub async fn get_owned(db: &Db, account_id: i64, public_id: &str) -> sqlx::Result<Option<Stored>> {
    let sql =
        format!("SELECT {COLUMNS} FROM applications WHERE public_id = $1 AND account_id = $2");
    let row = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(public_id.to_string())
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    with_attachments(db, row).await
}

async fn with_attachments(db: &Db, row: Option<ApplicationRow>) -> sqlx::Result<Option<Stored>> {
    let Some(mut stored) = row.map(Stored::from) else {
        return Ok(None);
    };
    stored.view.attachments = attachments_of(db, stored.id).await?;
    Ok(Some(stored))
}

/// The same by the internal id (an idempotent repeat knows only that).
pub async fn get_owned_by_id(db: &Db, account_id: i64, id: i64) -> sqlx::Result<Option<Stored>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1 AND account_id = $2");
    let row = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    with_attachments(db, row).await
}

/// An application by its internal id, whoever owns it: only for the public check of a printed
/// document, which its code (`document_codes`) opens.
pub async fn get_by_id(db: &Db, id: i64) -> sqlx::Result<Option<Stored>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
    let row = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    with_attachments(db, row).await
}

/// The account's applications, and — for a person — the requests accepted for them at a
/// counter (`person_iin`), newest first.
pub async fn list_owned(
    db: &Db,
    account_id: i64,
    person_iin: Option<&str>,
    status: Option<Status>,
    number: Option<&str>,
) -> sqlx::Result<Vec<ApplicationView>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE account_id = $1 OR (applicant_iin = $2 AND status <> 'draft') \
         ORDER BY updated_at DESC, id DESC"
    );
    let rows: Vec<ApplicationRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(person_iin.unwrap_or_default().to_string())
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let mut s = Stored::from(r);
        if status.is_some_and(|st| st != s.view.status) {
            continue;
        }
        if let Some(q) = number.map(str::trim).filter(|q| !q.is_empty())
            && !s
                .view
                .registration_number
                .as_deref()
                .is_some_and(|n| n.contains(q))
        {
            continue;
        }
        s.view.attachments = attachments_of(db, s.id).await?;
        out.push(s.view);
    }
    Ok(out)
}

/// Why answers were not saved.
#[derive(Debug)]
pub enum SaveError {
    NotFound,
    NotDraft,
    /// Someone saved since `version` was read; here is the application now.
    Stale(Box<Stored>),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Db(e)
    }
}

/// Saves answers over the version the client read; the version check and the write are one
/// statement, so of two concurrent saves exactly one wins.
pub async fn save_answers(
    db: &Db,
    account_id: i64,
    public_id: &str,
    version: i64,
    answers: &Answers,
) -> Result<Stored, SaveError> {
    let json = serde_json::to_string(answers)
        .map_err(|e| SaveError::Db(sqlx::Error::Protocol(e.to_string())))?;
    let done = sqlx::query(
        "UPDATE applications SET answers = $1, version = version + 1, updated_at = $2 \
         WHERE public_id = $3 AND account_id = $4 AND version = $5 AND status = 'draft'",
    )
    .bind(json)
    .bind(now())
    .bind(public_id.to_string())
    .bind(account_id)
    .bind(version)
    .execute(&db.pool)
    .await?;
    let current = get_owned(db, account_id, public_id)
        .await?
        .ok_or(SaveError::NotFound)?;
    if done.rows_affected() == 1 {
        return Ok(current);
    }
    if current.view.status != Status::Draft {
        return Err(SaveError::NotDraft);
    }
    Err(SaveError::Stale(Box::new(current)))
}

/// Deletes a draft (and its attachment rows; the files stay while other rows share them).
pub async fn delete_draft(db: &Db, account_id: i64, public_id: &str) -> Result<(), SaveError> {
    let current = get_owned(db, account_id, public_id)
        .await?
        .ok_or(SaveError::NotFound)?;
    if current.view.status != Status::Draft {
        return Err(SaveError::NotDraft);
    }
    sqlx::query("DELETE FROM attachments WHERE application_id = $1")
        .bind(current.id)
        .execute(&db.pool)
        .await?;
    sqlx::query("DELETE FROM applications WHERE id = $1 AND status = 'draft'")
        .bind(current.id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// An `attachments` row as the application lists it.
#[derive(sqlx::FromRow)]
struct AttachmentRow {
    document_id: String,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    created_at: i64,
}

impl From<AttachmentRow> for AttachmentView {
    fn from(r: AttachmentRow) -> AttachmentView {
        AttachmentView {
            document_id: r.document_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size.max(0) as u64,
            sha256: r.sha256,
            uploaded_at: rfc3339(r.created_at),
        }
    }
}

pub async fn attachments_of(db: &Db, application_id: i64) -> sqlx::Result<Vec<AttachmentView>> {
    let rows: Vec<AttachmentRow> = sqlx::query_as(
        "SELECT document_id, file_name, content_type, size, sha256, created_at FROM attachments WHERE application_id = $1 ORDER BY document_id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(AttachmentView::from).collect())
}

/// Remembers the editor step a draft's owner opened; false when it is no longer a draft.
pub async fn set_last_step(db: &Db, application_id: i64, step: &str) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE applications SET last_step = $1 WHERE id = $2 AND status = 'draft'")
            .bind(step.to_string())
            .bind(application_id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Everything that keeps a draft from being signed: the form's answers as the domain's
/// validator judges them today, and the required documents without a file.
pub fn completeness_errors(
    variant: &qyzmet_domain::catalogue::Variant,
    view: &qyzmet_domain::api::ApplicationView,
) -> Vec<qyzmet_domain::form::FieldError> {
    use qyzmet_domain::form::{self, FieldError};
    let mut errors = match &variant.form {
        Some(schema) => form::validate(
            schema,
            &view.answers,
            &form::Context {
                today: crate::db::today(),
            },
        )
        .err()
        .unwrap_or_default(),
        None => Vec::new(),
    };
    let attached = view.attachments.iter().map(|a| a.document_id.as_str());
    for id in variant.missing_documents(attached) {
        errors.push(FieldError {
            field: format!("documents.{id}"),
            code: "document.required".into(),
            params: Default::default(),
        });
    }
    errors
}
