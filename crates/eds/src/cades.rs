//! CAdES-T (ETSI EN 319 122-1, RFC 5126 §6.1.1): a time-stamp over the signature value,
//! carried in the signer's unsigned `signatureTimeStampToken` attribute, as NCALayer's
//! `tsaProfile` and eGov mobile stamp with NCA RK's TSA. The stamp proves the signature
//! existed at its time, so the signature can be verified later as of that time: a
//! certificate that has expired or been revoked since does not undo it (see
//! `verify_stamped`).

use crate::pkix::{
    TrustStore, VerifyError, attribute_value, chain, document_digest, signer_certificate, valid_at,
    verifies,
};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::{ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNED_DATA};
use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::{Int, Null, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

/// id-aa-signatureTimeStampToken.
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-ct-TSTInfo.
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-kp-timeStamping: a TSA's certificate must carry it (RFC 3161 §2.3).
const TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

fn signed_data(signature: &[u8]) -> Result<SignedData, VerifyError> {
    let content = ContentInfo::from_der(signature).map_err(|_| VerifyError::Malformed)?;
    if content.content_type != ID_SIGNED_DATA {
        return Err(VerifyError::Malformed);
    }
    content
        .content
        .decode_as()
        .map_err(|_| VerifyError::Malformed)
}

fn only_signer(signed: &SignedData) -> Result<&SignerInfo, VerifyError> {
    match signed.signer_infos.0.as_slice() {
        [signer] => Ok(signer),
        _ => Err(VerifyError::Malformed),
    }
}

/// NCA RK's GOST-2015 time-stamp policy: what a stamp over a GOST signature is asked under
/// (as NCANode asks NCA RK's TSA; `../shared/research/kz-eds.md`), and what a GOST TSA of the
/// test PKI stamps under when asked it.
pub const NCA_GOST_2015_TSA_POLICY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.398.3.3.2.6.4");

/// The RFC 3161 query (DER) for a time-stamp over `signature`'s value (SHA-256 imprint,
/// the TSA's certificate asked for, with `nonce`). A GOST signature asks NCA RK's GOST-2015
/// policy, under which its TSA stamps with its GOST key.
pub fn time_stamp_query(signature: &[u8], nonce: &[u8]) -> Result<Vec<u8>, VerifyError> {
    let signed = signed_data(signature)?;
    let signer = only_signer(&signed)?;
    let value = signer.signature.as_bytes();
    let policy = crate::gost_pkix::is_gost_signature(&signer.signature_algorithm.oid)
        .then_some(NCA_GOST_2015_TSA_POLICY);
    let malformed = |_| VerifyError::Malformed;
    TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: ID_SHA_256,
                parameters: Some(Null.into()),
            },
            hashed_message: OctetString::new(Sha256::digest(value).to_vec()).map_err(malformed)?,
        },
        req_policy: policy,
        nonce: Some(Int::new(&positive(nonce)).map_err(malformed)?),
        cert_req: true,
        extensions: None,
    }
    .to_der()
    .map_err(malformed)
}

/// A nonce as a positive DER INTEGER's bytes: no redundant leading zero, one added when the
/// top bit is set.
pub(crate) fn positive(nonce: &[u8]) -> Vec<u8> {
    let significant: Vec<u8> = nonce.iter().copied().skip_while(|&b| b == 0).collect();
    match significant.first() {
        None => vec![0],
        Some(&first) if first >= 0x80 => [&[0u8][..], &significant].concat(),
        Some(_) => significant,
    }
}

/// Adds the TSA's answer to `signature` (which `verified` says passed) as its
/// signatureTimeStampToken, once the token is checked: a granted answer, over this
/// signature's value, with the nonce asked, by a TSA the trust store knows. Returns the
/// stamped signature and what verification found, now with the stamp's time.
pub fn add_time_stamp(
    signature: &[u8],
    verified: crate::Verified,
    response: &[u8],
    nonce: &[u8],
    trust: &TrustStore,
) -> Result<(Vec<u8>, crate::Verified), VerifyError> {
    let invalid = |_| VerifyError::TimeStampInvalid;
    let response = TimeStampResp::from_der(response).map_err(invalid)?;
    let token = response
        .time_stamp_token
        .ok_or(VerifyError::TimeStampInvalid)?
        .to_der()
        .map_err(invalid)?;
    let mut signed = signed_data(signature)?;
    let signer = only_signer(&signed)?;
    let stamped_at = check_token(&token, signer.signature.as_bytes(), trust, Some(nonce))?;
    let mut values = SetOfVec::new();
    values
        .insert(Any::from_der(&token).map_err(invalid)?)
        .map_err(invalid)?;
    let attribute = Attribute {
        oid: ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
        values,
    };
    let mut signers = signed.signer_infos.0.into_vec();
    let signer = signers.first_mut().ok_or(VerifyError::Malformed)?;
    let mut unsigned = signer.unsigned_attrs.take().unwrap_or_default();
    unsigned.insert(attribute).map_err(invalid)?;
    signer.unsigned_attrs = Some(unsigned);
    signed.signer_infos.0 = SetOfVec::try_from(signers).map_err(invalid)?;
    let content = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(|_| VerifyError::Malformed)?,
    };
    Ok((
        content.to_der().map_err(|_| VerifyError::Malformed)?,
        verified.stamped(stamped_at),
    ))
}

/// The value a signature time-stamp covers: the only signer's signature octets.
pub fn signature_value(signature: &[u8]) -> Option<Vec<u8>> {
    let signed = signed_data(signature).ok()?;
    Some(only_signer(&signed).ok()?.signature.as_bytes().to_vec())
}

/// The signature's time-stamp token (DER), when it carries one.
pub fn time_stamp_token(signature: &[u8]) -> Option<Vec<u8>> {
    let signed = signed_data(signature).ok()?;
    token_of(only_signer(&signed).ok()?)?.ok()
}

/// The signer's signatureTimeStampToken, when it carries one (DER ContentInfo).
pub(crate) fn token_of(signer: &SignerInfo) -> Option<Result<Vec<u8>, VerifyError>> {
    let attribute = signer
        .unsigned_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)?;
    Some(match attribute.values.as_slice() {
        [token] => token.to_der().map_err(|_| VerifyError::TimeStampInvalid),
        _ => Err(VerifyError::TimeStampInvalid),
    })
}

/// Checks a time-stamp token over `stamped` (the signature value) and returns its time
/// (Unix seconds): the TSA's own signature over the TSTInfo, its certificate a trusted
/// CA's with the timeStamping purpose and valid at that time, the imprint the digest of
/// `stamped`, and the nonce when one was asked with.
pub(crate) fn check_token(
    token: &[u8],
    stamped: &[u8],
    trust: &TrustStore,
    nonce: Option<&[u8]>,
) -> Result<i64, VerifyError> {
    let invalid = |_| VerifyError::TimeStampInvalid;
    let signed = signed_data(token).map_err(|_| VerifyError::TimeStampInvalid)?;
    let info_bytes = match (
        &signed.encap_content_info.econtent,
        signed.encap_content_info.econtent_type == ID_CT_TST_INFO,
    ) {
        (Some(content), true) => OctetString::from_der(&content.to_der().map_err(invalid)?)
            .map_err(invalid)?
            .into_bytes(),
        _ => return Err(VerifyError::TimeStampInvalid),
    };
    let info = TstInfo::from_der(&info_bytes).map_err(invalid)?;
    let imprint = &info.message_imprint;
    let expected = imprint_digest(&imprint.hash_algorithm.oid, stamped)
        .ok_or(VerifyError::TimeStampInvalid)?;
    if imprint.hashed_message.as_bytes() != expected.as_slice() {
        return Err(VerifyError::TimeStampInvalid);
    }
    if let Some(nonce) = nonce {
        let asked = Int::new(&positive(nonce)).map_err(invalid)?;
        if info.nonce.as_ref() != Some(&asked) {
            return Err(VerifyError::TimeStampInvalid);
        }
    }
    let stamped_at = info.gen_time.to_unix_duration().as_secs() as i64;
    let signer = only_signer(&signed).map_err(|_| VerifyError::TimeStampInvalid)?;
    let tsa = signer_certificate(&signed, signer).ok_or(VerifyError::TimeStampInvalid)?;
    let spki = &tsa.tbs_certificate.subject_public_key_info;
    let digest = document_digest(&signer.digest_alg.oid, spki, &info_bytes)
        .ok_or(VerifyError::TimeStampInvalid)?;
    let attributes = signer
        .signed_attrs
        .as_ref()
        .ok_or(VerifyError::TimeStampInvalid)?;
    let genuine = attribute_value::<OctetString>(attributes, ID_MESSAGE_DIGEST)
        .is_some_and(|d| d.as_bytes() == digest.as_slice())
        && attribute_value::<ObjectIdentifier>(attributes, ID_CONTENT_TYPE) == Some(ID_CT_TST_INFO)
        && attributes.to_der().is_ok_and(|der| {
            verifies(
                spki,
                &signer.signature_algorithm.oid,
                &der,
                signer.signature.as_bytes(),
            )
        });
    let for_time_stamping = matches!(
        tsa.tbs_certificate.get::<ExtendedKeyUsage>(),
        Ok(Some((_, eku))) if eku.0.contains(&TIME_STAMPING)
    );
    let valid = valid_at(&tsa, stamped_at) && chain(&tsa, trust, stamped_at).is_ok();
    if !(genuine && for_time_stamping && valid) {
        return Err(VerifyError::TimeStampInvalid);
    }
    Ok(stamped_at)
}

/// The digest of `stamped` under an imprint's hash algorithm: SHA-256, or Streebog as
/// NCA RK's TSA imprints GOST signatures.
fn imprint_digest(algorithm: &ObjectIdentifier, stamped: &[u8]) -> Option<Vec<u8>> {
    if *algorithm == ID_SHA_256 {
        return Some(Sha256::digest(stamped).to_vec());
    }
    let size = crate::gost_pkix::digest_size(algorithm)?;
    Some(crate::gost_pkix::digest(size, stamped))
}
