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
    // A command that fails before reading its input closes stdin first: that broken pipe is
    // its answer, not the test's failure (the exit code and stderr below say what happened).
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    let out = child.wait_with_output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8(out.stderr).unwrap(),
    )
}
