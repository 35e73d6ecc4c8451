//! `vault`: an encrypted wallet in `DIR/wallet.db` (SQLite).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use jigap_core::env::{Env, SystemClock};
use jigap_core::error::ErrorClass;
use jigap_core::keys::{Language, Mnemonic};
use jigap_core::store::{SqliteStore, Store};
use jigap_core::vault::{BackupSecret, KdfParams, VaultOptions, calibrate};
use jigap_core::wallet::{Wallet, WalletOptions};
use serde_json::json;
use zeroize::Zeroizing;

use crate::config;
use crate::io::{
    CliError, CliResult, Out, iso, read_secret_file, read_stdin, read_stdin_lines, secret, storage,
};
use crate::voucher_cmd::DomainArgs;

#[derive(Clone, Copy, ValueEnum)]
pub enum KdfChoice {
    /// Argon2id 64 MiB, 3 passes (0.3–1 s on a phone).
    Default,
    /// Measure this machine and pick parameters that take about 1 s.
    Calibrate,
    /// 256 KiB, 1 pass: INSECURE, for tests and demos only.
    Fast,
}

/// Where the vault is and how to get its PIN.
#[derive(Args, Clone)]
pub struct VaultArgs {
    /// Directory holding wallet.db.
    #[arg(long)]
    pub dir: PathBuf,
    /// Read the PIN from this file instead of stdin.
    #[arg(long)]
    pub pin_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum VaultCmd {
    /// Create a vault with a new mnemonic (shown once), or restore one with --mnemonic-file.
    /// Its voucher domain (--chain-id, --contract; the demo domain by default) is written to
    /// DIR/config.json.
    Init {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long, default_value_t = 12)]
        words: usize,
        #[arg(long, default_value = "en")]
        lang: String,
        /// Restore from the mnemonic in this file instead of creating a new one.
        #[arg(long)]
        mnemonic_file: Option<PathBuf>,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "default")]
        kdf: KdfChoice,
    },
    /// Unlock the vault and show its accounts.
    Open {
        #[command(flatten)]
        v: VaultArgs,
    },
    /// Change the PIN (stdin: old PIN, then new PIN, one per line; or the two file options).
    ChangePin {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, requires = "new_pin_file")]
        pin_file: Option<PathBuf>,
        #[arg(long)]
        new_pin_file: Option<PathBuf>,
        /// Also replace the data key and re-encrypt every record (when the old PIN or an old
        /// copy of the vault may be known to someone).
        #[arg(long)]
        rekey: bool,
    },
    /// Write an encrypted backup file (PIN required), under a new backup code printed once
    /// (write it down; it is not stored anywhere), or under a strong passphrase.
    Backup {
        #[command(flatten)]
        v: VaultArgs,
        /// Backup file to write.
        #[arg(long)]
        out: PathBuf,
        /// Protect the backup with the passphrase in this file instead of a backup code
        /// (refused if it is guessable: at least about 72 bits, e.g. seven random words).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Restore a backup file into an empty directory (its voucher domain: --chain-id and
    /// --contract, the demo domain by default; the backup does not carry it).
    Restore {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        /// Backup file to read.
        #[arg(long)]
        file: PathBuf,
        /// The backup code or passphrase, in a file (for an old-format backup: its PIN).
        /// Without it, stdin gives it before the PIN.
        #[arg(long)]
        secret_file: Option<PathBuf>,
    },
    /// What a backup file needs to be restored (no secret read).
    InspectBackup {
        /// Backup file to read.
        #[arg(long)]
        file: PathBuf,
    },
    /// Show the recovery phrase (PIN required).
    ExportMnemonic {
        #[command(flatten)]
        v: VaultArgs,
    },
}

fn db_store(dir: &Path) -> CliResult<Arc<dyn Store>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| storage(format!("cannot create {}: {e}", dir.display())))?;
    Ok(Arc::new(SqliteStore::open(dir.join("wallet.db"))?))
}

/// Options for opening: never silently re-wrap a vault the CLI did not create itself.
pub fn open_options() -> VaultOptions {
    VaultOptions {
        upgrade_kdf: false,
        ..VaultOptions::default()
    }
}

/// Open and unlock the vault in `v.dir`, on the command's clock.
pub fn open_wallet(v: &VaultArgs, out: &Out) -> CliResult<Wallet> {
    let path = v.dir.join("wallet.db");
    if !path.exists() {
        return Err(CliError::new(
            ErrorClass::NotFound,
            format!(
                "no vault at {}; run `jigap vault init --dir {}` first",
                path.display(),
                v.dir.display()
            ),
        ));
    }
    let pin = secret(v.pin_file.as_deref(), "PIN")?;
    unlocked(&v.dir, out, pin.as_bytes())
}

/// Under `--now`, check the PIN on the real clock first: a wrong PIN is then counted and dated
/// now. Dated by the fixed clock, a failure in the future would refuse the right PIN until
/// that date ("too soon"), and one in the past would skip the wait the PIN policy imposes.
fn check_pin_on_real_clock(dir: &Path, out: &Out, pin: &[u8]) -> CliResult<()> {
    if out.fixed_clock {
        Wallet::open(db_store(dir)?, Env::system(), open_options())?.unlock(pin)?;
    }
    Ok(())
}

/// The vault in `dir` on the command's env, unlocked with `pin`.
fn unlocked(dir: &Path, out: &Out, pin: &[u8]) -> CliResult<Wallet> {
    check_pin_on_real_clock(dir, out, pin)?;
    let w = Wallet::open(db_store(dir)?, out.env.clone(), open_options())?;
    w.unlock(pin)?;
    Ok(w)
}

fn summary(w: &Wallet) -> CliResult<serde_json::Value> {
    let accounts: Vec<String> = w
        .accounts()?
        .iter()
        .map(|a| a.address.to_string())
        .collect();
    let id = w.identity(0)?;
    let kdf = w.vault().kdf_params();
    Ok(json!({
        "address": accounts.first(),
        "accounts": accounts,
        "did": id.did,
        "attempts_left": w.attempts_left()?,
        "kdf": {"algorithm": "argon2id", "m_kib": kdf.m_kib, "t": kdf.t, "p": kdf.p},
    }))
}

fn human_summary(v: &serde_json::Value) -> String {
    format!(
        "address        {}\ndid            {}\naccounts       {}\nattempts left  {}",
        v["address"].as_str().unwrap_or(""),
        v["did"].as_str().unwrap_or(""),
        v["accounts"].as_array().map(|a| a.len()).unwrap_or(0),
        v["attempts_left"]
    )
}

pub fn vault(cmd: VaultCmd, out: &Out) -> CliResult<()> {
    match cmd {
        VaultCmd::Init {
            v,
            d,
            words,
            lang,
            mnemonic_file,
            passphrase_file,
            kdf,
        } => {
            let pin = secret(v.pin_file.as_deref(), "PIN")?;
            let kdf = match kdf {
                KdfChoice::Default => KdfParams::DEFAULT,
                KdfChoice::Fast => KdfParams::FAST_INSECURE,
                // Calibration measures how long the KDF takes, so it needs the real clock even
                // under --now (a fixed clock would make every probe look instant).
                KdfChoice::Calibrate => calibrate(&SystemClock, 1000, 64 * 1024)?,
            };
            let vault_opts = VaultOptions {
                kdf,
                ..open_options()
            };
            let passphrase = match &passphrase_file {
                Some(p) => read_secret_file(p, "passphrase")?,
                None => Zeroizing::new(String::new()),
            };
            let domain = d.for_new_vault()?;
            let store = db_store(&v.dir)?;
            let (w, shown) = match &mnemonic_file {
                Some(f) => {
                    let phrase = read_secret_file(f, "mnemonic")?;
                    let m = Mnemonic::parse(&phrase, None)?;
                    (
                        Wallet::restore(
                            store,
                            out.env.clone(),
                            pin.as_bytes(),
                            &m,
                            &passphrase,
                            vault_opts,
                        )?,
                        None,
                    )
                }
                None => {
                    let co = WalletOptions {
                        vault: vault_opts,
                        words,
                        language: Language::parse(&lang)?,
                        passphrase: passphrase.clone(),
                    };
                    let (w, m) = Wallet::create(store, out.env.clone(), pin.as_bytes(), co)?;
                    (w, Some(m.phrase()))
                }
            };
            config::set_voucher_domain(&v.dir, &domain)?;
            let mut s = summary(&w)?;
            s["voucher_domain"] = config::domain_json(&domain);
            if let Some(p) = &shown {
                s["mnemonic"] = json!(&**p);
            }
            out.emit(s.clone(), || {
                let mut h = human_summary(&s);
                if let Some(p) = &shown {
                    h.push_str(&format!(
                        "\n\nRecovery phrase (write it down; it is shown only once):\n{}",
                        &**p
                    ));
                }
                h
            });
        }
        VaultCmd::Open { v } => {
            let w = open_wallet(&v, out)?;
            let s = summary(&w)?;
            out.emit(s.clone(), || human_summary(&s));
        }
        VaultCmd::ChangePin {
            dir,
            pin_file,
            new_pin_file,
            rekey,
        } => {
            let (old, new) = match (&pin_file, &new_pin_file) {
                (Some(a), Some(b)) => {
                    (read_secret_file(a, "PIN")?, read_secret_file(b, "new PIN")?)
                }
                (None, Some(b)) => (secret(None, "PIN")?, read_secret_file(b, "new PIN")?),
                _ => {
                    let mut l = read_stdin_lines("the old PIN, then the new PIN", 2)?;
                    let new = l.remove(1);
                    (l.remove(0), new)
                }
            };
            check_pin_on_real_clock(&dir, out, old.as_bytes())?;
            let w = Wallet::open(db_store(&dir)?, out.env.clone(), open_options())?;
            if rekey {
                w.rekey(old.as_bytes(), new.as_bytes())?;
            } else {
                w.change_pin(old.as_bytes(), new.as_bytes())?;
            }
            out.emit(json!({"changed": true, "rekeyed": rekey}), || {
                if rekey {
                    "PIN changed and every record re-encrypted under a new data key".into()
                } else {
                    "PIN changed".into()
                }
            });
        }
        VaultCmd::Backup {
            v,
            out: file,
            passphrase_file,
        } => {
            let pin = secret(v.pin_file.as_deref(), "PIN")?;
            let passphrase = match &passphrase_file {
                Some(p) => Some(read_secret_file(p, "backup passphrase")?),
                None => None,
            };
            let w = unlocked(&v.dir, out, pin.as_bytes())?;
            let protection = match &passphrase {
                Some(p) => BackupSecret::Passphrase(p),
                None => BackupSecret::NewCode,
            };
            let b = w.backup(pin.as_bytes(), protection)?;
            std::fs::write(&file, &b.bytes)
                .map_err(|e| storage(format!("cannot write {}: {e}", file.display())))?;
            let f = file.display().to_string();
            let code = b.code.map(|c| c.grouped());
            let n = b.bytes.len();
            out.emit(
                json!({"file": f, "bytes": n, "protection": if code.is_some() { "code" } else { "passphrase" },
                       "code": code.as_deref().map(|c| c.as_str())}),
                || match &code {
                    Some(c) => format!(
                        "backup written to {f} ({n} bytes)\nbackup code (write it down now; it is shown only once and needed to restore):\n  {}",
                        c.as_str()
                    ),
                    None => format!("backup written to {f} ({n} bytes), protected by your passphrase"),
                },
            );
        }
        VaultCmd::Restore {
            v,
            d,
            file,
            secret_file,
        } => {
            let bytes = read_file(&file)?;
            let domain = d.for_new_vault()?;
            let (backup_secret, pin) = match (&secret_file, &v.pin_file) {
                (Some(s), Some(p)) => (
                    read_secret_file(s, "backup code or passphrase")?,
                    read_secret_file(p, "PIN")?,
                ),
                (Some(s), None) => (
                    read_secret_file(s, "backup code or passphrase")?,
                    read_stdin("PIN")?,
                ),
                (None, Some(p)) => (
                    read_stdin("backup code or passphrase")?,
                    read_secret_file(p, "PIN")?,
                ),
                (None, None) => {
                    let mut l =
                        read_stdin_lines("the backup code or passphrase, then the new PIN", 2)?;
                    let pin = l.remove(1);
                    (l.remove(0), pin)
                }
            };
            let (w, info) = Wallet::restore_backup(
                db_store(&v.dir)?,
                out.env.clone(),
                &bytes,
                backup_secret.as_bytes(),
                pin.as_bytes(),
                open_options(),
            )?;
            config::set_voucher_domain(&v.dir, &domain)?;
            let mut s = summary(&w)?;
            s["voucher_domain"] = config::domain_json(&domain);
            s["backup"] = backup_json(&info);
            out.emit(s.clone(), || {
                let mut h = human_summary(&s);
                if info.weak {
                    h.push_str("\nwarning: this backup was protected by the PIN alone (old format): anyone with the file can open it by trying PINs. Make a new backup with `jigap vault backup` and delete the old file.");
                }
                h
            });
        }
        VaultCmd::InspectBackup { file } => {
            let bytes = read_file(&file)?;
            let info = jigap_core::vault::Vault::inspect_backup(&bytes)?;
            let j = backup_json(&info);
            out.emit(j, || {
                format!(
                    "backup format {}, {} records, protected by {}",
                    info.format,
                    info.records,
                    match info.protection {
                        jigap_core::vault::BackupProtection::Code => "a backup code",
                        jigap_core::vault::BackupProtection::Passphrase => "a passphrase",
                        jigap_core::vault::BackupProtection::Pin =>
                            "the PIN alone (old format: weak, make a new backup)",
                    },
                )
            });
        }
        VaultCmd::ExportMnemonic { v } => {
            let pin = secret(v.pin_file.as_deref(), "PIN")?;
            let w = unlocked(&v.dir, out, pin.as_bytes())?;
            let m = w.export_mnemonic(pin.as_bytes())?;
            let p = m.phrase();
            out.emit(json!({"mnemonic": &*p}), || p.to_string());
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| crate::io::input(format!("cannot read {}: {e}", path.display())))
}

fn backup_json(info: &jigap_core::vault::BackupInfo) -> serde_json::Value {
    // The backup header dates itself in milliseconds; the ISO form is to the second.
    let mut j = json!({"format": info.format, "protection": info.protection.code(), "records": info.records,
           "created_at_ms": info.created_at_ms, "weak": info.weak});
    j["created_at_iso"] = json!(iso(info.created_at_ms / 1000));
    j
}
