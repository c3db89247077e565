//! GOST R 34.10-2012 (34.10-2015 in Kazakhstan) elliptic-curve signatures: the arithmetic
//! under NCA RK's keys since 2024. No well-kept crate implements it, so this is a small
//! module on RustCrypto's constant-time `crypto-bigint`, checked against the standard's own
//! examples (GOST R 34.10-2012 appendix A; RFC 7091 §7).
//!
//! Timing: secret values (the private key `d`, the nonce `k`) only meet constant-time
//! operations. `k·G` is read from a fixed-base table with a constant-time scan of each row
//! (`comb`), or, in the browser, walked by a Montgomery ladder of a fixed length per curve
//! (the bit length of `q`) using conditional swaps — both on projective coordinates with the
//! complete addition formula of Renes–Costello–Batina (2015, algorithm 1): no branch on a
//! point being the identity or on two points being equal. The nonce is drawn by rejection
//! from the OS random source, so an accepted `k` says nothing about the rejected draws. Only
//! public values (the digest, `r`, `s`, public keys) go through variable-time code:
//! division, and verification's faster formulas (`vartime`).
//!
//! Every curve used here has prime order (cofactor 1), which is what the complete formula
//! needs: TC26's 512-bit parameter set A (NCA RK's keys) and CryptoPro's 256-bit set A.

#[cfg(not(target_arch = "wasm32"))]
mod comb;
mod field;
mod vartime;

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Encoding, NonZero, U512};
use std::sync::OnceLock;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use field::{Fe, Field};

const LIMBS: usize = U512::LIMBS;
/// An integer modulo the group order `q` (the signature's arithmetic).
type Scalar = DynResidue<LIMBS>;

/// A curve's domain parameters: `y² = x³ + a·x + b` over GF(p), base point `G` of prime
/// order `q`.
pub struct Curve {
    field: &'static Field,
    a: Fe,
    b: Fe,
    /// 3·b, as the complete addition formula uses it.
    b3: Fe,
    /// Whether `a = −3` (both curves NCA RK uses): then `a·t` is `−(t + t + t)`, three
    /// additions instead of a multiplication, a sixth of an addition's cost.
    a_is_minus_3: bool,
    q: U512,
    q_nonzero: NonZero<U512>,
    order: DynResidueParams<LIMBS>,
    g: (U512, U512),
    /// The length of a coordinate, a scalar and each half of a signature: 32 or 64 bytes.
    size: usize,
    /// `G`'s odd multiples for verification, computed on first use.
    g_odd_multiples: OnceLock<Vec<vartime::Affine>>,
    /// The fixed-base table for signing, built on first use (not in the browser: see `base_mul`).
    #[cfg(not(target_arch = "wasm32"))]
    comb: OnceLock<comb::Comb>,
}

fn hex(s: &str) -> U512 {
    U512::from_be_hex(&format!("{s:0>128}"))
}

impl Curve {
    fn new(p: &str, a: &str, b: &str, q: &str, gx: &str, gy: &str, size: usize) -> Curve {
        let field = Field::leaked(hex(p));
        let fe = |v: &str| Fe::new(&hex(v), field);
        let b = fe(b);
        let q = hex(q);
        let a = fe(a);
        let three = Fe::one(field) + Fe::one(field) + Fe::one(field);
        Curve {
            field,
            a,
            a_is_minus_3: bool::from(a.ct_eq(&-three)),
            b,
            b3: b + b + b,
            q,
            q_nonzero: NonZero::new(q).expect("q is not zero"),
            order: DynResidueParams::new(&q),
            g: (hex(gx), hex(gy)),
            size,
            g_odd_multiples: OnceLock::new(),
            #[cfg(not(target_arch = "wasm32"))]
            comb: OnceLock::new(),
        }
    }

    /// id-tc26-gost-3410-12-512-paramSetA (RFC 7836, OID 1.2.643.7.1.2.1.2.1): the curve of
    /// NCA RK's GOST 34.10-2015 512-bit keys (Kalkan's 1.2.398.3.10.1.1.2.2.1).
    pub fn tc26_512_a() -> &'static Curve {
        static CURVE: OnceLock<Curve> = OnceLock::new();
        CURVE.get_or_init(|| {
            Curve::new(
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4",
                "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275",
                "3",
                "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4",
                64,
            )
        })
    }

    /// id-GostR3410-2001-CryptoPro-A-ParamSet (RFC 4357, OID 1.2.643.2.2.35.1): the 256-bit
    /// curve GOST 34.10-2012 keys use by default (OpenSSL's `gost2012_256` paramset A).
    pub fn cryptopro_a_256() -> &'static Curve {
        static CURVE: OnceLock<Curve> = OnceLock::new();
        CURVE.get_or_init(|| {
            Curve::new(
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD94",
                "A6",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893",
                "1",
                "8D91E471E0989CDA27DF505A453F2B7635294F2DDF23E3B122ACC99C9E9F1E14",
                32,
            )
        })
    }

    /// Bytes in a coordinate, a scalar and each half of a signature.
    pub fn size(&self) -> usize {
        self.size
    }

    fn fe(&self, v: &U512) -> Fe {
        Fe::new(v, self.field)
    }

    /// `a·t`.
    fn times_a(&self, t: Fe) -> Fe {
        if self.a_is_minus_3 {
            -(t + t + t)
        } else {
            self.a * t
        }
    }

    // The ladder: the browser's `k·G`, and the tests' reference for the faster ways.
    #[cfg(any(test, target_arch = "wasm32"))]
    fn generator(&self) -> Point {
        Point::affine(self, &self.g.0, &self.g.1)
    }

    fn generator_affine(&self) -> vartime::Affine {
        vartime::Affine {
            x: self.fe(&self.g.0),
            y: self.fe(&self.g.1),
        }
    }

    /// `1·G, 3·G, …` for `G`'s window in verification.
    fn g_odd_multiples(&self) -> &[vartime::Affine] {
        self.g_odd_multiples.get_or_init(|| {
            vartime::odd_multiples(&self.generator_affine(), 1 << (vartime::G_WIDTH - 2), self)
                .expect("G's odd multiples below its order are not the identity")
        })
    }

    /// `k·G` for a secret `k`: from the fixed-base table where the process signs often; in
    /// the browser, which signs once or twice per worker, by the ladder, as building the
    /// table costs about three ladders.
    fn base_mul(&self, k: &U512) -> Point {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.comb.get_or_init(|| comb::Comb::new(self)).mul(k, self)
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.generator().mul(k, self)
        }
    }

    /// Whether `(x, y)` is a point of the curve (coordinates below `p`).
    fn contains(&self, x: &U512, y: &U512) -> bool {
        let p = self.field.modulus();
        if x >= p || y >= p {
            return false;
        }
        let (x, y) = (self.fe(x), self.fe(y));
        let rhs = x.square() * x + self.a * x + self.b;
        bool::from(y.square().ct_eq(&rhs))
    }

    /// The scalar's bit count the ladder walks for every multiplication on this curve.
    fn ladder_bits(&self) -> usize {
        self.q.bits_vartime()
    }

    /// `v mod q` for a public value.
    fn reduce(&self, v: &U512) -> U512 {
        v.rem(&self.q_nonzero)
    }

    fn scalar(&self, v: &U512) -> Scalar {
        Scalar::new(v, self.order)
    }

    /// Whether `0 < v < q`.
    fn in_range(&self, v: &U512) -> bool {
        *v != U512::ZERO && *v < self.q
    }
}

/// A point in projective coordinates `(X : Y : Z)`; the identity is `(0 : 1 : 0)`.
#[derive(Clone, Copy)]
struct Point {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Point {
    fn identity(c: &Curve) -> Point {
        Point {
            x: Fe::zero(c.field),
            y: Fe::one(c.field),
            z: Fe::zero(c.field),
        }
    }

    #[cfg(any(test, target_arch = "wasm32"))]
    fn affine(c: &Curve, x: &U512, y: &U512) -> Point {
        Point {
            x: c.fe(x),
            y: c.fe(y),
            z: Fe::one(c.field),
        }
    }

    /// Complete addition (Renes–Costello–Batina 2015, algorithm 1): right for every pair of
    /// points of a prime-order curve, doubling and the identity included.
    fn add(&self, rhs: &Point, c: &Curve) -> Point {
        let b3 = c.b3;
        let t0 = self.x * rhs.x;
        let t1 = self.y * rhs.y;
        let t2 = self.z * rhs.z;
        let t3 = (self.x + self.y) * (rhs.x + rhs.y) - (t0 + t1);
        let t4 = (self.x + self.z) * (rhs.x + rhs.z) - (t0 + t2);
        let t5 = (self.y + self.z) * (rhs.y + rhs.z) - (t1 + t2);
        let z3 = b3 * t2 + c.times_a(t4);
        let x3 = t1 - z3;
        let z3 = t1 + z3;
        let y3 = x3 * z3;
        let t1 = t0 + t0 + t0 + c.times_a(t2);
        let t2 = c.times_a(t0 - c.times_a(t2));
        let t4 = b3 * t4 + t2;
        let y3 = y3 + t1 * t4;
        let x3 = t3 * x3 - t5 * t4;
        let z3 = t5 * z3 + t3 * t1;
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    #[cfg(any(test, target_arch = "wasm32"))]
    fn conditional_swap(a: &mut Point, b: &mut Point, swap: subtle::Choice) {
        use subtle::ConditionallySelectable;
        Fe::conditional_swap(&mut a.x, &mut b.x, swap);
        Fe::conditional_swap(&mut a.y, &mut b.y, swap);
        Fe::conditional_swap(&mut a.z, &mut b.z, swap);
    }

    /// `k·self` by a Montgomery ladder over the same number of bits for every `k`.
    #[cfg(any(test, target_arch = "wasm32"))]
    fn mul(&self, k: &U512, c: &Curve) -> Point {
        let mut r0 = Point::identity(c);
        let mut r1 = *self;
        for i in (0..c.ladder_bits()).rev() {
            let bit = subtle::Choice::from(k.bit(i));
            Point::conditional_swap(&mut r0, &mut r1, bit);
            r1 = r0.add(&r1, c);
            r0 = r0.add(&r0, c);
            Point::conditional_swap(&mut r0, &mut r1, bit);
        }
        r0
    }

    /// Affine coordinates, or `None` for the identity.
    fn to_affine(self) -> Option<(U512, U512)> {
        let (z_inv, invertible) = self.z.invert();
        bool::from(invertible).then(|| ((self.x * z_inv).retrieve(), (self.y * z_inv).retrieve()))
    }
}

/// A signature's two integers, each in `(0, q)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    pub r: U512,
    pub s: U512,
}

impl Signature {
    /// NCA RK's layout (Kalkan, NCALayer): `r` then `s`, each little-endian in `size` bytes —
    /// the byte reversal of RFC 4491's `s ‖ r` big-endian.
    pub fn to_le_bytes(&self, size: usize) -> Vec<u8> {
        let mut out = le_bytes(&self.r, size);
        out.extend(le_bytes(&self.s, size));
        out
    }

    /// Reads NCA RK's layout; `None` unless it is exactly two halves of `size` bytes.
    pub fn from_le_bytes(bytes: &[u8], size: usize) -> Option<Signature> {
        (bytes.len() == 2 * size).then(|| Signature {
            r: from_le(&bytes[..size]),
            s: from_le(&bytes[size..]),
        })
    }
}

/// `v` little-endian in `size` bytes (the low bytes; `v` must fit).
pub fn le_bytes(v: &U512, size: usize) -> Vec<u8> {
    let mut be = v.to_be_bytes().to_vec();
    be.reverse();
    be.truncate(size);
    be
}

/// A little-endian integer of at most 64 bytes.
pub fn from_le(bytes: &[u8]) -> U512 {
    let mut be = [0u8; 64];
    for (i, b) in bytes.iter().take(64).enumerate() {
        be[63 - i] = *b;
    }
    U512::from_be_slice(&be)
}

/// A big-endian integer of at most 64 bytes.
pub fn from_be(bytes: &[u8]) -> U512 {
    let mut be = [0u8; 64];
    let n = bytes.len().min(64);
    be[64 - n..].copy_from_slice(&bytes[bytes.len() - n..]);
    U512::from_be_slice(&be)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GostError {
    #[error("the private key is not in (0, q)")]
    PrivateKeyOutOfRange,
    #[error("the public key is not a point of the curve")]
    PublicKeyNotOnCurve,
    #[error("no randomness: {0}")]
    NoRandomness(String),
}

/// A private key `d` in `(0, q)`; wiped when dropped.
pub struct SigningKey {
    curve: &'static Curve,
    d: U512,
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.d.zeroize();
    }
}

impl SigningKey {
    pub fn new(curve: &'static Curve, d: U512) -> Result<SigningKey, GostError> {
        if !curve.in_range(&d) {
            return Err(GostError::PrivateKeyOutOfRange);
        }
        Ok(SigningKey { curve, d })
    }

    /// A fresh random key.
    pub fn generate(curve: &'static Curve) -> Result<SigningKey, GostError> {
        SigningKey::new(curve, random_scalar(curve)?)
    }

    pub fn curve(&self) -> &'static Curve {
        self.curve
    }

    /// `d`, for writing the key into a key file.
    pub(crate) fn scalar(&self) -> U512 {
        self.d
    }

    /// `Q = d·G`.
    pub fn verifying_key(&self) -> VerifyingKey {
        let (x, y) = self
            .curve
            .base_mul(&self.d)
            .to_affine()
            .expect("d is in (0, q), so d·G is not the identity");
        VerifyingKey {
            curve: self.curve,
            x,
            y,
        }
    }

    /// Signs the digest's integer `alpha` (the caller reads the hash in its convention).
    pub fn sign_prehashed(&self, alpha: &U512) -> Result<Signature, GostError> {
        loop {
            let mut k = random_scalar(self.curve)?;
            let signed = self.sign_with_nonce(alpha, &k);
            k.zeroize();
            if let Some(signature) = signed {
                return Ok(signature);
            }
        }
    }

    /// The standard's steps 3–5 with a given nonce; `None` when `r` or `s` comes out 0 (the
    /// standard then draws another `k`).
    fn sign_with_nonce(&self, alpha: &U512, k: &U512) -> Option<Signature> {
        let c = self.curve;
        let e = digest_scalar(c, alpha);
        let (x, _) = c.base_mul(k).to_affine()?;
        let r = c.reduce(&x);
        if r == U512::ZERO {
            return None;
        }
        let s = (c.scalar(&r) * c.scalar(&self.d) + c.scalar(k) * c.scalar(&e)).retrieve();
        (s != U512::ZERO).then_some(Signature { r, s })
    }
}

/// `e = alpha mod q`, or 1 where that is 0 (the standard's step 2).
fn digest_scalar(c: &Curve, alpha: &U512) -> U512 {
    let e = c.reduce(alpha);
    if e == U512::ZERO { U512::ONE } else { e }
}

/// A uniform scalar in `(0, q)`: random bytes of the curve's size, redrawn until in range.
fn random_scalar(c: &Curve) -> Result<U512, GostError> {
    let mut bytes = [0u8; 64];
    loop {
        getrandom_02::getrandom(&mut bytes[64 - c.size..])
            .map_err(|e| GostError::NoRandomness(e.to_string()))?;
        let k = U512::from_be_slice(&bytes);
        bytes.zeroize();
        if c.in_range(&k) {
            return Ok(k);
        }
    }
}

/// A public key `Q`, checked to be a point of its curve.
#[derive(Clone, Copy)]
pub struct VerifyingKey {
    curve: &'static Curve,
    x: U512,
    y: U512,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifyingKey({:?}, {:?})", self.x, self.y)
    }
}

impl VerifyingKey {
    pub fn new(curve: &'static Curve, x: U512, y: U512) -> Result<VerifyingKey, GostError> {
        if !curve.contains(&x, &y) {
            return Err(GostError::PublicKeyNotOnCurve);
        }
        Ok(VerifyingKey { curve, x, y })
    }

    pub fn curve(&self) -> &'static Curve {
        self.curve
    }

    pub fn coordinates(&self) -> (U512, U512) {
        (self.x, self.y)
    }

    /// The standard's verification: `0 < r, s < q`, `C = s·v·G − r·v·Q` with `v = e⁻¹`, and
    /// `C.x mod q = r`.
    pub fn verify_prehashed(&self, alpha: &U512, signature: &Signature) -> bool {
        let c = self.curve;
        let Signature { r, s } = signature;
        if !c.in_range(r) || !c.in_range(s) {
            return false;
        }
        let e = c.scalar(&digest_scalar(c, alpha));
        let (v, invertible) = e.invert();
        if !bool::from(invertible) {
            return false;
        }
        let z1 = (c.scalar(s) * v).retrieve();
        let z2 = (-(c.scalar(r) * v)).retrieve();
        let q = vartime::Affine {
            x: c.fe(&self.x),
            y: c.fe(&self.y),
        };
        vartime::mul_add(c, &z1, &z2, &q).is_some_and(|point| point.x_mod_q_is(r, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's example curves (GOST R 34.10-2012 appendix A; RFC 7091 §7).
    fn example_256() -> &'static Curve {
        static CURVE: OnceLock<Curve> = OnceLock::new();
        CURVE.get_or_init(|| {
            Curve::new(
                "8000000000000000000000000000000000000000000000000000000000000431",
                "7",
                "5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E",
                "8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3",
                "2",
                "08E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8",
                32,
            )
        })
    }

    fn example_512() -> &'static Curve {
        static CURVE: OnceLock<Curve> = OnceLock::new();
        CURVE.get_or_init(|| {
            Curve::new(
                "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DF1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373",
                "7",
                "1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC4361834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC",
                "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DA82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF",
                "24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A",
                "2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E",
                64,
            )
        })
    }

    struct Example {
        curve: &'static Curve,
        d: &'static str,
        e: &'static str,
        k: &'static str,
        qx: &'static str,
        qy: &'static str,
        r: &'static str,
        s: &'static str,
    }

    fn examples() -> [Example; 2] {
        [
            // Appendix A.1 (RFC 7091 §7.1).
            Example {
                curve: example_256(),
                d: "7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28",
                e: "2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5",
                k: "77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3",
                qx: "7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B",
                qy: "26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA",
                r: "41AA28D2F1AB148280CD9ED56FEDA41974053554A42767B83AD043FD39DC0493",
                s: "01456C64BA4642A1653C235A98A60249BCD6D3F746B631DF928014F6C5BF9C40",
            },
            // Appendix A.2 (RFC 7091 §7.2).
            Example {
                curve: example_512(),
                d: "0BA6048AADAE241BA40936D47756D7C93091A0E8514669700EE7508E508B102072E8123B2200A0563322DAD2827E2714A2636B7BFD18AADFC62967821FA18DD4",
                e: "3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C",
                k: "0359E7F4B1410FEACC570456C6801496946312120B39D019D455986E364F365886748ED7A44B3E794434006011842286212273A6D14CF70EA3AF71BB1AE679F1",
                qx: "115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1",
                qy: "37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC",
                r: "2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36",
                s: "1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A",
            },
        ]
    }

    #[test]
    fn the_standards_examples_give_its_public_keys_and_signatures() {
        for ex in examples() {
            let key = SigningKey::new(ex.curve, hex(ex.d)).unwrap();
            let public = key.verifying_key();
            assert_eq!(public.coordinates(), (hex(ex.qx), hex(ex.qy)));
            let signature = key.sign_with_nonce(&hex(ex.e), &hex(ex.k)).unwrap();
            assert_eq!(
                signature,
                Signature {
                    r: hex(ex.r),
                    s: hex(ex.s)
                }
            );
            assert!(public.verify_prehashed(&hex(ex.e), &signature));
            // Another digest, or either half changed, does not verify.
            let other = hex(ex.e).wrapping_add(&U512::ONE);
            assert!(!public.verify_prehashed(&other, &signature));
            let r = signature.r.wrapping_add(&U512::ONE);
            assert!(!public.verify_prehashed(&hex(ex.e), &Signature { r, ..signature }));
            let s = signature.s.wrapping_add(&U512::ONE);
            assert!(!public.verify_prehashed(&hex(ex.e), &Signature { s, ..signature }));
        }
    }

    #[test]
    fn the_production_curves_are_what_they_claim() {
        for c in [Curve::tc26_512_a(), Curve::cryptopro_a_256()] {
            assert!(c.contains(&c.g.0, &c.g.1), "G is on the curve");
            // q·G is the identity, (q−1)·G is −G: q is G's order.
            assert!(c.generator().mul(&c.q, c).to_affine().is_none());
            let minus_one = c.q.wrapping_sub(&U512::ONE);
            let (x, y) = c.generator().mul(&minus_one, c).to_affine().unwrap();
            assert_eq!(x, c.g.0);
            assert_eq!(c.fe(&y).retrieve(), (-c.fe(&c.g.1)).retrieve());
        }
    }

    #[test]
    fn the_ladder_agrees_with_addition() {
        let c = Curve::tc26_512_a();
        let (a, b) = (random_scalar(c).unwrap(), random_scalar(c).unwrap());
        let g = c.generator();
        let sum = c.scalar(&a) + c.scalar(&b);
        let left = g.mul(&sum.retrieve(), c).to_affine();
        let right = g.mul(&a, c).add(&g.mul(&b, c), c).to_affine();
        assert_eq!(left, right);
        // Doubling through the same complete formula.
        let twice = g.mul(&U512::from_u8(2), c).to_affine();
        assert_eq!(twice, g.add(&g, c).to_affine());
    }

    /// The affine coordinates of `k·G` by the ladder, the tests' reference.
    fn ladder(c: &Curve, k: &U512) -> Option<(U512, U512)> {
        c.generator().mul(k, c).to_affine()
    }

    /// Scalars whose digits reach the edges of every window: zero, small values, all ones,
    /// `q − 1`, and random ones.
    fn edge_scalars(c: &Curve) -> Vec<U512> {
        let minus_one = c.q.wrapping_sub(&U512::ONE);
        let all_ones = U512::MAX.shr_vartime(U512::BITS - c.q.bits_vartime() + 1);
        let mut scalars = vec![
            U512::ZERO,
            U512::ONE,
            U512::from_u8(15),
            U512::from_u8(16),
            U512::from_u8(17),
            U512::from_u8(31),
            U512::from_u8(63),
            U512::from_u8(64),
            all_ones,
            minus_one,
        ];
        scalars.extend((0..4).map(|_| random_scalar(c).unwrap()));
        scalars
    }

    #[test]
    fn the_fixed_base_table_agrees_with_the_ladder() {
        for c in [Curve::tc26_512_a(), Curve::cryptopro_a_256(), example_256()] {
            for k in edge_scalars(c) {
                assert_eq!(c.base_mul(&k).to_affine(), ladder(c, &k), "k = {k}");
            }
        }
    }

    #[test]
    fn verifications_shortcut_agrees_with_the_ladder() {
        for c in [Curve::tc26_512_a(), Curve::cryptopro_a_256(), example_256()] {
            // Q = 2G, so a·G + b·Q is (a + 2b)·G, and G + Q hits the doubling inside addition
            // when a and b line up.
            let (x, y) = ladder(c, &U512::from_u8(2)).unwrap();
            let q = vartime::Affine {
                x: c.fe(&x),
                y: c.fe(&y),
            };
            for a in edge_scalars(c) {
                for b in [
                    U512::ZERO,
                    U512::ONE,
                    U512::from_u8(31),
                    random_scalar(c).unwrap(),
                ] {
                    let joint = vartime::mul_add(c, &a, &b, &q).unwrap().affine_x();
                    let sum = (c.scalar(&a) + c.scalar(&b) + c.scalar(&b)).retrieve();
                    assert_eq!(joint, ladder(c, &sum).map(|(x, _)| x), "a = {a}, b = {b}");
                }
            }
        }
    }

    #[test]
    fn jacobian_doubling_and_addition_agree_with_the_complete_formula() {
        for c in [Curve::tc26_512_a(), example_256()] {
            let g = c.generator();
            let jg = vartime::Jacobian::from_affine(&c.generator_affine(), c);
            let x_of = |p: vartime::Jacobian| p.affine_x();
            let two = jg.double(c);
            assert_eq!(x_of(two), g.add(&g, c).to_affine().map(|(x, _)| x));
            let three = two.add(&jg, c);
            assert_eq!(x_of(three), ladder(c, &U512::from_u8(3)).map(|(x, _)| x));
            assert_eq!(
                x_of(two.add(&two, c)),
                ladder(c, &U512::from_u8(4)).map(|(x, _)| x)
            );
            assert_eq!(
                x_of(three.add_affine(&c.generator_affine(), c)),
                ladder(c, &U512::from_u8(4)).map(|(x, _)| x)
            );
            // P + (−P) is the identity; the identity is neutral.
            let minus_one = c.q.wrapping_sub(&U512::ONE);
            let (mx, my) = ladder(c, &minus_one).unwrap();
            let minus_g = vartime::Affine {
                x: c.fe(&mx),
                y: c.fe(&my),
            };
            assert_eq!(x_of(jg.add_affine(&minus_g, c)), None);
            let identity = vartime::Jacobian::identity(c);
            assert_eq!(x_of(identity.add(&three, c)), x_of(three));
            assert_eq!(x_of(three.add(&identity, c)), x_of(three));
            assert_eq!(x_of(identity.double(c)), None);
            // Verification's last step, without an inversion: x mod q against r.
            let x = c.reduce(&x_of(three).unwrap());
            assert!(three.x_mod_q_is(&x, c));
            let other = c.reduce(&x.wrapping_add(&U512::ONE));
            assert!(!three.x_mod_q_is(&other, c));
            assert!(!identity.x_mod_q_is(&x, c));
        }
    }

    #[test]
    fn random_keys_sign_and_verify_and_nothing_else_verifies() {
        for c in [Curve::tc26_512_a(), Curve::cryptopro_a_256()] {
            let key = SigningKey::generate(c).unwrap();
            let public = key.verifying_key();
            let alpha = random_scalar(c).unwrap();
            let signature = key.sign_prehashed(&alpha).unwrap();
            assert!(public.verify_prehashed(&alpha, &signature));
            // Signing twice draws two nonces.
            assert_ne!(key.sign_prehashed(&alpha).unwrap(), signature);
            let stranger = SigningKey::generate(c).unwrap().verifying_key();
            assert!(!stranger.verify_prehashed(&alpha, &signature));
            // Out-of-range halves are refused before any arithmetic.
            for bad in [
                Signature {
                    r: U512::ZERO,
                    ..signature
                },
                Signature {
                    s: c.q,
                    ..signature
                },
            ] {
                assert!(!public.verify_prehashed(&alpha, &bad));
            }
            // NCA RK's byte layout round-trips.
            let bytes = signature.to_le_bytes(c.size());
            assert_eq!(bytes.len(), 2 * c.size());
            assert_eq!(Signature::from_le_bytes(&bytes, c.size()), Some(signature));
        }
    }

    #[test]
    fn keys_out_of_range_or_off_the_curve_are_refused() {
        let c = Curve::tc26_512_a();
        assert_eq!(
            SigningKey::new(c, U512::ZERO).err(),
            Some(GostError::PrivateKeyOutOfRange)
        );
        assert_eq!(
            SigningKey::new(c, c.q).err(),
            Some(GostError::PrivateKeyOutOfRange)
        );
        let (x, y) = c.g;
        assert!(VerifyingKey::new(c, x, y).is_ok());
        assert_eq!(
            VerifyingKey::new(c, x, y.wrapping_add(&U512::ONE)).err(),
            Some(GostError::PublicKeyNotOnCurve)
        );
    }
}
