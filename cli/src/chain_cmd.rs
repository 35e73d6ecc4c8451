//! The on-chain commands of `voucher` and `ticket`: deploy, fund and register a `VoucherPool`,
//! redeem payments on it, refund, reclaim, sync a wallet; deploy a `TicketToken`, mint grants,
//! list for resale, buy, authorise gates, check in, sync. Every call's bytes come from the
//! core (`voucher::chain`, `ticket::chain`); transactions go through the core's send flow, as
//! `jigap evm send` does, with `--rpc URL` and the sender's vault.

use clap::{Args, Subcommand};
use jigap_core::evm::{EvmError, Receipt, U256, erc, rpc};
use jigap_core::keys::Address;
use jigap_core::ticket::chain as tc;
use jigap_core::ticket::{SignedGrant as TicketGrantText, TicketRef, Tickets, TokenId};
use jigap_core::voucher::chain as pool;
use jigap_core::voucher::{self as v, Vouchers};
use serde_json::{Value, json};

use crate::evm_cmd::{Http, RpcArgs, SendArgs, Sender, intent, send_flow, sender};
use crate::io::{CliResult, Out, input};
use crate::vault_cmd::{VaultArgs, open_wallet};

/// The compiled `contracts/VoucherPool.sol` (solc-js 0.8.37; `cli/tests/chain.rs` checks it is
/// the same bytes as the build's).
pub const POOL_CODE: &str = include_str!("../assets/VoucherPool.hex");
/// The compiled `contracts/TicketToken.sol` (checked likewise).
pub const TICKET_CODE: &str = include_str!("../assets/TicketToken.hex");

fn code(hex: &str) -> CliResult<Vec<u8>> {
    Ok(hex.trim().parse::<jigap_core::evm::HexData>()?.0)
}

use crate::evm_cmd::address as addr;
use crate::voucher_cmd::id32;

/// The ERC-20 a contract pays in (its `getter`, e.g. `token()`) and `amount` minor units in that
/// token's base units (× the contract's `scale()`), refused if the product passes 2^128.
fn payment(
    snd: &Sender,
    contract: &Address,
    getter: &str,
    amount: u64,
) -> CliResult<(Address, U256)> {
    let token = erc::decode_address(&view_call(&snd.http, contract, getter)?)?;
    let scale = erc::decode_uint(&view_call(&snd.http, contract, "scale()")?)?;
    let units = scale
        .to_u128()
        .and_then(|s| s.checked_mul(u128::from(amount)))
        .ok_or_else(|| {
            input(format!(
                "{amount} × the contract's scale {scale} is too large to pay"
            ))
        })?;
    Ok((token, U256::from_u128(units)))
}

/// The deployment options shared by the pool and the ticket contract.
#[derive(Args, Clone)]
pub struct DeployArgs {
    /// The ERC-20 the contract pays in (the deposit token).
    #[arg(
        long,
        value_name = "ADDRESS",
        required_unless_present = "new_test_token"
    )]
    token: Option<String>,
    /// For trials on a test node: first deploy a test deposit token (OpenZeppelin's ERC-20,
    /// KRWT, whole won) with this supply, all to the sender, and use it.
    #[arg(long, value_name = "SUPPLY", conflicts_with = "token")]
    new_test_token: Option<u64>,
    /// The currency of amounts and price caps.
    #[arg(long, default_value = "KRW")]
    currency: String,
    /// Token base units per minor unit of the currency (1 for a whole-won token).
    #[arg(long, default_value = "1")]
    scale: String,
}

#[derive(Subcommand)]
pub enum VoucherChainCmd {
    /// Issuer: deploy a VoucherPool over a deposit token (the sender owns it and issues from it).
    Deploy {
        #[command(flatten)]
        s: SendArgs,
        #[command(flatten)]
        d: DeployArgs,
    },
    /// Issuer: approve and move AMOUNT of the deposit token into the pool.
    Fund {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long)]
        amount: u64,
    },
    /// Issuer: register granted vouchers (`JGVG:…`, repeatable) in the pool, backed by its funds.
    Register {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long, required = true)]
        grant: Vec<String>,
    },
    /// Pool owner: set a merchant's registry entry (the category and region it may claim).
    RegisterMerchant {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long)]
        merchant: String,
        #[arg(long)]
        category: u16,
        #[arg(long)]
        region: String,
        /// Remove the merchant instead.
        #[arg(long)]
        inactive: bool,
    },
    /// Merchant (or an issuer for it): settle payments on chain — `--request JGPR:… --redemption
    /// JGRD:…`, repeated in pairs for a batch.
    RedeemOnchain {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long, required = true)]
        request: Vec<String>,
        #[arg(long, required = true)]
        redemption: Vec<String>,
    },
    /// Merchant: return AMOUNT to a voucher it was paid from (approves the pool first).
    RefundOnchain {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long)]
        voucher: String,
        #[arg(long)]
        amount: u64,
        /// The merchant's reference (0x + 64 hex; zero when absent).
        #[arg(long)]
        reference: Option<String>,
    },
    /// Issuer: after expiry, take back what is left on vouchers (repeatable --voucher).
    Reclaim {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long, required = true)]
        voucher: Vec<String>,
    },
    /// Anyone: the pool's books, and a voucher's state with --voucher.
    PoolState {
        #[command(flatten)]
        rpc: RpcArgs,
        #[arg(long, value_name = "ADDRESS")]
        pool: String,
        #[arg(long)]
        voucher: Option<String>,
    },
    /// Wallet: apply what the vault's pool says about its vouchers (settled payments, refunds,
    /// reclaims) and compare every voucher with the chain.
    Sync {
        #[command(flatten)]
        rpc: RpcArgs,
        #[command(flatten)]
        v: VaultArgs,
        #[command(flatten)]
        d: crate::voucher_cmd::DomainArgs,
    },
}

#[derive(Subcommand)]
pub enum TicketChainCmd {
    /// Issuer: deploy a TicketToken (the sender owns it and issues for it).
    Deploy {
        #[command(flatten)]
        s: SendArgs,
        #[command(flatten)]
        d: DeployArgs,
        /// ERC-721 name.
        #[arg(long)]
        name: String,
        /// ERC-721 symbol.
        #[arg(long)]
        symbol: String,
    },
    /// Anyone: mint issuer-signed grants (`JGTG:…`, repeatable) on their contract.
    MintOnchain {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, required = true)]
        grant: Vec<String>,
    },
    /// Issuer: authorise a gate account to check tickets in (or remove it with --remove).
    SetGate {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        contract: String,
        #[arg(long)]
        gate: String,
        #[arg(long)]
        remove: bool,
    },
    /// Holder: list a ticket for resale at PRICE — signed only if its policy allows it.
    Resell {
        #[command(flatten)]
        s: SendArgs,
        /// The ticket (its id `chain:contract:token`, or a unique part of the event or seat).
        #[arg(long)]
        ticket: String,
        #[arg(long)]
        price: u64,
    },
    /// Buyer: buy a listed ticket (`chain:contract:token`): approves its price, then buys it
    /// bound to this vault's pass key.
    Buy {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long)]
        ticket: String,
    },
    /// Gate: check tickets in on chain (repeatable --token-id), after doors, in one batch.
    CheckInOnchain {
        #[command(flatten)]
        s: SendArgs,
        #[arg(long, value_name = "ADDRESS")]
        contract: String,
        #[arg(long = "token-id", required = true)]
        token_id: Vec<String>,
    },
    /// Issuer: reissue a grant (`JGTG:…`) to the buyer of its on-chain resale (the `Resold`
    /// event in the receipt of --tx); prints the buyer's grant.
    ReissueResold {
        #[command(flatten)]
        key: crate::io::KeyArgs,
        #[command(flatten)]
        rpc: RpcArgs,
        #[arg(long)]
        grant: String,
        /// The buyer's purchase transaction.
        #[arg(long, value_name = "HASH")]
        tx: String,
    },
    /// Anyone: the chain's view of tickets (`chain:contract:token`, repeatable).
    ChainState {
        #[command(flatten)]
        rpc: RpcArgs,
        #[arg(long, required = true)]
        ticket: Vec<String>,
    },
    /// Holder: apply the chain's view of every ticket the vault holds (sold on → transferred,
    /// checked in → used).
    Sync {
        #[command(flatten)]
        rpc: RpcArgs,
        #[command(flatten)]
        v: VaultArgs,
    },
}

/// One transaction of a command: the summary, and the receipt (required: these commands wait).
fn tx(
    snd: &Sender,
    s: &SendArgs,
    to: Option<Address>,
    data: Vec<u8>,
    out: &Out,
) -> CliResult<(Value, Receipt)> {
    let flow = snd.evm.send_flow(intent(snd, s, to, U256::ZERO, data));
    let (v, r) = send_flow(snd, s, flow, out)?;
    let r =
        r.ok_or_else(|| input("these commands wait for their receipts: leave out --no-wait"))?;
    if !r.status {
        return Err(EvmError::Rpc(jigap_core::evm::RpcError::Reverted {
            reason: "the transaction reverted on chain".into(),
            data: Default::default(),
        })
        .into());
    }
    Ok((v, r))
}

/// Approve `spender` for `amount` of `token` unless it already may spend that much.
fn approve(
    snd: &Sender,
    s: &SendArgs,
    token: &Address,
    spender: &Address,
    amount: U256,
    out: &Out,
) -> CliResult<Vec<Value>> {
    let data = rpc::read::eth_call(&snd.http, token, &erc::erc20_allowance(&snd.from, spender))?;
    if erc::decode_uint(&data)?.to_u128() >= amount.to_u128() {
        return Ok(vec![]);
    }
    Ok(vec![
        tx(
            snd,
            s,
            Some(*token),
            erc::erc20_approve(spender, amount),
            out,
        )?
        .0,
    ])
}

/// The deposit token of a deployment: `--token`, or a test token deployed now (its
/// transaction is added to `txs`).
fn deposit_token(
    snd: &Sender,
    s: &SendArgs,
    d: &DeployArgs,
    txs: &mut Vec<Value>,
    out: &Out,
) -> CliResult<Address> {
    if let Some(t) = &d.token {
        return addr(t, "--token");
    }
    let supply = d.new_test_token.unwrap_or(0);
    let mut data = code(crate::demo_chain::TOKEN_CODE)?;
    data.extend(jigap_core::evm::abi::encode(
        &[jigap_core::evm::AbiType::Uint(256)],
        &[jigap_core::evm::AbiValue::Uint(U256::from(supply))],
    )?);
    let (t, r) = tx(snd, s, None, data, out)?;
    txs.push(t);
    r.contract_address
        .ok_or_else(|| input("the test token's deployment returned no contract address"))
}

fn scale(s: &str) -> CliResult<U256> {
    s.parse::<U256>()
        .map_err(|e| input(format!("--scale: {e}")))
}

fn view_call(http: &Http, to: &Address, signature: &str) -> CliResult<Vec<u8>> {
    let data = jigap_core::evm::abi::encode_call(signature, &[])?;
    Ok(rpc::read::eth_call(http, to, &data)?)
}

fn emit(out: &Out, v: Value) {
    out.emit(v.clone(), || {
        serde_json::to_string_pretty(&v).unwrap_or_default()
    });
}

fn hashes(txs: &[Value]) -> Vec<Value> {
    txs.iter().map(|t| t["hash"].clone()).collect()
}

pub fn voucher_chain(cmd: VoucherChainCmd, out: &Out) -> CliResult<()> {
    match cmd {
        VoucherChainCmd::Deploy { s, d } => {
            let snd = sender(&s, out)?;
            let mut txs = Vec::new();
            let token = deposit_token(&snd, &s, &d, &mut txs, out)?;
            let data = pool::deploy_data(&code(POOL_CODE)?, &token, &d.currency, scale(&d.scale)?)?;
            let (t, r) = tx(&snd, &s, None, data, out)?;
            txs.push(t);
            emit(
                out,
                json!({"pool": r.contract_address, "token": token, "owner": snd.from, "chain_id": snd.evm.chain_id(),
                             "gas_used": r.gas_used, "transactions": hashes(&txs)}),
            );
        }
        VoucherChainCmd::Fund { s, pool: p, amount } => {
            let snd = sender(&s, out)?;
            let p = addr(&p, "--pool")?;
            let (token, wanted) = payment(&snd, &p, "token()", amount)?;
            let mut txs = approve(&snd, &s, &token, &p, wanted, out)?;
            let (t, r) = tx(&snd, &s, Some(p), pool::fund_call(amount), out)?;
            txs.push(t);
            let books =
                pool::parse_solvency(&rpc::read::eth_call(&snd.http, &p, &pool::solvency_call())?)?;
            emit(
                out,
                json!({"pool": p, "funded": amount, "gas_used": r.gas_used, "solvency": books_json(&books),
                             "transactions": hashes(&txs)}),
            );
        }
        VoucherChainCmd::Register { s, pool: p, grant } => {
            let snd = sender(&s, out)?;
            let p = addr(&p, "--pool")?;
            let grants = grant
                .iter()
                .map(|g| v::decode_grant(g))
                .collect::<Result<Vec<_>, _>>()?;
            let (t, r) = tx(&snd, &s, Some(p), pool::register_call(&grants), out)?;
            let registered: Vec<Value> = pool::receipt_events(&p, &r)
                .iter()
                .map(event_json)
                .collect();
            emit(
                out,
                json!({"pool": p, "registered": registered, "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        VoucherChainCmd::RegisterMerchant {
            s,
            pool: p,
            merchant,
            category,
            region,
            inactive,
        } => {
            let snd = sender(&s, out)?;
            let p = addr(&p, "--pool")?;
            let m = pool::PoolMerchant {
                merchant: addr(&merchant, "--merchant")?,
                category,
                region,
                active: !inactive,
            };
            let (t, r) = tx(
                &snd,
                &s,
                Some(p),
                pool::set_merchants_call(std::slice::from_ref(&m)),
                out,
            )?;
            emit(
                out,
                json!({"pool": p, "merchant": m.merchant, "category": m.category, "region": m.region,
                             "active": m.active, "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        VoucherChainCmd::RedeemOnchain {
            s,
            pool: p,
            request,
            redemption,
        } => {
            if request.len() != redemption.len() {
                return Err(input(
                    "give --request and --redemption in pairs, one request per payment",
                ));
            }
            let snd = sender(&s, out)?;
            let p = addr(&p, "--pool")?;
            let items = request
                .iter()
                .zip(&redemption)
                .map(|(q, r)| Ok((v::decode_request(q)?, v::decode_redemption(r)?)))
                .collect::<Result<Vec<_>, v::VoucherError>>()?;
            let data = match &items[..] {
                [(q, r)] => pool::redeem_call(q, r),
                _ => pool::redeem_batch_call(&items),
            };
            let (t, r) = tx(&snd, &s, Some(p), data, out)?;
            let st = pool::settlement_from_receipt(&p, &r);
            emit(
                out,
                json!({"pool": p, "settled": st.settled.iter().map(event_json).collect::<Vec<_>>(),
                             "refused": st.refused.iter().map(event_json).collect::<Vec<_>>(),
                             "gas_used": r.gas_used, "block": r.block, "transactions": [t["hash"]]}),
            );
        }
        VoucherChainCmd::RefundOnchain {
            s,
            pool: p,
            voucher,
            amount,
            reference,
        } => {
            let snd = sender(&s, out)?;
            let p = addr(&p, "--pool")?;
            let id = id32(&voucher, "--voucher")?;
            let reference = reference
                .map(|r| id32(&r, "--reference"))
                .transpose()?
                .unwrap_or([0; 32]);
            let (token, wanted) = payment(&snd, &p, "token()", amount)?;
            let mut txs = approve(&snd, &s, &token, &p, wanted, out)?;
            let (t, r) = tx(
                &snd,
                &s,
                Some(p),
                pool::refund_call(&id, amount, &reference),
                out,
            )?;
            txs.push(t);
            emit(
                out,
                json!({"pool": p, "events": pool::receipt_events(&p, &r).iter().map(event_json).collect::<Vec<_>>(),
                             "gas_used": r.gas_used, "transactions": hashes(&txs)}),
            );
        }
        VoucherChainCmd::Reclaim {
            s,
            pool: p,
            voucher,
        } => {
            let snd = sender(&s, out)?;
            let p = addr(&p, "--pool")?;
            let ids = voucher
                .iter()
                .map(|x| id32(x, "--voucher"))
                .collect::<CliResult<Vec<_>>>()?;
            let (t, r) = tx(&snd, &s, Some(p), pool::reclaim_call(&ids), out)?;
            emit(
                out,
                json!({"pool": p, "events": pool::receipt_events(&p, &r).iter().map(event_json).collect::<Vec<_>>(),
                             "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        VoucherChainCmd::PoolState {
            rpc: a,
            pool: p,
            voucher,
        } => {
            let http = Http::new(&a.rpc);
            let p = addr(&p, "--pool")?;
            let call = |data: Vec<u8>| -> CliResult<Vec<u8>> {
                Ok(rpc::read::eth_call(&http, &p, &data)?)
            };
            let books = pool::parse_solvency(&call(pool::solvency_call())?)?;
            let mut v = json!({"pool": p, "solvency": books_json(&books)});
            if let Some(id) = voucher {
                let id = id32(&id, "--voucher")?;
                v["voucher"] =
                    pool_voucher_json(&pool::parse_voucher(&id, &call(pool::voucher_call(&id))?)?);
            }
            emit(out, v);
        }
        VoucherChainCmd::Sync { rpc: a, v: va, d } => {
            let http = Http::new(&a.rpc);
            let wallet = std::sync::Arc::new(open_wallet(&va, out)?);
            let (domain, _) = d.for_vault(&va.dir)?;
            let vouchers = Vouchers::new(wallet, domain);
            let sync = vouchers.sync_chain(&http)?;
            let state = vouchers.chain_state(&http)?;
            let balances = vouchers.balances()?;
            emit(
                out,
                json!({
                    "pool": domain.verifying_contract, "settled": sync.settled, "refunded": sync.refunded,
                    "reclaimed": sync.reclaimed, "unmatched": sync.unmatched, "next_block": sync.next_block,
                    "vouchers": state.iter().map(|s| json!({"voucher": s.pool.voucher_id, "registered": s.pool.registered,
                        "grant_matches": s.grant_matches, "in_step": s.in_step, "on_chain_remaining": s.pool.remaining,
                        "local_remaining": s.local_remaining, "local_reserved": s.local_reserved})).collect::<Vec<_>>(),
                    "balances": balances.iter().map(|b| json!({"currency": b.currency, "spendable": b.spendable, "reserved": b.reserved})).collect::<Vec<_>>(),
                }),
            );
        }
    }
    Ok(())
}

fn books_json(b: &pool::PoolSolvency) -> Value {
    json!({"outstanding": b.outstanding, "unallocated": b.unallocated, "balance": b.balance,
           "solvent": b.outstanding + b.unallocated <= b.balance})
}

fn pool_voucher_json(p: &pool::PoolVoucher) -> Value {
    json!({"voucher": p.voucher_id, "registered": p.registered, "grant_hash": p.grant_hash,
           "remaining": p.remaining, "spent": p.spent, "refunded": p.refunded,
           "valid_until": p.valid_until, "issuer": p.issuer, "used": p.used})
}

/// A pool event as JSON: its name and fields.
pub fn event_json(e: &pool::PoolEvent) -> Value {
    use pool::PoolEvent as E;
    match e {
        E::GrantRegistered {
            voucher_id,
            issuer,
            holder,
            amount,
            grant_hash,
        } => json!({"event": "GrantRegistered",
            "voucher": voucher_id, "issuer": issuer, "holder": holder, "amount": amount, "grant_hash": grant_hash}),
        E::VoucherSpent {
            voucher_id,
            redemption_hash,
            merchant,
            amount,
            remaining,
        } => json!({"event": "VoucherSpent",
            "voucher": voucher_id, "redemption_hash": redemption_hash, "merchant": merchant, "amount": amount, "remaining": remaining}),
        E::Redeemed {
            redemption_hash,
            holder,
            merchant,
            request_id,
            sequence,
            total,
        } => json!({"event": "Redeemed",
            "redemption_hash": redemption_hash, "holder": holder, "merchant": merchant, "request_id": request_id,
            "sequence": sequence, "total": total}),
        E::Refunded {
            voucher_id,
            merchant,
            amount,
            reference,
            remaining,
        } => json!({"event": "VoucherRefunded",
            "voucher": voucher_id, "merchant": merchant, "amount": amount, "reference": reference, "remaining": remaining}),
        E::Reclaimed {
            voucher_id,
            issuer,
            amount,
        } => json!({"event": "VoucherReclaimed", "voucher": voucher_id,
            "issuer": issuer, "amount": amount}),
        E::RedemptionFailed {
            index,
            redemption_hash,
            reason,
        } => json!({"event": "RedemptionFailed", "index": index,
            "redemption_hash": redemption_hash, "reason": reason}),
    }
}

fn ticket_ref(s: &str) -> CliResult<TicketRef> {
    s.parse::<TicketRef>()
        .map_err(|e| input(format!("--ticket: {e}")))
}

pub fn ticket_chain(cmd: TicketChainCmd, out: &Out) -> CliResult<()> {
    match cmd {
        TicketChainCmd::Deploy { s, d, name, symbol } => {
            let snd = sender(&s, out)?;
            let mut txs = Vec::new();
            let token = deposit_token(&snd, &s, &d, &mut txs, out)?;
            let data = tc::deploy_data(
                &code(TICKET_CODE)?,
                &name,
                &symbol,
                &token,
                &d.currency,
                scale(&d.scale)?,
            )?;
            let (t, r) = tx(&snd, &s, None, data, out)?;
            txs.push(t);
            emit(
                out,
                json!({"contract": r.contract_address, "token": token, "owner": snd.from, "chain_id": snd.evm.chain_id(),
                             "gas_used": r.gas_used, "transactions": hashes(&txs)}),
            );
        }
        TicketChainCmd::MintOnchain { s, grant } => {
            let snd = sender(&s, out)?;
            let grants = grant
                .iter()
                .map(|g| TicketGrantText::from_text(g))
                .collect::<Result<Vec<_>, _>>()?;
            let contract = grants[0].grant.contract;
            if grants.iter().any(|g| g.grant.contract != contract) {
                return Err(input("mint the grants of one contract at a time"));
            }
            let data = match &grants[..] {
                [g] => tc::mint_call(g),
                _ => tc::mint_batch_call(&grants),
            };
            let (t, r) = tx(&snd, &s, Some(contract), data, out)?;
            let ids: Vec<TicketRef> = grants.iter().map(|g| g.ticket_ref()).collect();
            let state = tc::state(&snd.http, &ids)?;
            emit(
                out,
                json!({"contract": contract, "minted": state.iter().map(tc::chain_ticket_json).collect::<Vec<_>>(),
                             "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        TicketChainCmd::SetGate {
            s,
            contract,
            gate,
            remove,
        } => {
            let snd = sender(&s, out)?;
            let c = addr(&contract, "--contract")?;
            let g = addr(&gate, "--gate")?;
            let (t, r) = tx(&snd, &s, Some(c), tc::set_gate_call(&g, !remove), out)?;
            emit(
                out,
                json!({"contract": c, "gate": g, "allowed": !remove, "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        TicketChainCmd::Resell { s, ticket, price } => {
            let snd = sender(&s, out)?;
            let tickets = Tickets::new(&snd.wallet);
            let id = crate::ticket_cmd::resolve(&tickets, &ticket)?;
            let data = tickets.resale_listing(&id, price)?;
            let (t, r) = tx(&snd, &s, Some(id.contract), data, out)?;
            let state = tc::state(&snd.http, &[id])?;
            emit(
                out,
                json!({"ticket": id.to_string(), "price": price, "chain": state.first().map(tc::chain_ticket_json),
                             "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        TicketChainCmd::Buy { s, ticket } => {
            let snd = sender(&s, out)?;
            let id = ticket_ref(&ticket)?;
            let listed = tc::state(&snd.http, &[id])?.remove(0);
            if listed.status != jigap_core::ticket::TicketStatus::Resell {
                return Err(input(format!(
                    "ticket {id} is not listed for resale (status {:?})",
                    listed.status
                )));
            }
            let (token, price) = payment(&snd, &id.contract, "paymentToken()", listed.price)?;
            let mut txs = approve(&snd, &s, &token, &id.contract, price, out)?;
            let me = Tickets::new(&snd.wallet).holder_id(&snd.from)?;
            let (t, r) = tx(
                &snd,
                &s,
                Some(id.contract),
                tc::buy_resale_call(&id.token_id, &me.key),
                out,
            )?;
            txs.push(t);
            let resold: Vec<Value> = r.logs.iter().filter(|l| l.address == id.contract).filter_map(tc::decode_log)
                .filter_map(|e| match e {
                    tc::TicketChainEvent::Resold { seller, buyer, price, transfers, pass_key, .. } =>
                        Some(json!({"event": "Resold", "seller": seller, "buyer": buyer, "price": price, "transfers": transfers, "pass_key": pass_key})),
                    _ => None,
                }).collect();
            emit(
                out,
                json!({"ticket": id.to_string(), "price": listed.price, "resold": resold, "holder_id": me.to_text(),
                             "gas_used": r.gas_used, "transactions": hashes(&txs)}),
            );
        }
        TicketChainCmd::CheckInOnchain {
            s,
            contract,
            token_id,
        } => {
            let snd = sender(&s, out)?;
            let c = addr(&contract, "--contract")?;
            let ids = token_id
                .iter()
                .map(|t| t.parse::<TokenId>())
                .collect::<Result<Vec<_>, _>>()?;
            let (t, r) = tx(&snd, &s, Some(c), tc::check_in_call(&ids), out)?;
            emit(
                out,
                json!({"contract": c, "checked_in": ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
                             "gas_used": r.gas_used, "transactions": [t["hash"]]}),
            );
        }
        TicketChainCmd::ReissueResold {
            key,
            rpc: a,
            grant,
            tx,
        } => {
            let http = Http::new(&a.rpc);
            let current = TicketGrantText::from_text(&grant)?;
            let hash: jigap_core::bind::Bytes32 =
                tx.parse().map_err(|e| input(format!("--tx: {e}")))?;
            let receipt = rpc::read::receipt_of(&http, &hash)?
                .ok_or_else(|| input(format!("transaction {hash} is not mined (yet)")))?;
            let resold = receipt
                .logs
                .iter()
                .filter(|l| l.address == current.grant.contract)
                .filter_map(tc::decode_log)
                .find(|e| matches!(e, tc::TicketChainEvent::Resold { token_id, .. } if *token_id == current.grant.token_id))
                .ok_or_else(|| input(format!("transaction {hash} resold no token {} of {}", current.grant.token_id, current.grant.contract)))?;
            let next =
                crate::ticket_cmd::issuer(&key, out)?.reissue_after_resale(&current, &resold)?;
            emit(
                out,
                json!({"grant": next.to_text(), "holder": next.grant.holder, "transfers": next.grant.transfers,
                             "ticket": next.ticket_ref().to_string()}),
            );
        }
        TicketChainCmd::ChainState { rpc: a, ticket } => {
            let http = Http::new(&a.rpc);
            let ids = ticket
                .iter()
                .map(|t| ticket_ref(t))
                .collect::<CliResult<Vec<_>>>()?;
            emit(
                out,
                json!({"tickets": tc::state(&http, &ids)?.iter().map(tc::chain_ticket_json).collect::<Vec<_>>()}),
            );
        }
        TicketChainCmd::Sync { rpc: a, v: va } => {
            let http = Http::new(&a.rpc);
            let wallet = open_wallet(&va, out)?;
            let tickets = Tickets::new(&wallet);
            let sync = tickets.sync_chain(&http)?;
            let list = tickets.list()?;
            emit(
                out,
                json!({"tickets": sync.iter().map(|s| {
                let local = list.iter().find(|t| t.id == s.chain.ticket_id).map(|t| format!("{:?}", t.status()));
                json!({"chain": tc::chain_ticket_json(&s.chain), "changed": s.changed, "status": local})
            }).collect::<Vec<_>>()}),
            );
        }
    }
    Ok(())
}
