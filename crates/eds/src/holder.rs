//! Who a certificate names, and what its key may be used for.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc4519;
use der::{Encode, Tag, Tagged};
use serde::{Deserialize, Serialize};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::name::Name;

/// The TLS client authentication purpose: NCA RK's authentication keys carry it.
pub const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
/// Secure e-mail: NCA RK's signing keys carry it, and NCALayer selects keys by it.
pub const EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");

/// NCA RK's signer roles, as extended key usages in its holder certificates: a person, or
/// for a company's key the employee's standing (see `../shared/research/kz-eds.md` § D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// An individual (1.2.398.3.3.4.1.1).
    #[default]
    Person,
    /// A company's first head (1.2.398.3.3.4.1.2.1).
    Head,
    /// An employee with the right of signature (1.2.398.3.3.4.1.2.2).
    RightOfSignature,
    /// Any other employee (1.2.398.3.3.4.1.2.5).
    Employee,
}

/// Any key of a company's employee (the arc the specific roles sit under).
pub const LEGAL_ENTITY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.398.3.3.4.1.2");

impl SignerRole {
    pub const ALL: [SignerRole; 4] = [
        SignerRole::Person,
        SignerRole::Head,
        SignerRole::RightOfSignature,
        SignerRole::Employee,
    ];

    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            SignerRole::Person => ObjectIdentifier::new_unwrap("1.2.398.3.3.4.1.1"),
            SignerRole::Head => ObjectIdentifier::new_unwrap("1.2.398.3.3.4.1.2.1"),
            SignerRole::RightOfSignature => ObjectIdentifier::new_unwrap("1.2.398.3.3.4.1.2.2"),
            SignerRole::Employee => ObjectIdentifier::new_unwrap("1.2.398.3.3.4.1.2.5"),
        }
    }

    /// Whether the role may sign for its company (an application, a contract).
    pub fn signs_for_company(self) -> bool {
        matches!(self, SignerRole::Head | SignerRole::RightOfSignature)
    }
}

/// The holder of a certificate as the portal shows and matches them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// `CN`: for a person "SURNAME GIVEN-NAME" as NCA RK writes it.
    pub common_name: String,
    /// From `serialNumber` = `IIN` + 12 digits.
    pub iin: Option<String>,
    /// From `OU` = `BIN` + 12 digits: the company whose employee holds the key.
    pub bin: Option<String>,
    /// `O`: the company's name, for a company employee.
    pub organization: Option<String>,
    /// The issuing CA's common name.
    pub issuer: String,
    /// The certificate's serial number in hex.
    pub serial: String,
    /// Validity, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// The signer role its extended key usages name, when they name one.
    #[serde(default)]
    pub role: Option<SignerRole>,
}

impl Holder {
    pub fn of(cert: &Certificate) -> Holder {
        let tbs = &cert.tbs_certificate;
        let subject = &tbs.subject;
        let prefixed = |oid, prefix: &str| {
            name_attribute(subject, oid).and_then(|v| {
                v.strip_prefix(prefix)
                    .filter(|rest| rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned)
            })
        };
        Holder {
            common_name: name_attribute(subject, rfc4519::CN).unwrap_or_default(),
            iin: prefixed(rfc4519::SERIAL_NUMBER, "IIN"),
            bin: prefixed(rfc4519::OU, "BIN"),
            organization: name_attribute(subject, rfc4519::O),
            issuer: name_attribute(&tbs.issuer, rfc4519::CN).unwrap_or_default(),
            serial: tbs
                .serial_number
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect(),
            not_before: unix(&tbs.validity.not_before),
            not_after: unix(&tbs.validity.not_after),
            role: role_of(cert),
        }
    }
}

/// The most specific signer role among the certificate's extended key usages.
fn role_of(cert: &Certificate) -> Option<SignerRole> {
    let Ok(Some((_, usages))) = cert.tbs_certificate.get::<ExtendedKeyUsage>() else {
        return None;
    };
    [
        SignerRole::Head,
        SignerRole::RightOfSignature,
        SignerRole::Employee,
        SignerRole::Person,
    ]
    .into_iter()
    .find(|r| usages.0.contains(&r.oid()))
}

pub(crate) fn unix(t: &x509_cert::time::Time) -> i64 {
    t.to_unix_duration().as_secs() as i64
}

/// The first value of an attribute in a distinguished name, as text.
pub(crate) fn name_attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == oid)
        .and_then(|atv| match atv.value.tag() {
            Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                std::str::from_utf8(atv.value.value())
                    .ok()
                    .map(str::to_owned)
            }
            _ => None,
        })
}

/// What a key is being used for: the regulations separate signing from authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Signing an application or a decision: key usage `nonRepudiation` and
    /// `digitalSignature`.
    Signing,
    /// Logging in: `digitalSignature` and the client-authentication extended key usage.
    Authentication,
}

/// Whether the certificate's key may be used for `purpose`.
pub fn check_usage(cert: &Certificate, purpose: Purpose) -> bool {
    let tbs = &cert.tbs_certificate;
    let usage = match tbs.get::<KeyUsage>() {
        Ok(Some((_, usage))) => usage,
        _ => return false,
    };
    if !usage.digital_signature() {
        return false;
    }
    let extended = match tbs.get::<ExtendedKeyUsage>() {
        Ok(found) => found.map(|(_, e)| e.0),
        Err(_) => return false,
    };
    match purpose {
        Purpose::Signing => usage.0.contains(KeyUsages::NonRepudiation),
        Purpose::Authentication => extended.is_some_and(|oids| oids.contains(&CLIENT_AUTH)),
    }
}

/// Whether the certificate may issue others: a CA with `keyCertSign`.
pub(crate) fn is_ca(cert: &Certificate) -> bool {
    let tbs = &cert.tbs_certificate;
    let basic = matches!(
        tbs.get::<x509_cert::ext::pkix::BasicConstraints>(),
        Ok(Some((_, bc))) if bc.ca
    );
    let signs = matches!(tbs.get::<KeyUsage>(), Ok(Some((_, ku))) if ku.key_cert_sign());
    basic && signs
}

/// Two names are the same when their DER is.
pub(crate) fn same_name(a: &Name, b: &Name) -> bool {
    a.to_der().ok() == b.to_der().ok()
}
