//! Signing from a phone with eGov mobile's QR / cross-link protocol, played by the TEST phone
//! signer with the demo GOST keys over real HTTP: the link, API No. 1 and No. 2, the PUT, the
//! page's poll, one use per link, refusals the phone shows.

use crate::common::*;
use qyzmet_domain::api::{ApplicationView, MobileSignStatusView, MobileSignView};
use qyzmet_domain::egov_mobile;
use qyzmet_domain::status::Status;
use qyzmet_server::test_doubles::mobile_signer::{self as test_mobile_signer, Answer};

async fn ready_draft(s: &Server, tab: &reqwest::Client) -> ApplicationView {
    let draft = new_draft(s, tab, "guardianship").await;
    complete_guardianship(s, tab, &draft.id).await;
    draft
}

async fn link_for(s: &Server, tab: &reqwest::Client, id: &str) -> MobileSignView {
    let res = tab
        .post(s.url(&format!("/api/applications/{id}/mobile-sign")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn state_of(s: &Server, tab: &reqwest::Client, id: &str, link: &str) -> MobileSignStatusView {
    get_json(
        s,
        tab,
        &format!("/api/applications/{id}/mobile-sign/{link}"),
    )
    .await
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test]
async fn a_citizen_signs_from_the_phone_and_the_page_sees_it_registered() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = ready_draft(&s, &tab).await;
    let link = link_for(&s, &tab, &draft.id).await;
    let api1 = format!("{}/api/mgovSign/{}", s.base, link.id);
    assert_eq!(link.qr_text, format!("mobileSign:{api1}"));
    assert_eq!(link.cross_link, egov_mobile::cross_link(&api1));
    assert!(
        link.cross_link
            .starts_with("https://m.egov.kz/mobileSign/?link=")
    );
    assert_eq!(link.expires_in_seconds, 180);
    // The QR code is an image for the applicant, "not found" for anyone else.
    let qr = tab.get(s.url(&link.qr_image)).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().starts_with("<?xml"));
    let other = logged_in(&s, COMPANY).await;
    assert_eq!(
        other
            .get(s.url(&link.qr_image))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let res = other
        .get(s.url(&format!(
            "/api/applications/{}/mobile-sign/{}",
            draft.id, link.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        state_of(&s, &tab, &draft.id, &link.id).await.state,
        "waiting"
    );

    // API No. 2 wants the token API No. 1 hands out.
    let res = plain()
        .get(format!("{api1}/documents"))
        .header("authorization", "Bearer guessed")
        .send()
        .await
        .unwrap();
    let (status, problem) = problem(res).await;
    assert_eq!(
        (status, problem.code.as_str()),
        (401, "mobile_sign.unauthorised")
    );
    assert_eq!(problem.message.as_deref(), Some(problem.title.as_str()));

    // The phone signs with the citizen's GOST key.
    let key = demo_key(&s, "880315412341-signing.p12");
    let answer = test_mobile_signer::sign(&link.cross_link, &key, "ru", now())
        .await
        .unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    let registered: ApplicationView =
        get_json(&s, &tab, &format!("/api/applications/{}", draft.id)).await;
    assert_eq!(registered.status, Status::Registered);
    let number = registered.registration_number.unwrap();
    assert!(answer.message.contains(&number), "{}", answer.message);
    assert!(
        answer.message.starts_with("Подписано"),
        "{}",
        answer.message
    );
    assert_eq!(
        state_of(&s, &tab, &draft.id, &link.id).await.state,
        "signed"
    );
    // What was stored: the phone's GOST signature, time-stamped, over the formed document.
    let check: qyzmet_domain::api::SignatureCheckView = get_json(
        &s,
        &tab,
        &format!("/api/applications/{}/signature/check", draft.id),
    )
    .await;
    assert_eq!(check.problem, None);
    assert!(check.time_stamped_at.is_some());

    // A link is used once.
    let again = test_mobile_signer::sign(&link.qr_text, &key, "kk", now())
        .await
        .unwrap();
    assert_eq!(again.status, 404);
    assert!(again.message.contains("QR"), "{}", again.message);
}

#[tokio::test]
async fn another_persons_key_is_refused_on_the_phone_and_the_draft_stays() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = ready_draft(&s, &tab).await;
    let link = link_for(&s, &tab, &draft.id).await;
    let stranger = demo_key(&s, "751102323458-signing.p12");
    let Answer { status, message } =
        test_mobile_signer::sign(&link.qr_text, &stranger, "en", now())
            .await
            .unwrap();
    assert_eq!(status, 403);
    assert!(message.contains("is not the applicant's"), "{message}");
    let state = state_of(&s, &tab, &draft.id, &link.id).await;
    assert_eq!(
        (state.state.as_str(), state.problem.as_deref()),
        ("refused", Some("eds.identity_mismatch"))
    );
    let still: ApplicationView =
        get_json(&s, &tab, &format!("/api/applications/{}", draft.id)).await;
    assert_eq!(still.status, Status::Draft);
    // A new link, the right key: registered.
    let link = link_for(&s, &tab, &draft.id).await;
    let key = demo_key(&s, "880315412341-signing.p12");
    let answer = test_mobile_signer::sign(&link.qr_text, &key, "kk", now())
        .await
        .unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn a_link_is_only_for_a_draft_ready_to_sign_and_only_its_owners() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    // Incomplete: the same field errors as the sign page.
    let draft = new_draft(&s, &tab, "guardianship").await;
    let res = tab
        .post(s.url(&format!("/api/applications/{}/mobile-sign", draft.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    // Someone else's draft: not found.
    let other = logged_in(&s, COMPANY).await;
    let res = other
        .post(s.url(&format!("/api/applications/{}/mobile-sign", draft.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // An unknown link: the protocol's error, with a message for the phone.
    let res = plain()
        .get(s.url("/api/mgovSign/no-such-link"))
        .header("accept-language", "kk")
        .send()
        .await
        .unwrap();
    let (status, problem) = problem(res).await;
    assert_eq!(
        (status, problem.code.as_str()),
        (404, "mobile_sign.link_expired")
    );
    assert!(problem.message.is_some());
}
