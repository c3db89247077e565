//! Every refusal the regulations name, each proven with a certificate made to fail it — for
//! an RSA chain and for a GOST R 34.10-2015 chain in NCA RK's profile alike.

use qyzmet_eds::gost_pkix::Profile;
use qyzmet_eds::issue::{Authority, Issued, Period, Subject};
use qyzmet_eds::key::KeyAlgorithm;
use qyzmet_eds::{
    Expected, OpenError, Purpose, TrustStore, VerifyError, open_pkcs12, sign_detached,
    verify_detached,
};
use std::sync::OnceLock;

const NOW: i64 = 1_795_420_800; // 2026-11-23T06:00:00Z
const DAY: i64 = 86_400;
const IIN: &str = "880315412341";
const OTHER_IIN: &str = "751102323458";
const BIN: &str = "150440001236";
const DOCUMENT: &[u8] = br#"{"format":"qyzmet-outgoing-document/1","service_id":"guardianship"}"#;

struct Pki {
    root: Authority,
    issuing: Authority,
    signing: Issued,
    auth: Issued,
    employee: Issued,
    other: Issued,
    expired: Issued,
    not_yet_valid: Issued,
    revoked: Issued,
    foreign: Issued,
    trust: TrustStore,
}

fn period(from: i64, to: i64) -> Period {
    Period {
        not_before: from,
        not_after: to,
    }
}

fn person(iin: &str) -> Subject {
    Subject {
        common_name: "НҰРЛАНОВА АЙГҮЛ".into(),
        surname: "НҰРЛАНОВА".into(),
        given_name: "АЙГҮЛ".into(),
        iin: iin.into(),
        ..Subject::default()
    }
}

/// The same PKI twice: RSA, and GOST-512 in NCA RK's profile.
fn pkis() -> &'static [Pki; 2] {
    static PKIS: OnceLock<[Pki; 2]> = OnceLock::new();
    PKIS.get_or_init(|| {
        [
            pki_of(KeyAlgorithm::Rsa),
            pki_of(KeyAlgorithm::Gost512(Profile::Nca)),
        ]
    })
}

fn pki_of(algorithm: KeyAlgorithm) -> Pki {
    {
        let years = period(NOW - 400 * DAY, NOW + 3000 * DAY);
        let root = Authority::root_with("Qyzmet Test Root CA", years, algorithm).unwrap();
        let issuing = root.subordinate("Qyzmet Test Issuing CA", years).unwrap();
        let valid = period(NOW - DAY, NOW + 365 * DAY);
        let issue = |s: &Subject, p, v| issuing.issue(s, p, v).unwrap();
        let signing = issue(&person(IIN), Purpose::Signing, valid);
        let auth = issue(&person(IIN), Purpose::Authentication, valid);
        let employee = issue(
            &Subject {
                bin: Some(BIN.into()),
                organization: Some("ТОО «Астық»".into()),
                ..person(OTHER_IIN)
            },
            Purpose::Signing,
            valid,
        );
        let other = issue(&person(OTHER_IIN), Purpose::Signing, valid);
        let expired = issue(
            &person(IIN),
            Purpose::Signing,
            period(NOW - 400 * DAY, NOW - 35 * DAY),
        );
        let not_yet_valid = issue(
            &person(IIN),
            Purpose::Signing,
            period(NOW + 30 * DAY, NOW + 400 * DAY),
        );
        let revoked = issue(&person(IIN), Purpose::Signing, valid);
        let foreign_root = Authority::root_with("Qyzmet Test Root CA", years, algorithm).unwrap();
        let foreign_issuing = foreign_root
            .subordinate("Qyzmet Test Issuing CA", years)
            .unwrap();
        let foreign = foreign_issuing
            .issue(&person(IIN), Purpose::Signing, valid)
            .unwrap();
        let crl = issuing
            .crl(
                &[(
                    revoked.certificate.tbs_certificate.serial_number.clone(),
                    NOW - DAY,
                )],
                NOW - DAY,
                NOW + 7 * DAY,
            )
            .unwrap();
        let trust = TrustStore {
            anchors: vec![root.certificate.clone()],
            intermediates: vec![issuing.certificate.clone()],
            crls: vec![crl],
        };
        Pki {
            root,
            issuing,
            signing,
            auth,
            employee,
            other,
            expired,
            not_yet_valid,
            revoked,
            foreign,
            trust,
        }
    }
}

fn sign(holder: &Issued, at: i64) -> Vec<u8> {
    sign_detached(&holder.signing_key(), DOCUMENT, at as u64).unwrap()
}

fn verify(
    p: &Pki,
    signature: &[u8],
    purpose: Purpose,
    expected: Expected,
) -> Result<qyzmet_eds::Verified, VerifyError> {
    verify_detached(signature, DOCUMENT, &p.trust, purpose, &expected, Some(NOW))
}

fn citizen() -> Expected {
    Expected::Iin(IIN.into())
}

#[test]
fn a_valid_signature_names_its_holder() {
    for p in pkis() {
        let verified = verify(p, &sign(&p.signing, NOW), Purpose::Signing, citizen()).unwrap();
        assert_eq!(verified.holder.iin.as_deref(), Some(IIN));
        assert_eq!(verified.holder.common_name, "НҰРЛАНОВА АЙГҮЛ");
        assert_eq!(verified.holder.issuer, "Qyzmet Test Issuing CA");
        assert_eq!(verified.signing_time, Some(NOW));
    }
}

#[test]
fn one_changed_byte_of_the_document_is_refused() {
    for p in pkis() {
        let signature = sign(&p.signing, NOW);
        let mut changed = DOCUMENT.to_vec();
        changed[10] ^= 1;
        let result = verify_detached(
            &signature,
            &changed,
            &p.trust,
            Purpose::Signing,
            &citizen(),
            Some(NOW),
        );
        assert_eq!(result.unwrap_err(), VerifyError::SignatureMismatch);
    }
}

#[test]
fn a_damaged_signature_value_is_refused() {
    for p in pkis() {
        let mut signature = sign(&p.signing, NOW);
        // The signature value is the last field of the only SignerInfo.
        let last = signature.len() - 1;
        signature[last] ^= 0x55;
        assert_eq!(
            verify(p, &signature, Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::SignatureMismatch
        );
    }
}

#[test]
fn a_certificate_from_another_ca_with_the_same_names_is_untrusted() {
    for p in pkis() {
        let signature = sign(&p.foreign, NOW);
        assert_eq!(
            verify(p, &signature, Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::Untrusted
        );
    }
}

#[test]
fn validity_is_checked_at_signing_and_acceptance() {
    for p in pkis() {
        assert_eq!(
            verify(p, &sign(&p.expired, NOW), Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::Expired
        );
        assert_eq!(
            verify(p, &sign(&p.not_yet_valid, NOW), Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::NotYetValid
        );
        // A signature claiming a time inside the old certificate's life is still refused now.
        let backdated = sign(&p.expired, NOW - 100 * DAY);
        assert_eq!(
            verify(p, &backdated, Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::Expired
        );
        // Without `now` (a decision checked later) only the signing time counts.
        let old = verify_detached(
            &backdated,
            DOCUMENT,
            &p.trust,
            Purpose::Signing,
            &citizen(),
            None,
        );
        assert!(
            matches!(old, Err(VerifyError::RevocationUnknown)),
            "{old:?}: the CRL of then is not at hand"
        );
    }
}

#[test]
fn a_revoked_certificate_is_refused() {
    for p in pkis() {
        assert_eq!(
            verify(p, &sign(&p.revoked, NOW), Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::Revoked
        );
    }
}

#[test]
fn without_a_current_genuine_crl_revocation_is_unknown() {
    for p in pkis() {
        let signature = sign(&p.signing, NOW);
        let check = |crls| {
            let trust = TrustStore {
                crls,
                ..p.trust.clone()
            };
            verify_detached(
                &signature,
                DOCUMENT,
                &trust,
                Purpose::Signing,
                &citizen(),
                Some(NOW),
            )
            .unwrap_err()
        };
        assert_eq!(check(vec![]), VerifyError::RevocationUnknown);
        let stale = p.issuing.crl(&[], NOW - 30 * DAY, NOW - DAY).unwrap();
        assert_eq!(check(vec![stale]), VerifyError::RevocationUnknown);
        // A CRL signed by the root is not the issuing CA's, even if current.
        let wrong_issuer = p.root.crl(&[], NOW - DAY, NOW + DAY).unwrap();
        assert_eq!(check(vec![wrong_issuer]), VerifyError::RevocationUnknown);
    }
}

#[test]
fn signing_and_authentication_keys_are_not_interchangeable() {
    for p in pkis() {
        assert_eq!(
            verify(p, &sign(&p.auth, NOW), Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::KeyUsage
        );
        assert_eq!(
            verify(
                p,
                &sign(&p.signing, NOW),
                Purpose::Authentication,
                citizen()
            )
            .unwrap_err(),
            VerifyError::KeyUsage
        );
        assert!(
            verify(
                p,
                &sign(&p.auth, NOW),
                Purpose::Authentication,
                Expected::Anyone
            )
            .is_ok()
        );
    }
}

#[test]
fn the_iin_or_bin_must_be_the_applicants() {
    for p in pkis() {
        assert_eq!(
            verify(p, &sign(&p.other, NOW), Purpose::Signing, citizen()).unwrap_err(),
            VerifyError::IdentityMismatch
        );
        let employee = sign(&p.employee, NOW);
        let verified = verify(p, &employee, Purpose::Signing, Expected::Bin(BIN.into())).unwrap();
        assert_eq!(verified.holder.iin.as_deref(), Some(OTHER_IIN));
        assert_eq!(verified.holder.organization.as_deref(), Some("ТОО «Астық»"));
        assert_eq!(
            verify(
                p,
                &employee,
                Purpose::Signing,
                Expected::Bin("091240004563".into())
            )
            .unwrap_err(),
            VerifyError::IdentityMismatch
        );
        // A person's own key has no BIN: it cannot sign for a company.
        assert_eq!(
            verify(
                p,
                &sign(&p.signing, NOW),
                Purpose::Signing,
                Expected::Bin(BIN.into())
            )
            .unwrap_err(),
            VerifyError::IdentityMismatch
        );
    }
}

#[test]
fn what_is_not_a_signature_is_malformed() {
    for p in pkis() {
        for bytes in [
            &b""[..],
            b"not a signature",
            &[0x30, 0x03, 0x02, 0x01, 0x01],
        ] {
            assert_eq!(
                verify(p, bytes, Purpose::Signing, citizen()).unwrap_err(),
                VerifyError::Malformed
            );
        }
    }
}

#[test]
fn key_files_open_with_their_password_only() {
    for p in pkis() {
        let file = p
            .signing
            .to_pkcs12(&[&p.issuing.certificate, &p.root.certificate], "Qwerty12")
            .unwrap();
        let key = open_pkcs12(&file, "Qwerty12").unwrap();
        assert_eq!(key.holder().iin.as_deref(), Some(IIN));
        assert!(key.allows(Purpose::Signing) && !key.allows(Purpose::Authentication));
        let signature = sign_detached(&key, DOCUMENT, NOW as u64).unwrap();
        assert!(verify(p, &signature, Purpose::Signing, citizen()).is_ok());
        assert_eq!(
            open_pkcs12(&file, "qwerty12").unwrap_err(),
            OpenError::WrongPassword
        );
        assert_eq!(
            open_pkcs12(b"%PDF-1.7 not a key", "Qwerty12").unwrap_err(),
            OpenError::NotPkcs12
        );
        assert_eq!(
            open_pkcs12(&p.root.certificate_der(), "Qwerty12").unwrap_err(),
            OpenError::NotPkcs12
        );
    }
}

#[test]
fn every_refusal_has_its_own_code() {
    let mut codes: Vec<&str> = VerifyError::ALL.iter().map(|e| e.code()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), VerifyError::ALL.len());
}
