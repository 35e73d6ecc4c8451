//! Small shared helpers: hex with `0x`, constant-time equality, keccak.

use sha3::{Digest, Keccak256};
use subtle::ConstantTimeEq;

/// Keccak-256 of `data`.
pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Keccak-256 over several slices without concatenating them first.
pub(crate) fn keccak256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Keccak256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// `0x`-prefixed lowercase hex.
pub(crate) fn hex0x(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    s.push_str(&hex::encode(bytes));
    s
}

/// Decode hex with or without a `0x` prefix.
pub(crate) fn unhex(s: &str) -> Result<Vec<u8>, hex::FromHexError> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    hex::decode(s)
}

/// Constant-time byte equality (length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Lowercase for matching words and names. Without `full-unicode` (the web packages) only ASCII
/// letters fold: English and Korean (which has no case) need nothing more, and std's full
/// Unicode case tables cost about 14 KB gzipped in Wasm.
pub(crate) fn fold_case(s: &str) -> String {
    #[cfg(feature = "full-unicode")]
    return s.to_lowercase();
    #[cfg(not(feature = "full-unicode"))]
    return s.to_ascii_lowercase();
}

/// Stable sort by a comparison, with one copy of std's sort for the whole crate: the order is
/// found by sorting indices (the only instance of the sort), then applied by swaps. Each
/// `slice::sort_by` call site instantiates its own sort (a few KB of Wasm per call site); this
/// keeps the generic part to the thin shell below.
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    let mut order = sorted_order(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    // Apply the permutation (position i takes the element at order[i]) one cycle at a time:
    // n swaps at most, each position visited once.
    for start in 0..order.len() {
        let mut cur = start;
        while order[cur] != usize::MAX {
            let next = order[cur];
            order[cur] = usize::MAX;
            if next == start {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

/// Stable sort by a key (see [`sort_by`]).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)))
}

/// The non-generic body: indices `0..n` in the order `cmp` gives, ties kept in index order.
fn sorted_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sort_by_is_std_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut std = v;
            std.sort_by_key(|x| x.0);
            prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn case_folds_ascii_and_leaves_hangul() {
        assert_eq!(
            fold_case("Seoul 서울 CAFÉ"),
            if cfg!(feature = "full-unicode") {
                "seoul 서울 café"
            } else {
                "seoul 서울 cafÉ"
            }
        );
    }
}
