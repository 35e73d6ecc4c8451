//! `jigap demo`: the citizen's journey, end to end, on an embedded default — a SQLite vault in a
//! temporary folder, the fast (insecure, clearly labelled) KDF and a demo clock the script moves.
//! Every step checks what it claims; the command exits 0 only if all of them did.

use std::sync::Arc;

use jigap_core::env::{Env, ManualClock, OsRandom};
use jigap_core::error::ErrorClass;
use jigap_core::keys::{Language, PrivateKey};
use jigap_core::store::{SqliteStore, Store};
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};
use serde_json::{Value, json};

use crate::io::{CliError, CliResult, Out, hex0x, storage};

/// The journey's transcript: one entry per step.
pub struct Transcript {
    steps: Vec<Value>,
    json: bool,
    failed: bool,
}

impl Transcript {
    fn step(&mut self, title: &str, ok: bool, said: &str, details: Value) {
        let n = self.steps.len() + 1;
        if !self.json {
            let mark = if ok { "✔" } else { "✘" };
            println!("{mark} {n:>2}. {title}");
            for line in said.lines() {
                println!("       {line}");
            }
        }
        self.failed |= !ok;
        self.steps
            .push(json!({"step": n, "title": title, "ok": ok, "said": said, "details": details}));
    }

    pub(crate) fn check(
        &mut self,
        title: &str,
        ok: bool,
        said: String,
        details: Value,
    ) -> CliResult<()> {
        self.step(title, ok, &said, details);
        if ok {
            Ok(())
        } else {
            Err(CliError::new(
                ErrorClass::Internal,
                format!("step '{title}' did not do what it says"),
            ))
        }
    }
}

fn won(x: u64) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("₩{out}")
}

struct Cast {
    clock: Arc<ManualClock>,
    env: Env,
    citizen: Arc<Wallet>,
    me: jigap_core::keys::Address,
    vouchers: Vouchers,
    city: VoucherIssuer,
    bank: VoucherIssuer,
    grocery: MerchantDesk,
    cafe: MerchantDesk,
    dir: tempfile::TempDir,
    qr_style: jigap_core::qr::TerminalStyle,
}

fn sqlite(dir: &std::path::Path, name: &str) -> CliResult<Arc<dyn Store>> {
    Ok(Arc::new(SqliteStore::open(dir.join(name))?))
}

pub fn demo(out: &Out, invert: bool, chain: bool, rpc: Option<&str>) -> CliResult<()> {
    let mut t = Transcript {
        steps: vec![],
        json: out.json,
        failed: false,
    };
    let result = journey(&mut t, out, invert, chain.then_some(rpc));
    if out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"ok": result.is_ok() && !t.failed, "steps": t.steps})
            )
            .unwrap_or_default()
        );
    } else if result.is_ok() && !t.failed {
        println!("\nAll {} steps did what they said.", t.steps.len());
    }
    result
}

fn journey(
    t: &mut Transcript,
    out: &Out,
    invert: bool,
    chain: Option<Option<&str>>,
) -> CliResult<()> {
    let dir = tempfile::tempdir()
        .map_err(|e| storage(format!("cannot make a temporary folder for the demo: {e}")))?;
    // The demo's own clock starts now (or at --now) and is moved by the script (to show pass
    // windows).
    let clock = ManualClock::new(out.env.clock.now_ms());
    let env = Env::new(clock.clone(), Arc::new(OsRandom));
    if !t.json {
        println!(
            "jigap demo — a SQLite vault in {} with the FAST, INSECURE demo KDF (Argon2id 256 KiB, 1 pass).\n",
            dir.path().display()
        );
    }

    // 1. Create the wallet.
    let co = WalletOptions {
        words: 12,
        language: Language::Korean,
        ..WalletOptions::fast_for_tests()
    };
    let (citizen, mnemonic) = Wallet::create(
        sqlite(dir.path(), "citizen.db")?,
        env.clone(),
        b"246810",
        co,
    )?;
    let citizen = Arc::new(citizen);
    let me = citizen.account(0)?.address;
    let did = citizen.identity(0)?.did;
    let phrase = mnemonic.phrase();
    t.check(
        "Create a wallet (Korean recovery phrase, shown once)",
        phrase.split(' ').count() == 12 && citizen.is_unlocked(),
        format!("recovery phrase: {}\naddress {me}\nDID {did}", &*phrase),
        json!({"address": me.to_string(), "did": did, "mnemonic": &*phrase, "kdf": "argon2id 256 KiB × 1 (demo only)"}),
    )?;

    // Issuers and shops.
    let domain = VoucherDomain::DEMO;
    let city = VoucherIssuer::from_key(env.clone(), PrivateKey::from_slice(&[0x51; 32])?, domain);
    let bank = VoucherIssuer::from_key(env.clone(), PrivateKey::from_slice(&[0xb0; 32])?, domain);
    let shops = Arc::new(
        Wallet::create(
            sqlite(dir.path(), "shops.db")?,
            env.clone(),
            b"135790",
            WalletOptions::fast_for_tests(),
        )?
        .0,
    );
    let grocery_addr = shops.account(0)?.address;
    let cafe_addr = shops.add_account()?.address;
    let trusted = vec![city.address(), bank.address()];
    let grocery = MerchantDesk::new(
        shops.clone(),
        grocery_addr,
        "행복마트 망원점",
        5411,
        "KR-11",
        domain,
        trusted.clone(),
    )?;
    let cafe = MerchantDesk::new(shops, cafe_addr, "Café Bom", 5814, "KR-11", domain, trusted)?;
    let vouchers = Vouchers::new(citizen.clone(), domain);
    vouchers.set_trusted_issuers(vec![
        TrustedIssuer {
            address: city.address(),
            name: "Seoul welfare voucher".into(),
            currency: "KRW".into(),
            holding_cap: 500_000,
            offline_allowance: 200_000,
        },
        TrustedIssuer {
            address: bank.address(),
            name: "Bank of Korea digital voucher".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        },
    ])?;
    let c = Cast {
        clock,
        env,
        citizen,
        me,
        vouchers,
        city,
        bank,
        grocery,
        cafe,
        dir,
        qr_style: crate::ticket_cmd::terminal_style(invert),
    };
    vouchers_part(t, &c)?;
    tickets_part(t, &c)?;
    credentials_part(t, &c)?;
    backup_part(t, &c)?;
    if let Some(rpc) = chain {
        crate::demo_chain::chain_part(t, &c.citizen, c.grocery.address(), rpc)?;
    }
    Ok(())
}

fn vouchers_part(t: &mut Transcript, c: &Cast) -> CliResult<()> {
    let now = c.env.clock.now_secs();
    // 2. Receive two vouchers.
    let anywhere = GrantSpec::new(c.me, 20_000, "KRW", now - 60, now + 365 * 86_400);
    let welfare = c.city.grant(&GrantSpec {
        amount: 30_000,
        valid_until: now + 120 * 86_400,
        categories: vec![5411],
        regions: vec!["KR-11".into()],
        ..anywhere.clone()
    })?;
    let cbdc = c.bank.grant(&anywhere)?;
    c.vouchers.import(&decode_grant(&encode_grant(&welfare))?)?;
    c.vouchers.import(&decode_grant(&encode_grant(&cbdc))?)?;
    let bal: u64 = c.vouchers.balances()?.iter().map(|b| b.spendable).sum();
    t.check(
        "Receive a city welfare voucher (groceries in Seoul) and a central-bank digital voucher",
        bal == 50_000,
        format!("{} for groceries in Seoul (KR-11, category 5411), {} anywhere — spendable now {}", won(30_000), won(20_000), won(bal)),
        json!({"welfare": hex0x(&welfare.grant.id), "cbdc": hex0x(&cbdc.grant.id), "spendable": bal}),
    )?;

    // 3. Pay across both, merchant verifies offline, issuers settle.
    let (_, req_qr) = c.grocery.create_request(42_000, "KRW", 120)?;
    let req = decode_request(&req_qr)?;
    let quote = c.vouchers.quote(&req)?;
    let payment = c.vouchers.pay(&req)?;
    let accepted = c.grocery.accept(&req, &payment.qr)?;
    for issuer in [&c.city, &c.bank] {
        let s = issuer.settle(&payment.payload, None)?;
        c.vouchers
            .apply_settlement(&decode_settlement(&encode_settlement(&s))?)?;
    }
    let after: u64 = c.vouchers.balances()?.iter().map(|b| b.spendable).sum();
    let split: Vec<String> = quote.allocations.iter().map(|a| won(a.amount)).collect();
    t.check(
        "A grocery asks for more than either voucher alone: quote, pay across both, the issuers settle",
        quote.payable && quote.allocations.len() == 2 && accepted.total == 42_000 && after == 8_000,
        format!("행복마트 asks {}; the wallet pays {} (soonest expiry first), the shop verifies offline, both issuers settle; left {}", won(42_000), split.join(" + "), won(after)),
        json!({"request": req_qr, "payment": payment.qr, "allocations": quote.allocations.iter().map(|a| json!({"voucher": a.voucher_id.to_string(), "amount": a.amount})).collect::<Vec<_>>(), "left": after}),
    )?;

    // 4. Refund (never more than the bank settled from the voucher).
    let refund = c.bank.refund(&cbdc.grant.id, 5_000)?;
    let applied = c
        .vouchers
        .apply_refund(&decode_refund(&encode_refund(&refund))?)?;
    let again = c.vouchers.apply_refund(&refund)?;
    let after_refund: u64 = c.vouchers.balances()?.iter().map(|b| b.spendable).sum();
    c.vouchers.check_invariants()?;
    t.check(
        "A refund",
        applied && !again && after_refund == 13_000,
        format!("the bank refunds {} (a returned item); applying it twice changes nothing; spendable {}", won(5_000), won(after_refund)),
        json!({"refund": hex0x(&refund.refund.id), "spendable": after_refund}),
    )?;

    // 5. Café outside the purpose.
    let (_, cafe_qr) = c.cafe.create_request(15_000, "KRW", 120)?;
    let cafe_req = decode_request(&cafe_qr)?;
    let q = c.vouchers.quote(&cafe_req)?;
    let refused = c.vouchers.pay(&cafe_req);
    let reason = q
        .unusable
        .iter()
        .map(|u| u.reason.describe())
        .collect::<Vec<_>>()
        .join("; ");
    let unchanged: u64 = c.vouchers.balances()?.iter().map(|b| b.spendable).sum();
    t.check(
        "A café outside the welfare voucher's purpose is refused, with the reason",
        matches!(refused, Err(VoucherError::CannotPay { .. }))
            && q.unusable.iter().any(|u| u.reason == Ineligible::Category)
            && unchanged == after_refund,
        format!(
            "Café Bom asks {}: refused — welfare voucher: {reason}; {} missing",
            won(15_000),
            won(q.missing)
        ),
        json!({"reason": refused.err().map(|e| e.to_string()), "missing": q.missing}),
    )?;
    Ok(())
}

fn tickets_part(t: &mut Transcript, c: &Cast) -> CliResult<()> {
    use jigap_core::ticket::*;
    let now = c.env.clock.now_secs();
    // The organiser issues seat B-12-7 for a concert at the Seoul Arts Center tonight.
    let organiser = PrivateKey::from_slice(&[0x7c; 32])?;
    let mut issuer = Issuer::new(c.env.clone(), organiser)?;
    let tickets = Tickets::new(&c.citizen);
    tickets.trust_issuer(issuer.identity())?;
    let holder = tickets.holder_id(&c.me)?;
    let event = TicketEvent {
        id: "SAC-MAHLER2".into(),
        name: "Mahler Symphony No. 2 — Seoul Philharmonic".into(),
        venue: "Seoul Arts Center, Concert Hall".into(),
        doors_open: now - 600,
        start: now + 1_800,
        end: now + 9_000,
    };
    let contract: jigap_core::keys::Address =
        "0x5FbDB2315678afecb367f032d93F642f64180aa3".parse()?;
    let grant = issuer.grant(
        &holder,
        TicketTerms {
            chain_id: 1,
            contract,
            token_id: TokenId::from_u64(2026_0007),
            event: event.clone(),
            seat: TicketSeat::reserved("B", "12", "7"),
            tier: "R".into(),
            policy: TicketTransferPolicy::capped("KRW", 150_000, 1),
        },
    )?;
    let imported = tickets.import(&grant.to_text())?;
    let listed = tickets.list()?;
    t.check(
        "Receive an NFT concert ticket",
        listed.len() == 1,
        format!(
            "{} at {} — seat B-12-7, tier R (ERC-721 token {} on chain 1)",
            event.name, event.venue, 2026_0007
        ),
        json!({"ticket": grant.to_text(), "status": format!("{:?}", imported.ticket.status)}),
    )?;

    // Show the pass; the QR is drawn in the terminal.
    let ticket_id = imported.ticket.id;
    let old = tickets.show(&ticket_id)?;
    if !t.json {
        println!("{}", old.qr().to_terminal_with(c.qr_style));
    }
    t.check(
        "Show its pass (rotates every 15 seconds)",
        old.version <= 13 && old.text.starts_with("JGTP:"),
        format!(
            "{} characters, QR version {} at level M; next rotation in {} s",
            old.text.len(),
            old.version,
            old.refresh_in_ms.div_ceil(1000)
        ),
        json!({"pass": old.text, "qr_version": old.version, "window": old.window}),
    )?;

    // The gate: authorised by the organiser, offline, on its own clock (the demo clock).
    let gate_key = GateKey::from_account(&PrivateKey::from_slice(&[0x9a; 32])?);
    let auth = issuer.authorize_gate(1, contract, &event, gate_key.public(), "North 3")?;
    let mut gate = Gate::new(
        c.env.clone(),
        gate_key,
        &[issuer.identity().clone()],
        &[auth],
    )?;
    // Two windows later, the pass shown above (a screenshot, say) no longer works.
    c.clock.advance_ms(31_000);
    let stale = gate.verify(&old.text);
    let fresh = tickets.show(&ticket_id)?;
    let admit = gate.verify(&fresh.text)?;
    let replay = gate.verify(&fresh.text);
    let receipt = gate.receipt(&admit)?;
    let used = tickets.apply_receipt(&receipt.to_text())?;
    let show_again = tickets.show(&ticket_id);
    t.check(
        "The gate admits; a replay of the same pass is refused; a pass from an old window is refused",
        stale.is_err() && replay.is_err() && show_again.is_err() && admit.seat.number == "7",
        format!(
            "old pass: refused — {}\nfresh pass: admitted, seat B-12-7, tier {}\nsame pass again: refused — {}\nthe gate's receipt marks the ticket used: {:?}",
            stale.as_ref().err().map(|e| e.to_string()).unwrap_or_default(),
            admit.tier,
            replay.as_ref().err().map(|e| e.to_string()).unwrap_or_default(),
            used.status()
        ),
        json!({"stale": stale.err().map(|e| e.to_string()), "admitted": {"seat": "B-12-7", "tier": admit.tier, "holder": admit.holder.to_string()}, "replay": replay.err().map(|e| e.to_string())}),
    )?;
    Ok(())
}

fn credentials_part(t: &mut Transcript, c: &Cast) -> CliResult<()> {
    use jigap_core::credential::*;
    let now = c.env.clock.now_secs();
    let creds = Credentials::new(&c.citizen);
    let me = creds.holder_did()?;
    // A vocational training badge (Open Badges 3.0) and a drone pilot licence (SD-JWT VC).
    let school = Issuer::new(SigningKey::generate(&c.env, CredentialKeyType::Ed25519)?)
        .with_name("Seoul Vocational Training Institute");
    let molit = Issuer::new(SigningKey::generate(&c.env, CredentialKeyType::P256)?)
        .with_name("Drone licensing office");
    let badge = school.issue_badge(
        &c.env,
        &BadgeInput {
            name: "Electric vehicle battery maintenance".into(),
            achievement_id: Some("https://badges.svti.example/achievements/ev-battery".into()),
            achievement_name: "EV battery maintenance, level 2".into(),
            description: "Completed 120 hours of practical training in EV battery maintenance."
                .into(),
            criteria_narrative: Some(
                "Pass the practical assessment and the safety examination.".into(),
            ),
            criteria_url: None,
            image: Some("https://badges.svti.example/img/ev-battery.png".into()),
            subject: me.clone(),
            valid_from: Some(now - 86_400),
            valid_until: Some(now + 3 * 365 * 86_400),
            status: None,
            format: Some(CredentialFormat::JwtVc),
        },
    )?;
    let claims = json!({"given_name": "지우", "family_name": "김", "category": "A2", "licence_expiry": "2031-06-30",
                        "birthdate": "1996-04-12", "address": {"region": "KR-11", "locality": "Seoul"}});
    let licence = molit.issue_sd_jwt(
        &c.env,
        &SdJwtInput {
            vct: "https://licence.example.kr/drone-pilot".into(),
            claims: claims.as_object().cloned().unwrap_or_default().into(),
            disclosable: Some(
                [
                    "given_name",
                    "family_name",
                    "category",
                    "licence_expiry",
                    "birthdate",
                    "address",
                ]
                .map(String::from)
                .to_vec(),
            ),
            holder_jwk: Some(creds.holder_jwk()?.try_into()?),
            issued_at: Some(now),
            expires_at: Some(now + 5 * 365 * 86_400),
            status: None,
        },
    )?;
    let resolver = Resolver::new();
    let opts = ImportOptions::new(&resolver);
    let b = creds.import(&badge, &opts)?;
    let l = creds.import(&licence, &opts)?;
    let shown = b
        .badge
        .as_ref()
        .map(|x| x.achievement_name.clone())
        .unwrap_or_default();
    t.check(
        "Receive a vocational training badge and a drone pilot licence",
        b.badge.is_some() && l.format.is_sd_jwt() && creds.list(&CredentialFilter::default())?.len() == 2,
        format!("badge: {shown} — {}\nlicence: drone pilot, category A2 (SD-JWT VC; {} claims the holder may disclose)", b.issuer_name.clone().unwrap_or_default(), l.disclosable.len()),
        json!({"badge": b.id, "licence": l.id, "disclosable": l.disclosable}),
    )?;

    // An inspector asks for the licence category and expiry only, with a fresh nonce.
    let nonce = hex0x(&c.env.random_array::<16>()?);
    let aud = "https://inspector.example.kr";
    let presentation = creds.present(&l.id, &["category", "licence_expiry"], &nonce, aud)?;
    let got = verify_presentation(
        &presentation,
        &PresentationOptions::new(&resolver, &nonce, aud, c.env.clock.now_secs()),
    )?;
    let seen = got
        .credentials
        .first()
        .map(|x| x.claims.clone())
        .unwrap_or_default();
    let replay = verify_presentation(
        &presentation,
        &PresentationOptions::new(&resolver, "another-nonce", aud, c.env.clock.now_secs()),
    );
    let only_two = seen.get("category").and_then(|v| v.as_str()) == Some("A2")
        && seen.get("licence_expiry").is_some()
        && !seen.contains_key("given_name")
        && !seen.contains_key("birthdate")
        && !seen.contains_key("address");
    t.check(
        "Present only the licence category and expiry to an inspector, who verifies it",
        only_two && replay.is_err(),
        format!(
            "the inspector sees: category {}, expiry {} (not the name, birth date or address); the same presentation with another nonce is refused",
            seen.get("category").and_then(|v| v.as_str()).unwrap_or("?"),
            seen.get("licence_expiry").and_then(|v| v.as_str()).unwrap_or("?")
        ),
        json!({"presentation": presentation, "inspector_sees": seen, "replay": replay.err().map(|e| e.to_string())}),
    )?;
    Ok(())
}

fn backup_part(t: &mut Transcript, c: &Cast) -> CliResult<()> {
    let file = c.dir.path().join("citizen.jigap-backup");
    let backup = c
        .citizen
        .backup(b"246810", jigap_core::vault::BackupSecret::NewCode)?;
    let bytes = backup.bytes;
    let code = backup
        .code
        .map(|c| c.grouped())
        .ok_or_else(|| CliError::new(ErrorClass::Internal, "the backup came without its code"))?;
    std::fs::write(&file, &bytes)
        .map_err(|e| storage(format!("cannot write {}: {e}", file.display())))?;
    let (restored, info) = Wallet::restore_backup(
        sqlite(c.dir.path(), "restored.db")?,
        c.env.clone(),
        &std::fs::read(&file)
            .map_err(|e| storage(format!("cannot read {}: {e}", file.display())))?,
        code.as_bytes(),
        b"246810",
        WalletOptions::fast_for_tests().vault.clone(),
    )?;
    let restored = Arc::new(restored);
    let rv = Vouchers::new(restored.clone(), VoucherDomain::DEMO);
    let same_balances = rv.balances()? == c.vouchers.balances()?;
    let same_history = rv.history(&HistoryFilter::default())?.len()
        == c.vouchers.history(&HistoryFilter::default())?.len();
    let same_account = restored.account(0)?.address == c.me;
    let ours = jigap_core::ticket::Tickets::new(&c.citizen).list()?;
    let theirs = jigap_core::ticket::Tickets::new(&restored).list()?;
    let same_tickets = ours.len() == theirs.len()
        && ours
            .iter()
            .zip(&theirs)
            .all(|(a, b)| a.id == b.id && a.status() == b.status());
    let filter = jigap_core::credential::CredentialFilter::default();
    let same_credentials = jigap_core::credential::Credentials::new(&c.citizen)
        .list(&filter)?
        .len()
        == jigap_core::credential::Credentials::new(&restored)
            .list(&filter)?
            .len();
    t.check(
        "Back up, restore into a fresh vault: balances and tickets equal",
        same_balances && same_history && same_account && same_tickets && same_credentials && !info.weak,
        format!("backup {} bytes under a 32-digit backup code shown once → restored vault: same account, balances, voucher history, tickets ({} used) and credentials", bytes.len(), theirs.len()),
        json!({"backup_bytes": bytes.len(), "protection": info.protection.code(), "balances_equal": same_balances, "history_equal": same_history, "tickets_equal": same_tickets, "credentials_equal": same_credentials}),
    )?;
    let _ = &c.clock;
    Ok(())
}
