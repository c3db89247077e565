//! Opening a PKCS#12 key file (`.p12`) with its password.
//!
//! The private key lives only in `SigningKey`, whose key is zeroized when dropped; the
//! caller owns (and zeroizes) the file bytes and the password.

use crate::holder::{Holder, Purpose, check_usage};
use crate::key::PrivateKey;
use der::Decode;
use x509_cert::Certificate;
use zeroize::Zeroizing;

/// Why a key file could not be opened; each has its own message in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the file is not a PKCS#12 key file")]
    NotPkcs12,
    #[error("the password does not open the key file")]
    WrongPassword,
    #[error("the key file holds no private key with its certificate")]
    NoKey,
    #[error("the key is neither RSA nor GOST R 34.10-2015")]
    UnsupportedKey,
}

impl OpenError {
    /// The stable code the app maps to a localized message.
    pub fn code(self) -> &'static str {
        match self {
            OpenError::NotPkcs12 => "eds.not_pkcs12",
            OpenError::WrongPassword => "eds.wrong_password",
            OpenError::NoKey => "eds.no_key",
            OpenError::UnsupportedKey => "eds.unsupported_algorithm",
        }
    }
}

/// A private key and its certificate, ready to sign.
pub struct SigningKey {
    pub(crate) key: PrivateKey,
    pub certificate: Certificate,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("holder", &self.holder())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn holder(&self) -> Holder {
        Holder::of(&self.certificate)
    }

    pub fn allows(&self, purpose: Purpose) -> bool {
        check_usage(&self.certificate, purpose)
    }

    /// Builds one from a PKCS#8 key and its certificate (the test PKI's holders).
    pub fn from_parts(pkcs8_der: &[u8], certificate: Certificate) -> Result<SigningKey, OpenError> {
        let key = PrivateKey::from_pkcs8(pkcs8_der).ok_or(OpenError::UnsupportedKey)?;
        Ok(SigningKey { key, certificate })
    }
}

/// Opens `file` with `password`. A PKCS#12 file's MAC is keyed by the password, so a wrong
/// password is told apart from a damaged or foreign file.
pub fn open_pkcs12(file: &[u8], password: &str) -> Result<SigningKey, OpenError> {
    use p12_keystore::error::Error as P12;
    let store = p12_keystore::KeyStore::from_pkcs12(file, password).map_err(|e| match e {
        P12::MacError(_) => OpenError::WrongPassword,
        // Decryption with a wrong password fails in the padding when a file has no MAC.
        P12::UnpadError | P12::Pkcs5Error(_) => OpenError::WrongPassword,
        _ => OpenError::NotPkcs12,
    })?;
    let (_, chain) = store.private_key_chain().ok_or(OpenError::NoKey)?;
    let leaf = chain.chain().first().ok_or(OpenError::NoKey)?;
    let certificate = Certificate::from_der(leaf.as_der()).map_err(|_| OpenError::NoKey)?;
    let key_der = Zeroizing::new(chain.key().to_vec());
    SigningKey::from_parts(&key_der, certificate)
}
