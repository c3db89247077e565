//! Time-stamps (RFC 3161): the test PKI's time-stamp authority, as NCA RK's
//! `tsp.pki.gov.kz` answers. A query carries a message imprint (a hash and the hashed
//! message) and, usually, a nonce; the answer's token is a CMS SignedData whose content is a
//! `TSTInfo` (policy, imprint, serial, time, nonce), signed by the TSA's own key — its
//! certificate has the critical timeStamping EKU — with the ESS signing-certificate-v2
//! attribute that names that certificate (RFC 5816), so `openssl ts -verify` accepts it.

use crate::cades::{ID_CT_TST_INFO, NCA_GOST_2015_TSA_POLICY};
use crate::key::{KeySigner, PrivateKey, SignatureBytes};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::ObjectIdentifier;
use der::asn1::{BitString, GeneralizedTime, Int, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_tsp::{TimeStampReq, TspVersion, TstInfo};

/// id-aa-signingCertificateV2 (RFC 5035).
const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// The policy the test TSA stamps under. NCA RK's GOST-2015 TSA names 1.2.398.3.3.2.6.4
/// (see `../shared/research/kz-eds.md`); the test TSA keeps that arc's last number for its
/// own, RSA, policy so the two are never confused.
pub const TEST_TSA_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.398.3.3.2.6.99");

/// The policy a time-stamp query asks (`reqPolicy`), when it is a query and names one.
pub fn asked_policy(query: &[u8]) -> Option<ObjectIdentifier> {
    TimeStampReq::from_der(query).ok()?.req_policy
}

/// `ESSCertIDv2` with the default hash (SHA-256) left out, as DER wants.
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: ObjectIdentifier, value: &impl Encode) -> Result<Attribute, der::Error> {
    let mut values = SetOfVec::new();
    values.insert(Any::from_der(&value.to_der()?)?)?;
    Ok(Attribute { oid, values })
}

/// `PKIStatusInfo` (RFC 4210 §5.2.3): granted (0) or rejection (2) with a failure bit.
#[derive(Sequence)]
struct StatusInfo {
    status: u8,
    #[asn1(optional = "true")]
    fail_info: Option<BitString>,
}

/// `TimeStampResp` (RFC 3161 §2.4.2).
#[derive(Sequence)]
struct Response {
    status: StatusInfo,
    #[asn1(optional = "true")]
    time_stamp_token: Option<Any>,
}

const GRANTED: u8 = 0;
const REJECTION: u8 = 2;

/// `PKIFailureInfo` with one bit set (`badDataFormat` is 5, `systemFailure` 25), as a
/// DER named-bit string (trailing zero bits left out).
fn failure(bit: usize) -> BitString {
    let mut bytes = vec![0u8; bit / 8 + 1];
    bytes[bit / 8] = 0x80 >> (bit % 8);
    let unused = (7 - bit % 8) as u8;
    BitString::new(unused, bytes).expect("fewer than 8 unused bits")
}

/// The TSA's answer (a DER `TimeStampResp`) to `query` at `now`, stamped with `serial`. A
/// query that is not one is rejected with `badDataFormat`, a failure to sign with
/// `systemFailure` — in the protocol's own answer, as clients expect.
pub fn respond(
    query: &[u8],
    tsa: &Certificate,
    key: &PrivateKey,
    serial: u64,
    now: i64,
) -> Vec<u8> {
    let rejected = |bit| Response {
        status: StatusInfo {
            status: REJECTION,
            fail_info: Some(failure(bit)),
        },
        time_stamp_token: None,
    };
    let response = match TimeStampReq::from_der(query) {
        Err(_) => rejected(5),
        Ok(query) => match token(&query, tsa, key, serial, now)
            .and_then(|t| Any::from_der(&t).map_err(|e| e.to_string()))
        {
            Ok(token) => Response {
                status: StatusInfo {
                    status: GRANTED,
                    fail_info: None,
                },
                time_stamp_token: Some(token),
            },
            Err(_) => rejected(25),
        },
    };
    response.to_der().unwrap_or_default()
}

fn fail(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The time-stamp token (a DER ContentInfo) for `query`.
fn token(
    query: &TimeStampReq,
    tsa: &Certificate,
    key: &PrivateKey,
    serial: u64,
    now: i64,
) -> Result<Vec<u8>, String> {
    let gen_time = GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(
        u64::try_from(now).map_err(fail)?,
    ))
    .map_err(fail)?;
    // A GOST TSA asked NCA RK's GOST-2015 policy stamps under it, as NCA RK's does; anything
    // else under the test TSA's own.
    let policy = match (query.req_policy, key) {
        (Some(asked), PrivateKey::Gost(..)) if asked == NCA_GOST_2015_TSA_POLICY => asked,
        _ => TEST_TSA_POLICY,
    };
    let info = TstInfo {
        version: TspVersion::V1,
        policy,
        message_imprint: query.message_imprint.clone(),
        serial_number: Int::new(&crate::cades::positive(&serial.to_be_bytes())).map_err(fail)?,
        gen_time,
        accuracy: None,
        ordering: false,
        nonce: query.nonce.clone(),
        tsa: None,
        extensions: None,
    };
    let info = info.to_der().map_err(fail)?;
    let content = EncapsulatedContentInfo {
        econtent_type: ID_CT_TST_INFO,
        econtent: Some(
            Any::encode_from(&OctetString::new(info.clone()).map_err(fail)?).map_err(fail)?,
        ),
    };
    // The builder hashes encapsulated content with SHA-2 only: the signer info is built over
    // the same content type with the digest given (Streebog for a GOST TSA).
    let digested = EncapsulatedContentInfo {
        econtent_type: ID_CT_TST_INFO,
        econtent: None,
    };
    let digest = key.digest(&info);
    let signer = KeySigner(key);
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: tsa.tbs_certificate.issuer.clone(),
        serial_number: tsa.tbs_certificate.serial_number.clone(),
    });
    let digest_algorithm = key.digest_algorithm();
    let mut signer_info = SignerInfoBuilder::new(
        &signer,
        sid,
        digest_algorithm.clone(),
        &digested,
        Some(&digest),
    )
    .map_err(fail)?;
    let cert_hash = sha2::Sha256::digest(tsa.to_der().map_err(fail)?);
    signer_info
        .add_signed_attribute(
            attribute(
                ID_AA_SIGNING_CERTIFICATE_V2,
                &SigningCertificateV2 {
                    certs: vec![EssCertIdV2 {
                        cert_hash: OctetString::new(cert_hash.to_vec()).map_err(fail)?,
                    }],
                },
            )
            .map_err(fail)?,
        )
        .map_err(fail)?;
    let mut signed_data = SignedDataBuilder::new(&content);
    signed_data
        .add_digest_algorithm(digest_algorithm)
        .map_err(fail)?;
    if query.cert_req {
        signed_data
            .add_certificate(CertificateChoices::Certificate(tsa.clone()))
            .map_err(fail)?;
    }
    signed_data
        .add_signer_info::<_, SignatureBytes>(signer_info)
        .map_err(fail)?;
    signed_data.build().map_err(fail)?.to_der().map_err(fail)
}
