//! Tickets on chain: the `TicketToken` contract (`contracts/TicketToken.sol`), sans-IO.
//!
//! The contract mints a ticket from the very grant (and issuer signature) the holder's wallet
//! holds, keeps the ERC-7439 status and ERC-5192 lock, and moves a ticket only through its
//! resale, at most at the grant's price cap and at most its number of transfers:
//!
//! ```text
//!  issuer: mint_call(grant) ─ set_gate_call(gate)
//!  holder: Tickets::resale_listing(ticket, price)   (signed only within the policy) ──tx──▶ Resell
//!  buyer:  buy_resale_call(token, pass key) + ERC-20 approve ──tx──▶ Sold to the buyer
//!  issuer: Issuer::reissue_after_resale(grant, Resold event) ──▶ the buyer's grant (JGTG)
//!  gate:   snapshot before doors (Gate::set_chain_snapshot) · check_in_call(entries) after
//!  wallet: Tickets::sync_chain ◀── owner and status of each ticket it holds
//! ```
//!
//! ```
//! use jigap_core::ticket::{TokenId, chain};
//! let data = chain::check_in_call(&[TokenId::from_u64(7)]);
//! assert_eq!(&data[..4], &jigap_core::evm::abi::selector("checkIn(uint256[])"));
//! ```

use serde_json::Value;

use super::TicketError;
use super::gate::GateEntry;
use super::grant::SignedGrant;
use super::types::{TicketRef, TokenId};
use super::wallet::{TicketStatus, Tickets};
use crate::bind::Bytes32;
use crate::evm::abi::{self, AbiType, AbiValue, own_call as call, text, uint};
use crate::evm::rpc::{self, Log};
use crate::evm::{JsonRpcTransport, U256};
use crate::keys::Address;

/// The contract's custom errors (and OpenZeppelin's it can revert with), read by name.
pub const ERRORS: &[&str] = &[
    "NotIssuer(address)",
    "NotGate(address)",
    "NotTicketOwner(uint256,address)",
    "WrongContract(address,uint256)",
    "BadIssuerSignature(uint256)",
    "WrongCurrency(string)",
    "BadPolicy(uint256)",
    "TicketLocked(uint256)",
    "TransferOnlyByResale(uint256)",
    "PriceAboveCap(uint256,uint64,uint64)",
    "TooManyTransfers(uint256,uint8)",
    "NotForSale(uint256)",
    "WrongStatus(uint256,uint8)",
    "OwnPurchase(uint256)",
    "OwnableUnauthorizedAccount(address)",
    "SafeERC20FailedOperation(address)",
];

const EVENT_T: &str = "(string,string,string,uint64,uint64,uint64)";
const SEAT_T: &str = "(bool,string,string,string)";
const POLICY_T: &str = "(bool,string,uint64,uint8)";

fn grant_t() -> String {
    format!(
        "(address,uint256,uint256,address,bytes32,{EVENT_T},{SEAT_T},string,{POLICY_T},uint8,uint64)"
    )
}

fn token(id: &TokenId) -> AbiValue {
    AbiValue::Uint(U256(id.0))
}

fn grant_value(s: &SignedGrant) -> AbiValue {
    let g = &s.grant;
    let e = &g.event;
    AbiValue::Tuple(vec![
        AbiValue::Address(g.contract),
        token(&g.token_id),
        uint(g.chain_id),
        AbiValue::Address(g.holder),
        AbiValue::FixedBytes(g.pass_key.to_vec()),
        AbiValue::Tuple(vec![
            text(&e.id),
            text(&e.name),
            text(&e.venue),
            uint(e.doors_open),
            uint(e.start),
            uint(e.end),
        ]),
        AbiValue::Tuple(vec![
            AbiValue::Bool(g.seat.general_admission),
            text(&g.seat.section),
            text(&g.seat.row),
            text(&g.seat.number),
        ]),
        text(&g.tier),
        AbiValue::Tuple(vec![
            AbiValue::Bool(g.policy.transferable),
            text(&g.policy.currency),
            uint(g.policy.price_cap),
            uint(u64::from(g.policy.max_transfers)),
        ]),
        uint(u64::from(g.transfers)),
        uint(g.issued_at),
    ])
}

/// Deployment bytes of a ticket contract: the compiled `TicketToken` and its constructor
/// arguments (ERC-721 name and symbol, the ERC-20 resales are paid in, the currency of the
/// price caps, token base units per minor unit).
pub fn deploy_data(
    bytecode: &[u8],
    name: &str,
    symbol: &str,
    payment_token: &Address,
    currency: &str,
    scale: U256,
) -> Result<Vec<u8>, TicketError> {
    if bytecode.is_empty() || currency.is_empty() || scale.is_zero() {
        return Err(TicketError::invalid(
            "deployment",
            "needs the compiled TicketToken bytecode, a currency and a scale of at least 1",
        ));
    }
    let args = abi::encode(
        &[
            AbiType::String,
            AbiType::String,
            AbiType::Address,
            AbiType::String,
            AbiType::Uint(256),
        ],
        &[
            text(name),
            text(symbol),
            AbiValue::Address(*payment_token),
            text(currency),
            AbiValue::Uint(scale),
        ],
    )?;
    Ok([bytecode, &args].concat())
}

/// `mint(grant, signature)`: mint the ticket of an issuer-signed grant to its holder (anyone
/// may send it; the contract checks the issuer's signature).
pub fn mint_call(grant: &SignedGrant) -> Vec<u8> {
    call(
        &format!("mint({},bytes)", grant_t()),
        &[
            grant_value(grant),
            AbiValue::Bytes(grant.signature.to_bytes().to_vec()),
        ],
    )
}

/// `mintBatch(grants, signatures)`.
pub fn mint_batch_call(grants: &[SignedGrant]) -> Vec<u8> {
    call(
        &format!("mintBatch({}[],bytes[])", grant_t()),
        &[
            AbiValue::Array(grants.iter().map(grant_value).collect()),
            AbiValue::Array(
                grants
                    .iter()
                    .map(|g| AbiValue::Bytes(g.signature.to_bytes().to_vec()))
                    .collect(),
            ),
        ],
    )
}

/// `setGate(gate, allowed)`: an issuer authorises a gate account to check tickets in.
pub fn set_gate_call(gate: &Address, allowed: bool) -> Vec<u8> {
    call(
        "setGate(address,bool)",
        &[AbiValue::Address(*gate), AbiValue::Bool(allowed)],
    )
}

/// `setIssuer(issuer, allowed)`: the owner adds (or removes) an issuer.
pub fn set_issuer_call(issuer: &Address, allowed: bool) -> Vec<u8> {
    call(
        "setIssuer(address,bool)",
        &[AbiValue::Address(*issuer), AbiValue::Bool(allowed)],
    )
}

/// `listForResale(tokenId, price)` as is: prefer [`Tickets::resale_listing`], which checks the
/// ticket's policy before anything is signed.
pub fn list_for_resale_call(token_id: &TokenId, price: u64) -> Vec<u8> {
    call(
        "listForResale(uint256,uint64)",
        &[token(token_id), uint(price)],
    )
}

/// `cancelResale(tokenId)`.
pub fn cancel_resale_call(token_id: &TokenId) -> Vec<u8> {
    call("cancelResale(uint256)", &[token(token_id)])
}

/// `buyResale(tokenId, passKey)`: buy a listed ticket, bound to the buyer's pass key (approve
/// the price × scale of the payment token to the contract first).
pub fn buy_resale_call(token_id: &TokenId, pass_key: &[u8; 32]) -> Vec<u8> {
    call(
        "buyResale(uint256,bytes32)",
        &[token(token_id), AbiValue::FixedBytes(pass_key.to_vec())],
    )
}

/// `checkIn(tokenIds)`: a gate account records check-ins (after doors, in a batch).
pub fn check_in_call(token_ids: &[TokenId]) -> Vec<u8> {
    call(
        "checkIn(uint256[])",
        &[AbiValue::Array(token_ids.iter().map(token).collect())],
    )
}

/// `checkIn` for the entries a gate recorded (of this contract), in one batch.
pub fn check_in_entries_call(contract: &Address, entries: &[GateEntry]) -> Vec<u8> {
    let ids: Vec<TokenId> = entries
        .iter()
        .filter(|e| e.ticket_id.contract == *contract)
        .map(|e| e.ticket_id.token_id)
        .collect();
    check_in_call(&ids)
}

/// `changeState(tokenId, "", status, expireTime)`: an issuer sets the ERC-7439 status (for
/// example `Void` for a cancelled sale).
pub fn change_state_call(token_id: &TokenId, status: TicketStatus, expire_time: u64) -> Vec<u8> {
    call(
        "changeState(uint256,bytes,uint8,uint256)",
        &[
            token(token_id),
            AbiValue::Bytes(vec![]),
            uint(status as u64),
            uint(expire_time),
        ],
    )
}

/// A ticket as the contract sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct ChainTicket {
    /// The ticket.
    pub ticket_id: TicketRef,
    /// Whether it exists on chain (every other field is zero when not).
    pub minted: bool,
    /// Its owner.
    pub owner: Address,
    /// The owner's Ed25519 pass key.
    pub pass_key: Bytes32,
    /// ERC-7439 status.
    pub status: TicketStatus,
    /// Transfers so far.
    pub transfers: u8,
    /// Most transfers allowed.
    pub max_transfers: u8,
    /// Resale price cap (minor units).
    pub price_cap: u64,
    /// Listing price while `Resell`.
    pub price: u64,
    /// ERC-5192 locked (non-transferable, void or checked in).
    pub locked: bool,
}

fn status_of(n: u64) -> TicketStatus {
    match n {
        1 => TicketStatus::Resell,
        2 => TicketStatus::Void,
        3 => TicketStatus::Redeemed,
        _ => TicketStatus::Sold,
    }
}

fn word_u64(v: Option<&AbiValue>) -> u64 {
    v.and_then(AbiValue::as_uint)
        .and_then(|u| u.to_u64())
        .unwrap_or(0)
}

/// A JSON-RPC batch reading `tickets(id)` and `ownerOf(id)` of each ticket (ids `2i+1` and
/// `2i+2` for the i-th).
pub fn state_request(tickets: &[TicketRef]) -> String {
    let mut bodies = Vec::new();
    for (i, t) in tickets.iter().enumerate() {
        let n = 2 * i as u64;
        bodies.push(rpc::call(
            n + 1,
            None,
            &t.contract,
            &call("tickets(uint256)", &[token(&t.token_id)]),
        ));
        bodies.push(rpc::call(
            n + 2,
            None,
            &t.contract,
            &crate::evm::erc::erc721_owner_of(U256(t.token_id.0)),
        ));
    }
    rpc::batch(&bodies)
}

/// Read the reply to [`state_request`] for the same tickets.
pub fn parse_state(tickets: &[TicketRef], reply: &str) -> Result<Vec<ChainTicket>, TicketError> {
    let t = "(bytes32,bytes32,uint64,uint64,uint64,uint8,uint8,bool,uint8)";
    let Ok(AbiType::Tuple(types)) = t.parse::<AbiType>() else {
        return Err(TicketError::invalid("ticket state", "type"));
    };
    let mut out = Vec::new();
    for (i, r) in tickets.iter().enumerate() {
        let n = 2 * i as u64;
        let data = rpc::data(&rpc::result(reply, n + 1)?)?;
        let v = abi::decode(&types, &data)?;
        let grant_hash = match v.first() {
            Some(AbiValue::FixedBytes(b)) => b.iter().any(|x| *x != 0),
            _ => false,
        };
        // `ownerOf` reverts for a token never minted: that is an answer, not a failure.
        let owner = match rpc::result(reply, n + 2) {
            Ok(v) => crate::evm::erc::decode_address(&rpc::data(&v)?)?,
            Err(crate::evm::EvmError::Rpc(_)) => Address([0; 20]),
            Err(e) => return Err(e.into()),
        };
        let pass_key = match v.get(1) {
            Some(AbiValue::FixedBytes(b)) => <[u8; 32]>::try_from(b.as_slice()).unwrap_or([0; 32]),
            _ => [0; 32],
        };
        let status = status_of(word_u64(v.get(8)));
        let transferable = matches!(v.get(7), Some(AbiValue::Bool(true)));
        out.push(ChainTicket {
            ticket_id: *r,
            minted: grant_hash && owner != Address([0; 20]),
            owner,
            pass_key: Bytes32(pass_key),
            status,
            transfers: word_u64(v.get(5)) as u8,
            max_transfers: word_u64(v.get(6)) as u8,
            price_cap: word_u64(v.get(2)),
            price: word_u64(v.get(3)),
            locked: !transferable || matches!(status, TicketStatus::Void | TicketStatus::Redeemed),
        });
    }
    Ok(out)
}

/// [`state_request`] sent through `transport`, read.
pub fn state(
    transport: &dyn JsonRpcTransport,
    tickets: &[TicketRef],
) -> Result<Vec<ChainTicket>, TicketError> {
    if tickets.is_empty() {
        return Ok(vec![]);
    }
    let reply = transport.call(&state_request(tickets))?;
    parse_state(tickets, &reply)
}

/// What the ticket contract said happened, from one of its logs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(
        tag = "kind",
        rename_all = "camelCase",
        rename_all_fields = "camelCase"
    ),
    tsify(large_number_types_as_bigints)
)]
pub enum TicketChainEvent {
    /// Listed for resale.
    ResaleListed {
        /// The token.
        token_id: TokenId,
        /// The holder selling.
        seller: Address,
        /// Price (minor units).
        price: u64,
    },
    /// Resold through the contract.
    Resold {
        /// The token.
        token_id: TokenId,
        /// Previous holder.
        seller: Address,
        /// New holder.
        buyer: Address,
        /// Price paid (minor units).
        price: u64,
        /// Transfers so far, this one included.
        transfers: u8,
        /// The buyer's pass key.
        pass_key: Bytes32,
    },
    /// A gate checked it in.
    CheckedIn {
        /// The token.
        token_id: TokenId,
        /// The gate account.
        gate: Address,
        /// The holder.
        holder: Address,
    },
    /// ERC-7439 status changed.
    StatusChanged {
        /// The token.
        token_id: TokenId,
        /// The new status.
        status: TicketStatus,
    },
}

fn topic(signature: &str) -> [u8; 32] {
    crate::evm::erc::event_topic(signature).0
}

/// Decode a log of the ticket contract; `None` for any other log.
pub fn decode_log(log: &Log) -> Option<TicketChainEvent> {
    let t = &log.topics;
    let sig = t.first()?.0;
    let data = &log.data.0;
    let u = AbiType::Uint(256);
    if sig == topic("Resold(uint256,address,address,uint64,uint8,bytes32)") && t.len() == 4 {
        let v = abi::decode(&[u.clone(), u, AbiType::FixedBytes(32)], data).ok()?;
        let pass_key = match v.get(2)? {
            AbiValue::FixedBytes(b) => Bytes32(<[u8; 32]>::try_from(b.as_slice()).ok()?),
            _ => return None,
        };
        return Some(TicketChainEvent::Resold {
            token_id: TokenId(t[1].0),
            seller: crate::evm::erc::topic_address(&t[2])?,
            buyer: crate::evm::erc::topic_address(&t[3])?,
            price: word_u64(v.first()),
            transfers: word_u64(v.get(1)) as u8,
            pass_key,
        });
    }
    if sig == topic("ResaleListed(uint256,address,uint64)") && t.len() == 3 {
        let v = abi::decode(&[u], data).ok()?;
        return Some(TicketChainEvent::ResaleListed {
            token_id: TokenId(t[1].0),
            seller: crate::evm::erc::topic_address(&t[2])?,
            price: word_u64(v.first()),
        });
    }
    if sig == topic("CheckedIn(uint256,address,address)") && t.len() == 4 {
        return Some(TicketChainEvent::CheckedIn {
            token_id: TokenId(t[1].0),
            gate: crate::evm::erc::topic_address(&t[2])?,
            holder: crate::evm::erc::topic_address(&t[3])?,
        });
    }
    if sig == topic("TokenStatusChanged(uint256,uint8,bytes)") && t.len() == 3 {
        return Some(TicketChainEvent::StatusChanged {
            token_id: TokenId(t[1].0),
            status: status_of(U256(t[2].0).to_u64().unwrap_or(0)),
        });
    }
    None
}

/// What [`Tickets::sync_chain`] found for one ticket of the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct TicketChainSync {
    /// The chain's view.
    pub chain: ChainTicket,
    /// Whether the wallet changed the ticket's state from it (now transferred or used).
    pub changed: bool,
}

impl Tickets<'_> {
    /// A `listForResale` call for one of this wallet's tickets at `price` (in the policy's
    /// currency), made only if the ticket's own policy allows it — transferable, at most the
    /// price cap, transfers left — and the ticket is usable and its event not over: the same
    /// rules as [`Tickets::request_transfer`]. Send it from the holder's account.
    pub fn resale_listing(&self, id: &TicketRef, price: u64) -> Result<Vec<u8>, TicketError> {
        let t = self.get(id)?;
        t.state.usable()?;
        let g = &t.grant.grant;
        let now = self.now();
        if now > g.event.end {
            return Err(TicketError::EventEnded { end: g.event.end });
        }
        g.policy.check(price, &g.policy.currency, g.transfers)?;
        Ok(list_for_resale_call(&id.token_id, price))
    }

    /// A `buyResale` call for a listed ticket, bound to `buyer`'s pass key (one of this
    /// wallet's accounts; approve the listing price to the contract first).
    pub fn buy_resale(&self, id: &TicketRef, buyer: &Address) -> Result<Vec<u8>, TicketError> {
        Ok(buy_resale_call(&id.token_id, &self.holder_id(buyer)?.key))
    }

    /// Read the chain's view of every ticket this wallet holds and apply it: a ticket owned
    /// by another account on chain (sold through the contract) becomes transferred and can no
    /// longer be shown; one checked in on chain becomes used.
    pub fn sync_chain(
        &self,
        transport: &dyn JsonRpcTransport,
    ) -> Result<Vec<TicketChainSync>, TicketError> {
        let ids: Vec<TicketRef> = self.list()?.iter().map(|t| t.id).collect();
        let chain = state(transport, &ids)?;
        self.apply_chain_state(&chain)
    }

    /// Apply a chain view read elsewhere (from [`parse_state`]).
    pub fn apply_chain_state(
        &self,
        chain: &[ChainTicket],
    ) -> Result<Vec<TicketChainSync>, TicketError> {
        let mut out = Vec::new();
        for c in chain.iter().filter(|c| c.minted) {
            let changed = self.apply_chain_ticket(c)?;
            out.push(TicketChainSync {
                chain: c.clone(),
                changed,
            });
        }
        Ok(out)
    }
}

/// The chain's view as JSON (for CLI output and logs).
pub fn chain_ticket_json(c: &ChainTicket) -> Value {
    serde_json::json!({
        "ticket": c.ticket_id.to_string(), "minted": c.minted, "owner": c.owner.to_string(),
        "pass_key": c.pass_key.to_string(), "status": format!("{:?}", c.status),
        "transfers": c.transfers, "max_transfers": c.max_transfers, "price_cap": c.price_cap,
        "price": c.price, "locked": c.locked,
    })
}
