//! The test PKI's time-stamp authority (RFC 3161), checked by OpenSSL as a relying party
//! would: `openssl ts -query` asks, the server answers, `openssl ts -verify` accepts the token
//! for the data and refuses it for other data.

mod common;

use common::*;

#[tokio::test]
async fn openssl_verifies_a_time_stamp_token_over_the_data_it_asked_about() {
    let s = start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("signature.p7s"), "a signature value to stamp").unwrap();
    let chain = plain()
        .get(s.url("/api/pki/chain.pem"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
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
