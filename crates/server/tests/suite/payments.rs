//! The fee step through the built-in test payment gateway (003: paid before signing).

use crate::common::*;
use qyzmet_domain::api::{ApplicationView, PaymentStatus, PaymentView, Problem};
use serde_json::json;

async fn draft(
    s: &Server,
    tab: &reqwest::Client,
    service: &str,
    variant: Option<&str>,
) -> ApplicationView {
    let res = tab
        .post(s.url("/api/applications"))
        .json(&json!({"service_id": service, "variant_id": variant}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_company_pays_the_licence_fee_on_the_test_gateway() {
    let s = start().await;
    let tab = logged_in(&s, COMPANY).await;
    let app = draft(&s, &tab, "grain-warehouse-licence", Some("issue")).await;
    let payment_url = s.url(&format!("/api/applications/{}/payment", app.id));

    assert_eq!(
        tab.get(&payment_url).send().await.unwrap().status(),
        404,
        "no payment before it is started"
    );
    let started: PaymentView = tab
        .post(&payment_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (started.amount_tenge, started.status),
        (43_250, PaymentStatus::Pending)
    );
    assert!(
        started
            .gateway_url
            .starts_with("/api/test-payment-gateway/payments/")
    );
    // A second click returns the same payment.
    let again: PaymentView = tab
        .post(&payment_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.id, started.id);

    let shown: PaymentView = tab
        .get(s.url(&started.gateway_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown, started);
    let paid: PaymentView = tab
        .post(s.url(&format!("{}/confirm", started.gateway_url)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert!(paid.paid_at.is_some());
    let now: PaymentView = tab
        .get(&payment_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now.status, PaymentStatus::Paid);
}

#[tokio::test]
async fn the_reissue_fee_is_a_tenth_and_free_services_need_no_payment() {
    let s = start().await;
    let company = logged_in(&s, COMPANY).await;
    let reissue = draft(&s, &company, "grain-warehouse-licence", Some("reissue")).await;
    let p: PaymentView = company
        .post(s.url(&format!("/api/applications/{}/payment", reissue.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p.amount_tenge, 4_325);

    let citizen = logged_in(&s, CITIZEN).await;
    let free = draft(&s, &citizen, "guardianship", None).await;
    let res = citizen
        .post(s.url(&format!("/api/applications/{}/payment", free.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let problem: Problem = res.json().await.unwrap();
    assert_eq!(problem.code, "payment.not_required");
}

#[tokio::test]
async fn nobody_else_sees_or_confirms_a_payment() {
    let s = start().await;
    let company = logged_in(&s, COMPANY).await;
    let app = draft(&s, &company, "grain-warehouse-licence", Some("issue")).await;
    let p: PaymentView = company
        .post(s.url(&format!("/api/applications/{}/payment", app.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stranger = logged_in(&s, CITIZEN).await;
    assert_eq!(
        stranger
            .get(s.url(&p.gateway_url))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        stranger
            .post(s.url(&format!("{}/confirm", p.gateway_url)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        stranger
            .post(s.url(&format!("/api/applications/{}/payment", app.id)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let still: PaymentView = company
        .get(s.url(&p.gateway_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(still.status, PaymentStatus::Pending);
}
