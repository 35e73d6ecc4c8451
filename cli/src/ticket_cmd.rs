//! `ticket`: NFT tickets for the three parties.
//!
//! - issuer (key: `--key-file` with a 0x key or a mnemonic, or stdin; account `--account`):
//!   `issuer-id`, `grant`, `reissue`, `reissued`, `authorize-gate`;
//! - holder (a vault in `--dir`, PIN on stdin or `--pin-file`): `trust`, `holder-id`,
//!   `import`, `list`, `show`, `transfer`, `cancel-transfer`, `apply-receipt`;
//! - gate (key: the gate operator's, as for the issuer; configuration in `--config FILE`;
//!   entered set in `--state FILE`): `gate-id`, `verify`, `export`, `merge`.
//!
//! Payloads (`JGID:`, `JGTG:`, `JGTR:`, `JGTP:`, `JGCR:`, `JGGA:`) are given either as the
//! text itself or as the path of a file holding it.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use jigap_core::keys::Address;
use jigap_core::qr::{QrImage, TerminalStyle};
use jigap_core::ticket::{
    Gate, GateAuthorization, GateKey, Issuer, Pass, SignedGrant, Ticket, TicketError, TicketEvent,
    TicketIdentity, TicketPass, TicketRef, TicketSeat, TicketState, TicketTerms,
    TicketTransferPolicy, Tickets, TokenId, TransferRequest, eip712, parse_utc,
};
use serde_json::{Value, json};

use crate::io::{
    CliResult, KeyArgs, Out, hex0x, input, iso, lock_beside, parse_json, read_text, storage,
    with_times, write_atomic, write_file,
};
use crate::vault_cmd::{VaultArgs, open_wallet};

pub(crate) fn issuer(key: &KeyArgs, out: &Out) -> CliResult<Issuer> {
    Ok(Issuer::new(out.env.clone(), key.key()?)?)
}

/// The ticket's token and event, for `grant` and `authorize-gate`.
#[derive(Args)]
pub struct TokenArgs {
    /// EIP-155 chain id of the ERC-721 contract.
    #[arg(long)]
    chain_id: u64,
    /// The ERC-721 contract address.
    #[arg(long)]
    contract: String,
    /// The event as a JSON file: {"id", "name", "venue", "doors_open", "start", "end"}, times
    /// as Unix seconds or "2026-05-28T19:00:00Z".
    #[arg(long)]
    event: PathBuf,
}

impl TokenArgs {
    fn contract(&self) -> CliResult<Address> {
        Ok(self.contract.parse()?)
    }

    fn event(&self) -> CliResult<TicketEvent> {
        let v = parse_json(&read_text(&self.event, "event file")?, "event file")?;
        let s = |k: &str| -> CliResult<String> {
            match &v[k] {
                Value::Null => Ok(String::new()),
                Value::String(s) => Ok(s.clone()),
                _ => Err(input(format!("event field '{k}' must be a string"))),
            }
        };
        let t = |k: &str| -> CliResult<u64> {
            let bad = || {
                input(format!(
                    "event field '{k}' must be Unix seconds or YYYY-MM-DDTHH:MM:SSZ"
                ))
            };
            match &v[k] {
                Value::Number(n) => n.as_u64().ok_or_else(bad),
                Value::String(s) => parse_utc(s).ok_or_else(bad),
                _ => Err(bad()),
            }
        };
        let e = TicketEvent {
            id: s("id")?,
            name: s("name")?,
            venue: s("venue")?,
            doors_open: t("doors_open")?,
            start: t("start")?,
            end: t("end")?,
        };
        e.validate()?;
        Ok(e)
    }
}

/// A gate: its operator's key, its configuration and its state file.
#[derive(Args)]
pub struct GateArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// Gate configuration (JSON): {"issuers": ["JGID:…"], "authorizations": ["JGGA:…"]}, and
    /// optionally "current_transfers": {"chainId:contract:tokenId": n} from `ticket reissued`.
    #[arg(long)]
    config: PathBuf,
    /// The gate's entered set (created when missing, rewritten after each admission).
    #[arg(long)]
    state: PathBuf,
}

impl GateArgs {
    /// The gate with its state loaded, and the lock on its state file: two gate processes on
    /// one state file take turns, so a ticket cannot enter twice between a read and a write.
    fn open(&self, out: &Out) -> CliResult<(Gate, std::fs::File)> {
        let lock = lock_beside(&self.state)?;
        let v = parse_json(
            &read_text(&self.config, "gate configuration")?,
            "gate configuration",
        )?;
        let list = |k: &str| -> CliResult<Vec<String>> {
            v[k].as_array()
                .ok_or_else(|| input(format!("the gate configuration needs an array \"{k}\"")))?
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| input(format!("\"{k}\" must hold strings")))
                })
                .collect()
        };
        let issuers = list("issuers")?
            .iter()
            .map(|t| payload(t, "issuer identity").and_then(|t| Ok(TicketIdentity::from_text(&t)?)))
            .collect::<CliResult<Vec<_>>>()?;
        let auths = list("authorizations")?
            .iter()
            .map(|t| {
                payload(t, "gate authorization").and_then(|t| Ok(GateAuthorization::from_text(&t)?))
            })
            .collect::<CliResult<Vec<_>>>()?;
        let mut gate = Gate::new(
            out.env.clone(),
            GateKey::from_account(&self.key.key()?),
            &issuers,
            &auths,
        )?;
        if let Some(m) = v.get("current_transfers").and_then(Value::as_object) {
            for (k, n) in m {
                let n = n
                    .as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| input(format!("current_transfers[\"{k}\"] must be 0 to 255")))?;
                gate.set_current_transfers(k.parse()?, n);
            }
        }
        if self.state.exists() {
            let bytes = std::fs::read(&self.state)
                .map_err(|e| storage(format!("cannot read {}: {e}", self.state.display())))?;
            gate.merge(&bytes)?;
        }
        Ok((gate, lock))
    }

    fn save(&self, gate: &Gate) -> CliResult<()> {
        write_atomic(&self.state, &gate.export()?)
    }
}

#[derive(Subcommand)]
pub enum TicketCmd {
    /// On chain (`TicketToken`): deploy, mint-onchain, set-gate, resell, buy,
    /// check-in-onchain, chain-state, sync.
    #[command(flatten)]
    Chain(crate::chain_cmd::TicketChainCmd),
    /// Issuer: print the issuer identity (address + seal key) that apps and gates trust.
    IssuerId {
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Issuer: sign and seal a grant for a holder (their ticket holder id).
    Grant {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        token: TokenArgs,
        /// Token id (decimal or 0x-hex, up to 2^256 - 1).
        #[arg(long)]
        token_id: String,
        /// The holder's ticket holder id (JGID:… text or a file holding it).
        #[arg(long)]
        holder: String,
        /// Seat section (or the area, with --general-admission).
        #[arg(long, default_value = "")]
        section: String,
        /// Seat row.
        #[arg(long, default_value = "")]
        row: String,
        /// Seat number.
        #[arg(long, default_value = "")]
        number: String,
        /// General admission (no row or number).
        #[arg(long)]
        general_admission: bool,
        /// Tier or price category.
        #[arg(long, default_value = "")]
        tier: String,
        /// Allow transfers, up to --price-cap (minor units of --currency) and --max-transfers.
        #[arg(long, requires_all = ["currency", "price_cap", "max_transfers"])]
        transferable: bool,
        /// Currency of the price cap (A-Z, 0-9; e.g. KRW).
        #[arg(long)]
        currency: Option<String>,
        /// Highest resale price, in minor units.
        #[arg(long)]
        price_cap: Option<u64>,
        /// How many transfers in all (1-255).
        #[arg(long)]
        max_transfers: Option<u8>,
        /// Registry of issued tickets (JSON; refuses issuing a token twice). Created if missing.
        /// Required: without it the issuer could not know what it already issued.
        #[arg(long)]
        registry: PathBuf,
        /// Also write the grant text to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Issuer: reissue a grant to the new holder named in the holder's transfer request.
    Reissue {
        #[command(flatten)]
        key: KeyArgs,
        /// The current grant (JGTG:… or a file).
        #[arg(long)]
        grant: String,
        /// The transfer request (JGTR:… or a file).
        #[arg(long)]
        request: String,
        /// Registry of issued tickets (refuses reissuing the same grant twice). Required: a
        /// reissue without the issuer's record of the ticket would let one grant be sold twice.
        #[arg(long)]
        registry: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Issuer: the reissued tickets of a registry, as "current_transfers" for gate configurations.
    Reissued {
        /// The issuer's registry (from `ticket grant`/`ticket reissue --registry`).
        #[arg(long)]
        registry: PathBuf,
    },
    /// Issuer: authorise a gate key (from `ticket gate-id`) to admit an event.
    AuthorizeGate {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        token: TokenArgs,
        /// The gate's public key, 0x-hex (from `ticket gate-id`).
        #[arg(long)]
        gate_key: String,
        /// The gate's name (shown in receipts).
        #[arg(long)]
        gate_name: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Holder: trust a ticket issuer (its JGID:… identity) in this wallet.
    Trust {
        #[command(flatten)]
        v: VaultArgs,
        #[arg(long)]
        issuer: String,
    },
    /// Holder: print the ticket holder id (address + pass key) to give to an issuer or seller.
    HolderId {
        #[command(flatten)]
        v: VaultArgs,
        #[arg(long, default_value_t = 0)]
        account: u32,
    },
    /// Holder: import a grant.
    Import {
        #[command(flatten)]
        v: VaultArgs,
        /// The grant (JGTG:… or a file).
        #[arg(long)]
        grant: String,
    },
    /// Holder: list tickets, upcoming first.
    List {
        #[command(flatten)]
        v: VaultArgs,
    },
    /// Holder: show the pass for the current 15-second window (text, terminal QR, SVG).
    ///
    /// The terminal QR is painted black on white with explicit colours and a 4-module quiet
    /// zone, so it scans on light and dark terminals alike. With NO_COLOR set it is drawn in
    /// the terminal's own text colour: dark modules as blocks (for dark text on a light
    /// background), or light ones with --invert (for light text on a dark background).
    Show {
        #[command(flatten)]
        v: VaultArgs,
        /// chainId:contract:tokenId, or just the token id when it is unique.
        #[arg(long)]
        ticket: String,
        /// Write the QR code as SVG to this file.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// Draw the light modules as blocks (for light-on-dark terminals when colours are off).
        #[arg(long)]
        invert: bool,
    },
    /// Holder: sign a transfer request (if the ticket's policy allows it).
    Transfer {
        #[command(flatten)]
        v: VaultArgs,
        #[arg(long)]
        ticket: String,
        /// The new holder's ticket holder id (JGID:… or a file).
        #[arg(long)]
        to: String,
        /// Price in minor units.
        #[arg(long)]
        price: u64,
        /// Currency of the price (the ticket's policy currency).
        #[arg(long)]
        currency: String,
        /// Also write the request text to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Holder: withdraw a pending transfer.
    CancelTransfer {
        #[command(flatten)]
        v: VaultArgs,
        #[arg(long)]
        ticket: String,
    },
    /// Holder: apply a gate's check-in receipt (marks the ticket used).
    ApplyReceipt {
        #[command(flatten)]
        v: VaultArgs,
        /// The receipt (JGCR:… or a file).
        #[arg(long)]
        receipt: String,
    },
    /// Gate: print the gate's public key, for the issuer to authorise.
    GateId {
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Gate: verify a scanned pass; admit (exit 0, with a receipt) or reject (exit 1).
    Verify {
        #[command(flatten)]
        gate: GateArgs,
        /// The scanned pass (JGTP:… or a file).
        #[arg(long)]
        pass: String,
        /// Also write the check-in receipt to this file.
        #[arg(long)]
        receipt_out: Option<PathBuf>,
    },
    /// Gate: write the signed entered set for the other gates of the venue.
    Export {
        #[command(flatten)]
        gate: GateArgs,
        #[arg(long)]
        out: PathBuf,
    },
    /// Gate: merge other gates' exports into this gate's state.
    Merge {
        #[command(flatten)]
        gate: GateArgs,
        /// Export files of other gates.
        #[arg(long = "from", required = true)]
        from: Vec<PathBuf>,
    },
}

/// A payload given as text (starts with its `JGxx:` tag) or as a file holding it.
fn payload(arg: &str, what: &str) -> CliResult<String> {
    let t = arg.trim();
    let b = t.as_bytes();
    if b.len() > 5 && b.starts_with(b"JG") && b[4] == b':' {
        return Ok(t.to_string());
    }
    Ok(read_text(Path::new(t), what)?.trim().to_string())
}

/// Run `op` on the issuer with its registry loaded, then save the registry, holding the
/// registry's lock throughout (two issuer commands take turns).
fn with_registry<T>(
    issuer: &mut Issuer,
    registry: &Path,
    op: impl FnOnce(&mut Issuer) -> CliResult<T>,
) -> CliResult<T> {
    let _lock = lock_beside(registry)?;
    if registry.exists() {
        issuer.load_registry(&read_text(registry, "issuer registry")?)?;
    }
    let out = op(issuer)?;
    write_atomic(registry, issuer.export_registry().as_bytes())?;
    Ok(out)
}

/// Resolve `--ticket`: a full reference, or a token id matching exactly one ticket.
pub(crate) fn resolve(tickets: &Tickets<'_>, arg: &str) -> CliResult<TicketRef> {
    if let Ok(r) = arg.parse::<TicketRef>() {
        return Ok(r);
    }
    let token: TokenId = arg.parse().map_err(|_| {
        input(format!(
            "--ticket '{arg}' is neither chainId:contract:tokenId nor a token id"
        ))
    })?;
    let matches: Vec<TicketRef> = tickets
        .list()?
        .into_iter()
        .map(|t| t.id)
        .filter(|id| id.token_id == token)
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(TicketError::NotFound(arg.to_string()).into()),
        _ => Err(input(format!(
            "several tickets have token id {arg}; give chainId:contract:tokenId"
        ))),
    }
}

/// The event, with each time as Unix seconds and ISO 8601.
fn event_json(e: &TicketEvent) -> Value {
    with_times(
        json!({"id": e.id, "name": e.name, "venue": e.venue}),
        &[
            ("doors_open", e.doors_open),
            ("start", e.start),
            ("end", e.end),
        ],
    )
}

/// A grant as the issuer and holder commands print it: its fields, the EIP-712 typed data
/// the issuer signed, its digest, the ECDSA signature and the Ed25519 seal over the digest.
fn grant_json(g: &SignedGrant) -> Value {
    let p = &g.grant.policy;
    let j = json!({
        "grant": g.to_text(),
        "ticket": g.ticket_ref().to_string(),
        "issuer": g.issuer.to_string(),
        "holder": g.grant.holder.to_string(),
        "pass_key": hex0x(&g.grant.pass_key),
        "event": event_json(&g.grant.event),
        "seat": {
            "general_admission": g.grant.seat.general_admission,
            "section": g.grant.seat.section, "row": g.grant.seat.row, "number": g.grant.seat.number,
        },
        "tier": g.grant.tier,
        "transfer_policy": {
            "transferable": p.transferable, "currency": p.currency,
            "price_cap": p.price_cap, "max_transfers": p.max_transfers,
        },
        "transfers": g.grant.transfers,
        "locked": g.grant.locked(),
        "typed_data": parse_json(&g.typed_data_json(), "grant typed data").unwrap_or(Value::Null),
        "digest": hex0x(&g.digest()),
        "signature": g.signature.to_string(),
        "seal": hex0x(&g.seal),
    });
    with_times(j, &[("issued_at", g.grant.issued_at)])
}

fn state_json(s: &TicketState) -> Value {
    match s {
        TicketState::Usable => json!({"state": "valid"}),
        TicketState::TransferPending {
            to,
            price,
            currency,
            requested_at,
        } => with_times(
            json!({"state": "transfer_pending", "to": to.to_string(), "price": price, "currency": currency}),
            &[("requested_at", *requested_at)],
        ),
        TicketState::Transferred { to, at } => with_times(
            json!({"state": "transferred", "to": to.to_string()}),
            &[("at", *at)],
        ),
        TicketState::Used { at, gate } => {
            with_times(json!({"state": "redeemed", "gate": gate}), &[("at", *at)])
        }
    }
}

fn status_name(t: &Ticket) -> &'static str {
    match t.status() {
        jigap_core::ticket::TicketStatus::Sold => "Sold",
        jigap_core::ticket::TicketStatus::Resell => "Resell",
        jigap_core::ticket::TicketStatus::Void => "Void",
        jigap_core::ticket::TicketStatus::Redeemed => "Redeemed",
    }
}

fn ticket_json(t: &Ticket) -> Value {
    let mut v = grant_json(&t.grant);
    v["id"] = json!(t.id.to_string());
    v["state"] = state_json(&t.state);
    v["erc7439_status"] = json!(status_name(t));
    with_times(v, &[("imported_at", t.imported_at)])
}

fn ticket_line(t: &Ticket) -> String {
    let e = t.event();
    let state = match &t.state {
        TicketState::Usable => "valid".to_string(),
        TicketState::TransferPending { to, .. } => format!("transfer to {to} pending"),
        TicketState::Transferred { to, .. } => format!("transferred to {to}"),
        TicketState::Used { at, gate } => format!("used at {} ({gate})", iso(*at)),
    };
    format!(
        "{}\n  {} — {}, {}\n  {} · tier {} · {}{}",
        t.id,
        iso(e.start),
        e.name,
        e.venue,
        t.grant.grant.seat,
        if t.grant.grant.tier.is_empty() {
            "-"
        } else {
            &t.grant.grant.tier
        },
        state,
        if t.locked() {
            " · non-transferable"
        } else {
            ""
        }
    )
}

fn matrix_rows(q: &QrImage) -> Vec<String> {
    (0..q.size)
        .map(|y| {
            (0..q.size)
                .map(|x| if q.dark(x, y) { '1' } else { '0' })
                .collect()
        })
        .collect()
}

fn shown_json(id: &TicketRef, p: &TicketPass, svg: Option<&Path>) -> Value {
    with_times(
        json!({
            "ticket": id.to_string(),
            "pass": p.text,
            "window": p.window,
            "refresh_in_ms": p.refresh_in_ms,
            "qr": {"version": p.version, "size": p.size, "modules": matrix_rows(&p.qr())},
            "svg_file": svg.map(|s| s.display().to_string()),
        }),
        &[("next_rotation", p.next_rotation_ms / 1000)],
    )
}

/// How to draw a QR code in the terminal: explicit colours unless NO_COLOR is set
/// (https://no-color.org), inverted on request.
pub fn terminal_style(invert: bool) -> TerminalStyle {
    TerminalStyle {
        colours: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        invert,
    }
}

pub fn ticket(cmd: TicketCmd, out: &Out) -> CliResult<()> {
    match cmd {
        TicketCmd::Chain(c) => crate::chain_cmd::ticket_chain(c, out)?,
        TicketCmd::IssuerId { key } => {
            let issuer = issuer(&key, out)?;
            let id = issuer.identity();
            out.emit(
                json!({"identity": id.to_text(), "address": id.address.to_string(), "seal_key": hex0x(&id.key)}),
                || format!("{}\naddress   {}\nseal key  {}", id.to_text(), id.address, hex0x(&id.key)),
            );
        }
        TicketCmd::Grant {
            key,
            token,
            token_id,
            holder,
            section,
            row,
            number,
            general_admission,
            tier,
            transferable,
            currency,
            price_cap,
            max_transfers,
            registry,
            out: file,
        } => {
            let holder = TicketIdentity::from_text(&payload(&holder, "holder id")?)?;
            let seat = if general_admission {
                let mut s = TicketSeat::general(&section);
                s.row = row;
                s.number = number;
                s
            } else {
                TicketSeat::reserved(&section, &row, &number)
            };
            let policy = if transferable {
                TicketTransferPolicy::capped(
                    currency.as_deref().unwrap_or_default(),
                    price_cap.unwrap_or_default(),
                    max_transfers.unwrap_or_default(),
                )
            } else {
                TicketTransferPolicy::non_transferable()
            };
            let terms = TicketTerms {
                chain_id: token.chain_id,
                contract: token.contract()?,
                token_id: token_id.parse()?,
                event: token.event()?,
                seat,
                tier,
                policy,
            };
            let mut issuer = issuer(&key, out)?;
            let g = with_registry(&mut issuer, &registry, |i| Ok(i.grant(&holder, terms)?))?;
            if let Some(f) = &file {
                write_file(f, &g.to_text())?;
            }
            out.emit(grant_json(&g), || g.to_text());
        }
        TicketCmd::Reissue {
            key,
            grant,
            request,
            registry,
            out: file,
        } => {
            let current = SignedGrant::from_text(&payload(&grant, "grant")?)?;
            let req = TransferRequest::from_text(&payload(&request, "transfer request")?)?;
            let mut issuer = issuer(&key, out)?;
            let g = with_registry(&mut issuer, &registry, |i| Ok(i.reissue(&current, &req)?))?;
            if let Some(f) = &file {
                write_file(f, &g.to_text())?;
            }
            out.emit(grant_json(&g), || g.to_text());
        }
        TicketCmd::Reissued { registry } => {
            let v = parse_json(&read_text(&registry, "issuer registry")?, "issuer registry")?;
            let mut m = serde_json::Map::new();
            for (k, r) in v.as_object().into_iter().flatten() {
                if let Some(n) = r["transfers"].as_u64().filter(|n| *n > 0) {
                    m.insert(k.clone(), json!(n));
                }
            }
            let n = m.len();
            out.emit(json!({"current_transfers": m}), || {
                format!("{n} reissued ticket(s); add \"current_transfers\" to the gate configuration (use --json)")
            });
        }
        TicketCmd::AuthorizeGate {
            key,
            token,
            gate_key,
            gate_name,
            out: file,
        } => {
            let gk: [u8; 32] = hex::decode(gate_key.trim().trim_start_matches("0x"))
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| {
                    input("--gate-key must be 32 bytes of hex (from `ticket gate-id`)")
                })?;
            let issuer = issuer(&key, out)?;
            let a = issuer.authorize_gate(
                token.chain_id,
                token.contract()?,
                &token.event()?,
                gk,
                &gate_name,
            )?;
            if let Some(f) = &file {
                write_file(f, &a.to_text())?;
            }
            // The issuer's seal is an Ed25519 signature over the EIP-712 digest.
            out.emit(
                json!({"authorization": a.to_text(), "gate_key": hex0x(&a.gate_key),
                    "gate_name": a.gate_name, "event": event_json(&a.event), "issuer": issuer.identity().to_text(),
                    "typed_data": parse_json(&a.typed_data_json(), "gate typed data").unwrap_or(Value::Null),
                    "digest": hex0x(&a.digest()), "signature": hex0x(&a.seal), "signature_algorithm": "Ed25519"}),
                || a.to_text(),
            );
        }
        TicketCmd::Trust { v, issuer } => {
            let w = open_wallet(&v, out)?;
            let id = TicketIdentity::from_text(&payload(&issuer, "issuer identity")?)?;
            Tickets::new(&w).trust_issuer(&id)?;
            out.emit(json!({"trusted": id.address.to_string()}), || {
                format!("trusted ticket issuer {}", id.address)
            });
        }
        TicketCmd::HolderId { v, account } => {
            let w = open_wallet(&v, out)?;
            let address = w.account(account)?.address;
            let id = Tickets::new(&w).holder_id(&address)?;
            out.emit(
                json!({"holder_id": id.to_text(), "address": id.address.to_string(), "pass_key": hex0x(&id.key)}),
                || id.to_text(),
            );
        }
        TicketCmd::Import { v, grant } => {
            let w = open_wallet(&v, out)?;
            let tickets = Tickets::new(&w);
            let r = tickets.import(&payload(&grant, "grant")?)?;
            let ticket = tickets.get(&r.ticket.id)?;
            let outcome = match r.outcome {
                jigap_core::ticket::TicketImportOutcome::Added => "added",
                jigap_core::ticket::TicketImportOutcome::Unchanged => "unchanged",
                jigap_core::ticket::TicketImportOutcome::Updated => "updated",
                jigap_core::ticket::TicketImportOutcome::TransferConfirmed => "transfer_confirmed",
            };
            let mut j = ticket_json(&ticket);
            j["outcome"] = json!(outcome);
            out.emit(j, || format!("{outcome}: {}", ticket_line(&ticket)));
        }
        TicketCmd::List { v } => {
            let w = open_wallet(&v, out)?;
            let list = Tickets::new(&w).list()?;
            out.emit(
                json!({"tickets": list.iter().map(ticket_json).collect::<Vec<_>>()}),
                || {
                    if list.is_empty() {
                        "no tickets".into()
                    } else {
                        list.iter().map(ticket_line).collect::<Vec<_>>().join("\n")
                    }
                },
            );
        }
        TicketCmd::Show {
            v,
            ticket,
            svg,
            invert,
        } => {
            let w = open_wallet(&v, out)?;
            let tickets = Tickets::new(&w);
            let id = resolve(&tickets, &ticket)?;
            let p = tickets.show(&id)?;
            if let Some(f) = &svg {
                write_file(f, &p.svg)?;
            }
            // What the pass key signed: TicketPass(grant, window), Ed25519 over its digest.
            let grant = tickets.get(&id)?.grant.digest();
            let signed = Pass::from_text(&p.text)?;
            let mut shown = shown_json(&id, &p, svg.as_deref());
            shown["typed_data"] =
                eip712::pass_typed_data(id.chain_id, &id.contract, &grant, p.window);
            shown["digest"] = json!(hex0x(&eip712::pass_digest(
                &eip712::domain(id.chain_id, &id.contract),
                &grant,
                p.window
            )));
            shown["signature"] = json!(hex0x(&signed.signature));
            shown["signature_algorithm"] = json!("Ed25519");
            out.emit(shown, || {
                format!(
                    "{}{}\nwindow {} · next pass at {} (in {} ms)",
                    p.qr().to_terminal_with(terminal_style(invert)),
                    p.text,
                    p.window,
                    iso(p.next_rotation_ms / 1000),
                    p.refresh_in_ms
                )
            });
        }
        TicketCmd::Transfer {
            v,
            ticket,
            to,
            price,
            currency,
            out: file,
        } => {
            let w = open_wallet(&v, out)?;
            let tickets = Tickets::new(&w);
            let id = resolve(&tickets, &ticket)?;
            let to = TicketIdentity::from_text(&payload(&to, "holder id")?)?;
            let req = tickets.request_transfer(&id, &to, price, &currency)?;
            let grant = tickets.get(&id)?.grant.to_text();
            if let Some(f) = &file {
                write_file(f, &req.to_text())?;
            }
            out.emit(
                with_times(
                    json!({"request": req.to_text(), "grant": grant, "ticket": id.to_string(),
                        "to": req.to.address.to_string(), "price": price, "currency": currency,
                        "typed_data": parse_json(&req.typed_data_json(), "transfer typed data").unwrap_or(Value::Null),
                        "digest": hex0x(&req.digest()), "signature": req.signature.to_string()}),
                    &[("requested_at", req.requested_at)],
                ),
                || format!("{}\n(send it with the grant to the issuer)", req.to_text()),
            );
        }
        TicketCmd::CancelTransfer { v, ticket } => {
            let w = open_wallet(&v, out)?;
            let tickets = Tickets::new(&w);
            let id = resolve(&tickets, &ticket)?;
            let t = tickets.cancel_transfer(&id)?;
            out.emit(ticket_json(&t), || ticket_line(&t));
        }
        TicketCmd::ApplyReceipt { v, receipt } => {
            let w = open_wallet(&v, out)?;
            let t = Tickets::new(&w).apply_receipt(&payload(&receipt, "receipt")?)?;
            out.emit(ticket_json(&t), || ticket_line(&t));
        }
        TicketCmd::GateId { key } => {
            let k = GateKey::from_account(&key.key()?);
            out.emit(json!({"gate_key": hex0x(&k.public())}), || {
                hex0x(&k.public())
            });
        }
        TicketCmd::Verify {
            gate,
            pass,
            receipt_out,
        } => {
            let (mut g, _lock) = gate.open(out)?;
            let a = g.verify(&payload(&pass, "pass")?)?;
            gate.save(&g)?;
            let signed = g.receipt(&a)?;
            let receipt = signed.to_text();
            // What the gate key signed: TicketCheckIn(grant, enteredAt, gateKey), Ed25519.
            let (chain, contract) = (signed.ticket.chain_id, signed.ticket.contract);
            let checkin = (
                eip712::checkin_typed_data(
                    chain,
                    &contract,
                    &signed.grant,
                    signed.entered_at,
                    &signed.gate_key,
                ),
                eip712::checkin_digest(
                    &eip712::domain(chain, &contract),
                    &signed.grant,
                    signed.entered_at,
                    &signed.gate_key,
                ),
            );
            if let Some(f) = &receipt_out {
                write_file(f, &receipt)?;
            }
            out.emit(
                with_times(
                    json!({"admit": true, "ticket": a.ticket_id.to_string(), "event": a.event_id,
                        "seat": {"general_admission": a.seat.general_admission, "section": a.seat.section,
                                 "row": a.seat.row, "number": a.seat.number},
                        "tier": a.tier, "holder": a.holder.to_string(), "transfers": a.transfers,
                        "window": a.window, "gate": g.name(), "receipt": receipt,
                        "typed_data": checkin.0, "digest": hex0x(&checkin.1),
                        "signature": hex0x(&signed.signature), "signature_algorithm": "Ed25519"}),
                    &[("entered_at", a.entered_at)],
                ),
                || {
                    format!(
                        "ADMIT  {} · tier {} · holder {}\nreceipt {}",
                        a.seat, a.tier, a.holder, receipt
                    )
                },
            );
        }
        TicketCmd::Export { gate, out: file } => {
            let (g, _lock) = gate.open(out)?;
            let bytes = g.export()?;
            write_atomic(&file, &bytes)?;
            let n = g.entries().len();
            out.emit(
                json!({"file": file.display().to_string(), "entries": n, "bytes": bytes.len()}),
                || format!("{n} entries written to {}", file.display()),
            );
        }
        TicketCmd::Merge { gate, from } => {
            let (mut g, _lock) = gate.open(out)?;
            let mut reports = Vec::new();
            for f in &from {
                let bytes = std::fs::read(f)
                    .map_err(|e| input(format!("cannot read {}: {e}", f.display())))?;
                let r = g.merge(&bytes)?;
                reports.push(json!({"file": f.display().to_string(), "added": r.added,
                    "updated": r.updated, "ignored": r.ignored}));
            }
            gate.save(&g)?;
            let total = g.entries().len();
            out.emit(json!({"merged": reports, "entries": total}), || {
                format!("merged {} export(s); {total} entries known", from.len())
            });
        }
    }
    Ok(())
}
