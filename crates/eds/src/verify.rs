//! Verifying a detached CMS signature as the regulations require before a request is
//! accepted: the signature over the document, the certificate's chain to a trusted CA, its
//! validity period, revocation (CRL), the key usage, and whose IIN/BIN it carries.
//!
//! `cms` has no verifier, so this is RFC 5652 § 5.4/5.6 by hand: the messageDigest attribute
//! must be the digest of the document (SHA-256 for an RSA key, Streebog of the key's size for
//! a GOST one), and the signature covers the DER of the signed attributes (as a SET OF).
//! Certificates and CRLs are checked the same way whatever their CA's algorithm.

use crate::holder::{Holder, Purpose, SignerRole, check_usage, is_ca, same_name, unix};
use crate::pkix::{
    TrustStore, VerifyError, attribute_value, chain, document_digest, signed_by,
    signer_certificate, supported, verifies,
};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo};
use const_oid::db::rfc5911::{ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNED_DATA, ID_SIGNING_TIME};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::time::Time;

/// How the certificate's revocation status was established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The CA's OCSP responder said "good": its answer, to keep with the signature.
    Ocsp(Vec<u8>),
    /// No OCSP answer applied (the responder unreachable): the CA's current CRL.
    Crl,
}

/// Whose signature the caller expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A person's: the certificate's IIN must be this one.
    Iin(String),
    /// A company's: the certificate's BIN must be this one (a key of its employee).
    Bin(String),
    /// Anyone the trusted CA certified (login: the caller looks the holder up).
    Anyone,
}

/// What verification found. Only the verifier makes one (private fields), so holding one is
/// proof the signature passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    holder: Holder,
    signing_time: Option<i64>,
    time_stamp: Option<i64>,
    certificate: Certificate,
    revocation: Revocation,
}

impl Verified {
    /// Whom the certificate names.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// The signing-time attribute, Unix seconds, when the signer included one.
    pub fn signing_time(&self) -> Option<i64> {
        self.signing_time
    }

    /// The signature time-stamp's time (CAdES-T), Unix seconds, when it carries one.
    pub fn time_stamp(&self) -> Option<i64> {
        self.time_stamp
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// How the certificate's revocation status was established.
    pub fn revocation(&self) -> &Revocation {
        &self.revocation
    }

    /// The same, stamped at `at` by a time-stamp `cades` checked.
    pub(crate) fn stamped(self, at: i64) -> Verified {
        Verified {
            time_stamp: Some(at),
            ..self
        }
    }
}

/// Verifies `signature` (DER CMS) over `document`.
///
/// Validity is checked at the signing time the signature states and, when given, at `now`
/// (Unix seconds): the server accepting a submission passes its clock; the browser checking
/// an old decision passes `None` and asks whether it was valid when it was signed. A
/// signature time-stamp, when the signature carries one, must be genuine.
pub fn verify_detached(
    signature: &[u8],
    document: &[u8],
    trust: &TrustStore,
    purpose: Purpose,
    expected: &Expected,
    now: Option<i64>,
) -> Result<Verified, VerifyError> {
    verify(
        signature,
        document,
        trust,
        purpose,
        expected,
        When::Now(now),
    )
}

/// Verifies a stored CAdES-T signature as of its time-stamp: the certificate must have
/// been valid and unrevoked then, by the OCSP answer kept with it (`trust.ocsp`; its nonce
/// is not asked again) or by a CRL issued since; expiry or revocation after the stamp does
/// not matter. A signature without a genuine time-stamp is refused (`TimeStampInvalid`).
pub fn verify_stamped(
    signature: &[u8],
    document: &[u8],
    trust: &TrustStore,
    purpose: Purpose,
    expected: &Expected,
) -> Result<Verified, VerifyError> {
    verify(signature, document, trust, purpose, expected, When::Stamped)
}

/// As of when a signature is judged.
#[derive(Clone, Copy)]
enum When {
    /// Now (the caller's clock), or only at its signing time.
    Now(Option<i64>),
    /// At its time-stamp, with the evidence kept from then.
    Stamped,
}

fn verify(
    signature: &[u8],
    document: &[u8],
    trust: &TrustStore,
    purpose: Purpose,
    expected: &Expected,
    when: When,
) -> Result<Verified, VerifyError> {
    use VerifyError::*;
    let signed = signed_data(signature, document)?;
    let [signer] = signed.signer_infos.0.as_slice() else {
        return Err(Malformed);
    };
    let (certificate, signing_time) = signed_by_its_certificate(&signed, signer, document)?;
    let time_stamp = match crate::cades::token_of(signer) {
        Some(token) => Some(crate::cades::check_token(
            &token?,
            signer.signature.as_bytes(),
            trust,
            None,
        )?),
        None => None,
    };
    let (now, archived) = match when {
        When::Now(now) => (now, false),
        When::Stamped => (Some(time_stamp.ok_or(TimeStampInvalid)?), true),
    };
    let at = signing_time.or(now).ok_or(Malformed)?;
    let path = chain(&certificate, trust, at)?;
    let holder = Holder::of(&certificate);
    for t in [Some(at), now].into_iter().flatten() {
        if t < holder.not_before {
            return Err(NotYetValid);
        }
        if t > holder.not_after {
            return Err(Expired);
        }
    }
    let revocation = check_revocation(&certificate, path[0], trust, now.unwrap_or(at), archived)?;
    if !check_usage(&certificate, purpose) {
        return Err(KeyUsage);
    }
    is_expected(&holder, purpose, expected)?;
    Ok(Verified {
        holder,
        signing_time,
        time_stamp,
        certificate,
        revocation,
    })
}

/// The CMS SignedData of `signature`; an attached signature only over exactly `document`.
fn signed_data(signature: &[u8], document: &[u8]) -> Result<SignedData, VerifyError> {
    use VerifyError::*;
    let content = ContentInfo::from_der(signature).map_err(|_| Malformed)?;
    if content.content_type != ID_SIGNED_DATA {
        return Err(Malformed);
    }
    let signed: SignedData = content.content.decode_as().map_err(|_| Malformed)?;
    if let Some(attached) = &signed.encap_content_info.econtent {
        // An attached signature is accepted only over exactly these bytes.
        let inner = OctetString::from_der(&attached.to_der().map_err(|_| Malformed)?)
            .map_err(|_| Malformed)?;
        if inner.as_bytes() != document {
            return Err(SignatureMismatch);
        }
    }
    Ok(signed)
}

/// The signer's certificate, once its key is shown to have signed `document` (the digest in
/// the signed attributes, the signature over them, an algorithm we verify); with the signing
/// time the attributes state.
fn signed_by_its_certificate(
    signed: &SignedData,
    signer: &SignerInfo,
    document: &[u8],
) -> Result<(Certificate, Option<i64>), VerifyError> {
    use VerifyError::*;
    let certificate = signer_certificate(signed, signer).ok_or(Malformed)?;
    let spki = &certificate.tbs_certificate.subject_public_key_info;
    let expected_digest =
        document_digest(&signer.digest_alg.oid, spki, document).ok_or(UnsupportedAlgorithm)?;
    if !supported(spki, &signer.signature_algorithm.oid) {
        return Err(UnsupportedAlgorithm);
    }
    let attributes = signer.signed_attrs.as_ref().ok_or(Malformed)?;
    let digest = attribute_value::<OctetString>(attributes, ID_MESSAGE_DIGEST).ok_or(Malformed)?;
    let content_type =
        attribute_value::<ObjectIdentifier>(attributes, ID_CONTENT_TYPE).ok_or(Malformed)?;
    if content_type != signed.encap_content_info.econtent_type {
        return Err(Malformed);
    }
    let signing_time = attribute_value::<Time>(attributes, ID_SIGNING_TIME).map(|t| unix(&t));
    if digest.as_bytes() != expected_digest.as_slice() {
        return Err(SignatureMismatch);
    }
    let signed_bytes = attributes.to_der().map_err(|_| Malformed)?;
    if !verifies(
        spki,
        &signer.signature_algorithm.oid,
        &signed_bytes,
        signer.signature.as_bytes(),
    ) {
        return Err(SignatureMismatch);
    }
    Ok((certificate, signing_time))
}

/// The holder is whom the caller expects — and, signing for a company, its head or an
/// employee with the right of signature.
fn is_expected(holder: &Holder, purpose: Purpose, expected: &Expected) -> Result<(), VerifyError> {
    let matches = match expected {
        Expected::Iin(iin) => holder.iin.as_deref() == Some(iin),
        Expected::Bin(bin) => holder.bin.as_deref() == Some(bin),
        Expected::Anyone => holder.iin.is_some() || holder.bin.is_some(),
    };
    if !matches {
        return Err(VerifyError::IdentityMismatch);
    }
    if purpose == Purpose::Signing
        && matches!(expected, Expected::Bin(_))
        && !holder.role.is_some_and(SignerRole::signs_for_company)
    {
        return Err(VerifyError::NoRightToSign);
    }
    Ok(())
}

/// The signer's certificate of a CMS signature and the trusted CA that issued it — what an
/// OCSP request about the signer needs, before the signature is verified.
pub fn signer_and_issuer(
    signature: &[u8],
    trust: &TrustStore,
) -> Option<(Certificate, Certificate)> {
    let content = ContentInfo::from_der(signature).ok()?;
    if content.content_type != ID_SIGNED_DATA {
        return None;
    }
    let signed: SignedData = content.content.decode_as().ok()?;
    let [signer] = signed.signer_infos.0.as_slice() else {
        return None;
    };
    let leaf = signer_certificate(&signed, signer)?;
    let issuer = trust
        .intermediates
        .iter()
        .chain(&trust.anchors)
        .find(|ca| is_ca(ca) && signed_by(&leaf, ca))?
        .clone();
    Some((leaf, issuer))
}

/// The leaf's status by its CA's OCSP responder when an answer about it is at hand; else it
/// must not be on its issuer's CRL, and that CRL must be genuine and current. `archived`:
/// judged as of `at` in the past — the OCSP answer is the one kept from then (no nonce to
/// match), a CRL must be current then or issued since, and only a revocation by `at` counts.
fn check_revocation(
    leaf: &Certificate,
    issuer: &Certificate,
    trust: &TrustStore,
    at: i64,
    archived: bool,
) -> Result<Revocation, VerifyError> {
    use crate::ocsp::{OcspError, OcspStatus, check};
    for evidence in &trust.ocsp {
        let nonce = (!archived).then_some(evidence.nonce.as_slice());
        return match check(&evidence.response, leaf, issuer, nonce, at) {
            Err(OcspError::OtherCertificate) => continue,
            Ok(OcspStatus::Good) => Ok(Revocation::Ocsp(evidence.response.clone())),
            Ok(OcspStatus::Revoked(since)) if archived && since > at => {
                Ok(Revocation::Ocsp(evidence.response.clone()))
            }
            Ok(OcspStatus::Revoked(_)) => Err(VerifyError::Revoked),
            Ok(OcspStatus::Unknown) => Err(VerifyError::RevocationUnknown),
            Err(_) => Err(VerifyError::OcspInvalid),
        };
    }
    let current = trust.crls.iter().find(|crl| {
        let tbs = &crl.tbs_cert_list;
        let genuine = same_name(&tbs.issuer, &issuer.tbs_certificate.subject)
            && tbs.to_der().is_ok_and(|der| {
                // A CRL is the same for every submission until it is reissued: verified once.
                crate::pkix::verifies_remembered(
                    &issuer.tbs_certificate.subject_public_key_info,
                    &crl.signature_algorithm.oid,
                    &der,
                    crl.signature.raw_bytes(),
                )
            });
        let next_update = tbs.next_update.as_ref().map(unix);
        // Archived: any CRL current at `at` or issued since knows of revocations by then.
        let fresh = if archived {
            next_update.is_some_and(|next| at <= next)
        } else {
            unix(&tbs.this_update) <= at && next_update.is_some_and(|next| at <= next)
        };
        genuine && fresh
    });
    let crl = current.ok_or(VerifyError::RevocationUnknown)?;
    let serial = &leaf.tbs_certificate.serial_number;
    let revoked = crl
        .tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .any(|r| r.serial_number == *serial && (!archived || unix(&r.revocation_date) <= at));
    if revoked {
        Err(VerifyError::Revoked)
    } else {
        Ok(Revocation::Crl)
    }
}
