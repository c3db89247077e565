//! A private key of either algorithm the portal signs with — RSA (SHA-256, PKCS#1 v1.5) or
//! GOST R 34.10-2015 (Streebog) — and the one signer adapter that CMS and certificate
//! builders use for both, so signing has one code path whatever the key.

use crate::gost;
use crate::gost_pkix::{self, Profile, Size};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use sha2::{Digest, Sha256};
use signature::SignatureEncoding;
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned,
};
use zeroize::Zeroizing;

/// Which kind of key to make (the test PKI's choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// RSA-2048 with SHA-256.
    Rsa,
    /// GOST R 34.10-2015, 512-bit (TC26 set A) in the given OID profile.
    Gost512(Profile),
    /// GOST R 34.10-2015, 256-bit (CryptoPro set A), TC26 profile.
    Gost256,
}

// Few keys live at once (one per signature or CA), so RSA's larger size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum PrivateKey {
    Rsa(RsaPrivateKey),
    Gost(gost::SigningKey, Profile),
}

impl PrivateKey {
    #[cfg(feature = "issue")]
    pub fn generate(algorithm: KeyAlgorithm) -> Result<PrivateKey, String> {
        const RSA_BITS: usize = 2048;
        Ok(match algorithm {
            KeyAlgorithm::Rsa => PrivateKey::Rsa(
                RsaPrivateKey::new(&mut rand_core::OsRng, RSA_BITS).map_err(|e| e.to_string())?,
            ),
            KeyAlgorithm::Gost512(profile) => PrivateKey::Gost(
                gost::SigningKey::generate(Size::Bits512.curve()).map_err(|e| e.to_string())?,
                profile,
            ),
            KeyAlgorithm::Gost256 => PrivateKey::Gost(
                gost::SigningKey::generate(Size::Bits256.curve()).map_err(|e| e.to_string())?,
                Profile::Tc26,
            ),
        })
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            PrivateKey::Rsa(_) => KeyAlgorithm::Rsa,
            PrivateKey::Gost(key, profile) => match gost_size(key) {
                Size::Bits512 => KeyAlgorithm::Gost512(*profile),
                Size::Bits256 => KeyAlgorithm::Gost256,
            },
        }
    }

    /// Reads PKCS#8 of either algorithm; `None` for any other key.
    pub fn from_pkcs8(der: &[u8]) -> Option<PrivateKey> {
        if let Some((key, profile)) = gost_pkix::private_key(der) {
            return Some(PrivateKey::Gost(key, profile));
        }
        RsaPrivateKey::from_pkcs8_der(der).ok().map(PrivateKey::Rsa)
    }

    pub fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, String> {
        match self {
            PrivateKey::Rsa(key) => Ok(Zeroizing::new(
                key.to_pkcs8_der()
                    .map_err(|e| e.to_string())?
                    .as_bytes()
                    .to_vec(),
            )),
            PrivateKey::Gost(key, profile) => {
                gost_pkix::pkcs8(key, *profile).map_err(|e| e.to_string())
            }
        }
    }

    pub fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, der::Error> {
        match self {
            PrivateKey::Rsa(key) => {
                let der = key
                    .to_public_key()
                    .to_public_key_der()
                    .map_err(|_| der::Error::from(der::ErrorKind::Failed))?;
                der.decode_msg()
            }
            PrivateKey::Gost(key, profile) => gost_pkix::spki(&key.verifying_key(), *profile),
        }
    }

    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self {
            PrivateKey::Rsa(key) => rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone())
                .signature_algorithm_identifier()
                .expect("RSA with SHA-256 has an identifier"),
            PrivateKey::Gost(key, profile) => {
                gost_pkix::signature_algorithm(gost_size(key), *profile)
            }
        }
    }

    /// The digest a CMS SignerInfo names for this key.
    pub fn digest_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self {
            PrivateKey::Rsa(_) => AlgorithmIdentifierOwned {
                oid: const_oid::db::rfc5912::ID_SHA_256,
                parameters: None,
            },
            PrivateKey::Gost(key, profile) => gost_pkix::digest_algorithm(gost_size(key), *profile),
        }
    }

    /// The digest of `data` under `digest_algorithm` (the CMS messageDigest).
    pub fn digest(&self, data: &[u8]) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => Sha256::digest(data).to_vec(),
            PrivateKey::Gost(key, _) => gost_pkix::digest(gost_size(key), data),
        }
    }

    /// Signs `message` (the algorithm hashes it).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        match self {
            PrivateKey::Rsa(key) => {
                use signature::Signer;
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
                Ok(signer.try_sign(message)?.to_vec())
            }
            PrivateKey::Gost(key, profile) => {
                gost_pkix::sign(key, *profile, message).map_err(|_| signature::Error::new())
            }
        }
    }
}

fn gost_size(key: &gost::SigningKey) -> Size {
    if key.curve().size() == 32 {
        Size::Bits256
    } else {
        Size::Bits512
    }
}

/// `PrivateKey` as the `cms` and `x509-cert` builders want a signer.
pub struct KeySigner<'k>(pub &'k PrivateKey);

/// The public half, as the builders want it (they encode it for key identifiers).
#[derive(Clone)]
pub struct PublicKeyInfo(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for PublicKeyInfo {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::encode_msg(&self.0)?)
    }
}

/// Signature bytes in the algorithm's own layout.
pub struct SignatureBytes(Vec<u8>);

impl SignatureBitStringEncoding for SignatureBytes {
    fn to_bitstring(&self) -> der::Result<der::asn1::BitString> {
        der::asn1::BitString::from_bytes(&self.0)
    }
}

impl signature::Keypair for KeySigner<'_> {
    type VerifyingKey = PublicKeyInfo;

    fn verifying_key(&self) -> PublicKeyInfo {
        PublicKeyInfo(
            self.0
                .public_key_info()
                .expect("a key this crate holds encodes"),
        )
    }
}

impl DynSignatureAlgorithmIdentifier for KeySigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(self.0.signature_algorithm())
    }
}

impl signature::Signer<SignatureBytes> for KeySigner<'_> {
    fn try_sign(&self, message: &[u8]) -> Result<SignatureBytes, signature::Error> {
        self.0.sign(message).map(SignatureBytes)
    }
}
