//! `voucher`: the issuer, merchant and wallet sides of CBDC vouchers, from the shell.
//!
//! Objects travel as text (`JGVG:` grants, `JGPR:` requests, `JGRD:` payments, `JGST:`
//! settlements, `JGRF:` refunds), the same strings the QR codes carry. Every rule (purpose,
//! signatures, limits, what may be settled or refunded) is the core's: the issuer commands
//! call `voucher::VoucherIssuer`, the merchant ones `MerchantDesk`, the wallet ones `Vouchers`.
//!
//! The EIP-712 domain: a vault's is kept in `DIR/config.json` (set at `vault init` or by
//! `voucher trust --chain-id … --contract …`); `--chain-id`/`--contract` override it for one
//! command. Issuer commands have no vault: the flags, or the demo domain.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use jigap_core::bind::Bytes32;
use jigap_core::keys::{Address, Signature};
use jigap_core::voucher::*;
use serde_json::{Value, json};

use crate::config;
use crate::io::{
    CliResult, KeyArgs, Out, hex0x, input, lock_beside, parse_time, read_text, with_times,
    write_atomic,
};
use crate::vault_cmd::{VaultArgs, open_wallet};

/// The EIP-712 domain of the vouchers: chain id and settlement contract.
#[derive(Args, Clone)]
pub struct DomainArgs {
    /// Chain id of the voucher domain. `vault init`, `vault restore` and `voucher trust` set
    /// the vault's; other vault commands use the vault's and this overrides it once; issuer
    /// commands sign under it. Default: the vault's, else the demo domain's (1).
    #[arg(long, value_name = "ID")]
    chain_id: Option<u64>,
    /// Settlement contract of the voucher domain (0x address), under the same rules.
    /// Default: the vault's, else the demo domain's (0x…4a6967).
    #[arg(long, value_name = "ADDRESS")]
    contract: Option<String>,
}

impl DomainArgs {
    fn given(&self) -> bool {
        self.chain_id.is_some() || self.contract.is_some()
    }

    /// `base` with the fields the flags give replaced.
    fn over(&self, base: VoucherDomain) -> CliResult<VoucherDomain> {
        Ok(VoucherDomain {
            chain_id: self.chain_id.unwrap_or(base.chain_id),
            verifying_contract: match &self.contract {
                Some(c) => c.parse()?,
                None => base.verifying_contract,
            },
        })
    }

    /// The domain of a new vault: the flags, else the demo domain.
    pub fn for_new_vault(&self) -> CliResult<VoucherDomain> {
        self.over(VoucherDomain::DEMO)
    }

    /// The domain an issuer (no vault) signs under: the flags, else the demo domain.
    fn for_issuer(&self) -> CliResult<VoucherDomain> {
        self.over(VoucherDomain::DEMO)
    }

    /// The vault's domain (its configuration, overridden by the flags), and the domains to
    /// name when a signature is under another one: those the vault was set to before, and its
    /// own when the flags override it.
    pub(crate) fn for_vault(&self, dir: &Path) -> CliResult<(VoucherDomain, Vec<VoucherDomain>)> {
        let (configured, mut known) = config::voucher_domains(dir)?;
        let configured = configured.unwrap_or(VoucherDomain::DEMO);
        let domain = self.over(configured)?;
        known.push(configured);
        known.retain(|d| *d != domain);
        Ok((domain, known))
    }
}

/// An issuer: its key and the domain it signs under.
#[derive(Args, Clone)]
pub struct IssuerArgs {
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    d: DomainArgs,
}

impl IssuerArgs {
    fn issuer(&self, out: &Out) -> CliResult<VoucherIssuer> {
        Ok(VoucherIssuer::from_key(
            out.env.clone(),
            self.key.key()?,
            self.d.for_issuer()?,
        ))
    }
}

#[derive(Subcommand)]
pub enum VoucherCmd {
    /// On chain (`VoucherPool`): deploy, fund, register, register-merchant, redeem-onchain,
    /// refund-onchain, reclaim, pool-state, sync.
    #[command(flatten)]
    Chain(crate::chain_cmd::VoucherChainCmd),
    /// Issuer: sign a voucher grant for a holder (the purpose is checked first).
    Grant {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// Holder address (one of the citizen's accounts).
        #[arg(long)]
        holder: String,
        /// Amount in minor units.
        #[arg(long)]
        amount: u64,
        #[arg(long, default_value = "KRW")]
        currency: String,
        /// Voucher id (0x + 64 hex); random when absent.
        #[arg(long)]
        id: Option<String>,
        /// Valid from (Unix seconds or ISO 8601 UTC; default now).
        #[arg(long, value_name = "TIME")]
        valid_from: Option<String>,
        /// Valid for this many days.
        #[arg(long, default_value_t = 365)]
        valid_days: u64,
        /// Allowed merchant categories (ISO 18245), comma separated.
        #[arg(long, value_delimiter = ',')]
        categories: Vec<u16>,
        /// Allowed merchant addresses, comma separated.
        #[arg(long, value_delimiter = ',')]
        merchants: Vec<String>,
        /// Allowed regions (ISO 3166-2), comma separated.
        #[arg(long, value_delimiter = ',')]
        regions: Vec<String>,
        /// Hours of use, local time, e.g. 09:00-18:00.
        #[arg(long)]
        hours: Option<String>,
        /// Time zone of the hours and daily limit, minutes east of UTC (KST: 540).
        #[arg(long, default_value_t = 540, allow_hyphen_values = true)]
        utc_offset_minutes: i16,
        #[arg(long, default_value_t = 0)]
        min_payment: u64,
        #[arg(long, default_value_t = 0)]
        max_payment: u64,
        #[arg(long, default_value_t = 0)]
        daily_limit: u64,
        #[arg(long)]
        single_use: bool,
    },
    /// Issuer: settle (or reject) a payment a merchant forwarded.
    Settle {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// The issuer's registry: what it settled and refunded per voucher (JSON; created if
        /// missing). Required: a refund may never exceed what was settled.
        #[arg(long, value_name = "FILE")]
        registry: PathBuf,
        /// The payment (`JGRD:…`).
        #[arg(long)]
        redemption: String,
        /// Reject with this reason instead of settling.
        #[arg(long)]
        reject: Option<String>,
    },
    /// Issuer: refund an amount to a voucher (never more than was settled from it).
    Refund {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// The issuer's registry (from `voucher settle --registry`).
        #[arg(long, value_name = "FILE")]
        registry: PathBuf,
        #[arg(long)]
        voucher: String,
        #[arg(long)]
        amount: u64,
    },
    /// Issuer: look for double spends in a batch of payments.
    Detect {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// The issuer's registry (what it refunded may be spent again); none when absent.
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// Payments (`JGRD:…`), repeatable.
        #[arg(long, required = true)]
        redemption: Vec<String>,
    },
    /// Merchant: create a signed payment request (the merchant's own vault signs it).
    Request {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        name: String,
        /// ISO 18245 merchant category (5411 groceries, 5814 fast food and cafés…).
        #[arg(long)]
        category: u16,
        /// ISO 3166-2 region (KR-11 Seoul).
        #[arg(long)]
        region: String,
        #[arg(long)]
        amount: u64,
        #[arg(long, default_value = "KRW")]
        currency: String,
        /// Seconds the request stays valid.
        #[arg(long, default_value_t = 120)]
        ttl: u64,
        /// Merchant account index in the vault.
        #[arg(long, default_value_t = 0)]
        merchant_account: u32,
    },
    /// Merchant: verify a payment offline against its request.
    Verify {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        request: String,
        #[arg(long)]
        redemption: String,
        /// Issuers this shop accepts, comma separated.
        #[arg(long, value_delimiter = ',', required = true)]
        trust: Vec<String>,
    },
    /// Wallet: trust an issuer (with its per-person limits), and/or set the vault's voucher
    /// domain with --chain-id and --contract (kept in DIR/config.json).
    Trust {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        /// The issuer's address.
        #[arg(long, requires = "name")]
        issuer: Option<String>,
        /// The issuer's name, shown to the citizen.
        #[arg(long, requires = "issuer")]
        name: Option<String>,
        #[arg(long, default_value = "KRW")]
        currency: String,
        /// Most one person may hold (0: no cap).
        #[arg(long, default_value_t = 0)]
        holding_cap: u64,
        /// Most that may be unsettled (0: no limit).
        #[arg(long, default_value_t = 0)]
        offline_allowance: u64,
    },
    /// Wallet: import a grant.
    Import {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        grant: String,
    },
    /// Wallet: list vouchers (expired ones are shown as expired).
    List {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
    },
    /// Wallet: spendable balance per currency.
    Balance {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
    },
    /// Wallet: which vouchers would pay a request, and why others cannot.
    Quote {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        request: String,
    },
    /// Wallet: pay a request; prints the payment to show the merchant.
    Pay {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        request: String,
    },
    /// Wallet: apply a settlement or a refund.
    Apply {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        /// `JGST:…` or `JGRF:…`.
        #[arg(long)]
        receipt: String,
    },
    /// Wallet: release reservations of requests that expired without a settlement.
    Release {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
    },
    /// Wallet: the history journal.
    History {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        voucher: Option<String>,
        /// From (Unix seconds or ISO 8601 UTC, inclusive).
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// Until (Unix seconds or ISO 8601 UTC, exclusive).
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
    },
}

pub(crate) fn id32(s: &str, what: &str) -> CliResult<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s.trim().trim_start_matches("0x"), &mut out)
        .map_err(|_| input(format!("{what} must be 0x + 64 hex digits")))?;
    Ok(out)
}

fn parse_hours(s: &str) -> CliResult<(u16, u16)> {
    let bad = || input("--hours is HH:MM-HH:MM, e.g. 09:00-18:00");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let m = |t: &str| -> CliResult<u16> {
        let (h, mm) = t.trim().split_once(':').ok_or_else(bad)?;
        let (h, mm): (u16, u16) = (
            h.parse().map_err(|_| bad())?,
            mm.parse().map_err(|_| bad())?,
        );
        if h > 24 || mm > 59 || h * 60 + mm > 1440 {
            return Err(bad());
        }
        Ok(h * 60 + mm)
    };
    Ok((m(a)?, m(b)?))
}

/// What every signing command prints: the EIP-712 typed data, its digest and the signature.
fn signed(mut v: Value, typed_data: Value, digest: &[u8; 32], signature: &Signature) -> Value {
    v["typed_data"] = typed_data;
    v["digest"] = json!(hex0x(digest));
    v["signature"] = json!(signature.to_string());
    v
}

fn voucher_json(v: &VoucherView) -> Value {
    let purpose = with_times(
        json!({
            "categories": v.categories,
            "merchants": v.merchants.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            "regions": v.regions,
            "hours": format!("{:02}:{:02}-{:02}:{:02}", v.hours_start / 60, v.hours_start % 60, v.hours_end / 60, v.hours_end % 60),
            "utc_offset_minutes": v.utc_offset_minutes,
            "min_payment": v.min_payment,
            "max_payment": v.max_payment,
            "daily_limit": v.daily_limit,
            "single_use": v.single_use,
        }),
        &[("valid_from", v.valid_from), ("valid_until", v.valid_until)],
    );
    json!({
        "id": v.id.to_string(), "issuer": v.issuer.to_string(), "issuer_name": v.issuer_name,
        "holder": v.holder.to_string(), "currency": v.currency, "amount": v.amount,
        "remaining": v.remaining, "reserved": v.reserved, "settled": v.settled,
        "refunded": v.refunded, "spendable": v.spendable, "forfeited": v.forfeited,
        "status": v.status.code(), "purpose": purpose,
    })
}

fn quote_json(q: &VoucherQuote) -> Value {
    json!({
        "payable": q.payable, "missing": q.missing, "holder": q.holder.map(|h| h.to_string()),
        "merchant": q.merchant_name, "amount": q.amount, "currency": q.currency,
        "allocations": q.allocations.iter().map(|a| json!({"voucher": a.voucher_id.to_string(), "amount": a.amount})).collect::<Vec<_>>(),
        "unusable": q.unusable.iter().map(|u| json!({"voucher": u.voucher_id.to_string(), "reason": u.reason.code(), "message": u.reason.describe()})).collect::<Vec<_>>(),
    })
}

/// The wallet's vouchers under the vault's domain.
fn vw(v: &VaultArgs, d: &DomainArgs, out: &Out) -> CliResult<Vouchers> {
    let (domain, known) = d.for_vault(&v.dir)?;
    let w = Arc::new(open_wallet(v, out)?);
    Ok(Vouchers::new(w, domain).with_known_domains(known))
}

fn addresses(list: &[String]) -> CliResult<Vec<Address>> {
    list.iter().map(|a| Ok(a.parse::<Address>()?)).collect()
}

/// Run `op` on the issuer with its registry loaded, then save the registry, holding the
/// registry's lock throughout (two issuer commands take turns).
fn with_registry<T>(
    issuer: &VoucherIssuer,
    registry: Option<&Path>,
    op: impl FnOnce(&VoucherIssuer) -> CliResult<T>,
) -> CliResult<T> {
    let Some(path) = registry else {
        return op(issuer);
    };
    let _lock = lock_beside(path)?;
    if path.exists() {
        issuer.load_registry(&read_text(path, "issuer registry")?)?;
    }
    let out = op(issuer)?;
    write_atomic(path, issuer.export_registry()?.as_bytes())?;
    Ok(out)
}

pub fn voucher(cmd: VoucherCmd, out: &Out) -> CliResult<()> {
    match cmd {
        VoucherCmd::Chain(c) => crate::chain_cmd::voucher_chain(c, out)?,
        VoucherCmd::Grant {
            issuer,
            holder,
            amount,
            currency,
            id,
            valid_from,
            valid_days,
            categories,
            merchants,
            regions,
            hours,
            utc_offset_minutes,
            min_payment,
            max_payment,
            daily_limit,
            single_use,
        } => {
            let iss = issuer.issuer(out)?;
            let from = match &valid_from {
                Some(t) => parse_time(t, "--valid-from")?,
                None => out.now(),
            };
            let (hours_start, hours_end) = match &hours {
                Some(h) => parse_hours(h)?,
                None => (0, 1440),
            };
            let spec = GrantSpec {
                holder: holder.parse()?,
                amount,
                currency,
                valid_from: from,
                valid_until: from.saturating_add(valid_days.saturating_mul(86_400)),
                id: id
                    .as_deref()
                    .map(|i| id32(i, "--id"))
                    .transpose()?
                    .map(Bytes32),
                categories,
                merchants: addresses(&merchants)?,
                regions,
                hours_start,
                hours_end,
                utc_offset_minutes,
                min_payment,
                max_payment,
                daily_limit,
                single_use,
            };
            let g = iss.grant(&spec)?;
            let domain = iss.domain();
            let text = encode_grant(&g);
            let gr = &g.grant;
            let j = with_times(
                json!({
                    "grant": text, "id": hex0x(&gr.id), "issuer": gr.issuer.to_string(),
                    "holder": gr.holder.to_string(), "amount": gr.amount, "currency": gr.currency,
                    "domain": config::domain_json(&domain),
                }),
                &[
                    ("issued_at", gr.issued_at),
                    ("valid_from", gr.purpose.valid_from),
                    ("valid_until", gr.purpose.valid_until),
                ],
            );
            out.emit(
                signed(j, gr.typed_data(&domain), &gr.digest(&domain), &g.signature),
                || text.clone(),
            );
        }
        VoucherCmd::Settle {
            issuer,
            registry,
            redemption,
            reject,
        } => {
            let iss = issuer.issuer(out)?;
            let payment = decode_redemption(&redemption)?;
            let s = with_registry(&iss, Some(&registry), |i| {
                Ok(i.settle(&payment, reject.as_deref())?)
            })?;
            let domain = iss.domain();
            let st = &s.settlement;
            let text = encode_settlement(&s);
            let j = with_times(
                json!({
                    "settlement": text, "redemption_hash": hex0x(&st.redemption_hash),
                    "issuer": st.issuer.to_string(), "settled": st.settled, "reason": st.reason,
                }),
                &[("settled_at", st.settled_at)],
            );
            out.emit(
                signed(j, st.typed_data(&domain), &st.digest(&domain), &s.signature),
                || text.clone(),
            );
        }
        VoucherCmd::Refund {
            issuer,
            registry,
            voucher,
            amount,
        } => {
            let iss = issuer.issuer(out)?;
            let id = id32(&voucher, "--voucher")?;
            let f = with_registry(&iss, Some(&registry), |i| Ok(i.refund(&id, amount)?))?;
            let domain = iss.domain();
            let rf = &f.refund;
            let text = encode_refund(&f);
            let j = with_times(
                json!({
                    "refund": text, "id": hex0x(&rf.id), "voucher": hex0x(&rf.voucher_id),
                    "amount": rf.amount,
                }),
                &[("refunded_at", rf.refunded_at)],
            );
            out.emit(
                signed(j, rf.typed_data(&domain), &rf.digest(&domain), &f.signature),
                || text.clone(),
            );
        }
        VoucherCmd::Detect {
            issuer,
            registry,
            redemption,
        } => {
            let iss = issuer.issuer(out)?;
            let batch = redemption
                .iter()
                .map(|r| decode_redemption(r))
                .collect::<Result<Vec<_>, _>>()?;
            let found = with_registry(&iss, registry.as_deref(), |i| {
                Ok(i.detect_double_spends(&batch)?)
            })?;
            let n = found.len();
            let list = serde_json::to_value(&found).unwrap_or(Value::Null);
            out.emit(json!({"double_spends": list}), || {
                if n == 0 {
                    "no double spend".into()
                } else {
                    format!("{n} double spends found (use --json for the details)")
                }
            });
        }
        VoucherCmd::Request {
            v,
            d,
            name,
            category,
            region,
            amount,
            currency,
            ttl,
            merchant_account,
        } => {
            let (domain, _) = d.for_vault(&v.dir)?;
            let w = Arc::new(open_wallet(&v, out)?);
            let addr = w.account(merchant_account)?.address;
            let m = MerchantDesk::new(w, addr, &name, category, &region, domain, vec![])?;
            let (req, text) = m.create_request(amount, &currency, ttl)?;
            let r = &req.request;
            let j = with_times(
                json!({
                    "request": text, "id": hex0x(&r.id), "merchant": addr.to_string(),
                    "amount": r.amount, "currency": r.currency,
                }),
                &[("expires_at", r.expires_at)],
            );
            out.emit(
                signed(j, r.typed_data(&domain), &r.digest(&domain), &req.signature),
                || text.clone(),
            );
        }
        VoucherCmd::Verify {
            v,
            d,
            request,
            redemption,
            trust,
        } => {
            let (domain, _) = d.for_vault(&v.dir)?;
            let w = Arc::new(open_wallet(&v, out)?);
            let req = decode_request(&request)?;
            let m = MerchantDesk::new(
                w,
                req.request.merchant,
                &req.request.merchant_name,
                req.request.category,
                &req.request.region,
                domain,
                addresses(&trust)?,
            )?;
            let ok = m.accept(&req, &redemption)?;
            out.emit(
                json!({"accepted": true, "holder": ok.holder.to_string(), "total": ok.total, "redemption_hash": hex0x(&ok.hash),
                       "allocations": ok.allocations.iter().map(|(id, iss, a)| json!({"voucher": hex0x(id), "issuer": iss.to_string(), "amount": a})).collect::<Vec<_>>()}),
                || format!("payment accepted: {} from {}", ok.total, ok.holder),
            );
        }
        VoucherCmd::Trust {
            v,
            d,
            issuer,
            name,
            currency,
            holding_cap,
            offline_allowance,
        } => {
            if issuer.is_none() && !d.given() {
                return Err(input(
                    "nothing to do: give --issuer and --name to trust an issuer, and/or --chain-id and --contract to set the vault's voucher domain",
                ));
            }
            // Open first: the domain is only written for a vault that exists and unlocks.
            let w = Arc::new(open_wallet(&v, out)?);
            let (domain, _) = d.for_vault(&v.dir)?;
            if d.given() {
                config::set_voucher_domain(&v.dir, &domain)?;
            }
            let vw = Vouchers::new(w, domain);
            let mut list = vw.trusted_issuers()?;
            if let (Some(issuer), Some(name)) = (issuer, name) {
                let address: Address = issuer.parse()?;
                list.retain(|i| i.address != address);
                list.push(TrustedIssuer {
                    address,
                    name,
                    currency,
                    holding_cap,
                    offline_allowance,
                });
                vw.set_trusted_issuers(list.clone())?;
            }
            out.emit(
                json!({
                    "trusted": list.iter().map(|i| json!({"address": i.address.to_string(), "name": i.name, "currency": i.currency, "holding_cap": i.holding_cap, "offline_allowance": i.offline_allowance})).collect::<Vec<_>>(),
                    "voucher_domain": config::domain_json(&domain),
                }),
                || {
                    format!(
                        "{} issuers trusted; voucher domain: chain {}, contract {}",
                        list.len(),
                        domain.chain_id,
                        domain.verifying_contract
                    )
                },
            );
        }
        VoucherCmd::Import { v, d, grant } => {
            let vw = vw(&v, &d, out)?;
            let view = vw.import(&decode_grant(&grant)?)?;
            let j = voucher_json(&view);
            out.emit(j, || {
                format!(
                    "imported voucher {}: {} {} from {}",
                    view.id, view.remaining, view.currency, view.issuer_name
                )
            });
        }
        VoucherCmd::List { v, d } => {
            let vw = vw(&v, &d, out)?;
            let list = vw.vouchers()?;
            out.emit(
                json!({"vouchers": list.iter().map(voucher_json).collect::<Vec<_>>()}),
                || {
                    list.iter()
                        .map(|v| {
                            format!(
                                "{}… {:>10} {} left of {} · {} · {}",
                                &v.id.to_string()[..10],
                                v.remaining,
                                v.currency,
                                v.amount,
                                v.status.code(),
                                v.issuer_name
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                },
            );
        }
        VoucherCmd::Balance { v, d } => {
            let vw = vw(&v, &d, out)?;
            let b = vw.balances()?;
            out.emit(json!({"balances": b.iter().map(|x| json!({"currency": x.currency, "spendable": x.spendable, "reserved": x.reserved, "vouchers": x.vouchers})).collect::<Vec<_>>()}), || {
                b.iter().map(|x| format!("{} {} spendable ({} reserved, {} vouchers)", x.spendable, x.currency, x.reserved, x.vouchers)).collect::<Vec<_>>().join("\n")
            });
        }
        VoucherCmd::Quote { v, d, request } => {
            let vw = vw(&v, &d, out)?;
            let q = vw.quote(&decode_request(&request)?)?;
            let j = quote_json(&q);
            out.emit(j, || {
                format!(
                    "{} {} at {}: {}",
                    q.amount,
                    q.currency,
                    q.merchant_name,
                    if q.payable {
                        "payable".into()
                    } else {
                        format!("{} missing", q.missing)
                    }
                )
            });
        }
        VoucherCmd::Pay { v, d, request } => {
            let vw = vw(&v, &d, out)?;
            let p = vw.pay(&decode_request(&request)?)?;
            let red = &p.payload.redemption;
            let r = &red.redemption;
            let j = with_times(
                json!({
                    "redemption": p.qr, "redemption_hash": hex0x(&p.hash), "repeated": p.repeated,
                    "holder": r.holder.to_string(), "sequence": r.sequence, "total": r.total,
                    "allocations": r.allocations.iter().map(|a| json!({"voucher": hex0x(&a.voucher_id), "amount": a.amount})).collect::<Vec<_>>(),
                }),
                &[("created_at", r.created_at)],
            );
            out.emit(
                signed(j, r.typed_data(&vw.domain()), &p.hash, &red.signature),
                || p.qr.clone(),
            );
        }
        VoucherCmd::Apply { v, d, receipt } => {
            let vw = vw(&v, &d, out)?;
            if receipt.trim_start().starts_with("JGRF:") {
                let applied = vw.apply_refund(&decode_refund(&receipt)?)?;
                out.emit(json!({"kind": "refund", "applied": applied}), || {
                    if applied {
                        "refund applied".into()
                    } else {
                        "refund was applied before".into()
                    }
                });
            } else {
                let outcome = vw.apply_settlement(&decode_settlement(&receipt)?)?;
                let (code, note) = match &outcome {
                    SettlementOutcome::Settled => ("settled", String::new()),
                    SettlementOutcome::Rejected => ("rejected", String::new()),
                    SettlementOutcome::LateSettled => ("late_settled", String::new()),
                    SettlementOutcome::Conflict { note } => ("conflict", note.clone()),
                    SettlementOutcome::AlreadyApplied => ("already_applied", String::new()),
                };
                out.emit(
                    json!({"kind": "settlement", "outcome": code, "note": note}),
                    || format!("settlement: {code} {note}"),
                );
            }
        }
        VoucherCmd::Release { v, d } => {
            let vw = vw(&v, &d, out)?;
            let n = vw.release_expired()?;
            out.emit(json!({"released": n}), || format!("{n} payments released"));
        }
        VoucherCmd::History {
            v,
            d,
            voucher,
            from,
            until,
        } => {
            let vw = vw(&v, &d, out)?;
            let filter = HistoryFilter {
                voucher: voucher
                    .as_deref()
                    .map(|x| id32(x, "--voucher"))
                    .transpose()?,
                from: from
                    .as_deref()
                    .map(|t| parse_time(t, "--from"))
                    .transpose()?,
                until: until
                    .as_deref()
                    .map(|t| parse_time(t, "--until"))
                    .transpose()?,
            };
            let h = vw.history(&filter)?;
            let rows: Vec<Value> = h
                .iter()
                .map(|e| {
                    with_times(
                        json!({"seq": e.seq, "kind": e.kind.code(), "voucher": e.voucher_id.to_string(), "amount": e.amount, "currency": e.currency,
                               "counterparty": e.counterparty.to_string(), "counterparty_name": e.counterparty_name, "reference": e.reference.map(|r| r.to_string()), "note": e.note}),
                        &[("at", e.at)],
                    )
                })
                .collect();
            out.emit(json!({"history": rows}), || {
                h.iter()
                    .map(|e| {
                        format!(
                            "{:>6} {} {:<12} {:>10} {} {} {}",
                            e.seq,
                            crate::io::iso(e.at),
                            e.kind.code(),
                            e.amount,
                            e.currency,
                            e.counterparty_name,
                            e.note
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
