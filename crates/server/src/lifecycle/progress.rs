//! A request's place in its provider's process (`qyzmet_domain::process`): read from its
//! row, and each step written — who made it, in which role, when — in the same transaction
//! as the status move it brings (the examination beginning takes a registered request into
//! review; the signed decision satisfies or refuses it).

use crate::staff::StaffMember;
use qyzmet_domain::calendar::{WorkCalendar, in_kazakhstan};
use qyzmet_domain::catalogue::Channel;
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::process::{
    OfficeHours, Performer, Prepared, ProcessStep, Progress, StepAction, StepEvent,
};
use time::{OffsetDateTime, PrimitiveDateTime};

/// Where a request stands: the steps of its variant for the door it came in by, its
/// progress through them and when the whole request falls due.
#[derive(Debug, Clone)]
pub struct Standing {
    pub steps: Vec<ProcessStep>,
    pub progress: Progress,
    pub request_due: PrimitiveDateTime,
}

impl Standing {
    /// When the current step falls due (Kazakhstan's local time), if a step is left.
    pub fn due(&self) -> Option<PrimitiveDateTime> {
        self.progress.due(
            &self.steps,
            self.request_due,
            &OfficeHours::default(),
            WorkCalendar::kazakhstan(),
        )
    }

    /// Whether the current step is past its due moment at `now`.
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.due().is_some_and(|due| local(now) > due)
    }

    /// Whether a request that came in by `channel` now waits at a counter to be collected:
    /// accepted there (not through the portal), at its last step, the result given out in
    /// person.
    pub fn ready_for_collection(&self, channel: Channel) -> bool {
        channel != Channel::Portal
            && Some(self.progress.step) == self.steps.len().checked_sub(1)
            && self
                .steps
                .last()
                .is_some_and(|s| s.action == StepAction::Issue)
    }
}

/// A moment as Kazakhstan's clocks show it.
pub fn local(at: OffsetDateTime) -> PrimitiveDateTime {
    let k = in_kazakhstan(at);
    PrimitiveDateTime::new(k.date(), k.time())
}

/// A local moment of Kazakhstan as a point in time.
pub fn instant(local: PrimitiveDateTime) -> OffsetDateTime {
    in_kazakhstan(OffsetDateTime::UNIX_EPOCH).replace_date_time(local)
}

fn from_unix(unix: i64) -> PrimitiveDateTime {
    local(OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

/// The process columns of an `applications` row.
#[derive(sqlx::FromRow)]
pub(super) struct ProgressRow {
    process_step: i64,
    step_started_at: Option<i64>,
    step_holder: Option<i64>,
    prepared_by: Option<i64>,
    prepared_outcome: Option<String>,
    prepared_reason: Option<String>,
    registered_at: Option<i64>,
    due_date: Option<String>,
}

impl ProgressRow {
    /// The standing of a request whose variant has `steps`. A request registered before
    /// the process was kept is at its first step since registration.
    pub(super) fn standing(self, steps: Vec<ProcessStep>) -> Standing {
        let started = from_unix(self.step_started_at.or(self.registered_at).unwrap_or(0));
        let prepared = match (self.prepared_by, self.prepared_outcome.as_deref()) {
            (Some(by), Some(code)) => Outcome::from_code(code).map(|outcome| Prepared {
                by,
                outcome,
                reason: self.prepared_reason,
            }),
            _ => None,
        };
        let closes = OfficeHours::default().closes;
        let request_due = self
            .due_date
            .as_deref()
            .and_then(qyzmet_domain::form::parse_date)
            .map(|d| PrimitiveDateTime::new(d, closes))
            .unwrap_or(started);
        Standing {
            steps,
            progress: Progress {
                step: usize::try_from(self.process_step).unwrap_or(0),
                started,
                holder: self.step_holder,
                prepared,
            },
            request_due,
        }
    }
}

pub(super) async fn read(
    db: &crate::db::Db,
    application_id: i64,
) -> sqlx::Result<Option<ProgressRow>> {
    sqlx::query_as(
        "SELECT process_step, step_started_at, step_holder, prepared_by, prepared_outcome, prepared_reason, registered_at, due_date \
         FROM applications WHERE id = $1",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Writes `next` over the progress that was at step `seen` with holder `held`; `false` when
/// someone changed it first (of two clerks completing one step, one wins).
pub(super) async fn write(
    tx: &mut Tx,
    application_id: i64,
    seen: &Progress,
    next: &Progress,
) -> sqlx::Result<bool> {
    let started = instant(next.started).unix_timestamp();
    let prepared = next.prepared.as_ref();
    let done = sqlx::query(
        "UPDATE applications SET process_step = $1, step_started_at = $2, step_holder = $3, \
         prepared_by = $4, prepared_outcome = $5, prepared_reason = $6 \
         WHERE id = $7 AND process_step = $8 AND COALESCE(step_holder, 0) = $9",
    )
    .bind(i64::try_from(next.step).unwrap_or(i64::MAX))
    .bind(started)
    .bind(next.holder)
    .bind(prepared.map(|p| p.by))
    .bind(prepared.map(|p| p.outcome.code()))
    .bind(prepared.and_then(|p| p.reason.clone()))
    .bind(application_id)
    .bind(i64::try_from(seen.step).unwrap_or(i64::MAX))
    .bind(seen.holder.unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One line of the provider's log of the request.
pub(super) struct LogLine<'a> {
    pub step: usize,
    pub event: StepEvent,
    pub by: &'a StaffMember,
    pub role: Performer,
    pub executor: Option<i64>,
    pub note: Option<&'a str>,
    pub at: i64,
}

pub(super) async fn log(tx: &mut Tx, application_id: i64, line: LogLine<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO process_log (application_id, step, event, account_id, role, executor, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(application_id)
    .bind(i64::try_from(line.step).unwrap_or(i64::MAX))
    .bind(line.event.code())
    .bind(line.by.account_id)
    .bind(line.role.code())
    .bind(line.executor)
    .bind(line.note.map(str::to_owned))
    .bind(line.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
