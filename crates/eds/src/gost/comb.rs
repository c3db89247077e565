//! `k·G` for a secret `k` (signing, key generation) from a table of `j·16ⁱ·G` (`j` in
//! 1..=15, one row per four bits of `q`): one complete addition per four bits of `k`, the
//! row's entry picked by a constant-time scan of all fifteen, against the ladder's two
//! additions per bit — about eight times fewer operations once the table is built.
//!
//! Building it costs about three ladders, so it is for a process that signs again and again
//! (the server's TEST responder and time-stamp authority, the test PKI); a browser worker
//! that signs once keeps the ladder (`Curve::base_mul`).

use super::vartime::{Jacobian, normalize};
use super::{Curve, Fe, Point};
use crypto_bigint::U512;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// Bits of the scalar each row covers.
const BITS: usize = 4;
const ENTRIES: usize = (1 << BITS) - 1;

/// The table, the points' affine coordinates kept in Montgomery form (a residue carries its
/// modulus, six times the size of its value).
pub(super) struct Comb {
    rows: Vec<[(U512, U512); ENTRIES]>,
}

impl Comb {
    pub(super) fn new(c: &Curve) -> Comb {
        let row_count = c.ladder_bits().div_ceil(BITS);
        let mut points = Vec::with_capacity(row_count * ENTRIES);
        let mut base = Jacobian::from_affine(&c.generator_affine(), c);
        for _ in 0..row_count {
            let mut multiple = base;
            points.push(multiple);
            for _ in 1..ENTRIES {
                multiple = multiple.add(&base, c);
                points.push(multiple);
            }
            base = multiple.add(&base, c);
        }
        // `j·16ⁱ` is never a multiple of the prime `q > 15`, so no entry is the identity.
        let affine = normalize(&points, c).expect("no entry of the table is the identity");
        let rows = affine
            .chunks_exact(ENTRIES)
            .map(|row| std::array::from_fn(|j| (row[j].x.raw(), row[j].y.raw())))
            .collect();
        Comb { rows }
    }

    /// `k·G`, with the same operations and memory reads for every `k < 2^(4·rows)`.
    pub(super) fn mul(&self, k: &U512, c: &Curve) -> Point {
        let one = Fe::one(c.field);
        let mut r = Point::identity(c);
        for (i, row) in self.rows.iter().enumerate() {
            let mut digit = 0u8;
            for b in 0..BITS {
                digit |= Choice::from(k.bit(i * BITS + b)).unwrap_u8() << b;
            }
            // Digit 0 leaves the identity `(0 : 1 : 0)`.
            let (mut x, mut y) = (U512::ZERO, one.raw());
            let mut found = Choice::from(0);
            for (j, (tx, ty)) in row.iter().enumerate() {
                let hit = digit.ct_eq(&(j as u8 + 1));
                x.conditional_assign(tx, hit);
                y.conditional_assign(ty, hit);
                found |= hit;
            }
            let entry = Point {
                x: Fe::from_raw(x, c.field),
                y: Fe::from_raw(y, c.field),
                z: Fe::conditional_select(&Fe::zero(c.field), &one, found),
            };
            r = r.add(&entry, c);
        }
        r
    }
}
