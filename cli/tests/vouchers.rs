//! A full voucher round trip from the shell: issuer, citizen wallet, merchant.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

mod common;
use common::run;

fn ok(args: &[&str]) -> Value {
    let (code, v, err) = run(args, "");
    assert_eq!(code, 0, "jigap {args:?}: {err}");
    v
}

/// The command's JSON carries the EIP-712 typed data, its digest and a signature by `signer`.
fn check_signed(v: &Value, signer: &str) {
    let td = jigap_core::keys::TypedData::from_json(&v["typed_data"].to_string()).unwrap();
    let digest = td.digest().unwrap();
    assert_eq!(v["digest"], format!("0x{}", hex(&digest)), "{v}");
    let sig: jigap_core::keys::Signature = v["signature"].as_str().unwrap().parse().unwrap();
    assert_eq!(sig.recover_address(&digest).unwrap().to_string(), signer);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The error kind and message of a command that must fail.
fn fails(args: &[&str]) -> (String, String) {
    let (code, _, err) = run(args, "");
    assert_eq!(code, 1, "jigap {args:?} should fail");
    let e: Value = serde_json::from_str(err.trim()).unwrap();
    (
        e["error"]["kind"].as_str().unwrap().to_string(),
        e["error"]["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn voucher_round_trip_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("pin"), "123456").unwrap();
    std::fs::write(
        p("city.key"),
        "0x1111111111111111111111111111111111111111111111111111111111111111",
    )
    .unwrap();
    std::fs::write(
        p("bank.key"),
        "0x2222222222222222222222222222222222222222222222222222222222222222",
    )
    .unwrap();
    let (citizen, shop, pin) = (p("citizen"), p("shop"), p("pin"));
    let me = ok(&[
        "vault",
        "init",
        "--dir",
        &citizen,
        "--kdf",
        "fast",
        "--pin-file",
        &pin,
    ])["address"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&[
        "vault",
        "init",
        "--dir",
        &shop,
        "--kdf",
        "fast",
        "--pin-file",
        &pin,
    ]);
    let v = |extra: &[&str], dir: &str| -> Vec<String> {
        [&["--dir", dir, "--pin-file", &pin][..], extra]
            .concat()
            .iter()
            .map(|s| s.to_string())
            .collect()
    };

    let g1 = ok(&[
        "voucher",
        "grant",
        "--key-file",
        &p("city.key"),
        "--holder",
        &me,
        "--amount",
        "30000",
        "--categories",
        "5411",
        "--regions",
        "KR-11",
        "--valid-days",
        "30",
    ]);
    let g2 = ok(&[
        "voucher",
        "grant",
        "--key-file",
        &p("bank.key"),
        "--holder",
        &me,
        "--amount",
        "20000",
        "--valid-days",
        "365",
    ]);
    let (city_addr, bank_addr) = (
        g1["issuer"].as_str().unwrap().to_string(),
        g2["issuer"].as_str().unwrap().to_string(),
    );
    check_signed(&g1, &city_addr);
    assert_eq!(
        g1["valid_until"].as_u64().unwrap() - g1["valid_from"].as_u64().unwrap(),
        30 * 86_400
    );

    let args = |cmd: &[&str], dir: &str| -> Vec<String> {
        [
            cmd.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            v(&[], dir),
        ]
        .concat()
    };
    let call = |cmd: &[&str], dir: &str| -> Value {
        let a = args(cmd, dir);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        ok(&refs)
    };
    let call_err = |cmd: &[&str], dir: &str| -> String {
        let a = args(cmd, dir);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, _, err) = run(&refs, "");
        assert_eq!(code, 1, "{cmd:?} should fail");
        err
    };

    // Importing before trusting the issuer is refused with the reason.
    assert!(
        call_err(
            &[
                "voucher",
                "import",
                "--grant",
                g1["grant"].as_str().unwrap()
            ],
            &citizen
        )
        .contains("\"Untrusted\"")
    );
    call(
        &[
            "voucher",
            "trust",
            "--issuer",
            &city_addr,
            "--name",
            "Seoul welfare",
            "--holding-cap",
            "500000",
            "--offline-allowance",
            "200000",
        ],
        &citizen,
    );
    call(
        &[
            "voucher",
            "trust",
            "--issuer",
            &bank_addr,
            "--name",
            "Bank of Korea",
        ],
        &citizen,
    );
    call(
        &[
            "voucher",
            "import",
            "--grant",
            g1["grant"].as_str().unwrap(),
        ],
        &citizen,
    );
    call(
        &[
            "voucher",
            "import",
            "--grant",
            g2["grant"].as_str().unwrap(),
        ],
        &citizen,
    );
    assert!(
        call_err(
            &[
                "voucher",
                "import",
                "--grant",
                g2["grant"].as_str().unwrap()
            ],
            &citizen
        )
        .contains("\"Duplicate\"")
    );
    assert_eq!(
        call(&["voucher", "balance"], &citizen)["balances"][0]["spendable"],
        50_000
    );

    let req = call(
        &[
            "voucher",
            "request",
            "--name",
            "행복마트",
            "--category",
            "5411",
            "--region",
            "KR-11",
            "--amount",
            "45000",
        ],
        &shop,
    );
    let req_qr = req["request"].as_str().unwrap();
    check_signed(&req, req["merchant"].as_str().unwrap());
    assert!(req["expires_at_iso"].as_str().unwrap().ends_with('Z'));
    let quote = call(&["voucher", "quote", "--request", req_qr], &citizen);
    assert_eq!(quote["payable"], true);
    assert_eq!(quote["allocations"].as_array().unwrap().len(), 2);
    let pay = call(&["voucher", "pay", "--request", req_qr], &citizen);
    let red = pay["redemption"].as_str().unwrap();
    assert!(pay["typed_data"]["types"]["Redemption"].is_array());
    check_signed(&pay, &me);
    assert_eq!(pay["digest"], pay["redemption_hash"]);
    let trust = format!("{city_addr},{bank_addr}");
    let verified = call(
        &[
            "voucher",
            "verify",
            "--request",
            req_qr,
            "--redemption",
            red,
            "--trust",
            &trust,
        ],
        &shop,
    );
    assert_eq!(verified["total"], 45_000);
    assert!(
        call_err(
            &[
                "voucher",
                "verify",
                "--request",
                req_qr,
                "--redemption",
                red,
                "--trust",
                &trust
            ],
            &shop
        )
        .contains("\"Refused\"")
    );
    let mut tampered: Vec<char> = red.chars().collect();
    let i = tampered.len() - 10;
    tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    assert!(
        call_err(
            &[
                "voucher",
                "verify",
                "--request",
                req_qr,
                "--redemption",
                &tampered,
                "--trust",
                &trust
            ],
            &shop
        )
        .contains("\"Refused\"")
    );

    for (key, issuer) in [("city.key", &city_addr), ("bank.key", &bank_addr)] {
        let s = ok(&[
            "voucher",
            "settle",
            "--key-file",
            &p(key),
            "--registry",
            &p(&format!("{key}.registry.json")),
            "--redemption",
            red,
        ]);
        check_signed(&s, issuer);
        assert_eq!(s["settled"], true);
        assert_eq!(
            call(
                &[
                    "voucher",
                    "apply",
                    "--receipt",
                    s["settlement"].as_str().unwrap()
                ],
                &citizen
            )["outcome"],
            "settled"
        );
        assert_eq!(
            call(
                &[
                    "voucher",
                    "apply",
                    "--receipt",
                    s["settlement"].as_str().unwrap()
                ],
                &citizen
            )["outcome"],
            "already_applied"
        );
    }
    let list = call(&["voucher", "list"], &citizen);
    let bank_voucher = list["vouchers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["issuer"] == bank_addr.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The issuer's registry says what was settled: no refund above it, none without it.
    let refund_args = |registry: &str, amount: &str| -> Vec<String> {
        [
            "voucher",
            "refund",
            "--key-file",
            &p("bank.key"),
            "--registry",
            registry,
            "--voucher",
            &bank_voucher,
            "--amount",
            amount,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let too_much = refund_args(&p("bank.key.registry.json"), "20001");
    let (code, _, err) = run(&too_much.iter().map(String::as_str).collect::<Vec<_>>(), "");
    assert_eq!(code, 1);
    assert!(
        err.contains("\"Refused\"") && err.contains("not possible"),
        "{err}"
    );
    let elsewhere = refund_args(&p("other.registry.json"), "3000");
    let (code, _, err) = run(
        &elsewhere.iter().map(String::as_str).collect::<Vec<_>>(),
        "",
    );
    assert_eq!(code, 1, "nothing was settled in that registry: {err}");
    let good = refund_args(&p("bank.key.registry.json"), "3000");
    let refund = ok(&good.iter().map(String::as_str).collect::<Vec<_>>());
    check_signed(&refund, &bank_addr);
    assert!(refund["refunded_at_iso"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        call(
            &[
                "voucher",
                "apply",
                "--receipt",
                refund["refund"].as_str().unwrap()
            ],
            &citizen
        )["applied"],
        true
    );
    assert_eq!(
        call(&["voucher", "balance"], &citizen)["balances"][0]["spendable"],
        8_000
    );

    // A café is outside the welfare purpose: refused, with the reason.
    let cafe = call(
        &[
            "voucher",
            "request",
            "--name",
            "Café",
            "--category",
            "5814",
            "--region",
            "KR-11",
            "--amount",
            "9000",
        ],
        &shop,
    );
    let err = call_err(
        &[
            "voucher",
            "pay",
            "--request",
            cafe["request"].as_str().unwrap(),
        ],
        &citizen,
    );
    assert!(
        err.contains("\"CannotPay\"") && err.contains("1000 is missing"),
        "{err}"
    );

    let history = call(
        &["voucher", "history", "--voucher", &bank_voucher],
        &citizen,
    );
    let kinds: Vec<&str> = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["imported", "reserved", "settled", "refunded"]);
    assert_eq!(
        ok(&[
            "voucher",
            "detect",
            "--key-file",
            &p("bank.key"),
            "--registry",
            &p("bank.key.registry.json"),
            "--redemption",
            red
        ])["double_spends"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// The vault keeps its voucher domain (config.json, set at `vault init` or `voucher trust`); a
/// grant signed for another domain is reported as such, not as forged; flags override once.
#[test]
fn the_vault_keeps_its_domain_and_names_a_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("pin"), "123456").unwrap();
    std::fs::write(
        p("city.key"),
        "0x1111111111111111111111111111111111111111111111111111111111111111",
    )
    .unwrap();
    let (citizen, pin) = (p("citizen"), p("pin"));
    let pilot = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let init = ok(&[
        "vault",
        "init",
        "--dir",
        &citizen,
        "--kdf",
        "fast",
        "--pin-file",
        &pin,
        "--chain-id",
        "11155111",
        "--contract",
        pilot,
    ]);
    assert_eq!(init["voucher_domain"]["chain_id"], 11_155_111);
    let config: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("citizen/config.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(config["voucher_domain"]["contract"], pilot);
    let me = init["address"].as_str().unwrap().to_string();
    let v = ["--dir", citizen.as_str(), "--pin-file", pin.as_str()];
    let with = |cmd: &[&str]| -> Vec<String> {
        cmd.iter().chain(v.iter()).map(|s| s.to_string()).collect()
    };
    let call = |cmd: &[&str]| ok(&with(cmd).iter().map(String::as_str).collect::<Vec<_>>());
    let fail = |cmd: &[&str]| fails(&with(cmd).iter().map(String::as_str).collect::<Vec<_>>());

    // The issuer has no vault: it signs under the demo domain unless told otherwise.
    let demo = ok(&[
        "voucher",
        "grant",
        "--key-file",
        &p("city.key"),
        "--holder",
        &me,
        "--amount",
        "1000",
    ]);
    assert_eq!(demo["domain"]["chain_id"], 1);
    let issuer = demo["issuer"].as_str().unwrap().to_string();
    call(&["voucher", "trust", "--issuer", &issuer, "--name", "city"]);
    let (kind, message) = fail(&[
        "voucher",
        "import",
        "--grant",
        demo["grant"].as_str().unwrap(),
    ]);
    assert_eq!(kind, "InvalidInput");
    assert!(
        message.contains("signed for another domain (chain 1, contract 0x00000000000000000000000000000000004a6967)")
            && message.contains("this vault is set to chain 11155111, contract 0x5FbDB2315678afecb367f032d93F642f64180aa3")
            && !message.contains("forged"),
        "{message}"
    );
    // Signed for the vault's domain: accepted, with no flag on the wallet side.
    let pilot_grant = ok(&[
        "voucher",
        "grant",
        "--key-file",
        &p("city.key"),
        "--holder",
        &me,
        "--amount",
        "2000",
        "--chain-id",
        "11155111",
        "--contract",
        pilot,
    ]);
    call(&[
        "voucher",
        "import",
        "--grant",
        pilot_grant["grant"].as_str().unwrap(),
    ]);
    // Flags override the vault's domain for one command (and the vault's own is then named).
    call(&[
        "voucher",
        "import",
        "--grant",
        demo["grant"].as_str().unwrap(),
        "--chain-id",
        "1",
        "--contract",
        "0x00000000000000000000000000000000004a6967",
    ]);
    let other = ok(&[
        "voucher",
        "grant",
        "--key-file",
        &p("city.key"),
        "--holder",
        &me,
        "--amount",
        "3000",
        "--chain-id",
        "11155111",
        "--contract",
        pilot,
    ]);
    let (_, message) = fail(&[
        "voucher",
        "import",
        "--grant",
        other["grant"].as_str().unwrap(),
        "--chain-id",
        "5",
    ]);
    assert!(
        message.contains("signed for another domain (chain 11155111"),
        "{message}"
    );
    // `voucher trust` sets the vault's domain for good.
    let t = call(&[
        "voucher",
        "trust",
        "--chain-id",
        "1",
        "--contract",
        "0x00000000000000000000000000000000004a6967",
    ]);
    assert_eq!(t["voucher_domain"]["chain_id"], 1);
    // The domain it replaces is remembered, so its objects are still named, not called forged.
    let (_, message) = fail(&[
        "voucher",
        "import",
        "--grant",
        other["grant"].as_str().unwrap(),
    ]);
    assert!(
        message.contains("this vault is set to chain 1,"),
        "{message}"
    );
    let (kind, _) = fail(&["voucher", "trust"]);
    assert_eq!(kind, "InvalidInput");
}

/// `--now` dates what is signed and judges validity at that time, for every command.
#[test]
fn now_moves_every_command_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("pin"), "123456").unwrap();
    std::fs::write(
        p("city.key"),
        "0x1111111111111111111111111111111111111111111111111111111111111111",
    )
    .unwrap();
    let (citizen, shop, pin) = (p("citizen"), p("shop"), p("pin"));
    ok(&[
        "vault",
        "init",
        "--dir",
        &shop,
        "--kdf",
        "fast",
        "--pin-file",
        &pin,
    ]);
    let me = ok(&[
        "vault",
        "init",
        "--dir",
        &citizen,
        "--kdf",
        "fast",
        "--pin-file",
        &pin,
    ])["address"]
        .as_str()
        .unwrap()
        .to_string();
    // `jigap --now NOW CMD… --dir DIR --pin-file PIN`
    let at = |now: Option<&str>, dir: &str, cmd: &[&str]| -> (i32, Value, String) {
        let mut a: Vec<&str> = now.map(|n| vec!["--now", n]).unwrap_or_default();
        a.extend(cmd);
        a.extend(["--dir", dir, "--pin-file", &pin]);
        run(&a, "")
    };
    let at_ok = |now: Option<&str>, dir: &str, cmd: &[&str]| -> Value {
        let (code, v, err) = at(now, dir, cmd);
        assert_eq!(code, 0, "{cmd:?}: {err}");
        v
    };
    let at_kind = |now: Option<&str>, dir: &str, cmd: &[&str]| -> String {
        let (code, _, err) = at(now, dir, cmd);
        assert_eq!(code, 1, "{cmd:?} should fail");
        let e: Value = serde_json::from_str(err.trim()).unwrap();
        e["error"]["kind"].as_str().unwrap().to_string()
    };

    let past = "2001-01-01T00:00:00Z";
    let g = ok(&[
        "--now",
        past,
        "voucher",
        "grant",
        "--key-file",
        &p("city.key"),
        "--holder",
        &me,
        "--amount",
        "5000",
        "--valid-days",
        "30",
    ]);
    assert_eq!(g["issued_at"], 978_307_200);
    assert_eq!(g["issued_at_iso"], past);
    assert_eq!(g["valid_from"], 978_307_200);
    assert_eq!(g["valid_until_iso"], "2001-01-31T00:00:00Z");
    let grant = g["grant"].as_str().unwrap();
    let issuer = g["issuer"].as_str().unwrap();
    at_ok(
        Some(past),
        &citizen,
        &["voucher", "trust", "--issuer", issuer, "--name", "city"],
    );
    // Today the grant is long expired; on 5 January 2001 it imports.
    assert_eq!(
        at_kind(None, &citizen, &["voucher", "import", "--grant", grant]),
        "Expired"
    );
    let jan5 = "2001-01-05T12:00:00Z";
    let imported = at_ok(
        Some(jan5),
        &citizen,
        &["voucher", "import", "--grant", grant],
    );
    assert_eq!(imported["status"], "active");
    assert_eq!(
        imported["purpose"]["valid_until_iso"],
        "2001-01-31T00:00:00Z"
    );
    // A request made on 5 January expires two minutes later; paying it now is refused.
    let req = at_ok(
        Some(jan5),
        &shop,
        &[
            "voucher",
            "request",
            "--name",
            "shop",
            "--category",
            "5411",
            "--region",
            "KR-11",
            "--amount",
            "1000",
        ],
    );
    assert_eq!(req["expires_at_iso"], "2001-01-05T12:02:00Z");
    let r = req["request"].as_str().unwrap();
    assert_eq!(
        at_kind(None, &citizen, &["voucher", "pay", "--request", r]),
        "Expired"
    );
    let paid = at_ok(
        Some("2001-01-05T12:01:00Z"),
        &citizen,
        &["voucher", "pay", "--request", r],
    );
    assert_eq!(paid["created_at_iso"], "2001-01-05T12:01:00Z");
    let history = at_ok(Some(jan5), &citizen, &["voucher", "history"]);
    assert_eq!(history["history"][0]["at_iso"], jan5);

    // A wrong PIN under --now is counted on the real clock: dated in 2099 it would refuse the
    // right PIN until then ("too soon").
    let (code, _, err) = run(
        &[
            "--now",
            "2099-01-01T00:00:00Z",
            "vault",
            "open",
            "--dir",
            &citizen,
        ],
        "999999",
    );
    assert_eq!(code, 1);
    assert!(err.contains("\"WrongPin\""), "{err}");
    ok(&["vault", "open", "--dir", &citizen, "--pin-file", &pin]);
}
