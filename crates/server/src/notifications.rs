//! Telling applicants what happened to their requests: a notification row for every status
//! change (written in the move's own transaction, so none is lost or invented), and a live
//! event to every open `/api/events` stream of the owner the moment the move commits.

use crate::db::Db;
use qyzmet_domain::api::{NotificationList, NotificationView, StatusEvent};
use qyzmet_domain::status::Status;
use sqlx::Row;
use tokio::sync::broadcast;

/// A committed status change, addressed to the request's owner.
#[derive(Debug, Clone)]
pub struct Addressed {
    pub account_id: i64,
    pub event: StatusEvent,
}

/// The live side: one broadcast channel; each stream keeps only its account's events.
#[derive(Clone)]
pub struct Events(broadcast::Sender<Addressed>);

impl Default for Events {
    fn default() -> Self {
        Events(broadcast::channel(256).0)
    }
}

impl Events {
    pub fn subscribe(&self) -> broadcast::Receiver<Addressed> {
        self.0.subscribe()
    }

    /// After the commit: nobody listening is not an error.
    pub fn publish(&self, account_id: i64, event: StatusEvent) {
        let _ = self.0.send(Addressed { account_id, event });
    }
}

/// Writes the notification inside the caller's transaction; returns the owner's account id.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application_id: i64,
    status: Status,
    note: Option<&str>,
    at: i64,
) -> sqlx::Result<i64> {
    let owner: i64 = sqlx::query("SELECT account_id FROM applications WHERE id = $1")
        .bind(application_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("account_id")?;
    sqlx::query("INSERT INTO notifications (account_id, application_id, status, note, at, read) VALUES ($1, $2, $3, $4, $5, 0)")
        .bind(owner)
        .bind(application_id)
        .bind(status.code())
        .bind(note.map(str::to_owned))
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(owner)
}

/// The account's latest notifications and how many are unread.
pub async fn list(db: &Db, account_id: i64) -> sqlx::Result<NotificationList> {
    let rows = sqlx::query(
        "SELECT n.id, a.public_id, a.registration_number, n.status, n.note, n.at, n.read FROM notifications n \
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
    let notifications = rows
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(NotificationView {
                id: r.try_get("id")?,
                application_id: r.try_get("public_id")?,
                registration_number: r.try_get("registration_number")?,
                status: Status::from_code(&status)
                    .ok_or_else(|| sqlx::Error::Decode("bad status".into()))?,
                note: r.try_get("note")?,
                at: crate::applications::rfc3339(r.try_get("at")?),
                read: r.try_get::<i64, _>("read")? != 0,
            })
        })
        .collect::<sqlx::Result<Vec<_>>>()?;
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
