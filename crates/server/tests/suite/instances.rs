//! Two instances on one PostgreSQL database (and, in `cargo xtask test`, one S3 bucket), with
//! consecutive requests sent to alternating instances as a load balancer's round robin does:
//! nothing a request leaves behind may live in one process only.

use crate::common::*;
use qyzmet_domain::api::{ApplicationView, PaymentStatus, PaymentView};
use serde_json::json;
use std::time::Duration;

const OFFICER: (&str, &str) = ("770214324684", "Officer-demo-2026");

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
    to_examination(other, &officer, &request.id).await;
    // The decision, on the other instance too.
    let res = sign_decision(
        other,
        &officer,
        &request.id,
        json!({"outcome": "satisfied"}),
    )
    .await;
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
    let payment = format!("/api/applications/{}/payment", app.id);
    let started: PaymentView = post_json(&s, &tab, &payment).await;
    // A second click, on the other instance, finds the same payment.
    let again: PaymentView = post_json(&s, &tab, &payment).await;
    assert_eq!(again.id, started.id);
    let paid: PaymentView = post_json(&s, &tab, &format!("{}/confirm", started.gateway_url)).await;
    assert_eq!(paid.status, PaymentStatus::Paid);
    for _ in 0..2 {
        let seen: PaymentView = get_json(&s, &tab, &payment).await;
        assert_eq!(
            (seen.id.as_str(), seen.status),
            (started.id.as_str(), PaymentStatus::Paid)
        );
    }
}
