//! Forming the outgoing document and registering a request on its signature — the one
//! submission path every way of signing uses (the sign page's key file and NCALayer through
//! `submission::submit`, eGov mobile through `mobile_sign`).
//!
//! The document carries the time it was formed, so the server keeps no state between the
//! two steps: on submit it forms the document again with that time and requires the same
//! bytes — any change to the draft in between means the applicant signed something else.

use crate::AppState;
use crate::applications::{self, Stored};
use crate::db::now;
use crate::lifecycle::{Registered, Submission, VerifiedSignature};
use qyzmet_domain::Lang;
use qyzmet_domain::api::{AccountKind, AccountView};
use qyzmet_domain::catalogue::Channel;
use qyzmet_domain::form::FieldError;
use qyzmet_domain::outgoing::{self, Applicant, AttachedFile, OutgoingDocument};
use qyzmet_domain::process::Performer;
use qyzmet_domain::status::Status;
use qyzmet_eds::Expected;

/// How long a formed document (an application's or a decision's) may wait for its signature.
pub const DOCUMENT_LIFETIME: i64 = 30 * 60;

/// Why a draft cannot be signed, or its signature not registered.
#[derive(Debug)]
pub enum SigningError {
    /// No longer a draft.
    NotDraft,
    /// The application's service or variant is gone from the catalogue.
    NotFound,
    /// Answers or documents missing or invalid.
    Incomplete(Vec<FieldError>),
    /// 003: the fee comes before signing.
    PaymentRequired,
    /// The document signed is not the one the draft forms now (or not a document).
    Changed,
    /// The document was formed for another application.
    ForOther,
    /// Formed longer ago than [`DOCUMENT_LIFETIME`].
    Expired,
    /// The signature was refused (verification, time-stamp).
    Refused(crate::signatures::Refusal),
    Register(crate::lifecycle::RegisterError),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SigningError {
    fn from(e: sqlx::Error) -> Self {
        SigningError::Db(e)
    }
}

impl From<crate::lifecycle::RegisterError> for SigningError {
    fn from(e: crate::lifecycle::RegisterError) -> Self {
        SigningError::Register(e)
    }
}

/// Why a formed document may not be signed any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentAge {
    /// The time it names is not one.
    Unreadable,
    /// Older than its lifetime, or from the future beyond a minute's clock skew.
    Expired,
}

/// Whether a document formed at `formed_at` (RFC 3339, as it names itself) may still be
/// signed at `t`.
pub fn within_lifetime(formed_at: &str, t: i64) -> Result<(), DocumentAge> {
    let formed_at =
        time::OffsetDateTime::parse(formed_at, &time::format_description::well_known::Rfc3339)
            .map_err(|_| DocumentAge::Unreadable)?
            .unix_timestamp();
    if t - formed_at > DOCUMENT_LIFETIME || formed_at > t + 60 {
        return Err(DocumentAge::Expired);
    }
    Ok(())
}

/// Everything that must hold before a draft may be signed: a draft, complete, paid.
pub fn ready_to_sign(state: &AppState, stored: &Stored) -> Result<(), SigningError> {
    if stored.view.status != Status::Draft {
        return Err(SigningError::NotDraft);
    }
    let variant = state
        .catalogue
        .service(&stored.view.service_id)
        .and_then(|s| s.variant(&stored.view.variant_id))
        .ok_or(SigningError::NotFound)?;
    let errors = crate::applications::completeness_errors(variant, &stored.view);
    if !errors.is_empty() {
        return Err(SigningError::Incomplete(errors));
    }
    Ok(())
}

/// The fee paid, where the service takes it before signing.
pub async fn require_payment(state: &AppState, stored: &Stored) -> Result<(), SigningError> {
    if crate::payments::fee_before_signing(
        &state.catalogue,
        &stored.view.service_id,
        &stored.view.variant_id,
    )
    .is_some()
        && !crate::payments::is_paid(&state.db, stored.id).await?
    {
        // 003: "signing is refused when the fee has not been paid".
        return Err(SigningError::PaymentRequired);
    }
    Ok(())
}

fn form_document(
    state: &AppState,
    account: &AccountView,
    stored: &Stored,
    formed_at: &str,
) -> OutgoingDocument {
    let service_name = state
        .catalogue
        .service(&stored.view.service_id)
        .map(|s| s.name.get(Lang::Kk).to_string())
        .unwrap_or_default();
    OutgoingDocument {
        format: outgoing::FORMAT.into(),
        application_id: stored.view.id.clone(),
        service_id: stored.view.service_id.clone(),
        service_name,
        variant_id: stored.view.variant_id.clone(),
        provider_id: stored.provider_id.clone(),
        applicant: match &stored.view.on_behalf {
            Some(person) => Applicant {
                id_kind: match qyzmet_domain::identifiers::AccountId::parse(&person.id) {
                    Ok(qyzmet_domain::identifiers::AccountId::Bin(_)) => "bin",
                    _ => "iin",
                }
                .into(),
                id: person.id.clone(),
                name: person.name.clone(),
                phone: person.phone.clone(),
            },
            None => Applicant {
                id_kind: match account.kind {
                    AccountKind::Individual => "iin",
                    AccountKind::Company => "bin",
                }
                .into(),
                id: account.login.clone(),
                name: account.display_name.clone(),
                phone: account.phone.clone(),
            },
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
        accepted_by: stored
            .view
            .on_behalf
            .as_ref()
            .map(|_| qyzmet_domain::outgoing::Acceptor {
                channel: stored.view.channel.code().into(),
                iin: account.login.clone(),
                name: account.display_name.clone(),
            }),
    }
}

/// The document for `stored` formed now, once it may be signed (a complete draft, paid
/// when the fee comes first): its bytes and the time it names.
pub async fn form_for_signing(
    state: &AppState,
    account: &AccountView,
    stored: &Stored,
) -> Result<(Vec<u8>, String), SigningError> {
    ready_to_sign(state, stored)?;
    require_payment(state, stored).await?;
    let formed_at = applications::rfc3339(now());
    let document = form_document(state, account, stored, &formed_at);
    Ok((document.to_bytes(), formed_at))
}

/// Registers `stored` on `signature` over `document`, whichever way it was signed (key file,
/// NCALayer, eGov mobile): the document must be the one formed for this application and
/// still current, the signature the applicant's and accepted (verified and time-stamped).
pub async fn register_signed(
    state: &AppState,
    account: &AccountView,
    stored: &Stored,
    document: Vec<u8>,
    signature: Vec<u8>,
    key: &str,
) -> Result<Registered, SigningError> {
    let formed = OutgoingDocument::from_bytes(&document).ok_or(SigningError::Changed)?;
    // One signature, one request: a document formed for another application (a replayed
    // `.p7s`, even over identical answers) is refused before anything else is looked at.
    if !formed.is_for(&stored.view.id) {
        return Err(SigningError::ForOther);
    }
    let t = now();
    if form_document(state, account, stored, &formed.formed_at).to_bytes() != document {
        return Err(SigningError::Changed);
    }
    within_lifetime(&formed.formed_at, t).map_err(|age| match age {
        DocumentAge::Unreadable => SigningError::Changed,
        DocumentAge::Expired => SigningError::Expired,
    })?;
    let expected = match account.kind {
        AccountKind::Individual => Expected::Iin(account.login.clone()),
        AccountKind::Company => Expected::Bin(account.login.clone()),
    };
    let accepted = crate::signatures::accept(state, signature, &document, &expected, t)
        .await
        .map_err(SigningError::Refused)?;
    let variant = state
        .catalogue
        .service(&stored.view.service_id)
        .and_then(|s| s.variant(&stored.view.variant_id))
        .ok_or(SigningError::NotFound)?;
    let signature = VerifiedSignature::new(accepted.der, &accepted.verified, t);
    // Accepted at a counter: its first step is the acceptance, in the desk's role.
    let accepted_as = match stored.view.channel {
        Channel::Portal => None,
        Channel::StateCorporation => Some(Performer::StateCorporation),
        Channel::ProviderOffice => Some(Performer::Office),
    };
    let submission = Submission {
        account_id: account.id,
        application_id: stored.id,
        term: variant.term_for(stored.view.channel).term(),
        accepted_as,
        steps: variant.steps,
        outgoing_document: &document,
        signature: &signature,
        idempotency_key: key,
    };
    let now_dt =
        time::OffsetDateTime::from_unix_timestamp(t).unwrap_or(time::OffsetDateTime::now_utc());
    Ok(state.lifecycle().register(&submission, now_dt).await?)
}
