//! Encrypted backup of a whole vault to one file, and restore from it.
//!
//! A backup file leaves the phone: it sits in cloud storage, on a laptop, in an e-mail. An
//! attacker who copies it can try secrets offline for as long as they like, and no wrong-PIN
//! counter applies to a file, so it is encrypted under a **high-entropy secret**, never under
//! the PIN alone (a 6-digit PIN falls to an offline search in about an hour):
//!
//! - a **backup code**: 32 random digits in 8 groups of 4 (106 bits), shown to the user once,
//!   like the recovery codes of end-to-end-encrypted messengers; or
//! - a **passphrase** whose conservatively estimated entropy is at least
//!   [`MIN_PASSPHRASE_BITS`] ([`passphrase_bits`]).
//!
//! Either is stretched with Argon2id (the vault's parameters) before it unwraps the data key.
//!
//! File layout (format 2):
//!
//! ```text
//! "JIGAPBK2"                      8 bytes, magic and version
//! header length                   4 bytes, big-endian (at most 64 KiB)
//! header                          JSON: format, protection ("code" | "passphrase"), vault id,
//!                                 Argon2id parameters, salt, the data key wrapped by the
//!                                 secret's key, record count, times
//! nonce                           12 bytes
//! AES-256-GCM(backup key, records, aad = magic ‖ length ‖ header)
//! ```
//!
//! The backup key is derived from the data key; the header is authenticated as associated
//! data, so any changed byte is detected. Files of format 1 (`JIGAPBK1`, wrapped by the PIN
//! alone) still restore with the PIN they were made with, and report themselves as weak
//! ([`BackupInfo::weak`]) so the app can ask for a new backup.

use std::sync::Arc;

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use super::kdf::KdfParams;
use super::{
    HEADER_KEY, Header, Keys, NONCE_LEN, PIN_STATE_KEY, PinState, Vault, VaultError, VaultOptions,
    aes_decrypt, aes_encrypt, check_pin, pin_state_bytes, unwrap_data_key, wrap_data_key,
};
use crate::env::Env;
use crate::store::{Op, Store};
use crate::util::{hex0x, unhex};

const MAGIC_V1: &[u8; 8] = b"JIGAPBK1";
const MAGIC_V2: &[u8; 8] = b"JIGAPBK2";
/// Largest backup accepted (256 MiB).
const MAX_BACKUP: usize = 256 << 20;
/// Largest backup header accepted.
const MAX_HEADER: usize = 64 << 10;
/// Digits in a backup code.
const CODE_DIGITS: usize = 32;
/// The floor for a backup passphrase, in bits of conservatively estimated entropy: seven
/// random BIP39 words (77 bits), or 12 random characters from letters, digits and symbols.
pub const MIN_PASSPHRASE_BITS: u32 = 72;

/// A backup code: 32 random digits, shown once as 8 groups of 4 (`1234-5678-…`). It carries
/// 106 bits, beyond any offline search. Zeroized on drop; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode(Zeroizing<String>);

impl BackupCode {
    fn generate(env: &Env) -> Result<BackupCode, VaultError> {
        let mut digits = Zeroizing::new(String::with_capacity(CODE_DIGITS));
        while digits.len() < CODE_DIGITS {
            let mut bytes = Zeroizing::new(env.random_array::<32>()?);
            // Bytes ≥ 250 are skipped so every digit is equally likely (250 = 25 × 10).
            for b in bytes.iter().filter(|b| **b < 250) {
                if digits.len() < CODE_DIGITS {
                    digits.push(char::from(b'0' + b % 10));
                }
            }
            bytes.zeroize();
        }
        Ok(BackupCode(digits))
    }

    /// Read a code as typed: 32 digits; spaces and dashes are ignored.
    ///
    /// ```
    /// use jigap_core::vault::BackupCode;
    /// let c = BackupCode::parse("0123 4567-8901 2345 6789 0123 4567 8901").unwrap();
    /// assert_eq!(&*c.grouped(), "0123-4567-8901-2345-6789-0123-4567-8901");
    /// assert!(BackupCode::parse("1234").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<BackupCode, VaultError> {
        let digits: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect(),
        );
        if digits.len() != CODE_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VaultError::BackupCodeFormat);
        }
        Ok(BackupCode(digits))
    }

    /// The code as shown to the user: 8 groups of 4 digits joined by `-`.
    pub fn grouped(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_DIGITS + 7));
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    fn secret(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupCode(…)")
    }
}

/// What protects a new backup.
#[derive(Clone, Copy)]
pub enum BackupSecret<'a> {
    /// A new random backup code (returned in [`Backup::code`], to show once).
    NewCode,
    /// A passphrase of the user's; refused below [`MIN_PASSPHRASE_BITS`].
    Passphrase(&'a str),
}

impl std::fmt::Debug for BackupSecret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BackupSecret::NewCode => "NewCode",
            BackupSecret::Passphrase(_) => "Passphrase(…)",
        })
    }
}

/// A backup file and, when a code protects it, the code to show the user once.
#[derive(Debug)]
pub struct Backup {
    /// The file.
    pub bytes: Vec<u8>,
    /// The backup code (`None` with a passphrase).
    pub code: Option<BackupCode>,
}

/// A backup file and, when a code protects it, the code (8 groups of 4 digits) to show the
/// user once: the form apps receive (see [`Backup`]).
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct WalletBackup {
    /// The encrypted file.
    #[cfg_attr(
        feature = "wasm",
        serde(with = "serde_bytes_js"),
        tsify(type = "Uint8Array")
    )]
    pub bytes: Vec<u8>,
    /// The backup code: show it once, never store it with the file. `None` when a passphrase
    /// protects the backup.
    pub code: Option<String>,
}

impl std::fmt::Debug for WalletBackup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletBackup")
            .field("bytes", &self.bytes.len())
            .field("code", &self.code.as_ref().map(|_| "(shown once)"))
            .finish()
    }
}

impl From<Backup> for WalletBackup {
    fn from(b: Backup) -> WalletBackup {
        WalletBackup {
            code: b.code.map(|c| c.grouped().to_string()),
            bytes: b.bytes,
        }
    }
}

/// `Vec<u8>` as a `Uint8Array` (serde-wasm-bindgen turns `serialize_bytes` into one).
#[cfg(feature = "wasm")]
mod serde_bytes_js {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(b)
    }
}

/// What protects a backup file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "snake_case")
)]
pub enum BackupProtection {
    /// A 32-digit backup code.
    Code,
    /// A passphrase.
    Passphrase,
    /// The PIN alone (format 1, written before this version): weak.
    Pin,
}

impl BackupProtection {
    /// `code`, `passphrase` or `pin`.
    pub fn code(self) -> &'static str {
        match self {
            BackupProtection::Code => "code",
            BackupProtection::Passphrase => "passphrase",
            BackupProtection::Pin => "pin",
        }
    }
}

/// What a backup file says about itself (read without any secret).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct BackupInfo {
    /// File format: 2, or 1 for old PIN-only backups.
    pub format: u32,
    /// What the restore needs.
    pub protection: BackupProtection,
    /// Records in it.
    pub records: u64,
    /// When it was made (Unix ms).
    pub created_at_ms: u64,
    /// `true` for a format-1 file: anyone who copies it can open it by trying every PIN; make
    /// a new backup and delete the old file.
    pub weak: bool,
}

/// A conservative estimate of a passphrase's entropy in bits, for the backup floor. It is a
/// floor check, not a strength meter: it only counts what a guesser cannot shortcut. The
/// passphrase is read as words (split at spaces); each distinct word counts
///
/// - 11 bits if it is in the English or Korean BIP39 list (2048 words),
/// - at most 17 bits if it is made of letters only (a dictionary of 130,000 words),
/// - otherwise `log2` of the alphabet its character classes span (lower, upper, digits,
///   symbols, others) for every character that neither repeats nor continues a run (`aaaa`,
///   `1234`, `abcd` count once).
///
/// ```
/// use jigap_core::vault::passphrase_bits;
/// assert!(passphrase_bits("123456") < 30);
/// assert!(passphrase_bits("password") <= 17);
/// assert!(passphrase_bits("correct horse battery staple") < 72);
/// assert!(passphrase_bits("tT7#kq9!Vz2$mWp4") >= 72);
/// assert!(passphrase_bits("maple orbit velvet canyon ripple fossil quiz") >= 72);
/// ```
pub fn passphrase_bits(passphrase: &str) -> u32 {
    let text = crate::keys::nfkd_text(passphrase).unwrap_or_else(|| passphrase.into());
    let mut words: Vec<String> = text
        .split_whitespace()
        .map(crate::util::fold_case)
        .collect();
    let original: Vec<&str> = passphrase.split_whitespace().collect();
    // Case is counted only inside a word (below), so the same word twice counts once.
    let mut seen: Vec<String> = Vec::new(); // a passphrase has a few words
    let mut bits = 0u32;
    for (i, w) in words.drain(..).enumerate() {
        if seen.contains(&w) {
            continue;
        }
        seen.push(w.clone());
        let listed = [
            crate::keys::Language::English,
            crate::keys::Language::Korean,
        ]
        .iter()
        .any(|l| l.wordlist().is_ok_and(|list| list.find(&w).is_some()));
        let token = original.get(i).copied().unwrap_or(&w);
        bits = bits.saturating_add(if listed {
            11
        } else if token.chars().all(char::is_alphabetic) {
            char_bits(token).min(17)
        } else {
            char_bits(token)
        });
    }
    bits
}

/// The character estimate of one word (see [`passphrase_bits`]).
fn char_bits(token: &str) -> u32 {
    let chars: Vec<char> = token.chars().collect();
    let (mut lower, mut upper, mut digit, mut symbol, mut other) =
        (false, false, false, false, false);
    for c in &chars {
        match c {
            'a'..='z' => lower = true,
            'A'..='Z' => upper = true,
            '0'..='9' => digit = true,
            c if c.is_ascii() => symbol = true,
            _ => other = true,
        }
    }
    let pool: u32 = [
        (lower, 26),
        (upper, 26),
        (digit, 10),
        (symbol, 33),
        (other, 100),
    ]
    .iter()
    .filter(|(used, _)| *used)
    .map(|(_, n)| n)
    .sum();
    let mut effective = 0u32;
    for (i, c) in chars.iter().enumerate() {
        let continues = i
            .checked_sub(1)
            .is_some_and(|j| (*c as i64 - chars[j] as i64).abs() <= 1);
        if !continues {
            effective += 1;
        }
    }
    effective.saturating_mul(log2_centi(pool)) / 100
}

/// `floor(100 · log2(n))` in integers (no floats in the core): the integer part from the bit
/// length, the fraction by repeated squaring of the mantissa.
fn log2_centi(n: u32) -> u32 {
    if n < 2 {
        return 0;
    }
    let int = 31 - n.leading_zeros();
    // Mantissa in [1, 2) as a 32.32 fixed-point number.
    let mut y: u128 = (u128::from(n) << 32) >> int;
    let mut frac = 0u32;
    for i in 0..10 {
        y = (y * y) >> 32;
        if y >= 2 << 32 {
            y >>= 1;
            frac |= 1 << (9 - i);
        }
    }
    int * 100 + frac * 100 / 1024
}

#[derive(Serialize, Deserialize)]
struct BackupHeaderV1 {
    format: u32,
    vault: Header,
    records: u64,
    created_at_ms: u64,
}

#[derive(Serialize, Deserialize)]
struct BackupHeaderV2 {
    format: u32,
    protection: String,
    vault_id: String,
    #[serde(with = "super::kdf::header_form")]
    kdf: KdfParams,
    salt: String,
    wrapped_key: String,
    records: u64,
    created_at_ms: u64,
    vault_created_at_ms: u64,
}

fn backup_key(dk: &[u8; 32], vault_id: &[u8; 16], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut k = Zeroizing::new([0u8; 32]);
    // A 32-byte output is valid for HKDF-SHA256, so expand cannot fail.
    let _ = Hkdf::<Sha256>::new(Some(vault_id), dk).expand(info, &mut *k);
    k
}

/// The parts of a backup file, located without any secret.
struct Parsed<'a> {
    format: u32,
    /// magic ‖ length ‖ header: the associated data.
    aad: &'a [u8],
    header: &'a [u8],
    nonce: &'a [u8],
    ciphertext: &'a [u8],
}

fn parse_file(backup: &[u8]) -> Result<Parsed<'_>, VaultError> {
    if backup.len() > MAX_BACKUP {
        return Err(VaultError::Format("backup larger than 256 MiB".into()));
    }
    let magic = backup
        .get(..8)
        .ok_or_else(|| VaultError::Format("not a jigap backup file (too short)".into()))?;
    let format = match magic {
        m if m == MAGIC_V1 => 1,
        m if m == MAGIC_V2 => 2,
        _ => {
            return Err(VaultError::Format(
                "not a jigap backup file (bad magic)".into(),
            ));
        }
    };
    let len = backup.get(8..12).ok_or(VaultError::BackupAuthentication)?;
    let hlen = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    if hlen > MAX_HEADER {
        return Err(VaultError::BackupAuthentication);
    }
    // Checked arithmetic throughout: on wasm32 `usize` is 32 bits.
    let body_at = 12usize
        .checked_add(hlen)
        .filter(|&e| {
            e.checked_add(NONCE_LEN + 16)
                .is_some_and(|end| end <= backup.len())
        })
        .ok_or(VaultError::BackupAuthentication)?;
    Ok(Parsed {
        format,
        aad: &backup[..body_at],
        header: &backup[12..body_at],
        nonce: &backup[body_at..body_at + NONCE_LEN],
        ciphertext: &backup[body_at + NONCE_LEN..],
    })
}

fn parse_header_v2(raw: &[u8]) -> Result<BackupHeaderV2, VaultError> {
    let h: BackupHeaderV2 =
        serde_json::from_slice(raw).map_err(|_| VaultError::BackupAuthentication)?;
    if h.format != 2 {
        return Err(VaultError::Format(format!(
            "backup format {} is not supported",
            h.format
        )));
    }
    if h.protection != "code" && h.protection != "passphrase" {
        return Err(VaultError::BackupAuthentication);
    }
    h.kdf.check()?;
    Ok(h)
}

fn parse_header_v1(raw: &[u8]) -> Result<(BackupHeaderV1, Header), VaultError> {
    let bh: BackupHeaderV1 =
        serde_json::from_slice(raw).map_err(|_| VaultError::BackupAuthentication)?;
    if bh.format != 1 {
        return Err(VaultError::Format(format!(
            "backup format {} is not supported",
            bh.format
        )));
    }
    let vh = Header::parse(
        &serde_json::to_vec(&bh.vault).map_err(|_| VaultError::BackupAuthentication)?,
    )
    .map_err(|e| match e {
        VaultError::Format(m) if m.starts_with("Argon2id") => VaultError::Format(m),
        _ => VaultError::BackupAuthentication,
    })?;
    if vh.protector.is_some() {
        return Err(VaultError::BackupAuthentication);
    }
    Ok((bh, vh))
}

/// The records of a decrypted payload, as store operations.
fn records(payload: &[u8], expected: u64) -> Result<Vec<Op>, VaultError> {
    let mut ops = Vec::new();
    let mut rest: &[u8] = payload;
    let take = |rest: &mut &[u8], n: usize| -> Result<Vec<u8>, VaultError> {
        if rest.len() < n {
            return Err(VaultError::BackupAuthentication);
        }
        let (a, b) = rest.split_at(n);
        *rest = b;
        Ok(a.to_vec())
    };
    let len = |rest: &mut &[u8]| -> Result<usize, VaultError> {
        let b = take(rest, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    while !rest.is_empty() {
        let kl = len(&mut rest)?;
        let key = take(&mut rest, kl)?;
        let vl = len(&mut rest)?;
        let value = take(&mut rest, vl)?;
        ops.push(Op::Put { key, value });
    }
    if ops.len() as u64 != expected {
        return Err(VaultError::BackupAuthentication);
    }
    Ok(ops)
}

impl Vault {
    /// Write every record to one encrypted backup file, protected by a new backup code or a
    /// strong passphrase (never by the PIN alone). Asks for the PIN again: a stolen, unlocked
    /// phone should not hand out backups.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use jigap_core::{env::Env, store::MemoryStore, vault::*};
    /// let v = Vault::create(Arc::new(MemoryStore::new()), Env::system(), b"1234", VaultOptions::fast_for_tests()).unwrap();
    /// v.put("notes", "n1", b"hello").unwrap();
    /// let backup = v.backup(b"1234", BackupSecret::NewCode).unwrap();
    /// let code = backup.code.unwrap(); // show code.grouped() to the user, once
    /// assert!(v.backup(b"1234", BackupSecret::Passphrase("1234")).is_err()); // too weak
    /// let (restored, info) = Vault::restore(Arc::new(MemoryStore::new()), Env::system(), &backup.bytes,
    ///     code.grouped().as_bytes(), b"5678", VaultOptions::fast_for_tests()).unwrap();
    /// assert!(!info.weak);
    /// assert_eq!(&restored.get("notes", "n1").unwrap().unwrap()[..], b"hello");
    /// ```
    pub fn backup(&self, pin: &[u8], secret: BackupSecret<'_>) -> Result<Backup, VaultError> {
        let keys = self.keys()?;
        if let BackupSecret::Passphrase(p) = secret {
            let estimated_bits = passphrase_bits(p);
            if estimated_bits < MIN_PASSPHRASE_BITS {
                return Err(VaultError::WeakPassphrase {
                    estimated_bits,
                    required_bits: MIN_PASSPHRASE_BITS,
                });
            }
        }
        self.verify_pin(pin)?;
        let (code, protection) = match secret {
            BackupSecret::NewCode => (Some(BackupCode::generate(&self.env)?), "code"),
            BackupSecret::Passphrase(_) => (None, "passphrase"),
        };
        let secret_bytes: Zeroizing<Vec<u8>> = match (&code, secret) {
            (Some(c), _) => Zeroizing::new(c.secret().to_vec()),
            (None, BackupSecret::Passphrase(p)) => Zeroizing::new(p.as_bytes().to_vec()),
            (None, BackupSecret::NewCode) => return Err(VaultError::BackupCodeFormat),
        };
        let salt: [u8; 16] = self.env.random_array()?;
        let kdf = self.options.kdf;
        let secret_key = kdf.derive(&secret_bytes, &salt)?;
        let wrapped = wrap_data_key(&self.env, &secret_key, &keys.data_key, &keys.vault_id)?;
        let rows: Vec<(Vec<u8>, Vec<u8>)> = self
            .store
            .scan(&[])?
            .into_iter()
            .filter(|(k, _)| k != HEADER_KEY && k != PIN_STATE_KEY)
            .collect();
        let mut payload = Zeroizing::new(Vec::new());
        for (k, v) in &rows {
            payload.extend_from_slice(&(k.len() as u32).to_be_bytes());
            payload.extend_from_slice(k);
            payload.extend_from_slice(&(v.len() as u32).to_be_bytes());
            payload.extend_from_slice(v);
        }
        let header = serde_json::to_vec(&BackupHeaderV2 {
            format: 2,
            protection: protection.into(),
            vault_id: hex0x(&keys.vault_id),
            kdf,
            salt: hex0x(&salt),
            wrapped_key: hex0x(&wrapped),
            records: rows.len() as u64,
            created_at_ms: self.env.clock.now_ms(),
            vault_created_at_ms: self.header().created_at_ms,
        })
        .map_err(|e| VaultError::Format(e.to_string()))?;
        let mut out = Vec::with_capacity(payload.len() + header.len() + 64);
        out.extend_from_slice(MAGIC_V2);
        out.extend_from_slice(&(header.len() as u32).to_be_bytes());
        out.extend_from_slice(&header);
        let nonce: [u8; NONCE_LEN] = self.env.random_array()?;
        let bk = backup_key(&keys.data_key, &keys.vault_id, b"jigap backup key v2");
        let ct = aes_encrypt(&bk, &nonce, &payload, &out)?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(Backup { bytes: out, code })
    }

    /// What a backup file needs to be restored (code, passphrase, or — for an old file — the
    /// PIN), read without any secret. Nothing in it is trusted until the restore
    /// authenticates the file.
    pub fn inspect_backup(backup: &[u8]) -> Result<BackupInfo, VaultError> {
        let p = parse_file(backup)?;
        if p.format == 1 {
            let (bh, _) = parse_header_v1(p.header)?;
            return Ok(BackupInfo {
                format: 1,
                protection: BackupProtection::Pin,
                records: bh.records,
                created_at_ms: bh.created_at_ms,
                weak: true,
            });
        }
        let h = parse_header_v2(p.header)?;
        Ok(BackupInfo {
            format: 2,
            protection: if h.protection == "code" {
                BackupProtection::Code
            } else {
                BackupProtection::Passphrase
            },
            records: h.records,
            created_at_ms: h.created_at_ms,
            weak: false,
        })
    }

    /// Restore a backup into an **empty** store and return the vault, unlocked, with what the
    /// file was ([`BackupInfo::weak`] for an old PIN-only file). `secret` is the backup code
    /// (as typed; spaces and dashes ignored) or the passphrase — for an old-format file, the
    /// PIN it was made with. `pin` is the PIN of the restored vault on this device. With a key
    /// protector in `options`, the restored vault is protected by it here.
    pub fn restore(
        store: Arc<dyn Store>,
        env: Env,
        backup: &[u8],
        secret: &[u8],
        pin: &[u8],
        options: VaultOptions,
    ) -> Result<(Vault, BackupInfo), VaultError> {
        check_pin(pin)?;
        if Vault::exists(&*store)? {
            return Err(VaultError::AlreadyExists);
        }
        let info = Vault::inspect_backup(backup)?;
        let p = parse_file(backup)?;
        let (dk, vault_id, expected, vault_created_at_ms, info_key): (_, _, _, _, &[u8]) = if p
            .format
            == 1
        {
            let (bh, vh) = parse_header_v1(p.header)?;
            check_pin(secret).map_err(|_| VaultError::BackupAuthentication)?;
            let vault_id = vh.vault_id()?;
            let pin_key = vh.kdf.derive(secret, &vh.salt()?)?;
            let wrapped = unhex(&vh.wrapped_key).map_err(|_| VaultError::BackupAuthentication)?;
            let dk = unwrap_data_key(&pin_key, &wrapped, &vault_id)
                .ok_or(VaultError::BackupAuthentication)?;
            (
                dk,
                vault_id,
                bh.records,
                vh.created_at_ms,
                b"jigap backup key v1",
            )
        } else {
            let h = parse_header_v2(p.header)?;
            let vault_id: [u8; 16] = unhex(&h.vault_id)
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or(VaultError::BackupAuthentication)?;
            let salt = unhex(&h.salt).map_err(|_| VaultError::BackupAuthentication)?;
            let normalised: Zeroizing<Vec<u8>> = if h.protection == "code" {
                let text = std::str::from_utf8(secret).map_err(|_| VaultError::BackupCodeFormat)?;
                Zeroizing::new(BackupCode::parse(text)?.secret().to_vec())
            } else {
                Zeroizing::new(secret.to_vec())
            };
            let key = h.kdf.derive(&normalised, &salt)?;
            let wrapped = unhex(&h.wrapped_key).map_err(|_| VaultError::BackupAuthentication)?;
            let dk = unwrap_data_key(&key, &wrapped, &vault_id)
                .ok_or(VaultError::BackupAuthentication)?;
            (
                dk,
                vault_id,
                h.records,
                h.vault_created_at_ms,
                b"jigap backup key v2",
            )
        };
        let bk = backup_key(&dk, &vault_id, info_key);
        let payload = aes_decrypt(&bk, p.nonce, p.ciphertext, p.aad)
            .map_err(|_| VaultError::BackupAuthentication)?;
        let mut ops = records(&payload, expected)?;
        // Re-wrap for this device (its own salt, its PIN, and its protector if any).
        let mut header = Vault::new_header(&env, &options, pin, &dk, vault_id)?;
        header.created_at_ms = vault_created_at_ms;
        ops.push(Op::Put {
            key: HEADER_KEY.to_vec(),
            value: header.to_bytes()?,
        });
        ops.push(Op::Put {
            key: PIN_STATE_KEY.to_vec(),
            value: pin_state_bytes(&PinState::default()),
        });
        store.write(&ops)?;
        let vault = Vault::assemble(store, env, options, header, Some(Keys::new(dk, vault_id)))?;
        Ok((vault, info))
    }
}

/// The format-1 writer (the PIN alone wraps the key), kept for the tests that prove old files
/// still restore and report themselves weak.
#[cfg(test)]
pub(crate) fn backup_v1(vault: &Vault, pin: &[u8]) -> Result<Vec<u8>, VaultError> {
    let keys = vault.keys()?;
    let mut plain_opts = vault.options.clone();
    plain_opts.protector = None;
    let vault_header =
        Vault::new_header(&vault.env, &plain_opts, pin, &keys.data_key, keys.vault_id)?;
    let rows: Vec<(Vec<u8>, Vec<u8>)> = vault
        .store
        .scan(&[])?
        .into_iter()
        .filter(|(k, _)| k != HEADER_KEY && k != PIN_STATE_KEY)
        .collect();
    let mut payload = Zeroizing::new(Vec::new());
    for (k, v) in &rows {
        payload.extend_from_slice(&(k.len() as u32).to_be_bytes());
        payload.extend_from_slice(k);
        payload.extend_from_slice(&(v.len() as u32).to_be_bytes());
        payload.extend_from_slice(v);
    }
    let header = serde_json::to_vec(&BackupHeaderV1 {
        format: 1,
        vault: vault_header,
        records: rows.len() as u64,
        created_at_ms: vault.env.clock.now_ms(),
    })
    .map_err(|e| VaultError::Format(e.to_string()))?;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC_V1);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    let aad = out.clone();
    let nonce: [u8; NONCE_LEN] = vault.env.random_array()?;
    let bk = backup_key(&keys.data_key, &keys.vault_id, b"jigap backup key v1");
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&aes_encrypt(&bk, &nonce, &payload, &aad)?);
    Ok(out)
}
