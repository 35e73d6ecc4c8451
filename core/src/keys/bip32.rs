//! BIP32 hierarchical deterministic keys on secp256k1.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use k256::{NonZeroScalar, Scalar, SecretKey};
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use super::KeysError;
use super::ecdsa::{PrivateKey, PublicKey};

const HARDENED: u32 = 0x8000_0000;
const XPRV_VERSION: [u8; 4] = [0x04, 0x88, 0xAD, 0xE4];
const XPUB_VERSION: [u8; 4] = [0x04, 0x88, 0xB2, 0x1E];

/// The path of EVM account `index`: `m/44'/60'/0'/0/index`.
pub fn evm_account_path(index: u32) -> DerivationPath {
    DerivationPath(vec![44 | HARDENED, 60 | HARDENED, HARDENED, 0, index])
}

/// The path of identity (DID) key `index`: `m/44'/60'/1'/0/index`.
pub fn identity_path(index: u32) -> DerivationPath {
    DerivationPath(vec![44 | HARDENED, 60 | HARDENED, 1 | HARDENED, 0, index])
}

/// A BIP32 path such as `m/44'/60'/0'/0/0` (`'` or `h` marks hardened steps).
///
/// ```
/// use jigap_core::keys::DerivationPath;
/// let p: DerivationPath = "m/44'/60'/0'/0/7".parse().unwrap();
/// assert_eq!(p.to_string(), "m/44'/60'/0'/0/7");
/// assert!("m/44'/x".parse::<DerivationPath>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DerivationPath(Vec<u32>);

impl DerivationPath {
    /// The child numbers, hardened ones with the top bit set.
    pub fn steps(&self) -> &[u32] {
        &self.0
    }
}

impl FromStr for DerivationPath {
    type Err = KeysError;
    fn from_str(s: &str) -> Result<Self, KeysError> {
        let bad = || KeysError::BadPath(s.to_string());
        let mut parts = s.trim().split('/');
        if parts.next() != Some("m") {
            return Err(bad());
        }
        let mut steps = Vec::new();
        for p in parts {
            let (num, hard) = match p.strip_suffix(['\'', 'h', 'H']) {
                Some(n) => (n, true),
                None => (p, false),
            };
            if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let n: u32 = num.parse().map_err(|_| bad())?;
            if n >= HARDENED {
                return Err(bad());
            }
            steps.push(if hard { n | HARDENED } else { n });
        }
        Ok(DerivationPath(steps))
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for s in &self.0 {
            if s & HARDENED != 0 {
                write!(f, "/{}'", s & !HARDENED)?;
            } else {
                write!(f, "/{s}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerivationPath({self})")
    }
}

/// A BIP32 extended private key. Zeroized on drop; `Debug` shows only public data.
#[derive(Clone)]
pub struct ExtendedPrivateKey {
    key: PrivateKey,
    chain_code: Zeroizing<[u8; 32]>,
    depth: u8,
    parent_fingerprint: [u8; 4],
    child_number: u32,
}

impl ExtendedPrivateKey {
    /// The master key of a BIP32 seed (16–64 bytes).
    pub fn from_seed(seed: &[u8]) -> Result<Self, KeysError> {
        if !(16..=64).contains(&seed.len()) {
            return Err(KeysError::SeedLength(seed.len()));
        }
        let mut mac =
            Hmac::<Sha512>::new_from_slice(b"Bitcoin seed").map_err(|_| KeysError::Derivation)?;
        mac.update(seed);
        let i = Zeroizing::new(<[u8; 64]>::from(mac.finalize().into_bytes()));
        let key = PrivateKey::from_slice(&i[..32]).map_err(|_| KeysError::Derivation)?;
        let mut chain_code = Zeroizing::new([0u8; 32]);
        chain_code.copy_from_slice(&i[32..]);
        Ok(ExtendedPrivateKey {
            key,
            chain_code,
            depth: 0,
            parent_fingerprint: [0; 4],
            child_number: 0,
        })
    }

    /// The child at `index` (hardened if the top bit is set).
    pub fn derive_child(&self, index: u32) -> Result<Self, KeysError> {
        let depth = self.depth.checked_add(1).ok_or(KeysError::Derivation)?;
        let public = self.key.public_key();
        let (key, chain_code) = ckd_priv(&self.key, &self.chain_code, index, Some(&public))?;
        Ok(ExtendedPrivateKey {
            key,
            chain_code,
            depth,
            parent_fingerprint: public.fingerprint(),
            child_number: index,
        })
    }

    /// Follow every step of `path` from this key.
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self, KeysError> {
        let mut k = self.clone();
        for &step in path.steps() {
            k = k.derive_child(step)?;
        }
        Ok(k)
    }

    /// The private key at `path`, without the parent fingerprints that only serialization
    /// needs: hardened steps skip computing the parent's public key, which halves the cost of an
    /// account path.
    pub fn derive_key(&self, path: &DerivationPath) -> Result<PrivateKey, KeysError> {
        let mut key = self.key.clone();
        let mut chain = self.chain_code.clone();
        for &step in path.steps() {
            (key, chain) = ckd_priv(&key, &chain, step, None)?;
        }
        Ok(key)
    }

    /// The private key.
    pub fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// Depth in the tree (0 for the master key).
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// `xprv…` serialization (Base58Check). Secret: handle with care.
    pub fn to_xprv(&self) -> Zeroizing<String> {
        let mut data = Zeroizing::new([0u8; 78]);
        self.header(&mut data, XPRV_VERSION);
        data[45] = 0;
        data[46..].copy_from_slice(&*self.key.to_bytes());
        Zeroizing::new(base58check_encode(&*data))
    }

    /// `xpub…` serialization of the matching public key.
    pub fn to_xpub(&self) -> String {
        let mut data = [0u8; 78];
        self.header(&mut data, XPUB_VERSION);
        data[45..].copy_from_slice(&self.key.public_key().to_compressed());
        base58check_encode(&data)
    }

    fn header(&self, data: &mut [u8; 78], version: [u8; 4]) {
        data[..4].copy_from_slice(&version);
        data[4] = self.depth;
        data[5..9].copy_from_slice(&self.parent_fingerprint);
        data[9..13].copy_from_slice(&self.child_number.to_be_bytes());
        data[13..45].copy_from_slice(&*self.chain_code);
    }

    /// Parse an `xprv…` string, checking everything BIP32 requires of it.
    pub fn from_xprv(s: &str) -> Result<Self, KeysError> {
        let data = Zeroizing::new(parse_extended(s)?);
        if data[..4] != XPRV_VERSION {
            return Err(KeysError::ExtendedKey(
                "not an xprv (wrong version bytes)".into(),
            ));
        }
        if data[45] != 0 {
            return Err(KeysError::ExtendedKey(
                "private key data must start with 0x00".into(),
            ));
        }
        let key = PrivateKey::from_slice(&data[46..])
            .map_err(|_| KeysError::ExtendedKey("private key out of range".into()))?;
        let (depth, parent_fingerprint, child_number, chain_code) = split_header(&data)?;
        Ok(ExtendedPrivateKey {
            key,
            chain_code,
            depth,
            parent_fingerprint,
            child_number,
        })
    }
}

impl fmt::Debug for ExtendedPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ExtendedPrivateKey {{ depth: {}, xpub: {} }}",
            self.depth,
            self.to_xpub()
        )
    }
}

/// BIP32 CKDpriv: the child key and chain code at `index`. `public` is the parent's public key
/// if the caller has it already; non-hardened steps need it.
fn ckd_priv(
    key: &PrivateKey,
    chain_code: &[u8; 32],
    index: u32,
    public: Option<&PublicKey>,
) -> Result<(PrivateKey, Zeroizing<[u8; 32]>), KeysError> {
    let mut mac = Hmac::<Sha512>::new_from_slice(chain_code).map_err(|_| KeysError::Derivation)?;
    if index & HARDENED != 0 {
        mac.update(&[0]);
        mac.update(&*key.to_bytes());
    } else {
        let compressed = match public {
            Some(p) => p.to_compressed(),
            None => key.public_key().to_compressed(),
        };
        mac.update(&compressed);
    }
    mac.update(&index.to_be_bytes());
    let i = Zeroizing::new(<[u8; 64]>::from(mac.finalize().into_bytes()));
    let mut il = Zeroizing::new([0u8; 32]);
    il.copy_from_slice(&i[..32]);
    // parse256(IL) must be < n and the child key non-zero; otherwise BIP32 says skip the index.
    let tweak = Option::<NonZeroScalar>::from(NonZeroScalar::from_repr((*il).into()))
        .ok_or(KeysError::Derivation)?;
    let parent: Scalar = **key.nonzero_scalar();
    let child = Option::<NonZeroScalar>::from(NonZeroScalar::new(parent + *tweak))
        .ok_or(KeysError::Derivation)?;
    let mut next_chain = Zeroizing::new([0u8; 32]);
    next_chain.copy_from_slice(&i[32..]);
    Ok((PrivateKey::from_secret(SecretKey::from(child)), next_chain))
}

/// Check an `xpub…` string the way BIP32 requires and return its public key.
pub fn parse_xpub(s: &str) -> Result<PublicKey, KeysError> {
    let data = parse_extended(s)?;
    if data[..4] != XPUB_VERSION {
        return Err(KeysError::ExtendedKey(
            "not an xpub (wrong version bytes)".into(),
        ));
    }
    split_header(&data)?;
    PublicKey::from_sec1(&data[45..])
        .map_err(|_| KeysError::ExtendedKey("invalid public key".into()))
}

type Header = (u8, [u8; 4], u32, Zeroizing<[u8; 32]>);

fn split_header(data: &[u8; 78]) -> Result<Header, KeysError> {
    let depth = data[4];
    let mut fp = [0u8; 4];
    fp.copy_from_slice(&data[5..9]);
    let mut cn = [0u8; 4];
    cn.copy_from_slice(&data[9..13]);
    let child_number = u32::from_be_bytes(cn);
    if depth == 0 && fp != [0; 4] {
        return Err(KeysError::ExtendedKey(
            "depth 0 with a non-zero parent fingerprint".into(),
        ));
    }
    if depth == 0 && child_number != 0 {
        return Err(KeysError::ExtendedKey(
            "depth 0 with a non-zero child index".into(),
        ));
    }
    let mut cc = Zeroizing::new([0u8; 32]);
    cc.copy_from_slice(&data[13..45]);
    Ok((depth, fp, child_number, cc))
}

fn parse_extended(s: &str) -> Result<[u8; 78], KeysError> {
    let raw = Zeroizing::new(
        bs58::decode(s.trim())
            .into_vec()
            .map_err(|_| KeysError::ExtendedKey("not Base58".into()))?,
    );
    if raw.len() != 82 {
        return Err(KeysError::ExtendedKey(format!(
            "wrong length ({} bytes, expected 78 plus a 4-byte checksum)",
            raw.len().saturating_sub(4)
        )));
    }
    let check = double_sha256(&raw[..78]);
    if !crate::util::ct_eq(&check[..4], &raw[78..]) {
        return Err(KeysError::ExtendedKey("checksum does not match".into()));
    }
    let mut out = [0u8; 78];
    out.copy_from_slice(&raw[..78]);
    Ok(out)
}

fn double_sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(Sha256::digest(data)).into()
}

fn base58check_encode(data: &[u8]) -> String {
    let check = double_sha256(data);
    let mut v = Zeroizing::new(Vec::with_capacity(data.len() + 4));
    v.extend_from_slice(data);
    v.extend_from_slice(&check[..4]);
    bs58::encode(&*v).into_string()
}
