//! Registering a signed application as a request: in one transaction the draft becomes
//! `registered` through the domain status machine, gets the next number of the year
//! (`2026-000123`), its due date from the catalogue term and the working-day calendar, a
//! history entry, and the signed outgoing document is stored. A repeated submit with the same
//! `Idempotency-Key` returns the request registered the first time, never a second one. A key
//! belongs to one (account, application, operation): sent with another application it is
//! refused, never answered with the first one's registration.

use crate::db::Db;
use qyzmet_domain::calendar::{Term, WorkCalendar, in_kazakhstan};
use qyzmet_domain::status::{self, Actor, ServiceSteps, Status};
use sqlx::Row;
use time::OffsetDateTime;

/// A signature that passed the EDS checks (chain, validity at signing, revocation, key
/// usage, IIN/BIN match). Only the verifier constructs one, so nothing can be registered
/// unverified.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    pub(crate) der: Vec<u8>,
    /// The signer as the certificate names them (CN), for "signed by … on …".
    pub(crate) signer: String,
    /// The IIN (or, for a company's key, the BIN) the certificate carries.
    pub(crate) signer_id: String,
    pub(crate) certificate_serial: String,
    /// The signing time the signature states, else when it was verified (Unix seconds).
    pub(crate) signed_at: i64,
    /// The CA's OCSP answer it was accepted on (`None`: the CRL decided).
    pub(crate) ocsp_response: Option<Vec<u8>>,
}

/// The OCSP answer a verification relied on, if it did on one.
pub fn ocsp_evidence(verified: &qyzmet_eds::Verified) -> Option<Vec<u8>> {
    match &verified.revocation() {
        qyzmet_eds::Revocation::Ocsp(answer) => Some(answer.clone()),
        qyzmet_eds::Revocation::Crl => None,
    }
}

impl VerifiedSignature {
    /// Only after `qyzmet_eds::verify_detached` said yes.
    pub(crate) fn new(der: Vec<u8>, verified: &qyzmet_eds::Verified, now: i64) -> Self {
        let h = &verified.holder();
        VerifiedSignature {
            der,
            signer: h.common_name.clone(),
            signer_id: h.bin.clone().or_else(|| h.iin.clone()).unwrap_or_default(),
            certificate_serial: h.serial.clone(),
            signed_at: verified.signing_time().unwrap_or(now),
            ocsp_response: ocsp_evidence(verified),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub application_id: i64,
    pub registration_number: String,
    pub due_date: time::Date,
    /// The submit was a repeat of one already registered.
    pub repeated: bool,
    /// The "registered" notification written with it (`None` for a repeat, or a counter's
    /// applicant without an account): what the live streams are told once it commits.
    pub notification: Option<i64>,
}

#[derive(Debug)]
pub enum RegisterError {
    /// The application is no longer a draft (registered by an earlier submit without the
    /// same key, or deleted).
    NotDraft,
    /// The key was used for another application (or operation) of this account.
    KeyReused,
    Transition(status::TransitionError),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for RegisterError {
    fn from(e: sqlx::Error) -> Self {
        RegisterError::Db(e)
    }
}

/// What registration needs to know of the application.
pub struct Submission<'a> {
    pub account_id: i64,
    pub application_id: i64,
    pub term: Term,
    pub steps: ServiceSteps,
    pub outgoing_document: &'a [u8],
    pub signature: &'a VerifiedSignature,
    pub idempotency_key: &'a str,
    /// Accepted at a counter: the role its member of staff accepted it in. Accepting is the
    /// process's first step (with the receipt), so the request starts at the next.
    pub accepted_as: Option<qyzmet_domain::process::Performer>,
}

pub fn format_number(year: i32, n: i64) -> String {
    format!("{year}-{n:06}")
}

/// The registration an earlier submit with the same idempotency key made, if any; a key
/// used for another application or operation is refused.
async fn earlier_registration(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    s: &Submission<'_>,
) -> Result<Option<Registered>, RegisterError> {
    let earlier = sqlx::query(
        "SELECT a.id, a.registration_number, a.due_date, k.operation FROM idempotency_keys k JOIN applications a ON a.id = k.application_id \
         WHERE k.account_id = $1 AND k.idempotency_key = $2",
    )
    .bind(s.account_id)
    .bind(s.idempotency_key.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = earlier else {
        return Ok(None);
    };
    let (application_id, operation): (i64, String) =
        (row.try_get("id")?, row.try_get("operation")?);
    if application_id != s.application_id || operation != SUBMIT {
        return Err(RegisterError::KeyReused);
    }
    let due: String = row.try_get("due_date")?;
    Ok(Some(Registered {
        application_id,
        registration_number: row.try_get("registration_number")?,
        due_date: qyzmet_domain::form::parse_date(&due)
            .ok_or_else(|| sqlx::Error::Decode("bad due_date".into()))?,
        repeated: true,
        notification: None,
    }))
}

/// The year's next registration number: an upsert that increments, one statement, so two
/// submits never get the same number.
async fn next_number(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    year: i32,
) -> sqlx::Result<String> {
    let n: i64 = sqlx::query(
        "INSERT INTO registration_counters (year, last_number) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last_number = registration_counters.last_number + 1 RETURNING last_number",
    )
    .bind(year as i64)
    .fetch_one(&mut **tx)
    .await?
    .try_get("last_number")?;
    Ok(format_number(year, n))
}

/// The signed outgoing document and its signature, kept with the request.
async fn store_submission(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    s: &Submission<'_>,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO submissions (application_id, outgoing_document, signature, signer, signed_at, signer_id, certificate_serial, ocsp_response) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(s.application_id)
        .bind(s.outgoing_document.to_vec())
        .bind(s.signature.der.clone())
        .bind(s.signature.signer.clone())
        .bind(s.signature.signed_at)
        .bind(s.signature.signer_id.clone())
        .bind(s.signature.certificate_serial.clone())
        .bind(s.signature.ocsp_response.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A request accepted at a counter has had its first step: its progress starts at the next,
/// and the log says who accepted it, in which role.
async fn accepted_at_counter(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    s: &Submission<'_>,
    role: qyzmet_domain::process::Performer,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET process_step = 1, step_started_at = $1 WHERE id = $2")
        .bind(at)
        .bind(s.application_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO process_log (application_id, step, event, account_id, role, at) VALUES ($1, 0, 'completed', $2, $3, $4)",
    )
    .bind(s.application_id)
    .bind(s.account_id)
    .bind(role.code())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn register(
    db: &Db,
    s: &Submission<'_>,
    now: OffsetDateTime,
) -> Result<Registered, RegisterError> {
    let mut tx = db.begin_write().await?;
    if let Some(earlier) = earlier_registration(&mut tx, s).await? {
        return Ok(earlier);
    }
    let entry = status::transition(
        Status::Draft,
        Status::Registered,
        Actor::System,
        s.steps,
        now,
        None,
    )
    .map_err(RegisterError::Transition)?;
    let local_now = in_kazakhstan(now);
    let number = next_number(&mut tx, local_now.year()).await?;
    let due = WorkCalendar::kazakhstan().due_date(local_now.date(), s.term);
    let at = now.unix_timestamp();
    let done = sqlx::query(
        "UPDATE applications SET status = 'registered', registration_number = $1, registered_at = $2, due_date = $3, updated_at = $4 \
         WHERE id = $5 AND account_id = $6 AND status = 'draft'",
    )
    .bind(number.clone())
    .bind(at)
    .bind(due.to_string())
    .bind(at)
    .bind(s.application_id)
    .bind(s.account_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(RegisterError::NotDraft);
    }
    if let Some(role) = s.accepted_as {
        accepted_at_counter(&mut tx, s, role, at).await?;
    }
    store_submission(&mut tx, s).await?;
    sqlx::query("INSERT INTO history (application_id, from_status, to_status, actor, actor_account_id, at, note) VALUES ($1, $2, $3, $4, NULL, $5, NULL)")
        .bind(s.application_id)
        .bind(entry.from.code())
        .bind(entry.to.code())
        .bind(entry.actor.code())
        .bind(at)
        .execute(&mut *tx)
        .await?;
    let notification = crate::notifications::record(
        &mut tx,
        s.application_id,
        Status::Registered,
        None,
        None,
        at,
    )
    .await?;
    sqlx::query("INSERT INTO idempotency_keys (account_id, idempotency_key, application_id, operation, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(s.account_id)
        .bind(s.idempotency_key.to_string())
        .bind(s.application_id)
        .bind(SUBMIT)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Registered {
        application_id: s.application_id,
        registration_number: number,
        due_date: due,
        repeated: false,
        notification,
    })
}

/// The operation idempotency keys of submission are recorded under.
const SUBMIT: &str = "submit";

/// What an earlier use of an idempotency key means for a submit of `application_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Never used by this account.
    New,
    /// This application was registered with it: answer that registration again.
    Repeat,
    /// Used for another application or operation: refused.
    Elsewhere,
}

pub async fn idempotency_key_use(
    db: &Db,
    account_id: i64,
    application_id: i64,
    key: &str,
) -> sqlx::Result<KeyUse> {
    let row = sqlx::query("SELECT application_id, operation FROM idempotency_keys WHERE account_id = $1 AND idempotency_key = $2")
        .bind(account_id)
        .bind(key.to_string())
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        None => KeyUse::New,
        Some(r) => {
            let (earlier, operation): (i64, String) =
                (r.try_get("application_id")?, r.try_get("operation")?);
            if earlier == application_id && operation == SUBMIT {
                KeyUse::Repeat
            } else {
                KeyUse::Elsewhere
            }
        }
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::applications::{self, NewDraft};
    use qyzmet_domain::calendar::DayKind;
    use time::macros::{date, datetime};

    pub(crate) async fn setup() -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&crate::db::default_url(dir.path()))
            .await
            .unwrap();
        crate::demo::seed_if_empty(&db).await.unwrap();
        let account = crate::accounts::find_by_login(&db, "880315412341")
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        (dir, db, account)
    }

    pub(crate) async fn draft(db: &Db, account_id: i64) -> i64 {
        let d = NewDraft {
            account_id,
            service_id: "guardianship",
            variant_id: "main",
            provider_id: "local-executive-body",
            counter: None,
        };
        applications::create_draft(db, &d).await.unwrap().id
    }

    pub(crate) fn signature() -> VerifiedSignature {
        VerifiedSignature {
            der: vec![0x30, 0x03, 0x02, 0x01, 0x01],
            signer: "TEST".into(),
            signer_id: "880315412341".into(),
            certificate_serial: "01".into(),
            signed_at: 0,
            ocsp_response: None,
        }
    }

    pub(crate) fn submission<'a>(
        account_id: i64,
        application_id: i64,
        sig: &'a VerifiedSignature,
        key: &'a str,
    ) -> Submission<'a> {
        Submission {
            account_id,
            application_id,
            term: Term {
                days: 9,
                kind: DayKind::Working,
            },
            steps: ServiceSteps::default(),
            outgoing_document: b"{\"format\":\"qyzmet-outgoing-document/1\"}",
            signature: sig,
            idempotency_key: key,
            accepted_as: None,
        }
    }

    #[tokio::test]
    async fn numbers_run_per_year_and_due_dates_count_working_days() {
        let (_dir, db, account) = setup().await;
        let sig = signature();
        // Friday 2026-03-20, 10:00 in Kazakhstan. 21–25 March are off (Nauryz and its moved
        // days); working days 26, 27, 30, 31 March, 1, 2, 3, 6 April; the ninth is 7 April.
        let now = datetime!(2026-03-20 05:00 UTC);
        let a = draft(&db, account).await;
        let first = register(&db, &submission(account, a, &sig, "k1"), now)
            .await
            .unwrap();
        assert_eq!(first.registration_number, "2026-000001");
        assert_eq!(first.due_date, date!(2026 - 04 - 07));
        let b = draft(&db, account).await;
        let second = register(&db, &submission(account, b, &sig, "k2"), now)
            .await
            .unwrap();
        assert_eq!(second.registration_number, "2026-000002");
        // 31 December 20:00 UTC is already 1 January in Kazakhstan: a new year, a new count.
        let c = draft(&db, account).await;
        let third = register(
            &db,
            &submission(account, c, &sig, "k3"),
            datetime!(2026-12-31 20:00 UTC),
        )
        .await
        .unwrap();
        assert_eq!(third.registration_number, "2027-000001");
        let history: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM history WHERE to_status = 'registered'")
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
        assert_eq!(history, 3);
    }

    #[tokio::test]
    async fn a_repeated_submit_returns_the_same_request() {
        let (_dir, db, account) = setup().await;
        let sig = signature();
        let a = draft(&db, account).await;
        let now = datetime!(2026-11-23 06:00 UTC);
        let first = register(&db, &submission(account, a, &sig, "same-key"), now)
            .await
            .unwrap();
        let again = register(&db, &submission(account, a, &sig, "same-key"), now)
            .await
            .unwrap();
        assert_eq!(
            (again.registration_number.as_str(), again.repeated),
            (first.registration_number.as_str(), true)
        );
        // Without the key, the application is no longer a draft: refused, not registered twice.
        assert!(matches!(
            register(&db, &submission(account, a, &sig, "other-key"), now).await,
            Err(RegisterError::NotDraft)
        ));
        let registered: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM applications WHERE status = 'registered'")
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
        assert_eq!(registered, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_submits_of_different_drafts_get_distinct_numbers() {
        let (_dir, db, account) = setup().await;
        // Other writers at the same time (every request touches its session): SQLite must
        // queue the registrations behind them, not answer "database is locked".
        let writer_db = db.clone();
        let writer = tokio::spawn(async move {
            for _ in 0..400 {
                sqlx::query("UPDATE accounts SET phone = phone WHERE id = $1")
                    .bind(account)
                    .execute(&writer_db.pool)
                    .await
                    .unwrap();
            }
        });
        let sig = signature();
        let mut ids = Vec::new();
        for _ in 0..24 {
            ids.push(draft(&db, account).await);
        }
        let now = datetime!(2026-11-23 06:00 UTC);
        let keys: Vec<String> = (0..24).map(|i| format!("key-{i}")).collect();
        let results = futures_join(ids.iter().zip(&keys).map(|(id, key)| {
            let db = db.clone();
            let sig = sig.clone();
            let key = key.clone();
            let id = *id;
            tokio::spawn(async move {
                register(&db, &submission(account, id, &sig, &key), now)
                    .await
                    .unwrap()
                    .registration_number
            })
        }))
        .await;
        let mut numbers: Vec<String> = results;
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 24);
        writer.await.unwrap();
    }

    async fn futures_join<T: Send + 'static>(
        handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }
}
