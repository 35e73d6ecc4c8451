//! `jigap demo --json` runs the whole journey and reports every step as done.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

#[test]
fn demo_journey_succeeds_and_reports_every_step() {
    let out = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .args(["demo", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    let steps = v["steps"].as_array().unwrap();
    assert!(steps.len() >= 6, "{} steps", steps.len());
    assert!(steps.iter().all(|s| s["ok"] == true));
    assert!(
        steps
            .iter()
            .any(|s| s["title"].as_str().unwrap().contains("café"))
    );
}
