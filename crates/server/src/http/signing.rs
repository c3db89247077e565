//! Forming the outgoing document and registering a request on its signature — the one
//! submission path every way of signing uses (the sign page's key file and NCALayer through
//! `submission::submit`, eGov mobile through `mobile_sign`).
//!
//! The document carries the time it was formed, so the server keeps no state between the
//! two steps: on submit it forms the document again with that time and requires the same
//! bytes — any change to the draft in between means the applicant signed something else.

use super::extract::CurrentAccount;
use super::problem::{ApiError, ErrorCode};
use crate::AppState;
use crate::applications::{self, Stored};
use crate::db::now;
use crate::lifecycle::{Registered, Submission, VerifiedSignature};
use qyzmet_domain::Lang;
use qyzmet_domain::api::AccountKind;
use qyzmet_domain::outgoing::{self, Applicant, AttachedFile, OutgoingDocument};
use qyzmet_domain::status::Status;
use qyzmet_eds::Expected;

/// How long a formed document (an application's or a decision's) may wait for its signature.
pub(super) const DOCUMENT_LIFETIME: i64 = 30 * 60;

/// Whether a document formed at `formed_at` (RFC 3339, as it names itself) may still be
/// signed at `t`: `changed` when the time is not one, `application.document_expired` when
/// older than its lifetime (or from the future beyond a minute's clock skew).
pub(super) fn within_lifetime(formed_at: &str, t: i64, changed: ErrorCode) -> Result<(), ApiError> {
    let formed_at =
        time::OffsetDateTime::parse(formed_at, &time::format_description::well_known::Rfc3339)
            .map_err(|_| ApiError::of(changed))?
            .unix_timestamp();
    if t - formed_at > DOCUMENT_LIFETIME || formed_at > t + 60 {
        return Err(ApiError::of(ErrorCode::DocumentExpired));
    }
    Ok(())
}

/// Everything that must hold before a draft may be signed: a draft, complete, paid.
pub(super) fn ready_to_sign(state: &AppState, stored: &Stored) -> Result<(), ApiError> {
    if stored.view.status != Status::Draft {
        return Err(ApiError::of(ErrorCode::NotDraft));
    }
    let variant = state
        .catalogue
        .service(&stored.view.service_id)
        .and_then(|s| s.variant(&stored.view.variant_id))
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))?;
    let errors = crate::applications::completeness_errors(variant, &stored.view);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(())
}

pub(super) async fn require_payment(state: &AppState, stored: &Stored) -> Result<(), ApiError> {
    if crate::payments::fee_before_signing(
        &state.catalogue,
        &stored.view.service_id,
        &stored.view.variant_id,
    )
    .is_some()
        && !crate::payments::is_paid(&state.db, stored.id).await?
    {
        // 003: "signing is refused when the fee has not been paid".
        return Err(ApiError::of(ErrorCode::PaymentRequired));
    }
    Ok(())
}

fn form_document(
    state: &AppState,
    current: &CurrentAccount,
    stored: &Stored,
    formed_at: &str,
) -> OutgoingDocument {
    let service_name = state
        .catalogue
        .service(&stored.view.service_id)
        .map(|s| s.name.get(Lang::Kk).to_string())
        .unwrap_or_default();
    let account = &current.account;
    OutgoingDocument {
        format: outgoing::FORMAT.into(),
        application_id: stored.view.id.clone(),
        service_id: stored.view.service_id.clone(),
        service_name,
        variant_id: stored.view.variant_id.clone(),
        provider_id: stored.provider_id.clone(),
        applicant: Applicant {
            id_kind: match account.kind {
                AccountKind::Individual => "iin",
                AccountKind::Company => "bin",
            }
            .into(),
            id: account.login.clone(),
            name: account.display_name.clone(),
            phone: account.phone.clone(),
        },
        answers: stored.view.answers.clone(),
        attachments: stored
            .view
            .attachments
            .iter()
            .map(|a| AttachedFile {
                document_id: a.document_id.clone(),
                file_name: a.file_name.clone(),
                size: a.size,
                sha256: a.sha256.clone(),
            })
            .collect(),
        formed_at: formed_at.to_string(),
    }
}

pub(super) fn key_reused() -> ApiError {
    ApiError::of(ErrorCode::IdempotencyKeyReused)
}

/// The document for `stored` formed now, once it may be signed (a complete draft, paid
/// when the fee comes first): its bytes and the time it names.
pub(super) async fn form_for_signing(
    state: &AppState,
    current: &CurrentAccount,
    stored: &Stored,
) -> Result<(Vec<u8>, String), ApiError> {
    ready_to_sign(state, stored)?;
    require_payment(state, stored).await?;
    let formed_at = applications::rfc3339(now());
    let document = form_document(state, current, stored, &formed_at);
    Ok((document.to_bytes(), formed_at))
}

/// Registers `stored` on `signature` over `document`, whichever way it was signed (key file,
/// NCALayer, eGov mobile): the document must be the one formed for this application and
/// still current, the signature the applicant's and accepted (verified and time-stamped).
pub(super) async fn register_signed(
    state: &AppState,
    current: &CurrentAccount,
    stored: &Stored,
    document: Vec<u8>,
    signature: Vec<u8>,
    key: &str,
) -> Result<Registered, ApiError> {
    let formed = OutgoingDocument::from_bytes(&document)
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationChanged))?;
    // One signature, one request: a document formed for another application (a replayed
    // `.p7s`, even over identical answers) is refused before anything else is looked at.
    if !formed.is_for(&stored.view.id) {
        return Err(ApiError::of(ErrorCode::DocumentForOther));
    }
    let t = now();
    if form_document(state, current, stored, &formed.formed_at).to_bytes() != document {
        return Err(ApiError::of(ErrorCode::ApplicationChanged));
    }
    within_lifetime(&formed.formed_at, t, ErrorCode::ApplicationChanged)?;
    let expected = match current.account.kind {
        AccountKind::Individual => Expected::Iin(current.account.login.clone()),
        AccountKind::Company => Expected::Bin(current.account.login.clone()),
    };
    let accepted = crate::signatures::accept(state, signature, &document, &expected, t)
        .await
        .map_err(ApiError::refused)?;
    let variant = state
        .catalogue
        .service(&stored.view.service_id)
        .and_then(|s| s.variant(&stored.view.variant_id))
        .ok_or_else(|| ApiError::of(ErrorCode::ApplicationNotFound))?;
    let signature = VerifiedSignature::new(accepted.der, &accepted.verified, t);
    let submission = Submission {
        account_id: current.account.id,
        application_id: stored.id,
        term: variant.term_on_portal(),
        steps: variant.steps,
        outgoing_document: &document,
        signature: &signature,
        idempotency_key: key,
    };
    let now_dt = time::OffsetDateTime::from_unix_timestamp(t).map_err(ApiError::internal)?;
    Ok(state.lifecycle().register(&submission, now_dt).await?)
}
