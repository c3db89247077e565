//! The officers' side of requests, read: the provider's queue, one request with its history
//! and its decision. Moves are made through `lifecycle`.

use crate::applications::{self, Stored};
use crate::db::Db;
use crate::staff::StaffMember;
use qyzmet_domain::api::{
    DataReadView, HistoryView, PreparedView, ProcessView, QueueStep, StaffView, StepLogView,
};
use qyzmet_domain::appointment::Appointment;
use qyzmet_domain::process::{Performer, StepAction, StepEvent, StepKind, kind_of};
use qyzmet_domain::status::{Actor, Status};
use sqlx::Row;

/// A request of the provider with who applied.
pub struct ProviderRequest {
    pub stored: Stored,
    pub applicant_id: String,
    pub applicant_name: String,
}

/// Who applied: the person a counter request is for, else the account that applied.
const APPLICANT: &str = "COALESCE(a.applicant_iin, acc.login) AS login, COALESCE(a.applicant_name, acc.display_name) AS display_name";

/// Which requests a desk sees: a provider its own; the State Corporation those accepted at
/// its offices.
const DESK: &str =
    "(a.provider_id = $1 OR ($1 = 'state-corporation' AND a.channel = 'state_corporation'))";

/// The provider's registered requests (drafts are the applicant's alone).
pub async fn requests_of(db: &Db, provider_id: &str) -> sqlx::Result<Vec<ProviderRequest>> {
    let sql = format!(
        "SELECT a.public_id, a.account_id, {APPLICANT} FROM applications a \
         JOIN accounts acc ON acc.id = a.account_id WHERE {DESK} AND a.status <> 'draft'"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
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
    let sql = format!(
        "SELECT a.account_id, {APPLICANT} FROM applications a JOIN accounts acc ON acc.id = a.account_id \
         WHERE {DESK} AND a.public_id = $2 AND a.status <> 'draft'"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(provider_id.to_string())
        .bind(public_id.to_string())
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

/// The request's step in the queue: who makes it, by when, who holds it.
pub fn queue_step(
    standing: &crate::lifecycle::Standing,
    staff: &[StaffView],
    now: time::OffsetDateTime,
) -> Option<QueueStep> {
    let progress = &standing.progress;
    let step = progress.current(&standing.steps)?;
    let due = standing
        .due()
        .map(|due| applications::rfc3339(crate::lifecycle::instant(due).unix_timestamp()));
    Some(QueueStep {
        index: progress.step,
        performer: step.performer,
        action: step.action,
        due,
        overdue: standing.overdue(now),
        holder: progress.holder.and_then(|h| name_of(staff, h)),
    })
}

fn name_of(staff: &[StaffView], id: i64) -> Option<String> {
    staff.iter().find(|s| s.id == id).map(|s| s.name.clone())
}

/// The tabs a request belongs to for `me`: `mine` (theirs to do now), `assign` and `sign`
/// (a head's), `overdue` (its step is past due: every member of staff sees these).
pub fn tabs_of(
    standing: &crate::lifecycle::Standing,
    me: &StaffMember,
    now: time::OffsetDateTime,
) -> Vec<&'static str> {
    let progress = &standing.progress;
    let Some(step) = progress.current(&standing.steps) else {
        return Vec::new();
    };
    let mut tabs = Vec::new();
    if progress
        .may_complete(&standing.steps, me.as_staff())
        .is_ok()
    {
        tabs.push("mine");
    }
    let head = me.roles.contains(&Performer::Head);
    if head && step.performer == Performer::Head {
        match kind_of(&standing.steps, progress.step) {
            StepKind::Assign => tabs.push("assign"),
            StepKind::Decide => tabs.push("sign"),
            _ if step.action == StepAction::Sign => tabs.push("sign"),
            _ => {}
        }
    }
    if standing.overdue(now) {
        tabs.push("overdue");
    }
    tabs
}

/// A `process_log` row with the names of who did it and whom they named.
#[derive(sqlx::FromRow)]
struct LogRow {
    step: i64,
    #[sqlx(try_from = "String")]
    event: StepEvent,
    by_name: String,
    #[sqlx(try_from = "String")]
    role: Performer,
    executor_name: Option<String>,
    note: Option<String>,
    at: i64,
}

/// What was done in the request's process, oldest first.
pub async fn process_log(db: &Db, application_id: i64) -> sqlx::Result<Vec<StepLogView>> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "SELECT l.step, l.event, a.display_name AS by_name, l.role, e.display_name AS executor_name, l.note, l.at \
         FROM process_log l JOIN accounts a ON a.id = l.account_id LEFT JOIN accounts e ON e.id = l.executor \
         WHERE l.application_id = $1 ORDER BY l.id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StepLogView {
            step: usize::try_from(r.step).unwrap_or(0),
            event: r.event,
            by: r.by_name,
            role: r.role,
            executor: r.executor_name,
            note: r.note,
            at: applications::rfc3339(r.at),
        })
        .collect())
}

/// The request in its provider's process as `me` sees it, with what they may do now.
pub async fn process_view(
    db: &Db,
    request: &applications::Stored,
    standing: &crate::lifecycle::Standing,
    me: &StaffMember,
    staff: Vec<StaffView>,
    now: time::OffsetDateTime,
) -> sqlx::Result<ProcessView> {
    let progress = &standing.progress;
    let steps = standing.steps.as_slice();
    let current = queue_step(standing, &staff, now);
    let kind = progress
        .current(steps)
        .map(|_| kind_of(steps, progress.step));
    let prepared = progress.prepared.as_ref().map(|p| PreparedView {
        outcome: p.outcome,
        reason: p.reason.clone(),
        by: name_of(&staff, p.by).unwrap_or_default(),
    });
    let may_reassign = me.roles.contains(&Performer::Head)
        && progress.reassign(steps, me.as_staff(), 0, "?").is_ok();
    let gives_out = standing.ready_for_collection(request.view.channel);
    let keeps = progress
        .current(steps)
        .is_some_and(|s| matches!(s.time, qyzmet_domain::process::StepTime::CalendarMonths(_)));
    let application_id = request.id;
    Ok(ProcessView {
        gives_out,
        returnable: gives_out && keeps && standing.overdue(now),
        steps: steps.to_vec(),
        current,
        kind,
        prepared,
        log: process_log(db, application_id).await?,
        may_complete: progress.may_complete(steps, me.as_staff()).is_ok(),
        may_reassign,
        executors: staff
            .into_iter()
            .filter(|s| s.roles.contains(&Performer::Executor))
            .collect(),
    })
}

/// Records that `me` read the personal data of request `application_id` (`what`: the
/// request, a file, a printed document): the applicant sees it under "Who looked at my
/// application", the administrator can search it.
pub async fn record_read(
    db: &Db,
    application_id: i64,
    me: &StaffMember,
    what: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO personal_data_reads (application_id, account_id, roles, what, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(application_id)
    .bind(me.account_id)
    .bind(me.roles_code())
    .bind(what.to_string())
    .bind(crate::db::now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A `personal_data_reads` row with the reader's name and provider.
#[derive(sqlx::FromRow)]
struct ReadRow {
    at: i64,
    display_name: String,
    roles: String,
    provider_id: Option<String>,
}

/// Who read request `application_id`'s personal data, newest first, the provider named in
/// `lang`.
pub async fn reads_of(
    db: &Db,
    catalogue: &qyzmet_domain::catalogue::Catalogue,
    application_id: i64,
    lang: qyzmet_domain::Lang,
) -> sqlx::Result<Vec<DataReadView>> {
    let rows: Vec<ReadRow> = sqlx::query_as(
        "SELECT r.at, a.display_name, r.roles, a.provider_id FROM personal_data_reads r \
         JOIN accounts a ON a.id = r.account_id WHERE r.application_id = $1 ORDER BY r.id DESC",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DataReadView {
            at: applications::rfc3339(r.at),
            name: r.display_name,
            roles: r
                .roles
                .split(',')
                .filter_map(Performer::from_code)
                .collect(),
            provider: r
                .provider_id
                .and_then(|p| catalogue.provider(&p).map(|p| p.name.get(lang).to_string()))
                .unwrap_or_default(),
        })
        .collect())
}

/// A `personal_data_reads` row as the administrator searches them.
#[derive(sqlx::FromRow)]
struct AuditReadRow {
    at: i64,
    display_name: String,
    login: String,
    roles: String,
    provider_id: Option<String>,
    registration_number: Option<String>,
    what: String,
}

/// The reads of applicants' data, newest first (at most 200); `search` (part of a reader's
/// name or IIN, or of a registration number) narrows them.
pub async fn reads_search(
    db: &Db,
    catalogue: &qyzmet_domain::catalogue::Catalogue,
    search: Option<&str>,
    lang: qyzmet_domain::Lang,
) -> sqlx::Result<Vec<qyzmet_domain::api::DataReadAuditView>> {
    let pattern = format!("%{}%", search.unwrap_or_default().trim().to_lowercase());
    let rows: Vec<AuditReadRow> = sqlx::query_as(
        "SELECT r.at, acc.display_name, acc.login, r.roles, acc.provider_id, a.registration_number, r.what \
         FROM personal_data_reads r JOIN accounts acc ON acc.id = r.account_id JOIN applications a ON a.id = r.application_id \
         WHERE LOWER(acc.display_name) LIKE $1 OR acc.login LIKE $1 OR COALESCE(a.registration_number, '') LIKE $1 \
         ORDER BY r.id DESC LIMIT 200",
    )
    .bind(pattern)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| qyzmet_domain::api::DataReadAuditView {
            at: applications::rfc3339(r.at),
            reader: r.display_name,
            reader_id: r.login,
            roles: r
                .roles
                .split(',')
                .filter_map(Performer::from_code)
                .collect(),
            provider: r
                .provider_id
                .and_then(|p| catalogue.provider(&p).map(|p| p.name.get(lang).to_string()))
                .unwrap_or_default(),
            registration_number: r.registration_number.unwrap_or_default(),
            what: r.what,
        })
        .collect())
}
