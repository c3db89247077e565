//! Telling applicants what happened to their requests: a notification row for every status
//! change (written in the move's own transaction, so none is lost or invented), and a live
//! event to every open `/api/events` stream of the owner once the move commits — on every
//! instance of the server.
//!
//! The notifications table is the event log: a row's id is its event's id (SSE `id:`), so
//! a stream that reconnects with `Last-Event-ID` is sent what it missed from the table. The
//! fan-out depends on the backend: with SQLite (one process) the committing request hands
//! the row to the in-process channel; with PostgreSQL the transaction itself says
//! `pg_notify('qyzmet_status', id)`, delivered at commit to every instance's listener
//! (`relay_postgres`), which reads the row and hands it to its own channel — including the
//! instance that committed. A listener that loses its connection reconnects and re-reads what
//! was written meanwhile.

use crate::db::{Backend, Db};
use qyzmet_domain::api::{NotificationList, NotificationView, StatusEvent};
use qyzmet_domain::appointment::Appointment;
use qyzmet_domain::status::Status;
use sqlx::Row;
use std::collections::BTreeMap;
use tokio::sync::broadcast;

/// The PostgreSQL channel of committed status changes; the payload is the notification id.
pub const CHANNEL: &str = "qyzmet_status";

/// A committed status change, addressed to the request's owner; `id` is its notification's.
#[derive(Debug, Clone)]
pub struct Addressed {
    pub id: i64,
    pub account_id: i64,
    pub event: StatusEvent,
}

/// The live side: one broadcast channel per instance; each stream keeps only its account's
/// events.
#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Addressed>,
    backend: Backend,
}

impl Events {
    pub fn new(backend: Backend) -> Events {
        Events {
            sender: broadcast::channel(1024).0,
            backend,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Addressed> {
        self.sender.subscribe()
    }

    /// After the commit of notification `id`. With SQLite it goes out from here; with
    /// PostgreSQL the commit's NOTIFY brings it to every instance, this one included.
    pub async fn committed(&self, db: &Db, id: i64) {
        if self.backend == Backend::Postgres {
            return;
        }
        match addressed(db, id).await {
            // Nobody listening is not an error.
            Ok(Some(a)) => drop(self.sender.send(a)),
            Ok(None) => {}
            Err(e) => tracing::warn!("reading notification {id} for the live streams: {e}"),
        }
    }

    fn deliver(&self, a: Addressed) {
        let _ = self.sender.send(a);
    }
}

const ADDRESSED: &str = "SELECT n.id, n.account_id, a.public_id, a.registration_number, n.status, n.note, n.at \
     FROM notifications n JOIN applications a ON a.id = n.application_id";

fn addressed_row(r: &sqlx::any::AnyRow) -> sqlx::Result<Addressed> {
    let status: String = r.try_get("status")?;
    Ok(Addressed {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        event: StatusEvent {
            application_id: r.try_get("public_id")?,
            registration_number: r.try_get("registration_number")?,
            status: Status::from_code(&status)
                .ok_or_else(|| sqlx::Error::Decode("bad status".into()))?,
            note: r.try_get("note")?,
        },
    })
}

/// Notification `id` as an event.
pub async fn addressed(db: &Db, id: i64) -> sqlx::Result<Option<Addressed>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{ADDRESSED} WHERE n.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(addressed_row).transpose()
}

/// The account's events after `after` (what a reconnecting stream missed), oldest first.
pub async fn missed(db: &Db, account_id: i64, after: i64) -> sqlx::Result<Vec<Addressed>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{ADDRESSED} WHERE n.account_id = $1 AND n.id > $2 ORDER BY n.id LIMIT 200"
    )))
    .bind(account_id)
    .bind(after)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(addressed_row).collect()
}

/// Every instance's listener on PostgreSQL: delivers each committed notification to this
/// instance's streams, reconnecting (and re-reading what it may have missed) when the
/// connection drops. Ends when `shutdown` is cancelled.
pub fn relay_postgres(db: Db, events: Events, shutdown: tokio_util::sync::CancellationToken) {
    tokio::spawn(async move {
        let mut delivered = Delivered::default();
        // What was written while no listener ran (the first connection: nothing to re-read).
        let mut lost_since: Option<i64> = None;
        loop {
            let listening = async {
                let mut l = sqlx::postgres::PgListener::connect(&db.url).await?;
                l.listen(CHANNEL).await?;
                Ok::<_, sqlx::Error>(l)
            };
            let mut listener = tokio::select! {
                _ = shutdown.cancelled() => return,
                l = listening => match l {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!("listening for status changes: {e}; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        continue;
                    }
                },
            };
            if let Some(since) = lost_since.take() {
                // A few seconds before the loss: a move's time is set before it commits.
                match written_since(&db, since - 10).await {
                    Ok(rows) => rows
                        .into_iter()
                        .filter(|a| delivered.first_time(a))
                        .for_each(|a| events.deliver(a)),
                    Err(e) => tracing::warn!("re-reading status changes after a reconnect: {e}"),
                }
            }
            loop {
                let next = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    n = listener.try_recv() => n,
                };
                let Ok(Some(notification)) = next else {
                    tracing::warn!("the status-change listener lost its connection; reconnecting");
                    lost_since = Some(crate::db::now());
                    break;
                };
                let Ok(id) = notification.payload().parse::<i64>() else {
                    continue;
                };
                match addressed(&db, id).await {
                    Ok(Some(a)) if delivered.first_time(&a) => events.deliver(a),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("reading notification {id}: {e}"),
                }
            }
        }
    });
}

async fn written_since(db: &Db, since: i64) -> sqlx::Result<Vec<Addressed>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{ADDRESSED} WHERE n.at >= $1 ORDER BY n.id LIMIT 10000"
    )))
    .bind(since)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(addressed_row).collect()
}

/// The ids delivered in the last minutes, so a re-read after a reconnect sends none twice.
#[derive(Default)]
struct Delivered(BTreeMap<i64, i64>);

impl Delivered {
    fn first_time(&mut self, a: &Addressed) -> bool {
        let now = crate::db::now();
        self.0.retain(|_, at| *at > now - 600);
        self.0.insert(a.id, now).is_none()
    }
}

/// Writes the notification inside the caller's transaction (and, on PostgreSQL, the NOTIFY
/// that goes out when it commits); returns the notification's id. It is addressed to the
/// request's applicant: the account that owns it, or — for a request accepted at a counter,
/// which the staff member's account owns — the person's own account found by IIN/BIN. A person
/// served at a counter without an account is told by SMS instead (`counter`), and nothing is
/// written (`None`): the staff member is never sent the applicant's news.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application_id: i64,
    status: Status,
    note: Option<&str>,
    appointment: Option<&Appointment>,
    at: i64,
) -> sqlx::Result<Option<i64>> {
    let owner: Option<i64> = sqlx::query(
        "SELECT CASE WHEN a.channel = 'portal' THEN a.account_id \
                ELSE (SELECT p.id FROM accounts p WHERE p.login = a.applicant_iin AND p.role = 'applicant') END AS owner \
         FROM applications a WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("owner")?;
    let Some(owner) = owner else {
        return Ok(None);
    };
    let id: i64 = sqlx::query("INSERT INTO notifications (account_id, application_id, status, note, appointment_at, appointment_place, at, read) VALUES ($1, $2, $3, $4, $5, $6, $7, 0) RETURNING id")
        .bind(owner)
        .bind(application_id)
        .bind(status.code())
        .bind(note.map(str::to_owned))
        .bind(appointment.map(|a| a.at.clone()))
        .bind(appointment.map(|a| a.place.clone()))
        .bind(at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    if tx.backend_name() == "PostgreSQL" {
        // Delivered at commit, in commit order; never if the transaction rolls back.
        sqlx::query("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS n")
            .bind(CHANNEL)
            .bind(id.to_string())
            .fetch_one(&mut **tx)
            .await?;
    }
    Ok(Some(id))
}

/// A notification as listed: its row with its application's public id and number.
#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    public_id: String,
    registration_number: Option<String>,
    #[sqlx(try_from = "String")]
    status: Status,
    note: Option<String>,
    appointment_at: Option<String>,
    appointment_place: Option<String>,
    at: i64,
    read: i64,
}

impl From<NotificationRow> for NotificationView {
    fn from(r: NotificationRow) -> NotificationView {
        NotificationView {
            id: r.id,
            application_id: r.public_id,
            registration_number: r.registration_number,
            status: r.status,
            note: r.note,
            appointment: Appointment::from_columns(r.appointment_at, r.appointment_place),
            at: crate::applications::rfc3339(r.at),
            read: r.read != 0,
        }
    }
}

/// The account's latest notifications and how many are unread.
pub async fn list(db: &Db, account_id: i64) -> sqlx::Result<NotificationList> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT n.id, a.public_id, a.registration_number, n.status, n.note, n.appointment_at, n.appointment_place, n.at, n.read FROM notifications n \
         JOIN applications a ON a.id = n.application_id WHERE n.account_id = $1 ORDER BY n.id DESC LIMIT 50",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    let unread: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE account_id = $1 AND read = 0")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await?
            .try_get("n")?;
    let notifications = rows.into_iter().map(NotificationView::from).collect();
    Ok(NotificationList {
        unread,
        notifications,
    })
}

pub async fn mark_all_read(db: &Db, account_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE notifications SET read = 1 WHERE account_id = $1 AND read = 0")
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
