//! What the documents a request produces say, in the request's language: the receipt
//! (қолхат) of a registered application, and the result — the service's licence,
//! certificate, attestat, letter, resolution or accreditation certificate, or the letter with
//! the reasoned refusal — drawn from the officer's signed decision. `receipt.rs` draws them.

use crate::applications::Stored;
use crate::receipt::Receipt;
use qyzmet_domain::Lang;
use qyzmet_domain::catalogue::{Catalogue, ResultKind};
use qyzmet_domain::decision::{DecisionDocument, Outcome};
use qyzmet_domain::outgoing::OutgoingDocument;

/// A moment in Kazakhstan time, as the document's language writes it (14.12.2026 10:30).
fn local_minute(at: time::OffsetDateTime, lang: Lang) -> String {
    let local = qyzmet_domain::calendar::in_kazakhstan(at);
    let minute = time::Time::from_hms(local.hour(), local.minute(), 0).unwrap_or(local.time());
    qyzmet_domain::written::moment(time::PrimitiveDateTime::new(local.date(), minute), &|key| {
        crate::locales::message(lang, key)
    })
}

/// A stored `YYYY-MM-DD` as the document's language writes it.
fn written_date(raw: &str, lang: Lang) -> String {
    qyzmet_domain::written::iso_date(raw, &|key| crate::locales::message(lang, key))
}

/// The check printed on a document: its page's address (the QR code's content) and its code.
pub fn verification(
    origin: &str,
    code: &qyzmet_domain::document_code::DocumentCode,
    lang: Lang,
) -> crate::receipt::Verification {
    crate::receipt::Verification {
        label: crate::locales::message(lang, "verify.on_paper"),
        url: format!("{origin}/verify/{code}"),
        code_line: crate::locales::message(lang, "verify.code_on_paper")
            .replace("{code}", &code.to_string()),
    }
}

/// The provider as the receipt names it: its name and, where the regulation gives one, address.
pub fn provider_line(provider: &qyzmet_domain::catalogue::Provider, lang: Lang) -> String {
    let address = provider
        .address
        .as_ref()
        .map(|a| format!(", {}", a.get(lang)))
        .unwrap_or_default();
    format!("{}{address}", provider.name.get(lang))
}

/// The phone to reach the applicant at: the contact phone they gave in the form (what the
/// provider will call), else the one their account holds.
fn contact_phone(document: &OutgoingDocument) -> String {
    match document.answers.get("phone") {
        Some(qyzmet_domain::form::Answer::Text(phone)) if !phone.trim().is_empty() => {
            phone.trim().to_string()
        }
        _ => document.applicant.phone.clone(),
    }
}

/// The receipt of a registered application, from the document its applicant signed.
pub fn receipt(
    catalogue: &Catalogue,
    stored: &Stored,
    document: &OutgoingDocument,
    lang: Lang,
) -> Receipt {
    let t = |key: &str| crate::locales::message(lang, &format!("receipt.{key}"));
    let service = catalogue.service(&stored.view.service_id);
    let variant = service.and_then(|s| s.variant(&stored.view.variant_id));
    let provider = catalogue.provider(&stored.provider_id);
    let provider_line = provider.map(|p| provider_line(p, lang)).unwrap_or_default();
    let documents: Vec<String> = stored
        .view
        .attachments
        .iter()
        .map(|a| {
            let slot = variant
                .and_then(|v| v.documents.iter().find(|d| d.id == a.document_id))
                .map(|d| d.name.get(lang).to_string())
                .unwrap_or_else(|| a.document_id.clone());
            format!("{slot} — {}", a.file_name)
        })
        .collect();
    // Accepted at a counter: the result waits there, and the paper says who accepted it.
    let counter = document.accepted_by.is_some();
    let number = stored.view.registration_number.clone().unwrap_or_default();
    let registered_at = stored
        .view
        .registered_at
        .as_deref()
        .and_then(|at| {
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(|at| local_minute(at, lang))
        .unwrap_or_default();
    Receipt {
        lang,
        title: t("title"),
        lines: vec![
            (t("number"), number),
            (t("registered_at"), registered_at),
            (
                t("service"),
                service
                    .map(|s| s.name.get(lang).to_string())
                    .unwrap_or_default(),
            ),
            (t("provider"), provider_line),
            (
                t("applicant"),
                format!("{} ({})", document.applicant.name, document.applicant.id),
            ),
            (t("phone"), contact_phone(document)),
            (
                t("due"),
                written_date(stored.view.due_date.as_deref().unwrap_or_default(), lang),
            ),
            (
                t("result"),
                t(if counter {
                    "result_where_counter"
                } else {
                    "result_where"
                }),
            ),
        ]
        .into_iter()
        .chain(document.accepted_by.as_ref().map(|a| {
            let door = crate::locales::message(lang, &format!("channel.{}", a.channel));
            (t("accepted_by"), format!("{} ({door})", a.name))
        }))
        .collect(),
        documents_label: t("documents").replace("{n}", &documents.len().to_string()),
        documents,
        footer: t(if counter { "footer_counter" } else { "footer" }),
        verification: None,
    }
}

/// The receipt of an acceptance refused at a counter for an incomplete set (004 §9, 000
/// annex 1–3 section 4: «құжаттарды қабылдаудан бас тарту туралы қолхат»): what was asked
/// for, of whom, and the required documents that were not brought.
pub fn acceptance_refusal(
    catalogue: &Catalogue,
    draft: &Stored,
    missing: &[String],
    operator: &str,
    at: i64,
    lang: Lang,
) -> Receipt {
    let t = |key: &str| crate::locales::message(lang, &format!("refusal_receipt.{key}"));
    let service = catalogue.service(&draft.view.service_id);
    let variant = service.and_then(|s| s.variant(&draft.view.variant_id));
    let documents = missing
        .iter()
        .map(|id| {
            variant
                .and_then(|v| v.documents.iter().find(|d| &d.id == id))
                .map(|d| d.name.get(lang).to_string())
                .unwrap_or_else(|| id.clone())
        })
        .collect::<Vec<_>>();
    let person = draft.view.on_behalf.as_ref();
    let when = time::OffsetDateTime::from_unix_timestamp(at)
        .map(|at| local_minute(at, lang))
        .unwrap_or_default();
    let provider = catalogue
        .provider(&draft.provider_id)
        .map(|p| provider_line(p, lang))
        .unwrap_or_default();
    Receipt {
        lang,
        title: t("title"),
        lines: vec![
            (t("at"), when),
            (
                t("service"),
                service
                    .map(|s| s.name.get(lang).to_string())
                    .unwrap_or_default(),
            ),
            (t("provider"), provider),
            (
                t("applicant"),
                person
                    .map(|p| format!("{} ({})", p.name, p.id))
                    .unwrap_or_default(),
            ),
            (t("operator"), operator.to_string()),
        ],
        documents_label: t("missing").replace("{n}", &documents.len().to_string()),
        documents,
        footer: t("footer"),
        verification: None,
    }
}

/// The result document of a decided request (its kind names the file) from the officer's
/// signed decision.
pub fn result(
    catalogue: &Catalogue,
    stored: &Stored,
    decision: &crate::officers::StoredDecision,
    document: &DecisionDocument,
    lang: Lang,
) -> (&'static str, Receipt) {
    let t = |key: &str| crate::locales::message(lang, &format!("result.{key}"));
    let service = catalogue.service(&stored.view.service_id);
    let provider = catalogue
        .provider(&stored.provider_id)
        .map(|p| p.name.get(lang).to_string())
        .unwrap_or_default();
    let kind = match (document.outcome, service.map(|s| s.result)) {
        (Outcome::Refused, _) => "refusal",
        (Outcome::Satisfied, Some(ResultKind::Licence)) => "licence",
        (Outcome::Satisfied, Some(ResultKind::Certificate)) => "certificate",
        (Outcome::Satisfied, Some(ResultKind::Attestat)) => "attestat",
        (Outcome::Satisfied, Some(ResultKind::LetterOfAgreement)) => "letter_of_agreement",
        (Outcome::Satisfied, Some(ResultKind::Resolution)) => "resolution",
        (Outcome::Satisfied, Some(ResultKind::AccreditationCertificate)) => {
            "accreditation_certificate"
        }
        (Outcome::Satisfied, None) => "decision",
    };
    let decided_at = time::OffsetDateTime::from_unix_timestamp(decision.signed_at)
        .map(|at| local_minute(at, lang))
        .unwrap_or_default();
    let mut lines = vec![
        (t("number"), document.registration_number.clone()),
        (t("date"), decided_at.clone()),
        (
            t("holder"),
            format!("{} ({})", document.applicant_name, document.applicant_id),
        ),
        (
            t("service"),
            service
                .map(|s| s.name.get(lang).to_string())
                .unwrap_or(document.service_name.clone()),
        ),
    ];
    match document.outcome {
        Outcome::Satisfied => {
            if let Some(s) = service {
                lines.push((t("granted"), s.result_description.get(lang).to_string()));
            }
            if let Some(note) = &document.reason {
                lines.push((t("note"), note.clone()));
            }
        }
        Outcome::Refused => lines.push((t("reason"), document.reason.clone().unwrap_or_default())),
    }
    lines.push((t("provider"), provider));
    lines.push((
        t("officer"),
        format!("{} ({})", document.officer_name, document.officer_iin),
    ));
    lines.push((
        t("signed"),
        t("signed_by")
            .replace("{name}", &decision.signer)
            .replace("{iin}", &decision.signer_iin)
            .replace("{date}", &decided_at),
    ));
    let sheet = Receipt {
        lang,
        title: t(&format!("title.{kind}")),
        lines,
        documents_label: String::new(),
        documents: Vec::new(),
        footer: t("footer"),
        verification: None,
    };
    (kind, sheet)
}
