//! Ticket flows on a manual clock: grant, import, show, gate, receipts, transfers, merges.

use std::sync::Arc;

use crate::env::{Clock, Env, ManualClock};
use crate::keys::{Address, PrivateKey};
use crate::qr::QrImage;
use crate::store::MemoryStore;
use crate::wallet::{Wallet, WalletOptions};

use super::*;

/// 2026-05-28T20:26:40Z, when the concert starts.
const T0: u64 = 1_780_000_000;

struct Fx {
    clock: Arc<ManualClock>,
    env: Env,
    wallet: Wallet,
    issuer: Issuer,
    event: TicketEvent,
    contract: Address,
    me: Address,
}

fn wallet(env: &Env) -> Wallet {
    Wallet::create(
        Arc::new(MemoryStore::new()),
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap()
    .0
}

fn fx() -> Fx {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 11);
    let wallet = wallet(&env);
    let issuer = Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    Tickets::new(&wallet)
        .trust_issuer(issuer.identity())
        .unwrap();
    let me = wallet.account(0).unwrap().address;
    Fx {
        clock,
        env,
        wallet,
        issuer,
        event: TicketEvent {
            id: "MAHLER2-0528".into(),
            name: "Seoul Philharmonic: Mahler Symphony No. 2".into(),
            venue: "Lotte Concert Hall, Seoul".into(),
            doors_open: T0 - 3600,
            start: T0,
            end: T0 + 4 * 3600,
        },
        contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            .parse()
            .unwrap(),
        me,
    }
}

impl Fx {
    fn tickets(&self) -> Tickets<'_> {
        Tickets::new(&self.wallet)
    }

    fn terms(&self, token: u64, policy: TicketTransferPolicy) -> TicketTerms {
        TicketTerms {
            chain_id: 1,
            contract: self.contract,
            token_id: TokenId::from_u64(token),
            event: self.event.clone(),
            seat: TicketSeat::reserved("B", "12", "7"),
            tier: "R".into(),
            policy,
        }
    }

    /// Grant token `token` to account 0 of the fixture wallet and import it.
    fn ticket(&mut self, token: u64, policy: TicketTransferPolicy) -> TicketRef {
        let me = self.tickets().holder_id(&self.me).unwrap();
        let g = self.issuer.grant(&me, self.terms(token, policy)).unwrap();
        self.tickets().import(&g.to_text()).unwrap().ticket.id
    }

    fn gate(&self, name: &str, seed: u8) -> Gate {
        let key = GateKey::from_account(&PrivateKey::from_slice(&[seed; 32]).unwrap());
        let auth = self
            .issuer
            .authorize_gate(1, self.contract, &self.event, key.public(), name)
            .unwrap();
        Gate::new(
            self.env.clone(),
            key,
            &[self.issuer.identity().clone()],
            &[auth],
        )
        .unwrap()
    }

    fn at(&self, secs: u64) {
        self.clock.set_ms(secs * 1000);
    }
}

#[test]
fn show_admit_receipt_and_replay() {
    let mut f = fx();
    let id = f.ticket(42, TicketTransferPolicy::non_transferable());
    let t = f.tickets().get(&id).unwrap();
    assert_eq!(t.status(), TicketStatus::Sold);
    assert!(t.locked(), "non-transferable is ERC-5192 locked");
    let mut gate = f.gate("North 3", 0x31);

    f.clock.set_ms(T0 * 1000 + 7_250);
    let pass = f.tickets().show(&id).unwrap();
    assert_eq!(pass.window, (T0 + 7) / 15);
    assert_eq!(pass.next_rotation_ms, ((T0 + 7) / 15 + 1) * 15 * 1000);
    assert_eq!(
        pass.refresh_in_ms,
        pass.next_rotation_ms - (T0 * 1000 + 7_250)
    );
    assert!(pass.svg.starts_with("<svg"));
    assert!(pass.version <= 13);
    assert_eq!(QrImage::encode(&pass.text).unwrap(), pass.qr());

    let admit = gate.verify(&pass.text).unwrap();
    assert_eq!(admit.ticket_id, id);
    assert_eq!(admit.seat, TicketSeat::reserved("B", "12", "7"));
    assert_eq!(admit.tier, "R");
    assert_eq!(admit.holder, f.me);
    assert_eq!(admit.entered_at, T0 + 7);
    let receipt = gate.receipt(&admit).unwrap();
    assert_eq!(
        CheckInReceipt::from_text(&receipt.to_text()).unwrap(),
        receipt
    );

    // Replay of the same pass, and a fresh pass a minute later: already entered.
    match gate.verify(&pass.text) {
        Err(TicketError::AlreadyEntered { at, gate }) => {
            assert_eq!((at, gate.as_str()), (T0 + 7, "North 3"));
        }
        other => panic!("{other:?}"),
    }
    f.at(T0 + 60);
    let again = f.tickets().show(&id).unwrap();
    let e = gate.verify(&again.text).unwrap_err();
    assert!(matches!(e, TicketError::AlreadyEntered { .. }) && e.is_rejection());
    assert!(e.to_string().contains("North 3"), "{e}");

    // The receipt marks it used; shown no more; applying twice is harmless.
    let used = f.tickets().apply_receipt(&receipt.to_text()).unwrap();
    assert_eq!(used.status(), TicketStatus::Redeemed);
    f.tickets().apply_receipt(&receipt.to_text()).unwrap();
    // A gate signs receipts only for its own admissions.
    let other = f.gate("Other", 0x39);
    assert!(matches!(
        other.receipt(&admit),
        Err(TicketError::BadReceipt(_))
    ));
    match f.tickets().show(&id) {
        Err(TicketError::AlreadyUsed { at, gate }) => {
            assert_eq!((at, gate.as_str()), (T0 + 7, "North 3"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn windows_one_either_side_accepted_two_rejected() {
    let mut f = fx();
    let ids: Vec<TicketRef> = (0..5)
        .map(|i| f.ticket(100 + i, TicketTransferPolicy::non_transferable()))
        .collect();
    let mut gate = f.gate("East", 0x32);
    let base = (T0 / 15) * 15 + 15 * 10;
    // Passes shown at windows w-2 .. w+2, checked at window w.
    let passes: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            f.at(base + 15 * i as u64 - 30 + 3);
            f.tickets().show(id).unwrap().text
        })
        .collect();
    f.at(base + 14); // last second of window w
    let w = base / 15;
    for (i, p) in passes.iter().enumerate() {
        let r = gate.verify(p);
        match i {
            0 => assert!(
                matches!(r, Err(TicketError::StaleWindow { window, current }) if window == w - 2 && current == w),
                "{r:?}"
            ),
            4 => assert!(
                matches!(r, Err(TicketError::StaleWindow { window, .. }) if window == w + 2),
                "{r:?}"
            ),
            _ => assert_eq!(r.unwrap().window, w + i as u64 - 2),
        }
    }
}

#[test]
fn every_changed_byte_and_character_is_rejected() {
    let mut f = fx();
    let id = f.ticket(7, TicketTransferPolicy::capped("KRW", 99_000, 2));
    let pass = f.tickets().show(&id).unwrap().text;
    let body = crate::qr::unwrap(&pass, PASS_TAG, "ticket pass", PASS_VERSION).unwrap();
    // A fresh gate for each candidate would be slow; the pass never enters, so one will do.
    let mut gate = f.gate("West", 0x33);
    let raw = {
        let mut r = vec![PASS_VERSION];
        r.extend_from_slice(&body);
        r
    };
    for i in 0..raw.len() {
        for flip in 1..=255u8 {
            let mut m = raw.clone();
            m[i] ^= flip;
            let text = format!("{PASS_TAG}:{}", base45::encode(&m));
            let r = gate.verify(&text);
            assert!(r.is_err(), "byte {i} ^ {flip:#x} was accepted");
            assert!(r.unwrap_err().is_rejection());
        }
    }
    const B45: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let chars: Vec<char> = pass.chars().collect();
    for i in 0..chars.len() {
        for c in B45.chars().filter(|c| *c != chars[i]) {
            let mut m = chars.clone();
            m[i] = c;
            let text: String = m.into_iter().collect();
            assert!(
                gate.verify(&text).is_err(),
                "char {i} -> {c:?} was accepted"
            );
        }
    }
    assert!(
        gate.verify(&pass).is_ok(),
        "the untouched pass still enters"
    );
}

fn worst_case_grant(f: &Fx) -> SignedGrant {
    let g = TicketGrant {
        chain_id: u64::MAX,
        contract: f.contract,
        token_id: TokenId([0xff; 32]),
        holder: Address([0xee; 20]),
        pass_key: [0xdd; 32],
        event: TicketEvent {
            id: "E".repeat(limits::EVENT_ID),
            name: "N".repeat(limits::EVENT_NAME),
            venue: "V".repeat(limits::VENUE),
            ..f.event.clone()
        },
        seat: TicketSeat::reserved(
            &"구역".repeat(limits::SECTION / 6),
            &"R".repeat(limits::ROW),
            &"9".repeat(limits::NUMBER),
        ),
        tier: "T".repeat(limits::TIER),
        policy: TicketTransferPolicy::capped(&"C".repeat(limits::CURRENCY), u64::MAX, u8::MAX),
        transfers: u8::MAX,
        issued_at: u64::from(u32::MAX),
    };
    f.issuer.sign(g).unwrap()
}

#[test]
fn longest_pass_fits_a_version_13_qr_at_m() {
    let f = fx();
    let mut g = worst_case_grant(&f);
    // Fill the section to its byte limit exactly.
    g.grant.seat.section = format!(
        "{}{}",
        g.grant.seat.section,
        "S".repeat(limits::SECTION - g.grant.seat.section.len())
    );
    assert_eq!(g.grant.seat.section.len(), limits::SECTION);
    let key = keys::derive_ed25519(&PrivateKey::from_slice(&[1; 32]).unwrap(), PASS_KEY_INFO);
    let pass = Pass::create(&g, u64::from(u32::MAX), &key).unwrap();
    let text = pass.to_text();
    let qr = QrImage::encode(&text).unwrap();
    assert!(
        qr.version <= 13,
        "the longest pass ({} CBOR bytes, {} characters) needs QR version {}",
        pass.to_cbor().len(),
        text.len(),
        qr.version
    );
    assert_eq!(Pass::from_text(&text).unwrap(), pass);
    // The grant itself (with long name and venue) round-trips too.
    assert_eq!(SignedGrant::from_text(&g.to_text()).unwrap(), g);
}

#[test]
fn gate_rejections() {
    let mut f = fx();
    let id = f.ticket(1, TicketTransferPolicy::non_transferable());
    let mut gate = f.gate("South", 0x34);

    f.at(f.event.doors_open - 1);
    let early = f.tickets().show(&id).unwrap().text;
    assert!(
        matches!(gate.verify(&early), Err(TicketError::TooEarly { doors_open, .. }) if doors_open == f.event.doors_open)
    );
    f.at(f.event.end + 1);
    assert!(matches!(
        f.tickets().show(&id),
        Err(TicketError::EventEnded { .. })
    ));
    f.at(f.event.end);
    let last = f.tickets().show(&id).unwrap().text;
    f.at(f.event.end + 5);
    assert!(matches!(
        gate.verify(&last),
        Err(TicketError::TooLate { .. })
    ));

    // Another event, same issuer: this gate does not admit it.
    f.at(T0);
    let mut other = f.terms(2, TicketTransferPolicy::non_transferable());
    other.event.id = "OTHER".into();
    let me = f.tickets().holder_id(&f.me).unwrap();
    let g = f.issuer.grant(&me, other).unwrap();
    let oid = f.tickets().import(&g.to_text()).unwrap().ticket.id;
    let p = f.tickets().show(&oid).unwrap().text;
    assert!(
        matches!(gate.verify(&p), Err(TicketError::WrongEvent { event_id }) if event_id == "OTHER")
    );

    // A grant sealed by an issuer the gate does not trust for this event.
    let rogue = Issuer::new(f.env.clone(), PrivateKey::from_slice(&[0x66; 32]).unwrap()).unwrap();
    f.tickets().trust_issuer(rogue.identity()).unwrap();
    let mut rogue = rogue;
    let g = rogue
        .grant(&me, f.terms(3, TicketTransferPolicy::non_transferable()))
        .unwrap();
    let rid = f.tickets().import(&g.to_text()).unwrap().ticket.id;
    let p = f.tickets().show(&rid).unwrap().text;
    assert!(matches!(
        gate.verify(&p),
        Err(TicketError::BadIssuerSignature)
    ));

    // A pass re-signed by someone else's pass key (a copied grant, a forged pass).
    let p = Pass::from_text(&f.tickets().show(&id).unwrap().text).unwrap();
    let thief = keys::derive_ed25519(&PrivateKey::from_slice(&[0x55; 32]).unwrap(), PASS_KEY_INFO);
    let ours = f.tickets().get(&id).unwrap().grant;
    let mut forged = Pass::create(&ours, p.window, &thief).unwrap();
    forged.pass_key = p.pass_key;
    assert!(matches!(
        gate.verify(&forged.to_text()),
        Err(TicketError::BadHolderSignature)
    ));
    // Not a pass at all.
    assert!(gate.verify("JGTG:AAAA").unwrap_err().is_rejection());
    assert!(gate.verify("").unwrap_err().is_rejection());
    assert_eq!(gate.entries().len(), 0, "nothing entered");
}

#[test]
fn import_rules() {
    let mut f = fx();
    let me = f.tickets().holder_id(&f.me).unwrap();
    let g = f
        .issuer
        .grant(&me, f.terms(5, TicketTransferPolicy::non_transferable()))
        .unwrap();
    let text = g.to_text();
    assert_eq!(
        f.tickets().import(&text).unwrap().outcome,
        TicketImportOutcome::Added
    );
    assert_eq!(
        f.tickets().import(&text).unwrap().outcome,
        TicketImportOutcome::Unchanged
    );
    assert_eq!(f.tickets().list().unwrap().len(), 1);

    // Untrusted issuer.
    let other = wallet(&f.env);
    match Tickets::new(&other).import(&text) {
        Err(TicketError::UntrustedIssuer(a)) => assert_eq!(a, f.issuer.address()),
        r => panic!("{r:?}"),
    }
    // Trusted issuer, but not our account.
    Tickets::new(&other)
        .trust_issuer(f.issuer.identity())
        .unwrap();
    assert!(
        matches!(Tickets::new(&other).import(&text), Err(TicketError::NotHolder(a)) if a == f.me)
    );
    // Our account, someone else's pass key (signed by the issuer nonetheless).
    let mut wrong = g.grant.clone();
    wrong.token_id = TokenId::from_u64(6);
    wrong.pass_key = Tickets::new(&other)
        .holder_id(&other.account(0).unwrap().address)
        .unwrap()
        .key;
    let wrong = f.issuer.sign(wrong).unwrap();
    assert!(matches!(
        f.tickets().import(&wrong.to_text()),
        Err(TicketError::PassKeyMismatch)
    ));
    // Altered after signing.
    let mut altered = g.clone();
    altered.grant.seat.number = "1".into();
    assert!(matches!(
        f.tickets().import(&altered.to_text()),
        Err(TicketError::BadIssuerSignature)
    ));
    // A stale (older) grant for a held ticket.
    let mut newer = g.grant.clone();
    newer.issued_at += 10;
    newer.seat.number = "8".into();
    let newer = f.issuer.sign(newer).unwrap();
    assert_eq!(
        f.tickets().import(&newer.to_text()).unwrap().outcome,
        TicketImportOutcome::Updated
    );
    assert!(matches!(
        f.tickets().import(&text),
        Err(TicketError::StaleGrant { .. })
    ));
    let mut twin = newer.grant.clone();
    twin.seat.number = "9".into();
    let twin = f.issuer.sign(twin).unwrap();
    assert!(matches!(
        f.tickets().import(&twin.to_text()),
        Err(TicketError::ConflictingGrant)
    ));
    // Distrusting an issuer refuses its new grants but keeps the held tickets.
    assert!(f.tickets().distrust_issuer(&f.issuer.address()).unwrap());
    assert!(!f.tickets().distrust_issuer(&f.issuer.address()).unwrap());
    assert!(f.tickets().trusted_issuers().unwrap().is_empty());
    assert_eq!(f.tickets().list().unwrap().len(), 1);
}

#[test]
fn list_upcoming_first() {
    let mut f = fx();
    let me = f.tickets().holder_id(&f.me).unwrap();
    let mk = |f: &mut Fx, id: &str, start: u64, token: u64| {
        let mut t = f.terms(token, TicketTransferPolicy::non_transferable());
        t.event = TicketEvent {
            id: id.into(),
            doors_open: start - 600,
            start,
            end: start + 7200,
            ..f.event.clone()
        };
        let g = f.issuer.grant(&me, t).unwrap();
        f.tickets().import(&g.to_text()).unwrap();
    };
    mk(&mut f, "LATER", T0 + 86_400 * 30, 1);
    mk(&mut f, "PAST-OLD", T0 - 86_400 * 30, 2);
    mk(&mut f, "SOON", T0 + 86_400, 3);
    mk(&mut f, "PAST-RECENT", T0 - 86_400, 4);
    mk(&mut f, "NOW", T0 - 600, 5);
    let order: Vec<String> = f
        .tickets()
        .list()
        .unwrap()
        .iter()
        .map(|t| t.event().id.clone())
        .collect();
    assert_eq!(order, ["NOW", "SOON", "LATER", "PAST-RECENT", "PAST-OLD"]);
}

#[test]
fn transfer_rules_and_reissue() {
    let mut f = fx();
    let buyer_wallet = wallet(&f.env);
    let buyer = Tickets::new(&buyer_wallet);
    buyer.trust_issuer(f.issuer.identity()).unwrap();
    let buyer_id = buyer
        .holder_id(&buyer_wallet.account(0).unwrap().address)
        .unwrap();

    // Locked tickets do not move.
    let locked = f.ticket(1, TicketTransferPolicy::non_transferable());
    assert!(matches!(
        f.tickets().request_transfer(&locked, &buyer_id, 0, ""),
        Err(TicketError::NotTransferable)
    ));

    let id = f.ticket(2, TicketTransferPolicy::capped("KRW", 100_000, 1));
    assert!(!f.tickets().get(&id).unwrap().locked());
    assert!(matches!(
        f.tickets().request_transfer(&id, &buyer_id, 100_001, "KRW"),
        Err(TicketError::OverPriceCap {
            price: 100_001,
            cap: 100_000,
            ..
        })
    ));
    assert!(matches!(
        f.tickets().request_transfer(&id, &buyer_id, 1, "USD"),
        Err(TicketError::WrongCurrency { .. })
    ));
    let me = f.tickets().holder_id(&f.me).unwrap();
    assert!(matches!(
        f.tickets().request_transfer(&id, &me, 1, "KRW"),
        Err(TicketError::SameHolder)
    ));
    // Nothing was written by the refusals.
    assert_eq!(f.tickets().get(&id).unwrap().state, TicketState::Usable);

    let req = f
        .tickets()
        .request_transfer(&id, &buyer_id, 100_000, "KRW")
        .unwrap();
    assert_eq!(f.tickets().get(&id).unwrap().status(), TicketStatus::Resell);
    assert!(matches!(
        f.tickets().show(&id),
        Err(TicketError::TransferPending { .. })
    ));
    assert_eq!(f.tickets().pending_transfer(&id).unwrap(), req);
    // The request verifies as generic EIP-712 typed data.
    let td = crate::keys::TypedData::from_json(&req.typed_data_json()).unwrap();
    assert_eq!(
        req.signature
            .recover_address(&td.digest().unwrap())
            .unwrap(),
        f.me
    );
    let req = TransferRequest::from_text(&req.to_text()).unwrap();

    // The issuer reissues; a second reissue of the same grant is refused (no double sale).
    let current = f.tickets().get(&id).unwrap().grant;
    f.clock.advance_ms(60_000);
    let next = f.issuer.reissue(&current, &req).unwrap();
    assert_eq!(next.grant.transfers, 1);
    assert_eq!(next.grant.holder, buyer_id.address);
    assert_eq!(next.grant.pass_key, buyer_id.key);
    assert!(matches!(
        f.issuer.reissue(&current, &req),
        Err(TicketError::GrantSuperseded)
    ));

    // The buyer imports it; the seller's wallet marks the ticket transferred.
    assert_eq!(
        buyer.import(&next.to_text()).unwrap().outcome,
        TicketImportOutcome::Added
    );
    let seller_view = f.tickets().import(&next.to_text()).unwrap();
    assert_eq!(seller_view.outcome, TicketImportOutcome::TransferConfirmed);
    assert_eq!(seller_view.ticket.status, TicketStatus::Void);
    assert!(
        matches!(f.tickets().show(&id), Err(TicketError::Transferred { to }) if to == buyer_id.address)
    );
    assert!(matches!(
        f.tickets().request_transfer(&id, &buyer_id, 1, "KRW"),
        Err(TicketError::Transferred { .. })
    ));

    // A seller with a modified wallet shows the sold grant: a gate told of the reissue refuses.
    let mut gate = f.gate("North 1", 0x35);
    for (t, n) in f.issuer.reissued() {
        gate.set_current_transfers(t, n);
    }
    let key = keys::derive_ed25519(&f.wallet.signing_key(&f.me).unwrap(), PASS_KEY_INFO);
    let window = f.clock.now_secs() / WINDOW_SECS;
    let stale = Pass::create(&current, window, &key).unwrap().to_text();
    assert!(matches!(
        gate.verify(&stale),
        Err(TicketError::Superseded {
            presented: 0,
            current: 1
        })
    ));
    // The buyer's pass enters; the ticket allowed one transfer only.
    let admit = gate.verify(&buyer.show(&id).unwrap().text).unwrap();
    assert_eq!(admit.holder, buyer_id.address);
    assert_eq!(admit.transfers, 1);
    let third = Tickets::new(&f.wallet)
        .holder_id(&f.wallet.account(1).unwrap().address)
        .unwrap();
    assert!(matches!(
        buyer.request_transfer(&id, &third, 1, "KRW"),
        Err(TicketError::TooManyTransfers { max: 1 })
    ));

    // Issuer-side checks of a forged request: not signed by the holder.
    let id3 = f.ticket(3, TicketTransferPolicy::capped("KRW", 100_000, 3));
    let good = f
        .tickets()
        .request_transfer(&id3, &buyer_id, 10, "KRW")
        .unwrap();
    let g3 = f.tickets().get(&id3).unwrap().grant;
    let mut forged = good.clone();
    forged.price = 5;
    assert!(matches!(
        f.issuer.reissue(&g3, &forged),
        Err(TicketError::BadTransferRequest(_))
    ));
    // And the issuer enforces the cap itself, whatever a wallet signs.
    let mut greedy = good.clone();
    greedy.price = 200_000;
    greedy.signature = f.wallet.sign_digest(&f.me, &greedy.digest()).unwrap();
    assert!(matches!(
        f.issuer.reissue(&g3, &greedy),
        Err(TicketError::OverPriceCap { .. })
    ));
    // Cancelling makes the ticket showable again.
    f.tickets().cancel_transfer(&id3).unwrap();
    f.tickets().show(&id3).unwrap();
    assert!(matches!(
        f.tickets().cancel_transfer(&id3),
        Err(TicketError::NoTransferPending)
    ));
}

#[test]
fn gates_merge_entries_and_refuse_a_second_entry() {
    let mut f = fx();
    let a_id = f.ticket(1, TicketTransferPolicy::non_transferable());
    let b_id = f.ticket(2, TicketTransferPolicy::non_transferable());
    let mut north = f.gate("North", 0x41);
    let mut south = f.gate("South", 0x42);
    north
        .verify(&f.tickets().show(&a_id).unwrap().text)
        .unwrap();
    f.clock.advance_ms(20_000);
    south
        .verify(&f.tickets().show(&b_id).unwrap().text)
        .unwrap();

    let from_north = north.export().unwrap();
    // An export altered in transit (its last entry time, just before the signature) is refused
    // for its signature, and changes nothing.
    let mut forged = from_north.clone();
    let at = forged.len() - 67;
    forged[at] ^= 1;
    assert!(matches!(
        south.merge(&forged),
        Err(TicketError::BadGateSignature("export"))
    ));
    let r = south.merge(&from_north).unwrap();
    assert_eq!((r.added, r.updated, r.ignored, r.total), (1, 0, 0, 2));
    north.merge(&south.export().unwrap()).unwrap();
    // Both now refuse both tickets, naming the gate where each entered.
    f.clock.advance_ms(20_000);
    match south.verify(&f.tickets().show(&a_id).unwrap().text) {
        Err(TicketError::AlreadyEntered { gate, at }) => {
            assert_eq!((gate.as_str(), at), ("North", T0))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        north.verify(&f.tickets().show(&b_id).unwrap().text),
        Err(TicketError::AlreadyEntered { .. })
    ));
    let n: Vec<_> = north.entries();
    let s: Vec<_> = south.entries();
    assert_eq!(n, s);
    // Merging again changes nothing; exports are deterministic.
    assert_eq!(south.merge(&from_north).unwrap().added, 0);
    assert_eq!(south.export().unwrap(), south.export().unwrap());

    // A saved state reloads into a fresh gate with the same key.
    let saved = north.export().unwrap();
    let mut reloaded = f.gate("North", 0x41);
    assert_eq!(reloaded.merge(&saved).unwrap().total, 2);

    // Tampered exports and exports from unauthorised gates are refused.
    let mut bad = saved.clone();
    let last = bad.len() - 70;
    bad[last] ^= 1;
    assert!(reloaded.merge(&bad).is_err());
    let stranger_issuer =
        Issuer::new(f.env.clone(), PrivateKey::from_slice(&[0x77; 32]).unwrap()).unwrap();
    let key = GateKey::from_account(&PrivateKey::from_slice(&[0x43; 32]).unwrap());
    let auth = stranger_issuer
        .authorize_gate(1, f.contract, &f.event, key.public(), "Rogue")
        .unwrap();
    let rogue = Gate::new(
        f.env.clone(),
        key,
        &[stranger_issuer.identity().clone()],
        &[auth],
    )
    .unwrap();
    assert!(matches!(
        reloaded.merge(&rogue.export().unwrap()),
        Err(TicketError::UnauthorizedGate)
    ));
    assert!(reloaded.merge(b"junk").is_err());
}

#[test]
fn receipts_from_unauthorised_gates_are_refused() {
    let mut f = fx();
    let id = f.ticket(9, TicketTransferPolicy::non_transferable());
    // A gate authorised by another issuer, for the same event details.
    let stranger =
        Issuer::new(f.env.clone(), PrivateKey::from_slice(&[0x78; 32]).unwrap()).unwrap();
    let key = GateKey::from_account(&PrivateKey::from_slice(&[0x44; 32]).unwrap());
    let auth = stranger
        .authorize_gate(1, f.contract, &f.event, key.public(), "Fake")
        .unwrap();
    let mut fake = Gate::new(
        f.env.clone(),
        key,
        &[stranger.identity().clone(), f.issuer.identity().clone()],
        &[auth],
    )
    .unwrap();
    // It cannot even admit the ticket (the seal is by our issuer, the event is bound to the stranger).
    let pass = f.tickets().show(&id).unwrap().text;
    assert!(matches!(
        fake.verify(&pass),
        Err(TicketError::BadIssuerSignature)
    ));

    let mut real = f.gate("Main", 0x45);
    let admit = real.verify(&pass).unwrap();
    let receipt = real.receipt(&admit).unwrap();
    // A receipt whose authorization is swapped for the stranger's: refused.
    let mut r = receipt.clone();
    r.gate_name = "Fake".into();
    assert!(matches!(
        f.tickets().apply_receipt(&r.to_text()),
        Err(TicketError::UnauthorizedGate)
    ));
    let mut r = receipt.clone();
    r.entered_at += 1;
    assert!(matches!(
        f.tickets().apply_receipt(&r.to_text()),
        Err(TicketError::BadGateSignature("check-in receipt"))
    ));
    assert_eq!(f.tickets().get(&id).unwrap().state, TicketState::Usable);
    f.tickets().apply_receipt(&receipt.to_text()).unwrap();
}

#[test]
fn gate_configuration_errors() {
    let f = fx();
    let key = || GateKey::from_account(&PrivateKey::from_slice(&[0x50; 32]).unwrap());
    let ids = [f.issuer.identity().clone()];
    assert!(matches!(
        Gate::new(f.env.clone(), key(), &ids, &[]),
        Err(TicketError::GateConfig(_))
    ));
    let other_key = GateKey::from_account(&PrivateKey::from_slice(&[0x51; 32]).unwrap());
    let auth = f
        .issuer
        .authorize_gate(1, f.contract, &f.event, other_key.public(), "G")
        .unwrap();
    assert!(matches!(
        Gate::new(f.env.clone(), key(), &ids, &[auth]),
        Err(TicketError::GateConfig(_))
    ));
    let auth = f
        .issuer
        .authorize_gate(1, f.contract, &f.event, key().public(), "G")
        .unwrap();
    assert!(matches!(
        Gate::new(f.env.clone(), key(), &[], std::slice::from_ref(&auth)),
        Err(TicketError::GateConfig(_))
    ));
    assert!(matches!(
        Gate::new(f.env.clone(), key(), &ids, &[auth.clone(), auth.clone()]),
        Err(TicketError::GateConfig(_))
    ));
    assert_eq!(GateAuthorization::from_text(&auth.to_text()).unwrap(), auth);
    let g = Gate::new(f.env.clone(), key(), &ids, &[auth]).unwrap();
    assert_eq!(g.name(), "G");
    assert_eq!(g.events()[0].id, f.event.id);
}

#[test]
fn trusted_issuers_and_tickets_persist() {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock, 3);
    let store = Arc::new(MemoryStore::new());
    let (w, _) = Wallet::create(
        store.clone(),
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    Tickets::new(&w).trust_issuer(issuer.identity()).unwrap();
    let me = Tickets::new(&w)
        .holder_id(&w.account(0).unwrap().address)
        .unwrap();
    let f = fx();
    let g = issuer
        .grant(&me, f.terms(1, TicketTransferPolicy::non_transferable()))
        .unwrap();
    Tickets::new(&w).import(&g.to_text()).unwrap();
    w.lock();
    assert!(matches!(
        Tickets::new(&w).list(),
        Err(TicketError::Vault(_))
    ));
    assert!(matches!(
        Tickets::new(&w).holder_id(&me.address),
        Err(TicketError::Wallet(_))
    ));
    let w2 = Wallet::open(store, env, WalletOptions::fast_for_tests().vault).unwrap();
    w2.unlock(b"123456").unwrap();
    let t = Tickets::new(&w2);
    assert_eq!(
        t.trusted_issuers().unwrap(),
        vec![issuer.identity().clone()]
    );
    assert_eq!(t.list().unwrap()[0].grant, g);
    assert_eq!(
        t.holder_id(&me.address).unwrap(),
        me,
        "the pass key comes back from the seed"
    );
    t.show(&g.ticket_ref()).unwrap();
}

#[test]
fn issuer_refuses_double_issue_and_registry_round_trips() {
    let mut f = fx();
    let me = f.tickets().holder_id(&f.me).unwrap();
    f.issuer
        .grant(&me, f.terms(1, TicketTransferPolicy::non_transferable()))
        .unwrap();
    assert!(matches!(
        f.issuer
            .grant(&me, f.terms(1, TicketTransferPolicy::non_transferable())),
        Err(TicketError::AlreadyIssued(_))
    ));
    let json = f.issuer.export_registry();
    let mut again =
        Issuer::new(f.env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    again.load_registry(&json).unwrap();
    assert!(
        again
            .grant(&me, f.terms(1, TicketTransferPolicy::non_transferable()))
            .is_err()
    );
    assert!(again.load_registry("nope").is_err());
}

#[test]
fn wallet_backed_issuer_and_gate_key_and_reissue_from_the_request_alone() {
    let f = fx();
    let issuer_wallet = Arc::new(wallet(&f.env));
    let account = issuer_wallet.account(0).unwrap().address;
    let mut issuer = Issuer::from_wallet(f.env.clone(), issuer_wallet.clone(), &account).unwrap();
    assert_eq!(issuer.address(), account);
    issuer.identity().verify().unwrap();
    let stranger: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        .parse()
        .unwrap();
    assert!(Issuer::from_wallet(f.env.clone(), issuer_wallet.clone(), &stranger).is_err());

    // A gate key from a wallet account is stable, and a clone is the same key.
    let gk = GateKey::from_wallet(&issuer_wallet, &account).unwrap();
    assert_eq!(
        gk.public(),
        GateKey::from_wallet(&issuer_wallet, &account)
            .unwrap()
            .public()
    );
    assert_eq!(gk.clone().public(), gk.public());

    // Reissue from the request alone: the issuer remembers the current grant it signed.
    f.tickets().trust_issuer(issuer.identity()).unwrap();
    let buyer_wallet = wallet(&f.env);
    let buyer = Tickets::new(&buyer_wallet);
    buyer.trust_issuer(issuer.identity()).unwrap();
    let buyer_id = buyer
        .holder_id(&buyer_wallet.account(0).unwrap().address)
        .unwrap();
    let me = f.tickets().holder_id(&f.me).unwrap();
    let g = issuer
        .grant(&me, f.terms(5, TicketTransferPolicy::capped("KRW", 10, 2)))
        .unwrap();
    let id = f.tickets().import(&g.to_text()).unwrap().ticket.id;
    let req = f
        .tickets()
        .request_transfer(&id, &buyer_id, 10, "KRW")
        .unwrap();
    let next = issuer.reissue_request(&req).unwrap();
    assert_eq!(next.grant.holder, buyer_id.address);
    assert_eq!(next.grant.transfers, 1);
    // The same request again: it names a grant that is no longer the current one.
    assert!(matches!(
        issuer.reissue_request(&req),
        Err(TicketError::BadTransferRequest(_))
    ));
    // Another issuer instance never saw the grant: it asks for it.
    let mut other = Issuer::from_wallet(f.env.clone(), issuer_wallet.clone(), &account).unwrap();
    assert!(matches!(
        other.reissue_request(&req),
        Err(TicketError::BadTransferRequest(_))
    ));
    // After loading a registry, only grants still current there are kept.
    let json = issuer.export_registry();
    issuer.load_registry(&json).unwrap();
    let r2 = buyer
        .request_transfer(
            &buyer.import(&next.to_text()).unwrap().ticket.id,
            &me,
            5,
            "KRW",
        )
        .unwrap();
    assert_eq!(issuer.reissue_request(&r2).unwrap().grant.transfers, 2);
}
