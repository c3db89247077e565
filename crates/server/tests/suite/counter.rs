//! A person who comes with paper, over real HTTP: at the State Corporation's desk the
//! operator records the person's consent, enters the guardianship application for them,
//! refuses acceptance of an incomplete set with the refusal receipt, accepts the complete one
//! signed with the operator's EDS (the receipt names who accepted it); the accumulation
//! department sends it on, the provider works its steps, the result comes back, the person
//! is told by SMS, and — nobody coming for a month — it is returned to the provider. The
//! person follows it in their own cabinet. The provider office's counter (the accreditation)
//! accepts a company's paper and hands the result to its representative.

use crate::common::*;
use qyzmet_domain::api::{
    AcceptanceRefusal, ApplicationList, ApplicationView, CounterServices, NotificationList,
    OfficerRequestView,
};
use qyzmet_domain::process::Collection;
use qyzmet_domain::status::Status;
use serde_json::json;

const OPERATOR: (&str, &str) = ("870321388405", "Operator-demo-2026");
/// A citizen with an account, who comes to the public service centre with paper.
const PERSON: (&str, &str) = ("751102323458", "Erlan-demo-2026");

async fn step(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    body: serde_json::Value,
) -> OfficerRequestView {
    let res = complete_step(s, tab, id, body).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// Accepts the draft `id` at the counter: the outgoing document formed, signed with the
/// staff member's demo `key` and submitted. The document as it was signed.
async fn accept(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    key: &str,
) -> qyzmet_domain::outgoing::OutgoingDocument {
    use base64::Engine;
    let formed: qyzmet_domain::api::OutgoingDocumentView =
        get_json(s, tab, &format!("/api/applications/{id}/outgoing-document")).await;
    let document = base64::engine::general_purpose::STANDARD
        .decode(&formed.document)
        .unwrap();
    let res = tab
        .post(s.url(&format!("/api/applications/{id}/submit")))
        .header("idempotency-key", format!("desk-{id}"))
        .json(&json!({"document": formed.document, "signature": sign_b64(&demo_key(s, key), &document)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    qyzmet_domain::outgoing::OutgoingDocument::from_bytes(&document).unwrap()
}

#[tokio::test]
async fn a_person_with_paper_is_served_at_the_state_corporations_desk_from_acceptance_to_hand_over()
{
    let s = start().await;
    let operator = logged_in(&s, OPERATOR).await;
    let desk: CounterServices = get_json(&s, &operator, "/api/counter/services").await;
    let ids: Vec<&str> = desk.services.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "survey-licence",
            "design-licence",
            "construction-licence",
            "guardianship"
        ]
    );
    // Nobody else has a desk: an applicant, a provider's head.
    for who in [CITIZEN, GUARDIANSHIP_HEAD] {
        let tab = logged_in(&s, who).await;
        let res = tab
            .get(s.url("/api/counter/services"))
            .send()
            .await
            .unwrap();
        expect_problem(res, 403, "auth.forbidden").await;
    }
    let start_at = |body: serde_json::Value| {
        operator
            .post(s.url("/api/counter/applications"))
            .json(&body)
            .send()
    };
    // Every problem at once; the accreditation is taken at the provider's office only.
    let p = expect_problem(
        start_at(json!({"applicant_id": "12", "consent": false, "service_id": "project-management-accreditation"}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    let fields: Vec<(&str, &str)> = p
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("applicant_id", "registry.not_found"),
            ("consent", "counter.consent_required"),
            ("service_id", "counter.not_taken_here"),
        ]
    );
    let res =
        start_at(json!({"applicant_id": PERSON.0, "consent": true, "service_id": "guardianship"}))
            .await
            .unwrap();
    assert_eq!(res.status(), 201);
    let draft: ApplicationView = res.json().await.unwrap();
    let person = draft.on_behalf.clone().unwrap();
    assert_eq!(
        (person.id.as_str(), person.name.as_str(), draft.channel),
        (
            PERSON.0,
            "Жұмабеков Ерлан Асқарұлы",
            qyzmet_domain::catalogue::Channel::StateCorporation
        )
    );

    // The operator enters the form and scans what the person brought: one document short.
    let id = draft.id.clone();
    let res = operator
        .patch(s.url(&format!("/api/applications/{id}")))
        .json(&json!({"version": 1, "answers": guardianship_answers()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for doc in ["health_certificate", "parental_care_loss"] {
        let res = upload(&s, &operator, &id, doc, "scan.pdf", PDF.to_vec()).await;
        assert_eq!(res.status(), 201);
    }
    let res = operator
        .post(s.url(&format!("/api/counter/applications/{id}/refusal")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let refusal: AcceptanceRefusal = res.json().await.unwrap();
    assert_eq!(refusal.missing, ["birth_certificates"]);
    let pdf = get_bytes(
        &s,
        &operator,
        &format!("/api/counter/refusals/{}?lang=ru", refusal.id),
    )
    .await;
    let text = crate::officers::pdf_text(&pdf);
    for expected in [
        "Расписка об отказе в приёме документов",
        "Жұмабеков Ерлан Асқарұлы (751102323458)",
        "Не представлены документы (1)",
        "Исабеков Тимур Маратұлы",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    // Another desk's refusal receipt is not found (the provider's office has a desk too).
    let clerk = logged_in(&s, GUARDIANSHIP_CLERK).await;
    let res = clerk
        .get(s.url(&format!("/api/counter/refusals/{}", refusal.id)))
        .send()
        .await
        .unwrap();
    expect_problem(res, 404, "application.not_found").await;

    // The person comes back with the rest: nothing is missing, so it is accepted, signed
    // with the operator's EDS.
    let res = upload(
        &s,
        &operator,
        &id,
        "birth_certificates",
        "scan.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let res = operator
        .post(s.url(&format!("/api/counter/applications/{id}/refusal")))
        .send()
        .await
        .unwrap();
    expect_problem(res, 409, "counter.complete").await;
    let outgoing = accept(&s, &operator, &id, "870321388405-signing.p12").await;
    assert_eq!(outgoing.applicant.id, PERSON.0);
    assert_eq!(
        outgoing.accepted_by.as_ref().map(|a| a.iin.as_str()),
        Some(OPERATOR.0)
    );
    let receipt = crate::officers::pdf_text(
        &get_bytes(
            &s,
            &operator,
            &format!("/api/applications/{id}/receipt?lang=ru"),
        )
        .await,
    );
    for expected in [
        "Документы принял(а)",
        "Исабеков Тимур Маратұлы",
        "Жұмабеков Ерлан",
    ] {
        assert!(
            receipt.contains(expected),
            "{expected:?} not in:\n{receipt}"
        );
    }
    // Whoever holds the paper receipt follows the request by its code, without an account.
    let code = crate::officers::printed_code(&receipt);
    let public = |s: &Server| {
        let url = s.url(&format!("/api/verify/{code}"));
        async move {
            let res = plain().get(url).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.json::<qyzmet_domain::api::VerifiedDocumentView>()
                .await
                .unwrap()
        }
    };
    let shown = public(&s).await;
    assert_eq!((shown.status, shown.collection), (Status::Registered, None));

    // The operator's later reads of the person's request are recorded like anyone's.
    let admin = logged_in(&s, ("810719435790", "Admin-demo-2026")).await;
    let by_operator: qyzmet_domain::api::DataReadAuditList = get_json(
        &s,
        &admin,
        &format!("/api/admin/data-reads?q={}", OPERATOR.0),
    )
    .await;
    assert!(
        by_operator.reads.iter().any(|r| r.what == "receipt"),
        "{by_operator:?}"
    );

    // The State Corporation's accumulation department sends it on: its step, not the
    // provider's office's (acceptance was step 1, done by accepting).
    let view: OfficerRequestView =
        get_json(&s, &operator, &format!("/api/officer/requests/{id}")).await;
    let at = view.process.current.clone().unwrap_or_else(|| {
        panic!(
            "{:?} {:?}",
            view.application.channel,
            view.process.steps.len()
        )
    });
    assert_eq!(
        (at.index, at.performer),
        (1, qyzmet_domain::process::Performer::Accumulation)
    );
    assert_eq!(view.process.log[0].by, "Исабеков Тимур Маратұлы");
    assert_eq!(view.item.applicant_id, PERSON.0);
    expect_problem(
        complete_step(&s, &clerk, &id, json!({"step": 1})).await,
        403,
        "process.not_your_role",
    )
    .await;
    step(&s, &operator, &id, json!({"step": 1})).await;

    // The provider's steps: office, head, executor, head, office (sends it back).
    step(&s, &clerk, &id, json!({"step": 2})).await;
    let head = logged_in(&s, GUARDIANSHIP_HEAD).await;
    let clerk_id = account_id(&s, &clerk).await;
    step(&s, &head, &id, json!({"step": 3, "executor": clerk_id})).await;
    step(&s, &clerk, &id, json!({"step": 4, "outcome": "satisfied"})).await;
    let res = sign_as(
        &s,
        &head,
        "741009410712-signing.p12",
        &id,
        json!({"outcome": "satisfied"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let view = step(&s, &clerk, &id, json!({"step": 6})).await;
    let at = view.process.current.unwrap();
    assert_eq!(
        (at.index, at.performer),
        (7, qyzmet_domain::process::Performer::StateCorporation)
    );
    // The result waits at the centre: the person is told by SMS (the same gateway).
    let messages: Vec<qyzmet_domain::api::TestSms> = get_json(
        &s,
        &plain(),
        &format!("/api/test-sms-outbox/{}", registry_phone(PERSON.0)),
    )
    .await;
    let told = messages
        .iter()
        .find(|m| m.reference == format!("result-{id}"))
        .expect("the result-ready SMS");
    assert!(told.body.contains("результат по заявке"), "{}", told.body);
    let shown = public(&s).await;
    assert_eq!(
        (shown.status, shown.collection),
        (Status::Satisfied, Some(Collection::Waiting))
    );

    // Not a month yet: it is not returned to the provider.
    expect_problem(
        complete_step(&s, &operator, &id, json!({"step": 7, "returned": true})).await,
        409,
        "process.not_returnable",
    )
    .await;
    // Nobody came for 40 days (004 §10: kept one month): it goes back to the provider.
    let db = database(&s).await;
    sqlx::query("UPDATE applications SET step_started_at = step_started_at - 40 * 86400 WHERE public_id = $1")
        .bind(id.clone())
        .execute(&db)
        .await
        .unwrap();
    let view: OfficerRequestView =
        get_json(&s, &operator, &format!("/api/officer/requests/{id}")).await;
    assert!(
        view.process.current.as_ref().unwrap().overdue,
        "past its keeping period"
    );
    let overdue: qyzmet_domain::api::Queue =
        get_json(&s, &operator, "/api/officer/requests?tab=overdue").await;
    assert!(overdue.requests.iter().any(|r| r.id == id));
    let view = step(&s, &operator, &id, json!({"step": 7, "returned": true})).await;
    assert!(view.process.current.is_none());
    assert_eq!(view.process.log.last().unwrap().event.code(), "returned");
    assert_eq!(public(&s).await.collection, Some(Collection::Returned));

    // The person follows it in their own cabinet, though a member of staff entered it.
    let citizen = logged_in(&s, PERSON).await;
    let mine: ApplicationList = get_json(&s, &citizen, "/api/applications").await;
    let found = mine
        .applications
        .iter()
        .find(|a| a.id == id)
        .expect("in the cabinet");
    assert_eq!(found.status, Status::Satisfied);
    let _: ApplicationView = get_json(&s, &citizen, &format!("/api/applications/{id}")).await;
    // Its news are the person's, not the operator's who accepted it.
    let news = |list: NotificationList| -> Vec<Status> {
        list.notifications
            .into_iter()
            .filter(|n| n.application_id == id)
            .map(|n| n.status)
            .rev()
            .collect()
    };
    let told = news(get_json(&s, &citizen, "/api/notifications").await);
    assert_eq!(
        told,
        [Status::Registered, Status::InReview, Status::Satisfied]
    );
    let operator_told = news(get_json(&s, &operator, "/api/notifications").await);
    assert!(operator_told.is_empty(), "{operator_told:?}");
    // Another citizen does not.
    let other = logged_in(&s, CITIZEN).await;
    let res = other
        .get(s.url(&format!("/api/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// 000 annex 4: the accreditation is taken only at the provider's office, on paper. Its clerk
/// accepts the company's documents (acceptance is the first step, so the head names the
/// executor next), the executor prepares, the head signs, and the clerk hands the
/// certificate to the company's representative with a power of attorney, recorded.
#[tokio::test]
async fn the_accreditation_is_accepted_at_the_providers_office_and_handed_to_a_representative() {
    let s = start().await;
    let clerk = logged_in(&s, ("790517356782", "Officer-demo-2026")).await;
    let head = logged_in(&s, ("680923445410", "Head-demo-2026")).await;
    let desk: CounterServices = get_json(&s, &clerk, "/api/counter/services").await;
    assert_eq!(
        desk.channel,
        qyzmet_domain::catalogue::Channel::ProviderOffice
    );
    assert!(
        desk.services
            .iter()
            .any(|s| s.id == "project-management-accreditation")
    );
    assert!(
        !desk.services.iter().any(|s| s.id == "guardianship"),
        "another provider's"
    );
    let begin = |applicant: &str| {
        clerk
            .post(s.url("/api/counter/applications"))
            .json(&json!({"applicant_id": applicant, "consent": true, "service_id": "project-management-accreditation"}))
            .send()
    };
    // For organisations: a person is not admitted.
    let p = expect_problem(begin(PERSON.0).await.unwrap(), 422, "validation").await;
    assert_eq!(
        (p.errors[0].field.as_str(), p.errors[0].code.as_str()),
        ("applicant_id", "application.applicant_not_admitted")
    );
    let res = begin(UNREGISTERED_COMPANY).await.unwrap();
    assert_eq!(res.status(), 201);
    let draft: ApplicationView = res.json().await.unwrap();
    let id = draft.id.clone();
    assert_eq!(draft.on_behalf.unwrap().name, "«Құрылыс Жоба» ЖШС");
    for doc in ["application", "specialists_certificates"] {
        let res = upload(&s, &clerk, &id, doc, "scan.pdf", PDF.to_vec()).await;
        assert_eq!(res.status(), 201);
    }
    let outgoing = accept(&s, &clerk, &id, "790517356782-signing.p12").await;
    assert_eq!(
        (
            outgoing.applicant.id_kind.as_str(),
            outgoing.applicant.id.as_str()
        ),
        ("bin", UNREGISTERED_COMPANY)
    );
    let view: OfficerRequestView =
        get_json(&s, &head, &format!("/api/officer/requests/{id}")).await;
    let at = view.process.current.unwrap();
    assert_eq!(
        (at.index, at.performer),
        (1, qyzmet_domain::process::Performer::Head)
    );
    assert_eq!(view.application.status, Status::Registered);
    let clerk_id = account_id(&s, &clerk).await;
    step(&s, &head, &id, json!({"step": 1, "executor": clerk_id})).await;
    step(&s, &clerk, &id, json!({"step": 2, "outcome": "satisfied"})).await;
    let res = sign_as(
        &s,
        &head,
        "680923445410-signing.p12",
        &id,
        json!({"outcome": "satisfied"}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // The office's last step hands it over: never "returned" (no keeping period here).
    expect_problem(
        complete_step(&s, &clerk, &id, json!({"step": 4, "returned": true})).await,
        409,
        "process.not_returnable",
    )
    .await;
    let power = "Сейітқызы Гүлім, сенімхат № 7, 02.12.2026";
    let view = step(
        &s,
        &clerk,
        &id,
        json!({"step": 4, "handed_over": {"representative": power}}),
    )
    .await;
    assert!(view.process.current.is_none());
    assert_eq!(view.application.status, Status::Satisfied);
    assert_eq!(
        view.process.log.last().unwrap().note.as_deref(),
        Some(power)
    );
    assert_eq!(view.item.applicant_id, UNREGISTERED_COMPANY);
    // The company's receipt says, by its code, that the result was handed over.
    let receipt = crate::officers::pdf_text(
        &get_bytes(
            &s,
            &clerk,
            &format!("/api/applications/{id}/receipt?lang=ru"),
        )
        .await,
    );
    let code = crate::officers::printed_code(&receipt);
    let shown: qyzmet_domain::api::VerifiedDocumentView =
        get_json(&s, &plain(), &format!("/api/verify/{code}")).await;
    assert_eq!(shown.collection, Some(Collection::HandedOver));
    // The company has no account to be told in; the clerk is not told its news either.
    let clerk_told: NotificationList = get_json(&s, &clerk, "/api/notifications").await;
    assert!(
        clerk_told
            .notifications
            .iter()
            .all(|n| n.application_id != id),
        "{clerk_told:?}"
    );
}
