//! Signatures over certificates and revocation lists, verified once. Every submission comes
//! with the same CA certificates, usually a holder certificate already seen and the same CRL,
//! and a GOST verification costs milliseconds where the rest of a check costs microseconds:
//! re-verifying them made a GOST submission cost four verifications instead of one.
//!
//! A verification is a pure function of its inputs, so a positive answer is kept under the
//! SHA-256 of all of them (the key, the algorithm, the signed bytes, the signature): a
//! certificate or a CRL that changes in any byte is another entry and is verified anew. A
//! negative answer is never kept. The set is bounded; past its bound it starts again.

use const_oid::ObjectIdentifier;
use der::Encode;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// At most this many answers are kept (32 bytes each).
const LIMIT: usize = 10_000;

static COMPUTED: AtomicU64 = AtomicU64::new(0);

fn kept() -> &'static Mutex<HashSet<[u8; 32]>> {
    static KEPT: OnceLock<Mutex<HashSet<[u8; 32]>>> = OnceLock::new();
    KEPT.get_or_init(Default::default)
}

/// Every input of a verification, each length-prefixed so no two sets of inputs run together.
fn fingerprint(
    spki: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Option<[u8; 32]> {
    let key = spki.to_der().ok()?;
    let mut hash = Sha256::new();
    for part in [key.as_slice(), algorithm.as_bytes(), message, signature] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    Some(hash.finalize().into())
}

/// The answer of `verify` (the verification of `signature` over `message` by `spki` under
/// `algorithm`), answered from what was verified before when it can be.
pub fn verifies(
    spki: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
    verify: impl FnOnce() -> bool,
) -> bool {
    let Some(key) = fingerprint(spki, algorithm, message, signature) else {
        return verify();
    };
    if kept().lock().is_ok_and(|k| k.contains(&key)) {
        return true;
    }
    COMPUTED.fetch_add(1, Ordering::Relaxed);
    let genuine = verify();
    if genuine && let Ok(mut k) = kept().lock() {
        if k.len() >= LIMIT {
            k.clear();
        }
        k.insert(key);
    }
    genuine
}

/// Whether this verification's positive answer is kept.
pub fn is_kept(
    spki: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    fingerprint(spki, algorithm, message, signature)
        .is_some_and(|key| kept().lock().is_ok_and(|k| k.contains(&key)))
}

/// How many verifications were computed here, not answered from memory (for tests and the
/// benchmark).
pub fn computed() -> u64 {
    COMPUTED.load(Ordering::Relaxed)
}
