//! Who may see and do what: an applicant's own applications, an officer's provider's
//! requests; anything else is [`Denied::NotFound`], exactly like something missing, so nobody
//! learns that another's application exists. Handlers ask here before they act.

use crate::applications::{self, Stored};
use crate::db::Db;
use crate::officers::{self, StoredDecision};
use qyzmet_domain::api::{AccountView, Role};

/// Why the caller may not have it.
#[derive(Debug)]
pub enum Denied {
    /// Absent, or someone else's (the same answer).
    NotFound,
    /// This kind of account does not use this side of the portal.
    Forbidden,
    /// The request has no decision (yet).
    NoDecision,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for Denied {
    fn from(e: sqlx::Error) -> Self {
        Denied::Db(e)
    }
}

/// Only applicants apply; officers and administrators work the other side.
pub fn applicant(account: &AccountView) -> Result<(), Denied> {
    if account.role == Role::Applicant {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// Only administrators manage staff.
pub fn administrator(account: &AccountView) -> Result<(), Denied> {
    if account.role == Role::Administrator {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// The officer's provider; anyone else may not use the officer's side.
pub fn provider_of(account: &AccountView) -> Result<&str, Denied> {
    match (&account.role, &account.provider_id) {
        (Role::Officer, Some(p)) => Ok(p),
        _ => Err(Denied::Forbidden),
    }
}

/// What the caller may read: their own application, or — for an officer — a registered
/// request of their provider. A member of staff's read of it (`what`: the request, a file,
/// a document) is recorded for the applicant to see (`officers::record_read`).
pub async fn visible(
    db: &Db,
    account: &AccountView,
    id: &str,
    what: &str,
) -> Result<Stored, Denied> {
    if account.role == Role::Officer {
        // A draft a counter's member of staff is entering for someone is theirs to read; once
        // accepted it is the person's request, and its reads are recorded like any other.
        if let Some(own) = applications::get_owned(db, account.id, id).await?
            && own.view.status == qyzmet_domain::status::Status::Draft
        {
            return Ok(own);
        }
        let provider = provider_of(account)?;
        let stored = officers::find(db, provider, id)
            .await?
            .map(|r| r.stored)
            .ok_or(Denied::NotFound)?;
        let me = crate::staff::member(db, account.id, provider).await?;
        officers::record_read(db, stored.id, &me, what).await?;
        return Ok(stored);
    }
    owned(db, account, id).await
}

/// The caller's own application — or, for a person, a request accepted for them at a
/// counter (its draft was the staff member's).
pub async fn owned(db: &Db, account: &AccountView, id: &str) -> Result<Stored, Denied> {
    if let Some(own) = applications::get_owned(db, account.id, id).await? {
        return Ok(own);
    }
    match person_iin(account) {
        Some(iin) => applications::get_for_person(db, iin, id)
            .await?
            .ok_or(Denied::NotFound),
        None => Err(Denied::NotFound),
    }
}

/// The IIN or BIN under which requests accepted at a counter are an applicant's.
pub fn person_iin(account: &AccountView) -> Option<&str> {
    (account.role == Role::Applicant).then_some(account.login.as_str())
}

/// The signed decision on a request the caller may see.
pub async fn decision(db: &Db, stored: &Stored) -> Result<StoredDecision, Denied> {
    officers::decision_of(db, stored.id)
        .await?
        .ok_or(Denied::NoDecision)
}
