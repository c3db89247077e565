//! The officers' side over real HTTP: only their provider's requests, the regulation's steps
//! made by the role that has them (office, head, executor), moves through the status
//! machine, one winner when two act at once, and decisions prepared by the executor and
//! signed with the head's EDS that the applicant can verify.

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use qyzmet_domain::api::{DecisionView, HistoryList, OfficerRequestView, Queue};
use qyzmet_domain::status::Status;
use serde_json::json;

/// The clerk-executor of the local executive body (guardianship) and one of another provider.
const OFFICER: (&str, &str) = GUARDIANSHIP_CLERK;
const OTHER_OFFICER: (&str, &str) = ("900424379008", "Officer-demo-2026");

async fn queue(s: &Server, tab: &reqwest::Client) -> Queue {
    get_json(s, tab, "/api/officer/requests").await
}

async fn register_step(s: &Server, tab: &reqwest::Client, id: &str) -> reqwest::Response {
    complete_step(s, tab, id, json!({"step": 0})).await
}

async fn decision_document(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    tab.post(s.url(&format!("/api/officer/requests/{id}/decision-document")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_officer_sees_only_their_providers_requests() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    // A draft is the applicant's alone.
    let draft = new_draft(&s, &citizen, "guardianship").await;

    let officer = logged_in(&s, OFFICER).await;
    let q = queue(&s, &officer).await;
    let ids: Vec<&str> = q.requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec![request.id.as_str()]);
    assert_eq!(q.counts.get("registered"), Some(&1));
    let item = &q.requests[0];
    assert_eq!(
        (item.applicant_id.as_str(), item.overdue),
        (CITIZEN.0, false)
    );
    assert!(item.days_left > 0);
    let res = officer
        .get(s.url(&format!(
            "/api/applications/{}/attachments/health_certificate",
            request.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "the provider's officer downloads the applicant's files"
    );
    assert_eq!(
        officer
            .get(s.url(&format!("/api/officer/requests/{}", draft.id)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let other = logged_in(&s, OTHER_OFFICER).await;
    assert!(queue(&s, &other).await.requests.is_empty());
    for path in [
        format!("/api/officer/requests/{}", request.id),
        format!(
            "/api/applications/{}/attachments/health_certificate",
            request.id
        ),
        format!("/api/applications/{}/signature", request.id),
        format!("/api/applications/{}/history", request.id),
    ] {
        expect_problem(
            other.get(s.url(&path)).send().await.unwrap(),
            404,
            "application.not_found",
        )
        .await;
    }
    expect_problem(
        register_step(&s, &other, &request.id).await,
        404,
        "application.not_found",
    )
    .await;
    // An applicant has no officer console.
    expect_problem(
        citizen
            .get(s.url("/api/officer/requests"))
            .send()
            .await
            .unwrap(),
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn of_two_clerks_registering_at_once_one_wins_and_the_other_gets_409() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let (a, b) = (logged_in(&s, OFFICER).await, logged_in(&s, OFFICER).await);
    let (ra, rb) = tokio::join!(
        register_step(&s, &a, &request.id),
        register_step(&s, &b, &request.id)
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    // A step number no process reaches (schemathesis sent one past 2^64) is not the step to
    // make either: 409, not a malformed body.
    let huge = r#"{"step": 2428378395525872089402422925841137664}"#;
    let res = a
        .post(s.url(&format!("/api/officer/requests/{}/step", request.id)))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    expect_problem(res, 409, "process.stale").await;
    // Status moves are the executor's, in the examination: not before the head names one.
    let res = a
        .post(s.url(&format!("/api/officer/requests/{}/moves", request.id)))
        .json(&json!({"from": "registered", "to": "in_review"}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 403, "process.not_your_role").await;
    let head = logged_in(&s, GUARDIANSHIP_HEAD).await;
    let executor = account_id(&s, &a).await;
    let res = complete_step(
        &s,
        &head,
        &request.id,
        json!({"step": 1, "executor": executor}),
    )
    .await;
    let view: OfficerRequestView = res.json().await.unwrap();
    // The examination began: in review for the applicant, with the named executor for the
    // provider; the step after it is the executor's preparation.
    assert_eq!(view.application.status, Status::InReview);
    let current = view.process.current.unwrap();
    assert_eq!(
        (current.index, current.holder.as_deref()),
        (2, Some("Мұхамедиев Серік Қайратұлы"))
    );
    let history: HistoryList = get_json(
        &s,
        &citizen,
        &format!("/api/applications/{}/history", request.id),
    )
    .await;
    let moves: Vec<(Status, Status)> = history.history.iter().map(|h| (h.from, h.to)).collect();
    assert_eq!(
        moves,
        vec![
            (Status::Draft, Status::Registered),
            (Status::Registered, Status::InReview)
        ]
    );
    // Moves outside the machine or the service's steps are refused.
    let res = a
        .post(s.url(&format!("/api/officer/requests/{}/moves", request.id)))
        .json(&json!({"from": "in_review", "to": "testing_scheduled"}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 409, "status.step_not_in_service").await;
    let res = a
        .post(s.url(&format!("/api/officer/requests/{}/moves", request.id)))
        .json(&json!({"from": "in_review", "to": "satisfied"}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 409, "decision.signature_required").await;
    // Another executor of the authority may not act on a request the head gave to `a`.
    let other = logged_in(&s, GUARDIANSHIP_EXECUTOR).await;
    let res = complete_step(
        &s,
        &other,
        &request.id,
        json!({"step": 2, "outcome": "satisfied"}),
    )
    .await;
    expect_problem(res, 403, "process.held_by_another").await;
}

#[tokio::test]
async fn the_executor_prepares_a_refusal_the_head_signs_it_and_the_applicant_can_verify_it() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let officer = logged_in(&s, OFFICER).await;
    to_examination(&s, &officer, &request.id).await;

    // The executor prepares the result: a refusal needs its reason.
    let p = expect_problem(
        complete_step(
            &s,
            &officer,
            &request.id,
            json!({"step": 2, "outcome": "refused"}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p.errors[0].field, "reason");
    let reason = "Денсаулық туралы анықтаманың мерзімі өткен.";
    let prepared = json!({"step": 2, "outcome": "refused", "reason": reason});
    let view: OfficerRequestView = complete_step(&s, &officer, &request.id, prepared)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view.process.prepared.as_ref().map(|p| p.reason.as_deref()),
        Some(Some(reason))
    );
    // The executor does not sign: the head does.
    let refusal = json!({"outcome": "refused", "reason": reason});
    let form = |tab| decision_document(&s, tab, &request.id, refusal.clone());
    expect_problem(form(&officer).await, 403, "process.not_your_role").await;
    // Four eyes, held by the server: even made a head, who prepared it may not sign it.
    let db = database(&s).await;
    let clerk_id = account_id(&s, &officer).await;
    sqlx::query("INSERT INTO staff_roles (account_id, provider_id, role, granted_at) VALUES ($1, 'local-executive-body', 'head', 0)")
        .bind(clerk_id)
        .execute(&db)
        .await
        .unwrap();
    expect_problem(form(&officer).await, 403, "process.four_eyes").await;

    let head = logged_in(&s, GUARDIANSHIP_HEAD).await;
    // The head signs what was prepared, not the opposite.
    expect_problem(
        decision_document(&s, &head, &request.id, json!({"outcome": "satisfied"})).await,
        422,
        "process.not_as_prepared",
    )
    .await;
    let formed: qyzmet_domain::api::DecisionDocumentView = decision_document(
        &s,
        &head,
        &request.id,
        json!({"outcome": "refused", "reason": reason}),
    )
    .await
    .json()
    .await
    .unwrap();
    let document = B64.decode(&formed.document).unwrap();
    let decide = |signature: String| {
        head.post(s.url(&format!("/api/officer/requests/{}/decision", request.id)))
            .json(&json!({"document": formed.document, "signature": signature}))
            .send()
    };
    // Signed with someone else's key (the executor's): refused, nothing moves.
    expect_problem(
        decide(sign_b64(
            &demo_key(&s, "770214324684-signing.p12"),
            &document,
        ))
        .await
        .unwrap(),
        422,
        "eds.identity_mismatch",
    )
    .await;
    let res = decide(sign_b64(
        &demo_key(&s, "741009410712-signing.p12"),
        &document,
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let view: OfficerRequestView = res.json().await.unwrap();
    assert_eq!(view.application.status, Status::Refused);
    assert!(view.allowed_moves.is_empty());
    // The office issues it next.
    let current = view.process.current.unwrap();
    assert_eq!(
        (current.index, current.performer),
        (4, qyzmet_domain::process::Performer::Office)
    );

    // The applicant sees the reasoned refusal and checks the head's signature against the
    // published CA and CRL, as the app does.
    let decision: DecisionView = get_json(
        &s,
        &citizen,
        &format!("/api/applications/{}/decision", request.id),
    )
    .await;
    assert_eq!(
        (decision.reason.as_deref(), decision.signer_iin.as_str()),
        (Some(reason), GUARDIANSHIP_HEAD.0)
    );
    // Both published chains (the head's key is GOST, as NCA RK issues them).
    let fetch = |path: String| {
        let req = plain().get(s.url(&path)).send();
        async move { req.await.unwrap().bytes().await.unwrap().to_vec() }
    };
    let mut trust = qyzmet_eds::TrustStore::default();
    for chain in ["/api/pki", "/api/pki/gost"] {
        let cert = |der: Vec<u8>| qyzmet_eds::parse_certificate(&der).unwrap();
        trust
            .anchors
            .push(cert(fetch(format!("{chain}/root-ca.cer")).await));
        trust
            .intermediates
            .push(cert(fetch(format!("{chain}/issuing-ca.cer")).await));
        let crl = fetch(format!("{chain}/issuing-ca.crl")).await;
        trust.crls.push(qyzmet_eds::parse_crl(&crl).unwrap());
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let verified = qyzmet_eds::verify_detached(
        &B64.decode(&decision.signature).unwrap(),
        &B64.decode(&decision.document).unwrap(),
        &trust,
        qyzmet_eds::Purpose::Signing,
        &qyzmet_eds::Expected::Iin(GUARDIANSHIP_HEAD.0.into()),
        Some(now),
    )
    .unwrap();
    assert_eq!(verified.holder().common_name, decision.signer);
    let doc = qyzmet_domain::decision::DecisionDocument::from_bytes(
        &B64.decode(&decision.document).unwrap(),
    )
    .unwrap();
    assert_eq!(
        doc.registration_number,
        request.registration_number.unwrap()
    );

    // A decided request takes no second decision.
    expect_problem(
        decide(sign_b64(
            &demo_key(&s, "741009410712-signing.p12"),
            &document,
        ))
        .await
        .unwrap(),
        409,
        "process.finished",
    )
    .await;
    // The office issues the result; the process is over, and the provider's log says who
    // did each step, in which role.
    let view: OfficerRequestView = complete_step(&s, &officer, &request.id, json!({"step": 4}))
        .await
        .json()
        .await
        .unwrap();
    assert!(view.process.current.is_none());
    let log: Vec<(usize, &str)> = view
        .process
        .log
        .iter()
        .map(|l| (l.step, l.event.code()))
        .collect();
    assert_eq!(
        log,
        [
            (0, "completed"),
            (1, "assigned"),
            (2, "prepared"),
            (3, "decided"),
            (4, "completed")
        ]
    );
}

#[tokio::test]
async fn the_head_reassigns_with_a_reason_and_each_role_sees_its_tab() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let (clerk, head, executor) = (
        logged_in(&s, OFFICER).await,
        logged_in(&s, GUARDIANSHIP_HEAD).await,
        logged_in(&s, GUARDIANSHIP_EXECUTOR).await,
    );
    let ids = |q: Queue| q.requests.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let just = vec![request.id.clone()];
    let mine = "/api/officer/requests?tab=mine";
    // Registered: the office's to do, not the head's.
    assert_eq!(ids(get_json(&s, &clerk, mine).await), just);
    assert!(ids(get_json(&s, &head, mine).await).is_empty());
    register_step(&s, &clerk, &request.id).await;
    let assign: Queue = get_json(&s, &head, "/api/officer/requests?tab=assign").await;
    assert_eq!(assign.tabs.get("assign"), Some(&1));
    assert_eq!(ids(assign), just);
    let clerk_id = account_id(&s, &clerk).await;
    let res = complete_step(
        &s,
        &head,
        &request.id,
        json!({"step": 1, "executor": clerk_id}),
    )
    .await;
    assert_eq!(res.status(), 200);
    // A reassignment needs its reason, and someone who is an executor here.
    let reassign = |body: serde_json::Value| {
        head.post(s.url(&format!("/api/officer/requests/{}/executor", request.id)))
            .json(&body)
            .send()
    };
    let citizen_id = account_id(&s, &citizen).await;
    expect_problem(
        reassign(json!({"executor": citizen_id, "reason": "On leave"}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    expect_problem(
        reassign(json!({"executor": account_id(&s, &executor).await, "reason": " "}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    let view: OfficerRequestView =
        reassign(json!({"executor": account_id(&s, &executor).await, "reason": "On leave"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        view.process.current.unwrap().holder.as_deref(),
        Some("Қалиева Айжан Болатқызы")
    );
    let last = view.process.log.last().unwrap();
    assert_eq!(
        (last.event.code(), last.note.as_deref()),
        ("reassigned", Some("On leave"))
    );
    // Now it is the new executor's, and no longer the first's.
    assert_eq!(ids(get_json(&s, &executor, mine).await), just);
    assert!(ids(get_json(&s, &clerk, mine).await).is_empty());
    expect_problem(
        complete_step(
            &s,
            &clerk,
            &request.id,
            json!({"step": 2, "outcome": "satisfied"}),
        )
        .await,
        403,
        "process.held_by_another",
    )
    .await;
    let res = complete_step(
        &s,
        &executor,
        &request.id,
        json!({"step": 2, "outcome": "satisfied"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let sign: Queue = get_json(&s, &head, "/api/officer/requests?tab=sign").await;
    assert_eq!(ids(sign), just);
    // An unknown tab is a field error, not a silent "all".
    let res = head
        .get(s.url("/api/officer/requests?tab=everything"))
        .send()
        .await
        .unwrap();
    expect_problem(res, 422, "validation").await;
}

#[tokio::test]
async fn every_read_of_an_application_by_staff_is_shown_to_its_applicant() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let reads = |tab: &reqwest::Client| {
        tab.get(s.url(&format!("/api/applications/{}/reads", request.id)))
            .send()
    };
    let list: qyzmet_domain::api::DataReadList =
        reads(&citizen).await.unwrap().json().await.unwrap();
    assert!(list.reads.is_empty(), "nobody looked yet");
    let officer = logged_in(&s, OFFICER).await;
    let _: OfficerRequestView = get_json(
        &s,
        &officer,
        &format!("/api/officer/requests/{}", request.id),
    )
    .await;
    get_bytes(
        &s,
        &officer,
        &format!(
            "/api/applications/{}/attachments/health_certificate",
            request.id
        ),
    )
    .await;
    let head = logged_in(&s, GUARDIANSHIP_HEAD).await;
    let _: HistoryList = get_json(
        &s,
        &head,
        &format!("/api/applications/{}/history", request.id),
    )
    .await;
    // Another provider's officer reads nothing, and leaves no trace.
    let other = logged_in(&s, OTHER_OFFICER).await;
    let res = other
        .get(s.url(&format!("/api/officer/requests/{}", request.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let list: qyzmet_domain::api::DataReadList = citizen
        .get(s.url(&format!("/api/applications/{}/reads?lang=en", request.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seen: Vec<(&str, Vec<&str>)> = list
        .reads
        .iter()
        .map(|r| (r.name.as_str(), r.roles.iter().map(|p| p.code()).collect()))
        .collect();
    assert_eq!(
        seen,
        [
            ("Байжанова Меруерт Асанқызы", vec!["head"]),
            ("Мұхамедиев Серік Қайратұлы", vec!["office", "executor"]),
            ("Мұхамедиев Серік Қайратұлы", vec!["office", "executor"]),
        ],
        "newest first"
    );
    assert!(
        list.reads
            .iter()
            .all(|r| !r.provider.is_empty() && !r.at.is_empty())
    );
    // The list is the applicant's alone.
    expect_problem(reads(&officer).await.unwrap(), 404, "application.not_found").await;
    // The administrator searches every read: by the request's number, by a reader's IIN.
    let admin = logged_in(&s, ("810719435790", "Admin-demo-2026")).await;
    let number = request.registration_number.clone().unwrap();
    let found: qyzmet_domain::api::DataReadAuditList =
        get_json(&s, &admin, &format!("/api/admin/data-reads?q={number}")).await;
    let what: Vec<&str> = found.reads.iter().map(|r| r.what.as_str()).collect();
    assert_eq!(what, ["history", "attachment", "request"]);
    assert!(found.reads.iter().all(|r| r.registration_number == number));
    let by_head: qyzmet_domain::api::DataReadAuditList = get_json(
        &s,
        &admin,
        &format!("/api/admin/data-reads?q={}", GUARDIANSHIP_HEAD.0),
    )
    .await;
    assert_eq!(by_head.reads.len(), 1);
    // Nobody else searches it.
    let res = officer
        .get(s.url("/api/admin/data-reads"))
        .send()
        .await
        .unwrap();
    expect_problem(res, 403, "auth.forbidden").await;
}

#[tokio::test]
async fn the_applicant_withdraws_before_a_decision_and_not_after() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let withdraw = || {
        citizen
            .post(s.url(&format!("/api/applications/{}/withdraw", request.id)))
            .send()
    };
    let res = withdraw().await.unwrap();
    assert_eq!(res.status(), 200);
    let view: qyzmet_domain::api::ApplicationView = res.json().await.unwrap();
    assert_eq!(view.status, Status::Withdrawn);
    expect_problem(
        withdraw().await.unwrap(),
        409,
        "status.transition_not_allowed",
    )
    .await;
    let officer = logged_in(&s, OFFICER).await;
    expect_problem(
        register_step(&s, &officer, &request.id).await,
        409,
        "process.finished",
    )
    .await;
}

/// The PDF's text as poppler reads it, whitespace collapsed.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("receipt.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils; xtask setup installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Words as read, one space between: a line the PDF wraps reads on.
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_receipt_is_a_pdf_in_the_applicants_language_with_what_004_lists() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let number = request.registration_number.clone().unwrap();
    let receipt = |lang: &'static str| {
        citizen
            .get(s.url(&format!(
                "/api/applications/{}/receipt?lang={lang}",
                request.id
            )))
            .send()
    };
    let res = receipt("ru").await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let text = pdf_text(&res.bytes().await.unwrap());
    // Dates as a Russian reader writes them: the due date dd.mm.yyyy, never ISO.
    let due = request.due_date.clone().unwrap();
    let written_due = format!("{}.{}.{}", &due[8..10], &due[5..7], &due[0..4]);
    assert!(!text.contains(&due), "{text}");
    for expected in [
        "Расписка о приёме заявления",
        number.as_str(),
        "Нұрланова Айгүл Серікқызы (880315412341)",
        "Приложенные документы (3)",
        // The contact phone typed in the form, not the account's.
        "+7 701 123 45 67",
        written_due.as_str(),
        "В личный кабинет на портале",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the receipt:\n{text}"
        );
    }
    let account_phone = registry_phone(CITIZEN.0);
    assert_ne!(account_phone, "+7 701 123 45 67");
    assert!(!text.contains(&account_phone), "{text}");
    let kk = pdf_text(&receipt("kk").await.unwrap().bytes().await.unwrap());
    assert!(kk.contains("Өтінішті қабылдау туралы қолхат"), "{kk}");
    assert!(kk.contains(&written_due), "{kk}");
    // In English: "14 December 2026".
    let en = pdf_text(&receipt("en").await.unwrap().bytes().await.unwrap());
    let month = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][due[5..7].parse::<usize>().unwrap() - 1];
    let day = due[8..10].trim_start_matches('0');
    assert!(
        en.contains(&format!("{day} {month} {}", &due[0..4])),
        "{day} {month} not in:\n{en}"
    );
    // The provider's officer may print it; anyone else does not learn it exists.
    let officer = logged_in(&s, OFFICER).await;
    let res = officer
        .get(s.url(&format!("/api/applications/{}/receipt", request.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let other = logged_in(&s, ("751102323458", "Erlan-demo-2026")).await;
    let res = other
        .get(s.url(&format!("/api/applications/{}/receipt", request.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// The officer decides `outcome` on a fresh request, signed with their demo key.
async fn decided(s: &Server, citizen: &reqwest::Client, outcome: serde_json::Value) -> String {
    let request = registered_guardianship(s, citizen).await;
    let officer = logged_in(s, OFFICER).await;
    let res = sign_decision(s, &officer, &request.id, outcome).await;
    assert_eq!(res.status(), 200);
    request.id
}

#[tokio::test]
async fn the_result_document_is_the_services_resolution_or_the_reasoned_refusal() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let result = |id: &str, lang: &str| {
        citizen
            .get(s.url(&format!("/api/applications/{id}/result?lang={lang}")))
            .send()
    };
    // No decision yet: nothing to download.
    let pending = registered_guardianship(&s, &citizen).await;
    expect_problem(
        result(&pending.id, "en").await.unwrap(),
        404,
        "decision.not_found",
    )
    .await;

    let satisfied = decided(&s, &citizen, json!({"outcome": "satisfied"})).await;
    let res = result(&satisfied, "ru").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let text = pdf_text(&res.bytes().await.unwrap());
    for expected in [
        "Постановление",
        "Нұрланова Айгүл Серікқызы (880315412341)",
        "постановление акимата об установлении опеки или попечительства",
        "ИИН 741009410712",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }

    let reason = "Денсаулық туралы анықтаманың мерзімі өткен.";
    let refused = decided(
        &s,
        &citizen,
        json!({"outcome": "refused", "reason": reason}),
    )
    .await;
    let text = pdf_text(&result(&refused, "kk").await.unwrap().bytes().await.unwrap());
    assert!(text.contains("дәлелді бас тарту"), "{text}");
    assert!(text.contains(reason), "{text}");

    // Another citizen does not learn it exists.
    let other = logged_in(&s, ("751102323458", "Erlan-demo-2026")).await;
    let res = other
        .get(s.url(&format!("/api/applications/{satisfied}/result")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn scheduling_testing_names_a_future_time_and_a_place_the_applicant_is_told() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &citizen, "expert-attestation-almaty").await;
    let res = citizen
        .patch(s.url(&format!("/api/applications/{}", draft.id)))
        .json(&json!({"version": 1, "answers": {
            "field": "expert_work", "speciality": "Өнеркәсіптік және азаматтық құрылыс",
            "experience_years": "12", "attested_before": "no",
            "phone": "+7 701 123 45 67", "email": "aigul@example.kz"
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for doc in ["diploma", "work_record"] {
        let res = upload(
            &s,
            &citizen,
            &draft.id,
            doc,
            &format!("{doc}.pdf"),
            PDF.to_vec(),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    let request = sign_and_submit(&s, &citizen, &draft.id).await;
    let officer = logged_in(&s, ("861208467891", "Officer-demo-2026")).await;
    // 001 §7: the office registers it and the department's worker examines it (no head names
    // one): registered, the request is in review.
    let res = complete_step(&s, &officer, &request.id, json!({"step": 0})).await;
    let view: OfficerRequestView = res.json().await.unwrap();
    assert_eq!(view.application.status, Status::InReview);
    let schedule = |body: serde_json::Value| {
        officer
            .post(s.url(&format!("/api/officer/requests/{}/moves", request.id)))
            .json(&body)
            .send()
    };
    // Without an appointment, or with one in the past: refused, field by field.
    let p = expect_problem(
        schedule(json!({"from": "in_review", "to": "testing_scheduled"}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["appointment.at", "appointment.place"]);
    let p = expect_problem(
        schedule(json!({"from": "in_review", "to": "testing_scheduled",
            "appointment": {"at": "2020-01-10T10:00", "place": "Алматы"}}))
        .await
        .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(p.errors[0].code, "form.date_in_past");
    let appointment = json!({"at": "2099-01-10T10:00", "place": "Алматы, Абай д-лы 10, 305 каб."});
    let res = schedule(
        json!({"from": "in_review", "to": "testing_scheduled", "appointment": appointment}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    // An appointment on another move is refused.
    let p = expect_problem(
        schedule(
            json!({"from": "testing_scheduled", "to": "in_review", "appointment": appointment}),
        )
        .await
        .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(p.errors[0].field, "appointment");
    let history: HistoryList = get_json(
        &s,
        &citizen,
        &format!("/api/applications/{}/history", request.id),
    )
    .await;
    let last = history.history.last().unwrap();
    assert_eq!(last.to, Status::TestingScheduled);
    let got = last.appointment.as_ref().unwrap();
    assert_eq!(
        (got.at.as_str(), got.place.as_str()),
        ("2099-01-10T10:00", "Алматы, Абай д-лы 10, 305 каб.")
    );
    let notes: qyzmet_domain::api::NotificationList =
        get_json(&s, &citizen, "/api/notifications").await;
    assert!(
        notes
            .notifications
            .iter()
            .any(|n| n.appointment.as_ref() == Some(got) && n.note.is_none()),
        "{notes:?}"
    );
}

#[tokio::test]
async fn status_changes_reach_the_applicant_live_and_as_notifications() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let mut stream = citizen.get(s.url("/api/events")).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    // Another applicant's stream must not hear of it.
    let other = logged_in(&s, ("751102323458", "Erlan-demo-2026")).await;
    let mut other_stream = other.get(s.url("/api/events")).send().await.unwrap();

    let officer = logged_in(&s, OFFICER).await;
    to_examination(&s, &officer, &request.id).await;
    let mut received = String::new();
    let deadline = std::time::Duration::from_secs(10);
    while !received.contains("in_review") {
        let chunk = tokio::time::timeout(deadline, stream.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.contains("event: status"), "{received}");
    assert!(received.contains(&request.id), "{received}");
    let quiet =
        tokio::time::timeout(std::time::Duration::from_millis(500), other_stream.chunk()).await;
    assert!(
        quiet.is_err()
            || !String::from_utf8_lossy(&quiet.unwrap().unwrap().unwrap_or_default())
                .contains(&request.id)
    );

    let list: qyzmet_domain::api::NotificationList =
        get_json(&s, &citizen, "/api/notifications").await;
    let statuses: Vec<Status> = list.notifications.iter().map(|n| n.status).collect();
    assert_eq!(statuses, vec![Status::InReview, Status::Registered]);
    assert_eq!(list.unread, 2);
    assert_eq!(
        citizen
            .post(s.url("/api/notifications/read"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let list: qyzmet_domain::api::NotificationList =
        get_json(&s, &citizen, "/api/notifications").await;
    assert_eq!(list.unread, 0);
    let theirs: qyzmet_domain::api::NotificationList =
        get_json(&s, &other, "/api/notifications").await;
    assert!(theirs.notifications.is_empty());
}

#[tokio::test]
async fn a_restarted_server_keeps_every_registered_request_and_its_signature() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let signature = citizen
        .get(s.url(&format!("/api/applications/{}/signature", request.id)))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let s = s.restart().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let view: qyzmet_domain::api::ApplicationView =
        get_json(&s, &citizen, &format!("/api/applications/{}", request.id)).await;
    assert_eq!(
        (view.status, view.registration_number),
        (Status::Registered, request.registration_number)
    );
    let again = citizen
        .get(s.url(&format!("/api/applications/{}/signature", request.id)))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(again, signature);
    let officer = logged_in(&s, OFFICER).await;
    assert_eq!(queue(&s, &officer).await.requests.len(), 1);
}

#[tokio::test]
async fn a_decision_signed_for_one_request_does_not_decide_another() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let first = registered_guardianship(&s, &citizen).await;
    let second = registered_guardianship(&s, &citizen).await;
    let officer = logged_in(&s, OFFICER).await;
    let reason = "Анықтаманың мерзімі өткен.";
    for r in [&first, &second] {
        to_examination(&s, &officer, &r.id).await;
        let prepared = json!({"step": 2, "outcome": "refused", "reason": reason});
        assert_eq!(
            complete_step(&s, &officer, &r.id, prepared).await.status(),
            200
        );
    }
    let head = logged_in(&s, GUARDIANSHIP_HEAD).await;
    let formed: qyzmet_domain::api::DecisionDocumentView = decision_document(
        &s,
        &head,
        &first.id,
        json!({"outcome": "refused", "reason": reason}),
    )
    .await
    .json()
    .await
    .unwrap();
    let signature = sign_b64(
        &demo_key(&s, "741009410712-signing.p12"),
        &B64.decode(&formed.document).unwrap(),
    );
    // The first request's signed decision, sent for the second: its document names the first
    // request's registration number, so it is refused and the second stays in review.
    let res = head
        .post(s.url(&format!("/api/officer/requests/{}/decision", second.id)))
        .json(&json!({"document": formed.document, "signature": signature}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 409, "request.changed").await;
    let view: OfficerRequestView = get_json(
        &s,
        &officer,
        &format!("/api/officer/requests/{}", second.id),
    )
    .await;
    assert_eq!(view.application.status, Status::InReview);
}

/// The text of the PDF at `url`, as `client` downloads it.
async fn printed(s: &Server, client: &reqwest::Client, url: String) -> String {
    let res = client.get(s.url(&url)).send().await.unwrap();
    pdf_text(&res.bytes().await.unwrap())
}

/// The code printed after "<label>: " on a document.
pub(crate) fn printed_code(text: &str) -> String {
    let at = text.find("Код документа: ").expect("the code is printed") + "Код документа: ".len();
    text[at..].chars().take(11).collect()
}

#[tokio::test]
async fn a_printed_code_lets_anyone_holding_the_paper_check_it_and_shows_nothing_more() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let receipt = || {
        printed(
            &s,
            &citizen,
            format!("/api/applications/{}/receipt?lang=ru", request.id),
        )
    };
    let text = receipt().await;
    let code = printed_code(&text);
    assert!(text.contains(&format!("/verify/{code}")), "{text}");
    // Every copy of the paper carries the same code.
    assert_eq!(printed_code(&receipt().await), code);

    // Anyone — no session — reads what the paper says, by the code as typed from it.
    let anyone = browser();
    let typed = code.to_lowercase().replace('-', " ");
    let res = anyone
        .get(s.url(&format!("/api/verify/{typed}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let view: qyzmet_domain::api::VerifiedDocumentView = serde_json::from_str(&body).unwrap();
    assert_eq!(view.code, code);
    assert_eq!(view.document, "receipt");
    assert_eq!(
        view.registration_number,
        request.registration_number.clone().unwrap()
    );
    assert_eq!(view.service_id, "guardianship");
    assert_eq!(view.status, Status::Registered);
    assert_eq!(view.sha256.len(), 64);
    assert!(view.decision.is_none());
    // Nothing personal the paper's holder could not already read — not even that.
    for private in [
        "880315412341",
        "Нұрланова",
        "+7 701",
        "aigul",
        "answers",
        &request.id,
    ] {
        assert!(!body.contains(private), "{private:?} in {body}");
    }

    // The result carries its own code, and the officer's signed decision to check.
    let satisfied = decided(&s, &citizen, json!({"outcome": "satisfied"})).await;
    let result = printed(
        &s,
        &citizen,
        format!("/api/applications/{satisfied}/result?lang=ru"),
    )
    .await;
    let result_code = printed_code(&result);
    assert_ne!(result_code, code);
    let view: qyzmet_domain::api::VerifiedDocumentView =
        get_json(&s, &anyone, &format!("/api/verify/{result_code}")).await;
    assert_eq!(view.document, "result");
    assert_eq!(view.status, Status::Satisfied);
    let decision = view.decision.expect("the signed decision");
    assert_eq!(decision.signer_iin, GUARDIANSHIP_HEAD.0);
    use base64::Engine;
    let signed = base64::engine::general_purpose::STANDARD
        .decode(&decision.document)
        .unwrap();
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(&signed)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(view.sha256, hash);

    // A code nobody printed, or not a code at all: not found, in the one problem shape.
    for unknown in ["ZZZZZ-ZZZZZ", "not-a-code"] {
        expect_problem(
            anyone
                .get(s.url(&format!("/api/verify/{unknown}")))
                .send()
                .await
                .unwrap(),
            404,
            "document.not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn the_check_page_reads_without_script_on_any_phone_that_scanned_the_code() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let satisfied = decided(&s, &citizen, json!({"outcome": "satisfied"})).await;
    let letter = printed(
        &s,
        &citizen,
        format!("/api/applications/{satisfied}/result?lang=ru"),
    )
    .await;
    let code = printed_code(&letter);
    let number = letter
        .split("Номер ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    // A phone with no session and no script: the page as the server draws it.
    let res = browser()
        .get(s.url(&format!("/verify/{code}")))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    // The server's copy, without the renderer's hydration markers between text nodes.
    let copy = html[html.find("<div id=\"first-paint\"").unwrap()..].replace("<!>", "");
    for expected in [
        "Проверка документа",
        "Этот документ выдан порталом Qyzmet.",
        "Результат оказания государственной услуги",
        number.as_str(),
        code.as_str(),
        "Удовлетворено",
        // The signature is the browser's to check: without script the page says so; with
        // script the start-up script shows the button that checks it.
        "<noscript><p>Подпись проверяет браузер",
        "<button type=\"button\" hidden data-script-only=\"\" class=\"secondary\">Проверить подпись в этом браузере</button>",
    ] {
        assert!(
            copy.contains(expected),
            "{expected:?} not in the page:\n{copy}"
        );
    }
    assert!(!copy.contains("Нұрланова"), "{copy}");
    // A code nobody printed: the page says so, as a 404.
    let res = browser()
        .get(s.url("/verify/ZZZZZ-ZZZZZ"))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("Документ с таким кодом не найден."), "{html}");
}
