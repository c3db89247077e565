//! Detached CMS SignedData over a document: SHA-256 with RSA PKCS#1 v1.5, or Streebog with
//! GOST R 34.10-2015 (in the key's OID profile); the signed attributes content-type,
//! message-digest and signing-time, and the signer's certificate included.

use crate::key::{KeySigner, SignatureBytes};
use crate::keystore::SigningKey;
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::db::rfc5911::{ID_DATA, ID_SIGNING_TIME};
use der::asn1::SetOfVec;
use der::{Any, Encode};
use x509_cert::attr::Attribute;
use x509_cert::time::Time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the signing time cannot be encoded")]
    BadTime,
    #[error("the signature could not be built")]
    Build,
}

/// Signs `document` with `key` at `signing_time` (Unix seconds; the caller's clock, since
/// `SystemTime` does not exist in the browser). Returns the DER of a CMS ContentInfo.
pub fn sign_detached(
    key: &SigningKey,
    document: &[u8],
    signing_time: u64,
) -> Result<Vec<u8>, SignError> {
    let digest = key.key.digest(document);
    let content = EncapsulatedContentInfo {
        econtent_type: ID_DATA,
        econtent: None,
    };
    let signer = KeySigner(&key.key);
    let tbs = &key.certificate.tbs_certificate;
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: tbs.issuer.clone(),
        serial_number: tbs.serial_number.clone(),
    });
    let digest_algorithm = key.key.digest_algorithm();
    let mut signer_info = SignerInfoBuilder::new(
        &signer,
        sid,
        digest_algorithm.clone(),
        &content,
        Some(&digest),
    )
    .map_err(|_| SignError::Build)?;
    signer_info
        .add_signed_attribute(signing_time_attribute(signing_time)?)
        .map_err(|_| SignError::Build)?;
    let mut signed_data = SignedDataBuilder::new(&content);
    signed_data
        .add_digest_algorithm(digest_algorithm)
        .and_then(|b| b.add_certificate(CertificateChoices::Certificate(key.certificate.clone())))
        .and_then(|b| b.add_signer_info::<_, SignatureBytes>(signer_info))
        .map_err(|_| SignError::Build)?;
    let content_info = signed_data.build().map_err(|_| SignError::Build)?;
    content_info.to_der().map_err(|_| SignError::Build)
}

fn signing_time_attribute(unix: u64) -> Result<Attribute, SignError> {
    let at = der::DateTime::from_unix_duration(std::time::Duration::from_secs(unix))
        .map_err(|_| SignError::BadTime)?;
    // RFC 5652: UTCTime for 1950–2049, GeneralizedTime otherwise.
    let time = if (1950..2050).contains(&at.year()) {
        Time::UtcTime(der::asn1::UtcTime::from_date_time(at).map_err(|_| SignError::BadTime)?)
    } else {
        Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(at))
    };
    let value = Any::encode_from(&time).map_err(|_| SignError::BadTime)?;
    let mut values = SetOfVec::new();
    values.insert(value).map_err(|_| SignError::BadTime)?;
    Ok(Attribute {
        oid: ID_SIGNING_TIME,
        values,
    })
}
