//! The PKIX ground both verifiers stand on: what is trusted, why a signature is refused, and
//! the checks every verification repeats — a signature by a key (RSA with SHA-256 or GOST R
//! 34.10-2015), a certificate signed by its issuer and valid at a time, the chain up to a
//! trusted root, a CMS signer's certificate, digest and attributes. `verify` (the signature),
//! `cades` (its time-stamp) and `ocsp` (its revocation) use these; this module uses none of them.

use crate::gost_pkix;
use crate::holder::{is_ca, same_name, unix};
use crate::rsa_pkcs1;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

/// What the verifier trusts: the root CA(s), the issuing CAs, their current CRLs, and the
/// OCSP answers fetched for this verification (checked first; the CRL when none applies).
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    pub anchors: Vec<Certificate>,
    pub intermediates: Vec<Certificate>,
    pub crls: Vec<CertificateList>,
    pub ocsp: Vec<OcspEvidence>,
}

/// An OCSP answer (DER) and the nonce it was asked with.
#[derive(Debug, Clone)]
pub struct OcspEvidence {
    pub response: Vec<u8>,
    pub nonce: Vec<u8>,
}

/// Each refusal has its own code and message: the applicant must know what to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature is not a CMS SignedData with one signer and their certificate")]
    Malformed,
    #[error("the signature uses an algorithm other than RSA with SHA-256 or GOST R 34.10-2015")]
    UnsupportedAlgorithm,
    #[error("the signature does not match the document")]
    SignatureMismatch,
    #[error("the certificate was not issued by a trusted certification authority")]
    Untrusted,
    #[error("the certificate was not yet valid")]
    NotYetValid,
    #[error("the certificate has expired")]
    Expired,
    #[error("the certificate has been revoked")]
    Revoked,
    #[error("no current revocation list of the issuing authority is available")]
    RevocationUnknown,
    #[error("the OCSP answer about the certificate cannot be relied on")]
    OcspInvalid,
    #[error("the signature's time-stamp is missing or cannot be relied on")]
    TimeStampInvalid,
    #[error("the certificate's key is not meant for this use")]
    KeyUsage,
    #[error("the certificate belongs to someone else")]
    IdentityMismatch,
    #[error("the company's key is an employee's without the right of signature")]
    NoRightToSign,
}

impl VerifyError {
    pub const ALL: [VerifyError; 13] = [
        VerifyError::Malformed,
        VerifyError::UnsupportedAlgorithm,
        VerifyError::SignatureMismatch,
        VerifyError::Untrusted,
        VerifyError::NotYetValid,
        VerifyError::Expired,
        VerifyError::Revoked,
        VerifyError::RevocationUnknown,
        VerifyError::OcspInvalid,
        VerifyError::TimeStampInvalid,
        VerifyError::KeyUsage,
        VerifyError::IdentityMismatch,
        VerifyError::NoRightToSign,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VerifyError::Malformed => "eds.malformed",
            VerifyError::UnsupportedAlgorithm => "eds.unsupported_algorithm",
            VerifyError::SignatureMismatch => "eds.signature_mismatch",
            VerifyError::Untrusted => "eds.untrusted",
            VerifyError::NotYetValid => "eds.not_yet_valid",
            VerifyError::Expired => "eds.expired",
            VerifyError::Revoked => "eds.revoked",
            VerifyError::RevocationUnknown => "eds.revocation_unknown",
            VerifyError::OcspInvalid => "eds.ocsp_invalid",
            VerifyError::TimeStampInvalid => "eds.time_stamp_invalid",
            VerifyError::KeyUsage => "eds.key_usage",
            VerifyError::IdentityMismatch => "eds.identity_mismatch",
            VerifyError::NoRightToSign => "eds.no_right_to_sign",
        }
    }
}

/// Whether `algorithm` is one this crate verifies with a key like `spki`'s.
pub fn supported(spki: &spki::SubjectPublicKeyInfoOwned, algorithm: &ObjectIdentifier) -> bool {
    (rsa_pkcs1::supported(algorithm) && rsa_pkcs1::is_rsa(spki)) || gost_pkix::fits(spki, algorithm)
}

/// Whether `signature` over `message` is by the key in `spki` under `algorithm` (RSA with
/// SHA-256 or GOST R 34.10-2015 in either OID profile); false for anything unsupported.
pub fn verifies(
    spki: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    if rsa_pkcs1::supported(algorithm) {
        return rsa_pkcs1::is_rsa(spki) && rsa_pkcs1::verify(spki, message, signature);
    }
    gost_pkix::verify(spki, algorithm, message, signature) == Some(true)
}

/// [`verifies`], for a signature that comes again and again (over a certificate, a CRL):
/// answered from memory once it verified.
pub fn verifies_remembered(
    spki: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    crate::remembered::verifies(spki, algorithm, message, signature, || {
        verifies(spki, algorithm, message, signature)
    })
}

/// The document's digest under a SignerInfo's digest algorithm, when it is the one the key
/// signs with: SHA-256 for RSA, Streebog of the key's size for GOST.
pub fn document_digest(
    digest: &ObjectIdentifier,
    spki: &spki::SubjectPublicKeyInfoOwned,
    document: &[u8],
) -> Option<Vec<u8>> {
    if *digest == ID_SHA_256 {
        return rsa_pkcs1::is_rsa(spki).then(|| Sha256::digest(document).to_vec());
    }
    let size = gost_pkix::digest_size(digest)?;
    let key = gost_pkix::public_key(spki)?;
    (key.curve().size() == size.curve().size()).then(|| gost_pkix::digest(size, document))
}

pub fn signer_certificate(signed: &SignedData, signer: &SignerInfo) -> Option<Certificate> {
    let certificates = signed.certificates.as_ref()?;
    certificates.0.iter().find_map(|choice| {
        let cms::cert::CertificateChoices::Certificate(cert) = choice else {
            return None;
        };
        let tbs = &cert.tbs_certificate;
        let is_signer = match &signer.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                same_name(&id.issuer, &tbs.issuer) && id.serial_number == tbs.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => matches!(
                tbs.get::<SubjectKeyIdentifier>(),
                Ok(Some((_, own))) if own == *ski
            ),
        };
        is_signer.then(|| cert.clone())
    })
}

pub fn attribute_value<T: for<'a> Decode<'a>>(
    attributes: &cms::signed_data::SignedAttributes,
    oid: ObjectIdentifier,
) -> Option<T> {
    let attribute = attributes.iter().find(|a| a.oid == oid)?;
    let [value] = attribute.values.as_slice() else {
        return None;
    };
    T::from_der(&value.to_der().ok()?).ok()
}

pub fn signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    // The same CA and holder certificates come again and again: verified once.
    same_name(
        &cert.tbs_certificate.issuer,
        &issuer.tbs_certificate.subject,
    ) && verifies_remembered(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm.oid,
        &tbs,
        cert.signature.raw_bytes(),
    )
}

pub fn valid_at(cert: &Certificate, at: i64) -> bool {
    let v = &cert.tbs_certificate.validity;
    unix(&v.not_before) <= at && at <= unix(&v.not_after)
}

/// The CAs from the leaf's issuer up to a trust anchor, each a valid CA at `at`.
pub fn chain<'t>(
    leaf: &Certificate,
    trust: &'t TrustStore,
    at: i64,
) -> Result<Vec<&'t Certificate>, VerifyError> {
    let mut path: Vec<&Certificate> = Vec::new();
    let mut current = leaf;
    // NCA RK's chains are root → issuing CA → holder; a few more levels are tolerated.
    for _ in 0..4 {
        let usable = |ca: &&Certificate| is_ca(ca) && valid_at(ca, at) && signed_by(current, ca);
        if let Some(anchor) = trust.anchors.iter().find(usable) {
            path.push(anchor);
            return Ok(path);
        }
        let next = trust
            .intermediates
            .iter()
            .find(usable)
            .ok_or(VerifyError::Untrusted)?;
        path.push(next);
        current = next;
    }
    Err(VerifyError::Untrusted)
}
