//! OCSP as egov.kz checks certificates: the test PKI's responder answers OpenSSL; every
//! submission is checked by OCSP and keeps the answer; with the responder unreachable the
//! CRL decides and nothing is lost.

use crate::common::*;
use std::path::Path;

/// The holder certificate of a demo key file, as PEM, into `dir/<name>`.
fn holder_pem(s: &Server, key: &str, dir: &Path, name: &str) {
    let p12 = s.data.path().join("data/pki/keys").join(key);
    let out = openssl_in(
        dir,
        &[
            "pkcs12",
            "-in",
            p12.to_str().unwrap(),
            "-passin",
            "pass:Qwerty12",
            "-clcerts",
            "-nokeys",
            "-out",
            name,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A folder with what `openssl ocsp` needs of the server's RSA chain: `chain.pem` and the
/// issuing CA as `issuing.der`.
async fn responder_files(s: &Server) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, file) in [
        ("/api/pki/chain.pem", "chain.pem"),
        ("/api/pki/issuing-ca.cer", "issuing.der"),
    ] {
        let bytes = plain()
            .get(s.url(path))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        std::fs::write(dir.path().join(file), bytes).unwrap();
    }
    dir
}

// OpenSSL blocks while it waits for the server: the server needs a thread of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_asks_the_responder_good_for_a_valid_and_revoked_for_a_revoked_certificate() {
    let s = start().await;
    let dir = responder_files(&s).await;
    let d = dir.path();
    let out = openssl_in(
        d,
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            "issuing.der",
            "-out",
            "issuing.pem",
        ],
    );
    assert!(out.status.success());
    holder_pem(&s, "rsa/880315412341-signing.p12", d, "valid.pem");
    holder_pem(&s, "test/880315412341-revoked.p12", d, "revoked.pem");
    // The demo holder certificates name the responder (AIA) and the holder's role, as NCA
    // RK's do.
    let text = openssl_in(d, &["x509", "-in", "valid.pem", "-noout", "-text"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!(
            "OCSP - URI:{}",
            qyzmet_server::test_doubles::test_ca::DEMO_OCSP_URL
        )),
        "{text}"
    );
    assert!(text.contains("1.2.398.3.3.4.1.1"), "{text}");
    holder_pem(&s, "rsa/150440001236-signing.p12", d, "company.pem");
    let text = openssl_in(d, &["x509", "-in", "company.pem", "-noout", "-text"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("1.2.398.3.3.4.1.2, 1.2.398.3.3.4.1.2.1"),
        "the company's head: {text}"
    );
    let url = s.url("/api/pki/ocsp");
    for (cert, status) in [("valid.pem", "good"), ("revoked.pem", "revoked")] {
        let out = openssl_in(
            d,
            &[
                "ocsp",
                "-issuer",
                "issuing.pem",
                "-cert",
                cert,
                "-url",
                &url,
                "-CAfile",
                "chain.pem",
            ],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}{stderr}");
        // OpenSSL checked the answer's signature and nonce against the chain.
        assert!(stderr.contains("Response verify OK"), "{stderr}");
        assert!(
            stdout.contains(&format!("{cert}: {status}")),
            "{cert}: expected {status} in {stdout}"
        );
    }
    // Not an OCSP request: the protocol's own malformedRequest answer, not a 4xx page.
    let res = plain()
        .post(s.url("/api/pki/ocsp"))
        .header("content-type", "application/ocsp-request")
        .body("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/ocsp-response");
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED malformedRequest (1) }
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        &[0x30, 0x03, 0x0a, 0x01, 0x01]
    );
}

// OpenSSL blocks while it waits for the server: the server needs a thread of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_responder_vouches_for_no_serial_the_ca_never_issued_nor_for_another_cas() {
    let s = start().await;
    let dir = responder_files(&s).await;
    let d = dir.path();
    let der_to_pem = [
        "x509",
        "-inform",
        "DER",
        "-in",
        "issuing.der",
        "-out",
        "issuing.pem",
    ];
    assert!(openssl_in(d, &der_to_pem).status.success());
    let url = s.url("/api/pki/ocsp");
    // RFC 6960 §2.2: "good" only for a certificate the CA issued and has not revoked.
    let out = openssl_in(
        d,
        &[
            "ocsp",
            "-issuer",
            "issuing.pem",
            "-serial",
            "0x7eadbeef42",
            "-url",
            &url,
            "-CAfile",
            "chain.pem",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Response verify OK"), "{stderr}");
    assert!(stdout.contains("0x7eadbeef42: unknown"), "{stdout}{stderr}");
    // A certificate of a CA this responder does not serve: `unauthorized` (§2.3), not an
    // answer signed without authority.
    let p12 = s
        .data
        .path()
        .join("data/pki/keys/test/880315412341-foreign-ca.p12");
    let p12 = p12.to_str().unwrap();
    let pass = "pass:Qwerty12";
    for args in [
        vec![
            "pkcs12",
            "-in",
            p12,
            "-passin",
            pass,
            "-clcerts",
            "-nokeys",
            "-out",
            "foreign.pem",
        ],
        vec![
            "pkcs12", "-in", p12, "-passin", pass, "-cacerts", "-nokeys", "-out", "cas.pem",
        ],
        // The first CA certificate in the file is the foreign issuing CA.
        vec!["x509", "-in", "cas.pem", "-out", "foreign-issuing.pem"],
        vec![
            "ocsp",
            "-issuer",
            "foreign-issuing.pem",
            "-cert",
            "foreign.pem",
            "-no_nonce",
            "-reqout",
            "request.der",
        ],
    ] {
        let out = openssl_in(d, &args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let res = plain()
        .post(&url)
        .header("content-type", "application/ocsp-request")
        .body(std::fs::read(d.join("request.der")).unwrap())
        .send()
        .await
        .unwrap();
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED unauthorized (6) }
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        &[0x30, 0x03, 0x0a, 0x01, 0x06]
    );
}

/// The OCSP answer stored with the demo citizen's one registered request.
async fn stored_answer(s: &Server) -> Option<Vec<u8>> {
    let db = database(s).await;
    sqlx::query_scalar("SELECT ocsp_response FROM submissions")
        .fetch_one(&db)
        .await
        .unwrap()
}

async fn submitted(s: &Server) {
    let tab = logged_in(s, CITIZEN).await;
    let draft = new_draft(s, &tab, "guardianship").await;
    complete_guardianship(s, &tab, &draft.id).await;
    sign_and_submit(s, &tab, &draft.id).await;
}

#[tokio::test]
async fn a_submission_is_checked_by_ocsp_and_keeps_the_answer() {
    let s = start().await;
    submitted(&s).await;
    let answer = stored_answer(&s).await.expect("the OCSP answer is kept");
    // What is kept is a successful, signed basic OCSP response.
    let response: x509_ocsp::OcspResponse = x509_cert::der::Decode::from_der(&answer).unwrap();
    assert_eq!(
        response.response_status,
        x509_ocsp::OcspResponseStatus::Successful
    );
}

#[tokio::test]
async fn with_the_responder_unreachable_the_crl_decides_and_the_request_registers() {
    // Port 9 (discard) on loopback: nothing answers.
    let s = start_with_ocsp_url("http://127.0.0.1:9/ocsp").await;
    submitted(&s).await;
    assert_eq!(stored_answer(&s).await, None);
}
