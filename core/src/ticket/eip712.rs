//! EIP-712 hashing of the ticket structs with the fast fixed-struct helpers.
//!
//! Every signature in this module — ECDSA or Ed25519 — is over an EIP-712 digest under the
//! tickets domain, so each signed thing is unambiguous by its type hash. Tests check each
//! digest against the generic [`crate::keys::TypedData`] path.

use std::sync::OnceLock;

use crate::keys::{Address, domain_separator, enc_address, enc_bool, enc_string, enc_u64};
use crate::util::keccak256;

/// Most words in a ticket struct (the grant: type hash + 11 members).
const MAX_WORDS: usize = 12;

/// `keccak256(typeHash ‖ words…)` in one pass over a stack buffer: the gate hashes about a
/// dozen structs per pass, and feeding the hasher word by word cost three times as much.
fn hash_struct_words(type_hash: &[u8; 32], words: &[[u8; 32]]) -> [u8; 32] {
    if words.len() >= MAX_WORDS {
        return crate::keys::hash_struct_words(type_hash, words);
    }
    let mut buf = [0u8; 32 * MAX_WORDS];
    buf[..32].copy_from_slice(type_hash);
    for (i, w) in words.iter().enumerate() {
        buf[32 * (i + 1)..32 * (i + 2)].copy_from_slice(w);
    }
    keccak256(&buf[..32 * (words.len() + 1)])
}

/// `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`, in one pass like the above.
fn typed_data_digest(domain: &[u8; 32], struct_hash: &[u8; 32]) -> [u8; 32] {
    let mut buf = [0u8; 66];
    buf[..2].copy_from_slice(&[0x19, 0x01]);
    buf[2..34].copy_from_slice(domain);
    buf[34..].copy_from_slice(struct_hash);
    keccak256(&buf)
}

use super::types::{TicketEvent, TicketGrant, TicketSeat, TicketTransferPolicy, TokenId};
use super::{DOMAIN_NAME, DOMAIN_VERSION};

/// `EIP712Domain` of the identity proof: name and version only (no chain, no contract).
pub const IDENTITY_DOMAIN_TYPE: &str = "EIP712Domain(string name,string version)";
/// The event, nested in grants and gate authorizations.
pub const EVENT_TYPE: &str =
    "Event(string id,string name,string venue,uint64 doorsOpen,uint64 start,uint64 end)";
/// The seat.
pub const SEAT_TYPE: &str = "Seat(bool generalAdmission,string section,string row,string number)";
/// The transfer policy.
pub const POLICY_TYPE: &str =
    "TransferPolicy(bool transferable,string currency,uint64 priceCap,uint8 maxTransfers)";
/// The grant (primary type, without its dependencies).
pub const GRANT_TYPE: &str = "TicketGrant(address token,uint256 tokenId,uint256 chainId,address holder,bytes32 passKey,Event eventInfo,Seat seat,string tier,TransferPolicy transferPolicy,uint8 transfers,uint64 issuedAt)";
/// The rotating pass, signed by the holder's pass key.
pub const PASS_TYPE: &str = "TicketPass(bytes32 grant,uint64 window)";
/// The check-in receipt, signed by the gate key.
pub const CHECKIN_TYPE: &str = "TicketCheckIn(bytes32 grant,uint64 enteredAt,bytes32 gateKey)";
/// The gate authorization, sealed by the issuer (primary type, without `Event`).
pub const GATE_TYPE: &str = "TicketGate(Event eventInfo,bytes32 gateKey,string gateName)";
/// The transfer request, signed by the holder's account.
pub const TRANSFER_TYPE: &str = "TicketTransfer(uint256 tokenId,bytes32 grant,address from,address to,bytes32 toPassKey,string currency,uint64 price,uint64 requestedAt)";
/// The identity proof: an account vouches for its Ed25519 key (a holder's pass key, an
/// issuer's seal key).
pub const KEY_TYPE: &str = "TicketKey(address account,bytes32 key)";

/// The full `encodeType` of the grant: primary type, then dependencies sorted by name.
pub fn grant_encode_type() -> String {
    format!("{GRANT_TYPE}{EVENT_TYPE}{SEAT_TYPE}{POLICY_TYPE}")
}

/// The full `encodeType` of the gate authorization.
pub fn gate_encode_type() -> String {
    format!("{GATE_TYPE}{EVENT_TYPE}")
}

macro_rules! type_hash {
    ($name:ident, $value:expr) => {
        fn $name() -> &'static [u8; 32] {
            static CELL: OnceLock<[u8; 32]> = OnceLock::new();
            CELL.get_or_init(|| keccak256($value.as_bytes()))
        }
    };
}
type_hash!(th_event, EVENT_TYPE);
type_hash!(th_seat, SEAT_TYPE);
type_hash!(th_policy, POLICY_TYPE);
type_hash!(th_grant, grant_encode_type());
type_hash!(th_pass, PASS_TYPE);
type_hash!(th_checkin, CHECKIN_TYPE);
type_hash!(th_gate, gate_encode_type());
type_hash!(th_transfer, TRANSFER_TYPE);
type_hash!(th_key, KEY_TYPE);
type_hash!(th_identity_domain, IDENTITY_DOMAIN_TYPE);

/// The tickets domain separator for one ERC-721 contract on one chain.
pub fn domain(chain_id: u64, contract: &Address) -> [u8; 32] {
    domain_separator(DOMAIN_NAME, DOMAIN_VERSION, chain_id, contract)
}

/// `hashStruct(Event)`.
pub fn event_hash(e: &TicketEvent) -> [u8; 32] {
    hash_struct_words(
        th_event(),
        &[
            enc_string(&e.id),
            enc_string(&e.name),
            enc_string(&e.venue),
            enc_u64(e.doors_open),
            enc_u64(e.start),
            enc_u64(e.end),
        ],
    )
}

/// `hashStruct(Seat)`.
pub fn seat_hash(s: &TicketSeat) -> [u8; 32] {
    hash_struct_words(
        th_seat(),
        &[
            enc_bool(s.general_admission),
            enc_string(&s.section),
            enc_string(&s.row),
            enc_string(&s.number),
        ],
    )
}

/// `hashStruct(TransferPolicy)`.
pub fn policy_hash(p: &TicketTransferPolicy) -> [u8; 32] {
    hash_struct_words(
        th_policy(),
        &[
            enc_bool(p.transferable),
            enc_string(&p.currency),
            enc_u64(p.price_cap),
            enc_u64(u64::from(p.max_transfers)),
        ],
    )
}

/// The grant fields that are not the event: what a pass carries (plus the gate's own
/// knowledge of the event, chain and contract).
pub(crate) struct GrantParts<'a> {
    /// Chain id.
    pub chain_id: u64,
    /// Contract.
    pub contract: &'a Address,
    /// Token id.
    pub token_id: &'a TokenId,
    /// Holder.
    pub holder: &'a Address,
    /// Pass key.
    pub pass_key: &'a [u8; 32],
    /// Seat.
    pub seat: &'a TicketSeat,
    /// Tier.
    pub tier: &'a str,
    /// Policy.
    pub policy: &'a TicketTransferPolicy,
    /// Transfers so far.
    pub transfers: u8,
    /// Issued at.
    pub issued_at: u64,
}

impl<'a> GrantParts<'a> {
    /// The parts of a whole grant.
    pub fn of(g: &'a TicketGrant) -> GrantParts<'a> {
        GrantParts {
            chain_id: g.chain_id,
            contract: &g.contract,
            token_id: &g.token_id,
            holder: &g.holder,
            pass_key: &g.pass_key,
            seat: &g.seat,
            tier: &g.tier,
            policy: &g.policy,
            transfers: g.transfers,
            issued_at: g.issued_at,
        }
    }

    /// `hashStruct(TicketGrant)` given `hashStruct(Event)` (which a gate computes once).
    pub fn struct_hash(&self, event_hash: &[u8; 32]) -> [u8; 32] {
        hash_struct_words(
            th_grant(),
            &[
                enc_address(self.contract),
                self.token_id.0,
                enc_u64(self.chain_id),
                enc_address(self.holder),
                *self.pass_key,
                *event_hash,
                seat_hash(self.seat),
                enc_string(self.tier),
                policy_hash(self.policy),
                enc_u64(u64::from(self.transfers)),
                enc_u64(self.issued_at),
            ],
        )
    }

    /// The EIP-712 digest of the grant, given the domain separator and the event hash.
    pub fn digest(&self, domain: &[u8; 32], event_hash: &[u8; 32]) -> [u8; 32] {
        typed_data_digest(domain, &self.struct_hash(event_hash))
    }
}

/// The EIP-712 digest of a grant (what the issuer signs and seals).
pub fn grant_digest(g: &TicketGrant) -> [u8; 32] {
    GrantParts::of(g).digest(&domain(g.chain_id, &g.contract), &event_hash(&g.event))
}

/// The digest of `TicketPass(grant, window)` (what the holder's pass key signs).
pub fn pass_digest(domain: &[u8; 32], grant: &[u8; 32], window: u64) -> [u8; 32] {
    typed_data_digest(
        domain,
        &hash_struct_words(th_pass(), &[*grant, enc_u64(window)]),
    )
}

/// The digest of `TicketCheckIn(grant, enteredAt, gateKey)` (what the gate key signs).
pub fn checkin_digest(
    domain: &[u8; 32],
    grant: &[u8; 32],
    entered_at: u64,
    gate_key: &[u8; 32],
) -> [u8; 32] {
    typed_data_digest(
        domain,
        &hash_struct_words(th_checkin(), &[*grant, enc_u64(entered_at), *gate_key]),
    )
}

/// The digest of `TicketGate(eventInfo, gateKey, gateName)` (what the issuer seals).
pub fn gate_digest(
    domain: &[u8; 32],
    event_hash: &[u8; 32],
    gate_key: &[u8; 32],
    gate_name: &str,
) -> [u8; 32] {
    typed_data_digest(
        domain,
        &hash_struct_words(th_gate(), &[*event_hash, *gate_key, enc_string(gate_name)]),
    )
}

/// The fields of a transfer request.
pub(crate) struct TransferParts<'a> {
    /// Token id.
    pub token_id: &'a TokenId,
    /// Digest of the grant being transferred.
    pub grant: &'a [u8; 32],
    /// Current holder.
    pub from: &'a Address,
    /// New holder.
    pub to: &'a Address,
    /// New holder's pass key.
    pub to_pass_key: &'a [u8; 32],
    /// Currency.
    pub currency: &'a str,
    /// Price in minor units.
    pub price: u64,
    /// When requested, Unix seconds.
    pub requested_at: u64,
}

/// The digest of `TicketTransfer(..)` (what the current holder's account signs).
pub(crate) fn transfer_digest(domain: &[u8; 32], t: &TransferParts<'_>) -> [u8; 32] {
    typed_data_digest(
        domain,
        &hash_struct_words(
            th_transfer(),
            &[
                t.token_id.0,
                *t.grant,
                enc_address(t.from),
                enc_address(t.to),
                *t.to_pass_key,
                enc_string(t.currency),
                enc_u64(t.price),
                enc_u64(t.requested_at),
            ],
        ),
    )
}

/// The digest of `TicketKey(account, key)` under the domain `{name: "jigap tickets",
/// version: "1"}` (what an account signs to vouch for its Ed25519 key).
pub fn key_digest(account: &Address, key: &[u8; 32]) -> [u8; 32] {
    let domain = hash_struct_words(
        th_identity_domain(),
        &[enc_string(DOMAIN_NAME), enc_string(DOMAIN_VERSION)],
    );
    typed_data_digest(
        &domain,
        &hash_struct_words(th_key(), &[enc_address(account), *key]),
    )
}

/// `eth_signTypedData_v4` JSON of the tickets domain.
pub(crate) fn domain_json(chain_id: u64, contract: &Address) -> serde_json::Value {
    serde_json::json!({
        "name": DOMAIN_NAME,
        "version": DOMAIN_VERSION,
        "chainId": chain_id,
        "verifyingContract": contract.to_string(),
    })
}

/// The `types` member for the JSON form: parse `Name(type a,type b)` strings back into fields.
pub(crate) fn types_json(defs: &[&str]) -> serde_json::Value {
    let mut types = serde_json::Map::new();
    for d in defs {
        let Some((name, rest)) = d.split_once('(') else {
            continue;
        };
        let fields: Vec<serde_json::Value> = rest
            .trim_end_matches(')')
            .split(',')
            .filter(|f| !f.is_empty())
            .filter_map(|f| f.split_once(' '))
            .map(|(ty, n)| serde_json::json!({"name": n, "type": ty}))
            .collect();
        types.insert(name.to_string(), serde_json::Value::Array(fields));
    }
    types.insert(
        "EIP712Domain".into(),
        serde_json::json!([
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
            {"name": "verifyingContract", "type": "address"},
        ]),
    );
    serde_json::Value::Object(types)
}

pub(crate) fn event_json(e: &TicketEvent) -> serde_json::Value {
    serde_json::json!({
        "id": e.id, "name": e.name, "venue": e.venue,
        "doorsOpen": e.doors_open, "start": e.start, "end": e.end,
    })
}

/// The grant as `eth_signTypedData_v4` JSON: what any EIP-712 library or wallet hashes to
/// the same digest.
pub fn grant_typed_data(g: &TicketGrant) -> serde_json::Value {
    serde_json::json!({
        "types": types_json(&[GRANT_TYPE, EVENT_TYPE, SEAT_TYPE, POLICY_TYPE]),
        "primaryType": "TicketGrant",
        "domain": domain_json(g.chain_id, &g.contract),
        "message": {
            "token": g.contract.to_string(),
            "tokenId": g.token_id.to_string(),
            "chainId": g.chain_id,
            "holder": g.holder.to_string(),
            "passKey": crate::util::hex0x(&g.pass_key),
            "eventInfo": event_json(&g.event),
            "seat": {
                "generalAdmission": g.seat.general_admission,
                "section": g.seat.section, "row": g.seat.row, "number": g.seat.number,
            },
            "tier": g.tier,
            "transferPolicy": {
                "transferable": g.policy.transferable,
                "currency": g.policy.currency,
                "priceCap": g.policy.price_cap.to_string(),
                "maxTransfers": g.policy.max_transfers,
            },
            "transfers": g.transfers,
            "issuedAt": g.issued_at,
        }
    })
}

/// A gate authorization's `TicketGate(eventInfo, gateKey, gateName)` as
/// `eth_signTypedData_v4` JSON (what the issuer seals, with Ed25519 over its digest).
pub(crate) fn gate_typed_data(
    chain_id: u64,
    contract: &Address,
    event: &TicketEvent,
    gate_key: &[u8; 32],
    gate_name: &str,
) -> serde_json::Value {
    serde_json::json!({
        "types": types_json(&[GATE_TYPE, EVENT_TYPE]),
        "primaryType": "TicketGate",
        "domain": domain_json(chain_id, contract),
        "message": {
            "eventInfo": event_json(event),
            "gateKey": crate::util::hex0x(gate_key),
            "gateName": gate_name,
        }
    })
}

/// A pass's `TicketPass(grant, window)` as `eth_signTypedData_v4` JSON (what the holder's pass
/// key signs, with Ed25519 over its digest: [`pass_digest`]).
pub fn pass_typed_data(
    chain_id: u64,
    contract: &Address,
    grant: &[u8; 32],
    window: u64,
) -> serde_json::Value {
    serde_json::json!({
        "types": types_json(&[PASS_TYPE]),
        "primaryType": "TicketPass",
        "domain": domain_json(chain_id, contract),
        "message": {"grant": crate::util::hex0x(grant), "window": window},
    })
}

/// A check-in receipt's `TicketCheckIn(grant, enteredAt, gateKey)` as `eth_signTypedData_v4`
/// JSON (what the gate key signs, with Ed25519 over its digest: [`checkin_digest`]).
pub fn checkin_typed_data(
    chain_id: u64,
    contract: &Address,
    grant: &[u8; 32],
    entered_at: u64,
    gate_key: &[u8; 32],
) -> serde_json::Value {
    serde_json::json!({
        "types": types_json(&[CHECKIN_TYPE]),
        "primaryType": "TicketCheckIn",
        "domain": domain_json(chain_id, contract),
        "message": {
            "grant": crate::util::hex0x(grant),
            "enteredAt": entered_at,
            "gateKey": crate::util::hex0x(gate_key),
        },
    })
}

/// A transfer request as `eth_signTypedData_v4` JSON.
pub(crate) fn transfer_typed_data(
    chain_id: u64,
    contract: &Address,
    t: &TransferParts<'_>,
) -> serde_json::Value {
    serde_json::json!({
        "types": types_json(&[TRANSFER_TYPE]),
        "primaryType": "TicketTransfer",
        "domain": domain_json(chain_id, contract),
        "message": {
            "tokenId": t.token_id.to_string(),
            "grant": crate::util::hex0x(t.grant),
            "from": t.from.to_string(),
            "to": t.to.to_string(),
            "toPassKey": crate::util::hex0x(t.to_pass_key),
            "currency": t.currency,
            "price": t.price.to_string(),
            "requestedAt": t.requested_at,
        }
    })
}

#[cfg(test)]
mod typed_data_json_tests {
    use super::*;
    use crate::keys::TypedData;

    /// The JSON forms of the pass and the check-in hash to the digests the keys sign.
    #[test]
    fn pass_and_checkin_json_match_their_digests() {
        let contract: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            .parse()
            .unwrap();
        let dom = domain(1, &contract);
        let (grant, key) = ([7u8; 32], [9u8; 32]);
        let json = pass_typed_data(1, &contract, &grant, 117_000_123).to_string();
        let td = TypedData::from_json(&json).unwrap();
        assert_eq!(td.digest().unwrap(), pass_digest(&dom, &grant, 117_000_123));
        let json = checkin_typed_data(1, &contract, &grant, 1_767_225_600, &key).to_string();
        let td = TypedData::from_json(&json).unwrap();
        assert_eq!(
            td.digest().unwrap(),
            checkin_digest(&dom, &grant, 1_767_225_600, &key)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::TypedData;
    use crate::util::hex0x;

    fn digest_of(v: &serde_json::Value) -> [u8; 32] {
        TypedData::from_json(&v.to_string())
            .unwrap()
            .digest()
            .unwrap()
    }

    fn sample() -> TicketGrant {
        TicketGrant {
            chain_id: 1,
            contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
                .parse()
                .unwrap(),
            token_id: TokenId([0xfe; 32]),
            holder: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
                .parse()
                .unwrap(),
            pass_key: [7u8; 32],
            event: TicketEvent {
                id: "SEOUL-26".into(),
                name: "Seoul Philharmonic: Mahler 2".into(),
                venue: "Lotte Concert Hall, 서울".into(),
                doors_open: 1_780_000_000,
                start: 1_780_001_800,
                end: 1_780_009_000,
            },
            seat: TicketSeat::reserved("B", "12", "7"),
            tier: "R".into(),
            policy: TicketTransferPolicy::capped("KRW", 150_000, 2),
            transfers: 1,
            issued_at: 1_770_000_000,
        }
    }

    #[test]
    fn grant_digest_matches_generic_eip712() {
        let mut g = sample();
        assert_eq!(grant_digest(&g), digest_of(&grant_typed_data(&g)));
        g.seat = TicketSeat::general("");
        g.policy = TicketTransferPolicy::non_transferable();
        g.transfers = 0;
        g.token_id = TokenId::from_u64(0);
        assert_eq!(grant_digest(&g), digest_of(&grant_typed_data(&g)));
        let td = TypedData::from_json(&grant_typed_data(&g).to_string()).unwrap();
        assert_eq!(td.encode_type("TicketGrant").unwrap(), grant_encode_type());
    }

    #[test]
    fn small_struct_digests_match_generic_eip712() {
        let g = sample();
        let d = domain(g.chain_id, &g.contract);
        let gd = grant_digest(&g);
        let dom = domain_json(g.chain_id, &g.contract);

        let pass = serde_json::json!({
            "types": types_json(&[PASS_TYPE]), "primaryType": "TicketPass", "domain": dom,
            "message": {"grant": hex0x(&gd), "window": 118_666_666u64},
        });
        assert_eq!(pass_digest(&d, &gd, 118_666_666), digest_of(&pass));

        let checkin = serde_json::json!({
            "types": types_json(&[CHECKIN_TYPE]), "primaryType": "TicketCheckIn", "domain": dom,
            "message": {"grant": hex0x(&gd), "enteredAt": 1_780_000_100u64, "gateKey": hex0x(&[9u8; 32])},
        });
        assert_eq!(
            checkin_digest(&d, &gd, 1_780_000_100, &[9u8; 32]),
            digest_of(&checkin)
        );

        let gate = gate_typed_data(g.chain_id, &g.contract, &g.event, &[9u8; 32], "North 3");
        assert_eq!(
            gate_digest(&d, &event_hash(&g.event), &[9u8; 32], "North 3"),
            digest_of(&gate)
        );

        let to: Address = "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0"
            .parse()
            .unwrap();
        let t = TransferParts {
            token_id: &g.token_id,
            grant: &gd,
            from: &g.holder,
            to: &to,
            to_pass_key: &[3u8; 32],
            currency: "KRW",
            price: 120_000,
            requested_at: 1_775_000_000,
        };
        assert_eq!(
            transfer_digest(&d, &t),
            digest_of(&transfer_typed_data(g.chain_id, &g.contract, &t))
        );

        let key = serde_json::json!({
            "types": {
                "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}],
                "TicketKey": [{"name": "account", "type": "address"}, {"name": "key", "type": "bytes32"}],
            },
            "primaryType": "TicketKey",
            "domain": {"name": DOMAIN_NAME, "version": DOMAIN_VERSION},
            "message": {"account": g.holder.to_string(), "key": hex0x(&[3u8; 32])},
        });
        assert_eq!(key_digest(&g.holder, &[3u8; 32]), digest_of(&key));
    }
}
