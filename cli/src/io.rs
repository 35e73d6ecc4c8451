//! Input of secrets (stdin or files, never argv) and output (human or JSON).

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use zeroize::Zeroizing;

/// A CLI failure: a message for people and a short kind for machines.
#[derive(Debug)]
pub struct CliError {
    pub kind: &'static str,
    pub message: String,
}

impl CliError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> CliError {
        CliError {
            kind,
            message: message.into(),
        }
    }
}

macro_rules! from_err {
    ($t:ty, $kind:expr) => {
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::new($kind, e.to_string())
            }
        }
    };
}
from_err!(jigap_core::keys::KeysError, "keys");

impl From<jigap_core::vault::VaultError> for CliError {
    fn from(e: jigap_core::vault::VaultError) -> Self {
        use jigap_core::vault::VaultError as V;
        let kind = match &e {
            V::WrongPin { .. } => "wrong_pin",
            V::TooSoon { .. } => "too_soon",
            V::LockedOut(_) => "locked_out",
            V::Tampered(_) | V::BackupAuthentication => "authentication",
            V::NotFound => "not_found",
            V::AlreadyExists => "already_exists",
            _ => "vault",
        };
        CliError::new(kind, e.to_string())
    }
}

impl From<jigap_core::wallet::WalletError> for CliError {
    fn from(e: jigap_core::wallet::WalletError) -> Self {
        use jigap_core::wallet::WalletError as W;
        match e {
            W::Vault(v) => v.into(),
            W::Keys(k) => k.into(),
            other => CliError::new("wallet", other.to_string()),
        }
    }
}
from_err!(jigap_core::store::StoreError, "store");
from_err!(serde_json::Error, "json");
from_err!(jigap_core::env::RandomError, "random");
from_err!(jigap_core::qr::QrError, "qr");

pub type CliResult<T> = Result<T, CliError>;

/// Where results go.
pub struct Out {
    pub json: bool,
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
}

/// All of stdin, trimmed. Used for a mnemonic or a PIN when no file is given.
pub fn read_stdin(what: &str) -> CliResult<Zeroizing<String>> {
    let mut s = Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut s).map_err(|e| {
        CliError::new(
            "input",
            format!("could not read the {what} from stdin: {e}"),
        )
    })?;
    let t = Zeroizing::new(s.trim().to_string());
    if t.is_empty() {
        return Err(CliError::new(
            "input",
            format!("expected the {what} on stdin (pipe it in, or use the --…-file option)"),
        ));
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
        return Err(CliError::new(
            "input",
            format!("expected {n} lines on stdin: {what}"),
        ));
    }
    Ok(lines)
}

/// A secret from a file (trailing newline removed).
pub fn read_secret_file(path: &Path, what: &str) -> CliResult<Zeroizing<String>> {
    let s = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            "input",
            format!("could not read the {what} from {}: {e}", path.display()),
        )
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
    std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            "input",
            format!("could not read the {what} {}: {e}", path.display()),
        )
    })
}

/// `0x`-prefixed lowercase hex.
pub fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}
