//! `jigap`: the command-line face of the jigap wallet core.
//!
//! Human output by default, `--json` for machines. Secrets (mnemonics, keys, PINs, passwords)
//! come from stdin or a file, never from the command line, where other users and shell
//! history could see them.

mod chain_cmd;
mod config;
mod credential_cmd;
mod demo;
mod demo_chain;
mod evm_cmd;
mod io;
mod keys_cmd;
mod ticket_cmd;
mod vault_cmd;
mod voucher_cmd;

use std::sync::Arc;

use clap::{Parser, Subcommand};
use jigap_core::env::{Env, ManualClock, OsRandom};

use io::{CliError, Out};

const LONG_ABOUT: &str = "\
jigap wallet core from the shell: one tool for every side of an exchange.

  keys, sign, verify, keystore   mnemonics, accounts, EIP-191/EIP-712 signatures, keystores
  vault                          an encrypted wallet (SQLite) in a directory, PIN-protected
  voucher                        CBDC vouchers: issuer (grant, settle, refund, detect),
                                 merchant (request, verify) and wallet (trust, import, pay…)
  ticket                         NFT tickets: issuer (grant, reissue, authorize-gate),
                                 holder (import, show, transfer…) and gate (verify, merge…)
  credential                     verifiable credentials: issue, hold and present, verify
  evm                            Ethereum: sign, decode, send, token transfers, balances,
                                 receipts, speed-up and cancel (--rpc URL of a node)
  demo                           the citizen's journey end to end, on a throwaway vault

Every signing side takes its key the same way: --key-file FILE (a 0x private key or a
mnemonic; stdin when absent) and --account N. Holders use a vault: --dir DIR, with the PIN on
stdin or in --pin-file. The vault's voucher domain (EIP-712 chain and contract) is set once,
at `vault init` or `voucher trust`, and kept in DIR/config.json.

With --json every command prints JSON; a failure prints {\"error\": {\"kind\", \"message\"}}
on stderr with one of the core's error kinds (InvalidInput, WrongPin, Untrusted, …) and exits 1.
Times in JSON are Unix seconds with an ISO 8601 twin (\"issued_at\" and \"issued_at_iso\").";

#[derive(Parser)]
#[command(
    name = "jigap",
    version,
    about = "jigap wallet core: keys and signatures, encrypted vaults, vouchers, tickets, verifiable credentials, and a demo",
    long_about = LONG_ABOUT
)]
struct Cli {
    /// Print results as JSON (errors too, on stderr).
    #[arg(long, global = true)]
    json: bool,
    /// Act as if it were TIME (Unix seconds, or ISO 8601 UTC such as 2026-01-01T00:00:00Z):
    /// what is signed is dated then, and validity, expiry and pass windows are judged then.
    /// For pilots, audits and tests; never in production. PINs are still checked on the real
    /// clock, so a wrong PIN is never dated in the past or the future.
    #[arg(long, global = true, value_name = "TIME")]
    now: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mnemonics and key derivation.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCmd),
    /// Sign a personal message or EIP-712 typed data (key or mnemonic in --key-file, or stdin).
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
    Demo {
        /// Draw the ticket's QR code light on dark when colours are off (NO_COLOR set).
        #[arg(long)]
        invert: bool,
        /// Add the on-chain steps (fund the citizen, a token payment with its explanation, the
        /// receipt and balances), on anvil started here when installed, or on --rpc.
        #[arg(long)]
        chain: bool,
        /// The node for --chain (an anvil or another dev chain whose first Foundry account is funded).
        #[arg(long, value_name = "URL", requires = "chain")]
        rpc: Option<String>,
    },
    /// CBDC vouchers: issuer (grant, settle, refund, detect), merchant (request, verify) and
    /// wallet (trust, import, list, balance, quote, pay, apply, release, history).
    #[command(subcommand)]
    Voucher(Box<voucher_cmd::VoucherCmd>),
    /// NFT tickets: issuer (issuer-id, grant, reissue, reissued, authorize-gate), holder
    /// (trust, holder-id, import, list, show, transfer, cancel-transfer, apply-receipt) and
    /// gate (gate-id, verify, export, merge).
    #[command(subcommand)]
    Ticket(Box<ticket_cmd::TicketCmd>),
    /// Verifiable credentials: issue (test issuer), hold and present, verify.
    #[command(subcommand)]
    Credential(Box<credential_cmd::CredentialCmd>),
    /// Ethereum: sign, decode and send transactions, ERC-20 and ERC-721 transfers, balances,
    /// receipts, pending transactions, speed-up and cancel.
    #[command(subcommand)]
    Evm(Box<evm_cmd::EvmCmd>),
}

/// The environment of every command: OS randomness, and the system clock or the fixed
/// `--now` time.
fn env(now: Option<&str>) -> Result<(Env, bool), CliError> {
    match now {
        None => Ok((Env::system(), false)),
        Some(t) => {
            let secs = io::parse_time(t, "--now")?;
            let ms = secs
                .checked_mul(1000)
                .ok_or_else(|| io::input(format!("--now {t} is too far in the future")))?;
            Ok((Env::new(ManualClock::new(ms), Arc::new(OsRandom)), true))
        }
    }
}

fn main() {
    let cli = Cli::parse();
    let result = env(cli.now.as_deref()).and_then(|(env, fixed_clock)| {
        let out = Out {
            json: cli.json,
            env,
            fixed_clock,
        };
        match cli.command {
            Command::Keys(c) => keys_cmd::keys(c, &out),
            Command::Sign(c) => keys_cmd::sign(c, &out),
            Command::Verify(c) => keys_cmd::verify(c, &out),
            Command::Keystore(c) => keys_cmd::keystore(c, &out),
            Command::Vault(c) => vault_cmd::vault(c, &out),
            Command::Voucher(c) => voucher_cmd::voucher(*c, &out),
            Command::Demo { invert, chain, rpc } => demo::demo(&out, invert, chain, rpc.as_deref()),
            Command::Ticket(c) => ticket_cmd::ticket(*c, &out),
            Command::Credential(c) => credential_cmd::credential(*c, &out),
            Command::Evm(c) => evm_cmd::evm(*c, &out),
        }
    });
    if let Err(CliError { class, message }) = result {
        if cli.json {
            eprintln!(
                "{}",
                serde_json::json!({"error": {"kind": class.name(), "message": message}})
            );
        } else {
            eprintln!("error: {message}");
        }
        std::process::exit(1);
    }
}
