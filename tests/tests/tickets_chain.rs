//! Tickets on chain: `contracts/TicketToken.sol` on anvil, driven through the core — mint from
//! the grant the wallet holds, a resale at the cap and one above it, a soulbound ticket that
//! cannot move, the gate's chain snapshot, check-in in a batch and no transfer after.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jigap_core::env::Env;
use jigap_core::evm::{AbiType, AbiValue, U256, abi, erc};
use jigap_core::keys::{Address, PrivateKey};
use jigap_core::ticket::chain::{self as tc, TicketChainEvent};
use jigap_core::ticket::*;
use jigap_tests::chain::{self, Anvil, Party, eth_call, revert_reason};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The concert, the same for the whole test binary (its times are part of every signature: an
/// event built a second later would be another event).
fn event() -> TicketEvent {
    static T0: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let t = *T0.get_or_init(now);
    TicketEvent {
        id: "KPOP-1201".into(),
        name: "Winter concert".into(),
        venue: "KSPO Dome, Seoul".into(),
        doors_open: t - 3600,
        start: t,
        end: t + 3 * 3600,
    }
}

struct Box {
    issuer: Party,
    ticket_issuer: Issuer,
    token: Address,
    contract: Address,
}

impl Box {
    fn deploy(node: &Anvil) -> Box {
        let issuer = chain::party(node);
        let token = chain::deploy_token(&node.http, &issuer, 1_000_000_000);
        let code = tc::deploy_data(
            &chain::contract("TicketToken").bytecode,
            "Winter concert",
            "WNTR",
            &token,
            "KRW",
            U256::from(1u64),
        )
        .unwrap();
        let contract = issuer.deploy(&node.http, code);
        let ticket_issuer =
            Issuer::from_wallet(Env::system(), issuer.wallet.clone(), &issuer.address).unwrap();
        Box {
            issuer,
            ticket_issuer,
            token,
            contract,
        }
    }

    fn holder(&self, node: &Anvil) -> (Party, TicketIdentity) {
        let p = chain::party(node);
        let t = Tickets::new(&p.wallet);
        t.trust_issuer(self.ticket_issuer.identity()).unwrap();
        let id = t.holder_id(&p.address).unwrap();
        (p, id)
    }

    fn grant(
        &mut self,
        node: &Anvil,
        to: &TicketIdentity,
        token: u64,
        policy: TicketTransferPolicy,
    ) -> SignedGrant {
        let g = self
            .ticket_issuer
            .grant(
                to,
                TicketTerms {
                    chain_id: 31337,
                    contract: self.contract,
                    token_id: TokenId::from_u64(token),
                    event: event(),
                    seat: TicketSeat::reserved("A", "3", &token.to_string()),
                    tier: "R".into(),
                    policy,
                },
            )
            .unwrap();
        let r = self
            .issuer
            .send(&node.http, Some(self.contract), tc::mint_call(&g));
        println!("gas mint: {}", r.gas_used);
        g
    }

    fn state(&self, node: &Anvil, id: &TicketRef) -> tc::ChainTicket {
        tc::state(&node.http, std::slice::from_ref(id))
            .unwrap()
            .remove(0)
    }
}

fn gate(b: &Box, seed: u8) -> (Gate, Party) {
    let key = GateKey::from_account(&PrivateKey::from_slice(&[seed; 32]).unwrap());
    let auth = b
        .ticket_issuer
        .authorize_gate(31337, b.contract, &event(), key.public(), "North 3")
        .unwrap();
    let g = Gate::new(
        Env::system(),
        key,
        &[b.ticket_issuer.identity().clone()],
        &[auth],
    )
    .unwrap();
    let node = chain::shared();
    (g, chain::party(node))
}

#[test]
fn resale_at_the_cap_then_the_buyer_enters_and_the_seller_cannot() {
    let node = chain::shared();
    let mut b = Box::deploy(node);
    let (seller, seller_id) = b.holder(node);
    let (buyer, buyer_id) = b.holder(node);
    let g = b.grant(
        node,
        &seller_id,
        1,
        TicketTransferPolicy::capped("KRW", 110_000, 1),
    );
    let id = g.ticket_ref();
    let st = Tickets::new(&seller.wallet);
    st.import(&g.to_text()).unwrap();
    let old_pass = st.show(&id).unwrap();
    let chain_view = b.state(node, &id);
    assert!(chain_view.minted && !chain_view.locked);
    assert_eq!(
        (chain_view.owner, chain_view.status),
        (seller.address, TicketStatus::Sold)
    );
    assert_eq!(chain_view.pass_key.0, seller_id.key);

    // Plain transferFrom is closed: resale goes through the contract.
    let e = seller
        .try_send(
            &node.http,
            Some(b.contract),
            erc::transfer_from(&seller.address, &buyer.address, U256(id.token_id.0)),
        )
        .unwrap_err();
    assert!(
        revert_reason(&e).starts_with("TransferOnlyByResale("),
        "{e}"
    );

    // Above the cap: the wallet refuses before signing; the contract refuses a raw listing.
    assert!(matches!(
        st.resale_listing(&id, 110_001),
        Err(TicketError::OverPriceCap { .. })
    ));
    let e = seller
        .try_send(
            &node.http,
            Some(b.contract),
            tc::list_for_resale_call(&id.token_id, 110_001),
        )
        .unwrap_err();
    let why = revert_reason(&e);
    assert!(
        why.starts_with("PriceAboveCap(") && why.contains("110001") && why.contains("110000"),
        "{why}"
    );

    // At the cap.
    seller.send(
        &node.http,
        Some(b.contract),
        st.resale_listing(&id, 110_000).unwrap(),
    );
    assert_eq!(b.state(node, &id).status, TicketStatus::Resell);
    b.issuer.send(
        &node.http,
        Some(b.token),
        erc::erc20_transfer(&buyer.address, U256::from(200_000u64)),
    );
    buyer.send(
        &node.http,
        Some(b.token),
        erc::erc20_approve(&b.contract, U256::from(110_000u64)),
    );
    let r = buyer.send(
        &node.http,
        Some(b.contract),
        tc::buy_resale_call(&id.token_id, &buyer_id.key),
    );
    println!("gas resale: {}", r.gas_used);
    let resold = r
        .logs
        .iter()
        .filter(|l| l.address == b.contract)
        .filter_map(tc::decode_log)
        .find(|e| matches!(e, TicketChainEvent::Resold { .. }))
        .unwrap();
    let paid = erc::decode_uint(&eth_call(
        &node.http,
        &b.token,
        &erc::balance_of(&seller.address),
    ))
    .unwrap();
    assert_eq!(
        paid,
        U256::from(110_000u64),
        "the seller was paid in the ERC-20"
    );

    // The seller's wallet learns it from the chain and no longer shows the ticket.
    let sync = st.sync_chain(&node.http).unwrap();
    assert!(sync[0].changed);
    assert!(
        matches!(st.get(&id).unwrap().state, TicketState::Transferred { to, .. } if to == buyer.address)
    );
    assert!(matches!(st.show(&id), Err(TicketError::Transferred { .. })));

    // The issuer reissues from the Resold event; the buyer imports and shows it.
    let next = b.ticket_issuer.reissue_after_resale(&g, &resold).unwrap();
    assert_eq!(
        (next.grant.holder, next.grant.transfers),
        (buyer.address, 1)
    );
    let bt = Tickets::new(&buyer.wallet);
    bt.import(&next.to_text()).unwrap();
    assert!(
        bt.sync_chain(&node.http)
            .unwrap()
            .iter()
            .all(|s| !s.changed)
    );
    let new_pass = bt.show(&id).unwrap();

    // The gate, with a chain snapshot taken before doors: the seller's old pass is refused
    // (its own offline checks alone would pass it), the buyer's admitted.
    let (mut gate, gate_account) = gate(&b, 0x41);
    gate.set_chain_snapshot(tc::state(&node.http, &[id]).unwrap());
    let e = gate.verify(&old_pass.text).unwrap_err();
    assert!(
        matches!(e, TicketError::NotOnChain(_)) && e.is_rejection(),
        "{e}"
    );
    gate.verify(&new_pass.text).unwrap();

    // After doors, the gate's account checks the entries in on chain, in one batch.
    b.issuer.send(
        &node.http,
        Some(b.contract),
        tc::set_gate_call(&gate_account.address, true),
    );
    let r = gate_account.send(
        &node.http,
        Some(b.contract),
        tc::check_in_entries_call(&b.contract, &gate.entries()),
    );
    println!("gas check-in: {}", r.gas_used);
    let after = b.state(node, &id);
    assert_eq!(after.status, TicketStatus::Redeemed);
    assert!(after.locked);
    // No transfer after check-in, by any path.
    let e = buyer
        .try_send(
            &node.http,
            Some(b.contract),
            tc::list_for_resale_call(&id.token_id, 1),
        )
        .unwrap_err();
    assert!(
        revert_reason(&e).starts_with("TooManyTransfers(")
            || revert_reason(&e).starts_with("WrongStatus("),
        "{e}"
    );
    let e = buyer
        .try_send(
            &node.http,
            Some(b.contract),
            erc::transfer_from(&buyer.address, &seller.address, U256(id.token_id.0)),
        )
        .unwrap_err();
    assert!(revert_reason(&e).starts_with("TicketLocked("), "{e}");
    bt.sync_chain(&node.http).unwrap();
    assert!(matches!(
        bt.get(&id).unwrap().state,
        TicketState::Used { .. }
    ));

    chain::ethers_check(
        "ticket",
        &node.url,
        &b.contract,
        "1",
        serde_json::json!({"owner": buyer.address.to_string(), "status": 3, "transfers": 1, "locked": true, "checkedIn": 1}),
    );
}

#[test]
fn a_soulbound_ticket_cannot_move() {
    let node = chain::shared();
    let mut b = Box::deploy(node);
    let (holder, holder_id) = b.holder(node);
    let (other, _) = b.holder(node);
    let g = b.grant(
        node,
        &holder_id,
        9,
        TicketTransferPolicy::non_transferable(),
    );
    let id = g.ticket_ref();
    let t = Tickets::new(&holder.wallet);
    t.import(&g.to_text()).unwrap();
    let c = b.state(node, &id);
    assert!(c.locked, "ERC-5192 locked");
    let locked = eth_call(
        &node.http,
        &b.contract,
        &abi::encode_call("locked(uint256)", &[AbiValue::Uint(U256(id.token_id.0))]).unwrap(),
    );
    assert_eq!(locked[31], 1);
    assert!(matches!(
        t.resale_listing(&id, 0),
        Err(TicketError::NotTransferable)
    ));
    for data in [
        tc::list_for_resale_call(&id.token_id, 0),
        erc::transfer_from(&holder.address, &other.address, U256(id.token_id.0)),
        erc::erc721_safe_transfer_from(&holder.address, &other.address, U256(id.token_id.0)),
    ] {
        let e = holder
            .try_send(&node.http, Some(b.contract), data)
            .unwrap_err();
        assert!(revert_reason(&e).starts_with("TicketLocked("), "{e}");
    }
    // A grant not signed by an issuer of the contract is not minted.
    let mut forged = b
        .ticket_issuer
        .grant(
            &holder_id,
            TicketTerms {
                chain_id: 31337,
                contract: b.contract,
                token_id: TokenId::from_u64(10),
                event: event(),
                seat: TicketSeat::general("Floor"),
                tier: String::new(),
                policy: TicketTransferPolicy::non_transferable(),
            },
        )
        .unwrap();
    forged.grant.tier = "VIP".into();
    let e = holder
        .try_send(&node.http, Some(b.contract), tc::mint_call(&forged))
        .unwrap_err();
    assert!(revert_reason(&e).starts_with("BadIssuerSignature("), "{e}");
}

#[test]
fn the_contract_hashes_grants_as_the_wallet_does() {
    let node = chain::shared();
    let mut b = Box::deploy(node);
    let (_, holder_id) = b.holder(node);
    let g = b.grant(
        node,
        &holder_id,
        77,
        TicketTransferPolicy::capped("KRW", 55_000, 3),
    );
    let data = tc::mint_call(&g);
    // grantDigest(grant) with the grant tuple of the mint calldata.
    let AbiType::Tuple(types) = format!("({},bytes)", "(address,uint256,uint256,address,bytes32,(string,string,string,uint64,uint64,uint64),(bool,string,string,string),string,(bool,string,uint64,uint8),uint8,uint64)").parse::<AbiType>().unwrap() else { panic!() };
    let v = abi::decode(&types, &data[4..]).unwrap();
    let call = abi::encode_call(
        "grantDigest((address,uint256,uint256,address,bytes32,(string,string,string,uint64,uint64,uint64),(bool,string,string,string),string,(bool,string,uint64,uint8),uint8,uint64))",
        &v[..1],
    )
    .unwrap();
    assert_eq!(
        eth_call(&node.http, &b.contract, &call),
        g.digest().to_vec()
    );
}
