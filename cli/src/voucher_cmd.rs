//! `voucher`: the issuer, merchant and wallet sides of CBDC vouchers, from the shell.
//!
//! Objects travel as text (`JGVG:` grants, `JGPR:` requests, `JGRD:` payments, `JGST:`
//! settlements, `JGRF:` refunds), the same strings the QR codes carry.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use jigap_core::keys::{Address, ExtendedPrivateKey, Mnemonic, PrivateKey, evm_account_path};
use jigap_core::voucher::*;
use jigap_core::wallet::Wallet;
use serde_json::{Value, json};

use crate::io::{CliError, CliResult, Out, hex0x, secret};
use crate::vault_cmd::{VaultArgs, open_wallet};

/// The EIP-712 domain of the vouchers.
#[derive(Args, Clone)]
pub struct DomainArgs {
    /// Chain id of the settlement network.
    #[arg(long, default_value_t = VoucherDomain::DEMO.chain_id)]
    chain_id: u64,
    /// Settlement contract address.
    #[arg(long)]
    contract: Option<String>,
}

impl DomainArgs {
    fn domain(&self) -> CliResult<VoucherDomain> {
        Ok(VoucherDomain {
            chain_id: self.chain_id,
            verifying_contract: match &self.contract {
                Some(c) => c.parse()?,
                None => VoucherDomain::DEMO.verifying_contract,
            },
        })
    }
}

/// An issuer's signing key: a file (or stdin) holding a 0x-hex private key or a mnemonic.
#[derive(Args, Clone)]
pub struct KeyArgs {
    /// File with the issuer key (0x-hex private key, or a mnemonic); stdin when absent.
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Account index when the file holds a mnemonic.
    #[arg(long, default_value_t = 0)]
    account: u32,
}

impl KeyArgs {
    fn key(&self) -> CliResult<PrivateKey> {
        let s = secret(self.key_file.as_deref(), "issuer key")?;
        let t = s.trim();
        if let Some(h) = t.strip_prefix("0x") {
            let bytes = zeroize::Zeroizing::new(
                hex::decode(h).map_err(|_| CliError::new("input", "the key file is not 0x-hex"))?,
            );
            return Ok(PrivateKey::from_slice(&bytes)?);
        }
        let m = Mnemonic::parse(t, None)?;
        Ok(ExtendedPrivateKey::from_seed(&*m.to_seed("")?)?
            .derive_key(&evm_account_path(self.account))?)
    }
}

#[derive(Subcommand)]
pub enum VoucherCmd {
    /// Issuer: sign a voucher grant for a holder.
    Grant {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        d: DomainArgs,
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
        /// Valid from (Unix seconds; default now).
        #[arg(long)]
        valid_from: Option<u64>,
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
        key: KeyArgs,
        #[command(flatten)]
        d: DomainArgs,
        /// The payment (`JGRD:…`).
        #[arg(long)]
        redemption: String,
        /// Reject with this reason instead of settling.
        #[arg(long)]
        reject: Option<String>,
    },
    /// Issuer: refund an amount to a voucher.
    Refund {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        voucher: String,
        #[arg(long)]
        amount: u64,
        /// Refund id (0x + 64 hex); random when absent.
        #[arg(long)]
        id: Option<String>,
    },
    /// Issuer: look for double spends in a batch of payments.
    Detect {
        #[command(flatten)]
        d: DomainArgs,
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
    /// Wallet: trust an issuer (with its per-person limits).
    Trust {
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: DomainArgs,
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        name: String,
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
        /// From (Unix seconds, inclusive).
        #[arg(long)]
        from: Option<u64>,
        /// Until (Unix seconds, exclusive).
        #[arg(long)]
        until: Option<u64>,
    },
}

impl From<VoucherError> for CliError {
    fn from(e: VoucherError) -> Self {
        let kind = match &e {
            VoucherError::Wallet(w) => return CliError::from(w.clone()),
            VoucherError::Qr(_) => "qr",
            VoucherError::BadSignature(_) => "bad_signature",
            VoucherError::UntrustedIssuer(_) => "untrusted_issuer",
            VoucherError::CannotPay { .. } => "cannot_pay",
            VoucherError::OfflineAllowance { .. } => "offline_allowance",
            VoucherError::HoldingCap { .. } => "holding_cap",
            VoucherError::Duplicate(_) => "duplicate",
            VoucherError::Expired(_) | VoucherError::RequestExpired(_) => "expired",
            _ => "voucher",
        };
        CliError::new(kind, e.to_string())
    }
}

fn id32(s: &Option<String>, what: &str) -> CliResult<[u8; 32]> {
    match s {
        Some(h) => {
            let mut out = [0u8; 32];
            hex::decode_to_slice(h.trim_start_matches("0x"), &mut out).map_err(|_| {
                CliError::new("input", format!("{what} must be 0x + 64 hex digits"))
            })?;
            Ok(out)
        }
        None => Ok(jigap_core::env::Env::system().random_array()?),
    }
}

fn parse_hours(s: &str) -> CliResult<(u16, u16)> {
    let bad = || CliError::new("input", "--hours is HH:MM-HH:MM, e.g. 09:00-18:00");
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

fn voucher_json(v: &VoucherView) -> Value {
    let p = v;
    json!({
        "id": v.id.to_string(), "issuer": v.issuer.to_string(), "issuer_name": v.issuer_name, "holder": v.holder.to_string(),
        "currency": v.currency, "amount": v.amount, "remaining": v.remaining, "reserved": v.reserved, "settled": v.settled,
        "refunded": v.refunded, "spendable": v.spendable, "forfeited": v.forfeited, "status": v.status.code(),
        "purpose": {"categories": p.categories, "merchants": p.merchants.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                    "regions": p.regions, "valid_from": p.valid_from, "valid_until": p.valid_until,
                    "hours": format!("{:02}:{:02}-{:02}:{:02}", p.hours_start / 60, p.hours_start % 60, p.hours_end / 60, p.hours_end % 60),
                    "utc_offset_minutes": p.utc_offset_minutes, "min_payment": p.min_payment, "max_payment": p.max_payment,
                    "daily_limit": p.daily_limit, "single_use": p.single_use},
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

fn vw(v: &VaultArgs, d: &DomainArgs) -> CliResult<(Arc<Wallet>, Vouchers)> {
    let w = Arc::new(open_wallet(v)?);
    let vw = Vouchers::new(w.clone(), d.domain()?);
    Ok((w, vw))
}

fn addresses(list: &[String]) -> CliResult<Vec<Address>> {
    list.iter()
        .map(|a| a.parse::<Address>().map_err(CliError::from))
        .collect()
}

pub fn voucher(cmd: VoucherCmd, out: &Out) -> CliResult<()> {
    match cmd {
        VoucherCmd::Grant {
            key,
            d,
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
            let k = key.key()?;
            let now = jigap_core::env::Env::system().clock.now_secs();
            let from = valid_from.unwrap_or(now);
            let (hours_start, hours_end) = match &hours {
                Some(h) => parse_hours(h)?,
                None => (0, 1440),
            };
            let purpose = Purpose {
                categories,
                merchants: addresses(&merchants)?,
                regions,
                valid_from: from,
                valid_until: from.saturating_add(valid_days.saturating_mul(86_400)),
                hours_start,
                hours_end,
                utc_offset_minutes,
                min_payment,
                max_payment,
                daily_limit,
                single_use,
            };
            let g = VoucherGrant {
                id: id32(&id, "--id")?,
                issuer: k.address(),
                holder: holder.parse()?,
                currency,
                amount,
                issued_at: now,
                purpose,
            };
            let signed = g.sign(&d.domain()?, &k)?;
            let text = encode_grant(&signed);
            out.emit(json!({"grant": text, "id": hex0x(&signed.grant.id), "issuer": k.address().to_string(), "typed_data": signed.grant.typed_data(&d.domain()?), "signature": signed.signature.to_string()}), || text.clone());
        }
        VoucherCmd::Settle {
            key,
            d,
            redemption,
            reject,
        } => {
            let k = key.key()?;
            let domain = d.domain()?;
            let p = decode_redemption(&redemption)?;
            let r = &p.redemption.redemption;
            if p.redemption
                .signature
                .recover_address(&r.digest(&domain))
                .ok()
                != Some(r.holder)
            {
                return Err(VoucherError::BadSignature("payment").into());
            }
            let s = Settlement {
                redemption_hash: r.digest(&domain),
                issuer: k.address(),
                settled: reject.is_none(),
                reason: reject.clone().unwrap_or_default(),
                settled_at: jigap_core::env::Env::system().clock.now_secs(),
            }
            .sign(&domain, &k)?;
            let text = encode_settlement(&s);
            out.emit(json!({"settlement": text, "redemption_hash": hex0x(&s.settlement.redemption_hash), "settled": s.settlement.settled}), || text.clone());
        }
        VoucherCmd::Refund {
            key,
            d,
            voucher,
            amount,
            id,
        } => {
            let k = key.key()?;
            let f = Refund {
                id: id32(&id, "--id")?,
                voucher_id: id32(&Some(voucher), "--voucher")?,
                amount,
                refunded_at: jigap_core::env::Env::system().clock.now_secs(),
            }
            .sign(&d.domain()?, &k)?;
            let text = encode_refund(&f);
            out.emit(json!({"refund": text, "id": hex0x(&f.refund.id)}), || {
                text.clone()
            });
        }
        VoucherCmd::Detect { d, redemption } => {
            let batch = redemption
                .iter()
                .map(|r| decode_redemption(r))
                .collect::<Result<Vec<_>, _>>()?;
            let found = detect_double_spends(&d.domain()?, &batch, &Default::default());
            let list: Vec<Value> = found
                .iter()
                .map(|f| match f {
                    DoubleSpend::OverAllocated { voucher, allocated, available } => json!({"kind": "over_allocated", "voucher": voucher.to_string(), "allocated": allocated, "available": available}),
                    DoubleSpend::SequenceReused { holder, sequence } => json!({"kind": "sequence_reused", "holder": holder.to_string(), "sequence": sequence}),
                    DoubleSpend::SingleUseReused { voucher } => json!({"kind": "single_use_reused", "voucher": voucher.to_string()}),
                    DoubleSpend::BadSignature { redemption } => json!({"kind": "bad_signature", "redemption": redemption.to_string()}),
                    _ => json!({"kind": "other"}),
                })
                .collect();
            let n = list.len();
            out.emit(json!({"double_spends": list}), || {
                if n == 0 {
                    "no double spend".into()
                } else {
                    format!("{n} double spends found")
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
            let w = Arc::new(open_wallet(&v)?);
            let addr = w.account(merchant_account)?.address;
            let m = MerchantDesk::new(w, addr, &name, category, &region, d.domain()?, vec![])?;
            let (req, text) = m.create_request(amount, &currency, ttl)?;
            out.emit(json!({"request": text, "id": hex0x(&req.request.id), "merchant": addr.to_string(), "expires_at": req.request.expires_at, "typed_data": req.request.typed_data(&d.domain()?)}), || text.clone());
        }
        VoucherCmd::Verify {
            v,
            d,
            request,
            redemption,
            trust,
        } => {
            let w = Arc::new(open_wallet(&v)?);
            let req = decode_request(&request)?;
            let m = MerchantDesk::new(
                w,
                req.request.merchant,
                &req.request.merchant_name,
                req.request.category,
                &req.request.region,
                d.domain()?,
                addresses(&trust)?,
            )?;
            let ok = m
                .accept(&req, &redemption)
                .map_err(|e| CliError::new("payment_refused", e.to_string()))?;
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
            let (_, vw) = vw(&v, &d)?;
            let mut list = vw.trusted_issuers()?;
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
            out.emit(json!({"trusted": list.iter().map(|i| json!({"address": i.address.to_string(), "name": i.name, "currency": i.currency, "holding_cap": i.holding_cap, "offline_allowance": i.offline_allowance})).collect::<Vec<_>>()}), || format!("{} issuers trusted", list.len()));
        }
        VoucherCmd::Import { v, d, grant } => {
            let (_, vw) = vw(&v, &d)?;
            let view = vw.import(&decode_grant(&grant)?)?;
            let j = voucher_json(&view);
            out.emit(j.clone(), || {
                format!(
                    "imported voucher {}: {} {} from {}",
                    j["id"].as_str().unwrap_or(""),
                    view.remaining,
                    view.currency,
                    view.issuer_name
                )
            });
        }
        VoucherCmd::List { v, d } => {
            let (_, vw) = vw(&v, &d)?;
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
            let (_, vw) = vw(&v, &d)?;
            let b = vw.balances()?;
            out.emit(json!({"balances": b.iter().map(|x| json!({"currency": x.currency, "spendable": x.spendable, "reserved": x.reserved, "vouchers": x.vouchers})).collect::<Vec<_>>()}), || {
                b.iter().map(|x| format!("{} {} spendable ({} reserved, {} vouchers)", x.spendable, x.currency, x.reserved, x.vouchers)).collect::<Vec<_>>().join("\n")
            });
        }
        VoucherCmd::Quote { v, d, request } => {
            let (_, vw) = vw(&v, &d)?;
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
            let (_, vw) = vw(&v, &d)?;
            let p = vw.pay(&decode_request(&request)?)?;
            let red = &p.payload.redemption;
            out.emit(
                json!({"redemption": p.qr, "redemption_hash": hex0x(&p.hash), "repeated": p.repeated, "holder": red.redemption.holder.to_string(),
                       "signature": red.signature.to_string(), "typed_data": red.redemption.typed_data(&vw.domain()),
                       "allocations": red.redemption.allocations.iter().map(|a| json!({"voucher": hex0x(&a.voucher_id), "amount": a.amount})).collect::<Vec<_>>()}),
                || p.qr.clone(),
            );
        }
        VoucherCmd::Apply { v, d, receipt } => {
            let (_, vw) = vw(&v, &d)?;
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
            let (_, vw) = vw(&v, &d)?;
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
            let (_, vw) = vw(&v, &d)?;
            let filter = HistoryFilter {
                voucher: match &voucher {
                    Some(_) => Some(id32(&voucher, "--voucher")?),
                    None => None,
                },
                from,
                until,
            };
            let h = vw.history(&filter)?;
            let rows: Vec<Value> = h
                .iter()
                .map(|e| json!({"seq": e.seq, "at": e.at, "kind": e.kind.code(), "voucher": e.voucher_id.to_string(), "amount": e.amount, "currency": e.currency,
                                 "counterparty": e.counterparty.to_string(), "counterparty_name": e.counterparty_name, "reference": e.reference.map(|r| r.to_string()), "note": e.note}))
                .collect();
            out.emit(json!({"history": rows}), || {
                h.iter()
                    .map(|e| {
                        format!(
                            "{:>6} {:<12} {:>10} {} {} {}",
                            e.seq,
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
