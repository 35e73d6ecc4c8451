//! Web3 Secret Storage v3 keystores (the `UTC--…` JSON files of geth, MetaMask and others):
//! import with scrypt or PBKDF2-HMAC-SHA256, export with scrypt by default.

use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::{KeysError, PrivateKey};
use crate::env::Env;
use crate::util::{ct_eq, keccak256_parts, unhex};

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Ceilings on the work a keystore file may ask for on import, so a hostile file cannot
/// exhaust the device's memory or make it spin for minutes. scrypt needs `128·r·N` bytes and
/// `128·r·N·p` block operations: memory is capped at 256 MiB (geth's standard N = 2^18, r = 8
/// is exactly that) and work at 8× that standard (p·r·N ≤ 2^24).
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
const MAX_SCRYPT_WORK: u64 = 1 << 24;
const MAX_SCRYPT_P: u64 = 64;
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;

/// The key-derivation function of an exported keystore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeystoreKdf {
    /// scrypt with `N = 2^log_n`.
    Scrypt {
        /// log2 of N.
        log_n: u8,
        /// Block size.
        r: u32,
        /// Parallelism.
        p: u32,
    },
    /// PBKDF2-HMAC-SHA256.
    Pbkdf2 {
        /// Iterations.
        c: u32,
    },
}

impl KeystoreKdf {
    /// geth's standard scrypt setting: N = 2^18, r = 8, p = 1.
    pub const SCRYPT_STANDARD: KeystoreKdf = KeystoreKdf::Scrypt {
        log_n: 18,
        r: 8,
        p: 1,
    };
    /// PBKDF2 with 262,144 rounds, as in the Web3 Secret Storage examples.
    pub const PBKDF2_STANDARD: KeystoreKdf = KeystoreKdf::Pbkdf2 { c: 262_144 };
    /// A light scrypt (N = 2^12, p = 6), geth's "light" setting for weak devices.
    pub const SCRYPT_LIGHT: KeystoreKdf = KeystoreKdf::Scrypt {
        log_n: 12,
        r: 8,
        p: 6,
    };

    /// The setting an app names: `scrypt` (the default, also for `None`), `pbkdf2` or
    /// `scrypt-light`.
    ///
    /// ```
    /// use jigap_core::keys::KeystoreKdf;
    /// assert_eq!(KeystoreKdf::named(None).unwrap(), KeystoreKdf::SCRYPT_STANDARD);
    /// assert!(KeystoreKdf::named(Some("md5")).is_err());
    /// ```
    pub fn named(name: Option<&str>) -> Result<KeystoreKdf, KeysError> {
        match name.unwrap_or("scrypt") {
            "scrypt" => Ok(KeystoreKdf::SCRYPT_STANDARD),
            "pbkdf2" => Ok(KeystoreKdf::PBKDF2_STANDARD),
            "scrypt-light" => Ok(KeystoreKdf::SCRYPT_LIGHT),
            other => Err(KeysError::Keystore(format!(
                "unknown kdf '{}'; use scrypt, pbkdf2 or scrypt-light",
                other.chars().take(40).collect::<String>()
            ))),
        }
    }

    fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeysError> {
        let mut dk = Zeroizing::new([0u8; 32]);
        match *self {
            KeystoreKdf::Scrypt { log_n, r, p } => {
                let params = scrypt::Params::new(log_n, r, p)
                    .map_err(|_| KeysError::Keystore("invalid scrypt parameters".into()))?;
                scrypt::scrypt(password, salt, &params, &mut *dk)
                    .map_err(|_| KeysError::Keystore("scrypt failed".into()))?;
            }
            KeystoreKdf::Pbkdf2 { c } => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, c, &mut *dk);
            }
        }
        Ok(dk)
    }
}

/// Encrypt `key` into keystore JSON.
pub fn export_keystore(
    env: &Env,
    key: &PrivateKey,
    password: &[u8],
    kdf: KeystoreKdf,
) -> Result<String, KeysError> {
    let salt: [u8; 32] = env.random_array()?;
    let iv: [u8; 16] = env.random_array()?;
    let uuid: [u8; 16] = env.random_array()?;
    let dk = kdf.derive(password, &salt)?;
    let mut ct = *key.to_bytes();
    aes_ctr(&dk, &iv).apply_keystream(&mut ct);
    let mac = keccak256_parts(&[&dk[16..32], &ct]);
    let kdfparams = match kdf {
        KeystoreKdf::Scrypt { log_n, r, p } => {
            json!({"dklen": 32, "n": 1u64 << log_n, "r": r, "p": p, "salt": hex::encode(salt)})
        }
        KeystoreKdf::Pbkdf2 { c } => {
            json!({"dklen": 32, "c": c, "prf": "hmac-sha256", "salt": hex::encode(salt)})
        }
    };
    let kdf_name = match kdf {
        KeystoreKdf::Scrypt { .. } => "scrypt",
        KeystoreKdf::Pbkdf2 { .. } => "pbkdf2",
    };
    let doc = json!({
        "address": hex::encode(key.address().0),
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": hex::encode(iv)},
            "ciphertext": hex::encode(ct),
            "kdf": kdf_name,
            "kdfparams": kdfparams,
            "mac": hex::encode(mac),
        },
        "id": uuid_v4(uuid),
        "version": 3,
    });
    serde_json::to_string_pretty(&doc).map_err(|e| KeysError::Keystore(e.to_string()))
}

/// Decrypt keystore JSON with `password`.
///
/// ```
/// use jigap_core::{env::Env, keys::{PrivateKey, KeystoreKdf, export_keystore, import_keystore}};
/// let k = PrivateKey::from_slice(&[5u8; 32]).unwrap();
/// let json = export_keystore(&Env::system(), &k, b"pw", KeystoreKdf::Pbkdf2 { c: 1000 }).unwrap();
/// assert_eq!(import_keystore(&json, b"pw").unwrap().address(), k.address());
/// assert!(import_keystore(&json, b"wrong").is_err());
/// ```
pub fn import_keystore(json: &str, password: &[u8]) -> Result<PrivateKey, KeysError> {
    let bad = |m: &str| KeysError::Keystore(m.to_string());
    let doc: Value =
        serde_json::from_str(json).map_err(|e| KeysError::Keystore(format!("not JSON: {e}")))?;
    if doc.get("version").and_then(Value::as_u64) != Some(3) {
        return Err(bad("only version 3 keystores are supported"));
    }
    let crypto = doc
        .get("crypto")
        .or_else(|| doc.get("Crypto"))
        .ok_or_else(|| bad("missing 'crypto'"))?;
    let field = |v: &Value, k: &str| -> Result<String, KeysError> {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| KeysError::Keystore(format!("missing or non-string '{k}'")))
    };
    let hexfield = |v: &Value, k: &str| -> Result<Vec<u8>, KeysError> {
        unhex(&field(v, k)?).map_err(|_| KeysError::Keystore(format!("'{k}' is not hex")))
    };
    if field(crypto, "cipher")? != "aes-128-ctr" {
        return Err(bad("cipher must be aes-128-ctr"));
    }
    let iv = hexfield(
        crypto
            .get("cipherparams")
            .ok_or_else(|| bad("missing 'cipherparams'"))?,
        "iv",
    )?;
    let iv: [u8; 16] = iv.try_into().map_err(|_| bad("iv must be 16 bytes"))?;
    let ct = Zeroizing::new(hexfield(crypto, "ciphertext")?);
    if ct.len() != 32 {
        return Err(bad("ciphertext must be 32 bytes"));
    }
    let mac = hexfield(crypto, "mac")?;
    let params = crypto
        .get("kdfparams")
        .ok_or_else(|| bad("missing 'kdfparams'"))?;
    let num = |k: &str| -> Result<u64, KeysError> {
        params
            .get(k)
            .and_then(Value::as_u64)
            .ok_or_else(|| KeysError::Keystore(format!("kdfparams.{k} missing or not a number")))
    };
    // Exactly 32: the MAC covers only the key it derives, so a file claiming another length
    // would be accepted as if it said 32.
    if num("dklen")? != 32 {
        return Err(bad("kdfparams.dklen must be 32"));
    }
    let salt = hexfield(params, "salt")?;
    let kdf = match field(crypto, "kdf")?.as_str() {
        "scrypt" => {
            let n = num("n")?;
            if !n.is_power_of_two() || n < 2 {
                return Err(bad("scrypt n must be a power of two"));
            }
            let log_n = n.trailing_zeros() as u8;
            let r = num("r")?;
            let p = num("p")?;
            if r == 0 || p == 0 || p > MAX_SCRYPT_P {
                return Err(bad("scrypt r and p must be positive, and p at most 64"));
            }
            let memory = r.checked_mul(n).and_then(|rn| rn.checked_mul(128));
            if memory.is_none_or(|m| m > MAX_SCRYPT_MEMORY) {
                return Err(bad(
                    "scrypt asks for more than 256 MiB of memory (128·r·N); refusing to open it",
                ));
            }
            if r.saturating_mul(n).saturating_mul(p) > MAX_SCRYPT_WORK {
                return Err(bad(
                    "scrypt asks for more than 8 times the standard work (p·r·N > 2^24); refusing to open it",
                ));
            }
            KeystoreKdf::Scrypt {
                log_n,
                r: r as u32,
                p: p as u32,
            }
        }
        "pbkdf2" => {
            if params.get("prf").and_then(Value::as_str) != Some("hmac-sha256") {
                return Err(bad("pbkdf2 prf must be hmac-sha256"));
            }
            let c = num("c")?;
            if c == 0 || c > u64::from(MAX_PBKDF2_ROUNDS) {
                return Err(bad("pbkdf2 c must be between 1 and 10,000,000"));
            }
            KeystoreKdf::Pbkdf2 { c: c as u32 }
        }
        other => return Err(KeysError::Keystore(format!("unsupported kdf '{other}'"))),
    };
    let dk = kdf.derive(password, &salt)?;
    let expect = keccak256_parts(&[&dk[16..32], &ct]);
    if !ct_eq(&expect, &mac) {
        return Err(KeysError::KeystoreMac);
    }
    let mut pk = Zeroizing::new([0u8; 32]);
    pk.copy_from_slice(&ct);
    aes_ctr(&dk, &iv).apply_keystream(&mut *pk);
    let key = PrivateKey::from_slice(&*pk)?;
    if let Some(addr) = doc.get("address").and_then(Value::as_str) {
        let want = unhex(addr).map_err(|_| bad("'address' is not hex"))?;
        if want != key.address().0 {
            return Err(bad(
                "the decrypted key does not match the file's address: the file was altered",
            ));
        }
    }
    Ok(key)
}

fn aes_ctr(dk: &[u8; 32], iv: &[u8; 16]) -> Aes128Ctr {
    let mut key = Zeroizing::new([0u8; 16]);
    key.copy_from_slice(&dk[..16]);
    Aes128Ctr::new((&*key).into(), iv.into())
}

fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_params(n: u64, r: u64, p: u64) -> String {
        json!({
            "version": 3,
            "crypto": {
                "cipher": "aes-128-ctr", "cipherparams": {"iv": "00".repeat(16)},
                "ciphertext": "00".repeat(32), "mac": "00".repeat(32), "kdf": "scrypt",
                "kdfparams": {"dklen": 32, "n": n, "r": r, "p": p, "salt": "00".repeat(32)}
            }
        })
        .to_string()
    }

    /// Regression (review finding 8): `128·r·N` memory and `p` were unbounded (only `N` and
    /// `r·p` were), so a crafted keystore could ask for gigabytes or hours. Each is refused
    /// before any derivation, with the reason.
    #[test]
    fn hostile_scrypt_parameters_are_refused_before_any_work() {
        for (n, r, p, why) in [
            (1 << 20, 8, 1, "256 MiB"),  // 1 GiB
            (1 << 18, 16, 1, "256 MiB"), // 512 MiB through r
            (1 << 18, 8, 64, "work"),    // 64× the standard work through p
            (1 << 14, 1, 1 << 20, "p"),  // p beyond any real keystore
            (1 << 10, 0, 1, "positive"),
            (1 << 62, 1 << 40, 1, "256 MiB"), // 128·r·N overflows u64
        ] {
            let e = import_keystore(&with_params(n, r, p), b"pw")
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "n={n} r={r} p={p}: {e}");
        }
        // geth's standard and light settings are within the ceilings (they fail on the MAC).
        for (n, r, p) in [(1 << 12, 8, 6), (1 << 10, 8, 1)] {
            assert!(matches!(
                import_keystore(&with_params(n, r, p), b"pw"),
                Err(KeysError::KeystoreMac)
            ));
        }
    }
}
