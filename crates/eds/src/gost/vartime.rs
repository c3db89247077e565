//! Point arithmetic on public values only — verification, and building the fixed-base table
//! — in variable time. Jacobian coordinates `(X, Y, Z)` for the affine `(X/Z², Y/Z³)`, with
//! the Explicit-Formulas Database's dedicated formulas: doubling `dbl-2001-b` (a = −3, both
//! curves NCA RK uses; 3M + 5S) or `dbl-2007-bl`, addition `add-2007-bl` (11M + 5S) and
//! mixed addition `madd-2007-bl` (7M + 4S), against the complete formula's 12M + 2 by `3b`
//! for every step. They branch on the identity and on equal points, which the
//! constant-time code may not and this code may: nothing secret passes through here.

use super::{Curve, Fe};
use crypto_bigint::U512;
use subtle::ConstantTimeEq;

/// An affine point; never the identity.
#[derive(Clone, Copy)]
pub(super) struct Affine {
    pub(super) x: Fe,
    pub(super) y: Fe,
}

impl Affine {
    fn negated(&self) -> Affine {
        Affine {
            x: self.x,
            y: -self.y,
        }
    }
}

/// A point in Jacobian coordinates; `Z = 0` is the identity.
#[derive(Clone, Copy)]
pub(super) struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

fn is_zero(v: &Fe) -> bool {
    v.is_zero_vartime()
}

fn twice(v: Fe) -> Fe {
    v + v
}

impl Jacobian {
    pub(super) fn identity(c: &Curve) -> Jacobian {
        Jacobian {
            x: Fe::one(c.field),
            y: Fe::one(c.field),
            z: Fe::zero(c.field),
        }
    }

    pub(super) fn from_affine(p: &Affine, c: &Curve) -> Jacobian {
        Jacobian {
            x: p.x,
            y: p.y,
            z: Fe::one(c.field),
        }
    }

    fn is_identity(&self) -> bool {
        is_zero(&self.z)
    }

    pub(super) fn double(&self, c: &Curve) -> Jacobian {
        if self.is_identity() || is_zero(&self.y) {
            return Jacobian::identity(c);
        }
        let Jacobian { x, y, z } = *self;
        if c.a_is_minus_3 {
            // dbl-2001-b: α = 3(X − Z²)(X + Z²) is 3X² + a·Z⁴ for a = −3.
            let delta = z.square();
            let gamma = y.square();
            let beta = x * gamma;
            let t = (x - delta) * (x + delta);
            let alpha = t + t + t;
            let beta4 = twice(twice(beta));
            let x3 = alpha.square() - twice(beta4);
            let z3 = (y + z).square() - gamma - delta;
            let y3 = alpha * (beta4 - x3) - twice(twice(twice(gamma.square())));
            Jacobian {
                x: x3,
                y: y3,
                z: z3,
            }
        } else {
            // dbl-2007-bl.
            let xx = x.square();
            let yy = y.square();
            let yyyy = yy.square();
            let zz = z.square();
            let s = twice((x + yy).square() - xx - yyyy);
            let m = xx + xx + xx + c.times_a(zz.square());
            let t = m.square() - twice(s);
            Jacobian {
                x: t,
                y: m * (s - t) - twice(twice(twice(yyyy))),
                z: (y + z).square() - yy - zz,
            }
        }
    }

    /// `self + other` (add-2007-bl).
    pub(super) fn add(&self, other: &Jacobian, c: &Curve) -> Jacobian {
        if self.is_identity() {
            return *other;
        }
        if other.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = other.z.square();
        let u1 = self.x * z2z2;
        let u2 = other.x * z1z1;
        let s1 = self.y * other.z * z2z2;
        let s2 = other.y * self.z * z1z1;
        let h = u2 - u1;
        let r = twice(s2 - s1);
        if is_zero(&h) {
            return if is_zero(&r) {
                self.double(c)
            } else {
                Jacobian::identity(c)
            };
        }
        let i = twice(h).square();
        let j = h * i;
        let v = u1 * i;
        let x3 = r.square() - j - twice(v);
        Jacobian {
            x: x3,
            y: r * (v - x3) - twice(s1 * j),
            z: ((self.z + other.z).square() - z1z1 - z2z2) * h,
        }
    }

    /// `self + other` for an affine `other` (madd-2007-bl).
    pub(super) fn add_affine(&self, other: &Affine, c: &Curve) -> Jacobian {
        if self.is_identity() {
            return Jacobian::from_affine(other, c);
        }
        let z1z1 = self.z.square();
        let u2 = other.x * z1z1;
        let s2 = other.y * self.z * z1z1;
        let h = u2 - self.x;
        let r = twice(s2 - self.y);
        if is_zero(&h) {
            return if is_zero(&r) {
                self.double(c)
            } else {
                Jacobian::identity(c)
            };
        }
        let hh = h.square();
        let i = twice(twice(hh));
        let j = h * i;
        let v = self.x * i;
        let x3 = r.square() - j - twice(v);
        Jacobian {
            x: x3,
            y: r * (v - x3) - twice(self.y * j),
            z: (self.z + h).square() - z1z1 - hh,
        }
    }

    /// Whether the affine `x`, reduced mod `q`, is `r` — without an inversion: `x` is below
    /// `p`, so it is `r`, `r + q`, … while below `p`, and `x = X/Z²` is `r′` exactly when
    /// `X = r′·Z²`. The identity has no `x`.
    pub(super) fn x_mod_q_is(&self, r: &U512, c: &Curve) -> bool {
        if self.is_identity() {
            return false;
        }
        let zz = self.z.square();
        let mut candidate = *r;
        while candidate < *c.field.modulus() {
            if (Fe::new(&candidate, c.field) * zz).ct_eq(&self.x).into() {
                return true;
            }
            let (next, carry) = candidate.adc(&c.q, crypto_bigint::Limb::ZERO);
            if carry != crypto_bigint::Limb::ZERO {
                return false;
            }
            candidate = next;
        }
        false
    }

    /// The affine `x`, or `None` for the identity.
    #[cfg(test)]
    pub(super) fn affine_x(&self) -> Option<U512> {
        let (z_inv, invertible) = self.z.invert();
        bool::from(invertible).then(|| (self.x * z_inv.square()).retrieve())
    }
}

/// Every point in affine coordinates with a single inversion (Montgomery's trick); `None` if
/// any is the identity.
pub(super) fn normalize(points: &[Jacobian], c: &Curve) -> Option<Vec<Affine>> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut running = Fe::one(c.field);
    for p in points {
        if p.is_identity() {
            return None;
        }
        prefix.push(running);
        running = running * p.z;
    }
    let (mut inverse, invertible) = running.invert();
    if !bool::from(invertible) {
        return None;
    }
    let mut affine = Vec::with_capacity(points.len());
    for (p, before) in points.iter().zip(prefix).rev() {
        // `inverse` is 1/(z₀…zᵢ); times z₀…zᵢ₋₁ it is 1/zᵢ.
        let z_inv = inverse * before;
        inverse = inverse * p.z;
        let z_inv2 = z_inv.square();
        affine.push(Affine {
            x: p.x * z_inv2,
            y: p.y * z_inv2 * z_inv,
        });
    }
    affine.reverse();
    Some(affine)
}

/// `1·P, 3·P, …, (2·count − 1)·P`, affine.
pub(super) fn odd_multiples(p: &Affine, count: usize, c: &Curve) -> Option<Vec<Affine>> {
    let start = Jacobian::from_affine(p, c);
    let twice = start.double(c);
    let mut points = Vec::with_capacity(count);
    points.push(start);
    for i in 1..count {
        points.push(points[i - 1].add(&twice, c));
    }
    normalize(&points, c)
}

/// `k` in width-`width` non-adjacent form, least significant digit first: each digit 0 or
/// odd in `−(2^(width−1) − 1) ..= 2^(width−1) − 1`, at most one non-zero among any `width`
/// neighbours.
pub(super) fn wnaf(k: &U512, width: u32) -> Vec<i8> {
    let window = 1u64 << width;
    let mut k = *k;
    let mut digits = Vec::with_capacity(U512::BITS + 1);
    while k != U512::ZERO {
        let digit = if k.bit_vartime(0) {
            let low =
                (0..width as usize).fold(0u64, |low, b| low | (u64::from(k.bit_vartime(b)) << b));
            let d = if low >= window / 2 {
                low as i64 - window as i64
            } else {
                low as i64
            };
            k = if d > 0 {
                k.wrapping_sub(&U512::from_u64(d as u64))
            } else {
                // `k < q < 2^512 − 2^width`: adding back cannot overflow.
                k.wrapping_add(&U512::from_u64((-d) as u64))
            };
            d as i8
        } else {
            0
        };
        digits.push(digit);
        k = k.shr_vartime(1);
    }
    digits
}

/// The window width for `G`'s table, whose odd multiples are computed once per curve: wider
/// than `Q`'s, whose table is built for each verification.
pub(super) const G_WIDTH: u32 = 7;
/// The window width for the signer's `Q`: eight odd multiples pay for themselves on a
/// 512-bit scalar.
const Q_WIDTH: u32 = 5;

/// `a·G + b·Q` for public scalars, both in wNAF, walked together: one doubling per bit and a
/// mixed addition per non-zero digit.
pub(super) fn mul_add(c: &Curve, a: &U512, b: &U512, q: &Affine) -> Option<Jacobian> {
    let g_table = c.g_odd_multiples();
    let q_table = odd_multiples(q, 1 << (Q_WIDTH - 2), c)?;
    let (na, nb) = (wnaf(a, G_WIDTH), wnaf(b, Q_WIDTH));
    let mut r = Jacobian::identity(c);
    for i in (0..na.len().max(nb.len())).rev() {
        r = r.double(c);
        for (digits, table) in [(&na, g_table), (&nb, q_table.as_slice())] {
            match digits.get(i).copied().unwrap_or(0) {
                0 => {}
                d if d > 0 => r = r.add_affine(&table[(d as usize - 1) / 2], c),
                d => r = r.add_affine(&table[((-d) as usize - 1) / 2].negated(), c),
            }
        }
    }
    Some(r)
}
