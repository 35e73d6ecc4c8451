//! A full voucher round trip from the shell: issuer, citizen wallet, merchant.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn run(args: &[&str], stdin: &str) -> (i32, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .arg("--json")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ok(args: &[&str]) -> Value {
    let (code, v, err) = run(args, "");
    assert_eq!(code, 0, "jigap {args:?}: {err}");
    v
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
        .contains("untrusted_issuer")
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
        .contains("duplicate")
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
    let quote = call(&["voucher", "quote", "--request", req_qr], &citizen);
    assert_eq!(quote["payable"], true);
    assert_eq!(quote["allocations"].as_array().unwrap().len(), 2);
    let pay = call(&["voucher", "pay", "--request", req_qr], &citizen);
    let red = pay["redemption"].as_str().unwrap();
    assert!(pay["typed_data"]["types"]["Redemption"].is_array());
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
        .contains("payment_refused")
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
        .contains("payment_refused")
    );

    for key in ["city.key", "bank.key"] {
        let s = ok(&[
            "voucher",
            "settle",
            "--key-file",
            &p(key),
            "--redemption",
            red,
        ]);
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
    let refund = ok(&[
        "voucher",
        "refund",
        "--key-file",
        &p("bank.key"),
        "--voucher",
        &bank_voucher,
        "--amount",
        "3000",
    ]);
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
        err.contains("cannot_pay") && err.contains("1000 is missing"),
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
        ok(&["voucher", "detect", "--redemption", red])["double_spends"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
