//! `keys`, `sign`, `verify`, `keystore`: stateless key operations from a key file (a 0x
//! private key or a mnemonic) or stdin.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use jigap_core::keys::{
    KeystoreKdf, Language, Mnemonic, Signature, TypedData, did_key_from_secp256k1, export_keystore,
    identity_path, import_keystore, personal_message_hash, recover_personal_message,
};
use serde_json::json;

use crate::io::{CliResult, KeyArgs, KeyMaterial, Out, hex0x, input, parse_json, read_text};

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
    /// Derive account --account of the mnemonic in --key-file (or stdin): address, public key,
    /// path and did:key (identity key m/44'/60'/1'/0/N). A 0x private key gives its address.
    Derive {
        #[command(flatten)]
        key: KeyArgs,
    },
}

#[derive(Subcommand)]
pub enum SignCmd {
    /// EIP-191 personal message (`personal_sign`).
    Message {
        #[command(flatten)]
        key: KeyArgs,
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
        key: KeyArgs,
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
    /// Export a key (--key-file or stdin: a 0x key, or account --account of a mnemonic) as
    /// keystore JSON (printed on stdout).
    Export {
        #[command(flatten)]
        key: KeyArgs,
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
        hex::decode(h).map_err(|_| input("--message is not hex"))
    } else {
        Ok(message.as_bytes().to_vec())
    }
}

pub fn keys(cmd: KeysCmd, out: &Out) -> CliResult<()> {
    match cmd {
        KeysCmd::New { words, lang } => {
            let m = Mnemonic::generate(&out.env, words, Language::parse(&lang)?)?;
            let phrase = m.phrase();
            out.emit(json!({"mnemonic": &*phrase}), || phrase.to_string());
        }
        KeysCmd::Derive { key } => {
            let (key, path, did) = match key.material()? {
                KeyMaterial::Key(k) => (k, None, None),
                KeyMaterial::Mnemonic(root) => {
                    let path = jigap_core::keys::evm_account_path(key.account);
                    let k = root.derive_key(&path)?;
                    let id = root
                        .derive_path(&identity_path(key.account))?
                        .private_key()
                        .public_key();
                    (k, Some(path.to_string()), Some(did_key_from_secp256k1(&id)))
                }
            };
            let (addr, pk) = (
                key.address().to_string(),
                hex0x(&key.public_key().to_compressed()),
            );
            out.emit(
                json!({"address": addr, "public_key": pk, "path": path, "did": did}),
                || {
                    format!(
                        "address     {addr}\npublic key  {pk}\npath        {}\ndid         {}",
                        path.as_deref()
                            .unwrap_or("- (a private key, not a mnemonic)"),
                        did.as_deref().unwrap_or("-")
                    )
                },
            );
        }
    }
    Ok(())
}

pub fn sign(cmd: SignCmd, out: &Out) -> CliResult<()> {
    match cmd {
        SignCmd::Message { key, message, hex } => {
            let key = key.key()?;
            let bytes = message_bytes(&message, hex)?;
            let sig = key.sign_personal_message(&bytes)?;
            let (a, d, s) = (
                key.address().to_string(),
                hex0x(&personal_message_hash(&bytes)),
                sig.to_string(),
            );
            out.emit(
                json!({"address": a, "message": message, "hex": hex, "digest": d, "signature": s}),
                || format!("address    {a}\ndigest     {d}\nsignature  {s}"),
            );
        }
        SignCmd::TypedData { key, file } => {
            let text = read_text(&file, "typed-data file")?;
            let td = TypedData::from_json(&text)?;
            let digest = td.digest()?;
            let key = key.key()?;
            let sig = key.sign_digest(&digest)?;
            let (a, d, s) = (key.address().to_string(), hex0x(&digest), sig.to_string());
            out.emit(
                json!({"address": a, "typed_data": parse_json(&text, "typed-data file")?, "digest": d, "signature": s}),
                || format!("address    {a}\ndigest     {d}\nsignature  {s}"),
            );
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
            key,
            password_file,
            kdf,
        } => {
            let pw = crate::io::read_secret_file(&password_file, "password")?;
            let key = key.key()?;
            let kdf = match kdf {
                Kdf::Scrypt => KeystoreKdf::SCRYPT_STANDARD,
                Kdf::Pbkdf2 => KeystoreKdf::PBKDF2_STANDARD,
            };
            // The keystore JSON is the output in both modes.
            println!("{}", export_keystore(&out.env, &key, pw.as_bytes(), kdf)?);
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
