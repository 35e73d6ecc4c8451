//! `jigap ticket …`: issuer, holder and gate commands end to end, on the real clock.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const PIN: &str = "123456\n";

fn run(args: &[&str], stdin: &str) -> (i32, Value, Value) {
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
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        serde_json::from_str(&stderr).unwrap_or(Value::String(stderr)),
    )
}

fn ok(args: &[&str], stdin: &str) -> Value {
    let (code, v, err) = run(args, stdin);
    assert_eq!(code, 0, "jigap {args:?} failed: {err}");
    v
}

/// Run a command that must fail; returns "Kind: message" (the kind is a core ErrorClass).
fn fails(args: &[&str], stdin: &str) -> String {
    let (code, _, err) = run(args, stdin);
    assert_eq!(code, 1, "jigap {args:?} should have failed");
    format!(
        "{}: {}",
        err["error"]["kind"].as_str().unwrap(),
        err["error"]["message"].as_str().unwrap()
    )
}

/// `failure` is of `kind` and its message says `says`.
fn is(failure: String, kind: &str, says: &str) {
    assert!(
        failure.starts_with(&format!("{kind}: ")) && failure.contains(says),
        "expected {kind} saying '{says}', got {failure}"
    );
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap().to_string()
}

#[test]
fn issue_show_admit_transfer_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mnemonic = write(d, "issuer.txt", ABANDON);
    let issuer_key = ["--key-file", &mnemonic, "--account", "5"];
    let seller = d.join("seller").display().to_string();
    let buyer = d.join("buyer").display().to_string();
    for v in [&seller, &buyer] {
        ok(&["vault", "init", "--dir", v, "--kdf", "fast"], PIN);
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let event = write(
        d,
        "event.json",
        &serde_json::json!({
            "id": "MAHLER2", "name": "Seoul Philharmonic: Mahler 2", "venue": "Lotte Concert Hall",
            "doors_open": now - 3600, "start": now, "end": now + 7200,
        })
        .to_string(),
    );

    // The app trusts the issuer; holders hand out their ticket holder ids.
    let issuer_id = s(
        &ok(&[&["ticket", "issuer-id"][..], &issuer_key].concat(), ""),
        "identity",
    );
    assert!(issuer_id.starts_with("JGID:"));
    for v in [&seller, &buyer] {
        ok(
            &["ticket", "trust", "--dir", v, "--issuer", &issuer_id],
            PIN,
        );
    }
    let seller_id = s(
        &ok(&["ticket", "holder-id", "--dir", &seller], PIN),
        "holder_id",
    );
    let buyer_id_file = write(
        d,
        "buyer.id",
        &s(
            &ok(&["ticket", "holder-id", "--dir", &buyer], PIN),
            "holder_id",
        ),
    );

    // Two tickets: a locked one and a resellable one.
    let registry = d.join("registry.json").display().to_string();
    let token = [
        "--chain-id",
        "1",
        "--contract",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "--event",
        &event,
    ];
    let locked = ok(
        &[
            &[
                "ticket",
                "grant",
                "--token-id",
                "7",
                "--holder",
                &seller_id,
                "--section",
                "B",
                "--row",
                "12",
                "--number",
                "7",
                "--tier",
                "R",
                "--registry",
                &registry,
            ][..],
            &issuer_key,
            &token,
        ]
        .concat(),
        "",
    );
    assert_eq!(locked["locked"], true);
    let grant_file = d.join("resell.grant").display().to_string();
    let resell = ok(
        &[
            &[
                "ticket",
                "grant",
                "--token-id",
                "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                "--holder",
                &seller_id,
                "--general-admission",
                "--section",
                "Floor",
                "--tier",
                "GA",
                "--transferable",
                "--currency",
                "KRW",
                "--price-cap",
                "99000",
                "--max-transfers",
                "2",
                "--registry",
                &registry,
                "--out",
                &grant_file,
            ][..],
            &issuer_key,
            &token,
        ]
        .concat(),
        "",
    );
    // The same token twice: refused thanks to the registry.
    is(
        fails(
            &[
                &[
                    "ticket",
                    "grant",
                    "--token-id",
                    "7",
                    "--holder",
                    &seller_id,
                    "--number",
                    "1",
                    "--registry",
                    &registry,
                ][..],
                &issuer_key,
                &token,
            ]
            .concat(),
            "",
        ),
        "Duplicate",
        "was already issued",
    );
    ok(
        &[
            "ticket",
            "import",
            "--dir",
            &seller,
            "--grant",
            &s(&locked, "grant"),
        ],
        PIN,
    );
    let imported = ok(
        &["ticket", "import", "--dir", &seller, "--grant", &grant_file],
        PIN,
    );
    assert_eq!(imported["outcome"], "added");
    assert_eq!(
        ok(
            &["ticket", "import", "--dir", &seller, "--grant", &grant_file],
            PIN
        )["outcome"],
        "unchanged"
    );
    let list = ok(&["ticket", "list", "--dir", &seller], PIN);
    assert_eq!(list["tickets"].as_array().unwrap().len(), 2);
    assert_eq!(list["tickets"][0]["erc7439_status"], "Sold");

    // Two gates, each authorised by the issuer.
    let gate_words = write(d, "gate.txt", ABANDON);
    let config = |name: &str, account: &str| -> (Vec<String>, String) {
        let key = vec![
            "--key-file".to_string(),
            gate_words.clone(),
            "--account".into(),
            account.into(),
        ];
        let k: Vec<&str> = key.iter().map(String::as_str).collect();
        let gate_key = s(
            &ok(&[&["ticket", "gate-id"][..], &k].concat(), ""),
            "gate_key",
        );
        let auth = ok(
            &[
                &[
                    "ticket",
                    "authorize-gate",
                    "--gate-key",
                    &gate_key,
                    "--gate-name",
                    name,
                ][..],
                &issuer_key,
                &token,
            ]
            .concat(),
            "",
        );
        // The issuer seals the EIP-712 TicketGate: its typed data and digest are printed.
        let td = jigap_core::keys::TypedData::from_json(&auth["typed_data"].to_string()).unwrap();
        assert_eq!(auth["digest"], format!("0x{}", hex(&td.digest().unwrap())));
        assert_eq!(auth["signature_algorithm"], "Ed25519");
        let cfg = write(
            d,
            &format!("{name}.json"),
            &serde_json::json!({"issuers": [issuer_id], "authorizations": [s(&auth, "authorization")]}).to_string(),
        );
        let mut args = key;
        args.extend([
            "--config".into(),
            cfg,
            "--state".into(),
            d.join(format!("{name}.state")).display().to_string(),
        ]);
        (args, name.to_string())
    };
    let (north, _) = config("North", "9");
    let (south, _) = config("South", "10");
    let north: Vec<&str> = north.iter().map(String::as_str).collect();
    let south: Vec<&str> = south.iter().map(String::as_str).collect();

    // Show the locked ticket (by its token id), admit it, refuse the replay.
    let svg = d.join("pass.svg").display().to_string();
    let shown = ok(
        &[
            "ticket", "show", "--dir", &seller, "--ticket", "7", "--svg", &svg,
        ],
        PIN,
    );
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    assert!(shown["qr"]["version"].as_u64().unwrap() <= 13);
    assert_eq!(
        shown["qr"]["modules"].as_array().unwrap().len() as u64,
        shown["qr"]["size"].as_u64().unwrap()
    );
    let pass = s(&shown, "pass");
    let admit = ok(
        &[&["ticket", "verify", "--pass", &pass][..], &north].concat(),
        "",
    );
    assert_eq!(admit["admit"], true);
    assert_eq!(admit["seat"]["number"], "7");
    // Both signing commands print what was signed: the typed data hashes to the digest.
    for (what, v) in [("pass", &shown), ("check-in receipt", &admit)] {
        let td = jigap_core::keys::TypedData::from_json(&v["typed_data"].to_string()).unwrap();
        assert_eq!(
            format!("0x{}", hex::encode(td.digest().unwrap())),
            s(v, "digest"),
            "{what}"
        );
        assert_eq!(s(v, "signature").len(), 2 + 128, "{what}");
        assert_eq!(v["signature_algorithm"], "Ed25519", "{what}");
    }
    assert_eq!(shown["typed_data"]["primaryType"], "TicketPass");
    assert_eq!(admit["typed_data"]["primaryType"], "TicketCheckIn");
    is(
        fails(
            &[&["ticket", "verify", "--pass", &pass][..], &north].concat(),
            "",
        ),
        "Refused",
        "already entered",
    );
    // The receipt marks it used.
    let used = ok(
        &[
            "ticket",
            "apply-receipt",
            "--dir",
            &seller,
            "--receipt",
            &s(&admit, "receipt"),
        ],
        PIN,
    );
    assert_eq!(used["erc7439_status"], "Redeemed");
    is(
        fails(&["ticket", "show", "--dir", &seller, "--ticket", "7"], PIN),
        "Refused",
        "already used",
    );

    // Transfers: the used one is refused, the other one over its cap too.
    let resell_id = s(&resell, "ticket");
    is(
        fails(
            &[
                "ticket",
                "transfer",
                "--dir",
                &seller,
                "--ticket",
                "7",
                "--to",
                &buyer_id_file,
                "--price",
                "1",
                "--currency",
                "KRW",
            ],
            PIN,
        ),
        "Refused",
        "already used",
    );
    is(
        fails(
            &[
                "ticket",
                "transfer",
                "--dir",
                &seller,
                "--ticket",
                &resell_id,
                "--to",
                &buyer_id_file,
                "--price",
                "99001",
                "--currency",
                "KRW",
            ],
            PIN,
        ),
        "LimitExceeded",
        "resale cap",
    );
    let req = ok(
        &[
            "ticket",
            "transfer",
            "--dir",
            &seller,
            "--ticket",
            &resell_id,
            "--to",
            &buyer_id_file,
            "--price",
            "99000",
            "--currency",
            "KRW",
        ],
        PIN,
    );
    let td = jigap_core::keys::TypedData::from_json(&req["typed_data"].to_string()).unwrap();
    let digest = td.digest().unwrap();
    assert_eq!(req["digest"], format!("0x{}", hex(&digest)));
    let sig: jigap_core::keys::Signature = s(&req, "signature").parse().unwrap();
    let seller_address = s(
        &ok(&["ticket", "holder-id", "--dir", &seller], PIN),
        "address",
    );
    assert_eq!(
        sig.recover_address(&digest).unwrap().to_string(),
        seller_address
    );
    assert!(req["requested_at_iso"].as_str().unwrap().ends_with('Z'));
    let next = ok(
        &[
            &[
                "ticket",
                "reissue",
                "--grant",
                &grant_file,
                "--request",
                &s(&req, "request"),
                "--registry",
                &registry,
            ][..],
            &issuer_key,
        ]
        .concat(),
        "",
    );
    assert_eq!(next["transfers"], 1);
    is(
        fails(
            &[
                &[
                    "ticket",
                    "reissue",
                    "--grant",
                    &grant_file,
                    "--request",
                    &s(&req, "request"),
                    "--registry",
                    &registry,
                ][..],
                &issuer_key,
            ]
            .concat(),
            "",
        ),
        "Refused",
        "already reissued",
    );
    // Gates learn of the reissue, so the sold grant cannot enter.
    let reissued = ok(&["ticket", "reissued", "--registry", &registry], "");
    assert_eq!(reissued["current_transfers"][&resell_id], 1);
    let south_cfg = d.join("South.json");
    let mut cfg: Value =
        serde_json::from_str(&std::fs::read_to_string(&south_cfg).unwrap()).unwrap();
    cfg["current_transfers"] = reissued["current_transfers"].clone();
    std::fs::write(&south_cfg, cfg.to_string()).unwrap();
    assert_eq!(
        ok(
            &[
                "ticket",
                "import",
                "--dir",
                &buyer,
                "--grant",
                &s(&next, "grant")
            ],
            PIN
        )["outcome"],
        "added"
    );
    assert_eq!(
        ok(
            &[
                "ticket",
                "import",
                "--dir",
                &seller,
                "--grant",
                &s(&next, "grant")
            ],
            PIN
        )["outcome"],
        "transfer_confirmed"
    );
    is(
        fails(
            &["ticket", "show", "--dir", &seller, "--ticket", &resell_id],
            PIN,
        ),
        "Refused",
        "was transferred to",
    );

    // The buyer enters at the south gate; after a merge the north gate refuses a second entry.
    let p = s(
        &ok(
            &["ticket", "show", "--dir", &buyer, "--ticket", &resell_id],
            PIN,
        ),
        "pass",
    );
    let a = ok(
        &[&["ticket", "verify", "--pass", &p][..], &south].concat(),
        "",
    );
    assert_eq!(a["gate"], "South");
    let export = d.join("south.export").display().to_string();
    assert_eq!(
        ok(
            &[&["ticket", "export", "--out", &export][..], &south].concat(),
            ""
        )["entries"],
        1
    );
    let merged = ok(
        &[&["ticket", "merge", "--from", &export][..], &north].concat(),
        "",
    );
    assert_eq!(merged["entries"], 2);
    let (code, _, err) = run(
        &[&["ticket", "verify", "--pass", &p][..], &north].concat(),
        "",
    );
    assert_eq!(code, 1);
    assert_eq!(err["error"]["kind"], "Refused");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already entered")
    );
    assert!(err["error"]["message"].as_str().unwrap().contains("South"));
    // Wrong PIN and junk passes are typed errors.
    is(
        fails(&["ticket", "list", "--dir", &buyer], "000000\n"),
        "WrongPin",
        "wrong PIN",
    );
    is(
        fails(
            &[&["ticket", "verify", "--pass", "JGTP:0000"][..], &north].concat(),
            "",
        ),
        "InvalidInput",
        "damaged",
    );
}

#[test]
fn human_output_lists_no_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v = d.join("w").display().to_string();
    ok(&["vault", "init", "--dir", &v, "--kdf", "fast"], PIN);
    let out = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .args([
            "ticket",
            "list",
            "--dir",
            &v,
            "--pin-file",
            &write(d, "pin", "123456"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "no tickets");
}
