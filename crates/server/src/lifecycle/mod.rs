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

mod register;

pub use register::{
    KeyUse, RegisterError, Registered, Submission, VerifiedSignature, idempotency_key_use,
    ocsp_evidence,
};

use crate::applications::Stored;
use crate::db::Db;
use crate::notifications::Events;
use qyzmet_domain::appointment::{self, Appointment};
use qyzmet_domain::catalogue::Catalogue;
use qyzmet_domain::decision::Outcome;
use qyzmet_domain::form::FieldError;
use qyzmet_domain::status::{self, Actor, HistoryEntry, ServiceSteps, Status, TransitionError};
use time::OffsetDateTime;

/// The lifecycle over one server's database, live streams and catalogue.
#[derive(Clone, Copy)]
pub struct Lifecycle<'a> {
    db: &'a Db,
    events: &'a Events,
    catalogue: &'a Catalogue,
}

/// Who makes a move: their role in the status machine and their account (recorded in the
/// history row).
#[derive(Debug, Clone, Copy)]
pub struct Mover {
    pub actor: Actor,
    pub account_id: i64,
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
    Db(sqlx::Error),
}

impl From<sqlx::Error> for MoveError {
    fn from(e: sqlx::Error) -> Self {
        MoveError::Db(e)
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

    /// The moves `by` may make on `request` now (what the officer's console offers).
    pub fn allowed_moves(&self, request: &Stored, by: Actor) -> Vec<Status> {
        status::allowed_moves(request.view.status, by, self.steps(request))
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
        by: Mover,
        m: Move<'_>,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        if matches!(m.to, Status::Satisfied | Status::Refused) {
            return Err(MoveError::DecisionNeedsSignature);
        }
        if request.view.status != m.seen {
            return Err(MoveError::Changed);
        }
        let entry = self.check(request, by.actor, m.to, m.note, at)?;
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

    /// The officer's signed decision: the request becomes satisfied or refused, with the
    /// decision stored beside the move.
    pub async fn decide(
        &self,
        request: &Stored,
        officer_account_id: i64,
        decision: SignedDecision<'_>,
        at: OffsetDateTime,
    ) -> Result<(), MoveError> {
        let to = decision.outcome.status();
        let reason = decision.reason.map(str::to_owned);
        let entry = self.check(request, Actor::Officer, to, reason, at)?;
        self.commit(request.id, &entry, officer_account_id, None, Some(decision))
            .await
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
        .ok_or(MoveError::Changed)?;
        self.events.committed(self.db, notification).await;
        Ok(())
    }
}

/// The move from `entry.from` to `entry.to` with its history row, the owner's notification
/// (and, for a decision, the signed decision) in one transaction. `Some(the notification's
/// id)` when moved; `None`: the request was no longer in `entry.from`.
async fn write_move(
    db: &Db,
    application_id: i64,
    entry: &HistoryEntry,
    actor_account_id: i64,
    appointment: Option<&Appointment>,
    decision: Option<SignedDecision<'_>>,
) -> sqlx::Result<Option<i64>> {
    let at = entry.at.unix_timestamp();
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(entry.to.code())
    .bind(at)
    .bind(application_id)
    .bind(entry.from.code())
    .execute(&mut *tx)
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
        .execute(&mut *tx)
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
        .execute(&mut *tx)
        .await?;
    }
    // The applicant's notification names the testing date and place.
    let notification = crate::notifications::record(
        &mut tx,
        application_id,
        entry.to,
        entry.note.as_deref(),
        appointment,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(notification))
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

    fn officer(account_id: i64) -> Mover {
        Mover {
            actor: Actor::Officer,
            account_id,
        }
    }

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

    #[tokio::test]
    async fn each_move_is_checked_written_with_who_and_told_to_the_owner() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let mut live = events.subscribe();
        let life = Lifecycle::new(&db, &events, &catalogue);
        let request = registered(&db, account, "k").await;
        // A decision is only ever signed; the applicant cannot take a request into review.
        assert!(matches!(
            life.move_to(
                &request,
                officer(7),
                to(Status::Registered, Status::Satisfied),
                NOW
            )
            .await,
            Err(MoveError::DecisionNeedsSignature)
        ));
        let applicant = Mover {
            actor: Actor::Applicant,
            account_id: account,
        };
        assert!(matches!(
            life.move_to(
                &request,
                applicant,
                to(Status::Registered, Status::InReview),
                NOW
            )
            .await,
            Err(MoveError::NotAllowed(TransitionError::WrongActor))
        ));
        // Guardianship has no testing step, and testing would need its appointment anyway.
        assert!(matches!(
            life.move_to(
                &request,
                officer(7),
                to(Status::Registered, Status::TestingScheduled),
                NOW
            )
            .await,
            Err(MoveError::NotAllowed(_))
        ));
        life.move_to(
            &request,
            officer(7),
            to(Status::Registered, Status::InReview),
            NOW,
        )
        .await
        .unwrap();
        let told = live.try_recv().expect("the owner's streams are told");
        assert_eq!(told.account_id, account);
        // The officer who still sees "registered" moves nothing.
        let stale = request.clone();
        assert!(matches!(
            life.move_to(
                &stale,
                officer(8),
                to(Status::Registered, Status::InReview),
                NOW
            )
            .await,
            Err(MoveError::Changed)
        ));
        let request = reread(&db, account, request.id).await;
        // A refusal needs its reason; with it the request is final and cannot be withdrawn.
        assert!(matches!(
            life.decide(&request, 7, decision(Outcome::Refused, Some("  ")), NOW)
                .await,
            Err(MoveError::NotAllowed(TransitionError::ReasonRequired))
        ));
        life.decide(
            &request,
            7,
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
        assert_eq!(
            history_rows(&db, request.id).await,
            [
                ("draft".into(), "registered".into(), None),
                ("registered".into(), "in_review".into(), Some(7)),
                ("in_review".into(), "refused".into(), Some(7)),
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn of_two_officers_deciding_at_once_one_wins() {
        let (_dir, db, account) = setup().await;
        let (events, catalogue) = (Events::new(db.backend), catalogue());
        let request = registered(&db, account, "k").await;
        let life = Lifecycle::new(&db, &events, &catalogue);
        life.move_to(
            &request,
            officer(7),
            to(Status::Registered, Status::InReview),
            NOW,
        )
        .await
        .unwrap();
        let request = reread(&db, account, request.id).await;
        let (a, b) = {
            let first = life.decide(&request, 7, decision(Outcome::Satisfied, None), NOW);
            let second = life.decide(&request, 8, decision(Outcome::Refused, Some("No")), NOW);
            tokio::join!(first, second)
        };
        assert!(
            matches!(
                (&a, &b),
                (Ok(()), Err(MoveError::Changed)) | (Err(MoveError::Changed), Ok(()))
            ),
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
