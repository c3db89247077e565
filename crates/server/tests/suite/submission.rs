//! Signing and submitting with the demo EDS keys over real HTTP; every bad certificate the
//! test PKI issues is refused with its own code; OpenSSL verifies what was stored.

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use qyzmet_domain::api::{ApplicationView, OutgoingDocumentView};
use qyzmet_domain::status::Status;
use serde_json::json;

async fn outgoing(s: &Server, tab: &reqwest::Client, id: &str) -> OutgoingDocumentView {
    let res = tab
        .get(s.url(&format!("/api/applications/{id}/outgoing-document")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn now() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp() as u64
}

fn sign(key: &qyzmet_eds::SigningKey, document: &[u8]) -> String {
    B64.encode(qyzmet_eds::sign_detached(key, document, now()).unwrap())
}

async fn submit(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    key: Option<&str>,
    document: &str,
    signature: &str,
) -> reqwest::Response {
    let mut req = tab
        .post(s.url(&format!("/api/applications/{id}/submit")))
        .json(&json!({"document": document, "signature": signature}));
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

async fn ready_draft(s: &Server, tab: &reqwest::Client) -> ApplicationView {
    let draft = new_draft(s, tab, "guardianship").await;
    complete_guardianship(s, tab, &draft.id).await;
    draft
}

#[tokio::test]
async fn a_citizen_signs_and_submits_once_and_openssl_verifies_the_stored_signature() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = ready_draft(&s, &tab).await;
    let formed = outgoing(&s, &tab, &draft.id).await;
    assert!(!formed.signed);
    let document = B64.decode(&formed.document).unwrap();
    let parsed = qyzmet_domain::outgoing::OutgoingDocument::from_bytes(&document).unwrap();
    assert_eq!(
        (parsed.applicant.id.as_str(), parsed.attachments.len()),
        (CITIZEN.0, 3)
    );

    // The RSA key: OpenSSL (without the GOST engine) checks the stored signature below; the
    // GOST keys (the default) are submitted in every other test.
    let key = demo_key(&s, "rsa/880315412341-signing.p12");
    let signature = sign(&key, &document);
    let res = submit(
        &s,
        &tab,
        &draft.id,
        Some("k-1"),
        &formed.document,
        &signature,
    )
    .await;
    assert_eq!(res.status(), 201);
    let registered: ApplicationView = res.json().await.unwrap();
    assert_eq!(registered.status, Status::Registered);
    let number = registered.registration_number.clone().unwrap();
    assert!(
        number.len() == 11 && number.as_bytes()[4] == b'-',
        "{number}"
    );
    assert!(registered.due_date.is_some() && registered.registered_at.is_some());

    // A double click or a retry: the same request, not a second one.
    let again = submit(
        &s,
        &tab,
        &draft.id,
        Some("k-1"),
        &formed.document,
        &signature,
    )
    .await;
    assert_eq!(again.status(), 200);
    let again: ApplicationView = again.json().await.unwrap();
    assert_eq!(again.registration_number.as_deref(), Some(number.as_str()));
    // Without the same key the request is no longer a draft.
    expect_problem(
        submit(
            &s,
            &tab,
            &draft.id,
            Some("k-2"),
            &formed.document,
            &signature,
        )
        .await,
        409,
        "application.not_draft",
    )
    .await;

    // What was stored is what was signed.
    let stored = outgoing(&s, &tab, &draft.id).await;
    assert!(stored.signed);
    assert_eq!(stored.document, formed.document);
    let res = tab
        .get(s.url(&format!("/api/applications/{}/signature", draft.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pkcs7-signature");
    let p7s = res.bytes().await.unwrap();
    // What was signed, with the TSA's stamp over its value added (CAdES-T).
    let submitted = B64.decode(&signature).unwrap();
    assert_eq!(
        qyzmet_eds::cades::signature_value(&p7s),
        qyzmet_eds::cades::signature_value(&submitted)
    );
    assert!(qyzmet_eds::cades::time_stamp_token(&p7s).is_some());

    // Interoperability: OpenSSL verifies the stored signature against the published chain
    // and CRL, and refuses it once one byte of the document changes.
    let dir = tempfile::tempdir().unwrap();
    let chain = plain()
        .get(s.url("/api/pki/chain.pem"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let crl = plain()
        .get(s.url("/api/pki/issuing-ca.crl"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    std::fs::write(dir.path().join("crl.der"), &crl).unwrap();
    let crl_pem = openssl(&["crl", "-inform", "DER", "-in", "crl.der"], dir.path());
    assert!(
        crl_pem.status.success(),
        "{}",
        String::from_utf8_lossy(&crl_pem.stderr)
    );
    std::fs::write(
        dir.path().join("bundle.pem"),
        format!("{chain}{}", String::from_utf8_lossy(&crl_pem.stdout)),
    )
    .unwrap();
    std::fs::write(dir.path().join("application.p7s"), &p7s).unwrap();
    std::fs::write(dir.path().join("document.json"), &document).unwrap();
    let verify = |dir: &std::path::Path| {
        openssl(
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "application.p7s",
                "-content",
                "document.json",
                "-CAfile",
                "bundle.pem",
                "-crl_check",
                "-out",
                "/dev/null",
            ],
            dir,
        )
    };
    let ok = verify(dir.path());
    assert!(
        ok.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let mut changed = document.clone();
    changed[20] ^= 1;
    std::fs::write(dir.path().join("document.json"), &changed).unwrap();
    assert!(
        !verify(dir.path()).status.success(),
        "a changed document must not verify"
    );
}

fn openssl(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command (xtask setup installs it)")
}

#[tokio::test]
async fn every_bad_certificate_is_refused_with_its_own_code_and_the_draft_stays() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = ready_draft(&s, &tab).await;
    let formed = outgoing(&s, &tab, &draft.id).await;
    let document = B64.decode(&formed.document).unwrap();
    let cases = [
        ("test/880315412341-expired.p12", "eds.expired"),
        ("test/880315412341-not-yet-valid.p12", "eds.not_yet_valid"),
        ("test/880315412341-revoked.p12", "eds.revoked"),
        ("test/880315412341-foreign-ca.p12", "eds.untrusted"),
        (
            "test/740303346801-not-the-account.p12",
            "eds.identity_mismatch",
        ),
        ("880315412341-auth.p12", "eds.key_usage"),
        ("751102323458-signing.p12", "eds.identity_mismatch"),
    ];
    for (i, (file, code)) in cases.iter().enumerate() {
        let signature = sign(&demo_key(&s, file), &document);
        let res = submit(
            &s,
            &tab,
            &draft.id,
            Some(&format!("bad-{i}")),
            &formed.document,
            &signature,
        )
        .await;
        let p = expect_problem(res, 422, code).await;
        assert!(!p.title.is_empty());
    }
    // A valid key over other bytes.
    let signature = sign(&demo_key(&s, "880315412341-signing.p12"), b"something else");
    expect_problem(
        submit(
            &s,
            &tab,
            &draft.id,
            Some("bad-x"),
            &formed.document,
            &signature,
        )
        .await,
        422,
        "eds.signature_mismatch",
    )
    .await;
    expect_problem(
        submit(
            &s,
            &tab,
            &draft.id,
            Some("bad-y"),
            &formed.document,
            "bm90IGEgc2lnbmF0dXJl",
        )
        .await,
        422,
        "eds.malformed",
    )
    .await;

    // Nothing was lost: the draft is still a draft with its answers and files, and the
    // right key still submits it.
    let view: ApplicationView =
        get_json(&s, &tab, &format!("/api/applications/{}", draft.id)).await;
    assert_eq!((view.status, view.attachments.len()), (Status::Draft, 3));
    assert_eq!(
        view.answers.len(),
        guardianship_answers().as_object().unwrap().len()
    );
    // The default demo key is GOST R 34.10-2015 in NCA RK's profile, as NCA RK issues today.
    let key = demo_key(&s, "880315412341-signing.p12");
    assert_eq!(
        key.certificate
            .tbs_certificate
            .subject_public_key_info
            .algorithm
            .oid,
        qyzmet_eds::gost_pkix::NCA_PUBLIC_KEY_512
    );
    let signature = sign(&key, &document);
    let stored: cms::content_info::ContentInfo =
        x509_cert::der::Decode::from_der(&B64.decode(&signature).unwrap()).unwrap();
    let signed: cms::signed_data::SignedData = stored.content.decode_as().unwrap();
    assert_eq!(
        signed.signer_infos.0.as_slice()[0].signature_algorithm.oid,
        qyzmet_eds::gost_pkix::NCA_SIGNATURE_512
    );
    assert_eq!(
        submit(
            &s,
            &tab,
            &draft.id,
            Some("good"),
            &formed.document,
            &signature
        )
        .await
        .status(),
        201
    );
}

#[tokio::test]
async fn a_draft_changed_after_forming_or_a_missing_key_is_refused() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = ready_draft(&s, &tab).await;
    let formed = outgoing(&s, &tab, &draft.id).await;
    let document = B64.decode(&formed.document).unwrap();
    let signature = sign(&demo_key(&s, "880315412341-signing.p12"), &document);
    expect_problem(
        submit(&s, &tab, &draft.id, None, &formed.document, &signature).await,
        400,
        "request.idempotency_key",
    )
    .await;

    let mut answers = guardianship_answers();
    answers["address"] = json!("Тараз қ., Абай к. 1");
    let res = tab
        .patch(s.url(&format!("/api/applications/{}", draft.id)))
        .json(&json!({"version": 2, "answers": answers}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    expect_problem(
        submit(&s, &tab, &draft.id, Some("k"), &formed.document, &signature).await,
        409,
        "application.changed",
    )
    .await;

    // An incomplete draft cannot even be formed for signing.
    let empty = new_draft(&s, &tab, "guardianship").await;
    expect_problem(
        tab.get(s.url(&format!("/api/applications/{}/outgoing-document", empty.id)))
            .send()
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
}

async fn eds_login(s: &Server, tab: &reqwest::Client, key_file: &str) -> reqwest::Response {
    let challenge: qyzmet_domain::api::EdsChallenge = tab
        .post(s.url("/api/session/eds-challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signature = sign(&demo_key(s, key_file), challenge.nonce.as_bytes());
    tab.post(s.url("/api/session/eds"))
        .json(&json!({"nonce": challenge.nonce, "signature": signature}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_with_eds_finds_the_account_by_the_certificates_iin_or_bin() {
    let s = start().await;
    let tab = browser();
    let res = eds_login(&s, &tab, "880315412341-auth.p12").await;
    assert_eq!(res.status(), 200);
    let me: qyzmet_domain::api::SessionView = get_json(&s, &tab, "/api/session").await;
    assert_eq!(me.account.login, CITIZEN.0);

    // The company head's key carries the BIN: it opens the company's account.
    let company = browser();
    assert_eq!(
        eds_login(&s, &company, "150440001236-auth.p12")
            .await
            .status(),
        200
    );
    let me: qyzmet_domain::api::SessionView = get_json(&s, &company, "/api/session").await;
    assert_eq!(me.account.login, COMPANY.0);

    for (file, code) in [
        ("880315412341-signing.p12", "eds.key_usage"),
        (
            "test/740303346801-auth-no-account.p12",
            "auth.eds_no_account",
        ),
    ] {
        let other = browser();
        expect_problem(eds_login(&s, &other, file).await, 401, code).await;
        assert_eq!(
            other
                .get(s.url("/api/session"))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
    }

    // A challenge is spent by its first use.
    let challenge: qyzmet_domain::api::EdsChallenge = tab
        .post(s.url("/api/session/eds-challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signature = sign(
        &demo_key(&s, "880315412341-auth.p12"),
        challenge.nonce.as_bytes(),
    );
    let body = json!({"nonce": challenge.nonce, "signature": signature});
    assert_eq!(
        browser()
            .post(s.url("/api/session/eds"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    expect_problem(
        browser()
            .post(s.url("/api/session/eds"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        401,
        "auth.eds_challenge_expired",
    )
    .await;
}

#[tokio::test]
async fn the_ca_certificates_and_a_current_crl_are_published() {
    let s = start().await;
    let get = |path: &str| plain().get(s.url(path)).send();
    let root = get("/api/pki/root-ca.cer").await.unwrap();
    assert_eq!(root.headers()["content-type"], "application/pkix-cert");
    let root = qyzmet_eds::parse_certificate(&root.bytes().await.unwrap()).unwrap();
    let issuing = qyzmet_eds::parse_certificate(
        &get("/api/pki/issuing-ca.cer")
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(issuing.tbs_certificate.issuer, root.tbs_certificate.subject);
    let crl = qyzmet_eds::parse_crl(
        &get("/api/pki/issuing-ca.crl")
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(crl.tbs_cert_list.issuer, issuing.tbs_certificate.subject);
    assert_eq!(
        crl.tbs_cert_list.revoked_certificates.map(|r| r.len()),
        Some(1)
    );
    let chain = get("/api/pki/chain.pem")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2);
}
