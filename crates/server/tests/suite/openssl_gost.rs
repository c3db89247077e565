//! GOST submissions and OpenSSL's GOST engine (Debian's `libengine-gost-openssl`) agree over
//! real HTTP. OpenSSL knows GOST only in the TC26 OID profile, not NCA RK's own OIDs, so it
//! signs with the demo citizen's TC26-profile key (`keys/tc26/`, under the same GOST chain),
//! and checks the signature itself (`-noverify`: the chain's CA signatures are in NCA RK's
//! OIDs, which the portal has verified).

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

fn openssl_ok(dir: &std::path::Path, args: &[&str]) {
    let out = openssl_in(dir, args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_signs_a_gost_submission_and_verifies_what_was_stored() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &tab, "guardianship").await;
    complete_guardianship(&s, &tab, &draft.id).await;
    let formed: qyzmet_domain::api::OutgoingDocumentView = get_json(
        &s,
        &tab,
        &format!("/api/applications/{}/outgoing-document", draft.id),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("document.json"),
        B64.decode(&formed.document).unwrap(),
    )
    .unwrap();
    let p12 = s
        .data
        .path()
        .join("data/pki/keys/tc26/880315412341-signing.p12");
    openssl_ok(
        d,
        &[
            "pkcs12",
            "-engine",
            "gost",
            "-in",
            p12.to_str().unwrap(),
            "-passin",
            "pass:Qwerty12",
            "-nodes",
            "-out",
            "key.pem",
        ],
    );
    openssl_ok(
        d,
        &[
            "cms",
            "-sign",
            "-engine",
            "gost",
            "-binary",
            "-in",
            "document.json",
            "-signer",
            "key.pem",
            "-md",
            "md_gost12_512",
            "-outform",
            "DER",
            "-out",
            "theirs.p7s",
        ],
    );
    // OpenSSL's GOST CMS, accepted by the submit endpoint.
    let res = tab
        .post(s.url(&format!("/api/applications/{}/submit", draft.id)))
        .header("idempotency-key", "openssl-gost")
        .json(&serde_json::json!({
            "document": formed.document,
            "signature": B64.encode(std::fs::read(d.join("theirs.p7s")).unwrap()),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // What was stored (OpenSSL's signature with the portal's time-stamp added) verifies in
    // OpenSSL over the stored document, and not over another.
    let stored = get_bytes(
        &s,
        &tab,
        &format!("/api/applications/{}/signature", draft.id),
    )
    .await;
    assert!(qyzmet_eds::cades::time_stamp_token(&stored).is_some());
    std::fs::write(d.join("stored.p7s"), &stored).unwrap();
    let verify = |content: &str| {
        openssl_in(
            d,
            &[
                "cms",
                "-verify",
                "-engine",
                "gost",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "stored.p7s",
                "-content",
                content,
                "-noverify",
                "-out",
                "/dev/null",
            ],
        )
    };
    let ok = verify("document.json");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let mut changed = std::fs::read(d.join("document.json")).unwrap();
    changed[30] ^= 1;
    std::fs::write(d.join("changed.json"), changed).unwrap();
    assert!(!verify("changed.json").status.success());
}
