//! The test PKI's time-stamp authority (RFC 3161), checked by OpenSSL as a relying party
//! would: `openssl ts -query` asks, the server answers, `openssl ts -verify` accepts the token
//! for the data and refuses it for other data.

use crate::common::*;

#[tokio::test]
async fn openssl_verifies_a_time_stamp_token_over_the_data_it_asked_about() {
    let s = start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("signature.p7s"), "a signature value to stamp").unwrap();
    let chain = get_bytes(&s, &plain(), "/api/pki/chain.pem").await;
    std::fs::write(d.join("chain.pem"), chain).unwrap();
    let out = openssl_in(
        d,
        &[
            "ts",
            "-query",
            "-data",
            "signature.p7s",
            "-sha256",
            "-cert",
            "-out",
            "query.tsq",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res = plain()
        .post(s.url("/api/pki/tsp"))
        .header("content-type", "application/timestamp-query")
        .body(std::fs::read(d.join("query.tsq")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/timestamp-reply");
    std::fs::write(d.join("reply.tsr"), res.bytes().await.unwrap()).unwrap();

    let text = openssl_in(d, &["ts", "-reply", "-in", "reply.tsr", "-text"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Status: Granted."), "{text}");
    assert!(text.contains("Policy OID: 1.2.398.3.3.2.6.99"), "{text}");
    let verify = |data: &str| {
        openssl_in(
            d,
            &[
                "ts",
                "-verify",
                "-data",
                data,
                "-in",
                "reply.tsr",
                "-CAfile",
                "chain.pem",
            ],
        )
    };
    let ok = verify("signature.p7s");
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("Verification: OK"),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    std::fs::write(d.join("other.p7s"), "another signature value").unwrap();
    assert!(!verify("other.p7s").status.success());

    // Not a query: the protocol's own rejection (badDataFormat), inside a 200.
    let res = plain()
        .post(s.url("/api/pki/tsp"))
        .body("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    std::fs::write(d.join("rejected.tsr"), res.bytes().await.unwrap()).unwrap();
    let text = openssl_in(d, &["ts", "-reply", "-in", "rejected.tsr", "-text"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Status: Rejected."), "{text}");
    assert!(
        text.contains("the data submitted has the wrong format"),
        "{text}"
    );
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// An RSA signing key of the demo citizen, issued by the server's own RSA CA, that expires
/// `seconds` from now. RSA, so that the stamp is the RSA TSA's, which OpenSSL checks (a GOST
/// signature's is the GOST TSA's: `a_gost_signature_is_stamped_by_the_gost_tsa…`).
fn short_lived_key(s: &Server, seconds: i64) -> qyzmet_eds::SigningKey {
    use qyzmet_eds::issue::{Authority, Period, Subject};
    let gost = s.data.path().join("data/pki");
    let certificate =
        qyzmet_eds::parse_certificate(&std::fs::read(gost.join("issuing-ca.cer")).unwrap())
            .unwrap();
    let ca = Authority::from_parts(
        certificate,
        &std::fs::read(gost.join("issuing-ca.key")).unwrap(),
    )
    .unwrap();
    let subject = Subject {
        common_name: "НҰРЛАНОВА АЙГҮЛ".into(),
        surname: "НҰРЛАНОВА".into(),
        given_name: "АЙГҮЛ".into(),
        iin: CITIZEN.0.into(),
        ..Subject::default()
    };
    let now = unix_now();
    let issued = ca
        .issue(
            &subject,
            qyzmet_eds::Purpose::Signing,
            Period {
                not_before: now - 60,
                not_after: now + seconds,
            },
        )
        .unwrap();
    // The CA keeps what it issued: its OCSP responder vouches for nothing else.
    qyzmet_server::pki::record_issued(&gost, &[&issued.certificate]).unwrap();
    issued.signing_key()
}

/// Signs a complete guardianship draft with `key` and submits it.
async fn submit_with(
    s: &Server,
    tab: &reqwest::Client,
    key: &qyzmet_eds::SigningKey,
) -> (String, reqwest::Response) {
    let draft = new_draft(s, tab, "guardianship").await;
    complete_guardianship(s, tab, &draft.id).await;
    let res = submit_signed_with(s, tab, &draft.id, key).await;
    (draft.id, res)
}

/// CAdES-T: the stored signature carries the TSA's stamp over its value (OpenSSL accepts the
/// token), and the stored request still verifies after the signer's certificate expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_signature_is_time_stamped_and_verifies_after_its_certificate_expires() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let expires_at = unix_now() + 4;
    let key = short_lived_key(&s, 4);
    let (id, res) = submit_with(&s, &tab, &key).await;
    assert_eq!(res.status(), 201);
    let p7s = get_bytes(&s, &tab, &format!("/api/applications/{id}/signature")).await;

    // The token in the stored .p7s is over its signature value, by the test TSA.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = qyzmet_eds::cades::time_stamp_token(&p7s).expect("a signatureTimeStampToken");
    std::fs::write(d.join("token.der"), token).unwrap();
    std::fs::write(
        d.join("value.bin"),
        qyzmet_eds::cades::signature_value(&p7s).unwrap(),
    )
    .unwrap();
    let chain = get_bytes(&s, &plain(), "/api/pki/chain.pem").await;
    std::fs::write(d.join("chain.pem"), chain).unwrap();
    let verify = openssl_in(
        d,
        &[
            "ts",
            "-verify",
            "-data",
            "value.bin",
            "-in",
            "token.der",
            "-token_in",
            "-CAfile",
            "chain.pem",
        ],
    );
    assert!(
        String::from_utf8_lossy(&verify.stdout).contains("Verification: OK"),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );

    // The clock moves past the certificate's expiry: a new signature with it is refused…
    let wait = (expires_at + 2 - unix_now()).max(0) as u64;
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    let (_, late) = submit_with(&s, &tab, &key).await;
    expect_problem(late, 422, "eds.expired").await;
    // …but the registered request's signature still verifies, as of its stamp.
    let check: qyzmet_domain::api::SignatureCheckView =
        get_json(&s, &tab, &format!("/api/applications/{id}/signature/check")).await;
    assert_eq!(check.problem, None, "{check:?}");
    assert_eq!(check.signer.as_deref(), Some("НҰРЛАНОВА АЙГҮЛ"));
    assert_eq!(check.revocation.as_deref(), Some("ocsp"));
    let stamped = time::OffsetDateTime::parse(
        check.time_stamped_at.as_deref().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp();
    assert!(
        stamped <= expires_at,
        "stamped {stamped}, expired {expires_at}"
    );
    // Another person gets "not found", as for every object of someone else's.
    let other = logged_in(&s, COMPANY).await;
    let res = other
        .get(s.url(&format!("/api/applications/{id}/signature/check")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// A GOST signature's stamp is asked under NCA RK's GOST-2015 policy and made by the test
/// PKI's GOST TSA (its certificate issued by the GOST issuing CA), as NCA RK's TSA stamps;
/// OpenSSL reads the policy from the stored token.
#[tokio::test]
async fn a_gost_signature_is_stamped_by_the_gost_tsa_under_nca_rks_policy() {
    use x509_cert::der::{Decode, Encode};
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let key = demo_key(&s, "880315412341-signing.p12");
    let (id, res) = submit_with(&s, &tab, &key).await;
    assert_eq!(res.status(), 201);
    let p7s = get_bytes(&s, &tab, &format!("/api/applications/{id}/signature")).await;
    let token = qyzmet_eds::cades::time_stamp_token(&p7s).expect("a signatureTimeStampToken");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token.der"), &token).unwrap();
    let text = openssl_in(
        dir.path(),
        &["ts", "-reply", "-token_in", "-in", "token.der", "-text"],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Policy OID: 1.2.398.3.3.2.6.4"), "{text}");
    // The certificate the token carries is the GOST TSA's.
    let token = cms::content_info::ContentInfo::from_der(&token).unwrap();
    let signed: cms::signed_data::SignedData = token.content.decode_as().unwrap();
    let Some(cms::cert::CertificateChoices::Certificate(tsa)) =
        signed.certificates.as_ref().and_then(|c| c.0.iter().next())
    else {
        panic!("the token carries the TSA's certificate");
    };
    let gost_issuing = x509_cert::Certificate::from_der(
        &std::fs::read(s.data.path().join("data/pki/gost/issuing-ca.cer")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        tsa.tbs_certificate.issuer.to_der().unwrap(),
        gost_issuing.tbs_certificate.subject.to_der().unwrap()
    );
}

/// A time-stamp authority that does not answer: the submission is refused with its own code
/// (503) and the draft stays a draft, to be signed again.
#[tokio::test]
async fn without_the_time_stamp_authority_the_draft_is_kept() {
    let s = start_with_tsa_url("http://127.0.0.1:9/tsp").await;
    let tab = logged_in(&s, CITIZEN).await;
    let key = demo_key(&s, "880315412341-signing.p12");
    let (id, res) = submit_with(&s, &tab, &key).await;
    expect_problem(res, 503, "eds.time_stamp_unavailable").await;
    let draft: qyzmet_domain::api::ApplicationView =
        get_json(&s, &tab, &format!("/api/applications/{id}")).await;
    assert_eq!(draft.status, qyzmet_domain::status::Status::Draft);
    assert_eq!(draft.attachments.len(), 3);
}
