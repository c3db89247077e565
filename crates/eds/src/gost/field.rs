//! GF(p), the coordinates' field. NCA RK's 512-bit curve has `p = 2⁵¹² − 569`, a prime just
//! below a power of two, so a product reduces by folding its high half back in times 569
//! (crypto-bigint's `mul_mod_special`, HAC algorithm 14.47) — half the work of a Montgomery
//! reduction, and no residue carrying its modulus's parameters from operation to operation.
//! Any other prime (the 256-bit curves, the standard's examples) takes crypto-bigint's
//! Montgomery form. Every operation is constant time, as the signing code needs.

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Limb, U512};
use std::ops::{Add, Mul, Neg, Sub};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

const LIMBS: usize = U512::LIMBS;

/// A prime field.
pub(super) struct Field {
    p: U512,
    /// For inversion (constant time) and for the Montgomery form.
    params: DynResidueParams<LIMBS>,
    /// `c` where `p = 2⁵¹² − c` with `c` in one limb: products reduce by folding.
    special: Option<Limb>,
}

impl Field {
    /// The field of the odd prime `p`, kept for the life of the process (a curve's
    /// parameters are made once, in a `static`).
    pub(super) fn leaked(p: U512) -> &'static Field {
        let c = U512::ZERO.wrapping_sub(&p);
        let special = (c.bits_vartime() <= Limb::BITS).then(|| Limb(c.as_words()[0]));
        Box::leak(Box::new(Field {
            p,
            params: DynResidueParams::new(&p),
            special,
        }))
    }

    pub(super) fn modulus(&self) -> &U512 {
        &self.p
    }
}

/// An element of a [`Field`]: `v` itself where the field is special, else its Montgomery
/// form. Either way reduced below `p`, so zero has one form.
#[derive(Clone, Copy)]
pub(super) struct Fe {
    v: U512,
    field: &'static Field,
}

impl Fe {
    fn montgomery(&self) -> DynResidue<LIMBS> {
        DynResidue::from_montgomery(self.v, self.field.params)
    }

    fn with(&self, v: U512) -> Fe {
        Fe {
            v,
            field: self.field,
        }
    }

    /// `v mod p`, for public values.
    pub(super) fn new(v: &U512, field: &'static Field) -> Fe {
        let v = match field.special {
            Some(_) => v.rem(&crypto_bigint::NonZero::new(field.p).expect("p is odd")),
            None => *DynResidue::new(v, field.params).as_montgomery(),
        };
        Fe { v, field }
    }

    pub(super) fn zero(field: &'static Field) -> Fe {
        Fe {
            v: U512::ZERO,
            field,
        }
    }

    pub(super) fn one(field: &'static Field) -> Fe {
        let v = match field.special {
            Some(_) => U512::ONE,
            None => *DynResidue::one(field.params).as_montgomery(),
        };
        Fe { v, field }
    }

    /// The element as an integer below `p`.
    pub(super) fn retrieve(&self) -> U512 {
        match self.field.special {
            Some(_) => self.v,
            None => self.montgomery().retrieve(),
        }
    }

    /// The stored form, for tables kept without the field beside every entry.
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn raw(&self) -> U512 {
        self.v
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn from_raw(v: U512, field: &'static Field) -> Fe {
        Fe { v, field }
    }

    pub(super) fn is_zero_vartime(&self) -> bool {
        self.v == U512::ZERO
    }

    pub(super) fn square(&self) -> Fe {
        // crypto-bigint's `square_wide` measured no faster here than a product.
        *self * *self
    }

    /// `1/self` and whether it exists (constant time).
    pub(super) fn invert(&self) -> (Fe, Choice) {
        match self.field.special {
            Some(_) => {
                let (inverse, ok) = DynResidue::new(&self.v, self.field.params).invert();
                (self.with(inverse.retrieve()), Choice::from(ok))
            }
            None => {
                let (inverse, ok) = self.montgomery().invert();
                (self.with(*inverse.as_montgomery()), Choice::from(ok))
            }
        }
    }
}

impl Add for Fe {
    type Output = Fe;
    fn add(self, rhs: Fe) -> Fe {
        // The special forms take two passes over the limbs instead of three: additions are
        // as many as products in the curve's formulas.
        self.with(match self.field.special {
            Some(c) => self.v.add_mod_special(&rhs.v, c),
            None => self.v.add_mod(&rhs.v, &self.field.p),
        })
    }
}

impl Sub for Fe {
    type Output = Fe;
    fn sub(self, rhs: Fe) -> Fe {
        self.with(match self.field.special {
            Some(c) => self.v.sub_mod_special(&rhs.v, c),
            None => self.v.sub_mod(&rhs.v, &self.field.p),
        })
    }
}

impl Neg for Fe {
    type Output = Fe;
    fn neg(self) -> Fe {
        self.with(match self.field.special {
            Some(c) => self.v.neg_mod_special(c),
            None => self.v.neg_mod(&self.field.p),
        })
    }
}

impl Mul for Fe {
    type Output = Fe;
    fn mul(self, rhs: Fe) -> Fe {
        match self.field.special {
            Some(c) => self.with(self.v.mul_mod_special(&rhs.v, c)),
            None => self.with(*(self.montgomery() * rhs.montgomery()).as_montgomery()),
        }
    }
}

impl ConditionallySelectable for Fe {
    fn conditional_select(a: &Fe, b: &Fe, choice: Choice) -> Fe {
        a.with(U512::conditional_select(&a.v, &b.v, choice))
    }
}

impl ConstantTimeEq for Fe {
    fn ct_eq(&self, other: &Fe) -> Choice {
        self.v.ct_eq(&other.v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random integers below `p`, and the edges: 0, 1, p − 1, p − 2, 2²⁵⁶.
    fn samples(p: &U512) -> Vec<U512> {
        let mut out = vec![
            U512::ZERO,
            U512::ONE,
            p.wrapping_sub(&U512::ONE),
            p.wrapping_sub(&U512::from_u8(2)),
            U512::ONE.shl_vartime(256),
        ];
        let mut bytes = [0u8; 64];
        for _ in 0..40 {
            getrandom_02::getrandom(&mut bytes).unwrap();
            let v = U512::from_be_slice(&bytes);
            out.push(v.rem(&crypto_bigint::NonZero::new(*p).unwrap()));
        }
        out
    }

    #[test]
    fn the_special_field_agrees_with_montgomery_arithmetic() {
        let p = super::super::Curve::tc26_512_a().field.p;
        let field = Field::leaked(p);
        assert!(field.special.is_some(), "2⁵¹² − 569 is special");
        let params = DynResidueParams::new(&p);
        let m = |v: &U512| DynResidue::new(v, params);
        let values = samples(&p);
        for a in &values {
            for b in values.iter().step_by(3) {
                let (x, y) = (Fe::new(a, field), Fe::new(b, field));
                assert_eq!((x * y).retrieve(), (m(a) * m(b)).retrieve(), "{a} · {b}");
                assert_eq!((x + y).retrieve(), (m(a) + m(b)).retrieve());
                assert_eq!((x - y).retrieve(), (m(a) - m(b)).retrieve());
            }
            let x = Fe::new(a, field);
            assert_eq!((-x).retrieve(), (-m(a)).retrieve());
            assert_eq!(x.square().retrieve(), m(a).square().retrieve());
            let (inverse, ok) = x.invert();
            assert_eq!(bool::from(ok), *a != U512::ZERO);
            if bool::from(ok) {
                assert_eq!((inverse * x).retrieve(), U512::ONE);
            }
        }
        // A value at or above p is reduced on the way in.
        assert_eq!(Fe::new(&p, field).retrieve(), U512::ZERO);
        assert_eq!(Fe::new(&U512::MAX, field).retrieve(), U512::from_u16(568));
    }

    #[test]
    fn a_prime_far_from_a_power_of_two_takes_the_montgomery_form() {
        let p = super::super::Curve::cryptopro_a_256().field.p;
        let field = Field::leaked(p);
        assert!(field.special.is_none());
        let values = samples(&p);
        let nz = crypto_bigint::NonZero::new(p).unwrap();
        for a in &values {
            for b in values.iter().step_by(5) {
                let product = Fe::new(a, field) * Fe::new(b, field);
                let (lo, hi) = a.mul_wide(b);
                assert_eq!(hi, U512::ZERO, "256-bit values");
                assert_eq!(product.retrieve(), lo.rem(&nz));
            }
        }
    }
}
