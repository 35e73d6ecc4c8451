//! `keys`, `sign`, `verify`, `keystore`: stateless key operations from a mnemonic.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use jigap_core::env::Env;
use jigap_core::keys::{
    DerivationPath, ExtendedPrivateKey, KeystoreKdf, Language, Mnemonic, PrivateKey, Signature,
    TypedData, did_key_from_secp256k1, evm_account_path, export_keystore, identity_path,
    import_keystore, recover_personal_message,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::io::{CliError, CliResult, Out, hex0x, read_text, secret};

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Generate a new mnemonic from OS randomness.
    New {
        /// 12, 15, 18, 21 or 24.
        #[arg(long, default_value_t = 12)]
        words: usize,
        /// Wordlist: en, ko, ja, es, zh-hans, zh-hant, fr, it, cs, pt.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Derive an account from a mnemonic on stdin.
    Derive {
        #[command(flatten)]
        m: MnemonicArgs,
        /// Account index i in m/44'/60'/0'/0/i (and the identity key m/44'/60'/1'/0/i).
        #[arg(long, default_value_t = 0)]
        account: u32,
    },
}

/// Where the mnemonic comes from and how to read it.
#[derive(Args)]
pub struct MnemonicArgs {
    /// Wordlist of the mnemonic (detected from the words when absent).
    #[arg(long)]
    lang: Option<String>,
    /// Read the BIP39 passphrase from this file.
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// Read the mnemonic from this file instead of stdin.
    #[arg(long)]
    mnemonic_file: Option<PathBuf>,
}

impl MnemonicArgs {
    fn root(&self) -> CliResult<ExtendedPrivateKey> {
        let phrase = secret(self.mnemonic_file.as_deref(), "mnemonic")?;
        let lang = self.lang.as_deref().map(Language::parse).transpose()?;
        let m = Mnemonic::parse(&phrase, lang)?;
        let pass = match &self.passphrase_file {
            Some(p) => crate::io::read_secret_file(p, "passphrase")?,
            None => Zeroizing::new(String::new()),
        };
        Ok(ExtendedPrivateKey::from_seed(&*m.to_seed(&pass)?)?)
    }

    fn account(&self, index: u32) -> CliResult<(PrivateKey, DerivationPath)> {
        let path = evm_account_path(index);
        Ok((self.root()?.derive_key(&path)?, path))
    }
}

#[derive(Subcommand)]
pub enum SignCmd {
    /// EIP-191 personal message (`personal_sign`).
    Message {
        #[command(flatten)]
        m: MnemonicArgs,
        #[arg(long, default_value_t = 0)]
        account: u32,
        /// The message text (UTF-8), or 0x-hex bytes with --hex.
        #[arg(long)]
        message: String,
        /// Treat --message as 0x-prefixed hex bytes.
        #[arg(long)]
        hex: bool,
    },
    /// EIP-712 typed data (`eth_signTypedData_v4` JSON).
    TypedData {
        #[command(flatten)]
        m: MnemonicArgs,
        #[arg(long, default_value_t = 0)]
        account: u32,
        /// The typed-data JSON file.
        #[arg(long)]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum VerifyCmd {
    /// Recover the signer of a personal message.
    Message {
        #[arg(long)]
        message: String,
        #[arg(long)]
        hex: bool,
        /// 65-byte r‖s‖v signature, 0x-hex.
        #[arg(long)]
        signature: String,
    },
    /// Recover the signer of typed data.
    TypedData {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        signature: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Kdf {
    Scrypt,
    Pbkdf2,
}

#[derive(Subcommand)]
pub enum KeystoreCmd {
    /// Export an account of the mnemonic on stdin as keystore JSON (printed on stdout).
    Export {
        #[command(flatten)]
        m: MnemonicArgs,
        #[arg(long, default_value_t = 0)]
        account: u32,
        /// File holding the keystore password.
        #[arg(long)]
        password_file: PathBuf,
        #[arg(long, value_enum, default_value = "scrypt")]
        kdf: Kdf,
    },
    /// Decrypt a keystore and print its address.
    Import {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        password_file: PathBuf,
    },
}

fn message_bytes(message: &str, hex: bool) -> CliResult<Vec<u8>> {
    if hex {
        let h = message.strip_prefix("0x").unwrap_or(message);
        hex::decode(h).map_err(|_| CliError::new("input", "--message is not hex"))
    } else {
        Ok(message.as_bytes().to_vec())
    }
}

pub fn keys(cmd: KeysCmd, out: &Out) -> CliResult<()> {
    match cmd {
        KeysCmd::New { words, lang } => {
            let m = Mnemonic::generate(&Env::system(), words, Language::parse(&lang)?)?;
            let phrase = m.phrase();
            out.emit(json!({"mnemonic": &*phrase}), || phrase.to_string());
        }
        KeysCmd::Derive { m, account } => {
            let root = m.root()?;
            let path = evm_account_path(account);
            let key = root.derive_key(&path)?;
            let id = root
                .derive_path(&identity_path(account))?
                .private_key()
                .public_key();
            let did = did_key_from_secp256k1(&id);
            let (addr, pk) = (
                key.address().to_string(),
                hex0x(&key.public_key().to_compressed()),
            );
            out.emit(
                json!({"address": addr, "public_key": pk, "path": path.to_string(), "did": did}),
                || format!("address     {addr}\npublic key  {pk}\npath        {path}\ndid         {did}"),
            );
        }
    }
    Ok(())
}

pub fn sign(cmd: SignCmd, out: &Out) -> CliResult<()> {
    match cmd {
        SignCmd::Message {
            m,
            account,
            message,
            hex,
        } => {
            let (key, _) = m.account(account)?;
            let sig = key.sign_personal_message(&message_bytes(&message, hex)?)?;
            let (a, s) = (key.address().to_string(), sig.to_string());
            out.emit(json!({"address": a, "signature": s}), || {
                format!("address    {a}\nsignature  {s}")
            });
        }
        SignCmd::TypedData { m, account, file } => {
            let td = TypedData::from_json(&read_text(&file, "typed-data file")?)?;
            let digest = td.digest()?;
            let (key, _) = m.account(account)?;
            let sig = key.sign_digest(&digest)?;
            let (a, d, s) = (key.address().to_string(), hex0x(&digest), sig.to_string());
            out.emit(json!({"address": a, "digest": d, "signature": s}), || {
                format!("address    {a}\ndigest     {d}\nsignature  {s}")
            });
        }
    }
    Ok(())
}

pub fn verify(cmd: VerifyCmd, out: &Out) -> CliResult<()> {
    let addr = match cmd {
        VerifyCmd::Message {
            message,
            hex,
            signature,
        } => {
            let sig: Signature = signature.parse()?;
            recover_personal_message(&message_bytes(&message, hex)?, &sig)?
        }
        VerifyCmd::TypedData { file, signature } => {
            let sig: Signature = signature.parse()?;
            let td = TypedData::from_json(&read_text(&file, "typed-data file")?)?;
            sig.recover_address(&td.digest()?)?
        }
    };
    let a = addr.to_string();
    out.emit(json!({"address": a}), || format!("signed by  {a}"));
    Ok(())
}

pub fn keystore(cmd: KeystoreCmd, out: &Out) -> CliResult<()> {
    match cmd {
        KeystoreCmd::Export {
            m,
            account,
            password_file,
            kdf,
        } => {
            let pw = crate::io::read_secret_file(&password_file, "password")?;
            let (key, _) = m.account(account)?;
            let kdf = match kdf {
                Kdf::Scrypt => KeystoreKdf::SCRYPT_STANDARD,
                Kdf::Pbkdf2 => KeystoreKdf::PBKDF2_STANDARD,
            };
            // The keystore JSON is the output in both modes.
            println!(
                "{}",
                export_keystore(&Env::system(), &key, pw.as_bytes(), kdf)?
            );
            let _ = out;
        }
        KeystoreCmd::Import {
            file,
            password_file,
        } => {
            let pw = crate::io::read_secret_file(&password_file, "password")?;
            let key = import_keystore(&read_text(&file, "keystore")?, pw.as_bytes())?;
            let a = key.address().to_string();
            out.emit(json!({"address": a}), || format!("address  {a}"));
        }
    }
    Ok(())
}
