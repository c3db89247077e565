//! RSA PKCS#1 v1.5 with SHA-256: the one algorithm the test PKI and NCA RK's RSA keys use.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{RSA_ENCRYPTION, SHA_256_WITH_RSA_ENCRYPTION};
use der::Encode;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use sha2::Sha256;
use signature::Verifier;
use spki::SubjectPublicKeyInfoOwned;

/// Whether `algorithm` is one we verify. OpenSSL writes `rsaEncryption` in a SignerInfo
/// (the digest is named separately), certificates say `sha256WithRSAEncryption`.
pub fn supported(algorithm: &ObjectIdentifier) -> bool {
    *algorithm == SHA_256_WITH_RSA_ENCRYPTION || *algorithm == RSA_ENCRYPTION
}

/// Verifies `signature` over `message` with the key in `spki`.
pub fn verify(spki: &SubjectPublicKeyInfoOwned, message: &[u8], signature: &[u8]) -> bool {
    let Ok(spki_der) = spki.to_der() else {
        return false;
    };
    let Ok(key) = RsaPublicKey::from_public_key_der(&spki_der) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(signature) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key)
        .verify(message, &signature)
        .is_ok()
}

/// Whether `spki` holds an RSA key.
pub fn is_rsa(spki: &SubjectPublicKeyInfoOwned) -> bool {
    spki.algorithm.oid == RSA_ENCRYPTION
}
