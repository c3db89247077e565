//! Electronic digital signatures (ЭЦҚ) as the regulations require them: an applicant signs
//! the outgoing document with their key, the portal checks the certificate's chain, validity
//! period, revocation, key usage and that the IIN/BIN in it is the applicant's.
//!
//! Formats are the standard ones so that other tools agree: keys come as PKCS#12 files,
//! signatures are detached CMS SignedData (RFC 5652) over SHA-256 with RSA, certificates
//! carry the holder's IIN in the subject `serialNumber` as `IIN…` and a company's BIN in `OU`
//! as `BIN…`, the way Kazakhstan's national CA (NCA RK) issues them.
//!
//! The crate has no clock and no I/O: callers pass the time, bytes and trusted certificates.
//! It builds for wasm32 (the browser signs, and checks officers' signatures) and natively
//! (the server verifies). Issuing certificates (`issue`, a feature) is for the test PKI only.

pub mod cades;
pub mod gost;
pub mod gost_pkix;
mod holder;
pub mod key;
mod keystore;
pub mod ocsp;
pub mod pkix;
pub mod remembered;
mod rsa_pkcs1;
mod sign;
#[cfg(feature = "issue")]
pub mod tsp;
mod verify;

#[cfg(feature = "issue")]
pub mod issue;

pub use holder::{
    CLIENT_AUTH, EMAIL_PROTECTION, Holder, LEGAL_ENTITY, Purpose, SignerRole, check_usage,
};
pub use keystore::{OpenError, SigningKey, open_pkcs12};
pub use pkix::{OcspEvidence, TrustStore, VerifyError};
pub use sign::{SignError, sign_detached};
pub use verify::{
    Expected, Revocation, Verified, signer_and_issuer, verify_detached, verify_stamped,
};

pub use x509_cert::Certificate;
pub use x509_cert::crl::CertificateList;

/// Parses a certificate from DER or PEM.
pub fn parse_certificate(bytes: &[u8]) -> Option<Certificate> {
    use der::{Decode, DecodePem};
    if bytes.starts_with(b"-----BEGIN") {
        Certificate::from_pem(bytes).ok()
    } else {
        Certificate::from_der(bytes).ok()
    }
}

/// Parses a CRL from DER or PEM (CAs publish both).
pub fn parse_crl(bytes: &[u8]) -> Option<CertificateList> {
    use der::Decode;
    if bytes.starts_with(b"-----BEGIN") {
        // x509-cert 0.2 gives CertificateList no PEM label: read the block with der's.
        let (label, der) = der::pem::decode_vec(bytes).ok()?;
        (label == "X509 CRL")
            .then(|| CertificateList::from_der(&der).ok())
            .flatten()
    } else {
        CertificateList::from_der(bytes).ok()
    }
}
