//! The counters where people come with paper: the State Corporation's desk (its public
//! service centres) and a provider's own office. A member of staff there finds the person in
//! the registry, records their written consent to the use of data from state information
//! systems, enters the application on their behalf (in the editor the portal's applicants
//! use, the draft theirs until accepted), uploads the scanned documents, and either accepts
//! it — signed with their own EDS (`signing::register_signed`; the process starts after its
//! acceptance step), the receipt printed — or refuses acceptance of an incomplete set, with
//! the refusal receipt listing what is missing.

use crate::applications::{self, Counter, NewDraft, Stored};
use crate::db::Db;
use crate::staff::StaffMember;
use qyzmet_domain::api::{AccountView, CounterService, CounterStart, ProviderRef};
use qyzmet_domain::catalogue::{Catalogue, Channel, Service};
use qyzmet_domain::process::{Collection, Performer, StepEvent};
use sqlx::Row;

/// Where a member of staff takes paper, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Desk {
    /// A State Corporation operator: the services taken at its offices, of every provider.
    StateCorporation,
    /// A provider's office clerk: that provider's services taken at its office.
    ProviderOffice { provider_id: String },
}

impl Desk {
    /// The desk of `account` with `me`'s roles: a State Corporation operator's, or an office
    /// clerk's at their provider.
    pub fn of(account: &AccountView, me: &StaffMember) -> Option<Desk> {
        let provider = account.provider_id.as_deref()?;
        if provider == crate::staff::STATE_CORPORATION {
            return me
                .roles
                .contains(&Performer::StateCorporation)
                .then_some(Desk::StateCorporation);
        }
        me.roles
            .contains(&Performer::Office)
            .then(|| Desk::ProviderOffice {
                provider_id: provider.to_string(),
            })
    }

    /// The door `service` comes in by at this desk, if it is taken here.
    pub fn takes(&self, service: &Service) -> Option<Channel> {
        match self {
            Desk::StateCorporation => service
                .channels
                .contains(&Channel::StateCorporation)
                .then_some(Channel::StateCorporation),
            Desk::ProviderOffice { provider_id } => {
                (service.channels.contains(&Channel::ProviderOffice)
                    && service.providers.contains(provider_id))
                .then_some(Channel::ProviderOffice)
            }
        }
    }
}

/// The services this desk takes, with their variants, named in `lang`.
pub fn services(
    catalogue: &Catalogue,
    desk: &Desk,
    lang: qyzmet_domain::Lang,
) -> Vec<CounterService> {
    catalogue
        .services
        .iter()
        .filter(|s| desk.takes(s).is_some())
        .map(|s| CounterService {
            id: s.id.clone(),
            name: s.name.get(lang).to_string(),
            variants: s
                .variants
                .iter()
                .map(|v| ProviderRef {
                    id: v.id.clone(),
                    name: v.name.get(lang).to_string(),
                })
                .collect(),
        })
        .collect()
}

/// Why an application was not started, or its acceptance not refused.
#[derive(Debug)]
pub enum CounterError {
    /// Not a counter's member of staff.
    NotADesk,
    /// What is wrong with the form, field by field (field, code).
    Fields(Vec<(&'static str, &'static str)>),
    /// Nothing is missing: the set is complete, so it is accepted, not refused.
    Complete,
    /// Not a draft of this desk's (absent, someone else's, already accepted).
    NotFound,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for CounterError {
    fn from(e: sqlx::Error) -> Self {
        CounterError::Db(e)
    }
}

/// Who an application at a counter is for, as the registry has them.
struct Applicant {
    id: String,
    name: String,
    phone: String,
    company: bool,
}

/// The person (IIN) or company (BIN; its head's phone) in the registry, if there.
async fn registered(db: &Db, id: &str) -> sqlx::Result<Option<Applicant>> {
    use qyzmet_domain::identifiers::AccountId;
    Ok(match AccountId::parse(id.trim()) {
        Ok(AccountId::Iin(iin)) => crate::registry::person(db, &iin.as_string())
            .await?
            .map(|p| Applicant {
                id: p.iin.clone(),
                name: p.full_name(),
                phone: p.phone.unwrap_or_default(),
                company: false,
            }),
        Ok(AccountId::Bin(bin)) => match crate::registry::company(db, &bin.as_string()).await? {
            Some(c) => {
                let head = crate::registry::person(db, &c.head_iin).await?;
                Some(Applicant {
                    id: c.bin,
                    name: c.name,
                    phone: head.and_then(|h| h.phone).unwrap_or_default(),
                    company: true,
                })
            }
            None => None,
        },
        Err(_) => None,
    })
}

/// A draft entered at `desk` by `account` for the person or company `start.applicant_id`,
/// who gave their written consent: every field checked at once.
pub async fn start(
    db: &Db,
    catalogue: &Catalogue,
    account: &AccountView,
    desk: &Desk,
    start: &CounterStart,
    at: i64,
) -> Result<Stored, CounterError> {
    let person = registered(db, &start.applicant_id).await?;
    let service = catalogue.service(&start.service_id);
    let channel = service.and_then(|s| desk.takes(s));
    let variant = service.and_then(|s| match start.variant_id.as_deref() {
        Some(v) if !v.is_empty() => s.variant(v),
        _ => Some(s.main_variant()),
    });
    let mut wrong = Vec::new();
    match (&person, service) {
        (None, _) => wrong.push(("applicant_id", "registry.not_found")),
        (Some(p), Some(s)) if !admits(s, p) => {
            wrong.push(("applicant_id", "application.applicant_not_admitted"));
        }
        _ => {}
    }
    if !start.consent {
        wrong.push(("consent", "counter.consent_required"));
    }
    if channel.is_none() {
        wrong.push(("service_id", "counter.not_taken_here"));
    } else if variant.is_none() {
        wrong.push(("variant_id", "form.choice"));
    }
    let (Some(person), Some(service), Some(channel), Some(variant), true) =
        (person, service, channel, variant, wrong.is_empty())
    else {
        return Err(CounterError::Fields(wrong));
    };
    let provider = match desk {
        Desk::ProviderOffice { provider_id } => provider_id.clone(),
        Desk::StateCorporation => service.providers[0].clone(),
    };
    let draft = NewDraft {
        account_id: account.id,
        service_id: &service.id,
        variant_id: &variant.id,
        provider_id: &provider,
        counter: Some(Counter {
            channel,
            id: &person.id,
            name: &person.name,
            phone: &person.phone,
            consent_at: at,
        }),
    };
    applications::create_draft(db, &draft)
        .await
        .map_err(|e| CounterError::Db(sqlx::Error::Protocol(e.to_string())))
}

/// Whether `service` is for this kind of applicant (a person, a company).
fn admits(service: &Service, who: &Applicant) -> bool {
    if who.company {
        service.applicants.admits_company()
    } else {
        service.applicants.admits_individual()
    }
}

/// An acceptance refused: the draft's required documents not there.
pub struct Refusal {
    pub public_id: String,
    pub missing: Vec<String>,
}

/// Refuses acceptance of `draft` (this desk's, entered for someone): the documents the
/// Standard's item 9 requires that were not brought, recorded for the refusal receipt.
pub async fn refuse(
    db: &Db,
    catalogue: &Catalogue,
    account: &AccountView,
    draft: &Stored,
    at: i64,
) -> Result<Refusal, CounterError> {
    if draft.account_id != account.id
        || draft.view.on_behalf.is_none()
        || draft.view.status != qyzmet_domain::status::Status::Draft
    {
        return Err(CounterError::NotFound);
    }
    let variant = catalogue
        .service(&draft.view.service_id)
        .and_then(|s| s.variant(&draft.view.variant_id))
        .ok_or(CounterError::NotFound)?;
    let attached: Vec<&str> = draft
        .view
        .attachments
        .iter()
        .map(|a| a.document_id.as_str())
        .collect();
    let missing: Vec<String> = variant
        .missing_documents(attached)
        .into_iter()
        .map(str::to_owned)
        .collect();
    if missing.is_empty() {
        return Err(CounterError::Complete);
    }
    let public_id = applications::new_public_id()
        .map_err(|e| CounterError::Db(sqlx::Error::Protocol(e.to_string())))?;
    sqlx::query(
        "INSERT INTO acceptance_refusals (public_id, application_id, operator_id, missing, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(public_id.clone())
    .bind(draft.id)
    .bind(account.id)
    .bind(missing.join(","))
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(Refusal { public_id, missing })
}

/// A refusal recorded by `account`: its draft, the missing documents' ids and when.
pub async fn refusal(
    db: &Db,
    account: &AccountView,
    public_id: &str,
) -> Result<(Stored, Vec<String>, i64), CounterError> {
    let row = sqlx::query(
        "SELECT r.application_id, r.missing, r.at, a.public_id FROM acceptance_refusals r \
         JOIN applications a ON a.id = r.application_id WHERE r.public_id = $1 AND r.operator_id = $2",
    )
    .bind(public_id.to_string())
    .bind(account.id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(CounterError::NotFound)?;
    let draft_id: String = row.try_get("public_id")?;
    let missing: String = row.try_get("missing")?;
    let at: i64 = row.try_get("at")?;
    let stored = applications::get_owned(db, account.id, &draft_id)
        .await?
        .ok_or(CounterError::NotFound)?;
    Ok((stored, missing.split(',').map(str::to_owned).collect(), at))
}

/// Where the result of `request` is, for a request accepted at a counter: waiting there, or
/// (its steps done) handed over or returned, as the last line of its log says.
pub async fn collection(
    state: &crate::AppState,
    request: &Stored,
) -> sqlx::Result<Option<Collection>> {
    if request.view.channel == Channel::Portal {
        return Ok(None);
    }
    let standing = state.lifecycle().standing(request).await?;
    if standing.ready_for_collection(request.view.channel) {
        return Ok(Some(Collection::Waiting));
    }
    let last = crate::officers::process_log(&state.db, request.id)
        .await?
        .pop()
        .map(|line| line.event);
    Ok(match last {
        Some(StepEvent::HandedOver) => Some(Collection::HandedOver),
        Some(StepEvent::Returned) => Some(Collection::Returned),
        _ => None,
    })
}

/// Tells the applicant of a counter request by SMS (the same gateway as the one-time codes)
/// that the result waits for them, in Kazakh and Russian. A message the provider does not
/// take is logged, not retried: the result is there either way.
pub async fn tell_result_ready(state: &crate::AppState, request: &Stored) {
    let Some(person) = request
        .view
        .on_behalf
        .as_ref()
        .filter(|p| !p.phone.is_empty())
    else {
        return;
    };
    let number = request.view.registration_number.clone().unwrap_or_default();
    let text =
        |lang| crate::locales::message(lang, "sms.result_ready").replace("{number}", &number);
    let body = format!(
        "{} / {}",
        text(qyzmet_domain::Lang::Kk),
        text(qyzmet_domain::Lang::Ru)
    );
    let reference = format!("result-{}", request.view.id);
    if let Err(e) = state.sms.send(&person.phone, &body, &reference).await {
        tracing::warn!(error = ?e, "the result-ready SMS was not taken");
    }
}
