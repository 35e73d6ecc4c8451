//! `jigap credential …`: the issuer, holder and verifier commands and their JSON fields.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

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
        serde_json::from_str(&stderr).unwrap_or(json!({"raw": stderr})),
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
    assert_eq!(code, 1, "jigap {args:?} should fail");
    format!(
        "{}: {}",
        err["error"]["kind"].as_str().unwrap_or(""),
        err["error"]["message"].as_str().unwrap_or("")
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

#[test]
fn issue_import_list_present_check() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let dir = d.join("w").display().to_string();
    let pin = write(d, "pin", "246810");
    ok(
        &[
            "vault",
            "init",
            "--dir",
            &dir,
            "--pin-file",
            &pin,
            "--kdf",
            "fast",
        ],
        "",
    );
    let v = ["--dir", dir.as_str(), "--pin-file", pin.as_str()];

    // Issuer key: a private JWK written with mode 0600, never printed.
    let key = d.join("issuer.jwk").display().to_string();
    let k = ok(&["credential", "key", "--alg", "ES256", "--out", &key], "");
    assert!(k["did"].as_str().unwrap().starts_with("did:key:zDn"));
    assert!(k["public_jwk"].get("d").is_none());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // An existing key file is never overwritten.
    is(
        fails(&["credential", "key", "--out", &key], ""),
        "InvalidInput",
        "must not exist yet",
    );

    let holder = ok(&[&["credential", "holder"][..], &v].concat(), "");
    let did = holder["did"].as_str().unwrap().to_string();
    assert_eq!(holder["alg"], "ES256K");
    let holder_file = write(d, "holder.json", &holder.to_string());

    // A badge.
    let badge = ok(
        &[
            "credential",
            "badge",
            "--key-file",
            &key,
            "--issuer-name",
            "Seoul LLI",
            "--subject",
            &did,
            "--name",
            "Drone Safety Basics",
            "--achievement",
            "Drone Safety",
            "--description",
            "Completed the course",
            "--criteria",
            "Pass the exam",
            "--valid-days",
            "30",
        ],
        "",
    );
    assert_eq!(badge["format"], "jwt_vc");
    let badge_file = write(d, "badge.jwt", badge["credential"].as_str().unwrap());
    let imported = ok(
        &[&["credential", "import"][..], &v, &["--file", &badge_file]].concat(),
        "",
    );
    assert_eq!(imported["badge"]["achievementName"], "Drone Safety");
    assert_eq!(imported["validity"], "valid");
    assert!(imported.get("raw").is_none());

    // An SD-JWT licence.
    let claims = write(
        d,
        "claims.json",
        r#"{"given_name":"Jiwoo","category":"A2","licence_expiry":"2031-01-01","address":{"region":"KR-11","locality":"Seoul"}}"#,
    );
    let sd = ok(
        &[
            "credential",
            "sd-jwt",
            "--key-file",
            &key,
            "--vct",
            "https://licence.example.kr/drone",
            "--claims",
            &claims,
            "--holder-jwk",
            &holder_file,
            "--sd",
            "given_name",
            "--sd",
            "category",
            "--sd",
            "licence_expiry",
            "--sd",
            "address.region",
        ],
        "",
    );
    let sd_file = write(d, "licence.sdjwt", sd["credential"].as_str().unwrap());
    // Importing requires the PIN.
    is(
        fails(
            &["credential", "import", "--dir", &dir, "--file", &sd_file],
            "000000",
        ),
        "WrongPin",
        "wrong PIN",
    );
    let lic = ok(
        &[&["credential", "import"][..], &v, &["--file", &sd_file]].concat(),
        "",
    );
    assert_eq!(lic["format"], "dc+sd-jwt");
    let lic_id = lic["id"].as_str().unwrap();

    let list = ok(&[&["credential", "list"][..], &v].concat(), "");
    assert_eq!(list["credentials"].as_array().unwrap().len(), 2);
    let badges = ok(
        &[
            &["credential", "list"][..],
            &v,
            &["--type", "OpenBadgeCredential", "--achievement", "drone"],
        ]
        .concat(),
        "",
    );
    assert_eq!(badges["credentials"].as_array().unwrap().len(), 1);
    let expired = ok(
        &[&["credential", "list"][..], &v, &["--validity", "expired"]].concat(),
        "",
    );
    assert!(expired["credentials"].as_array().unwrap().is_empty());
    let shown = ok(&[&["credential", "show"][..], &v, &[lic_id]].concat(), "");
    assert_eq!(shown["claims"]["category"], "A2");
    assert!(shown["raw"].as_str().unwrap().contains('~'));

    // Present two claims; the verifier sees exactly those.
    let p = ok(
        &[
            &["credential", "present"][..],
            &v,
            &[
                lic_id,
                "--nonce",
                "n-1",
                "--aud",
                "https://inspector.example",
                "--disclose",
                "category",
                "--disclose",
                "address.region",
            ],
        ]
        .concat(),
        "",
    );
    let pres = write(d, "p.txt", p["presentation"].as_str().unwrap());
    let checked = ok(
        &[
            "credential",
            "check",
            "--file",
            &pres,
            "--nonce",
            "n-1",
            "--aud",
            "https://inspector.example",
        ],
        "",
    );
    assert_eq!(checked["valid"], true);
    let c = &checked["credentials"][0]["claims"];
    assert_eq!(c["category"], "A2");
    assert_eq!(
        c["address"],
        json!({"region": "KR-11", "locality": "Seoul"})
    );
    assert!(c.get("given_name").is_none() && c.get("licence_expiry").is_none());
    // The presentation can come from stdin too.
    ok(
        &[
            "credential",
            "check",
            "--nonce",
            "n-1",
            "--aud",
            "https://inspector.example",
        ],
        p["presentation"].as_str().unwrap(),
    );
    // Replay, trust, freshness.
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &pres,
                "--nonce",
                "n-2",
                "--aud",
                "https://inspector.example",
            ],
            "",
        ),
        "Refused",
        "another nonce",
    );
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &pres,
                "--nonce",
                "n-1",
                "--aud",
                "https://shop.example",
            ],
            "",
        ),
        "Refused",
        "another audience",
    );
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &pres,
                "--nonce",
                "n-1",
                "--aud",
                "https://inspector.example",
                "--require-trusted",
            ],
            "",
        ),
        "Untrusted",
        "not on the list of trusted issuers",
    );
    let later = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600)
        .to_string();
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &pres,
                "--nonce",
                "n-1",
                "--aud",
                "https://inspector.example",
                "--now",
                &later,
            ],
            "",
        ),
        "Expired",
        "too old",
    );
    // A path that does not exist, and selective disclosure of a JWT VC.
    is(
        fails(
            &[
                &["credential", "present"][..],
                &v,
                &[lic_id, "--nonce", "n", "--aud", "a", "--disclose", "nope"],
            ]
            .concat(),
            "",
        ),
        "InvalidInput",
        "no claim at 'nope'",
    );
    let badge_id = imported["id"].as_str().unwrap();
    is(
        fails(
            &[
                &["credential", "present"][..],
                &v,
                &[badge_id, "--nonce", "n", "--aud", "a", "--disclose", "name"],
            ]
            .concat(),
            "",
        ),
        "InvalidInput",
        "cannot disclose claims selectively",
    );
    // The badge as a JWT VP.
    let vp = ok(
        &[
            &["credential", "present"][..],
            &v,
            &[badge_id, "--nonce", "n-3", "--aud", "https://hr.example"],
        ]
        .concat(),
        "",
    );
    assert_eq!(vp["format"], "jwt_vp");
    let vp_file = write(d, "vp.txt", vp["presentation"].as_str().unwrap());
    let issuer_did = k["did"].as_str().unwrap();
    let vpc = ok(
        &[
            "credential",
            "check",
            "--file",
            &vp_file,
            "--nonce",
            "n-3",
            "--aud",
            "https://hr.example",
            "--trust",
            issuer_did,
            "--require-trusted",
        ],
        "",
    );
    assert_eq!(vpc["holder"], did.as_str());
    assert_eq!(
        vpc["credentials"][0]["badge"]["achievementName"],
        "Drone Safety"
    );
    assert!(vpc["warnings"].as_array().unwrap().is_empty());

    // Delete.
    ok(
        &[&["credential", "delete"][..], &v, &[badge_id]].concat(),
        "",
    );
    is(
        fails(&[&["credential", "show"][..], &v, &[badge_id]].concat(), ""),
        "NotFound",
        "no credential with id",
    );
}

#[test]
fn status_lists_revoke() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let dir = d.join("w").display().to_string();
    let pin = write(d, "pin", "135790");
    ok(
        &[
            "vault",
            "init",
            "--dir",
            &dir,
            "--pin-file",
            &pin,
            "--kdf",
            "fast",
        ],
        "",
    );
    let v = ["--dir", dir.as_str(), "--pin-file", pin.as_str()];
    let key = d.join("k.jwk").display().to_string();
    ok(&["credential", "key", "--alg", "EdDSA", "--out", &key], "");
    let did = ok(&[&["credential", "holder"][..], &v].concat(), "")["did"]
        .as_str()
        .unwrap()
        .to_string();
    let url = "https://badges.example/status/1";
    let mut ids = Vec::new();
    for (i, format) in [(5, "jwt"), (6, "di")] {
        let b = ok(
            &[
                "credential",
                "badge",
                "--key-file",
                &key,
                "--subject",
                &did,
                "--name",
                "B",
                "--description",
                "d",
                "--criteria-url",
                "https://badges.example/c",
                "--format",
                format,
                "--status-list",
                url,
                "--status-index",
                &i.to_string(),
            ],
            "",
        );
        let f = write(d, &format!("b{i}"), b["credential"].as_str().unwrap());
        ids.push(
            ok(
                &[&["credential", "import"][..], &v, &["--file", &f]].concat(),
                "",
            )["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let list = ok(
        &[
            "credential",
            "status-list",
            "--key-file",
            &key,
            "--url",
            url,
            "--set",
            "6",
        ],
        "",
    );
    let lf = write(d, "list.jwt", list["credential"].as_str().unwrap());
    let s0 = ok(
        &[&["credential", "status"][..], &v, &[&ids[0], "--list", &lf]].concat(),
        "",
    );
    assert_eq!(s0["status"], "valid");
    let s1 = ok(
        &[&["credential", "status"][..], &v, &[&ids[1], "--list", &lf]].concat(),
        "",
    );
    assert_eq!(s1["status"], "revoked");
    let vp = ok(
        &[
            &["credential", "present"][..],
            &v,
            &[&ids[1], "--nonce", "n", "--aud", "a"],
        ]
        .concat(),
        "",
    );
    let f = write(d, "vp", vp["presentation"].as_str().unwrap());
    let spec = format!("{url}={lf}");
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &f,
                "--nonce",
                "n",
                "--aud",
                "a",
                "--status-list",
                &spec,
            ],
            "",
        ),
        "Refused",
        "revoked",
    );
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &f,
                "--nonce",
                "n",
                "--aud",
                "a",
                "--require-status",
            ],
            "",
        ),
        "Refused",
        "status",
    );
}

#[test]
fn token_status_lists_for_sd_jwt() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let dir = d.join("w").display().to_string();
    let pin = write(d, "pin", "975310");
    ok(
        &[
            "vault",
            "init",
            "--dir",
            &dir,
            "--pin-file",
            &pin,
            "--kdf",
            "fast",
        ],
        "",
    );
    let v = ["--dir", dir.as_str(), "--pin-file", pin.as_str()];
    let key = d.join("k.jwk").display().to_string();
    ok(&["credential", "key", "--alg", "ES256", "--out", &key], "");
    let holder = ok(&[&["credential", "holder"][..], &v].concat(), "");
    let hf = write(d, "holder.json", &holder.to_string());
    let claims = write(d, "c.json", r#"{"category":"A2"}"#);
    let uri = "https://licence.example/statuslists/7";
    let sd = ok(
        &[
            "credential",
            "sd-jwt",
            "--key-file",
            &key,
            "--vct",
            "https://licence.example/drone",
            "--claims",
            &claims,
            "--holder-jwk",
            &hf,
            "--sd",
            "category",
            "--status-list",
            uri,
            "--status-index",
            "12",
            "--status-purpose",
            "token-status-list",
        ],
        "",
    );
    let f = write(d, "sd", sd["credential"].as_str().unwrap());
    let id = ok(
        &[&["credential", "import"][..], &v, &["--file", &f]].concat(),
        "",
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let list = ok(
        &[
            "credential",
            "status-list",
            "--key-file",
            &key,
            "--url",
            uri,
            "--token",
            "--entries",
            "64",
            "--suspend",
            "12",
        ],
        "",
    );
    let lf = write(d, "list", list["credential"].as_str().unwrap());
    let s = ok(
        &[&["credential", "status"][..], &v, &[&id, "--list", &lf]].concat(),
        "",
    );
    assert_eq!(s["status"], "suspended");
    let p = ok(
        &[
            &["credential", "present"][..],
            &v,
            &[&id, "--nonce", "n", "--aud", "a", "--disclose", "category"],
        ]
        .concat(),
        "",
    );
    let pf = write(d, "p", p["presentation"].as_str().unwrap());
    let spec = format!("{uri}={lf}");
    is(
        fails(
            &[
                "credential",
                "check",
                "--file",
                &pf,
                "--nonce",
                "n",
                "--aud",
                "a",
                "--status-list",
                &spec,
            ],
            "",
        ),
        "Refused",
        "suspended",
    );
}

#[test]
fn the_published_sd_jwt_vector_checks() {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/vectors/sd-jwt/drone-licence.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let case = &v["cases"]["ES256"];
    let tmp = tempfile::tempdir().unwrap();
    let jwk = write(
        tmp.path(),
        "iss.jwk",
        &case["issuer_public_jwk"].to_string(),
    );
    let p = write(tmp.path(), "p.txt", case["presentation"].as_str().unwrap());
    let spec = format!("https://license.example.kr={jwk}");
    let r = ok(
        &[
            "credential",
            "check",
            "--file",
            &p,
            "--nonce",
            case["nonce"].as_str().unwrap(),
            "--aud",
            case["aud"].as_str().unwrap(),
            "--issuer-key",
            &spec,
            "--now",
            "1795417020",
        ],
        "",
    );
    assert_eq!(
        r["credentials"][0]["claims"],
        case["disclosed_claims_after_verification"]
    );
    let issued = write(tmp.path(), "i.txt", case["issued_sd_jwt"].as_str().unwrap());
    let r = ok(
        &[
            "credential",
            "verify",
            "--file",
            &issued,
            "--issuer-key",
            &spec,
            "--now",
            "2026-06-01T00:00:00Z",
        ],
        "",
    );
    assert_eq!(r["claims"]["license_number"], "DP-2026-000123");
}
