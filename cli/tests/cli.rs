//! The documented CLI commands and their JSON field names.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

mod common;
use common::run;

fn ok(args: &[&str], stdin: &str) -> Value {
    let (code, v, err) = run(args, stdin);
    assert_eq!(code, 0, "jigap {args:?} failed: {err}");
    v
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn keys_sign_verify() {
    let v = ok(&["keys", "derive"], ABANDON);
    assert_eq!(v["address"], "0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
    assert_eq!(v["path"], "m/44'/60'/0'/0/0");
    assert!(v["did"].as_str().unwrap().starts_with("did:key:zQ3s"));
    assert!(v["public_key"].as_str().unwrap().starts_with("0x0"));
    let n = ok(&["keys", "new", "--words", "24", "--lang", "ko"], "");
    assert_eq!(n["mnemonic"].as_str().unwrap().split(' ').count(), 24);

    let s = ok(
        &["sign", "message", "--account", "1", "--message", "hello"],
        ABANDON,
    );
    assert_eq!(s["address"], "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0");
    // Every signing command prints the digest it signed (EIP-191 here).
    assert_eq!(
        s["digest"],
        "0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750"
    );
    let r = ok(
        &[
            "verify",
            "message",
            "--message",
            "hello",
            "--signature",
            s["signature"].as_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r["address"], s["address"]);

    let dir = tempfile::tempdir().unwrap();
    let mail = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/eip712-mail.json"
    ))
    .unwrap();
    let td: Value = serde_json::from_str(&mail).unwrap();
    let f = write(dir.path(), "td.json", &td["typed_data"].to_string());
    let t = ok(&["sign", "typed-data", "--file", &f], ABANDON);
    assert_eq!(t["digest"], td["digest"]);
    assert_eq!(t["typed_data"], td["typed_data"]);
    // The same key option everywhere: a 0x private key in --key-file signs alike.
    let key = write(
        dir.path(),
        "k.txt",
        "0x1ab42cc412b618bdea3a599e3c9bae199ebf030895b039e9db1e30dafb12b727
",
    );
    let k = ok(
        &["sign", "typed-data", "--key-file", &key, "--file", &f],
        "",
    );
    assert_eq!(k["address"], "0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
    assert_eq!(k["signature"], t["signature"]);
    let m = write(dir.path(), "m.txt", ABANDON);
    let d = ok(&["keys", "derive", "--key-file", &m, "--account", "1"], "");
    assert_eq!(d["address"], "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0");
    let r = ok(
        &[
            "verify",
            "typed-data",
            "--file",
            &f,
            "--signature",
            t["signature"].as_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r["address"], t["address"]);

    // Errors are typed and say what is wrong.
    let (code, _, err) = run(&["keys", "derive"], "abandon abandon");
    assert_eq!(code, 1);
    let e: Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(e["error"]["kind"], "InvalidInput");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not 2 words")
    );
    let (code, _, _) = run(
        &[
            "verify",
            "message",
            "--message",
            "x",
            "--signature",
            "0x1234",
        ],
        "",
    );
    assert_eq!(code, 1);
}

#[test]
fn keystore_export_import() {
    let dir = tempfile::tempdir().unwrap();
    let pw = write(dir.path(), "pw", "s3cret\n");
    for kdf in ["pbkdf2", "scrypt"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jigap"))
            .args(["keystore", "export", "--password-file", &pw, "--kdf", kdf])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(ABANDON.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let ks: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(ks["version"], 3);
        assert_eq!(ks["crypto"]["kdf"], kdf);
        let f = write(dir.path(), "ks.json", &ks.to_string());
        let v = ok(
            &["keystore", "import", "--file", &f, "--password-file", &pw],
            "",
        );
        assert_eq!(v["address"], "0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
    }
}

#[test]
fn vault_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("v").display().to_string();
    let init = ok(
        &[
            "vault", "init", "--dir", &d, "--kdf", "fast", "--lang", "ko",
        ],
        "123456\n",
    );
    let phrase = init["mnemonic"].as_str().unwrap().to_string();
    assert_eq!(phrase.split(' ').count(), 12);
    let addr = init["address"].clone();
    let (code, _, err) = run(&["vault", "open", "--dir", &d], "999999\n");
    assert_eq!(code, 1);
    assert!(
        err.contains("\"WrongPin\"") && err.contains("9 attempts left"),
        "{err}"
    );
    let open = ok(&["vault", "open", "--dir", &d], "123456\n");
    assert_eq!(open["address"], addr);
    assert_eq!(open["kdf"]["m_kib"], 256);
    ok(&["vault", "change-pin", "--dir", &d], "123456\n654321\n");
    let (code, _, _) = run(&["vault", "open", "--dir", &d], "123456\n");
    assert_eq!(code, 1);
    assert_eq!(
        ok(&["vault", "export-mnemonic", "--dir", &d], "654321\n")["mnemonic"]
            .as_str()
            .unwrap(),
        phrase
    );
    let bk = dir.path().join("w.backup").display().to_string();
    let made = ok(&["vault", "backup", "--dir", &d, "--out", &bk], "654321\n");
    assert_eq!(made["protection"], "code");
    let code = made["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 39, "32 digits in groups of 4: {code}");
    assert_eq!(
        ok(&["vault", "inspect-backup", "--file", &bk], "")["protection"],
        "code"
    );
    // The PIN alone does not open a backup (finding 3); the code does, with a new PIN.
    let d2 = dir.path().join("v2").display().to_string();
    let (c, _, err) = run(
        &["vault", "restore", "--dir", &d2, "--file", &bk],
        "654321\n654321\n",
    );
    assert_eq!(c, 1, "{err}");
    let restored = ok(
        &["vault", "restore", "--dir", &d2, "--file", &bk],
        &format!("{code}\n246802\n"),
    );
    assert_eq!(restored["address"], addr);
    assert_eq!(restored["backup"]["weak"], false);
    ok(&["vault", "open", "--dir", &d2], "246802\n");
    // A guessable passphrase is refused; a strong one protects a second backup.
    let weak = write(dir.path(), "weak.txt", "hunter22");
    let (c, _, err) = run(
        &[
            "vault",
            "backup",
            "--dir",
            &d,
            "--out",
            &bk,
            "--passphrase-file",
            &weak,
        ],
        "654321\n",
    );
    assert_eq!(c, 1);
    assert!(err.contains("guessable"), "{err}");
    // A tampered backup is refused and leaves the target empty.
    let mut bytes = std::fs::read(&bk).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&bk, &bytes).unwrap();
    let d3 = dir.path().join("v3").display().to_string();
    let (c, _, err) = run(
        &["vault", "restore", "--dir", &d3, "--file", &bk],
        &format!("{code}\n654321\n"),
    );
    assert_eq!(c, 1);
    assert!(err.contains("\"Authentication\""), "{err}");
    let (code, _, _) = run(&["vault", "open", "--dir", &d3], "654321\n");
    assert_eq!(code, 1, "nothing was restored");
    // Restore keys alone from the mnemonic in a file.
    let mf = write(dir.path(), "m.txt", &phrase);
    let d4 = dir.path().join("v4").display().to_string();
    let r = ok(
        &[
            "vault",
            "init",
            "--dir",
            &d4,
            "--kdf",
            "fast",
            "--mnemonic-file",
            &mf,
        ],
        "111111\n",
    );
    assert_eq!(r["address"], addr);
    assert!(
        r.get("mnemonic").is_none(),
        "a restored mnemonic is not echoed"
    );
}

/// `jigap --help` names every part of the tool and documents `--now`.
#[test]
fn help_names_every_part() {
    let out = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "keys",
        "vault",
        "voucher",
        "ticket",
        "credential",
        "demo",
        "--key-file",
        "--now",
        "pilots, audits and tests",
    ] {
        assert!(help.contains(word), "--help does not mention {word}");
    }
    let short = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .arg("-h")
        .output()
        .unwrap();
    let about = String::from_utf8(short.stdout).unwrap();
    let first = about.lines().next().unwrap();
    for word in [
        "keys",
        "vault",
        "vouchers",
        "tickets",
        "credentials",
        "demo",
    ] {
        assert!(
            first.contains(word),
            "the summary does not mention {word}: {first}"
        );
    }
}

/// Every error kind the CLI prints is one of the core's `ErrorClass` names.
#[test]
fn error_kinds_are_the_core_classes() {
    let names: Vec<&str> = jigap_core::error::ErrorClass::ALL
        .iter()
        .map(|c| c.name())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none").display().to_string();
    for (args, stdin, kind) in [
        (vec!["keys", "derive"], "abandon abandon", "InvalidInput"),
        (
            vec!["vault", "open", "--dir", missing.as_str()],
            "123456\n",
            "NotFound",
        ),
        (
            vec!["--now", "yesterday", "keys", "new"],
            "",
            "InvalidInput",
        ),
    ] {
        let (code, _, err) = run(&args, stdin);
        assert_eq!(code, 1);
        let e: Value = serde_json::from_str(err.trim()).unwrap();
        let k = e["error"]["kind"].as_str().unwrap();
        assert!(names.contains(&k), "{k} is not an ErrorClass name");
        assert_eq!(k, kind, "{args:?}: {err}");
    }
}
