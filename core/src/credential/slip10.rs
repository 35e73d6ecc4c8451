//! SLIP-0010 private key derivation on NIST P-256 (hardened steps only), for the wallet's P-256
//! holder key: most SD-JWT verifiers, the reference implementation among them, accept only
//! `ES256` key-binding JWTs.

use hmac::{Hmac, KeyInit, Mac};
use p256::elliptic_curve::ff::{Field, PrimeField};
use sha2::Sha512;
use zeroize::Zeroizing;

/// The holder key path: `m/44'/60'/1'/0'/0'` (the identity account, all steps hardened).
pub(crate) const HOLDER_P256_PATH: [u32; 5] = [44, 60, 1, 0, 0];

const HARDENED: u32 = 0x8000_0000;

fn hmac512(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
    let mut out = Zeroizing::new([0u8; 64]);
    // HMAC accepts keys of any length, so this cannot fail.
    if let Ok(mut mac) = <Hmac<Sha512> as KeyInit>::new_from_slice(key) {
        for p in parts {
            mac.update(p);
        }
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

fn scalar(bytes: &[u8]) -> Option<p256::Scalar> {
    let mut arr = [0u8; 32];
    arr.copy_from_slice(&bytes[..32]);
    Option::from(p256::Scalar::from_repr(arr.into()))
}

/// The P-256 private key at the hardened `path` (indices without the hardened bit) from a BIP39
/// seed, per SLIP-0010.
pub(crate) fn p256_from_seed(seed: &[u8], path: &[u32]) -> Zeroizing<[u8; 32]> {
    let mut i = hmac512(b"Nist256p1 seed", &[seed]);
    // Retry while IL is not a valid non-zero scalar (probability about 2^-32 per step).
    let mut k = loop {
        match scalar(&i[..32]) {
            Some(s) if !bool::from(s.is_zero()) => break s,
            _ => i = hmac512(b"Nist256p1 seed", &[&i[..]]),
        }
    };
    let mut chain = Zeroizing::new([0u8; 32]);
    chain.copy_from_slice(&i[32..]);
    for &index in path {
        let ser = (index | HARDENED).to_be_bytes();
        let kb: Zeroizing<[u8; 32]> = Zeroizing::new(k.to_repr().into());
        let mut i = hmac512(&chain[..], &[&[0u8], &kb[..], &ser]);
        k = loop {
            if let Some(il) = scalar(&i[..32]) {
                let child = il + k;
                if !bool::from(child.is_zero()) {
                    break child;
                }
            }
            let ir: Zeroizing<[u8; 32]> = Zeroizing::new(i[32..].try_into().unwrap_or([0u8; 32]));
            i = hmac512(&chain[..], &[&[1u8], &ir[..], &ser]);
        };
        chain.copy_from_slice(&i[32..]);
    }
    Zeroizing::new(k.to_repr().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slip10_nist256p1_vector_1() {
        let seed = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        assert_eq!(
            hex::encode(*p256_from_seed(&seed, &[])),
            "612091aaa12e22dd2abef664f8a01a82cae99ad7441b7ef8110424915c268bc2"
        );
        assert_eq!(
            hex::encode(*p256_from_seed(&seed, &[0])),
            "6939694369114c67917a182c59ddb8cafc3004e63ca5d3b84403ba8613debc0c"
        );
    }
}
