//! `jigap`: the command-line face of the jigap wallet core.
//!
//! Human output by default, `--json` for machines. Secrets (mnemonics, PINs, passwords) come
//! from stdin or a file, never from the command line, where other users and shell history
//! could see them.

mod credential_cmd;
mod demo;
mod io;
mod keys_cmd;
mod ticket_cmd;
mod vault_cmd;
mod voucher_cmd;

use clap::{Parser, Subcommand};

use io::{CliError, Out};

#[derive(Parser)]
#[command(
    name = "jigap",
    version,
    about = "jigap wallet core: keys, signatures, keystores, encrypted vaults and verifiable credentials"
)]
struct Cli {
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mnemonics and key derivation.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCmd),
    /// Sign a personal message or EIP-712 typed data (mnemonic on stdin).
    #[command(subcommand)]
    Sign(keys_cmd::SignCmd),
    /// Recover the signer of a message or typed data.
    #[command(subcommand)]
    Verify(keys_cmd::VerifyCmd),
    /// Web3 Secret Storage v3 keystores.
    #[command(subcommand)]
    Keystore(keys_cmd::KeystoreCmd),
    /// An encrypted wallet vault in a SQLite file under a directory.
    #[command(subcommand)]
    Vault(vault_cmd::VaultCmd),
    /// The citizen's journey end to end, on a temporary SQLite vault (fast, insecure demo KDF).
    Demo,
    /// CBDC vouchers: issuer, merchant and wallet commands.
    #[command(subcommand)]
    Voucher(Box<voucher_cmd::VoucherCmd>),
    /// NFT tickets: issuer (grant, reissue, authorize-gate), holder (import, list, show,
    /// transfer, apply-receipt) and gate (verify, export, merge).
    #[command(subcommand)]
    Ticket(Box<ticket_cmd::TicketCmd>),
    /// Verifiable credentials: issue (test issuer), hold and present, verify.
    #[command(subcommand)]
    Credential(Box<credential_cmd::CredentialCmd>),
}

fn main() {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    let result = match cli.command {
        Command::Keys(c) => keys_cmd::keys(c, &out),
        Command::Sign(c) => keys_cmd::sign(c, &out),
        Command::Verify(c) => keys_cmd::verify(c, &out),
        Command::Keystore(c) => keys_cmd::keystore(c, &out),
        Command::Vault(c) => vault_cmd::vault(c, &out),
        Command::Voucher(c) => voucher_cmd::voucher(*c, &out),
        Command::Demo => demo::demo(&out),
        Command::Ticket(c) => ticket_cmd::ticket(*c, &out),
        Command::Credential(c) => credential_cmd::credential(*c, &out),
    };
    if let Err(CliError { kind, message }) = result {
        if out.json {
            eprintln!(
                "{}",
                serde_json::json!({"error": {"kind": kind, "message": message}})
            );
        } else {
            eprintln!("error: {message}");
        }
        std::process::exit(1);
    }
}
