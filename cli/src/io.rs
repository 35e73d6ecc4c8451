//! Input of secrets (stdin or files, never argv), keys, files, times, errors and output
//! (human or JSON).

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use jigap_core::env::Env;
use jigap_core::error::{Classify, ErrorClass};
use jigap_core::keys::{
    DerivationPath, ExtendedPrivateKey, Language, Mnemonic, PrivateKey, evm_account_path,
};
use jigap_core::ticket::{format_utc, parse_utc};
use serde_json::Value;
use zeroize::Zeroizing;

/// A CLI failure: a message for people and, for machines, the kind every binding uses
/// (`ErrorClass::name`: `InvalidInput`, `WrongPin`, `Untrusted`, …).
#[derive(Debug)]
pub struct CliError {
    pub class: ErrorClass,
    pub message: String,
}

impl CliError {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> CliError {
        CliError {
            class,
            message: message.into(),
        }
    }
}

/// Every core error, with the kind the core gives it: the one conversion the CLI has.
impl<E: Classify> From<E> for CliError {
    fn from(e: E) -> CliError {
        CliError::new(e.class(), e.to_string())
    }
}

/// Unacceptable input (an option, a file's content): `InvalidInput`.
pub fn input(message: impl Into<String>) -> CliError {
    CliError::new(ErrorClass::InvalidInput, message)
}

/// A file that could not be written or locked: `Storage`.
pub fn storage(message: impl Into<String>) -> CliError {
    CliError::new(ErrorClass::Storage, message)
}

pub type CliResult<T> = Result<T, CliError>;

/// Where results go, and the time and randomness every command uses.
pub struct Out {
    pub json: bool,
    /// System randomness, and the system clock or the fixed one of `--now`.
    pub env: Env,
    /// `--now` was given: the clock is fixed.
    pub fixed_clock: bool,
}

impl Out {
    /// Print a result: the JSON value with `--json`, else the human lines.
    pub fn emit(&self, value: Value, human: impl FnOnce() -> String) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        } else {
            println!("{}", human());
        }
    }

    /// Now, in Unix seconds (the `--now` time when given).
    pub fn now(&self) -> u64 {
        self.env.clock.now_secs()
    }
}

/// A time given on the command line: Unix seconds, or ISO 8601 / RFC 3339 UTC
/// (`2026-01-01T00:00:00Z`; an offset such as `+09:00` is accepted too).
pub fn parse_time(s: &str, what: &str) -> CliResult<u64> {
    if let Some(t) = parse_utc(s) {
        return Ok(t);
    }
    jigap_core::credential::parse_rfc3339(s.trim()).map_err(|_| {
        input(format!(
            "{what} '{s}' is neither Unix seconds nor an ISO 8601 UTC time such as 2026-01-01T00:00:00Z"
        ))
    })
}

/// Unix seconds as ISO 8601 UTC: `2026-01-01T00:00:00Z`.
pub fn iso(secs: u64) -> String {
    format_utc(secs)
}

/// Add times to a JSON object the way every command prints them: the signed integer (Unix
/// seconds) under its name and the ISO 8601 form beside it, `<name>_iso`.
///
/// `with_times(json!({}), &[("issued_at", 1767225600)])` gives
/// `{"issued_at": 1767225600, "issued_at_iso": "2026-01-01T00:00:00Z"}`.
pub fn with_times(mut v: Value, times: &[(&str, u64)]) -> Value {
    if let Value::Object(m) = &mut v {
        for (name, secs) in times {
            m.insert((*name).to_string(), Value::from(*secs));
            m.insert(format!("{name}_iso"), Value::from(iso(*secs)));
        }
    }
    v
}

/// Parse JSON from a file or an option, saying which one is broken.
pub fn parse_json(text: &str, what: &str) -> CliResult<Value> {
    serde_json::from_str(text).map_err(|e| {
        input(format!(
            "the {what} is not valid JSON ({e}); fix it and try again"
        ))
    })
}

/// All of stdin, trimmed. Used for a mnemonic or a PIN when no file is given.
pub fn read_stdin(what: &str) -> CliResult<Zeroizing<String>> {
    let mut s = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| input(format!("could not read the {what} from stdin: {e}")))?;
    let t = Zeroizing::new(s.trim().to_string());
    if t.is_empty() {
        return Err(input(format!(
            "expected the {what} on stdin (pipe it in, or use the --…-file option)"
        )));
    }
    Ok(t)
}

/// The lines of stdin (for commands that need two secrets, such as an old and a new PIN).
pub fn read_stdin_lines(what: &str, n: usize) -> CliResult<Vec<Zeroizing<String>>> {
    let all = read_stdin(what)?;
    let lines: Vec<Zeroizing<String>> = all
        .lines()
        .map(|l| Zeroizing::new(l.trim().to_string()))
        .collect();
    if lines.len() < n {
        return Err(input(format!("expected {n} lines on stdin: {what}")));
    }
    Ok(lines)
}

/// A secret from a file (trailing newline removed).
pub fn read_secret_file(path: &Path, what: &str) -> CliResult<Zeroizing<String>> {
    let s = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        input(format!(
            "could not read the {what} from {}: {e}",
            path.display()
        ))
    })?);
    Ok(Zeroizing::new(s.trim_end_matches(['\n', '\r']).to_string()))
}

/// A secret from `file` if given, else from stdin.
pub fn secret(file: Option<&Path>, what: &str) -> CliResult<Zeroizing<String>> {
    match file {
        Some(p) => read_secret_file(p, what),
        None => read_stdin(what),
    }
}

/// A whole text file.
pub fn read_text(path: &Path, what: &str) -> CliResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| input(format!("could not read the {what} {}: {e}", path.display())))
}

/// `0x`-prefixed lowercase hex.
pub fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

/// The signing key of every signing side (voucher issuer, ticket issuer and gate, `sign`,
/// `keystore export`, `keys derive`): a file holding a `0x`-hex private key or a BIP39
/// mnemonic, and an account index for a mnemonic.
#[derive(Args, Clone)]
pub struct KeyArgs {
    /// File holding the key: a 0x-hex private key, or a BIP39 mnemonic (then --account picks
    /// the account m/44'/60'/0'/0/N). Stdin when absent.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Account index N in m/44'/60'/0'/0/N, when the key file holds a mnemonic.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub account: u32,
    /// File holding the BIP39 passphrase of the mnemonic (none when absent).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Wordlist of the mnemonic: en, ko, ja, es, zh-hans, zh-hant, fr, it, cs, pt (detected
    /// from the words when absent).
    #[arg(long)]
    pub lang: Option<String>,
}

/// What a key file held.
pub enum KeyMaterial {
    /// A private key.
    Key(PrivateKey),
    /// The root key of a mnemonic's seed.
    Mnemonic(ExtendedPrivateKey),
}

impl KeyArgs {
    /// Read the key file (or stdin).
    pub fn material(&self) -> CliResult<KeyMaterial> {
        let s = secret(self.key_file.as_deref(), "key (0x private key or mnemonic)")?;
        let t = s.trim();
        if let Some(h) = t.strip_prefix("0x") {
            let bytes = Zeroizing::new(hex::decode(h).map_err(|_| {
                input("the key file starts with 0x but is not hex: give a 0x-hex private key (64 hex digits) or a mnemonic")
            })?);
            return Ok(KeyMaterial::Key(PrivateKey::from_slice(&bytes)?));
        }
        let lang = self.lang.as_deref().map(Language::parse).transpose()?;
        let m = Mnemonic::parse(t, lang)?;
        let pass = match &self.passphrase_file {
            Some(p) => read_secret_file(p, "passphrase")?,
            None => Zeroizing::new(String::new()),
        };
        Ok(KeyMaterial::Mnemonic(ExtendedPrivateKey::from_seed(
            &*m.to_seed(&pass)?,
        )?))
    }

    /// The signing key: the private key itself, or account `--account` of the mnemonic, with
    /// its derivation path (none for a private key).
    pub fn key_and_path(&self) -> CliResult<(PrivateKey, Option<DerivationPath>)> {
        match self.material()? {
            KeyMaterial::Key(k) => Ok((k, None)),
            KeyMaterial::Mnemonic(root) => {
                let path = evm_account_path(self.account);
                Ok((root.derive_key(&path)?, Some(path)))
            }
        }
    }

    /// The signing key.
    pub fn key(&self) -> CliResult<PrivateKey> {
        Ok(self.key_and_path()?.0)
    }
}

/// Write a file whole.
pub fn write_file(path: &Path, text: &str) -> CliResult<()> {
    std::fs::write(path, text).map_err(|e| storage(format!("cannot write {}: {e}", path.display())))
}

/// Write through a temporary file and a rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| storage(format!("cannot write {}: {e}", path.display())))
}

/// An exclusive lock on `<path>.lock`, released when the file is dropped: two commands on
/// one registry or state file take turns.
pub fn lock_beside(path: &Path) -> CliResult<std::fs::File> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
        .map_err(|e| storage(format!("cannot open {}: {e}", Path::new(&name).display())))?;
    f.lock()
        .map_err(|e| storage(format!("cannot lock {}: {e}", path.display())))?;
    Ok(f)
}
