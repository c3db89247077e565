//! The one place a request's status changes.
//!
//! Registration of a signed submission, an officer's move, a signed decision and the
//! applicant's withdrawal all come here: the move is checked against the domain's status
//! machine (who may make it, whether the service has the step, a refusal's reason, a
//! testing appointment), then written in one transaction with its history row (who and
//! when), the owner's notification and, for a decision, the signed decision; once it
//! commits, the live event streams are told. Nothing else in the server writes
//! `applications.status` after the draft (grep for `SET status` finds this module alone).
//!
//! A move names the status its maker saw: if someone moved the request meanwhile the update
//! matches no row and the answer is [`MoveError::Changed`] — of two officers deciding at
//! once, one wins.

mod progress;
mod register;

pub use progress::{Standing, instant, local};

pub use register::{
    KeyUse, RegisterError, Registered, Submission, VerifiedSignature, idempotency_key_use,
    ocsp_evidence,
};

use crate::applications::Stored;
use crate::db::Db;
use crate::notifications::Events;
use crate::staff::{self, StaffMember};
use qyzmet_domain::appointment::{self, Appointment};
use qyzmet_domain::catalogue::Catalogue;
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::form::FieldError;
use qyzmet_domain::process::{Done, Performer, ProcessStep, StepError, StepEvent};
use qyzmet_domain::status::{self, Actor, HistoryEntry, ServiceSteps, Status, TransitionError};
use time::OffsetDateTime;

/// The lifecycle over one server's database, live streams and catalogue.
#[derive(Clone, Copy)]
pub struct Lifecycle<'a> {
    db: &'a Db,
    events: &'a Events,
    catalogue: &'a Catalogue,
}

/// Why a move was not made.
#[derive(Debug)]
pub enum MoveError {
    /// The request is no longer in the status its maker saw: someone moved it first.
    Changed,
    /// The status machine does not allow it (or a refusal lacks its reason).
    NotAllowed(TransitionError),
    /// Scheduling testing without a valid appointment, or an appointment on another move.
    Appointment(Vec<FieldError>),
    /// Satisfied and refused are reached only with a signed decision ([`Lifecycle::decide`]).
    DecisionNeedsSignature,
    /// The provider's process does not let this member of staff do it now.
    Step(StepError),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for MoveError {
    fn from(e: sqlx::Error) -> Self {
        MoveError::Db(e)
    }
}

impl From<StepError> for MoveError {
    fn from(e: StepError) -> Self {
        MoveError::Step(e)
    }
}

/// An intermediate move asked for: to `to`, from the status `seen`.
pub struct Move<'a> {
    pub seen: Status,
    pub to: Status,
    pub note: Option<String>,
    pub appointment: Option<&'a Appointment>,
}

/// The signed decision a final move stores.
pub struct SignedDecision<'a> {
    pub outcome: Outcome,
    pub reason: Option<&'a str>,
    pub document: &'a [u8],
    pub signature: &'a [u8],
    pub signer: &'a str,
    pub signer_iin: &'a str,
    pub signed_at: i64,
    /// The CA's OCSP answer the signature was accepted on (`None`: the CRL decided).
    pub ocsp_response: Option<Vec<u8>>,
}

impl<'a> Lifecycle<'a> {
    pub fn new(db: &'a Db, events: &'a Events, catalogue: &'a Catalogue) -> Self {
        Lifecycle {
            db,
            events,
            catalogue,
        }
    }

    /// The steps the request's service has (testing, an interested body).
    fn steps(&self, request: &Stored) -> ServiceSteps {
        self.catalogue
            .service(&request.view.service_id)
            .and_then(|s| s.variant(&request.view.variant_id))
            .map(|v| v.steps)
            .unwrap_or_default()
    }

    /// The regulation's steps for the request's variant and the door it came in by (none
    /// for a variant the catalogue lost: such a request cannot move on).
    fn process(&self, request: &Stored) -> Vec<ProcessStep> {
        let service = self.catalogue.service(&request.view.service_id);
        service
            .and_then(|s| Some((s, s.variant(&request.view.variant_id)?)))
            .map(|(s, v)| s.process_for(v, request.view.channel))
            .unwrap_or_default()
    }

    /// Where `request` stands in its provider's process.
    pub async fn standing(&self, request: &Stored) -> sqlx::Result<Standing> {
        let row = progress::read(self.db, request.id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        let mut standing = row.standing(self.process(request));
        // A withdrawn request leaves the provider's process: nothing is left to do on it.
        if request.view.status == Status::Withdrawn {
            standing.progress.step = standing.steps.len();
        }
        Ok(standing)
    }

    /// The status moves `by` may make on `request` now (what the officer's console offers):
    /// the executor holding it, during the examination.
    pub fn allowed_moves(&self, request: &Stored, at: &Standing, by: &StaffMember) -> Vec<Status> {
        if at.progress.may_move(&at.steps, by.as_staff()).is_err() {
            return Vec::new();
        }
        status::allowed_moves(request.view.status, Actor::Officer, self.steps(request))
    }

    /// Whether `by` may move `request` from its current status to `to` now: the history
    /// entry the move would write, or why not. Also what a decision document is formed on.
    pub fn check(
        &self,
        request: &Stored,
        by: Actor,
        to: Status,
        note: Option<String>,
        at: OffsetDateTime,
    ) -> Result<HistoryEntry, MoveError> {
        status::transition(request.view.status, to, by, self.steps(request), at, note)
            .map_err(MoveError::NotAllowed)
    }

    /// Registers a verified, signed submission: draft → registered (see [`register`]).
    pub async fn register(
        &self,
        submission: &Submission<'_>,
        now: OffsetDateTime,
    ) -> Result<Registered, RegisterError> {
        let registered = register::register(self.db, submission, now).await?;
        if let Some(id) = registered.notification {
            self.events.committed(self.db, id).await;
        }
        Ok(registered)
    }

    /// An intermediate move (take into review, schedule testing, send to or receive from the
    /// interested body). Decisions go through [`Lifecycle::decide`].
    pub async fn move_to(
        &self,
        request: &Stored,
        by: &StaffMember,
        m: Move<'_>,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        if matches!(m.to, Status::Satisfied | Status::Refused) {
            return Err(MoveError::DecisionNeedsSignature);
        }
        if request.view.status != m.seen {
            return Err(MoveError::Changed);
        }
        let standing = self.standing(request).await?;
        standing.progress.may_move(&standing.steps, by.as_staff())?;
        let entry = self.check(request, Actor::Officer, m.to, m.note, at)?;
        let local = qyzmet_domain::calendar::in_kazakhstan(at);
        let errors = appointment::errors_for_move(
            m.appointment,
            m.to,
            time::PrimitiveDateTime::new(local.date(), local.time()),
        );
        if !errors.is_empty() {
            return Err(MoveError::Appointment(errors));
        }
        self.commit(request.id, &entry, by.account_id, m.appointment, None)
            .await
    }

    /// The applicant takes a registered request back before a decision.
    pub async fn withdraw(
        &self,
        request: &Stored,
        applicant_account_id: i64,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        let entry = self.check(request, Actor::Applicant, Status::Withdrawn, None, at)?;
        self.commit(request.id, &entry, applicant_account_id, None, None)
            .await
    }

    /// The signed decision of whoever makes the process's decision step (the head, where
    /// the regulation has the head sign; never who prepared it): the request becomes
    /// satisfied or refused, with the decision stored beside the move and the step done.
    pub async fn decide(
        &self,
        request: &Stored,
        by: &StaffMember,
        decision: SignedDecision<'_>,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        let standing = self.standing(request).await?;
        let (steps, seen) = (standing.steps.as_slice(), &standing.progress);
        seen.may_decide(steps, by.as_staff(), decision.outcome)?;
        let role = step_role(steps, seen.step);
        let done = Done::Decided {
            outcome: decision.outcome,
        };
        let next = seen.complete(steps, seen.step, by.as_staff(), done, local(at))?;
        let to = decision.outcome.status();
        let reason = decision.reason.map(str::to_owned);
        let entry = self.check(request, Actor::Officer, to, reason, at)?;
        let mut tx = self.db.begin_write().await?;
        let notification = write_move_in(
            &mut tx,
            request.id,
            &entry,
            by.account_id,
            None,
            Some(decision),
        )
        .await?
        .ok_or(MoveError::Changed)?
        .notification;
        if !progress::write(&mut tx, request.id, seen, &next).await? {
            return Err(MoveError::Changed);
        }
        let line = progress::LogLine {
            step: seen.step,
            event: StepEvent::Decided,
            by,
            role,
            executor: None,
            note: None,
            at: at.unix_timestamp(),
        };
        progress::log(&mut tx, request.id, line).await?;
        tx.commit().await?;
        if let Some(id) = notification {
            self.events.committed(self.db, id).await;
        }
        Ok(())
    }

    /// The current step, which `by` saw as `seen`, done as `done`. Naming an executor names
    /// one of the provider's; the examination beginning takes a registered request into
    /// review (the applicant is told); the result's decision is only ever [`Self::decide`].
    pub async fn complete_step(
        &self,
        request: &Stored,
        by: &StaffMember,
        seen: usize,
        done: Done,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        let standing = self.standing(request).await?;
        let (steps, was) = (standing.steps.as_slice(), &standing.progress);
        if let Done::Assign { executor } = done
            && !staff::is_executor(self.db, &request.provider_id, executor).await?
        {
            return Err(StepError::ExecutorRequired.into());
        }
        // An uncollected result goes back only past its keeping period.
        if done == Done::Returned && !standing.overdue(at) {
            return Err(StepError::NotReturnable.into());
        }
        let event = done.event();
        let executor = match done {
            Done::Assign { executor } => Some(executor),
            _ => None,
        };
        let note = match &done {
            Done::HandedOver { representative } => representative.clone(),
            _ => None,
        };
        let next = was.complete(steps, seen, by.as_staff(), done, local(at))?;
        let review = (request.view.status == Status::Registered && next.in_examination(steps))
            .then(|| self.check(request, Actor::Officer, Status::InReview, None, at))
            .transpose()?;
        let mut tx = self.db.begin_write().await?;
        if !progress::write(&mut tx, request.id, was, &next).await? {
            return Err(MoveError::Changed);
        }
        let line = progress::LogLine {
            step: seen,
            event,
            by,
            role: step_role(steps, seen),
            executor,
            note: note.as_deref(),
            at: at.unix_timestamp(),
        };
        progress::log(&mut tx, request.id, line).await?;
        let notification = match &review {
            Some(entry) => {
                write_move_in(&mut tx, request.id, entry, by.account_id, None, None)
                    .await?
                    .ok_or(MoveError::Changed)?
                    .notification
            }
            None => None,
        };
        tx.commit().await?;
        if let Some(id) = notification {
            self.events.committed(self.db, id).await;
        }
        Ok(())
    }

    /// The head names another executor for `request`, with `reason` (kept in the log).
    pub async fn reassign(
        &self,
        request: &Stored,
        by: &StaffMember,
        executor: i64,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        if !staff::is_executor(self.db, &request.provider_id, executor).await? {
            return Err(StepError::ExecutorRequired.into());
        }
        let standing = self.standing(request).await?;
        let was = &standing.progress;
        let next = was.reassign(&standing.steps, by.as_staff(), executor, reason)?;
        let mut tx = self.db.begin_write().await?;
        if !progress::write(&mut tx, request.id, was, &next).await? {
            return Err(MoveError::Changed);
        }
        let line = progress::LogLine {
            step: was.step,
            event: StepEvent::Reassigned,
            by,
            role: Performer::Head,
            executor: Some(executor),
            note: Some(reason.trim()),
            at: at.unix_timestamp(),
        };
        progress::log(&mut tx, request.id, line).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the move, then tells the owner's open streams.
    async fn commit(
        &self,
        application_id: i64,
        entry: &HistoryEntry,
        account_id: i64,
        appointment: Option<&Appointment>,
        decision: Option<SignedDecision<'_>>,
    ) -> Result<(), MoveError> {
        let notification = write_move(
            self.db,
            application_id,
            entry,
            account_id,
            appointment,
            decision,
        )
        .await?
        .ok_or(MoveError::Changed)?
        .notification;
        if let Some(id) = notification {
            self.events.committed(self.db, id).await;
        }
        Ok(())
    }
}

/// Who makes step `index` as the log records it: its performer (an interested body's
/// answer is recorded by the executor).
fn step_role(steps: &[ProcessStep], index: usize) -> Performer {
    match steps.get(index).map(|s| s.performer) {
        Some(Performer::InterestedBody) | None => Performer::Executor,
        Some(p) => p,
    }
}

/// A move written: the applicant's notification, if they have an account to receive it.
struct Moved {
    notification: Option<i64>,
}

/// The move from `entry.from` to `entry.to` with its history row, the applicant's
/// notification (and, for a decision, the signed decision) in one transaction. `Some` when
/// moved; `None`: the request was no longer in `entry.from`.
async fn write_move(
    db: &Db,
    application_id: i64,
    entry: &HistoryEntry,
    actor_account_id: i64,
    appointment: Option<&Appointment>,
    decision: Option<SignedDecision<'_>>,
) -> sqlx::Result<Option<Moved>> {
    let mut tx = db.begin_write().await?;
    let notification = write_move_in(
        &mut tx,
        application_id,
        entry,
        actor_account_id,
        appointment,
        decision,
    )
    .await?;
    if notification.is_some() {
        tx.commit().await?;
    }
    Ok(notification)
}

/// [`write_move`] inside a transaction the caller commits.
async fn write_move_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    application_id: i64,
    entry: &HistoryEntry,
    actor_account_id: i64,
    appointment: Option<&Appointment>,
    decision: Option<SignedDecision<'_>>,
) -> sqlx::Result<Option<Moved>> {
    let at = entry.at.unix_timestamp();
    let moved = sqlx::query(
        "UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(entry.to.code())
    .bind(at)
    .bind(application_id)
    .bind(entry.from.code())
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query("INSERT INTO history (application_id, from_status, to_status, actor, actor_account_id, at, note, appointment_at, appointment_place) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(application_id)
        .bind(entry.from.code())
        .bind(entry.to.code())
        .bind(entry.actor.code())
        .bind(actor_account_id)
        .bind(at)
        .bind(entry.note.clone())
        .bind(appointment.map(|a| a.at.clone()))
        .bind(appointment.map(|a| a.place.trim().to_string()))
        .execute(&mut **tx)
        .await?;
    if let Some(d) = decision {
        sqlx::query(
            "INSERT INTO decisions (application_id, outcome, reason, document, signature, signer, signer_iin, officer_account_id, signed_at, ocsp_response) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(application_id)
        .bind(d.outcome.code())
        .bind(d.reason.map(str::to_owned))
        .bind(d.document.to_vec())
        .bind(d.signature.to_vec())
        .bind(d.signer.to_string())
        .bind(d.signer_iin.to_string())
        .bind(actor_account_id)
        .bind(d.signed_at)
        .bind(d.ocsp_response.clone())
        .execute(&mut **tx)
        .await?;
    }
    // The applicant's notification names the testing date and place.
    let notification = crate::notifications::record(
        tx,
        application_id,
        entry.to,
        entry.note.as_deref(),
        appointment,
        at,
    )
    .await?;
    Ok(Some(Moved { notification }))
}

#[cfg(test)]
mod tests {
    use super::register::tests::{draft, setup, signature, submission};
    use super::*;
    use crate::notifications::Events;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 06:00 UTC);

    fn catalogue() -> Catalogue {
        crate::catalogue::load_dir(std::path::Path::new(crate::DEFAULT_CATALOGUE_DIR)).unwrap()
    }

    /// A registered guardianship request of the demo citizen.
    async fn registered(db: &Db, account: i64, key: &str) -> Stored {
        let id = draft(db, account).await;
        let sig = signature();
        register::register(db, &submission(account, id, &sig, key), NOW)
            .await
            .unwrap();
        reread(db, account, id).await
    }

    /// The request as it stands now.
    async fn reread(db: &Db, account: i64, id: i64) -> Stored {
        crate::applications::get_owned_by_id(db, account, id)
            .await
            .unwrap()
            .unwrap()
    }

    /// A demo member of the guardianship authority's staff, by IIN.
    async fn staff(db: &Db, login: &str) -> StaffMember {
        let id = crate::accounts::find_by_login(db, login)
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        crate::staff::member(db, id, "local-executive-body")
            .await
            .unwrap()
    }

    const CLERK: &str = "770214324684"; // office + executor
    const HEAD: &str = "741009410712";
    const EXECUTOR: &str = "850814441689";

    fn to(seen: Status, to: Status) -> Move<'static> {
        Move {
            seen,
            to,
            note: None,
            appointment: None,
        }
    }

    fn decision(outcome: Outcome, reason: Option<&str>) -> SignedDecision<'_> {
        SignedDecision {
            outcome,
            reason,
            document: b"{}",
            signature: &[0x30, 0x00],
            signer: "TEST",
            signer_iin: "850101300001",
            signed_at: 0,
            ocsp_response: None,
        }
    }

    /// 004's first steps: the office (`clerk`) registers, `head` names `clerk` the executor.
    async fn assigned(
        life: &Lifecycle<'_>,
        request: &Stored,
        clerk: &StaffMember,
        head: &StaffMember,
    ) {
        life.complete_step(request, clerk, 0, Done::Plain, NOW)
            .await
            .unwrap();
        let named = Done::Assign {
            executor: clerk.account_id,
        };
        life.complete_step(request, head, 1, named, NOW)
            .await
            .unwrap();
    }

    fn refusal() -> Done {
        Done::Prepare {
            outcome: Outcome::Refused,
            reason: Some("Incomplete".into()),
        }
    }

    async fn history_rows(db: &Db, id: i64) -> Vec<(String, String, Option<i64>)> {
        use sqlx::Row;
        sqlx::query("SELECT from_status, to_status, actor_account_id FROM history WHERE application_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("from_status"), r.get("to_status"), r.get("actor_account_id")))
            .collect()
    }

    async fn log_rows(db: &Db, id: i64) -> Vec<(i64, String, String, Option<String>)> {
        use sqlx::Row;
        sqlx::query(
            "SELECT step, event, role, note FROM process_log WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("step"), r.get("event"), r.get("role"), r.get("note")))
        .collect()
    }

    #[tokio::test]
    async fn a_request_walks_its_regulations_steps_each_written_with_who_and_when() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let mut live = events.subscribe();
        let life = Lifecycle::new(&db, &events, &catalogue);
        let (clerk, head, executor) = (
            staff(&db, CLERK).await,
            staff(&db, HEAD).await,
            staff(&db, EXECUTOR).await,
        );
        let request = registered(&db, account, "k").await;
        // 004 §5: the office registers first; nobody else may, nor move the status yet.
        assert!(matches!(
            life.complete_step(&request, &head, 0, Done::Plain, NOW)
                .await,
            Err(MoveError::Step(StepError::NotYourRole))
        ));
        assert!(matches!(
            life.move_to(
                &request,
                &clerk,
                to(Status::Registered, Status::InReview),
                NOW
            )
            .await,
            Err(MoveError::Step(StepError::NotYourRole))
        ));
        life.complete_step(&request, &clerk, 0, Done::Plain, NOW)
            .await
            .unwrap();
        // Two clicks of one clerk: the second saw step 0, which is gone.
        assert!(matches!(
            life.complete_step(&request, &clerk, 0, Done::Plain, NOW)
                .await,
            Err(MoveError::Step(StepError::Stale))
        ));
        // The head names an executor of this provider, not just anyone.
        assert!(matches!(
            life.complete_step(&request, &head, 1, Done::Assign { executor: account }, NOW)
                .await,
            Err(MoveError::Step(StepError::ExecutorRequired))
        ));
        assert!(
            live.try_recv().is_err(),
            "steps before review are the provider's"
        );
        life.complete_step(
            &request,
            &head,
            1,
            Done::Assign {
                executor: clerk.account_id,
            },
            NOW,
        )
        .await
        .unwrap();
        // The examination began: the applicant sees "in review", told live.
        let request = reread(&db, account, request.id).await;
        assert_eq!(request.view.status, Status::InReview);
        assert_eq!(live.try_recv().unwrap().account_id, account);
        // Only the named executor examines: the other cannot prepare, nor decide.
        assert!(matches!(
            life.complete_step(&request, &executor, 2, refusal(), NOW)
                .await,
            Err(MoveError::Step(StepError::HeldByAnother))
        ));
        life.complete_step(&request, &clerk, 2, refusal(), NOW)
            .await
            .unwrap();
        let request = reread(&db, account, request.id).await;
        // The head signs what was prepared (refused), never the opposite.
        assert!(matches!(
            life.decide(&request, &head, decision(Outcome::Satisfied, None), NOW)
                .await,
            Err(MoveError::Step(StepError::NotAsPrepared))
        ));
        // A refusal needs its reason in the signed decision too.
        assert!(matches!(
            life.decide(&request, &head, decision(Outcome::Refused, Some("  ")), NOW)
                .await,
            Err(MoveError::NotAllowed(TransitionError::ReasonRequired))
        ));
        life.decide(
            &request,
            &head,
            decision(Outcome::Refused, Some("Incomplete")),
            NOW,
        )
        .await
        .unwrap();
        let request = reread(&db, account, request.id).await;
        assert!(matches!(
            life.withdraw(&request, account, NOW).await,
            Err(MoveError::NotAllowed(_))
        ));
        // The office issues it: the process is over.
        life.complete_step(&request, &clerk, 4, Done::Plain, NOW)
            .await
            .unwrap();
        let standing = life.standing(&request).await.unwrap();
        assert_eq!(standing.progress.current(&standing.steps), None);
        assert_eq!(
            history_rows(&db, request.id).await,
            [
                ("draft".into(), "registered".into(), None),
                (
                    "registered".into(),
                    "in_review".into(),
                    Some(head.account_id)
                ),
                ("in_review".into(), "refused".into(), Some(head.account_id)),
            ]
        );
        let log: Vec<_> = log_rows(&db, request.id)
            .await
            .into_iter()
            .map(|(step, event, role, _)| (step, event, role))
            .collect();
        let row = |step: i64, event: &str, role: &str| (step, event.to_string(), role.to_string());
        assert_eq!(
            log,
            [
                row(0, "completed", "office"),
                row(1, "assigned", "head"),
                row(2, "prepared", "executor"),
                row(3, "decided", "head"),
                row(4, "completed", "office"),
            ]
        );
    }

    #[tokio::test]
    async fn who_prepared_a_result_may_not_sign_it_even_as_a_head() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let life = Lifecycle::new(&db, &events, &catalogue);
        // The clerk-executor is made a head too (a small authority): four eyes still hold.
        let clerk = staff(&db, CLERK).await;
        crate::staff::grant(
            &db,
            clerk.account_id,
            "local-executive-body",
            Performer::Head,
            0,
        )
        .await
        .unwrap();
        let clerk = staff(&db, CLERK).await;
        let request = registered(&db, account, "k").await;
        assigned(&life, &request, &clerk, &clerk).await;
        life.complete_step(&request, &clerk, 2, refusal(), NOW)
            .await
            .unwrap();
        let request = reread(&db, account, request.id).await;
        assert!(matches!(
            life.decide(
                &request,
                &clerk,
                decision(Outcome::Refused, Some("Incomplete")),
                NOW
            )
            .await,
            Err(MoveError::Step(StepError::FourEyes))
        ));
        let head = staff(&db, HEAD).await;
        life.decide(
            &request,
            &head,
            decision(Outcome::Refused, Some("Incomplete")),
            NOW,
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn the_head_reassigns_with_a_reason_and_the_first_executor_lets_go() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let life = Lifecycle::new(&db, &events, &catalogue);
        let (clerk, head, executor) = (
            staff(&db, CLERK).await,
            staff(&db, HEAD).await,
            staff(&db, EXECUTOR).await,
        );
        let request = registered(&db, account, "k").await;
        assigned(&life, &request, &clerk, &head).await;
        let request = reread(&db, account, request.id).await;
        assert!(matches!(
            life.reassign(&request, &clerk, executor.account_id, "On leave", NOW)
                .await,
            Err(MoveError::Step(StepError::NotYourRole))
        ));
        life.reassign(&request, &head, executor.account_id, "On leave", NOW)
            .await
            .unwrap();
        assert!(matches!(
            life.move_to(
                &request,
                &clerk,
                to(Status::InReview, Status::AwaitingInterestedBody),
                NOW
            )
            .await,
            Err(MoveError::Step(StepError::HeldByAnother))
        ));
        life.complete_step(&request, &executor, 2, refusal(), NOW)
            .await
            .unwrap();
        let log = log_rows(&db, request.id).await;
        assert_eq!(
            log[2],
            (
                2,
                "reassigned".into(),
                "head".into(),
                Some("On leave".into())
            )
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn of_two_heads_deciding_at_once_one_wins() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let life = Lifecycle::new(&db, &events, &catalogue);
        let (clerk, head) = (staff(&db, CLERK).await, staff(&db, HEAD).await);
        let second = staff(&db, EXECUTOR).await;
        crate::staff::grant(
            &db,
            second.account_id,
            "local-executive-body",
            Performer::Head,
            0,
        )
        .await
        .unwrap();
        let second = staff(&db, EXECUTOR).await;
        let request = registered(&db, account, "k").await;
        assigned(&life, &request, &clerk, &head).await;
        life.complete_step(&request, &clerk, 2, refusal(), NOW)
            .await
            .unwrap();
        let request = reread(&db, account, request.id).await;
        let (a, b) = {
            let first = life.decide(&request, &head, decision(Outcome::Refused, Some("No")), NOW);
            let other = life.decide(
                &request,
                &second,
                decision(Outcome::Refused, Some("No")),
                NOW,
            );
            tokio::join!(first, other)
        };
        // The loser either lost the write (`Changed`) or read the step already done.
        let lost = |r: &Result<(), MoveError>| {
            matches!(
                r,
                Err(MoveError::Changed | MoveError::Step(StepError::Finished))
            )
        };
        assert!(
            (a.is_ok() && lost(&b)) || (lost(&a) && b.is_ok()),
            "{a:?} {b:?}"
        );
        let decisions: i64 = {
            use sqlx::Row;
            sqlx::query("SELECT COUNT(*) AS n FROM decisions")
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .get("n")
        };
        assert_eq!(decisions, 1);
    }

    #[tokio::test]
    async fn the_applicant_withdraws_before_a_decision() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let life = Lifecycle::new(&db, &events, &catalogue);
        let request = registered(&db, account, "k").await;
        life.withdraw(&request, account, NOW).await.unwrap();
        let rows = history_rows(&db, request.id).await;
        assert_eq!(
            rows[1],
            ("registered".into(), "withdrawn".into(), Some(account))
        );
    }

    /// The module's promise, kept by reading the source: no other module of the server
    /// writes a request's status.
    #[test]
    fn nothing_else_writes_a_status() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let writers: Vec<_> = files
            .iter()
            .filter(|f| {
                let text = std::fs::read_to_string(f)
                    .unwrap()
                    .replace(char::is_whitespace, "");
                text.contains("UPDATEapplicationsSETstatus")
            })
            .map(|f| f.strip_prefix(&src).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(writers.len(), 2, "{writers:?}");
        assert!(
            writers.iter().all(|w| w.starts_with("lifecycle")),
            "{writers:?}"
        );
    }
}
