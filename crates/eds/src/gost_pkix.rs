//! GOST keys and signatures inside certificates, PKCS#8 and CMS, in the two OID profiles in
//! use (see `../shared/research/kz-eds.md`):
//!
//! - **NCA RK** (Kalkan, the Kazakh arc 1.2.398.3.10…): what the national CA puts in its
//!   GOST 34.10-2015 certificates and what Kalkan and NCALayer write in CMS. Checked there by
//!   decoding NCA RK's own test certificates and CMS: the key `1.2.398.3.10.1.1.2.2` with
//!   parameters `{curve 1.2.398.3.10.1.1.2.2.1, digest 1.2.398.3.10.1.3.3}` on TC26's 512-bit
//!   set A; the signature `1.2.398.3.10.1.1.2.3.2` laid out `r_LE ‖ s_LE`; Streebog-512
//!   `1.2.398.3.10.1.3.3`; algorithm identifiers with an explicit NULL. NCA RK issues only
//!   512-bit keys (the 256-bit signature OID `…2.3.1` is known, its key OID is not), so this
//!   profile is 512-bit only.
//! - **TC26** (RFC 9215 / RFC 4491, the arc 1.2.643.7.1…): what OpenSSL's GOST engine reads
//!   and writes — keys `1.2.643.7.1.1.1.{1,2}`, signatures `1.2.643.7.1.1.3.{2,3}` laid out
//!   `s_BE ‖ r_BE` (the byte reversal of NCA RK's), Streebog `1.2.643.7.1.1.2.{2,3}`.
//!
//! Both read a public key as the OCTET STRING `x_LE ‖ y_LE` in the BIT STRING, a private key
//! as the OCTET STRING `d_LE` in PKCS#8, and the digest as a little-endian integer.

use crate::gost::{self, Curve, Signature, from_be, from_le, le_bytes};
use const_oid::ObjectIdentifier;
use der::asn1::{BitString, Null, OctetString};
use der::{Any, Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use streebog::Digest;
use zeroize::Zeroizing;

const fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

pub const NCA_PUBLIC_KEY_512: ObjectIdentifier = oid("1.2.398.3.10.1.1.2.2");
pub const NCA_CURVE_512: ObjectIdentifier = oid("1.2.398.3.10.1.1.2.2.1");
pub const NCA_SIGNATURE_512: ObjectIdentifier = oid("1.2.398.3.10.1.1.2.3.2");
pub const NCA_STREEBOG_512: ObjectIdentifier = oid("1.2.398.3.10.1.3.3");

pub const TC26_PUBLIC_KEY_256: ObjectIdentifier = oid("1.2.643.7.1.1.1.1");
pub const TC26_PUBLIC_KEY_512: ObjectIdentifier = oid("1.2.643.7.1.1.1.2");
pub const TC26_SIGNATURE_256: ObjectIdentifier = oid("1.2.643.7.1.1.3.2");
pub const TC26_SIGNATURE_512: ObjectIdentifier = oid("1.2.643.7.1.1.3.3");
pub const TC26_STREEBOG_256: ObjectIdentifier = oid("1.2.643.7.1.1.2.2");
pub const TC26_STREEBOG_512: ObjectIdentifier = oid("1.2.643.7.1.1.2.3");
pub const TC26_CURVE_512_A: ObjectIdentifier = oid("1.2.643.7.1.2.1.2.1");
pub const CRYPTOPRO_CURVE_256_A: ObjectIdentifier = oid("1.2.643.2.2.35.1");

/// Which OIDs and signature layout a key is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Nca,
    Tc26,
}

/// The key sizes: 256-bit (TC26 profile only) and 512-bit keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Bits256,
    Bits512,
}

impl Size {
    pub fn curve(self) -> &'static Curve {
        match self {
            Size::Bits256 => Curve::cryptopro_a_256(),
            Size::Bits512 => Curve::tc26_512_a(),
        }
    }

    fn of(curve: &Curve) -> Size {
        if curve.size() == 32 {
            Size::Bits256
        } else {
            Size::Bits512
        }
    }
}

/// `GostR3410-2012-PublicKeyParameters` (RFC 9215 §4.2), Kalkan's alike.
#[derive(Sequence)]
struct KeyParameters {
    curve: ObjectIdentifier,
    digest: Option<ObjectIdentifier>,
}

fn algorithm(oid: ObjectIdentifier, profile: Profile) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        // NCA RK writes an explicit NULL; RFC 9215 leaves the parameters out.
        parameters: (profile == Profile::Nca).then(|| Any::from(Null)),
    }
}

/// The key's AlgorithmIdentifier (the same in SPKI and PKCS#8).
fn key_algorithm(size: Size, profile: Profile) -> Result<AlgorithmIdentifierOwned, der::Error> {
    let (oid, parameters) = match (profile, size) {
        (Profile::Nca, _) => (
            NCA_PUBLIC_KEY_512,
            KeyParameters {
                curve: NCA_CURVE_512,
                digest: Some(NCA_STREEBOG_512),
            },
        ),
        // Written as OpenSSL's engine writes them: the digest named too.
        (Profile::Tc26, Size::Bits512) => (
            TC26_PUBLIC_KEY_512,
            KeyParameters {
                curve: TC26_CURVE_512_A,
                digest: Some(TC26_STREEBOG_512),
            },
        ),
        (Profile::Tc26, Size::Bits256) => (
            TC26_PUBLIC_KEY_256,
            KeyParameters {
                curve: CRYPTOPRO_CURVE_256_A,
                digest: Some(TC26_STREEBOG_256),
            },
        ),
    };
    Ok(AlgorithmIdentifierOwned {
        oid,
        parameters: Some(Any::encode_from(&parameters)?),
    })
}

/// The signature AlgorithmIdentifier a key of `size` signs with in `profile`.
pub fn signature_algorithm(size: Size, profile: Profile) -> AlgorithmIdentifierOwned {
    let oid = match (profile, size) {
        (Profile::Nca, _) => NCA_SIGNATURE_512,
        (Profile::Tc26, Size::Bits512) => TC26_SIGNATURE_512,
        (Profile::Tc26, Size::Bits256) => TC26_SIGNATURE_256,
    };
    algorithm(oid, profile)
}

/// The digest AlgorithmIdentifier (a CMS SignerInfo's `digestAlgorithm`).
pub fn digest_algorithm(size: Size, profile: Profile) -> AlgorithmIdentifierOwned {
    let oid = match (profile, size) {
        (Profile::Nca, _) => NCA_STREEBOG_512,
        (Profile::Tc26, Size::Bits512) => TC26_STREEBOG_512,
        (Profile::Tc26, Size::Bits256) => TC26_STREEBOG_256,
    };
    algorithm(oid, profile)
}

/// Streebog of `data` in the size's length (natural byte order, as in `messageDigest`).
pub fn digest(size: Size, data: &[u8]) -> Vec<u8> {
    match size {
        Size::Bits256 => streebog::Streebog256::digest(data).to_vec(),
        Size::Bits512 => streebog::Streebog512::digest(data).to_vec(),
    }
}

/// The Streebog size a digest OID names, in either profile.
pub fn digest_size(oid: &ObjectIdentifier) -> Option<Size> {
    match *oid {
        NCA_STREEBOG_512 | TC26_STREEBOG_512 => Some(Size::Bits512),
        TC26_STREEBOG_256 => Some(Size::Bits256),
        _ => None,
    }
}

/// What a signature OID says: the profile (the layout) and the size. A CMS SignerInfo may
/// name the key's OID instead of the signature's (OpenSSL does, as with `rsaEncryption`).
fn signature_kind(oid: &ObjectIdentifier) -> Option<(Profile, Size)> {
    match *oid {
        NCA_SIGNATURE_512 | NCA_PUBLIC_KEY_512 => Some((Profile::Nca, Size::Bits512)),
        TC26_SIGNATURE_512 | TC26_PUBLIC_KEY_512 => Some((Profile::Tc26, Size::Bits512)),
        TC26_SIGNATURE_256 | TC26_PUBLIC_KEY_256 => Some((Profile::Tc26, Size::Bits256)),
        _ => None,
    }
}

/// Whether `oid` is a GOST signature (or key) algorithm this module verifies.
pub fn is_gost_signature(oid: &ObjectIdentifier) -> bool {
    signature_kind(oid).is_some()
}

/// The curve a key's parameters name, in either profile.
fn curve_of(parameters: &KeyParameters) -> Option<&'static Curve> {
    match parameters.curve {
        NCA_CURVE_512 | TC26_CURVE_512_A => Some(Curve::tc26_512_a()),
        CRYPTOPRO_CURVE_256_A => Some(Curve::cryptopro_a_256()),
        _ => None,
    }
}

/// The SubjectPublicKeyInfo of `key`.
pub fn spki(
    key: &gost::VerifyingKey,
    profile: Profile,
) -> Result<SubjectPublicKeyInfoOwned, der::Error> {
    let curve = key.curve();
    let (x, y) = key.coordinates();
    let mut point = le_bytes(&x, curve.size());
    point.extend(le_bytes(&y, curve.size()));
    Ok(SubjectPublicKeyInfoOwned {
        algorithm: key_algorithm(Size::of(curve), profile)?,
        subject_public_key: BitString::from_bytes(&OctetString::new(point)?.to_der()?)?,
    })
}

/// A GOST public key from an SPKI, if it holds one on a curve this module knows.
pub fn public_key(spki: &SubjectPublicKeyInfoOwned) -> Option<gost::VerifyingKey> {
    if !matches!(
        spki.algorithm.oid,
        NCA_PUBLIC_KEY_512 | TC26_PUBLIC_KEY_512 | TC26_PUBLIC_KEY_256
    ) {
        return None;
    }
    let parameters: KeyParameters = spki.algorithm.parameters.as_ref()?.decode_as().ok()?;
    let curve = curve_of(&parameters)?;
    let point = OctetString::from_der(spki.subject_public_key.as_bytes()?).ok()?;
    let point = point.as_bytes();
    if point.len() != 2 * curve.size() {
        return None;
    }
    let (x, y) = point.split_at(curve.size());
    gost::VerifyingKey::new(curve, from_le(x), from_le(y)).ok()
}

/// Whether `spki` holds a GOST key.
pub fn is_gost_key(spki: &SubjectPublicKeyInfoOwned) -> bool {
    public_key(spki).is_some()
}

/// A PKCS#8 PrivateKeyInfo of `key`: the privateKey octets are `d_LE` (as OpenSSL's engine
/// and NCA RK write them).
pub fn pkcs8(key: &gost::SigningKey, profile: Profile) -> Result<Zeroizing<Vec<u8>>, der::Error> {
    let curve = key.curve();
    let d = Zeroizing::new(le_bytes(&key.scalar(), curve.size()));
    let algorithm = key_algorithm(Size::of(curve), profile)?;
    let info = pkcs8::PrivateKeyInfo {
        algorithm: algorithm.owned_to_ref_alg(),
        private_key: &d,
        public_key: None,
    };
    Ok(Zeroizing::new(info.to_der()?))
}

/// A GOST private key from PKCS#8, and the profile its OIDs are in. The privateKey octets are
/// `d_LE` (NCA RK, OpenSSL's engine), or that wrapped once more in an OCTET STRING, or an
/// INTEGER (older writers).
pub fn private_key(pkcs8_der: &[u8]) -> Option<(gost::SigningKey, Profile)> {
    let info = pkcs8::PrivateKeyInfo::from_der(pkcs8_der).ok()?;
    let profile = match info.algorithm.oid {
        NCA_PUBLIC_KEY_512 => Profile::Nca,
        TC26_PUBLIC_KEY_512 | TC26_PUBLIC_KEY_256 => Profile::Tc26,
        _ => return None,
    };
    let parameters: KeyParameters = info.algorithm.parameters?.decode_as().ok()?;
    let curve = curve_of(&parameters)?;
    let raw = info.private_key;
    let d = if raw.len() == curve.size() {
        from_le(raw)
    } else if let Ok(octets) = OctetString::from_der(raw) {
        from_le(octets.as_bytes())
    } else {
        from_be(der::asn1::UintRef::from_der(raw).ok()?.as_bytes())
    };
    Some((gost::SigningKey::new(curve, d).ok()?, profile))
}

/// Signs `message` (hashing it with the key's Streebog) in `profile`'s layout.
pub fn sign(
    key: &gost::SigningKey,
    profile: Profile,
    message: &[u8],
) -> Result<Vec<u8>, gost::GostError> {
    let curve = key.curve();
    let alpha = from_le(&digest(Size::of(curve), message));
    let signature = key.sign_prehashed(&alpha)?;
    Ok(layout(signature, profile, curve.size()))
}

fn layout(signature: Signature, profile: Profile, size: usize) -> Vec<u8> {
    let mut bytes = signature.to_le_bytes(size);
    if profile == Profile::Tc26 {
        bytes.reverse();
    }
    bytes
}

/// The key of `spki` and the layout `algorithm` prescribes, when both are GOST of one size.
fn key_for(
    spki: &SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
) -> Option<(gost::VerifyingKey, Profile, Size)> {
    let (profile, size) = signature_kind(algorithm)?;
    let key = public_key(spki)?;
    (Size::of(key.curve()) == size).then_some((key, profile, size))
}

/// Whether `algorithm` is a GOST signature a key like `spki`'s makes.
pub fn fits(spki: &SubjectPublicKeyInfoOwned, algorithm: &ObjectIdentifier) -> bool {
    key_for(spki, algorithm).is_some()
}

/// Verifies `signature` over `message` by the key in `spki`, under the signature algorithm
/// `algorithm`. `None` when either is not GOST (or they do not fit each other).
pub fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Option<bool> {
    let (key, profile, size) = key_for(spki, algorithm)?;
    let curve = key.curve();
    let mut bytes = signature.to_vec();
    if profile == Profile::Tc26 {
        bytes.reverse();
    }
    let Some(signature) = Signature::from_le_bytes(&bytes, curve.size()) else {
        return Some(false);
    };
    let alpha = from_le(&digest(size, message));
    Some(key.verify_prehashed(&alpha, &signature))
}

trait OwnedToRefAlg {
    fn owned_to_ref_alg(&self) -> spki::AlgorithmIdentifierRef<'_>;
}

impl OwnedToRefAlg for AlgorithmIdentifierOwned {
    fn owned_to_ref_alg(&self) -> spki::AlgorithmIdentifierRef<'_> {
        spki::AlgorithmIdentifierRef {
            oid: self.oid,
            parameters: self.parameters.as_ref().map(Into::into),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_spki_and_pkcs8_in_both_profiles() {
        for (size, profile) in [
            (Size::Bits512, Profile::Nca),
            (Size::Bits512, Profile::Tc26),
            (Size::Bits256, Profile::Tc26),
        ] {
            let key = gost::SigningKey::generate(size.curve()).unwrap();
            let public = key.verifying_key();
            let info = spki(&public, profile).unwrap();
            let read = public_key(&info).unwrap();
            assert_eq!(read.coordinates(), public.coordinates());
            let der = pkcs8(&key, profile).unwrap();
            let (again, read_profile) = private_key(&der).unwrap();
            assert_eq!(read_profile, profile);
            assert_eq!(again.verifying_key().coordinates(), public.coordinates());

            let message = b"the formed outgoing document";
            let signature = sign(&key, profile, message).unwrap();
            let algorithm = signature_algorithm(size, profile).oid;
            assert_eq!(verify(&info, &algorithm, message, &signature), Some(true));
            assert_eq!(
                verify(&info, &algorithm, b"another", &signature),
                Some(false)
            );
            // The other profile's layout does not verify: the bytes are reversed.
            let mut reversed = signature.clone();
            reversed.reverse();
            assert_eq!(verify(&info, &algorithm, message, &reversed), Some(false));
        }
    }

    #[test]
    fn a_signature_oid_of_the_wrong_size_or_a_foreign_key_is_not_gost() {
        let key = gost::SigningKey::generate(Size::Bits512.curve()).unwrap();
        let info = spki(&key.verifying_key(), Profile::Tc26).unwrap();
        assert_eq!(verify(&info, &TC26_SIGNATURE_256, b"m", &[0; 64]), None);
        let rsa_oid = const_oid::db::rfc5912::SHA_256_WITH_RSA_ENCRYPTION;
        assert_eq!(verify(&info, &rsa_oid, b"m", &[0; 128]), None);
        assert!(!is_gost_signature(&rsa_oid));
        assert_eq!(digest_size(&NCA_STREEBOG_512), Some(Size::Bits512));
        assert_eq!(digest_size(&TC26_STREEBOG_256), Some(Size::Bits256));
    }
}
