//! Encrypted backup of a whole vault to one file, and restore from it.
//!
//! File layout:
//!
//! ```text
//! "JIGAPBK1"                      8 bytes, magic and version
//! header length                   4 bytes, big-endian
//! header                          JSON: format, vault id, Argon2id parameters, salt,
//!                                 the data key wrapped by the PIN (never by a device key)
//! nonce                           12 bytes
//! AES-256-GCM(backup key, records, aad = magic ‖ header)
//! ```
//!
//! The backup key is derived from the data key, so the file opens only with the PIN; the header
//! is authenticated as associated data, so any changed byte is detected.

use std::sync::{Arc, Mutex, RwLock};

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{
    HEADER_KEY, Header, Keys, NONCE_LEN, PIN_STATE_KEY, PinState, Vault, VaultError, VaultOptions,
    aes_decrypt, aes_encrypt, check_pin, pin_state_bytes, unwrap_data_key,
};
use crate::env::Env;
use crate::store::{Op, Store};
use crate::util::unhex;

const BACKUP_MAGIC: &[u8; 8] = b"JIGAPBK1";
/// Largest backup accepted (256 MiB).
const MAX_BACKUP: usize = 256 << 20;

#[derive(Serialize, Deserialize)]
struct BackupHeader {
    format: u32,
    vault: Header,
    records: u64,
    created_at_ms: u64,
}

fn backup_key(dk: &[u8; 32], vault_id: &[u8; 16]) -> Zeroizing<[u8; 32]> {
    let mut k = Zeroizing::new([0u8; 32]);
    let _ = Hkdf::<Sha256>::new(Some(vault_id), dk).expand(b"jigap backup key v1", &mut *k);
    k
}

impl Vault {
    /// Write every record to one encrypted backup file. Asks for the PIN again (a stolen,
    /// unlocked phone should not hand out backups).
    pub fn backup(&self, pin: &[u8]) -> Result<Vec<u8>, VaultError> {
        let keys = self.keys()?;
        self.verify_pin(pin)?;
        // A backup is wrapped by the PIN alone: it must open on a new device.
        let mut plain_opts = self.options.clone();
        plain_opts.protector = None;
        let mut vault_header =
            Vault::new_header(&self.env, &plain_opts, pin, &keys.data_key, keys.vault_id)?;
        vault_header.created_at_ms = self.header().created_at_ms;
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
        let header = serde_json::to_vec(&BackupHeader {
            format: 1,
            vault: vault_header,
            records: rows.len() as u64,
            created_at_ms: self.env.clock.now_ms(),
        })
        .map_err(|e| VaultError::Format(e.to_string()))?;
        let mut out = Vec::with_capacity(payload.len() + header.len() + 64);
        out.extend_from_slice(BACKUP_MAGIC);
        out.extend_from_slice(&(header.len() as u32).to_be_bytes());
        out.extend_from_slice(&header);
        let aad = out.clone();
        let nonce: [u8; NONCE_LEN] = self.env.random_array()?;
        let bk = backup_key(&keys.data_key, &keys.vault_id);
        let ct = aes_encrypt(&bk, &nonce, &payload, &aad)?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Restore a backup into an **empty** store and return the vault, unlocked. With a key
    /// protector in `options`, the restored vault is protected by it on this device.
    pub fn restore(
        store: Arc<dyn Store>,
        env: Env,
        backup: &[u8],
        pin: &[u8],
        options: VaultOptions,
    ) -> Result<Vault, VaultError> {
        check_pin(pin)?;
        if Vault::exists(&*store)? {
            return Err(VaultError::AlreadyExists);
        }
        if backup.len() > MAX_BACKUP {
            return Err(VaultError::Format("backup larger than 256 MiB".into()));
        }
        if backup.len() < 12 || &backup[..8] != BACKUP_MAGIC {
            return Err(VaultError::Format(
                "not a jigap backup file (bad magic)".into(),
            ));
        }
        let hlen = u32::from_be_bytes([backup[8], backup[9], backup[10], backup[11]]) as usize;
        let body_at = 12usize
            .checked_add(hlen)
            .filter(|&e| e + NONCE_LEN + 16 <= backup.len());
        let body_at = body_at.ok_or(VaultError::BackupAuthentication)?;
        let bh: BackupHeader = serde_json::from_slice(&backup[12..body_at])
            .map_err(|_| VaultError::BackupAuthentication)?;
        if bh.format != 1 {
            return Err(VaultError::Format(format!(
                "backup format {} is not supported",
                bh.format
            )));
        }
        let vh = Header::parse(
            &serde_json::to_vec(&bh.vault).map_err(|_| VaultError::BackupAuthentication)?,
        )
        .map_err(|_| VaultError::BackupAuthentication)?;
        if vh.protector.is_some() {
            return Err(VaultError::BackupAuthentication);
        }
        let vault_id = vh.vault_id()?;
        let pin_key = vh.kdf.derive(pin, &vh.salt()?)?;
        let wrapped = unhex(&vh.wrapped_key).map_err(|_| VaultError::BackupAuthentication)?;
        let dk = unwrap_data_key(&pin_key, &wrapped, &vault_id)
            .ok_or(VaultError::BackupAuthentication)?;
        let bk = backup_key(&dk, &vault_id);
        let payload = aes_decrypt(
            &bk,
            &backup[body_at..body_at + NONCE_LEN],
            &backup[body_at + NONCE_LEN..],
            &backup[..body_at],
        )
        .map_err(|_| VaultError::BackupAuthentication)?;
        let mut ops = Vec::new();
        let mut rest: &[u8] = &payload;
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
        if ops.len() as u64 != bh.records {
            return Err(VaultError::BackupAuthentication);
        }
        // Re-wrap for this device (its own salt, and its protector if any).
        let mut header = Vault::new_header(&env, &options, pin, &dk, vault_id)?;
        header.created_at_ms = vh.created_at_ms;
        ops.push(Op::Put {
            key: HEADER_KEY.to_vec(),
            value: header.to_bytes()?,
        });
        ops.push(Op::Put {
            key: PIN_STATE_KEY.to_vec(),
            value: pin_state_bytes(&PinState::default()),
        });
        store.write(&ops)?;
        Ok(Vault {
            store,
            env,
            options,
            header: RwLock::new(header),
            keys: RwLock::new(Some(Arc::new(Keys::new(dk, vault_id)))),
            pin_lock: Mutex::new(()),
        })
    }
}
