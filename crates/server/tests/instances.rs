//! Two instances on one PostgreSQL database (and, in `cargo xtask test`, one S3 bucket), with
//! consecutive requests sent to alternating instances as a load balancer's round robin does:
//! nothing a request leaves behind may live in one process only.

mod common;

use base64::Engine;
use common::*;
use qyzmet_domain::api::{ApplicationView, PaymentStatus, PaymentView};
use serde_json::json;
use std::time::Duration;

const OFFICER: (&str, &str) = ("770214324684", "Officer-demo-2026");
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

async fn two_instances() -> Server {
    assert!(
        test_postgres().is_some(),
        "QYZMET_TEST_POSTGRES names the suite's PostgreSQL"
    );
    let a = start().await;
    let b = start_on_database(&a.database_url).await;
    a.alternating(vec![b])
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `cargo xtask test` starts one and runs this with QYZMET_TEST_POSTGRES"]
async fn a_request_from_draft_to_signed_decision_with_every_call_on_the_other_instance() {
    let s = two_instances().await;
    let citizen = logged_in(&s, CITIZEN).await;
    // Draft, answers, three uploads, the formed document, the signed submission.
    let request = registered_guardianship(&s, &citizen).await;
    assert!(request.registration_number.is_some());
    // Each attachment is read back from both instances (one bucket or folder for all).
    for _ in 0..2 {
        let file = get_bytes(
            &s,
            &citizen,
            &format!(
                "/api/applications/{}/attachments/health_certificate",
                request.id
            ),
        )
        .await;
        assert_eq!(file, PDF);
    }
    // The applicant's stream on one instance, the officer's moves on the other.
    let mut stream = citizen
        .get(format!("{}/api/events", s.base))
        .send()
        .await
        .unwrap();
    let officer = logged_in(&s, OFFICER).await;
    let other = &s.others[0];
    let res = officer
        .post(other.url(&format!("/api/officer/requests/{}/moves", request.id)))
        .json(&json!({"from": "registered", "to": "in_review"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let formed: qyzmet_domain::api::DecisionDocumentView = officer
        .post(other.url(&format!(
            "/api/officer/requests/{}/decision-document",
            request.id
        )))
        .json(&json!({"outcome": "satisfied"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let document = B64.decode(&formed.document).unwrap();
    let signature = sign_b64(&demo_key(&s, "770214324684-signing.p12"), &document);
    let res = officer
        .post(other.url(&format!("/api/officer/requests/{}/decision", request.id)))
        .json(&json!({"document": formed.document, "signature": signature}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut received = String::new();
    while !received.contains("satisfied") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), stream.chunk())
            .await
            .expect("the decision reaches the stream on the other instance")
            .unwrap()
            .unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        received.contains("in_review") && received.contains(&request.id),
        "{received}"
    );
    // The result and the stored signatures, from either instance.
    for _ in 0..2 {
        let app: ApplicationView =
            get_json(&s, &citizen, &format!("/api/applications/{}", request.id)).await;
        assert_eq!(app.status, qyzmet_domain::status::Status::Satisfied);
        let result = get_bytes(
            &s,
            &citizen,
            &format!("/api/applications/{}/result", request.id),
        )
        .await;
        assert!(result.starts_with(b"%PDF"));
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `cargo xtask test` starts one and runs this with QYZMET_TEST_POSTGRES"]
async fn a_payment_started_on_one_instance_is_confirmed_and_seen_on_the_other() {
    let s = two_instances().await;
    let tab = logged_in(&s, COMPANY).await;
    let res = tab
        .post(s.url("/api/applications"))
        .json(&json!({"service_id": "grain-warehouse-licence", "variant_id": "issue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let app: ApplicationView = res.json().await.unwrap();
    let payment_url = |s: &Server| s.url(&format!("/api/applications/{}/payment", app.id));
    let started: PaymentView = tab
        .post(payment_url(&s))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // A second click, on the other instance, finds the same payment.
    let again: PaymentView = tab
        .post(payment_url(&s))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.id, started.id);
    let paid: PaymentView = tab
        .post(s.url(&format!("{}/confirm", started.gateway_url)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid.status, PaymentStatus::Paid);
    for _ in 0..2 {
        let seen: PaymentView = tab
            .get(payment_url(&s))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (seen.id.as_str(), seen.status),
            (started.id.as_str(), PaymentStatus::Paid)
        );
    }
}
