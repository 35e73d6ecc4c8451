//! RS256 verification only (RSASSA-PKCS1-v1_5 with SHA-256, RFC 8017 §8.2.2), in a few hundred
//! bytes of Wasm instead of a general bignum crate: the public exponentiation `s^e mod n` with
//! Montgomery multiplication, then a comparison against the expected encoding. Everything here
//! is public (key, signature, message), so nothing needs to run in constant time.

use sha2::{Digest, Sha256};

/// DER `DigestInfo` prefix for SHA-256 (RFC 8017 §9.2, note 1).
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// An RSA public key, 2048 to 4096 bits.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
    /// Little-endian 32-bit limbs of n.
    limbs: Vec<u32>,
    e_u64: u64,
}

impl RsaPublicKey {
    /// A key from big-endian modulus and exponent (leading zeros ignored). `None` unless the
    /// modulus is odd and 2048 to 4096 bits, and the exponent odd, at least 3 and below 2^64.
    pub fn new(n: &[u8], e: &[u8]) -> Option<RsaPublicKey> {
        let n = strip(n);
        let e = strip(e);
        // An empty (or all-zero) modulus has no first byte: refuse it before computing its size.
        let first = *n.first()?;
        let bits = n.len() * 8 - first.leading_zeros() as usize;
        if !(2048..=4096).contains(&bits) || n.last().is_none_or(|b| b & 1 == 0) {
            return None;
        }
        if e.is_empty() || e.len() > 8 || e.last().is_none_or(|b| b & 1 == 0) {
            return None;
        }
        let e_u64 = e.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
        if e_u64 < 3 {
            return None;
        }
        Some(RsaPublicKey {
            limbs: to_limbs(n, n.len().div_ceil(4)),
            n: n.to_vec(),
            e: e.to_vec(),
            e_u64,
        })
    }

    /// The modulus, big-endian, no leading zeros.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// The exponent, big-endian, no leading zeros.
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// Verify an RS256 signature over `msg`.
    pub fn verify_rs256(&self, msg: &[u8], sig: &[u8]) -> bool {
        let k = self.n.len();
        if sig.len() != k {
            return false;
        }
        let s = to_limbs(sig, self.limbs.len());
        if !less_than(&s, &self.limbs) {
            return false;
        }
        let m = self.pow_e(&s);
        let em = from_limbs(&m, k);
        // EM = 0x00 0x01 PS(0xff…) 0x00 DigestInfo H, with PS at least 8 bytes.
        let t_len = SHA256_PREFIX.len() + 32;
        if k < t_len + 11 {
            return false;
        }
        let mut expected = vec![0xffu8; k];
        expected[0] = 0;
        expected[1] = 1;
        expected[k - t_len - 1] = 0;
        expected[k - t_len..k - 32].copy_from_slice(&SHA256_PREFIX);
        expected[k - 32..].copy_from_slice(&Sha256::digest(msg));
        em == expected
    }

    /// `s^e mod n`.
    fn pow_e(&self, s: &[u32]) -> Vec<u32> {
        let n = &self.limbs;
        let n0inv = neg_inverse(n[0]);
        let r2 = r_squared(n);
        let sm = mont_mul(s, &r2, n, n0inv); // s·R mod n
        let mut acc = sm.clone();
        let top = 63 - self.e_u64.leading_zeros();
        for bit in (0..top).rev() {
            acc = mont_mul(&acc, &acc, n, n0inv);
            if (self.e_u64 >> bit) & 1 == 1 {
                acc = mont_mul(&acc, &sm, n, n0inv);
            }
        }
        let mut one = vec![0u32; n.len()];
        one[0] = 1;
        mont_mul(&acc, &one, n, n0inv)
    }
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.n.len() * 8)
    }
}

fn strip(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[i..]
}

/// Big-endian bytes to `len` little-endian limbs (the value must fit).
fn to_limbs(be: &[u8], len: usize) -> Vec<u32> {
    let mut out = vec![0u32; len.max(1)];
    for (i, b) in be.iter().rev().enumerate() {
        if let Some(l) = out.get_mut(i / 4) {
            *l |= u32::from(*b) << (8 * (i % 4));
        }
    }
    out
}

/// Limbs to `k` big-endian bytes.
fn from_limbs(l: &[u32], k: usize) -> Vec<u8> {
    let mut out = vec![0u8; k];
    for i in 0..k {
        let limb = l.get(i / 4).copied().unwrap_or(0);
        out[k - 1 - i] = (limb >> (8 * (i % 4))) as u8;
    }
    out
}

fn less_than(a: &[u32], b: &[u32]) -> bool {
    for i in (0..a.len().max(b.len())).rev() {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` (requires a ≥ b).
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0i64;
    for (i, ai) in a.iter_mut().enumerate() {
        let d = i64::from(*ai) - i64::from(b.get(i).copied().unwrap_or(0)) - borrow;
        *ai = d as u32;
        borrow = i64::from(d < 0);
    }
}

/// `-n⁻¹ mod 2³²` for odd `n` (Newton's iteration).
fn neg_inverse(n0: u32) -> u32 {
    let mut x: u32 = 1;
    for _ in 0..5 {
        x = x.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(x)));
    }
    x.wrapping_neg()
}

/// `R² mod n` with `R = 2^(32·len)`, by doubling.
fn r_squared(n: &[u32]) -> Vec<u32> {
    let len = n.len();
    let mut r = vec![0u32; len + 1];
    r[0] = 1;
    let nn: Vec<u32> = n.iter().copied().chain(std::iter::once(0)).collect();
    for _ in 0..64 * len {
        let mut carry = 0u32;
        for limb in r.iter_mut() {
            let v = (*limb >> 31) & 1;
            *limb = (*limb << 1) | carry;
            carry = v;
        }
        if !less_than(&r, &nn) {
            sub_in_place(&mut r, &nn);
        }
    }
    r.truncate(len);
    r
}

/// Montgomery product `a·b·R⁻¹ mod n` (CIOS), for `a, b < n`.
fn mont_mul(a: &[u32], b: &[u32], n: &[u32], n0inv: u32) -> Vec<u32> {
    let s = n.len();
    let mut t = vec![0u32; s + 2];
    for &bi in b.iter().take(s) {
        let bi = u64::from(bi);
        let mut c = 0u64;
        for j in 0..s {
            let v = u64::from(t[j]) + u64::from(a[j]) * bi + c;
            t[j] = v as u32;
            c = v >> 32;
        }
        let v = u64::from(t[s]) + c;
        t[s] = v as u32;
        t[s + 1] = (v >> 32) as u32;
        let m = u64::from(t[0].wrapping_mul(n0inv));
        let v = u64::from(t[0]) + m * u64::from(n[0]);
        let mut c = v >> 32;
        for j in 1..s {
            let v = u64::from(t[j]) + m * u64::from(n[j]) + c;
            t[j - 1] = v as u32;
            c = v >> 32;
        }
        let v = u64::from(t[s]) + c;
        t[s - 1] = v as u32;
        t[s] = t[s + 1] + (v >> 32) as u32;
        t[s + 1] = 0;
    }
    t.truncate(s + 1);
    let mut nn = n.to_vec();
    nn.push(0);
    if !less_than(&t, &nn) {
        sub_in_place(&mut t, &nn);
    }
    t.truncate(s);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_matches_schoolbook_on_small_numbers() {
        // n = 2^64 - 59 (prime, odd), pad to two limbs; check s^e mod n against u128 arithmetic.
        let n: u128 = (1u128 << 64) - 59;
        let limbs = vec![n as u32, (n >> 32) as u32];
        let n0 = neg_inverse(limbs[0]);
        assert_eq!(limbs[0].wrapping_mul(n0.wrapping_neg()), 1);
        let r2 = r_squared(&limbs);
        for (s, e) in [(2u128, 65537u64), (123_456_789, 3), (n - 1, 65537), (0, 5)] {
            let sl = vec![s as u32, (s >> 32) as u32];
            let key = RsaPublicKey {
                n: vec![],
                e: vec![],
                limbs: limbs.clone(),
                e_u64: e,
            };
            let got = key.pow_e(&sl);
            let mut want: u128 = 1;
            let mut base = s % n;
            let mut ee = e;
            while ee > 0 {
                if ee & 1 == 1 {
                    want = mulmod(want, base, n);
                }
                base = mulmod(base, base, n);
                ee >>= 1;
            }
            assert_eq!(
                u128::from(got[0]) | (u128::from(got[1]) << 32),
                want,
                "{s}^{e}"
            );
            let _ = &r2;
        }
    }

    fn mulmod(a: u128, b: u128, n: u128) -> u128 {
        // Double-and-add to stay within u128.
        let (mut r, mut a, mut b) = (0u128, a % n, b);
        while b > 0 {
            if b & 1 == 1 {
                r = (r + a) % n;
            }
            a = (a << 1) % n;
            b >>= 1;
        }
        r
    }

    #[test]
    fn key_checks() {
        let mut n = vec![0xffu8; 256];
        n[255] = 0xfd;
        assert!(RsaPublicKey::new(&n, &[1, 0, 1]).is_some());
        assert!(RsaPublicKey::new(&n, &[2]).is_none(), "even exponent");
        assert!(RsaPublicKey::new(&n, &[1]).is_none(), "exponent 1");
        assert!(
            RsaPublicKey::new(&n[..128], &[1, 0, 1]).is_none(),
            "1024 bits"
        );
        n[255] = 0xfe;
        assert!(RsaPublicKey::new(&n, &[1, 0, 1]).is_none(), "even modulus");
        // Regression (review finding 8): an empty or all-zero modulus underflowed the bit
        // count (a panic in debug builds and in Wasm); it is refused.
        assert!(
            RsaPublicKey::new(&[], &[1, 0, 1]).is_none(),
            "empty modulus"
        );
        assert!(
            RsaPublicKey::new(&[0, 0, 0], &[1, 0, 1]).is_none(),
            "zero modulus"
        );
    }
}
