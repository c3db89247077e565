//! Every refusal the regulations name, each proven with a certificate made to fail it — for
//! an RSA chain and for a GOST R 34.10-2015 chain in NCA RK's profile alike.

use qyzmet_eds::gost_pkix::Profile;
use qyzmet_eds::issue::{Authority, Issued, Period, Subject};
use qyzmet_eds::key::KeyAlgorithm;
use qyzmet_eds::{
    Expected, OpenError, Purpose, SignerRole, TrustStore, VerifyError, open_pkcs12, sign_detached,
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
    foreign_issuing: Authority,
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
                role: SignerRole::RightOfSignature,
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
            ocsp: Vec::new(),
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
            foreign_issuing,
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
        assert_eq!(verified.holder().iin.as_deref(), Some(IIN));
        assert_eq!(verified.holder().common_name, "НҰРЛАНОВА АЙГҮЛ");
        assert_eq!(verified.holder().issuer, "Qyzmet Test Issuing CA");
        assert_eq!(verified.signing_time(), Some(NOW));
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
        assert_eq!(verified.holder().iin.as_deref(), Some(OTHER_IIN));
        assert_eq!(
            verified.holder().organization.as_deref(),
            Some("ТОО «Астық»")
        );
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

/// NCA RK's role EKUs: a company is signed for by its head or an employee with the right of
/// signature; any other employee's key is refused with its own code.
#[test]
fn only_a_head_or_an_employee_with_the_right_of_signature_signs_for_a_company() {
    for p in pkis() {
        for role in SignerRole::ALL {
            let holder = p
                .issuing
                .issue(
                    &Subject {
                        bin: Some(BIN.into()),
                        organization: Some("ТОО «Астық»".into()),
                        role,
                        ..person(OTHER_IIN)
                    },
                    Purpose::Signing,
                    period(NOW - DAY, NOW + DAY),
                )
                .unwrap();
            let result = verify(
                p,
                &sign(&holder, NOW),
                Purpose::Signing,
                Expected::Bin(BIN.into()),
            );
            match role {
                SignerRole::Head | SignerRole::RightOfSignature => {
                    assert_eq!(result.unwrap().holder().role, Some(role));
                }
                _ => assert_eq!(result.unwrap_err(), VerifyError::NoRightToSign, "{role:?}"),
            }
        }
        // A person's key names its role too.
        let own = verify(p, &sign(&p.signing, NOW), Purpose::Signing, citizen()).unwrap();
        assert_eq!(own.holder().role, Some(SignerRole::Person));
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

/// An OCSP answer about `holder` by `responder`, made at `at`, to a request with `nonce`.
fn ocsp(p: &Pki, holder: &Issued, responder: &Authority, nonce: &[u8], at: i64) -> Vec<u8> {
    let request =
        qyzmet_eds::ocsp::request(&holder.certificate, &p.issuing.certificate, nonce).unwrap();
    let revoked = [(
        p.revoked.certificate.tbs_certificate.serial_number.clone(),
        NOW - DAY,
    )];
    let register = qyzmet_eds::ocsp::Register {
        revoked: &revoked,
        issued: None,
    };
    responder.ocsp_response(&request, register, at, 3600)
}

fn with_ocsp(p: &Pki, response: Vec<u8>, nonce: &[u8]) -> TrustStore {
    TrustStore {
        ocsp: vec![qyzmet_eds::OcspEvidence {
            response,
            nonce: nonce.to_vec(),
        }],
        ..p.trust.clone()
    }
}

fn check_with(trust: &TrustStore, holder: &Issued) -> Result<qyzmet_eds::Verified, VerifyError> {
    verify_detached(
        &sign(holder, NOW),
        DOCUMENT,
        trust,
        Purpose::Signing,
        &citizen(),
        Some(NOW),
    )
}

#[test]
fn revocation_is_checked_by_ocsp_first_and_by_the_crl_when_no_answer_applies() {
    use qyzmet_eds::Revocation;
    for p in pkis() {
        let nonce = b"8-bytes!";
        // A good, fresh, signed answer with our nonce: kept as the evidence.
        let good = ocsp(p, &p.signing, &p.issuing, nonce, NOW);
        let verified = check_with(&with_ocsp(p, good.clone(), nonce), &p.signing).unwrap();
        assert_eq!(verified.revocation(), &Revocation::Ocsp(good));
        // The responder says revoked: refused even with no CRL at hand.
        let revoked = ocsp(p, &p.revoked, &p.issuing, nonce, NOW);
        let no_crl = TrustStore {
            crls: vec![],
            ..with_ocsp(p, revoked, nonce)
        };
        assert_eq!(
            check_with(&no_crl, &p.revoked).unwrap_err(),
            VerifyError::Revoked
        );
        // No answer (the responder unreachable): the CRL decides.
        assert_eq!(
            check_with(&p.trust, &p.signing).unwrap().revocation(),
            &Revocation::Crl
        );
        assert_eq!(
            check_with(&p.trust, &p.revoked).unwrap_err(),
            VerifyError::Revoked
        );
        // An answer about another certificate does not count for this one.
        let other = ocsp(p, &p.other, &p.issuing, nonce, NOW);
        let verified = check_with(&with_ocsp(p, other, nonce), &p.signing).unwrap();
        assert_eq!(verified.revocation(), &Revocation::Crl);
    }
}

#[test]
fn an_ocsp_answer_that_cannot_be_relied_on_is_refused_with_its_own_code() {
    for p in pkis() {
        let nonce = b"8-bytes!";
        // Replayed with another request's nonce.
        let answer = ocsp(p, &p.signing, &p.issuing, b"another!", NOW);
        assert_eq!(
            check_with(&with_ocsp(p, answer, nonce), &p.signing).unwrap_err(),
            VerifyError::OcspInvalid
        );
        // Made two hours ago, current for one.
        let stale = ocsp(p, &p.signing, &p.issuing, nonce, NOW - 2 * 3600);
        assert_eq!(
            check_with(&with_ocsp(p, stale, nonce), &p.signing).unwrap_err(),
            VerifyError::OcspInvalid
        );
        // Signed by a CA with the same names but another key.
        let forged = ocsp(p, &p.signing, &p.foreign_issuing, nonce, NOW);
        assert_eq!(
            check_with(&with_ocsp(p, forged, nonce), &p.signing).unwrap_err(),
            VerifyError::OcspInvalid
        );
        // Not an OCSP response at all.
        assert_eq!(
            check_with(&with_ocsp(p, b"nonsense".to_vec(), nonce), &p.signing).unwrap_err(),
            VerifyError::OcspInvalid
        );
    }
}

/// CAdES-T: a signature stamped when it was made is judged as of its stamp, so it still
/// verifies after its certificate expires or is revoked later — and only then.
#[test]
fn a_time_stamped_signature_verifies_as_of_its_stamp_after_expiry_or_later_revocation() {
    use qyzmet_eds::{Revocation, cades, verify_stamped};
    for p in pkis() {
        let tsa = p
            .issuing
            .issue_tsa("Qyzmet Test TSA", period(NOW - DAY, NOW + 3000 * DAY))
            .unwrap();
        let short = p
            .issuing
            .issue(&person(IIN), Purpose::Signing, period(NOW - DAY, NOW + DAY))
            .unwrap();
        let signature = sign(&short, NOW);
        let nonce = b"tsa-nonce-16byte";
        let stamp = |signature: &[u8], at: i64| {
            tsa.time_stamp(&cades::time_stamp_query(signature, nonce).unwrap(), 7, at)
        };
        let fresh = verify_detached(
            &signature,
            DOCUMENT,
            &p.trust,
            Purpose::Signing,
            &citizen(),
            Some(NOW),
        )
        .unwrap();
        assert_eq!(fresh.time_stamp(), None);
        let add = |response: &[u8], nonce: &[u8]| {
            cades::add_time_stamp(&signature, fresh.clone(), response, nonce, &p.trust)
        };
        let (stamped, verified) = add(&stamp(&signature, NOW + 5), nonce).unwrap();
        assert_eq!(verified.time_stamp(), Some(NOW + 5));
        let serial = short.certificate.tbs_certificate.serial_number.clone();
        let evidence = qyzmet_eds::OcspEvidence {
            response: ocsp(p, &short, &p.issuing, b"ocsp-nonce", NOW),
            nonce: b"ocsp-nonce".to_vec(),
        };
        // A year on, the certificate has expired and was revoked a month after signing.
        let later = NOW + 365 * DAY;
        let crl = |revoked_at: i64| {
            p.issuing
                .crl(
                    &[(serial.clone(), revoked_at)],
                    later - DAY,
                    later + 7 * DAY,
                )
                .unwrap()
        };
        let archive = TrustStore {
            crls: vec![crl(NOW + 30 * DAY)],
            ocsp: vec![evidence],
            ..p.trust.clone()
        };
        let judged_now = verify_detached(
            &stamped,
            DOCUMENT,
            &archive,
            Purpose::Signing,
            &citizen(),
            Some(later),
        );
        assert_eq!(judged_now.unwrap_err(), VerifyError::Expired);
        let verified =
            verify_stamped(&stamped, DOCUMENT, &archive, Purpose::Signing, &citizen()).unwrap();
        assert_eq!(verified.time_stamp(), Some(NOW + 5));
        assert!(matches!(verified.revocation(), &Revocation::Ocsp(_)));
        // Without the kept OCSP answer a CRL issued since decides: revoked after the stamp.
        let crl_only = TrustStore {
            ocsp: vec![],
            ..archive.clone()
        };
        let verified =
            verify_stamped(&stamped, DOCUMENT, &crl_only, Purpose::Signing, &citizen()).unwrap();
        assert_eq!(verified.revocation(), &Revocation::Crl);
        // Revoked before the stamp (a compromise reported before signing): refused.
        let revoked_before = TrustStore {
            crls: vec![crl(NOW - 60)],
            ..crl_only.clone()
        };
        assert_eq!(
            verify_stamped(
                &stamped,
                DOCUMENT,
                &revoked_before,
                Purpose::Signing,
                &citizen()
            )
            .unwrap_err(),
            VerifyError::Revoked
        );
        // The document changed: the stamp does not save it.
        assert_eq!(
            verify_stamped(&stamped, b"other", &archive, Purpose::Signing, &citizen()).unwrap_err(),
            VerifyError::SignatureMismatch
        );
        // Without a stamp there is nothing to judge it by.
        assert_eq!(
            verify_stamped(&signature, DOCUMENT, &archive, Purpose::Signing, &citizen())
                .unwrap_err(),
            VerifyError::TimeStampInvalid
        );
        // A stamp over another signature, with another nonce, or by an untrusted TSA is refused.
        let other = sign(&p.signing, NOW);
        assert_eq!(
            add(&stamp(&other, NOW), nonce).unwrap_err(),
            VerifyError::TimeStampInvalid
        );
        assert_eq!(
            add(&stamp(&signature, NOW), b"another").unwrap_err(),
            VerifyError::TimeStampInvalid
        );
        let foreign_tsa = p
            .foreign_issuing
            .issue_tsa("Qyzmet Test TSA", period(NOW - DAY, NOW + 3000 * DAY))
            .unwrap();
        let forged =
            foreign_tsa.time_stamp(&cades::time_stamp_query(&signature, nonce).unwrap(), 7, NOW);
        assert_eq!(
            add(&forged, nonce).unwrap_err(),
            VerifyError::TimeStampInvalid
        );
        // A holder's key is not a TSA's (no timeStamping purpose).
        let not_a_tsa = Issued::from_parts(p.signing.certificate.clone(), &p.signing.key_pkcs8);
        let by_holder =
            not_a_tsa.time_stamp(&cades::time_stamp_query(&signature, nonce).unwrap(), 7, NOW);
        assert_eq!(
            add(&by_holder, nonce).unwrap_err(),
            VerifyError::TimeStampInvalid
        );
    }
}

/// A GOST signature's stamp is asked under NCA RK's GOST-2015 policy, which a GOST TSA grants
/// (its token signed with its GOST key, as NCA RK's TSA signs); an RSA signature's asks none
/// and gets the test TSA's own policy.
#[test]
fn a_gost_signature_is_stamped_under_nca_rks_gost_2015_policy() {
    use der::{Decode, Encode};
    use qyzmet_eds::{cades, tsp};
    let policy_of = |answer: &[u8]| {
        let response = x509_tsp::TimeStampResp::from_der(answer).unwrap();
        let token = response.time_stamp_token.unwrap();
        let signed: cms::signed_data::SignedData = token.content.decode_as().unwrap();
        let info = signed.encap_content_info.econtent.unwrap();
        let info = der::asn1::OctetString::from_der(&info.to_der().unwrap()).unwrap();
        x509_tsp::TstInfo::from_der(info.as_bytes()).unwrap().policy
    };
    let [rsa, gost] = pkis();
    for (p, asked, granted) in [
        (rsa, None, tsp::TEST_TSA_POLICY),
        (
            gost,
            Some(cades::NCA_GOST_2015_TSA_POLICY),
            cades::NCA_GOST_2015_TSA_POLICY,
        ),
    ] {
        let tsa = p
            .issuing
            .issue_tsa("Qyzmet Test TSA", period(NOW - DAY, NOW + 3000 * DAY))
            .unwrap();
        let signature = sign(&p.signing, NOW);
        let query = cades::time_stamp_query(&signature, b"nonce").unwrap();
        assert_eq!(tsp::asked_policy(&query), asked);
        let answer = tsa.time_stamp(&query, 7, NOW);
        assert_eq!(policy_of(&answer), granted);
        // The stamp is accepted: by a TSA the trust store knows, over this signature.
        let fresh = verify(p, &signature, Purpose::Signing, citizen()).unwrap();
        cades::add_time_stamp(&signature, fresh, &answer, b"nonce", &p.trust).unwrap();
    }
    // An RSA TSA asked the GOST policy does not claim it.
    let tsa = rsa
        .issuing
        .issue_tsa("Qyzmet Test TSA", period(NOW - DAY, NOW + 3000 * DAY))
        .unwrap();
    let query = cades::time_stamp_query(&sign(&gost.signing, NOW), b"nonce").unwrap();
    assert_eq!(
        policy_of(&tsa.time_stamp(&query, 7, NOW)),
        tsp::TEST_TSA_POLICY
    );
}

/// RFC 6960 §4.2.2.2: a responder the CA certified for OCSP signing may answer for it; a
/// holder's key or another CA's responder may not.
#[test]
fn a_delegated_responder_certified_by_the_ca_may_answer_and_no_other() {
    use qyzmet_eds::Revocation;
    for p in pkis() {
        let nonce = b"8-bytes!";
        let request =
            qyzmet_eds::ocsp::request(&p.signing.certificate, &p.issuing.certificate, nonce)
                .unwrap();
        let year = period(NOW - DAY, NOW + 365 * DAY);
        let answer_by = |responder: &Issued| {
            let register = qyzmet_eds::ocsp::Register {
                revoked: &[],
                issued: None,
            };
            responder.ocsp_response(&request, &p.issuing.certificate, register, NOW, 3600)
        };
        let delegate = p
            .issuing
            .issue_ocsp_responder("Qyzmet Test OCSP Responder", year)
            .unwrap();
        let answer = answer_by(&delegate);
        let verified = check_with(&with_ocsp(p, answer.clone(), nonce), &p.signing).unwrap();
        assert_eq!(verified.revocation(), &Revocation::Ocsp(answer));
        let holder_posing = Issued::from_parts(p.other.certificate.clone(), &p.other.key_pkcs8);
        let foreign_delegate = p
            .foreign_issuing
            .issue_ocsp_responder("Qyzmet Test OCSP Responder", year)
            .unwrap();
        for forged in [answer_by(&holder_posing), answer_by(&foreign_delegate)] {
            assert_eq!(
                check_with(&with_ocsp(p, forged, nonce), &p.signing).unwrap_err(),
                VerifyError::OcspInvalid
            );
        }
    }
}

/// The CA certificates, the holder's certificate and the CRL are verified once and then
/// answered from memory (a GOST submission verifies one signature, not four); a CRL changed
/// in one byte is another CRL: verified anew, and refused when not genuine.
#[test]
fn certificates_and_crls_are_verified_once_and_a_changed_one_anew() {
    use der::Encode;
    use qyzmet_eds::remembered::is_kept;
    use x509_cert::Certificate;
    // A PKI of its own: no other test's verifications share its entries.
    let p = pki_of(KeyAlgorithm::Gost512(Profile::Nca));
    let crl = p.trust.crls[0].clone();
    let certificate_kept = |cert: &Certificate, issuer: &Certificate| {
        is_kept(
            &issuer.tbs_certificate.subject_public_key_info,
            &cert.signature_algorithm.oid,
            &cert.tbs_certificate.to_der().unwrap(),
            cert.signature.raw_bytes(),
        )
    };
    let crl_kept = |crl: &x509_cert::crl::CertificateList| {
        is_kept(
            &p.issuing
                .certificate
                .tbs_certificate
                .subject_public_key_info,
            &crl.signature_algorithm.oid,
            &crl.tbs_cert_list.to_der().unwrap(),
            crl.signature.raw_bytes(),
        )
    };
    assert!(!certificate_kept(
        &p.signing.certificate,
        &p.issuing.certificate
    ));
    assert!(!crl_kept(&crl));
    verify(&p, &sign(&p.signing, NOW), Purpose::Signing, citizen()).unwrap();
    assert!(certificate_kept(
        &p.signing.certificate,
        &p.issuing.certificate
    ));
    assert!(certificate_kept(
        &p.issuing.certificate,
        &p.root.certificate
    ));
    assert!(crl_kept(&crl));
    // Answered from memory, the second verification is as strict as the first.
    verify(&p, &sign(&p.signing, NOW), Purpose::Signing, citizen()).unwrap();

    let mut damaged = crl.clone();
    let mut bytes = damaged.signature.raw_bytes().to_vec();
    *bytes.last_mut().unwrap() ^= 1;
    damaged.signature = der::asn1::BitString::from_bytes(&bytes).unwrap();
    let trust = TrustStore {
        crls: vec![damaged.clone()],
        ..p.trust.clone()
    };
    let refused = verify_detached(
        &sign(&p.signing, NOW),
        DOCUMENT,
        &trust,
        Purpose::Signing,
        &citizen(),
        Some(NOW),
    );
    assert_eq!(refused.unwrap_err(), VerifyError::RevocationUnknown);
    assert!(!crl_kept(&damaged), "a refusal is never kept");
}
