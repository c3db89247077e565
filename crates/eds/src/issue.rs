//! Issuing certificates, CRLs and PKCS#12 files for the portal's test PKI (feature `issue`).
//!
//! Shaped like NCA RK's: a root CA, an issuing CA under it, holders with a signing key
//! (digitalSignature + nonRepudiation, e-mail protection EKU) and a separate authentication
//! key (digitalSignature + keyEncipherment, client-auth EKU), the IIN in `serialNumber` and a
//! company's BIN in `OU`. Never part of the browser build.

use crate::holder::{CLIENT_AUTH, EMAIL_PROTECTION, Purpose, SignerRole};
use crate::key::{KeyAlgorithm, KeySigner, PrivateKey, SignatureBytes};
use crate::keystore::SigningKey;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc4519;
use der::asn1::{SetOfVec, UtcTime};
use der::referenced::OwnedToRef;
use der::{Any, Encode, Tag};
use rand_core::{OsRng, RngCore};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use zeroize::Zeroizing;

/// Anything that can go wrong issuing: all are programming or environment errors, never
/// user input, so one opaque type suffices.
#[derive(Debug, thiserror::Error)]
#[error("issuing failed: {0}")]
pub struct IssueError(String);

fn fail(e: impl std::fmt::Display) -> IssueError {
    IssueError(e.to_string())
}

/// A certification authority: its certificate and key. Its holders get keys of its own
/// algorithm (NCA RK keeps its RSA and GOST chains apart).
pub struct Authority {
    pub certificate: Certificate,
    key: PrivateKey,
    /// Its OCSP responder, named in the Authority Information Access of the holder
    /// certificates it issues (NCA RK's say `http://ocsp.pki.gov.kz/`).
    pub ocsp_url: Option<String>,
}

/// A holder's certificate and key.
pub struct Issued {
    pub certificate: Certificate,
    pub key_pkcs8: Zeroizing<Vec<u8>>,
}

/// Who a holder certificate names.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// "SURNAME GIVEN-NAME", as NCA RK writes CN.
    pub common_name: String,
    pub surname: String,
    pub given_name: String,
    pub iin: String,
    /// For a company's employee: the company's BIN and name.
    pub bin: Option<String>,
    pub organization: Option<String>,
    /// Whose key it is (a person, or a company employee's standing): its role EKUs.
    pub role: SignerRole,
}

/// A validity period in Unix seconds.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub not_before: i64,
    pub not_after: i64,
}

fn new_key(algorithm: KeyAlgorithm) -> Result<PrivateKey, IssueError> {
    PrivateKey::generate(algorithm).map_err(fail)
}

fn random_serial() -> Result<SerialNumber, IssueError> {
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    // Positive and without a leading zero octet: a canonical DER INTEGER.
    bytes[0] = (bytes[0] & 0x7f) | 0x10;
    SerialNumber::new(&bytes).map_err(fail)
}

fn time(unix: i64) -> Result<Time, IssueError> {
    let d = std::time::Duration::from_secs(u64::try_from(unix).map_err(fail)?);
    Ok(Time::UtcTime(UtcTime::from_unix_duration(d).map_err(fail)?))
}

fn validity(p: Period) -> Result<Validity, IssueError> {
    Ok(Validity {
        not_before: time(p.not_before)?,
        not_after: time(p.not_after)?,
    })
}

fn attribute(
    oid: ObjectIdentifier,
    text: &str,
    printable: bool,
) -> Result<RelativeDistinguishedName, IssueError> {
    let tag = if printable {
        Tag::PrintableString
    } else {
        Tag::Utf8String
    };
    let value = Any::new(tag, text.as_bytes()).map_err(fail)?;
    let mut set = SetOfVec::new();
    set.insert(AttributeTypeAndValue { oid, value })
        .map_err(fail)?;
    Ok(RelativeDistinguishedName(set))
}

/// A CA's name: `CN`, `C=KZ`.
pub fn ca_name(common_name: &str) -> Result<Name, IssueError> {
    Ok(RdnSequence(vec![
        attribute(rfc4519::CN, common_name, false)?,
        attribute(rfc4519::C, "KZ", true)?,
    ]))
}

fn holder_name(s: &Subject) -> Result<Name, IssueError> {
    let mut rdns = vec![
        attribute(rfc4519::CN, &s.common_name, false)?,
        attribute(rfc4519::SN, &s.surname, false)?,
        attribute(rfc4519::SERIAL_NUMBER, &format!("IIN{}", s.iin), true)?,
        attribute(rfc4519::C, "KZ", true)?,
        attribute(rfc4519::GIVEN_NAME, &s.given_name, false)?,
    ];
    if let Some(org) = &s.organization {
        rdns.push(attribute(rfc4519::O, org, false)?);
    }
    if let Some(bin) = &s.bin {
        rdns.push(attribute(rfc4519::OU, &format!("BIN{bin}"), true)?);
    }
    Ok(RdnSequence(rdns))
}

/// The Authority Information Access naming an OCSP responder.
fn ocsp_access(url: &str) -> Result<x509_cert::ext::pkix::AuthorityInfoAccessSyntax, IssueError> {
    use x509_cert::ext::pkix::AccessDescription;
    use x509_cert::ext::pkix::name::GeneralName;
    Ok(x509_cert::ext::pkix::AuthorityInfoAccessSyntax(vec![
        AccessDescription {
            access_method: const_oid::db::rfc5912::ID_AD_OCSP,
            access_location: GeneralName::UniformResourceIdentifier(
                der::asn1::Ia5String::new(url).map_err(fail)?,
            ),
        },
    ]))
}

fn spki_of(key: &PrivateKey) -> Result<SubjectPublicKeyInfoOwned, IssueError> {
    key.public_key_info().map_err(fail)
}

impl Authority {
    /// A self-signed root CA with an RSA key.
    pub fn root(common_name: &str, period: Period) -> Result<Authority, IssueError> {
        Authority::root_with(common_name, period, KeyAlgorithm::Rsa)
    }

    /// A self-signed root CA with a key of `algorithm`.
    pub fn root_with(
        common_name: &str,
        period: Period,
        algorithm: KeyAlgorithm,
    ) -> Result<Authority, IssueError> {
        let key = new_key(algorithm)?;
        let signer = KeySigner(&key);
        let builder = CertificateBuilder::new(
            Profile::Root,
            random_serial()?,
            validity(period)?,
            ca_name(common_name)?,
            spki_of(&key)?,
            &signer,
        )
        .map_err(fail)?;
        let certificate = builder.build::<SignatureBytes>().map_err(fail)?;
        Ok(Authority {
            certificate,
            key,
            ocsp_url: None,
        })
    }

    /// The algorithm of this authority's key (and of the keys it issues).
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.key.algorithm()
    }

    /// An issuing CA under this one.
    pub fn subordinate(&self, common_name: &str, period: Period) -> Result<Authority, IssueError> {
        let key = new_key(self.algorithm())?;
        let certificate = self.sign_certificate(
            Profile::SubCA {
                issuer: self.certificate.tbs_certificate.subject.clone(),
                path_len_constraint: Some(0),
            },
            ca_name(common_name)?,
            &key,
            period,
            |_| Ok(()),
        )?;
        Ok(Authority {
            certificate,
            key,
            ocsp_url: None,
        })
    }

    /// Restores an authority saved with `key_pkcs8`.
    pub fn from_parts(certificate: Certificate, key_pkcs8: &[u8]) -> Result<Authority, IssueError> {
        let key = PrivateKey::from_pkcs8(key_pkcs8).ok_or_else(|| fail("not a key"))?;
        Ok(Authority {
            certificate,
            key,
            ocsp_url: None,
        })
    }

    pub fn key_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, IssueError> {
        self.key.to_pkcs8().map_err(fail)
    }

    /// A holder certificate for `purpose`: signing and authentication keys are separate, as
    /// NCA RK issues them.
    pub fn issue(
        &self,
        subject: &Subject,
        purpose: Purpose,
        period: Period,
    ) -> Result<Issued, IssueError> {
        self.issue_as(subject, purpose, period, self.algorithm())
    }

    /// The same with a holder key of another algorithm or OID profile than the CA's own
    /// (a TC26-profile GOST key under NCA RK's chain: the one OpenSSL's engine can read).
    pub fn issue_as(
        &self,
        subject: &Subject,
        purpose: Purpose,
        period: Period,
        algorithm: KeyAlgorithm,
    ) -> Result<Issued, IssueError> {
        let (usage, extended) = match purpose {
            Purpose::Signing => (
                KeyUsages::DigitalSignature | KeyUsages::NonRepudiation,
                EMAIL_PROTECTION,
            ),
            Purpose::Authentication => (
                KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment,
                CLIENT_AUTH,
            ),
        };
        let mut usages = vec![extended];
        if subject.role != SignerRole::Person {
            usages.push(crate::holder::LEGAL_ENTITY);
        }
        usages.push(subject.role.oid());
        let ocsp = self.ocsp_url.as_deref().map(ocsp_access).transpose()?;
        self.issue_end_entity(
            holder_name(subject)?,
            algorithm,
            period,
            KeyUsage(usage),
            |b| {
                b.add_extension(&ExtendedKeyUsage(usages))?;
                if let Some(access) = ocsp {
                    b.add_extension(&access)?;
                }
                Ok(())
            },
        )
    }

    /// A certificate that is not a CA's, with a fresh key of this CA's algorithm: its name,
    /// key usage and extended key usage (`add_eku`), and the key identifiers.
    fn issue_end_entity(
        &self,
        name: Name,
        algorithm: KeyAlgorithm,
        period: Period,
        usage: KeyUsage,
        add_eku: impl FnOnce(
            &mut CertificateBuilder<'_, KeySigner<'_>>,
        ) -> Result<(), x509_cert::builder::Error>,
    ) -> Result<Issued, IssueError> {
        let key = new_key(algorithm)?;
        let issuer_spki = self
            .certificate
            .tbs_certificate
            .subject_public_key_info
            .clone();
        let holder_spki = spki_of(&key)?;
        let certificate = self.sign_certificate(
            Profile::Manual {
                issuer: Some(self.certificate.tbs_certificate.subject.clone()),
            },
            name,
            &key,
            period,
            |b| {
                b.add_extension(&BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                })?;
                b.add_extension(&usage)?;
                add_eku(b)?;
                b.add_extension(&SubjectKeyIdentifier::try_from(holder_spki.owned_to_ref())?)?;
                b.add_extension(&AuthorityKeyIdentifier::try_from(
                    issuer_spki.owned_to_ref(),
                )?)?;
                Ok(())
            },
        )?;
        let key_pkcs8 = key.to_pkcs8().map_err(fail)?;
        Ok(Issued {
            certificate,
            key_pkcs8,
        })
    }

    fn sign_certificate(
        &self,
        profile: Profile,
        subject: Name,
        key: &PrivateKey,
        period: Period,
        extend: impl FnOnce(
            &mut CertificateBuilder<'_, KeySigner<'_>>,
        ) -> Result<(), x509_cert::builder::Error>,
    ) -> Result<Certificate, IssueError> {
        let signer = KeySigner(&self.key);
        let mut builder = CertificateBuilder::new(
            profile,
            random_serial()?,
            validity(period)?,
            subject,
            spki_of(key)?,
            &signer,
        )
        .map_err(fail)?;
        extend(&mut builder).map_err(fail)?;
        builder.build::<SignatureBytes>().map_err(fail)
    }

    /// A time-stamp authority's certificate under this CA: its own key, and the timeStamping
    /// extended key usage marked critical, as RFC 3161 §2.3 requires.
    pub fn issue_tsa(&self, common_name: &str, period: Period) -> Result<Issued, IssueError> {
        self.issue_end_entity(
            ca_name(common_name)?,
            self.algorithm(),
            period,
            KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
            |b| b.add_extension(&TimeStampingOnly),
        )
    }

    /// This CA's OCSP answer to `request` (DER), from what `register` knows, current for
    /// `lifetime` seconds from `now`, signed with the CA's own key.
    pub fn ocsp_response(
        &self,
        request: &[u8],
        register: crate::ocsp::Register<'_>,
        now: i64,
        lifetime: i64,
    ) -> Vec<u8> {
        crate::ocsp::respond(
            request,
            &self.certificate,
            crate::ocsp::Responder::Issuer(&self.key),
            register,
            now,
            lifetime,
        )
    }

    /// A delegated OCSP responder's certificate under this CA (RFC 6960 §4.2.2.2): its own
    /// key, the OCSPSigning extended key usage, and id-pkix-ocsp-nocheck (its own status is
    /// not asked), as NCA RK's responder certificates are made.
    pub fn issue_ocsp_responder(
        &self,
        common_name: &str,
        period: Period,
    ) -> Result<Issued, IssueError> {
        self.issue_end_entity(
            ca_name(common_name)?,
            self.algorithm(),
            period,
            KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
            |b| {
                b.add_extension(&ExtendedKeyUsage(vec![
                    const_oid::db::rfc5280::ID_KP_OCSP_SIGNING,
                ]))?;
                b.add_extension(&OcspNoCheck)
            },
        )
    }

    /// A CRL listing `revoked` (serial, revocation time), current from `this_update` to
    /// `next_update`.
    pub fn crl(
        &self,
        revoked: &[(SerialNumber, i64)],
        this_update: i64,
        next_update: i64,
    ) -> Result<CertificateList, IssueError> {
        let algorithm = self.key.signature_algorithm();
        let entries = revoked
            .iter()
            .map(|(serial, at)| {
                Ok(RevokedCert {
                    serial_number: serial.clone(),
                    revocation_date: time(*at)?,
                    crl_entry_extensions: None,
                })
            })
            .collect::<Result<Vec<_>, IssueError>>()?;
        let tbs = TbsCertList {
            version: x509_cert::Version::V2,
            signature: algorithm.clone(),
            issuer: self.certificate.tbs_certificate.subject.clone(),
            this_update: time(this_update)?,
            next_update: Some(time(next_update)?),
            revoked_certificates: (!entries.is_empty()).then_some(entries),
            crl_extensions: None,
        };
        let signed = self.key.sign(&tbs.to_der().map_err(fail)?).map_err(fail)?;
        Ok(CertificateList {
            tbs_cert_list: tbs,
            signature_algorithm: algorithm,
            signature: der::asn1::BitString::from_bytes(&signed).map_err(fail)?,
        })
    }
}

/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a NULL, not critical.
struct OcspNoCheck;

impl const_oid::AssociatedOid for OcspNoCheck {
    const OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
}

impl der::Encode for OcspNoCheck {
    fn encoded_len(&self) -> der::Result<der::Length> {
        der::asn1::Null.encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        der::asn1::Null.encode(writer)
    }
}

impl x509_cert::ext::AsExtension for OcspNoCheck {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

/// The extended key usage `timeStamping` alone, critical (RFC 3161 §2.3).
struct TimeStampingOnly;

impl const_oid::AssociatedOid for TimeStampingOnly {
    const OID: ObjectIdentifier = const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE;
}

impl der::Encode for TimeStampingOnly {
    fn encoded_len(&self) -> der::Result<der::Length> {
        ExtendedKeyUsage(vec![const_oid::db::rfc5280::ID_KP_TIME_STAMPING]).encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        ExtendedKeyUsage(vec![const_oid::db::rfc5280::ID_KP_TIME_STAMPING]).encode(writer)
    }
}

impl x509_cert::ext::AsExtension for TimeStampingOnly {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        true
    }
}

impl Issued {
    /// Restores a holder saved as its certificate and PKCS#8 key.
    pub fn from_parts(certificate: Certificate, key_pkcs8: &[u8]) -> Issued {
        Issued {
            certificate,
            key_pkcs8: Zeroizing::new(key_pkcs8.to_vec()),
        }
    }

    /// The time-stamp token answer (DER `TimeStampResp`) of this TSA to `query` at `now`.
    pub fn time_stamp(&self, query: &[u8], serial: u64, now: i64) -> Vec<u8> {
        match crate::key::PrivateKey::from_pkcs8(&self.key_pkcs8) {
            Some(key) => crate::tsp::respond(query, &self.certificate, &key, serial, now),
            None => Vec::new(),
        }
    }

    /// As a delegated OCSP responder (`Authority::issue_ocsp_responder`) of `issuer`: its
    /// answer to `request`, signed with its own key and carrying its certificate.
    pub fn ocsp_response(
        &self,
        request: &[u8],
        issuer: &Certificate,
        register: crate::ocsp::Register<'_>,
        now: i64,
        lifetime: i64,
    ) -> Vec<u8> {
        match crate::key::PrivateKey::from_pkcs8(&self.key_pkcs8) {
            Some(key) => crate::ocsp::respond(
                request,
                issuer,
                crate::ocsp::Responder::Delegate(&self.certificate, &key),
                register,
                now,
                lifetime,
            ),
            None => Vec::new(),
        }
    }

    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from_parts(&self.key_pkcs8, self.certificate.clone())
            .expect("the key was made by this module")
    }

    /// A password-protected PKCS#12 file with the key and the chain up to the root (PBES2,
    /// AES-256, HMAC-SHA-256: what OpenSSL 3 writes by default).
    pub fn to_pkcs12(&self, chain: &[&Certificate], password: &str) -> Result<Vec<u8>, IssueError> {
        use p12_keystore::{KeyStore, KeyStoreEntry, PrivateKeyChain};
        let mut certificates = vec![
            p12_keystore::Certificate::from_der(&self.certificate.to_der().map_err(fail)?)
                .map_err(fail)?,
        ];
        for c in chain {
            certificates.push(
                p12_keystore::Certificate::from_der(&c.to_der().map_err(fail)?).map_err(fail)?,
            );
        }
        let local_key_id = self
            .certificate
            .tbs_certificate
            .serial_number
            .as_bytes()
            .to_vec();
        let mut store = KeyStore::new();
        store.add_entry(
            "qyzmet",
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(
                self.key_pkcs8.as_slice(),
                local_key_id,
                certificates,
            )),
        );
        store.writer(password).write().map_err(fail)
    }
}

impl Authority {
    pub fn certificate_der(&self) -> Vec<u8> {
        self.certificate
            .to_der()
            .expect("a built certificate encodes")
    }
}
