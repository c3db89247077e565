//! GOST keys and signatures agree with OpenSSL's GOST engine (Debian's
//! `libengine-gost-openssl`, which `cargo xtask test` installs): its keys read here, our keys
//! read there, its signatures verify here and ours there — in the TC26 profile, the one
//! OpenSSL knows.

use der::{Decode, Encode};
use qyzmet_eds::gost::SigningKey;
use qyzmet_eds::gost_pkix::{self, Profile, Size};
use spki::SubjectPublicKeyInfoOwned;
use std::path::Path;
use std::process::Command;

/// Runs `openssl` with the GOST engine in `dir`; panics with its output when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command");
    assert!(
        out.status.success(),
        "openssl {args:?} failed (is libengine-gost-openssl installed?): {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Case {
    algorithm: &'static str,
    size: Size,
    digest: &'static str,
}

const CASES: [Case; 2] = [
    Case {
        algorithm: "gost2012_512",
        size: Size::Bits512,
        digest: "-md_gost12_512",
    },
    Case {
        algorithm: "gost2012_256",
        size: Size::Bits256,
        digest: "-md_gost12_256",
    },
];

const MESSAGE: &[u8] = "Өтініш 2026-000042: қорғаншылық".as_bytes();

#[test]
fn openssl_keys_and_signatures_are_ours_and_ours_are_openssls() {
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("message"), MESSAGE).unwrap();
        let engine = ["-engine", "gost"];

        // OpenSSL's key, read here: the same public key, in the same bytes.
        openssl(
            d,
            &[
                &["genpkey"][..],
                &engine,
                &[
                    "-algorithm",
                    case.algorithm,
                    "-pkeyopt",
                    "paramset:A",
                    "-out",
                    "key.pem",
                ],
            ]
            .concat(),
        );
        openssl(
            d,
            &[
                &["pkcs8"][..],
                &engine,
                &[
                    "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.p8",
                ],
            ]
            .concat(),
        );
        openssl(
            d,
            &[
                &["pkey"][..],
                &engine,
                &[
                    "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
                ],
            ]
            .concat(),
        );
        let (key, profile) = gost_pkix::private_key(&std::fs::read(d.join("key.p8")).unwrap())
            .expect("OpenSSL's GOST PKCS#8 reads");
        assert_eq!(profile, Profile::Tc26);
        let theirs = std::fs::read(d.join("pub.der")).unwrap();
        let ours = gost_pkix::spki(&key.verifying_key(), Profile::Tc26).unwrap();
        assert_eq!(
            ours.to_der().unwrap(),
            theirs.as_slice(),
            "{}: the SPKI is written as OpenSSL writes it",
            case.algorithm
        );
        let spki = SubjectPublicKeyInfoOwned::from_der(&theirs).unwrap();
        let algorithm = gost_pkix::signature_algorithm(case.size, Profile::Tc26).oid;

        // OpenSSL's signature verifies here, and not over another message.
        openssl(
            d,
            &[
                &["dgst"][..],
                &engine,
                &[
                    case.digest,
                    "-sign",
                    "key.pem",
                    "-out",
                    "theirs.sig",
                    "message",
                ],
            ]
            .concat(),
        );
        let signature = std::fs::read(d.join("theirs.sig")).unwrap();
        assert_eq!(
            gost_pkix::verify(&spki, &algorithm, MESSAGE, &signature),
            Some(true),
            "{}: OpenSSL's signature verifies here",
            case.algorithm
        );
        assert_eq!(
            gost_pkix::verify(&spki, &algorithm, b"another message", &signature),
            Some(false)
        );

        // Ours, with our own key, verifies in OpenSSL.
        let own = SigningKey::generate(case.size.curve()).unwrap();
        let own_spki = gost_pkix::spki(&own.verifying_key(), Profile::Tc26).unwrap();
        std::fs::write(d.join("own.der"), own_spki.to_der().unwrap()).unwrap();
        openssl(
            d,
            &[
                &["pkey"][..],
                &engine,
                &[
                    "-pubin", "-inform", "DER", "-in", "own.der", "-out", "own.pem",
                ],
            ]
            .concat(),
        );
        let signature = gost_pkix::sign(&own, Profile::Tc26, MESSAGE).unwrap();
        std::fs::write(d.join("ours.sig"), &signature).unwrap();
        let verify_ours = [
            &["dgst"][..],
            &engine,
            &[
                case.digest,
                "-verify",
                "own.pem",
                "-signature",
                "ours.sig",
                "message",
            ],
        ]
        .concat();
        openssl(d, &verify_ours);
        // …and OpenSSL refuses it over another message.
        std::fs::write(d.join("message"), b"another message").unwrap();
        let refused = Command::new("openssl")
            .args(&verify_ours)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(!refused.status.success());
    }
}

mod cms_interop {
    use super::openssl;
    use der::EncodePem;
    use qyzmet_eds::gost_pkix::Profile;
    use qyzmet_eds::issue::{Authority, Period, Subject};
    use qyzmet_eds::key::KeyAlgorithm;
    use qyzmet_eds::{Expected, Purpose, TrustStore, sign_detached, verify_detached};

    const DAY: i64 = 86_400;
    const IIN: &str = "880315412341";

    fn pem(cert: &qyzmet_eds::Certificate) -> String {
        cert.to_pem(der::pem::LineEnding::LF).unwrap()
    }

    /// A GOST chain in the TC26 profile: OpenSSL verifies the CMS we make with it, and we
    /// accept the CMS OpenSSL makes with its keys.
    #[test]
    fn a_gost_cms_made_here_verifies_in_openssl_and_one_made_there_verifies_here() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let years = Period {
            not_before: now - 400 * DAY,
            not_after: now + 3000 * DAY,
        };
        let algorithm = KeyAlgorithm::Gost512(Profile::Tc26);
        let root = Authority::root_with("Qyzmet GOST Test Root", years, algorithm).unwrap();
        let issuing = root.subordinate("Qyzmet GOST Test Issuing", years).unwrap();
        let holder = issuing
            .issue(
                &Subject {
                    common_name: "НҰРЛАНОВА АЙГҮЛ".into(),
                    surname: "НҰРЛАНОВА".into(),
                    given_name: "АЙГҮЛ".into(),
                    iin: IIN.into(),
                    ..Subject::default()
                },
                Purpose::Signing,
                Period {
                    not_before: now - DAY,
                    not_after: now + 365 * DAY,
                },
            )
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let document = "Өтініш: қорғаншылық, 2026-000042".as_bytes();
        std::fs::write(d.join("document"), document).unwrap();
        // The bundle of trusted CAs, as the existing RSA check gives OpenSSL.
        let bundle = pem(&root.certificate) + &pem(&issuing.certificate);
        std::fs::write(d.join("bundle.pem"), bundle).unwrap();
        std::fs::write(d.join("holder.pem"), pem(&holder.certificate)).unwrap();
        std::fs::write(d.join("holder.p8"), holder.key_pkcs8.as_slice()).unwrap();
        let engine = ["-engine", "gost"];

        // Ours, verified by OpenSSL against the root.
        let ours = sign_detached(&holder.signing_key(), document, now as u64).unwrap();
        std::fs::write(d.join("ours.p7s"), &ours).unwrap();
        openssl(
            d,
            &[
                &["cms", "-verify"][..],
                &engine,
                &[
                    "-binary",
                    "-inform",
                    "DER",
                    "-in",
                    "ours.p7s",
                    "-content",
                    "document",
                    "-CAfile",
                    "bundle.pem",
                    "-purpose",
                    "any",
                    "-out",
                    "/dev/null",
                ],
            ]
            .concat(),
        );

        // OpenSSL's, with our holder's key and certificate, verified here.
        openssl(
            d,
            &[
                &["pkey"][..],
                &engine,
                &["-inform", "DER", "-in", "holder.p8", "-out", "holder.key"],
            ]
            .concat(),
        );
        openssl(
            d,
            &[
                &["cms", "-sign"][..],
                &engine,
                &[
                    "-binary",
                    "-in",
                    "document",
                    "-signer",
                    "holder.pem",
                    "-inkey",
                    "holder.key",
                    "-md",
                    "md_gost12_512",
                    "-outform",
                    "DER",
                    "-out",
                    "theirs.p7s",
                ],
            ]
            .concat(),
        );
        let theirs = std::fs::read(d.join("theirs.p7s")).unwrap();
        let trust = TrustStore {
            anchors: vec![root.certificate.clone()],
            intermediates: vec![issuing.certificate.clone()],
            crls: vec![issuing.crl(&[], now - DAY, now + 7 * DAY).unwrap()],
            ocsp: Vec::new(),
        };
        let verified = verify_detached(
            &theirs,
            document,
            &trust,
            Purpose::Signing,
            &Expected::Iin(IIN.into()),
            Some(now),
        )
        .expect("OpenSSL's GOST CMS verifies here");
        assert_eq!(verified.holder().iin.as_deref(), Some(IIN));
        assert!(
            verify_detached(
                &theirs,
                b"another document",
                &trust,
                Purpose::Signing,
                &Expected::Iin(IIN.into()),
                Some(now),
            )
            .is_err()
        );
    }
}
