//! What the CLI test files share: run `jigap --json …` with `stdin`.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Run `jigap --json ARGS` with `stdin`: the exit code, stdout as JSON (`null` if it is not),
/// and stderr.
pub fn run(args: &[&str], stdin: &str) -> (i32, Value, String) {
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
