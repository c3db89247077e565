//! Revocation by OCSP (RFC 6960), as egov.kz checks certificates: the portal asks the CA's
//! responder about one certificate with a fresh nonce and accepts the answer only when it is
//! signed by that CA (or a responder the CA certified for OCSP signing), names that very
//! certificate, echoes the nonce and is current. The test PKI's responder is here too.
//!
//! CertIDs are matched with SHA-256 (what NCA RK's clients send) or SHA-1 (OpenSSL's default).

use crate::holder::{is_ca, same_name};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{ID_SHA_1, ID_SHA_256};
use const_oid::db::rfc6960::{ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE};
use der::asn1::{Null, OctetString};
use der::{Decode, Encode};
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::serial_number::SerialNumber;
use x509_ocsp::ext::Nonce;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    TbsRequest,
};

/// id-kp-OCSPSigning: a delegated responder's certificate must carry it.
const OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// How far a responder's clock may be ahead of ours.
const CLOCK_SKEW: i64 = 5 * 60;

/// What the responder said about the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspStatus {
    Good,
    /// Revoked at this time (Unix seconds).
    Revoked(i64),
    /// The responder does not know the certificate.
    Unknown,
}

/// Why an answer cannot be relied on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OcspError {
    #[error("the answer is not a successful OCSP response")]
    NotSuccessful,
    #[error("the answer is not an OCSP response")]
    Malformed,
    #[error("the answer is not signed by the CA or a responder it certified")]
    UntrustedSigner,
    #[error("the answer does not carry the nonce that was asked with")]
    NonceMismatch,
    #[error("the answer is out of date")]
    Stale,
    #[error("the answer is about another certificate")]
    OtherCertificate,
}

fn cert_id(
    algorithm: &ObjectIdentifier,
    issuer: &Certificate,
    serial: &SerialNumber,
) -> Option<CertId> {
    let name = issuer.tbs_certificate.subject.to_der().ok()?;
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    let (name_hash, key_hash) = match *algorithm {
        ID_SHA_256 => (
            sha2::Sha256::digest(&name).to_vec(),
            sha2::Sha256::digest(key).to_vec(),
        ),
        ID_SHA_1 => (
            sha1::Sha1::digest(&name).to_vec(),
            sha1::Sha1::digest(key).to_vec(),
        ),
        _ => return None,
    };
    Some(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: *algorithm,
            parameters: Some(Null.into()),
        },
        issuer_name_hash: OctetString::new(name_hash).ok()?,
        issuer_key_hash: OctetString::new(key_hash).ok()?,
        serial_number: serial.clone(),
    })
}

fn nonce_extension(nonce: &[u8]) -> Result<Extension, der::Error> {
    Ok(Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(Nonce::new(nonce.to_vec())?.to_der()?)?,
    })
}

/// An OCSP request (DER) for `leaf`, issued by `issuer`, carrying `nonce`.
pub fn request(
    leaf: &Certificate,
    issuer: &Certificate,
    nonce: &[u8],
) -> Result<Vec<u8>, der::Error> {
    let req_cert = cert_id(&ID_SHA_256, issuer, &leaf.tbs_certificate.serial_number)
        .ok_or_else(|| der::Error::from(der::ErrorKind::Failed))?;
    OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert,
                single_request_extensions: None,
            }],
            request_extensions: Some(vec![nonce_extension(nonce)?]),
            ..TbsRequest::default()
        },
        optional_signature: None,
    }
    .to_der()
}

/// Checks `response` (DER) about `leaf` from `issuer`'s responder against the `nonce` asked
/// with (`None`: an answer kept from the past, judged as of `now`), at `now` (Unix seconds).
pub fn check(
    response: &[u8],
    leaf: &Certificate,
    issuer: &Certificate,
    nonce: Option<&[u8]>,
    now: i64,
) -> Result<OcspStatus, OcspError> {
    let response = OcspResponse::from_der(response).map_err(|_| OcspError::Malformed)?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(OcspError::NotSuccessful);
    }
    let bytes = response.response_bytes.ok_or(OcspError::Malformed)?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(OcspError::Malformed);
    }
    let basic =
        BasicOcspResponse::from_der(bytes.response.as_bytes()).map_err(|_| OcspError::Malformed)?;
    // About this certificate at all? (Answers about other chains' certificates are skipped.)
    let serial = &leaf.tbs_certificate.serial_number;
    let single = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|r| {
            cert_id(&r.cert_id.hash_algorithm.oid, issuer, serial).as_ref() == Some(&r.cert_id)
        })
        .ok_or(OcspError::OtherCertificate)?;
    let tbs = basic
        .tbs_response_data
        .to_der()
        .map_err(|_| OcspError::Malformed)?;
    let signed_by = |spki: &spki::SubjectPublicKeyInfoOwned| {
        crate::pkix::verifies(
            spki,
            &basic.signature_algorithm.oid,
            &tbs,
            basic.signature.raw_bytes(),
        )
    };
    let by_issuer = signed_by(&issuer.tbs_certificate.subject_public_key_info);
    let by_delegate = || {
        basic.certs.iter().flatten().any(|responder| {
            same_name(
                &responder.tbs_certificate.issuer,
                &issuer.tbs_certificate.subject,
            ) && crate::pkix::signed_by(responder, issuer)
                && !is_ca(responder)
                && matches!(
                    responder.tbs_certificate.get::<ExtendedKeyUsage>(),
                    Ok(Some((_, eku))) if eku.0.contains(&OCSP_SIGNING)
                )
                && signed_by(&responder.tbs_certificate.subject_public_key_info)
        })
    };
    if !by_issuer && !by_delegate() {
        return Err(OcspError::UntrustedSigner);
    }
    if let Some(nonce) = nonce
        && basic.nonce().map(|n| n.0)
            != Some(OctetString::new(nonce).map_err(|_| OcspError::Malformed)?)
    {
        return Err(OcspError::NonceMismatch);
    }
    let unix = |t: &x509_ocsp::OcspGeneralizedTime| t.0.to_unix_duration().as_secs() as i64;
    let fresh = unix(&single.this_update) <= now + CLOCK_SKEW
        && single
            .next_update
            .as_ref()
            .is_some_and(|next| now <= unix(next));
    if !fresh {
        return Err(OcspError::Stale);
    }
    Ok(match single.cert_status {
        CertStatus::Good(_) => OcspStatus::Good,
        CertStatus::Revoked(info) => OcspStatus::Revoked(unix(&info.revocation_time)),
        CertStatus::Unknown(_) => OcspStatus::Unknown,
    })
}

/// Who signs an OCSP answer: the CA itself, or a responder it certified for OCSP signing
/// (whose certificate the answer then carries).
#[cfg(feature = "issue")]
#[derive(Clone, Copy)]
pub enum Responder<'a> {
    Issuer(&'a crate::key::PrivateKey),
    Delegate(&'a Certificate, &'a crate::key::PrivateKey),
}

/// What a responder knows of its CA's certificates: the ones revoked (serial, when), and —
/// when it keeps them — every serial the CA issued, so a serial it never issued is not
/// answered "good" (RFC 6960 §2.2).
#[cfg(feature = "issue")]
#[derive(Clone, Copy)]
pub struct Register<'a> {
    pub revoked: &'a [(SerialNumber, i64)],
    pub issued: Option<&'a [SerialNumber]>,
}

/// The test PKI's responder: answers a request about certificates of `issuer` — good, revoked
/// (as the register lists them) or unknown (not of this CA, or never issued by it) — signed
/// by `key` (the CA or its delegate), current for `lifetime` seconds, echoing the request's
/// nonce. What is not an OCSP request gets `malformedRequest`, and a request about no
/// certificate of `issuer` gets `unauthorized` (this responder has no authority to answer it),
/// as RFC 6960 §2.3 asks.
#[cfg(feature = "issue")]
pub fn respond(
    request: &[u8],
    issuer: &Certificate,
    key: Responder<'_>,
    register: Register<'_>,
    now: i64,
    lifetime: i64,
) -> Vec<u8> {
    let status_only = |status: OcspResponseStatus| {
        OcspResponse {
            response_status: status,
            response_bytes: None,
        }
        .to_der()
        .unwrap_or_default()
    };
    let Ok(request) = OcspRequest::from_der(request) else {
        return status_only(OcspResponseStatus::MalformedRequest);
    };
    let about_ours = request.tbs_request.request_list.iter().any(|r| {
        let id = &r.req_cert;
        cert_id(&id.hash_algorithm.oid, issuer, &id.serial_number).as_ref() == Some(id)
    });
    if !about_ours {
        return status_only(OcspResponseStatus::Unauthorized);
    }
    match answer(&request, issuer, key, register, now, lifetime) {
        Ok(der) => der,
        Err(_) => status_only(OcspResponseStatus::InternalError),
    }
}

/// Whether any CertID of `request` names a certificate of `issuer`.
pub fn asks_about(request: &[u8], issuer: &Certificate) -> bool {
    let Ok(request) = OcspRequest::from_der(request) else {
        return false;
    };
    request.tbs_request.request_list.iter().any(|r| {
        let id = &r.req_cert;
        cert_id(&id.hash_algorithm.oid, issuer, &id.serial_number).as_ref() == Some(id)
    })
}

#[cfg(feature = "issue")]
/// An OCSP time from Unix seconds.
fn ocsp_time(unix: i64) -> Result<x509_ocsp::OcspGeneralizedTime, String> {
    let at = der::DateTime::from_unix_duration(std::time::Duration::from_secs(
        u64::try_from(unix).map_err(|e| e.to_string())?,
    ))
    .map_err(|e| e.to_string())?;
    Ok(x509_ocsp::OcspGeneralizedTime(
        der::asn1::GeneralizedTime::from_date_time(at),
    ))
}

/// The status of one certificate asked about: unknown when it is not of this issuer (or
/// never issued, where the register is kept), revoked from its time, else good.
#[cfg(feature = "issue")]
fn single_response(
    id: &x509_ocsp::CertId,
    issuer: &Certificate,
    register: &Register<'_>,
    now: i64,
    lifetime: i64,
) -> Result<x509_ocsp::SingleResponse, String> {
    let ours = cert_id(&id.hash_algorithm.oid, issuer, &id.serial_number).as_ref() == Some(id);
    let revoked_at = register
        .revoked
        .iter()
        .find(|(s, _)| *s == id.serial_number)
        .map(|(_, at)| *at);
    let never_issued = register
        .issued
        .is_some_and(|issued| !issued.contains(&id.serial_number));
    let cert_status = match revoked_at {
        _ if !ours => CertStatus::unknown(),
        Some(at) => CertStatus::revoked(x509_ocsp::RevokedInfo {
            revocation_time: ocsp_time(at)?,
            revocation_reason: None,
        }),
        None if never_issued => CertStatus::unknown(),
        None => CertStatus::good(),
    };
    Ok(x509_ocsp::SingleResponse {
        cert_id: id.clone(),
        cert_status,
        this_update: ocsp_time(now)?,
        next_update: Some(ocsp_time(now + lifetime)?),
        single_extensions: None,
    })
}

#[cfg(feature = "issue")]
fn answer(
    request: &OcspRequest,
    issuer: &Certificate,
    responder: Responder<'_>,
    register: Register<'_>,
    now: i64,
    lifetime: i64,
) -> Result<Vec<u8>, String> {
    use x509_ocsp::{ResponderId, ResponseBytes, ResponseData};
    let responses = request
        .tbs_request
        .request_list
        .iter()
        .map(|r| single_response(&r.req_cert, issuer, &register, now, lifetime))
        .collect::<Result<Vec<_>, String>>()?;
    let nonce = request
        .tbs_request
        .request_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
        .cloned();
    let (key, name, certs) = match responder {
        Responder::Issuer(key) => (key, &issuer.tbs_certificate.subject, None),
        Responder::Delegate(cert, key) => {
            (key, &cert.tbs_certificate.subject, Some(vec![cert.clone()]))
        }
    };
    let data = ResponseData {
        version: Default::default(),
        responder_id: ResponderId::ByName(name.clone()),
        produced_at: ocsp_time(now)?,
        responses,
        response_extensions: nonce.map(|n| vec![n]),
    };
    let signature = key
        .sign(&data.to_der().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let basic = BasicOcspResponse {
        tbs_response_data: data,
        signature_algorithm: key.signature_algorithm(),
        signature: der::asn1::BitString::from_bytes(&signature).map_err(|e| e.to_string())?,
        certs,
    };
    OcspResponse {
        response_status: OcspResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: ID_PKIX_OCSP_BASIC,
            response: OctetString::new(basic.to_der().map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?,
        }),
    }
    .to_der()
    .map_err(|e| e.to_string())
}
