//! Who may see and do what, for every handler: an applicant's own applications, an officer's
//! provider's requests; anything else answers exactly like something missing (404), so
//! nobody learns that another's application exists.

use super::extract::CurrentAccount;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::applications::{self, Stored};
use qyzmet_domain::api::Role;

pub fn not_found() -> ApiError {
    ApiError::of(ErrorCode::ApplicationNotFound)
}

/// Only applicants apply; officers and administrators work the other side.
pub fn applicant(current: &CurrentAccount) -> Result<(), ApiError> {
    if current.account.role == Role::Applicant {
        Ok(())
    } else {
        Err(ApiError::of(ErrorCode::Forbidden))
    }
}

/// The officer's provider; anyone else may not use the officer's side.
pub fn provider_of(current: &CurrentAccount) -> Result<&str, ApiError> {
    match (&current.account.role, &current.account.provider_id) {
        (Role::Officer, Some(p)) => Ok(p),
        _ => Err(ApiError::of(ErrorCode::Forbidden)),
    }
}

/// What the caller may read: their own application, or — for an officer — a registered
/// request of their provider. Anything else is `application.not_found`.
pub async fn visible(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
) -> Result<Stored, ApiError> {
    if current.account.role == Role::Officer {
        let provider = provider_of(current)?;
        return crate::officers::find(&state.db, provider, id)
            .await?
            .map(|r| r.stored)
            .ok_or_else(not_found);
    }
    owned(state, current, id).await
}

/// The caller's application, or `application.not_found` (also for someone else's).
pub async fn owned(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
) -> Result<Stored, ApiError> {
    applications::get_owned(&state.db, current.account.id, id)
        .await?
        .ok_or_else(not_found)
}

/// The officer's signed decision on a request the caller may see, or `decision.not_found`.
pub async fn stored_decision(
    state: &AppState,
    stored: &crate::applications::Stored,
) -> Result<crate::officers::StoredDecision, ApiError> {
    crate::officers::decision_of(&state.db, stored.id)
        .await?
        .ok_or_else(|| ApiError::of(ErrorCode::DecisionNotFound))
}
